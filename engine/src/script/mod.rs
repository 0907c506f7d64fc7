//! rhai predicates: the one sandboxed script engine, the host API, compile and evaluate.
//!
//! The engine is built in exactly one function ([`engine`]) and shared by compilation and
//! evaluation, so production and tests configure it identically (the Apollo Router habit).
//! Scripts are compiled once, when their pack loads, and evaluated per candidate match.
//!
//! Sandbox: no module imports (no file access), no `eval`, no `print` output, strict variables
//! (a typo is a compile error), and limits on operations, call depth, expression depth, string,
//! array and map sizes. The host types are read-only: getters and pure functions only.

mod host;
#[cfg(feature = "script-profile")]
pub mod profile;

pub(crate) use host::string_glob;
pub use host::{module_name, FileHandle, HOST_FUNCTIONS};

use crate::file::{FileCtx, NodeRef};
use crate::model::Severity;
use crate::pack::Origin;
use crate::vocab::Vocabularies;
use rhai::{Dynamic, Scope, AST};
use std::cell::RefCell;
use std::sync::{Arc, OnceLock};
use tree_sitter::Node;

/// Limits for one evaluation of one predicate. Generous for honest predicates (which run a few
/// hundred operations), tight enough that an endless loop ends in milliseconds.
pub const MAX_OPERATIONS: u64 = 200_000;
pub const MAX_CALL_LEVELS: usize = 32;
pub const MAX_EXPR_DEPTH: usize = 64;
pub const MAX_FN_EXPR_DEPTH: usize = 32;
pub const MAX_STRING_SIZE: usize = 2 * 1024 * 1024;
pub const MAX_ARRAY_SIZE: usize = 100_000;
pub const MAX_MAP_SIZE: usize = 10_000;

/// Operations allowed to one project-level predicate: it runs once per run over every record of
/// the project (pairs of publishers and subscribers, say), so it gets more room than a per-match
/// predicate, and is still stopped in well under a second if it never ends.
pub const MAX_PROJECT_OPERATIONS: u64 = 20_000_000;

/// Array and map sizes allowed to a project-level predicate. rhai counts the elements of nested
/// arrays and maps together, and `facts` holds every record of the project (a few hundred models
/// with their columns already pass 10,000 entries), so the per-match limits would stop honest
/// predicates on large repositories. The facts are built by the engine and already in memory.
pub const MAX_PROJECT_ARRAY_SIZE: usize = 5_000_000;
pub const MAX_PROJECT_MAP_SIZE: usize = 5_000_000;
/// String size allowed to a project-level predicate. rhai also adds up the strings nested in
/// arrays and maps, and the records of a large repository (qualified names, source texts) hold
/// more than the per-match 2 MiB.
pub const MAX_PROJECT_STRING_SIZE: usize = 256 * 1024 * 1024;

/// The shared, fully configured script engine.
pub fn engine() -> &'static rhai::Engine {
    static ENGINE: OnceLock<rhai::Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        build_engine(
            MAX_OPERATIONS,
            MAX_STRING_SIZE,
            MAX_ARRAY_SIZE,
            MAX_MAP_SIZE,
        )
    })
}

/// The engine of project-level predicates: the same sandbox with a larger operation budget and
/// room for the project's facts.
pub fn project_engine() -> &'static rhai::Engine {
    static ENGINE: OnceLock<rhai::Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        build_engine(
            MAX_PROJECT_OPERATIONS,
            MAX_PROJECT_STRING_SIZE,
            MAX_PROJECT_ARRAY_SIZE,
            MAX_PROJECT_MAP_SIZE,
        )
    })
}

fn build_engine(
    max_operations: u64,
    max_string: usize,
    max_array: usize,
    max_map: usize,
) -> rhai::Engine {
    let mut e = rhai::Engine::new();
    e.disable_symbol("eval");
    e.on_print(|_| {});
    e.on_debug(|_, _, _| {});
    e.set_strict_variables(true);
    e.set_max_operations(max_operations);
    e.set_max_call_levels(MAX_CALL_LEVELS);
    e.set_max_expr_depths(MAX_EXPR_DEPTH, MAX_FN_EXPR_DEPTH);
    e.set_max_string_size(max_string);
    e.set_max_array_size(max_array);
    e.set_max_map_size(max_map);
    // No string interning. rhai interns every string a `let` binds and every loop variable's
    // name in one cache shared by all threads (a lock per use); once the cache holds its
    // maximum, each new string scans all of it to evict one. Node texts are mostly distinct, so
    // the cache only churned: about 1.4% of a full check's instructions with every pack on.
    e.set_max_strings_interned(0);
    host::register(&mut e);
    #[cfg(feature = "script-profile")]
    profile::install(&mut e);
    e
}

/// A compiled predicate.
#[derive(Debug, Clone)]
pub struct Predicate {
    ast: AST,
    /// Keys this predicate's evaluation state on each thread (see [`Runtime`]).
    id: u64,
    /// Where the script text sits in its pack file.
    pub origin: Origin,
    text: String,
    /// (capture name, variable name) in query capture order.
    vars: Vec<(String, String)>,
}

/// Words rhai reserves, which a capture cannot be named as.
const RESERVED: &[&str] = &[
    "call",
    "curry",
    "fn",
    "this",
    "type_of",
    "print",
    "debug",
    "eval",
    "Fn",
    "is_def_fn",
    "is_def_var",
    "is_shared",
    "let",
    "const",
    "if",
    "else",
    "switch",
    "do",
    "while",
    "loop",
    "until",
    "for",
    "in",
    "continue",
    "break",
    "return",
    "throw",
    "try",
    "catch",
    "import",
    "export",
    "as",
    "global",
    "private",
    "true",
    "false",
    "var",
    "static",
    "shared",
    "with",
    "goto",
    "exit",
    "match",
    "case",
    "public",
    "protected",
    "new",
    "use",
    "module",
    "package",
    "super",
    "thread",
    "spawn",
    "go",
    "await",
    "async",
    "sync",
    "yield",
    "default",
    "void",
    "null",
    "nil",
    "file",
];

/// Whether a word is reserved in rhai (and so cannot name a capture used by a predicate).
pub fn is_reserved(word: &str) -> bool {
    RESERVED.contains(&word)
}

/// The variable name a capture is visible under: `@fn.name` is `fn_name`.
pub fn var_name(capture: &str) -> String {
    capture
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The message of a compile error, with what to do instead where the pack language differs
/// from rhai's: predicates have no modules (rhai's `no_module`), so `import`/`export` are
/// reserved words and the automatic `global::` namespace of top-level constants does not exist.
fn compile_message(e: &rhai::ParseErrorType) -> String {
    use rhai::ParseErrorType as P;
    match e {
        P::Reserved(w) if w == "import" || w == "export" => format!(
            "`{w}` is not available: predicates have no modules; put shared functions in the pack's predicate library (`predicate_lib`)"
        ),
        P::VariableUndefined(v) if v == "global" => "`global::` is not available: predicates have no modules, and functions see only their parameters; pass the value as an argument".to_string(),
        other => other.to_string(),
    }
}

/// Compiles a predicate with the capture names of its query in scope. Errors are (line, column
/// within the script, message).
pub fn compile(
    text: &str,
    origin: Origin,
    captures: &[String],
    lib: Option<&AST>,
) -> Result<Predicate, (usize, usize, String)> {
    let vars: Vec<(String, String)> = captures.iter().map(|c| (c.clone(), var_name(c))).collect();
    for (c, v) in &vars {
        if RESERVED.contains(&v.as_str()) {
            return Err((
                1,
                1,
                format!("capture `@{c}` is a reserved word in rhai and cannot be a variable; rename the capture (e.g. `@{c}_node`)"),
            ));
        }
    }
    let mut scope = Scope::new();
    for (_, v) in &vars {
        scope.push_dynamic(v.as_str(), Dynamic::UNIT);
    }
    scope.push_dynamic("file", Dynamic::UNIT);
    let ast = engine().compile_with_scope(&scope, text).map_err(|e| {
        let pos = e.position();
        (
            pos.line().unwrap_or(1),
            pos.position().unwrap_or(1),
            compile_message(e.err_type()),
        )
    })?;
    #[allow(unused_mut)]
    let mut ast = match lib {
        Some(lib) => lib.merge(&ast),
        None => ast,
    };
    // The profile names each step by its predicate's place in the pack.
    #[cfg(feature = "script-profile")]
    ast.set_source(origin.describe(text, 1, 1));
    Ok(Predicate {
        ast,
        id: NEXT_PREDICATE.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        origin,
        text: text.to_string(),
        vars,
    })
}

/// A compiled project-level predicate (`[[project_detector]]`).
#[derive(Debug, Clone)]
pub struct ProjectScript {
    ast: AST,
    pub origin: Origin,
    text: String,
}

/// Compiles a project predicate with `facts` and `project` in scope.
pub fn compile_project(
    text: &str,
    origin: Origin,
    lib: Option<&AST>,
) -> Result<ProjectScript, (usize, usize, String)> {
    let mut scope = Scope::new();
    scope.push_dynamic("facts", Dynamic::UNIT);
    scope.push_dynamic("project", Dynamic::UNIT);
    let ast = project_engine()
        .compile_with_scope(&scope, text)
        .map_err(|e| {
            let pos = e.position();
            (
                pos.line().unwrap_or(1),
                pos.position().unwrap_or(1),
                compile_message(e.err_type()),
            )
        })?;
    #[allow(unused_mut)]
    let mut ast = match lib {
        Some(lib) => lib.merge(&ast),
        None => ast,
    };
    #[cfg(feature = "script-profile")]
    ast.set_source(origin.describe(text, 1, 1));
    Ok(ProjectScript {
        ast,
        origin,
        text: text.to_string(),
    })
}

impl ProjectScript {
    /// Runs the predicate; returns what it returned.
    pub fn eval(
        &self,
        facts: rhai::Map,
        project: rhai::Map,
        vocab: &Arc<Vocabularies>,
    ) -> Result<Dynamic, ScriptError> {
        let mut scope = Scope::new();
        scope.push("facts", facts);
        scope.push("project", project);
        VOCAB.with(|v| *v.borrow_mut() = Some(Arc::clone(vocab)));
        let result = project_engine().eval_ast_with_scope::<Dynamic>(&mut scope, &self.ast);
        // The last step's time ends here, not at the next script's first step.
        #[cfg(feature = "script-profile")]
        profile::end_eval();
        VOCAB.with(|v| *v.borrow_mut() = None);
        result.map_err(|err| script_error(&self.origin, &self.text, &err, MAX_PROJECT_OPERATIONS))
    }

    /// `pack-file:line:col` of the script's first line, for errors about its result.
    pub fn location(&self) -> String {
        self.origin.describe(&self.text, 1, 1)
    }
}

/// Compiles a pack's predicate library; only its `fn` definitions are kept. Errors are (line, column, message).
pub fn compile_lib(text: &str) -> Result<AST, (usize, usize, String)> {
    let ast = engine().compile(text).map_err(|e| {
        let pos = e.position();
        (
            pos.line().unwrap_or(1),
            pos.position().unwrap_or(1),
            compile_message(e.err_type()),
        )
    })?;
    // Only the functions are kept: top-level statements of a library would otherwise run before
    // every predicate.
    Ok(ast.clone_functions_only())
}

/// What a predicate decided.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Veto: not a finding.
    Drop,
    /// Report, optionally with a severity and template variables.
    Keep {
        severity: Option<Severity>,
        vars: Vec<(String, String)>,
        /// `report: node`: report the finding at this node instead of the query's.
        report: Option<NodeRef>,
        /// `severity_by_context: #{ request: "HIGH", other: "MEDIUM" }`: settled after the
        /// project phase.
        severity_by_context: Option<crate::exec_context::SeverityByContext>,
    },
}

/// A predicate that failed or hit a limit, located in its pack file.
#[derive(Debug, Clone)]
pub struct ScriptError {
    /// `pack-file:line:col` of the failing statement.
    pub location: String,
    pub message: String,
    pub limit_hit: bool,
}

/// Numbers predicates for [`Runtime`]: unique for the life of the process, so a state is never
/// reused for another script, even when a predicate's memory is.
static NEXT_PREDICATE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// What rhai keeps between statements while a script runs: its global state and its
/// function-resolution cache, kept per predicate and thread from one match to the next.
///
/// `Engine::eval_ast_with_scope` starts both afresh at every call, so each evaluation resolved
/// every function it called again, searching the script's library, the engine's host
/// functions and the standard packages. A predicate's script and its engine never change, so a
/// resolution made for one match holds for every other; the cache is kept across matches
/// (about 1% of a check's instructions with every built-in pack on; bench/README.md, round
/// nine). What belongs to one evaluation is reset before each: the operation count, which the
/// operation limit is checked against. (Top-level constants live in the run's scope: without
/// modules, rhai keeps no copy of them in the global state for functions to read.) A run that
/// fails leaves its state behind and the next starts from a new one.
///
/// It uses rhai's `internals` API (`eval_statements_raw`, the global state's fields), which
/// `eval_ast_with_scope` itself is built on; the rhai version is pinned to a minor release in
/// the workspace manifest for that reason. Test: `each_match_starts_afresh`.
struct Runtime {
    global: rhai::GlobalRuntimeState,
    caches: rhai::Caches,
}

thread_local! {
    static RUNTIMES: RefCell<crate::FastMap<u64, Runtime>> = RefCell::new(Default::default());
}

/// Kept runtimes per thread before the table is emptied. Built-in packs have a few hundred
/// predicates; an embedding program that builds engines again and again leaves the runtimes of
/// dropped predicates behind, and this bounds them.
const MAX_RUNTIMES: usize = 4096;

impl Runtime {
    fn new(ast: &AST) -> Self {
        let mut global = engine().new_global_runtime_state();
        global.lib.push(ast.shared_lib().clone());
        global.source = ast.source().map(rhai::ImmutableString::from);
        let mut caches = rhai::Caches::new();
        // The cache at the bottom of the stack outlives each evaluation; rhai pushes one only
        // when the stack is empty.
        caches.push_fn_resolution_cache();
        Runtime { global, caches }
    }

    /// Evaluates `ast` as `Engine::eval_ast_with_scope` would, with the state kept for `id`.
    fn eval(id: u64, ast: &AST, scope: &mut Scope) -> Result<Dynamic, Box<rhai::EvalAltResult>> {
        // Taken out of the table while the script runs, so a host function that evaluates
        // another predicate on this thread finds the table free.
        let mut rt = RUNTIMES
            .with(|r| r.borrow_mut().remove(&id))
            .unwrap_or_else(|| Runtime::new(ast));
        // The operation limit is per evaluation.
        rt.global.num_operations = 0;
        #[allow(deprecated)]
        let result =
            engine().eval_statements_raw(&mut rt.global, &mut rt.caches, scope, ast.statements());
        #[cfg(feature = "script-profile")]
        profile::end_eval();
        // A failed run may leave state half-restored; the next evaluation starts afresh.
        if result.is_ok() {
            RUNTIMES.with(|r| {
                let mut r = r.borrow_mut();
                if r.len() >= MAX_RUNTIMES {
                    r.clear();
                }
                r.insert(id, rt);
            });
        }
        result
    }
}

thread_local! {
    /// The vocabularies of the detector whose predicate is running on this thread.
    static VOCAB: RefCell<Option<Arc<Vocabularies>>> = const { RefCell::new(None) };
}

thread_local! {
    /// The project's execution contexts while project predicates run on this thread.
    static EXEC: RefCell<Option<Arc<crate::exec_context::ExecContext>>> = const { RefCell::new(None) };
}

/// Runs `f` with the execution contexts visible to the host functions of project predicates.
pub(crate) fn with_exec<R>(
    exec: Option<Arc<crate::exec_context::ExecContext>>,
    f: impl FnOnce() -> R,
) -> R {
    EXEC.with(|e| *e.borrow_mut() = exec);
    let r = f();
    EXEC.with(|e| *e.borrow_mut() = None);
    r
}

pub(crate) fn exec_context() -> Option<Arc<crate::exec_context::ExecContext>> {
    EXEC.with(|e| e.borrow().clone())
}

pub(crate) fn with_vocab<R>(f: impl FnOnce(Option<&Vocabularies>) -> R) -> R {
    VOCAB.with(|v| f(v.borrow().as_deref()))
}

/// Which pack's predicate is running on this thread, as a number: the address of its pack's
/// vocabulary table, which every pack has its own of. It keeps one pack's `node.memo` keys
/// apart from another's without the packs agreeing on prefixes.
pub(crate) fn pack_namespace() -> usize {
    VOCAB.with(|v| v.borrow().as_ref().map_or(0, |a| Arc::as_ptr(a) as usize))
}

impl Predicate {
    /// Evaluates the predicate for one match. `nodes` gives, per capture in query order, the
    /// captured node (or `None` when an optional capture did not match).
    pub fn eval(
        &self,
        file: &Arc<FileCtx>,
        nodes: &[Option<Node<'_>>],
        vocab: &Arc<Vocabularies>,
    ) -> Result<Outcome, ScriptError> {
        self.outcome(self.eval_value(file, nodes, vocab)?)
    }

    /// Evaluates the predicate for one match and returns its raw value (extractors).
    pub fn eval_value(
        &self,
        file: &Arc<FileCtx>,
        nodes: &[Option<Node<'_>>],
        vocab: &Arc<Vocabularies>,
    ) -> Result<Dynamic, ScriptError> {
        let mut scope = Scope::new();
        for ((_, var), node) in self.vars.iter().zip(nodes) {
            let value = match node {
                Some(n) => Dynamic::from(NodeRef::new(file, *n)),
                None => Dynamic::UNIT,
            };
            scope.push_dynamic(var.as_str(), value);
        }
        scope.push("file", FileHandle(Arc::clone(file)));
        VOCAB.with(|v| *v.borrow_mut() = Some(Arc::clone(vocab)));
        let result = Runtime::eval(self.id, &self.ast, &mut scope);
        VOCAB.with(|v| *v.borrow_mut() = None);
        result.map_err(|err| self.error(&err))
    }

    /// `pack-file:line:col` of the script's first line, for errors about its result.
    pub fn location(&self) -> String {
        self.origin.describe(&self.text, 1, 1)
    }

    fn outcome(&self, value: Dynamic) -> Result<Outcome, ScriptError> {
        // Read without cloning the value first: a returned map would be copied whole.
        if let Ok(b) = value.as_bool() {
            return Ok(if b {
                Outcome::Keep {
                    severity: None,
                    vars: Vec::new(),
                    report: None,
                    severity_by_context: None,
                }
            } else {
                Outcome::Drop
            });
        }
        if value.is_map() {
            let map = value.cast::<rhai::Map>();
            let mut severity = None;
            let mut vars = Vec::new();
            let mut report = None;
            let mut by_context = None;
            for (k, v) in map {
                if k == "report" {
                    report = Some(v.clone().try_cast::<NodeRef>().ok_or_else(|| ScriptError {
                        location: self.origin.describe(&self.text, 1, 1),
                        message: format!(
                            "predicate returned `report` of type `{}`; it must be a node",
                            v.type_name()
                        ),
                        limit_hit: false,
                    })?);
                } else if k == "severity" {
                    let s = v.to_string();
                    severity = Some(Severity::parse(&s).ok_or_else(|| ScriptError {
                        location: self.origin.describe(&self.text, 1, 1),
                        message: format!(
                            "predicate returned severity `{s}`; expected LOW, MEDIUM, HIGH or CRITICAL"
                        ),
                        limit_hit: false,
                    })?);
                } else if k == "severity_by_context" {
                    let table = v
                        .clone()
                        .try_cast::<rhai::Map>()
                        .ok_or_else(|| {
                            format!(
                                "predicate returned `severity_by_context` of type `{}`; it must be a map such as #{{ request: \"HIGH\", other: \"MEDIUM\" }}",
                                v.type_name()
                            )
                        })
                        .and_then(|m| crate::exec_context::SeverityByContext::from_map(&m))
                        .map_err(|message| ScriptError {
                            location: self.origin.describe(&self.text, 1, 1),
                            message,
                            limit_hit: false,
                        })?;
                    by_context = Some(table);
                } else if let Some(n) = v.read_lock::<NodeRef>() {
                    vars.push((k.to_string(), n.text().to_string()));
                } else {
                    vars.push((k.to_string(), v.to_string()));
                }
            }
            vars.sort();
            return Ok(Outcome::Keep {
                severity,
                vars,
                report,
                severity_by_context: by_context,
            });
        }
        Err(ScriptError {
            location: self.origin.describe(&self.text, 1, 1),
            message: format!(
                "predicate returned a value of type `{}`; return true (report), false (veto) or a map such as #{{ severity: \"LOW\" }}",
                value.type_name()
            ),
            limit_hit: false,
        })
    }

    fn error(&self, err: &rhai::EvalAltResult) -> ScriptError {
        script_error(&self.origin, &self.text, err, MAX_OPERATIONS)
    }
}

fn script_error(
    origin: &Origin,
    text: &str,
    err: &rhai::EvalAltResult,
    max_operations: u64,
) -> ScriptError {
    {
        let pos = err.position();
        let (line, col) = (pos.line().unwrap_or(1), pos.position().unwrap_or(1));
        use rhai::EvalAltResult as E;
        let limit_hit = matches!(
            err,
            E::ErrorTooManyOperations(..)
                | E::ErrorStackOverflow(..)
                | E::ErrorDataTooLarge(..)
                | E::ErrorTooManyModules(..)
        );
        let message = match err {
            E::ErrorTooManyOperations(..) => format!(
                "predicate stopped after {max_operations} operations (an endless or very long loop?)"
            ),
            E::ErrorStackOverflow(..) => {
                format!("predicate exceeded {MAX_CALL_LEVELS} nested calls")
            }
            E::ErrorDataTooLarge(what, ..) => format!("predicate exceeded the size limit of {what}"),
            other => format!("predicate failed: {}", strip_position(&other.to_string())),
        };
        ScriptError {
            location: origin.describe(text, line, col),
            message,
            limit_hit,
        }
    }
}

fn strip_position(s: &str) -> String {
    match s.rfind(" (line ") {
        Some(i) => s[..i].to_string(),
        None => s.to_string(),
    }
}
