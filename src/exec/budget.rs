//! The threaded scheduler under a memory limit.
//!
//! A task starts only when the bytes held plus its output fit in the limit.
//! Ready consumers go first, the most recently readied first (they read
//! values that are freed once their last reader has run); new leaves start
//! only while a consumer's output would still fit next to them, so leaves
//! can never fill the budget and starve the consumers that would free it.
//! When nothing runs, the next task starts whatever the bytes held, or the
//! run could not go on: a plan that must hold more than the limit at once
//! goes above it, one task at a time (documented on `Options::memory_limit`).

use super::state::State;
use super::Value;
use crate::error::Result;
use crate::lock::lock;
use std::sync::Mutex;

struct Gate {
    /// Consumers whose inputs are all done, in the order they became ready.
    ready: Vec<usize>,
    running: usize,
}

struct Bounded<'s> {
    state: &'s State,
    gate: Mutex<Gate>,
    limit: usize,
    /// Room kept free for consumers when starting leaves: the largest
    /// output of a task that has inputs.
    headroom: usize,
}

pub(super) fn run_bounded(state: State, limit: usize) -> Result<Vec<Value>> {
    let headroom = (0..state.bytes.len())
        .filter(|&i| !state.is_leaf(i))
        .map(|i| state.running_bytes(i))
        .max()
        .unwrap_or(0);
    let run = Bounded {
        state: &state,
        gate: Mutex::new(Gate {
            ready: Vec::new(),
            running: 0,
        }),
        limit,
        headroom,
    };
    rayon::scope(|scope| run.pump(scope));
    state.finish()
}

impl<'s> Bounded<'s> {
    /// Whether `bytes` more fit next to what is held, keeping `room` free.
    fn fits(&self, bytes: usize, room: usize) -> bool {
        self.state.live().saturating_add(bytes).saturating_add(room) <= self.limit
    }

    /// Start every task that may start now.
    fn pump<'a>(&'a self, scope: &rayon::Scope<'a>)
    where
        's: 'a,
    {
        let mut gate = lock(&self.gate);
        while gate.running < self.state.threads {
            let Some(task) = self.choose(&mut gate) else {
                break;
            };
            gate.running += 1;
            self.state.reserve(task);
            scope.spawn(move |s| {
                let ready = self.state.run_reserved(task);
                {
                    let mut gate = lock(&self.gate);
                    gate.running -= 1;
                    gate.ready.extend(ready);
                }
                self.pump(s);
            });
        }
    }

    /// The next task to start, taken out of the ready list or the leaves.
    fn choose(&self, gate: &mut Gate) -> Option<usize> {
        let idle = gate.running == 0;
        if self.state.stopped() {
            // Drain without running: `run` returns at once.
            return gate.ready.pop().or_else(|| self.state.next_leaf());
        }
        if let Some(k) = gate
            .ready
            .iter()
            .rposition(|&t| self.fits(self.state.running_bytes(t), 0))
        {
            return Some(gate.ready.remove(k));
        }
        if let Some(leaf) = self.state.peek_leaf() {
            let room = self.headroom;
            if gate.ready.is_empty() && (idle || self.fits(self.state.running_bytes(leaf), room)) {
                return self.state.next_leaf();
            }
        }
        if idle {
            return gate.ready.pop().or_else(|| self.state.next_leaf());
        }
        None
    }
}
