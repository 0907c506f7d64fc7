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

/// Whether `text` may import `trigger` or a sub-module of it: the trigger's name occurs where an
/// import names a module. [`imports`] parses the file, so the caller uses this to skip the
/// parse of files that cannot contain a wanted import. It must never say no to a file whose
/// imports [`imports`] would find the trigger in; it may say yes to one they don't.
///
/// - Python: the name starts a dotted name (no identifier character or `.` before it, none
///   after it but `.`) on a logical line that contains `import`. A module name is on the line of
///   its `import` (`import a, b`; `from a.b import (`), or on a line continued from it with `\`.
/// - Go, JavaScript, TypeScript: the name starts a string (`"pkg`, `'pkg`, `` `pkg ``, or
///   after `node:`), and the string ends or goes on with `/` or `.` after it.
///
/// Why not just `text.contains(trigger)`: short triggers (`ws`, `rq`, `next`) occur in almost
/// every file (`rows`, `request`, `next(…)`), so every file was parsed a second time, which
/// made discovery cost as much as parsing for the check.
pub fn may_import(lang: Language, text: &str, trigger: &str) -> bool {
    memchr::memmem::find_iter(text.as_bytes(), trigger.as_bytes())
        .any(|at| import_context(lang, text.as_bytes(), at, at + trigger.len()))
}

/// Whether the name at `bytes[at..end]` stands where an import names a module (see
/// [`may_import`]).
pub(crate) fn import_context(lang: Language, bytes: &[u8], at: usize, end: usize) -> bool {
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80;
    let before = at.checked_sub(1).map(|i| bytes[i]);
    let after = bytes.get(end).copied();
    match lang {
        Language::Python => {
            if before.is_some_and(|b| ident(b) || b == b'.')
                || after.is_some_and(|b| ident(b) && b != b'.')
            {
                return false;
            }
            logical_line(bytes, at).windows(6).any(|w| w == b"import")
        }
        Language::Go | Language::JavaScript | Language::TypeScript | Language::Tsx => {
            let quote = |b: u8| matches!(b, b'"' | b'\'' | b'`');
            let opens = match before {
                Some(b) if quote(b) => true,
                Some(b':') => at >= 6 && bytes[at - 5..at] == *b"node:" && quote(bytes[at - 6]),
                _ => false,
            };
            opens && after.is_some_and(|b| quote(b) || b == b'/' || b == b'.')
        }
    }
}

/// The triggers not seen yet, with one automaton that finds all of them in a file's text.
#[derive(Debug)]
pub(crate) struct Wanted {
    left: Vec<String>,
    automaton: Option<aho_corasick::AhoCorasick>,
}

impl Wanted {
    pub(crate) fn new(left: Vec<String>) -> Wanted {
        let automaton = aho_corasick::AhoCorasick::new(&left).ok();
        Wanted { left, automaton }
    }

    /// Whether `text` may import one of the triggers (see [`may_import`]).
    pub(crate) fn may_import(&self, lang: Language, text: &str) -> bool {
        let bytes = text.as_bytes();
        match &self.automaton {
            Some(ac) => ac
                .find_overlapping_iter(bytes)
                .any(|m| import_context(lang, bytes, m.start(), m.end())),
            None => self.left.iter().any(|t| may_import(lang, text, t)),
        }
    }

    /// The imports in `found` that match a trigger not seen yet; their triggers are dropped
    /// (and the automaton rebuilt without them).
    pub(crate) fn take(&mut self, found: BTreeSet<String>) -> Vec<String> {
        let hits: Vec<String> = found
            .into_iter()
            .filter(|m| self.left.iter().any(|t| module_matches(m, t)))
            .collect();
        if !hits.is_empty() {
            let left = std::mem::take(&mut self.left)
                .into_iter()
                .filter(|t| !hits.iter().any(|m| module_matches(m, t)))
                .collect();
            *self = Wanted::new(left);
        }
        hits
    }
}

/// The logical Python line around byte `at`: from the start of its first physical line (going
/// back over lines that end in `\`) to the end of its last (going on over the same).
fn logical_line(bytes: &[u8], at: usize) -> &[u8] {
    // Whether the physical line ending at the newline at `nl` ends in `\` (before a `\r`).
    let continued = |nl: usize| {
        let line = &bytes[..nl];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        line.last() == Some(&b'\\')
    };
    let line_start = |end: usize| {
        bytes[..end]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1)
    };
    let mut start = line_start(at);
    while start > 0 && continued(start - 1) {
        start = line_start(start - 1);
    }
    let mut end = at;
    loop {
        end = bytes[end..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| end + i);
        if end < bytes.len() && continued(end) {
            end += 1;
            continue;
        }
        break;
    }
    &bytes[start..end]
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

    /// Every import [`imports`] finds passes [`may_import`] for the module and for each of its
    /// parents, and look-alikes outside imports do not.
    #[test]
    fn may_import_keeps_every_import_and_skips_look_alikes() {
        let cases: &[(Language, &str)] = &[
            (Language::Python, "import asyncio, os.path as p\nfrom sqlalchemy.ext.asyncio import (\n    AsyncSession,\n)\nimport json, \\\n    ws\ndef f():\n    import redis\n"),
            (Language::Python, "import json, \\\r\n    ws\r\nfrom a.b import (\r\n    c,\r\n)\r\n"),
            (Language::Go, "package main\nimport (\n\t\"database/sql\"\n\tpg \"github.com/jackc/pgx/v5/pgxpool\"\n\t_ `github.com/lib/pq`\n)\n"),
            (Language::JavaScript, "import express from 'express';\nconst { Pool } = require(\"pg\");\nconst fs = require('node:fs');\nexport { x } from '@prisma/client';\nconst m = await import('knex');\nimport x from 'ws/lib/x';\n"),
            (Language::TypeScript, "import type { X } from 'typeorm';\nimport {\n  Injectable,\n} from '@nestjs/common';\n"),
        ];
        for (lang, text) in cases {
            for module in imports(*lang, text) {
                let mut prefixes = vec![module.clone()];
                for (i, c) in module.char_indices() {
                    if c == '.' || c == '/' {
                        prefixes.push(module[..i].to_string());
                    }
                }
                for p in prefixes {
                    assert!(may_import(*lang, text, &p), "{lang:?}: `{p}` of `{module}`");
                }
            }
        }
        // A continued line with Windows line ends.
        let crlf = "import json, \\\r\n    ws\r\n";
        assert!(imports(Language::Python, crlf).contains("ws"));
        assert!(may_import(Language::Python, crlf, "ws"));
        let py = "rows = db.fetch()  # ws\nnews = request.next\nx = 'the ws docs'\nimport wsgiref\nfrom os import path as wss\n";
        assert!(imports(Language::Python, py)
            .iter()
            .all(|m| !module_matches(m, "ws")));
        for t in ["ws", "rq", "next", "request"] {
            assert!(!may_import(Language::Python, py, t), "{t}");
        }
        // A name on a line with `import` may be a false yes; that only costs a parse.
        assert!(may_import(Language::Python, py, "path"));
        let js = "const rows = ws.next();\nconst s = 'news';\nimport a from 'wsx';\nrequire(\"./ws\");\n";
        for t in ["ws", "next", "rows"] {
            assert!(!may_import(Language::JavaScript, js, t), "{t}");
        }
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
