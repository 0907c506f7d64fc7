//! The technology dictionary (`rules/discovery/stacks.toml`): which dependency names, imports,
//! images, DSN schemes and documentation words mean which database kind or technology. The
//! engine owns the type and its matching rules; the content is data.

use serde::Deserialize;

/// The whole dictionary.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stacks {
    /// Database kinds.
    #[serde(default)]
    pub db: Vec<DbKind>,
    /// Technologies (ORMs, web frameworks, async libraries, task runners, drivers).
    #[serde(default)]
    pub stack: Vec<Stack>,
    /// Platform flags (`supabase`): set by dependencies, files or docs words.
    #[serde(default)]
    pub flag: Vec<Flag>,
    /// External connection poolers.
    #[serde(default)]
    pub pooler: Pooler,
    /// Deployment markers (F9): serverless platforms and web worker counts.
    #[serde(default)]
    pub deployment: DeploymentMarkers,
}

/// `[[db]]`: a database kind and how it shows.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DbKind {
    /// `postgresql`, `mysql`, …
    pub kind: String,
    /// Compose images without registry and tag (`postgres`, `postgis/postgis`).
    #[serde(default)]
    pub images: Vec<String>,
    /// DSN schemes (`postgresql` also matches `postgresql+asyncpg://`).
    #[serde(default)]
    pub dsn: Vec<String>,
    /// Words in `docs/project/tech_stack.md`.
    #[serde(default)]
    pub docs: Vec<String>,
}

/// What a technology is, for the `tech_stack` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Orm,
    Web,
    Async,
    Tasks,
    /// A database driver: gives a DB kind, is listed under no role.
    Driver,
}

/// `[[stack]]`: one technology.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stack {
    /// The name shown in `tech_stack` (`sqlalchemy`).
    pub name: String,
    pub roles: Vec<Role>,
    /// The database kind it implies (drivers, ODMs).
    #[serde(default)]
    pub db: Option<String>,
    /// Manifest dependency names.
    #[serde(default)]
    pub dependencies: Vec<String>,
    /// Imported modules (prefixes).
    #[serde(default)]
    pub imports: Vec<String>,
    /// Words in `docs/project/tech_stack.md`.
    #[serde(default)]
    pub docs: Vec<String>,
    /// Whether a pack is expected for it (otherwise never listed as "Detected, no pack").
    #[serde(default = "yes")]
    pub packable: bool,
}

fn yes() -> bool {
    true
}

/// `[[flag]]`: a platform the project runs on, shown as a flag.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Flag {
    pub name: String,
    /// The database kind the flag implies.
    #[serde(default)]
    pub db: Option<String>,
    #[serde(default)]
    pub dependencies: Vec<String>,
    /// Globs over repo-relative paths.
    #[serde(default)]
    pub files: Vec<String>,
    #[serde(default)]
    pub docs: Vec<String>,
}

/// `[pooler]`: an external connection pooler in front of the database (F9 `external_pooler`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pooler {
    /// Substrings of compose images or service names.
    #[serde(default)]
    pub names: Vec<String>,
    #[serde(default)]
    pub docs: Vec<String>,
    /// Substrings of a literal DSN's host that name a pooler (`pooler.supabase.com`).
    #[serde(default)]
    pub dsn_hosts: Vec<String>,
    /// DSN ports a pooler listens on (`6543`, Supabase's transaction pooler).
    #[serde(default)]
    pub dsn_ports: Vec<u16>,
    /// DSN query parameters that say a pooler is in the way (`pgbouncer=true`), compared
    /// case-insensitively.
    #[serde(default)]
    pub dsn_params: Vec<String>,
}

/// `[deployment]`: how the project is deployed (F9).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeploymentMarkers {
    /// Globs of files whose presence means a serverless deployment (`**/serverless.yml`).
    #[serde(default)]
    pub serverless_files: Vec<String>,
    /// Runtime dependencies that mean a serverless deployment (`mangum`).
    #[serde(default)]
    pub serverless_dependencies: Vec<String>,
    /// Files that mean a serverless deployment only when they contain a marker (a SAM
    /// `template.yaml` with `AWS::Serverless::Function`).
    #[serde(default)]
    pub serverless_templates: Vec<ContentMarker>,
    /// Where the number of web worker processes is configured.
    #[serde(default)]
    pub workers: WorkerMarkers,
}

/// Files (globs) that count only when their text contains one of `contains`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContentMarker {
    pub files: Vec<String>,
    pub contains: Vec<String>,
}

/// `[deployment.workers]`: web worker processes per host.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkerMarkers {
    /// Server configuration files read for `<setting> = N` lines (`**/gunicorn.conf.py`).
    #[serde(default)]
    pub config_files: Vec<String>,
    /// The settings named in them (`workers`).
    #[serde(default)]
    pub settings: Vec<String>,
    /// Files whose command lines start servers (`**/Procfile`, `**/Dockerfile`); compose
    /// `command`s are read too.
    #[serde(default)]
    pub command_files: Vec<String>,
    /// Server programs whose command line carries the flag (`gunicorn`, `uvicorn`).
    #[serde(default)]
    pub servers: Vec<String>,
    /// Flags followed by the worker count (`--workers`, `-w`; also `--workers=N`).
    #[serde(default)]
    pub flags: Vec<String>,
    /// Environment variables holding the worker count (`WEB_CONCURRENCY`), in command files
    /// (`ENV X=4`, `X=4 gunicorn …`) and compose `environment`.
    #[serde(default)]
    pub env: Vec<String>,
}

impl Stacks {
    /// Parses and validates a dictionary file. `origin` names it in errors.
    pub fn from_toml(origin: &str, text: &str) -> Result<Stacks, String> {
        let stacks: Stacks = toml::from_str(text).map_err(|e| {
            let at = e
                .span()
                .map(|s| {
                    let line = text[..s.start.min(text.len())].matches('\n').count() + 1;
                    format!(":{line}")
                })
                .unwrap_or_default();
            format!("{origin}{at}: {}", e.message().trim())
        })?;
        let mut names = std::collections::BTreeSet::new();
        for s in &stacks.stack {
            if !names.insert(s.name.as_str()) {
                return Err(format!("{origin}: stack `{}` is defined twice", s.name));
            }
            if let Some(db) = &s.db {
                if !stacks.db.iter().any(|d| &d.kind == db) {
                    return Err(format!(
                        "{origin}: stack `{}` names db `{db}`, which no [[db]] defines",
                        s.name
                    ));
                }
            }
            if s.roles.is_empty() {
                return Err(format!("{origin}: stack `{}` has no roles", s.name));
            }
        }
        for f in &stacks.flag {
            if let Some(db) = &f.db {
                if !stacks.db.iter().any(|d| &d.kind == db) {
                    return Err(format!(
                        "{origin}: flag `{}` names db `{db}`, which no [[db]] defines",
                        f.name
                    ));
                }
            }
        }
        Ok(stacks)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_references_and_duplicates() {
        let ok =
            "[[db]]\nkind = \"k\"\n[[stack]]\nname = \"a\"\nroles = [\"driver\"]\ndb = \"k\"\n";
        let s = Stacks::from_toml("t.toml", ok).unwrap();
        assert!(s.stack[0].packable);
        let bad_db = "[[stack]]\nname = \"a\"\nroles = [\"orm\"]\ndb = \"nope\"\n";
        assert!(Stacks::from_toml("t.toml", bad_db)
            .unwrap_err()
            .contains("no [[db]]"));
        let twice = "[[stack]]\nname = \"a\"\nroles = [\"orm\"]\n[[stack]]\nname = \"a\"\nroles = [\"orm\"]\n";
        assert!(Stacks::from_toml("t.toml", twice)
            .unwrap_err()
            .contains("twice"));
        let unknown = "[[stack]]\nname = \"a\"\nroles = [\"orm\"]\ncolour = 1\n";
        let e = Stacks::from_toml("t.toml", unknown).unwrap_err();
        assert!(e.starts_with("t.toml:4") && e.contains("colour"), "{e}");
    }
}
