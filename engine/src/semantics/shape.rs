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
            match n.named_child_at(0) {
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

/// The node kinds of calls, member accesses (with their object field) and `await` in a
/// language, for the chain walks below.
fn chain_kinds(lang: Language) -> (&'static str, &'static str, &'static str, &'static str) {
    match lang {
        Language::Python => ("call", "attribute", "object", "await"),
        Language::Go => ("call_expression", "selector_expression", "operand", ""),
        _ => (
            "call_expression",
            "member_expression",
            "object",
            "await_expression",
        ),
    }
}

/// Steps after which [`chain_start`] stops where it is.
const CHAIN_START_STEPS: usize = 30;
/// Steps after which [`first_call`] stops where it is.
const FIRST_CALL_STEPS: usize = 40;

/// What a chain of calls and member accesses starts from: from `expr` through a call to its
/// callee, a member access to its object and parentheses to what they hold, until another kind
/// of node: `base_query` for `base_query.where(x).limit(5)`, `select` for
/// `select(M).where(…)`, `self` for `self.session.execute(q)`. After 30 steps the walk stops
/// where it is.
pub fn chain_start<'t>(file: &'t FileCtx, expr: Node<'t>) -> Node<'t> {
    let (call, member, object, _) = chain_kinds(file.language);
    let mut n = expr;
    for _ in 0..CHAIN_START_STEPS {
        let k = n.kind_str();
        let next = if k == call {
            n.field("function")
        } else if k == member {
            n.field(object)
        } else if k == "parenthesized_expression" {
            n.named_child_at(0)
        } else {
            break;
        };
        match next {
            Some(c) => n = c,
            None => break,
        }
    }
    n
}

/// The first call of a chain of method calls that `expr` ends (through `await` and
/// parentheses): `update(M)` for `update(M).where(…).values(…)`, `session.query(M)` for
/// `session.query(M).filter(…).all()`, the call itself when its callee is no method of another
/// call; `expr` itself (unwrapped) when it is no call. After 40 steps the walk stops where it is.
pub fn first_call<'t>(file: &'t FileCtx, expr: Node<'t>) -> Node<'t> {
    let (call, member, object, await_kind) = chain_kinds(file.language);
    let mut cur = expr;
    for _ in 0..FIRST_CALL_STEPS {
        let k = cur.kind_str();
        if k == "parenthesized_expression" || (!await_kind.is_empty() && k == await_kind) {
            match cur.named_child_at(0) {
                Some(c) => cur = c,
                None => return cur,
            }
            continue;
        }
        if k != call {
            return cur;
        }
        let inner = cur
            .field("function")
            .filter(|f| f.kind_str() == member)
            .and_then(|f| f.field(object))
            .map(|mut o| {
                while o.kind_str() == "parenthesized_expression" {
                    match o.named_child_at(0) {
                        Some(c) => o = c,
                        None => break,
                    }
                }
                o
            })
            .filter(|o| o.kind_str() == call);
        match inner {
            Some(o) => cur = o,
            None => return cur,
        }
    }
    cur
}

/// The `with` item that binds `name` with `as` around `node`, nearest first, within its
/// function (`with Session(engine) as s:` for a use of `s` in the block), or `None`. Python;
/// other languages have no `with`.
pub fn with_binding<'t>(file: &'t FileCtx, node: Node<'t>, name: &str) -> Option<Node<'t>> {
    if file.language != Language::Python {
        return None;
    }
    for a in super::ancestors_iter(file, node) {
        match a.kind_str() {
            "function_definition" | "lambda" => return None,
            "with_statement" => {}
            _ => continue,
        }
        // The statement's own items (`with A() as a, B() as b:`), not those of `with`
        // statements in its body: those enclose `node` only when they are ancestors too, met
        // before this one.
        for clause in file.named_children(a) {
            if clause.kind_str() != "with_clause" {
                continue;
            }
            for item in file.named_children(clause) {
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
    for p in file.named_children(params) {
        let (ident, ty) = match (file.language, p.kind_str()) {
            (Language::Python, "typed_parameter") => (p.named_child_at(0), p.field("type")),
            (Language::Python, "typed_default_parameter") => (p.field("name"), p.field("type")),
            (Language::Go, "parameter_declaration") => {
                // `a, b int`: every name shares the type.
                let named = p.fields("name").any(|n| file.text(n) == name);
                if named {
                    return p.field("type");
                }
                continue;
            }
            (Language::TypeScript | Language::Tsx, "required_parameter" | "optional_parameter") => {
                (
                    p.field("pattern"),
                    // `x: T` is a `type_annotation` whose one named child is the type.
                    p.field("type").and_then(|t| t.named_child_at(0)),
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

/// A call that receives a value as an argument (see [`value_uses`], [`name_uses`]).
pub struct Pass<'t> {
    /// The call (for an argument of a class's bases or keywords: the node around the argument
    /// list, as it is).
    pub call: Node<'t>,
    /// The attribute of the value passed (`row.id` passes `id`), or `""` for the value itself.
    pub attr: &'t str,
    /// The position among the argument list's named children, or -1 for a keyword argument.
    pub index: i64,
    /// The keyword (`user_id=row.id`), or `""`.
    pub keyword: &'t str,
}

/// What a function does with the value of an expression (a call's result): the name it is
/// bound to, the attributes read from it, whether it is used whole (returned, passed on,
/// called a method of), changed (an attribute assigned) or returned, and the calls that receive
/// one of its attributes. See [`value_uses`].
pub struct ValueUses<'t> {
    pub bound: Option<Node<'t>>,
    pub fields: Vec<&'t str>,
    pub whole: bool,
    pub mutated: bool,
    pub returned: bool,
    pub passes: Vec<Pass<'t>>,
}

fn field_is(node: Node<'_>, field: &str, child: Node<'_>) -> bool {
    node.field(field).is_some_and(|c| c.id() == child.id())
}

fn kind_of(node: Option<Node<'_>>) -> &str {
    node.map_or("", |n| n.kind_str())
}

/// Whether a node is a use of a name, as `uses_of` lists them: an identifier, or a JavaScript
/// shorthand property (`{ id }`).
pub(crate) fn is_name_use(lang: Language, n: Node<'_>) -> bool {
    matches!(
        lang.kind_of(n),
        "identifier" | "shorthand_property_identifier"
    )
}

/// The identifiers named `name` in `scope`, in document order (what `uses_of` gives).
fn identifiers<'t>(file: &'t FileCtx, scope: Node<'t>, name: &str) -> Vec<Node<'t>> {
    let lang = file.language;
    file.identifiers_named(scope, name, |n| is_name_use(lang, n))
}

/// The call an argument-list member `g` belongs to, its keyword and its position.
fn argument_of<'t>(
    file: &'t FileCtx,
    g: Node<'t>,
    arg: Node<'t>,
) -> Option<(Node<'t>, &'t str, i64)> {
    if g.kind_str() == "argument_list" {
        let mut c = g.walk();
        let index = g
            .named_children(&mut c)
            .position(|x| x.id() == arg.id())
            .map_or(-1, |i| i as i64);
        Some((super::parent_of(file, g)?, "", index))
    } else {
        let list = super::parent_of(file, g)?;
        let keyword = g.field("name").map_or("", |n| file.text(n));
        Some((super::parent_of(file, list)?, keyword, -1))
    }
}

/// What `func` does with the value of `site` (Python), read from the statement around it and
/// the later uses of the name it is bound to:
/// - `row = site` binds it (`bound`); `site.attr` reads a field, `site.m()` uses it whole,
///   `site.attr = v` changes it; `return site` returns it; a test (`if site`, `not site`,
///   `site is None`) is no use; anything else uses it whole;
/// - each later use of the bound name: `row.attr` reads `attr` (and, as an argument, passes it:
///   `passes`), `row.m()` is whole, `row.attr = v` changes it, a test is no use, `return row`
///   returns it, an assignment to the name ends the value's life; anything else is whole.
pub fn value_uses<'t>(file: &'t FileCtx, func: Node<'t>, site: Node<'t>) -> ValueUses<'t> {
    let mut out = ValueUses {
        bound: None,
        fields: Vec::new(),
        whole: false,
        mutated: false,
        returned: false,
        passes: Vec::new(),
    };
    let mut up = site;
    let mut p = super::parent_of(file, up);
    while let Some(pp) =
        p.filter(|pp| matches!(pp.kind_str(), "await" | "parenthesized_expression"))
    {
        up = pp;
        p = super::parent_of(file, up);
    }
    let Some(p) = p else {
        out.whole = true;
        return out;
    };
    match p.kind_str() {
        "assignment" if field_is(p, "right", up) && kind_of(p.field("left")) == "identifier" => {
            out.bound = p.field("left");
        }
        "attribute" if field_is(p, "object", up) => {
            let gp = super::parent_of(file, p);
            match kind_of(gp) {
                "call" if gp.is_some_and(|g| field_is(g, "function", p)) => out.whole = true,
                "assignment" if gp.is_some_and(|g| field_is(g, "left", p)) => out.mutated = true,
                _ => out
                    .fields
                    .push(p.field("attribute").map_or("", |a| file.text(a))),
            }
        }
        "return_statement" => {
            out.whole = true;
            out.returned = true;
        }
        // An existence test.
        "not_operator" | "if_statement" | "comparison_operator" => {}
        _ => out.whole = true,
    }
    let Some(bound) = out.bound else {
        return out;
    };
    for u in identifiers(file, func, file.text(bound)) {
        if u.id() == bound.id() || u.start_byte() < site.start_byte() {
            continue;
        }
        let Some(q) = super::parent_of(file, u) else {
            continue;
        };
        let qk = q.kind_str();
        if qk == "attribute" && field_is(q, "object", u) {
            let g = super::parent_of(file, q);
            let attr = q.field("attribute").map_or("", |a| file.text(a));
            match kind_of(g) {
                "call" if g.is_some_and(|g| field_is(g, "function", q)) => {
                    out.whole = true;
                    continue;
                }
                "assignment" | "augmented_assignment"
                    if g.is_some_and(|g| field_is(g, "left", q)) =>
                {
                    out.mutated = true;
                    continue;
                }
                "argument_list" | "keyword_argument" => {
                    if let Some((call, keyword, index)) = g.and_then(|g| argument_of(file, g, q)) {
                        out.passes.push(Pass {
                            call,
                            attr,
                            index,
                            keyword,
                        });
                    }
                }
                _ => {}
            }
            if !out.fields.contains(&attr) {
                out.fields.push(attr);
            }
            continue;
        }
        match qk {
            // Rebound: what follows is another value.
            "assignment" if field_is(q, "left", u) => break,
            "comparison_operator" | "not_operator" | "if_statement" => continue,
            "boolean_operator" if kind_of(super::parent_of(file, q)) == "if_statement" => continue,
            "return_statement" => out.returned = true,
            _ => {}
        }
        out.whole = true;
    }
    out
}

/// How a function uses a name: see [`name_uses`].
pub struct NameUses<'t> {
    pub uses: i64,
    pub assigns: Vec<i64>,
    pub passes: Vec<Pass<'t>>,
}

/// How `func` uses a name (Python): for an identifier, its other uses (`uses`: not as a
/// parameter, not as an assignment or loop target, not `node` itself), the lines where it is
/// assigned or a loop target (`assigns`), and the calls taking it as an argument after byte
/// `after` (`passes`); for an attribute or subscript (`job.id`, `config["uuid"]`), the lines
/// where its root variable or a part of it is assigned.
pub fn name_uses<'t>(
    file: &'t FileCtx,
    func: Node<'t>,
    node: Node<'t>,
    after: usize,
) -> NameUses<'t> {
    let line = |n: Node<'_>| n.start_position().row as i64 + 1;
    let mut out = NameUses {
        uses: 0,
        assigns: Vec::new(),
        passes: Vec::new(),
    };
    if node.kind_str() == "identifier" {
        for u in identifiers(file, func, file.text(node)) {
            let Some(p) = super::parent_of(file, u) else {
                continue;
            };
            match p.kind_str() {
                "parameters"
                | "typed_parameter"
                | "default_parameter"
                | "typed_default_parameter" => continue,
                "assignment" | "augmented_assignment" | "for_statement"
                    if field_is(p, "left", u) =>
                {
                    out.assigns.push(line(u));
                    continue;
                }
                _ => {}
            }
            if u.id() != node.id() {
                out.uses += 1;
            }
            if u.start_byte() <= after {
                continue;
            }
            if matches!(p.kind_str(), "argument_list" | "keyword_argument") {
                if let Some((call, keyword, index)) = argument_of(file, p, u) {
                    if call.kind_str() == "call" {
                        out.passes.push(Pass {
                            call,
                            attr: "",
                            index,
                            keyword,
                        });
                    }
                }
            }
        }
        return out;
    }
    // `config["uuid"]`, `job.id`: the key changes when its root variable, or a part of it, is
    // assigned (`config = config.copy()`, `config["uuid"] = …`).
    let mut root = node;
    loop {
        let next = match root.kind_str() {
            "attribute" => root.field("object"),
            "subscript" => root.field("value"),
            _ => break,
        };
        match next {
            Some(n) => root = n,
            None => break,
        }
    }
    if root.kind_str() != "identifier" {
        return out;
    }
    for u in identifiers(file, func, file.text(root)) {
        let mut cur = u;
        while let Some(p) = super::parent_of(file, cur).filter(|p| {
            (p.kind_str() == "attribute" && field_is(*p, "object", cur))
                || (p.kind_str() == "subscript" && field_is(*p, "value", cur))
        }) {
            cur = p;
        }
        let Some(p) = super::parent_of(file, cur) else {
            continue;
        };
        let assigned = match p.kind_str() {
            "assignment" | "augmented_assignment" | "for_statement" => field_is(p, "left", cur),
            "pattern_list" | "tuple_pattern" => true,
            _ => false,
        };
        if assigned {
            out.assigns.push(line(u));
        }
    }
    out
}

/// The names of a function's parameters in order, `""` for one that is no plain name (`*args`,
/// `**kw`, a destructuring pattern, a separator, a comment). Python: `self` and `cls` are kept.
/// Go: one entry per declared name (`a, b int` gives two), `""` for an unnamed parameter.
pub fn param_names<'t>(file: &'t FileCtx, func: Node<'t>) -> Vec<&'t str> {
    let Some(params) = func.field("parameters") else {
        return Vec::new();
    };
    let ident = |n: Option<Node<'t>>| -> &'t str {
        match n {
            Some(n) if n.kind_str() == "identifier" => file.text(n),
            _ => "",
        }
    };
    let mut out = Vec::new();
    for p in file.named_children(params) {
        match (file.language, p.kind_str()) {
            (_, "identifier") => out.push(file.text(p)),
            (Language::Python, "typed_parameter") => out.push(ident(p.named_child_at(0))),
            (Language::Python, "default_parameter" | "typed_default_parameter") => {
                out.push(ident(p.field("name")))
            }
            (Language::Go, "parameter_declaration") => {
                let names: Vec<&str> = p.fields("name").map(|n| file.text(n)).collect();
                if names.is_empty() {
                    out.push("");
                }
                out.extend(names);
            }
            (Language::Python | Language::Go, _) => out.push(""),
            (_, "required_parameter" | "optional_parameter") => out.push(ident(p.field("pattern"))),
            (_, "assignment_pattern") => out.push(ident(p.field("left"))),
            _ => out.push(""),
        }
    }
    out
}

/// The texts of a call's arguments: see [`arg_texts`].
pub struct ArgTexts<'t> {
    pub all: Vec<&'t str>,
    pub positional: Vec<&'t str>,
    pub keywords: Vec<(&'t str, &'t str)>,
}

/// The texts of a call's arguments, each `""` when longer than `max` bytes: every named child
/// of the argument list in order (`all`, keyword arguments as written), those that are not
/// keyword arguments (`positional`), and keyword name -> value text (`keywords`, Python).
pub fn arg_texts<'t>(file: &'t FileCtx, call: Node<'t>, max: usize) -> ArgTexts<'t> {
    let mut out = ArgTexts {
        all: Vec::new(),
        positional: Vec::new(),
        keywords: Vec::new(),
    };
    let Some(args) = call.field("arguments") else {
        return out;
    };
    let short = |n: Node<'t>| {
        if n.end_byte() - n.start_byte() <= max {
            file.text(n)
        } else {
            ""
        }
    };
    for a in file.named_children(args) {
        out.all.push(short(a));
        if a.kind_str() == "keyword_argument" {
            if let (Some(name), Some(value)) = (a.field("name"), a.field("value")) {
                out.keywords.push((file.text(name), short(value)));
            }
        } else {
            out.positional.push(short(a));
        }
    }
    out
}

/// An argument of a call that names a parameter of the calling function: see [`param_args`].
pub struct ParamArg<'t> {
    /// The identifier passed.
    pub node: Node<'t>,
    /// The keyword it is passed under (Python `f(k=v)`), `""` for a positional argument.
    pub keyword: &'t str,
    /// Its place among the positional arguments (every named child of the argument list that is
    /// no keyword argument counts), `-1` for a keyword argument.
    pub index: i64,
}

/// The arguments of `call` (a call, or its argument list) that are plain names of parameters
/// of `func` (the function the call is in), in order: a positional identifier, or a keyword
/// argument whose value is one (`read_flow_run(session, flow_run_id=flow_run_id)` gives
/// `session` and `flow_run_id`). `#passes-param?` asks whether there is one; the `param_args`
/// host function hands them to scripts with each argument's place.
pub fn param_args<'t>(file: &'t FileCtx, call: Node<'t>, func: Node<'t>) -> Vec<ParamArg<'t>> {
    let mut out = Vec::new();
    each_param_arg(file, call, func, |a| {
        out.push(a);
        true
    });
    out
}

/// Whether `call` (or its argument list) passes a parameter of `func` on: [`param_args`],
/// stopping at the first.
pub fn passes_param<'t>(file: &'t FileCtx, call: Node<'t>, func: Node<'t>) -> bool {
    let mut found = false;
    each_param_arg(file, call, func, |_| {
        found = true;
        false
    });
    found
}

/// Calls `on` with each of [`param_args`] in order while it returns true.
fn each_param_arg<'t>(
    file: &'t FileCtx,
    call: Node<'t>,
    func: Node<'t>,
    mut on: impl FnMut(ParamArg<'t>) -> bool,
) {
    let args = match call.kind_str() {
        "call" | "call_expression" => match call.field("arguments") {
            Some(a) => a,
            None => return,
        },
        _ => call,
    };
    let mut params: Option<Vec<&str>> = None;
    let mut index = 0i64;
    for a in file.named_children(args) {
        let (value, keyword, at) = if a.kind_str() == "keyword_argument" {
            match (a.field("name"), a.field("value")) {
                (Some(k), Some(v)) => (v, file.text(k), -1),
                _ => continue,
            }
        } else {
            index += 1;
            (a, "", index - 1)
        };
        if value.kind_str() != "identifier" {
            continue;
        }
        let params = params.get_or_insert_with(|| param_names(file, func));
        let name = file.text(value);
        if params.iter().any(|p| !p.is_empty() && *p == name)
            && !on(ParamArg {
                node: value,
                keyword,
                index: at,
            })
        {
            return;
        }
    }
}

/// The calls that receive `node` inside one of their arguments (at any depth, not in the
/// callee), innermost first, within its statement: the walk up stops at the enclosing block,
/// expression statement or function boundary. `submit(run, db)` and `tasks.add(wrap(db))` for
/// `db`.
pub fn calls_around<'t>(file: &'t FileCtx, node: Node<'t>) -> Vec<Node<'t>> {
    let lang = file.language;
    let mut out = Vec::new();
    for a in super::ancestors_iter(file, node) {
        let kind = a.kind_str();
        if matches!(kind, "block" | "statement_block" | "expression_statement")
            || super::is_function(lang, a)
        {
            break;
        }
        if !matches!(kind, "call" | "call_expression") {
            continue;
        }
        let in_callee = a.field("function").is_some_and(|f| {
            node.start_byte() >= f.start_byte() && node.end_byte() <= f.end_byte()
        });
        if !in_callee {
            out.push(a);
        }
    }
    out
}

/// The ancestors of `node` whose kind is one of `kinds`, nearest first, below `stop` (a node
/// above `node`, left out; all the way up when it is not an ancestor): the `except` clause or the
/// `if` statements between a call and its loop.
pub fn ancestors_within<'t>(
    file: &'t FileCtx,
    node: Node<'t>,
    stop: Node<'t>,
    kinds: &[&str],
) -> Vec<Node<'t>> {
    super::ancestors_iter(file, node)
        .take_while(|a| a.id() != stop.id())
        .filter(|a| kinds.contains(&a.kind_str()))
        .collect()
}

/// The calls below `node` (at any depth, nested functions included, as `descendants("call")`
/// lists them), in document order, whose callee is a member `x.m` of any receiver or a bare
/// name `m`, with `m` one of `names`: the commits and refreshes of a function, the
/// `StreamingResponse(…)` of a module. A predicate that looped over every call of a function to
/// read each one's method name ran a dozen steps a call; this compares names on the file's
/// cached list of calls.
pub fn calls_named<'t>(file: &'t FileCtx, node: Node<'t>, names: &[&str]) -> Vec<Node<'t>> {
    let kind = match file.language {
        Language::Python => "call",
        _ => "call_expression",
    };
    file.with_descendants(node, kind, |calls| {
        calls
            .iter()
            .filter(|c| {
                let Some(callee) = c.field("function") else {
                    return false;
                };
                let name = match super::receiver::member_parts(callee) {
                    Some((_, m)) => m,
                    None if callee.kind_str() == "identifier" => callee,
                    None => return false,
                };
                names.contains(&file.text(name))
            })
            .copied()
            .collect()
    })
}
