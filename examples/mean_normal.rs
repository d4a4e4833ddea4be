//! The headline job: mean and standard deviation of a large standard-normal
//! array, computed together in one parallel pass without ever holding the
//! whole array in memory.
//!
//! ```text
//! cargo run --release --example mean_normal
//! cargo run --release --example mean_normal -- --size 20000 --chunk 2000 --threads 2
//! cargo run --release --example mean_normal -- --help
//! cargo build --release --features mpi --example mean_normal
//! mpirun -n 4 --bind-to none target/release/examples/mean_normal --mpi
//! ```
//!
//! Compare with NumPy/dask: `python3 benches/compare/run.py --only W1,W2`.

mod support;

use ndchunk::prelude::*;
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "\
Mean and standard deviation of an N x N standard-normal array, computed
lazily in C x C blocks on all cores, in one shared pass.

usage: mean_normal [--size N] [--chunk C] [--threads T] [--seed S]
                   [--progress] [--trace FILE] [--profile] [--memory-limit BYTES]
                   [--mpi]

options:
  --size N              side of the square array          (default 10000)
  --chunk C             side of the square blocks         (default 1000)
  --threads T           threads to compute on             (default: all cores)
  --seed S              seed of the random generator      (default 42)
  --progress            progress bar on stderr (also NDCHUNK_PROGRESS=1)
  --trace FILE          write a Chrome trace of the run (open in Perfetto)
  --profile             print time and memory per operation on stderr
  --memory-limit BYTES  hold at most this much: 64MB, 1.5GiB, 100000 ...
  --mpi                 spread the work over the ranks of `mpirun -n R`; rank 0
                        prints (needs a build with `--features mpi`)
  --help                print this help and exit

example:
  cargo run --release --example mean_normal -- --size 20000 --threads 2 --profile
  mpirun -n 2 --bind-to none target/release/examples/mean_normal --mpi --threads 1";

/// More blocks than this means millions of tiny tasks: refused, so that a
/// typo like `--chunk 1` gives advice instead of exhausting memory.
const MAX_BLOCKS: usize = 1_000_000;

struct Args {
    size: usize,
    chunk: usize,
    threads: Option<usize>,
    seed: u64,
    progress: bool,
    trace: Option<String>,
    profile: bool,
    memory_limit: Option<usize>,
    mpi: bool,
}

/// What the command line asks for: a run, or the help text.
enum Parsed {
    Run(Args),
    Help,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Parsed, String> {
    let mut parsed = Args {
        size: 10_000,
        chunk: 1_000,
        threads: None,
        seed: 42,
        progress: false,
        trace: None,
        profile: false,
        memory_limit: None,
        mpi: false,
    };
    while let Some(arg) = args.next() {
        let (flag, inline) = support::split_flag(&arg);
        match flag.as_str() {
            "--help" | "-h" => return Ok(Parsed::Help),
            "--progress" => {
                parsed.progress = true;
                continue;
            }
            "--profile" => {
                parsed.profile = true;
                continue;
            }
            "--mpi" if cfg!(feature = "mpi") => {
                parsed.mpi = true;
                continue;
            }
            "--mpi" => {
                return Err(
                    "`--mpi` needs MPI: build with `cargo build --release --features mpi --example mean_normal`"
                        .into(),
                )
            }
            _ => {}
        }
        if !matches!(
            flag.as_str(),
            "--size" | "--chunk" | "--threads" | "--seed" | "--trace" | "--memory-limit"
        ) {
            return Err(format!("unknown argument `{arg}`"));
        }
        let value = support::flag_value(&flag, inline, &mut args)?;
        match flag.as_str() {
            "--size" => parsed.size = support::positive(&flag, &value)?,
            "--chunk" => parsed.chunk = support::positive(&flag, &value)?,
            "--threads" => parsed.threads = Some(support::positive(&flag, &value)?),
            "--trace" => parsed.trace = Some(value),
            "--memory-limit" => parsed.memory_limit = Some(support::bytes(&flag, &value)?),
            _ => {
                parsed.seed = value.parse().map_err(|_| {
                    format!(
                        "`--seed` expects a whole number from 0 to {}, got `{value}`",
                        u64::MAX
                    )
                })?
            }
        }
    }
    if parsed.size.checked_mul(parsed.size).is_none() {
        return Err(format!("`--size {}` is too large", parsed.size));
    }
    let per_axis = parsed.size.div_ceil(parsed.chunk);
    if per_axis.saturating_mul(per_axis) > MAX_BLOCKS {
        return Err(format!(
            "`--size {} --chunk {}` makes {per_axis} x {per_axis} blocks, one task each; \
             use at most {MAX_BLOCKS} blocks (a larger --chunk)",
            parsed.size, parsed.chunk
        ));
    }
    Ok(Parsed::Run(parsed))
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Parsed::Run(args)) => args,
        Ok(Parsed::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("mean_normal: {message}");
            eprintln!("try `mean_normal --help`");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mean_normal: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> ndchunk::Result<()> {
    // Every rank runs this same program; the computes below are spread
    // over the ranks while `_mpi` lives, and rank 0 prints.
    #[cfg(feature = "mpi")]
    let _mpi = args.mpi.then(ndchunk::mpi::init).transpose()?;
    #[cfg(feature = "mpi")]
    let ranks = _mpi.as_ref().map(|m| (m.rank(), m.size()));
    #[cfg(not(feature = "mpi"))]
    let ranks: Option<(usize, usize)> = None;
    let (n, c) = (args.size, args.chunk);
    let rng = ndchunk::random::Rng::seed(args.seed);
    // Lazy: this records a plan node, nothing is drawn or allocated yet.
    let x = rng.standard_normal((n, n), (c, c))?;
    let mean = x.mean();
    let std = x.std(0.0);

    let tasks_mean = mean.num_tasks()?;
    let tasks_std = std.num_tasks()?;
    // Computed together, both reductions share one pass over the blocks.
    let tasks_both = ndchunk::num_tasks((&mean, &std))?;

    let (mut options, threads) = match args.threads {
        Some(t) => (Options::default().threads(t), format!("{t}")),
        None => {
            let pool = rayon::current_num_threads();
            let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
            let note = if pool == cores {
                "all cores"
            } else {
                "the current rayon pool"
            };
            (Options::default(), format!("{pool} ({note})"))
        }
    };

    if args.progress {
        options = options.progress(true);
    }
    if let Some(path) = &args.trace {
        options = options.trace(path);
    }
    options = options.profile(args.profile);
    if let Some(limit) = args.memory_limit {
        options = options.memory_limit(limit);
    }

    let start = Instant::now();
    let (m, s) = ndchunk::compute_with((&mean, &std), &options)?;
    let elapsed = start.elapsed().as_secs_f64();
    let (m, s) = (m.into_scalar(), s.into_scalar());
    if ranks.is_some_and(|(rank, _)| rank != 0) {
        return Ok(());
    }

    let blocks_per_axis = n.div_ceil(c);
    println!("ndchunk: mean and std of a standard-normal array, one parallel pass");
    println!();
    row(
        "shape",
        format!("{n} x {n}  ({} elements, f64)", group(x.len())),
    );
    row(
        "chunks",
        format!(
            "{c} x {c}  ({blocks_per_axis} x {blocks_per_axis} = {} blocks; per axis {:?})",
            group(x.num_blocks()),
            x.chunks()
        ),
    );
    row("seed", args.seed.to_string());
    row("threads", threads);
    if let Some((_, size)) = ranks {
        row("MPI ranks", format!("{size} (each with the threads above)"));
    }
    if let Some(limit) = args.memory_limit {
        row("memory limit", bytes(limit));
    }
    row(
        "block tasks",
        format!(
            "{} for mean+std together ({} mean alone, {} std alone)",
            group(tasks_both),
            group(tasks_mean),
            group(tasks_std)
        ),
    );
    row(
        "",
        format!(
            "one shared pass of {} block tasks feeds both; the rest combine partials",
            group(x.num_blocks())
        ),
    );
    row(
        "materialized",
        format!(
            "{} if the array were held whole (it never is)",
            bytes(x.nbytes())
        ),
    );
    println!();
    // Every digit: the same on any number of threads or MPI ranks.
    row("mean", format!("{m:+.16e}"));
    row("std", format!("{s:.16e}"));
    row(
        "compute time",
        format!(
            "{elapsed:.3} s  ({:.0} M elements/s)",
            x.len() as f64 / elapsed / 1e6
        ),
    );
    row("peak RSS", peak_rss());
    if let Some(path) = &args.trace {
        row("trace", format!("{path} (open in https://ui.perfetto.dev)"));
    }
    Ok(())
}

fn row(label: &str, value: String) {
    println!("  {label:<14}{value}");
}

/// `1234567` as `1,234,567`.
fn group(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

fn bytes(n: usize) -> String {
    let mib = n as f64 / (1024.0 * 1024.0);
    if mib >= 1024.0 {
        format!("{:.2} GiB ({} bytes)", mib / 1024.0, group(n))
    } else {
        format!("{mib:.2} MiB ({} bytes)", group(n))
    }
}

/// The process's peak resident set size (`VmHWM`), on Linux.
fn peak_rss() -> String {
    match support::peak_rss() {
        Some(bytes) => format!("{:.1} MiB (VmHWM)", bytes as f64 / (1 << 20) as f64),
        None => "n/a".to_string(),
    }
}
