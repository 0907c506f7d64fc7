//! End-to-end: resource.pool_configuration and the resource lifecycle checks on
//! `examples/fastapi-sqlalchemy`, a FastAPI service
//! on async SQLAlchemy. The facts come from three places: the engine sites (F8, the sqlalchemy
//! pack), the listeners in another module, and discovery (F9: four gunicorn workers in the
//! Procfile, `max_connections=50` in compose, PostgreSQL from the asyncpg dependency).

use ppa_tests::{check_json, ppa, repo_path};

fn pool_findings(doc: &serde_json::Value) -> Vec<serde_json::Value> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "resource.pool_configuration")
        .cloned()
        .collect()
}

fn check(extra: &[&str]) -> serde_json::Value {
    let root = repo_path("examples/fastapi-sqlalchemy");
    let out = check_json(&root, extra);
    assert_eq!(out.code, 1, "findings fail the run: {}", out.stderr);
    out.json()
}

/// (line, column, severity, part of the message) of each pool finding, in report order.
fn summary(doc: &serde_json::Value) -> Vec<(u64, u64, String, String)> {
    let mut v: Vec<(u64, u64, String, String)> = pool_findings(doc)
        .iter()
        .map(|f| {
            assert_eq!(f["file"], "app/db.py", "{f:#}");
            let msg = f["message"].as_str().unwrap();
            assert!(
                msg.starts_with("`create_async_engine` at `app/db.py:10`: "),
                "{msg}"
            );
            (
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["severity"].as_str().unwrap().to_string(),
                msg.split(": ").nth(1).unwrap().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn the_main_engine_has_three_gaps_and_the_configured_one_none() {
    let doc = check(&[]);
    let got = summary(&doc);
    let expected = [
        // The missing listener, at the assigned name.
        (10, 1, "MEDIUM", "no pool event listener (checkout, checkin, invalidate) and no SQLAlchemy instrumentation"),
        // No pre-ping or recycling, at the constructor.
        (10, 10, "HIGH", "neither pool_pre_ping=True nor pool_recycle"),
        // Default sizes: 4 workers × (5 + 10) = 60 > 50, at the arguments.
        (10, 29, "MEDIUM", "4 web workers × (pool_size 5 + max_overflow 10) = 60 connections, above the database's max_connections=50"),
    ];
    assert_eq!(got.len(), expected.len(), "{got:#?}");
    for ((line, col, sev, msg), (el, ec, es, em)) in got.iter().zip(expected) {
        assert_eq!((*line, *col, sev.as_str()), (el, ec, es), "{msg}");
        assert!(msg.starts_with(em), "{msg} should start with {em}");
    }
    // The reporting engine is watched by app/monitoring.py and configured: nothing. The test
    // engine in tests/ is out of scope.
    let status = doc["categories"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["checks"].as_array().unwrap())
        .find(|c| c["id"] == "resource.pool_configuration")
        .unwrap();
    assert_eq!(status["status"], "failed");
    assert!(
        doc["packs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "sqlalchemy"),
        "{:#}",
        doc["packs"]
    );
}

#[test]
fn explicit_packs_still_see_the_deployment() {
    // With --pack, discovery does not choose the packs but still gives the project facts: the
    // sizing gap needs the workers and max_connections, the dialect the asyncpg dependency.
    let doc = check(&["--pack", "sqlalchemy"]);
    assert_eq!(summary(&doc), summary(&check(&[])));
}

#[test]
fn discover_shows_the_deployment() {
    let out = ppa(&["discover", &repo_path("examples/fastapi-sqlalchemy")]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("Workers:    4 (Procfile:1 web: gunicorn app.main:app"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("Databases:  postgresql 16"),
        "{}",
        out.stdout
    );
}

/// (check, file, line, severity) of every resource finding other than pool configuration.
fn lifecycle(doc: &serde_json::Value) -> Vec<(String, String, u64, String)> {
    let mut v: Vec<_> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            let c = f["check"].as_str().unwrap();
            c.starts_with("resource.") && c != "resource.pool_configuration"
        })
        .map(|f| {
            (
                f["check"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn planted_lifecycle_defects_are_found_across_modules() {
    // Providers (F7) in app/deps.py and app/db.py, aliases and handlers in app/views.py, the
    // factory in app/db.py (F6), execution classes from the fastapi and starlette packs (F10).
    let doc = check(&[]);
    let got = lifecycle(&doc);
    let expected = [
        // The provider closes after a plain `yield`; a handler injects it.
        ("resource.error_path_leak", "app/deps.py", 16, "CRITICAL"),
        // A session from app/db.py's factory, never closed, in a job.
        ("resource.missing_cleanup", "app/jobs.py", 11, "HIGH"),
        // The CRM call runs while the injected session is held.
        (
            "resource.resource_scope_mismatch",
            "app/views.py",
            24,
            "HIGH",
        ),
        // FastAPI 0.115 closes the session before the stream that uses it: HIGH, not CRITICAL.
        ("resource.factory_vs_injection", "app/views.py", 39, "HIGH"),
        // The ticker's own session, held across its loop.
        (
            "resource.streaming_resource_holding",
            "app/views.py",
            44,
            "CRITICAL",
        ),
        // The request's session handed to a background task.
        ("resource.factory_vs_injection", "app/views.py", 65, "HIGH"),
    ];
    let mut expected: Vec<_> = expected
        .iter()
        .map(|(c, f, l, s)| (c.to_string(), f.to_string(), *l, s.to_string()))
        .collect();
    expected.sort();
    assert_eq!(got, expected);
    // The clean handlers of app/main.py (the `get_session` provider with `async with`) and the
    // factory-based report stay quiet.
    assert!(
        !doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["file"] == "app/main.py"
                && f["check"].as_str().unwrap().starts_with("resource.")),
        "{:#}",
        doc["findings"]
    );
}
