//! Runs every built-in pack's fixtures through the same harness as `ppa test`, and checks that
//! every embedded pack loads through the normal loader.

use ppa_engine::testing::{read_fixture_projects, run_project, Expect};
use ppa_engine::EngineBuilder;
use std::path::Path;

fn fixtures(pack: &str) -> Vec<std::path::PathBuf> {
    // Anywhere under tests/, as `ppa test` reads them (a migration fixture needs its
    // directories: `tests/alembic/versions/…`).
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(pack)
        .join("tests");
    // Fixtures may sit in sub-directories (framework layouts such as `app/api/x/route.ts`).
    let mut files = Vec::new();
    let mut stack = vec![dir.clone()];
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
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(src.name)
            .join("tests");
        let stacks = ppa_rules::stacks().expect("stack dictionary");
        let projects = read_fixture_projects(&dir, &format!("{}/tests", src.name), &stacks);
        assert!(!projects.is_empty(), "pack {} has no fixtures", src.name);
        let mut fired = std::collections::BTreeSet::new();
        let mut emitted = std::collections::BTreeSet::new();
        let mut ok_checks = std::collections::BTreeSet::new();
        let runs = projects.iter().flat_map(|p| {
            p.fixtures
                .iter()
                .zip(run_project(&engine, p))
                .collect::<Vec<_>>()
        });
        for ((label, text), out) in runs {
            for f in &out.matched {
                fired.insert(f.detector.clone());
            }
            for r in &out.records {
                emitted.insert(r.extractor.clone());
            }
            let prefix = if label.ends_with(".sql") {
                "--"
            } else {
                ppa_engine::Language::from_path(label).map_or("#", |l| l.comment_prefix())
            };
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
                for (line, want, got) in &out.context_mismatch {
                    failures.push(format!(
                        "{label}:{line}: context: expected {want}; got {got}"
                    ));
                }
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
        // Every extractor is proven by a record in the fixtures (those limited to migration
        // paths by `paths` cannot see fixtures under `tests/`).
        for e in pack.extractors.iter().filter(|e| e.paths.is_none()) {
            if !emitted.contains(&e.qualified_name()) {
                failures.push(format!(
                    "{}: no fixture line produces a record",
                    e.qualified_name()
                ));
            }
        }
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

/// The guards the engine reads off query patterns only skip queries that would match nothing,
/// the patterns it matches itself (`Shallow`) match exactly what their queries match, and the
/// subtrees the walk skips (opaque kinds, leaves, the marker shortcut) hold nothing to find,
/// neither for the queries nor for the analyses that pass over them as well (a function's calls
/// for its transaction spans, `descendants` of a kind the walk acts on, and the identifiers and
/// binding statements of a scope, read there only when their text holds the name asked for):
/// every fixture and example source
/// file gives the same findings, fact records and call graph with and without them, with every
/// built-in pack on.
#[test]
fn query_guards_change_no_result() {
    let build = |guards: bool| {
        let mut b = EngineBuilder::new(ppa_rules::catalog().expect("catalogue"));
        for src in ppa_packs::PACKS {
            b.load_pack(src).expect("built-in pack loads");
        }
        let b = if guards { b } else { b.without_guards() };
        b.build().0
    };
    let (with, without) = (build(true), build(false));
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for src in ppa_packs::PACKS {
        files.extend(fixtures(src.name));
    }
    let mut stack = vec![root.join("examples"), root.join("tests").join("fixtures")];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if ppa_engine::Language::from_path(&p.to_string_lossy()).is_some() {
                files.push(p);
            }
        }
    }
    files.sort();
    assert!(
        files.len() > 20,
        "too few files to compare: {}",
        files.len()
    );
    let summary = |r: &ppa_engine::FileReport| {
        let findings: Vec<String> = r
            .findings
            .iter()
            .map(|f| {
                format!(
                    "{} {}:{} {} {}",
                    f.detector, f.line, f.column, f.severity, f.message
                )
            })
            .collect();
        // The call graph too: the walk that builds it skips the same subtrees.
        (findings, format!("{:?} {:?}", r.records, r.graph))
    };
    let mut compared = 0;
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let label = path.to_string_lossy().replace('\\', "/");
        let a = summary(&with.check_source(&label, &text));
        let b = summary(&without.check_source(&label, &text));
        assert_eq!(a, b, "{label}: guards changed the result");
        compared += usize::from(!a.0.is_empty() || a.1 != "[]");
    }
    assert!(compared > 10, "only {compared} files produced anything");
}
