//! Cumulative sums and products along an axis (numpy's `cumsum`/`cumprod`
//! with an axis).
//!
//! A scan is three block nodes. Every block is scanned on its own (`local`);
//! the last hyperplane of each local scan is cut out as a small block of its
//! own (`carry`); output block `j` along the axis is local scan `j` combined
//! with the carries of blocks `0..j`, taken in that order, so the result does
//! not depend on scheduling. Output blocks read the small carries, not the
//! earlier blocks, so an earlier block is freed as soon as its own output
//! and carry are made.

use super::ChunkedArray;
use crate::chunks::AxisChunks;
use crate::element::{Accumulate, Accumulator, Element};
use crate::error::Error;
use crate::kernel::blocks::BlockFn;
use crate::kernel::scan::{apply_carry, last_plane, scan_block, ScanOp};
use crate::kernel::Block;
use ndarray::{Axis, Dimension};

/// The associative operation of a scan.
#[derive(Clone, Copy)]
enum Scan {
    Sum,
    Prod,
}

impl Scan {
    fn name(self) -> &'static str {
        match self {
            Scan::Sum => "cumsum_axis",
            Scan::Prod => "cumprod_axis",
        }
    }
}

/// # Scans
impl<T: Element + Accumulate, D: Dimension> ChunkedArray<T, D> {
    /// Cumulative sum along `axis` (numpy's `cumsum(x, axis)`): element `i`
    /// along the axis is the sum of elements `0..=i`, in the element's sum
    /// type as [`sum`](Self::sum) (`u8` gives `u64`, `bool` counts as
    /// `i64`). An integer sum that does not fit makes `compute` return
    /// [`Error::Overflow`] inside an [`Error::TaskFailed`] naming the block;
    /// so does, for `i64` elements, a partial sum inside one block that does
    /// not fit even if the elements before the block bring it back in range.
    /// Blocks keep their chunks; each
    /// block is scanned once, then offset by the totals of the blocks before
    /// it (in a fixed order, so results are the same on any number of
    /// threads). An axis out of range is an error from `compute`.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![[1, 2, 3], [4, 5, 6]], (1, 2))?;
    /// assert_eq!(x.cumsum_axis(Axis(0)).compute()?, array![[1_i64, 2, 3], [5, 7, 9]]);
    /// assert_eq!(x.cumsum_axis(Axis(1)).compute()?, array![[1_i64, 3, 6], [4, 9, 15]]);
    /// let bytes = ChunkedArray::from_array(array![200_u8, 100, 1], 2)?;
    /// assert_eq!(bytes.cumsum_axis(Axis(0)).compute()?, array![200_u64, 300, 301]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn cumsum_axis(&self, axis: Axis) -> ChunkedArray<T::Sum, D> {
        self.scan(axis, Scan::Sum)
    }

    /// Cumulative product along `axis` (numpy's `cumprod(x, axis)`), in the
    /// element's sum type; an integer product that does not fit is an
    /// [`Error::Overflow`], and so is a partial product inside one block that
    /// does not fit even when a zero in an earlier block makes the cumulative
    /// product 0. See [`cumsum_axis`](Self::cumsum_axis).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::arange(1.0, 7.0, 1.0, 2)?;
    /// assert_eq!(x.cumprod_axis(Axis(0)).compute()?, array![1.0, 2.0, 6.0, 24.0, 120.0, 720.0]);
    /// let big = ChunkedArray::from_array(array![1_u64 << 40, 1 << 30], 1)?;
    /// assert!(big.cumprod_axis(Axis(0)).compute().is_err());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn cumprod_axis(&self, axis: Axis) -> ChunkedArray<T::Sum, D> {
        self.scan(axis, Scan::Prod)
    }

    fn scan(&self, axis: Axis, scan: Scan) -> ChunkedArray<T::Sum, D> {
        let k = axis.index();
        let shape = self.shape().to_vec();
        if k >= self.ndim() {
            let error = Error::AxisOutOfBounds {
                op: scan.name(),
                axis: k,
                ndim: self.ndim(),
            };
            return ChunkedArray::invalid(shape, error, vec![self.node.clone()]);
        }
        let op = ScanOp {
            name: scan.name(),
            op: match scan {
                Scan::Sum => T::Sum::overflowing_add,
                Scan::Prod => T::Sum::overflowing_mul,
            },
        };
        let name = format!("{}({k})", scan.name());
        let chunks = self.chunks().clone();

        let local = BlockFn::new(
            format!("{name} local"),
            chunks.clone(),
            |index: &[usize]| vec![(0, index.to_vec())],
            move |_: &[usize], blocks: &[&Block<T>]| scan_block(blocks[0], k, T::to_sum, op),
        )
        .keyed(format!("{name} local"));
        let local =
            ChunkedArray::<T::Sum, D>::from_block_fn(shape.clone(), local, vec![self.node.clone()]);
        let blocks_along = chunks.num_blocks_on(k);
        // Nothing to carry: one block along the axis, or no element at all.
        if blocks_along <= 1 || self.is_empty() {
            return local;
        }

        // One hyperplane per block along the axis.
        let mut plane_shape = shape.clone();
        plane_shape[k] = blocks_along;
        let carry = BlockFn::new(
            format!("{name} carry"),
            chunks.with_axis(k, AxisChunks::uniform(blocks_along, 1)),
            |index: &[usize]| vec![(0, index.to_vec())],
            move |_: &[usize], blocks: &[&Block<T::Sum>]| last_plane(blocks[0], k),
        )
        .keyed(format!("{name} carry"));
        let carry =
            ChunkedArray::<T::Sum, D>::from_block_fn(plane_shape, carry, vec![local.node.clone()]);

        let reads = move |index: &[usize]| {
            let mut reads = vec![(0, index.to_vec())];
            reads.extend((0..index[k]).map(|j| {
                let mut at = index.to_vec();
                at[k] = j;
                (1, at)
            }));
            reads
        };
        let out = BlockFn::new(
            name.clone(),
            chunks,
            reads,
            move |_: &[usize], blocks: &[&Block<T::Sum>]| {
                apply_carry(blocks[0], &blocks[1..], k, op)
            },
        )
        .keyed(name);
        ChunkedArray::from_block_fn(shape, out, vec![local.node, carry.node])
    }
}
