//! Python: names, parameters and their annotations, `self` attributes, base classes.

use super::{Dotted, FnInfo, Raw};
use crate::file::FileCtx;
use crate::lang::NodeExt;
use tree_sitter::Node;

/// `a.b.c` as a chain; a call in the chain is looked through (`Repo(db).save`).
pub(super) fn chain(file: &FileCtx, node: Node<'_>) -> Option<Raw> {
    let mut path: smallvec::SmallVec<[&str; 8]> = smallvec::SmallVec::new();
    let mut n = node;
    for _ in 0..16 {
        match n.kind_str() {
            "identifier" => {
                return Some(Raw::Chain(Dotted::from_outside_in(file.text(n), &path)));
            }
            "attribute" => {
                let (object, attribute) = attribute_parts(n)?;
                path.push(file.text(attribute));
                n = object;
            }
            "call" => n = n.child_at(0)?,
            "parenthesized_expression" => n = n.named_child_at(0)?,
            _ => return None,
        }
    }
    None
}

/// The object and the attribute name of `a.b`: its first and last children (tree-sitter moves
/// comments out of a node's ends; the kinds are checked all the same). Read by place rather
/// than by field: a lookup by field scans the children against the grammar's field map, and
/// the call-graph index reads every chain of every call (measured on prefect: 12 M
/// instructions fewer).
pub(super) fn attribute_parts(n: Node<'_>) -> Option<(Node<'_>, Node<'_>)> {
    let count = n.child_count();
    let (object, attribute) = (n.child_at(0)?, n.child_at(count.checked_sub(1)?)?);
    if count >= 3 && !n.has_error() && attribute.kind_str() == "identifier" && !object.is_extra() {
        Some((object, attribute))
    } else {
        Some((n.field("object")?, n.field("attribute")?))
    }
}

/// The `left`, `right` and `type` fields of an assignment (or a `for` statement), as the
/// engine's walk reads them off the node table.
pub(super) struct AssignParts<'t> {
    pub(super) left: Option<Node<'t>>,
    pub(super) right: Option<Node<'t>>,
    pub(super) ty: Option<Node<'t>>,
}

/// Names an assignment (or a `for` target) binds in a function, and the type of those a
/// constructor-like call or an annotation gives: `repo = JobRepo(db)`, `x: JobRepo = …`.
pub(super) fn assigned_names(
    file: &FileCtx,
    node: Node<'_>,
    parts: &AssignParts<'_>,
) -> (Vec<String>, Vec<(String, Raw)>) {
    let mut names = Vec::new();
    let mut typed = Vec::new();
    let left = parts.left;
    if let Some(l) = left {
        target_names(file, l, &mut names);
    }
    if node.kind_str() == "assignment" {
        if let Some(l) = left.filter(|l| l.kind_str() == "identifier") {
            let name = file.text(l).to_string();
            if let Some(t) = parts.ty.and_then(|t| annotation(file, t)) {
                typed.push((name, t));
            } else if let Some(callee) = parts
                .right
                .filter(|r| r.kind_str() == "call")
                .and_then(|r| r.field("function"))
            {
                if let Some(c) = chain(file, callee) {
                    typed.push((name, c));
                }
            }
        }
    }
    (names, typed)
}

fn target_names(file: &FileCtx, t: Node<'_>, out: &mut Vec<String>) {
    match t.kind_str() {
        "identifier" => out.push(file.text(t).to_string()),
        "pattern_list" | "tuple_pattern" | "list_pattern" | "parenthesized_expression" => {
            for k in file.named_children(t) {
                target_names(file, k, out);
            }
        }
        _ => {}
    }
}

/// The name of a definition: `def`/`class` names; a lambda assigned to a name takes it.
pub(super) fn name(file: &FileCtx, def: Node<'_>, parent: Option<Node<'_>>) -> Option<String> {
    if let Some(n) = def.field("name") {
        return Some(file.text(n).to_string());
    }
    let p = parent?;
    if p.kind_str() == "assignment" {
        let left = p.field("left")?;
        if left.kind_str() == "identifier" {
            return Some(file.text(left).to_string());
        }
    }
    None
}

/// Parameters, their types (with `types`) and the receiver of a function; with `texts`, also
/// the parameter texts, as written, from the same pass over the parameters.
pub(super) fn fn_info(
    file: &FileCtx,
    f: Node<'_>,
    decorators: &[String],
    info: &mut FnInfo,
    mut texts: Option<&mut Vec<String>>,
    types: bool,
) {
    let Some(params) = f.field("parameters") else {
        return;
    };
    let static_method = decorators.iter().any(|d| d == "staticmethod");
    for (i, p) in file.named_children(params).into_iter().enumerate() {
        if let Some(t) = texts.as_deref_mut() {
            t.push(file.text(p).to_string());
        }
        let (name, ty) = match p.kind_str() {
            "identifier" => (Some(p), None),
            "typed_parameter" => (
                p.named_child_at(0).filter(|n| n.kind_str() == "identifier"),
                p.field("type"),
            ),
            "default_parameter" => (p.field("name"), None),
            "typed_default_parameter" => (p.field("name"), p.field("type")),
            _ => (None, None),
        };
        let Some(name) = name else {
            continue;
        };
        let name = file.text(name).to_string();
        if i == 0 && info.class.is_some() && f.kind_str() == "function_definition" && !static_method
        {
            info.self_name = Some(name.clone());
        }
        if let Some(raw) = ty.filter(|_| types).and_then(|t| annotation(file, t)) {
            info.types.push((name.clone(), raw));
        }
        info.params.push(name);
    }
}

/// The class an annotation names: `X`, `mod.X`, `Optional[X]`, `Annotated[X, …]`, `X | None`.
fn annotation(file: &FileCtx, ty: Node<'_>) -> Option<Raw> {
    let mut n = ty;
    for _ in 0..4 {
        match n.kind_str() {
            "type" => n = n.named_child_at(0)?,
            "identifier" | "attribute" => return chain(file, n),
            "generic_type" | "subscript" => {
                let head = n.named_child_at(0)?;
                let head_text = file.text(head);
                if !matches!(
                    head_text,
                    "Optional" | "typing.Optional" | "Annotated" | "typing.Annotated"
                ) {
                    return None;
                }
                let arg = file.named_children(n).into_iter().skip(1).find_map(|a| {
                    if a.kind_str() == "type_parameter" {
                        a.named_child_at(0)
                    } else {
                        Some(a)
                    }
                })?;
                n = arg;
            }
            "binary_operator" => n = n.field("left")?,
            _ => return None,
        }
    }
    None
}

/// Decorator texts without `@` of a definition whose parent is `decorated_definition`.
pub(super) fn decorator_texts(file: &FileCtx, parent: Option<Node<'_>>) -> Vec<String> {
    let Some(p) = parent.filter(|p| p.kind_str() == "decorated_definition") else {
        return Vec::new();
    };
    file.named_children(p)
        .into_iter()
        .filter(|d| d.kind_str() == "decorator")
        .filter_map(|d| d.named_child_at(0))
        .map(|e| file.text(e).to_string())
        .collect()
}

/// `if __name__ == "__main__":` at module level.
pub(super) fn is_main_guard(file: &FileCtx, node: Node<'_>) -> bool {
    node.field("condition").is_some_and(|c| {
        let t = file.text(c);
        t.contains("__name__") && t.contains("__main__")
    })
}

/// Base classes of a class definition (positional arguments that name something).
pub(super) fn bases(file: &FileCtx, class: Node<'_>) -> Vec<Raw> {
    let Some(args) = class.field("superclasses") else {
        return Vec::new();
    };
    file.named_children(args)
        .into_iter()
        .filter(|a| matches!(a.kind_str(), "identifier" | "attribute"))
        .filter_map(|a| chain(file, a))
        .collect()
}

/// Class-level annotations `repo: JobRepo` (dataclasses, pydantic models, declared attributes).
pub(super) fn class_annotations(file: &FileCtx, class: Node<'_>) -> Vec<(String, Raw)> {
    let Some(body) = class.field("body") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for stmt in file.named_children(body) {
        if stmt.kind_str() != "expression_statement" {
            continue;
        }
        let Some(a) = stmt
            .named_child_at(0)
            .filter(|a| a.kind_str() == "assignment")
        else {
            continue;
        };
        let (Some(left), Some(ty)) = (a.field("left"), a.field("type")) else {
            continue;
        };
        if left.kind_str() == "identifier" {
            if let Some(raw) = annotation(file, ty) {
                out.push((file.text(left).to_string(), raw));
            }
        }
    }
    out
}

/// `self.x = X(…)` or `self.x: T = …` in a method: (attribute, type).
pub(super) fn self_attribute(
    file: &FileCtx,
    assign: Node<'_>,
    parts: &AssignParts<'_>,
    self_name: &str,
) -> Option<(String, Raw)> {
    if assign.kind_str() != "assignment" {
        return None;
    }
    let left = parts.left?;
    if left.kind_str() != "attribute" {
        return None;
    }
    let obj = left.field("object")?;
    if obj.kind_str() != "identifier" || file.text(obj) != self_name {
        return None;
    }
    let attr = file.text(left.field("attribute")?).to_string();
    if let Some(ty) = parts.ty {
        return Some((attr, annotation(file, ty)?));
    }
    let right = parts.right?;
    if right.kind_str() != "call" {
        return None;
    }
    let callee = right.field("function")?;
    if !matches!(callee.kind_str(), "identifier" | "attribute") {
        return None;
    }
    Some((attr, chain(file, callee)?))
}

/// Names of module-level functions and classes.
pub(super) fn module_defs(file: &FileCtx, root: Node<'_>, defs: &mut Vec<String>) {
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        for child in file.named_children(n) {
            let def = match child.kind_str() {
                "function_definition" | "class_definition" => Some(child),
                "decorated_definition" => child.field("definition"),
                // Definitions under `if TYPE_CHECKING:`/`try:` at module level count too.
                "if_statement" | "try_statement" | "block" | "else_clause" | "except_clause" => {
                    stack.push(child);
                    None
                }
                _ => None,
            };
            if let Some(name) = def.and_then(|d| d.field("name")) {
                defs.push(file.text(name).to_string());
            }
        }
    }
}
