//! Flags and help text, defined once (clap derive): `-h` shows the short help, `--help` the long
//! help with examples.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const EXIT_CODES: &str = "\
Exit codes:
  0  no finding at or above --fail-on
  1  findings at or above --fail-on (or `ppa test` fixtures failed)
  2  usage, configuration or pack error (including a predicate that failed while running;
     findings are still printed)";

/// ppa, the persistence & performance auditor: finds N+1 queries, blocking calls in async code,
/// transactions held across I/O and other data-layer defects.
#[derive(Debug, Parser)]
#[command(name = "ppa", version, after_help = EXIT_CODES, after_long_help = EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check files or directories (default: the current directory).
    #[command(after_long_help = CHECK_EXAMPLES)]
    Check(CheckArgs),
    /// Show what a project is built with and which packs `ppa check` enables for it.
    #[command(after_long_help = DISCOVER_HELP)]
    Discover(DiscoverArgs),
    /// List the built-in packs.
    Packs(PacksArgs),
    /// Show a check's documentation, or list every check.
    Rule(RuleArgs),
    /// Run a pack's fixtures (files under PACK_DIR/tests/) and compare with their annotations.
    #[command(after_long_help = TEST_HELP)]
    Test(TestArgs),
    /// Print the JSON schema of pack files.
    Schema,
    /// Print the syntax tree of a file, with field names and positions: what queries match.
    Tree(TreeArgs),
}

const CHECK_EXAMPLES: &str = "\
Examples:
  ppa check                                  check the current directory with the packs its
                                             manifests and imports enable (`ppa discover`)
  ppa check --pack asyncio src/              only the asyncio pack, only src/
  ppa check --pack ./ci/our-pack --auto      your pack plus the discovered ones
  ppa check --select runtime --ignore runtime.redundant_data_copies
  ppa check --format json > ppa.json
  ppa check --report                         also write docs/project/persistence_audit.md
  ppa check src/ --report=audit.md --no-results-log
  ppa check --fail-on high                   exit 1 only for HIGH and CRITICAL findings

Scope: files ignored by .gitignore/.ignore, hidden files, tests, vendored and generated code and
migrations are skipped; --include/--exclude narrow further. Files over 1 MiB,
binary and non-UTF-8 files are skipped with a note.

The report date is today (UTC), or the day of SOURCE_DATE_EPOCH when it is set. Each run with
--report appends a row (date, overall score, delta, key finding, commit) to
docs/project/.audit/results_log.md; a log whose header ppa cannot read is left untouched.

Suppress a finding with a comment on its line or the line above:
  time.sleep(1)  # ppa: ignore[runtime.sync_sleep_in_async] startup only, before the loop runs

Exit codes:
  0  no finding at or above --fail-on
  1  findings at or above --fail-on
  2  usage, configuration or pack error (including a predicate that failed while running;
     findings are still printed)";

const DISCOVER_HELP: &str = "\
Reads requirements*.txt, pyproject.toml, Pipfile, setup.cfg, setup.py (never run), package.json,
go.mod, compose files, docs/project/tech_stack.md and the imports of source files (tests and
vendored code excluded). A pack is enabled when one of its `enabled_by` triggers holds: a runtime
(not dev) dependency, an import, a file of its languages, a file glob. Adjust the automatic set in
ppa.toml:
  [packs]
  enable = [\"asyncio\"]
  disable = [\"python-core\"]

Examples:
  ppa discover                               the project of the current directory
  ppa discover services/api --format json    the tech_stack object";

const TEST_HELP: &str = "\
Fixture annotations (a comment above the line they are about):
  # ppa: <check-id> [SEVERITY]   a finding of the check must start on the next line
  # ppa-ok: <check-id>           no finding of the check may be on the next line
  # ppa-todo: <check-id>         known gap: reported as todo, never a failure
Use `//` instead of `#` for Go, JavaScript and TypeScript fixtures.";

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable.
    Text,
    /// One JSON document (stable field names).
    Json,
}

/// The lowest severity that makes `ppa check` exit with 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Low,
    Medium,
    High,
    Critical,
    /// Never exit 1 for findings.
    Never,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files or directories to check.
    pub paths: Vec<PathBuf>,
    /// A built-in pack name or a pack directory; repeatable. Default: the packs discovery
    /// enables for the project (`ppa discover`).
    #[arg(long = "pack", value_name = "NAME|PATH")]
    pub packs: Vec<String>,
    /// With --pack: also enable the discovered packs.
    #[arg(long)]
    pub auto: bool,
    /// Only these checks: ids or category prefixes, comma-separated (`runtime,query.n_plus_one`).
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub select: Vec<String>,
    /// Skip these checks: ids or category prefixes, comma-separated. Wins over --select.
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub ignore: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Exit with 1 when a finding is at or above this severity.
    /// [default: low, or `fail_on` in ppa.toml]
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,
    /// Only check paths matching this glob (repo-relative); repeatable.
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// Skip paths matching this glob (repo-relative); repeatable.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Also check tests, vendored code and migrations.
    #[arg(long)]
    pub no_default_excludes: bool,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// The project root that output paths are relative to (default: the nearest ancestor of the
    /// working directory holding ppa.toml, else .git, else the working directory).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Colour: auto, always or never.
    #[arg(long, default_value = "auto", value_name = "WHEN")]
    pub color: String,
    /// Also write the Markdown audit report (scores, findings by category, advisory findings,
    /// recommended actions) to PATH, default docs/project/persistence_audit.md under the project
    /// root, and append the overall score to docs/project/.audit/results_log.md. A word right
    /// after --report is its PATH: write `ppa check src/ --report` or `--report=PATH`.
    #[arg(long, value_name = "PATH", num_args = 0..=1)]
    pub report: Option<Option<PathBuf>>,
    /// With --report: do not append a row to the results log.
    #[arg(long)]
    pub no_results_log: bool,
}

#[derive(Debug, clap::Args)]
pub struct DiscoverArgs {
    /// The project directory (default: the project root of the working directory).
    pub path: Option<PathBuf>,
    /// Output format: a readable summary, or the `tech_stack` JSON object.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, clap::Args)]
pub struct TreeArgs {
    /// The source file.
    pub file: PathBuf,
    /// Only the subtree of the smallest node covering this 1-based line.
    #[arg(long)]
    pub line: Option<usize>,
}

#[derive(Debug, clap::Args)]
pub struct PacksArgs {
    /// Also list this pack directory; repeatable.
    #[arg(long = "pack", value_name = "PATH")]
    pub packs: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, clap::Args)]
pub struct RuleArgs {
    /// The check id, e.g. `runtime.blocking_io_in_async`.
    #[arg(required_unless_present = "list")]
    pub check: Option<String>,
    /// List every check.
    #[arg(long)]
    pub list: bool,
    /// Also show the checks of this pack directory (team checks); repeatable.
    #[arg(long = "pack", value_name = "PATH")]
    pub packs: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// The pack directory (holding pack.toml and tests/).
    pub pack_dir: PathBuf,
    /// Print every fixture, not only failures.
    #[arg(long, short)]
    pub verbose: bool,
}
