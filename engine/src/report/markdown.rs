//! The Markdown audit report (CHECKS.md §6.2). Headings, their order and the table layouts are
//! fixed by the spec; a test pins them with a snapshot.

use super::score::band;
use super::{language_list, Report};
use crate::finding::Finding;
use crate::model::{Category, Effort};
use std::cmp::Reverse;
use std::fmt::Write;

/// Rows of "Recommended Actions" shown before `… and N more`.
pub const MAX_ACTIONS: usize = 50;

/// Renders the report. Equal input gives byte-identical output.
pub fn render(report: &Report) -> String {
    let input = report.input();
    let card = report.scorecard();
    let active: Vec<&Finding> = input.findings.iter().filter(|f| !f.advisory).collect();
    let actions = recommended_actions(&active);
    let mut out = String::new();

    // Writing into a String cannot fail; `let _ =` keeps that visible without unwraps.
    let _ = writeln!(
        out,
        "## Persistence & Performance Audit Report - {}\n",
        input.date
    );

    // Executive Summary: three sentences.
    let _ = writeln!(out, "### Executive Summary");
    let overall = card
        .overall
        .map_or_else(|| "N/A".to_string(), |s| format!("{s}/10"));
    let langs = language_list(&input.languages, "and");
    let langs = if langs.is_empty() {
        "no supported language".to_string()
    } else {
        langs
    };
    let _ = write!(
        out,
        "Overall score {overall} ({}) across {} in {langs}.",
        band(card.overall),
        super::status::plural(input.files_checked, "file"),
    );
    if card.counts.total() == 0 {
        out.push_str(" No findings.");
    } else {
        let _ = write!(
            out,
            " {} ({})",
            super::status::plural(card.counts.total(), "finding"),
            card.counts.summary()
        );
        // The lowest score, first in category order on ties.
        let worst = card
            .categories
            .iter()
            .filter_map(|c| c.score.map(|s| (s, c.category)))
            .min();
        match worst {
            Some((score, cat)) => {
                let _ = write!(out, ", most in {} ({score}/10).", cat.title());
            }
            None => out.push('.'),
        }
    }
    match actions.first() {
        Some(f) => {
            let _ = writeln!(
                out,
                " Top priority: {} at {}.",
                one_line(&f.message),
                location(f)
            );
        }
        None => out.push_str(" No action required.\n"),
    }
    out.push('\n');

    // Compliance Score.
    let _ = writeln!(out, "### Compliance Score");
    let _ = writeln!(out, "| Category | Score | Notes |");
    let _ = writeln!(out, "|----------|-------|-------|");
    for c in &card.categories {
        let score = c
            .score
            .map_or_else(|| "N/A".to_string(), |s| format!("{s}/10"));
        let notes = if let Some(reason) = &c.skipped {
            format!("skipped: {reason}")
        } else if c.counts.total() == 0 {
            "clean".to_string()
        } else {
            match &c.top_check {
                Some(t) => format!("{} · top: {t}", c.counts.summary()),
                None => c.counts.summary(),
            }
        };
        let _ = writeln!(
            out,
            "| {} | {score} | {} |",
            c.category.title(),
            cell(&notes)
        );
    }
    let _ = writeln!(out, "| **Overall** | **{overall}** | |\n");

    // Severity Summary.
    let _ = writeln!(out, "### Severity Summary");
    let _ = writeln!(out, "| Severity | Count |");
    let _ = writeln!(out, "|----------|-------|");
    for (name, n) in [
        ("Critical", card.counts.critical),
        ("High", card.counts.high),
        ("Medium", card.counts.medium),
        ("Low", card.counts.low),
    ] {
        let _ = writeln!(out, "| {name} | {n} |");
    }
    let _ = writeln!(
        out,
        "\nAdvisory: {} (excluded from scores) · Suppressed: {}\n",
        card.advisory, input.suppressed
    );

    // Findings by Category.
    let _ = writeln!(out, "### Findings by Category");
    for (i, c) in card.categories.iter().enumerate() {
        let _ = writeln!(out, "#### {}. {}", i + 1, c.category.title());
        let mut rows: Vec<&Finding> = active
            .iter()
            .copied()
            .filter(|f| f.category == c.category)
            .collect();
        rows.sort_by(|a, b| row_key(a).cmp(&row_key(b)));
        if !rows.is_empty() {
            let _ = writeln!(
                out,
                "| Severity | Location | Issue | Recommendation | Effort |"
            );
            let _ = writeln!(
                out,
                "|----------|----------|-------|----------------|--------|"
            );
            for f in rows {
                let mut issue = one_line(&f.message);
                if let Some(label) = f.context.label.as_deref().filter(|l| !l.is_empty()) {
                    issue.push(' ');
                    issue.push_str(label);
                }
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} |",
                    f.severity,
                    cell(&location(f)),
                    cell(&issue),
                    cell(&f.recommendation),
                    f.effort.as_str()
                );
            }
        } else if let Some(reason) = &c.skipped {
            let _ = writeln!(out, "Skipped: {}.", one_line(reason).trim_end_matches('.'));
        } else {
            let _ = writeln!(out, "No findings.");
        }
    }
    out.push('\n');

    // Advisory Findings.
    let _ = writeln!(out, "### Advisory Findings");
    let mut advisory: Vec<&Finding> = input.findings.iter().filter(|f| f.advisory).collect();
    advisory.sort_by(|a, b| {
        let key = |f: &'_ Finding| {
            (
                f.category,
                Reverse(f.original_severity),
                f.file.clone(),
                f.line,
                f.column,
                f.check.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    if advisory.is_empty() {
        let _ = writeln!(out, "No advisory findings.");
    } else {
        let _ = writeln!(out, "| Original | Rule | Location | Issue | Evidence |");
        let _ = writeln!(out, "|----------|------|----------|-------|----------|");
        for f in advisory {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                f.original_severity,
                cell(&rule_cell(f)),
                cell(&location(f)),
                cell(&f.message),
                cell(f.context.evidence.as_deref().unwrap_or("-"))
            );
        }
    }
    out.push('\n');

    // Recommended Actions.
    let _ = writeln!(out, "### Recommended Actions (Priority-Sorted)");
    if actions.is_empty() {
        let _ = writeln!(out, "No action required.");
    } else {
        let _ = writeln!(
            out,
            "| Priority | Category | Location | Issue | Recommendation | Effort |"
        );
        let _ = writeln!(
            out,
            "|----------|----------|----------|-------|----------------|--------|"
        );
        for f in actions.iter().take(MAX_ACTIONS) {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                f.severity,
                short_category(f.category),
                cell(&location(f)),
                cell(&f.message),
                cell(&f.recommendation),
                f.effort.as_str()
            );
        }
        if actions.len() > MAX_ACTIONS {
            let _ = writeln!(
                out,
                "\n… and {} more (see Findings by Category).",
                actions.len() - MAX_ACTIONS
            );
        }
    }
    out.push('\n');

    // Sources Consulted: references of packs that ran at least one check, de-duplicated by URL.
    let _ = writeln!(out, "### Sources Consulted");
    let mut seen: Vec<&str> = Vec::new();
    for pack in input.packs {
        let ran = input
            .check_runs
            .iter()
            .any(|r| r.skipped.is_none() && r.packs.contains(&pack.name));
        if !ran {
            continue;
        }
        for r in &pack.references {
            if seen.contains(&r.url.as_str()) {
                continue;
            }
            seen.push(&r.url);
            let _ = writeln!(out, "- {}: {}", one_line(&r.title), one_line(&r.url));
        }
    }
    let _ = writeln!(out, "- Tech stack: {}", one_line(&input.tech_stack_line));
    out
}

/// Rows of "Recommended Actions": every non-advisory finding; severity desc, effort S < M < L,
/// category order, path, line, column, check id.
pub fn recommended_actions<'f>(active: &[&'f Finding]) -> Vec<&'f Finding> {
    let mut v = active.to_vec();
    v.sort_by(|a, b| {
        let key = |f: &'f Finding| {
            (
                Reverse(f.severity),
                effort_rank(f.effort),
                f.category,
                f.file.as_str(),
                f.line,
                f.column,
                f.check.as_str(),
            )
        };
        key(a).cmp(&key(b))
    });
    v
}

/// Rows of a category table: severity desc, path, line, column, check id.
fn row_key(f: &Finding) -> (Reverse<crate::Severity>, &str, usize, usize, &str) {
    (
        Reverse(f.severity),
        f.file.as_str(),
        f.line,
        f.column,
        f.check.as_str(),
    )
}

fn effort_rank(e: Effort) -> u8 {
    match e {
        Effort::S => 0,
        Effort::M => 1,
        Effort::L => 2,
    }
}

/// `Query`, `Transaction`, `Runtime`, `Resource`.
pub fn short_category(c: Category) -> &'static str {
    match c {
        Category::Query => "Query",
        Category::Transaction => "Transaction",
        Category::Runtime => "Runtime",
        Category::Resource => "Resource",
    }
}

/// `path:line`.
fn location(f: &Finding) -> String {
    format!("{}:{}", f.file, f.line)
}

/// `R1 ADR-0007`, `R1 docs/architecture.md#L42`, `R6 context=3 (S1,S3,S4)`.
fn rule_cell(f: &Finding) -> String {
    let ctx = &f.context;
    match ctx.rule.as_deref() {
        Some("R6") => format!(
            "R6 context={} ({})",
            ctx.signals.len(),
            ctx.signals.join(",")
        ),
        Some("R1") => {
            let planned = ctx
                .label
                .as_deref()
                .and_then(|l| l.strip_prefix("[Planned: "))
                .and_then(|l| l.strip_suffix(']'));
            match planned {
                Some(id) => format!("R1 {id}"),
                None => "R1".to_string(),
            }
        }
        Some(other) => other.to_string(),
        None => "-".to_string(),
    }
}

/// Text on one line: line breaks become spaces, runs of them collapse.
fn one_line(s: &str) -> String {
    s.split(['\n', '\r'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A table cell: one line, `|` escaped.
pub fn cell(s: &str) -> String {
    one_line(s).replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_escape_pipes_and_have_no_newlines() {
        assert_eq!(cell("a | b\nc\r\n  d"), "a \\| b c d");
        assert_eq!(cell("`x`"), "`x`");
    }
}
