//! F9 `deployment` (CHECKS.md §2): whether the project runs serverless, whether an external
//! connection pooler sits in front of its database, and how many web worker processes a host
//! starts. Stack-neutral: every marker (file names, dependencies, pooler hosts and ports, server
//! programs and their flags) is data, read from the `[deployment]` and `[pooler]` tables of the
//! discovery dictionary. Project-level detectors read the result as `project.deployment`.
//!
//! Sources: serverless files (`serverless.yml`, `vercel.json`, …) by path; SAM templates by a
//! marker in their text; serverless dependencies (`mangum`); compose services named or built
//! from a pooler image (see [`super::compose`]); literal DSNs whose host, port or query names a
//! pooler; `workers = N` in server configuration files; `--workers N` on server command lines
//! in Procfiles, Dockerfiles and compose `command`s, and worker-count environment variables.

use super::stacks::{DeploymentMarkers, Pooler, Stacks, WorkerMarkers};
use crate::facts::dsn::Dsn;
use crate::finding::Diagnostic;
use globset::GlobSet;
use serde::Serialize;
use std::collections::BTreeMap;

/// The F9 fact.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Deployment {
    /// Functions-as-a-service (AWS Lambda, Vercel, Netlify): no long-lived process holds a pool.
    pub serverless: bool,
    /// A connection pooler (PgBouncer, pgcat, Supavisor, …) multiplexes connections.
    pub external_pooler: bool,
    /// The largest literal web worker count configured anywhere, if any.
    pub web_workers: Option<u64>,
    /// Why each marker holds: `serverless`, `external_pooler`, `web_workers` → places, in the
    /// order found (e.g. `serverless.yml`, `dependency mangum (requirements.txt)`).
    pub evidence: BTreeMap<String, Vec<String>>,
}

impl Deployment {
    /// Records a marker with its evidence (each piece of evidence once).
    pub fn note(&mut self, marker: &str, evidence: impl Into<String>) {
        match marker {
            "serverless" => self.serverless = true,
            "external_pooler" => self.external_pooler = true,
            _ => {}
        }
        let list = self.evidence.entry(marker.to_string()).or_default();
        let e = evidence.into();
        if !list.contains(&e) {
            list.push(e);
        }
    }

    /// Records a worker count (the largest one wins).
    pub fn workers(&mut self, n: u64, evidence: impl Into<String>) {
        self.web_workers = Some(self.web_workers.map_or(n, |w| w.max(n)));
        self.note("web_workers", evidence);
    }
}

/// The compiled markers and what was found so far, fed by the discoverer.
#[derive(Debug)]
pub(crate) struct Scan {
    serverless_files: Option<GlobSet>,
    templates: Vec<(GlobSet, Vec<String>)>,
    worker_config: Option<GlobSet>,
    command_files: Option<GlobSet>,
    pub found: Deployment,
}

impl Scan {
    pub fn new(markers: &DeploymentMarkers, diagnostics: &mut Vec<Diagnostic>) -> Scan {
        let set = |globs: &[String], diagnostics: &mut Vec<Diagnostic>| {
            (!globs.is_empty())
                .then(|| super::glob_set(globs, diagnostics))
                .flatten()
        };
        Scan {
            serverless_files: set(&markers.serverless_files, diagnostics),
            templates: markers
                .serverless_templates
                .iter()
                .filter_map(|t| Some((set(&t.files, diagnostics)?, t.contains.clone())))
                .collect(),
            worker_config: set(&markers.workers.config_files, diagnostics),
            command_files: set(&markers.workers.command_files, diagnostics),
            found: Deployment::default(),
        }
    }

    /// Whether the text of this file is needed (it may be a file without a known extension,
    /// such as `Procfile` or `Dockerfile`).
    pub fn wants(&self, label: &str) -> bool {
        let hit = |s: &Option<GlobSet>| s.as_ref().is_some_and(|s| s.is_match(label));
        hit(&self.worker_config)
            || hit(&self.command_files)
            || self.templates.iter().any(|(s, _)| s.is_match(label))
    }

    /// A file's path: serverless files count by their presence.
    pub fn add_path(&mut self, label: &str) {
        if self
            .serverless_files
            .as_ref()
            .is_some_and(|s| s.is_match(label))
        {
            self.found.note("serverless", label);
        }
    }

    /// A file's text: templates, worker settings and commands, and DSNs naming a pooler.
    pub fn add_file(&mut self, label: &str, text: &str, stacks: &Stacks) {
        for (set, contains) in &self.templates {
            if set.is_match(label) {
                if let Some(m) = contains.iter().find(|c| text.contains(c.as_str())) {
                    self.found.note("serverless", format!("{label} ({m})"));
                }
            }
        }
        let workers = &stacks.deployment.workers;
        if self
            .worker_config
            .as_ref()
            .is_some_and(|s| s.is_match(label))
        {
            for (n, line) in text.lines().enumerate() {
                match setting_value(line, &workers.settings) {
                    Some(Some(count)) => self
                        .found
                        .workers(count, format!("{label}:{} {}", n + 1, line.trim())),
                    Some(None) => self
                        .found
                        .note("web_workers", format!("{label}:{} {}", n + 1, line.trim())),
                    None => {}
                }
            }
        }
        if self
            .command_files
            .as_ref()
            .is_some_and(|s| s.is_match(label))
        {
            for (n, line) in text.lines().enumerate() {
                let t = line.trim_start();
                if t.starts_with('#') {
                    continue;
                }
                if let Some(count) =
                    workers_in_command(t, workers).or_else(|| workers_in_env(t, &workers.env))
                {
                    self.found
                        .workers(count, format!("{label}:{} {}", n + 1, t.trim_end()));
                }
            }
        }
        if text.contains("://") {
            for e in pooler_dsns(text, stacks) {
                self.found
                    .note("external_pooler", format!("{e} in {label}"));
            }
        }
    }
}

/// `<setting> = <value>` on one line of a Python-style configuration file: `Some(Some(n))` for an
/// integer literal, `Some(None)` for another value (computed at run time), `None` when the line
/// sets nothing of interest.
fn setting_value(line: &str, settings: &[String]) -> Option<Option<u64>> {
    let t = line.trim();
    if t.starts_with('#') {
        return None;
    }
    let (name, value) = t.split_once('=')?;
    let name = name.trim();
    // `workers == 4` or `workers += 1` is not an assignment of the setting.
    if value.starts_with('=') || name.ends_with(['+', '-', '*', '/', '!', '<', '>']) {
        return None;
    }
    if !settings.iter().any(|s| s == name) {
        return None;
    }
    let value = value.split('#').next().unwrap_or("").trim();
    let value = value.trim_matches(|c| c == '"' || c == '\'');
    Some(value.parse().ok())
}

/// Splits a command line (shell or exec form: `CMD ["gunicorn", "-w", "4"]`) into words.
fn words(line: &str) -> Vec<&str> {
    line.split(|c: char| c.is_whitespace() || matches!(c, '[' | ']' | '"' | '\'' | ','))
        .filter(|w| !w.is_empty())
        .collect()
}

/// The worker count of a server command line: a word naming a server program (`gunicorn`,
/// `/usr/local/bin/uvicorn`) and, after it, a flag with its value (`--workers 4`,
/// `--workers=4`, `-w 4`).
pub fn workers_in_command(line: &str, markers: &WorkerMarkers) -> Option<u64> {
    let w = words(line);
    let start = w.iter().position(|word| {
        let prog = word.rsplit('/').next().unwrap_or(word);
        markers.servers.iter().any(|s| prog == s)
    })?;
    let rest = &w[start + 1..];
    for (i, word) in rest.iter().enumerate() {
        for flag in &markers.flags {
            if word == flag {
                if let Some(n) = rest.get(i + 1).and_then(|v| v.parse().ok()) {
                    return Some(n);
                }
            } else if let Some(v) = word
                .strip_prefix(flag.as_str())
                .and_then(|v| v.strip_prefix('='))
            {
                if let Ok(n) = v.parse() {
                    return Some(n);
                }
            }
        }
    }
    None
}

/// A worker count from an environment variable on one line: `WEB_CONCURRENCY=4` (also after
/// `ENV`, `export` or in a compose list) or `ENV WEB_CONCURRENCY 4`.
pub fn workers_in_env(line: &str, env: &[String]) -> Option<u64> {
    let w = words(line);
    for (i, word) in w.iter().enumerate() {
        for name in env {
            if let Some(v) = word
                .strip_prefix(name.as_str())
                .and_then(|v| v.strip_prefix('='))
            {
                if let Ok(n) = v.parse() {
                    return Some(n);
                }
            } else if word == name && i > 0 && w[i - 1].eq_ignore_ascii_case("ENV") {
                if let Some(n) = w.get(i + 1).and_then(|v| v.parse().ok()) {
                    return Some(n);
                }
            }
        }
    }
    None
}

/// The DSNs in a text whose scheme names a database kind of the dictionary.
pub fn dsns(text: &str, stacks: &Stacks) -> Vec<Dsn> {
    crate::facts::dsn::find_all(text)
        .into_iter()
        .filter(|d| stacks.db.iter().any(|k| k.dsn.contains(&d.base)))
        .collect()
}

/// What in the literal DSNs of a text says a pooler is in the way, as evidence strings.
pub fn pooler_dsns(text: &str, stacks: &Stacks) -> Vec<String> {
    let p: &Pooler = &stacks.pooler;
    let mut out = Vec::new();
    for d in dsns(text, stacks) {
        let marker = if let Some(h) = p
            .dsn_hosts
            .iter()
            .chain(&p.names)
            .find(|h| d.host.contains(&h.to_ascii_lowercase()))
        {
            format!("DSN host `{}` ({h})", d.host)
        } else if let Some(port) = d.port.filter(|port| p.dsn_ports.contains(port)) {
            format!("DSN port {port}")
        } else if let Some((k, v)) = d.params.iter().find(|(k, v)| {
            p.dsn_params
                .iter()
                .any(|m| m.eq_ignore_ascii_case(&format!("{k}={v}")))
        }) {
            format!("DSN parameter `{k}={v}`")
        } else {
            continue;
        };
        if !out.contains(&marker) {
            out.push(marker);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stacks() -> Stacks {
        Stacks::from_toml(
            "t",
            r#"
[[db]]
kind = "postgresql"
dsn = ["postgresql", "postgres"]

[pooler]
names = ["pgbouncer"]
dsn_hosts = ["pooler.supabase.com"]
dsn_ports = [6543]
dsn_params = ["pgbouncer=true"]

[deployment]
serverless_files = ["**/serverless.yml", "**/vercel.json"]
serverless_dependencies = ["mangum"]

[[deployment.serverless_templates]]
files = ["**/template.yaml"]
contains = ["AWS::Serverless::Function"]

[deployment.workers]
config_files = ["**/gunicorn.conf.py"]
settings = ["workers"]
command_files = ["**/Procfile", "**/Dockerfile"]
servers = ["gunicorn", "uvicorn"]
flags = ["--workers", "-w"]
env = ["WEB_CONCURRENCY"]
"#,
        )
        .unwrap()
    }

    fn scan(files: &[(&str, &str)]) -> Deployment {
        let stacks = stacks();
        let mut diags = Vec::new();
        let mut s = Scan::new(&stacks.deployment, &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        for (label, text) in files {
            s.add_path(label);
            s.add_file(label, text, &stacks);
        }
        s.found
    }

    #[test]
    fn serverless_by_file_and_by_template_marker() {
        let d = scan(&[("infra/serverless.yml", "service: api\n")]);
        assert!(d.serverless && !d.external_pooler && d.web_workers.is_none());
        assert_eq!(d.evidence["serverless"], vec!["infra/serverless.yml"]);

        let sam = "Resources:\n  Api:\n    Type: AWS::Serverless::Function\n";
        let d = scan(&[("template.yaml", sam)]);
        assert!(d.serverless);
        assert_eq!(
            d.evidence["serverless"],
            vec!["template.yaml (AWS::Serverless::Function)"]
        );
        // A CloudFormation template without a serverless function is not serverless.
        let cfn = "Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n";
        assert!(!scan(&[("template.yaml", cfn)]).serverless);
    }

    #[test]
    fn poolers_in_dsns() {
        let d = scan(&[(
            "app/settings.py",
            "URL = 'postgresql+asyncpg://app:secret@pgbouncer:6432/app'\n",
        )]);
        assert!(d.external_pooler);
        assert_eq!(
            d.evidence["external_pooler"],
            vec!["DSN host `pgbouncer` (pgbouncer) in app/settings.py"]
        );
        let supabase = "DATABASE_URL=postgres://postgres.abc:pw@aws-0-eu-central-1.pooler.supabase.com:6543/postgres\n";
        let d = scan(&[("config/app.yaml", supabase)]);
        assert_eq!(
            d.evidence["external_pooler"],
            vec!["DSN host `aws-0-eu-central-1.pooler.supabase.com` (pooler.supabase.com) in config/app.yaml"]
        );
        assert!(scan(&[("a.py", "U = 'postgresql://u:p@db:6543/x'\n")]).external_pooler);
        assert!(
            scan(&[(
                "a.json",
                "{\"url\": \"postgresql://u:p@db:5432/x?pgbouncer=true&connection_limit=1\"}"
            )])
            .external_pooler
        );
        // A direct connection, an unrelated URL, a port elsewhere in the text.
        let plain = "A = 'postgresql://u:p@db.internal:5432/app'\nB = 'https://pgbouncer.org/docs'\nPORT = 6543\n";
        assert!(!scan(&[("a.py", plain)]).external_pooler);
    }

    #[test]
    fn worker_counts() {
        let d = scan(&[
            (
                "deploy/gunicorn.conf.py",
                "import multiprocessing\nbind = '0.0.0.0:8000'\nworkers = 4\n# workers = 16\n",
            ),
            (
                "Procfile",
                "web: gunicorn app.main:app -k uvicorn.workers.UvicornWorker --workers=6\nworker: celery -A app worker --concurrency 8\n",
            ),
        ]);
        assert_eq!(d.web_workers, Some(6));
        assert_eq!(
            d.evidence["web_workers"],
            vec![
                "deploy/gunicorn.conf.py:3 workers = 4",
                "Procfile:1 web: gunicorn app.main:app -k uvicorn.workers.UvicornWorker --workers=6"
            ]
        );
        let docker = "FROM python:3.12\nENV WEB_CONCURRENCY 3\nCMD [\"uvicorn\", \"app:app\", \"--workers\", \"2\"]\n";
        assert_eq!(scan(&[("Dockerfile", docker)]).web_workers, Some(3));
        // Computed at run time: noted, no number.
        let d = scan(&[(
            "gunicorn.conf.py",
            "workers = multiprocessing.cpu_count() * 2 + 1\n",
        )]);
        assert_eq!(d.web_workers, None);
        assert_eq!(d.evidence["web_workers"].len(), 1);
        // `-w` of another program, and a comparison, are not worker settings.
        let d = scan(&[
            (
                "Dockerfile",
                "RUN grep -w 4 x.txt\n# CMD gunicorn -w 9 app\n",
            ),
            ("gunicorn.conf.py", "if workers == 3:\n    pass\n"),
        ]);
        assert_eq!(d, Deployment::default());
    }

    #[test]
    fn command_and_env_parsing() {
        let m = stacks().deployment.workers;
        assert_eq!(
            workers_in_command("/usr/local/bin/gunicorn -w 5 app:app", &m),
            Some(5)
        );
        assert_eq!(workers_in_command("gunicorn app:app", &m), None);
        assert_eq!(workers_in_command("python -m uvicorn a:b -w x", &m), None);
        assert_eq!(workers_in_env("export WEB_CONCURRENCY=7", &m.env), Some(7));
        assert_eq!(workers_in_env("WEB_CONCURRENCY 7", &m.env), None);
        let found = dsns(
            "x = 'postgres://u:p@[::1]:6543/db?a=b' y = 'https://h:6543'",
            &stacks(),
        );
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].host.as_str(), found[0].port),
            ("[::1]", Some(6543))
        );
    }
}
