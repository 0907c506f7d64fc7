//! End-to-end: the §3.7 partition between the merged Python query checks, on
//! `tests/fixtures/python-partition` (async SQLAlchemy; `Job` has a large `Text` column). A
//! fetch that query.redundant_fetch reports should not run at all, so query.over_fetching on the
//! same line yields to it (`yields_to` in the catalogue); the first fetch keeps its
//! over-fetching finding.

use ppa_tests::{ppa, repo_path};

#[test]
fn a_redundant_fetch_is_not_also_an_over_fetch() {
    let root = repo_path("tests/fixtures/python-partition");
    let out = ppa(&[
        "check",
        "--root",
        &root,
        &root,
        "--no-results-log",
        "--format",
        "json",
        "--select",
        "query",
    ]);
    assert!(out.code == 0 || out.code == 1, "{}", out.stderr);
    let doc = out.json();
    let got: Vec<(String, String, u64)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["check"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let at = |line: u64| -> Vec<&str> {
        got.iter()
            .filter(|(_, file, l)| file == "app/jobs.py" && *l == line)
            .map(|(c, _, _)| c.as_str())
            .collect()
    };
    // The first fetch: the whole row leaves the function with its `Text` column.
    assert_eq!(at(13), vec!["query.over_fetching"], "{got:#?}");
    // The second fetch of the same key: one root cause, one finding.
    assert_eq!(at(15), vec!["query.redundant_fetch"], "{got:#?}");
}
