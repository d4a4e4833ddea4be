//! Futures: delayed values computed at once in the background, on the same
//! rayon pool, each with its own `Result`; collected in completion order.

use super::actor::{self, ActorId};
use super::Delayed;
use crate::error::{Error, Result};
use crate::exec::{panic_message, wait_for};
use crate::lock::lock;
use crate::options::Options;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Condvar, Mutex};

/// The result of work running in the background.
///
/// Dropping the future of [`Delayed::submit`] cancels its work if it has not
/// started (and stops a running graph from starting new tasks); an actor call
/// runs whether its future is kept or not.
///
/// A future always ends: with the value, or with the error of a task that
/// failed or panicked, of a cancelled run, or of a wait that would deadlock
/// ([`Error::Deadlock`]). Waiting from inside a task is safe: see
/// [`wait`](Future::wait).
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
    /// The actor whose call this is, if it is one: dropping its future does
    /// not cancel it (an actor call changes the actor's state whether or not
    /// anyone waits), and a wait on it can be a cycle of actor calls.
    actor: Option<ActorId>,
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

/// `f()`, or the panic it raised as [`Error::TaskPanicked`] naming `task`:
/// background work must finish its future, not unwind out of a rayon job
/// (which aborts the process) and leave its waiters waiting for ever.
pub(super) fn catching<R>(task: &str, f: impl FnOnce() -> R) -> Result<R> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| Error::TaskPanicked {
        task: task.to_string(),
        message: panic_message(payload.as_ref()),
    })
}

impl<T> State<T> {
    pub(super) fn new(name: String, actor: Option<ActorId>) -> Arc<State<T>> {
        Arc::new(State {
            name,
            actor,
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

    /// Who waits on this future in the actors' book of waits.
    fn id(&self) -> usize {
        self as *const Self as usize
    }

    fn is_done(&self) -> bool {
        lock(&self.result).finished
    }

    /// Store the result and wake whoever waits.
    pub(super) fn finish(&self, result: Result<T>) {
        let store = || {
            let mut slot = lock(&self.result);
            slot.result = Some(result);
            slot.finished = true;
            for (tx, index) in slot.watchers.drain(..) {
                let _ = tx.send(index);
            }
            self.done.notify_all();
        };
        match self.actor {
            Some(_) => actor::finish_waited(self.id(), store),
            None => store(),
        }
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
        self.state.is_done()
    }

    /// Block until the result is there and take it.
    ///
    /// Safe to call from anywhere, a task or an actor call included: on a
    /// worker of a rayon pool it runs the pool's other jobs while it waits
    /// (as rayon's `join` does), so the work waited for runs even when every
    /// worker of the pool waits, one thread included. What such a job may
    /// not do is block on a lock the waiting code holds.
    ///
    /// An actor call that waits on a later call of its own actor, or actor
    /// calls that wait on each other in a cycle, would wait for ever: that
    /// wait is [`Error::Deadlock`] at once. (The detection covers waits with
    /// `wait`; a cycle closed through [`wait_any`] or [`as_completed`] is not
    /// seen.)
    ///
    /// ```
    /// use ndchunk::delayed::{delayed, Delayed};
    /// use ndchunk::Options;
    /// // Calls that submit work and wait on it, on a single thread.
    /// let calls: Vec<_> = (0..4)
    ///     .map(|k| delayed(move || delayed(move || k * 10).submit().wait().unwrap() + 1))
    ///     .collect();
    /// let all = Delayed::collect(&calls).compute_with(&Options::default().threads(1))?;
    /// assert_eq!(all, vec![1, 11, 21, 31]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn wait(self) -> Result<T> {
        if let Some(target) = self.state.actor {
            actor::enter_wait(target, self.state.id(), || self.is_done(), true)?;
        }
        wait_for(|timeout| {
            let mut slot = lock(&self.state.result);
            if !slot.finished {
                let done = &self.state.done;
                slot = match timeout {
                    None => done.wait(slot).unwrap_or_else(|p| p.into_inner()),
                    Some(t) => {
                        done.wait_timeout(slot, t)
                            .unwrap_or_else(|p| p.into_inner())
                            .0
                    }
                };
            }
            slot.finished.then(|| {
                slot.result
                    .take()
                    .unwrap_or_else(|| Err(Error::internal("future result taken twice")))
            })
        })
    }

    /// Whether waiting here would never end (see [`wait`](Future::wait)).
    fn would_deadlock(&self) -> bool {
        self.state.actor.is_some_and(|target| {
            actor::enter_wait(target, self.state.id(), || self.is_done(), false).is_err()
        })
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
        if self.state.actor.is_none() {
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
        let state = State::new(self.node.label(), None);
        let (job, delayed) = (state.clone(), self.clone());
        crate::exec::spawn(move || {
            if job.cancelled() {
                return job.finish(Err(Error::Cancelled));
            }
            let options = Options {
                cancel: Some(job.cancel.clone()),
                ..Options::default()
            };
            // Tasks' panics are errors already; this catches one in handing
            // the value out (a `Clone` that panics).
            let result = catching(&job.name, || delayed.compute_with(&options));
            job.finish(result.and_then(|r| r));
        });
        Future::from_state(state)
    }
}

/// The index of the next future of a watch to finish, or `None` when none
/// is left to (every sender of `rx` is gone).
fn next_done(rx: &Receiver<usize>) -> Option<usize> {
    wait_for(|timeout| match timeout {
        None => Some(rx.recv().ok()),
        Some(t) => match rx.recv_timeout(t) {
            Ok(i) => Some(Some(i)),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => Some(None),
        },
    })
}

/// Block until one of `futures` is done; its index, or `None` for an empty
/// list (at once).
///
/// Safe to call from a task or an actor call, as [`Future::wait`]; a future
/// that would deadlock there (a later call of the actor whose call waits)
/// counts as done, and its `wait` gives [`Error::Deadlock`].
///
/// ```
/// use ndchunk::delayed::{delayed, wait_any};
/// let slow = delayed(|| { std::thread::sleep(std::time::Duration::from_millis(300)); 1 }).submit();
/// let fast = delayed(|| 2).submit();
/// let futures = vec![slow, fast];
/// assert_eq!(wait_any(&futures), Some(1));
/// assert_eq!(wait_any::<i32>(&[]), None);
/// ```
pub fn wait_any<T>(futures: &[Future<T>]) -> Option<usize> {
    if let Some(i) = futures.iter().position(Future::would_deadlock) {
        return Some(i);
    }
    let (tx, rx) = channel();
    for (i, f) in futures.iter().enumerate() {
        f.watch(tx.clone(), i);
    }
    // Only the futures hold senders now: with none, the wait ends at once.
    drop(tx);
    next_done(&rx)
}

/// The results of `futures` in the order they complete, with their index in
/// `futures` and their name: keep what succeeded, list and retry what failed.
///
/// Safe to iterate from a task or an actor call, as [`Future::wait`]; a
/// future that would deadlock there comes first, with [`Error::Deadlock`].
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
    let mut left = futures.len();
    let mut futures: Vec<Option<Future<T>>> = futures.into_iter().map(Some).collect();
    std::iter::from_fn(move || {
        // A future given out as stuck may still hold a sender: count, do
        // not wait for the channel to close.
        if left == 0 {
            return None;
        }
        left -= 1;
        let stuck = futures
            .iter()
            .position(|f| f.as_ref().is_some_and(Future::would_deadlock));
        let i = match stuck {
            Some(i) => i,
            // Skip the news of a future given out as stuck.
            None => loop {
                let i = next_done(&rx)?;
                if futures[i].is_some() {
                    break i;
                }
            },
        };
        let future = futures[i].take()?;
        let name = future.name().to_string();
        Some((i, name, future.wait()))
    })
}
