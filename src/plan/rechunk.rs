//! How a rechunk gets from one chunking to another: directly, or through
//! one intermediate chunking when the direct plan would have far more edges
//! (output block, input block it reads) than blocks.
//!
//! The rule. A direct rechunk has one edge per overlapping pair of output
//! and input blocks. When one axis gets coarser while another gets finer (a
//! "transpose" of the block shape: rows of blocks to columns of blocks), the
//! edges grow like the product of the two ratios. The intermediate merges
//! the input's blocks along the axes that get coarser (fewer output blocks
//! than input blocks), toward the output's block length, as far as a block
//! of at most `max(16 MiB, largest input block, largest output block)`
//! allows, the axes with the largest ratio first; the second step then only
//! splits. The plan with the lower cost is taken, costing an edge as
//! [`EDGE_BYTES`] copied and each step as one copy of the array (as dask's
//! `plan_rechunk` weighs graph size against block size, with fewer knobs).
//!
//! Both plans read the same input blocks for the same outputs, in output
//! order, so neither holds more of the input than the blocks a column of
//! outputs needs. Planning lists block lengths, so a grid with more blocks
//! along an axis than [`size::MAX_LISTED`] is rechunked directly.

use crate::chunks::{Chunks, AUTO_BLOCK_BYTES};
use crate::size;
use std::cmp::Ordering;

/// What an edge costs, in bytes copied: a task dependency and a piece copied
/// row by row take microseconds, about as long as copying 64 KiB.
const EDGE_BYTES: usize = 64 << 10;

/// The chunkings a rechunk from `input` to `output` goes through, `output`
/// last; empty when they are equal. `itemsize` is an element's size in bytes.
pub(crate) fn steps(input: &Chunks, output: &Chunks, itemsize: usize) -> Vec<Chunks> {
    if input == output {
        return Vec::new();
    }
    let listable = |c: &Chunks| (0..c.ndim()).all(|a| c.num_blocks_on(a) <= size::MAX_LISTED);
    if !(listable(input) && listable(output)) {
        return vec![output.clone()];
    }
    let limit = AUTO_BLOCK_BYTES
        .max(block_bytes(input, itemsize))
        .max(block_bytes(output, itemsize));
    let mid = intermediate(input, output, itemsize, limit);
    let bytes = input
        .shape()
        .into_iter()
        .fold(itemsize, usize::saturating_mul);
    let cost = |edges: usize, copies: usize| {
        edges
            .saturating_mul(EDGE_BYTES)
            .saturating_add(copies.saturating_mul(bytes))
    };
    let direct = cost(edges(input, output), 1);
    let two = cost(edges(input, &mid).saturating_add(edges(&mid, output)), 2);
    if mid != *input && mid != *output && two < direct {
        vec![mid, output.clone()]
    } else {
        vec![output.clone()]
    }
}

/// Number of (output block, input block) pairs that overlap: the edges of
/// a direct rechunk, along an axis the blocks of the common refinement. The
/// axes multiply.
pub(super) fn edges(input: &Chunks, output: &Chunks) -> usize {
    (0..input.ndim())
        .map(|a| input.axis(a).refined_blocks(output.axis(a)))
        .fold(1, usize::saturating_mul)
}

/// Where blocks meet inside an axis (not its ends), increasing.
fn boundaries(sizes: &[usize]) -> Vec<usize> {
    let mut at = 0;
    let mut out = Vec::with_capacity(sizes.len());
    for &n in &sizes[..sizes.len().saturating_sub(1)] {
        at += n;
        out.push(at);
    }
    out
}

fn widest(sizes: &[usize]) -> usize {
    sizes.iter().copied().max().unwrap_or(0).max(1)
}

fn block_bytes(chunks: &Chunks, itemsize: usize) -> usize {
    chunks
        .widest()
        .into_iter()
        .map(|w| w.max(1))
        .fold(itemsize, usize::saturating_mul)
}

/// The input's chunking with the blocks merged along the axes that get
/// coarser, as far as `limit` bytes per block allows.
fn intermediate(input: &Chunks, output: &Chunks, itemsize: usize, limit: usize) -> Chunks {
    let (from, to) = (input.sizes(), output.sizes());
    let mut sizes = from.clone();
    let mut coarser: Vec<usize> = (0..sizes.len())
        .filter(|&a| to[a].len() < from[a].len())
        .collect();
    // Largest ratio of block counts first: its edges grow most.
    coarser.sort_by(|&a, &b| {
        match (from[b].len() * to[a].len()).cmp(&(from[a].len() * to[b].len())) {
            Ordering::Equal => a.cmp(&b),
            order => order,
        }
    });
    for a in coarser {
        let others = (0..sizes.len())
            .filter(|&b| b != a)
            .map(|b| widest(&sizes[b]))
            .fold(itemsize, usize::saturating_mul);
        let target = widest(&to[a]).min(limit / others);
        sizes[a] = merge(&sizes[a], &to[a], target);
    }
    Chunks::from_sizes(sizes)
}

/// `sizes` with runs of neighbouring blocks merged into blocks of at most
/// `target` (a longer block stays as it is), never across a boundary of
/// `cuts`, where merging would gain nothing.
fn merge(sizes: &[usize], cuts: &[usize], target: usize) -> Vec<usize> {
    let cuts = boundaries(cuts);
    let mut out = Vec::new();
    let (mut current, mut at) = (0, 0);
    for &n in sizes {
        if current > 0 && current + n > target {
            out.push(current);
            current = 0;
        }
        current += n;
        at += n;
        if current > 0 && cuts.binary_search(&at).is_ok() {
            out.push(current);
            current = 0;
        }
    }
    if current > 0 || out.is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(sizes: &[&[usize]]) -> Chunks {
        Chunks::from_sizes(sizes.iter().map(|s| s.to_vec()).collect())
    }

    #[test]
    fn edges_count_overlapping_pairs() {
        let a = chunks(&[&[4, 6]]);
        let b = chunks(&[&[5, 5]]);
        assert_eq!(edges(&a, &b), 3); // [0,5) reads 2 blocks, [5,10) reads 1
        let rows = chunks(&[&[1; 10], &[10]]);
        let cols = chunks(&[&[10], &[1; 10]]);
        assert_eq!(edges(&rows, &cols), 100);
        assert_eq!(edges(&rows, &rows), 10);
        assert_eq!(edges(&chunks(&[&[0]]), &chunks(&[&[0]])), 1);
    }

    #[test]
    fn merging_stops_at_the_target_and_at_shared_boundaries() {
        assert_eq!(merge(&[1; 10], &[10], 4), vec![4, 4, 2]);
        assert_eq!(merge(&[1; 10], &[3, 7], 100), vec![3, 7]);
        assert_eq!(merge(&[2, 9, 2], &[13], 5), vec![2, 9, 2]);
        assert_eq!(merge(&[0], &[0], 5), vec![0]);
    }

    #[test]
    fn a_transpose_of_block_shapes_goes_through_an_intermediate() {
        // 10 row blocks to 10 column blocks: 100 edges directly, 20 via one block.
        let rows = chunks(&[&[1; 10], &[10]]);
        let cols = chunks(&[&[10], &[1; 10]]);
        let plan = steps(&rows, &cols, 8);
        assert_eq!(plan, vec![chunks(&[&[10], &[10]]), cols]);
    }

    #[test]
    fn a_column_of_blocks_merged_is_rechunked_directly() {
        // The case: 10 input blocks per output block, 1000 edges for
        // 200 blocks; an intermediate would copy 800 MB once more to save 800.
        let from = Chunks::from_sizes(vec![vec![1000; 10], vec![1000; 10]]);
        let to = Chunks::from_sizes(vec![vec![10_000], vec![100; 100]]);
        assert_eq!(steps(&from, &to, 8), vec![to.clone()]);
        assert!(steps(&from, &from, 8).is_empty());
    }

    #[test]
    fn the_intermediate_respects_the_block_size_limit() {
        // 1 x 100k rows of 8 bytes to 100k x 1 columns: merging rows stops
        // at 16 MiB blocks (20 rows of 800 kB), not the whole 80 GB.
        let n = 100_000;
        let rows = Chunks::from_sizes(vec![vec![1; n], vec![n]]);
        let cols = Chunks::from_sizes(vec![vec![n], vec![1; n]]);
        let plan = steps(&rows, &cols, 8);
        assert_eq!(plan.len(), 2);
        assert_eq!(plan[0].sizes()[1], vec![n]);
        assert_eq!(plan[0].sizes()[0][0], AUTO_BLOCK_BYTES / (8 * n));
        assert!(block_bytes(&plan[0], 8) <= AUTO_BLOCK_BYTES);
    }
}
