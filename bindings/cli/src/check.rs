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
    /// The project model: fact records of every file (and migration), in path order.
    pub facts: ppa_engine::project::Facts,
    /// Check-level warnings of project detectors: (check id, text).
    pub check_warnings: Vec<(String, String)>,
    /// Languages of the files checked.
    pub languages: std::collections::BTreeSet<Language>,
    /// What discovery found, when it chose packs (no `--pack`, or `--auto`).
    pub discovery: Option<ppa_engine::discover::Discovery>,
    /// The gate of each active check that requires project facts (CHECKS.md §2, §5.7): skipped
    /// for an absent technology, or warnings for missing sources.
    pub gates: std::collections::BTreeMap<String, ppa_engine::facts::gate::Gate>,
}

/// Builds the engine from pack names or directories (exactly these, plus what they require) and
/// `--select`/`--ignore`. Pack errors are all rendered, then returned.
pub fn build_engine(
    packs: &[String],
    select: &[String],
    ignore: &[String],
    job_dirs: &[String],
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
    let (engine, warnings) = builder
        .select(select)
        .ignore(ignore)
        .job_dirs(job_dirs)
        .build();
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
    scope::walk_builder(path).build()
}

/// (path label, path, facts only): a file to check, or a migration read only for its facts.
type FileToCheck = (String, PathBuf, bool);

/// What the walk notes besides the files to check: files read for the project phase besides
/// sources, (label, path), and the sources of required facts.
struct SideFiles {
    /// SQL migrations (F2 triggers).
    sql: Vec<(String, PathBuf)>,
    /// `go.mod` files (Go import paths → package directories, F11).
    go_mods: Vec<(String, PathBuf)>,
    /// Which required facts have sources (CHECKS.md §2).
    fact_sources: ppa_engine::facts::gate::SourcesSeen,
}

/// Collects the files to check, sorted by label, with notes for what is skipped.
fn collect_files(
    paths: &[PathBuf],
    root: &Path,
    scope: &Scope,
    default_excludes: bool,
    engine: &Engine,
    diagnostics: &mut Vec<Diagnostic>,
    side: &mut SideFiles,
) -> Result<(Vec<FileToCheck>, usize), CliError> {
    let want_sql = engine.has_project_phase();
    let facts = engine.catalog().facts();
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
            // Sources of required facts (F2: migrations), whatever is checked.
            if scope.selected(&name)
                && !matches!(
                    scope.excluded(&name),
                    Some(scope::Excluded::Vendored | scope::Excluded::Test)
                )
            {
                facts.observe(&name, &mut side.fact_sources);
            }
            // Go modules map import paths to package directories (F11).
            if (name == "go.mod" || name.ends_with("/go.mod")) && engine.handles(Language::Go) {
                side.go_mods.push((name, abs));
                continue;
            }
            let Some(lang) = Language::from_path(&name) else {
                // SQL migrations are read for facts (F2 triggers), never checked.
                if want_sql
                    && name.ends_with(".sql")
                    && scope.selected(&name)
                    && !matches!(
                        scope.excluded(&name),
                        Some(scope::Excluded::Vendored | scope::Excluded::Test)
                    )
                {
                    side.sql.push((name, abs));
                }
                continue;
            };
            if !engine.handles(lang) || !scope.selected(&name) {
                continue;
            }
            // A file named explicitly on the command line is checked whatever its path says.
            let explicit = entry.depth() == 0;
            if default_excludes && !explicit {
                match scope.excluded(&name) {
                    // Migrations are not checked, but their facts (triggers) count.
                    Some(scope::Excluded::Migration) if engine.has_migration_extractors(lang) => {
                        files.push((name, abs, true));
                        continue;
                    }
                    Some(_) => {
                        skipped += 1;
                        continue;
                    }
                    None => {}
                }
            }
            files.push((name, abs, false));
        }
    }
    files.sort();
    files.dedup_by(|a, b| a.0 == b.0);
    Ok((files, skipped))
}

enum FileOutcome {
    Checked(ppa_engine::FileReport, Option<Arc<str>>),
    /// A migration file: read for facts only.
    FactsOnly(ppa_engine::FileReport),
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

fn check_one(
    engine: &Engine,
    name: &str,
    path: &Path,
    max_size: u64,
    facts_only: bool,
) -> FileOutcome {
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
    if facts_only {
        return FileOutcome::FactsOnly(engine.extract_source(name, text));
    }
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
    project_info: &ppa_engine::project::ProjectInfo,
) -> Result<RunResult, CliError> {
    let mut result = RunResult::default();
    let mut side = SideFiles {
        sql: Vec::new(),
        go_mods: Vec::new(),
        fact_sources: engine.catalog().facts().sources_seen(),
    };
    let (files, skipped) = collect_files(
        paths,
        root,
        scope,
        default_excludes,
        engine,
        &mut result.diagnostics,
        &mut side,
    )?;
    let SideFiles {
        sql: mut sql_paths,
        go_mods,
        fact_sources,
    } = side;
    // Checks gated on their required facts: the technology (database kinds of discovery) and
    // the sources seen by the walk.
    let mut project_info = project_info.clone();
    for id in engine.active_checks() {
        let Some(check) = engine.catalog().get(id) else {
            continue;
        };
        if check.requires_facts.is_empty() {
            continue;
        }
        let gate = engine.catalog().facts().gate(
            &check.requires_facts,
            project_info.db_known.then_some(project_info.db.as_slice()),
            &fact_sources,
        );
        if matches!(gate, ppa_engine::facts::gate::Gate::Skip(_)) {
            project_info.skipped_checks.insert(id.clone());
        }
        result.gates.insert(id.clone(), gate);
    }
    let project_info = &project_info;
    sql_paths.sort();
    sql_paths.dedup();
    let mut sql_files = Vec::new();
    for (name, path) in &sql_paths {
        match std::fs::read(path).map(|b| scope::decode(&b).map(str::to_string)) {
            Ok(Ok(text)) => sql_files.push((name.clone(), text)),
            Ok(Err(skip)) => result
                .diagnostics
                .push(Diagnostic::note(name, skip.message())),
            Err(e) => result.diagnostics.push(Diagnostic::new(
                Level::Warning,
                Some(name),
                None,
                format!("cannot read: {e}"),
            )),
        }
    }
    result.files_skipped = skipped;
    let outcomes: Vec<FileOutcome> = files
        .par_iter()
        .map(|(name, path, facts_only)| check_one(engine, name, path, max_size, *facts_only))
        .collect();
    let mut records = Vec::new();
    let mut graphs = Vec::new();
    for ((name, _, _), outcome) in files.iter().zip(outcomes) {
        match outcome {
            FileOutcome::Checked(mut report, source) => {
                graphs.extend(report.graph.take());
                result.files_checked += 1;
                result.languages.extend(Language::from_path(name));
                result.suppressed += report.suppressed;
                result.findings.extend(report.findings);
                result.diagnostics.extend(report.diagnostics);
                records.extend(report.records);
                if let Some(s) = source {
                    result.sources.insert(name.clone(), s);
                }
            }
            FileOutcome::FactsOnly(mut report) => {
                graphs.extend(report.graph.take());
                result.diagnostics.extend(report.diagnostics);
                records.extend(report.records);
            }
            FileOutcome::Skipped(d) => {
                result.files_skipped += 1;
                result.diagnostics.push(d);
            }
        }
    }
    // The project phase: facts of every file, merged in path order, then project detectors.
    let mut facts = ppa_engine::project::Facts::from_records(records);
    ppa_engine::project::add_sql_facts(&mut facts, &sql_files);
    // F10 + F11: execution contexts of every function, for severities, exemptions and Rule 6.
    let exec = (!graphs.is_empty()).then(|| {
        let opts = ppa_engine::exec_context::Options {
            classify_tests: true,
            go_modules: read_go_modules(&go_mods),
        };
        Arc::new(ppa_engine::exec_context::ExecContext::build(
            &graphs, &facts, &opts,
        ))
    });
    drop(graphs);
    let mut project_info = project_info.clone();
    project_info.exec.clone_from(&exec);
    let project = engine.check_project(&facts, &project_info);
    result.diagnostics.extend(project.diagnostics);
    result.check_warnings = project.check_warnings;
    for f in &project.findings {
        if !result.sources.contains_key(&f.file) {
            if let Ok(text) = std::fs::read_to_string(root.join(&f.file)) {
                result
                    .sources
                    .insert(f.file.clone(), Arc::from(text.as_str()));
            }
        }
    }
    result
        .findings
        .extend(project.findings.into_iter().map(|mut f| {
            // Project findings carry a line and column; snippets need bytes: from the column to
            // the end of the line.
            if let Some(src) = result.sources.get(&f.file) {
                f.byte_range = line_range(src, f.line, f.column);
            }
            f
        }));
    // F15 and Rule 1: ADRs and planned items of the project cover findings they name.
    use ppa_engine::facts::adr::{read_documents, AdrIndex, FindingQuery, RepoIndex};
    let docs = read_documents(root);
    let adrs = AdrIndex::from_documents(docs.iter().map(|(p, t)| (p.as_str(), t.as_str())));
    facts.insert(
        "adrs",
        adrs.adrs().filter_map(|a| serde_json::to_value(a).ok()),
    );
    let repo = RepoIndex::from_paths(files.iter().map(|f| f.0.as_str()));
    let sources = &result.sources;
    let matcher = |f: &Finding| -> Option<(String, String)> {
        let check = engine.catalog().get(&f.check)?;
        let mut q = FindingQuery::for_check(check, &f.file, &f.symbol);
        q.comment_prefix = Language::from_path(&f.file)
            .map_or("#", |l| l.comment_prefix())
            .to_string();
        if let Some(src) = sources.get(&f.file) {
            // M4: an `ADR-<n>` comment on the finding line or the line above.
            q.source_lines = src
                .lines()
                .skip(f.line.saturating_sub(2))
                .take(if f.line > 1 { 2 } else { 1 })
                .map(str::to_string)
                .collect();
        }
        adrs.match_finding(&q, &repo)
            .map(|m| (m.source, m.evidence))
    };
    let migrations = ppa_engine::migration_globs();
    let filter = ppa_engine::postfilter::PostFilter {
        catalog: engine.catalog(),
        root: Some(root),
        migrations: Some(&migrations),
        adr: if docs.is_empty() {
            None
        } else {
            Some(&matcher)
        },
        exec: exec.as_deref(),
    };
    let (mut findings, _stats) = filter.apply(std::mem::take(&mut result.findings));
    // A check skipped for its facts reports nothing, from file detectors either.
    findings.retain(|f| !project_info.skipped_checks.contains(&f.check));
    result.findings = findings;
    result.facts = facts;
    result.packs = engine.packs().iter().map(|p| p.meta.name.clone()).collect();
    Ok(result)
}

/// (directory of the `go.mod`, module path) of each readable `go.mod`.
fn read_go_modules(files: &[(String, PathBuf)]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (name, path) in files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let module = text.lines().find_map(|l| {
            let l = l.split("//").next().unwrap_or("").trim();
            l.strip_prefix("module")
                .filter(|r| r.starts_with(char::is_whitespace))
                .map(|r| r.trim().trim_matches('"').to_string())
        });
        if let Some(m) = module.filter(|m| !m.is_empty()) {
            let dir = name.strip_suffix("go.mod").unwrap_or("");
            out.push((dir.trim_end_matches('/').to_string(), m));
        }
    }
    out.sort();
    out
}

/// Byte range of 1-based line `line` (without its newline), from 1-based character `column`
/// (or its first non-blank character, whichever comes later).
fn line_range(src: &str, line: usize, column: usize) -> (usize, usize) {
    let mut start = 0;
    for (i, l) in src.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let body = l.trim_end_matches(['\n', '\r']);
            let lead = body.len() - body.trim_start().len();
            let at = body
                .char_indices()
                .nth(column.saturating_sub(1))
                .map_or(body.len(), |(b, _)| b);
            return (start + lead.max(at), start + body.len());
        }
        start += l.len();
    }
    (0, 0)
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
            // The project of the first path checked (its nearest ancestor with ppa.toml or
            // .git), so `ppa check services/api` from a monorepo root reads that service's
            // ppa.toml, ADRs and report location.
            let start = args
                .paths
                .first()
                .map(|p| {
                    if p.is_absolute() {
                        p.clone()
                    } else {
                        cwd.join(p)
                    }
                })
                .map(|p| {
                    if p.is_dir() {
                        p
                    } else {
                        p.parent().map(Path::to_path_buf).unwrap_or(p)
                    }
                })
                .unwrap_or_else(|| cwd.clone());
            let c = start.canonicalize().unwrap_or(start);
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
    let (engine, warnings) = build_engine(&chosen, &select, &ignore, &config.context.job_dirs)?;
    let include = pick(&args.include, &config.scan.include);
    let mut exclude = config.scan.exclude.clone();
    exclude.extend(args.exclude.iter().cloned());
    let scope = Scope::new(&include, &exclude)
        .map_err(|e| usage(e, "globs use `*`, `**` and `?`, e.g. `src/**/*.py`"))?;
    let max_size = config.scan.max_file_size.unwrap_or(scope::MAX_FILE_SIZE);
    // Project-level detectors read the database kinds and the deployment (F9) of discovery,
    // and the database kinds gate checks that require project facts (CHECKS.md §5.7). With
    // explicit packs discovery did not run for the pack choice; run it for these facts alone
    // (the packs stay as given): with the imports of the triggers when a gated check is active,
    // as `ppa check` always does, else without parsing imports.
    let needs_db = engine.active_checks().iter().any(|id| {
        engine
            .catalog()
            .get(id)
            .is_some_and(|c| !c.requires_facts.is_empty())
    });
    let facts_discovery = match &discovery {
        None if needs_db => {
            let triggers = crate::discover::builtin_triggers()?;
            Some(crate::discover::discover_project(
                &root, &paths, &config, &triggers, false,
            )?)
        }
        None if engine.has_project_phase() => {
            Some(crate::discover::discover_facts(&root, &paths, &config)?)
        }
        _ => None,
    };
    let project_info = match discovery.as_ref().or(facts_discovery.as_ref()) {
        Some(d) => ppa_engine::project::ProjectInfo::from_discovery(d, config.facts.clone()),
        None => ppa_engine::project::ProjectInfo {
            config: config.facts.clone(),
            ..Default::default()
        },
    };
    let run = || {
        check_paths(
            &engine,
            &paths,
            &root,
            &scope,
            !args.no_default_excludes,
            max_size,
            &project_info,
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
    // Warnings of the queries compiled for the languages met (CHECKS.md: a JavaScript detector
    // that does not fit the TypeScript grammar), with those of the build.
    let mut warnings = warnings;
    warnings.extend(engine.plan_warnings());
    result.diagnostics.splice(0..0, warnings);
    if let Some(d) = discovery.as_ref().or(facts_discovery.as_ref()) {
        result.diagnostics.extend(d.diagnostics.iter().cloned());
    }
    result.discovery = discovery;
    let color = match args.color.as_str() {
        "always" => true,
        "never" => false,
        _ => std::env::var_os("NO_COLOR").is_none() && output::stdout_is_terminal(),
    };
    let audit = crate::audit::Audit::new(&engine, &result, &root, &select, &ignore)?;
    let written = match &args.report {
        Some(flag) => {
            let path = crate::audit::report_path(flag.as_deref(), &root, &cwd)?;
            let skill = config.results_log.skill.as_deref();
            let skill = skill.unwrap_or(ppa_engine::report::results_log::DEFAULT_SKILL);
            let report = audit.report(&engine, &result);
            let notes = crate::audit::write(&report, &path, &root, !args.no_results_log, skill)?;
            result.diagnostics.extend(notes);
            Some(path)
        }
        None => None,
    };
    let report = audit.report(&engine, &result);
    match args.format {
        Format::Text => {
            output::text::write(&result, out, err, color)?;
            let _ = writeln!(out, "{}", crate::audit::score_line(&report));
            if let Some(path) = &written {
                let _ = writeln!(out, "report written to {}", label(&root, path));
            }
        }
        Format::Json => output::json::write(&report, &result.diagnostics, out)?,
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
    // Advisory findings (Rule 1, Rule 6) never fail a run.
    let over = threshold.is_some_and(|t| {
        result
            .findings
            .iter()
            .any(|f| !f.advisory && f.severity >= t)
    });
    Ok(if failed_predicates {
        EXIT_ERROR
    } else if over {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}
