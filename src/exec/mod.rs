//! Running a block task graph: dependency counting on rayon (or one thread,
//! in a fixed order), freeing each value when its last consumer has run,
//! holding at most a memory limit of values, stopping at the first failure,
//! turning panics into errors, and telling observers about every task.
//!
//! Nothing here knows about arrays: a task is a closure from its inputs'
//! values to its own value, with a name for error messages and the size of
//! the value it makes.

mod budget;
#[cfg(feature = "mpi")]
pub(crate) mod mpi;
mod observer;
#[cfg(any(feature = "mpi", test))]
mod owners;
mod pool;
mod projection;
mod state;

pub use observer::{ComputeEnd, ComputeStart, Observer, TaskEvent, TasksDone};
pub(crate) use projection::projected_peak;
pub(crate) use state::panic_message;

use crate::error::{Error, Result};
use rayon::Yield;
use state::State;
use std::any::Any;
use std::fmt;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

/// Which scheduler runs the block tasks.
///
/// ```
/// use ndchunk::prelude::*;
/// let x = ChunkedArray::<i64, _>::ones(10, 3)?;
/// let sync = Options::default().scheduler(Scheduler::Sync);
/// assert_eq!(x.compute_with(&sync)?, x.compute()?);
/// # Ok::<(), ndchunk::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Scheduler {
    /// Dependency counting on a rayon pool: every core busy (the default).
    #[default]
    Threaded,
    /// One thread, the calling one, in a fixed depth-first order: for
    /// debugging, profiling one block, or code that must not spawn threads.
    Sync,
}

/// Bytes a run holds per task for its own bookkeeping (the task's closure
/// and what it captured, its name, its edges, its slots in the executor):
/// about 1.3 KB measured on a rechunk graph, counted generously so that a
/// memory limit bounds what the process really allocates.
const TASK_BOOKKEEPING: usize = 2048;

/// A task's result, shared with its consumers.
pub(crate) type Value = Arc<dyn Any + Send + Sync>;

/// The work of one task: its inputs' values (in the order of its
/// dependencies) to its own.
pub(crate) type Work = Box<dyn FnOnce(&[Value]) -> Result<Value> + Send>;

/// How a task's value crosses to another process: to bytes and back.
///
/// Given by the layer that knows the value's type; a task without one keeps
/// its value in the process that made it (its readers run there too).
// Values cross processes only in the `mpi` build; without it the wires are
// made but never used.
#[cfg_attr(not(feature = "mpi"), allow(dead_code))]
pub(crate) trait Wire: Send + Sync {
    /// Append the value's bytes to `out`.
    fn encode(&self, value: &Value, out: &mut Vec<u8>) -> Result<()>;
    /// The value back from the bytes [`encode`](Self::encode) made.
    fn decode(&self, bytes: &[u8]) -> Result<Value>;
}

/// How a task is called in errors and pictures: an operation and a block.
#[derive(Clone)]
pub(crate) struct TaskName {
    pub label: Arc<str>,
    pub block: Vec<usize>,
}

impl fmt::Display for TaskName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Delayed calls have no block index.
        if self.block.is_empty() {
            write!(f, "{}", self.label)
        } else {
            write!(f, "{}{:?}", self.label, self.block)
        }
    }
}

pub(crate) struct Task {
    pub name: TaskName,
    /// Tasks whose values this one reads; all have smaller indices.
    pub deps: Vec<usize>,
    pub work: Work,
    /// Estimated bytes of the value it makes (for the memory limit and the
    /// observers).
    pub bytes: usize,
    /// Estimated bytes it holds only while it runs (strip buffers).
    pub scratch: usize,
    /// How its value is sent to another process, if it can be.
    pub wire: Option<Arc<dyn Wire>>,
    /// Made alike by every process without any input (an in-memory block
    /// every rank of an SPMD program holds): never sent.
    pub replicated: bool,
}

impl Task {
    /// A task with no wire, not replicated, holding no scratch.
    pub fn new(name: TaskName, deps: Vec<usize>, work: Work, bytes: usize) -> Task {
        Task {
            name,
            deps,
            work,
            bytes,
            scratch: 0,
            wire: None,
            replicated: false,
        }
    }
}

/// Tasks in topological order and the ones whose values are wanted.
#[derive(Default)]
pub(crate) struct TaskGraph {
    pub tasks: Vec<Task>,
    pub outputs: Vec<usize>,
}

/// How to run a graph: the executor's own settings.
#[derive(Clone, Default)]
pub(crate) struct RunConfig {
    pub scheduler: Scheduler,
    /// A pool of this many threads; `None`: the current rayon pool.
    pub threads: Option<usize>,
    /// Most bytes of values held at once.
    pub memory_limit: Option<usize>,
    pub observers: Vec<Arc<dyn Observer>>,
    /// Set from outside to stop starting tasks (a dropped future).
    pub cancel: Option<Arc<AtomicBool>>,
    /// Across processes, the one that gets the outputs (`None`: all).
    pub result_rank: Option<usize>,
}

/// Run `job` in the background on the current rayon pool (a submitted
/// future, an actor's queue): the one place outside `execute` that starts work.
pub(crate) fn spawn(job: impl FnOnce() + Send + 'static) {
    rayon::spawn(job);
}

/// Threads a run by `scheduler` with `threads` would use when it runs in
/// this process alone; `None` when it runs across the ranks of an MPI job.
pub(crate) fn local_threads(scheduler: Scheduler, threads: Option<usize>) -> Option<usize> {
    #[cfg(feature = "mpi")]
    if mpi::runs_across_ranks() {
        return None;
    }
    Some(match scheduler {
        Scheduler::Sync => 1,
        Scheduler::Threaded => thread_count(threads),
    })
}

/// Threads a run with `threads` would use: that many, or the current pool's.
pub(crate) fn thread_count(threads: Option<usize>) -> usize {
    threads.unwrap_or_else(rayon::current_num_threads)
}

/// Block until `poll` gives a value: `poll(None)` may block until it has
/// one, `poll(Some(d))` for at most `d`.
///
/// On a worker of a rayon pool this runs the pool's other jobs meanwhile, as
/// rayon's own `join` does: the work waited for may be queued behind this
/// very thread (a task that submits a future and waits on it), and a pool
/// whose workers all block has nothing left to run it. Between jobs it
/// naps on `poll`, so a result that comes while the pool is idle is seen
/// at once, and new jobs within a couple of milliseconds.
pub(crate) fn wait_for<R>(mut poll: impl FnMut(Option<Duration>) -> Option<R>) -> R {
    const FIRST_NAP: Duration = Duration::from_micros(50);
    const LONGEST_NAP: Duration = Duration::from_millis(2);
    let mut nap = FIRST_NAP;
    // First look without running anything: the value may be there already.
    let mut timeout = Some(Duration::ZERO);
    loop {
        if let Some(r) = poll(timeout) {
            return r;
        }
        timeout = match rayon::yield_now() {
            // Not on a pool: nothing to run, block.
            None => None,
            Some(Yield::Executed) => {
                nap = FIRST_NAP;
                Some(Duration::ZERO)
            }
            Some(Yield::Idle) => {
                let this = nap;
                nap = (nap * 2).min(LONGEST_NAP);
                Some(this)
            }
        };
    }
}

/// Run `graph` and return the values of its outputs, in order.
pub(crate) fn execute(graph: TaskGraph, config: &RunConfig) -> Result<Vec<Value>> {
    if let Some(limit) = config.memory_limit {
        check_fits(&graph, limit)?;
    }
    // On the thread that started MPI, across the ranks.
    #[cfg(feature = "mpi")]
    let graph = match mpi::try_execute(graph, config) {
        Ok(result) => return result,
        Err(graph) => graph,
    };
    if let Some(rank) = config.result_rank.filter(|&r| r > 0) {
        return Err(Error::invalid(
            "result_rank",
            format!("rank {rank} of a job of one process: only rank 0 exists"),
        ));
    }
    let run = |threads: usize| {
        let state = State::new(graph, config, threads);
        match (config.scheduler, config.memory_limit) {
            (Scheduler::Sync, _) => state.run_in_order(),
            (Scheduler::Threaded, None) => state.run_parallel(),
            (Scheduler::Threaded, Some(limit)) => budget::run_bounded(state, limit),
        }
    };
    match (config.scheduler, config.threads) {
        (Scheduler::Sync, _) => run(1),
        (Scheduler::Threaded, None) => run(rayon::current_num_threads()),
        (Scheduler::Threaded, Some(n)) => pool::with_threads(n)?.install(|| run(n)),
    }
}

/// Every task's inputs and output together must fit in `limit`: a task that
/// cannot is an error before anything runs.
fn check_fits(graph: &TaskGraph, limit: usize) -> Result<()> {
    for task in &graph.tasks {
        let needed = task
            .deps
            .iter()
            .fold(task.bytes.saturating_add(task.scratch), |sum, &d| {
                sum.saturating_add(graph.tasks[d].bytes)
            });
        if needed > limit {
            return Err(Error::MemoryLimit {
                task: task.name.to_string(),
                needed,
                limit,
            });
        }
    }
    Ok(())
}
