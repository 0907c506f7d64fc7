//! The rhai host API, exercised through a real pack: every built-in is callable under the name
//! the documentation gives, and returns what it says.

use ppa_engine::catalog::Catalog;
use ppa_engine::pack::EmbeddedSource;
use ppa_engine::{Engine, EngineBuilder};

const CATALOG: &str = r#"
[[check]]
id = "test.runtime.probe"
title = "Probe"
category = "runtime"
default_severity = "LOW"
effort = "S"
principle = "p"
recommendation = "r"
docs = "d"
"#;

const PACK: &str = r#"
[pack]
name = "probe"
version = "0"
languages = ["python"]
description = "exercises the host API"

[vocab]
sleep = ["time.sleep"]
offload = ["asyncio.to_thread"]
routes = ["*.get"]

[[detector]]
name = "probe"
check = "test.runtime.probe"
language = "python"
query = '''
((call function: (_) @callee) @site
  (#eq? @callee "zz"))
'''
predicate = '''
let f = enclosing_fn(site);
let lp = enclosing_loop(site);
let again = site.parent.named_children[0];
#{
  kind: site.kind,
  resolved: resolve(callee),
  sleep: resolves_to(site, "sleep"),
  in_vocab: in_vocab("time.sleep", "sleep"),
  fname: fn_name(f),
  is_async: is_async(f),
  in_async: in_async_fn(site),
  decorated: decorators(f).len(),
  route: in_vocab(decorators(f)[0], "routes"),
  looped: in_loop(site),
  size: iterable_size(lp),
  offloaded: in_call_arg_of(site, "offload"),
  toplevel: is_module_level(site),
  symbol: enclosing_symbol(site),
  same: again.same_as(site) && again == site,
  uses: uses_of(f, "total").len(),
  value: assigned_value(uses_of(f, "total")[1]).text,
  ancestors: site.ancestors().len() > 3,
  calls: f.descendants("call").len(),
  field: site.field("function").text,
  path: file.path,
  lang: file.language,
  has_main: file.contains("__main__"),
  imports: file.imports.len(),
  line: file.line(site.line).len(),
}
'''
message = "{kind}|{resolved}|{sleep}|{in_vocab}|{fname}|{is_async}|{in_async}|{decorated}|{route}|{looped}|{size}|{offloaded}|{toplevel}|{symbol}|{same}|{uses}|{value}|{ancestors}|{calls}|{field}|{path}|{lang}|{has_main}|{imports}|{line}"
"#;

const SOURCE: &str = "import time\nfrom time import sleep as zz\n\nclass Api:\n    @app.get(\"/x\")\n    async def handler(self):\n        total = compute()\n        for i in range(3):\n            zz(total)\n";

/// An engine with the test catalogue and one embedded pack; panics with the pack's errors.
fn engine_with(name: &'static str, files: &'static [(&'static str, &'static str)]) -> Engine {
    let mut catalog = Catalog::default();
    catalog.add_toml("catalog.toml", CATALOG).unwrap();
    let mut b = EngineBuilder::new(catalog);
    if let Err(e) = b.load_pack(&EmbeddedSource { name, files }) {
        let errors: Vec<String> = e.errors.iter().map(|e| e.to_string()).collect();
        panic!("{errors:?}");
    }
    b.build().0
}

#[test]
fn every_host_function_is_callable_and_answers() {
    static FILES: &[(&str, &str)] = &[("pack.toml", PACK)];
    let engine = engine_with("probe", FILES);
    let report = engine.check_source("app/api.py", SOURCE);
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    assert_eq!(report.findings.len(), 1);
    assert_eq!(
        report.findings[0].message,
        "call|time.sleep|true|true|handler|true|true|1|true|true|3|false|false|Api.handler|true|2|compute()|true|3|zz|app/api.py|python|false|2|21"
    );
}

/// A predicate can move the finding to another node (`report: node`), e.g. from a rare
/// descendant that the pattern starts on to the call around it.
#[test]
fn a_predicate_can_report_at_another_node() {
    const MOVE: &str = r#"
[pack]
name = "mover"
version = "0"
languages = ["python"]
description = "reports the call around a list comprehension"

[[detector]]
name = "mover"
check = "test.runtime.probe"
language = "python"
query = '''
((list_comprehension) @comp)
'''
predicate = '''
#{ report: comp.parent.parent }
'''
message = "moved"
"#;
    static FILES: &[(&str, &str)] = &[("pack.toml", MOVE)];
    let engine = engine_with("mover", FILES);
    let report = engine.check_source("x.py", "ok = any([u.admin for u in users])\n");
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    assert_eq!(report.findings.len(), 1);
    assert_eq!((report.findings[0].line, report.findings[0].column), (1, 6));
    assert_eq!(report.findings[0].end.column, 35);
}

/// Plans compile per language on first use; a JavaScript detector that names a node the
/// TypeScript grammar lacks is skipped there with a warning and still runs on JavaScript and TSX.
#[test]
fn plans_compile_lazily_and_skip_detectors_a_grammar_lacks() {
    static FILES: &[(&str, &str)] = &[(
        "pack.toml",
        r#"
[pack]
name = "jsx"
version = "0.1.0"
languages = ["javascript"]
description = "x"

[[detector]]
name = "jsx-element"
check = "test.runtime.probe"
language = "javascript"
query = '''(jsx_element) @el'''
message = "jsx"

[[detector]]
name = "any-call"
check = "test.runtime.probe"
language = "javascript"
query = '''(call_expression function: (identifier) @f (#eq? @f "sleep")) @call_site'''
message = "sleep"
"#,
    )];
    let engine = engine_with("jsx", FILES);
    assert!(engine.plan_warnings().is_empty(), "nothing compiled yet");
    let ts = engine.check_source("a.ts", "sleep(1);\n");
    assert_eq!(ts.findings.len(), 1, "{:?}", ts.diagnostics);
    let warnings = engine.plan_warnings();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0]
            .message
            .contains("does not compile for typescript"),
        "{warnings:?}"
    );
    assert_eq!(warnings[0].detector.as_deref(), Some("jsx/jsx-element"));
    let tsx = engine.check_source("a.tsx", "const x = <div>{sleep(1)}</div>;\n");
    assert_eq!(tsx.findings.len(), 2, "{:?}", tsx.findings);
    let all = engine.prepare_all();
    assert_eq!(all.len(), 1, "only TypeScript lacks jsx_element: {all:?}");
}

/// `file_contains` limits a unit to files holding one of its words (ASCII case ignored);
/// `paths` limits an extractor to matching files; units with other filters are unaffected.
#[test]
fn file_contains_and_paths_skip_files_before_any_query_runs() {
    static FILES: &[(&str, &str)] = &[(
        "pack.toml",
        r#"
[pack]
name = "words"
version = "0.1.0"
languages = ["python"]
description = "x"

[[detector]]
name = "print-when-notify"
check = "test.runtime.probe"
language = "python"
file_contains = ["notify", "listen"]
query = '''((call function: (identifier) @f) @site (#eq? @f "print"))'''
message = "print"

[[detector]]
name = "print-anywhere"
check = "test.runtime.probe"
language = "python"
query = '''((call function: (identifier) @f) @site (#eq? @f "print"))'''
message = "print anywhere"

[[extractor]]
name = "prints-in-migrations"
fact = "prints"
language = "python"
paths = ["**/migrations/**"]
query = '''((call function: (identifier) @f) @site (#eq? @f "print"))'''
"#,
    )];
    let engine = engine_with("words", FILES);
    let messages = |path: &str, src: &str| {
        let r = engine.check_source(path, src);
        let mut m: Vec<String> = r.findings.iter().map(|f| f.message.clone()).collect();
        m.sort();
        (m, r.records.len())
    };
    assert_eq!(
        messages("app/a.py", "print('x')\n"),
        (vec!["print anywhere".to_string()], 0)
    );
    assert_eq!(
        messages("app/b.py", "print('NOTIFY jobs')\n"),
        (vec!["print".to_string(), "print anywhere".to_string()], 0)
    );
    assert_eq!(messages("db/migrations/0001.py", "print(1)\n").1, 1);

    static BAD: &[(&str, &str)] = &[(
        "pack.toml",
        r#"
[pack]
name = "bad"
version = "0.1.0"
languages = ["python"]
description = "x"

[[detector]]
name = "d"
check = "test.runtime.probe"
language = "python"
file_contains = ["notify", " "]
query = '''(call) @site'''
message = "m"
"#,
    )];
    let mut catalog = Catalog::default();
    catalog.add_toml("catalog.toml", CATALOG).unwrap();
    let mut b = EngineBuilder::new(catalog);
    let err = b
        .load_pack(&EmbeddedSource {
            name: "bad",
            files: BAD,
        })
        .unwrap_err();
    assert!(
        err.errors.iter().any(|e| e
            .to_string()
            .contains("`file_contains` holds an empty word")),
        "{:?}",
        err.errors.iter().map(|e| e.to_string()).collect::<Vec<_>>()
    );
}
