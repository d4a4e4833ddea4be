//! Discrete Fourier transforms of chunked arrays, as `numpy.fft` and
//! `dask.array.fft`: lazy, one task per block.
//!
//! A transform needs whole lanes: the transformed axis is made one block
//! first (a [`rechunk`](crate::ChunkedArray::rechunk), as dask does; the
//! other axes keep their chunks), so a block holds
//! `chunk x axis length` elements. Transforms over several axes do one
//! axis after the other.
//!
//! Conventions are numpy's: no scaling forward, `1/n` on the inverse; `rfft`
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

/// A transform of `n` points needs at least one.
fn points(op: &str, n: usize) -> Result<usize> {
    if n == 0 {
        Err(Error::invalid(
            "axis",
            format!("`{op}` of an empty axis: a transform needs at least 1 point"),
        ))
    } else {
        Ok(n)
    }
}

fn complex<T: FftFloat, D: Dimension>(
    x: &ChunkedArray<Complex<T>, D>,
    axis: Axis,
    inverse: bool,
) -> ChunkedArray<Complex<T>, D> {
    let op = if inverse { "ifft" } else { "fft" };
    let len = x.shape().get(axis.index()).copied().unwrap_or(0);
    let fft = if inverse {
        FftPlanner::new().plan_fft_inverse(len)
    } else {
        FftPlanner::new().plan_fft_forward(len)
    };
    let scale = match (inverse, T::from_usize(len)) {
        (true, Some(n)) if len > 0 => T::one() / n,
        _ => T::one(),
    };
    along(
        x,
        axis,
        op,
        |n| points(op, n),
        move |block, k| Ok(complex_lanes(block, k, &*fft, scale)),
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
    complex(x, axis, false)
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
    complex(x, axis, true)
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
    let len = x.shape().get(axis.index()).copied().unwrap_or(0);
    let r2c = RealFftPlanner::new().plan_fft_forward(len);
    along(
        x,
        axis,
        "rfft",
        |n| points("rfft", n).map(|n| n / 2 + 1),
        move |block, k| real_to_complex_lanes(block, k, &*r2c),
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
    let c2r = RealFftPlanner::new().plan_fft_inverse(n);
    let scale = match T::from_usize(n) {
        Some(len) if n > 0 => T::one() / len,
        _ => T::one(),
    };
    along(
        x,
        axis,
        "irfft",
        |_| {
            if n == 0 {
                Err(Error::invalid(
                    "n",
                    "expected at least 1 output point, got 0",
                ))
            } else {
                Ok(n)
            }
        },
        move |block, k| complex_to_real_lanes(block, k, &*c2r, scale),
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
    over(x, axes, "fftn", fft)
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
    over(x, axes, "ifftn", ifft)
}

/// A complex array.
type Complexes<T, D> = ChunkedArray<Complex<T>, D>;

/// A transform over given axes ([`fftn`], [`ifftn`]).
type OverAxes<T, D> = fn(&Complexes<T, D>, &[Axis]) -> Complexes<T, D>;

/// `one` applied along each of `axes` (all when empty) in turn.
fn over<T: FftFloat, D: Dimension>(
    x: &Complexes<T, D>,
    axes: &[Axis],
    op: &'static str,
    one: fn(&Complexes<T, D>, Axis) -> Complexes<T, D>,
) -> Complexes<T, D> {
    match axes_of(x.ndim(), axes, op) {
        Ok(axes) => axes.into_iter().fold(x.clone(), |y, a| one(&y, a)),
        Err(e) => x.failed(e),
    }
}

/// `n_d` over the last two axes of `x` (`op` names it in the error on
/// fewer axes).
fn on_last_two<T: FftFloat, D: Dimension>(
    x: &Complexes<T, D>,
    op: &'static str,
    n_d: OverAxes<T, D>,
) -> Complexes<T, D> {
    match x.ndim() {
        n if n >= 2 => n_d(x, &[Axis(n - 2), Axis(n - 1)]),
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
    on_last_two(x, "fft2", fftn)
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
    on_last_two(x, "ifft2", ifftn)
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
    match axes_of(x.ndim(), axes, "rfftn") {
        Ok(axes) => match axes.split_last() {
            Some((&last, rest)) => rest.iter().rev().fold(rfft(x, last), |y, &a| fft(&y, a)),
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
        Ok(axes) => match axes.split_last() {
            Some((&last, rest)) => {
                let y = rest.iter().fold(x.clone(), |y, &a| ifft(&y, a));
                irfft(&y, n, last)
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
