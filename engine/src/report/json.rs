//! The JSON run document of `ppa check --format json` (CHECKS.md §6.3). Field names and their
//! order are a contract; new fields may be added (`files_checked`, `files_skipped` in `summary`
//! predate the report), existing ones keep their meaning.

use super::{CategoryScore, CheckResult, Report};
use crate::finding::{Diagnostic, Finding};
use serde::Serialize;

/// The whole document. Serialize it with `serde_json`.
#[derive(Debug, Serialize)]
pub struct RunDocument<'a> {
    pub tool: &'static str,
    pub version: &'a str,
    pub date: &'a str,
    pub commit: Option<&'a str>,
    pub tech_stack: &'a serde_json::Value,
    /// Names of the enabled packs, in load order.
    pub packs: Vec<&'a str>,
    /// `null` when every category is N/A.
    pub overall_score: Option<f64>,
    pub summary: Summary,
    /// The four categories, in report order.
    pub categories: Vec<CategorySummary<'a>>,
    /// Every finding (advisory ones with `severity: "ADVISORY"`), in the §0 order.
    pub findings: Vec<serde_json::Value>,
    pub diagnostics: &'a [Diagnostic],
}

/// Counts over the whole run. Severity counts exclude advisory findings.
#[derive(Debug, Serialize)]
pub struct Summary {
    pub total_critical: usize,
    pub total_high: usize,
    pub total_medium: usize,
    pub total_low: usize,
    pub advisory: usize,
    pub suppressed: usize,
    pub files_checked: usize,
    pub files_skipped: usize,
}

/// One category: score (`null` when N/A), counts without advisories, check statuses.
#[derive(Debug, Serialize)]
pub struct CategorySummary<'a> {
    pub category: &'static str,
    pub id: &'static str,
    pub score: Option<f64>,
    pub total_issues: usize,
    pub critical: usize,
    pub high: usize,
    pub medium: usize,
    pub low: usize,
    pub advisory: usize,
    pub checks: &'a [CheckResult],
}

impl<'a> CategorySummary<'a> {
    fn of(c: &'a CategoryScore) -> CategorySummary<'a> {
        CategorySummary {
            category: c.category.title(),
            id: c.category.id(),
            score: c.score.map(|s| s.as_f64()),
            total_issues: c.counts.total(),
            critical: c.counts.critical,
            high: c.counts.high,
            medium: c.counts.medium,
            low: c.counts.low,
            advisory: c.advisory,
            checks: &c.checks,
        }
    }
}

/// Builds the document of a report.
pub fn run_document<'a>(report: &'a Report, diagnostics: &'a [Diagnostic]) -> RunDocument<'a> {
    let input = report.input();
    let card = report.scorecard();
    let mut findings: Vec<&Finding> = input.findings.iter().collect();
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    RunDocument {
        tool: "ppa",
        version: &input.version,
        date: &input.date,
        commit: input.commit.as_deref(),
        tech_stack: &input.tech_stack,
        packs: input.packs.iter().map(|p| p.name.as_str()).collect(),
        overall_score: card.overall.map(|s| s.as_f64()),
        summary: Summary {
            total_critical: card.counts.critical,
            total_high: card.counts.high,
            total_medium: card.counts.medium,
            total_low: card.counts.low,
            advisory: card.advisory,
            suppressed: input.suppressed,
            files_checked: input.files_checked,
            files_skipped: input.files_skipped,
        },
        categories: card.categories.iter().map(CategorySummary::of).collect(),
        findings: findings.iter().map(|f| f.to_json()).collect(),
        diagnostics,
    }
}
