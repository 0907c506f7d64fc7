; F5 candidates: classes whose body declares a table or maps a column. Each pattern starts on
; `class_definition` and names what makes the class interesting, so that the predicate runs on
; these classes only (not on every class of the project); a class matched by several patterns or
; statements is one candidate.

; __tablename__ = "users", __table__ = Table(…), __tablename__: str | None = None
((class_definition
   name: (identifier) @name
   body: (block (expression_statement (assignment left: (identifier) @attr)))) @cls
  (#any-of? @attr "__tablename__" "__table__"))

; @declared_attr def __tablename__(cls): …
((class_definition
   name: (identifier) @name
   body: (block [
     (function_definition name: (identifier) @attr)
     (decorated_definition definition: (function_definition name: (identifier) @attr))])) @cls
  (#eq? @attr "__tablename__"))

; id: Mapped[int] = …, y: so.Mapped["B"], events: WriteOnlyMapped["Event"]
((class_definition
   name: (identifier) @name
   body: (block (expression_statement (assignment type: (type) @attr)))) @cls
  (#match? @attr "Mapped\\["))

; id = Column(Integer, …), body = deferred(Column(Text)), posts = relationship("Post")
((class_definition
   name: (identifier) @name
   body: (block (expression_statement (assignment right: (call function: (_) @attr))))) @cls
  (#match? @attr "(Column|mapped_column|column_property|deferred|relationship|relation)$"))
