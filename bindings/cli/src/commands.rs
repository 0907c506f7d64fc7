//! `ppa packs`, `ppa rule`, `ppa test`.

use crate::args::{Format, PacksArgs, RuleArgs, TestArgs, TreeArgs};
use crate::{output, usage, CliError, EXIT_FINDINGS, EXIT_OK};
use ppa_engine::pack::DirSource;
use ppa_engine::testing::{read_fixture_projects, run_project};
use ppa_engine::{EngineBuilder, Language};
use std::io::Write;

fn builtin_builder() -> Result<EngineBuilder, CliError> {
    let catalog = ppa_rules::catalog().map_err(|mut e| -> CliError { Box::new(e.remove(0)) })?;
    let mut b = EngineBuilder::new(catalog);
    for src in ppa_packs::PACKS {
        b.load_pack(src)
            .map_err(|e| -> CliError { Box::new(output::PackLoadErrors(vec![e])) })?;
    }
    Ok(b)
}

/// Every built-in pack plus the pack directories given with `--pack`.
fn builtin_plus(
    extra: &[String],
) -> Result<(ppa_engine::Engine, Vec<ppa_engine::Diagnostic>), CliError> {
    if extra.is_empty() {
        return Ok(builtin_builder()?.build());
    }
    let mut all: Vec<String> = ppa_packs::PACKS
        .iter()
        .map(|p| p.name.to_string())
        .collect();
    all.extend(extra.iter().cloned());
    crate::check::build_engine(&all, &[], &[], &[])
}

pub fn packs(args: &PacksArgs, out: &mut dyn Write) -> Result<i32, CliError> {
    let (engine, _) = builtin_plus(&args.packs)?;
    match args.format {
        Format::Json => {
            let list: Vec<serde_json::Value> = engine
                .packs()
                .iter()
                .map(|p| {
                    serde_json::json!({
                        "name": p.meta.name,
                        "version": p.meta.version,
                        "languages": p.meta.languages,
                        "description": p.meta.description,
                        "enabled_by": p.meta.enabled_by,
                        "detectors": p.detectors.iter().map(|d| serde_json::json!({
                            "name": d.qualified_name(), "check": d.check.id, "language": d.language,
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let _ = writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&list).unwrap_or_default()
            );
        }
        Format::Text => {
            for p in engine.packs() {
                let langs: Vec<&str> = p.meta.languages.iter().map(|l| l.name()).collect();
                let _ = writeln!(
                    out,
                    "{} {} ({}) - {}",
                    p.meta.name,
                    p.meta.version,
                    langs.join(", "),
                    p.meta.description
                );
                for d in &p.detectors {
                    let _ = writeln!(out, "    {:<32} {}", d.qualified_name(), d.check.id);
                }
            }
        }
    }
    Ok(EXIT_OK)
}

pub fn rule(args: &RuleArgs, out: &mut dyn Write, _err: &mut dyn Write) -> Result<i32, CliError> {
    // Built-in packs plus any given with --pack, so team checks are documented too.
    let (engine, _) = builtin_plus(&args.packs)?;
    let catalog = engine.catalog();
    if args.list {
        for c in catalog.in_report_order() {
            let _ = writeln!(
                out,
                "{:<45} {:<8} {}  {}",
                c.id,
                c.default_severity.as_str(),
                c.effort.as_str(),
                c.title
            );
        }
        return Ok(EXIT_OK);
    }
    let id = args.check.as_deref().unwrap_or_default();
    let Some(c) = catalog.get(id) else {
        let ids: Vec<&str> = catalog.iter().map(|c| c.id.as_str()).collect();
        let mut help = match ppa_engine::suggest(id, ids.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? `ppa rule --list` shows every check"),
            None => "`ppa rule --list` shows every check".to_string(),
        };
        if args.packs.is_empty() && id.split('.').count() > 2 {
            help.push_str("; a team check needs its pack: `ppa rule --pack ./my-pack <id>`");
        }
        return Err(usage(format!("unknown check `{id}`"), help));
    };
    let implementers: Vec<String> = engine
        .packs()
        .iter()
        .flat_map(|p| p.detectors.iter())
        .filter(|d| d.check.id == c.id)
        .map(|d| format!("{} ({})", d.qualified_name(), d.language))
        .collect();
    let exempt = match c.exempt {
        ppa_engine::Exempt::No => "no",
        ppa_engine::Exempt::Always => "always",
        ppa_engine::Exempt::HotPath => "on the request path",
    };
    let _ = writeln!(out, "# {} ({})\n", c.title, c.id);
    let _ = writeln!(
        out,
        "Category: {} · Default severity: {} · Effort: {} · Context downgrade: {} · Exempt: {}",
        c.category.title(),
        c.default_severity,
        c.effort.as_str(),
        c.context_rule.as_deref().unwrap_or("no"),
        exempt
    );
    let _ = writeln!(
        out,
        "Implemented by: {}\n",
        if implementers.is_empty() {
            "no built-in pack yet".to_string()
        } else {
            implementers.join(", ")
        }
    );
    let _ = writeln!(out, "{}\n", c.principle.trim());
    if !c.severity_rules.is_empty() {
        let _ = writeln!(out, "Severity: {}\n", c.severity_rules.trim());
    }
    let _ = writeln!(out, "Recommendation: {}\n", c.recommendation.trim());
    let _ = writeln!(out, "{}", c.docs.trim());
    // The docs usually end with their own references; list any they do not mention.
    let missing: Vec<_> = c
        .references
        .iter()
        .filter(|r| !c.docs.contains(&r.url))
        .collect();
    if !missing.is_empty() {
        let _ = writeln!(out, "\n## References");
        for r in missing {
            let _ = writeln!(out, "- [{}]({})", r.title, r.url);
        }
    }
    Ok(EXIT_OK)
}

pub fn test(args: &TestArgs, out: &mut dyn Write, _err: &mut dyn Write) -> Result<i32, CliError> {
    let dir = &args.pack_dir;
    if !dir.join("pack.toml").is_file() {
        return Err(usage(
            format!("`{}` is not a pack directory (no pack.toml)", dir.display()),
            "give the directory that holds pack.toml and a tests/ folder of fixtures",
        ));
    }
    let catalog = ppa_rules::catalog().map_err(|mut e| -> CliError { Box::new(e.remove(0)) })?;
    let mut builder = EngineBuilder::new(catalog);
    let pack = builder
        .load_pack(&DirSource::new(dir))
        .map_err(|e| -> CliError { Box::new(output::PackLoadErrors(vec![e])) })?;
    let (engine, mut warnings) = builder.build();
    // A pack's tests report every problem: compile the queries of all its languages.
    warnings.extend(engine.prepare_all());
    for w in warnings {
        let _ = writeln!(out, "warning: {}", w.message);
    }
    let stacks = ppa_rules::stacks().map_err(|e| usage(e, ""))?;
    let projects = read_fixture_projects(&dir.join("tests"), "tests", &stacks);
    let files: usize = projects.iter().map(|p| p.fixtures.len()).sum();
    if files == 0 {
        return Err(usage(
            format!("no fixtures under `{}`", dir.join("tests").display()),
            "add source files with `ppa:` / `ppa-ok:` annotations to tests/ (see `ppa test --help`)",
        ));
    }
    let mut failed = 0usize;
    let mut per_detector: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
    for d in &pack.detectors {
        per_detector.insert(d.qualified_name(), (0, 0));
    }
    for d in &pack.project_detectors {
        per_detector.insert(d.qualified_name(), (0, 0));
    }
    let (mut found, mut ok, mut todo, mut contexts) = (0, 0, 0, 0);
    // Each fixture project (tests/ itself, each sub-directory) is checked as one project:
    // project-level detectors see the facts of all its files.
    let outcomes = projects.iter().flat_map(|p| run_project(&engine, p));
    for o in outcomes {
        let label = o.path.clone();
        for f in &o.matched {
            per_detector.entry(f.detector.clone()).or_default().0 += 1;
        }
        for f in &o.unexpected {
            per_detector.entry(f.detector.clone()).or_default().1 += 1;
        }
        found += o.matched.len();
        ok += o.ok_held;
        todo += o.todo.len() + o.context_todo.len();
        contexts += o.context_held;
        let status = if o.passed() { "ok  " } else { "FAIL" };
        if !o.passed() {
            failed += 1;
        }
        if !o.passed() || args.verbose {
            let _ = writeln!(
                out,
                "{status} {label}: {} found, {} quiet as expected, {} todo",
                o.matched.len(),
                o.ok_held,
                o.todo.len()
            );
        }
        for (line, check) in &o.missing {
            let _ = writeln!(
                out,
                "  missing     {label}:{line} {check}: expected a finding, got none"
            );
        }
        for (f, want) in &o.wrong_severity {
            let _ = writeln!(
                out,
                "  severity    {label}:{} {}: expected {want}, got {} [{}]",
                f.line, f.check, f.severity, f.detector
            );
        }
        for f in &o.unexpected {
            let _ = writeln!(
                out,
                "  unexpected  {label}:{} {} [{}]: {}",
                f.line, f.check, f.detector, f.message
            );
        }
        for (line, check) in &o.todo_fixed {
            let _ = writeln!(
                out,
                "  fixed todo  {label}:{line} {check}: now found; change `ppa-todo:` to `ppa:`"
            );
        }
        for (line, want, got) in &o.context_mismatch {
            let _ = writeln!(
                out,
                "  context     {label}:{line} expected {want}; got {got}"
            );
        }
        for (line, want) in &o.context_todo_fixed {
            let _ = writeln!(
                out,
                "  fixed todo  {label}:{line} context {want}: now holds; change `ppa-context-todo:` to `ppa-context:`"
            );
        }
        if args.verbose {
            for (line, check) in &o.todo {
                let _ = writeln!(out, "  todo        {label}:{line} {check}");
            }
            for (line, want) in &o.context_todo {
                let _ = writeln!(out, "  todo        {label}:{line} context {want}");
            }
        }
        for e in &o.errors {
            let _ = writeln!(
                out,
                "  error       {label}:{} {}",
                e.line.unwrap_or(0),
                e.message
            );
        }
    }
    let _ = writeln!(out, "\ndetector                          found  unexpected");
    for (d, (f, u)) in &per_detector {
        let flag = if *f == 0 {
            "  <- no fixture line exercises it"
        } else {
            ""
        };
        let _ = writeln!(out, "{d:<33} {f:>5}  {u:>10}{flag}");
    }
    // Packs without entry points keep the summary they always had.
    let context_note = if contexts > 0 {
        format!(", {contexts} contexts as expected")
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "\n{} fixture file{}: {} passed, {} failed; {found} expected findings, {ok} near misses quiet{context_note}, {todo} todo",
        files,
        if files == 1 { "" } else { "s" },
        files.saturating_sub(failed),
        failed
    );
    // A predicate error fails its fixture, so it is counted in `failed` (exit 1).
    Ok(if failed > 0 { EXIT_FINDINGS } else { EXIT_OK })
}

/// `ppa tree FILE`: the syntax tree, one node per line, with field names, kinds and positions,
/// and the text of small leaves. Pack authors read it to write queries.
pub fn tree(args: &TreeArgs, out: &mut dyn Write) -> Result<i32, CliError> {
    let name = args.file.to_string_lossy().replace('\\', "/");
    let Some(lang) = Language::from_path(&name) else {
        return Err(usage(
            format!("`{name}` has no known language"),
            "ppa reads .py, .go, .js/.mjs/.cjs/.jsx, .ts/.mts/.cts and .tsx files",
        ));
    };
    let text = std::fs::read_to_string(&args.file)
        .map_err(|e| usage(format!("cannot read `{name}`: {e}"), ""))?;
    let Some(tree) = ppa_engine::parse(lang, &text) else {
        return Err(usage(format!("cannot parse `{name}`"), ""));
    };
    let mut node = tree.root_node();
    if let Some(line) = args.line {
        // The smallest named node covering the line's text (without its indentation).
        let mut offset = 0;
        for (i, l) in text.split_inclusive('\n').enumerate() {
            if i + 1 == line {
                let body = l.trim_end();
                let lead = body.len() - body.trim_start().len();
                if let Some(n) =
                    node.named_descendant_for_byte_range(offset + lead, offset + body.len())
                {
                    node = n;
                }
                break;
            }
            offset += l.len();
        }
    }
    let mut cursor = node.walk();
    let mut depth = 0usize;
    loop {
        let n = cursor.node();
        if n.is_named() {
            let field = cursor
                .field_name()
                .map(|f| format!("{f}: "))
                .unwrap_or_default();
            let (s, e) = (n.start_position(), n.end_position());
            let leaf = if n.named_child_count() == 0 {
                let t = &text[n.byte_range()];
                if t.len() <= 60 && !t.contains('\n') {
                    format!(" {t:?}")
                } else {
                    String::new()
                }
            } else {
                String::new()
            };
            let err = if n.is_error() || n.is_missing() {
                "  <- syntax error"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "{:indent$}{field}{} [{}:{} - {}:{}]{leaf}{err}",
                "",
                n.kind(),
                s.row + 1,
                s.column + 1,
                e.row + 1,
                e.column + 1,
                indent = depth * 2
            );
        }
        if cursor.goto_first_child() {
            depth += 1;
            continue;
        }
        loop {
            if cursor.node().id() == node.id() {
                return Ok(EXIT_OK);
            }
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return Ok(EXIT_OK);
            }
            depth = depth.saturating_sub(1);
        }
    }
}
