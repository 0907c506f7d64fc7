//! Values and shapes of expressions that configuration code is made of: the literal value of an
//! expression (constants followed, arithmetic folded: `pool_recycle=30 * 60`, `max_size=POOL`
//! after `POOL = 20`), the arguments of a call (positional, keyword, splats), and the target an
//! expression is assigned to. Language-generic: node kinds of the four grammars.

use crate::file::FileCtx;
use crate::lang::NodeExt;
use tree_sitter::Node;

/// A literal value.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// `None`, `null`, `undefined`, `nil`.
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
}

const MAX_HOPS: u8 = 4;

/// The value of an expression made of literals, or `None` when it depends on anything else.
pub fn literal(file: &FileCtx, node: Node<'_>) -> Option<Literal> {
    literal_at(file, node, 0)
}

fn literal_at(file: &FileCtx, node: Node<'_>, hops: u8) -> Option<Literal> {
    match node.kind_str() {
        "true" => Some(Literal::Bool(true)),
        "false" => Some(Literal::Bool(false)),
        "none" | "null" | "undefined" | "nil" => Some(Literal::Null),
        "integer" | "int_literal" | "number" | "float" | "float_literal" => number(file.text(node)),
        "string"
        | "concatenated_string"
        | "interpreted_string_literal"
        | "raw_string_literal"
        | "template_string" => match crate::script::string_glob(file, node) {
            Some((s, false)) => Some(Literal::Str(s)),
            _ => None,
        },
        "parenthesized_expression" => literal_at(file, node.named_child_at(0)?, hops),
        "unary_operator" | "unary_expression" | "not_operator" => {
            let arg = node.field("argument").or_else(|| node.field("operand"))?;
            let op = operator(file, node)?;
            match (op, literal_at(file, arg, hops)?) {
                ("-", Literal::Int(i)) => i.checked_neg().map(Literal::Int),
                ("-", Literal::Float(f)) => Some(Literal::Float(-f)),
                ("+", v @ (Literal::Int(_) | Literal::Float(_))) => Some(v),
                ("not" | "!", Literal::Bool(b)) => Some(Literal::Bool(!b)),
                _ => None,
            }
        }
        "binary_operator" | "binary_expression" => {
            let l = literal_at(file, node.field("left")?, hops)?;
            let r = literal_at(file, node.field("right")?, hops)?;
            binary(operator(file, node)?, l, r)
        }
        "identifier" if hops < MAX_HOPS => {
            let v = super::assigned_value(file, node)?;
            literal_at(file, v, hops + 1)
        }
        _ => None,
    }
}

/// The operator token of a unary or binary expression.
fn operator<'s>(file: &'s FileCtx, node: Node<'_>) -> Option<&'s str> {
    if let Some(op) = node.field("operator") {
        return Some(file.text(op));
    }
    let op = crate::tree_walk::children(node)
        .into_iter()
        .find(|c| !c.is_named())?;
    Some(file.text(op))
}

/// Python, JavaScript and Go number literals: `1_000`, `0x1F`, `0o17`, `0b101`, `1e3`, `10n`.
fn number(text: &str) -> Option<Literal> {
    let t: String = text.chars().filter(|c| *c != '_').collect();
    let t = t.trim_end_matches(['n', 'l', 'L', 'j', 'J']);
    let lower = t.to_ascii_lowercase();
    let radix = |p: &str, r: u32| {
        lower
            .strip_prefix(p)
            .and_then(|d| i64::from_str_radix(d, r).ok())
    };
    if let Some(i) = radix("0x", 16)
        .or_else(|| radix("0o", 8))
        .or_else(|| radix("0b", 2))
    {
        return Some(Literal::Int(i));
    }
    if let Ok(i) = t.parse::<i64>() {
        return Some(Literal::Int(i));
    }
    t.parse::<f64>().ok().map(Literal::Float)
}

fn binary(op: &str, l: Literal, r: Literal) -> Option<Literal> {
    use Literal::{Float, Int, Str};
    match (l, r) {
        (Int(a), Int(b)) => match op {
            "+" => a.checked_add(b).map(Int),
            "-" => a.checked_sub(b).map(Int),
            "*" => a.checked_mul(b).map(Int),
            "//" if b != 0 => Some(Int(a.div_euclid(b))),
            "%" if b != 0 => Some(Int(a.rem_euclid(b))),
            "/" if b != 0 => Some(Float(a as f64 / b as f64)),
            "**" => u32::try_from(b)
                .ok()
                .and_then(|e| a.checked_pow(e))
                .map(Int),
            _ => None,
        },
        (Str(a), Str(b)) if op == "+" => Some(Str(format!("{a}{b}"))),
        (a, b) => {
            let f = |v: Literal| match v {
                Int(i) => Some(i as f64),
                Float(f) => Some(f),
                _ => None,
            };
            let (a, b) = (f(a)?, f(b)?);
            match op {
                "+" => Some(Float(a + b)),
                "-" => Some(Float(a - b)),
                "*" => Some(Float(a * b)),
                "/" if b != 0.0 => Some(Float(a / b)),
                _ => None,
            }
        }
    }
}

/// The arguments of a call, by role.
#[derive(Debug, Default)]
pub struct CallArgs<'t> {
    pub positional: Vec<Node<'t>>,
    /// Python keyword arguments: (name, value) in source order.
    pub keywords: Vec<(String, Node<'t>)>,
    /// The expressions of `*args` (Python) and `...args` (JavaScript, Go).
    pub list_splats: Vec<Node<'t>>,
    /// The expressions of `**kwargs` (Python).
    pub dict_splats: Vec<Node<'t>>,
}

/// The arguments of a call node (or of its argument list).
pub fn call_args<'t>(file: &'t FileCtx, call: Node<'t>) -> CallArgs<'t> {
    let mut out = CallArgs::default();
    let args = match call.field("arguments") {
        Some(a) => a,
        None => call,
    };
    // `f(x for x in xs)`: the generator is the only argument.
    if args.kind_str() == "generator_expression" {
        out.positional.push(args);
        return out;
    }
    for a in file.named_children(args) {
        match a.kind_str() {
            "comment" => {}
            "keyword_argument" => {
                if let (Some(n), Some(v)) = (a.field("name"), a.field("value")) {
                    out.keywords.push((file.text(n).to_string(), v));
                }
            }
            "list_splat" | "spread_element" | "variadic_argument" => {
                out.list_splats.extend(a.named_child_at(0));
            }
            "dictionary_splat" => out.dict_splats.extend(a.named_child_at(0)),
            _ => out.positional.push(a),
        }
    }
    out
}

/// The target an expression is assigned to (looking through `await` and parentheses): the left
/// side of a Python assignment (`engine` in `engine = create_engine(…)`, `self.engine`) or the
/// `as` target of a `with` item, a
/// JavaScript declarator's name or assignment's left side, or the Go variable at the same
/// position of a `:=`/`=`/`var` statement.
pub fn assignment_target<'t>(node: Node<'t>) -> Option<Node<'t>> {
    let mut n = node;
    let mut p = n.parent()?;
    while matches!(
        p.kind_str(),
        "await"
            | "await_expression"
            | "parenthesized_expression"
            | "as_expression"
            | "non_null_expression"
            | "satisfies_expression"
    ) {
        n = p;
        p = p.parent()?;
    }
    match p.kind_str() {
        "assignment" | "assignment_expression" => {
            let right = p.field("right")?;
            (right.id() == n.id()).then(|| p.field("left")).flatten()
        }
        // Python `with create_pool(…) as pool:` / `async with …`.
        "as_pattern" => {
            let first = p.named_child_at(0)?;
            if first.id() != n.id() {
                return None;
            }
            p.field("alias")?.named_child_at(0)
        }
        "variable_declarator" => {
            let value = p.field("value")?;
            (value.id() == n.id()).then(|| p.field("name")).flatten()
        }
        "expression_list" => {
            // Go: `db, err := sql.Open(…)` (the first target for a single call on the right).
            let stmt = p.parent()?;
            if !matches!(
                stmt.kind_str(),
                "short_var_declaration" | "assignment_statement" | "var_spec"
            ) {
                return None;
            }
            let right = stmt.field("right").or_else(|| stmt.field("value"))?;
            if right.id() != p.id() {
                return None;
            }
            let index = crate::tree_walk::named_children(p)
                .into_iter()
                .position(|x| x.id() == n.id())?;
            let left = stmt.field("left").or_else(|| stmt.field("name"))?;
            if left.kind_str() == "expression_list" {
                let targets: Vec<Node<'t>> = crate::tree_walk::named_children(left);
                targets
                    .get(index)
                    .copied()
                    .or_else(|| targets.first().copied())
            } else {
                Some(left)
            }
        }
        _ => None,
    }
}
