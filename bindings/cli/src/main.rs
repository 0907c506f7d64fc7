//! The `ppa` binary: glue around [`ppa_cli::run`].

fn main() {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // Unlocked handles: each write takes the lock briefly. Holding `stderr().lock()` for the
    // whole run would deadlock any worker thread that writes to stderr (a panic message, say).
    let code = ppa_cli::run(args, &mut std::io::stdout(), &mut std::io::stderr());
    std::process::exit(code);
}
