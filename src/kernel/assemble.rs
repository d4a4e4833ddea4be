//! Putting computed blocks together into one ndarray.

use super::cursor::Odometer;
use super::typed::block;
use crate::chunks::Chunks;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::exec::Value;
use ndarray::{ArrayD, IxDyn};

/// The array made of `blocks` (C order of `chunks`' grid), copied row by row
/// so that no element needs a default value.
pub(crate) fn assemble<T: Element>(chunks: &Chunks, mut blocks: Vec<Value>) -> Result<ArrayD<T>> {
    if blocks.len() != chunks.num_blocks() {
        return Err(Error::internal("wrong number of blocks to assemble"));
    }
    if blocks.len() == 1 {
        let only = blocks.pop().expect("one block");
        // No copy when the block is not shared with anything else.
        return Ok(block::<T>(&only)?.clone().into_owned());
    }
    let shape = chunks.shape();
    let last = shape.len() - 1; // several blocks imply at least one axis
    let blocks = blocks.iter().map(block::<T>).collect::<Result<Vec<_>>>()?;
    // For every position along each outer axis: its block and its place in it.
    let locate: Vec<Vec<(usize, usize)>> = chunks.sizes()[..last]
        .iter()
        .map(|sizes| {
            sizes
                .iter()
                .enumerate()
                .flat_map(|(b, &n)| (0..n).map(move |l| (b, l)))
                .collect()
        })
        .collect();
    let mut values = Vec::with_capacity(shape.iter().product());
    let outer_rows: usize = shape[..last].iter().product();
    let mut rows = Odometer::new(&vec![0; last], &shape[..last]);
    let mut index = vec![0; shape.len()];
    let mut local = vec![0; last];
    for _ in 0..outer_rows {
        for (k, &p) in rows.index().iter().enumerate() {
            (index[k], local[k]) = locate[k][p];
        }
        for (j, &width) in chunks.sizes()[last].iter().enumerate() {
            index[last] = j;
            let b = blocks[chunks.ravel(&index)];
            let data = b
                .as_slice()
                .ok_or_else(|| Error::internal("block not in standard layout"))?;
            let start: usize = local
                .iter()
                .zip(b.strides())
                .map(|(&l, &s)| l * s as usize)
                .sum();
            values.extend_from_slice(&data[start..start + width]);
        }
        rows.advance();
    }
    ArrayD::from_shape_vec(IxDyn(&shape), values)
        .map_err(|e| Error::internal(format!("assembled array: {e}")))
}
