//! Typed errors with spans into the file that caused them.
//!
//! Loading a pack can fail in many places at once (TOML syntax, an unknown check id, a query that
//! does not compile, a predicate with a typo). Every failure is a [`PackError`] that owns the text
//! of the offending file and a byte span inside it, so a renderer can show `file:line:col` and the
//! source line. All errors of one pack are returned together as [`PackErrors`] (kdl-rs style
//! `#[related]`), so a pack author fixes them in one round.
//!
//! The engine derives `miette::Diagnostic` but never renders: the CLI owns `miette::Report` and
//! the fancy handler.

use miette::{Diagnostic, NamedSource, SourceSpan};
use std::fmt;
use std::sync::Arc;

/// A byte range in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub offset: usize,
    pub len: usize,
}

impl Span {
    pub fn new(offset: usize, len: usize) -> Span {
        Span { offset, len }
    }
}

impl From<std::ops::Range<usize>> for Span {
    fn from(r: std::ops::Range<usize>) -> Span {
        Span::new(r.start, r.end.saturating_sub(r.start))
    }
}

/// The text of a file an error points into, shared cheaply between errors.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: Arc<str>,
    pub text: Arc<str>,
}

impl SourceFile {
    pub fn new(name: &str, text: &str) -> SourceFile {
        SourceFile {
            name: name.into(),
            text: text.into(),
        }
    }

    /// 1-based (line, column in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        line_col(&self.text, offset)
    }
}

/// 1-based (line, column in characters) of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// Largest char boundary <= `i` (stable replacement for `str::floor_char_boundary`).
pub fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// What kind of problem a [`PackError`] is; also its diagnostic code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PackErrorKind {
    /// The file is not valid TOML or does not fit the pack schema.
    Toml,
    /// A file named by the pack cannot be read.
    Io,
    /// A detector names a check that no catalogue or pack defines.
    UnknownCheck,
    /// A tree-sitter query does not compile.
    Query,
    /// A rhai predicate does not compile.
    Script,
    /// Anything else the schema allows but the engine cannot use.
    Invalid,
}

impl PackErrorKind {
    fn code(self) -> &'static str {
        match self {
            PackErrorKind::Toml => "ppa::pack::toml",
            PackErrorKind::Io => "ppa::pack::io",
            PackErrorKind::UnknownCheck => "ppa::pack::unknown_check",
            PackErrorKind::Query => "ppa::pack::query",
            PackErrorKind::Script => "ppa::pack::predicate",
            PackErrorKind::Invalid => "ppa::pack::invalid",
        }
    }
}

/// One problem in a pack or catalogue file, located by a byte span.
#[derive(Debug, Clone)]
pub struct PackError {
    pub kind: PackErrorKind,
    pub file: SourceFile,
    pub span: Span,
    pub message: String,
    pub help: String,
}

impl PackError {
    pub fn new(
        file: &SourceFile,
        span: Span,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> PackError {
        PackError {
            kind: PackErrorKind::Invalid,
            file: file.clone(),
            span,
            message: message.into(),
            help: help.into(),
        }
    }

    pub fn with_kind(mut self, kind: PackErrorKind) -> PackError {
        self.kind = kind;
        self
    }

    /// Wraps a TOML parse error, keeping its span.
    pub fn toml(file: &SourceFile, e: &toml::de::Error) -> PackError {
        let span = e.span().map(Span::from).unwrap_or_default();
        PackError::new(
            file,
            span,
            e.message().trim().to_string(),
            "see the pack reference (docs/pack-format.md) for the accepted keys and types",
        )
        .with_kind(PackErrorKind::Toml)
    }

    /// `file:line:col`.
    pub fn location(&self) -> String {
        let (l, c) = self.file.line_col(self.span.offset);
        format!("{}:{l}:{c}", self.file.name)
    }
}

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location(), self.message)
    }
}

impl std::error::Error for PackError {}

impl Diagnostic for PackError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.kind.code()))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        if self.help.is_empty() {
            None
        } else {
            Some(Box::new(&self.help))
        }
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(self)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let span = SourceSpan::new(self.span.offset.into(), self.span.len);
        Some(Box::new(std::iter::once(
            miette::LabeledSpan::new_with_span(Some("here".to_string()), span),
        )))
    }
}

// The error is its own source code so that the file name shows in the rendered header.
impl miette::SourceCode for PackError {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let contents = self
            .file
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.file.name.to_string(),
            contents.data(),
            *contents.span(),
            contents.line(),
            contents.column(),
            contents.line_count(),
        )))
    }
}

/// Every error of one pack, reported together.
#[derive(Debug, Clone)]
pub struct PackErrors {
    pub pack: String,
    pub errors: Vec<PackError>,
}

impl fmt::Display for PackErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.errors.len();
        write!(
            f,
            "pack `{}` failed to load ({n} error{})",
            self.pack,
            if n == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for PackErrors {}

impl Diagnostic for PackErrors {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("ppa::pack"))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(
            "fix the errors below and run `ppa test <pack dir>`; the pack format is documented in docs/pack-format.md",
        ))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        Some(Box::new(self.errors.iter().map(|e| e as &dyn Diagnostic)))
    }
}

/// Keeps `NamedSource` in the public vocabulary for front-ends that render findings.
pub type Named = NamedSource<String>;
