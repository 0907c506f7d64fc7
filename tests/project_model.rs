//! End-to-end: the project model on `examples/event-service`: facts from an Alembic migration
//! and from listeners in other files, the project-level channel check, Rule 1 (an ADR) and
//! Rule 6 (startup code), and determinism of the JSON and the report.

use ppa_tests::{ppa, repo_path};
use std::sync::Once;

fn pin_date() {
    static PIN: Once = Once::new();
    PIN.call_once(|| std::env::set_var("SOURCE_DATE_EPOCH", "1773532800"));
}

fn run(extra: &[&str]) -> ppa_tests::Output {
    pin_date();
    let root = repo_path("examples/event-service");
    let mut args = vec!["check", "--root", &root, &root, "--no-results-log"];
    args.extend_from_slice(extra);
    ppa(&args)
}

fn finding<'a>(doc: &'a serde_json::Value, file: &str, check: &str) -> &'a serde_json::Value {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["file"] == file && f["check"] == check)
        .unwrap_or_else(|| panic!("no {check} finding in {file}: {doc:#}"))
}

#[test]
fn the_channel_mismatch_is_critical_the_adr_finding_advisory_and_startup_code_lowered() {
    let out = run(&["--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let doc = out.json();

    // The trigger of the Alembic migration notifies `job_events`; the listener waits on
    // `job_event`.
    let mismatch = finding(
        &doc,
        "app/listener.py",
        "transaction.event_channel_consistency",
    );
    assert_eq!(mismatch["severity"], "CRITICAL");
    assert_eq!(mismatch["line"], 16);
    let msg = mismatch["message"].as_str().unwrap();
    assert!(
        msg.contains("`job_events`") && msg.contains("`job_event`") && msg.contains("alembic/"),
        "{msg}"
    );
    // The Redis channel shared through a constant is fine.
    assert!(doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["file"] != "app/orders.py" && f["file"] != "app/consumers.py"));

    // ADR-0007 covers the blocking read in exports.py: advisory, out of the score.
    let covered = finding(&doc, "app/exports.py", "runtime.blocking_io_in_async");
    assert_eq!(covered["severity"], "ADVISORY");
    assert_eq!(covered["context"]["rule"], "R1");
    assert_eq!(covered["context"]["label"], "[Planned: ADR-0007]");
    assert_eq!(doc["summary"]["advisory"], 1);

    // Startup code reading a small repository file: Rule 6 lowers it and says why.
    let startup = finding(&doc, "app/bootstrap.py", "runtime.blocking_io_in_async");
    assert_eq!(startup["original_severity"], "MEDIUM");
    assert_eq!(startup["severity"], "LOW");
    assert_eq!(startup["context"]["rule"], "R6");
    assert_eq!(
        startup["context"]["signals"],
        serde_json::json!(["S1", "S4"])
    );
    let reasons = startup["context"]["reasons"][0].as_str().unwrap();
    assert!(reasons.contains("MEDIUM → LOW"), "{reasons}");

    // Scores: advisory findings never count. Transaction has one CRITICAL: 10 - 2 = 8.0.
    let transaction = &doc["categories"][1];
    assert_eq!(transaction["score"], 8.0);
    let runtime = &doc["categories"][2];
    assert_eq!(runtime["advisory"], 1);
    assert_eq!(runtime["high"], 2);
}

#[test]
fn json_and_report_are_identical_across_runs_and_thread_counts() {
    let dir = tempfile::tempdir().unwrap();
    let mut docs = Vec::new();
    let mut reports = Vec::new();
    for (i, threads) in ["1", "2", "2"].iter().enumerate() {
        let path = dir.path().join(format!("r{i}.md"));
        let report = format!("--report={}", path.display());
        let out = run(&["--format", "json", "--threads", threads, &report]);
        assert_eq!(out.code, 1, "{}", out.stderr);
        docs.push(out.stdout.clone());
        reports.push(std::fs::read_to_string(&path).unwrap());
    }
    assert_eq!(docs[0], docs[1]);
    assert_eq!(docs[1], docs[2]);
    assert_eq!(reports[0], reports[1]);
    assert_eq!(reports[1], reports[2]);
    let md = &reports[0];
    for heading in [
        "## Persistence & Performance Audit Report - 2026-03-15",
        "### Executive Summary",
        "### Compliance Score",
        "### Severity Summary",
        "### Findings by Category",
        "### Advisory Findings",
        "### Recommended Actions (Priority-Sorted)",
        "### Sources Consulted",
    ] {
        assert!(md.contains(heading), "missing {heading}\n{md}");
    }
    assert!(
        md.contains("| MEDIUM | R1 ADR-0007 | app/exports.py:10 |"),
        "{md}"
    );
    assert!(md.contains("`init_settings` ↓ctx S1,S4"), "{md}");
    assert!(md.contains("- PostgreSQL: NOTIFY: "), "{md}");
}
