//! Human output: each finding as a miette diagnostic with its source snippet, then a summary.
//! Diagnostics (skipped files, notes, predicate failures) go to standard error.

use crate::check::RunResult;
use crate::CliError;
use miette::{LabeledSpan, Severity as MSeverity, SourceSpan};
use ppa_engine::{Finding, Level, Severity};
use std::io::Write;

struct FindingView<'a> {
    finding: &'a Finding,
    source: Window,
    /// The label: the finding's first line (byte offset in the file, length).
    label: (usize, usize),
}

/// The lines of a file a finding's snippet may show: its first line and a few around it, read
/// with the file's own offsets and line numbers. miette finds a snippet by scanning its source
/// from the start, so a view of the whole file made the report quadratic in a file's findings:
/// 2,000 findings in one generated module took some 7 G instructions to print, against 0.3 G
/// to find them.
struct Window {
    name: String,
    text: String,
    /// Byte offset of `text` in the file.
    offset: usize,
    /// 0-based line number of the first line of `text`.
    first_line: usize,
}

/// Lines of context the window keeps on each side of the label (miette shows one).
const WINDOW_LINES: usize = 3;

impl Window {
    /// The window around bytes `start..end` of `file`, whose first line is the 1-based `line`;
    /// the whole file when `line` does not fit the text.
    fn around(name: &str, file: &str, start: usize, end: usize, line: usize) -> Window {
        let whole = || Window {
            name: name.to_string(),
            text: file.to_string(),
            offset: 0,
            first_line: 0,
        };
        if start > end
            || end > file.len()
            || !file.is_char_boundary(start)
            || !file.is_char_boundary(end)
        {
            return whole();
        }
        // From the start of the line `WINDOW_LINES` above the label's.
        let mut from = file[..start].rfind('\n').map_or(0, |i| i + 1);
        for _ in 0..WINDOW_LINES {
            if from == 0 {
                break;
            }
            from = file[..from - 1].rfind('\n').map_or(0, |i| i + 1);
        }
        let Some(first_line) = line.checked_sub(1 + file[from..start].matches('\n').count()) else {
            return whole();
        };
        // To the end of the line `WINDOW_LINES` below the label's.
        let mut to = end;
        for _ in 0..=WINDOW_LINES {
            match file[to..].find('\n') {
                Some(i) => to += i + 1,
                None => {
                    to = file.len();
                    break;
                }
            }
        }
        Window {
            name: name.to_string(),
            text: file[from..to].to_string(),
            offset: from,
            first_line,
        }
    }
}

impl miette::SourceCode for Window {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let local = span
            .offset()
            .checked_sub(self.offset)
            .ok_or(miette::MietteError::OutOfBounds)?;
        let inner = self.text.as_str().read_span(
            &SourceSpan::new(local.into(), span.len()),
            context_lines_before,
            context_lines_after,
        )?;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            SourceSpan::new(
                (inner.span().offset() + self.offset).into(),
                inner.span().len(),
            ),
            inner.line() + self.first_line,
            inner.column(),
            inner.line_count(),
        )))
    }
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
        let (start, len) = self.label;
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some(self.finding.check.clone()),
            SourceSpan::new(start.into(), len),
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
        let text = result.sources.get(&f.file).map_or("", |s| &s[..]);
        let (start, end) = f.byte_range;
        let (start, end) = if start <= end && end <= text.len() {
            (start, end)
        } else {
            (0, 0)
        };
        // Label the first line of multi-line nodes only, to keep snippets short.
        let line_end = text
            .get(start..end)
            .and_then(|t| t.find('\n'))
            .map_or(end, |i| start + i);
        let view = FindingView {
            finding: f,
            source: Window::around(&f.file, text, start, line_end, f.line),
            label: (start, line_end - start),
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
