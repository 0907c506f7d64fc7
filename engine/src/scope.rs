//! Scan scope (CHECKS.md §0): which files checks skip, and which files are skipped whole.
//!
//! Path rules (tests, vendored and generated code, migrations) are globs compiled once. Content
//! rules (binary, non-UTF-8, too large, generated markers) look at the bytes. Front-ends apply
//! both; `ppa test` applies neither to fixtures.

use globset::{Glob, GlobSet, GlobSetBuilder};

/// Default maximum size of a scanned file (`[scan] max_file_size`).
pub const MAX_FILE_SIZE: u64 = 1024 * 1024;

/// Why a path is out of scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Excluded {
    Test,
    Vendored,
    Migration,
}

impl Excluded {
    pub fn as_str(self) -> &'static str {
        match self {
            Excluded::Test => "test code",
            Excluded::Vendored => "vendored or generated code",
            Excluded::Migration => "migration",
        }
    }
}

/// The default path globs, by reason.
pub const TEST_GLOBS: &[&str] = &[
    "**/test/**",
    "**/tests/**",
    "**/__tests__/**",
    "**/test_*.py",
    "**/*_test.py",
    "**/conftest.py",
    "**/*_test.go",
    "**/*.test.*",
    "**/*.spec.*",
    "**/testdata/**",
    "**/fixtures/**",
];
pub const VENDORED_GLOBS: &[&str] = &[
    "**/node_modules/**",
    "**/vendor/**",
    "**/.venv/**",
    "**/venv/**",
    "**/dist/**",
    "**/build/**",
    "**/*.min.js",
    "**/*_pb2*.py",
    "**/*.pb.go",
    "**/*.gen.go",
];
pub const MIGRATION_GLOBS: &[&str] = &[
    "**/migrations/**",
    "**/migration/**",
    "**/alembic/**",
    "**/*.sql",
];

/// Compiled path rules.
#[derive(Debug, Clone)]
pub struct Scope {
    tests: GlobSet,
    vendored: GlobSet,
    migrations: GlobSet,
    include: Option<GlobSet>,
    exclude: GlobSet,
}

fn set(globs: &[impl AsRef<str>]) -> Result<GlobSet, String> {
    let mut b = GlobSetBuilder::new();
    for g in globs {
        let g = g.as_ref();
        b.add(Glob::new(g).map_err(|e| format!("invalid glob `{g}`: {e}"))?);
        // `**/x/**` should also match `x/...` at the root; globset's `**/` already does.
    }
    b.build().map_err(|e| e.to_string())
}

impl Scope {
    /// The default scope plus user include/exclude globs (an empty include means everything).
    pub fn new(include: &[String], exclude: &[String]) -> Result<Scope, String> {
        Ok(Scope {
            tests: set(TEST_GLOBS)?,
            vendored: set(VENDORED_GLOBS)?,
            migrations: set(MIGRATION_GLOBS)?,
            include: if include.is_empty() {
                None
            } else {
                Some(set(include)?)
            },
            exclude: set(exclude)?,
        })
    }

    /// Whether the user's globs keep the path.
    pub fn selected(&self, path: &str) -> bool {
        self.include.as_ref().is_none_or(|i| i.is_match(path)) && !self.exclude.is_match(path)
    }

    /// Why the default rules exclude a repo-relative path, if they do.
    pub fn excluded(&self, path: &str) -> Option<Excluded> {
        if self.vendored.is_match(path) {
            Some(Excluded::Vendored)
        } else if self.tests.is_match(path) {
            Some(Excluded::Test)
        } else if self.migrations.is_match(path) {
            Some(Excluded::Migration)
        } else {
            None
        }
    }
}

/// Why a file's content is skipped, if it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContentSkip {
    /// (size, limit) in bytes.
    TooLarge(u64, u64),
    Binary,
    NotUtf8,
    Generated,
}

impl ContentSkip {
    pub fn message(&self) -> String {
        match self {
            ContentSkip::TooLarge(n, limit) => {
                format!("skipped: {n} bytes is over the {limit} byte limit ([scan] max_file_size)")
            }
            ContentSkip::Binary => "skipped: binary file (NUL byte in the first 8 KiB)".into(),
            ContentSkip::NotUtf8 => "skipped: not valid UTF-8".into(),
            ContentSkip::Generated => {
                "skipped: generated file (marker in the first 5 lines)".into()
            }
        }
    }
}

/// Decodes a file's bytes for checking: drops a UTF-8 BOM; rejects binary, non-UTF-8 and
/// generated files.
pub fn decode(bytes: &[u8]) -> Result<&str, ContentSkip> {
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return Err(ContentSkip::Binary);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|_| ContentSkip::NotUtf8)?;
    if is_generated(text) {
        return Err(ContentSkip::Generated);
    }
    Ok(text)
}

/// `@generated`, `Code generated … DO NOT EDIT` or `auto-generated` in the first 5 lines.
pub fn is_generated(text: &str) -> bool {
    text.lines().take(5).any(|l| {
        l.contains("@generated")
            || l.contains("auto-generated")
            || (l.contains("Code generated") && l.contains("DO NOT EDIT"))
    })
}

/// The file walk shared by `ppa check`, discovery and the benchmark: `.gitignore`/`.ignore`
/// honoured (also outside a git repository), hidden entries skipped, no symlinks followed, in
/// path order. Callers add filters and build it.
pub fn walk_builder(path: &std::path::Path) -> ignore::WalkBuilder {
    let mut b = ignore::WalkBuilder::new(path);
    b.hidden(true)
        .git_ignore(true)
        .git_global(false)
        .git_exclude(true)
        .require_git(false)
        .ignore(true)
        .parents(true)
        .follow_links(false)
        .sort_by_file_path(|a, b| a.cmp(b));
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_exclusions() {
        let s = Scope::new(&[], &[]).unwrap();
        assert_eq!(s.excluded("app/tests/test_x.py"), Some(Excluded::Test));
        assert_eq!(s.excluded("test_x.py"), Some(Excluded::Test));
        assert_eq!(s.excluded("pkg/conftest.py"), Some(Excluded::Test));
        assert_eq!(s.excluded("web/a.spec.ts"), Some(Excluded::Test));
        assert_eq!(
            s.excluded("node_modules/x/index.js"),
            Some(Excluded::Vendored)
        );
        assert_eq!(s.excluded("api/x_pb2.py"), Some(Excluded::Vendored));
        assert_eq!(
            s.excluded("app/migrations/0001.py"),
            Some(Excluded::Migration)
        );
        assert_eq!(s.excluded("app/services/users.py"), None);
        assert_eq!(s.excluded("app/latest.py"), None);
    }

    #[test]
    fn content_rules() {
        assert_eq!(decode(b"a\0b"), Err(ContentSkip::Binary));
        assert_eq!(decode(b"\xff\xfe"), Err(ContentSkip::NotUtf8));
        assert_eq!(decode(b"\xEF\xBB\xBFx = 1"), Ok("x = 1"));
        assert_eq!(
            decode(b"// Code generated by protoc. DO NOT EDIT.\npackage x"),
            Err(ContentSkip::Generated)
        );
    }

    #[test]
    fn user_globs() {
        let s = Scope::new(&["src/**".into()], &["src/legacy/**".into()]).unwrap();
        assert!(s.selected("src/a.py"));
        assert!(!s.selected("lib/a.py"));
        assert!(!s.selected("src/legacy/a.py"));
    }
}
