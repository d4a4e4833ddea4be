//! A larger-than-memory array through a Zarr store: an N x N standard-normal
//! array (3.2 GB at the default N = 20000) is written to a Zarr v3 store with
//! zstd, then read back to compute `(x - x.mean()).std()` and to write
//! `x.sum_axis(Axis(0))` to a second array of the store in the same compute.
//! Neither phase ever holds the array; the peak RSS of each is printed.
//!
//! ```text
//! cargo run --release --example out_of_core
//! cargo run --release --example out_of_core -- --n 40000 --memory-limit 256MB
//! cargo run --release --example out_of_core -- --help
//! ```
//!
//! Compare with dask + zarr-python: `python3 benches/compare/run.py --only IO`.

mod support;

use ndchunk::diagnostics::human_bytes;
use ndchunk::prelude::*;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "\
Write an N x N standard-normal array to a Zarr v3 store (zstd level 1), read
it back, and in one compute take (x - x.mean()).std() and write
x.sum_axis(0) to a second array of the store; times, MB/s and peak RSS of
both phases. The array is never held in memory.

usage: out_of_core [--n N] [--chunk C] [--threads T] [--memory-limit BYTES]
                   [--store DIR] [--keep] [--progress]

options:
  --n N                 side of the square array         (default 20000: 3.2 GB)
  --chunk C             side of the square chunks        (default 1000)
  --threads T           threads to compute on            (default: all cores)
  --memory-limit BYTES  hold at most this much: 256MB, 1.5GiB, 100000 ...
  --store DIR           the store: a new or empty directory
                        (default: a fresh directory in the system temp dir)
  --keep                keep the store (by default it is deleted at the end)
  --progress            progress bars on stderr (also NDCHUNK_PROGRESS=1)
  --help                print this help and exit

example:
  cargo run --release --example out_of_core -- --n 40000 --memory-limit 256MB";

/// Each chunk is a file of the store: more than this is refused, so that a
/// typo like `--chunk 1` gives advice instead of millions of files.
const MAX_CHUNKS: usize = 100_000;

const SEED: u64 = 42;

struct Args {
    n: usize,
    chunk: usize,
    threads: Option<usize>,
    memory_limit: Option<usize>,
    store: Option<PathBuf>,
    keep: bool,
    progress: bool,
}

/// What the command line asks for: a run, or the help text.
enum Parsed {
    Run(Args),
    Help,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Parsed, String> {
    let mut parsed = Args {
        n: 20_000,
        chunk: 1_000,
        threads: None,
        memory_limit: None,
        store: None,
        keep: false,
        progress: false,
    };
    while let Some(arg) = args.next() {
        let (flag, inline) = support::split_flag(&arg);
        match flag.as_str() {
            "--help" | "-h" => return Ok(Parsed::Help),
            "--keep" => {
                parsed.keep = true;
                continue;
            }
            "--progress" => {
                parsed.progress = true;
                continue;
            }
            "--n" | "--chunk" | "--threads" | "--memory-limit" | "--store" => {}
            _ => return Err(format!("unknown argument `{arg}`")),
        }
        let value = support::flag_value(&flag, inline, &mut args)?;
        match flag.as_str() {
            "--n" => parsed.n = support::positive(&flag, &value)?,
            "--chunk" => parsed.chunk = support::positive(&flag, &value)?,
            "--threads" => parsed.threads = Some(support::positive(&flag, &value)?),
            "--memory-limit" => parsed.memory_limit = Some(support::bytes(&flag, &value)?),
            _ => parsed.store = Some(PathBuf::from(value)),
        }
    }
    if parsed
        .n
        .checked_mul(parsed.n)
        .and_then(|e| e.checked_mul(8))
        .is_none()
    {
        return Err(format!("`--n {}` is too large", parsed.n));
    }
    let per_axis = parsed.n.div_ceil(parsed.chunk);
    if per_axis.saturating_mul(per_axis) > MAX_CHUNKS {
        return Err(format!(
            "`--n {} --chunk {}` makes {per_axis} x {per_axis} chunks, one file each; \
             use at most {MAX_CHUNKS} (a larger --chunk)",
            parsed.n, parsed.chunk
        ));
    }
    Ok(Parsed::Run(parsed))
}

/// The store directory: `--store`, or a fresh one in the temp dir. It must
/// be new or empty, because everything in it is deleted at the end (unless
/// `--keep`) and the arrays are not written over existing ones.
fn store_dir(args: &Args) -> Result<PathBuf, String> {
    let dir = args.store.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("ndchunk-out-of-core-{}", std::process::id()))
    });
    if dir.exists() {
        let empty = std::fs::read_dir(&dir)
            .map_err(|e| format!("`--store {}`: {e}", dir.display()))?
            .next()
            .is_none();
        if !empty {
            return Err(format!(
                "`--store {}` exists and is not empty: give a new or empty directory \
                 (it is deleted at the end unless --keep)",
                dir.display()
            ));
        }
    }
    Ok(dir)
}

fn main() -> ExitCode {
    let (args, store) = match parse_args(std::env::args().skip(1)).and_then(|parsed| match parsed {
        Parsed::Run(args) => store_dir(&args).map(|store| Some((args, store))),
        Parsed::Help => Ok(None),
    }) {
        Ok(Some(run)) => run,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("out_of_core: {message}");
            eprintln!("try `out_of_core --help`");
            return ExitCode::from(2);
        }
    };
    let result = run(&args, &store);
    // Also after a failure: a half-written store of gigabytes is not left
    // behind in the temp dir.
    if !args.keep {
        if let Err(e) = std::fs::remove_dir_all(&store) {
            if e.kind() != std::io::ErrorKind::NotFound {
                eprintln!("out_of_core: could not delete {}: {e}", store.display());
            }
        }
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("out_of_core: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args, store: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let (n, c) = (args.n, args.chunk);
    let mut options = Options::default();
    if let Some(t) = args.threads {
        options = options.threads(t);
    }
    if let Some(limit) = args.memory_limit {
        options = options.memory_limit(limit);
    }
    if args.progress {
        options = options.progress(true);
    }
    let raw = n * n * std::mem::size_of::<f64>();

    println!("ndchunk: a larger-than-memory array through a Zarr store");
    println!();
    row("shape", format!("{n} x {n} f64 ({})", human_bytes(raw)));
    row(
        "chunks",
        format!("{c} x {c} ({} per axis), zstd level 1", n.div_ceil(c)),
    );
    let fate = if args.keep {
        "kept"
    } else {
        "deleted at the end; --keep keeps it"
    };
    row("store", format!("{} ({fate})", store.display()));
    let threads = args.threads.map_or_else(
        || format!("{} (all cores)", rayon::current_num_threads()),
        |t| t.to_string(),
    );
    row("threads", threads);
    if let Some(limit) = args.memory_limit {
        row("memory limit", human_bytes(limit));
    }

    // Write phase: the samples are drawn block by block and each block is
    // compressed into its chunk file as soon as it is drawn.
    println!();
    println!(
        "write: x = standard_normal(seed {SEED}) -> {}/x",
        store.display()
    );
    let x = ndchunk::random::Rng::seed(SEED).standard_normal((n, n), (c, c))?;
    let write = x.to_zarr(store, "x", ZarrOptions::default().codec(Codec::Zstd(1)))?;
    let start = Instant::now();
    let written = write.compute_with(&options)?;
    let seconds = start.elapsed().as_secs_f64();
    let on_disk = dir_bytes(&store.join("x"));
    row("time", format!("{seconds:.3} s"));
    row(
        "written",
        format!(
            "{} raw at {}, {} on disk at {} (zstd ratio {:.3})",
            human_bytes(written.bytes as usize),
            rate(written.bytes as usize, seconds),
            human_bytes(on_disk),
            rate(on_disk, seconds),
            written.bytes as f64 / on_disk as f64
        ),
    );
    row("chunks", format!("{} files", written.chunks));
    row("peak RSS", rss(support::peak_rss()));

    // Read phase, one compute: the mean is computed once and shared by the
    // mean row, `x - mean` and the check below; the column sums join a pass
    // over x and go straight into the store.
    println!();
    println!(
        "read: x from the store; (x - x.mean()).std() and x.sum_axis(0) -> {}/sum0",
        store.display()
    );
    let reset = reset_peak_rss();
    let io_before = read_bytes();
    let start = Instant::now();
    let x = ChunkedArray::<f64, _>::from_zarr(store, "x")?;
    let mean = x.mean();
    let std = (&x - &mean).std(0.0);
    let sums = x
        .sum_axis(Axis(0))
        .to_zarr(store, "sum0", ZarrOptions::default())?;
    let tasks = ndchunk::num_tasks((&mean, &std, &sums))?;
    let (mean, std, sums) = ndchunk::compute_with((&mean, &std, &sums), &options)?;
    let seconds = start.elapsed().as_secs_f64();
    let io = read_bytes()
        .zip(io_before)
        .map(|(after, before)| after - before);
    let (mean, std) = (mean.into_scalar(), std.into_scalar());
    row("time", format!("{seconds:.3} s ({tasks} tasks)"));
    match io {
        Some(bytes) => {
            // Every byte read is a chunk file of x (the metadata is a few KB),
            // so this counts how often the plan reads x.
            let passes = bytes as f64 / on_disk as f64;
            row(
                "read",
                format!(
                    "{} from files = x read {passes:.2} times: {} raw at {}, on disk at {}",
                    human_bytes(bytes),
                    human_bytes((passes * raw as f64) as usize),
                    rate((passes * raw as f64) as usize, seconds),
                    rate(bytes, seconds)
                ),
            );
        }
        None => row("read", "n/a (needs /proc/self/io)".into()),
    }
    row(
        "written",
        format!(
            "sum0: {} raw, {} chunks",
            human_bytes(sums.bytes as usize),
            sums.chunks
        ),
    );
    row("mean", format!("{mean:+.6e}"));
    row("std", format!("{std:.9}"));
    // The written column sums, read back: their total is N² times the mean.
    let total = ChunkedArray::<f64, _>::from_zarr(store, "sum0")?
        .sum()
        .compute()?
        .into_scalar();
    let expected = mean * (n * n) as f64;
    let agrees = (total - expected).abs() <= 1e-9 * (n * n) as f64;
    row(
        "check",
        format!(
            "sum(sum0) = {total:.6e}, N² · mean = {expected:.6e}: {}",
            if agrees { "agree" } else { "DISAGREE" }
        ),
    );
    let label = if reset { "peak RSS" } else { "peak RSS (run)" };
    row(label, rss(support::peak_rss()));
    if !agrees {
        return Err("the column sums read back do not add up to N² · mean".into());
    }
    Ok(())
}

fn row(label: &str, value: String) {
    println!("  {label:<14}{value}");
}

/// Bytes per second as decimal MB/s (10^6 bytes), as disks are rated.
fn rate(bytes: usize, seconds: f64) -> String {
    format!("{:.0} MB/s", bytes as f64 / seconds / 1e6)
}

/// The apparent size of the files under `dir`: what the store holds on disk.
fn dir_bytes(dir: &Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .flatten()
            .map(|entry| match entry.file_type() {
                Ok(t) if t.is_dir() => dir_bytes(&entry.path()),
                _ => entry.metadata().map_or(0, |m| m.len() as usize),
            })
            .sum()
    })
}

/// Start the peak RSS afresh (Linux: `5` to `/proc/self/clear_refs`), so the
/// read phase reports its own peak; false when that is not possible.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Bytes read by the process's `read` calls so far (`rchar`): the chunk
/// files, whether they came from the disk or from the page cache.
fn read_bytes() -> Option<usize> {
    support::proc_field("io", "rchar:")
}

fn rss(bytes: Option<usize>) -> String {
    bytes.map_or("n/a".into(), |b| format!("{} (VmHWM)", human_bytes(b)))
}
