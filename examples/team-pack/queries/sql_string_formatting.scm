; Candidates for acme.query.sql_string_formatting.
; Captures: @site (the call: the finding's location), @callee (the called expression),
; @sql (the first positional argument: the statement text).
; Only argument kinds that can hold formatted text reach the predicate.

; DB-API cursors, SQLAlchemy connections/sessions: X.execute(...), X.executemany(...)
((call
   function: (attribute attribute: (identifier) @method) @callee
   arguments: (argument_list
     .
     [(string) (concatenated_string) (binary_operator) (call)
      (parenthesized_expression) (identifier)] @sql)) @site
 (#any-of? @method "execute" "executemany"))

; SQLAlchemy text(...)
((call
   function: (_) @callee
   arguments: (argument_list
     .
     [(string) (concatenated_string) (binary_operator) (call)
      (parenthesized_expression) (identifier)] @sql)) @site
 (#resolves-to? @callee "sql_text_builders"))
