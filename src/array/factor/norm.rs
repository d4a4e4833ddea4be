//! `norm`: numpy's vector and matrix norms, of the whole array or along
//! one or two axes, as reductions (singular values per matrix for the
//! spectral ones).

use super::{operand, LinalgFloat};
use crate::array::ChunkedArray;
use crate::chunks::Chunks;
use crate::error::{Error, Result};
use crate::kernel::blocks::BlockFn;
use crate::kernel::factor::{self, Spectral};
use crate::kernel::Block;
use ndarray::{Axis, Dimension, IxDyn};

/// The order of a norm: numpy's `ord` (`None` in [`norm`] is numpy's
/// `ord=None`: the 2-norm of vectors, the Frobenius norm of matrices).
///
/// | `ord` | vectors | matrices |
/// |---|---|---|
/// | `Fro` | error | √(Σ x²) |
/// | `Nuc` | error | sum of the singular values |
/// | `Inf` | max \|x\| | max over rows of Σ \|x\| along the row |
/// | `NegInf` | min \|x\| | min over rows of Σ \|x\| |
/// | `L(0.0)` | number of nonzero values | error |
/// | `L(1.0)` | Σ \|x\| | max over columns of Σ \|x\| down the column |
/// | `L(-1.0)` | (Σ \|x\|⁻¹)⁻¹ | min over columns of Σ \|x\| |
/// | `L(2.0)` | √(Σ x²) | largest singular value |
/// | `L(-2.0)` | (Σ x⁻²)^(-1/2) | smallest singular value |
/// | `L(p)` | (Σ \|x\|ᵖ)^(1/p) | error |
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::linalg::{self, Norm, NormAxes};
/// let v = ChunkedArray::from_array(array![3.0, -4.0], 1)?;
/// let l1 = linalg::norm(&v, Some(Norm::L(1.0)), NormAxes::All)?.compute()?;
/// assert_eq!(l1.first(), Some(&7.0));
/// # Ok::<(), ndchunk::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Norm {
    /// The Frobenius norm (matrices).
    Fro,
    /// The nuclear norm (matrices).
    Nuc,
    /// `ord=inf`.
    Inf,
    /// `ord=-inf`.
    NegInf,
    /// `ord=p` for a number `p` (any for vectors; 1, -1, 2, -2 for matrices).
    L(f64),
}

/// Which axes a [`norm`] reduces: numpy's `axis`.
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::linalg::{self, NormAxes};
/// let x = ChunkedArray::from_array(array![[3.0, 4.0], [6.0, 8.0]], 1)?;
/// let rows = linalg::norm(&x, None, NormAxes::Axis(1))?.compute()?;
/// assert_eq!(rows.into_raw_vec_and_offset().0, vec![5.0, 10.0]);
/// # Ok::<(), ndchunk::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NormAxes {
    /// numpy's `axis=None`: with no order, the 2-norm of all the values
    /// (any number of dimensions); with an order, a vector norm of a 1-D
    /// array or a matrix norm of a 2-D one.
    All,
    /// A vector norm along one axis.
    Axis(usize),
    /// A matrix norm over two axes: rows along the first, columns along
    /// the second (the other axes are batches of matrices).
    Matrix(usize, usize),
}

/// numpy's `linalg.norm(x, ord, axis)`: a vector or matrix norm of `x`,
/// of the whole array (a 0-d result) or along the axes `axes` (the result
/// has them removed, and the other axes keep their chunks).
///
/// Reductions, blocked and bit-identical on any number of threads, except
/// the matrix norms `L(2.0)`, `L(-2.0)` and `Nuc`, which need the
/// singular values of every matrix: the two matrix axes are made one
/// block (a matrix per task or several), the others keep their chunks.
/// Orders that do not apply (`Fro` of a vector, `L(3.0)` of a matrix),
/// axes out of range or repeated, and an order with [`NormAxes::All`] on
/// more than 2 dimensions are errors at once. As in numpy, a maximum or
/// minimum over nothing (`Inf` and `NegInf` along an empty axis, `L(2.0)`
/// and `L(-2.0)` of an empty matrix) is an error from `compute`; sums over
/// nothing are 0. NaN values give NaN (an error for the singular-value
/// norms, which need finite values).
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::linalg::{self, Norm, NormAxes};
/// let x = ChunkedArray::from_array(array![[1.0, -2.0], [3.0, 4.0]], 1)?;
/// let fro = linalg::norm(&x, None, NormAxes::All)?.compute()?;
/// assert!((fro.first().unwrap() - 30_f64.sqrt()).abs() < 1e-12);
/// let inf = linalg::norm(&x, Some(Norm::Inf), NormAxes::All)?.compute()?;
/// assert_eq!(inf.first(), Some(&7.0));                      // max row sum
/// let two = linalg::norm(&x, Some(Norm::L(2.0)), NormAxes::Matrix(0, 1))?.compute()?;
/// assert!((two.first().unwrap() - 5.116672736016927).abs() < 1e-12);
/// assert!(linalg::norm(&x, Some(Norm::L(3.0)), NormAxes::All).is_err());
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn norm<T: LinalgFloat, D: Dimension>(
    x: &ChunkedArray<T, D>,
    ord: Option<Norm>,
    axes: NormAxes,
) -> Result<ChunkedArray<T, IxDyn>> {
    let x = operand(x, "norm")?.into_dyn();
    match (axes, ord, x.ndim()) {
        (NormAxes::All, None, _) => Ok((&x * &x).sum().sqrt().into_dyn()),
        (NormAxes::All, _, 1) => vector(&x, ord, 0),
        (NormAxes::All, _, 2) => matrix(&x, ord, 0, 1),
        (NormAxes::All, _, got) => Err(Error::RankMismatch {
            argument: "x",
            expected: 2,
            got,
        }),
        (NormAxes::Axis(k), _, _) => vector(&x, ord, x.axis_index("norm", k)?),
        (NormAxes::Matrix(r, c), _, _) => {
            let (r, c) = (x.axis_index("norm", r)?, x.axis_index("norm", c)?);
            if r == c {
                return Err(Error::invalid(
                    "axes",
                    format!("`norm` of a matrix needs two different axes, got ({r}, {c})"),
                ));
            }
            matrix(&x, ord, r, c)
        }
    }
}

fn bad_order(ord: Norm, of: &str) -> Error {
    Error::invalid("ord", format!("{ord:?} is not a norm of {of}"))
}

/// The vector norm `ord` along axis `k`.
fn vector<T: LinalgFloat>(
    x: &ChunkedArray<T, IxDyn>,
    ord: Option<Norm>,
    k: usize,
) -> Result<ChunkedArray<T, IxDyn>> {
    let axis = Axis(k);
    let abs = x.abs();
    Ok(match ord.unwrap_or(Norm::L(2.0)) {
        Norm::Inf => abs.max_axis(axis),
        Norm::NegInf => abs.min_axis(axis),
        Norm::L(0.0) => abs
            .mapv(|v| if v == T::zero() { T::zero() } else { T::one() })
            .sum_axis(axis),
        Norm::L(1.0) => abs.sum_axis(axis),
        Norm::L(2.0) => (x * x).sum_axis(axis).sqrt(),
        Norm::L(p) => {
            let p = T::from(p).unwrap_or_else(T::nan);
            abs.powf(p).sum_axis(axis).powf(T::one() / p)
        }
        ord @ (Norm::Fro | Norm::Nuc) => return Err(bad_order(ord, "vectors")),
    })
}

/// The matrix norm `ord` over rows along axis `r` and columns along `c`.
fn matrix<T: LinalgFloat>(
    x: &ChunkedArray<T, IxDyn>,
    ord: Option<Norm>,
    r: usize,
    c: usize,
) -> Result<ChunkedArray<T, IxDyn>> {
    // After summing along one axis, where the other one is.
    let after = |summed: usize, other: usize| Axis(other - usize::from(summed < other));
    let abs = x.abs();
    Ok(match ord.unwrap_or(Norm::Fro) {
        Norm::Fro => (x * x)
            .sum_axis(Axis(r.max(c)))
            .sum_axis(Axis(r.min(c)))
            .sqrt(),
        Norm::Inf => abs.sum_axis(Axis(c)).max_axis(after(c, r)),
        Norm::NegInf => abs.sum_axis(Axis(c)).min_axis(after(c, r)),
        Norm::L(1.0) => abs.sum_axis(Axis(r)).max_axis(after(r, c)),
        Norm::L(-1.0) => abs.sum_axis(Axis(r)).min_axis(after(r, c)),
        Norm::L(2.0) => spectral(x, r, c, Spectral::Largest),
        Norm::L(-2.0) => spectral(x, r, c, Spectral::Smallest),
        Norm::Nuc => spectral(x, r, c, Spectral::Sum),
        ord @ Norm::L(_) => return Err(bad_order(ord, "matrices")),
    })
}

/// `which` of the singular values of each matrix (rows along `r`, columns
/// along `c`): those two axes are moved last and made one block, and each
/// block of the other axes is one task.
fn spectral<T: LinalgFloat>(
    x: &ChunkedArray<T, IxDyn>,
    r: usize,
    c: usize,
    which: Spectral,
) -> ChunkedArray<T, IxDyn> {
    let nd = x.ndim();
    let mut order: Vec<usize> = (0..nd).filter(|&a| a != r && a != c).collect();
    order.extend([r, c]);
    let moved = x.permuted_axes(IxDyn(&order));
    let mut sizes = moved.chunks().sizes();
    sizes[nd - 2] = vec![moved.shape()[nd - 2]];
    sizes[nd - 1] = vec![moved.shape()[nd - 1]];
    let whole = moved.rechunk(Chunks::from_sizes(sizes.clone()));
    sizes.truncate(nd - 2);
    let shape = moved.shape()[..nd - 2].to_vec();
    let compute = move |_: &[usize], blocks: &[&Block<T>]| {
        Ok(factor::spectral(blocks[0].view(), which)?.into_shared())
    };
    let reads = move |index: &[usize]| {
        let mut index = index.to_vec();
        index.extend([0, 0]);
        vec![(0, index)]
    };
    let key = format!("norm({which:?})");
    let kernel = BlockFn::new("norm", Chunks::from_sizes(sizes), reads, compute).keyed(key);
    ChunkedArray::from_block_fn(shape, kernel, vec![whole.node.clone()])
}
