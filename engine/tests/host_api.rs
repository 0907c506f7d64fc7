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

/// The configuration helpers: literal values, call arguments, assignment targets, DSNs.
#[test]
fn configuration_helpers_read_calls_and_urls() {
    const CONFIG: &str = r#"
[pack]
name = "config"
version = "0"
languages = ["python"]
description = "reads pool configuration"

[[detector]]
name = "config"
check = "test.runtime.probe"
language = "python"
query = '''
((call function: (identifier) @callee) @site
  (#eq? @callee "create_engine"))
'''
predicate = '''
let a = call_args(site);
let kw = a.keywords;
let dsn = parse_dsn(literal_value(a.positional[0]));
#{
  target: assignment_target(site),
  recycle: literal_value(kw.pool_recycle),
  pre_ping: literal_value(kw.pool_pre_ping),
  none_known: is_literal(kw.echo) && literal_value(kw.echo) == (),
  dynamic: is_literal(kw.pool_size),
  splat: a.dict_splats[0],
  base: dsn.base,
  driver: dsn.driver,
  port: dsn.port,
  masked: dsn.masked,
  param: dsn.params.sslmode,
  not_url: parse_dsn("plain") == (),
}
'''
message = "{target}|{recycle}|{pre_ping}|{none_known}|{dynamic}|{splat}|{base}|{driver}|{port}|{masked}|{param}|{not_url}"
"#;
    static FILES: &[(&str, &str)] = &[("pack.toml", CONFIG)];
    let engine = engine_with("config", FILES);
    let src = "URL = 'postgresql+psycopg://app:pw@db:5432/shop?sslmode=require'\nengine = create_engine(URL, pool_recycle=30 * 60, pool_pre_ping=True, echo=None, pool_size=settings.SIZE, **opts)\n";
    let report = engine.check_source("app/db.py", src);
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    assert_eq!(
        report.findings[0].message,
        "engine|1800|true|true|false|opts|postgresql|psycopg|5432|postgresql+psycopg://app:***@db:5432/shop?sslmode=require|require|true"
    );
}
