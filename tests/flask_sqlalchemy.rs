//! End-to-end: the SQLAlchemy query checks on `examples/flask-sqlalchemy`, a Flask bookshop on
//! sync SQLAlchemy (Flask-SQLAlchemy) with blueprints, a service layer and a Celery task. The
//! packs come from discovery (flask, sqlalchemy, py-tasks from requirements.txt); the models are
//! in another file than the queries, so the lazy-load and over-fetching findings come from the
//! join of entity-query records with F5 `models` at the end of the run; the severities depend on
//! the execution contexts (routes, the `/admin` blueprint prefix, a background task, a service
//! function called from a route).

use ppa_tests::{check_json, repo_path};

const CHECKS: &[&str] = &[
    "query.n_plus_one",
    "query.n_update_delete_loop",
    "query.missing_bulk_ops",
    "query.over_fetching",
    "runtime.blocking_io_in_async",
];

fn check(extra: &[&str]) -> serde_json::Value {
    let root = repo_path("examples/flask-sqlalchemy");
    let out = check_json(&root, extra);
    assert_eq!(out.code, 1, "findings fail the run: {}", out.stderr);
    out.json()
}

/// (check, file, line, severity, start of the message) of every query-check finding, sorted.
fn summary(doc: &serde_json::Value) -> Vec<(String, String, u64, String, String)> {
    let mut v: Vec<_> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| CHECKS.contains(&f["check"].as_str().unwrap()))
        .map(|f| {
            (
                f["check"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["severity"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn planted_defects_are_found_with_their_severities_and_safe_code_is_quiet() {
    let doc = check(&[]);
    let got = summary(&doc);
    let expected: &[(&str, &str, u64, &str, &str)] = &[
        // An admin route: one level lower than a request handler's HIGH.
        ("query.n_update_delete_loop", "app/blueprints/admin.py", 14, "MEDIUM", "`db.session.execute()` executes one UPDATE per iteration of `request.json[\"ids\"]`"),
        ("query.n_update_delete_loop", "app/services/inventory.py", 11, "HIGH", "`db.session.execute()` executes one UPDATE per iteration of `book_ids`"),
        // Not a Rule 6 check: HIGH in a background task too.
        ("query.n_update_delete_loop", "app/tasks.py", 16, "HIGH", "`db.session.execute()` executes one UPDATE per iteration of `customer_ids`"),
        ("query.missing_bulk_ops", "app/services/inventory.py", 23, "MEDIUM", "`db.session.add()` adds and flushes one object per iteration of `rows`"),
        // The model is in app/models.py: found by the project-level join.
        ("query.n_plus_one", "app/blueprints/books.py", 16, "HIGH", "lazy load of `Book.author` per row of"),
        // A route calling a service function that reads, per id (F12, joined after the run).
        (
            "query.n_plus_one",
            "app/blueprints/books.py",
            66,
            "HIGH",
            "`catalog.book_title()` queries the database (db.session.get()) per iteration of `request.json[\"ids\"]` (N+1)",
        ),
        // A service function called by a route: on the request path.
        ("query.n_plus_one", "app/services/inventory.py", 41, "HIGH", "`Book.query.get()` executed per iteration of `lines` (N+1)"),
        ("query.n_plus_one", "app/tasks.py", 13, "MEDIUM", "`db.session.scalar()` executed per iteration of `customer_ids` (N+1)"),
        ("query.over_fetching", "app/blueprints/customers.py", 14, "MEDIUM", "`db.session.scalars(select(Customer).where(Customer.marketing_opt_in…` loads all 16 columns of `Customer`; uses `email`, `name`"),
        ("runtime.blocking_io_in_async", "app/blueprints/books.py", 59, "HIGH", "blocking `db.session.scalar()` on a sync SQLAlchemy session inside async `stats`"),
    ];
    let mut want: Vec<_> = expected
        .iter()
        .map(|(c, f, l, s, m)| {
            (
                c.to_string(),
                f.to_string(),
                *l,
                s.to_string(),
                m.to_string(),
            )
        })
        .collect();
    want.sort();
    assert_eq!(got.len(), want.len(), "{got:#?}");
    for (g, w) in got.iter().zip(&want) {
        assert_eq!((&g.0, &g.1, g.2, &g.3), (&w.0, &w.1, w.2, &w.3), "{g:?}");
        assert!(g.4.starts_with(&w.4), "{} should start with {}", g.4, w.4);
    }
    for p in ["flask", "sqlalchemy", "py-tasks"] {
        assert!(
            doc["packs"].as_array().unwrap().iter().any(|x| x == p),
            "{p}: {:#}",
            doc["packs"]
        );
    }
}

#[test]
fn findings_record_their_execution_context() {
    let doc = check(&[]);
    let by_line = |file: &str, line: u64| {
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["file"] == file && f["line"] == line)
            .cloned()
            .unwrap_or_else(|| panic!("no finding at {file}:{line}"))
    };
    // The service function is hot through its route.
    let restock = by_line("app/services/inventory.py", 11);
    let exec = &restock["context"]["execution"];
    assert_eq!(exec["hot"], true, "{restock:#}");
    assert_eq!(exec["class"], "library", "{restock:#}");
    // The admin route.
    let admin = by_line("app/blueprints/admin.py", 14);
    assert_eq!(admin["context"]["execution"]["admin"], true, "{admin:#}");
    // A project detector's finding (the F12 join at the end of the run) is placed in its
    // function too, not at module level.
    let joined = by_line("app/blueprints/books.py", 66);
    let exec = &joined["context"]["execution"];
    assert_eq!(exec["class"], "http_handler", "{joined:#}");
    assert!(
        exec["function"].as_str().unwrap().ends_with(".titles"),
        "{joined:#}"
    );
    // The task.
    let task = by_line("app/tasks.py", 13);
    assert_eq!(
        task["context"]["execution"]["class"], "background",
        "{task:#}"
    );
}

#[test]
fn only_the_sqlalchemy_pack_still_finds_the_loops() {
    // Without the web-framework packs nothing is on the request path: the loop checks still
    // report, at their context-free severities.
    let doc = check(&["--pack", "sqlalchemy"]);
    let got = summary(&doc);
    assert!(
        got.iter().any(|g| g.0 == "query.n_update_delete_loop"
            && g.1 == "app/services/inventory.py"
            && g.3 == "HIGH"),
        "{got:#?}"
    );
    assert!(
        got.iter().any(|g| g.0 == "query.n_plus_one"
            && g.1 == "app/blueprints/books.py"
            && g.3 == "MEDIUM"),
        "{got:#?}"
    );
}

#[test]
fn sqlmodel_models_join_the_sqlalchemy_query_records() {
    // SQLModel's table classes come from the sqlmodel pack's extractor; the query records and
    // their join from the sqlalchemy pack it requires. A FastAPI route makes the loop hot.
    let dir = tempfile::tempdir().unwrap();
    ppa_tests::write_tree(
        dir.path(),
        &[
            ("requirements.txt", b"fastapi==0.115.0\nsqlmodel==0.0.22\n"),
            ("app/__init__.py", b""),
            ("app/models.py", MODELS.as_bytes()),
            ("app/api.py", API.as_bytes()),
        ],
    );
    let root = dir.path().to_string_lossy().into_owned();
    let out = check_json(&root, &["--select", "query.n_plus_one"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let doc = out.json();
    let got: Vec<_> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["severity"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(
        (got[0].0.as_str(), got[0].1, got[0].2.as_str()),
        ("app/api.py", 12, "HIGH")
    );
    assert!(
        got[0].3.starts_with(
            "lazy load of `Team.heroes` per row of `session.exec(select(Team)).all()`"
        ),
        "{}",
        got[0].3
    );
}

const MODELS: &str = r#"from typing import Optional
from sqlmodel import Field, Relationship, SQLModel


class Team(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str
    heroes: list["Hero"] = Relationship(back_populates="team")


class Hero(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    team_id: Optional[int] = Field(default=None, foreign_key="team.id")
    team: Optional[Team] = Relationship(back_populates="heroes")
"#;

const API: &str = r#"from fastapi import APIRouter
from sqlmodel import Session, select

from .models import Team

router = APIRouter()


@router.get("/teams")
def list_teams(session: Session):
    teams = session.exec(select(Team)).all()
    return [{"team": t.name, "heroes": len(t.heroes)} for t in teams]
"#;
