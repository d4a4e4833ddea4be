//! Linear algebra of chunked matrices, as `dask.array.linalg` and
//! `numpy.linalg`: QR and SVD by TSQR, randomized SVD, solves, Cholesky,
//! LU, inverse and norms. Every function records plan nodes and returns at
//! once; factorizations of blocks run on `faer` (pure Rust, no LAPACK).
//!
//! Which are blocked:
//! - [`qr`], [`svd`], [`lstsq`] and [`svd_compressed`] work block by block
//!   (TSQR): no task holds more than one row block or small `n x n`
//!   factors (n the number of columns). The first-level `q` of every block
//!   is kept until the top level is done, so computing `q` (or `u`) holds
//!   as much as the matrix, as in dask.
//! - [`norm`] is a reduction, except the 2-norm, `-2`-norm and nuclear
//!   norm of matrices, which need singular values: each matrix is made one
//!   block first (batches of matrices stay chunked along the other axes).
//! - [`cholesky`] and [`solve_triangular`] work on square tiles (the tile
//!   algorithm and block substitution, as dask's).
//! - [`inv`] and [`lu`] rechunk the matrix to one block and factor it in
//!   one task; [`solve`] does the same with `a` and solves each column
//!   block of `b` in its own task. They are for matrices that fit in
//!   memory.
//!
//! Errors of the arguments (ranks, shapes, chunks) are returned at once;
//! errors of the values (a singular matrix, one that is not positive
//! definite, NaN where an SVD needs finite values) are returned by
//! `compute`, inside an [`Error::TaskFailed`](crate::Error::TaskFailed)
//! naming the block.
//!
//! ```
//! use ndchunk::prelude::*;
//! use ndchunk::linalg;
//! let a = ChunkedArray::from_fn((1000, 4), (250, 4), |(i, j)| ((i * (j + 1)) % 7) as f64 + (i == j) as u8 as f64)?;
//! let (q, r) = linalg::qr(&a)?;
//! let (q, r, back) = ndchunk::compute((&q, &r, &q.dot(&r)))?;
//! assert_eq!((q.dim(), r.dim()), ((1000, 4), (4, 4)));
//! assert!(back.abs_diff_eq(&a.compute()?, 1e-10));
//! # Ok::<(), ndchunk::Error>(())
//! ```

mod cholesky;
mod lu;
mod norm;
mod qr;
mod solve;
mod svd;

pub use crate::array::linalg::{tensordot, Dot};
pub use crate::kernel::factor::LinalgFloat;
pub use cholesky::cholesky;
pub use lu::{inv, lu};
pub use norm::{norm, Norm, NormAxes};
pub use qr::qr;
pub use solve::{lstsq, solve, solve_triangular};
pub use svd::{svd, svd_compressed, svd_compressed_with, Randomized};

use super::ChunkedArray;
use crate::chunks::Chunks;
use crate::error::{Error, Result};
use crate::kernel::blocks::BlockFn;
use crate::kernel::Block;
use ndarray::{s, Array2, ArrayView2, Dimension, Ix2};

/// Block `block` as a matrix.
fn matrix<T: LinalgFloat>(block: &Block<T>) -> Result<ArrayView2<'_, T>> {
    block
        .view()
        .into_dimensionality::<Ix2>()
        .map_err(|e| Error::internal(format!("a linalg block is not a matrix: {e}")))
}

/// `parts` stacked along rows, each padded with zeros to the widest: the
/// one block of a result made of several matrices, taken apart by slices.
fn pack<T: LinalgFloat>(parts: &[Array2<T>]) -> Array2<T> {
    let width = parts.iter().map(|p| p.ncols()).max().unwrap_or(0);
    let rows = parts.iter().map(|p| p.nrows()).sum();
    let mut out = Array2::zeros((rows, width));
    let mut at = 0;
    for p in parts {
        out.slice_mut(s![at..at + p.nrows(), ..p.ncols()]).assign(p);
        at += p.nrows();
    }
    out
}

/// `a` as an operand of `op`: its error if it is invalid, or an error if
/// some of its lengths are unknown until computed (a selection's): the
/// factorizations lay out tiles and row blocks by those lengths.
fn operand<T: LinalgFloat, D: Dimension>(
    a: &ChunkedArray<T, D>,
    op: &'static str,
) -> Result<ChunkedArray<T, D>> {
    a.known_sizes(op)?;
    a.clone().into_result()
}

/// One block of shape `shape` computed by `f` from the whole matrices
/// `inputs` (each made one block first): what cannot be blocked.
fn whole<T: LinalgFloat>(
    op: &'static str,
    key: String,
    inputs: &[&ChunkedArray<T, Ix2>],
    shape: (usize, usize),
    f: impl Fn(&[ArrayView2<'_, T>]) -> Result<Array2<T>> + Send + Sync + 'static,
) -> ChunkedArray<T, Ix2> {
    let n = inputs.len();
    let nodes = inputs
        .iter()
        .map(|a| a.rechunk(Chunks::single(a.shape())).node)
        .collect();
    let shape = vec![shape.0, shape.1];
    let reads = move |_: &[usize]| (0..n).map(|i| (i, vec![0, 0])).collect();
    let compute = move |_: &[usize], blocks: &[&Block<T>]| {
        let views = blocks
            .iter()
            .map(|b| matrix(b))
            .collect::<Result<Vec<_>>>()?;
        Ok(f(&views)?.into_dyn().into_shared())
    };
    let kernel = BlockFn::new(op, Chunks::single(&shape), reads, compute).keyed(key);
    ChunkedArray::from_block_fn(shape, kernel, nodes)
}

/// A square matrix cut into square tiles: its rows' chunks along both axes.
struct Tiles<T> {
    a: ChunkedArray<T, Ix2>,
    sizes: Vec<usize>,
    starts: Vec<usize>,
}

impl<T: LinalgFloat> Tiles<T> {
    /// `a` (square) with its columns rechunked as its rows.
    fn new(a: &ChunkedArray<T, Ix2>) -> Self {
        let sizes = a.chunks().sizes()[0].clone();
        let starts = std::iter::once(0)
            .chain(sizes.iter().scan(0, |at, &len| {
                *at += len;
                Some(*at)
            }))
            .collect();
        let a = a.rechunk(Chunks::from_sizes(vec![sizes.clone(), sizes.clone()]));
        Tiles { a, sizes, starts }
    }

    fn len(&self) -> usize {
        self.sizes.len()
    }

    /// The rows of tile row `i` of `x`.
    fn rows_of<U: LinalgFloat>(&self, x: &ChunkedArray<U, Ix2>, i: usize) -> ChunkedArray<U, Ix2> {
        x.slice(s![self.starts[i]..self.starts[i + 1], ..])
    }

    /// Tile `(i, j)`: one block.
    fn tile(&self, i: usize, j: usize) -> ChunkedArray<T, Ix2> {
        let columns = self.starts[j]..self.starts[j + 1];
        self.rows_of(&self.a, i).slice(s![.., columns])
    }
}

/// `a` has one block along `axis`, or the error of [`needs_one_block`].
fn one_block_along<T: LinalgFloat>(
    op: &'static str,
    a: &ChunkedArray<T, Ix2>,
    axis: usize,
) -> Result<()> {
    if a.chunks().num_blocks_on(axis) <= 1 {
        Ok(())
    } else {
        Err(needs_one_block(op, a, axis))
    }
}

/// The error of `op` on `a`, which has several blocks along `axis`, saying
/// how to rechunk it.
fn needs_one_block<T: LinalgFloat>(
    op: &'static str,
    a: &ChunkedArray<T, Ix2>,
    axis: usize,
) -> Error {
    let (m, n) = (a.shape()[0], a.shape()[1]);
    let (suggest, shape) = if axis == 1 {
        (
            format!("rechunk(({}, {n}))", a.chunks().block_len(0, 0)),
            "tall-and-skinny",
        )
    } else {
        (
            format!("rechunk(({m}, {}))", a.chunks().block_len(1, 0)),
            "short-and-fat",
        )
    };
    Error::InvalidChunks {
        axis,
        reason: format!(
            "`{op}` of a {shape} matrix needs one block along axis {axis}, got {} blocks; call {suggest}",
            a.chunks().num_blocks_on(axis)
        ),
    }
}
