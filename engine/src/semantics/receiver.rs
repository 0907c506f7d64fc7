//! P2 — receiver kinds and DB operations (CHECKS.md §3.2), driven by the `[[receiver]]` tables
//! of the packs of a run.
//!
//! A receiver (the object of a method call) gets a kind from, in priority order:
//! 1. the type annotation of the name that holds it (parameter, annotated local or module
//!    variable, class attribute `x: T` or `self.x: T` in `__init__`; `Annotated[T, …]`,
//!    `Optional[T]`, `T | None`, string annotations and module-level aliases of such types are
//!    unwrapped), matched against `types`;
//! 2. the value bound to the name (`s = X(…)`, `s = await X(…)`, `with X(…) as s`, `self.s =
//!    X(…)` in `__init__`), resolved (P1) and matched against `factories`, or against `types`
//!    written as a constructor call (`Session(engine)` is a `sqlalchemy.orm.Session`); a bound
//!    name or attribute (`db = self.session`) is followed;
//! 3. the text of the receiver matched against `names` (a name bound by an import is matched by
//!    its qualified name, so a module `db` is never the session `db`).
//!
//! Each level asks every receiver of the run in pack order; the first that matches wins. An
//! annotation that names some other type, or a bound call that no factory matches, decides
//! "no kind": the name fallback only serves receivers the file says nothing about.

use super::{ancestors, is_function, resolve};
use crate::file::FileCtx;
use crate::lang::Language;
use crate::lang::NodeExt;
use crate::vocab::Vocabulary;
use std::collections::HashMap;
use std::sync::Arc;
use tree_sitter::Node;

/// The operation classes a `[receiver.ops]` table may use (§3.2).
pub const OP_CLASSES: &[&str] = &[
    "read", "insert", "update", "delete", "uow", "bulk", "begin", "commit", "rollback", "release",
];

/// One compiled `[[receiver]]`.
#[derive(Debug, Clone)]
pub struct ReceiverDecl {
    pub pack: String,
    pub kind: String,
    pub language: Language,
    pub types: Vocabulary,
    pub factories: Vocabulary,
    pub names: Vocabulary,
    /// Method name -> operation class (asked for every call `db_op` sees: foldhash, see
    /// `FastMap`).
    pub ops: HashMap<String, String, foldhash::fast::FixedState>,
}

/// One compiled `[[span]]` (P5, see `span.rs`).
#[derive(Debug, Clone)]
pub struct SpanDecl {
    pub pack: String,
    pub language: Language,
    /// Receiver kinds whose operations open implicit spans, and whose `blocks` methods open
    /// explicit ones.
    pub receivers: Vec<String>,
    pub implicit: bool,
    /// Methods of a receiver that open an explicit span as a `with` item (`begin`).
    pub blocks: Vec<String>,
    /// Callees whose `with` block is an explicit span (`transaction.atomic`).
    pub context_managers: Vocabulary,
    /// Decorators that make the whole function an explicit span.
    pub decorators: Vocabulary,
}

/// The receivers and spans of every pack of a run, in pack order.
#[derive(Debug, Default)]
pub struct TxModel {
    pub receivers: Vec<ReceiverDecl>,
    pub spans: Vec<SpanDecl>,
    /// By language (`Language as usize`): every method some receiver of the language lists in
    /// its ops. `db_op` asks it of every call a transaction span's function makes; one lookup
    /// instead of one per receiver (ten with every Python pack).
    op_methods: [crate::FastSet<Box<str>>; Language::ALL.len()],
}

impl TxModel {
    /// The model of a run's receivers and spans.
    pub fn new(receivers: Vec<ReceiverDecl>, spans: Vec<SpanDecl>) -> TxModel {
        let mut op_methods: [crate::FastSet<Box<str>>; Language::ALL.len()] = Default::default();
        for lang in Language::ALL {
            for r in receivers.iter().filter(|r| r.language.runs_on(lang)) {
                op_methods[lang as usize].extend(r.ops.keys().map(|m| Box::from(m.as_str())));
            }
        }
        TxModel {
            receivers,
            spans,
            op_methods,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.receivers.is_empty() && self.spans.is_empty()
    }

    /// Whether some receiver of the language has an operation called `method`.
    fn has_op_method(&self, lang: Language, method: &str) -> bool {
        self.op_methods
            .get(lang as usize)
            .is_some_and(|m| m.contains(method))
    }

    fn receivers_for(&self, lang: Language) -> impl Iterator<Item = &ReceiverDecl> {
        self.receivers
            .iter()
            .filter(move |r| r.language.runs_on(lang))
    }

    /// The declaration of a kind for a language.
    pub fn receiver(&self, kind: &str, lang: Language) -> Option<&ReceiverDecl> {
        self.receivers_for(lang).find(|r| r.kind == kind)
    }

    pub fn spans_for(&self, lang: Language) -> impl Iterator<Item = &SpanDecl> {
        self.spans.iter().filter(move |s| s.language.runs_on(lang))
    }
}

/// The empty model of a file checked without packs.
pub(crate) fn empty_model() -> Arc<TxModel> {
    static EMPTY: std::sync::OnceLock<Arc<TxModel>> = std::sync::OnceLock::new();
    Arc::clone(EMPTY.get_or_init(|| Arc::new(TxModel::default())))
}

/// How many bindings are followed (`a = b; b = self.s; …`).
const MAX_HOPS: u8 = 4;

/// The receiver kind of an expression, `""` when none. Cached per binding.
pub fn receiver_kind(file: &FileCtx, expr: Node<'_>) -> Arc<str> {
    if file.tx.receivers.is_empty() {
        return "".into();
    }
    kind_at(file, expr, 0)
}

/// A DB operation: `R.m(…)` with R of a declared kind and `m` in its ops table.
#[derive(Debug, Clone)]
pub struct DbOp<'t> {
    pub kind: Arc<str>,
    pub op: String,
    pub method: String,
    pub receiver: Node<'t>,
}

/// The DB operation a call performs, if any.
pub fn db_op<'t>(file: &FileCtx, call: Node<'t>) -> Option<DbOp<'t>> {
    if file.tx.receivers.is_empty() {
        return None;
    }
    let call = match call.kind_str() {
        "await" | "await_expression" => call.named_child_at(0)?,
        _ => call,
    };
    if !matches!(call.kind_str(), "call" | "call_expression") {
        return None;
    }
    let callee = unwrap(call.field("function")?);
    let (object, method) = member_parts(callee)?;
    let method = file.text(method);
    // A method no receiver knows needs no kind.
    if !file.tx.has_op_method(file.language, method) {
        return None;
    }
    let kind = receiver_kind(file, object);
    if kind.is_empty() {
        return None;
    }
    let decl = file.tx.receiver(&kind, file.language)?;
    let op = decl.ops.get(method)?.clone();
    Some(DbOp {
        kind,
        op,
        method: method.to_string(),
        receiver: object,
    })
}

/// (object, method name node) of a member expression of any grammar.
pub(crate) fn member_parts(callee: Node<'_>) -> Option<(Node<'_>, Node<'_>)> {
    let (o, m) = match callee.kind_str() {
        "attribute" => ("object", "attribute"),
        "selector_expression" => ("operand", "field"),
        "member_expression" => ("object", "property"),
        _ => return None,
    };
    Some((unwrap(callee.field(o)?), callee.field(m)?))
}

/// Looks through parentheses, `await` and TypeScript's type assertions.
fn unwrap(mut n: Node<'_>) -> Node<'_> {
    loop {
        match n.kind_str() {
            "parenthesized_expression"
            | "await"
            | "await_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression" => match n.named_child_at(0) {
                Some(c) => n = c,
                None => return n,
            },
            _ => return n,
        }
    }
}

/// What the file says about the value of a receiver.
enum Evidence<'t> {
    /// A declared type (its annotation node).
    Type(Node<'t>),
    /// A bound value (call, name, attribute …); whether a `with` item bound it.
    Value(Node<'t>, bool),
    /// An import: its qualified name.
    Import(String),
    /// Bound, but by something that tells nothing (loop target, tuple unpacking, parameter
    /// without annotation).
    Unknown,
}

fn kind_at(file: &FileCtx, expr: Node<'_>, hops: u8) -> Arc<str> {
    let expr = unwrap(expr);
    if hops > MAX_HOPS {
        return "".into();
    }
    let chain = match expr.kind_str() {
        "identifier" | "attribute" => ancestors(file, expr),
        _ => Vec::new(),
    };
    // The binding a receiver's kind depends on, for the cache: (scope, text). The decision
    // never depends on where in the scope the receiver is used.
    let key = cache_key(file, expr, &chain);
    if let Some(k) = &key {
        if let Some(v) = super::lock(&file.receiver_cache).get(k) {
            return Arc::clone(v);
        }
    }
    if expr.kind_str() == "identifier" {
        // The scope that binds the name decides, whichever scope uses it: the decision is
        // cached under the binding scope as well, so that the functions of a module that all
        // use one module-level name (an import, a module-level session) do not each read the
        // module's statements again.
        let name = file.text(expr);
        let root = file.tree.root_node();
        let mut found = None;
        for scope in chain
            .iter()
            .copied()
            .filter(|n| is_function(file.language, *n))
            .chain(std::iter::once(root))
        {
            if scope.id() == root.id() {
                let at_root = (root.id(), name.to_string());
                let cached = super::lock(&file.receiver_cache).get(&at_root).cloned();
                if let Some(v) = cached {
                    if let Some(k) = key {
                        super::lock(&file.receiver_cache).insert(k, Arc::clone(&v));
                    }
                    return v;
                }
            }
            let sites = scope_sites(file, scope, name);
            if !sites.is_empty() {
                found = Some((scope, choose(sites)));
                break;
            }
        }
        let binding_scope = found.as_ref().map_or(root, |(s, _)| *s);
        let kind: Arc<str> = decide(file, expr, found.map(|(_, e)| e), hops).into();
        let mut cache = super::lock(&file.receiver_cache);
        cache.insert((binding_scope.id(), name.to_string()), Arc::clone(&kind));
        if let Some(k) = key {
            cache.insert(k, Arc::clone(&kind));
        }
        return kind;
    }
    let evidence = evidence(file, expr, &chain);
    let kind: Arc<str> = decide(file, expr, evidence, hops).into();
    if let Some(k) = key {
        super::lock(&file.receiver_cache).insert(k, Arc::clone(&kind));
    }
    kind
}

fn cache_key(file: &FileCtx, expr: Node<'_>, chain: &[Node<'_>]) -> Option<Key> {
    match (file.language, expr.kind_str()) {
        (_, "identifier") => {
            let scope = chain
                .iter()
                .find(|n| is_function(file.language, **n))
                .copied()
                .unwrap_or_else(|| file.tree.root_node());
            Some((scope.id(), file.text(expr).to_string()))
        }
        (Language::Python, "attribute") => {
            let class = self_attribute_class(file, expr, chain)?;
            Some((class.id(), file.text(expr).to_string()))
        }
        _ => None,
    }
}

/// The class of `self.x`/`cls.x` inside a method.
fn self_attribute_class<'t>(
    file: &FileCtx,
    expr: Node<'_>,
    chain: &[Node<'t>],
) -> Option<Node<'t>> {
    let obj = expr.field("object")?;
    if obj.kind_str() != "identifier" || !matches!(file.text(obj), "self" | "cls") {
        return None;
    }
    let fi = chain
        .iter()
        .position(|a| a.kind_str() == "function_definition")?;
    chain[fi + 1..]
        .iter()
        .take(3)
        .find(|a| a.kind_str() == "class_definition")
        .copied()
}

fn decide(file: &FileCtx, expr: Node<'_>, evidence: Option<Evidence<'_>>, hops: u8) -> String {
    let lang = file.language;
    let model = &file.tx;
    match evidence {
        Some(Evidence::Type(t)) => {
            let mut any = false;
            for name in type_names(file, t, 0) {
                any = true;
                if let Some(r) = model.receivers_for(lang).find(|r| r.types.contains(&name)) {
                    return r.kind.clone();
                }
            }
            if any {
                // Annotated with some other type.
                return String::new();
            }
        }
        Some(Evidence::Value(v, with_bound)) => {
            let v = unwrap(v);
            if matches!(v.kind_str(), "call" | "call_expression" | "new_expression") {
                // A context manager's value (`async with db.session_context() as session`) is
                // what its `__enter__` returns, which the callee's name rarely tells: the name
                // decides when no factory matches.
                // A builtin (`with open(p) as db`) tells what it is.
                match factory_kind(file, v, hops) {
                    Some(k) => return k,
                    None if !with_bound || is_builtin_call(file, v) => return String::new(),
                    None => {}
                }
            }
            if v.id() != expr.id()
                && matches!(
                    v.kind_str(),
                    "identifier" | "attribute" | "selector_expression" | "member_expression"
                )
            {
                return kind_at(file, v, hops + 1).to_string();
            }
        }
        Some(Evidence::Import(q)) => {
            return model
                .receivers_for(lang)
                .find(|r| r.names.contains(&q))
                .map(|r| r.kind.clone())
                .unwrap_or_default();
        }
        Some(Evidence::Unknown) | None => {}
    }
    if matches!(
        expr.kind_str(),
        "call" | "call_expression" | "new_expression"
    ) {
        return factory_kind(file, expr, hops).unwrap_or_default();
    }
    let text: String = file
        .text(expr)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("");
    model
        .receivers_for(lang)
        .find(|r| r.names.contains(&text))
        .map(|r| r.kind.clone())
        .unwrap_or_default()
}

/// Whether a call's callee is a bare name bound nowhere in the file (a builtin such as `open`).
fn is_builtin_call(file: &FileCtx, call: Node<'_>) -> bool {
    let r = resolve(file, call);
    !r.contains('.') && !r.starts_with('$') && r != "?"
}

/// The kind a call produces: a factory, a constructor of a declared type, or a method of a
/// receiver of a known kind listed as `@<kind>.<method>()` (`@sa.engine.connect()`).
fn factory_kind(file: &FileCtx, call: Node<'_>, hops: u8) -> Option<String> {
    let lang = file.language;
    if let Some((object, method)) = call.field("function").map(unwrap).and_then(member_parts) {
        let k = kind_at(file, object, hops + 1);
        if !k.is_empty() {
            let entry = format!("@{k}.{}()", file.text(method));
            if let Some(r) = file
                .tx
                .receivers_for(lang)
                .find(|r| r.factories.contains(&entry))
            {
                return Some(r.kind.clone());
            }
        }
    }
    let mut name = resolve(file, call);
    if call.kind_str() == "new_expression" {
        // `new Pool(…)`: the constructor is written like a call.
        if let Some(c) = call.field("constructor") {
            name = format!("{}()", resolve(file, c));
        }
    }
    if name == "?" {
        return None;
    }
    let as_type = name.strip_suffix("()");
    let found = file
        .tx
        .receivers_for(lang)
        .find(|r| r.factories.contains(&name) || as_type.is_some_and(|t| r.types.contains(t)))
        .map(|r| r.kind.clone());
    if found.is_some() || lang != Language::Python {
        return found;
    }
    // A function of this module that returns a receiver (`def cached_session(): return
    // SessionLocal()`).
    let callee = call.field("function")?;
    if callee.kind_str() != "identifier" || !name.starts_with('$') {
        return None;
    }
    let def = module_function(file, file.text(callee))?;
    let mut kind = None;
    let body = def.field("body")?;
    walk_statements(body, &mut |n| {
        if kind.is_none() && n.kind_str() == "return_statement" {
            if let Some(v) = n.named_child_at(0) {
                let k = kind_at(file, v, hops + 1);
                if !k.is_empty() {
                    kind = Some(k.to_string());
                }
            }
        }
    });
    kind
}

/// A module-level function definition by name (decorated or not).
fn module_function<'t>(file: &'t FileCtx, name: &str) -> Option<Node<'t>> {
    let root = file.tree.root_node();
    let found = file.named_children(root).into_iter().find_map(|n| {
        let def = match n.kind_str() {
            "function_definition" => n,
            "decorated_definition" => n.field("definition")?,
            _ => return None,
        };
        def.field("name")
            .is_some_and(|x| file.text(x) == name)
            .then_some(def)
    });
    found
}

/// Qualified type names an annotation stands for: wrappers unwrapped, unions split (`None`
/// dropped), string annotations read as names. Empty when the annotation tells nothing
/// (`Any`, `object`).
fn type_names(file: &FileCtx, t: Node<'_>, depth: u8) -> Vec<String> {
    if depth > MAX_HOPS {
        return Vec::new();
    }
    let lang = file.language;
    let mut out = Vec::new();
    match t.kind_str() {
        "type" | "type_annotation" | "parenthesized_expression" | "parenthesized_type" => {
            for k in file.named_children(t) {
                out.extend(type_names(file, k, depth + 1));
            }
        }
        "none" => {}
        // `T | None`, TS `T | null`.
        "binary_operator" | "union_type" => {
            for k in file.named_children(t) {
                out.extend(type_names(file, k, depth + 1));
            }
        }
        // `Annotated[T, …]`, `Optional[T]`, `Union[T, None]` (annotation or value position).
        "generic_type" | "subscript" => {
            let head = if t.kind_str() == "subscript" {
                t.field("value")
            } else {
                t.named_child_at(0)
            };
            let Some(head) = head else { return out };
            let wrapper = resolve(file, head);
            let last = wrapper.rsplit('.').next().unwrap_or(&wrapper);
            let args: Vec<Node<'_>> = if t.kind_str() == "subscript" {
                t.fields("subscript").collect()
            } else {
                file.named_children(t)
                    .into_iter()
                    .filter(|k| k.kind_str() == "type_parameter")
                    .flat_map(crate::tree_walk::named_children)
                    .collect()
            };
            match last {
                "Annotated" => {
                    if let Some(a) = args.first() {
                        out.extend(type_names(file, *a, depth + 1));
                    }
                }
                "Optional" | "Union" => {
                    for a in args {
                        out.extend(type_names(file, a, depth + 1));
                    }
                }
                _ => out.push(wrapper),
            }
        }
        "string" if lang == Language::Python => {
            // `"Session"`, `"orm.Session"`: the name as if written bare.
            let Some((s, false)) = crate::script::string_glob(file, t) else {
                return out;
            };
            let s = s.trim();
            let (head, rest) = s.split_once('.').map_or((s, ""), |(h, r)| (h, r));
            let q = match super::lookup(file, t, head, None) {
                Some(super::Binding::Import(q)) => q,
                Some(super::Binding::Local) => format!("${head}"),
                _ => head.to_string(),
            };
            out.push(if rest.is_empty() {
                q
            } else {
                format!("{q}.{rest}")
            });
        }
        "identifier" | "attribute" | "type_identifier" | "nested_type_identifier" => {
            // A module-level alias of a type (`SessionDep = Annotated[Session, Depends(f)]`).
            if t.kind_str() == "identifier" {
                if let Some(super::Binding::Alias(s, e)) =
                    super::lookup(file, t, file.text(t), None)
                {
                    if let Some(v) = file.tree.root_node().descendant_for_byte_range(s, e) {
                        let v = outermost(v, s, e);
                        if matches!(v.kind_str(), "subscript" | "binary_operator") {
                            return type_names(file, v, depth + 1);
                        }
                    }
                }
            }
            let name = match t.kind_str() {
                "nested_type_identifier" => file.text(t).to_string(),
                "type_identifier" => match super::lookup(file, t, file.text(t), None) {
                    Some(super::Binding::Import(q)) => q,
                    Some(super::Binding::Local) => format!("${}", file.text(t)),
                    _ => file.text(t).to_string(),
                },
                _ => resolve(file, t),
            };
            let name = if name == "?" {
                file.text(t).to_string()
            } else {
                name
            };
            let last = name.rsplit('.').next().unwrap_or(&name);
            if !matches!(last, "Any" | "object") {
                out.push(name);
            }
        }
        // Go: `*sql.Tx`, `sql.Tx`, `pgx.Tx`.
        "pointer_type" => {
            if let Some(k) = t.named_child_at(0) {
                out.extend(type_names(file, k, depth + 1));
            }
        }
        "qualified_type" => {
            if let (Some(pkg), Some(name)) = (t.field("package"), t.field("name")) {
                let q = match super::lookup(file, t, file.text(pkg), None) {
                    Some(super::Binding::Import(q)) => q,
                    _ => file.text(pkg).to_string(),
                };
                out.push(format!("{q}.{}", file.text(name)));
            }
        }
        _ => {
            // TS generic `Repository<User>` and the like: the head type.
            if let Some(first) = t.named_child_at(0) {
                if t.kind_str() == "generic_type" || t.kind_str() == "type_arguments" {
                    out.extend(type_names(file, first, depth + 1));
                }
            }
        }
    }
    out
}

/// The outermost node spanning exactly `start..end`.
fn outermost(n: Node<'_>, start: usize, end: usize) -> Node<'_> {
    let mut best = n;
    while let Some(p) = best.parent() {
        if p.start_byte() == start && p.end_byte() == end {
            best = p;
        } else {
            break;
        }
    }
    best
}

type Key = (usize, String);

/// The evidence for a `self.x` receiver (identifiers are looked up scope by scope in
/// [`kind_at`], which caches the decision under the scope that binds the name).
fn evidence<'t>(file: &'t FileCtx, expr: Node<'t>, chain: &[Node<'t>]) -> Option<Evidence<'t>> {
    match (file.language, expr.kind_str()) {
        (Language::Python, "attribute") => {
            let attr = expr.field("attribute")?;
            let class = self_attribute_class(file, expr, chain)?;
            let sites = class_sites(file, class, file.text(attr));
            (!sites.is_empty()).then(|| choose(sites))
        }
        _ => None,
    }
}

/// A place that binds a name: its annotation and value.
struct Site<'t> {
    annotation: Option<Node<'t>>,
    value: Option<Node<'t>>,
    import: Option<String>,
    with_bound: bool,
}

fn choose(sites: Vec<Site<'_>>) -> Evidence<'_> {
    if let Some(t) = sites.iter().find_map(|s| s.annotation) {
        return Evidence::Type(t);
    }
    if let Some(q) = sites.iter().find_map(|s| s.import.clone()) {
        return Evidence::Import(q);
    }
    // The first bound call (`s = None` … `s = Session()`), else the first binding.
    let call = sites.iter().find(|s| {
        s.value
            .map(unwrap)
            .is_some_and(|v| matches!(v.kind_str(), "call" | "call_expression" | "new_expression"))
    });
    match call.or_else(|| sites.first()) {
        Some(Site {
            value: Some(v),
            with_bound,
            ..
        }) => Evidence::Value(*v, *with_bound),
        _ => Evidence::Unknown,
    }
}

/// Bindings of `self.<attr>`: class-body `attr: T [= v]`, and `self.attr[: T] = v` in
/// `__init__`.
fn class_sites<'t>(file: &'t FileCtx, class: Node<'t>, attr: &str) -> Vec<Site<'t>> {
    let mut out = Vec::new();
    let Some(body) = class.field("body") else {
        return out;
    };
    for stmt in file.named_children(body) {
        match stmt.kind_str() {
            "expression_statement" => {
                if let Some(a) = stmt
                    .named_child_at(0)
                    .filter(|a| a.kind_str() == "assignment")
                {
                    if let Some(l) = a.field("left") {
                        if l.kind_str() == "identifier" && file.text(l) == attr {
                            out.push(site_of_assignment(a));
                        }
                    }
                }
            }
            "function_definition" | "decorated_definition" => {
                let def = if stmt.kind_str() == "decorated_definition" {
                    match stmt.field("definition") {
                        Some(d) => d,
                        None => continue,
                    }
                } else {
                    stmt
                };
                let is_init = def
                    .field("name")
                    .is_some_and(|n| file.text(n) == "__init__");
                if !is_init {
                    continue;
                }
                if let Some(b) = def.field("body") {
                    walk_statements(b, &mut |a| {
                        if a.kind_str() != "assignment" {
                            return;
                        }
                        let Some(l) = a.field("left") else {
                            return;
                        };
                        if l.kind_str() == "attribute"
                            && l.field("object").is_some_and(|o| file.text(o) == "self")
                            && l.field("attribute").is_some_and(|x| file.text(x) == attr)
                        {
                            out.push(site_of_assignment(a));
                        }
                    });
                }
            }
            _ => {}
        }
    }
    out
}

fn site_of_assignment(a: Node<'_>) -> Site<'_> {
    Site {
        annotation: a.field("type"),
        value: a.field("right"),
        import: None,
        with_bound: false,
    }
}

/// Calls `f` on every assignment-like node among the statements of one scope (not entering
/// nested functions or classes): Python `assignment`, `with` items, `for` statements.
fn walk_statements<'t>(block: Node<'t>, f: &mut dyn FnMut(Node<'t>)) {
    let mut stack = vec![block];
    while let Some(n) = stack.pop() {
        let kids: Vec<_> = crate::tree_walk::named_children(n);
        for k in kids.into_iter().rev() {
            f(k);
            // A nested scope: only its name binds here (handled by callers if needed).
            if !NESTED_SCOPES.contains(&k.kind_str()) {
                stack.push(k);
            }
        }
    }
}

/// The kinds [`walk_statements`] and [`binding_index`] visit without going below them.
const NESTED_SCOPES: &[&str] = &[
    "function_definition",
    "class_definition",
    "decorated_definition",
    "lambda",
    "func_literal",
    "function_declaration",
    "method_declaration",
    "function_expression",
    "arrow_function",
    "method_definition",
    "class_declaration",
    "class",
];

/// Every site in one scope (a function or the module) that binds `name`.
fn scope_sites<'t>(file: &'t FileCtx, scope: Node<'t>, name: &str) -> Vec<Site<'t>> {
    let mut out = Vec::new();
    let lang = file.language;
    let is_root = scope.id() == file.tree.root_node().id();
    // Parameters.
    if !is_root {
        params(file, scope, name, &mut out);
    }
    let body = if is_root {
        Some(scope)
    } else {
        scope.field("body")
    };
    let Some(body) = body else { return out };
    // One walk per scope indexes its binding statements by the names they may bind; a lookup
    // then reads only the statements that may bind its name (most names are bound in no
    // function scope, and a module is asked about many imported names).
    let index = binding_index(file, scope, body);
    let candidates = index.candidates(file, name);
    if candidates.is_empty() {
        return out;
    }
    let unknown = |_n: Node<'t>| Site {
        annotation: None,
        value: None,
        import: None,
        with_bound: false,
    };
    let mut visit = |n: Node<'t>| match (lang, n.kind_str()) {
        (Language::Python, "assignment") => {
            if let Some(l) = n.field("left") {
                if l.kind_str() == "identifier" {
                    if file.text(l) == name {
                        out.push(site_of_assignment(n));
                    }
                } else if binds_in_pattern(file, l, name) {
                    out.push(unknown(n));
                }
            }
        }
        (Language::Python, "as_pattern") => {
            let target = n.field("alias").and_then(|t| t.named_child_at(0));
            if let (Some(v), Some(t)) = (n.named_child_at(0), target) {
                if t.kind_str() == "identifier" && file.text(t) == name {
                    out.push(Site {
                        annotation: None,
                        value: Some(v),
                        import: None,
                        with_bound: true,
                    });
                } else if binds_in_pattern(file, t, name) {
                    out.push(unknown(n));
                }
            }
        }
        (Language::Python, "for_statement" | "for_in_clause") => {
            if let Some(l) = n.field("left") {
                if binds_in_pattern(file, l, name) {
                    out.push(unknown(n));
                }
            }
        }
        (Language::Python, "function_definition" | "class_definition")
            if n.field("name").is_some_and(|x| file.text(x) == name) =>
        {
            out.push(unknown(n));
        }
        (Language::Python, "import_statement" | "import_from_statement") => {
            let binds = {
                let found = n.fields("name").any(|x| {
                    let bound = match x.kind_str() {
                        "aliased_import" => x.field("alias").map(|a| file.text(a)),
                        _ => Some(file.text(x).split('.').next().unwrap_or("").trim()),
                    };
                    bound == Some(name)
                });
                found
            };
            if binds {
                let q = match super::lookup(file, n, name, None) {
                    Some(super::Binding::Import(q)) => q,
                    _ => name.to_string(),
                };
                out.push(Site {
                    annotation: None,
                    value: None,
                    import: Some(q),
                    with_bound: false,
                });
            }
        }
        // Go: `var tx *sql.Tx`, `tx, err := db.Begin()`.
        (Language::Go, "var_spec") => {
            let names: Vec<_> = n.fields("name").collect();
            if let Some(i) = names.iter().position(|x| file.text(*x) == name) {
                let value = n.field("value").and_then(|v| v.named_child_at(i as u32));
                out.push(Site {
                    annotation: n.field("type"),
                    value,
                    import: None,
                    with_bound: false,
                });
            }
        }
        (Language::Go, "short_var_declaration" | "assignment_statement") => {
            if let (Some(l), Some(r)) = (n.field("left"), n.field("right")) {
                let names: Vec<_> = file.named_children(l);
                if let Some(i) = names.iter().position(|x| file.text(*x) == name) {
                    let values: Vec<_> = file.named_children(r);
                    // `tx, err := db.Begin()`: one call for several names gives the first.
                    let value = if values.len() == names.len() {
                        values.get(i).copied()
                    } else if i == 0 {
                        values.first().copied()
                    } else {
                        None
                    };
                    out.push(Site {
                        annotation: None,
                        value,
                        import: None,
                        with_bound: false,
                    });
                }
            }
        }
        // JS/TS: `const c: PoolClient = await pool.connect()`.
        (Language::JavaScript | Language::TypeScript | Language::Tsx, "variable_declarator") => {
            if let Some(nm) = n.field("name") {
                if nm.kind_str() == "identifier" && file.text(nm) == name {
                    out.push(Site {
                        annotation: n.field("type"),
                        value: n.field("value"),
                        import: None,
                        with_bound: false,
                    });
                } else if nm.kind_str() != "identifier" && binds_in_pattern(file, nm, name) {
                    out.push(unknown(n));
                }
            }
        }
        _ => {}
    };
    for &(start, end, kind) in candidates.iter() {
        let Some(mut n) = body.descendant_for_byte_range(start, end) else {
            continue;
        };
        // The statement itself, not a child that spans the same bytes.
        let mut steps = 0;
        while crate::tree_walk::kind(n) != kind && steps < 4 {
            match n.parent() {
                Some(p) => n = p,
                None => break,
            }
            steps += 1;
        }
        if crate::tree_walk::kind(n) == kind {
            visit(n);
        }
    }
    out
}

/// The statements of a scope that may bind each name, for [`scope_sites`]: for every place its
/// arms read a bound name from (assignment targets, `as` aliases, loop targets, definition
/// names, whole import statements and Go `var` specs), the leaf texts under it map to that
/// statement's (start byte, end byte, kind id), in walk order. A superset: a statement not
/// listed under a name binds no site of it. Built with one walk per scope and cached.
#[derive(Default)]
pub(crate) struct BindingIndex {
    by_name: crate::FastMap<Box<str>, Vec<(usize, usize, u16)>>,
    /// Subtrees the file's node table leaves out (`FileCtx::walk_branches_deferring`): indexed
    /// only for a name their text holds ([`BindingIndex::candidates`]). A skipped assignment
    /// (no word any pattern needs) is common, and walking all of them with tree-sitter for every
    /// scope cost more than the table's rows.
    deferred: Vec<Node<'static>>,
}

impl BindingIndex {
    /// The statements that may bind `name`, in walk order (the index's own list, borrowed,
    /// unless a deferred subtree adds to it).
    fn candidates(
        &self,
        file: &FileCtx,
        name: &str,
    ) -> std::borrow::Cow<'_, [(usize, usize, u16)]> {
        let listed = self.by_name.get(name).map_or(&[][..], |v| v.as_slice());
        let mut more = crate::FastMap::default();
        for &d in self
            .deferred
            .iter()
            .filter(|d| file.text_contains(**d, name))
        {
            file.walk_branches_below(d, |n| index_binding(file, n, &mut more));
        }
        let Some(extra) = more.remove(name) else {
            return std::borrow::Cow::Borrowed(listed);
        };
        let mut out = listed.to_vec();
        out.extend(extra);
        // Walk order is document order: a statement before the statements inside it.
        out.sort_by_key(|&(start, end, _)| (start, std::cmp::Reverse(end)));
        out.dedup();
        std::borrow::Cow::Owned(out)
    }
}

fn binding_index(file: &FileCtx, scope: Node<'_>, body: Node<'_>) -> Arc<BindingIndex> {
    if let Some(v) = super::lock(&file.binding_index_cache).get(&scope.id()) {
        return Arc::clone(v);
    }
    let mut index = BindingIndex::default();
    // Off the file's node table (`FileCtx::walk_branches_deferring`: a binding statement is no
    // leaf): a walk of its own with a list of children per node cost ~400,000 instructions a
    // scope on prefect.
    let mut deferred = Vec::new();
    file.walk_branches_deferring(body, &mut deferred, |n| {
        index_binding(file, n, &mut index.by_name)
    });
    index.deferred = deferred;
    let index = Arc::new(index);
    super::lock(&file.binding_index_cache).insert(scope.id(), Arc::clone(&index));
    index
}

/// Indexes `n` if it is a binding statement (see [`BindingIndex`]); whether to go below it.
fn index_binding(
    file: &FileCtx,
    n: Node<'_>,
    index: &mut crate::FastMap<Box<str>, Vec<(usize, usize, u16)>>,
) -> bool {
    if !n.is_named() {
        return false;
    }
    let kind = n.kind_str();
    let nested = NESTED_SCOPES.contains(&kind);
    let target = match kind {
        "assignment"
        | "for_statement"
        | "for_in_clause"
        | "short_var_declaration"
        | "assignment_statement" => n.field("left"),
        "as_pattern" => n.field("alias"),
        "function_definition" | "class_definition" | "variable_declarator" => n.field("name"),
        "import_statement" | "import_from_statement" | "var_spec" => Some(n),
        _ => None,
    };
    let Some(t) = target else { return !nested };
    let entry = (n.start_byte(), n.end_byte(), crate::tree_walk::kind(n));
    let mut leaf = |l: Node<'_>| {
        if l.child_count() == 0 && l.is_named() {
            let list = index.entry(Box::from(file.text(l))).or_default();
            if list.last() != Some(&entry) {
                list.push(entry);
            }
        }
    };
    leaf(t);
    let _ = super::walk_below(t, |l| -> Result<bool, std::convert::Infallible> {
        leaf(l);
        Ok(true)
    });
    !nested
}

fn binds_in_pattern(file: &FileCtx, pat: Node<'_>, name: &str) -> bool {
    if matches!(
        pat.kind_str(),
        "identifier" | "shorthand_property_identifier_pattern"
    ) {
        return file.text(pat) == name;
    }
    let kids: Vec<_> = file.named_children(pat);
    kids.into_iter().any(|k| binds_in_pattern(file, k, name))
}

/// Parameters of a function named `name`, with their annotations.
fn params<'t>(file: &'t FileCtx, func: Node<'t>, name: &str, out: &mut Vec<Site<'t>>) {
    let Some(ps) = func.field("parameters") else {
        return;
    };
    for p in file.named_children(ps) {
        let (nm, ty) = match p.kind_str() {
            // Python
            "identifier" => (Some(p), None),
            "typed_parameter" => (
                p.named_child_at(0).filter(|n| n.kind_str() == "identifier"),
                p.field("type"),
            ),
            "default_parameter" | "typed_default_parameter" => (p.field("name"), p.field("type")),
            // Go: `a, b *sql.DB`
            "parameter_declaration" => {
                let hit = p.fields("name").find(|n| file.text(*n) == name);
                (hit, p.field("type"))
            }
            // TS
            "required_parameter" | "optional_parameter" => (
                p.field("pattern").filter(|n| n.kind_str() == "identifier"),
                p.field("type"),
            ),
            _ => (None, None),
        };
        if nm.is_some_and(|n| file.text(n) == name) {
            out.push(Site {
                annotation: ty,
                value: None,
                import: None,
                with_bound: false,
            });
        }
    }
}

/// The first SQL keyword of a string literal, upper-case (`SELECT`, `UPDATE` …), or `""`.
/// Comments, whitespace, opening parentheses and a leading `WITH … )` CTE are skipped; an
/// interpolated string uses its static prefix. A call is read through its first argument
/// (`text("UPDATE …")`), a name through its single assignment.
pub fn sql_verb(file: &FileCtx, node: Node<'_>) -> String {
    sql_verb_at(file, node, 0)
}

fn sql_verb_at(file: &FileCtx, node: Node<'_>, hops: u8) -> String {
    if hops > MAX_HOPS {
        return String::new();
    }
    let node = unwrap(node);
    match node.kind_str() {
        "call" | "call_expression" => {
            let args = super::call_args(file, node);
            match args.positional.first() {
                Some(a) => sql_verb_at(file, *a, hops + 1),
                None => String::new(),
            }
        }
        "identifier" => match super::assigned_value(file, node) {
            Some(v) => sql_verb_at(file, v, hops + 1),
            None => String::new(),
        },
        _ => match crate::script::string_glob(file, node) {
            // An interpolation is written `*`, which no keyword starts with: the static prefix
            // decides (`SELECT *` has its verb before the star).
            Some((text, _)) => first_keyword(&text),
            None => String::new(),
        },
    }
}

/// The first keyword of SQL text (see [`sql_verb`]).
pub fn first_keyword(sql: &str) -> String {
    let mut s = skip_noise(sql);
    let word = leading_word(s);
    if word.eq_ignore_ascii_case("with") {
        s = &s[word.len()..];
        s = skip_noise(s);
        if leading_word(s).eq_ignore_ascii_case("recursive") {
            s = skip_noise(&s[9..]);
        }
        // name [(cols)] AS [NOT] [MATERIALIZED] ( … ) [, …]
        loop {
            let Some(open) = find_body_open(s) else {
                return String::new();
            };
            let Some(close) = close_paren(s, open) else {
                return String::new();
            };
            s = skip_noise(&s[close + 1..]);
            if let Some(rest) = s.strip_prefix(',') {
                s = skip_noise(rest);
                continue;
            }
            break;
        }
    }
    leading_word(s).to_ascii_uppercase()
}

/// The `(` that opens a CTE body: the first one after the word `AS`.
fn find_body_open(s: &str) -> Option<usize> {
    let lower = s.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let mut i = 0;
    while i + 2 <= bytes.len() {
        let boundary_before =
            i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        if boundary_before && lower[i..].starts_with("as") {
            let after = i + 2;
            if after == bytes.len()
                || !(bytes[after].is_ascii_alphanumeric() || bytes[after] == b'_')
            {
                return lower[after..].find('(').map(|j| after + j);
            }
        }
        i += 1;
    }
    None
}

/// The `)` closing the `(` at `open`, skipping SQL string literals.
fn close_paren(s: &str, open: usize) -> Option<usize> {
    let mut depth = 0i32;
    let mut quoted = false;
    for (i, c) in s[open..].char_indices() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + i);
                }
            }
            _ => {}
        }
    }
    None
}

fn leading_word(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

/// Skips whitespace, `-- …` and `/* … */` comments and opening parentheses.
fn skip_noise(mut s: &str) -> &str {
    loop {
        let t = s.trim_start();
        if let Some(rest) = t.strip_prefix("--") {
            s = rest.find('\n').map_or("", |i| &rest[i + 1..]);
        } else if let Some(rest) = t.strip_prefix("/*") {
            s = rest.find("*/").map_or("", |i| &rest[i + 2..]);
        } else if let Some(rest) = t.strip_prefix('(') {
            s = rest;
        } else {
            return t;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::first_keyword;

    #[test]
    fn sql_verbs_skip_comments_and_ctes() {
        assert_eq!(first_keyword("  update jobs set x = 1"), "UPDATE");
        assert_eq!(first_keyword("-- c\n/* d */ DELETE FROM t"), "DELETE");
        assert_eq!(
            first_keyword("WITH a AS (SELECT (1)), b(x) AS NOT MATERIALIZED (SELECT 2) INSERT INTO t SELECT * FROM a"),
            "INSERT"
        );
        assert_eq!(
            first_keyword("with recursive r as (select 1) select * from r"),
            "SELECT"
        );
        assert_eq!(first_keyword("(SELECT 1) UNION (SELECT 2)"), "SELECT");
        assert_eq!(first_keyword("*"), "");
        assert_eq!(first_keyword(""), "");
    }
}
