//! JavaScript/TypeScript bindings and resolution (P1): ES imports and `require`.

use super::{resolve_depth, resolve_identifier, Binding, Bindings, Scope};
use crate::file::FileCtx;
use crate::lang::NodeExt;
use tree_sitter::Node;

pub(super) fn resolve(file: &FileCtx, node: Node<'_>, hops: u8, sc: Scope<'_, '_>) -> String {
    match node.kind_str() {
        "identifier" | "shorthand_property_identifier" => {
            resolve_identifier(file, node, file.text(node), hops, sc)
        }
        "this" => "this".into(),
        "member_expression" => {
            let (Some(obj), Some(prop)) = (node.field("object"), node.field("property")) else {
                return "?".into();
            };
            format!("{}.{}", resolve_depth(file, obj, hops, sc), file.text(prop))
        }
        "call_expression" => match node.field("function") {
            Some(f) => format!("{}()", resolve_depth(file, f, hops, sc)),
            None => "?".into(),
        },
        "new_expression" => match node.field("constructor") {
            Some(f) => format!("{}()", resolve_depth(file, f, hops, sc)),
            None => "?".into(),
        },
        // TypeScript wrappers are looked through (CHECKS.md §0).
        "parenthesized_expression"
        | "as_expression"
        | "satisfies_expression"
        | "non_null_expression" => match node.named_child_at(0) {
            Some(inner) => resolve_depth(file, inner, hops, sc),
            None => "?".into(),
        },
        _ => "?".into(),
    }
}

pub(super) fn scope_bindings(file: &FileCtx, func: Node<'_>) -> Bindings {
    let mut b = Bindings::default();
    if let Some(params) = func.field("parameters").or_else(|| func.field("parameter")) {
        bind_pattern(file, params, &mut b);
    }
    if let Some(body) = func.field("body") {
        collect(file, body, &mut b, false);
    }
    b
}

pub(super) fn module_bindings(file: &FileCtx) -> Bindings {
    let mut b = Bindings::default();
    collect(file, file.tree.root_node(), &mut b, true);
    b
}

fn collect(file: &FileCtx, node: Node<'_>, b: &mut Bindings, module: bool) {
    for c in file.named_children(node) {
        match c.kind_str() {
            "import_statement" if module => import_statement(file, c, b),
            "lexical_declaration" | "variable_declaration" => {
                for d in file.named_children(c) {
                    if d.kind_str() == "variable_declarator" {
                        declarator(file, d, b);
                    }
                }
            }
            "function_declaration" | "class_declaration" | "generator_function_declaration" => {
                if let Some(n) = c.field("name") {
                    b.bind(file.text(n), Binding::Local);
                }
            }
            "export_statement" => collect(file, c, b, module),
            "statement_block" | "if_statement" | "else_clause" | "try_statement"
            | "catch_clause" | "finally_clause" | "for_statement" | "for_in_statement"
            | "while_statement" | "do_statement" => collect(file, c, b, module),
            _ => {}
        }
    }
}

fn declarator(file: &FileCtx, d: Node<'_>, b: &mut Bindings) {
    let Some(name) = d.field("name") else {
        return;
    };
    let value = d.field("value");
    let required = value.and_then(|v| required_module(file, v));
    match (name.kind_str(), required) {
        ("identifier", Some(m)) => b.bind(file.text(name), Binding::Import(m)),
        ("object_pattern", Some(m)) => {
            for p in file.named_children(name) {
                match p.kind_str() {
                    "shorthand_property_identifier_pattern" => {
                        let n = file.text(p);
                        b.bind(n, Binding::Import(format!("{m}.{n}")));
                    }
                    "pair_pattern" => {
                        if let (Some(k), Some(v)) = (p.field("key"), p.field("value")) {
                            b.bind(
                                file.text(v),
                                Binding::Import(format!("{m}.{}", file.text(k))),
                            );
                        }
                    }
                    _ => {}
                }
            }
        }
        // String literals are kept too: they resolve to nothing (`$name`), but
        // `assigned_value` gives predicates the literal (`const CHANNEL = "orders"`).
        ("identifier", None) => match value {
            Some(v)
                if matches!(
                    v.kind_str(),
                    "call_expression"
                        | "member_expression"
                        | "identifier"
                        | "new_expression"
                        | "string"
                        | "template_string"
                        | "as_expression"
                        | "satisfies_expression"
                ) =>
            {
                b.bind(
                    file.text(name),
                    Binding::Alias(v.start_byte(), v.end_byte()),
                )
            }
            _ => b.bind(file.text(name), Binding::Local),
        },
        _ => bind_pattern(file, name, b),
    }
}

/// `require('m')` (also `await import('m')` is left alone) -> `m`.
fn required_module(file: &FileCtx, v: Node<'_>) -> Option<String> {
    if v.kind_str() != "call_expression" {
        return None;
    }
    let f = v.field("function")?;
    if file.text(f) != "require" {
        return None;
    }
    let args = v.field("arguments")?;
    let s = args.named_child_at(0)?;
    if s.kind_str() != "string" {
        return None;
    }
    Some(module_name(file.text(s)))
}

fn module_name(lit: &str) -> String {
    let m = lit.trim_matches(|c| c == '\'' || c == '"' || c == '`');
    m.strip_prefix("node:").unwrap_or(m).to_string()
}

fn import_statement(file: &FileCtx, stmt: Node<'_>, b: &mut Bindings) {
    let Some(source) = stmt.field("source") else {
        return;
    };
    let m = module_name(file.text(source));
    for clause in file.named_children(stmt) {
        if clause.kind_str() != "import_clause" {
            continue;
        }
        for part in file.named_children(clause) {
            match part.kind_str() {
                "identifier" => b.bind(file.text(part), Binding::Import(m.clone())),
                "namespace_import" => {
                    if let Some(id) = part.named_child_at(0) {
                        b.bind(file.text(id), Binding::Import(m.clone()));
                    }
                }
                "named_imports" => {
                    for spec in file.named_children(part) {
                        if spec.kind_str() != "import_specifier" {
                            continue;
                        }
                        let Some(name) = spec.field("name") else {
                            continue;
                        };
                        let alias = spec.field("alias").unwrap_or(name);
                        b.bind(
                            file.text(alias),
                            Binding::Import(format!("{m}.{}", file.text(name))),
                        );
                    }
                }
                _ => {}
            }
        }
    }
}

fn bind_pattern(file: &FileCtx, node: Node<'_>, b: &mut Bindings) {
    match node.kind_str() {
        "identifier" | "shorthand_property_identifier_pattern" => {
            b.bind(file.text(node), Binding::Local)
        }
        _ => {
            for c in file.named_children(node) {
                if !matches!(c.kind_str(), "type_annotation" | "number" | "string") {
                    bind_pattern(file, c, b);
                }
            }
        }
    }
}

pub(super) fn iterable_size(file: &FileCtx, lp: Node<'_>) -> Option<i64> {
    if lp.kind_str() == "for_in_statement" {
        let right = lp.field("right")?;
        if right.kind_str() == "array" {
            return Some(file.named_children(right).len() as i64);
        }
        return None;
    }
    // for (let i = 0; i < k; i++)
    let cond = lp.field("condition")?;
    let cond = if cond.kind_str() == "expression_statement" {
        cond.named_child_at(0)?
    } else {
        cond
    };
    if cond.kind_str() != "binary_expression" {
        return None;
    }
    let right = cond.field("right")?;
    if right.kind_str() != "number" {
        return None;
    }
    file.text(right).replace('_', "").parse().ok()
}
