//! Languages: file extensions, grammars, comment syntax and the node kinds the shared semantic
//! model (CHECKS.md §3.4) needs. Everything language-specific that is not vocabulary lives here,
//! as tables, so the built-ins in `semantics` stay generic.

pub use crate::model::Language;

impl Language {
    /// The language of a path, by extension. `.d.ts` declaration files are not scanned.
    pub fn from_path(path: &str) -> Option<Language> {
        let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        if name.ends_with(".d.ts") || name.ends_with(".d.mts") || name.ends_with(".d.cts") {
            return None;
        }
        let ext = name.rsplit_once('.')?.1;
        Some(match ext {
            "py" | "pyi" => Language::Python,
            "go" => Language::Go,
            "js" | "mjs" | "cjs" | "jsx" => Language::JavaScript,
            "ts" | "mts" | "cts" => Language::TypeScript,
            "tsx" => Language::Tsx,
            _ => return None,
        })
    }

    /// The file extensions of the language (used for fixture discovery and docs).
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Language::Python => &["py", "pyi"],
            Language::Go => &["go"],
            Language::JavaScript => &["js", "mjs", "cjs", "jsx"],
            Language::TypeScript => &["ts", "mts", "cts"],
            Language::Tsx => &["tsx"],
        }
    }

    /// The grammar's node-types.json (fields, their kinds, and whether they repeat).
    pub(crate) fn node_types(self) -> &'static str {
        match self {
            Language::Python => tree_sitter_python::NODE_TYPES,
            Language::Go => tree_sitter_go::NODE_TYPES,
            Language::JavaScript => tree_sitter_javascript::NODE_TYPES,
            Language::TypeScript => tree_sitter_typescript::TYPESCRIPT_NODE_TYPES,
            Language::Tsx => tree_sitter_typescript::TSX_NODE_TYPES,
        }
    }

    /// The tree-sitter grammar.
    pub fn grammar(self) -> tree_sitter::Language {
        match self {
            Language::Python => tree_sitter_python::LANGUAGE.into(),
            Language::Go => tree_sitter_go::LANGUAGE.into(),
            Language::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Language::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Language::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
        }
    }

    /// The line-comment prefix used by suppressions and fixture annotations.
    pub fn comment_prefix(self) -> &'static str {
        match self {
            Language::Python => "#",
            _ => "//",
        }
    }

    /// Whether a detector written for `self` also runs on files of `other`. TypeScript and TSX
    /// keep JavaScript's node names, so a JavaScript detector is compiled for all three; a
    /// TypeScript detector also runs on TSX.
    pub fn runs_on(self, other: Language) -> bool {
        self == other
            || matches!(
                (self, other),
                (Language::JavaScript, Language::TypeScript | Language::Tsx)
                    | (Language::TypeScript, Language::Tsx)
            )
    }

    /// Node kinds that are function boundaries (CHECKS.md §3.4).
    pub fn function_kinds(self) -> &'static [&'static str] {
        match self {
            Language::Python => &["function_definition", "lambda"],
            Language::Go => &["function_declaration", "method_declaration", "func_literal"],
            _ => &[
                "function_declaration",
                "function_expression",
                "arrow_function",
                "method_definition",
                "generator_function_declaration",
                "generator_function",
                "function",
            ],
        }
    }

    /// Loop node kinds whose `body` field is "inside the loop".
    pub fn loop_kinds(self) -> &'static [&'static str] {
        match self {
            Language::Python => &["for_statement", "while_statement"],
            Language::Go => &["for_statement"],
            _ => &[
                "for_statement",
                "for_in_statement",
                "while_statement",
                "do_statement",
            ],
        }
    }

    /// Comprehension node kinds (Python only): the element and conditions run per item.
    pub fn comprehension_kinds(self) -> &'static [&'static str] {
        match self {
            Language::Python => &[
                "list_comprehension",
                "set_comprehension",
                "dictionary_comprehension",
                "generator_expression",
            ],
            _ => &[],
        }
    }

    /// Class-like definitions, used to name the enclosing symbol of a finding.
    pub fn class_kinds(self) -> &'static [&'static str] {
        match self {
            Language::Python => &["class_definition"],
            Language::Go => &["type_declaration"],
            _ => &["class_declaration", "class"],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_map_to_languages() {
        assert_eq!(Language::from_path("a/b.py"), Some(Language::Python));
        assert_eq!(Language::from_path("x.go"), Some(Language::Go));
        assert_eq!(Language::from_path("x.mjs"), Some(Language::JavaScript));
        assert_eq!(Language::from_path("x.cts"), Some(Language::TypeScript));
        assert_eq!(Language::from_path("x.tsx"), Some(Language::Tsx));
        assert_eq!(Language::from_path("types/x.d.ts"), None);
        assert_eq!(Language::from_path("README"), None);
        assert_eq!(Language::from_path("x.rs"), None);
    }

    #[test]
    fn every_grammar_loads() {
        for lang in Language::ALL {
            let mut p = tree_sitter::Parser::new();
            p.set_language(&lang.grammar()).unwrap();
        }
    }
}
