//! Explicit heat-equation steps on a large grid with `map_overlap`: every
//! step is a 5-point Laplacian over blocks haloed by one row and column of
//! their neighbours, all steps chained lazily and run as one task graph.
//! With periodic boundaries no heat leaves the grid, so the energy (the sum
//! of the grid) after the steps equals the energy before, up to rounding.
//!
//! ```text
//! cargo run --release --example stencil_heat
//! cargo run --release --example stencil_heat -- --size 2048 --chunk 512 --steps 20 --check
//! cargo run --release --example stencil_heat -- --help
//! ```

use ndarray::{s, Array2, ArrayView2, Zip};
use ndchunk::prelude::*;
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "\
Explicit heat-equation steps u += alpha * laplacian(u) on an N x N grid
in C x C blocks, one map_overlap per step, with periodic or zero boundaries.

usage: stencil_heat [--size N] [--chunk C] [--steps S] [--boundary B] [--check]

options:
  --size N        side of the square grid                 (default 4096)
  --chunk C       side of the square blocks               (default 1024)
  --steps S       number of time steps                    (default 10)
  --boundary B    `periodic` or `zero`                    (default periodic)
  --check         also run the steps eagerly on the whole grid and compare
  --help          print this help and exit";

/// Stable for the explicit scheme in 2-D: alpha <= 1/4.
const ALPHA: f64 = 0.2;

struct Args {
    size: usize,
    chunk: usize,
    steps: usize,
    periodic: bool,
    check: bool,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut parsed = Args {
        size: 4096,
        chunk: 1024,
        steps: 10,
        periodic: true,
        check: false,
    };
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--help" | "-h" => return Ok(None),
            "--check" => parsed.check = true,
            "--size" | "--chunk" | "--steps" | "--boundary" => {
                let value = args
                    .next()
                    .ok_or_else(|| format!("`{flag}` needs a value"))?;
                let number = || match value.parse::<usize>() {
                    Ok(n) if n > 0 => Ok(n),
                    _ => Err(format!(
                        "`{flag}` expects a whole number of at least 1, got `{value}`"
                    )),
                };
                match flag.as_str() {
                    "--size" => parsed.size = number()?,
                    "--chunk" => parsed.chunk = number()?,
                    "--steps" => parsed.steps = number()?,
                    _ => {
                        parsed.periodic = match value.as_str() {
                            "periodic" => true,
                            "zero" => false,
                            _ => {
                                return Err(format!(
                                    "`--boundary` expects `periodic` or `zero`, got `{value}`"
                                ))
                            }
                        }
                    }
                }
            }
            _ => return Err(format!("unknown argument `{flag}`")),
        }
    }
    if parsed.size.div_ceil(parsed.chunk).pow(2) > 100_000 {
        return Err(format!(
            "`--size {} --chunk {}` makes more than 100,000 blocks; use a larger --chunk",
            parsed.size, parsed.chunk
        ));
    }
    Ok(Some(parsed))
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("stencil_heat: {message}\ntry `stencil_heat --help`");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("stencil_heat: {e}");
            ExitCode::FAILURE
        }
    }
}

/// One explicit step on a haloed block: the interior gets
/// `u + alpha * (up + down + left + right - 4 u)`; the outermost rows and
/// columns are halo (cut off by `map_overlap`) and are copied as they are.
fn heat_step(u: ArrayView2<f64>) -> Array2<f64> {
    let mut out = u.to_owned();
    let (n, m) = u.dim();
    if n < 3 || m < 3 {
        return out;
    }
    Zip::from(out.slice_mut(s![1..n - 1, 1..m - 1]))
        .and(u.slice(s![..n - 2, 1..m - 1]))
        .and(u.slice(s![2.., 1..m - 1]))
        .and(u.slice(s![1..n - 1, ..m - 2]))
        .and(u.slice(s![1..n - 1, 2..]))
        .for_each(|c, &up, &down, &left, &right| {
            *c += ALPHA * (up + down + left + right - 4.0 * *c);
        });
    out
}

/// The same steps on the whole grid in memory: pad, step, cut.
fn eager(mut u: Array2<f64>, steps: usize, periodic: bool) -> Array2<f64> {
    let (n, m) = u.dim();
    for _ in 0..steps {
        let mut padded = Array2::zeros((n + 2, m + 2));
        padded.slice_mut(s![1..n + 1, 1..m + 1]).assign(&u);
        if periodic {
            padded.slice_mut(s![0, 1..m + 1]).assign(&u.row(n - 1));
            padded.slice_mut(s![n + 1, 1..m + 1]).assign(&u.row(0));
            padded.slice_mut(s![1..n + 1, 0]).assign(&u.column(m - 1));
            padded.slice_mut(s![1..n + 1, m + 1]).assign(&u.column(0));
        }
        u = heat_step(padded.view())
            .slice(s![1..n + 1, 1..m + 1])
            .to_owned();
    }
    u
}

fn run(args: &Args) -> ndchunk::Result<()> {
    let (n, c) = (args.size, args.chunk);
    let boundary = if args.periodic {
        Boundary::Periodic
    } else {
        Boundary::Constant(0.0)
    };
    // A hot square in the middle of a cold plate.
    let (lo, hi) = (n / 4, 3 * n / 4);
    let hot = move |i: usize, j: usize| {
        if (lo..hi).contains(&i) && (lo..hi).contains(&j) {
            1.0
        } else {
            0.0
        }
    };
    let u0 = ChunkedArray::from_fn((n, n), (c, c), move |(i, j)| hot(i, j))?;

    let start = Instant::now();
    let mut u = u0.clone();
    for _ in 0..args.steps {
        u = u.map_overlap((1, 1), boundary, |block, _| heat_step(block));
    }
    let tasks = u.sum().num_tasks()?;
    let built = start.elapsed().as_secs_f64();

    let start = Instant::now();
    // Energy is conserved; the sum of squares falls as the heat spreads.
    let totals = |u: &ChunkedArray<f64, Ix2>| {
        ndchunk::compute((&u.sum(), &(u * u).sum()))
            .map(|(sum, squares)| (sum.into_scalar(), squares.into_scalar()))
    };
    let (before, squares_before) = totals(&u0)?;
    let (after, squares_after) = totals(&u)?;
    let elapsed = start.elapsed().as_secs_f64();

    println!("ndchunk: explicit heat-equation steps with map_overlap");
    println!();
    row(
        "grid",
        format!("{n} x {n} f64 ({:.0} MiB)", mib(u.nbytes())),
    );
    row(
        "chunks",
        format!("{c} x {c}: {:?}, {} blocks", u.chunks(), u.num_blocks()),
    );
    row(
        "steps",
        format!(
            "{} x (u += {ALPHA} * 5-point laplacian(u)), boundary {boundary:?}, halo 1",
            args.steps
        ),
    );
    row(
        "graph",
        format!("{tasks} tasks for the final sum, built in {built:.3} s"),
    );
    row("energy before", format!("{before:.6}"));
    row("energy after", format!("{after:.6}"));
    row(
        "change",
        format!(
            "{:+.3e} (relative {:+.3e})",
            after - before,
            (after - before) / before
        ),
    );
    row(
        "sum of squares",
        format!("{squares_before:.6} before, {squares_after:.6} after"),
    );
    row(
        "compute time",
        format!(
            "{elapsed:.3} s ({:.0} M point-steps/s)",
            (n * n * args.steps) as f64 / elapsed / 1e6
        ),
    );
    row("peak RSS", peak_rss());

    if args.check {
        let start = Instant::now();
        let expected = eager(u0.compute()?, args.steps, args.periodic);
        let eager_time = start.elapsed().as_secs_f64();
        let lazy = u.compute()?;
        let same = lazy == expected;
        row(
            "check",
            format!("lazy == eager on every element: {same} (eager {eager_time:.3} s, whole grid)"),
        );
        if !same {
            return Err(ndchunk::Error::Failed(
                "the chunked result differs from the eager one".into(),
            ));
        }
    }
    Ok(())
}

fn row(label: &str, value: String) {
    println!("  {label:<15}{value}");
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// The process's peak resident set size (`VmHWM`), on Linux.
fn peak_rss() -> String {
    let kib = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<usize>().ok())
        });
    match kib {
        Some(kib) => format!("{:.1} MiB (VmHWM)", kib as f64 / 1024.0),
        None => "n/a".to_string(),
    }
}
