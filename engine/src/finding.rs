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

/// How sure the detector is. Detectors of the built-in packs report `high` unless their
/// predicate says otherwise; packs may drop findings below a `min_confidence`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    #[default]
    High,
}

/// Why the post-filter changed a finding (CHECKS.md §5): the JSON `context` object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Context {
    /// `"R1"` (ADR / planned work) or `"R6"` (execution context) when that rule changed the
    /// finding; `null` otherwise.
    pub rule: Option<String>,
    /// Rule 6 signals present (`S1` … `S4`), in order.
    pub signals: Vec<String>,
    /// What the rule matched: the ADR line, the function name, the safeguard text, the file size.
    pub evidence: Option<String>,
    /// The label shown with the finding: `[Planned: ADR-0007]`, `[Context: S1,S3,S4]` or
    /// `↓ctx S2`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Every change to the severity, in order, in words (`migration path: capped at LOW`,
    /// `Rule 6: context=1 (S2), HIGH → MEDIUM`). Empty when nothing changed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
    /// Where the finding runs (CHECKS.md §3.6): its function's qualified name, execution
    /// class, whether it is on the request path; absent when the project phase did not run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub execution: Option<crate::exec_context::Execution>,
}

/// One defect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Check id, e.g. `runtime.sync_sleep_in_async`.
    pub check: String,
    pub category: Category,
    /// The severity after the post-filter. Serialized as `"ADVISORY"` when [`Finding::advisory`].
    #[serde(serialize_with = "serialize_severity_field")]
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
    /// `<Category> / <Check title>`.
    pub principle: String,
    /// The severity the detector computed, before the post-filter.
    pub original_severity: Severity,
    /// Why the post-filter changed the finding.
    pub context: Context,
    pub confidence: Confidence,
    /// Moved out of the scores by Rule 1 or Rule 6 (CHECKS.md §5.6). The JSON shows this as
    /// `severity: "ADVISORY"`.
    #[serde(skip)]
    pub advisory: bool,
    /// Dotted names of the enclosing definitions (`Repo.load`), empty at top level.
    #[serde(skip)]
    pub symbol: String,
    /// Byte range in the file, for snippets.
    #[serde(skip)]
    pub byte_range: (usize, usize),
    /// Rule 6 signals found where the finding was made, (signal, evidence), for eligible checks;
    /// the post-filter turns them into `context`.
    #[serde(skip)]
    pub pending_signals: Vec<(String, String)>,
    /// A literal path the flagged call reads; the post-filter settles S4 by its size.
    #[serde(skip)]
    pub data_path: Option<String>,
    /// Qualified names of the enclosing functions, innermost first (empty at module level);
    /// the project phase looks up their execution contexts.
    #[serde(skip)]
    pub functions: Vec<String>,
    /// Severity per execution context, settled after the project phase (the detector's
    /// `severity_by_context`, or its predicate's).
    #[serde(skip)]
    pub severity_by_context: Option<crate::exec_context::SeverityByContext>,
}

/// `severity` is written as the JSON severity; advisory findings are rewritten by
/// [`Finding::to_json`] (serde cannot see a sibling field here).
fn serialize_severity_field<S: serde::Serializer>(sev: &Severity, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(sev.as_str())
}

impl Finding {
    /// The JSON object of CHECKS.md §6.3, with `severity: "ADVISORY"` for advisory findings.
    pub fn to_json(&self) -> serde_json::Value {
        let mut v = serde_json::to_value(self).unwrap_or(serde_json::Value::Null);
        if self.advisory {
            if let Some(obj) = v.as_object_mut() {
                obj.insert("severity".into(), "ADVISORY".into());
            }
        }
        v
    }

    /// The severity label used in tables: `ADVISORY` or the severity.
    pub fn severity_label(&self) -> &'static str {
        if self.advisory {
            "ADVISORY"
        } else {
            self.severity.as_str()
        }
    }

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
