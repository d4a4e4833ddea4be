//! Reshape block by block (C order): which chunking of the input makes
//! every output block the reshape of exactly one input block.
//!
//! Leaving out axes of length 1, the axes of both shapes fall into groups of
//! equal product (greedily, left to right): `(6, 4) -> (24,)`, `(24,) -> (2, 3, 4)`,
//! `(4, 6) -> (6, 4)`. Inside a group, a block must be a contiguous run of
//! the flattened group, on both sides. So the input's trailing axes of the
//! group are one block each (merged where they were split), the leading
//! axis' blocks are multiples of what the output's trailing axes need, and
//! the output's trailing axes are one block each. As in dask's
//! `reshape_rechunk`, merging trailing axes shrinks the leading axis' blocks
//! so a block keeps about its size.
//!
//! Regular chunkings stay regular (a reshape of a huge uniform grid lists
//! nothing); irregular leading axes are listed, at most
//! [`size::MAX_LISTED`] blocks.

use crate::chunks::{AxisChunks, Chunks};
use crate::error::Result;
use crate::size;

/// How a reshape is done block by block.
pub(super) struct BlockReshape {
    /// The chunking the input is rechunked to first.
    pub input: Chunks,
    /// The output's chunking: block `k` is input block `k` reshaped.
    pub output: Chunks,
    /// For each group: its leading input axis and leading output axis, the
    /// only axes of the group with more than one block.
    pub leads: Vec<(usize, usize)>,
}

/// The block reshape of an array of `shape` chunked as `chunks` into `new`,
/// a shape with the same number of elements.
pub(super) fn plan(shape: &[usize], chunks: &Chunks, new: &[usize]) -> Result<BlockReshape> {
    if shape.contains(&0) {
        // No element: one (empty) block on each side.
        return Ok(BlockReshape {
            input: Chunks::single(shape),
            output: Chunks::single(new),
            leads: Vec::new(),
        });
    }
    let ins: Vec<usize> = (0..shape.len()).filter(|&k| shape[k] != 1).collect();
    let outs: Vec<usize> = (0..new.len()).filter(|&k| new[k] != 1).collect();
    let mut input: Vec<AxisChunks> = (0..shape.len()).map(|k| chunks.axis(k).clone()).collect();
    let mut output: Vec<AxisChunks> = new.iter().map(|&n| AxisChunks::whole(n)).collect();
    let mut leads = Vec::new();
    let (mut i, mut o) = (0, 0);
    // The products of `ins` and `outs` are equal, so both end together.
    while i < ins.len() && o < outs.len() {
        let (i0, o0) = (i, o);
        let (mut p, mut q) = (shape[ins[i]], new[outs[o]]);
        (i, o) = (i + 1, o + 1);
        while p != q {
            if p < q {
                p *= shape[ins[i]];
                i += 1;
            } else {
                q *= new[outs[o]];
                o += 1;
            }
        }
        let (group_in, group_out) = (&ins[i0..i], &outs[o0..o]);
        let (lead_in, lead_out) = (group_in[0], group_out[0]);
        let inner_in: usize = group_in[1..].iter().map(|&k| shape[k]).product();
        let inner_out: usize = group_out[1..].iter().map(|&k| new[k]).product();
        // Leading blocks must be multiples of `step` for their runs to end
        // on whole rows of the output's trailing axes.
        let g = gcd(inner_in, inner_out);
        let step = inner_out / g;
        let lead = if group_in[1..].iter().all(|&k| input[k].num_blocks() == 1) {
            round_down(&input[lead_in], step)?
        } else {
            let block: usize = group_in.iter().map(|&k| input[k].widest().max(1)).product();
            AxisChunks::uniform(shape[lead_in], (block / inner_in / step * step).max(step))
        };
        for &k in &group_in[1..] {
            input[k] = AxisChunks::whole(shape[k]);
        }
        // c * inner_in / inner_out, exact for c a multiple of step.
        output[lead_out] = scaled(&lead, inner_in / g, step)?;
        input[lead_in] = lead;
        leads.push((lead_in, lead_out));
    }
    Ok(BlockReshape {
        input: Chunks::from_axes(input),
        output: Chunks::from_axes(output),
        leads,
    })
}

/// Every block length of `axis` (a multiple of `div`) divided by `div`, then
/// times `mul`: in that order nothing overflows, the scaled axis being an
/// axis of the output, whose length fits.
fn scaled(axis: &AxisChunks, mul: usize, div: usize) -> Result<AxisChunks> {
    let scale = |n: usize| n / div * mul;
    match axis.as_regular() {
        Some((first, chunk, len)) => {
            Ok(AxisChunks::regular(scale(first), scale(chunk), scale(len)))
        }
        None => Ok(AxisChunks::from_sizes(
            listed(axis)?.into_iter().map(scale).collect(),
        )),
    }
}

/// The block lengths of an irregular `axis`, listed.
fn listed(axis: &AxisChunks) -> Result<Vec<usize>> {
    size::listed("shape", "blocks of a reshaped axis", axis.num_blocks())?;
    Ok(axis.sizes())
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// `axis` with every block boundary moved down to a multiple of `step`
/// (blocks that vanish are merged into their neighbour; the axis length is
/// a multiple of `step`).
fn round_down(axis: &AxisChunks, step: usize) -> Result<AxisChunks> {
    if let Some((first, chunk, len)) = axis.as_regular() {
        if chunk % step == 0 {
            // Boundaries at first + k * chunk all move down by first % step;
            // the first one vanishes when it moves to 0.
            let first = first / step * step;
            return Ok(match first {
                0 => AxisChunks::uniform(len, chunk),
                _ => AxisChunks::regular(first, chunk, len),
            });
        }
    }
    Ok(AxisChunks::from_sizes(round_down_sizes(
        &listed(axis)?,
        step,
    )))
}

fn round_down_sizes(sizes: &[usize], step: usize) -> Vec<usize> {
    let mut out = Vec::with_capacity(sizes.len());
    let (mut at, mut cut) = (0, 0);
    for &n in sizes {
        at += n;
        let next = at / step * step;
        if next > cut {
            out.push(next - cut);
            cut = next;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sizes(c: &Chunks) -> Vec<Vec<usize>> {
        c.sizes()
    }

    #[test]
    fn merging_axes_keeps_leading_blocks_when_the_rest_is_whole() {
        let c = Chunks::from_sizes(vec![vec![2, 4], vec![5]]);
        let p = plan(&[6, 5], &c, &[30]).unwrap();
        assert_eq!(sizes(&p.input), vec![vec![2, 4], vec![5]]);
        assert_eq!(sizes(&p.output), vec![vec![10, 20]]);
        assert_eq!(p.leads, vec![(0, 0)]);
    }

    #[test]
    fn splitting_an_axis_rounds_blocks_to_whole_rows() {
        let c = Chunks::from_sizes(vec![vec![5, 7]]);
        let p = plan(&[12], &c, &[3, 4]).unwrap();
        assert_eq!(sizes(&p.input), vec![vec![4, 8]]);
        assert_eq!(sizes(&p.output), vec![vec![1, 2], vec![4]]);
    }

    #[test]
    fn split_trailing_axes_are_merged_and_the_lead_shrinks() {
        // Blocks of 10 x 10 = 100 elements; rows of 100 make the lead 1.
        let c = Chunks::from_sizes(vec![vec![10; 10], vec![10; 10]]);
        let p = plan(&[100, 100], &c, &[10_000]).unwrap();
        assert_eq!(sizes(&p.input), vec![vec![1; 100], vec![100]]);
        assert_eq!(sizes(&p.output), vec![vec![100; 100]]);
    }

    #[test]
    fn length_one_axes_are_left_out_of_groups() {
        let c = Chunks::from_sizes(vec![vec![2, 2], vec![1], vec![3, 3]]);
        let p = plan(&[4, 1, 6], &c, &[1, 4, 6, 1]).unwrap();
        assert_eq!(sizes(&p.input), sizes(&c));
        assert_eq!(
            sizes(&p.output),
            vec![vec![1], vec![2, 2], vec![3, 3], vec![1]]
        );
        assert_eq!(p.leads, vec![(0, 1), (2, 2)]);
    }

    #[test]
    fn a_group_of_several_axes_on_both_sides() {
        let c = Chunks::from_sizes(vec![vec![3, 1], vec![6]]);
        let p = plan(&[4, 6], &c, &[6, 4]).unwrap();
        // 6 input elements per leading index, 4 per output one: leads of 2.
        assert_eq!(sizes(&p.input), vec![vec![2, 2], vec![6]]);
        assert_eq!(sizes(&p.output), vec![vec![3, 3], vec![4]]);
    }
}
