//! Findings and diagnostics: what the engine pushes into a sink.
//!
//! A [`Finding`] is a defect at a place. A [`Diagnostic`] is everything else worth telling
//! (a skipped file, a syntax-error note, a predicate that failed, a suppression problem); it never
//! counts towards a score. Both are plain serde data whose JSON field names are a contract
//! (CHECKS.md §6.3).

use crate::model::{Category, Effort, Severity};
use serde::Serialize;

/// A 1-based position; `column` counts characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// One defect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Check id, e.g. `runtime.sync_sleep_in_async`.
    pub check: String,
    pub category: Category,
    pub severity: Severity,
    /// Path label of the file (repo-relative, `/`-separated in the CLI).
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// Exclusive end.
    pub end: Position,
    pub message: String,
    pub recommendation: String,
    pub effort: Effort,
    /// The pack whose detector fired.
    pub pack: String,
    /// `<pack>/<detector>`.
    pub detector: String,
    /// Stable across line shifts: SHA-256 over check, path, enclosing symbol, matched text
    /// (whitespace collapsed) and occurrence index; first 16 hex digits.
    pub fingerprint: String,
    /// Dotted names of the enclosing definitions (`Repo.load`), empty at top level.
    #[serde(skip)]
    pub symbol: String,
    /// Byte range in the file, for snippets.
    #[serde(skip)]
    pub byte_range: (usize, usize),
}

impl Finding {
    /// The §0 order: category, severity (highest first), path, line, column, check id.
    pub fn sort_key(
        &self,
    ) -> (
        Category,
        std::cmp::Reverse<Severity>,
        &str,
        usize,
        usize,
        &str,
    ) {
        (
            self.category,
            std::cmp::Reverse(self.severity),
            &self.file,
            self.line,
            self.column,
            &self.check,
        )
    }
}

/// How loud a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Note,
    Warning,
    Error,
}

/// Something worth telling that is not a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub level: Level,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pack: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detector: Option<String>,
}

impl Diagnostic {
    pub fn new(
        level: Level,
        file: Option<&str>,
        line: Option<usize>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            level,
            file: file.map(str::to_string),
            line,
            message: message.into(),
            pack: None,
            detector: None,
        }
    }

    pub fn note(file: &str, message: impl Into<String>) -> Self {
        Diagnostic::new(Level::Note, Some(file), None, message)
    }

    pub fn sort_key(&self) -> (Option<&str>, Option<usize>, Level, &str) {
        (self.file.as_deref(), self.line, self.level, &self.message)
    }
}

/// Receives results. The CLI collects them; a host linter converts them as they come.
pub trait FindingSink {
    fn finding(&mut self, finding: Finding);
    fn diagnostic(&mut self, diagnostic: Diagnostic);
}

/// A sink that keeps everything, the simplest useful one.
#[derive(Debug, Default, Clone)]
pub struct Collect {
    pub findings: Vec<Finding>,
    pub diagnostics: Vec<Diagnostic>,
}

impl FindingSink for Collect {
    fn finding(&mut self, finding: Finding) {
        self.findings.push(finding);
    }
    fn diagnostic(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }
}
