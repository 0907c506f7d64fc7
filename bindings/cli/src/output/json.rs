//! `--format json`: one run document. Field names are a contract (CHECKS.md §6.3); new fields
//! may be added, existing ones keep their meaning.

use crate::check::RunResult;
use crate::CliError;
use ppa_engine::{Diagnostic, Finding, Severity};
use serde::Serialize;
use std::io::Write;

#[derive(Serialize)]
struct Summary {
    total_critical: usize,
    total_high: usize,
    total_medium: usize,
    total_low: usize,
    suppressed: usize,
    files_checked: usize,
    files_skipped: usize,
}

#[derive(Serialize)]
struct Document<'a> {
    tool: &'static str,
    version: &'static str,
    packs: &'a [String],
    summary: Summary,
    findings: &'a [Finding],
    diagnostics: &'a [Diagnostic],
}

pub fn write(result: &RunResult, out: &mut dyn Write) -> Result<(), CliError> {
    let count = |s: Severity| result.findings.iter().filter(|f| f.severity == s).count();
    let doc = Document {
        tool: "ppa",
        version: env!("CARGO_PKG_VERSION"),
        packs: &result.packs,
        summary: Summary {
            total_critical: count(Severity::Critical),
            total_high: count(Severity::High),
            total_medium: count(Severity::Medium),
            total_low: count(Severity::Low),
            suppressed: result.suppressed,
            files_checked: result.files_checked,
            files_skipped: result.files_skipped,
        },
        findings: &result.findings,
        diagnostics: &result.diagnostics,
    };
    let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    let _ = writeln!(out, "{text}");
    Ok(())
}
