//! The same plans on MPI ranks: every result bit-identical to the same
//! compute on one rank alone, on any number of ranks.
//!
//! Not a libtest harness (MPI starts once per process): run it under
//! `mpirun`, as `.ci/run` does for 1 to 4 ranks:
//!
//! ```text
//! cargo build --release --features mpi --test mpi
//! mpirun -n 3 --oversubscribe --bind-to none target/release/deps/mpi-<hash>
//! ```
//!
//! Each check computes under MPI (on the thread that started it) and again
//! on another thread, where the compute runs on this rank alone, and
//! compares every bit. Every rank prints its checks; any failure exits
//! non-zero, which makes `mpirun` fail.

use ndarray::Dimension;
use ndchunk::delayed::{delayed, shared};
use ndchunk::diagnostics::{ComputeEnd, Observer, TaskEvent};
use ndchunk::prelude::*;
use ndchunk::random::Rng;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

type Check = Result<(), String>;

/// A named check of the job.
type Named = (&'static str, fn(&Job) -> Check);

struct Job {
    rank: usize,
    size: usize,
    /// A directory every rank of this job names alike (the ranks share
    /// `mpirun` as their parent).
    dir: PathBuf,
}

/// `f` computed on this rank alone (MPI is used only from the thread that
/// started it).
fn alone<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    std::thread::scope(|s| s.spawn(f).join().expect("the local compute panicked"))
}

fn same_bits<D: Dimension>(what: &str, got: &Array<f64, D>, want: &Array<f64, D>) -> Check {
    if got.shape() != want.shape() {
        return Err(format!(
            "{what}: shape {:?}, alone {:?}",
            got.shape(),
            want.shape()
        ));
    }
    for (k, (a, b)) in got.iter().zip(want).enumerate() {
        if a.to_bits() != b.to_bits() {
            return Err(format!("{what}: element {k} is {a:e}, alone {b:e}"));
        }
    }
    Ok(())
}

fn equal<T: PartialEq + std::fmt::Debug>(what: &str, got: T, want: T) -> Check {
    if got == want {
        Ok(())
    } else {
        Err(format!("{what}: {got:?}, alone {want:?}"))
    }
}

fn err(e: ndchunk::Error) -> String {
    e.to_string()
}

fn reductions_of_a_random_array(_: &Job) -> Check {
    let x = Rng::seed(7)
        .standard_normal((600, 500), (70, 90))
        .map_err(err)?;
    let both = || ndchunk::compute((&x.mean(), &x.std(0.0), &x.sum_axis(Axis(0)), &x.max()));
    let (m, s, cols, top) = both().map_err(err)?;
    let (m0, s0, cols0, top0) = alone(both).map_err(err)?;
    same_bits("mean", &m, &m0)?;
    same_bits("std", &s, &s0)?;
    same_bits("sum_axis(0)", &cols, &cols0)?;
    same_bits("max", &top, &top0)?;
    let arg = || x.argmax().compute();
    equal("argmax", arg().map_err(err)?, alone(arg).map_err(err)?)
}

fn transposes_and_in_memory_arrays(_: &Job) -> Check {
    let x = Rng::seed(8)
        .standard_normal((400, 400), (100, 100))
        .map_err(err)?;
    let w7 = || (&x + &x.t()).sum().compute();
    same_bits(
        "(x + x.t()).sum()",
        &w7().map_err(err)?,
        &alone(w7).map_err(err)?,
    )?;
    // Every rank holds the same in-memory array: its blocks are never sent.
    let a = Array::from_shape_fn((90, 70), |(i, j)| (i * 70 + j) as f64 / 7.0);
    let m = ChunkedArray::from_array(a.clone(), (40, 30)).map_err(err)?;
    let rows = || (&m * 2.0 + &m).mean_axis(Axis(1)).compute();
    same_bits(
        "in-memory mean_axis(1)",
        &rows().map_err(err)?,
        &alone(rows).map_err(err)?,
    )?;
    let whole = m.compute().map_err(err)?;
    same_bits(
        "in-memory compute",
        &whole.into_dimensionality().unwrap(),
        &a,
    )
}

/// Counts the bytes this rank sent.
#[derive(Default)]
struct Sent(AtomicU64);

impl Observer for Sent {
    fn task_hooks(&self) -> bool {
        false
    }
    fn compute_end(&self, run: &ComputeEnd) {
        self.0.store(run.bytes_sent, Ordering::SeqCst);
    }
}

fn rechunks_slices_and_products_move_blocks(job: &Job) -> Check {
    let x = Rng::seed(9)
        .standard_normal((300, 240), (60, 80))
        .map_err(err)?;
    // A block function's blocks are stored (not recomputed), so a rechunk
    // moves them between ranks.
    let y = x.map_blocks(|b, _| b.mapv(|v| 2.0 * v + 1.0));
    let r = y.rechunk((150, 40));
    let sent = Arc::new(Sent::default());
    let options = Options::default().observer(sent.clone());
    let got = r.compute_with(&options).map_err(err)?;
    same_bits("rechunk", &got, &alone(|| r.compute()).map_err(err)?)?;
    if job.size > 1 && sent.0.load(Ordering::SeqCst) == 0 {
        return Err(format!("rank {} sent no bytes for a rechunk", job.rank));
    }
    let s = || y.slice(s![10..290;3, ..100]).compute();
    same_bits("slice", &s().map_err(err)?, &alone(s).map_err(err)?)?;
    let a = Rng::seed(10)
        .standard_normal((120, 90), (50, 40))
        .map_err(err)?;
    let b = Rng::seed(11)
        .standard_normal((90, 70), (40, 30))
        .map_err(err)?;
    let p = || a.dot(&b).compute();
    same_bits("dot", &p().map_err(err)?, &alone(p).map_err(err)?)?;
    // A transform makes its axis whole: complex blocks move too.
    let f = || ndchunk::fft::rfft(&x, Axis(1)).compute();
    let (got, want) = (f().map_err(err)?, alone(f).map_err(err)?);
    same_bits("rfft re", &got.mapv(|z| z.re), &want.mapv(|z| z.re))?;
    same_bits("rfft im", &got.mapv(|z| z.im), &want.mapv(|z| z.im))
}

fn integers_bools_and_nans(_: &Job) -> Check {
    let i = Rng::seed(12).integers(0_i32, 100, 1000, 77).map_err(err)?;
    let big = i.mapv(|v| v > 50);
    let ints = || ndchunk::compute((&i.sum(), &i.min(), &big.count_nonzero(), &big.any()));
    equal(
        "integers and bools",
        ints().map_err(err)?,
        alone(ints).map_err(err)?,
    )?;
    let n = ChunkedArray::from_fn((50, 60), (16, 25), |(r, c)| {
        if (r * 60 + c) % 7 == 0 {
            f64::NAN
        } else {
            (r as f64).sin() * c as f64
        }
    })
    .map_err(err)?;
    let nans = || ndchunk::compute((&n.nansum(), &n.nanmax_axis(Axis(0)), &n.var(1.0)));
    let ((a, b, c), (a0, b0, c0)) = (nans().map_err(err)?, alone(nans).map_err(err)?);
    same_bits("nansum", &a, &a0)?;
    same_bits("nanmax_axis", &b, &b0)?;
    same_bits("var with NaN", &c, &c0)
}

fn delayed_calls(job: &Job) -> Check {
    equal(
        "delayed f64",
        delayed(|| 2.5).map(|v| v * 2.0).compute().map_err(err)?,
        5.0,
    )?;
    let table = shared(vec![1.5_f64; 10]);
    let total = table.map(|t| t.iter().sum::<f64>());
    equal("shared", total.compute().map_err(err)?, 15.0)?;
    // A value of the user's own type runs on rank 0, and stays there.
    let text = delayed(|| "on rank 0".to_string()).compute();
    match (job.rank, text) {
        (0, Ok(t)) => equal("delayed String on rank 0", t.as_str(), "on rank 0"),
        (_, Err(ndchunk::Error::Mpi { reason })) if reason.contains("cannot be sent") => Ok(()),
        (r, other) => Err(format!("delayed String on rank {r}: {other:?}")),
    }
}

/// Counts the tasks this rank ran whose label starts with `prefix` and
/// ends with `suffix` (store reads, chunk writes).
struct Count {
    prefix: &'static str,
    suffix: &'static str,
    seen: AtomicUsize,
}

impl Count {
    fn new(prefix: &'static str, suffix: &'static str) -> Arc<Count> {
        Arc::new(Count {
            prefix,
            suffix,
            seen: AtomicUsize::new(0),
        })
    }
    fn get(&self) -> usize {
        self.seen.load(Ordering::SeqCst)
    }
}

impl Observer for Count {
    fn task_end(&self, task: &TaskEvent<'_>) {
        if task.label.starts_with(self.prefix) && task.label.ends_with(self.suffix) {
            self.seen.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// Wait until every rank got here (any compute across the ranks ends
/// together on all of them).
fn barrier() -> Check {
    ChunkedArray::<f64, _>::ones(4, 1)
        .map_err(err)?
        .sum()
        .compute()
        .map(drop)
        .map_err(err)
}

/// The sum over the ranks of `mine`, through files in the job's directory.
fn total_over_ranks(job: &Job, name: &str, mine: usize) -> Result<usize, String> {
    std::fs::write(
        job.dir.join(format!("{name}-{}", job.rank)),
        mine.to_string(),
    )
    .map_err(|e| e.to_string())?;
    barrier()?;
    (0..job.size)
        .map(|r| {
            let text = std::fs::read_to_string(job.dir.join(format!("{name}-{r}")))
                .map_err(|e| e.to_string())?;
            text.parse::<usize>().map_err(|e| e.to_string())
        })
        .sum()
}

fn stores_are_read_once_in_total_and_written_whole(job: &Job) -> Check {
    let x = Rng::seed(13)
        .standard_normal((200, 150), (50, 50))
        .map_err(err)?;
    let store = job.dir.join("x.zarr");
    let options = ZarrOptions::default().overwrite(true);
    let writes = Count::new("to_zarr", " block");
    let write = x.to_zarr(&store, "x", options).map_err(err)?;
    let written = write
        .compute_with(&Options::default().observer(writes.clone()))
        .map_err(err)?;
    equal(
        "zarr chunks written",
        (written.chunks, written.bytes),
        (12, 200 * 150 * 8),
    )?;
    // Each rank wrote the chunks of its own blocks: 12 in total, and with
    // several ranks not all on one.
    let total = total_over_ranks(job, "zarr-writes", writes.get())?;
    equal("chunks written by all ranks", total, 12)?;
    let back = ChunkedArray::<f64, IxDyn>::from_zarr(&store, "x").map_err(err)?;
    let reads = Count::new("from_zarr", "");
    let got = back
        .compute_with(&Options::default().observer(reads.clone()))
        .map_err(err)?;
    let want = alone(|| x.compute()).map_err(err)?;
    same_bits("zarr read", &got.into_dimensionality().unwrap(), &want)?;
    let total = total_over_ranks(job, "zarr-reads", reads.get())?;
    equal("chunks read by all ranks", total, 12)?;
    // Checked after the computes, which every rank must run alike.
    let one_writer = job.size > 1 && writes.get() == 12;

    let file = job.dir.join("x.npy");
    x.to_npy(&file).map_err(err)?.compute().map_err(err)?;
    let npy = ChunkedArray::<f64, IxDyn>::from_npy(&file, (40, 150)).map_err(err)?;
    let mean = || npy.mean().compute();
    same_bits(
        "npy mean",
        &mean().map_err(err)?,
        &alone(mean).map_err(err)?,
    )?;
    let got = npy.compute().map_err(err)?.into_dimensionality().unwrap();
    same_bits("npy read", &got, &alone(|| x.compute()).map_err(err)?)?;
    if one_writer {
        return Err(format!("rank {} wrote every chunk", job.rank));
    }
    Ok(())
}

fn a_failure_on_one_rank_is_the_same_error_on_every_rank(job: &Job) -> Check {
    let x = Rng::seed(14)
        .standard_normal((100, 100), (25, 25))
        .map_err(err)?;
    let bad = x.map_blocks(|b, info| {
        if info.index == [3, 3] {
            panic!("bad block");
        }
        b.to_owned()
    });
    // Quiet: the panic is expected (it becomes the error below).
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = bad.sum().compute();
    std::panic::set_hook(hook);
    match result {
        Err(ndchunk::Error::Rank { rank, message }) => {
            // The last block belongs to the last rank (contiguous runs).
            equal("failing rank", rank, job.size - 1)?;
            if !(message.contains("bad block") && message.contains("[3, 3]")) {
                return Err(format!("the error does not name the block: {message}"));
            }
        }
        other if job.size == 1 => {
            // One rank computes alone: the plain task error.
            if !matches!(&other, Err(ndchunk::Error::TaskPanicked { .. })) {
                return Err(format!("one rank: {other:?}"));
            }
        }
        other => return Err(format!("expected Error::Rank, got {other:?}")),
    }
    // The next compute works.
    let s = || x.sum().compute();
    same_bits(
        "sum after a failure",
        &s().map_err(err)?,
        &alone(s).map_err(err)?,
    )
}

fn ranks_that_build_other_plans_are_told_so(job: &Job) -> Check {
    // Not SPMD: rank 0 sums another array than the others.
    let n = if job.rank == 0 { 10 } else { 12 };
    let x = ChunkedArray::<f64, _>::ones(n, 5).map_err(err)?;
    match (job.size, x.sum().compute()) {
        (1, Ok(s)) => equal("one rank", s.into_scalar(), 10.0)?,
        (_, Err(ndchunk::Error::Mpi { reason })) if reason.contains("another plan") => {}
        (_, other) => return Err(format!("expected a plan mismatch, got {other:?}")),
    }
    // Back in step, the next compute works.
    let y = ChunkedArray::<f64, _>::ones(12, 5).map_err(err)?;
    equal(
        "the next compute",
        y.sum().compute().map_err(err)?.into_scalar(),
        12.0,
    )
}

fn results_can_be_kept_on_one_rank(job: &Job) -> Check {
    let x = Rng::seed(15)
        .standard_normal((120, 80), (30, 40))
        .map_err(err)?;
    let last = job.size - 1;
    let options = Options::default().result_rank(last);
    match (job.rank == last, x.compute_with(&options)) {
        (true, Ok(got)) => same_bits(
            "on the result rank",
            &got,
            &alone(|| x.compute()).map_err(err)?,
        )?,
        (false, Err(ndchunk::Error::NotOnThisRank { rank })) => equal("the rank told", rank, last)?,
        (_, other) => return Err(format!("result_rank({last}): {other:?}")),
    }
    // A rank past the job is an error on every rank.
    let past = Options::default().result_rank(job.size);
    match x.sum().compute_with(&past) {
        Err(ndchunk::Error::InvalidArgument { .. }) => Ok(()),
        other => Err(format!("result_rank({}): {other:?}", job.size)),
    }
}

fn main() -> ExitCode {
    let mpi = match ndchunk::mpi::init() {
        Ok(mpi) => mpi,
        Err(e) => {
            eprintln!("mpi test: {e}");
            return ExitCode::FAILURE;
        }
    };
    let dir = std::env::temp_dir().join(format!(
        "ndchunk-mpi-test-{}",
        std::os::unix::process::parent_id()
    ));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let job = Job {
        rank: mpi.rank(),
        size: mpi.size(),
        dir,
    };
    let checks: [Named; 9] = [
        ("reductions_of_a_random_array", reductions_of_a_random_array),
        (
            "transposes_and_in_memory_arrays",
            transposes_and_in_memory_arrays,
        ),
        (
            "rechunks_slices_and_products_move_blocks",
            rechunks_slices_and_products_move_blocks,
        ),
        ("integers_bools_and_nans", integers_bools_and_nans),
        ("delayed_calls", delayed_calls),
        (
            "stores_are_read_once_in_total_and_written_whole",
            stores_are_read_once_in_total_and_written_whole,
        ),
        (
            "a_failure_on_one_rank_is_the_same_error_on_every_rank",
            a_failure_on_one_rank_is_the_same_error_on_every_rank,
        ),
        (
            "ranks_that_build_other_plans_are_told_so",
            ranks_that_build_other_plans_are_told_so,
        ),
        (
            "results_can_be_kept_on_one_rank",
            results_can_be_kept_on_one_rank,
        ),
    ];
    let mut failed = 0;
    for (name, check) in checks {
        match check(&job) {
            Ok(()) => println!("rank {}/{}: ok {name}", job.rank, job.size),
            Err(why) => {
                failed += 1;
                println!("rank {}/{}: FAILED {name}: {why}", job.rank, job.size);
            }
        }
    }
    // Everyone is done with the directory before rank 0 removes it.
    let done = barrier();
    if job.rank == 0 {
        std::fs::remove_dir_all(&job.dir).ok();
    }
    drop(mpi);
    if failed == 0 && done.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
