//! Checks gated on their required facts (CHECKS.md §2 first paragraph, §5.7).
//!
//! A check names the project facts it cannot do without in `requires_facts` (`["F2", "F3",
//! "F4"]`). The fact table (`rules/facts.toml` for the built-in one) says, per fact, which
//! technologies it stands on (F2 triggers: PostgreSQL; F3/F4 channels: PostgreSQL or Redis) and
//! which files are its sources (F2: migrations). From the project's database kinds (discovery)
//! and the files of the run, [`FactTable::gate`] decides:
//!
//! - `skipped` when none of the technologies behind the required facts is in the project
//!   ("no PostgreSQL or Redis in the project");
//! - otherwise the check runs, and each required fact whose technology is present but none of
//!   whose sources exist makes it a `warning` ("F2: no sources found").
//!
//! Nothing here knows a check or a framework: it is all table data.

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One `[[fact]]` record of the fact table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactSpec {
    /// The fact's id in CHECKS.md §2, e.g. `F2`; what `requires_facts` names.
    pub id: String,
    /// What it holds, e.g. `triggers`.
    pub name: String,
    /// Database kinds (discovery's `db`, e.g. `postgresql`) the fact stands on; any one is
    /// enough. Empty: the fact does not depend on a technology.
    #[serde(default)]
    pub technology: Vec<String>,
    /// Globs over repo-relative paths of the files the fact is read from. Empty: any source
    /// file, so sources are never missing.
    #[serde(default)]
    pub sources: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FactFile {
    #[serde(default)]
    fact: Vec<FactSpec>,
    /// Display names of database kinds in messages: `postgresql = "PostgreSQL"`.
    #[serde(default)]
    names: BTreeMap<String, String>,
}

/// The fact table, with each fact's source globs compiled.
#[derive(Debug, Clone, Default)]
pub struct FactTable {
    facts: Vec<FactSpec>,
    names: BTreeMap<String, String>,
    /// All facts' source globs in one set, and which fact each glob belongs to.
    globs: Option<GlobSet>,
    glob_fact: Vec<usize>,
}

/// What a check's required facts say about this run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gate {
    /// The check does not run: the reason.
    Skip(String),
    /// The check runs; problems that make it a `warning` (`F2: no sources found`).
    Run(Vec<String>),
}

/// Which facts of a table have at least one source among the files seen so far.
#[derive(Debug, Clone, Default)]
pub struct SourcesSeen {
    seen: Vec<bool>,
}

impl FactTable {
    /// Parses a fact table. `origin` names the file in errors.
    pub fn from_toml(origin: &str, text: &str) -> Result<FactTable, String> {
        let file: FactFile = toml::from_str(text).map_err(|e| format!("{origin}: {e}"))?;
        let mut builder = GlobSetBuilder::new();
        let mut glob_fact = Vec::new();
        for (i, f) in file.fact.iter().enumerate() {
            if file.fact[..i].iter().any(|g| g.id == f.id) {
                return Err(format!("{origin}: fact `{}` is defined twice", f.id));
            }
            for g in &f.sources {
                let glob = Glob::new(g).map_err(|e| {
                    format!("{origin}: fact `{}`: invalid source glob `{g}`: {e}", f.id)
                })?;
                builder.add(glob);
                glob_fact.push(i);
            }
        }
        let globs = if glob_fact.is_empty() {
            None
        } else {
            Some(builder.build().map_err(|e| format!("{origin}: {e}"))?)
        };
        Ok(FactTable {
            facts: file.fact,
            names: file.names,
            globs,
            glob_fact,
        })
    }

    /// The facts, in table order.
    pub fn facts(&self) -> &[FactSpec] {
        &self.facts
    }

    /// The fact with this id.
    pub fn get(&self, id: &str) -> Option<&FactSpec> {
        self.facts.iter().find(|f| f.id == id)
    }

    /// An empty record of sources seen, for [`FactTable::observe`].
    pub fn sources_seen(&self) -> SourcesSeen {
        SourcesSeen {
            seen: vec![false; self.facts.len()],
        }
    }

    /// Notes a file of the project (repo-relative path): the facts it is a source of.
    pub fn observe(&self, path: &str, seen: &mut SourcesSeen) {
        let Some(globs) = &self.globs else {
            return;
        };
        if seen.seen.len() != self.facts.len() {
            seen.seen = vec![false; self.facts.len()];
        }
        for i in globs.matches(path) {
            seen.seen[self.glob_fact[i]] = true;
        }
    }

    fn display(&self, kind: &str) -> String {
        self.names
            .get(kind)
            .cloned()
            .unwrap_or_else(|| kind.to_string())
    }

    /// The gate of a check that requires `requires` (fact ids; unknown ids are ignored), for a
    /// project with database kinds `db` (`None`: not known, so no technology is ruled out).
    pub fn gate(&self, requires: &[String], db: Option<&[String]>, seen: &SourcesSeen) -> Gate {
        let specs: Vec<(usize, &FactSpec)> = self
            .facts
            .iter()
            .enumerate()
            .filter(|(_, f)| requires.contains(&f.id))
            .collect();
        let present = |f: &FactSpec| {
            f.technology.is_empty()
                || db.is_none_or(|db| f.technology.iter().any(|t| db.contains(t)))
        };
        if !specs.is_empty() && !specs.iter().any(|(_, f)| present(f)) {
            let mut techs: Vec<String> = Vec::new();
            for (_, f) in &specs {
                for t in &f.technology {
                    let name = self.display(t);
                    if !techs.contains(&name) {
                        techs.push(name);
                    }
                }
            }
            return Gate::Skip(format!("no {} in the project", techs.join(" or ")));
        }
        let warnings = specs
            .iter()
            .filter(|(i, f)| {
                present(f) && !f.sources.is_empty() && !seen.seen.get(*i).copied().unwrap_or(false)
            })
            .map(|(_, f)| format!("{}: no sources found", f.id))
            .collect();
        Gate::Run(warnings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = r#"
[names]
postgresql = "PostgreSQL"
redis = "Redis"

[[fact]]
id = "F2"
name = "triggers"
technology = ["postgresql"]
sources = ["**/migrations/**", "**/*.up.sql"]

[[fact]]
id = "F3"
name = "event_publishers"
technology = ["postgresql", "redis"]

[[fact]]
id = "F14"
name = "constants"
"#;

    fn table() -> FactTable {
        FactTable::from_toml("facts.toml", TABLE).unwrap()
    }

    fn req(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|s| s.to_string()).collect()
    }

    fn db(kinds: &[&str]) -> Vec<String> {
        req(kinds)
    }

    #[test]
    fn skipped_only_when_no_technology_of_any_required_fact_is_present() {
        let t = table();
        let none = t.sources_seen();
        assert_eq!(
            t.gate(&req(&["F2", "F3"]), Some(&db(&["mysql"])), &none),
            Gate::Skip("no PostgreSQL or Redis in the project".into())
        );
        assert_eq!(
            t.gate(&req(&["F2"]), Some(&db(&[])), &none),
            Gate::Skip("no PostgreSQL in the project".into())
        );
        // Redis alone: F3 stands on it; F2's PostgreSQL is absent, so its sources do not
        // matter.
        assert_eq!(
            t.gate(&req(&["F2", "F3"]), Some(&db(&["redis"])), &none),
            Gate::Run(vec![])
        );
        // Unknown database kinds rule nothing out; unknown fact ids and facts without a
        // technology gate nothing.
        assert_eq!(
            t.gate(&req(&["F2"]), None, &none),
            Gate::Run(vec!["F2: no sources found".into()])
        );
        assert_eq!(
            t.gate(&req(&["F14", "F99"]), Some(&db(&[])), &none),
            Gate::Run(vec![])
        );
        assert_eq!(t.gate(&[], Some(&db(&[])), &none), Gate::Run(vec![]));
    }

    #[test]
    fn a_present_technology_without_sources_is_a_warning() {
        let t = table();
        let mut seen = t.sources_seen();
        t.observe("app/main.py", &mut seen);
        assert_eq!(
            t.gate(&req(&["F2", "F3"]), Some(&db(&["postgresql"])), &seen),
            Gate::Run(vec!["F2: no sources found".into()])
        );
        t.observe("db/0001_init.up.sql", &mut seen);
        assert_eq!(
            t.gate(&req(&["F2", "F3"]), Some(&db(&["postgresql"])), &seen),
            Gate::Run(vec![])
        );
    }

    #[test]
    fn bad_tables_are_errors() {
        assert!(FactTable::from_toml(
            "f.toml",
            "[[fact]]\nid = \"F2\"\nname = \"t\"\nsources = [\"a/[\"]\n"
        )
        .unwrap_err()
        .contains("invalid source glob"));
        assert!(FactTable::from_toml(
            "f.toml",
            "[[fact]]\nid = \"F2\"\nname = \"t\"\n[[fact]]\nid = \"F2\"\nname = \"u\"\n"
        )
        .unwrap_err()
        .contains("defined twice"));
        assert!(FactTable::from_toml(
            "f.toml",
            "[[fact]]\nid = \"F2\"\nname = \"t\"\ncolour = 1\n"
        )
        .is_err());
    }
}
