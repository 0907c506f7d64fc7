//! Embeds every built-in pack: each directory beside `src/` that holds a `pack.toml` becomes an
//! `EmbeddedSource` with its `.toml`, `.scm` and `.rhai` files (fixtures under `tests/` are not
//! embedded; they are read from disk by the test harness and `ppa test`).

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    // Read at run time: `env!` would bake in the directory the build script was compiled in,
    // and a target directory shared between checkouts would then embed another tree's packs.
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest_dir);
    println!("cargo:rerun-if-changed={}", root.display());
    let mut dirs: Vec<_> = std::fs::read_dir(root)
        .expect("packs directory")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("pack.toml").is_file())
        .collect();
    dirs.sort();
    let mut out = String::from("/// Built-in packs, sorted by name.\npub static PACKS: &[ppa_engine::pack::EmbeddedSource] = &[\n");
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy();
        println!("cargo:rerun-if-changed={}", dir.display());
        let mut files = Vec::new();
        collect(dir, dir, &mut files);
        files.sort();
        writeln!(
            out,
            "    ppa_engine::pack::EmbeddedSource {{ name: {name:?}, files: &["
        )
        .unwrap();
        for rel in files {
            let abs = dir.join(&rel);
            println!("cargo:rerun-if-changed={}", abs.display());
            writeln!(
                out,
                "        ({rel:?}, include_str!({:?})),",
                abs.display().to_string()
            )
            .unwrap();
        }
        writeln!(out, "    ] }},").unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("packs.rs");
    std::fs::write(dest, out).unwrap();
}

fn collect(base: &Path, dir: &Path, files: &mut Vec<String>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        let rel = p
            .strip_prefix(base)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if p.is_dir() {
            if rel != "tests" && rel != "examples" {
                collect(base, &p, files);
            }
        } else if ["toml", "scm", "rhai"]
            .iter()
            .any(|x| rel.ends_with(&format!(".{x}")))
        {
            files.push(rel);
        }
    }
}
