//! F15 `adrs` and the Rule 1 matching of findings against them (CHECKS.md §5.3).
//!
//! Architecture decision records and planned-work lines can say "we know, it is planned": a
//! finding they name becomes advisory with a label such as `[Planned: ADR-0007]`. This module
//! parses the documents ([`parse_adr`], [`parse_planned`]), keeps them in path order
//! ([`AdrIndex`]) and decides whether one of them covers a finding ([`AdrIndex::match_finding`]).
//! Everything works on `&str`; only [`read_documents`] touches the file system, so front-ends
//! can pass buffers and tests stay pure. Applying the match to a finding (exemptions, severity
//! gates) belongs to the post-filter, not here.
//!
//! **Matching** is case-insensitive, and `_` and `-` match a space in topic terms. The choices
//! this module makes where the spec leaves room:
//!
//! - Topic terms match on word boundaries: a term that starts (ends) with a letter or digit
//!   needs a non-alphanumeric character or the text edge before (after) it, so `fetch` does not
//!   match `prefetching` or `fetching`. A plain plural (`s`, `es`) after a term is accepted
//!   (`n+1 queries`, `connection pools`). Punctuation inside a term is literal: `n+1`,
//!   `select *`, `try/finally`. Terms may span a line break of the document.
//! - Paths are compared as whole tokens (runs of `[A-Za-z0-9_./~-]`, with `./`, `../` and URLs
//!   dropped), `-` equal to `_`: a token matches the finding's path when it is the path, a suffix
//!   of it on a `/` boundary with at least two segments, or its basename when that basename is
//!   unique in the repository ([`RepoIndex`]). `old/jobs/processor.py` therefore does not name
//!   `src/jobs/processor.py`, and `models.py` names nothing when two `models.py` exist.
//! - Symbols keep `_` as an identifier character (so `JobProcessor.run` does not match
//!   `JobProcessor.run_all`). The document must name the dotted symbol or a dotted suffix of it
//!   with at least two parts (`Inner.method` of `Outer.Inner.method`), or its last part alone
//!   when that name has at least 8 characters and is unique in the repository. The enclosing
//!   class of a method is not a candidate on its own: naming a class does not name each method.
//! - `README.md`, `index.md` and templates (`template.md`, `*-template.md`) in ADR folders are
//!   not decisions: an index names every path and topic of every ADR, without a status.
//! - Within a document the rules are tried M1 → M4; documents (ADRs and planned items) in path
//!   order, items of one file in line order; the first match wins.

use globset::{GlobBuilder, GlobMatcher};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// Folders whose `*.md` files are ADRs (repo-relative, searched recursively).
pub const ADR_DIRS: &[&str] = &[
    "docs/adr/",
    "docs/adrs/",
    "doc/adr/",
    "adr/",
    "docs/decisions/",
    "docs/architecture/decisions/",
    "docs/reference/adrs/",
    "architecture/decisions/",
];

/// Files whose lines may be planned items (repo-relative; the file name compares
/// case-insensitively, so `Roadmap.md` counts).
pub const PLANNED_FILES: &[&str] = &[
    "architecture.md",
    "docs/architecture.md",
    "docs/project/architecture.md",
    "ROADMAP.md",
    "docs/roadmap.md",
];

/// Statuses that let an ADR override findings (lower case).
const QUALIFYING: &[&str] = &["accepted", "proposed", "planned"];

// ---------------------------------------------------------------------------------------------
// Records
// ---------------------------------------------------------------------------------------------

/// A `ppa: allow <check-id or glob> [<path-glob>]` line.
#[derive(Debug, Clone, Serialize)]
pub struct Directive {
    /// A check id, a category or id prefix (`transaction`), or a glob (`transaction.*`).
    pub check: String,
    /// Only findings under this repo-relative glob (`src/payments/**`); a trailing `/` means
    /// everything below.
    pub path_glob: Option<String>,
    /// 1-based line in the document.
    pub line: usize,
    #[serde(skip)]
    check_glob: Option<GlobMatcher>,
    #[serde(skip)]
    path_matcher: Option<GlobMatcher>,
    /// The path glob did not compile: the directive matches nothing.
    #[serde(skip)]
    broken: bool,
}

impl Directive {
    /// Whether the directive covers a finding of `check_id` at the repo-relative `path`.
    pub fn matches(&self, check_id: &str, path: &str) -> bool {
        if self.broken {
            return false;
        }
        let check_id = check_id.to_lowercase();
        let check_ok = match &self.check_glob {
            Some(g) => g.is_match(&check_id),
            None => {
                let id = self.check.to_lowercase();
                check_id == id
                    || (check_id.starts_with(&id)
                        && check_id.as_bytes().get(id.len()) == Some(&b'.'))
            }
        };
        check_ok
            && self
                .path_matcher
                .as_ref()
                .is_none_or(|m| m.is_match(path.trim_start_matches("./")))
    }
}

/// What a document names (informational: matching reads the text itself).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Mentions {
    /// Path-like tokens (`src/jobs/processor.py`, `processor.py`), as written.
    pub paths: Vec<String>,
    /// Code spans that look like symbols (`JobProcessor.run`, `process_batch`).
    pub symbols: Vec<String>,
    /// Tokens shaped like check ids (`transaction.scope_too_wide`, `acme.query.raw_sql`).
    pub check_ids: Vec<String>,
}

/// F15: one architecture decision record.
#[derive(Debug, Clone, Serialize)]
pub struct Adr {
    /// `ADR-<n>` as written in the title, else from the numeric filename prefix
    /// (`0007-x.md` → `ADR-0007`); `None` when neither gives one.
    pub id: Option<String>,
    /// The number of the id, for comparisons (`ADR-7` = `ADR-0007`).
    pub number: Option<u64>,
    /// The first `#` heading, without the `#`.
    pub title: String,
    /// First word of the status, as written (`Accepted`, `Superseded`); `None` when absent.
    pub status: Option<String>,
    /// Accepted, Proposed, Planned or no status.
    pub qualifies: bool,
    pub file: String,
    pub mentions: Mentions,
    pub directives: Vec<Directive>,
    #[serde(skip)]
    text: Text,
    /// 0-based line of the title (the M4 evidence).
    #[serde(skip)]
    title_line: usize,
}

/// A planned-work line of an architecture or roadmap file.
#[derive(Debug, Clone, Serialize)]
pub struct PlannedItem {
    /// `<file>#L<n>`.
    pub id: String,
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// The line, trimmed.
    pub text: String,
    pub mentions: Mentions,
    pub directives: Vec<Directive>,
    #[serde(skip)]
    prepared: Text,
}

/// Which rule of §5.3 matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum MatchRule {
    /// `ppa: allow …` directive.
    M1,
    /// Path + topic term.
    M2,
    /// Symbol + topic term.
    M3,
    /// `ADR-<n>` in a comment at the finding.
    M4,
}

/// A document that covers a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdrMatch {
    pub rule: MatchRule,
    /// `ADR-0007` (the ADR's file when it has no id) or `docs/architecture.md#L42`.
    pub source: String,
    /// `[Planned: ADR-0007]` / `[Planned: docs/architecture.md#L42]`.
    pub label: String,
    /// The matching document line, trimmed: the directive, the line naming the path or symbol
    /// (one that also has a topic term when there is one), or the ADR's title for M4.
    pub evidence: String,
    /// The document and the 1-based line of the evidence.
    pub file: String,
    pub line: usize,
}

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

/// What Rule 1 needs to know about one finding.
#[derive(Debug, Clone, Default)]
pub struct FindingQuery {
    /// `transaction.scope_too_wide`.
    pub check_id: String,
    /// `scope_too_wide`.
    pub short_name: String,
    /// `Transaction Scope Too Wide`.
    pub title: String,
    /// The check's `topic_terms`.
    pub topic_terms: Vec<String>,
    /// Repo-relative, `/`-separated.
    pub path: String,
    /// The enclosing symbol, dotted (`JobProcessor.run`); empty at module level.
    pub symbol: String,
    /// M4: the raw source lines of the finding line, the line above it and the enclosing
    /// definition line (any order; duplicates are harmless).
    pub source_lines: Vec<String>,
    /// The line-comment prefix of the file's language (`#`, `//`); `//` also admits `/*`.
    pub comment_prefix: String,
}

impl FindingQuery {
    /// The check-related fields from a catalogue record.
    pub fn for_check(check: &crate::catalog::Check, path: &str, symbol: &str) -> Self {
        FindingQuery {
            check_id: check.id.clone(),
            short_name: check.short_name().to_string(),
            title: check.title.clone(),
            topic_terms: check.topic_terms.clone(),
            path: path.to_string(),
            symbol: symbol.to_string(),
            ..Self::default()
        }
    }
}

/// Repository-wide counts for the "unique in the repo" tests of M2 and M3.
#[derive(Debug, Clone, Default)]
pub struct RepoIndex {
    basenames: HashMap<String, usize>,
    symbols: HashMap<String, usize>,
}

impl RepoIndex {
    pub fn new() -> Self {
        Self::default()
    }

    /// An index of the basenames of `paths` (no symbols).
    pub fn from_paths<I, S>(paths: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut idx = Self::new();
        for p in paths {
            idx.add_path(p.as_ref());
        }
        idx
    }

    /// Counts one file of the repository.
    pub fn add_path(&mut self, path: &str) {
        *self.basenames.entry(norm_path(basename(path))).or_default() += 1;
    }

    /// Counts one definition (function, method, class) by its bare name.
    pub fn add_symbol(&mut self, name: &str) {
        *self.symbols.entry(name.to_lowercase()).or_default() += 1;
    }

    pub fn basename_count(&self, name: &str) -> usize {
        self.basenames.get(&norm_path(name)).copied().unwrap_or(0)
    }

    pub fn symbol_count(&self, name: &str) -> usize {
        self.symbols.get(&name.to_lowercase()).copied().unwrap_or(0)
    }
}

// ---------------------------------------------------------------------------------------------
// Text preparation
// ---------------------------------------------------------------------------------------------

/// A document (or one line of it) prepared for matching.
#[derive(Debug, Clone, Default)]
struct Text {
    /// 1-based line number of `raw[0]`.
    first_line: usize,
    raw: Vec<String>,
    /// Lower-cased lines, for symbols.
    lower: Vec<String>,
    /// The whole text for topic terms: lower case, `_`/`-`/whitespace runs → one space.
    norm: String,
    /// Offset in `norm` where each line starts.
    norm_starts: Vec<usize>,
    /// (line index, normalized path token).
    paths: Vec<(usize, String)>,
}

impl Text {
    fn new<'a>(lines: impl IntoIterator<Item = &'a str>, first_line: usize) -> Self {
        let raw: Vec<String> = lines.into_iter().map(str::to_string).collect();
        let lower = raw.iter().map(|l| l.to_lowercase()).collect();
        let mut norm = String::new();
        let mut norm_starts = Vec::with_capacity(raw.len());
        for line in &raw {
            if !norm.is_empty() && !norm.ends_with(' ') {
                norm.push(' ');
            }
            norm_starts.push(norm.len());
            push_norm(&mut norm, line);
        }
        let paths = raw
            .iter()
            .enumerate()
            .flat_map(|(i, l)| path_tokens(l).into_iter().map(move |t| (i, norm_path(&t))))
            .collect();
        Text {
            first_line,
            raw,
            lower,
            norm,
            norm_starts,
            paths,
        }
    }

    fn line_of_norm(&self, off: usize) -> usize {
        self.norm_starts
            .partition_point(|&s| s <= off)
            .saturating_sub(1)
    }

    /// Line indices where any of `terms` occurs.
    fn term_lines(&self, terms: &[String]) -> BTreeSet<usize> {
        terms
            .iter()
            .flat_map(|t| find_bounded(&self.norm, t, true, is_word_char))
            .map(|off| self.line_of_norm(off))
            .collect()
    }

    fn symbol_lines(&self, needles: &[String]) -> Vec<usize> {
        (0..self.lower.len())
            .filter(|&i| {
                needles
                    .iter()
                    .any(|n| !find_bounded(&self.lower[i], n, false, is_ident_char).is_empty())
            })
            .collect()
    }
}

/// Appends the term-normalized form of `s`: lower case, `_`, `-` and whitespace as one space.
fn push_norm(out: &mut String, s: &str) {
    for c in s.chars() {
        if c == '_' || c == '-' || c.is_whitespace() {
            if !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.extend(c.to_lowercase());
        }
    }
}

fn norm_term(s: &str) -> String {
    let mut out = String::new();
    push_norm(&mut out, s);
    out.trim_end().to_string()
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Offsets of `needle` in `hay` with boundaries: an alphanumeric first (last) character of the
/// needle must not touch a `word` character before (after) it. With `plural`, an `s` or `es`
/// may follow a needle that ends in a letter.
fn find_bounded(hay: &str, needle: &str, plural: bool, word: fn(char) -> bool) -> Vec<usize> {
    let (Some(first), Some(last)) = (needle.chars().next(), needle.chars().next_back()) else {
        return Vec::new();
    };
    hay.match_indices(needle)
        .filter(|(i, _)| {
            let before_ok = !word(first) || !hay[..*i].chars().next_back().is_some_and(word);
            let rest = &hay[i + needle.len()..];
            let after_ok = |r: &str| !word(last) || !r.chars().next().is_some_and(word);
            let plural_ok = plural
                && last.is_alphabetic()
                && (rest.strip_prefix("es").is_some_and(after_ok)
                    || rest.strip_prefix('s').is_some_and(after_ok));
            before_ok && (after_ok(rest) || plural_ok)
        })
        .map(|(i, _)| i)
        .collect()
}

fn is_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | '~')
}

/// Path-like tokens of a line: runs of path characters containing a `/` or a `.` between
/// other characters, with URLs removed.
fn path_tokens(line: &str) -> Vec<String> {
    // Blank URLs: from the start of the scheme to the next space or closing bracket.
    let mut text = line.to_string();
    while let Some(p) = text.find("://") {
        let start = text[..p]
            .char_indices()
            .rev()
            .find(|(_, c)| !c.is_ascii_alphanumeric())
            .map_or(0, |(s, c)| s + c.len_utf8());
        let end = text[p..]
            .find(|c: char| c.is_whitespace() || matches!(c, ')' | '>' | ']'))
            .map_or(text.len(), |e| p + e);
        text.replace_range(start..end, " ");
    }
    text.split(|c: char| !is_path_char(c))
        .filter_map(|tok| {
            let mut t = tok;
            loop {
                let before = t;
                t = t
                    .trim_start_matches("./")
                    .trim_start_matches("../")
                    .trim_start_matches('/');
                if t == before {
                    break;
                }
            }
            let t = t.trim_end_matches(['.', '-']);
            let inner = t.trim_matches('.');
            (inner.contains('/') || inner.contains('.')).then(|| t.to_string())
        })
        .collect()
}

fn norm_path(p: &str) -> String {
    p.trim_start_matches("./").to_lowercase().replace('-', "_")
}

fn basename(p: &str) -> &str {
    p.rsplit('/').next().unwrap_or(p)
}

/// Numbers of `ADR-<n>` references (`ADR-7`, `adr 0007`, `ADR_12`) in `s`.
fn adr_refs(s: &str) -> Vec<(u64, String)> {
    let lower = s.to_ascii_lowercase();
    let mut out = Vec::new();
    for (i, _) in lower.match_indices("adr") {
        if lower[..i]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric)
        {
            continue;
        }
        let mut rest = &s[i + 3..];
        if let Some(r) = rest.strip_prefix(['-', '_', ' ']) {
            rest = r;
        }
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if digits.is_empty()
            || rest[digits.len()..]
                .chars()
                .next()
                .is_some_and(char::is_alphanumeric)
        {
            continue;
        }
        if let Ok(n) = digits.parse() {
            out.push((n, digits));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

/// Whether a repo-relative path is an ADR document.
pub fn is_adr_path(path: &str) -> bool {
    let name = basename(path).to_ascii_lowercase();
    let Some(stem) = name.strip_suffix(".md") else {
        return false;
    };
    ADR_DIRS.iter().any(|d| path.starts_with(d))
        && !matches!(stem, "readme" | "index" | "template")
        && !stem.ends_with("-template")
        && !stem.ends_with("_template")
}

/// Whether a repo-relative path is one of the planned-work files.
pub fn is_planned_path(path: &str) -> bool {
    PLANNED_FILES.iter().any(|f| {
        let (dir, name) = f.rsplit_once('/').map_or(("", *f), |(d, n)| (d, n));
        let (pdir, pname) = path.rsplit_once('/').map_or(("", path), |(d, n)| (d, n));
        dir == pdir && name.eq_ignore_ascii_case(pname)
    })
}

fn parse_directives(lines: &[String], first_line: usize) -> Vec<Directive> {
    lines
        .iter()
        .enumerate()
        .filter_map(|(i, l)| parse_directive(l, first_line + i))
        .collect()
}

fn clean_token(t: &str) -> &str {
    let t = t.trim_end_matches("-->");
    let t = t.trim_matches(|c| matches!(c, '`' | '\'' | '"'));
    t.trim_end_matches(['.', ',', ';', ')', ':'])
}

fn parse_directive(line: &str, line_no: usize) -> Option<Directive> {
    let lower = line.to_ascii_lowercase();
    let at = lower.find("ppa:")?;
    let rest = lower[at + 4..].trim_start();
    let rest_raw = &line[line.len() - rest.len()..];
    let after = rest.strip_prefix("allow")?;
    if !after.starts_with(char::is_whitespace) {
        return None;
    }
    let mut toks = rest_raw[5..].split_whitespace().map(clean_token);
    let check = toks.next().filter(|c| {
        !c.is_empty()
            && c.chars()
                .all(|ch| ch.is_ascii_alphanumeric() || "_-.*?[]{},".contains(ch))
    })?;
    let path_glob = toks
        .next()
        .filter(|p| !p.is_empty() && p.contains(['/', '*', '.']))
        .map(|p| p.trim_start_matches("./").to_string());
    let check_glob = if check.contains(['*', '?', '[', '{']) {
        match GlobBuilder::new(&check.to_lowercase()).build() {
            Ok(g) => Some(g.compile_matcher()),
            Err(_) => return None,
        }
    } else {
        None
    };
    let mut broken = false;
    let path_matcher = path_glob.as_ref().and_then(|g| {
        let g = if g.ends_with('/') {
            format!("{g}**")
        } else {
            g.clone()
        };
        let built = GlobBuilder::new(&g)
            .literal_separator(true)
            .case_insensitive(true)
            .build();
        broken = built.is_err();
        built.ok().map(|g| g.compile_matcher())
    });
    Some(Directive {
        check: check.to_string(),
        path_glob,
        line: line_no,
        check_glob,
        path_matcher,
        broken,
    })
}

fn mentions(text: &Text) -> Mentions {
    let mut m = Mentions::default();
    let mut seen = BTreeSet::new();
    for line in &text.raw {
        for p in path_tokens(line) {
            let ext = p.rsplit_once('.').map_or("", |(_, e)| e);
            if is_check_id(&p) || !(p.contains('/') || SOURCE_EXTENSIONS.contains(&ext)) {
                continue;
            }
            if seen.insert(("p", p.clone())) {
                m.paths.push(p);
            }
        }
        for word in line.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.')) {
            let w = word.trim_end_matches('.');
            if is_check_id(w) && seen.insert(("c", w.to_string())) {
                m.check_ids.push(w.to_string());
            }
        }
        // Code spans: `JobProcessor.run`, `process_batch()`.
        for (i, span) in line.split('`').enumerate() {
            let s = span.trim_end_matches("()");
            let symbolic = i % 2 == 1
                && !s.is_empty()
                && s.split('.').all(|p| {
                    p.chars()
                        .next()
                        .is_some_and(|c| c.is_alphabetic() || c == '_')
                        && p.chars().all(|c| c.is_alphanumeric() || c == '_')
                })
                && (s.contains('.') || s.contains('_') || s.chars().any(char::is_uppercase))
                && !is_check_id(s);
            if symbolic && seen.insert(("s", s.to_string())) {
                m.symbols.push(s.to_string());
            }
        }
    }
    m
}

/// File extensions that make a token without `/` a path mention (`processor.py`).
const SOURCE_EXTENSIONS: &[&str] = &[
    "cfg", "cjs", "env", "go", "ini", "js", "json", "jsx", "md", "mjs", "mts", "prisma", "py",
    "sql", "toml", "ts", "tsx", "txt", "yaml", "yml",
];

fn is_check_id(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() >= 2
        && parts.len() <= 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
        && ["query", "transaction", "runtime", "resource"].contains(&parts[parts.len() - 2])
}

/// First word of a status value, without Markdown decoration: `**Accepted** (2024)` →
/// `Accepted`, `~~Proposed~~ Superseded` → `Proposed`.
fn first_word(s: &str) -> Option<String> {
    let s = s.trim_start_matches(|c: char| !c.is_alphanumeric());
    let w: String = s.chars().take_while(|c| c.is_alphanumeric()).collect();
    (!w.is_empty()).then_some(w)
}

/// `Status: X` in its list/bold forms → `Some("X …")`; `Some("")` when the value is on the
/// next line.
fn status_line_value(line: &str) -> Option<&str> {
    let s = line.trim_start().trim_start_matches('>').trim_start();
    let s = s
        .strip_prefix("- ")
        .or_else(|| s.strip_prefix("* "))
        .or_else(|| s.strip_prefix("+ "))
        .unwrap_or(s)
        .trim_start_matches(['*', '_'])
        .trim_start();
    if !s.get(..6).is_some_and(|w| w.eq_ignore_ascii_case("status")) {
        return None;
    }
    let rest = s[6..].trim_start_matches(['*', '_']);
    let rest = rest.strip_prefix(':')?;
    Some(rest.trim_start_matches(['*', '_']).trim())
}

fn heading_text(line: &str) -> Option<(usize, &str)> {
    let t = line.trim_start();
    let level = t.chars().take_while(|&c| c == '#').count();
    if level == 0 || level > 6 {
        return None;
    }
    let rest = &t[level..];
    (rest.is_empty() || rest.starts_with(char::is_whitespace))
        .then(|| (level, rest.trim().trim_end_matches('#').trim()))
}

/// Parses one ADR document; `path` is repo-relative.
pub fn parse_adr(path: &str, text: &str) -> Adr {
    let lines: Vec<&str> = text.lines().collect();
    let mut status: Option<String> = None;
    let mut fm_title: Option<String> = None;
    let mut title: Option<(usize, String)> = None;
    let mut any_heading: Option<(usize, String)> = None;
    let mut i = 0;
    // Front matter.
    if lines.first().is_some_and(|l| l.trim() == "---") {
        if let Some(end) = lines.iter().skip(1).position(|l| l.trim() == "---") {
            for l in &lines[1..=end] {
                if let Some((k, v)) = l.split_once(':') {
                    let v = v.trim().trim_matches(['"', '\'']);
                    match k.trim().to_ascii_lowercase().as_str() {
                        "status" if status.is_none() => status = first_word(v),
                        "title" => fm_title = Some(v.to_string()),
                        _ => {}
                    }
                }
            }
            i = end + 2;
        }
    }
    let mut in_fence = false;
    let mut pending_section = false;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
            i += 1;
            continue;
        }
        if in_fence {
            i += 1;
            continue;
        }
        if let Some((level, h)) = heading_text(line) {
            if level == 1 && title.is_none() {
                title = Some((i, h.to_string()));
            }
            any_heading.get_or_insert((i, h.to_string()));
            pending_section = status.is_none()
                && h.trim_end_matches(':')
                    .trim_matches(['*', '_'])
                    .eq_ignore_ascii_case("status");
        } else if status.is_none() {
            if pending_section {
                if !line.trim().is_empty() {
                    status = first_word(line);
                    pending_section = false;
                }
            } else if let Some(v) = status_line_value(line) {
                match first_word(v) {
                    Some(w) => status = Some(w),
                    None => pending_section = true,
                }
            } else if let Some(cells) = line.trim().strip_prefix('|') {
                let cells: Vec<&str> = cells
                    .split('|')
                    .map(|c| c.trim().trim_matches(['*', '_']))
                    .collect();
                if cells.len() >= 2 && cells[0].eq_ignore_ascii_case("status") {
                    status = first_word(cells[1]);
                }
            }
        }
        i += 1;
    }
    let (title_line, title) = title
        .or(any_heading)
        .unwrap_or((0, fm_title.unwrap_or_default()));
    let from_title = adr_refs(&title).into_iter().next();
    let from_file = {
        let name = basename(path).to_ascii_lowercase();
        let rest = name
            .strip_prefix("adr")
            .map(|r| r.trim_start_matches(['-', '_', ' ']))
            .unwrap_or(&name);
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        digits.parse::<u64>().ok().map(|n| (n, digits))
    };
    let (number, id) = match from_title.or(from_file) {
        Some((n, digits)) => (Some(n), Some(format!("ADR-{digits}"))),
        None => (None, None),
    };
    let qualifies = status
        .as_deref()
        .is_none_or(|s| QUALIFYING.contains(&s.to_lowercase().as_str()));
    let prepared = Text::new(lines.iter().copied(), 1);
    Adr {
        id,
        number,
        title,
        status,
        qualifies,
        file: path.to_string(),
        mentions: mentions(&prepared),
        directives: parse_directives(&prepared.raw, 1),
        text: prepared,
        title_line,
    }
}

/// Whether a line of an architecture/roadmap file is a planned item: `TODO`, `FIXME`,
/// `Planned`/`PLANNED` as words (case as written), or an unchecked task `- [ ]`.
pub fn is_planned_line(line: &str) -> bool {
    let t = line.trim_start();
    if ["- [ ]", "* [ ]", "+ [ ]"].iter().any(|p| t.starts_with(p)) {
        return true;
    }
    ["TODO", "FIXME", "Planned", "PLANNED"].iter().any(|w| {
        line.match_indices(w).any(|(i, _)| {
            !line[..i]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric)
                && !line[i + w.len()..]
                    .chars()
                    .next()
                    .is_some_and(char::is_alphanumeric)
        })
    })
}

/// The planned items of an architecture or roadmap file, in line order.
pub fn parse_planned(path: &str, text: &str) -> Vec<PlannedItem> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| is_planned_line(l))
        .map(|(i, l)| {
            let prepared = Text::new([l], i + 1);
            PlannedItem {
                id: format!("{path}#L{}", i + 1),
                file: path.to_string(),
                line: i + 1,
                text: l.trim().to_string(),
                mentions: mentions(&prepared),
                directives: parse_directives(&prepared.raw, i + 1),
                prepared,
            }
        })
        .collect()
}

impl Adr {
    /// Which of `terms` the document mentions (same normalization and boundaries as matching).
    pub fn mentioned_terms<'t>(&self, terms: &[&'t str]) -> Vec<&'t str> {
        mentioned(&self.text, terms)
    }

    /// `[Planned: ADR-0007]`, or the file when the ADR has no id.
    pub fn label(&self) -> String {
        format!("[Planned: {}]", self.source())
    }

    fn source(&self) -> &str {
        self.id.as_deref().unwrap_or(&self.file)
    }
}

impl PlannedItem {
    pub fn mentioned_terms<'t>(&self, terms: &[&'t str]) -> Vec<&'t str> {
        mentioned(&self.prepared, terms)
    }
}

fn mentioned<'t>(text: &Text, terms: &[&'t str]) -> Vec<&'t str> {
    terms
        .iter()
        .copied()
        .filter(|t| !text.term_lines(&[norm_term(t)]).is_empty())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Doc {
    Adr(Adr),
    Planned(PlannedItem),
}

impl Doc {
    fn path(&self) -> &str {
        match self {
            Doc::Adr(a) => &a.file,
            Doc::Planned(p) => &p.file,
        }
    }
}

/// The finding, prepared once for matching against every document.
struct Prepared<'a> {
    f: &'a FindingQuery,
    terms: Vec<String>,
    path: String,
    /// The basename, when it is unique in the repository.
    unique_basename: Option<String>,
    symbols: Vec<String>,
    refs: Vec<u64>,
}

impl<'a> Prepared<'a> {
    fn new(f: &'a FindingQuery, repo: &RepoIndex) -> Self {
        let mut terms: Vec<String> = [&f.check_id, &f.short_name, &f.title]
            .into_iter()
            .chain(&f.topic_terms)
            .map(|t| norm_term(t))
            .filter(|t| !t.is_empty())
            .collect();
        terms.sort();
        terms.dedup();
        let path = norm_path(&f.path);
        let base = basename(&path).to_string();
        let unique_basename = (repo.basename_count(&base) == 1).then_some(base);
        let mut symbols = Vec::new();
        let parts: Vec<&str> = f.symbol.split('.').filter(|p| !p.is_empty()).collect();
        for k in 0..parts.len().saturating_sub(1) {
            symbols.push(parts[k..].join(".").to_lowercase());
        }
        if let Some(last) = parts.last() {
            if last.chars().count() >= 8 && repo.symbol_count(last) == 1 {
                symbols.push(last.to_lowercase());
            }
        }
        let refs = f
            .source_lines
            .iter()
            .filter_map(|l| comment_part(l, &f.comment_prefix))
            .flat_map(|c| adr_refs(c).into_iter().map(|(n, _)| n))
            .collect();
        Prepared {
            f,
            terms,
            path,
            unique_basename,
            symbols,
            refs,
        }
    }

    fn path_matches(&self, token: &str) -> bool {
        token == self.path
            || (token.contains('/')
                && self.path.len() > token.len()
                && self.path.ends_with(token)
                && self.path.as_bytes()[self.path.len() - token.len() - 1] == b'/')
            || self.unique_basename.as_deref() == Some(token)
    }

    /// M1–M3 against one prepared text; returns the rule and the 0-based evidence line.
    fn try_text(&self, text: &Text, directives: &[Directive]) -> Option<(MatchRule, usize)> {
        if let Some(d) = directives
            .iter()
            .find(|d| d.matches(&self.f.check_id, &self.f.path))
        {
            return Some((MatchRule::M1, d.line - text.first_line));
        }
        let mut terms: Option<BTreeSet<usize>> = None;
        let path_lines: Vec<usize> = text
            .paths
            .iter()
            .filter(|(_, t)| self.path_matches(t))
            .map(|(i, _)| *i)
            .collect();
        for (rule, anchors) in [
            (MatchRule::M2, path_lines),
            (MatchRule::M3, text.symbol_lines(&self.symbols)),
        ] {
            if anchors.is_empty() {
                continue;
            }
            let term_lines = terms.get_or_insert_with(|| text.term_lines(&self.terms));
            if term_lines.is_empty() {
                return None;
            }
            let line = anchors.iter().copied().find(|l| term_lines.contains(l));
            return Some((rule, line.unwrap_or(anchors[0])));
        }
        None
    }
}

/// The comment part of a source line: after the comment prefix (`//` also admits `/*`).
fn comment_part<'l>(line: &'l str, prefix: &str) -> Option<&'l str> {
    if prefix.is_empty() {
        return Some(line);
    }
    let mut at = line.find(prefix);
    if prefix == "//" {
        if let Some(b) = line.find("/*") {
            at = Some(at.map_or(b, |a| a.min(b)));
        }
    }
    at.map(|a| &line[a..])
}

/// F15: the ADRs and planned items of a repository, in path order.
#[derive(Debug, Clone, Default)]
pub struct AdrIndex {
    docs: Vec<Doc>,
}

impl AdrIndex {
    /// Builds the index from `(repo-relative path, text)` pairs; paths that are neither ADRs
    /// ([`is_adr_path`]) nor planned-work files ([`is_planned_path`]) are ignored.
    pub fn from_documents<I, P, T>(docs: I) -> Self
    where
        I: IntoIterator<Item = (P, T)>,
        P: AsRef<str>,
        T: AsRef<str>,
    {
        let mut out = Vec::new();
        for (path, text) in docs {
            let (path, text) = (path.as_ref(), text.as_ref());
            if is_adr_path(path) {
                out.push(Doc::Adr(parse_adr(path, text)));
            } else if is_planned_path(path) {
                out.extend(parse_planned(path, text).into_iter().map(Doc::Planned));
            }
        }
        // Stable: items of one file keep their line order.
        out.sort_by(|a, b| a.path().cmp(b.path()));
        AdrIndex { docs: out }
    }

    /// Every ADR, qualifying or not, in path order.
    pub fn adrs(&self) -> impl Iterator<Item = &Adr> {
        self.docs.iter().filter_map(|d| match d {
            Doc::Adr(a) => Some(a),
            Doc::Planned(_) => None,
        })
    }

    /// Every planned item, in path and line order.
    pub fn planned_items(&self) -> impl Iterator<Item = &PlannedItem> {
        self.docs.iter().filter_map(|d| match d {
            Doc::Planned(p) => Some(p),
            Doc::Adr(_) => None,
        })
    }

    /// The first document (path order) that covers the finding, by M1 → M4 within each
    /// document. ADRs that do not qualify (superseded, rejected …) are skipped.
    pub fn match_finding(&self, f: &FindingQuery, repo: &RepoIndex) -> Option<AdrMatch> {
        let q = Prepared::new(f, repo);
        for doc in &self.docs {
            match doc {
                Doc::Adr(a) if a.qualifies => {
                    let hit = q.try_text(&a.text, &a.directives).or_else(|| {
                        a.number
                            .filter(|n| q.refs.contains(n))
                            .map(|_| (MatchRule::M4, a.title_line))
                    });
                    if let Some((rule, i)) = hit {
                        return Some(AdrMatch {
                            rule,
                            source: a.source().to_string(),
                            label: a.label(),
                            evidence: a.text.raw.get(i).map_or("", |l| l.trim()).to_string(),
                            file: a.file.clone(),
                            line: i + 1,
                        });
                    }
                }
                Doc::Adr(_) => {}
                Doc::Planned(p) => {
                    if let Some((rule, _)) = q.try_text(&p.prepared, &p.directives) {
                        return Some(AdrMatch {
                            rule,
                            source: p.id.clone(),
                            label: format!("[Planned: {}]", p.id),
                            evidence: p.text.clone(),
                            file: p.file.clone(),
                            line: p.line,
                        });
                    }
                }
            }
        }
        None
    }
}

/// Reads the ADR and planned-work documents under a project root: `*.md` below
/// [`ADR_DIRS`] (recursively; hidden entries and symlinks skipped) and the [`PLANNED_FILES`].
/// Returns `(repo-relative path with '/', text)` in path order; unreadable and non-UTF-8 files
/// are skipped. Feed the result to [`AdrIndex::from_documents`].
pub fn read_documents(root: &Path) -> Vec<(String, String)> {
    fn walk(root: &Path, rel: &str, out: &mut Vec<(String, String)>) {
        let Ok(entries) = std::fs::read_dir(root.join(rel)) else {
            return;
        };
        let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let Some(name) = e.file_name().to_str().map(str::to_string) else {
                continue;
            };
            let Ok(ft) = e.file_type() else { continue };
            if name.starts_with('.') || ft.is_symlink() {
                continue;
            }
            let child = format!("{rel}{name}");
            if ft.is_dir() {
                walk(root, &format!("{child}/"), out);
            } else if ft.is_file() && is_adr_path(&child) {
                if let Ok(text) = std::fs::read_to_string(root.join(&child)) {
                    out.push((child, text));
                }
            }
        }
    }
    let mut out = Vec::new();
    for dir in ADR_DIRS {
        walk(root, dir, &mut out);
    }
    let planned_dirs: BTreeSet<&str> = PLANNED_FILES
        .iter()
        .map(|f| f.rsplit_once('/').map_or("", |(d, _)| d))
        .collect();
    for dir in planned_dirs {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for e in entries.filter_map(Result::ok) {
            let Some(name) = e.file_name().to_str().map(str::to_string) else {
                continue;
            };
            let rel = if dir.is_empty() {
                name
            } else {
                format!("{dir}/{name}")
            };
            if is_planned_path(&rel) && e.file_type().is_ok_and(|t| t.is_file()) {
                if let Ok(text) = std::fs::read_to_string(e.path()) {
                    out.push((rel, text));
                }
            }
        }
    }
    out.sort();
    out.dedup_by(|a, b| a.0 == b.0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const ADR_0007: &str = "---
status: accepted
date: 2024-03-01
deciders: platform team
---
# ADR-0007: Commit job progress in batches

## Context

`JobProcessor.run` in `src/jobs/processor.py` updates progress rows inside one transaction,
and the trigger on `jobs` sends a notification only on commit. The UI needs intermediate
commits to show progress.

## Decision

Commit every 100 rows. Until that lands the current behaviour is known.
";

    const ADR_0003: &str = "# 3. Payments use a transactional outbox

* Status: Superseded by [ADR-0009](0009-payments-outbox-v2.md)
* Date: 2023-05-02

The HTTP call in `src/payments/service.py` runs inside the database transaction (outbox
pattern planned). `StreamHub.broadcast_events` is out of scope.
";

    const ADR_0009: &str = "# ADR-0009: Payments outbox, second attempt

**Status:** Proposed

<!-- ppa: allow transaction.scope_too_wide src/payments/** -->

We keep the external call in the transaction until the outbox ships.
";

    const ADR_0012: &str = "# Server-sent events hold a session

## Status

Accepted (2024-06-10)

## Context

`StreamHub.broadcast_events` keeps a database session for the lifetime of the stream; we accept
this for server-sent events until the fan-out service exists.
";

    const ADR_0015: &str = "# ADR 15: Render reports on the event loop

- Status: Planned

Reports are tiny; offloading is planned for Q3.
";

    const ADR_0016: &str = "# ADR-0016: Cache loader

| Field | Value |
|---|---|
| Status | Rejected |

`src/cache/loader.py` keeps an n+1 loop.
";

    const ARCHITECTURE: &str = "# Architecture

The importer in `src/sync/importer.py` writes row by row (update loop), which is fine today.

## Backlog

- [x] Move sessions to dependencies (`api/deps.py`, session lifetime)
- [ ] Batch the per-row update in `src/sync/importer.py` (update loop)
- TODO: pool size for `src/db/engine.py` once we know the worker count
- Planned: `src/db/engine.py`
  connection pool settings move to env
";

    fn docs() -> Vec<(&'static str, &'static str)> {
        vec![
            ("docs/adr/0009-payments-outbox-v2.md", ADR_0009),
            ("docs/adr/0007-job-progress-commits.md", ADR_0007),
            ("docs/adr/0003-payments-outbox.md", ADR_0003),
            ("docs/decisions/0012-sse-sessions.md", ADR_0012),
            ("docs/adr/adr-0015-reports.md", ADR_0015),
            ("docs/adr/0016-cache-loader.md", ADR_0016),
            (
                "docs/adr/README.md",
                "# ADRs\n\n- src/jobs/processor.py: intermediate commits\n",
            ),
            ("docs/architecture.md", ARCHITECTURE),
            ("src/jobs/processor.py", "# not a document"),
        ]
    }

    fn index() -> AdrIndex {
        AdrIndex::from_documents(docs())
    }

    fn repo() -> RepoIndex {
        let mut r = RepoIndex::from_paths([
            "src/jobs/processor.py",
            "src/payments/service.py",
            "src/payments/gateway/client.py",
            "src/sync/importer.py",
            "src/db/engine.py",
            "src/cache/loader.py",
            "app/models.py",
            "billing/models.py",
            "api/orders.py",
        ]);
        for s in [
            "JobProcessor",
            "run",
            "StreamHub",
            "broadcast_events",
            "render_report",
            "run",
        ] {
            r.add_symbol(s);
        }
        r
    }

    fn query(check: &str, terms: &[&str], path: &str, symbol: &str) -> FindingQuery {
        let short = check.rsplit('.').next().unwrap();
        FindingQuery {
            check_id: check.into(),
            short_name: short.into(),
            title: short.replace('_', " "),
            topic_terms: terms.iter().map(|t| t.to_string()).collect(),
            path: path.into(),
            symbol: symbol.into(),
            source_lines: Vec::new(),
            comment_prefix: "#".into(),
        }
    }

    fn matched(f: &FindingQuery) -> Option<AdrMatch> {
        index().match_finding(f, &repo())
    }

    #[test]
    fn parses_ids_titles_and_statuses() {
        let idx = index();
        let got: Vec<_> = idx
            .adrs()
            .map(|a| {
                (
                    a.file.as_str(),
                    a.id.as_deref(),
                    a.number,
                    a.status.as_deref(),
                    a.qualifies,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "docs/adr/0003-payments-outbox.md",
                    Some("ADR-0003"),
                    Some(3),
                    Some("Superseded"),
                    false
                ),
                (
                    "docs/adr/0007-job-progress-commits.md",
                    Some("ADR-0007"),
                    Some(7),
                    Some("accepted"),
                    true
                ),
                (
                    "docs/adr/0009-payments-outbox-v2.md",
                    Some("ADR-0009"),
                    Some(9),
                    Some("Proposed"),
                    true
                ),
                (
                    "docs/adr/0016-cache-loader.md",
                    Some("ADR-0016"),
                    Some(16),
                    Some("Rejected"),
                    false
                ),
                (
                    "docs/adr/adr-0015-reports.md",
                    Some("ADR-15"),
                    Some(15),
                    Some("Planned"),
                    true
                ),
                (
                    "docs/decisions/0012-sse-sessions.md",
                    Some("ADR-0012"),
                    Some(12),
                    Some("Accepted"),
                    true
                ),
            ]
        );
        let a7 = idx.adrs().nth(1).unwrap();
        assert_eq!(a7.title, "ADR-0007: Commit job progress in batches");
        assert_eq!(a7.mentions.paths, ["src/jobs/processor.py"]);
        assert_eq!(a7.mentions.symbols, ["JobProcessor.run"]);
        assert_eq!(
            idx.adrs().next().unwrap().title,
            "3. Payments use a transactional outbox"
        );
    }

    #[test]
    fn status_formats() {
        let status = |t: &str| parse_adr("docs/adr/0001-x.md", t).status;
        assert_eq!(
            status("# T\n\nStatus: Accepted\n").as_deref(),
            Some("Accepted")
        );
        assert_eq!(
            status("# T\n\n* **Status**: deprecated\n").as_deref(),
            Some("deprecated")
        );
        assert_eq!(
            status("# T\n\n> Status: **Proposed** (draft)\n").as_deref(),
            Some("Proposed")
        );
        assert_eq!(
            status("# T\n\n## Status\n\n**Accepted** on 2024-01-01\n").as_deref(),
            Some("Accepted")
        );
        assert_eq!(status("# T\n\n## Status\n## Context\nAccepted\n"), None);
        assert_eq!(
            status("# T\n\nStatus:\n  Rejected\n").as_deref(),
            Some("Rejected")
        );
        assert_eq!(status("# T\n\n```md\nStatus: Rejected\n```\n"), None);
        assert_eq!(status("# T\n\nThe status of the project: fine\n"), None);
        let none = parse_adr("docs/adr/0001-x.md", "# Use Postgres\n");
        assert!(none.qualifies && none.status.is_none());
        let fm = parse_adr(
            "docs/adr/x.md",
            "---\ntitle: \"Queue\"\nstatus: \"superseded\"\n---\nbody\n",
        );
        assert_eq!(
            (fm.title.as_str(), fm.qualifies, fm.id),
            ("Queue", false, None)
        );
    }

    #[test]
    fn m2_path_and_topic_term_across_a_line_break() {
        let f = query(
            "transaction.missing_intermediate_commits",
            &["intermediate commits", "progress commit"],
            "src/jobs/processor.py",
            "",
        );
        let m = matched(&f).unwrap();
        assert_eq!(m.rule, MatchRule::M2);
        assert_eq!(m.label, "[Planned: ADR-0007]");
        assert_eq!(m.source, "ADR-0007");
        assert_eq!(m.line, 10);
        assert!(
            m.evidence
                .starts_with("`JobProcessor.run` in `src/jobs/processor.py`"),
            "{m:?}"
        );
    }

    #[test]
    fn m1_directive_with_path_glob() {
        let f = query(
            "transaction.scope_too_wide",
            &[],
            "src/payments/gateway/client.py",
            "",
        );
        let m = matched(&f).unwrap();
        assert_eq!(
            (m.rule, m.label.as_str(), m.line),
            (MatchRule::M1, "[Planned: ADR-0009]", 5)
        );
        assert_eq!(
            m.evidence,
            "<!-- ppa: allow transaction.scope_too_wide src/payments/** -->"
        );
        // Same check elsewhere, or another check in the same place: no directive match; the
        // superseded ADR-0003 names the file and a topic term but does not qualify.
        assert!(matched(&query(
            "transaction.scope_too_wide",
            &["outbox pattern"],
            "src/orders.py",
            ""
        ))
        .is_none());
        let other = query(
            "transaction.long_held_transaction",
            &["outbox pattern"],
            "src/payments/service.py",
            "",
        );
        assert!(matched(&other).is_none());
    }

    #[test]
    fn directive_forms() {
        let d = |l: &str| parse_directive(l, 1);
        let glob = d("ppa: allow transaction.* ").unwrap();
        assert!(glob.matches("transaction.scope_too_wide", "any/where.py"));
        assert!(!glob.matches("runtime.blocking_io_in_async", "any/where.py"));
        let prefix = d("- `ppa: allow runtime` (all runtime checks)").unwrap();
        assert!(prefix.matches("runtime.sync_sleep_in_async", "x.py"));
        assert!(!prefix.matches("runtimes.x", "x.py"));
        let reason =
            d("PPA: Allow runtime.blocking_io_in_async because reports are small.").unwrap();
        assert_eq!(reason.path_glob, None);
        let dir = d("ppa: allow query.n_plus_one src/admin/").unwrap();
        assert!(dir.matches("query.n_plus_one", "src/admin/views/list.py"));
        assert!(!dir.matches("query.n_plus_one", "src/adminx/list.py"));
        let star = d("ppa: allow resource.missing_cleanup src/*.py").unwrap();
        assert!(star.matches("resource.missing_cleanup", "src/a.py"));
        assert!(!star.matches("resource.missing_cleanup", "src/b/a.py"));
        assert!(d("ppa: allowed stuff").is_none());
        assert!(d("ppa: ignore[query.n_plus_one] reason").is_none());
    }

    #[test]
    fn m3_symbol_and_topic_term() {
        let terms = ["server-sent events", "stream holds connection"];
        let f = query(
            "resource.streaming_resource_holding",
            &terms,
            "src/api/stream.py",
            "StreamHub.broadcast_events",
        );
        let m = matched(&f).unwrap();
        assert_eq!(
            (m.rule, m.label.as_str(), m.line),
            (MatchRule::M3, "[Planned: ADR-0012]", 9)
        );
        // Bare method name: long enough and unique.
        let bare = query(
            "resource.streaming_resource_holding",
            &terms,
            "src/x.py",
            "Other.broadcast_events",
        );
        assert_eq!(matched(&bare).unwrap().rule, MatchRule::M3);
    }

    #[test]
    fn m3_near_misses() {
        let terms = ["intermediate commits"];
        // `run` is too short to stand alone; `JobProcessor.run_all` is another method.
        let doc = "# ADR-0020: x\n\n`JobProcessor.run_all` and `run` need intermediate commits.\n";
        let idx = AdrIndex::from_documents([("docs/adr/0020-x.md", doc)]);
        let f = query(
            "transaction.missing_intermediate_commits",
            &terms,
            "src/other.py",
            "JobProcessor.run",
        );
        let mut r = repo();
        assert!(idx.match_finding(&f, &r).is_none());
        // Naming the class does not name its methods.
        let doc2 = "# ADR-0021: y\n\nJobProcessor and process_batch need intermediate commits.\n";
        let idx2 = AdrIndex::from_documents([("docs/adr/0021-y.md", doc2)]);
        assert!(idx2.match_finding(&f, &r).is_none());
        // A bare name of 8+ characters counts only while it is unique.
        let g = query(
            "transaction.missing_intermediate_commits",
            &terms,
            "src/imp.py",
            "Importer.process_batch",
        );
        r.add_symbol("process_batch");
        assert_eq!(idx2.match_finding(&g, &r).unwrap().rule, MatchRule::M3);
        r.add_symbol("process_batch");
        assert!(idx2.match_finding(&g, &r).is_none());
    }

    #[test]
    fn m4_inline_reference_to_a_qualifying_adr() {
        let mut f = query(
            "runtime.blocking_io_in_async",
            &[],
            "src/reports/render.py",
            "render_report",
        );
        f.source_lines = vec![
            "    html = template.render(ctx)".into(),
            "    # Rendering stays on the loop, see adr-0015".into(),
            "async def render_report(ctx):".into(),
        ];
        let m = matched(&f).unwrap();
        assert_eq!(
            (m.rule, m.label.as_str()),
            (MatchRule::M4, "[Planned: ADR-15]")
        );
        assert_eq!(m.evidence, "# ADR 15: Render reports on the event loop");
        // Numbers compare numerically: ADR-7 names ADR-0007.
        f.source_lines = vec!["async def render_report(ctx):  # ADR-7".into()];
        assert_eq!(matched(&f).unwrap().source, "ADR-0007");
        // Rejected ADR-0016, unknown ADR-99, a string rather than a comment, ADR-150: no match.
        for line in [
            "x = 1  # ADR-0016",
            "x = 1  # ADR-99",
            "label = \"ADR-15\"",
            "x = 1  # ADR-150",
            "x = 1  # MADR-15",
        ] {
            f.source_lines = vec![line.into()];
            assert!(matched(&f).is_none(), "{line}");
        }
        let mut js = f.clone();
        js.comment_prefix = "//".into();
        js.source_lines = vec!["await render(ctx); /* ADR-0015 */".into()];
        assert_eq!(matched(&js).unwrap().source, "ADR-15");
    }

    #[test]
    fn planned_items_match_on_their_line_alone() {
        let items: Vec<_> = index().planned_items().map(|p| p.id.clone()).collect();
        assert_eq!(
            items,
            [
                "docs/architecture.md#L8",
                "docs/architecture.md#L9",
                "docs/architecture.md#L10"
            ]
        );
        let f = query(
            "query.n_update_delete_loop",
            &["update loop", "per-row update"],
            "src/sync/importer.py",
            "",
        );
        let m = matched(&f).unwrap();
        assert_eq!(
            (m.rule, m.label.as_str()),
            (MatchRule::M2, "[Planned: docs/architecture.md#L8]")
        );
        assert_eq!(
            m.evidence,
            "- [ ] Batch the per-row update in `src/sync/importer.py` (update loop)"
        );
        // Line 10 names the engine file, but "connection pool" is on line 11.
        let pool = query(
            "resource.pool_configuration",
            &["connection pool"],
            "src/db/engine.py",
            "",
        );
        assert!(matched(&pool).is_none());
        let pool2 = query(
            "resource.pool_configuration",
            &["pool size"],
            "src/db/engine.py",
            "",
        );
        assert_eq!(matched(&pool2).unwrap().source, "docs/architecture.md#L9");
    }

    #[test]
    fn term_boundaries_and_separators() {
        let hits = |doc: &str, term: &str| {
            !find_bounded(&norm_term(doc), &norm_term(term), true, is_word_char).is_empty()
        };
        assert!(!hits("we started prefetching rows", "fetch"));
        assert!(!hits("fetching everything", "fetch"));
        assert!(hits("two fetches per request", "fetch"));
        assert!(hits("Known N+1 queries here", "n+1"));
        assert!(!hits("an n+10 problem", "n+1"));
        assert!(hits("avoid SELECT * in reports", "select *"));
        assert!(hits("an over_fetching issue", "over-fetching"));
        assert!(hits("the Scope-Too-Wide case", "scope_too_wide"));
        assert!(!hits("use try / finally", "try/finally"));
        assert!(hits("use try/finally blocks", "try/finally"));
    }

    #[test]
    fn non_ascii_text_is_safe() {
        let doc = "# ADR-0050: Überblick\n\nab日本 Status: 接受\nStatus→https://例え.jp/src/x.py ok\n- 日本語 [ ] — `Clé.méthode`\n";
        let a = parse_adr("docs/adr/0050-ü.md", doc);
        assert_eq!(a.id.as_deref(), Some("ADR-0050"));
        assert!(a.mentions.paths.is_empty());
        assert_eq!(a.mentions.symbols, ["Clé.méthode"]);
        let f = query("query.n_plus_one", &["n+1"], "src/x.py", "Clé.méthode");
        let idx = AdrIndex::from_documents([("docs/adr/0050-ü.md", doc)]);
        assert!(idx.match_finding(&f, &RepoIndex::new()).is_none());
        assert!(parse_directive("ppa: allow 日本", 1).is_none());
    }

    #[test]
    fn term_inside_another_word_does_not_match() {
        let doc =
            "# ADR-0030: Loader\n\n`src/cache/warm.py` is prefetching everything at start-up.\n";
        let idx = AdrIndex::from_documents([("docs/adr/0030-loader.md", doc)]);
        let f = query("query.redundant_fetch", &["fetch"], "src/cache/warm.py", "");
        assert!(idx.match_finding(&f, &RepoIndex::new()).is_none());
    }

    #[test]
    fn paths_need_segment_boundaries_and_unique_basenames() {
        let terms = ["n+1"];
        let doc = "# ADR-0040: ORM\n\nThe N+1 in `models.py` and `old/jobs/processor.py`, and obs/orders.py.\n";
        let idx = AdrIndex::from_documents([("docs/adr/0040-orm.md", doc)]);
        let r = repo();
        // Two models.py in the repo: the basename names neither.
        assert!(idx
            .match_finding(&query("query.n_plus_one", &terms, "app/models.py", ""), &r)
            .is_none());
        // A 2-segment suffix of another directory does not name src/jobs/processor.py.
        assert!(idx
            .match_finding(
                &query("query.n_plus_one", &terms, "src/jobs/processor.py", ""),
                &r
            )
            .is_none());
        // `obs/orders.py` is not `api/orders.py`; `orders.py` alone would be (unique).
        assert!(idx
            .match_finding(&query("query.n_plus_one", &terms, "api/orders.py", ""), &r)
            .is_none());
        let doc2 = "# ADR-0041: ORM\n\nSee [the view](../../api/orders.py): a known N+1.\n";
        let idx2 = AdrIndex::from_documents([("docs/adr/0041-orm.md", doc2)]);
        let m = idx2
            .match_finding(&query("query.n_plus_one", &terms, "api/orders.py", ""), &r)
            .unwrap();
        assert_eq!(m.rule, MatchRule::M2);
        let doc3 = "# ADR-0042\n\nN+1 in `orders.py`, see https://example.com/api/orders.py\n";
        let idx3 = AdrIndex::from_documents([("docs/adr/0042-x.md", doc3)]);
        assert!(idx3
            .match_finding(&query("query.n_plus_one", &terms, "api/orders.py", ""), &r)
            .is_some());
        let r2 = RepoIndex::from_paths(["api/orders.py", "web/orders.py"]);
        assert!(idx3
            .match_finding(&query("query.n_plus_one", &terms, "api/orders.py", ""), &r2)
            .is_none());
    }

    #[test]
    fn first_document_in_path_order_wins() {
        let a = "# ADR-0002: b\n\n`src/x.py` has a rollback gap.\n";
        let b = "ppa: allow transaction.missing_rollback\n";
        let idx = AdrIndex::from_documents([("docs/adr/0005-b.md", b), ("adr/0002-a.md", a)]);
        let f = query(
            "transaction.missing_rollback",
            &["rollback"],
            "src/x.py",
            "",
        );
        let m = idx.match_finding(&f, &RepoIndex::new()).unwrap();
        assert_eq!((m.source.as_str(), m.rule), ("ADR-0002", MatchRule::M2));
        assert_eq!(idx.adrs().nth(1).unwrap().label(), "[Planned: ADR-0005]");
    }

    #[test]
    fn document_paths() {
        assert!(is_adr_path("docs/adr/0001-x.md"));
        assert!(is_adr_path("docs/architecture/decisions/2024/0001-x.md"));
        assert!(is_adr_path("adr/0001-x.md"));
        assert!(!is_adr_path("docs/adr/README.md"));
        assert!(!is_adr_path("docs/adr/adr-template.md"));
        assert!(!is_adr_path("docs/adr/0001-x.txt"));
        assert!(!is_adr_path("src/adr/0001-x.md"));
        assert!(is_planned_path("ROADMAP.md"));
        assert!(is_planned_path("docs/Roadmap.md"));
        assert!(is_planned_path("docs/project/architecture.md"));
        assert!(!is_planned_path("src/architecture.md"));
        assert!(is_planned_line("  - [ ] add indexes"));
        assert!(is_planned_line("FIXME(joe): pool size"));
        assert!(!is_planned_line("- [x] done"));
        assert!(!is_planned_line("Unplanned work and todos"));
    }

    #[test]
    fn records_serialize() {
        let idx = index();
        let a = idx.adrs().nth(2).unwrap();
        let v = serde_json::to_value(a).unwrap();
        assert_eq!(v["id"], "ADR-0009");
        assert_eq!(v["directives"][0]["check"], "transaction.scope_too_wide");
        assert_eq!(v["directives"][0]["path_glob"], "src/payments/**");
        assert_eq!(
            a.mentioned_terms(&["outbox", "external call", "pool size"]),
            ["outbox", "external call"]
        );
        let m = matched(&query(
            "transaction.scope_too_wide",
            &[],
            "src/payments/a.py",
            "",
        ))
        .unwrap();
        assert_eq!(serde_json::to_value(m).unwrap()["rule"], "M1");
    }

    #[test]
    fn reads_documents_from_a_root() {
        let root = std::env::temp_dir().join(format!("ppa-adr-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("docs/adr/old")).unwrap();
        std::fs::create_dir_all(root.join("docs/.hidden")).unwrap();
        std::fs::write(root.join("docs/adr/0001-a.md"), "# A\n").unwrap();
        std::fs::write(root.join("docs/adr/old/0002-b.md"), "# B\n").unwrap();
        std::fs::write(root.join("docs/adr/notes.txt"), "x").unwrap();
        std::fs::write(root.join("ROADMAP.md"), "- [ ] x\n").unwrap();
        std::fs::write(root.join("docs/architecture.md"), "TODO\n").unwrap();
        let got: Vec<String> = read_documents(&root).into_iter().map(|(p, _)| p).collect();
        let _ = std::fs::remove_dir_all(&root);
        assert_eq!(
            got,
            [
                "ROADMAP.md",
                "docs/adr/0001-a.md",
                "docs/adr/old/0002-b.md",
                "docs/architecture.md"
            ]
        );
    }
}
