//! Sorting along an axis: `sort_axis`, `argsort_axis`, `topk`, `argtopk`,
//! and [`map_lanes`](ChunkedArray::map_lanes), the lane-by-lane block
//! function they and the per-axis order statistics are made of.
//!
//! A lane must be in one task, so the axis is first rechunked to one block
//! (the other axes keep their chunks): each task holds whole lanes of a
//! block of the other axes. `topk` and `argtopk` gather only each block's
//! `|k|` candidates along the axis, as dask does.

use super::ChunkedArray;
use crate::chunks::AxisChunks;
use crate::element::{Element, Ordered};
use crate::error::{Error, Result};
use crate::kernel::blocks::BlockFn;
use crate::kernel::order::{argsort_lane, sort_lane, top_pairs};
use crate::kernel::Block;
use ndarray::{Array, ArrayView1, Axis, Dimension, IxDyn};

impl<T: Element, D: Dimension> ChunkedArray<T, D> {
    /// The array whose lanes along `axis` are `f` of this array's, block by
    /// block: `f` gets the position along the axis of a lane's first value
    /// and the lane's values in that block, and appends as many values as
    /// `out` gives the output block along the axis.
    fn map_block_lanes<U: Element>(
        &self,
        axis: usize,
        out: AxisChunks,
        name: &'static str,
        f: impl Fn(usize, ArrayView1<'_, T>, &mut Vec<U>) + Send + Sync + 'static,
    ) -> ChunkedArray<U, D> {
        let mut shape = self.shape().to_vec();
        shape[axis] = out.len();
        let input = self.chunks().clone();
        let chunks = input.with_axis(axis, out);
        let output = chunks.clone();
        let ndim = self.ndim();
        let compute = move |index: &[usize], blocks: &[&Block<T>]| -> Result<Block<U>> {
            let block = blocks[0];
            let first = input.block_start(axis, index[axis]);
            let out_len = output.block_len(axis, index[axis]);
            let mut values = Vec::new();
            for row in block.lanes(Axis(axis)) {
                let before = values.len();
                f(first, row, &mut values);
                if values.len() != before + out_len {
                    return Err(Error::internal(format!(
                        "{name} made a lane of a wrong length"
                    )));
                }
            }
            // The lanes come in C order of the other axes: build the block
            // with the lane axis last, then move it back to `axis`.
            let mut lanes_last: Vec<usize> = block.shape().to_vec();
            lanes_last.remove(axis);
            lanes_last.push(out_len);
            let mut order: Vec<usize> = (0..ndim - 1).collect();
            order.insert(axis, ndim - 1);
            let out = Array::from_shape_vec(IxDyn(&lanes_last), values)
                .map_err(|e| Error::internal(format!("{name} block: {e}")))?;
            Ok(out.permuted_axes(IxDyn(&order)).into_shared())
        };
        let reads = |index: &[usize]| vec![(0, index.to_vec())];
        let kernel = BlockFn::new(name, chunks, reads, compute);
        ChunkedArray::from_block_fn(shape, kernel, vec![self.node.clone()])
    }

    /// The array whose lanes along `axis` are `f` of this array's whole
    /// lanes: `f` gets a lane's values (in a buffer it may reorder or
    /// shorten) and appends `out_len` values. The axis is rechunked to one
    /// block first; the result has `out_len` elements (one block) along it.
    pub(super) fn map_lanes<U: Element>(
        &self,
        axis: Axis,
        out_len: usize,
        name: &'static str,
        f: impl Fn(&mut Vec<T>, &mut Vec<U>) + Send + Sync + 'static,
    ) -> ChunkedArray<U, D> {
        let k = match self.axis_index(name, axis.index()) {
            Ok(k) => k,
            Err(error) => {
                let mut shape = self.shape().to_vec();
                if let Some(n) = shape.get_mut(axis.index()) {
                    *n = out_len;
                }
                return ChunkedArray::invalid(shape, error, vec![self.node.clone()]);
            }
        };
        let len = self.shape()[k];
        let whole = self.rechunk(self.chunks().with_axis(k, AxisChunks::whole(len)));
        whole.map_block_lanes(k, AxisChunks::whole(out_len), name, move |_, row, out| {
            f(&mut row.to_vec(), out)
        })
    }

    /// `|k|` as a length along `axis`, or the error naming `k`.
    fn topk_len(&self, op: &'static str, k: isize, axis: Axis) -> Result<usize> {
        let len = self.shape()[self.axis_index(op, axis.index())?];
        let n = k.unsigned_abs();
        if n == 0 || n > len {
            return Err(Error::invalid(
                "k",
                format!(
                    "{op} needs 1 <= |k| <= {len} (the length of axis {}), got {k}",
                    axis.index()
                ),
            ));
        }
        Ok(n)
    }
}

/// # Sorting along an axis
///
/// numpy's order: NaN after every number (see [`Ordered`]). The axis is
/// rechunked to one block first (each task sorts whole lanes), the other
/// axes keep their chunks.
impl<T: Ordered, D: Dimension> ChunkedArray<T, D> {
    /// The array sorted along `axis` (numpy's `sort(x, axis)`), NaN last.
    /// An axis out of range is an error from `compute`.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![[3.0, f64::NAN, 1.0], [2.0, 0.5, -1.0]], (1, 2))?;
    /// let sorted = x.sort_axis(Axis(1)).compute()?;
    /// assert_eq!(sorted.row(1), array![-1.0, 0.5, 2.0]);
    /// assert!(sorted[[0, 2]].is_nan());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn sort_axis(&self, axis: Axis) -> ChunkedArray<T, D> {
        let len = self.shape().get(axis.index()).copied().unwrap_or(0);
        self.map_lanes(axis, len, "sort_axis", |lane, out| {
            sort_lane(lane);
            out.extend_from_slice(lane);
        })
    }

    /// The indices that sort the array along `axis` (numpy's `argsort(x,
    /// axis)`); equal values keep their order (numpy's `kind="stable"`).
    /// An axis out of range is an error from `compute`.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![30, 10, 20, 10], 3)?;
    /// assert_eq!(x.argsort_axis(Axis(0)).compute()?, array![1, 3, 2, 0]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn argsort_axis(&self, axis: Axis) -> ChunkedArray<usize, D> {
        let len = self.shape().get(axis.index()).copied().unwrap_or(0);
        self.map_lanes(axis, len, "argsort_axis", |lane, out| {
            out.extend(argsort_lane(lane))
        })
    }

    /// The `k` largest elements along `axis`, largest first, or for a
    /// negative `k` the `|k|` smallest, smallest first (dask's `topk`). NaN
    /// counts as the largest value. The result's axis has `|k|` elements.
    /// `k == 0`, `|k|` larger than the axis, or an axis out of range is an
    /// error at once.
    ///
    /// As dask's, a reduction rather than a sort: every block keeps the
    /// `|k|` best of each of its lanes (with their indices), and only
    /// those candidates are gathered along the axis, so a task holds one
    /// block or `|k|` candidates per block along the axis, never the axis.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![[5, 1, 9, 3], [2, 8, 7, 6]], (1, 3))?;
    /// assert_eq!(x.topk(2, Axis(1))?.compute()?, array![[9, 5], [8, 7]]);
    /// assert_eq!(x.topk(-1, Axis(0))?.compute()?, array![[2, 1, 7, 3]]);
    /// assert!(x.topk(5, Axis(1)).is_err());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn topk(&self, k: isize, axis: Axis) -> Result<ChunkedArray<T, D>> {
        Ok(self.top_pairs("topk", k, axis)?.mapv(|(v, _)| v))
    }

    /// The indices along `axis` of [`topk`](Self::topk)'s elements, in its
    /// order; among equal values the first index first (dask's `argtopk`).
    /// Computed as `topk`, from each block's candidates.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![0.5, 4.0, -2.0, 4.0, 1.0], 2)?;
    /// assert_eq!(x.argtopk(3, Axis(0))?.compute()?, array![1, 3, 4]);
    /// assert_eq!(x.argtopk(-2, Axis(0))?.compute()?, array![2, 0]);
    /// assert!(x.argtopk(0, Axis(0)).is_err());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn argtopk(&self, k: isize, axis: Axis) -> Result<ChunkedArray<usize, D>> {
        Ok(self.top_pairs("argtopk", k, axis)?.mapv(|(_, i)| i))
    }

    /// The `|k|` best (value, index) pairs of every lane along `axis`:
    /// each block's best, then the best of those.
    fn top_pairs(
        &self,
        op: &'static str,
        k: isize,
        axis: Axis,
    ) -> Result<ChunkedArray<(T, usize), D>> {
        let n = self.topk_len(op, k, axis)?;
        let a = axis.index();
        let sizes = self.chunks().sizes()[a]
            .iter()
            .map(|&len| len.min(n))
            .collect();
        let candidates = self.map_block_lanes(
            a,
            AxisChunks::from_sizes(sizes),
            op,
            move |first, lane, out| {
                let pairs = lane.iter().enumerate().map(|(i, &v)| (v, first + i));
                out.extend(top_pairs(pairs, k));
            },
        );
        Ok(candidates.map_lanes(axis, n, op, move |pairs, out| {
            out.extend(top_pairs(pairs.iter().copied(), k));
        }))
    }
}
