//! `--compare-separate`: why the engine merges all detectors of a language into one query, and
//! what the query walk itself costs. All through public API only; no engine predicate, script or
//! finding runs in the walks, and every walk includes the parse (the caller subtracts it):
//! - *bare*: a `TreeCursor` over every node, no query: the floor of any whole-tree pass;
//! - *dispatch* (an experiment): the bare walk, running the merged query anchored
//!   (`set_max_start_depth(0)`) only on nodes of the kinds its patterns start on;
//! - *merged*: the engine's merged query over the whole tree, as `Engine::check_source` does;
//! - *separate*: every detector's query as its own pass over the same tree, with the CPU time of
//!   each;
//! - one engine per check (`EngineBuilder::select`), each a full `check_source` pass run in turn:
//!   what running checks as separate tools would cost (every pass parses again).

use crate::corpus::SourceFile;
use crate::median;
use ppa_engine::{Engine, EngineBuilder, Language};
use rayon::prelude::*;
use std::collections::HashMap;
use std::time::Instant;
use tree_sitter::{Query, QueryCursor, StreamingIterator, Tree};

/// The compiled queries of one language: merged, and one per detector.
struct LangQueries {
    merged: Query,
    /// Node kind ids the merged query's patterns start on; `None` when a pattern may start on
    /// any node (a wildcard or alternation at its root).
    root_kinds: Option<Vec<u16>>,
    /// (index into the detector names, query).
    separate: Vec<(usize, Query)>,
    /// A query of one capture per root kind (`[(call) (with_statement)] @n`): tree-sitter's
    /// own walk used as a node-kind filter, the alternative to a Rust cursor walk.
    kinds: Option<Query>,
}

/// What `--compare-separate` measured (milliseconds are medians over the runs).
#[derive(Debug)]
pub struct Separate {
    /// Detectors whose query compiled, over all languages.
    pub detectors: usize,
    /// Nodes of all trees (named and anonymous).
    pub nodes: usize,
    /// Parse + a bare `TreeCursor` walk over every node.
    pub bare_walk_ms: f64,
    /// Parse + a query walk whose only pattern is an alternation of the root kinds.
    pub kinds_walk_ms: f64,
    pub kind_nodes: usize,
    /// Parse + a bare walk that runs the merged query anchored (`set_max_start_depth(0)`) only
    /// on nodes of the kinds its patterns start on.
    pub dispatch_walk_ms: f64,
    pub dispatch_matches: usize,
    /// Parse + one merged-query walk per file.
    pub merged_walk_ms: f64,
    /// Parse + every detector's query walked separately per file.
    pub separate_walks_ms: f64,
    /// Matches found by the merged walk and by the separate walks (equal when the merge is sound).
    pub merged_matches: usize,
    pub separate_matches: usize,
    /// Per detector (`pack/name`): CPU milliseconds of its own query walk over all files,
    /// summed over threads, median over runs; most expensive first.
    pub per_detector_ms: Vec<(String, f64)>,
    /// Checks with an active detector, each run as its own engine.
    pub checks: usize,
    /// All per-check engines run one after the other over the files.
    pub engine_per_check_ms: f64,
    /// Findings of all per-check engines together (equal to the merged engine's).
    pub engine_per_check_findings: usize,
}

fn queries(engine: &Engine) -> (HashMap<Language, LangQueries>, Vec<String>) {
    let mut out = HashMap::new();
    let mut names: Vec<String> = Vec::new();
    for lang in engine.languages() {
        let grammar = lang.grammar();
        let mut text = String::new();
        let mut separate = Vec::new();
        for pack in engine.packs() {
            for d in &pack.detectors {
                if !d.language.runs_on(lang) || !engine.active_checks().contains(&d.check.id) {
                    continue;
                }
                if let Ok(q) = Query::new(&grammar, &d.query) {
                    text.push_str(&d.query);
                    text.push('\n');
                    let name = d.qualified_name();
                    let i = match names.iter().position(|n| *n == name) {
                        Some(i) => i,
                        None => {
                            names.push(name);
                            names.len() - 1
                        }
                    };
                    separate.push((i, q));
                }
            }
        }
        if let Ok(merged) = Query::new(&grammar, &text) {
            let root_kinds = root_kinds(&merged, &text, &grammar);
            let kinds = root_kinds.as_ref().and_then(|ks| {
                let alts: Vec<String> = ks
                    .iter()
                    .filter_map(|k| grammar.node_kind_for_id(*k))
                    .map(|k| format!("({k})"))
                    .collect();
                Query::new(&grammar, &format!("[{}] @n", alts.join(" "))).ok()
            });
            out.insert(
                lang,
                LangQueries {
                    merged,
                    root_kinds,
                    separate,
                    kinds,
                },
            );
        }
    }
    (out, names)
}

/// The node kinds the patterns of `query` start on, read from the query text: the first word
/// after the opening parentheses of each pattern. `None` if some pattern starts otherwise.
fn root_kinds(query: &Query, text: &str, grammar: &tree_sitter::Language) -> Option<Vec<u16>> {
    let mut kinds = Vec::new();
    for p in 0..query.pattern_count() {
        let rest = text[query.start_byte_for_pattern(p)..]
            .trim_start_matches(|c: char| c == '(' || c.is_whitespace());
        let word: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if word.is_empty() || word == "_" {
            return None;
        }
        let id = grammar.id_for_node_kind(&word, true);
        if id == 0 {
            return None;
        }
        kinds.push(id);
    }
    kinds.sort_unstable();
    kinds.dedup();
    Some(kinds)
}

/// Matches of `query` found by one cursor walk that starts the query only on nodes whose kind a
/// pattern starts on (`set_max_start_depth(0)`: patterns anchored at that node).
fn dispatch_walk(query: &Query, kinds: &[u16], tree: &Tree, source: &[u8]) -> usize {
    let mut qc = QueryCursor::new();
    qc.set_max_start_depth(Some(0));
    let mut cursor = tree.walk();
    let mut n = 0;
    loop {
        let node = cursor.node();
        if kinds.binary_search(&node.kind_id()).is_ok() {
            let mut matches = qc.matches(query, node, source);
            while matches.next().is_some() {
                n += 1;
            }
        }
        if cursor.goto_first_child() || cursor.goto_next_sibling() {
            continue;
        }
        loop {
            if !cursor.goto_parent() {
                return n;
            }
            if cursor.goto_next_sibling() {
                break;
            }
        }
    }
}

/// Number of nodes of the tree, visited with a cursor.
fn bare_walk(tree: &Tree) -> usize {
    let mut cursor = tree.walk();
    let mut n = 1;
    loop {
        if cursor.goto_first_child() || cursor.goto_next_sibling() {
            n += 1;
            continue;
        }
        loop {
            if !cursor.goto_parent() {
                return n;
            }
            if cursor.goto_next_sibling() {
                n += 1;
                break;
            }
        }
    }
}

/// Number of matches of `query` over the whole tree (captures are not read; engine predicates
/// such as `#resolves-to?` are not evaluated).
fn walk(query: &Query, tree: &Tree, source: &[u8]) -> usize {
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches(query, tree.root_node(), source);
    let mut n = 0;
    while matches.next().is_some() {
        n += 1;
    }
    n
}

fn timed<R>(f: impl FnOnce() -> R) -> (f64, R) {
    let t = Instant::now();
    let r = f();
    (t.elapsed().as_secs_f64() * 1e3, r)
}

/// Runs the comparison: `warmup` untimed and `runs` timed rounds, on the caller's thread pool.
pub fn compare(
    engine: &Engine,
    builder: impl Fn() -> EngineBuilder,
    files: &[SourceFile],
    runs: usize,
    warmup: usize,
) -> Separate {
    let (qs, names) = queries(engine);
    let detectors = qs.values().map(|q| q.separate.len()).sum();
    let add = |mut a: (usize, Vec<f64>), b: (usize, Vec<f64>)| {
        a.0 += b.0;
        for (x, y) in a.1.iter_mut().zip(b.1) {
            *x += y;
        }
        a
    };
    let zero = || (0, vec![0.0; names.len()]);
    #[derive(Clone, Copy)]
    enum Walk {
        Bare,
        Kinds,
        Dispatch,
        Merged,
        Separate,
    }
    let pass = |how: Walk| -> (usize, Vec<f64>) {
        files
            .par_iter()
            .map(|f| {
                let mut out = zero();
                let Some(q) = qs.get(&f.lang) else { return out };
                let Some(tree) = ppa_engine::parse(f.lang, &f.text) else {
                    return out;
                };
                match how {
                    Walk::Bare => out.0 = bare_walk(&tree),
                    Walk::Kinds => {
                        if let Some(k) = &q.kinds {
                            out.0 = walk(k, &tree, f.text.as_bytes());
                        }
                    }
                    Walk::Dispatch => {
                        out.0 = match &q.root_kinds {
                            Some(k) => dispatch_walk(&q.merged, k, &tree, f.text.as_bytes()),
                            None => walk(&q.merged, &tree, f.text.as_bytes()),
                        }
                    }
                    Walk::Merged => out.0 = walk(&q.merged, &tree, f.text.as_bytes()),
                    Walk::Separate => {
                        for (i, s) in &q.separate {
                            let (ms, n) = timed(|| walk(s, &tree, f.text.as_bytes()));
                            out.0 += n;
                            out.1[*i] += ms;
                        }
                    }
                }
                out
            })
            .reduce(zero, add)
    };

    let checks: Vec<String> = engine.active_checks().iter().cloned().collect();
    let engines: Vec<Engine> = checks
        .iter()
        .map(|id| builder().select(std::slice::from_ref(id)).build().0)
        .collect();
    let per_check = || -> usize {
        engines
            .iter()
            .map(|e| {
                files
                    .par_iter()
                    .map(|f| e.check_source(&f.path, &f.text).findings.len())
                    .sum::<usize>()
            })
            .sum()
    };

    let (mut dispatch, mut dispatch_matches) = (vec![], 0);
    let (mut kinds, mut kind_nodes) = (vec![], 0);
    let (mut bare, mut merged, mut separate, mut each) = (vec![], vec![], vec![], vec![]);
    let mut per_det: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
    let (mut nodes, mut merged_matches, mut separate_matches, mut findings) = (0, 0, 0, 0);
    for i in 0..warmup + runs {
        let (z, (n, _)) = timed(|| pass(Walk::Bare));
        let (k, (kn, _)) = timed(|| pass(Walk::Kinds));
        kind_nodes = kn;
        let (d, (dm, _)) = timed(|| pass(Walk::Dispatch));
        dispatch_matches = dm;
        let (a, (m, _)) = timed(|| pass(Walk::Merged));
        let (b, (s, det_ms)) = timed(|| pass(Walk::Separate));
        let (c, f) = timed(per_check);
        (nodes, merged_matches, separate_matches, findings) = (n, m, s, f);
        if i >= warmup {
            for (v, ms) in per_det.iter_mut().zip(det_ms) {
                v.push(ms);
            }
            bare.push(z);
            kinds.push(k);
            dispatch.push(d);
            merged.push(a);
            separate.push(b);
            each.push(c);
        }
    }
    Separate {
        detectors,
        nodes,
        bare_walk_ms: median(&bare),
        kinds_walk_ms: median(&kinds),
        kind_nodes,
        dispatch_walk_ms: median(&dispatch),
        dispatch_matches,
        merged_walk_ms: median(&merged),
        separate_walks_ms: median(&separate),
        merged_matches,
        separate_matches,
        per_detector_ms: {
            let mut v: Vec<(String, f64)> = names
                .into_iter()
                .zip(per_det.iter().map(|v| median(v)))
                .collect();
            v.sort_by(|a, b| b.1.total_cmp(&a.1));
            v
        },
        checks: checks.len(),
        engine_per_check_ms: median(&each),
        engine_per_check_findings: findings,
    }
}
