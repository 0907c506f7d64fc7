//! End-to-end: transaction.event_channel_consistency across languages, and its status when the
//! facts it requires are missing (CHECKS.md §2, §5.7): skipped without PostgreSQL or Redis, a
//! warning for PostgreSQL without migrations or for channel names from the environment.

use ppa_tests::{ppa, write_tree};

const CHECK: &str = "transaction.event_channel_consistency";

/// Runs `ppa check --format json` on a project directory.
fn check(dir: &std::path::Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let root = dir.to_string_lossy().to_string();
    let mut args = vec![
        "check",
        "--root",
        &root,
        &root,
        "--format",
        "json",
        "--no-results-log",
    ];
    args.extend_from_slice(extra);
    let out = ppa(&args);
    assert!(out.code != 2, "{}\n{}", out.stdout, out.stderr);
    (out.code, out.json())
}

/// (status, details) of the channel check in a run document.
fn status(doc: &serde_json::Value) -> (String, String) {
    let c = doc["categories"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["checks"].as_array().unwrap())
        .find(|c| c["id"] == CHECK)
        .unwrap_or_else(|| panic!("no {CHECK} in {doc:#}"));
    (
        c["status"].as_str().unwrap().to_string(),
        c["details"].as_str().unwrap().to_string(),
    )
}

fn channel_findings(doc: &serde_json::Value) -> Vec<(String, u64, String, String)> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == CHECK)
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["severity"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_go_publisher_and_a_javascript_subscriber_on_a_misspelt_channel() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[
            (
                "go.mod",
                b"module example.com/shop\n\ngo 1.22\n\nrequire github.com/redis/go-redis/v9 v9.5.1\n",
            ),
            (
                "internal/events/events.go",
                b"package events\n\nconst OrderShipped = \"orders:shipped\"\n",
            ),
            (
                "cmd/worker/main.go",
                b"package main\n\nimport (\n\t\"context\"\n\n\t\"example.com/shop/internal/events\"\n\t\"github.com/redis/go-redis/v9\"\n)\n\nfunc main() {\n\tctx := context.Background()\n\trdb := redis.NewClient(&redis.Options{})\n\trdb.Publish(ctx, events.OrderShipped, \"42\")\n}\n",
            ),
            (
                "web/package.json",
                b"{\"name\": \"web\", \"dependencies\": {\"ioredis\": \"^5.3.0\"}}\n",
            ),
            (
                "web/src/notify.ts",
                b"import Redis from \"ioredis\";\n\nconst sub = new Redis();\n\nexport async function start() {\n  await sub.subscribe(\"order:shipped\");\n}\n",
            ),
        ],
    );
    let (code, doc) = check(dir.path(), &[]);
    assert_eq!(code, 1);
    let packs = doc["packs"].as_array().unwrap();
    assert!(packs.iter().any(|p| p == "event-channels"), "{packs:?}");
    let found = channel_findings(&doc);
    assert_eq!(found.len(), 1, "{found:#?}");
    let (file, line, severity, message) = &found[0];
    assert_eq!((file.as_str(), *line), ("web/src/notify.ts", 6));
    assert_eq!(severity, "CRITICAL");
    assert!(
        message.contains("`orders:shipped`")
            && message.contains("cmd/worker/main.go:13")
            && message.contains("`order:shipped`"),
        "{message}"
    );
    // Redis only: F2 (PostgreSQL triggers) does not apply, so no "no sources" warning.
    assert_eq!(status(&doc).0, "failed");
    assert!(!status(&doc).1.contains("F2"), "{:?}", status(&doc));
}

#[test]
fn postgresql_without_migrations_is_a_warning_and_migrations_make_it_pass() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[
            ("requirements.txt", b"asyncpg==0.29.0\n"),
            (
                "app/jobs.py",
                b"async def done(conn):\n    await conn.execute(\"NOTIFY jobs_done\")\n\n\nasync def listen(conn, cb):\n    await conn.add_listener(\"jobs_done\", cb)\n",
            ),
        ],
    );
    let (code, doc) = check(dir.path(), &[]);
    assert_eq!(code, 0);
    assert!(channel_findings(&doc).is_empty());
    assert_eq!(
        status(&doc),
        ("warning".to_string(), "F2: no sources found".to_string())
    );

    // A migration directory is a source of F2, even without a trigger in it.
    write_tree(
        dir.path(),
        &[(
            "migrations/0001_jobs.sql",
            b"CREATE TABLE jobs (id serial primary key);\n",
        )],
    );
    let (_, doc) = check(dir.path(), &[]);
    assert_eq!(
        status(&doc),
        ("passed".to_string(), "no findings".to_string())
    );

    // A channel read from the environment cannot be decided: warning.
    write_tree(
        dir.path(),
        &[(
            "app/audit.py",
            b"import os\n\n\nasync def listen(conn, cb):\n    await conn.add_listener(os.environ[\"AUDIT_CHANNEL\"], cb)\n",
        )],
    );
    let (_, doc) = check(dir.path(), &[]);
    let (st, details) = status(&doc);
    assert_eq!(st, "warning");
    assert!(details.contains("environment"), "{details}");
}

#[test]
fn without_postgresql_or_redis_the_check_is_skipped_and_reports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[
            ("requirements.txt", b"pymysql==1.1.0\n"),
            (
                "app/jobs.py",
                b"async def done(conn):\n    await conn.execute(\"NOTIFY jobs_done\")\n",
            ),
        ],
    );
    // The pack is asked for by name; discovery still tells which databases the project uses.
    let (code, doc) = check(dir.path(), &["--pack", "event-channels"]);
    assert_eq!(code, 0);
    assert!(channel_findings(&doc).is_empty(), "{doc:#}");
    assert_eq!(
        status(&doc),
        (
            "skipped".to_string(),
            "no PostgreSQL or Redis in the project".to_string()
        )
    );

    // The same code with PostgreSQL: the orphaned NOTIFY is reported.
    write_tree(dir.path(), &[("requirements.txt", b"psycopg==3.1.18\n")]);
    let (code, doc) = check(dir.path(), &["--pack", "event-channels"]);
    assert_eq!(code, 1);
    let found = channel_findings(&doc);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].2, "HIGH");
    assert_eq!(status(&doc).0, "failed");
    assert!(
        status(&doc).1.contains("F2: no sources found"),
        "{:?}",
        status(&doc)
    );
}
