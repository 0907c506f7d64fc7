//! `ppa check`: load packs, walk files, check them in parallel, print, choose the exit code.

use crate::args::{CheckArgs, FailOn, Format};
use crate::{output, usage, CliError, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};
use ppa_engine::pack::DirSource;
use ppa_engine::scope::{self, Scope};
use ppa_engine::{Diagnostic, Engine, EngineBuilder, Finding, Language, Level, Severity};
use rayon::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Everything one run produced, in deterministic order.
#[derive(Debug, Default)]
pub struct RunResult {
    pub findings: Vec<Finding>,
    pub diagnostics: Vec<Diagnostic>,
    pub suppressed: usize,
    pub files_checked: usize,
    pub files_skipped: usize,
    /// Source text of files with findings, for snippets.
    pub sources: std::collections::BTreeMap<String, Arc<str>>,
    pub packs: Vec<String>,
    /// What discovery found, when it chose packs (no `--pack`, or `--auto`).
    pub discovery: Option<ppa_engine::discover::Discovery>,
}

/// Builds the engine from pack names or directories (exactly these, plus what they require) and
/// `--select`/`--ignore`. Pack errors are all rendered, then returned.
pub fn build_engine(
    packs: &[String],
    select: &[String],
    ignore: &[String],
) -> Result<(Engine, Vec<Diagnostic>), CliError> {
    let catalog = ppa_rules::catalog().map_err(|mut e| -> CliError { Box::new(e.remove(0)) })?;
    let mut builder = EngineBuilder::new(catalog);
    let mut errors = Vec::new();
    for spec in packs {
        let path = Path::new(spec);
        let result =
            if path.join("pack.toml").is_file() || spec.contains('/') || spec.contains('\\') {
                if !path.is_dir() {
                    return Err(usage(
                        format!("pack directory `{spec}` does not exist"),
                        "give a directory holding pack.toml, or a built-in pack name (`ppa packs`)",
                    ));
                }
                builder.load_pack(&DirSource::new(path))
            } else if let Some(src) = ppa_packs::find(spec) {
                if builder.has_pack(spec) {
                    continue;
                }
                builder.load_pack(src)
            } else {
                let names: Vec<&str> = ppa_packs::PACKS.iter().map(|p| p.name).collect();
                return Err(usage(
                    format!("unknown pack `{spec}`"),
                    format!(
                        "built-in packs: {}; a pack directory is given by path (`./my-pack`)",
                        names.join(", ")
                    ),
                ));
            };
        if let Err(e) = result {
            errors.push(e);
        }
    }
    if !errors.is_empty() {
        return Err(Box::new(output::PackLoadErrors(errors)));
    }
    // `requires`: a pack builds on others; load the built-in ones it names (transitively).
    loop {
        let missing: Vec<(String, String)> = builder
            .packs()
            .iter()
            .flat_map(|p| {
                p.meta
                    .requires
                    .iter()
                    .map(move |r| (p.meta.name.clone(), r.clone()))
            })
            .filter(|(_, r)| !builder.has_pack(r))
            .collect();
        let Some((by, name)) = missing.into_iter().next() else {
            break;
        };
        match ppa_packs::find(&name) {
            Some(src) => {
                builder
                    .load_pack(src)
                    .map_err(|e| -> CliError { Box::new(output::PackLoadErrors(vec![e])) })?;
            }
            None => {
                return Err(usage(
                    format!("pack `{by}` requires pack `{name}`, which is not built in"),
                    format!("load it too: `--pack ./path/to/{name}`"),
                ))
            }
        }
    }
    for id in select.iter().chain(ignore) {
        let known = ppa_engine::Category::parse(id).is_some()
            || builder
                .catalog()
                .iter()
                .any(|c| c.id == *id || c.id.starts_with(&format!("{id}.")));
        if !known {
            return Err(usage(
                format!("--select/--ignore: unknown check or category `{id}`"),
                "use a check id (`ppa rule --list`) or a category: query, transaction, runtime, resource",
            ));
        }
    }
    let (engine, warnings) = builder.select(select).ignore(ignore).build();
    Ok((engine, warnings))
}

/// The project root: nearest ancestor of `start` holding `ppa.toml`, else `.git`, else `start`.
pub fn project_root(start: &Path) -> PathBuf {
    for marker in ["ppa.toml", ".git"] {
        let mut cur = Some(start);
        while let Some(dir) = cur {
            if dir.join(marker).exists() {
                return dir.to_path_buf();
            }
            cur = dir.parent();
        }
    }
    start.to_path_buf()
}

/// A path relative to the root, `/`-separated; the path itself when outside the root.
pub fn label(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let s = rel.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").unwrap_or(&s).to_string()
}

/// The file walk of `ppa check`: `.gitignore`/`.ignore` honoured (also outside a git
/// repository), hidden entries skipped, no symlinks followed, in path order. The benchmark uses
/// the same walk.
pub fn walker(path: &Path) -> ignore::Walk {
    ignore::WalkBuilder::new(path)
        .hidden(true)
        .git_ignore(true)
        .git_global(false)
        .git_exclude(true)
        .require_git(false)
        .ignore(true)
        .parents(true)
        .follow_links(false)
        .sort_by_file_path(|a, b| a.cmp(b))
        .build()
}

/// Collects the files to check, sorted by label, with notes for what is skipped.
fn collect_files(
    paths: &[PathBuf],
    root: &Path,
    scope: &Scope,
    default_excludes: bool,
    engine: &Engine,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<(Vec<(String, PathBuf)>, usize), CliError> {
    let mut files = Vec::new();
    let mut skipped = 0;
    for p in paths {
        if !p.exists() {
            return Err(usage(
                format!("`{}` does not exist", p.display()),
                "give files or directories to check",
            ));
        }
        for entry in walker(p) {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    diagnostics.push(Diagnostic::new(Level::Warning, None, None, e.to_string()));
                    continue;
                }
            };
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                continue;
            }
            let abs = entry.path().to_path_buf();
            let abs = if abs.is_absolute() {
                abs
            } else {
                std::env::current_dir().map(|d| d.join(&abs)).unwrap_or(abs)
            };
            let name = label(root, &abs);
            let Some(lang) = Language::from_path(&name) else {
                continue;
            };
            if !engine.handles(lang) || !scope.selected(&name) {
                continue;
            }
            // A file named explicitly on the command line is checked whatever its path says.
            let explicit = entry.depth() == 0;
            if default_excludes && !explicit && scope.excluded(&name).is_some() {
                skipped += 1;
                continue;
            }
            files.push((name, abs));
        }
    }
    files.sort();
    files.dedup_by(|a, b| a.0 == b.0);
    Ok((files, skipped))
}

enum FileOutcome {
    Checked(ppa_engine::FileReport, Option<Arc<str>>),
    Skipped(Diagnostic),
}

fn unreadable(name: &str, e: &std::io::Error) -> FileOutcome {
    FileOutcome::Skipped(Diagnostic::new(
        Level::Warning,
        Some(name),
        None,
        format!("cannot read: {e}"),
    ))
}

fn check_one(engine: &Engine, name: &str, path: &Path, max_size: u64) -> FileOutcome {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => return unreadable(name, &e),
    };
    if meta.len() > max_size {
        return FileOutcome::Skipped(Diagnostic::note(
            name,
            scope::ContentSkip::TooLarge(meta.len(), max_size).message(),
        ));
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return unreadable(name, &e),
    };
    let text = match scope::decode(&bytes) {
        Ok(t) => t,
        Err(skip) => return FileOutcome::Skipped(Diagnostic::note(name, skip.message())),
    };
    let report = engine.check_source(name, text);
    let source = (!report.findings.is_empty()).then(|| Arc::from(text));
    FileOutcome::Checked(report, source)
}

/// Runs a check over paths with an engine; no output.
pub fn check_paths(
    engine: &Engine,
    paths: &[PathBuf],
    root: &Path,
    scope: &Scope,
    default_excludes: bool,
    max_size: u64,
) -> Result<RunResult, CliError> {
    let mut result = RunResult::default();
    let (files, skipped) = collect_files(
        paths,
        root,
        scope,
        default_excludes,
        engine,
        &mut result.diagnostics,
    )?;
    result.files_skipped = skipped;
    let outcomes: Vec<FileOutcome> = files
        .par_iter()
        .map(|(name, path)| check_one(engine, name, path, max_size))
        .collect();
    for ((name, _), outcome) in files.iter().zip(outcomes) {
        match outcome {
            FileOutcome::Checked(report, source) => {
                result.files_checked += 1;
                result.suppressed += report.suppressed;
                result.findings.extend(report.findings);
                result.diagnostics.extend(report.diagnostics);
                if let Some(s) = source {
                    result.sources.insert(name.clone(), s);
                }
            }
            FileOutcome::Skipped(d) => {
                result.files_skipped += 1;
                result.diagnostics.push(d);
            }
        }
    }
    result
        .findings
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    result.packs = engine.packs().iter().map(|p| p.meta.name.clone()).collect();
    Ok(result)
}

pub fn run(args: &CheckArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<i32, CliError> {
    let cwd = std::env::current_dir()
        .map_err(|e| usage(format!("cannot read the working directory: {e}"), ""))?;
    let root = match &args.root {
        Some(r) if r.is_dir() => {
            let r = if r.is_absolute() {
                r.clone()
            } else {
                cwd.join(r)
            };
            r.canonicalize().unwrap_or(r)
        }
        Some(r) => {
            return Err(usage(
                format!("--root `{}` is not a directory", r.display()),
                "give the directory output paths should be relative to",
            ))
        }
        None => {
            let c = cwd.canonicalize().unwrap_or_else(|_| cwd.clone());
            project_root(&c)
        }
    };
    let config = crate::config::load(&root)?;
    // Flags win over ppa.toml; pack directories in ppa.toml are relative to the root.
    let packs: Vec<String> = if !args.packs.is_empty() {
        args.packs.clone()
    } else {
        config
            .check
            .packs
            .iter()
            .map(|p| {
                if p.contains('/') || p.contains('\\') || root.join(p).join("pack.toml").is_file() {
                    root.join(p).to_string_lossy().into_owned()
                } else {
                    p.clone()
                }
            })
            .collect()
    };
    let pick = |flag: &Vec<String>, cfg: &Vec<String>| {
        if flag.is_empty() {
            cfg.clone()
        } else {
            flag.clone()
        }
    };
    let select = pick(&args.select, &config.check.select);
    let ignore = pick(&args.ignore, &config.check.ignore);
    let fail_on = match (&args.fail_on, &config.check.fail_on) {
        (Some(f), _) => *f,
        (None, Some(s)) => <FailOn as clap::ValueEnum>::from_str(s, true).map_err(|_| {
            usage(
                format!("ppa.toml: invalid fail_on `{s}`"),
                "use low, medium, high, critical or never",
            )
        })?,
        (None, None) => FailOn::Low,
    };
    let paths: Vec<PathBuf> = if args.paths.is_empty() {
        vec![cwd.canonicalize().unwrap_or_else(|_| cwd.clone())]
    } else {
        args.paths
            .iter()
            .map(|p| {
                if p.is_absolute() {
                    p.clone()
                } else {
                    cwd.join(p)
                }
            })
            .map(|p| p.canonicalize().unwrap_or(p))
            .collect()
    };
    // No --pack (nor `[check] packs`), or --auto: discovery chooses the packs (CHECKS.md §1.2).
    let mut discovery = None;
    let mut chosen: Vec<String> = Vec::new();
    if packs.is_empty() || args.auto {
        let triggers = crate::discover::builtin_triggers()?;
        let d = crate::discover::discover_project(&root, &paths, &config, &triggers, false)?;
        chosen.clone_from(&d.packs);
        discovery = Some(d);
    }
    for p in packs {
        if !chosen.contains(&p) {
            chosen.push(p);
        }
    }
    let (engine, warnings) = build_engine(&chosen, &select, &ignore)?;
    let include = pick(&args.include, &config.scan.include);
    let mut exclude = config.scan.exclude.clone();
    exclude.extend(args.exclude.iter().cloned());
    let scope = Scope::new(&include, &exclude)
        .map_err(|e| usage(e, "globs use `*`, `**` and `?`, e.g. `src/**/*.py`"))?;
    let max_size = config.scan.max_file_size.unwrap_or(scope::MAX_FILE_SIZE);
    let run = || {
        check_paths(
            &engine,
            &paths,
            &root,
            &scope,
            !args.no_default_excludes,
            max_size,
        )
    };
    let mut result = match args.threads {
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build()
            .map_err(|e| usage(format!("cannot start {n} threads: {e}"), ""))?
            .install(run)?,
        None => run()?,
    };
    result.diagnostics.splice(0..0, warnings);
    if let Some(d) = &discovery {
        result.diagnostics.extend(d.diagnostics.iter().cloned());
    }
    result.discovery = discovery;
    let color = match args.color.as_str() {
        "always" => true,
        "never" => false,
        _ => std::env::var_os("NO_COLOR").is_none() && output::stdout_is_terminal(),
    };
    match args.format {
        Format::Text => output::text::write(&result, out, err, color)?,
        Format::Json => output::json::write(&result, out)?,
    }
    let failed_predicates = result
        .diagnostics
        .iter()
        .any(|d| d.level == Level::Error && d.detector.is_some());
    let threshold = match fail_on {
        FailOn::Low => Some(Severity::Low),
        FailOn::Medium => Some(Severity::Medium),
        FailOn::High => Some(Severity::High),
        FailOn::Critical => Some(Severity::Critical),
        FailOn::Never => None,
    };
    let over = threshold.is_some_and(|t| result.findings.iter().any(|f| f.severity >= t));
    Ok(if failed_predicates {
        EXIT_ERROR
    } else if over {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}
