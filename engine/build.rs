//! Compiles csrc/walk.c, the node table's walk over a tree-sitter tree, against the internal
//! headers of the tree-sitter sources the library itself is built from (tree-sitter's build
//! script publishes its include directory; its sources sit beside it).
//!
//! With the `detector-probes` feature (a profiling aid, never in a release of the CLI), writes
//! `probes.rs`: one never-inlined function per detector index and a dispatcher. See `probes` in
//! src/engine.rs.

use std::fmt::Write as _;

/// More detectors than any one language plan holds; the rest share the last probe.
const PROBES: usize = 256;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    compile_walk();
    if std::env::var_os("CARGO_FEATURE_DETECTOR_PROBES").is_none() {
        return;
    }
    let mut out = String::new();
    for i in 0..PROBES {
        // The `black_box`es keep the bodies distinct, so that the linker does not fold them.
        let _ = writeln!(
            out,
            "#[inline(never)]\npub(super) fn probe_{i}(f: impl FnOnce()) {{ std::hint::black_box({i}usize); f(); std::hint::black_box({i}usize); }}"
        );
    }
    out.push_str("pub(super) fn dispatch(i: usize, f: impl FnOnce()) {\n    match i {\n");
    for i in 0..PROBES - 1 {
        let _ = writeln!(out, "        {i} => probe_{i}(f),");
    }
    let _ = writeln!(out, "        _ => probe_{}(f),\n    }}\n}}", PROBES - 1);
    let dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(std::path::Path::new(&dir).join("probes.rs"), out).expect("write probes.rs");
}

fn compile_walk() {
    println!("cargo::rerun-if-changed=csrc/walk.c");
    let include = std::path::PathBuf::from(
        std::env::var_os("DEP_TREE_SITTER_INCLUDE")
            .expect("tree-sitter's build script publishes its include directory"),
    );
    let src = include
        .parent()
        .expect("tree-sitter's include directory sits in its crate")
        .join("src");
    cc::Build::new()
        .std("c11")
        .include(&include)
        .include(&src)
        .file("csrc/walk.c")
        .warnings(true)
        // Unwind tables: a panic in a Rust callback unwinds through the walk (tree_walk.rs).
        .flag("-fexceptions")
        .flag_if_supported("-Wno-unused-parameter")
        .flag_if_supported("-Wno-unused-function")
        .compile("ppa-walk");
}
