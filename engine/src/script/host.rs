//! The read-only host API that predicates see. Every function here is documented in
//! [`HOST_FUNCTIONS`], which `docs/pack-format.md` is checked against.

use crate::file::{FileCtx, KeptNode, NodeRef};
use crate::lang::NodeExt;
use crate::model::Language;
use crate::semantics;
use rhai::{Array, Dynamic, Engine, EvalAltResult, Position};
use std::sync::Arc;

/// The `file` variable: the file being checked.
#[derive(Clone)]
pub struct FileHandle(pub Arc<FileCtx>);

/// (signature, description) of every host type member and function, in documentation order.
pub const HOST_FUNCTIONS: &[(&str, &str)] = &[
    ("node.kind", "tree-sitter node kind, e.g. `call`"),
    ("node.text", "source text of the node"),
    ("node.is_named", "whether the node is a named node"),
    (
        "node.line / node.column",
        "1-based start line and column (column in characters)",
    ),
    (
        "node.end_line / node.end_column",
        "1-based end line and column (exclusive)",
    ),
    ("node.start_byte / node.end_byte", "byte offsets"),
    ("node.parent", "the parent node, or `()` at the root"),
    (
        "node.children / node.named_children",
        "arrays of child nodes",
    ),
    ("node.child_count", "number of children"),
    (
        "node.next_sibling / node.prev_sibling",
        "named siblings, or `()`",
    ),
    (
        "node.has_error",
        "whether the subtree contains a syntax error",
    ),
    ("node.field(name)", "the child in field `name`, or `()`"),
    ("node.fields(name)", "all children in field `name`"),
    ("node.ancestors()", "ancestors, nearest first"),
    (
        "node.descendants(kind)",
        "descendants of kind `kind` in document order (`\"\"`: all named)",
    ),
    (
        "node.memo(key) / node.memo(key, value)",
        "a value this pack's predicates keep on the node for the rest of the file: the one stored under the string `key`, or `()`; with `value`, stores it (texts, numbers, nodes of this file, and arrays and maps of them) and returns it",
    ),
    (
        "node.same_as(other)",
        "whether two handles denote the same node (also `==` and `!=`)",
    ),
    ("file.path", "the file's path label"),
    (
        "file.language",
        "`python`, `go`, `javascript`, `typescript` or `tsx`",
    ),
    ("file.source", "the whole source text"),
    ("file.line(n)", "the text of 1-based line n"),
    (
        "file.code_lines(from, to)",
        "how many of the 1-based lines `from`..=`to` hold code: not blank, not only a comment",
    ),
    (
        "file.contains(text)",
        "whether the source contains `text` (no copy of the source)",
    ),
    (
        "resolve(node)",
        "qualified name of an expression (P1): `time.sleep`, `httpx.Client().get`, `$local`, `?`",
    ),
    (
        "in_vocab(name, vocab)",
        "whether a qualified name is in a vocabulary of the detector's pack",
    ),
    (
        "resolves_to(node, vocab)",
        "`in_vocab(resolve(callee), vocab)`; a call node stands for its callee",
    ),
    (
        "calls_to(node, vocabs, own)",
        "the calls below `node` whose callee resolves into the vocabulary `vocabs` (a name or an array of names), in document order; with `own` true, only those of the node's own function (not of functions and lambdas nested in it)",
    ),
    (
        "enclosing_fn(node)",
        "the nearest function boundary (P4), or `()` at module level",
    ),
    ("is_async(fn)", "whether a function node is a coroutine"),
    (
        "in_async_fn(node)",
        "whether the nearest function boundary is a coroutine",
    ),
    ("fn_name(fn)", "a function's name, or `\"\"`"),
    (
        "decorators(fn)",
        "resolved decorator callees of a Python definition, outermost first",
    ),
    (
        "enclosing_loop(node)",
        "the loop whose body contains the node (P4), or `()`",
    ),
    (
        "in_loop(node)",
        "whether the node is inside a loop body (P4)",
    ),
    (
        "iterable_size(loop)",
        "literal iteration count of a loop, or -1 when unknown",
    ),
    (
        "in_call_arg_of(node, vocab)",
        "whether the node is inside an argument of a call to the vocabulary (offload wrappers)",
    ),
    (
        "is_module_level(node)",
        "whether no function encloses the node",
    ),
    (
        "enclosing_symbol(node)",
        "dotted names of the enclosing definitions, e.g. `Repo.load`",
    ),
    (
        "assigned_value(ident)",
        "the expression assigned once to an identifier in its scope, or `()`",
    ),
    (
        "file.imports",
        "qualified names the file imports at module level, sorted",
    ),
    (
        "file.imported(modules)",
        "the first of `modules` (a module name or an array of them, in the order given) that the file imports at module level, itself or a name in it (`fastapi` for `from fastapi import Depends`), or `()`",
    ),
    (
        "uses_of(scope, name)",
        "identifier nodes named `name` inside `scope`, in document order",
    ),
    (
        "file.module_name",
        "the file's dotted module name (Python: `app/events.py` is `app.events`, a package's `__init__.py` is the package)",
    ),
    (
        "string_value(node)",
        "the value of a string literal without quotes or prefixes, escape sequences decoded (`\\\"` is `\"`; raw strings keep theirs), or `()` when it interpolates or is not a string",
    ),
    (
        "string_template(node)",
        "a string literal as a glob: interpolated parts (f-string fields, `${…}`) become `*`; `()` when not a string",
    ),
    (
        "sql_channels(sql)",
        "NOTIFY/LISTEN/pg_notify channels named by one SQL string: maps with `role` (`publish`/`subscribe`), `name` (normalized, or a glob for templates), `raw`, `name_kind` (`literal`/`template`), `via`, `line`",
    ),
    (
        "edit_distance(a, b)",
        "Levenshtein distance between two strings, in characters",
    ),
    (
        "qualified_name(fn)",
        "the qualified name of a function or class definition node (F11): `app.jobs.Worker.run`, `internal/jobs.Store.Save`, `src/routes/users:listUsers`",
    ),
    (
        "target_name(expr)",
        "the qualified name an expression that names a function refers to (`views.list_jobs`, `s.handleJobs`, `listUsers`), or `()` when the file cannot tell",
    ),
    (
        "binding_name(expr)",
        "Python: the qualified name of the module-level variable an identifier names (`app.routers.items.router` for `router` in `app/routers/items.py`, or for `items.router` and an imported `router` elsewhere), or `()` for a local, a parameter, a name bound more than once, and in other languages",
    ),
    (
        "function_context(name)",
        "project predicates: the execution context of a function by qualified name, a map with `function`, `file`, `line`, `class`, `hot`, `background`, `admin`, `async`, `framework`, `route`, `method`, `reason`; `()` when unknown",
    ),
    (
        "callers(name) / callees(name)",
        "project predicates: qualified names of the functions that call, or are called by, a function (resolved call edges, F11)",
    ),
    (
        "last_segment(name)",
        "the last dotted segment of a name: `Session` for `sqlalchemy.orm.Session`, the name itself when it has no dot",
    ),
    (
        "node.starts_with(s) / node.ends_with(s)",
        "whether the node's text starts (ends) with `s`, without copying the text",
    ),
    (
        "param_args(call)",
        "the arguments of `call` that are plain names of parameters of the function the call is in: maps with `node`, `keyword` (`\"\"` when positional) and `index` (place among the positional arguments, `-1` for a keyword argument)",
    ),
    (
        "chain_start(expr)",
        "what a chain of calls and member accesses starts from (through callees, member objects and parentheses): `base_query` for `base_query.where(x).limit(5)`",
    ),
    (
        "first_call(expr)",
        "the first call of a method chain (through `await` and parentheses at the top): `update(M)` for `update(M).where(…).values(…)`; the node itself when it is no call",
    ),
    (
        "glob_match(pattern, text)",
        "whether `text` matches a Redis-style glob (`*`, `?`, `[…]`, `\\` escapes)",
    ),
    (
        "literal_value(node)",
        "the value of an expression made of literals (bool, integer, float, string), following constants and folding arithmetic: `30 * 60` is 1800; `()` for `None`/`null`/`nil` and for anything not literal",
    ),
    (
        "is_literal(node)",
        "whether `literal_value(node)` is known (true for `None` too)",
    ),
    (
        "call_args(call)",
        "a call's arguments: a map with `positional` (nodes), `keywords` (name -> node, Python), `list_splats` and `dict_splats` (the expressions of `*a`/`...a` and `**kw`)",
    ),
    (
        "assignment_target(node)",
        "the target an expression is assigned to (through `await` and parentheses), e.g. `engine` or `self.engine` in `engine = create_engine(…)`, `pool` in `with create_pool(…) as pool`; `()` when it is not assigned",
    ),
    (
        "parse_dsn(text)",
        "a database URL's parts: a map with `scheme`, `base` (before `+`), `driver`, `user`, `host`, `port`, `database`, `params` (a map) and `masked` (password as `***`); `()` when the text is not a URL",
    ),
    (
        "receiver_kind(expr)",
        "the receiver kind (P2) of an expression declared by a `[[receiver]]` of the run's packs (`sa.session`), from its annotation, bound value or name; `\"\"` when none",
    ),
    (
        "db_op(call)",
        "the DB operation of a call `R.m(…)` (P2): a map with `kind`, `op` (the class from the receiver's `ops`), `method` and `receiver` (the object node); `()` when R has no kind or `m` is not in its ops",
    ),
    (
        "sql_verb(node)",
        "the first SQL keyword of a string literal, upper-case (`SELECT`, `UPDATE`; comments and a leading `WITH … )` skipped; interpolated strings use their static prefix; a call is read through its first argument, a name through its one assignment), or `\"\"`",
    ),
    (
        "tx_span(node)",
        "the innermost transaction span (P5) open at a node, with no function boundary between: a map with `receiver` (node or `()`), `kind`, `explicit`, `node` (the `with`, the decorated function or the first operation), `start_line`, `end_line`, `lines`, `has_write`, `writes` and `ops` (nodes), `end_op` (node or `()`), `ends_with` (`commit`, `rollback`, `release`, `block`, `function`); `()` when none",
    ),
    (
        "tx_spans(fn)",
        "every transaction span of a function (the root node: of the module's top level), in order of their start, as `tx_span` maps",
    ),
];

/// `binding_name(expr)`: which variable an expression names, as one qualified name on both sides
/// of a module boundary: a module-level name bound once in its own module, an imported name, and
/// an attribute of an imported module (`items.router` after `import app.routers.items as items`)
/// all give `app.routers.items.router`. Packs join records through it (a router's routes with
/// where it is mounted). `resolve` and `target_name` answer another question: they follow the
/// assignment to what the value is (`fastapi.APIRouter()`), the same for every router.
fn binding_name(file: &FileCtx, expr: tree_sitter::Node<'_>) -> Option<String> {
    if file.language != Language::Python {
        return None;
    }
    // An import's qualified name, not a value (`…()`), a local (`$…`) or an unknown (`?…`).
    let imported = |ident: tree_sitter::Node<'_>| {
        let q = semantics::resolve(file, ident);
        let plain = !(q.is_empty() || q.starts_with(['?', '$']) || q.ends_with(')'));
        plain.then_some(q)
    };
    match expr.kind_str() {
        "identifier" => {
            if semantics::enclosing_function(file, expr).is_some() {
                return None;
            }
            if semantics::assigned_value(file, expr).is_some() {
                return Some(format!("{}.{}", module_name(&file.path), file.text(expr)));
            }
            imported(expr)
        }
        "attribute" => {
            let object = expr.field("object")?;
            let attr = expr.field("attribute")?;
            if object.kind_str() != "identifier"
                || semantics::assigned_value(file, object).is_some()
            {
                return None;
            }
            Some(format!("{}.{}", imported(object)?, file.text(attr)))
        }
        _ => None,
    }
}

/// The dotted module name of a path: `app/events.py` -> `app.events`.
pub fn module_name(path: &str) -> String {
    let stem = match path.rsplit_once('.') {
        Some((s, ext)) if !ext.contains('/') => s,
        _ => path,
    };
    let stem = stem.strip_suffix("/__init__").unwrap_or(stem);
    stem.replace('/', ".")
}

/// String literal kinds of the four grammars.
const STRING_KINDS: &[&str] = &[
    "string",
    "interpreted_string_literal",
    "raw_string_literal",
    "template_string",
    "concatenated_string",
];
const INTERPOLATION_KINDS: &[&str] = &["interpolation", "template_substitution"];
/// Quotes, longest first.
const QUOTES: &[&str] = &["\"\"\"", "'''", "\"", "'", "`"];

/// A string literal as a glob: interpolations become `*`, escape sequences are decoded (`\"`
/// is `"`; raw strings have none); (glob, whether it interpolates). `None` when the node is not a
/// string literal.
pub fn string_glob(file: &FileCtx, node: tree_sitter::Node<'_>) -> Option<(String, bool)> {
    if !STRING_KINDS.contains(&node.kind_str()) {
        return None;
    }
    if node.kind_str() == "concatenated_string" {
        let mut out = String::new();
        let mut templated = false;
        for part in file.named_children(node) {
            let (s, t) = string_glob(file, part)?;
            out.push_str(&s);
            templated |= t;
        }
        return Some((out, templated));
    }
    // The content between the opening quote (after a prefix such as f, r, b, rb) and the closing
    // one, decided on the source text.
    let text = &file.source[node.start_byte()..node.end_byte()];
    let body = text.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    let q = QUOTES
        .iter()
        .find(|q| body.starts_with(**q) && body.len() >= 2 * q.len() && body.ends_with(**q))?;
    let start = node.start_byte() + (text.len() - body.len()) + q.len();
    let end = node.end_byte() - q.len();
    let mut templated = false;
    let mut out = String::new();
    let mut pos = start;
    // Interpolations and escape sequences, in source order (Python nests escapes inside
    // `string_content`); an interpolation's own strings are not looked into.
    let mut stack = vec![node];
    let mut special = Vec::new();
    while let Some(n) = stack.pop() {
        let kids: Vec<_> = file.named_children(n);
        for k in kids.into_iter().rev() {
            if INTERPOLATION_KINDS.contains(&k.kind_str()) || k.kind_str() == "escape_sequence" {
                special.push(k);
            } else {
                stack.push(k);
            }
        }
    }
    special.sort_by_key(|n| n.start_byte());
    for n in special {
        if n.start_byte() < pos || n.end_byte() > end {
            continue;
        }
        out.push_str(&file.source[pos..n.start_byte()]);
        let piece = &file.source[n.start_byte()..n.end_byte()];
        if n.kind_str() == "escape_sequence" {
            out.push_str(&unescape(piece));
        } else {
            out.push('*');
            templated = true;
        }
        pos = n.end_byte();
    }
    out.push_str(&file.source[pos..end]);
    Some((out, templated))
}

/// The value of one escape sequence of Python, Go or JavaScript (`\n`, `\"`, `\x41`, `\u00e9`,
/// `\u{1F600}`, `\101`); an unknown one stays as written.
fn unescape(esc: &str) -> String {
    let Some(rest) = esc.strip_prefix('\\') else {
        return esc.to_string();
    };
    let simple = match rest {
        "n" => Some('\n'),
        "t" => Some('\t'),
        "r" => Some('\r'),
        "0" => Some('\0'),
        "\\" | "\"" | "'" | "`" | "$" | "/" => rest.chars().next(),
        _ => None,
    };
    if let Some(c) = simple {
        return c.to_string();
    }
    // A backslash before a line break continues the line.
    if rest.starts_with('\n') || rest.starts_with("\r\n") {
        return String::new();
    }
    let hex = |digits: &str| {
        u32::from_str_radix(digits, 16)
            .ok()
            .and_then(char::from_u32)
    };
    let decoded = match rest.as_bytes().first() {
        Some(b'x') => hex(&rest[1..]),
        Some(b'u') | Some(b'U') => hex(rest[1..].trim_start_matches('{').trim_end_matches('}')),
        Some(b'0'..=b'7') => u32::from_str_radix(rest, 8).ok().and_then(char::from_u32),
        _ => None,
    };
    decoded.map_or_else(|| esc.to_string(), |c| c.to_string())
}

/// Levenshtein distance in characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Redis-style glob matching: `*`, `?`, `[abc]`, `[^a]`, `[a-z]`, `\x`.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    /// A class after `[`: (matched, characters consumed including `]`), `None` if unclosed.
    fn class(p: &[char], c: char) -> Option<(bool, usize)> {
        let mut i = 0;
        let negate = p.first() == Some(&'^');
        if negate {
            i += 1;
        }
        let mut hit = false;
        while i < p.len() && p[i] != ']' {
            if p[i] == '\\' && i + 1 < p.len() {
                hit |= p[i + 1] == c;
                i += 2;
            } else if i + 2 < p.len() && p[i + 1] == '-' && p[i + 2] != ']' {
                hit |= p[i] <= c && c <= p[i + 2];
                i += 3;
            } else {
                hit |= p[i] == c;
                i += 1;
            }
        }
        (i < p.len()).then_some((hit != negate, i + 1))
    }
    fn go(p: &[char], t: &[char]) -> bool {
        match p.first() {
            None => t.is_empty(),
            Some('*') => (0..=t.len()).any(|k| go(&p[1..], &t[k..])),
            Some('?') => !t.is_empty() && go(&p[1..], &t[1..]),
            Some('[') => match t.first() {
                None => false,
                Some(&c) => match class(&p[1..], c) {
                    Some((true, n)) => go(&p[1 + n..], &t[1..]),
                    Some((false, _)) => false,
                    None => c == '[' && go(&p[1..], &t[1..]),
                },
            },
            Some('\\') if p.len() > 1 => t.first() == Some(&p[1]) && go(&p[2..], &t[1..]),
            Some(c) => t.first() == Some(c) && go(&p[1..], &t[1..]),
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    go(&p, &t)
}

/// A function's execution context as a predicate map.
fn function_map(f: &crate::exec_context::FunctionContext) -> rhai::Map {
    let mut m = rhai::Map::new();
    let text = |s: &str| Dynamic::from(s.to_string());
    let opt = |s: &Option<String>| s.as_deref().map_or(Dynamic::UNIT, text);
    m.insert("function".into(), text(&f.qname));
    m.insert("file".into(), text(&f.file));
    m.insert("line".into(), Dynamic::from(f.line as i64));
    m.insert("class".into(), text(f.class.as_str()));
    m.insert("hot".into(), Dynamic::from(f.hot));
    m.insert("background".into(), Dynamic::from(f.background));
    m.insert("admin".into(), Dynamic::from(f.admin));
    m.insert("async".into(), Dynamic::from(f.is_async));
    m.insert("framework".into(), opt(&f.framework));
    m.insert("route".into(), opt(&f.route));
    m.insert("method".into(), opt(&f.method));
    m.insert("reason".into(), text(&f.reason));
    m
}

/// A transaction span as a predicate map.
fn span_map(at: &NodeRef, s: &semantics::span::TxSpan) -> rhai::Map {
    let file = at.file();
    let node = |k: &semantics::span::NodeKey| k.node(file).map(|n| at.with(n));
    let nodes = |v: &[semantics::span::NodeKey]| -> Array {
        v.iter().filter_map(&node).map(Dynamic::from).collect()
    };
    let mut m = rhai::Map::new();
    m.insert(
        "receiver".into(),
        unit_or(s.receiver.as_ref().and_then(node)),
    );
    m.insert("kind".into(), Dynamic::from(s.kind.clone()));
    m.insert("explicit".into(), Dynamic::from(s.explicit));
    m.insert("node".into(), unit_or(node(&s.node)));
    m.insert("start_line".into(), Dynamic::from(s.start_line as i64));
    m.insert("end_line".into(), Dynamic::from(s.end_line as i64));
    m.insert("lines".into(), Dynamic::from(s.lines as i64));
    m.insert("has_write".into(), Dynamic::from(s.has_write()));
    m.insert("writes".into(), Dynamic::from_array(nodes(&s.writes)));
    m.insert("ops".into(), Dynamic::from_array(nodes(&s.ops)));
    m.insert("end_op".into(), unit_or(s.end_op.as_ref().and_then(node)));
    m.insert("ends_with".into(), Dynamic::from(s.ends_with.to_string()));
    m
}

fn unit_or(n: Option<NodeRef>) -> Dynamic {
    match n {
        Some(n) => Dynamic::from(n),
        None => Dynamic::UNIT,
    }
}

fn error(msg: String) -> Box<EvalAltResult> {
    Box::new(EvalAltResult::ErrorRuntime(msg.into(), Position::NONE))
}

/// Runs `f` on the running detector's vocabulary named `vocab`; an error when its pack has none.
fn with_named_vocab<R>(
    vocab: &str,
    f: impl FnOnce(&crate::vocab::Vocabulary) -> R,
) -> Result<R, Box<EvalAltResult>> {
    super::with_vocab(|v| match v.and_then(|v| v.get(vocab)) {
        Some(voc) => Ok(f(voc)),
        None => Err(error(format!(
            "vocabulary `{vocab}` is not defined by this detector's pack"
        ))),
    })
}

/// Whether `node.memo` may keep a value, and whether it holds nodes: units, booleans, numbers,
/// characters, strings, nodes of `file`, and arrays and maps of them (nested at most 8 deep).
/// An error names what cannot be kept. Checks without copying: most kept values are plain data
/// and are stored as they are.
fn keepable(v: &Dynamic, file: &Arc<FileCtx>, depth: usize) -> Result<bool, &'static str> {
    if depth > 8 {
        return Err("nests more than 8 deep");
    }
    if v.is_unit() || v.is_bool() || v.is_int() || v.is_float() || v.is_char() || v.is_string() {
        return Ok(false);
    }
    if let Some(n) = v.read_lock::<NodeRef>() {
        return match n.kept_in(file) {
            Some(_) => Ok(true),
            None => Err("holds a node of another file"),
        };
    }
    let mut nodes = false;
    if let Some(a) = v.read_lock::<Array>() {
        for x in a.iter() {
            nodes |= keepable(x, file, depth + 1)?;
        }
        return Ok(nodes);
    }
    if let Some(m) = v.read_lock::<rhai::Map>() {
        for x in m.values() {
            nodes |= keepable(x, file, depth + 1)?;
        }
        return Ok(nodes);
    }
    if v.is::<FileHandle>() {
        return Err("holds a file");
    }
    Err("holds a value that is not data (a function pointer or a host object)")
}

/// A value [`keepable`] accepted, as the memo of `file` keeps it: its nodes as [`KeptNode`]s.
fn detach(v: &Dynamic, file: &Arc<FileCtx>) -> Dynamic {
    if let Some(k) = v.read_lock::<NodeRef>().and_then(|n| n.kept_in(file)) {
        return Dynamic::from(k);
    }
    if let Some(a) = v.read_lock::<Array>() {
        return Dynamic::from_array(a.iter().map(|x| detach(x, file)).collect());
    }
    if let Some(m) = v.read_lock::<rhai::Map>() {
        return Dynamic::from_map(
            m.iter()
                .map(|(k, x)| (k.clone(), detach(x, file)))
                .collect(),
        );
    }
    v.clone()
}

/// A kept value as a predicate sees it: its [`KeptNode`]s as nodes of `file` again.
pub(crate) fn attach(v: &Dynamic, file: &Arc<FileCtx>) -> Dynamic {
    if let Some(k) = v.read_lock::<KeptNode>() {
        return Dynamic::from(k.attach(file));
    }
    if let Some(a) = v.read_lock::<Array>() {
        return Dynamic::from_array(a.iter().map(|x| attach(x, file)).collect());
    }
    if let Some(m) = v.read_lock::<rhai::Map>() {
        return Dynamic::from_map(
            m.iter()
                .map(|(k, x)| (k.clone(), attach(x, file)))
                .collect(),
        );
    }
    v.clone()
}

/// [`semantics::Pass`]es as rhai maps: `at` (the call node), `attr`, `index`, `keyword` (`call` is
/// a reserved word in rhai).
fn passes(at: &NodeRef, passes: Vec<semantics::Pass<'_>>) -> Dynamic {
    Dynamic::from_array(
        passes
            .into_iter()
            .map(|p| {
                let mut m = rhai::Map::new();
                m.insert("at".into(), Dynamic::from(at.with(p.call)));
                m.insert("attr".into(), Dynamic::from(p.attr.to_string()));
                m.insert("index".into(), Dynamic::from(p.index));
                m.insert("keyword".into(), Dynamic::from(p.keyword.to_string()));
                Dynamic::from_map(m)
            })
            .collect(),
    )
}

/// A string or an array of strings, as a list (`None`: anything else, or an array holding
/// something that is not a string).
fn string_list(v: Dynamic) -> Option<Vec<String>> {
    if v.is_string() {
        return v.into_string().ok().map(|s| vec![s]);
    }
    let a = v.read_lock::<Array>()?;
    a.iter().map(|k| k.clone().into_string().ok()).collect()
}

fn callee(n: tree_sitter::Node<'_>) -> tree_sitter::Node<'_> {
    if matches!(n.kind_str(), "call" | "call_expression") {
        n.field("function").unwrap_or(n)
    } else {
        n
    }
}

/// A node's kind as a rhai string, shared: `node.kind` is the most read property of every
/// predicate, and a fresh string per read was a measurable share of the script time. The table
/// is per thread: a rhai string is reference-counted, and threads sharing one `"call"` would
/// contend on its counter at every read.
fn kind_string(lang: crate::lang::Language, node: tree_sitter::Node<'_>) -> rhai::ImmutableString {
    thread_local! {
        static TABLES: std::cell::RefCell<[Option<Vec<rhai::ImmutableString>>; 5]> =
            const { std::cell::RefCell::new([const { None }; 5]) };
    }
    TABLES.with(|t| {
        let mut t = t.borrow_mut();
        let table = t[lang as usize]
            .get_or_insert_with(|| lang.kind_names().iter().map(|&k| k.into()).collect());
        table
            .get(usize::from(crate::tree_walk::kind(node)))
            .cloned()
            .unwrap_or_else(|| node.kind().into())
    })
}

/// Registers the host API. Every function whose first parameter is a node takes it as
/// `&mut NodeRef`: rhai hands a variable's value to a native function by reference when the
/// function's first parameter is `&mut`, and copies it first otherwise (a node handle is boxed
/// twice in a rhai value, so a copy is two allocations and a reference count): about 11 M
/// instructions on prefect with every pack. The functions only read the node.
/// (`host_functions_take_nodes_from_any_variable` checks constants, loop variables and script
/// function parameters in both call styles.)
pub(super) fn register(e: &mut Engine) {
    e.register_type_with_name::<NodeRef>("Node");
    e.register_fn("to_string", |n: &mut NodeRef| n.text().to_string());
    e.register_fn("to_debug", |n: &mut NodeRef| format!("{n:?}"));
    e.register_get("kind", |n: &mut NodeRef| {
        kind_string(n.file().language, n.node())
    });
    // Straight into a rhai string: through a `String` first, a short text (most are) was
    // allocated on the heap and copied back inline at once.
    e.register_get("text", |n: &mut NodeRef| {
        rhai::ImmutableString::from(n.text())
    });
    // Tests on a node's text without copying it into a string first (`node.text` makes a new
    // string, which for a loop or a function is the whole of its source).
    e.register_fn("starts_with", |n: &mut NodeRef, prefix: &str| {
        n.text().starts_with(prefix)
    });
    e.register_fn("ends_with", |n: &mut NodeRef, suffix: &str| {
        n.text().ends_with(suffix)
    });
    e.register_get("is_named", |n: &mut NodeRef| n.node().is_named());
    e.register_get("line", |n: &mut NodeRef| {
        n.node().start_position().row as i64 + 1
    });
    e.register_get("column", |n: &mut NodeRef| {
        n.file().line_col(n.node().start_byte()).1 as i64
    });
    e.register_get("end_line", |n: &mut NodeRef| {
        n.node().end_position().row as i64 + 1
    });
    e.register_get("end_column", |n: &mut NodeRef| {
        n.file().line_col(n.node().end_byte()).1 as i64
    });
    e.register_get("start_byte", |n: &mut NodeRef| n.node().start_byte() as i64);
    e.register_get("end_byte", |n: &mut NodeRef| n.node().end_byte() as i64);
    e.register_get("parent", |n: &mut NodeRef| {
        // Through the engine's ancestor descent (a binary search over the module's statements
        // first) rather than tree-sitter's `parent()`, which scans from the root each time.
        let p = semantics::parent_of(n.file(), n.node()).map(|p| n.with(p));
        unit_or(p)
    });
    e.register_get("children", |n: &mut NodeRef| {
        n.file()
            .children_of(n.node(), false)
            .into_iter()
            .map(|k| Dynamic::from(n.with(k)))
            .collect::<Array>()
    });
    e.register_get("named_children", |n: &mut NodeRef| {
        n.file()
            .children_of(n.node(), true)
            .into_iter()
            .map(|k| Dynamic::from(n.with(k)))
            .collect::<Array>()
    });
    e.register_get("child_count", |n: &mut NodeRef| {
        n.node().child_count() as i64
    });
    e.register_get("next_sibling", |n: &mut NodeRef| {
        let s = n.node().next_named_sibling().map(|s| n.with(s));
        unit_or(s)
    });
    e.register_get("prev_sibling", |n: &mut NodeRef| {
        let s = n.node().prev_named_sibling().map(|s| n.with(s));
        unit_or(s)
    });
    e.register_get("has_error", |n: &mut NodeRef| n.node().has_error());
    e.register_fn("field", |n: &mut NodeRef, name: &str| {
        let f = n
            .file()
            .language
            .field_id(name)
            .and_then(|id| crate::tree_walk::child_by_field(n.node(), id.get()))
            .map(|f| n.with(f));
        unit_or(f)
    });
    e.register_fn("fields", |n: &mut NodeRef, name: &str| {
        let node = n.node();
        let mut c = node.walk();
        let kids: Vec<_> = match n.file().language.field_id(name) {
            Some(id) => node.children_by_field_id(id, &mut c).collect(),
            None => Vec::new(),
        };
        kids.into_iter()
            .map(|k| Dynamic::from(n.with(k)))
            .collect::<Array>()
    });
    e.register_fn("ancestors", |n: &mut NodeRef| {
        semantics::ancestors(n.file(), n.node())
            .into_iter()
            .map(|a| Dynamic::from(n.with(a)))
            .collect::<Array>()
    });
    e.register_fn(
        "descendants",
        |n: &mut NodeRef, kind: &str| -> Result<Array, Box<EvalAltResult>> {
            n.file().with_descendants(n.node(), kind, |nodes| {
                if nodes.len() > super::MAX_ARRAY_SIZE {
                    return Err(error(format!(
                        "descendants() exceeded {} nodes",
                        super::MAX_ARRAY_SIZE
                    )));
                }
                Ok(nodes.iter().map(|d| Dynamic::from(n.with(*d))).collect())
            })
        },
    );
    e.register_fn("same_as", |a: &mut NodeRef, b: NodeRef| {
        a.node().id() == b.node().id()
    });
    e.register_fn("==", |a: &mut NodeRef, b: NodeRef| {
        a.node().id() == b.node().id()
    });
    e.register_fn("!=", |a: &mut NodeRef, b: NodeRef| {
        a.node().id() != b.node().id()
    });

    e.register_type_with_name::<FileHandle>("File");
    e.register_get("path", |f: &mut FileHandle| f.0.path.to_string());
    e.register_get("language", |f: &mut FileHandle| {
        f.0.language.name().to_string()
    });
    e.register_get("source", |f: &mut FileHandle| f.0.source.to_string());
    e.register_fn("contains", |f: &mut FileHandle, needle: &str| {
        f.0.source.contains(needle)
    });
    e.register_get("imports", |f: &mut FileHandle| {
        semantics::imports(&f.0)
            .into_iter()
            .map(Dynamic::from)
            .collect::<Array>()
    });
    // `file.imports.some(|i| i == m || i.starts_with(m + "."))` without building the list
    // of imports as script strings and calling a closure on each, at every match.
    e.register_fn("imported", |f: &mut FileHandle, module: &str| {
        if semantics::imports_module(&f.0, module) {
            Dynamic::from(module.to_string())
        } else {
            Dynamic::UNIT
        }
    });
    e.register_fn(
        "imported",
        |f: &mut FileHandle, modules: Array| -> Result<Dynamic, Box<EvalAltResult>> {
            // Every entry is checked first, so that a mistake shows whatever the file imports.
            if let Some(m) = modules.iter().find(|m| !m.is_string()) {
                return Err(error(format!(
                    "file.imported([…]): `{m}` is a {}; give module names as strings",
                    m.type_name()
                )));
            }
            Ok(modules
                .into_iter()
                .find(|m| {
                    m.read_lock::<rhai::ImmutableString>()
                        .is_some_and(|name| semantics::imports_module(&f.0, &name))
                })
                .unwrap_or(Dynamic::UNIT))
        },
    );
    e.register_get("module_name", |f: &mut FileHandle| module_name(&f.0.path));
    // A whole-function analysis that several matches in one function need (its parameters, the
    // calls it makes) is computed once per function instead of once per match.
    e.register_fn("memo", |n: &mut NodeRef, key: &str| {
        let ns = super::pack_namespace();
        let kept = semantics::lock(&n.file().memo)
            .get(&(ns, n.node().id(), Box::from(key)))
            .cloned();
        match kept {
            None => Dynamic::UNIT,
            Some((v, false)) => v,
            Some((v, true)) => attach(&v, n.file()),
        }
    });
    e.register_fn(
        "memo",
        |n: &mut NodeRef, key: &str, value: Dynamic| -> Result<Dynamic, Box<EvalAltResult>> {
            let nodes = keepable(&value, n.file(), 0).map_err(|why| {
                error(format!(
                    "node.memo(\"{key}\", …): the value {why}; keep texts, numbers, nodes of this file, and arrays and maps of them"
                ))
            })?;
            let kept = if nodes {
                (detach(&value, n.file()), true)
            } else {
                (value.clone(), false)
            };
            let ns = super::pack_namespace();
            semantics::lock(&n.file().memo).insert((ns, n.node().id(), Box::from(key)), kept);
            Ok(value)
        },
    );
    e.register_fn("string_value", |n: &mut NodeRef| {
        match string_glob(n.file(), n.node()) {
            Some((s, false)) => Dynamic::from(s),
            _ => Dynamic::UNIT,
        }
    });
    e.register_fn("string_template", |n: &mut NodeRef| {
        match string_glob(n.file(), n.node()) {
            Some((s, _)) => Dynamic::from(s),
            None => Dynamic::UNIT,
        }
    });
    e.register_fn("sql_channels", |sql: &str| {
        crate::facts::sql::sql_channels(sql)
            .iter()
            .map(|c| crate::project::json_to_dynamic(&serde_json::to_value(c).unwrap_or_default()))
            .collect::<Array>()
    });
    e.register_fn("edit_distance", |a: &str, b: &str| {
        edit_distance(a, b) as i64
    });
    e.register_fn("glob_match", |p: &str, t: &str| glob_match(p, t));
    e.register_fn("qualified_name", |n: &mut NodeRef| {
        crate::callgraph::qualified_name(n.file(), n.node())
    });
    e.register_fn(
        "target_name",
        |n: &mut NodeRef| match crate::callgraph::target_name(n.file(), n.node()) {
            Some(t) => Dynamic::from(t),
            None => Dynamic::UNIT,
        },
    );
    e.register_fn("binding_name", |n: &mut NodeRef| {
        binding_name(n.file(), n.node()).map_or(Dynamic::UNIT, Dynamic::from)
    });
    e.register_fn("function_context", |name: &str| {
        let Some(x) = super::exec_context() else {
            return Dynamic::UNIT;
        };
        match x.function(None, name) {
            Some(f) => Dynamic::from_map(function_map(f)),
            None => Dynamic::UNIT,
        }
    });
    e.register_fn("callers", |name: &str| -> Array {
        super::exec_context()
            .map(|x| {
                x.callers(name)
                    .into_iter()
                    .map(|s| Dynamic::from(s.to_string()))
                    .collect()
            })
            .unwrap_or_default()
    });
    e.register_fn("callees", |name: &str| -> Array {
        super::exec_context()
            .map(|x| {
                x.callees(name)
                    .into_iter()
                    .map(|s| Dynamic::from(s.to_string()))
                    .collect()
            })
            .unwrap_or_default()
    });
    e.register_fn(
        "literal_value",
        |n: &mut NodeRef| match semantics::literal(n.file(), n.node()) {
            Some(semantics::Literal::Bool(b)) => Dynamic::from(b),
            Some(semantics::Literal::Int(i)) => Dynamic::from(i),
            Some(semantics::Literal::Float(f)) => Dynamic::from(f),
            Some(semantics::Literal::Str(s)) => Dynamic::from(s),
            Some(semantics::Literal::Null) | None => Dynamic::UNIT,
        },
    );
    e.register_fn("is_literal", |n: &mut NodeRef| {
        semantics::literal(n.file(), n.node()).is_some()
    });
    e.register_fn("call_args", |n: &mut NodeRef| {
        let a = semantics::call_args(n.file(), n.node());
        let nodes = |v: Vec<tree_sitter::Node<'_>>| {
            Dynamic::from_array(v.into_iter().map(|x| Dynamic::from(n.with(x))).collect())
        };
        let mut keywords = rhai::Map::new();
        for (name, v) in a.keywords {
            keywords.insert(name.into(), Dynamic::from(n.with(v)));
        }
        let mut m = rhai::Map::new();
        m.insert("positional".into(), nodes(a.positional));
        m.insert("keywords".into(), Dynamic::from_map(keywords));
        m.insert("list_splats".into(), nodes(a.list_splats));
        m.insert("dict_splats".into(), nodes(a.dict_splats));
        m
    });
    e.register_fn("method_chain", |n: &mut NodeRef| {
        let c = semantics::method_chain(n.file(), n.node());
        let mut m = rhai::Map::new();
        m.insert(
            "methods".into(),
            Dynamic::from_array(
                c.methods
                    .into_iter()
                    .map(|s| Dynamic::from(s.to_string()))
                    .collect(),
            ),
        );
        m.insert(
            "calls".into(),
            Dynamic::from_array(
                c.calls
                    .into_iter()
                    .map(|x| Dynamic::from(n.with(x)))
                    .collect(),
            ),
        );
        m.insert("end".into(), Dynamic::from(n.with(c.end)));
        m
    });
    e.register_fn("with_binding", |n: &mut NodeRef, name: &str| {
        let item = semantics::with_binding(n.file(), n.node(), name).map(|i| n.with(i));
        unit_or(item)
    });
    e.register_fn("param_annotation", |f: &mut NodeRef, name: &str| {
        let t = semantics::param_annotation(f.file(), f.node(), name).map(|t| f.with(t));
        unit_or(t)
    });
    e.register_fn("value_uses", |f: &mut NodeRef, site: NodeRef| {
        let u = semantics::value_uses(f.file(), f.node(), site.node());
        let mut m = rhai::Map::new();
        m.insert("bound".into(), unit_or(u.bound.map(|b| f.with(b))));
        m.insert(
            "fields".into(),
            Dynamic::from_array(
                u.fields
                    .iter()
                    .map(|s| Dynamic::from(s.to_string()))
                    .collect(),
            ),
        );
        m.insert("whole".into(), Dynamic::from(u.whole));
        m.insert("mutated".into(), Dynamic::from(u.mutated));
        m.insert("returned".into(), Dynamic::from(u.returned));
        m.insert("passes".into(), passes(f, u.passes));
        m
    });
    e.register_fn("name_uses", |f: &mut NodeRef, name: NodeRef, after: i64| {
        let after = usize::try_from(after).unwrap_or(0);
        let u = semantics::name_uses(f.file(), f.node(), name.node(), after);
        let mut m = rhai::Map::new();
        m.insert("uses".into(), Dynamic::from(u.uses));
        m.insert(
            "assigns".into(),
            Dynamic::from_array(u.assigns.into_iter().map(Dynamic::from).collect()),
        );
        m.insert("passes".into(), passes(f, u.passes));
        m
    });
    e.register_fn("param_names", |f: &mut NodeRef| {
        semantics::param_names(f.file(), f.node())
            .into_iter()
            .map(|s| Dynamic::from(s.to_string()))
            .collect::<Array>()
    });
    e.register_fn("arg_texts", |c: &mut NodeRef, max: i64| {
        let max = usize::try_from(max).unwrap_or(0);
        let a = semantics::arg_texts(c.file(), c.node(), max);
        let texts = |v: Vec<&str>| {
            Dynamic::from_array(
                v.into_iter()
                    .map(|s| Dynamic::from(s.to_string()))
                    .collect(),
            )
        };
        let mut keywords = rhai::Map::new();
        for (k, v) in a.keywords {
            keywords.insert(k.into(), Dynamic::from(v.to_string()));
        }
        let mut m = rhai::Map::new();
        m.insert("all".into(), texts(a.all));
        m.insert("positional".into(), texts(a.positional));
        m.insert("keywords".into(), Dynamic::from_map(keywords));
        m
    });
    // The last dotted segment of a name (`sqlalchemy.orm.Session` -> `Session`; the name itself
    // when it has no dot): packs split names and took the last part, an array per call.
    e.register_fn("last_segment", |name: &str| -> rhai::ImmutableString {
        name.rsplit('.').next().unwrap_or(name).into()
    });
    // Where a chain of calls and member accesses starts, and the first call of a method chain.
    e.register_fn("chain_start", |n: &mut NodeRef| {
        n.with(semantics::chain_start(n.file(), n.node()))
    });
    e.register_fn("first_call", |n: &mut NodeRef| {
        n.with(semantics::first_call(n.file(), n.node()))
    });
    // The arguments of a call that name a parameter of the function the call is in.
    e.register_fn("param_args", |c: &mut NodeRef| {
        let file = c.file();
        let Some(func) = semantics::enclosing_function(file, c.node()) else {
            return Array::new();
        };
        semantics::param_args(file, c.node(), func)
            .into_iter()
            .map(|a| {
                let mut m = rhai::Map::new();
                m.insert("node".into(), Dynamic::from(c.with(a.node)));
                m.insert("keyword".into(), Dynamic::from(a.keyword.to_string()));
                m.insert("index".into(), Dynamic::from(a.index));
                Dynamic::from_map(m)
            })
            .collect::<Array>()
    });
    e.register_fn("calls_around", |n: &mut NodeRef| {
        semantics::calls_around(n.file(), n.node())
            .into_iter()
            .map(|c| Dynamic::from(n.with(c)))
            .collect::<Array>()
    });
    e.register_fn(
        "calls_named",
        |n: &mut NodeRef, names: Dynamic| -> Result<Array, Box<EvalAltResult>> {
            let names = string_list(names).ok_or_else(|| {
                error(
                    "calls_named(node, names): names is a name or an array of names (strings)"
                        .into(),
                )
            })?;
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            Ok(semantics::calls_named(n.file(), n.node(), &names)
                .into_iter()
                .map(|c| Dynamic::from(n.with(c)))
                .collect())
        },
    );
    e.register_fn(
        "ancestors_within",
        |n: &mut NodeRef, stop: NodeRef, kinds: Dynamic| -> Result<Array, Box<EvalAltResult>> {
            let kinds = string_list(kinds).ok_or_else(|| {
                error(
                    "ancestors_within(node, stop, kinds): kinds is a kind name or an array of them (strings)"
                        .into(),
                )
            })?;
            let kinds: Vec<&str> = kinds.iter().map(String::as_str).collect();
            Ok(
                semantics::ancestors_within(n.file(), n.node(), stop.node(), &kinds)
                    .into_iter()
                    .map(|a| Dynamic::from(n.with(a)))
                    .collect(),
            )
        },
    );
    e.register_fn("assignment_target", |n: &mut NodeRef| {
        let t = semantics::assignment_target(n.node()).map(|t| n.with(t));
        unit_or(t)
    });
    e.register_fn("parse_dsn", |text: &str| {
        match crate::facts::dsn::parse(text) {
            Some(d) => {
                let mut v = serde_json::to_value(&d).unwrap_or_default();
                if let Some(m) = v.as_object_mut() {
                    let params: serde_json::Map<String, serde_json::Value> = d
                        .params
                        .iter()
                        .map(|(k, v)| (k.clone(), v.clone().into()))
                        .collect();
                    m.insert("params".into(), params.into());
                }
                crate::project::json_to_dynamic(&v)
            }
            None => Dynamic::UNIT,
        }
    });
    e.register_fn("assigned_value", |n: &mut NodeRef| {
        let v = semantics::assigned_value(n.file(), n.node()).map(|v| n.with(v));
        unit_or(v)
    });
    e.register_fn("receiver_kind", |n: &mut NodeRef| {
        semantics::receiver::receiver_kind(n.file(), n.node()).to_string()
    });
    e.register_fn(
        "db_op",
        |n: &mut NodeRef| match semantics::receiver::db_op(n.file(), n.node()) {
            Some(op) => {
                let mut m = rhai::Map::new();
                m.insert("kind".into(), Dynamic::from(op.kind.to_string()));
                m.insert("op".into(), Dynamic::from(op.op));
                m.insert("method".into(), Dynamic::from(op.method));
                m.insert("receiver".into(), Dynamic::from(n.with(op.receiver)));
                Dynamic::from_map(m)
            }
            None => Dynamic::UNIT,
        },
    );
    e.register_fn(
        "tx_span",
        |n: &mut NodeRef| match semantics::span::tx_span(n.file(), n.node()) {
            Some(s) => Dynamic::from_map(span_map(n, &s)),
            None => Dynamic::UNIT,
        },
    );
    e.register_fn("tx_spans", |f: &mut NodeRef| {
        semantics::span::tx_spans(f.file(), f.node())
            .iter()
            .map(|s| Dynamic::from_map(span_map(f, s)))
            .collect::<Array>()
    });
    e.register_fn("sql_verb", |n: &mut NodeRef| {
        semantics::receiver::sql_verb(n.file(), n.node())
    });
    e.register_fn("line", |f: &mut FileHandle, n: i64| {
        f.0.line_text(n.max(1) as usize).to_string()
    });
    e.register_fn("code_lines", |f: &mut FileHandle, from: i64, to: i64| {
        f.0.code_lines(from.max(1) as usize, to.max(0) as usize) as i64
    });

    e.register_fn("resolve", |n: &mut NodeRef| {
        semantics::resolve(n.file(), n.node())
    });
    e.register_fn("in_vocab", |name: &str, vocab: &str| {
        with_named_vocab(vocab, |voc| voc.contains(name))
    });
    e.register_fn("resolves_to", |n: &mut NodeRef, vocab: &str| {
        with_named_vocab(vocab, |voc| {
            crate::query::custom::resolves_into(n.file(), callee(n.node()), voc, None)
        })
    });
    // The calls below a node whose callee resolves into one of the vocabularies, in document
    // order; with `own`, only those of the node's own function (not of a function or lambda
    // nested in it). One host call instead of a script loop over every call of a body: the
    // loop cost the fastapi and sqlalchemy analyses about 10 k instructions a call.
    e.register_fn(
        "calls_to",
        |n: &mut NodeRef, vocabs: Dynamic, own: bool| -> Result<Array, Box<EvalAltResult>> {
            let names: Vec<String> = if vocabs.is_string() {
                vec![vocabs.into_string().unwrap_or_default()]
            } else if vocabs.is_array() {
                let mut names = Vec::new();
                for v in vocabs.into_array().unwrap_or_default() {
                    match v.into_string() {
                        Ok(name) => names.push(name),
                        Err(t) => {
                            return Err(error(format!(
                                "calls_to(node, vocabularies, own): a vocabulary name is a string, not {t}"
                            )))
                        }
                    }
                }
                names
            } else {
                return Err(error(
                    "calls_to(node, vocabularies, own): give a vocabulary name or an array of them"
                        .into(),
                ));
            };
            let file = n.file();
            let lang = file.language;
            let call_kind = if lang == crate::lang::Language::Python {
                "call"
            } else {
                "call_expression"
            };
            // The node's own function, looked up only for `own`.
            let home = own.then(|| {
                if semantics::is_function(lang, n.node()) {
                    Some(n.node())
                } else {
                    semantics::enclosing_function(file, n.node())
                }
            });
            super::with_vocab(|v| {
                let mut vocs = Vec::new();
                for name in &names {
                    match v.and_then(|v| v.get(name.as_str())) {
                        Some(voc) => vocs.push(voc),
                        None => {
                            return Err(error(format!(
                                "vocabulary `{name}` is not defined by this detector's pack"
                            )))
                        }
                    }
                }
                file.with_descendants(n.node(), call_kind, |calls| {
                    let mut out = Array::new();
                    for &c in calls {
                        let target = callee(c);
                        if !vocs
                            .iter()
                            .any(|voc| crate::query::custom::resolves_into(file, target, voc, None))
                        {
                            continue;
                        }
                        if home.is_some_and(|h| {
                            semantics::enclosing_function(file, c).map(|f| f.id())
                                != h.map(|h| h.id())
                        }) {
                            continue;
                        }
                        out.push(Dynamic::from(n.with(c)));
                    }
                    Ok(out)
                })
            })
        },
    );
    e.register_fn("enclosing_fn", |n: &mut NodeRef| {
        let f = semantics::enclosing_function(n.file(), n.node()).map(|f| n.with(f));
        unit_or(f)
    });
    e.register_fn("is_async", |f: &mut NodeRef| {
        semantics::is_async(f.file().language, f.node())
    });
    e.register_fn("in_async_fn", |n: &mut NodeRef| {
        semantics::in_async_function(n.file(), n.node())
    });
    e.register_fn("fn_name", |f: &mut NodeRef| {
        semantics::definition_name(f.file(), f.node())
            .unwrap_or("")
            .to_string()
    });
    e.register_fn("decorators", |f: &mut NodeRef| {
        semantics::decorators(f.file(), f.node())
            .into_iter()
            .map(Dynamic::from)
            .collect::<Array>()
    });
    e.register_fn("enclosing_loop", |n: &mut NodeRef| {
        let l = semantics::enclosing_loop(n.file(), n.node()).map(|l| n.with(l));
        unit_or(l)
    });
    e.register_fn("in_loop", |n: &mut NodeRef| {
        semantics::enclosing_loop(n.file(), n.node()).is_some()
    });
    e.register_fn("iterable_size", |l: &mut NodeRef| {
        semantics::iterable_size(l.file(), l.node()).unwrap_or(-1)
    });
    e.register_fn(
        "in_call_arg_of",
        |n: &mut NodeRef, vocab: &str| -> Result<bool, Box<EvalAltResult>> {
            super::with_vocab(|v| match v.and_then(|v| v.get(vocab)) {
                Some(voc) => Ok(semantics::in_call_argument(n.file(), n.node(), |q| {
                    voc.contains(q)
                })),
                None => Err(error(format!(
                    "vocabulary `{vocab}` is not defined by this detector's pack"
                ))),
            })
        },
    );
    e.register_fn("is_module_level", |n: &mut NodeRef| {
        semantics::enclosing_function(n.file(), n.node()).is_none()
    });
    e.register_fn("enclosing_symbol", |n: &mut NodeRef| {
        semantics::enclosing_symbol(n.file(), n.node())
    });
    e.register_fn(
        "uses_of",
        |scope: &mut NodeRef, name: &str| -> Result<Array, Box<EvalAltResult>> {
            let file = scope.file();
            let lang = file.language;
            let is_ident = |n: tree_sitter::Node<'_>| semantics::is_name_use(lang, n);
            // Every identifier of the scope, listed once per scope and file (predicates ask
            // for several names in the same function, at every match inside it).
            file.with_identifiers(scope.node(), name, is_ident, |found| {
                if found.len() > super::MAX_ARRAY_SIZE {
                    return Err(error("uses_of() exceeded the array size limit".into()));
                }
                Ok(found
                    .iter()
                    .map(|n| Dynamic::from(scope.with(*n)))
                    .collect::<Array>())
            })
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `last_segment` is what the packs' `split(".")` and last part gave.
    #[test]
    fn last_segment_of_names() {
        let e = crate::script::engine();
        for (name, want) in [
            ("sqlalchemy.orm.Session", "Session"),
            ("Session", "Session"),
            ("a.b.", ""),
            ("", ""),
            ("self.db", "db"),
        ] {
            let got: String = e
                .eval(&format!("last_segment(\"{name}\")"))
                .expect("evaluates");
            assert_eq!(got, want, "{name}");
        }
    }

    #[test]
    fn globs_and_distances() {
        assert!(glob_match("job_events:*", "job_events:42"));
        assert!(glob_match("h?llo", "hello"));
        assert!(glob_match("h[ae]llo", "hallo"));
        assert!(!glob_match("h[^e]llo", "hello"));
        assert!(glob_match("a\\*b", "a*b"));
        assert!(!glob_match("a\\*b", "axb"));
        assert_eq!(edit_distance("job_events", "job_event"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(module_name("app/events.py"), "app.events");
        assert_eq!(module_name("app/__init__.py"), "app");
    }

    fn glob_of(lang: crate::lang::Language, src: &str, kind: &str) -> Option<(String, bool)> {
        let tree = crate::engine::parse(lang, src).unwrap();
        let file = FileCtx::new("x".into(), lang, src.into(), tree);
        let root = file.tree.root_node();
        let mut stack = vec![root];
        while let Some(n) = stack.pop() {
            if n.kind_str() == kind {
                return string_glob(&file, n);
            }
            stack.extend(
                file.named_children(n)
                    .into_iter()
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev(),
            );
        }
        None
    }

    #[test]
    fn string_literals_decode_escapes_but_raw_strings_do_not() {
        use crate::lang::Language::{Go, JavaScript, Python};
        let s = |v: &str| Some((v.to_string(), false));
        assert_eq!(
            glob_of(Python, r#"a = "LISTEN \"Jobs\"""#, "string"),
            s(r#"LISTEN "Jobs""#)
        );
        assert_eq!(glob_of(Python, r#"a = r"x\"y""#, "string"), s(r#"x\"y"#));
        assert_eq!(
            glob_of(Python, r#"a = f"NOTIFY {CH}\t""#, "string"),
            Some(("NOTIFY *\t".to_string(), true))
        );
        assert_eq!(
            glob_of(Python, r#"a = "caf\u00e9\x21""#, "string"),
            s("café!")
        );
        assert_eq!(
            glob_of(JavaScript, r#"a = "LISTEN \"J\"";"#, "string"),
            s(r#"LISTEN "J""#)
        );
        assert_eq!(
            glob_of(JavaScript, "a = `x\\`${y}`;", "template_string"),
            Some(("x`*".to_string(), true))
        );
        assert_eq!(
            glob_of(
                Go,
                "package m\nvar a = \"LISTEN \\\"J\\\"\"\n",
                "interpreted_string_literal"
            ),
            s(r#"LISTEN "J""#)
        );
        assert_eq!(
            glob_of(Go, "package m\nvar a = `x\\n`\n", "raw_string_literal"),
            s(r"x\n")
        );
        assert_eq!(
            glob_of(
                Go,
                "package m\nvar a = \"\\101\"\n",
                "interpreted_string_literal"
            ),
            s("A")
        );
    }
}
