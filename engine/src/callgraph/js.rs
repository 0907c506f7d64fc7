//! JavaScript and TypeScript: module paths, relative imports and `require`, names of function
//! expressions, `this`, parameter properties and `extends`.

use super::{Dotted, FileKnowledge, FnInfo, Raw};
use crate::file::FileCtx;
use crate::lang::NodeExt;
use tree_sitter::Node;

const EXTENSIONS: &[&str] = &[".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx"];

/// A module is its path without the extension: `src/routes/users.ts` → `src/routes/users`.
pub(super) fn module_of_path(path: &str) -> String {
    for e in EXTENSIONS {
        if let Some(s) = path.strip_suffix(e) {
            return s.to_string();
        }
    }
    path.to_string()
}

/// The module a relative specifier names, seen from `path`: `./users` from `src/routes/index.ts`
/// is `src/routes/users`. `None` for package imports.
pub(crate) fn resolve_specifier(path: &str, spec: &str) -> Option<String> {
    if !spec.starts_with('.') {
        return None;
    }
    let mut parts: Vec<&str> = path.split('/').collect();
    parts.pop();
    for seg in spec.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(module_of_path(&parts.join("/")))
}

pub(super) fn name(file: &FileCtx, def: Node<'_>, parent: Option<Node<'_>>) -> Option<String> {
    if let Some(n) = def.field("name") {
        return Some(file.text(n).to_string());
    }
    let p = parent?;
    let n = match p.kind_str() {
        "variable_declarator" => p.field("name")?,
        "pair" => p.field("key")?,
        "public_field_definition" | "field_definition" => {
            p.field("name").or_else(|| p.field("property"))?
        }
        "assignment_expression" => {
            let left = p.field("left")?;
            match left.kind_str() {
                "identifier" => left,
                "member_expression" => left.field("property")?,
                _ => return None,
            }
        }
        "export_statement" => return Some("default".into()),
        _ => return None,
    };
    if !matches!(
        n.kind_str(),
        "identifier" | "property_identifier" | "private_property_identifier" | "type_identifier"
    ) {
        return None;
    }
    Some(file.text(n).to_string())
}

/// The type a TypeScript annotation names, as a chain: `UsersService`, `repos.UserRepo`.
fn type_chain(file: &FileCtx, ann: Node<'_>) -> Option<Raw> {
    let mut t = ann;
    for _ in 0..4 {
        match t.kind_str() {
            "type_annotation" => t = t.named_child_at(0)?,
            "generic_type" => t = t.field("name")?,
            "type_identifier" => {
                return Some(Raw::Chain(Dotted::new(file.text(t), std::iter::empty())))
            }
            "nested_type_identifier" => {
                let text = file.text(t);
                let mut parts = text.split('.').map(str::trim);
                let root = parts.next()?;
                return Some(Raw::Chain(Dotted::new(root, parts)));
            }
            _ => return None,
        }
    }
    None
}

pub(super) fn fn_info(file: &FileCtx, f: Node<'_>, _parent: Option<Node<'_>>, info: &mut FnInfo) {
    info.is_arrow = f.kind_str() == "arrow_function";
    if info.class.is_some() && !info.is_arrow {
        info.self_name = Some("this".into());
    }
    let params = f.field("parameters").or_else(|| f.field("parameter"));
    let Some(params) = params else {
        return;
    };
    if params.kind_str() == "identifier" {
        info.params.push(file.text(params).to_string());
        return;
    }
    for p in file.named_children(params) {
        let (id, ty, property) = match p.kind_str() {
            "identifier" => (Some(p), None, false),
            "required_parameter" | "optional_parameter" => {
                let mut c2 = p.walk();
                let property = p
                    .children(&mut c2)
                    .any(|k| matches!(k.kind_str(), "accessibility_modifier" | "readonly"));
                (
                    p.field("pattern").filter(|n| n.kind_str() == "identifier"),
                    p.field("type"),
                    property,
                )
            }
            "assignment_pattern" => (
                p.field("left").filter(|n| n.kind_str() == "identifier"),
                None,
                false,
            ),
            _ => (None, None, false),
        };
        let Some(id) = id else {
            continue;
        };
        let name = file.text(id).to_string();
        if let Some(raw) = ty.and_then(|t| type_chain(file, t)) {
            if property {
                info.properties.push((name.clone(), raw.clone()));
            }
            info.types.push((name.clone(), raw));
        }
        info.params.push(name);
    }
}

/// Decorator texts without `@` (TypeScript: `Get(':id')`).
pub(super) fn decorator_texts(file: &FileCtx, f: Node<'_>) -> Vec<String> {
    let mut out: Vec<String> = f
        .fields("decorator")
        .filter_map(|d| d.named_child_at(0))
        .map(|e| file.text(e).to_string())
        .collect();
    if out.is_empty() {
        // Some grammar versions put a member's decorators before it in the class body.
        let mut prev = f.prev_named_sibling();
        let mut before = Vec::new();
        while let Some(p) = prev.filter(|p| p.kind_str() == "decorator") {
            if let Some(e) = p.named_child_at(0) {
                before.push(file.text(e).to_string());
            }
            prev = p.prev_named_sibling();
        }
        before.reverse();
        out = before;
    }
    out
}

pub(super) fn param_texts(file: &FileCtx, f: Node<'_>) -> Vec<String> {
    let params = f.field("parameters").or_else(|| f.field("parameter"));
    let Some(params) = params else {
        return Vec::new();
    };
    if params.kind_str() == "identifier" {
        return vec![file.text(params).to_string()];
    }
    let mut c = params.walk();
    params
        .named_children(&mut c)
        .map(|p| file.text(p).to_string())
        .collect()
}

/// A reference as a chain of names: `listUsers`, `users.list`, `this.repo.save`.
pub(super) fn chain(file: &FileCtx, node: Node<'_>) -> Option<Raw> {
    let mut path: smallvec::SmallVec<[&str; 8]> = smallvec::SmallVec::new();
    let mut n = node;
    for _ in 0..16 {
        match n.kind_str() {
            "identifier" => {
                return Some(Raw::Chain(Dotted::from_outside_in(file.text(n), &path)));
            }
            "this" => return Some(Raw::Chain(Dotted::from_outside_in("this", &path))),
            "member_expression" => {
                let prop = n.field("property")?;
                if !matches!(
                    prop.kind_str(),
                    "property_identifier" | "private_property_identifier"
                ) {
                    return None;
                }
                path.push(file.text(prop));
                n = n.field("object")?;
            }
            "parenthesized_expression"
            | "non_null_expression"
            | "as_expression"
            | "satisfies_expression" => n = n.named_child_at(0)?,
            _ => return None,
        }
    }
    None
}

/// Makes a chain absolute: `root` and `suffix`, the attribute names after it (`.a.b`).
pub(super) fn absolutize(
    root: &str,
    suffix: &str,
    chain: &[&FnInfo],
    k: &FileKnowledge,
) -> Option<String> {
    let join = |mut base: String, rest: &str| {
        base.push_str(rest);
        base
    };
    if root == "this" {
        let f = chain.iter().find(|f| !f.is_arrow)?;
        return f.class.clone().map(|c| join(c, suffix));
    }
    for f in chain {
        if let Some((_, t)) = f.types.iter().rev().find(|(n, _)| n == root) {
            if let Raw::Chain(d) = t {
                // A type names module-level things: resolve it without the function frames.
                let base = absolutize(d.root(), d.suffix(), &[], k)?;
                return Some(join(base, suffix));
            }
            return None;
        }
        if let Some((_, q)) = f.nested.iter().find(|(n, _)| n == root) {
            return Some(join(q.clone(), suffix));
        }
        if f.params.iter().any(|p| p == root) {
            return None;
        }
    }
    if let Some((_, module, imported)) = k.imports.iter().find(|(l, _, _)| l == root) {
        return match imported {
            Some(name) => Some(join(format!("{module}:{name}"), suffix)),
            None => {
                let (first, rest) = super::split_first_segment(suffix)?;
                Some(join(format!("{module}:{first}"), rest))
            }
        };
    }
    if k.defines(root) {
        return Some(join(format!("{}:{root}", k.module), suffix));
    }
    None
}

/// Relative imports and `require`s: (local name, module, imported name; `None`: the module
/// object).
pub(super) fn relative_imports(
    file: &FileCtx,
    root: Node<'_>,
) -> Vec<(String, String, Option<String>)> {
    let mut out = Vec::new();
    for stmt in file.named_children(root) {
        match stmt.kind_str() {
            "import_statement" => {
                let Some(src) = stmt.field("source") else {
                    continue;
                };
                let spec = file.text(src).trim_matches(['\'', '"', '`']);
                let Some(module) = resolve_specifier(&file.path, spec) else {
                    continue;
                };
                for clause in file.named_children(stmt) {
                    if clause.kind_str() != "import_clause" {
                        continue;
                    }
                    for part in file.named_children(clause) {
                        match part.kind_str() {
                            "identifier" => out.push((
                                file.text(part).to_string(),
                                module.clone(),
                                Some("default".into()),
                            )),
                            "namespace_import" => {
                                if let Some(id) = part.named_child_at(0) {
                                    out.push((file.text(id).to_string(), module.clone(), None));
                                }
                            }
                            "named_imports" => {
                                for spec in file.named_children(part) {
                                    let Some(name) = spec.field("name") else {
                                        continue;
                                    };
                                    let alias = spec.field("alias").unwrap_or(name);
                                    out.push((
                                        file.text(alias).to_string(),
                                        module.clone(),
                                        Some(file.text(name).to_string()),
                                    ));
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
            "lexical_declaration" | "variable_declaration" => {
                for d in file.named_children(stmt) {
                    if d.kind_str() != "variable_declarator" {
                        continue;
                    }
                    let (Some(name), Some(value)) = (d.field("name"), d.field("value")) else {
                        continue;
                    };
                    let Some(module) = required(file, value) else {
                        continue;
                    };
                    match name.kind_str() {
                        "identifier" => out.push((file.text(name).to_string(), module, None)),
                        "object_pattern" => {
                            for p in file.named_children(name) {
                                match p.kind_str() {
                                    "shorthand_property_identifier_pattern" => {
                                        let n = file.text(p).to_string();
                                        out.push((n.clone(), module.clone(), Some(n)));
                                    }
                                    "pair_pattern" => {
                                        if let (Some(k), Some(v)) =
                                            (p.field("key"), p.field("value"))
                                        {
                                            out.push((
                                                file.text(v).to_string(),
                                                module.clone(),
                                                Some(file.text(k).to_string()),
                                            ));
                                        }
                                    }
                                    _ => {}
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// `require('./x')` → the module.
fn required(file: &FileCtx, v: Node<'_>) -> Option<String> {
    if v.kind_str() != "call_expression" {
        return None;
    }
    let f = v.field("function")?;
    if file.text(f) != "require" {
        return None;
    }
    let arg = v.field("arguments")?.named_child_at(0)?;
    if arg.kind_str() != "string" {
        return None;
    }
    resolve_specifier(&file.path, file.text(arg).trim_matches(['\'', '"', '`']))
}

/// Module-level functions, classes and function-valued constants.
pub(super) fn module_defs(file: &FileCtx, root: Node<'_>, defs: &mut Vec<String>) {
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        for d in file.named_children(n) {
            match d.kind_str() {
                "function_declaration"
                | "generator_function_declaration"
                | "class_declaration"
                | "abstract_class_declaration" => {
                    if let Some(name) = d.field("name") {
                        defs.push(file.text(name).to_string());
                    }
                }
                "lexical_declaration" | "variable_declaration" => {
                    for v in file.named_children(d) {
                        let is_fn = v.field("value").is_some_and(|x| {
                            matches!(
                                x.kind_str(),
                                "arrow_function" | "function_expression" | "function" | "class"
                            )
                        });
                        if let (true, Some(name)) = (is_fn, v.field("name")) {
                            defs.push(file.text(name).to_string());
                        }
                    }
                }
                "export_statement" => stack.push(d),
                _ => {}
            }
        }
    }
}

/// `export default <name or named definition>` → the `default` alias.
pub(super) fn export_aliases(file: &FileCtx, module: &str) -> Vec<(String, String)> {
    let root = file.tree.root_node();
    let mut out = Vec::new();
    for stmt in file.named_children(root) {
        if stmt.kind_str() == "export_statement" {
            let text = file.text(stmt);
            if !text.starts_with("export default") {
                continue;
            }
            let target = stmt
                .field("declaration")
                .and_then(|d| d.field("name"))
                .or_else(|| stmt.field("value").filter(|v| v.kind_str() == "identifier"));
            if let Some(t) = target {
                out.push((
                    format!("{module}:default"),
                    format!("{module}:{}", file.text(t)),
                ));
            }
        } else if stmt.kind_str() == "expression_statement" {
            // `module.exports = handler`
            let Some(a) = stmt
                .named_child_at(0)
                .filter(|a| a.kind_str() == "assignment_expression")
            else {
                continue;
            };
            let (Some(l), Some(r)) = (a.field("left"), a.field("right")) else {
                continue;
            };
            if file.text(l) == "module.exports" && r.kind_str() == "identifier" {
                out.push((
                    format!("{module}:default"),
                    format!("{module}:{}", file.text(r)),
                ));
            }
        }
    }
    out
}

/// `class A extends B`: the base as a chain.
pub(super) fn bases(file: &FileCtx, class: Node<'_>) -> Vec<Raw> {
    let mut out = Vec::new();
    for h in file.named_children(class) {
        if h.kind_str() != "class_heritage" {
            continue;
        }
        let mut stack = vec![h];
        while let Some(n) = stack.pop() {
            for k in file.named_children(n) {
                match k.kind_str() {
                    "extends_clause" => stack.push(k),
                    "implements_clause" => {}
                    _ => {
                        if let Some(r) = chain(file, k) {
                            out.push(r);
                        }
                    }
                }
            }
        }
    }
    out
}

/// `this.x = new X(…)`: (x, X).
pub(super) fn this_assignment(file: &FileCtx, node: Node<'_>) -> Option<(String, Raw)> {
    let left = node.field("left")?;
    if left.kind_str() != "member_expression" {
        return None;
    }
    if left.field("object")?.kind_str() != "this" {
        return None;
    }
    let prop = file.text(left.field("property")?).to_string();
    let right = node.field("right")?;
    if right.kind_str() != "new_expression" {
        return None;
    }
    let raw = chain(file, right.field("constructor")?)?;
    Some((prop, raw))
}
