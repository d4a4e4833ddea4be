//! Diagonals: `diagonal` (a block kernel: every block of the result is the
//! diagonal of one input block, cut where the diagonal crosses block
//! boundaries), `diag` both ways and `trace`.

use super::{concatenate, ChunkedArray};
use crate::chunks::{AxisChunks, Chunks};
use crate::element::{Accumulate, Element};
use crate::error::{Error, Result};
use crate::kernel::blocks::BlockFn;
use crate::kernel::Block;
use ndarray::{Array, Axis, Ix0, Ix1, Ix2, IxDyn, RemoveAxis, Slice};
use num_traits::Zero;
use std::sync::Arc;

/// A piece of the diagonal inside one input block: `len` diagonal
/// elements from `local` (row, column) of the block at `blocks` (row
/// block, column block) of the diagonal's plane.
struct Segment {
    len: usize,
    blocks: (usize, usize),
    local: (usize, usize),
}

/// The pieces of diagonal `offset` of the `(a, b)` plane chunked as
/// `chunks`, in order (one empty piece for an empty diagonal).
fn segments(chunks: &Chunks, (a, b): (usize, usize), offset: isize) -> Vec<Segment> {
    let (rows, cols) = (chunks.axis(a), chunks.axis(b));
    // The first diagonal element, (r0, c0), and the diagonal's length.
    let (r0, c0) = if offset >= 0 {
        (0, offset.unsigned_abs())
    } else {
        (offset.unsigned_abs(), 0)
    };
    let len = rows
        .len()
        .saturating_sub(r0)
        .min(cols.len().saturating_sub(c0));
    if len == 0 {
        return vec![Segment {
            len: 0,
            blocks: (0, 0),
            local: (0, 0),
        }];
    }
    let mut out = vec![];
    let mut t = 0;
    while t < len {
        let (rb, rr) = rows.locate(r0 + t);
        let (cb, cr) = cols.locate(c0 + t);
        let n = (rr.end - (r0 + t)).min(cr.end - (c0 + t)).min(len - t);
        out.push(Segment {
            len: n,
            blocks: (rb, cb),
            local: (r0 + t - rr.start, c0 + t - cr.start),
        });
        t += n;
    }
    out
}

/// # Diagonals: diagonal, diag, trace
impl<T: Element, D: RemoveAxis> ChunkedArray<T, D> {
    /// The diagonal `offset` of the plane of axes `axis1` and `axis2`
    /// (numpy's `diagonal`): those two axes are removed and the diagonal
    /// becomes the last axis, element `[.., t]` being `x[.., i, .., j, ..]`
    /// with `i = t + max(0, -offset)` along `axis1` and `j = t + max(0,
    /// offset)` along `axis2`. A positive `offset` is above the main
    /// diagonal; past the plane's edge the diagonal is empty.
    ///
    /// Each block of the result is the diagonal of one input block, so only
    /// the blocks the diagonal crosses are computed, and the diagonal is
    /// cut where it crosses block boundaries. Errors naming `axis1` or
    /// `axis2`: an axis out of range, or equal axes.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let a = Array::from_shape_fn((4, 5), |(i, j)| (10 * i + j) as i32);
    /// let x = ChunkedArray::from_array(a.clone(), (3, 2))?;
    /// assert_eq!(x.diagonal(0, 0, 1)?.compute()?, array![0, 11, 22, 33]);
    /// assert_eq!(x.diagonal(2, 0, 1)?.compute()?, array![2, 13, 24]);
    /// assert_eq!(x.diagonal(-2, 0, 1)?.compute()?, array![20, 31]);
    /// let cube = ChunkedArray::from_fn((2, 3, 3), 2, |(i, j, k)| 100 * i + 10 * j + k)?;
    /// assert_eq!(cube.diagonal(0, 1, 2)?.compute()?, array![[0, 11, 22], [100, 111, 122]]);
    /// assert!(x.diagonal(0, 1, 1).is_err());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn diagonal(
        &self,
        offset: isize,
        axis1: usize,
        axis2: usize,
    ) -> Result<ChunkedArray<T, D::Smaller>> {
        let ndim = self.ndim();
        for (argument, axis) in [("axis1", axis1), ("axis2", axis2)] {
            if axis >= ndim {
                return Err(Error::invalid(
                    argument,
                    format!("axis {axis} is out of bounds for an array of {ndim} dimensions"),
                ));
            }
        }
        if axis1 == axis2 {
            return Err(Error::invalid(
                "axis2",
                format!("diagonal needs two different axes, got {axis1} twice"),
            ));
        }
        let input = self.chunks().clone();
        let pieces = Arc::new(segments(&input, (axis1, axis2), offset));
        let others: Vec<usize> = (0..ndim).filter(|&k| k != axis1 && k != axis2).collect();
        let mut axes: Vec<AxisChunks> = others.iter().map(|&k| input.axis(k).clone()).collect();
        axes.push(AxisChunks::from_sizes(
            pieces.iter().map(|p| p.len).collect(),
        ));
        let chunks = Chunks::from_axes(axes);
        let shape = chunks.shape();
        let reads = {
            let (pieces, others) = (pieces.clone(), others.clone());
            move |index: &[usize]| {
                let piece = &pieces[index[others.len()]];
                let mut at = vec![0; ndim];
                for (o, &k) in others.iter().enumerate() {
                    at[k] = index[o];
                }
                (at[axis1], at[axis2]) = piece.blocks;
                vec![(0, at)]
            }
        };
        let compute = move |index: &[usize], blocks: &[&Block<T>]| {
            let piece = &pieces[index[others.len()]];
            // The piece's square of the block, its two axes moved last:
            // then element t of the diagonal is [.., t, t].
            let square = blocks[0]
                .slice_axis(
                    Axis(axis1),
                    Slice::from(piece.local.0..piece.local.0 + piece.len),
                )
                .slice_axis_move(
                    Axis(axis2),
                    Slice::from(piece.local.1..piece.local.1 + piece.len),
                );
            let mut order = others.clone();
            order.extend([axis1, axis2]);
            let square = square.permuted_axes(order);
            let last = others.len();
            if piece.len == 0 {
                let shape = IxDyn(&square.shape()[..=last]);
                return Ok(Array::from_shape_vec(shape, vec![])
                    .map_err(|e| Error::internal(format!("empty diagonal: {e}")))?
                    .into_shared());
            }
            // Element t of the diagonal, for every index of the other axes.
            let diagonal: Vec<_> = (0..piece.len)
                .map(|t| {
                    square
                        .index_axis(Axis(last + 1), t)
                        .index_axis_move(Axis(last), t)
                })
                .collect();
            ndarray::stack(Axis(last), &diagonal)
                .map(|d| d.into_shared())
                .map_err(|e| Error::internal(format!("diagonal block: {e}")))
        };
        let kernel = BlockFn::new("diagonal", chunks, reads, compute)
            .keyed(format!("diagonal({offset}, {axis1}, {axis2})"));
        ChunkedArray::from_block_fn(shape, kernel, vec![self.node.clone()]).into_result()
    }
}

impl<T: Element> ChunkedArray<T, Ix2> {
    /// The diagonal `k` of the matrix (numpy's `diag` of a 2-D array):
    /// [`diagonal(k, 0, 1)`](Self::diagonal).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![[1, 2, 3], [4, 5, 6]], 1)?;
    /// assert_eq!(x.diag(0)?.compute()?, array![1, 5]);
    /// assert_eq!(x.diag(1)?.compute()?, array![2, 6]);
    /// assert_eq!(x.diag(-1)?.compute()?, array![4]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn diag(&self, k: isize) -> Result<ChunkedArray<T, Ix1>> {
        self.diagonal(k, 0, 1)
    }

    /// The sum of diagonal `offset` (numpy's `trace` of a 2-D array), in
    /// the element's sum type as [`sum`](Self::sum); 0 for an empty
    /// diagonal. For other ranks, sum the last axis of
    /// [`diagonal`](Self::diagonal).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![[1.0, 2.0], [3.0, 4.0]], 1)?;
    /// assert_eq!(x.trace(0)?.compute()?.into_scalar(), 5.0);
    /// assert_eq!(x.trace(5)?.compute()?.into_scalar(), 0.0);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn trace(&self, offset: isize) -> Result<ChunkedArray<T::Sum, Ix0>>
    where
        T: Accumulate,
    {
        Ok(self.diagonal(offset, 0, 1)?.sum())
    }
}

impl<T: Element + Zero> ChunkedArray<T, Ix1> {
    /// The square matrix with this vector on diagonal `k` and zeros
    /// elsewhere (numpy's `diag` of a 1-D array): `n + |k|` on a side for
    /// `n` elements. Lazy, as dask's: every element is made from its index
    /// and a broadcast of the vector, in blocks cut as the vector (then
    /// `|k|` more elements), so a slice of a huge `diag` computes only
    /// the slice.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let v = ChunkedArray::from_array(array![1, 2, 3], 2)?;
    /// assert_eq!(v.diag(0)?.compute()?, array![[1, 0, 0], [0, 2, 0], [0, 0, 3]]);
    /// assert_eq!(v.diag(-1)?.compute()?.row(3), array![0, 0, 3, 0]);
    /// assert_eq!(v.diag(2)?.shape(), &[5, 5]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn diag(&self, k: isize) -> Result<ChunkedArray<T, Ix2>> {
        let extra = k.unsigned_abs();
        // The vector, then |k| zeros: along rows (k >= 0, element (i, i + k)
        // is v[i]) or along columns (k < 0, element (j - k, j) is v[j]).
        let padded = match extra {
            0 => self.clone(),
            _ => concatenate(Axis(0), &[self, &ChunkedArray::zeros(extra, extra)?])?,
        };
        let n = padded.len();
        let line = padded.chunks().axis(0).clone();
        let grid = Chunks::from_axes(vec![line.clone(), line]);
        let full = if k >= 0 {
            padded.insert_axis(Axis(1))
        } else {
            padded.insert_axis(Axis(0))
        };
        let full = full.broadcast((n, n)).laid_on(&grid, "diag");
        Ok(full.keep_diagonals("diag", k, |d, k| d == k))
    }
}
