//! End-to-end: the CLI on the example project, bad input of every kind, exit codes, determinism.

use ppa_tests::{ppa, repo_path, write_tree};

fn findings(doc: &serde_json::Value) -> Vec<(String, u64, String, String)> {
    doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["check"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn example_project_finds_the_defects_and_nothing_in_safe_files() {
    let root = repo_path("examples/async-shop");
    let out = ppa(&["check", "--root", &root, &root, "--format", "json"]);
    assert_eq!(out.code, 1, "findings exit with 1\n{}", out.stderr);
    let doc = out.json();
    let got = findings(&doc);
    let expect = |file: &str, line: u64, check: &str, sev: &str| {
        assert!(
            got.iter()
                .any(|g| g.0 == file && g.1 == line && g.2 == check && g.3 == sev),
            "expected {file}:{line} {check} {sev}; got {got:#?}"
        );
    };
    expect("app/api.py", 22, "runtime.missing_to_thread", "HIGH");
    // `timeout=10` bounds the blocking call: Rule 6 (S3) lowers it one level, and says so.
    expect("app/api.py", 30, "runtime.blocking_io_in_async", "MEDIUM");
    let lowered = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["line"] == 30)
        .unwrap();
    assert_eq!(lowered["original_severity"], "HIGH");
    assert_eq!(lowered["context"]["rule"], "R6");
    assert_eq!(lowered["context"]["signals"][0], "S3");
    expect("app/api.py", 38, "runtime.blocking_io_in_async", "HIGH");
    expect("app/api.py", 46, "runtime.missing_to_thread", "MEDIUM");
    expect("app/api.py", 53, "runtime.sync_sleep_in_async", "HIGH");
    expect(
        "app/notifications.py",
        11,
        "runtime.blocking_io_in_async",
        "MEDIUM",
    );
    expect(
        "app/notifications.py",
        21,
        "runtime.sync_sleep_in_async",
        "MEDIUM",
    );
    for g in &got {
        assert!(!g.0.starts_with("app/safe_"), "safe file reported: {g:?}");
        assert!(
            !g.0.starts_with("tests/"),
            "test code is out of scope: {g:?}"
        );
        assert!(
            !g.0.starts_with("scripts/"),
            "a script's sleep is not reported: {g:?}"
        );
    }
    // Every finding carries the stable fields.
    for f in doc["findings"].as_array().unwrap() {
        for key in [
            "check",
            "category",
            "severity",
            "file",
            "line",
            "column",
            "end",
            "message",
            "recommendation",
            "effort",
            "pack",
            "detector",
            "fingerprint",
        ] {
            assert!(f.get(key).is_some(), "finding lacks `{key}`: {f}");
        }
        assert_eq!(f["fingerprint"].as_str().unwrap().len(), 16);
    }
}

#[test]
fn output_is_identical_across_runs_and_thread_counts() {
    let root = repo_path("examples/async-shop");
    let one = ppa(&[
        "check",
        "--root",
        &root,
        &root,
        "--format",
        "json",
        "--threads",
        "1",
    ]);
    let two = ppa(&[
        "check",
        "--root",
        &root,
        &root,
        "--format",
        "json",
        "--threads",
        "2",
    ]);
    let again = ppa(&[
        "check",
        "--root",
        &root,
        &root,
        "--format",
        "json",
        "--threads",
        "2",
    ]);
    assert_eq!(one.stdout, two.stdout);
    assert_eq!(two.stdout, again.stdout);
    let text1 = ppa(&[
        "check",
        "--root",
        &root,
        &root,
        "--threads",
        "1",
        "--color",
        "never",
    ]);
    let text2 = ppa(&[
        "check",
        "--root",
        &root,
        &root,
        "--threads",
        "2",
        "--color",
        "never",
    ]);
    assert_eq!(text1.stdout, text2.stdout);
}

#[test]
fn fail_on_and_select_control_the_exit_code() {
    let root = repo_path("examples/async-shop");
    let high = ppa(&[
        "check",
        "--root",
        &root,
        &root,
        "--fail-on",
        "critical",
        "--format",
        "json",
    ]);
    assert_eq!(high.code, 0, "no CRITICAL finding in the example");
    let never = ppa(&["check", "--root", &root, &root, "--fail-on", "never"]);
    assert_eq!(never.code, 0);
    let only = ppa(&[
        "check",
        "--root",
        &root,
        &root,
        "--select",
        "runtime.sync_sleep_in_async",
        "--format",
        "json",
    ]);
    assert_eq!(only.code, 1);
    assert!(findings(&only.json())
        .iter()
        .all(|f| f.2 == "runtime.sync_sleep_in_async"));
    let none = ppa(&[
        "check", "--root", &root, &root, "--ignore", "runtime", "--format", "json",
    ]);
    assert_eq!(none.code, 0);
    assert!(findings(&none.json()).is_empty());
}

#[test]
fn usage_errors_exit_with_2_and_say_what_to_do() {
    let out = ppa(&["check", "--pack", "no-such-pack", "."]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("unknown pack `no-such-pack`"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("built-in packs"), "{}", out.stderr);
    let out = ppa(&["check", "--select", "runtime.nope", "."]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("unknown check or category"),
        "{}",
        out.stderr
    );
    let out = ppa(&["check", "/no/such/dir/anywhere"]);
    assert_eq!(out.code, 2);
    let out = ppa(&["frobnicate"]);
    assert_eq!(out.code, 2);
    let out = ppa(&["rule", "runtime.sync_sleep"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("did you mean"), "{}", out.stderr);
}

#[test]
fn help_documents_exit_codes() {
    let out = ppa(&["check", "--help"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("Exit codes"), "{}", out.stdout);
    assert!(out.stdout.contains("--fail-on"));
}

#[test]
fn rule_prints_the_docs() {
    let out = ppa(&["rule", "runtime.blocking_io_in_async"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("## What it does"));
    assert!(out.stdout.contains("asyncio/blocking-network"));
    let list = ppa(&["rule", "--list"]);
    assert_eq!(list.stdout.lines().count(), 25);
}

#[test]
fn bad_files_are_skipped_with_a_note_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let big = format!(
        "# Code generated by a tool.\n{}",
        "x = 1\n".repeat(10 * 1024 * 1024 / 6)
    );
    write_tree(
        dir.path(),
        &[
            ("app/blob.py", b"\x00\x01\x02binary\x00"),
            ("app/latin1.py", b"name = '\xe9t\xe9'\n"),
            ("app/huge_generated.py", big.as_bytes()),
            ("app/marked.py", b"# @generated by protoc\nimport time\nasync def f():\n    time.sleep(1)\n"),
            ("app/broken.py", b"import time\nasync def f(:\n    time.sleep(1)\n\nasync def g():\n    time.sleep(2)\n"),
            ("app/real.py", b"import time\n\nasync def poll():\n    time.sleep(1)\n"),
            // An unclosed bracket: `ERROR` nodes with children, which the walk enters.
            ("app/unclosed.py", b"import time\nasync def h(:\n    x = (a.b,\n"),
            // An async framework in the manifest: discovery enables the asyncio pack.
            ("requirements.txt", b"anyio>=4\n"),
        ],
    );
    let root = dir.path().to_string_lossy().to_string();
    let out = ppa(&["check", "--root", &root, &root, "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let doc = out.json();
    let got = findings(&doc);
    assert!(
        got.iter().any(|f| f.0 == "app/real.py" && f.1 == 4),
        "{got:?}"
    );
    assert!(
        got.iter().any(|f| f.0 == "app/broken.py" && f.1 == 6),
        "intact function still checked: {got:?}"
    );
    assert!(
        !got.iter().any(|f| f.0 == "app/broken.py" && f.1 == 3),
        "broken function dropped: {got:?}"
    );
    let diags = doc["diagnostics"].as_array().unwrap();
    let note_for = |file: &str, needle: &str| {
        assert!(
            diags
                .iter()
                .any(|d| d["file"] == file && d["message"].as_str().unwrap().contains(needle)),
            "no note for {file} containing {needle:?}: {diags:#?}"
        );
    };
    note_for("app/blob.py", "binary");
    note_for("app/latin1.py", "UTF-8");
    note_for("app/huge_generated.py", "byte limit");
    note_for("app/marked.py", "generated");
    note_for("app/broken.py", "syntax errors");
    note_for("app/unclosed.py", "syntax errors");
}

const GOOD_PACK: &str = r##"
[pack]
name = "acme"
version = "1.0.0"
languages = ["python"]
description = "Test pack."

[[check]]
id = "acme.runtime.print_call"
title = "Print Call"
category = "runtime"
default_severity = "LOW"
effort = "S"
principle = "print in services bypasses logging."
recommendation = "Use logging."
docs = '''
## What it does
Finds print.
## Why is this bad?
No logs.
## Example
print(1)
## Use instead
log.info(1)
'''

[[detector]]
name = "print-call"
check = "acme.runtime.print_call"
language = "python"
query = '''
((call function: (identifier) @callee) @site
  (#eq? @callee "print"))
'''
predicate = '''
let n = 0;
loop { n += 1; }
'''
message = "print call"
"##;

#[test]
fn malformed_packs_give_located_errors_all_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("bad");
    let broken = r#"[pack]
name = "bad"
version = "1"
languages = ["python"]
description = "broken on purpose"

[[detector]]
name = "one"
check = "runtime.sync_sleep_in_asink"
language = "python"
query = '''
(call function: (identifer) @f)
'''
message = "x"

[[detector]]
name = "two"
check = "runtime.sync_sleep_in_async"
language = "python"
query = '''
(call) @c
'''
predicate = '''
let x = ;
'''
message = "y"
"#;
    write_tree(&pack, &[("pack.toml", broken.as_bytes())]);
    let out = ppa(&[
        "check",
        "--pack",
        &pack.to_string_lossy(),
        &dir.path().to_string_lossy(),
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    let e = &out.stderr;
    assert!(
        e.contains("unknown check id `runtime.sync_sleep_in_asink`"),
        "{e}"
    );
    assert!(
        e.contains("did you mean `runtime.sync_sleep_in_async`"),
        "{e}"
    );
    assert!(
        e.contains("invalid query: unknown node kind `identifer`"),
        "{e}"
    );
    assert!(e.contains("did you mean `identifier`"), "{e}");
    assert!(e.contains("predicate does not compile"), "{e}");
    // Positions point into pack.toml: the query error is on line 12, the predicate on line 24.
    assert!(e.contains("pack.toml:12:"), "{e}");
    assert!(e.contains("pack.toml:24:"), "{e}");

    let toml_err = dir.path().join("toml");
    write_tree(
        &toml_err,
        &[("pack.toml", b"[pack]\nname = \"t\"\nversion = 1\n")],
    );
    let out = ppa(&[
        "check",
        "--pack",
        &toml_err.to_string_lossy(),
        &dir.path().to_string_lossy(),
    ]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("pack.toml:3:"), "{}", out.stderr);
}

#[test]
fn an_endless_predicate_is_stopped_named_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("acme");
    write_tree(&pack, &[("pack.toml", GOOD_PACK.as_bytes())]);
    write_tree(
        dir.path(),
        &[(
            "src/app.py",
            b"import time\nprint('hi')\n\nasync def f():\n    time.sleep(1)\n",
        )],
    );
    let src = dir.path().join("src").to_string_lossy().to_string();
    let root = dir.path().to_string_lossy().to_string();
    let out = ppa(&[
        "check",
        "--root",
        &root,
        "--pack",
        &pack.to_string_lossy(),
        "--pack",
        "asyncio",
        &src,
        "--format",
        "json",
    ]);
    assert_eq!(
        out.code, 2,
        "a failed predicate is a pack error: {}",
        out.stderr
    );
    let doc = out.json();
    let got = findings(&doc);
    assert!(
        got.iter().any(|f| f.2 == "runtime.sync_sleep_in_async"),
        "other detectors still ran: {got:?}"
    );
    let diag = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["detector"] == "acme/print-call")
        .expect("a diagnostic naming the detector");
    let msg = diag["message"].as_str().unwrap();
    assert!(msg.contains("operations"), "{msg}");
    let loop_line = GOOD_PACK
        .lines()
        .position(|l| l.starts_with("loop {"))
        .unwrap()
        + 1;
    assert!(
        msg.contains(&format!("pack.toml:{loop_line}:")),
        "names the predicate line {loop_line}: {msg}"
    );
    assert_eq!(diag["line"], 2);
}

#[test]
fn suppressions_apply_and_problems_with_them_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path(), &[("requirements.txt", b"anyio>=4\n")]);
    write_tree(
        dir.path(),
        &[(
            "svc.py",
            b"import time\n\nasync def a():\n    time.sleep(1)  # ppa: ignore[runtime.sync_sleep_in_async] warm-up before serving\n\nasync def b():\n    # ppa: ignore[runtime]\n    time.sleep(1)\n\nasync def c():\n    x = 1  # ppa: ignore[runtime.sync_sleep_in_async] stale\n    return x\n",
        )],
    );
    let root = dir.path().to_string_lossy().to_string();
    let out = ppa(&["check", "--root", &root, &root, "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    let doc = out.json();
    assert_eq!(doc["summary"]["suppressed"], 2);
    let msgs: Vec<String> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap().to_string())
        .collect();
    assert!(msgs.iter().any(|m| m.contains("has no reason")), "{msgs:?}");
    assert!(
        msgs.iter().any(|m| m.contains("unused suppression")),
        "{msgs:?}"
    );
}

/// The README's five-minute pack is real: it loads, passes `ppa test` and finds its pattern.
#[test]
fn the_readme_pack_works_as_documented() {
    let readme = std::fs::read_to_string(repo_path("README.md")).unwrap();
    let block = |marker: &str| {
        let start = readme
            .find(marker)
            .unwrap_or_else(|| panic!("README lacks {marker}"));
        let body = &readme[start + marker.len()..];
        body[..body.find("```").unwrap()].to_string()
    };
    let toml = block("# acme-pack/pack.toml\n");
    let fixture = block("# acme-pack/tests/print_in_handler.py\n");
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("acme-pack");
    write_tree(
        &pack,
        &[
            ("pack.toml", toml.as_bytes()),
            ("tests/print_in_handler.py", fixture.as_bytes()),
        ],
    );
    let pack_arg = pack.to_string_lossy().to_string();
    let out = ppa(&["test", &pack_arg]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("1 passed, 0 failed"), "{}", out.stdout);

    write_tree(dir.path(), &[("src/api.py", fixture.as_bytes())]);
    let root = dir.path().to_string_lossy().to_string();
    let src = dir.path().join("src").to_string_lossy().to_string();
    let out = ppa(&[
        "check", "--root", &root, "--pack", &pack_arg, &src, "--format", "json",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let got = findings(&out.json());
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].2, "acme.runtime.print_in_handler");
}

/// `ppa test` fails (exit 1) when a fixture's expectation is not met, and says where.
#[test]
fn ppa_test_reports_missing_and_unexpected_findings() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("p");
    let fixture = b"import time\n\nasync def f():\n    # ppa-ok: runtime.sync_sleep_in_async\n    time.sleep(1)\n\nasync def g():\n    # ppa: runtime.sync_sleep_in_async\n    await g()\n";
    write_tree(
        &pack,
        &[
            ("pack.toml", ppa_packs_asyncio_like().as_bytes()),
            ("tests/t.py", fixture),
        ],
    );
    let out = ppa(&["test", &pack.to_string_lossy()]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout.contains("missing     tests/t.py:9"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("unexpected  tests/t.py:5"),
        "{}",
        out.stdout
    );
}

fn ppa_packs_asyncio_like() -> String {
    r#"[pack]
name = "mini"
version = "0.1.0"
languages = ["python"]
description = "A minimal sleep detector."

[vocab]
sleep = ["time.sleep"]

[[detector]]
name = "sleep"
check = "runtime.sync_sleep_in_async"
language = "python"
query = '''
((call function: (_) @callee) @site
  (#resolves-to? @callee "sleep")
  (#in-async-fn? @site))
'''
message = "`{site}` blocks the loop in `{fn}`"
"#
    .to_string()
}

/// `ppa.toml` configures scope, checks and the exit threshold; flags win; a bad key is located.
#[test]
fn project_configuration_is_read_and_validated() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[
            (
                "ppa.toml",
                b"[scan]\nexclude = [\"legacy/**\"]\n\n[check]\nfail_on = \"critical\"\n",
            ),
            ("requirements.txt", b"anyio>=4\n"),
            (
                "svc.py",
                b"import time\n\nasync def a():\n    time.sleep(1)\n",
            ),
            (
                "legacy/old.py",
                b"import time\n\nasync def a():\n    time.sleep(1)\n",
            ),
        ],
    );
    let root = dir.path().to_string_lossy().to_string();
    let out = ppa(&["check", "--root", &root, &root, "--format", "json"]);
    assert_eq!(
        out.code, 0,
        "fail_on = critical from ppa.toml: {}",
        out.stderr
    );
    let got = findings(&out.json());
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, "svc.py");
    let out = ppa(&["check", "--root", &root, &root, "--fail-on", "low"]);
    assert_eq!(out.code, 1, "the flag wins over ppa.toml");

    write_tree(dir.path(), &[("ppa.toml", b"[scan]\nexclud = []\n")]);
    let out = ppa(&["check", "--root", &root, &root]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("invalid ppa.toml"), "{}", out.stderr);
    assert!(out.stderr.contains("exclud"), "{}", out.stderr);
}

/// `ppa tree` shows pack authors what their queries match.
#[test]
fn tree_prints_kinds_fields_and_positions() {
    let file = repo_path("examples/async-shop/app/notifications.py");
    let out = ppa(&["tree", &file, "--line", "21"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "call [21:9 - 21:17]\n  function: identifier [21:9 - 21:14] \"pause\"\n  arguments: argument_list [21:14 - 21:17]\n    integer [21:15 - 21:16] \"2\"\n"
    );
    let out = ppa(&["tree", "README.md"]);
    assert_eq!(out.code, 2);
}

/// The example team pack (written from the docs alone) passes its fixtures and is listed.
#[test]
fn the_example_team_pack_passes_its_fixtures() {
    let pack = repo_path("examples/team-pack");
    let out = ppa(&["test", &pack]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    let out = ppa(&["packs", "--pack", &pack]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("acme-data"), "{}", out.stdout);
    let out = ppa(&["rule", "--pack", &pack, "acme.query.sql_string_formatting"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let demo = repo_path("examples/team-pack-demo");
    let out = ppa(&[
        "check", "--root", &demo, "--pack", &pack, &demo, "--format", "json",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let got = findings(&out.json());
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(got
        .iter()
        .all(|f| f.2 == "acme.query.sql_string_formatting"));
}

/// `ppa discover` reads every kind of manifest of a multi-language project (CHECKS.md §1.1), skips
/// tests, vendored code and dev dependencies, reports a malformed manifest and goes on.
#[test]
fn discover_reads_every_manifest_and_prints_the_tech_stack() {
    let root = repo_path("tests/fixtures/discover/shop");
    let out = ppa(&["discover", &root, "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let expected = serde_json::json!({
        "db": ["postgresql", "redis"],
        "db_versions": {"postgresql": "16", "redis": "7"},
        "orm": ["django", "sqlalchemy@2.0"],
        "web": ["django", "express@4.19", "fastapi@0.115"],
        "async": ["asyncio"],
        "tasks": ["celery@5.3"],
        // asyncpg and redis enable the channel-consistency pack (F3/F4 facts) and the driver
        // pack, and it also reads the channels of pg and pgx code, so they count as covered;
        // the framework packs classify entry points (F10); starlette comes with fastapi
        // (`requires`); packs come in the order of `requires`.
        "packs": ["asyncio", "event-channels", "go-core", "node-web", "python-core", "py-drivers", "py-tasks", "sqlalchemy", "starlette", "fastapi"],
        // django is only named in docs/project/tech_stack.md: documentation never enables packs.
        "unpacked": ["django"]
    });
    assert_eq!(out.json(), expected);
    // Field order is part of the contract.
    let keys: Vec<usize> = [
        "\"db\"",
        "\"db_versions\"",
        "\"orm\"",
        "\"web\"",
        "\"async\"",
        "\"tasks\"",
        "\"packs\"",
        "\"unpacked\"",
    ]
    .iter()
    .map(|k| out.stdout.find(k).unwrap())
    .collect();
    assert!(keys.windows(2).all(|w| w[0] < w[1]), "{}", out.stdout);
    assert!(
        out.stderr
            .contains("warning: legacy/pyproject.toml:3: cannot parse"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("include cycle"), "{}", out.stderr);

    let text = ppa(&["discover", &root]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    for line in [
        "Languages:  python, go, typescript",
        "Databases:  postgresql 16, redis 7",
        "  asyncio              dependency fastapi (pyproject.toml)",
        "  python-core          python files",
        "  starlette            required by fastapi",
        "Detected, no pack: django",
        "  sqlalchemy[asyncio] 2.0.25",
        "  aiosqlite 0.20",
    ] {
        assert!(
            text.stdout.contains(line),
            "missing {line:?} in\n{}",
            text.stdout
        );
    }
    assert!(
        !text.stdout.contains("mongoose"),
        "node_modules is not read"
    );
    assert!(!text.stdout.contains("pymongo"), "tests are not read");
    assert!(
        text.stdout.contains("Databases:  postgresql 16, redis 7\n"),
        "the dev dependency aiosqlite is not the stack"
    );
}

/// `ppa check` runs the discovered packs; `--pack` replaces them unless `--auto` is given;
/// `ppa.toml [packs]` adjusts the automatic set.
#[test]
fn check_runs_the_discovered_packs_and_flags_and_config_adjust_them() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[
            (
                "pyproject.toml",
                b"[project]\nname = \"svc\"\ndependencies = [\"fastapi>=0.110\"]\n",
            ),
            (
                "svc.py",
                b"import time\n\nasync def a():\n    time.sleep(1)\n",
            ),
        ],
    );
    let root = dir.path().to_string_lossy().to_string();
    let packs = |extra: &[&str]| {
        let mut args = vec!["check", "--root", &root, &root, "--format", "json"];
        args.extend_from_slice(extra);
        let out = ppa(&args);
        let doc = out.json();
        let names: Vec<String> = doc["packs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap().to_string())
            .collect();
        (names, findings(&doc).len(), doc)
    };
    let (names, n, _) = packs(&[]);
    assert_eq!(names, ["asyncio", "python-core", "starlette", "fastapi"]);
    assert_eq!(n, 1);
    let (names, n, _) = packs(&["--pack", "python-core"]);
    assert_eq!(names, ["python-core"]);
    assert_eq!(n, 0, "the sleep detector is not in python-core");
    let (names, _, _) = packs(&["--pack", "python-core", "--auto"]);
    assert_eq!(names, ["asyncio", "python-core", "starlette", "fastapi"]);

    write_tree(
        dir.path(),
        &[(
            "ppa.toml",
            b"[packs]\ndisable = [\"asyncio\"]\nenable = [\"no-such-pack\"]\n",
        )],
    );
    let (names, n, doc) = packs(&[]);
    assert_eq!(names, ["python-core", "starlette", "fastapi"]);
    assert_eq!(n, 0);
    let msgs: Vec<&str> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert!(
        msgs.iter()
            .any(|m| m.contains("unknown pack `no-such-pack`")),
        "{msgs:?}"
    );

    // Nothing that any pack applies to: no packs, no findings, exit 0.
    let empty = tempfile::tempdir().unwrap();
    write_tree(empty.path(), &[("README.md", b"# docs only\n")]);
    let e = empty.path().to_string_lossy().to_string();
    let out = ppa(&["check", "--root", &e, &e, "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()["packs"], serde_json::json!([]));
}

#[test]
fn text_snippets_show_the_files_own_lines_around_each_finding() {
    // Snippets are cut from a few lines around each finding (so that a file with thousands of
    // findings prints in linear time) and keep the file's line numbers: first line, deep in the
    // file, last line without a newline, CRLF line ends.
    let dir = tempfile::tempdir().unwrap();
    let mut deep = String::from("import asyncio, time\n\n");
    for i in 0..40 {
        deep.push_str(&format!(
            "async def f{i}():\n    x = {i}\n    time.sleep({i})\n\n"
        ));
    }
    write_tree(
        dir.path(),
        &[
            ("app/deep.py", deep.as_bytes()),
            (
                "app/first.py",
                b"async def f():\n    time.sleep(1)\nimport asyncio, time\n",
            ),
            (
                "app/last.py",
                b"import asyncio, time\nasync def f():\n    time.sleep(1)",
            ),
            (
                "app/crlf.py",
                b"import asyncio, time\r\n\r\nasync def f():\r\n    x = 1\r\n    time.sleep(1)\r\n",
            ),
        ],
    );
    let root = dir.path().to_string_lossy().to_string();
    let out = ppa(&[
        "check",
        "--root",
        &root,
        &root,
        "--pack",
        "asyncio",
        "--select",
        "runtime.sync_sleep_in_async",
        "--color",
        "never",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let text = &out.stdout;
    // The 40th function's sleep: line 2 + 39 * 4 + 3 = 161, with its neighbours.
    assert!(text.contains("[app/deep.py:161:5]"), "{text}");
    assert!(
        text.contains("160 │     x = 39\n 161 │     time.sleep(39)\n"),
        "{text}"
    );
    assert!(text.contains("[app/first.py:2:5]"), "{text}");
    assert!(
        text.contains(" 1 │ async def f():\n 2 │     time.sleep(1)\n"),
        "{text}"
    );
    assert!(text.contains("[app/last.py:3:5]"), "{text}");
    assert!(text.contains(" 3 │     time.sleep(1)\n"), "{text}");
    assert!(text.contains("[app/crlf.py:5:5]"), "{text}");
    assert!(text.contains(" 5 │     time.sleep(1)"), "{text}");
}
