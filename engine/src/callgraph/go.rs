//! Go: package keys, receivers, parameter and local types, struct fields.

use super::{Dotted, FnInfo, Raw};
use crate::file::FileCtx;
use crate::lang::NodeExt;
use tree_sitter::Node;

/// `a.b.c` as a chain; a call in the chain is looked through (`NewStore().Save`).
pub(super) fn chain(file: &FileCtx, node: Node<'_>) -> Option<Raw> {
    let mut path: smallvec::SmallVec<[&str; 8]> = smallvec::SmallVec::new();
    let mut n = node;
    for _ in 0..16 {
        match n.kind_str() {
            "identifier" | "package_identifier" | "type_identifier" => {
                return Some(Raw::Chain(Dotted::from_outside_in(file.text(n), &path)));
            }
            "selector_expression" => {
                path.push(file.text(n.field("field")?));
                n = n.field("operand")?;
            }
            "call_expression" => n = n.field("function")?,
            "parenthesized_expression" => n = n.named_child_at(0)?,
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
        .find(|n| n.kind_str() == "package_clause")?;
    let id = clause.named_child_at(0)?;
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
    match def.kind_str() {
        "function_declaration" => Some(file.text(def.field("name")?).to_string()),
        "method_declaration" => {
            let m = file.text(def.field("name")?);
            match receiver_base(file, def) {
                Some(t) => Some(format!("{t}.{m}")),
                None => Some(m.to_string()),
            }
        }
        _ => {
            // `handler := func(…) {…}` / `var handler = func(…) {…}`: one name, one value.
            let list = parent.filter(|p| p.kind_str() == "expression_list")?;
            if list.named_child_count() != 1 {
                return None;
            }
            let decl = list.parent()?;
            let left = match decl.kind_str() {
                "short_var_declaration" | "assignment_statement" => decl.field("left")?,
                "var_spec" => decl.field("name")?,
                _ => return None,
            };
            let id = if left.kind_str() == "identifier" {
                left
            } else if left.named_child_count() == 1 {
                left.named_child_at(0)?
            } else {
                return None;
            };
            (id.kind_str() == "identifier").then(|| file.text(id).to_string())
        }
    }
}

/// The receiver's type name without pointer or type arguments: `Store` for `(s *Store[T])`.
fn receiver_base<'s>(file: &'s FileCtx, def: Node<'_>) -> Option<&'s str> {
    let recv = def.field("receiver")?;
    let decl = recv.named_child_at(0)?;
    let mut ty = decl.field("type")?;
    loop {
        match ty.kind_str() {
            "pointer_type" => ty = ty.named_child_at(0)?,
            "generic_type" => ty = ty.field("type")?,
            "type_identifier" => return Some(file.text(ty)),
            _ => return None,
        }
    }
}

/// The receiver type of a method as a qualified name.
pub(super) fn receiver_type(file: &FileCtx, def: Node<'_>) -> Option<String> {
    if def.kind_str() != "method_declaration" {
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
        match ty.kind_str() {
            "pointer_type" => ty = ty.named_child_at(0)?,
            "generic_type" => ty = ty.field("type")?,
            "type_identifier" => return Some(format!("{module}.{}", file.text(ty))),
            "qualified_type" => {
                let pkg = ty.field("package")?;
                let name = ty.field("name")?;
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
    if let Some(recv) = f.field("receiver") {
        if let Some(name) = recv.named_child_at(0).and_then(|d| d.field("name")) {
            info.self_name = Some(file.text(name).to_string());
        }
    }
    let Some(params) = f.field("parameters") else {
        return;
    };
    for p in file.named_children(params) {
        let ty = p.field("type").and_then(|t| type_target(file, t, &module));
        for n in p.fields("name") {
            let name = file.text(n).to_string();
            if let Some(t) = &ty {
                info.types.push((name.clone(), Raw::Absolute(t.clone())));
            }
            info.params.push(name);
        }
    }
}

pub(super) fn param_texts(file: &FileCtx, f: Node<'_>) -> Vec<String> {
    let Some(params) = f.field("parameters") else {
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
    match node.kind_str() {
        "short_var_declaration" | "range_clause" => {
            let Some(left) = node.field("left") else {
                return (names, out);
            };
            let mut c1 = left.walk();
            let ids: Vec<Node<'_>> = left
                .named_children(&mut c1)
                .filter(|n| n.kind_str() == "identifier")
                .collect();
            names.extend(ids.iter().map(|n| file.text(*n).to_string()));
            if node.kind_str() == "range_clause" {
                return (names, out);
            }
            let Some(right) = node.field("right") else {
                return (names, out);
            };
            let values = file.named_children(right);
            if ids.len() != values.len() {
                return (names, out);
            }
            for (n, v) in ids.iter().zip(values) {
                let lit = match v.kind_str() {
                    "composite_literal" => Some(v),
                    "unary_expression" => v
                        .field("operand")
                        .filter(|o| o.kind_str() == "composite_literal"),
                    _ => None,
                };
                if let Some(t) = lit
                    .and_then(|l| l.field("type"))
                    .and_then(|t| type_target(file, t, module))
                {
                    out.push((file.text(*n).to_string(), t));
                }
            }
        }
        "var_spec" => {
            let ty = node
                .field("type")
                .and_then(|t| type_target(file, t, module));
            for n in node.fields("name") {
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
    for spec in file.named_children(decl) {
        if spec.kind_str() != "type_spec" {
            continue;
        }
        let (Some(name), Some(ty)) = (spec.field("name"), spec.field("type")) else {
            continue;
        };
        if ty.kind_str() != "struct_type" {
            continue;
        }
        let mut bases = Vec::new();
        let mut fields = Vec::new();
        if let Some(list) = ty.named_child_at(0) {
            for field in file.named_children(list) {
                if field.kind_str() != "field_declaration" {
                    continue;
                }
                let Some(t) = field
                    .field("type")
                    .and_then(|t| type_target(file, t, &module))
                else {
                    continue;
                };
                let names: Vec<String> = field
                    .fields("name")
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
    for d in file.named_children(root) {
        match d.kind_str() {
            "function_declaration" => {
                if let Some(n) = d.field("name") {
                    defs.push(file.text(n).to_string());
                }
            }
            "type_declaration" => {
                for spec in file.named_children(d) {
                    if let Some(n) = spec.field("name") {
                        defs.push(file.text(n).to_string());
                    }
                }
            }
            _ => {}
        }
    }
}
