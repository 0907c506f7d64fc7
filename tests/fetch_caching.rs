//! End-to-end: the cross-function query checks on `tests/fixtures/fetch-caching`, a FastAPI
//! service on async SQLAlchemy with a SQLModel module. query.redundant_fetch joins the sqlalchemy
//! pack's F12 records over the call graph and takes its severity from the request path (F10 from
//! the fastapi pack); query.wrong_caching_scope joins python-core's F13 classes with the fastapi
//! pack's `Depends` targets.

use ppa_tests::{check_json, repo_path};

fn findings(check: &str) -> Vec<serde_json::Value> {
    let root = repo_path("tests/fixtures/fetch-caching");
    let out = check_json(&root, &["--select", check]);
    assert!(out.code == 0 || out.code == 1, "{}", out.stderr);
    let doc = out.json();
    doc["findings"].as_array().unwrap().to_vec()
}

#[test]
fn a_handler_that_passes_an_id_makes_the_callee_refetch_on_the_request_path() {
    let got = findings("query.redundant_fetch");
    assert_eq!(got.len(), 2, "{got:#?}");
    let f = got
        .iter()
        .find(|f| f["file"] == "app/orders.py")
        .expect("the re-fetch in ship");
    assert_eq!(f["file"], "app/orders.py");
    assert_eq!(f["line"], 9);
    // `ship` runs under the POST handler: the request path.
    assert_eq!(f["severity"], "HIGH");
    let msg = f["message"].as_str().unwrap();
    assert!(
        msg.starts_with(
            "`Order` re-fetched by `order_id` in `ship` (caller already holds it: `app/api.py:18`)"
        ),
        "{msg}"
    );
}

#[test]
fn sqlmodel_exec_select_is_a_fetch_by_key() {
    let got = findings("query.redundant_fetch");
    let f = got
        .iter()
        .find(|f| f["file"] == "app/heroes.py")
        .expect("the re-fetch in promote");
    // `session.exec(select(Hero).where(Hero.id == hero_id)).first()`, after the caller loaded
    // the hero through `load_hero` (a fetch function returning it); not on the request path.
    assert_eq!(f["line"], 18);
    assert_eq!(f["severity"], "MEDIUM");
    assert!(f["message"]
        .as_str()
        .unwrap()
        .starts_with("`Hero` re-fetched by `hero_id` in `promote`"));
}

#[test]
fn a_cache_in_a_depends_class_is_rebuilt_every_request() {
    let got = findings("query.wrong_caching_scope");
    assert_eq!(got.len(), 1, "{got:#?}");
    let f = &got[0];
    assert_eq!(f["file"], "app/registry.py");
    assert_eq!(f["line"], 12);
    // The cache-filling query joins: HIGH.
    assert_eq!(f["severity"], "HIGH");
    let msg = f["message"].as_str().unwrap();
    assert!(
        msg.starts_with("`EngineRegistry` caches `_cache` but is created per request (`Depends(EngineRegistry)` at app/api.py:"),
        "{msg}"
    );
}
