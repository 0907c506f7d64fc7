//! # ppa-engine
//!
//! The embeddable engine of ppa, the persistence & performance auditor. It ships no rules: a
//! [`catalog::Catalog`] says what each check means, packs ([`pack`]) say how a framework shows
//! the defect, and the [`Engine`] runs every detector of a language over each file in one pass.
//!
//! ```no_run
//! use ppa_engine::{catalog::Catalog, pack::DirSource, EngineBuilder};
//!
//! let mut catalog = Catalog::default();
//! catalog.add_toml("checks.toml", &std::fs::read_to_string("checks.toml")?).map_err(|e| e[0].clone())?;
//! let mut builder = EngineBuilder::new(catalog);
//! builder.load_pack(&DirSource::new("my-pack"))?;
//! let (engine, _warnings) = builder.build();
//! let report = engine.check_source("app/api.py", "import time\nasync def f():\n    time.sleep(1)\n");
//! for f in report.findings {
//!     println!("{}:{}: {} {}", f.file, f.line, f.check, f.message);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The flow of one file: parse once → one merged query per language → engine query predicates
//! (`#resolves-to?` …) → sandboxed rhai predicate → finding → suppressions and fingerprints.
//! See `engine/README.md` for a map of the modules.

pub mod callgraph;
pub mod catalog;
pub mod context;
pub mod discover;
mod engine;
pub mod error;
pub mod exec_context;
pub mod facts;
pub mod file;
pub mod finding;
pub mod lang;
pub mod model;
pub mod pack;
pub mod postfilter;
pub mod project;
mod query;
pub mod report;
pub mod scope;
pub mod script;
pub mod semantics;
mod suppress;
pub mod testing;
pub(crate) mod tree_walk;
pub mod vocab;

pub use engine::{
    migration_globs, parse, render_template, Engine, EngineBuilder, FileReport, QueryStat,
};
pub use finding::{Collect, Diagnostic, Finding, FindingSink, Level};
pub use model::{Category, Effort, Exempt, Language, Severity};
pub use pack::suggest;

/// The hash map of the per-file caches and binding tables. Their keys are node ids and short
/// names, hashed hundreds of thousands of times per corpus; the standard library's SipHash (made
/// to resist flooding by untrusted keys) cost more than the lookups themselves (callgrind on
/// prefect). foldhash with a fixed seed is several times cheaper and gives the same iteration
/// order on every run.
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;

/// The hash set of the same kind: vocabularies' names, asked for every candidate call
/// (`in_vocab`, `#resolves-to?`, receiver kinds).
pub(crate) type FastSet<T> = std::collections::HashSet<T, foldhash::fast::FixedState>;

/// The JSON schema of a pack file, generated from the serde types.
pub fn pack_schema() -> String {
    let schema = schemars::schema_for!(pack::raw::RawPackFile);
    let mut s = serde_json::to_string_pretty(&schema).unwrap_or_default();
    s.push('\n');
    s
}

/// The Python files of the repository's packs and examples (fixtures, example services), for
/// tests that hold a shortcut of the engine to the plain computation on real-looking code.
#[cfg(test)]
pub(crate) fn repository_python_sources() -> Vec<String> {
    let files: Vec<String> = repository_sources(Language::Python, &["packs", "examples"])
        .into_iter()
        .map(|(_, text)| text)
        .collect();
    assert!(files.len() > 50, "only {} files", files.len());
    files
}

/// The source files of one language under the repository's top-level `dirs`, with their
/// paths, in path order.
#[cfg(test)]
pub(crate) fn repository_sources(
    lang: Language,
    dirs: &[&str],
) -> Vec<(std::path::PathBuf, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    let mut stack: Vec<_> = dirs.iter().map(|d| root.join(d)).collect();
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if Language::from_path(&p.to_string_lossy()) == Some(lang) {
                if let Ok(text) = std::fs::read_to_string(&p) {
                    files.push((p, text));
                }
            }
        }
    }
    files.sort();
    files
}
