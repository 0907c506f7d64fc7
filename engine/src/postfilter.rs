//! The post-filter (CHECKS.md §5.1): what happens to findings between detection and scoring,
//! generically for every pack.
//!
//! Order: migration-path cap → overlap partition (§3.7) → duplicates collapsed → Rule 1 (ADR /
//! planned work) then Rule 6 (execution context), both only on non-exempt HIGH and MEDIUM
//! findings. Inline suppressions were applied per file by the engine. Every change is recorded in
//! the finding's `context.reasons`, so a user can see why a severity is what it is.
//!
//! The partition is data: a check's `yields_to` lists the checks that own a construct it may
//! also see; its finding is dropped when one of theirs flags the same node, an ancestor or a
//! descendant (same file, nested byte ranges; same line for project-level findings).

use crate::catalog::Catalog;
use crate::finding::Finding;
use crate::model::{Exempt, Severity};
use globset::GlobSet;
use std::collections::BTreeSet;
use std::path::Path;

/// Rule 1: given a finding, the matching ADR or planned item: (label id such as `ADR-0007` or
/// `docs/architecture.md#L42`, evidence line).
pub type AdrMatcher<'a> = dyn Fn(&Finding) -> Option<(String, String)> + Sync + 'a;

/// Settings of one post-filter run.
pub struct PostFilter<'a> {
    pub catalog: &'a Catalog,
    /// Project root, for S4 (sizes of files named by literal paths). `None`: S4 by size is off.
    pub root: Option<&'a Path>,
    /// Migration paths (§0); findings there are capped at LOW.
    pub migrations: Option<&'a GlobSet>,
    pub adr: Option<&'a AdrMatcher<'a>>,
    /// Execution contexts of the project (F10, F11). With them, severities stated per context
    /// are settled, `exempt = "hot_path"` checks are exempt only on the request path, and S1
    /// comes from execution classes (pack-declared init hooks included). Without them (or
    /// when no request handler is known), `"hot_path"` is treated as always exempt.
    pub exec: Option<&'a crate::exec_context::ExecContext>,
}

/// What the post-filter did, for summaries.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Stats {
    /// Dropped because another check owns the construct.
    pub partitioned: usize,
    /// Collapsed duplicates.
    pub duplicates: usize,
}

impl PostFilter<'_> {
    /// Applies the pipeline; the result is in the §0 order.
    pub fn apply(&self, findings: Vec<Finding>) -> (Vec<Finding>, Stats) {
        let mut stats = Stats::default();
        let mut findings = findings;
        for f in &mut findings {
            // The check's own severity rules first (CHECKS.md §4): per execution context.
            if let Some(x) = self.exec {
                x.settle(f);
            }
            f.original_severity = f.severity;
            if let Some(m) = self.migrations {
                if m.is_match(&f.file) && f.severity > Severity::Low {
                    f.context.reasons.push(format!(
                        "migration path: capped at LOW (was {})",
                        f.severity
                    ));
                    f.severity = Severity::Low;
                }
            }
        }
        let findings = self.partition(findings, &mut stats);
        let mut findings = dedupe(findings, &mut stats);
        for f in &mut findings {
            self.rules(f);
        }
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        (findings, stats)
    }

    fn partition(&self, findings: Vec<Finding>, stats: &mut Stats) -> Vec<Finding> {
        let owners = |f: &Finding| -> Vec<&str> {
            self.catalog
                .get(&f.check)
                .map(|c| c.yields_to.iter().map(String::as_str).collect())
                .unwrap_or_default()
        };
        let mut keep = Vec::with_capacity(findings.len());
        for (i, f) in findings.iter().enumerate() {
            let yields = owners(f);
            let owned = !yields.is_empty()
                && findings
                    .iter()
                    .enumerate()
                    .any(|(j, g)| j != i && yields.contains(&g.check.as_str()) && overlaps(f, g));
            if owned {
                stats.partitioned += 1;
            } else {
                keep.push(f.clone());
            }
        }
        keep
    }

    /// Rule 1 then Rule 6 on one finding.
    fn rules(&self, f: &mut Finding) {
        let Some(check) = self.catalog.get(&f.check) else {
            return;
        };
        // CRITICAL and LOW never change; exempt checks never do (§5.5). A check exempt on the
        // request path is exempt when the finding's function is hot(f); without execution
        // contexts, or in a project where no pack found a request handler, it is treated as
        // exempt everywhere: hiding a hot-path finding would be worse than keeping a cold one.
        let exempt = match check.exempt {
            Exempt::No => false,
            Exempt::Always => true,
            Exempt::HotPath => self
                .exec
                .filter(|x| x.knows_request_path())
                .is_none_or(|x| x.is_hot(f)),
        };
        let eligible = matches!(f.severity, Severity::High | Severity::Medium) && !exempt;
        if !eligible {
            if exempt && check.exempt == Exempt::HotPath && self.exec.is_some() {
                f.context
                    .reasons
                    .push("exempt from Rule 1 and Rule 6: on the request path".into());
            }
            f.context.signals.clear();
            return;
        }
        if let Some(adr) = self.adr {
            if let Some((id, evidence)) = adr(f) {
                f.advisory = true;
                f.context.rule = Some("R1".into());
                f.context.label = Some(format!("[Planned: {id}]"));
                f.context.reasons.push(format!("Rule 1: covered by {id}"));
                f.context.evidence = Some(evidence);
                f.context.signals.clear();
                return;
            }
        }
        if check.context_rule.is_none() {
            f.context.signals.clear();
            return;
        }
        let mut found: Vec<(String, String)> = std::mem::take(&mut f.pending_signals);
        // S1 from execution classes: a startup hook a pack declared is init whatever its name,
        // and a route handler named `setup_…` is not.
        if let (Some(x), false) = (self.exec, f.functions.is_empty()) {
            found.retain(|(s, _)| s != "S1");
            if let Some(e) = x.init_evidence(&f.file, &f.functions) {
                found.push(("S1".into(), e));
                found.sort();
            }
        }
        if let Some(path) = f.data_path.take() {
            if let Some(size) = self.small_file(&f.file, &path) {
                found.push(("S4".into(), format!("{path} {} KB", size.div_ceil(1024))));
                found.sort();
            }
        }
        let names: Vec<String> = found.iter().map(|(s, _)| s.clone()).collect();
        let evidence = found
            .iter()
            .map(|(_, e)| e.as_str())
            .collect::<Vec<_>>()
            .join("; ");
        match names.len() {
            0 => {}
            n if n >= 3 => {
                f.advisory = true;
                f.context.rule = Some("R6".into());
                f.context.label = Some(format!("[Context: {}]", names.join(",")));
                f.context.reasons.push(format!(
                    "Rule 6: context={n} ({}) made it advisory",
                    names.join(",")
                ));
                f.context.signals = names;
                f.context.evidence = Some(evidence);
            }
            n => {
                let from = f.severity;
                f.severity = from.lower();
                f.context.rule = Some("R6".into());
                f.context.label = Some(format!("↓ctx {}", names.join(",")));
                f.context.reasons.push(format!(
                    "Rule 6: context={n} ({}), {from} → {}",
                    names.join(","),
                    f.severity
                ));
                f.context.signals = names;
                f.context.evidence = Some(evidence);
            }
        }
    }

    /// Size of a literal path's file when it exists in the repo and is small (S4).
    fn small_file(&self, finding_file: &str, path: &str) -> Option<u64> {
        let root = self.root?;
        if path.starts_with('/') || path.contains("..") {
            return None;
        }
        let dir = Path::new(finding_file).parent().unwrap_or(Path::new(""));
        [root.join(path), root.join(dir).join(path)]
            .into_iter()
            .filter_map(|p| std::fs::metadata(p).ok())
            .find(|m| m.is_file())
            .map(|m| m.len())
            .filter(|&n| n < crate::context::SMALL_FILE_BYTES)
    }
}

/// Same file and nested locations.
fn overlaps(a: &Finding, b: &Finding) -> bool {
    if a.file != b.file {
        return false;
    }
    let (ra, rb) = (a.byte_range, b.byte_range);
    if ra == (0, 0) || rb == (0, 0) {
        return a.line == b.line;
    }
    (ra.0 <= rb.0 && rb.1 <= ra.1) || (rb.0 <= ra.0 && ra.1 <= rb.1)
}

/// Findings of one check at one place collapse into the most severe (§0).
fn dedupe(mut findings: Vec<Finding>, stats: &mut Stats) -> Vec<Finding> {
    findings.sort_by(|a, b| {
        (
            &a.check,
            &a.file,
            a.line,
            a.column,
            std::cmp::Reverse(a.severity),
        )
            .cmp(&(
                &b.check,
                &b.file,
                b.line,
                b.column,
                std::cmp::Reverse(b.severity),
            ))
    });
    let mut seen = BTreeSet::new();
    findings.retain(|f| {
        let fresh = seen.insert((f.check.clone(), f.file.clone(), f.line, f.column));
        if !fresh {
            stats.duplicates += 1;
        }
        fresh
    });
    findings
}
