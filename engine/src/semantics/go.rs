//! Go bindings and resolution (P1): import specs with goimports' default names.

use super::{resolve_depth, resolve_identifier, Binding, Bindings, Scope};
use crate::file::FileCtx;
use crate::lang::NodeExt;
use tree_sitter::Node;

pub(super) fn resolve(file: &FileCtx, node: Node<'_>, hops: u8, sc: Scope<'_, '_>) -> String {
    match node.kind_str() {
        "identifier" | "package_identifier" | "field_identifier" | "type_identifier" => {
            resolve_identifier(file, node, file.text(node), hops, sc)
        }
        "selector_expression" => {
            let (Some(op), Some(field)) = (node.field("operand"), node.field("field")) else {
                return "?".into();
            };
            format!("{}.{}", resolve_depth(file, op, hops, sc), file.text(field))
        }
        "call_expression" => match node.field("function") {
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

/// Parameters, receivers and declared variables of a function are locals.
pub(super) fn scope_bindings(file: &FileCtx, func: Node<'_>) -> Bindings {
    let mut b = Bindings::default();
    let mut stack = vec![func];
    while let Some(n) = stack.pop() {
        for c in file.named_children(n) {
            match c.kind_str() {
                "func_literal" if c.id() != func.id() => {}
                "parameter_declaration" | "variadic_parameter_declaration" => {
                    for name in c.fields("name") {
                        b.bind(file.text(name), Binding::Local);
                    }
                }
                "short_var_declaration" | "var_spec" | "const_spec" | "range_clause" => {
                    if let Some(left) = c.field("left").or_else(|| c.field("name")) {
                        if left.kind_str() == "identifier" {
                            b.bind(file.text(left), Binding::Local);
                        }
                        for id in file.named_children(left) {
                            if id.kind_str() == "identifier" {
                                b.bind(file.text(id), Binding::Local);
                            }
                        }
                    }
                    stack.push(c);
                }
                _ => stack.push(c),
            }
        }
    }
    b
}

pub(super) fn module_bindings(file: &FileCtx) -> Bindings {
    let mut b = Bindings::default();
    let root = file.tree.root_node();
    for decl in file.named_children(root) {
        match decl.kind_str() {
            "import_declaration" => {
                let mut stack = vec![decl];
                while let Some(n) = stack.pop() {
                    for c in file.named_children(n) {
                        if c.kind_str() == "import_spec" {
                            import_spec(file, c, &mut b);
                        } else {
                            stack.push(c);
                        }
                    }
                }
            }
            "function_declaration" | "type_declaration" => {
                if let Some(n) = decl.field("name") {
                    b.bind(file.text(n), Binding::Local);
                }
            }
            _ => {}
        }
    }
    b
}

fn import_spec(file: &FileCtx, spec: Node<'_>, b: &mut Bindings) {
    let Some(path) = spec.field("path") else {
        return;
    };
    let path = file.text(path).trim_matches(|c| c == '"' || c == '`');
    let name = match spec.field("name") {
        Some(n) if matches!(n.kind_str(), "dot" | "blank_identifier") => return,
        Some(n) => file.text(n).to_string(),
        None => default_package_name(path),
    };
    b.bind(&name, Binding::Import(path.to_string()));
}

/// The name goimports assumes for an import path (CHECKS.md §3.1).
pub(crate) fn default_package_name(path: &str) -> String {
    let mut segs: Vec<&str> = path.split('/').collect();
    if segs.len() > 1 {
        if let Some(last) = segs.last() {
            if last.len() > 1
                && last.starts_with('v')
                && last[1..].chars().all(|c| c.is_ascii_digit())
            {
                segs.pop();
            }
        }
    }
    let last = segs.last().copied().unwrap_or(path);
    let last = last.strip_prefix("go-").unwrap_or(last);
    let cut = last.find(['.', '-']).unwrap_or(last.len());
    last[..cut].to_string()
}

pub(super) fn iterable_size(file: &FileCtx, lp: Node<'_>) -> Option<i64> {
    // for i := 0; i < k; i++ with literal k
    let clause = {
        let mut cursor = lp.walk();
        let found = lp
            .named_children(&mut cursor)
            .find(|c| c.kind_str() == "for_clause");
        found?
    };
    let cond = clause.field("condition")?;
    if cond.kind_str() != "binary_expression" {
        return None;
    }
    let right = cond.field("right")?;
    if right.kind_str() != "int_literal" {
        return None;
    }
    let k: i64 = file.text(right).replace('_', "").parse().ok()?;
    let op = cond.field("operator").map(|o| file.text(o));
    Some(if op == Some("<=") { k + 1 } else { k })
}

#[cfg(test)]
mod tests {
    #[test]
    fn goimports_names() {
        use super::default_package_name as n;
        assert_eq!(n("github.com/jackc/pgx/v5"), "pgx");
        assert_eq!(n("github.com/redis/go-redis/v9"), "redis");
        assert_eq!(n("gopkg.in/yaml.v3"), "yaml");
        assert_eq!(n("net/http"), "http");
        assert_eq!(n("database/sql"), "sql");
    }
}
