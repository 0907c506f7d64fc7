//! Migration order (CHECKS.md §2, F2 rule 4): the order in which migration files are applied,
//! so a later `CREATE OR REPLACE` or `DROP` wins over what an earlier one created.
//!
//! Files are ordered by path first ([`compare_migration_paths`]: a leading version number
//! compares numerically). Frameworks that chain migrations by id instead (Alembic's
//! `revision`/`down_revision`, Django's `dependencies`) describe the chain in records of the
//! fact `migration_order`, which pack extractors emit: per file, `migration` (the file's id) and
//! `after` (the ids it depends on). The files of that graph are then applied in dependency
//! order, ties broken by path; they keep the positions the path order gave the graph's files, so
//! files outside the graph (plain `.sql` migrations) do not move. Dependencies on unknown ids
//! (another app's migration that is not in the project, `__first__`) are ignored; files caught in
//! a cycle keep their path order. Which framework wrote a record is no concern of this module.

use super::sql::compare_migration_paths;
use serde_json::Value;
use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeMap, BinaryHeap, HashMap};

/// The name of the fact whose records describe migration chains.
pub const FACT: &str = "migration_order";

/// One file of the dependency graph: its ids and the ids it must follow.
#[derive(Debug, Default, Clone)]
struct Node {
    ids: Vec<String>,
    after: Vec<String>,
}

/// The dependency graph of migration files, from `migration_order` records (`file`,
/// `migration`, `after`; several records of one file are merged).
#[derive(Debug, Default, Clone)]
pub struct MigrationGraph {
    nodes: BTreeMap<String, Node>,
}

impl MigrationGraph {
    /// Reads `migration_order` records. A record without `file` is ignored; `after` may be one
    /// string or an array of strings.
    pub fn from_records<'a>(records: impl IntoIterator<Item = &'a Value>) -> MigrationGraph {
        let mut nodes: BTreeMap<String, Node> = BTreeMap::new();
        for r in records {
            let Some(file) = r["file"].as_str() else {
                continue;
            };
            let node = nodes.entry(file.to_string()).or_default();
            if let Some(id) = r["migration"].as_str().filter(|s| !s.is_empty()) {
                node.ids.push(id.to_string());
            }
            match &r["after"] {
                Value::String(s) => node.after.push(s.clone()),
                Value::Array(items) => node
                    .after
                    .extend(items.iter().filter_map(Value::as_str).map(str::to_string)),
                _ => {}
            }
        }
        // Files that name no id of their own cannot be placed in the chain.
        nodes.retain(|_, n| !n.ids.is_empty());
        MigrationGraph { nodes }
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The graph's files in the order they are applied: dependencies first, ties (and files in a
    /// cycle) by path order.
    pub fn applied_order(&self) -> Vec<&str> {
        let mut files: Vec<&str> = self.nodes.keys().map(String::as_str).collect();
        files.sort_by(|a, b| compare_migration_paths(a, b));
        // id -> file; the first file in path order wins an id claimed twice.
        let mut by_id: HashMap<&str, usize> = HashMap::new();
        for (i, f) in files.iter().enumerate() {
            for id in &self.nodes[*f].ids {
                by_id.entry(id.as_str()).or_insert(i);
            }
        }
        let mut indegree = vec![0usize; files.len()];
        let mut next: Vec<Vec<usize>> = vec![Vec::new(); files.len()];
        for (i, f) in files.iter().enumerate() {
            let mut deps: Vec<usize> = self.nodes[*f]
                .after
                .iter()
                .filter_map(|id| by_id.get(id.as_str()).copied())
                .filter(|&d| d != i)
                .collect();
            deps.sort_unstable();
            deps.dedup();
            for d in deps {
                next[d].push(i);
                indegree[i] += 1;
            }
        }
        let mut ready: BinaryHeap<Reverse<usize>> = indegree
            .iter()
            .enumerate()
            .filter(|(_, &d)| d == 0)
            .map(|(i, _)| Reverse(i))
            .collect();
        let mut out = Vec::with_capacity(files.len());
        let mut placed = vec![false; files.len()];
        while let Some(Reverse(i)) = ready.pop() {
            out.push(files[i]);
            placed[i] = true;
            for &n in &next[i] {
                indegree[n] -= 1;
                if indegree[n] == 0 {
                    ready.push(Reverse(n));
                }
            }
        }
        // A cycle: what is left keeps its path order.
        out.extend(
            files
                .iter()
                .enumerate()
                .filter(|(i, _)| !placed[*i])
                .map(|(_, f)| *f),
        );
        debug_assert_eq!(out.len(), files.len());
        out
    }

    /// Sorts migration sources, given with their file paths, into applied order: path order,
    /// then the graph's files permuted among the places they hold. Stable: sources of one file
    /// keep their order.
    pub fn sort_sources<T>(&self, sources: &mut [(String, T)]) {
        sources.sort_by(|a, b| compare_migration_paths(&a.0, &b.0));
        if self.is_empty() {
            return;
        }
        // The distinct files in path order; the graph's files among them take the graph's
        // order, in the slots they occupy.
        let mut files: Vec<&str> = Vec::new();
        for (p, _) in sources.iter() {
            if files.last() != Some(&p.as_str()) {
                files.push(p);
            }
        }
        let in_graph: Vec<&str> = self
            .applied_order()
            .into_iter()
            .filter(|f| files.contains(f))
            .collect();
        let mut chained = in_graph.into_iter();
        let order: Vec<String> = files
            .iter()
            .map(|f| {
                if self.nodes.contains_key(*f) {
                    chained.next().unwrap_or(f).to_string()
                } else {
                    f.to_string()
                }
            })
            .collect();
        let rank: HashMap<String, usize> =
            order.into_iter().enumerate().map(|(i, f)| (f, i)).collect();
        sources.sort_by(|a, b| match (rank.get(&a.0), rank.get(&b.0)) {
            (Some(x), Some(y)) => x.cmp(y),
            _ => Ordering::Equal,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn graph(records: &[Value]) -> MigrationGraph {
        MigrationGraph::from_records(records.iter())
    }

    #[test]
    fn alembic_revisions_follow_down_revision_not_file_names() {
        // Hash-named revisions: path order is the reverse of the chain.
        let g = graph(&[
            json!({"file": "alembic/versions/c3_drop.py", "migration": "v:c3"}),
            json!({"file": "alembic/versions/c3_drop.py", "after": ["v:b2"]}),
            json!({"file": "alembic/versions/b2_alter.py", "migration": "v:b2", "after": "v:f1"}),
            json!({"file": "alembic/versions/f1_create.py", "migration": "v:f1", "after": []}),
        ]);
        assert_eq!(
            g.applied_order(),
            [
                "alembic/versions/f1_create.py",
                "alembic/versions/b2_alter.py",
                "alembic/versions/c3_drop.py"
            ]
        );
    }

    #[test]
    fn merges_ties_unknown_ids_and_cycles() {
        // A merge revision after two heads; an unknown dependency is ignored; ties go by path.
        let g = graph(&[
            json!({"file": "m/d.py", "migration": "d", "after": ["b", "c"]}),
            json!({"file": "m/c.py", "migration": "c", "after": ["a", "elsewhere.0001"]}),
            json!({"file": "m/b.py", "migration": "b", "after": ["a"]}),
            json!({"file": "m/a.py", "migration": "a"}),
            json!({"file": "m/notes.py", "after": ["a"]}),
        ]);
        assert_eq!(g.applied_order(), ["m/a.py", "m/b.py", "m/c.py", "m/d.py"]);
        // A cycle keeps path order.
        let g = graph(&[
            json!({"file": "x/2.py", "migration": "two", "after": ["one"]}),
            json!({"file": "x/1.py", "migration": "one", "after": ["two"]}),
        ]);
        assert_eq!(g.applied_order(), ["x/1.py", "x/2.py"]);
    }

    #[test]
    fn sources_outside_the_graph_keep_their_places() {
        // Django: 0002 (a later name) is the first migration of the chain here because
        // 0001_late depends on it; the SQL file is not in the graph and stays between.
        let g = graph(&[
            json!({"file": "shop/migrations/0001_late.py", "migration": "shop.0001_late", "after": ["shop.0002_early"]}),
            json!({"file": "shop/migrations/0002_early.py", "migration": "shop.0002_early", "after": []}),
        ]);
        let mut sources = vec![
            ("shop/migrations/0002_early.py".to_string(), 3),
            ("db/schema.sql".to_string(), 0),
            ("shop/migrations/0001_late.py".to_string(), 1),
            ("shop/migrations/0001_late.py".to_string(), 2),
        ];
        g.sort_sources(&mut sources);
        let order: Vec<i32> = sources.iter().map(|s| s.1).collect();
        assert_eq!(order, [0, 3, 1, 2]);
    }

    /// F2 end to end: the revision that drops the trigger has a name that sorts first, but it
    /// follows the one that creates it, so the trigger is gone; by path order alone it would
    /// have survived.
    #[test]
    fn a_later_revision_drops_a_trigger_an_earlier_one_created() {
        let create = "CREATE FUNCTION notify_job() RETURNS trigger AS $$ BEGIN PERFORM pg_notify('job_events', NEW.id::text); RETURN NEW; END $$ LANGUAGE plpgsql; CREATE TRIGGER jobs_notify AFTER INSERT ON jobs FOR EACH ROW EXECUTE FUNCTION notify_job();";
        let drop = "DROP TRIGGER IF EXISTS jobs_notify ON jobs";
        let sql = vec![
            json!({"file": "alembic/versions/1a2b_drop_trigger.py", "line": 9, "sql": drop}),
            json!({"file": "alembic/versions/9f8e_jobs_notify.py", "line": 9, "sql": create}),
        ];
        let triggers = |order: Vec<Value>| {
            let mut facts = crate::project::Facts::default();
            facts.insert("migration_sql", sql.clone());
            facts.insert(FACT, order);
            crate::project::add_sql_facts(&mut facts, &[]);
            facts.get("triggers").len()
        };
        assert_eq!(triggers(Vec::new()), 1, "path order: dropped, then created");
        let chain = vec![
            json!({"file": "alembic/versions/1a2b_drop_trigger.py", "migration": "alembic/versions:1a2b"}),
            json!({"file": "alembic/versions/1a2b_drop_trigger.py", "after": ["alembic/versions:9f8e"]}),
            json!({"file": "alembic/versions/9f8e_jobs_notify.py", "migration": "alembic/versions:9f8e"}),
        ];
        assert_eq!(triggers(chain), 0, "revision order: created, then dropped");
    }
}
