//! Inline suppressions: `# ppa: ignore[<check-id or category>,…] <reason>` (`//` for Go and JS),
//! on the flagged line or alone on the line above (CHECKS.md §0).
//!
//! A suppression without a reason still applies but is reported; one that matches no finding is
//! reported too (like ruff's unused-noqa), when every id it names was active in the run, so a
//! narrowed `--select` does not make valid suppressions look stale.

use crate::finding::{Diagnostic, Finding, Level};

const MARKER: &str = "ppa: ignore[";

#[derive(Debug, Clone)]
pub(crate) struct Suppression {
    /// 1-based line of the comment.
    pub line: usize,
    /// Whether the comment is alone on its line (then it covers the next line).
    pub own_line: bool,
    pub ids: Vec<String>,
    pub reason: String,
    pub used: bool,
}

/// Finds suppression comments. Cheap when there are none: one substring search over the file.
pub(crate) fn parse(source: &str, comment_prefix: &str) -> Vec<Suppression> {
    if !source.contains(MARKER) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, line) in source.lines().enumerate() {
        let Some(at) = line.find(MARKER) else {
            continue;
        };
        // The marker must open a comment: `<prefix> ppa: ignore[` (spaces allowed).
        let before = &line[..at];
        let Some(prefix_at) = before.rfind(comment_prefix) else {
            continue;
        };
        if !before[prefix_at + comment_prefix.len()..].trim().is_empty()
            || in_string(&before[..prefix_at])
        {
            continue;
        }
        let rest = &line[at + MARKER.len()..];
        let Some(close) = rest.find(']') else {
            continue;
        };
        let ids = rest[..close]
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        out.push(Suppression {
            line: i + 1,
            own_line: before[..prefix_at].trim().is_empty(),
            ids,
            reason: rest[close + 1..].trim().to_string(),
            used: false,
        });
    }
    out
}

/// Whether a line prefix leaves a string literal open (an odd number of quotes of a kind).
fn in_string(prefix: &str) -> bool {
    ['"', '\'', '`']
        .iter()
        .any(|q| prefix.chars().filter(|c| c == q).count() % 2 == 1)
}

/// Whether a suppression id covers a check id: the id itself or a dotted prefix (`runtime`).
pub(crate) fn covers(id: &str, check: &str) -> bool {
    check == id || (check.starts_with(id) && check.as_bytes().get(id.len()) == Some(&b'.'))
}

/// Removes suppressed findings; returns how many were removed.
pub(crate) fn apply(findings: &mut Vec<Finding>, sups: &mut [Suppression]) -> usize {
    if sups.is_empty() {
        return 0;
    }
    let before = findings.len();
    findings.retain(|f| {
        let hit = sups.iter_mut().find(|s| {
            (s.line == f.line || (s.own_line && s.line + 1 == f.line))
                && s.ids.iter().any(|id| covers(id, &f.check))
        });
        match hit {
            Some(s) => {
                s.used = true;
                false
            }
            None => true,
        }
    });
    before - findings.len()
}

/// Diagnostics for suppressions without a reason, with unknown ids, or that matched nothing.
pub(crate) fn report(
    path: &str,
    sups: &[Suppression],
    is_known: impl Fn(&str) -> bool,
    is_active: impl Fn(&str) -> bool,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for s in sups {
        if s.ids.is_empty() {
            out.push(Diagnostic::new(
                Level::Warning,
                Some(path),
                Some(s.line),
                "suppression names no check: write `ppa: ignore[<check-id>] <reason>`",
            ));
            continue;
        }
        for id in &s.ids {
            if !is_known(id) {
                out.push(Diagnostic::new(
                    Level::Warning,
                    Some(path),
                    Some(s.line),
                    format!("suppression names unknown check `{id}` (see `ppa rule --list`)"),
                ));
            }
        }
        if s.reason.is_empty() {
            out.push(Diagnostic::new(
                Level::Warning,
                Some(path),
                Some(s.line),
                format!(
                    "suppression of `{}` has no reason: add one after the brackets",
                    s.ids.join(",")
                ),
            ));
        }
        if !s.used && s.ids.iter().all(|id| is_known(id) && is_active(id)) {
            out.push(Diagnostic::new(
                Level::Warning,
                Some(path),
                Some(s.line),
                format!(
                    "unused suppression: no `{}` finding on this line or the next; remove it",
                    s.ids.join(",")
                ),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_trailing_and_own_line_comments() {
        let src = "x = 1  # ppa: ignore[runtime.sync_sleep_in_async] startup only\n# ppa: ignore[query, runtime]\ny = 2\ns = \"# ppa: ignore[x] not a comment\"\n";
        let s = parse(src, "#");
        assert_eq!(s.len(), 2, "{s:?}");
        assert_eq!(s[0].line, 1);
        assert!(!s[0].own_line);
        assert_eq!(s[0].reason, "startup only");
        assert_eq!(s[1].ids, vec!["query", "runtime"]);
        assert!(s[1].own_line);
        assert_eq!(s[1].reason, "");
    }

    #[test]
    fn prefixes_cover_by_segment() {
        assert!(covers("runtime", "runtime.sync_sleep_in_async"));
        assert!(covers(
            "runtime.sync_sleep_in_async",
            "runtime.sync_sleep_in_async"
        ));
        assert!(!covers("run", "runtime.sync_sleep_in_async"));
        assert!(!covers("query", "runtime.x"));
    }
}
