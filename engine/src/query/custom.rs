//! Query predicates evaluated by the engine, before any script runs.
//!
//! tree-sitter evaluates `#eq?`, `#match?` and `#any-of?` itself; predicates it does not know are
//! handed to the host (`Query::general_predicates`). ppa defines a few that are both common and
//! cheap, so most candidates are dropped in Rust and never reach a rhai predicate:
//!
//! | predicate | true when |
//! |---|---|
//! | `(#resolves-to? @c "vocab")` | the capture resolves (P1) to a name in the pack vocabulary |
//! | `(#in-async-fn? @c)` | the nearest enclosing function is a coroutine |
//! | `(#in-loop? @c)` | the capture is inside a loop body (P4) |
//! | `(#in-call-arg-of? @c "vocab")` | the capture is inside an argument of a call to the vocabulary (an offload wrapper) |
//! | `(#names-function? @c)` | the capture names a function the call graph can qualify (`target_name` is not `()`) |
//! | `(#in-decorated-fn? @c "vocab")` | the nearest enclosing function has a decorator (resolved, P1) in the vocabulary: a route handler, a task |
//! | `(#parent-kind? @c "kind" …)` | the capture's parent node is of one of the kinds |
//!
//! Each has a `#not-…` form.

use crate::file::FileCtx;
use crate::lang::NodeExt;
use crate::semantics;
use crate::vocab::Vocabularies;
use tree_sitter::{Node, Query, QueryPredicateArg};

pub(crate) const HELP: &str = "engine predicates: (#resolves-to? @c \"vocab\"), (#in-async-fn? @c), (#in-loop? @c), (#in-call-arg-of? @c \"vocab\"), (#names-function? @c), (#in-decorated-fn? @c \"vocab\"), (#parent-kind? @c \"kind\" …), each with a #not- form";

#[derive(Debug, Clone)]
pub(crate) enum Test {
    ResolvesTo(String),
    InAsyncFn,
    InLoop,
    InCallArgOf(String),
    NamesFunction,
    InDecoratedFn(String),
    /// The capture spans at least this many lines (first to last, both counted).
    MinLines(usize),
    /// An argument of the captured call or argument list names a parameter of the enclosing
    /// function (passed on as it is, positionally or as a keyword argument's value).
    PassesParam,
    /// A transaction span (P5) is open at the capture, its kind starting with this (`""`: any);
    /// with `true`, a span that writes (`has_write`).
    InTxSpan(String, bool),
    /// The capture's parent is of one of these kinds (by name: a JavaScript detector's
    /// predicates also run on TypeScript, whose grammar numbers its kinds differently).
    ParentKind(Vec<String>),
}

#[derive(Debug, Clone)]
pub(crate) struct CustomPredicate {
    pub capture: String,
    pub test: Test,
    pub negate: bool,
}

/// What the file walk knows at the node a query is anchored on.
pub(crate) struct Hint<'a, 't> {
    pub anchor: Node<'t>,
    /// Whether the anchor is inside a coroutine.
    pub in_async: bool,
    /// The functions enclosing the anchor, outermost first.
    pub functions: &'a [Node<'t>],
    /// Whether the anchor is itself a function boundary (then its children have another scope).
    pub anchor_is_function: bool,
}

impl<'a, 't> Hint<'a, 't> {
    /// The enclosing functions of `node` when the walk's stack is valid for it: the anchor or a
    /// direct child of it (a call's callee), and the anchor opens no scope of its own.
    fn scope_for(&self, node: Node<'t>) -> Option<&'a [Node<'t>]> {
        if self.anchor_is_function {
            return None;
        }
        let direct = node.id() == self.anchor.id() || crate::tree_walk::is_child(self.anchor, node);
        direct.then_some(self.functions)
    }
}

/// Why a pattern's host predicates do not compile.
#[derive(Debug)]
pub(crate) struct CompileError {
    pub message: String,
    /// The text to point at in the query (a quoted vocabulary name or `#name?`).
    pub word: String,
    /// The unknown vocabulary, for a "did you mean".
    pub vocab: Option<String>,
}

fn err(message: String, word: String) -> CompileError {
    CompileError {
        message,
        word,
        vocab: None,
    }
}

/// Reads the host predicates of one pattern.
pub(crate) fn compile(
    q: &Query,
    grammar: &tree_sitter::Language,
    pattern: usize,
    vocab: &Vocabularies,
) -> Result<Vec<CustomPredicate>, CompileError> {
    let mut out = Vec::new();
    for p in q.general_predicates(pattern) {
        let op = p.operator.as_ref();
        let (negate, base) = match op.strip_prefix("not-") {
            Some(b) => (true, b),
            None => (false, op),
        };
        let word = format!("#{op}");
        let capture = match p.args.first() {
            Some(QueryPredicateArg::Capture(i)) => q.capture_names()[*i as usize].to_string(),
            _ => {
                return Err(err(
                    format!("`#{op}` takes a capture as its first argument"),
                    word,
                ))
            }
        };
        let string_arg = || match p.args.get(1) {
            Some(QueryPredicateArg::String(s)) => Ok(s.to_string()),
            _ => Err(err(
                format!("`#{op}` takes a vocabulary name as its second argument"),
                word.clone(),
            )),
        };
        let check_vocab = |name: String| {
            if vocab.get(&name).is_some() {
                return Ok(name);
            }
            let known: Vec<&str> = vocab.names().collect();
            Err(CompileError {
                message: format!(
                    "`#{op}` names vocabulary `{name}` that the pack does not define (defined: {})",
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                ),
                word: format!("\"{name}\""),
                vocab: Some(name),
            })
        };
        let test = match base {
            "resolves-to?" => Test::ResolvesTo(check_vocab(string_arg()?)?),
            "in-call-arg-of?" => Test::InCallArgOf(check_vocab(string_arg()?)?),
            "in-decorated-fn?" => Test::InDecoratedFn(check_vocab(string_arg()?)?),
            "in-async-fn?" => Test::InAsyncFn,
            "in-loop?" => Test::InLoop,
            "names-function?" => Test::NamesFunction,
            "passes-param?" => Test::PassesParam,
            "in-tx-span?" => match (p.args.get(1), p.args.get(2), p.args.len()) {
                (None, _, _) => Test::InTxSpan(String::new(), false),
                (Some(QueryPredicateArg::String(s)), None, 2) => {
                    Test::InTxSpan(s.to_string(), false)
                }
                (
                    Some(QueryPredicateArg::String(s)),
                    Some(QueryPredicateArg::String(w)),
                    3,
                ) if w.as_ref() == "writes" => Test::InTxSpan(s.to_string(), true),
                _ => {
                    return Err(err(
                        format!("`#{op}` takes a capture, optionally the start of a receiver kind, and then optionally `\"writes\"` (`(#{op} @site \"sa.\")`, `(#{op} @site \"sa.\" \"writes\")`)"),
                        word,
                    ))
                }
            },
            "parent-kind?" => {
                let usage = || {
                    err(
                        format!("`#{op}` takes a capture and one or more node kinds (`(#{op} @arg \"argument_list\" \"keyword_argument\")`)"),
                        word.clone(),
                    )
                };
                let mut names = Vec::new();
                for a in &p.args[1..] {
                    let QueryPredicateArg::String(name) = a else {
                        return Err(usage());
                    };
                    if !has_named_kind(grammar, name) {
                        let named: Vec<&str> = (0..grammar.node_kind_count() as u16)
                            .filter(|&id| grammar.node_kind_is_named(id))
                            .filter_map(|id| grammar.node_kind_for_id(id))
                            .collect();
                        let hint = match crate::pack::closest(name, named.into_iter()) {
                            Some(k) => format!("; did you mean `{k}`?"),
                            None => " (a named node kind, as in the query's patterns)".to_string(),
                        };
                        return Err(err(
                            format!("`#{op}` names node kind `{name}`, which the grammar of this query does not have{hint}"),
                            format!("\"{name}\""),
                        ));
                    }
                    names.push(name.to_string());
                }
                if names.is_empty() {
                    return Err(usage());
                }
                Test::ParentKind(names)
            }
            "min-lines?" => {
                let bad = || {
                    err(
                        format!("`#{op}` takes a whole number of lines as its second argument (`(#{op} @def \"50\")`)"),
                        word.clone(),
                    )
                };
                match p.args.get(1) {
                    Some(QueryPredicateArg::String(s)) => {
                        Test::MinLines(s.trim().parse().map_err(|_| bad())?)
                    }
                    _ => return Err(bad()),
                }
            }
            _ => {
                return Err(err(format!("unknown query predicate `#{op}`"), word));
            }
        };
        out.push(CustomPredicate {
            capture,
            test,
            negate,
        });
    }
    // Cheapest first: an ancestor walk rejects most candidates before any name is resolved.
    out.sort_by_key(|p| p.cost());
    Ok(out)
}

impl CustomPredicate {
    fn cost(&self) -> u8 {
        match self.test {
            Test::MinLines(_) | Test::InAsyncFn | Test::InLoop | Test::ParentKind(_) => 0,
            Test::ResolvesTo(_) | Test::InDecoratedFn(_) | Test::PassesParam => 1,
            // The function's spans are computed once and cached; the receiver analysis behind
            // them is the dearest of all, so it comes last.
            Test::InCallArgOf(_) | Test::NamesFunction => 2,
            Test::InTxSpan(..) => 3,
        }
    }

    /// Whether the predicate demands that its capture be inside a coroutine.
    pub(crate) fn requires_async(&self) -> bool {
        matches!(self.test, Test::InAsyncFn) && !self.negate
    }

    /// Whether the predicate demands that its capture be inside a loop.
    pub(crate) fn requires_loop(&self) -> bool {
        matches!(self.test, Test::InLoop) && !self.negate
    }

    /// The vocabulary a positive `#in-decorated-fn?` demands of its capture's function.
    pub(crate) fn requires_decorated(&self) -> Option<&str> {
        match &self.test {
            Test::InDecoratedFn(name) if !self.negate => Some(name),
            _ => None,
        }
    }

    /// Evaluates the predicate on a captured node, using what the file walk already knows
    /// about the node its query was anchored on.
    pub(crate) fn holds<'t>(
        &self,
        file: &'t FileCtx,
        node: Node<'t>,
        vocab: &Vocabularies,
        hint: Option<&Hint<'_, 't>>,
    ) -> bool {
        let v = match &self.test {
            Test::ResolvesTo(name) => {
                let target = if matches!(node.kind_str(), "call" | "call_expression") {
                    node.field("function").unwrap_or(node)
                } else {
                    node
                };
                let scope = hint.and_then(|h| h.scope_for(node));
                vocab
                    .get(name)
                    .is_some_and(|voc| resolves_into(file, target, voc, scope))
            }
            Test::InAsyncFn => match hint {
                Some(h) if h.anchor.id() == node.id() => h.in_async,
                _ => semantics::in_async_function(file, node),
            },
            Test::InLoop => semantics::enclosing_loop(file, node).is_some(),
            Test::MinLines(n) => node.end_position().row - node.start_position().row + 1 >= *n,
            Test::NamesFunction => crate::callgraph::target_name(file, node).is_some(),
            Test::PassesParam => innermost_function(file, node, hint)
                .is_some_and(|f| semantics::passes_param(file, node, f)),
            Test::InCallArgOf(name) => match vocab.get(name) {
                Some(voc) => semantics::in_call_argument(file, node, |q| voc.contains(q)),
                None => false,
            },
            Test::InTxSpan(prefix, writes) => {
                semantics::span::in_tx_span(file, node, prefix, *writes)
            }
            Test::ParentKind(names) => semantics::parent_of(file, node)
                .is_some_and(|p| names.iter().any(|n| n == p.kind())),
            Test::InDecoratedFn(name) => {
                match (vocab.get(name), innermost_function(file, node, hint)) {
                    (Some(voc), Some(f)) => decorated_with(file, f, voc),
                    _ => false,
                }
            }
        };
        v != self.negate
    }
}

/// Whether a grammar has a named node kind called `name`.
fn has_named_kind(grammar: &tree_sitter::Language, name: &str) -> bool {
    (0..grammar.node_kind_count() as u16)
        .any(|id| grammar.node_kind_is_named(id) && grammar.node_kind_for_id(id) == Some(name))
}

/// Whether an expression (a callee) resolves to a name in the vocabulary, with the cheap tests
/// first: `a.b` resolves to a name ending in `b`, so most calls are ruled out by their method
/// name alone, and most of the rest by the binding of their root ([`spelled_may_match`]),
/// without resolving them. `#resolves-to?` and the `resolves_to` built-in both ask this.
pub(crate) fn resolves_into(
    file: &FileCtx,
    target: Node<'_>,
    voc: &crate::vocab::Vocabulary,
    scope: semantics::Scope<'_, '_>,
) -> bool {
    if let Some(m) = member_name(target) {
        let last = file.text(m);
        if !voc.may_end_with(last) {
            return false;
        }
        // `a.b` resolves to `X.b` for some `X` (Python): a `*.b` entry takes it as it is.
        if file.language == crate::lang::Language::Python && voc.takes_any_receiver_of(last) {
            return true;
        }
    }
    if !spelled_may_match(file, target, voc, scope) {
        return false;
    }
    voc.contains(&semantics::resolve_shared(file, target, scope))
}

/// Whether a definition has a decorator whose resolved name is in the vocabulary, as the
/// `decorators` built-in resolves them.
fn decorated_with(file: &FileCtx, def: Node<'_>, voc: &crate::vocab::Vocabulary) -> bool {
    match def.parent() {
        Some(parent) if parent.kind_str() == "decorated_definition" => {
            decorators_match(file, parent, voc)
        }
        _ => false,
    }
}

/// Whether a `decorated_definition` has a decorator whose resolved name is in the vocabulary
/// (the walk, which knows a function's parent, asks this directly): each decorator's target
/// (`a.b` of `@a.b(…)`) as [`resolves_into`] judges a callee, so that a bare `@property` or
/// `@dataclass` is ruled out by the binding of its name instead of being resolved (callgrind,
/// prefect: about 10,000 instructions a decorated definition before).
pub(crate) fn decorators_match(
    file: &FileCtx,
    decorated: Node<'_>,
    voc: &crate::vocab::Vocabulary,
) -> bool {
    semantics::decorator_targets(decorated)
        .into_iter()
        .any(|target| resolves_into(file, target, voc, None))
}

/// Whether a Python callee may resolve into the vocabulary, judged by the binding of the root
/// of its chain instead of resolving it.
///
/// Why: the asyncio detectors' shared pattern runs on every call in a coroutine and the
/// sqlalchemy/py-drivers one on every plain call; open-tailed vocabularies (`boto3.client().*`)
/// let most calls past the member test above, and full resolution formats every chain, follows
/// assigned values and caches the result. Yet a chain `r.a().b` resolves to `q.a().b` when `r`
/// is an import of `q`, to `$r.a().b` when `r` is a local of unknown value (a parameter, a loop
/// variable) and to `r.a().b` when `r` is bound nowhere: its first segment is known from the
/// binding alone and its last is `b`. When no entry starts with that segment, only the
/// `*.`-style entries can match, by their last segment
/// ([`crate::vocab::Vocabulary::may_match_ends`]). A root that is no name (`items[0].save()`)
/// resolves to `?…`. A root bound to an assigned value, a callee that is itself a call, and
/// other languages are left to resolution: true.
fn spelled_may_match(
    file: &FileCtx,
    target: Node<'_>,
    voc: &crate::vocab::Vocabulary,
    scope: semantics::Scope<'_, '_>,
) -> bool {
    use crate::semantics::Binding;
    if file.language != crate::lang::Language::Python {
        return true;
    }
    // The root of the chain, as `semantics::python::resolve` descends it.
    let mut n = target;
    let root = loop {
        match n.kind_str() {
            "identifier" => break Some(n),
            "attribute" => match n.field("object") {
                Some(o) => n = o,
                None => return true,
            },
            "call" => match n.field("function") {
                Some(f) => n = f,
                None => return true,
            },
            "parenthesized_expression" => match n.named_child_at(0) {
                Some(inner) => n = inner,
                None => return true,
            },
            _ => break None,
        }
    };
    // The first segment of the resolved name, and the whole name when the root is the target.
    // Kept per root node: the detectors of one pattern (five asyncio vocabularies, say) ask
    // for the same callee in turn.
    let spelled: Option<std::sync::Arc<str>>;
    let first: &str = match root {
        Some(r) => {
            let cached = semantics::lock(&file.spelled_cache).get(&r.id()).cloned();
            spelled = match cached {
                Some(s) => s,
                None => {
                    let s: Option<std::sync::Arc<str>> =
                        match semantics::binding_of_use(file, r, file.text(r), scope) {
                            None => Some(file.text(r).into()),
                            Some(Binding::Local) => Some(format!("${}", file.text(r)).into()),
                            Some(Binding::Import(q)) => Some(q.into()),
                            Some(Binding::Alias(..)) => None,
                        };
                    semantics::lock(&file.spelled_cache).insert(r.id(), s.clone());
                    s
                }
            };
            match &spelled {
                Some(s) => s,
                None => return true,
            }
        }
        None => "?",
    };
    let head = first.split('.').next().unwrap_or(first);
    let last: &str = match target.kind_str() {
        "identifier" => first.rsplit('.').next().unwrap_or(first),
        "attribute" => match target.field("attribute") {
            Some(a) if target.field("object").is_some() => file.text(a),
            _ => return true,
        },
        "call" | "parenthesized_expression" => return true,
        // Any other expression resolves to `?`.
        _ => "?",
    };
    voc.may_match_ends(&[head], &[last])
}

/// The method name of a member expression (`b` in `a.b`), whose resolved name keeps it as its
/// last segment.
pub(crate) fn member_name(target: Node<'_>) -> Option<Node<'_>> {
    match target.kind_str() {
        "attribute" => target.field("attribute"),
        "member_expression" => target.field("property"),
        "selector_expression" => target.field("field"),
        _ => None,
    }
}

impl CustomPredicate {
    /// The vocabulary of a positive `#resolves-to?` on one of `captures`.
    pub(crate) fn resolves_on<'v>(
        &self,
        captures: &[String],
        vocab: &'v Vocabularies,
    ) -> Option<&'v crate::vocab::Vocabulary> {
        match &self.test {
            Test::ResolvesTo(name) if !self.negate && captures.contains(&self.capture) => {
                vocab.get(name)
            }
            _ => None,
        }
    }
}

/// The function `node` is in, the same as the `enclosing_fn` built-in gives (lambdas count), so
/// that a query filter and a predicate that re-checks agree: from the walk's scope when it has
/// one for the node, else by climbing.
fn innermost_function<'t>(
    file: &'t FileCtx,
    node: Node<'t>,
    hint: Option<&Hint<'_, 't>>,
) -> Option<Node<'t>> {
    match hint.and_then(|h| h.scope_for(node)) {
        Some(functions) => functions.last().copied(),
        None => semantics::enclosing_function(file, node),
    }
}

/// The predicates this module evaluates, by name (with and without `not-`).
const NAMES: &[&str] = &[
    "resolves-to?",
    "in-async-fn?",
    "in-loop?",
    "in-call-arg-of?",
    "names-function?",
    "in-decorated-fn?",
    "min-lines?",
    "passes-param?",
    "in-tx-span?",
];

/// A pattern's text without the engine's predicates (which tree-sitter would ignore anyway):
/// patterns equal after this match the same nodes.
pub(crate) fn strip(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(i) = rest.find("(#") {
        let after = &rest[i + 2..];
        let name = after.strip_prefix("not-").unwrap_or(after);
        let ours = NAMES.iter().any(|n| name.starts_with(n));
        let end = if ours {
            crate::engine::matching_bracket(rest, i)
        } else {
            None
        };
        match end {
            Some(e) => {
                out.push_str(&rest[..i]);
                rest = &rest[e + 1..];
            }
            None => {
                out.push_str(&rest[..i + 2]);
                rest = &rest[i + 2..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Language;

    /// The binding test never rules out a callee that resolves into the vocabulary, and rules
    /// out most of the others.
    #[test]
    fn receiver_bindings_rule_out_only_what_resolution_would() {
        let src = r#"
import requests
import httpx as hx
from pathlib import Path
from fastapi import HTTPException

client = hx.Client()

async def handler(session, items, path: Path):
    session.execute(q)
    self_ish = session
    items[0].save()
    "".join(items)
    requests.get(url)
    client.get(url)
    hx.get(url)
    path.read_text()
    Path("x").read_text()
    (session).commit()
    open("f")
    len(items)
    for row in items:
        row.read_bytes()
        later.get(url)
        later = requests.Session()
    with hx.Client() as c:
        c.post(url)
    def inner():
        from time import sleep as nap
        nap(1)
        nap2(1)
    with make() as (a, b):
        a.read()
    raise HTTPException(404)

def outer():
    import requests as rq
    def inner2():
        rq.get(url)
    return lambda: rq.get(url)

def shadow(requests, hx=None):
    requests.get(url)
    hx.get(url)
"#;
        let tree = crate::engine::parse(Language::Python, src).unwrap();
        let file = FileCtx::new("app/x.py".into(), Language::Python, src.into(), tree);
        let voc = crate::vocab::Vocabulary::new(&[
            "requests.get",
            "requests.Session().get",
            "httpx.get",
            "httpx.Client().*",
            "*.read_text",
            "*.read_bytes",
            "open",
            "time.sleep",
        ])
        .unwrap();
        let mut calls = Vec::new();
        let mut stack = vec![file.tree.root_node()];
        while let Some(n) = stack.pop() {
            if n.kind_str() == "call" {
                calls.push(n.field("function").unwrap());
            }
            stack.extend(file.named_children(n));
        }
        let (mut kept, mut ruled_out) = (Vec::new(), Vec::new());
        for callee in calls {
            let text = file.text(callee).to_string();
            let resolved = semantics::resolve(&file, callee);
            if spelled_may_match(&file, callee, &voc, None) {
                kept.push(text);
            } else {
                assert!(
                    !voc.contains(&resolved),
                    "`{text}` ({resolved}) was ruled out but is in the vocabulary"
                );
                ruled_out.push(text);
            }
        }
        kept.sort();
        ruled_out.sort();
        // In the vocabulary, or rooted at an import, an alias or a root that starts an entry.
        for k in [
            "requests.get",
            "client.get",
            "hx.get",
            "path.read_text",
            r#"Path("x").read_text"#,
            "open",
            "row.read_bytes",
            "later.get",
            "c.post",
            "nap",
            "hx.Client",
        ] {
            assert!(kept.contains(&k.to_string()), "{k} kept: {kept:?}");
        }
        // Parameters, loop variables, builtins and imports whose name starts no entry.
        for r in [
            "session.execute",
            "items[0].save",
            r#""".join"#,
            "(session).commit",
            "len",
            "nap2",
            "a.read",
            "make",
            "HTTPException",
        ] {
            assert!(
                ruled_out.contains(&r.to_string()),
                "{r} ruled out: {ruled_out:?}"
            );
        }
    }

    #[test]
    fn strip_removes_only_engine_predicates() {
        let p = "((call function: (_) @callee) @site\n  (#resolves-to? @callee \"sleep\")\n  (#eq? @callee \"x\")\n  (#not-in-call-arg-of? @site \"offload\"))";
        let s = super::strip(p);
        assert!(!s.contains("resolves-to"), "{s}");
        assert!(!s.contains("in-call-arg-of"), "{s}");
        assert!(s.contains("(#eq? @callee \"x\")"), "{s}");
        assert_eq!(s.matches('(').count(), s.matches(')').count(), "{s}");
    }
}
