//! The shared semantic model of CHECKS.md §3 that the engine offers every pack: symbol
//! resolution (P1) and loops and function boundaries (P4).
//!
//! Everything here is generic: language differences are node-kind tables in `lang.rs` and one
//! binding collector per language; which calls matter is always a pack's vocabulary.
//!
//! Resolution (P1) turns an expression into a dotted, qualified name:
//! - an import alias becomes what it imports (`t.sleep` after `import time as t` is `time.sleep`,
//!   `zz` after `from time import sleep as zz` is `time.sleep`);
//! - a call inside a chain keeps `()` (`httpx.Client().get`);
//! - a variable assigned once from a resolvable expression is followed (`c = httpx.Client()`);
//! - a local or module-level definition whose value is unknown is written `$name`, so it can never
//!   be mistaken for a module of the same name (a local `def sleep` is `$sleep`, not `time.sleep`);
//! - a name bound nowhere (a builtin such as `open` or `len`) stays as written;
//! - any other expression is `?`.

mod go;
mod js;
mod python;
pub mod receiver;
mod shape;
pub mod span;
mod values;

pub(crate) use shape::is_name_use;
pub use shape::{
    ancestors_within, arg_texts, calls_around, calls_named, chain_start, first_call, method_chain,
    name_uses, param_annotation, param_args, param_names, passes_param, value_uses, with_binding,
    ArgTexts, Chain, NameUses, ParamArg, Pass, ValueUses,
};
pub use values::{assignment_target, call_args, literal, CallArgs, Literal};

use crate::file::FileCtx;
use crate::lang::Language;
use crate::lang::NodeExt;
use tree_sitter::Node;

/// What a name is bound to in one scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Binding {
    /// An import: the qualified name it stands for.
    Import(String),
    /// A local definition or variable of unknown value.
    Local,
    /// An assignment whose value can be resolved: the byte range of the value expression.
    Alias(usize, usize),
}

/// Name -> binding for one scope. The first binding of a name in source order wins for
/// imports; later plain assignments make it `Local` (re-bound, value unknown).
#[derive(Debug, Clone, Default)]
pub(crate) struct Bindings {
    map: crate::FastMap<String, Binding>,
}

impl Bindings {
    pub(crate) fn bind(&mut self, name: &str, b: Binding) {
        use std::collections::hash_map::Entry;
        match self.map.entry(name.to_string()) {
            Entry::Vacant(v) => {
                v.insert(b);
            }
            Entry::Occupied(mut o) => {
                // Two different bindings of one name: its value depends on control flow.
                if *o.get() != b && !matches!(b, Binding::Import(_)) {
                    o.insert(Binding::Local);
                }
            }
        }
    }

    pub(crate) fn get(&self, name: &str) -> Option<&Binding> {
        self.map.get(name)
    }
}

/// Builds the module-level table of a file.
pub(crate) fn module_bindings(file: &FileCtx) -> Bindings {
    match file.language {
        Language::Python => python::module_bindings(file),
        Language::Go => go::module_bindings(file),
        _ => js::module_bindings(file),
    }
}

/// Maximum alias hops followed while resolving, so `a = b; b = a` terminates.
const MAX_HOPS: u8 = 4;

/// The qualified name of an expression (see the module docs). Cached per node.
pub fn resolve(file: &FileCtx, node: Node<'_>) -> String {
    resolve_shared(file, node, None).to_string()
}

/// The enclosing functions of a node, outermost first, when a caller already knows them (the
/// file walk keeps this stack). `None`: find them by descending from the root.
pub(crate) type Scope<'a, 't> = Option<&'a [Node<'t>]>;

/// [`resolve`] without copying a cached answer (the hot path of `#resolves-to?`). `scope` are
/// the functions enclosing `node`, if known.
pub(crate) fn resolve_shared(
    file: &FileCtx,
    node: Node<'_>,
    scope: Scope<'_, '_>,
) -> std::sync::Arc<str> {
    if let Some(r) = lock(&file.resolve_cache).get(&node.id()) {
        return std::sync::Arc::clone(r);
    }
    let r: std::sync::Arc<str> = resolve_depth(file, node, 0, scope).into();
    lock(&file.resolve_cache).insert(node.id(), std::sync::Arc::clone(&r));
    r
}

/// Resolution follows only attribute/call/parenthesis children of the node it started on, so the
/// functions enclosing the start enclose every identifier reached: `sc` stays valid. Values of
/// followed assignments lie elsewhere and are resolved with `None`.
fn resolve_depth(file: &FileCtx, node: Node<'_>, hops: u8, sc: Scope<'_, '_>) -> String {
    if hops > MAX_HOPS {
        return "?".into();
    }
    match file.language {
        Language::Python => python::resolve(file, node, hops, sc),
        Language::Go => go::resolve(file, node, hops, sc),
        _ => js::resolve(file, node, hops, sc),
    }
}

/// The bindings of one function scope (cached per file).
fn scope_bindings(file: &FileCtx, func: Node<'_>) -> std::sync::Arc<Bindings> {
    if let Some(b) = lock(&file.scope_cache).get(&func.id()) {
        return std::sync::Arc::clone(b);
    }
    let b = std::sync::Arc::new(match file.language {
        Language::Python => python::scope_bindings(file, func),
        Language::Go => go::scope_bindings(file, func),
        _ => js::scope_bindings(file, func),
    });
    lock(&file.scope_cache).insert(func.id(), std::sync::Arc::clone(&b));
    b
}

/// The binding of `name` seen from `at`, the root of a callee chain (a use: see [`lookup`]):
/// P1 lookup in the enclosing functions `sc`, nearest first, then the module; `None`: bound
/// nowhere. Lets `#resolves-to?` judge a callee by its receiver's binding without resolving it
/// (`query::custom`).
pub(crate) fn binding_of_use(
    file: &FileCtx,
    at: Node<'_>,
    name: &str,
    sc: Scope<'_, '_>,
) -> Option<Binding> {
    lookup_at(file, at, name, sc, true)
}

/// Locks a per-file cache; a poisoned lock (a panic elsewhere) still holds valid data.
pub(crate) fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The nearest binding of `name` seen from `at`: enclosing functions (nearest first), then the
/// module.
fn lookup(file: &FileCtx, at: Node<'_>, name: &str, sc: Scope<'_, '_>) -> Option<Binding> {
    lookup_at(file, at, name, sc, false)
}

/// [`lookup`]. With `use_site` (the caller knows `at` is a use of the name, such as the root of
/// a callee chain, never where it is bound), a function's binding table is built only when the
/// function may bind the name: every binding of a name in a function spells the name inside
/// the function's text (parameters, assignments, imports, loop and `with` targets, `global`),
/// so a function that spells it only at `at` binds no such name. Why: building a table walks
/// the function's whole body, and many functions ask only about names they do not bind
/// (`json.loads(…)`, `open(…)`): 29 M instructions fewer on prefect with the first two packs
/// (callgrind). Full resolution asking the same for the identifiers it meets in callee chains
/// saved nothing more.
fn lookup_at(
    file: &FileCtx,
    at: Node<'_>,
    name: &str,
    sc: Scope<'_, '_>,
    use_site: bool,
) -> Option<Binding> {
    let in_function = |f: Node<'_>| -> Option<Binding> {
        let cached = lock(&file.scope_cache).get(&f.id()).cloned();
        if let Some(b) = cached {
            return b.get(name).cloned();
        }
        if use_site && !spelled_elsewhere(file, f, at, name) {
            return None;
        }
        scope_bindings(file, f).get(name).cloned()
    };
    let found = match sc {
        Some(functions) => functions.iter().rev().find_map(|f| in_function(*f)),
        None => ancestors_iter(file, at)
            .filter(|n| is_function(file.language, *n))
            .find_map(in_function),
    };
    if found.is_some() {
        return found;
    }
    file.bindings().get(name).cloned()
}

/// Whether `name` occurs as a whole name in the text of `f` anywhere but at `at`.
fn spelled_elsewhere(file: &FileCtx, f: Node<'_>, at: Node<'_>, name: &str) -> bool {
    let bytes = file.source.as_bytes();
    let start = f.start_byte();
    let Some(text) = bytes.get(start..f.end_byte()) else {
        return true;
    };
    let name_byte = |b: u8| crate::lang::NAME_BYTE[usize::from(b)];
    memchr::memmem::find_iter(text, name.as_bytes()).any(|i| {
        let pos = start + i;
        let before = pos.checked_sub(1).map(|j| bytes[j]);
        let after = bytes.get(pos + name.len()).copied();
        pos != at.start_byte() && !before.is_some_and(name_byte) && !after.is_some_and(name_byte)
    })
}

/// Resolves an identifier by scope.
fn resolve_identifier(
    file: &FileCtx,
    at: Node<'_>,
    name: &str,
    hops: u8,
    sc: Scope<'_, '_>,
) -> String {
    match lookup(file, at, name, sc) {
        Some(binding) => binding_value(file, name, &binding, hops),
        None => name.to_string(),
    }
}

/// The expression last assigned to an identifier in its scope, when the scope assigns it exactly
/// once (`rows = session.scalars(q)`); `None` for parameters, imports, loop targets and names
/// assigned more than once.
pub fn assigned_value<'t>(file: &'t FileCtx, ident: Node<'_>) -> Option<Node<'t>> {
    match lookup(file, ident, file.text(ident), None)? {
        Binding::Alias(start, end) => outermost_with_range(file, start, end),
        _ => None,
    }
}

/// The outermost node with exactly the byte range `start..end` (a call rather than its callee),
/// else the smallest node holding the range. It is the first node of the file's node table
/// with the range: the table lists a node before its descendants, and every ancestor of a node
/// it lists. tree-sitter's descent from the root and its `parent()` (a second descent) cost ten
/// times as much (test: `outermost_nodes_by_table_and_by_descent_agree`).
pub(crate) fn outermost_with_range(file: &FileCtx, start: usize, end: usize) -> Option<Node<'_>> {
    let table = file.table();
    let first = table.start.partition_point(|&s| (s as usize) < start);
    if let Some(n) = table.nodes[first..]
        .iter()
        .take_while(|n| n.start_byte() == start)
        .find(|n| n.end_byte() == end)
    {
        return Some(*n);
    }
    // In a subtree the table leaves out, or no node has exactly the range.
    outermost_by_descent(file, start, end)
}

/// [`outermost_with_range`] by tree-sitter's descent.
pub(crate) fn outermost_by_descent(file: &FileCtx, start: usize, end: usize) -> Option<Node<'_>> {
    let mut best = file
        .tree
        .root_node()
        .descendant_for_byte_range(start, end)?;
    while let Some(p) = best.parent() {
        if p.start_byte() == start && p.end_byte() == end {
            best = p;
        } else {
            break;
        }
    }
    Some(best)
}

/// Qualified names of the modules and symbols a file imports at module level, sorted.
pub fn imports(file: &FileCtx) -> Vec<String> {
    let mut v: Vec<String> = file
        .bindings()
        .map
        .values()
        .filter_map(|b| match b {
            Binding::Import(q) => Some(q.clone()),
            _ => None,
        })
        .collect();
    v.sort();
    v.dedup();
    v
}

/// Whether the file imports `module` at module level: the module itself or a name in it (`a.b`
/// for the module `a`, not `ab`).
pub fn imports_module(file: &FileCtx, module: &str) -> bool {
    file.bindings().map.values().any(|b| match b {
        Binding::Import(q) => q
            .strip_prefix(module)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('.')),
        _ => false,
    })
}

fn binding_value(file: &FileCtx, name: &str, binding: &Binding, hops: u8) -> String {
    match binding {
        Binding::Import(q) => q.clone(),
        Binding::Local => format!("${name}"),
        Binding::Alias(start, end) => {
            let root = file.tree.root_node();
            match root.descendant_for_byte_range(*start, *end) {
                Some(value) => {
                    // `descendant_for_byte_range` may return a wrapper with the same range;
                    // resolution treats wrappers transparently.
                    let r = resolve_depth(file, value, hops + 1, None);
                    if r == "?" {
                        format!("${name}")
                    } else {
                        r
                    }
                }
                None => format!("${name}"),
            }
        }
    }
}

/// Whether a node is a function boundary of its language.
pub fn is_function(lang: Language, node: Node<'_>) -> bool {
    lang.is_function_node(node)
}

/// Visits every node below `root` (not `root` itself) in document order in one walk
/// (`tree_walk`); `f` answers whether to enter the node's children. The engine's whole-function
/// passes (`descendants()`, spans, binding indexes) walk this way: collecting each node's
/// children into a vector first cost more than everything else the host did (callgrind on
/// prefect).
pub(crate) fn walk_below<'t, E>(
    root: Node<'t>,
    mut f: impl FnMut(Node<'t>) -> Result<bool, E>,
) -> Result<(), E> {
    use crate::tree_walk::{Event, Step};
    // A leaf (most assignment targets, names) needs no walk.
    if root.child_count() == 0 {
        return Ok(());
    }
    let mut at_root = true;
    let mut out = Ok(());
    crate::tree_walk::walk(root, |e| match e {
        // The walk visits `root` first.
        Event::Visit(..) if std::mem::take(&mut at_root) => Step::Enter,
        Event::Visit(n) => match f(n) {
            Ok(true) => Step::Enter,
            Ok(false) => Step::Skip,
            Err(err) => {
                out = Err(err);
                Step::Stop
            }
        },
        Event::Leave => Step::Skip,
    });
    out
}

/// The ancestors of a node, nearest first, off the file's node table (`FileCtx::table`):
/// tree-sitter stores no parent pointers, and `Node::parent` descends from the root each time.
/// A node of a subtree the table leaves out is found below the listed node around it.
pub fn ancestors<'t>(file: &'t FileCtx, node: Node<'t>) -> Vec<Node<'t>> {
    let table = file.table();
    let mut chain = Vec::new();
    let mut i = match table.index_of(node) {
        Some(i) => i,
        None => {
            let Some(s) = table.around(node) else {
                return parents_by_tree_sitter(node);
            };
            // Down from the listed node to `node` (`child_with_descendant` gives the child on
            // the way, or `node` itself), then up the table.
            let mut between = Vec::new();
            let mut cur = table.nodes[s];
            loop {
                // Mostly a child of the listed node (one whose children are all leaves): told
                // without tree-sitter's descent.
                if crate::tree_walk::is_child(cur, node) {
                    break;
                }
                match cur.child_with_descendant(node) {
                    Some(next) if next.id() == node.id() => break,
                    Some(next) => {
                        between.push(next);
                        cur = next;
                    }
                    None => return parents_by_tree_sitter(node),
                }
            }
            chain.extend(between.into_iter().rev());
            chain.push(table.nodes[s]);
            s
        }
    };
    // The listed node's depth is the number of its ancestors: one allocation, not a vector
    // grown step by step (which cost as much as the climb).
    chain.reserve_exact(table.depth[i] as usize);
    while let Some(p) = table.parent_of(i) {
        chain.push(table.nodes[p]);
        i = p;
    }
    chain
}

/// The ancestors of a node, nearest first, one at a time: what [`ancestors`] lists, without
/// the list, for callers that stop at the first one they want (the enclosing function, the
/// parent). A node the table lists climbs the table's parent links as it goes; any other is
/// listed by [`ancestors`] first.
pub(crate) fn ancestors_iter<'t>(file: &'t FileCtx, node: Node<'t>) -> Ancestors<'t> {
    let table = file.table();
    match table.index_of(node) {
        Some(i) => Ancestors::Table { table, at: i },
        None => Ancestors::Listed(ancestors(file, node).into_iter()),
    }
}

/// See [`ancestors_iter`].
pub(crate) enum Ancestors<'t> {
    Table {
        table: &'t crate::file::NodeTable,
        at: usize,
    },
    Listed(std::vec::IntoIter<Node<'t>>),
}

impl<'t> Iterator for Ancestors<'t> {
    type Item = Node<'t>;

    fn next(&mut self) -> Option<Node<'t>> {
        match self {
            Ancestors::Table { table, at } => {
                let p = table.parent_of(*at)?;
                *at = p;
                Some(table.nodes[p])
            }
            Ancestors::Listed(it) => it.next(),
        }
    }
}

/// tree-sitter's own parent links (a node of another tree: a caller's mistake).
fn parents_by_tree_sitter(node: Node<'_>) -> Vec<Node<'_>> {
    let mut chain = Vec::new();
    let mut cur = node;
    while let Some(p) = cur.parent() {
        chain.push(p);
        cur = p;
    }
    chain
}

/// The parent of a node (`None` at the root), off the file's node table.
pub fn parent_of<'t>(file: &'t FileCtx, node: Node<'t>) -> Option<Node<'t>> {
    let table = file.table();
    match table.index_of(node) {
        Some(i) => table.parent_of(i).map(|p| table.nodes[p]),
        // (Not `ancestors_iter`, which would search the table for the node again.)
        None => ancestors(file, node).first().copied(),
    }
}

/// The nearest enclosing function boundary (CHECKS.md §3.4), `None` at module level.
pub fn enclosing_function<'t>(file: &'t FileCtx, node: Node<'t>) -> Option<Node<'t>> {
    ancestors_iter(file, node).find(|n| is_function(file.language, *n))
}

/// Whether a function node is a coroutine: PY `async def`, JS `async` functions; never Go.
pub fn is_async(lang: Language, func: Node<'_>) -> bool {
    match lang {
        Language::Go => false,
        Language::Python => {
            func.kind_str() == "function_definition"
                && func.child_at(0).is_some_and(|c| c.kind_str() == "async")
        }
        _ => {
            let mut cursor = func.walk();
            let found = func
                .children(&mut cursor)
                .take_while(|c| !matches!(c.kind_str(), "formal_parameters" | "statement_block"))
                .any(|c| c.kind_str() == "async");
            found
        }
    }
}

/// Whether the nearest enclosing function of a node is a coroutine. Cached per node.
pub fn in_async_function<'t>(file: &'t FileCtx, node: Node<'t>) -> bool {
    if let Some(v) = lock(&file.async_cache).get(&node.id()) {
        return *v;
    }
    let v = enclosing_function(file, node).is_some_and(|f| is_async(file.language, f));
    lock(&file.async_cache).insert(node.id(), v);
    v
}

/// The loop whose body contains `node`, stopping at the nearest function boundary (§3.4).
/// Comprehensions count for their element and conditions, not the iterable of the first clause.
pub fn enclosing_loop<'t>(file: &'t FileCtx, node: Node<'t>) -> Option<Node<'t>> {
    let lang = file.language;
    let mut child_id = node.id();
    for n in ancestors_iter(file, node) {
        if is_function(lang, n) {
            return None;
        }
        let kind = n.kind_str();
        if lang.loop_kinds().contains(&kind) {
            if n.field("body").is_some_and(|b| b.id() == child_id) {
                return Some(n);
            }
        } else if lang.comprehension_kinds().contains(&kind) && in_comprehension_body(n, child_id) {
            return Some(n);
        }
        child_id = n.id();
    }
    None
}

fn in_comprehension_body(comp: Node<'_>, child_id: usize) -> bool {
    // The first `for_in_clause`'s iterable is evaluated once; everything else runs per item.
    let mut cursor = comp.walk();
    let first_clause = comp
        .named_children(&mut cursor)
        .find(|c| c.kind_str() == "for_in_clause");
    !matches!(first_clause, Some(clause) if clause.id() == child_id)
}

/// The number of iterations of a loop when it is evident from literals, else `None` (large).
pub fn iterable_size(file: &FileCtx, lp: Node<'_>) -> Option<i64> {
    match file.language {
        Language::Python => python::iterable_size(file, lp),
        Language::Go => go::iterable_size(file, lp),
        _ => js::iterable_size(file, lp),
    }
}

/// The name of a function or class definition node, if it has one.
pub fn definition_name<'s>(file: &'s FileCtx, def: Node<'_>) -> Option<&'s str> {
    if let Some(n) = def.field("name") {
        return Some(file.text(n));
    }
    // JS: `const f = () => …` names the arrow function by its declarator.
    let parent = def.parent()?;
    if parent.kind_str() == "variable_declarator" {
        return parent.field("name").map(|n| file.text(n));
    }
    None
}

/// The dotted path of definitions enclosing a node, e.g. `JobProcessor.run`; empty at top level.
pub fn enclosing_symbol(file: &FileCtx, node: Node<'_>) -> String {
    let lang = file.language;
    let mut parts: Vec<&str> = ancestors(file, node)
        .into_iter()
        .filter(|n| is_function(lang, *n) || lang.class_kinds().contains(&n.kind_str()))
        .filter_map(|n| definition_name(file, n))
        .collect();
    parts.reverse();
    parts.join(".")
}

/// Whether `node` lies inside an argument of a call whose callee is in `is_wrapper` (an offload
/// wrapper such as `asyncio.to_thread`). Lambdas are crossed (`run_in_executor(None, lambda: …)`);
/// a named function definition stops the walk.
pub fn in_call_argument(file: &FileCtx, node: Node<'_>, is_wrapper: impl Fn(&str) -> bool) -> bool {
    let lang = file.language;
    let chain = ancestors(file, node);
    let mut child = node;
    for (i, n) in chain.iter().enumerate() {
        let kind = n.kind_str();
        if is_function(lang, *n) && !matches!(kind, "lambda" | "arrow_function" | "func_literal") {
            return false;
        }
        if matches!(kind, "argument_list" | "arguments") && child.is_named() {
            if let Some(call) = chain.get(i + 1) {
                if let Some(callee) = call.field("function") {
                    if is_wrapper(&resolve(file, callee)) {
                        return true;
                    }
                }
            }
        }
        child = *n;
    }
    false
}

/// Decorator expressions of a (possibly decorated) Python definition, resolved (P1), outermost
/// first. `@app.get("/x")` resolves to the callee, e.g. `$app.get`.
pub fn decorators(file: &FileCtx, def: Node<'_>) -> Vec<String> {
    match def.parent() {
        Some(parent) if parent.kind_str() == "decorated_definition" => decorator_targets(parent)
            .into_iter()
            .map(|target| resolve(file, target))
            .collect(),
        _ => Vec::new(),
    }
}

/// The expressions a `decorated_definition`'s decorators name, outermost first: the callee of
/// `@app.get("/x")`, the whole of `@staticmethod`.
pub(crate) fn decorator_targets(decorated: Node<'_>) -> Vec<Node<'_>> {
    let mut cursor = decorated.walk();
    decorated
        .named_children(&mut cursor)
        .filter(|d| d.kind_str() == "decorator")
        .filter_map(|d| d.named_child_at(0))
        .map(|expr| {
            if expr.kind_str() == "call" {
                expr.field("function").unwrap_or(expr)
            } else {
                expr
            }
        })
        .collect()
}

/// Whether a node, or the function/statement containing it, has a syntax error (CHECKS.md §0:
/// findings there are dropped).
pub fn in_broken_region(file: &FileCtx, node: Node<'_>) -> bool {
    let chain = ancestors(file, node);
    let region = chain
        .iter()
        .find(|n| is_function(file.language, **n))
        .copied()
        // At top level: the statement that is a child of the root.
        .or_else(|| match chain.len() {
            0 => None,
            1 => Some(
                file.tree
                    .root_node()
                    .child_with_descendant(node)
                    .unwrap_or(node),
            ),
            n => Some(chain[n - 2]),
        });
    region.is_some_and(|r| r.has_error())
}

#[cfg(test)]
mod tests;
