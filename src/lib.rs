//! Lazy, chunked n-dimensional arrays on [`ndarray`] and [`rayon`]: what
//! `dask.array` is to NumPy.
//!
//! A [`ChunkedArray`] is cut into blocks. Operations on it only record a
//! node of a plan; [`compute`](ChunkedArray::compute) optimizes the plan,
//! lowers it to one task per block and runs the tasks on every core.
//! Chains of elementwise operations are fused into one kernel per block that
//! works in cache-sized strips, and a reduction at the end consumes the values
//! as they are made, so the mean of 100 million normal samples never holds
//! more than a few strips of them:
//!
//! ```
//! use ndchunk::prelude::*;
//!
//! let rng = ndchunk::random::Rng::seed(42);
//! let x = rng.standard_normal((2_000, 2_000), (500, 500))?; // lazy, nothing allocated
//! let m = x.mean().compute()?.into_scalar();                 // all cores busy
//! assert!(m.abs() < 0.01);
//!
//! // Several results computed together share their work: one pass over x.
//! let y = (&x * 2.0 + 1.0).mapv(f64::abs);
//! let (s, v) = ndchunk::compute((&y.sum(), &y.var(0.0)))?;
//! println!("sum {} var {}", s.into_scalar(), v.into_scalar());
//! println!("{}", y.sum().explain());                         // the optimized plan
//! # Ok::<(), ndchunk::Error>(())
//! ```
//!
//! The flow is one-directional: [`ChunkedArray`] (typed API) → logical plan
//! (type-erased nodes, common subexpressions merged, fusion decided) → block
//! tasks → executor ([`Options`], [`Scheduler`]). Errors are values: bad
//! arguments give an [`Error`] naming the argument, and a panic in a user
//! closure becomes [`Error::TaskPanicked`] naming the block, after which the
//! next compute works as before.

#![warn(missing_docs)]
// The only unsafe code maps `.npy` files (`kernel::npy`), allowed there.
#![deny(unsafe_code)]

mod array;
mod boundary;
pub mod chunks;
mod compute;
pub mod delayed;
pub mod diagnostics;
pub mod element;
mod error;
mod exec;
pub mod io;
mod kernel;
mod lock;
#[cfg(feature = "mpi")]
pub mod mpi;
mod options;
mod plan;
mod size;
mod special;
mod view;

/// Linear algebra: `ndchunk::linalg::{qr, svd, svd_compressed, solve, ...}`.
pub use array::factor as linalg;
/// Hypothesis tests (`scipy.stats`, `dask.array.stats`).
pub use array::hypothesis as stats;
#[allow(deprecated)]
pub use array::select;
pub use array::{
    apply_gufunc, block, blockwise, blockwise_with, broadcast_arrays, concatenate, dstack, einsum,
    fft, full_like, hstack, indices, meshgrid, ones_like, outer, random, stack, tensordot, vstack,
    where_cond, zeros_like, BlockInfo, ChunkedArray, Dot, Indexing, IntoOperand, PadMode, Side,
};
pub use boundary::Boundary;
pub use chunks::{ChunkSpec, Chunks};
pub use compute::{compute, compute_with, num_tasks, Compute};
pub use diagnostics::Observer;
pub use error::{Error, Result};
pub use exec::Scheduler;
pub use options::{parse_bytes, Options};

/// Everything needed for everyday use: `use ndchunk::prelude::*;`.
///
/// Re-exports ndarray's `Array`, `Axis`, `array!`, `s!` and dimension
/// types, so one `use` line is enough to build, compute and compare arrays.
pub mod prelude {
    pub use crate::io::{zarr_attributes, Codec, StoreElement, Written, ZarrFormat, ZarrOptions};
    pub use crate::{
        compute, concatenate, full_like, ones_like, outer, stack, tensordot, where_cond,
        zeros_like, BlockInfo, Boundary, ChunkSpec, ChunkedArray, Chunks, Compute, Error, Indexing,
        Observer, Options, PadMode, Scheduler, Side,
    };
    pub use ndarray::{
        array, s, Array, Array0, Array1, Array2, ArrayD, Axis, Ix0, Ix1, Ix2, Ix3, Ix4, IxDyn,
        NewAxis, Slice,
    };
}

/// The README's code blocks, compiled and run as doctests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
