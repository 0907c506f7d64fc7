//! Allocator settings of the ppa binaries (`ppa`, `ppa-bench`), which use mimalloc.

#![allow(unsafe_code)] // reason: mimalloc is called through its C functions (options, allocation)

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

/// mimalloc as the global allocator, asked with the plain entry points when the alignment
/// asked for is one every block already has.
///
/// The `mimalloc` crate's allocator passes every request through `mi_malloc_aligned` (and
/// `mi_realloc_aligned`), whose checks and extra call cost about as much as the allocation's fast
/// path; a check allocates for every node handle, script value and string it makes (callgrind on
/// prefect: ~70 M instructions in the aligned wrappers). mimalloc aligns every block to the
/// machine word at least (its smallest size classes are multiples of it), so requests that
/// need no more take `mi_malloc`/`mi_realloc`/`mi_zalloc`; the others keep the aligned calls.
pub struct Allocator;

/// The alignment every mimalloc block has whatever its size: its size classes are multiples
/// of the word size.
const WORD_ALIGN: usize = std::mem::size_of::<usize>();

// SAFETY: every pointer comes from mimalloc with at least the layout's alignment (plain calls
// only when the alignment is at most the word, which all blocks have), and is freed or resized
// by mimalloc, which accepts pointers from both its plain and its aligned calls.
unsafe impl std::alloc::GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        if layout.align() <= WORD_ALIGN {
            unsafe { libmimalloc_sys::mi_malloc(layout.size()).cast() }
        } else {
            unsafe { libmimalloc_sys::mi_malloc_aligned(layout.size(), layout.align()).cast() }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        if layout.align() <= WORD_ALIGN {
            unsafe { libmimalloc_sys::mi_zalloc(layout.size()).cast() }
        } else {
            unsafe { libmimalloc_sys::mi_zalloc_aligned(layout.size(), layout.align()).cast() }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: std::alloc::Layout) {
        unsafe { libmimalloc_sys::mi_free(ptr.cast()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        if layout.align() <= WORD_ALIGN {
            unsafe { libmimalloc_sys::mi_realloc(ptr.cast(), new_size).cast() }
        } else {
            unsafe {
                libmimalloc_sys::mi_realloc_aligned(ptr.cast(), new_size, layout.align()).cast()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::alloc::{GlobalAlloc, Layout};

    /// Blocks of every size and alignment come back aligned, zeroed when asked, and keep their
    /// bytes when resized.
    #[test]
    fn allocator_aligns_every_block() {
        let a = Allocator;
        for align in [1usize, 2, 4, 8, 16, 32, 64, 4096] {
            for size in [1usize, 3, 8, 12, 24, 40, 100, 1000, 5000, 70_000] {
                let layout = Layout::from_size_align(size, align).expect("layout");
                // SAFETY: non-zero sizes; every block is freed once, with its layout.
                unsafe {
                    let p = a.alloc(layout);
                    assert!(!p.is_null());
                    assert_eq!(p as usize % align, 0, "size {size} align {align}");
                    p.write_bytes(0xAB, size);
                    let q = a.realloc(p, layout, size * 3);
                    assert_eq!(q as usize % align, 0, "realloc size {size} align {align}");
                    assert!((0..size).all(|i| *q.add(i) == 0xAB));
                    a.dealloc(q, Layout::from_size_align(size * 3, align).expect("layout"));
                    let z = a.alloc_zeroed(layout);
                    assert_eq!(z as usize % align, 0);
                    assert!((0..size).all(|i| *z.add(i) == 0));
                    a.dealloc(z, layout);
                }
            }
        }
    }

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
