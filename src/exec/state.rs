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
    /// Tasks without inputs, in the order they are started.
    leaves: Vec<usize>,
    /// How many of `leaves` were started.
    next_leaf: AtomicUsize,
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
        let leaves = leaf_order(&deps, &graph.outputs);
        State {
            leaves,
            next_leaf: AtomicUsize::new(0),
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

    /// The next task without inputs to start, if any is left.
    fn next_leaf(&self) -> Option<usize> {
        let k = self.next_leaf.fetch_add(1, Ordering::AcqRel);
        self.leaves.get(k).copied()
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

    /// On the current rayon pool. A finished task spawns the consumers it
    /// made ready (rayon runs a worker's own spawns last-in first-out, so
    /// results are consumed before new blocks start); new leaves are started,
    /// in [`leaf_order`], only while fewer jobs than threads are pending.
    /// Live memory so stays near what the outputs in progress need, not what
    /// all of the graph's leaves make.
    pub fn run_parallel(self) -> Result<Vec<Value>> {
        let threads = rayon::current_num_threads();
        let pending = AtomicUsize::new(0);
        let state = &self;
        let pending = &pending;
        fn start<'s>(
            state: &'s State,
            pending: &'s AtomicUsize,
            threads: usize,
            scope: &rayon::Scope<'s>,
        ) {
            while pending.load(Ordering::Acquire) < threads {
                let Some(leaf) = state.next_leaf() else { break };
                pending.fetch_add(1, Ordering::AcqRel);
                scope.spawn(move |s| go(state, pending, threads, leaf, s));
            }
        }
        fn go<'s>(
            state: &'s State,
            pending: &'s AtomicUsize,
            threads: usize,
            i: usize,
            scope: &rayon::Scope<'s>,
        ) {
            for c in state.run(i) {
                pending.fetch_add(1, Ordering::AcqRel);
                scope.spawn(move |s| go(state, pending, threads, c, s));
            }
            pending.fetch_sub(1, Ordering::AcqRel);
            start(state, pending, threads, scope);
        }
        rayon::scope(|scope| start(state, pending, threads, scope));
        self.finish()
    }

    /// On the calling thread, depth-first, leaves in [`leaf_order`]: the
    /// same order every time.
    pub fn run_in_order(self) -> Result<Vec<Value>> {
        let mut ready: Vec<usize> = self.leaves.iter().rev().copied().collect();
        while let Some(i) = ready.pop() {
            ready.extend(self.run(i).into_iter().rev());
        }
        self.finish()
    }
}

/// The tasks without inputs, in the order a depth-first walk from the
/// outputs (in order) reaches them: the leaves one output needs are started
/// together, so it completes and frees its inputs before the next output's
/// leaves start (a rechunk from row blocks to column blocks holds one band
/// of blocks, not the whole array). Unreachable leaves come last.
fn leaf_order(deps: &[Vec<usize>], outputs: &[usize]) -> Vec<usize> {
    let mut seen = vec![false; deps.len()];
    let mut order = Vec::new();
    for start in outputs.iter().copied().chain(0..deps.len()) {
        let mut stack = vec![start];
        while let Some(t) = stack.pop() {
            if std::mem::replace(&mut seen[t], true) {
                continue;
            }
            if deps[t].is_empty() {
                order.push(t);
            }
            stack.extend(deps[t].iter().rev());
        }
    }
    order
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

#[cfg(test)]
mod tests {
    use super::leaf_order;

    #[test]
    fn leaves_start_in_the_order_the_outputs_need_them() {
        // Tasks 0..4 are leaves; 4 reads 3 and 1, 5 reads 2 and 0, 6 reads 4.
        let deps = vec![
            vec![],
            vec![],
            vec![],
            vec![],
            vec![3, 1],
            vec![2, 0],
            vec![4],
        ];
        assert_eq!(leaf_order(&deps, &[6, 5]), vec![3, 1, 2, 0]);
        assert_eq!(leaf_order(&deps, &[5, 6]), vec![2, 0, 3, 1]);
        // A leaf no output reaches still runs, last.
        assert_eq!(leaf_order(&deps, &[5]), vec![2, 0, 1, 3]);
    }
}
