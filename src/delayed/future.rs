//! Futures: delayed values computed at once in the background, on the same
//! rayon pool, each with its own `Result`; collected in completion order.

use super::Delayed;
use crate::error::{Error, Result};
use crate::options::Options;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Sender};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

/// The result of work running in the background.
///
/// Dropping the future of [`Delayed::submit`] cancels its work if it has not
/// started (and stops a running graph from starting new tasks); an actor call
/// runs whether its future is kept or not.
///
/// ```
/// use ndchunk::delayed::delayed;
/// let f = delayed(|| 6 * 7).named("answer").submit();
/// assert_eq!(f.name(), "answer");
/// let value = f.wait()?;          // blocks until done
/// assert_eq!(value, 42);
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub struct Future<T> {
    state: Arc<State<T>>,
}

pub(super) struct State<T> {
    name: String,
    /// Whether dropping the future cancels the work (not for actor calls,
    /// which change the actor's state whether or not anyone waits).
    cancel_on_drop: bool,
    result: Mutex<Slot<T>>,
    done: Condvar,
    pub(super) cancel: Arc<AtomicBool>,
}

struct Slot<T> {
    result: Option<Result<T>>,
    finished: bool,
    /// Told the index given with it when the result arrives.
    watchers: Vec<(Sender<usize>, usize)>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl<T> State<T> {
    pub(super) fn new(name: String, cancel_on_drop: bool) -> Arc<State<T>> {
        Arc::new(State {
            name,
            cancel_on_drop,
            result: Mutex::new(Slot {
                result: None,
                finished: false,
                watchers: Vec::new(),
            }),
            done: Condvar::new(),
            cancel: Arc::new(AtomicBool::new(false)),
        })
    }

    pub(super) fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Acquire)
    }

    /// Store the result and wake whoever waits.
    pub(super) fn finish(&self, result: Result<T>) {
        let mut slot = lock(&self.result);
        slot.result = Some(result);
        slot.finished = true;
        for (tx, index) in slot.watchers.drain(..) {
            let _ = tx.send(index);
        }
        self.done.notify_all();
    }
}

impl<T> Future<T> {
    pub(super) fn from_state(state: Arc<State<T>>) -> Future<T> {
        Future { state }
    }

    /// The name given at submission (the delayed call's label).
    pub fn name(&self) -> &str {
        &self.state.name
    }

    /// True once the result is there.
    pub fn is_done(&self) -> bool {
        lock(&self.state.result).finished
    }

    /// Block until the result is there and take it.
    ///
    /// This blocks the calling thread: wait from outside the rayon pool (or
    /// from a task whose pool has other threads free), never from every
    /// worker of the pool the future runs on, or nothing is left to run it.
    pub fn wait(self) -> Result<T> {
        let mut slot = lock(&self.state.result);
        while !slot.finished {
            slot = self
                .state
                .done
                .wait(slot)
                .unwrap_or_else(|p| p.into_inner());
        }
        slot.result
            .take()
            .unwrap_or_else(|| Err(Error::internal("future result taken twice")))
    }

    fn watch(&self, tx: Sender<usize>, index: usize) {
        let mut slot = lock(&self.state.result);
        if slot.finished {
            let _ = tx.send(index);
        } else {
            slot.watchers.push((tx, index));
        }
    }
}

impl<T> Drop for Future<T> {
    fn drop(&mut self) {
        if self.state.cancel_on_drop {
            self.state.cancel.store(true, Ordering::Release);
        }
    }
}

impl<T: Clone + Send + Sync + 'static> Delayed<T> {
    /// Start computing now, in the background on the current rayon pool;
    /// returns at once.
    ///
    /// ```
    /// use ndchunk::delayed::delayed;
    /// let f = delayed(|| (1..=10).sum::<i32>()).submit();
    /// assert_eq!(f.wait()?, 55);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    #[must_use = "dropping the future cancels the work if it has not started"]
    pub fn submit(&self) -> Future<T> {
        let state = State::new(self.node.label(), true);
        let (job, delayed) = (state.clone(), self.clone());
        crate::exec::spawn(move || {
            if job.cancelled() {
                return job.finish(Err(Error::Cancelled));
            }
            let options = Options {
                cancel: Some(job.cancel.clone()),
                ..Options::default()
            };
            job.finish(delayed.compute_with(&options));
        });
        Future::from_state(state)
    }
}

/// Block until one of `futures` is done; its index.
///
/// ```
/// use ndchunk::delayed::{delayed, wait_any};
/// let slow = delayed(|| { std::thread::sleep(std::time::Duration::from_millis(300)); 1 }).submit();
/// let fast = delayed(|| 2).submit();
/// let futures = vec![slow, fast];
/// assert_eq!(wait_any(&futures), 1);
/// ```
pub fn wait_any<T>(futures: &[Future<T>]) -> usize {
    let (tx, rx) = channel();
    for (i, f) in futures.iter().enumerate() {
        f.watch(tx.clone(), i);
    }
    rx.recv().unwrap_or(0)
}

/// The results of `futures` in the order they complete, with their index in
/// `futures` and their name: keep what succeeded, list and retry what failed.
///
/// ```
/// use ndchunk::delayed::{as_completed, try_delayed};
/// let futures: Vec<_> = (0..6)
///     .map(|k| try_delayed(move || if k == 4 { Err("bad input") } else { Ok(k * 10) }).named(format!("job {k}")).submit())
///     .collect();
/// let (mut good, mut bad) = (vec![], vec![]);
/// for (i, name, result) in as_completed(futures) {
///     match result {
///         Ok(v) => good.push((i, v)),
///         Err(e) => bad.push((name, e.to_string())),
///     }
/// }
/// assert_eq!(good.len(), 5);
/// assert_eq!(bad[0].0, "job 4");
/// assert!(bad[0].1.contains("bad input"));
/// ```
pub fn as_completed<T>(
    futures: Vec<Future<T>>,
) -> impl Iterator<Item = (usize, String, Result<T>)> {
    let (tx, rx) = channel();
    for (i, f) in futures.iter().enumerate() {
        f.watch(tx.clone(), i);
    }
    drop(tx);
    let mut futures: Vec<Option<Future<T>>> = futures.into_iter().map(Some).collect();
    std::iter::from_fn(move || {
        let i = rx.recv().ok()?;
        let future = futures[i].take()?;
        let name = future.name().to_string();
        Some((i, name, future.wait()))
    })
}
