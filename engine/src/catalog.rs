//! The check catalogue: what each check means, independent of any framework.
//!
//! A check (CHECKS.md §4) is defined once, as a `[[check]]` record in a catalogue file
//! (`rules/catalog/<category>.toml` for the built-ins; a pack may add its own). Detectors in packs
//! name the check they implement. This module owns the record type, its loading and validation;
//! it does not own any check content.

use crate::error::{PackError, Span};
use crate::model::{Category, Effort, Exempt, Severity};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// A link shown under "References" and "Sources Consulted".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// What the link is, e.g. "SQLAlchemy 2.0: Relationship Loading Techniques".
    pub title: String,
    /// Where it is.
    pub url: String,
}

/// One `[[check]]` record as written in TOML.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// `<category>.<check>`, e.g. `runtime.blocking_io_in_async`. Team checks: `<team>.<category>.<name>`.
    pub id: String,
    /// Human title, e.g. "Blocking IO in Async".
    pub title: String,
    /// One of `query`, `transaction`, `runtime`, `resource`.
    pub category: Category,
    /// Severity used when a detector does not compute one.
    pub default_severity: Severity,
    /// Effort to fix: `S`, `M` or `L`.
    pub effort: Effort,
    /// Opts the check into the execution-context downgrade (findings in startup code, job
    /// directories, guarded or small-data code are lowered); the value names the rule family
    /// (`blocking_io`, `redundant_fetch`, `transaction_wide`, `cpu_bound`). Omit otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context_rule: Option<String>,
    /// Whether the post-filter (ADR overrides, execution-context downgrades) may change the
    /// check's findings: `true` (never), `false`, or `"hot_path"` (never on the request path).
    #[serde(default)]
    pub exempt: Exempt,
    /// The issue template, e.g. "blocking `<call>` inside async `<fn>`".
    #[serde(default)]
    pub issue: String,
    /// What is wrong and why it costs (one paragraph).
    pub principle: String,
    /// How severity is computed, in words.
    #[serde(default)]
    pub severity_rules: String,
    /// Default recommendation shown with each finding.
    pub recommendation: String,
    /// Project facts the check cannot run without, by their id in the fact table (`F2`: triggers
    /// from migrations; `F3`/`F4`: channel publishers and subscribers). The check is skipped when
    /// none of the technologies behind them is in the project, and ends as a warning when a
    /// required fact's technology is present but none of its sources is.
    #[serde(default)]
    pub requires_facts: Vec<String>,
    /// Checks that own a construct this check may also see (CHECKS.md §3.7): a finding of this
    /// check is dropped when one of theirs flags the same node, an ancestor or a descendant.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub yields_to: Vec<String>,
    /// Extra words that let an architecture decision record refer to this check.
    #[serde(default)]
    pub topic_terms: Vec<String>,
    /// Documentation links.
    #[serde(default)]
    pub references: Vec<Reference>,
    /// Markdown shown by `ppa rule`: What it does / Why is this bad? / Example / Use instead.
    pub docs: String,
}

impl Check {
    /// The part after the category, e.g. `blocking_io_in_async`.
    pub fn short_name(&self) -> &str {
        self.id.rsplit('.').next().unwrap_or(&self.id)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    #[serde(default)]
    check: Vec<Check>,
}

/// All known checks, by id, in id order, and the project facts they may require.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    checks: BTreeMap<String, Arc<Check>>,
    facts: crate::facts::gate::FactTable,
}

impl Catalog {
    /// Parses one catalogue file and adds its checks. `origin` names the file in errors.
    pub fn add_toml(&mut self, origin: &str, text: &str) -> Result<(), Vec<PackError>> {
        let src = crate::error::SourceFile::new(origin, text);
        let file: CatalogFile =
            toml::from_str(text).map_err(|e| vec![PackError::toml(&src, &e)])?;
        let mut errors = Vec::new();
        for check in file.check {
            if let Some(e) = validate(&check, &src) {
                errors.push(e);
                continue;
            }
            if self.checks.contains_key(&check.id) {
                errors.push(PackError::new(
                    &src,
                    find_span(text, &check.id),
                    format!("check `{}` is defined twice", check.id),
                    "give every check a unique id; never reuse one",
                ));
                continue;
            }
            self.checks.insert(check.id.clone(), Arc::new(check));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Sets the fact table that `requires_facts` ids refer to (CHECKS.md §2), which gates
    /// checks on the project's technologies and fact sources.
    pub fn set_facts(&mut self, facts: crate::facts::gate::FactTable) {
        self.facts = facts;
    }

    /// The fact table (empty unless [`Catalog::set_facts`] was called).
    pub fn facts(&self) -> &crate::facts::gate::FactTable {
        &self.facts
    }

    /// Adds an already-parsed check (a pack's own `[[check]]`).
    pub(crate) fn insert(&mut self, check: Check) {
        self.checks.insert(check.id.clone(), Arc::new(check));
    }

    pub fn get(&self, id: &str) -> Option<&Arc<Check>> {
        self.checks.get(id)
    }

    pub fn contains(&self, id: &str) -> bool {
        self.checks.contains_key(id)
    }

    /// Every check, in id order.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<Check>> {
        self.checks.values()
    }

    pub fn len(&self) -> usize {
        self.checks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.checks.is_empty()
    }

    /// Checks in report order: category, then id.
    pub fn in_report_order(&self) -> Vec<&Arc<Check>> {
        let mut v: Vec<_> = self.checks.values().collect();
        v.sort_by(|a, b| (a.category, &a.id).cmp(&(b.category, &b.id)));
        v
    }
}

/// Checks a record for what serde cannot: the id names its category, text fields are filled.
pub(crate) fn validate(check: &Check, src: &crate::error::SourceFile) -> Option<PackError> {
    let span = find_span(&src.text, &check.id);
    let parts: Vec<&str> = check.id.split('.').collect();
    let well_formed = parts.len() >= 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
        });
    if !well_formed {
        return Some(PackError::new(
            src,
            span,
            format!("check id `{}` is not of the form `<category>.<name>`", check.id),
            "use lower-case words joined by `.`, e.g. `runtime.blocking_io_in_async` or `acme.query.raw_sql`",
        ));
    }
    let cat = check.category.id();
    if !(parts[0] == cat || (parts.len() >= 3 && parts[1] == cat)) {
        return Some(PackError::new(
            src,
            span,
            format!("check id `{}` does not name its category `{cat}`", check.id),
            format!("start the id with `{cat}.` (or `<team>.{cat}.`)"),
        ));
    }
    for (name, value) in [
        ("title", &check.title),
        ("principle", &check.principle),
        ("recommendation", &check.recommendation),
        ("docs", &check.docs),
    ] {
        if value.trim().is_empty() {
            return Some(PackError::new(
                src,
                span,
                format!("check `{}` has an empty `{name}`", check.id),
                "every check documents itself; fill in the field",
            ));
        }
    }
    None
}

/// The span of the first occurrence of `"needle"` in `text`, for errors about a record.
pub(crate) fn find_span(text: &str, needle: &str) -> Span {
    let quoted = format!("\"{needle}\"");
    match text.find(&quoted) {
        Some(i) => Span::new(i, quoted.len()),
        None => Span::new(0, 0),
    }
}
