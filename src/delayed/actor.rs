//! Actors: a stateful object whose method calls run one at a time, in call
//! order, as tasks on the rayon pool.

use super::future::{catching, Future, State};
use crate::error::{Error, Result};
use crate::lock::lock;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

type Job<S> = Box<dyn FnOnce(&mut S) + Send>;

/// Which actor a call belongs to, for finding waits that never end.
pub(super) type ActorId = u64;

/// A stateful object (an accumulator, a cache, a model) shared by tasks:
/// each [`call`](Actor::call) is queued and run after the previous ones, on
/// the rayon pool, and returns a [`Future`] of its result; it runs whether
/// the future is kept or dropped, as Ray's actor calls do. A call that panics
/// gives an error in its future; the actor goes on with the next call.
///
/// A call may call other actors and wait on them, or submit work and wait
/// on it, on a pool of any size (see [`Future::wait`]). Waiting on a later
/// call of its own actor, or actors waiting on each other in a cycle, would
/// never end: such a wait is [`Error::Deadlock`].
///
/// ```
/// use ndchunk::delayed::Actor;
/// let counter = Actor::new(0_u64);
/// let calls: Vec<_> = (1..=100).map(|k| counter.call(move |total| { *total += k; *total })).collect();
/// let last = calls.into_iter().map(|f| f.wait().unwrap()).last();
/// assert_eq!(last, Some(5050)); // calls ran in order
/// assert_eq!(counter.call(|total| *total).wait()?, 5050);
///
/// // A call waiting on another actor, and one waiting on its own actor.
/// let log = Actor::new(Vec::new());
/// let (c, l) = (counter.clone(), log.clone());
/// let logged = counter.call(move |total| { let t = *total; l.call(move |log| { log.push(t); log.len() }).wait() });
/// assert_eq!(logged.wait()??, 1);
/// let itself = counter.call(move |_| c.call(|total| *total).wait());
/// assert!(matches!(itself.wait()?, Err(ndchunk::Error::Deadlock(_))));
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub struct Actor<S> {
    inner: Arc<Inner<S>>,
}

impl<S> Clone for Actor<S> {
    fn clone(&self) -> Self {
        Actor {
            inner: self.inner.clone(),
        }
    }
}

struct Inner<S> {
    id: ActorId,
    state: Mutex<S>,
    queue: Mutex<Queue<S>>,
}

struct Queue<S> {
    jobs: VecDeque<Job<S>>,
    running: bool,
}

impl<S: Send + 'static> Actor<S> {
    /// An actor owning `state`.
    pub fn new(state: S) -> Actor<S> {
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        Actor {
            inner: Arc::new(Inner {
                id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
                state: Mutex::new(state),
                queue: Mutex::new(Queue {
                    jobs: VecDeque::new(),
                    running: false,
                }),
            }),
        }
    }

    /// Queue `f` to run on the state after every call queued before it.
    pub fn call<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut S) -> R + Send + 'static,
    ) -> Future<R> {
        let future = State::new("actor call".to_string(), Some(self.inner.id));
        let done = future.clone();
        let job: Job<S> = Box::new(move |state: &mut S| {
            done.finish(catching("actor call", || f(state)));
        });
        let start = {
            let mut queue = lock(&self.inner.queue);
            queue.jobs.push_back(job);
            !std::mem::replace(&mut queue.running, true)
        };
        if start {
            let inner = self.inner.clone();
            crate::exec::spawn(move || drain(&inner));
        }
        Future::from_state(future)
    }
}

/// Run queued calls in order until the queue is empty.
fn drain<S>(inner: &Inner<S>) {
    loop {
        let job = {
            let mut queue = lock(&inner.queue);
            match queue.jobs.pop_front() {
                Some(job) => job,
                None => {
                    queue.running = false;
                    return;
                }
            }
        };
        RUNNING.with(|r| r.borrow_mut().push(inner.id));
        job(&mut lock(&inner.state));
        RUNNING.with(|r| r.borrow_mut().pop());
    }
}

thread_local! {
    /// The actors whose call runs on this thread, innermost last. A call
    /// that waits runs other jobs under it (`exec::wait_for`), so each of
    /// them waits on whatever the innermost one waits on.
    static RUNNING: RefCell<Vec<ActorId>> = const { RefCell::new(Vec::new()) };
}

/// A running call of actor `from` waits on the future `future` of a call of
/// actor `to`: `to` must finish a call before `from` can.
struct Wait {
    from: ActorId,
    to: ActorId,
    future: usize,
}

/// Every wait of a running actor call on another actor's call.
static WAITS: Mutex<Vec<Wait>> = Mutex::new(Vec::new());

/// Before waiting on `future`, a call of actor `target`, unless `finished()`:
/// [`Error::Deadlock`] if the actors running calls on this thread are among
/// those `target` waits on, itself included (then `target` can only run the
/// call after the waiting one returns). Otherwise, with `record`, book the
/// wait until the future finishes, so that the wait closing a cycle from
/// another thread is refused.
pub(super) fn enter_wait(
    target: ActorId,
    future: usize,
    finished: impl FnOnce() -> bool,
    record: bool,
) -> Result<()> {
    let waiting = RUNNING.with(|r| r.borrow().clone());
    if waiting.is_empty() {
        return Ok(());
    }
    // Taken before `finished` (as in `finish_waited`): the future cannot
    // finish between the look and the booking.
    let mut waits = lock(&WAITS);
    if finished() {
        return Ok(());
    }
    // Walk the waits from `target`, keeping the way back to it.
    let mut seen: Vec<(ActorId, Option<usize>)> = vec![(target, None)];
    let mut k = 0;
    while k < seen.len() {
        let actor = seen[k].0;
        if waiting.contains(&actor) {
            // The innermost call waits on `target`, which waits on ...
            // `actor`, which is the innermost or waits on it from under it.
            let innermost = waiting[waiting.len() - 1];
            let mut way_back = vec![actor];
            let mut at = k;
            while let Some(back) = seen[at].1 {
                way_back.push(seen[back].0);
                at = back;
            }
            let mut cycle = vec![innermost];
            cycle.extend(way_back.into_iter().rev());
            if actor != innermost {
                cycle.push(innermost);
            }
            let cycle: Vec<String> = cycle.iter().map(|a| format!("actor {a}")).collect();
            return Err(Error::Deadlock(format!(
                "{}: an actor runs one call at a time, so a call waiting on its \
                 own actor, directly or through other actors, never ends",
                cycle.join(" waits on ")
            )));
        }
        for w in waits.iter().filter(|w| w.from == actor) {
            if !seen.iter().any(|s| s.0 == w.to) {
                seen.push((w.to, Some(k)));
            }
        }
        k += 1;
    }
    if record {
        waits.extend(waiting.iter().map(|&from| Wait {
            from,
            to: target,
            future,
        }));
    }
    Ok(())
}

/// Finish `future` (`store` marks it finished) and strike the waits on it,
/// both at once for [`enter_wait`].
pub(super) fn finish_waited(future: usize, store: impl FnOnce()) {
    let mut waits = lock(&WAITS);
    waits.retain(|w| w.future != future);
    store();
}
