//! Tests of the report: a realistic run built by hand (the example of CHECKS.md §6.2), check
//! status, ordering rules and determinism.

use super::*;
use crate::finding::{Confidence, Context, Position};
use crate::model::Effort;

const CATALOG: &str = r#"
[[check]]
id = "query.n_plus_one"
title = "N+1 Query"
category = "query"
default_severity = "HIGH"
effort = "M"
principle = "p"
recommendation = "r"
docs = "d"

[[check]]
id = "query.redundant_fetch"
title = "Redundant Entity Fetch"
category = "query"
default_severity = "HIGH"
effort = "S"
principle = "p"
recommendation = "r"
docs = "d"

[[check]]
id = "query.wrong_caching_scope"
title = "Wrong Caching Scope"
category = "query"
default_severity = "MEDIUM"
effort = "M"
principle = "p"
recommendation = "r"
docs = "d"

[[check]]
id = "transaction.missing_intermediate_commits"
title = "Missing Intermediate Commits"
category = "transaction"
default_severity = "HIGH"
effort = "S"
principle = "p"
recommendation = "r"
docs = "d"

[[check]]
id = "transaction.missing_rollback"
title = "Missing Rollback Handling"
category = "transaction"
default_severity = "MEDIUM"
effort = "S"
principle = "p"
recommendation = "r"
docs = "d"

[[check]]
id = "transaction.scope_too_wide"
title = "Transaction Scope Too Wide"
category = "transaction"
default_severity = "HIGH"
effort = "M"
principle = "p"
recommendation = "r"
docs = "d"

[[check]]
id = "runtime.blocking_io_in_async"
title = "Blocking IO in Async"
category = "runtime"
default_severity = "HIGH"
effort = "S"
principle = "p"
recommendation = "r"
docs = "d"

[[check]]
id = "runtime.sync_sleep_in_async"
title = "Sync Sleep in Async"
category = "runtime"
default_severity = "HIGH"
effort = "S"
principle = "p"
recommendation = "r"
docs = "d"

[[check]]
id = "resource.pool_configuration"
title = "Connection Pool Configuration Gaps"
category = "resource"
default_severity = "MEDIUM"
effort = "S"
principle = "p"
recommendation = "r"
docs = "d"
"#;

fn catalog() -> Catalog {
    let mut c = Catalog::default();
    c.add_toml("catalog.toml", CATALOG).expect("catalog parses");
    c
}

/// A finding of `check` at `file:line` with a severity; other fields plausible.
fn finding(check: &str, sev: Severity, file: &str, line: usize, message: &str) -> Finding {
    let category = Category::parse(check.split('.').next().unwrap()).unwrap();
    Finding {
        check: check.to_string(),
        category,
        severity: sev,
        file: file.to_string(),
        line,
        column: 5,
        end: Position { line, column: 30 },
        message: message.to_string(),
        recommendation: format!("Fix `{check}` here"),
        effort: Effort::S,
        pack: "sqlalchemy".to_string(),
        detector: "sqlalchemy/some-detector".to_string(),
        fingerprint: format!("{:016x}", line * 7919),
        principle: format!("{} / {}", category.title(), check),
        original_severity: sev,
        context: Context::default(),
        confidence: Confidence::High,
        advisory: false,
        symbol: String::new(),
        byte_range: (0, 0),
        pending_signals: Vec::new(),
        data_path: None,
        functions: Vec::new(),
        severity_by_context: None,
    }
}

/// The run of the CHECKS.md §6.2 example: Query 7.5, Transaction 6.3, Runtime 10.0 (one
/// advisory), Resource skipped → overall 7.9.
fn example_findings() -> Vec<Finding> {
    let mut lowered = finding(
        "query.redundant_fetch",
        Severity::Medium,
        "app/jobs/cleanup.py",
        88,
        "`User` re-fetched by `user_id` in `purge`",
    );
    lowered.original_severity = Severity::High;
    lowered.context = Context {
        rule: Some("R6".into()),
        signals: vec!["S2".into()],
        evidence: Some("directory `jobs`".into()),
        label: Some("↓ctx S2".into()),
        reasons: vec!["Rule 6: context=1 (S2), HIGH → MEDIUM".into()],
        execution: None,
    };
    let mut advisory = finding(
        "runtime.blocking_io_in_async",
        Severity::High,
        "app/bootstrap.py",
        12,
        "blocking `read_text()` inside async `bootstrap`",
    );
    advisory.advisory = true;
    advisory.context = Context {
        rule: Some("R6".into()),
        signals: vec!["S1".into(), "S3".into(), "S4".into()],
        evidence: Some("fn `bootstrap`; `timeout=5`; config.json 2 KB".into()),
        label: Some("[Context: S1,S3,S4]".into()),
        reasons: vec![],
        execution: None,
    };
    let mut planned = finding(
        "transaction.scope_too_wide",
        Severity::Medium,
        "app/payments/charge.py",
        40,
        "HTTP call `stripe.Charge.create` inside the transaction of `charge`",
    );
    planned.advisory = true;
    planned.context = Context {
        rule: Some("R1".into()),
        signals: vec![],
        evidence: Some("docs/adr/0007-payments.md:9: ppa: allow transaction.scope_too_wide".into()),
        label: Some("[Planned: ADR-0007]".into()),
        reasons: vec![],
        execution: None,
    };
    let mut big = finding(
        "transaction.missing_intermediate_commits",
        Severity::Critical,
        "app/jobs/processor.py",
        412,
        "3 writes to `jobs` (trigger `jobs_notify` → NOTIFY `job_events`) share one commit",
    );
    big.recommendation =
        "Commit at progress milestones | or per batch\nso listeners see progress".into();
    let mut rollback = finding(
        "transaction.missing_rollback",
        Severity::Low,
        "app/db.py",
        7,
        "`session.commit()` without rollback on error",
    );
    rollback.effort = Effort::M;
    vec![
        finding(
            "query.n_plus_one",
            Severity::High,
            "app/api/orders.py",
            55,
            "`order.items` loaded per order in a loop over `orders`",
        ),
        finding(
            "query.redundant_fetch",
            Severity::High,
            "app/jobs/processor.py",
            434,
            "`Job` re-fetched by `job_id` in `_process_job` (caller already holds it: app/jobs/processor.py:418)",
        ),
        lowered,
        big,
        finding(
            "transaction.scope_too_wide",
            Severity::High,
            "app/api/checkout.py",
            21,
            "HTTP call `httpx.post` inside the transaction of `checkout`",
        ),
        finding(
            "transaction.missing_rollback",
            Severity::Medium,
            "app/api/checkout.py",
            30,
            "`session.commit()` in `checkout` without rollback on error",
        ),
        rollback,
        advisory,
        planned,
    ]
}

fn example_runs() -> Vec<CheckRun> {
    let mut runs: Vec<CheckRun> = catalog()
        .iter()
        .map(|c| {
            if c.category == Category::Resource {
                CheckRun::skipped(&c.id, "no DB sessions or pools detected")
            } else {
                CheckRun::ran(&c.id, vec!["sqlalchemy".into(), "asyncio".into()])
            }
        })
        .collect();
    // A check with no findings but an undecidable item.
    if let Some(r) = runs
        .iter_mut()
        .find(|r| r.id == "query.wrong_caching_scope")
    {
        r.warnings.push("F9: no cache decorators found".into());
    }
    runs
}

fn example_packs() -> Vec<PackRef> {
    let r = |title: &str, url: &str| Reference {
        title: title.into(),
        url: url.into(),
    };
    vec![
        PackRef {
            name: "asyncio".into(),
            references: vec![r(
                "Python — Developing with asyncio",
                "https://docs.python.org/3/library/asyncio-dev.html",
            )],
        },
        PackRef {
            name: "sqlalchemy".into(),
            references: vec![
                r(
                    "SQLAlchemy — Relationship Loading Techniques",
                    "https://docs.sqlalchemy.org/en/20/orm/queryguide/relationships.html",
                ),
                r(
                    "Python asyncio (again)",
                    "https://docs.python.org/3/library/asyncio-dev.html",
                ),
            ],
        },
        PackRef {
            name: "django".into(),
            references: vec![r(
                "Django: not used here",
                "https://docs.djangoproject.com/",
            )],
        },
    ]
}

fn example_input<'a>(
    catalog: &'a Catalog,
    findings: &'a [Finding],
    runs: &'a [CheckRun],
    packs: &'a [PackRef],
) -> ReportInput<'a> {
    ReportInput {
        version: "0.1.0".into(),
        date: "2026-03-15".into(),
        commit: Some("abc1234".into()),
        files_checked: 214,
        files_skipped: 3,
        languages: vec![Language::Python],
        findings,
        suppressed: 2,
        catalog,
        check_runs: runs,
        packs,
        tech_stack_line: "postgresql 16 · sqlalchemy 2.0 · asyncio — packs: asyncio, sqlalchemy — detected, no pack: none".into(),
        tech_stack: serde_json::json!({"databases": [{"kind": "postgresql", "version": "16"}]}),
    }
}

#[test]
fn the_example_run_scores_as_in_the_spec() {
    let (cat, fs, runs) = (catalog(), example_findings(), example_runs());
    let card = Scorecard::new(&cat, &fs, &runs);
    let scores: Vec<Option<Tenths>> = card.categories.iter().map(|c| c.score).collect();
    assert_eq!(
        scores,
        vec![Some(Tenths(75)), Some(Tenths(63)), Some(Tenths(100)), None]
    );
    assert_eq!(card.overall, Some(Tenths(79)));
    assert_eq!(card.counts.summary(), "C:1 H:3 M:2 L:1");
    assert_eq!(card.advisory, 2);
    assert_eq!(card.key_finding(), "1 CRITICAL transaction");
    let q = card.category(Category::Query);
    assert_eq!(q.top_check.as_deref(), Some("Redundant Entity Fetch"));
    assert_eq!(
        card.category(Category::Resource).skipped.as_deref(),
        Some("no DB sessions or pools detected")
    );
}

#[test]
fn check_status_follows_the_first_rule_that_applies() {
    let (cat, fs, runs) = (catalog(), example_findings(), example_runs());
    let card = Scorecard::new(&cat, &fs, &runs);
    let status: Vec<(String, CheckStatus, String)> = card
        .categories
        .iter()
        .flat_map(|c| c.checks.iter())
        .map(|c| (c.id.clone(), c.status, c.details.clone()))
        .collect();
    let expect = |id: &str, st: CheckStatus, details: &str| {
        assert!(
            status
                .iter()
                .any(|(i, s, d)| i == id && *s == st && d == details),
            "{id}: expected {st:?} `{details}` in {status:#?}"
        );
    };
    expect("query.n_plus_one", CheckStatus::Failed, "1 finding (H:1)");
    expect(
        "query.redundant_fetch",
        CheckStatus::Failed,
        "2 findings (H:1 M:1)",
    );
    expect(
        "query.wrong_caching_scope",
        CheckStatus::Warning,
        "F9: no cache decorators found",
    );
    expect(
        "transaction.missing_rollback",
        CheckStatus::Failed,
        "2 findings (M:1 L:1)",
    );
    expect(
        "transaction.scope_too_wide",
        CheckStatus::Failed,
        "1 finding (H:1); 1 advisory",
    );
    expect(
        "runtime.blocking_io_in_async",
        CheckStatus::Warning,
        "1 advisory",
    );
    expect(
        "runtime.sync_sleep_in_async",
        CheckStatus::Passed,
        "no findings",
    );
    expect(
        "resource.pool_configuration",
        CheckStatus::Skipped,
        "no DB sessions or pools detected",
    );

    // Only LOW → warning; a check without a run record is skipped.
    let low = [finding(
        "runtime.sync_sleep_in_async",
        Severity::Low,
        "a.py",
        1,
        "m",
    )];
    let card = Scorecard::new(
        &cat,
        &low,
        &[CheckRun::ran("runtime.sync_sleep_in_async", vec![])],
    );
    let rt = card.category(Category::Runtime);
    assert_eq!(rt.checks[1].status, CheckStatus::Warning);
    assert_eq!(rt.checks[1].details, "1 finding (L:1)");
    assert_eq!(rt.checks[0].status, CheckStatus::Skipped);
    assert_eq!(rt.score, Some(Tenths(98)));
    assert_eq!(card.category(Category::Query).score, None);
    assert_eq!(card.overall, Some(Tenths(98)));
}

#[test]
fn the_markdown_report_matches_the_snapshot() {
    let (cat, fs, runs, packs) = (
        catalog(),
        example_findings(),
        example_runs(),
        example_packs(),
    );
    let report = Report::new(example_input(&cat, &fs, &runs, &packs));
    insta::assert_snapshot!("example_report", report.markdown());
}

#[test]
fn the_json_document_matches_the_snapshot() {
    let (cat, fs, runs, packs) = (
        catalog(),
        example_findings(),
        example_runs(),
        example_packs(),
    );
    let report = Report::new(example_input(&cat, &fs, &runs, &packs));
    let diags = [crate::Diagnostic::note(
        "app/big.py",
        "skipped: larger than 1 MiB",
    )];
    let text = serde_json::to_string_pretty(&report.run_document(&diags)).unwrap();
    insta::assert_snapshot!("example_run_document", text);
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["overall_score"], 7.9);
    assert_eq!(doc["categories"][3]["score"], serde_json::Value::Null);
    assert_eq!(doc["summary"]["advisory"], 2);
    assert_eq!(doc["summary"]["total_high"], 3);
}

#[test]
fn equal_input_gives_byte_identical_output_whatever_the_finding_order() {
    let (cat, runs, packs) = (catalog(), example_runs(), example_packs());
    let fs = example_findings();
    let mut reversed = fs.clone();
    reversed.reverse();
    let a = Report::new(example_input(&cat, &fs, &runs, &packs));
    let b = Report::new(example_input(&cat, &reversed, &runs, &packs));
    assert_eq!(a.markdown(), b.markdown());
    let ja = serde_json::to_string(&a.run_document(&[])).unwrap();
    let jb = serde_json::to_string(&b.run_document(&[])).unwrap();
    assert_eq!(ja, jb);
}

#[test]
fn a_clean_run_and_a_run_where_nothing_ran_read_well() {
    let cat = catalog();
    let runs: Vec<CheckRun> = cat.iter().map(|c| CheckRun::ran(&c.id, vec![])).collect();
    let input = ReportInput {
        date: "2026-03-15".into(),
        files_checked: 1,
        languages: vec![Language::Python, Language::Tsx, Language::TypeScript],
        check_runs: &runs,
        tech_stack_line: "asyncio".into(),
        ..ReportInput::empty(&cat)
    };
    let md = Report::new(input).markdown();
    assert!(md.contains(
        "### Executive Summary\nOverall score 10.0/10 (no issues) across 1 file in Python and TypeScript. No findings. No action required.\n"
    ), "{md}");
    assert!(md.contains("| Query Efficiency | 10.0/10 | clean |"));
    assert!(md.contains("#### 1. Query Efficiency\nNo findings.\n"));
    assert!(md.contains("### Advisory Findings\nNo advisory findings.\n"));
    assert!(md.contains("### Recommended Actions (Priority-Sorted)\nNo action required.\n"));
    assert!(md.ends_with("### Sources Consulted\n- Tech stack: asyncio\n"));

    let nothing = ReportInput {
        date: "2026-03-15".into(),
        ..ReportInput::empty(&cat)
    };
    let report = Report::new(nothing);
    assert_eq!(report.scorecard().overall, None);
    assert!(report.log_row("ln-650").is_none());
    let md = report.markdown();
    assert!(md.contains("Overall score N/A (not scored) across 0 files in no supported language."));
    assert!(md.contains("| **Overall** | **N/A** | |"));
    assert!(md.contains("| Runtime Performance | N/A | skipped: no enabled pack implements it |"));
    assert!(md.contains("#### 3. Runtime Performance\nSkipped: no enabled pack implements it.\n"));
}

#[test]
fn recommended_actions_sort_quick_wins_first_and_stop_at_fifty() {
    let cat = catalog();
    let runs: Vec<CheckRun> = cat.iter().map(|c| CheckRun::ran(&c.id, vec![])).collect();
    let mut fs = Vec::new();
    for i in 0..53 {
        let mut f = finding(
            "runtime.sync_sleep_in_async",
            Severity::Low,
            "app/z.py",
            i + 1,
            &format!("low {i}"),
        );
        f.effort = if i % 2 == 0 { Effort::L } else { Effort::S };
        fs.push(f);
    }
    let mut m = finding(
        "query.n_plus_one",
        Severity::High,
        "app/b.py",
        9,
        "high, effort M",
    );
    m.effort = Effort::M;
    fs.push(m);
    fs.push(finding(
        "runtime.sync_sleep_in_async",
        Severity::High,
        "app/a.py",
        3,
        "high, effort S, runtime",
    ));
    fs.push(finding(
        "query.n_plus_one",
        Severity::High,
        "app/c.py",
        1,
        "high, effort S, query",
    ));
    let input = ReportInput {
        date: "2026-03-15".into(),
        findings: &fs,
        check_runs: &runs,
        ..ReportInput::empty(&cat)
    };
    let report = Report::new(input);
    let md = report.markdown();
    let section = md
        .split("### Recommended Actions (Priority-Sorted)\n")
        .nth(1)
        .unwrap()
        .split("\n### ")
        .next()
        .unwrap();
    let rows: Vec<&str> = section.lines().filter(|l| l.starts_with("| ")).collect();
    assert_eq!(rows.len(), 51, "header + 50 rows:\n{section}");
    assert!(rows[1].contains("high, effort S, query"), "{}", rows[1]);
    assert!(rows[2].contains("high, effort S, runtime"));
    assert!(rows[3].contains("high, effort M"));
    // LOW rows: effort S before L.
    assert!(rows[4].contains("| S |"));
    assert!(section.contains("\n\n… and 6 more (see Findings by Category).\n"));
    assert!(md.contains("Top priority: high, effort S, query at app/c.py:1."));
    // The worst category is named in the summary.
    assert!(md.contains("56 findings (C:0 H:3 M:0 L:53), most in Runtime Performance (0.0/10)."));
}

#[test]
fn top_check_ties_go_to_the_first_in_catalogue_order() {
    let cat = catalog();
    let runs: Vec<CheckRun> = cat.iter().map(|c| CheckRun::ran(&c.id, vec![])).collect();
    let fs = [
        finding("query.wrong_caching_scope", Severity::High, "a.py", 1, "m"),
        finding("query.n_plus_one", Severity::High, "b.py", 1, "m"),
    ];
    let card = Scorecard::new(&cat, &fs, &runs);
    assert_eq!(
        card.category(Category::Query).top_check.as_deref(),
        Some("N+1 Query")
    );
    // Key finding: most findings of the highest severity, category order on ties.
    let fs = [
        finding(
            "runtime.sync_sleep_in_async",
            Severity::High,
            "a.py",
            1,
            "m",
        ),
        finding(
            "runtime.sync_sleep_in_async",
            Severity::High,
            "a.py",
            2,
            "m",
        ),
        finding("query.n_plus_one", Severity::High, "b.py", 1, "m"),
        finding("query.n_plus_one", Severity::Low, "b.py", 2, "m"),
    ];
    assert_eq!(
        Scorecard::new(&cat, &fs, &runs).key_finding(),
        "2 HIGH runtime"
    );
    assert_eq!(Scorecard::new(&cat, &[], &runs).key_finding(), "clean");
}

#[test]
fn dates_come_from_unix_seconds_in_utc() {
    assert_eq!(date_from_unix(0), "1970-01-01");
    assert_eq!(date_from_unix(1_773_532_800), "2026-03-15");
    assert_eq!(date_from_unix(1_773_532_800 + 86_399), "2026-03-15");
    assert_eq!(date_from_unix(951_782_400), "2000-02-29");
    assert_eq!(date_from_unix(-1), "1969-12-31");
}

#[test]
fn languages_are_listed_in_prose() {
    assert_eq!(language_list(&[], "and"), "");
    assert_eq!(language_list(&[Language::Go], "and"), "Go");
    assert_eq!(
        language_list(&[Language::Tsx, Language::Go, Language::Python], "or"),
        "Python, Go or TypeScript"
    );
}
