//! The facts the built-in packs extract from their fixtures, as JSON snapshots
//! (`packs/tests/snapshots/`): the record shapes of CHECKS.md §2 that other detectors build on.
//! Review changes with `cargo insta review`.

use ppa_engine::testing::read_fixture_projects;
use ppa_engine::EngineBuilder;
use std::path::Path;

/// The records of `facts` that the pack (and the packs it requires) extract from one fixture
/// project of `pack`, without positions of the extractor's bookkeeping (`pack`, `extractor`).
fn facts_of(pack: &str, project: &str, facts: &[&str]) -> serde_json::Value {
    let mut b = EngineBuilder::new(ppa_rules::catalog().expect("catalogue"));
    let src = ppa_packs::find(pack).expect("built-in pack");
    b.load_pack(src).expect("pack loads");
    let (engine, _) = b.build();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(pack)
        .join("tests");
    let stacks = ppa_rules::stacks().expect("stack dictionary");
    let projects = read_fixture_projects(&dir, &format!("{pack}/tests"), &stacks);
    let p = projects
        .iter()
        .find(|p| p.name == project)
        .unwrap_or_else(|| panic!("no fixture project `{project}` in {pack}"));
    let mut records = Vec::new();
    for (label, text) in &p.fixtures {
        if let Some(lang) = ppa_engine::Language::from_path(label) {
            let r = engine.check_source_as(label, lang, text);
            let errors: Vec<_> = r
                .diagnostics
                .iter()
                .filter(|d| d.level == ppa_engine::Level::Error)
                .collect();
            assert!(errors.is_empty(), "{label}: {errors:?}");
            records.extend(r.records);
        }
    }
    let all = ppa_engine::project::Facts::from_records(records);
    let mut out = serde_json::Map::new();
    for f in facts {
        let items: Vec<serde_json::Value> = all
            .get(f)
            .iter()
            .map(|r| {
                let mut r = r.clone();
                if let Some(m) = r.as_object_mut() {
                    m.remove("pack");
                    m.remove("extractor");
                }
                r
            })
            .collect();
        out.insert(f.to_string(), items.into());
    }
    serde_json::Value::Object(out)
}

fn pretty(v: &serde_json::Value) -> String {
    serde_json::to_string_pretty(v).expect("json")
}

#[test]
fn sqlalchemy_facts() {
    let v = facts_of("sqlalchemy", "", &["models", "session_factories", "pools"]);
    insta::assert_snapshot!("sqlalchemy", pretty(&v));
}

#[test]
fn sqlmodel_facts() {
    let v = facts_of("sqlmodel", "", &["models", "session_factories"]);
    insta::assert_snapshot!("sqlmodel", pretty(&v));
}

/// The record of `fact` whose `key` is `value`.
fn record<'a>(
    v: &'a serde_json::Value,
    fact: &str,
    key: &str,
    value: &str,
) -> &'a serde_json::Value {
    v[fact]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r[key] == value)
        .unwrap_or_else(|| panic!("no {fact} record with {key} = {value}"))
}

#[test]
fn sqlalchemy_fact_semantics() {
    let v = facts_of("sqlalchemy", "", &["models", "session_factories", "pools"]);
    // F5: the models of every declarative style, and none of the bases, mixins or plain classes.
    let names: Vec<&str> = v["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["User", "Tenant", "Post", "Tag", "Comment", "Event", "Admin"]
    );
    let user = record(&v, "models", "name", "User");
    let rel = |m: &serde_json::Value, n: &str| {
        m["relationships"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == n)
            .cloned()
            .unwrap()
    };
    assert_eq!(rel(user, "posts")["lazy"], "selectin");
    assert_eq!(rel(user, "posts")["kind"], "reverse");
    assert_eq!(rel(user, "tenant")["kind"], "fk");
    let post = record(&v, "models", "name", "Post");
    assert_eq!(rel(post, "tags")["kind"], "m2m");
    assert_eq!(rel(post, "comments")["lazy"], "dynamic");
    let body = &post["columns"].as_array().unwrap()[3];
    assert_eq!(
        (&body["name"], &body["deferred"], &body["large"]),
        (&"body".into(), &true.into(), &true.into())
    );
    // F6: options and kinds.
    let async_local = record(&v, "session_factories", "name", "AsyncSessionLocal");
    assert_eq!(async_local["kind"], "async");
    assert_eq!(async_local["expire_on_commit"], false);
    let legacy = record(&v, "session_factories", "name", "LegacyAsync");
    assert_eq!(legacy["kind"], "async", "sessionmaker(class_=AsyncSession)");
    let cached = record(&v, "session_factories", "name", "get_session_factory");
    assert_eq!(
        (&cached["scope"], &cached["cached"]),
        (&"return".into(), &true.into())
    );
    assert_eq!(
        record(&v, "session_factories", "name", "Unbound")["bind"],
        "sync_engine"
    );
    // F8: sites with their URL (password masked) and options, listeners with their targets.
    let engine = record(&v, "pools", "name", "engine");
    assert_eq!(engine["dsn"], "postgresql+asyncpg://app:***@db:5432/app");
    assert_eq!(
        (&engine["dialect"], &engine["kind"]),
        (&"postgresql".into(), &"async".into())
    );
    let recycled = record(&v, "pools", "name", "recycled");
    assert_eq!(recycled["options"]["pool_recycle"]["value"], 1800);
    let text = serde_json::to_string(&v).unwrap();
    assert!(!text.contains("secret"), "a password leaked into the facts");
    let listener = record(&v, "pools", "target", "self.engine.sync_engine");
    assert_eq!(
        listener["target_refs"][0],
        "sqlalchemy.tests.engines.Database.engine"
    );
}

#[test]
fn py_drivers_facts() {
    let v = facts_of("py-drivers", "", &["pools"]);
    insta::assert_snapshot!("py_drivers", pretty(&v));
    let legacy = record(&v, "pools", "name", "legacy");
    assert_eq!(legacy["library"], "psycopg2");
    assert_eq!(legacy["options"]["maxconn"]["value"], 10);
    let in_with = record(&v, "pools", "name", "pool");
    assert_eq!(in_with["library"], "asyncpg");
}

/// The check warnings of the project-level detectors of `pack` over one fixture project.
fn project_warnings(pack: &str, project: &str) -> Vec<(String, String)> {
    let mut b = EngineBuilder::new(ppa_rules::catalog().expect("catalogue"));
    b.load_pack(ppa_packs::find(pack).expect("built-in pack"))
        .expect("pack loads");
    let (engine, _) = b.build();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(pack)
        .join("tests");
    let stacks = ppa_rules::stacks().expect("stack dictionary");
    let projects = read_fixture_projects(&dir, &format!("{pack}/tests"), &stacks);
    let p = projects
        .iter()
        .find(|p| p.name == project)
        .expect("project");
    let records = p
        .fixtures
        .iter()
        .filter_map(|(label, text)| {
            ppa_engine::Language::from_path(label).map(|l| engine.check_source_as(label, l, text))
        })
        .flat_map(|r| r.records)
        .collect();
    let facts = ppa_engine::project::Facts::from_records(records);
    engine.check_project(&facts, &p.info).check_warnings
}

#[test]
fn undecidable_pool_sites_are_a_check_warning() {
    // engines.py: `create_engine(url, **kwargs, **tuning)` and an engine_from_config of a
    // settings object.
    assert_eq!(
        project_warnings("sqlalchemy", ""),
        [(
            "resource.pool_configuration".to_string(),
            "2 engine site(s) take their options from **kwargs or a configuration that is not a literal and could not be checked".to_string()
        )]
    );
    // pools.py: `ConnectionPool(DSN, **os.environ.get(…))`.
    assert_eq!(project_warnings("py-drivers", "").len(), 1);
    // A project without such sites has no warning.
    assert!(project_warnings("sqlalchemy", "sizing").is_empty());
}

// ---------------------------------------------------------------------------------------------
// django: F5 `models` and F16 `django_settings`.
// ---------------------------------------------------------------------------------------------

#[test]
fn django_facts() {
    let v = facts_of("django", "orm", &["models"]);
    insta::assert_snapshot!("django_models", pretty(&v));
    let names: Vec<&str> = v["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    // Abstract bases and plain classes are no models.
    assert_eq!(
        names,
        [
            "Article",
            "Badge",
            "Customer",
            "Address",
            "Tag",
            "Product",
            "Order",
            "OrderItem",
            "Coupon"
        ]
    );
    let customer = record(&v, "models", "name", "Customer");
    assert_eq!(customer["table"], "crm_customers", "Meta.db_table");
    assert_eq!(customer["complete"], true);
    let col = |m: &serde_json::Value, n: &str| {
        m["columns"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == n)
            .cloned()
            .unwrap_or_else(|| panic!("no column {n}"))
    };
    // The abstract base's fields and the implicit primary key come first.
    assert_eq!(col(customer, "id")["pk"], true);
    assert_eq!(col(customer, "created")["indexed"], true);
    assert_eq!(col(customer, "notes")["large"], true);
    let referrer = customer["relationships"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "referrer")
        .unwrap();
    assert_eq!(
        (
            &referrer["target"],
            &referrer["related_name"],
            &referrer["nullable"]
        ),
        (&"Customer".into(), &"referrals".into(), &true.into())
    );
    let address = record(&v, "models", "name", "Address");
    assert_eq!(address["table"], "crm_address", "<app_label>_<model>");
    // db_index=False, but the leading column of unique_together.
    assert_eq!(col(address, "customer")["indexed"], true);
    assert_eq!(col(address, "customer")["db_name"], "customer_id");
    assert_eq!(col(address, "country")["indexed"], true, "Meta.indexes");
    let item = record(&v, "models", "name", "OrderItem");
    let product = item["relationships"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "product")
        .unwrap();
    assert_eq!(product["related_name"], "orderitem_set");
    let order = record(&v, "models", "name", "Order");
    // Inherits from a base of another module: its columns are not all known.
    assert_eq!(order["complete"], false);
    let coupon = order["relationships"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "coupon")
        .unwrap();
    assert_eq!(
        coupon["related_name"],
        serde_json::Value::Null,
        "related_name=\"+\""
    );
}

#[test]
fn django_settings_facts() {
    let v = facts_of("django", "settings", &["django_settings"]);
    insta::assert_snapshot!("django_settings", pretty(&v));
    let default = v["django_settings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["alias"] == "default" && r["profile"].is_null())
        .unwrap();
    assert_eq!(default["conn_max_age"]["value"], 60);
    assert_eq!(default["atomic_requests"]["value"], true);
    assert_eq!(default["engine"], "django.db.backends.postgresql");
    let replica = record(&v, "django_settings", "role", "override");
    assert_eq!(
        (&replica["alias"], &replica["conn_health_checks"]["value"]),
        (&"replica".into(), &true.into())
    );
    let legacy = record(&v, "django_settings", "alias", "legacy");
    assert_eq!(
        legacy["engine"], "postgres",
        "from the URL of dj_database_url.config"
    );
}

// ---------------------------------------------------------------------------------------------
// F12 `db_functions` (sqlalchemy) and F13 `cached_classes` (python-core, fastapi `depends`).
// ---------------------------------------------------------------------------------------------

/// The records of `fact` with `kind` whose `key` is `value`.
fn records_of<'a>(
    v: &'a serde_json::Value,
    fact: &str,
    kind: &str,
    key: &str,
    value: &str,
) -> Vec<&'a serde_json::Value> {
    v[fact]
        .as_array()
        .unwrap_or_else(|| panic!("no fact {fact}"))
        .iter()
        .filter(|r| r["kind"] == kind && r[key] == value)
        .collect()
}

#[test]
fn fastapi_depends_targets_are_request_scope_records() {
    let v = facts_of("fastapi", "caching", &["cached_classes"]);
    let targets: Vec<&str> = v["cached_classes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "depends")
        .map(|r| r["target"].as_str().unwrap())
        .collect();
    let m = "caching.registry";
    for want in ["get_db", "EngineRegistry", "get_languages", "get_registry"] {
        assert!(
            targets.iter().any(|t| t.ends_with(&format!("{m}.{want}"))),
            "{want} in {targets:?}"
        );
    }
}

#[test]
fn sqlalchemy_by_key_fetches_record_key_param_and_use() {
    let v = facts_of("sqlalchemy", "fetch", &["db_functions"]);
    // `job = await s.get(Job, job_id)` then `job.status = …`: keyed by the first parameter,
    // the row is mutated.
    let f = records_of(&v, "db_functions", "fetch", "model", "Job")
        .into_iter()
        .find(|r| {
            r["function"]
                .as_str()
                .unwrap()
                .ends_with("JobProcessor._process_job")
        })
        .expect("the fetch of _process_job");
    assert_eq!(f["via"], "get");
    assert_eq!(f["key_param"], "job_id");
    assert_eq!(f["key_index"], 0);
    assert_eq!(f["mutated"], true);
    // `s.scalar(select(Language).where(Language.code == lang_code)).dialect_id`: one field.
    let t = records_of(&v, "db_functions", "fetch", "model", "Language")
        .into_iter()
        .find(|r| {
            r["function"]
                .as_str()
                .unwrap()
                .ends_with("translate.translate")
        })
        .expect("the fetch of translate");
    assert_eq!(t["via"], "select");
    assert_eq!(t["key_column"], "code");
    assert_eq!(t["fields"], serde_json::json!(["dialect_id"]));
    assert_eq!(t["whole"], false);
    // `repo.acquire_next_pending()` on `repo = JobRepository(s)`: the producer is the method.
    let a = records_of(&v, "db_functions", "arg", "attr", "id")
        .into_iter()
        .find(|r| {
            r["callee"]
                .as_str()
                .unwrap()
                .ends_with("JobProcessor._process_job")
        })
        .expect("the call passing job.id");
    assert!(a["producer"]
        .as_str()
        .unwrap()
        .ends_with("repository.JobRepository.acquire_next_pending"));
}
