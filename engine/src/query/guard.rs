//! Guards: cheap, conservative pre-checks read off a query pattern's text.
//!
//! The file walk runs each pattern anchored on the nodes of the kind it starts with. Running a
//! tree-sitter query on a node has a fixed cost (cursor set-up, one state per pattern, a step per
//! child), and most anchors fail on their first field: `(call function: (attribute attribute:
//! (identifier) @m) (#eq? @m "add_listener"))` is tried on every call of a file. A guard answers
//! "can this pattern match here?" from the node itself, with a few field lookups and a kind
//! comparison, before the query runs.
//!
//! A guard is *conservative*: `false` means the pattern cannot match; `true` means it might. It
//! keeps only what it fully understands: required fields and their kinds, a `.`-anchored first
//! named child, and the text predicates `#eq?`, `#any-of?` and `#match?` on captures reached
//! through those. Quantified children, positional children, negated fields, supertypes and
//! anything it cannot parse impose no constraint. The query still decides every match; the
//! guard only skips queries that would have found nothing (tests compare both).

use std::collections::{BTreeMap, HashSet};
use std::sync::OnceLock;
use tree_sitter::Node;

use crate::lang::Language;

/// (predicate name without `#`, capture, string arguments).
pub(super) type Preds = Vec<(String, String, Vec<String>)>;

/// The first pattern of a query text, the text predicates read on the way, and whether the
/// pattern was all of the text.
fn parse(pattern: &str) -> Option<(Pat, Preds, bool)> {
    let (pat, preds, whole, _) = parse_all(pattern)?;
    Some((pat, preds, whole))
}

/// The one pattern a parsed pattern holds, through groups that hold only it and predicates
/// (`((call) @c (#eq? …))`); `None` for a sequence.
pub(super) fn single(mut pat: &Pat) -> Option<&Pat> {
    while let Pat::Group {
        items,
        quantified: false,
    } = pat
    {
        if items.len() != 1 {
            return None;
        }
        pat = &items[0];
    }
    Some(pat)
}

/// [`parse`], and whether some predicate was skipped (one with a capture or no argument): a
/// reader that must understand every predicate ([`super::native`]) refuses such a pattern.
pub(super) fn parse_all(pattern: &str) -> Option<(Pat, Preds, bool, bool)> {
    let tokens = tokenize(pattern)?;
    let mut p = Parser {
        tokens: &tokens,
        pos: 0,
        preds: Vec::new(),
        skipped: false,
    };
    let pat = p.pattern()?;
    let whole = p.pos == tokens.len();
    Some((pat, p.preds, whole, p.skipped))
}

/// A compiled guard for one pattern.
#[derive(Debug, Clone)]
pub(crate) struct Guard {
    root: Req,
}

/// What a node must satisfy.
#[derive(Debug, Clone, Default)]
struct Req {
    /// Kind ids the node may have; `None`: any.
    kinds: Option<Vec<u16>>,
    /// Required fields: (field id, whether the parent may have several children in it, req).
    fields: Vec<(u16, bool, Req)>,
    /// The first named child (a `.` anchor before the first child pattern).
    first_named: Option<Box<Req>>,
    text: Vec<TextTest>,
}

#[derive(Debug, Clone)]
pub(super) enum TextTest {
    Eq(String),
    AnyOf(Vec<String>),
    /// On bytes: a node's text is a slice of the file's source at the node's bounds, which
    /// tree-sitter puts between characters of valid UTF-8, so a byte regex gives what a string
    /// regex would, without checking the slice is UTF-8 first (a tenth of the guards' text tests
    /// on prefect).
    Match(regex::bytes::Regex),
}

impl TextTest {
    pub(super) fn holds(&self, text: &[u8]) -> bool {
        match self {
            TextTest::Eq(s) => text == s.as_bytes(),
            TextTest::AnyOf(v) => v.iter().any(|s| s.as_bytes() == text),
            TextTest::Match(r) => r.is_match(text),
        }
    }
}

impl Guard {
    /// The guard of one pattern (its text as written in the pack, predicates included), or
    /// `None` when it would constrain nothing.
    pub(crate) fn compile(lang: Language, pattern: &str) -> Option<Guard> {
        let (pat, preds, _) = parse(pattern)?;
        let mut tests: BTreeMap<String, Vec<TextTest>> = BTreeMap::new();
        for (name, capture, args) in preds {
            let test = match (name.as_str(), args.as_slice()) {
                ("eq?", [s]) => TextTest::Eq(s.clone()),
                ("any-of?", v) if !v.is_empty() => TextTest::AnyOf(v.to_vec()),
                ("match?", [r]) => match regex::bytes::Regex::new(r) {
                    Ok(r) => TextTest::Match(r),
                    Err(_) => continue,
                },
                _ => continue,
            };
            tests.entry(capture).or_default().push(test);
        }
        let c = Compiler {
            lang,
            grammar: lang.grammar(),
            tests: &tests,
        };
        let mut root = c.root(&pat)?;
        // The walk anchors a pattern only on nodes of its root kind: no need to test it again.
        root.kinds = None;
        (!root.is_trivial()).then_some(Guard { root })
    }

    /// Whether the guard reads a child of the anchor by field.
    pub(crate) fn reads_fields(&self) -> bool {
        !self.root.fields.is_empty()
    }

    /// The guard's first text test on a node one or two single-valued fields below the anchor
    /// (the method name `function: (attribute attribute: (identifier) @m)`, the callee
    /// `function: (_) @f`), depth first: a necessary condition that depends only on that
    /// node's text, which the walk decides once per distinct text ([`TextKey`]).
    pub(crate) fn text_key(&self) -> Option<TextKey> {
        fn find(req: &Req, path: &mut Vec<u16>) -> Option<TextKey> {
            for (field, multiple, r) in &req.fields {
                if *multiple {
                    continue;
                }
                path.push(*field);
                if !r.text.is_empty() {
                    return Some(TextKey {
                        path: path.clone(),
                        kinds: r.kinds.clone(),
                        tests: r.text.clone(),
                    });
                }
                if path.len() < 2 {
                    if let Some(k) = find(r, path) {
                        return Some(k);
                    }
                }
                path.pop();
            }
            None
        }
        find(&self.root, &mut Vec::new())
    }
}

/// A text test of a guard on the node at `path` (field ids, one or two) below the anchor. The
/// guard holds only if that node exists and its text passes the tests: `holds` on the node
/// (`Guard::holds` reads every single-valued field on the path and tests the text it reaches),
/// so a walk that knows the answer for a text may skip the guard when it is `false`.
#[derive(Debug, Clone)]
pub(crate) struct TextKey {
    pub(crate) path: Vec<u16>,
    /// The kinds the guard allows the node (`None`: any).
    pub(crate) kinds: Option<Vec<u16>>,
    tests: Vec<TextTest>,
}

impl TextKey {
    /// Whether a node with this text passes the tests, as [`Req::holds`] tests it.
    pub(crate) fn holds(&self, bytes: &[u8]) -> bool {
        text_holds(&self.tests, bytes)
    }
}

/// Whether `bytes` pass every test.
fn text_holds(tests: &[TextTest], bytes: &[u8]) -> bool {
    tests.iter().all(|t| t.holds(bytes))
}

impl Guard {
    /// Whether the pattern might match anchored on `memo.node`.
    pub(crate) fn holds<'t>(&self, memo: &mut FieldMemo<'t>, source: &[u8]) -> bool {
        let root = &self.root;
        if !root.text.is_empty() || root.first_named.is_some() {
            // Rare at a root: no memo.
            return root.holds(memo.node, source);
        }
        root.fields.iter().all(|(field, multiple, req)| {
            if *multiple {
                return Req::field_holds(memo.node, *field, req, source);
            }
            let Some((c, at)) = memo.child_placed(*field) else {
                return false;
            };
            // One level further through the memo too: the guards of a call mostly ask for the
            // callee's `attribute` (the method name), each its own.
            if !req.text.is_empty() || req.first_named.is_some() {
                return req.holds(c, source);
            }
            if let Some(kinds) = &req.kinds {
                if !kinds.contains(&memo.kind_of(c, at)) {
                    return false;
                }
            }
            req.fields.iter().all(|(f2, multiple2, req2)| {
                if *multiple2 {
                    return Req::field_holds(c, *f2, req2, source);
                }
                memo.grandchild(*field, c, *f2)
                    .is_some_and(|g| req2.holds(g, source))
            })
        })
    }
}

/// A pattern the engine matches by itself, without running a query: a root node whose children
/// are only single-valued fields holding one named node each, of a given kind or any (`(call
/// function: (_) @callee arguments: (argument_list)) @site`), and no tree-sitter predicate
/// (engine predicates such as `#resolves-to?` are checked after the match either way). The
/// busiest patterns of the built-in packs have this shape, and a query run costs thousands of
/// instructions of cursor set-up and stepping where these need two field lookups.
#[derive(Debug, Clone)]
pub(crate) struct Shallow {
    /// Capture names of the root node.
    pub root: Vec<String>,
    /// (field id, kind ids the child must have (`None`: any named node), its capture names).
    pub fields: Vec<(u16, Option<Vec<u16>>, Vec<String>)>,
}

impl Shallow {
    /// The shallow form of one pattern, as tree-sitter sees it (engine predicates stripped);
    /// `None` when the pattern has any other shape.
    pub(crate) fn compile(lang: Language, pattern: &str) -> Option<Shallow> {
        if pattern.contains('#') {
            return None;
        }
        let (pat, _, whole) = parse(pattern)?;
        if !whole {
            return None;
        }
        let Pat::Node {
            kind,
            children,
            captures,
            quantified: false,
        } = single(&pat)?
        else {
            return None;
        };
        if kind == "_" {
            return None;
        }
        let c = Compiler {
            lang,
            grammar: lang.grammar(),
            tests: &BTreeMap::new(),
        };
        let mut fields: Vec<(u16, Option<Vec<u16>>, Vec<String>)> = Vec::new();
        for child in children {
            let Child::Field(name, sub) = child else {
                return None;
            };
            let Pat::Node {
                kind: sub_kind,
                children: sub_children,
                captures: sub_captures,
                quantified: false,
            } = sub
            else {
                return None;
            };
            if !sub_children.is_empty() || c.multiple(kind, name) {
                return None;
            }
            let id = c.grammar.field_id_for_name(name)?.get();
            if fields.iter().any(|(f, _, _)| *f == id) {
                return None;
            }
            let kinds = if sub_kind == "_" {
                None
            } else {
                // A kind the grammar does not have, or a supertype: leave it to the query.
                Some(c.kind_ids(sub_kind, true)?)
            };
            fields.push((id, kinds, sub_captures.clone()));
        }
        Some(Shallow {
            root: captures.clone(),
            fields,
        })
    }

    /// The nodes of the fields if the pattern matches anchored on `memo.node` (in field order),
    /// else `None`.
    pub(crate) fn matches<'t>(&self, memo: &mut FieldMemo<'t>) -> Option<Vec<Node<'t>>> {
        let mut out = Vec::with_capacity(self.fields.len());
        for (field, kinds, _) in &self.fields {
            let (c, at) = memo.child_placed(*field)?;
            if !c.is_named() {
                return None;
            }
            if let Some(k) = kinds {
                if !k.contains(&memo.kind_of(c, at)) {
                    return None;
                }
            }
            out.push(c);
        }
        Some(out)
    }
}

/// A node and its index in the file's node table, when known.
pub(super) type Placed<'t> = (Node<'t>, Option<usize>);

/// The children of one anchor node by field, looked up once for all guards tried on it: most
/// patterns that start on a call ask for its `function` and `arguments`. Off the file's node
/// table when the walk hands it over (the anchor's index in it), which reads a child by field
/// from an array where tree-sitter scans the node's children at every lookup.
pub(crate) struct FieldMemo<'t> {
    pub(super) node: Node<'t>,
    /// The file's node table and the node's index in it.
    pub(super) table: Option<(&'t crate::file::NodeTable, usize)>,
    /// The named children of nodes the native matcher descended into, with their field ids
    /// (0: none) and table indices, by node id: the patterns tried on one anchor mostly descend
    /// the same way (the four model patterns of a class all read its body's statements).
    #[allow(clippy::type_complexity)]
    pub(super) kids: Vec<(usize, Vec<(Node<'t>, u16, Option<usize>)>)>,
    /// (field, the child). Inline for the few fields one anchor's patterns read: a memo is
    /// made per anchor, and allocating its first lookup cost more than the lookup (callgrind,
    /// prefect).
    seen: smallvec::SmallVec<[(u16, Option<Placed<'t>>); 4]>,
    /// (field of the node, field of that child, the grandchild).
    seen2: smallvec::SmallVec<[(u16, u16, Option<Node<'t>>); 2]>,
}

impl<'t> FieldMemo<'t> {
    pub(crate) fn new(node: Node<'t>) -> FieldMemo<'t> {
        FieldMemo {
            node,
            table: None,
            kids: Vec::new(),
            seen: smallvec::SmallVec::new(),
            seen2: smallvec::SmallVec::new(),
        }
    }

    /// The memo of the node at index `i` of a file's node table.
    /// (Without the table when it leaves the node's children out or keeps no fields.)
    #[cfg(test)]
    pub(crate) fn in_table(table: &'t crate::file::NodeTable, i: usize) -> FieldMemo<'t> {
        let mut memo = FieldMemo::new(table.nodes[i]);
        memo.reset_in_table(table, i);
        memo
    }

    /// Makes this the memo of the node at index `i` of a file's node table, as
    /// [`FieldMemo::in_table`] would, in place: keeps the allocation of `kids`.
    pub(crate) fn reset_in_table(&mut self, table: &'t crate::file::NodeTable, i: usize) {
        self.node = table.nodes[i];
        self.table = (table.has_fields && !table.skipped[i]).then_some((table, i));
        self.kids.clear();
        self.seen.clear();
        self.seen2.clear();
    }

    /// The child in field `f2` of `child`, the node's child in field `f1`.
    pub(crate) fn grandchild(&mut self, f1: u16, child: Node<'t>, f2: u16) -> Option<Node<'t>> {
        if let Some((_, _, g)) = self.seen2.iter().find(|(a, b, _)| *a == f1 && *b == f2) {
            return *g;
        }
        let at = self
            .seen
            .iter()
            .find(|(f, _)| *f == f1)
            .and_then(|(_, c)| c.and_then(|(_, at)| at));
        let g = match (self.table, at) {
            (Some((table, _)), Some(j)) if !table.skipped[j] => {
                table.child_by_field(j, f2).map(|k| table.nodes[k])
            }
            _ => crate::tree_walk::child_by_field(child, f2),
        };
        self.seen2.push((f1, f2, g));
        g
    }

    pub(crate) fn child(&mut self, field: u16) -> Option<Node<'t>> {
        self.child_placed(field).map(|(n, _)| n)
    }

    /// The kind id of `node`, read off the file's node table when `at` is its index there.
    #[inline]
    pub(crate) fn kind_of(&self, node: Node<'t>, at: Option<usize>) -> u16 {
        match (self.table, at) {
            (Some((table, _)), Some(j)) => table.kind[j],
            _ => crate::tree_walk::kind(node),
        }
    }

    /// [`FieldMemo::child`] with the child's index in the file's node table, when known.
    pub(crate) fn child_placed(&mut self, field: u16) -> Option<Placed<'t>> {
        if let Some((_, c)) = self.seen.iter().find(|(f, _)| *f == field) {
            return *c;
        }
        let c = match self.table {
            Some((table, i)) => table
                .child_by_field(i, field)
                .map(|j| (table.nodes[j], Some(j))),
            None => crate::tree_walk::child_by_field(self.node, field).map(|n| (n, None)),
        };
        self.seen.push((field, c));
        c
    }
}

/// The captures a pattern puts on its root node or on the root's `function` field (a call's
/// callee): the nodes whose method name the walk can read before the query runs. Empty when
/// the pattern cannot be read.
pub(crate) fn callee_captures(pattern: &str) -> Vec<String> {
    let Some(tokens) = tokenize(pattern) else {
        return Vec::new();
    };
    let mut p = Parser {
        tokens: &tokens,
        pos: 0,
        preds: Vec::new(),
        skipped: false,
    };
    let Some(mut pat) = p.pattern() else {
        return Vec::new();
    };
    let mut outer: Vec<String> = Vec::new();
    while let Pat::Group { items, .. } = pat {
        if items.len() != 1 {
            return Vec::new();
        }
        let Some(inner) = items.into_iter().next() else {
            return Vec::new();
        };
        pat = inner;
    }
    let Pat::Node {
        children,
        captures,
        quantified: false,
        ..
    } = pat
    else {
        return Vec::new();
    };
    outer.extend(captures);
    for c in children {
        if let Child::Field(name, child) = c {
            if name == "function" && !quantified(&child) {
                if let Pat::Node { captures, .. }
                | Pat::Alt { captures, .. }
                | Pat::Wild { captures, .. } = child
                {
                    outer.extend(captures);
                }
            }
        }
    }
    outer
}

impl Req {
    fn is_trivial(&self) -> bool {
        self.kinds.is_none()
            && self.fields.is_empty()
            && self.first_named.is_none()
            && self.text.is_empty()
    }

    /// Whether some child of `node` in a field that may repeat satisfies `req`.
    fn field_holds(node: Node<'_>, field: u16, req: &Req, source: &[u8]) -> bool {
        if field == 0 {
            return true;
        }
        // The children in the field as the cursor tells them (`children_by_field_id`), by the
        // engine's walk.
        let mut found = false;
        crate::tree_walk::for_each_child(node, |c, f| {
            found = f == field && req.holds(c, source);
            !found
        });
        found
    }

    fn holds(&self, node: Node<'_>, source: &[u8]) -> bool {
        if let Some(kinds) = &self.kinds {
            if !kinds.contains(&crate::tree_walk::kind(node)) {
                return false;
            }
        }
        // `#eq?`/`#any-of?` compare bytes: no UTF-8 check (a length test ends most).
        if !self.text.is_empty() && !text_holds(&self.text, &source[node.byte_range()]) {
            return false;
        }
        for (field, multiple, req) in &self.fields {
            let ok = if *multiple {
                Req::field_holds(node, *field, req, source)
            } else {
                crate::tree_walk::child_by_field(node, *field).is_some_and(|c| req.holds(c, source))
            };
            if !ok {
                return false;
            }
        }
        if let Some(req) = &self.first_named {
            match crate::tree_walk::named_child(node, 0) {
                // A comment before the first argument: let the query decide.
                Some(c) if c.is_extra() => {}
                Some(c) => {
                    if !req.holds(c, source) {
                        return false;
                    }
                }
                None => return false,
            }
        }
        true
    }
}

// ---------------------------------------------------------------------------------------------
// Tokens and patterns
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Open,
    Close,
    OpenAlt,
    CloseAlt,
    /// A node kind, `_`, or a predicate name (`#eq?`).
    Word(String),
    /// `field:`
    Field(String),
    /// `!field`
    NotField,
    Capture(String),
    Str(String),
    Anchor,
    Quant,
}

fn tokenize(s: &str) -> Option<Vec<Tok>> {
    let mut out = Vec::new();
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            ';' => {
                for (_, c) in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '(' => out.push(Tok::Open),
            ')' => out.push(Tok::Close),
            '[' => out.push(Tok::OpenAlt),
            ']' => out.push(Tok::CloseAlt),
            '.' => out.push(Tok::Anchor),
            '?' | '*' | '+' => out.push(Tok::Quant),
            '"' => {
                let mut text = String::new();
                loop {
                    match chars.next()? {
                        (_, '\\') => match chars.next()?.1 {
                            'n' => text.push('\n'),
                            't' => text.push('\t'),
                            'r' => text.push('\r'),
                            '0' => text.push('\0'),
                            c => text.push(c),
                        },
                        (_, '"') => break,
                        (_, c) => text.push(c),
                    }
                }
                out.push(Tok::Str(text));
            }
            '@' | '!' => {
                let sigil = c;
                let mut end = i + 1;
                while let Some(&(j, c)) = chars.peek() {
                    // A capture name may hold `.` (`@fn.name`), as tree-sitter reads it.
                    if is_word(c) || (c == '.' && sigil == '@') {
                        end = j + c.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                // A negated field (`!name`) constrains nothing here: its name is not kept.
                out.push(if sigil == '@' {
                    Tok::Capture(s[i + 1..end].to_string())
                } else {
                    Tok::NotField
                });
            }
            c if is_word(c) || c == '#' => {
                let mut end = i + c.len_utf8();
                while let Some(&(j, c)) = chars.peek() {
                    if is_word(c) || c == '?' || c == '!' {
                        end = j + c.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                let word = &s[i..end];
                if chars.peek().is_some_and(|&(_, c)| c == ':') {
                    chars.next();
                    out.push(Tok::Field(word.to_string()));
                } else {
                    out.push(Tok::Word(word.to_string()));
                }
            }
            _ => return None,
        }
    }
    Some(out)
}

/// The capture names of a query's text in the order tree-sitter numbers them: by first
/// appearance (a predicate's `@name` only refers to one already seen). Comments and strings
/// are skipped; `None` if the text does not tokenize.
pub(crate) fn capture_names(text: &str) -> Option<Vec<String>> {
    let mut names: Vec<String> = Vec::new();
    for tok in tokenize(text)? {
        if let Tok::Capture(name) = tok {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    Some(names)
}

/// Where the first pattern of a query's text starts: past blanks and `;` comments.
pub(crate) fn pattern_start(text: &str) -> usize {
    let mut at = 0;
    loop {
        let rest = &text[at..];
        let trimmed = rest.trim_start();
        at += rest.len() - trimmed.len();
        if trimmed.starts_with(';') {
            at += trimmed.find('\n').map_or(trimmed.len(), |i| i + 1);
        } else {
            return at;
        }
    }
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-' || c == '/'
}

#[derive(Debug)]
pub(super) enum Pat {
    /// `(kind children…)`; `kind` `_` is any named node.
    Node {
        kind: String,
        children: Vec<Child>,
        captures: Vec<String>,
        quantified: bool,
    },
    Alt {
        alts: Vec<Pat>,
        captures: Vec<String>,
        quantified: bool,
    },
    /// An anonymous node `"+="`.
    Anon {
        text: String,
        captures: Vec<String>,
        quantified: bool,
    },
    /// `_`: any node.
    Wild {
        captures: Vec<String>,
        quantified: bool,
    },
    /// `((a) (b) (#pred …))`: a sequence, or one pattern with its predicates.
    Group { items: Vec<Pat>, quantified: bool },
}

#[derive(Debug)]
pub(super) enum Child {
    Field(String, Pat),
    Pos(Pat),
    Anchor,
    NotField,
}

struct Parser<'a> {
    tokens: &'a [Tok],
    pos: usize,
    preds: Preds,
    /// A predicate was read past without being kept.
    skipped: bool,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    /// Captures and a quantifier after a pattern.
    fn suffix(&mut self) -> (Vec<String>, bool) {
        let mut captures = Vec::new();
        let mut quantified = false;
        loop {
            match self.peek() {
                Some(Tok::Capture(c)) => {
                    captures.push(c.clone());
                    self.pos += 1;
                }
                Some(Tok::Quant) => {
                    quantified = true;
                    self.pos += 1;
                }
                _ => return (captures, quantified),
            }
        }
    }

    /// One pattern; `None` on anything not understood. Predicates are collected on the side
    /// (and yield `Ok(None)` from [`Parser::item`]).
    fn pattern(&mut self) -> Option<Pat> {
        loop {
            match self.item()? {
                Some(p) => return Some(p),
                None => continue,
            }
        }
    }

    /// A pattern, or `Some(None)` for a predicate.
    fn item(&mut self) -> Option<Option<Pat>> {
        match self.next()? {
            Tok::Open => {
                match self.peek()? {
                    Tok::Word(w) if w.starts_with('#') => {
                        let name = w[1..].to_string();
                        self.pos += 1;
                        let capture = match self.next()? {
                            Tok::Capture(c) => c,
                            _ => {
                                self.skipped = true;
                                self.skip_to_close()?;
                                return Some(None);
                            }
                        };
                        let mut args = Vec::new();
                        loop {
                            match self.next()? {
                                Tok::Close => break,
                                Tok::Str(s) => args.push(s),
                                // A capture or anything else as argument: not a text test.
                                _ => {
                                    self.skipped = true;
                                    self.skip_to_close()?;
                                    return Some(None);
                                }
                            }
                        }
                        self.preds.push((name, capture, args));
                        Some(None)
                    }
                    Tok::Word(_) => {
                        let Some(Tok::Word(kind)) = self.next() else {
                            return None;
                        };
                        let mut children = Vec::new();
                        loop {
                            match self.peek()? {
                                Tok::Close => {
                                    self.pos += 1;
                                    break;
                                }
                                Tok::Anchor => {
                                    self.pos += 1;
                                    children.push(Child::Anchor);
                                }
                                Tok::NotField => {
                                    self.pos += 1;
                                    children.push(Child::NotField);
                                }
                                Tok::Field(f) => {
                                    let f = f.clone();
                                    self.pos += 1;
                                    let p = self.pattern()?;
                                    children.push(Child::Field(f, p));
                                }
                                _ => {
                                    if let Some(p) = self.item()? {
                                        children.push(Child::Pos(p));
                                    }
                                }
                            }
                        }
                        let (captures, quantified) = self.suffix();
                        Some(Some(Pat::Node {
                            kind,
                            children,
                            captures,
                            quantified,
                        }))
                    }
                    _ => {
                        let mut items = Vec::new();
                        loop {
                            if self.peek()? == &Tok::Close {
                                self.pos += 1;
                                break;
                            }
                            if self.peek()? == &Tok::Anchor {
                                self.pos += 1;
                                continue;
                            }
                            if let Some(p) = self.item()? {
                                items.push(p);
                            }
                        }
                        // Captures on a group (rare) constrain nothing here.
                        let (captures, quantified) = self.suffix();
                        self.skipped |= !captures.is_empty();
                        Some(Some(Pat::Group { items, quantified }))
                    }
                }
            }
            Tok::OpenAlt => {
                let mut alts = Vec::new();
                loop {
                    if self.peek()? == &Tok::CloseAlt {
                        self.pos += 1;
                        break;
                    }
                    if let Some(p) = self.item()? {
                        alts.push(p);
                    }
                }
                let (captures, quantified) = self.suffix();
                Some(Some(Pat::Alt {
                    alts,
                    captures,
                    quantified,
                }))
            }
            Tok::Str(text) => {
                let (captures, quantified) = self.suffix();
                Some(Some(Pat::Anon {
                    text,
                    captures,
                    quantified,
                }))
            }
            Tok::Word(w) if w == "_" => {
                let (captures, quantified) = self.suffix();
                Some(Some(Pat::Wild {
                    captures,
                    quantified,
                }))
            }
            _ => None,
        }
    }

    fn skip_to_close(&mut self) -> Option<()> {
        let mut depth = 0;
        loop {
            match self.next()? {
                Tok::Open | Tok::OpenAlt => depth += 1,
                Tok::Close | Tok::CloseAlt if depth == 0 => return Some(()),
                Tok::Close | Tok::CloseAlt => depth -= 1,
                _ => {}
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Patterns to requirements
// ---------------------------------------------------------------------------------------------

pub(super) struct Compiler<'a> {
    pub(super) lang: Language,
    pub(super) grammar: tree_sitter::Language,
    pub(super) tests: &'a BTreeMap<String, Vec<TextTest>>,
}

impl Compiler<'_> {
    /// The requirement of a pattern's root: the node of a group that holds only it and
    /// predicates; nothing for sequences.
    fn root(&self, pat: &Pat) -> Option<Req> {
        match pat {
            Pat::Group {
                items,
                quantified: false,
                ..
            } if items.len() == 1 => self.root(&items[0]),
            Pat::Node {
                quantified: false, ..
            } => Some(self.req(pat)),
            _ => None,
        }
    }

    /// The requirement of a pattern that must be present (not quantified).
    fn req(&self, pat: &Pat) -> Req {
        let mut req = Req::default();
        match pat {
            Pat::Node {
                kind,
                children,
                captures,
                ..
            } => {
                req.kinds = self.kind_ids(kind, true);
                self.add_text(&mut req, captures);
                let kinds_here: Vec<&str> = if kind == "_" {
                    Vec::new()
                } else {
                    vec![kind.as_str()]
                };
                for (i, child) in children.iter().enumerate() {
                    match child {
                        Child::Field(name, p) if !quantified(p) => {
                            let Some(id) = self.grammar.field_id_for_name(name) else {
                                continue;
                            };
                            let sub = self.req(p);
                            // Every node of the kind has the field, or the query fails: a bare
                            // existence test is not worth a lookup.
                            if sub.is_trivial() {
                                continue;
                            }
                            let multiple = kinds_here.is_empty()
                                || kinds_here.iter().any(|k| self.multiple(k, name));
                            req.fields.push((id.get(), multiple, sub));
                        }
                        Child::Anchor if i == 0 => {
                            if let Some(Child::Pos(p)) = children.get(1) {
                                if !quantified(p) && is_named_pattern(p) {
                                    req.first_named = Some(Box::new(self.req(p)));
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            Pat::Alt { alts, captures, .. } => {
                let mut ids = Vec::new();
                let mut all = true;
                for a in alts {
                    match a {
                        Pat::Node {
                            kind,
                            quantified: false,
                            ..
                        } => match self.kind_ids(kind, true) {
                            Some(k) => ids.extend(k),
                            None => all = false,
                        },
                        Pat::Anon {
                            text,
                            quantified: false,
                            ..
                        } => match self.kind_ids(text, false) {
                            Some(k) => ids.extend(k),
                            None => all = false,
                        },
                        _ => all = false,
                    }
                }
                if all && !ids.is_empty() {
                    ids.sort_unstable();
                    ids.dedup();
                    req.kinds = Some(ids);
                }
                self.add_text(&mut req, captures);
            }
            Pat::Anon { text, captures, .. } => {
                req.kinds = self.kind_ids(text, false);
                self.add_text(&mut req, captures);
            }
            Pat::Wild { captures, .. } => self.add_text(&mut req, captures),
            Pat::Group { .. } => {}
        }
        req
    }

    fn add_text(&self, req: &mut Req, captures: &[String]) {
        for c in captures {
            if let Some(t) = self.tests.get(c) {
                req.text.extend(t.iter().cloned());
            }
        }
    }

    /// The ids of the kinds named `name`; `None` for `_`, supertypes and unknown names (no
    /// constraint: the query reports unknown names itself).
    pub(super) fn kind_ids(&self, name: &str, named: bool) -> Option<Vec<u16>> {
        if named && name == "_" {
            return None;
        }
        let mut ids = Vec::new();
        for id in 0..self.grammar.node_kind_count() as u16 {
            if self.grammar.node_kind_is_named(id) == named
                && self.grammar.node_kind_for_id(id) == Some(name)
            {
                if self.grammar.node_kind_is_supertype(id) {
                    return None;
                }
                ids.push(id);
            }
        }
        (!ids.is_empty()).then_some(ids)
    }

    /// Whether nodes of `kind` may have several children in `field` (node-types.json).
    pub(super) fn multiple(&self, kind: &str, field: &str) -> bool {
        multiple_fields(self.lang).contains(&(kind.to_string(), field.to_string()))
            || !known_fields(self.lang).contains(&(kind.to_string(), field.to_string()))
    }
}

fn quantified(p: &Pat) -> bool {
    match p {
        Pat::Node { quantified, .. }
        | Pat::Alt { quantified, .. }
        | Pat::Anon { quantified, .. }
        | Pat::Wild { quantified, .. }
        | Pat::Group { quantified, .. } => *quantified,
    }
}

/// Whether the pattern can only match named nodes (what a `.` anchor counts).
fn is_named_pattern(p: &Pat) -> bool {
    match p {
        Pat::Node { .. } => true,
        Pat::Alt { alts, .. } => alts.iter().all(|a| matches!(a, Pat::Node { .. })),
        _ => false,
    }
}

type FieldSet = HashSet<(String, String)>;

/// (kind, field) pairs of a grammar, from its node-types.json: all, and those that may hold
/// several children.
fn field_tables(lang: Language) -> &'static (FieldSet, FieldSet) {
    static TABLES: OnceLock<Vec<(Language, (FieldSet, FieldSet))>> = OnceLock::new();
    let all = TABLES.get_or_init(|| {
        Language::ALL
            .iter()
            .map(|&l| (l, read_fields(l.node_types())))
            .collect()
    });
    &all.iter()
        .find(|(l, _)| *l == lang)
        .expect("every language has node types")
        .1
}

fn known_fields(lang: Language) -> &'static FieldSet {
    &field_tables(lang).0
}

fn multiple_fields(lang: Language) -> &'static FieldSet {
    &field_tables(lang).1
}

fn read_fields(json: &str) -> (FieldSet, FieldSet) {
    let mut known = FieldSet::new();
    let mut multiple = FieldSet::new();
    let Ok(serde_json::Value::Array(types)) = serde_json::from_str::<serde_json::Value>(json)
    else {
        return (known, multiple);
    };
    for t in types {
        let Some(kind) = t.get("type").and_then(|v| v.as_str()) else {
            continue;
        };
        let Some(fields) = t.get("fields").and_then(|v| v.as_object()) else {
            continue;
        };
        for (name, spec) in fields {
            known.insert((kind.to_string(), name.clone()));
            if spec.get("multiple").and_then(|v| v.as_bool()) != Some(false) {
                multiple.insert((kind.to_string(), name.clone()));
            }
        }
    }
    (known, multiple)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(pattern: &str, source: &str) -> (usize, usize) {
        let lang = Language::Python;
        let guard = Guard::compile(lang, pattern);
        let query = tree_sitter::Query::new(&lang.grammar(), pattern).unwrap();
        let tree = crate::engine::parse(lang, source).unwrap();
        let table = crate::file::NodeTable::build(tree.root_node(), true, |_| true);
        // Every node: the guard may pass where the query fails, never the reverse.
        let mut passed = 0;
        let mut matched = 0;
        let mut cursor = tree.walk();
        let mut qc = tree_sitter::QueryCursor::new();
        qc.set_max_start_depth(Some(0));
        let mut reused = FieldMemo::new(tree.root_node());
        loop {
            let node = cursor.node();
            let ok = guard
                .as_ref()
                .is_none_or(|g| g.holds(&mut FieldMemo::new(node), source.as_bytes()));
            // The same answer off the file's node table, as the walk asks: with a new memo, and
            // with the one memo the walk resets at every node (what earlier nodes looked up
            // must not leak into this one's answers).
            let at = table.index_of(node).unwrap();
            reused.reset_in_table(&table, at);
            for memo in [&mut FieldMemo::in_table(&table, at), &mut reused] {
                assert_eq!(
                    ok,
                    guard
                        .as_ref()
                        .is_none_or(|g| g.holds(memo, source.as_bytes())),
                    "{pattern} at {}",
                    node.to_sexp()
                );
            }
            // A guard's text key is a necessary condition: where the key fails, so does it.
            if let Some(key) = guard.as_ref().and_then(Guard::text_key) {
                let mut memo = FieldMemo::new(node);
                let reached = match key.path[..] {
                    [f] => memo.child(f),
                    [f1, f2] => memo.child(f1).and_then(|c| memo.grandchild(f1, c, f2)),
                    _ => panic!("a key path of {} fields", key.path.len()),
                };
                let key_ok = reached.is_some_and(|n| key.holds(&source.as_bytes()[n.byte_range()]));
                assert!(
                    key_ok || !ok,
                    "{pattern}: key fails, guard holds at {}",
                    node.to_sexp()
                );
            }
            use tree_sitter::StreamingIterator;
            let mut m = qc.matches(&query, node, source.as_bytes());
            let hit = m.next().is_some();
            assert!(
                ok || !hit,
                "guard rejected a match of {pattern} at {}",
                node.to_sexp()
            );
            passed += usize::from(ok);
            matched += usize::from(hit);
            if cursor.goto_first_child() || cursor.goto_next_sibling() {
                continue;
            }
            loop {
                if !cursor.goto_parent() {
                    return (passed, matched);
                }
                if cursor.goto_next_sibling() {
                    break;
                }
            }
        }
    }

    const SOURCE: &str = r#"
import redis
r = redis.Redis()
r.publish("orders", "x")
conn.add_listener("jobs", cb)
bus.publish(event)
log.info("NOTIFY me")
cur.execute("LISTEN jobs")
cur.execute(sql)
x = list(y)
z = y.copy()
w = y[:]
total += "a"
for k in list(d):
    pass
f(  # comment
  "NOTIFY x")
"#;

    #[test]
    fn guards_never_reject_a_match_and_reject_most_other_nodes() {
        let cases = [
            r#"((call function: (attribute attribute: (identifier) @m) arguments: (argument_list . (_) @c)) (#eq? @m "add_listener"))"#,
            r#"(call arguments: (argument_list . [(string) (concatenated_string)] @sql) (#match? @sql "(?i)(notify|listen)"))"#,
            r#"((call function: (attribute attribute: (identifier) @m) arguments: (argument_list) @a (#any-of? @m "subscribe" "publish")))"#,
            r#"((assignment left: (identifier) @t right: (call function: [(identifier) (attribute)] @f arguments: (argument_list . [(identifier) (attribute)] @s .)) @copy))"#,
            r#"((assignment left: (identifier) @t right: (subscript value: [(identifier) (attribute)] @s subscript: (slice) @r) @copy) (#eq? @r ":"))"#,
            r#"((augmented_assignment left: [(identifier) (attribute) (subscript)] @t operator: "+=" right: (_) @r) @site)"#,
            r#"((for_statement right: (call function: (identifier) @c)) @loop)"#,
            r#"(module (expression_statement (assignment left: (identifier) @name right: (_) @value)))"#,
        ];
        for pattern in cases {
            let (passed, matched) = check(pattern, SOURCE);
            assert!(matched > 0, "{pattern} matches nothing in the sample");
            assert!(passed >= matched, "{pattern}");
        }
        // The guards are selective: the add_listener pattern passes on one call only.
        let (passed, matched) = check(cases[0], SOURCE);
        assert_eq!((passed, matched), (1, 1));
        let (passed, _) = check(cases[1], SOURCE);
        // `log.info("NOTIFY me")`, `cur.execute("LISTEN jobs")`, and the call whose first named
        // child is a comment (left to the query).
        assert_eq!(
            passed, 3,
            "calls whose first argument is a NOTIFY/LISTEN string"
        );
    }

    #[test]
    fn text_keys_read_the_first_tested_node_one_or_two_fields_down() {
        let g = |p: &str| Guard::compile(Language::Python, p).unwrap();
        let grammar = Language::Python.grammar();
        let field = |n: &str| grammar.field_id_for_name(n).unwrap().get();
        let method = g(r#"((call function: (attribute attribute: (identifier) @m)) @c (#any-of? @m "get" "add"))"#)
            .text_key()
            .unwrap();
        assert_eq!(method.path, [field("function"), field("attribute")]);
        assert!(method.holds(b"get") && method.holds(b"add") && !method.holds(b"gets"));
        let callee = g(r#"((call function: (_) @f) @c (#match? @f "Depends$"))"#)
            .text_key()
            .unwrap();
        assert_eq!(callee.path, [field("function")]);
        assert!(callee.holds(b"fastapi.Depends") && !callee.holds(b"Depends()"));
        // No text test, or one only under a field that may repeat: no key.
        assert!(g("((call function: (attribute) @f) @site)")
            .text_key()
            .is_none());
        assert!(g(r#"((decorated_definition (decorator) @d definition: (function_definition)) (#eq? @d "x"))"#)
            .text_key()
            .is_none());
    }

    #[test]
    fn unparsable_or_unconstrained_patterns_have_no_guard() {
        assert!(Guard::compile(Language::Python, "((call) @c)").is_none());
        assert!(Guard::compile(Language::Python, "(_) @any").is_none());
        assert!(Guard::compile(Language::Python, "[(call) (lambda)] @x").is_none());
        // Every call has a callee: nothing to test.
        assert!(Guard::compile(Language::Python, "((call function: (_) @f) @site)").is_none());
        assert!(
            Guard::compile(Language::Python, "((call function: (attribute) @f) @site)").is_some()
        );
    }
}
