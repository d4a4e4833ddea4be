//! The block kernel of one rechunk step: each output block is copied out
//! of the input blocks overlapping it, or is one of them, shared.

use super::assemble::assemble_region;
use super::blocks::BlockFn;
use super::cursor::Odometer;
use super::Block;
use crate::chunks::Chunks;
use crate::element::Element;
use std::ops::Range;
use std::sync::Arc;

/// A kernel cutting an array chunked as `input` into `output`'s blocks.
/// An output block that is exactly an input block is that block (no copy).
pub(crate) fn rechunk<T: Element>(input: &Chunks, output: &Chunks) -> BlockFn<T, T> {
    // Per axis, the input blocks output block `index` reads: looked up, not
    // listed, so a grid of many blocks costs nothing until a block is made.
    let (from, to) = (input.clone(), output.clone());
    let boxed = move |index: &[usize]| -> Vec<Range<usize>> {
        index
            .iter()
            .enumerate()
            .map(|(a, &i)| from.axis(a).blocks_in(to.axis(a).range(i)))
            .collect()
    };
    let boxed = Arc::new(boxed);
    let reads = {
        let boxed = boxed.clone();
        move |index: &[usize]| {
            let ranges = boxed(index);
            let first: Vec<usize> = ranges.iter().map(|r| r.start).collect();
            let grid: Vec<usize> = ranges.iter().map(ExactSizeIterator::len).collect();
            let mut at = Odometer::new(&first, &grid);
            (0..grid.iter().product())
                .map(|_| {
                    let index = at.index().to_vec();
                    at.advance();
                    (0, index)
                })
                .collect()
        }
    };
    let (from, to) = (input.clone(), output.clone());
    let compute = move |index: &[usize], blocks: &[&Block<T>]| {
        let region = to.block_region(index);
        if let [only] = blocks {
            if only.shape() == region.shape.as_slice() {
                return Ok((*only).clone());
            }
        }
        Ok(assemble_region(&from, &boxed(index), blocks, &region)?.into_shared())
    };
    BlockFn::new("rechunk", output.clone(), reads, compute).keyed("rechunk".to_string())
}
