//! `go.mod` (CHECKS.md §1.1 row 7): `module`, `go`, and `require` lines and blocks. Requirements
//! marked `// indirect` are recorded but never enable packs. `replace`, `exclude` and `retract`
//! are not dependencies.

use super::{Acc, Dep, Ecosystem};

/// What a `go.mod` says about the module itself.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GoModule {
    /// The file (repo-relative).
    pub file: String,
    /// `module` path.
    pub module: Option<String>,
    /// `go` directive.
    pub go: Option<String>,
}

/// `v1.25.5` → 1.25.5; a pseudo-version keeps its base (`v0.0.0-2023…` → 0.0.0).
fn go_version(v: &str) -> Option<String> {
    let v = v.strip_prefix('v')?;
    let base = v.split(['-', '+']).next().unwrap_or(v);
    (!base.is_empty()).then(|| base.to_string())
}

pub(crate) fn go_mod(acc: &mut Acc, label: &str, text: &str) -> GoModule {
    let mut m = GoModule {
        file: label.to_string(),
        module: None,
        go: None,
    };
    let mut block: Option<String> = None;
    for raw in text.lines() {
        let (code, comment) = match raw.find("//") {
            Some(i) => (&raw[..i], &raw[i + 2..]),
            None => (raw, ""),
        };
        let indirect = comment.trim() == "indirect" || comment.trim().starts_with("indirect;");
        let code = code.trim();
        if code.is_empty() {
            continue;
        }
        if block.is_some() && code == ")" {
            block = None;
            continue;
        }
        let (verb, rest) = match &block {
            Some(b) => (b.as_str(), code),
            None => code.split_once(char::is_whitespace).unwrap_or((code, "")),
        };
        let rest = rest.trim();
        if block.is_none() && rest == "(" {
            block = Some(verb.to_string());
            continue;
        }
        match verb {
            "module" => m.module = Some(rest.trim_matches('"').to_string()),
            "go" => m.go = Some(rest.to_string()),
            "require" => {
                let mut parts = rest.split_whitespace();
                let (Some(path), version) = (parts.next(), parts.next()) else {
                    continue;
                };
                acc.dep(
                    Ecosystem::Go,
                    label,
                    Dep {
                        name: path.trim_matches('"').to_string(),
                        extras: Vec::new(),
                        version: version.and_then(go_version),
                        dev: false,
                        indirect,
                    },
                );
            }
            _ => {}
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_go_and_requires() {
        let text = "\
module github.com/acme/shop // the service

go 1.22

require github.com/jackc/pgx/v5 v5.5.1

require (
\tgorm.io/gorm v1.25.5
\tgithub.com/gin-gonic/gin v1.9.1 // indirect
\t// a comment line
\tgolang.org/x/text v0.0.0-20230101000000-abcdef123456 // indirect
)

replace (
\tgorm.io/gorm => ../gorm
)
exclude github.com/bad/mod v1.0.0
";
        let mut acc = Acc::default();
        let m = go_mod(&mut acc, "go.mod", text);
        assert_eq!(m.module.as_deref(), Some("github.com/acme/shop"));
        assert_eq!(m.go.as_deref(), Some("1.22"));
        let got: Vec<_> = acc
            .deps
            .iter()
            .map(|(_, _, d)| (d.name.as_str(), d.version.as_deref(), d.indirect))
            .collect();
        assert_eq!(
            got,
            vec![
                ("github.com/jackc/pgx/v5", Some("5.5.1"), false),
                ("gorm.io/gorm", Some("1.25.5"), false),
                ("github.com/gin-gonic/gin", Some("1.9.1"), true),
                ("golang.org/x/text", Some("0.0.0"), true),
            ]
        );
    }
}
