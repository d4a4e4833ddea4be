//! The one error type of the crate.

use std::fmt;

/// Everything that can go wrong when building or computing a chunked array.
///
/// Every variant names the argument, axis or block it is about, so that the
/// message alone tells the user what to fix.
///
/// ```
/// use ndchunk::prelude::*;
/// let err = ChunkedArray::<f64, _>::zeros((10, 10), (0, 5)).unwrap_err();
/// assert!(err.to_string().contains("axis 0"));
/// ```
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A chunk specification does not fit the array's shape.
    #[error("invalid chunks on axis {axis}: {reason}")]
    InvalidChunks {
        /// The axis whose chunking is wrong.
        axis: usize,
        /// What was expected and what was given.
        reason: String,
    },
    /// An argument has the wrong number of dimensions.
    #[error("`{argument}` has {got} dimensions, expected {expected}")]
    RankMismatch {
        /// The argument at fault.
        argument: &'static str,
        /// The number of dimensions expected.
        expected: usize,
        /// The number of dimensions given.
        got: usize,
    },
    /// Two arrays combined elementwise do not have the same shape.
    #[error("shape mismatch in `{op}`: left operand has shape {left:?}, right operand has shape {right:?}")]
    ShapeMismatch {
        /// The operation that combined them.
        op: &'static str,
        /// Shape of the left operand.
        left: Vec<usize>,
        /// Shape of the right operand.
        right: Vec<usize>,
    },
    /// An axis argument is out of range.
    #[error("axis {axis} is out of bounds for `{op}` on an array of {ndim} dimensions")]
    AxisOutOfBounds {
        /// The operation that received the axis.
        op: &'static str,
        /// The axis given.
        axis: usize,
        /// The number of dimensions of the array.
        ndim: usize,
    },
    /// A task failed on another MPI rank (or on this one): every rank of
    /// the job returns this same error.
    #[error("rank {rank}: {message}")]
    Rank {
        /// The lowest rank on which a task failed.
        rank: usize,
        /// That rank's error, naming the task.
        message: String,
    },
    /// Under MPI with [`Options::result_rank`](crate::Options::result_rank),
    /// on the ranks other than the one the results were sent to.
    #[error("the results were sent to rank {rank} only (Options::result_rank)")]
    NotOnThisRank {
        /// The rank that has them.
        rank: usize,
    },
    /// MPI could not be used as asked (started twice, a launcher of
    /// another MPI library, a value too large for one message).
    #[error("MPI: {reason}")]
    Mpi {
        /// What went wrong and what to do.
        reason: String,
    },
    /// A reduction that has no identity (`min`, `max`, `argmin`, ...) was asked
    /// for over zero elements.
    #[error("`{op}` of an empty array (or along an empty axis) has no value")]
    EmptyReduction {
        /// The reduction.
        op: &'static str,
    },
    /// An integer sum or product (a partial one included) does not fit in
    /// its result type; see the [element](crate::element) module for the
    /// types. Inside a [`TaskFailed`](Error::TaskFailed) naming the block.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![u64::MAX, 1], 2)?;
    /// match x.sum().compute() {
    ///     Err(Error::TaskFailed { source, .. }) => {
    ///         assert!(matches!(*source, Error::Overflow { op: "sum", ty: "u64" }))
    ///     }
    ///     other => panic!("expected an overflow, got {other:?}"),
    /// }
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    #[error("integer overflow in `{op}`: the result does not fit in {ty} (cast the input to a wider type or to f64 first)")]
    Overflow {
        /// The operation.
        op: &'static str,
        /// The type the result is computed in.
        ty: &'static str,
    },
    /// Any other argument outside its domain.
    #[error("invalid argument `{argument}`: {reason}")]
    InvalidArgument {
        /// The argument at fault.
        argument: &'static str,
        /// What was expected and what was given.
        reason: String,
    },
    /// An operation needs the lengths of blocks that are known only once
    /// computed: those of a selection (`extract`, `nonzero` ...) along the
    /// axis it selects on. [`compute_chunk_sizes`](crate::ChunkedArray::compute_chunk_sizes)
    /// resolves them.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![1.0, -2.0, 3.0, -4.0], 2)?;
    /// let positive = x.extract(&x.mapv(|v| v > 0.0));
    /// let err = positive.rechunk(1).compute().unwrap_err();
    /// assert!(matches!(err, Error::UnknownChunkSizes { op: "rechunk" }), "{err}");
    /// assert_eq!(positive.compute_chunk_sizes()?.rechunk(1).compute()?, array![1.0, 3.0]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    #[error("`{op}` needs known chunk sizes, but the array's are unknown until computed (a selection such as `extract` or `nonzero`): call `compute_chunk_sizes()` first")]
    UnknownChunkSizes {
        /// The operation.
        op: &'static str,
    },
    /// A size does not fit: an element count or byte size beyond what
    /// ndarray can index (`isize::MAX`), more blocks or tasks than can be
    /// listed in memory, or an index beyond `isize::MAX`.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let err = ChunkedArray::<f64, _>::zeros((1 << 32, 1 << 32), (1000, 1000)).unwrap_err();
    /// assert!(matches!(err, Error::TooLarge { argument: "shape", .. }), "{err}");
    /// ```
    #[error("`{argument}` is too large: {reason}")]
    TooLarge {
        /// The argument at fault.
        argument: &'static str,
        /// What was asked for, with the numbers, and the limit.
        reason: String,
    },
    /// A task panicked (for example a user closure); the panic was caught.
    #[error("task {task} panicked: {message}")]
    TaskPanicked {
        /// The task, as `operation[block index]`.
        task: String,
        /// The panic payload, when it was a string.
        message: String,
    },
    /// A task returned an error.
    #[error("task {task} failed: {source}")]
    TaskFailed {
        /// The task, as `operation[block index]`.
        task: String,
        /// What went wrong in it.
        source: Box<Error>,
    },
    /// A user function (a delayed call) returned an error; this is its
    /// message. Inside a [`TaskFailed`](Error::TaskFailed) naming the task.
    #[error("{0}")]
    Failed(String),
    /// Waiting would never end: an actor call waited on a later call of its
    /// own actor, or actor calls waited on each other in a cycle. The message
    /// names the actors.
    #[error("waiting would deadlock: {0}")]
    Deadlock(String),
    /// The work was cancelled (its future was dropped) before it ran.
    #[error("cancelled before it ran")]
    Cancelled,
    /// Writing or rendering a file failed.
    #[error("i/o error on {path}: {message}")]
    Io {
        /// The file.
        path: String,
        /// The operating system's message.
        message: String,
    },
    /// A store (a Zarr array, a `.npy` file) cannot be opened, read or
    /// written as asked: a missing path, a data type that is not the
    /// element type, a region outside the array, a chunk that does not
    /// decode.
    #[error("store {path}, {key}: {reason}")]
    Store {
        /// The store (the directory of a Zarr hierarchy with the array's
        /// path in it, or the `.npy` file).
        path: String,
        /// What in the store: a chunk key (`c/0/1`), `metadata`, `region`.
        key: String,
        /// What went wrong, with what was expected.
        reason: String,
    },
    /// A task's inputs and output together need more bytes than the memory
    /// limit of [`Options::memory_limit`](crate::Options::memory_limit).
    #[error("task {task} needs {needed} bytes (its inputs, output and scratch), more than the memory limit of {limit} bytes; raise the limit or use smaller blocks")]
    MemoryLimit {
        /// The task, as `operation[block index]`.
        task: String,
        /// Bytes its inputs, output and scratch take.
        needed: usize,
        /// The limit in force.
        limit: usize,
    },
    /// A broken invariant inside ndchunk: please report it.
    #[error("internal error (please report): {0}")]
    Internal(String),
}

/// `Result` with [`Error`] as its error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn internal(what: impl fmt::Display) -> Self {
        Error::Internal(what.to_string())
    }

    /// `Err(Overflow)` for `op` computed in `S` if `overflowed`.
    pub(crate) fn check_overflow<S>(overflowed: bool, op: &'static str) -> Result<()> {
        if overflowed {
            Err(Error::Overflow {
                op,
                ty: std::any::type_name::<S>(),
            })
        } else {
            Ok(())
        }
    }

    pub(crate) fn invalid(argument: &'static str, reason: impl Into<String>) -> Self {
        Error::InvalidArgument {
            argument,
            reason: reason.into(),
        }
    }
}
