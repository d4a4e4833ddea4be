//! `select`: the elements at a list of indices along one axis (ndarray's
//! `select`, numpy's `take` with an axis).

use super::ChunkedArray;
use crate::chunks::{AxisChunks, Chunks};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::kernel::blocks::BlockFn;
use crate::kernel::Block;
use ndarray::{Array, Axis, Dimension, IxDyn};
use std::sync::Arc;

/// The indices of one output block: all in input block `block` along the
/// axis, as positions inside that block.
struct Group {
    block: usize,
    local: Vec<usize>,
}

/// # Selecting along an axis
impl<T: Element, D: Dimension> ChunkedArray<T, D> {
    /// The elements at `indices` along `axis`, in that order: the result's
    /// axis has `indices.len()` elements, element `i` being this array's
    /// `indices[i]` (ndarray's `select`, numpy's `take(x, indices, axis)`,
    /// `x[:, indices]` in numpy for axis 1). Indices may repeat and come in
    /// any order; an empty list gives an empty axis.
    ///
    /// Consecutive indices in the same input block make one output block
    /// (at most as long as that input block), which reads only that input
    /// block; the other axes keep their chunks. An axis or an index out of
    /// bounds is an error from `compute` naming it.
    ///
    /// Not to be confused with the free function [`select`](crate::select)
    /// (numpy's `where`), which picks elementwise between two arrays.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![[0, 1, 2, 3], [4, 5, 6, 7]], (2, 2))?;
    /// let picked = x.select(Axis(1), &[3, 0, 0]);
    /// assert_eq!(picked.compute()?, array![[3, 0, 0], [7, 4, 4]]);
    /// assert!(x.select(Axis(0), &[2]).compute().is_err()); // axis 0 has 2 elements
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    #[doc(alias = "take")]
    pub fn select(&self, axis: Axis, indices: &[usize]) -> ChunkedArray<T, D> {
        let k = axis.index();
        let mut shape = self.shape().to_vec();
        let inputs = vec![self.node.clone()];
        if k >= self.ndim() {
            let error = Error::AxisOutOfBounds {
                op: "select",
                axis: k,
                ndim: self.ndim(),
            };
            return ChunkedArray::invalid(shape, error, inputs);
        }
        shape[k] = indices.len();
        let groups = match groups(self.chunks(), k, indices) {
            Ok(groups) => Arc::new(groups),
            Err(error) => return ChunkedArray::invalid(shape, error, inputs),
        };
        let mut lengths: Vec<usize> = groups.iter().map(|g| g.local.len()).collect();
        if lengths.is_empty() {
            lengths.push(0);
        }
        let chunks = self.chunks().with_axis(k, AxisChunks::from_sizes(lengths));

        let reads = {
            let groups = groups.clone();
            move |index: &[usize]| match groups.get(index[k]) {
                Some(group) => {
                    let mut at = index.to_vec();
                    at[k] = group.block;
                    vec![(0, at)]
                }
                None => vec![], // the empty axis of an empty list
            }
        };
        let (input, output) = (self.chunks().clone(), chunks.clone());
        let compute = move |index: &[usize], blocks: &[&Block<T>]| -> Result<Block<T>> {
            let Some(group) = groups.get(index[k]) else {
                let empty = Array::from_shape_vec(IxDyn(&output.block_shape(index)), vec![]);
                return empty
                    .map(Array::into_shared)
                    .map_err(|e| Error::internal(format!("empty selection: {e}")));
            };
            let block = blocks[0];
            let mut at = index.to_vec();
            at[k] = group.block;
            let whole = input.block_len(k, group.block);
            if group.local.len() == whole && group.local.iter().enumerate().all(|(i, &j)| i == j) {
                return Ok(block.clone()); // the whole block, in order: no copy
            }
            Ok(block.select(Axis(k), &group.local).into_shared())
        };
        let kernel = BlockFn::new("select", chunks, reads, compute);
        ChunkedArray::from_block_fn(shape, kernel, vec![self.node.clone()])
    }
}

/// Cut `indices` into runs that fall in one block of `chunks` along
/// `axis`, each at most that block's length.
fn groups(chunks: &Chunks, axis: usize, indices: &[usize]) -> Result<Vec<Group>> {
    let len = chunks.shape()[axis];
    let mut groups: Vec<Group> = Vec::new();
    for (position, &i) in indices.iter().enumerate() {
        if i >= len {
            return Err(Error::invalid(
                "indices",
                format!(
                    "select: indices[{position}] = {i} is out of bounds for axis {axis} \
                     of length {len}"
                ),
            ));
        }
        let (block, range) = chunks.locate(axis, i);
        let local = i - range.start;
        match groups.last_mut() {
            Some(g) if g.block == block && g.local.len() < range.len() => g.local.push(local),
            _ => groups.push(Group {
                block,
                local: vec![local],
            }),
        }
    }
    Ok(groups)
}
