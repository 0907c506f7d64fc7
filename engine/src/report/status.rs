//! Check status (CHECKS.md §5.7): `passed`, `failed`, `warning` or `skipped`, with details.
//!
//! The engine does not know by itself whether a check ran: that depends on the packs enabled,
//! the languages present, `--select`/`--ignore` and the project facts. The host says so per
//! check with a [`CheckRun`]; this module combines it with the findings.

use super::score::SeverityCounts;
use crate::catalog::Check;
use crate::finding::Finding;
use crate::model::Severity;
use serde::Serialize;

/// What the host knows about one check in this run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckRun {
    /// The check id, e.g. `query.n_plus_one`.
    pub id: String,
    /// `Some(reason)` when the check did not run: `deselected`, `no enabled pack has a detector
    /// for Python`, `no PostgreSQL or Redis detected`. The reason is shown as is.
    pub skipped: Option<String>,
    /// Problems that make a check that ran a `warning` even without findings, shown in
    /// `details`: `F2: no sources found`, `2 channel names come from the environment`.
    pub warnings: Vec<String>,
    /// The packs whose detectors ran for this check, in pack order ("Sources Consulted" lists
    /// the references of packs that ran at least one check).
    pub packs: Vec<String>,
}

impl CheckRun {
    /// A check that ran, implemented by these packs.
    pub fn ran(id: impl Into<String>, packs: Vec<String>) -> CheckRun {
        CheckRun {
            id: id.into(),
            packs,
            ..CheckRun::default()
        }
    }

    /// A check that did not run, and why.
    pub fn skipped(id: impl Into<String>, reason: impl Into<String>) -> CheckRun {
        CheckRun {
            id: id.into(),
            skipped: Some(reason.into()),
            ..CheckRun::default()
        }
    }
}

/// The four states of a check, in JSON as lower-case words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    Passed,
    Failed,
    Warning,
    Skipped,
}

impl CheckStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Passed => "passed",
            CheckStatus::Failed => "failed",
            CheckStatus::Warning => "warning",
            CheckStatus::Skipped => "skipped",
        }
    }
}

/// One check's outcome: the `checks` entries of a JSON category summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckResult {
    pub id: String,
    /// The check's title.
    pub name: String,
    pub status: CheckStatus,
    /// `1 finding (H:1)`, `no findings`, `2 findings (M:1 L:1); 1 advisory`, or the skip reason.
    pub details: String,
}

/// The status of `check`, given its findings (advisory included, suppressed excluded) and what
/// the host says about its run. A check without a run record did not run.
pub fn check_result(check: &Check, findings: &[&Finding], run: Option<&CheckRun>) -> CheckResult {
    let result = |status, details| CheckResult {
        id: check.id.clone(),
        name: check.title.clone(),
        status,
        details,
    };
    let Some(run) = run else {
        return result(
            CheckStatus::Skipped,
            "no enabled pack implements it".to_string(),
        );
    };
    if let Some(reason) = &run.skipped {
        return result(CheckStatus::Skipped, reason.clone());
    }
    let counts = SeverityCounts::of(findings.iter().copied());
    let advisory = findings.iter().filter(|f| f.advisory).count();
    let mut parts = Vec::new();
    if counts.total() > 0 {
        parts.push(format!(
            "{} ({})",
            plural(counts.total(), "finding"),
            counts.nonzero_summary()
        ));
    }
    if advisory > 0 {
        parts.push(format!("{advisory} advisory"));
    }
    parts.extend(run.warnings.iter().cloned());
    let status = if findings
        .iter()
        .any(|f| !f.advisory && f.severity >= Severity::Medium)
    {
        CheckStatus::Failed
    } else if counts.total() > 0 || advisory > 0 || !run.warnings.is_empty() {
        CheckStatus::Warning
    } else {
        CheckStatus::Passed
    };
    let details = if parts.is_empty() {
        "no findings".to_string()
    } else {
        parts.join("; ")
    };
    result(status, details)
}

/// `1 finding`, `2 findings`.
pub(crate) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}
