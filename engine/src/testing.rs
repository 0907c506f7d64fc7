//! Rule tests as a user feature: fixture annotations and the runner behind `ppa test`, used for
//! the built-in packs by `cargo test` too.
//!
//! A fixture is an ordinary source file under a pack's `tests/` directory. Comments above a line
//! say what must happen on it (semgrep style):
//!
//! ```text
//! # ppa: runtime.sync_sleep_in_async          a finding of this check must start on the next line
//! # ppa-ok: runtime.sync_sleep_in_async       none may (a near miss that must stay quiet)
//! # ppa-todo: runtime.sync_sleep_in_async     a known gap: should be found, is not yet
//! # ppa-todo: query.n_plus_one LOW            a known wrong severity: found, but not at LOW yet
//! ```
//!
//! A `ppa:` id may be followed by the expected severity (`# ppa: runtime.x HIGH`). Several ids
//! may be separated by commas, and several annotation lines may stack above one line. Any finding on a line without a `ppa:` annotation for its check is unexpected.
//!
//! Execution contexts (CHECKS.md §3.6) are asserted the same way, about the function defined on
//! (or containing) the next line:
//!
//! ```text
//! # ppa-context: http_handler route=/jobs method=GET framework=fastapi
//! # ppa-context: library hot=true              reached from a handler
//! # ppa-context-todo: background               a known gap
//! ```
//!
//! **Fixture projects.** Project-level detectors see the facts of one project. The files
//! directly in `tests/` form one project; each sub-directory of `tests/` is another one (all
//! files below it). Besides source and SQL fixtures, a project's other files describe it as
//! discovery would (manifests, `serverless.yml`, compose files, a `Procfile`: the database
//! kinds and the F9 deployment), and an optional `ppa-facts.toml` adds fact records that other
//! packs would provide (`[[entrypoints]]` tables, `file` relative to the project directory).

use crate::engine::Engine;
use crate::exec_context::{ExecClass, ExecContext};
use crate::finding::{Diagnostic, Finding, Level};
use crate::lang::Language;
use crate::model::Severity;
use crate::project::ProjectInfo;

/// What an annotation expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// `ppa:` must be reported.
    Finding,
    /// `ppa-ok:` must not be reported.
    Ok,
    /// `ppa-todo:` should be reported, known not to be yet.
    Todo,
}

/// One expectation about one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotation {
    /// The 1-based line the annotation is about.
    pub line: usize,
    /// The 1-based line of the comment itself.
    pub comment_line: usize,
    pub check: String,
    pub expect: Expect,
    /// The severity a `ppa:` finding must have, when the annotation gives one.
    pub severity: Option<Severity>,
}

/// Reads the annotations of a fixture.
pub fn parse_annotations(source: &str, comment_prefix: &str) -> Vec<Annotation> {
    let lines: Vec<&str> = source.lines().collect();
    let parsed: Vec<Option<(Expect, Ids)>> = lines
        .iter()
        .map(|l| annotation_of(l, comment_prefix))
        .collect();
    let mut out = Vec::new();
    for (i, p) in parsed.iter().enumerate() {
        let Some((expect, ids)) = p else { continue };
        // The next line that is code: not blank, not an annotation, not another comment.
        let target = (i + 1..lines.len())
            .find(|&j| {
                let t = lines[j].trim();
                parsed[j].is_none() && !t.is_empty() && !t.starts_with(comment_prefix)
            })
            .map(|j| j + 1);
        let Some(target) = target else { continue };
        for (id, severity) in ids {
            out.push(Annotation {
                line: target,
                comment_line: i + 1,
                check: id.clone(),
                expect: *expect,
                severity: *severity,
            });
        }
    }
    out
}

type Ids = Vec<(String, Option<Severity>)>;

fn annotation_of(line: &str, prefix: &str) -> Option<(Expect, Ids)> {
    let t = line.trim_start().strip_prefix(prefix)?.trim_start();
    let (expect, rest) = if let Some(r) = t.strip_prefix("ppa-todo:") {
        (Expect::Todo, r)
    } else if let Some(r) = t.strip_prefix("ppa-ok:") {
        (Expect::Ok, r)
    } else if let Some(r) = t.strip_prefix("ppa:") {
        if r.trim_start().starts_with("ignore[") {
            return None; // a suppression, not an annotation
        }
        (Expect::Finding, r)
    } else {
        return None;
    };
    // Comma-separated parts, each an id (it has a `.`), optionally a severity, then free
    // explanation. The first part that does not start with an id ends the list, so commas in
    // the explanation are harmless.
    let mut ids: Ids = Vec::new();
    for part in rest.split(',') {
        let mut words = part.split_whitespace();
        let Some(id) = words.next().filter(|w| w.contains('.')) else {
            break;
        };
        let severity = words.next().and_then(Severity::parse);
        ids.push((id.to_string(), severity));
    }
    (!ids.is_empty()).then_some((expect, ids))
}

/// An expectation about the execution context of the function on a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextAnnotation {
    /// The 1-based line the annotation is about.
    pub line: usize,
    /// The 1-based line of the comment itself.
    pub comment_line: usize,
    pub class: ExecClass,
    /// `key=value` expectations: `hot`, `background`, `admin`, `streaming`, `websocket`
    /// (`true`/`false`), `route`, `method`, `framework`.
    pub props: Vec<(String, String)>,
    /// `ppa-context-todo:`: a known gap.
    pub todo: bool,
}

/// Keys a context annotation may test.
pub const CONTEXT_KEYS: &[&str] = &[
    "hot",
    "background",
    "admin",
    "streaming",
    "websocket",
    "route",
    "method",
    "framework",
];

/// Reads the `ppa-context:` annotations of a fixture. Malformed ones are returned as errors
/// (comment line, message).
pub fn parse_context_annotations(
    source: &str,
    comment_prefix: &str,
) -> (Vec<ContextAnnotation>, Vec<(usize, String)>) {
    let lines: Vec<&str> = source.lines().collect();
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let Some(t) = l.trim_start().strip_prefix(comment_prefix) else {
            continue;
        };
        let t = t.trim_start();
        let (todo, rest) = if let Some(r) = t.strip_prefix("ppa-context-todo:") {
            (true, r)
        } else if let Some(r) = t.strip_prefix("ppa-context:") {
            (false, r)
        } else {
            continue;
        };
        let mut words = rest.split_whitespace();
        let Some(class) = words.next().and_then(ExecClass::parse) else {
            errors.push((
                i + 1,
                "`ppa-context:` needs an execution class: test, streaming, http_handler, background, init, cli or library".to_string(),
            ));
            continue;
        };
        let mut props = Vec::new();
        for w in words {
            // `key=value` pairs; the first other word starts the explanation.
            match w.split_once('=') {
                Some((k, v)) if CONTEXT_KEYS.contains(&k) => {
                    props.push((k.to_string(), v.to_string()))
                }
                Some((k, _)) if k.chars().all(|c| c.is_ascii_lowercase() || c == '_') => {
                    errors.push((
                        i + 1,
                        format!(
                            "`ppa-context:` has no key `{k}`; keys: {}",
                            CONTEXT_KEYS.join(", ")
                        ),
                    ));
                }
                _ => break,
            }
        }
        let target = (i + 1..lines.len())
            .find(|&j| {
                let t = lines[j].trim();
                !t.is_empty() && !t.starts_with(comment_prefix)
            })
            .map(|j| j + 1);
        if let Some(line) = target {
            out.push(ContextAnnotation {
                line,
                comment_line: i + 1,
                class,
                props,
                todo,
            });
        }
    }
    (out, errors)
}

/// Compares a function's context with an annotation; `None` when it holds, else what was found.
fn context_mismatch(cx: Option<&ExecContext>, path: &str, a: &ContextAnnotation) -> Option<String> {
    let Some(cx) = cx else {
        return Some(
            "no execution contexts: the pack has no `entrypoints` extractor and no `severity_by_context`".into(),
        );
    };
    let Some(f) = cx.at_line(path, a.line) else {
        return Some("no function on this line".into());
    };
    let mut wrong = Vec::new();
    if f.class != a.class {
        wrong.push(format!("class {}", f.class));
    }
    for (k, v) in &a.props {
        let got = match k.as_str() {
            "hot" => f.hot.to_string(),
            "background" => f.background.to_string(),
            "admin" => f.admin.to_string(),
            "streaming" => f.streaming.to_string(),
            "websocket" => f.websocket.to_string(),
            "route" => f.route.clone().unwrap_or_else(|| "-".into()),
            "method" => f.method.clone().unwrap_or_else(|| "-".into()),
            _ => f.framework.clone().unwrap_or_else(|| "-".into()),
        };
        if &got != v {
            wrong.push(format!("{k}={got}"));
        }
    }
    (!wrong.is_empty()).then(|| format!("`{}`: {}", f.qname, wrong.join(", ")))
}

/// The outcome of one fixture.
#[derive(Debug, Clone, Default)]
pub struct FixtureOutcome {
    pub path: String,
    /// Annotated `ppa:` lines with no finding: (line, check).
    pub missing: Vec<(usize, String)>,
    /// Findings on lines that did not expect them (including `ppa-ok:` lines).
    pub unexpected: Vec<Finding>,
    /// `ppa-todo:` lines still not found: (line, check).
    pub todo: Vec<(usize, String)>,
    /// `ppa-todo:` lines that are now found: promote them to `ppa:`.
    pub todo_fixed: Vec<(usize, String)>,
    /// Findings on a `ppa:` line with another severity than annotated: (finding, expected).
    pub wrong_severity: Vec<(Finding, Severity)>,
    /// Findings that matched a `ppa:` annotation.
    pub matched: Vec<Finding>,
    /// Number of `ppa-ok:` annotations that held.
    pub ok_held: usize,
    /// Annotations naming unknown checks, predicate errors and other problems.
    pub errors: Vec<Diagnostic>,
    /// `ppa-context:` lines whose function has another context: (line, expected, got).
    pub context_mismatch: Vec<(usize, String, String)>,
    /// `ppa-context:` annotations that held.
    pub context_held: usize,
    /// `ppa-context-todo:` lines still not as annotated: (line, expected).
    pub context_todo: Vec<(usize, String)>,
    /// `ppa-context-todo:` lines that now hold: (line, expected).
    pub context_todo_fixed: Vec<(usize, String)>,
    /// Fact records the pack's extractors emitted from this file.
    pub records: Vec<crate::project::FactRecord>,
}

impl FixtureOutcome {
    pub fn passed(&self) -> bool {
        self.missing.is_empty()
            && self.unexpected.is_empty()
            && self.wrong_severity.is_empty()
            && self.errors.is_empty()
            && self.context_mismatch.is_empty()
    }
}

/// Runs the engine on one fixture (scan scope does not apply) and compares with its annotations.
/// The fixture is its own project: execution contexts come from its own entry points.
/// Project-level detectors do not run; see [`run_fixtures`].
pub fn run_fixture(engine: &Engine, path: &str, source: &str) -> FixtureOutcome {
    let Some(lang) = Language::from_path(path) else {
        return FixtureOutcome {
            path: path.to_string(),
            ..Default::default()
        };
    };
    let mut report = engine.check_source_as(path, lang, source);
    let facts = crate::project::Facts::from_records(std::mem::take(&mut report.records));
    let cx = report
        .graph
        .take()
        .map(|g| ExecContext::build(&[g], &facts, &crate::exec_context::Options::default()));
    if let Some(cx) = &cx {
        for f in &mut report.findings {
            cx.settle(f);
        }
    }
    let mut outcome = compare(
        engine,
        path,
        source,
        report.findings,
        report.diagnostics,
        cx.as_ref(),
    );
    outcome.records = facts_records(&facts);
    outcome
}

/// The records of every fact, for a single-fixture outcome.
fn facts_records(facts: &crate::project::Facts) -> Vec<crate::project::FactRecord> {
    let mut out = Vec::new();
    for name in facts.names() {
        for v in facts.get(name) {
            let Some(m) = v.as_object() else {
                continue;
            };
            let text = |k: &str| m.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
            let num = |k: &str| m.get(k).and_then(serde_json::Value::as_u64).unwrap_or(0) as usize;
            out.push(crate::project::FactRecord {
                fact: name.to_string(),
                file: text("file"),
                line: num("line"),
                column: num("column"),
                pack: text("pack"),
                extractor: text("extractor"),
                data: m.clone(),
            });
        }
    }
    out
}

/// Runs the engine on a set of fixtures that form one project: every file is checked, the facts
/// of all of them (and of the `.sql` fixtures, read as migrations) are merged, the
/// project-level detectors run, and each file's findings, its own and the project ones located
/// in it, are compared with its annotations (`--` comments in SQL fixtures). Files are
/// (path label, text); outcomes come back in the same order. The project knows nothing beyond
/// its files; see [`run_project`] for fixture projects with a deployment and stub facts.
pub fn run_fixtures(engine: &Engine, files: &[(String, String)]) -> Vec<FixtureOutcome> {
    run_with(engine, files, &ProjectInfo::default(), Vec::new())
}

/// The name of the file of stub facts in a fixture project.
pub const STUB_FACTS_FILE: &str = "ppa-facts.toml";

/// One fixture project (see the module documentation).
#[derive(Debug, Clone, Default)]
pub struct FixtureProject {
    /// `""` for the files directly in `tests/`, else the sub-directory's name.
    pub name: String,
    /// Source and SQL fixtures: (path label, text), sorted.
    pub fixtures: Vec<(String, String)>,
    /// What discovery says about the project's files: database kinds, F9 deployment.
    pub info: ProjectInfo,
    /// Records of `ppa-facts.toml`: (fact, record).
    pub stub_facts: Vec<(String, serde_json::Value)>,
    /// Problems reading the project (an invalid `ppa-facts.toml`, an unreadable file).
    pub errors: Vec<Diagnostic>,
}

/// Reads the fixture projects of a pack's `tests/` directory. Labels are `label_root` followed
/// by the path below `tests_dir` (`tests/x.py` for `ppa test`). The stack dictionary gives the
/// meaning of the projects' manifests and deployment files.
pub fn read_fixture_projects(
    tests_dir: &std::path::Path,
    label_root: &str,
    stacks: &crate::discover::Stacks,
) -> Vec<FixtureProject> {
    let mut projects = vec![read_project(tests_dir, "", label_root, stacks, false)];
    let mut subdirs: Vec<std::path::PathBuf> = std::fs::read_dir(tests_dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    subdirs.sort();
    for dir in subdirs {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let root = format!("{label_root}/{name}");
        projects.push(read_project(&dir, &name, &root, stacks, true));
    }
    projects.retain(|p| !p.fixtures.is_empty() || !p.errors.is_empty());
    projects
}

fn read_project(
    dir: &std::path::Path,
    name: &str,
    label_root: &str,
    stacks: &crate::discover::Stacks,
    recursive: bool,
) -> FixtureProject {
    let mut project = FixtureProject {
        name: name.to_string(),
        ..Default::default()
    };
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                if recursive {
                    stack.push(p);
                }
            } else {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut discoverer = crate::discover::Discoverer::new(dir, stacks);
    for path in files {
        let rel = path
            .strip_prefix(dir)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        let label = format!("{label_root}/{rel}");
        let text = match std::fs::read(&path).map(String::from_utf8) {
            Ok(Ok(t)) => t,
            // Binary or non-UTF-8 files say nothing to discovery.
            Ok(Err(_)) => continue,
            Err(e) => {
                project.errors.push(Diagnostic::new(
                    Level::Error,
                    Some(&label),
                    None,
                    format!("cannot read: {e}"),
                ));
                continue;
            }
        };
        discoverer.add_path(&rel);
        discoverer.add_file(&rel, &text);
        if rel == STUB_FACTS_FILE {
            match stub_facts(&text, label_root) {
                Ok(records) => project.stub_facts = records,
                Err(e) => project
                    .errors
                    .push(Diagnostic::new(Level::Error, Some(&label), None, e)),
            }
        } else if Language::from_path(&rel).is_some() || rel.ends_with(".sql") {
            project.fixtures.push((label, text));
        }
    }
    project.info = ProjectInfo::from_discovery(&discoverer.finish(), Default::default());
    project
}

/// Parses `ppa-facts.toml`: each array of tables is a fact, each table one record. A record's
/// `file` is relative to the project directory and becomes a fixture label.
fn stub_facts(text: &str, label_root: &str) -> Result<Vec<(String, serde_json::Value)>, String> {
    let table: toml::Table =
        toml::from_str(text).map_err(|e| format!("{STUB_FACTS_FILE}: {}", e.message().trim()))?;
    let mut out = Vec::new();
    for (fact, value) in table {
        let toml::Value::Array(items) = value else {
            return Err(format!(
                "{STUB_FACTS_FILE}: `{fact}` must be an array of tables (`[[{fact}]]`)"
            ));
        };
        for item in items {
            let mut record = serde_json::to_value(&item).map_err(|e| e.to_string())?;
            let Some(map) = record.as_object_mut() else {
                return Err(format!(
                    "{STUB_FACTS_FILE}: each `{fact}` record must be a table"
                ));
            };
            if let Some(f) = map.get("file").and_then(|f| f.as_str()) {
                let label = format!("{label_root}/{f}");
                // In a Python file, `function` names a definition of that file (`list_users`,
                // `Repo.load`): the module part depends on where the fixtures are run from
                // (`ppa test DIR`, the pack harness), so the harness adds it.
                let python = f.ends_with(".py") || f.ends_with(".pyi");
                if python {
                    let module = crate::script::module_name(&label);
                    if let Some(func) = map.get("function").and_then(|f| f.as_str()) {
                        let qualified = format!("{module}.{func}");
                        map.insert("function".into(), qualified.into());
                    }
                    // Other qualified names (an F6 factory's `ref`) spell the module as
                    // `{module}`, for the same reason.
                    for v in map.values_mut() {
                        replace_module(v, &module);
                    }
                }
                map.insert("file".into(), label.into());
            }
            map.entry("line").or_insert(1.into());
            map.entry("column").or_insert(1.into());
            map.insert("pack".into(), "fixture".into());
            map.insert("extractor".into(), STUB_FACTS_FILE.into());
            out.push((fact.clone(), record));
        }
    }
    Ok(out)
}

/// Replaces `{module}` in every string of a stub record's value with the record file's module.
fn replace_module(v: &mut serde_json::Value, module: &str) {
    match v {
        serde_json::Value::String(s) if s.contains("{module}") => {
            *s = s.replace("{module}", module);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|i| replace_module(i, module)),
        serde_json::Value::Object(map) => map.values_mut().for_each(|i| replace_module(i, module)),
        _ => {}
    }
}

/// Runs one fixture project: [`run_fixtures`] with the project's deployment, database kinds
/// and stub facts. Reading errors of the project are reported on its first fixture.
pub fn run_project(engine: &Engine, project: &FixtureProject) -> Vec<FixtureOutcome> {
    let mut out = run_with(
        engine,
        &project.fixtures,
        &project.info,
        project.stub_facts.clone(),
    );
    match out.first_mut() {
        Some(first) => first.errors.extend(project.errors.iter().cloned()),
        None if !project.errors.is_empty() => out.push(FixtureOutcome {
            path: project.name.clone(),
            errors: project.errors.clone(),
            ..Default::default()
        }),
        None => {}
    }
    out
}

fn run_with(
    engine: &Engine,
    files: &[(String, String)],
    info: &ProjectInfo,
    stub_facts: Vec<(String, serde_json::Value)>,
) -> Vec<FixtureOutcome> {
    let mut reports = Vec::new();
    let mut records = Vec::new();
    let mut sql_files = Vec::new();
    for (path, text) in files {
        if path.ends_with(".sql") {
            sql_files.push((path.clone(), text.clone()));
            reports.push(crate::FileReport::default());
            continue;
        }
        let r = match Language::from_path(path) {
            Some(lang) => engine.check_source_as(path, lang, text),
            None => crate::FileReport::default(),
        };
        records.extend(r.records.iter().cloned());
        reports.push(r);
    }
    let mut facts = crate::project::Facts::from_records(records);
    crate::project::add_sql_facts(&mut facts, &sql_files);
    for (fact, record) in stub_facts {
        facts.insert(&fact, [record]);
    }
    // Fixtures live under `tests/`: test files are not classified as such here.
    let graphs: Vec<crate::callgraph::FileGraph> =
        reports.iter_mut().filter_map(|r| r.graph.take()).collect();
    let cx = (!graphs.is_empty()).then(|| {
        std::sync::Arc::new(ExecContext::build(
            &graphs,
            &facts,
            &crate::exec_context::Options::default(),
        ))
    });
    if let Some(cx) = &cx {
        for r in &mut reports {
            for f in &mut r.findings {
                cx.settle(f);
            }
        }
    }
    let info = ProjectInfo {
        exec: cx.clone(),
        ..info.clone()
    };
    let project = engine.check_project(&facts, &info);
    let mut project_findings = project.findings;
    let mut project_errors = project.diagnostics;
    let mut outcomes = Vec::new();
    for ((path, text), mut report) in files.iter().zip(reports) {
        let (mine, rest): (Vec<_>, Vec<_>) =
            project_findings.into_iter().partition(|f| f.file == *path);
        project_findings = rest;
        report.findings.extend(mine);
        if outcomes.is_empty() {
            report.diagnostics.append(&mut project_errors);
        }
        let mut outcome = compare(
            engine,
            path,
            text,
            report.findings,
            report.diagnostics,
            cx.as_deref(),
        );
        outcome.records = report.records;
        outcomes.push(outcome);
    }
    // Project findings in files that are not fixtures are unexpected somewhere: keep them.
    if let Some(first) = outcomes.first_mut() {
        first.unexpected.extend(project_findings);
    }
    outcomes
}

fn compare(
    engine: &Engine,
    path: &str,
    source: &str,
    findings: Vec<Finding>,
    diagnostics: Vec<Diagnostic>,
    cx: Option<&ExecContext>,
) -> FixtureOutcome {
    let mut out = FixtureOutcome {
        path: path.to_string(),
        ..Default::default()
    };
    let prefix = match Language::from_path(path) {
        Some(lang) => lang.comment_prefix(),
        None if path.ends_with(".sql") => "--",
        None => return out,
    };
    let annotations = parse_annotations(source, prefix);
    for a in &annotations {
        if !engine.catalog().contains(&a.check) {
            out.errors.push(Diagnostic::new(
                Level::Error,
                Some(path),
                Some(a.comment_line),
                format!("annotation names unknown check `{}`", a.check),
            ));
        }
    }
    for d in diagnostics {
        if d.level == Level::Error {
            out.errors.push(d);
        }
    }
    let expects = |line: usize, check: &str, e: Expect| {
        annotations
            .iter()
            .any(|a| a.line == line && a.check == check && a.expect == e)
    };
    for f in findings {
        if expects(f.line, &f.check, Expect::Finding) {
            // Several `ppa:` lines with severities may stack above one line that gets several
            // findings (one per gap): each finding must have one of them.
            let wanted: Vec<Severity> = annotations
                .iter()
                .filter(|a| a.line == f.line && a.check == f.check && a.expect == Expect::Finding)
                .filter_map(|a| a.severity)
                .collect();
            if !wanted.is_empty() && !wanted.contains(&f.severity) {
                out.wrong_severity.push((f.clone(), wanted[0]));
            }
            out.matched.push(f);
        } else if expects(f.line, &f.check, Expect::Todo) {
            // A `ppa-todo:` with a severity records a known wrong severity: found at another
            // one, the gap is still open.
            let wanted: Vec<Severity> = annotations
                .iter()
                .filter(|a| a.line == f.line && a.check == f.check && a.expect == Expect::Todo)
                .filter_map(|a| a.severity)
                .collect();
            if wanted.is_empty() || wanted.contains(&f.severity) {
                out.todo_fixed.push((f.line, f.check.clone()));
            }
        } else {
            out.unexpected.push(f);
        }
    }
    for a in &annotations {
        let found = |list: &[Finding]| list.iter().any(|f| f.line == a.line && f.check == a.check);
        match a.expect {
            Expect::Finding if !found(&out.matched) => out.missing.push((a.line, a.check.clone())),
            // Each annotated severity needs a finding of its own.
            Expect::Finding
                if a.severity.is_some_and(|s| {
                    !out.matched
                        .iter()
                        .any(|f| f.line == a.line && f.check == a.check && f.severity == s)
                        && !out
                            .wrong_severity
                            .iter()
                            .any(|(f, _)| f.line == a.line && f.check == a.check)
                }) =>
            {
                let s = a.severity.map(|s| s.to_string()).unwrap_or_default();
                out.missing.push((a.line, format!("{} {s}", a.check)));
            }
            Expect::Todo
                if !out
                    .todo_fixed
                    .iter()
                    .any(|(l, c)| *l == a.line && *c == a.check) =>
            {
                out.todo.push((a.line, a.check.clone()))
            }
            Expect::Ok if !found(&out.unexpected) => out.ok_held += 1,
            _ => {}
        }
    }
    out.todo_fixed.sort();
    out.todo_fixed.dedup();
    let (contexts, errors) = parse_context_annotations(source, prefix);
    for (line, message) in errors {
        out.errors.push(Diagnostic::new(
            Level::Error,
            Some(path),
            Some(line),
            message,
        ));
    }
    for a in &contexts {
        let mut expected = a.class.as_str().to_string();
        for (k, v) in &a.props {
            expected.push_str(&format!(" {k}={v}"));
        }
        match (context_mismatch(cx, path, a), a.todo) {
            (None, false) => out.context_held += 1,
            (None, true) => out.context_todo_fixed.push((a.line, expected)),
            (Some(got), false) => out.context_mismatch.push((a.line, expected, got)),
            (Some(_), true) => out.context_todo.push((a.line, expected)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_apply_to_the_next_code_line() {
        let src = "# ppa: runtime.a HIGH, runtime.b  explained here, and there\n# ppa-ok: runtime.c\n# an ordinary comment\n\nx()\n# ppa: ignore[runtime.a] not an annotation\ny()\n# ppa-todo: runtime.d\nz()\n";
        let a = parse_annotations(src, "#");
        let got: Vec<(usize, &str, Expect)> = a
            .iter()
            .map(|a| (a.line, a.check.as_str(), a.expect))
            .collect();
        assert_eq!(a[0].severity, Some(Severity::High));
        assert_eq!(a[1].severity, None);
        assert_eq!(
            got,
            vec![
                (5, "runtime.a", Expect::Finding),
                (5, "runtime.b", Expect::Finding),
                (5, "runtime.c", Expect::Ok),
                (9, "runtime.d", Expect::Todo),
            ]
        );
    }

    #[test]
    fn stub_entry_points_name_functions_of_their_file() {
        let text = "[[entrypoints]]\nfile = \"api/views.py\"\nfunction = \"Jobs.list\"\nclass = \"http_handler\"\n\n[[entrypoints]]\nfile = \"cmd/main.go\"\nfunction = \"main.run\"\n";
        let got = stub_facts(text, "pack/tests/web").unwrap();
        assert_eq!(got[0].1["file"], "pack/tests/web/api/views.py");
        assert_eq!(got[0].1["function"], "pack.tests.web.api.views.Jobs.list");
        // Other languages keep the name as written.
        assert_eq!(got[1].1["function"], "main.run");
    }

    #[test]
    fn stub_strings_spell_their_files_module_as_a_placeholder() {
        let text = r#"
[[session_factories]]
file = "db.py"
ref = "{module}.SessionLocal"
names = ["{module}.a", "b"]

[[pools]]
file = "main.go"
ref = "{module}.pool"
"#;
        let got = stub_facts(text, "pack/tests/resources").unwrap();
        let of = |fact: &str| &got.iter().find(|(f, _)| f == fact).unwrap().1;
        let factory = of("session_factories");
        assert_eq!(factory["ref"], "pack.tests.resources.db.SessionLocal");
        assert_eq!(factory["names"][0], "pack.tests.resources.db.a");
        assert_eq!(factory["names"][1], "b");
        // Python module names only: elsewhere the text stays as written.
        assert_eq!(of("pools")["ref"], "{module}.pool");
    }
}
