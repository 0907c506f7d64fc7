//! Call vocabularies (CHECKS.md §3.2-3.3): named lists of qualified names, supplied by packs.
//!
//! A pattern is a dotted name. Segments match literally, except:
//! - `*` inside a segment is a wildcard within that segment (`fs.*Sync` matches `fs.readFileSync`);
//! - a final `.*` matches exactly one more segment (`requests.*` matches `requests.get`, not
//!   `requests.get().json`, the method of a response);
//! - a final `.**` matches one or more segments (`cv2.**`);
//! - a leading `*.` matches any receiver (`*.read_bytes` matches `p.read_bytes`); such name-based
//!   entries are the "named" kind of match of §3.3.
//!
//! A call made in a chain is written with `()`: the methods of `httpx.Client()` are
//! `httpx.Client().*`. Exact names are looked up in a hash set; only wildcard patterns are scanned.

use crate::FastSet as HashSet;
use std::collections::BTreeMap;

/// One vocabulary: exact names plus wildcard patterns.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    exact: HashSet<String>,
    patterns: Vec<Pattern>,
    /// The last segment of every entry, when each has a literal one (no final `.*`/`.**` and no
    /// `*` in it): a name ending in another segment cannot match. `None` when some entry may
    /// end in anything.
    last_segments: Option<HashSet<String>>,
    /// The literal first segment of every entry that must start with one (exact names, and
    /// patterns without a leading `*.` whose first segment has no `*`), without a trailing `()`:
    /// a name starting with another segment can match only the [`Vocabulary::free`] patterns.
    roots: HashSet<String>,
    /// Indices into `patterns` of the entries that may start with any segment: a leading `*.`,
    /// a bare `*`/`**`, or a `*` in the first segment.
    free: Vec<usize>,
    /// The literal last segment of every free pattern; `None` when one may end in anything.
    free_last: Option<HashSet<String>>,
    /// The `b` of every `*.b` entry (any receiver, one literal segment): every name `X.b`
    /// matches it, whatever `X` is.
    any_receiver_last: HashSet<String>,
}

#[derive(Debug, Clone)]
struct Pattern {
    /// Segments before the trailing `*`, each possibly with `*` wildcards.
    segments: Vec<String>,
    /// A final `.*` (one further segment) or `.**` (one or more).
    open_tail: bool,
    deep_tail: bool,
    /// A leading `*.`: any receiver of at least one segment.
    any_receiver: bool,
}

impl Vocabulary {
    /// Builds a vocabulary, returning an error message for an unusable entry.
    pub fn new<S: AsRef<str>>(entries: &[S]) -> Result<Vocabulary, String> {
        let mut v = Vocabulary {
            last_segments: Some(HashSet::default()),
            free_last: Some(HashSet::default()),
            ..Vocabulary::default()
        };
        for entry in entries {
            v.add(entry.as_ref())?;
        }
        Ok(v)
    }

    /// Whether a name ending in segment `last` may be in the vocabulary: a test that needs no
    /// resolution, since resolving `a.b` keeps its last segment `b`. True when unsure.
    pub fn may_end_with(&self, last: &str) -> bool {
        self.last_segments
            .as_ref()
            .is_none_or(|set| set.contains(last))
    }

    /// Whether a name may be in the vocabulary when its first segment is one of `firsts` and
    /// its last one of `lasts` (trailing `()` of a first segment ignored): a test for names whose
    /// receiver is known not to be an import or an alias, so that only its spelling (`x`, `$x`,
    /// `?`) can start the resolved name. True when unsure.
    pub fn may_match_ends(&self, firsts: &[&str], lasts: &[&str]) -> bool {
        if firsts.iter().any(|f| self.roots.contains(strip_calls(f))) {
            return true;
        }
        if self.free.is_empty() {
            return false;
        }
        self.free_last
            .as_ref()
            .is_none_or(|set| lasts.iter().any(|l| set.contains(*l)))
    }

    fn note_root(&mut self, first: &str) {
        self.roots.insert(strip_calls(first).to_string());
    }

    fn note_last_segment(&mut self, last: Option<&str>) {
        match (last, &mut self.last_segments) {
            (Some(l), Some(set)) if !l.contains('*') => {
                set.insert(l.to_string());
            }
            _ => self.last_segments = None,
        }
    }

    fn add(&mut self, entry: &str) -> Result<(), String> {
        let entry = entry.trim();
        if entry.is_empty() {
            return Err("empty vocabulary entry".into());
        }
        if !entry.contains('*') {
            let segs = split_segments(entry);
            let last = segs.last().map(|l| l.to_string());
            self.note_root(segs[0]);
            self.note_last_segment(last.as_deref());
            self.exact.insert(entry.to_string());
            return Ok(());
        }
        let mut rest = entry;
        let any_receiver = rest.starts_with("*.");
        if any_receiver {
            rest = &rest[2..];
        }
        let deep_tail = rest == "**" || rest.ends_with(".**");
        let open_tail = deep_tail || rest == "*" || rest.ends_with(".*");
        if open_tail {
            rest = rest.trim_end_matches('*').trim_end_matches('.');
        }
        let segments: Vec<String> = if rest.is_empty() {
            Vec::new()
        } else {
            split_segments(rest)
                .into_iter()
                .map(str::to_string)
                .collect()
        };
        if segments.iter().any(|s| s.is_empty()) {
            return Err(format!("vocabulary entry `{entry}` has an empty segment"));
        }
        if segments.is_empty() && !open_tail {
            return Err(format!("vocabulary entry `{entry}` matches nothing"));
        }
        let last = if open_tail {
            None
        } else {
            segments.last().cloned()
        };
        self.note_last_segment(last.as_deref());
        match segments
            .first()
            .filter(|f| !any_receiver && !f.contains('*'))
        {
            Some(first) => self.note_root(first),
            None => {
                self.free.push(self.patterns.len());
                match (&last, &mut self.free_last) {
                    (Some(l), Some(set)) if !l.contains('*') => {
                        set.insert(l.clone());
                    }
                    _ => self.free_last = None,
                }
            }
        }
        if any_receiver && !open_tail && segments.len() == 1 && !segments[0].contains('*') {
            self.any_receiver_last.insert(segments[0].clone());
        }
        self.patterns.push(Pattern {
            segments,
            open_tail,
            deep_tail,
            any_receiver,
        });
        Ok(())
    }

    /// Whether every name `X.last` (any `X` of at least one segment) is in the vocabulary: it
    /// holds a `*.last` entry. A Python attribute `a.last` resolves to such a name whatever
    /// `a` is, so it matches without being resolved.
    pub fn takes_any_receiver_of(&self, last: &str) -> bool {
        self.any_receiver_last.contains(last)
    }

    /// Each entry's literal first and last segments (trailing `()` of the first removed):
    /// `None` where the entry may start with anything (a leading `*.`, a `*` in the first
    /// segment, a first segment that is not a name) or end with anything (a final `.*`/`.**`,
    /// a `*` in the last segment). What [`crate::engine`]'s per-file root gate reads.
    pub(crate) fn entry_ends(&self) -> Vec<(Option<&str>, Option<&str>)> {
        let name_like =
            |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        let mut out: Vec<(Option<&str>, Option<&str>)> = self
            .exact
            .iter()
            .map(|e| {
                let segs = split_segments(e);
                let first = strip_calls(segs[0]);
                let last = segs.last().copied().unwrap_or("");
                (name_like(first).then_some(first), Some(last))
            })
            .collect();
        for p in &self.patterns {
            let first = p
                .segments
                .first()
                .map(|f| strip_calls(f))
                .filter(|f| !p.any_receiver && name_like(f));
            let last = p
                .segments
                .last()
                .filter(|l| !p.open_tail && !l.contains('*'))
                .map(String::as_str);
            out.push((first, last));
        }
        out
    }

    /// Whether the qualified name is in the vocabulary.
    pub fn contains(&self, name: &str) -> bool {
        if name.is_empty() {
            return false;
        }
        if self.exact.contains(name) {
            return true;
        }
        // Cheap text tests first; split the name only for patterns that might match.
        let mut candidates = self
            .patterns
            .iter()
            .filter(|p| p.may_match(name))
            .peekable();
        if candidates.peek().is_none() {
            return false;
        }
        let segs = split_segments(name);
        candidates.any(|p| p.matches(&segs))
    }

    pub fn len(&self) -> usize {
        self.exact.len() + self.patterns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Pattern {
    /// A necessary condition on the raw name: a literal first segment must start it (patterns
    /// without a leading `*.`), a literal last segment must end it (closed patterns).
    fn may_match(&self, name: &str) -> bool {
        if !self.any_receiver {
            if let Some(first) = self.segments.first().filter(|s| !s.contains('*')) {
                if !name.starts_with(first.as_str()) {
                    return false;
                }
            }
        }
        if !self.open_tail {
            if let Some(last) = self.segments.last().filter(|s| !s.contains('*')) {
                if !name.ends_with(last.as_str()) {
                    return false;
                }
            }
        }
        true
    }

    fn matches(&self, segs: &[&str]) -> bool {
        let n = self.segments.len();
        if self.any_receiver {
            // The pattern may start at any segment.
            (0..=segs.len()).any(|start| self.match_from(&segs[start..], n, start > 0))
        } else {
            self.match_from(segs, n, true)
        }
    }

    fn match_from(&self, segs: &[&str], n: usize, receiver_ok: bool) -> bool {
        if self.any_receiver && !receiver_ok {
            return false;
        }
        if segs.len() < n {
            return false;
        }
        let (head, tail) = segs.split_at(n);
        if !head
            .iter()
            .zip(&self.segments)
            .all(|(s, p)| glob_segment(p, s))
        {
            return false;
        }
        if self.deep_tail {
            !tail.is_empty()
        } else if self.open_tail {
            tail.len() == 1
        } else {
            tail.is_empty()
        }
    }
}

/// A segment without its trailing `()` (`Client()` is `Client`).
fn strip_calls(seg: &str) -> &str {
    let mut s = seg;
    while let Some(t) = s.strip_suffix("()") {
        s = t;
    }
    s
}

/// Splits a dotted name on `.` outside parentheses, so `a.b(x.y).c` is `a`, `b(x.y)`, `c`.
fn split_segments(name: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in name.char_indices() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            '.' if depth == 0 => {
                out.push(&name[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&name[start..]);
    out
}

/// `*` within one segment.
fn glob_segment(pattern: &str, s: &str) -> bool {
    if !pattern.contains('*') {
        return pattern == s;
    }
    let parts: Vec<&str> = pattern.split('*').collect();
    let mut rest = s;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            match rest.strip_prefix(part) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if i == parts.len() - 1 {
            return rest.len() >= part.len() && rest.ends_with(part);
        } else if let Some(pos) = rest.find(part) {
            rest = &rest[pos + part.len()..];
        } else {
            return false;
        }
    }
    rest.is_empty()
}

/// All vocabularies of one pack, by name.
#[derive(Debug, Clone, Default)]
pub struct Vocabularies {
    by_name: BTreeMap<String, Vocabulary>,
}

impl Vocabularies {
    pub fn insert(&mut self, name: String, v: Vocabulary) {
        self.by_name.insert(name, v);
    }

    pub fn get(&self, name: &str) -> Option<&Vocabulary> {
        self.by_name.get(name)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.by_name.keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(entries: &[&str]) -> Vocabulary {
        Vocabulary::new(entries).unwrap()
    }

    #[test]
    fn last_segments_rule_out_names_without_resolving() {
        let voc = v(&[
            "sqlalchemy.create_engine",
            "httpx.Client().get",
            "*.read_bytes",
        ]);
        assert!(voc.may_end_with("create_engine") && voc.may_end_with("get"));
        assert!(voc.may_end_with("read_bytes"));
        assert!(!voc.may_end_with("execute"), "no entry ends in `execute`");
        // A wildcard in the last segment, or an open tail: anything may match.
        assert!(v(&["time.sleep", "fs.*Sync"]).may_end_with("anything"));
        assert!(v(&["requests.*"]).may_end_with("anything"));
        assert!(Vocabulary::default().may_end_with("anything"));
    }

    #[test]
    fn ends_rule_out_names_of_unbound_receivers() {
        let voc = v(&[
            "requests.get",
            "httpx.Client().*",
            "open",
            "*.read_bytes",
            "fs.*Sync",
        ]);
        // A root that starts an entry: unsure.
        assert!(voc.may_match_ends(&["requests", "$requests"], &["post"]));
        assert!(voc.may_match_ends(&["httpx()"], &["x"]));
        assert!(voc.may_match_ends(&["open", "$open"], &["open", "$open"]));
        assert!(voc.may_match_ends(&["fs"], &["x"]));
        // Any other root: only the `*.` entries, by their last segment.
        assert!(voc.may_match_ends(&["p", "$p"], &["read_bytes"]));
        assert!(!voc.may_match_ends(&["self", "$self"], &["get"]));
        assert!(!voc.may_match_ends(&["?"], &["?"]));
        // A free entry open at its end: anything.
        assert!(v(&["*.foo.*"]).may_match_ends(&["x"], &["y"]));
        assert!(v(&["*Sync"]).may_match_ends(&["readSync"], &["readSync"]));
        assert!(!v(&["*Sync.x"]).may_match_ends(&["readSync"], &["y"]));
        assert!(!Vocabulary::default().may_match_ends(&["x"], &["x"]));
        // Whatever the ends say, names the test lets through are judged by `contains`.
        for (name, first, last) in [
            ("requests.get", "requests", "get"),
            ("httpx.Client().get", "httpx", "get"),
            ("p.read_bytes", "p", "read_bytes"),
            ("fs.readFileSync", "fs", "readFileSync"),
            ("open", "open", "open"),
        ] {
            assert!(voc.contains(name));
            assert!(voc.may_match_ends(&[first], &[last]), "{name}");
        }
    }

    #[test]
    fn exact_names() {
        let voc = v(&["time.sleep"]);
        assert!(voc.contains("time.sleep"));
        assert!(!voc.contains("time.sleeper"));
        assert!(!voc.contains("sleep"));
        assert!(!voc.contains("asyncio.sleep"));
    }

    #[test]
    fn open_tails() {
        let voc = v(&["requests.*"]);
        assert!(voc.contains("requests.get"));
        assert!(
            !voc.contains("requests.get().json"),
            "a response's method is not the module's"
        );
        assert!(!voc.contains("requests"));
        assert!(!voc.contains("requestsx.get"));
        let deep = v(&["cv2.**"]);
        assert!(deep.contains("cv2.imread"));
        assert!(deep.contains("cv2.dnn.readNet"));
        assert!(!deep.contains("cv2"));
    }

    #[test]
    fn globs_within_a_segment() {
        let voc = v(&["fs.*Sync", "zlib.*"]);
        assert!(voc.contains("fs.readFileSync"));
        assert!(!voc.contains("fs.readFile"));
        assert!(!voc.contains("fs.promises.readFileSync"));
        assert!(voc.contains("zlib.gzipSync"));
    }

    #[test]
    fn any_receiver() {
        let voc = v(&["*.read_bytes"]);
        assert!(voc.contains("p.read_bytes"));
        assert!(voc.contains("self.path.read_bytes"));
        assert!(voc.contains("pathlib.Path(x).read_bytes"));
        assert!(!voc.contains("read_bytes"));
        assert!(!voc.contains("p.read_bytes.x"));
    }

    /// `*.b` takes every `X.b`, so the fast path of `resolves_into` agrees with `contains`.
    #[test]
    fn any_receiver_entries_take_every_receiver() {
        let voc = v(&[
            "*.read_text",
            "*.open",
            "*.get*",
            "*.a.b",
            "*.x.*",
            "time.sleep",
        ]);
        for last in ["read_text", "open"] {
            assert!(voc.takes_any_receiver_of(last));
            for x in ["p", "$p", "?", "pathlib.Path()", "a.b().c"] {
                assert!(voc.contains(&format!("{x}.{last}")), "{x}.{last}");
            }
        }
        for last in ["get", "getx", "b", "sleep", "x"] {
            assert!(!voc.takes_any_receiver_of(last), "{last}");
        }
    }

    #[test]
    fn chained_calls_are_one_segment() {
        let voc = v(&["httpx.Client().*"]);
        assert!(voc.contains("httpx.Client().get"));
        assert!(!voc.contains("httpx.AsyncClient().get"));
        assert_eq!(split_segments("a.b(x.y).c"), vec!["a", "b(x.y)", "c"]);
    }

    #[test]
    fn bad_entries_are_rejected() {
        assert!(Vocabulary::new(&[""]).is_err());
        assert!(Vocabulary::new(&["a..b*"]).is_err());
    }
}
