//! End-to-end: execution contexts (CHECKS.md §3.6) on a small multi-file service. An N-UPDATE
//! loop two calls below a FastAPI route handler is on the request path: hot, so exempt from the
//! post-filter and kept at its severity; the same loop in a Celery task under `cron/` is
//! background work, lowered by Rule 6 (S2) or covered by an ADR (Rule 1); a startup hook that a
//! pack declares (`add_event_handler("startup", …)`) gives Rule 6's S1 whatever its name.

use ppa_tests::{ppa, write_tree};

/// A team pack: the built-in N-UPDATE check, and a team variant that opts into Rule 6 and
/// states its severity per execution context.
const PACK: &str = r###"
[pack]
name = "acme-loops"
version = "0.1.0"
languages = ["python"]
description = "Loops of single-row writes (test pack)."

[[check]]
id = "acme.query.write_loop"
title = "Write Loop"
category = "query"
default_severity = "HIGH"
effort = "M"
context_rule = "write_loop"
exempt = "hot_path"
principle = "One statement per row."
recommendation = "Write the rows in one statement."
docs = "## What it does\nFlags single-row writes in loops."

[[detector]]
name = "update-in-loop"
check = "query.n_update_delete_loop"
language = "python"
query = '''
((call function: (attribute attribute: (identifier) @method) arguments: (argument_list . (identifier) @sql)) @site
  (#eq? @method "execute")
  (#in-loop? @site))
'''
report = "site"
predicate = '''
let v = assigned_value(sql);
v != () && ["UPDATE", "DELETE"].some(|w| (string_value(v) ?? "").starts_with(w))
'''
message = "UPDATE per iteration in `{fn}`"

[[detector]]
name = "write-loop"
check = "acme.query.write_loop"
language = "python"
query = '''
((call function: (attribute attribute: (identifier) @method) arguments: (argument_list . (identifier) @sql)) @site
  (#eq? @method "execute")
  (#in-loop? @site))
'''
report = "site"
predicate = '''
let v = assigned_value(sql);
v != () && ["UPDATE", "DELETE"].some(|w| (string_value(v) ?? "").starts_with(w))
'''
message = "write per iteration in `{fn}`"
severity_by_context = { request = "HIGH", background = "MEDIUM", other = "MEDIUM" }
"###;

const API: &str = r#"from fastapi import APIRouter

from app.services.reset import reset_stale

router = APIRouter(prefix="/jobs")


@router.post("/reset")
async def reset_jobs(db):
    await reset_stale(db)
"#;

const SERVICE: &str = r#"async def reset_stale(db):
    ids = await stale_ids(db)
    await mark_all(db, ids)


async def stale_ids(db):
    return await db.fetch("SELECT id FROM jobs WHERE state = 'running'")


MARK_QUEUED = "UPDATE jobs SET state = 'queued' WHERE id = $1"


async def mark_all(db, ids):
    for job_id in ids:
        await db.execute(MARK_QUEUED, job_id)
"#;

const NIGHTLY: &str = r#"from celery import shared_task


PURGE = "DELETE FROM sessions WHERE job_id = %s"


@shared_task
def nightly_cleanup(db, ids):
    for job_id in ids:
        db.execute(PURGE, job_id)
"#;

const MAIN: &str = r#"from fastapi import FastAPI

from app.api import router
from app.db import db

app = FastAPI()
app.include_router(router)


RESET_HITS = "UPDATE cache SET hits = 0 WHERE key = $1"


async def warm_cache():
    for key in await db.fetch("SELECT key FROM cache"):
        await db.execute(RESET_HITS, key)


app.add_event_handler("startup", warm_cache)
"#;

const ADR: &str = "# ADR-0001: Nightly cleanup deletes row by row\n\nStatus: Accepted\n\nppa: allow query.n_update_delete_loop app/cron/**\n";

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[
            ("acme-loops/pack.toml", PACK.as_bytes()),
            ("app/__init__.py", b""),
            ("app/api.py", API.as_bytes()),
            ("app/services/__init__.py", b""),
            ("app/services/reset.py", SERVICE.as_bytes()),
            ("app/cron/__init__.py", b""),
            ("app/cron/nightly.py", NIGHTLY.as_bytes()),
            ("app/main.py", MAIN.as_bytes()),
            ("app/db.py", b"db = None\n"),
            ("docs/adr/0001-nightly-cleanup.md", ADR.as_bytes()),
        ],
    );
    dir
}

fn check(dir: &tempfile::TempDir, packs: &[&str]) -> serde_json::Value {
    let root = dir.path().to_string_lossy().to_string();
    let pack = dir.path().join("acme-loops").to_string_lossy().to_string();
    let app = dir.path().join("app").to_string_lossy().to_string();
    let mut args = vec![
        "check",
        "--root",
        root.as_str(),
        app.as_str(),
        "--no-results-log",
        "--format",
        "json",
        "--pack",
        pack.as_str(),
    ];
    for p in packs {
        args.push("--pack");
        args.push(p);
    }
    let out = ppa(&args);
    assert!(out.code <= 1, "{}\n{}", out.stdout, out.stderr);
    let doc = out.json();
    let errors: Vec<&serde_json::Value> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["level"] == "error")
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    doc
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
fn hot_loops_keep_their_severity_background_loops_are_lowered_and_startup_hooks_give_s1() {
    let dir = project();
    let doc = check(&dir, &["fastapi", "py-tasks"]);

    // Two calls below the route handler: hot, exempt from Rule 1 and Rule 6.
    let hot = finding(&doc, "app/services/reset.py", "query.n_update_delete_loop");
    assert_eq!(hot["severity"], "HIGH");
    let exec = &hot["context"]["execution"];
    assert_eq!(exec["function"], "app.services.reset.mark_all");
    assert_eq!(exec["class"], "library");
    assert_eq!(exec["hot"], true);
    assert_eq!(
        exec["via"],
        serde_json::json!([
            "app.api.reset_jobs",
            "app.services.reset.reset_stale",
            "app.services.reset.mark_all"
        ])
    );
    let reasons = hot["context"]["reasons"].to_string();
    assert!(reasons.contains("request path"), "{reasons}");
    let hot_team = finding(&doc, "app/services/reset.py", "acme.query.write_loop");
    assert_eq!(hot_team["severity"], "HIGH", "request: HIGH, and exempt");
    assert_eq!(hot_team["context"]["rule"], serde_json::Value::Null);

    // The same loop in a Celery task under cron/: background. The ADR covers the built-in
    // check there (it is not on the request path, so Rule 1 may apply) …
    let cron = finding(&doc, "app/cron/nightly.py", "query.n_update_delete_loop");
    assert_eq!(cron["severity"], "ADVISORY");
    assert_eq!(cron["context"]["rule"], "R1");
    assert_eq!(cron["context"]["execution"]["class"], "background");
    // … and the team check is MEDIUM in background work, then lowered by Rule 6 (S2: cron/).
    let cron_team = finding(&doc, "app/cron/nightly.py", "acme.query.write_loop");
    assert_eq!(cron_team["original_severity"], "MEDIUM");
    assert_eq!(cron_team["severity"], "LOW");
    assert_eq!(cron_team["context"]["rule"], "R6");
    assert_eq!(cron_team["context"]["signals"], serde_json::json!(["S2"]));
    assert_eq!(cron_team["context"]["execution"]["background"], true);

    // A startup hook the starlette pack declares: init, so S1, though `warm_cache` is no init
    // name.
    let startup = finding(&doc, "app/main.py", "acme.query.write_loop");
    assert_eq!(startup["context"]["execution"]["class"], "init");
    assert_eq!(startup["original_severity"], "MEDIUM");
    assert_eq!(startup["severity"], "LOW");
    assert_eq!(startup["context"]["signals"], serde_json::json!(["S1"]));
    let evidence = startup["context"]["evidence"].as_str().unwrap();
    assert!(
        evidence.contains("warm_cache") && evidence.contains("startup hook"),
        "{evidence}"
    );
    // The built-in check is not hot there and no ADR names it: unchanged.
    let startup_builtin = finding(&doc, "app/main.py", "query.n_update_delete_loop");
    assert_eq!(startup_builtin["severity"], "HIGH");
}

#[test]
fn without_the_framework_packs_nothing_is_hot() {
    let dir = project();
    let doc = check(&dir, &[]);
    let jobs = finding(&doc, "app/services/reset.py", "acme.query.write_loop");
    assert_eq!(jobs["context"]["execution"]["hot"], false);
    assert_eq!(
        jobs["severity"], "MEDIUM",
        "`other` without a known handler"
    );
    // No pack declares the startup hook: `warm_cache` is library code, no S1.
    let startup = finding(&doc, "app/main.py", "acme.query.write_loop");
    assert_eq!(startup["context"]["execution"]["class"], "library");
    assert_eq!(startup["severity"], "MEDIUM");
    // No pack found a request handler, so whether code is on the request path is unknown: the
    // hot-path exemption holds everywhere and the ADR covers nothing.
    let cron = finding(&doc, "app/cron/nightly.py", "query.n_update_delete_loop");
    assert_eq!(cron["severity"], "HIGH");
    assert_eq!(cron["context"]["rule"], serde_json::Value::Null);
}
