//! F11, per file: the function index and the call sites of one file (CHECKS.md §2 F11, §3.6).
//!
//! Built during the engine's single walk over the tree (`Indexer::enter` and `Indexer::act`
//! run on every node the walk enters), so it costs no parse and no pass of its own. What one file can tell is
//! settled here: every function's qualified name, parameters, `async`, decorators, the class it
//! is a method of; and every call's target as far as the file's own imports, parameters and
//! assignments name it. Joining files (a target in another module, a method through an attribute
//! type or a base class) is the project phase's work ([`crate::exec_context`]).
//!
//! Qualified names, per language (the symbol is the dotted path of enclosing definitions;
//! anonymous functions are `<anonymous@LINE:COLUMN>`):
//! - Python: `<module>.<symbol>`, the module from the path (`app/jobs.py` → `app.jobs`;
//!   a package's `__init__.py` is the package): `app.jobs.Worker.run`.
//! - Go: `<package>.<symbol>`, the package being the file's directory (`internal/jobs`), or the
//!   package name for files at the root; methods are named by their receiver type:
//!   `internal/jobs.Store.Save`.
//! - JavaScript/TypeScript: `<module>:<symbol>`, the module being the path without extension:
//!   `src/routes/users:listUsers`, `src/users.controller:UsersController.findAll`.
//!
//! Call targets use the same forms with absolute module parts (a Python import path, a Go import
//! path or package directory, a JavaScript module path); an attribute chain may follow a class
//! (`app.repo.JobRepo.session.add`) and is resolved through attribute types later. A call the
//! file cannot name (a method of an untyped value, a builtin) has no target: unresolved calls
//! make no edge.

mod go;
mod js;
mod python;

use crate::file::FileCtx;
use crate::lang::Language;
use crate::lang::NodeExt;
use crate::query::guard::FieldMemo;
use std::sync::{Arc, OnceLock};
use tree_sitter::Node;

/// How a call site is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Caller {
    /// Inside the function with this index in [`FileGraph::functions`].
    Function(usize),
    /// Module (package) level code.
    Module,
    /// Python code under `if __name__ == "__main__":`.
    Main,
}

/// One function of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    /// Qualified name (see the module docs).
    pub qname: String,
    /// The function's own name (`run`, `<anonymous@12:5>`).
    pub name: String,
    /// 1-based line of the definition (the `def`/`func`/`function` keyword's line).
    pub line: usize,
    /// 1-based first line, decorators included.
    pub start_line: usize,
    /// 1-based last line.
    pub end_line: usize,
    /// The enclosing function, if any (an index into the same list).
    pub parent: Option<usize>,
    /// Qualified name of the class (Go: receiver type) it is a method of.
    pub class: Option<String>,
    pub is_async: bool,
    /// Parameter texts, as written.
    pub params: Vec<String>,
    /// Decorator texts without `@` (Python; JavaScript/TypeScript decorators), outermost first.
    pub decorators: Vec<String>,
    /// Whether it has no name of its own.
    pub anonymous: bool,
}

/// A call from a function (or module code) to a target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallSite {
    pub caller: Caller,
    /// The callee's qualified name, absolute (see the module docs).
    pub target: String,
    /// 1-based line of the call.
    pub line: usize,
}

/// A class (Go: a named struct type) and what the project phase needs to follow attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Class {
    pub qname: String,
    /// Base classes as targets (Python bases, JavaScript `extends`; Go embedded fields).
    pub bases: Vec<String>,
    /// Attribute (field) name → type target: Python `self.x = X(…)` and annotations, Go struct
    /// fields, TypeScript constructor parameter properties and `this.x = new X()`.
    pub attrs: Vec<(String, String)>,
}

/// Everything one file contributes to the project's call graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileGraph {
    pub file: String,
    pub language: Language,
    /// The prefix of the file's qualified names.
    pub module: String,
    pub functions: Vec<Function>,
    /// Resolved calls, once per caller and target. In a check whose packs neither name entry
    /// points nor read call edges, only the calls an execution context depends on (see
    /// [`Indexer::new`]); [`index`] keeps them all.
    pub calls: Vec<CallSite>,
    pub classes: Vec<Class>,
    /// Other names symbols are reachable by: (alias, qualified name), e.g. a JavaScript module's
    /// `default` export.
    pub aliases: Vec<(String, String)>,
    /// Go: the package clause's name.
    pub package: Option<String>,
}

impl FileGraph {
    /// The separator between module and symbol in this file's qualified names.
    pub fn separator(&self) -> char {
        separator(self.language)
    }
}

/// The separator between module and symbol: `:` for JavaScript/TypeScript, `.` otherwise.
pub fn separator(lang: Language) -> char {
    match lang {
        Language::Python | Language::Go => '.',
        _ => ':',
    }
}

/// The module part of the qualified names of a file.
pub fn module_key(file: &FileCtx) -> String {
    match file.language {
        Language::Python => crate::script::module_name(&file.path),
        Language::Go => go::package_key(file),
        _ => js::module_of_path(&file.path),
    }
}

/// The qualified name of a function or class definition node (`qualified_name(fn)` in
/// predicates). The same string the index gives the definition.
pub fn qualified_name(file: &FileCtx, node: Node<'_>) -> String {
    let chain = crate::semantics::ancestors(file, node);
    // Outermost first, then the node itself.
    let mut nodes: Vec<Node<'_>> = chain.into_iter().rev().collect();
    nodes.push(node);
    let mut symbol = String::new();
    for i in 0..nodes.len() {
        let n = nodes[i];
        if !is_definition(file.language, n) {
            continue;
        }
        let parent = if i > 0 { Some(nodes[i - 1]) } else { None };
        let seg = segment(file, n, parent);
        if !symbol.is_empty() {
            symbol.push('.');
        }
        symbol.push_str(&seg);
    }
    format!("{}{}{symbol}", module_key(file), separator(file.language))
}

/// Qualified names of the functions enclosing a node, innermost first (empty at module level).
pub fn enclosing_functions(file: &FileCtx, node: Node<'_>) -> Vec<String> {
    let mut nodes: Vec<Node<'_>> = crate::semantics::ancestors(file, node)
        .into_iter()
        .rev()
        .collect();
    if crate::semantics::is_function(file.language, node) {
        nodes.push(node);
    }
    let prefix = format!("{}{}", module_key(file), separator(file.language));
    let mut symbol = String::new();
    let mut out = Vec::new();
    for i in 0..nodes.len() {
        let n = nodes[i];
        if !is_definition(file.language, n) {
            continue;
        }
        let parent = if i > 0 { Some(nodes[i - 1]) } else { None };
        if !symbol.is_empty() {
            symbol.push('.');
        }
        symbol.push_str(&segment(file, n, parent));
        if crate::semantics::is_function(file.language, n) {
            out.push(format!("{prefix}{symbol}"));
        }
    }
    out.reverse();
    out
}

/// The target an expression names (`target_name(expr)` in predicates): a function or method
/// referenced by name (`views.list_jobs`, `s.handleJobs`, `listUsers`), as the qualified name
/// the project phase resolves. `None` when the file cannot name it.
///
/// Kept per node and file: the `#names-function?` query predicate and the script behind it ask
/// for the same callee.
pub fn target_name(file: &FileCtx, node: Node<'_>) -> Option<String> {
    if let Some(t) = crate::semantics::lock(&file.target_cache).get(&node.id()) {
        return t.as_deref().map(str::to_string);
    }
    let t = qualify_target(file, node);
    crate::semantics::lock(&file.target_cache).insert(node.id(), t.as_deref().map(Into::into));
    t
}

fn qualify_target(file: &FileCtx, node: Node<'_>) -> Option<String> {
    // An expression that names nothing (`f()[0]`, a literal) needs no frames.
    let raw = raw_reference(file, node)?;
    let chain = crate::semantics::ancestors(file, node);
    let functions: Vec<Node<'_>> = chain
        .iter()
        .rev()
        .copied()
        .filter(|n| crate::semantics::is_function(file.language, *n))
        .collect();
    // Frames for the enclosing functions, innermost first, built once per function and file
    // (every call a predicate names in the function asks for the same frames).
    let mut infos: Vec<std::sync::Arc<FnInfo>> = Vec::new();
    for f in functions.iter().rev() {
        let info = crate::file::cached(&file.frame_cache, f.id(), || {
            let parent = crate::semantics::ancestors_iter(file, *f).next();
            let qname = qualified_name(file, *f);
            let class = method_class(file, *f, parent);
            let mut info = fn_info(file, *f, parent, qname, class);
            info.nested = nested_definitions(file, *f);
            info
        });
        infos.push(info);
    }
    let chain: Vec<&FnInfo> = infos.iter().map(|i| &**i).collect();
    let ctx = FileKnowledge::from_tree(file);
    absolutize(file, &raw, &chain, &ctx)
}

/// Whether a node is a definition that names a symbol segment (a function or a class).
fn is_definition(lang: Language, n: Node<'_>) -> bool {
    crate::semantics::is_function(lang, n) || class_kinds(lang).contains(&n.kind_str())
}

fn class_kinds(lang: Language) -> &'static [&'static str] {
    match lang {
        Language::Python => &["class_definition"],
        // Go methods are not nested in their type; the receiver names them.
        Language::Go => &[],
        _ => &["class_declaration", "class", "abstract_class_declaration"],
    }
}

/// The symbol segment of a definition: its name, or `<anonymous@L:C>`.
fn segment(file: &FileCtx, def: Node<'_>, parent: Option<Node<'_>>) -> String {
    let named = match file.language {
        Language::Python => python::name(file, def, parent),
        Language::Go => go::name(file, def, parent),
        _ => js::name(file, def, parent),
    };
    named.unwrap_or_else(|| anonymous_name(file, def))
}

fn anonymous_name(file: &FileCtx, def: Node<'_>) -> String {
    let (line, col) = file.line_col(def.start_byte());
    format!("<anonymous@{line}:{col}>")
}

/// The class a function is a method of (Go: its receiver type), as a qualified name.
fn method_class(file: &FileCtx, f: Node<'_>, parent: Option<Node<'_>>) -> Option<String> {
    match file.language {
        Language::Go => go::receiver_type(file, f),
        _ => {
            // A method's definition sits in the class body (Python: `block`, maybe under a
            // `decorated_definition`; JS: `class_body`).
            let mut p = parent?;
            if p.kind_str() == "decorated_definition" {
                p = crate::semantics::ancestors_iter(file, p).next()?;
            }
            if !matches!(p.kind_str(), "block" | "class_body") {
                return None;
            }
            let class = crate::semantics::ancestors_iter(file, p).next()?;
            class_kinds(file.language)
                .contains(&class.kind_str())
                .then(|| qualified_name(file, class))
        }
    }
}

/// What one function tells about names used inside it.
#[derive(Debug, Clone, Default)]
pub(crate) struct FnInfo {
    pub qname: String,
    /// Python `self`/`cls`, Go receiver, JavaScript `this` (methods only).
    pub self_name: Option<String>,
    pub class: Option<String>,
    /// Parameter names.
    pub params: Vec<String>,
    /// Parameter / local variable name → raw type reference (resolved later).
    pub types: Vec<(String, Raw)>,
    /// Nested definitions: name → qualified name.
    pub nested: Vec<(String, String)>,
    /// Other local variables (assigned in the function): they shadow module-level names.
    pub locals: Vec<String>,
    /// JavaScript arrow functions do not bind `this`.
    pub is_arrow: bool,
    /// TypeScript parameter properties (`constructor(private repo: Repo)`): name → type.
    pub properties: Vec<(String, Raw)>,
}

/// A reference as the file writes it, before it is made absolute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Raw {
    /// A P1-resolved name (the value of a module-level assignment): `fastapi.APIRouter()`,
    /// `$JobService()`.
    Resolved(Arc<str>),
    /// An absolute target already (a Go type computed from a parameter's type).
    Absolute(String),
    /// A chain of names as written: root identifier (or `this`) and attribute names
    /// (`self.repo.save` is `self` + [repo, save]). Resolved at the end of the file against
    /// the enclosing functions and the module's bindings, without building per-function
    /// binding tables.
    Chain(Dotted),
}

/// A chain of names kept as the one string `root.a.b`: the indexer makes one for every call it
/// indexes, where a root with a list of attribute names took a string per name and a vector,
/// and resolving it appends the suffix instead of joining names (callgrind, prefect with
/// asyncio and python-core: 4 M instructions fewer; most chains are a bare name or one
/// attribute). Names hold no dots (identifiers, `this`), so the segments are the text between
/// them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Dotted {
    text: String,
    root_len: usize,
}

impl Dotted {
    /// The chain of `root` and then `path` (outermost attribute last).
    pub(crate) fn new<'a>(root: &str, path: impl Iterator<Item = &'a str> + Clone) -> Dotted {
        // Sized once: a string grown name by name reallocated as often as it grew.
        let len = root.len() + path.clone().map(|p| p.len() + 1).sum::<usize>();
        let mut text = String::with_capacity(len);
        text.push_str(root);
        for p in path {
            text.push('.');
            text.push_str(p);
        }
        Dotted {
            text,
            root_len: root.len(),
        }
    }

    /// The chain whose attribute names were met from the outside in (`save`, then `repo`, for
    /// `self.repo.save`), as a walk down an expression meets them.
    pub(crate) fn from_outside_in(root: &str, outside_in: &[&str]) -> Dotted {
        Dotted::new(root, outside_in.iter().rev().copied())
    }

    pub(crate) fn root(&self) -> &str {
        &self.text[..self.root_len]
    }

    /// `.a.b` after the root (empty for a bare name): what a resolved root is followed by.
    pub(crate) fn suffix(&self) -> &str {
        &self.text[self.root_len..]
    }

    /// The last name of the chain (the root when it has no attributes).
    pub(crate) fn last(&self) -> &str {
        self.text.rsplit('.').next().unwrap_or(&self.text)
    }
}

/// The first attribute name of a chain's suffix and the suffix after it: `("a", ".b")` for
/// `.a.b`; `None` for an empty suffix.
fn split_first_segment(suffix: &str) -> Option<(&str, &str)> {
    let rest = suffix.strip_prefix('.')?;
    let end = rest.find('.').unwrap_or(rest.len());
    Some((&rest[..end], &rest[end..]))
}

/// What the whole file knows: module-level definitions and bindings, and (JavaScript) relative
/// imports.
pub(crate) struct FileKnowledge<'f> {
    pub file: &'f FileCtx,
    pub module: &'f str,
    /// Module-level function and class names.
    pub defs: &'f [String],
    /// JavaScript: local name → (module path, imported name; `None` for a namespace).
    pub imports: &'f [(String, String, Option<String>)],
}

/// What [`FileKnowledge`] reads off a file, computed once per file ([`FileCtx`] keeps it):
/// `target_name` asks for it at every call a predicate names, and reading the module's
/// definitions each time cost more than the rest of the resolution.
#[derive(Debug, Default)]
pub(crate) struct KnowledgeData {
    module: String,
    defs: Vec<String>,
    imports: Vec<(String, String, Option<String>)>,
}

impl<'f> FileKnowledge<'f> {
    fn from_tree(file: &'f FileCtx) -> FileKnowledge<'f> {
        let data = file.knowledge.get_or_init(|| {
            let root = file.tree.root_node();
            let mut defs = Vec::new();
            let mut imports = Vec::new();
            match file.language {
                Language::Python => python::module_defs(file, root, &mut defs),
                Language::Go => go::module_defs(file, root, &mut defs),
                _ => {
                    js::module_defs(file, root, &mut defs);
                    imports = js::relative_imports(file, root);
                }
            }
            KnowledgeData {
                module: module_key(file),
                defs,
                imports,
            }
        });
        FileKnowledge {
            file,
            module: &data.module,
            defs: &data.defs,
            imports: &data.imports,
        }
    }

    fn defines(&self, name: &str) -> bool {
        self.defs.iter().any(|d| d == name)
    }
}

/// Parameters, types and receiver of a function definition node.
fn fn_info(
    file: &FileCtx,
    f: Node<'_>,
    parent: Option<Node<'_>>,
    qname: String,
    class: Option<String>,
) -> FnInfo {
    let mut info = FnInfo {
        qname,
        class,
        ..FnInfo::default()
    };
    match file.language {
        Language::Python => python::fn_info(
            file,
            f,
            &python::decorator_texts(file, parent),
            &mut info,
            None,
            true,
        ),
        Language::Go => go::fn_info(file, f, &mut info),
        _ => js::fn_info(file, f, parent, &mut info),
    }
    info
}

/// Definitions directly inside a function's body (one level; blocks of `if`/`try` included).
fn nested_definitions(file: &FileCtx, f: Node<'_>) -> Vec<(String, String)> {
    let Some(body) = f.field("body") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut stack = vec![body];
    while let Some(n) = stack.pop() {
        for child in file.named_children(n) {
            if crate::semantics::is_function(file.language, child) {
                if let Some(name) = crate::semantics::definition_name(file, child) {
                    out.push((name.to_string(), qualified_name(file, child)));
                }
            } else if child.kind_str() == "decorated_definition" {
                if let Some(def) = child.field("definition") {
                    if let Some(name) = crate::semantics::definition_name(file, def) {
                        out.push((name.to_string(), qualified_name(file, def)));
                    }
                }
            } else if matches!(
                child.kind_str(),
                "block"
                    | "statement_block"
                    | "if_statement"
                    | "else_clause"
                    | "try_statement"
                    | "lexical_declaration"
                    | "variable_declarator"
            ) {
                stack.push(child);
            }
        }
    }
    out
}

/// The raw reference of an expression naming a function (host `target_name`).
fn raw_reference(file: &FileCtx, node: Node<'_>) -> Option<Raw> {
    chain_of(file, node)
}

/// The chain of names an expression is (`a.b.c`; a call inside it is looked through:
/// `Repo(db).save` is `Repo` + `[save]`, a method of an instance).
pub(crate) fn chain_of(file: &FileCtx, node: Node<'_>) -> Option<Raw> {
    match file.language {
        Language::Python => python::chain(file, node),
        Language::Go => go::chain(file, node),
        _ => js::chain(file, node),
    }
}

/// Makes a raw reference absolute: `chain` are the functions enclosing the reference, innermost
/// first.
fn absolutize(
    file: &FileCtx,
    raw: &Raw,
    chain: &[&FnInfo],
    k: &FileKnowledge<'_>,
) -> Option<String> {
    absolutize_lang(file.language, raw, chain, k, 0)
}

fn absolutize_lang(
    lang: Language,
    raw: &Raw,
    chain: &[&FnInfo],
    k: &FileKnowledge<'_>,
    depth: u8,
) -> Option<String> {
    if depth > 3 {
        return None;
    }
    match raw {
        Raw::Absolute(s) => Some(s.clone()),
        Raw::Resolved(r) => {
            if r.contains('?') {
                return None;
            }
            // `X().m` is a method of an instance of X (a class, when the project knows one).
            let r = r.replace("()", "");
            let (head, rest) = match r.split_once('.') {
                Some((h, t)) => (h, Some(t)),
                None => (r.as_str(), None),
            };
            let join = |base: String| match rest {
                Some(t) => format!("{base}.{t}"),
                None => base,
            };
            if let Some(local) = head.strip_prefix('$') {
                for f in chain {
                    if f.self_name.as_deref() == Some(local) {
                        return f.class.clone().map(join);
                    }
                    if let Some((_, t)) = f.types.iter().rev().find(|(n, _)| n == local) {
                        let base = absolutize_lang(lang, t, chain, k, depth + 1)?;
                        return Some(join(base));
                    }
                    if let Some((_, q)) = f.nested.iter().find(|(n, _)| n == local) {
                        return Some(join(q.clone()));
                    }
                    if f.params.iter().any(|p| p == local) {
                        return None;
                    }
                }
                if k.defines(local) {
                    return Some(join(format!("{}{}{local}", k.module, separator(lang))));
                }
                return None;
            }
            match lang {
                // A bare name bound nowhere is a builtin (Python) …
                Language::Python => rest.is_some().then(|| r.clone()),
                // … or a function of the same package (Go).
                _ => match rest {
                    None => Some(format!("{}.{head}", k.module)),
                    Some(_) => Some(r.clone()),
                },
            }
        }
        Raw::Chain(d) => match lang {
            Language::Python | Language::Go => chain_target(lang, d, chain, k, depth),
            _ => js::absolutize(d.root(), d.suffix(), chain, k),
        },
    }
}

/// A Python or Go chain made absolute: the enclosing functions first (receiver, typed
/// parameters and locals, nested definitions; an untyped local ends it), then the module's
/// bindings (imports, definitions, assigned values).
fn chain_target(
    lang: Language,
    dotted: &Dotted,
    chain: &[&FnInfo],
    k: &FileKnowledge<'_>,
    depth: u8,
) -> Option<String> {
    let root = dotted.root();
    let join = |mut base: String| {
        base.push_str(dotted.suffix());
        base
    };
    for f in chain {
        if f.self_name.as_deref() == Some(root) {
            return f.class.clone().map(join);
        }
        if let Some((_, t)) = f.types.iter().rev().find(|(n, _)| n == root) {
            return absolutize_lang(lang, t, chain, k, depth + 1).map(join);
        }
        if let Some((_, q)) = f.nested.iter().find(|(n, _)| n == root) {
            return Some(join(q.clone()));
        }
        if f.params.iter().any(|p| p == root) || f.locals.iter().any(|p| p == root) {
            return None;
        }
    }
    use crate::semantics::Binding;
    match k.file.bindings().get(root) {
        Some(Binding::Import(q)) => Some(join(q.clone())),
        Some(Binding::Local) => k
            .defines(root)
            .then(|| join(format!("{}.{root}", k.module))),
        Some(Binding::Alias(start, end)) => {
            let value = crate::semantics::outermost_by_descent(k.file, *start, *end)?;
            if k.defines(root) {
                return Some(join(format!("{}.{root}", k.module)));
            }
            let r = crate::semantics::resolve_shared(k.file, value, Some(&[]));
            let mut full = r.to_string();
            full.push_str(dotted.suffix());
            absolutize_lang(lang, &Raw::Resolved(full.into()), &[], k, depth + 1)
        }
        // Python: a builtin; Go: a function of the same package in another file.
        None => (lang == Language::Go).then(|| join(format!("{}.{root}", k.module))),
    }
}

/// Node roles the indexer acts on, by kind id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    None,
    Function,
    Class,
    Call,
    /// JavaScript `new X()`.
    New,
    /// Python `decorated_definition`.
    Decorated,
    /// Python `assignment` (attribute types), Go `short_var_declaration` (local types),
    /// JavaScript `assignment_expression` (`this.x = new X()`).
    Assign,
    /// Python module-level `if_statement` (`if __name__ == "__main__":`).
    If,
}

/// By kind id: whether the indexer acts on nodes of the kind (the dispatching walk must not
/// leave them out; see `LangPlan::skip_tokens`).
pub(crate) fn acts_on(lang: Language) -> Vec<bool> {
    roles(lang)
        .iter()
        .map(|r| !matches!(r, Role::None))
        .collect()
}

fn roles(lang: Language) -> &'static [Role] {
    static TABLES: [OnceLock<Vec<Role>>; 5] = [
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
    ];
    let i = Language::ALL.iter().position(|l| *l == lang).unwrap_or(0);
    TABLES[i].get_or_init(|| {
        let grammar = lang.grammar();
        let mut table = vec![Role::None; grammar.node_kind_count()];
        let mut set = |names: &[&str], role: Role| {
            for id in 0..grammar.node_kind_count() as u16 {
                if grammar.node_kind_is_named(id)
                    && grammar
                        .node_kind_for_id(id)
                        .is_some_and(|k| names.contains(&k))
                {
                    table[usize::from(id)] = role;
                }
            }
        };
        set(lang.function_kinds(), Role::Function);
        set(class_kinds(lang), Role::Class);
        match lang {
            Language::Python => {
                set(&["call"], Role::Call);
                set(&["decorated_definition"], Role::Decorated);
                set(&["assignment", "for_statement"], Role::Assign);
                set(&["if_statement"], Role::If);
            }
            Language::Go => {
                set(&["call_expression"], Role::Call);
                set(
                    &["short_var_declaration", "var_spec", "range_clause"],
                    Role::Assign,
                );
                set(&["type_declaration"], Role::Class);
            }
            _ => {
                set(&["call_expression"], Role::Call);
                set(&["new_expression"], Role::New);
                set(&["assignment_expression"], Role::Assign);
            }
        }
        table
    })
}

struct Frame {
    depth: u32,
    def: Def,
}

#[derive(Clone, Copy)]
enum Def {
    Fn(usize),
    Class(usize),
}

struct RawCall {
    caller: Caller,
    raw: Raw,
    line: usize,
    /// JavaScript `new X()`: the constructor of X.
    constructor: bool,
}

struct ClassBuild {
    qname: String,
    bases: Vec<Raw>,
    attrs: Vec<(String, Raw)>,
    /// The function frames enclosing the class (for resolving its bases).
    scope: Vec<usize>,
}

/// Builds a [`FileGraph`] while the engine walks the tree.
pub(crate) struct Indexer<'t> {
    file: &'t FileCtx,
    roles: &'static [Role],
    module: String,
    /// The node at each depth of the walk's current path.
    path: Vec<Node<'t>>,
    frames: Vec<Frame>,
    functions: Vec<Function>,
    infos: Vec<FnInfo>,
    classes: Vec<ClassBuild>,
    calls: Vec<RawCall>,
    /// Whether calls made inside functions and at module level are indexed, or only those
    /// under Python's `if __name__ == "__main__":` (see [`Indexer::new`]).
    all_calls: bool,
    /// By function index: whether the function's locals and the types of its parameters and
    /// locals are collected. In Python without `all_calls` they resolve only the calls made in
    /// it and the classes defined in it, so they are collected only for functions that hold a
    /// class (a module-level `__main__` call resolves through no function). The rows of the
    /// node table that are class definitions tell which functions hold one (`class_rows`, made
    /// on first use); without a table, every function's are collected.
    full_info: Vec<bool>,
    class_rows: Option<Vec<u32>>,
    /// (caller, constructor, callee text) of every call indexed: a call spelled like an
    /// earlier one of the same caller has the same target, which `finish` would keep once (at
    /// the first line), so it is not indexed again. Not for Go, whose unresolved
    /// `ListenAndServe` calls `finish` keeps every time.
    seen_calls: std::collections::HashSet<(Caller, bool, &'t str), foldhash::fast::FixedState>,
    /// Byte range of Python's `if __name__ == "__main__":` block.
    main_block: Option<(usize, usize)>,
    /// The ids of the `function` and `constructor` fields in the file's grammar.
    function_field: Option<u16>,
    constructor_field: Option<u16>,
    /// The ids of an assignment's `left`, `right` and `type` fields.
    left_field: Option<u16>,
    right_field: Option<u16>,
    type_field: Option<u16>,
}

impl<'t> Indexer<'t> {
    /// An indexer of `file`. With `all_calls` false, the graph holds only the calls an
    /// execution context can depend on when no pack names entry points or reads call edges:
    /// those under Python's `if __name__ == "__main__":` (the command-line entry points) and every
    /// Go call (a `main` under `cmd/` is a command unless it starts a server). Functions, classes
    /// and their attributes are indexed either way.
    pub(crate) fn new(file: &'t FileCtx, all_calls: bool) -> Indexer<'t> {
        Indexer {
            file,
            roles: roles(file.language),
            module: module_key(file),
            path: Vec::with_capacity(64),
            frames: Vec::new(),
            functions: Vec::new(),
            infos: Vec::new(),
            classes: Vec::new(),
            calls: Vec::new(),
            all_calls: all_calls || file.language == Language::Go,
            full_info: Vec::new(),
            class_rows: None,
            seen_calls: Default::default(),
            main_block: None,
            function_field: file.language.field_id("function").map(|f| f.get()),
            constructor_field: file.language.field_id("constructor").map(|f| f.get()),
            left_field: file.language.field_id("left").map(|f| f.get()),
            right_field: file.language.field_id("right").map(|f| f.get()),
            type_field: file.language.field_id("type").map(|f| f.get()),
        }
    }

    /// Called by the walk for every node, in pre-order, with its depth (the root is 0), before
    /// [`Indexer::act`] on the same node.
    #[inline]
    pub(crate) fn enter(&mut self, node: Node<'t>, depth: u32) {
        self.path.truncate(depth as usize);
        self.path.push(node);
        while self.frames.last().is_some_and(|f| f.depth >= depth) {
            self.frames.pop();
        }
    }

    /// Whether [`Indexer::act`] does anything on a node of kind id `kind`.
    #[inline]
    pub(crate) fn acts_on(&self, kind: usize) -> bool {
        !matches!(
            self.roles.get(kind).copied().unwrap_or(Role::None),
            Role::None | Role::Decorated
        )
    }

    /// Indexes the node [`Indexer::enter`] was last given, of kind id `kind` (which the walk
    /// has read already: asking tree-sitter again at every node cost 15 M instructions on
    /// prefect). `memo` holds the node's children by field as the walk's guards looked them up
    /// (a call's callee, mostly): they are not looked up again.
    #[inline]
    pub(crate) fn act(
        &mut self,
        node: Node<'t>,
        kind: usize,
        depth: u32,
        memo: &mut FieldMemo<'t>,
    ) {
        let role = self.roles.get(kind).copied().unwrap_or(Role::None);
        match role {
            Role::None | Role::Decorated => {}
            Role::Function => self.function(node, depth),
            Role::Class => self.class(node, depth),
            Role::Call => self.call(node, false, memo),
            Role::New => self.call(node, true, memo),
            Role::Assign => self.assign(node, memo),
            Role::If => {
                if depth == 1 && python::is_main_guard(self.file, node) {
                    self.main_block = Some((node.start_byte(), node.end_byte()));
                }
            }
        }
    }

    /// Walks the whole tree itself (when the engine had no dispatching walk to ride on).
    pub(crate) fn walk(&mut self, root: Node<'t>) {
        let mut tc = root.walk();
        let mut depth = 0u32;
        'walk: loop {
            let node = tc.node();
            self.enter(node, depth);
            self.act(
                node,
                usize::from(node.kind_id()),
                depth,
                &mut FieldMemo::new(node),
            );
            if tc.goto_first_child() {
                depth += 1;
                continue;
            }
            loop {
                if tc.goto_next_sibling() {
                    break;
                }
                if !tc.goto_parent() {
                    break 'walk;
                }
                depth -= 1;
            }
        }
    }

    fn parent(&self) -> Option<Node<'t>> {
        let n = self.path.len();
        (n >= 2).then(|| self.path[n - 2])
    }

    fn innermost_fn(&self) -> Option<usize> {
        self.frames.iter().rev().find_map(|f| match f.def {
            Def::Fn(i) => Some(i),
            Def::Class(_) => None,
        })
    }

    fn symbol_prefix(&self) -> Option<String> {
        self.frames.last().map(|f| match f.def {
            Def::Fn(i) => self.infos[i].qname.clone(),
            Def::Class(i) => self.classes[i].qname.clone(),
        })
    }

    fn qualify(&self, seg: &str) -> String {
        match self.symbol_prefix() {
            Some(p) => format!("{p}.{seg}"),
            None => format!("{}{}{seg}", self.module, separator(self.file.language)),
        }
    }

    fn function(&mut self, node: Node<'t>, depth: u32) {
        let file = self.file;
        let parent = self.parent();
        let name = match file.language {
            Language::Python => python::name(file, node, parent),
            Language::Go => go::name(file, node, parent),
            _ => js::name(file, node, parent),
        };
        let anonymous = name.is_none();
        let seg = name.unwrap_or_else(|| anonymous_name(file, node));
        // Go methods are named by their receiver (`Store.Save`), at package level.
        let (qname, class) = if file.language == Language::Go {
            let class = go::receiver_type(file, node);
            (self.qualify(&seg), class)
        } else {
            let class = match self.frames.last() {
                Some(Frame {
                    def: Def::Class(c), ..
                }) => Some(self.classes[*c].qname.clone()),
                _ => None,
            };
            (self.qualify(&seg), class)
        };
        let outer = self.innermost_fn();
        let start = match parent {
            Some(p) if p.kind_str() == "decorated_definition" => p.start_position().row + 1,
            // Python decorators are always inside `decorated_definition`, and Go has none: no
            // sibling to look at. (`prev_named_sibling` finds the parent by descending from the
            // root, so asking it for every function cost about a third of the index.)
            _ if matches!(file.language, Language::Python | Language::Go) => {
                node.start_position().row + 1
            }
            // TypeScript class members: decorators are the class body's children before them.
            _ => {
                let mut first = node;
                while let Some(d) = first
                    .prev_named_sibling()
                    .filter(|d| d.kind_str() == "decorator")
                {
                    first = d;
                }
                first.start_position().row + 1
            }
        };
        // Whether the function's locals and types are collected (see `full_info`; Go always
        // indexes every call).
        let full = self.all_calls || file.language != Language::Python || self.holds_class(node);
        let (info, decorators, params) = match file.language {
            // One pass over the decorators and one over the parameters.
            Language::Python => {
                let decorators = python::decorator_texts(file, parent);
                let mut info = FnInfo {
                    qname: qname.clone(),
                    class: class.clone(),
                    ..FnInfo::default()
                };
                let mut params = Vec::new();
                python::fn_info(file, node, &decorators, &mut info, Some(&mut params), full);
                (info, decorators, params)
            }
            Language::Go => (
                fn_info(file, node, parent, qname.clone(), class.clone()),
                Vec::new(),
                go::param_texts(file, node),
            ),
            _ => (
                fn_info(file, node, parent, qname.clone(), class.clone()),
                js::decorator_texts(file, node),
                js::param_texts(file, node),
            ),
        };
        let idx = self.functions.len();
        if let Some(o) = outer {
            if !anonymous {
                self.infos[o].nested.push((seg.clone(), qname.clone()));
            }
        }
        self.functions.push(Function {
            qname,
            name: seg,
            line: node.start_position().row + 1,
            start_line: start,
            end_line: node.end_position().row + 1,
            parent: outer,
            class,
            is_async: crate::semantics::is_async(file.language, node),
            params,
            decorators,
            anonymous,
        });
        self.infos.push(info);
        self.full_info.push(full);
        self.frames.push(Frame {
            depth,
            def: Def::Fn(idx),
        });
    }

    /// Whether a class is listed below `f` in the file's node table (true without a table, or
    /// when `f` is not in it).
    fn holds_class(&mut self, f: Node<'t>) -> bool {
        let Some(table) = self.file.built_table() else {
            return true;
        };
        let Some(i) = table.index_of(f) else {
            return true;
        };
        // The rows the indexer takes for classes: its own roles table says which kinds.
        let roles = self.roles;
        let rows = self.class_rows.get_or_insert_with(|| {
            (0..table.kind.len() as u32)
                .filter(|&r| roles.get(usize::from(table.kind[r as usize])) == Some(&Role::Class))
                .collect()
        });
        let after = rows.partition_point(|&r| r as usize <= i);
        rows.get(after)
            .is_some_and(|&r| (r as usize) < table.end[i] as usize)
    }

    fn class(&mut self, node: Node<'t>, depth: u32) {
        let file = self.file;
        if file.language == Language::Go {
            // Named struct types: their fields' types and embedded types.
            for c in go::struct_types(file, node) {
                self.classes.push(ClassBuild {
                    qname: format!("{}.{}", self.module, c.0),
                    bases: c.1,
                    attrs: c.2,
                    scope: Vec::new(),
                });
            }
            return;
        }
        let parent = self.parent();
        let seg = segment(file, node, parent);
        let qname = self.qualify(&seg);
        let bases = match file.language {
            Language::Python => python::bases(file, node),
            _ => js::bases(file, node),
        };
        let scope = self.chain_indices();
        let idx = self.classes.len();
        self.classes.push(ClassBuild {
            qname,
            bases,
            attrs: Vec::new(),
            scope,
        });
        if file.language == Language::Python {
            let attrs = python::class_annotations(file, node);
            self.classes[idx].attrs.extend(attrs);
        }
        self.frames.push(Frame {
            depth,
            def: Def::Class(idx),
        });
    }

    /// Indices of the enclosing functions, innermost first.
    fn chain_indices(&self) -> Vec<usize> {
        let mut out = Vec::new();
        let mut cur = self.innermost_fn();
        while let Some(i) = cur {
            out.push(i);
            cur = self.functions[i].parent;
        }
        out
    }

    fn caller(&self, at: usize) -> Caller {
        match self.innermost_fn() {
            Some(i) => Caller::Function(i),
            None => match self.main_block {
                Some((s, e)) if s <= at && at < e => Caller::Main,
                _ => Caller::Module,
            },
        }
    }

    fn call(&mut self, node: Node<'t>, constructor: bool, memo: &mut FieldMemo<'t>) {
        let file = self.file;
        let caller = self.caller(node.start_byte());
        if !self.all_calls && caller != Caller::Main {
            return;
        }
        let field = if constructor {
            self.constructor_field
        } else {
            self.function_field
        };
        let Some(callee) = field.and_then(|f| memo.child(f)) else {
            return;
        };
        if file.language != Language::Go
            && !self
                .seen_calls
                .insert((caller, constructor, file.text(callee)))
        {
            return;
        }
        let Some(raw) = chain_of(file, callee) else {
            return;
        };
        self.calls.push(RawCall {
            caller,
            raw,
            line: node.start_position().row + 1,
            constructor,
        });
    }

    fn assign(&mut self, node: Node<'t>, memo: &mut FieldMemo<'t>) {
        let file = self.file;
        match file.language {
            Language::Python => {
                let Some(f) = self.innermost_fn() else {
                    return;
                };
                let full = self.full_info[f];
                if !full && (self.infos[f].self_name.is_none() || self.infos[f].class.is_none()) {
                    return;
                }
                // The fields off the walk's node table (`FieldMemo`), not from tree-sitter,
                // which scans the children for each.
                let mut field = |id: Option<u16>| id.and_then(|f| memo.child(f));
                let parts = python::AssignParts {
                    left: field(self.left_field),
                    right: field(self.right_field),
                    ty: field(self.type_field),
                };
                let info = &mut self.infos[f];
                // Locals (and their type, when a constructor call assigns them).
                if full {
                    let (locals, typed) = python::assigned_names(file, node, &parts);
                    for n in locals {
                        if !info.locals.contains(&n) {
                            info.locals.push(n);
                        }
                    }
                    info.types.extend(typed);
                }
                // `self.x = X(…)` / `self.x: T = …` in a method: an attribute type of the class.
                let (Some(self_name), Some(class)) = (&info.self_name, &info.class) else {
                    return;
                };
                if let Some((attr, raw)) = python::self_attribute(file, node, &parts, self_name) {
                    let class = class.clone();
                    if let Some(c) = self.classes.iter_mut().rev().find(|c| c.qname == class) {
                        c.attrs.push((attr, raw));
                    }
                }
            }
            Language::Go => {
                let Some(f) = self.innermost_fn() else {
                    return;
                };
                let (names, typed) = go::local_types(file, node, &self.module);
                let info = &mut self.infos[f];
                for n in names {
                    if !info.locals.contains(&n) {
                        info.locals.push(n);
                    }
                }
                for (name, ty) in typed {
                    info.types.push((name, Raw::Absolute(ty)));
                }
            }
            _ => {
                // `this.x = new X()` inside a method.
                let Some(class) = self.enclosing_class_fn() else {
                    return;
                };
                if let Some((attr, raw)) = js::this_assignment(file, node) {
                    if let Some(c) = self.classes.iter_mut().rev().find(|c| c.qname == class) {
                        c.attrs.push((attr, raw));
                    }
                }
            }
        }
    }

    /// JavaScript: the class of the nearest enclosing non-arrow function that is a method.
    fn enclosing_class_fn(&self) -> Option<String> {
        let mut cur = self.innermost_fn();
        while let Some(i) = cur {
            if !self.infos[i].is_arrow {
                return self.infos[i].class.clone();
            }
            cur = self.functions[i].parent;
        }
        None
    }

    /// Settles targets with what the whole file knows and returns the file's graph.
    pub(crate) fn finish(self) -> FileGraph {
        let file = self.file;
        let lang = file.language;
        let k = FileKnowledge::from_tree(file);
        // TypeScript parameter properties become attributes of their class.
        let mut classes: Vec<ClassBuild> = self.classes;
        if !matches!(lang, Language::Python | Language::Go) {
            for (f, info) in self.functions.iter().zip(&self.infos) {
                if let (Some(class), false) = (&f.class, info.properties.is_empty()) {
                    if let Some(c) = classes.iter_mut().find(|c| &c.qname == class) {
                        c.attrs.extend(info.properties.iter().cloned());
                    }
                }
            }
        }
        let chain_of = |caller: Option<usize>| -> Vec<&FnInfo> {
            let mut out = Vec::new();
            let mut cur = caller;
            while let Some(i) = cur {
                out.push(&self.infos[i]);
                cur = self.functions[i].parent;
            }
            out
        };
        let mut calls = Vec::with_capacity(self.calls.len());
        let mut seen: std::collections::HashSet<(Caller, String), foldhash::fast::FixedState> =
            Default::default();
        for c in &self.calls {
            let caller = match c.caller {
                Caller::Function(i) => Some(i),
                _ => None,
            };
            let chain = chain_of(caller);
            let Some(mut target) = absolutize(file, &c.raw, &chain, &k) else {
                // Go: a server started on an untyped value still tells that `main` serves.
                if let (Language::Go, Raw::Chain(d)) = (lang, &c.raw) {
                    let last = d.last();
                    if let Some(m) = Some(last).filter(|m| m.starts_with("ListenAndServe")) {
                        calls.push(CallSite {
                            caller: c.caller,
                            target: format!("?.{m}"),
                            line: c.line,
                        });
                    }
                }
                continue;
            };
            if c.constructor {
                target.push_str(".constructor");
            }
            if seen.insert((c.caller, target.clone())) {
                calls.push(CallSite {
                    caller: c.caller,
                    target,
                    line: c.line,
                });
            }
        }
        let classes = classes
            .into_iter()
            .map(|c| {
                let chain: Vec<&FnInfo> = c.scope.iter().map(|i| &self.infos[*i]).collect();
                Class {
                    bases: c
                        .bases
                        .iter()
                        .filter_map(|b| absolutize(file, b, &chain, &k))
                        .collect(),
                    attrs: c
                        .attrs
                        .iter()
                        .filter_map(|(n, t)| Some((n.clone(), absolutize(file, t, &chain, &k)?)))
                        .collect(),
                    qname: c.qname,
                }
            })
            .collect();
        let aliases = match lang {
            Language::Python | Language::Go => Vec::new(),
            _ => js::export_aliases(file, k.module),
        };
        FileGraph {
            file: file.path.to_string(),
            language: lang,
            module: self.module,
            functions: self.functions,
            calls,
            classes,
            aliases,
            package: (lang == Language::Go)
                .then(|| go::package_name(file))
                .flatten(),
        }
    }
}

/// Indexes a whole file on its own (tests, and files the engine does not walk).
pub fn index(file: &FileCtx) -> FileGraph {
    let mut ix = Indexer::new(file, true);
    ix.walk(file.tree.root_node());
    ix.finish()
}

#[cfg(test)]
mod tests;
