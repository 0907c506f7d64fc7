//! End-to-end: `ppa check --report` on the example project: the Markdown report, the results
//! log and its trend, the JSON run document, determinism, and a results log ppa cannot read.

use ppa_tests::{ppa, repo, repo_path, Output};
use std::path::Path;
use std::sync::Once;

/// 2026-03-15 00:00:00 UTC.
const EPOCH: &str = "1773532800";
const DATE: &str = "2026-03-15";
const LOG: &str = "docs/project/.audit/results_log.md";

/// Pins the report date for every test of this binary. `Once` makes the other tests wait until
/// the variable is set, so no test reads the environment while it changes.
fn pin_date() {
    static PIN: Once = Once::new();
    PIN.call_once(|| std::env::set_var("SOURCE_DATE_EPOCH", EPOCH));
}

/// A copy of the example project in a temporary directory, so that the results log is written
/// there and not into the repository.
fn example_copy() -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("mkdir");
        for entry in std::fs::read_dir(from).expect("read_dir") {
            let entry = entry.expect("entry");
            let target = to.join(entry.file_name());
            if entry.file_type().expect("type").is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), &target).expect("copy");
            }
        }
    }
    let dir = tempfile::tempdir().expect("tempdir");
    copy(&repo().join("examples/async-shop"), dir.path());
    dir
}

fn check(root: &Path, extra: &[&str]) -> Output {
    pin_date();
    let root = root.to_string_lossy().into_owned();
    let mut args = vec!["check", "--root", &root, &root];
    args.extend_from_slice(extra);
    ppa(&args)
}

/// The data rows of a results log.
fn rows(log: &str) -> Vec<Vec<String>> {
    log.lines()
        .filter(|l| l.starts_with("| 2"))
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect()
}

#[test]
fn the_report_has_every_section_and_is_identical_across_runs_and_threads() {
    let out_dir = tempfile::tempdir().expect("tempdir");
    let example = repo().join("examples/async-shop");
    let r1 = out_dir.path().join("r1.md");
    let r2 = out_dir.path().join("r2.md");
    let one = check(
        &example,
        &[
            &format!("--report={}", r1.display()),
            "--no-results-log",
            "--threads",
            "1",
            "--format",
            "json",
        ],
    );
    let two = check(
        &example,
        &[
            &format!("--report={}", r2.display()),
            "--no-results-log",
            "--threads",
            "2",
            "--format",
            "json",
        ],
    );
    assert_eq!(one.code, 1, "findings exit with 1\n{}", one.stderr);
    let md = std::fs::read_to_string(&r1).expect("report written");
    assert_eq!(md, std::fs::read_to_string(&r2).expect("second report"));
    assert_eq!(one.stdout, two.stdout, "JSON differs across thread counts");

    // Headings in the fixed order.
    let headings = [
        format!("## Persistence & Performance Audit Report - {DATE}\n"),
        "\n### Executive Summary\nOverall score ".to_string(),
        "\n### Compliance Score\n| Category | Score | Notes |\n".to_string(),
        "\n### Severity Summary\n| Severity | Count |\n".to_string(),
        "\nAdvisory: 0 (excluded from scores) · Suppressed: ".to_string(),
        "\n### Findings by Category\n#### 1. Query Efficiency\n".to_string(),
        "\n#### 2. Transaction Correctness\n".to_string(),
        "\n#### 3. Runtime Performance\n| Severity | Location | Issue | Recommendation | Effort |\n"
            .to_string(),
        "\n#### 4. Resource Lifecycle\n".to_string(),
        "\n### Advisory Findings\n".to_string(),
        "\n### Recommended Actions (Priority-Sorted)\n| Priority | Category | Location |".to_string(),
        "\n### Sources Consulted\n- ".to_string(),
        "\n- Tech stack: ".to_string(),
    ];
    let mut at = 0;
    for h in &headings {
        let found = md[at..]
            .find(h.as_str())
            .unwrap_or_else(|| panic!("missing or out of order: {h:?}\n{md}"));
        at += found + h.len();
    }
    assert!(md.starts_with(&headings[0]));
    assert!(md.contains("| HIGH | app/api.py:53 | `time.sleep(0.5)` blocks the event loop"));
    assert!(md.contains("| **Overall** | **"));

    // The JSON run document agrees with the report.
    let doc = one.json();
    assert_eq!(doc["tool"], "ppa");
    assert_eq!(doc["date"], DATE);
    let score = doc["overall_score"].as_f64().expect("overall score");
    assert!(
        md.contains(&format!("Overall score {score:.1}/10 (")),
        "{score}\n{md}"
    );
    let cats = doc["categories"].as_array().expect("categories");
    let ids: Vec<&str> = cats.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["query", "transaction", "runtime", "resource"]);
    let runtime = &cats[2];
    // Overall is the mean of the scored categories, rounded half up to one decimal (in tenths).
    let tenths: Vec<i64> = cats
        .iter()
        .filter_map(|c| c["score"].as_f64())
        .map(|s| (s * 10.0).round() as i64)
        .collect();
    let n = tenths.len() as i64;
    let sum: i64 = tenths.iter().sum();
    assert_eq!(((2 * sum + n) / (2 * n)) as f64 / 10.0, score);
    assert!(runtime["score"].as_f64().unwrap() < 10.0);
    assert!(runtime["checks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["id"] == "runtime.sync_sleep_in_async" && c["status"] == "failed"));
    // The shop has no query defect: the query checks the enabled packs implement pass
    // (python-core's query.wrong_caching_scope among them), the others are skipped.
    assert_eq!(cats[0]["score"], 10.0);
    let query_checks = cats[0]["checks"].as_array().unwrap();
    assert!(query_checks
        .iter()
        .all(|c| c["status"] == "skipped" || c["status"] == "passed"));
    assert!(query_checks
        .iter()
        .any(|c| c["id"] == "query.wrong_caching_scope" && c["status"] == "passed"));
    for key in [
        "total_critical",
        "total_high",
        "total_medium",
        "total_low",
        "advisory",
        "suppressed",
        "files_checked",
        "files_skipped",
    ] {
        assert!(doc["summary"].get(key).is_some(), "summary lacks {key}");
    }
    for key in [
        "version",
        "commit",
        "tech_stack",
        "packs",
        "findings",
        "diagnostics",
    ] {
        assert!(doc.get(key).is_some(), "document lacks {key}");
    }

    // A bare word after --report is its path.
    let r3 = out_dir.path().join("r3.md");
    let r3s = r3.to_string_lossy().into_owned();
    let three = check(&example, &["--report", &r3s, "--no-results-log"]);
    assert_eq!(three.code, 1, "{}", three.stderr);
    assert_eq!(std::fs::read_to_string(&r3).expect("r3 written"), md);
    assert!(three.stdout.contains("\nscore "), "{}", three.stdout);
    assert!(
        !example.join("docs").exists(),
        "--no-results-log wrote into the repository"
    );
}

#[test]
fn each_run_appends_a_row_with_its_delta() {
    let dir = example_copy();
    let root = dir.path();
    let first = check(root, &["--report"]);
    assert_eq!(first.code, 1, "{}", first.stderr);
    let report = std::fs::read_to_string(root.join("docs/project/persistence_audit.md"))
        .expect("default report path");
    assert!(report.starts_with(&format!(
        "## Persistence & Performance Audit Report - {DATE}\n"
    )));
    let log = std::fs::read_to_string(root.join(LOG)).expect("results log created");
    assert!(log.starts_with(
        "# Audit Results Log\n\n| Date | Skill | Metric | Scale | Score | Status | Delta | Key Finding | Commit |\n|------|"
    ));
    let r = rows(&log);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0][..4], [DATE, "ln-650", "overall_score", "0-10"]);
    assert_eq!(r[0][5..7], ["baseline", "N/A"]);
    assert!(r[0][7].ends_with(" runtime"), "{:?}", r[0]);
    let first_score = r[0][4].clone();
    let commit = &r[0][8];
    assert!(
        commit == "-" || commit.bytes().all(|b| b.is_ascii_hexdigit()),
        "{commit}"
    );

    // Same tree: stable, 0.0.
    check(root, &["--report"]);
    let r = rows(&std::fs::read_to_string(root.join(LOG)).unwrap());
    assert_eq!(r.len(), 2);
    assert_eq!(r[1][4], first_score);
    assert_eq!(r[1][5..7], ["stable", "0.0"]);

    // Fewer checks, fewer findings: the score rises and the delta says by how much.
    check(
        root,
        &["--report", "--select", "runtime.sync_sleep_in_async"],
    );
    let log = std::fs::read_to_string(root.join(LOG)).unwrap();
    let r = rows(&log);
    assert_eq!(r.len(), 3);
    let (a, b) = (tenths(&first_score), tenths(&r[2][4]));
    assert!(b > a, "{log}");
    assert_eq!(r[2][6], format!("+{}.{}", (b - a) / 10, (b - a) % 10));
    assert_eq!(r[2][5], if b - a > 3 { "improving" } else { "stable" });

    // --no-results-log: the report is written, the log is not touched.
    check(root, &["--report", "--no-results-log"]);
    assert_eq!(std::fs::read_to_string(root.join(LOG)).unwrap(), log);
}

fn tenths(s: &str) -> i64 {
    let (i, f) = s.split_once('.').expect("one decimal");
    i.parse::<i64>().unwrap() * 10 + f.parse::<i64>().unwrap()
}

#[test]
fn an_unparsable_results_log_is_reported_and_left_untouched() {
    let dir = example_copy();
    let root = dir.path();
    let log = root.join(LOG);
    std::fs::create_dir_all(log.parent().unwrap()).unwrap();
    let original = b"# Our log\n\n| When | Who | Result |\n|---|---|---|\n| monday | ci | ok |\n";
    std::fs::write(&log, original).unwrap();
    let out = check(root, &["--report", "--format", "json"]);
    assert_eq!(
        out.code, 1,
        "findings still decide the exit code\n{}",
        out.stderr
    );
    assert_eq!(std::fs::read(&log).unwrap(), original);
    let doc = out.json();
    let diag = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["file"] == LOG)
        .unwrap_or_else(|| panic!("no diagnostic for the log: {}", doc["diagnostics"]));
    assert_eq!(diag["level"], "warning");
    let msg = diag["message"].as_str().unwrap();
    assert!(
        msg.contains("left untouched") && msg.contains("`Skill`"),
        "{msg}"
    );
    // The report itself is still written.
    assert!(root.join("docs/project/persistence_audit.md").is_file());
}

#[test]
fn a_source_file_after_report_is_not_overwritten() {
    pin_date();
    let dir = example_copy();
    let root = dir.path();
    let api = root.join("app/api.py");
    let before = std::fs::read(&api).unwrap();
    let out = check(root, &["--report", &api.to_string_lossy()]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("refusing to overwrite"),
        "{}",
        out.stderr
    );
    assert_eq!(std::fs::read(&api).unwrap(), before);
    assert!(!root.join(LOG).exists());
}

#[test]
fn source_date_epoch_pins_the_date_of_the_json_document() {
    pin_date();
    let root = repo_path("examples/async-shop");
    let ok = ppa(&["check", "--root", &root, &root, "--format", "json"]);
    assert_eq!(ok.json()["date"], DATE);
}
