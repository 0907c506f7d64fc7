//! The `ppa` binary: glue around [`ppa_cli::run`].

fn main() {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let code = ppa_cli::run(args, &mut stdout.lock(), &mut stderr.lock());
    std::process::exit(code);
}
