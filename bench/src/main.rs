//! ppa-bench: the cost of a full check against its floor, the time tree-sitter needs to parse
//! the same files, measured in one run (see `bench/README.md` and DESIGN.md, "Performance
//! model").
//!
//! 1. Walk the directory like `ppa check`, keep the files some active detector runs on, and read
//!    them into memory up front (no I/O in either timed phase).
//! 2. Build the engine with the built-in catalogue and packs (timed on its own).
//! 3. Alternate, `--runs` times after `--warmup` untimed rounds: parse every file (parse-only),
//!    then `Engine::check_source` every file (full check), both in parallel on the same rayon
//!    pool. Report the medians and their ratio.
//! 4. Peak memory is the kernel's high-water mark (`VmHWM`) of this process.

mod corpus;
mod separate;

use clap::Parser;

/// The allocator of the `ppa` binary (see bindings/cli/src/main.rs), so that the benchmark
/// measures what users run.
#[global_allocator]
static GLOBAL: ppa_cli::alloc::Allocator = ppa_cli::alloc::Allocator;

use ppa_engine::{pack::EmbeddedSource, EngineBuilder, FileReport, Level};
use rayon::prelude::*;
use serde_json::json;
use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// The engine's first packs, sorted (the target of [`ratio_target`] compares sorted names).
const FIRST_PACKS: [&str; 2] = ["asyncio", "python-core"];
/// Targets of the ratio of a full check to parse-only (DESIGN.md, "Performance model"): 1.3x
/// with the engine's first packs, 1.5x with every Python pack.
const FIRST_PACKS_TARGET: f64 = 1.3;
const EVERY_PACK_TARGET: f64 = 1.5;
/// Target peak memory, MB (DESIGN.md).
const PEAK_TARGET_MB: f64 = 200.0;

/// The target that applies to the packs the benchmark runs, and what it is for: 1.3x for the
/// engine's first packs alone, 1.5x for every built-in pack (which holds every Python pack;
/// the other languages' packs do not run on Python files). Other selections have none.
fn ratio_target(selected: &[String]) -> Option<(f64, &'static str)> {
    let mut names: Vec<&str> = selected.iter().map(String::as_str).collect();
    names.sort_unstable();
    names.dedup();
    if selected.is_empty() {
        Some((EVERY_PACK_TARGET, "every built-in pack"))
    } else if names == FIRST_PACKS {
        Some((FIRST_PACKS_TARGET, "asyncio + python-core"))
    } else {
        None
    }
}

/// Times a full ppa check against tree-sitter parse-only on the same files, in one run.
#[derive(Debug, Parser)]
#[command(name = "ppa-bench", version, args_override_self = true)]
struct Args {
    /// Directory (or file) to benchmark on.
    path: PathBuf,
    /// Timed runs of each phase; medians are reported.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
    runs: u32,
    /// Untimed warm-up runs of each phase before the timed ones.
    #[arg(long, default_value_t = 1)]
    warmup: u32,
    /// Worker threads for every parallel phase (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Only these built-in packs, comma-separated (default: every built-in pack).
    #[arg(long, value_delimiter = ',')]
    packs: Vec<String>,
    /// Also skip what `ppa check` skips by default (tests, vendored and generated code,
    /// migrations).
    #[arg(long)]
    default_excludes: bool,
    /// Also time every detector's query as its own pass, and one engine per check.
    #[arg(long)]
    compare_separate: bool,
    /// Also run one untimed check that counts, per query, the nodes it ran on and its matches
    /// (the 25 busiest queries are listed): where to look when the ratio grows.
    #[arg(long)]
    query_stats: bool,
    /// Also time the check with an engine built without its facts phase (no extractors, no
    /// function index) and report the share of the full check the facts take.
    #[arg(long)]
    facts_share: bool,
    /// Also time the check with an engine whose rhai predicates answer `false` without running
    /// (no finding or record from a scripted detector) and report the share of the full check
    /// the predicates take, and the ratio to parse-only without them: what the rest of the
    /// engine costs.
    #[arg(long)]
    predicates_share: bool,
    /// With `--predicates-share`: switch off only the predicates of these detectors and
    /// extractors (`pack/name`, comma-separated), to measure what they cost (e.g. a set of
    /// extractors whose work a change would spare).
    #[arg(long, value_delimiter = ',', requires = "predicates_share")]
    predicates_of: Vec<String>,
    /// Print where the predicates' time went, by script line and by function (needs the
    /// `script-profile` feature: `cargo run --release -p ppa-bench --features script-profile`;
    /// use with `--runs 1 --warmup 0 --threads 1`).
    #[arg(long)]
    script_profile: bool,
    /// How many of the costliest script lines `--script-profile` lists.
    #[arg(long, default_value_t = 80)]
    script_profile_lines: usize,
    /// Skip the end-to-end timing of the `ppa` binary (run when it is built beside ppa-bench).
    #[arg(long)]
    no_end_to_end: bool,
    /// Write every fact record of the last check round to FILE, one JSON object per line,
    /// sorted: compare two builds record by record (`diff`) when a change should not alter what
    /// the extractors find.
    #[arg(long, value_name = "FILE")]
    dump_records: Option<PathBuf>,
    /// JSON output.
    #[arg(long)]
    json: bool,
}

/// The `ppa` binary of the same build, beside this one (`cargo build --release -p ppa-cli`).
fn ppa_binary() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let ppa = exe.with_file_name(format!("ppa{}", std::env::consts::EXE_SUFFIX));
    ppa.is_file().then_some(ppa)
}

/// Wall-clock times of `ppa check` as a user runs it, one process per run: discovery, engine
/// build, reading and checking the files, the project phase and the JSON report (to a sink),
/// with the benchmark's packs, threads and file selection. The per-file check above leaves the
/// rest out; this is what it costs in all.
fn end_to_end(
    ppa: &std::path::Path,
    args: &Args,
    packs: &[&EmbeddedSource],
    threads: usize,
) -> Result<Vec<f64>, String> {
    let mut cmd_args: Vec<String> = vec![
        "check".into(),
        args.path.display().to_string(),
        "--threads".into(),
        threads.to_string(),
        "--format".into(),
        "json".into(),
        "--fail-on".into(),
        "never".into(),
        "--no-results-log".into(),
    ];
    if !args.default_excludes {
        cmd_args.push("--no-default-excludes".into());
    }
    for p in packs {
        cmd_args.push("--pack".into());
        cmd_args.push(p.name.to_string());
    }
    let mut samples = Vec::new();
    for i in 0..(args.warmup + args.runs) as usize {
        let (ms, out) = timed(|| {
            std::process::Command::new(ppa)
                .args(&cmd_args)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .output()
        });
        let out = out.map_err(|e| format!("cannot run {}: {e}", ppa.display()))?;
        if out.status.code() != Some(0) {
            return Err(format!(
                "`ppa {}` exited with {}: {}",
                cmd_args.join(" "),
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        if i >= args.warmup as usize {
            samples.push(ms);
        }
    }
    Ok(samples)
}

/// The predicates' steps and time per script line, per function and per predicate
/// (`--script-profile`).
#[cfg(feature = "script-profile")]
fn script_profile(o: &mut impl std::io::Write, max_lines: usize) {
    use std::collections::HashMap;
    let lines = ppa_engine::script::profile::take();
    let total: f64 = lines.iter().map(|(_, c)| c.time.as_secs_f64()).sum();
    let steps: u64 = lines.iter().map(|(_, c)| c.steps).sum();
    let _ = writeln!(
        o,
        "script profile: {steps} steps, {:.1} ms in predicates (slowed down by the profiler)",
        total * 1e3
    );
    let row = |o: &mut dyn std::io::Write, name: &str, steps: u64, secs: f64| {
        let _ = writeln!(
            o,
            "  {:>10} {:>9.1} ms {:>5.1}%  {name}",
            steps,
            secs * 1e3,
            100.0 * secs / total.max(1e-12)
        );
    };
    let mut by_fn: HashMap<(String, String), (u64, f64)> = HashMap::new();
    let mut by_source: HashMap<String, (u64, f64)> = HashMap::new();
    for (l, c) in &lines {
        let f = by_fn
            .entry((l.source.clone(), l.function.clone()))
            .or_default();
        f.0 += c.steps;
        f.1 += c.time.as_secs_f64();
        let s = by_source.entry(l.source.clone()).or_default();
        s.0 += c.steps;
        s.1 += c.time.as_secs_f64();
    }
    let _ = writeln!(o, "by predicate (its functions included):");
    let mut v: Vec<_> = by_source.into_iter().collect();
    v.sort_by(|a, b| b.1 .1.total_cmp(&a.1 .1));
    for (name, (st, t)) in v.iter().take(30) {
        row(o, name, *st, *t);
    }
    let _ = writeln!(
        o,
        "by function (lines of a library function are the library's):"
    );
    let mut v: Vec<_> = by_fn.into_iter().collect();
    v.sort_by(|a, b| b.1 .1.total_cmp(&a.1 .1));
    for ((source, f), (st, t)) in v.iter().take(40) {
        let f = if f.is_empty() { "<body>" } else { f };
        row(o, &format!("{f}  [{source}]"), *st, *t);
    }
    let _ = writeln!(o, "by line:");
    for (l, c) in lines.iter().take(max_lines) {
        let f = if l.function.is_empty() {
            "<body>"
        } else {
            &l.function
        };
        row(
            o,
            &format!("{f}:{}  [{}]", l.line, l.source),
            c.steps,
            c.time.as_secs_f64(),
        );
    }
}

#[cfg(not(feature = "script-profile"))]
fn script_profile(o: &mut impl std::io::Write, _max_lines: usize) {
    let _ = writeln!(
        o,
        "script profile: build with `--features script-profile` to collect one"
    );
}

fn main() -> ExitCode {
    // The allocator settings of `ppa` (ppa_cli::alloc), so that both measure the same thing.
    ppa_cli::alloc::keep_freed_memory();
    match run(Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ppa-bench: {e}");
            ExitCode::from(2)
        }
    }
}

/// The median of the samples (mean of the middle two for an even count).
pub(crate) fn median(samples: &[f64]) -> f64 {
    let mut v = samples.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => 0.0,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// Checks every file with `check` (one of the `check_one_*` functions); the number of findings.
fn check_all(
    engine: &ppa_engine::Engine,
    files: &[corpus::SourceFile],
    check: fn(&ppa_engine::Engine, &corpus::SourceFile) -> FileReport,
) -> usize {
    files
        .par_iter()
        .map(|f| check(engine, f).findings.len())
        .sum()
}

/// Runs `phases` one after another, `warmup` + `runs` times, and gives each one's median time
/// over the timed rounds (ms). Interleaved, so that drift (other load, frequency scaling) hits
/// every phase alike.
fn interleaved(warmup: usize, runs: usize, phases: &mut [&mut dyn FnMut() -> usize]) -> Vec<f64> {
    let mut times = vec![Vec::new(); phases.len()];
    for i in 0..warmup + runs {
        for (phase, t) in phases.iter_mut().zip(&mut times) {
            let (ms, _) = timed(&mut **phase);
            if i >= warmup {
                t.push(ms);
            }
        }
    }
    times.iter().map(|t| median(t)).collect()
}

/// Parses one file and drops the tree; whether it parsed. Not inlined, so that profilers
/// (bench/callgrind.sh) see each phase as one function.
#[inline(never)]
fn parse_one(f: &corpus::SourceFile) -> bool {
    ppa_engine::parse(f.lang, &f.text).is_some()
}

/// `--predicates-share`: [`parse_one`] in that option's rounds, so that bench/callgrind.sh counts
/// the main rounds' parse-only apart from theirs.
#[inline(never)]
fn parse_one_for_share(f: &corpus::SourceFile) -> bool {
    std::hint::black_box("predicates share");
    ppa_engine::parse(f.lang, &f.text).is_some()
}

/// Checks one file. Not inlined, for the same reason as [`parse_one`].
#[inline(never)]
fn check_one(engine: &ppa_engine::Engine, f: &corpus::SourceFile) -> FileReport {
    engine.check_source(&f.path, &f.text)
}

/// `--facts-share`: one file checked by the full engine and by the engine built without facts,
/// each its own function so that bench/callgrind.sh can count their instructions apart from the
/// main rounds'.
/// (The `black_box` tags keep the three check functions from being merged into one symbol:
/// their bodies would otherwise be identical.)
#[inline(never)]
fn check_one_with_facts(engine: &ppa_engine::Engine, f: &corpus::SourceFile) -> FileReport {
    std::hint::black_box("with facts");
    engine.check_source(&f.path, &f.text)
}

#[inline(never)]
fn check_one_without_facts(engine: &ppa_engine::Engine, f: &corpus::SourceFile) -> FileReport {
    std::hint::black_box("without facts");
    engine.check_source(&f.path, &f.text)
}

/// `--predicates-share`: one file checked by the full engine and by the engine whose predicates
/// do not run (see `check_one_with_facts` for the tags).
#[inline(never)]
fn check_one_with_predicates(engine: &ppa_engine::Engine, f: &corpus::SourceFile) -> FileReport {
    std::hint::black_box("with predicates");
    engine.check_source(&f.path, &f.text)
}

#[inline(never)]
fn check_one_without_predicates(engine: &ppa_engine::Engine, f: &corpus::SourceFile) -> FileReport {
    std::hint::black_box("without predicates");
    engine.check_source(&f.path, &f.text)
}

fn timed<R>(f: impl FnOnce() -> R) -> (f64, R) {
    let t = Instant::now();
    let r = f();
    (t.elapsed().as_secs_f64() * 1e3, r)
}

/// A `/proc/self/status` field in MB (Linux; `None` elsewhere).
fn status_mb(key: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    let kb: f64 = line[key.len()..]
        .trim_start_matches(':')
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

fn selected_packs(names: &[String]) -> Result<Vec<&'static EmbeddedSource>, String> {
    if names.is_empty() {
        return Ok(ppa_packs::PACKS.iter().collect());
    }
    names
        .iter()
        .map(|n| {
            ppa_packs::find(n).ok_or_else(|| {
                let known: Vec<&str> = ppa_packs::PACKS.iter().map(|p| p.name).collect();
                format!("unknown pack `{n}` (built-in: {})", known.join(", "))
            })
        })
        .collect()
}

/// A builder with the built-in catalogue and the chosen packs loaded.
fn builder(packs: &[&EmbeddedSource]) -> Result<EngineBuilder, String> {
    let catalog = ppa_rules::catalog().map_err(|e| format!("built-in catalogue: {e:?}"))?;
    let mut builder = EngineBuilder::new(catalog);
    for p in packs {
        builder
            .load_pack(*p)
            .map_err(|e| format!("pack `{}`: {e}", p.name))?;
    }
    Ok(builder)
}

/// Statistics of one phase, in milliseconds.
fn stats(samples: &[f64]) -> serde_json::Value {
    let min = samples.iter().copied().fold(f64::INFINITY, f64::min);
    let max = samples.iter().copied().fold(0.0, f64::max);
    json!({ "median_ms": median(samples), "min_ms": min, "max_ms": max, "runs_ms": samples })
}

fn run(args: Args) -> Result<(), String> {
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| e.to_string())?;
    let packs = selected_packs(&args.packs)?;
    let target = ratio_target(&args.packs);
    let rss_start = status_mb("VmRSS");

    // Engine construction: pack loading, query and script compilation.
    let (build_ms, built) = timed(|| builder(&packs).map(EngineBuilder::build));
    let (engine, build_diagnostics) = built?;
    let detectors: usize = engine.packs().iter().map(|p| p.detectors.len()).sum();
    let rss_engine = status_mb("VmRSS");

    let corpus = corpus::load(&args.path, &engine, args.default_excludes)?;
    if corpus.files.is_empty() {
        return Err(format!(
            "no file under `{}` is in a language an active detector runs on ({})",
            args.path.display(),
            engine
                .languages()
                .iter()
                .map(|l| l.name())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    // The queries of the corpus's languages compile on first use; compile them here so the
    // build time includes them and the timed rounds do not.
    let langs: Vec<ppa_engine::Language> = corpus.per_language.keys().copied().collect();
    let (prepare_ms, plan_warnings) = timed(|| engine.prepare(&langs));
    let build_ms = build_ms + prepare_ms;
    let mut build_diagnostics = build_diagnostics;
    build_diagnostics.extend(plan_warnings);
    let rss_loaded = status_mb("VmRSS");
    let files = &corpus.files;

    let parse_pass = || -> usize { files.par_iter().filter(|f| !parse_one(f)).count() };
    let check_pass =
        || -> Vec<FileReport> { files.par_iter().map(|f| check_one(&engine, f)).collect() };

    let (runs, warmup) = (args.runs as usize, args.warmup as usize);
    let (mut parse_ms, mut check_ms) = (Vec::new(), Vec::new());
    let mut parse_failures = 0;
    let mut reports = Vec::new();
    pool.install(|| {
        // Interleaved, so drift (other load, frequency scaling) hits both phases alike.
        for i in 0..warmup + runs {
            let (p, failures) = timed(parse_pass);
            // The reports of the previous round are dropped here, outside the timed region;
            // a front-end keeps them for output anyway.
            let (c, r) = timed(check_pass);
            parse_failures = failures;
            reports = r;
            if i >= warmup {
                parse_ms.push(p);
                check_ms.push(c);
            }
        }
    });
    let peak = status_mb("VmHWM");

    if let Some(out) = &args.dump_records {
        let mut lines: Vec<String> = reports
            .iter()
            .flat_map(|r| r.records.iter())
            .map(|rec| {
                json!({
                    "fact": rec.fact, "file": rec.file, "line": rec.line, "column": rec.column,
                    "extractor": rec.extractor, "data": rec.data,
                })
                .to_string()
            })
            .collect();
        lines.sort();
        let mut text = lines.join("\n");
        text.push('\n');
        std::fs::write(out, text).map_err(|e| format!("{}: {e}", out.display()))?;
    }

    // The project phase of the last round: facts merged in path order, then execution contexts
    // (F10 entry points, F11 call graph) built from the files' function indexes.
    let (project_ms, (functions, hot)) = timed(|| {
        let records = reports
            .iter()
            .flat_map(|r| r.records.iter().cloned())
            .collect();
        let facts = ppa_engine::project::Facts::from_records(records);
        let graphs: Vec<_> = reports.iter_mut().filter_map(|r| r.graph.take()).collect();
        if graphs.is_empty() {
            return (0, 0);
        }
        let opts = ppa_engine::exec_context::Options {
            classify_tests: true,
            go_modules: Vec::new(),
        };
        let cx = ppa_engine::exec_context::ExecContext::build(&graphs, &facts, &opts);
        let hot = cx.functions().iter().filter(|f| f.hot).count();
        (cx.functions().len(), hot)
    });

    // What the last check run found.
    let mut per_check: BTreeMap<&str, usize> = BTreeMap::new();
    let mut per_detector: BTreeMap<&str, usize> = BTreeMap::new();
    let (mut suppressed, mut script_errors, mut broken_files) = (0, 0, 0);
    for r in &reports {
        for f in &r.findings {
            *per_check.entry(&f.check).or_insert(0) += 1;
            *per_detector.entry(&f.detector).or_insert(0) += 1;
        }
        suppressed += r.suppressed;
        script_errors += r
            .diagnostics
            .iter()
            .filter(|d| d.level == Level::Error)
            .count();
        broken_files +=
            r.diagnostics
                .iter()
                .any(|d| d.message.starts_with("file has syntax errors")) as usize;
    }
    let findings: usize = per_check.values().sum();

    let separate = if args.compare_separate {
        let make = || builder(&packs).expect("the packs loaded once already");
        Some(pool.install(|| separate::compare(&engine, make, files, runs, warmup)))
    } else {
        None
    };

    // The facts phase's share: the same files checked by an engine without extractors and
    // function index, interleaved with the full check so that drift hits both alike.
    let facts_share = if args.facts_share {
        let bare = builder(&packs)?.without_facts().build().0;
        bare.prepare(&langs);
        let m = pool.install(|| {
            interleaved(
                warmup,
                runs,
                &mut [
                    &mut || check_all(&engine, files, check_one_with_facts),
                    &mut || check_all(&bare, files, check_one_without_facts),
                ],
            )
        });
        Some((m[0], m[1]))
    } else {
        None
    };

    // The predicates' share: the same files checked by an engine whose scripts do not run,
    // interleaved with parse-only and the full check so that drift hits all three alike.
    let predicates_share = if args.predicates_share {
        let bare = if args.predicates_of.is_empty() {
            builder(&packs)?.without_predicates()
        } else {
            builder(&packs)?.without_predicates_of(&args.predicates_of)?
        }
        .build()
        .0;
        bare.prepare(&langs);
        let m = pool.install(|| {
            interleaved(
                warmup,
                runs,
                &mut [
                    &mut || files.par_iter().filter(|f| parse_one_for_share(f)).count(),
                    &mut || check_all(&engine, files, check_one_with_predicates),
                    &mut || check_all(&bare, files, check_one_without_predicates),
                ],
            )
        });
        Some((m[0], m[1], m[2]))
    } else {
        None
    };

    // Untimed: the counters are shared between threads and would disturb the timings.
    let query_stats = if args.query_stats {
        let counting = builder(&packs)?.count_queries().build().0;
        pool.install(|| {
            files.par_iter().for_each(|f| {
                check_one(&counting, f);
            })
        });
        counting.query_stats()
    } else {
        Vec::new()
    };

    let end_to_end_ms = match (args.no_end_to_end, ppa_binary()) {
        (true, _) | (_, None) => None,
        (false, Some(ppa)) => Some(end_to_end(&ppa, &args, &packs, threads)?),
    };

    let (parse_med, check_med) = (median(&parse_ms), median(&check_ms));
    let ratio = check_med / parse_med;
    let mb = |v: Option<f64>| v.map_or(serde_json::Value::Null, |v| json!(v));
    let mut out = json!({
        "path": args.path.display().to_string(),
        "threads": threads,
        "runs": runs,
        "warmup": warmup,
        "corpus": {
            "files": files.len(),
            "bytes": corpus.bytes,
            "lines": corpus.lines,
            "per_language": corpus.per_language.iter().map(|(l, n)| (l.name(), *n)).collect::<BTreeMap<_, _>>(),
            "skipped": corpus.skipped,
            "parse_failures": parse_failures,
            "files_with_syntax_errors": broken_files,
        },
        "engine": {
            "packs": engine.packs().iter().map(|p| p.meta.name.as_str()).collect::<Vec<_>>(),
            "detectors": detectors,
            "active_checks": engine.active_checks().len(),
            "build_ms": build_ms,
            "build_diagnostics": build_diagnostics.len(),
        },
        "parse_only": stats(&parse_ms),
        "check": stats(&check_ms),
        "ratio": ratio,
        "ratio_target": target.map(|t| t.0),
        "ratio_target_for": target.map(|t| t.1),
        "end_to_end": end_to_end_ms.as_ref().map(|v| json!({
            "ms": stats(v),
            "ratio": median(v) / parse_med,
        })),
        "project_phase": {
            "ms": project_ms,
            "functions": functions,
            "hot_functions": hot,
        },
        "predicates_share": predicates_share.map(|(parse, with, without)| json!({
            "of": if args.predicates_of.is_empty() { json!("every predicate") } else { json!(args.predicates_of) },
            "parse_only_ms": parse,
            "check_ms": with,
            "check_without_predicates_ms": without,
            "predicates_ms": with - without,
            "share": (with - without) / with,
            "ratio_with": with / parse,
            "ratio_without": without / parse,
        })),
        "facts_share": facts_share.map(|(with, without)| json!({
            "check_ms": with,
            "check_without_facts_ms": without,
            "facts_ms": with - without,
            "added": (with - without) / without,
            "share": (with - without) / with,
        })),
        "findings": {
            "total": findings,
            "per_check": per_check,
            "per_detector": per_detector,
            "suppressed": suppressed,
            "script_errors": script_errors,
        },
        "memory_mb": {
            "rss_start": mb(rss_start),
            "rss_after_engine_build": mb(rss_engine),
            "rss_after_load": mb(rss_loaded),
            "peak": mb(peak),
            "peak_target": PEAK_TARGET_MB,
        },
    });
    if let Some(s) = &separate {
        out["separate"] = json!({
            "detectors": s.detectors,
            "nodes": s.nodes,
            "parse_plus_bare_walk_ms": s.bare_walk_ms,
            "bare_walk_ms": s.bare_walk_ms - parse_med,
            "parse_plus_dispatch_walk_ms": s.dispatch_walk_ms,
            "dispatch_walk_ms": s.dispatch_walk_ms - parse_med,
            "dispatch_matches": s.dispatch_matches,
            "parse_plus_merged_walk_ms": s.merged_walk_ms,
            "parse_plus_separate_walks_ms": s.separate_walks_ms,
            "merged_walk_ms": s.merged_walk_ms - parse_med,
            "separate_walks_ms": s.separate_walks_ms - parse_med,
            "merged_matches": s.merged_matches,
            "separate_matches": s.separate_matches,
            "per_detector_walk_cpu_ms": s.per_detector_ms.iter().cloned().collect::<BTreeMap<_, _>>(),
            "checks": s.checks,
            "engine_per_check_ms": s.engine_per_check_ms,
            "engine_per_check_findings": s.engine_per_check_findings,
        });
    }

    // Write errors (a closed pipe) are ignored: the measurements are done.
    let mut o = std::io::stdout().lock();
    if !query_stats.is_empty() {
        out["queries"] = query_stats
            .iter()
            .map(|q| {
                json!({
                    "language": q.language.to_string(),
                    "detectors": q.detectors,
                    "runs": q.runs,
                    "matches": q.matches,
                    "ms": q.nanos as f64 / 1e6,
                })
            })
            .collect();
    }
    if args.json {
        let _ = writeln!(
            o,
            "{}",
            serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?
        );
        return Ok(());
    }

    let langs: Vec<String> = corpus
        .per_language
        .iter()
        .map(|(l, n)| format!("{n} {l}"))
        .collect();
    let _ = writeln!(
        o,
        "ppa-bench {} ({threads} thread(s), median of {runs} runs after {warmup} warm-up)",
        args.path.display()
    );
    let _ = writeln!(
        o,
        "files        {} ({}), {:.1} MB, {} lines",
        files.len(),
        langs.join(", "),
        corpus.bytes as f64 / 1e6,
        corpus.lines
    );
    for (why, n) in &corpus.skipped {
        let _ = writeln!(o, "  skipped    {n} ({why})");
    }
    if broken_files > 0 || parse_failures > 0 {
        let _ = writeln!(o, "  syntax     {broken_files} file(s) with syntax errors, {parse_failures} parse failure(s)");
    }
    let _ = writeln!(
        o,
        "engine       {} pack(s) [{}], {detectors} detectors, {} checks; build {build_ms:.1} ms{}",
        engine.packs().len(),
        out["engine"]["packs"]
            .as_array()
            .map(|a| a
                .iter()
                .filter_map(|v| v.as_str())
                .collect::<Vec<_>>()
                .join(", "))
            .unwrap_or_default(),
        engine.active_checks().len(),
        if build_diagnostics.is_empty() {
            String::new()
        } else {
            format!(" ({} warning(s))", build_diagnostics.len())
        }
    );
    let range = |v: &[f64]| {
        let min = v.iter().copied().fold(f64::INFINITY, f64::min);
        let max = v.iter().copied().fold(0.0, f64::max);
        format!("(min {min:.1}, max {max:.1})")
    };
    let _ = writeln!(o, "parse-only   {parse_med:>8.1} ms  {}", range(&parse_ms));
    let _ = writeln!(o, "full check   {check_med:>8.1} ms  {}", range(&check_ms));
    let _ = match target {
        Some((t, what)) => writeln!(
            o,
            "ratio        {ratio:>8.2}x    (target with {what} <= {t}x: {})",
            if ratio <= t { "met" } else { "NOT met" }
        ),
        None => writeln!(
            o,
            "ratio        {ratio:>8.2}x    (targets: {FIRST_PACKS_TARGET}x with {}, {EVERY_PACK_TARGET}x with every built-in pack)",
            FIRST_PACKS.join(" + ")
        ),
    };
    match &end_to_end_ms {
        Some(v) => {
            let _ = writeln!(
                o,
                "end to end   {:>8.1} ms  {}  {:.2}x parse-only: `ppa check` as a process (discovery, engine build, check, project phase, report)",
                median(v),
                range(v),
                median(v) / parse_med
            );
        }
        None if !args.no_end_to_end => {
            let _ = writeln!(
                o,
                "end to end   n/a (build the ppa binary beside ppa-bench: cargo build --release -p ppa-cli)"
            );
        }
        None => {}
    }
    if functions > 0 {
        let _ = writeln!(
            o,
            "project      {project_ms:>8.1} ms  (facts and execution contexts: {functions} functions, {hot} hot)"
        );
    }
    if let Some((parse, with, without)) = predicates_share {
        if !args.predicates_of.is_empty() {
            let _ = writeln!(o, "predicates of {}:", args.predicates_of.join(", "));
        }
        let _ = writeln!(
            o,
            "predicates   {:>8.1} ms  {:.1}% of the full check ({with:.1} ms); without them {without:.1} ms, {:.2}x parse-only ({parse:.1} ms; with them {:.2}x)",
            with - without,
            100.0 * (with - without) / with,
            without / parse,
            with / parse
        );
    }
    if let Some((with, without)) = facts_share {
        let _ = writeln!(
            o,
            "facts        {:>8.1} ms  add {:.1}% to the check without extractors and function index ({without:.1} ms; {:.1}% of the full check, {with:.1} ms)",
            with - without,
            100.0 * (with - without) / without,
            100.0 * (with - without) / with
        );
    }
    let _ = writeln!(
        o,
        "findings     {findings}{}",
        if suppressed > 0 {
            format!(" (+{suppressed} suppressed inline)")
        } else {
            String::new()
        }
    );
    for (check, n) in &per_check {
        let _ = writeln!(o, "  {n:>6}     {check}");
    }
    if script_errors > 0 {
        let _ = writeln!(
            o,
            "  errors     {script_errors} predicate error diagnostic(s)"
        );
    }
    let fmt_mb = |v: Option<f64>| v.map_or("n/a".to_string(), |v| format!("{v:.1} MB"));
    let _ = writeln!(
            o,
        "memory       peak {} (target <= {PEAK_TARGET_MB} MB); RSS {} at start, {} after engine build, {} after loading files",
        fmt_mb(peak),
        fmt_mb(rss_start),
        fmt_mb(rss_engine),
        fmt_mb(rss_loaded)
    );
    if let Some(s) = &separate {
        let _ = writeln!(
            o,
            "separate     {} detector queries, {} checks",
            s.detectors, s.checks
        );
        let _ = writeln!(
            o,
            "  bare walk  every node with a TreeCursor, no query: {:.1} ms ({} nodes; parse subtracted)",
            s.bare_walk_ms - parse_med,
            s.nodes
        );
        let _ = writeln!(
            o,
            "  kinds      query walk of the root kinds only (C walk as a filter): {:.1} ms ({} nodes; parse subtracted)",
            s.kinds_walk_ms - parse_med,
            s.kind_nodes
        );
        let _ = writeln!(
            o,
            "  dispatch   bare walk + merged query anchored on nodes of its root kinds: {:.1} ms ({} matches)",
            s.dispatch_walk_ms - parse_med,
            s.dispatch_matches
        );
        let _ = writeln!(
            o,
            "  walk       merged {:.1} ms, each detector its own pass {:.1} ms (parse subtracted; {} vs {} matches)",
            s.merged_walk_ms - parse_med,
            s.separate_walks_ms - parse_med,
            s.merged_matches,
            s.separate_matches
        );
        for (name, ms) in &s.per_detector_ms {
            let _ = writeln!(o, "  {ms:>8.1} ms CPU  {name} (its own query walk)");
        }
        let _ = writeln!(
            o,
            "  engines    one engine per check, run in turn: {:.1} ms ({:.2}x the merged check; {} findings)",
            s.engine_per_check_ms,
            s.engine_per_check_ms / check_med,
            s.engine_per_check_findings
        );
    }
    if args.script_profile {
        script_profile(&mut o, args.script_profile_lines);
    }
    if !query_stats.is_empty() {
        let _ = writeln!(
            o,
            "queries      the busiest of {} (one untimed check): runs, matches, ms, detectors",
            query_stats.len()
        );
        let row = |q: &ppa_engine::QueryStat| {
            format!(
                "  {:>9} {:>9} {:>8.1}  {} {}",
                q.runs,
                q.matches,
                q.nanos as f64 / 1e6,
                q.language,
                q.detectors.join(", ")
            )
        };
        for q in query_stats.iter().take(25) {
            let _ = writeln!(o, "{}", row(q));
        }
        let mut costly: Vec<&ppa_engine::QueryStat> = query_stats.iter().collect();
        costly.sort_by_key(|q| std::cmp::Reverse(q.nanos));
        let _ = writeln!(
            o,
            "             the costliest (CPU time of the query and its matches' predicates):"
        );
        for q in costly.iter().take(20) {
            let _ = writeln!(o, "{}", row(q));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_target_follows_the_packs() {
        let packs = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(ratio_target(&[]), Some((1.5, "every built-in pack")));
        for first in [
            packs(&["asyncio", "python-core"]),
            packs(&["python-core", "asyncio", "asyncio"]),
        ] {
            assert_eq!(ratio_target(&first), Some((1.3, "asyncio + python-core")));
        }
        assert_eq!(ratio_target(&packs(&["asyncio"])), None);
        assert_eq!(
            ratio_target(&packs(&["asyncio", "python-core", "django"])),
            None
        );
    }
}
