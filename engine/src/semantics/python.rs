//! Python bindings and resolution (P1) and literal loop sizes (P4).

use super::{resolve_depth, resolve_identifier, Binding, Bindings, Scope};
use crate::file::FileCtx;
use crate::lang::NodeExt;
use tree_sitter::Node;

pub(super) fn resolve(file: &FileCtx, node: Node<'_>, hops: u8, sc: Scope<'_, '_>) -> String {
    match node.kind_str() {
        "identifier" => resolve_identifier(file, node, file.text(node), hops, sc),
        "attribute" => {
            let (Some(obj), Some(attr)) = (node.field("object"), node.field("attribute")) else {
                return "?".into();
            };
            format!("{}.{}", resolve_depth(file, obj, hops, sc), file.text(attr))
        }
        "call" => match node.field("function") {
            Some(f) => format!("{}()", resolve_depth(file, f, hops, sc)),
            None => "?".into(),
        },
        "parenthesized_expression" => match node.named_child_at(0) {
            Some(inner) => resolve_depth(file, inner, hops, sc),
            None => "?".into(),
        },
        _ => "?".into(),
    }
}

/// Bindings of one function: parameters, assignments, loop and `with` targets, nested imports
/// and definitions. Nested functions and classes are other scopes and are not entered.
pub(super) fn scope_bindings(file: &FileCtx, func: Node<'_>) -> Bindings {
    let mut b = Bindings::default();
    if let Some(params) = func.field("parameters") {
        for p in file.named_children(params) {
            let name = match p.kind_str() {
                "identifier" => Some(p),
                "typed_parameter" => p.named_child_at(0).filter(|n| n.kind_str() == "identifier"),
                "default_parameter" | "typed_default_parameter" => p.field("name"),
                "list_splat_pattern" | "dictionary_splat_pattern" => p.named_child_at(0),
                _ => None,
            };
            if let Some(n) = name {
                b.bind(file.text(n), Binding::Local);
            }
        }
    }
    if let Some(body) = func.field("body") {
        collect_scope(file, body, &mut b);
    }
    b
}

pub(super) fn module_bindings(file: &FileCtx) -> Bindings {
    let mut b = Bindings::default();
    collect_scope(file, file.tree.root_node(), &mut b);
    b
}

/// The statements of a scope, walked once ([`ScopeWalk::collect`]), read off the file's node table
/// when the walk has built one that lists `node`'s children: stepping a tree-sitter cursor over
/// a scope's statements and asking nodes for their fields cost ~200 M instructions on prefect (a
/// module's bindings are built for nearly every file, a function's for every function a name is
/// resolved in); the table has both at hand. Without a table, or below a node whose children
/// the table leaves out, the same walk reads the tree (`bindings_off_the_table_are_the_trees`).
fn collect_scope(file: &FileCtx, node: Node<'_>, b: &mut Bindings) {
    let table = file.built_table();
    match table.and_then(|t| t.index_of(node)) {
        Some(i) => ScopeWalk::new(file, table).collect(At::Row(i), b),
        None => collect(file, node, b),
    }
}

/// [`collect_scope`] on the tree alone.
fn collect(file: &FileCtx, node: Node<'_>, b: &mut Bindings) {
    ScopeWalk::new(file, None).collect(At::Tree(node), b);
}

/// A node of a scope walk: a row of the node table, or a tree-sitter node (no table, or below a
/// node whose children the table leaves out).
#[derive(Clone, Copy)]
enum At<'f> {
    Row(usize),
    Tree(Node<'f>),
}

/// Where a scope walk reads nodes, children and fields from.
struct ScopeWalk<'f> {
    file: &'f FileCtx,
    table: Option<&'f crate::file::NodeTable>,
    name: u16,
    definition: u16,
    left: u16,
}

impl<'f> ScopeWalk<'f> {
    fn new(file: &'f FileCtx, table: Option<&'f crate::file::NodeTable>) -> ScopeWalk<'f> {
        let field = |n: &str| file.language.field_id(n).map_or(u16::MAX, |f| f.get());
        ScopeWalk {
            file,
            table,
            name: field("name"),
            definition: field("definition"),
            left: field("left"),
        }
    }

    fn node(&self, at: At<'f>) -> Node<'f> {
        match (at, self.table) {
            (At::Row(i), Some(t)) => t.nodes[i],
            (At::Tree(n), _) => n,
            (At::Row(_), None) => unreachable!("a row without a table"),
        }
    }

    /// Calls `f` on each named child of `at`, in order.
    fn each_named_child(&self, at: At<'f>, mut f: impl FnMut(At<'f>)) {
        if let (At::Row(i), Some(t)) = (at, self.table) {
            if !t.skipped[i] {
                t.children(i)
                    .filter(|&j| t.nodes[j].is_named())
                    .for_each(|j| f(At::Row(j)));
                return;
            }
        }
        let node = self.node(at);
        for c in crate::tree_walk::named_children(node) {
            f(At::Tree(c));
        }
    }

    /// The first named child of `at`.
    fn first_named_child(&self, at: At<'f>) -> Option<Node<'f>> {
        if let (At::Row(i), Some(t)) = (at, self.table) {
            if !t.skipped[i] {
                return t.children(i).map(|j| t.nodes[j]).find(|n| n.is_named());
            }
        }
        self.node(at).named_child_at(0)
    }

    /// The node in field `f` of `at` (its first such child); from tree-sitter when the table
    /// has no fields or leaves the node's children out.
    fn field(&self, at: At<'f>, f: u16) -> Option<Node<'f>> {
        if let (At::Row(i), Some(t)) = (at, self.table) {
            if !t.skipped[i] && t.has_fields {
                return t.child_by_field(i, f).map(|j| t.nodes[j]);
            }
        }
        crate::tree_walk::child_by_field(self.node(at), f)
    }

    /// Walks the statements of one scope (not entering nested scopes) and records bindings.
    fn collect(&self, at: At<'f>, b: &mut Bindings) {
        let file = self.file;
        self.each_named_child(at, |c| {
            let child = self.node(c);
            match child.kind_str() {
                "import_statement" => import_statement(file, child, b),
                "import_from_statement" => import_from(file, child, b),
                "function_definition" | "class_definition" => {
                    if let Some(n) = self.field(c, self.name) {
                        b.bind(file.text(n), Binding::Local);
                    }
                }
                "decorated_definition" => {
                    let def = self.field(c, self.definition);
                    if let Some(n) = def.and_then(|d| d.field("name")) {
                        b.bind(file.text(n), Binding::Local);
                    }
                }
                "expression_statement" => {
                    // An assignment is the statement's only child (the other forms of the
                    // statement list expressions, and an assignment is none).
                    if let Some(e) = self
                        .first_named_child(c)
                        .filter(|e| e.kind_str() == "assignment")
                    {
                        assignment(file, e, b);
                    }
                }
                "for_statement" => {
                    if let Some(left) = self.field(c, self.left) {
                        bind_targets(file, left, b);
                    }
                    self.blocks(c, b);
                }
                "with_statement" => {
                    with_statement(file, child, b);
                    self.blocks(c, b);
                }
                "lambda"
                | "list_comprehension"
                | "set_comprehension"
                | "dictionary_comprehension"
                | "generator_expression" => {}
                _ => self.blocks(c, b),
            }
        });
    }

    /// Enters compound statements (`if`, `try`, `while`, `with`, `for`, blocks, clauses).
    fn blocks(&self, at: At<'f>, b: &mut Bindings) {
        match self.node(at).kind_str() {
            "block" | "if_statement" | "elif_clause" | "else_clause" | "try_statement"
            | "except_clause" | "finally_clause" | "while_statement" | "for_statement"
            | "with_statement" | "match_statement" | "case_clause" => {
                self.each_named_child(at, |c| {
                    if self.node(c).kind_str() == "block" {
                        self.collect(c, b);
                    } else {
                        self.blocks(c, b);
                    }
                });
            }
            _ => {}
        }
    }
}

fn assignment(file: &FileCtx, a: Node<'_>, b: &mut Bindings) {
    let (Some(left), right) = (a.field("left"), a.field("right")) else {
        return;
    };
    if left.kind_str() == "identifier" {
        // Any value is kept: resolution gives `$name` for values it cannot name, and
        // `assigned_value` hands the value node to predicates.
        match right {
            Some(v) => b.bind(
                file.text(left),
                Binding::Alias(v.start_byte(), v.end_byte()),
            ),
            None => b.bind(file.text(left), Binding::Local),
        }
    } else {
        bind_targets(file, left, b);
    }
}

fn with_statement(file: &FileCtx, w: Node<'_>, b: &mut Bindings) {
    // with_statement > with_clause > with_item(value: as_pattern(expr, alias: as_pattern_target))
    let mut stack = vec![w];
    while let Some(n) = stack.pop() {
        for c in file.named_children(n) {
            match c.kind_str() {
                "with_clause" | "with_item" => stack.push(c),
                "as_pattern" => {
                    let value = c.named_child_at(0);
                    let target = c.field("alias").and_then(|t| t.named_child_at(0));
                    if let (Some(v), Some(t)) = (value, target) {
                        if t.kind_str() == "identifier" {
                            b.bind(file.text(t), Binding::Alias(v.start_byte(), v.end_byte()));
                        } else {
                            bind_targets(file, t, b);
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// Binds every identifier of an assignment/loop target as a local of unknown value.
fn bind_targets(file: &FileCtx, target: Node<'_>, b: &mut Bindings) {
    match target.kind_str() {
        "identifier" => b.bind(file.text(target), Binding::Local),
        "pattern_list"
        | "tuple_pattern"
        | "list_pattern"
        | "list_splat_pattern"
        | "parenthesized_expression" => {
            for c in file.named_children(target) {
                bind_targets(file, c, b);
            }
        }
        _ => {}
    }
}

fn import_statement(file: &FileCtx, stmt: Node<'_>, b: &mut Bindings) {
    for name in stmt.fields("name") {
        match name.kind_str() {
            "dotted_name" => {
                // `import a.b` binds `a` to the package `a`.
                let full = file.text(name);
                let head = full.split('.').next().unwrap_or(full).trim();
                b.bind(head, Binding::Import(head.to_string()));
            }
            "aliased_import" => {
                if let (Some(n), Some(alias)) = (name.field("name"), name.field("alias")) {
                    b.bind(file.text(alias), Binding::Import(dotted(file.text(n))));
                }
            }
            _ => {}
        }
    }
}

fn import_from(file: &FileCtx, stmt: Node<'_>, b: &mut Bindings) {
    let Some(module) = stmt.field("module_name") else {
        return;
    };
    let module_name = if module.kind_str() == "relative_import" {
        relative_module(file, file.text(module))
    } else {
        dotted(file.text(module))
    };
    for name in stmt.fields("name") {
        let (imported, bound) = match name.kind_str() {
            "dotted_name" => (file.text(name), file.text(name)),
            "aliased_import" => match (name.field("name"), name.field("alias")) {
                (Some(n), Some(a)) => (file.text(n), file.text(a)),
                _ => continue,
            },
            _ => continue,
        };
        let q = if module_name.is_empty() {
            dotted(imported)
        } else {
            format!("{module_name}.{}", dotted(imported))
        };
        b.bind(bound.trim(), Binding::Import(q));
    }
}

fn dotted(s: &str) -> String {
    s.split('.').map(str::trim).collect::<Vec<_>>().join(".")
}

/// `.models` in `app/api/routes.py` is `app.api.models`; `..core` is `app.core`.
fn relative_module(file: &FileCtx, rel: &str) -> String {
    let dots = rel.chars().take_while(|c| *c == '.').count();
    let rest = rel[dots..].trim();
    let path = file.path.trim_end_matches(".py");
    let mut parts: Vec<&str> = path
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    // The package of a module is its directory (for `__init__.py`, the directory itself).
    parts.pop();
    for _ in 1..dots {
        parts.pop();
    }
    if !rest.is_empty() {
        parts.push(rest);
    }
    dotted(&parts.join("."))
}

pub(super) fn iterable_size(file: &FileCtx, lp: Node<'_>) -> Option<i64> {
    let right = match lp.kind_str() {
        "for_statement" => lp.field("right")?,
        "for_in_clause" => lp.field("right")?,
        // A comprehension iterates its first `for` clause (nested clauses multiply; unknown).
        "list_comprehension"
        | "set_comprehension"
        | "dictionary_comprehension"
        | "generator_expression" => {
            let mut cursor = lp.walk();
            let clauses: Vec<_> = lp
                .named_children(&mut cursor)
                .filter(|c| c.kind_str() == "for_in_clause")
                .collect();
            if clauses.len() != 1 {
                return None;
            }
            clauses[0].field("right")?
        }
        _ => return None,
    };
    literal_size(file, right)
}

fn literal_size(file: &FileCtx, expr: Node<'_>) -> Option<i64> {
    match expr.kind_str() {
        "list" | "tuple" | "set" | "dictionary" => {
            let mut cursor = expr.walk();
            let n = expr
                .named_children(&mut cursor)
                .filter(|c| c.kind_str() != "comment")
                .count();
            Some(n as i64)
        }
        "call" => {
            let f = expr.field("function")?;
            if super::resolve(file, f) != "range" {
                return None;
            }
            let args = expr.field("arguments")?;
            let mut cursor = args.walk();
            let nums: Vec<i64> = args
                .named_children(&mut cursor)
                .map(|a| {
                    if a.kind_str() == "integer" {
                        file.text(a).replace('_', "").parse::<i64>().ok()
                    } else {
                        None
                    }
                })
                .collect::<Option<Vec<_>>>()?;
            match nums.as_slice() {
                [k] => Some((*k).max(0)),
                [a, b] => Some((b - a).max(0)),
                [a, b, s] if *s > 0 => Some(((b - a) + s - 1).max(0) / s),
                _ => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Language;

    fn sorted(b: &Bindings) -> Vec<(String, Binding)> {
        let mut v: Vec<(String, Binding)> =
            b.map.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }

    /// A module's bindings and every function's, read off a node table (whole, partial, without
    /// fields) or off the tree, are the same, on every Python file of the repository.
    #[test]
    fn bindings_off_the_table_are_the_trees() {
        // Without the children of argument lists, strings and bodies of `if`: the table then
        // hands those to the tree-sitter walk.
        let partial =
            |n: Node<'_>| !matches!(n.kind_str(), "argument_list" | "string" | "if_statement");
        let mut files = crate::repository_python_sources();
        files.push("def f(:\n    x = (\n".into());
        files.push("import a.b as c\nfor i, (j, k) in x:\n    with o() as (p, q):\n        @d\n        def g(): pass\n".into());
        let mut scopes = 0;
        for src in &files {
            for mode in 0..4 {
                let tree = crate::engine::parse(Language::Python, src).expect("parses");
                let f = FileCtx::new("m.py".into(), Language::Python, src.as_str().into(), tree);
                match mode {
                    0 => {}
                    1 => drop(f.table_with(true, |_| true)),
                    2 => drop(f.table_with(true, partial)),
                    _ => drop(f.table_with(false, |_| true)),
                }
                // Modes 1 to 3 read the table (the root is always listed); 3 without fields.
                assert_eq!(f.built_table().is_some(), mode > 0);
                let mut want = Bindings::default();
                collect(&f, f.tree.root_node(), &mut want);
                assert_eq!(sorted(&module_bindings(&f)), sorted(&want), "mode {mode}");
                let mut stack = vec![f.tree.root_node()];
                while let Some(n) = stack.pop() {
                    if n.kind_str() == "function_definition" {
                        let mut want = Bindings::default();
                        if let Some(body) = n.field("body") {
                            collect(&f, body, &mut want);
                            let mut got = Bindings::default();
                            collect_scope(&f, body, &mut got);
                            assert_eq!(sorted(&got), sorted(&want), "mode {mode}");
                            scopes += 1;
                        }
                    }
                    stack.extend(crate::tree_walk::named_children(n));
                }
            }
        }
        assert!(scopes > 1_000, "{scopes} function bodies");
    }
}
