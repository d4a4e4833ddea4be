//! The bookkeeping of one run: who waits on whom, who still needs a value,
//! the first error.

use super::{TaskGraph, TaskName, Value, Work};
use crate::error::{Error, Result};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

pub(super) struct State {
    names: Vec<TaskName>,
    deps: Vec<Vec<usize>>,
    work: Vec<Mutex<Option<Work>>>,
    /// For each task, the tasks reading it (once per reading edge).
    consumers: Vec<Vec<usize>>,
    /// Dependencies not finished yet; the task is ready at 0.
    waiting: Vec<AtomicUsize>,
    /// Readers not finished yet (+1 per output slot); the value is dropped at 0.
    holders: Vec<AtomicUsize>,
    values: Vec<Mutex<Option<Value>>>,
    outputs: Vec<usize>,
    failed: AtomicBool,
    error: Mutex<Option<Error>>,
    cancel: Option<Arc<AtomicBool>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A poisoned lock only means a panic elsewhere, which we already turned
    // into an error; the data is still consistent.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl State {
    pub fn new(graph: TaskGraph, cancel: Option<Arc<AtomicBool>>) -> State {
        let n = graph.tasks.len();
        let mut consumers = vec![Vec::new(); n];
        let mut holders: Vec<usize> = vec![0; n];
        let (mut names, mut deps, mut work) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        for (i, task) in graph.tasks.into_iter().enumerate() {
            for &d in &task.deps {
                consumers[d].push(i);
                holders[d] += 1;
            }
            names.push(task.name);
            deps.push(task.deps);
            work.push(Mutex::new(Some(task.work)));
        }
        for &o in &graph.outputs {
            holders[o] += 1;
        }
        State {
            waiting: deps.iter().map(|d| AtomicUsize::new(d.len())).collect(),
            holders: holders.into_iter().map(AtomicUsize::new).collect(),
            values: (0..n).map(|_| Mutex::new(None)).collect(),
            names,
            deps,
            work,
            consumers,
            outputs: graph.outputs,
            failed: AtomicBool::new(false),
            error: Mutex::new(None),
            cancel,
        }
    }

    fn initially_ready(&self) -> impl DoubleEndedIterator<Item = usize> + '_ {
        self.deps
            .iter()
            .enumerate()
            .filter(|(_, d)| d.is_empty())
            .map(|(i, _)| i)
    }

    /// Run task `i`; returns the consumers it made ready.
    fn run(&self, i: usize) -> Vec<usize> {
        if self.failed.load(Ordering::Acquire) || self.cancelled() {
            return Vec::new();
        }
        match self.execute(i) {
            Ok(value) => {
                let keep = self.holders[i].load(Ordering::Acquire) > 0;
                if keep {
                    *lock(&self.values[i]) = Some(value);
                }
                for &d in &self.deps[i] {
                    if self.holders[d].fetch_sub(1, Ordering::AcqRel) == 1 {
                        lock(&self.values[d]).take();
                    }
                }
                self.consumers[i]
                    .iter()
                    .copied()
                    .filter(|&c| self.waiting[c].fetch_sub(1, Ordering::AcqRel) == 1)
                    .collect()
            }
            Err(e) => {
                let mut first = lock(&self.error);
                if first.is_none() {
                    *first = Some(e);
                }
                self.failed.store(true, Ordering::Release);
                Vec::new()
            }
        }
    }

    fn execute(&self, i: usize) -> Result<Value> {
        let inputs = self.deps[i]
            .iter()
            .map(|&d| {
                lock(&self.values[d]).clone().ok_or_else(|| {
                    Error::internal(format!("input of {} was freed too early", self.names[i]))
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let work = lock(&self.work[i])
            .take()
            .ok_or_else(|| Error::internal(format!("task {} ran twice", self.names[i])))?;
        match catch_unwind(AssertUnwindSafe(|| work(&inputs))) {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e @ (Error::TaskFailed { .. } | Error::TaskPanicked { .. }))) => Err(e),
            Ok(Err(e)) => Err(Error::TaskFailed {
                task: self.names[i].to_string(),
                source: Box::new(e),
            }),
            Err(payload) => Err(Error::TaskPanicked {
                task: self.names[i].to_string(),
                message: panic_message(payload.as_ref()),
            }),
        }
    }

    fn cancelled(&self) -> bool {
        self.cancel
            .as_ref()
            .is_some_and(|c| c.load(Ordering::Acquire))
    }

    fn finish(self) -> Result<Vec<Value>> {
        if let Some(e) = lock(&self.error).take() {
            return Err(e);
        }
        self.outputs
            .iter()
            .map(|&o| {
                lock(&self.values[o]).clone().ok_or_else(|| {
                    if self.cancelled() {
                        Error::Cancelled
                    } else {
                        Error::internal(format!("output {} was never computed", self.names[o]))
                    }
                })
            })
            .collect()
    }

    /// On the current rayon pool: a finished task spawns the consumers it
    /// made ready; rayon runs a worker's own spawns last-in first-out, so
    /// partial results are combined before new blocks are started.
    pub fn run_parallel(self) -> Result<Vec<Value>> {
        fn go<'s>(state: &'s State, i: usize, scope: &rayon::Scope<'s>) {
            for c in state.run(i) {
                scope.spawn(move |s| go(state, c, s));
            }
        }
        rayon::scope(|scope| {
            for i in self.initially_ready() {
                let state = &self;
                scope.spawn(move |s| go(state, i, s));
            }
        });
        self.finish()
    }

    /// On the calling thread, depth-first from the lowest ready task: the
    /// same order every time.
    pub fn run_in_order(self) -> Result<Vec<Value>> {
        let mut ready: Vec<usize> = self.initially_ready().rev().collect();
        while let Some(i) = ready.pop() {
            ready.extend(self.run(i).into_iter().rev());
        }
        self.finish()
    }
}

pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic with a non-string payload".to_string()
    }
}
