//! Unit tests of the shared semantic model: resolution (P1) and loops/functions (P4).

use super::*;
use std::sync::Arc;

fn file(path: &str, src: &str) -> Arc<FileCtx> {
    let lang = Language::from_path(path).unwrap();
    let tree = crate::engine::parse(lang, src).unwrap();
    Arc::new(FileCtx::new(path.into(), lang, src.into(), tree))
}

/// Every call node of a file, in source order.
fn calls(f: &FileCtx) -> Vec<Node<'_>> {
    let mut nodes = Vec::new();
    let mut stack = vec![f.tree.root_node()];
    while let Some(n) = stack.pop() {
        if matches!(n.kind(), "call" | "call_expression") {
            nodes.push(n);
        }
        let mut c = n.walk();
        stack.extend(n.named_children(&mut c));
    }
    nodes.sort_by_key(|n| n.start_byte());
    nodes
}

fn callee<'t>(n: Node<'t>) -> Node<'t> {
    n.child_by_field_name("function").unwrap()
}

/// Resolves the callee of every call, in source order.
fn callees(f: &FileCtx) -> Vec<String> {
    calls(f)
        .into_iter()
        .map(|n| resolve(f, callee(n)))
        .collect()
}

#[test]
fn python_import_aliases() {
    let f = file(
        "app/x.py",
        "import time\nimport time as t\nfrom time import sleep as zz\nimport os.path\n\ntime.sleep(1)\nt.sleep(1)\nzz(1)\nos.path.join('a')\n",
    );
    assert_eq!(
        callees(&f),
        vec!["time.sleep", "time.sleep", "time.sleep", "os.path.join"]
    );
}

#[test]
fn python_nearest_binding_wins() {
    let src = "from time import sleep\n\ndef sleep2():\n    pass\n\nasync def a():\n    sleep(1)\n\nasync def b(sleep):\n    sleep(1)\n\nasync def c():\n    def sleep(n):\n        return n\n    sleep(1)\n\ndef len(x):\n    return 0\n\nlen([])\nopen('f')\n";
    let f = file("x.py", src);
    assert_eq!(
        callees(&f),
        vec!["time.sleep", "$sleep", "$sleep", "$len", "open"]
    );
}

#[test]
fn python_assignments_and_chains() {
    let src = "import httpx\nimport time\nsleep = time.sleep\n\nasync def f(url):\n    c = httpx.Client()\n    c.get(url)\n    httpx.Client().post(url)\n    sleep(1)\n    with httpx.Client() as d:\n        d.get(url)\n";
    let f = file("x.py", src);
    assert_eq!(
        callees(&f),
        vec![
            "httpx.Client",
            "httpx.Client().get",
            // `httpx.Client().post(url)`: the outer call starts first.
            "httpx.Client().post",
            "httpx.Client",
            "time.sleep",
            "httpx.Client",
            "httpx.Client().get",
        ]
    );
}

#[test]
fn python_relative_imports() {
    let f = file(
        "app/api/routes.py",
        "from .models import User\nfrom ..core import db\nfrom . import deps\nUser()\ndb.get()\ndeps.x()\n",
    );
    assert_eq!(
        callees(&f),
        vec!["app.api.models.User", "app.core.db.get", "app.api.deps.x"]
    );
}

#[test]
fn python_loops_and_comprehensions() {
    let src = "for x in load():\n    work(x)\nelse:\n    done()\nys = [f(y) for y in g()]\nwhile cond():\n    step()\n";
    let f = file("x.py", src);
    let mut found: Vec<(String, bool)> = calls(&f)
        .into_iter()
        .map(|n| {
            (
                f.text(callee(n)).to_string(),
                enclosing_loop(&f, n).is_some(),
            )
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        vec![
            ("cond".to_string(), false),
            ("done".to_string(), false),
            ("f".to_string(), true),
            ("g".to_string(), false),
            ("load".to_string(), false),
            ("step".to_string(), true),
            ("work".to_string(), true),
        ]
    );
}

#[test]
fn python_iterable_sizes() {
    let f = file("x.py", "for a in [1, 2, 3]:\n    pass\nfor b in range(10):\n    pass\nfor c in range(2, 8):\n    pass\nfor d in rows:\n    pass\n");
    let root = f.tree.root_node();
    let mut c = root.walk();
    let sizes: Vec<Option<i64>> = root
        .named_children(&mut c)
        .map(|l| iterable_size(&f, l))
        .collect();
    assert_eq!(sizes, vec![Some(3), Some(10), Some(6), None]);
}

#[test]
fn async_functions_and_boundaries() {
    let f = file(
        "x.py",
        "async def a():\n    def b():\n        x()\n    y()\n    z = lambda: w()\n",
    );
    let mut result: Vec<(String, bool)> = calls(&f)
        .into_iter()
        .map(|n| {
            let fun = enclosing_function(&f, n).unwrap();
            (
                f.text(callee(n)).to_string(),
                is_async(Language::Python, fun),
            )
        })
        .collect();
    result.sort();
    assert_eq!(
        result,
        vec![
            ("w".to_string(), false),
            ("x".to_string(), false),
            ("y".to_string(), true)
        ]
    );
}

#[test]
fn offload_arguments() {
    let src = "import asyncio\nasync def f(p):\n    await asyncio.to_thread(lambda: p.read_bytes())\n    p.read_text()\n";
    let f = file("x.py", src);
    let mut result: Vec<(String, bool)> = calls(&f)
        .into_iter()
        .map(|n| {
            let inside = in_call_argument(&f, n, |q| q == "asyncio.to_thread");
            (resolve(&f, callee(n)), inside)
        })
        .collect();
    result.sort();
    assert_eq!(
        result,
        vec![
            ("$p.read_bytes".to_string(), true),
            ("$p.read_text".to_string(), false),
            ("asyncio.to_thread".to_string(), false)
        ]
    );
}

#[test]
fn go_imports() {
    let src = "package x\n\nimport (\n\t\"net/http\"\n\tpg \"github.com/jackc/pgx/v5\"\n\t\"github.com/redis/go-redis/v9\"\n)\n\nfunc f() {\n\thttp.Get(\"u\")\n\tpg.Connect(nil, \"\")\n\tredis.NewClient(nil)\n}\n";
    let f = file("x.go", src);
    assert_eq!(
        callees(&f),
        vec![
            "net/http.Get",
            "github.com/jackc/pgx/v5.Connect",
            "github.com/redis/go-redis/v9.NewClient"
        ]
    );
}

#[test]
fn js_imports_and_requires() {
    let src = "import fs from 'node:fs';\nimport * as cp from 'child_process';\nimport { readFileSync as rf } from 'fs';\nconst { execSync } = require('child_process');\nconst zlib = require('zlib');\nfunction f() {\n  fs.readFileSync('a');\n  cp.execSync('ls');\n  rf('b');\n  execSync('x');\n  zlib.gzipSync(b);\n}\n";
    let f = file("x.js", src);
    assert_eq!(
        callees(&f),
        vec![
            "require",
            "require",
            "fs.readFileSync",
            "child_process.execSync",
            "fs.readFileSync",
            "child_process.execSync",
            "zlib.gzipSync"
        ]
    );
}

#[test]
fn assigned_values() {
    let src = "async def f(request):\n    body = await request.body()\n    x = 1\n    x = 2\n    use(body, x)\n";
    let f = file("x.py", src);
    let mut idents = Vec::new();
    let mut stack = vec![f.tree.root_node()];
    while let Some(n) = stack.pop() {
        if n.kind() == "argument_list" {
            let mut c = n.walk();
            idents.extend(n.named_children(&mut c));
        }
        let mut c = n.walk();
        stack.extend(n.named_children(&mut c));
    }
    idents.sort_by_key(|n| n.start_byte());
    let body = assigned_value(&f, idents[0]).map(|v| f.text(v).to_string());
    assert_eq!(body.as_deref(), Some("await request.body()"));
    assert_eq!(assigned_value(&f, idents[1]), None, "assigned twice");
}

#[test]
fn js_string_constants_are_assigned_values_but_resolve_to_nothing() {
    let src =
        "const CHANNEL = 'orders';\nconst T = `t` as const;\nlet n = 1;\nsub(CHANNEL, T, n);\n";
    let f = file("x.ts", src);
    let mut stack = vec![f.tree.root_node()];
    let mut args = Vec::new();
    while let Some(n) = stack.pop() {
        if n.kind() == "arguments" {
            let mut c = n.walk();
            args.extend(n.named_children(&mut c));
        }
        let mut c = n.walk();
        stack.extend(n.named_children(&mut c));
    }
    args.sort_by_key(|n| n.start_byte());
    let value = |i: usize| assigned_value(&f, args[i]).map(|v| f.text(v).to_string());
    assert_eq!(value(0).as_deref(), Some("'orders'"));
    assert_eq!(value(1).as_deref(), Some("`t` as const"));
    assert_eq!(value(2), None, "a number is not followed");
    assert_eq!(resolve(&f, args[0]), "$CHANNEL");
}
