//! P2 receiver kinds (`receiver_kind`, `db_op`, `sql_verb`) through a real pack with
//! `[[receiver]]` tables, and the loader's checks of those tables.

use ppa_engine::catalog::Catalog;
use ppa_engine::pack::EmbeddedSource;
use ppa_engine::{Engine, EngineBuilder};

const CATALOG: &str = r#"
[[check]]
id = "test.query.probe"
title = "Probe"
category = "query"
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
languages = ["python", "go", "typescript"]
description = "reports the receiver kind and DB operation of every method call"

[[detector]]
name = "py"
check = "test.query.probe"
language = "python"
query = '''
((call function: (attribute object: (_) @recv attribute: (identifier) @m)) @site)
'''
predicate = '''
let op = db_op(site);
let args = call_args(site).positional;
let verb = if args.is_empty() { "" } else { sql_verb(args[0]) };
#{ k: receiver_kind(recv), op: if op == () { "-" } else { op.op + "/" + op.receiver.text }, verb: verb }
'''
message = "{recv}.{m}={k}|{op}|{verb}"

[[detector]]
name = "go"
check = "test.query.probe"
language = "go"
query = '''
((call_expression function: (selector_expression operand: (_) @recv field: (field_identifier) @m)) @site)
'''
predicate = '''
let op = db_op(site);
#{ k: receiver_kind(recv), op: if op == () { "-" } else { op.op } }
'''
message = "{recv}.{m}={k}|{op}"

[[detector]]
name = "ts"
check = "test.query.probe"
language = "typescript"
query = '''
((call_expression function: (member_expression object: (_) @recv property: (property_identifier) @m)) @site)
'''
predicate = '''
#{ k: receiver_kind(recv) }
'''
message = "{recv}.{m}={k}"

[[receiver]]
kind = "t.async_session"
language = "python"
types = ["sqlalchemy.ext.asyncio.AsyncSession"]
factories = ["*.async_sessionmaker()()"]

[receiver.ops]
read = ["execute", "get"]
commit = ["commit"]

[[receiver]]
kind = "t.session"
language = "python"
types = ["sqlalchemy.orm.Session"]
factories = ["*.sessionmaker()()", "*.*get_session()", "*get_session()"]
names = ["session", "db", "self.session"]

[receiver.ops]
read = ["execute", "get"]
uow = ["add"]
commit = ["commit"]

[[receiver]]
kind = "t.engine"
language = "python"
factories = ["*.create_engine()"]

[receiver.ops]
begin = ["begin"]

[[receiver]]
kind = "t.connection"
language = "python"
factories = ["@t.engine.connect()", "@t.engine.begin()"]

[receiver.ops]
read = ["execute"]

[[receiver]]
kind = "t.tx"
language = "go"
types = ["database/sql.Tx"]
names = ["tx"]

[receiver.ops]
commit = ["Commit"]

[[receiver]]
kind = "t.client"
language = "typescript"
types = ["pg.PoolClient"]
names = ["client"]
"#;

fn engine_with(files: &'static [(&'static str, &'static str)]) -> Engine {
    let mut catalog = Catalog::default();
    catalog.add_toml("catalog.toml", CATALOG).unwrap();
    let mut b = EngineBuilder::new(catalog);
    if let Err(e) = b.load_pack(&EmbeddedSource {
        name: "probe",
        files,
    }) {
        let errors: Vec<String> = e.errors.iter().map(|e| e.to_string()).collect();
        panic!("{errors:?}");
    }
    b.build().0
}

/// The (line, message) of every finding of `engine` on `source` (as `app/jobs.py`), in order
/// of line; the check must leave no diagnostics.
fn findings_by_line(engine: &Engine, source: &str) -> Vec<(usize, String)> {
    let report = engine.check_source("app/jobs.py", source);
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    let mut got: Vec<(usize, String)> = report
        .findings
        .iter()
        .map(|f| (f.line, f.message.clone()))
        .collect();
    got.sort();
    got
}

/// The errors of loading a pack that must fail to load, as text.
fn load_errors(files: &'static [(&'static str, &'static str)]) -> Vec<String> {
    let mut catalog = Catalog::default();
    catalog.add_toml("catalog.toml", CATALOG).unwrap();
    let mut b = EngineBuilder::new(catalog);
    let e = b
        .load_pack(&EmbeddedSource {
            name: "probe",
            files,
        })
        .unwrap_err();
    e.errors.iter().map(|e| e.to_string()).collect()
}

fn probe(path: &str, src: &str) -> Vec<String> {
    static FILES: &[(&str, &str)] = &[("pack.toml", PACK)];
    let engine = engine_with(FILES);
    let report = engine.check_source(path, src);
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    let mut out: Vec<(usize, usize, String)> = report
        .findings
        .iter()
        .map(|f| (f.line, f.column, f.message.clone()))
        .collect();
    out.sort();
    out.into_iter().map(|(_, _, m)| m).collect()
}

const PY: &str = r#"from typing import Annotated, Optional
import requests
from fastapi import Depends
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from app.db import get_session

engine = create_engine("postgresql://")
SessionLocal = sessionmaker(engine)
AsyncLocal = async_sessionmaker(engine)
SessionDep = Annotated[Session, Depends(get_session)]

def annotated(a: Annotated[Session, Depends(get_session)], b: Optional[Session], c: Session | None, d: "AsyncSession", e: SessionDep):
    a.add(x)
    b.get(M, 1)
    c.commit()
    d.execute(q)
    e.execute(text("  -- why\n UPDATE jobs SET x = 1"))

async def bound():
    s = SessionLocal()
    s.execute(q)
    async with AsyncLocal() as t:
        await t.execute(q)
    u = get_session()
    u.add(x)
    with engine.begin() as conn:
        conn.execute(text("WITH a AS (SELECT 1) DELETE FROM t"))
    c2 = engine.connect()
    c2.execute(f"select {x}")
    w = await AsyncLocal()
    w.commit()

def names(session, db, other):
    session.add(x)
    db.query(M)
    other.add(x)

def near_misses(session: requests.Session, db: "Redis"):
    session.get(url)
    db.get(k)
    s = requests.Session()
    s.get(url)
    with open(p) as db2:
        db2.read()

class Repo:
    session: AsyncSession

    def __init__(self, engine, db: Session):
        self.db = db
        self.other = SessionLocal()

    async def run(self):
        await self.session.execute(q)
        self.db.add(x)
        self.other.commit()
        self.cache.get(k)
"#;

#[test]
fn python_receivers_by_annotation_value_and_name() {
    let got = probe("app/repo.py", PY);
    let want = [
        "a.add=t.session|uow/a|",
        "b.get=t.session|read/b|",
        "c.commit=t.session|commit/c|",
        "d.execute=t.async_session|read/d|",
        "e.execute=t.session|read/e|UPDATE",
        "s.execute=t.session|read/s|",
        "t.execute=t.async_session|read/t|",
        "u.add=t.session|uow/u|",
        "engine.begin=t.engine|begin/engine|",
        "conn.execute=t.connection|read/conn|DELETE",
        "engine.connect=t.engine|-|",
        "c2.execute=t.connection|read/c2|SELECT",
        "w.commit=t.async_session|commit/w|",
        "session.add=t.session|uow/session|",
        "db.query=t.session|-|",
        "other.add=|-|",
        "session.get=|-|",
        "db.get=|-|",
        "requests.Session=|-|",
        "s.get=|-|",
        "db2.read=|-|",
        "self.session.execute=t.async_session|read/self.session|",
        "self.db.add=t.session|uow/self.db|",
        "self.other.commit=t.session|commit/self.other|",
        "self.cache.get=|-|",
    ];
    assert_eq!(got, want);
}

#[test]
fn go_and_typescript_receivers_by_declared_type_and_name() {
    let go = "package m\nimport \"database/sql\"\nfunc f(t *sql.Tx, db *sql.DB) {\n\tt.Commit()\n\tdb.Commit()\n\tvar tx *sql.Tx\n\ttx.Commit()\n}\nfunc g(tx Other) { tx.Commit() }\nfunc h(tx interface{}) { tx.Commit() }\n";
    assert_eq!(
        probe("m.go", go),
        [
            "t.Commit=t.tx|commit",
            "db.Commit=|-",
            "tx.Commit=t.tx|commit",
            "tx.Commit=|-",
            // `interface{}` says nothing: the name decides.
            "tx.Commit=t.tx|commit"
        ]
    );
    let ts = "import { PoolClient } from 'pg';\nasync function f(c: PoolClient, client, other: Foo) {\n  c.query(q);\n  client.query(q);\n  other.query(q);\n}\n";
    assert_eq!(
        probe("a.ts", ts),
        ["c.query=t.client", "client.query=t.client", "other.query=",]
    );
}

#[test]
fn bad_receiver_tables_are_reported() {
    const BAD: &str = r#"
[pack]
name = "probe"
version = "0"
languages = ["python"]
description = "bad receivers"

[[receiver]]
kind = "Bad Kind"
language = "python"

[[receiver]]
kind = "a.b"
language = "python"
[receiver.ops]
reads = ["get"]

[[receiver]]
kind = "a.c"
language = "python"
[receiver.ops]
read = ["get"]
uow = ["get"]

[[receiver]]
kind = "a.c"
language = "python"

[[span]]
language = "python"
implicit = true
"#;
    static FILES: &[(&str, &str)] = &[("pack.toml", BAD)];
    let all = load_errors(FILES).join("\n");
    assert!(
        all.contains("`Bad Kind` is not a dotted lower-case name"),
        "{all}"
    );
    assert!(all.contains("unknown operation class `reads`"), "{all}");
    assert!(
        all.contains("method `get` is in both `read` and `uow`"),
        "{all}"
    );
    assert!(
        all.contains("receiver kind `a.c` is defined twice"),
        "{all}"
    );
    assert!(all.contains("names no receivers"), "{all}");
}

const SPAN_PACK: &str = r#"
[pack]
name = "probe"
version = "0"
languages = ["python"]
description = "reports the transaction spans of every function"

[[detector]]
name = "spans"
check = "test.query.probe"
language = "python"
query = '''
((function_definition name: (identifier) @name) @def)
'''
predicate = '''
let out = [];
for s in tx_spans(def) {
  let r = if s.receiver == () { "-" } else { s.receiver.text };
  out.push(`${r}:${s.kind}:${if s.explicit { "x" } else { "i" }}:${s.start_line}-${s.end_line}:${s.ends_with}:w${s.writes.len()}:o${s.ops.len()}`);
}
let probe = def.descendants("call").filter(|c| c.text == "probe()");
let at = if probe.is_empty() { "" } else {
  let s = tx_span(probe[0]);
  if s == () { " @none" } else { ` @${s.start_line}` }
};
#{ spans: out.reduce(|acc, x| if acc == "" { x } else { acc + " " + x }, "") + at }
'''
message = "{name}={spans}"

[[receiver]]
kind = "t.session"
language = "python"
types = ["sqlalchemy.orm.Session"]
factories = ["*.sessionmaker()()"]
names = ["session", "s"]

[receiver.ops]
read = ["execute", "get", "scalars"]
uow = ["add", "flush"]
bulk = ["add_all"]
begin = ["begin"]
commit = ["commit"]
rollback = ["rollback"]
release = ["close"]

[[receiver]]
kind = "t.engine"
language = "python"
names = ["engine"]

[receiver.ops]
begin = ["begin"]

[[receiver]]
kind = "t.connection"
language = "python"
factories = ["@t.engine.begin()", "@t.engine.connect()"]

[receiver.ops]
read = ["execute"]
commit = ["commit"]

[[span]]
language = "python"
receivers = ["t.session", "t.connection"]
implicit = true
blocks = ["begin"]
context_managers = ["tx.atomic"]
decorators = ["tx.atomic"]
"#;

const SPANS_PY: &str = r#"import tx; from sqlalchemy.orm import sessionmaker; SessionLocal = sessionmaker()
from sqlalchemy import update

def implicit(session):
    session.add(x)
    probe()
    session.commit()
    session.execute(q)

def with_block(s):
    with s.begin():
        o = s.get(M, 1)
        o.status = "paid"
        probe()
    s.execute(q)

def engine_block(engine):
    with engine.begin() as conn:
        conn.execute(update(M).values(x=1))
    probe()

def bound(maker):
    with SessionLocal() as s:
        s.execute(q)
        s.execute(q)
    probe()

def rollback_and_close(session):
    try:
        session.add_all(xs)
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()

@tx.atomic
def decorated(session):
    with tx.atomic():
        probe()
    # comment

    session.execute(q)

def read_only(session):
    for j in session.scalars(q):
        j.done = True
"#;

#[test]
fn spans_explicit_implicit_and_their_writes() {
    static FILES: &[(&str, &str)] = &[("pack.toml", SPAN_PACK)];
    let engine = engine_with(FILES);
    let got = findings_by_line(&engine, SPANS_PY);
    let got: Vec<String> = got.into_iter().map(|(_, m)| m).collect();
    assert_eq!(
        got,
        [
            "implicit=session:t.session:i:5-7:commit:w1:o2 session:t.session:i:8-8:function:w0:o1 @5",
            "with_block=s:t.session:x:11-14:block:w1:o1 s:t.session:i:15-15:function:w0:o1 @11",
            "engine_block=conn:t.connection:x:18-19:block:w1:o1 @none",
            "bound=s:t.session:i:24-25:block:w0:o2 @none",
            "rollback_and_close=session:t.session:i:30-31:commit:w1:o2",
            "decorated=-::x:39-44:function:w0:o1 -::x:40-41:block:w0:o0 @40",
            "read_only=session:t.session:i:47-48:function:w1:o1",
        ]
    );
}

const BRANCHES_PY: &str = r#"def conditional(session):
    session.add(x)
    if ok:
        session.commit()
    probe()

def both_branches(session):
    session.add(x)
    if ok:
        session.commit()
    else:
        session.rollback()
    probe()

def in_loop(session):
    while polled:
        q = session.execute(s)
        if stats:
            session.commit()
        probe()

def in_try(session):
    try:
        session.add(x)
        session.commit()
    except Exception:
        session.rollback()
        raise
    probe()
"#;

#[test]
fn a_commit_in_one_branch_leaves_the_span_open() {
    static FILES: &[(&str, &str)] = &[("pack.toml", SPAN_PACK)];
    let engine = engine_with(FILES);
    let got = findings_by_line(&engine, BRANCHES_PY);
    let got: Vec<String> = got.into_iter().map(|(_, m)| m).collect();
    assert_eq!(
        got,
        [
            "conditional=session:t.session:i:2-5:function:w1:o2 @2",
            "both_branches=session:t.session:i:8-10:commit:w1:o2 @none",
            "in_loop=session:t.session:i:17-20:function:w0:o2 @17",
            "in_try=session:t.session:i:24-25:commit:w1:o2 @none",
        ]
    );
}

/// `#in-tx-span?` holds where `tx_span` finds a span (the innermost open at the capture, in the
/// capture's own function), and with a second argument only where that span's kind starts with
/// it; `#not-in-tx-span?` holds everywhere else. The spans are those of
/// `spans_explicit_implicit_and_their_writes`.
#[test]
fn in_tx_span_predicate_agrees_with_tx_span() {
    let receivers = &SPAN_PACK[SPAN_PACK.find("[[receiver]]").unwrap()..];
    let detector = |name: &str, pred: &str| {
        format!(
            "[[detector]]\nname = \"{name}\"\ncheck = \"test.query.probe\"\nlanguage = \"python\"\nquery = '''\n((call function: (identifier) @f) @site\n  (#eq? @f \"probe\")\n  {pred})\n'''\nmessage = \"{name}\"\n\n"
        )
    };
    let toml = format!(
        "[pack]\nname = \"probe\"\nversion = \"0\"\nlanguages = [\"python\"]\ndescription = \"probes in spans\"\n\n{}{}{}{}{receivers}",
        detector("any", "(#in-tx-span? @site)"),
        detector("session", "(#in-tx-span? @site \"t.sess\")"),
        detector("outside", "(#not-in-tx-span? @site)"),
        detector("writing", "(#in-tx-span? @site \"\" \"writes\")"),
    );
    let toml: &'static str = Box::leak(toml.into_boxed_str());
    let files: &'static [(&'static str, &'static str)] =
        Box::leak(vec![("pack.toml", toml)].into_boxed_slice());
    let engine = engine_with(files);
    let got = findings_by_line(&engine, SPANS_PY);
    // Lines 6 and 14: session spans; 20 and 26 (after a block, after `with Session()`): none;
    // 41: the span of `with tx.atomic()`, a context manager's, which has no receiver kind and
    // no write (not "writing").
    assert_eq!(
        got,
        [
            (6, "any".to_string()),
            (6, "session".to_string()),
            (6, "writing".to_string()),
            (14, "any".to_string()),
            (14, "session".to_string()),
            (14, "writing".to_string()),
            (20, "outside".to_string()),
            (26, "outside".to_string()),
            (41, "any".to_string()),
        ]
    );
}

/// `#in-tx-span?` takes a capture, at most one string and then `"writes"`; anything else is a
/// located error.
#[test]
fn in_tx_span_predicate_arguments_are_checked() {
    for bad in [
        "(#in-tx-span? @site \"a\" \"b\")",
        "(#in-tx-span? @site \"a\" \"writes\" \"c\")",
        "(#in-tx-span? @site @site)",
    ] {
        let toml = format!(
            "[pack]\nname = \"probe\"\nversion = \"0\"\nlanguages = [\"python\"]\ndescription = \"bad\"\n\n[[detector]]\nname = \"d\"\ncheck = \"test.query.probe\"\nlanguage = \"python\"\nquery = '''\n((call) @site\n  {bad})\n'''\nmessage = \"m\"\n"
        );
        let toml: &'static str = Box::leak(toml.into_boxed_str());
        let files: &'static [(&'static str, &'static str)] =
            Box::leak(vec![("pack.toml", toml)].into_boxed_slice());
        let all = load_errors(files);
        assert!(
            all.iter()
                .any(|m| m.contains("`#in-tx-span?` takes a capture, optionally")),
            "{bad}: {all:?}"
        );
    }
}
