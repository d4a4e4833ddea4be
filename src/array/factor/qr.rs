//! `qr` by TSQR (Benson, Gleich and Demmel's tall-and-skinny QR, as dask's
//! `tsqr`): a QR of every row block, then a QR of their stacked R factors
//! (recursively, in groups of [`FAN_IN`]), then each block's Q times its
//! rows of the second level's Q.

use super::{matrix, one_block_along, operand, pack, LinalgFloat};
use crate::array::ChunkedArray;
use crate::chunks::Chunks;
use crate::error::Result;
use crate::kernel::blocks::BlockFn;
use crate::kernel::factor;
use crate::kernel::Block;
use ndarray::{s, Array2, ArrayView2, Ix2};

/// How many stacked R factors one task of the next level factors: a fixed
/// tree, so the result does not depend on the number of threads.
const FAN_IN: usize = 16;

/// The thin QR factorization of a tall-and-skinny matrix `a` (m x n):
/// `q` (m x k) with orthonormal columns, chunked along rows as `a`, and
/// upper-triangular `r` (k x n, one block), k = min(m, n), with
/// `a = q · r` (numpy's `qr(a, mode="reduced")`, dask's `qr`).
///
/// By TSQR: every row block is factored in its own task, their `r`
/// factors are stacked and factored again (in a fixed tree of 16 per task
/// when there are many blocks), and each block of `q` is its block's `q`
/// times the matching rows of the next level's. No task holds more than
/// one row block or the `n x n` factors of 16 blocks. Memory: computing `q`
/// keeps every block's first-level `q` until the top level is done, as
/// much as `a` itself (as dask's); computing only `r` keeps `n x n` per
/// block.
///
/// `a` must have one block along axis 1: otherwise an
/// [`Error::InvalidChunks`](crate::Error::InvalidChunks) saying how to
/// rechunk. Signs: the diagonal of `r` may have either sign (Householder
/// reflections, as LAPACK's and numpy's, though not always the same signs
/// as theirs); `q · r` is `a` whatever they are. A NaN or infinity
/// in `a` makes `q` and `r` all NaN (its block's factors are NaN, and so
/// everything they reach). Computing `q` and `r`
/// together (`ndchunk::compute((&q, &r))`) factors the blocks once.
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::linalg;
/// let a = ChunkedArray::from_fn((9, 3), (4, 3), |(i, j)| (i + j * j) as f64 + (i == j) as u8 as f64)?;
/// let (q, r) = linalg::qr(&a)?;
/// let (q, r) = ndchunk::compute((&q, &r))?;
/// assert!(q.t().dot(&q).abs_diff_eq(&Array::eye(3), 1e-12));   // orthonormal columns
/// assert_eq!(r[[1, 0]], 0.0);                                     // upper triangular
/// assert!(q.dot(&r).abs_diff_eq(&a.compute()?, 1e-12));
/// let chunked = a.rechunk((4, 2));
/// assert!(linalg::qr(&chunked).unwrap_err().to_string().contains("rechunk((4, 3))"));
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn qr<T: LinalgFloat>(
    a: &ChunkedArray<T, Ix2>,
) -> Result<(ChunkedArray<T, Ix2>, ChunkedArray<T, Ix2>)> {
    let a = operand(a, "qr")?;
    one_block_along("qr", &a, 1)?;
    Ok(tsqr(&a))
}

/// TSQR of `a`, which has one block along axis 1.
pub(super) fn tsqr<T: LinalgFloat>(
    a: &ChunkedArray<T, Ix2>,
) -> (ChunkedArray<T, Ix2>, ChunkedArray<T, Ix2>) {
    let (m, n) = (a.shape()[0], a.shape()[1]);
    let k = m.min(n);
    if k == 0 {
        // Nothing to factor: empty views of `a` keep its row chunks.
        return (a.slice(s![.., ..0]), a.slice(s![..0, ..]));
    }
    let rows = a.chunks().sizes()[0].clone();
    let ks: Vec<usize> = rows.iter().map(|&mi| mi.min(n)).collect();
    let packed = factor_blocks(a, &rows, &ks);
    if rows.len() == 1 {
        return (packed.slice(s![..m, ..k]), packed.slice(s![m.., ..]));
    }
    let stacked = r_factors(&packed, &rows, &ks);
    let groups: Vec<usize> = ks.chunks(FAN_IN).map(|g| g.iter().sum()).collect();
    let grouped = stacked.rechunk(Chunks::from_sizes(vec![groups, vec![n]]));
    let (q2, r) = tsqr(&grouped);
    (combine(&packed, &q2, &rows, &ks), r)
}

/// Every row block `i` (m_i x n) factored into one block holding its `q`
/// (m_i x k_i, padded with zeros to n columns) above its `r` (k_i x n).
fn factor_blocks<T: LinalgFloat>(
    a: &ChunkedArray<T, Ix2>,
    rows: &[usize],
    ks: &[usize],
) -> ChunkedArray<T, Ix2> {
    let sizes = rows
        .iter()
        .zip(ks)
        .map(|(m, k)| m.saturating_add(*k))
        .collect();
    per_row_block(a, sizes, "qr_blocks", |_, block| {
        let (q, r) = factor::qr(block);
        pack(&[q, r])
    })
}

/// The `r` factors of the blocks, stacked (sum k_i x n), one block each.
fn r_factors<T: LinalgFloat>(
    packed: &ChunkedArray<T, Ix2>,
    rows: &[usize],
    ks: &[usize],
) -> ChunkedArray<T, Ix2> {
    let rows = rows.to_vec();
    per_row_block(packed, ks.to_vec(), "qr_r_blocks", move |i, block| {
        block.slice(s![rows[i].., ..]).to_owned()
    })
}

/// `f(i, block i)` for every row block of `x` (one block along columns),
/// block `i` of the result having `sizes[i]` rows and as many columns.
fn per_row_block<T: LinalgFloat>(
    x: &ChunkedArray<T, Ix2>,
    sizes: Vec<usize>,
    label: &'static str,
    f: impl Fn(usize, ArrayView2<'_, T>) -> Array2<T> + Send + Sync + 'static,
) -> ChunkedArray<T, Ix2> {
    let n = x.shape()[1];
    let shape = vec![sizes.iter().sum(), n];
    let chunks = Chunks::from_sizes(vec![sizes, vec![n]]);
    let compute = move |index: &[usize], blocks: &[&Block<T>]| {
        Ok(f(index[0], matrix(blocks[0])?).into_dyn().into_shared())
    };
    let reads = |index: &[usize]| vec![(0, index.to_vec())];
    let kernel = BlockFn::new(label, chunks, reads, compute).keyed(label.into());
    ChunkedArray::from_block_fn(shape, kernel, vec![x.node.clone()])
}

/// Block `i` of the final `q`: block `i`'s `q` times its k_i rows of `q2`,
/// the `q` of the stacked `r` factors (block `i / FAN_IN` of it).
fn combine<T: LinalgFloat>(
    packed: &ChunkedArray<T, Ix2>,
    q2: &ChunkedArray<T, Ix2>,
    rows: &[usize],
    ks: &[usize],
) -> ChunkedArray<T, Ix2> {
    let (m, k) = (rows.iter().sum::<usize>(), q2.shape()[1]);
    let chunks = Chunks::from_sizes(vec![rows.to_vec(), vec![k]]);
    // Where block i's rows start in its group of q2.
    let offsets: Vec<usize> = ks
        .chunks(FAN_IN)
        .flat_map(|g| {
            g.iter()
                .scan(0, |at, &ki| Some(std::mem::replace(at, *at + ki)))
        })
        .collect();
    let (rows, ks) = (rows.to_vec(), ks.to_vec());
    let compute = move |index: &[usize], blocks: &[&Block<T>]| {
        let i = index[0];
        let (mi, ki, at) = (rows[i], ks[i], offsets[i]);
        let q1 = matrix(blocks[0])?.slice_move(s![..mi, ..ki]);
        let q2 = matrix(blocks[1])?.slice_move(s![at..at + ki, ..]);
        Ok(q1.dot(&q2).into_dyn().into_shared())
    };
    let reads = |index: &[usize]| vec![(0, vec![index[0], 0]), (1, vec![index[0] / FAN_IN, 0])];
    let kernel = BlockFn::new("qr_q_blocks", chunks, reads, compute).keyed("qr_q_blocks".into());
    ChunkedArray::from_block_fn(
        vec![m, k],
        kernel,
        vec![packed.node.clone(), q2.node.clone()],
    )
}
