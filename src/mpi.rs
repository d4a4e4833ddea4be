//! One program on the ranks of an MPI job (cargo feature `mpi`).
//!
//! SPMD, as with `mpirun`/`srun` anywhere: every rank runs the same
//! program and builds the same arrays. After [`init`], every compute made
//! on the thread that called it is spread over the ranks: each task has an
//! owner rank (contiguous runs of blocks, so neighbours stay together),
//! each rank runs its own tasks on its rayon pool, and a value read on
//! another rank is sent there once, point to point, by its maker. The
//! result comes back whole on every rank (or on one, with
//! [`Options::result_rank`](crate::Options::result_rank)), so a program
//! written for one machine runs unchanged:
//!
//! ```text
//! cargo build --release --features mpi --example mean_normal
//! mpirun -n 4 --bind-to none -x RAYON_NUM_THREADS=8 target/release/examples/mean_normal --mpi
//! srun -n 4 --cpus-per-task 8 target/release/examples/mean_normal --mpi
//! ```
//!
//! - **Bit-identical results.** Reductions combine their per-block partials
//!   in the same fixed tree as in one process, so results do not depend on
//!   the number of ranks (no floating-point `all_reduce`). Random arrays
//!   are functions of the element index, so any rank draws the same values.
//! - **Stores.** A Zarr or `.npy` array is read by the ranks owning its
//!   blocks: every chunk once in total. Writes are made by rank 0 (the
//!   blocks are sent there): never a chunk from two ranks.
//! - **What is sent.** Blocks and reduction partials of the primitive
//!   element types (numbers, `bool`, `Complex<f32/f64>`), assembled
//!   results, write receipts and delayed values of those types. Anything else (a delayed call returning its own Rust type)
//!   runs on rank 0 with everything that reads it; computing such a value
//!   on another rank is an [`Error::Mpi`](crate::Error::Mpi).
//! - **Failures.** A task failing on one rank stops every rank, and every
//!   rank returns the same [`Error::Rank`](crate::Error::Rank), naming the
//!   rank and the task; the next compute works.
//! - **Threads.** MPI is started with funneled threading: only the thread
//!   that called [`init`] calls MPI; the rayon workers never do. A compute
//!   started on another thread (a submitted future) runs on its own rank.
//!   Give each rank `cores / ranks` threads (`RAYON_NUM_THREADS` or
//!   [`Options::threads`](crate::Options::threads)) and start `mpirun` with
//!   `--bind-to none`: Open MPI otherwise pins each rank to one core.
//! - **Not yet across ranks:** the memory limit (each rank runs without
//!   it) and a cancel from a dropped future.
//!
//! Bytes sent per rank are reported in
//! [`ComputeEnd::bytes_sent`](crate::diagnostics::ComputeEnd::bytes_sent)
//! and by [`Options::profile`](crate::Options::profile).

use crate::error::Result;
use crate::exec::mpi::Session;

/// MPI, started on this thread; finalized when dropped. Keep it alive for
/// as long as the program computes.
///
/// ```
/// // Under `mpirun -n 4` every rank gets the same mean; alone, one rank.
/// let mpi = ndchunk::mpi::init()?;
/// let x = ndchunk::random::Rng::seed(1).standard_normal((400, 400), (100, 100))?;
/// let mean = x.mean().compute()?.into_scalar();
/// assert!(mpi.rank() < mpi.size() && mean.abs() < 0.01);
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub struct Mpi {
    session: Session,
}

/// Start MPI (with funneled threading) on this thread.
///
/// Fails when MPI was started already, when the library does not grant
/// funneled threading, or when the launcher started another number of
/// ranks than the library sees (a program built against MPICH run by Open
/// MPI's `mpirun` would otherwise run as N independent one-rank jobs).
///
/// ```
/// let mpi = ndchunk::mpi::init()?;
/// assert!(ndchunk::mpi::init().is_err()); // once per process
/// # drop(mpi);
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn init() -> Result<Mpi> {
    Ok(Mpi {
        session: crate::exec::mpi::init()?,
    })
}

impl Mpi {
    /// This process's rank, from 0.
    ///
    /// ```
    /// let mpi = ndchunk::mpi::init()?;
    /// if mpi.rank() == 0 {
    ///     println!("{} ranks", mpi.size());
    /// }
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn rank(&self) -> usize {
        self.session.rank()
    }

    /// The number of ranks of the job.
    ///
    /// ```
    /// let mpi = ndchunk::mpi::init()?;
    /// assert!(mpi.size() >= 1);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn size(&self) -> usize {
        self.session.size()
    }
}
