//! Human output: each finding as a miette diagnostic with its source snippet, then a summary.
//! Diagnostics (skipped files, notes, predicate failures) go to standard error.

use crate::check::RunResult;
use crate::CliError;
use miette::{LabeledSpan, NamedSource, Severity as MSeverity, SourceSpan};
use ppa_engine::{Finding, Level, Severity};
use std::io::Write;

struct FindingView<'a> {
    finding: &'a Finding,
    source: NamedSource<String>,
}

impl std::fmt::Debug for FindingView<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl std::fmt::Display for FindingView<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let fd = self.finding;
        if fd.advisory {
            write!(f, "ADVISORY (was {}) {}", fd.original_severity, fd.message)?;
        } else {
            write!(f, "{} {}", fd.severity, fd.message)?;
        }
        // Why the severity changed: `[Planned: ADR-0007]`, `↓ctx S1,S4 (fn `init`; …)`.
        if let Some(label) = &fd.context.label {
            write!(f, " {label}")?;
            if let Some(e) = &fd.context.evidence {
                write!(f, " ({e})")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for FindingView<'_> {}

impl miette::Diagnostic for FindingView<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        Some(Box::new(&self.finding.check))
    }
    fn severity(&self) -> Option<MSeverity> {
        if self.finding.advisory {
            return Some(MSeverity::Advice);
        }
        Some(match self.finding.severity {
            Severity::Critical | Severity::High => MSeverity::Error,
            Severity::Medium => MSeverity::Warning,
            Severity::Low => MSeverity::Advice,
        })
    }
    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        Some(Box::new(format!(
            "{} [effort {}, {}]",
            self.finding.recommendation,
            self.finding.effort.as_str(),
            self.finding.detector
        )))
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let (start, end) = self.finding.byte_range;
        // Label the first line of multi-line nodes only, to keep snippets short.
        let text = self.source.inner();
        let line_end = text[start..end].find('\n').map_or(end, |i| start + i);
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some(self.finding.check.clone()),
            SourceSpan::new(start.into(), line_end - start),
        ))))
    }
}

pub fn write(
    result: &RunResult,
    out: &mut dyn Write,
    err: &mut dyn Write,
    color: bool,
) -> Result<(), CliError> {
    let handler = super::handler(color);
    for f in &result.findings {
        let text = result
            .sources
            .get(&f.file)
            .map(|s| s.to_string())
            .unwrap_or_default();
        let view = FindingView {
            finding: f,
            source: NamedSource::new(f.file.clone(), text),
        };
        let mut s = String::new();
        if handler.render_report(&mut s, &view).is_err() {
            s = format!("{}:{}:{}: {}\n", f.file, f.line, f.column, view);
        }
        let _ = writeln!(out, "{s}");
    }
    for d in &result.diagnostics {
        let level = match d.level {
            Level::Note => "note",
            Level::Warning => "warning",
            Level::Error => "error",
        };
        let at = match (&d.file, d.line) {
            (Some(f), Some(l)) => format!("{f}:{l}: "),
            (Some(f), None) => format!("{f}: "),
            _ => String::new(),
        };
        let who = d
            .detector
            .as_ref()
            .map(|det| format!(" [{det}]"))
            .unwrap_or_default();
        let _ = writeln!(err, "{level}: {at}{}{who}", d.message);
    }
    let count = |s: Severity| {
        result
            .findings
            .iter()
            .filter(|f| !f.advisory && f.severity == s)
            .count()
    };
    let advisory = result.findings.iter().filter(|f| f.advisory).count();
    let n = result.findings.len() - advisory;
    let _ = writeln!(
        out,
        "{} finding{} (critical {}, high {}, medium {}, low {}; {} advisory) in {} file{} checked; {} suppressed; {} skipped; packs: {}",
        n,
        if n == 1 { "" } else { "s" },
        count(Severity::Critical),
        count(Severity::High),
        count(Severity::Medium),
        count(Severity::Low),
        advisory,
        result.files_checked,
        if result.files_checked == 1 { "" } else { "s" },
        result.suppressed,
        result.files_skipped,
        result.packs.join(", ")
    );
    Ok(())
}
