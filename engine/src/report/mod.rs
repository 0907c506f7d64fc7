//! The audit report: scores, check status, the Markdown report, the JSON run document and the
//! results log (CHECKS.md §5.2, §5.7, §6).
//!
//! Everything here is a pure function of a [`ReportInput`]: the host (the CLI) gathers the
//! post-filtered findings, what ran and the project's tech stack, then asks for text. Only
//! [`atomic::write`] and [`results_log::append`] touch the file system.
//!
//! ```
//! use ppa_engine::catalog::Catalog;
//! use ppa_engine::report::{Report, ReportInput};
//!
//! let catalog = Catalog::default();
//! let input = ReportInput {
//!     date: "2026-03-15".into(),
//!     catalog: &catalog,
//!     ..ReportInput::empty(&catalog)
//! };
//! let report = Report::new(input);
//! assert_eq!(report.scorecard().overall, None); // nothing ran: not scored
//! assert!(report.markdown().starts_with("## Persistence & Performance Audit Report - 2026-03-15\n"));
//! ```

pub mod atomic;
pub mod json;
pub mod markdown;
pub mod results_log;
pub mod score;
pub mod status;

pub use json::RunDocument;
pub use results_log::{LogRow, ResultsLogError};
pub use score::{SeverityCounts, Tenths};
pub use status::{CheckResult, CheckRun, CheckStatus};

use crate::catalog::{Catalog, Reference};
use crate::finding::Finding;
use crate::model::{Category, Language, Severity};
use std::collections::HashMap;

/// A pack as the report names it: "Sources Consulted" lists its references.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackRef {
    pub name: String,
    pub references: Vec<Reference>,
}

/// Everything the report is made of. The host fills it; nothing here reads a clock, a file or
/// the environment.
#[derive(Debug, Clone)]
pub struct ReportInput<'a> {
    /// The tool version written into the JSON document.
    pub version: String,
    /// The report date, `YYYY-MM-DD` (see [`date_from_unix`]).
    pub date: String,
    /// `git rev-parse --short HEAD` of the project root, when it is a git work tree.
    pub commit: Option<String>,
    pub files_checked: usize,
    pub files_skipped: usize,
    /// Languages of the checked files (any order; shown in [`Language::ALL`] order).
    pub languages: Vec<Language>,
    /// Post-filtered findings: suppressed ones removed, advisory ones included. Any order.
    pub findings: &'a [Finding],
    /// Findings removed by inline suppressions.
    pub suppressed: usize,
    /// Every known check (built-in and team checks of loaded packs).
    pub catalog: &'a Catalog,
    /// Per check, whether it ran. A catalogue check without a record is `skipped`.
    pub check_runs: &'a [CheckRun],
    /// The enabled packs, in load order.
    pub packs: &'a [PackRef],
    /// The last line of "Sources Consulted", after `Tech stack: ` (from discovery).
    pub tech_stack_line: String,
    /// The JSON `tech_stack` object (from discovery).
    pub tech_stack: serde_json::Value,
}

impl<'a> ReportInput<'a> {
    /// An input with nothing in it, to fill with struct-update syntax.
    pub fn empty(catalog: &'a Catalog) -> ReportInput<'a> {
        ReportInput {
            version: String::new(),
            date: String::new(),
            commit: None,
            files_checked: 0,
            files_skipped: 0,
            languages: Vec::new(),
            findings: &[],
            suppressed: 0,
            catalog,
            check_runs: &[],
            packs: &[],
            tech_stack_line: String::new(),
            tech_stack: serde_json::Value::Object(serde_json::Map::new()),
        }
    }
}

/// One category's line of the scorecard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryScore {
    pub category: Category,
    /// Non-advisory findings of the category.
    pub counts: SeverityCounts,
    /// Advisory findings of the category.
    pub advisory: usize,
    /// `None` (N/A) when every check of the category was skipped.
    pub score: Option<Tenths>,
    /// Why the category is N/A (the distinct reasons of its checks, joined by `; `).
    pub skipped: Option<String>,
    /// The title of the check with the largest penalty (first in catalogue order on ties);
    /// `None` without non-advisory findings.
    pub top_check: Option<String>,
    /// The category's checks in catalogue order.
    pub checks: Vec<CheckResult>,
}

/// Scores of the four categories and the overall score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scorecard {
    /// The four categories, in report order.
    pub categories: Vec<CategoryScore>,
    /// `None` (N/A) when all four categories are.
    pub overall: Option<Tenths>,
    /// Non-advisory findings of all categories.
    pub counts: SeverityCounts,
    /// Advisory findings of all categories.
    pub advisory: usize,
}

impl Scorecard {
    /// Scores the findings (advisory ones never count) and derives every check's status.
    pub fn new(catalog: &Catalog, findings: &[Finding], runs: &[CheckRun]) -> Scorecard {
        let runs: HashMap<&str, &CheckRun> = runs.iter().map(|r| (r.id.as_str(), r)).collect();
        let mut by_check: HashMap<&str, Vec<&Finding>> = HashMap::new();
        for f in findings {
            by_check.entry(f.check.as_str()).or_default().push(f);
        }
        let ordered = catalog.in_report_order();
        let categories: Vec<CategoryScore> = Category::ALL
            .into_iter()
            .map(|category| {
                let in_cat = || findings.iter().filter(move |f| f.category == category);
                let counts = SeverityCounts::of(in_cat());
                let advisory = in_cat().filter(|f| f.advisory).count();
                let checks_of_cat: Vec<_> =
                    ordered.iter().filter(|c| c.category == category).collect();
                let checks: Vec<CheckResult> = checks_of_cat
                    .iter()
                    .map(|c| {
                        let fs = by_check.get(c.id.as_str()).map_or(&[][..], |v| &v[..]);
                        status::check_result(c, fs, runs.get(c.id.as_str()).copied())
                    })
                    .collect();
                let skipped = checks
                    .iter()
                    .all(|c| c.status == CheckStatus::Skipped)
                    .then(|| {
                        let mut reasons: Vec<&str> = Vec::new();
                        for c in &checks {
                            if !reasons.contains(&c.details.as_str()) {
                                reasons.push(&c.details);
                            }
                        }
                        if reasons.is_empty() {
                            "no checks in the catalogue".to_string()
                        } else {
                            reasons.join("; ")
                        }
                    });
                // Largest penalty; `max_by_key` keeps the last maximum, so compare reversed
                // positions to keep the first in catalogue order.
                let top_check = (counts.total() > 0)
                    .then(|| {
                        checks_of_cat
                            .iter()
                            .enumerate()
                            .map(|(i, c)| {
                                let fs = by_check.get(c.id.as_str()).map_or(&[][..], |v| &v[..]);
                                (SeverityCounts::of(fs.iter().copied()).penalty(), i, c)
                            })
                            .filter(|(p, _, _)| *p > 0)
                            .max_by_key(|(p, i, _)| (*p, std::cmp::Reverse(*i)))
                            .map(|(_, _, c)| c.title.clone())
                    })
                    .flatten();
                CategoryScore {
                    category,
                    counts,
                    advisory,
                    score: skipped.is_none().then(|| counts.score()),
                    skipped,
                    top_check,
                    checks,
                }
            })
            .collect();
        let overall = score::overall(categories.iter().map(|c| c.score));
        let counts = SeverityCounts::of(findings);
        let advisory = findings.iter().filter(|f| f.advisory).count();
        Scorecard {
            categories,
            overall,
            counts,
            advisory,
        }
    }

    pub fn category(&self, category: Category) -> &CategoryScore {
        &self.categories[category as usize]
    }

    /// The results-log Key Finding: `<count> <SEVERITY> <category id>` for the highest severity
    /// present, in the category with most findings of it (category order on ties); `clean`.
    pub fn key_finding(&self) -> String {
        for sev in Severity::ALL {
            let best = self
                .categories
                .iter()
                .map(|c| (c.counts.get(sev), c.category))
                .filter(|(n, _)| *n > 0)
                .max_by_key(|(n, cat)| (*n, std::cmp::Reverse(*cat)));
            if let Some((n, cat)) = best {
                return format!("{n} {} {}", sev.as_str(), cat.id());
            }
        }
        "clean".to_string()
    }
}

/// A report ready to render: the input and its scorecard.
#[derive(Debug, Clone)]
pub struct Report<'a> {
    input: ReportInput<'a>,
    card: Scorecard,
}

impl<'a> Report<'a> {
    pub fn new(input: ReportInput<'a>) -> Report<'a> {
        let card = Scorecard::new(input.catalog, input.findings, input.check_runs);
        Report { input, card }
    }

    pub fn input(&self) -> &ReportInput<'a> {
        &self.input
    }

    pub fn scorecard(&self) -> &Scorecard {
        &self.card
    }

    /// The Markdown report of CHECKS.md §6.2.
    pub fn markdown(&self) -> String {
        markdown::render(self)
    }

    /// The JSON run document of CHECKS.md §6.3; `diagnostics` as the host collected them.
    pub fn run_document<'d>(&'d self, diagnostics: &'d [crate::Diagnostic]) -> RunDocument<'d> {
        json::run_document(self, diagnostics)
    }

    /// The results-log row of this run (CHECKS.md §6.4); `None` when the overall score is N/A.
    pub fn log_row(&self, skill: &str) -> Option<LogRow> {
        Some(LogRow {
            date: self.input.date.clone(),
            skill: skill.to_string(),
            score: self.card.overall?,
            key_finding: self.card.key_finding(),
            commit: self.input.commit.clone(),
        })
    }
}

/// How a language is named in prose: `Python`, `Go`, `JavaScript`, `TypeScript` (TSX too).
pub fn language_title(lang: Language) -> &'static str {
    match lang {
        Language::Python => "Python",
        Language::Go => "Go",
        Language::JavaScript => "JavaScript",
        Language::TypeScript | Language::Tsx => "TypeScript",
    }
}

/// `Python`, `Python and Go`, `Python, Go and TypeScript`: in [`Language::ALL`] order, TSX
/// counted as TypeScript. `conj` joins the last two (`and`, `or`).
pub fn language_list(langs: &[Language], conj: &str) -> String {
    let mut names: Vec<&str> = Vec::new();
    for l in Language::ALL {
        if langs.contains(&l) && !names.contains(&language_title(l)) {
            names.push(language_title(l));
        }
    }
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_string(),
        Some((last, rest)) => format!("{} {conj} {last}", rest.join(", ")),
    }
}

/// The UTC date `YYYY-MM-DD` of a Unix time in seconds (proleptic Gregorian calendar).
pub fn date_from_unix(secs: i64) -> String {
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm, written out).
    let days = secs.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests;
