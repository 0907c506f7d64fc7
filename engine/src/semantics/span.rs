//! P5 — transaction spans (CHECKS.md §3.5), driven by the `[[span]]` tables of the run's packs.
//!
//! A span is a region of one function during which a transaction is open on a receiver:
//! - **explicit**: the body of `with R.<block>():` / `async with R.<block>():` (R of a listed
//!   kind; with an `as` target of a listed kind, the target is the span's receiver, as in `with
//!   engine.begin() as conn`), the body of `with <context manager>():`, or the whole function
//!   under a listed decorator;
//! - **implicit** (autobegin): from the first operation on a receiver of a listed kind to the
//!   next commit/rollback/release operation on it; else to the end of the `with` block that bound
//!   the receiver (`with Session() as s`); else to the end of the function. Operations inside an
//!   explicit span of the same receiver belong to that span.
//!
//! Spans are computed once per function and cached in the file.

use super::receiver::{db_op, member_parts, receiver_kind, DbOp, SpanDecl};
use super::{ancestors, decorators, is_function, resolve};
use crate::file::FileCtx;
use crate::lang::Language;
use crate::lang::NodeExt;
use std::sync::Arc;
use tree_sitter::Node;

/// Where a node is, so that a cached span can hand it back: its byte range and kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeKey {
    start: usize,
    end: usize,
    kind: u16,
}

impl NodeKey {
    fn of(n: Node<'_>) -> NodeKey {
        NodeKey {
            start: n.start_byte(),
            end: n.end_byte(),
            kind: crate::tree_walk::kind(n),
        }
    }

    /// The node this key was made from.
    pub fn node<'t>(&self, file: &'t FileCtx) -> Option<Node<'t>> {
        let mut n = file
            .tree
            .root_node()
            .descendant_for_byte_range(self.start, self.end)?;
        loop {
            if crate::tree_walk::kind(n) == self.kind
                && n.start_byte() == self.start
                && n.end_byte() == self.end
            {
                return Some(n);
            }
            let p = n.parent()?;
            if p.start_byte() != self.start || p.end_byte() != self.end {
                return None;
            }
            n = p;
        }
    }
}

/// One transaction span.
#[derive(Debug, Clone)]
pub struct TxSpan {
    /// The receiver expression (first operation's object, `with` target, `begin`'s object);
    /// `None` for context-manager and decorator spans.
    pub receiver: Option<NodeKey>,
    pub receiver_text: String,
    pub kind: String,
    pub explicit: bool,
    /// The `with` statement, the decorated function, or the first operation.
    pub node: NodeKey,
    /// The region: a node inside it is in the span.
    pub start_byte: usize,
    pub end_byte: usize,
    pub start_line: usize,
    pub end_line: usize,
    /// Non-blank, non-comment lines from `start_line` to `end_line`.
    pub lines: usize,
    pub writes: Vec<NodeKey>,
    pub ops: Vec<NodeKey>,
    /// The operation that ended it (commit/rollback/release), if any.
    pub end_op: Option<NodeKey>,
    /// `commit`, `rollback`, `release`, `block` or `function`.
    pub ends_with: &'static str,
}

impl TxSpan {
    pub fn has_write(&self) -> bool {
        !self.writes.is_empty()
    }

    fn contains(&self, n: Node<'_>) -> bool {
        self.start_byte <= n.start_byte() && n.end_byte() <= self.end_byte
    }
}

/// The spans of a function (or of the module's top level, for the root node), in order of their
/// start.
pub fn tx_spans(file: &FileCtx, func: Node<'_>) -> Arc<Vec<TxSpan>> {
    if file.tx.spans.is_empty() {
        return Arc::new(Vec::new());
    }
    if let Some(v) = super::lock(&file.span_cache).get(&func.id()) {
        return Arc::clone(v);
    }
    let v = Arc::new(compute(file, func));
    super::lock(&file.span_cache).insert(func.id(), Arc::clone(&v));
    v
}

/// The innermost span open at a node, with no function boundary between them.
pub fn tx_span(file: &FileCtx, node: Node<'_>) -> Option<TxSpan> {
    let (spans, i) = innermost(file, node)?;
    Some(spans[i].clone())
}

/// Whether a span is open at a node (what [`tx_span`] finds), of a kind starting with `prefix`
/// (`""`: any kind) and, with `writes`, one that writes: the engine predicate `#in-tx-span?`,
/// which asks it of many candidate calls and so reads the function's cached spans without
/// copying one.
pub fn in_tx_span(file: &FileCtx, node: Node<'_>, prefix: &str, writes: bool) -> bool {
    innermost(file, node).is_some_and(|(spans, i)| {
        spans[i].kind.starts_with(prefix) && (!writes || spans[i].has_write())
    })
}

/// The spans of a node's function and which of them is the innermost open at the node.
fn innermost(file: &FileCtx, node: Node<'_>) -> Option<(Arc<Vec<TxSpan>>, usize)> {
    if file.tx.spans.is_empty() {
        return None;
    }
    let func = super::enclosing_function(file, node).unwrap_or_else(|| file.tree.root_node());
    let spans = tx_spans(file, func);
    let i = spans
        .iter()
        .enumerate()
        .filter(|(_, s)| s.contains(node))
        .min_by_key(|(_, s)| (s.end_byte - s.start_byte, usize::MAX - s.start_byte))
        .map(|(i, _)| i)?;
    Some((spans, i))
}

/// Operation classes that change data.
const WRITE_CLASSES: &[&str] = &["insert", "update", "delete", "uow", "bulk"];
/// Operation classes that end an implicit span.
const END_CLASSES: &[&str] = &["commit", "rollback", "release"];

struct Op<'t> {
    call: Node<'t>,
    op: DbOp<'t>,
    text: String,
    class: String,
}

fn compute(file: &FileCtx, func: Node<'_>) -> Vec<TxSpan> {
    let lang = file.language;
    let decls: Vec<&SpanDecl> = file.tx.spans_for(lang).collect();
    if decls.is_empty() {
        return Vec::new();
    }
    let is_root = func.id() == file.tree.root_node().id();
    let body = if is_root {
        func
    } else {
        match func.field("body") {
            Some(b) => b,
            None => return Vec::new(),
        }
    };
    // Calls and `with` statements of this function, in document order, nested functions and
    // classes excluded (off the file's node table, `FileCtx::walk_branches`: neither is a leaf).
    let mut calls = Vec::new();
    let mut withs = Vec::new();
    // A `with` statement matters only with a call among its items or in its body, so only
    // calls decide which subtrees the walk may pass over.
    file.walk_branches_for(body, &["call", "call_expression"], |k| {
        let kind = lang.kind_of(k);
        let enter = k.is_named() && !(is_function(lang, k) || lang.class_kinds().contains(&kind));
        if enter {
            match kind {
                "call" | "call_expression" => calls.push(k),
                "with_statement" => withs.push(k),
                _ => {}
            }
        }
        enter
    });

    let ops: Vec<Op<'_>> = calls
        .iter()
        .filter_map(|c| {
            let op = db_op(file, *c)?;
            let text = compact(file.text(op.receiver));
            let class = refine(file, *c, &op.op);
            Some(Op {
                call: *c,
                op,
                text,
                class,
            })
        })
        .collect();

    let mut spans = Vec::new();
    // Calls that are `with` items opening explicit spans: not operations of implicit spans.
    let mut block_calls: Vec<usize> = Vec::new();

    // Explicit spans: `with` blocks.
    for w in &withs {
        let Some(wbody) = w.field("body") else {
            continue;
        };
        for (value, alias) in with_items(*w) {
            let value = unwrap_await(value);
            if !matches!(value.kind_str(), "call" | "call_expression") {
                continue;
            }
            let Some(callee) = value.field("function") else {
                continue;
            };
            // `with R.begin()` / `with engine.begin() as conn`.
            let mut found = None;
            if let Some((object, method)) = member_parts(callee) {
                let method = file.text(method);
                for d in decls
                    .iter()
                    .filter(|d| d.blocks.iter().any(|b| b == method))
                {
                    if let Some(a) = alias {
                        let k = receiver_kind(file, a);
                        if d.receivers.iter().any(|r| **r == *k) {
                            found = Some((Some(a), k.to_string()));
                            break;
                        }
                    }
                    let k = receiver_kind(file, object);
                    if d.receivers.iter().any(|r| **r == *k) {
                        found = Some((Some(object), k.to_string()));
                        break;
                    }
                }
            }
            if found.is_none() {
                let name = resolve(file, callee);
                if decls.iter().any(|d| d.context_managers.contains(&name)) {
                    found = Some((None, String::new()));
                }
            }
            let Some((receiver, kind)) = found else {
                continue;
            };
            block_calls.push(value.id());
            spans.push(build(
                file,
                &ops,
                receiver,
                kind,
                true,
                *w,
                (wbody.start_byte(), wbody.end_byte()),
                w.start_position().row,
                wbody.end_position().row,
                None,
                "block",
                &decls,
            ));
        }
    }
    // Explicit spans: decorated functions.
    if !is_root && lang == Language::Python {
        let decos = decorators(file, func);
        if decos
            .iter()
            .any(|d| decls.iter().any(|s| s.decorators.contains(d)))
        {
            spans.push(build(
                file,
                &ops,
                None,
                String::new(),
                true,
                func,
                (body.start_byte(), body.end_byte()),
                func.start_position().row,
                body.end_position().row,
                None,
                "function",
                &decls,
            ));
        }
    }

    // Implicit spans, per receiver text.
    let implicit_kinds: Vec<&str> = decls
        .iter()
        .filter(|d| d.implicit)
        .flat_map(|d| d.receivers.iter().map(String::as_str))
        .collect();
    let explicit_snapshot: Vec<(String, usize, usize)> = spans
        .iter()
        .map(|s: &TxSpan| (s.receiver_text.clone(), s.start_byte, s.end_byte))
        .collect();
    let mut open: Vec<(String, usize)> = Vec::new(); // (receiver text, index of the first op)
    let mut implicit = Vec::new();
    for (i, o) in ops.iter().enumerate() {
        if !implicit_kinds.contains(&&*o.op.kind) || block_calls.contains(&o.call.id()) {
            continue;
        }
        let inside_explicit = explicit_snapshot.iter().any(|(t, s, e)| {
            (t.is_empty() || *t == o.text) && *s <= o.call.start_byte() && o.call.end_byte() <= *e
        });
        if inside_explicit {
            continue;
        }
        let pos = open.iter().position(|(t, _)| *t == o.text);
        let ends = END_CLASSES.contains(&o.class.as_str());
        match (pos, ends) {
            (None, false) => open.push((o.text.clone(), i)),
            (Some(p), true) if ends_on_every_path(file, ops[open[p].1].call, o, &ops) => {
                let (_, first) = open.remove(p);
                implicit.push((first, Some(i)));
            }
            // An end with nothing open, or one more operation of an open span.
            _ => {}
        }
    }
    for (_, first) in open {
        implicit.push((first, None));
    }
    for (first, last) in implicit {
        let f = &ops[first];
        let (end_byte, end_row, end_op, ends_with) = match last {
            Some(l) => {
                let c = ops[l].call;
                (
                    c.end_byte(),
                    c.end_position().row,
                    Some(c),
                    match ops[l].class.as_str() {
                        "commit" => "commit",
                        "rollback" => "rollback",
                        _ => "release",
                    },
                )
            }
            None => match binding_block(file, &withs, f) {
                Some(b) => (b.end_byte(), b.end_position().row, None, "block"),
                None => (body.end_byte(), body.end_position().row, None, "function"),
            },
        };
        spans.push(build(
            file,
            &ops,
            Some(f.op.receiver),
            f.op.kind.to_string(),
            false,
            f.call,
            (f.call.start_byte(), end_byte),
            f.call.start_position().row,
            end_row,
            end_op,
            ends_with,
            &decls,
        ));
    }
    spans.sort_by_key(|s| (s.start_byte, usize::MAX - s.end_byte));
    spans
}

/// Whether an ending operation (commit, rollback, close) ends the span opened at `start` on
/// every path that reaches the code after it: it is not inside a branch, a loop or an `except`
/// that the start is outside of, unless every branch of an `if … else` ends the span (a commit in
/// one branch of an `if` leaves the transaction open on the other path).
fn ends_on_every_path(file: &FileCtx, start: Node<'_>, end: &Op<'_>, ops: &[Op<'_>]) -> bool {
    let chain = ancestors(file, end.call);
    for a in chain {
        if a.start_byte() <= start.start_byte() && start.end_byte() <= a.end_byte() {
            // The nearest node holding both: what lies above runs for both alike.
            return true;
        }
        match a.kind_str() {
            "for_statement"
            | "while_statement"
            | "except_clause"
            | "case_clause"
            | "conditional_expression"
            | "boolean_operator"
            | "lambda"
            | "for_in_clause"
            | "except_group_clause" => return false,
            "if_statement" if !every_branch_ends(a, end, ops) => return false,
            _ => {}
        }
    }
    true
}

/// Whether an `if` has an `else` and every branch holds an ending operation on the receiver.
fn every_branch_ends(stmt: Node<'_>, end: &Op<'_>, ops: &[Op<'_>]) -> bool {
    let mut branches = Vec::new();
    if let Some(c) = stmt.field("consequence") {
        branches.push(c);
    }
    let mut has_else = false;
    for k in crate::tree_walk::named_children(stmt) {
        match k.kind_str() {
            "elif_clause" => {
                if let Some(b) = k.field("consequence") {
                    branches.push(b);
                }
            }
            "else_clause" => {
                has_else = true;
                if let Some(b) = k.field("body") {
                    branches.push(b);
                }
            }
            _ => {}
        }
    }
    has_else
        && branches.iter().all(|b| {
            ops.iter().any(|o| {
                o.text == end.text
                    && END_CLASSES.contains(&o.class.as_str())
                    && b.start_byte() <= o.call.start_byte()
                    && o.call.end_byte() <= b.end_byte()
            })
        })
}

/// The body of the `with` statement that bound an operation's receiver (`with X() as s`) and
/// encloses the operation.
fn binding_block<'t>(file: &FileCtx, withs: &[Node<'t>], op: &Op<'_>) -> Option<Node<'t>> {
    withs
        .iter()
        .filter(|w| w.start_byte() <= op.call.start_byte() && op.call.end_byte() <= w.end_byte())
        .filter(|w| {
            with_items(**w)
                .iter()
                .any(|(_, a)| a.is_some_and(|a| compact(file.text(a)) == op.text))
        })
        .max_by_key(|w| w.start_byte())
        .and_then(|w| w.field("body"))
}

#[allow(clippy::too_many_arguments)]
fn build(
    file: &FileCtx,
    ops: &[Op<'_>],
    receiver: Option<Node<'_>>,
    kind: String,
    explicit: bool,
    node: Node<'_>,
    (start_byte, end_byte): (usize, usize),
    start_row: usize,
    end_row: usize,
    end_op: Option<Node<'_>>,
    ends_with: &'static str,
    decls: &[&SpanDecl],
) -> TxSpan {
    let receiver_text = receiver.map(|r| compact(file.text(r))).unwrap_or_default();
    let inside = |n: Node<'_>| start_byte <= n.start_byte() && n.end_byte() <= end_byte;
    // Operations of the span: on its receiver, or (no receiver) on any receiver of a kind the
    // span's declarations list (any kind when they list none).
    let listed: Vec<&str> = decls
        .iter()
        .flat_map(|d| d.receivers.iter().map(String::as_str))
        .collect();
    let mine: Vec<&Op<'_>> = ops
        .iter()
        .filter(|o| inside(o.call))
        .filter(|o| {
            if receiver.is_some() {
                o.text == receiver_text
            } else {
                listed.is_empty() || listed.contains(&&*o.op.kind)
            }
        })
        .collect();
    let mut writes: Vec<Node<'_>> = mine
        .iter()
        .filter(|o| WRITE_CLASSES.contains(&o.class.as_str()))
        .map(|o| o.call)
        .collect();
    if file.language == Language::Python {
        writes.extend(entity_writes(file, &mine, start_byte, end_byte));
    }
    writes.sort_by_key(|n| n.start_byte());
    let lines = count_lines(file, start_row, end_row);
    TxSpan {
        receiver: receiver.map(NodeKey::of),
        receiver_text,
        kind,
        explicit,
        node: NodeKey::of(node),
        start_byte,
        end_byte,
        start_line: start_row + 1,
        end_line: end_row + 1,
        lines,
        writes: writes.into_iter().map(NodeKey::of).collect(),
        ops: mine.iter().map(|o| NodeKey::of(o.call)).collect(),
        end_op: end_op.map(NodeKey::of),
        ends_with,
    }
}

/// Attribute assignments on entities loaded through the span's operations (`order = await
/// s.get(Order, id)` then `order.status = "paid"`; `for j in s.scalars(q): j.done = True`),
/// after the load and inside the span: the unit of work flushes them at commit.
fn entity_writes<'t>(
    file: &'t FileCtx,
    ops: &[&Op<'t>],
    start: usize,
    end: usize,
) -> Vec<Node<'t>> {
    let mut loaded: Vec<(String, usize, Node<'t>)> = Vec::new(); // (name, loaded at, scope)
    for o in ops.iter().filter(|o| o.class == "read") {
        let mut child = o.call;
        for a in super::ancestors_iter(file, o.call) {
            match a.kind_str() {
                "assignment" => {
                    if a.field("right").is_some_and(|r| r.id() == child.id()) {
                        if let Some(l) = a.field("left").filter(|l| l.kind_str() == "identifier") {
                            loaded.push((file.text(l).to_string(), a.end_byte(), a));
                        }
                    }
                    break;
                }
                "for_statement" => {
                    if a.field("right").is_some_and(|r| r.id() == child.id()) {
                        if let (Some(l), Some(b)) = (a.field("left"), a.field("body")) {
                            if l.kind_str() == "identifier" {
                                loaded.push((file.text(l).to_string(), b.start_byte(), b));
                            }
                        }
                    }
                    break;
                }
                // Look through `await`, calls chained on the result (`.scalar_one()`,
                // `.first()`), attribute access and parentheses.
                "await" | "call" | "attribute" | "parenthesized_expression" | "argument_list" => {}
                _ => break,
            }
            child = a;
        }
    }
    if loaded.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let root = file.tree.root_node();
    let Some(region) = root.descendant_for_byte_range(start, end) else {
        return out;
    };
    let mut stack = vec![region];
    while let Some(n) = stack.pop() {
        if n.end_byte() <= start || n.start_byte() >= end {
            continue;
        }
        if is_function(file.language, n) && n.id() != region.id() {
            continue;
        }
        if matches!(n.kind_str(), "assignment" | "augmented_assignment")
            && start <= n.start_byte()
            && n.end_byte() <= end
        {
            if let Some(l) = n.field("left").filter(|l| l.kind_str() == "attribute") {
                if let Some(obj) = l.field("object").filter(|o| o.kind_str() == "identifier") {
                    let name = file.text(obj);
                    if loaded
                        .iter()
                        .any(|(x, at, _)| x == name && *at <= n.start_byte())
                    {
                        out.push(n);
                    }
                }
            }
        }
        stack.extend(file.named_children(n));
    }
    out
}

/// An operation's class, refined by its first argument: a `read` (`execute`) of an SQL string
/// whose verb writes, or of a statement built by `insert(…)`/`update(…)`/`delete(…)`, is that
/// write.
fn refine(file: &FileCtx, call: Node<'_>, class: &str) -> String {
    if class != "read" {
        return class.to_string();
    }
    let args = super::call_args(file, call);
    let Some(first) = args.positional.first() else {
        return class.to_string();
    };
    match super::receiver::sql_verb(file, *first).as_str() {
        "INSERT" => return "insert".into(),
        "UPDATE" | "MERGE" => return "update".into(),
        "DELETE" => return "delete".into(),
        _ => {}
    }
    // The call a statement chain starts with: `update(M).where(…).values(…)`.
    let mut cur = unwrap_await(*first);
    for _ in 0..16 {
        if !matches!(cur.kind_str(), "call" | "call_expression") {
            break;
        }
        let Some(f) = cur.field("function") else {
            break;
        };
        match member_parts(f) {
            Some((object, _)) if matches!(object.kind_str(), "call" | "call_expression") => {
                cur = object;
            }
            _ => {
                let name = resolve(file, f);
                let last = name.rsplit('.').next().unwrap_or(&name);
                return match last {
                    "insert" => "insert".into(),
                    "update" => "update".into(),
                    "delete" => "delete".into(),
                    _ => class.to_string(),
                };
            }
        }
    }
    class.to_string()
}

/// (value, `as` target) of every item of a `with` statement.
fn with_items(w: Node<'_>) -> Vec<(Node<'_>, Option<Node<'_>>)> {
    let mut out = Vec::new();
    let mut stack = vec![w];
    while let Some(n) = stack.pop() {
        let kids: Vec<_> = crate::tree_walk::named_children(n);
        for k in kids.into_iter().rev() {
            match k.kind_str() {
                "with_clause" => stack.push(k),
                "with_item" => {
                    let Some(v) = k.field("value") else {
                        continue;
                    };
                    if v.kind_str() == "as_pattern" {
                        let target = v.field("alias").and_then(|t| t.named_child_at(0));
                        if let Some(value) = v.named_child_at(0) {
                            out.push((value, target));
                        }
                    } else {
                        out.push((v, None));
                    }
                }
                _ => {}
            }
        }
    }
    out
}

fn unwrap_await(mut n: Node<'_>) -> Node<'_> {
    while matches!(
        n.kind_str(),
        "await" | "await_expression" | "parenthesized_expression"
    ) {
        match n.named_child_at(0) {
            Some(c) => n = c,
            None => break,
        }
    }
    n
}

fn compact(s: &str) -> String {
    s.split_whitespace().collect()
}

/// Non-blank lines of rows `start..=end` that are not only a comment.
fn count_lines(file: &FileCtx, start: usize, end: usize) -> usize {
    // Rows are 0-based.
    file.code_lines(start + 1, end + 1)
}
