; F5 candidates: classes that declare a Django model field (`x = models.CharField(…)`,
; `customer = models.ForeignKey(…)`) or name a model base (`models.Model`, `Model`, `…Model`).
; Each pattern starts on `class_definition` so that the predicate runs on these classes only.
((class_definition
   name: (identifier) @name
   body: (block (expression_statement (assignment right: (call function: (_) @attr))))) @cls
  (#match? @attr "(Field|ForeignKey|ParentalKey)$"))

((class_definition
   name: (identifier) @name
   superclasses: (argument_list) @attr) @cls
  (#match? @attr "Model|Abstract"))
