//! `map_blocks`: a user function applied to whole blocks, for the work that
//! is not elementwise (a filter, a small solve, a call into another crate).

use super::ChunkedArray;
use crate::chunks::Chunks;
use crate::element::Element;
use crate::error::Error;
use crate::kernel::blocks::BlockFn;
use ndarray::{Array, ArrayView, Dimension};

/// Where a block lies, as handed to a [`map_blocks`](ChunkedArray::map_blocks)
/// function next to the block's values.
///
/// ```
/// use ndchunk::prelude::*;
/// let x = ChunkedArray::<u64, _>::zeros((5, 4), (2, 3))?;
/// // Every element becomes the row offset of its block.
/// let rows = x.map_blocks(|block, info: &BlockInfo| block.mapv(|_| info.offset[0] as u64));
/// assert_eq!(rows.compute()?.column(0).to_vec(), vec![0, 0, 2, 2, 4]);
/// # Ok::<(), ndchunk::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockInfo {
    /// The block's index in the block grid.
    pub index: Vec<usize>,
    /// The array index of the block's first element.
    pub offset: Vec<usize>,
}

/// # Block functions
///
/// A closure on each block, as dask's `map_blocks`.
impl<T: Element, D: Dimension> ChunkedArray<T, D> {
    /// Apply `f` to every block, which it sees as an `ArrayView` with its
    /// [`BlockInfo`] (index in the grid, offset in the array), returning a
    /// block of the same shape. Blocks are computed in parallel; a panic in
    /// `f` is an error from `compute` naming the block.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_fn((4, 6), (2, 3), |(i, j)| (i * 6 + j) as f64)?;
    /// // Subtract each block's own mean.
    /// let centred = x.map_blocks(|block, _info| {
    ///     let mean = block.mean().unwrap();
    ///     block.mapv(|v| v - mean)
    /// });
    /// let c = centred.compute()?;
    /// assert_eq!(c[[0, 0]], -4.0); // block [0, 0] holds 0 1 2 6 7 8
    /// assert_eq!(c[[3, 5]], 4.0);  // block [1, 1] holds 15 16 17 21 22 23
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn map_blocks<U, F>(&self, f: F) -> ChunkedArray<U, D>
    where
        U: Element,
        F: Fn(ArrayView<'_, T, D>, &BlockInfo) -> Array<U, D> + Send + Sync + 'static,
    {
        self.map_blocks_to(self.chunks().clone(), f)
    }

    /// [`map_blocks`](Self::map_blocks) for a function whose blocks have
    /// another shape or dimensionality: `chunks` declares the output's
    /// blocks. Its block grid must match this array's once grid axes of one
    /// block are left out (so axes can be added or dropped), and block `k`
    /// of the output (C order) comes from block `k` of the input. A block of
    /// the wrong shape is an error from `compute` naming the block.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_fn((6, 4), (2, 4), |(i, j)| (i + j) as f64)?;
    /// // One sum per row, computed a block of rows at a time.
    /// let rows = Chunks::from_sizes(vec![vec![2, 2, 2]]);
    /// let sums = x.map_blocks_to(rows, |block, _| block.sum_axis(Axis(1)));
    /// assert_eq!(sums.compute()?, array![6.0, 10.0, 14.0, 18.0, 22.0, 26.0]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn map_blocks_to<U, E, F>(&self, chunks: Chunks, f: F) -> ChunkedArray<U, E>
    where
        U: Element,
        E: Dimension,
        F: Fn(ArrayView<'_, T, D>, &BlockInfo) -> Array<U, E> + Send + Sync + 'static,
    {
        let shape = chunks.shape();
        let chunks = match chunks.checked(std::mem::size_of::<U>()) {
            Ok(chunks) => chunks,
            Err(error) => return ChunkedArray::invalid(shape, error, vec![self.node.clone()]),
        };
        let significant =
            |grid: Vec<usize>| grid.into_iter().filter(|&n| n != 1).collect::<Vec<_>>();
        let fixed_rank = E::NDIM.is_none_or(|n| n == chunks.ndim());
        if !fixed_rank || significant(chunks.grid()) != significant(self.chunks().grid()) {
            let error = Error::invalid(
                "chunks",
                format!(
                    "map_blocks output chunks {chunks:?} must have the block grid {:?} of the \
                     input (up to axes of one block) and the output's number of axes",
                    self.chunks().grid()
                ),
            );
            return ChunkedArray::invalid(shape, error, vec![self.node.clone()]);
        }
        let (input, output) = (self.chunks().clone(), chunks.clone());
        let reads = {
            let (input, output) = (input.clone(), output.clone());
            move |index: &[usize]| vec![(0, input.unravel(output.ravel(index)))]
        };
        let compute = move |index: &[usize], blocks: &[&crate::kernel::Block<T>]| {
            let at = input.unravel(output.ravel(index));
            let info = BlockInfo {
                offset: input.block_offset(&at),
                index: at,
            };
            let view = blocks[0]
                .view()
                .into_dimensionality::<D>()
                .map_err(|e| Error::internal(format!("block dimensionality: {e}")))?;
            Ok(f(view, &info).into_dyn().into_shared())
        };
        let kernel = BlockFn::new("map_blocks", chunks, reads, compute);
        ChunkedArray::from_block_fn(shape, kernel, vec![self.node.clone()])
    }
}
