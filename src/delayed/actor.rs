//! Actors: a stateful object whose method calls run one at a time, in call
//! order, as tasks on the rayon pool.

use super::future::{Future, State};
use crate::error::Error;
use std::collections::VecDeque;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex, MutexGuard};

type Job<S> = Box<dyn FnOnce(&mut S) + Send>;

/// A stateful object (an accumulator, a cache, a model) shared by tasks:
/// each [`call`](Actor::call) is queued and run after the previous ones, on
/// the rayon pool, and returns a [`Future`] of its result; it runs whether
/// the future is kept or dropped, as Ray's actor calls do. A call that panics
/// gives an error in its future; the actor goes on with the next call.
///
/// ```
/// use ndchunk::delayed::Actor;
/// let counter = Actor::new(0_u64);
/// let calls: Vec<_> = (1..=100).map(|k| counter.call(move |total| { *total += k; *total })).collect();
/// let last = calls.into_iter().map(|f| f.wait().unwrap()).last();
/// assert_eq!(last, Some(5050)); // calls ran in order
/// assert_eq!(counter.call(|total| *total).wait()?, 5050);
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
    state: Mutex<S>,
    queue: Mutex<Queue<S>>,
}

struct Queue<S> {
    jobs: VecDeque<Job<S>>,
    running: bool,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl<S: Send + 'static> Actor<S> {
    /// An actor owning `state`.
    pub fn new(state: S) -> Actor<S> {
        Actor {
            inner: Arc::new(Inner {
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
        let future = State::new("actor call".to_string(), false);
        let done = future.clone();
        let job: Job<S> = Box::new(move |state: &mut S| {
            let result = catch_unwind(AssertUnwindSafe(|| f(state))).map_err(|payload| {
                Error::TaskPanicked {
                    task: "actor call".to_string(),
                    message: crate::exec::panic_message(payload.as_ref()),
                }
            });
            done.finish(result);
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
        job(&mut lock(&inner.state));
    }
}
