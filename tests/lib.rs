//! Helpers for the end-to-end tests: run `ppa` in-process and capture what it prints.

use std::path::{Path, PathBuf};

/// What one run printed and returned.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// The JSON document of `--format json`.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", self.stdout, self.stderr))
    }
}

/// Runs `ppa` with these arguments (without the program name).
pub fn ppa<S: AsRef<str>>(args: &[S]) -> Output {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let argv: Vec<String> = std::iter::once("ppa".to_string())
        .chain(args.iter().map(|a| a.as_ref().to_string()))
        .collect();
    let code = ppa_cli::run(argv, &mut out, &mut err);
    Output {
        code,
        stdout: String::from_utf8_lossy(&out).into_owned(),
        stderr: String::from_utf8_lossy(&err).into_owned(),
    }
}

/// `ppa check --root DIR DIR --no-results-log --format json EXTRA…`: a project checked as its
/// users would check it, without writing its results log. The end-to-end tests of the example
/// services all start here.
pub fn check_json(root: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "check",
        "--root",
        root,
        root,
        "--no-results-log",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    ppa(&args)
}

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("repository root")
        .to_path_buf()
}

/// A path inside the repository, as a string argument.
pub fn repo_path(rel: &str) -> String {
    repo().join(rel).to_string_lossy().into_owned()
}

/// Writes files (relative path, content) under a directory.
pub fn write_tree(dir: &Path, files: &[(&str, &[u8])]) {
    for (rel, content) in files {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, content).expect("write");
    }
}
