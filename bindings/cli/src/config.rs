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
//! [context]
//! job_dirs = ["tasks", "workers"]   # Rule 6 S2: directories of background work
//!
//! [facts.channels]
//! external = ["billing_events"]     # channels consumed or published by another service
//!
//! [results_log]
//! skill = "ln-650"              # the Skill column of docs/project/.audit/results_log.md
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
    pub context: ContextConfig,
    #[serde(default)]
    pub packs: Packs,
    /// Free-form settings that project-level detectors read (`project.config` in their
    /// predicate), e.g. `[facts.channels] external = [...]`.
    #[serde(default)]
    pub facts: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    pub results_log: ResultsLog,
}

/// `[context]`: Rule 6 settings.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContextConfig {
    /// Directory names of background work (S2); replaces the defaults.
    #[serde(default)]
    pub job_dirs: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultsLog {
    /// The Skill column of the results log rows ppa writes (default `ln-650`).
    pub skill: Option<String>,
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
            "accepted keys: [scan] include, exclude, max_file_size; [check] packs, select, ignore, fail_on; [packs] enable, disable; [context] job_dirs; [facts]; [results_log] skill",
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
