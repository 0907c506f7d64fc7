//! The audit report of `ppa check`: what ran, the report date and commit, the Markdown report
//! (`--report`), the results log and the JSON run document's input (CHECKS.md §5.7, §6).
//!
//! The engine renders; this module gathers what only the command line knows (the clock, git,
//! the files on disk, `--select`/`--ignore`) and writes files.

use crate::check::RunResult;
use crate::{usage, CliError};
use ppa_engine::report::{self, results_log, CheckRun, PackRef, Report, ReportInput};
use ppa_engine::{Diagnostic, Engine, Language, Level};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Where `--report` writes without a PATH, relative to the project root.
pub const DEFAULT_REPORT: &str = "docs/project/persistence_audit.md";

/// What a run adds to its findings to become a report.
#[derive(Debug)]
pub struct Audit {
    pub date: String,
    pub commit: Option<String>,
    pub runs: Vec<CheckRun>,
    pub packs: Vec<PackRef>,
    pub languages: Vec<Language>,
    pub tech_stack_line: String,
    pub tech_stack: serde_json::Value,
}

impl Audit {
    /// Gathers the run's context. Fails only on an invalid `SOURCE_DATE_EPOCH`.
    pub fn new(
        engine: &Engine,
        result: &RunResult,
        root: &Path,
        select: &[String],
        ignore: &[String],
    ) -> Result<Audit, CliError> {
        let languages: Vec<Language> = result.languages.iter().copied().collect();
        let mut runs = check_runs(engine, select, ignore, &result.languages);
        // Required facts: a check whose technology is absent is skipped; missing sources make
        // it a warning (CHECKS.md §2, §5.7).
        for run in runs.iter_mut().filter(|r| r.skipped.is_none()) {
            match result.gates.get(&run.id) {
                Some(ppa_engine::facts::gate::Gate::Skip(reason)) => {
                    *run = CheckRun::skipped(&run.id, reason.clone());
                }
                Some(ppa_engine::facts::gate::Gate::Run(warnings)) => {
                    run.warnings.extend(warnings.iter().cloned());
                }
                None => {}
            }
        }
        // What project detectors could not decide (env-sourced channel names, say).
        for (check, warning) in &result.check_warnings {
            if let Some(run) = runs
                .iter_mut()
                .find(|r| r.id == *check && r.skipped.is_none())
            {
                run.warnings.push(warning.clone());
            }
        }
        let packs: Vec<PackRef> = engine
            .packs()
            .iter()
            .map(|p| PackRef {
                name: p.meta.name.clone(),
                references: p.meta.references.clone(),
            })
            .collect();
        // Until discovery describes the stack, the languages checked and the packs enabled.
        let names: Vec<&str> = packs.iter().map(|p| p.name.as_str()).collect();
        let langs = report::language_list(&languages, "and");
        let tech_stack_line = format!(
            "{} — packs: {}",
            if langs.is_empty() { "none" } else { &langs },
            if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            }
        );
        let mut lang_ids: Vec<&str> = languages.iter().map(|l| l.name()).collect();
        lang_ids.dedup();
        let mut tech_stack = serde_json::json!({ "languages": lang_ids });
        let mut tech_stack_line = tech_stack_line;
        // Discovery's view when it chose the packs: `postgresql 16 · sqlalchemy 2.0 · … —
        // packs: … — detected, no pack: …` (CHECKS.md §6.2).
        if let Some(d) = &result.discovery {
            let ts = d.tech_stack();
            let mut parts: Vec<String> = ts
                .db
                .iter()
                .map(|db| match ts.db_versions.get(db) {
                    Some(v) => format!("{db} {v}"),
                    None => db.clone(),
                })
                .collect();
            for list in [&ts.orm, &ts.web, &ts.async_, &ts.tasks] {
                parts.extend(list.iter().map(|x| x.replace('@', " ")));
            }
            parts.dedup();
            let or_none = |v: &[String]| {
                if v.is_empty() {
                    "none".to_string()
                } else {
                    v.join(", ")
                }
            };
            tech_stack_line = format!(
                "{} — packs: {} — detected, no pack: {}",
                if parts.is_empty() {
                    langs.clone()
                } else {
                    parts.join(" · ")
                },
                or_none(&names.iter().map(|s| s.to_string()).collect::<Vec<_>>()),
                or_none(&ts.unpacked)
            );
            tech_stack = serde_json::to_value(&ts).unwrap_or(tech_stack);
        }
        Ok(Audit {
            date: report_date()?,
            commit: git_commit(root),
            runs,
            packs,
            languages,
            tech_stack_line,
            tech_stack,
        })
    }

    /// The report of this run.
    pub fn report<'a>(&'a self, engine: &'a Engine, result: &'a RunResult) -> Report<'a> {
        Report::new(ReportInput {
            version: env!("CARGO_PKG_VERSION").to_string(),
            date: self.date.clone(),
            commit: self.commit.clone(),
            files_checked: result.files_checked,
            files_skipped: result.files_skipped,
            languages: self.languages.clone(),
            findings: &result.findings,
            suppressed: result.suppressed,
            catalog: engine.catalog(),
            check_runs: &self.runs,
            packs: &self.packs,
            tech_stack_line: self.tech_stack_line.clone(),
            tech_stack: self.tech_stack.clone(),
        })
    }
}

/// Per catalogue check: skipped when deselected or when no enabled pack has a detector for a
/// language among the checked files; otherwise ran, with the packs implementing it.
pub fn check_runs(
    engine: &Engine,
    select: &[String],
    ignore: &[String],
    languages: &BTreeSet<Language>,
) -> Vec<CheckRun> {
    let langs: Vec<Language> = languages.iter().copied().collect();
    let no_detector = if langs.is_empty() {
        "no files checked".to_string()
    } else {
        format!(
            "no enabled pack has a detector for {}",
            report::language_list(&langs, "or")
        )
    };
    engine
        .catalog()
        .in_report_order()
        .into_iter()
        .map(|check| {
            if !selected(select, ignore, &check.id) {
                return CheckRun::skipped(&check.id, "deselected");
            }
            let packs: Vec<String> = engine
                .packs()
                .iter()
                .filter(|p| {
                    p.detectors.iter().any(|d| {
                        d.check.id == check.id && langs.iter().any(|&l| d.language.runs_on(l))
                    }) || (!langs.is_empty()
                        && p.project_detectors.iter().any(|d| d.check.id == check.id))
                })
                .map(|p| p.meta.name.clone())
                .collect();
            if packs.is_empty() {
                CheckRun::skipped(&check.id, no_detector.clone())
            } else {
                CheckRun::ran(&check.id, packs)
            }
        })
        .collect()
}

/// `--select`/`--ignore` as the engine applies them: an id or a category prefix covers a check;
/// ignore wins.
fn selected(select: &[String], ignore: &[String], check: &str) -> bool {
    let covers = |id: &String| {
        check == id || (check.starts_with(id.as_str()) && check[id.len()..].starts_with('.'))
    };
    (select.is_empty() || select.iter().any(covers)) && !ignore.iter().any(covers)
}

/// Today in UTC, or the day of `SOURCE_DATE_EPOCH` when it is set (reproducible reports).
pub fn report_date() -> Result<String, CliError> {
    let secs = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) => v.trim().parse::<i64>().map_err(|_| {
            usage(
                format!("SOURCE_DATE_EPOCH `{v}` is not a number of seconds"),
                "set it to a Unix time, e.g. `SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)`, or unset it",
            )
        })?,
        Err(_) => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64),
    };
    Ok(report::date_from_unix(secs))
}

/// `git rev-parse --short HEAD` when `root` is inside a git work tree; `None` otherwise (or
/// without git, or before the first commit).
pub fn git_commit(root: &Path) -> Option<String> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["rev-parse", "--is-inside-work-tree", "--short", "HEAD"])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    let mut lines = text.lines();
    if lines.next()? != "true" {
        return None;
    }
    let hash = lines.next()?.trim();
    (!hash.is_empty() && hash.bytes().all(|b| b.is_ascii_hexdigit())).then(|| hash.to_string())
}

/// The report path of `--report[=PATH]`: PATH relative to the working directory, else the
/// default under the root. Refuses a directory or a source file, which a bare word after
/// `--report` may name by mistake.
pub fn report_path(flag: Option<&Path>, root: &Path, cwd: &Path) -> Result<PathBuf, CliError> {
    let path = match flag {
        Some(p) if p.is_absolute() => p.to_path_buf(),
        Some(p) => cwd.join(p),
        None => root.join(DEFAULT_REPORT),
    };
    let shown = flag.map_or_else(|| DEFAULT_REPORT.to_string(), |p| p.display().to_string());
    if path.is_dir() {
        return Err(usage(
            format!("--report: `{shown}` is a directory"),
            "a word right after --report is the report's path: write `ppa check PATHS --report` or `--report=FILE.md`",
        ));
    }
    if Language::from_path(&path.to_string_lossy()).is_some() {
        return Err(usage(
            format!("--report: refusing to overwrite the source file `{shown}` with the report"),
            "a word right after --report is the report's path: write `ppa check PATHS --report` or `--report=FILE.md`",
        ));
    }
    Ok(path)
}

/// Writes the report atomically and, unless disabled, appends its row to the results log.
/// A results log that cannot be updated is a warning diagnostic, never a failure.
pub fn write(
    report: &Report,
    path: &Path,
    root: &Path,
    results_log: bool,
    skill: &str,
) -> Result<Vec<Diagnostic>, CliError> {
    report::atomic::write(path, report.markdown().as_bytes()).map_err(|e| {
        usage(
            format!("cannot write the report to {}: {e}", path.display()),
            "give a writable path with --report=PATH",
        )
    })?;
    let mut diagnostics = Vec::new();
    if !results_log {
        return Ok(diagnostics);
    }
    let Some(row) = report.log_row(skill) else {
        return Ok(diagnostics);
    };
    let log = root.join(results_log::DEFAULT_PATH);
    if let Err(e) = results_log::append(&log, &row) {
        diagnostics.push(Diagnostic::new(
            Level::Warning,
            Some(results_log::DEFAULT_PATH),
            None,
            e.to_string(),
        ));
    }
    Ok(diagnostics)
}

/// The last line of the text output: `score 7.9/10 (moderate issues): query 7.5 · …`.
pub fn score_line(report: &Report) -> String {
    let card = report.scorecard();
    let cats: Vec<String> = card
        .categories
        .iter()
        .map(|c| {
            format!(
                "{} {}",
                c.category.id(),
                c.score.map_or_else(|| "N/A".to_string(), |s| s.to_string())
            )
        })
        .collect();
    format!(
        "score {} ({}): {}",
        card.overall
            .map_or_else(|| "N/A".to_string(), |s| format!("{s}/10")),
        report::score::band(card.overall),
        cats.join(" · ")
    )
}
