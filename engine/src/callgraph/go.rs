//! Go: package keys, receivers, parameter and local types, struct fields.

use super::{FnInfo, Raw};
use crate::file::FileCtx;
use tree_sitter::Node;

/// `a.b.c` as a chain; a call in the chain is looked through (`NewStore().Save`).
pub(super) fn chain(file: &FileCtx, node: Node<'_>) -> Option<Raw> {
    let mut path = Vec::new();
    let mut n = node;
    for _ in 0..16 {
        match n.kind() {
            "identifier" | "package_identifier" | "type_identifier" => {
                path.reverse();
                return Some(Raw::Chain {
                    root: file.text(n).to_string(),
                    path,
                });
            }
            "selector_expression" => {
                path.push(file.text(n.child_by_field_name("field")?).to_string());
                n = n.child_by_field_name("operand")?;
            }
            "call_expression" => n = n.child_by_field_name("function")?,
            "parenthesized_expression" => n = n.named_child(0)?,
            _ => return None,
        }
    }
    None
}

/// The package clause's name.
pub(super) fn package_name(file: &FileCtx) -> Option<String> {
    let root = file.tree.root_node();
    let mut c = root.walk();
    let clause = root
        .named_children(&mut c)
        .find(|n| n.kind() == "package_clause")?;
    let id = clause.named_child(0)?;
    Some(file.text(id).to_string())
}

/// A package is its directory; files at the root are named by their package clause.
pub(super) fn package_key(file: &FileCtx) -> String {
    match file.path.rsplit_once('/') {
        Some((dir, _)) if !dir.is_empty() => dir.to_string(),
        _ => package_name(file).unwrap_or_else(|| "main".into()),
    }
}

pub(super) fn name(file: &FileCtx, def: Node<'_>, parent: Option<Node<'_>>) -> Option<String> {
    match def.kind() {
        "function_declaration" => Some(file.text(def.child_by_field_name("name")?).to_string()),
        "method_declaration" => {
            let m = file.text(def.child_by_field_name("name")?);
            match receiver_base(file, def) {
                Some(t) => Some(format!("{t}.{m}")),
                None => Some(m.to_string()),
            }
        }
        _ => {
            // `handler := func(…) {…}` / `var handler = func(…) {…}`: one name, one value.
            let list = parent.filter(|p| p.kind() == "expression_list")?;
            if list.named_child_count() != 1 {
                return None;
            }
            let decl = list.parent()?;
            let left = match decl.kind() {
                "short_var_declaration" | "assignment_statement" => {
                    decl.child_by_field_name("left")?
                }
                "var_spec" => decl.child_by_field_name("name")?,
                _ => return None,
            };
            let id = if left.kind() == "identifier" {
                left
            } else if left.named_child_count() == 1 {
                left.named_child(0)?
            } else {
                return None;
            };
            (id.kind() == "identifier").then(|| file.text(id).to_string())
        }
    }
}

/// The receiver's type name without pointer or type arguments: `Store` for `(s *Store[T])`.
fn receiver_base<'s>(file: &'s FileCtx, def: Node<'_>) -> Option<&'s str> {
    let recv = def.child_by_field_name("receiver")?;
    let decl = recv.named_child(0)?;
    let mut ty = decl.child_by_field_name("type")?;
    loop {
        match ty.kind() {
            "pointer_type" => ty = ty.named_child(0)?,
            "generic_type" => ty = ty.child_by_field_name("type")?,
            "type_identifier" => return Some(file.text(ty)),
            _ => return None,
        }
    }
}

/// The receiver type of a method as a qualified name.
pub(super) fn receiver_type(file: &FileCtx, def: Node<'_>) -> Option<String> {
    if def.kind() != "method_declaration" {
        return None;
    }
    let t = receiver_base(file, def)?;
    Some(format!("{}.{t}", package_key(file)))
}

/// The type a parameter or field declares, as a target: `*Store` → `<pkg>.Store`,
/// `jobs.Store` → `<import path>.Store`.
pub(super) fn type_target(file: &FileCtx, ty: Node<'_>, module: &str) -> Option<String> {
    let mut ty = ty;
    loop {
        match ty.kind() {
            "pointer_type" => ty = ty.named_child(0)?,
            "generic_type" => ty = ty.child_by_field_name("type")?,
            "type_identifier" => return Some(format!("{module}.{}", file.text(ty))),
            "qualified_type" => {
                let pkg = ty.child_by_field_name("package")?;
                let name = ty.child_by_field_name("name")?;
                // Package names are bound at file level: no scope to search.
                let crate::semantics::Binding::Import(path) =
                    file.bindings().get(file.text(pkg))?
                else {
                    return None;
                };
                return Some(format!("{path}.{}", file.text(name)));
            }
            _ => return None,
        }
    }
}

pub(super) fn fn_info(file: &FileCtx, f: Node<'_>, info: &mut FnInfo) {
    let module = package_key(file);
    if let Some(recv) = f.child_by_field_name("receiver") {
        if let Some(name) = recv
            .named_child(0)
            .and_then(|d| d.child_by_field_name("name"))
        {
            info.self_name = Some(file.text(name).to_string());
        }
    }
    let Some(params) = f.child_by_field_name("parameters") else {
        return;
    };
    let mut c = params.walk();
    for p in params.named_children(&mut c) {
        let ty = p
            .child_by_field_name("type")
            .and_then(|t| type_target(file, t, &module));
        let mut c2 = p.walk();
        for n in p.children_by_field_name("name", &mut c2) {
            let name = file.text(n).to_string();
            if let Some(t) = &ty {
                info.types.push((name.clone(), Raw::Absolute(t.clone())));
            }
            info.params.push(name);
        }
    }
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

/// Local variables a declaration binds, and those whose type is evident: `s := &Store{…}`,
/// `s := Store{…}`, `var s Store`; `for k, v := range xs` binds k and v.
#[allow(clippy::type_complexity)] // reason: a private pair, read once by the indexer
pub(super) fn local_types(
    file: &FileCtx,
    node: Node<'_>,
    module: &str,
) -> (Vec<String>, Vec<(String, String)>) {
    let mut names = Vec::new();
    let mut out = Vec::new();
    match node.kind() {
        "short_var_declaration" | "range_clause" => {
            let Some(left) = node.child_by_field_name("left") else {
                return (names, out);
            };
            let mut c1 = left.walk();
            let ids: Vec<Node<'_>> = left
                .named_children(&mut c1)
                .filter(|n| n.kind() == "identifier")
                .collect();
            names.extend(ids.iter().map(|n| file.text(*n).to_string()));
            if node.kind() == "range_clause" {
                return (names, out);
            }
            let Some(right) = node.child_by_field_name("right") else {
                return (names, out);
            };
            let mut c2 = right.walk();
            let values: Vec<Node<'_>> = right.named_children(&mut c2).collect();
            if ids.len() != values.len() {
                return (names, out);
            }
            for (n, v) in ids.iter().zip(values) {
                let lit = match v.kind() {
                    "composite_literal" => Some(v),
                    "unary_expression" => v
                        .child_by_field_name("operand")
                        .filter(|o| o.kind() == "composite_literal"),
                    _ => None,
                };
                if let Some(t) = lit
                    .and_then(|l| l.child_by_field_name("type"))
                    .and_then(|t| type_target(file, t, module))
                {
                    out.push((file.text(*n).to_string(), t));
                }
            }
        }
        "var_spec" => {
            let ty = node
                .child_by_field_name("type")
                .and_then(|t| type_target(file, t, module));
            let mut c = node.walk();
            for n in node.children_by_field_name("name", &mut c) {
                names.push(file.text(n).to_string());
                if let Some(t) = &ty {
                    out.push((file.text(n).to_string(), t.clone()));
                }
            }
        }
        _ => {}
    }
    (names, out)
}

/// Named struct types of a type declaration: (name, embedded types, fields → types).
#[allow(clippy::type_complexity)] // reason: a private triple, read once by the indexer
pub(super) fn struct_types(
    file: &FileCtx,
    decl: Node<'_>,
) -> Vec<(String, Vec<Raw>, Vec<(String, Raw)>)> {
    let module = package_key(file);
    let mut out = Vec::new();
    let mut c = decl.walk();
    for spec in decl.named_children(&mut c) {
        if spec.kind() != "type_spec" {
            continue;
        }
        let (Some(name), Some(ty)) = (
            spec.child_by_field_name("name"),
            spec.child_by_field_name("type"),
        ) else {
            continue;
        };
        if ty.kind() != "struct_type" {
            continue;
        }
        let mut bases = Vec::new();
        let mut fields = Vec::new();
        if let Some(list) = ty.named_child(0) {
            let mut c2 = list.walk();
            for field in list.named_children(&mut c2) {
                if field.kind() != "field_declaration" {
                    continue;
                }
                let Some(t) = field
                    .child_by_field_name("type")
                    .and_then(|t| type_target(file, t, &module))
                else {
                    continue;
                };
                let mut c3 = field.walk();
                let names: Vec<String> = field
                    .children_by_field_name("name", &mut c3)
                    .map(|n| file.text(n).to_string())
                    .collect();
                if names.is_empty() {
                    bases.push(Raw::Absolute(t));
                } else {
                    for n in names {
                        fields.push((n, Raw::Absolute(t.clone())));
                    }
                }
            }
        }
        out.push((file.text(name).to_string(), bases, fields));
    }
    out
}

/// Names of package-level functions and types declared in this file.
pub(super) fn module_defs(file: &FileCtx, root: Node<'_>, defs: &mut Vec<String>) {
    let mut c = root.walk();
    for d in root.named_children(&mut c) {
        match d.kind() {
            "function_declaration" => {
                if let Some(n) = d.child_by_field_name("name") {
                    defs.push(file.text(n).to_string());
                }
            }
            "type_declaration" => {
                let mut c2 = d.walk();
                for spec in d.named_children(&mut c2) {
                    if let Some(n) = spec.child_by_field_name("name") {
                        defs.push(file.text(n).to_string());
                    }
                }
            }
            _ => {}
        }
    }
}
