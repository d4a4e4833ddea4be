//! How to compute: scheduler, thread count, combine fan-in.

/// Which scheduler runs the block tasks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Scheduler {
    /// Dependency counting on a rayon pool: every core busy (the default).
    #[default]
    Threaded,
    /// One thread, the calling one, in a fixed depth-first order: for
    /// debugging, profiling one block, or code that must not spawn threads.
    Sync,
}

/// Options of [`compute_with`](crate::ChunkedArray::compute_with).
///
/// The result does not depend on them: the combine tree is fixed by the
/// chunking and `fan_in`, so 1, 2 or 64 threads give bit-identical answers.
///
/// ```
/// use ndchunk::prelude::*;
/// let x = ChunkedArray::from_array(Array::linspace(0.0, 1.0, 1001), 100)?;
/// let one = x.sum().compute_with(&Options::default().threads(1))?;
/// let sync = x.sum().compute_with(&Options::default().scheduler(Scheduler::Sync))?;
/// assert_eq!(one, sync);
/// # Ok::<(), ndchunk::Error>(())
/// ```
#[derive(Clone)]
pub struct Options {
    pub(crate) threads: Option<usize>,
    pub(crate) scheduler: Scheduler,
    pub(crate) fan_in: usize,
    /// Set from outside to stop starting tasks (a dropped future).
    pub(crate) cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            threads: None,
            scheduler: Scheduler::Threaded,
            fan_in: 8,
            cancel: None,
        }
    }
}

impl Options {
    /// Run on a pool of `n` threads (pools are built once per size and kept).
    /// Without this, `compute` runs on the current rayon pool: the global one,
    /// or the one you `install`ed.
    pub fn threads(mut self, n: usize) -> Self {
        self.threads = Some(n);
        self
    }

    /// Choose the scheduler.
    pub fn scheduler(mut self, scheduler: Scheduler) -> Self {
        self.scheduler = scheduler;
        self
    }

    /// How many partial results one combine task of a reduction merges
    /// (dask's `split_every`); at least 2, default 8.
    pub fn fan_in(mut self, k: usize) -> Self {
        self.fan_in = k;
        self
    }
}

impl std::fmt::Debug for Options {
    /// The user's choices (the internal cancel flag of a submitted future is left out).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("threads", &self.threads)
            .field("scheduler", &self.scheduler)
            .field("fan_in", &self.fan_in)
            .finish()
    }
}
