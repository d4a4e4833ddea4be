//! Running one graph on the ranks of an MPI job (`--features mpi`).
//!
//! SPMD: every rank runs the same program, so every rank builds the same
//! graph; [`owners`](super::owners) gives each task a rank from the graph
//! alone, each rank runs its own tasks on its rayon pool, and a value read
//! on another rank is sent there, once, by its maker. Reductions keep the
//! graph's combine tree, so results are bit-identical on any number of
//! ranks. The outputs are sent to every rank.
//!
//! Only the thread that started MPI calls it (funneled threading): the run
//! is driven from there, and the rayon workers never touch MPI. A compute
//! started on any other thread runs on its own rank alone.

mod local;
mod run;
mod transport;

use crate::error::{Error, Result};
use mpi::environment::Universe;
use mpi::topology::SimpleCommunicator;
use mpi::traits::Communicator;
use mpi::Threading;
use std::cell::RefCell;

thread_local! {
    /// The world communicator, on the thread that started MPI only.
    static WORLD: RefCell<Option<SimpleCommunicator>> = const { RefCell::new(None) };
}

/// MPI, started: computes on the thread that started it run on every rank
/// until this is dropped (which finalizes MPI).
pub(crate) struct Session {
    rank: usize,
    size: usize,
    // Dropped last: finalizing MPI.
    _universe: Universe,
}

impl Session {
    pub fn rank(&self) -> usize {
        self.rank
    }
    pub fn size(&self) -> usize {
        self.size
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        WORLD.with(|w| w.borrow_mut().take());
    }
}

/// Start MPI with funneled threading on this thread.
pub(crate) fn init() -> Result<Session> {
    let (universe, threading) =
        mpi::initialize_with_threading(Threading::Funneled).ok_or_else(|| Error::Mpi {
            reason: "MPI was already started in this process (ndchunk::mpi::init is called once)"
                .into(),
        })?;
    if threading < Threading::Funneled {
        return Err(Error::Mpi {
            reason: format!(
                "the MPI library grants {threading:?} threading; ndchunk needs Funneled"
            ),
        });
    }
    let world = universe.world();
    let (rank, size) = (world.rank() as usize, world.size() as usize);
    check_launcher(size, |name| std::env::var(name).ok())?;
    WORLD.with(|w| *w.borrow_mut() = Some(world));
    Ok(Session {
        rank,
        size,
        _universe: universe,
    })
}

/// The launcher says how many ranks it started: a library of another MPI
/// (an MPICH build under Open MPI's `mpirun`) sees a world of one and would
/// run N independent copies of the job.
fn check_launcher(size: usize, env: impl Fn(&str) -> Option<String>) -> Result<()> {
    for name in ["OMPI_COMM_WORLD_SIZE", "PMI_SIZE"] {
        let Some(launched) = env(name).and_then(|v| v.trim().parse::<usize>().ok()) else {
            continue;
        };
        if launched != size {
            return Err(Error::Mpi {
                reason: format!(
                    "the launcher started {launched} ranks ({name}) but this MPI library sees a world of {size}: \
                     the program was built against another MPI than the one running it \
                     (check `mpicc -show` against `which mpirun`, then `cargo clean -p mpi-sys`)"
                ),
            });
        }
    }
    Ok(())
}

/// Whether a compute on this thread runs across the ranks of a job.
pub(crate) fn runs_across_ranks() -> bool {
    WORLD.with(|w| w.borrow().as_ref().is_some_and(|world| world.size() > 1))
}

/// Run `graph` across the ranks if MPI was started on this thread.
pub(crate) fn try_execute(
    graph: super::TaskGraph,
    config: &super::RunConfig,
) -> std::result::Result<Result<Vec<super::Value>>, super::TaskGraph> {
    WORLD.with(|w| match w.borrow().as_ref() {
        Some(world) if world.size() > 1 => Ok(run::run(graph, config, world)),
        _ => Err(graph),
    })
}

#[cfg(test)]
mod tests {
    use super::check_launcher;

    #[test]
    fn a_launcher_of_another_size_is_an_error() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert!(check_launcher(1, env(&[])).is_ok());
        assert!(check_launcher(4, env(&[("OMPI_COMM_WORLD_SIZE", "4")])).is_ok());
        let err = check_launcher(1, env(&[("OMPI_COMM_WORLD_SIZE", "2")])).unwrap_err();
        assert!(err.to_string().contains("started 2 ranks"), "{err}");
        assert!(check_launcher(1, env(&[("PMI_SIZE", "3")])).is_err());
    }
}
