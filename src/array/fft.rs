//! Discrete Fourier transforms of chunked arrays, as `numpy.fft` and
//! `dask.array.fft`: lazy, one task per block.
//!
//! A transform needs whole lanes: the transformed axis is made one block
//! first (a [`rechunk`](crate::ChunkedArray::rechunk), as dask does; the
//! other axes keep their chunks), so a block holds
//! `chunk x axis length` elements. Transforms over several axes do one
//! axis after the other.
//!
//! Conventions are numpy's: no scaling forward, `1/n` on the inverse (or
//! another [`Norm`] and a cropped or zero-padded length `n`, `s`, through
//! the `*_with` forms); `rfft`
//! keeps the `n/2 + 1` non-negative frequencies and `irfft(x, n, axis)`
//! takes them back to `n` real values (ignoring the imaginary parts a real
//! signal cannot have). Elements are `Complex<f32>`/`Complex<f64>` from
//! `num-complex` (re-exported here), with elementwise [`Complex`]
//! parts through [`ComplexArray`]. Transforms run on `rustfft`/`realfft`
//! (pure Rust, SIMD chosen at run time), accurate to about `1e-15 log n`
//! relative in `f64`.
//!
//! ```
//! use ndchunk::prelude::*;
//! use ndchunk::fft::{self, ComplexArray};
//! let t = ChunkedArray::from_fn(64, 16, |i| (2.0 * std::f64::consts::PI * 5.0 * i as f64 / 64.0).cos())?;
//! let power = fft::rfft(&t, Axis(0)).abs().compute()?;
//! assert!((power[5] - 32.0).abs() < 1e-9 && power[4].abs() < 1e-9);
//! # Ok::<(), ndchunk::Error>(())
//! ```

use super::ChunkedArray;
use crate::chunks::Chunks;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::kernel::blocks::BlockFn;
use crate::kernel::fft::{complex_lanes, complex_to_real_lanes, real_to_complex_lanes};
use crate::kernel::Block;
use ndarray::{ArrayD, ArrayViewD, Axis, Dimension, Ix1};
pub use num_complex::{Complex, Complex32, Complex64};
use num_traits::{Float, FromPrimitive};
use realfft::RealFftPlanner;
use rustfft::{FftNum, FftPlanner};
use std::sync::OnceLock;

/// The float types transforms run on: `f32` and `f64`.
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::fft::{self, Complex32};
/// let x = ChunkedArray::from_array(array![1.0_f32, -1.0, 1.0, -1.0], 2)?;
/// assert_eq!(fft::rfft(&x, Axis(0)).compute()?[2], Complex32::new(4.0, 0.0));
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub trait FftFloat: FftNum + Float + FromPrimitive + Element {}

impl FftFloat for f32 {}
impl FftFloat for f64 {}

/// `x` with every lane along `axis` turned by `lanes` into a lane of
/// `out_len` values (`op` names the transform in errors and plans).
fn along<T, U, D>(
    x: &ChunkedArray<T, D>,
    axis: Axis,
    op: &'static str,
    out_len: impl FnOnce(usize) -> Result<usize>,
    lanes: impl Fn(ArrayViewD<'_, T>, usize) -> Result<ArrayD<U>> + Send + Sync + 'static,
) -> ChunkedArray<U, D>
where
    T: Element,
    U: Element,
    D: Dimension,
{
    let mut shape = x.shape().to_vec();
    let fail = |e: Error| ChunkedArray::invalid(x.shape().to_vec(), e, vec![x.node.clone()]);
    let k = match x.axis_index(op, axis.index()) {
        Ok(k) => k,
        Err(e) => return fail(e),
    };
    let out = match out_len(shape[k]) {
        Ok(n) => n,
        Err(e) => return fail(e),
    };
    let len = shape[k];
    let mut sizes = x.chunks().sizes();
    sizes[k] = vec![len];
    let whole = x.rechunk(Chunks::from_sizes(sizes.clone()));
    sizes[k] = vec![out];
    shape[k] = out;
    let compute =
        move |_: &[usize], blocks: &[&Block<T>]| Ok(lanes(blocks[0].view(), k)?.into_shared());
    let reads = |index: &[usize]| vec![(0, index.to_vec())];
    let kernel = BlockFn::new(
        format!("{op}(axis={k})"),
        Chunks::from_sizes(sizes),
        reads,
        compute,
    );
    ChunkedArray::from_block_fn(shape, kernel, vec![whole.node.clone()])
}

/// How a transform is scaled (numpy's `norm`): the forward transform and
/// its inverse together always divide by `n`.
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::fft::{self, Complex64, Norm};
/// let x = ChunkedArray::from_array(array![1.0, 1.0, 1.0, 1.0].mapv(|v| Complex64::new(v, 0.0)), 2)?;
/// let f = fft::fft_with(&x, None, Axis(0), Norm::Ortho).compute()?;
/// assert_eq!(f[0], Complex64::new(2.0, 0.0)); // 4 / sqrt(4)
/// let f = fft::fft_with(&x, None, Axis(0), Norm::Forward).compute()?;
/// assert_eq!(f[0], Complex64::new(1.0, 0.0)); // 4 / 4
/// # Ok::<(), ndchunk::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Norm {
    /// No scaling forward, `1/n` on the inverse (numpy's default).
    #[default]
    Backward,
    /// `1/sqrt(n)` both ways: the transform is unitary.
    Ortho,
    /// `1/n` forward, no scaling on the inverse.
    Forward,
}

impl Norm {
    /// The factor of an `n`-point transform (the inverse when `inverse`).
    fn scale<T: FftFloat>(self, n: usize, inverse: bool) -> T {
        let n = match T::from_usize(n) {
            Some(n) if n > T::zero() => n,
            _ => return T::one(),
        };
        match (self, inverse) {
            (Norm::Backward, false) | (Norm::Forward, true) => T::one(),
            (Norm::Ortho, _) => T::one() / n.sqrt(),
            (Norm::Backward, true) | (Norm::Forward, false) => T::one() / n,
        }
    }
}

/// The length of a transform: `n` when given (it must be at least 1),
/// else the axis' `len` (then an empty axis is the error).
fn points(op: &str, n: Option<usize>, len: usize) -> Result<usize> {
    match n {
        Some(0) => Err(Error::invalid(
            "n",
            format!("`{op}` needs at least 1 point, got n = 0"),
        )),
        Some(n) => Ok(n),
        None if len == 0 => Err(Error::invalid(
            "axis",
            format!("`{op}` of an empty axis: a transform needs at least 1 point"),
        )),
        None => Ok(len),
    }
}

/// The length of `axis` of `x` (0 when out of bounds: `along` reports it).
/// A transform's plan, made when a task first needs it: not when the
/// array is recorded, so a length unknown until computed (a selection's,
/// refused by the rechunk before any task runs) or far too large is never
/// planned on the caller's thread, and a plan no task needs is never made.
struct Planned<P, F> {
    plan: F,
    made: OnceLock<P>,
}

fn planned<P, F: Fn() -> P>(plan: F) -> Planned<P, F> {
    Planned {
        plan,
        made: OnceLock::new(),
    }
}

impl<P, F: Fn() -> P> Planned<P, F> {
    fn get(&self) -> &P {
        self.made.get_or_init(&self.plan)
    }
}

fn axis_len<T: Element, D: Dimension>(x: &ChunkedArray<T, D>, axis: Axis) -> usize {
    x.shape().get(axis.index()).copied().unwrap_or(0)
}

fn complex<T: FftFloat, D: Dimension>(
    x: &ChunkedArray<Complex<T>, D>,
    n: Option<usize>,
    axis: Axis,
    norm: Norm,
    inverse: bool,
) -> ChunkedArray<Complex<T>, D> {
    let op = if inverse { "ifft" } else { "fft" };
    let len = n.unwrap_or_else(|| axis_len(x, axis));
    let fft = planned(move || match inverse {
        true => FftPlanner::new().plan_fft_inverse(len),
        false => FftPlanner::new().plan_fft_forward(len),
    });
    let scale = norm.scale(len, inverse);
    along(
        x,
        axis,
        op,
        |m| points(op, n, m),
        move |block, k| Ok(complex_lanes(block, k, &**fft.get(), scale)),
    )
}

/// The discrete Fourier transform along `axis` (numpy's `fft.fft`).
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::fft::{self, Complex64};
/// let x = ChunkedArray::from_array(array![1.0, 0.0, 0.0, 0.0].mapv(|v| Complex64::new(v, 0.0)), 2)?;
/// // An impulse has a flat spectrum.
/// assert!(fft::fft(&x, Axis(0)).compute()?.iter().all(|z| *z == Complex64::new(1.0, 0.0)));
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn fft<T: FftFloat, D: Dimension>(
    x: &ChunkedArray<Complex<T>, D>,
    axis: Axis,
) -> ChunkedArray<Complex<T>, D> {
    fft_with(x, None, axis, Norm::Backward)
}

/// [`fft`] with numpy's `n` and `norm`: the axis is cropped to its first
/// `n` values or zero-padded to `n` before the `n`-point transform (its
/// own length when `None`), scaled as `norm` says.
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::fft::{self, Complex64, Norm};
/// let x = ChunkedArray::from_array(array![1.0, 2.0, 3.0].mapv(|v| Complex64::new(v, 0.0)), 2)?;
/// let f = fft::fft_with(&x, Some(8), Axis(0), Norm::Backward).compute()?;
/// assert_eq!(f.len(), 8);
/// assert_eq!(f[0], Complex64::new(6.0, 0.0));
/// assert_eq!(fft::fft_with(&x, Some(2), Axis(0), Norm::Backward).compute()?[1], Complex64::new(-1.0, 0.0));
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn fft_with<T: FftFloat, D: Dimension>(
    x: &ChunkedArray<Complex<T>, D>,
    n: Option<usize>,
    axis: Axis,
    norm: Norm,
) -> ChunkedArray<Complex<T>, D> {
    complex(x, n, axis, norm, false)
}

/// The inverse transform along `axis`, scaled by `1/n` (numpy's `fft.ifft`).
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::fft::{self, Complex64};
/// let a = Array::from_shape_fn((4, 6), |(i, j)| Complex64::new(i as f64, j as f64));
/// let x = ChunkedArray::from_array(a.clone(), (3, 4))?;
/// let back = fft::ifft(&fft::fft(&x, Axis(1)), Axis(1)).compute()?;
/// assert!(back.iter().zip(&a).all(|(b, a)| (b - a).norm() < 1e-12));
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn ifft<T: FftFloat, D: Dimension>(
    x: &ChunkedArray<Complex<T>, D>,
    axis: Axis,
) -> ChunkedArray<Complex<T>, D> {
    ifft_with(x, None, axis, Norm::Backward)
}

/// [`ifft`] with numpy's `n` (crop or zero-pad the axis first) and `norm`.
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::fft::{self, Complex64, Norm};
/// let a = array![1.0, -2.0, 0.5, 4.0].mapv(|v| Complex64::new(v, 1.0));
/// let x = ChunkedArray::from_array(a.clone(), 3)?;
/// let f = fft::fft_with(&x, None, Axis(0), Norm::Ortho);
/// let back = fft::ifft_with(&f, None, Axis(0), Norm::Ortho).compute()?;
/// assert!(back.iter().zip(&a).all(|(b, a)| (b - a).norm() < 1e-12));
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn ifft_with<T: FftFloat, D: Dimension>(
    x: &ChunkedArray<Complex<T>, D>,
    n: Option<usize>,
    axis: Axis,
    norm: Norm,
) -> ChunkedArray<Complex<T>, D> {
    complex(x, n, axis, norm, true)
}

/// The transform of a real array along `axis`: its `n/2 + 1` non-negative
/// frequencies (numpy's `fft.rfft`).
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::fft;
/// let x = ChunkedArray::from_array(array![1.0_f64, 2.0, 3.0, 4.0, 5.0], 2)?;
/// let f = fft::rfft(&x, Axis(0)).compute()?;
/// assert_eq!(f.len(), 3);
/// assert!((f[0].re - 15.0).abs() < 1e-12);
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn rfft<T: FftFloat, D: Dimension>(
    x: &ChunkedArray<T, D>,
    axis: Axis,
) -> ChunkedArray<Complex<T>, D> {
    rfft_with(x, None, axis, Norm::Backward)
}

/// [`rfft`] with numpy's `n` (crop or zero-pad the axis to `n` real
/// values, giving `n/2 + 1` frequencies) and `norm`.
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::fft::{self, Norm};
/// let x = ChunkedArray::from_array(array![1.0_f64, 2.0, 3.0], 2)?;
/// let f = fft::rfft_with(&x, Some(6), Axis(0), Norm::Forward).compute()?;
/// assert_eq!(f.len(), 4);
/// assert!((f[0].re - 1.0).abs() < 1e-12); // 6 / 6
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn rfft_with<T: FftFloat, D: Dimension>(
    x: &ChunkedArray<T, D>,
    n: Option<usize>,
    axis: Axis,
    norm: Norm,
) -> ChunkedArray<Complex<T>, D> {
    let len = n.unwrap_or_else(|| axis_len(x, axis));
    let r2c = planned(move || RealFftPlanner::new().plan_fft_forward(len));
    let scale = norm.scale(len, false);
    along(
        x,
        axis,
        "rfft",
        |m| points("rfft", n, m).map(|n| n / 2 + 1),
        move |block, k| real_to_complex_lanes(block, k, &**r2c.get(), scale),
    )
}

/// The real signal of `n` points whose [`rfft`] is `x` along `axis`
/// (numpy's `fft.irfft` with `n`): `x`'s first `n/2 + 1` values are used,
/// zero-padded when it has fewer.
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::fft;
/// let a = array![[0.5_f64, -1.0, 2.0, 3.0, 0.0], [1.0, 1.0, 1.0, 1.0, 1.0]];
/// let x = ChunkedArray::from_array(a.clone(), (1, 5))?;
/// let back = fft::irfft(&fft::rfft(&x, Axis(1)), 5, Axis(1)).compute()?;
/// assert!(back.iter().zip(&a).all(|(b, a)| (b - a).abs() < 1e-12));
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn irfft<T: FftFloat, D: Dimension>(
    x: &ChunkedArray<Complex<T>, D>,
    n: usize,
    axis: Axis,
) -> ChunkedArray<T, D> {
    irfft_with(x, Some(n), axis, Norm::Backward)
}

/// [`irfft`] with numpy's optional `n` (by default `2 (m - 1)` for an axis
/// of `m` values, so an odd length must be given) and `norm`.
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::fft::{self, Norm};
/// let a = array![0.5_f64, -1.0, 2.0, 3.0];
/// let x = ChunkedArray::from_array(a.clone(), 3)?;
/// let f = fft::rfft_with(&x, None, Axis(0), Norm::Ortho);
/// let back = fft::irfft_with(&f, None, Axis(0), Norm::Ortho).compute()?;
/// assert!(back.iter().zip(&a).all(|(b, a)| (b - a).abs() < 1e-12));
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn irfft_with<T: FftFloat, D: Dimension>(
    x: &ChunkedArray<Complex<T>, D>,
    n: Option<usize>,
    axis: Axis,
    norm: Norm,
) -> ChunkedArray<T, D> {
    // numpy's default: the even signal whose rfft has the axis' length.
    let n = n.unwrap_or_else(|| {
        axis_len(x, axis)
            .saturating_sub(1)
            .checked_mul(2)
            .unwrap_or(0)
    });
    let c2r = planned(move || RealFftPlanner::new().plan_fft_inverse(n));
    let scale = norm.scale(n, true);
    along(
        x,
        axis,
        "irfft",
        |_| points("irfft", Some(n), 0),
        move |block, k| complex_to_real_lanes(block, k, &**c2r.get(), scale),
    )
}

/// The axes a transform over several axes runs on: the given ones, checked,
/// or all of them when none are given (numpy's `axes=None`).
fn axes_of(ndim: usize, axes: &[Axis], op: &'static str) -> Result<Vec<Axis>> {
    if axes.is_empty() {
        return Ok((0..ndim).map(Axis).collect());
    }
    for (i, a) in axes.iter().enumerate() {
        if a.index() >= ndim {
            return Err(Error::AxisOutOfBounds {
                op,
                axis: a.index(),
                ndim,
            });
        }
        if axes[..i].contains(a) {
            return Err(Error::invalid(
                "axes",
                format!("axis {} is given twice to `{op}`", a.index()),
            ));
        }
    }
    Ok(axes.to_vec())
}

/// The axes of a transform over several axes, each with its length
/// (numpy's `s` and `axes`): `axes` checked (all when empty, or the last
/// `s.len()` when `s` is given), each paired with its entry of `s` (its own
/// length when `s` is `None`).
fn lengths_of(
    ndim: usize,
    s: Option<&[usize]>,
    axes: &[Axis],
    op: &'static str,
) -> Result<Vec<(Axis, Option<usize>)>> {
    let Some(s) = s else {
        return Ok(axes_of(ndim, axes, op)?
            .into_iter()
            .map(|a| (a, None))
            .collect());
    };
    let axes = match (axes.is_empty(), ndim.checked_sub(s.len())) {
        (false, _) => axes_of(ndim, axes, op)?,
        (true, Some(first)) => (first..ndim).map(Axis).collect(),
        (true, None) => {
            return Err(Error::invalid(
                "s",
                format!("`{op}` got {} lengths for an array of {ndim} axes", s.len()),
            ))
        }
    };
    if axes.len() != s.len() {
        return Err(Error::invalid(
            "s",
            format!(
                "`{op}` got {} lengths for {} axes: give one per axis",
                s.len(),
                axes.len()
            ),
        ));
    }
    Ok(axes.into_iter().zip(s.iter().map(|&n| Some(n))).collect())
}

/// The transform over `axes` (all when empty), one axis after the other
/// (numpy's `fft.fftn`).
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::fft::{self, Complex64};
/// let x = ChunkedArray::full((4, 4, 2), Complex64::new(1.0, 0.0), 2)?;
/// let f = fft::fftn(&x, &[]).compute()?;
/// assert_eq!(f[[0, 0, 0]], Complex64::new(32.0, 0.0));
/// assert_eq!(f[[1, 2, 1]], Complex64::new(0.0, 0.0));
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn fftn<T: FftFloat, D: Dimension>(
    x: &ChunkedArray<Complex<T>, D>,
    axes: &[Axis],
) -> ChunkedArray<Complex<T>, D> {
    fftn_with(x, None, axes, Norm::Backward)
}

/// [`fftn`] with numpy's `s` (each transformed axis cropped or zero-padded
/// to its length; with no `axes`, `s` is for the last `s.len()` axes) and
/// `norm` (applied on every axis).
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::fft::{self, Complex64, Norm};
/// let x = ChunkedArray::full((3, 5), Complex64::new(1.0, 0.0), 2)?;
/// let f = fft::fftn_with(&x, Some(&[4, 4]), &[], Norm::Ortho).compute()?;
/// assert_eq!(f.shape(), &[4, 4]);
/// assert!((f[[0, 0]] - Complex64::new(12.0 / 4.0, 0.0)).norm() < 1e-12);
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn fftn_with<T: FftFloat, D: Dimension>(
    x: &ChunkedArray<Complex<T>, D>,
    s: Option<&[usize]>,
    axes: &[Axis],
    norm: Norm,
) -> ChunkedArray<Complex<T>, D> {
    over(x, s, axes, norm, "fftn", false)
}

/// The inverse transform over `axes` (all when empty), numpy's `fft.ifftn`.
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::fft::{self, Complex64};
/// let a = Array::from_shape_fn((3, 5), |(i, j)| Complex64::new((i * j) as f64, 1.0));
/// let x = ChunkedArray::from_array(a.clone(), 2)?;
/// let back = fft::ifftn(&fft::fftn(&x, &[]), &[]).compute()?;
/// assert!(back.iter().zip(&a).all(|(b, a)| (b - a).norm() < 1e-12));
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn ifftn<T: FftFloat, D: Dimension>(
    x: &ChunkedArray<Complex<T>, D>,
    axes: &[Axis],
) -> ChunkedArray<Complex<T>, D> {
    ifftn_with(x, None, axes, Norm::Backward)
}

/// [`ifftn`] with numpy's `s` and `norm` (as [`fftn_with`]).
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::fft::{self, Complex64, Norm};
/// let x = ChunkedArray::full((2, 3), Complex64::new(6.0, 0.0), 2)?;
/// let f = fft::ifftn_with(&x, None, &[Axis(1)], Norm::Forward).compute()?;
/// assert_eq!(f[[1, 0]], Complex64::new(18.0, 0.0));
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn ifftn_with<T: FftFloat, D: Dimension>(
    x: &ChunkedArray<Complex<T>, D>,
    s: Option<&[usize]>,
    axes: &[Axis],
    norm: Norm,
) -> ChunkedArray<Complex<T>, D> {
    over(x, s, axes, norm, "ifftn", true)
}

/// A complex array.
type Complexes<T, D> = ChunkedArray<Complex<T>, D>;

/// A transform over given axes with lengths and scaling ([`fftn_with`],
/// [`ifftn_with`]).
type OverAxes<T, D> = fn(&Complexes<T, D>, Option<&[usize]>, &[Axis], Norm) -> Complexes<T, D>;

/// The complex transform (the inverse when `inverse`) along each of `axes`
/// in turn, to the lengths `s`.
fn over<T: FftFloat, D: Dimension>(
    x: &Complexes<T, D>,
    s: Option<&[usize]>,
    axes: &[Axis],
    norm: Norm,
    op: &'static str,
    inverse: bool,
) -> Complexes<T, D> {
    match lengths_of(x.ndim(), s, axes, op) {
        Ok(axes) => axes
            .into_iter()
            .fold(x.clone(), |y, (a, n)| complex(&y, n, a, norm, inverse)),
        Err(e) => x.failed(e),
    }
}

/// `n_d` over the last two axes of `x` (`op` names it in the error on
/// fewer axes).
fn on_last_two<T: FftFloat, D: Dimension>(
    x: &Complexes<T, D>,
    s: Option<&[usize]>,
    norm: Norm,
    op: &'static str,
    n_d: OverAxes<T, D>,
) -> Complexes<T, D> {
    match x.ndim() {
        n if n >= 2 => n_d(x, s, &[Axis(n - 2), Axis(n - 1)], norm),
        n => x.failed(Error::invalid(
            "x",
            format!("`{op}` transforms the last two axes; the array has {n}"),
        )),
    }
}

/// The transform over the last two axes (numpy's `fft.fft2`).
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::fft::{self, Complex64};
/// let x = ChunkedArray::full((2, 3), Complex64::new(2.0, 0.0), 1)?;
/// assert_eq!(fft::fft2(&x).compute()?[[0, 0]], Complex64::new(12.0, 0.0));
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn fft2<T: FftFloat, D: Dimension>(x: &Complexes<T, D>) -> Complexes<T, D> {
    fft2_with(x, None, Norm::Backward)
}

/// [`fft2`] with numpy's `s` (two lengths) and `norm`.
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::fft::{self, Complex64, Norm};
/// let x = ChunkedArray::full((2, 3), Complex64::new(2.0, 0.0), 1)?;
/// let f = fft::fft2_with(&x, Some(&[1, 2]), Norm::Forward).compute()?;
/// assert_eq!(f.shape(), &[1, 2]);
/// assert_eq!(f[[0, 0]], Complex64::new(2.0, 0.0));
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn fft2_with<T: FftFloat, D: Dimension>(
    x: &Complexes<T, D>,
    s: Option<&[usize]>,
    norm: Norm,
) -> Complexes<T, D> {
    on_last_two(x, s, norm, "fft2", fftn_with)
}

/// The inverse transform over the last two axes (numpy's `fft.ifft2`).
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::fft::{self, Complex64};
/// let x = ChunkedArray::full((2, 3), Complex64::new(2.0, 0.0), 1)?;
/// let back = fft::ifft2(&fft::fft2(&x)).compute()?;
/// assert!(back.iter().all(|z| (z - Complex64::new(2.0, 0.0)).norm() < 1e-12));
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn ifft2<T: FftFloat, D: Dimension>(x: &Complexes<T, D>) -> Complexes<T, D> {
    ifft2_with(x, None, Norm::Backward)
}

/// [`ifft2`] with numpy's `s` (two lengths) and `norm`.
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::fft::{self, Complex64, Norm};
/// let x = ChunkedArray::full((2, 3), Complex64::new(2.0, 0.0), 1)?;
/// let f = fft::ifft2_with(&x, None, Norm::Forward).compute()?;
/// assert_eq!(f[[0, 0]], Complex64::new(12.0, 0.0));
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn ifft2_with<T: FftFloat, D: Dimension>(
    x: &Complexes<T, D>,
    s: Option<&[usize]>,
    norm: Norm,
) -> Complexes<T, D> {
    on_last_two(x, s, norm, "ifft2", ifftn_with)
}

/// The transform of a real array over `axes` (all when empty): `rfft` on
/// the last of them, then `fft` on the others (numpy's `fft.rfftn`).
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::fft;
/// let x = ChunkedArray::<f64, _>::ones((4, 6), 2)?;
/// let f = fft::rfftn(&x, &[]).compute()?;
/// assert_eq!(f.shape(), &[4, 4]);
/// assert!((f[[0, 0]].re - 24.0).abs() < 1e-12);
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn rfftn<T: FftFloat, D: Dimension>(
    x: &ChunkedArray<T, D>,
    axes: &[Axis],
) -> ChunkedArray<Complex<T>, D> {
    rfftn_with(x, None, axes, Norm::Backward)
}

/// [`rfftn`] with numpy's `s` (the real lengths of the transformed axes,
/// as [`fftn_with`]) and `norm`.
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::fft::{self, Norm};
/// let x = ChunkedArray::<f64, _>::ones((4, 6), 2)?;
/// let f = fft::rfftn_with(&x, Some(&[2, 8]), &[], Norm::Ortho).compute()?;
/// assert_eq!(f.shape(), &[2, 5]);
/// assert!((f[[0, 0]].re - 12.0 / 4.0).abs() < 1e-12);
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn rfftn_with<T: FftFloat, D: Dimension>(
    x: &ChunkedArray<T, D>,
    s: Option<&[usize]>,
    axes: &[Axis],
    norm: Norm,
) -> ChunkedArray<Complex<T>, D> {
    match lengths_of(x.ndim(), s, axes, "rfftn") {
        Ok(axes) => match axes.split_last() {
            Some((&(last, n), rest)) => rest
                .iter()
                .rev()
                .fold(rfft_with(x, n, last, norm), |y, &(a, n)| {
                    fft_with(&y, n, a, norm)
                }),
            None => x.mapv(|v| Complex::new(v, T::zero())),
        },
        Err(e) => ChunkedArray::invalid(x.shape().to_vec(), e, vec![x.node.clone()]),
    }
}

/// The real array of `n` points along the last of `axes` (all when empty)
/// whose [`rfftn`] is `x`: `ifft` on the other axes, then `irfft` (numpy's
/// `fft.irfftn` with `s[-1] = n`).
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::fft;
/// let a = Array::from_shape_fn((3, 5), |(i, j)| (i as f64).sin() + j as f64);
/// let x = ChunkedArray::from_array(a.clone(), 2)?;
/// let back = fft::irfftn(&fft::rfftn(&x, &[]), 5, &[]).compute()?;
/// assert!(back.iter().zip(&a).all(|(b, a)| (b - a).abs() < 1e-12));
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn irfftn<T: FftFloat, D: Dimension>(
    x: &ChunkedArray<Complex<T>, D>,
    n: usize,
    axes: &[Axis],
) -> ChunkedArray<T, D> {
    match axes_of(x.ndim(), axes, "irfftn") {
        Ok(axes) => {
            let mut s: Vec<usize> = axes.iter().map(|a| x.shape()[a.index()]).collect();
            if let Some(last) = s.last_mut() {
                *last = n;
            }
            irfftn_with(x, Some(&s), &axes, Norm::Backward)
        }
        Err(e) => ChunkedArray::invalid(x.shape().to_vec(), e, vec![x.node.clone()]),
    }
}

/// [`irfftn`] with numpy's `s` (the output lengths of the transformed axes;
/// by default their own lengths but `2 (m - 1)` on the last) and `norm`.
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::fft::{self, Norm};
/// let a = Array::from_shape_fn((3, 4), |(i, j)| (i * j) as f64 - 1.5);
/// let x = ChunkedArray::from_array(a.clone(), 2)?;
/// let f = fft::rfftn_with(&x, None, &[], Norm::Forward);
/// let back = fft::irfftn_with(&f, None, &[], Norm::Forward).compute()?;
/// assert!(back.iter().zip(&a).all(|(b, a)| (b - a).abs() < 1e-12));
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn irfftn_with<T: FftFloat, D: Dimension>(
    x: &ChunkedArray<Complex<T>, D>,
    s: Option<&[usize]>,
    axes: &[Axis],
    norm: Norm,
) -> ChunkedArray<T, D> {
    match lengths_of(x.ndim(), s, axes, "irfftn") {
        Ok(axes) => match axes.split_last() {
            Some((&(last, n), rest)) => {
                let y = rest
                    .iter()
                    .fold(x.clone(), |y, &(a, n)| ifft_with(&y, n, a, norm));
                irfft_with(&y, n, last, norm)
            }
            None => x.mapv(|z| z.re),
        },
        Err(e) => ChunkedArray::invalid(x.shape().to_vec(), e, vec![x.node.clone()]),
    }
}

/// The sample frequencies of an `n`-point transform with sample spacing
/// `d` (numpy's `fft.fftfreq`): `0, 1, ..., -1` over `n d`, in `chunks`.
///
/// ```
/// use ndchunk::prelude::*;
/// let f = ndchunk::fft::fftfreq(5, 0.5, 2)?.compute()?;
/// assert_eq!(f, array![0.0, 0.4, 0.8, -0.8, -0.4]);
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn fftfreq(
    n: usize,
    d: f64,
    chunks: impl Into<crate::ChunkSpec>,
) -> Result<ChunkedArray<f64, Ix1>> {
    check_spacing(n, d)?;
    let half = n.div_ceil(2);
    let scale = 1.0 / (n as f64 * d);
    ChunkedArray::from_fn(n, chunks, move |i| {
        let k = if i < half {
            i as f64
        } else {
            i as f64 - n as f64
        };
        k * scale
    })
}

/// The non-negative sample frequencies of an `n`-point [`rfft`] (numpy's
/// `fft.rfftfreq`): `n/2 + 1` of them.
///
/// ```
/// use ndchunk::prelude::*;
/// let f = ndchunk::fft::rfftfreq(4, 0.25, 3)?.compute()?;
/// assert_eq!(f, array![0.0, 1.0, 2.0]);
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn rfftfreq(
    n: usize,
    d: f64,
    chunks: impl Into<crate::ChunkSpec>,
) -> Result<ChunkedArray<f64, Ix1>> {
    check_spacing(n, d)?;
    let scale = 1.0 / (n as f64 * d);
    ChunkedArray::from_fn(n / 2 + 1, chunks, move |i| i as f64 * scale)
}

fn check_spacing(n: usize, d: f64) -> Result<()> {
    if n == 0 {
        return Err(Error::invalid("n", "expected at least 1 point, got 0"));
    }
    if !(d.is_finite() && d != 0.0) {
        return Err(Error::invalid(
            "d",
            format!("expected a finite, non-zero sample spacing, got {d}"),
        ));
    }
    Ok(())
}

/// The zero frequency moved to the middle of `axes` (all when empty):
/// each rolled by half its length (numpy's `fft.fftshift`).
///
/// ```
/// use ndchunk::prelude::*;
/// let f = ndchunk::fft::fftfreq(5, 1.0, 2)?;
/// let shifted = ndchunk::fft::fftshift(&f, &[]).compute()?;
/// assert_eq!(shifted, array![-0.4, -0.2, 0.0, 0.2, 0.4]);
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn fftshift<T: Element, D: Dimension>(
    x: &ChunkedArray<T, D>,
    axes: &[Axis],
) -> ChunkedArray<T, D> {
    shift(x, axes, "fftshift", |n| n / 2)
}

/// The inverse of [`fftshift`] (differs for odd lengths): numpy's
/// `fft.ifftshift`.
///
/// ```
/// use ndchunk::prelude::*;
/// let f = ndchunk::fft::fftfreq(5, 1.0, 2)?;
/// let back = ndchunk::fft::ifftshift(&ndchunk::fft::fftshift(&f, &[]), &[]);
/// assert_eq!(back.compute()?, f.compute()?);
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn ifftshift<T: Element, D: Dimension>(
    x: &ChunkedArray<T, D>,
    axes: &[Axis],
) -> ChunkedArray<T, D> {
    shift(x, axes, "ifftshift", |n| n.div_ceil(2))
}

fn shift<T: Element, D: Dimension>(
    x: &ChunkedArray<T, D>,
    axes: &[Axis],
    op: &'static str,
    by: fn(usize) -> usize,
) -> ChunkedArray<T, D> {
    match axes_of(x.ndim(), axes, op) {
        Ok(axes) => axes.into_iter().fold(x.clone(), |y, a| {
            // A length fits isize: arrays are at most isize::MAX bytes.
            y.roll(by(y.shape()[a.index()]) as isize, a)
        }),
        Err(e) => x.failed(e),
    }
}

/// Elementwise parts of complex arrays (numpy's `real`, `imag`, `abs`,
/// `conj`, `angle`), lazy like every elementwise operation.
///
/// A trait, because `abs` on real arrays is already a method (with
/// `ComplexArray` in scope, `z.abs()` on a complex array is the modulus).
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::fft::{Complex64, ComplexArray};
/// let z = ChunkedArray::from_array(array![Complex64::new(3.0, 4.0), Complex64::new(0.0, -1.0)], 1)?;
/// assert_eq!(z.abs().compute()?, array![5.0, 1.0]);
/// assert_eq!(z.re().compute()?, array![3.0, 0.0]);
/// assert_eq!(z.im().compute()?, array![4.0, -1.0]);
/// assert_eq!(z.conj().compute()?[0], Complex64::new(3.0, -4.0));
/// assert_eq!(z.angle().compute()?[1], -std::f64::consts::FRAC_PI_2);
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub trait ComplexArray<T, D> {
    /// The real parts.
    fn re(&self) -> ChunkedArray<T, D>;
    /// The imaginary parts.
    fn im(&self) -> ChunkedArray<T, D>;
    /// The moduli `|z|`.
    fn abs(&self) -> ChunkedArray<T, D>;
    /// The complex conjugates.
    fn conj(&self) -> ChunkedArray<Complex<T>, D>;
    /// The arguments, in `(-pi, pi]`.
    fn angle(&self) -> ChunkedArray<T, D>;
}

impl<T: FftFloat, D: Dimension> ComplexArray<T, D> for ChunkedArray<Complex<T>, D> {
    fn re(&self) -> ChunkedArray<T, D> {
        self.mapv(|z| z.re)
    }
    fn im(&self) -> ChunkedArray<T, D> {
        self.mapv(|z| z.im)
    }
    fn abs(&self) -> ChunkedArray<T, D> {
        self.mapv(|z| z.norm())
    }
    fn conj(&self) -> ChunkedArray<Complex<T>, D> {
        self.mapv(|z| z.conj())
    }
    fn angle(&self) -> ChunkedArray<T, D> {
        self.mapv(|z| z.arg())
    }
}
