//! With the `detector-probes` feature (a profiling aid, never in a release of the CLI), writes
//! `probes.rs`: one never-inlined function per detector index and a dispatcher. See `probes` in
//! src/engine.rs.

use std::fmt::Write as _;

/// More detectors than any one language plan holds; the rest share the last probe.
const PROBES: usize = 256;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
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
