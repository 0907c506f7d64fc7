//! The built-in packs, embedded in the binary (see `build.rs`). This crate is data: every pack is
//! loaded through the engine's normal loader, and `tests/packs.rs` runs every pack's fixtures
//! through the same harness as `ppa test`.

include!(concat!(env!("OUT_DIR"), "/packs.rs"));

/// A built-in pack by name.
pub fn find(name: &str) -> Option<&'static ppa_engine::pack::EmbeddedSource> {
    PACKS.iter().find(|p| p.name == name)
}
