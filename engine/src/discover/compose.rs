//! Compose files (CHECKS.md §1.1 row 8): `services.*.image` gives a database kind and its major
//! version (`postgres:16-alpine` → 16; no tag or `latest` → unknown), external poolers by image
//! or service name, `max_connections` from `command`/`environment`, and web worker counts of
//! server commands (`gunicorn … --workers 4`, `WEB_CONCURRENCY=4`; F9). Parsed with yaml-rust2.

use super::stacks::Stacks;
use super::Acc;
use yaml_rust2::{Yaml, YamlLoader};

/// One compose service that discovery found meaningful.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ComposeService {
    pub file: String,
    pub service: String,
    pub image: Option<String>,
    /// Database kind of the image, if it is one.
    pub db: Option<String>,
    /// Major version from the image tag.
    pub version: Option<String>,
    /// An external connection pooler (pgbouncer …).
    pub pooler: bool,
    pub max_connections: Option<u64>,
    /// Web worker processes its command starts (F9).
    pub workers: Option<u64>,
}

/// Whether a file name is a compose file: `compose.yaml`, `docker-compose.yml`,
/// `compose.override.yaml`, `docker-compose.prod.yml` …
pub fn is_compose_file(name: &str) -> bool {
    let Some(stem) = name
        .strip_suffix(".yaml")
        .or_else(|| name.strip_suffix(".yml"))
    else {
        return false;
    };
    let stem = stem.strip_prefix("docker-").unwrap_or(stem);
    match stem.strip_prefix("compose") {
        Some("") => true,
        Some(rest) => rest
            .strip_prefix('.')
            .is_some_and(|n| !n.is_empty() && !n.contains('.')),
        None => false,
    }
}

/// Splits an image reference into (repository without registry and `library/`, tag).
pub fn split_image(image: &str) -> (String, Option<String>) {
    let image = image.split('@').next().unwrap_or(image);
    let (repo, tag) = match image.rsplit_once(':') {
        Some((r, t)) if !t.contains('/') => (r, Some(t.to_string())),
        _ => (image, None),
    };
    let mut parts: Vec<&str> = repo.split('/').collect();
    if parts.len() > 1
        && (parts[0].contains('.') || parts[0].contains(':') || parts[0] == "localhost")
    {
        parts.remove(0);
    }
    if parts.len() > 1 && parts[0] == "library" {
        parts.remove(0);
    }
    (parts.join("/").to_ascii_lowercase(), tag)
}

/// The leading integer of a tag: `16-alpine` → 16, `8.0.36` → 8, `latest` → none.
pub fn major_of_tag(tag: &str) -> Option<String> {
    let digits: String = tag.chars().take_while(|c| c.is_ascii_digit()).collect();
    (!digits.is_empty()).then_some(digits)
}

fn scalar(y: &Yaml) -> Option<String> {
    match y {
        Yaml::String(s) | Yaml::Real(s) => Some(s.clone()),
        Yaml::Integer(i) => Some(i.to_string()),
        Yaml::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `max_connections` followed by `=`, `:` or spaces and a number, anywhere in the text.
fn max_connections(text: &str) -> Option<u64> {
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find("max_connections") {
        let after = &lower[from + i + "max_connections".len()..];
        let rest = after.trim_start_matches(['=', ':', ' ', '"', '\'']);
        let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        if let Ok(n) = digits.parse() {
            return Some(n);
        }
        from += i + 1;
    }
    None
}

pub(crate) fn compose(
    acc: &mut Acc,
    label: &str,
    text: &str,
    stacks: &Stacks,
) -> Vec<ComposeService> {
    let docs = match YamlLoader::load_from_str(text) {
        Ok(d) => d,
        Err(e) => {
            acc.warn(
                label,
                Some(e.marker().line()),
                format!("cannot parse: {}; skipped", e.info()),
            );
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for doc in &docs {
        let Yaml::Hash(services) = &doc["services"] else {
            continue;
        };
        for (name, body) in services {
            let Some(name) = scalar(name) else { continue };
            let image = scalar(&body["image"]);
            let (repo, tag) = image
                .as_deref()
                .map(split_image)
                .map_or((String::new(), None), |(r, t)| (r, t));
            let db = stacks
                .db
                .iter()
                .find(|d| d.images.iter().any(|i| i.eq_ignore_ascii_case(&repo)))
                .map(|d| d.kind.clone());
            let pooler = stacks.pooler.names.iter().any(|p| {
                repo.contains(p.as_str()) || name.to_ascii_lowercase().contains(p.as_str())
            });
            let mut settings = String::new();
            match &body["command"] {
                Yaml::Array(a) => {
                    for x in a.iter().filter_map(scalar) {
                        settings.push_str(&x);
                        settings.push(' ');
                    }
                }
                y => settings.extend(scalar(y)),
            }
            let markers = &stacks.deployment.workers;
            let mut workers = super::deployment::workers_in_command(&settings, markers);
            settings.push('\n');
            match &body["environment"] {
                Yaml::Hash(h) => {
                    for (k, v) in h {
                        settings.push_str(&format!(
                            "{}={}\n",
                            scalar(k).unwrap_or_default(),
                            scalar(v).unwrap_or_default()
                        ));
                    }
                }
                Yaml::Array(a) => {
                    for x in a.iter().filter_map(scalar) {
                        settings.push_str(&x);
                        settings.push('\n');
                    }
                }
                _ => {}
            }
            let max_connections = max_connections(&settings);
            if workers.is_none() {
                workers = settings
                    .lines()
                    .find_map(|l| super::deployment::workers_in_env(l, &markers.env));
            }
            if db.is_none() && !pooler && max_connections.is_none() && workers.is_none() {
                continue;
            }
            out.push(ComposeService {
                file: label.to_string(),
                service: name,
                version: db.as_ref().and(tag.as_deref()).and_then(major_of_tag),
                image,
                db,
                pooler,
                max_connections,
                workers,
            });
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
            "[[db]]\nkind = \"postgresql\"\nimages = [\"postgres\", \"postgis/postgis\"]\n[[db]]\nkind = \"redis\"\nimages = [\"redis\"]\n[[db]]\nkind = \"mysql\"\nimages = [\"mysql\", \"mariadb\"]\n[pooler]\nnames = [\"pgbouncer\"]\n[deployment.workers]\nservers = [\"gunicorn\"]\nflags = [\"--workers\"]\nenv = [\"WEB_CONCURRENCY\"]\n",
        )
        .unwrap()
    }

    #[test]
    fn file_names() {
        for ok in [
            "compose.yaml",
            "compose.yml",
            "docker-compose.yml",
            "docker-compose.yaml",
            "compose.override.yaml",
            "docker-compose.prod.yml",
        ] {
            assert!(is_compose_file(ok), "{ok}");
        }
        for no in [
            "compose.json",
            "my-compose.yml",
            "compose..yml",
            "compose.a.b.yml",
            "composer.yml",
        ] {
            assert!(!is_compose_file(no), "{no}");
        }
    }

    #[test]
    fn images_and_tags() {
        assert_eq!(
            split_image("postgres:16-alpine"),
            ("postgres".into(), Some("16-alpine".into()))
        );
        assert_eq!(
            split_image("docker.io/library/redis"),
            ("redis".into(), None)
        );
        assert_eq!(
            split_image("registry.local:5000/postgis/postgis:15-3.4@sha256:abc"),
            ("postgis/postgis".into(), Some("15-3.4".into()))
        );
        assert_eq!(major_of_tag("8.0.36"), Some("8".into()));
        assert_eq!(major_of_tag("latest"), None);
    }

    #[test]
    fn services() {
        let text = r#"
services:
  db:
    image: postgres:16-alpine
    command: ["postgres", "-c", "max_connections=200"]
  cache:
    image: redis
  bouncer:
    image: edoburu/pgbouncer:1.21.0
    environment:
      MAX_CLIENT_CONN: 500
  legacy:
    image: mariadb:latest
    environment:
      - MYSQL_ROOT_PASSWORD=x
  web:
    build: .
  api:
    build: .
    command: gunicorn app:app --workers 4
  worker:
    build: .
    environment:
      WEB_CONCURRENCY: 3
"#;
        let mut acc = Acc::default();
        let got = compose(&mut acc, "compose.yaml", text, &stacks());
        let summary: Vec<_> = got
            .iter()
            .map(|s| {
                (
                    s.service.as_str(),
                    s.db.as_deref(),
                    s.version.as_deref(),
                    s.pooler,
                    s.max_connections,
                    s.workers,
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                ("db", Some("postgresql"), Some("16"), false, Some(200), None),
                ("cache", Some("redis"), None, false, None, None),
                ("bouncer", None, None, true, None, None),
                ("legacy", Some("mysql"), None, false, None, None),
                ("api", None, None, false, None, Some(4)),
                ("worker", None, None, false, None, Some(3)),
            ]
        );
    }

    #[test]
    fn malformed_yaml_is_reported() {
        let mut acc = Acc::default();
        let got = compose(
            &mut acc,
            "compose.yml",
            "services:\n  db:\n    image: [postgres\n",
            &stacks(),
        );
        assert!(got.is_empty());
        assert!(acc.diagnostics[0].message.starts_with("cannot parse"));
    }
}
