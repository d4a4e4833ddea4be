//! Delayed calls, the classic dask example: build a graph of ordinary
//! function calls without running them, then compute it, and independent
//! calls run in parallel on the rayon pool.
//!
//! ```text
//! cargo run --release --example delayed_basics
//! RAYON_NUM_THREADS=1 cargo run --release --example delayed_basics   # no parallelism
//! cargo run --release --example delayed_basics -- --help
//! ```
//!
//! It shows, in about 11 seconds:
//!
//! 1. `c = add(inc(1), inc(2))` where `inc` and `add` each sleep 1 second:
//!    about 2 s as delayed calls on 2 threads (both `inc`s at once, then
//!    `add`), 3 s as plain sequential Rust.
//! 2. Thirty 0.1-second calls gathered with `Delayed::collect`: about 1.5 s on
//!    2 threads, 3 s one after another.
//! 3. A shared input: `z = add(x, double(x))` with `x = inc(1)`. The plan
//!    (`explain`) and the task graph (`visualize`, Graphviz DOT) show `x` once,
//!    and a call counter shows that `inc` ran once.
//!
//! The nearest dask code is
//!
//! ```python
//! a = dask.delayed(inc)(1); b = dask.delayed(inc)(2); c = dask.delayed(add)(a, b)
//! c.compute()
//! ```

use ndchunk::delayed::{delayed, Delayed};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::sleep;
use std::time::{Duration, Instant};

const USAGE: &str = "\
Delayed calls, the classic dask example: a graph of slow calls built without
running them, then computed with independent calls in parallel; about 11 s.

usage: delayed_basics [--help]

options:
  --help        print this help and exit

environment:
  RAYON_NUM_THREADS=T   threads to run on (default: all cores)";

/// How many times `inc` has run, to show that a shared input runs once.
static INC_CALLS: AtomicUsize = AtomicUsize::new(0);

/// `x + 1`, slowly: stands for any expensive call (a download, a query, a
/// simulation).
fn inc(x: i64) -> i64 {
    INC_CALLS.fetch_add(1, Ordering::SeqCst);
    sleep(Duration::from_secs(1));
    x + 1
}

/// `x + y`, slowly.
fn add(x: i64, y: i64) -> i64 {
    sleep(Duration::from_secs(1));
    x + y
}

/// `2 x`, at once.
fn double(x: i64) -> i64 {
    2 * x
}

/// `x * x` in a tenth of a second.
fn square_slowly(x: i64) -> i64 {
    sleep(Duration::from_millis(100));
    x * x
}

fn main() -> ExitCode {
    // No options but `--help`: anything else is a mistake, not a run.
    if let Some(arg) = std::env::args().nth(1) {
        if arg == "--help" || arg == "-h" {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        eprintln!("delayed_basics: unknown argument `{arg}`");
        eprintln!("try `delayed_basics --help`");
        return ExitCode::from(2);
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("delayed_basics: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let threads = rayon::current_num_threads();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!("ndchunk delayed calls: the classic dask example");
    println!();
    println!("threads: {threads} (rayon::current_num_threads(); {cores} cores available)");

    // 1. Two independent calls, then one that needs both.
    println!();
    println!("1. c = add(inc(1), inc(2)); inc and add each sleep 1 s");
    // Nothing runs here: each line records a call in a graph.
    let start = Instant::now();
    let a = delayed(|| inc(1)).named("inc(1)");
    let b = delayed(|| inc(2)).named("inc(2)");
    let c = Delayed::combine(&a, &b, |a, b| add(*a, *b)).named("add(a, b)");
    let build_time = start.elapsed().as_secs_f64();
    let calls = INC_CALLS.load(Ordering::SeqCst);
    row(
        "graph built",
        String::new(),
        build_time,
        &format!("nothing ran yet: inc has been called {calls} times"),
    );
    // Now the graph runs: inc(1) and inc(2) at once, then add.
    let (value, delayed_time) = timed(|| c.compute())?;
    let (plain, plain_time) = timed(|| Ok::<_, ndchunk::Error>(add(inc(1), inc(2))))?;
    let (expected, how) = if threads >= 2 {
        (2, "both incs at once, then add")
    } else {
        (3, "one thread, so one call after another")
    };
    row(
        "c.compute()",
        format!("c = {value}"),
        delayed_time,
        &format!("expected about {expected} s: {how}"),
    );
    row(
        "sequential",
        format!("c = {plain}"),
        plain_time,
        "expected about 3 s: one call after another",
    );

    // 2. Many small calls gathered into one value.
    println!();
    println!("2. thirty calls of square_slowly(k), 0.1 s each, gathered with Delayed::collect");
    let squares: Vec<Delayed<i64>> = (0..30)
        .map(|k| delayed(move || square_slowly(k)).named(format!("square_slowly({k})")))
        .collect();
    let total = Delayed::collect(&squares)
        .map(|all| all.iter().sum::<i64>())
        .named("sum");
    let (value, delayed_time) = timed(|| total.compute())?;
    let (plain, plain_time) =
        timed(|| Ok::<_, ndchunk::Error>((0..30).map(square_slowly).sum::<i64>()))?;
    // Rounds of `threads` calls at a time, 0.1 s each.
    let expected = 30_usize.div_ceil(threads.max(1)) as f64 * 0.1;
    row(
        "total.compute()",
        format!("sum = {value}"),
        delayed_time,
        &format!("expected about {expected:.1} s: 30 calls, {threads} at a time"),
    );
    row(
        "sequential",
        format!("sum = {plain}"),
        plain_time,
        "expected about 3.0 s",
    );

    // 3. A shared input: one node used by two calls runs once.
    println!();
    println!("3. x = inc(1); y = double(x); z = add(x, y): x is used twice");
    let x = delayed(|| inc(1)).named("inc(1)");
    let y = x.map(|x| double(*x)).named("double(x)");
    let z = Delayed::combine(&x, &y, |x, y| add(*x, *y)).named("add(x, y)");
    let before = INC_CALLS.load(Ordering::SeqCst);
    let (value, time) = timed(|| z.compute())?;
    let inc_runs = INC_CALLS.load(Ordering::SeqCst) - before;
    row(
        "z.compute()",
        format!("z = {value}"),
        time,
        "expected about 2 s: inc, then double, then add",
    );
    println!(
        "   inc ran {inc_runs} time{}: x is one node of the graph, read by both double and add",
        if inc_runs == 1 { "" } else { "s" }
    );
    println!();
    println!("   z.explain(): the plan, inputs indented under the calls that read them");
    print_indented(&z.explain());
    println!();
    println!("   z.visualize(): the task graph in Graphviz DOT (save it and run `dot -Tsvg`)");
    print_indented(&z.visualize());

    if inc_runs != 1 {
        return Err(format!("the shared call inc(1) ran {inc_runs} times, expected once").into());
    }
    Ok(())
}

/// Run `f` and measure it in seconds.
fn timed<T, E>(f: impl FnOnce() -> Result<T, E>) -> Result<(T, f64), E> {
    let start = Instant::now();
    let value = f()?;
    Ok((value, start.elapsed().as_secs_f64()))
}

/// One line of a timing table: what ran, its result, its wall time, a note.
fn row(label: &str, result: String, seconds: f64, note: &str) {
    println!("   {label:<16}{result:<12}{seconds:6.2} s   {note}");
}

fn print_indented(text: &str) {
    for line in text.lines() {
        println!("     {line}");
    }
}
