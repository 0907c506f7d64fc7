//! Python: names, parameters and their annotations, `self` attributes, base classes.

use super::{FnInfo, Raw};
use crate::file::FileCtx;
use tree_sitter::Node;

/// `a.b.c` as a chain; a call in the chain is looked through (`Repo(db).save`).
pub(super) fn chain(file: &FileCtx, node: Node<'_>) -> Option<Raw> {
    let mut path = Vec::new();
    let mut n = node;
    for _ in 0..16 {
        match n.kind() {
            "identifier" => {
                path.reverse();
                return Some(Raw::Chain {
                    root: file.text(n).to_string(),
                    path,
                });
            }
            "attribute" => {
                path.push(file.text(n.child_by_field_name("attribute")?).to_string());
                n = n.child_by_field_name("object")?;
            }
            "call" => n = n.child_by_field_name("function")?,
            "parenthesized_expression" => n = n.named_child(0)?,
            _ => return None,
        }
    }
    None
}

/// Names an assignment (or a `for` target) binds in a function, and the type of those a
/// constructor-like call or an annotation gives: `repo = JobRepo(db)`, `x: JobRepo = …`.
pub(super) fn assigned_names(file: &FileCtx, node: Node<'_>) -> (Vec<String>, Vec<(String, Raw)>) {
    let mut names = Vec::new();
    let mut typed = Vec::new();
    let left = node.child_by_field_name("left");
    if let Some(l) = left {
        target_names(file, l, &mut names);
    }
    if node.kind() == "assignment" {
        if let Some(l) = left.filter(|l| l.kind() == "identifier") {
            let name = file.text(l).to_string();
            if let Some(t) = node
                .child_by_field_name("type")
                .and_then(|t| annotation(file, t))
            {
                typed.push((name, t));
            } else if let Some(callee) = node
                .child_by_field_name("right")
                .filter(|r| r.kind() == "call")
                .and_then(|r| r.child_by_field_name("function"))
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
    match t.kind() {
        "identifier" => out.push(file.text(t).to_string()),
        "pattern_list" | "tuple_pattern" | "list_pattern" | "parenthesized_expression" => {
            let mut c = t.walk();
            for k in t.named_children(&mut c) {
                target_names(file, k, out);
            }
        }
        _ => {}
    }
}

/// The name of a definition: `def`/`class` names; a lambda assigned to a name takes it.
pub(super) fn name(file: &FileCtx, def: Node<'_>, parent: Option<Node<'_>>) -> Option<String> {
    if let Some(n) = def.child_by_field_name("name") {
        return Some(file.text(n).to_string());
    }
    let p = parent?;
    if p.kind() == "assignment" {
        let left = p.child_by_field_name("left")?;
        if left.kind() == "identifier" {
            return Some(file.text(left).to_string());
        }
    }
    None
}

pub(super) fn fn_info(file: &FileCtx, f: Node<'_>, parent: Option<Node<'_>>, info: &mut FnInfo) {
    let Some(params) = f.child_by_field_name("parameters") else {
        return;
    };
    let static_method = decorator_texts(file, parent)
        .iter()
        .any(|d| d == "staticmethod");
    let mut c = params.walk();
    for (i, p) in params.named_children(&mut c).enumerate() {
        let (name, ty) = match p.kind() {
            "identifier" => (Some(p), None),
            "typed_parameter" => (
                p.named_child(0).filter(|n| n.kind() == "identifier"),
                p.child_by_field_name("type"),
            ),
            "default_parameter" => (p.child_by_field_name("name"), None),
            "typed_default_parameter" => {
                (p.child_by_field_name("name"), p.child_by_field_name("type"))
            }
            _ => (None, None),
        };
        let Some(name) = name else {
            continue;
        };
        let name = file.text(name).to_string();
        if i == 0 && info.class.is_some() && f.kind() == "function_definition" && !static_method {
            info.self_name = Some(name.clone());
        }
        if let Some(raw) = ty.and_then(|t| annotation(file, t)) {
            info.types.push((name.clone(), raw));
        }
        info.params.push(name);
    }
}

/// The class an annotation names: `X`, `mod.X`, `Optional[X]`, `Annotated[X, …]`, `X | None`.
fn annotation(file: &FileCtx, ty: Node<'_>) -> Option<Raw> {
    let mut n = ty;
    for _ in 0..4 {
        match n.kind() {
            "type" => n = n.named_child(0)?,
            "identifier" | "attribute" => return chain(file, n),
            "generic_type" | "subscript" => {
                let head = n.named_child(0)?;
                let head_text = file.text(head);
                if !matches!(
                    head_text,
                    "Optional" | "typing.Optional" | "Annotated" | "typing.Annotated"
                ) {
                    return None;
                }
                let mut c = n.walk();
                let arg = n.named_children(&mut c).skip(1).find_map(|a| {
                    if a.kind() == "type_parameter" {
                        a.named_child(0)
                    } else {
                        Some(a)
                    }
                })?;
                n = arg;
            }
            "binary_operator" => n = n.child_by_field_name("left")?,
            _ => return None,
        }
    }
    None
}

/// Decorator texts without `@` of a definition whose parent is `decorated_definition`.
pub(super) fn decorator_texts(file: &FileCtx, parent: Option<Node<'_>>) -> Vec<String> {
    let Some(p) = parent.filter(|p| p.kind() == "decorated_definition") else {
        return Vec::new();
    };
    let mut c = p.walk();
    p.named_children(&mut c)
        .filter(|d| d.kind() == "decorator")
        .filter_map(|d| d.named_child(0))
        .map(|e| file.text(e).to_string())
        .collect()
}

pub(super) fn param_texts(file: &FileCtx, f: Node<'_>) -> Vec<String> {
    let Some(params) = f.child_by_field_name("parameters") else {
        return Vec::new();
    };
    let mut c = params.walk();
    params
        .named_children(&mut c)
        .map(|p| file.text(p).to_string())
        .collect()
}

/// `if __name__ == "__main__":` at module level.
pub(super) fn is_main_guard(file: &FileCtx, node: Node<'_>) -> bool {
    node.child_by_field_name("condition").is_some_and(|c| {
        let t = file.text(c);
        t.contains("__name__") && t.contains("__main__")
    })
}

/// Base classes of a class definition (positional arguments that name something).
pub(super) fn bases(file: &FileCtx, class: Node<'_>) -> Vec<Raw> {
    let Some(args) = class.child_by_field_name("superclasses") else {
        return Vec::new();
    };
    let mut c = args.walk();
    args.named_children(&mut c)
        .filter(|a| matches!(a.kind(), "identifier" | "attribute"))
        .filter_map(|a| chain(file, a))
        .collect()
}

/// Class-level annotations `repo: JobRepo` (dataclasses, pydantic models, declared attributes).
pub(super) fn class_annotations(file: &FileCtx, class: Node<'_>) -> Vec<(String, Raw)> {
    let Some(body) = class.child_by_field_name("body") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut c = body.walk();
    for stmt in body.named_children(&mut c) {
        if stmt.kind() != "expression_statement" {
            continue;
        }
        let Some(a) = stmt.named_child(0).filter(|a| a.kind() == "assignment") else {
            continue;
        };
        let (Some(left), Some(ty)) = (a.child_by_field_name("left"), a.child_by_field_name("type"))
        else {
            continue;
        };
        if left.kind() == "identifier" {
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
    self_name: &str,
) -> Option<(String, Raw)> {
    if assign.kind() != "assignment" {
        return None;
    }
    let left = assign.child_by_field_name("left")?;
    if left.kind() != "attribute" {
        return None;
    }
    let obj = left.child_by_field_name("object")?;
    if obj.kind() != "identifier" || file.text(obj) != self_name {
        return None;
    }
    let attr = file
        .text(left.child_by_field_name("attribute")?)
        .to_string();
    if let Some(ty) = assign.child_by_field_name("type") {
        return Some((attr, annotation(file, ty)?));
    }
    let right = assign.child_by_field_name("right")?;
    if right.kind() != "call" {
        return None;
    }
    let callee = right.child_by_field_name("function")?;
    if !matches!(callee.kind(), "identifier" | "attribute") {
        return None;
    }
    Some((attr, chain(file, callee)?))
}

/// Names of module-level functions and classes.
pub(super) fn module_defs(file: &FileCtx, root: Node<'_>, defs: &mut Vec<String>) {
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        let mut c = n.walk();
        for child in n.named_children(&mut c) {
            let def = match child.kind() {
                "function_definition" | "class_definition" => Some(child),
                "decorated_definition" => child.child_by_field_name("definition"),
                // Definitions under `if TYPE_CHECKING:`/`try:` at module level count too.
                "if_statement" | "try_statement" | "block" | "else_clause" | "except_clause" => {
                    stack.push(child);
                    None
                }
                _ => None,
            };
            if let Some(name) = def.and_then(|d| d.child_by_field_name("name")) {
                defs.push(file.text(name).to_string());
            }
        }
    }
}
