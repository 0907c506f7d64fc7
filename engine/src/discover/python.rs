//! Python manifests (CHECKS.md §1.1 rows 1–5): requirements files (with `-r`/`-c` includes),
//! `pyproject.toml` (PEP 621, Poetry, PEP 735, pdm, uv), `Pipfile`, `setup.cfg` and `setup.py`
//! (read with tree-sitter, never executed). Names are PEP 503 normalized; the version kept is the
//! lower bound of the constraint.

use super::{Acc, Dep, Ecosystem};
use crate::lang::NodeExt;
use std::collections::{BTreeMap, BTreeSet};

/// PEP 503 normalization: lower case, runs of `-`, `_` and `.` become one `-`.
pub fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Whether a file, extra or group name marks development-only dependencies.
pub fn is_dev_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    ["dev", "test", "lint", "docs"]
        .iter()
        .any(|w| n.contains(w))
}

/// One PEP 508 requirement, as far as discovery needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// Normalized name.
    pub name: String,
    pub extras: Vec<String>,
    /// Lower bound of `==`, `~=` or `>=`.
    pub version: Option<String>,
}

/// Parses a PEP 508 requirement (`SQLAlchemy[asyncio]>=2.0,<3; python_version>"3.8"`,
/// `name @ https://…`). `None` for what is not a named requirement (a bare URL or path).
pub fn parse_requirement(s: &str) -> Option<Requirement> {
    let s = s.split(';').next().unwrap_or("").trim();
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(s.len());
    let raw_name = &s[..end];
    if !raw_name.starts_with(|c: char| c.is_ascii_alphanumeric())
        || [".whl", ".zip", ".tar.gz", ".tgz", ".tar.bz2"]
            .iter()
            .any(|x| raw_name.ends_with(x))
    {
        return None;
    }
    let mut rest = s[end..].trim_start();
    let mut extras = Vec::new();
    if let Some(r) = rest.strip_prefix('[') {
        let close = r.find(']')?;
        extras = r[..close]
            .split(',')
            .map(normalize)
            .filter(|e| !e.is_empty())
            .collect();
        extras.sort();
        extras.dedup();
        rest = r[close + 1..].trim_start();
    }
    if !(rest.is_empty() || rest.starts_with(['@', '(', '<', '>', '=', '!', '~', ','])) {
        return None;
    }
    let version = if rest.starts_with('@') {
        None
    } else {
        lower_bound(rest.trim_start_matches('(').trim_end_matches(')'))
    };
    Some(Requirement {
        name: normalize(raw_name),
        extras,
        version,
    })
}

/// The lower bound of a PEP 440 specifier set: the version of its first `==`, `~=` or `>=`
/// clause (`==2.*` gives `2`).
pub fn lower_bound(spec: &str) -> Option<String> {
    spec.split(',').find_map(|clause| {
        let c = clause.trim();
        if c.starts_with("===") {
            return None;
        }
        let v = ["==", "~=", ">="]
            .iter()
            .find_map(|op| c.strip_prefix(op))?;
        clean_version(v)
    })
}

/// Poetry constraints: `^1.4` and `~1.4` give 1.4, a bare `1.4` is exact, `*` has none; PEP 440
/// clauses as in [`lower_bound`]; of `a || b`, the first.
pub fn poetry_lower_bound(spec: &str) -> Option<String> {
    let first = spec.split("||").next().unwrap_or("");
    first.split(',').find_map(|clause| {
        let c = clause.trim();
        if let Some(v) = c.strip_prefix('^') {
            return clean_version(v);
        }
        if let Some(v) = c.strip_prefix('~').filter(|v| !v.starts_with('=')) {
            return clean_version(v);
        }
        if c.starts_with(|ch: char| ch.is_ascii_digit()) {
            return clean_version(c);
        }
        lower_bound(c)
    })
}

fn clean_version(v: &str) -> Option<String> {
    let v = v.trim().trim_start_matches(['v', 'V']);
    let v = v.split_whitespace().next().unwrap_or("");
    let v = v.trim_end_matches(".*").trim_end_matches('*');
    (!v.is_empty() && v.starts_with(|c: char| c.is_ascii_digit())).then(|| v.to_string())
}

fn dep(r: Requirement, dev: bool) -> Dep {
    Dep {
        name: r.name,
        extras: r.extras,
        version: r.version,
        dev,
        indirect: false,
    }
}

/// Reads a file by repo-relative label (for `-r`/`-c` includes).
pub type Reader<'a> = &'a dyn Fn(&str) -> Result<String, String>;

/// The directory part of a label (`a/b/c.txt` → `a/b`).
fn dir_of(label: &str) -> &str {
    label.rsplit_once('/').map_or("", |(d, _)| d)
}

/// Joins a relative path to a label's directory, resolving `.` and `..`; `None` when it leaves
/// the root or is absolute.
fn join_label(dir: &str, rel: &str) -> Option<String> {
    if rel.starts_with('/') || rel.contains("://") || rel.contains(':') && rel.len() > 1 {
        return None;
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for p in rel.split(['/', '\\']) {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// Logical lines of a requirements file: continuations joined, comments dropped, with the
/// 1-based number of the first physical line.
fn logical_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut start = 0;
    for (i, line) in text.lines().enumerate() {
        if cur.is_empty() {
            start = i + 1;
        }
        // A comment starts at a `#` at the line start or after whitespace.
        let mut cut = line.len();
        let b = line.as_bytes();
        for (j, &c) in b.iter().enumerate() {
            if c == b'#' && (j == 0 || b[j - 1].is_ascii_whitespace()) {
                cut = j;
                break;
            }
        }
        let line = &line[..cut];
        if let Some(body) = line.trim_end().strip_suffix('\\') {
            cur.push_str(body);
            cur.push(' ');
            continue;
        }
        cur.push_str(line);
        let l = cur.trim().to_string();
        cur.clear();
        if !l.is_empty() {
            out.push((start, l));
        }
    }
    let l = cur.trim();
    if !l.is_empty() {
        out.push((start, l.to_string()));
    }
    out
}

/// An option with a value: `-r x`, `-rx`, `--requirement x`, `--requirement=x`.
fn option_value<'a>(line: &'a str, short: &str, long: &str) -> Option<&'a str> {
    let v = if let Some(r) = line.strip_prefix(long) {
        if !(r.starts_with('=') || r.starts_with(char::is_whitespace)) {
            return None;
        }
        r.trim_start_matches('=')
    } else {
        line.strip_prefix(short)?
    };
    let v = v.trim();
    (!v.is_empty()).then(|| v.split_whitespace().next().unwrap_or(v))
}

/// A requirements file. `dev` is inherited from the including file (or the file's own name);
/// `chain` holds the files being read, to stop include cycles; `constraints_only` reads a `-c`
/// file, whose versions only complete what other files name.
pub(crate) fn requirements(
    acc: &mut Acc,
    label: &str,
    text: &str,
    dev: bool,
    read: Reader<'_>,
    chain: &mut Vec<String>,
    constraints_only: bool,
) {
    chain.push(label.to_string());
    for (line_no, line) in logical_lines(text) {
        if line.starts_with('-') {
            let include = option_value(&line, "-r", "--requirement")
                .map(|v| (v, false))
                .or_else(|| option_value(&line, "-c", "--constraint").map(|v| (v, true)));
            let Some((target, is_constraint)) = include else {
                continue; // -e, --index-url, --hash …: not dependencies
            };
            let Some(path) = join_label(dir_of(label), target) else {
                acc.note(
                    label,
                    Some(line_no),
                    format!("include `{target}` is outside the project; not followed"),
                );
                continue;
            };
            if chain.contains(&path) {
                acc.warn(
                    label,
                    Some(line_no),
                    format!("include cycle: `{path}` is already being read; not followed"),
                );
                continue;
            }
            match read(&path) {
                Ok(t) => {
                    let name = path.rsplit('/').next().unwrap_or(&path);
                    requirements(
                        acc,
                        &path,
                        &t,
                        dev || is_dev_name(name),
                        read,
                        chain,
                        constraints_only || is_constraint,
                    );
                }
                Err(e) => acc.warn(
                    label,
                    Some(line_no),
                    format!("cannot read included `{path}`: {e}"),
                ),
            }
            continue;
        }
        // Per-requirement options (`--hash=…`) follow the requirement.
        let body = line.find(" -").map_or(line.as_str(), |i| &line[..i]);
        let Some(r) = parse_requirement(body) else {
            continue; // a bare URL or path
        };
        if constraints_only {
            if let Some(v) = r.version {
                acc.constraints.entry(r.name).or_insert(v);
            }
        } else {
            acc.dep(Ecosystem::Pypi, label, dep(r, dev));
        }
    }
    chain.pop();
}

/// Parses TOML, reporting a failure as a warning located at its line.
fn parse_toml(acc: &mut Acc, label: &str, text: &str) -> Option<toml::Table> {
    match text.parse::<toml::Table>() {
        Ok(t) => Some(t),
        Err(e) => {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            acc.warn(
                label,
                line,
                format!("cannot parse: {}; skipped", e.message().trim()),
            );
            None
        }
    }
}

fn table<'a>(t: &'a toml::Table, path: &[&str]) -> Option<&'a toml::Table> {
    let mut cur = t;
    for p in path {
        cur = cur.get(*p)?.as_table()?;
    }
    Some(cur)
}

fn strings(v: Option<&toml::Value>) -> Vec<&str> {
    v.and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|x| x.as_str()).collect())
        .unwrap_or_default()
}

/// `pyproject.toml`.
pub(crate) fn pyproject(acc: &mut Acc, label: &str, text: &str) {
    let Some(doc) = parse_toml(acc, label, text) else {
        return;
    };
    let own = table(&doc, &["project"])
        .and_then(|p| p.get("name"))
        .or_else(|| table(&doc, &["tool", "poetry"]).and_then(|p| p.get("name")))
        .and_then(|n| n.as_str())
        .map(normalize);
    let add = |acc: &mut Acc, r: Requirement, dev: bool| {
        if own.as_deref() != Some(r.name.as_str()) {
            acc.dep(Ecosystem::Pypi, label, dep(r, dev));
        }
    };
    if let Some(project) = table(&doc, &["project"]) {
        for s in strings(project.get("dependencies")) {
            if let Some(r) = parse_requirement(s) {
                add(acc, r, false);
            }
        }
        if let Some(opt) = project
            .get("optional-dependencies")
            .and_then(|v| v.as_table())
        {
            for (extra, list) in opt {
                for s in strings(Some(list)) {
                    if let Some(r) = parse_requirement(s) {
                        add(acc, r, is_dev_name(extra));
                    }
                }
            }
        }
    }
    if let Some(poetry) = table(&doc, &["tool", "poetry"]) {
        if let Some(deps) = poetry.get("dependencies").and_then(|v| v.as_table()) {
            poetry_deps(acc, label, deps, false);
        }
        if let Some(deps) = poetry.get("dev-dependencies").and_then(|v| v.as_table()) {
            poetry_deps(acc, label, deps, true);
        }
        if let Some(groups) = poetry.get("group").and_then(|v| v.as_table()) {
            for (g, body) in groups {
                if let Some(deps) = body.get("dependencies").and_then(|v| v.as_table()) {
                    poetry_deps(acc, label, deps, is_dev_name(g));
                }
            }
        }
    }
    if let Some(groups) = doc.get("dependency-groups").and_then(|v| v.as_table()) {
        for name in groups.keys() {
            let mut seen = Vec::new();
            for s in dependency_group(acc, label, groups, name, &mut seen) {
                if let Some(r) = parse_requirement(&s) {
                    add(acc, r, true);
                }
            }
        }
    }
    if let Some(pdm) = table(&doc, &["tool", "pdm", "dev-dependencies"]) {
        for list in pdm.values() {
            for s in strings(Some(list)) {
                if let Some(r) = parse_requirement(s) {
                    add(acc, r, true);
                }
            }
        }
    }
    if let Some(uv) = table(&doc, &["tool", "uv"]) {
        for s in strings(uv.get("dev-dependencies")) {
            if let Some(r) = parse_requirement(s) {
                add(acc, r, true);
            }
        }
    }
}

/// The requirement strings of a PEP 735 group, following `{include-group = "…"}`.
fn dependency_group(
    acc: &mut Acc,
    label: &str,
    groups: &toml::Table,
    name: &str,
    seen: &mut Vec<String>,
) -> Vec<String> {
    let key = normalize(name);
    if seen.contains(&key) {
        acc.warn(
            label,
            None,
            format!(
                "[dependency-groups] include cycle: {} -> {name}; not followed",
                seen.join(" -> ")
            ),
        );
        return Vec::new();
    }
    let Some(list) = groups
        .iter()
        .find(|(k, _)| normalize(k) == key)
        .and_then(|(_, v)| v.as_array())
    else {
        acc.warn(
            label,
            None,
            format!("[dependency-groups]: included group `{name}` does not exist"),
        );
        return Vec::new();
    };
    seen.push(key);
    let mut out = Vec::new();
    for item in list {
        if let Some(s) = item.as_str() {
            out.push(s.to_string());
        } else if let Some(inc) = item.get("include-group").and_then(|v| v.as_str()) {
            out.extend(dependency_group(acc, label, groups, inc, seen));
        }
    }
    seen.pop();
    out
}

fn poetry_deps(acc: &mut Acc, label: &str, deps: &toml::Table, dev: bool) {
    for (name, spec) in deps {
        if name.eq_ignore_ascii_case("python") {
            continue;
        }
        // `name = [{version = …, markers = …}, …]`: several constraints; the first one counts.
        let spec = spec.as_array().and_then(|a| a.first()).unwrap_or(spec);
        let (version, extras) = match spec {
            toml::Value::String(s) => (poetry_lower_bound(s), Vec::new()),
            toml::Value::Table(t) => (
                t.get("version")
                    .and_then(|v| v.as_str())
                    .and_then(poetry_lower_bound),
                strings(t.get("extras"))
                    .into_iter()
                    .map(normalize)
                    .collect(),
            ),
            _ => (None, Vec::new()),
        };
        let mut extras: Vec<String> = extras;
        extras.sort();
        extras.dedup();
        acc.dep(
            Ecosystem::Pypi,
            label,
            Dep {
                name: normalize(name),
                extras,
                version,
                dev,
                indirect: false,
            },
        );
    }
}

/// `Pipfile`: `[packages]` runtime, `[dev-packages]` dev.
pub(crate) fn pipfile(acc: &mut Acc, label: &str, text: &str) {
    let Some(doc) = parse_toml(acc, label, text) else {
        return;
    };
    for (section, dev) in [("packages", false), ("dev-packages", true)] {
        let Some(t) = doc.get(section).and_then(|v| v.as_table()) else {
            continue;
        };
        for (name, spec) in t {
            let (version, mut extras) = match spec {
                toml::Value::String(s) => (lower_bound(s), Vec::new()),
                toml::Value::Table(t) => (
                    t.get("version")
                        .and_then(|v| v.as_str())
                        .and_then(lower_bound),
                    strings(t.get("extras"))
                        .into_iter()
                        .map(normalize)
                        .collect::<Vec<_>>(),
                ),
                _ => (None, Vec::new()),
            };
            extras.sort();
            extras.dedup();
            acc.dep(
                Ecosystem::Pypi,
                label,
                Dep {
                    name: normalize(name),
                    extras,
                    version,
                    dev,
                    indirect: false,
                },
            );
        }
    }
}

/// `setup.cfg`: `[options] install_requires` and `[options.extras_require]` (an INI file whose
/// multi-line values continue on indented lines).
pub(crate) fn setup_cfg(acc: &mut Acc, label: &str, text: &str) {
    let mut section = String::new();
    // (section, key) -> value lines
    let mut values: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    let mut key: Option<String> = None;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        if line.starts_with(char::is_whitespace) {
            if let Some(k) = &key {
                values
                    .entry((section.clone(), k.clone()))
                    .or_default()
                    .push(trimmed.to_string());
            }
            continue;
        }
        if let Some(s) = trimmed.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            section = s.trim().to_string();
            key = None;
            continue;
        }
        if let Some((k, v)) = trimmed.split_once(['=', ':']) {
            let k = k.trim().to_string();
            let v = v.trim();
            let entry = values.entry((section.clone(), k.clone())).or_default();
            if !v.is_empty() {
                entry.push(v.to_string());
            }
            key = Some(k);
        }
    }
    for ((sec, k), lines) in &values {
        let dev = if sec == "options" && k == "install_requires" {
            false
        } else if sec == "options.extras_require" {
            is_dev_name(k)
        } else {
            continue;
        };
        for l in lines {
            // `install_requires = a, b` on one line is not valid setuptools but seen in the wild.
            for item in l.split(',') {
                if let Some(r) = parse_requirement(item) {
                    acc.dep(Ecosystem::Pypi, label, dep(r, dev));
                }
            }
        }
    }
}

/// `setup.py`, read statically: the string literals of `install_requires=[…]` in a `setup(…)`
/// call (or of the module-level list a name there refers to). The file is never executed.
pub(crate) fn setup_py(acc: &mut Acc, label: &str, text: &str) {
    let Some(tree) = crate::parse(crate::Language::Python, text) else {
        return;
    };
    let src = text.as_bytes();
    let root = tree.root_node();
    let node_text = |n: tree_sitter::Node| n.utf8_text(src).unwrap_or("");
    // Module-level `NAME = [...]` assignments.
    let mut lists: BTreeMap<&str, tree_sitter::Node> = BTreeMap::new();
    for stmt in crate::tree_walk::named_children(root) {
        if stmt.kind_str() != "expression_statement" {
            continue;
        }
        if let Some(a) = stmt
            .named_child_at(0)
            .filter(|a| a.kind_str() == "assignment")
        {
            if let (Some(l), Some(r)) = (a.field("left"), a.field("right")) {
                if l.kind_str() == "identifier" {
                    lists.insert(node_text(l), r);
                }
            }
        }
    }
    let mut found = BTreeSet::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        stack.extend(crate::tree_walk::named_children(n));
        if n.kind_str() != "call" {
            continue;
        }
        let Some(f) = n.field("function") else {
            continue;
        };
        let name = node_text(f);
        if name != "setup" && !name.ends_with(".setup") {
            continue;
        }
        let Some(args) = n.field("arguments") else {
            continue;
        };
        for kw in crate::tree_walk::named_children(args) {
            if kw.kind_str() != "keyword_argument"
                || kw.field("name").map(node_text) != Some("install_requires")
            {
                continue;
            }
            let Some(mut value) = kw.field("value") else {
                continue;
            };
            if value.kind_str() == "identifier" {
                match lists.get(node_text(value)) {
                    Some(v) => value = *v,
                    None => continue,
                }
            }
            if !matches!(value.kind_str(), "list" | "tuple") {
                continue;
            }
            for item in crate::tree_walk::named_children(value) {
                if item.kind_str() != "string" {
                    continue;
                }
                let mut c = item.walk();
                let content: String = item
                    .named_children(&mut c)
                    .filter(|p| p.kind_str() == "string_content")
                    .map(node_text)
                    .collect();
                if found.insert(content.clone()) {
                    if let Some(r) = parse_requirement(&content) {
                        acc.dep(Ecosystem::Pypi, label, dep(r, false));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::Acc;
    use std::collections::HashMap;

    fn req(s: &str) -> Option<(String, Vec<String>, Option<String>)> {
        parse_requirement(s).map(|r| (r.name, r.extras, r.version))
    }

    fn deps(acc: &Acc) -> Vec<(String, Option<String>, bool)> {
        acc.deps
            .iter()
            .map(|(_, _, d)| (d.name.clone(), d.version.clone(), d.dev))
            .collect()
    }

    fn d(name: &str, v: Option<&str>, dev: bool) -> (String, Option<String>, bool) {
        (name.to_string(), v.map(str::to_string), dev)
    }

    #[test]
    fn pep503_names() {
        assert_eq!(normalize("Flask_SQLAlchemy"), "flask-sqlalchemy");
        assert_eq!(normalize("zope.interface"), "zope-interface");
        assert_eq!(normalize("a-_.b"), "a-b");
        assert_eq!(normalize("PyYAML"), "pyyaml");
    }

    #[test]
    fn pep508_requirements() {
        assert_eq!(
            req("SQLAlchemy[asyncio,Mypy]>=2.0.25,<3"),
            Some((
                "sqlalchemy".into(),
                vec!["asyncio".into(), "mypy".into()],
                Some("2.0.25".into())
            ))
        );
        assert_eq!(
            req("fastapi ~= 0.115.0 ; python_version >= \"3.8\""),
            Some(("fastapi".into(), vec![], Some("0.115.0".into())))
        );
        assert_eq!(
            req("django (>=4.2)"),
            Some(("django".into(), vec![], Some("4.2".into())))
        );
        assert_eq!(
            req("pydantic==2.*"),
            Some(("pydantic".into(), vec![], Some("2".into())))
        );
        assert_eq!(req("uvicorn<1"), Some(("uvicorn".into(), vec![], None)));
        assert_eq!(
            req("mylib @ https://example.com/mylib-1.0.tar.gz"),
            Some(("mylib".into(), vec![], None))
        );
        assert_eq!(req("https://example.com/x.whl"), None);
        assert_eq!(req("./vendor/pkg"), None);
        assert_eq!(req("pkg-1.0-py3-none-any.whl"), None);
        assert_eq!(req("git+https://github.com/a/b.git"), None);
    }

    #[test]
    fn poetry_constraints() {
        assert_eq!(poetry_lower_bound("^1.4").as_deref(), Some("1.4"));
        assert_eq!(poetry_lower_bound("~2.0.1").as_deref(), Some("2.0.1"));
        assert_eq!(poetry_lower_bound("~=2.0").as_deref(), Some("2.0"));
        assert_eq!(poetry_lower_bound(">=1.2,<2.0").as_deref(), Some("1.2"));
        assert_eq!(poetry_lower_bound("1.4.*").as_deref(), Some("1.4"));
        assert_eq!(poetry_lower_bound("3.1").as_deref(), Some("3.1"));
        assert_eq!(poetry_lower_bound("^1.0 || ^2.0").as_deref(), Some("1.0"));
        assert_eq!(poetry_lower_bound("*"), None);
    }

    fn read_from(files: &[(&str, &str)]) -> HashMap<String, String> {
        files
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn requirements_follow_includes_and_stop_cycles() {
        let files = read_from(&[
            (
                "requirements/base.txt",
                "# core\nSQLAlchemy[asyncio]>=2.0  # ORM\n-c constraints.txt\nasyncpg\n-r common.txt\n",
            ),
            ("requirements/constraints.txt", "asyncpg==0.29.0\nnot-named==1\n"),
            ("requirements/common.txt", "--requirement=base.txt\nhttpx\n"),
            (
                "requirements/dev.txt",
                "-r base.txt\npytest>=8 \\\n  --hash=sha256:abc\n",
            ),
        ]);
        let read = |p: &str| files.get(p).cloned().ok_or_else(|| "missing".to_string());
        let mut acc = Acc::default();
        let text = files["requirements/dev.txt"].clone();
        requirements(
            &mut acc,
            "requirements/dev.txt",
            &text,
            true,
            &read,
            &mut Vec::new(),
            false,
        );
        assert_eq!(
            deps(&acc),
            vec![
                d("sqlalchemy", Some("2.0"), true),
                d("asyncpg", None, true),
                d("httpx", None, true),
                d("pytest", Some("8"), true),
            ]
        );
        assert_eq!(
            acc.constraints.get("asyncpg").map(String::as_str),
            Some("0.29.0")
        );
        assert_eq!(acc.diagnostics.len(), 1, "{:?}", acc.diagnostics);
        assert!(acc.diagnostics[0].message.contains("include cycle"));
        assert_eq!(
            acc.diagnostics[0].file.as_deref(),
            Some("requirements/common.txt")
        );
        assert_eq!(acc.diagnostics[0].line, Some(1));
    }

    #[test]
    fn requirements_skip_options_urls_and_editables() {
        let text = "\
-e .
--index-url https://pypi.example/simple
-e git+https://github.com/a/b.git#egg=b
https://example.com/pkg.tar.gz
./local/pkg
psycopg[binary,pool]>=3.1.8; sys_platform != \"win32\"
celery[redis] @ git+https://github.com/celery/celery.git
-r missing.txt
";
        let read = |_: &str| Err("no such file".to_string());
        let mut acc = Acc::default();
        requirements(
            &mut acc,
            "requirements.txt",
            text,
            false,
            &read,
            &mut Vec::new(),
            false,
        );
        assert_eq!(
            deps(&acc),
            vec![d("psycopg", Some("3.1.8"), false), d("celery", None, false)]
        );
        assert_eq!(acc.deps[0].2.extras, vec!["binary", "pool"]);
        assert_eq!(acc.deps[1].2.extras, vec!["redis"]);
        assert!(acc.diagnostics[0]
            .message
            .contains("cannot read included `missing.txt`"));
    }

    #[test]
    fn pyproject_pep621_poetry_groups_and_tools() {
        let text = r#"
[project]
name = "shop"
dependencies = ["SQLAlchemy>=2.0", "fastapi[standard]~=0.115.0", "asyncpg; python_version>'3.8'"]

[project.optional-dependencies]
redis = ["redis>=5"]
test = ["pytest", "shop[redis]"]

[tool.poetry.dependencies]
python = "^3.11"
Django = "^4.2"
celery = { version = "~5.3", extras = ["redis"] }
psycopg2-binary = [{ version = "^2.9", python = ">=3.8" }]

[tool.poetry.dev-dependencies]
black = "*"

[tool.poetry.group.docs.dependencies]
mkdocs = "^1.5"

[tool.poetry.group.worker.dependencies]
rq = "1.15"

[tool.pdm.dev-dependencies]
lint = ["ruff>=0.4"]

[tool.uv]
dev-dependencies = ["mypy"]
"#;
        let mut acc = Acc::default();
        pyproject(&mut acc, "pyproject.toml", text);
        assert!(acc.diagnostics.is_empty(), "{:?}", acc.diagnostics);
        assert_eq!(
            deps(&acc),
            vec![
                d("sqlalchemy", Some("2.0"), false),
                d("fastapi", Some("0.115.0"), false),
                d("asyncpg", None, false),
                d("redis", Some("5"), false),
                d("pytest", None, true),
                d("django", Some("4.2"), false),
                d("celery", Some("5.3"), false),
                d("psycopg2-binary", Some("2.9"), false),
                d("black", None, true),
                d("mkdocs", Some("1.5"), true),
                d("rq", Some("1.15"), false),
                d("ruff", Some("0.4"), true),
                d("mypy", None, true),
            ]
        );
    }

    #[test]
    fn pep735_groups_follow_includes_and_report_cycles() {
        let text = r#"
[dependency-groups]
test = ["pytest>=8", { include-group = "typing" }]
typing = ["mypy", { include-group = "Test" }]
lint = [{ include-group = "nope" }]
"#;
        let mut acc = Acc::default();
        pyproject(&mut acc, "pyproject.toml", text);
        let names: Vec<_> = deps(&acc).into_iter().map(|x| (x.0, x.2)).collect();
        assert_eq!(
            names,
            vec![
                ("pytest".to_string(), true),
                ("mypy".to_string(), true),
                ("mypy".to_string(), true),
                ("pytest".to_string(), true),
            ]
        );
        let msgs: Vec<_> = acc.diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert!(
            msgs.iter().any(|m| m.contains("does not exist")),
            "{msgs:?}"
        );
        assert_eq!(
            msgs.iter().filter(|m| m.contains("include cycle")).count(),
            2
        );
    }

    #[test]
    fn malformed_pyproject_is_reported_and_skipped() {
        let mut acc = Acc::default();
        pyproject(
            &mut acc,
            "pyproject.toml",
            "[project]\nname = \"x\"\ndependencies = [\"a\"\n[tool]\n",
        );
        assert!(acc.deps.is_empty());
        assert_eq!(acc.diagnostics.len(), 1);
        assert!(acc.diagnostics[0].message.starts_with("cannot parse"));
        assert!(acc.diagnostics[0].line.is_some());
    }

    #[test]
    fn pipfile_sections() {
        let text = "[packages]\nrequests = \"*\"\nSQLAlchemy = {version = \">=1.4\", extras = [\"asyncio\"]}\n\n[dev-packages]\npytest = \"==8.0\"\n";
        let mut acc = Acc::default();
        pipfile(&mut acc, "Pipfile", text);
        assert_eq!(
            deps(&acc),
            vec![
                d("sqlalchemy", Some("1.4"), false),
                d("requests", None, false),
                d("pytest", Some("8.0"), true),
            ]
        );
    }

    #[test]
    fn setup_cfg_options() {
        let text = "[metadata]\nname = x\n\n[options]\npackages = find:\ninstall_requires =\n    sqlalchemy>=1.4\n    # comment\n    redis; python_version>'3'\n\n[options.extras_require]\ntesting =\n    pytest\npg = asyncpg>=0.27\n";
        let mut acc = Acc::default();
        setup_cfg(&mut acc, "setup.cfg", text);
        assert_eq!(
            deps(&acc),
            vec![
                d("sqlalchemy", Some("1.4"), false),
                d("redis", None, false),
                d("asyncpg", Some("0.27"), false),
                d("pytest", None, true),
            ]
        );
    }

    #[test]
    fn setup_py_is_read_statically() {
        let text = r#"
import os
from setuptools import setup, find_packages

REQUIRES = ["django>=4.2", "celery[redis]"]

os.system("echo never run")
setup(
    name="x",
    packages=find_packages(),
    install_requires=REQUIRES,
    extras_require={"dev": ["pytest"]},
)
setuptools.setup(install_requires=("psycopg2-binary==2.9.9", f"{x}", os.environ["X"]))
"#;
        let mut acc = Acc::default();
        setup_py(&mut acc, "setup.py", text);
        let mut got = deps(&acc);
        got.sort();
        assert_eq!(
            got,
            vec![
                d("celery", None, false),
                d("django", Some("4.2"), false),
                d("psycopg2-binary", Some("2.9.9"), false),
            ]
        );
    }
}
