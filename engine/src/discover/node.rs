//! `package.json` (CHECKS.md §1.1 row 6): `dependencies`, `peerDependencies` and
//! `optionalDependencies` are runtime, `devDependencies` dev. Every `package.json` outside
//! `node_modules` is read, which covers workspace packages without expanding workspace globs.

use super::{Acc, Dep, Ecosystem};

/// The lower bound of an npm range: `^4.18.2` → 4.18.2, `>=3 <4` → 3, `1.x` → 1; tags, URLs,
/// `workspace:` and `file:` specs have none.
pub fn npm_lower_bound(spec: &str) -> Option<String> {
    let first = spec.split("||").next().unwrap_or("").trim();
    let first = first.split_whitespace().next().unwrap_or("");
    let v = first.trim_start_matches(['^', '~', '>', '=', 'v']);
    let v: Vec<&str> = v
        .split('.')
        .take_while(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        .collect();
    let v = v.join(".");
    (!v.is_empty()).then_some(v)
}

pub(crate) fn package_json(acc: &mut Acc, label: &str, text: &str) {
    let doc: serde_json::Value = match serde_json::from_str(text) {
        Ok(d) => d,
        Err(e) => {
            acc.warn(label, Some(e.line()), format!("cannot parse: {e}; skipped"));
            return;
        }
    };
    for (section, dev) in [
        ("dependencies", false),
        ("peerDependencies", false),
        ("optionalDependencies", false),
        ("devDependencies", true),
    ] {
        let Some(map) = doc.get(section).and_then(|v| v.as_object()) else {
            continue;
        };
        for (name, spec) in map {
            let version = spec
                .as_str()
                .filter(|s| !s.contains(':') && !s.contains('/'))
                .and_then(npm_lower_bound);
            acc.dep(
                Ecosystem::Npm,
                label,
                Dep {
                    name: name.clone(),
                    extras: Vec::new(),
                    version,
                    dev,
                    indirect: false,
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npm_ranges() {
        assert_eq!(npm_lower_bound("^4.18.2").as_deref(), Some("4.18.2"));
        assert_eq!(npm_lower_bound("~5.1").as_deref(), Some("5.1"));
        assert_eq!(npm_lower_bound(">=3.0.0 <4").as_deref(), Some("3.0.0"));
        assert_eq!(npm_lower_bound("1.x").as_deref(), Some("1"));
        assert_eq!(npm_lower_bound("^1 || ^2").as_deref(), Some("1"));
        assert_eq!(npm_lower_bound("latest"), None);
        assert_eq!(npm_lower_bound("*"), None);
    }

    #[test]
    fn sections_and_bad_specs() {
        let text = r#"{
  "name": "web",
  "workspaces": ["packages/*"],
  "dependencies": {"pg": "^8.11.3", "@prisma/client": "5.7.0", "shared": "workspace:*"},
  "peerDependencies": {"express": ">=4"},
  "devDependencies": {"typescript": "~5.3.0", "local": "file:../local"}
}"#;
        let mut acc = Acc::default();
        package_json(&mut acc, "package.json", text);
        let got: Vec<_> = acc
            .deps
            .iter()
            .map(|(_, _, d)| (d.name.as_str(), d.version.as_deref(), d.dev))
            .collect();
        assert_eq!(
            got,
            vec![
                ("@prisma/client", Some("5.7.0"), false),
                ("pg", Some("8.11.3"), false),
                ("shared", None, false),
                ("express", Some("4"), false),
                ("local", None, true),
                ("typescript", Some("5.3.0"), true),
            ]
        );
    }

    #[test]
    fn malformed_is_reported() {
        let mut acc = Acc::default();
        package_json(
            &mut acc,
            "web/package.json",
            "{\"dependencies\": {\"pg\": }\n",
        );
        assert!(acc.deps.is_empty());
        assert_eq!(acc.diagnostics[0].file.as_deref(), Some("web/package.json"));
        assert!(acc.diagnostics[0].message.starts_with("cannot parse"));
    }
}
