//! Project discovery (CHECKS.md §1): what a repository is built with, and which packs apply.
//!
//! Sources, read in the order of §1.1 wherever they occur under the root outside test and
//! vendored paths: Python manifests ([`python`]), `package.json` ([`node`]), `go.mod` ([`go`]),
//! compose files ([`compose`]), `docs/project/tech_stack.md` and literal DSNs ([`docs`]) and
//! source imports ([`imports`]). What a dependency *means* (a PostgreSQL driver, an ORM, a web
//! framework) is data: the [`Stacks`] dictionary, built in from `rules/discovery/stacks.toml`.
//! Which packs a project enables is data too: each pack's `[pack] enabled_by` ([`select`]).
//!
//! A manifest that cannot be parsed is reported as a diagnostic and skipped; discovery never
//! fails. Nothing is executed (`setup.py` is parsed, not run).
//!
//! ```no_run
//! use ppa_engine::discover::{Discoverer, Stacks};
//! let stacks = Stacks::from_toml("stacks.toml", &std::fs::read_to_string("stacks.toml")?)?;
//! let mut d = Discoverer::new(std::path::Path::new("."), &stacks);
//! d.walk(std::path::Path::new("."));
//! let mut discovery = d.finish();
//! discovery.select_packs(&[], &[], &[]);
//! println!("{}", serde_json::to_string(&discovery.tech_stack())?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod compose;
pub mod deployment;
pub mod docs;
pub mod go;
pub mod imports;
pub mod node;
pub mod python;
pub mod select;
pub mod stacks;

pub use compose::ComposeService;
pub use deployment::Deployment;
pub use go::GoModule;
pub use select::{PackTriggers, Selection};
pub use stacks::{Role, Stack, Stacks};

use crate::finding::{Diagnostic, Level};
use crate::scope::{self, Excluded, Scope};
use crate::Language;
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The package ecosystem of a dependency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Ecosystem {
    /// Python (PyPI): names are PEP 503 normalized.
    Pypi,
    /// JavaScript/TypeScript (npm).
    Npm,
    /// Go modules.
    Go,
}

/// One dependency as one manifest line declares it (before merging).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Dep {
    pub name: String,
    pub extras: Vec<String>,
    pub version: Option<String>,
    pub dev: bool,
    pub indirect: bool,
}

/// A dependency of the project, merged over every manifest that names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dependency {
    pub ecosystem: Ecosystem,
    /// PEP 503 normalized for PyPI; as written for npm and Go.
    pub name: String,
    /// Extras (`sqlalchemy[asyncio]`), union over manifests.
    pub extras: Vec<String>,
    /// Lower bound of the constraint (`>=2.0.25` → `2.0.25`), if any manifest gives one.
    pub version: Option<String>,
    /// Only ever declared as a development dependency (never enables packs).
    pub dev: bool,
    /// Only ever declared `// indirect` in go.mod (never enables packs).
    pub indirect: bool,
    /// The manifests that declare it.
    pub files: Vec<String>,
}

impl Dependency {
    /// Whether it may enable packs and count as part of the stack.
    pub fn is_runtime(&self) -> bool {
        !self.dev && !self.indirect
    }

    /// Whether a trigger names this dependency: `sqlalchemy` (PyPI names compared normalized),
    /// `sqlalchemy[asyncio]` (also needs the extra), `github.com/jackc/pgx` (a Go module path
    /// also matches its sub-paths, such as major-version suffixes).
    pub fn matches(&self, trigger: &str) -> bool {
        let (name, extra) = match trigger.split_once('[') {
            Some((n, e)) => (n, Some(e.trim_end_matches(']'))),
            None => (trigger, None),
        };
        let name_ok = match self.ecosystem {
            Ecosystem::Pypi => python::normalize(name) == self.name,
            Ecosystem::Npm => self.name == name,
            Ecosystem::Go => imports::module_matches(&self.name, name),
        };
        name_ok
            && extra.is_none_or(|e| {
                let e = python::normalize(e);
                self.extras.contains(&e)
            })
    }
}

/// Collects what the per-source parsers find.
#[derive(Debug, Default)]
pub(crate) struct Acc {
    /// (ecosystem, file, dependency) in reading order.
    pub deps: Vec<(Ecosystem, String, Dep)>,
    /// Versions from `-c` constraint files, by normalized name.
    pub constraints: BTreeMap<String, String>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Acc {
    pub fn dep(&mut self, eco: Ecosystem, file: &str, dep: Dep) {
        self.deps.push((eco, file.to_string(), dep));
    }

    pub fn warn(&mut self, file: &str, line: Option<usize>, message: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::new(Level::Warning, Some(file), line, message));
    }

    pub fn note(&mut self, file: &str, line: Option<usize>, message: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::new(Level::Note, Some(file), line, message));
    }
}

/// A technology of the dictionary that the project uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DetectedStack {
    pub name: String,
    pub roles: Vec<Role>,
    /// Lower bound from the manifest, else the version in tech_stack.md.
    pub version: Option<String>,
    /// What showed it: `dependency <name> (<file>)`, `import <module>`, `docs`.
    pub evidence: Vec<String>,
}

/// Everything discovery learned about a project.
#[derive(Debug, Clone, Default)]
pub struct Discovery {
    /// Every dependency, sorted by (ecosystem, name).
    pub dependencies: Vec<Dependency>,
    /// Languages of the non-test source files.
    pub languages: BTreeSet<Language>,
    /// Modules imported by non-test source files (`sqlalchemy.orm`, `github.com/lib/pq`).
    pub imports: BTreeSet<String>,
    pub go_modules: Vec<GoModule>,
    /// Compose services that are databases or poolers, or set `max_connections`.
    pub services: Vec<ComposeService>,
    /// Database kinds of literal DSNs in code and configuration.
    pub dsn_kinds: BTreeSet<String>,
    /// Technologies of the dictionary found in the project, by name.
    pub stacks: Vec<DetectedStack>,
    /// Database kinds and their versions (major, from compose or tech_stack.md).
    pub db: BTreeMap<String, Option<String>>,
    /// Platform flags of the dictionary's `[[flag]]` entries that hold (`supabase`).
    pub flags: BTreeSet<String>,
    /// F9: serverless, an external connection pooler, web worker processes.
    pub deployment: Deployment,
    /// Watched file globs (pack `files` triggers) that some file matches, with the first match.
    pub matched_globs: BTreeMap<String, String>,
    /// The manifests read, in path order.
    pub manifests: Vec<String>,
    /// Manifests that could not be read or parsed, include cycles …
    pub diagnostics: Vec<Diagnostic>,
    /// The packs to run, in order (after [`Discovery::select_packs`]).
    pub packs: Vec<String>,
    /// Detected technologies that no selected pack covers.
    pub unpacked: Vec<String>,
    /// Why each selected pack is enabled.
    pub reasons: BTreeMap<String, String>,
    /// The dictionary entries of the detected stacks (for selection).
    pub(crate) stack_entries: Vec<stacks::Stack>,
}

/// The `tech_stack` object of `ppa discover --format json` and of the run document
/// (CHECKS.md §1.3). Field names and order are a contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TechStack {
    pub db: Vec<String>,
    pub db_versions: BTreeMap<String, String>,
    pub orm: Vec<String>,
    pub web: Vec<String>,
    #[serde(rename = "async")]
    pub async_: Vec<String>,
    pub tasks: Vec<String>,
    pub packs: Vec<String>,
    pub unpacked: Vec<String>,
}

/// `2.0.25` → `2.0`; `16` stays `16`: versions are shown as major.minor.
pub fn short_version(v: &str) -> String {
    v.split('.').take(2).collect::<Vec<_>>().join(".")
}

impl Discovery {
    /// Chooses the packs (see [`select::select`]) and fills `packs`, `unpacked` and `reasons`;
    /// problems (an unknown pack in `enable`, a missing required pack) become diagnostics.
    pub fn select_packs(&mut self, packs: &[PackTriggers], enable: &[String], disable: &[String]) {
        let s = select::select(self, packs, enable, disable);
        self.packs = s.packs;
        self.unpacked = s.unpacked;
        self.reasons = s.reasons;
        self.diagnostics.extend(s.diagnostics);
    }

    /// The dictionary entry of a detected technology.
    pub(crate) fn stack_entry(&self, name: &str) -> Option<&stacks::Stack> {
        self.stack_entries.iter().find(|s| s.name == name)
    }

    /// The runtime dependencies.
    pub fn runtime(&self) -> impl Iterator<Item = &Dependency> {
        self.dependencies.iter().filter(|d| d.is_runtime())
    }

    /// The `tech_stack` object.
    pub fn tech_stack(&self) -> TechStack {
        let list = |role: Role| -> Vec<String> {
            self.stacks
                .iter()
                .filter(|s| s.roles.contains(&role))
                .map(|s| match &s.version {
                    Some(v) => format!("{}@{}", s.name, short_version(v)),
                    None => s.name.clone(),
                })
                .collect()
        };
        TechStack {
            db: self.db.keys().cloned().collect(),
            db_versions: self
                .db
                .iter()
                .filter_map(|(k, v)| v.clone().map(|v| (k.clone(), v)))
                .collect(),
            orm: list(Role::Orm),
            web: list(Role::Web),
            async_: list(Role::Async),
            tasks: list(Role::Tasks),
            packs: self.packs.clone(),
            unpacked: self.unpacked.clone(),
        }
    }
}

/// What kind of manifest a file is, by its repo-relative path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Manifest {
    Requirements,
    Pyproject,
    Pipfile,
    SetupCfg,
    SetupPy,
    PackageJson,
    GoMod,
    Compose,
    TechStackDoc,
}

fn manifest_kind(label: &str) -> Option<Manifest> {
    if label == docs::TECH_STACK_DOC {
        return Some(Manifest::TechStackDoc);
    }
    let (dir, name) = label.rsplit_once('/').unwrap_or(("", label));
    let parent = dir.rsplit('/').next().unwrap_or("");
    Some(match name {
        "pyproject.toml" => Manifest::Pyproject,
        "Pipfile" => Manifest::Pipfile,
        "setup.cfg" => Manifest::SetupCfg,
        "setup.py" => Manifest::SetupPy,
        "package.json" => Manifest::PackageJson,
        "go.mod" => Manifest::GoMod,
        n if n.ends_with(".txt") && (n.starts_with("requirements") || parent == "requirements") => {
            Manifest::Requirements
        }
        n if compose::is_compose_file(n) => Manifest::Compose,
        _ => return None,
    })
}

/// Files whose text is searched for literal DSNs besides source files.
const CONFIG_EXTENSIONS: &[&str] = &[
    "ini",
    "cfg",
    "toml",
    "yaml",
    "yml",
    "json",
    "conf",
    "env",
    "properties",
];

/// Reads a text file for discovery: at most `max` bytes, UTF-8 (a BOM dropped).
fn read_text(path: &Path, max: u64) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if meta.len() > max {
        return Err(format!("{} bytes is over the {max} byte limit", meta.len()));
    }
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    String::from_utf8(bytes.to_vec()).map_err(|_| "not valid UTF-8".to_string())
}

/// Discovery over one project root: feed it files (by walking, or as text), then
/// [`finish`](Discoverer::finish).
#[derive(Debug)]
pub struct Discoverer<'a> {
    stacks: &'a Stacks,
    root: PathBuf,
    scope: Scope,
    max_file_size: u64,
    watch: Option<(GlobSet, Vec<String>)>,
    /// Each flag's file globs.
    flag_files: Vec<(String, GlobSet)>,
    acc: Acc,
    languages: BTreeSet<Language>,
    imports: BTreeSet<String>,
    go_modules: Vec<GoModule>,
    services: Vec<ComposeService>,
    dsn_kinds: BTreeSet<String>,
    tech_doc: Option<String>,
    matched_globs: BTreeMap<String, String>,
    manifests: BTreeSet<String>,
    /// Flags set by a file.
    file_flags: BTreeSet<String>,
    /// Import triggers not yet seen, when only those matter (see `only_imports_of`).
    interest: Option<imports::Wanted>,
    /// F9 markers and what they found.
    deploy: deployment::Scan,
}

fn glob_set(globs: &[String], diagnostics: &mut Vec<Diagnostic>) -> Option<GlobSet> {
    let mut b = GlobSetBuilder::new();
    for g in globs {
        match Glob::new(g) {
            Ok(g) => {
                b.add(g);
            }
            Err(e) => diagnostics.push(Diagnostic::new(
                Level::Warning,
                None,
                None,
                format!("discovery: invalid file glob `{g}`: {e}"),
            )),
        }
    }
    b.build().ok()
}

impl<'a> Discoverer<'a> {
    /// Discovery for the project at `root` (labels are relative to it) with a dictionary.
    pub fn new(root: &Path, stacks: &'a Stacks) -> Discoverer<'a> {
        let mut acc = Acc::default();
        let flag_files = stacks
            .flag
            .iter()
            .filter_map(|f| Some((f.name.clone(), glob_set(&f.files, &mut acc.diagnostics)?)))
            .collect();
        let deploy = deployment::Scan::new(&stacks.deployment, &mut acc.diagnostics);
        Discoverer {
            stacks,
            root: root.to_path_buf(),
            // The default scope cannot fail to compile: its globs are constants.
            scope: Scope::new(&[], &[]).unwrap_or_else(|_| unreachable!()),
            max_file_size: scope::MAX_FILE_SIZE,
            watch: None,
            flag_files,
            acc,
            languages: BTreeSet::new(),
            imports: BTreeSet::new(),
            go_modules: Vec::new(),
            services: Vec::new(),
            dsn_kinds: BTreeSet::new(),
            tech_doc: None,
            matched_globs: BTreeMap::new(),
            manifests: BTreeSet::new(),
            file_flags: BTreeSet::new(),
            interest: None,
            deploy,
        }
    }

    /// Applies user include/exclude globs (`ppa.toml [scan]`) to source files. Manifests are
    /// read whatever they say: they describe the project, not the code to check.
    pub fn scope(mut self, scope: Scope) -> Self {
        self.scope = scope;
        self
    }

    /// Files larger than this are not read (default [`scope::MAX_FILE_SIZE`]).
    pub fn max_file_size(mut self, max: u64) -> Self {
        self.max_file_size = max;
        self
    }

    /// Records only the imports that match one of these triggers, and stops parsing source
    /// files for imports once each has been seen (a file is parsed only when its text contains
    /// a trigger not seen yet). `ppa check` uses it with the pack and dictionary triggers, so
    /// discovery costs little more than reading the files; `ppa discover` records every import.
    pub fn only_imports_of(&mut self, triggers: impl IntoIterator<Item = String>) {
        let mut t: Vec<String> = triggers.into_iter().collect();
        t.sort();
        t.dedup();
        self.interest = Some(imports::Wanted::new(t));
    }

    /// Records which of these globs (pack `files` triggers) any file of the project matches.
    pub fn watch_files(&mut self, globs: &[String]) {
        let mut globs = globs.to_vec();
        globs.sort();
        globs.dedup();
        if let Some(set) = glob_set(&globs, &mut self.acc.diagnostics) {
            self.watch = Some((set, globs));
        }
    }

    fn label(&self, path: &Path) -> String {
        let rel = path.strip_prefix(&self.root).unwrap_or(path);
        rel.to_string_lossy().replace('\\', "/")
    }

    /// Walks a directory under the root: `.gitignore`/`.ignore` honoured, hidden entries and
    /// symlinks skipped, vendored directories pruned, in path order.
    pub fn walk(&mut self, dir: &Path) {
        let root = self.root.clone();
        let scope = self.scope.clone();
        let walk = crate::scope::walk_builder(dir)
            .filter_entry(move |e| {
                if !e.file_type().is_some_and(|t| t.is_dir()) || e.depth() == 0 {
                    return true;
                }
                let rel = e.path().strip_prefix(&root).unwrap_or(e.path());
                let label = format!("{}/_", rel.to_string_lossy().replace('\\', "/"));
                scope.excluded(&label) != Some(Excluded::Vendored)
            })
            .build();
        for entry in walk {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    self.acc.diagnostics.push(Diagnostic::new(
                        Level::Warning,
                        None,
                        None,
                        format!("discovery: {e}"),
                    ));
                    continue;
                }
            };
            if entry.file_type().is_some_and(|t| t.is_file()) {
                let label = self.label(entry.path());
                self.visit(&label, entry.path());
            }
        }
    }

    /// Reads the manifests directly in `dir` (not below it): used for the ancestors of a checked
    /// directory, so `ppa check src/` still sees the root's `pyproject.toml`.
    pub fn read_manifests_in(&mut self, dir: &Path) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        let mut files: Vec<PathBuf> = rd
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        for p in files {
            let label = self.label(&p);
            if manifest_kind(&label).is_some() {
                self.visit(&label, &p);
            }
        }
        // docs/project/tech_stack.md belongs to the root.
        if dir == self.root {
            let doc = self.root.join(docs::TECH_STACK_DOC);
            if doc.is_file() {
                self.visit(docs::TECH_STACK_DOC, &doc);
            }
        }
    }

    /// One file found by a walk.
    fn visit(&mut self, label: &str, path: &Path) {
        let excluded = self.scope.excluded(label);
        if matches!(excluded, Some(Excluded::Vendored | Excluded::Test)) {
            return;
        }
        self.add_path(label);
        let manifest = manifest_kind(label).filter(|_| excluded.is_none());
        let lang = Language::from_path(label).filter(|_| self.scope.selected(label));
        let ext = label.rsplit_once('.').map_or("", |(_, e)| e);
        let config = CONFIG_EXTENSIONS.contains(&ext) && excluded.is_none();
        let deploy = excluded.is_none() && self.deploy.wants(label);
        if manifest.is_none() && lang.is_none() && !config && !deploy {
            return;
        }
        match read_text(path, self.max_file_size) {
            Ok(text) => self.add_file(label, &text),
            Err(e) if manifest.is_some() => {
                self.acc
                    .warn(label, None, format!("cannot read: {e}; skipped"))
            }
            Err(_) => {}
        }
    }

    /// A file's path, without its content: flag file layouts and watched globs.
    pub fn add_path(&mut self, label: &str) {
        if let Some((set, globs)) = &self.watch {
            for i in set.matches(label) {
                self.matched_globs
                    .entry(globs[i].clone())
                    .or_insert_with(|| label.to_string());
            }
        }
        for (name, set) in &self.flag_files {
            if set.is_match(label) {
                self.file_flags.insert(name.clone());
            }
        }
        self.deploy.add_path(label);
    }

    /// A file's text: manifests are parsed, source files give their language and imports, and
    /// source and configuration files are searched for DSNs. Tests and vendored code are the
    /// caller's to leave out ([`walk`](Discoverer::walk) does).
    pub fn add_file(&mut self, label: &str, text: &str) {
        if let Some(kind) = manifest_kind(label) {
            self.manifests.insert(label.to_string());
            let acc = &mut self.acc;
            match kind {
                Manifest::Requirements => {
                    let root = self.root.clone();
                    let max = self.max_file_size;
                    let read = move |l: &str| read_text(&root.join(l), max);
                    let name = label.rsplit('/').next().unwrap_or(label);
                    let dev = python::is_dev_name(name);
                    python::requirements(acc, label, text, dev, &read, &mut Vec::new(), false);
                }
                Manifest::Pyproject => python::pyproject(acc, label, text),
                Manifest::Pipfile => python::pipfile(acc, label, text),
                Manifest::SetupCfg => python::setup_cfg(acc, label, text),
                Manifest::SetupPy => python::setup_py(acc, label, text),
                Manifest::PackageJson => node::package_json(acc, label, text),
                Manifest::GoMod => {
                    let m = go::go_mod(acc, label, text);
                    self.go_modules.push(m);
                }
                Manifest::Compose => {
                    let s = compose::compose(acc, label, text, self.stacks);
                    self.services.extend(s);
                }
                Manifest::TechStackDoc => self.tech_doc = Some(text.to_string()),
            }
        }
        if let Some(lang) = Language::from_path(label) {
            self.languages.insert(lang);
            match &mut self.interest {
                None => self.imports.extend(imports::imports(lang, text)),
                // Parse only a file that could import a trigger not seen yet.
                Some(wanted) if wanted.may_import(lang, text) => {
                    let hits = wanted.take(imports::imports(lang, text));
                    self.imports.extend(hits);
                }
                Some(_) => {}
            }
        }
        if text.contains("://") {
            self.dsn_kinds.extend(docs::dsn_kinds(text, self.stacks));
        }
        self.deploy.add_file(label, text, self.stacks);
    }

    /// Merges what was found into a [`Discovery`] (packs not yet selected).
    pub fn finish(self) -> Discovery {
        let mut d = Discovery {
            dependencies: merge(self.acc.deps, &self.acc.constraints),
            languages: self.languages,
            imports: self.imports,
            go_modules: self.go_modules,
            services: self.services,
            dsn_kinds: self.dsn_kinds,
            matched_globs: self.matched_globs,
            manifests: self.manifests.into_iter().collect(),
            ..Discovery::default()
        };
        let doc = self.tech_doc.as_deref().unwrap_or("");
        let stacks = self.stacks;
        // Technologies.
        for s in &stacks.stack {
            let mut evidence = Vec::new();
            let mut version = None;
            for dep in d.runtime() {
                if s.dependencies.iter().any(|t| dep.matches(t)) {
                    evidence.push(format!(
                        "dependency {} ({})",
                        dep.name,
                        dep.files.first().map_or("", String::as_str)
                    ));
                    if version.is_none() {
                        version = dep.version.clone();
                    }
                }
            }
            if let Some(m) = d
                .imports
                .iter()
                .find(|m| s.imports.iter().any(|t| imports::module_matches(m, t)))
            {
                evidence.push(format!("import {m}"));
            }
            let (seen, doc_version) = docs::mentioned(doc, &s.docs);
            if seen {
                evidence.push(docs::TECH_STACK_DOC.to_string());
                version = version.or(doc_version);
            }
            if !evidence.is_empty() {
                d.stack_entries.push(s.clone());
                d.stacks.push(DetectedStack {
                    name: s.name.clone(),
                    roles: s.roles.clone(),
                    version,
                    evidence,
                });
            }
        }
        d.stacks.sort_by(|a, b| a.name.cmp(&b.name));
        // Platform flags and poolers.
        let flags: BTreeSet<String> = stacks
            .flag
            .iter()
            .filter(|f| {
                self.file_flags.contains(&f.name)
                    || d.runtime()
                        .any(|dep| f.dependencies.iter().any(|t| dep.matches(t)))
                    || docs::mentioned(doc, &f.docs).0
            })
            .map(|f| f.name.clone())
            .collect();
        d.flags = flags;
        // F9: what the files said, plus dependencies, compose services and the docs.
        let mut deployment = self.deploy.found;
        for dep in d.runtime() {
            let serverless = &stacks.deployment.serverless_dependencies;
            if serverless.iter().any(|t| dep.matches(t)) {
                let file = dep.files.first().map_or("", String::as_str);
                deployment.note("serverless", format!("dependency {} ({file})", dep.name));
            }
        }
        for s in &d.services {
            if s.pooler {
                deployment.note(
                    "external_pooler",
                    format!("{} service `{}`", s.file, s.service),
                );
            }
            if let Some(n) = s.workers {
                deployment.workers(n, format!("{} service `{}`", s.file, s.service));
            }
        }
        if docs::mentioned(doc, &stacks.pooler.docs).0 {
            deployment.note("external_pooler", docs::TECH_STACK_DOC);
        }
        d.deployment = deployment;
        // Database kinds; a version from compose first, then tech_stack.md.
        let mut db: BTreeMap<String, Option<String>> = BTreeMap::new();
        for s in &d.services {
            if let Some(kind) = &s.db {
                let v = db.entry(kind.clone()).or_default();
                if v.is_none() {
                    *v = s.version.clone();
                }
            }
        }
        for k in &d.dsn_kinds {
            db.entry(k.clone()).or_default();
        }
        for s in &d.stacks {
            let entry = stacks.stack.iter().find(|x| x.name == s.name);
            if let Some(kind) = entry.and_then(|e| e.db.clone()) {
                db.entry(kind).or_default();
            }
        }
        for f in stacks.flag.iter().filter(|f| d.flags.contains(&f.name)) {
            if let Some(kind) = &f.db {
                db.entry(kind.clone()).or_default();
            }
        }
        for kind in &stacks.db {
            let (seen, v) = docs::mentioned(doc, &kind.docs);
            if seen {
                let entry = db.entry(kind.kind.clone()).or_default();
                if entry.is_none() {
                    *entry = v.map(|v| v.split('.').next().unwrap_or("").to_string());
                }
            }
        }
        d.db = db;
        let mut diags = self.acc.diagnostics;
        diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        diags.dedup();
        d.diagnostics = diags;
        d
    }
}

/// Merges the declarations of each (ecosystem, name): runtime if any declaration is, the first
/// version given (runtime declarations first, then `-c` constraints), extras and files united.
fn merge(
    deps: Vec<(Ecosystem, String, Dep)>,
    constraints: &BTreeMap<String, String>,
) -> Vec<Dependency> {
    let mut out: BTreeMap<(Ecosystem, String), (Dependency, Option<String>)> = BTreeMap::new();
    for (eco, file, dep) in deps {
        let (m, dev_version) = out.entry((eco, dep.name.clone())).or_insert_with(|| {
            (
                Dependency {
                    ecosystem: eco,
                    name: dep.name.clone(),
                    extras: Vec::new(),
                    version: None,
                    dev: true,
                    indirect: true,
                    files: Vec::new(),
                },
                None,
            )
        });
        if dep.dev {
            if dev_version.is_none() {
                dev_version.clone_from(&dep.version);
            }
        } else if m.version.is_none() {
            m.version.clone_from(&dep.version);
        }
        m.dev &= dep.dev;
        m.indirect &= dep.indirect;
        m.extras.extend(dep.extras);
        m.files.push(file);
    }
    out.into_values()
        .map(|(mut m, dev_version)| {
            if m.version.is_none() && m.dev {
                m.version = dev_version;
            }
            if m.version.is_none() && m.ecosystem == Ecosystem::Pypi {
                m.version = constraints.get(&m.name).cloned();
            }
            m.extras.sort();
            m.extras.dedup();
            m.files.sort();
            m.files.dedup();
            m
        })
        .collect()
}

/// Options of [`discover`].
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    pub stacks: &'a Stacks,
    /// The packs that may be enabled (their triggers).
    pub packs: &'a [PackTriggers],
    /// `ppa.toml [packs] enable`.
    pub enable: &'a [String],
    /// `ppa.toml [packs] disable`.
    pub disable: &'a [String],
}

/// Discovers the project at `root` and selects its packs: walks the whole tree (outside tests
/// and vendored code), then [`Discovery::select_packs`].
pub fn discover(root: &Path, opts: &Options<'_>) -> Discovery {
    let mut d = Discoverer::new(root, opts.stacks);
    let globs: Vec<String> = opts
        .packs
        .iter()
        .flat_map(|p| p.enabled_by.files.iter().cloned())
        .collect();
    d.watch_files(&globs);
    d.walk(root);
    d.read_manifests_in(root);
    let mut discovery = d.finish();
    discovery.select_packs(opts.packs, opts.enable, opts.disable);
    discovery
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stacks() -> Stacks {
        Stacks::from_toml(
            "t",
            r#"
[[db]]
kind = "postgresql"
images = ["postgres"]
dsn = ["postgresql", "postgres"]
docs = ["PostgreSQL", "Supabase"]

[[db]]
kind = "redis"
images = ["redis"]
dsn = ["redis"]
docs = ["Redis"]

[[flag]]
name = "supabase"
db = "postgresql"
dependencies = ["supabase"]
files = ["**/supabase/config.toml"]
docs = ["Supabase"]

[[stack]]
name = "sqlalchemy"
roles = ["orm"]
dependencies = ["sqlalchemy"]
imports = ["sqlalchemy"]
docs = ["SQLAlchemy"]

[[stack]]
name = "asyncpg"
roles = ["driver"]
db = "postgresql"
dependencies = ["asyncpg"]

[[stack]]
name = "asyncio"
roles = ["async"]
imports = ["asyncio"]
packable = false

[[stack]]
name = "celery"
roles = ["tasks"]
dependencies = ["celery"]
"#,
        )
        .unwrap()
    }

    #[test]
    fn manifest_names() {
        assert_eq!(
            manifest_kind("requirements.txt"),
            Some(Manifest::Requirements)
        );
        assert_eq!(
            manifest_kind("svc/requirements-dev.txt"),
            Some(Manifest::Requirements)
        );
        assert_eq!(
            manifest_kind("requirements/prod.txt"),
            Some(Manifest::Requirements)
        );
        assert_eq!(manifest_kind("notes.txt"), None);
        assert_eq!(
            manifest_kind("web/package.json"),
            Some(Manifest::PackageJson)
        );
        assert_eq!(
            manifest_kind("docker-compose.override.yml"),
            Some(Manifest::Compose)
        );
        assert_eq!(
            manifest_kind("docs/project/tech_stack.md"),
            Some(Manifest::TechStackDoc)
        );
        assert_eq!(manifest_kind("svc/docs/project/tech_stack.md"), None);
    }

    #[test]
    fn merging_prefers_runtime_and_unites_extras() {
        let dep = |v: Option<&str>, dev, extras: &[&str]| Dep {
            name: "sqlalchemy".into(),
            extras: extras.iter().map(|e| e.to_string()).collect(),
            version: v.map(str::to_string),
            dev,
            indirect: false,
        };
        let merged = merge(
            vec![
                (
                    Ecosystem::Pypi,
                    "requirements-dev.txt".into(),
                    dep(Some("1.0"), true, &[]),
                ),
                (
                    Ecosystem::Pypi,
                    "pyproject.toml".into(),
                    dep(None, false, &["asyncio"]),
                ),
                (
                    Ecosystem::Pypi,
                    "requirements.txt".into(),
                    dep(Some("2.0"), false, &["mypy"]),
                ),
            ],
            &BTreeMap::new(),
        );
        assert_eq!(merged.len(), 1);
        let m = &merged[0];
        assert!(m.is_runtime());
        assert_eq!(m.version.as_deref(), Some("2.0"));
        assert_eq!(m.extras, vec!["asyncio", "mypy"]);
        assert!(m.matches("SQLAlchemy[asyncio]"));
        assert!(!m.matches("sqlalchemy[postgresql]"));
        assert_eq!(m.files.len(), 3);
    }

    #[test]
    fn text_sources_build_the_stack() {
        let stacks = stacks();
        let mut d = Discoverer::new(Path::new("/nowhere"), &stacks);
        d.add_file(
            "pyproject.toml",
            "[project]\nname = \"x\"\ndependencies = [\"SQLAlchemy[asyncio]>=2.0.25\", \"asyncpg\"]\n[dependency-groups]\ndev = [\"celery\"]\n",
        );
        d.add_file(
            "app/main.py",
            "import asyncio\nDSN = 'redis://cache:6379/0'\n",
        );
        d.add_file(
            "compose.yaml",
            "services:\n  db:\n    image: postgres:16.2\n",
        );
        d.add_file(
            "docs/project/tech_stack.md",
            "We use SQLAlchemy 1.4 and PostgreSQL 15.\n",
        );
        d.add_path("infra/supabase/config.toml");
        let mut discovery = d.finish();
        assert!(discovery.flags.contains("supabase"));
        discovery.select_packs(&[], &[], &[]);
        let ts = discovery.tech_stack();
        assert_eq!(ts.db, vec!["postgresql", "redis"]);
        assert_eq!(
            ts.db_versions.get("postgresql").map(String::as_str),
            Some("16")
        );
        assert_eq!(
            ts.orm,
            vec!["sqlalchemy@2.0"],
            "the manifest wins over the docs"
        );
        assert_eq!(ts.async_, vec!["asyncio"]);
        assert!(ts.tasks.is_empty(), "dev dependencies are not the stack");
        assert_eq!(ts.unpacked, vec!["asyncpg", "sqlalchemy"]);
        let json = serde_json::to_string(&ts).unwrap();
        assert!(json.starts_with("{\"db\":[\"postgresql\",\"redis\"],\"db_versions\":{\"postgresql\":\"16\"},\"orm\""), "{json}");
        assert!(json.contains("\"async\":[\"asyncio\"]"), "{json}");
    }

    #[test]
    fn docs_fill_what_manifests_do_not_say() {
        let stacks = stacks();
        let mut d = Discoverer::new(Path::new("/nowhere"), &stacks);
        d.add_file(
            "docs/project/tech_stack.md",
            "PostgreSQL 15.4 with SQLAlchemy 2.0\n",
        );
        let mut discovery = d.finish();
        discovery.select_packs(&[], &[], &[]);
        let ts = discovery.tech_stack();
        assert_eq!(
            ts.db_versions.get("postgresql").map(String::as_str),
            Some("15")
        );
        assert_eq!(ts.orm, vec!["sqlalchemy@2.0"]);
    }

    #[test]
    fn imports_of_interest_only() {
        let stacks = stacks();
        let mut d = Discoverer::new(Path::new("/nowhere"), &stacks);
        d.only_imports_of(["asyncio".to_string(), "github.com/lib/pq".to_string()]);
        d.add_file("a.py", "import os\nimport asyncio.tasks\n");
        d.add_file("b.py", "import asyncio\nimport json\n");
        d.add_file("c.go", "package c\nimport _ \"github.com/lib/pq\"\n");
        let got = d.finish();
        let imports: Vec<&str> = got.imports.iter().map(String::as_str).collect();
        assert_eq!(imports, ["asyncio.tasks", "github.com/lib/pq"]);
        assert_eq!(got.languages.len(), 2);
    }

    #[test]
    fn deployment_from_dependencies_compose_files_and_docs() {
        let stacks = Stacks::from_toml(
            "t",
            r#"
[[db]]
kind = "postgresql"
images = ["postgres"]
dsn = ["postgresql"]

[pooler]
names = ["pgbouncer"]
docs = ["PgBouncer"]

[deployment]
serverless_files = ["**/vercel.json"]
serverless_dependencies = ["mangum"]

[deployment.workers]
command_files = ["**/Procfile"]
servers = ["gunicorn"]
flags = ["--workers"]
"#,
        )
        .unwrap();
        let mut d = Discoverer::new(Path::new("/nowhere"), &stacks);
        d.add_file(
            "requirements.txt",
            "mangum>=0.17
sqlalchemy
",
        );
        d.add_file(
            "compose.yaml",
            "services:
  db:
    image: postgres:16
    command: postgres -c max_connections=100
  bouncer:
    image: edoburu/pgbouncer
  web:
    build: .
    command: gunicorn app:app --workers 3
",
        );
        d.add_file(
            "Procfile",
            "web: gunicorn app:app --workers 5
",
        );
        let got = d.finish();
        let dep = &got.deployment;
        assert!(dep.serverless && dep.external_pooler);
        assert_eq!(dep.web_workers, Some(5));
        assert_eq!(
            dep.evidence["serverless"],
            vec!["dependency mangum (requirements.txt)"]
        );
        assert_eq!(
            dep.evidence["external_pooler"],
            vec!["compose.yaml service `bouncer`"]
        );
        assert_eq!(
            dep.evidence["web_workers"],
            vec![
                "Procfile:1 web: gunicorn app:app --workers 5",
                "compose.yaml service `web`"
            ]
        );
        let info = crate::project::ProjectInfo::from_discovery(&got, Default::default());
        assert_eq!(info.max_connections, Some(100));
        assert_eq!(info.db, vec!["postgresql"]);

        // The docs alone name the pooler; a file alone makes it serverless.
        let mut d = Discoverer::new(Path::new("/nowhere"), &stacks);
        d.add_file(
            "docs/project/tech_stack.md",
            "PostgreSQL behind PgBouncer
",
        );
        d.add_path("web/vercel.json");
        let dep = d.finish().deployment;
        assert!(dep.external_pooler && dep.serverless && dep.web_workers.is_none());
        // Dev dependencies never count.
        let mut d = Discoverer::new(Path::new("/nowhere"), &stacks);
        d.add_file(
            "requirements-dev.txt",
            "mangum
",
        );
        assert!(!d.finish().deployment.serverless);
    }

    #[test]
    fn versions_are_shortened() {
        assert_eq!(short_version("2.0.25"), "2.0");
        assert_eq!(short_version("16"), "16");
        assert_eq!(short_version("0.115.0"), "0.115");
    }
}
