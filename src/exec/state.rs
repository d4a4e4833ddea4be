//! The bookkeeping of one run: who waits on whom, who still needs a value,
//! how many bytes are held, the first error, and the observers' events.

use super::observer::{worker_id, ComputeEnd, ComputeStart, Observer, TaskEvent, TasksDone};
use super::{RunConfig, TaskGraph, TaskName, Value, Work, TASK_BOOKKEEPING};
use crate::error::{Error, Result};
use crate::lock::lock;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub(super) struct State {
    names: Vec<TaskName>,
    deps: Vec<Vec<usize>>,
    work: Vec<Mutex<Option<Work>>>,
    /// Estimated bytes of each task's value.
    pub(super) bytes: Vec<usize>,
    /// Estimated bytes each task holds while it runs.
    scratch: Vec<usize>,
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
    /// Bytes of values held plus the outputs of running tasks, and its peak;
    /// counted only when a limit or an observer needs them.
    live: AtomicUsize,
    peak: AtomicUsize,
    track: bool,
    /// Tasks finished, counted only when an observer is attached.
    ran: TasksDone,
    observers: Vec<Arc<dyn Observer>>,
    /// The observers that want per-task hooks.
    task_observers: Vec<Arc<dyn Observer>>,
    started: Instant,
    pub(super) threads: usize,
    /// Tasks whose values another process reads: handed to `outbox` when made.
    exports: Vec<bool>,
    outbox: Option<Sender<(usize, Value)>>,
    /// Bytes of values sent to other processes.
    sent: AtomicU64,
}

impl State {
    pub fn new(graph: TaskGraph, config: &RunConfig, threads: usize) -> State {
        let n = graph.tasks.len();
        let mut consumers = vec![Vec::new(); n];
        let mut holders: Vec<usize> = vec![0; n];
        let (mut names, mut deps, mut work) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        let (mut bytes, mut scratch) = (Vec::with_capacity(n), Vec::with_capacity(n));
        for (i, task) in graph.tasks.into_iter().enumerate() {
            for &d in &task.deps {
                consumers[d].push(i);
                holders[d] += 1;
            }
            names.push(task.name);
            deps.push(task.deps);
            work.push(Mutex::new(Some(task.work)));
            bytes.push(task.bytes);
            scratch.push(task.scratch);
        }
        for &o in &graph.outputs {
            holders[o] += 1;
        }
        let leaves = leaf_order(&deps, &graph.outputs);
        let task_observers: Vec<Arc<dyn Observer>> = config
            .observers
            .iter()
            .filter(|o| o.task_hooks())
            .cloned()
            .collect();
        let state = State {
            leaves,
            next_leaf: AtomicUsize::new(0),
            waiting: deps.iter().map(|d| AtomicUsize::new(d.len())).collect(),
            holders: holders.into_iter().map(AtomicUsize::new).collect(),
            values: (0..n).map(|_| Mutex::new(None)).collect(),
            names,
            deps,
            work,
            bytes,
            scratch,
            consumers,
            outputs: graph.outputs,
            failed: AtomicBool::new(false),
            error: Mutex::new(None),
            cancel: config.cancel.clone(),
            live: AtomicUsize::new(n.saturating_mul(TASK_BOOKKEEPING)),
            peak: AtomicUsize::new(n.saturating_mul(TASK_BOOKKEEPING)),
            track: config.memory_limit.is_some() || !task_observers.is_empty(),
            ran: TasksDone::default(),
            observers: config.observers.clone(),
            task_observers,
            started: Instant::now(),
            threads,
            exports: Vec::new(),
            outbox: None,
            sent: AtomicU64::new(0),
        };
        let start = ComputeStart {
            tasks: n,
            threads,
            memory_limit: config.memory_limit,
            done: state.ran.clone(),
        };
        for o in &state.observers {
            o.compute_start(&start);
        }
        state
    }

    /// Share the graph with other processes: `external` tasks are made
    /// elsewhere (their values come through
    /// [`complete_external`](Self::complete_external)), the values of
    /// `exports` tasks are sent to `outbox` as they are made.
    #[cfg(feature = "mpi")]
    pub(super) fn exchange(
        mut self,
        external: &[bool],
        exports: Vec<bool>,
        outbox: Sender<(usize, Value)>,
    ) -> State {
        self.leaves.retain(|&t| !external[t]);
        (self.exports, self.outbox) = (exports, Some(outbox));
        self
    }

    /// Task `i`'s value, made by another process, arrived; returns the
    /// consumers it made ready.
    #[cfg(feature = "mpi")]
    pub(super) fn complete_external(&self, i: usize, value: Value) -> Vec<usize> {
        if self.holders[i].load(Ordering::Acquire) > 0 {
            if self.track {
                self.add_live(self.bytes[i]);
            }
            *lock(&self.values[i]) = Some(value);
        }
        self.consumers[i]
            .iter()
            .copied()
            .filter(|&c| self.waiting[c].fetch_sub(1, Ordering::AcqRel) == 1)
            .collect()
    }

    /// Count `bytes` sent to other processes (reported when the run ends).
    #[cfg(feature = "mpi")]
    pub(super) fn add_sent(&self, bytes: u64) {
        self.sent.fetch_add(bytes, Ordering::Relaxed);
    }

    /// The first error of a task run here, as text.
    #[cfg(feature = "mpi")]
    pub(super) fn error_text(&self) -> Option<String> {
        lock(&self.error).as_ref().map(ToString::to_string)
    }

    /// The next task without inputs to start, if any is left.
    pub(super) fn next_leaf(&self) -> Option<usize> {
        let k = self.next_leaf.fetch_add(1, Ordering::AcqRel);
        self.leaves.get(k).copied()
    }

    /// The next leaf [`next_leaf`](Self::next_leaf) would give, without
    /// taking it (callers serialize the two).
    pub(super) fn peek_leaf(&self) -> Option<usize> {
        self.leaves
            .get(self.next_leaf.load(Ordering::Acquire))
            .copied()
    }

    /// Bytes held now (values and the outputs of running tasks).
    pub(super) fn live(&self) -> usize {
        self.live.load(Ordering::Acquire)
    }

    fn add_live(&self, bytes: usize) -> usize {
        let now = self.live.fetch_add(bytes, Ordering::AcqRel) + bytes;
        self.peak.fetch_max(now, Ordering::AcqRel);
        now
    }

    fn sub_live(&self, bytes: usize) {
        self.live.fetch_sub(bytes, Ordering::AcqRel);
    }

    /// Whether the run stopped (a failure or a cancel): nothing more starts.
    pub(super) fn stopped(&self) -> bool {
        self.failed.load(Ordering::Acquire) || self.cancelled()
    }

    /// Whether task `i` has no inputs.
    pub(super) fn is_leaf(&self, i: usize) -> bool {
        self.deps[i].is_empty()
    }

    /// What task `i` holds while it runs: its output and its scratch.
    pub(super) fn running_bytes(&self, i: usize) -> usize {
        self.bytes[i].saturating_add(self.scratch[i])
    }

    /// Count task `i`'s output and scratch among the bytes held before it
    /// starts.
    pub(super) fn reserve(&self, i: usize) {
        if self.track {
            self.add_live(self.running_bytes(i));
        }
    }

    /// Reserve task `i`'s output bytes and run it; returns the consumers it
    /// made ready.
    pub(super) fn run(&self, i: usize) -> Vec<usize> {
        self.reserve(i);
        self.run_reserved(i)
    }

    /// Run task `i`, whose bytes were [`reserve`](Self::reserve)d.
    pub(super) fn run_reserved(&self, i: usize) -> Vec<usize> {
        if self.stopped() {
            if self.track {
                self.sub_live(self.running_bytes(i));
            }
            return Vec::new();
        }
        let clock = (!self.task_observers.is_empty()).then(|| self.notify_start(i));
        let result = self.execute(i);
        if !self.observers.is_empty() {
            self.ran.add_one();
        }
        if self.track {
            self.sub_live(self.scratch[i]);
        }
        match result {
            Ok(value) => {
                if let Some(outbox) = &self.outbox {
                    if self.exports[i] {
                        // The receiver lives as long as the run; a send fails
                        // only once it stopped, when the value is not wanted.
                        let _ = outbox.send((i, value.clone()));
                    }
                }
                let keep = self.holders[i].load(Ordering::Acquire) > 0;
                if keep {
                    *lock(&self.values[i]) = Some(value);
                } else if self.track {
                    self.sub_live(self.bytes[i]);
                }
                for &d in &self.deps[i] {
                    if self.holders[d].fetch_sub(1, Ordering::AcqRel) == 1 {
                        lock(&self.values[d]).take();
                        if self.track {
                            self.sub_live(self.bytes[d]);
                        }
                    }
                }
                if let Some(clock) = clock {
                    self.notify_end(i, clock, false);
                }
                self.consumers[i]
                    .iter()
                    .copied()
                    .filter(|&c| self.waiting[c].fetch_sub(1, Ordering::AcqRel) == 1)
                    .collect()
            }
            Err(e) => {
                if self.track {
                    self.sub_live(self.bytes[i]);
                }
                let mut first = lock(&self.error);
                if first.is_none() {
                    *first = Some(e);
                }
                self.failed.store(true, Ordering::Release);
                drop(first);
                if let Some(clock) = clock {
                    self.notify_end(i, clock, true);
                }
                Vec::new()
            }
        }
    }

    fn event(&self, i: usize, at: Duration, elapsed: Duration, failed: bool) -> TaskEvent<'_> {
        TaskEvent {
            task: i,
            label: &self.names[i].label,
            block: &self.names[i].block,
            worker: worker_id(),
            bytes: self.bytes[i],
            live_bytes: self.live(),
            at,
            elapsed,
            failed,
        }
    }

    fn notify_start(&self, i: usize) -> Instant {
        let now = Instant::now();
        let event = self.event(i, now - self.started, Duration::ZERO, false);
        for o in &self.task_observers {
            o.task_start(&event);
        }
        now
    }

    fn notify_end(&self, i: usize, began: Instant, failed: bool) {
        let now = Instant::now();
        let event = self.event(i, now - self.started, now - began, failed);
        for o in &self.task_observers {
            o.task_end(&event);
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

    pub(super) fn finish(self) -> Result<Vec<Value>> {
        let error = lock(&self.error).take();
        let result = match error {
            Some(e) => Err(e),
            None => self
                .outputs
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
                .collect(),
        };
        if !self.observers.is_empty() {
            let end = ComputeEnd {
                elapsed: self.started.elapsed(),
                tasks_run: self.ran.get(),
                peak_bytes: self.peak.load(Ordering::Acquire),
                bytes_sent: self.sent.load(Ordering::Relaxed),
                ok: result.is_ok(),
            };
            for o in &self.observers {
                o.compute_end(&end);
            }
        }
        result
    }

    /// On the current rayon pool. A finished task spawns the consumers it
    /// made ready (rayon runs a worker's own spawns last-in first-out, so
    /// results are consumed before new blocks start); new leaves are started,
    /// in [`leaf_order`], only while fewer jobs than threads are pending.
    /// Live memory so stays near what the outputs in progress need, not what
    /// all of the graph's leaves make.
    pub fn run_parallel(self) -> Result<Vec<Value>> {
        let threads = self.threads;
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
        depth_first(&self.leaves, |i| self.run(i));
        self.finish()
    }
}

/// The order of the one-thread scheduler: leaves in `leaves` order, each
/// followed at once by what it makes ready, depth first. `run` runs a task
/// and returns the tasks it made ready.
pub(super) fn depth_first(leaves: &[usize], mut run: impl FnMut(usize) -> Vec<usize>) {
    let mut ready: Vec<usize> = leaves.iter().rev().copied().collect();
    while let Some(i) = ready.pop() {
        ready.extend(run(i).into_iter().rev());
    }
}

/// The tasks without inputs, in the order a depth-first walk from the
/// outputs (in order) reaches them: the leaves one output needs are started
/// together, so it completes and frees its inputs before the next output's
/// leaves start (a rechunk from row blocks to column blocks holds one band
/// of blocks, not the whole array). Unreachable leaves come last.
pub(super) fn leaf_order(deps: &[Vec<usize>], outputs: &[usize]) -> Vec<usize> {
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
