//! The `ppa` command line, as a library so that end-to-end tests run it in-process.
//!
//! The binary is glue: argument parsing ([`args`]), the file walk and parallel check
//! ([`check`]), output formats ([`output`]) and exit codes. The engine knows nothing of files on
//! disk, threads or terminals.

pub mod alloc;
pub mod args;
pub mod audit;
pub mod check;
mod commands;
pub mod config;
pub mod discover;
pub mod output;

use args::{Cli, Command};
use clap::Parser;
use std::io::Write;

/// Exit code: nothing at or above `--fail-on`.
pub const EXIT_OK: i32 = 0;
/// Exit code: findings (or failing fixtures).
pub const EXIT_FINDINGS: i32 = 1;
/// Exit code: usage, configuration or pack error.
pub const EXIT_ERROR: i32 = 2;

/// Runs `ppa` with these arguments (the first is the program name) and returns the exit code.
pub fn run<I, T>(args: I, out: &mut dyn Write, err: &mut dyn Write) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_ERROR } else { EXIT_OK };
            let text = e.render().to_string();
            if e.use_stderr() {
                let _ = write!(err, "{text}");
            } else {
                let _ = write!(out, "{text}");
            }
            return code;
        }
    };
    let result = match cli.command {
        Command::Check(a) => check::run(&a, out, err),
        Command::Discover(a) => discover::run(&a, out, err),
        Command::Packs(a) => commands::packs(&a, out),
        Command::Rule(a) => commands::rule(&a, out, err),
        Command::Test(a) => commands::test(&a, out, err),
        Command::Tree(a) => commands::tree(&a, out),
        Command::Schema => {
            let _ = write!(out, "{}", ppa_engine::pack_schema());
            Ok(EXIT_OK)
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            let _ = writeln!(err, "{}", output::render_error(e.as_ref()));
            EXIT_ERROR
        }
    }
}

/// A failure that ends a command with exit code 2, rendered with miette.
pub type CliError = Box<dyn miette::Diagnostic + Send + Sync>;

/// A simple located-nowhere error with a hint.
#[derive(Debug)]
pub struct Usage {
    pub message: String,
    pub help: String,
}

impl std::fmt::Display for Usage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Usage {}

impl miette::Diagnostic for Usage {
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        (!self.help.is_empty()).then(|| Box::new(&self.help) as Box<dyn std::fmt::Display>)
    }
}

pub(crate) fn usage(message: impl Into<String>, help: impl Into<String>) -> CliError {
    Box::new(Usage {
        message: message.into(),
        help: help.into(),
    })
}
