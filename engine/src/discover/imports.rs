//! Source imports (CHECKS.md §1.1 row 10), read with the engine's tree-sitter grammars: Python
//! `import`/`from … import` (relative imports skipped), Go import specs, JavaScript/TypeScript
//! `import … from`, `export … from`, `import()` and `require()` with a literal argument.
//! Results are module names as written (`sqlalchemy.ext.asyncio`, `github.com/jackc/pgx/v5`,
//! `@prisma/client/edge`); `node:` prefixes are dropped; relative paths are skipped.

use crate::Language;
use std::collections::BTreeSet;
use std::sync::OnceLock;
use tree_sitter::{Query, QueryCursor, StreamingIterator};

const PYTHON: &str = r#"
(import_statement name: (dotted_name) @m)
(import_statement name: (aliased_import name: (dotted_name) @m))
(import_from_statement module_name: (dotted_name) @m)
"#;

const GO: &str = r#"
(import_spec path: (_) @m)
"#;

const JS: &str = r#"
(import_statement source: (string) @m)
(export_statement source: (string) @m)
(call_expression function: (identifier) @f arguments: (arguments . (string) @m) (#eq? @f "require"))
(call_expression function: (import) arguments: (arguments . (string) @m))
"#;

fn query(lang: Language) -> &'static Query {
    static QUERIES: [OnceLock<Query>; 5] = [
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
    ];
    let (i, src) = match lang {
        Language::Python => (0, PYTHON),
        Language::Go => (1, GO),
        Language::JavaScript => (2, JS),
        Language::TypeScript => (3, JS),
        Language::Tsx => (4, JS),
    };
    QUERIES[i].get_or_init(|| {
        // The queries are constants tested for every grammar (`every_query_compiles`).
        Query::new(&lang.grammar(), src).expect("import query compiles")
    })
}

/// The modules a source file imports.
pub fn imports(lang: Language, text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let Some(tree) = crate::parse(lang, text) else {
        return out;
    };
    let q = query(lang);
    let Some(m_idx) = q.capture_index_for_name("m") else {
        return out;
    };
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches(q, tree.root_node(), text.as_bytes());
    while let Some(m) = matches.next() {
        for c in m.captures().iter().filter(|c| c.index == m_idx) {
            let raw = c.node.utf8_text(text.as_bytes()).unwrap_or("");
            let name = raw.trim_matches(|c| matches!(c, '"' | '\'' | '`'));
            let name = name.strip_prefix("node:").unwrap_or(name);
            if name.is_empty() || name.starts_with('.') || name.starts_with('/') {
                continue;
            }
            out.insert(name.to_string());
        }
    }
    out
}

/// Whether an imported module matches a trigger: the same name, or a sub-module of it
/// (`sqlalchemy.orm` matches `sqlalchemy`; `github.com/jackc/pgx/v5/pgxpool` matches
/// `github.com/jackc/pgx/v5`).
pub fn module_matches(module: &str, trigger: &str) -> bool {
    module == trigger
        || module
            .strip_prefix(trigger)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(lang: Language, text: &str) -> Vec<String> {
        imports(lang, text).into_iter().collect()
    }

    #[test]
    fn every_query_compiles() {
        for lang in Language::ALL {
            let _ = query(lang);
        }
    }

    #[test]
    fn python_imports() {
        let text = "import asyncio, os.path as p\nfrom sqlalchemy.ext.asyncio import AsyncSession\nfrom . import models\nfrom .db import x\ndef f():\n    import redis\n";
        assert_eq!(
            names(Language::Python, text),
            vec!["asyncio", "os.path", "redis", "sqlalchemy.ext.asyncio"]
        );
    }

    #[test]
    fn go_imports() {
        let text = "package main\nimport (\n\t\"database/sql\"\n\tpg \"github.com/jackc/pgx/v5/pgxpool\"\n\t_ `github.com/lib/pq`\n)\nimport \"fmt\"\n";
        assert_eq!(
            names(Language::Go, text),
            vec![
                "database/sql",
                "fmt",
                "github.com/jackc/pgx/v5/pgxpool",
                "github.com/lib/pq"
            ]
        );
    }

    #[test]
    fn js_and_ts_imports() {
        let js = "import express from 'express';\nconst { Pool } = require(\"pg\");\nconst fs = require('node:fs');\nexport { x } from '@prisma/client';\nconst m = await import('knex');\nimport './local.js';\nrequire(name);\n";
        assert_eq!(
            names(Language::JavaScript, js),
            vec!["@prisma/client", "express", "fs", "knex", "pg"]
        );
        let ts =
            "import type { X } from 'typeorm';\nimport { Injectable } from '@nestjs/common';\n";
        assert_eq!(
            names(Language::TypeScript, ts),
            vec!["@nestjs/common", "typeorm"]
        );
        assert_eq!(
            names(
                Language::Tsx,
                "import React from 'react';\nexport const A = () => <div/>;\n"
            ),
            vec!["react"]
        );
    }

    #[test]
    fn trigger_matching() {
        assert!(module_matches("sqlalchemy.orm", "sqlalchemy"));
        assert!(module_matches("sqlalchemy", "sqlalchemy"));
        assert!(!module_matches("sqlalchemy_utils", "sqlalchemy"));
        assert!(module_matches(
            "github.com/jackc/pgx/v5/pgxpool",
            "github.com/jackc/pgx/v5"
        ));
        assert!(module_matches(
            "github.com/jackc/pgx/v5",
            "github.com/jackc/pgx"
        ));
        assert!(!module_matches(
            "github.com/jackc/pgxpool",
            "github.com/jackc/pgx"
        ));
    }
}
