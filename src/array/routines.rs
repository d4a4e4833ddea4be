//! NumPy routines that dask.array has, built on the lazy operations above
//! (views, slices, `concatenate`, index sources, elementwise maps), so they
//! fuse and cull like any other node: `flip`, `roll`, `moveaxis`,
//! `expand_dims`; `eye`, `identity`, `tri`, `tril`, `triu` and the `*_like`
//! constructors; `round`, `nan_to_num`, `isclose`, `allclose`, `ediff1d`,
//! `outer`. More routines live in files by theme: `pad.rs`, `rearrange.rs`
//! (rot90, tile, repeat, ravel), `stack.rs`, `diag.rs`, `grid.rs`,
//! `windows.rs` (coarsen, sliding windows) and `gradient.rs`.

use super::{concatenate, ChunkedArray};
use crate::chunks::ChunkSpec;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::kernel::sources::IndexFnKernel;
use crate::plan::Op;
use ndarray::{Axis, DimMax, Dimension, Ix1, Ix2, IxDyn, Slice};
use num_traits::{Float, One, Zero};
use std::marker::PhantomData;
use std::ops::{Mul, Sub};
use std::sync::Arc;

/// # Rearranging: flip, roll, moveaxis, expand_dims
///
/// NumPy's names. `flip`, `moveaxis` and `expand_dims` are views, never
/// copied; `roll` joins two slices, so its result's blocks are made (each
/// element copied once), and only those a consumer reads.
impl<T: Element, D: Dimension> ChunkedArray<T, D> {
    /// `axis` as an index, or the error of `op` when it is out of range or
    /// its length is unknown until computed (a selection's): the operations
    /// asking read that length when they are recorded.
    pub(super) fn axis_index(&self, op: &'static str, axis: usize) -> Result<usize> {
        if axis >= self.ndim() {
            return Err(Error::AxisOutOfBounds {
                op,
                axis,
                ndim: self.ndim(),
            });
        }
        match self.chunks().is_known(axis) {
            true => Ok(axis),
            false => Err(Error::UnknownChunkSizes { op }),
        }
    }

    /// This array's shape as an array that reports `error` from `compute`.
    pub(super) fn failed(&self, error: Error) -> ChunkedArray<T, D> {
        ChunkedArray::invalid(self.shape().to_vec(), error, vec![self.node.clone()])
    }

    /// The array with the order of its elements along `axis` reversed
    /// (numpy's `flip` with one axis): a view, read backwards, never copied.
    /// An axis out of range is an error from `compute`.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let a = Array::from_shape_fn((3, 4), |(i, j)| (i * 4 + j) as i32);
    /// let x = ChunkedArray::from_array(a.clone(), (2, 3))?;
    /// assert_eq!(x.flip(Axis(1)).compute()?, a.slice(s![.., ..;-1]));
    /// assert!(x.flip(Axis(2)).compute().is_err());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn flip(&self, axis: Axis) -> ChunkedArray<T, D> {
        match self.axis_index("flip", axis.index()) {
            Ok(_) => self.slice_axis(axis, Slice::new(0, None, -1)),
            Err(error) => self.failed(error),
        }
    }

    /// The elements shifted by `shift` places along `axis`, those pushed
    /// past the end coming back at the start (numpy's `roll` with one
    /// axis): element `i` moves to `(i + shift) mod len`, so a negative
    /// shift rolls backwards and a shift longer than the axis wraps. Made of
    /// two slices joined by [`concatenate`](crate::concatenate), so a slice
    /// of the result computes only the input blocks it reads. An axis out of
    /// range is an error from `compute`.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::arange(0, 5, 1, 2)?;
    /// assert_eq!(x.roll(2, Axis(0)).compute()?, array![3, 4, 0, 1, 2]);
    /// assert_eq!(x.roll(-6, Axis(0)).compute()?, array![1, 2, 3, 4, 0]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn roll(&self, shift: isize, axis: Axis) -> ChunkedArray<T, D> {
        let k = match self.axis_index("roll", axis.index()) {
            Ok(k) => k,
            Err(error) => return self.failed(error),
        };
        let len = self.shape()[k];
        // An axis has at most isize::MAX elements (`size::array`), so the
        // length is an isize and the remainder fits back in a usize.
        let split = match shift.checked_rem_euclid(len as isize) {
            Some(0) | None => return self.clone(), // a whole turn, or an empty axis
            Some(s) => len - s as usize,
        };
        let tail = self.slice_axis(axis, Slice::from(split..));
        let head = self.slice_axis(axis, Slice::from(..split));
        concatenate(axis, &[&tail, &head]).unwrap_or_else(|error| self.failed(error))
    }

    /// The array with axis `source` moved to position `destination`, the
    /// others keeping their order (numpy's `moveaxis` with one axis): a view
    /// through [`permuted_axes`](Self::permuted_axes). Either axis out of
    /// range is an error from `compute`.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let a = Array::from_shape_fn((2, 3, 4), |(i, j, k)| (i * 12 + j * 4 + k) as f64);
    /// let x = ChunkedArray::from_array(a.clone(), (1, 2, 3))?;
    /// let y = x.moveaxis(0, 2);
    /// assert_eq!(y.shape(), &[3, 4, 2]);
    /// assert_eq!(y.compute()?, a.permuted_axes((1, 2, 0)));
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn moveaxis(&self, source: usize, destination: usize) -> ChunkedArray<T, D> {
        let checked = self
            .axis_index("moveaxis", source)
            .and_then(|_| self.axis_index("moveaxis", destination));
        if let Err(error) = checked {
            return self.failed(error);
        }
        let mut order: Vec<usize> = (0..self.ndim()).filter(|&a| a != source).collect();
        order.insert(destination, source);
        let mut axes = D::zeros(self.ndim());
        axes.slice_mut().copy_from_slice(&order);
        self.permuted_axes(axes)
    }

    /// The array with a new axis of length 1 at `axis` (numpy's
    /// `expand_dims` with one axis, `0..=ndim`), as a dynamic-rank array:
    /// numpy code adds axes whatever the rank, so the result is `IxDyn` and
    /// calls chain without the dimension type growing. For a result of the
    /// next static rank use [`insert_axis`](Self::insert_axis), the same
    /// view. An axis past `ndim` is an error from `compute`.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::<f64, _>::ones((3, 4), (2, 2))?;
    /// let y = x.expand_dims(Axis(0)).expand_dims(Axis(3));
    /// assert_eq!(y.shape(), &[1, 3, 4, 1]);
    /// assert_eq!(y.compute()?, ArrayD::<f64>::ones(IxDyn(&[1, 3, 4, 1])));
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn expand_dims(&self, axis: Axis) -> ChunkedArray<T, IxDyn> {
        let k = axis.index();
        if k > self.ndim() {
            let error = Error::AxisOutOfBounds {
                op: "expand_dims",
                axis: k,
                ndim: self.ndim() + 1,
            };
            let mut shape = self.shape().to_vec();
            shape.push(1);
            return ChunkedArray::invalid(shape, error, vec![self.node.clone()]);
        }
        self.clone().into_dyn().insert_axis(axis)
    }
}

/// How far element `(i, j)` lies above the main diagonal: `j - i`, the `k`
/// of numpy's `eye`, `tri`, `tril` and `triu`. Both indices are below
/// `isize::MAX` (an array's axes are), so the difference cannot overflow.
fn diagonal(i: usize, j: usize) -> isize {
    j as isize - i as isize
}

/// # Matrices from the index: eye, identity, tri, tril, triu
///
/// Lazy: every value is computed from its index inside the block tasks (and
/// fused into the consumers), so a slice of a huge `eye` computes only the
/// slice.
impl<T: Element> ChunkedArray<T, Ix2> {
    /// An `n x m` matrix whose element `(i, j)` is `f(j - i)`, shared with
    /// equal ones by `label` (the plan's key adds the type, shape and chunks).
    fn from_diagonal_fn(
        (n, m): (usize, usize),
        chunks: impl Into<ChunkSpec>,
        label: String,
        f: impl Fn(isize) -> T + Send + Sync + 'static,
    ) -> Result<Self> {
        let shape = vec![n, m];
        let chunks = chunks.into().resolve(&shape, std::mem::size_of::<T>())?;
        let kernel = IndexFnKernel {
            f: Arc::new(move |index: &[usize]| f(diagonal(index[0], index[1]))),
            key: Some(label.clone()),
            label,
            cheap: true,
            _elem: PhantomData,
        };
        Ok(Self::from_source(shape, chunks, kernel))
    }

    /// An `n x m` matrix of zeros with ones on diagonal `k` (numpy's `eye`):
    /// `k = 0` is the main diagonal, `k > 0` above it, `k < 0` below; a
    /// diagonal outside the matrix leaves it all zeros. Bad chunks are an
    /// error naming the axis.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let e = ChunkedArray::<i32, _>::eye(3, 4, 1, (2, 2))?;
    /// assert_eq!(e.compute()?, array![[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn eye(n: usize, m: usize, k: isize, chunks: impl Into<ChunkSpec>) -> Result<Self>
    where
        T: Zero + One,
    {
        Self::from_diagonal_fn((n, m), chunks, format!("eye(k={k})"), move |d| {
            if d == k {
                T::one()
            } else {
                T::zero()
            }
        })
    }

    /// The `n x n` identity matrix (numpy's `identity`): [`eye`](Self::eye)
    /// with `k = 0`.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let i = ChunkedArray::<f64, _>::identity(500, 100)?;
    /// assert_eq!(i.sum().compute()?.into_scalar(), 500.0);
    /// assert_eq!(i.slice(s![..3, ..3]).compute()?, Array2::<f64>::eye(3));
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn identity(n: usize, chunks: impl Into<ChunkSpec>) -> Result<Self>
    where
        T: Zero + One,
    {
        Self::eye(n, n, 0, chunks)
    }

    /// An `n x m` matrix of ones at and below diagonal `k`, zeros above
    /// (numpy's `tri`): element `(i, j)` is one where `j - i <= k`.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let t = ChunkedArray::<u8, _>::tri(3, 3, -1, 2)?;
    /// assert_eq!(t.compute()?, array![[0, 0, 0], [1, 0, 0], [1, 1, 0]]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn tri(n: usize, m: usize, k: isize, chunks: impl Into<ChunkSpec>) -> Result<Self>
    where
        T: Zero + One,
    {
        Self::from_diagonal_fn((n, m), chunks, format!("tri(k={k})"), move |d| {
            if d <= k {
                T::one()
            } else {
                T::zero()
            }
        })
    }

    /// The elements for which `keep(j - i)`, zeros elsewhere: a mask made
    /// from the index with this array's chunks, zipped with it, so it fuses
    /// with what comes before and after.
    pub(super) fn keep_diagonals(
        &self,
        op: &'static str,
        k: isize,
        keep: fn(isize, isize) -> bool,
    ) -> Self
    where
        T: Zero,
    {
        let label = format!("{op}_mask(k={k})");
        match ChunkedArray::<bool, Ix2>::from_diagonal_fn(
            self.dim(),
            self.chunks(),
            label,
            move |d| keep(d, k),
        ) {
            Ok(mask) => self.binary(
                &mask,
                op,
                Some(op.into()),
                |v, keep| if keep { v } else { T::zero() },
            ),
            Err(error) => self.failed(error),
        }
    }

    /// The lower triangle (numpy's `tril`): the elements at and below
    /// diagonal `k` (`j - i <= k`), zeros above; `k < 0` drops diagonals
    /// below the main one too. Elementwise with the index, so it fuses.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_fn((3, 3), 2, |(i, j)| (3 * i + j + 1) as i64)?;
    /// assert_eq!(x.tril(0).compute()?, array![[1, 0, 0], [4, 5, 0], [7, 8, 9]]);
    /// assert_eq!(x.tril(-1).compute()?, array![[0, 0, 0], [4, 0, 0], [7, 8, 0]]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn tril(&self, k: isize) -> Self
    where
        T: Zero,
    {
        self.keep_diagonals("tril", k, |d, k| d <= k)
    }

    /// The upper triangle (numpy's `triu`): the elements at and above
    /// diagonal `k` (`j - i >= k`), zeros below. Elementwise with the index,
    /// so it fuses.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_fn((3, 3), 2, |(i, j)| (3 * i + j + 1) as i64)?;
    /// assert_eq!(x.triu(1).compute()?, array![[0, 2, 3], [0, 0, 6], [0, 0, 0]]);
    /// assert_eq!(x.triu(-1).compute()?, array![[1, 2, 3], [4, 5, 6], [0, 8, 9]]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn triu(&self, k: isize) -> Self
    where
        T: Zero,
    {
        self.keep_diagonals("triu", k, |d, k| d >= k)
    }
}

/// An array of `x`'s shape and chunks made by `make`; an `x` recorded as
/// invalid stays an error (its shape is only a placeholder).
fn like<T: Element, D: Dimension>(
    x: &ChunkedArray<T, D>,
    make: impl FnOnce(D, ChunkSpec) -> Result<ChunkedArray<T, D>>,
) -> ChunkedArray<T, D> {
    if let Op::Invalid(error) = &x.node.op {
        return x.failed(error.clone());
    }
    make(x.raw_dim(), x.chunks().into()).unwrap_or_else(|error| x.failed(error))
}

/// An array of `x`'s shape and chunks with every element `value` (numpy's
/// `full_like`, keeping `x`'s element type). Nothing of `x` is computed.
///
/// ```
/// use ndchunk::prelude::*;
/// let x = ChunkedArray::<f64, _>::zeros((3, 5), (2, 2))?;
/// let y = ndchunk::full_like(&x, 7.5);
/// assert_eq!(y.chunks(), x.chunks());
/// assert_eq!(y.compute()?, Array::from_elem((3, 5), 7.5));
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn full_like<T: Element, D: Dimension>(x: &ChunkedArray<T, D>, value: T) -> ChunkedArray<T, D> {
    like(x, |shape, chunks| ChunkedArray::full(shape, value, chunks))
}

/// An array of zeros of `x`'s shape, chunks and element type (numpy's
/// `zeros_like`).
///
/// ```
/// use ndchunk::prelude::*;
/// let x = ChunkedArray::arange(0, 10, 1, 4)?;
/// assert_eq!(ndchunk::zeros_like(&x).compute()?, Array::<i32, _>::zeros(10));
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn zeros_like<T: Element + Zero, D: Dimension>(x: &ChunkedArray<T, D>) -> ChunkedArray<T, D> {
    like(x, ChunkedArray::zeros)
}

/// An array of ones of `x`'s shape, chunks and element type (numpy's
/// `ones_like`).
///
/// ```
/// use ndchunk::prelude::*;
/// let x = ChunkedArray::<u32, _>::zeros((2, 3), 2)?;
/// assert_eq!(ndchunk::ones_like(&x).compute()?, Array::<u32, _>::ones((2, 3)));
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn ones_like<T: Element + One, D: Dimension>(x: &ChunkedArray<T, D>) -> ChunkedArray<T, D> {
    like(x, ChunkedArray::ones)
}

/// `10^n` as numpy's `round` makes it (`power_of_ten` in its
/// `calculation.c`): exact products up to `1e22`, then repeated rounded
/// multiplications by 10, so large `decimals` scale exactly as numpy's do.
fn power_of_ten(n: u32) -> f64 {
    (0..n).fold(1.0, |p, _| p * 10.0)
}

/// # Float routines: round, nan_to_num, isclose, allclose
impl<T: Element + Float, D: Dimension> ChunkedArray<T, D> {
    /// Every element rounded to `decimals` decimal places, halves to even
    /// (numpy's `round`/`around`): `0.5` and `-0.5` round to `0.0` and
    /// `-0.0`, `1.5` and `2.5` to `2.0`; negative `decimals` round to tens,
    /// hundreds, .... Computed as numpy does, by scaling with `10^decimals`
    /// (`x * 10^d`, rounded, `/ 10^d`; for `d < 0`, `x / 10^-d`, rounded,
    /// `* 10^-d`), so on `f64` the results are numpy's bit for bit,
    /// including its artefacts: a value that is not exactly representable
    /// rounds as its binary value does (`2.675` to 2 places is `2.67`), a
    /// scaled value that overflows gives an infinity (`1e300` to 10 places)
    /// and `|decimals| > 308` gives NaN (the scale is infinite). On `f32`
    /// the scale is rounded to `f32` once, and the products are `f32`, as in
    /// numpy with a Python scalar. NaN and infinities stay as they are.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![0.5, 1.5, 2.5, -2.5, 1.2345, 1250.0], 2)?;
    /// assert_eq!(x.round(0).compute()?, array![0.0, 2.0, 2.0, -2.0, 1.0, 1250.0]);
    /// assert_eq!(x.round(2).compute()?[4], 1.23);
    /// assert_eq!(x.round(-2).compute()?[5], 1200.0); // 12.5 hundreds: to even
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn round(&self, decimals: i32) -> ChunkedArray<T, D> {
        // An infinite f64 scale casts to an infinite T, as numpy's does.
        let scale = T::from(power_of_ten(decimals.unsigned_abs())).unwrap_or_else(T::infinity);
        // Rounding a value of T in f64 is exact: f32 values are f64 values,
        // and an integer that f32 cannot hold exactly is never produced
        // (values beyond 2^23 are integers already).
        let rint = |y: T| {
            y.to_f64()
                .and_then(|v| T::from(v.round_ties_even()))
                .unwrap_or_else(T::nan)
        };
        let key = format!("round({decimals})");
        if decimals >= 0 {
            self.unary(key.clone(), Some(key), move |x| rint(x * scale) / scale)
        } else {
            self.unary(key.clone(), Some(key), move |x| rint(x / scale) * scale)
        }
    }

    /// NaN replaced with `nan`, positive infinity with `posinf` and negative
    /// infinity with `neginf` (numpy's `nan_to_num` with all three given;
    /// numpy's defaults are `0.0`, `T::max_value()` and `T::min_value()`).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![1.0, f64::NAN, f64::INFINITY, -f64::INFINITY], 3)?;
    /// let y = x.nan_to_num(0.0, f64::MAX, f64::MIN);
    /// assert_eq!(y.compute()?, array![1.0, 0.0, f64::MAX, f64::MIN]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn nan_to_num(&self, nan: T, posinf: T, neginf: T) -> ChunkedArray<T, D> {
        let key = format!(
            "nan_to_num({:?}, {:?}, {:?})",
            nan.to_f64(),
            posinf.to_f64(),
            neginf.to_f64()
        );
        self.unary(key.clone(), Some(key), move |x| {
            if x.is_nan() {
                nan
            } else if x == T::infinity() {
                posinf
            } else if x == T::neg_infinity() {
                neginf
            } else {
                x
            }
        })
    }

    /// Whether each element of `self` is close to the element of `other`
    /// (broadcast together), by numpy's asymmetric test
    /// `|a - b| <= atol + rtol * |b|` (`isclose`; numpy's defaults are
    /// `rtol = 1e-5`, `atol = 1e-8`): `other` is the reference, so swapping
    /// the arrays can change the answer. Infinities are close only to the
    /// same infinity; NaN is close to nothing, or to NaN when `equal_nan`.
    /// Shapes that do not broadcast are an error from `compute`.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let a = ChunkedArray::from_array(array![1.0, 1e10, f64::NAN, f64::INFINITY], 2)?;
    /// let b = ChunkedArray::from_array(array![1.000001, 1.0001e10, f64::NAN, f64::INFINITY], 3)?;
    /// let close = a.isclose(&b, 1e-5, 1e-8, false);
    /// assert_eq!(close.compute()?, array![true, false, false, true]);
    /// assert_eq!(a.isclose(&b, 1e-5, 1e-8, true).compute()?[2], true);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn isclose<E: Dimension>(
        &self,
        other: &ChunkedArray<T, E>,
        rtol: T,
        atol: T,
        equal_nan: bool,
    ) -> ChunkedArray<bool, <D as DimMax<E>>::Output>
    where
        D: DimMax<E>,
    {
        let key = format!(
            "isclose({:?}, {:?}, {equal_nan})",
            rtol.to_f64(),
            atol.to_f64()
        );
        self.binary(other, "isclose", Some(key), move |a, b| {
            if a.is_nan() || b.is_nan() {
                equal_nan && a.is_nan() && b.is_nan()
            } else if a == b {
                true // equal infinities: their difference would be NaN
            } else if a.is_infinite() || b.is_infinite() {
                false
            } else {
                (a - b).abs() <= atol + rtol * b.abs()
            }
        })
    }

    /// Whether every element is [`isclose`](Self::isclose) to `other`'s
    /// (numpy's `allclose`): computes the test and its `all` reduction.
    /// Shapes that do not broadcast are an error naming both.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ndchunk::random::Rng::seed(1).standard_normal((300, 200), (100, 100))?;
    /// let y = &x + 1e-9;
    /// assert!(x.allclose(&y, 1e-5, 1e-8, false)?);
    /// assert!(!x.allclose(&(&x + 1.0), 1e-5, 1e-8, false)?);
    /// assert!(x.allclose(&x.t(), 1e-5, 1e-8, false).is_err()); // 300 x 200 and 200 x 300
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn allclose<E: Dimension>(
        &self,
        other: &ChunkedArray<T, E>,
        rtol: T,
        atol: T,
        equal_nan: bool,
    ) -> Result<bool>
    where
        D: DimMax<E>,
    {
        let close = self.isclose(other, rtol, atol, equal_nan).all();
        Ok(close.compute()?.into_scalar())
    }
}

/// # Differences
impl<T: Element + Sub<Output = T>, D: Dimension> ChunkedArray<T, D> {
    /// The differences between consecutive elements of the flattened array
    /// (numpy's `ediff1d` without `to_begin`/`to_end`): `x[i + 1] - x[i]`
    /// in C order, one element fewer, empty for zero or one element. On a
    /// 1-D array it is [`diff(1, Axis(0))`](Self::diff).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![[1, 2, 4], [7, 11, 16]], (1, 2))?;
    /// assert_eq!(x.ediff1d().compute()?, array![1, 2, 3, 4, 5]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn ediff1d(&self) -> ChunkedArray<T, Ix1> {
        let flat = self.reshape(self.len());
        if flat.is_empty() {
            return flat; // numpy gives an empty array, not an error
        }
        flat.diff(1, Axis(0))
    }
}

/// The outer product of two 1-D arrays (numpy's `outer`): element `(i, j)`
/// is `a[i] * b[j]`, blocks `a`'s chunks by `b`'s. Broadcasting underneath,
/// so nothing is copied before the products are made.
///
/// ```
/// use ndchunk::prelude::*;
/// let a = ChunkedArray::from_array(array![1, 2, 3], 2)?;
/// let b = ChunkedArray::from_array(array![10, 20], 1)?;
/// let o = ndchunk::outer(&a, &b);
/// assert_eq!(o.compute()?, array![[10, 20], [20, 40], [30, 60]]);
/// assert_eq!(o.chunks().sizes(), &[vec![2, 1], vec![1, 1]]);
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn outer<T: Element + Mul<Output = T>>(
    a: &ChunkedArray<T, Ix1>,
    b: &ChunkedArray<T, Ix1>,
) -> ChunkedArray<T, Ix2> {
    let column = a.insert_axis(Axis(1));
    let row = b.insert_axis(Axis(0));
    column.binary(&row, "outer", Some("outer".into()), |x, y| x * y)
}
