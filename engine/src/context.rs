//! Rule 6 signals (CHECKS.md §5.4), computed where the finding is made, because three of the four
//! need the syntax tree: S1 (init code), S3 (a safeguard nearby) and S4 (small data). S2 (a job
//! directory) needs only the path. The post-filter ([`crate::postfilter`]) later decides what the
//! signals do; the engine only records them, with evidence, on eligible findings.
//!
//! The word lists are the generic ones of §3.6 and §5.4 (name prefixes, safeguard calls of the
//! standard libraries). Framework-specific init hooks (`on_event("startup")`, `AppConfig.ready`)
//! belong to packs and are not here: when the project's execution contexts are known, the
//! post-filter replaces the name-based S1 of a finding inside functions with the execution
//! class of those functions ([`crate::exec_context::ExecContext::init_evidence`]), pack-declared
//! startup hooks included.

use crate::file::FileCtx;
use crate::lang::Language;
use crate::lang::NodeExt;
use crate::semantics;
use tree_sitter::Node;

/// Directory segments that make a path a job location (S2); `[context] job_dirs` in ppa.toml
/// replaces them.
pub const JOB_DIRS: &[&str] = &["tasks", "task", "jobs", "job", "cron", "crons", "cronjobs"];
/// File stems that make a file a job location (S2).
const JOB_STEMS: &[&str] = &["tasks", "jobs", "cron"];

/// Init name prefixes of §3.6, compared case-insensitively (Python and JS).
const INIT_PREFIXES: &[&str] = &[
    "setup",
    "set_up",
    "bootstrap",
    "initialize",
    "init",
    "configure",
    "migrate",
    "migration",
    "on_startup",
    "startup",
];
/// Go init prefixes, compared as written (`SetupRoutes`, not `setupRoutes`).
const GO_INIT_PREFIXES: &[&str] = &[
    "Setup",
    "Initialize",
    "Init",
    "Bootstrap",
    "Migrate",
    "Configure",
];
const INIT_NAMES: &[&str] = &["__init__", "__post_init__", "lifespan", "init"];

/// Lines before and after the flagged line searched for a safeguard (S3).
const SAFEGUARD_BEFORE: usize = 10;
const SAFEGUARD_AFTER: usize = 3;
/// Safeguard markers per language (S3): text that bounds how long the flagged call can take.
const PY_SAFEGUARDS: &[&str] = &[
    "asyncio.timeout(",
    "asyncio.wait_for(",
    "async_timeout.timeout(",
    "anyio.fail_after(",
    "anyio.move_on_after(",
    "signal.alarm(",
    "statement_timeout",
    "lock_timeout",
];
const GO_SAFEGUARDS: &[&str] = &[
    "context.WithTimeout(",
    "context.WithDeadline(",
    "Timeout:",
    "SetDeadline(",
    "statement_timeout",
];
const JS_SAFEGUARDS: &[&str] = &["AbortSignal.timeout(", "timeout:", "statement_timeout"];
/// Below this size a literal path names a small file (S4): 100 KB.
pub const SMALL_FILE_BYTES: u64 = 102_400;
/// Below this many items a loop is small (S4).
pub const SMALL_LOOP: i64 = 100;

/// The signals found for one finding; S4 by file size is settled later (it needs the disk).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Signals {
    /// (signal, evidence) in S1..S4 order.
    pub found: Vec<(&'static str, String)>,
    /// A literal path the flagged call reads; S4 holds when it names a repo file < 100 KB.
    pub data_path: Option<String>,
}

/// Whether `name` starts with `prefix` as a whole word: the whole name, or followed by `_`, a
/// digit or an upper-case letter (`init_db`, `initDB`; not `initiate`).
fn has_prefix(name: &str, prefix: &str, case_insensitive: bool) -> bool {
    let head = name.get(..prefix.len());
    let matches = match head {
        Some(h) if case_insensitive => h.eq_ignore_ascii_case(prefix),
        Some(h) => h == prefix,
        None => false,
    };
    if !matches {
        return false;
    }
    match name[prefix.len()..].chars().next() {
        None => true,
        Some(c) => c == '_' || c.is_ascii_digit() || c.is_ascii_uppercase(),
    }
}

/// Whether a function name marks init code (§3.6 "init", generic part).
pub fn is_init_name(lang: Language, name: &str, migration_file: bool) -> bool {
    if INIT_NAMES.contains(&name) {
        return true;
    }
    if migration_file && matches!(name, "upgrade" | "downgrade") {
        return true;
    }
    match lang {
        Language::Go => GO_INIT_PREFIXES.iter().any(|p| has_prefix(name, p, false)),
        _ => {
            let trimmed = name.trim_start_matches('_');
            INIT_PREFIXES.iter().any(|p| has_prefix(trimmed, p, true))
        }
    }
}

/// S2: the path is in a job directory or is a job module.
pub fn job_location(path: &str, job_dirs: &[String]) -> Option<String> {
    let segments: Vec<&str> = path.split('/').collect();
    let (dirs, file) = segments.split_at(segments.len().saturating_sub(1));
    let is_job_dir = |d: &str| {
        if job_dirs.is_empty() {
            JOB_DIRS.contains(&d)
        } else {
            job_dirs.iter().any(|j| j == d)
        }
    };
    if let Some(d) = dirs.iter().find(|d| is_job_dir(d)) {
        return Some(format!("directory `{d}/`"));
    }
    let stem = file
        .first()
        .and_then(|f| f.split('.').next())
        .unwrap_or_default();
    JOB_STEMS
        .contains(&stem)
        .then(|| format!("module `{}`", file.first().copied().unwrap_or_default()))
}

/// Computes S1-S4 for a finding at `node`.
pub fn signals(
    file: &FileCtx,
    node: Node<'_>,
    migration_file: bool,
    job_dirs: &[String],
) -> Signals {
    let mut out = Signals::default();
    let lang = file.language;
    let chain = semantics::ancestors(file, node);
    let functions: Vec<Node<'_>> = chain
        .iter()
        .copied()
        .filter(|n| semantics::is_function(lang, *n))
        .collect();
    // S1: init code, or module top level.
    if functions.is_empty() {
        out.found.push(("S1", "module top level".to_string()));
    } else if let Some(name) = functions
        .iter()
        .filter_map(|f| semantics::definition_name(file, *f))
        .find(|n| is_init_name(lang, n, migration_file))
    {
        out.found.push(("S1", format!("fn `{name}`")));
    }
    // S2: job location.
    if let Some(e) = job_location(&file.path, job_dirs) {
        out.found.push(("S2", e));
    }
    // S3: a safeguard on the line, in the window around it within the same function, or in an
    // enclosing block header.
    if let Some(e) = safeguard(file, node, functions.first().copied(), &chain) {
        out.found.push(("S3", e));
    }
    // S4: a small loop; a literal data argument; a literal path (settled later by size).
    if let Some(lp) = semantics::enclosing_loop(file, node) {
        if let Some(n) = semantics::iterable_size(file, lp) {
            if n < SMALL_LOOP {
                out.found.push(("S4", format!("{n} items")));
            }
        }
    }
    if !out.found.iter().any(|(s, _)| *s == "S4") {
        match literal_argument(file, node) {
            Some(Literal::Path(p)) => out.data_path = Some(p),
            Some(Literal::Data) => out.found.push(("S4", "literal data".to_string())),
            None => {}
        }
    }
    out
}

fn safeguard(
    file: &FileCtx,
    node: Node<'_>,
    function: Option<Node<'_>>,
    chain: &[Node<'_>],
) -> Option<String> {
    let markers: &[&str] = match file.language {
        Language::Python => PY_SAFEGUARDS,
        Language::Go => GO_SAFEGUARDS,
        _ => JS_SAFEGUARDS,
    };
    let line = node.start_position().row;
    let (lo, hi) = match function {
        Some(f) => (f.start_position().row, f.end_position().row),
        None => (0, usize::MAX),
    };
    let first = line.saturating_sub(SAFEGUARD_BEFORE).max(lo);
    let last = (node.end_position().row + SAFEGUARD_AFTER).min(hi);
    let lines: Vec<&str> = file.source.lines().collect();
    let mut candidates: Vec<usize> = (first..=last.min(lines.len().saturating_sub(1))).collect();
    // Enclosing block headers (`with asyncio.timeout(5):`, `async with …`), up to the function.
    for n in chain {
        if Some(*n) == function {
            break;
        }
        candidates.push(n.start_position().row);
    }
    candidates.sort_unstable();
    candidates.dedup();
    for row in candidates {
        let Some(text) = lines.get(row) else {
            continue;
        };
        let code = strip_comment(text, file.language.comment_prefix());
        if let Some(m) = markers.iter().find(|m| code.contains(*m)) {
            return Some(format!("`{}`", m.trim_end_matches('(')));
        }
        if file.language == Language::Python {
            if let Some(t) = timeout_kwarg(code) {
                return Some(format!("`{t}`"));
            }
            if let Some(t) = size_guard(&lines, row) {
                return Some(t);
            }
        }
    }
    None
}

fn strip_comment<'a>(line: &'a str, prefix: &str) -> &'a str {
    // Good enough for markers: a `#` inside a string on the same line only hides a marker.
    match line.find(prefix) {
        Some(i) => &line[..i],
        None => line,
    }
}

/// `timeout=<value>` with a value other than `None`.
fn timeout_kwarg(code: &str) -> Option<String> {
    let mut rest = code;
    while let Some(i) = rest.find("timeout") {
        let before_ok = i == 0 || {
            let c = rest.as_bytes()[i - 1];
            !(c.is_ascii_alphanumeric() || c == b'_')
        };
        let after = rest[i + "timeout".len()..].trim_start();
        if before_ok && after.starts_with('=') && !after.starts_with("==") {
            let value = after[1..].trim_start();
            let value: String = value
                .chars()
                .take_while(|c| c.is_alphanumeric() || "._".contains(*c))
                .collect();
            if !value.is_empty() && value != "None" {
                return Some(format!("timeout={value}"));
            }
        }
        rest = &rest[i + "timeout".len()..];
    }
    None
}

/// A Python size guard: `if len(…)`/`.st_size`/`getsize(…)`/`Content-Length` compared with a
/// number, followed by `raise` or `return`.
fn size_guard(lines: &[&str], row: usize) -> Option<String> {
    let code = lines.get(row)?.trim_start();
    if !code.starts_with("if ") {
        return None;
    }
    let measured = [
        "len(",
        ".st_size",
        "getsize(",
        "Content-Length",
        "content-length",
    ]
    .iter()
    .any(|m| code.contains(m));
    let compared = code.contains(['<', '>']) && code.chars().any(|c| c.is_ascii_digit());
    if !(measured && compared) {
        return None;
    }
    let body = lines
        .iter()
        .skip(row)
        .take(3)
        .any(|l| l.contains("raise") || l.contains("return"));
    body.then(|| format!("size guard `{}`", code.trim_end_matches(':')))
}

enum Literal {
    Path(String),
    Data,
}

/// The first argument of the call at (or around) `node` when it is a literal: a string that
/// looks like a path, or literal data.
fn literal_argument(file: &FileCtx, node: Node<'_>) -> Option<Literal> {
    let call = if matches!(node.kind_str(), "call" | "call_expression") {
        node
    } else {
        semantics::ancestors_iter(file, node)
            .find(|n| matches!(n.kind_str(), "call" | "call_expression"))?
    };
    // `Path("config.json").read_text()`: the receiver's call carries the path.
    let receiver_call = call
        .field("function")
        .and_then(|f| f.field("object").or_else(|| f.field("operand")))
        .filter(|o| matches!(o.kind_str(), "call" | "call_expression"));
    for c in [Some(call), receiver_call].into_iter().flatten() {
        let args = c.field("arguments")?;
        let Some(first) = args.named_child_at(0) else {
            continue;
        };
        match first.kind_str() {
            "string" | "interpreted_string_literal" | "raw_string_literal" | "template_string" => {
                if first.named_child_count() > 0
                    && (0..first.named_child_count())
                        .filter_map(|i| first.named_child_at(i as u32))
                        .any(|k| {
                            k.kind_str() == "interpolation"
                                || k.kind_str() == "template_substitution"
                        })
                {
                    continue;
                }
                let text = file.text(first);
                let inner = text
                    .trim_start_matches(['r', 'b', 'f', 'R', 'B', 'F'])
                    .trim_matches(['"', '\'', '`']);
                if inner.contains('/') || inner.contains('.') {
                    return Some(Literal::Path(inner.to_string()));
                }
                return Some(Literal::Data);
            }
            "dictionary" | "list" | "tuple" | "object" | "array"
                if first.named_child_count() == 0 || !has_identifier(first) =>
            {
                return Some(Literal::Data);
            }
            _ => {}
        }
    }
    None
}

fn has_identifier(n: Node<'_>) -> bool {
    let mut stack = vec![n];
    while let Some(cur) = stack.pop() {
        if cur.kind_str() == "identifier" {
            return true;
        }
        for c in crate::tree_walk::named_children(cur) {
            stack.push(c);
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn file(src: &str, path: &str) -> Arc<FileCtx> {
        let tree = crate::parse(Language::Python, src).unwrap();
        Arc::new(FileCtx::new(
            path.into(),
            Language::Python,
            src.into(),
            tree,
        ))
    }

    fn signals_at(src: &str, path: &str, needle: &str) -> Signals {
        let f = file(src, path);
        let at = src.find(needle).unwrap();
        let node = f
            .tree
            .root_node()
            .named_descendant_for_byte_range(at, at + needle.len())
            .unwrap();
        signals(&f, node, false, &[])
    }

    fn names(s: &Signals) -> Vec<&str> {
        s.found.iter().map(|(n, _)| *n).collect()
    }

    #[test]
    fn init_prefixes_are_whole_words() {
        for yes in [
            "init_db",
            "initDB",
            "setup",
            "Setup_routes",
            "bootstrap",
            "__init__",
            "configure_logging",
            "on_startup",
            "_init_cache",
        ] {
            assert!(is_init_name(Language::Python, yes, false), "{yes}");
        }
        for no in [
            "initiate",
            "settings",
            "setups_x",
            "configured",
            "upgrade",
            "handler",
        ] {
            assert!(!is_init_name(Language::Python, no, false), "{no}");
        }
        assert!(is_init_name(Language::Python, "upgrade", true));
        assert!(is_init_name(Language::Go, "SetupRoutes", false));
        assert!(!is_init_name(Language::Go, "setupRoutes", false));
    }

    #[test]
    fn job_locations() {
        assert!(job_location("app/tasks/sync.py", &[]).is_some());
        assert!(job_location("app/jobs.py", &[]).is_some());
        assert!(job_location("app/taskset/x.py", &[]).is_none());
        assert!(job_location("app/api.py", &[]).is_none());
        assert!(job_location("app/batch/x.py", &["batch".into()]).is_some());
    }

    #[test]
    fn s1_s3_s4_from_the_tree() {
        let src = "import asyncio, requests\n\nasync def bootstrap():\n    data = open(\"config.json\").read()\n    return data\n\nasync def handler(url):\n    async with asyncio.timeout(5):\n        requests.get(url)\n    requests.get(url, timeout=None)\n\nasync def load(urls):\n    for u in [1, 2, 3]:\n        requests.get(u)\n";
        let s = signals_at(src, "app/api.py", "open(\"config.json\")");
        assert_eq!(names(&s), ["S1"]);
        assert_eq!(s.data_path.as_deref(), Some("config.json"));
        let s = signals_at(src, "app/api.py", "requests.get(url)\n");
        assert_eq!(names(&s), ["S3"], "{s:?}");
        let s = signals_at(src, "app/api.py", "requests.get(u)");
        assert_eq!(names(&s), ["S4"], "{s:?}");
        let top = signals_at(
            "import time\ntime.sleep(1)\n",
            "app/tasks/x.py",
            "time.sleep(1)",
        );
        assert_eq!(names(&top), ["S1", "S2"]);
    }

    #[test]
    fn timeout_none_is_no_safeguard() {
        assert_eq!(timeout_kwarg("requests.get(u, timeout=None)"), None);
        assert_eq!(
            timeout_kwarg("requests.get(u, timeout=5)").as_deref(),
            Some("timeout=5")
        );
        assert_eq!(timeout_kwarg("if x.timeout == 3:"), None);
        assert_eq!(timeout_kwarg("read_timeout=3"), None);
    }

    #[test]
    fn size_guards() {
        let lines = ["if len(body) > 1024:", "    raise TooBig()"];
        assert!(size_guard(&lines, 0).is_some());
        let lines = ["if len(body):", "    raise TooBig()"];
        assert!(size_guard(&lines, 0).is_none());
    }
}
