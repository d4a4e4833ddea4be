//! Putting blocks together: any box of elements from the blocks overlapping
//! it (what a rechunked block is).

use super::cursor::Odometer;
use super::Block;
use crate::chunks::{Chunks, Region};
use crate::element::Element;
use crate::error::{Error, Result};
use ndarray::{ArrayD, IxDyn};
use std::ops::Range;

/// For every block of `output` along an axis, the blocks of `input` it
/// overlaps (both lists of block lengths along one axis, of the same sum).
/// An empty block still names the block where it starts.
pub(crate) fn overlaps(input: &[usize], output: &[usize]) -> Vec<Range<usize>> {
    let (mut first, mut first_end) = (0, input.first().copied().unwrap_or(0));
    let mut start = 0;
    output
        .iter()
        .map(|&len| {
            // Skip the input blocks ending at or before `start`.
            while start >= first_end && first + 1 < input.len() {
                first += 1;
                first_end += input[first];
            }
            let (mut last, mut last_end) = (first, first_end);
            while last_end < start + len {
                last += 1;
                last_end += input[last];
            }
            start += len;
            first..last + 1
        })
        .collect()
}

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
            let sizes = &chunks.sizes()[k];
            let mut at: usize = sizes[..ranges[k].start].iter().sum();
            let mut out = Vec::with_capacity(region.shape[k]);
            for (j, b) in ranges[k].clone().enumerate() {
                let from = region.offset[k].max(at);
                let to = (region.offset[k] + region.shape[k]).min(at + sizes[b]);
                out.extend((from..to).map(|p| (j, p - at)));
                at += sizes[b];
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

#[cfg(test)]
mod tests {
    use super::overlaps;

    #[test]
    fn overlaps_name_every_block_a_block_touches() {
        assert_eq!(overlaps(&[3, 1, 6], &[2, 3, 5]), vec![0..1, 0..3, 2..3]);
        assert_eq!(overlaps(&[4, 6], &[4, 6]), vec![0..1, 1..2]);
        assert_eq!(overlaps(&[1; 4], &[4]), vec![0..4]);
        assert_eq!(overlaps(&[0], &[0]), vec![0..1]);
    }
}
