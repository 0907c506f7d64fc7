//! The `ppa` binary: glue around [`ppa_cli::run`].

/// mimalloc instead of the system allocator: predicates hand every node, string and record to
/// the script engine as a fresh allocation, and with glibc's allocator malloc/free took about a
/// tenth of a full check (callgrind, prefect corpus). Only the binaries choose an allocator; the
/// `ppa-engine` library leaves it to its embedder.
#[global_allocator]
static GLOBAL: ppa_cli::alloc::Allocator = ppa_cli::alloc::Allocator;

fn main() {
    ppa_cli::alloc::keep_freed_memory();
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // Unlocked handles: each write takes the lock briefly. Holding `stderr().lock()` for the
    // whole run would deadlock any worker thread that writes to stderr (a panic message, say).
    let code = ppa_cli::run(args, &mut std::io::stdout(), &mut std::io::stderr());
    std::process::exit(code);
}
