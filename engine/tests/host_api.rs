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

/// Embedded pack files: (file name, text).
type PackFiles = &'static [(&'static str, &'static str)];

/// An engine with the test catalogue and one embedded pack; panics with the pack's errors.
fn engine_with(name: &'static str, files: PackFiles) -> Engine {
    engine_with_packs(&[(name, files)])
}

/// An engine with the test catalogue and embedded packs; panics with a pack's errors.
fn engine_with_packs(packs: &[(&'static str, PackFiles)]) -> Engine {
    let mut catalog = Catalog::default();
    catalog.add_toml("catalog.toml", CATALOG).unwrap();
    let mut b = EngineBuilder::new(catalog);
    for &(name, files) in packs {
        if let Err(e) = b.load_pack(&EmbeddedSource { name, files }) {
            let errors: Vec<String> = e.errors.iter().map(|e| e.to_string()).collect();
            panic!("{errors:?}");
        }
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

/// Severities by execution context: a detector's table, a predicate's own table, and a
/// predicate's fixed severity; entry points from an extractor that names functions with
/// `qualified_name` and `target_name`. Settled by the fixture runner like `ppa check` does.
#[test]
fn severities_by_context_follow_entry_points_and_calls() {
    const CTX: &str = r#"
[pack]
name = "ctx"
version = "0"
languages = ["python"]
description = "severities by context"

[[extractor]]
name = "routes"
fact = "entrypoints"
language = "python"
query = '''
(decorated_definition (decorator (call function: (attribute attribute: (identifier) @verb))) definition: (function_definition) @def
  (#eq? @verb "get"))
'''
predicate = '''#{ function: qualified_name(def), class: "http_handler", framework: "test" }'''

[[extractor]]
name = "tasks"
fact = "entrypoints"
language = "python"
query = '''((call function: (identifier) @f arguments: (argument_list . (identifier) @target)) (#eq? @f "enqueue"))'''
predicate = '''#{ function: target_name(target), class: "background" }'''

[[detector]]
name = "by-table"
check = "test.runtime.probe"
language = "python"
query = '''((call function: (identifier) @callee) @site (#eq? @callee "slow"))'''
message = "slow"
severity_by_context = { request = "HIGH", background = "MEDIUM", other = "LOW" }

[[detector]]
name = "by-predicate"
check = "test.runtime.probe"
language = "python"
query = '''((call function: (identifier) @callee) @site (#eq? @callee "heavy"))'''
predicate = '''
if in_loop(site) { #{ severity_by_context: #{ request: "CRITICAL", other: "MEDIUM", lower_in_admin: true } } } else { #{ severity: "LOW" } }
'''
message = "heavy"
"#;
    static FILES: &[(&str, &str)] = &[("pack.toml", CTX)];
    let engine = engine_with("ctx", FILES);
    let fixture = r#"
@app.get("/jobs")
def list_jobs():
    # ppa: test.runtime.probe HIGH
    slow()
    helper()


def helper():
    # ppa: test.runtime.probe HIGH        one call below the handler: request path
    slow()
    for x in range(100):
        # ppa: test.runtime.probe CRITICAL
        heavy()
    # ppa: test.runtime.probe LOW         a fixed severity ends the table
    heavy()


def job():
    # ppa: test.runtime.probe MEDIUM
    slow()


def unused():
    # ppa: test.runtime.probe LOW
    slow()


@app.get("/admin/jobs")
def admin_jobs():
    for x in range(100):
        # ppa: test.runtime.probe HIGH    admin: one level lower
        heavy()


enqueue(job)
"#;
    let out = ppa_engine::testing::run_fixtures(&engine, &[("app/api.py".into(), fixture.into())]);
    let o = &out[0];
    assert!(
        o.passed(),
        "missing {:?} wrong {:?} unexpected {:?} errors {:?}",
        o.missing,
        o.wrong_severity
            .iter()
            .map(|(f, w)| (f.line, f.severity, *w))
            .collect::<Vec<_>>(),
        o.unexpected
            .iter()
            .map(|f| (f.line, f.severity))
            .collect::<Vec<_>>(),
        o.errors
    );
    assert_eq!(o.matched.len(), 7);

    // A `ppa-todo:` with a severity is a known wrong severity: found at another one, it stays a
    // todo; found at that one (or without a severity), it is fixed.
    let todos = r#"
def unused():
    # ppa-todo: test.runtime.probe HIGH    found at LOW: still open
    slow()
    # ppa-todo: test.runtime.probe LOW     found at LOW: fixed
    slow()
    # ppa-todo: test.runtime.probe         found: fixed
    slow()
"#;
    let out = ppa_engine::testing::run_fixtures(&engine, &[("app/jobs.py".into(), todos.into())]);
    let o = &out[0];
    assert!(o.passed() && o.unexpected.is_empty(), "{:?}", o.unexpected);
    assert_eq!(o.todo, [(4, "test.runtime.probe".to_string())]);
    let fixed: Vec<usize> = o.todo_fixed.iter().map(|(l, _)| *l).collect();
    assert_eq!(fixed, [6, 8]);
}

/// A predicate's table is checked: unknown keys and severities are errors that name the
/// predicate; an empty detector table is a load error.
#[test]
fn bad_context_tables_are_reported() {
    const BAD: &str = r#"
[pack]
name = "bad"
version = "0"
languages = ["python"]
description = "bad tables"

[[detector]]
name = "bad-key"
check = "test.runtime.probe"
language = "python"
query = '''((call function: (identifier) @callee) @site (#eq? @callee "slow"))'''
predicate = '''#{ severity_by_context: #{ hot: "HIGH" } }'''
message = "slow"
"#;
    static FILES: &[(&str, &str)] = &[("pack.toml", BAD)];
    let engine = engine_with("bad", FILES);
    let report = engine.check_source("app/x.py", "slow()\n");
    assert!(report.findings.is_empty());
    assert!(
        report.diagnostics[0]
            .message
            .contains("`severity_by_context` has no key `hot`"),
        "{:?}",
        report.diagnostics
    );

    const EMPTY: &str = r#"
[pack]
name = "empty"
version = "0"
languages = ["python"]
description = "empty table"

[[detector]]
name = "empty-table"
check = "test.runtime.probe"
language = "python"
query = '''((call function: (identifier) @callee) @site (#eq? @callee "slow"))'''
message = "slow"
severity_by_context = { lower_in_admin = true }
"#;
    let mut catalog = Catalog::default();
    catalog.add_toml("catalog.toml", CATALOG).unwrap();
    let mut b = EngineBuilder::new(catalog);
    let err = b
        .load_pack(&EmbeddedSource {
            name: "empty",
            files: &[("pack.toml", EMPTY)],
        })
        .unwrap_err();
    assert!(
        err.errors[0]
            .to_string()
            .contains("`severity_by_context` sets no severity"),
        "{}",
        err.errors[0]
    );
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

#[test]
fn shape_helpers_read_chains_with_items_and_annotations() {
    const SHAPES: &str = r#"
[pack]
name = "shapes"
version = "0"
languages = ["python", "typescript", "go"]
description = "reads method chains, with items and annotations"

[[detector]]
name = "py"
check = "test.runtime.probe"
language = "python"
query = '''
((call function: (attribute attribute: (identifier) @m)) @site
  (#eq? @m "first"))
'''
predicate = '''
let c = method_chain(site);
let f = enclosing_fn(site);
let recv = site.field("function").field("object");
let inner = method_chain(c.calls[0]);
#{
  methods: c.methods,
  calls: c.calls.len(),
  end: c.end.text,
  inner: inner.methods,
  parenthesized: method_chain(recv).methods.len(),
  item: with_binding(site, "s").text,
  none: with_binding(site, "t") == (),
  ty: param_annotation(f, "db").text,
  untyped: param_annotation(f, "k") == (),
}
'''
message = "{methods}|{calls}|{end}|{inner}|{parenthesized}|{item}|{none}|{ty}|{untyped}"

[[detector]]
name = "ts"
check = "test.runtime.probe"
language = "typescript"
query = '''
((call_expression function: (member_expression property: (property_identifier) @m)) @site
  (#eq? @m "getMany"))
'''
predicate = '''
let c = method_chain(site);
#{ methods: c.methods, end: c.end.text, ty: param_annotation(enclosing_fn(site), "repo").text }
'''
message = "{methods}|{end}|{ty}"

[[detector]]
name = "go"
check = "test.runtime.probe"
language = "go"
query = '''
((call_expression function: (selector_expression field: (field_identifier) @m)) @site
  (#eq? @m "Find"))
'''
predicate = '''
let c = method_chain(site);
#{ methods: c.methods, end: c.end.text, ty: param_annotation(enclosing_fn(site), "db").text }
'''
message = "{methods}|{end}|{ty}"
"#;
    static FILES: &[(&str, &str)] = &[("pack.toml", SHAPES)];
    let engine = engine_with("shapes", FILES);
    let py = "def f(db: Session, k):\n    with db.begin() as t, Session() as s:\n        x = (Order.objects.filter(k)[:10]).first()\n";
    let report = engine.check_source("app/q.py", py);
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    assert_eq!(
        report.findings[0].message,
        r#"["filter", "[:]", "first"]|3|Order.objects|["filter"]|2|Session() as s|false|Session|true"#
    );
    let ts = "async function list(repo: Repository<User>) {\n  return await repo.createQueryBuilder(\"u\").where(\"x\")[0].getMany();\n}\n";
    let report = engine.check_source("src/q.ts", ts);
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    assert_eq!(
        report.findings[0].message,
        r#"["createQueryBuilder", "where", "[]", "getMany"]|repo|Repository<User>"#
    );
    let go = "package q\n\nfunc list(db, other *gorm.DB) {\n\tdb.Where(\"x\").Find(&users)\n}\n";
    let report = engine.check_source("q/q.go", go);
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    assert_eq!(
        report.findings[0].message,
        r#"["Where", "Find"]|db|*gorm.DB"#
    );
}

#[test]
fn value_and_name_uses_follow_a_result_and_its_key() {
    const USES: &str = r#"
[pack]
name = "uses"
version = "0"
languages = ["python"]
description = "follows a fetched row and its key"

[[detector]]
name = "uses"
check = "test.runtime.probe"
language = "python"
query = '''
((call function: (attribute attribute: (identifier) @m)) @site
  (#eq? @m "get"))
'''
predicate = '''
let f = enclosing_fn(site);
let v = value_uses(f, site);
let k = name_uses(f, site.field("arguments").named_children[1], site.end_byte);
let cfg = name_uses(f, uses_of(f, "cfg")[2].parent, 0);
#{
  bound: v.bound.text, fields: v.fields, whole: v.whole, mutated: v.mutated, returned: v.returned,
  passes: v.passes.map(|p| `${p.at.field("function").text}:${p.attr}:${p.index}:${p.keyword}`),
  uses: k.uses, assigns: k.assigns,
  kpasses: k.passes.map(|p| `${p.at.field("function").text}:${p.index}:${p.keyword}`),
  cfg: cfg.assigns,
}
'''
message = "{bound}|{fields}|{whole}|{mutated}|{returned}|{passes}|{uses}|{assigns}|{kpasses}|{cfg}"
"#;
    static FILES: &[(&str, &str)] = &[("pack.toml", USES)];
    let engine = engine_with("uses", FILES);
    let src = "def load(session, job_id, cfg):\n    job = session.get(Job, job_id)\n    if not job:\n        return None\n    notify(job.owner_id, flag=job.id)\n    job.status = \"done\"\n    process(job_id)\n    audit(key=job_id)\n    job_id = 3\n    cfg[\"uuid\"] = cfg[\"k\"]\n    return job\n";
    let report = engine.check_source("app/jobs.py", src);
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    assert_eq!(
        report.findings[0].message,
        r#"job|["owner_id", "id"]|true|true|true|["notify:owner_id:0:", "notify:id:-1:flag"]|2|[9]|["process:0:", "audit:-1:key"]|[10]"#
    );
}

#[test]
fn parameter_names_argument_texts_and_ancestors() {
    const TEXTS: &str = r#"
[pack]
name = "texts"
version = "0"
languages = ["python"]
description = "reads parameter names and argument texts"

[[detector]]
name = "texts"
check = "test.runtime.probe"
language = "python"
query = '''
((call function: (identifier) @callee) @site
  (#eq? @callee "g"))
'''
predicate = '''
let a = arg_texts(site, 60);
let around = calls_around(site.field("arguments").named_children[0]).map(|c| c.field("function").text);
let callee = calls_around(site.field("function")).map(|c| c.field("function").text);
let f = enclosing_fn(site);
let kinds = ancestors_within(site, f, ["expression_statement", "block", "function_definition"]).map(|a| a.kind);
let blocks = ancestors_within(site, f.field("body"), "block").len();
#{ names: param_names(enclosing_fn(site)), all: a.all, positional: a.positional, keywords: a.keywords,
   around: around, callee: callee, kinds: kinds, blocks: blocks }
'''
message = "{names}|{all}|{positional}|{keywords}|{around}|{callee}|{kinds}|{blocks}"
"#;
    static FILES: &[(&str, &str)] = &[("pack.toml", TEXTS)];
    let engine = engine_with("texts", FILES);
    let long = format!("\"{}\"", "x".repeat(70));
    let src = format!(
        "def f(self, a, b: int, *args, c=1, d: str = 'x', **kw):\n    h(g(a, {long}, k=a, z={long}))\n"
    );
    let report = engine.check_source("app/t.py", &src);
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    assert_eq!(
        report.findings[0].message,
        r#"["self", "a", "b", "", "c", "d", ""]|["a", "", "k=a", ""]|["a", ""]|#{"k": "a", "z": ""}|["g", "h"]|["h"]|["expression_statement", "block"]|0"#
    );
}

#[test]
fn calls_by_method_or_bare_name() {
    // `calls_named` lists the calls below a node (nested functions too) whose callee is `x.m`
    // or a bare `m` with `m` among the names, in document order; one name or an array.
    const NAMED: &str = r#"
[pack]
name = "named"
version = "0"
languages = ["python"]
description = "lists calls by name"

[[detector]]
name = "named"
check = "test.runtime.probe"
language = "python"
query = '''((function_definition name: (identifier) @name) @def (#eq? @name "outer"))'''
predicate = '''
let many = calls_named(def, ["commit", "update", "StreamingResponse"]).map(|c| `${c.line}:${c.field("function").text}`);
let one = calls_named(def.field("body"), "close").len();
let none = calls_named(def, []).len();
#{ many: many, one: one, none: none }
'''
message = "{many}|{one}|{none}"
"#;
    static FILES: &[(&str, &str)] = &[("pack.toml", NAMED)];
    let engine = engine_with("named", FILES);
    let src = "def outer(s, q):\n    s.commit()\n    update(q)\n    q.update_all()\n    s.x.commit(f(s.close()))\n    def gen():\n        return api.StreamingResponse(it())\n    commit\n    getattr(s, 'commit')()\n";
    let report = engine.check_source("app/n.py", src);
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    assert_eq!(
        report.findings[0].message,
        r#"["2:s.commit", "3:update", "5:s.x.commit", "7:api.StreamingResponse"]|1|0"#
    );
}

#[test]
fn project_predicates_hold_strings_beyond_the_per_match_limit() {
    // The records of a large repository hold more text than one match's 2 MiB: a project
    // predicate builds a 4 MiB string (rhai adds up the strings nested in arrays and maps the
    // same way).
    const PROJECT: &str = r#"
[pack]
name = "big"
version = "0"
languages = ["python"]
description = "a project predicate with a lot of text"

[[project_detector]]
name = "big"
check = "test.runtime.probe"
predicate = '''
let s = "0123456789abcdef";
while s.len() < 4 * 1024 * 1024 { s += s; }
let parts = [s, s];
[#{ file: "a.py", line: 1, n: parts[0].len() + parts[1].len() }]
'''
message = "{n}"
"#;
    let engine = engine_with("big", &[("pack.toml", PROJECT)]);
    let facts = ppa_engine::project::Facts::from_records(Vec::new());
    let report = engine.check_project(&facts, &Default::default());
    let errors: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.level == ppa_engine::Level::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(report.findings.len(), 1);
    assert_eq!(report.findings[0].message, (8 * 1024 * 1024).to_string());
}

/// Checks `source` with a pack of two detectors on the calls `((call function: CALLEE @callee)
/// @site …)`: one with `predicate`, the other with its `#not-` form. Their messages,
/// `"{yes} {callee}"` and `"{no} {callee}"`, come back sorted. `vocab` is the pack's `[vocab]`
/// table body.
fn split_calls(
    callee: &str,
    predicate: &str,
    vocab: &str,
    (yes, no): (&str, &str),
    source: &str,
) -> Vec<String> {
    let negated = predicate.replacen("(#", "(#not-", 1);
    let detector = |name: &str, pred: &str, label: &str| {
        format!(
            "[[detector]]\nname = \"{name}\"\ncheck = \"test.runtime.probe\"\nlanguage = \"python\"\nquery = \'\'\'\n((call function: {callee} @callee) @site\n  {pred})\n\'\'\'\nmessage = \"{label} {{callee}}\"\n"
        )
    };
    let toml = format!(
        "[pack]\nname = \"split\"\nversion = \"0\"\nlanguages = [\"python\"]\ndescription = \"calls split by a predicate\"\n\n[vocab]\n{vocab}\n\n{}\n{}",
        detector("yes", predicate, yes),
        detector("no", &negated, no),
    );
    // The pack loader takes embedded (static) files.
    let toml: &'static str = Box::leak(toml.into_boxed_str());
    let files: &'static [(&'static str, &'static str)] =
        Box::leak(vec![("pack.toml", toml)].into_boxed_slice());
    let engine = engine_with("split", files);
    let report = engine.check_source("app/split.py", source);
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    let mut messages: Vec<String> = report.findings.iter().map(|f| f.message.clone()).collect();
    messages.sort_unstable();
    messages
}

/// `#names-function?` keeps the calls whose callee the call graph can qualify (an import, a
/// module function, a method of `self`), and its `#not-` form the others (a method of an
/// untyped parameter, a builtin).
#[test]
fn names_function_predicate_splits_calls_by_target_name() {
    let source = "import helpers\n\ndef local():\n    pass\n\nclass Repo:\n    def save(self):\n        pass\n\n    def run(self, items):\n        helpers.load_job(1)\n        local()\n        self.save()\n        items.append(3)\n        len(items)\n";
    let messages = split_calls(
        "(_)",
        "(#names-function? @callee)",
        "",
        ("named", "unnamed"),
        source,
    );
    assert_eq!(
        messages,
        [
            "named helpers.load_job",
            "named local",
            "named self.save",
            "unnamed items.append",
            "unnamed len",
        ]
    );
}

/// `#in-decorated-fn?` keeps the captures whose nearest enclosing function has a decorator in
/// the vocabulary (resolved: `router.get` through an import alias, `*.get`), and not those in a
/// nested function or at module level; its `#not-` form the others. On the root capture it also
/// gates the pattern in the walk.
#[test]
fn in_decorated_fn_predicate_follows_the_nearest_function() {
    let source = "from fastapi import APIRouter\nimport functools\n\nrouter = APIRouter()\nsetup()\n\n@router.get(\"/a\")\nasync def read_a():\n    first()\n\n    def inner():\n        nested()\n\n    return inner\n\n@functools.lru_cache\ndef cached():\n    plain()\n\n@router.post(\"/b\")\ndef write_b():\n    second()\n";
    let messages = split_calls(
        "(identifier)",
        "(#in-decorated-fn? @site \"routes\")",
        "routes = [\"*.get\", \"*.post\"]",
        ("route", "other"),
        source,
    );
    assert_eq!(
        messages,
        [
            "other APIRouter",
            "other nested",
            "other plain",
            "other setup",
            "route first",
            "route second",
        ]
    );
}

/// `#min-lines?` counts the capture's first and last lines (a call on one line spans one; one
/// whose arguments run over three lines spans three); its `#not-` form takes the shorter ones.
/// An argument that is not a whole number is refused when the pack loads, at the predicate.
#[test]
fn min_lines_predicate_counts_first_and_last_lines() {
    let source = "one(1)\nthree(\n    2,\n)\nfour(\n    3,\n    4,\n)\n";
    let messages = split_calls(
        "(identifier)",
        "(#min-lines? @site \"3\")",
        "",
        ("long", "short"),
        source,
    );
    assert_eq!(messages, ["long four", "long three", "short one"]);
    for bad in ["\"three\"", "\"-1\"", "@site"] {
        let errors = query_load_errors(&format!("((call) @site (#min-lines? @site {bad}))"));
        assert!(
            errors
                .iter()
                .any(|e| e.contains("`#min-lines?` takes a whole number of lines")),
            "{bad}: {errors:?}"
        );
    }
}

/// The errors of loading a pack whose one detector has `query` (which must not load).
fn query_load_errors(query: &str) -> Vec<String> {
    let errors = detector_load_errors(query, None);
    assert!(!errors.is_empty(), "the pack loaded: {query}");
    errors
}

/// The errors of loading a pack whose one detector has `query` and, if given, an inline
/// `predicate` (its first line is line 13 of `pack.toml`); none when the pack loads.
fn detector_load_errors(query: &str, predicate: Option<&str>) -> Vec<String> {
    let predicate = predicate.map_or(String::new(), |p| format!("predicate = '''\n{p}\n'''\n"));
    let toml = format!(
        "[pack]\nname = \"bad\"\nversion = \"0\"\nlanguages = [\"python\"]\ndescription = \"d\"\n\n[[detector]]\nname = \"d\"\ncheck = \"test.runtime.probe\"\nlanguage = \"python\"\nquery = '''{query}'''\n{predicate}message = \"m\"\n"
    );
    let toml: &'static str = Box::leak(toml.into_boxed_str());
    let files: PackFiles = Box::leak(vec![("pack.toml", toml)].into_boxed_slice());
    let mut catalog = Catalog::default();
    catalog.add_toml("catalog.toml", CATALOG).unwrap();
    match EngineBuilder::new(catalog).load_pack(&EmbeddedSource { name: "bad", files }) {
        Ok(_) => Vec::new(),
        Err(e) => e.errors.iter().map(|e| e.to_string()).collect(),
    }
}

/// Predicates have no modules: `import` and the `global::` namespace are refused when the pack
/// loads, at their place in the pack file, with what to do instead.
#[test]
fn imports_and_the_global_namespace_are_load_errors() {
    let load = |predicate: &str| detector_load_errors("((call) @site)", Some(predicate));
    let cases = [
        (
            "import \"x\" as y;\ntrue",
            "pack.toml:13:1",
            "`import` is not available: predicates have no modules; put shared functions in the pack's predicate library (`predicate_lib`)",
        ),
        (
            "const LIMIT = 3;\nfn over(x) { x > global::LIMIT }\nover(4)",
            "pack.toml:14:18",
            "`global::` is not available",
        ),
    ];
    for (predicate, place, says) in cases {
        let errors = load(predicate);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].contains(place), "{errors:?}");
        assert!(errors[0].contains(says), "{errors:?}");
    }
    // A top-level constant is still a constant, and an argument carries it into a function.
    assert!(load("const LIMIT = 3;\nfn over(x, limit) { x > limit }\nover(4, LIMIT)").is_empty());
}

/// `#parent-kind?` holds when the capture's parent is of one of the kinds named (a call that is
/// an argument, positional or a keyword's value), and its `#not-` form for the others. A kind
/// the grammar lacks, or none at all, is refused when the pack loads.
#[test]
fn parent_kind_predicate_reads_the_parent() {
    let source = "outer(inner(1), key=kw(2))\nx = assigned(3)\nplain(4)\n";
    let messages = split_calls(
        "(identifier)",
        "(#parent-kind? @site \"argument_list\" \"keyword_argument\")",
        "",
        ("arg", "other"),
        source,
    );
    assert_eq!(
        messages,
        [
            "arg inner",
            "arg kw",
            "other assigned",
            "other outer",
            "other plain"
        ]
    );
    for (bad, expected) in [
        (
            "\"argument_lst\"",
            "names node kind `argument_lst`, which the grammar of this query does not have; did you mean `argument_list`?",
        ),
        ("", "takes a capture and one or more node kinds"),
        ("@site", "takes a capture and one or more node kinds"),
    ] {
        let errors = query_load_errors(&format!("((call) @site (#parent-kind? @site {bad}))"));
        assert!(
            errors.iter().any(|e| e.contains(expected)),
            "{bad}: {errors:?}"
        );
    }
}

/// `#passes-param?` holds for a call that hands one of its function's parameters on as an
/// argument, positionally or as a keyword argument's value; the function is the innermost one
/// (a lambda counts), as `enclosing_fn` says.
#[test]
fn passes_param_predicate_finds_parameters_handed_on() {
    let source = "\
def run(session, job_id, *, name):
    pos(job_id)
    kw(key=name)
    expr(job_id + 1)
    other(unknown)
    empty()
    attr(session.id)
    def inner(x):
        outer_param(job_id)
        own_param(x)
module_level(job_id)
f = lambda k: in_lambda(k)
";
    let messages = split_calls(
        "(identifier)",
        "(#passes-param? @site)",
        "",
        ("yes", "no"),
        source,
    );
    assert_eq!(
        messages,
        [
            "no attr",
            "no empty",
            "no expr",
            "no module_level",
            "no other",
            "no outer_param",
            "yes in_lambda",
            "yes kw",
            "yes own_param",
            "yes pos",
        ]
    );
}

/// `#in-loop?` on a pattern's root also gates the pattern in the walk (it runs only below a
/// loop or comprehension with no function in between); the predicate still decides, so a loop's
/// iterable, a comprehension's first iterable and functions defined in a loop stay outside.
#[test]
fn in_loop_predicate_and_its_walk_gate() {
    let source = "\
for a in iterable():
    body()
    def defined_in_loop():
        nested()
    f = lambda: in_lambda()
while cond():
    in_while()
    [element(x) for x in first_iterable() if condition(x)]

def run(items):
    before()
    for i in items:
        for j in inner_iterable(i):
            deep()
    after()
";
    let messages = split_calls(
        "(identifier)",
        "(#in-loop? @site)",
        "",
        ("loop", "out"),
        source,
    );
    assert_eq!(
        messages,
        [
            "loop body",
            "loop condition",
            "loop deep",
            "loop element",
            "loop first_iterable",
            "loop in_while",
            "loop inner_iterable",
            "out after",
            "out before",
            "out cond",
            "out in_lambda",
            "out iterable",
            "out nested",
        ]
    );
}

/// A pattern that starts on a kind the grammar builds by a rule but that can still be a leaf
/// (Python's `string_content`, whose pieces are hidden tokens) is matched: the walk's shortcuts
/// (opaque strings, skipped tokens) never hide the node a pattern starts on.
#[test]
fn patterns_on_leaf_rules_are_matched() {
    const CONTENT: &str = r#"
[pack]
name = "content"
version = "0"
languages = ["python"]
description = "string contents"

[[detector]]
name = "content"
check = "test.runtime.probe"
language = "python"
query = '''
((string_content) @s
  (#match? @s "NOTIFY"))
'''
message = "notify"
"#;
    static FILES: &[(&str, &str)] = &[("pack.toml", CONTENT)];
    let engine = engine_with("content", FILES);
    let report = engine.check_source("x.py", "sql = \"NOTIFY jobs\"\nother = f\"NOTIFY {x}\"\n");
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    assert_eq!(report.findings.len(), 2, "{:?}", report.findings);

    // A syntax error makes `ERROR` nodes with children, whose kind id lies outside the
    // grammar's tables: the walk goes through them (it once indexed its tables with that id).
    let broken = "sql = \"NOTIFY jobs\"\nasync def f(:\n    x = (a.b,\n";
    let report = engine.check_source("broken.py", broken);
    assert!(report.findings.len() <= 1, "{:?}", report.findings);
}

/// `node.memo` keeps a value on a node for the rest of the file: a second match in the same
/// function reads what the first stored, a second pack has keys of its own, nodes inside the
/// value come back as the same nodes (usable as any other), and a file handle is refused with an
/// error naming the key.
#[test]
fn memo_keeps_values_per_pack_and_node() {
    const COUNTER: &str = r#"
[pack]
name = "NAME"
version = "0"
languages = ["python"]
description = "counts the calls of each function it has seen"

[[detector]]
name = "seen"
check = "test.runtime.probe"
language = "python"
query = '''
((call function: (identifier) @callee) @site
  (#not-eq? @callee "bad"))
'''
predicate = '''
let f = enclosing_fn(site);
let n = f.memo("seen");
if n == () { n = 0; }
f.memo("seen", n + 1);
let facts = f.memo("facts");
if facts == () {
    facts = f.memo("facts", #{ name: fn_name(f), calls: [f.descendants("call").len()], nodes: [f, f.field("name")] });
}
if facts.nodes[0] != f || !facts.nodes[0].same_as(enclosing_fn(site)) { return false; }
#{ n: n, name: facts.nodes[1].text, calls: facts.calls[0] }
'''
message = "NAME {callee} {n} {name} {calls}"

[[detector]]
name = "bad"
check = "test.runtime.probe"
language = "python"
query = '''
((call function: (identifier) @callee) @site
  (#eq? @callee "bad"))
'''
predicate = '''
site.memo("node", #{ at: site, file: file })
'''
message = "never"
"#;
    // The pack loader takes embedded (static) files.
    let pack = |name: &'static str| -> (&'static str, PackFiles) {
        let toml: &'static str = Box::leak(COUNTER.replace("NAME", name).into_boxed_str());
        (
            name,
            Box::leak(vec![("pack.toml", toml)].into_boxed_slice()),
        )
    };
    let engine = engine_with_packs(&[pack("one"), pack("two")]);
    let source = "def f():\n    a()\n    b()\n    c()\n\ndef g():\n    d()\n    bad()\n";
    let report = engine.check_source("app/memo.py", source);
    let mut messages: Vec<String> = report.findings.iter().map(|f| f.message.clone()).collect();
    messages.sort_unstable();
    // Each pack counts from 0 in each function, in document order; `bad()` is a call too.
    assert_eq!(
        messages,
        [
            "one a 0 f 3",
            "one b 1 f 3",
            "one c 2 f 3",
            "one d 0 g 2",
            "two a 0 f 3",
            "two b 1 f 3",
            "two c 2 f 3",
            "two d 0 g 2",
        ]
    );
    let errors: Vec<&str> = report
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .filter(|m| m.contains("node.memo(\"node\""))
        .collect();
    assert_eq!(errors.len(), 2, "{:?}", report.diagnostics);
    assert!(
        errors[0].contains("the value holds a file"),
        "{}",
        errors[0]
    );
}

/// `file.imported(modules)` names the first of the modules the file imports (itself or a name
/// in it), in the order given, and `()` for none; a prefix that is not a whole module (`fast`
/// for `fastapi`) does not count, and a module name that is not a string is an error.
#[test]
fn imported_names_the_first_module_the_file_imports() {
    const PACK: &str = r#"
[pack]
name = "imports"
version = "0"
languages = ["python"]
description = "which modules a file imports"

[[detector]]
name = "imports"
check = "test.runtime.probe"
language = "python"
query = '''
((call function: (identifier) @callee) @site
  (#eq? @callee "probe"))
'''
predicate = '''
fn show(v) { if v == () { "-" } else { v } }
#{
    one: show(file.imported("fastapi")),
    first: show(file.imported(["celery", "os", "fastapi"])),
    prefix: show(file.imported("fast")),
    none: show(file.imported(["redis"])),
}
'''
message = "{one} {first} {prefix} {none}"

[[detector]]
name = "bad"
check = "test.runtime.probe"
language = "python"
query = '''
((call function: (identifier) @callee) @site
  (#eq? @callee "bad"))
'''
predicate = '''
file.imported(["os", 1]) != ()
'''
message = "never"
"#;
    static FILES: &[(&str, &str)] = &[("pack.toml", PACK)];
    let engine = engine_with("imports", FILES);
    let source = "import os.path\nfrom fastapi import Depends\n\nprobe()\nbad()\n";
    let report = engine.check_source("app/imports.py", source);
    let messages: Vec<&str> = report.findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(messages, ["fastapi os - -"], "{:?}", report.diagnostics);
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.message.contains("file.imported([…]): `1` is a i64")),
        "{:?}",
        report.diagnostics
    );
}

/// A predicate's rhai state is kept from one match to the next (engine/src/script/mod.rs,
/// `Runtime`). Each match still gets the whole operation budget and its own values, and a
/// match after one that failed runs as usual.
#[test]
fn each_match_starts_afresh() {
    const LOOPS: &str = r#"
[pack]
name = "fresh"
version = "0"
languages = ["python"]
description = "state kept between matches"

[[detector]]
name = "fresh"
check = "test.runtime.probe"
language = "python"
query = '''
((call function: (identifier) @callee) @site)
'''
predicate = '''
fn name(c) { c.text }
if name(callee) == "fails" { throw "this match fails"; }
// About two thirds of the operation budget, at every match.
let n = 0;
for i in 0..SPIN { n += 1; }
#{ name: name(callee) }
'''
message = "{name}"
"#;
    let run = |spin: usize| {
        let text = LOOPS.replace("SPIN", &spin.to_string());
        let text: &'static str = Box::leak(text.into_boxed_str());
        let files: PackFiles = Box::leak(vec![("pack.toml", text)].into_boxed_slice());
        engine_with("fresh", files).check_source("a.py", "one()\nfails()\ntwo()\nthree()\nfour()\n")
    };
    // Calibrate: twice the loop is over the budget in one match.
    let spin = 45_000;
    let over = run(2 * spin);
    assert!(
        over.diagnostics
            .iter()
            .any(|d| d.message.contains("operations")),
        "{:?}",
        over.diagnostics
    );
    let r = run(spin);
    let names: Vec<&str> = r.findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(
        names,
        ["one", "two", "three", "four"],
        "{:?}",
        r.diagnostics
    );
    assert_eq!(r.diagnostics.len(), 1, "{:?}", r.diagnostics);
    assert!(r.diagnostics[0].message.contains("this match fails"));
}

/// Host functions take their node by reference (no copy per call); a node held in a constant,
/// a loop variable or a function parameter still goes to them in either call style, and they
/// leave the variable as it was.
#[test]
fn host_functions_take_nodes_from_any_variable() {
    const PACK: &str = r#"
[pack]
name = "byref"
version = "0"
languages = ["python"]
description = "nodes passed by reference"

[[detector]]
name = "byref"
check = "test.runtime.probe"
language = "python"
query = '''
((call function: (identifier) @callee) @site)
'''
predicate = '''
const c = site;
let a = enclosing_fn(c);
let b = c.enclosing_fn();
fn outer(n) { enclosing_fn(n) }
let d = outer(site);
let e = ();
for x in [site] { e = x.enclosing_fn(); }
if a == () || b != a || d != a || e != a { throw "a call style disagreed"; }
// The constant and the capture are untouched.
if c != site || site.kind != "call" { throw "the variable changed"; }
#{ name: fn_name(a) + ":" + callee.text }
'''
message = "{name}"
"#;
    let files: PackFiles = &[("pack.toml", PACK)];
    let r = engine_with("byref", files)
        .check_source("a.py", "def f():\n    one()\n\nasync def g():\n    two()\n");
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    let names: Vec<&str> = r.findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(names, ["f:one", "g:two"]);
}

/// The call graph keeps the calls between functions only when some pack can observe them: a
/// pack that asks `function_context` alone (no `entrypoints` extractor, no `callers` or
/// `callees`) gets the functions and the calls under `if __name__ == "__main__":`, which is all
/// its contexts depend on; a pack that reads `callers` gets every call.
#[test]
fn call_edges_are_indexed_when_a_pack_can_observe_them() {
    macro_rules! pack {
        ($predicate:literal) => {
            concat!(
                r#"
[pack]
name = "graph"
version = "0"
languages = ["python"]
description = "reads the call graph"

# A detector gives the file the dispatching walk and its node table, as in a real check.
[[detector]]
name = "probe"
check = "test.runtime.probe"
language = "python"
query = '''((call function: (identifier) @callee) @site (#eq? @callee "never_called"))'''
message = "m"

[[project_detector]]
name = "contexts"
check = "test.runtime.probe"
message = "{what}"
predicate = '''"#,
                $predicate,
                "'''\n"
            )
        };
    }
    const SOURCE: &str = "def run():\n    helper()\n\ndef helper():\n    load()\n\ndef load():\n    pass\n\nsetup()\n\nif __name__ == \"__main__\":\n    run()\n";
    static CONTEXTS: PackFiles = &[(
        "pack.toml",
        pack!(
            r#"let c = function_context("cli.run"); [#{ file: "cli.py", line: 1, what: c.class }]"#
        ),
    )];
    static EDGES: PackFiles = &[(
        "pack.toml",
        pack!(r#"[#{ file: "cli.py", line: 1, what: callers("cli.load").len() }]"#),
    )];
    let run = |files: PackFiles| {
        let engine = engine_with("graph", files);
        let mut report = engine.check_source("cli.py", SOURCE);
        let graph = report
            .graph
            .take()
            .expect("the pack asks for the call graph");
        let calls: Vec<String> = graph
            .calls
            .iter()
            .map(|c| format!("{:?}>{}", c.caller, c.target))
            .collect();
        let facts = ppa_engine::project::Facts::from_records(Vec::new());
        let cx = ppa_engine::exec_context::ExecContext::build(
            std::slice::from_ref(&graph),
            &facts,
            &Default::default(),
        );
        let info = ppa_engine::project::ProjectInfo {
            exec: Some(std::sync::Arc::new(cx)),
            ..Default::default()
        };
        let project = engine.check_project(&facts, &info);
        let messages: Vec<String> = project.findings.iter().map(|f| f.message.clone()).collect();
        (graph.functions.len(), calls, messages)
    };
    // Contexts only: the `__main__` call, which makes `run` a command.
    let (functions, calls, messages) = run(CONTEXTS);
    assert_eq!(functions, 3);
    assert_eq!(calls, ["Main>cli.run"]);
    assert_eq!(messages, ["cli"]);
    // Edges: every call, and `load` has its caller.
    let (functions, calls, messages) = run(EDGES);
    assert_eq!(functions, 3);
    assert_eq!(
        calls,
        [
            "Function(0)>cli.helper",
            "Function(1)>cli.load",
            "Main>cli.run"
        ]
    );
    assert_eq!(messages, ["1"]);
}

/// Predicates run after the walk, detector by detector; what they produce still comes out in
/// match order. Two extractors of one fact (one failing on some matches) and a detector whose
/// predicate fails on others interleave in the file: the records alternate between the
/// extractors in source order, and the errors of both failing predicates follow their lines.
#[test]
fn records_and_diagnostics_come_in_match_order() {
    static PACK: PackFiles = &[(
        "pack.toml",
        r#"
[pack]
name = "order"
version = "0"
languages = ["python"]
description = "interleaved extractors"

[[extractor]]
name = "calls"
fact = "seen"
language = "python"
query = '''((call function: (identifier) @callee) @site)'''
predicate = '''if callee.text == "alpha" || callee.text == "gamma" { undefined_function(); } #{ what: "call " + callee.text }'''

[[extractor]]
name = "names"
fact = "seen"
language = "python"
query = '''((assignment left: (identifier) @name) @site)'''
predicate = '''[#{ what: "name " + name.text }, #{ what: "again " + name.text }]'''

[[detector]]
name = "fails"
check = "test.runtime.probe"
language = "python"
query = '''((call function: (identifier) @callee) @site)'''
predicate = '''if callee.text.starts_with("b") { undefined_function(); } false'''
message = "m"
"#,
    )];
    const SOURCE: &str = "x = 1\nalpha()\ny = 2\nbeta()\nz = 3\nbravo()\ngamma()\n";
    // The benchmark's engine without predicates (`--predicates-share`): no script runs, so no
    // record and no error.
    let mut catalog = Catalog::default();
    catalog.add_toml("catalog.toml", CATALOG).unwrap();
    let mut b = EngineBuilder::new(catalog).without_predicates();
    b.load_pack(&EmbeddedSource {
        name: "order",
        files: PACK,
    })
    .unwrap();
    let bare = b.build().0.check_source("order.py", SOURCE);
    assert!(
        bare.records.is_empty() && bare.diagnostics.is_empty(),
        "{bare:#?}"
    );
    // Only the `calls` extractor's predicate switched off (`--predicates-of order/calls`): the
    // other extractor's records and the detector's errors remain; a name that matches no
    // scripted unit is refused.
    let partial = |names: &[&str]| {
        let mut catalog = Catalog::default();
        catalog.add_toml("catalog.toml", CATALOG).unwrap();
        let mut b = EngineBuilder::new(catalog);
        b.load_pack(&EmbeddedSource {
            name: "order",
            files: PACK,
        })
        .unwrap();
        b.without_predicates_of(names)
            .map(|b| b.build().0.check_source("order.py", SOURCE))
    };
    let some = partial(&["order/calls"]).unwrap();
    let whats: Vec<&str> = some
        .records
        .iter()
        .map(|r| r.data["what"].as_str().unwrap_or("?"))
        .collect();
    assert_eq!(
        whats,
        ["name x", "again x", "name y", "again y", "name z", "again z"]
    );
    let lines: Vec<Option<usize>> = some.diagnostics.iter().map(|d| d.line).collect();
    assert_eq!(lines, [Some(4), Some(6)], "{:#?}", some.diagnostics);
    assert!(partial(&["order/nothing"]).is_err());
    assert!(partial(&["calls"]).is_err());
    let engine = engine_with("order", PACK);
    let report = engine.check_source("order.py", SOURCE);
    let seen: Vec<(usize, String)> = report
        .records
        .iter()
        .map(|r| (r.line, r.data["what"].as_str().unwrap_or("?").to_string()))
        .collect();
    let expected: Vec<(usize, String)> = [
        (1, "name x"),
        (1, "again x"),
        (3, "name y"),
        (3, "again y"),
        (4, "call beta"),
        (5, "name z"),
        (5, "again z"),
        (6, "call bravo"),
    ]
    .iter()
    .map(|(l, w)| (*l, w.to_string()))
    .collect();
    assert_eq!(seen, expected);
    let failed: Vec<Option<usize>> = report
        .diagnostics
        .iter()
        .filter(|d| d.level == ppa_engine::Level::Error)
        .map(|d| d.line)
        .collect();
    // The extractor's failures (lines 2 and 7) and the detector's (lines 4 and 6) interleave,
    // though each predicate ran over all its matches before the other.
    assert_eq!(
        failed,
        vec![Some(2), Some(4), Some(6), Some(7)],
        "{:#?}",
        report.diagnostics
    );
}

#[test]
fn binding_names_agree_across_the_module_boundary() {
    const BINDINGS: &str = r#"
[pack]
name = "bindings"
version = "0"
languages = ["python"]
description = "names the variables that calls are given"

[[detector]]
name = "py"
check = "test.runtime.probe"
language = "python"
query = '''
((call function: (identifier) @f arguments: (argument_list . (_) @arg)) @site
  (#eq? @f "probe"))
'''
predicate = '''
let b = binding_name(arg);
#{ name: if b == () { "-" } else { b } }
'''
message = "{name}"
"#;
    static FILES: &[(&str, &str)] = &[("pack.toml", BINDINGS)];
    let engine = engine_with("bindings", FILES);
    let names = |path: &str, src: &str| -> Vec<String> {
        let report = engine.check_source(path, src);
        assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
        let mut found: Vec<(usize, String)> = report
            .findings
            .iter()
            .map(|f| (f.line, f.message.clone()))
            .collect();
        found.sort();
        found.into_iter().map(|(_, m)| m).collect()
    };
    // Where the router is defined, and where it is imported (by name, as a module attribute).
    let defined = "from fastapi import APIRouter\nrouter = APIRouter()\nprobe(router)\n";
    assert_eq!(
        names("app/routers/items.py", defined),
        ["app.routers.items.router"]
    );
    let user = "from app.routers import items\nfrom app.routers.items import router as r\nimport app.routers.items as it\nprobe(items.router)\nprobe(r)\nprobe(it.router)\n";
    assert_eq!(
        names("app/main.py", user),
        [
            "app.routers.items.router",
            "app.routers.items.router",
            "app.routers.items.router"
        ]
    );
    // Not a module-level variable: a local, a parameter, a name bound twice, a call.
    let other =
        "x = 1\nx = 2\nprobe(x)\nprobe(make())\ndef f(p):\n    y = 3\n    probe(y)\n    probe(p)\n";
    assert_eq!(names("app/other.py", other), ["-", "-", "-", "-"]);
}
