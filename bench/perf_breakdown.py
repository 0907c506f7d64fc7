"""Classifies `perf script` call stacks of a ppa-bench run by engine stage.

Reads `perf script` output (recorded with --call-graph, one thread) on stdin. Every sample
whose stack contains `Engine::check_source_as` is attributed to the outermost recognised stage
on its stack; samples in the engine's query predicates are further split by the semantic helper
they spend their time in. The warm-up round of each phase is left out (see `rounds`). Used by
bench/profile.sh.
"""

import collections
import sys

# (substring of a frame, stage), tried from the root of the stack towards the leaf.
STAGES = [
    ("CustomPredicate::holds", "engine query predicates (#resolves-to?, #in-async-fn? ...)"),
    ("query::custom", "engine query predicates (#resolves-to?, #in-async-fn? ...)"),
    ("Predicate::eval", "rhai predicates"),
    ("Engine::finding", "finding construction"),
    ("assign_fingerprints", "finding construction"),
    ("suppress::", "inline suppressions"),
    ("ts_query_cursor", "query walk (tree-sitter QueryCursor)"),
    ("query::native", "anchored matching (native)"),
    ("query::guard", "pattern guards"),
    ("engine::parse", "parse"),
    ("ts_parser_parse", "parse"),
    ("NodeTable::build", "the walk (node table)"),
    ("callgraph::", "call-graph index"),
    ("in_broken_region", "syntax-error regions"),
    ("ts_tree_delete", "dropping the tree"),
    ("drop_in_place", "dropping the file (tree, tables, caches)"),
]
# Helpers inside the query predicates, outermost first.
HELPERS = [
    "enclosing_function",
    "enclosing_loop",
    "in_call_argument",
    "semantics::resolve",
    "is_async",
    "Vocabulary::contains",
]


def classify(frames):
    """frames: leaf first. Returns (stage, helper) or (None, None) outside the check."""
    if not any("check_source_as" in f for f in frames):
        return None, None
    for frame in reversed(frames):
        for key, stage in STAGES:
            if key in frame:
                helper = None
                if key == "CustomPredicate::holds":
                    helper = next(
                        (h for g in reversed(frames) for h in HELPERS if h in g), "other"
                    )
                return stage, helper
    return "other (in check_source: dispatch, records)", None


def script_part(frames):
    """For a sample in a rhai predicate: whether it is in the interpreter or in a host function
    (the innermost engine frame lies below the innermost rhai frame)."""
    for frame in frames:
        if "ppa_engine" in frame:
            return "host functions (the engine's built-ins)"
        if "rhai::" in frame:
            return "the rhai interpreter"
    return None


# A phase shorter than this many samples is a stray sample at a phase's edge, not a round.
MIN_ROUND = 20


def rounds(samples):
    """Splits the samples, in recording order, into the benchmark's rounds: runs of parse-only
    samples and runs of check samples (one thread: the phases alternate). Drops the first round
    of each phase when there are more (the warm-up, which pays for fresh memory: the kernel
    zeroing pages, which the timed medians never see) and stray runs shorter than MIN_ROUND."""
    runs = []
    for phase, data in samples:
        if phase is None:
            continue
        if runs and runs[-1][0] == phase:
            runs[-1][1].append(data)
        else:
            runs.append((phase, [data]))
    runs = [r for r in runs if len(r[1]) >= MIN_ROUND]
    kept = []
    for phase in ("parse-only", "check"):
        of_phase = [r for r in runs if r[0] == phase]
        kept.extend(of_phase[1:] if len(of_phase) > 1 else of_phase)
    n = {phase: sum(1 for r in kept if r[0] == phase) for phase in ("parse-only", "check")}
    return [d for r in kept for d in r[1] if r[0] == "parse-only"], \
        [d for r in kept for d in r[1] if r[0] == "check"], n


def main():
    stages, helpers = collections.Counter(), collections.Counter()
    parse_only = collections.Counter()
    script = collections.Counter()
    samples = []
    frames = []

    def flush():
        if not frames:
            return
        # The benchmark's parse-only phase (`parse_one`): parsing and dropping the tree, to
        # set beside the same stages inside the check.
        if any("parse_one" in f for f in frames):
            in_parse = any("ts_parser_parse" in f for f in frames)
            samples.append(("parse-only", "parse" if in_parse else "dropping the tree"))
            return
        stage, helper = classify(frames)
        if stage:
            part = script_part(frames) if stage == "rhai predicates" else None
            samples.append(("check", (stage, helper, part)))
        else:
            samples.append((None, None))

    for line in sys.stdin:
        if not line.strip():
            flush()
            frames = []
        elif line[0] in " \t":
            parts = line.strip().split(" ", 1)
            if len(parts) == 2:
                frames.append(parts[1])
    flush()
    total = len(samples)
    parse_samples, check_samples, n_rounds = rounds(samples)
    for kind in parse_samples:
        parse_only[kind] += 1
    for stage, helper, part in check_samples:
        stages[stage] += 1
        if helper:
            helpers[helper] += 1
        if part:
            script[part] += 1
    in_check = len(check_samples)
    if not in_check:
        print("no samples inside Engine::check_source (was perf recording call graphs?)")
        return
    print(f"{in_check} of {total} samples are inside Engine::check_source, in "
          f"{n_rounds['check']} check round(s) and {n_rounds['parse-only']} parse-only "
          f"round(s) after the warm-up:")
    for stage, n in stages.most_common():
        print(f"  {100 * n / in_check:5.1f}%  {stage}")
    if helpers:
        print("engine query predicates, by the helper the time is spent in:")
        for helper, n in helpers.most_common():
            print(f"  {100 * n / in_check:5.1f}%  {helper}")
    if script:
        print("rhai predicates, by where the time is spent:")
        for part, n in script.most_common():
            print(f"  {100 * n / in_check:5.1f}%  {part}")
    # In units of the parse-only phase (the ratio's denominator): the check's own stages, and
    # how much slower parsing and dropping the tree are inside the check than alone (the
    # engine's work between two files evicts the parser's tables and the tree from the caches).
    parsed = sum(parse_only.values())
    if parsed:
        # Per round, when the two phases kept different numbers of rounds.
        scale = n_rounds["parse-only"] / max(n_rounds["check"], 1)
        print(f"in units of the parse-only phase ({parsed} samples; check/parse-only "
              f"{in_check * scale / parsed:.2f}):")
        for stage, n in stages.most_common():
            print(f"  {n * scale / parsed:5.2f}  {stage}")
        drops = ("dropping the tree", "dropping the file (tree, tables, caches)")
        for name, alone, inside in (
            ("parsing", parse_only["parse"], stages["parse"]),
            ("dropping the tree (and, in the check, the file)", parse_only["dropping the tree"],
             sum(stages[d] for d in drops)),
        ):
            if alone:
                print(f"  {name}: {inside * scale / alone:.2f}x inside the check what it takes "
                      f"alone")


if __name__ == "__main__":
    main()
