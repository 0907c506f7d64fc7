//! Runs every built-in pack's fixtures through the same harness as `ppa test`, and checks that
//! every embedded pack loads through the normal loader.

use ppa_engine::testing::{run_fixtures, Expect};
use ppa_engine::EngineBuilder;
use std::path::Path;

fn fixtures(pack: &str) -> Vec<std::path::PathBuf> {
    // Anywhere under tests/, as `ppa test` reads them (a migration fixture needs its
    // directories: `tests/alembic/versions/…`).
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(pack)
        .join("tests");
    let mut files = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d)
            .unwrap_or_else(|e| panic!("{}: {e}", d.display()))
            .flatten()
        {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if ppa_engine::Language::from_path(&p.to_string_lossy()).is_some()
                || p.extension().is_some_and(|e| e == "sql")
            {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_builtin_pack_loads_and_passes_its_fixtures() {
    assert!(!ppa_packs::PACKS.is_empty());
    let mut failures = Vec::new();
    for src in ppa_packs::PACKS {
        let mut b = EngineBuilder::new(ppa_rules::catalog().expect("catalogue"));
        let pack = match b.load_pack(src) {
            Ok(p) => p,
            Err(e) => {
                let msgs: Vec<String> = e.errors.iter().map(|e| e.to_string()).collect();
                panic!(
                    "built-in pack {} does not load:\n{}",
                    src.name,
                    msgs.join("\n")
                );
            }
        };
        let (engine, mut warnings) = b.build();
        warnings.extend(engine.prepare_all());
        assert!(warnings.is_empty(), "{}: {warnings:?}", src.name);
        let files = fixtures(src.name);
        assert!(!files.is_empty(), "pack {} has no fixtures", src.name);
        let mut fired = std::collections::BTreeSet::new();
        let mut ok_checks = std::collections::BTreeSet::new();
        let inputs: Vec<(String, String)> = files
            .iter()
            .map(|path| {
                let base = Path::new(env!("CARGO_MANIFEST_DIR")).join(src.name);
                let rel = path.strip_prefix(&base).unwrap_or(path);
                let label = format!("{}/{}", src.name, rel.to_string_lossy().replace('\\', "/"));
                (label, std::fs::read_to_string(path).unwrap())
            })
            .collect();
        for ((label, text), out) in inputs.iter().zip(run_fixtures(&engine, &inputs)) {
            for f in &out.matched {
                fired.insert(f.detector.clone());
            }
            let prefix = if label.ends_with(".sql") { "--" } else { "#" };
            for a in ppa_engine::testing::parse_annotations(text, prefix) {
                if a.expect == Expect::Ok {
                    ok_checks.insert(a.check);
                }
            }
            if !out.passed() {
                failures.push(format!(
                    "{label}: missing {:?}; wrong severity {:?}; unexpected {:?}; errors {:?}",
                    out.missing,
                    out.wrong_severity
                        .iter()
                        .map(|(f, w)| (f.line, &f.check, f.severity, *w))
                        .collect::<Vec<_>>(),
                    out.unexpected
                        .iter()
                        .map(|f| (f.line, &f.check, &f.detector, &f.message))
                        .collect::<Vec<_>>(),
                    out.errors.iter().map(|d| &d.message).collect::<Vec<_>>()
                ));
            }
        }
        // Every detector is proven by at least one positive, and every check it implements by a
        // near miss that must stay quiet.
        let units = pack
            .detectors
            .iter()
            .map(|d| (d.qualified_name(), d.check.id.clone()))
            .chain(
                pack.project_detectors
                    .iter()
                    .map(|d| (d.qualified_name(), d.check.id.clone())),
            );
        for (name, check) in units {
            if !fired.contains(&name) {
                failures.push(format!("{name}: no fixture line is found by it"));
            }
            if !ok_checks.contains(&check) {
                failures.push(format!("{name}: no `ppa-ok: {check}` near miss"));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
