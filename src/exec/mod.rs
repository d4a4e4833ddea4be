//! Running a block task graph: dependency counting on rayon (or one thread,
//! in a fixed order), freeing each value when its last consumer has run,
//! stopping at the first failure and turning panics into errors.
//!
//! Nothing here knows about arrays: a task is a closure from its inputs'
//! values to its own value, with a name for error messages.

mod options;
mod pool;
mod state;

pub use options::{Options, Scheduler};
pub(crate) use state::panic_message;

use crate::error::Result;
use rayon::Yield;
use state::State;
use std::any::Any;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// A task's result, shared with its consumers.
pub(crate) type Value = Arc<dyn Any + Send + Sync>;

/// The work of one task: its inputs' values (in the order of its
/// dependencies) to its own.
pub(crate) type Work = Box<dyn FnOnce(&[Value]) -> Result<Value> + Send>;

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
}

/// Tasks in topological order and the ones whose values are wanted.
#[derive(Default)]
pub(crate) struct TaskGraph {
    pub tasks: Vec<Task>,
    pub outputs: Vec<usize>,
}

/// Run `job` in the background on the current rayon pool (a submitted
/// future, an actor's queue): the one place outside `execute` that starts work.
pub(crate) fn spawn(job: impl FnOnce() + Send + 'static) {
    rayon::spawn(job);
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
pub(crate) fn execute(graph: TaskGraph, options: &Options) -> Result<Vec<Value>> {
    let state = State::new(graph, options.cancel.clone());
    match options.scheduler {
        Scheduler::Sync => state.run_in_order(),
        Scheduler::Threaded => match options.threads {
            None => state.run_parallel(),
            Some(n) => pool::with_threads(n)?.install(|| state.run_parallel()),
        },
    }
}
