//! End-to-end: the django pack on `examples/django-shop`, a Django + DRF project. Every finding
//! of the run is listed (check, file, line, severity): the planted defects with the severities
//! their execution contexts give them (routed views and the services they call are on the
//! request path, the admin action one level lower, the management command a CLI), and nothing
//! for the safe look-alikes, the data migration or the tests.

use ppa_tests::{check_json, repo_path};

fn check() -> serde_json::Value {
    let root = repo_path("examples/django-shop");
    let out = check_json(&root, &[]);
    assert_eq!(out.code, 1, "findings fail the run: {}", out.stderr);
    assert!(
        !out.stderr.contains("error"),
        "no predicate may fail: {}",
        out.stderr
    );
    out.json()
}

#[test]
fn the_planted_defects_and_nothing_else() {
    let doc = check();
    let packs: Vec<&str> = doc["packs"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str().or_else(|| p["name"].as_str()))
        .collect();
    assert!(packs.contains(&"django"), "{packs:?}");
    let mut got: Vec<(String, String, u64, String)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["check"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    got.sort();
    let mut expected: Vec<(String, String, u64, String)> = [
        // ProductList.get: `p.category` and `p.tags.all()` per product (a DRF view).
        ("query.n_plus_one", "catalog/views.py", 14, "HIGH"),
        ("query.n_plus_one", "catalog/views.py", 15, "HIGH"),
        // ... loading every column (`description` is a TextField) for two fields.
        ("query.over_fetching", "catalog/views.py", 11, "MEDIUM"),
        // place_order (called by the checkout view): a read and an INSERT per cart entry.
        ("query.n_plus_one", "orders/services.py", 15, "HIGH"),
        ("query.missing_bulk_ops", "orders/services.py", 16, "MEDIUM"),
        // ship (called by mark_shipped): an UPDATE and an INSERT per order.
        (
            "query.n_update_delete_loop",
            "orders/services.py",
            35,
            "HIGH",
        ),
        ("query.missing_bulk_ops", "orders/services.py", 36, "MEDIUM"),
        // capture_payment (called by checkout): the gateway call inside a writing atomic block;
        // HIGH, lowered by Rule 6 (the call has a timeout).
        (
            "transaction.scope_too_wide",
            "orders/services.py",
            48,
            "MEDIUM",
        ),
        // order_history: the customer and a count per order.
        ("query.n_plus_one", "orders/views.py", 17, "HIGH"),
        ("query.n_plus_one", "orders/views.py", 18, "HIGH"),
        // live_totals: a sync count in an async view.
        (
            "runtime.blocking_io_in_async",
            "orders/views.py",
            52,
            "HIGH",
        ),
        // The admin action: one level lower.
        (
            "query.n_update_delete_loop",
            "orders/admin.py",
            14,
            "MEDIUM",
        ),
        // The management command: not on the request path.
        (
            "query.n_plus_one",
            "orders/management/commands/close_stale_orders.py",
            15,
            "MEDIUM",
        ),
        // DATABASES: persistent connections without health checks; a connection per request.
        (
            "resource.pool_configuration",
            "shop/settings.py",
            28,
            "MEDIUM",
        ),
        ("resource.pool_configuration", "shop/settings.py", 31, "LOW"),
    ]
    .iter()
    .map(|(c, f, l, s)| (c.to_string(), f.to_string(), *l, s.to_string()))
    .collect();
    expected.sort();
    assert_eq!(got, expected, "{:#}", doc["findings"]);
}

#[test]
fn messages_name_the_query_and_the_fix() {
    let doc = check();
    let find = |file: &str, line: u64| {
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["file"] == file && f["line"] == line)
            .unwrap_or_else(|| panic!("no finding at {file}:{line}"))
            .clone()
    };
    let lazy = find("orders/views.py", 17);
    assert_eq!(
        lazy["message"],
        "lazy load of `Order.customer` per row of `orders` (N+1)"
    );
    assert!(lazy["recommendation"]
        .as_str()
        .unwrap()
        .contains("select_related(\"customer\")"));
    let manager = find("orders/views.py", 18);
    assert!(manager["recommendation"]
        .as_str()
        .unwrap()
        .contains("prefetch_related(\"lines\")"));
    let blocking = find("orders/views.py", 52);
    assert!(blocking["message"]
        .as_str()
        .unwrap()
        .contains("SynchronousOnlyOperation"));
    let wide = find("catalog/views.py", 11);
    assert_eq!(
        wide["message"],
        "`Product.objects.filter(stock__gt=0).order_by(\"title\")[:50]` loads all 9 columns of `Product`; uses `sku`, `category`"
    );
    let tx = find("orders/services.py", 48);
    assert_eq!(tx["original_severity"], "HIGH");
    assert_eq!(
        tx["message"],
        "`requests.post` (external) inside a writing transaction opened at `orders/services.py:45`"
    );
    let pool = find("shop/settings.py", 28);
    assert_eq!(
        pool["message"],
        "`DATABASES[\"default\"]` at `shop/settings.py:23`: persistent connections (CONN_MAX_AGE=600) without CONN_HEALTH_CHECKS=True"
    );
}

/// The django pack's fixture project with a NOTIFY trigger (`packs/django/tests/progress`):
/// per-iteration writes to the trigger table inside one atomic span are
/// transaction.missing_intermediate_commits, and the post-filter drops the
/// query.n_update_delete_loop findings of the same lines (CHECKS.md §3.7); writes that the
/// trigger does not see, or that commit per step, stay n_update_delete_loop.
#[test]
fn trigger_writes_in_one_span_are_missing_intermediate_commits_only() {
    let root = repo_path("packs/django/tests/progress");
    let out = check_json(&root, &["--pack", "django"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let doc = out.json();
    let mut got: Vec<(String, u64, String)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] != "query.over_fetching")
        .map(|f| {
            (
                f["check"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    got.sort();
    let expected = [
        ("query.n_update_delete_loop", 27, "HIGH"),
        ("query.n_update_delete_loop", 36, "HIGH"),
        ("query.n_update_delete_loop", 44, "HIGH"),
        // No F4 subscriber outside the fixture's ppa-facts.toml: HIGH, not CRITICAL.
        ("transaction.missing_intermediate_commits", 14, "HIGH"),
        ("transaction.missing_intermediate_commits", 24, "MEDIUM"),
        ("transaction.missing_intermediate_commits", 52, "MEDIUM"),
    ];
    let expected: Vec<(String, u64, String)> = expected
        .iter()
        .map(|(c, l, s)| (c.to_string(), *l, s.to_string()))
        .collect();
    assert_eq!(got, expected, "{:#}", doc["findings"]);
}
