//! `ppa.toml`: project configuration. Every key is optional; command-line flags win.
//!
//! ```toml
//! [scan]
//! include = ["src/**"]          # only these paths (globs, relative to the project root)
//! exclude = ["src/legacy/**"]   # never these
//! max_file_size = 1048576       # bytes; larger files are skipped with a note
//!
//! [check]
//! packs = ["asyncio", "./ci/acme-pack"]
//! select = ["runtime"]
//! ignore = ["runtime.redundant_data_copies"]
//! fail_on = "medium"
//!
//! [packs]                       # adjusts the packs discovery enables (`ppa discover`)
//! enable = ["asyncio"]
//! disable = ["python-core"]
//! ```

use crate::CliError;
use miette::{LabeledSpan, NamedSource, SourceSpan};
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub scan: Scan,
    #[serde(default)]
    pub check: Check,
    #[serde(default)]
    pub packs: Packs,
}

/// `[packs]`: adjustments to the automatic pack set.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Packs {
    #[serde(default)]
    pub enable: Vec<String>,
    #[serde(default)]
    pub disable: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scan {
    #[serde(default)]
    pub include: Vec<String>,
    #[serde(default)]
    pub exclude: Vec<String>,
    pub max_file_size: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    #[serde(default)]
    pub packs: Vec<String>,
    #[serde(default)]
    pub select: Vec<String>,
    #[serde(default)]
    pub ignore: Vec<String>,
    pub fail_on: Option<String>,
}

/// A `ppa.toml` that does not parse, located.
#[derive(Debug)]
struct ConfigError {
    message: String,
    src: NamedSource<String>,
    span: SourceSpan,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid ppa.toml: {}", self.message)
    }
}

impl std::error::Error for ConfigError {}

impl miette::Diagnostic for ConfigError {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new("ppa::config"))
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(
            "accepted keys: [scan] include, exclude, max_file_size; [check] packs, select, ignore, fail_on; [packs] enable, disable",
        ))
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.src)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some("here".into()),
            self.span,
        ))))
    }
}

/// Reads `<root>/ppa.toml`; a missing file is the empty configuration.
pub fn load(root: &Path) -> Result<Config, CliError> {
    let path = root.join("ppa.toml");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(Config::default());
    };
    toml::from_str(&text).map_err(|e| -> CliError {
        let span = e.span().unwrap_or(0..0);
        Box::new(ConfigError {
            message: e.message().trim().to_string(),
            src: NamedSource::new(path.display().to_string(), text.clone()),
            span: SourceSpan::new(span.start.into(), span.end - span.start),
        })
    })
}
