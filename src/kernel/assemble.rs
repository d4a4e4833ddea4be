//! Putting blocks together: any box of elements from the blocks overlapping
//! it (what a rechunked block is).

use super::cursor::Odometer;
use super::Block;
use crate::chunks::{Chunks, Region};
use crate::element::Element;
use crate::error::{Error, Result};
use ndarray::{ArrayD, IxDyn};
use std::ops::Range;

/// The elements of `region` copied, row by row, out of `blocks`: the
/// blocks of `chunks` in the box `ranges` (per axis, the blocks overlapping
/// the region), in C order. Rows are appended, so no element needs a
/// default value.
pub(crate) fn assemble_region<T: Element>(
    chunks: &Chunks,
    ranges: &[Range<usize>],
    blocks: &[&Block<T>],
    region: &Region,
) -> Result<ArrayD<T>> {
    let built = |values: Vec<T>| {
        ArrayD::from_shape_vec(IxDyn(&region.shape), values)
            .map_err(|e| Error::internal(format!("assembled region: {e}")))
    };
    let grid: Vec<usize> = ranges.iter().map(ExactSizeIterator::len).collect();
    if blocks.len() != grid.iter().product::<usize>() || ranges.len() != region.shape.len() {
        return Err(Error::internal("wrong number of blocks for a region"));
    }
    let Some(last) = region.shape.len().checked_sub(1) else {
        return Ok(blocks[0].to_owned()); // 0-d: one block of one element
    };
    if region.is_empty() {
        return built(Vec::new());
    }
    // For every position of the region along each axis: the block (counted
    // from the first overlapping one) and the place in it.
    let locate: Vec<Vec<(usize, usize)>> = (0..=last)
        .map(|k| {
            let mut out = Vec::with_capacity(region.shape[k]);
            for (j, b) in ranges[k].clone().enumerate() {
                let block = chunks.axis(k).range(b);
                let from = region.offset[k].max(block.start);
                let to = (region.offset[k] + region.shape[k]).min(block.end);
                out.extend((from..to).map(|p| (j, p - block.start)));
            }
            out
        })
        .collect();
    // Along the last axis, runs of one block: (block, start in it, width).
    let mut runs: Vec<(usize, usize, usize)> = Vec::new();
    for &(j, l) in &locate[last] {
        match runs.last_mut() {
            Some((b, _, width)) if *b == j => *width += 1,
            _ => runs.push((j, l, 1)),
        }
    }
    let mut values = Vec::with_capacity(region.len());
    let mut rows = Odometer::new(&vec![0; last], &region.shape[..last]);
    let mut at = vec![0; last + 1];
    let mut local = vec![0; last];
    for _ in 0..region.shape[..last].iter().product::<usize>() {
        for (k, &p) in rows.index().iter().enumerate() {
            (at[k], local[k]) = locate[k][p];
        }
        for &(j, start, width) in &runs {
            at[last] = j;
            let b = blocks[at.iter().zip(&grid).fold(0, |acc, (&i, &n)| acc * n + i)];
            let data = b
                .as_slice()
                .ok_or_else(|| Error::internal("block not in standard layout"))?;
            let row: usize = local
                .iter()
                .zip(b.strides())
                .map(|(&l, &s)| l * s as usize)
                .sum();
            values.extend_from_slice(&data[row + start..row + start + width]);
        }
        rows.advance();
    }
    built(values)
}
