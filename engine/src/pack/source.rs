//! Where pack files come from: a directory on disk or a table embedded in a binary.

use std::path::{Path, PathBuf};

/// Read access to the files of one pack.
/// `Sync`: a pack's detectors are compiled on several threads.
pub trait PackSource: Sync {
    /// How errors name the pack's files: `packs/asyncio` or the directory given to `--pack`.
    fn label(&self) -> String;
    /// The text of a file, by path relative to the pack directory (`/`-separated).
    fn read(&self, rel: &str) -> Result<String, String>;
    /// The pack's TOML files, `pack.toml` first, the rest sorted. Fixtures under `tests/` are not
    /// pack files.
    fn toml_files(&self) -> Vec<String>;
}

/// A pack directory on disk.
#[derive(Debug, Clone)]
pub struct DirSource {
    root: PathBuf,
}

impl DirSource {
    pub fn new(root: impl Into<PathBuf>) -> DirSource {
        DirSource { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
}

impl PackSource for DirSource {
    fn label(&self) -> String {
        self.root.display().to_string().replace('\\', "/")
    }

    fn read(&self, rel: &str) -> Result<String, String> {
        if rel.split('/').any(|s| s == "..") || Path::new(rel).is_absolute() {
            return Err(format!("`{rel}` is outside the pack directory"));
        }
        let path = self.root.join(rel);
        let bytes = std::fs::read(&path).map_err(|e| format!("cannot read `{rel}`: {e}"))?;
        String::from_utf8(bytes).map_err(|_| format!("`{rel}` is not valid UTF-8"))
    }

    fn toml_files(&self) -> Vec<String> {
        let mut extra: Vec<String> = std::fs::read_dir(&self.root)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                (name.ends_with(".toml") && name != "pack.toml" && e.path().is_file())
                    .then_some(name)
            })
            .collect();
        extra.sort();
        let mut files = vec!["pack.toml".to_string()];
        files.extend(extra);
        files
    }
}

/// A pack embedded in a binary: (relative path, text) pairs.
#[derive(Debug, Clone, Copy)]
pub struct EmbeddedSource {
    pub name: &'static str,
    pub files: &'static [(&'static str, &'static str)],
}

impl PackSource for EmbeddedSource {
    fn label(&self) -> String {
        format!("packs/{}", self.name)
    }

    fn read(&self, rel: &str) -> Result<String, String> {
        self.files
            .iter()
            .find(|(p, _)| *p == rel)
            .map(|(_, t)| (*t).to_string())
            .ok_or_else(|| format!("`{rel}` is not part of the embedded pack `{}`", self.name))
    }

    fn toml_files(&self) -> Vec<String> {
        let mut extra: Vec<String> = self
            .files
            .iter()
            .map(|(p, _)| (*p).to_string())
            .filter(|p| p.ends_with(".toml") && p != "pack.toml" && !p.contains('/'))
            .collect();
        extra.sort();
        let mut files = vec!["pack.toml".to_string()];
        files.extend(extra);
        files
    }
}
