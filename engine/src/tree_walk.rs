//! Walks over a tree-sitter tree by csrc/walk.c: the node table's walk, the analyses' walks below
//! a node, and a node's children.
//!
//! They visit what tree-sitter's cursor visits (the visible nodes, in document order, with the
//! cursor's fields), for a fraction of its cost: the cursor finds a node's parent, alias and
//! field again from its stack at each step, and moving to a sibling climbs out of every hidden
//! node the current one sits in and descends again (see csrc/walk.c). Tests:
//! `file::tests::node_table_matches_the_cursor`, `table_fields_are_the_cursors`, and this
//! module's.
#![allow(unsafe_code)] // reason: the walk is C (csrc/walk.c), called back into Rust per node

use tree_sitter::Node;

/// What the walk does after visiting a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub(crate) enum Step {
    /// Go on without the node's children.
    Skip = 0,
    /// Visit the node's children next (an `Event::Leave` follows the last of them, when it has
    /// any).
    Enter = 1,
    /// End the walk.
    Stop = 2,
}

unsafe extern "C-unwind" {
    /// csrc/walk.c: calls `visit` for `root` and every visible node below it in document order
    /// with its visible child count and field, goes on as it answers (a `Step`), and calls
    /// `leave` after the last child of a node it entered. False when memory ran out part way.
    fn ppa_walk_tree(
        root: tree_sitter::ffi::TSNode,
        ctx: *mut std::ffi::c_void,
        visit: unsafe extern "C-unwind" fn(
            *mut std::ffi::c_void,
            tree_sitter::ffi::TSNode,
            u32,
            u16,
        ) -> u32,
        leave: unsafe extern "C-unwind" fn(*mut std::ffi::c_void),
    ) -> bool;
}

unsafe extern "C" {
    /// csrc/walk.c: `node`'s child in field `field` (tree-sitter's `ts_node_child_by_field_id`,
    /// the same answer for less); a null node (`id` null) when it has none.
    fn ppa_child_by_field(node: tree_sitter::ffi::TSNode, field: u16) -> tree_sitter::ffi::TSNode;
    /// csrc/walk.c: `node`'s visible child at `index` (counting named ones only, with
    /// `named`), as tree-sitter's `ts_node_child`/`ts_node_named_child`; a null node when
    /// there is none.
    fn ppa_child(
        node: tree_sitter::ffi::TSNode,
        index: u32,
        named: bool,
    ) -> tree_sitter::ffi::TSNode;
    /// csrc/walk.c: writes the visible children of `node` with their fields to `out` (room
    /// for `capacity`); how many, or `u32::MAX` when memory ran out.
    fn ppa_children(node: tree_sitter::ffi::TSNode, out: *mut RawChild, capacity: u32) -> u32;
    /// csrc/walk.c: `node`'s kind id (tree-sitter's `ts_node_symbol`).
    fn ppa_node_kind(node: tree_sitter::ffi::TSNode) -> u16;
    /// csrc/walk.c: whether `node` is a child of `parent`.
    fn ppa_is_child(parent: tree_sitter::ffi::TSNode, node: tree_sitter::ffi::TSNode) -> bool;
}

/// The kind id of `node`: what `Node::kind_id` returns, in fewer steps (see csrc/walk.c).
/// Test: `kinds_are_the_trees`.
#[inline]
pub(crate) fn kind(node: Node<'_>) -> u16 {
    // SAFETY: `node` is a node of a live tree, which the lookup only reads.
    unsafe { ppa_node_kind(node.into_raw()) }
}

/// Whether `node` is a child of `parent` (named or anonymous): what
/// `parent.child_with_descendant(node) == Some(node)` says, without tree-sitter's descent.
/// Test: `is_child_is_the_trees`.
pub(crate) fn is_child(parent: Node<'_>, node: Node<'_>) -> bool {
    // SAFETY: both are nodes of live trees, which the test only reads (it compares the trees
    // before reading `parent`'s).
    unsafe { ppa_is_child(parent.into_raw(), node.into_raw()) }
}

/// A non-null node from csrc/walk.c.
fn non_null<'t>(raw: tree_sitter::ffi::TSNode) -> Option<Node<'t>> {
    // SAFETY: a non-null result of the walk's lookups is a node of the tree they were given,
    // whose lifetime the callers give it back.
    (!raw.id.is_null()).then(|| unsafe { Node::from_raw(raw) })
}

/// The child of `node` at `index` (named and anonymous children counted): what tree-sitter's
/// `Node::child` returns, for less (see csrc/walk.c). Test: `children_by_index_are_the_trees`.
pub(crate) fn child(node: Node<'_>, index: u32) -> Option<Node<'_>> {
    // SAFETY: `node` is a node of a live tree, which the lookup only reads.
    non_null(unsafe { ppa_child(node.into_raw(), index, false) })
}

/// The named child of `node` at `index`: tree-sitter's `Node::named_child`, for less.
pub(crate) fn named_child(node: Node<'_>, index: u32) -> Option<Node<'_>> {
    // SAFETY: as in `child`.
    non_null(unsafe { ppa_child(node.into_raw(), index, true) })
}

/// The child of `node` in the field with id `field`: what tree-sitter's
/// `Node::child_by_field_id` returns, for about a fifth of the cost in the common case (see
/// csrc/walk.c). Test: `child_by_field_is_the_trees`.
pub(crate) fn child_by_field(node: Node<'_>, field: u16) -> Option<Node<'_>> {
    // SAFETY: `node` is a node of a live tree, which the lookup only reads.
    non_null(unsafe { ppa_child_by_field(node.into_raw(), field) })
}

/// What the walk tells its callback.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Event<'t> {
    /// A node.
    Visit(Node<'t>),
    /// The walk is done with the children of the last node it entered and not yet left.
    Leave,
}

/// The callbacks are `C-unwind` and csrc/walk.c is compiled with unwind tables
/// (`-fexceptions`, build.rs), so a panic in `on` unwinds through the C walk to the caller as
/// through Rust code; the walk then leaks its frame stack if it had outgrown the C stack buffer
/// (a walk more than 48 levels deep).
unsafe extern "C-unwind" fn visit_node<'t, F: FnMut(Event<'t>) -> Step>(
    ctx: *mut std::ffi::c_void,
    raw: tree_sitter::ffi::TSNode,
    _children: u32,
    _field: u16,
) -> u32 {
    // SAFETY: `ctx` is the `F` that `walk` handed to the C walk, alive and not otherwise
    // borrowed while it runs.
    let on = unsafe { &mut *ctx.cast::<F>() };
    // SAFETY: `raw` is a node of the tree `walk` was given a node of, which lives for `'t`.
    let node: Node<'t> = unsafe { Node::from_raw(raw) };
    on(Event::Visit(node)) as u32
}

unsafe extern "C-unwind" fn leave_node<'t, F: FnMut(Event<'t>) -> Step>(
    ctx: *mut std::ffi::c_void,
) {
    // SAFETY: as in `visit_node`.
    let on = unsafe { &mut *ctx.cast::<F>() };
    on(Event::Leave);
}

/// Visits `root` and then the visible nodes below it in document order, going on as `on`
/// answers each visit; after the last child of every node the walk entered, `on` is told so
/// (its answer is then ignored). A panic in `on` ends the walk and reaches the caller.
pub(crate) fn walk<'t, F: FnMut(Event<'t>) -> Step>(root: Node<'t>, mut on: F) {
    // SAFETY: `root` is a node of a live tree, which the walk only reads; `on` outlives the
    // call, and the callbacks are given the pointer to it that they expect.
    let complete = unsafe {
        ppa_walk_tree(
            root.into_raw(),
            (&mut on as *mut F).cast(),
            visit_node::<F>,
            leave_node::<F>,
        )
    };
    assert!(complete, "out of memory while walking a syntax tree");
}

/// Calls `f` with each visible child of `node` and its field id (0 for none), in order, until
/// it returns false: what a cursor's `goto_first_child` and `goto_next_sibling` visit.
///
/// The children are listed by csrc/walk.c in one call (`ppa_children`), then handed to `f`: a
/// call into Rust per child from the walk cost about a thousand instructions a node.
pub(crate) fn for_each_child<'t>(node: Node<'t>, mut f: impl FnMut(Node<'t>, u16) -> bool) {
    let count = node.child_count();
    if count == 0 {
        return;
    }
    let mut out: smallvec::SmallVec<[RawChild; 16]> =
        smallvec::SmallVec::with_capacity(count as usize);
    // SAFETY: `node` is a node of a live tree, which the walk only reads; `out` has room for
    // `count` children, the most the walk writes (the node's visible child count).
    let len = unsafe { ppa_children(node.into_raw(), out.as_mut_ptr(), count) };
    assert!(
        len != u32::MAX,
        "out of memory while listing a node's children"
    );
    // SAFETY: the walk wrote `len` (at most `count`) children.
    unsafe { out.set_len(len.min(count) as usize) };
    for c in &out {
        // SAFETY: a child the walk wrote is a node of `node`'s tree.
        if !f(unsafe { Node::from_raw(c.node) }, c.field) {
            break;
        }
    }
}

/// csrc/walk.c's `PpaChild`: a child and its field.
#[repr(C)]
struct RawChild {
    node: tree_sitter::ffi::TSNode,
    field: u16,
}

/// The visible children of `node` (named and anonymous), in order.
pub(crate) fn children(node: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::with_capacity(node.child_count() as usize);
    for_each_child(node, |n, _| {
        out.push(n);
        true
    });
    out
}

/// The named children of `node`, in order.
pub(crate) fn named_children(node: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::with_capacity(node.named_child_count());
    for_each_child(node, |n, _| {
        if n.is_named() {
            out.push(n);
        }
        true
    });
    out
}

/// The children of `node` in the field `id`, in order (tree-sitter's `children_by_field_id`).
pub(crate) fn field_children(node: Node<'_>, id: u16) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    for_each_child(node, |n, field| {
        if field == id {
            out.push(n);
        }
        true
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Language;

    /// Children (with their fields), named children and a listing that stops part way are what
    /// the cursor gives, on every node of the repository's sources in all four languages.
    #[test]
    fn children_are_the_cursors() {
        let mut compared = 0;
        each_source_node(|lang, n| {
            let mut c = n.walk();
            let want: Vec<Node<'_>> = n.children(&mut c).collect();
            assert_eq!(children(n), want, "{lang:?} {}", n.kind());
            let named: Vec<Node<'_>> = n.named_children(&mut c).collect();
            assert_eq!(named_children(n), named, "{lang:?} {}", n.kind());
            let mut fields = Vec::new();
            c.reset(n);
            if c.goto_first_child() {
                loop {
                    fields.push(c.field_id().map_or(0, |f| f.get()));
                    if !c.goto_next_sibling() {
                        break;
                    }
                }
            }
            let mut got = Vec::new();
            for_each_child(n, |_, f| {
                got.push(f);
                true
            });
            assert_eq!(got, fields, "{lang:?} {}", n.kind());
            // Stopping at the second child.
            let mut seen = Vec::new();
            for_each_child(n, |k, _| {
                seen.push(k);
                seen.len() < 2
            });
            assert_eq!(seen, want.iter().copied().take(2).collect::<Vec<_>>());
            compared += want.len();
        });
        assert!(compared > 50_000, "{compared} children");
    }

    /// Calls `f` with every node of the repository's sources in all four languages (parsed by
    /// tree-sitter, listed by its cursor).
    fn each_source_node(mut f: impl FnMut(Language, Node<'_>)) {
        for lang in Language::ALL {
            for (_, text) in crate::repository_sources(lang, &["packs", "examples"]) {
                let Some(tree) = crate::engine::parse(lang, &text) else {
                    continue;
                };
                let mut c = tree.walk();
                let mut stack = vec![tree.root_node()];
                while let Some(n) = stack.pop() {
                    f(lang, n);
                    stack.extend(n.children(&mut c));
                }
            }
        }
    }

    /// The child by field is tree-sitter's, for every field id of the grammar on every node of
    /// the repository's sources in all four languages.
    #[test]
    fn child_by_field_is_the_trees() {
        let (mut compared, mut found) = (0, 0);
        each_source_node(|lang, n| {
            for f in 0..=n.language().field_count() as u16 + 1 {
                let want = n.child_by_field_id(f);
                let got = child_by_field(n, f);
                assert_eq!(got, want, "{lang:?} {} field {f}", n.kind());
                compared += 1;
                found += usize::from(want.is_some());
            }
        });
        assert!(found > 20_000, "{found} of {compared}");
    }

    /// The children by index, named or not, are tree-sitter's, for every index up to past the
    /// last on every node of the repository's sources in all four languages.
    #[test]
    fn children_by_index_are_the_trees() {
        let mut found = 0;
        each_source_node(|lang, n| {
            for i in 0..=n.child_count() + 1 {
                let want = n.child(i);
                assert_eq!(child(n, i), want, "{lang:?} {} child {i}", n.kind());
                found += usize::from(want.is_some());
                let want = n.named_child(i);
                assert_eq!(named_child(n, i), want, "{lang:?} {} named {i}", n.kind());
            }
        });
        assert!(found > 50_000, "{found} children");
    }

    /// The kind ids are tree-sitter's on every node of the repository's sources in all four
    /// languages, and of a file with syntax errors (`ERROR` nodes).
    #[test]
    fn kinds_are_the_trees() {
        let mut seen = 0;
        each_source_node(|lang, n| {
            assert_eq!(kind(n), n.kind_id(), "{lang:?} {}", n.kind());
            seen += 1;
        });
        let broken = crate::engine::parse(Language::Python, "def f(:\n  x = (\n").expect("parses");
        let mut stack = vec![broken.root_node()];
        while let Some(n) = stack.pop() {
            assert_eq!(kind(n), n.kind_id(), "{}", n.kind());
            stack.extend(children(n));
        }
        assert!(seen > 50_000, "{seen} nodes");
    }

    /// A node is a child of another exactly when tree-sitter's `child_with_descendant` says so,
    /// for every node and its children, grandchildren and itself on the repository's sources
    /// in all four languages.
    #[test]
    fn is_child_is_the_trees() {
        let mut direct = 0;
        each_source_node(|lang, n| {
            let kids = children(n);
            let grandkids: Vec<Node<'_>> = kids.iter().flat_map(|k| children(*k)).collect();
            for k in kids.iter().chain(&grandkids).chain([&n]) {
                let want = n.child_with_descendant(*k).is_some_and(|x| x == *k);
                assert_eq!(
                    is_child(n, *k),
                    want,
                    "{lang:?} {} in {}",
                    k.kind(),
                    n.kind()
                );
                direct += usize::from(want);
            }
        });
        assert!(direct > 50_000, "{direct} children");
    }

    /// A panic in a callback reaches the caller, and the walk ends at it.
    #[test]
    fn a_panic_in_a_visit_reaches_the_caller() {
        let tree = crate::engine::parse(Language::Python, "f(a, b)\ng(c)\n").expect("parses");
        let mut visited = 0;
        let got = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            walk(tree.root_node(), |e| {
                if let Event::Visit(n) = e {
                    visited += 1;
                    assert_ne!(n.kind(), "argument_list", "a visit panics");
                }
                Step::Enter
            })
        }));
        assert!(got.is_err());
        // module, expression_statement, call, identifier, then the argument list panics.
        assert_eq!(visited, 5);
    }
}
