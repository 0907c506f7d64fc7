use super::*;
use crate::lang::NodeExt;
use std::sync::Arc;

fn file(path: &str, src: &str) -> Arc<FileCtx> {
    let lang = Language::from_path(path).unwrap();
    let tree = crate::parse(lang, src).unwrap();
    Arc::new(FileCtx::new(path.into(), lang, src.into(), tree))
}

fn names(g: &FileGraph) -> Vec<&str> {
    g.functions.iter().map(|f| f.qname.as_str()).collect()
}

/// (caller qname or `<module>`/`<main>`, target), in source order.
fn calls(g: &FileGraph) -> Vec<(String, String)> {
    g.calls
        .iter()
        .map(|c| {
            let caller = match c.caller {
                Caller::Function(i) => g.functions[i].qname.clone(),
                Caller::Module => "<module>".into(),
                Caller::Main => "<main>".into(),
            };
            (caller, c.target.clone())
        })
        .collect()
}

fn has(calls: &[(String, String)], caller: &str, target: &str) -> bool {
    calls.iter().any(|(c, t)| c == caller && t == target)
}

#[test]
fn python_names_and_targets() {
    let src = r#"
from app.services import jobs
from .repo import JobRepo
import app.mail as mail

class Worker(Base):
    repo: JobRepo

    def __init__(self, session):
        self.session = session
        self.mailer = mail.Mailer()

    async def run(self, ids: list[int], other: "Worker"):
        helper(ids)
        self.flush()
        self.repo.save(ids)
        self.mailer.send("x")
        jobs.reset_all(ids)
        JobRepo(self.session).update(ids)
        f = lambda x: helper(x)
        def inner():
            return helper(1)
        inner()
        len(ids)

    @staticmethod
    def build(session):
        return Worker(session)

def helper(x):
    return x

def typed(repo: JobRepo, maybe: Optional[JobRepo] = None):
    repo.update([])
    maybe.update([])

if __name__ == "__main__":
    helper(3)
"#;
    let f = file("app/workers/worker.py", src);
    let g = index(&f);
    assert_eq!(g.module, "app.workers.worker");
    assert_eq!(
        names(&g),
        [
            "app.workers.worker.Worker.__init__",
            "app.workers.worker.Worker.run",
            "app.workers.worker.Worker.run.f",
            "app.workers.worker.Worker.run.inner",
            "app.workers.worker.Worker.build",
            "app.workers.worker.helper",
            "app.workers.worker.typed",
        ]
    );
    let run = &g.functions[1];
    assert!(run.is_async);
    assert_eq!(run.class.as_deref(), Some("app.workers.worker.Worker"));
    assert_eq!(run.params, ["self", "ids: list[int]", "other: \"Worker\""]);
    assert_eq!(g.functions[4].decorators, ["staticmethod"]);
    assert_eq!(g.functions[2].parent, Some(1));
    let c = calls(&g);
    let run = "app.workers.worker.Worker.run";
    assert!(has(&c, run, "app.workers.worker.helper"), "{c:?}");
    assert!(has(&c, run, "app.workers.worker.Worker.flush"));
    assert!(has(&c, run, "app.workers.worker.Worker.repo.save"));
    assert!(has(&c, run, "app.workers.worker.Worker.mailer.send"));
    assert!(has(&c, run, "app.services.jobs.reset_all"));
    assert!(has(&c, run, "app.workers.repo.JobRepo.update"));
    assert!(has(&c, run, "app.workers.repo.JobRepo"));
    assert!(has(&c, run, "app.workers.worker.Worker.run.inner"));
    assert!(has(
        &c,
        "app.workers.worker.Worker.run.f",
        "app.workers.worker.helper"
    ));
    assert!(
        !c.iter().any(|(_, t)| t == "len"),
        "builtins have no target"
    );
    assert!(has(
        &c,
        "app.workers.worker.Worker.build",
        "app.workers.worker.Worker"
    ));
    assert!(has(
        &c,
        "app.workers.worker.typed",
        "app.workers.repo.JobRepo.update"
    ));
    assert_eq!(
        c.iter()
            .filter(
                |(a, t)| a == "app.workers.worker.typed" && t == "app.workers.repo.JobRepo.update"
            )
            .count(),
        1,
        "one edge per (caller, target)"
    );
    assert!(has(&c, "<main>", "app.workers.worker.helper"));
    let worker = g
        .classes
        .iter()
        .find(|c| c.qname == "app.workers.worker.Worker")
        .unwrap();
    assert_eq!(
        worker.bases,
        Vec::<String>::new(),
        "Base is unbound: no target"
    );
    assert!(worker
        .attrs
        .contains(&("repo".into(), "app.workers.repo.JobRepo".into())));
    assert!(worker
        .attrs
        .contains(&("mailer".into(), "app.mail.Mailer".into())));
}

#[test]
fn python_qualified_name_and_target_name_match_the_index() {
    let src = "from . import views\n\nclass V:\n    def get(self):\n        pass\n\nurlpatterns = [path('a/', views.list_jobs), path('b/', V.as_view())]\n\ndef outer():\n    def inner():\n        pass\n    register(inner)\n";
    let f = file("shop/urls.py", src);
    let g = index(&f);
    let root = f.tree.root_node();
    let find = |needle: &str| {
        let at = src.find(needle).unwrap();
        root.named_descendant_for_byte_range(at, at + needle.len())
            .unwrap()
    };
    let get = find("def get(self):\n        pass");
    assert_eq!(qualified_name(&f, get), "shop.urls.V.get");
    assert_eq!(g.functions[0].qname, "shop.urls.V.get");
    assert_eq!(
        target_name(&f, find("views.list_jobs")).as_deref(),
        Some("shop.views.list_jobs")
    );
    assert_eq!(target_name(&f, find("V")).as_deref(), Some("shop.urls.V"));
    let inner_ref = src.rfind("inner)").unwrap();
    let node = root
        .named_descendant_for_byte_range(inner_ref, inner_ref + 5)
        .unwrap();
    assert_eq!(
        target_name(&f, node).as_deref(),
        Some("shop.urls.outer.inner")
    );
    assert_eq!(
        target_name(&f, find("path")),
        None,
        "unbound builtin-like name"
    );
}

#[test]
fn go_names_receivers_and_targets() {
    let src = r#"package api

import (
	"net/http"

	"github.com/acme/svc/internal/jobs"
)

type Server struct {
	store *jobs.Store
	log   Logger
	Base
}

func (s *Server) handleReset(w http.ResponseWriter, r *http.Request) {
	s.store.ResetAll(r.Context())
	s.audit("reset")
	helper()
	jobs.Notify()
	st := &jobs.Store{}
	st.Flush()
	go func() {
		s.audit("async")
	}()
}

func (s *Server) audit(msg string) {}

func helper() {}

func Routes(s *Server) {
	http.HandleFunc("/reset", s.handleReset)
	handler := func(w http.ResponseWriter, r *http.Request) { helper() }
	_ = handler
}
"#;
    let f = file("internal/api/server.go", src);
    let g = index(&f);
    assert_eq!(g.module, "internal/api");
    assert_eq!(g.package.as_deref(), Some("api"));
    assert_eq!(
        names(&g),
        [
            "internal/api.Server.handleReset",
            "internal/api.Server.handleReset.<anonymous@22:5>",
            "internal/api.Server.audit",
            "internal/api.helper",
            "internal/api.Routes",
            "internal/api.Routes.handler",
        ]
    );
    assert_eq!(g.functions[0].class.as_deref(), Some("internal/api.Server"));
    let c = calls(&g);
    let h = "internal/api.Server.handleReset";
    assert!(has(&c, h, "internal/api.Server.store.ResetAll"), "{c:?}");
    assert!(has(&c, h, "internal/api.Server.audit"));
    assert!(has(&c, h, "internal/api.helper"));
    assert!(has(&c, h, "github.com/acme/svc/internal/jobs.Notify"));
    assert!(has(&c, h, "github.com/acme/svc/internal/jobs.Store.Flush"));
    assert!(has(
        &c,
        "internal/api.Server.handleReset.<anonymous@22:5>",
        "internal/api.Server.audit"
    ));
    assert!(has(
        &c,
        "internal/api.Routes.handler",
        "internal/api.helper"
    ));
    let server = &g.classes[0];
    assert_eq!(server.qname, "internal/api.Server");
    assert_eq!(
        server.attrs,
        [
            (
                "store".to_string(),
                "github.com/acme/svc/internal/jobs.Store".to_string()
            ),
            ("log".to_string(), "internal/api.Logger".to_string())
        ]
    );
    assert_eq!(server.bases, ["internal/api.Base"]);
    let root = f.tree.root_node();
    let at = src.find("s.handleReset)").unwrap();
    let sel = root.named_descendant_for_byte_range(at, at + 13).unwrap();
    assert_eq!(sel.kind_str(), "selector_expression");
    assert_eq!(
        target_name(&f, sel).as_deref(),
        Some("internal/api.Server.handleReset")
    );
}

#[test]
fn go_root_package_is_named_by_its_clause() {
    let f = file("main.go", "package main\n\nfunc main() { run() }\n");
    let g = index(&f);
    assert_eq!(names(&g), ["main.main"]);
    assert!(has(&calls(&g), "main.main", "main.run"));
}

#[test]
fn js_modules_imports_this_and_anonymous_functions() {
    let src = r#"
import express from 'express';
import { listUsers as list } from './handlers/users';
import * as jobs from '../jobs';
const { audit } = require('./audit');
const svc = require('./svc');
import { UsersService } from './users.service';

const router = express.Router();

router.get('/users', async (req, res) => {
  const users = await list(req.query);
  jobs.reset(users);
  audit('x');
  svc.run();
  res.json(users);
});

export class UsersController {
  constructor(private readonly users: UsersService) {}

  async findAll() {
    this.helper();
    return this.users.findMany();
  }

  helper() { return helperFn(); }
}

function helperFn() { return new UsersController(null); }

export default helperFn;
"#;
    let f = file("src/routes/index.ts", src);
    let g = index(&f);
    assert_eq!(g.module, "src/routes/index");
    assert_eq!(
        names(&g),
        [
            "src/routes/index:<anonymous@11:22>",
            "src/routes/index:UsersController.constructor",
            "src/routes/index:UsersController.findAll",
            "src/routes/index:UsersController.helper",
            "src/routes/index:helperFn",
        ]
    );
    let c = calls(&g);
    let anon = "src/routes/index:<anonymous@11:22>";
    assert!(
        has(&c, anon, "src/routes/handlers/users:listUsers"),
        "{c:?}"
    );
    assert!(has(&c, anon, "src/jobs:reset"));
    assert!(has(&c, anon, "src/routes/audit:audit"));
    assert!(has(&c, anon, "src/routes/svc:run"));
    let find_all = "src/routes/index:UsersController.findAll";
    assert!(has(&c, find_all, "src/routes/index:UsersController.helper"));
    assert!(has(
        &c,
        find_all,
        "src/routes/index:UsersController.users.findMany"
    ));
    assert!(has(
        &c,
        "src/routes/index:helperFn",
        "src/routes/index:UsersController.constructor"
    ));
    let class = &g.classes[0];
    assert_eq!(
        class.attrs,
        [(
            "users".to_string(),
            "src/routes/users.service:UsersService".to_string()
        )]
    );
    assert_eq!(
        g.aliases,
        [(
            "src/routes/index:default".to_string(),
            "src/routes/index:helperFn".to_string()
        )]
    );
}

#[test]
fn js_specifiers_resolve_relative_to_the_file() {
    assert_eq!(
        js::resolve_specifier("src/a/b.ts", "../c/d.js").as_deref(),
        Some("src/c/d")
    );
    assert_eq!(
        js::resolve_specifier("src/a/b.ts", "./x").as_deref(),
        Some("src/a/x")
    );
    assert_eq!(js::resolve_specifier("src/a/b.ts", "express"), None);
    assert_eq!(js::resolve_specifier("b.ts", "../../x"), None);
}

/// `a.b` read by the place of its children agrees with the field lookup on every attribute of
/// the repository's Python files and on chains with comments inside.
#[test]
fn attribute_parts_agree_with_fields() {
    let mut files = crate::repository_python_sources();
    files.push("x = (a  # why\n  .b  # and\n  .c)(1)\ny = (f  # c\n  )(2).d\nz = g(*a)(**k)[0].h\nw = a.\n".into());
    let mut checked = 0;
    for src in &files {
        let f = file("a.py", src);
        let mut stack = vec![f.tree.root_node()];
        while let Some(n) = stack.pop() {
            if n.kind_str() == "attribute" {
                let by_field = n.field("object").zip(n.field("attribute"));
                if let Some(fields) = by_field {
                    assert_eq!(python::attribute_parts(n), Some(fields), "{}", f.text(n));
                    checked += 1;
                }
            }
            let mut c = n.walk();
            stack.extend(n.children(&mut c));
        }
    }
    assert!(checked > 1000, "{checked} attributes");
}

#[test]
fn dotted_chains_keep_root_suffix_and_segments() {
    let d = Dotted::from_outside_in("self", &["save", "repo"]);
    assert_eq!(d.root(), "self");
    assert_eq!(d.suffix(), ".repo.save");
    assert_eq!(d.last(), "save");
    let bare = Dotted::new("listUsers", std::iter::empty());
    assert_eq!(
        (bare.root(), bare.suffix(), bare.last()),
        ("listUsers", "", "listUsers")
    );
    assert_eq!(split_first_segment(".repo.save"), Some(("repo", ".save")));
    assert_eq!(split_first_segment(".repo"), Some(("repo", "")));
    assert_eq!(split_first_segment(""), None);
    // What the walks down an expression build: the chain as written.
    let f = file("app/jobs.py", "def run(db):\n    Repo(db).store.save(1)\n");
    let call = f
        .tree
        .root_node()
        .named_descendant_for_byte_range(17, 17)
        .unwrap();
    let call = crate::semantics::ancestors_iter(&f, call)
        .find(|n| n.kind_str() == "call" && f.text(*n).starts_with("Repo(db).store"))
        .unwrap();
    match chain_of(&f, call.field("function").unwrap()) {
        Some(Raw::Chain(d)) => assert_eq!((d.root(), d.suffix()), ("Repo", ".store.save")),
        other => panic!("{other:?}"),
    }
}

/// Without `all_calls` (no pack observes call edges), a Python file's graph keeps its functions
/// and classes exactly, with the calls under `__main__` only. Functions that hold a class still
/// collect their locals and types, which resolve the class's bases: here `Base` is a local that
/// hides the module's import, and `kind` a typed parameter.
#[test]
fn lean_index_keeps_functions_classes_and_main_calls() {
    let src = r#"
from app.models import Base, Repo, Session

class Service:
    def __init__(self, db: Session):
        self.repo = Repo(db)
        self.db: Session = db

    def save(self):
        self.repo.save()

def factory(kind: Session):
    Base = pick(kind)
    class Local(Base):
        pass
    class Typed(kind):
        def run(self):
            self.other = Repo()
    return Local

def plain(db: Session):
    repo = Repo(db)
    repo.save()

if __name__ == "__main__":
    factory(None).run()
    plain(None)
"#;
    let lean_file = file("app/svc.py", src);
    lean_file.table_with(true, |_| true);
    let mut ix = Indexer::new(&lean_file, false);
    ix.walk(lean_file.tree.root_node());
    let lean = ix.finish();
    let full = index(&file("app/svc.py", src));
    assert_eq!(lean.functions, full.functions);
    assert_eq!(lean.classes, full.classes);
    let bases = |g: &FileGraph, c: &str| {
        g.classes
            .iter()
            .find(|k| k.qname == c)
            .map(|k| k.bases.clone())
    };
    assert_eq!(bases(&full, "app.svc.factory.Local"), Some(vec![]));
    assert_eq!(
        bases(&full, "app.svc.factory.Typed"),
        Some(vec!["app.models.Session".to_string()])
    );
    assert!(has(&calls(&full), "app.svc.plain", "app.models.Repo"));
    assert_eq!(
        calls(&lean),
        [
            ("<main>".to_string(), "app.svc.factory.run".to_string()),
            ("<main>".to_string(), "app.svc.factory".to_string()),
            ("<main>".to_string(), "app.svc.plain".to_string())
        ]
    );
}

/// The lean index agrees with the full one on every Python file of the repository (pack
/// fixtures, examples): the same functions and classes, and the full index's `__main__` calls.
#[test]
fn lean_index_agrees_with_the_full_one_on_the_repository() {
    let mut compared = 0;
    for (i, src) in crate::repository_python_sources().iter().enumerate() {
        let path = format!("pkg/m{i}.py");
        let lean_file = file(&path, src);
        lean_file.table_with(true, |_| true);
        let mut ix = Indexer::new(&lean_file, false);
        ix.walk(lean_file.tree.root_node());
        let lean = ix.finish();
        let full = index(&file(&path, src));
        assert_eq!(lean.functions, full.functions, "{path}");
        assert_eq!(lean.classes, full.classes, "{path}");
        let main: Vec<_> = full
            .calls
            .iter()
            .filter(|c| c.caller == Caller::Main)
            .collect();
        assert_eq!(lean.calls.iter().collect::<Vec<_>>(), main, "{path}");
        compared += 1;
    }
    assert!(compared > 50, "{compared} files");
}
