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
use state::State;
use std::any::Any;
use std::fmt;
use std::sync::Arc;

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
