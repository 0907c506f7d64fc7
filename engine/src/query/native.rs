//! Native matching of anchored patterns.
//!
//! The file walk runs a group's query anchored on each node of the kind its pattern starts
//! with. A tree-sitter query cursor pays for its generality there: it steps through every node
//! of the anchor's subtree down to the pattern's depth, keeps a state per partial match, and
//! compares every state with every node (callgrind on prefect: ~23,000 instructions a run, a
//! sixth of the engine's cost with every pack). Most patterns of the built-in packs are trees
//! of node kinds, fields and text predicates; for those the engine descends itself, reading
//! only the children each step asks for, and shares the children lists of one anchor between
//! the patterns tried on it.
//!
//! [`Native::compile`] accepts a pattern only when its matches are certain to be the query's,
//! and in the same order:
//! - nodes of a named kind or `(_)`, alternations of named kinds that no node can match twice
//!   (pairwise different kinds), fields, positional children and `.` anchors;
//! - the text predicates `#eq?`, `#not-eq?`, `#any-of?`, `#not-any-of?`, `#match?` and
//!   `#not-match?` with string arguments (engine predicates are stripped before);
//! - no quantifier, anonymous node, `_` without parentheses, negated field or capture on a
//!   group;
//! - a child step that may match several children of its parent is the parent's last step, or
//!   captures its node or one below it. tree-sitter drops an in-progress match whose captures are a subset of
//!   another's at the same step ("longest match"): two choices of an uncaptured child followed
//!   by another step would be one match to the query and two here.
//!
//! Everything else runs as a query. Tests compare both on every node of the repository's
//! source files (`native_matches_are_the_querys`), and the packs' test compares a whole run
//! with and without the engine's shortcuts (`query_guards_change_no_result`).

use std::collections::BTreeMap;
use tree_sitter::{Node, QueryCapture};

use super::guard::{parse_all, single, Child, Compiler, FieldMemo, Pat, Placed, TextTest};
use crate::lang::Language;

/// A compiled pattern, with the capture indices of its query.
#[derive(Debug)]
pub(crate) struct Native {
    root: Alt,
    /// (capture index, test, whether it must hold (`false`: the `not-` form)).
    tests: Vec<(u32, TextTest, bool)>,
}

/// One node of the pattern: a kind or an alternation of kinds.
#[derive(Debug)]
struct Alt {
    options: Vec<NodePat>,
    /// Captures on the alternation (`[(a) (b)] @x`).
    captures: Vec<u32>,
}

#[derive(Debug)]
struct NodePat {
    /// Kind ids the node may have; `None`: any named node but an `ERROR`.
    kinds: Option<Vec<u16>>,
    captures: Vec<u32>,
    steps: Vec<Step>,
}

/// A child pattern of a node, matched against the node's named children in order.
#[derive(Debug)]
struct Step {
    /// The field the child must be in; `None`: any child.
    field: Option<u16>,
    /// A `.` before it: the named child right after the previous step's (the first one for the
    /// first step).
    immediate: bool,
    /// A `.` after the last step: the last named child.
    last: bool,
    pat: Alt,
}

impl Native {
    /// The native form of one pattern as tree-sitter sees it (engine predicates stripped), with
    /// `capture` giving the query's index of a capture name; `None` when the pattern has a shape
    /// the engine does not match by itself (see the module docs).
    pub(crate) fn compile(
        lang: Language,
        pattern: &str,
        capture: impl Fn(&str) -> Option<u32>,
    ) -> Option<Native> {
        let (pat, preds, whole, skipped) = parse_all(pattern)?;
        if !whole || skipped {
            return None;
        }
        let pat = single(&pat)?;
        let tests_none = BTreeMap::new();
        let c = Compiler {
            lang,
            grammar: lang.grammar(),
            tests: &tests_none,
        };
        let root = alt(&c, pat, &capture)?;
        let mut tests = Vec::new();
        for (name, cap, args) in preds {
            let (test, positive) = match (name.as_str(), args.as_slice()) {
                ("eq?", [s]) => (TextTest::Eq(s.clone()), true),
                ("not-eq?", [s]) => (TextTest::Eq(s.clone()), false),
                ("any-of?", v) if !v.is_empty() => (TextTest::AnyOf(v.to_vec()), true),
                ("not-any-of?", v) if !v.is_empty() => (TextTest::AnyOf(v.to_vec()), false),
                ("match?", [r]) => (TextTest::Match(regex::bytes::Regex::new(r).ok()?), true),
                ("not-match?", [r]) => (TextTest::Match(regex::bytes::Regex::new(r).ok()?), false),
                _ => return None,
            };
            tests.push((capture(&cap)?, test, positive));
        }
        Some(Native { root, tests })
    }

    /// Every match of the pattern anchored on `memo.node`, in the query's order, appended to
    /// `out` as the captures of each.
    pub(crate) fn matches<'t>(
        &self,
        memo: &mut FieldMemo<'t>,
        source: &[u8],
        out: &mut Vec<Vec<QueryCapture<'t>>>,
    ) {
        let node = memo.node;
        let at = memo.table.map(|(_, i)| i);
        let mut caps = Vec::new();
        let first = out.len();
        let mut done = |_: &mut FieldMemo<'t>, caps: &mut Vec<QueryCapture<'t>>| {
            // Two ways to match that capture the same nodes are one match, as for tree-sitter:
            // `(argument_list (_))` holds once for a call with two arguments, not twice.
            let same = |m: &Vec<QueryCapture<'t>>| {
                m.len() == caps.len()
                    && m.iter()
                        .zip(caps.iter())
                        .all(|(a, b)| a.index == b.index && a.node.id() == b.node.id())
            };
            if self.tests_hold(caps, source) && !out[first..].iter().any(same) {
                out.push(caps.clone());
            }
        };
        match_alt(&self.root, node, at, memo, &mut caps, &mut done);
    }

    fn tests_hold(&self, caps: &[QueryCapture<'_>], source: &[u8]) -> bool {
        self.tests.iter().all(|(index, test, positive)| {
            // A capture the match did not reach (the other side of an alternation) passes,
            // as it does for tree-sitter.
            caps.iter()
                .filter(|c| c.index == *index)
                .all(|c| test.holds(&source[c.node.byte_range()]) == *positive)
        })
    }
}

fn alt(c: &Compiler<'_>, pat: &Pat, capture: &impl Fn(&str) -> Option<u32>) -> Option<Alt> {
    let ids = |names: &[String]| -> Option<Vec<u32>> { names.iter().map(|n| capture(n)).collect() };
    match pat {
        Pat::Node {
            quantified: false, ..
        } => Some(Alt {
            options: vec![node_pat(c, pat, capture)?],
            captures: Vec::new(),
        }),
        Pat::Alt {
            alts,
            captures,
            quantified: false,
        } => {
            let mut options = Vec::new();
            let mut seen: Vec<u16> = Vec::new();
            for a in alts {
                let np = node_pat(c, a, capture)?;
                // Pairwise different kinds: a node matches one alternative at most.
                let kinds = np.kinds.as_ref()?;
                if kinds.iter().any(|k| seen.contains(k)) {
                    return None;
                }
                seen.extend(kinds);
                options.push(np);
            }
            (!options.is_empty()).then_some(Alt {
                options,
                captures: ids(captures)?,
            })
        }
        _ => None,
    }
}

fn node_pat(
    c: &Compiler<'_>,
    pat: &Pat,
    capture: &impl Fn(&str) -> Option<u32>,
) -> Option<NodePat> {
    let Pat::Node {
        kind,
        children,
        captures,
        quantified: false,
    } = pat
    else {
        return None;
    };
    let kinds = if kind == "_" {
        None
    } else {
        // A kind the grammar does not have, or a supertype: left to the query.
        Some(c.kind_ids(kind, true)?)
    };
    let mut steps: Vec<Step> = Vec::new();
    let mut anchored = false;
    for child in children {
        let (field, sub) = match child {
            Child::Anchor => {
                anchored = true;
                continue;
            }
            Child::NotField => return None,
            Child::Field(name, sub) => (Some(c.grammar.field_id_for_name(name)?.get()), sub),
            Child::Pos(sub) => (None, sub),
        };
        steps.push(Step {
            field,
            immediate: std::mem::take(&mut anchored),
            last: false,
            pat: alt(c, sub, capture)?,
        });
    }
    if anchored {
        steps.last_mut()?.last = true;
    }
    // A step that may match several children must be the last or capture its node (module
    // docs: tree-sitter's longest-match rule).
    let n = steps.len();
    for (i, s) in steps.iter().enumerate() {
        let single = s.immediate
            || s.last
            || s.field.is_some_and(|f| {
                let name = c.grammar.field_name_for_id(f).unwrap_or("");
                kind != "_" && !c.multiple(kind, name)
            });
        if !single && i + 1 < n && !s.pat.captures_always() {
            return None;
        }
    }
    Some(NodePat {
        kinds,
        captures: captures.iter().map(|n| capture(n)).collect::<Option<_>>()?,
        steps,
    })
}

/// What to do with the captures of one way a pattern matched (the rest of the pattern, or the
/// match itself).
type Then<'a, 't> = &'a mut dyn FnMut(&mut FieldMemo<'t>, &mut Vec<QueryCapture<'t>>);

impl Alt {
    /// Whether every match of this node captures it or a node below it: two ways of matching
    /// a step then never have one's captures a subset of the other's.
    fn captures_always(&self) -> bool {
        !self.captures.is_empty()
            || self
                .options
                .iter()
                .all(|o| !o.captures.is_empty() || o.steps.iter().any(|s| s.pat.captures_always()))
    }
}

/// Matches `node` against `alt`, calling `k` with the captures of each way it matches.
fn match_alt<'t>(
    alt: &Alt,
    node: Node<'t>,
    at: Option<usize>,
    memo: &mut FieldMemo<'t>,
    caps: &mut Vec<QueryCapture<'t>>,
    k: Then<'_, 't>,
) {
    let kind = memo.kind_of(node, at);
    let Some(opt) = alt.options.iter().find(|o| match &o.kinds {
        Some(kinds) => kinds.contains(&kind),
        None => node.is_named() && !node.is_error(),
    }) else {
        return;
    };
    let mark = caps.len();
    for &index in alt.captures.iter().chain(&opt.captures) {
        caps.push(QueryCapture { node, index });
    }
    match_steps(opt, (node, at), 0, 0, memo, caps, k);
    caps.truncate(mark);
}

/// Matches the steps of `np` from `i` on, against the named children of `node` from `from` on.
fn match_steps<'t>(
    np: &NodePat,
    (node, at): Placed<'t>,
    i: usize,
    from: usize,
    memo: &mut FieldMemo<'t>,
    caps: &mut Vec<QueryCapture<'t>>,
    k: Then<'_, 't>,
) {
    let Some(step) = np.steps.get(i) else {
        k(memo, caps);
        return;
    };
    let list = kids(memo, node, at);
    let n = memo.kids[list].1.len();
    let to = if step.immediate { n.min(from + 1) } else { n };
    for j in from..to {
        if step.last && j + 1 != n {
            continue;
        }
        let (child, field, child_at) = memo.kids[list].1[j];
        if step.field.is_some_and(|f| f != field) {
            continue;
        }
        match_alt(&step.pat, child, child_at, memo, caps, &mut |memo, caps| {
            match_steps(np, (node, at), i + 1, j + 1, memo, caps, k)
        });
    }
}

/// The index in `memo.kids` of the named children of `node` (with their field ids and table
/// indices), listed on first use: off the file's node table when the node's index `at` in it is
/// known, else by the engine's walk.
fn kids<'t>(memo: &mut FieldMemo<'t>, node: Node<'t>, at: Option<usize>) -> usize {
    if let Some(i) = memo.kids.iter().position(|(id, _)| *id == node.id()) {
        return i;
    }
    let listed = memo
        .table
        .zip(at)
        .filter(|((table, _), i)| !table.skipped[*i]);
    if let Some(((table, _), i)) = listed {
        let list = table
            .children(i)
            .filter(|&j| table.nodes[j].is_named())
            .map(|j| (table.nodes[j], table.field[j], Some(j)))
            .collect();
        memo.kids.push((node.id(), list));
        return memo.kids.len() - 1;
    }
    // The engine's walk gives the cursor's children and fields (`tree_walk`'s tests) without
    // the cursor's climb through hidden nodes at each sibling (about 500 instructions a step).
    let mut list = Vec::new();
    crate::tree_walk::for_each_child(node, |child, field| {
        if child.is_named() {
            list.push((child, field, None));
        }
        true
    });
    memo.kids.push((node.id(), list));
    memo.kids.len() - 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};
    use tree_sitter::{Query, QueryCursor, StreamingIterator};

    /// Every pattern of the built-in packs as tree-sitter sees it (engine predicates stripped),
    /// with its language, read from the packs' TOML and query files.
    fn pack_patterns(root: &Path) -> Vec<(Language, String)> {
        let mut out = Vec::new();
        let mut tomls: Vec<PathBuf> = std::fs::read_dir(root.join("packs"))
            .expect("packs directory")
            .flatten()
            .filter(|e| e.path().is_dir())
            .flat_map(|e| std::fs::read_dir(e.path()).into_iter().flatten().flatten())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        tomls.sort();
        for path in tomls {
            let text = std::fs::read_to_string(&path).expect("pack file");
            let doc: toml::Table = toml::from_str(&text).expect("pack TOML");
            for table in ["detector", "extractor"] {
                let Some(toml::Value::Array(items)) = doc.get(table) else {
                    continue;
                };
                for item in items {
                    let Some(lang) = item
                        .get("language")
                        .and_then(|v| v.as_str())
                        .and_then(Language::parse)
                    else {
                        continue;
                    };
                    let query = match (item.get("query"), item.get("query_file")) {
                        (Some(q), _) => q.as_str().unwrap_or("").to_string(),
                        (None, Some(f)) => std::fs::read_to_string(
                            path.parent().unwrap().join(f.as_str().unwrap_or("")),
                        )
                        .expect("query file"),
                        _ => continue,
                    };
                    let q = Query::new(&lang.grammar(), &super::super::custom::strip(&query))
                        .expect("pack query compiles");
                    let stripped = super::super::custom::strip(&query);
                    for p in 0..q.pattern_count() {
                        let start = q.start_byte_for_pattern(p);
                        let end = if p + 1 < q.pattern_count() {
                            q.start_byte_for_pattern(p + 1)
                        } else {
                            stripped.len()
                        };
                        out.push((lang, stripped[start..end].to_string()));
                    }
                }
            }
        }
        out
    }

    /// A match as a comparable value: its captures as (index, node id), sorted.
    type Seen = Vec<(u32, usize)>;

    fn seen(caps: &[QueryCapture<'_>]) -> Seen {
        let mut v: Seen = caps.iter().map(|c| (c.index, c.node.id())).collect();
        v.sort_unstable();
        v
    }

    /// Compares the native matches of `native` with those of `query` on every node of `tree`
    /// whose kind the pattern starts with (the only nodes the walk anchors it on); returns how
    /// many matches there were, or a description of the first difference.
    fn compare(
        query: &Query,
        native: &Native,
        tree: &tree_sitter::Tree,
        table: &crate::file::NodeTable,
        text: &str,
    ) -> Result<usize, String> {
        let mut qc = QueryCursor::new();
        qc.set_max_start_depth(Some(0));
        let mut count = 0;
        let mut cursor = tree.walk();
        let mut reused = FieldMemo::new(tree.root_node());
        loop {
            let node = cursor.node();
            let anchored = native
                .root
                .options
                .iter()
                .any(|o| o.kinds.as_ref().is_none_or(|k| k.contains(&node.kind_id())));
            if anchored {
                let mut expected: Vec<Seen> = Vec::new();
                let mut m = qc.matches(query, node, text.as_bytes());
                while let Some(m) = m.next() {
                    expected.push(seen(m.captures()));
                }
                // With the cursor, and off the file's node table as the walk runs it (when the
                // table lists the node): one memo for the whole walk, reset at each anchor.
                let mut check = |memo: &mut FieldMemo<'_>| -> Result<(), String> {
                    let mut got = Vec::new();
                    native.matches(memo, text.as_bytes(), &mut got);
                    let got: Vec<Seen> = got.iter().map(|c| seen(c)).collect();
                    if got != expected {
                        return Err(format!(
                            ":{}:{}: query {expected:?}, native {got:?}",
                            node.start_position().row + 1,
                            node.start_position().column + 1
                        ));
                    }
                    count += got.len();
                    Ok(())
                };
                check(&mut FieldMemo::new(node))?;
                if let Some(at) = table.index_of(node) {
                    reused.reset_in_table(table, at);
                    check(&mut reused)?;
                }
            }
            if cursor.goto_first_child() || cursor.goto_next_sibling() {
                continue;
            }
            loop {
                if !cursor.goto_parent() {
                    return Ok(count);
                }
                if cursor.goto_next_sibling() {
                    break;
                }
            }
        }
    }

    /// Patterns the built-in packs do not have, for the shapes the rules above are about.
    const SHAPES: &[&str] = &[
        // Anchors: first, last, only, adjacent.
        "((argument_list . (identifier) @a) @l)",
        "((argument_list (identifier) @a .) @l)",
        "((argument_list . (_) @a .) @l)",
        "((argument_list (identifier) @a . (string) @b) @l)",
        // A positional step that may match several children, last or captured.
        "((block (expression_statement (call) @c)) @b)",
        // An uncaptured step that several children match: one match, not one per child.
        "((call arguments: (argument_list (_))) @c)",
        "((block (expression_statement)) @b)",
        "((block (expression_statement) @s (return_statement) @r) @b)",
        // Alternations, text predicates, wildcards, a field that holds several children.
        "((call function: [(identifier) @f (attribute attribute: (identifier) @f)]) @c (#match? @f \"^[a-z]\"))",
        "((call function: (_) @f) @c (#not-eq? @f \"print\"))",
        // Capture names with dots, as tree-sitter allows.
        "((call function: (attribute object: (_) @fn.object) @fn.name) @call.site (#not-eq? @fn.object \"self\"))",
        "((call arguments: (argument_list (keyword_argument name: (identifier) @k))) @c (#any-of? @k \"timeout\" \"echo\"))",
        "((decorated_definition (decorator) @d definition: (function_definition name: (identifier) @n)) @x)",
        "((class_definition superclasses: (argument_list (identifier) @base)) @c (#not-any-of? @base \"object\"))",
        "((module (expression_statement (assignment left: (identifier) @n right: (_) @v))) (#not-match? @n \"^_\"))",
    ];

    /// The engine matches a pattern itself only when it finds what the query finds, in the
    /// same order: every pattern of the built-in packs and the shapes above, on every node of
    /// the repository's source files.
    #[test]
    fn native_matches_are_the_querys() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut patterns = pack_patterns(&root);
        patterns.extend(SHAPES.iter().map(|p| (Language::Python, p.to_string())));
        let mut native = 0;
        let mut matches = 0;
        let mut failures = Vec::new();
        for lang in Language::ALL {
            let files: Vec<(PathBuf, String, tree_sitter::Tree)> =
                crate::repository_sources(lang, &["packs", "examples", "tests"])
                    .into_iter()
                    .filter_map(|(p, t)| {
                        let tree = crate::engine::parse(lang, &t)?;
                        Some((p, t, tree))
                    })
                    .collect();
            // Whole, and leaving out the children of argument lists and blocks (as the walk
            // leaves out subtrees without a pattern's marker): the matcher then reads them from
            // tree-sitter.
            let tables: Vec<[crate::file::NodeTable; 2]> = files
                .iter()
                .map(|(_, _, tree)| {
                    let fields = true;
                    [
                        crate::file::NodeTable::build(tree.root_node(), fields, |_| true),
                        crate::file::NodeTable::build(tree.root_node(), fields, |n| {
                            !matches!(n.kind(), "argument_list" | "block")
                        }),
                    ]
                })
                .collect();
            for (_, pattern) in patterns.iter().filter(|(l, _)| *l == lang) {
                let q = Query::new(&lang.grammar(), pattern).expect("pattern compiles");
                let Some(nv) = Native::compile(lang, pattern, |n| q.capture_index_for_name(n))
                else {
                    continue;
                };
                native += 1;
                for ((path, text, tree), both) in files.iter().zip(&tables) {
                    for table in both {
                        match compare(&q, &nv, tree, table, text) {
                            Ok(n) => matches += n,
                            Err(e) => failures.push(format!("{pattern}\n  {}{e}", path.display())),
                        }
                    }
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        assert!(native >= 100, "only {native} patterns are matched natively");
        assert!(matches >= 10_000, "only {matches} matches compared");
    }

    /// A group of one pattern is not compiled unless it runs as a query, so the engine numbers
    /// its captures itself: they must be numbered as tree-sitter numbers them, for every
    /// built-in pattern and for the awkward texts below.
    #[test]
    fn capture_numbering_is_tree_sitters() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut patterns = pack_patterns(&root);
        patterns.extend(SHAPES.iter().map(|p| (Language::Python, p.to_string())));
        for extra in [
            "; a comment (call) @not_a_capture\n((call function: (_) @fn.name) @site (#eq? @fn.name \"x@y\"))",
            "((string) @s (#match? @s \"@[a-z]\\\"@\") (#eq? @s \"@q\"))",
            "  \n ;; two\n ; comments\n[(call) @b (identifier) @a] @b",
            "((assignment left: (_) @l-value right: (_) @r) @a (#not-eq? @l-value @r))",
        ] {
            patterns.push((Language::Python, extra.to_string()));
        }
        assert!(patterns.len() > 150, "only {} patterns", patterns.len());
        for (lang, pattern) in &patterns {
            let q = Query::new(&lang.grammar(), pattern).expect("pattern compiles");
            if q.pattern_count() != 1 {
                continue;
            }
            let ours = crate::query::guard::capture_names(pattern).expect("captures read");
            assert_eq!(ours, q.capture_names(), "{pattern}");
            assert_eq!(
                crate::query::guard::pattern_start(pattern),
                q.start_byte_for_pattern(0),
                "{pattern}"
            );
        }
    }

    /// Shapes tree-sitter would match differently, or the engine cannot read, stay queries.
    #[test]
    fn other_shapes_are_left_to_the_query() {
        for pattern in [
            // An uncaptured step that may match several children, then another step.
            "((block (expression_statement) (return_statement) @r) @b)",
            // Quantifiers, anonymous nodes, negated fields, bare wildcards.
            "((block (expression_statement)* @s) @b)",
            "((binary_operator operator: \"+\" @op) @b)",
            "((function_definition !return_type) @f)",
            "((call arguments: (argument_list _ @a)) @c)",
            // Overlapping alternatives, predicates on two captures or unknown ones.
            "((call function: [(identifier) @f (identifier) @g]) @c)",
            "((call function: (identifier) @f arguments: (argument_list (identifier) @a)) @c (#eq? @f @a))",
            "((call function: (identifier) @f) @c (#any-match? @f \"x\"))",
            "((call function: (identifier) @f) @c (#set! tag \"x\"))",
        ] {
            let q = Query::new(&Language::Python.grammar(), pattern).expect("pattern compiles");
            assert!(
                Native::compile(Language::Python, pattern, |n| q.capture_index_for_name(n))
                    .is_none(),
                "{pattern} should stay a query"
            );
        }
    }
}
