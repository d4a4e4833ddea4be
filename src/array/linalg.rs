//! Matrix products: `dot` as in ndarray (2-D and 1-D operands) and
//! `tensordot` as in numpy (any axes of n-d operands).
//!
//! A product is a sum of products, so it has the type of a sum: the
//! element's [`Accumulate::Sum`] (`i64` for `i32` operands, where numpy would
//! keep `i32` and wrap), computed in checked arithmetic for integers (an
//! overflow is [`Error::Overflow`](crate::Error::Overflow)).
//!
//! Every product is one block-kernel node (src/kernel/linalg.rs): an output
//! block sums the matrix products along the contracted axes in a fixed
//! order. When the output has few blocks, the contraction is cut into a
//! fixed number of groups, one task each, and the groups are summed by the
//! ordinary axis reduction (a fixed tree). Either way the result is the
//! same on any number of threads.

use super::ChunkedArray;
use crate::element::{Accumulate, Element};
use crate::error::Error;
use crate::kernel::blocks::BlockFn;
use crate::kernel::linalg::Contraction;
use crate::kernel::reducers::Sum;
use crate::kernel::Block;
use ndarray::{Axis, Dimension, Ix0, Ix1, Ix2, IxDyn, LinalgScalar};
use std::marker::PhantomData;
use std::sync::Arc;

/// Matrix and vector products of chunked arrays, as ndarray's
/// [`Dot`](ndarray::linalg::Dot): `ChunkedArray::dot` calls it, so the trait
/// is only needed to write code generic over the operand kinds.
///
/// | `self` | `rhs` | result |
/// |---|---|---|
/// | `Ix2` (m × k) | `Ix2` (k × n) | `Ix2` (m × n) |
/// | `Ix2` (m × k) | `Ix1` (k) | `Ix1` (m) |
/// | `Ix1` (k) | `Ix2` (k × n) | `Ix1` (n) |
/// | `Ix1` (k) | `Ix1` (k) | `Ix0` (the inner product) |
///
/// Inner lengths that differ are an [`Error::ShapeMismatch`] from `compute`
/// naming both shapes. The inner axes may be chunked differently.
///
/// The product is in the element's sum type ([`Accumulate::Sum`]: `i64`
/// for `i8` to `i32`, `u64` for `u8` to `u32`, the element type otherwise),
/// so small integers do not wrap; integer products and sums are checked, an
/// overflow is an [`Error::Overflow`] from `compute`. `bool` arrays have no
/// product (`T: LinalgScalar`): numpy's is a logical one, not a count, so
/// cast them first.
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::Dot;
/// fn gram<A: Dot<A>>(x: &A) -> A::Output { x.dot(x) }
/// let x = ChunkedArray::from_array(array![[1.0, 2.0], [3.0, 4.0]], (1, 2))?;
/// assert_eq!(gram(&x).compute()?, array![[7.0, 10.0], [15.0, 22.0]]);
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub trait Dot<Rhs> {
    /// The product's type.
    type Output;
    /// The matrix (or vector) product `self · rhs`.
    fn dot(&self, rhs: &Rhs) -> Self::Output;
}

macro_rules! dot_impls {
    ($($lhs:ty, $rhs:ty => $out:ty;)*) => {$(
        impl<T> Dot<ChunkedArray<T, $rhs>> for ChunkedArray<T, $lhs>
        where
            T: Element + LinalgScalar + Accumulate,
            T::Sum: LinalgScalar,
        {
            type Output = ChunkedArray<T::Sum, $out>;
            fn dot(&self, rhs: &ChunkedArray<T, $rhs>) -> ChunkedArray<T::Sum, $out> {
                // The last axis of `self` with the first of `rhs`.
                contract(self, rhs, &[self.ndim() - 1], &[0], "dot")
            }
        }
    )*};
}

dot_impls! {
    Ix2, Ix2 => Ix2;
    Ix2, Ix1 => Ix1;
    Ix1, Ix2 => Ix1;
    Ix1, Ix1 => Ix0;
}

/// # Linear algebra (2-D)
impl<T: Element> ChunkedArray<T, Ix2> {
    /// Matrix product with a matrix (`Ix2` result) or a vector (`Ix1`
    /// result), as ndarray's `dot`; see [`Dot`]. Blocks of the product are
    /// computed in parallel with the `gemm` crate (`f32`, `f64`), summed along
    /// the inner axis in a fixed order: bit-identical on any thread count.
    /// Integer products are in the element's sum type, checked (see [`Dot`]).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let a = Array::from_shape_fn((6, 4), |(i, j)| (i + 2 * j) as f64);
    /// let b = Array::from_shape_fn((4, 5), |(i, j)| (i * j) as f64 - 1.0);
    /// let x = ChunkedArray::from_array(a.clone(), (4, 3))?;
    /// let y = ChunkedArray::from_array(b.clone(), (2, 2))?; // inner chunks differ: fine
    /// assert_eq!(x.dot(&y).compute()?, a.dot(&b));
    /// let v = ChunkedArray::from_array(array![1.0, 0.0, 0.0, 2.0], 2)?;
    /// assert_eq!(x.dot(&v).compute()?, a.column(0).to_owned() + a.column(3).mapv(|c| 2.0 * c));
    /// let wrong = ChunkedArray::<f64, _>::ones((5, 5), (5, 5))?;
    /// assert!(matches!(x.dot(&wrong).compute(), Err(Error::ShapeMismatch { .. })));
    /// let bytes = ChunkedArray::from_array(array![[200_u8, 100], [1, 2]], (1, 2))?;
    /// assert_eq!(bytes.dot(&bytes).compute()?, array![[40_100_u64, 20_200], [202, 104]]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn dot<Rhs>(&self, rhs: &Rhs) -> <Self as Dot<Rhs>>::Output
    where
        Self: Dot<Rhs>,
    {
        Dot::dot(self, rhs)
    }
}

/// # Linear algebra (1-D)
impl<T: Element> ChunkedArray<T, Ix1> {
    /// Inner product with a vector (`Ix0` result) or vector-matrix product
    /// (`Ix1` result), as ndarray's `dot`; see [`Dot`].
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let v = ChunkedArray::from_array(array![1.0, 2.0, 3.0], 2)?;
    /// assert_eq!(v.dot(&v).compute()?.into_scalar(), 14.0);
    /// let m = ChunkedArray::from_array(array![[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], (3, 1))?;
    /// assert_eq!(v.dot(&m).compute()?, array![4.0, 5.0]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn dot<Rhs>(&self, rhs: &Rhs) -> <Self as Dot<Rhs>>::Output
    where
        Self: Dot<Rhs>,
    {
        Dot::dot(self, rhs)
    }
}

/// numpy's `tensordot`: sums the products of `a` and `b` over the axes
/// `axes.0` of `a` paired with `axes.1` of `b`. The result's axes are the
/// remaining axes of `a`, then those of `b`, in order.
///
/// Bad axes (out of range, repeated, or lists of different lengths) and
/// paired axes of different lengths are errors reported by `compute`. Each
/// output block is computed from the blocks along the contracted axes, which
/// may be chunked differently in `a` and `b`. The result is in the element's
/// sum type, checked for integers, as [`Dot`]'s.
///
/// ```
/// use ndchunk::prelude::*;
/// let a = Array::from_shape_fn((3, 4, 5), |(i, j, k)| (i + j * k) as f64).into_dyn();
/// let b = Array::from_shape_fn((4, 3, 2), |(i, j, k)| (i * j + k) as f64).into_dyn();
/// let x = ChunkedArray::from_array(a.clone(), (2, 2, 5))?;
/// let y = ChunkedArray::from_array(b.clone(), (3, 1, 2))?;
/// // Contract axes 0 and 1 of a with axes 1 and 0 of b: a (5) x (2) result.
/// let t = ndchunk::tensordot(&x, &y, (&[0, 1], &[1, 0])).compute()?;
/// let expected = Array::from_shape_fn((5, 2), |(k, m)| {
///     (0..3).flat_map(|i| (0..4).map(move |j| (i, j)))
///         .map(|(i, j)| a[[i, j, k]] * b[[j, i, m]])
///         .sum::<f64>()
/// });
/// assert_eq!(t, expected.into_dyn());
/// let bad = ndchunk::tensordot(&x, &y, (&[0], &[0]));   // lengths 3 and 4
/// assert!(matches!(bad.compute(), Err(Error::ShapeMismatch { .. })));
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn tensordot<T, D1, D2>(
    a: &ChunkedArray<T, D1>,
    b: &ChunkedArray<T, D2>,
    axes: (&[usize], &[usize]),
) -> ChunkedArray<T::Sum, IxDyn>
where
    T: Element + LinalgScalar + Accumulate,
    T::Sum: LinalgScalar,
    D1: Dimension,
    D2: Dimension,
{
    contract(a, b, axes.0, axes.1, "tensordot")
}

/// Checks the axes: as many for `a` as for `b`, each in range and used once.
fn check_axes(
    op: &'static str,
    a_ndim: usize,
    b_ndim: usize,
    a_con: &[usize],
    b_con: &[usize],
) -> Result<(), Error> {
    if a_con.len() != b_con.len() {
        return Err(Error::invalid(
            "axes",
            format!(
                "{op} pairs axes of a with axes of b: got {} axes {a_con:?} of a and {} axes {b_con:?} of b",
                a_con.len(),
                b_con.len()
            ),
        ));
    }
    for (con, ndim, name) in [(a_con, a_ndim, "a"), (b_con, b_ndim, "b")] {
        for (i, &axis) in con.iter().enumerate() {
            if axis >= ndim {
                return Err(Error::AxisOutOfBounds { op, axis, ndim });
            }
            if con[..i].contains(&axis) {
                return Err(Error::invalid(
                    "axes",
                    format!("{op}: axis {axis} of {name} is contracted twice in {con:?}"),
                ));
            }
        }
    }
    Ok(())
}

/// The product of `a` and `b` contracted over `a_con` paired with `b_con`,
/// as an array of `E` dimensions (free axes of `a`, then of `b`).
fn contract<T, D1, D2, E>(
    a: &ChunkedArray<T, D1>,
    b: &ChunkedArray<T, D2>,
    a_con: &[usize],
    b_con: &[usize],
    op: &'static str,
) -> ChunkedArray<T::Sum, E>
where
    T: Element + LinalgScalar + Accumulate,
    T::Sum: LinalgScalar,
    D1: Dimension,
    D2: Dimension,
    E: Dimension,
{
    let inputs = vec![a.node.clone(), b.node.clone()];
    if let Err(error) = check_axes(op, a.ndim(), b.ndim(), a_con, b_con) {
        let ndim = E::NDIM.unwrap_or(0);
        return ChunkedArray::invalid(vec![0; ndim], error, inputs);
    }
    let free = |shape: &[usize], con: &[usize]| {
        let kept = shape.iter().enumerate().filter(|(x, _)| !con.contains(x));
        kept.map(|(_, &n)| n).collect::<Vec<_>>()
    };
    let mut shape = free(a.shape(), a_con);
    shape.extend(free(b.shape(), b_con));
    if a_con
        .iter()
        .zip(b_con)
        .any(|(&x, &y)| a.shape()[x] != b.shape()[y])
    {
        let error = Error::ShapeMismatch {
            op,
            left: a.shape().to_vec(),
            right: b.shape().to_vec(),
        };
        return ChunkedArray::invalid(shape, error, inputs);
    }
    let contraction = match Contraction::new(a.chunks(), b.chunks(), a_con, b_con) {
        Ok(contraction) => Arc::new(contraction),
        Err(error) => return ChunkedArray::invalid(shape, error, inputs),
    };
    let chunks = contraction.partial_chunks();
    let grouped = contraction.groups > 1;
    let reads = {
        let c = contraction.clone();
        move |index: &[usize]| c.reads(index)
    };
    let compute = {
        let (c, chunks) = (contraction.clone(), chunks.clone());
        move |index: &[usize], blocks: &[&Block<T>]| {
            c.compute(index, blocks, &chunks.block_shape(index), op)
        }
    };
    let kernel = BlockFn::new(op, chunks.clone(), reads, compute).keyed(contraction.key());
    let partial = ChunkedArray::<T::Sum, IxDyn>::from_block_fn(chunks.shape(), kernel, inputs);
    let node = if grouped {
        // The groups' sum names the product if it overflows.
        let sum = Sum {
            op,
            _elem: PhantomData,
        };
        partial.reduce_axis(Axis(0), sum, None, "sum_axis").node
    } else {
        partial.node
    };
    ChunkedArray::from_node(node)
}
