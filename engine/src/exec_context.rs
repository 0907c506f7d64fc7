//! P6, execution context and hot path (CHECKS.md §3.6), settled once per run in the project
//! phase.
//!
//! Inputs: every file's [`FileGraph`] (F11, built during the walk) and the `entrypoints` fact
//! (F10), whose records packs emit for the functions their framework calls: route handlers,
//! streaming endpoints, task entry points, startup hooks, commands. Rust knows only what is
//! generic to a language: test files, init names (`setup_*`, `__init__`, Go `init`,
//! `upgrade`/`downgrade` of migrations), command-line entry points (files under `scripts/` and
//! `bin/`, `manage.py`, functions called under `if __name__ == "__main__":`, Go `main` under
//! `cmd/` that never calls `ListenAndServe`) and admin markers.
//!
//! Output: per function its class (first match: test → streaming → http_handler → background →
//! init → cli → library), `hot` (streaming or http_handler, or reachable from one through at
//! most [`HOT_DEPTH`] resolved call edges), `background` (class background, or reachable within
//! the same distance only from background functions) and `admin`. A function defined inside
//! another runs in its context: nesting is an edge of length 0.
//!
//! Findings recorded their enclosing functions and, when a detector's severity depends on the
//! context, a [`SeverityByContext`] table; [`ExecContext::settle`] turns that into the
//! severity of CHECKS.md §4, and the post-filter asks [`ExecContext::is_hot`] for `exempt =
//! "hot_path"` checks and [`ExecContext::init_evidence`] for Rule 6's S1.

use crate::callgraph::{Caller, FileGraph};
use crate::finding::Finding;
use crate::lang::Language;
use crate::model::Severity;
use crate::project::Facts;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

/// The fact packs emit entry points into (F10).
pub const ENTRYPOINTS: &str = "entrypoints";
/// Call edges a function may be away from a handler and still be on the request path.
pub const HOT_DEPTH: u32 = 3;

/// The execution class of a function (§3.6), in precedence order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExecClass {
    Test,
    Streaming,
    HttpHandler,
    Background,
    Init,
    Cli,
    Library,
}

impl ExecClass {
    pub fn as_str(self) -> &'static str {
        match self {
            ExecClass::Test => "test",
            ExecClass::Streaming => "streaming",
            ExecClass::HttpHandler => "http_handler",
            ExecClass::Background => "background",
            ExecClass::Init => "init",
            ExecClass::Cli => "cli",
            ExecClass::Library => "library",
        }
    }

    pub fn parse(s: &str) -> Option<ExecClass> {
        Some(match s {
            "test" => ExecClass::Test,
            "streaming" => ExecClass::Streaming,
            "http_handler" => ExecClass::HttpHandler,
            "background" => ExecClass::Background,
            "init" => ExecClass::Init,
            "cli" => ExecClass::Cli,
            "library" => ExecClass::Library,
            _ => return None,
        })
    }
}

impl std::fmt::Display for ExecClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `severity_by_context` of a detector (or returned by its predicate): the severity per
/// execution context, settled after the project phase. Keys that are absent fall back to
/// `other`; without `other`, the detector's severity stays.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SeverityByContext {
    /// On the request path: the function is a route handler or streaming endpoint, or one calls
    /// it through at most three resolved calls (hot(f)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<Severity>,
    /// In background work: a task entry point, or reached only from task entry points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub background: Option<Severity>,
    /// In init code (startup hooks, `setup_*`, `__init__`, module top level), whatever calls it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub init: Option<Severity>,
    /// In a command-line entry point.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cli: Option<Severity>,
    /// Everything else, and the fallback of the other keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other: Option<Severity>,
    /// Lower the result one level in admin code (admin(f): `/admin` or `/internal` routes,
    /// `admin/` directories, admin-only decorators and dependencies).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub lower_in_admin: bool,
}

impl SeverityByContext {
    /// Whether no key is set.
    pub fn is_empty(&self) -> bool {
        self.request.is_none()
            && self.background.is_none()
            && self.init.is_none()
            && self.cli.is_none()
            && self.other.is_none()
    }

    /// Reads the map a predicate returned: severity names per key, `lower_in_admin` a bool.
    pub fn from_map(map: &rhai::Map) -> Result<SeverityByContext, String> {
        let mut out = SeverityByContext::default();
        for (k, v) in map {
            if k == "lower_in_admin" {
                out.lower_in_admin = v.as_bool().map_err(|_| {
                    "`severity_by_context.lower_in_admin` must be true or false".to_string()
                })?;
                continue;
            }
            let s = v.to_string();
            let sev = Severity::parse(&s).ok_or_else(|| {
                format!(
                    "`severity_by_context.{k}` is `{s}`; expected LOW, MEDIUM, HIGH or CRITICAL"
                )
            })?;
            match k.as_str() {
                "request" => out.request = Some(sev),
                "background" => out.background = Some(sev),
                "init" => out.init = Some(sev),
                "cli" => out.cli = Some(sev),
                "other" => out.other = Some(sev),
                other => {
                    return Err(format!(
                        "`severity_by_context` has no key `{other}`; use request, background, init, cli, other, lower_in_admin"
                    ))
                }
            }
        }
        Ok(out)
    }
}

/// What a finding's JSON `context.execution` says about the function it is in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Execution {
    /// Qualified name of the innermost enclosing function (the module for top-level code).
    pub function: String,
    /// Its execution class (§3.6).
    pub class: ExecClass,
    /// On the request path (hot(f)).
    pub hot: bool,
    /// Background work.
    pub background: bool,
    /// admin(f).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub admin: bool,
    /// For a hot function that is not itself a handler: the call path from the handler, handler
    /// first, ending with the function.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub via: Vec<String>,
}

/// One function of the project, classified.
#[derive(Debug, Clone)]
pub struct FunctionContext {
    pub qname: String,
    pub file: String,
    pub language: Language,
    pub name: String,
    pub line: usize,
    pub start_line: usize,
    pub end_line: usize,
    pub is_async: bool,
    pub params: Vec<String>,
    pub decorators: Vec<String>,
    pub class: ExecClass,
    pub hot: bool,
    pub background: bool,
    pub admin: bool,
    /// Why the class holds: `fastapi GET /jobs`, `name \`setup_db\``.
    pub reason: String,
    pub framework: Option<String>,
    pub route: Option<String>,
    pub method: Option<String>,
    pub streaming: bool,
    pub websocket: bool,
    parent: Option<usize>,
    /// The previous function on the shortest path from a handler (hot functions).
    hot_from: Option<usize>,
}

/// Project-level settings of the classification.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Classify files matching the §0 test globs as `test` (off for pack fixtures, which live
    /// under `tests/`).
    pub classify_tests: bool,
    /// Go modules: (directory of `go.mod`, relative to the root, `""` at the root; module path).
    pub go_modules: Vec<(String, String)>,
}

/// The execution contexts of every function of the project, and the resolved call graph.
#[derive(Debug, Default)]
pub struct ExecContext {
    functions: Vec<FunctionContext>,
    by_qname: HashMap<String, Vec<usize>>,
    by_file: BTreeMap<String, Vec<usize>>,
    callees: Vec<Vec<usize>>,
    callers: Vec<Vec<usize>>,
    /// Module keys per file (module-level findings).
    modules: HashMap<String, String>,
    /// Entry point records whose function no file defines.
    unresolved_entrypoints: usize,
}

impl ExecContext {
    /// Joins the files' graphs, resolves calls and entry points, classifies every function.
    pub fn build(graphs: &[FileGraph], facts: &Facts, opts: &Options) -> ExecContext {
        let mut cx = ExecContext::default();
        let resolver = Resolver::new(graphs, opts);
        // Functions, in path order.
        let mut order: Vec<&FileGraph> = graphs.iter().collect();
        order.sort_by(|a, b| a.file.cmp(&b.file));
        let mut base = HashMap::new();
        for g in &order {
            base.insert(g.file.as_str(), cx.functions.len());
            cx.modules.insert(g.file.clone(), g.module.clone());
            for f in &g.functions {
                let id = cx.functions.len();
                cx.functions.push(FunctionContext {
                    qname: f.qname.clone(),
                    file: g.file.clone(),
                    language: g.language,
                    name: f.name.clone(),
                    line: f.line,
                    start_line: f.start_line,
                    end_line: f.end_line,
                    is_async: f.is_async,
                    params: f.params.clone(),
                    decorators: f.decorators.clone(),
                    class: ExecClass::Library,
                    hot: false,
                    background: false,
                    admin: false,
                    reason: String::new(),
                    framework: None,
                    route: None,
                    method: None,
                    streaming: false,
                    websocket: false,
                    parent: None,
                    hot_from: None,
                });
                cx.by_qname.entry(f.qname.clone()).or_default().push(id);
                cx.by_file.entry(g.file.clone()).or_default().push(id);
            }
        }
        for g in &order {
            let b = base[g.file.as_str()];
            for (i, f) in g.functions.iter().enumerate() {
                cx.functions[b + i].parent = f.parent.map(|p| b + p);
            }
        }
        let n = cx.functions.len();
        cx.callees = vec![Vec::new(); n];
        cx.callers = vec![Vec::new(); n];
        // Call edges; and the targets of Python `__main__` blocks (command-line entry points).
        let mut main_targets: HashSet<usize> = HashSet::new();
        // Go functions that start an HTTP server (`ListenAndServe*`): a `main` that does is a
        // server, not a command.
        let mut serves: HashSet<usize> = HashSet::new();
        for g in &order {
            let b = base[g.file.as_str()];
            for c in &g.calls {
                let targets = resolver.resolve(g.language, &c.target, &cx.by_qname);
                match c.caller {
                    Caller::Function(i) => {
                        if g.language == Language::Go
                            && c.target
                                .rsplit('.')
                                .next()
                                .is_some_and(|m| m.starts_with("ListenAndServe"))
                        {
                            serves.insert(b + i);
                        }
                        for t in targets {
                            if !cx.callees[b + i].contains(&t) {
                                cx.callees[b + i].push(t);
                                cx.callers[t].push(b + i);
                            }
                        }
                    }
                    Caller::Main => main_targets.extend(targets),
                    Caller::Module => {}
                }
            }
        }
        cx.classify(facts, &resolver, &main_targets, &serves, opts);
        cx.propagate();
        cx
    }

    fn classify(
        &mut self,
        facts: &Facts,
        resolver: &Resolver,
        main_targets: &HashSet<usize>,
        serves: &HashSet<usize>,
        opts: &Options,
    ) {
        let tests = crate::scope::TEST_GLOBS;
        let test_set = glob_set(tests);
        let migrations = crate::migration_globs();
        // Pack records first: the strongest class per function, and its details.
        let mut from_records: HashMap<usize, ExecClass> = HashMap::new();
        let mounts = Mounts::from_records(facts.get(ENTRYPOINTS));
        // A record names a function, or the methods of every class derived from a class
        // (`subclasses_of`, `methods`): a framework calls the handler methods of any subclass of
        // its view class, also through the project's own base classes.
        let subclasses = resolver.subclass_index();
        let mut entries: Vec<(&serde_json::Value, Language, String, bool)> = Vec::new();
        for r in facts.get(ENTRYPOINTS) {
            let Some(lang) = r["file"].as_str().and_then(Language::from_path) else {
                continue;
            };
            if let Some(function) = r["function"].as_str() {
                entries.push((r, lang, function.to_string(), true));
            } else if let (Some(base), Some(methods)) =
                (r["subclasses_of"].as_str(), r["methods"].as_array())
            {
                for sub in resolver.subclasses(&subclasses, base) {
                    for m in methods.iter().filter_map(|m| m.as_str()) {
                        entries.push((r, lang, format!("{sub}.{m}"), false));
                    }
                }
            }
        }
        for (r, lang, function, direct) in entries {
            let ids = if direct {
                resolver.resolve(lang, &function, &self.by_qname)
            } else {
                // Only a method the subclass defines itself: an inherited one is its base's.
                let canon = resolver.canonical(lang, &function);
                self.by_qname.get(&canon).cloned().unwrap_or_default()
            };
            if ids.is_empty() {
                if direct {
                    self.unresolved_entrypoints += 1;
                }
                continue;
            }
            let class = r["class"].as_str().and_then(ExecClass::parse);
            let route = r["route"].as_str().map(|route| {
                mounts.full_route(r["router"].as_str(), route, r["router_prefix"].as_str())
            });
            for id in ids {
                let f = &mut self.functions[id];
                if let Some(c) = class {
                    let better = from_records.get(&id).is_none_or(|old| c < *old);
                    if better {
                        from_records.insert(id, c);
                        f.reason = describe_record(r, c, route.as_deref());
                        if let Some(fw) = r["framework"].as_str() {
                            f.framework = Some(fw.to_string());
                        }
                    }
                }
                if f.framework.is_none() {
                    f.framework = r["framework"].as_str().map(str::to_string);
                }
                if let Some(route) = &route {
                    f.route.get_or_insert_with(|| route.clone());
                }
                if let Some(m) = r["method"].as_str() {
                    f.method.get_or_insert_with(|| m.to_string());
                }
                f.streaming |= r["streaming"].as_bool().unwrap_or(false);
                f.websocket |= r["websocket"].as_bool().unwrap_or(false);
                f.admin |= r["admin"].as_bool().unwrap_or(false);
            }
        }
        for id in 0..self.functions.len() {
            let f = &self.functions[id];
            let test = opts.classify_tests && test_set.is_match(&f.file);
            let record = from_records.get(&id).copied();
            let migration = migrations.is_match(&f.file);
            let anonymous = f.name.starts_with('<');
            let init = !anonymous && crate::context::is_init_name(f.language, &f.name, migration);
            let cli = is_cli(self, id, main_targets, serves);
            let (class, reason) = if test {
                (ExecClass::Test, "test file".to_string())
            } else if let Some(c) = record.filter(|c| *c < ExecClass::Init) {
                (c, f.reason.clone())
            } else if init {
                (ExecClass::Init, format!("init name `{}`", f.name))
            } else if let Some(c) = record {
                (c, f.reason.clone())
            } else if let Some(why) = cli {
                (ExecClass::Cli, why)
            } else {
                (ExecClass::Library, String::new())
            };
            let admin_marked = is_admin(f);
            let f = &mut self.functions[id];
            f.class = class;
            f.reason = reason;
            if class == ExecClass::Streaming {
                f.streaming = true;
            }
            f.admin |= admin_marked;
        }
        // A nested function shares its parent's admin marker.
        for id in 0..self.functions.len() {
            if let Some(p) = self.functions[id].parent {
                if self.functions[p].admin {
                    self.functions[id].admin = true;
                }
            }
        }
    }

    /// hot(f) and background(f): breadth-first from the entry points over call edges (length 1)
    /// and nesting (length 0), up to [`HOT_DEPTH`].
    fn propagate(&mut self) {
        let n = self.functions.len();
        let roots = |pred: &dyn Fn(ExecClass) -> bool| -> Vec<usize> {
            (0..n).filter(|&i| pred(self.functions[i].class)).collect()
        };
        let hot_roots = roots(&|c| matches!(c, ExecClass::Streaming | ExecClass::HttpHandler));
        let bg_roots = roots(&|c| c == ExecClass::Background);
        let other_roots = roots(&|c| matches!(c, ExecClass::Init | ExecClass::Cli));
        let (hot, from) = self.reach(&hot_roots);
        let (bg, _) = self.reach(&bg_roots);
        let (other, _) = self.reach(&other_roots);
        for i in 0..n {
            let f = &mut self.functions[i];
            if f.class == ExecClass::Test {
                continue;
            }
            f.hot = hot[i].is_some();
            f.hot_from = from[i];
            f.background = !f.hot
                && (f.class == ExecClass::Background
                    || (f.class == ExecClass::Library && bg[i].is_some() && other[i].is_none()));
        }
    }

    /// Distances (≤ HOT_DEPTH) from the roots, and each function's predecessor.
    #[allow(clippy::type_complexity)] // reason: two parallel vectors, read right away
    fn reach(&self, roots: &[usize]) -> (Vec<Option<u32>>, Vec<Option<usize>>) {
        let n = self.functions.len();
        let mut dist: Vec<Option<u32>> = vec![None; n];
        let mut from: Vec<Option<usize>> = vec![None; n];
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, f) in self.functions.iter().enumerate() {
            if let Some(p) = f.parent {
                children[p].push(i);
            }
        }
        let mut q: VecDeque<usize> = VecDeque::new();
        for &r in roots {
            if self.functions[r].class != ExecClass::Test {
                dist[r] = Some(0);
                q.push_back(r);
            }
        }
        // 0-1 breadth-first search: nested functions go to the front.
        while let Some(u) = q.pop_front() {
            let d = dist[u].unwrap_or(0);
            for &c in &children[u] {
                if dist[c].is_none_or(|x| x > d) {
                    dist[c] = Some(d);
                    from[c] = Some(u);
                    q.push_front(c);
                }
            }
            if d >= HOT_DEPTH {
                continue;
            }
            for &v in &self.callees[u] {
                if self.functions[v].class == ExecClass::Test {
                    continue;
                }
                if dist[v].is_none_or(|x| x > d + 1) {
                    dist[v] = Some(d + 1);
                    from[v] = Some(u);
                    q.push_back(v);
                }
            }
        }
        (dist, from)
    }

    /// Every function, in path order.
    pub fn functions(&self) -> &[FunctionContext] {
        &self.functions
    }

    /// Entry point records whose function was not found in the project.
    pub fn unresolved_entrypoints(&self) -> usize {
        self.unresolved_entrypoints
    }

    /// A function by qualified name, preferring one defined in `file`.
    pub fn function(&self, file: Option<&str>, qname: &str) -> Option<&FunctionContext> {
        let ids = self.by_qname.get(qname)?;
        let id = match file {
            Some(f) => ids
                .iter()
                .find(|i| self.functions[**i].file == f)
                .or(ids.first())?,
            None => ids.first()?,
        };
        Some(&self.functions[*id])
    }

    fn id_of(&self, file: &str, qname: &str) -> Option<usize> {
        self.by_qname
            .get(qname)?
            .iter()
            .copied()
            .find(|i| self.functions[*i].file == file)
    }

    /// The innermost function of `file` whose definition (decorators included) covers `line`.
    pub fn at_line(&self, file: &str, line: usize) -> Option<&FunctionContext> {
        self.by_file
            .get(file)?
            .iter()
            .map(|i| &self.functions[*i])
            .filter(|f| f.start_line <= line && line <= f.end_line)
            .max_by_key(|f| (f.start_line, std::cmp::Reverse(f.end_line)))
    }

    /// The functions of `file` whose bodies hold `line`, innermost first (what a per-file
    /// finding records as its enclosing functions); empty at module level. Decorator lines are
    /// the definition's, not code that runs in the function, so they do not count.
    pub fn functions_at(&self, file: &str, line: usize) -> Vec<String> {
        let mut around: Vec<&FunctionContext> = self
            .by_file
            .get(file)
            .into_iter()
            .flatten()
            .map(|i| &self.functions[*i])
            .filter(|f| f.line < line && line <= f.end_line)
            .collect();
        around.sort_by_key(|f| (std::cmp::Reverse(f.line), f.end_line));
        around.into_iter().map(|f| f.qname.clone()).collect()
    }

    /// Qualified names of the functions `qname` calls (resolved edges).
    pub fn callees(&self, qname: &str) -> Vec<&str> {
        self.edges(qname, &self.callees)
    }

    /// Qualified names of the functions that call `qname`.
    pub fn callers(&self, qname: &str) -> Vec<&str> {
        self.edges(qname, &self.callers)
    }

    fn edges<'a>(&'a self, qname: &str, table: &'a [Vec<usize>]) -> Vec<&'a str> {
        let mut out: Vec<&str> = self
            .by_qname
            .get(qname)
            .into_iter()
            .flatten()
            .flat_map(|i| table[*i].iter())
            .map(|j| self.functions[*j].qname.as_str())
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The call path from a handler to a hot function, handler first.
    fn via(&self, id: usize) -> Vec<String> {
        let mut path = vec![id];
        let mut cur = id;
        while let Some(p) = self.functions[cur].hot_from {
            if path.contains(&p) || path.len() > 8 {
                break;
            }
            path.push(p);
            cur = p;
        }
        if path.len() < 2 {
            return Vec::new();
        }
        path.reverse();
        path.into_iter()
            .map(|i| self.functions[i].qname.clone())
            .collect()
    }

    /// What a finding's JSON says about where it runs: its innermost function's context, or
    /// module-level code (class init). `None` when the file is not indexed.
    pub fn execution(&self, file: &str, functions: &[String]) -> Option<Execution> {
        match functions.first() {
            Some(q) => {
                let id = self.id_of(file, q)?;
                let f = &self.functions[id];
                Some(Execution {
                    function: f.qname.clone(),
                    class: f.class,
                    hot: f.hot,
                    background: f.background,
                    admin: f.admin,
                    via: if f.hot { self.via(id) } else { Vec::new() },
                })
            }
            None => Some(Execution {
                function: self.modules.get(file)?.clone(),
                class: ExecClass::Init,
                hot: false,
                background: false,
                admin: false,
                via: Vec::new(),
            }),
        }
    }

    /// Settles a finding's severity by its context (when its detector states one) and records
    /// the context in `context.execution`.
    pub fn settle(&self, f: &mut Finding) {
        let Some(exec) = self.execution(&f.file, &f.functions) else {
            return;
        };
        if let Some(table) = &f.severity_by_context {
            if let Some(sev) = pick(table, &exec) {
                f.severity = sev;
            }
        }
        f.context.execution = Some(exec);
    }

    /// Whether the project has any request handler or streaming endpoint: without one, hot(f)
    /// is unknown rather than false (no pack classifies the project's framework).
    pub fn knows_request_path(&self) -> bool {
        self.functions
            .iter()
            .any(|f| matches!(f.class, ExecClass::Streaming | ExecClass::HttpHandler))
    }

    /// Whether a finding is on the request path (hot(f)).
    pub fn is_hot(&self, f: &Finding) -> bool {
        match &f.context.execution {
            Some(e) => e.hot,
            None => self.execution(&f.file, &f.functions).is_some_and(|e| e.hot),
        }
    }

    /// Rule 6 S1: the evidence when the finding's function, or a function enclosing it, has
    /// class init; `None` when none does (module-level code is S1 without asking).
    pub fn init_evidence(&self, file: &str, functions: &[String]) -> Option<String> {
        functions.iter().find_map(|q| {
            let f = &self.functions[self.id_of(file, q)?];
            (f.class == ExecClass::Init).then(|| {
                if f.reason.is_empty() {
                    format!("fn `{}`", f.name)
                } else {
                    format!("fn `{}` ({})", f.name, f.reason)
                }
            })
        })
    }
}

/// The severity a table gives for an execution context.
pub fn pick(table: &SeverityByContext, e: &Execution) -> Option<Severity> {
    let by_class = match e.class {
        ExecClass::Init => table.init,
        ExecClass::Cli => table.cli,
        _ => None,
    };
    let by_path = if e.hot {
        table.request
    } else if e.background {
        table.background
    } else {
        None
    };
    let sev = by_class.or(by_path).or(table.other)?;
    Some(if e.admin && table.lower_in_admin {
        sev.lower()
    } else {
        sev
    })
}

/// Where routers are mounted: `mount` records of the `entrypoints` fact (`#{ mount: router,
/// prefix: "/admin", parent: app }`, from `app.include_router(router, prefix="/admin")`,
/// `app.register_blueprint(bp, url_prefix=…)` and the like), keyed by the mounted router's
/// qualified name. A route record that names its `router` gets the prefixes of the mounts above
/// it, across files: the router is usually built in one module and mounted in another.
///
/// Frameworks differ on a router's own prefix: FastAPI adds `include_router(prefix=…)` in front
/// of `APIRouter(prefix=…)`, Flask's `register_blueprint(url_prefix=…)` replaces the
/// blueprint's own `url_prefix`. A mount with `replaces: true` says the latter; a route record
/// gives the part of its `route` that is its router's own prefix as `router_prefix`, which such
/// a mount takes off before its own goes in front.
#[derive(Default)]
struct Mounts {
    by_router: HashMap<String, Vec<Mount>>,
}

#[derive(PartialEq)]
struct Mount {
    prefix: String,
    parent: Option<String>,
    replaces: bool,
}

/// How many mounts a route may sit below (an app, a versioned router, a feature router …).
const MAX_MOUNT_DEPTH: usize = 8;

impl Mounts {
    fn from_records<'r>(records: impl IntoIterator<Item = &'r serde_json::Value>) -> Mounts {
        let mut m = Mounts::default();
        for r in records {
            let (Some(router), Some(prefix)) = (r["mount"].as_str(), r["prefix"].as_str()) else {
                continue;
            };
            let mount = Mount {
                prefix: prefix.to_string(),
                parent: r["parent"].as_str().map(str::to_string),
                replaces: r["replaces"].as_bool() == Some(true),
            };
            let entry = m.by_router.entry(router.to_string()).or_default();
            if !entry.contains(&mount) {
                entry.push(mount);
            }
        }
        m
    }

    /// A route below the mounts of its router. A router mounted at two different prefixes (or
    /// in a cycle, or deeper than [`MAX_MOUNT_DEPTH`]) serves more than one path: the route is
    /// then left as its record wrote it rather than guessed. `own` is the part of `route` that
    /// is the router's own prefix, which a replacing mount takes off.
    fn full_route(&self, router: Option<&str>, route: &str, own: Option<&str>) -> String {
        let Some((prefix, replaces)) = router.and_then(|r| self.prefix(r, 0)) else {
            return route.to_string();
        };
        let rest = match own {
            Some(own) if replaces => strip_route_prefix(route, own).unwrap_or(route),
            _ => route,
        };
        join_route(&prefix, rest)
    }

    /// The one prefix a router is mounted at ("" when it is not mounted), and whether its
    /// mount replaces the router's own prefix; `None` when it has more than one.
    fn prefix(&self, router: &str, depth: usize) -> Option<(String, bool)> {
        if depth > MAX_MOUNT_DEPTH {
            return None;
        }
        let Some(mounts) = self.by_router.get(router) else {
            return Some((String::new(), false));
        };
        let mut found: Option<(String, bool)> = None;
        for m in mounts {
            let above = match &m.parent {
                Some(p) => self.prefix(p, depth + 1)?.0,
                None => String::new(),
            };
            let full = (join_route(&above, &m.prefix), m.replaces);
            match &found {
                Some(f) if *f != full => return None,
                _ => found = Some(full),
            }
        }
        found
    }
}

/// `route` without the router's own prefix `own` in front (`/legacy/ping` less `/legacy` is
/// `/ping`), or `None` when it does not start with it at a segment boundary.
fn strip_route_prefix<'a>(route: &'a str, own: &str) -> Option<&'a str> {
    let own = own.trim_end_matches('/');
    if own.is_empty() {
        return Some(route);
    }
    let rest = route.strip_prefix(own)?;
    (rest.is_empty() || rest.starts_with('/')).then_some(rest)
}

/// `/v1` + `/items` → `/v1/items`, without doubling or dropping the slash between them.
fn join_route(prefix: &str, route: &str) -> String {
    if prefix.is_empty() {
        return route.to_string();
    }
    if route.is_empty() {
        return prefix.to_string();
    }
    match (prefix.ends_with('/'), route.starts_with('/')) {
        (true, true) => format!("{prefix}{}", &route[1..]),
        (false, false) => format!("{prefix}/{route}"),
        _ => format!("{prefix}{route}"),
    }
}

fn describe_record(r: &serde_json::Value, class: ExecClass, route: Option<&str>) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(fw) = r["framework"].as_str() {
        parts.push(fw.to_string());
    }
    let kind = match class {
        ExecClass::Streaming if r["websocket"].as_bool() == Some(true) => "websocket",
        ExecClass::Streaming => "streaming endpoint",
        ExecClass::HttpHandler => "route",
        ExecClass::Background => "task",
        ExecClass::Init => "startup hook",
        ExecClass::Cli => "command",
        _ => "",
    };
    if !kind.is_empty() {
        parts.push(kind.to_string());
    }
    if let Some(m) = r["method"].as_str() {
        parts.push(m.to_string());
    }
    if let Some(route) = route {
        parts.push(route.to_string());
    }
    parts.join(" ")
}

/// Command-line entry points known without a pack.
fn is_cli(
    cx: &ExecContext,
    id: usize,
    main_targets: &HashSet<usize>,
    serves: &HashSet<usize>,
) -> Option<String> {
    let f = &cx.functions[id];
    let path = f.file.as_str();
    let (dirs, name) = match path.rsplit_once('/') {
        Some((d, n)) => (d, n),
        None => ("", path),
    };
    let in_dir = |d: &str| dirs.split('/').any(|s| s == d);
    if in_dir("scripts") || in_dir("bin") {
        return Some("script file".into());
    }
    if name == "manage.py" {
        return Some("manage.py".into());
    }
    if main_targets.contains(&id) {
        return Some("called under `if __name__ == \"__main__\"`".into());
    }
    if f.language == Language::Go
        && f.name == "main"
        && f.parent.is_none()
        && in_dir("cmd")
        && !serves.contains(&id)
    {
        return Some("`main` of a command under cmd/".into());
    }
    None
}

/// admin(f) markers a language shows without a framework: an `admin/` directory or
/// `admin.py`, a route under `/admin` or `/internal`, an admin-only decorator or dependency.
fn is_admin(f: &FunctionContext) -> bool {
    let path = f.file.as_str();
    let (dirs, name) = match path.rsplit_once('/') {
        Some((d, n)) => (d, n),
        None => ("", path),
    };
    if dirs.split('/').any(|s| s == "admin") || name == "admin.py" {
        return true;
    }
    if f.route.as_deref().is_some_and(route_is_admin) {
        return true;
    }
    let marker = |t: &str| {
        let t = t.to_ascii_lowercase();
        ["admin", "staff", "superuser"]
            .iter()
            .any(|w| t.contains(w))
    };
    if f.decorators.iter().any(|d| marker(d)) {
        return true;
    }
    // A dependency: a call in a parameter's default or annotation (`Depends(require_admin)`).
    f.params
        .iter()
        .any(|p| p.split_once('(').is_some_and(|(_, inner)| marker(inner)))
}

/// `/admin`, `/admin/...`, `/internal/...` (also without the leading slash).
pub fn route_is_admin(route: &str) -> bool {
    let r = route.trim_start_matches('^').trim_start_matches('/');
    ["admin", "internal"].iter().any(|p| {
        r.strip_prefix(p)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '.', '-', '_']))
    })
}

fn glob_set(globs: &[&str]) -> globset::GlobSet {
    let mut b = globset::GlobSetBuilder::new();
    for g in globs {
        if let Ok(g) = globset::Glob::new(g) {
            b.add(g);
        }
    }
    b.build().unwrap_or_else(|_| globset::GlobSet::empty())
}

/// A class (type) of the project: bases and attribute types, as targets.
#[derive(Debug, Clone, Default)]
struct ClassEntry {
    bases: Vec<String>,
    attrs: HashMap<String, String>,
}

/// Resolves call targets and entry point names to functions.
struct Resolver {
    classes: HashMap<String, ClassEntry>,
    aliases: HashMap<String, String>,
    /// Go: package directory → package key; import path → package key.
    go_dirs: HashMap<String, String>,
    go_imports: HashMap<String, String>,
    go_keys: HashSet<String>,
    go_modules: Vec<(String, String)>,
    /// JavaScript: module keys.
    js_modules: HashSet<String>,
}

impl Resolver {
    fn new(graphs: &[FileGraph], opts: &Options) -> Resolver {
        let mut r = Resolver {
            classes: HashMap::new(),
            aliases: HashMap::new(),
            go_dirs: HashMap::new(),
            go_imports: HashMap::new(),
            go_keys: HashSet::new(),
            go_modules: opts.go_modules.clone(),
            js_modules: HashSet::new(),
        };
        // Python: a module is importable from the top of its package chain (`src/app/x.py`
        // with `src/app/__init__.py` is `app.x`).
        let packages: HashSet<&str> = graphs
            .iter()
            .filter(|g| g.language == Language::Python)
            .filter_map(|g| g.file.strip_suffix("/__init__.py"))
            .collect();
        for g in graphs {
            match g.language {
                Language::Python => {
                    if let Some(canon) = python_canonical(&g.file, &packages) {
                        if canon != g.module {
                            for f in &g.functions {
                                if let Some(sym) = f.qname.strip_prefix(&g.module) {
                                    r.aliases.insert(format!("{canon}{sym}"), f.qname.clone());
                                }
                            }
                            for c in &g.classes {
                                if let Some(sym) = c.qname.strip_prefix(&g.module) {
                                    r.aliases.insert(format!("{canon}{sym}"), c.qname.clone());
                                }
                            }
                        }
                    }
                }
                Language::Go => {
                    let dir = g.file.rsplit_once('/').map_or("", |(d, _)| d).to_string();
                    r.go_dirs.insert(dir, g.module.clone());
                    r.go_keys.insert(g.module.clone());
                }
                _ => {
                    r.js_modules.insert(g.module.clone());
                    if let Some(dir) = g.module.strip_suffix("/index") {
                        r.aliases
                            .entry(dir.to_string())
                            .or_insert_with(|| g.module.clone());
                    }
                }
            }
            for (a, q) in &g.aliases {
                r.aliases.insert(a.clone(), q.clone());
            }
            for c in &g.classes {
                let e = r.classes.entry(c.qname.clone()).or_default();
                e.bases.extend(c.bases.iter().cloned());
                for (k, v) in &c.attrs {
                    e.attrs.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
        }
        for (dir, module) in &r.go_modules {
            if let Some(key) = r.go_dirs.get(dir.as_str()) {
                r.go_imports.insert(module.clone(), key.clone());
            }
        }
        let keys: Vec<(String, String)> = r
            .go_dirs
            .iter()
            .map(|(d, k)| (d.clone(), k.clone()))
            .collect();
        for (dir, key) in keys {
            for (mdir, module) in &r.go_modules {
                let rel = if mdir.is_empty() {
                    Some(dir.as_str())
                } else {
                    dir.strip_prefix(mdir.as_str())
                        .and_then(|s| s.strip_prefix('/'))
                };
                if let Some(rel) = rel.filter(|s| !s.is_empty()) {
                    r.go_imports.insert(format!("{module}/{rel}"), key.clone());
                }
            }
        }
        r
    }

    /// The functions a target names (empty when it names none of the project's).
    fn resolve(
        &self,
        lang: Language,
        target: &str,
        fns: &HashMap<String, Vec<usize>>,
    ) -> Vec<usize> {
        let canon = self.canonical(lang, target);
        self.lookup(&canon, fns, 0)
    }

    /// Each class's direct subclasses in the project, by the (canonical) name of the base.
    fn subclass_index(&self) -> HashMap<&str, Vec<&str>> {
        let mut children: HashMap<&str, Vec<&str>> = HashMap::new();
        for (class, entry) in &self.classes {
            for b in &entry.bases {
                let base = self.aliases.get(b).map_or(b.as_str(), String::as_str);
                children.entry(base).or_default().push(class.as_str());
            }
        }
        for v in children.values_mut() {
            v.sort_unstable();
            v.dedup();
        }
        children
    }

    /// The classes derived from `class`, directly or through others, in a stable order
    /// (breadth first, names sorted per level); a cycle of bases is followed once.
    fn subclasses<'a>(&self, index: &HashMap<&str, Vec<&'a str>>, class: &str) -> Vec<&'a str> {
        let start = self.aliases.get(class).map_or(class, String::as_str);
        let mut out: Vec<&'a str> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::from([start]);
        let mut queue: VecDeque<&str> = VecDeque::from([start]);
        while let Some(c) = queue.pop_front() {
            for &sub in index.get(c).map(Vec::as_slice).unwrap_or_default() {
                if seen.insert(sub) {
                    out.push(sub);
                    queue.push_back(sub);
                }
            }
        }
        out
    }

    /// Maps the module part of a target to the project's key for it.
    fn canonical(&self, lang: Language, target: &str) -> String {
        match lang {
            Language::Python => self
                .aliases
                .get(target)
                .cloned()
                .unwrap_or_else(|| target.to_string()),
            Language::Go => {
                let (path, rest) = split_go(target);
                if self.go_keys.contains(path) {
                    return target.to_string();
                }
                if let Some(key) = self.go_imports.get(path) {
                    return join_rest(key, rest);
                }
                // Without go.mod: a unique package directory the import path ends with, for
                // paths that are not the standard library's (a dot in the first segment).
                if self.go_modules.is_empty()
                    && path.split('/').next().is_some_and(|s| s.contains('.'))
                {
                    let mut hits = self
                        .go_dirs
                        .iter()
                        .filter(|(d, _)| !d.is_empty() && path.ends_with(&format!("/{d}")));
                    if let (Some((_, k)), None) = (hits.next(), hits.next()) {
                        return join_rest(k, rest);
                    }
                }
                target.to_string()
            }
            _ => {
                let Some((module, sym)) = target.split_once(':') else {
                    return target.to_string();
                };
                if self.js_modules.contains(module) {
                    return target.to_string();
                }
                match self.aliases.get(module) {
                    Some(m) => format!("{m}:{sym}"),
                    None => target.to_string(),
                }
            }
        }
    }

    fn lookup(&self, s: &str, fns: &HashMap<String, Vec<usize>>, depth: u8) -> Vec<usize> {
        if depth > 4 {
            return Vec::new();
        }
        if let Some(ids) = fns.get(s) {
            return ids.clone();
        }
        if let Some(a) = self.aliases.get(s) {
            if a != s {
                return self.lookup(a, fns, depth + 1);
            }
        }
        // A class: its constructor.
        if self.classes.contains_key(s) {
            for ctor in ["__init__", "constructor"] {
                let ids = self.member(s, &[ctor], fns, depth);
                if !ids.is_empty() {
                    return ids;
                }
            }
            return Vec::new();
        }
        // `Class.attr….method`: the longest prefix that is a class.
        let mut cut = s.len();
        while let Some(i) = s[..cut].rfind('.') {
            let head = &s[..i];
            if self.classes.contains_key(head) {
                let rest: Vec<&str> = s[i + 1..].split('.').collect();
                return self.member(head, &rest, fns, depth);
            }
            cut = i;
        }
        Vec::new()
    }

    /// A member chain of a class: a method (through base classes), or an attribute whose type
    /// is known, and so on.
    fn member(
        &self,
        class: &str,
        rest: &[&str],
        fns: &HashMap<String, Vec<usize>>,
        depth: u8,
    ) -> Vec<usize> {
        if depth > 6 || rest.is_empty() {
            return Vec::new();
        }
        let Some(entry) = self.classes.get(class) else {
            return Vec::new();
        };
        if rest.len() == 1 {
            if let Some(ids) = fns.get(&format!("{class}.{}", rest[0])) {
                return ids.clone();
            }
        } else if let Some(t) = entry.attrs.get(rest[0]) {
            let t = self.canonical_any(t);
            let ids = self.member(&t, &rest[1..], fns, depth + 1);
            if !ids.is_empty() {
                return ids;
            }
        }
        for b in &entry.bases {
            let b = self.canonical_any(b);
            let ids = self.member(&b, rest, fns, depth + 1);
            if !ids.is_empty() {
                return ids;
            }
        }
        Vec::new()
    }

    /// Canonical form of a class target from any language (the target's own shape tells).
    fn canonical_any(&self, t: &str) -> String {
        if self.classes.contains_key(t) {
            return t.to_string();
        }
        if t.contains(':') {
            return self.canonical(Language::JavaScript, t);
        }
        if t.contains('/') {
            return self.canonical(Language::Go, t);
        }
        self.canonical(Language::Python, t)
    }
}

/// A Go target's package part and the rest: `github.com/a/b/jobs.Store.Save` →
/// (`github.com/a/b/jobs`, `Store.Save`).
fn split_go(target: &str) -> (&str, &str) {
    let from = target.rfind('/').map_or(0, |i| i + 1);
    match target[from..].find('.') {
        Some(i) => (&target[..from + i], &target[from + i + 1..]),
        None => (target, ""),
    }
}

fn join_rest(key: &str, rest: &str) -> String {
    if rest.is_empty() {
        key.to_string()
    } else {
        format!("{key}.{rest}")
    }
}

/// The dotted name a Python file is imported by from the top of its package chain, when that
/// differs from its path (a `src/` layout); `None` when the file is not in a package.
fn python_canonical(path: &str, packages: &HashSet<&str>) -> Option<String> {
    let module = crate::script::module_name(path);
    let dir = path.rsplit_once('/').map(|(d, _)| d)?;
    if !packages.contains(dir) {
        // A namespace package or a plain directory: `src/` is a source root by convention.
        return module.strip_prefix("src.").map(str::to_string);
    }
    let mut top = dir;
    while let Some((parent, _)) = top.rsplit_once('/') {
        if packages.contains(parent) {
            top = parent;
        } else {
            break;
        }
    }
    let prefix = top.rsplit_once('/').map(|(p, _)| p)?;
    let dotted_prefix = format!("{}.", prefix.replace('/', "."));
    module.strip_prefix(&dotted_prefix).map(str::to_string)
}

#[cfg(test)]
mod tests;
