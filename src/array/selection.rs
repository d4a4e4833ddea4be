//! Selections whose sizes are known only once computed: `extract` (numpy's
//! `x[mask]`), `nonzero`, `argwhere`, `flatnonzero`; and `compress` along
//! an axis with an in-memory mask, whose sizes are known at once.
//!
//! Blocks are selected on their own, one output block per input block, so
//! that the output is in C order the input is first cut into slabs along
//! its first axis only (every other axis in one block, as dask's `ravel`
//! does before selecting).
//!
//! A node that makes lengths unknown reads its selector (the boolean mask,
//! chunked as its blocks) last, and its block `j` along the unknown axis
//! comes from the selector's block `j` in C order: that is how
//! [`compute_chunk_sizes`](ChunkedArray::compute_chunk_sizes) finds what
//! to count.

use super::ChunkedArray;
use crate::chunks::{AxisChunks, Chunks, UNKNOWN};
use crate::element::{Element, Truthy};
use crate::error::{Error, Result};
use crate::kernel::blocks::BlockFn;
use crate::kernel::selection::{column, flat_positions, positions, Extract};
use crate::plan::Op;
use ndarray::{Axis, Dimension, Ix1, Ix2};
use std::marker::PhantomData;
use std::sync::Arc;

/// # Selecting where a mask holds
///
/// The results have one block per block of the input, of lengths known
/// only once computed (dask's `nan` chunks): see
/// [`compute_chunk_sizes`](ChunkedArray::compute_chunk_sizes).
impl<T: Element, D: Dimension> ChunkedArray<T, D> {
    /// The elements where `mask` is true, in C order, as a 1-D array
    /// (numpy's `x[mask]` and `extract(mask, x)`, dask's `x[mask]`).
    ///
    /// `mask` has this array's shape and any chunking (aligned as binary
    /// operations are, then cut into slabs along the first axis: every
    /// other axis in one block, so that blocks follow C order). The result
    /// has one block per slab, of lengths unknown until computed: elementwise operations on
    /// it, reductions (whole, or along the unknown axis: `argwhere()`'s
    /// column sums) and `compute` work at once; what needs the lengths
    /// (rechunk, reshape, concatenate, binary operations with other arrays,
    /// slicing, reductions along a known axis, argmin/argmax) is an error from `compute`
    /// until [`compute_chunk_sizes`](Self::compute_chunk_sizes). Each block
    /// is selected on its own: `extract(..).sum()` holds a block at a time.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![[1.0, -2.0], [-3.0, 4.0]], (1, 2))?;
    /// let positive = x.extract(&x.mapv(|v| v > 0.0));
    /// assert_eq!(positive.compute()?, array![1.0, 4.0]);
    /// assert_eq!((&positive * 2.0).sum().compute()?.into_scalar(), 10.0);
    /// assert!(!positive.shape_known());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn extract(&self, mask: &ChunkedArray<bool, D>) -> ChunkedArray<T, Ix1> {
        let inputs = vec![self.node.clone(), mask.node.clone()];
        let aligned = self
            .known_sizes("extract")
            .and_then(|()| mask.known_sizes("extract"))
            .and_then(|()| same_shape("extract", self.shape(), mask.shape()))
            .and_then(|()| self.chunks().refine(mask.chunks()))
            .map(|grid| slabs(&grid));
        let grid = match aligned {
            Ok(grid) => grid,
            Err(error) => return ChunkedArray::invalid(vec![0], error, inputs),
        };
        let (values, mask) = (self.rechunk(grid.clone()), mask.rechunk(grid.clone()));
        let chunks = Chunks::from_axes(vec![AxisChunks::unknown(grid.num_blocks())]);
        let kernel = Extract::<T> {
            grid,
            _elem: PhantomData,
        };
        let inputs = vec![values.node, mask.node];
        ChunkedArray::new(vec![UNKNOWN], chunks, Op::Blocks(Arc::new(kernel)), inputs)
    }

    /// The elements at the positions where `condition` is true along `axis`
    /// (numpy's and dask's `compress(condition, x, axis)`).
    ///
    /// `condition` is in memory, so the result's sizes are known at once: a
    /// shorter `condition` than the axis selects among its first elements
    /// (as numpy), a longer one is an error from `compute`. The result is
    /// [`select`](Self::select) of the selected positions: its blocks
    /// follow the input's.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![[1, 2, 3], [4, 5, 6]], (1, 2))?;
    /// let kept = x.compress(&[true, false, true], Axis(1));
    /// assert_eq!(kept.compute()?, array![[1, 3], [4, 6]]);
    /// assert_eq!(x.compress(&[false, true], Axis(0)).compute()?, array![[4, 5, 6]]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn compress(&self, condition: &[bool], axis: Axis) -> ChunkedArray<T, D> {
        let k = axis.index();
        let checked = self
            .known_sizes("compress")
            .and_then(|()| match self.shape().get(k) {
                None => Err(Error::AxisOutOfBounds {
                    op: "compress",
                    axis: k,
                    ndim: self.ndim(),
                }),
                Some(&n) if condition.len() > n => Err(Error::invalid(
                    "condition",
                    format!(
                        "has {} elements, more than the {n} of axis {k}",
                        condition.len()
                    ),
                )),
                Some(_) => Ok(()),
            });
        if let Err(error) = checked {
            return ChunkedArray::invalid(self.shape().to_vec(), error, vec![self.node.clone()]);
        }
        let kept: Vec<usize> = (0..condition.len()).filter(|&i| condition[i]).collect();
        self.select(axis, &kept)
    }
}

/// # Positions of non-zero elements
impl<T: Truthy, D: Dimension> ChunkedArray<T, D> {
    /// The positions of the non-zero (true) elements, one row each, in C
    /// order: an `(n, ndim)` array (numpy's and dask's `argwhere`). Indices
    /// are `usize` (numpy's are `int64`), ready for [`select`](Self::select).
    ///
    /// One block of rows per slab of the input along its first axis, of
    /// lengths unknown until computed (see [`extract`](Self::extract)); the
    /// column axis is one block.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![[0, 7], [5, 0]], (1, 1))?;
    /// assert_eq!(x.argwhere().compute()?, array![[0, 1], [1, 0]]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn argwhere(&self) -> ChunkedArray<usize, Ix2> {
        if let Err(error) = self.known_sizes("argwhere") {
            let shape = vec![0, self.ndim()];
            return ChunkedArray::invalid(shape, error, vec![self.node.clone()]);
        }
        let selector = self.truth();
        let grid = selector.chunks().clone();
        let ndim = self.ndim();
        let chunks = Chunks::from_axes(vec![
            AxisChunks::unknown(grid.num_blocks()),
            AxisChunks::whole(ndim),
        ]);
        let at = grid.clone();
        let reads = move |index: &[usize]| vec![(0, at.unravel(index[0]))];
        let compute = move |index: &[usize], blocks: &[&crate::kernel::Block<bool>]| {
            positions(blocks[0], &grid.block_offset(&grid.unravel(index[0])))
        };
        let kernel = BlockFn::new("argwhere", chunks, reads, compute);
        ChunkedArray::from_block_fn(vec![UNKNOWN, ndim], kernel, vec![selector.node])
    }

    /// The positions of the non-zero (true) elements, one 1-D array of
    /// indices per axis (numpy's and dask's `nonzero`): column `k` of
    /// [`argwhere`](Self::argwhere). The arrays share their unknown lengths,
    /// so they combine with each other elementwise.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![[0, 7, 1], [5, 0, 0]], (2, 2))?;
    /// let [rows, cols] = <[_; 2]>::try_from(x.nonzero()).unwrap();
    /// assert_eq!(rows.compute()?, array![0, 0, 1]);
    /// assert_eq!(cols.compute()?, array![1, 2, 0]);
    /// assert_eq!((&rows * 3 + &cols).compute()?, array![1, 2, 3]); // flat indices
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn nonzero(&self) -> Vec<ChunkedArray<usize, Ix1>> {
        let rows = self.argwhere();
        let chunks = Chunks::from_axes(vec![rows.chunks().axis(0).clone()]);
        (0..self.ndim())
            .map(|k| {
                let kernel = BlockFn::<usize, usize>::new(
                    format!("nonzero[{k}]"),
                    chunks.clone(),
                    |index| vec![(0, vec![index[0], 0])],
                    move |_, blocks| column(blocks[0], k),
                );
                let op = Op::Blocks(Arc::new(kernel));
                ChunkedArray::over_unknown(
                    vec![UNKNOWN],
                    chunks.clone(),
                    op,
                    vec![rows.node.clone()],
                )
            })
            .collect()
    }

    /// The C-order (flat) positions of the non-zero (true) elements (numpy's
    /// and dask's `flatnonzero`), as `usize`. One block per slab of the
    /// input along its first axis, of lengths unknown until computed (see
    /// [`extract`](Self::extract)).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![[0.0, 2.0], [f64::NAN, 0.0]], (1, 2))?;
    /// assert_eq!(x.flatnonzero().compute()?, array![1, 2]); // NaN is non-zero
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn flatnonzero(&self) -> ChunkedArray<usize, Ix1> {
        if let Err(error) = self.known_sizes("flatnonzero") {
            return ChunkedArray::invalid(vec![0], error, vec![self.node.clone()]);
        }
        let selector = self.truth();
        let grid = selector.chunks().clone();
        let shape = self.shape().to_vec();
        let chunks = Chunks::from_axes(vec![AxisChunks::unknown(grid.num_blocks())]);
        let at = grid.clone();
        let reads = move |index: &[usize]| vec![(0, at.unravel(index[0]))];
        let compute = move |index: &[usize], blocks: &[&crate::kernel::Block<bool>]| {
            flat_positions(
                blocks[0],
                &grid.block_offset(&grid.unravel(index[0])),
                &shape,
            )
        };
        let kernel = BlockFn::new("flatnonzero", chunks, reads, compute);
        ChunkedArray::from_block_fn(vec![UNKNOWN], kernel, vec![selector.node])
    }

    /// Where the elements are non-zero, in slabs: the selector of the positions.
    fn truth(&self) -> ChunkedArray<bool, D> {
        let truth = self.unary("truthy".into(), Some("truthy".into()), |v| v.is_truthy());
        truth.rechunk(slabs(self.chunks()))
    }
}

/// `chunks` with every axis but the first in one block: slabs whose blocks
/// in C order hold the elements in C order.
fn slabs(chunks: &Chunks) -> Chunks {
    let shape = chunks.shape();
    (1..chunks.ndim()).fold(chunks.clone(), |c, a| {
        c.with_axis(a, AxisChunks::whole(shape[a]))
    })
}

/// An error unless `left` and `right` (the shapes of the operands of `op`)
/// are equal.
fn same_shape(op: &'static str, left: &[usize], right: &[usize]) -> Result<()> {
    match left == right {
        true => Ok(()),
        false => Err(Error::ShapeMismatch {
            op,
            left: left.to_vec(),
            right: right.to_vec(),
        }),
    }
}
