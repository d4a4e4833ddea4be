//! How to compute: where (scheduler, threads), how the plan is shaped
//! (combine fan-in), how much memory it may hold, and what watches it run
//! (progress bar, trace, profile, observers).
//!
//! [`Options`] belongs to the driver (`compute`): it turns the plan settings
//! into lowering parameters and the run settings into the executor's own
//! configuration, so the executor never sees a plan setting.

use crate::exec::{Observer, Scheduler};
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// Options of [`compute_with`](crate::ChunkedArray::compute_with).
///
/// The result does not depend on them: the combine tree is fixed by the
/// chunking and `fan_in`, so 1, 2 or 64 threads, with or without a memory
/// limit, give bit-identical answers.
///
/// ```
/// use ndchunk::prelude::*;
/// let x = ChunkedArray::from_array(Array::linspace(0.0, 1.0, 1001), 100)?;
/// let one = x.sum().compute_with(&Options::default().threads(1))?;
/// let sync = x.sum().compute_with(&Options::default().scheduler(Scheduler::Sync))?;
/// let capped = x.sum().compute_with(&Options::default().memory_limit(64 << 10))?;
/// assert_eq!(one, sync);
/// assert_eq!(one, capped);
/// # Ok::<(), ndchunk::Error>(())
/// ```
#[derive(Clone)]
pub struct Options {
    pub(crate) threads: Option<usize>,
    pub(crate) scheduler: Scheduler,
    pub(crate) fan_in: usize,
    pub(crate) memory_limit: Option<usize>,
    /// `None`: as the environment variable `NDCHUNK_PROGRESS` says.
    pub(crate) progress: Option<bool>,
    pub(crate) trace: Option<PathBuf>,
    pub(crate) profile: bool,
    pub(crate) observers: Vec<Arc<dyn Observer>>,
    /// Set from outside to stop starting tasks (a dropped future).
    pub(crate) cancel: Option<Arc<AtomicBool>>,
    /// Under MPI, the one rank the results are sent to (`None`: every rank).
    pub(crate) result_rank: Option<usize>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            threads: None,
            scheduler: Scheduler::Threaded,
            fan_in: 8,
            memory_limit: None,
            progress: None,
            trace: None,
            profile: false,
            observers: Vec::new(),
            cancel: None,
            result_rank: None,
        }
    }
}

impl Options {
    /// Run on a pool of `n` threads (pools are built once per size and kept).
    /// Without this, `compute` runs on the current rayon pool: the global one,
    /// or the one you `install`ed.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::<f64, _>::ones(100, 10)?;
    /// assert_eq!(x.sum().compute_with(&Options::default().threads(2))?.into_scalar(), 100.0);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn threads(mut self, n: usize) -> Self {
        self.threads = Some(n);
        self
    }

    /// Choose the scheduler.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::<f64, _>::ones(100, 10)?;
    /// let sync = Options::default().scheduler(Scheduler::Sync);
    /// assert_eq!(x.sum().compute_with(&sync)?.into_scalar(), 100.0);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn scheduler(mut self, scheduler: Scheduler) -> Self {
        self.scheduler = scheduler;
        self
    }

    /// How many partial results one combine task of a reduction merges
    /// (dask's `split_every`); at least 2, default 8.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::<f64, _>::ones(100, 10)?;           // 10 blocks
    /// let wide = Options::default().fan_in(16);                  // one combine
    /// assert_eq!(x.sum().compute_with(&wide)?.into_scalar(), 100.0);
    /// assert!(x.sum().compute_with(&Options::default().fan_in(1)).is_err());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn fan_in(mut self, k: usize) -> Self {
        self.fan_in = k;
        self
    }

    /// Hold at most `bytes` of block values at once, whatever the number of
    /// threads: a task whose value would push the bytes held over the limit
    /// waits while others run (tasks that consume and free values go first).
    ///
    /// Sizes are the plan's estimates of every task's value (shapes times
    /// element sizes; a delayed value counts as its `size_of`). A single task
    /// whose inputs and output together exceed the limit makes `compute`
    /// return [`Error::MemoryLimit`](crate::Error::MemoryLimit) before
    /// anything runs. A plan that must hold more than the limit at once
    /// (blocks kept for a consumer that needs a reduction of them first,
    /// or by a store write in the same compute as `x - x.mean()`) goes on
    /// above it, one task at a time, rather than stop: the limit is then
    /// not an error but not kept either.
    /// [`ChunkedArray::explain`](crate::ChunkedArray::explain) prints the
    /// projected peak to choose a limit from.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ndchunk::random::Rng::seed(1).standard_normal((2_000, 2_000), (500, 500))?;
    /// let y = x.rechunk((2_000, 100));                       // column blocks: 1.6 MB each
    /// let capped = Options::default().threads(8).memory_limit(16_000_000);
    /// let s = y.sum().compute_with(&capped)?.into_scalar();  // 16 MB at most held
    /// assert_eq!(s, y.sum().compute()?.into_scalar());
    /// let e = y.sum().compute_with(&Options::default().memory_limit(1_000_000)).unwrap_err();
    /// assert!(e.to_string().contains("memory limit"));        // one task needs more
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn memory_limit(mut self, bytes: usize) -> Self {
        self.memory_limit = Some(bytes);
        self
    }

    /// Show a progress bar on stderr: tasks done of the total, elapsed time
    /// and the estimated time left. Hidden when stderr is not a terminal.
    /// Without this call, the environment variable `NDCHUNK_PROGRESS=1`
    /// turns it on.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::<f64, _>::ones(100, 10)?;
    /// let s = x.sum().compute_with(&Options::default().progress(true))?; // a bar on a terminal
    /// assert_eq!(s.into_scalar(), 100.0);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn progress(mut self, on: bool) -> Self {
        self.progress = Some(on);
        self
    }

    /// Write a Chrome trace-event file of the run to `path` (open it in
    /// Perfetto or `chrome://tracing`): one slice per task on the thread that
    /// ran it, with its block and bytes, and a counter of the bytes held.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let path = std::env::temp_dir().join("ndchunk-doc-trace.json");
    /// let x = ChunkedArray::<f64, _>::ones((100, 100), (50, 50))?;
    /// x.sum().compute_with(&Options::default().trace(&path))?;
    /// let json = std::fs::read_to_string(&path).unwrap();
    /// assert!(json.contains("\"ph\":\"X\"") && json.contains("sum partial"));
    /// # std::fs::remove_file(&path).ok();
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn trace(mut self, path: impl Into<PathBuf>) -> Self {
        self.trace = Some(path.into());
        self
    }

    /// After the run, print a table on stderr with one row per operation:
    /// tasks, total and longest time, bytes made, and the peak of bytes held
    /// while its tasks ran (what dask's `Profiler` answers).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::<f64, _>::ones(100, 10)?;
    /// x.sum().compute_with(&Options::default().profile(true))?; // the table on stderr
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn profile(mut self, on: bool) -> Self {
        self.profile = on;
        self
    }

    /// Add an [`Observer`]: its hooks are called when the compute starts and
    /// ends and when every task starts and ends. Several may be added.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// use ndchunk::diagnostics::{Observer, TaskEvent};
    /// use std::sync::{atomic::{AtomicUsize, Ordering}, Arc};
    ///
    /// #[derive(Default)]
    /// struct Count(AtomicUsize);
    /// impl Observer for Count {
    ///     fn task_end(&self, _task: &TaskEvent<'_>) {
    ///         self.0.fetch_add(1, Ordering::Relaxed);
    ///     }
    /// }
    /// let count = Arc::new(Count::default());
    /// let x = ChunkedArray::<f64, _>::ones(100, 10)?;
    /// x.sum().compute_with(&Options::default().observer(count.clone()))?;
    /// // The plan's tasks, and three assembling the (one-block) result.
    /// assert_eq!(count.0.load(Ordering::Relaxed), x.sum().num_tasks()? + 3);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn observer(mut self, observer: Arc<dyn Observer>) -> Self {
        self.observers.push(observer);
        self
    }

    /// Whether the progress bar is on: the explicit choice, else the
    /// environment variable `NDCHUNK_PROGRESS` (`1`, `true`, `yes`, `on`).
    pub(crate) fn progress_on(&self) -> bool {
        self.progress.unwrap_or_else(|| {
            std::env::var("NDCHUNK_PROGRESS").is_ok_and(|v| {
                matches!(
                    v.trim().to_ascii_lowercase().as_str(),
                    "1" | "true" | "yes" | "on"
                )
            })
        })
    }

    /// Under MPI (`ndchunk::mpi`, built with `--features mpi`), send the
    /// results to `rank` only: every rank still runs its
    /// part, and on the others `compute` returns
    /// [`Error::NotOnThisRank`](crate::Error::NotOnThisRank). For results
    /// too large to hold on every rank. In one process (no MPI) it does
    /// nothing, except that a rank other than 0 is an error.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::<f64, _>::ones((4, 4), 2)?;
    /// let on_0 = Options::default().result_rank(0);
    /// assert_eq!(x.sum().compute_with(&on_0)?.into_scalar(), 16.0);
    /// assert!(x.sum().compute_with(&Options::default().result_rank(3)).is_err());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn result_rank(mut self, rank: usize) -> Self {
        self.result_rank = Some(rank);
        self
    }
}

impl std::fmt::Debug for Options {
    /// The user's choices (the internal cancel flag of a submitted future is left out).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("threads", &self.threads)
            .field("scheduler", &self.scheduler)
            .field("fan_in", &self.fan_in)
            .field("memory_limit", &self.memory_limit)
            .field("progress", &self.progress)
            .field("trace", &self.trace)
            .field("profile", &self.profile)
            .field("observers", &self.observers.len())
            .field("result_rank", &self.result_rank)
            .finish()
    }
}

/// A byte count written as people write them: `100000`, `64MB`, `1.5 GiB`,
/// `512k`. Decimal units (`kB`, `MB`, `GB`, `TB`, and `k`, `M`, `G`, `T`)
/// are powers of 1000, binary ones (`KiB`, `MiB`, `GiB`, `TiB`) of 1024;
/// case does not matter. For memory limits given on a command line.
///
/// ```
/// use ndchunk::parse_bytes;
/// assert_eq!(parse_bytes("64MB")?, 64_000_000);
/// assert_eq!(parse_bytes("1GiB")?, 1 << 30);
/// assert_eq!(parse_bytes("1.5 kib")?, 1536);
/// assert_eq!(parse_bytes("4096")?, 4096);
/// assert!(parse_bytes("12 parsecs").is_err());
/// assert!(parse_bytes("-1MB").is_err());
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn parse_bytes(text: &str) -> crate::Result<usize> {
    let bad = |why: &str| {
        crate::Error::invalid(
            "bytes",
            format!("`{text}`: {why}; expected a number and an optional unit such as 64MB or 1GiB"),
        )
    };
    let trimmed = text.trim();
    let split = trimmed
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(split);
    let number: f64 = number.parse().map_err(|_| bad("not a number"))?;
    let scale: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "m" | "mb" => 1e6,
        "g" | "gb" => 1e9,
        "t" | "tb" => 1e12,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        "tib" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        _ => return Err(bad("unknown unit")),
    };
    let bytes = (number * scale).round();
    if !bytes.is_finite() || bytes >= usize::MAX as f64 {
        return Err(bad("too large"));
    }
    Ok(bytes as usize)
}
