//! The facts the built-in packs extract from their fixtures, as JSON snapshots
//! (`packs/tests/snapshots/`): the record shapes of CHECKS.md §2 that other detectors build on.
//! Review changes with `cargo insta review`.

use ppa_engine::testing::read_fixture_projects;
use ppa_engine::EngineBuilder;
use std::path::Path;

/// The records of `facts` that the pack (and the packs it requires) extract from one fixture
/// project of `pack`, without positions of the extractor's bookkeeping (`pack`, `extractor`).
fn facts_of(pack: &str, project: &str, facts: &[&str]) -> serde_json::Value {
    let mut b = EngineBuilder::new(ppa_rules::catalog().expect("catalogue"));
    let src = ppa_packs::find(pack).expect("built-in pack");
    b.load_pack(src).expect("pack loads");
    let (engine, _) = b.build();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(pack).join("tests");
    let stacks = ppa_rules::stacks().expect("stack dictionary");
    let projects = read_fixture_projects(&dir, &format!("{pack}/tests"), &stacks);
    let p = projects
        .iter()
        .find(|p| p.name == project)
        .unwrap_or_else(|| panic!("no fixture project `{project}` in {pack}"));
    let mut records = Vec::new();
    for (label, text) in &p.fixtures {
        if let Some(lang) = ppa_engine::Language::from_path(label) {
            let r = engine.check_source_as(label, lang, text);
            let errors: Vec<_> = r
                .diagnostics
                .iter()
                .filter(|d| d.level == ppa_engine::Level::Error)
                .collect();
            assert!(errors.is_empty(), "{label}: {errors:?}");
            records.extend(r.records);
        }
    }
    let all = ppa_engine::project::Facts::from_records(records);
    let mut out = serde_json::Map::new();
    for f in facts {
        let items: Vec<serde_json::Value> = all
            .get(f)
            .iter()
            .map(|r| {
                let mut r = r.clone();
                if let Some(m) = r.as_object_mut() {
                    m.remove("pack");
                    m.remove("extractor");
                }
                r
            })
            .collect();
        out.insert(f.to_string(), items.into());
    }
    serde_json::Value::Object(out)
}

fn pretty(v: &serde_json::Value) -> String {
    serde_json::to_string_pretty(v).expect("json")
}

#[test]
fn sqlalchemy_facts() {
    let v = facts_of("sqlalchemy", "", &["models", "session_factories", "pools"]);
    insta::assert_snapshot!("sqlalchemy", pretty(&v));
}
