//! Keeps the published pack documentation in step with the code:
//!
//! - `docs/pack.schema.json` must equal [`ppa_engine::pack_schema`] (the schema is generated from
//!   the loader's serde types, so a new or renamed pack key changes it);
//! - every host function predicates can call ([`ppa_engine::script::HOST_FUNCTIONS`]) must be
//!   documented, by its exact signature text, in `docs/pack-format.md`;
//! - the predicate limits quoted in `docs/pack-format.md` must be the real ones.
//!
//! Run with `PPA_UPDATE=1` to rewrite `docs/pack.schema.json` instead of failing.

use ppa_engine::script;
use std::path::PathBuf;

fn docs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("docs")
}

fn read(name: &str) -> String {
    let path = docs_dir().join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
        .replace("\r\n", "\n")
}

fn update_requested() -> bool {
    std::env::var_os("PPA_UPDATE").is_some_and(|v| v == "1")
}

#[test]
fn pack_schema_is_current() {
    let path = docs_dir().join("pack.schema.json");
    let expected = ppa_engine::pack_schema();
    if update_requested() {
        std::fs::write(&path, &expected)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        return;
    }
    let actual = std::fs::read_to_string(&path)
        .unwrap_or_default()
        .replace("\r\n", "\n");
    if actual == expected {
        return;
    }
    let first_difference = actual
        .lines()
        .zip(expected.lines())
        .position(|(a, e)| a != e)
        .unwrap_or_else(|| actual.lines().count().min(expected.lines().count()));
    panic!(
        "docs/pack.schema.json is out of date with ppa_engine::pack_schema() (first difference at \
         line {}: file has {:?}, code generates {:?}).\n\
         The pack file types in engine/src/pack/raw.rs (or the types they use) changed. Regenerate \
         the file with:\n\n    PPA_UPDATE=1 cargo test -p ppa-engine --test docs\n\n\
         then document the changed keys in docs/pack-format.md.",
        first_difference + 1,
        actual
            .lines()
            .nth(first_difference)
            .unwrap_or("<end of file>"),
        expected
            .lines()
            .nth(first_difference)
            .unwrap_or("<end of file>"),
    );
}

#[test]
fn every_host_function_is_documented() {
    let doc = read("pack-format.md");
    let missing: Vec<String> = script::HOST_FUNCTIONS
        .iter()
        .filter(|(signature, _)| !doc.contains(signature))
        .map(|(signature, description)| format!("| `{signature}` | {description} |"))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/pack-format.md does not document these host functions of \
         engine/src/script/host.rs (HOST_FUNCTIONS). Add a row for each to the host API table \
         (section \"The host API\"), with the signature text exactly as below:\n\n{}\n",
        missing.join("\n")
    );
}

/// `200000` -> `200,000`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[test]
fn predicate_limits_are_documented() {
    let doc = read("pack-format.md");
    let limits = [
        ("MAX_OPERATIONS", thousands(script::MAX_OPERATIONS)),
        ("MAX_CALL_LEVELS", thousands(script::MAX_CALL_LEVELS as u64)),
        ("MAX_EXPR_DEPTH", thousands(script::MAX_EXPR_DEPTH as u64)),
        (
            "MAX_FN_EXPR_DEPTH",
            thousands(script::MAX_FN_EXPR_DEPTH as u64),
        ),
        ("MAX_STRING_SIZE", thousands(script::MAX_STRING_SIZE as u64)),
        ("MAX_ARRAY_SIZE", thousands(script::MAX_ARRAY_SIZE as u64)),
        ("MAX_MAP_SIZE", thousands(script::MAX_MAP_SIZE as u64)),
    ];
    let project = doc
        .split("### 20.2 `[[project_detector]]`")
        .nth(1)
        .expect("docs/pack-format.md has a project detector section");
    for (name, value) in [
        ("MAX_PROJECT_OPERATIONS", script::MAX_PROJECT_OPERATIONS),
        (
            "MAX_PROJECT_ARRAY_SIZE",
            script::MAX_PROJECT_ARRAY_SIZE as u64,
        ),
        ("MAX_PROJECT_MAP_SIZE", script::MAX_PROJECT_MAP_SIZE as u64),
        (
            "MAX_PROJECT_STRING_SIZE",
            script::MAX_PROJECT_STRING_SIZE as u64,
        ),
    ] {
        assert!(
            project.contains(&thousands(value)),
            "section 20.2 of docs/pack-format.md does not show {name} = {}",
            thousands(value)
        );
    }
    let section = doc
        .split("### 10.4 Limits")
        .nth(1)
        .and_then(|rest| rest.split("\n### ").next())
        .expect("docs/pack-format.md has a \"### 10.4 Limits\" section");
    let missing: Vec<String> = limits
        .iter()
        .filter(|(_, value)| !section.contains(value.as_str()))
        .map(|(name, value)| format!("{name} = {value}"))
        .collect();
    assert!(
        missing.is_empty(),
        "the limits table of docs/pack-format.md (section \"10.4 Limits\") does not show these \
         values of engine/src/script/mod.rs: {}. Update the table to the current values.",
        missing.join(", ")
    );
}
