//! One rank's run: its tasks on its rayon pool, this thread moving values
//! between ranks until every rank is done.
//!
//! Termination: a rank is done when nothing of its own is running and
//! every task of its part ran or arrived (or the run stopped); it then
//! enters a non-blocking barrier once all its sends completed, and keeps
//! receiving until the barrier completes. Sends are synchronous-mode, so
//! when the barrier completes every message of the run was received:
//! nothing is left in flight for the next run.
//!
//! Failure: a rank whose task fails tells every other rank, which stop
//! starting tasks; after the barrier the ranks agree on the failure of the
//! lowest failing rank, so every rank returns the same error.

use super::local::{local_part, named, Local};
use super::transport::{
    agree, receive, same_plan, send, split_value, value_message, Outgoing, FAILURE, VALUE,
};
use crate::error::{Error, Result};
use crate::exec::state::State;
use crate::exec::{pool, thread_count, RunConfig, Scheduler, TaskGraph, Value};
use mpi::collective::CommunicatorCollectives;
use mpi::topology::SimpleCommunicator;
use mpi::traits::Communicator;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{channel, Receiver};
use std::sync::Arc;
use std::time::Duration;

pub(super) fn run(
    graph: TaskGraph,
    config: &RunConfig,
    world: &SimpleCommunicator,
) -> Result<Vec<Value>> {
    let (me, ranks) = (world.rank() as usize, world.size() as usize);
    if let Some(rank) = config.result_rank.filter(|&r| r >= ranks) {
        return Err(Error::invalid(
            "result_rank",
            format!("rank {rank} of a job of {ranks} ranks"),
        ));
    }
    let threads = match config.scheduler {
        Scheduler::Sync => 1,
        Scheduler::Threaded => thread_count(config.threads),
    };
    let pool = pool::with_threads(threads);
    same_plan(world, fingerprint(&graph), pool.is_ok())?;
    let pool = pool?;
    let (graph, part) = local_part(graph, me, ranks, config.result_rank);
    // Another rank's failure stops this one through the cancel flag (a
    // cancel from a dropped future does not reach a run across ranks).
    let stop = Arc::new(AtomicBool::new(false));
    let config = RunConfig {
        cancel: Some(stop.clone()),
        ..config.clone()
    };
    let (outbox, made) = channel();
    let exports = part.dests.iter().map(|d| !d.is_empty()).collect();
    let state = State::new(graph, &config, threads).exchange(&part.external, exports, outbox);
    let run = Run {
        state: &state,
        part: &part,
        threads,
        pending: AtomicUsize::new(0),
        done: AtomicUsize::new(0),
        stop: &stop,
    };
    let exchange = pool.in_place_scope(|scope| run.drive(world, scope, &made));
    // A failure of the exchange itself (a value that would not encode) is
    // this rank's failure too.
    let mine = exchange
        .err()
        .map(|e| e.to_string())
        .or_else(|| state.error_text());
    let agreed = agree(world, mine);
    let values = state.finish();
    if let Some(e) = agreed {
        return Err(e);
    }
    if let Some(rank) = config.result_rank.filter(|&r| r != me) {
        return Err(Error::NotOnThisRank { rank });
    }
    if let Some(name) = part.unsendable_outputs.first() {
        return Err(Error::Mpi {
            reason: format!(
                "the value of {name} cannot be sent between ranks (a delayed call returning its own \
                 Rust type): it was computed on rank 0 only"
            ),
        });
    }
    values
}

/// What the workers share with the thread calling MPI (which alone holds
/// the communicator).
/// The graph's shape and names, hashed: equal on ranks that built the
/// same graph (the hasher's keys are fixed, and every rank runs one binary).
fn fingerprint(graph: &TaskGraph) -> u64 {
    let mut h = DefaultHasher::new();
    graph.outputs.hash(&mut h);
    for task in &graph.tasks {
        task.name.label.hash(&mut h);
        task.name.block.hash(&mut h);
        task.deps.hash(&mut h);
    }
    h.finish()
}

struct Run<'s> {
    state: &'s State,
    part: &'s Local,
    threads: usize,
    /// Tasks spawned and not finished.
    pending: AtomicUsize,
    /// Tasks of the part finished or arrived.
    done: AtomicUsize,
    stop: &'s AtomicBool,
}

impl<'s> Run<'s> {
    /// Start leaves while fewer tasks than threads are pending (as the
    /// one-process scheduler does, so memory stays near what is in use).
    fn start(&'s self, scope: &rayon::Scope<'s>) {
        while self.pending.load(Ordering::Acquire) < self.threads {
            let Some(leaf) = self.state.next_leaf() else {
                break;
            };
            self.spawn(leaf, scope);
        }
    }

    fn spawn(&'s self, i: usize, scope: &rayon::Scope<'s>) {
        self.pending.fetch_add(1, Ordering::AcqRel);
        scope.spawn(move |s| self.go(i, s));
    }

    fn go(&'s self, i: usize, scope: &rayon::Scope<'s>) {
        for c in self.state.run(i) {
            self.spawn(c, scope);
        }
        self.done.fetch_add(1, Ordering::AcqRel);
        self.pending.fetch_sub(1, Ordering::AcqRel);
        self.start(scope);
    }

    /// Whether this rank has nothing left to run.
    fn idle(&self) -> bool {
        self.pending.load(Ordering::Acquire) == 0
            && (self.done.load(Ordering::Acquire) == self.part.external.len()
                || self.state.stopped())
    }

    /// Move values and failures between ranks until every rank is done.
    fn drive(
        &'s self,
        world: &SimpleCommunicator,
        scope: &rayon::Scope<'s>,
        made: &Receiver<(usize, Value)>,
    ) -> Result<()> {
        const FIRST_NAP: Duration = Duration::from_micros(20);
        const LONGEST_NAP: Duration = Duration::from_micros(500);
        self.start(scope);
        let mut sends: Vec<Outgoing> = Vec::new();
        let mut barrier = None;
        let mut told = false;
        let mut trouble: Option<Error> = None;
        let mut nap = FIRST_NAP;
        loop {
            let mut busy = false;
            while let Ok((i, value)) = made.try_recv() {
                busy = true;
                if let Err(e) = self.export(world, i, &value, &mut sends) {
                    self.stop.store(true, Ordering::Release);
                    trouble.get_or_insert(e);
                }
            }
            let failed = trouble
                .as_ref()
                .map(ToString::to_string)
                .or_else(|| self.state.error_text());
            if let (false, Some(text)) = (told, failed) {
                told = true;
                let bytes = Arc::new(text.into_bytes());
                let me = world.rank() as usize;
                for r in (0..world.size() as usize).filter(|&r| r != me) {
                    sends.push(send(world, &bytes, r, FAILURE)?);
                }
            }
            while let Some((_, tag, bytes)) = receive(world) {
                busy = true;
                if tag == FAILURE {
                    self.stop.store(true, Ordering::Release);
                } else if tag == VALUE {
                    if let Err(e) = self.arrive(&bytes, scope) {
                        self.stop.store(true, Ordering::Release);
                        trouble.get_or_insert(e);
                    }
                }
            }
            let mut still = Vec::with_capacity(sends.len());
            for mut s in sends {
                if !s.done()? {
                    still.push(s);
                }
            }
            sends = still;
            if barrier.is_none() && sends.is_empty() && self.idle() {
                barrier = Some(world.immediate_barrier());
            }
            if let Some(b) = barrier.take() {
                match b.test() {
                    Ok(_) => break,
                    Err(b) => barrier = Some(b),
                }
            }
            if busy {
                nap = FIRST_NAP;
            } else {
                std::thread::sleep(nap);
                nap = (nap * 2).min(LONGEST_NAP);
            }
        }
        trouble.map_or(Ok(()), Err)
    }

    /// Send local task `i`'s value to the ranks that read it.
    fn export(
        &self,
        world: &SimpleCommunicator,
        i: usize,
        value: &Value,
        sends: &mut Vec<Outgoing>,
    ) -> Result<()> {
        let wire = self.part.wires[i]
            .as_ref()
            .ok_or_else(|| Error::internal("an exported value without a wire"))?;
        let bytes = value_message(self.part.global[i], |out| wire.encode(value, out))?;
        let bytes = Arc::new(bytes);
        for &r in &self.part.dests[i] {
            sends.push(send(world, &bytes, r, VALUE)?);
        }
        self.state
            .add_sent((bytes.len() * self.part.dests[i].len()) as u64);
        Ok(())
    }

    /// A value from another rank: hand it to the tasks waiting on it.
    fn arrive(&'s self, bytes: &[u8], scope: &rayon::Scope<'s>) -> Result<()> {
        let (global, payload) = split_value(bytes)?;
        let i = named(self.part, global)?;
        let wire = self.part.wires[i]
            .as_ref()
            .ok_or_else(|| Error::internal("a received value without a wire"))?;
        let value = wire.decode(payload)?;
        for c in self.state.complete_external(i, value) {
            self.spawn(c, scope);
        }
        self.done.fetch_add(1, Ordering::AcqRel);
        self.start(scope);
        Ok(())
    }
}
