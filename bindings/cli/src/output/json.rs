//! `--format json`: the run document of CHECKS.md §6.3, built by the engine's report module.
//! Field names are a contract; new fields may be added, existing ones keep their meaning.

use crate::CliError;
use ppa_engine::report::Report;
use ppa_engine::Diagnostic;
use std::io::Write;

pub fn write(
    report: &Report,
    diagnostics: &[Diagnostic],
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let doc = report.run_document(diagnostics);
    let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    let _ = writeln!(out, "{text}");
    Ok(())
}
