//! Pack selection (CHECKS.md §1.2): which packs a discovered project enables, and in what order.
//!
//! A pack is enabled when one of its `[pack] enabled_by` triggers holds: `always` (a source file
//! of one of its languages exists), a `dependencies` entry is a runtime dependency, an `imports`
//! entry is imported by a non-test source file, or a `files` glob matches a file. `ppa.toml
//! [packs] enable` adds packs, `disable` removes them (and the packs that require them).
//! `requires` is transitive. The order is topological by `requires`, smallest name first among
//! the packs that are ready.

use super::{imports, Discovery};
use crate::finding::{Diagnostic, Level};
use crate::pack::raw::{EnabledBy, RawMeta};
use crate::pack::{PackMeta, PackSource};
use crate::Language;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

/// What selection needs to know of a pack.
#[derive(Debug, Clone)]
pub struct PackTriggers {
    pub name: String,
    pub languages: Vec<Language>,
    pub enabled_by: EnabledBy,
    pub requires: Vec<String>,
}

#[derive(Deserialize)]
struct Head {
    pack: RawMeta,
}

impl PackTriggers {
    /// From a loaded pack.
    pub fn from_meta(meta: &PackMeta) -> PackTriggers {
        PackTriggers {
            name: meta.name.clone(),
            languages: meta.languages.clone(),
            enabled_by: meta.enabled_by.clone(),
            requires: meta.requires.clone(),
        }
    }

    /// From the `[pack]` table of a pack's `pack.toml`, without compiling the pack (cheap).
    pub fn from_source(source: &dyn PackSource) -> Result<PackTriggers, String> {
        let text = source.read("pack.toml")?;
        let head: Head = toml::from_str(&text)
            .map_err(|e| format!("{}/pack.toml: {}", source.label(), e.message().trim()))?;
        Ok(PackTriggers {
            name: head.pack.name.into_inner(),
            languages: head.pack.languages,
            enabled_by: head.pack.enabled_by,
            requires: head.pack.requires,
        })
    }
}

/// The result of selection.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Packs to run, in order.
    pub packs: Vec<String>,
    /// Detected technologies no selected pack covers ("Detected, no pack: …").
    pub unpacked: Vec<String>,
    /// Why each pack is enabled.
    pub reasons: BTreeMap<String, String>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Why a pack's triggers hold, if they do.
fn triggered(d: &Discovery, p: &PackTriggers) -> Option<String> {
    let by = &p.enabled_by;
    if by.always {
        if let Some(l) = d
            .languages
            .iter()
            .find(|l| p.languages.iter().any(|pl| pl.runs_on(**l)))
        {
            return Some(format!("{} files", l.name()));
        }
    }
    for t in &by.dependencies {
        if let Some(dep) = d.runtime().find(|dep| dep.matches(t)) {
            return Some(format!(
                "dependency {} ({})",
                dep.name,
                dep.files.first().map_or("", String::as_str)
            ));
        }
    }
    for t in &by.imports {
        if let Some(m) = d.imports.iter().find(|m| imports::module_matches(m, t)) {
            return Some(format!("import {m}"));
        }
    }
    for g in &by.files {
        if let Some(f) = d.matched_globs.get(g) {
            return Some(format!("file {f}"));
        }
    }
    None
}

/// Selects packs for a discovered project (see the module docs).
pub fn select(
    d: &Discovery,
    packs: &[PackTriggers],
    enable: &[String],
    disable: &[String],
) -> Selection {
    let mut s = Selection::default();
    let by_name: BTreeMap<&str, &PackTriggers> =
        packs.iter().map(|p| (p.name.as_str(), p)).collect();
    let warn = |s: &mut Selection, msg: String| {
        s.diagnostics
            .push(Diagnostic::new(Level::Warning, None, None, msg));
    };
    let mut chosen: BTreeMap<String, String> = BTreeMap::new();
    for p in packs {
        if let Some(why) = triggered(d, p) {
            chosen.insert(p.name.clone(), why);
        }
    }
    for name in enable {
        if by_name.contains_key(name.as_str()) {
            chosen
                .entry(name.clone())
                .or_insert_with(|| "ppa.toml [packs] enable".into());
        } else {
            warn(
                &mut s,
                format!("ppa.toml [packs] enable: unknown pack `{name}`; ignored"),
            );
        }
    }
    for name in disable {
        if !by_name.contains_key(name.as_str()) {
            warn(
                &mut s,
                format!("ppa.toml [packs] disable: unknown pack `{name}`; ignored"),
            );
        }
    }
    // `requires`, transitively.
    let mut work: Vec<String> = chosen.keys().cloned().collect();
    while let Some(name) = work.pop() {
        let Some(p) = by_name.get(name.as_str()) else {
            continue;
        };
        for r in &p.requires {
            if chosen.contains_key(r) {
                continue;
            }
            if by_name.contains_key(r.as_str()) {
                chosen.insert(r.clone(), format!("required by {name}"));
                work.push(r.clone());
            } else {
                warn(
                    &mut s,
                    format!("pack `{name}` requires pack `{r}`, which is not available"),
                );
            }
        }
    }
    // `disable` removes a pack and every pack that needs it.
    let needs = |name: &str, target: &str| -> bool {
        let mut seen = BTreeSet::new();
        let mut stack = vec![name.to_string()];
        while let Some(n) = stack.pop() {
            if n == target {
                return true;
            }
            if seen.insert(n.clone()) {
                if let Some(p) = by_name.get(n.as_str()) {
                    stack.extend(p.requires.iter().cloned());
                }
            }
        }
        false
    };
    let names: Vec<String> = chosen.keys().cloned().collect();
    for name in names {
        if let Some(off) = disable.iter().find(|x| needs(&name, x)) {
            chosen.remove(&name);
            if off != &name {
                s.diagnostics.push(Diagnostic::new(
                    Level::Note,
                    None,
                    None,
                    format!("pack `{name}` is not enabled: it requires `{off}`, which ppa.toml disables"),
                ));
            }
        }
    }
    // Topological order, smallest name first among the ready packs.
    let mut done: BTreeSet<String> = BTreeSet::new();
    let mut left: BTreeSet<String> = chosen.keys().cloned().collect();
    while !left.is_empty() {
        let ready = left
            .iter()
            .find(|n| {
                by_name.get(n.as_str()).is_none_or(|p| {
                    p.requires
                        .iter()
                        .all(|r| done.contains(r) || !chosen.contains_key(r))
                })
            })
            .cloned();
        let next = match ready {
            Some(n) => n,
            None => {
                let n = left.iter().next().cloned().unwrap_or_default();
                warn(
                    &mut s,
                    format!("packs require each other in a cycle (at `{n}`); order is by name"),
                );
                n
            }
        };
        left.remove(&next);
        done.insert(next.clone());
        s.packs.push(next);
    }
    s.reasons = chosen;
    // Technologies that no selected pack covers.
    let covered = |items: &[String]| {
        s.packs
            .iter()
            .filter_map(|n| by_name.get(n.as_str()))
            .any(|p| {
                let by = &p.enabled_by;
                by.dependencies.iter().chain(&by.imports).any(|t| {
                    let t = t.split('[').next().unwrap_or(t);
                    items.iter().any(|i| {
                        i.eq_ignore_ascii_case(t)
                            || imports::module_matches(i, t)
                            || imports::module_matches(t, i)
                    })
                })
            })
    };
    let stacks_by_name: Vec<_> = d.stacks.iter().map(|x| x.name.clone()).collect();
    for name in stacks_by_name {
        let Some(entry) = d.stack_entry(&name) else {
            continue;
        };
        if !entry.packable {
            continue;
        }
        let items: Vec<String> = entry
            .dependencies
            .iter()
            .chain(&entry.imports)
            .cloned()
            .collect();
        if !covered(&items) {
            s.unpacked.push(name);
        }
    }
    s.unpacked.sort();
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::{Dependency, DetectedStack, Ecosystem, Role, Stack};

    fn pack(name: &str, langs: &[Language], by: EnabledBy, requires: &[&str]) -> PackTriggers {
        PackTriggers {
            name: name.into(),
            languages: langs.to_vec(),
            enabled_by: by,
            requires: requires.iter().map(|r| r.to_string()).collect(),
        }
    }

    fn deps(names: &[&str]) -> EnabledBy {
        EnabledBy {
            dependencies: names.iter().map(|n| n.to_string()).collect(),
            ..EnabledBy::default()
        }
    }

    fn runtime(name: &str, dev: bool) -> Dependency {
        Dependency {
            ecosystem: Ecosystem::Pypi,
            name: name.into(),
            extras: vec![],
            version: None,
            dev,
            indirect: false,
            files: vec!["pyproject.toml".into()],
        }
    }

    fn project() -> Discovery {
        let mut d = Discovery::default();
        d.languages.insert(Language::Python);
        d.dependencies = vec![
            runtime("celery", false),
            runtime("fastapi", false),
            runtime("pytest-asyncio", true),
            runtime("sqlalchemy", false),
        ];
        d.imports.insert("asyncio".into());
        d
    }

    fn packs() -> Vec<PackTriggers> {
        vec![
            pack(
                "fastapi",
                &[Language::Python],
                deps(&["fastapi"]),
                &["starlette"],
            ),
            pack(
                "starlette",
                &[Language::Python],
                deps(&["starlette"]),
                &["python-core"],
            ),
            pack(
                "python-core",
                &[Language::Python],
                EnabledBy {
                    always: true,
                    ..EnabledBy::default()
                },
                &[],
            ),
            pack(
                "sqlalchemy",
                &[Language::Python],
                deps(&["sqlalchemy"]),
                &["python-core"],
            ),
            pack(
                "py-tasks",
                &[Language::Python],
                deps(&["celery"]),
                &["python-core"],
            ),
            pack(
                "pytest",
                &[Language::Python],
                deps(&["pytest-asyncio"]),
                &[],
            ),
            pack(
                "go-core",
                &[Language::Go],
                EnabledBy {
                    always: true,
                    ..EnabledBy::default()
                },
                &[],
            ),
            pack(
                "asyncio",
                &[Language::Python],
                EnabledBy {
                    imports: vec!["asyncio".into()],
                    ..EnabledBy::default()
                },
                &[],
            ),
            pack(
                "sql-migrations",
                &[Language::Python],
                EnabledBy {
                    files: vec!["**/migrations/*.sql".into()],
                    ..EnabledBy::default()
                },
                &[],
            ),
        ]
    }

    #[test]
    fn the_spec_example_order() {
        let s = select(&project(), &packs(), &[], &[]);
        assert_eq!(
            s.packs,
            vec![
                "asyncio",
                "python-core",
                "py-tasks",
                "sqlalchemy",
                "starlette",
                "fastapi"
            ]
        );
        assert_eq!(s.reasons["starlette"], "required by fastapi");
        assert_eq!(s.reasons["python-core"], "python files");
        assert_eq!(
            s.reasons["sqlalchemy"],
            "dependency sqlalchemy (pyproject.toml)"
        );
        assert_eq!(s.reasons["asyncio"], "import asyncio");
        assert!(s.diagnostics.is_empty());
    }

    #[test]
    fn enable_disable_and_files() {
        let mut d = project();
        d.matched_globs
            .insert("**/migrations/*.sql".into(), "db/migrations/001.sql".into());
        let s = select(
            &d,
            &packs(),
            &["go-core".into(), "nope".into()],
            &["starlette".into()],
        );
        assert_eq!(
            s.packs,
            vec![
                "asyncio",
                "go-core",
                "python-core",
                "py-tasks",
                "sql-migrations",
                "sqlalchemy"
            ]
        );
        assert_eq!(s.reasons["sql-migrations"], "file db/migrations/001.sql");
        let msgs: Vec<_> = s.diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert!(
            msgs.iter().any(|m| m.contains("unknown pack `nope`")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter()
                .any(|m| m.contains("pack `fastapi` is not enabled")),
            "{msgs:?}"
        );
    }

    #[test]
    fn unpacked_lists_detected_stacks_without_a_pack() {
        let mut d = project();
        for (name, deps, imports, packable) in [
            ("sqlalchemy", vec!["sqlalchemy"], vec!["sqlalchemy"], true),
            ("celery", vec!["celery"], vec!["celery"], true),
            ("django", vec!["django"], vec!["django"], true),
            ("asyncio", vec![], vec!["asyncio"], false),
        ] {
            d.stacks.push(DetectedStack {
                name: name.into(),
                roles: vec![Role::Orm],
                version: None,
                evidence: vec![],
            });
            d.stack_entries.push(Stack {
                name: name.into(),
                roles: vec![Role::Orm],
                db: None,
                dependencies: deps.into_iter().map(String::from).collect(),
                imports: imports.into_iter().map(String::from).collect(),
                docs: vec![],
                packable,
            });
        }
        let without_sqlalchemy: Vec<_> = packs()
            .into_iter()
            .filter(|p| p.name != "sqlalchemy")
            .collect();
        let s = select(&d, &without_sqlalchemy, &[], &[]);
        assert_eq!(s.unpacked, vec!["django", "sqlalchemy"]);
    }
}
