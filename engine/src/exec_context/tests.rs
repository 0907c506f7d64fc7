use super::*;
use crate::callgraph::index;
use crate::file::FileCtx;
use crate::project::FactRecord;
use serde_json::json;
use std::sync::Arc;

fn graph(path: &str, src: &str) -> FileGraph {
    let lang = Language::from_path(path).unwrap();
    let tree = crate::parse(lang, src).unwrap();
    let f = Arc::new(FileCtx::new(path.into(), lang, src.into(), tree));
    index(&f)
}

fn entry(file: &str, function: &str, data: serde_json::Value) -> FactRecord {
    let mut m = data.as_object().cloned().unwrap_or_default();
    m.insert("function".into(), function.into());
    FactRecord {
        fact: ENTRYPOINTS.into(),
        file: file.into(),
        line: 1,
        column: 1,
        pack: "test".into(),
        extractor: "test/x".into(),
        data: m,
    }
}

fn ctx<'a>(cx: &'a ExecContext, q: &str) -> &'a FunctionContext {
    cx.function(None, q)
        .unwrap_or_else(|| panic!("no function {q}"))
}

const API: &str = r#"
from app.services.reset import reset_stale
from fastapi import APIRouter

router = APIRouter()

@router.post("/jobs/reset")
async def reset_jobs(db):
    await reset_stale(db)

@router.get("/admin/stats")
def stats():
    return collect()

def collect():
    return 1
"#;

const SERVICE: &str = r#"
from app.repo import JobRepo

async def reset_stale(db):
    repo = JobRepo(db)
    await repo.mark_all(db)

async def nightly(db):
    await JobRepo(db).mark_all(db)

def only_from_tasks(db):
    return 1
"#;

const REPO: &str = r#"
class JobRepo:
    def __init__(self, db):
        self.db = db

    async def mark_all(self, db):
        for j in []:
            await self.db.execute(j)
        helper_a()

def helper_a():
    helper_b()

def helper_b():
    helper_c()

def helper_c():
    pass
"#;

const TASKS: &str = r#"
from app.services.reset import nightly, only_from_tasks

def run_nightly(db):
    nightly(db)
    only_from_tasks(db)

def setup_schedules():
    pass

def warm_cache():
    pass
"#;

fn project() -> ExecContext {
    let graphs = vec![
        graph("app/api.py", API),
        graph("app/services/reset.py", SERVICE),
        graph("app/repo.py", REPO),
        graph("app/jobs/tasks.py", TASKS),
    ];
    let facts = Facts::from_records(vec![
        entry(
            "app/api.py",
            "app.api.reset_jobs",
            json!({"class": "http_handler", "framework": "fastapi", "route": "/jobs/reset", "method": "POST"}),
        ),
        entry(
            "app/api.py",
            "app.api.stats",
            json!({"class": "http_handler", "framework": "fastapi", "route": "/admin/stats", "method": "GET"}),
        ),
        entry(
            "app/jobs/tasks.py",
            "app.jobs.tasks.run_nightly",
            json!({"class": "background", "framework": "celery"}),
        ),
        entry(
            "app/jobs/tasks.py",
            "app.jobs.tasks.warm_cache",
            json!({"class": "init", "framework": "fastapi"}),
        ),
        entry(
            "app/api.py",
            "app.api.missing",
            json!({"class": "http_handler"}),
        ),
    ]);
    ExecContext::build(&graphs, &facts, &Options::default())
}

#[test]
fn hot_path_follows_resolved_calls_across_files() {
    let cx = project();
    let h = ctx(&cx, "app.api.reset_jobs");
    assert_eq!(h.class, ExecClass::HttpHandler);
    assert_eq!(h.route.as_deref(), Some("/jobs/reset"));
    assert!(h.hot);
    // handler → reset_stale → JobRepo.mark_all (through `repo = JobRepo(db)`)
    let mark = ctx(&cx, "app.repo.JobRepo.mark_all");
    assert!(mark.hot, "{mark:?}");
    assert_eq!(mark.class, ExecClass::Library);
    // … → helper_a (3 edges) is hot, helper_b (4) is not.
    assert!(ctx(&cx, "app.repo.helper_a").hot);
    assert!(!ctx(&cx, "app.repo.helper_b").hot);
    assert!(!ctx(&cx, "app.repo.helper_c").hot);
    let e = cx
        .execution("app/repo.py", &["app.repo.JobRepo.mark_all".into()])
        .unwrap();
    assert_eq!(
        e.via,
        [
            "app.api.reset_jobs",
            "app.services.reset.reset_stale",
            "app.repo.JobRepo.mark_all"
        ]
    );
    assert_eq!(cx.unresolved_entrypoints(), 1);
    assert_eq!(
        cx.callees("app.services.reset.reset_stale"),
        ["app.repo.JobRepo.__init__", "app.repo.JobRepo.mark_all"]
    );
    assert_eq!(
        cx.callers("app.repo.JobRepo.mark_all"),
        [
            "app.services.reset.nightly",
            "app.services.reset.reset_stale"
        ]
    );
}

#[test]
fn background_init_cli_and_admin() {
    let cx = project();
    let run = ctx(&cx, "app.jobs.tasks.run_nightly");
    assert_eq!(run.class, ExecClass::Background);
    assert!(run.background && !run.hot);
    // Reached only from the task.
    assert!(ctx(&cx, "app.services.reset.only_from_tasks").background);
    assert!(ctx(&cx, "app.services.reset.nightly").background);
    // Reached from the task and from the handler: hot wins.
    let mark = ctx(&cx, "app.repo.JobRepo.mark_all");
    assert!(mark.hot && !mark.background);
    // Init by name, and by a pack's record.
    assert_eq!(
        ctx(&cx, "app.jobs.tasks.setup_schedules").class,
        ExecClass::Init
    );
    let warm = ctx(&cx, "app.jobs.tasks.warm_cache");
    assert_eq!(warm.class, ExecClass::Init);
    assert_eq!(
        cx.init_evidence("app/jobs/tasks.py", &["app.jobs.tasks.warm_cache".into()])
            .as_deref(),
        Some("fn `warm_cache` (fastapi startup hook)")
    );
    assert_eq!(ctx(&cx, "app.repo.JobRepo.__init__").class, ExecClass::Init);
    // admin(f): the route, and what the admin handler defines (not what it calls).
    assert!(ctx(&cx, "app.api.stats").admin);
    assert!(!ctx(&cx, "app.api.collect").admin);
    assert!(!ctx(&cx, "app.api.reset_jobs").admin);
}

#[test]
fn severity_tables_pick_by_context() {
    let t = SeverityByContext {
        request: Some(Severity::High),
        background: Some(Severity::Medium),
        init: Some(Severity::Low),
        other: Some(Severity::Medium),
        lower_in_admin: true,
        ..Default::default()
    };
    let e = |class, hot, background, admin| Execution {
        function: "f".into(),
        class,
        hot,
        background,
        admin,
        via: Vec::new(),
    };
    assert_eq!(
        pick(&t, &e(ExecClass::HttpHandler, true, false, false)),
        Some(Severity::High)
    );
    assert_eq!(
        pick(&t, &e(ExecClass::HttpHandler, true, false, true)),
        Some(Severity::Medium)
    );
    assert_eq!(
        pick(&t, &e(ExecClass::Library, false, true, false)),
        Some(Severity::Medium)
    );
    // Init beats the request path: a check's "class init → LOW" rule.
    assert_eq!(
        pick(&t, &e(ExecClass::Init, true, false, false)),
        Some(Severity::Low)
    );
    assert_eq!(
        pick(&t, &e(ExecClass::Cli, false, false, false)),
        Some(Severity::Medium)
    );
    let only_request = SeverityByContext {
        request: Some(Severity::High),
        ..Default::default()
    };
    assert_eq!(
        pick(&only_request, &e(ExecClass::Library, false, false, false)),
        None
    );
}

#[test]
fn settle_sets_severity_and_execution() {
    let cx = project();
    let mut f = crate::project::tests_support::finding("app/repo.py");
    f.functions = vec!["app.repo.JobRepo.mark_all".into()];
    f.severity_by_context = Some(SeverityByContext {
        request: Some(Severity::High),
        other: Some(Severity::Medium),
        ..Default::default()
    });
    f.severity = Severity::Medium;
    cx.settle(&mut f);
    assert_eq!(f.severity, Severity::High);
    assert!(cx.is_hot(&f));
    let e = f.context.execution.as_ref().unwrap();
    assert_eq!(e.class, ExecClass::Library);
    // Module level: init.
    let mut top = crate::project::tests_support::finding("app/repo.py");
    cx.settle(&mut top);
    assert_eq!(
        top.context.execution.as_ref().unwrap().class,
        ExecClass::Init
    );
    assert_eq!(top.context.execution.as_ref().unwrap().function, "app.repo");
}

#[test]
fn cli_entry_points_without_packs() {
    let graphs = vec![
        graph(
            "scripts/backfill.py",
            "def main():\n    pass\n",
        ),
        graph(
            "app/tool.py",
            "def run():\n    pass\n\ndef other():\n    pass\n\nif __name__ == \"__main__\":\n    run()\n",
        ),
        graph(
            "cmd/migrate/main.go",
            "package main\n\nfunc main() { run() }\n\nfunc run() {}\n",
        ),
        graph(
            "cmd/api/main.go",
            "package main\n\nimport \"net/http\"\n\nfunc main() { srv := newServer(); srv.ListenAndServe() }\n",
        ),
    ];
    let cx = ExecContext::build(&graphs, &Facts::default(), &Options::default());
    assert_eq!(ctx(&cx, "scripts.backfill.main").class, ExecClass::Cli);
    assert_eq!(ctx(&cx, "app.tool.run").class, ExecClass::Cli);
    assert_eq!(ctx(&cx, "app.tool.other").class, ExecClass::Library);
    assert_eq!(
        cx.function(Some("cmd/migrate/main.go"), "cmd/migrate.main")
            .unwrap()
            .class,
        ExecClass::Cli
    );
    assert_eq!(
        cx.function(Some("cmd/api/main.go"), "cmd/api.main")
            .unwrap()
            .class,
        ExecClass::Library,
        "a main that serves HTTP is not a command"
    );
}

#[test]
fn go_packages_resolve_through_go_mod() {
    let graphs = vec![
        graph(
            "svc/internal/api/handlers.go",
            "package api\n\nimport (\n\t\"net/http\"\n\t\"github.com/acme/svc/internal/jobs\"\n)\n\ntype Server struct{ store *jobs.Store }\n\nfunc (s *Server) reset(w http.ResponseWriter, r *http.Request) {\n\ts.store.ResetAll()\n}\n",
        ),
        graph(
            "svc/internal/jobs/store.go",
            "package jobs\n\ntype Store struct{}\n\nfunc (st *Store) ResetAll() { st.mark() }\n\nfunc (st *Store) mark() {}\n",
        ),
    ];
    let facts = Facts::from_records(vec![entry(
        "svc/internal/api/handlers.go",
        "svc/internal/api.Server.reset",
        json!({"class": "http_handler", "framework": "net/http"}),
    )]);
    let opts = Options {
        classify_tests: false,
        go_modules: vec![("svc".into(), "github.com/acme/svc".into())],
    };
    let cx = ExecContext::build(&graphs, &facts, &opts);
    assert!(ctx(&cx, "svc/internal/jobs.Store.ResetAll").hot);
    assert!(ctx(&cx, "svc/internal/jobs.Store.mark").hot);
    // Without go.mod, a unique directory the import path ends with.
    let cx = ExecContext::build(&graphs, &facts, &Options::default());
    assert!(ctx(&cx, "svc/internal/jobs.Store.mark").hot);
}

#[test]
fn js_modules_resolve_through_relative_imports() {
    let graphs = vec![
        graph(
            "src/routes/users.ts",
            "import { UsersService } from '../services/users';\nimport audit from '../audit';\n\nexport class UsersController {\n  constructor(private readonly users: UsersService) {}\n  async list() { audit(); return this.users.findAll(); }\n}\n",
        ),
        graph(
            "src/services/users.ts",
            "export class UsersService {\n  async findAll() { return load(); }\n}\nfunction load() { return []; }\n",
        ),
        graph(
            "src/audit/index.js",
            "export default function audit() {}\n",
        ),
    ];
    let facts = Facts::from_records(vec![entry(
        "src/routes/users.ts",
        "src/routes/users:UsersController.list",
        json!({"class": "http_handler", "framework": "nestjs"}),
    )]);
    let cx = ExecContext::build(&graphs, &facts, &Options::default());
    assert!(ctx(&cx, "src/services/users:UsersService.findAll").hot);
    assert!(ctx(&cx, "src/services/users:load").hot);
    assert!(ctx(&cx, "src/audit/index:audit").hot);
}

#[test]
fn python_src_layout_and_packages() {
    let graphs = vec![
        graph("src/app/__init__.py", ""),
        graph(
            "src/app/api.py",
            "from app.jobs import work\n\ndef handler():\n    work()\n",
        ),
        graph("src/app/jobs.py", "def work():\n    pass\n"),
    ];
    let facts = Facts::from_records(vec![entry(
        "src/app/api.py",
        "src.app.api.handler",
        json!({"class": "http_handler"}),
    )]);
    let cx = ExecContext::build(&graphs, &facts, &Options::default());
    assert!(ctx(&cx, "src.app.jobs.work").hot);
}

#[test]
fn admin_routes() {
    assert!(route_is_admin("/admin"));
    assert!(route_is_admin("/admin/users"));
    assert!(route_is_admin("internal/metrics"));
    assert!(route_is_admin("^admin/"));
    assert!(!route_is_admin("/administrators"));
    assert!(!route_is_admin("/users/admin"));
}

#[test]
fn routes_join_the_prefixes_their_routers_are_mounted_at() {
    let mount = |router: &str, prefix: &str, parent: Option<&str>| {
        let mut m = json!({"mount": router, "prefix": prefix});
        if let Some(p) = parent {
            m["parent"] = p.into();
        }
        m
    };
    let records = [
        mount("orders.router", "/orders", Some("main.v2")),
        mount("main.v2", "/v2/", Some("main.app")),
        mount("admin.router", "/admin", Some("main.app")),
        mount("admin.router", "/admin", Some("main.app")),
        mount("reports.router", "/reports", Some("main.app")),
        mount("reports.router", "/legacy/reports", Some("main.app")),
        mount("loop.a", "/a", Some("loop.b")),
        mount("loop.b", "/b", Some("loop.a")),
        mount("bare.router", "/bare", None),
    ];
    let m = Mounts::from_records(records.iter());
    // Two levels, with the slash between `/v2/` and `/orders` kept single.
    assert_eq!(
        m.full_route(Some("orders.router"), "/{id}", None),
        "/v2/orders/{id}"
    );
    // The same mount recorded twice is one mount.
    assert_eq!(
        m.full_route(Some("admin.router"), "/users", None),
        "/admin/users"
    );
    assert_eq!(m.full_route(Some("bare.router"), "x", None), "/bare/x");
    assert_eq!(m.full_route(Some("main.app"), "/health", None), "/health");
    // Mounted at two prefixes, or in a cycle: left as written.
    assert_eq!(
        m.full_route(Some("reports.router"), "/summary", None),
        "/summary"
    );
    assert_eq!(m.full_route(Some("loop.a"), "/x", None), "/x");
    assert_eq!(m.full_route(None, "/jobs", None), "/jobs");
    assert_eq!(join_route("/v1", ""), "/v1");
    assert_eq!(join_route("", "/x"), "/x");
}

#[test]
fn a_replacing_mount_takes_the_routers_own_prefix_off() {
    let records = [
        json!({"mount": "legacy.bp", "prefix": "/v0", "parent": "wsgi.app", "replaces": true}),
        json!({"mount": "api.router", "prefix": "/api", "parent": "main.app"}),
        json!({"mount": "two.bp", "prefix": "/a", "replaces": true}),
        json!({"mount": "two.bp", "prefix": "/a"}),
    ];
    let m = Mounts::from_records(records.iter());
    // Flask: the registered `url_prefix` replaces the blueprint's own.
    assert_eq!(
        m.full_route(Some("legacy.bp"), "/legacy/ping", Some("/legacy")),
        "/v0/ping"
    );
    assert_eq!(
        m.full_route(Some("legacy.bp"), "/legacy", Some("/legacy/")),
        "/v0"
    );
    // Not at a segment boundary, or no own prefix given: nothing is taken off.
    assert_eq!(
        m.full_route(Some("legacy.bp"), "/legacyx/ping", Some("/legacy")),
        "/v0/legacyx/ping"
    );
    assert_eq!(m.full_route(Some("legacy.bp"), "/ping", None), "/v0/ping");
    // FastAPI: the mount's prefix goes in front of the router's own.
    assert_eq!(
        m.full_route(Some("api.router"), "/items/{id}", Some("/items")),
        "/api/items/{id}"
    );
    // Mounted once replacing and once adding: two paths, left as written.
    assert_eq!(m.full_route(Some("two.bp"), "/b/x", Some("/b")), "/b/x");
}

#[test]
fn a_mounted_admin_router_makes_its_routes_admin() {
    let g = graph(
        "app/admin.py",
        "from fastapi import APIRouter\nrouter = APIRouter()\n@router.get('/users')\nasync def list_users():\n    return []\n",
    );
    let facts = Facts::from_records(vec![
        entry(
            "app/admin.py",
            "app.admin.list_users",
            json!({"class": "http_handler", "route": "/users", "router": "app.admin.router"}),
        ),
        FactRecord {
            fact: ENTRYPOINTS.into(),
            file: "app/main.py".into(),
            line: 9,
            column: 1,
            pack: "test".into(),
            extractor: "test/mount".into(),
            data:
                json!({"mount": "app.admin.router", "prefix": "/admin", "parent": "app.main.app"})
                    .as_object()
                    .cloned()
                    .unwrap(),
        },
    ]);
    let cx = ExecContext::build(&[g], &facts, &Options::default());
    let f = ctx(&cx, "app.admin.list_users");
    assert_eq!(f.route.as_deref(), Some("/admin/users"));
    assert!(f.admin, "{f:?}");
    assert!(f.reason.ends_with("/admin/users"), "{}", f.reason);
}

#[test]
fn subclass_records_reach_the_methods_derived_classes_define() {
    let base = graph(
        "app/base.py",
        "from django.views import View\nclass BaseView(View):\n    def helper(self):\n        pass\n",
    );
    let views = graph(
        "app/views.py",
        "from app.base import BaseView\nclass Jobs(BaseView):\n    def get(self, request):\n        pass\n    def helper2(self):\n        pass\nclass Old(Jobs):\n    def post(self, request):\n        pass\nclass Plain:\n    def get(self):\n        pass\n",
    );
    let mut rec = entry(
        "app/base.py",
        "unused",
        json!({"subclasses_of": "app.base.BaseView", "methods": ["get", "post", "helper"], "class": "http_handler", "framework": "django"}),
    );
    rec.data.remove("function");
    let cx = ExecContext::build(
        &[base, views],
        &Facts::from_records(vec![rec]),
        &Options::default(),
    );
    assert_eq!(ctx(&cx, "app.views.Jobs.get").class, ExecClass::HttpHandler);
    assert_eq!(ctx(&cx, "app.views.Old.post").class, ExecClass::HttpHandler);
    // Not a method the record names; not a subclass; the base class itself is not covered.
    assert_eq!(ctx(&cx, "app.views.Jobs.helper2").class, ExecClass::Library);
    assert_eq!(ctx(&cx, "app.views.Plain.get").class, ExecClass::Library);
    assert_eq!(
        ctx(&cx, "app.base.BaseView.helper").class,
        ExecClass::Library
    );
    assert_eq!(cx.unresolved_entrypoints(), 0);
}
