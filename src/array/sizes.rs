//! `compute_chunk_sizes`: the lengths of blocks known only once computed
//! (a selection's), by a counting pass over the selection's mask alone.

use super::ChunkedArray;
use crate::chunks::{AxisChunks, Chunks};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::kernel::blocks::BlockFn;
use crate::kernel::selection::count_true;
use crate::plan::{Node, Op};
use crate::size;
use ndarray::{Dimension, IxDyn};
use std::sync::Arc;

/// # Shape, chunks and computing
impl<T: Element, D: Dimension> ChunkedArray<T, D> {
    /// This array with its block lengths known (dask's `compute_chunk_sizes`):
    /// after a selection ([`extract`](Self::extract), [`nonzero`](Self::nonzero)
    /// ...), whose lengths are unknown until computed, so that what needs
    /// them (rechunk, reshape, concatenate, binary operations with other
    /// arrays, slicing, reductions along a known axis, argmin/argmax) works. An array whose
    /// lengths are known is returned as it is.
    ///
    /// Runs a counting pass now: the selection's mask is computed block by
    /// block and only its `true` are counted (one number per block is
    /// kept), the selected values are not made. The returned array is still
    /// lazy: its values are computed once, when it is computed, by the
    /// selection's plan (the mask is then computed a second time, as dask
    /// does; [`persist`](Self::persist) the mask first when it is costly).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![5, 0, 7, 8, 0, 1], 2)?;
    /// let picked = x.extract(&x.mapv(|v| v > 4));
    /// assert_eq!(picked.shape(), &[ndchunk::chunks::UNKNOWN]);
    /// let known = picked.compute_chunk_sizes()?;
    /// assert_eq!(known.shape(), &[3]);
    /// assert_eq!(known.chunks().sizes(), &[vec![1, 2, 0]]);
    /// assert_eq!(known.rechunk(3).compute()?, array![5, 7, 8]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn compute_chunk_sizes(&self) -> Result<ChunkedArray<T, D>> {
        if self.shape_known() {
            return Ok(self.clone());
        }
        let selector = selector(&self.node)?;
        let lengths = ChunkedArray::<bool, IxDyn>::from_node(selector)
            .blocks_counted()
            .compute()?;
        size::listed("chunks", "blocks", lengths.len())?;
        let lengths: Vec<usize> = lengths
            .iter()
            .map(|&n| usize::try_from(n))
            .collect::<Result<_, _>>()
            .map_err(|_| Error::internal("a block count beyond usize"))?;
        let mut chunks = self.chunks().clone();
        for a in (0..self.ndim()).filter(|&a| !self.chunks().is_known(a)) {
            if chunks.num_blocks_on(a) != lengths.len() {
                return Err(Error::internal(
                    "a selection with another number of blocks than its mask",
                ));
            }
            // Blocks where nothing was selected stay, empty (as in dask).
            chunks = chunks.with_axis(a, AxisChunks::from_sizes(lengths.clone()));
        }
        let shape = chunks.shape();
        // Each block passes through, checked against its counted shape.
        let kernel = BlockFn::<T, T>::new(
            "compute_chunk_sizes",
            chunks.clone(),
            |index| vec![(0, index.to_vec())],
            |_, blocks| Ok(blocks[0].clone()),
        );
        let op = Op::Blocks(Arc::new(kernel));
        ChunkedArray::over_unknown(shape, chunks, op, vec![self.node.clone()]).into_result()
    }
}

impl<D: Dimension> ChunkedArray<bool, D> {
    /// How many elements of every block are true: one element per block,
    /// on the block grid.
    fn blocks_counted(&self) -> ChunkedArray<u64, D> {
        let grid = self.chunks().grid();
        let ones = Chunks::from_sizes(grid.iter().map(|&n| vec![1; n]).collect());
        let kernel = BlockFn::new(
            "count blocks",
            ones,
            |index| vec![(0, index.to_vec())],
            |_, blocks| count_true(blocks[0]),
        );
        ChunkedArray::from_block_fn(grid, kernel, vec![self.node.clone()])
    }
}

/// The mask behind the unknown lengths of `node`: the last input of the
/// selection that made them (the first node, walking back through the
/// operations applied since, whose inputs all have known lengths).
fn selector(node: &Arc<Node>) -> Result<Arc<Node>> {
    let mut at = node;
    while let Some(unknown) = at.inputs.iter().find(|i| !i.chunks.all_known()) {
        at = unknown;
    }
    match at.inputs.last() {
        Some(mask) if at.inputs.iter().all(|i| i.chunks.all_known()) => Ok(mask.clone()),
        _ => Err(Error::internal(format!(
            "{} has unknown lengths but no mask to count",
            at.label()
        ))),
    }
}
