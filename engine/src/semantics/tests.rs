//! Unit tests of the shared semantic model: resolution (P1) and loops/functions (P4).

use super::*;
use crate::lang::NodeExt;
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
        if matches!(n.kind_str(), "call" | "call_expression") {
            nodes.push(n);
        }
        let mut c = n.walk();
        stack.extend(n.named_children(&mut c));
    }
    nodes.sort_by_key(|n| n.start_byte());
    nodes
}

fn callee<'t>(n: Node<'t>) -> Node<'t> {
    n.field("function").unwrap()
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
        if n.kind_str() == "argument_list" {
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
        if n.kind_str() == "arguments" {
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

/// The literal value of every positional and keyword argument of the first call.
fn first_call_values(f: &FileCtx) -> Vec<Option<Literal>> {
    let call = calls(f).into_iter().next().unwrap();
    let a = call_args(f, call);
    a.positional
        .iter()
        .copied()
        .chain(a.keywords.iter().map(|(_, v)| *v))
        .map(|n| literal(f, n))
        .collect()
}

#[test]
fn literals_fold_constants_and_arithmetic() {
    let src = "RECYCLE = 30 * 60\nBIG = RECYCLE * 2\nURL = 'postgresql://' 'h/db'\nn = 1\nn = 2\nmake(-1, 1_000, 0x10, 2.5, -0.5, None, True, not False, RECYCLE, BIG, URL, n, f'{n}', 7 // 2, 7 / 2, 2 ** 10, 'a' + 'b', x, pool=(5))\n";
    let f = file("x.py", src);
    use Literal::*;
    assert_eq!(
        first_call_values(&f),
        vec![
            Some(Int(-1)),
            Some(Int(1000)),
            Some(Int(16)),
            Some(Float(2.5)),
            Some(Float(-0.5)),
            Some(Null),
            Some(Bool(true)),
            Some(Bool(true)),
            Some(Int(1800)),
            Some(Int(3600)),
            Some(Str("postgresql://h/db".into())),
            None,
            None,
            Some(Int(3)),
            Some(Float(3.5)),
            Some(Int(1024)),
            Some(Str("ab".into())),
            None,
            Some(Int(5)),
        ]
    );
    let js = file(
        "x.js",
        "const MAX = 20;\nnew Pool({}); f(MAX, -3, null, `x${y}`, 'a');\n",
    );
    assert_eq!(
        first_call_values(&js),
        vec![
            // JavaScript constants are not followed (`assigned_value` follows calls, members,
            // identifiers and `new` only).
            None,
            Some(Int(-3)),
            Some(Null),
            None,
            Some(Str("a".into()))
        ]
    );
}

#[test]
fn call_arguments_by_role() {
    let f = file(
        "x.py",
        "create_engine(url, *extra, echo=True, **opts)\nlist(x for x in y)\n",
    );
    let cs = calls(&f);
    let a = call_args(&f, cs[0]);
    let texts = |v: &[Node<'_>]| v.iter().map(|n| f.text(*n).to_string()).collect::<Vec<_>>();
    assert_eq!(texts(&a.positional), ["url"]);
    assert_eq!(texts(&a.list_splats), ["extra"]);
    assert_eq!(texts(&a.dict_splats), ["opts"]);
    assert_eq!(a.keywords.len(), 1);
    assert_eq!(
        (a.keywords[0].0.as_str(), f.text(a.keywords[0].1)),
        ("echo", "True")
    );
    let gen = call_args(&f, cs[1]);
    assert_eq!(gen.positional.len(), 1);
}

#[test]
fn assignment_targets() {
    let f = file(
        "x.py",
        "engine = create_engine(u)\nclass D:\n    def __init__(self):\n        self.pool = (await create_pool(u))\nprint(create_engine(u))\nx = y = make()\nasync def f():\n    async with create_pool(u) as pool, open(p):\n        pass\n",
    );
    let targets: Vec<Option<String>> = calls(&f)
        .into_iter()
        .map(|c| assignment_target(c).map(|t| f.text(t).to_string()))
        .collect();
    assert_eq!(
        targets,
        [
            Some("engine".into()),
            Some("self.pool".into()),
            None,
            None,
            Some("y".into()),
            Some("pool".into()),
            None,
        ]
    );
    let go = file(
        "x.go",
        "package p\nfunc f() {\n\tdb, err := sql.Open(\"pgx\", dsn)\n\t_ = err\n}\n",
    );
    let t = assignment_target(calls(&go)[0]).map(|t| go.text(t).to_string());
    assert_eq!(t.as_deref(), Some("db"));
    let js = file(
        "x.js",
        "const pool = new Pool(cfg);\nlet c; c = await pool.connect();\n",
    );
    let t: Vec<Option<String>> = calls(&js)
        .into_iter()
        .map(|c| assignment_target(c).map(|t| js.text(t).to_string()))
        .collect();
    assert_eq!(t, [Some("c".to_string())]);
}

/// The root of a callee chain (`a` in `a.b().c()`), as `#resolves-to?` finds it.
fn chain_root(mut n: Node<'_>) -> Option<Node<'_>> {
    loop {
        match n.kind_str() {
            "identifier" => return Some(n),
            "attribute" => n = n.field("object")?,
            "call" => n = n.field("function")?,
            "parenthesized_expression" => n = n.named_child(0)?,
            _ => return None,
        }
    }
}

/// `binding_of_use` skips the binding tables of functions that spell a name only at the use:
/// for the root of every callee it answers what the full lookup answers, each asked on a fresh
/// file (no table built by an earlier question), nested functions, shadowing, `global`,
/// parameters, loop and `with` targets, names in strings and comments included.
#[test]
fn binding_of_use_agrees_with_lookup() {
    let src = r#"
import json
import time as t
from os import path

client = make_client()

def handler(req, session):
    data = json.loads(req.body)
    t.sleep(1)
    session.commit()
    open(path.join("a", "b"))
    for row in rows():
        row.save()
    with lock() as held:
        held.release()
    def inner(x):
        json.dumps(x)
        client.get(x)
        return helper(x)
    global client
    client.close()
    return inner(data)

async def worker():
    json = load_json()
    json.loads("json")  # json mentioned again
    helper = lambda: sleep(2)
    helper()
    # open() is named here only in a comment
    open("x")
"#;
    let probe = file("app.py", src);
    let roots: Vec<(usize, usize)> = calls(&probe)
        .into_iter()
        .filter_map(|c| chain_root(callee(c)))
        .map(|r| (r.start_byte(), r.end_byte()))
        .collect();
    assert!(roots.len() > 15, "{}", roots.len());
    for (start, end) in roots {
        let (a, b) = (file("app.py", src), file("app.py", src));
        let na = a.tree.root_node().descendant_for_byte_range(start, end);
        let nb = b.tree.root_node().descendant_for_byte_range(start, end);
        let (na, nb) = (na.expect("root"), nb.expect("root"));
        let name = &src[start..end];
        assert_eq!(
            binding_of_use(&a, na, name, None),
            lookup(&b, nb, name, None),
            "{name} at byte {start}"
        );
    }
}

/// The file's node table gives tree-sitter's own parent links and descendants, whole or
/// leaving out the children of some nodes as the dispatching walk does: `parent_of` and the
/// descendants (`walk_pruned` entering everything) and children (`FileCtx::children_of`, all
/// and named) of every node of the repository's Python files and of broken code, `ancestors`
/// and `ancestors_iter` of every node of a small module.
#[test]
fn table_parents_and_descendants_agree_with_tree_sitter() {
    fn by_parents(n: Node<'_>) -> Vec<usize> {
        let mut out = Vec::new();
        let mut cur = n;
        while let Some(p) = cur.parent() {
            out.push(p.id());
            cur = p;
        }
        out
    }
    let mut checked = 0;
    for (f, whole) in python_files_both_tables() {
        let mut all = Vec::new();
        let _ = walk_below(f.tree.root_node(), |n| {
            all.push(n);
            Ok::<bool, ()>(true)
        });
        assert_eq!(parent_of(&f, f.tree.root_node()), None);
        for n in all {
            let at = || format!("{} at {} (whole: {whole})", n.kind_str(), n.start_byte());
            assert_eq!(
                parent_of(&f, n).map(|p| p.id()),
                n.parent().map(|p| p.id()),
                "{}",
                at()
            );
            let ids = |v: Vec<Node<'_>>| v.iter().map(|k| k.id()).collect::<Vec<_>>();
            let mut c = n.walk();
            let kids = n.children(&mut c).collect::<Vec<_>>();
            let named = n.named_children(&mut c).collect::<Vec<_>>();
            assert_eq!(ids(f.children_of(n, false)), ids(kids), "{}", at());
            assert_eq!(ids(f.named_children(n)), ids(named), "{}", at());
            if n.child_count() > 0 {
                let mut walked = Vec::new();
                let _ = walk_below(n, |k| {
                    walked.push(k.id());
                    Ok::<bool, ()>(true)
                });
                let mut listed = Vec::new();
                f.walk_pruned(n, |k| {
                    listed.push(k.id());
                    true
                });
                assert_eq!(listed, walked, "{}", at());
            }
            checked += 1;
        }
    }
    assert!(checked > 20_000, "{checked} nodes");
    let src = "import os\nfrom a import (b,\n  c)\n\nclass A:\n    def m(self, x):\n        if x:\n            return f(x, 'k')[0]\n        y = [g(v) for v in x]\n        return y\n\ndef h():\n    pass\n";
    for whole in [true, false] {
        let f = file("a.py", src);
        if !whole {
            f.table_with(false, partial);
        }
        let _ = walk_below(f.tree.root_node(), |n| {
            let got: Vec<usize> = ancestors(&f, n).iter().map(|x| x.id()).collect();
            assert_eq!(got, by_parents(n), "{} at {}", n.kind_str(), n.start_byte());
            let one_by_one: Vec<usize> = super::ancestors_iter(&f, n).map(|x| x.id()).collect();
            assert_eq!(one_by_one, got, "{} at {}", n.kind_str(), n.start_byte());
            Ok::<bool, ()>(true)
        });
    }
}

/// What the node-table tests leave out of a partial table: the children of strings, argument
/// lists and imports.
fn partial(n: Node<'_>) -> bool {
    !matches!(
        n.kind_str(),
        "string" | "argument_list" | "import_from_statement"
    )
}

/// Every Python source of the repository and a broken file (error and missing nodes), each as a
/// file with its whole node table (`true`) and as one with a [`partial`] table (`false`).
fn python_files_both_tables() -> impl Iterator<Item = (Arc<FileCtx>, bool)> {
    let mut files = crate::repository_python_sources();
    files.push("def f(:\n    x = (\n".into());
    files.into_iter().flat_map(|src| {
        [true, false].map(|whole| {
            let f = file("a.py", &src);
            if !whole {
                f.table_with(false, partial);
            }
            (f, whole)
        })
    })
}

/// The outermost node with a byte range, off the node table (whole, or leaving out the children
/// of strings, argument lists and imports) and by tree-sitter's descent, for the range of every
/// node of the repository's Python files and for ranges no node has.
#[test]
fn outermost_nodes_by_table_and_by_descent_agree() {
    let mut checked = 0;
    for (f, whole) in python_files_both_tables() {
        let mut ranges = Vec::new();
        let _ = walk_below(f.tree.root_node(), |n| {
            ranges.push((n.start_byte(), n.end_byte()));
            ranges.push((
                n.start_byte(),
                n.end_byte().saturating_sub(1).max(n.start_byte()),
            ));
            Ok::<bool, ()>(true)
        });
        for (start, end) in ranges {
            assert_eq!(
                super::outermost_with_range(&f, start, end).map(|n| n.id()),
                super::outermost_by_descent(&f, start, end).map(|n| n.id()),
                "{start}..{end} (whole: {whole})"
            );
            checked += 1;
        }
    }
    assert!(checked > 40_000, "{checked} ranges");
}

/// `FileCtx::walk_pruned` (off the unit, skipping a refused node's descendants) visits what a
/// pruned walk visits, and `FileCtx::walk_branches` the nodes with children among them, for
/// every function body of the repository's Python files: the transaction spans' walk (nested
/// functions and classes left out) and a stricter one.
#[test]
fn pruned_unit_walks_agree_with_pruned_walks() {
    let mut files = crate::repository_python_sources();
    files.push("def f(:\n    x = (\n".into());
    let mut checked = 0;
    for (src, whole) in files.iter().flat_map(|s| [(s, true), (s, false)]) {
        let f = file("a.py", src);
        if !whole {
            // Without the children of strings and argument lists, as the dispatching walk may.
            f.table_with(true, |n| {
                !matches!(n.kind_str(), "string" | "argument_list")
            });
        }
        let mut bodies = Vec::new();
        let _ = walk_below(f.tree.root_node(), |n| {
            if n.kind_str() == "function_definition" {
                bodies.extend(n.child_by_field_name("body"));
            }
            Ok::<bool, ()>(true)
        });
        let rules: [fn(Node<'_>) -> bool; 2] = [
            |k| {
                k.is_named()
                    && !matches!(
                        k.kind_str(),
                        "function_definition" | "class_definition" | "lambda"
                    )
            },
            |k| k.is_named() && !matches!(k.kind_str(), "if_statement" | "call" | "string"),
        ];
        for body in bodies {
            for rule in rules {
                let mut walked = Vec::new();
                let _ = walk_below(body, |k| {
                    walked.push(k.id());
                    Ok::<bool, ()>(rule(k))
                });
                let mut pruned = Vec::new();
                f.walk_pruned(body, |k| {
                    pruned.push(k.id());
                    rule(k)
                });
                assert_eq!(pruned, walked, "body at {}", body.start_byte());
                // `walk_branches`: the same walk without its leaves.
                let mut branches = Vec::new();
                f.walk_branches(body, |k| {
                    branches.push(k.id());
                    rule(k)
                });
                let mut inner = Vec::new();
                let _ = walk_below(body, |k| {
                    if k.child_count() > 0 {
                        inner.push(k.id());
                    }
                    Ok::<bool, ()>(rule(k))
                });
                assert_eq!(branches, inner, "body at {} (branches)", body.start_byte());
                checked += 1;
            }
        }
    }
    assert!(checked > 2_000, "{checked} bodies");
}

/// `FileCtx::with_descendants` lists what a walk of the whole subtree finds, whether it walks
/// the leaves (any kind, identifiers) or passes over them (kinds that are never leaves), for
/// every function body and the module of the repository's Python files, whole and with the
/// node table leaving out the children of strings and argument lists.
#[test]
fn descendants_by_kind_agree_with_a_full_walk() {
    let lang = crate::lang::Language::Python;
    assert!(lang.never_leaf("call") && lang.never_leaf("assignment"));
    assert!(!lang.never_leaf("identifier") && !lang.never_leaf("string_content"));
    assert!(!lang.never_leaf("no_such_kind"));
    let mut checked = 0;
    for (src, whole) in crate::repository_python_sources()
        .iter()
        .flat_map(|s| [(s, true), (s, false)])
    {
        let f = file("a.py", src);
        if !whole {
            f.table_with(true, |n| {
                !matches!(n.kind_str(), "string" | "argument_list")
            });
        }
        let mut scopes = vec![f.tree.root_node()];
        let _ = walk_below(f.tree.root_node(), |n| {
            if n.kind_str() == "function_definition" {
                scopes.extend(n.child_by_field_name("body"));
            }
            Ok::<bool, ()>(true)
        });
        for scope in scopes {
            for kind in ["call", "assignment", "return_statement", "identifier", ""] {
                let mut walked = Vec::new();
                let _ = walk_below(scope, |k| {
                    if k.is_named() && (kind.is_empty() || k.kind_str() == kind) {
                        walked.push(k.id());
                    }
                    Ok::<bool, ()>(true)
                });
                let listed: Vec<usize> =
                    f.with_descendants(scope, kind, |v| v.iter().map(|n| n.id()).collect());
                assert_eq!(listed, walked, "{kind} below {}", scope.start_byte());
                checked += 1;
            }
        }
    }
    assert!(checked > 2_000, "{checked} lists");
}

/// Children off the node table (`FileCtx::children_of`) are tree-sitter's on every node with
/// children of the repository's sources in all four languages (the analyses of Go and
/// JavaScript read them too), and the nearest ancestors one at a time (`ancestors_iter`) are
/// `ancestors`.
#[test]
fn table_children_and_lazy_ancestors_in_every_language() {
    let mut checked = 0;
    for lang in Language::ALL {
        let ext = lang.extensions()[0];
        for (_, text) in crate::repository_sources(lang, &["packs", "examples"]) {
            let f = file(&format!("a.{ext}"), &text);
            let _ = walk_below(f.tree.root_node(), |n| {
                let ids = |v: Vec<Node<'_>>| v.iter().map(|k| k.id()).collect::<Vec<_>>();
                let mut c = n.walk();
                let kids = n.children(&mut c).collect::<Vec<_>>();
                let named = n.named_children(&mut c).collect::<Vec<_>>();
                let at = || format!("{lang:?} {} at {}", n.kind_str(), n.start_byte());
                assert_eq!(ids(f.children_of(n, false)), ids(kids), "{}", at());
                assert_eq!(ids(f.named_children(n)), ids(named), "{}", at());
                assert_eq!(
                    ids(super::ancestors_iter(&f, n).collect()),
                    ids(ancestors(&f, n)),
                    "{}",
                    at()
                );
                checked += 1;
                Ok::<bool, ()>(true)
            });
        }
    }
    assert!(checked > 50_000, "{checked} nodes");
}

/// `param_args`: identifier arguments and keyword values that name a parameter of the calling
/// function, with their keyword and place among the positional arguments; other names,
/// literals and attribute arguments are left out.
#[test]
fn param_args_are_the_parameters_passed_on() {
    let src = "def f(self, session, run_id, *args, limit=10):\n    other = 1\n    read(session, 'x', other, run_id, key=run_id, n=limit, m=self.x)\n";
    let f = file("a.py", src);
    let call = calls(&f)[0];
    let func = enclosing_function(&f, call).unwrap();
    let got: Vec<(String, String, i64)> = param_args(&f, call, func)
        .into_iter()
        .map(|a| (f.text(a.node).to_string(), a.keyword.to_string(), a.index))
        .collect();
    let want = [
        ("session", "", 0),
        ("run_id", "", 3),
        ("run_id", "key", -1),
        ("limit", "n", -1),
    ];
    let want: Vec<(String, String, i64)> = want
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), *c))
        .collect();
    assert_eq!(got, want);
}

/// `chain_start` walks callees, member objects and parentheses down to what a chain starts
/// from; `first_call` finds the first call of a method chain through `await` and parentheses.
#[test]
fn chain_start_and_first_call() {
    let src = "async def f(s, base_query):\n    await s.execute(base_query.where(x).limit(5))\n    s.execute((select(M)).where(a).order_by(b))\n    r = await (await s.query(M).filter(c)).all()\n    q = (s.query(M).filter(c)).all()\n    n = name\n";
    let f = file("a.py", src);
    let cs = calls(&f);
    let text = |n: Node<'_>| f.text(n).to_string();
    // The argument of the first execute.
    let arg1 = cs[0].field("arguments").unwrap().named_child(0).unwrap();
    assert_eq!(text(chain_start(&f, arg1)), "base_query");
    assert_eq!(text(first_call(&f, arg1)), "base_query.where(x)");
    // The argument of the second: through the parentheses around `select(M)`.
    let second = cs
        .iter()
        .copied()
        .find(|c| f.text(*c).starts_with("s.execute((select"))
        .unwrap();
    let arg2 = second.field("arguments").unwrap().named_child(0).unwrap();
    assert_eq!(text(chain_start(&f, arg2)), "select");
    assert_eq!(text(first_call(&f, arg2)), "select(M)");
    // Through `await` and parentheses at the top: the query's first call.
    let right = |line: &str| {
        let root = f.tree.root_node();
        let mut stack = vec![root];
        while let Some(n) = stack.pop() {
            if n.kind_str() == "assignment" && f.text(n).starts_with(line) {
                return n.field("right").unwrap();
            }
            let mut c = n.walk();
            stack.extend(n.named_children(&mut c));
        }
        panic!("no assignment {line}");
    };
    let r = right("r = ");
    // An `await` inside the chain ends it (`(await q).all()` is a call on an awaited value).
    assert_eq!(
        text(first_call(&f, r)),
        "(await s.query(M).filter(c)).all()"
    );
    let q = right("q = ");
    assert_eq!(text(first_call(&f, q)), "s.query(M)");
    assert_eq!(
        text(chain_start(&f, r)),
        text(r),
        "an await is no link of chain_start"
    );
    // Neither a call nor a member access: the node itself.
    let n = right("n = ");
    assert_eq!(text(chain_start(&f, n)), "name");
    assert_eq!(text(first_call(&f, n)), "name");
}
