//! Selections: the elements or positions where a boolean mask holds, block
//! by block, in C order, so the output has one block per mask block whose
//! length is the number of `true` in it (known only once computed).

use super::typed::block;
use super::{Block, BlockKernel, Value};
use crate::chunks::Chunks;
use crate::element::Element;
use crate::error::{Error, Result};
use ndarray::{Array, Array1, Axis, IxDyn};
use std::marker::PhantomData;
use std::sync::Arc;

/// The [`BlockKernel`] of `extract`: output block `j` holds the elements of
/// block `j` (C order of `grid`) of input 0 where the same block of input 1
/// (the mask, same chunking) is true.
pub(crate) struct Extract<T> {
    pub grid: Chunks,
    pub _elem: PhantomData<fn(T)>,
}

impl<T: Element> BlockKernel for Extract<T> {
    fn label(&self) -> String {
        "extract".into()
    }

    fn reads(&self, index: &[usize]) -> Vec<(usize, Vec<usize>)> {
        let at = self.grid.unravel(index[0]);
        vec![(0, at.clone()), (1, at)]
    }

    fn compute(&self, _index: &[usize], inputs: &[Value]) -> Result<Value> {
        let (values, mask) = match inputs {
            [values, mask] => (block::<T>(values)?, block::<bool>(mask)?),
            _ => return Err(Error::internal("extract reads a block and a mask")),
        };
        if values.shape() != mask.shape() {
            return Err(Error::internal("extract got a mask block of another shape"));
        }
        let kept: Array1<T> = values
            .iter()
            .zip(mask.iter())
            .filter_map(|(&v, &keep)| keep.then_some(v))
            .collect();
        let out: Block<T> = kept.into_dyn().into_shared();
        Ok(Arc::new(out))
    }
}

/// The positions (`offset` + index in the block) of the `true` elements of
/// `mask`, one row each: numpy's `argwhere` of one block, shape `(n, ndim)`.
pub(crate) fn positions(mask: &Block<bool>, offset: &[usize]) -> Result<Block<usize>> {
    let ndim = mask.ndim();
    let mut rows = Vec::new();
    for (index, &hit) in mask.indexed_iter() {
        if hit {
            rows.extend((0..ndim).map(|k| offset[k] + index[k]));
        }
    }
    // A 0-d mask has positions without coordinates: count them.
    let n = rows
        .len()
        .checked_div(ndim)
        .unwrap_or_else(|| mask.iter().filter(|&&hit| hit).count());
    shaped(&[n, ndim], rows)
}

/// The C-order positions in an array of `shape` of the `true` elements of
/// `mask` (a block at `offset`): numpy's `flatnonzero` of one block.
pub(crate) fn flat_positions(
    mask: &Block<bool>,
    offset: &[usize],
    shape: &[usize],
) -> Result<Block<usize>> {
    let mut flat = Vec::new();
    for (index, &hit) in mask.indexed_iter() {
        if hit {
            let at = (0..shape.len()).fold(0, |acc, k| acc * shape[k] + offset[k] + index[k]);
            flat.push(at);
        }
    }
    let n = flat.len();
    shaped(&[n], flat)
}

/// Column `k` of a block of rows (as [`positions`] makes).
pub(crate) fn column(rows: &Block<usize>, k: usize) -> Result<Block<usize>> {
    if rows.ndim() != 2 || k >= rows.shape()[1] {
        return Err(Error::internal("a column of a block that has none"));
    }
    Ok(rows.index_axis(Axis(1), k).to_owned().into_shared())
}

/// How many elements of `mask` are true, as a block of one element (of
/// `mask`'s number of axes): the length of the selection's block.
pub(crate) fn count_true(mask: &Block<bool>) -> Result<Block<u64>> {
    let n = mask.iter().filter(|&&hit| hit).count() as u64;
    shaped(&vec![1; mask.ndim()], vec![n])
}

fn shaped<T: Element>(shape: &[usize], values: Vec<T>) -> Result<Block<T>> {
    Array::from_shape_vec(IxDyn(shape), values)
        .map(Array::into_shared)
        .map_err(|e| Error::internal(format!("selection block: {e}")))
}
