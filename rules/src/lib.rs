//! The built-in check catalogue, embedded in the binary.
//!
//! Each `catalog/<category>.toml` holds one `[[check]]` record per check of CHECKS.md §4. This
//! crate is data: it embeds the files and loads them through the engine's normal catalogue loader,
//! so a broken record fails `cargo test` here rather than a user's run.
//!
//! `discovery/stacks.toml` is the technology dictionary of discovery (CHECKS.md §1.2–1.3): which
//! dependencies, imports, images and words mean which database, ORM or framework.

use ppa_engine::catalog::Catalog;
use ppa_engine::discover::Stacks;
use ppa_engine::facts::gate::FactTable;

/// The embedded technology dictionary: (path label, TOML text).
pub const STACKS: (&str, &str) = (
    "rules/discovery/stacks.toml",
    include_str!("../discovery/stacks.toml"),
);

/// Loads the built-in technology dictionary (tested, so it cannot fail at run time).
pub fn stacks() -> Result<Stacks, String> {
    Stacks::from_toml(STACKS.0, STACKS.1)
}

/// The embedded fact table (CHECKS.md §2): the technology and sources of the facts checks
/// require.
pub const FACTS: (&str, &str) = ("rules/facts.toml", include_str!("../facts.toml"));

/// The embedded catalogue files: (path label, TOML text), in category report order.
pub const FILES: &[(&str, &str)] = &[
    (
        "rules/catalog/query.toml",
        include_str!("../catalog/query.toml"),
    ),
    (
        "rules/catalog/transaction.toml",
        include_str!("../catalog/transaction.toml"),
    ),
    (
        "rules/catalog/runtime.toml",
        include_str!("../catalog/runtime.toml"),
    ),
    (
        "rules/catalog/resource.toml",
        include_str!("../catalog/resource.toml"),
    ),
];

/// Loads the built-in catalogue. The embedded files are tested, so this cannot fail at run time;
/// it still returns the loader's errors rather than panicking in a library.
pub fn catalog() -> Result<Catalog, Vec<ppa_engine::error::PackError>> {
    let mut catalog = Catalog::default();
    for (origin, text) in FILES {
        catalog.add_toml(origin, text)?;
    }
    let facts = FactTable::from_toml(FACTS.0, FACTS.1).map_err(|e| {
        vec![ppa_engine::error::PackError::new(
            &ppa_engine::error::SourceFile::new(FACTS.0, FACTS.1),
            ppa_engine::error::Span::new(0, 0),
            e,
            "fix the fact table",
        )]
    })?;
    catalog.set_facts(facts);
    Ok(catalog)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ppa_engine::model::{Category, Exempt};

    /// The 25 check ids of CHECKS.md §4.
    const EXPECTED: &[&str] = &[
        "query.n_plus_one",
        "query.redundant_fetch",
        "query.n_update_delete_loop",
        "query.unnecessary_resolve",
        "query.over_fetching",
        "query.missing_bulk_ops",
        "query.wrong_caching_scope",
        "transaction.missing_intermediate_commits",
        "transaction.scope_too_wide",
        "transaction.scope_too_narrow",
        "transaction.missing_rollback",
        "transaction.long_held_transaction",
        "transaction.event_channel_consistency",
        "runtime.blocking_io_in_async",
        "runtime.unnecessary_list_allocation",
        "runtime.sync_sleep_in_async",
        "runtime.string_concat_in_loop",
        "runtime.missing_to_thread",
        "runtime.redundant_data_copies",
        "resource.resource_scope_mismatch",
        "resource.streaming_resource_holding",
        "resource.missing_cleanup",
        "resource.pool_configuration",
        "resource.error_path_leak",
        "resource.factory_vs_injection",
    ];

    #[test]
    fn every_embedded_file_loads_and_holds_the_25_checks() {
        let catalog = match catalog() {
            Ok(c) => c,
            Err(errors) => panic!("catalogue failed to load: {errors:#?}"),
        };
        let mut ids: Vec<&str> = catalog.iter().map(|c| c.id.as_str()).collect();
        ids.sort_unstable();
        let mut expected = EXPECTED.to_vec();
        expected.sort_unstable();
        assert_eq!(ids, expected);
    }

    #[test]
    fn every_required_fact_is_in_the_fact_table() {
        let catalog = catalog().unwrap_or_else(|e| panic!("{e:#?}"));
        let facts = catalog.facts();
        assert!(facts
            .get("F2")
            .is_some_and(|f| f.technology == ["postgresql"]));
        for check in catalog.iter() {
            for id in &check.requires_facts {
                assert!(facts.get(id).is_some(), "{}: unknown fact {id}", check.id);
            }
        }
        // CHECKS.md §5.7: the channel check needs PostgreSQL or Redis.
        let channels = catalog
            .get("transaction.event_channel_consistency")
            .unwrap();
        assert_eq!(channels.requires_facts, ["F2", "F3", "F4"]);
    }

    #[test]
    fn the_stack_dictionary_loads_and_covers_the_spec() {
        let s = stacks().unwrap_or_else(|e| panic!("{e}"));
        let kinds: Vec<&str> = s.db.iter().map(|d| d.kind.as_str()).collect();
        assert_eq!(kinds, ["mongodb", "mysql", "postgresql", "redis", "sqlite"]);
        // CHECKS.md §1.3: driver dependencies and the DB kind they imply.
        for (dep, kind) in [
            ("psycopg", "postgresql"),
            ("psycopg2-binary", "postgresql"),
            ("asyncpg", "postgresql"),
            ("pg", "postgresql"),
            ("github.com/jackc/pgx", "postgresql"),
            ("github.com/lib/pq", "postgresql"),
            ("pymysql", "mysql"),
            ("mysqlclient", "mysql"),
            ("aiomysql", "mysql"),
            ("mysql2", "mysql"),
            ("github.com/go-sql-driver/mysql", "mysql"),
            ("aiosqlite", "sqlite"),
            ("better-sqlite3", "sqlite"),
            ("github.com/mattn/go-sqlite3", "sqlite"),
            ("pymongo", "mongodb"),
            ("motor", "mongodb"),
            ("mongoose", "mongodb"),
            ("redis", "redis"),
            ("ioredis", "redis"),
            ("github.com/redis/go-redis", "redis"),
        ] {
            assert!(
                s.stack
                    .iter()
                    .any(|x| x.db.as_deref() == Some(kind)
                        && x.dependencies.iter().any(|d| d == dep)),
                "{dep} should imply {kind}"
            );
        }
        // The tech_stack.md dictionary of §1.1 row 9.
        let mut words: Vec<&str> =
            s.db.iter()
                .flat_map(|d| &d.docs)
                .chain(s.stack.iter().flat_map(|x| &x.docs))
                .chain(s.flag.iter().flat_map(|f| &f.docs))
                .chain(&s.pooler.docs)
                .map(String::as_str)
                .collect();
        words.sort_unstable();
        for w in [
            "PostgreSQL",
            "MySQL",
            "SQLite",
            "MongoDB",
            "Redis",
            "Supabase",
            "PgBouncer",
            "SQLAlchemy",
            "SQLModel",
            "Django",
            "FastAPI",
            "Starlette",
            "asyncio",
            "Celery",
            "Prisma",
            "Sequelize",
            "TypeORM",
            "Knex",
            "Mongoose",
            "GORM",
            "sqlx",
            "pgx",
            "Express",
            "Fastify",
            "NestJS",
        ] {
            assert!(
                words.binary_search(&w).is_ok(),
                "tech_stack.md word {w} missing"
            );
        }
    }

    #[test]
    fn the_deployment_markers_cover_f9() {
        let s = stacks().unwrap_or_else(|e| panic!("{e}"));
        let d = &s.deployment;
        for f in ["serverless.yml", "vercel.json", "netlify.toml"] {
            assert!(
                d.serverless_files.iter().any(|g| g.ends_with(f)),
                "{f} should mean serverless"
            );
        }
        for dep in ["mangum", "aws-lambda-powertools", "@vercel/node"] {
            assert!(d.serverless_dependencies.iter().any(|x| x == dep), "{dep}");
        }
        assert!(d.serverless_templates.iter().any(|t| t
            .files
            .iter()
            .any(|g| g.ends_with("template.yaml"))
            && t.contains.iter().any(|c| c == "AWS::Serverless::Function")));
        for p in ["pgbouncer", "pgcat", "odyssey", "supavisor"] {
            assert!(s.pooler.names.iter().any(|x| x == p), "{p}");
        }
        assert!(s
            .pooler
            .dsn_hosts
            .iter()
            .any(|h| h == "pooler.supabase.com"));
        assert!(s.pooler.dsn_ports.contains(&6543));
        assert!(s.pooler.dsn_params.iter().any(|p| p == "pgbouncer=true"));
        let w = &d.workers;
        assert!(w
            .config_files
            .iter()
            .any(|g| g.ends_with("gunicorn.conf.py")));
        assert!(w.settings.iter().any(|x| x == "workers"));
        for f in ["Procfile", "Dockerfile"] {
            assert!(w.command_files.iter().any(|g| g.ends_with(f)), "{f}");
        }
        assert!(w.flags.iter().any(|f| f == "--workers"));
    }

    #[test]
    fn each_file_holds_only_its_category() {
        for (origin, text) in FILES {
            let mut c = Catalog::default();
            c.add_toml(origin, text).unwrap();
            let cat = origin.rsplit('/').next().unwrap().trim_end_matches(".toml");
            let cat = Category::parse(cat).unwrap();
            assert!(
                c.iter().all(|k| k.category == cat),
                "{origin} mixes categories"
            );
        }
    }

    #[test]
    fn rule6_aliases_and_exemptions_match_the_spec() {
        let c = catalog().unwrap();
        let alias = |id: &str| c.get(id).unwrap().context_rule.clone();
        assert_eq!(
            alias("runtime.blocking_io_in_async").as_deref(),
            Some("blocking_io")
        );
        assert_eq!(
            alias("query.redundant_fetch").as_deref(),
            Some("redundant_fetch")
        );
        assert_eq!(
            alias("transaction.scope_too_wide").as_deref(),
            Some("transaction_wide")
        );
        assert_eq!(
            alias("runtime.missing_to_thread").as_deref(),
            Some("cpu_bound")
        );
        let with_alias = c.iter().filter(|k| k.context_rule.is_some()).count();
        assert_eq!(with_alias, 4, "only the four Rule 6 checks carry an alias");
        assert_eq!(c.get("query.n_plus_one").unwrap().exempt, Exempt::Always);
        assert_eq!(
            c.get("transaction.missing_rollback").unwrap().exempt,
            Exempt::Always
        );
        assert_eq!(
            c.get("query.n_update_delete_loop").unwrap().exempt,
            Exempt::HotPath
        );
    }

    #[test]
    fn docs_follow_the_fixed_headings() {
        for check in catalog().unwrap().iter() {
            for heading in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## Use instead",
            ] {
                assert!(
                    check.docs.contains(heading),
                    "{}: docs lack `{heading}`",
                    check.id
                );
            }
        }
    }
}
