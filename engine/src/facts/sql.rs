//! F2 `triggers` from SQL text, and NOTIFY/LISTEN channels in SQL strings of application code
//! (CHECKS.md §2, "F2 SQL extraction rules").
//!
//! A tokenizer, not a SQL parser: it knows quotes (`'…'`, `E'…'`, `"…"`), dollar quotes (`$$`,
//! `$tag$`), comments (`--`, nested `/* */`) and punctuation, and the statement readers below
//! recognise just the shapes the rules name (`CREATE [OR REPLACE] FUNCTION … RETURNS trigger`,
//! `CREATE [CONSTRAINT] TRIGGER`, `DROP TRIGGER|FUNCTION|TABLE`). Anything else is skipped.
//!
//! Feed migration files in order to a [`TriggerSet`] ([`sort_migration_paths`] gives the order,
//! [`TriggerSet::apply_migration`] drops golang-migrate down files and goose/dbmate down
//! sections) and read the joined [`TriggerRecord`]s. [`sql_channels`] reads one SQL string found
//! in application code (F3 publishers, F4 subscribers). This module reads no files.
//!
//! Identifiers follow PostgreSQL (F2 rule 5): unquoted names fold to lower case, quoted names are
//! exact; records keep the raw spelling next to the normalized one. Every record is plain serde
//! data, so it can be handed to rhai predicates as a map and written to JSON.

use serde::Serialize;
use std::cmp::Ordering;

// ---------------------------------------------------------------------------------------------
// Records
// ---------------------------------------------------------------------------------------------

/// A possibly schema-qualified SQL name: `public.jobs`, `"Jobs"`, `notify_job`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SqlName {
    /// As written, e.g. `Public."Jobs"`.
    pub raw: String,
    /// The object's own name, normalized (unquoted → lower case, quoted → exact): `Jobs`.
    pub name: String,
    /// The schema, normalized, when the name was qualified: `public`.
    pub schema: Option<String>,
}

impl SqlName {
    /// `schema.name` or `name`, normalized.
    pub fn qualified(&self) -> String {
        match &self.schema {
            Some(s) => format!("{s}.{}", self.name),
            None => self.name.clone(),
        }
    }

    /// Whether both names can denote the same object: equal names, and equal schemas when both
    /// are given (an unqualified name is taken to be in whatever schema the other names).
    pub fn same_object(&self, other: &SqlName) -> bool {
        self.name == other.name
            && match (&self.schema, &other.schema) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            }
    }
}

/// How a channel's name is known (CHECKS.md §4.2 event_channel_consistency, step 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NameKind {
    /// A literal name: `pg_notify('jobs', …)`, `NOTIFY jobs`, a literal trigger argument.
    Literal,
    /// Built at run time; `name` is a glob with `*` for the dynamic parts (`*_events`), or just
    /// `*` when nothing is known.
    Template,
}

/// What a trigger function does to the outside world (F2 `effect`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// Sends a notification (wins over the others).
    Notify,
    /// `INSERT INTO`, `UPDATE … SET`, `DELETE FROM`, `MERGE INTO`, `TRUNCATE` (outside strings).
    Writes,
    /// `REFRESH MATERIALIZED VIEW`.
    RefreshMv,
    /// None of the above (or the function is unknown).
    None,
}

/// How a trigger function names a channel, before the trigger's arguments are known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FunctionChannel {
    /// `pg_notify('c', …)` (exact) or `NOTIFY c` (folded unless quoted).
    Literal {
        name: String,
        raw: String,
        line: usize,
    },
    /// `pg_notify(TG_ARGV[n], …)`: the trigger's `n`-th argument (0-based).
    Argv {
        index: usize,
        raw: String,
        line: usize,
    },
    /// Any other first argument of `pg_notify`: `name` is a glob with `*` for dynamic parts.
    Template {
        name: String,
        raw: String,
        line: usize,
    },
}

/// A `CREATE FUNCTION … RETURNS trigger` seen in a migration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FunctionRecord {
    pub name: SqlName,
    /// Channels the body notifies, in body order.
    pub channels: Vec<FunctionChannel>,
    /// Notify wins over writes, writes over refresh_mv.
    pub effect: Effect,
    /// The body writes to a table (even when `effect` is `notify`).
    pub writes: bool,
    /// The body refreshes a materialized view.
    pub refresh_mv: bool,
    pub file: String,
    /// 1-based line of the `CREATE` keyword.
    pub line: usize,
}

/// One event of a trigger: `INSERT`, `UPDATE` (with `OF` columns), `DELETE`, `TRUNCATE`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TriggerEvent {
    /// Upper case: `INSERT`, `UPDATE`, `DELETE`, `TRUNCATE`.
    pub kind: String,
    /// `UPDATE OF a, b` columns, normalized; empty otherwise.
    pub columns: Vec<String>,
}

/// A channel a trigger notifies, with `TG_ARGV` resolved from the trigger's arguments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TriggerChannel {
    /// Normalized name, or a glob for templates.
    pub name: String,
    /// The spelling in the SQL (`TG_ARGV[0]` for arguments).
    pub raw: String,
    pub name_kind: NameKind,
    /// Where the function names the channel.
    pub file: String,
    pub line: usize,
}

/// F2: one trigger, joined to its function.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TriggerRecord {
    pub name: SqlName,
    pub table: SqlName,
    /// `BEFORE`, `AFTER` or `INSTEAD OF`.
    pub timing: String,
    pub events: Vec<TriggerEvent>,
    /// `row` or `statement` (the default).
    pub level: String,
    /// `CREATE CONSTRAINT TRIGGER`.
    pub constraint: bool,
    /// The `WHEN (…)` condition as written, without the parentheses.
    pub when: Option<String>,
    /// The function as the trigger names it.
    pub function: SqlName,
    /// The trigger's arguments as strings (unquoted names folded, as PostgreSQL does).
    pub args: Vec<String>,
    /// Channels notified, `TG_ARGV[n]` replaced by argument `n`.
    pub channels: Vec<TriggerChannel>,
    /// The function's effect; `none` when the function is not known.
    pub effect: Effect,
    /// Where the joined function was (last) defined; `None` when it was not found or ambiguous.
    pub function_file: Option<String>,
    pub function_line: Option<usize>,
    pub file: String,
    /// 1-based line of the `CREATE` keyword of the trigger statement in the original file.
    pub line: usize,
}

/// Publisher or subscriber, for [`sql_channels`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelRole {
    /// `NOTIFY c`, `pg_notify('c', …)` (F3).
    Publish,
    /// `LISTEN c` (F4).
    Subscribe,
}

/// A channel named by one SQL string of application code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SqlChannel {
    pub role: ChannelRole,
    /// Normalized name, or a glob with `*` for placeholders when `name_kind` is `template`.
    pub name: String,
    pub raw: String,
    pub name_kind: NameKind,
    /// `notify`, `listen` or `pg_notify`.
    pub via: String,
    /// 1-based line within the string.
    pub line: usize,
}

// ---------------------------------------------------------------------------------------------
// Tokenizer
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    /// An unquoted word: keyword, identifier.
    Word,
    /// `"…"`, unescaped.
    Quoted(String),
    /// `'…'` or `E'…'`, unescaped.
    Str(String),
    /// `$tag$…$tag$`; the body is `content`.
    Dollar,
    Num,
    /// `$1`.
    Param,
    Punct(char),
}

#[derive(Debug, Clone)]
struct Token {
    kind: Kind,
    start: usize,
    end: usize,
    /// Byte range of the content of strings and dollar quotes in the source.
    content: (usize, usize),
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// The end (exclusive) of an opening dollar-quote tag starting at `i`, if there is one.
fn dollar_tag_end(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    match b.get(j) {
        Some(b'$') => return Some(j + 1),
        Some(&c) if is_ident_start(c) => {}
        _ => return None,
    }
    while j < b.len() && is_ident_byte(b[j]) {
        j += 1;
    }
    (b.get(j) == Some(&b'$')).then_some(j + 1)
}

/// Reads a quoted run starting after the opening `quote` at `i`; doubled quotes stand for one,
/// and with `escapes` a backslash escapes the next character. Returns (content, content end,
/// token end).
fn read_quoted(b: &[u8], mut i: usize, quote: u8, escapes: bool) -> (String, usize, usize) {
    let mut out = Vec::new();
    while i < b.len() {
        let c = b[i];
        if escapes && c == b'\\' && i + 1 < b.len() {
            out.push(match b[i + 1] {
                b'n' => b'\n',
                b't' => b'\t',
                b'r' => b'\r',
                other => other,
            });
            i += 2;
        } else if c == quote {
            if b.get(i + 1) == Some(&quote) {
                out.push(quote);
                i += 2;
            } else {
                return (String::from_utf8_lossy(&out).into_owned(), i, i + 1);
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    (String::from_utf8_lossy(&out).into_owned(), b.len(), b.len())
}

fn tokenize(src: &str) -> Vec<Token> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let start = i;
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c == b'-' && b.get(i + 1) == Some(&b'-') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            // PostgreSQL block comments nest.
            let mut depth = 0usize;
            while i < b.len() {
                if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if c == b'\'' {
            let (s, cend, end) = read_quoted(b, i + 1, b'\'', false);
            out.push(Token {
                kind: Kind::Str(s),
                start,
                end,
                content: (i + 1, cend),
            });
            i = end;
        } else if c == b'"' {
            let (s, cend, end) = read_quoted(b, i + 1, b'"', false);
            out.push(Token {
                kind: Kind::Quoted(s),
                start,
                end,
                content: (i + 1, cend),
            });
            i = end;
        } else if c == b'$' {
            if let Some(tag_end) = dollar_tag_end(b, i) {
                let tag = &src[i..tag_end];
                let (cend, end) = match src[tag_end..].find(tag) {
                    Some(p) => (tag_end + p, tag_end + p + tag.len()),
                    None => (b.len(), b.len()),
                };
                out.push(Token {
                    kind: Kind::Dollar,
                    start,
                    end,
                    content: (tag_end, cend),
                });
                i = end;
            } else if b.get(i + 1).is_some_and(u8::is_ascii_digit) {
                i += 1;
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
                out.push(Token {
                    kind: Kind::Param,
                    start,
                    end: i,
                    content: (start, i),
                });
            } else {
                i += 1;
                out.push(Token {
                    kind: Kind::Punct('$'),
                    start,
                    end: i,
                    content: (start, i),
                });
            }
        } else if is_ident_start(c) {
            while i < b.len() && is_ident_byte(b[i]) {
                i += 1;
            }
            if i - start == 1 && (c == b'e' || c == b'E') && b.get(i) == Some(&b'\'') {
                let (s, cend, end) = read_quoted(b, i + 1, b'\'', true);
                out.push(Token {
                    kind: Kind::Str(s),
                    start,
                    end,
                    content: (i + 1, cend),
                });
                i = end;
            } else {
                out.push(Token {
                    kind: Kind::Word,
                    start,
                    end: i,
                    content: (start, i),
                });
            }
        } else if c.is_ascii_digit() {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.') {
                i += 1;
            }
            out.push(Token {
                kind: Kind::Num,
                start,
                end: i,
                content: (start, i),
            });
        } else {
            i += 1;
            out.push(Token {
                kind: Kind::Punct(c as char),
                start,
                end: i,
                content: (start, i),
            });
        }
    }
    out
}

/// Splits tokens into statements on `;` (quotes, dollar quotes and comments are single tokens or
/// skipped already, so a `;` token is always a separator).
fn statements(tokens: &[Token]) -> impl Iterator<Item = &[Token]> {
    tokens
        .split(|t| t.kind == Kind::Punct(';'))
        .filter(|s| !s.is_empty())
}

/// One statement of a SQL text, without its `;`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Statement<'a> {
    /// From the first token to the end of the last one (leading comments excluded).
    pub text: &'a str,
    /// Byte offset of `text` in the input.
    pub offset: usize,
    /// 1-based line of the first token.
    pub line: usize,
}

/// Splits SQL text into statements on `;` outside quotes, dollar quotes and comments (F2 rule
/// 1); empty statements are dropped. For other SQL fact readers (tables, indexes, policies).
pub fn split_statements(sql: &str) -> Vec<Statement<'_>> {
    let toks = tokenize(sql);
    let lines = Lines::new(sql);
    statements(&toks)
        .map(|s| {
            let (start, end) = (s[0].start, s[s.len() - 1].end);
            Statement {
                text: &sql[start..end],
                offset: start,
                line: lines.line(start),
            }
        })
        .collect()
}

/// 1-based line numbers of byte offsets.
struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { starts }
    }

    fn line(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A cursor over one statement
// ---------------------------------------------------------------------------------------------

struct Cur<'a> {
    src: &'a str,
    toks: &'a [Token],
    i: usize,
}

fn normalize_ident(t: &Token, src: &str) -> Option<String> {
    match &t.kind {
        Kind::Word => Some(src[t.start..t.end].to_ascii_lowercase()),
        Kind::Quoted(s) => Some(s.clone()),
        _ => None,
    }
}

impl<'a> Cur<'a> {
    fn new(src: &'a str, toks: &'a [Token]) -> Self {
        Cur { src, toks, i: 0 }
    }

    fn peek(&self) -> Option<&'a Token> {
        self.toks.get(self.i)
    }

    fn text(&self, t: &Token) -> &'a str {
        &self.src[t.start..t.end]
    }

    fn is_kw(&self, kw: &str) -> bool {
        self.peek()
            .is_some_and(|t| t.kind == Kind::Word && self.text(t).eq_ignore_ascii_case(kw))
    }

    fn eat_kw(&mut self, kw: &str) -> bool {
        let hit = self.is_kw(kw);
        if hit {
            self.i += 1;
        }
        hit
    }

    fn eat_kws(&mut self, kws: &[&str]) -> bool {
        let save = self.i;
        for kw in kws {
            if !self.eat_kw(kw) {
                self.i = save;
                return false;
            }
        }
        true
    }

    fn eat_punct(&mut self, c: char) -> bool {
        let hit = self.peek().is_some_and(|t| t.kind == Kind::Punct(c));
        if hit {
            self.i += 1;
        }
        hit
    }

    /// `name` or `schema.name` (either part quoted or not).
    fn name(&mut self) -> Option<SqlName> {
        let first = self.peek()?;
        let mut parts = vec![normalize_ident(first, self.src)?];
        let start = first.start;
        let mut end = first.end;
        self.i += 1;
        while self.peek().is_some_and(|t| t.kind == Kind::Punct('.')) {
            let Some(next) = self.toks.get(self.i + 1) else {
                break;
            };
            let Some(part) = normalize_ident(next, self.src) else {
                break;
            };
            parts.push(part);
            end = next.end;
            self.i += 2;
        }
        let name = parts.pop()?;
        let schema = (!parts.is_empty()).then(|| parts.join("."));
        Some(SqlName {
            raw: self.src[start..end].to_string(),
            name,
            schema,
        })
    }

    /// Skips a parenthesized group starting at the cursor (if any); returns the tokens inside.
    fn group(&mut self) -> Option<&'a [Token]> {
        if !self.peek().is_some_and(|t| t.kind == Kind::Punct('(')) {
            return None;
        }
        let open = self.i;
        let mut depth = 0usize;
        while let Some(t) = self.peek() {
            self.i += 1;
            match t.kind {
                Kind::Punct('(') => depth += 1,
                Kind::Punct(')') => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(&self.toks[open + 1..self.i - 1]);
                    }
                }
                _ => {}
            }
        }
        Some(&self.toks[open + 1..])
    }
}

fn is_word(t: &Token, src: &str, kw: &str) -> bool {
    t.kind == Kind::Word && src[t.start..t.end].eq_ignore_ascii_case(kw)
}

/// Splits tokens on top-level commas.
fn split_commas(toks: &[Token]) -> Vec<&[Token]> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut from = 0;
    for (i, t) in toks.iter().enumerate() {
        match t.kind {
            Kind::Punct('(') | Kind::Punct('[') => depth += 1,
            Kind::Punct(')') | Kind::Punct(']') => depth -= 1,
            Kind::Punct(',') if depth == 0 => {
                out.push(&toks[from..i]);
                from = i + 1;
            }
            _ => {}
        }
    }
    if from < toks.len() {
        out.push(&toks[from..]);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Function bodies
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Default)]
struct BodyFacts {
    channels: Vec<FunctionChannel>,
    writes: bool,
    refresh_mv: bool,
}

/// Words after which a new PL/pgSQL statement starts (so `NOTIFY` there is the command).
const STATEMENT_STARTS: &[&str] = &["begin", "then", "else", "loop", "declare", "execute"];

fn starts_statement(toks: &[Token], i: usize, src: &str) -> bool {
    match i.checked_sub(1).map(|p| &toks[p]) {
        None => true,
        Some(t) => {
            t.kind == Kind::Punct(';') || STATEMENT_STARTS.iter().any(|kw| is_word(t, src, kw))
        }
    }
}

/// Scans a function body (or a dynamic SQL string inside one) for notifications and, when
/// `effects` is set, writes and refreshes. `line_of` maps an offset in `src` to a file line.
fn scan_body(
    src: &str,
    line_of: &dyn Fn(usize) -> usize,
    effects: bool,
    depth: u8,
    out: &mut BodyFacts,
) {
    let toks = tokenize(src);
    for (i, t) in toks.iter().enumerate() {
        let next = toks.get(i + 1);
        match &t.kind {
            Kind::Word => {
                let w = &src[t.start..t.end];
                if w.eq_ignore_ascii_case("pg_notify")
                    && next.is_some_and(|n| n.kind == Kind::Punct('('))
                {
                    let mut cur = Cur::new(src, &toks);
                    cur.i = i + 1;
                    let args = cur.group().unwrap_or_default();
                    let first = split_commas(args).into_iter().next().unwrap_or_default();
                    if let Some(ch) = function_channel(src, first, line_of(t.start)) {
                        out.channels.push(ch);
                    }
                } else if w.eq_ignore_ascii_case("notify") && starts_statement(&toks, i, src) {
                    if let Some(n) = next {
                        if let Some(name) = normalize_ident(n, src) {
                            out.channels.push(FunctionChannel::Literal {
                                name,
                                raw: src[n.start..n.end].to_string(),
                                line: line_of(t.start),
                            });
                        }
                    }
                } else if effects && is_write(&toks, i, src) {
                    out.writes = true;
                } else if effects
                    && w.eq_ignore_ascii_case("refresh")
                    && toks
                        .get(i + 1)
                        .is_some_and(|x| is_word(x, src, "materialized"))
                    && toks.get(i + 2).is_some_and(|x| is_word(x, src, "view"))
                {
                    out.refresh_mv = true;
                }
            }
            Kind::Str(s) if depth < 3 => {
                // Dynamic SQL (`EXECUTE 'NOTIFY …'`, `EXECUTE format('SELECT pg_notify(…)')`):
                // notifications count, writes do not (the spec reads those outside strings).
                let base = line_of(t.content.0);
                let line_in = |off: usize| base + s[..off.min(s.len())].matches('\n').count();
                scan_body(s, &line_in, false, depth + 1, out);
            }
            Kind::Dollar if depth < 3 => {
                let inner = &src[t.content.0..t.content.1];
                let off0 = t.content.0;
                let line_in = |off: usize| line_of(off0 + off);
                scan_body(inner, &line_in, effects, depth + 1, out);
            }
            _ => {}
        }
    }
}

/// Whether the word at `i` starts a write: `INSERT INTO`, `MERGE INTO`, `DELETE FROM`, a
/// `TRUNCATE` command, or `UPDATE <name> … SET` (not `FOR UPDATE`, not `DO UPDATE`, which only
/// occurs inside an `INSERT` anyway).
fn is_write(toks: &[Token], i: usize, src: &str) -> bool {
    let t = &toks[i];
    let w = &src[t.start..t.end];
    let kw_next = |kw: &str| toks.get(i + 1).is_some_and(|x| is_word(x, src, kw));
    if w.eq_ignore_ascii_case("insert") || w.eq_ignore_ascii_case("merge") {
        return kw_next("into");
    }
    if w.eq_ignore_ascii_case("delete") {
        return kw_next("from");
    }
    if w.eq_ignore_ascii_case("truncate") {
        return starts_statement(toks, i, src);
    }
    w.eq_ignore_ascii_case("update")
        && !i
            .checked_sub(1)
            .is_some_and(|p| is_word(&toks[p], src, "for") || is_word(&toks[p], src, "do"))
        && toks
            .get(i + 1)
            .is_some_and(|n| normalize_ident(n, src).is_some())
        && toks[i + 1..]
            .iter()
            .take_while(|x| x.kind != Kind::Punct(';'))
            .any(|x| is_word(x, src, "set"))
}

/// Strips a trailing `::type` cast and wrapping parentheses.
fn strip_expr(mut toks: &[Token]) -> Vec<Token> {
    loop {
        let n = toks.len();
        if n >= 3 && toks[n - 3].kind == Kind::Punct(':') && toks[n - 2].kind == Kind::Punct(':') {
            toks = &toks[..n - 3];
        } else if n >= 2
            && toks[0].kind == Kind::Punct('(')
            && toks[n - 1].kind == Kind::Punct(')')
            && split_parens_closes_at_end(toks)
        {
            toks = &toks[1..n - 1];
        } else {
            return toks.to_vec();
        }
    }
}

/// Whether the `(` at index 0 is closed by the last token (not earlier).
fn split_parens_closes_at_end(toks: &[Token]) -> bool {
    let mut depth = 0i32;
    for (i, t) in toks.iter().enumerate() {
        match t.kind {
            Kind::Punct('(') => depth += 1,
            Kind::Punct(')') => {
                depth -= 1;
                if depth == 0 {
                    return i == toks.len() - 1;
                }
            }
            _ => {}
        }
    }
    false
}

/// A glob for a channel expression: literal parts kept, everything dynamic becomes `*`.
/// Understands `a || b`, `concat(a, b)` and `format('%s_x', …)`.
fn template_pattern(toks: &[Token], src: &str) -> String {
    let toks = strip_expr(toks);
    let mut out = String::new();
    if let [f, rest @ ..] = toks.as_slice() {
        if (is_word(f, src, "format") || is_word(f, src, "concat"))
            && rest.first().is_some_and(|t| t.kind == Kind::Punct('('))
        {
            let mut cur = Cur::new(src, rest);
            let args = cur.group().unwrap_or_default();
            let args = split_commas(args);
            if is_word(f, src, "format") {
                if let Some(Kind::Str(fmt)) = args
                    .first()
                    .and_then(|a| strip_expr(a).first().map(|t| t.kind.clone()))
                {
                    return collapse_stars(&format_pattern(&fmt));
                }
                return "*".into();
            }
            for a in args {
                out.push_str(&part_pattern(a));
            }
            return collapse_stars(&out);
        }
    }
    // Split on `||`.
    let mut depth = 0i32;
    let mut from = 0;
    let mut i = 0;
    while i < toks.len() {
        match toks[i].kind {
            Kind::Punct('(') => depth += 1,
            Kind::Punct(')') => depth -= 1,
            Kind::Punct('|')
                if depth == 0 && toks.get(i + 1).is_some_and(|t| t.kind == Kind::Punct('|')) =>
            {
                out.push_str(&part_pattern(&toks[from..i]));
                from = i + 2;
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.push_str(&part_pattern(&toks[from..]));
    collapse_stars(&out)
}

fn part_pattern(toks: &[Token]) -> String {
    let toks = strip_expr(toks);
    match toks.as_slice() {
        [Token {
            kind: Kind::Str(s), ..
        }] => s.clone(),
        _ => "*".into(),
    }
}

/// `format()` strings: `%s`, `%I`, `%L` (and positional `%1$s`) become `*`, `%%` becomes `%`.
fn format_pattern(fmt: &str) -> String {
    let mut out = String::new();
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        if chars.peek() == Some(&'%') {
            chars.next();
            out.push('%');
            continue;
        }
        // Skip position / flags / width up to the conversion letter.
        for d in chars.by_ref() {
            if matches!(d, 's' | 'I' | 'L') {
                break;
            }
        }
        out.push('*');
    }
    out
}

fn collapse_stars(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if !(c == '*' && out.ends_with('*')) {
            out.push(c);
        }
    }
    out
}

fn function_channel(src: &str, arg: &[Token], line: usize) -> Option<FunctionChannel> {
    if arg.is_empty() {
        return None;
    }
    let raw = src[arg[0].start..arg[arg.len() - 1].end].to_string();
    let stripped = strip_expr(arg);
    match stripped.as_slice() {
        [Token {
            kind: Kind::Str(s), ..
        }] => Some(FunctionChannel::Literal {
            name: s.clone(),
            raw,
            line,
        }),
        [w, open, Token {
            kind: Kind::Num,
            start,
            end,
            ..
        }, close]
            if is_word(w, src, "tg_argv")
                && open.kind == Kind::Punct('[')
                && close.kind == Kind::Punct(']') =>
        {
            let index = src[*start..*end].parse().ok()?;
            Some(FunctionChannel::Argv { index, raw, line })
        }
        _ => Some(FunctionChannel::Template {
            name: template_pattern(arg, src),
            raw,
            line,
        }),
    }
}

// ---------------------------------------------------------------------------------------------
// Statements
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct TriggerDef {
    name: SqlName,
    table: SqlName,
    timing: String,
    events: Vec<TriggerEvent>,
    level: String,
    constraint: bool,
    when: Option<String>,
    function: SqlName,
    args: Vec<String>,
    file: String,
    line: usize,
}

/// The F2 trigger model of a repository, built by applying migration files in order.
///
/// ```
/// use ppa_engine::facts::sql::TriggerSet;
///
/// let mut set = TriggerSet::new();
/// set.apply("migrations/001_jobs.sql", "
/// CREATE FUNCTION notify_job() RETURNS trigger AS $$
/// BEGIN PERFORM pg_notify('job_events', NEW.id::text); RETURN NEW; END $$ LANGUAGE plpgsql;
/// CREATE TRIGGER jobs_notify AFTER INSERT ON jobs FOR EACH ROW EXECUTE FUNCTION notify_job();
/// ");
/// let t = &set.triggers()[0];
/// assert_eq!((t.table.name.as_str(), t.channels[0].name.as_str(), t.line), ("jobs", "job_events", 4));
/// ```
#[derive(Debug, Default, Clone)]
pub struct TriggerSet {
    functions: Vec<FunctionRecord>,
    triggers: Vec<TriggerDef>,
}

impl TriggerSet {
    pub fn new() -> Self {
        Self::default()
    }

    /// Applies one SQL file (or any SQL text) in full.
    pub fn apply(&mut self, path: &str, sql: &str) {
        self.apply_at(path, sql, 0);
    }

    /// Applies a migration file the way the migration tool would run it forward: golang-migrate
    /// `*.down.sql` files are ignored, and in goose (`-- +goose Up/Down`) or dbmate
    /// (`-- migrate:up/down`) files only the up sections are read.
    pub fn apply_migration(&mut self, path: &str, text: &str) {
        if is_down_migration(path) {
            return;
        }
        self.apply(path, &up_sections(text));
    }

    /// Applies SQL embedded in another file (a string literal in a Python, JS or Go migration):
    /// `line_offset` is the number of lines of the file before the first line of `sql`, so that
    /// reported lines are lines of `path`.
    pub fn apply_at(&mut self, path: &str, sql: &str, line_offset: usize) {
        let toks = tokenize(sql);
        let lines = Lines::new(sql);
        for stmt in statements(&toks) {
            let line = line_offset + lines.line(stmt[0].start);
            let mut cur = Cur::new(sql, stmt);
            if cur.eat_kw("create") {
                // CREATE OR REPLACE and CREATE both replace an earlier record of the name.
                cur.eat_kws(&["or", "replace"]);
                let constraint = cur.eat_kw("constraint");
                if cur.eat_kw("trigger") {
                    if let Some(def) = read_trigger(&mut cur, constraint, path, line) {
                        self.add_trigger(def);
                    }
                } else if !constraint && cur.eat_kw("function") {
                    if let Some(f) =
                        read_function(&mut cur, path, line, &|off| line_offset + lines.line(off))
                    {
                        self.add_function(f);
                    }
                }
            } else if cur.eat_kw("drop") {
                self.read_drop(&mut cur);
            }
        }
    }

    fn add_function(&mut self, f: FunctionRecord) {
        if let Some(old) = self
            .functions
            .iter_mut()
            .find(|o| o.name.same_object(&f.name))
        {
            *old = f;
        } else {
            self.functions.push(f);
        }
    }

    fn add_trigger(&mut self, t: TriggerDef) {
        if let Some(old) = self
            .triggers
            .iter_mut()
            .find(|o| o.name.name == t.name.name && o.table.same_object(&t.table))
        {
            *old = t;
        } else {
            self.triggers.push(t);
        }
    }

    fn read_drop(&mut self, cur: &mut Cur<'_>) {
        if cur.eat_kw("trigger") {
            cur.eat_kws(&["if", "exists"]);
            let Some(name) = cur.name() else { return };
            if !cur.eat_kw("on") {
                return;
            }
            let Some(table) = cur.name() else { return };
            self.triggers
                .retain(|t| !(t.name.name == name.name && t.table.same_object(&table)));
        } else if cur.eat_kw("function") || cur.eat_kw("procedure") {
            cur.eat_kws(&["if", "exists"]);
            let mut names = Vec::new();
            while let Some(n) = cur.name() {
                cur.group();
                names.push(n);
                if !cur.eat_punct(',') {
                    break;
                }
            }
            let cascade = cur.eat_kw("cascade");
            for n in &names {
                self.functions.retain(|f| !f.name.same_object(n));
                if cascade {
                    self.triggers.retain(|t| !t.function.same_object(n));
                }
            }
        } else if cur.eat_kw("table") {
            cur.eat_kws(&["if", "exists"]);
            while let Some(n) = cur.name() {
                self.triggers.retain(|t| !t.table.same_object(&n));
                if !cur.eat_punct(',') {
                    break;
                }
            }
        }
    }

    /// Trigger functions currently defined, in order of first definition.
    pub fn functions(&self) -> &[FunctionRecord] {
        &self.functions
    }

    /// The function a trigger runs: the same qualified name, else the only function with that
    /// name (schema stripped when unambiguous).
    fn resolve(&self, name: &SqlName) -> Option<&FunctionRecord> {
        let same: Vec<&FunctionRecord> = self
            .functions
            .iter()
            .filter(|f| f.name.same_object(name))
            .collect();
        if let Some(f) = same.iter().find(|f| f.name.schema == name.schema) {
            return Some(f);
        }
        match same.as_slice() {
            [only] => Some(only),
            _ => None,
        }
    }

    /// Triggers currently defined, in order of first definition, joined to the current
    /// definition of their function.
    pub fn triggers(&self) -> Vec<TriggerRecord> {
        self.triggers.iter().map(|t| self.join(t)).collect()
    }

    fn join(&self, t: &TriggerDef) -> TriggerRecord {
        let func = self.resolve(&t.function);
        let channels = func
            .map(|f| {
                f.channels
                    .iter()
                    .map(|c| match c {
                        FunctionChannel::Literal { name, raw, line } => TriggerChannel {
                            name: name.clone(),
                            raw: raw.clone(),
                            name_kind: NameKind::Literal,
                            file: f.file.clone(),
                            line: *line,
                        },
                        FunctionChannel::Argv { index, raw, line } => {
                            let (name, kind) = match t.args.get(*index) {
                                Some(a) => (a.clone(), NameKind::Literal),
                                None => ("*".to_string(), NameKind::Template),
                            };
                            TriggerChannel {
                                name,
                                raw: raw.clone(),
                                name_kind: kind,
                                file: f.file.clone(),
                                line: *line,
                            }
                        }
                        FunctionChannel::Template { name, raw, line } => TriggerChannel {
                            name: name.clone(),
                            raw: raw.clone(),
                            name_kind: NameKind::Template,
                            file: f.file.clone(),
                            line: *line,
                        },
                    })
                    .collect()
            })
            .unwrap_or_default();
        TriggerRecord {
            name: t.name.clone(),
            table: t.table.clone(),
            timing: t.timing.clone(),
            events: t.events.clone(),
            level: t.level.clone(),
            constraint: t.constraint,
            when: t.when.clone(),
            function: t.function.clone(),
            args: t.args.clone(),
            channels,
            effect: func.map_or(Effect::None, |f| f.effect),
            function_file: func.map(|f| f.file.clone()),
            function_line: func.map(|f| f.line),
            file: t.file.clone(),
            line: t.line,
        }
    }
}

fn read_function(
    cur: &mut Cur<'_>,
    path: &str,
    line: usize,
    line_of: &dyn Fn(usize) -> usize,
) -> Option<FunctionRecord> {
    let name = cur.name()?;
    cur.group()?;
    let mut returns_trigger = false;
    let mut body: Option<&Token> = None;
    while let Some(t) = cur.peek() {
        if cur.eat_kw("returns") {
            cur.eat_kw("setof");
            let ty = cur.name();
            // `|=`: a later `RETURNS NULL ON NULL INPUT` is not the return type.
            returns_trigger |= ty.is_some_and(|n| n.name == "trigger");
        } else if cur.eat_kw("as") {
            if let Some(b) = cur
                .peek()
                .filter(|b| matches!(b.kind, Kind::Dollar | Kind::Str(_)))
            {
                body.get_or_insert(b);
            }
        } else if t.kind == Kind::Punct('(') {
            cur.group();
        } else {
            cur.i += 1;
        }
    }
    if !returns_trigger {
        return None;
    }
    let mut facts = BodyFacts::default();
    if let Some(b) = body {
        match &b.kind {
            Kind::Dollar => {
                let off0 = b.content.0;
                scan_body(
                    &cur.src[b.content.0..b.content.1],
                    &|o| line_of(off0 + o),
                    true,
                    0,
                    &mut facts,
                );
            }
            Kind::Str(s) => {
                let base = line_of(b.content.0);
                scan_body(
                    s,
                    &|o| base + s[..o.min(s.len())].matches('\n').count(),
                    true,
                    0,
                    &mut facts,
                );
            }
            _ => {}
        }
    }
    let effect = if !facts.channels.is_empty() {
        Effect::Notify
    } else if facts.writes {
        Effect::Writes
    } else if facts.refresh_mv {
        Effect::RefreshMv
    } else {
        Effect::None
    };
    Some(FunctionRecord {
        name,
        channels: facts.channels,
        effect,
        writes: facts.writes,
        refresh_mv: facts.refresh_mv,
        file: path.to_string(),
        line,
    })
}

const EVENTS: &[&str] = &["insert", "update", "delete", "truncate"];

fn read_trigger(
    cur: &mut Cur<'_>,
    constraint: bool,
    path: &str,
    line: usize,
) -> Option<TriggerDef> {
    let name = cur.name()?;
    let timing = if cur.eat_kw("before") {
        "BEFORE"
    } else if cur.eat_kw("after") {
        "AFTER"
    } else if cur.eat_kws(&["instead", "of"]) {
        "INSTEAD OF"
    } else {
        return None;
    };
    let mut events = Vec::new();
    loop {
        let kind = EVENTS.iter().find(|e| cur.is_kw(e))?;
        cur.i += 1;
        let mut columns = Vec::new();
        if *kind == "update" && cur.eat_kw("of") {
            while let Some(t) = cur.peek() {
                let Some(col) = normalize_ident(t, cur.src) else {
                    break;
                };
                if t.kind == Kind::Word && (col == "on" || col == "or") {
                    break;
                }
                columns.push(col);
                cur.i += 1;
                if !cur.eat_punct(',') {
                    break;
                }
            }
        }
        events.push(TriggerEvent {
            kind: kind.to_ascii_uppercase(),
            columns,
        });
        if !cur.eat_kw("or") {
            break;
        }
    }
    if !cur.eat_kw("on") {
        return None;
    }
    let table = cur.name()?;
    let mut level = "statement";
    let mut when = None;
    let mut function = None;
    let mut args = Vec::new();
    while cur.peek().is_some() {
        if cur.eat_kw("for") {
            cur.eat_kw("each");
            if cur.eat_kw("row") {
                level = "row";
            } else if cur.eat_kw("statement") {
                level = "statement";
            }
        } else if cur.eat_kw("when") {
            if let Some(inner) = cur.group() {
                if let (Some(a), Some(b)) = (inner.first(), inner.last()) {
                    when = Some(cur.src[a.start..b.end].to_string());
                }
            }
        } else if cur.eat_kw("execute") {
            if !(cur.eat_kw("function") || cur.eat_kw("procedure")) {
                return None;
            }
            function = cur.name();
            if let Some(inner) = cur.group() {
                args = split_commas(inner)
                    .into_iter()
                    .filter_map(|a| match a {
                        [t] => Some(match &t.kind {
                            Kind::Str(s) | Kind::Quoted(s) => s.clone(),
                            Kind::Word => cur.src[t.start..t.end].to_ascii_lowercase(),
                            _ => cur.src[t.start..t.end].to_string(),
                        }),
                        [] => None,
                        many => Some(cur.src[many[0].start..many[many.len() - 1].end].to_string()),
                    })
                    .collect();
            }
            break;
        } else if cur.peek().is_some_and(|t| t.kind == Kind::Punct('(')) {
            cur.group();
        } else {
            cur.i += 1;
        }
    }
    Some(TriggerDef {
        name,
        table,
        timing: timing.to_string(),
        events,
        level: level.to_string(),
        constraint,
        when,
        function: function?,
        args,
        file: path.to_string(),
        line,
    })
}

// ---------------------------------------------------------------------------------------------
// Channels in application SQL
// ---------------------------------------------------------------------------------------------

/// `NOTIFY`/`LISTEN` commands and `pg_notify(…)` calls in one SQL string of application code.
///
/// Unquoted names fold to lower case, quoted names and `pg_notify` literals are exact. A
/// placeholder where the name should be (`LISTEN {chan}`, `NOTIFY %s`, `pg_notify($1, …)`,
/// `'jobs:' || $1`) gives a `template` channel whose name is a glob with `*` for the
/// placeholder. Lines are 1-based within `sql`.
pub fn sql_channels(sql: &str) -> Vec<SqlChannel> {
    let toks = tokenize(sql);
    let lines = Lines::new(sql);
    let mut out = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if t.kind != Kind::Word {
            continue;
        }
        let word = &sql[t.start..t.end];
        let line = lines.line(t.start);
        let role = if word.eq_ignore_ascii_case("notify") {
            Some(ChannelRole::Publish)
        } else if word.eq_ignore_ascii_case("listen") {
            Some(ChannelRole::Subscribe)
        } else {
            None
        };
        if let Some(role) = role {
            if !starts_statement(&toks, i, sql) {
                continue;
            }
            let Some(next) = toks.get(i + 1) else {
                continue;
            };
            let via = word.to_ascii_lowercase();
            // A plain name: the token ends where the name run ends.
            let run_end = sql[next.start..]
                .find(|c: char| c.is_whitespace() || c == ',' || c == ';')
                .map_or(sql.len(), |p| next.start + p);
            // A quoted name with host placeholders inside (`"Job_{t}"` in an f-string) is a
            // template too.
            // `:x`, `?` and `$1` are not host placeholders there: `"orders:created"` is a name.
            let placeholders = matches!(&next.kind, Kind::Quoted(q)
                if q.contains('{') || q.contains("%s") || q.contains("%("));
            if let (Some(name), true, false) = (
                normalize_ident(next, sql),
                next.end == run_end,
                placeholders,
            ) {
                out.push(SqlChannel {
                    role,
                    name,
                    raw: sql[next.start..next.end].to_string(),
                    name_kind: NameKind::Literal,
                    via,
                    line,
                });
            } else {
                let raw = &sql[next.start..run_end];
                out.push(SqlChannel {
                    role,
                    name: placeholder_pattern(raw),
                    raw: raw.to_string(),
                    name_kind: NameKind::Template,
                    via,
                    line,
                });
            }
        } else if word.eq_ignore_ascii_case("pg_notify")
            && toks.get(i + 1).is_some_and(|n| n.kind == Kind::Punct('('))
        {
            let mut cur = Cur::new(sql, &toks);
            cur.i = i + 1;
            let args = cur.group().unwrap_or_default();
            let first = split_commas(args).into_iter().next().unwrap_or_default();
            let (name, raw, kind) = match function_channel(sql, first, line) {
                Some(FunctionChannel::Literal { name, raw, .. }) => (name, raw, NameKind::Literal),
                Some(FunctionChannel::Template { raw, .. } | FunctionChannel::Argv { raw, .. }) => {
                    (template_pattern(first, sql), raw, NameKind::Template)
                }
                None => continue,
            };
            out.push(SqlChannel {
                role: ChannelRole::Publish,
                name,
                raw,
                name_kind: kind,
                via: "pg_notify".into(),
                line,
            });
        }
    }
    out
}

/// Replaces host-language placeholders in a channel written in place of a name with `*`:
/// `{x}`, `${x}`, `%s`, `%(x)s`, `$1`, `?`, `:name`.
fn placeholder_pattern(raw: &str) -> String {
    // Quoted names are exact; unquoted ones fold ASCII letters, as PostgreSQL does.
    let fold = !raw.starts_with('"');
    let raw = raw.trim_matches('"');
    let b = raw.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let star_until = match c {
            b'{' => raw[i..].find('}').map(|p| i + p + 1),
            b'$' if b.get(i + 1) == Some(&b'{') => raw[i..].find('}').map(|p| i + p + 1),
            b'$' if b.get(i + 1).is_some_and(u8::is_ascii_digit) => Some(
                i + 1
                    + raw[i + 1..]
                        .find(|c: char| !c.is_ascii_digit())
                        .unwrap_or(raw.len() - i - 1),
            ),
            b'%' if b.get(i + 1) == Some(&b'(') => raw[i..].find(")s").map(|p| i + p + 2),
            b'%' if b.get(i + 1) == Some(&b's') => Some(i + 2),
            b'?' => Some(i + 1),
            b':' if b.get(i + 1).is_some_and(|&n| is_ident_start(n)) => Some(
                i + 1
                    + raw[i + 1..]
                        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                        .unwrap_or(raw.len() - i - 1),
            ),
            _ => None,
        };
        match star_until {
            Some(end) => {
                out.push('*');
                i = end;
            }
            None => {
                let ch = raw[i..].chars().next().unwrap_or_default();
                out.push(if fold { ch.to_ascii_lowercase() } else { ch });
                i += ch.len_utf8();
            }
        }
    }
    collapse_stars(&out)
}

// ---------------------------------------------------------------------------------------------
// Migration files: order and direction
// ---------------------------------------------------------------------------------------------

/// golang-migrate down files (`*.down.sql`), which are never read.
pub fn is_down_migration(path: &str) -> bool {
    path.to_ascii_lowercase().ends_with(".down.sql")
}

/// The forward part of a migration file: with goose annotations (`-- +goose Up` / `-- +goose
/// Down`) or dbmate ones (`-- migrate:up` / `-- migrate:down`), only the up sections are kept;
/// other lines become empty so line numbers stay those of the file. Without annotations the
/// text is returned unchanged.
pub fn up_sections(text: &str) -> String {
    #[derive(PartialEq)]
    enum Mark {
        Up,
        Down,
    }
    let mark = |line: &str| -> Option<Mark> {
        let l = line.trim().strip_prefix("--")?.trim().to_ascii_lowercase();
        let l = l.split_whitespace().collect::<Vec<_>>().join(" ");
        match l.as_str() {
            "+goose up" | "migrate:up" => Some(Mark::Up),
            "+goose down" | "migrate:down" => Some(Mark::Down),
            _ => None,
        }
    };
    if !text.lines().any(|l| mark(l).is_some()) {
        return text.to_string();
    }
    let mut up = false;
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        match mark(line) {
            Some(m) => up = m == Mark::Up,
            None if up => {
                out.push_str(line);
                continue;
            }
            None => {}
        }
        if line.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// The leading version number of a path segment (`0010_x.sql` → `10`, `V2__x.sql` → `2`),
/// without leading zeros, and the rest of the segment.
fn leading_version(seg: &str) -> Option<(&str, &str)> {
    let s = match seg.as_bytes() {
        [b'V' | b'v', d, ..] if d.is_ascii_digit() => &seg[1..],
        _ => seg,
    };
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    if end == 0 {
        return None;
    }
    let digits = s[..end].trim_start_matches('0');
    Some((digits, &s[end..]))
}

/// Migration order: paths compared segment by segment; two segments that both start with a
/// version number compare numerically first (`2_x.sql` before `10_y.sql`, also for directories
/// such as Prisma's `20240101_init/`), everything else as strings.
pub fn compare_migration_paths(a: &str, b: &str) -> Ordering {
    let mut sa = a.split('/');
    let mut sb = b.split('/');
    loop {
        match (sa.next(), sb.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let ord = match (leading_version(x), leading_version(y)) {
                    (Some((dx, _)), Some((dy, _))) => dx
                        .len()
                        .cmp(&dy.len())
                        .then_with(|| dx.cmp(dy))
                        .then_with(|| x.cmp(y)),
                    _ => x.cmp(y),
                };
                if ord != Ordering::Equal {
                    return ord;
                }
            }
        }
    }
}

/// Sorts migration paths into the order they are applied ([`compare_migration_paths`]).
pub fn sort_migration_paths<S: AsRef<str>>(paths: &mut [S]) {
    paths.sort_by(|a, b| compare_migration_paths(a.as_ref(), b.as_ref()));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(sql: &str) -> TriggerRecord {
        let mut set = TriggerSet::new();
        set.apply("supabase/migrations/20240101000000_jobs.sql", sql);
        let ts = set.triggers();
        assert_eq!(ts.len(), 1, "{ts:#?}");
        ts.into_iter().next().unwrap()
    }

    fn names(t: &TriggerRecord) -> Vec<(&str, NameKind)> {
        t.channels
            .iter()
            .map(|c| (c.name.as_str(), c.name_kind))
            .collect()
    }

    const SUPABASE: &str = r#"-- Jobs table and realtime notifications.
-- NOTIFY fake_from_comment;
create table if not exists public.jobs (
  id uuid primary key default gen_random_uuid(),
  status text not null default 'queued;pending',
  note text default E'it\'s; fine'
);

/* A block comment: SELECT pg_notify('fake_block', ''); /* nested; */ still comment */
create or replace function public.notify_job_change()
returns trigger
language plpgsql
security definer
as $$
declare
  payload jsonb;
begin
  -- pg_notify('commented_out', '') must not count; neither must NOTIFY old_channel;
  payload := jsonb_build_object('id', NEW.id, 'status', NEW.status, 'sep', ';');
  perform pg_notify('job_events', payload::text);
  return NEW;
end;
$$;

create trigger jobs_notify_change
  after insert or update on public.jobs
  for each row execute function public.notify_job_change();
"#;

    #[test]
    fn supabase_migration_with_dollar_body_comments_and_e_strings() {
        let t = one(SUPABASE);
        assert_eq!(t.name.name, "jobs_notify_change");
        assert_eq!(t.table.qualified(), "public.jobs");
        assert_eq!(t.timing, "AFTER");
        assert_eq!(t.level, "row");
        let kinds: Vec<_> = t.events.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(kinds, ["INSERT", "UPDATE"]);
        assert_eq!(names(&t), [("job_events", NameKind::Literal)]);
        assert_eq!(t.effect, Effect::Notify);
        assert_eq!(t.line, 25);
        assert_eq!(t.channels[0].line, 20);
        assert_eq!(t.function_line, Some(10));
        assert_eq!(t.file, "supabase/migrations/20240101000000_jobs.sql");
    }

    #[test]
    fn constraint_trigger_execute_procedure_tg_argv_and_update_of() {
        let sql = "
CREATE OR REPLACE FUNCTION notify_generic() RETURNS TRIGGER AS $body$
BEGIN
  PERFORM pg_notify(TG_ARGV[0], row_to_json(NEW)::text);
  RETURN NULL;
END
$body$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER job_progress_notify
  AFTER INSERT OR UPDATE OF status, \"Progress\" ON jobs
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW
  WHEN (NEW.status IS DISTINCT FROM OLD.status)
  EXECUTE PROCEDURE notify_generic('Job_Progress', 42);
";
        let t = one(sql);
        assert!(t.constraint);
        assert_eq!(t.events[1].kind, "UPDATE");
        assert_eq!(t.events[1].columns, ["status", "Progress"]);
        assert_eq!(
            t.when.as_deref(),
            Some("NEW.status IS DISTINCT FROM OLD.status")
        );
        assert_eq!(t.args, ["Job_Progress", "42"]);
        // A literal argument is exact, like a pg_notify literal.
        assert_eq!(names(&t), [("Job_Progress", NameKind::Literal)]);
        assert_eq!(t.channels[0].raw, "TG_ARGV[0]");
        assert_eq!(t.line, 9);
    }

    #[test]
    fn missing_trigger_argument_is_a_template() {
        let sql = "create function f() returns trigger as $$ begin perform pg_notify(tg_argv[1], 'x'); return new; end $$ language plpgsql;
create trigger t after delete on jobs execute function f('only_one');";
        assert_eq!(names(&one(sql)), [("*", NameKind::Template)]);
    }

    #[test]
    fn notify_command_folds_unless_quoted() {
        let sql = r#"
CREATE FUNCTION jobs_notify() RETURNS trigger AS $$
BEGIN
  NOTIFY JobUpdates;
  NOTIFY "JobUpdates", 'payload';
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER "JobsNotify" AFTER UPDATE ON "Public"."Jobs" EXECUTE FUNCTION jobs_notify();
"#;
        let t = one(sql);
        assert_eq!(
            names(&t),
            [
                ("jobupdates", NameKind::Literal),
                ("JobUpdates", NameKind::Literal)
            ]
        );
        assert_eq!(t.channels[0].raw, "JobUpdates");
        assert_eq!(t.name.name, "JobsNotify");
        assert_eq!(t.table.raw, r#""Public"."Jobs""#);
        assert_eq!(t.table.qualified(), "Public.Jobs");
        assert_eq!(t.level, "statement");
    }

    #[test]
    fn template_channels() {
        let sql = "
create function a() returns trigger as $$
begin
  perform pg_notify(TG_TABLE_NAME || '_events', NEW.id::text);
  perform pg_notify(format('%s_changes', TG_TABLE_NAME), '');
  perform pg_notify(channel_name, '');
  perform pg_notify(concat('tenant:', NEW.tenant_id, ':jobs'), '');
  perform pg_notify(('plain')::text, '');
  return new;
end $$ language plpgsql;
create trigger t after insert on jobs for each statement execute function a();
";
        assert_eq!(
            names(&one(sql)),
            [
                ("*_events", NameKind::Template),
                ("*_changes", NameKind::Template),
                ("*", NameKind::Template),
                ("tenant:*:jobs", NameKind::Template),
                ("plain", NameKind::Literal),
            ]
        );
    }

    #[test]
    fn nested_dollar_tags_and_dynamic_sql() {
        let sql = "
CREATE FUNCTION outer_fn() RETURNS trigger AS $fn$
BEGIN
  EXECUTE $q$ NOTIFY inner_channel $q$;
  EXECUTE 'SELECT pg_notify(''quoted_channel'', ''x''); -- no; split';
  RETURN NEW;
END;
$fn$ LANGUAGE plpgsql;
CREATE TRIGGER t AFTER INSERT ON jobs FOR EACH ROW EXECUTE FUNCTION outer_fn();
";
        let t = one(sql);
        assert_eq!(
            names(&t),
            [
                ("inner_channel", NameKind::Literal),
                ("quoted_channel", NameKind::Literal)
            ]
        );
        assert_eq!(t.channels[0].line, 4);
        assert_eq!(t.channels[1].line, 5);
        assert_eq!(t.line, 9);
    }

    #[test]
    fn effects_writes_refresh_and_notify_wins() {
        let sql = "
create function audit() returns trigger as $$
begin
  insert into audit_log(table_name, row_id) values (TG_TABLE_NAME, NEW.id);
  return new;
end $$ language plpgsql;
create function refresh_stats() returns trigger as $$
begin
  refresh materialized view concurrently job_stats;
  return null;
end $$ language plpgsql;
create function both_fn() returns trigger as $$
begin
  update job_counters set n = n + 1 where id = NEW.kind;
  perform pg_notify('counters', '');
  return new;
end $$ language plpgsql;
create function reads_only() returns trigger as $$
declare r record;
begin
  select * into r from jobs where id = NEW.id for update;
  raise notice 'INSERT INTO is just text here; DELETE FROM too';
  return new;
end $$ language plpgsql;
create trigger t1 after insert on jobs execute function audit();
create trigger t2 after insert on jobs execute function refresh_stats();
create trigger t3 after insert on jobs execute function both_fn();
create trigger t4 before insert on jobs execute function reads_only();
";
        let mut set = TriggerSet::new();
        set.apply("schema.sql", sql);
        let effects: Vec<_> = set.triggers().iter().map(|t| t.effect).collect();
        assert_eq!(
            effects,
            [
                Effect::Writes,
                Effect::RefreshMv,
                Effect::Notify,
                Effect::None
            ]
        );
        let both = &set.functions()[2];
        assert!(both.writes && both.effect == Effect::Notify);
    }

    #[test]
    fn non_trigger_functions_are_not_recorded() {
        let mut set = TriggerSet::new();
        set.apply(
            "schema.sql",
            "create function add(a int, b int) returns int as $$ select a + b; $$ language sql;
             create function trg() returns setof trigger as $$ begin notify x; end $$ language plpgsql;",
        );
        assert_eq!(set.functions().len(), 1);
        assert_eq!(set.functions()[0].name.name, "trg");
    }

    #[test]
    fn drop_then_recreate_across_files() {
        let mut set = TriggerSet::new();
        set.apply(
            "db/migrations/001_init.sql",
            "create function notify_job() returns trigger as $$ begin perform pg_notify('jobs_v1', ''); return new; end $$ language plpgsql;
create trigger jobs_notify after insert on jobs for each row execute function notify_job();",
        );
        assert_eq!(set.triggers()[0].channels[0].name, "jobs_v1");
        set.apply(
            "db/migrations/002_rename.sql",
            "DROP TRIGGER IF EXISTS jobs_notify ON public.jobs;
DROP FUNCTION IF EXISTS notify_job();",
        );
        assert!(set.triggers().is_empty());
        assert!(set.functions().is_empty());
        set.apply(
            "db/migrations/003_recreate.sql",
            "
CREATE OR REPLACE FUNCTION notify_job() RETURNS trigger AS $$
BEGIN PERFORM pg_notify('job_events', NEW.id::text); RETURN NEW; END $$ LANGUAGE plpgsql;
CREATE TRIGGER jobs_notify AFTER INSERT OR DELETE ON jobs FOR EACH ROW EXECUTE FUNCTION notify_job();",
        );
        let ts = set.triggers();
        assert_eq!(ts.len(), 1);
        assert_eq!(ts[0].channels[0].name, "job_events");
        assert_eq!(
            (ts[0].file.as_str(), ts[0].line),
            ("db/migrations/003_recreate.sql", 4)
        );
    }

    #[test]
    fn create_or_replace_function_changes_existing_trigger() {
        let mut set = TriggerSet::new();
        set.apply(
            "m/1.sql",
            "create function f() returns trigger as $$ begin perform pg_notify('old', ''); return new; end $$ language plpgsql;
create trigger t after insert on jobs execute function f();",
        );
        set.apply(
            "m/2.sql",
            "create or replace function f() returns trigger as $$ begin insert into log values (1); return new; end $$ language plpgsql;",
        );
        let t = &set.triggers()[0];
        assert_eq!(t.effect, Effect::Writes);
        assert!(t.channels.is_empty());
        assert_eq!(
            (t.file.as_str(), t.function_file.as_deref()),
            ("m/1.sql", Some("m/2.sql"))
        );
    }

    #[test]
    fn drop_table_and_drop_function_cascade() {
        let base = "create function f() returns trigger as $$ begin notify c; return new; end $$ language plpgsql;
create trigger a after insert on jobs execute function f();
create trigger b after insert on runs execute function f();";
        let mut set = TriggerSet::new();
        set.apply("1.sql", base);
        set.apply("2.sql", "drop table if exists public.jobs, other cascade;");
        let left: Vec<_> = set.triggers().into_iter().map(|t| t.name.name).collect();
        assert_eq!(left, ["b"]);
        set.apply("3.sql", "drop function f() cascade;");
        assert!(set.triggers().is_empty());
    }

    #[test]
    fn function_without_cascade_leaves_trigger_unjoined() {
        let mut set = TriggerSet::new();
        set.apply(
            "1.sql",
            "create trigger t after insert on jobs execute function missing_fn();",
        );
        let t = &set.triggers()[0];
        assert_eq!(t.effect, Effect::None);
        assert!(t.channels.is_empty() && t.function_file.is_none());
    }

    #[test]
    fn schema_is_stripped_only_when_unambiguous() {
        let f = |schema: &str, chan: &str| {
            format!("create function {schema}.notify() returns trigger as $$ begin perform pg_notify('{chan}', ''); return new; end $$ language plpgsql;\n")
        };
        let mut set = TriggerSet::new();
        set.apply("1.sql", &f("app", "app_chan"));
        set.apply(
            "2.sql",
            "create trigger t after insert on jobs execute function notify();",
        );
        assert_eq!(set.triggers()[0].channels[0].name, "app_chan");
        set.apply("3.sql", &f("audit", "audit_chan"));
        assert!(
            set.triggers()[0].channels.is_empty(),
            "ambiguous: app.notify or audit.notify"
        );
        set.apply(
            "4.sql",
            "create or replace trigger t after insert on jobs execute function audit.notify();",
        );
        assert_eq!(set.triggers()[0].channels[0].name, "audit_chan");
        assert_eq!(set.triggers().len(), 1);
    }

    #[test]
    fn old_style_quoted_body() {
        let sql = "CREATE FUNCTION legacy() RETURNS trigger AS '
BEGIN
  PERFORM pg_notify(''legacy_events'', NEW.id::text);
  RETURN NEW;
END;' LANGUAGE plpgsql;
CREATE TRIGGER legacy AFTER INSERT ON t FOR EACH ROW EXECUTE PROCEDURE legacy();";
        let t = one(sql);
        assert_eq!(names(&t), [("legacy_events", NameKind::Literal)]);
        assert_eq!((t.channels[0].line, t.line), (3, 6));
    }

    #[test]
    fn semicolons_in_strings_do_not_split_and_lines_are_kept() {
        let sql = "INSERT INTO settings VALUES ('a;b', E'c\\';d', $$e;f$$);\n-- ; in a comment\n/* ; */\ncreate function g() returns trigger as $$ begin notify z; end $$ language plpgsql;\ncreate trigger t after truncate on jobs execute function g();";
        let t = one(sql);
        assert_eq!((t.line, t.events[0].kind.as_str()), (5, "TRUNCATE"));
    }

    #[test]
    fn statement_splitting() {
        let sql = "-- header; not a statement\nSET x = 'a;b';\n\nCREATE FUNCTION f() RETURNS trigger AS $x$ a; $y$ b; $y$ $x$ LANGUAGE plpgsql\n/* ; */;;\nSELECT E'\\';' ";
        let got: Vec<_> = split_statements(sql)
            .into_iter()
            .map(|s| (s.line, s.text))
            .collect();
        assert_eq!(
            got,
            [
                (2, "SET x = 'a;b'"),
                (
                    4,
                    "CREATE FUNCTION f() RETURNS trigger AS $x$ a; $y$ b; $y$ $x$ LANGUAGE plpgsql"
                ),
                (6, "SELECT E'\\';'"),
            ]
        );
    }

    #[test]
    fn unterminated_and_non_ascii_input_is_safe() {
        let mut set = TriggerSet::new();
        set.apply(
            "a.sql",
            "create trigger t after insert on \"日本\" execute function f('é', 'x",
        );
        set.apply(
            "b.sql",
            "create function g() returns trigger as $tag$ notify 日本; /* open",
        );
        set.apply("c.sql", "select E'\\");
        assert_eq!(set.triggers()[0].table.name, "日本");
        assert_eq!(set.functions()[0].channels.len(), 1);
        let c = sql_channels("LISTEN 日本; NOTIFY é{x}; LISTEN $1");
        let names: Vec<_> = c.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["日本", "é*", "*"]);
    }

    #[test]
    fn returns_null_on_null_input_keeps_the_trigger_type() {
        let mut set = TriggerSet::new();
        set.apply(
            "s.sql",
            "create function f() returns trigger returns null on null input language plpgsql as $$ begin notify c; end $$;",
        );
        assert_eq!(set.functions().len(), 1);
    }

    #[test]
    fn embedded_sql_uses_line_offset() {
        // An Alembic migration: the SQL string starts on line 12 of the Python file.
        let sql = "\nCREATE TRIGGER jobs_notify AFTER INSERT ON jobs\nFOR EACH ROW EXECUTE FUNCTION notify_job();\n";
        let mut set = TriggerSet::new();
        set.apply_at("alembic/versions/abc_jobs.py", sql, 11);
        assert_eq!(set.triggers()[0].line, 13);
    }

    #[test]
    fn goose_up_only_and_down_files_ignored() {
        let goose = "-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION notify_job() RETURNS trigger AS $$
BEGIN PERFORM pg_notify('job_events', ''); RETURN NEW; END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER jobs_notify AFTER INSERT ON jobs FOR EACH ROW EXECUTE FUNCTION notify_job();

-- +goose Down
DROP TRIGGER jobs_notify ON jobs;
DROP FUNCTION notify_job();
";
        let mut set = TriggerSet::new();
        set.apply_migration("db/migrations/00002_jobs.sql", goose);
        let ts = set.triggers();
        assert_eq!(ts.len(), 1);
        assert_eq!(ts[0].line, 7);
        assert_eq!(ts[0].channels[0].name, "job_events");
        set.apply_migration(
            "migrations/000002_jobs.down.sql",
            "DROP TRIGGER jobs_notify ON jobs;",
        );
        assert_eq!(set.triggers().len(), 1);
        assert_eq!(up_sections("select 1;\n"), "select 1;\n");
        let dbmate = "-- migrate:up\ncreate table a();\n-- migrate:down\ndrop table a;\n";
        assert_eq!(up_sections(dbmate), "\ncreate table a();\n\n\n");
    }

    #[test]
    fn migration_order_is_numeric() {
        let mut paths = vec![
            "db/migrations/10_add_index.up.sql",
            "db/migrations/2_jobs.up.sql",
            "db/migrations/002_a.up.sql",
            "db/migrations/1_init.up.sql",
            "prisma/migrations/20240110_b/migration.sql",
            "prisma/migrations/20231231_a/migration.sql",
            "db/migrations/V3__x.sql",
            "db/migrations/readme.sql",
        ];
        sort_migration_paths(&mut paths);
        assert_eq!(
            paths,
            [
                "db/migrations/1_init.up.sql",
                "db/migrations/002_a.up.sql",
                "db/migrations/2_jobs.up.sql",
                "db/migrations/V3__x.sql",
                "db/migrations/10_add_index.up.sql",
                "db/migrations/readme.sql",
                "prisma/migrations/20231231_a/migration.sql",
                "prisma/migrations/20240110_b/migration.sql",
            ]
        );
        assert!(is_down_migration("x/1_a.DOWN.sql"));
        assert!(!is_down_migration("x/1_a.up.sql"));
    }

    fn chans(sql: &str) -> Vec<(ChannelRole, String, NameKind)> {
        sql_channels(sql)
            .into_iter()
            .map(|c| (c.role, c.name, c.name_kind))
            .collect()
    }

    #[test]
    fn application_sql_channels() {
        use ChannelRole::{Publish, Subscribe};
        use NameKind::{Literal, Template};
        assert_eq!(
            chans("LISTEN job_events"),
            [(Subscribe, "job_events".into(), Literal)]
        );
        assert_eq!(
            chans(r#"LISTEN "JobUpdates";"#),
            [(Subscribe, "JobUpdates".into(), Literal)]
        );
        assert_eq!(
            chans("NOTIFY JobUpdates, 'x'"),
            [(Publish, "jobupdates".into(), Literal)]
        );
        assert_eq!(
            chans("SELECT pg_notify('Job_Events', $1)"),
            [(Publish, "Job_Events".into(), Literal)]
        );
        assert_eq!(
            chans("select pg_notify($1, $2)"),
            [(Publish, "*".into(), Template)]
        );
        assert_eq!(
            chans("SELECT pg_notify('jobs:' || $1, 'x')"),
            [(Publish, "jobs:*".into(), Template)]
        );
        assert_eq!(
            chans("LISTEN {channel}"),
            [(Subscribe, "*".into(), Template)]
        );
        assert_eq!(
            chans("LISTEN job_{tenant}"),
            [(Subscribe, "job_*".into(), Template)]
        );
        assert_eq!(chans("NOTIFY %s"), [(Publish, "*".into(), Template)]);
        assert_eq!(chans("LISTEN ${name}"), [(Subscribe, "*".into(), Template)]);
        assert_eq!(
            chans("LISTEN Job_{t}"),
            [(Subscribe, "job_*".into(), Template)]
        );
        assert_eq!(
            chans(r#"LISTEN "Job_{t}""#),
            [(Subscribe, "Job_*".into(), Template)]
        );
        // Comments and strings are not commands; UNLISTEN and column names are not either.
        assert!(chans("-- LISTEN old\nSELECT 'NOTIFY x', notify FROM t; UNLISTEN *").is_empty());
        let c = &sql_channels("BEGIN;\nLISTEN a;\nLISTEN b;")[1];
        assert_eq!(
            (c.name.as_str(), c.line, c.via.as_str()),
            ("b", 3, "listen")
        );
    }

    #[test]
    fn records_serialize_to_json() {
        let t = one(SUPABASE);
        let v = serde_json::to_value(&t).unwrap();
        assert_eq!(v["effect"], "notify");
        assert_eq!(v["channels"][0]["name_kind"], "literal");
        assert_eq!(v["table"]["schema"], "public");
        let f = serde_json::to_value(TriggerSet::default().functions()).unwrap();
        assert!(f.as_array().unwrap().is_empty());
    }
}
