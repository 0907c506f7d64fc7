//! Shapes that predicates used to rebuild one node step at a time: the links of a method chain
//! (`Order.objects.filter(…).first()`), the `with` item that binds a name, the annotation of a
//! parameter. In rhai each step of such a loop costs a statement or a host call (about a
//! thousand instructions, docs/pack-format.md §17), and the packs walk these shapes at most of
//! their matches; here a walk costs a few tree-sitter lookups. Language-generic: node kinds of
//! the grammars, no library names (which methods or types matter stays in the packs).

use crate::file::FileCtx;
use crate::lang::{Language, NodeExt};
use tree_sitter::Node;

/// The links of a method chain, from an expression inwards to what the chain starts on.
pub struct Chain<'t> {
    /// Method names in source order (innermost first), with `[]` for an index and `[:]` for a
    /// slice: `Order.objects.filter(x).first()` gives `filter`, `first`.
    pub methods: Vec<&'t str>,
    /// The call (index, slice) node of each method, in the same order.
    pub calls: Vec<Node<'t>>,
    /// Where the walk stopped: the expression the first method is called on (`Order.objects`),
    /// or the node that is no link (a call of a plain function, a literal, a name).
    pub end: Node<'t>,
}

/// Chains longer than this are cut: `end` is then the last link reached.
const MAX_LINKS: usize = 256;

/// The method chain an expression ends: through `await` and parentheses, calls of a member
/// (`x.m(…)`), indexes and slices, down to what the first of them is applied to.
pub fn method_chain<'t>(file: &'t FileCtx, expr: Node<'t>) -> Chain<'t> {
    let (await_kind, call, member, member_object, member_name, index, slice) = match file.language {
        Language::Python => (
            "await",
            "call",
            "attribute",
            "object",
            "attribute",
            "subscript",
            "",
        ),
        Language::Go => (
            "",
            "call_expression",
            "selector_expression",
            "operand",
            "field",
            "index_expression",
            "slice_expression",
        ),
        _ => (
            "await_expression",
            "call_expression",
            "member_expression",
            "object",
            "property",
            "subscript_expression",
            "",
        ),
    };
    let mut methods = Vec::new();
    let mut calls = Vec::new();
    let mut n = expr;
    while calls.len() < MAX_LINKS {
        let k = n.kind_str();
        if k == "parenthesized_expression" || (!await_kind.is_empty() && k == await_kind) {
            match n.named_child(0) {
                Some(c) => n = c,
                None => break,
            }
            continue;
        }
        if k == call {
            let Some(f) = n.field("function").filter(|f| f.kind_str() == member) else {
                break;
            };
            let (Some(obj), Some(name)) = (f.field(member_object), f.field(member_name)) else {
                break;
            };
            methods.push(file.text(name));
            calls.push(n);
            n = obj;
            continue;
        }
        if k == index || (!slice.is_empty() && k == slice) {
            let (value, sliced) = match file.language {
                // `a[1:2]`: a subscript whose `subscript` is a slice.
                Language::Python => (
                    n.field("value"),
                    n.field("subscript")
                        .is_some_and(|s| s.kind_str() == "slice"),
                ),
                Language::Go => (n.field("operand"), k == slice),
                _ => (n.field("object"), false),
            };
            let Some(value) = value else {
                break;
            };
            methods.push(if sliced { "[:]" } else { "[]" });
            calls.push(n);
            n = value;
            continue;
        }
        break;
    }
    methods.reverse();
    calls.reverse();
    Chain {
        methods,
        calls,
        end: n,
    }
}

/// The `with` item that binds `name` with `as` around `node`, nearest first, within its
/// function (`with Session(engine) as s:` for a use of `s` in the block), or `None`. Python;
/// other languages have no `with`.
pub fn with_binding<'t>(file: &'t FileCtx, node: Node<'t>, name: &str) -> Option<Node<'t>> {
    if file.language != Language::Python {
        return None;
    }
    for a in super::ancestors(file, node) {
        match a.kind_str() {
            "function_definition" | "lambda" => return None,
            "with_statement" => {}
            _ => continue,
        }
        // The statement's own items (`with A() as a, B() as b:`), not those of `with`
        // statements in its body: those enclose `node` only when they are ancestors too, met
        // before this one.
        let mut c = a.walk();
        for clause in a.named_children(&mut c) {
            if clause.kind_str() != "with_clause" {
                continue;
            }
            let mut ci = clause.walk();
            for item in clause.named_children(&mut ci) {
                if item.kind_str() != "with_item" {
                    continue;
                }
                let bound = item
                    .field("value")
                    .filter(|v| v.kind_str() == "as_pattern")
                    .and_then(|v| v.field("alias"))
                    .is_some_and(|alias| file.text(alias) == name);
                if bound {
                    return Some(item);
                }
            }
        }
    }
    None
}

/// The type annotation of the parameter `name` of a function (`db` in `def f(db: Session)`),
/// or `None` when the parameter is not annotated or not there. Python and TypeScript; Go gives
/// the declared type of a named parameter.
pub fn param_annotation<'t>(file: &'t FileCtx, func: Node<'t>, name: &str) -> Option<Node<'t>> {
    let params = func.field("parameters")?;
    let mut c = params.walk();
    for p in params.named_children(&mut c) {
        let (ident, ty) = match (file.language, p.kind_str()) {
            (Language::Python, "typed_parameter") => (p.named_child(0), p.field("type")),
            (Language::Python, "typed_default_parameter") => (p.field("name"), p.field("type")),
            (Language::Go, "parameter_declaration") => {
                // `a, b int`: every name shares the type.
                let mut cn = p.walk();
                let named = p
                    .children_by_field_name("name", &mut cn)
                    .any(|n| file.text(n) == name);
                if named {
                    return p.field("type");
                }
                continue;
            }
            (Language::TypeScript | Language::Tsx, "required_parameter" | "optional_parameter") => {
                (
                    p.field("pattern"),
                    // `x: T` is a `type_annotation` whose one named child is the type.
                    p.field("type").and_then(|t| t.named_child(0)),
                )
            }
            _ => continue,
        };
        if ident.is_some_and(|i| file.text(i) == name) {
            // The first parameter of that name decides, annotated or not.
            return ty;
        }
    }
    None
}
