//! Text sources: `docs/project/tech_stack.md` (CHECKS.md §1.1 row 9: whole-word, case-insensitive
//! matches of the dictionary's `docs` words plus an adjacent version) and literal DSNs in code and
//! configuration (§1.3: `postgresql+asyncpg://…` → postgresql).

use super::stacks::Stacks;
use std::collections::BTreeSet;

/// The repo-relative path of the tech-stack document.
pub const TECH_STACK_DOC: &str = "docs/project/tech_stack.md";

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whole-word, case-insensitive occurrences of `word` in `text`, each with the version that
/// follows it (`SQLAlchemy 2.0`, `PostgreSQL v16`, `fastapi@0.115`), if any.
pub fn mentions(text: &str, word: &str) -> Vec<Option<String>> {
    // ASCII folding keeps byte offsets, so positions in `lower` are positions in `text`.
    let lower = text.to_ascii_lowercase();
    let w = word.to_ascii_lowercase();
    let mut out = Vec::new();
    if w.is_empty() {
        return out;
    }
    let mut from = 0;
    while let Some(i) = lower[from..].find(&w) {
        let start = from + i;
        let end = start + w.len();
        from = end;
        let before = lower[..start].chars().next_back();
        let after = lower[end..].chars().next();
        if before.is_some_and(is_word_char) || after.is_some_and(is_word_char) {
            continue;
        }
        out.push(version_after(&text[end..]));
    }
    out
}

/// A version right after a word: optional spaces, `v` or `@`, then digits and dots.
fn version_after(rest: &str) -> Option<String> {
    let rest = rest.trim_start_matches([' ', '\t']);
    let rest = rest
        .strip_prefix('@')
        .or_else(|| rest.strip_prefix(['v', 'V']))
        .unwrap_or(rest);
    let v: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let v = v.trim_end_matches('.');
    (v.starts_with(|c: char| c.is_ascii_digit())).then(|| v.to_string())
}

/// The first version given for any of `words`, and whether any of them is mentioned.
pub fn mentioned(text: &str, words: &[String]) -> (bool, Option<String>) {
    let mut seen = false;
    let mut version = None;
    for w in words {
        for v in mentions(text, w) {
            seen = true;
            if version.is_none() {
                version = v;
            }
        }
    }
    (seen, version)
}

/// Database kinds of the literal DSNs in a text: a URL scheme (`<scheme>[+driver]://`) that a
/// `[[db]]` entry lists under `dsn`.
pub fn dsn_kinds(text: &str, stacks: &Stacks) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(i) = text[from..].find("://") {
        let at = from + i;
        from = at + 3;
        let mut s = at;
        while s > 0
            && (bytes[s - 1].is_ascii_alphanumeric() || matches!(bytes[s - 1], b'+' | b'-' | b'.'))
        {
            s -= 1;
        }
        let scheme = text[s..at].to_ascii_lowercase();
        let base = scheme.split('+').next().unwrap_or("");
        if base.is_empty() {
            continue;
        }
        for db in &stacks.db {
            if db.dsn.iter().any(|d| d == base) {
                out.insert(db.kind.clone());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_words_with_versions() {
        let doc = "# Stack\n- SQLAlchemy 2.0 (async)\n- PostgreSQL v16.2, Redis\n- not sqlalchemyx, fastapi@0.115.\n- Postgres-ish: pgxpool\n";
        assert_eq!(mentions(doc, "sqlalchemy"), vec![Some("2.0".into())]);
        assert_eq!(mentions(doc, "PostgreSQL"), vec![Some("16.2".into())]);
        assert_eq!(mentions(doc, "redis"), vec![None]);
        assert_eq!(mentions(doc, "FastAPI"), vec![Some("0.115".into())]);
        assert!(mentions(doc, "pgx").is_empty());
        assert_eq!(mentions(doc, "Postgres"), vec![None]);
        let (seen, v) = mentioned(doc, &["MySQL".into()]);
        assert!(!seen && v.is_none());
    }

    #[test]
    fn dsn_schemes() {
        let stacks = Stacks::from_toml(
            "t",
            "[[db]]\nkind = \"postgresql\"\ndsn = [\"postgresql\", \"postgres\"]\n[[db]]\nkind = \"sqlite\"\ndsn = [\"sqlite\"]\n",
        )
        .unwrap();
        let text = "URL = 'postgresql+asyncpg://u:p@h/db'\nB = \"sqlite+aiosqlite:///x.db\"\nC = 'https://example.com'\n://";
        let kinds: Vec<_> = dsn_kinds(text, &stacks).into_iter().collect();
        assert_eq!(kinds, vec!["postgresql", "sqlite"]);
    }
}
