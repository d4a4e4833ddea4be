//! The Rust side of the side-by-side comparison harness
//! (`benches/compare/run.py`): one workload, one implementation, one process,
//! one JSON line.
//!
//! ```text
//! cargo build --release --example compare
//! target/release/examples/compare W1 --impl ndchunk
//! target/release/examples/compare W3 --impl rayon --n 4000 --chunk 500 --threads 1
//! target/release/examples/compare gen --impl limit
//! target/release/examples/compare IO-W --impl ndchunk --n 2000 --store /tmp/io-store
//! target/release/examples/compare IO-R --impl ndchunk --n 2000 --store /tmp/io-store
//! target/release/examples/compare --help
//! ```
//!
//! Implementations: `ndchunk` (this crate), `eager` (plain single-threaded
//! ndarray, written the way a user would), `rayon` (hand-written parallel
//! code on slices) and `limit` (machine limits: `gen`, `gen_uniform`, `bw`).
//! An implementation that does not exist for a workload prints
//! `{"workload":..,"impl":..,"unsupported":true}` and exits 0; bad arguments
//! exit 2 with a message.
//!
//! What is timed: only the job. Inputs that are "given" (the in-memory array
//! of W3, W4, W5 and W7, and the lazy random array of ndchunk) are made
//! before the clock starts, and a tiny compute on the same thread pool warms
//! the pool first. Drawing the samples is part of the job for the eager and
//! rayon versions of W1, W2, W8 and W9, as it is for NumPy. The IO rows
//! time their compute: the write (IO-W), or the reads and the write of the
//! column sums (IO-R, whose store was written before by another process);
//! opening the store and building the plan come before the clock, reading
//! the written sums back (for the result) after it. `tasks` (the
//! ndchunk task count, from `num_tasks`) is counted after the clock stops.
//! `peak_rss` is the process's `VmHWM` from `/proc/self/status`, read at the
//! end, so it includes the input.

#[path = "../../examples/support/mod.rs"]
mod support;

use ndarray::{Array1, Array2, Axis};
use ndchunk::prelude::*;
use ndchunk::random::StandardNormal;
use rand::distr::{Distribution, Uniform};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "\
usage: compare <workload> --impl <ndchunk|eager|rayon|limit> [--n N] [--chunk C] [--threads T]
               [--store DIR] [--mpi]

workloads (defaults: N = 10000, C = 1000, unless noted):
  W1           mean of an N x N standard-normal array
  W2           std (ddof 0) of the same
  W3           ((x*2+1)^2 - x).sum() of an in-memory N x N array
  W4a          x.sum_axis(Axis(0)) of the in-memory array
  W4b          x.mean_axis(Axis(1)) of the in-memory array
  W5           (x + 1).sum() of an in-memory array    (N = 1000, C = 10)
  W7           (x + x.t()).sum() of the in-memory array
  W8           max of an N x N uniform(0, 1) array    (N = 20000, C = 2000)
  W9           y = x - x.mean(); y.std(0) on an N x N normal array
  MATMUL       (a @ b).sum() of two in-memory N x N arrays (N = 4000, C = 1000);
               the product is computed whole, the sum only avoids a transfer
  QR           qr of an N x 50 standard-normal array in C x 50 row blocks
               (TSQR), reduced to |r|.sum() with q.sum() computed alongside
               (N = 1000000, C = 50000); ndchunk only
  SVDC         svd_compressed(k = 10, no power iteration) of an N x N
               standard-normal array in C x C blocks, reduced to s.sum() with
               u.sum() and vt.sum() alongside (N = 20000, C = 2000); ndchunk only
  RECHUNK      an N x N normal array made by a block function in C x N row
               blocks, rechunked to N x C column blocks, summed along axis 0
               (every block is cut and sent); ndchunk only
  GRAPH        build and lower ones((N, N), (C, C)).sum(); ndchunk only (C = 10)
  IO-W         write an N x N normal array to DIR/x, Zarr v3 with zstd level 1,
               chunks C x C; ndchunk only                     (N = 20000)
  IO-R         read DIR/x; y = x - x.mean(); y.std(0), and x.sum_axis(Axis(0))
               written to DIR/sum0-ndchunk, in one compute; ndchunk only
               (N = 20000; N and C are only reported: the store has them)
  gen          limit: N*N standard-normal samples, summed, on all threads
  gen_uniform  limit: the same with uniform(0, 1) samples (both also time
               ndchunk's generator: a 1-D array of N*N samples, summed)
  bw           limit: parallel sum of an in-memory N*N f64 array (best of 5)
  bw_blocked   limit: the same, read block by block in C x C blocks, each
               block's rows in turn (the access pattern of chunked reads)

options:
  --impl I     ndchunk, eager, rayon or limit (required)
  --n N        side of the square array
  --chunk C    side of the square chunks (rayon: rows per generator/task)
  --threads T  threads (ndchunk: Options::threads; rayon, limit: a pool of T);
               default: all cores. eager is single-threaded and ignores it.
  --store DIR  the Zarr store of IO-W (a new array x in it) and IO-R (reads x)
  --mpi        ndchunk across the ranks of `mpirun -n R` (a build with
               `--features mpi`); every rank prints its line, with its rank,
               the number of ranks and the bytes it sent
  --help       print this help and exit

prints one JSON line:
  {\"workload\", \"impl\", \"n\", \"chunk\", \"threads\", \"seconds\", \"result\",
   \"tasks\", \"peak_rss\", ...workload-specific extras}
  IO-R extras: sum0_sum, sum0_first, sum0_last (the written column sums, read
  back) and read_bytes (bytes the compute read from files: /proc/self/io rchar)";

const SEED: u64 = 42;
/// Columns of the QR workload's tall-and-skinny array.
const QR_COLUMNS: usize = 50;
/// Singular values the SVDC workload finds.
const SVDC_K: usize = 10;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Workload {
    W1,
    W2,
    W3,
    W4a,
    W4b,
    W5,
    W7,
    W8,
    W9,
    Matmul,
    Qr,
    Svdc,
    Rechunk,
    Graph,
    IoW,
    IoR,
    Gen,
    GenUniform,
    Bw,
    BwBlocked,
}

impl Workload {
    fn parse(s: &str) -> Option<Workload> {
        Some(match s.to_ascii_lowercase().as_str() {
            "w1" => Workload::W1,
            "w2" => Workload::W2,
            "w3" => Workload::W3,
            "w4a" => Workload::W4a,
            "w4b" => Workload::W4b,
            "w5" => Workload::W5,
            "w7" => Workload::W7,
            "w8" => Workload::W8,
            "w9" => Workload::W9,
            "matmul" => Workload::Matmul,
            "qr" => Workload::Qr,
            "svdc" => Workload::Svdc,
            "rechunk" => Workload::Rechunk,
            "graph" => Workload::Graph,
            "io-w" => Workload::IoW,
            "io-r" => Workload::IoR,
            "gen" => Workload::Gen,
            "gen_uniform" => Workload::GenUniform,
            "bw" => Workload::Bw,
            "bw_blocked" => Workload::BwBlocked,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Workload::W1 => "W1",
            Workload::W2 => "W2",
            Workload::W3 => "W3",
            Workload::W4a => "W4a",
            Workload::W4b => "W4b",
            Workload::W5 => "W5",
            Workload::W7 => "W7",
            Workload::W8 => "W8",
            Workload::W9 => "W9",
            Workload::Matmul => "MATMUL",
            Workload::Qr => "QR",
            Workload::Svdc => "SVDC",
            Workload::Rechunk => "RECHUNK",
            Workload::Graph => "GRAPH",
            Workload::IoW => "IO-W",
            Workload::IoR => "IO-R",
            Workload::Gen => "gen",
            Workload::GenUniform => "gen_uniform",
            Workload::Bw => "bw",
            Workload::BwBlocked => "bw_blocked",
        }
    }

    /// Default (N, C).
    fn defaults(self) -> (usize, usize) {
        match self {
            Workload::W5 => (1_000, 10),
            Workload::W8 => (20_000, 2_000),
            Workload::Matmul => (4_000, 1_000),
            Workload::Qr => (1_000_000, 50_000),
            Workload::Svdc => (20_000, 2_000),
            Workload::Graph => (10_000, 10),
            Workload::IoW | Workload::IoR => (20_000, 1_000),
            _ => (10_000, 1_000),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Impl {
    Ndchunk,
    Eager,
    Rayon,
    Limit,
}

impl Impl {
    fn parse(s: &str) -> Option<Impl> {
        Some(match s {
            "ndchunk" => Impl::Ndchunk,
            "eager" => Impl::Eager,
            "rayon" => Impl::Rayon,
            "limit" => Impl::Limit,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Impl::Ndchunk => "ndchunk",
            Impl::Eager => "eager",
            Impl::Rayon => "rayon",
            Impl::Limit => "limit",
        }
    }
}

struct Args {
    workload: Workload,
    imp: Impl,
    n: usize,
    chunk: usize,
    threads: Option<usize>,
    store: Option<PathBuf>,
    mpi: bool,
}

enum Parsed {
    Run(Args),
    Help,
}

fn parse_args(mut argv: impl Iterator<Item = String>) -> Result<Parsed, String> {
    let mut workload = None;
    let mut imp = None;
    let (mut n, mut chunk, mut threads, mut store) = (None, None, None, None);
    let mut mpi = false;
    while let Some(arg) = argv.next() {
        if arg == "--help" || arg == "-h" {
            return Ok(Parsed::Help);
        }
        if arg == "--mpi" {
            if !cfg!(feature = "mpi") {
                return Err("`--mpi` needs a build with `--features mpi`".into());
            }
            mpi = true;
            continue;
        }
        if !arg.starts_with("--") {
            if workload.is_some() {
                return Err(format!("unexpected argument `{arg}`"));
            }
            workload =
                Some(Workload::parse(&arg).ok_or_else(|| format!("unknown workload `{arg}`"))?);
            continue;
        }
        // `--flag value` or `--flag=value`.
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) => (f.to_string(), Some(v.to_string())),
            None => (arg.clone(), None),
        };
        // Named before a value is looked for: `--nn 5` is an unknown option,
        // not a missing value.
        if !matches!(
            flag.as_str(),
            "--impl" | "--n" | "--chunk" | "--threads" | "--store"
        ) {
            return Err(format!("unknown option `{flag}`"));
        }
        let value = match inline {
            Some(v) => v,
            None => argv
                .next()
                .ok_or_else(|| format!("`{flag}` needs a value"))?,
        };
        match flag.as_str() {
            "--impl" => {
                imp = Some(Impl::parse(&value).ok_or_else(|| {
                    format!("`--impl` expects ndchunk, eager, rayon or limit, got `{value}`")
                })?)
            }
            "--n" => n = Some(positive(&flag, &value)?),
            "--chunk" => chunk = Some(positive(&flag, &value)?),
            "--store" => store = Some(PathBuf::from(value)),
            _ => threads = Some(positive(&flag, &value)?),
        }
    }
    let workload = workload.ok_or(
        "missing the workload (W1 ... W9, MATMUL, GRAPH, IO-W, IO-R, gen, gen_uniform, bw)",
    )?;
    let imp = imp.ok_or("missing `--impl`")?;
    let (dn, dc) = workload.defaults();
    let (n, chunk) = (n.unwrap_or(dn), chunk.unwrap_or(dc));
    if n.checked_mul(n).and_then(|e| e.checked_mul(8)).is_none() {
        return Err(format!("`--n {n}` is too large"));
    }
    Ok(Parsed::Run(Args {
        workload,
        imp,
        n,
        chunk,
        threads,
        store,
        mpi,
    }))
}

fn positive(flag: &str, value: &str) -> Result<usize, String> {
    match value.parse::<usize>() {
        Ok(v) if v > 0 => Ok(v),
        _ => Err(format!(
            "`{flag}` expects a whole number of at least 1, got `{value}`"
        )),
    }
}

/// A finite float as a JSON number, anything else as `null`.
fn num(x: f64) -> String {
    if x.is_finite() {
        format!("{x:e}")
    } else {
        "null".to_string()
    }
}

/// What a job computed: a number, or a summary of a vector.
enum Value {
    Scalar(f64),
    Vector(Vec<f64>),
}

impl Value {
    fn json(&self) -> String {
        match self {
            Value::Scalar(x) => num(*x),
            Value::Vector(v) => {
                let (first, last) = (v.first().copied(), v.last().copied());
                format!(
                    "{{\"len\":{},\"sum\":{},\"first\":{},\"last\":{}}}",
                    v.len(),
                    num(v.iter().sum()),
                    first.map_or("null".into(), num),
                    last.map_or("null".into(), num)
                )
            }
        }
    }
}

impl From<f64> for Value {
    fn from(x: f64) -> Value {
        Value::Scalar(x)
    }
}

impl From<Array1<f64>> for Value {
    fn from(a: Array1<f64>) -> Value {
        Value::Vector(a.to_vec())
    }
}

impl From<Vec<f64>> for Value {
    fn from(v: Vec<f64>) -> Value {
        Value::Vector(v)
    }
}

/// One measured job.
struct Outcome {
    seconds: f64,
    result: Value,
    tasks: Option<usize>,
    /// Workload-specific fields, already JSON-encoded.
    extras: Vec<(&'static str, String)>,
}

impl Outcome {
    fn new(seconds: f64, result: impl Into<Value>) -> Outcome {
        Outcome {
            seconds,
            result: result.into(),
            tasks: None,
            extras: Vec::new(),
        }
    }

    fn tasks(mut self, tasks: usize) -> Outcome {
        self.tasks = Some(tasks);
        self
    }

    fn extra(mut self, key: &'static str, value: f64) -> Outcome {
        self.extras.push((key, num(value)));
        self
    }
}

/// Whether ndchunk computes across MPI ranks (`--mpi`).
static ACROSS_RANKS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// `f()` and the seconds it took. Across MPI ranks, the ranks first wait
/// for each other (a tiny compute), so that a rank still making its input
/// does not count as another's compute time.
fn timed<R>(f: impl FnOnce() -> R) -> (f64, R) {
    if ACROSS_RANKS.load(std::sync::atomic::Ordering::Relaxed) {
        let tiny = ChunkedArray::<f64, _>::zeros(1, 1).and_then(|z| z.sum().compute());
        tiny.expect("the ranks could not meet");
    }
    let start = Instant::now();
    let r = f();
    (start.elapsed().as_secs_f64(), r)
}

/// Bytes the process's `read` calls returned so far (`rchar`, Linux): from
/// the disk or the page cache alike.
fn read_bytes() -> Option<u64> {
    support::proc_field("io", "rchar:").map(|n| n as u64)
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Parsed::Run(args)) => args,
        Ok(Parsed::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("compare: {message}");
            eprintln!("try `compare --help`");
            return ExitCode::from(2);
        }
    };
    if args.mpi && args.imp != Impl::Ndchunk {
        eprintln!("compare: `--mpi` runs ndchunk only");
        return ExitCode::from(2);
    }
    // Every rank runs this program; ndchunk's computes are spread over the
    // ranks while `mpi` lives.
    #[cfg(feature = "mpi")]
    let mpi = match args.mpi.then(ndchunk::mpi::init).transpose() {
        Ok(mpi) => mpi,
        Err(e) => {
            eprintln!("compare: {e}");
            return ExitCode::FAILURE;
        }
    };
    #[cfg(feature = "mpi")]
    let ranks = mpi.as_ref().map(|m| (m.rank(), m.size()));
    #[cfg(not(feature = "mpi"))]
    let ranks: Option<(usize, usize)> = None;
    ACROSS_RANKS.store(ranks.is_some(), std::sync::atomic::Ordering::Relaxed);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = match args.imp {
        Impl::Eager => 1,
        // ndchunk computes on the current pool (RAYON_NUM_THREADS).
        Impl::Ndchunk => args.threads.unwrap_or_else(rayon::current_num_threads),
        _ => args.threads.unwrap_or(cores),
    };
    let outcome = match args.imp {
        Impl::Ndchunk => ndchunk_job(&args).map_err(|e| e.to_string()),
        Impl::Eager => Ok(eager_job(&args)),
        Impl::Rayon | Impl::Limit => rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| e.to_string())
            .map(|pool| {
                // Wake the pool's threads before the clock starts.
                pool.install(|| (0..threads * 4).into_par_iter().for_each(|_| ()));
                match args.imp {
                    Impl::Rayon => pool.install(|| rayon_job(&args)),
                    _ => pool.install(|| limit_job(&args, threads)),
                }
            }),
    };
    let head = format!(
        "{{\"workload\":\"{}\",\"impl\":\"{}\"",
        args.workload.name(),
        args.imp.name()
    );
    match outcome {
        Ok(None) => {
            println!("{head},\"unsupported\":true}}");
            ExitCode::SUCCESS
        }
        Ok(Some(o)) => {
            let mut line = head;
            let _ = write!(
                line,
                ",\"n\":{},\"chunk\":{},\"threads\":{},\"seconds\":{},\"result\":{},\"tasks\":{},\"peak_rss\":{}",
                args.n,
                args.chunk,
                threads,
                num(o.seconds),
                o.result.json(),
                o.tasks.map_or("null".into(), |t| t.to_string()),
                support::peak_rss().map_or("null".into(), |b| b.to_string()),
            );
            for (k, v) in &o.extras {
                let _ = write!(line, ",\"{k}\":{v}");
            }
            if let Some((rank, size)) = ranks {
                let _ = write!(line, ",\"rank\":{rank},\"ranks\":{size}");
            }
            line.push('}');
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!(
                "compare: {} --impl {} failed: {e}",
                args.workload.name(),
                args.imp.name()
            );
            ExitCode::FAILURE
        }
    }
}

// ---------------------------------------------------------------- inputs

/// The deterministic value of element (i, j) of the in-memory input: a cheap
/// hash of the index, a multiple of 2^-16 in [-0.5, 0.5), so sums of up to
/// 2^36 of them are exact in any order. `run.py` makes the same array.
fn cell(i: usize, j: usize) -> f64 {
    ((i * 1_000_003 + j * 7_919) % 65_536) as f64 / 65_536.0 - 0.5
}

/// The in-memory N x N input (made before the clock starts).
fn input(n: usize) -> Array2<f64> {
    Array2::from_shape_fn((n, n), |(i, j)| cell(i, j))
}

/// The second operand of MATMUL: the same hash with the roles of i and j
/// swapped (so a @ b is not a @ a). `run.py` makes the same array.
fn input_b(n: usize) -> Array2<f64> {
    Array2::from_shape_fn((n, n), |(i, j)| cell(j, i))
}

/// `k` generators for disjoint parts of one Xoshiro256++ stream (2^128
/// apart, by `jump`), seeded from `seed`.
fn generators(seed: u64, k: usize) -> Vec<Xoshiro256PlusPlus> {
    let mut base = Xoshiro256PlusPlus::seed_from_u64(seed);
    (0..k)
        .map(|_| {
            let g = base.clone();
            base.jump();
            g
        })
        .collect()
}

/// One generator for all N x N samples, in row-major order.
fn eager_fill<D: Distribution<f64>>(n: usize, dist: D) -> Array2<f64> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(SEED);
    Array2::from_shape_simple_fn((n, n), || dist.sample(&mut rng))
}

/// N x N samples in row-major order, drawn in parallel: one generator per
/// chunk of `rows` rows.
fn par_fill<D: Distribution<f64> + Sync>(n: usize, rows: usize, dist: D) -> Vec<f64> {
    let mut data = vec![0.0; n * n];
    let piece = rows.min(n) * n;
    let gens = generators(SEED, data.len().div_ceil(piece));
    data.par_chunks_mut(piece)
        .zip(gens)
        .for_each(|(part, mut rng)| {
            for v in part {
                *v = dist.sample(&mut rng);
            }
        });
    data
}

fn uniform01() -> Uniform<f64> {
    Uniform::new(0.0, 1.0).expect("0 < 1")
}

// --------------------------------------------------------------- ndchunk

/// The bytes the last compute sent to other MPI ranks.
#[derive(Default)]
struct Sent(std::sync::atomic::AtomicU64);

impl ndchunk::Observer for Sent {
    fn task_hooks(&self) -> bool {
        false
    }
    fn compute_end(&self, run: &ndchunk::diagnostics::ComputeEnd) {
        self.0
            .store(run.bytes_sent, std::sync::atomic::Ordering::Relaxed);
    }
}

fn ndchunk_job(args: &Args) -> ndchunk::Result<Option<Outcome>> {
    let sent = std::sync::Arc::new(Sent::default());
    let opts = match args.threads {
        Some(t) => Options::default().threads(t),
        None => Options::default(),
    }
    .observer(sent.clone());
    let outcome = ndchunk_outcome(args, &opts)?;
    let sent = sent.0.load(std::sync::atomic::Ordering::Relaxed) as f64;
    Ok(outcome.map(|o| {
        if args.mpi {
            o.extra("bytes_sent", sent)
        } else {
            o
        }
    }))
}

fn ndchunk_outcome(args: &Args, opts: &Options) -> ndchunk::Result<Option<Outcome>> {
    let (n, c) = (args.n, args.chunk);
    // Warm the pool (built on first use) before the clock starts.
    ChunkedArray::<f64, _>::zeros(4, 2)?
        .sum()
        .compute_with(opts)?;
    let scalar = |a: ndarray::Array0<f64>| a.into_scalar();
    let normal = || ndchunk::random::Rng::seed(SEED).standard_normal((n, n), (c, c));
    let normal_rows =
        |n: usize, c: usize| ndchunk::random::Rng::seed(SEED).standard_normal((n, n), (c, n));
    let outcome = match args.workload {
        Workload::W1 => {
            let x = normal()?;
            let (s, r) = timed(|| x.mean().compute_with(opts));
            Outcome::new(s, scalar(r?)).tasks(x.mean().num_tasks()?)
        }
        Workload::W2 => {
            let x = normal()?;
            let (s, r) = timed(|| x.std(0.0).compute_with(opts));
            Outcome::new(s, scalar(r?)).tasks(x.std(0.0).num_tasks()?)
        }
        Workload::W3 => {
            let x = ChunkedArray::from_array(input(n), (c, c))?;
            let job = |x: &ChunkedArray<f64, _>| ((x * 2.0 + 1.0).mapv(|v| v * v) - x).sum();
            let (s, r) = timed(|| job(&x).compute_with(opts));
            Outcome::new(s, scalar(r?)).tasks(job(&x).num_tasks()?)
        }
        Workload::W4a => {
            let x = ChunkedArray::from_array(input(n), (c, c))?;
            let (s, r) = timed(|| x.sum_axis(Axis(0)).compute_with(opts));
            Outcome::new(s, r?).tasks(x.sum_axis(Axis(0)).num_tasks()?)
        }
        Workload::W4b => {
            let x = ChunkedArray::from_array(input(n), (c, c))?;
            let (s, r) = timed(|| x.mean_axis(Axis(1)).compute_with(opts));
            Outcome::new(s, r?).tasks(x.mean_axis(Axis(1)).num_tasks()?)
        }
        Workload::W5 => {
            let x = ChunkedArray::from_array(input(n), (c, c))?;
            let (s, r) = timed(|| (&x + 1.0).sum().compute_with(opts));
            let tasks = (&x + 1.0).sum().num_tasks()?;
            Outcome::new(s, scalar(r?))
                .tasks(tasks)
                .extra("us_per_task", s / tasks as f64 * 1e6)
        }
        Workload::W7 => {
            let x = ChunkedArray::from_array(input(n), (c, c))?;
            let (s, r) = timed(|| (&x + &x.t()).sum().compute_with(opts));
            Outcome::new(s, scalar(r?)).tasks((&x + &x.t()).sum().num_tasks()?)
        }
        Workload::W8 => {
            let x = ndchunk::random::Rng::seed(SEED).uniform(0.0, 1.0, (n, n), (c, c))?;
            let (s, r) = timed(|| x.max().compute_with(opts));
            Outcome::new(s, scalar(r?)).tasks(x.max().num_tasks()?)
        }
        Workload::W9 => {
            let x = normal()?;
            let job = |x: &ChunkedArray<f64, ndarray::Ix2>| {
                let y = x - &x.mean();
                y.std(0.0)
            };
            let (s, r) = timed(|| job(&x).compute_with(opts));
            Outcome::new(s, scalar(r?)).tasks(job(&x).num_tasks()?)
        }
        Workload::Matmul => {
            let a = ChunkedArray::from_array(input(n), (c, c))?;
            let b = ChunkedArray::from_array(input_b(n), (c, c))?;
            let job = |a: &ChunkedArray<f64, ndarray::Ix2>, b: &ChunkedArray<f64, ndarray::Ix2>| {
                a.dot(b).sum()
            };
            let (s, r) = timed(|| job(&a, &b).compute_with(opts));
            Outcome::new(s, scalar(r?))
                .tasks(job(&a, &b).num_tasks()?)
                .extra("gflops", 2.0 * (n as f64).powi(3) / s / 1e9)
        }
        Workload::Qr => {
            let x = ndchunk::random::Rng::seed(SEED)
                .standard_normal((n, QR_COLUMNS), (c, QR_COLUMNS))?;
            let (q, r) = ndchunk::linalg::qr(&x)?;
            let job = (&q.sum(), &r.abs().sum());
            let (s, out) = timed(|| ndchunk::compute_with(job, opts));
            let (q_sum, r_abs) = out?;
            Outcome::new(s, r_abs.into_scalar())
                .tasks(ndchunk::num_tasks(job)?)
                .extra("q_sum", q_sum.into_scalar())
        }
        Workload::Svdc => {
            let x = normal()?;
            let (u, sv, vt) = ndchunk::linalg::svd_compressed(&x, SVDC_K, 0)?;
            let sums = (u.sum(), sv.sum(), vt.sum());
            let job = (&sums.0, &sums.1, &sums.2);
            let (s, out) = timed(|| ndchunk::compute_with(job, opts));
            let (_, sv, _) = out?;
            Outcome::new(s, sv.into_scalar()).tasks(ndchunk::num_tasks(job)?)
        }
        Workload::Rechunk => {
            // A block function's blocks are stored, not recomputed: the
            // rechunk must move them (between ranks under MPI).
            let rows = normal_rows(n, c)?.map_blocks(|b, _| b.to_owned());
            let job = rows.rechunk((n, c)).sum_axis(Axis(0));
            let (s, r) = timed(|| job.compute_with(opts));
            Outcome::new(s, r?).tasks(job.num_tasks()?)
        }
        Workload::Graph => {
            let (s, r) = timed(|| -> ndchunk::Result<usize> {
                let sum = ChunkedArray::<f64, _>::ones((n, n), (c, c))?.sum();
                ndchunk::num_tasks(&sum)
            });
            let tasks = r?;
            Outcome::new(s, tasks as f64)
                .tasks(tasks)
                .extra("us_per_task", s / tasks as f64 * 1e6)
        }
        Workload::IoW => {
            let store = store_of(args)?;
            let write =
                normal()?.to_zarr(store, "x", ZarrOptions::default().codec(Codec::Zstd(1)))?;
            let (s, r) = timed(|| write.compute_with(opts));
            Outcome::new(s, r?.bytes as f64).tasks(ndchunk::num_tasks(&write)?)
        }
        Workload::IoR => {
            let store = store_of(args)?;
            let x = ChunkedArray::<f64, _>::from_zarr(store, "x")?;
            let std = (&x - &x.mean()).std(0.0);
            let sums = x.sum_axis(Axis(0)).to_zarr(
                store,
                "sum0-ndchunk",
                ZarrOptions::default().overwrite(true),
            )?;
            let before = read_bytes();
            let (s, r) = timed(|| ndchunk::compute_with((&std, &sums), opts));
            let read = read_bytes().zip(before).map(|(a, b)| a - b);
            let (std_value, _) = r?;
            let tasks = ndchunk::num_tasks((&std, &sums))?;
            let back = ChunkedArray::<f64, _>::from_zarr(store, "sum0-ndchunk")?.compute()?;
            let back = back.as_slice().expect("a fresh array is contiguous");
            let mut outcome = Outcome::new(s, scalar(std_value))
                .tasks(tasks)
                .extra("sum0_sum", back.iter().sum())
                .extra("sum0_first", back[0])
                .extra("sum0_last", back[back.len() - 1]);
            if let Some(bytes) = read {
                outcome = outcome.extra("read_bytes", bytes as f64);
            }
            outcome
        }
        Workload::Gen | Workload::GenUniform | Workload::Bw | Workload::BwBlocked => {
            return Ok(None)
        }
    };
    Ok(Some(outcome))
}

/// The `--store` of an IO workload.
fn store_of(args: &Args) -> ndchunk::Result<&Path> {
    args.store
        .as_deref()
        .ok_or_else(|| ndchunk::Error::InvalidArgument {
            argument: "--store",
            reason: format!("{} needs --store DIR", args.workload.name()),
        })
}

// ----------------------------------------------------------------- eager

fn eager_job(args: &Args) -> Option<Outcome> {
    let n = args.n;
    let (s, r): (f64, Value) = match args.workload {
        Workload::W1 => timed(|| {
            let a = eager_fill(n, StandardNormal);
            a.mean().unwrap_or(f64::NAN).into()
        }),
        Workload::W2 => timed(|| eager_fill(n, StandardNormal).std(0.0).into()),
        Workload::W3 => {
            let a = input(n);
            timed(|| a.mapv(|v| (v * 2.0 + 1.0).powi(2) - v).sum().into())
        }
        Workload::W4a => {
            let a = input(n);
            timed(|| a.sum_axis(Axis(0)).into())
        }
        Workload::W4b => {
            let a = input(n);
            timed(|| a.mean_axis(Axis(1)).expect("n > 0").into())
        }
        Workload::W5 => {
            let a = input(n);
            timed(|| (&a + 1.0).sum().into())
        }
        Workload::W7 => {
            let a = input(n);
            timed(|| (&a + &a.t()).sum().into())
        }
        Workload::W8 => timed(|| {
            let a = eager_fill(n, uniform01());
            a.fold(f64::NEG_INFINITY, |m, &v| m.max(v)).into()
        }),
        Workload::W9 => timed(|| {
            let x = eager_fill(n, StandardNormal);
            let y = &x - x.mean().unwrap_or(f64::NAN);
            y.std(0.0).into()
        }),
        Workload::Matmul => {
            let (a, b) = (input(n), input_b(n));
            timed(|| a.dot(&b).sum().into())
        }
        Workload::Graph
        | Workload::Qr
        | Workload::Svdc
        | Workload::Rechunk
        | Workload::IoW
        | Workload::IoR
        | Workload::Gen
        | Workload::GenUniform
        | Workload::Bw
        | Workload::BwBlocked => return None,
    };
    Some(Outcome::new(s, r))
}

// ----------------------------------------------------------------- rayon

/// Hand-written parallel code on slices (runs inside the pool of T threads).
fn rayon_job(args: &Args) -> Option<Outcome> {
    let (n, rows) = (args.n, args.chunk);
    let len = (n * n) as f64;
    let mean = |d: &[f64]| d.par_iter().sum::<f64>() / d.len() as f64;
    let (s, r): (f64, Value) = match args.workload {
        Workload::W1 => timed(|| mean(&par_fill(n, rows, StandardNormal)).into()),
        Workload::W2 => timed(|| {
            let d = par_fill(n, rows, StandardNormal);
            let m = mean(&d);
            let ss: f64 = d.par_iter().map(|&v| (v - m) * (v - m)).sum();
            (ss / len).sqrt().into()
        }),
        Workload::W3 => {
            let a = input(n);
            let d = a.as_slice().expect("standard layout");
            timed(|| {
                d.par_iter()
                    .map(|&v| (v * 2.0 + 1.0).powi(2) - v)
                    .sum::<f64>()
                    .into()
            })
        }
        Workload::W4a => {
            let a = input(n);
            let d = a.as_slice().expect("standard layout");
            timed(|| {
                // Partial column sums per split of the rows, then merged.
                d.par_chunks(n)
                    .fold(
                        || vec![0.0; n],
                        |mut acc, row| {
                            acc.iter_mut().zip(row).for_each(|(a, v)| *a += v);
                            acc
                        },
                    )
                    .reduce(
                        || vec![0.0; n],
                        |mut a, b| {
                            a.iter_mut().zip(&b).for_each(|(x, y)| *x += y);
                            a
                        },
                    )
                    .into()
            })
        }
        Workload::W4b => {
            let a = input(n);
            let d = a.as_slice().expect("standard layout");
            timed(|| {
                d.par_chunks(n)
                    .map(|row| row.iter().sum::<f64>() / n as f64)
                    .collect::<Vec<f64>>()
                    .into()
            })
        }
        Workload::W5 => {
            let a = input(n);
            let d = a.as_slice().expect("standard layout");
            timed(|| d.par_iter().map(|&v| v + 1.0).sum::<f64>().into())
        }
        Workload::W7 => {
            let a = input(n);
            let d = a.as_slice().expect("standard layout");
            // Tiles of T x T: row block i against column block i, cache-friendly.
            const T: usize = 64;
            timed(|| {
                (0..n.div_ceil(T))
                    .into_par_iter()
                    .map(|bi| {
                        let (i0, i1) = (bi * T, ((bi + 1) * T).min(n));
                        let mut acc = 0.0;
                        for j0 in (0..n).step_by(T) {
                            let j1 = (j0 + T).min(n);
                            for i in i0..i1 {
                                let row = &d[i * n..(i + 1) * n];
                                for (j, &v) in row.iter().enumerate().take(j1).skip(j0) {
                                    acc += v + d[j * n + i];
                                }
                            }
                        }
                        acc
                    })
                    .sum::<f64>()
                    .into()
            })
        }
        Workload::W8 => timed(|| {
            par_fill(n, rows, uniform01())
                .par_iter()
                .copied()
                .reduce(|| f64::NEG_INFINITY, f64::max)
                .into()
        }),
        Workload::W9 => timed(|| {
            // y = x - mean is not stored: its mean and spread are folded directly.
            let d = par_fill(n, rows, StandardNormal);
            let m = mean(&d);
            let my = d.par_iter().map(|&v| v - m).sum::<f64>() / len;
            let ss: f64 = d
                .par_iter()
                .map(|&v| {
                    let e = v - m - my;
                    e * e
                })
                .sum();
            (ss / len).sqrt().into()
        }),
        Workload::Matmul
        | Workload::Graph
        | Workload::Qr
        | Workload::Svdc
        | Workload::Rechunk
        | Workload::IoW
        | Workload::IoR
        | Workload::Gen
        | Workload::GenUniform
        | Workload::Bw
        | Workload::BwBlocked => return None,
    };
    Some(Outcome::new(s, r))
}

// ---------------------------------------------------------------- limits

/// Sum of `count` samples of `dist` (not stored).
fn sample_sum<D: Distribution<f64>>(dist: &D, rng: &mut Xoshiro256PlusPlus, count: usize) -> f64 {
    let (mut a, mut b) = (0.0, 0.0);
    for _ in 0..count / 2 {
        a += dist.sample(rng);
        b += dist.sample(rng);
    }
    if count % 2 == 1 {
        a += dist.sample(rng);
    }
    a + b
}

/// N*N samples drawn on all threads of the pool, each thread summing its own.
fn generation_limit<D: Distribution<f64> + Sync>(n: usize, threads: usize, dist: D) -> Outcome {
    let samples = n * n;
    let pieces = threads * 8;
    let gens = generators(SEED, pieces);
    let (s, total) = timed(|| {
        gens.into_par_iter()
            .enumerate()
            .map(|(k, mut rng)| {
                let count = samples / pieces + usize::from(k < samples % pieces);
                sample_sum(&dist, &mut rng, count)
            })
            .sum::<f64>()
    });
    Outcome::new(s, total / samples as f64)
        .extra("samples", samples as f64)
        .extra("samples_per_s", samples as f64 / s)
        .extra(
            "ns_per_sample_core",
            s * threads as f64 / samples as f64 * 1e9,
        )
}

/// `limit` with the rate of ndchunk's own (counter-based) generator: N²
/// samples of a 1-D array in `threads * 8` blocks, summed (one pass, no
/// block held; the engine's part is a strip-wise sum).
fn with_our_generator(
    limit: Outcome,
    n: usize,
    threads: usize,
    draw: impl Fn(usize, usize) -> ndchunk::Result<ChunkedArray<f64, ndarray::Ix1>>,
) -> Outcome {
    let samples = n * n;
    let x = draw(samples, samples.div_ceil(threads * 8).max(1)).expect("a valid draw");
    let options = Options::default().threads(threads);
    let (s, _) = timed(|| x.sum().compute_with(&options).expect("a sum"));
    limit
        .extra("ndchunk_samples_per_s", samples as f64 / s)
        .extra(
            "ndchunk_ns_per_sample_core",
            s * threads as f64 / samples as f64 * 1e9,
        )
}

/// Sum of a slice with eight independent accumulators (memory-bound, not
/// bound by the latency of one chain of additions).
fn sum8(d: &[f64]) -> f64 {
    let mut acc = [0.0; 8];
    let mut chunks = d.chunks_exact(8);
    for c in &mut chunks {
        for k in 0..8 {
            acc[k] += c[k];
        }
    }
    acc.iter().sum::<f64>() + chunks.remainder().iter().sum::<f64>()
}

/// Read bandwidth of `pass` over an in-memory N*N f64 array: the best of 5
/// passes, as STREAM reports.
fn read_limit(n: usize, pass: impl Fn(&[f64]) -> f64) -> Outcome {
    let mut data = vec![0.0; n * n];
    // Touch every page (in parallel) before the clock starts.
    data.par_chunks_mut(1 << 16)
        .enumerate()
        .for_each(|(k, part)| {
            for (i, v) in part.iter_mut().enumerate() {
                *v = cell(k, i);
            }
        });
    let (mut best, mut total) = timed(|| pass(&data));
    for _ in 0..4 {
        let (s, t) = timed(|| pass(&data));
        if s < best {
            (best, total) = (s, t);
        }
    }
    let bytes = (n * n * 8) as f64;
    Outcome::new(best, total)
        .extra("bytes", bytes)
        .extra("gb_per_s", bytes / best / 1e9)
}

fn limit_job(args: &Args, threads: usize) -> Option<Outcome> {
    let n = args.n;
    Some(match args.workload {
        Workload::Gen => {
            let ours = |len, chunk| ndchunk::random::Rng::seed(SEED).standard_normal(len, chunk);
            with_our_generator(
                generation_limit(n, threads, StandardNormal),
                n,
                threads,
                ours,
            )
        }
        Workload::GenUniform => {
            let ours = |len, chunk| ndchunk::random::Rng::seed(SEED).uniform(0.0, 1.0, len, chunk);
            with_our_generator(generation_limit(n, threads, uniform01()), n, threads, ours)
        }
        Workload::Bw => read_limit(n, |data| data.par_chunks(1 << 16).map(sum8).sum::<f64>()),
        Workload::BwBlocked => {
            let c = args.chunk;
            let grid = n.div_ceil(c);
            read_limit(n, |data| {
                (0..grid * grid)
                    .into_par_iter()
                    .map(|b| {
                        let (bi, bj) = (b / grid, b % grid);
                        let cols = bj * c..((bj + 1) * c).min(n);
                        (bi * c..((bi + 1) * c).min(n))
                            .map(|r| sum8(&data[r * n + cols.start..r * n + cols.end]))
                            .sum::<f64>()
                    })
                    .sum::<f64>()
            })
        }
        _ => return None,
    })
}
