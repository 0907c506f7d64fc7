//! What a pack file says: plain serde types with a doc comment per field. The JSON schema in
//! `docs/pack.schema.json` is generated from these types (and checked by a test).
//!
//! Fields that are compiled later (queries, predicates, names) keep their TOML span so that a
//! compile error points into the pack file.

use crate::catalog::{Check, Reference};
use crate::exec_context::SeverityByContext;
use crate::model::{Language, Severity};
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// A pack file: `pack.toml` (with `[pack]`) or an extra `*.toml` file of the same pack directory
/// (without `[pack]`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPackFile {
    /// Pack metadata. Required in `pack.toml`, not allowed elsewhere.
    #[serde(default)]
    pub pack: Option<RawMeta>,
    /// Vocabularies: name -> list of qualified names or patterns (`time.sleep`, `requests.*`,
    /// `*.read_bytes`, `fs.*Sync`). Predicates test names against them with `in_vocab`.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, Vec<String>>")]
    pub vocab: BTreeMap<String, Spanned<Vec<String>>>,
    /// Checks defined by this pack (team checks; ids like `acme.query.raw_sql`).
    #[serde(default)]
    pub check: Vec<Check>,
    /// Detectors: how this pack finds the defect of a check.
    #[serde(default)]
    pub detector: Vec<RawDetector>,
    /// Fact extractors: queries (and optional predicates) that emit records into the project
    /// model before project-level detectors run (`[[extractor]]`).
    #[serde(default)]
    pub extractor: Vec<RawExtractor>,
    /// Project-level detectors: a predicate that runs once per run over the project facts and
    /// returns findings (`[[project_detector]]`).
    #[serde(default)]
    pub project_detector: Vec<RawProjectDetector>,
    /// Receiver kinds (CHECKS.md §3.2): how a receiver is recognised and which of its methods
    /// are DB operations of which class (`receiver_kind`, `db_op`).
    #[serde(default)]
    pub receiver: Vec<RawReceiver>,
    /// Transaction spans (CHECKS.md §3.5): which receivers, blocks, context managers and
    /// decorators open a transaction (`tx_span`, `tx_spans`).
    #[serde(default)]
    pub span: Vec<RawSpan>,
}

/// `[[receiver]]`: one receiver kind. The three lists are vocabulary patterns (same syntax as
/// `[vocab]` entries); a receiver's kind comes from its type annotation (`types`), else the
/// value bound to it (`factories`; a resolved call is written with `()`, and a constructor call
/// of one of `types` counts too), else its text (`names`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawReceiver {
    /// Dotted kind name, unique within the pack, e.g. `sa.session`.
    #[schemars(with = "String")]
    pub kind: Spanned<String>,
    /// The language of the files it applies to.
    pub language: Language,
    /// Qualified type names of annotations and declared types (`sqlalchemy.orm.Session`,
    /// `database/sql.Tx`).
    #[serde(default)]
    pub types: Vec<String>,
    /// Resolved calls whose value is such a receiver (`*.sessionmaker()()`, `*.SessionLocal()`).
    #[serde(default)]
    pub factories: Vec<String>,
    /// Receiver texts that are such a receiver when nothing else is known (`session`,
    /// `*_session`, `self.db`); a name bound by an import is matched by its qualified name.
    #[serde(default)]
    pub names: Vec<String>,
    /// Operation class -> method names: `read`, `insert`, `update`, `delete`, `uow`, `bulk`,
    /// `begin`, `commit`, `rollback`, `release`.
    #[serde(default)]
    pub ops: BTreeMap<String, Vec<String>>,
}

/// `[[span]]`: what opens a transaction span on which receivers.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSpan {
    /// The language of the files it applies to.
    pub language: Language,
    /// Receiver kinds (of this or another pack of the run) the span applies to.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub receivers: Option<Spanned<Vec<String>>>,
    /// Whether the first operation on such a receiver opens a span (autobegin) that lasts to the
    /// next commit/rollback/release operation on it, the end of the `with` block that created the
    /// receiver, or the end of the function.
    #[serde(default)]
    pub implicit: bool,
    /// Receiver methods whose `with` block is an explicit span (`with s.begin():`); with an
    /// `as` target on a receiver of these kinds or a factory of them (`with engine.begin() as
    /// conn`), the span's receiver is the target.
    #[serde(default)]
    pub blocks: Vec<String>,
    /// Callees (vocabulary patterns) whose `with` block is an explicit span
    /// (`django.db.transaction.atomic`).
    #[serde(default)]
    pub context_managers: Vec<String>,
    /// Decorators (vocabulary patterns) that make the whole function an explicit span.
    #[serde(default)]
    pub decorators: Vec<String>,
}

/// `[[extractor]]`: emits fact records from matches. A record is the map the predicate returns
/// (or, without a predicate, the text of every capture), plus `file`, `line`, `column`, `pack`
/// and `extractor`. Records of all files are merged in path order into the fact named `fact`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawExtractor {
    /// Unique within the pack's extractors. Lower-case letters, digits, `-`, `_`.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// The fact the records join, e.g. `event_publishers`, `constants`. Lower-case letters,
    /// digits and `_`.
    #[schemars(with = "String")]
    pub fact: Spanned<String>,
    /// The language of the files it runs on.
    pub language: Language,
    /// A tree-sitter query, inline. Exactly one of `query` and `query_file`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub query: Option<Spanned<String>>,
    /// A `.scm` file, relative to the pack directory, holding the query.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub query_file: Option<Spanned<String>>,
    /// A rhai predicate, inline: returns a map (one record), an array of maps (several), or
    /// `false` / `()` (none). At most one of `predicate` and `predicate_file`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub predicate: Option<Spanned<String>>,
    /// A `.rhai` file, relative to the pack directory, holding the predicate.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub predicate_file: Option<Spanned<String>>,
    /// The capture whose node gives the record's `line` and `column`; defaults to the capture
    /// spanning the most text.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub report: Option<Spanned<String>>,
    /// Globs over repo-relative paths; when set, the extractor runs only on matching files
    /// (e.g. `["**/migrations/**", "**/alembic/versions/**"]`).
    #[serde(default)]
    pub paths: Vec<String>,
    /// Words (ASCII letters compared without case) of which a file must contain at least one
    /// for this unit to run on it, e.g. `["notify", "listen"]`. Files without any are skipped
    /// before any query runs: a cheap text search instead of matching every candidate node.
    /// Empty: every file.
    #[serde(default)]
    pub file_contains: Vec<String>,
    /// Whether the extractor also reads files in migration paths, which checks skip (CHECKS.md
    /// §0). Default: `true` when `paths` is set (an extractor aimed at migrations), else `false`.
    #[serde(default)]
    pub migrations: Option<bool>,
}

/// `[[project_detector]]`: runs once, after every file was read, over the project facts.
///
/// The predicate sees `facts` (a map: fact name -> array of records) and `project` (a map with
/// `db`, the database kinds in use; `deployment`, the F9 fact: `serverless`, `external_pooler`,
/// `web_workers`, `evidence`; `max_connections` of the database server when known; and
/// `config`, the `[facts]` table of `ppa.toml`). It returns
/// an array of maps, one per finding, each with `file` and `line` (and optionally `column`,
/// `severity`, `message`, `recommendation`, `effort`); other keys fill the message template.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawProjectDetector {
    /// Unique within the pack's detectors. Lower-case letters, digits, `-`, `_`.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// The check id it implements.
    #[schemars(with = "String")]
    pub check: Spanned<String>,
    /// The predicate, inline. Exactly one of `predicate` and `predicate_file`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub predicate: Option<Spanned<String>>,
    /// A `.rhai` file, relative to the pack directory, holding the predicate.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub predicate_file: Option<Spanned<String>>,
    /// The message template; a finding's `message` key replaces it.
    #[schemars(with = "String")]
    pub message: Spanned<String>,
    /// The recommendation; defaults to the check's.
    #[serde(default)]
    pub recommendation: Option<String>,
    /// Severity when a finding sets none; defaults to the check's `default_severity`.
    #[serde(default)]
    pub severity: Option<Severity>,
}

/// `[pack]`: who the pack is and when it applies.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMeta {
    /// The pack's name, shown in findings (`<pack>/<detector>`); built-in packs are selected by
    /// it (`--pack asyncio`), your own by directory (`--pack ./my-pack`). Lower-case letters,
    /// digits, `-` and `_`.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// The pack's own version (semver recommended).
    pub version: String,
    /// Languages the pack has detectors for: `python`, `go`, `javascript`, `typescript`, `tsx`.
    pub languages: Vec<Language>,
    /// One sentence: what the pack covers.
    pub description: String,
    /// What enables the pack during discovery when no `--pack` is given.
    #[serde(default)]
    pub enabled_by: EnabledBy,
    /// Other packs this one builds on; they are loaded with it.
    #[serde(default)]
    pub requires: Vec<String>,
    /// A `.rhai` file of helper functions (`fn is_hot(f) { … }`) that every predicate of the
    /// pack can call. It may only define functions.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub predicate_lib: Option<Spanned<String>>,
    /// Documentation consulted, listed under "Sources Consulted" in the report.
    #[serde(default)]
    pub references: Vec<Reference>,
}

/// Discovery triggers: any one of them enables the pack when no pack is chosen explicitly.
#[derive(Debug, Default, Clone, Deserialize, JsonSchema, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct EnabledBy {
    /// Enabled for projects containing a source file of one of the pack's languages.
    #[serde(default)]
    pub always: bool,
    /// Runtime dependency names in manifests (`requirements.txt`, `pyproject.toml`, `Pipfile`,
    /// `setup.cfg`, `setup.py`, `package.json`, `go.mod`), e.g. `sqlalchemy`,
    /// `sqlalchemy[asyncio]` (with the extra), `github.com/jackc/pgx/v5`.
    #[serde(default)]
    pub dependencies: Vec<String>,
    /// Modules imported by non-test source files, e.g. `asyncio`; a sub-module matches too
    /// (`sqlalchemy` matches `sqlalchemy.orm`, `github.com/jackc/pgx/v5` matches
    /// `github.com/jackc/pgx/v5/pgxpool`).
    #[serde(default)]
    pub imports: Vec<String>,
    /// Globs over repo-relative paths (`**/migrations/**/*.sql`): any file of the project
    /// matching one enables the pack, even in paths that checks skip (migrations).
    #[serde(default)]
    pub files: Vec<String>,
}

/// `[[detector]]`: one way a framework shows the defect of a check.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDetector {
    /// Unique within the pack; shown as `<pack>/<name>`. Lower-case letters, digits, `-`, `_`.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// The check id this detector implements, e.g. `runtime.sync_sleep_in_async`.
    #[schemars(with = "String")]
    pub check: Spanned<String>,
    /// The language of the files it runs on. A `javascript` detector also runs on TypeScript.
    pub language: Language,
    /// A tree-sitter query, inline. Write it as a `'''` literal string so that error positions
    /// map exactly into this file. Exactly one of `query` and `query_file`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub query: Option<Spanned<String>>,
    /// A `.scm` file, relative to the pack directory, holding the query.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub query_file: Option<Spanned<String>>,
    /// A rhai predicate, inline. It sees each capture as a variable and returns `true` (report),
    /// `false` (veto) or a map with `severity` and template variables. At most one of
    /// `predicate` and `predicate_file`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub predicate: Option<Spanned<String>>,
    /// A `.rhai` file, relative to the pack directory, holding the predicate.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub predicate_file: Option<Spanned<String>>,
    /// The finding's message. `{name}` is replaced by the text of capture `@name` or by the
    /// predicate's variable `name`.
    #[schemars(with = "String")]
    pub message: Spanned<String>,
    /// The recommendation; defaults to the check's.
    #[serde(default)]
    pub recommendation: Option<String>,
    /// Severity when the predicate sets none; defaults to the check's `default_severity`.
    #[serde(default)]
    pub severity: Option<Severity>,
    /// Severity by execution context (`request`, `background`, `init`, `cli`, `other`,
    /// `lower_in_admin`), settled after every file was read, when the project's entry points
    /// and call graph are known. A predicate's own `severity` or `severity_by_context` wins.
    #[serde(default)]
    #[schemars(with = "Option<SeverityByContext>")]
    pub severity_by_context: Option<Spanned<SeverityByContext>>,
    /// The capture whose node is the finding's location; defaults to the capture spanning the
    /// most text.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub report: Option<Spanned<String>>,
    /// Words (ASCII letters compared without case) of which a file must contain at least one
    /// for this unit to run on it, e.g. `["notify", "listen"]`. Files without any are skipped
    /// before any query runs: a cheap text search instead of matching every candidate node.
    /// Empty: every file.
    #[serde(default)]
    pub file_contains: Vec<String>,
}
