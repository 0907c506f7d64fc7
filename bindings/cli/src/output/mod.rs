//! Output formats. Each writer takes the run's result, already in deterministic order.

pub mod json;
pub mod text;

use miette::{GraphicalReportHandler, GraphicalTheme};
use ppa_engine::error::PackErrors;

/// Whether standard output is a terminal (for colour).
pub fn stdout_is_terminal() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal()
}

/// The report handler: unicode without colour unless asked, fixed width, no links, so that
/// output is deterministic in tests and CI logs.
pub fn handler(color: bool) -> GraphicalReportHandler {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false)
}

/// Renders an error (and everything related to it) as text.
pub fn render_error(e: &dyn miette::Diagnostic) -> String {
    let mut s = String::new();
    if handler(false).render_report(&mut s, e).is_err() {
        s = e.to_string();
    }
    s
}

/// Errors of several packs, reported together.
#[derive(Debug)]
pub struct PackLoadErrors(pub Vec<PackErrors>);

impl std::fmt::Display for PackLoadErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n: usize = self.0.iter().map(|p| p.errors.len()).sum();
        let names: Vec<&str> = self.0.iter().map(|p| p.pack.as_str()).collect();
        write!(
            f,
            "{n} error{} in pack{} {}",
            if n == 1 { "" } else { "s" },
            if names.len() == 1 { "" } else { "s" },
            names.join(", ")
        )
    }
}

impl std::error::Error for PackLoadErrors {}

impl miette::Diagnostic for PackLoadErrors {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new("ppa::pack"))
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(
            "fix the errors below, then run `ppa test <pack dir>`; the pack format is in docs/pack-format.md",
        ))
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        Some(Box::new(self.0.iter().flat_map(|p| {
            p.errors.iter().map(|e| e as &dyn miette::Diagnostic)
        })))
    }
}
