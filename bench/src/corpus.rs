//! The benchmark's input: every file the engine would check, read into memory once, so that
//! neither timed phase includes I/O.

use ppa_engine::scope::{self, ContentSkip, Scope};
use ppa_engine::{Engine, Language};
use std::collections::BTreeMap;
use std::path::Path;

/// One file to check, decoded.
#[derive(Debug)]
pub struct SourceFile {
    /// Path relative to the benchmark root, `/`-separated (the label findings carry).
    pub path: String,
    pub lang: Language,
    pub text: String,
}

/// The files of one run and what was left out, by reason.
#[derive(Debug, Default)]
pub struct Corpus {
    pub files: Vec<SourceFile>,
    pub bytes: usize,
    pub lines: usize,
    /// Files per language.
    pub per_language: BTreeMap<Language, usize>,
    /// Reason -> number of files of a known language left out.
    pub skipped: BTreeMap<String, usize>,
}

/// Walks `root` the way `ppa check` does (`.gitignore` and `.ignore` honoured, hidden files and
/// symlinks skipped), keeps files of a language some active detector runs on, and reads them.
/// With `default_excludes`, also skips what `ppa check` skips by default (tests, vendored and
/// generated code, migrations).
pub fn load(root: &Path, engine: &Engine, default_excludes: bool) -> Result<Corpus, String> {
    if !root.exists() {
        return Err(format!("`{}` does not exist", root.display()));
    }
    let scope = Scope::new(&[], &[])?;
    let walker = ppa_cli::check::walker(root);
    let mut corpus = Corpus::default();
    let mut skip = |reason: String| *corpus.skipped.entry(reason).or_insert(0) += 1;
    let mut files = Vec::new();
    for entry in walker {
        let Ok(entry) = entry else {
            skip("walk error".into());
            continue;
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let label = label(root, entry.path());
        let Some(lang) = Language::from_path(&label) else {
            continue;
        };
        if !engine.handles(lang) {
            skip(format!("{lang}: no active detector"));
            continue;
        }
        if default_excludes && entry.depth() > 0 {
            if let Some(why) = scope.excluded(&label) {
                skip(format!("default exclusion: {}", why.as_str()));
                continue;
            }
        }
        let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
        if size > scope::MAX_FILE_SIZE {
            skip("over max_file_size".into());
            continue;
        }
        let bytes = match std::fs::read(entry.path()) {
            Ok(b) => b,
            Err(_) => {
                skip("unreadable".into());
                continue;
            }
        };
        match scope::decode(&bytes) {
            Ok(text) => files.push(SourceFile {
                path: label,
                lang,
                text: text.to_string(),
            }),
            Err(why) => skip(
                match why {
                    ContentSkip::TooLarge(..) => "over max_file_size",
                    ContentSkip::Binary => "binary",
                    ContentSkip::NotUtf8 => "not UTF-8",
                    ContentSkip::Generated => "generated (marker)",
                }
                .into(),
            ),
        }
    }
    // Largest first: rayon then starts the long files early instead of finishing on one.
    // Both timed phases iterate this same order.
    files.sort_by(|a, b| b.text.len().cmp(&a.text.len()).then(a.path.cmp(&b.path)));
    for f in &files {
        corpus.bytes += f.text.len();
        corpus.lines += f.text.lines().count();
        *corpus.per_language.entry(f.lang).or_insert(0) += 1;
    }
    corpus.files = files;
    Ok(corpus)
}

/// `path` relative to `root`, `/`-separated; the file name when `root` is the file itself.
fn label(root: &Path, path: &Path) -> String {
    let rel = match path.strip_prefix(root) {
        Ok(r) if !r.as_os_str().is_empty() => r,
        _ => path,
    };
    rel.to_string_lossy().replace('\\', "/")
}
