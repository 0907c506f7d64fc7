//! The engine: compiled packs arranged for one-pass matching, and the per-file check.
//!
//! ## One walk per file, merged queries anchored on candidate kinds
//! Every detector's query is split into its patterns and the patterns of a language are merged
//! into a few queries (one per gate, see [`Group`]), compiled once per run. Each file is then
//! walked once with a tree cursor; at a node whose kind some pattern starts with, the merged
//! query runs anchored on that node (start depth 0; tree-sitter stops descending as soon as no
//! pattern can still match deeper). The walk keeps the stack of enclosing functions, so the
//! common engine predicate "inside a coroutine?" costs nothing, and patterns that demand it are
//! not even tried outside `async` functions.
//!
//! Measured on the prefect corpus (`bench/README.md`, 2 cores): a plain tree-sitter query walk
//! over every file cost 0.5x parse time, running each detector as its own pass about 4x, and
//! this dispatching walk with the gated groups 0.2x for the walk itself. Patterns that start
//! with a wildcard or an alternation cannot be dispatched by kind; their group falls back to a
//! full query walk.
//!
//! Candidates then go through the engine's query predicates (`#resolves-to?` …, in Rust) and
//! only the survivors reach a rhai predicate.

use crate::catalog::Catalog;
use crate::error::PackErrors;
use crate::file::FileCtx;
use crate::file::{HOW_ASK, HOW_ENTER, HOW_TOKENS};
use crate::finding::{Diagnostic, Finding, Level, Position};
use crate::lang::{Language, NAME_BYTE};
use crate::pack::{self, Detector, Pack, PackSource, Role};
use crate::query::custom;
use crate::query::guard::{FieldMemo, Guard, Shallow};
use crate::query::native::Native;
use crate::script::Outcome;
use crate::semantics;
use crate::suppress;
use sha2::{Digest, Sha256};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use tree_sitter::{Parser, Query, QueryCursor, StreamingIterator};

/// Builds an [`Engine`]: add a catalogue and packs, choose checks, then [`EngineBuilder::build`].
#[derive(Debug, Default)]
pub struct EngineBuilder {
    catalog: Catalog,
    packs: Vec<Arc<Pack>>,
    select: Vec<String>,
    ignore: Vec<String>,
    job_dirs: Vec<String>,
    no_guards: bool,
    no_facts: bool,
    no_predicates: bool,
    no_predicates_of: Vec<(String, String)>,
    count_queries: bool,
}

impl EngineBuilder {
    pub fn new(catalog: Catalog) -> EngineBuilder {
        EngineBuilder {
            catalog,
            ..EngineBuilder::default()
        }
    }

    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// Loads and adds a pack. Its own checks join the catalogue.
    pub fn load_pack(&mut self, source: &dyn PackSource) -> Result<Arc<Pack>, PackErrors> {
        let pack = Arc::new(pack::load(source, &self.catalog)?);
        for c in &pack.checks {
            self.catalog.insert(c.clone());
        }
        self.packs.push(Arc::clone(&pack));
        Ok(pack)
    }

    /// The packs loaded so far.
    pub fn packs(&self) -> &[Arc<Pack>] {
        &self.packs
    }

    /// Whether a pack of that name is loaded.
    pub fn has_pack(&self, name: &str) -> bool {
        self.packs.iter().any(|p| p.meta.name == name)
    }

    /// Runs only checks matching one of these ids or prefixes (`runtime`, `query.n_plus_one`).
    /// Directory names that make a path a job location for Rule 6 (S2); empty: the defaults of
    /// CHECKS.md §5.4.
    pub fn job_dirs(mut self, dirs: &[String]) -> Self {
        self.job_dirs = dirs.to_vec();
        self
    }

    pub fn select(mut self, ids: &[String]) -> Self {
        self.select = ids.to_vec();
        self
    }

    /// Skips checks matching one of these ids or prefixes. Wins over `select`.
    pub fn ignore(mut self, ids: &[String]) -> Self {
        self.ignore = ids.to_vec();
        self
    }

    fn is_selected(&self, check: &str) -> bool {
        (self.select.is_empty() || self.select.iter().any(|s| suppress::covers(s, check)))
            && !self.ignore.iter().any(|s| suppress::covers(s, check))
    }

    /// Runs every anchored query without its guard ([`crate::query`] pre-checks). Results must
    /// be identical; the pack tests compare both ways.
    #[doc(hidden)]
    pub fn without_guards(mut self) -> Self {
        self.no_guards = true;
        self
    }

    /// Builds the engine. The queries of each language are compiled the first time a file of
    /// that language is checked (or by [`Engine::prepare`]): compiling queries is the costly
    /// part of a build, and a project rarely holds every language the packs know. Warnings of
    /// that compilation (a JavaScript detector that does not compile for the TypeScript grammar,
    /// say) come from [`Engine::plan_warnings`] or [`Engine::prepare`]; the diagnostics returned
    /// here are those of the build itself.
    /// Builds the engine without its facts phase: no extractor runs and no function index is
    /// built, so that the benchmark can tell what the facts cost (`ppa-bench --facts-share`).
    /// Checks that need facts find none; not for real runs.
    #[doc(hidden)]
    pub fn without_facts(mut self) -> Self {
        self.no_facts = true;
        self
    }

    /// Every rhai predicate answers `false` without running: a scripted detector reports nothing
    /// and a scripted extractor emits no record. The benchmark's `--predicates-share`, which
    /// measures what the engine costs without its scripts; not for real runs.
    #[doc(hidden)]
    pub fn without_predicates(mut self) -> Self {
        self.no_predicates = true;
        self
    }

    /// The same for the predicates of some detectors and extractors only, each named
    /// `pack/name`: `ppa-bench --predicates-share --predicates-of …`, which measures what those
    /// predicates cost; not for real runs. Call it after the packs are loaded: a name that
    /// matches no detector or extractor with a predicate among them is an error.
    #[doc(hidden)]
    pub fn without_predicates_of<S: AsRef<str>>(
        mut self,
        names: impl IntoIterator<Item = S>,
    ) -> Result<Self, String> {
        for name in names {
            let name = name.as_ref();
            let (pack, unit) = name.split_once('/').unwrap_or(("", name));
            let known = self.packs.iter().any(|p| {
                &*p.meta.name == pack
                    && p.detectors
                        .iter()
                        .chain(&p.extractors)
                        .any(|d| d.name == unit && d.predicate.is_some())
            });
            if !known {
                return Err(format!(
                    "`{name}` names no loaded detector or extractor with a predicate (write `pack/name`)"
                ));
            }
            self.no_predicates_of
                .push((pack.to_string(), unit.to_string()));
        }
        Ok(self)
    }

    /// Counts, per query, how often it runs and how many matches it yields
    /// ([`Engine::query_stats`]): the benchmark's `--query-stats`, to find the patterns that
    /// cost the most. Off by default (the counters are shared between threads).
    #[doc(hidden)]
    pub fn count_queries(mut self) -> Self {
        self.count_queries = true;
        self
    }

    pub fn build(self) -> (Engine, Vec<Diagnostic>) {
        let diagnostics = Vec::new();
        let mut plans = HashMap::new();
        // Extractors always run: the facts they emit may serve any selected check.
        let active: Vec<Arc<Detector>> = self
            .packs
            .iter()
            .flat_map(|p| p.detectors.iter().chain(&p.extractors).cloned())
            .filter(|d| d.role != Role::Detect || self.is_selected(&d.check.id))
            .filter(|d| !self.no_facts || d.role == Role::Detect)
            .collect();
        for lang in Language::ALL {
            let dets: Vec<Arc<Detector>> = active
                .iter()
                .filter(|d| d.language.runs_on(lang))
                .cloned()
                .collect();
            if !dets.is_empty() {
                plans.insert(
                    lang,
                    PlanSlot {
                        lang,
                        detectors: dets,
                        guards: !self.no_guards,
                        compiled: std::sync::OnceLock::new(),
                    },
                );
            }
        }
        let active_checks = active
            .iter()
            .filter(|d| d.role == Role::Detect)
            .map(|d| d.check.id.clone())
            .chain(
                self.packs
                    .iter()
                    .flat_map(|p| p.project_detectors.iter())
                    .map(|d| d.check.id.clone())
                    .filter(|id| self.is_selected(id)),
            )
            .collect();
        let index_functions = needs_call_graph(&self.packs) && !self.no_facts;
        let index_calls = index_functions && needs_call_edges(&self.packs);
        let tx = Arc::new(crate::semantics::receiver::TxModel::new(
            self.packs
                .iter()
                .flat_map(|p| p.receivers.clone())
                .collect(),
            self.packs.iter().flat_map(|p| p.spans.clone()).collect(),
        ));
        (
            Engine {
                catalog: Arc::new(self.catalog),
                packs: self.packs,
                plans,
                active_checks,
                job_dirs: self.job_dirs,
                migrations: migration_globs(),
                index_functions,
                index_calls,
                count_queries: self.count_queries,
                no_predicates: self.no_predicates,
                no_predicates_of: self.no_predicates_of,
                tx,
            },
            diagnostics,
        )
    }
}

/// Everything needed to check files: compiled packs and one merged query per language.
/// `Send + Sync`: share one engine across threads.
#[derive(Debug)]
pub struct Engine {
    catalog: Arc<Catalog>,
    packs: Vec<Arc<Pack>>,
    plans: HashMap<Language, PlanSlot>,
    active_checks: std::collections::BTreeSet<String>,
    job_dirs: Vec<String>,
    migrations: globset::GlobSet,
    /// Whether files are indexed for the call graph (F11): some pack classifies entry points
    /// (F10) or states severities by execution context.
    index_functions: bool,
    /// Whether every call between functions is indexed (F11's edges), or only the calls an
    /// execution context depends on without entry points ([`needs_call_edges`]).
    index_calls: bool,
    /// Whether query runs are counted (see [`EngineBuilder::count_queries`]).
    count_queries: bool,
    /// Whether rhai predicates are skipped (see [`EngineBuilder::without_predicates`]).
    no_predicates: bool,
    /// (pack, name) of the units whose predicates are skipped (see
    /// [`EngineBuilder::without_predicates_of`]).
    no_predicates_of: Vec<(String, String)>,
    /// The packs' receivers and spans (P2/P5), handed to every file.
    tx: Arc<crate::semantics::receiver::TxModel>,
}

/// How often one query ran and what it found (see [`Engine::query_stats`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryStat {
    pub language: Language,
    /// The detectors whose patterns the query holds (`pack/name`), without repeats.
    pub detectors: Vec<String>,
    /// Nodes the query ran on (anchored), or files (a query that walks the whole tree).
    pub runs: u64,
    pub matches: u64,
    /// Wall-clock time spent running the query and handling its matches (engine predicates,
    /// rhai predicates, findings and records), in nanoseconds, summed over threads.
    pub nanos: u64,
}

/// Whether any pack consumes execution contexts: an extractor of the `entrypoints` fact (F10),
/// a detector whose severity depends on the context, or a project detector that asks for
/// execution contexts or call edges.
fn needs_call_graph(packs: &[Arc<Pack>]) -> bool {
    packs.iter().any(|p| {
        p.project_detectors.iter().any(|d| d.uses_call_graph)
            || p.detectors.iter().any(|d| d.severity_by_context.is_some())
            || extracts_entry_points(p)
    })
}

/// Whether a pack has an extractor of the `entrypoints` fact (F10).
fn extracts_entry_points(p: &Pack) -> bool {
    p.extractors.iter().any(
        |d| matches!(&d.role, Role::Extract { fact } if fact == crate::exec_context::ENTRYPOINTS),
    )
}

/// Whether some pack can observe a call edge between two functions. Edges carry hot(f) and
/// background(f) from the entry points of the `entrypoints` fact, and a project predicate reads
/// them with `callers`/`callees`. Without either, no execution context depends on a call made
/// inside a function: classes come from paths, names and entry-point records, and a command
/// line's functions from the calls under Python's `if __name__ == "__main__":` (and Go's `main`,
/// whose calls are always indexed: see [`crate::callgraph::Indexer::new`]). Those calls are all
/// the index keeps then: on prefect with asyncio and python-core, the calls were about 10% of
/// the engine's time in the check (bench/README.md, round twenty-six).
fn needs_call_edges(packs: &[Arc<Pack>]) -> bool {
    packs
        .iter()
        .any(|p| p.project_detectors.iter().any(|d| d.uses_call_edges) || extracts_entry_points(p))
}

/// The §0 migration paths, compiled.
pub fn migration_globs() -> globset::GlobSet {
    let mut b = globset::GlobSetBuilder::new();
    for g in crate::scope::MIGRATION_GLOBS {
        if let Ok(g) = globset::Glob::new(g) {
            b.add(g);
        }
    }
    b.build().unwrap_or_else(|_| globset::GlobSet::empty())
}

/// One pattern of one detector: (detector index, its own pattern index, the pattern text).
type PatternEntry = (usize, usize, String);

/// The active detectors of one language and, once a file of it is checked, their plan.
struct PlanSlot {
    lang: Language,
    detectors: Vec<Arc<Detector>>,
    /// Whether anchored queries get their guards (see [`EngineBuilder::without_guards`]).
    guards: bool,
    /// The plan (`None`: no detector compiles for this grammar) and the warnings of compiling it.
    compiled: std::sync::OnceLock<(Option<LangPlan>, Vec<Diagnostic>)>,
}

impl std::fmt::Debug for PlanSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlanSlot")
            .field("lang", &self.lang)
            .field("detectors", &self.detectors.len())
            .field("compiled", &self.compiled.get().is_some())
            .finish()
    }
}

impl PlanSlot {
    fn plan(&self) -> Option<&LangPlan> {
        self.compiled
            .get_or_init(|| LangPlan::build(self.lang, self.detectors.clone(), self.guards))
            .0
            .as_ref()
    }
}

/// Paths read by text keys on one node kind, at most (more go without).
const MAX_KEY_PATHS: usize = 4;
/// Guards keyed on one path, at most (more go without): one bit each.
const MAX_KEYED: usize = 64;
/// The answers of the text keys on one path for one text: bit `slot`, whether key `slot` holds.
type KeyBits = u64;

/// The guards' text tests on one node kind, grouped by the node they read. Most anchored
/// patterns of the built-in packs start on a call and test its method name (`#any-of? @m "get"
/// "execute" …`, `#match? @m "^(get|find)_"`): with every pack some twenty guards test the
/// name of each call of a file, each reading it and comparing it on its own (about 550
/// instructions a guard on prefect). A call's name decides all of them at once, and one name
/// comes back again and again in a code base (`get`, `execute`, `append`): the walk looks up
/// the answers for the name on this thread ([`KeyPath::answer`]), and a group whose test
/// fails is skipped without its guard. A test that holds leaves the whole guard to decide.
struct TextKeys {
    paths: Vec<KeyPath>,
    /// Aligned with `LangPlan::by_kind[kind]`: the (path, slot) of each group's text key.
    slots: Vec<Option<(u8, u16)>>,
}

/// One node below the anchor (one or two fields down) and the text keys that read it.
struct KeyPath {
    /// Names this path's answers on every thread; unique in the process (several engines may
    /// run side by side).
    id: u64,
    fields: (u16, Option<u16>),
    keys: Vec<crate::query::guard::TextKey>,
}

impl TextKeys {
    fn build(lang: Language, gis: &[usize], groups: &[Group]) -> Option<TextKeys> {
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        // Keys on tokens only (names, keywords): a file's calls repeat a few hundred method
        // names, so their answers are mostly looked up; callees (`self.db.execute`) and strings
        // are nearly all distinct, and an answer computed for each would cost more than the
        // guards it spares.
        let shapes = lang.kind_shapes();
        let token = |k: &u16| {
            shapes
                .children
                .get(usize::from(*k))
                .is_some_and(Option::is_none)
        };
        let mut paths: Vec<KeyPath> = Vec::new();
        let mut slots = Vec::with_capacity(gis.len());
        for &gi in gis {
            let key = groups[gi]
                .guard
                .as_ref()
                .and_then(Guard::text_key)
                .filter(|k| {
                    k.kinds
                        .as_ref()
                        .is_some_and(|ks| !ks.is_empty() && ks.iter().all(token))
                });
            let slot = key.and_then(|key| {
                let fields = match key.path[..] {
                    [f] => (f, None),
                    [f1, f2] => (f1, Some(f2)),
                    _ => return None,
                };
                let p = match paths.iter().position(|p| p.fields == fields) {
                    Some(p) => p,
                    None if paths.len() < MAX_KEY_PATHS => {
                        paths.push(KeyPath {
                            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
                            fields,
                            keys: Vec::new(),
                        });
                        paths.len() - 1
                    }
                    None => return None,
                };
                let keys = &mut paths[p].keys;
                (keys.len() < MAX_KEYED).then(|| {
                    keys.push(key);
                    (p as u8, (keys.len() - 1) as u16)
                })
            });
            slots.push(slot);
        }
        (!paths.is_empty()).then_some(TextKeys { paths, slots })
    }
}

/// The answers of one key path's keys, by text.
/// Texts are kept inline (length, bytes): a heap allocation per name, kept for the whole run
/// among the files' short-lived ones, pinned allocator pages and raised the peak memory on
/// prefect by about 10 MB.
type Answers = std::collections::HashMap<KeptText, KeyBits, foldhash::fast::FixedState>;
/// A text of at most [`MAX_KEPT_TEXT`] bytes: its length and its bytes, zero-padded.
type KeptText = (u8, [u8; MAX_KEPT_TEXT]);
/// Longer texts (a long name, rare) are answered without being kept.
const MAX_KEPT_TEXT: usize = 23;

thread_local! {
    /// By key path id: the answers for each text seen on this thread (see [`TextKeys`]).
    static KEY_ANSWERS: std::cell::RefCell<
        std::collections::HashMap<u64, Answers, foldhash::fast::FixedState>,
    > = Default::default();
}

impl KeyPath {
    /// The answers of this path's keys on the anchor of `memo`: none holds when the node is
    /// missing.
    fn answer(&self, memo: &mut FieldMemo<'_>, source: &[u8]) -> KeyBits {
        /// Texts kept per path on one thread, at most; then the answers start afresh.
        const MAX_KEPT: usize = 8_192;
        /// Paths kept on one thread, at most (an engine has a few per language).
        const MAX_PATHS_KEPT: usize = 64;
        let node = match self.fields {
            (f, None) => memo.child(f),
            (f1, Some(f2)) => memo.child(f1).and_then(|c| memo.grandchild(f1, c, f2)),
        };
        let Some(node) = node else {
            return 0;
        };
        let text = &source[node.byte_range()];
        let compute = || {
            let mut bits: KeyBits = 0;
            for (slot, key) in self.keys.iter().enumerate() {
                if key.holds(text) {
                    bits |= 1 << slot;
                }
            }
            bits
        };
        if text.len() > MAX_KEPT_TEXT {
            return compute();
        }
        let mut kept_text: KeptText = (text.len() as u8, [0; MAX_KEPT_TEXT]);
        kept_text.1[..text.len()].copy_from_slice(text);
        KEY_ANSWERS.with(|a| {
            let mut a = a.borrow_mut();
            // Paths of engines built and dropped in a long-lived process (a library user
            // building one per configuration) would otherwise stay on every thread.
            if a.len() >= MAX_PATHS_KEPT && !a.contains_key(&self.id) {
                a.clear();
            }
            let kept = a.entry(self.id).or_default();
            if let Some(bits) = kept.get(&kept_text) {
                return *bits;
            }
            let bits = compute();
            if kept.len() >= MAX_KEPT {
                kept.clear();
            }
            kept.insert(kept_text, bits);
            bits
        })
    }
}

/// The detectors of one language, in queries.
struct LangPlan {
    detectors: Vec<Arc<Detector>>,
    groups: Vec<Group>,
    /// By node kind id: the anchored groups whose pattern starts with that kind, in order.
    by_kind: Vec<Vec<usize>>,
    /// By node kind id: the text tests of those groups' guards, by the node they read (see
    /// [`TextKeys`]).
    text_keys: Vec<Option<TextKeys>>,
    /// Whether the node table keeps each node's field (see `assemble`).
    table_fields: bool,
    /// By node kind id: whether the kind is a function boundary. The walk tests every node;
    /// comparing ids avoids turning each kind name into a string.
    function_kinds: Vec<bool>,
    /// The id of the grammar's `function` field (a call's callee), for member gates.
    function_field: Option<u16>,
    /// By node kind id: the walk need not enter nodes of this kind (see [`opaque_kinds`]).
    opaque: Vec<Opaque>,
    /// By node kind id: the kinds no subtree the walk leaves out can hold ([`sealed_kinds`]).
    sealed: Arc<[bool]>,
    /// The walk's marker shortcut (see [`MarkerSkips`]).
    markers: Option<MarkerSkips>,
    /// By node kind id: whether the table's walk enters a node of this kind with children
    /// ([`HOW_ENTER`]), leaves out children that are all leaves ([`HOW_TOKENS`], from
    /// `skip_tokens`), or asks (the kind may be opaque or lack markers: [`HOW_ASK`]); see
    /// [`crate::file::NodeTable::build_as`].
    table_how: Vec<u8>,
    /// By node kind id: whether the walk acts on a node of this kind (a pattern starts there,
    /// a function boundary, or the call-graph index reads it); the dispatch passes over the
    /// leaves of the other kinds.
    acted: Vec<bool>,
    /// Which vocabulary roots a file spells (see [`RootGate`]).
    root_gate: RootGate,
    /// By detector: the vocabularies its patterns require ([`required_vocabs`]).
    needs: Vec<Option<Vec<Vec<LiveVocab>>>>,
    /// The `file_contains` words of every unit, searched for in one pass per file.
    words: Option<PlanWords>,
    /// The vocabularies of the groups' decorator gates (at most 64): the walk tests each
    /// function against them once, when it enters the function.
    decorated_gates: Vec<crate::vocab::Vocabulary>,
    /// The kind id of Python's `decorated_definition` (the parent of a decorated function).
    decorated_kind: Option<u16>,
    /// By node kind id: loops and comprehensions, for the `loop_only` gate.
    loop_kinds: Vec<bool>,
}

/// Every `file_contains` word of a plan's units in one Aho-Corasick automaton (ASCII case
/// ignored), so that a file is scanned once for all of them: searching each unit's words
/// separately in a lower-case copy of the text cost about as much as the queries the words
/// spare (callgrind on prefect, where some fifty word sets gate the built-in packs).
struct PlanWords {
    /// Used when the plan has many words; with a few, one SIMD substring search per word in a
    /// lower-case copy of the text is faster than an overlapping automaton scan.
    automaton: Option<WordScan>,
    /// The words in ASCII lower case, for the per-word search (empty with an automaton).
    finders: Vec<memchr::memmem::Finder<'static>>,
    /// By detector index: the ids of its words (empty: the unit has no `file_contains`).
    by_unit: Vec<Vec<usize>>,
    count: usize,
    /// The length of the longest word, in bytes.
    longest: usize,
}

/// Lanes of the automaton scan ([`PlanWords::present`]).
const LANES: usize = 4;
/// A text is scanned in lanes when each would get at least this many bytes (shorter ones are
/// scanned whole: a lane's start costs its overlap).
const LANES_FROM: usize = 256;

impl PlanWords {
    fn build(dets: &[Arc<Detector>]) -> Option<PlanWords> {
        let mut words: Vec<String> = Vec::new();
        let mut by_unit = Vec::with_capacity(dets.len());
        for d in dets {
            let mut ids = Vec::new();
            for w in d.file_contains.iter().flat_map(|f| f.words.iter()) {
                let w = w.to_ascii_lowercase();
                let id = match words.iter().position(|x| *x == w) {
                    Some(i) => i,
                    None => {
                        words.push(w);
                        words.len() - 1
                    }
                };
                ids.push(id);
            }
            by_unit.push(ids);
        }
        if words.is_empty() {
            return None;
        }
        PlanWords::new(words, by_unit)
    }

    fn new(words: Vec<String>, by_unit: Vec<Vec<usize>>) -> Option<PlanWords> {
        // Measured on prefect: with asyncio and python-core (five words) the automaton cost more
        // than five substring searches; with every pack (some sixty words) far less.
        const AUTOMATON_FROM: usize = 16;
        let automaton = if words.len() >= AUTOMATON_FROM {
            Some(WordScan::new(
                &aho_corasick::dfa::DFA::builder()
                    .ascii_case_insensitive(true)
                    .build(&words)
                    .ok()?,
            ))
        } else {
            None
        };
        let finders = match automaton {
            Some(_) => Vec::new(),
            None => words
                .iter()
                .map(|w| memchr::memmem::Finder::new(w.as_bytes()).into_owned())
                .collect(),
        };
        Some(PlanWords {
            automaton,
            finders,
            by_unit,
            count: words.len(),
            longest: words.iter().map(String::len).max().unwrap_or(0),
        })
    }

    /// Which words occur in `text` (by word id), every occurrence counted (overlapping), so
    /// that a word inside another (`db` in `db.`) is found too; stops once every word has been
    /// seen.
    fn present(&self, text: &str) -> Vec<bool> {
        let Some(scan) = &self.automaton else {
            let lower = text.to_ascii_lowercase();
            return self
                .finders
                .iter()
                .map(|f| f.find(lower.as_bytes()).is_some())
                .collect();
        };
        let mut seen = vec![false; self.count];
        let mut left = self.count;
        // Steps through `bytes` from `sid`, noting the words of every match state on the way.
        let mut slow = |mut sid: u32, bytes: &[u8]| {
            for &b in bytes {
                sid = scan.next(sid, b);
                if sid >= scan.first_match {
                    for &i in scan.matches(sid) {
                        let i = i as usize;
                        if !seen[i] {
                            seen[i] = true;
                            left -= 1;
                        }
                    }
                }
            }
            (sid, left == 0)
        };
        // Eight bytes at a time, with the states of the block or-ed together: the match states'
        // ids are the only ones at or above `first_match`, a power of two, so the block passed
        // one exactly when the bits are. Matches are rare (a few per kilobyte): the block is
        // then stepped again, noting them.
        let bytes = text.as_bytes();
        // A long text is scanned as four lanes stepped together. Each step reads the next
        // state from the one before, so one lane waits on every load (about seven cycles a
        // byte); four independent lanes overlap their loads. Lane `k` covers the text from
        // `k * quarter` on, and starts `longest - 1` bytes earlier, from the start state, so
        // that a word that crosses into it from the lane before is found whole: every
        // occurrence ends in exactly one lane and starts inside it.
        let quarter = bytes.len() / LANES;
        let mut rest = bytes;
        let mut sid = scan.start;
        if quarter >= LANES_FROM.max(self.longest) {
            let lead = self.longest.saturating_sub(1);
            let lanes: [&[u8]; LANES] = std::array::from_fn(|k| {
                let from = if k == 0 { 0 } else { k * quarter - lead };
                let to = if k == LANES - 1 {
                    bytes.len()
                } else {
                    (k + 1) * quarter
                };
                &bytes[from..to]
            });
            // Lanes 1..3 are `lead` bytes longer than lane 0, and the last lane also holds the
            // text's remainder: the steps taken together are lane 0's, in whole blocks.
            let steps = (quarter / 8) * 8;
            let mut sids = [scan.start; LANES];
            for at in (0..steps).step_by(8) {
                let block: [&[u8; 8]; LANES] = std::array::from_fn(|k| {
                    lanes[k][at..at + 8]
                        .try_into()
                        .expect("eight bytes of every lane")
                });
                let mut s = sids;
                let mut any = [0u32; LANES];
                // (Indices, not iterators: the byte `i` of every lane at each step.)
                #[allow(clippy::needless_range_loop)]
                for i in 0..8 {
                    for k in 0..LANES {
                        s[k] = scan.next(s[k], block[k][i]);
                        any[k] |= s[k];
                    }
                }
                for k in 0..LANES {
                    if any[k] >= scan.first_match {
                        let (next, done) = slow(sids[k], &lanes[k][at..at + 8]);
                        if done {
                            return seen;
                        }
                        s[k] = next;
                    }
                }
                sids = s;
            }
            // What each lane has left, one lane after another.
            for k in 0..LANES - 1 {
                let (_, done) = slow(sids[k], &lanes[k][steps..]);
                if done {
                    return seen;
                }
            }
            sid = sids[LANES - 1];
            rest = &lanes[LANES - 1][steps..];
        }
        let mut blocks = rest.chunks_exact(8);
        for block in blocks.by_ref() {
            let mut s = sid;
            let mut any = 0;
            for &b in block {
                s = scan.next(s, b);
                any |= s;
            }
            if any >= scan.first_match {
                let (s, done) = slow(sid, block);
                if done {
                    return seen;
                }
                sid = s;
            } else {
                sid = s;
            }
        }
        slow(sid, blocks.remainder());
        seen
    }
}

/// The transitions of an unanchored Aho-Corasick DFA (aho-corasick builds it; standard match
/// semantics, every state kept) copied into the tightest table the scan can step through.
///
/// Why a copy: only "which words occur", never "where", is asked of the automaton, so the scan
/// steps it byte by byte. Through the crate's `Automaton` interface a step is a byte-class
/// lookup, a bounds-checked transition and a test for special states (dead, start, match),
/// about fourteen instructions a byte of source, about a hundred million on a large code base
/// (callgrind, prefect, every pack). Here a step is a class lookup, an unchecked transition
/// and an `or`: the states are renumbered so that the match states come last, from a power of
/// two on, every id is premultiplied by the number of byte classes, and the scan tests eight
/// steps at once for a match (`present`).
struct WordScan {
    /// Byte → class (bytes that lead every state to the same state share one).
    classes: [u8; 256],
    /// By premultiplied state id plus class: the next state's premultiplied id.
    trans: Box<[u32]>,
    stride: u32,
    start: u32,
    /// The id of the first match state, a power of two; every state from it on is one, every
    /// other state's id is below it.
    first_match: u32,
    /// By match state (in order from `first_match`): the ids of the words it matches.
    matched: Vec<Vec<u32>>,
}

impl WordScan {
    fn new(dfa: &aho_corasick::dfa::DFA) -> WordScan {
        use aho_corasick::automaton::Automaton;
        use aho_corasick::Anchored;
        let no = Anchored::No;
        let start = dfa
            .start_state(no)
            .expect("an unanchored automaton has a start state");
        // Every state reachable from the start, in order of discovery.
        let mut states = vec![start];
        let mut index: crate::FastMap<aho_corasick::automaton::StateID, usize> =
            crate::FastMap::default();
        index.insert(start, 0);
        let mut i = 0;
        while i < states.len() {
            let s = states[i];
            for b in 0..=255u8 {
                let t = dfa.next_state(no, s, b);
                if let std::collections::hash_map::Entry::Vacant(e) = index.entry(t) {
                    e.insert(states.len());
                    states.push(t);
                }
            }
            i += 1;
        }
        // Byte classes: bytes whose column of next states is the same in every state.
        let mut classes = [0u8; 256];
        let mut columns: Vec<Vec<usize>> = Vec::new();
        for b in 0..=255u8 {
            let column: Vec<usize> = states
                .iter()
                .map(|&s| index[&dfa.next_state(no, s, b)])
                .collect();
            let class = match columns.iter().position(|c| *c == column) {
                Some(c) => c,
                None => {
                    columns.push(column);
                    columns.len() - 1
                }
            };
            // At most 256 classes, one per byte.
            classes[usize::from(b)] = class as u8;
        }
        let stride = columns.len();
        // The new order: states that match nothing first, then the match states.
        let is_match = |s: aho_corasick::automaton::StateID| dfa.is_match(s);
        let mut order: Vec<usize> = (0..states.len())
            .filter(|&k| !is_match(states[k]))
            .collect();
        let first_match = order.len();
        order.extend((0..states.len()).filter(|&k| is_match(states[k])));
        // The match states start at the first power of two at or above the others' ids, so
        // that an or of non-match ids stays below it (`present` tests blocks of bytes so); the
        // rows between are never reached.
        let first_id = (first_match * stride).max(1).next_power_of_two();
        let id_of = |new: usize| {
            if new < first_match {
                new * stride
            } else {
                first_id + (new - first_match) * stride
            }
        };
        let mut renumbered = vec![0u32; states.len()];
        for (new, &old) in order.iter().enumerate() {
            renumbered[old] = u32::try_from(id_of(new)).expect("a word automaton of sane size");
        }
        let mut trans = vec![0u32; first_id + (states.len() - first_match) * stride];
        for (new, &old) in order.iter().enumerate() {
            for (class, column) in columns.iter().enumerate() {
                trans[id_of(new) + class] = renumbered[column[old]];
            }
        }
        let matched = order[first_match..]
            .iter()
            .map(|&old| {
                let s = states[old];
                (0..dfa.match_len(s))
                    .map(|k| dfa.match_pattern(s, k).as_u32())
                    .collect()
            })
            .collect();
        WordScan {
            classes,
            trans: trans.into_boxed_slice(),
            stride: stride as u32,
            start: renumbered[0],
            first_match: first_id as u32,
            matched,
        }
    }

    /// The state after `sid` on byte `b`.
    #[inline(always)]
    #[allow(unsafe_code)] // reason: an unchecked read of a table whose bounds `new` guarantees
    fn next(&self, sid: u32, b: u8) -> u32 {
        let at = sid as usize + usize::from(self.classes[usize::from(b)]);
        debug_assert!(at < self.trans.len());
        // SAFETY: `sid` is a state's id (the start state's, or a value read from `trans`, which
        // holds only such ids), the start of a row of `stride` entries of the table; `class` is
        // below `stride`.
        unsafe { *self.trans.get_unchecked(at) }
    }

    /// The words the match state `sid` matches.
    fn matches(&self, sid: u32) -> &[u32] {
        &self.matched[((sid - self.first_match) / self.stride) as usize]
    }
}

/// What Python's `import` statements hold below them (see [`opaque_kinds`]).
const IMPORT_PARTS: &[&str] = &[
    "dotted_name",
    "aliased_import",
    "identifier",
    "relative_import",
    "import_prefix",
    "wildcard_import",
];
/// What a plain Python string holds below it.
const STRING_PARTS: &[&str] = &[
    "string_start",
    "string_content",
    "string_end",
    "escape_sequence",
    "escape_interpolation",
];
/// Every list of parts an opaque kind may hold.
const OPAQUE_PARTS: &[&[&str]] = &[IMPORT_PARTS, STRING_PARTS];

/// Whether the walk enters a node's children.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Opaque {
    /// Enter.
    No,
    /// Skip the children: none can be a pattern's start, a function or a call-graph node.
    Yes,
    /// A Python string: skip unless its prefix makes it an f-string or t-string (whose
    /// interpolations hold expressions).
    UnlessInterpolated,
}

/// Node kinds whose subtrees hold only the listed kinds: `import` statements (dotted names,
/// aliases) and plain strings (their start, content, escapes and end). The dispatching walk
/// visits every node with a tree cursor and each step costs the same whatever the node, so not
/// entering these saves a step per token in them (imports and docstrings make up a good part of
/// a Python file). A kind is opaque only if no anchored pattern of the plan starts on one of
/// the kinds inside it (a pack could anchor on `dotted_name`); the call-graph index and the
/// function stack look at none of them. Off without guards, so that the guard comparison test
/// (`query_guards_change_no_result`) covers it.
fn opaque_kinds(
    lang: Language,
    grammar: &tree_sitter::Language,
    groups: &[Group],
    guards: bool,
) -> Vec<Opaque> {
    let mut table = vec![Opaque::No; grammar.node_kind_count()];
    if !guards || lang != Language::Python {
        return table;
    }
    let rules: &[(&str, &[&str], Opaque)] = &[
        ("import_statement", IMPORT_PARTS, Opaque::Yes),
        ("import_from_statement", IMPORT_PARTS, Opaque::Yes),
        ("future_import_statement", IMPORT_PARTS, Opaque::Yes),
        ("dotted_name", &["identifier"], Opaque::Yes),
        ("string", STRING_PARTS, Opaque::UnlessInterpolated),
    ];
    let starts: Vec<bool> = (0..grammar.node_kind_count())
        .map(|k| {
            groups
                .iter()
                .any(|g| g.start_kinds.as_ref().is_some_and(|t| t[k]))
        })
        .collect();
    let ids = |name: &str| -> Vec<usize> {
        (0..grammar.node_kind_count() as u16)
            .filter(|&id| grammar.node_kind_for_id(id) == Some(name))
            .map(usize::from)
            .collect()
    };
    for (kind, parts, how) in rules {
        let inner_starts = parts.iter().flat_map(|p| ids(p)).any(|id| starts[id]);
        if inner_starts {
            continue;
        }
        for id in ids(kind) {
            if grammar.node_kind_is_named(id as u16) {
                table[id] = *how;
            }
        }
    }
    table
}

/// By node kind id: whether the walk may leave out the children of a node of the kind when they
/// are all leaves (`descendant_count == child_count + 1`, a constant-time test). That is when no
/// kind a child of it may have (by the grammar's node-types.json) is both a possible leaf and a
/// kind something acts on: an anchored pattern, a function boundary, the call-graph index. About
/// a quarter of the steps of the walk on Python (identifiers and punctuation under attributes,
/// argument lists and keyword arguments). Nothing is left out when an anonymous kind is acted
/// on (node-types.json does not list unnamed children), nor without guards, like
/// [`opaque_kinds`], so that the guard comparison test covers it.
fn token_skips(
    lang: Language,
    grammar: &tree_sitter::Language,
    acted: &[bool],
    guards: bool,
) -> Vec<bool> {
    let n = grammar.node_kind_count();
    let acted = |k: usize| acted[k];
    if !guards || (0..n).any(|k| acted(k) && !grammar.node_kind_is_named(k as u16)) {
        return vec![false; n];
    }
    let shapes = lang.kind_shapes();
    (0..n)
        .map(|p| {
            shapes.children[p].as_ref().is_some_and(|kids| {
                kids.iter()
                    .map(|&k| usize::from(k))
                    .all(|k| !(shapes.may_be_leaf[k] && acted(k)))
            })
        })
        .collect()
}

/// By node kind id: the kinds that no subtree the dispatching walk leaves out can hold, so that
/// analyses looking for them (the calls of a function, `descendants("call")`) can pass over
/// those subtrees too (`FileCtx::walk_branches_for`). The walk leaves out the children of
/// three sorts of node: opaque ones ([`opaque_kinds`]: only the listed parts below), ones
/// whose children are all leaves ([`token_skips`]) and ones whose text holds no marker of a
/// kind acted on below them ([`MarkerSkips`]: a kind acted on without a marker is never left
/// out). A kind acted on that is never a leaf and no opaque part is in none of them.
fn sealed_kinds(lang: Language, grammar: &tree_sitter::Language, acted: &[bool]) -> Arc<[bool]> {
    let shapes = lang.kind_shapes();
    (0..grammar.node_kind_count())
        .map(|k| {
            acted[k]
                && !shapes.may_be_leaf.get(k).copied().unwrap_or(true)
                && grammar
                    .node_kind_for_id(k as u16)
                    .is_some_and(|name| !OPAQUE_PARTS.iter().any(|parts| parts.contains(&name)))
        })
        .collect()
}

/// The walk's marker shortcut: by node kind, the text a node must hold for the walk to enter it.
/// A tree cursor step costs the same on every node (about 580 instructions through the grammar's
/// hidden nodes on Python), and half the nodes the walk used to visit on prefect sit under
/// expressions that hold nothing it acts on: `f(a.b, "x")`, `(self, x: int)`, `x = y.z`.
/// Every node of an acted-on kind holds a marker token ([`crate::lang::MarkerTable`]: a call
/// its `(`, a comprehension its `for`), so a node whose text holds no more markers of a class
/// than it must hold of its own cannot have such a node below it. Counting is constant time: the
/// marker positions of the file are listed once (`memchr`), and the walk's nodes start in
/// document order, so one index per class only moves forward.
///
/// The plan decides per kind from node-types.json: the kinds that may occur anywhere below a
/// node of the kind; if any of those is acted on and has no marker, the node is always entered.
/// Off without guards (like [`token_skips`], so that `query_guards_change_no_result` compares
/// it with the full walk) and in files with syntax errors (error recovery may build a node
/// without its tokens).
#[derive(Debug)]
struct MarkerSkips {
    /// The classes some kind's test uses: their strings, by slot.
    classes: Vec<&'static [&'static [u8]]>,
    /// By kind id: `None`, always enter; `Some(tests)`, enter only if for some `(slot, own)`
    /// the node holds more than `own` markers of the class in that slot (an empty list: never
    /// enter; nothing acted on can be below).
    by_kind: Vec<Option<MarkerTests>>,
}

/// A kind's marker tests: `(class slot, markers a node of the kind holds of its own)`.
type MarkerTests = Box<[(u8, u8)]>;

impl MarkerSkips {
    fn build(
        lang: Language,
        grammar: &tree_sitter::Language,
        acted: &[bool],
    ) -> Option<MarkerSkips> {
        let table = lang.markers()?;
        let n = grammar.node_kind_count();
        let ids = |name: &str| -> Vec<usize> {
            (0..n as u16)
                .filter(|&id| {
                    grammar.node_kind_is_named(id) && grammar.node_kind_for_id(id) == Some(name)
                })
                .map(usize::from)
                .collect()
        };
        let mut class_of: Vec<Option<usize>> = vec![None; n];
        for (kind, class) in table.kinds {
            for id in ids(kind) {
                class_of[id] = Some(*class);
            }
        }
        // Own markers per (kind, class), for the entries whose holders are not acted on with a
        // marker of the same class.
        let mut own: std::collections::HashMap<(usize, usize), u8> = Default::default();
        for (kind, class, count, holders) in table.own {
            let held_elsewhere = holders
                .iter()
                .flat_map(|h| ids(h))
                .any(|h| acted[h] && class_of[h] == Some(*class));
            if !held_elsewhere {
                for id in ids(kind) {
                    own.insert((id, *class), *count);
                }
            }
        }
        let shapes = lang.kind_shapes();
        let mut slots: Vec<usize> = Vec::new();
        let mut by_kind: Vec<Option<MarkerTests>> = vec![None; n];
        let mut below = vec![false; n];
        let mut stack: Vec<usize> = Vec::new();
        for (p, entry) in by_kind.iter_mut().enumerate() {
            let Some(kids) = shapes.children[p].as_ref() else {
                continue;
            };
            // Every kind that may occur below a node of kind `p`.
            below.iter_mut().for_each(|b| *b = false);
            stack.clear();
            stack.extend(kids.iter().map(|&k| usize::from(k)));
            while let Some(k) = stack.pop() {
                if std::mem::replace(&mut below[k], true) {
                    continue;
                }
                if let Some(more) = shapes.children[k].as_ref() {
                    stack.extend(more.iter().map(|&c| usize::from(c)));
                }
            }
            let mut classes: Vec<usize> = Vec::new();
            let mut known = true;
            for k in (0..n).filter(|&k| below[k] && acted[k]) {
                match class_of[k] {
                    Some(c) if !classes.contains(&c) => classes.push(c),
                    Some(_) => {}
                    None => {
                        known = false;
                        break;
                    }
                }
            }
            if !known {
                continue;
            }
            let tests: Vec<(u8, u8)> = classes
                .iter()
                .map(|&c| {
                    let slot = slots.iter().position(|&s| s == c).unwrap_or_else(|| {
                        slots.push(c);
                        slots.len() - 1
                    });
                    (slot as u8, own.get(&(p, c)).copied().unwrap_or(0))
                })
                .collect();
            *entry = Some(tests.into_boxed_slice());
        }
        Some(MarkerSkips {
            classes: slots.iter().map(|&c| table.classes[c]).collect(),
            by_kind,
        })
    }

    /// A cursor over the marker positions of one file.
    fn cursor(&self, source: &[u8]) -> MarkerCursor {
        MarkerCursor {
            positions: self.positions(source),
            next: vec![0; self.classes.len()],
            last_start: 0,
        }
    }

    /// The marker positions of one file, by slot.
    fn positions(&self, source: &[u8]) -> Vec<Vec<u32>> {
        self.classes
            .iter()
            .map(|class| {
                let mut out: Vec<u32> = Vec::new();
                for m in class.iter() {
                    match m {
                        [b] => out.extend(memchr::memchr_iter(*b, source).map(|i| i as u32)),
                        _ => out.extend(memchr::memmem::find_iter(source, m).map(|i| i as u32)),
                    }
                }
                if class.len() > 1 {
                    out.sort_unstable();
                }
                out
            })
            .collect()
    }
}

/// A file's marker positions and the walk's place in them (see [`MarkerSkips`]).
struct MarkerCursor {
    positions: Vec<Vec<u32>>,
    /// By slot: the index of the first position at or after the last node's start.
    next: Vec<usize>,
    last_start: u32,
}

impl MarkerCursor {
    /// Whether a node from `start` to `end` holds more than `own` markers for some test.
    #[inline]
    fn holds(&mut self, tests: &[(u8, u8)], start: usize, end: usize) -> bool {
        let (start, end) = (start as u32, end as u32);
        if start < self.last_start {
            // Not in document order (never seen): find the places again.
            for (i, p) in self.positions.iter().enumerate() {
                self.next[i] = p.partition_point(|&x| x < start);
            }
        }
        self.last_start = start;
        tests.iter().any(|&(slot, own)| {
            let slot = usize::from(slot);
            let p = &self.positions[slot];
            let mut i = self.next[slot];
            while p.get(i).is_some_and(|&x| x < start) {
                i += 1;
            }
            self.next[slot] = i;
            p.get(i + usize::from(own)).is_some_and(|&x| x < end)
        })
    }
}

/// Whether the walk may skip the children of `node` (see [`opaque_kinds`]).
#[inline]
fn skip_children(how: Opaque, node: tree_sitter::Node<'_>, source: &[u8]) -> bool {
    match how {
        Opaque::No => false,
        Opaque::Yes => true,
        Opaque::UnlessInterpolated => {
            // The prefix letters before the first quote: `f'{x}'`, `rb'...'`, `T'{y}'`.
            source[node.start_byte()..]
                .iter()
                .take_while(|b| b.is_ascii_alphabetic())
                .all(|b| !matches!(b, b'f' | b'F' | b't' | b'T'))
        }
    }
}

/// One query: a distinct pattern anchored on its root kind, or all patterns that may start on
/// any node.
///
/// Why one query per pattern rather than one merged query: the walk already knows each node's
/// kind, so a query runs only where its pattern can start, and a [`Guard`] read off the pattern
/// (required fields, their kinds, `#eq?`-style text) skips it on most of those nodes without
/// running it at all. A merged query would run every pattern of the kind as soon as one of them
/// could match. Measured on prefect with the built-in packs: the anchored queries' cost fell by
/// more than half (bench/README.md).
///
/// Patterns whose root node must be inside a coroutine (an engine `#in-async-fn?` on the root
/// capture) are gated: the walk runs them only inside `async` functions.
struct Group {
    /// The group's query, compiled when first needed: at once for groups that run it, never for
    /// a single pattern the walk matches itself ([`Shallow`], [`Native`]). tree-sitter analyses a
    /// pattern against the whole grammar when it compiles it; for the built-in packs that was
    /// about as much work as loading them (some 2 G instructions with every pack), at every
    /// start of `ppa check`, for queries that never ran.
    query: LazyQuery,
    /// Pattern index -> the (detector index, detector's own pattern index) it stands for.
    /// Detector patterns that differ only in engine predicates share one merged pattern (the
    /// six asyncio detectors all start from `((call function: (_) @callee) @site …)`): the
    /// query matches once and each detector applies its own predicates.
    patterns: Vec<Vec<(usize, usize)>>,
    /// Per detector: its capture index -> this query's capture index (`u32::MAX`: absent).
    capture_map: Vec<Vec<u32>>,
    /// By node kind id: whether a pattern starts with that kind; `None`: a pattern starts with
    /// a wildcard or an alternation, so the query walks the whole tree itself.
    start_kinds: Option<Vec<bool>>,
    async_only: bool,
    /// Patterns whose root must be inside a loop (a positive `#in-loop?` on the root capture):
    /// the walk runs them only below a loop or comprehension with no function in between, a
    /// superset of what `#in-loop?` accepts (which then decides). Most calls of a project are
    /// not in a loop, and `#in-loop?` itself descends from the root for each.
    loop_only: bool,
    /// Patterns whose root must be in a function with a decorator from a vocabulary (a
    /// positive `#in-decorated-fn?` on the root capture): the walk runs them only there, as it
    /// runs `async_only` groups only in coroutines. A route handler's calls are a few percent of
    /// a project's calls. The index of the vocabulary in [`LangPlan::decorated_gates`].
    decorated_gate: Option<usize>,
    /// A cheap test the anchor must pass before the query runs (anchored groups only).
    guard: Option<Guard>,
    /// Per detector pattern of the query, the vocabularies a `#resolves-to?` on the anchor or
    /// its callee requires; `None` when some pattern has none. On a member call `a.b()` the
    /// query runs only if, for some pattern, every one of them may end in `b` (the predicate
    /// itself would rule the call out by the same test, after the query).
    member_gate: Option<MemberGate>,
    /// The pattern in a form the walk matches without running the query (anchored groups of
    /// one pattern, with guards on).
    shallow: Option<ShallowGroup>,
    /// The group's pattern when the engine matches it by descending itself (anchored groups
    /// that are not [`Shallow`]; see `query::native`).
    native: Option<Native>,
    /// (runs, matches, nanoseconds), counted only when the engine was built with
    /// `count_queries`.
    counts: (
        std::sync::atomic::AtomicU64,
        std::sync::atomic::AtomicU64,
        std::sync::atomic::AtomicU64,
    ),
}

impl std::fmt::Debug for LangPlan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LangPlan")
            .field("detectors", &self.detectors.len())
            .field("groups", &self.groups.len())
            .finish()
    }
}

impl LangPlan {
    /// The plan of one language. Every detector compiled for its own grammar when its pack
    /// loaded, so the plan's queries are compiled straight away; only when that fails (a
    /// JavaScript detector naming a node the TypeScript grammar lacks) are the detectors compiled
    /// one by one for this grammar, to skip the ones that do not fit. Query compilation is the
    /// costly part of building an engine (tree-sitter analyses every pattern against the
    /// grammar), so each query is compiled as few times as possible.
    fn build(
        lang: Language,
        dets: Vec<Arc<Detector>>,
        guards: bool,
    ) -> (Option<LangPlan>, Vec<Diagnostic>) {
        let grammar = lang.grammar();
        let mut warnings = Vec::new();
        if dets.is_empty() {
            return (None, warnings);
        }
        if let Ok(plan) = LangPlan::assemble(lang, &grammar, &dets, guards) {
            #[cfg(feature = "detector-probes")]
            probes::list(lang, &plan.detectors);
            return (Some(plan), warnings);
        }
        // Keep the detectors whose query compiles for this grammar (a JavaScript detector may
        // name a node TypeScript lacks).
        let mut kept = Vec::new();
        for d in dets {
            if d.language.grammar() == grammar {
                kept.push(d);
                continue;
            }
            match Query::new(&grammar, &d.query) {
                Ok(_) => kept.push(d),
                Err(e) => warnings.push(Diagnostic {
                    level: Level::Warning,
                    file: None,
                    line: None,
                    message: format!(
                        "detector does not compile for {lang} and is skipped there: {}",
                        e.message.trim()
                    ),
                    pack: Some(d.pack.to_string()),
                    detector: Some(d.qualified_name()),
                }),
            }
        }
        if kept.is_empty() {
            return (None, warnings);
        }
        match LangPlan::assemble(lang, &grammar, &kept, guards) {
            Ok(plan) => (Some(plan), warnings),
            Err(e) => {
                // Cannot happen when every part compiled on its own; report, don't panic.
                warnings.push(Diagnostic::new(
                    Level::Error,
                    None,
                    None,
                    format!("{lang} query failed to compile: {e}"),
                ));
                (None, warnings)
            }
        }
    }

    /// Splits every detector's query into its patterns (at the offsets the pack loader read off
    /// the query's syntax, so nothing is compiled per grammar for that), sorts them by gate and
    /// builds the queries: one per distinct pattern, anchored on the nodes of its root kind and
    /// behind its guard; patterns that may start on any node share one query per gate and
    /// filter (`paths`, `file_contains`) that walks the tree.
    fn assemble(
        lang: Language,
        grammar: &tree_sitter::Language,
        dets: &[Arc<Detector>],
        guards: bool,
    ) -> Result<LangPlan, String> {
        // Patterns by gate: (inside a coroutine only, inside a loop only, inside a function
        // decorated from a vocabulary only: (pack, vocabulary name)).
        type GateKey = (bool, bool, Option<(Arc<str>, String)>);
        let mut gated: BTreeMap<GateKey, Vec<PatternEntry>> = BTreeMap::new();
        for (di, d) in dets.iter().enumerate() {
            let n = d.pattern_starts.len();
            for p in 0..n {
                let start = d.pattern_starts[p];
                let end = d
                    .pattern_starts
                    .get(p + 1)
                    .copied()
                    .unwrap_or(d.query.len());
                let text = &d.query[start..end];
                let roots = root_captures(text);
                let async_only = d.custom.get(p).is_some_and(|preds| {
                    preds
                        .iter()
                        .any(|c| c.requires_async() && roots.contains(&c.capture))
                });
                let decorated = d.custom.get(p).and_then(|preds| {
                    preds.iter().find_map(|c| {
                        c.requires_decorated()
                            .filter(|_| roots.contains(&c.capture))
                            .map(|v| (d.pack.clone(), v.to_string()))
                    })
                });
                let loop_only = d.custom.get(p).is_some_and(|preds| {
                    preds
                        .iter()
                        .any(|c| c.requires_loop() && roots.contains(&c.capture))
                });
                gated
                    .entry((async_only, loop_only, decorated))
                    .or_default()
                    .push((di, p, text.to_string()));
            }
        }
        let mut groups: Vec<Group> = Vec::new();
        // The vocabulary roots the member gates and `needs` refer to (see [`RootGate`]).
        let mut roots: Vec<String> = Vec::new();
        let mut decorated_gates: Vec<crate::vocab::Vocabulary> = Vec::new();
        let mut gate_keys: Vec<&(Arc<str>, String)> = Vec::new();
        for ((async_only, loop_only, decorated), entries) in &gated {
            let async_only = *async_only;
            // The vocabulary of the gate, from the pack that names it.
            let decorated_gate = decorated.as_ref().and_then(|key| {
                if let Some(i) = gate_keys.iter().position(|k| *k == key) {
                    return Some(i);
                }
                let voc = dets
                    .iter()
                    .find(|d| d.pack == key.0)
                    .and_then(|d| d.vocab.get(&key.1))?;
                if decorated_gates.len() == 64 {
                    // No bit left: the predicate alone decides.
                    return None;
                }
                gate_keys.push(key);
                decorated_gates.push(voc.clone());
                Some(decorated_gates.len() - 1)
            });
            let mut keys: Vec<String> = Vec::new();
            let mut by_key: Vec<Vec<PatternEntry>> = Vec::new();
            for e in entries {
                let key = custom::strip(&e.2)
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                match keys.iter().position(|k| *k == key) {
                    Some(k) => by_key[k].push(e.clone()),
                    None => {
                        keys.push(key);
                        by_key.push(vec![e.clone()]);
                    }
                }
            }
            // Patterns that start anywhere, by the files their units admit: a unit limited by
            // `paths` or `file_contains` gets a query of its own, which the walk skips in the
            // files none of its units admits (`FileRun::active`).
            let mut anywhere: BTreeMap<Option<String>, Vec<PatternEntry>> = BTreeMap::new();
            for same in by_key {
                let g = Group::build(grammar, dets, &same, async_only)?;
                if g.start_kinds.is_some() {
                    let mut g = g;
                    if guards {
                        let stripped = custom::strip(&same[0].2);
                        g.guard = Guard::compile(lang, &stripped);
                        g.member_gate = member_gate(dets, &same, &mut roots);
                        g.shallow = ShallowGroup::new(lang, &g.query, &stripped);
                        if g.shallow.is_none() && g.patterns.len() == 1 {
                            let q = &g.query;
                            g.native = Native::compile(lang, &stripped, |name| {
                                q.capture_index_for_name(name)
                            });
                        }
                        g.decorated_gate = decorated_gate;
                        g.loop_only = *loop_only;
                    }
                    if g.shallow.is_none() && g.native.is_none() {
                        // The walk runs this query: compile it now, not in the first file.
                        g.query.compile()?;
                    }
                    groups.push(g);
                } else {
                    for e in same {
                        anywhere.entry(dets[e.0].filter_key()).or_default().push(e);
                    }
                }
            }
            for entries in anywhere.values() {
                let g = Group::build(grammar, dets, entries, async_only)?;
                // Walks the whole tree as a query.
                g.query.compile()?;
                groups.push(g);
            }
        }
        let mut by_kind: Vec<Vec<usize>> = vec![Vec::new(); grammar.node_kind_count()];
        for (gi, g) in groups.iter().enumerate() {
            if let Some(starts) = &g.start_kinds {
                for (kind, &on) in starts.iter().enumerate() {
                    if on {
                        by_kind[kind].push(gi);
                    }
                }
            }
        }
        let text_keys = by_kind
            .iter()
            .map(|gis| TextKeys::build(lang, gis, &groups))
            .collect();
        let opaque = opaque_kinds(lang, grammar, &groups, guards);
        let function_kinds = kind_table(grammar, lang.function_kinds());
        // The kinds the walk acts on: a pattern starts there, a function boundary, or the
        // call-graph index reads it. What the walk may leave out follows from these.
        let indexed = crate::callgraph::acts_on(lang);
        let acted: Vec<bool> = (0..grammar.node_kind_count())
            .map(|k| {
                !by_kind[k].is_empty()
                    || function_kinds[k]
                    || indexed.get(k).copied().unwrap_or(false)
            })
            .collect();
        let skip_tokens = token_skips(lang, grammar, &acted, guards);
        let markers = guards
            .then(|| MarkerSkips::build(lang, grammar, &acted))
            .flatten();
        let sealed = sealed_kinds(lang, grammar, &acted);
        let table_how = (0..grammar.node_kind_count())
            .map(|k| {
                let ask = opaque.get(k).is_some_and(|&o| o != Opaque::No)
                    || markers
                        .as_ref()
                        .is_some_and(|m| m.by_kind.get(k).is_some_and(Option::is_some));
                // The walk may leave out the children of a node of these kinds when they are
                // all leaves (`x.y`, `(a)`, `k=v`; see [`token_skips`]).
                let tokens = skip_tokens.get(k).copied().unwrap_or(false);
                (if ask { HOW_ASK } else { HOW_ENTER }) | if tokens { HOW_TOKENS } else { 0 }
            })
            .collect();
        let needs: Vec<Option<Vec<Vec<LiveVocab>>>> = dets
            .iter()
            .map(|d| guards.then(|| required_vocabs(d, &mut roots)).flatten())
            .collect();
        let root_gate = RootGate::new(roots, guards && lang == Language::Python);
        let field_readers = groups
            .iter()
            .filter(|g| {
                g.start_kinds.is_some()
                    && !g.async_only
                    && !g.loop_only
                    && g.decorated_gate.is_none()
                    && (g.native.is_some() || g.guard.as_ref().is_some_and(Guard::reads_fields))
            })
            .count();
        Ok(LangPlan {
            // The cursor's field lookup costs ~150 instructions a node (it walks up hidden nodes
            // and scans the production's field map). A table read pays for it when many
            // patterns read children by field on ordinary nodes (every built-in pack: 92
            // patterns); with a few (asyncio and python-core: 8, most of their guards only in
            // coroutines) tree-sitter's own lookup on the nodes actually asked costs less.
            table_fields: field_readers >= 24,
            markers,
            table_how,
            acted,
            root_gate,
            needs,
            detectors: dets.to_vec(),
            groups,
            by_kind,
            text_keys,
            function_kinds,
            function_field: grammar.field_id_for_name("function").map(|f| f.get()),
            opaque,
            sealed,
            words: PlanWords::build(dets),
            decorated_kind: (lang == Language::Python)
                .then(|| grammar.id_for_node_kind("decorated_definition", true))
                .filter(|&id| id != 0),
            decorated_gates,
            loop_kinds: {
                let mut kinds = lang.loop_kinds().to_vec();
                kinds.extend_from_slice(lang.comprehension_kinds());
                kind_table(grammar, &kinds)
            },
        })
    }
}

/// The CPU time this thread has used, in nanoseconds: what `--query-stats` charges a query
/// with. Unlike the wall clock it does not grow while the thread waits for a core, so the
/// per-query figures hold still on a busy machine.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)] // reason: one FFI call (clock_gettime) into a local timespec
fn thread_cpu_nanos() -> u64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid, writable timespec; the call only writes it.
    let ok = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) } == 0;
    if ok {
        t.tv_sec as u64 * 1_000_000_000 + t.tv_nsec as u64
    } else {
        0
    }
}

/// The wall clock elsewhere (monotonic nanoseconds since the first call).
#[cfg(not(target_os = "linux"))]
fn thread_cpu_nanos() -> u64 {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    START
        .get_or_init(std::time::Instant::now)
        .elapsed()
        .as_nanos() as u64
}

impl Group {
    /// Adds the CPU time since `since` to this query's time, counting no run: the predicates of
    /// its matches, which run after the walk.
    fn charge(&self, since: Option<u64>) {
        if let Some(t) = since {
            self.counts.2.fetch_add(
                thread_cpu_nanos().saturating_sub(t),
                std::sync::atomic::Ordering::Relaxed,
            );
        }
    }

    fn count(&self, matches: u64, since: Option<u64>) {
        use std::sync::atomic::Ordering::Relaxed;
        self.counts.0.fetch_add(1, Relaxed);
        self.counts.1.fetch_add(matches, Relaxed);
        if let Some(t) = since {
            self.counts
                .2
                .fetch_add(thread_cpu_nanos().saturating_sub(t), Relaxed);
        }
    }

    fn build(
        grammar: &tree_sitter::Language,
        dets: &[Arc<Detector>],
        entries: &[(usize, usize, String)],
        async_only: bool,
    ) -> Result<Group, String> {
        // Engine predicates are evaluated by the engine per detector, so they are no part of
        // what tree-sitter matches: patterns equal without them are merged into one.
        let mut text = String::new();
        let mut keys: Vec<String> = Vec::new();
        let mut patterns: Vec<Vec<(usize, usize)>> = Vec::new();
        for (di, p, t) in entries {
            let stripped = custom::strip(t);
            let key = stripped.split_whitespace().collect::<Vec<_>>().join(" ");
            match keys.iter().position(|k| *k == key) {
                Some(i) => patterns[i].push((*di, *p)),
                None => {
                    keys.push(key);
                    patterns.push(vec![(*di, *p)]);
                    text.push_str(&stripped);
                    text.push('\n');
                }
            }
        }
        // One pattern of detectors written for this grammar compiled already, as part of its
        // detector's query, so it need not be compiled to be known good; its captures are
        // numbered in the order they first appear, as tree-sitter numbers them.
        let own_grammar = entries
            .iter()
            .all(|(di, _, _)| dets[*di].language.grammar() == *grammar);
        let lazy = (patterns.len() == 1 && own_grammar)
            .then(|| crate::query::guard::capture_names(&text))
            .flatten();
        let query = match lazy {
            Some(names) => LazyQuery::deferred(grammar, text.clone(), names),
            None => {
                let query = Query::new(grammar, &text).map_err(|e| e.message.trim().to_string())?;
                if query.pattern_count() != patterns.len() {
                    return Err("pattern count changed when merging".into());
                }
                LazyQuery::compiled(query)
            }
        };
        let names = query.capture_names();
        let capture_map = dets
            .iter()
            .map(|d| {
                d.captures
                    .iter()
                    .map(|c| {
                        names
                            .iter()
                            .position(|n| n == c)
                            .map_or(u32::MAX, |i| i as u32)
                    })
                    .collect()
            })
            .collect();
        let start_kinds = start_kinds(grammar, &query.pattern_starts(&text), &text);
        Ok(Group {
            query,
            patterns,
            capture_map,
            start_kinds,
            async_only,
            decorated_gate: None,
            loop_only: false,
            guard: None,
            member_gate: None,
            shallow: None,
            native: None,
            counts: Default::default(),
        })
    }
}

/// A group's query, compiled on first use (see [`Group::query`]).
struct LazyQuery {
    compiled: std::sync::OnceLock<Query>,
    /// What compiles it, for a deferred query.
    deferred: Option<(tree_sitter::Language, String)>,
    /// Capture names by index.
    names: Vec<String>,
}

impl LazyQuery {
    fn compiled(query: Query) -> LazyQuery {
        let names = query
            .capture_names()
            .iter()
            .map(|n| n.to_string())
            .collect();
        LazyQuery {
            compiled: query.into(),
            deferred: None,
            names,
        }
    }

    /// A single pattern known to compile, with its captures numbered as tree-sitter numbers
    /// them.
    fn deferred(grammar: &tree_sitter::Language, text: String, names: Vec<String>) -> LazyQuery {
        LazyQuery {
            compiled: std::sync::OnceLock::new(),
            deferred: Some((grammar.clone(), text)),
            names,
        }
    }

    /// Compiles a deferred query now; an error if it does not compile (as for a query compiled
    /// at once), where [`get`](Self::get) would panic.
    fn compile(&self) -> Result<(), String> {
        if let (None, Some((grammar, text))) = (self.compiled.get(), &self.deferred) {
            let query = Query::new(grammar, text).map_err(|e| e.message.trim().to_string())?;
            if query.capture_names() != self.names {
                return Err("capture numbering differs from tree-sitter's".into());
            }
            let _ = self.compiled.set(query);
        }
        Ok(())
    }

    /// The query. Every group that runs its query compiled it when the plan was built
    /// ([`compile`](Self::compile)); this compiles one that did not.
    fn get(&self) -> &Query {
        self.compiled.get_or_init(|| {
            let (grammar, text) = self
                .deferred
                .as_ref()
                .expect("a query not compiled at once is deferred");
            let query = Query::new(grammar, text)
                .expect("a deferred pattern compiled as part of its detector's query");
            debug_assert_eq!(query.capture_names(), self.names);
            query
        })
    }

    fn capture_names(&self) -> &[String] {
        &self.names
    }

    fn capture_index_for_name(&self, name: &str) -> Option<u32> {
        self.names.iter().position(|n| n == name).map(|i| i as u32)
    }

    /// Patterns in the query; `Some(1)` for a deferred one.
    fn pattern_count(&self) -> Option<usize> {
        match self.deferred {
            Some(_) => Some(1),
            None => self.compiled.get().map(Query::pattern_count),
        }
    }

    /// The byte offset in `text` where each pattern starts.
    fn pattern_starts(&self, text: &str) -> Vec<usize> {
        match (&self.deferred, self.compiled.get()) {
            (None, Some(q)) => (0..q.pattern_count())
                .map(|p| q.start_byte_for_pattern(p))
                .collect(),
            // Past leading blanks and comments.
            _ => vec![crate::query::guard::pattern_start(text)],
        }
    }
}

/// A [`Shallow`] pattern with the capture indices of its group's query.
struct ShallowGroup {
    shape: Shallow,
    /// Capture indices of the root node.
    root: Vec<u32>,
    /// Per field of `shape`, the capture indices of its node.
    fields: Vec<Vec<u32>>,
}

impl ShallowGroup {
    fn new(lang: Language, query: &LazyQuery, pattern: &str) -> Option<ShallowGroup> {
        if query.pattern_count() != Some(1) {
            return None;
        }
        let shape = Shallow::compile(lang, pattern)?;
        let ids = |names: &[String]| -> Option<Vec<u32>> {
            names
                .iter()
                .map(|n| query.capture_index_for_name(n))
                .collect()
        };
        let root = ids(&shape.root)?;
        let fields = shape
            .fields
            .iter()
            .map(|(_, _, names)| ids(names))
            .collect::<Option<Vec<_>>>()?;
        Some(ShallowGroup {
            shape,
            root,
            fields,
        })
    }
}

/// The vocabularies each pattern of a query requires of the anchor's callee (see
/// `Group::member_gate`).
fn member_gate(
    dets: &[Arc<Detector>],
    entries: &[PatternEntry],
    roots: &mut Vec<String>,
) -> Option<MemberGate> {
    let mut gate = Vec::new();
    for (di, p, text) in entries {
        let d = &dets[*di];
        let callee = crate::query::guard::callee_captures(text);
        gate.push((*di, resolves_vocabs(d, d.custom.get(*p)?, &callee, roots)?));
    }
    Some(gate)
}

/// Per detector pattern of a group: the detector, and the vocabularies its `#resolves-to?` on
/// the callee requires.
type MemberGate = Vec<(usize, Vec<LiveVocab>)>;

/// Per detector: for each of its patterns, the vocabularies its positive `#resolves-to?`
/// predicates require (on any capture); `None` when some pattern requires none. A detector is
/// off in a file where every pattern requires a vocabulary none of whose entries can match
/// there (see [`RootGate`]).
fn required_vocabs(d: &Detector, roots: &mut Vec<String>) -> Option<Vec<Vec<LiveVocab>>> {
    let out = d
        .custom
        .iter()
        .map(|preds| resolves_vocabs(d, preds, &d.captures, roots))
        .collect::<Option<Vec<_>>>()?;
    (!out.is_empty()).then_some(out)
}

/// The vocabularies one pattern's positive `#resolves-to?` predicates on `captures` require;
/// `None` when there are none.
fn resolves_vocabs(
    d: &Detector,
    preds: &[custom::CustomPredicate],
    captures: &[String],
    roots: &mut Vec<String>,
) -> Option<Vec<LiveVocab>> {
    let vocabs: Vec<LiveVocab> = preds
        .iter()
        .filter_map(|c| c.resolves_on(captures, &d.vocab))
        .map(|v| LiveVocab::new(v, roots))
        .collect();
    (!vocabs.is_empty()).then_some(vocabs)
}

/// The root gate: which vocabulary entries a Python file can resolve into at all. Resolution
/// is file-local: a name resolves to `m.…` only through an import of `m` (or a relative import,
/// named after the file's path), a module-level binding, or as an unbound builtin, all of which
/// spell the root `m` as a name in the file. So an entry whose first segment the file never
/// spells (`boto3.client().*`, `cv2.**` in a module that imports neither) matches nothing in
/// it: a unit whose every pattern requires a `#resolves-to?` of such entries is off for the
/// file, and a member call `a.b()` passes a group's member gate only when an entry that may
/// end in `b` has its root in the file. Before, the open-tailed entries of the asyncio
/// vocabularies let every member call in a coroutine past the gate (16,767 runs on prefect).
/// Python only: Go and JavaScript resolution also follows module paths the file does not spell.
#[derive(Debug)]
struct RootGate {
    words: Vec<String>,
    /// Off (other languages, no guards): every root is live.
    on: bool,
    /// The roots by their bytes. They are names ([`crate::vocab::Vocabulary::entry_ends`]
    /// gives no other first segments); one of 64 bytes or more is not listed and always live.
    names: crate::FastMap<Box<[u8]>, u32>,
    /// Bit `n` of `starts[b]`: some listed root of `n` bytes starts with byte `b`.
    starts: Box<[u64; 256]>,
    /// Bit `n` of `ends[b]`: some listed root of `n` bytes ends with byte `b`. Both tables
    /// together leave few names to look up (measured on prefect: the first table alone let
    /// through most names of common lengths and initials, and the lookups cost more than the
    /// pass over the bytes).
    ends: Box<[u64; 256]>,
}

impl RootGate {
    /// The gate over `words`; `on` false lets every root through.
    fn new(words: Vec<String>, on: bool) -> RootGate {
        let mut names = crate::FastMap::default();
        let mut starts = Box::new([0u64; 256]);
        let mut ends = Box::new([0u64; 256]);
        for (i, w) in words.iter().enumerate() {
            let b = w.as_bytes();
            if let (Some(&first), Some(&last)) = (b.first(), b.last()) {
                if b.len() < 64 && b.iter().all(|&c| NAME_BYTE[usize::from(c)]) {
                    names.insert(Box::from(b), i as u32);
                    starts[usize::from(first)] |= 1 << b.len();
                    ends[usize::from(last)] |= 1 << b.len();
                }
            }
        }
        RootGate {
            words,
            on,
            names,
            starts,
            ends,
        }
    }

    /// The roots of one file, found when the first is asked about.
    fn file<'a>(&'a self, path: &'a str, source: &'a str) -> LiveRoots<'a> {
        LiveRoots {
            gate: self,
            path,
            source: source.as_bytes(),
            state: vec![0; self.words.len()],
            scanned: false,
        }
    }
}

/// Which roots a file spells. The first root asked about costs one pass over the file's names
/// that finds every root at once (a table lookup per name whose first byte and length some
/// root has). Measured (callgrind, prefect, the first two packs): a SIMD substring search per
/// root asked about cost 18 M instructions more than the pass, as short roots (`os`, `re`)
/// occur inside many longer names, and searching for the first few roots before the pass cost
/// more again; an Aho-Corasick automaton over every root cost the most.
struct LiveRoots<'a> {
    gate: &'a RootGate,
    path: &'a str,
    source: &'a [u8],
    /// By root id: 0 not looked up yet, 1 absent, 2 present.
    state: Vec<u8>,
    /// Whether the pass over the names has run: a root still at 0 is then not spelled in the
    /// text (its path may still hold it).
    scanned: bool,
}

impl LiveRoots<'_> {
    fn get(&mut self, id: u32) -> bool {
        let i = id as usize;
        if !self.gate.on {
            return true;
        }
        if !self.scanned {
            self.scan();
        }
        if self.state[i] == 0 {
            let word = &self.gate.words[i];
            // Any occurrence in the path: a relative import names the file's packages.
            let found =
                !self.gate.names.contains_key(word.as_bytes()) || self.path.contains(word.as_str());
            self.state[i] = if found { 2 } else { 1 };
        }
        self.state[i] == 2
    }

    /// Marks every listed root that occurs in the text as a whole name.
    fn scan(&mut self) {
        self.scanned = true;
        let (src, gate) = (self.source, self.gate);
        let state = &mut self.state;
        crate::lang::for_each_name(src, |start, end| {
            let len = end - start;
            if len < 64
                && (gate.starts[usize::from(src[start])] & gate.ends[usize::from(src[end - 1])])
                    >> len
                    & 1
                    == 1
            {
                if let Some(&id) = gate.names.get(&src[start..end]) {
                    state[id as usize] = 2;
                }
            }
        });
    }
}

/// One vocabulary as the root gate reads it (root ids index [`RootGate::words`]).
#[derive(Debug, Clone, Default)]
struct LiveVocab {
    /// Some entry may start with anything (`*.read_text`).
    any_start: bool,
    /// The literal last segments of those entries; `None`: one may end with anything.
    free_last: Option<crate::FastSet<String>>,
    /// Literal last segment -> the roots of the entries ending with it.
    by_last: crate::FastMap<String, Vec<u32>>,
    /// The roots of entries that may end with anything (`boto3.client().*`).
    open_roots: Vec<u32>,
    roots: Vec<u32>,
}

impl LiveVocab {
    fn new(v: &crate::vocab::Vocabulary, words: &mut Vec<String>) -> LiveVocab {
        let mut out = LiveVocab {
            free_last: Some(Default::default()),
            ..LiveVocab::default()
        };
        for (first, last) in v.entry_ends() {
            let Some(first) = first else {
                out.any_start = true;
                match (last, &mut out.free_last) {
                    (Some(l), Some(set)) => {
                        set.insert(l.to_string());
                    }
                    _ => out.free_last = None,
                }
                continue;
            };
            let id = match words.iter().position(|w| w == first) {
                Some(i) => i,
                None => {
                    words.push(first.to_string());
                    words.len() - 1
                }
            } as u32;
            if !out.roots.contains(&id) {
                out.roots.push(id);
            }
            match last {
                Some(l) => out.by_last.entry(l.to_string()).or_default().push(id),
                None => out.open_roots.push(id),
            }
        }
        if !out.any_start {
            out.free_last = Some(Default::default());
        }
        out
    }

    /// Whether some entry can match in a file with these roots.
    fn may_match(&self, live: &mut LiveRoots<'_>) -> bool {
        self.any_start || self.roots.iter().any(|&r| live.get(r))
    }

    /// Whether a name ending in `last` may match in a file with these roots.
    fn may_end_with(&self, last: &str, live: &mut LiveRoots<'_>) -> bool {
        (self.any_start && self.free_last.as_ref().is_none_or(|s| s.contains(last)))
            || self.open_roots.iter().any(|&r| live.get(r))
            || self
                .by_last
                .get(last)
                .is_some_and(|ids| ids.iter().any(|&r| live.get(r)))
    }
}

/// A table by kind id of the named kinds with one of these names.
fn kind_table(grammar: &tree_sitter::Language, names: &[&str]) -> Vec<bool> {
    let mut table = vec![false; grammar.node_kind_count()];
    for id in 0..grammar.node_kind_count() as u16 {
        if grammar.node_kind_is_named(id)
            && grammar
                .node_kind_for_id(id)
                .is_some_and(|k| names.contains(&k))
        {
            table[usize::from(id)] = true;
        }
    }
    table
}

/// The captures on the root node of a pattern: `@site` in `((call …) @site (#eq? …))`.
fn root_captures(pattern: &str) -> Vec<String> {
    let s = pattern.trim_start();
    if !s.starts_with('(') {
        return Vec::new();
    }
    // A group `((node …) @cap (#pred …))`: the root node is its first expression.
    let inner = s[1..].trim_start();
    let start = if inner.starts_with('(') || inner.starts_with('[') {
        s.len() - inner.len()
    } else {
        0
    };
    let Some(end) = matching_bracket(s, start) else {
        return Vec::new();
    };
    s[end + 1..]
        .split_whitespace()
        .take_while(|w| w.starts_with('@'))
        .map(|w| w[1..].trim_end_matches(')').to_string())
        .collect()
}

/// The index of the bracket closing the one at `open`, skipping strings and `;` comments.
pub(crate) fn matching_bracket(s: &str, open: usize) -> Option<usize> {
    let mut depth = 0i32;
    let mut chars = s[open..].char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + i);
                }
            }
            '"' => {
                while let Some((_, c)) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
            }
            ';' => {
                for (_, c) in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    None
}

/// The node kinds the patterns of a query start with, as a table by kind id; `None` when some
/// pattern's first node is a wildcard, an alternation or anonymous.
fn start_kinds(
    grammar: &tree_sitter::Language,
    pattern_starts: &[usize],
    text: &str,
) -> Option<Vec<bool>> {
    let mut table = vec![false; grammar.node_kind_count()];
    for &start in pattern_starts {
        let rest = &text[start..];
        // `((call …) @site (#pred …))` groups a pattern with its predicates: skip the groups.
        let rest = rest.trim_start_matches(|c: char| c == '(' || c.is_whitespace());
        let name: &str = rest
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .next()
            .unwrap_or("");
        if name.is_empty() || name == "_" {
            return None;
        }
        let mut found = false;
        for id in 0..grammar.node_kind_count() as u16 {
            if grammar.node_kind_is_named(id) && grammar.node_kind_for_id(id) == Some(name) {
                table[usize::from(id)] = true;
                found = true;
            }
        }
        if !found {
            return None;
        }
    }
    Some(table)
}

thread_local! {
    static PARSERS: RefCell<crate::FastMap<Language, Parser>> = RefCell::new(Default::default());
}

/// Parses source text with a per-thread parser.
pub fn parse(lang: Language, source: &str) -> Option<tree_sitter::Tree> {
    PARSERS.with(|p| {
        let mut parsers = p.borrow_mut();
        let parser = parsers.entry(lang).or_insert_with(|| {
            let mut parser = Parser::new();
            // The grammars are compiled into the binary; a version mismatch is a build error
            // caught by `lang::tests::every_grammar_loads`.
            let _ = parser.set_language(&lang.grammar());
            parser
        });
        parser.parse(source, None)
    })
}

/// Mutable state while one file is checked.
struct FileRun<'a, 't> {
    report: FileReport,
    /// The matches that passed their engine predicates, in match order; their predicates run
    /// after the walk.
    deferred: Vec<Deferred<'t>>,
    /// Several patterns of one detector can match the same node; it is reported once.
    seen: crate::FastSet<(usize, usize, usize)>,
    dropped_broken: usize,
    broken: bool,
    /// By detector index: whether the detector runs on this file.
    active: Vec<bool>,
    /// The vocabulary roots the file spells.
    live: LiveRoots<'a>,
}

/// A match that passed its detector's engine predicates, waiting for the rest of its work until
/// the walk is over ([`Engine::finish_one`]).
struct Deferred<'t> {
    /// The detector.
    di: usize,
    /// The query group it matched in (for `--query-stats`).
    group: usize,
    /// The captured node per detector capture.
    nodes: Vec<Option<tree_sitter::Node<'t>>>,
}

/// Puts `items` (made while running deferred matches detector by detector) back in match order:
/// `seq[i]` is the match `items[i]` came from. A stable sort, so one match's items keep their
/// own order.
fn in_match_order<T>(items: &mut Vec<T>, seq: Vec<usize>) {
    if seq.is_sorted() {
        return;
    }
    let start = items.len() - seq.len();
    let mut tagged: Vec<(usize, T)> = seq.into_iter().zip(items.drain(start..)).collect();
    tagged.sort_by_key(|(k, _)| *k);
    items.extend(tagged.into_iter().map(|(_, t)| t));
}

/// What checking one file produced.
#[derive(Debug, Default, Clone)]
pub struct FileReport {
    pub findings: Vec<Finding>,
    pub diagnostics: Vec<Diagnostic>,
    /// Findings removed by inline suppressions.
    pub suppressed: usize,
    /// Fact records emitted by extractors, in source order.
    pub records: Vec<crate::project::FactRecord>,
    /// Check-level warnings of project detectors (check id, text): items they could not decide.
    pub check_warnings: Vec<(String, String)>,
    /// The file's functions and call sites (F11), when a pack needs execution contexts.
    pub graph: Option<crate::callgraph::FileGraph>,
}

impl Engine {
    pub fn catalog(&self) -> &Arc<Catalog> {
        &self.catalog
    }

    pub fn packs(&self) -> &[Arc<Pack>] {
        &self.packs
    }

    /// Languages that have at least one active detector.
    pub fn languages(&self) -> Vec<Language> {
        let mut v: Vec<_> = self.plans.keys().copied().collect();
        v.sort();
        v
    }

    /// Whether any detector runs on files of this language.
    pub fn handles(&self, lang: Language) -> bool {
        self.plans.contains_key(&lang)
    }

    /// Compiles the plans of these languages now (otherwise the first file of a language
    /// compiles its plan) and returns their warnings.
    pub fn prepare(&self, languages: &[Language]) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for lang in languages {
            if let Some(slot) = self.plans.get(lang) {
                slot.plan();
                out.extend(slot.compiled.get().into_iter().flat_map(|c| c.1.clone()));
            }
        }
        out
    }

    /// Compiles every language's plan (a pack's tests want all its problems) and returns the
    /// warnings.
    pub fn prepare_all(&self) -> Vec<Diagnostic> {
        self.prepare(&self.languages())
    }

    /// Per query of the plans compiled so far: how often it ran and how many matches it
    /// found, most runs first. Empty unless the engine was built with
    /// [`EngineBuilder::count_queries`].
    pub fn query_stats(&self) -> Vec<QueryStat> {
        use std::sync::atomic::Ordering::Relaxed;
        let mut out = Vec::new();
        if !self.count_queries {
            return out;
        }
        for (lang, slot) in &self.plans {
            let Some((Some(plan), _)) = slot.compiled.get() else {
                continue;
            };
            for g in &plan.groups {
                let mut detectors: Vec<String> = g
                    .patterns
                    .iter()
                    .flatten()
                    .map(|&(di, _)| plan.detectors[di].qualified_name())
                    .collect();
                detectors.dedup();
                out.push(QueryStat {
                    language: *lang,
                    detectors,
                    runs: g.counts.0.load(Relaxed),
                    matches: g.counts.1.load(Relaxed),
                    nanos: g.counts.2.load(Relaxed),
                });
            }
        }
        out.sort_by(|a, b| {
            (b.runs, b.matches, a.language, &a.detectors).cmp(&(
                a.runs,
                a.matches,
                b.language,
                &b.detectors,
            ))
        });
        out
    }

    /// Warnings of the plans compiled so far, in language order.
    pub fn plan_warnings(&self) -> Vec<Diagnostic> {
        let mut langs: Vec<&Language> = self.plans.keys().collect();
        langs.sort();
        langs
            .into_iter()
            .filter_map(|l| self.plans[l].compiled.get())
            .flat_map(|c| c.1.clone())
            .collect()
    }

    /// Check ids that have an active detector.
    pub fn active_checks(&self) -> &std::collections::BTreeSet<String> {
        &self.active_checks
    }

    /// Checks one file given as text. `path` is the label findings carry; the language comes
    /// from its extension. Findings are in source order.
    pub fn check_source(&self, path: &str, source: &str) -> FileReport {
        match Language::from_path(path) {
            Some(lang) => self.check_source_as(path, lang, source),
            None => FileReport::default(),
        }
    }

    /// Checks one file of a known language.
    pub fn check_source_as(&self, path: &str, lang: Language, source: &str) -> FileReport {
        self.run_file(path, lang, source, false)
    }

    /// Runs only the fact extractors over a file: for files excluded from checking whose facts
    /// still count (migrations, CHECKS.md §0).
    /// Only the extractors that read migrations run (`migrations`, default: those with `paths`).
    pub fn extract_source(&self, path: &str, source: &str) -> FileReport {
        match Language::from_path(path) {
            Some(lang) if self.has_migration_extractors(lang) => {
                self.run_file(path, lang, source, true)
            }
            _ => FileReport::default(),
        }
    }

    /// Whether any fact extractor runs on files of this language.
    pub fn has_extractors(&self, lang: Language) -> bool {
        self.plans
            .get(&lang)
            .is_some_and(|p| p.detectors.iter().any(|d| d.role != Role::Detect))
    }

    /// Whether any fact extractor reads migration files of this language.
    pub fn has_migration_extractors(&self, lang: Language) -> bool {
        self.plans.get(&lang).is_some_and(|p| {
            p.detectors
                .iter()
                .any(|d| d.role != Role::Detect && d.reads_migrations)
        })
    }

    fn run_file(&self, path: &str, lang: Language, source: &str, facts_only: bool) -> FileReport {
        let mut report = FileReport::default();
        let Some(plan) = self.plans.get(&lang).and_then(PlanSlot::plan) else {
            return report;
        };
        let Some(tree) = parse(lang, source) else {
            report.diagnostics.push(Diagnostic::note(
                path,
                "the parser gave up on this file; skipped",
            ));
            return report;
        };
        let file = Arc::new(
            FileCtx::new(path.into(), lang, source.into(), tree)
                .with_tx_model(Arc::clone(&self.tx)),
        );
        let root = file.tree.root_node();
        let broken = root.has_error();

        // Detectors that run on this file at all: in a facts-only pass (a migration file),
        // detectors and extractors that do not read migrations are off; units limited by `paths`
        // run only on matching files, units limited by `file_contains` only on files holding one
        // of their words (all words of the plan found in one scan of the text, made only if some
        // unit asks: [`PlanWords`]). A query none of whose detectors is on does not run, and an
        // inactive unit costs nothing in this file, not even its engine predicates.
        let mut present: Option<Vec<bool>> = None;
        let mut live = plan.root_gate.file(path, source);
        let active: Vec<bool> = plan
            .detectors
            .iter()
            .enumerate()
            .map(|(di, d)| {
                !(facts_only && (d.role == Role::Detect || !d.reads_migrations))
                    && d.admits(path, || {
                        let Some(words) = &plan.words else {
                            return true;
                        };
                        let ids = &words.by_unit[di];
                        if ids.is_empty() {
                            return true;
                        }
                        let seen = present.get_or_insert_with(|| words.present(source));
                        ids.iter().any(|&i| seen[i])
                    })
                    && plan.needs[di].as_ref().is_none_or(|pats| {
                        pats.iter()
                            .any(|vs| vs.iter().all(|v| v.may_match(&mut live)))
                    })
            })
            .collect();
        let group_on: Vec<bool> = plan
            .groups
            .iter()
            .map(|g| g.patterns.iter().flatten().any(|&(di, _)| active[di]))
            .collect();
        let mut run = FileRun {
            report: FileReport::default(),
            deferred: Vec::new(),
            seen: Default::default(),
            dropped_broken: 0,
            broken,
            active,
            live,
        };
        let bytes = source.as_bytes();
        // F11: the function index rides on the dispatching walk (`crate::callgraph`).
        let mut indexer = self
            .index_functions
            .then(|| crate::callgraph::Indexer::new(&file, self.index_calls));
        // The dispatching walk: one pass over the file's node table; a group's pattern runs
        // anchored (start depth 0) only on nodes of a kind it starts with, and async-only groups
        // only inside coroutines. The walk keeps the stack of enclosing functions for that.
        // No walk at all when no anchored pattern is on in this file (the function index then
        // walks the tree by itself).
        let walk = plan
            .groups
            .iter()
            .zip(&group_on)
            .any(|(g, on)| *on && g.start_kinds.is_some());
        // The file's node table: one walk, which leaves out the children of nodes that have none
        // worth visiting (opaque, only tokens, or no marker of a pattern in their text), kept
        // for the predicates (their nodes' ancestors and descendants are read off it). Built
        // before any predicate runs, so that none builds the whole table first.
        // (`get`: an `ERROR` node's kind id is outside the grammar's tables.)
        let table = walk.then(|| {
            let mut markers = plan
                .markers
                .as_ref()
                .filter(|_| !broken)
                .map(|m| m.cursor(bytes));
            // (The table's walk leaves out the children of token-only nodes itself: `HOW_TOKENS`.)
            file.table_by_kind(plan.table_fields, &plan.table_how, HOW_ASK, |a| {
                let (node, kind) = (a.node, usize::from(a.kind));
                let opaque = plan
                    .opaque
                    .get(kind)
                    .is_some_and(|&how| skip_children(how, node, bytes));
                !opaque
                    && markers.as_mut().is_none_or(|mc| {
                        match plan.markers.as_ref().and_then(|m| m.by_kind.get(kind)) {
                            Some(Some(tests)) => mc.holds(tests, a.start, a.end),
                            _ => true,
                        }
                    })
            })
        });
        // (Not in files with syntax errors: error recovery may build nodes the plan's reading
        // of the grammar does not foresee.)
        if table.is_some() && !broken {
            file.seal_kinds(Arc::clone(&plan.sealed));
        }
        // Groups whose patterns start anywhere walk the tree with their own query.
        for (gi, g) in plan.groups.iter().enumerate() {
            if g.start_kinds.is_none() && group_on[gi] {
                let since = self.count_queries.then(thread_cpu_nanos);
                let mut qc = QueryCursor::new();
                let mut matches = qc.matches(g.query.get(), root, bytes);
                let mut found = 0u64;
                while let Some(m) = matches.next() {
                    found += 1;
                    self.process_match(
                        plan,
                        gi,
                        &file,
                        m.pattern_index,
                        m.captures(),
                        None,
                        &mut run,
                    );
                }
                if self.count_queries {
                    g.count(found, since);
                }
            }
        }
        if let Some(table) = table {
            let mut qc = QueryCursor::new();
            qc.set_max_start_depth(Some(0));
            // Enclosing functions, outermost first: (depth, is a coroutine, the decorator gates
            // it passes as bits), and the nodes.
            let mut functions: Vec<(u32, bool, u64)> = Vec::new();
            let mut function_nodes: Vec<tree_sitter::Node<'_>> = Vec::new();
            // The last `decorated_definition` entered: a decorated function is visited right
            // after its decorators, so this is its parent when the function is its definition.
            let mut last_decorated: Option<tree_sitter::Node<'_>> = None;
            // Depths of the loops and comprehensions on the current path.
            let mut loops: Vec<u32> = Vec::new();
            // The matches of a native pattern on the visited node (see `query::native`).
            let mut native_out: Vec<Vec<tree_sitter::QueryCapture<'_>>> = Vec::new();
            // One memo for the walk, reset at each node that acts (about 590,000 on prefect):
            // a memo is a few hundred bytes, its lookups kept inline, and a new one at each of
            // those nodes was built and moved whole (callgrind, prefect: 3.9 M instructions).
            let mut memo = FieldMemo::new(file.tree.root_node());
            let mut i = 0;
            while let Some(&node) = table.nodes.get(i) {
                let kind = usize::from(table.kind[i]);
                // A leaf (or a node whose children the table leaves out) of a kind nothing acts
                // on: about half the rows. Passed over before the function and loop stacks are
                // brought up to it: the next row is no deeper, so it leaves what this one would
                // have left.
                if table.end[i] as usize == i + 1 && !plan.acted.get(kind).copied().unwrap_or(true)
                {
                    i += 1;
                    continue;
                }
                let depth = table.depth[i];
                // Leave the functions and loops that end before this node.
                while functions.last().is_some_and(|f| f.0 >= depth) {
                    functions.pop();
                    function_nodes.pop();
                }
                while loops.last().is_some_and(|&l| l >= depth) {
                    loops.pop();
                }
                let in_async = functions.last().is_some_and(|f| f.1);
                // Below a loop, with no function boundary in between.
                let in_loop = loops
                    .last()
                    .is_some_and(|&l| functions.last().is_none_or(|f| l > f.0));
                if let Some(ix) = indexer.as_mut() {
                    ix.enter(node, depth);
                }
                let groups_here = plan.by_kind.get(kind).map_or(&[][..], |v| &v[..]);
                // Nothing to match or index on most nodes: the memo is not reset for them
                // (making and dropping one at every node of the walk cost about 40 M
                // instructions on prefect).
                let acts = indexer.as_ref().is_some_and(|ix| ix.acts_on(kind));
                if !groups_here.is_empty() || acts {
                    memo.reset_in_table(table, i);
                    let keys = plan.text_keys.get(kind).and_then(Option::as_ref);
                    // The answers of the text keys on this node, by path (computed when first asked:
                    // bit `p` of `answered`). (Not an array of options: clearing one at every node of
                    // the walk cost more than the answers.)
                    let mut answers: [KeyBits; MAX_KEY_PATHS] = [0; MAX_KEY_PATHS];
                    let mut answered = 0u8;
                    for (j, &gi) in groups_here.iter().enumerate() {
                        let g = &plan.groups[gi];
                        if !group_on[gi] || (g.async_only && !in_async) || (g.loop_only && !in_loop)
                        {
                            continue;
                        }
                        // The anchor's nearest function (the anchor itself is pushed after).
                        if g.decorated_gate.is_some_and(|bit| {
                            functions.last().is_none_or(|f| f.2 & (1 << bit) == 0)
                        }) {
                            continue;
                        }
                        if let Some((keys, (p, slot))) = keys.and_then(|k| Some((k, k.slots[j]?))) {
                            let p = usize::from(p);
                            if answered & (1 << p) == 0 {
                                answers[p] = keys.paths[p].answer(&mut memo, bytes);
                                answered |= 1 << p;
                            }
                            let bits = answers[p];
                            if bits & (1 << slot) == 0 {
                                continue;
                            }
                        }
                        if g.guard
                            .as_ref()
                            .is_some_and(|guard| !guard.holds(&mut memo, bytes))
                        {
                            continue;
                        }
                        if let Some(gate) = &g.member_gate {
                            let callee = plan.function_field.and_then(|f| memo.child(f));
                            if let Some(m) = callee.and_then(custom::member_name) {
                                let name = file.text(m);
                                if !gate.iter().any(|(di, vs)| {
                                    run.active[*di]
                                        && vs.iter().all(|v| v.may_end_with(name, &mut run.live))
                                }) {
                                    continue;
                                }
                            }
                        }
                        let hint = custom::Hint {
                            anchor: node,
                            in_async,
                            functions: &function_nodes,
                            anchor_is_function: plan
                                .function_kinds
                                .get(kind)
                                .copied()
                                .unwrap_or(false),
                        };
                        let since = self.count_queries.then(thread_cpu_nanos);
                        let mut found = 0u64;
                        let mut emit = |pattern: usize, caps: &[_]| {
                            found += 1;
                            self.process_match(
                                plan,
                                gi,
                                &file,
                                pattern,
                                caps,
                                Some(&hint),
                                &mut run,
                            );
                        };
                        if let Some(sh) = &g.shallow {
                            // Matched here: the query would find this one match or none.
                            if let Some(nodes) = sh.shape.matches(&mut memo) {
                                let mut caps: Vec<tree_sitter::QueryCapture<'_>> = sh
                                    .root
                                    .iter()
                                    .map(|&index| tree_sitter::QueryCapture { node, index })
                                    .collect();
                                for (n, ids) in nodes.iter().zip(&sh.fields) {
                                    caps.extend(ids.iter().map(|&index| {
                                        tree_sitter::QueryCapture { node: *n, index }
                                    }));
                                }
                                emit(0, &caps);
                            }
                        } else if let Some(nv) = &g.native {
                            nv.matches(&mut memo, bytes, &mut native_out);
                            for caps in native_out.drain(..) {
                                emit(0, &caps);
                            }
                        } else {
                            let mut matches = qc.matches(g.query.get(), node, bytes);
                            while let Some(m) = matches.next() {
                                emit(m.pattern_index, m.captures());
                            }
                        }
                        if self.count_queries {
                            g.count(found, since);
                        }
                    }
                    // The function index reads what the guards already looked up on this node.
                    if let Some(ix) = indexer.as_mut() {
                        ix.act(node, kind, depth, &mut memo);
                    }
                }
                if plan.function_kinds.get(kind).copied().unwrap_or(false) {
                    let mut gates = 0u64;
                    if let Some(d) = last_decorated.filter(|d| {
                        !plan.decorated_gates.is_empty()
                            && d.end_byte() == node.end_byte()
                            && crate::lang::NodeExt::field(d, "definition")
                                .is_some_and(|x| x.id() == node.id())
                    }) {
                        for (bit, voc) in plan.decorated_gates.iter().enumerate() {
                            if custom::decorators_match(&file, d, voc) {
                                gates |= 1 << bit;
                            }
                        }
                    }
                    functions.push((depth, semantics::is_async(lang, node), gates));
                    function_nodes.push(node);
                } else if plan.decorated_kind.is_some_and(|d| usize::from(d) == kind) {
                    last_decorated = Some(node);
                } else if plan.loop_kinds.get(kind).copied().unwrap_or(false) {
                    loops.push(depth);
                }
                i += 1;
            }
        }
        // The matches' second halves (predicates, records, findings), detector by detector, each
        // detector's in match order. A predicate run many times in a row keeps its script, the
        // interpreter's paths through it and its host functions in the caches; interleaved
        // with the walk and with other predicates, as they were, they were evicted between
        // matches (bench/README.md, round twenty-seven). What they produce is put back in match
        // order, so that records and diagnostics come out as before.
        let deferred = std::mem::take(&mut run.deferred);
        let mut order: Vec<usize> = (0..deferred.len()).collect();
        order.sort_by_key(|&k| deferred[k].di);
        let (mut record_seq, mut diagnostic_seq) = (Vec::new(), Vec::new());
        for k in order {
            let d = &deferred[k];
            let (records, diagnostics) = (run.report.records.len(), run.report.diagnostics.len());
            let since = self.count_queries.then(thread_cpu_nanos);
            #[cfg_attr(feature = "detector-probes", allow(unused_mut))]
            let mut one =
                || self.finish_one(&plan.detectors[d.di], d.di, &file, &d.nodes, &mut run);
            #[cfg(feature = "detector-probes")]
            probes::dispatch(d.di, one);
            #[cfg(not(feature = "detector-probes"))]
            one();
            if self.count_queries {
                plan.groups[d.group].charge(since);
            }
            record_seq.resize(run.report.records.len() - records + record_seq.len(), k);
            diagnostic_seq.resize(
                run.report.diagnostics.len() - diagnostics + diagnostic_seq.len(),
                k,
            );
        }
        in_match_order(&mut run.report.records, record_seq);
        in_match_order(&mut run.report.diagnostics, diagnostic_seq);
        let FileRun {
            mut report,
            dropped_broken,
            ..
        } = run;
        report.graph = indexer.map(|mut ix| {
            if !walk {
                ix.walk(root);
            }
            ix.finish()
        });
        if facts_only {
            return report;
        }
        if broken {
            let msg = if dropped_broken > 0 {
                format!("file has syntax errors; {dropped_broken} finding(s) inside the broken code were dropped")
            } else {
                "file has syntax errors; findings inside the broken code are dropped".to_string()
            };
            report.diagnostics.push(Diagnostic::note(path, msg));
        }

        report.findings.sort_by(|a, b| {
            (a.byte_range, &a.check, &a.detector).cmp(&(b.byte_range, &b.check, &b.detector))
        });
        assign_fingerprints(&mut report.findings);

        let mut sups = suppress::parse(source, lang.comment_prefix());
        report.suppressed = suppress::apply(&mut report.findings, &mut sups);
        let is_known = |id: &str| {
            self.catalog.contains(id)
                || crate::model::Category::parse(id).is_some()
                || self.catalog.iter().any(|c| suppress::covers(id, &c.id))
        };
        // A check whose predicate failed in this file may have lost findings: its suppressions
        // cannot be judged unused.
        let failed: std::collections::BTreeSet<String> = report
            .diagnostics
            .iter()
            .filter(|d| d.level == Level::Error)
            .filter_map(|d| d.detector.as_ref())
            .filter_map(|q| {
                plan.detectors
                    .iter()
                    .find(|det| det.qualified_name() == *q)
                    .map(|det| det.check.id.clone())
            })
            .collect();
        let is_active = |id: &str| {
            self.active_checks
                .iter()
                .any(|c| suppress::covers(id, c) && !failed.contains(c))
        };
        report
            .diagnostics
            .extend(suppress::report(path, &sups, is_known, is_active));
        report
    }

    /// Hands one query match to every detector pattern it stands for.
    /// `pattern` is the query's pattern index, `captures` the match's captures (from a query
    /// cursor, or built by the engine for a [`Shallow`] pattern).
    #[allow(clippy::too_many_arguments)] // reason: two callers; the match is borrowed in place
    fn process_match<'t>(
        &self,
        plan: &LangPlan,
        group: usize,
        file: &'t Arc<FileCtx>,
        pattern: usize,
        captures: &[tree_sitter::QueryCapture<'t>],
        hint: Option<&custom::Hint<'_, 't>>,
        run: &mut FileRun<'_, 't>,
    ) {
        let g = &plan.groups[group];
        for &(di, local_pattern) in &g.patterns[pattern] {
            #[cfg_attr(feature = "detector-probes", allow(unused_mut))]
            let mut one = || {
                self.process_one(
                    group,
                    g,
                    &plan.detectors[di],
                    di,
                    local_pattern,
                    file,
                    captures,
                    hint,
                    run,
                )
            };
            #[cfg(feature = "detector-probes")]
            probes::dispatch(di, one);
            #[cfg(not(feature = "detector-probes"))]
            one();
        }
    }

    /// The first half of turning one match of one detector pattern into a finding or records:
    /// the engine predicates, straight from the match; a match that passes them waits in
    /// `run.deferred` for [`Engine::finish_one`].
    #[allow(clippy::too_many_arguments)] // reason: one caller; the match is borrowed in place
    fn process_one<'t>(
        &self,
        g_index: usize,
        g: &Group,
        det: &Arc<Detector>,
        di: usize,
        local_pattern: usize,
        file: &'t Arc<FileCtx>,
        captures: &[tree_sitter::QueryCapture<'t>],
        hint: Option<&custom::Hint<'_, 't>>,
        run: &mut FileRun<'_, 't>,
    ) {
        if !run.active[di] {
            return;
        }
        let map = &g.capture_map[di];
        let captured = |i: usize| {
            let ci = map[i];
            captures.iter().find(|c| c.index == ci).map(|c| c.node)
        };
        // Engine predicates first, straight from the match: most candidates end here.
        let custom_ok = det.custom[local_pattern].iter().all(|p| {
            let node = det
                .captures
                .iter()
                .position(|c| *c == p.capture)
                .and_then(captured);
            match node {
                Some(n) => p.holds(file, n, &det.vocab, hint),
                None => p.negate,
            }
        });
        if !custom_ok {
            return;
        }
        // Captured node per detector capture (first node of each).
        let nodes: Vec<Option<tree_sitter::Node<'t>>> =
            (0..det.captures.len()).map(captured).collect();
        run.deferred.push(Deferred {
            di,
            group: g_index,
            nodes,
        });
    }

    /// The second half of [`Engine::process_one`], run after the walk for each detector's
    /// matches in turn: the rhai predicate, dedupe, broken-code filter, message.
    fn finish_one<'t>(
        &self,
        det: &Arc<Detector>,
        di: usize,
        file: &'t Arc<FileCtx>,
        nodes: &[Option<tree_sitter::Node<'t>>],
        run: &mut FileRun<'_, 't>,
    ) {
        if let Role::Extract { fact } = &det.role {
            self.extract(fact, det, di, file, nodes, run);
            return;
        }
        let Some(mut report_node) = report_node(det, nodes) else {
            return;
        };
        if run
            .seen
            .contains(&(di, report_node.start_byte(), report_node.end_byte()))
        {
            return;
        }
        let mut severity = det.severity;
        let mut by_context = det.severity_by_context.as_ref();
        let mut vars: Vec<(String, String)> = Vec::new();
        let returned_table;
        if let Some(pred) = &det.predicate {
            if self.skips_predicate(det) {
                return;
            }
            match pred.eval(file, nodes, &det.vocab) {
                Ok(Outcome::Drop) => return,
                Ok(Outcome::Keep {
                    severity: s,
                    vars: v,
                    report,
                    severity_by_context: t,
                }) => {
                    // The predicate's answer wins over the detector's table: a fixed severity
                    // ends it, a table of its own replaces it.
                    if let Some(s) = s {
                        severity = s;
                        by_context = None;
                    }
                    returned_table = t;
                    if let Some(t) = &returned_table {
                        by_context = Some(t);
                    }
                    vars = v;
                    // The predicate moved the finding (to the call around a captured argument,
                    // say): find that node in this tree.
                    if let Some(r) = report {
                        match same_node(file, r.node()) {
                            Some(n) => report_node = n,
                            None => return,
                        }
                        if run.seen.contains(&(
                            di,
                            report_node.start_byte(),
                            report_node.end_byte(),
                        )) {
                            return;
                        }
                    }
                }
                Err(e) => {
                    let line = report_node.start_position().row + 1;
                    run.report.diagnostics.push(Diagnostic {
                        level: Level::Error,
                        file: Some(file.path.to_string()),
                        line: Some(line),
                        message: format!(
                            "{} ({}); no finding was produced for this match",
                            e.message, e.location
                        ),
                        pack: Some(det.pack.to_string()),
                        detector: Some(det.qualified_name()),
                    });
                    return;
                }
            }
        }
        // Marked only once kept: a vetoed match must not hide another pattern of the
        // same detector on the same node.
        run.seen
            .insert((di, report_node.start_byte(), report_node.end_byte()));
        if run.broken && semantics::in_broken_region(file, report_node) {
            run.dropped_broken += 1;
            return;
        }
        let (mut finding, unknown) = self.finding(file, det, report_node, severity, nodes, &vars);
        finding.severity_by_context = by_context.cloned();
        for name in unknown {
            {
                run.report.diagnostics.push(Diagnostic {
                    level: Level::Error,
                    file: Some(file.path.to_string()),
                    line: Some(finding.line),
                    message: format!(
                        "message placeholder `{{{name}}}` has no value: it is neither a capture, nor a variable the predicate returned, nor `fn`/`symbol`"
                    ),
                    pack: Some(det.pack.to_string()),
                    detector: Some(det.qualified_name()),
                });
            }
        }
        run.report.findings.push(finding);
    }

    /// Whether a unit's predicate is switched off (the benchmark's `--predicates-share`).
    fn skips_predicate(&self, det: &Detector) -> bool {
        self.no_predicates
            || self
                .no_predicates_of
                .iter()
                .any(|(p, n)| *p == *det.pack && *n == det.name)
    }

    /// Turns one extractor match into fact records.
    fn extract(
        &self,
        fact: &str,
        det: &Arc<Detector>,
        di: usize,
        file: &Arc<FileCtx>,
        nodes: &[Option<tree_sitter::Node<'_>>],
        run: &mut FileRun,
    ) {
        // `det.paths` was applied when the file run started (`FileRun::active`).
        let Some(node) = report_node(det, nodes) else {
            return;
        };
        if !run.seen.insert((di, node.start_byte(), node.end_byte())) {
            return;
        }
        if run.broken && semantics::in_broken_region(file, node) {
            return;
        }
        if det.predicate.is_some() && self.skips_predicate(det) {
            return;
        }
        let values: Vec<serde_json::Map<String, serde_json::Value>> = match &det.predicate {
            None => {
                let mut m = serde_json::Map::new();
                for (name, n) in det.captures.iter().zip(nodes) {
                    if let Some(n) = n {
                        m.insert(name.clone(), file.text(*n).into());
                    }
                }
                vec![m]
            }
            Some(pred) => match pred.eval_value(file, nodes, &det.vocab) {
                Ok(v) => match crate::project::dynamic_to_json(&v) {
                    serde_json::Value::Object(m) => vec![m],
                    serde_json::Value::Array(items) => {
                        let mut out = Vec::new();
                        for item in items {
                            match item {
                                serde_json::Value::Object(m) => out.push(m),
                                other => {
                                    run.report.diagnostics.push(self.extract_error(det, file, node, &format!("extractor returned an array item of type `{}`; each record is a map ({})", json_type(&other), pred.location())));
                                    return;
                                }
                            }
                        }
                        out
                    }
                    serde_json::Value::Null | serde_json::Value::Bool(false) => Vec::new(),
                    other => {
                        run.report.diagnostics.push(self.extract_error(det, file, node, &format!("extractor returned a value of type `{}`; return a map (one record), an array of maps, or false ({})", json_type(&other), pred.location())));
                        return;
                    }
                },
                Err(e) => {
                    run.report.diagnostics.push(self.extract_error(
                        det,
                        file,
                        node,
                        &format!(
                            "{} ({}); no record was produced for this match",
                            e.message, e.location
                        ),
                    ));
                    return;
                }
            },
        };
        let (line, column) = file.line_col(node.start_byte());
        for data in values {
            run.report.records.push(crate::project::FactRecord {
                fact: fact.to_string(),
                file: file.path.to_string(),
                line,
                column,
                pack: det.pack.to_string(),
                extractor: det.qualified_name(),
                data,
            });
        }
    }

    fn extract_error(
        &self,
        det: &Detector,
        file: &FileCtx,
        node: tree_sitter::Node<'_>,
        message: &str,
    ) -> Diagnostic {
        Diagnostic {
            level: Level::Error,
            file: Some(file.path.to_string()),
            line: Some(node.start_position().row + 1),
            message: message.to_string(),
            pack: Some(det.pack.to_string()),
            detector: Some(det.qualified_name()),
        }
    }

    fn finding(
        &self,
        file: &Arc<FileCtx>,
        det: &Detector,
        node: tree_sitter::Node<'_>,
        severity: crate::model::Severity,
        nodes: &[Option<tree_sitter::Node<'_>>],
        vars: &[(String, String)],
    ) -> (Finding, Vec<String>) {
        let unknown = RefCell::new(Vec::new());
        let recording = std::cell::Cell::new(true);
        let (line, column) = file.line_col(node.start_byte());
        let (end_line, end_column) = file.line_col(node.end_byte());
        let symbol = semantics::enclosing_symbol(file, node);
        let lookup = |name: &str| -> Option<String> {
            if let Some((_, v)) = vars.iter().find(|(k, _)| k == name) {
                return Some(v.clone());
            }
            if let Some(i) = det.captures.iter().position(|c| c == name) {
                return nodes[i].map(|n| short_text(file.text(n)));
            }
            match name {
                "fn" => semantics::enclosing_function(file, node)
                    .and_then(|f| semantics::definition_name(file, f))
                    .map(str::to_string)
                    .or_else(|| Some("<module>".into())),
                "symbol" => Some(symbol.clone()),
                _ => {
                    if recording.get() {
                        unknown.borrow_mut().push(name.to_string());
                    }
                    None
                }
            }
        };
        let message = render_template(&det.message, &lookup);
        // Recommendations often quote code with braces; only the message is checked.
        recording.set(false);
        let recommendation = render_template(&det.recommendation, &lookup);
        let finding = Finding {
            check: det.check.id.clone(),
            category: det.check.category,
            severity,
            file: file.path.to_string(),
            line,
            column,
            end: Position {
                line: end_line,
                column: end_column,
            },
            message,
            recommendation,
            effort: det.check.effort,
            pack: det.pack.to_string(),
            detector: det.qualified_name(),
            fingerprint: fingerprint_seed(&det.check.id, &file.path, &symbol, file.text(node)),
            principle: format!("{} / {}", det.check.category.title(), det.check.title),
            original_severity: severity,
            context: Default::default(),
            confidence: Default::default(),
            advisory: false,
            symbol,
            byte_range: (node.start_byte(), node.end_byte()),
            pending_signals: Vec::new(),
            data_path: None,
            functions: Vec::new(),
            severity_by_context: None,
        };
        let mut finding = finding;
        if self.index_functions {
            finding.functions = crate::callgraph::enclosing_functions(file, node);
        }
        if det.check.context_rule.is_some() {
            let migration = self.migrations.is_match(&*file.path);
            let s = crate::context::signals(file, node, migration, &self.job_dirs);
            finding.pending_signals = s
                .found
                .into_iter()
                .map(|(n, e)| (n.to_string(), e))
                .collect();
            finding.data_path = s.data_path;
        }
        let mut unknown = unknown.into_inner();
        unknown.sort();
        unknown.dedup();
        (finding, unknown)
    }
}

/// The node of this file's tree with the id of `n` (a node a predicate handed back).
fn same_node<'t>(file: &'t FileCtx, n: tree_sitter::Node<'_>) -> Option<tree_sitter::Node<'t>> {
    let mut cur = file
        .tree
        .root_node()
        .descendant_for_byte_range(n.start_byte(), n.end_byte())?;
    loop {
        if cur.id() == n.id() {
            return Some(cur);
        }
        cur = cur.parent()?;
        if cur.start_byte() != n.start_byte() || cur.end_byte() != n.end_byte() {
            return None;
        }
    }
}

/// The capture reported as the location: the one named by `report`, else the widest.
fn report_node<'t>(
    det: &Detector,
    nodes: &[Option<tree_sitter::Node<'t>>],
) -> Option<tree_sitter::Node<'t>> {
    if let Some(r) = &det.report {
        let i = det.captures.iter().position(|c| c == r)?;
        return nodes[i];
    }
    nodes
        .iter()
        .flatten()
        .max_by_key(|n| {
            (
                n.end_byte() - n.start_byte(),
                std::cmp::Reverse(n.start_byte()),
            )
        })
        .copied()
}

/// Whitespace runs collapsed, at most 80 characters.
fn short_text(s: &str) -> String {
    let collapsed = collapse_ws(s);
    if collapsed.chars().count() > 80 {
        let cut: String = collapsed.chars().take(77).collect();
        format!("{cut}...")
    } else {
        collapsed
    }
}

fn collapse_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Replaces `{name}` with `lookup(name)`; `{{` and `}}` are literal braces; unknown names stay.
pub fn render_template(t: &str, lookup: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(t.len());
    let mut rest = t;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push_str(&tail[..1]);
            rest = &tail[2..];
            continue;
        }
        if tail.starts_with('{') {
            if let Some(end) = tail.find('}').filter(|&e| is_placeholder(&tail[1..e])) {
                let name = &tail[1..end];
                match lookup(name) {
                    Some(v) => out.push_str(&v),
                    None => out.push_str(&tail[..=end]),
                }
                rest = &tail[end + 1..];
                continue;
            }
        }
        out.push_str(&tail[..1]);
        rest = &tail[1..];
    }
    out.push_str(rest);
    out
}

/// `{name}` is a placeholder only for identifier-like names; `{ where: … }` is literal text.
fn is_placeholder(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The part of the fingerprint that does not depend on other findings; the occurrence index is
/// added by [`assign_fingerprints`].
fn fingerprint_seed(check: &str, path: &str, symbol: &str, text: &str) -> String {
    [check, path, symbol, &collapse_ws(text)].join("\0")
}

/// The fingerprint of a finding that is the only one of its seed.
pub(crate) fn fingerprint_of(check: &str, path: &str, symbol: &str, text: &str) -> String {
    let mut one = [Finding {
        fingerprint: fingerprint_seed(check, path, symbol, text),
        ..placeholder_finding()
    }];
    assign_fingerprints(&mut one);
    std::mem::take(&mut one[0].fingerprint)
}

fn placeholder_finding() -> Finding {
    Finding {
        check: String::new(),
        category: crate::model::Category::Query,
        severity: crate::model::Severity::Low,
        file: String::new(),
        line: 0,
        column: 0,
        end: Position { line: 0, column: 0 },
        message: String::new(),
        recommendation: String::new(),
        effort: crate::model::Effort::S,
        pack: String::new(),
        detector: String::new(),
        fingerprint: String::new(),
        principle: String::new(),
        original_severity: crate::model::Severity::Low,
        context: Default::default(),
        confidence: Default::default(),
        advisory: false,
        symbol: String::new(),
        byte_range: (0, 0),
        pending_signals: Vec::new(),
        data_path: None,
        functions: Vec::new(),
        severity_by_context: None,
    }
}

fn json_type(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "()",
        serde_json::Value::Bool(_) => "bool",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "map",
    }
}

/// Turns seeds into fingerprints: identical tuples get their occurrence index (source order).
fn assign_fingerprints(findings: &mut [Finding]) {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for f in findings.iter_mut() {
        let idx = seen.entry(f.fingerprint.clone()).or_insert(0);
        let mut h = Sha256::new();
        h.update(f.fingerprint.as_bytes());
        h.update([0u8]);
        h.update(idx.to_string().as_bytes());
        *idx += 1;
        let digest = h.finalize();
        f.fingerprint = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_render_and_escape() {
        let lookup = |n: &str| (n == "x").then(|| "1".to_string());
        assert_eq!(render_template("a {x} {{y}} {z}", &lookup), "a 1 {y} {z}");
        assert_eq!(render_template("}} {x}", &lookup), "} 1");
        assert_eq!(
            render_template("findMany({ where: { id } })", &lookup),
            "findMany({ where: { id } })"
        );
    }
}

#[cfg(test)]
mod plan_tests {
    use super::*;

    #[test]
    fn root_captures_of_grouped_and_plain_patterns() {
        assert_eq!(
            root_captures("((call function: (_) @callee) @site\n  (#in-async-fn? @site))"),
            vec!["site"]
        );
        assert_eq!(
            root_captures("(call (identifier) @f) @c @d"),
            vec!["c", "d"]
        );
        assert_eq!(
            root_captures("((string \")\" ) @s (#eq? @s \"x\"))"),
            vec!["s"],
            "brackets inside strings are skipped"
        );
        assert!(root_captures("(call) ; comment @x").is_empty());
        assert!(root_captures("[(a) (b)]").is_empty());
    }

    /// The marker shortcut is sound on real code: with every kind that has a marker acted on,
    /// no node the walk would not enter holds one of them. Every Python file of the repository
    /// (pack fixtures, examples) and a file of hard cases: nested calls in callees and
    /// arguments, strings and comments with markers, chained assignments, lambdas in defaults.
    #[test]
    fn marker_shortcut_leaves_out_nothing_acted_on() {
        let lang = Language::Python;
        let grammar = lang.grammar();
        let table = lang.markers().expect("python has markers");
        let n = grammar.node_kind_count();
        let marked: Vec<bool> = (0..n as u16)
            .map(|id| {
                grammar.node_kind_is_named(id)
                    && table
                        .kinds
                        .iter()
                        .any(|(k, _)| grammar.node_kind_for_id(id) == Some(k))
            })
            .collect();
        let skips = MarkerSkips::build(lang, &grammar, &marked).expect("a plan");
        let hard = r#"
x = f(g(a))(b)
y = a.b().c(d.e, k=lambda q=h(): q)[i(j)]
z = w = v = "(" + '.' # ( . = lambda for
def fn(p: int = dict(a=1), *args, q=[r for r in s], **kw) -> List[str]:
    return {k: v for k, v in m.items()} or (t for t in u) or {x for x in y}
t = (a, b.c, (d, e(f)))
s = f"{x(1)!r:>{width}}" f'{y.z}' "plain" 'str'
async def co():
    await a.b(c)
    yield (await d)
class C(B, metaclass=M):
    attr: int
    other: Dict[str, int] = {}
    def m(self): self.x += g(h)
"#;
        let mut files: Vec<String> = vec![hard.to_string()];
        files.extend(crate::repository_python_sources());
        let (mut tested, mut skipped) = (0, 0);
        for src in &files {
            let tree = parse(lang, src).expect("parses");
            if tree.root_node().has_error() {
                continue;
            }
            let mut mc = skips.cursor(src.as_bytes());
            let mut tc = tree.walk();
            'walk: loop {
                let node = tc.node();
                if let Some(Some(tests)) = skips.by_kind.get(usize::from(node.kind_id())) {
                    tested += 1;
                    if node.child_count() > 0
                        && !mc.holds(tests, node.start_byte(), node.end_byte())
                    {
                        skipped += 1;
                        let mut below = Vec::new();
                        let mut stack = vec![node];
                        while let Some(x) = stack.pop() {
                            for c in crate::tree_walk::children(x) {
                                if marked[usize::from(c.kind_id())] {
                                    below.push(c.kind());
                                }
                                stack.push(c);
                            }
                        }
                        assert!(
                            below.is_empty(),
                            "{} `{}` would be left out with {below:?} below it",
                            node.kind(),
                            &src[node.byte_range()]
                        );
                    }
                }
                if tc.goto_first_child() {
                    continue;
                }
                while !tc.goto_next_sibling() {
                    if !tc.goto_parent() {
                        break 'walk;
                    }
                }
            }
        }
        assert!(skipped > 1000 && tested > skipped, "{skipped} of {tested}");
    }

    /// The root gate: a root counts only where the file spells it as a name (or its path holds
    /// it); entries without a literal root (`*.read_text`) always may match, and a member name
    /// passes only if an entry with a live root, or a free entry, may end in it.
    #[test]
    fn root_gate_reads_the_roots_a_file_spells() {
        let voc = crate::vocab::Vocabulary::new(&[
            "time.sleep",
            "boto3.client().*",
            "requests.Session().get",
            "open",
        ])
        .expect("vocabulary");
        let free = crate::vocab::Vocabulary::new(&["*.read_text"]).expect("vocabulary");
        let mut words = Vec::new();
        let (v, f) = (
            LiveVocab::new(&voc, &mut words),
            LiveVocab::new(&free, &mut words),
        );
        let gate = RootGate::new(words, true);
        let mut live = gate.file("svc/api.py", "import time as t\nt.sleep(1)\n");
        assert!(v.may_match(&mut live));
        assert!(v.may_end_with("sleep", &mut live));
        assert!(!v.may_end_with("get", &mut live), "requests is not spelled");
        assert!(
            !v.may_end_with("upload_file", &mut live),
            "boto3 is not spelled"
        );
        assert!(f.may_match(&mut live) && f.may_end_with("read_text", &mut live));
        assert!(!f.may_end_with("sleep", &mut live));
        // Part of a longer name is not the root; the path counts (relative imports).
        let mut live = gate.file("svc/api.py", "mytime = time_x = boto3_like = 1 # time_\n");
        assert!(!v.may_match(&mut live));
        let mut live = gate.file("boto3/x.py", "from . import y\n");
        assert!(v.may_end_with("upload_file", &mut live));
        // A builtin root is its own spelling; a later whole-name occurrence is found.
        let mut live = gate.file("a.py", "opener = 1\nwith open(p) as fh: pass\n");
        assert!(v.may_end_with("open", &mut live) && !v.may_end_with("sleep", &mut live));
        // Off (other languages, no guards): every root is live.
        let all = RootGate::new(gate.words.clone(), false);
        assert!(v.may_end_with("get", &mut all.file("a.go", "")));
    }

    /// Both ways of finding a plan's `file_contains` words (per word, or one overlapping
    /// automaton scan for many) find exactly the words that occur, ASCII case ignored, words
    /// inside or overlapping other words included.
    #[test]
    fn plan_words_find_every_word_that_occurs() {
        let few: Vec<String> = ["db", "db.", "session", "onmaker", "Notify"]
            .iter()
            .map(|w| w.to_ascii_lowercase())
            .collect();
        let mut many = few.clone();
        many.extend((0..20).map(|i| format!("word{i}x")));
        let mut texts: Vec<String> = [
            "",
            "x = sessionmaker(bind=db.engine)",
            "NOTIFY jobs; Session()",
            "word3x word19x DB",
            "nothing here",
        ]
        .map(String::from)
        .to_vec();
        // Texts made of pieces of the words (so that matches start, break off and overlap), in
        // mixed case, with other bytes between them: the automaton's table must step exactly
        // as the words say.
        let pieces = [
            "db", "DB.", "sess", "ION", "maker", "onm", "notif", "Y", "word1", "9x", "x", " ", ".",
            "é",
        ];
        let mut x = 7u32;
        for _ in 0..300 {
            let mut t = String::new();
            for _ in 0..12 {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                t.push_str(pieces[(x >> 16) as usize % pieces.len()]);
            }
            texts.push(t);
        }
        // Long texts, scanned in lanes (`LANES`): of many lengths, so that the lanes' bounds
        // fall everywhere among the pieces.
        for _ in 0..40 {
            let mut t = String::new();
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let count = 400 + (x >> 16) as usize % 900;
            for _ in 0..count {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                t.push_str(pieces[(x >> 16) as usize % pieces.len()]);
            }
            texts.push(t);
        }
        for words in [&few, &many] {
            let n = words.len();
            let pw = PlanWords::new(words.clone(), vec![(0..n).collect()]).expect("words");
            assert_eq!(pw.automaton.is_some(), n >= 16);
            for t in &texts {
                let lower = t.to_ascii_lowercase();
                let expected: Vec<bool> = words.iter().map(|w| lower.contains(w)).collect();
                assert_eq!(pw.present(t), expected, "{t:?} with {n} words");
            }
        }
        // A word across a lane's bound, at every offset: found by the lane it ends in.
        let pw = PlanWords::new(many.clone(), vec![(0..many.len()).collect()]).expect("words");
        let len = 4 * 1024 + 3;
        let quarter = len / LANES;
        for word in ["word19x", "onmaker", "db"] {
            let id = many.iter().position(|w| w == word).expect("a word");
            for k in 1..LANES {
                for back in 0..=word.len() {
                    let mut t = vec![b'z'; len];
                    let at = k * quarter - back;
                    t[at..at + word.len()].copy_from_slice(word.as_bytes());
                    let t = String::from_utf8(t).expect("ASCII");
                    let found = pw.present(&t);
                    assert!(found[id], "{word} at {at} (lane bound {})", k * quarter);
                    assert_eq!(found.iter().filter(|&&f| f).count(), 1, "{word} at {at}");
                }
            }
        }
    }
}

/// Per-detector instruction counts under callgrind (`bench/callgrind.sh --by-detector`): with
/// the `detector-probes` feature, each match of detector `i` of a plan runs inside its own
/// never-inlined function `probe_<i>` (generated by build.rs), so that callgrind's inclusive cost
/// of `probe_<i>` is that detector's share: engine predicates, script, records. A name per
/// function is needed because callgrind shows symbols demangled, without generic arguments.
#[cfg(feature = "detector-probes")]
mod probes {
    include!(concat!(env!("OUT_DIR"), "/probes.rs"));

    /// Prints `PROBE <i> <language> <pack>/<name>` per detector of a plan, for the report.
    pub(super) fn list(
        lang: crate::lang::Language,
        dets: &[std::sync::Arc<crate::pack::Detector>],
    ) {
        for (i, d) in dets.iter().enumerate() {
            eprintln!("PROBE {i} {} {}/{}", lang.name(), d.pack, d.name);
        }
    }
}
