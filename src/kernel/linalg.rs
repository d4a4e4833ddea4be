//! The block kernel of `dot` and `tensordot`: each output block is a sum of
//! matrix products of (parts of) input blocks, in the element's sum type,
//! accumulated in place: by the `gemm` crate's kernels (AVX2 or AVX-512,
//! chosen at run time, one thread each) for `f32`/`f64`, by a checked loop
//! for integers (an overflow is an error, never a wrapped value).
//!
//! The contracted axes of the two inputs may be chunked differently: they are
//! cut at every boundary of either (the common refinement), and each piece
//! is read as a sub-view of the input block containing it, so nothing is
//! rechunked. The pieces of one output block are split into a fixed number
//! of contiguous groups (a function of the chunking only); each group is one
//! task, so a product with few output blocks and a long contraction still
//! keeps every core busy, and the sum is the same on any number of threads.

use super::Block;
use crate::chunks::{AxisChunks, Chunks};
use crate::element::{Accumulate, Accumulator};
use crate::error::{Error, Result};
use crate::size;
use ndarray::{
    Array2, ArrayView2, ArrayViewD, Axis, CowArray, Ix2, IxDyn, LinalgScalar, Order, Slice,
};
use std::any::{Any, TypeId};

/// Tasks a contraction aims for: when the output has fewer blocks, the
/// contraction is split into groups summed afterwards. A constant, not the
/// thread count, so results do not depend on the machine.
const MIN_TASKS: usize = 16;

/// One piece of a contracted axis pair: where it lies in either input.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Piece {
    a_block: usize,
    a_start: usize,
    b_block: usize,
    b_start: usize,
    len: usize,
}

/// How `a` and `b` are contracted: which axes pair up, how they are cut.
#[derive(Clone, Debug)]
pub(crate) struct Contraction {
    a_chunks: Chunks,
    b_chunks: Chunks,
    /// Axes of `a` (then of `b`) left in the output, in order.
    a_free: Vec<usize>,
    b_free: Vec<usize>,
    /// Contracted axes, pairwise.
    a_con: Vec<usize>,
    b_con: Vec<usize>,
    /// Per contracted pair, its pieces in order.
    pieces: Vec<Vec<Piece>>,
    /// Number of contraction groups; more than one adds a leading axis of
    /// that length to the partial products.
    pub groups: usize,
}

/// Where one product of a group reads its operands.
struct Operand {
    /// Positions in the list of blocks read.
    a_at: usize,
    b_at: usize,
    /// The piece along each contracted pair.
    combo: Vec<usize>,
}

impl Contraction {
    /// Contract axes `a_con[p]` of `a` with `b_con[p]` of `b` (validated by the
    /// caller: in range, distinct, of equal lengths). The pieces of the
    /// contracted axes are listed: an error beyond [`size::MAX_LISTED`].
    pub fn new(
        a_chunks: &Chunks,
        b_chunks: &Chunks,
        a_con: &[usize],
        b_con: &[usize],
    ) -> Result<Self> {
        let free = |ndim: usize, con: &[usize]| (0..ndim).filter(|a| !con.contains(a)).collect();
        let pieces: Vec<Vec<Piece>> = a_con
            .iter()
            .zip(b_con)
            .map(|(&x, &y)| pieces(a_chunks.axis(x), b_chunks.axis(y)))
            .collect::<Result<_>>()?;
        let mut contraction = Contraction {
            a_chunks: a_chunks.clone(),
            b_chunks: b_chunks.clone(),
            a_free: free(a_chunks.ndim(), a_con),
            b_free: free(b_chunks.ndim(), b_con),
            a_con: a_con.to_vec(),
            b_con: b_con.to_vec(),
            pieces,
            groups: 1,
        };
        let out_blocks = contraction.out_chunks().num_blocks().max(1);
        contraction.groups = MIN_TASKS
            .div_ceil(out_blocks)
            .clamp(1, contraction.num_combos());
        Ok(contraction)
    }

    /// The chunks of the product (free axes of `a`, then of `b`).
    pub fn out_chunks(&self) -> Chunks {
        let a = self.a_free.iter().map(|&x| self.a_chunks.axis(x).clone());
        let b = self.b_free.iter().map(|&x| self.b_chunks.axis(x).clone());
        Chunks::from_axes(a.chain(b).collect())
    }

    /// The chunks of the partial products: with a leading axis of one block
    /// per group when there are several groups.
    pub fn partial_chunks(&self) -> Chunks {
        let out = self.out_chunks();
        if self.groups == 1 {
            return out;
        }
        out.insert_axis(0, AxisChunks::uniform(self.groups, 1))
    }

    /// A short description equal for equal contractions (for sharing).
    pub fn key(&self) -> String {
        format!(
            "contract(a{:?}, b{:?}, groups={})",
            self.a_con, self.b_con, self.groups
        )
    }

    /// Number of combinations of pieces (one matrix product each).
    fn num_combos(&self) -> usize {
        self.pieces.iter().map(Vec::len).product()
    }

    /// The combination number `c` (C order over the pieces of every pair).
    fn combo(&self, mut c: usize) -> Vec<usize> {
        let mut combo = vec![0; self.pieces.len()];
        for (slot, p) in combo.iter_mut().zip(&self.pieces).rev() {
            *slot = c % p.len();
            c /= p.len();
        }
        combo
    }

    /// Splits a partial-product block index into (group, free block index of
    /// `a`, free block index of `b`).
    fn split<'i>(&self, index: &'i [usize]) -> (usize, &'i [usize], &'i [usize]) {
        let (group, rest) = if self.groups == 1 {
            (0, index)
        } else {
            (index[0], &index[1..])
        };
        let (a, b) = rest.split_at(self.a_free.len());
        (group, a, b)
    }

    /// The block of one operand: free axes from `free_index`, contracted
    /// axes from the pieces.
    fn operand_block(
        &self,
        ndim: usize,
        free: &[usize],
        con: &[usize],
        free_index: &[usize],
        combo: &[usize],
        block_of: impl Fn(&Piece) -> usize,
    ) -> Vec<usize> {
        let mut at = vec![0; ndim];
        for (&axis, &i) in free.iter().zip(free_index) {
            at[axis] = i;
        }
        for ((&axis, pieces), &k) in con.iter().zip(&self.pieces).zip(combo) {
            at[axis] = block_of(&pieces[k]);
        }
        at
    }

    /// The matrix shape of partial block `index`: (rows, columns).
    fn out_matrix(&self, index: &[usize]) -> (usize, usize) {
        let (_, ia, ib) = self.split(index);
        let len = |chunks: &Chunks, free: &[usize], at: &[usize]| {
            free.iter()
                .zip(at)
                .map(|(&x, &i)| chunks.block_len(x, i))
                .product::<usize>()
        };
        (
            len(&self.a_chunks, &self.a_free, ia),
            len(&self.b_chunks, &self.b_free, ib),
        )
    }

    /// The input blocks partial block `index` reads (each once, in product
    /// order) and the products to sum. Products adding nothing (an empty
    /// output block or an empty piece) are left out, and so are their reads.
    fn plan(&self, index: &[usize]) -> (Vec<(usize, Vec<usize>)>, Vec<Operand>) {
        let (group, ia, ib) = self.split(index);
        let (rows, cols) = self.out_matrix(index);
        let n = self.num_combos();
        let range = group * n / self.groups..(group + 1) * n / self.groups;
        let mut reads: Vec<(usize, Vec<usize>)> = Vec::new();
        let mut position = |input: usize, at: Vec<usize>| match reads
            .iter()
            .position(|(k, b)| *k == input && *b == at)
        {
            Some(p) => p,
            None => {
                reads.push((input, at));
                reads.len() - 1
            }
        };
        let (a_nd, b_nd) = (self.a_chunks.ndim(), self.b_chunks.ndim());
        let products = range
            .map(|c| self.combo(c))
            .filter(|combo| rows * cols * self.combo_len(combo) > 0)
            .map(|combo| {
                let a =
                    self.operand_block(a_nd, &self.a_free, &self.a_con, ia, &combo, |p| p.a_block);
                let b =
                    self.operand_block(b_nd, &self.b_free, &self.b_con, ib, &combo, |p| p.b_block);
                Operand {
                    a_at: position(0, a),
                    b_at: position(1, b),
                    combo,
                }
            })
            .collect();
        (reads, products)
    }

    /// The contracted length of one product: the product of its pieces' lengths.
    fn combo_len(&self, combo: &[usize]) -> usize {
        self.pieces
            .iter()
            .zip(combo)
            .map(|(p, &k)| p[k].len)
            .product()
    }

    /// The blocks partial block `index` reads.
    pub fn reads(&self, index: &[usize]) -> Vec<(usize, Vec<usize>)> {
        self.plan(index).0
    }

    /// Partial block `index` from the blocks [`reads`](Self::reads) named,
    /// in the sum type `S` of their elements; `op` names the product in an
    /// overflow error.
    pub fn compute<T, S>(
        &self,
        index: &[usize],
        blocks: &[&Block<T>],
        shape: &[usize],
        op: &'static str,
    ) -> Result<Block<S>>
    where
        T: Accumulate<Sum = S>,
        S: Accumulator + LinalgScalar,
    {
        let (_, products) = self.plan(index);
        let (rows, cols) = self.out_matrix(index);
        let blocks: Vec<Block<S>> = blocks.iter().map(|b| to_sum(b)).collect();
        // Zeros (untouched pages until written) stay the answer when there
        // is no product; the first product overwrites them without reading.
        let mut out = Array2::<S>::zeros((rows, cols));
        let mut overflow = false;
        for (i, product) in products.iter().enumerate() {
            let len = self.combo_len(&product.combo);
            let a = self.operand(&blocks[product.a_at], &product.combo, true);
            let b = self.operand(&blocks[product.b_at], &product.combo, false);
            let (a, b) = (matrix(&a, (rows, len))?, matrix(&b, (len, cols))?);
            if float_kernel::<S>() {
                // The first product overwrites the zeros, the others add.
                float_mat_mul(a.view(), b.view(), &mut out, i > 0);
            } else {
                overflow |= checked_mat_mul(a.view(), b.view(), &mut out);
            }
        }
        Error::check_overflow::<S>(overflow, op)?;
        out.into_shape_with_order(IxDyn(shape))
            .map(|o| o.into_shared())
            .map_err(|e| Error::internal(format!("product block of shape {shape:?}: {e}")))
    }

    /// The part of an input block one product reads, with its axes in
    /// matrix order: for `a` the free axes then the contracted ones, for
    /// `b` the other way round.
    fn operand<'b, T>(
        &self,
        block: &'b Block<T>,
        combo: &[usize],
        is_a: bool,
    ) -> ArrayViewD<'b, T> {
        let (free, con) = if is_a {
            (&self.a_free, &self.a_con)
        } else {
            (&self.b_free, &self.b_con)
        };
        let mut view = block.view();
        for ((&axis, pieces), &k) in con.iter().zip(&self.pieces).zip(combo) {
            let p = &pieces[k];
            let start = if is_a { p.a_start } else { p.b_start };
            view.slice_axis_inplace(Axis(axis), Slice::from(start..start + p.len));
        }
        let order: Vec<usize> = if is_a {
            free.iter().chain(con).copied().collect()
        } else {
            con.iter().chain(free).copied().collect()
        };
        view.permuted_axes(order)
    }
}

/// `block` in its elements' sum type: the block itself (no copy) when that
/// is its own type, as for floats.
fn to_sum<T: Accumulate>(block: &Block<T>) -> Block<T::Sum> {
    match (block as &dyn Any).downcast_ref::<Block<T::Sum>>() {
        Some(same) => same.clone(),
        None => block.mapv(T::to_sum).into_shared(),
    }
}

/// Whether products of `S` go to `gemm`: `f32` and `f64`, whose arithmetic
/// rounds and cannot wrap; every other type takes the checked loop.
fn float_kernel<S: 'static>() -> bool {
    let s = TypeId::of::<S>();
    s == TypeId::of::<f32>() || s == TypeId::of::<f64>()
}

/// `out = a · b`, or `out += a · b` when `accumulate`, for `S` = `f32` or
/// `f64` (checked by [`float_kernel`]), on one thread.
#[allow(unsafe_code)] // gemm takes raw parts; every one comes from a live view
fn float_mat_mul<S: LinalgScalar>(
    a: ArrayView2<S>,
    b: ArrayView2<S>,
    out: &mut Array2<S>,
    accumulate: bool,
) {
    let (m, k) = a.dim();
    let n = b.ncols();
    debug_assert_eq!((b.nrows(), out.dim()), (k, (m, n)));
    let ([a_rs, a_cs], [b_rs, b_cs]) = (
        [a.strides()[0], a.strides()[1]],
        [b.strides()[0], b.strides()[1]],
    );
    let [out_rs, out_cs] = [out.strides()[0], out.strides()[1]];
    // SAFETY: the pointers and strides are those of `a`, `b` and `out`, which
    // are alive and of the dimensions passed; `out` is borrowed mutably, so
    // it overlaps neither input; `S` is f32 or f64, the types gemm dispatches.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            out.as_mut_ptr(),
            out_cs,
            out_rs,
            accumulate,
            a.as_ptr(),
            a_cs,
            a_rs,
            b.as_ptr(),
            b_cs,
            b_rs,
            S::one(),
            S::one(),
            false,
            false,
            false,
            gemm::Parallelism::None,
        );
    }
}

/// `out += a · b` in checked arithmetic; whether a product or a partial sum
/// overflowed (the values in `out` are then meaningless).
fn checked_mat_mul<S: Accumulator>(
    a: ArrayView2<S>,
    b: ArrayView2<S>,
    out: &mut Array2<S>,
) -> bool {
    let mut overflow = false;
    for (a_row, mut out_row) in a.rows().into_iter().zip(out.rows_mut()) {
        for (&x, b_row) in a_row.iter().zip(b.rows()) {
            for (o, &y) in out_row.iter_mut().zip(b_row) {
                let (p, over_p) = x.overflowing_mul(y);
                let (sum, over_s) = o.overflowing_add(p);
                *o = sum;
                overflow |= over_p | over_s;
            }
        }
    }
    overflow
}

/// `view` as a matrix of `shape` (its leading axes as rows): the view itself
/// when its strides allow it (always for 1-D and 2-D operands), a copy
/// otherwise.
fn matrix<'v, T: LinalgScalar>(
    view: &'v ArrayViewD<'_, T>,
    shape: (usize, usize),
) -> Result<CowArray<'v, T, Ix2>> {
    view.to_shape((shape, Order::RowMajor))
        .map_err(|e| Error::internal(format!("operand as a {shape:?} matrix: {e}")))
}

/// The common refinement of one contracted axis chunked as `a` and as `b`
/// (equal lengths), each piece located in both.
fn pieces(a: &AxisChunks, b: &AxisChunks) -> Result<Vec<Piece>> {
    let refined = a.refine(b)?;
    let n = size::listed("axes", "pieces of a contracted axis", refined.num_blocks())?;
    Ok((0..n)
        .map(|i| {
            let piece = refined.range(i);
            let (a_block, a_range) = a.locate(piece.start);
            let (b_block, b_range) = b.locate(piece.start);
            Piece {
                a_block,
                a_start: piece.start - a_range.start,
                b_block,
                b_start: piece.start - b_range.start,
                len: piece.len(),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_locate_the_refinement_in_both_chunkings() {
        let axis = |sizes: &[usize]| AxisChunks::from_sizes(sizes.to_vec());
        let p = pieces(&axis(&[4, 6]), &axis(&[5, 5])).unwrap();
        let got: Vec<_> = p
            .iter()
            .map(|p| (p.a_block, p.a_start, p.b_block, p.b_start, p.len))
            .collect();
        assert_eq!(got, vec![(0, 0, 0, 0, 4), (1, 0, 0, 4, 1), (1, 1, 1, 0, 5)]);
        let empty = pieces(&axis(&[0]), &axis(&[0])).unwrap();
        assert_eq!(empty.len(), 1);
        assert_eq!(empty[0].len, 0);
    }

    #[test]
    fn few_output_blocks_split_the_contraction_into_groups() {
        // 1 x 1 output blocks, 40 contraction blocks: 16 groups.
        let a = Chunks::from_sizes(vec![vec![3], vec![1; 40]]);
        let b = Chunks::from_sizes(vec![vec![1; 40], vec![2]]);
        let c = Contraction::new(&a, &b, &[1], &[0]).unwrap();
        assert_eq!(c.groups, MIN_TASKS);
        assert_eq!(c.partial_chunks().sizes()[0], vec![1; MIN_TASKS]);
        // Every contraction block is read by exactly one group.
        let mut read: Vec<usize> = (0..c.groups)
            .flat_map(|g| c.reads(&[g, 0, 0]))
            .filter(|(k, _)| *k == 0)
            .map(|(_, at)| at[1])
            .collect();
        read.sort_unstable();
        assert_eq!(read, (0..40).collect::<Vec<_>>());
        // Enough output blocks: one group, no leading axis.
        let a = Chunks::from_sizes(vec![vec![1; 16], vec![2, 2]]);
        let b = Chunks::from_sizes(vec![vec![2, 2], vec![5]]);
        let c = Contraction::new(&a, &b, &[1], &[0]).unwrap();
        assert_eq!(c.groups, 1);
        assert_eq!(c.partial_chunks(), c.out_chunks());
    }
}
