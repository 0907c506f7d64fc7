//! Languages: file extensions, grammars, comment syntax and the node kinds the shared semantic
//! model (CHECKS.md §3.4) needs. Everything language-specific that is not vocabulary lives here,
//! as tables, so the built-ins in `semantics` stay generic.

pub use crate::model::Language;

impl Language {
    /// The language of a path, by extension. `.d.ts` declaration files are not scanned.
    pub fn from_path(path: &str) -> Option<Language> {
        let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        if name.ends_with(".d.ts") || name.ends_with(".d.mts") || name.ends_with(".d.cts") {
            return None;
        }
        let ext = name.rsplit_once('.')?.1;
        Some(match ext {
            "py" | "pyi" => Language::Python,
            "go" => Language::Go,
            "js" | "mjs" | "cjs" | "jsx" => Language::JavaScript,
            "ts" | "mts" | "cts" => Language::TypeScript,
            "tsx" => Language::Tsx,
            _ => return None,
        })
    }

    /// The file extensions of the language (used for fixture discovery and docs).
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Language::Python => &["py", "pyi"],
            Language::Go => &["go"],
            Language::JavaScript => &["js", "mjs", "cjs", "jsx"],
            Language::TypeScript => &["ts", "mts", "cts"],
            Language::Tsx => &["tsx"],
        }
    }

    /// The grammar's node-types.json (fields, their kinds, and whether they repeat).
    pub(crate) fn node_types(self) -> &'static str {
        match self {
            Language::Python => tree_sitter_python::NODE_TYPES,
            Language::Go => tree_sitter_go::NODE_TYPES,
            Language::JavaScript => tree_sitter_javascript::NODE_TYPES,
            Language::TypeScript => tree_sitter_typescript::TYPESCRIPT_NODE_TYPES,
            Language::Tsx => tree_sitter_typescript::TSX_NODE_TYPES,
        }
    }

    /// What the grammar's node-types.json says about each kind's children, for the walk's token
    /// shortcut (`LangPlan::skip_tokens`).
    pub(crate) fn kind_shapes(self) -> &'static KindShapes {
        static TABLES: [std::sync::OnceLock<KindShapes>; 5] =
            [const { std::sync::OnceLock::new() }; 5];
        TABLES[self as usize].get_or_init(|| KindShapes::read(&self.grammar(), self.node_types()))
    }

    /// The tree-sitter grammar.
    pub fn grammar(self) -> tree_sitter::Language {
        match self {
            Language::Python => tree_sitter_python::LANGUAGE.into(),
            Language::Go => tree_sitter_go::LANGUAGE.into(),
            Language::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Language::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Language::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
        }
    }

    /// Node kind names by kind id, read from the grammar once per run. `Node::kind()` measures
    /// the C string and checks its UTF-8 on every call; predicates and built-ins ask for kinds
    /// millions of times per corpus (about 0.1x parse time on prefect), so they go through
    /// [`Language::kind_of`] instead.
    pub fn kind_names(self) -> &'static [&'static str] {
        static NAMES: [std::sync::OnceLock<Vec<&'static str>>; 5] =
            [const { std::sync::OnceLock::new() }; 5];
        NAMES[self as usize].get_or_init(|| {
            let g = self.grammar();
            (0..g.node_kind_count() as u16)
                // Leaked once per grammar (a few hundred short names), so that the table can
                // hand out `'static` names.
                .map(|id| &*Box::leak(g.node_kind_for_id(id).unwrap_or("").into()))
                .collect()
        })
    }

    /// The kind name of a node of this language's tree (what `node.kind()` returns).
    #[inline]
    pub fn kind_of(self, node: tree_sitter::Node<'_>) -> &'static str {
        match self
            .kind_names()
            .get(usize::from(crate::tree_walk::kind(node)))
        {
            Some(k) => k,
            // `ERROR` (its id is outside the table) and nothing else.
            None if node.is_error() => "ERROR",
            None => "",
        }
    }

    /// Whether no node of the named kind `kind` can be a leaf: every kind of that name has a
    /// required field or child (node-types.json). Walks that look for such nodes can pass over
    /// the leaves ([`crate::file::FileCtx::walk_branches`]).
    pub(crate) fn never_leaf(self, kind: &str) -> bool {
        let shapes = self.kind_shapes();
        let g = self.grammar();
        let mut ids = self
            .kind_names()
            .iter()
            .enumerate()
            .filter(|(id, k)| **k == kind && g.node_kind_is_named(*id as u16))
            .map(|(id, _)| id)
            .peekable();
        ids.peek().is_some() && ids.all(|id| !shapes.may_be_leaf[id])
    }

    /// The id of a field name in this grammar (`None`: the grammar has no such field). Read from
    /// a table made once per grammar: tree-sitter's own `child_by_field_name` compares the name
    /// with every field name of the grammar on each call, and predicates call `node.field(…)`
    /// millions of times per corpus.
    pub fn field_id(self, name: &str) -> Option<std::num::NonZeroU16> {
        // Buckets by length and first and last byte: a grammar has a few dozen fields, nearly
        // all alone in their bucket, so a lookup is one comparison. (Searching the sorted names
        // by halves took half a dozen comparisons: 94 M instructions on prefect.)
        type Buckets = Vec<Vec<(&'static str, std::num::NonZeroU16)>>;
        static FIELDS: [std::sync::OnceLock<Buckets>; 5] =
            [const { std::sync::OnceLock::new() }; 5];
        fn bucket(name: &[u8]) -> usize {
            let (first, last) = match name {
                [] => (0, 0),
                [f, .., l] => (*f, *l),
                [f] => (*f, *f),
            };
            (name.len() * 31 + usize::from(first) * 7 + usize::from(last)) & 255
        }
        let table = FIELDS[self as usize].get_or_init(|| {
            let g = self.grammar();
            let mut t: Buckets = vec![Vec::new(); 256];
            for id in 1..=g.field_count() as u16 {
                let (Some(name), Some(nz)) =
                    (g.field_name_for_id(id), std::num::NonZeroU16::new(id))
                else {
                    continue;
                };
                let name: &'static str = Box::leak(name.into());
                t[bucket(name.as_bytes())].push((name, nz));
            }
            t
        });
        table[bucket(name.as_bytes())]
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, id)| *id)
    }

    /// The line-comment prefix used by suppressions and fixture annotations.
    pub fn comment_prefix(self) -> &'static str {
        match self {
            Language::Python => "#",
            _ => "//",
        }
    }

    /// Whether a detector written for `self` also runs on files of `other`. TypeScript and TSX
    /// keep JavaScript's node names, so a JavaScript detector is compiled for all three; a
    /// TypeScript detector also runs on TSX.
    pub fn runs_on(self, other: Language) -> bool {
        self == other
            || matches!(
                (self, other),
                (Language::JavaScript, Language::TypeScript | Language::Tsx)
                    | (Language::TypeScript, Language::Tsx)
            )
    }

    /// Node kinds that are function boundaries (CHECKS.md §3.4).
    pub fn function_kinds(self) -> &'static [&'static str] {
        match self {
            Language::Python => &["function_definition", "lambda"],
            Language::Go => &["function_declaration", "method_declaration", "func_literal"],
            _ => &[
                "function_declaration",
                "function_expression",
                "arrow_function",
                "method_definition",
                "generator_function_declaration",
                "generator_function",
                "function",
            ],
        }
    }

    /// Whether a node of this language's tree is a function boundary: its kind is one of
    /// [`Language::function_kinds`]. By kind id, from a table made once per grammar: the
    /// engine asks this of every ancestor it climbs through (some 270,000 times on prefect),
    /// and comparing the kind's name with each function kind cost about a hundred instructions
    /// a time. Every kind id of such a name counts, named or not, as the names compared did.
    #[inline]
    pub(crate) fn is_function_node(self, node: tree_sitter::Node<'_>) -> bool {
        static TABLES: [std::sync::OnceLock<Vec<bool>>; 5] =
            [const { std::sync::OnceLock::new() }; 5];
        let table = TABLES[self as usize].get_or_init(|| {
            let kinds = self.function_kinds();
            self.kind_names()
                .iter()
                .map(|k| kinds.contains(k))
                .collect()
        });
        // `ERROR` (outside the table) is no function.
        table
            .get(usize::from(crate::tree_walk::kind(node)))
            .copied()
            .unwrap_or(false)
    }

    /// Loop node kinds whose `body` field is "inside the loop".
    pub fn loop_kinds(self) -> &'static [&'static str] {
        match self {
            Language::Python => &["for_statement", "while_statement"],
            Language::Go => &["for_statement"],
            _ => &[
                "for_statement",
                "for_in_statement",
                "while_statement",
                "do_statement",
            ],
        }
    }

    /// Comprehension node kinds (Python only): the element and conditions run per item.
    pub fn comprehension_kinds(self) -> &'static [&'static str] {
        match self {
            Language::Python => &[
                "list_comprehension",
                "set_comprehension",
                "dictionary_comprehension",
                "generator_expression",
            ],
            _ => &[],
        }
    }

    /// Class-like definitions, used to name the enclosing symbol of a finding.
    pub fn class_kinds(self) -> &'static [&'static str] {
        match self {
            Language::Python => &["class_definition"],
            Language::Go => &["type_declaration"],
            _ => &["class_declaration", "class"],
        }
    }
}

/// Bytes that continue a name: ASCII letters, digits, `_`, and every byte of a multi-byte
/// UTF-8 character (Python and Go names may hold them). A table, for the scans that test every
/// byte of a file.
pub(crate) const NAME_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80;
        b += 1;
    }
    t
};

/// Calls `f(start, end)` for every maximal run of [`NAME_BYTE`]s in `src`, in order.
///
/// Why not a loop over the bytes: the root gate runs this over every file, and a table lookup
/// and a branch per byte cost about eleven instructions a byte, about a twentieth of what
/// parsing the file costs. This classifies 64 bytes at a time into a bit mask (SSE2 on x86_64,
/// which every x86_64 processor has; a table elsewhere) and finds the runs' ends with bit
/// operations, so the cost follows the number of names rather than of bytes.
pub(crate) fn for_each_name(src: &[u8], mut f: impl FnMut(usize, usize)) {
    let n = src.len();
    let mut base = 0;
    // Whether the byte before `base` is a name byte, and where a run still open began.
    let mut prev_name = false;
    let mut open: Option<usize> = None;
    while base < n {
        let m = if base + 64 <= n {
            let chunk: &[u8; 64] = src[base..base + 64].try_into().expect("64 bytes");
            name_mask64(chunk)
        } else {
            let mut chunk = [0u8; 64];
            chunk[..n - base].copy_from_slice(&src[base..]);
            name_mask64(&chunk)
        };
        let next_name = src
            .get(base + 64)
            .is_some_and(|&b| NAME_BYTE[usize::from(b)]);
        let mut starts = m & !((m << 1) | u64::from(prev_name));
        let mut ends = m & !((m >> 1) | (u64::from(next_name) << 63));
        while ends != 0 {
            let e = base + ends.trailing_zeros() as usize;
            ends &= ends - 1;
            let s = match open.take() {
                Some(s) => s,
                None => {
                    let s = base + starts.trailing_zeros() as usize;
                    starts &= starts.wrapping_sub(1);
                    s
                }
            };
            f(s, e + 1);
        }
        if starts != 0 {
            open = Some(base + starts.trailing_zeros() as usize);
        }
        prev_name = m >> 63 & 1 == 1;
        base += 64;
    }
}

/// Bit `i` set: `chunk[i]` is a [`NAME_BYTE`].
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)] // reason: SSE2 intrinsics (x86_64 baseline) over a borrowed 64-byte array
fn name_mask64(chunk: &[u8; 64]) -> u64 {
    use std::arch::x86_64::*;
    let mut mask = 0u64;
    for (i, part) in chunk.chunks_exact(16).enumerate() {
        // SAFETY: SSE2 is part of the x86_64 baseline; the load reads the 16 bytes of `part`
        // (unaligned load).
        let bits = unsafe {
            let v = _mm_loadu_si128(part.as_ptr().cast());
            // `lo <= x <= lo + span` as an unsigned test: `min(x - lo, span) == x - lo`.
            let within = |x: __m128i, lo: u8, span: u8| {
                let d = _mm_sub_epi8(x, _mm_set1_epi8(lo as i8));
                _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(span as i8)), d)
            };
            let letter = within(_mm_or_si128(v, _mm_set1_epi8(0x20)), b'a', 25);
            let digit = within(v, b'0', 9);
            let under = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'_' as i8));
            let ascii = _mm_or_si128(_mm_or_si128(letter, digit), under);
            // Bytes of 0x80 and above have their top bit set: movemask takes it as it is.
            (_mm_movemask_epi8(ascii) | _mm_movemask_epi8(v)) as u32 as u64 & 0xffff
        };
        mask |= bits << (16 * i);
    }
    mask
}

#[cfg(not(target_arch = "x86_64"))]
fn name_mask64(chunk: &[u8; 64]) -> u64 {
    chunk.iter().enumerate().fold(0u64, |m, (i, &b)| {
        m | (u64::from(NAME_BYTE[usize::from(b)]) << i)
    })
}

/// Text that every node of some kinds holds, for the walk's marker shortcut
/// (`engine::MarkerSkips`): the walk need not enter a node whose text holds too few markers
/// for any kind it acts on to be inside. Hand-written from each grammar's rules (node-types.json
/// lists children, not the tokens between them); a language without a table has no shortcut.
/// `query_guards_change_no_result` and the corpus comparisons check the tables against the
/// full walk.
#[derive(Debug)]
pub(crate) struct MarkerTable {
    /// Marker classes: a class is a set of strings, and a node "holds the class" when its text
    /// contains one of them.
    pub classes: &'static [&'static [&'static [u8]]],
    /// (kind, class): every node of the kind holds a token of the class (a call's `(`, a
    /// lambda's `lambda`). Kinds not listed have no marker, and a node under which one of them
    /// may be acted on is always entered.
    pub kinds: &'static [(&'static str, usize)],
    /// (kind, class, n, holders): every node of the kind holds at least `n` tokens of the class
    /// of its own, each a child of the node or of one of the `holders` below it (a call's `(`
    /// belongs to its argument list). A node holding no more than `n` tokens of the class then
    /// has no marked descendant of that class. An entry stands only while no holder is itself
    /// acted on with a marker of the class (its token would then be that descendant's).
    pub own: &'static [(&'static str, usize, u8, &'static [&'static str])],
}

impl Language {
    /// The language's [`MarkerTable`] (`None`: no shortcut).
    pub(crate) fn markers(self) -> Option<&'static MarkerTable> {
        // Python (tree-sitter-python 0.25): `call` is `function` then `arguments`, an
        // `argument_list` or a `generator_expression`, both opened by `(`; comprehensions and
        // generator expressions hold a `for_in_clause` (`for`); `attribute` is
        // `object . attribute`; the assignments, keyword arguments, default and typed
        // parameters and dictionary pairs hold `=` or `:` between their parts; strings open
        // with a quote (after their prefix letters). Statements have no marker: they are
        // entered anyway (a block almost always holds something acted on).
        const PY_CLASSES: &[&[&[u8]]] = &[
            &[b"("],
            &[b"for"],
            &[b"lambda"],
            &[b"."],
            &[b"=", b":"],
            &[b"yield"],
            &[b"await"],
            &[b"'", b"\""],
        ];
        const PY: MarkerTable = MarkerTable {
            classes: PY_CLASSES,
            kinds: &[
                ("call", 0),
                ("list_comprehension", 1),
                ("set_comprehension", 1),
                ("dictionary_comprehension", 1),
                ("generator_expression", 1),
                ("lambda", 2),
                ("attribute", 3),
                ("assignment", 4),
                ("augmented_assignment", 4),
                ("keyword_argument", 4),
                ("default_parameter", 4),
                ("typed_parameter", 4),
                ("typed_default_parameter", 4),
                ("pair", 4),
                ("yield", 5),
                ("await", 6),
                ("string", 7),
                ("concatenated_string", 7),
            ],
            own: &[
                ("call", 0, 1, &["argument_list", "generator_expression"]),
                ("argument_list", 0, 1, &[]),
                ("generator_expression", 0, 1, &[]),
                ("parameters", 0, 1, &[]),
                ("parenthesized_expression", 0, 1, &[]),
                ("tuple", 0, 1, &[]),
                ("list_comprehension", 1, 1, &["for_in_clause"]),
                ("set_comprehension", 1, 1, &["for_in_clause"]),
                ("dictionary_comprehension", 1, 1, &["for_in_clause"]),
                ("generator_expression", 1, 1, &["for_in_clause"]),
                ("lambda", 2, 1, &[]),
                ("attribute", 3, 1, &[]),
                ("assignment", 4, 1, &[]),
                ("augmented_assignment", 4, 1, &[]),
                ("keyword_argument", 4, 1, &[]),
                ("default_parameter", 4, 1, &[]),
                ("typed_parameter", 4, 1, &[]),
                ("typed_default_parameter", 4, 2, &[]),
                ("pair", 4, 1, &[]),
                ("lambda", 4, 1, &[]),
                ("yield", 5, 1, &[]),
                ("await", 6, 1, &[]),
            ],
        };
        match self {
            Language::Python => Some(&PY),
            _ => None,
        }
    }
}

/// Kind names and field lookups for nodes of the built-in grammars through the per-grammar
/// tables of [`Language::kind_names`] and [`Language::field_id`]. The engine's semantic
/// built-ins ask every node they pass for its kind and fields; tree-sitter's `Node::kind()`
/// re-validates a C string and `child_by_field_name` compares the name with every field name of
/// the grammar, which together cost about a tenth of parse time on prefect.
pub(crate) trait NodeExt<'t> {
    /// What `Node::kind()` returns.
    fn kind_str(&self) -> &'t str;
    /// What `Node::child_by_field_name(name)` returns.
    fn field(&self, name: &str) -> Option<tree_sitter::Node<'t>>;
    /// What `Node::children_by_field_name(name, cursor)` returns (which looks the name up among
    /// every field name of the grammar on each call).
    fn fields(&self, name: &str) -> std::vec::IntoIter<tree_sitter::Node<'t>>;
    /// What `Node::child(i)` returns ([`crate::tree_walk::child`]: tree-sitter's answer without
    /// its child iterator's set-up).
    fn child_at(&self, i: u32) -> Option<tree_sitter::Node<'t>>;
    /// What `Node::named_child(i)` returns ([`crate::tree_walk::named_child`]).
    fn named_child_at(&self, i: u32) -> Option<tree_sitter::Node<'t>>;
}

/// The built-in language of a node's grammar (`None`: a grammar the engine does not ship).
fn language_of(node: tree_sitter::Node<'_>) -> Option<Language> {
    static GRAMMARS: std::sync::OnceLock<Vec<tree_sitter::Language>> = std::sync::OnceLock::new();
    let grammars = GRAMMARS.get_or_init(|| Language::ALL.iter().map(|l| l.grammar()).collect());
    let l = node.language();
    grammars
        .iter()
        .position(|g| *g == *l)
        .map(|i| Language::ALL[i])
}

impl<'t> NodeExt<'t> for tree_sitter::Node<'t> {
    #[inline]
    fn child_at(&self, i: u32) -> Option<tree_sitter::Node<'t>> {
        crate::tree_walk::child(*self, i)
    }

    #[inline]
    fn named_child_at(&self, i: u32) -> Option<tree_sitter::Node<'t>> {
        crate::tree_walk::named_child(*self, i)
    }

    #[inline]
    fn kind_str(&self) -> &'t str {
        match language_of(*self) {
            Some(lang) => lang.kind_of(*self),
            None => self.kind(),
        }
    }

    #[inline]
    fn field(&self, name: &str) -> Option<tree_sitter::Node<'t>> {
        match language_of(*self) {
            Some(lang) => crate::tree_walk::child_by_field(*self, lang.field_id(name)?.get()),
            None => self.child_by_field_name(name),
        }
    }

    fn fields(&self, name: &str) -> std::vec::IntoIter<tree_sitter::Node<'t>> {
        let node = *self;
        let id = match language_of(node) {
            Some(lang) => lang.field_id(name),
            None => node.language().field_id_for_name(name),
        };
        match id {
            Some(id) => crate::tree_walk::field_children(node, id.get()).into_iter(),
            None => Vec::new().into_iter(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `fields(name)` lists what tree-sitter's `children_by_field_name` lists, for every field
    /// name of the grammar on every node with children of the repository's sources, in all
    /// four languages (and nothing for a name the grammar does not have).
    #[test]
    fn fields_are_tree_sitters_children_by_field_name() {
        let mut compared = 0;
        for lang in Language::ALL {
            let g = lang.grammar();
            let mut names: Vec<&str> = (1..=g.field_count() as u16)
                .filter_map(|i| g.field_name_for_id(i))
                .collect();
            names.push("no_such_field");
            for (_, text) in crate::repository_sources(lang, &["packs", "examples"]) {
                let Some(tree) = crate::engine::parse(lang, &text) else {
                    continue;
                };
                let mut stack = vec![tree.root_node()];
                let mut c1 = tree.walk();
                while let Some(n) = stack.pop() {
                    if n.child_count() == 0 {
                        continue;
                    }
                    for name in &names {
                        let want: Vec<usize> = n
                            .children_by_field_name(name, &mut c1)
                            .map(|k| k.id())
                            .collect();
                        let got: Vec<usize> = n.fields(name).map(|k| k.id()).collect();
                        assert_eq!(got, want, "{lang:?} {} field {name}", n.kind());
                        compared += 1;
                    }
                    stack.extend(crate::tree_walk::children(n));
                }
            }
        }
        assert!(compared > 100_000, "{compared}");
    }

    /// The kind-id table of function boundaries says what comparing kind names says, on every
    /// node (tokens and `ERROR` included) of the repository's sources and a broken file.
    #[test]
    fn function_nodes_by_table_and_by_name_agree() {
        let mut functions = 0;
        for lang in Language::ALL {
            let mut sources: Vec<String> = crate::repository_sources(lang, &["packs", "examples"])
                .into_iter()
                .map(|(_, t)| t)
                .collect();
            sources.push("def f(:\n  lambda x: )\nfunction g( { => }\n".into());
            for text in sources {
                let Some(tree) = crate::engine::parse(lang, &text) else {
                    continue;
                };
                let mut stack = vec![tree.root_node()];
                while let Some(n) = stack.pop() {
                    let by_name = lang.function_kinds().contains(&n.kind());
                    assert_eq!(lang.is_function_node(n), by_name, "{lang:?} {}", n.kind());
                    functions += usize::from(by_name);
                    stack.extend(crate::tree_walk::children(n));
                }
            }
        }
        assert!(functions > 1_000, "{functions}");
    }

    #[test]
    fn extensions_map_to_languages() {
        assert_eq!(Language::from_path("a/b.py"), Some(Language::Python));
        assert_eq!(Language::from_path("x.go"), Some(Language::Go));
        assert_eq!(Language::from_path("x.mjs"), Some(Language::JavaScript));
        assert_eq!(Language::from_path("x.cts"), Some(Language::TypeScript));
        assert_eq!(Language::from_path("x.tsx"), Some(Language::Tsx));
        assert_eq!(Language::from_path("types/x.d.ts"), None);
        assert_eq!(Language::from_path("README"), None);
        assert_eq!(Language::from_path("x.rs"), None);
    }

    /// The runs of name bytes, one byte at a time: what [`for_each_name`] must agree with.
    fn names_bytewise(src: &[u8]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < src.len() {
            if !NAME_BYTE[usize::from(src[i])] {
                i += 1;
                continue;
            }
            let start = i;
            while i < src.len() && NAME_BYTE[usize::from(src[i])] {
                i += 1;
            }
            out.push((start, i));
        }
        out
    }

    #[test]
    fn name_runs_agree_with_a_bytewise_scan() {
        let mut texts: Vec<Vec<u8>> = vec![
            b"".to_vec(),
            b"a".to_vec(),
            b" ".to_vec(),
            "import os\nx = os.path.join(a_b, 'caf\u{e9}')\n"
                .as_bytes()
                .to_vec(),
            // Runs across and exactly at the 64-byte chunk edges, and a file that is one name.
            vec![b'x'; 64],
            vec![b'y'; 200],
            [vec![b' '; 63], vec![b'n'; 2], vec![b' '; 63], vec![b'm']].concat(),
            [vec![b'q'; 64], vec![b'.'], vec![b'r'; 127]].concat(),
        ];
        // Every byte value at every offset of a chunk, between name bytes and separators.
        let mut all = Vec::new();
        for b in 0..=255u8 {
            all.extend_from_slice(&[b'a', b, b' ', b, b'_', b'9', b, b'\n']);
        }
        texts.push(all);
        // A pseudo-random mix (a fixed linear congruential sequence) of names and punctuation.
        let mut x: u32 = 12345;
        let mut mix = Vec::new();
        for _ in 0..5000 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let pool = b"ab_Z09 .(\n\xc3\xa9:";
            mix.push(pool[(x >> 16) as usize % pool.len()]);
        }
        texts.push(mix);
        for t in &texts {
            let mut got = Vec::new();
            for_each_name(t, |s, e| got.push((s, e)));
            assert_eq!(got, names_bytewise(t), "{:?}", String::from_utf8_lossy(t));
        }
    }

    #[test]
    fn field_ids_match_the_grammars() {
        for lang in Language::ALL {
            let g = lang.grammar();
            for id in 1..=g.field_count() as u16 {
                let name = g.field_name_for_id(id).expect("a field name");
                assert_eq!(lang.field_id(name).map(|f| f.get()), Some(id), "{name}");
            }
            assert_eq!(lang.field_id("no_such_field"), None);
            assert_eq!(lang.field_id(""), None);
        }
    }

    #[test]
    fn every_grammar_loads() {
        for lang in Language::ALL {
            let mut p = tree_sitter::Parser::new();
            p.set_language(&lang.grammar()).unwrap();
        }
    }
}

/// Per kind id, what node-types.json tells about nodes of the kind.
#[derive(Debug)]
pub(crate) struct KindShapes {
    /// Whether a node of the kind may have no visible child: tokens (anonymous, or named kinds
    /// listed without `fields`), and kinds built by a rule whose fields and children are all
    /// optional (Python's `string_content`, whose pieces are hidden tokens). Conservative: a
    /// rule such as `pass_statement` always holds its keyword, which node-types.json does not
    /// list, and still counts as a possible leaf.
    pub may_be_leaf: Vec<bool>,
    /// The kinds a node's children may have (fields and children, supertypes expanded, extras
    /// such as comments added); `None`: the file does not say.
    pub children: Vec<Option<Vec<u16>>>,
}

impl KindShapes {
    fn read(g: &tree_sitter::Language, node_types: &str) -> KindShapes {
        use serde_json::Value;
        let n = g.node_kind_count();
        // Unreadable: every kind may be a leaf and may hold anything; nothing is left out.
        let entries: Vec<Value> = serde_json::from_str(node_types).unwrap_or_default();
        let named = |e: &Value| e.get("named").and_then(Value::as_bool) == Some(true);
        let name = |e: &Value| {
            e.get("type")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let by_name: std::collections::HashMap<(String, bool), &Value> =
            entries.iter().map(|e| ((name(e), named(e)), e)).collect();
        let mut ids: std::collections::HashMap<(&str, bool), Vec<u16>> = Default::default();
        for id in 0..n as u16 {
            if let Some(k) = g.node_kind_for_id(id) {
                ids.entry((k, g.node_kind_is_named(id)))
                    .or_default()
                    .push(id);
            }
        }
        // The kinds a type reference stands for: a supertype stands for its subtypes.
        fn expand(
            t: &Value,
            by_name: &std::collections::HashMap<(String, bool), &Value>,
            ids: &std::collections::HashMap<(&str, bool), Vec<u16>>,
            out: &mut Vec<u16>,
            depth: u8,
        ) {
            let key = (
                t.get("type")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                t.get("named").and_then(Value::as_bool) == Some(true),
            );
            if let Some(subtypes) = by_name
                .get(&key)
                .and_then(|e| e.get("subtypes"))
                .and_then(Value::as_array)
            {
                if depth < 8 {
                    for s in subtypes {
                        expand(s, by_name, ids, out, depth + 1);
                    }
                }
                return;
            }
            out.extend(ids.get(&(key.0.as_str(), key.1)).into_iter().flatten());
        }
        let extras: Vec<u16> = entries
            .iter()
            .filter(|e| e.get("extra").and_then(Value::as_bool) == Some(true))
            .flat_map(|e| {
                ids.get(&(name(e).as_str(), named(e)))
                    .cloned()
                    .unwrap_or_default()
            })
            .collect();
        let mut may_be_leaf = vec![true; n];
        let mut children: Vec<Option<Vec<u16>>> = vec![None; n];
        for id in 0..n as u16 {
            if !g.node_kind_is_named(id) {
                continue;
            }
            let Some(e) = g
                .node_kind_for_id(id)
                .and_then(|k| by_name.get(&(k.to_string(), true)))
            else {
                continue;
            };
            let Some(fields) = e.get("fields").and_then(Value::as_object) else {
                continue; // a token
            };
            let kids = e.get("children");
            let required = |v: &Value| v.get("required").and_then(Value::as_bool) == Some(true);
            may_be_leaf[usize::from(id)] =
                !(fields.values().any(required) || kids.is_some_and(required));
            let mut out = extras.clone();
            for spec in fields.values().chain(kids) {
                for t in spec
                    .get("types")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    expand(t, &by_name, &ids, &mut out, 0);
                }
            }
            out.sort_unstable();
            out.dedup();
            children[usize::from(id)] = Some(out);
        }
        KindShapes {
            may_be_leaf,
            children,
        }
    }
}
