//! The one place diagnostics attach: hooks the executor calls when a run
//! starts and ends and when every task starts and ends.
//!
//! Hooks run on the worker threads, between tasks: keep them short (count,
//! push to a buffer) and never call `compute` from one.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Watches a compute: implement the hooks you need, the others do nothing.
///
/// Add one with [`Options::observer`](crate::Options::observer). The progress
/// bar, the trace file and the profile table are observers too.
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::diagnostics::{ComputeEnd, Observer, TaskEvent};
/// use std::sync::{Arc, Mutex};
///
/// /// The label and block of every task, in the order they finish.
/// #[derive(Default)]
/// struct Log(Mutex<Vec<String>>);
/// impl Observer for Log {
///     fn task_end(&self, task: &TaskEvent<'_>) {
///         self.0.lock().unwrap().push(format!("{}{:?}", task.label, task.block));
///     }
///     fn compute_end(&self, run: &ComputeEnd) {
///         assert!(run.peak_bytes >= 8 * 50); // one block of 50 f64 held at least
///     }
/// }
/// let log = Arc::new(Log::default());
/// let x = ChunkedArray::<f64, _>::ones(100, 50)?.mapv(|v| v * 2.0);
/// x.compute_with(&Options::default().observer(log.clone()))?;
/// let mut seen = log.0.lock().unwrap().clone();
/// seen.retain(|task| task.starts_with("mapv")); // not the tasks assembling the result
/// seen.sort();
/// assert_eq!(seen.len(), 2);
/// assert!(seen[0].ends_with("[0]") && seen[1].ends_with("[1]"));
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub trait Observer: Send + Sync {
    /// Whether [`task_start`](Self::task_start) and
    /// [`task_end`](Self::task_end) are wanted (the default). An observer
    /// that only needs the count of tasks done (a progress bar) says `false`
    /// and polls [`ComputeStart::done`] instead: with no per-task hook to
    /// call, a run pays nothing per task for it.
    fn task_hooks(&self) -> bool {
        true
    }
    /// The run is about to start its first task.
    fn compute_start(&self, _run: &ComputeStart) {}
    /// A task is about to run on the current thread.
    fn task_start(&self, _task: &TaskEvent<'_>) {}
    /// A task has run (successfully or not) on the current thread.
    fn task_end(&self, _task: &TaskEvent<'_>) {}
    /// The run is over (successfully or not).
    fn compute_end(&self, _run: &ComputeEnd) {}
}

/// What a run is about to do.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ComputeStart {
    /// Number of tasks in the graph.
    pub tasks: usize,
    /// Threads that may run tasks at once.
    pub threads: usize,
    /// The memory limit in force, in bytes.
    pub memory_limit: Option<usize>,
    /// Tasks finished so far, counted by the executor: read it from any
    /// thread while the run goes on.
    pub done: TasksDone,
}

/// A live count of the tasks a run has finished (see [`ComputeStart::done`]).
#[derive(Clone, Debug, Default)]
pub struct TasksDone(Arc<AtomicUsize>);

impl TasksDone {
    /// Tasks finished so far.
    pub fn get(&self) -> usize {
        self.0.load(Ordering::Relaxed)
    }

    pub(crate) fn add_one(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

/// One task starting or ending.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct TaskEvent<'a> {
    /// The task's number in the graph (its order of lowering).
    pub task: usize,
    /// The operation, as in `explain()` (`ones`, `sum combine`, a call's name ...).
    pub label: &'a str,
    /// The block it makes; empty for delayed calls.
    pub block: &'a [usize],
    /// The thread running it: a small number, stable for the life of the
    /// thread and distinct between threads (also across thread pools).
    pub worker: usize,
    /// Estimated bytes of the value it makes.
    pub bytes: usize,
    /// Bytes the executor counts as held right after this event: values
    /// made and not yet freed, the outputs and strip buffers of running
    /// tasks, and 2 KiB of bookkeeping per task of the run.
    pub live_bytes: usize,
    /// Time since the run started, at this event.
    pub at: Duration,
    /// At `task_end`: how long the task ran. Zero at `task_start`.
    pub elapsed: Duration,
    /// At `task_end`: whether the task failed (returned an error or panicked).
    pub failed: bool,
}

/// How a run ended.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ComputeEnd {
    /// Wall time of the run.
    pub elapsed: Duration,
    /// Tasks that ran (fewer than the graph's after a failure or a cancel).
    pub tasks_run: usize,
    /// The most bytes of values the executor held at once.
    pub peak_bytes: usize,
    /// Bytes of values this process sent to other MPI ranks (0 in one process).
    pub bytes_sent: u64,
    /// Whether every task succeeded.
    pub ok: bool,
}

/// A small number naming the current thread for observers: stable for the
/// thread's life, distinct between threads of any pool.
pub(crate) fn worker_id() -> usize {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    thread_local! {
        static ID: usize = NEXT.fetch_add(1, Ordering::Relaxed);
    }
    ID.with(|id| *id)
}
