//! The project model: fact records from every file, merged in path order, and the project-level
//! detectors that read them (CHECKS.md §2).
//!
//! Extractors (`[[extractor]]` in a pack) run in the same single walk as the detectors: a record
//! is made where a detector would make a finding, so the facts phase costs no extra parse. After
//! the last file, the records are sorted by (path, line, column, pack, extractor) — the same
//! order whatever the thread count — into a read-only [`Facts`] value, and each
//! `[[project_detector]]` predicate runs once over it. Facts that do not come from a syntax tree
//! (SQL migrations, ADR documents) are added by the caller with [`Facts::insert`].

use crate::file::NodeRef;
use crate::finding::{Diagnostic, Finding, Level, Position};
use crate::model::{Effort, Severity};
use crate::pack::ProjectDetector;
use rhai::Dynamic;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// One record of a fact, as an extractor emitted it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FactRecord {
    /// The fact it belongs to, e.g. `event_publishers`.
    #[serde(skip)]
    pub fact: String,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub pack: String,
    pub extractor: String,
    /// What the extractor's predicate returned (or the capture texts).
    #[serde(flatten)]
    pub data: Map<String, Value>,
}

impl FactRecord {
    fn sort_key(&self) -> (&str, usize, usize, &str, &str) {
        (
            &self.file,
            self.line,
            self.column,
            &self.pack,
            &self.extractor,
        )
    }

    /// The record as one JSON object: `file`, `line`, `column`, `pack`, `extractor`, then its
    /// data. A predicate's own `line` and `column` win (a channel inside a multi-line SQL
    /// string is more precise than the string's start); `file`, `pack` and `extractor` cannot
    /// be overridden.
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("file".into(), self.file.clone().into());
        m.insert("line".into(), self.line.into());
        m.insert("column".into(), self.column.into());
        for (k, v) in &self.data {
            if !matches!(k.as_str(), "file" | "pack" | "extractor") && !v.is_null() {
                m.insert(k.clone(), v.clone());
            } else if v.is_null() && !m.contains_key(k) {
                m.insert(k.clone(), Value::Null);
            }
        }
        m.insert("pack".into(), self.pack.clone().into());
        m.insert("extractor".into(), self.extractor.clone().into());
        Value::Object(m)
    }
}

/// The read-only project model: fact name -> records in path order.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Facts {
    facts: BTreeMap<String, Vec<Value>>,
}

impl Facts {
    /// Merges records of all files into facts, in path order.
    pub fn from_records(mut records: Vec<FactRecord>) -> Facts {
        records.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        let mut facts: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for r in records {
            facts.entry(r.fact.clone()).or_default().push(r.to_value());
        }
        Facts { facts }
    }

    /// Adds records of a fact computed outside the walk (SQL migrations, documents). They keep
    /// the order given and follow records already present.
    pub fn insert(&mut self, fact: &str, records: impl IntoIterator<Item = Value>) {
        self.facts
            .entry(fact.to_string())
            .or_default()
            .extend(records);
    }

    /// The records of a fact (empty when none).
    pub fn get(&self, fact: &str) -> &[Value] {
        self.facts.get(fact).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Fact names with at least one record.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.facts.keys().map(String::as_str)
    }

    fn to_rhai(&self) -> rhai::Map {
        self.facts
            .iter()
            .map(|(k, v)| {
                let arr: rhai::Array = v.iter().map(json_to_dynamic).collect();
                (k.as_str().into(), Dynamic::from_array(arr))
            })
            .collect()
    }
}

/// What a project predicate knows of the project besides facts.
#[derive(Debug, Clone, Default)]
pub struct ProjectInfo {
    /// Database kinds in use (`postgresql`, `redis`, …), from discovery.
    pub db: Vec<String>,
    /// Whether `db` comes from discovery (false: unknown, so no technology is ruled out).
    pub db_known: bool,
    /// The `[facts]` table of the project configuration (`ppa.toml`), as JSON.
    pub config: Map<String, Value>,
    /// Checks that do not run in this project (their required facts' technology is absent, see
    /// [`crate::facts::gate`]): their project detectors are not run. Not shown to predicates.
    pub skipped_checks: std::collections::BTreeSet<String>,
    /// Execution contexts and the call graph (F10, F11), for the host functions
    /// `function_context`, `callers` and `callees`.
    pub exec: Option<Arc<crate::exec_context::ExecContext>>,
    /// F9: serverless, external pooler, web workers (from discovery).
    pub deployment: crate::discover::Deployment,
    /// The database server's `max_connections`, when a compose file sets it (the smallest one
    /// when several do).
    pub max_connections: Option<u64>,
    /// F1: runtime dependencies by name (PyPI names PEP 503-normalized), with the lower bound
    /// of their version constraint when a manifest gives one.
    pub dependencies: std::collections::BTreeMap<String, Option<String>>,
}

impl ProjectInfo {
    /// What discovery learned, with the `[facts]` table of `ppa.toml`.
    pub fn from_discovery(d: &crate::discover::Discovery, config: Map<String, Value>) -> Self {
        ProjectInfo {
            db: d.db.keys().cloned().collect(),
            config,
            deployment: d.deployment.clone(),
            max_connections: d
                .services
                .iter()
                .filter(|s| s.db.is_some())
                .filter_map(|s| s.max_connections)
                .min(),
            dependencies: d
                .dependencies
                .iter()
                .filter(|dep| dep.is_runtime())
                .map(|dep| (dep.name.clone(), dep.version.clone()))
                .collect(),
            exec: None,
            db_known: true,
            skipped_checks: Default::default(),
        }
    }

    fn to_rhai(&self) -> rhai::Map {
        let mut m = rhai::Map::new();
        m.insert(
            "db".into(),
            Dynamic::from_array(self.db.iter().map(|d| Dynamic::from(d.clone())).collect()),
        );
        m.insert(
            "config".into(),
            json_to_dynamic(&Value::Object(self.config.clone())),
        );
        let deployment = serde_json::to_value(&self.deployment).unwrap_or(Value::Null);
        m.insert("deployment".into(), json_to_dynamic(&deployment));
        m.insert(
            "max_connections".into(),
            self.max_connections
                .map_or(Dynamic::UNIT, |n| Dynamic::from(n as i64)),
        );
        let mut deps = rhai::Map::new();
        for (name, version) in &self.dependencies {
            deps.insert(
                name.as_str().into(),
                version.clone().map_or(Dynamic::UNIT, Dynamic::from),
            );
        }
        m.insert("dependencies".into(), Dynamic::from_map(deps));
        m
    }
}

/// Runs one project detector; findings carry the detector's check and the returned places.
pub(crate) fn run_detector(
    det: &Arc<ProjectDetector>,
    facts: &rhai::Map,
    project: &rhai::Map,
    out: &mut crate::FileReport,
) {
    let value = match det.script.eval(facts.clone(), project.clone(), &det.vocab) {
        Ok(v) => v,
        Err(e) => {
            out.diagnostics.push(Diagnostic {
                level: Level::Error,
                file: None,
                line: None,
                message: format!(
                    "{} ({}); the detector produced no findings",
                    e.message, e.location
                ),
                pack: Some(det.pack.to_string()),
                detector: Some(det.qualified_name()),
            });
            return;
        }
    };
    let items: Vec<Dynamic> = if value.is_unit() {
        Vec::new()
    } else if let Some(a) = value.clone().try_cast::<rhai::Array>() {
        a
    } else if value.is_map() {
        vec![value]
    } else {
        out.diagnostics.push(Diagnostic {
            level: Level::Error,
            file: None,
            line: None,
            message: format!(
                "project predicate returned a value of type `{}` ({}); return an array of maps with `file` and `line`",
                value.type_name(),
                det.script.location()
            ),
            pack: Some(det.pack.to_string()),
            detector: Some(det.qualified_name()),
        });
        return;
    };
    for item in items {
        if let Some(map) = item.clone().try_cast::<rhai::Map>() {
            if !map.contains_key("file") {
                if let Some(w) = map.get("warning") {
                    out.check_warnings
                        .push((det.check.id.clone(), dynamic_text(w)));
                    continue;
                }
            }
        }
        match finding_from_map(det, item) {
            Ok(f) => out.findings.push(f),
            Err(msg) => out.diagnostics.push(Diagnostic {
                level: Level::Error,
                file: None,
                line: None,
                message: format!("{msg} ({})", det.script.location()),
                pack: Some(det.pack.to_string()),
                detector: Some(det.qualified_name()),
            }),
        }
    }
}

fn finding_from_map(det: &ProjectDetector, item: Dynamic) -> Result<Finding, String> {
    let Some(map) = item.clone().try_cast::<rhai::Map>() else {
        return Err(format!(
            "project predicate returned an array item of type `{}`; each finding is a map with `file` and `line`",
            item.type_name()
        ));
    };
    let text = |k: &str| map.get(k).map(dynamic_text);
    let int = |k: &str| map.get(k).and_then(|v| v.as_int().ok());
    let file = text("file").ok_or("a finding map has no `file`")?;
    let line = int("line")
        .ok_or("a finding map has no integer `line`")?
        .max(1) as usize;
    let column = int("column").unwrap_or(1).max(1) as usize;
    let severity = match text("severity") {
        Some(s) => Severity::parse(&s).ok_or_else(|| {
            format!(
                "project predicate returned severity `{s}`; expected LOW, MEDIUM, HIGH or CRITICAL"
            )
        })?,
        None => det.severity,
    };
    let effort = match text("effort") {
        Some(s) => Effort::parse(&s).ok_or_else(|| {
            format!("project predicate returned effort `{s}`; expected S, M or L")
        })?,
        None => det.check.effort,
    };
    let lookup = |name: &str| text(name);
    let message = match text("message") {
        Some(m) => m,
        None => crate::render_template(&det.message, &lookup),
    };
    let recommendation = text("recommendation").unwrap_or_else(|| det.recommendation.clone());
    let end = Position {
        line: int("end_line").map_or(line, |l| l.max(1) as usize),
        column: int("end_column").map_or(column, |c| c.max(1) as usize),
    };
    Ok(Finding {
        check: det.check.id.clone(),
        category: det.check.category,
        severity,
        file: file.clone(),
        line,
        column,
        end,
        message: message.clone(),
        recommendation,
        effort,
        pack: det.pack.to_string(),
        detector: det.qualified_name(),
        fingerprint: crate::engine::fingerprint_of(&det.check.id, &file, "", &message),
        principle: format!("{} / {}", det.check.category.title(), det.check.title),
        original_severity: severity,
        context: Default::default(),
        confidence: Default::default(),
        advisory: false,
        symbol: text("symbol").unwrap_or_default(),
        byte_range: (0, 0),
        pending_signals: Vec::new(),
        data_path: None,
        functions: Vec::new(),
        severity_by_context: None,
    })
}

/// Converts a predicate value into JSON: nodes become their text, unit becomes null.
///
/// Arrays, maps and strings are read in place (`as_array_ref`, …): `try_cast` takes its value,
/// so casting a record's fields meant cloning each array and map (and everything below it)
/// before reading it, once per level of nesting, for every fact record of a run.
pub(crate) fn dynamic_to_json(d: &Dynamic) -> Value {
    if d.is_unit() {
        return Value::Null;
    }
    if let Ok(b) = d.as_bool() {
        return Value::Bool(b);
    }
    if let Ok(i) = d.as_int() {
        return Value::from(i);
    }
    if let Ok(f) = d.as_float() {
        return serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number);
    }
    if let Ok(s) = d.as_immutable_string_ref() {
        return Value::String(s.as_str().to_string());
    }
    if let Ok(a) = d.as_array_ref() {
        return Value::Array(a.iter().map(dynamic_to_json).collect());
    }
    if let Ok(m) = d.as_map_ref() {
        return Value::Object(
            m.iter()
                // (`as_str`: `to_string` on the map's key type goes through `Display`, with
                // its padding logic, for every key of every record.)
                .map(|(k, v)| (k.as_str().to_string(), dynamic_to_json(v)))
                .collect(),
        );
    }
    if let Some(n) = d.read_lock::<NodeRef>() {
        return Value::String(n.text().to_string());
    }
    Value::String(d.to_string())
}

/// Converts JSON into a predicate value.
pub(crate) fn json_to_dynamic(v: &Value) -> Dynamic {
    match v {
        Value::Null => Dynamic::UNIT,
        Value::Bool(b) => Dynamic::from(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Dynamic::from(i),
            None => Dynamic::from(n.as_f64().unwrap_or(0.0)),
        },
        Value::String(s) => Dynamic::from(s.clone()),
        Value::Array(a) => Dynamic::from_array(a.iter().map(json_to_dynamic).collect()),
        Value::Object(o) => Dynamic::from_map(
            o.iter()
                .map(|(k, v)| (k.as_str().into(), json_to_dynamic(v)))
                .collect(),
        ),
    }
}

fn dynamic_text(d: &Dynamic) -> String {
    match d.clone().try_cast::<NodeRef>() {
        Some(n) => n.text().to_string(),
        None => d.to_string(),
    }
}

/// Builds the `triggers` fact (F2) from SQL migration files, given as (repo-relative path, text),
/// and the `migration_sql` records extractors found in migration code. Sources are applied in
/// migration order (a leading version number compares numerically; files chained by the
/// `migration_order` records of extractors, such as Alembic revisions and Django dependencies,
/// in their dependency order, see [`crate::facts::order`]), so a later `CREATE OR REPLACE` or
/// `DROP` wins; down migrations are ignored.
pub fn add_sql_facts(facts: &mut Facts, sql_files: &[(String, String)]) {
    use crate::facts::sql;
    enum Src<'a> {
        File(&'a str),
        Code(String, usize),
    }
    let mut sources: Vec<(String, Src<'_>)> = sql_files
        .iter()
        .filter(|(p, _)| !sql::is_down_migration(p))
        .map(|(p, t)| (p.clone(), Src::File(t)))
        .collect();
    for r in facts.get("migration_sql") {
        let (Some(file), Some(text)) = (r["file"].as_str(), r["sql"].as_str()) else {
            continue;
        };
        let line = r["sql_line"]
            .as_u64()
            .or_else(|| r["line"].as_u64())
            .unwrap_or(1) as usize;
        sources.push((file.to_string(), Src::Code(text.to_string(), line)));
    }
    // Stable: sources of one file keep their order.
    crate::facts::order::MigrationGraph::from_records(facts.get(crate::facts::order::FACT))
        .sort_sources(&mut sources);
    let mut set = sql::TriggerSet::new();
    for (path, src) in &sources {
        match src {
            Src::File(text) => set.apply_migration(path, text),
            Src::Code(text, line) => set.apply_at(path, text, line.saturating_sub(1)),
        }
    }
    let triggers: Vec<Value> = set
        .triggers()
        .iter()
        .filter_map(|t| serde_json::to_value(t).ok())
        .collect();
    facts.insert("triggers", triggers);
}

impl crate::Engine {
    /// Runs every project-level detector once over the merged facts. Findings are in detector
    /// order; the caller sorts them with the file findings.
    pub fn check_project(&self, facts: &Facts, project: &ProjectInfo) -> crate::FileReport {
        let mut out = crate::FileReport::default();
        let dets: Vec<&Arc<ProjectDetector>> = self
            .packs()
            .iter()
            .flat_map(|p| p.project_detectors.iter())
            .filter(|d| {
                self.active_checks().contains(&d.check.id)
                    && !project.skipped_checks.contains(&d.check.id)
            })
            .collect();
        if dets.is_empty() {
            return out;
        }
        let facts = facts.to_rhai();
        let exec = project.exec.clone();
        let project = project.to_rhai();
        // The detectors are independent: each reads the facts and returns findings. They run
        // in parallel, and their outputs are joined in detector order.
        use rayon::prelude::*;
        let each: Vec<crate::FileReport> = dets
            .par_iter()
            .map(|d| {
                let mut one = crate::FileReport::default();
                crate::script::with_exec(exec.clone(), || {
                    run_detector(d, &facts, &project, &mut one)
                });
                one
            })
            .collect();
        for mut one in each {
            // A project predicate names a place, not the functions around it: they are read
            // off the call graph, so that the finding's execution context is its function's
            // (not the module's) in the JSON (`context.execution`) and for the post-filter.
            if let Some(x) = &exec {
                for f in one.findings.iter_mut().filter(|f| f.functions.is_empty()) {
                    f.functions = x.functions_at(&f.file, f.line);
                }
            }
            out.findings.extend(one.findings);
            out.diagnostics.extend(one.diagnostics);
            out.check_warnings.extend(one.check_warnings);
        }
        out
    }

    /// Whether any enabled pack has a project-level detector or an extractor.
    pub fn has_project_phase(&self) -> bool {
        self.packs().iter().any(|p| !p.project_detectors.is_empty())
    }
}

#[cfg(test)]
pub(crate) mod tests_support {
    use crate::finding::{Finding, Position};
    use crate::model::{Category, Effort, Severity};

    /// A finding of a placeholder check in `file`, for unit tests.
    pub(crate) fn finding(file: &str) -> Finding {
        Finding {
            check: "query.n_update_delete_loop".into(),
            category: Category::Query,
            severity: Severity::High,
            file: file.into(),
            line: 1,
            column: 1,
            end: Position { line: 1, column: 2 },
            message: String::new(),
            recommendation: String::new(),
            effort: Effort::M,
            pack: "test".into(),
            detector: "test/x".into(),
            fingerprint: String::new(),
            principle: String::new(),
            original_severity: Severity::High,
            context: Default::default(),
            confidence: Default::default(),
            advisory: false,
            symbol: String::new(),
            byte_range: (0, 0),
            pending_signals: Vec::new(),
            data_path: None,
            functions: Vec::new(),
            severity_by_context: None,
        }
    }
}
