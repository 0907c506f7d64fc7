//! Packs: loading (text -> [`raw`] types), validation and compilation (raw -> [`Pack`]).
//!
//! A pack is a directory: `pack.toml` (metadata, vocabularies, checks, detectors), optionally more
//! `*.toml` files with vocabularies, checks and detectors, and the `.scm` queries and `.rhai`
//! predicates they name. Loading never stops at the first problem: every error of the pack is
//! collected and returned together, each pointing into the file that caused it.

pub mod raw;
mod source;

pub use source::{DirSource, EmbeddedSource, PackSource};

use crate::catalog::{self, Catalog, Check, Reference};
use crate::error::{PackError, PackErrorKind, PackErrors, SourceFile, Span};
use crate::model::{Language, Severity};
use crate::query::custom::{self, CustomPredicate};
use crate::script::{self, Predicate};
use crate::semantics::receiver::{ReceiverDecl, SpanDecl, OP_CLASSES};
use crate::vocab::{Vocabularies, Vocabulary};
use raw::{EnabledBy, RawDetector, RawExtractor, RawPackFile, RawProjectDetector};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use toml::Spanned;

/// Pack metadata, compiled.
#[derive(Debug, Clone)]
pub struct PackMeta {
    pub name: String,
    pub version: String,
    pub languages: Vec<Language>,
    pub description: String,
    pub enabled_by: EnabledBy,
    pub requires: Vec<String>,
    pub references: Vec<Reference>,
    /// Compiled predicate library, merged into every predicate of the pack.
    pub(crate) lib: Option<rhai::AST>,
    /// Whether the library calls the call-graph host functions of project predicates.
    pub(crate) lib_uses_call_graph: bool,
    /// Whether the library calls `callers` or `callees` (the call edges themselves).
    pub(crate) lib_uses_call_edges: bool,
    /// Where it was loaded from (`packs/asyncio`, or a user's directory).
    pub origin: String,
}

/// A compiled pack: its detectors are ready to run.
#[derive(Debug)]
pub struct Pack {
    pub meta: PackMeta,
    pub checks: Vec<Check>,
    pub detectors: Vec<Arc<Detector>>,
    /// Fact extractors: compiled like detectors, with [`Role::Extract`].
    pub extractors: Vec<Arc<Detector>>,
    pub project_detectors: Vec<Arc<ProjectDetector>>,
    pub vocab: Arc<Vocabularies>,
    /// `[[receiver]]` kinds (P2), in file order.
    pub receivers: Vec<ReceiverDecl>,
    /// `[[span]]` declarations (P5), in file order.
    pub spans: Vec<SpanDecl>,
}

/// What a compiled query-and-predicate unit produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// Findings of its check.
    Detect,
    /// Records of a project fact.
    Extract { fact: String },
}

/// Whether a script calls the host functions that need the project's call graph.
fn uses_call_graph(text: &str) -> bool {
    text.contains("function_context(") || uses_call_edges(text)
}

/// Whether a script calls the host functions that read call edges between functions.
/// `function_context` alone does not: without an `entrypoints` extractor no context depends on
/// an edge other than those from `if __name__ == "__main__":` (see
/// [`crate::engine::Engine`]'s `index_calls`).
fn uses_call_edges(text: &str) -> bool {
    text.contains("callers(") || text.contains("callees(")
}

/// A compiled `[[project_detector]]`.
#[derive(Debug)]
pub struct ProjectDetector {
    pub pack: Arc<str>,
    pub name: String,
    pub check: Arc<Check>,
    pub script: script::ProjectScript,
    pub message: String,
    pub recommendation: String,
    pub severity: Severity,
    pub vocab: Arc<Vocabularies>,
    /// Whether its predicate (or the pack's library) asks for execution contexts or call
    /// edges: the engine then indexes functions while it walks the files.
    pub uses_call_graph: bool,
    /// Whether it asks for call edges (`callers`, `callees`): the engine then indexes every
    /// call between functions, not only those an execution context depends on.
    pub uses_call_edges: bool,
}

impl ProjectDetector {
    /// `<pack>/<name>`, as shown in output.
    pub fn qualified_name(&self) -> String {
        format!("{}/{}", self.pack, self.name)
    }
}

/// Where a compiled piece of text sits in its pack file, for mapping positions back.
#[derive(Debug, Clone)]
pub struct Origin {
    pub file: SourceFile,
    /// Byte offset of the text's first character in `file`.
    pub base: usize,
}

impl Origin {
    /// The file offset of a byte offset inside the compiled text.
    pub fn offset(&self, inner: usize) -> usize {
        self.base + inner
    }

    /// The file offset of a 1-based (line, column) inside the compiled text.
    pub fn offset_of_line_col(&self, text: &str, line: usize, col: usize) -> usize {
        let mut off = 0;
        for (i, l) in text.split_inclusive('\n').enumerate() {
            if i + 1 == line {
                let col_bytes: usize = l
                    .chars()
                    .take(col.saturating_sub(1))
                    .map(char::len_utf8)
                    .sum();
                return self.base + off + col_bytes;
            }
            off += l.len();
        }
        self.base + text.len()
    }

    /// `file:line:col` of an inner 1-based (line, column).
    pub fn describe(&self, text: &str, line: usize, col: usize) -> String {
        let off = self.offset_of_line_col(text, line, col);
        let (l, c) = self.file.line_col(off);
        format!("{}:{l}:{c}", self.file.name)
    }
}

/// A compiled detector.
#[derive(Debug)]
pub struct Detector {
    /// The pack it belongs to.
    pub pack: Arc<str>,
    /// Its name within the pack.
    pub name: String,
    pub check: Arc<Check>,
    pub language: Language,
    /// The query text (compiled again, merged with the other detectors of its language, by the
    /// engine).
    pub query: String,
    pub query_origin: Origin,
    /// Capture names of the query, in query order.
    pub captures: Vec<String>,
    /// Engine-evaluated query predicates (`#vocab?` ...), per pattern of this detector's query.
    pub(crate) custom: Vec<Vec<CustomPredicate>>,
    pub predicate: Option<Predicate>,
    pub message: String,
    pub recommendation: String,
    pub severity: Severity,
    /// The capture reported as the finding's location (`None`: the widest capture).
    pub report: Option<String>,
    pub vocab: Arc<Vocabularies>,
    pub role: Role,
    /// Repo-relative path globs the unit is limited to (extractors' `paths`).
    pub paths: Option<globset::GlobSet>,
    /// The globs of `paths`, as written.
    pub(crate) paths_src: Vec<String>,
    /// `file_contains`: a file must contain one of these words (ASCII case ignored) for the unit
    /// to run on it.
    pub file_contains: Option<Arc<FileWords>>,
    /// Byte offset in `query` where each pattern starts. The query's syntax decides them, not a
    /// grammar, so the engine splits the query for every grammar without compiling it again.
    pub(crate) pattern_starts: Vec<usize>,
    /// Severity by execution context, settled after the project phase.
    pub severity_by_context: Option<crate::exec_context::SeverityByContext>,
    /// An extractor that also reads migration files (`migrations`, default: it has `paths`).
    pub reads_migrations: bool,
}

impl Detector {
    /// `<pack>/<name>`, as shown in output.
    pub fn qualified_name(&self) -> String {
        format!("{}/{}", self.pack, self.name)
    }

    /// Whether the unit runs on this file at all: its `paths` (extractors) admit the path and
    /// its `file_contains` words occur in the text. `lower` is the text in ASCII lower case,
    /// made once per file by the caller when some unit needs it.
    pub fn admits(&self, path: &str, lower: impl FnOnce() -> bool) -> bool {
        self.paths.as_ref().is_none_or(|p| p.is_match(path))
            && (self.file_contains.is_none() || lower())
    }

    /// What decides [`Detector::admits`], as text: units with the same key are admitted by the
    /// same files (`None`: every file).
    pub(crate) fn filter_key(&self) -> Option<String> {
        if self.paths.is_none() && self.file_contains.is_none() {
            return None;
        }
        Some(format!(
            "{:?}|{:?}",
            self.paths_src,
            self.file_contains.as_ref().map(|w| &w.words)
        ))
    }
}

/// The words of `file_contains`, searched for with ASCII case ignored (all units' words of a
/// language in one scan per file: the engine's `PlanWords`).
#[derive(Debug)]
pub struct FileWords {
    /// The words as written.
    pub words: Vec<String>,
}

impl FileWords {
    fn new(words: &[String]) -> FileWords {
        FileWords {
            words: words.to_vec(),
        }
    }
}

struct LoadedFile {
    file: SourceFile,
    raw: RawPackFile,
}

/// Queries compiled by one `load`, by (language, text): detectors and extractors that share
/// one query text (so that the engine matches it once) also compile it once, on whichever
/// thread reaches it first.
type QueryCache = std::sync::Mutex<
    HashMap<(Language, String), Arc<std::sync::OnceLock<Option<Arc<tree_sitter::Query>>>>>,
>;

/// Compiles a query, or takes the one this `load` already compiled from the same text.
fn compile_query(
    queries: &QueryCache,
    lang: Language,
    text: &str,
) -> Result<Arc<tree_sitter::Query>, tree_sitter::QueryError> {
    let slot = Arc::clone(
        queries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry((lang, text.to_string()))
            .or_default(),
    );
    let mut error = None;
    let compiled = slot.get_or_init(|| match tree_sitter::Query::new(&lang.grammar(), text) {
        Ok(q) => Some(Arc::new(q)),
        Err(e) => {
            error = Some(e);
            None
        }
    });
    match (compiled, error) {
        (Some(q), _) => Ok(Arc::clone(q)),
        (None, Some(e)) => Err(e),
        // Another detector with this text failed first: compile again for the error.
        (None, None) => tree_sitter::Query::new(&lang.grammar(), text).map(Arc::new),
    }
}

/// What every detector, extractor and project detector of one pack is compiled against.
struct PackCtx<'a> {
    source: &'a dyn PackSource,
    label: &'a str,
    pack: &'a Arc<str>,
    meta: &'a PackMeta,
    /// The catalogue with the pack's own checks.
    catalog: &'a Catalog,
    vocab: &'a Arc<Vocabularies>,
    /// Checks of this pack that failed validation: detectors naming them get no second error.
    invalid_checks: &'a BTreeSet<String>,
    queries: &'a QueryCache,
}

/// Loads and compiles a pack. `catalog` supplies the checks its detectors may implement; checks
/// the pack defines itself are added to the returned pack (and must be added to the engine's
/// catalogue by the caller, which [`crate::EngineBuilder`] does).
pub fn load(source: &dyn PackSource, catalog: &Catalog) -> Result<Pack, PackErrors> {
    let label = source.label();
    let mut errors: Vec<PackError> = Vec::new();
    let mut files: Vec<LoadedFile> = Vec::new();

    for name in source.toml_files() {
        let display = format!("{label}/{name}");
        let text = match source.read(&name) {
            Ok(t) => t,
            Err(e) => {
                let f = SourceFile::new(&display, "");
                errors.push(
                    PackError::new(
                        &f,
                        Span::default(),
                        e,
                        "a pack directory holds a `pack.toml`; check the path given to --pack",
                    )
                    .with_kind(PackErrorKind::Io),
                );
                continue;
            }
        };
        let file = SourceFile::new(&display, &text);
        match toml::from_str::<RawPackFile>(&text) {
            Ok(raw) => files.push(LoadedFile { file, raw }),
            Err(e) => errors.push(PackError::toml(&file, &e)),
        }
    }

    let pack_name = files
        .first()
        .and_then(|f| f.raw.pack.as_ref())
        .map(|m| m.name.get_ref().clone())
        .unwrap_or_else(|| label.rsplit('/').next().unwrap_or(&label).to_string());
    let fail = |errors: Vec<PackError>| PackErrors {
        pack: pack_name.clone(),
        errors,
    };

    // Metadata: exactly in pack.toml.
    let mut meta = None;
    for (i, f) in files.iter().enumerate() {
        match (&f.raw.pack, i) {
            (Some(m), 0) => {
                let mut compiled = compile_meta(m, &f.file, &label, &mut errors);
                compiled.lib = compile_lib(m, &f.file, source, &label, &mut errors);
                let lib_text = m
                    .predicate_lib
                    .as_ref()
                    .and_then(|p| source.read(p.get_ref()).ok());
                compiled.lib_uses_call_graph = lib_text.as_deref().is_some_and(uses_call_graph);
                compiled.lib_uses_call_edges = lib_text.as_deref().is_some_and(uses_call_edges);
                meta = Some(compiled);
            }
            (Some(m), _) => errors.push(PackError::new(
                &f.file,
                Span::from(m.name.span()),
                "`[pack]` may only appear in pack.toml",
                "move the metadata to pack.toml; other files hold vocabularies and detectors",
            )),
            (None, 0) if f.file.name.ends_with("pack.toml") => errors.push(PackError::new(
                &f.file,
                Span::default(),
                "pack.toml has no `[pack]` table",
                "start the file with `[pack]` and `name`, `version`, `languages`, `description`",
            )),
            _ => {}
        }
    }
    let Some(meta) = meta else {
        if errors.is_empty() {
            errors.push(PackError::new(
                &SourceFile::new(&format!("{label}/pack.toml"), ""),
                Span::default(),
                "no pack.toml found",
                "a pack directory holds a `pack.toml`",
            ));
        }
        return Err(fail(errors));
    };

    // Vocabularies.
    let mut vocab = Vocabularies::default();
    let mut vocab_seen: BTreeMap<String, String> = BTreeMap::new();
    for f in &files {
        for (name, entries) in &f.raw.vocab {
            if let Some(prev) = vocab_seen.insert(name.clone(), f.file.name.to_string()) {
                errors.push(PackError::new(
                    &f.file,
                    Span::from(entries.span()),
                    format!("vocabulary `{name}` is defined twice (also in {prev})"),
                    "merge the two lists",
                ));
                continue;
            }
            match Vocabulary::new(entries.get_ref()) {
                Ok(v) => vocab.insert(name.clone(), v),
                Err(e) => errors.push(PackError::new(
                    &f.file,
                    Span::from(entries.span()),
                    format!("vocabulary `{name}`: {e}"),
                    "entries are dotted names; `*` matches within a segment, a final `.*` one more segment, `.**` any tail, a leading `*.` any receiver",
                )),
            }
        }
    }
    let vocab = Arc::new(vocab);

    let (receivers, spans) = compile_tx(&files, &meta.name, &mut errors);

    // The pack's own checks join the catalogue for this pack's detectors.
    let mut local_catalog = catalog.clone();
    let mut checks = Vec::new();
    // Checks of this pack that failed validation: detectors naming them get no second error.
    let mut invalid_checks = BTreeSet::new();
    for f in &files {
        for check in &f.raw.check {
            if let Some(e) = catalog::validate(check, &f.file) {
                errors.push(e);
                invalid_checks.insert(check.id.clone());
            } else if local_catalog.contains(&check.id) {
                errors.push(PackError::new(
                    &f.file,
                    catalog::find_span(&f.file.text, &check.id),
                    format!("check `{}` is already defined", check.id),
                    "implement the existing check with a detector, or pick a new id (`<team>.<category>.<name>`)",
                ));
            } else {
                local_catalog.insert(check.clone());
                checks.push(check.clone());
            }
        }
    }

    // Detectors and extractors (compiled like detectors, with a stand-in check per fact). Their
    // queries are compiled in parallel: tree-sitter analyses each pattern against the whole
    // grammar, which is most of the time it takes to build an engine. Names are checked in
    // file order first, so errors come out in the same order however the work is shared.
    let pack_arc: Arc<str> = meta.name.as_str().into();
    enum Item<'a> {
        Duplicate(PackError),
        Detector(&'a RawDetector, &'a SourceFile),
        Extractor(&'a RawExtractor, &'a SourceFile),
    }
    let mut items = Vec::new();
    let mut names = BTreeSet::new();
    for f in &files {
        for d in &f.raw.detector {
            let mut dup = Vec::new();
            if unique_name(&mut names, "detector", &d.name, &f.file, &mut dup) {
                items.push(Item::Detector(d, &f.file));
            }
            items.extend(dup.into_iter().map(Item::Duplicate));
        }
    }
    let mut extractor_names = BTreeSet::new();
    for f in &files {
        for e in &f.raw.extractor {
            let mut dup = Vec::new();
            if unique_name(
                &mut extractor_names,
                "extractor",
                &e.name,
                &f.file,
                &mut dup,
            ) {
                items.push(Item::Extractor(e, &f.file));
            }
            items.extend(dup.into_iter().map(Item::Duplicate));
        }
    }
    let queries = QueryCache::default();
    let cx = PackCtx {
        source,
        label: &label,
        pack: &pack_arc,
        meta: &meta,
        catalog: &local_catalog,
        vocab: &vocab,
        invalid_checks: &invalid_checks,
        queries: &queries,
    };
    enum Compiled {
        Detector(Detector),
        Extractor(Detector),
    }
    let compiled: Vec<(Option<Compiled>, Vec<PackError>)> = {
        use rayon::prelude::*;
        items
            .into_par_iter()
            .map(|item| {
                let mut errs = Vec::new();
                let det = match item {
                    Item::Duplicate(e) => {
                        errs.push(e);
                        None
                    }
                    Item::Detector(d, file) => {
                        compile_detector(d, file, &cx, &mut errs, Role::Detect)
                            .map(Compiled::Detector)
                    }
                    Item::Extractor(e, file) => {
                        compile_extractor(e, file, &cx, &mut errs).map(Compiled::Extractor)
                    }
                };
                (det, errs)
            })
            .collect()
    };
    let mut detectors = Vec::new();
    let mut extractors = Vec::new();
    for (det, errs) in compiled {
        errors.extend(errs);
        match det {
            Some(Compiled::Detector(d)) => detectors.push(Arc::new(d)),
            Some(Compiled::Extractor(d)) => extractors.push(Arc::new(d)),
            None => {}
        }
    }

    let mut project_detectors = Vec::new();
    for f in &files {
        for d in &f.raw.project_detector {
            if !unique_name(&mut names, "detector", &d.name, &f.file, &mut errors) {
                continue;
            }
            if let Some(pd) = compile_project_detector(d, &f.file, &cx, &mut errors) {
                project_detectors.push(Arc::new(pd));
            }
        }
    }

    if errors.is_empty() {
        Ok(Pack {
            meta,
            checks,
            detectors,
            extractors,
            project_detectors,
            vocab,
            receivers,
            spans,
        })
    } else {
        Err(fail(errors))
    }
}

/// `[[receiver]]` and `[[span]]` tables of every file of a pack.
fn compile_tx(
    files: &[LoadedFile],
    pack: &str,
    errors: &mut Vec<PackError>,
) -> (Vec<ReceiverDecl>, Vec<SpanDecl>) {
    const PATTERN_HELP: &str = "entries are dotted names; `*` matches within a segment, a final `.*` one more segment, `.**` any tail, a leading `*.` any receiver";
    let mut receivers = Vec::new();
    let mut spans = Vec::new();
    let mut kinds: BTreeMap<String, String> = BTreeMap::new();
    for f in files {
        for r in &f.raw.receiver {
            let kind = r.kind.get_ref();
            let span = Span::from(r.kind.span());
            let mut err = |msg: String, help: &str| {
                errors.push(PackError::new(&f.file, span, msg, help));
            };
            let valid = !kind.is_empty()
                && kind.split('.').all(|seg| {
                    !seg.is_empty()
                        && seg
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                });
            if !valid {
                err(
                    format!("receiver kind `{kind}` is not a dotted lower-case name"),
                    "use segments of lower-case letters, digits and `_` joined by `.`, e.g. `sa.session`",
                );
                continue;
            }
            if let Some(prev) = kinds.insert(
                format!("{kind}/{}", r.language.name()),
                f.file.name.to_string(),
            ) {
                err(
                    format!("receiver kind `{kind}` is defined twice (also in {prev})"),
                    "merge the two `[[receiver]]` tables",
                );
                continue;
            }
            let mut lists = Vec::new();
            for (what, entries) in [
                ("types", &r.types),
                ("factories", &r.factories),
                ("names", &r.names),
            ] {
                match Vocabulary::new(entries) {
                    Ok(v) => lists.push(v),
                    Err(e) => {
                        err(format!("receiver `{kind}`: `{what}`: {e}"), PATTERN_HELP);
                        lists.push(Vocabulary::default());
                    }
                }
            }
            let mut ops =
                std::collections::HashMap::with_hasher(foldhash::fast::FixedState::default());
            for (class, methods) in &r.ops {
                if !OP_CLASSES.contains(&class.as_str()) {
                    err(
                        format!("receiver `{kind}`: unknown operation class `{class}`"),
                        &format!("operation classes are {}", OP_CLASSES.join(", ")),
                    );
                    continue;
                }
                for m in methods {
                    if let Some(prev) = ops.insert(m.clone(), class.clone()) {
                        err(
                            format!("receiver `{kind}`: method `{m}` is in both `{prev}` and `{class}`"),
                            "a method has one operation class; refine it in a predicate (e.g. `execute(update(M))`)",
                        );
                    }
                }
            }
            let names = lists.pop().unwrap_or_default();
            let factories = lists.pop().unwrap_or_default();
            let types = lists.pop().unwrap_or_default();
            receivers.push(ReceiverDecl {
                pack: pack.to_string(),
                kind: kind.clone(),
                language: r.language,
                types,
                factories,
                names,
                ops,
            });
        }
        for sp in &f.raw.span {
            let span = sp
                .receivers
                .as_ref()
                .map(|r| Span::from(r.span()))
                .unwrap_or_default();
            let mut vocab = |what: &str, entries: &[String]| match Vocabulary::new(entries) {
                Ok(v) => v,
                Err(e) => {
                    errors.push(PackError::new(
                        &f.file,
                        span,
                        format!("span: `{what}`: {e}"),
                        PATTERN_HELP,
                    ));
                    Vocabulary::default()
                }
            };
            let context_managers = vocab("context_managers", &sp.context_managers);
            let decorators = vocab("decorators", &sp.decorators);
            let receivers_list: Vec<String> = sp
                .receivers
                .as_ref()
                .map(|r| r.get_ref().clone())
                .unwrap_or_default();
            if receivers_list.is_empty() && context_managers.is_empty() && decorators.is_empty() {
                errors.push(PackError::new(
                    &f.file,
                    span,
                    "a `[[span]]` names no receivers, context managers or decorators".to_string(),
                    "add `receivers = [\"<kind>\"]` (with `implicit` or `blocks`), `context_managers` or `decorators`",
                ));
                continue;
            }
            if (sp.implicit || !sp.blocks.is_empty()) && receivers_list.is_empty() {
                errors.push(PackError::new(
                    &f.file,
                    span,
                    "`implicit` and `blocks` need `receivers`".to_string(),
                    "list the receiver kinds whose operations or methods open the span",
                ));
                continue;
            }
            spans.push(SpanDecl {
                pack: pack.to_string(),
                language: sp.language,
                receivers: receivers_list,
                implicit: sp.implicit,
                blocks: sp.blocks.clone(),
                context_managers,
                decorators,
            });
        }
    }
    (receivers, spans)
}

fn compile_meta(
    m: &raw::RawMeta,
    file: &SourceFile,
    label: &str,
    errors: &mut Vec<PackError>,
) -> PackMeta {
    let name = m.name.get_ref();
    if !is_slug(name) {
        errors.push(PackError::new(
            file,
            Span::from(m.name.span()),
            format!("pack name `{name}` is not a valid name"),
            "use lower-case letters, digits, `-` and `_`, e.g. `acme-orm`",
        ));
    }
    if m.languages.is_empty() {
        errors.push(PackError::new(
            file,
            Span::from(m.name.span()),
            "`languages` is empty",
            "list the languages the pack has detectors for, e.g. `languages = [\"python\"]`",
        ));
    }
    PackMeta {
        name: name.clone(),
        version: m.version.clone(),
        languages: m.languages.clone(),
        description: m.description.clone(),
        enabled_by: m.enabled_by.clone(),
        requires: m.requires.clone(),
        references: m.references.clone(),
        lib: None,
        lib_uses_call_graph: false,
        lib_uses_call_edges: false,
        origin: label.to_string(),
    }
}

fn compile_lib(
    m: &raw::RawMeta,
    file: &SourceFile,
    source: &dyn PackSource,
    label: &str,
    errors: &mut Vec<PackError>,
) -> Option<rhai::AST> {
    let path = m.predicate_lib.as_ref()?;
    let text = match source.read(path.get_ref()) {
        Ok(t) => t,
        Err(e) => {
            errors.push(
                PackError::new(
                    file,
                    Span::from(path.span()),
                    e,
                    "paths are relative to the pack directory",
                )
                .with_kind(PackErrorKind::Io),
            );
            return None;
        }
    };
    match script::compile_lib(&text) {
        Ok(ast) => Some(ast),
        Err((line, col, msg)) => {
            let lib_file = SourceFile::new(&format!("{label}/{}", path.get_ref()), &text);
            let origin = Origin {
                file: lib_file.clone(),
                base: 0,
            };
            errors.push(
                PackError::new(
                    &lib_file,
                    Span::new(origin.offset_of_line_col(&text, line, col), 1),
                    format!("predicate library does not compile: {msg}"),
                    "the library holds `fn` definitions that predicates call",
                )
                .with_kind(PackErrorKind::Script),
            );
            None
        }
    }
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// The byte offset, in its file, of the first character of a string value's content.
pub(crate) fn content_base(file: &SourceFile, span: std::ops::Range<usize>) -> usize {
    let rest = &file.text[span.start.min(file.text.len())..];
    let quote_len = if rest.starts_with("'''") || rest.starts_with("\"\"\"") {
        3
    } else {
        1
    };
    let mut base = span.start + quote_len;
    if quote_len == 3 {
        let after = &file.text[base.min(file.text.len())..];
        if after.starts_with("\r\n") {
            base += 2;
        } else if after.starts_with('\n') {
            base += 1;
        }
    }
    base
}

/// Where the current pack file is, for reading sibling files and locating errors.
struct FileCtx<'a> {
    file: &'a SourceFile,
    source: &'a dyn PackSource,
    label: &'a str,
}

/// A text field given inline (`query = '''…'''`) or as a file (`query_file = "x.scm"`).
struct TextField<'a> {
    inline: &'a Option<Spanned<String>>,
    from_file: &'a Option<Spanned<String>>,
    what: &'static str,
    ext: &'static str,
    /// Where to point when a required field is missing; `None` when the field is optional.
    required_at: Option<Span>,
}

/// Reads text given inline or as a file: (text, origin).
fn inline_or_file(
    f: TextField<'_>,
    ctx: &FileCtx<'_>,
    errors: &mut Vec<PackError>,
) -> Option<(String, Origin)> {
    let (what, ext, file) = (f.what, f.ext, ctx.file);
    match (f.inline, f.from_file) {
        (Some(_), Some(p)) => {
            errors.push(PackError::new(
                file,
                Span::from(p.span()),
                format!("both `{what}` and `{what}_file` are set"),
                format!("keep one: inline `{what} = '''…'''` or `{what}_file = \"x.{ext}\"`"),
            ));
            None
        }
        (Some(q), None) => Some((
            q.get_ref().clone(),
            Origin {
                file: file.clone(),
                base: content_base(file, q.span()),
            },
        )),
        (None, Some(p)) => match ctx.source.read(p.get_ref()) {
            Ok(text) => Some((
                text.clone(),
                Origin {
                    file: SourceFile::new(&format!("{}/{}", ctx.label, p.get_ref()), &text),
                    base: 0,
                },
            )),
            Err(e) => {
                errors.push(
                    PackError::new(
                        file,
                        Span::from(p.span()),
                        e,
                        format!("paths are relative to the pack directory, e.g. `queries/x.{ext}`"),
                    )
                    .with_kind(PackErrorKind::Io),
                );
                None
            }
        },
        (None, None) => {
            if let Some(at) = f.required_at {
                errors.push(PackError::new(
                    file,
                    at,
                    format!("detector has no `{what}`"),
                    format!("add `{what} = '''…'''` or `{what}_file = \"x.{ext}\"`"),
                ));
            }
            None
        }
    }
}

#[allow(clippy::too_many_arguments)] // reason: one call site; a struct would only rename these
fn compile_detector(
    d: &RawDetector,
    file: &SourceFile,
    cx: &PackCtx<'_>,
    errors: &mut Vec<PackError>,
    role: Role,
) -> Option<Detector> {
    let PackCtx {
        source,
        label,
        pack,
        meta,
        catalog,
        vocab,
        invalid_checks,
        queries,
    } = *cx;
    let n_errors = errors.len();
    let name = d.name.get_ref();
    let name_span = Span::from(d.name.span());
    if !is_slug(name) {
        errors.push(PackError::new(
            file,
            name_span,
            format!("detector name `{name}` is not a valid name"),
            "use lower-case letters, digits, `-` and `_`, e.g. `sync-sleep`",
        ));
    }
    if d.file_contains.iter().any(|w| w.trim().is_empty()) {
        errors.push(PackError::new(
            file,
            name_span,
            "`file_contains` holds an empty word",
            "list words a file must contain for the unit to run, e.g. `[\"notify\", \"listen\"]`, or leave it out",
        ));
    }
    let check_id = d.check.get_ref();
    let check = if role == Role::Detect {
        lookup_check(&d.check, file, catalog, invalid_checks, errors)
    } else {
        Some(Arc::new(fact_check(check_id)))
    };
    let severity_by_context = match &d.severity_by_context {
        Some(t) if t.get_ref().is_empty() => {
            errors.push(PackError::new(
                file,
                Span::from(t.span()),
                "`severity_by_context` sets no severity",
                "give at least one of `request`, `background`, `init`, `cli`, `other`, e.g. `{ request = \"HIGH\", other = \"MEDIUM\" }`",
            ));
            None
        }
        Some(t) => Some(t.get_ref().clone()),
        None => None,
    };
    if !meta.languages.contains(&d.language) {
        errors.push(PackError::new(
            file,
            name_span,
            format!(
                "detector `{name}` is for {} but the pack's `languages` does not list it",
                d.language
            ),
            format!("add \"{}\" to `languages` in [pack]", d.language),
        ));
    }

    let ctx = FileCtx {
        file,
        source,
        label,
    };
    let query = inline_or_file(
        TextField {
            inline: &d.query,
            from_file: &d.query_file,
            what: "query",
            ext: "scm",
            required_at: Some(name_span),
        },
        &ctx,
        errors,
    );
    let mut captures = Vec::new();
    let mut custom_preds = Vec::new();
    let mut pattern_starts = Vec::new();
    if let Some((text, origin)) = &query {
        match compile_query(queries, d.language, text) {
            Ok(q) => {
                captures = q.capture_names().iter().map(|s| s.to_string()).collect();
                pattern_starts = (0..q.pattern_count())
                    .map(|p| q.start_byte_for_pattern(p))
                    .collect();
                if captures.is_empty() {
                    errors.push(
                        PackError::new(
                            &origin.file,
                            Span::new(origin.base, 0),
                            "the query captures nothing",
                            "add a capture such as `@site` to the node you want to report",
                        )
                        .with_kind(PackErrorKind::Query),
                    );
                }
                for p in 0..q.pattern_count() {
                    match custom::compile(&q, &d.language.grammar(), p, vocab) {
                        Ok(preds) => custom_preds.push(preds),
                        Err(e) => {
                            // Point at the offending word (a vocabulary name or the predicate)
                            // inside this pattern, else at the pattern.
                            let start = q.start_byte_for_pattern(p);
                            let (at, len) = text[start..]
                                .find(&e.word)
                                .map_or((start, 1), |i| (start + i, e.word.len()));
                            let help = match &e.vocab {
                                Some(wrong) => match closest(wrong, vocab.names()) {
                                    Some(s) => format!("did you mean `{s}`? Vocabularies are the keys of `[vocab]`"),
                                    None => "define it under `[vocab]` in this pack".to_string(),
                                },
                                None => custom::HELP.to_string(),
                            };
                            errors.push(
                                PackError::new(
                                    &origin.file,
                                    Span::new(origin.offset(at), len),
                                    e.message,
                                    help,
                                )
                                .with_kind(PackErrorKind::Query),
                            );
                        }
                    }
                }
            }
            Err(e) => {
                use tree_sitter::QueryErrorKind as K;
                let (message, len) = match e.kind {
                    K::NodeType | K::Field | K::Capture => (
                        format!(
                            "invalid query: {} `{}`",
                            query_error_kind(&e),
                            e.message.trim().trim_matches('"')
                        ),
                        e.message.trim().trim_matches('"').len().max(1),
                    ),
                    _ => (
                        format!(
                            "invalid query: {} error: {}",
                            query_error_kind(&e),
                            e.message.trim()
                        ),
                        1,
                    ),
                };
                errors.push(
                    PackError::new(
                        &origin.file,
                        Span::new(origin.offset(e.offset), len),
                        message,
                        query_hint(&e, d.language),
                    )
                    .with_kind(PackErrorKind::Query),
                );
            }
        }
    }

    if let Some(r) = &d.report {
        if query.is_some() && !captures.is_empty() && !captures.contains(r.get_ref()) {
            errors.push(PackError::new(
                file,
                Span::from(r.span()),
                format!(
                    "`report` names capture `@{}` that the query does not define",
                    r.get_ref()
                ),
                format!("captures of this query: {}", list_captures(&captures)),
            ));
        }
    }

    let predicate = inline_or_file(
        TextField {
            inline: &d.predicate,
            from_file: &d.predicate_file,
            what: "predicate",
            ext: "rhai",
            required_at: None,
        },
        &ctx,
        errors,
    );
    // A predicate is compiled against the query's captures; without a working query that would
    // only add false "undefined variable" errors.
    let query_ok = query.is_some() && !captures.is_empty() && errors.len() == n_errors;
    if query_ok && predicate.is_some() {
        if let Some((qtext, qorigin)) = &query {
            for c in &captures {
                if script::is_reserved(&script::var_name(c)) {
                    // The capture itself, not a longer one it prefixes (`@call` in `@callee`).
                    let needle = format!("@{c}");
                    let at = qtext
                        .match_indices(&needle)
                        .map(|(i, _)| i)
                        .find(|&i| {
                            !qtext[i + needle.len()..]
                                .starts_with(|ch: char| ch.is_alphanumeric() || "_-.".contains(ch))
                        })
                        .unwrap_or(0);
                    errors.push(
                        PackError::new(
                            &qorigin.file,
                            Span::new(qorigin.offset(at), c.len() + 1),
                            format!("capture `@{c}` is a reserved word in rhai and cannot be a predicate variable"),
                            format!("rename the capture, e.g. `@{c}_node` or `@site`"),
                        )
                        .with_kind(PackErrorKind::Query),
                    );
                }
            }
        }
    }
    let query_ok = query_ok && errors.len() == n_errors;
    let predicate = predicate.filter(|_| query_ok).and_then(|(text, origin)| {
        match script::compile(&text, origin.clone(), &captures, meta.lib.as_ref()) {
            Ok(p) => Some(p),
            Err((line, col, msg)) => {
                let off = origin.offset_of_line_col(&text, line, col);
                errors.push(
                    PackError::new(
                        &origin.file,
                        Span::new(off, 1),
                        format!("predicate does not compile: {msg}"),
                        format!(
                            "captures are variables named like the query's captures ({}), plus `file`; see docs/pack-format.md for the host functions",
                            list_captures(&captures)
                        ),
                    )
                    .with_kind(PackErrorKind::Script),
                );
                None
            }
        }
    });

    // Without a predicate, every `{var}` of the message must be a capture.
    let message = d.message.get_ref().clone();
    if d.predicate.is_none() && d.predicate_file.is_none() && !captures.is_empty() {
        for var in template_vars(&message) {
            if !captures.iter().any(|c| c == var) && !BUILTIN_VARS.contains(&var) {
                errors.push(PackError::new(
                    file,
                    Span::from(d.message.span()),
                    format!("message uses `{{{var}}}` but the query has no capture `@{var}`"),
                    format!(
                        "use one of {} or set the variable from a predicate",
                        list_captures(&captures)
                    ),
                ));
            }
        }
    }

    if errors.len() > n_errors {
        return None;
    }
    let check = check?;
    let (query, query_origin) = query?;
    Some(Detector {
        pack: Arc::clone(pack),
        name: name.clone(),
        recommendation: d
            .recommendation
            .clone()
            .unwrap_or_else(|| check.recommendation.clone()),
        severity: d.severity.unwrap_or(check.default_severity),
        check,
        language: d.language,
        query,
        query_origin,
        captures,
        custom: custom_preds,
        predicate,
        message,
        report: d.report.as_ref().map(|r| r.get_ref().clone()),
        vocab: Arc::clone(vocab),
        role,
        paths: None,
        paths_src: Vec::new(),
        file_contains: if d.file_contains.is_empty() {
            None
        } else {
            Some(Arc::new(FileWords::new(&d.file_contains)))
        },
        pattern_starts,
        severity_by_context,
        reads_migrations: false,
    })
}

/// The catalogue check a detector names; an unknown id is an error with a suggestion. A check
/// that failed validation in this pack was already reported where it is defined.
fn lookup_check(
    id: &Spanned<String>,
    file: &SourceFile,
    catalog: &Catalog,
    invalid_checks: &BTreeSet<String>,
    errors: &mut Vec<PackError>,
) -> Option<Arc<Check>> {
    let check_id = id.get_ref();
    if let Some(c) = catalog.get(check_id) {
        return Some(Arc::clone(c));
    }
    if invalid_checks.contains(check_id) {
        return None;
    }
    let hint = match closest(check_id, catalog.iter().map(|c| c.id.as_str())) {
        Some(s) => format!("did you mean `{s}`? `ppa rule --list` shows every check id"),
        None => "define the check in this pack with a `[[check]]` record, or use an id from `ppa rule --list`".into(),
    };
    errors.push(
        PackError::new(
            file,
            Span::from(id.span()),
            format!("unknown check id `{check_id}`"),
            hint,
        )
        .with_kind(PackErrorKind::UnknownCheck),
    );
    None
}

/// The stand-in check an extractor carries: extractors report records, never findings.
fn fact_check(id: &str) -> Check {
    Check {
        id: id.to_string(),
        title: id.to_string(),
        category: crate::model::Category::Query,
        default_severity: Severity::Low,
        effort: crate::model::Effort::S,
        context_rule: None,
        exempt: Default::default(),
        issue: String::new(),
        principle: String::new(),
        severity_rules: String::new(),
        recommendation: String::new(),
        requires_facts: Vec::new(),
        yields_to: Vec::new(),
        topic_terms: Vec::new(),
        references: Vec::new(),
        docs: String::new(),
    }
}

fn is_fact_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[allow(clippy::too_many_arguments)] // reason: one call site, mirrors compile_detector
fn compile_extractor(
    e: &RawExtractor,
    file: &SourceFile,
    cx: &PackCtx<'_>,
    errors: &mut Vec<PackError>,
) -> Option<Detector> {
    let n_errors = errors.len();
    let fact = e.fact.get_ref();
    if !is_fact_name(fact) {
        errors.push(PackError::new(
            file,
            Span::from(e.fact.span()),
            format!("fact name `{fact}` is not a valid name"),
            "use lower-case letters, digits and `_`, e.g. `event_publishers`",
        ));
    }
    let mut builder = globset::GlobSetBuilder::new();
    for p in &e.paths {
        match globset::GlobBuilder::new(p).literal_separator(true).build() {
            Ok(g) => {
                builder.add(g);
            }
            Err(err) => errors.push(PackError::new(
                file,
                Span::from(e.name.span()),
                format!(
                    "extractor `{}`: invalid path glob `{p}`: {err}",
                    e.name.get_ref()
                ),
                "globs use `*` within a segment and `**` across segments, e.g. `**/migrations/**`",
            )),
        }
    }
    let paths = if e.paths.is_empty() {
        None
    } else {
        builder.build().ok()
    };
    // The detector compiler does the query, predicate and capture checks; the message is
    // empty, so it has no placeholders to verify.
    let as_detector = RawDetector {
        name: e.name.clone(),
        check: Spanned::new(e.fact.span(), format!("fact.{fact}")),
        language: e.language,
        query: e.query.clone(),
        query_file: e.query_file.clone(),
        predicate: e.predicate.clone(),
        predicate_file: e.predicate_file.clone(),
        message: Spanned::new(e.name.span(), String::new()),
        recommendation: None,
        severity: None,
        severity_by_context: None,
        report: e.report.clone(),
        file_contains: e.file_contains.clone(),
    };
    // An extractor's stand-in check is never an invalid one.
    let no_invalid = BTreeSet::new();
    let as_cx = PackCtx {
        invalid_checks: &no_invalid,
        ..*cx
    };
    let mut det = compile_detector(
        &as_detector,
        file,
        &as_cx,
        errors,
        Role::Extract { fact: fact.clone() },
    )?;
    if errors.len() > n_errors {
        return None;
    }
    det.reads_migrations = e.migrations.unwrap_or(paths.is_some());
    det.paths = paths;
    det.paths_src = e.paths.clone();
    Some(det)
}

#[allow(clippy::too_many_arguments)] // reason: one call site, mirrors compile_detector
fn compile_project_detector(
    d: &RawProjectDetector,
    file: &SourceFile,
    cx: &PackCtx<'_>,
    errors: &mut Vec<PackError>,
) -> Option<ProjectDetector> {
    let n_errors = errors.len();
    let name = d.name.get_ref();
    let name_span = Span::from(d.name.span());
    if !is_slug(name) {
        errors.push(PackError::new(
            file,
            name_span,
            format!("detector name `{name}` is not a valid name"),
            "use lower-case letters, digits, `-` and `_`, e.g. `channel-mismatch`",
        ));
    }
    let check = lookup_check(&d.check, file, cx.catalog, cx.invalid_checks, errors);
    let ctx = FileCtx {
        file,
        source: cx.source,
        label: cx.label,
    };
    let predicate = inline_or_file(
        TextField {
            inline: &d.predicate,
            from_file: &d.predicate_file,
            what: "predicate",
            ext: "rhai",
            required_at: Some(name_span),
        },
        &ctx,
        errors,
    );
    let mut graph = cx.meta.lib_uses_call_graph;
    let mut edges = cx.meta.lib_uses_call_edges;
    let script = predicate.and_then(|(text, origin)| {
        graph |= uses_call_graph(&text);
        edges |= uses_call_edges(&text);
        match script::compile_project(&text, origin.clone(), cx.meta.lib.as_ref()) {
            Ok(p) => Some(p),
            Err((line, col, msg)) => {
                let off = origin.offset_of_line_col(&text, line, col);
                errors.push(
                    PackError::new(
                        &origin.file,
                        Span::new(off, 1),
                        format!("predicate does not compile: {msg}"),
                        "a project predicate sees `facts` and `project`; see docs/pack-format.md",
                    )
                    .with_kind(PackErrorKind::Script),
                );
                None
            }
        }
    });
    if errors.len() > n_errors {
        return None;
    }
    let check = check?;
    Some(ProjectDetector {
        pack: Arc::clone(cx.pack),
        name: name.clone(),
        recommendation: d
            .recommendation
            .clone()
            .unwrap_or_else(|| check.recommendation.clone()),
        severity: d.severity.unwrap_or(check.default_severity),
        check,
        script: script?,
        message: d.message.get_ref().clone(),
        vocab: Arc::clone(cx.vocab),
        uses_call_graph: graph,
        uses_call_edges: edges,
    })
}

/// A hint for a query error: the closest node kind or field name of the grammar, if any.
fn query_hint(e: &tree_sitter::QueryError, lang: Language) -> String {
    use tree_sitter::QueryErrorKind as K;
    let grammar = lang.grammar();
    let wrong = e.message.trim().trim_matches('"');
    let suggestion = match e.kind {
        K::NodeType => {
            let kinds: Vec<&str> = (0..grammar.node_kind_count() as u16)
                .filter(|&id| grammar.node_kind_is_named(id))
                .filter_map(|id| grammar.node_kind_for_id(id))
                .collect();
            closest(wrong, kinds.into_iter())
        }
        K::Field => {
            let fields: Vec<&str> = (1..=grammar.field_count() as u16)
                .filter_map(|id| grammar.field_name_for_id(id))
                .collect();
            closest(wrong, fields.into_iter())
        }
        _ => None,
    };
    match suggestion {
        Some(s) => format!(
            "did you mean `{s}`? Node kinds and fields are those of the {lang} tree-sitter grammar"
        ),
        None => format!("check node kinds and field names against the {lang} tree-sitter grammar"),
    }
}

fn query_error_kind(e: &tree_sitter::QueryError) -> &'static str {
    use tree_sitter::QueryErrorKind::*;
    match e.kind {
        Syntax => "syntax",
        NodeType => "unknown node kind",
        Field => "unknown field",
        Capture => "unknown capture",
        Predicate => "predicate",
        Structure => "impossible pattern",
        Language => "language",
    }
}

fn list_captures(c: &[String]) -> String {
    if c.is_empty() {
        "(none)".into()
    } else {
        c.iter()
            .map(|c| format!("@{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Template variables every finding has: the enclosing function's name and the dotted path of
/// enclosing definitions.
pub const BUILTIN_VARS: &[&str] = &["fn", "symbol"];

/// `{name}` placeholders of a template (`{{` escapes a brace).
pub fn template_vars(t: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let bytes = t.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'{' {
            if bytes.get(i + 1) == Some(&b'{') {
                i += 2;
                continue;
            }
            if let Some(end) = t[i + 1..].find('}') {
                let name = &t[i + 1..i + 1 + end];
                let ident = name
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                if ident {
                    out.push(name);
                }
                i += end + 2;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// The candidate closest to `s` by edit distance, if it is close enough to be a typo ("did you
/// mean").
pub fn suggest<'a>(s: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    closest(s, candidates)
}

pub(crate) fn closest<'a>(s: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (edit_distance(s, c), c))
        .filter(|(d, c)| *d <= (c.len() / 3).max(2))
        .min()
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Records `name` among the unit names of its kind; a second definition is an error pointing at
/// it (detectors and project detectors share one namespace, extractors have their own).
fn unique_name(
    names: &mut BTreeSet<String>,
    kind: &str,
    name: &Spanned<String>,
    file: &SourceFile,
    errors: &mut Vec<PackError>,
) -> bool {
    if names.insert(name.get_ref().clone()) {
        return true;
    }
    errors.push(PackError::new(
        file,
        Span::from(name.span()),
        format!("{kind} `{}` is defined twice", name.get_ref()),
        format!("{kind} names are unique within a pack"),
    ));
    false
}
