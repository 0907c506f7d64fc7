//! Allocator settings of the ppa binaries (`ppa`, `ppa-bench`), which use mimalloc.

#![allow(unsafe_code)] // reason: mimalloc's options are set and read through its C functions

/// mimalloc's `mi_option_purge_delay` in the numbering of the mimalloc the crate builds (v3):
/// the Rust bindings name only older options. `purge_delay_is_option_15` checks it.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Keeps freed memory for reuse instead of returning it to the system a second after it is
/// freed, unless the user set `MIMALLOC_PURGE_DELAY`.
///
/// A check frees each file's tables, caches and script values before the next file, and the
/// files of a large repository take several seconds; returned to the system, those pages were
/// taken back for later files, and the kernel zeroed them again (two-megabyte pages where the
/// system allows them). On prefect (863 files, one thread, six rounds) this halves the page
/// faults (17,000 to 8,300) for the same peak memory (~115 MB); the peak is what the process
/// holds at once either way. A short-lived command gains nothing from returning memory early.
/// Library embedders (the engine crate, the Python binding) keep their allocator's defaults.
pub fn keep_freed_memory() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets an integer option; mimalloc reads options atomically and any value is
        // valid (-1: never purge).
        unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Option 15 is the purge delay: its default (1000 ms) is that of no other option of
    /// mimalloc v3, and it takes the value set.
    #[test]
    fn purge_delay_is_option_15() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return;
        }
        // SAFETY: reads and sets an integer option.
        let default = unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
        assert_eq!(default, 1000);
        keep_freed_memory();
        assert_eq!(unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) }, -1);
    }
}
