//! A parsed source file and handles to its nodes that scripts can hold.
//!
//! Predicates receive tree-sitter nodes. A `tree_sitter::Node<'tree>` borrows its tree, but rhai
//! values must be `'static`. [`NodeRef`] solves this by owning an `Arc` of the parsed file next to
//! the node: the tree cannot be dropped while any handle exists, so the borrow is always valid.
//! This is the only `unsafe` in the engine, and it is confined to this module.

#![allow(unsafe_code)] // reason: lifetime extension of tree-sitter nodes, justified below

use crate::lang::Language;
use crate::lang::NodeExt;
use crate::semantics::Bindings;
use std::sync::{Arc, Mutex, OnceLock};
use tree_sitter::{Node, Tree};

/// One source file: its text, its tree, and lazily built per-file tables.
pub struct FileCtx {
    /// The path label given by the caller (repo-relative, `/`-separated in the CLI).
    pub path: Arc<str>,
    pub language: Language,
    pub source: Arc<str>,
    pub tree: Tree,
    /// Module-level bindings (imports, definitions, aliases), built on first use.
    pub(crate) module_bindings: OnceLock<Bindings>,
    /// Per-function bindings by node id, built on first use: several detectors resolve names in
    /// the same function, and building a scope walks the whole function body.
    pub(crate) scope_cache: Mutex<crate::FastMap<usize, Arc<Bindings>>>,
    /// Resolved names by node id: the same callee is resolved by every detector whose query
    /// matches it.
    pub(crate) resolve_cache: Mutex<crate::FastMap<usize, Arc<str>>>,
    /// The first segment a name's root resolves to, by node id of the root (`None`: an alias
    /// of something else), for `#resolves-to?` (`query::custom`).
    pub(crate) spelled_cache: Mutex<crate::FastMap<usize, Option<Arc<str>>>>,
    /// "Is the nearest enclosing function a coroutine?" by node id: asked by every detector of
    /// the async packs for the same call node.
    pub(crate) async_cache: Mutex<crate::FastMap<usize, bool>>,
    /// The receivers and transaction spans of the run's packs (P2/P5).
    pub(crate) tx: Arc<crate::semantics::receiver::TxModel>,
    /// Receiver kinds by binding: (scope node id, receiver text).
    pub(crate) receiver_cache: Mutex<crate::FastMap<(usize, String), Arc<str>>>,
    /// Transaction spans by function node id (P5).
    pub(crate) span_cache: Mutex<crate::FastMap<usize, Arc<Vec<crate::semantics::span::TxSpan>>>>,
    /// Byte offset where each line starts, built on first use.
    line_starts: OnceLock<Vec<usize>>,
    /// The module's definitions and imports as the call-graph resolution reads them.
    pub(crate) knowledge: OnceLock<crate::callgraph::KnowledgeData>,
    /// `descendants(kind)` answers by (node id, kind), for [`FileCtx::with_descendants`].
    #[allow(clippy::type_complexity)]
    descendants_cache: Mutex<crate::FastMap<(usize, Box<str>), Arc<Vec<Node<'static>>>>>,
    /// The identifiers below a scope node, by name, by scope node id: `uses_of` on a function
    /// is asked again for every match in it (a key, a bound row, a session parameter).
    identifier_cache: Mutex<crate::FastMap<usize, Arc<IdentifierIndex>>>,
    /// [`FileCtx::with_identifiers`] answers that needed a subtree the node table leaves out,
    /// by (scope node id, name).
    #[allow(clippy::type_complexity)]
    identifier_extra_cache: Mutex<crate::FastMap<(usize, Box<str>), Arc<Vec<Node<'static>>>>>,
    /// Every node of the file in document order, with parent links: see [`NodeTable`].
    table: OnceLock<NodeTable>,
    /// By node kind id: the kinds no subtree the node table leaves out can hold (see
    /// [`FileCtx::seal_kinds`]).
    sealed: OnceLock<Arc<[bool]>>,
    /// Values predicates keep on nodes for the rest of the file (`node.memo`), by (pack, node
    /// id, key), with whether they hold nodes. Nodes are kept without their file handle
    /// (`script::host::detach`, `KeptNode`): a handle would keep the file alive in a cycle.
    #[allow(clippy::type_complexity)]
    pub(crate) memo: Mutex<crate::FastMap<(usize, usize, Box<str>), (rhai::Dynamic, bool)>>,
    /// The binding statements of each scope by the names they may bind (receiver kinds), by
    /// scope node id.
    pub(crate) binding_index_cache:
        Mutex<crate::FastMap<usize, Arc<crate::semantics::receiver::BindingIndex>>>,
    /// `target_name` answers by node id (`None`: the file cannot name the target).
    pub(crate) target_cache: Mutex<crate::FastMap<usize, Option<Arc<str>>>>,
    /// Call-graph frames (parameters, types, nested definitions) by function node id.
    pub(crate) frame_cache: Mutex<crate::FastMap<usize, Arc<crate::callgraph::FnInfo>>>,
}

impl std::fmt::Debug for FileCtx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileCtx")
            .field("path", &self.path)
            .field("language", &self.language)
            .finish_non_exhaustive()
    }
}

/// The identifiers of one scope (see [`FileCtx::with_identifiers`]).
#[derive(Default)]
struct IdentifierIndex {
    /// The identifiers the node table lists, by name, in document order.
    by_name: crate::FastMap<Box<str>, Vec<Node<'static>>>,
    /// The nodes whose children the table leaves out, in document order.
    pending: Vec<Node<'static>>,
}

/// The value kept under `key`, built by `build` (without the lock held: a build may ask other
/// caches of the file) and kept on the first request. Two threads never share a file's caches
/// in practice; if they did, both would build and the second value would be kept.
pub(crate) fn cached<K: std::hash::Hash + Eq, V>(
    cache: &Mutex<crate::FastMap<K, Arc<V>>>,
    key: K,
    build: impl FnOnce() -> V,
) -> Arc<V> {
    if let Some(v) = crate::semantics::lock(cache).get(&key) {
        return Arc::clone(v);
    }
    let v = Arc::new(build());
    crate::semantics::lock(cache).insert(key, Arc::clone(&v));
    v
}

impl FileCtx {
    pub fn new(path: Arc<str>, language: Language, source: Arc<str>, tree: Tree) -> FileCtx {
        FileCtx {
            path,
            language,
            source,
            tree,
            module_bindings: OnceLock::new(),
            scope_cache: Mutex::new(crate::FastMap::default()),
            resolve_cache: Mutex::new(crate::FastMap::default()),
            spelled_cache: Mutex::new(crate::FastMap::default()),
            async_cache: Mutex::new(crate::FastMap::default()),
            tx: crate::semantics::receiver::empty_model(),
            receiver_cache: Mutex::new(crate::FastMap::default()),
            span_cache: Mutex::new(crate::FastMap::default()),
            line_starts: OnceLock::new(),
            knowledge: OnceLock::new(),
            table: OnceLock::new(),
            sealed: OnceLock::new(),
            descendants_cache: Mutex::new(crate::FastMap::default()),
            memo: Mutex::new(crate::FastMap::default()),
            identifier_cache: Mutex::new(crate::FastMap::default()),
            identifier_extra_cache: Mutex::new(crate::FastMap::default()),
            binding_index_cache: Mutex::new(crate::FastMap::default()),
            target_cache: Mutex::new(crate::FastMap::default()),
            frame_cache: Mutex::new(crate::FastMap::default()),
        }
    }

    /// The same file with the receivers and spans of a run's packs (P2/P5).
    pub fn with_tx_model(mut self, tx: Arc<crate::semantics::receiver::TxModel>) -> FileCtx {
        self.tx = tx;
        self
    }

    /// The text of a node.
    pub fn text(&self, node: Node<'_>) -> &str {
        &self.source[node.byte_range()]
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', self.source.as_bytes()).map(|i| i + 1))
                .collect()
        })
    }

    /// 1-based (line, column in characters) of a byte offset, as [`crate::error::line_col`]
    /// gives it, from a line index built once per file: findings, records and predicates ask
    /// for positions thousands of times per file, and scanning the text before the offset each
    /// time made positions cost more than a fifth of parsing (callgrind on prefect).
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let text: &str = &self.source;
        let offset = crate::error::floor_char_boundary(text, offset.min(text.len()));
        let starts = self.line_starts();
        let line = starts.partition_point(|&s| s <= offset);
        let start = starts[line - 1];
        (line, text[start..offset].chars().count() + 1)
    }

    /// The text of a 1-based line without its line break (`""` past the end).
    pub fn line_text(&self, line: usize) -> &str {
        let starts = self.line_starts();
        let Some(&start) = line.checked_sub(1).and_then(|i| starts.get(i)) else {
            return "";
        };
        let end = starts.get(line).map_or(self.source.len(), |&e| e - 1);
        let l = &self.source[start..end];
        l.strip_suffix('\r').unwrap_or(l)
    }

    /// The file's [`NodeTable`]: every node, built by one walk of the tree on first use, unless
    /// the engine's dispatching walk built it first ([`FileCtx::table_by_kind`]).
    pub(crate) fn table(&self) -> &NodeTable {
        self.table.get_or_init(|| {
            NodeTable::build_as(self.tree.root_node(), true, &[], HOW_ENTER, |_| true)
        })
    }

    /// The named children of `node`, in order: off the node table when the walk has built one
    /// listing them, else by a walk of the tree. A node's place in the table is a binary search
    /// away, and its children are then links to follow; a walk of the tree pays its set-up and
    /// steps through every hidden node in between (about 1,600 instructions a call on the small
    /// nodes predicates ask about).
    pub(crate) fn named_children<'t>(&'t self, node: Node<'t>) -> Vec<Node<'t>> {
        self.children_of(node, true)
    }

    /// See [`FileCtx::named_children`]; with `named` false, every child.
    pub(crate) fn children_of<'t>(&'t self, node: Node<'t>, named: bool) -> Vec<Node<'t>> {
        if let Some(table) = self.built_table() {
            if let Some(i) = table.index_of(node).filter(|&i| !table.skipped[i]) {
                return table
                    .children(i)
                    .map(|j| table.nodes[j])
                    .filter(|c| !named || c.is_named())
                    .collect();
            }
        }
        if named {
            crate::tree_walk::named_children(node)
        } else {
            crate::tree_walk::children(node)
        }
    }

    /// The file's [`NodeTable`] if something has built it: analyses that only gain from the
    /// table, and would not pay for a walk of their own, ask this.
    pub(crate) fn built_table(&self) -> Option<&NodeTable> {
        self.table.get()
    }

    /// [`FileCtx::table_by_kind`] asking `enter` about every node with children (tests).
    #[cfg(test)]
    pub(crate) fn table_with(
        &self,
        fields: bool,
        mut enter: impl FnMut(Node<'_>) -> bool,
    ) -> &NodeTable {
        self.table_by_kind(fields, &[], HOW_ASK, |a| enter(a.node))
    }

    /// The file's [`NodeTable`], built (when not yet) listing the descendants of a node only
    /// when it is entered, in document order: the engine's dispatching walk leaves out what it
    /// would not visit (plain strings, imports, subtrees without a word any pattern needs).
    /// `enter` is asked only about nodes of the kinds `how` marks [`HOW_ASK`] (see
    /// [`NodeTable::build_as`]).
    pub(crate) fn table_by_kind(
        &self,
        fields: bool,
        how: &[u8],
        how_default: u8,
        enter: impl FnMut(&Asked<'_>) -> bool,
    ) -> &NodeTable {
        self.table.get_or_init(|| {
            NodeTable::build_as(self.tree.root_node(), fields, how, how_default, enter)
        })
    }

    /// Whether the text of `node` holds `needle`: a subtree the node table leaves out can hold
    /// an identifier (or a statement binding a name) only if its text holds the name.
    pub(crate) fn text_contains(&self, node: Node<'_>, needle: &str) -> bool {
        memchr::memmem::find(self.text(node).as_bytes(), needle.as_bytes()).is_some()
    }

    /// Tells the file which node kinds (by id) no subtree its node table leaves out can hold:
    /// the engine's walk leaves out only subtrees without a node it acts on (see
    /// `LangPlan::sealed`). Analyses looking for such kinds then need not walk those subtrees.
    pub(crate) fn seal_kinds(&self, sealed: Arc<[bool]>) {
        let _ = self.sealed.set(sealed);
    }

    /// Whether no subtree the node table leaves out can hold a node of a kind named in `kinds`
    /// (named kinds; names the grammar lacks are ignored). False until the engine's walk has
    /// built the table and said so ([`FileCtx::seal_kinds`]).
    pub(crate) fn seals(&self, kinds: &[&str]) -> bool {
        let (Some(sealed), Some(_)) = (self.sealed.get(), self.built_table()) else {
            return false;
        };
        let grammar = self.language.grammar();
        self.language
            .kind_names()
            .iter()
            .enumerate()
            .filter(|(id, k)| kinds.contains(k) && grammar.node_kind_is_named(*id as u16))
            .all(|(id, _)| sealed.get(id).copied().unwrap_or(false))
    }

    /// [`FileCtx::walk_branches`] for an analysis that looks only at nodes of `kinds` (and goes
    /// below the nodes `enter` takes to find them): the subtrees the table leaves out are not
    /// walked when they cannot hold such a node ([`FileCtx::seals`]).
    pub(crate) fn walk_branches_for(
        &self,
        node: Node<'_>,
        kinds: &[&str],
        enter: impl FnMut(Node<'static>) -> bool,
    ) {
        if self.seals(kinds) {
            let mut left_out = Vec::new();
            self.walk_branches_deferring(node, &mut left_out, enter);
        } else {
            self.walk_branches(node, enter);
        }
    }

    /// Runs `f` on the identifiers named `name` at and below `scope`, in document order.
    /// `is_identifier` tells identifiers; those the node table lists are indexed by name on the
    /// first request for this scope and kept for the file.
    ///
    /// The subtrees the table leaves out (plain strings, imports, expressions without a word
    /// any pattern needs) are not walked up front: each is walked only when its text holds the
    /// name asked for, since an identifier's text is its name. Walking all of them with
    /// tree-sitter for every scope cost more than indexing the table's rows (callgrind on
    /// prefect: 82 M instructions, most of them in subtrees that never held a name asked for).
    pub(crate) fn with_identifiers<'n, R>(
        &self,
        scope: Node<'n>,
        name: &str,
        is_identifier: impl Fn(Node<'_>) -> bool,
        f: impl FnOnce(&[Node<'_>]) -> R,
    ) -> R {
        let index = cached(&self.identifier_cache, scope.id(), || {
            self.identifier_index(scope, &is_identifier)
        });
        let listed = index.by_name.get(name).map_or(&[][..], |v| v.as_slice());
        let holds = |n: &Node<'static>| self.text_contains(*n, name);
        if name.is_empty() || !index.pending.iter().any(holds) {
            return f(listed);
        }
        let key = (scope.id(), Box::from(name));
        let all = cached(&self.identifier_extra_cache, key, || {
            let mut all = listed.to_vec();
            for &p in index.pending.iter().filter(|p| holds(p)) {
                let _ = crate::semantics::walk_below(p, |k| {
                    if is_identifier(k) && self.text(k) == name {
                        // SAFETY: see `each_below`.
                        all.push(unsafe { std::mem::transmute::<Node<'_>, Node<'static>>(k) });
                    }
                    Ok::<bool, std::convert::Infallible>(true)
                });
            }
            // Identifiers are leaves: their start bytes are distinct and in document order.
            all.sort_by_key(|n| n.start_byte());
            all
        });
        f(&all)
    }

    /// The identifiers the node table lists at and below `scope`, by name, and the subtrees it
    /// leaves out there (see [`FileCtx::with_identifiers`]). Below a node the table does not
    /// list or leaves out, every identifier is read from tree-sitter.
    fn identifier_index(
        &self,
        scope: Node<'_>,
        is_identifier: &impl Fn(Node<'_>) -> bool,
    ) -> IdentifierIndex {
        let mut index = IdentifierIndex::default();
        let mut add = |n: Node<'static>| {
            if is_identifier(n) {
                index
                    .by_name
                    .entry(Box::from(self.text(n)))
                    .or_default()
                    .push(n);
            }
        };
        let table = self.table();
        let Some(at) = table.index_of(scope).filter(|&at| !table.skipped[at]) else {
            self.each_below(scope, true, add);
            return index;
        };
        for i in at..table.end[at] as usize {
            let n = table.nodes[i];
            add(n);
            if table.skipped[i] {
                index.pending.push(n);
            }
        }
        index
    }

    /// The identifiers named `name` at and below `scope`, in document order: what
    /// [`FileCtx::with_identifiers`] lists, as nodes of this file.
    pub(crate) fn identifiers_named<'a>(
        &'a self,
        scope: Node<'_>,
        name: &str,
        is_identifier: impl Fn(Node<'_>) -> bool,
    ) -> Vec<Node<'a>> {
        self.with_identifiers(scope, name, is_identifier, |found| {
            found
                .iter()
                // SAFETY: the nodes point into `self.tree`, which `self` owns and never
                // mutates; they are handed out with the lifetime of `&self` (see NodeRef).
                .map(|n| unsafe { std::mem::transmute::<Node<'_>, Node<'a>>(*n) })
                .collect()
        })
    }

    /// Runs `f` on the named descendants of `node` of one kind (`""`: all), in document order,
    /// listed on the first request (off the node table, [`FileCtx::walk_pruned`]) and kept for the
    /// file: predicates of several detectors ask for the calls (assignments, returns …) of the
    /// same function at every match inside it.
    pub(crate) fn with_descendants<'s, R>(
        &'s self,
        node: Node<'_>,
        kind: &str,
        f: impl FnOnce(&[Node<'s>]) -> R,
    ) -> R {
        let nodes = cached(
            &self.descendants_cache,
            (node.id(), Box::from(kind)),
            || {
                let lang = self.language;
                let mut v = Vec::new();
                let keep = |n: Node<'static>| {
                    if n.is_named() && (kind.is_empty() || lang.kind_of(n) == kind) {
                        v.push(n);
                    }
                    true
                };
                // Calls, assignments, returns: never leaves, so the walk passes over those.
                if !kind.is_empty() && lang.never_leaf(kind) {
                    self.walk_branches_for(node, &[kind], keep);
                } else {
                    self.walk_pruned(node, keep);
                }
                v
            },
        );
        f(&nodes)
    }

    /// Runs `f` on every node below `node` (and `node` itself with `and_self`) in the order of
    /// [`crate::semantics::walk_below`], off the node table ([`FileCtx::walk_pruned`]).
    fn each_below(&self, node: Node<'_>, and_self: bool, mut f: impl FnMut(Node<'static>)) {
        if and_self {
            // SAFETY: the node points into `self.tree` (the caller names a node of this file),
            // which `self` owns and never mutates; it is handed out by the callers only with the
            // lifetime of `&self` (see NodeRef).
            f(unsafe { std::mem::transmute::<Node<'_>, Node<'static>>(node) });
        }
        self.walk_pruned(node, |n| {
            f(n);
            true
        });
    }

    /// Runs `enter` on every node below `node` in the order of [`crate::semantics::walk_below`],
    /// going below a node only when `enter` returns true for it: off the node table
    /// ([`NodeTable`]), skipping a refused node's descendants; a walk below a node the table
    /// leaves out or does not hold. For analyses of one function that leave nested functions out (its transaction
    /// spans, its binding statements).
    pub(crate) fn walk_pruned(&self, node: Node<'_>, enter: impl FnMut(Node<'static>) -> bool) {
        self.walk_table(node, true, enter);
    }

    /// [`FileCtx::walk_pruned`] for analyses that look only at nodes with children (calls,
    /// statements, blocks): `enter` sees exactly the nodes `walk_pruned` would show it that have
    /// children, and the leaves are never visited. Below a node the table leaves out, that
    /// spares a tree-sitter walk wherever its children are all leaves (a plain string, `a.b`,
    /// `(x, y)`): these walks were most of the cost of the transaction spans' walk on prefect.
    pub(crate) fn walk_branches(&self, node: Node<'_>, enter: impl FnMut(Node<'static>) -> bool) {
        self.walk_table(node, false, enter);
    }

    /// [`FileCtx::walk_branches`] over the rows of the node table only: a node whose children
    /// the table leaves out is shown to `enter` but not walked below; when `enter` takes it and
    /// it has children that are not all leaves, it is added to `deferred` for the caller to
    /// walk later, if at all ([`FileCtx::walk_branches_below`]). For indexes keyed by text (the
    /// names a statement binds) that can rule out a left-out subtree by its text.
    pub(crate) fn walk_branches_deferring(
        &self,
        node: Node<'_>,
        deferred: &mut Vec<Node<'static>>,
        enter: impl FnMut(Node<'static>) -> bool,
    ) {
        self.walk_table_as(node, false, Some(deferred), enter);
    }

    /// What [`FileCtx::walk_branches`] shows `enter` below a node that
    /// [`FileCtx::walk_branches_deferring`] deferred.
    pub(crate) fn walk_branches_below(
        &self,
        node: Node<'static>,
        mut enter: impl FnMut(Node<'static>) -> bool,
    ) {
        let _ = crate::semantics::walk_below(node, |k| {
            Ok::<bool, std::convert::Infallible>(
                // SAFETY: as in `walk_table`.
                k.child_count() > 0
                    && enter(unsafe { std::mem::transmute::<Node<'_>, Node<'static>>(k) }),
            )
        });
    }

    /// The walk of [`FileCtx::walk_pruned`] (`leaves`) and [`FileCtx::walk_branches`].
    fn walk_table(&self, node: Node<'_>, leaves: bool, enter: impl FnMut(Node<'static>) -> bool) {
        self.walk_table_as(node, leaves, None, enter);
    }

    /// [`FileCtx::walk_table`], deferring the subtrees the table leaves out to `deferred` when
    /// given (without leaves only).
    fn walk_table_as(
        &self,
        node: Node<'_>,
        leaves: bool,
        mut deferred: Option<&mut Vec<Node<'static>>>,
        mut enter: impl FnMut(Node<'static>) -> bool,
    ) {
        // SAFETY (both transmutes): the nodes point into `self.tree` (the caller names a node
        // of this file), which `self` owns and never mutates; they are handed out only with the
        // lifetime of `&self` (see NodeRef).
        let node = unsafe { std::mem::transmute::<Node<'_>, Node<'static>>(node) };
        let walk = |n: Node<'static>, enter: &mut dyn FnMut(Node<'static>) -> bool| {
            // Without leaves: children that are all leaves leave nothing to show.
            if !leaves && n.descendant_count() == n.child_count() as usize + 1 {
                return;
            }
            let _ = crate::semantics::walk_below(n, |k| {
                Ok::<bool, std::convert::Infallible>(
                    (leaves || k.child_count() > 0)
                        && enter(unsafe { std::mem::transmute::<Node<'_>, Node<'static>>(k) }),
                )
            });
        };
        let table = self.table();
        let Some(at) = table.index_of(node).filter(|&at| !table.skipped[at]) else {
            return walk(node, &mut enter);
        };
        let end = table.end[at] as usize;
        let mut i = at + 1;
        while i < end {
            let next = table.end[i] as usize;
            if !leaves && next == i + 1 && !table.skipped[i] {
                // A leaf.
                i = next;
                continue;
            }
            let n = table.nodes[i];
            if enter(n) {
                if table.skipped[i] {
                    // Descendants the table leaves out: walked here, or by the caller.
                    match deferred.as_deref_mut() {
                        Some(d) if !leaves => {
                            if n.descendant_count() != n.child_count() as usize + 1 {
                                d.push(n);
                            }
                        }
                        _ => walk(n, &mut enter),
                    }
                }
                i += 1;
            } else {
                i = next;
            }
        }
    }

    /// How many of the 1-based lines `from..=to` hold code: neither blank nor only a comment
    /// (the language's line-comment prefix). Length rules (a span of more than 50 lines) count
    /// these.
    pub fn code_lines(&self, from: usize, to: usize) -> usize {
        let marker = self.language.comment_prefix();
        (from.max(1)..=to)
            .map(|l| self.line_text(l).trim())
            .filter(|t| !t.is_empty() && !t.starts_with(marker))
            .count()
    }

    pub(crate) fn bindings(&self) -> &Bindings {
        self.module_bindings
            .get_or_init(|| crate::semantics::module_bindings(self))
    }
}

/// The nodes of a file (named and anonymous, as a tree cursor visits them) in document order,
/// with the index of each one's parent, its depth, its field, and where its descendants end. The
/// dispatching walk's table leaves out the children of nodes it does not enter (`skipped`);
/// those are read from tree-sitter when asked for.
///
/// tree-sitter keeps no parent pointers (`Node::parent` descends from the root every time) and
/// steps from node to node through the grammar's hidden nodes (several hundred instructions a
/// step). One walk per file now serves everything that needed either: the engine's dispatching
/// walk iterates the table; a node's descendants are the slice after it (up to `end`); its
/// ancestors follow the parent indices. Before, each function's nodes were listed by a walk
/// of their own and parent links were found by descents from the root (and kept in a hash map),
/// which together cost about as much as the dispatching walk. A node is found in the table by a
/// binary search on its start byte: in document order start bytes never decrease.
#[derive(Default)]
pub(crate) struct NodeTable {
    pub(crate) nodes: Vec<Node<'static>>,
    /// The index of each node's parent (`u32::MAX` at the root).
    pub(crate) parent: Vec<u32>,
    /// The depth of each node (0 at the root).
    pub(crate) depth: Vec<u32>,
    /// The field each node is in under its parent (0: none), as the cursor tells it: the
    /// anchored patterns' guards and the native matcher read children by field off the table
    /// instead of asking tree-sitter, which scans the children for each lookup. Empty when the
    /// table was built without (`has_fields`).
    pub(crate) field: Vec<u16>,
    pub(crate) has_fields: bool,
    /// The index after each node's listed descendants.
    pub(crate) end: Vec<u32>,
    /// Whether a node has children the table leaves out (see [`FileCtx::table_by_kind`]): they are
    /// then read from tree-sitter.
    pub(crate) skipped: Vec<bool>,
    /// The kind id of each node (tree-sitter's `kind_id`, read by the walk at no extra cost).
    pub(crate) kind: Vec<u16>,
    /// The start byte of each node: a node is found by a binary search on it (in document order
    /// start bytes never decrease), which reads this array instead of asking tree-sitter for
    /// each probed node's start (two million calls on prefect).
    pub(crate) start: Vec<u32>,
}

/// A table's buffers, emptied, kept for the next file the thread checks (see the `Drop` of
/// [`NodeTable`]).
#[derive(Default)]
struct SpareTable {
    nodes: Vec<Node<'static>>,
    parent: Vec<u32>,
    depth: Vec<u32>,
    field: Vec<u16>,
    end: Vec<u32>,
    skipped: Vec<bool>,
    kind: Vec<u16>,
    start: Vec<u32>,
}

/// Tables of more nodes than this give their buffers back to the allocator (about 11 MB of
/// buffers at this size); smaller ones keep them for the thread's next file.
const SPARE_TABLE_NODES: usize = 1 << 18;

thread_local! {
    static SPARE_TABLE: std::cell::Cell<Option<SpareTable>> = const { std::cell::Cell::new(None) };
}

impl From<SpareTable> for NodeTable {
    fn from(s: SpareTable) -> NodeTable {
        NodeTable {
            nodes: s.nodes,
            parent: s.parent,
            depth: s.depth,
            field: s.field,
            has_fields: false,
            end: s.end,
            skipped: s.skipped,
            kind: s.kind,
            start: s.start,
        }
    }
}

/// A table's buffers go back to its thread for the next file instead of to the allocator. The
/// table is the largest allocation of a check (about 47 bytes a node, most of a file's nodes),
/// made and dropped once per file; given back, the allocator returned its pages to the system
/// between files and took them again for the next, and zeroing fresh pages was about a twentieth
/// of a check's time on a large code base (`perf record` on prefect: page faults under
/// `NodeTable::build_as`). Reused, each thread keeps one table as large as its largest file's
/// (up to [`SPARE_TABLE_NODES`]).
impl Drop for NodeTable {
    fn drop(&mut self) {
        if self.nodes.capacity() > SPARE_TABLE_NODES {
            return;
        }
        let mut spare = SpareTable {
            nodes: std::mem::take(&mut self.nodes),
            parent: std::mem::take(&mut self.parent),
            depth: std::mem::take(&mut self.depth),
            field: std::mem::take(&mut self.field),
            end: std::mem::take(&mut self.end),
            skipped: std::mem::take(&mut self.skipped),
            kind: std::mem::take(&mut self.kind),
            start: std::mem::take(&mut self.start),
        };
        spare.nodes.clear();
        spare.parent.clear();
        spare.depth.clear();
        spare.field.clear();
        spare.end.clear();
        spare.skipped.clear();
        spare.kind.clear();
        spare.start.clear();
        // A thread that is exiting has no slot left: the buffers are then simply freed.
        let _ = SPARE_TABLE.try_with(|s| {
            // Keep the larger of the two when the thread already holds one.
            let keep = match s.take() {
                Some(held) if held.nodes.capacity() > spare.nodes.capacity() => held,
                _ => spare,
            };
            s.set(Some(keep));
        });
    }
}

/// [`NodeTable::build_as`]: a node of a kind marked so in `how` is entered without asking.
pub(crate) const HOW_ENTER: u8 = 0;
/// [`NodeTable::build_as`]: the table's `enter` decides for a node of a kind with this bit.
pub(crate) const HOW_ASK: u8 = 1;
/// [`NodeTable::build_as`]: the children of a node of a kind with this bit are left out when
/// they are all leaves (tested before [`HOW_ASK`]).
pub(crate) const HOW_TOKENS: u8 = 2;

/// csrc/walk.c's `PpaTable`: the arrays of a [`NodeTable`] being built.
#[repr(C)]
struct RawTable {
    nodes: *mut tree_sitter::ffi::TSNode,
    parent: *mut u32,
    depth: *mut u32,
    field: *mut u16,
    end: *mut u32,
    skipped: *mut bool,
    kind: *mut u16,
    start: *mut u32,
    len: u32,
    capacity: u32,
}

/// A node [`NodeTable::build_as`] asks about, with what the walk knows of it: its kind id and
/// byte range (tree-sitter calls otherwise).
pub(crate) struct Asked<'t> {
    pub(crate) node: Node<'t>,
    pub(crate) kind: u16,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// What csrc/walk.c's callbacks reach: the table being built and its `enter`.
struct TableWalk<F> {
    table: NodeTable,
    enter: F,
}

unsafe extern "C-unwind" {
    /// csrc/walk.c: appends the rows of `root` and the nodes below it to `table`, asking `ask`
    /// whether to enter a node with children of a kind marked [`HOW_ASK`], calling `grow` when
    /// the arrays are full. False when memory ran out.
    #[allow(clippy::too_many_arguments)]
    fn ppa_build_table(
        root: tree_sitter::ffi::TSNode,
        table: *mut RawTable,
        how: *const u8,
        how_len: u32,
        how_default: u8,
        ctx: *mut std::ffi::c_void,
        ask: unsafe extern "C-unwind" fn(
            *mut std::ffi::c_void,
            tree_sitter::ffi::TSNode,
            u16,
            u32,
        ) -> bool,
        grow: unsafe extern "C-unwind" fn(*mut std::ffi::c_void, *mut RawTable) -> bool,
    ) -> bool;
}

/// A panic in `enter` unwinds through the C walk (compiled with unwind tables, build.rs) to
/// `NodeTable::build_as`'s caller; the table is then dropped with the rows of its last `grow`.
unsafe extern "C-unwind" fn ask_enter<F: FnMut(&Asked<'_>) -> bool>(
    ctx: *mut std::ffi::c_void,
    raw: tree_sitter::ffi::TSNode,
    kind: u16,
    end: u32,
) -> bool {
    // SAFETY: `ctx` is the `TableWalk<F>` that `build_as` handed to the walk, alive and not
    // otherwise borrowed while it runs; `raw` is a node of the live tree being walked.
    let walk = unsafe { &mut *ctx.cast::<TableWalk<F>>() };
    let node = unsafe { Node::from_raw(raw) };
    (walk.enter)(&Asked {
        node,
        kind,
        start: raw.context[0] as usize,
        end: end as usize,
    })
}

unsafe extern "C-unwind" fn grow_table<F>(ctx: *mut std::ffi::c_void, raw: *mut RawTable) -> bool {
    // SAFETY: as in `ask_enter`; `raw` is the `RawTable` `build_as` handed to the walk.
    let (walk, raw) = unsafe { (&mut *ctx.cast::<TableWalk<F>>(), &mut *raw) };
    let len = raw.len as usize;
    *raw = walk.table.reserve(len, len.max(1024));
    raw.capacity > raw.len
}

impl NodeTable {
    /// The table of the tree below `root`, entering a node's children only when `enter` says
    /// so. With `fields`, each node's field is recorded (the walk finds it at no extra cost).
    #[cfg(test)]
    pub(crate) fn build(
        root: Node<'_>,
        fields: bool,
        mut enter: impl FnMut(Node<'_>) -> bool,
    ) -> NodeTable {
        NodeTable::build_as(root, fields, &[], HOW_ASK, |a| enter(a.node))
    }

    /// The table of the tree below `root`, by kind: `how` (by kind id; `how_default` past its
    /// end) says whether a node with children is entered without asking ([`HOW_ENTER`]), left
    /// out when its children are all leaves ([`HOW_TOKENS`]), and whether `enter` is asked
    /// (with the node's kind id and byte range) about it otherwise ([`HOW_ASK`]). With
    /// `fields`, each node's field is recorded.
    ///
    /// The walk is csrc/walk.c's, not tree-sitter's cursor: it visits the same nodes for about
    /// a fifth of the cost (see there), and writes each row into the table's arrays itself.
    /// (A call into Rust per node, pushing onto each array and asking about every node with
    /// children, cost as much as the walk's own steps: 150 M instructions of the check on
    /// prefect with every pack; callgrind.)
    pub(crate) fn build_as<F: FnMut(&Asked<'_>) -> bool>(
        root: Node<'_>,
        fields: bool,
        how: &[u8],
        how_default: u8,
        enter: F,
    ) -> NodeTable {
        NodeTable::build_from(
            root,
            fields,
            how,
            how_default,
            enter,
            root.descendant_count(),
        )
    }

    /// [`NodeTable::build_as`] with room for `rows` rows at first (a node's descendant count,
    /// its own row included, is what the walk lists at most; tests start smaller to make the
    /// walk grow the arrays).
    fn build_from<F: FnMut(&Asked<'_>) -> bool>(
        root: Node<'_>,
        fields: bool,
        how: &[u8],
        how_default: u8,
        enter: F,
        rows: usize,
    ) -> NodeTable {
        let mut t: NodeTable = SPARE_TABLE
            .with(|s| s.take())
            .map_or_else(NodeTable::default, NodeTable::from);
        t.has_fields = fields;
        let mut walk = TableWalk { table: t, enter };
        let mut raw = walk.table.reserve(0, rows.max(1));
        // SAFETY: `raw` describes the table's arrays with room for `raw.capacity` rows, which
        // `grow` keeps true as they move; the walk writes rows only below that, and only `walk`
        // (through `ctx`) touches the arrays until it returns. `how` outlives the call. The
        // rows' nodes get the table's `'static`: they point into the tree of the `FileCtx` that
        // owns the table, which it never mutates, and are handed out only with the lifetime of
        // `&FileCtx` (see NodeRef).
        let complete = unsafe {
            ppa_build_table(
                root.into_raw(),
                &mut raw,
                how.as_ptr(),
                u32::try_from(how.len()).unwrap_or(u32::MAX),
                how_default,
                (&mut walk as *mut TableWalk<F>).cast(),
                ask_enter::<F>,
                grow_table::<F>,
            )
        };
        // SAFETY: the walk wrote rows `0..raw.len` of every array (of `field` only when kept).
        unsafe { walk.table.set_len(raw.len as usize) };
        assert!(complete, "out of memory while building a node table");
        walk.table
    }

    /// The raw view of the arrays for csrc/walk.c, holding `len` rows.
    fn raw(&mut self, len: usize) -> RawTable {
        RawTable {
            nodes: self.nodes.as_mut_ptr().cast(),
            parent: self.parent.as_mut_ptr(),
            depth: self.depth.as_mut_ptr(),
            field: if self.has_fields {
                self.field.as_mut_ptr()
            } else {
                std::ptr::null_mut()
            },
            end: self.end.as_mut_ptr(),
            skipped: self.skipped.as_mut_ptr(),
            kind: self.kind.as_mut_ptr(),
            start: self.start.as_mut_ptr(),
            len: len as u32,
            capacity: [
                self.nodes.capacity(),
                self.parent.capacity(),
                self.depth.capacity(),
                if self.has_fields {
                    self.field.capacity()
                } else {
                    usize::MAX
                },
                self.end.capacity(),
                self.skipped.capacity(),
                self.kind.capacity(),
                self.start.capacity(),
            ]
            .into_iter()
            .min()
            .unwrap_or(0)
            .min(u32::MAX as usize) as u32,
        }
    }

    /// Makes room for `additional` rows after the `len` the walk has written, and gives the
    /// arrays' raw view again (they may have moved).
    fn reserve(&mut self, len: usize, additional: usize) -> RawTable {
        // SAFETY: the walk wrote rows `0..len` (none yet when `len` is 0).
        unsafe { self.set_len(len) };
        self.nodes.reserve(additional);
        self.parent.reserve(additional);
        self.depth.reserve(additional);
        if self.has_fields {
            self.field.reserve(additional);
        }
        self.end.reserve(additional);
        self.skipped.reserve(additional);
        self.kind.reserve(additional);
        self.start.reserve(additional);
        self.raw(len)
    }

    /// # Safety
    /// Rows `0..len` of every array (of `field` only when kept) are written.
    unsafe fn set_len(&mut self, len: usize) {
        // SAFETY: as the caller promises; the element types have no invalid bit patterns the
        // walk could have written (it writes whole `TSNode`s, integers and `bool`s).
        unsafe {
            self.nodes.set_len(len);
            self.parent.set_len(len);
            self.depth.set_len(len);
            if self.has_fields {
                self.field.set_len(len);
            }
            self.end.set_len(len);
            self.skipped.set_len(len);
            self.kind.set_len(len);
            self.start.set_len(len);
        }
    }

    /// The indices of the children of the node at `i` (named and anonymous), in order.
    /// (Empty for a node whose children the table leaves out: ask `skipped` first.)
    pub(crate) fn children(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let end = self.end[i] as usize;
        let mut j = i + 1;
        std::iter::from_fn(move || {
            (j < end).then(|| {
                let at = j;
                j = self.end[at] as usize;
                at
            })
        })
    }

    /// The index of the first child of the node at `i` in field `f`.
    pub(crate) fn child_by_field(&self, i: usize, f: u16) -> Option<usize> {
        self.children(i).find(|&j| self.field[j] == f)
    }

    /// The index of `node`, or `None` when it is not a node of this table's tree.
    pub(crate) fn index_of(&self, node: Node<'_>) -> Option<usize> {
        let start = node.start_byte();
        let mut i = self.start.partition_point(|&s| (s as usize) < start);
        while self.start.get(i).is_some_and(|&s| s as usize == start) {
            if self.nodes[i].id() == node.id() {
                return Some(i);
            }
            i += 1;
        }
        None
    }

    /// The deepest listed node whose children the table leaves out and that holds `node` (a
    /// node not in the table).
    pub(crate) fn around(&self, node: Node<'_>) -> Option<usize> {
        let (start, end) = (node.start_byte(), node.end_byte());
        let k = self.start.partition_point(|&s| (s as usize) <= start);
        let mut i = k.checked_sub(1)?;
        loop {
            let n = self.nodes[i];
            if n.start_byte() <= start && n.end_byte() >= end {
                return self.skipped[i].then_some(i);
            }
            i = self.parent_of(i)?;
        }
    }

    /// The parent of the node at `i`.
    pub(crate) fn parent_of(&self, i: usize) -> Option<usize> {
        let p = self.parent[i];
        (p != u32::MAX).then_some(p as usize)
    }
}

/// A node together with the file that owns its tree. Cheap to clone.
#[derive(Clone)]
pub struct NodeRef {
    file: Arc<FileCtx>,
    node: Node<'static>,
}

// SAFETY: `node` borrows `file.tree`. The tree lives in an `Arc` that this struct owns, so it is
// alive for as long as the node is; the `Tree` value itself may move, but tree-sitter nodes point
// into the C tree it owns on the heap, which never moves and is immutable after parsing.
// Reading an immutable tree from several threads is what tree-sitter's `Tree: Sync` promises, and
// a node is only a read-only view into it, so sharing a `NodeRef` across threads is sound too.
unsafe impl Send for NodeRef {}
unsafe impl Sync for NodeRef {}

/// A node inside a value kept by `node.memo`: the node without its file handle. The memo
/// belongs to the file, so a [`NodeRef`] kept in it (which holds the file) would form a cycle and
/// keep the file alive for ever; the node alone is stored, and the file is put back when the
/// value is read ([`KeptNode::attach`]).
#[derive(Clone, Copy)]
pub(crate) struct KeptNode(Node<'static>);

// SAFETY: a `KeptNode` is made only by [`NodeRef::kept_in`] for the file whose tree it points
// into, is stored only in that file's memo, and becomes a `NodeRef` holding that file again
// before a predicate sees it, so it never outlives its tree. Sharing it across threads is sound
// for the reason given for `NodeRef`.
unsafe impl Send for KeptNode {}
unsafe impl Sync for KeptNode {}

impl KeptNode {
    /// The node again, with `file`, the file whose memo kept it.
    pub(crate) fn attach(self, file: &Arc<FileCtx>) -> NodeRef {
        NodeRef {
            file: Arc::clone(file),
            node: self.0,
        }
    }
}

impl NodeRef {
    pub fn new(file: &Arc<FileCtx>, node: Node<'_>) -> NodeRef {
        // SAFETY: see the type-level comment; `file` keeps the tree alive.
        let node: Node<'static> = unsafe { std::mem::transmute::<Node<'_>, Node<'static>>(node) };
        NodeRef {
            file: Arc::clone(file),
            node,
        }
    }

    pub fn node(&self) -> Node<'_> {
        self.node
    }

    /// The node as `file`'s memo keeps it, or `None` if it is a node of another file.
    pub(crate) fn kept_in(&self, file: &Arc<FileCtx>) -> Option<KeptNode> {
        Arc::ptr_eq(&self.file, file).then_some(KeptNode(self.node))
    }

    pub fn file(&self) -> &Arc<FileCtx> {
        &self.file
    }

    pub fn text(&self) -> &str {
        self.file.text(self.node)
    }

    /// Another node of the same file.
    pub fn with(&self, node: Node<'_>) -> NodeRef {
        NodeRef::new(&self.file, node)
    }
}

impl std::fmt::Debug for NodeRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}@{}:{}",
            self.node.kind_str(),
            self.node.start_position().row + 1,
            self.node.start_position().column + 1
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(src: &str) -> FileCtx {
        let tree = crate::engine::parse(Language::Python, src).expect("parses");
        FileCtx::new("t.py".into(), Language::Python, src.into(), tree)
    }

    /// The line index answers exactly what scanning the text answers, at every offset
    /// (multi-byte characters, CRLF, a last line without a break, offsets past the end).
    #[test]
    fn line_index_agrees_with_scanning() {
        let src = "x = 'é'\r\n\ny = \"日本\"  # ü\nz = 1";
        let f = file(src);
        for off in 0..=src.len() + 2 {
            assert_eq!(
                f.line_col(off),
                crate::error::line_col(src, off),
                "offset {off}"
            );
        }
        let lines: Vec<&str> = src.lines().collect();
        for (i, l) in lines.iter().enumerate() {
            assert_eq!(f.line_text(i + 1), *l);
        }
        assert_eq!(f.line_text(0), "");
        assert_eq!(f.line_text(lines.len() + 1), "");
    }

    /// The fields the table records are the cursor's, on every node of the repository's source
    /// files in every language (csrc/walk.c finds them without the cursor).
    #[test]
    fn table_fields_are_the_cursors() {
        let mut asked = 0;
        for lang in Language::ALL {
            // Fields inherited through hidden rules and hidden extras included.
            for (_, text) in crate::repository_sources(lang, &["packs", "examples", "tests"]) {
                let Some(tree) = crate::engine::parse(lang, &text) else {
                    continue;
                };
                let t = NodeTable::build(tree.root_node(), true, |_| true);
                let mut c = tree.walk();
                let mut i = 0;
                loop {
                    assert_eq!(t.nodes[i].id(), c.node().id());
                    let want = c.field_id().map_or(0, |f| f.get());
                    assert_eq!(
                        t.field[i],
                        want,
                        "{lang:?} {} at {}",
                        c.node().kind(),
                        c.node().start_byte()
                    );
                    asked += 1;
                    i += 1;
                    if c.goto_first_child() {
                        continue;
                    }
                    while !c.goto_next_sibling() {
                        if !c.goto_parent() {
                            break;
                        }
                    }
                    if c.depth() == 0 {
                        break;
                    }
                }
                assert_eq!(i, t.nodes.len());
            }
        }
        assert!(asked > 50_000, "{asked} nodes");
    }

    /// The table csrc/walk.c builds is the one tree-sitter's cursor walks to: the same nodes in
    /// the same order, with the same parents, depths and ends, whole and when the walk leaves
    /// some kinds' children out, on the repository's source files in every language and on
    /// broken ones (errors, missing nodes, extras such as comments between arguments).
    #[test]
    fn node_table_matches_the_cursor() {
        // A node by its id, kind (aliases), start and end (positions are the walk's own).
        type Id = (usize, u16, usize, tree_sitter::Point, usize);
        type Rows = (Vec<Id>, Vec<u32>, Vec<u32>, Vec<u32>, Vec<bool>);
        fn id(n: Node<'_>) -> Id {
            (
                n.id(),
                n.kind_id(),
                n.start_byte(),
                n.start_position(),
                n.end_byte(),
            )
        }
        // What the table held when the cursor built it.
        fn by_cursor(root: Node<'_>, enter: &dyn Fn(Node<'_>) -> bool) -> Rows {
            let (mut ids, mut parent, mut depth, mut end, mut skipped) = (
                vec![id(root)],
                vec![u32::MAX],
                vec![0],
                vec![0],
                vec![false],
            );
            let mut path: Vec<u32> = Vec::new();
            let mut c = root.walk();
            'walk: loop {
                let cur = ids.len() - 1;
                let n = c.node();
                let has_children = n.child_count() > 0;
                if has_children && enter(n) && c.goto_first_child() {
                    path.push(cur as u32);
                } else {
                    skipped[cur] = has_children;
                    end[cur] = ids.len() as u32;
                    while !c.goto_next_sibling() {
                        if !c.goto_parent() {
                            break 'walk;
                        }
                        let p = path.pop().expect("a node on the path");
                        end[p as usize] = ids.len() as u32;
                    }
                }
                let Some(&p) = path.last() else { break };
                ids.push(id(c.node()));
                parent.push(p);
                depth.push(path.len() as u32);
                end.push(0);
                skipped.push(false);
            }
            (ids, parent, depth, end, skipped)
        }
        let broken = [
            (
                Language::Python,
                "def f(a, (b:\n    x = [1, 2\n  return g(a # c\n, b)\nclass",
            ),
            (
                Language::Python,
                "print(a, # one\n  b, # two\n)\nif x:\npass\n",
            ),
            (
                Language::Go,
                "package p\nfunc f( {\n  x := []int{1, 2\n  return\n}\n",
            ),
            (
                Language::JavaScript,
                "function f(a, { b }) {\n  return g(a, /* c */ b\n}\n=>",
            ),
            (
                Language::TypeScript,
                "const x: Map<string, = new Map();\nclass A { m(): { }\n",
            ),
        ];
        let mut nodes = 0;
        for lang in Language::ALL {
            let mut sources = crate::repository_sources(lang, &["packs", "examples", "tests"]);
            sources.extend(
                broken
                    .iter()
                    .filter(|(l, _)| *l == lang)
                    .map(|(_, t)| (std::path::PathBuf::new(), t.to_string())),
            );
            for (_, text) in sources {
                let Some(tree) = crate::engine::parse(lang, &text) else {
                    continue;
                };
                let root = tree.root_node();
                let partial = |n: Node<'_>| {
                    !matches!(
                        n.kind(),
                        "argument_list" | "arguments" | "string" | "block" | "statement_block"
                    ) && n.kind_id() % 7 != 3
                };
                let whole = |_: Node<'_>| true;
                let walks: [&dyn Fn(Node<'_>) -> bool; 2] = [&whole, &partial];
                for enter in walks {
                    let t = NodeTable::build(root, false, enter);
                    let got = (
                        t.nodes.iter().map(|&n| id(n)).collect(),
                        t.parent.clone(),
                        t.depth.clone(),
                        t.end.clone(),
                        t.skipped.clone(),
                    );
                    assert!(got == by_cursor(root, enter), "{lang:?}: {text:.80}");
                    nodes += t.nodes.len();
                }
            }
        }
        assert!(nodes > 50_000, "{nodes} nodes");
    }

    /// A table whose arrays the walk outgrows (it asks for more room as it goes), and one built
    /// by kind (token-only nodes left out by the walk, the others asked or entered), equal the
    /// tables built by asking about every node.
    #[test]
    fn tables_grown_or_built_by_kind_equal_asked_tables() {
        let f = file(&"def f(a, b=1):\n    return g(a.x)[b] + 'x' if (a) else h(k=v)\n".repeat(50));
        let root = f.tree.root_node();
        let kind = |n: &str| f.tree.language().id_for_node_kind(n, true);
        let (attribute, string, call) = (kind("attribute"), kind("string"), kind("call"));
        let mut how = vec![HOW_ENTER; usize::from(call.max(attribute).max(string)) + 1];
        how[usize::from(attribute)] = HOW_TOKENS;
        how[usize::from(string)] = HOW_ASK;
        how[usize::from(call)] = HOW_ASK | HOW_TOKENS;
        let leaves = |n: Node<'_>| n.descendant_count() == n.child_count() as usize + 1;
        let asked = |n: Node<'_>| {
            let k = n.kind_id();
            !((k == attribute || k == call) && leaves(n)) && k != string
        };
        for fields in [true, false] {
            let want = NodeTable::build(root, fields, asked);
            let mut asked_kinds = Vec::new();
            let by_kind = NodeTable::build_as(root, fields, &how, HOW_ENTER, |a| {
                let (n, k) = (a.node, a.kind);
                assert_eq!((a.start, a.end), (n.start_byte(), n.end_byte()));
                assert_eq!(n.kind_id(), k);
                asked_kinds.push(k);
                k != string
            });
            assert!(asked_kinds.iter().all(|&k| k == string || k == call));
            assert!(asked_kinds.contains(&string) && asked_kinds.contains(&call));
            let grown = NodeTable::build_from(root, fields, &[], HOW_ASK, |a| asked(a.node), 1);
            for t in [&by_kind, &grown] {
                assert_eq!(t.nodes, want.nodes);
                assert_eq!(t.parent, want.parent);
                assert_eq!(t.depth, want.depth);
                assert_eq!(t.field, want.field);
                assert_eq!(t.end, want.end);
                assert_eq!(t.skipped, want.skipped);
                assert_eq!(t.kind, want.kind);
                assert_eq!(t.start, want.start);
            }
            assert!(want.skipped.iter().filter(|&&s| s).count() >= 100);
            assert!(want
                .nodes
                .iter()
                .zip(&want.kind)
                .all(|(n, &k)| n.kind_id() == k));
            assert!(want
                .nodes
                .iter()
                .zip(&want.start)
                .all(|(n, &b)| n.start_byte() == b as usize));
        }
    }

    /// A table built on the buffers a larger table left to its thread is the table built on
    /// fresh ones: with and without fields, whole and partial, after a table of either kind.
    #[test]
    fn tables_on_kept_buffers_equal_fresh_tables() {
        type Parts = (
            Vec<usize>,
            Vec<u32>,
            Vec<u32>,
            Vec<u16>,
            Vec<u32>,
            Vec<bool>,
        );
        fn parts(t: &NodeTable) -> Parts {
            (
                t.nodes.iter().map(|n| n.id()).collect(),
                t.parent.clone(),
                t.depth.clone(),
                t.field.clone(),
                t.end.clone(),
                t.skipped.clone(),
            )
        }
        let big = file(&"def f(a, b=1):\n    return g(a)[b] + 'x'\n".repeat(200));
        let small =
            file("import os\nclass A:\n    def m(self, x):\n        return h(x, k=[1, 'y'])\n");
        let partial = |n: Node<'_>| n.kind_str() != "argument_list";
        for fields in [true, false] {
            for whole in [true, false] {
                let build = |root| {
                    if whole {
                        NodeTable::build(root, fields, |_| true)
                    } else {
                        NodeTable::build(root, fields, partial)
                    }
                };
                SPARE_TABLE.with(|s| s.take());
                let fresh = parts(&build(small.tree.root_node()));
                for big_fields in [true, false] {
                    drop(NodeTable::build(big.tree.root_node(), big_fields, |_| true));
                    assert!(SPARE_TABLE.with(|s| {
                        let kept = s.take();
                        let held = kept.as_ref().is_some_and(|k| k.nodes.capacity() > 1000);
                        s.set(kept);
                        held
                    }));
                    let reused = parts(&build(small.tree.root_node()));
                    assert_eq!(reused, fresh, "fields {fields}, whole {whole}");
                }
            }
        }
    }
}
