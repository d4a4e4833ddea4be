//! The halo of one block for `map_overlap`: which neighbouring blocks it
//! copies from, and the haloed block assembled from them with the boundary
//! rule applied past the array's edges.
//!
//! Along every axis the haloed block is a list of runs ([`Piece`]s): the
//! block itself, the neighbours' elements (as many neighbours as the depth
//! needs, so a depth larger than a neighbouring block is fine) and, past the
//! array's edges, wrapped, reflected or constant elements. The haloed block
//! is the product of the runs of all axes, so every box of it is one copy.

use super::cursor::Odometer;
use super::Block;
use crate::boundary::Boundary;
use crate::chunks::Chunks;
use crate::element::Element;
use ndarray::{ArrayD, IxDyn, Slice};

/// Where a run of consecutive positions of the haloed block along one axis
/// comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Piece {
    /// `len` positions of the constant of [`Boundary::Constant`].
    Fill(usize),
    /// Positions `lo..hi` of block `block` along the axis, backwards when
    /// `reversed` (a reflection at an edge).
    Copy {
        block: usize,
        lo: usize,
        hi: usize,
        reversed: bool,
    },
}

impl Piece {
    fn len(&self) -> usize {
        match *self {
            Piece::Fill(len) => len,
            Piece::Copy { lo, hi, .. } => hi - lo,
        }
    }
}

/// The haloed extent of one block and where each of its elements comes from.
pub(crate) struct Halo {
    /// The runs along every axis, in order.
    axes: Vec<Vec<Piece>>,
    /// The distinct blocks the runs copy from along every axis, ascending.
    blocks: Vec<Vec<usize>>,
    /// Halo length before the block on every axis: the depth, or less with
    /// [`Boundary::None`] at the array's start.
    pub before: Vec<usize>,
    /// Shape of the haloed block.
    pub shape: Vec<usize>,
}

impl Halo {
    /// The halo of block `index` of `chunks`, `depth` deep on every axis.
    /// Reflect and Periodic need a depth of at most the axis length
    /// (checked by the caller).
    pub fn new<T>(
        chunks: &Chunks,
        index: &[usize],
        depth: &[usize],
        boundary: &Boundary<T>,
    ) -> Halo {
        let shape = chunks.shape();
        let region = chunks.block_region(index);
        let mut halo = Halo {
            axes: Vec::with_capacity(index.len()),
            blocks: Vec::with_capacity(index.len()),
            before: Vec::with_capacity(index.len()),
            shape: Vec::with_capacity(index.len()),
        };
        for a in 0..index.len() {
            let start = region.offset[a];
            let end = start + region.shape[a];
            let (n, d) = (shape[a], depth[a]);
            // Positions are signed, and wide enough for any depth: the halo
            // may start before the array and end after it.
            let (start, end, n, d) = (start as i128, end as i128, n as i128, d as i128);
            let (lo, hi) = match boundary {
                Boundary::None => ((start - d).max(0), (end + d).min(n)),
                _ => (start - d, end + d),
            };
            let pieces = axis_pieces(chunks, a, lo, hi, boundary);
            let mut blocks: Vec<usize> = pieces
                .iter()
                .filter_map(|p| match p {
                    Piece::Copy { block, .. } => Some(*block),
                    Piece::Fill(_) => None,
                })
                .collect();
            blocks.sort_unstable();
            blocks.dedup();
            // The caller checked that haloed blocks fit in memory.
            halo.before.push((start - lo) as usize);
            halo.shape.push((hi - lo) as usize);
            halo.axes.push(pieces);
            halo.blocks.push(blocks);
        }
        halo
    }

    /// The blocks the haloed block copies from, in C order: every
    /// combination of the blocks each axis copies from (none when an axis
    /// is all constant).
    pub fn reads(&self) -> Vec<Vec<usize>> {
        let counts: Vec<usize> = self.blocks.iter().map(Vec::len).collect();
        let total: usize = counts.iter().product();
        let mut at = Odometer::new(&vec![0; counts.len()], &counts);
        (0..total)
            .map(|_| {
                let index = at
                    .index()
                    .iter()
                    .zip(&self.blocks)
                    .map(|(&k, blocks)| blocks[k])
                    .collect();
                at.advance();
                index
            })
            .collect()
    }

    /// The haloed block from the blocks named by [`reads`](Self::reads), in
    /// that order.
    pub fn assemble<T: Element>(&self, blocks: &[&Block<T>], boundary: &Boundary<T>) -> ArrayD<T> {
        // Every element is written below; the array starts from any value
        // at hand because elements have no default.
        let seed = match boundary {
            Boundary::Constant(v) => Some(*v),
            _ => blocks.iter().find_map(|b| b.iter().next().copied()),
        };
        let mut out = match seed {
            Some(v) => ArrayD::from_elem(IxDyn(&self.shape), v),
            // Nothing to copy and no constant: the haloed block is empty.
            None => ArrayD::from_shape_vec(IxDyn(&self.shape), Vec::new())
                .expect("a haloed block without values has no elements"),
        };
        let counts: Vec<usize> = self.axes.iter().map(Vec::len).collect();
        let total: usize = counts.iter().product();
        // Where each run starts in the haloed block.
        let starts: Vec<Vec<usize>> = self
            .axes
            .iter()
            .map(|pieces| {
                pieces
                    .iter()
                    .scan(0, |at, p| {
                        let s = *at;
                        *at += p.len();
                        Some(s)
                    })
                    .collect()
            })
            .collect();
        let mut combo = Odometer::new(&vec![0; counts.len()], &counts);
        for _ in 0..total {
            let k = combo.index().to_vec();
            combo.advance();
            let pieces: Vec<Piece> = k.iter().zip(&self.axes).map(|(&k, p)| p[k]).collect();
            let mut target = out.slice_each_axis_mut(|ax| {
                let a = ax.axis.index();
                let s = starts[a][k[a]];
                Slice::from(s..s + pieces[a].len())
            });
            if pieces.iter().any(|p| matches!(p, Piece::Fill(_))) {
                // Only Constant makes fill runs; its value is the seed.
                if let Boundary::Constant(v) = boundary {
                    target.fill(*v);
                }
                continue;
            }
            // The block of this box, numbered as in `reads` (C order).
            let which = pieces
                .iter()
                .zip(&self.blocks)
                .fold(0, |acc, (p, blocks)| match p {
                    Piece::Copy { block, .. } => {
                        acc * blocks.len()
                            + blocks
                                .binary_search(block)
                                .expect("copied blocks are listed")
                    }
                    Piece::Fill(_) => acc,
                });
            let source = blocks[which].slice_each_axis(|ax| match pieces[ax.axis.index()] {
                Piece::Copy {
                    lo, hi, reversed, ..
                } => Slice::new(
                    lo as isize,
                    Some(hi as isize),
                    if reversed { -1 } else { 1 },
                ),
                Piece::Fill(_) => unreachable!("boxes with fill runs are filled above"),
            });
            target.assign(&source);
        }
        out
    }
}

/// The runs making up positions `lo..hi` (relative to the array's start,
/// possibly outside it) of axis `axis` of `chunks`.
fn axis_pieces<T>(
    chunks: &Chunks,
    axis: usize,
    lo: i128,
    hi: i128,
    boundary: &Boundary<T>,
) -> Vec<Piece> {
    let n = chunks.axis_len(axis) as i128;
    let mut pieces = Vec::new();
    let mut p = lo;
    while p < hi {
        // Positions before, inside and after the array map differently.
        let region_end = if p < 0 {
            0
        } else if p < n {
            n
        } else {
            hi
        }
        .min(hi);
        let inside = (0..n).contains(&p);
        // The source position of `p` and whether the run goes backwards.
        let source = match boundary {
            _ if inside => Some((p, false)),
            Boundary::Periodic if p < 0 => Some((p + n, false)),
            Boundary::Periodic => Some((p - n, false)),
            Boundary::Reflect if p < 0 => Some((-1 - p, true)),
            Boundary::Reflect => Some((2 * n - 1 - p, true)),
            Boundary::Constant(_) | Boundary::None => None,
        };
        let Some((s, reversed)) = source else {
            pieces.push(Piece::Fill((region_end - p) as usize));
            p = region_end;
            continue;
        };
        let (j, block) = chunks.locate(axis, s as usize);
        let local = s - block.start as i128;
        let piece = if reversed {
            let run = (region_end - p).min(local + 1);
            Piece::Copy {
                block: j,
                lo: (local + 1 - run) as usize,
                hi: (local + 1) as usize,
                reversed,
            }
        } else {
            let run = (region_end - p).min(block.end as i128 - s);
            Piece::Copy {
                block: j,
                lo: local as usize,
                hi: (local + run) as usize,
                reversed,
            }
        };
        p += piece.len() as i128;
        pieces.push(piece);
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    fn copy(block: usize, lo: usize, hi: usize, reversed: bool) -> Piece {
        Piece::Copy {
            block,
            lo,
            hi,
            reversed,
        }
    }

    #[test]
    fn runs_cross_blocks_and_edges() {
        // Axis of length 5 in blocks [2, 1, 2]; halo of the middle block, depth 3.
        let chunks = Chunks::from_sizes(vec![vec![2, 1, 2]]);
        let wrap = axis_pieces::<f64>(&chunks, 0, -1, 6, &Boundary::Periodic);
        assert_eq!(
            wrap,
            vec![
                copy(2, 1, 2, false),
                copy(0, 0, 2, false),
                copy(1, 0, 1, false),
                copy(2, 0, 2, false),
                copy(0, 0, 1, false)
            ]
        );
        // Symmetric reflection: position -1 is position 0, -2 is 1.
        let reflect = axis_pieces::<f64>(&chunks, 0, -2, 5, &Boundary::Reflect);
        assert_eq!(reflect[0], copy(0, 0, 2, true));
        let constant = axis_pieces(&chunks, 0, -2, 7, &Boundary::Constant(0.0));
        assert_eq!(constant[0], Piece::Fill(2));
        assert_eq!(constant[constant.len() - 1], Piece::Fill(2));
    }
}
