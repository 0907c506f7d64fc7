//! `ppa discover`, and the discovery step of `ppa check` (which packs run when no `--pack` is
//! given). The engine's `discover` module does the reading; this is the glue: project root,
//! `ppa.toml`, the built-in packs' triggers and the output.

use crate::args::{DiscoverArgs, Format};
use crate::config::Config;
use crate::{usage, CliError, EXIT_OK};
use ppa_engine::discover::{Discoverer, Discovery, PackTriggers};
use ppa_engine::scope::{self, Scope};
use ppa_engine::{Diagnostic, Level};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The triggers of every built-in pack (read from their `pack.toml`, nothing compiled).
pub fn builtin_triggers() -> Result<Vec<PackTriggers>, CliError> {
    ppa_packs::PACKS
        .iter()
        .map(|p| PackTriggers::from_source(p).map_err(|e| usage(e, "")))
        .collect()
}

/// Discovers the project at `root` for a check of `paths` (all under the root, usually): each
/// path is walked, and the manifests of its ancestor directories up to the root are read, so
/// `ppa check src/` sees the root's `pyproject.toml`. Packs are selected among `packs` with the
/// `[packs]` adjustments of `ppa.toml`. Without `record_all_imports`, only imports that some
/// trigger names are looked for (cheaper; enough to choose packs).
pub fn discover_project(
    root: &Path,
    paths: &[PathBuf],
    config: &Config,
    packs: &[PackTriggers],
    record_all_imports: bool,
) -> Result<Discovery, CliError> {
    discover_with(
        root,
        paths,
        config,
        packs,
        Imports::from(record_all_imports),
    )
}

/// Which imports discovery parses source files for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Imports {
    /// Every import (`ppa discover`).
    All,
    /// Only those some trigger names (choosing packs).
    Triggers,
    /// None: the project facts of `ppa check --pack` (database kinds from manifests, compose
    /// and DSNs; the F9 deployment) need no import, and parsing every file for imports would
    /// cost about as much as the check itself.
    None,
}

impl From<bool> for Imports {
    fn from(all: bool) -> Self {
        if all {
            Imports::All
        } else {
            Imports::Triggers
        }
    }
}

/// Discovery for the project facts of a check whose packs were given explicitly: no pack is
/// selected and no source file is parsed for imports.
pub fn discover_facts(
    root: &Path,
    paths: &[PathBuf],
    config: &Config,
) -> Result<Discovery, CliError> {
    discover_with(root, paths, config, &[], Imports::None)
}

fn discover_with(
    root: &Path,
    paths: &[PathBuf],
    config: &Config,
    packs: &[PackTriggers],
    imports: Imports,
) -> Result<Discovery, CliError> {
    let stacks = ppa_rules::stacks().map_err(|e| usage(e, ""))?;
    let scope = Scope::new(&config.scan.include, &config.scan.exclude)
        .map_err(|e| usage(e, "globs use `*`, `**` and `?`, e.g. `src/**/*.py`"))?;
    let mut d = Discoverer::new(root, &stacks)
        .scope(scope)
        .max_file_size(config.scan.max_file_size.unwrap_or(scope::MAX_FILE_SIZE));
    let globs: Vec<String> = packs
        .iter()
        .flat_map(|p| p.enabled_by.files.iter().cloned())
        .collect();
    d.watch_files(&globs);
    match imports {
        Imports::All => {}
        Imports::Triggers => {
            let triggers = packs
                .iter()
                .flat_map(|p| p.enabled_by.imports.iter().cloned())
                .chain(stacks.stack.iter().flat_map(|s| s.imports.iter().cloned()));
            d.only_imports_of(triggers);
        }
        Imports::None => d.only_imports_of(std::iter::empty()),
    }
    // Walk each path once (a path inside another one is covered by it).
    let walked: Vec<&PathBuf> = paths
        .iter()
        .filter(|p| {
            !paths
                .iter()
                .any(|q| q != *p && q.is_dir() && p.starts_with(q))
        })
        .collect();
    let mut ancestors: Vec<PathBuf> = Vec::new();
    for p in &walked {
        d.walk(p);
        let mut dir = p.parent();
        while let Some(a) = dir.filter(|a| a.starts_with(root)) {
            ancestors.push(a.to_path_buf());
            dir = a.parent();
        }
    }
    ancestors.sort();
    ancestors.dedup();
    for a in ancestors
        .iter()
        .filter(|a| !walked.iter().any(|p| p.is_dir() && a.starts_with(p)))
    {
        d.read_manifests_in(a);
    }
    let mut discovery = d.finish();
    discovery.select_packs(packs, &config.packs.enable, &config.packs.disable);
    Ok(discovery)
}

fn project_dir(args: &DiscoverArgs) -> Result<PathBuf, CliError> {
    let cwd = std::env::current_dir()
        .map_err(|e| usage(format!("cannot read the working directory: {e}"), ""))?;
    match &args.path {
        Some(p) => {
            let p = if p.is_absolute() {
                p.clone()
            } else {
                cwd.join(p)
            };
            if !p.is_dir() {
                return Err(usage(
                    format!("`{}` is not a directory", p.display()),
                    "give the project directory to discover",
                ));
            }
            Ok(p.canonicalize().unwrap_or(p))
        }
        None => Ok(crate::check::project_root(
            &cwd.canonicalize().unwrap_or(cwd),
        )),
    }
}

fn diagnostic_line(d: &Diagnostic) -> String {
    let at = match (&d.file, d.line) {
        (Some(f), Some(l)) => format!("{f}:{l}: "),
        (Some(f), None) => format!("{f}: "),
        _ => String::new(),
    };
    let level = match d.level {
        Level::Note => "note",
        Level::Warning => "warning",
        Level::Error => "error",
    };
    format!("{level}: {at}{}", d.message)
}

/// `ppa discover [PATH] [--format text|json]`.
pub fn run(args: &DiscoverArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<i32, CliError> {
    let root = project_dir(args)?;
    let config = crate::config::load(&root)?;
    let packs = builtin_triggers()?;
    let d = discover_project(&root, std::slice::from_ref(&root), &config, &packs, true)?;
    for diag in &d.diagnostics {
        let _ = writeln!(err, "{}", diagnostic_line(diag));
    }
    let ts = d.tech_stack();
    match args.format {
        Format::Json => {
            let _ = writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&ts).unwrap_or_default()
            );
        }
        Format::Text => write_text(&d, out),
    }
    Ok(EXIT_OK)
}

fn or_none(items: Vec<String>) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}

fn write_text(d: &Discovery, out: &mut dyn Write) {
    let ts = d.tech_stack();
    let spaced = |v: &[String]| -> Vec<String> { v.iter().map(|s| s.replace('@', " ")).collect() };
    let langs: Vec<String> = d.languages.iter().map(|l| l.name().to_string()).collect();
    let db: Vec<String> = ts
        .db
        .iter()
        .map(|k| match ts.db_versions.get(k) {
            Some(v) => format!("{k} {v}"),
            None => k.clone(),
        })
        .collect();
    let _ = writeln!(out, "Languages:  {}", or_none(langs));
    let _ = writeln!(out, "Databases:  {}", or_none(db));
    let _ = writeln!(out, "ORM:        {}", or_none(spaced(&ts.orm)));
    let _ = writeln!(out, "Web:        {}", or_none(spaced(&ts.web)));
    let _ = writeln!(out, "Async:      {}", or_none(spaced(&ts.async_)));
    let _ = writeln!(out, "Tasks:      {}", or_none(spaced(&ts.tasks)));
    if !d.flags.is_empty() {
        let flags: Vec<String> = d.flags.iter().cloned().collect();
        let _ = writeln!(out, "Platform:   {}", flags.join(", "));
    }
    let dep = &d.deployment;
    let evidence = |marker: &str| -> String {
        dep.evidence
            .get(marker)
            .map(|e| e.join("; "))
            .unwrap_or_default()
    };
    if dep.serverless {
        let _ = writeln!(out, "Serverless: yes ({})", evidence("serverless"));
    }
    if dep.external_pooler {
        let _ = writeln!(
            out,
            "Pooler:     external ({})",
            evidence("external_pooler")
        );
    }
    if let Some(n) = dep.web_workers {
        let _ = writeln!(out, "Workers:    {n} ({})", evidence("web_workers"));
    }
    let _ = writeln!(out, "\nPacks (in order):");
    if d.packs.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for p in &d.packs {
        let why = d.reasons.get(p).map(String::as_str).unwrap_or("");
        let _ = writeln!(out, "  {p:<20} {why}");
    }
    let _ = writeln!(out, "Detected, no pack: {}", or_none(ts.unpacked.clone()));
    for (title, dev) in [("Runtime dependencies", false), ("Dev dependencies", true)] {
        let deps: Vec<String> = d
            .dependencies
            .iter()
            .filter(|x| x.dev == dev && !x.indirect)
            .map(|x| {
                let extras = if x.extras.is_empty() {
                    String::new()
                } else {
                    format!("[{}]", x.extras.join(","))
                };
                let v = x
                    .version
                    .as_deref()
                    .map(|v| format!(" {v}"))
                    .unwrap_or_default();
                format!("{}{extras}{v}", x.name)
            })
            .collect();
        let _ = writeln!(out, "\n{title}: {}", deps.len());
        for line in deps {
            let _ = writeln!(out, "  {line}");
        }
    }
    let _ = writeln!(out, "\nRead: {}", or_none(d.manifests.clone()));
}
