//! Where predicates spend their time, line by line (feature `script-profile`).
//!
//! Callgrind tells how much a detector costs (`bench/callgrind.sh --by-detector`), but not which
//! lines of its script: the interpreter's frames say nothing about the script. rhai's debugger
//! interface is called before every statement and expression a script evaluates, with the
//! script's source and position; counting those steps per line, and the time from one step to
//! the next, tells where a predicate's cost lies. The time of a step includes the host
//! functions it calls (`uses_of`, `receiver_kind`), which is what a pack author can act on.
//!
//! The debugger slows scripts down several times, so the timings are only comparable with each
//! other, and the feature is a profiling build's (`ppa-bench --script-profile`), never a
//! release's.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// One script line: the predicate's source (its pack file and line), the function the line is
/// in (`""` for the predicate's body) and the line within the predicate's or library's text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Line {
    pub source: String,
    pub function: String,
    pub line: usize,
}

/// What the steps of one line cost.
#[derive(Debug, Clone, Default)]
pub struct Cost {
    pub steps: u64,
    pub time: Duration,
}

static TOTALS: Mutex<Option<HashMap<Line, Cost>>> = Mutex::new(None);

struct Current {
    costs: HashMap<Line, Cost>,
    /// The line of the last step and when its callback returned.
    last: Option<(Line, Instant)>,
}

thread_local! {
    static CURRENT: RefCell<Current> = RefCell::new(Current { costs: HashMap::new(), last: None });
}

/// Registers the step counter on a rhai engine.
/// (rhai marks the debugger API volatile with a deprecation note; this build is a profiling aid.)
#[allow(deprecated)]
pub(super) fn install(e: &mut rhai::Engine) {
    e.register_debugger(
        |_, d| d,
        |ctx, _event, _node, source, pos| {
            let start = Instant::now();
            let function = ctx
                .global_runtime_state()
                .debugger()
                .call_stack()
                .last()
                .map(|f| f.fn_name.to_string())
                .unwrap_or_default();
            let line = Line {
                source: source.unwrap_or("").to_string(),
                function,
                line: pos.line().unwrap_or(0),
            };
            CURRENT.with(|c| {
                let mut c = c.borrow_mut();
                if let Some((prev, at)) = c.last.take() {
                    c.costs.entry(prev).or_default().time += start - at;
                }
                c.costs.entry(line.clone()).or_default().steps += 1;
                c.last = Some((line, Instant::now()));
            });
            Ok(rhai::debugger::DebuggerCommand::StepInto)
        },
    );
}

/// Called after each evaluation: the last step's time ends with the script.
pub(super) fn end_eval() {
    let now = Instant::now();
    CURRENT.with(|c| {
        let mut c = c.borrow_mut();
        if let Some((prev, at)) = c.last.take() {
            c.costs.entry(prev).or_default().time += now - at;
        }
        // Merged into the totals at once: the pool's worker threads outlive the run.
        merge(&mut c.costs);
    });
}

fn merge(costs: &mut HashMap<Line, Cost>) {
    let mut totals = TOTALS.lock().unwrap_or_else(|e| e.into_inner());
    let totals = totals.get_or_insert_with(HashMap::new);
    for (k, v) in costs.drain() {
        let t = totals.entry(k).or_default();
        t.steps += v.steps;
        t.time += v.time;
    }
}

/// Every line's cost since the last call, costliest first.
pub fn take() -> Vec<(Line, Cost)> {
    let mut totals = TOTALS.lock().unwrap_or_else(|e| e.into_inner());
    let mut out: Vec<(Line, Cost)> = totals.take().unwrap_or_default().into_iter().collect();
    out.sort_by(|a, b| b.1.time.cmp(&a.1.time).then_with(|| a.0.cmp(&b.0)));
    out
}
