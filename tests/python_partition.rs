//! End-to-end: the §3.7 partition between the merged Python checks (`yields_to` in the
//! catalogue), on `tests/fixtures/python-partition` (SQLAlchemy; `Job` has a large `Text`
//! column; the asyncio pack). A fetch that query.redundant_fetch reports should not run at all,
//! so query.over_fetching on the same line yields to it, while the first fetch keeps its
//! over-fetching finding; `json.loads(path.read_text())` in async code is one offload, reported
//! by runtime.missing_to_thread only.

use ppa_tests::{check_json, repo_path};

fn findings(select: &str) -> Vec<(String, String, u64)> {
    let root = repo_path("tests/fixtures/python-partition");
    let out = check_json(&root, &["--select", select]);
    assert!(out.code == 0 || out.code == 1, "{}", out.stderr);
    let doc = out.json();
    doc["findings"]
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
        .collect()
}

fn at<'a>(got: &'a [(String, String, u64)], path: &str, line: u64) -> Vec<&'a str> {
    got.iter()
        .filter(|(_, file, l)| file == path && *l == line)
        .map(|(c, _, _)| c.as_str())
        .collect()
}

#[test]
fn a_redundant_fetch_is_not_also_an_over_fetch() {
    let got = findings("query");
    // The first fetch: the whole row leaves the function with its `Text` column.
    assert_eq!(
        at(&got, "app/jobs.py", 13),
        vec!["query.over_fetching"],
        "{got:#?}"
    );
    // The second fetch of the same key: one root cause, one finding.
    assert_eq!(
        at(&got, "app/jobs.py", 15),
        vec!["query.redundant_fetch"],
        "{got:#?}"
    );
    // A get-or-create per iteration: an INSERT per iteration, the bulk check's.
    assert_eq!(
        at(&got, "app/tags.py", 27),
        vec!["query.missing_bulk_ops"],
        "{got:#?}"
    );
}

#[test]
fn parsing_a_file_read_in_async_code_is_one_offload() {
    let got = findings("runtime");
    assert_eq!(
        at(&got, "app/tags.py", 33),
        vec!["runtime.missing_to_thread"],
        "{got:#?}"
    );
}
