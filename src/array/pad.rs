//! `pad` (numpy's `np.pad`): every padded axis is the array joined by
//! [`concatenate`] with pieces made of its own views (slices read forwards
//! or backwards, an edge broadcast) or of cheap sources, so padding fuses
//! and culls like its parts: a slice of a padded array computes only the
//! input blocks it reads.

use super::{concatenate, ChunkedArray};
use crate::chunks::{AxisChunks, Chunks};
use crate::element::Element;
use crate::error::{Error, Result};
use ndarray::{Axis, Dimension, IxDyn, Slice};
use num_traits::NumCast;

/// What fills the padding of [`pad`](ChunkedArray::pad): numpy's `mode=`.
/// For an axis holding `a b c d` padded by 2 on both sides:
///
/// | variant          | numpy `mode=`    | padded axis                 |
/// |------------------|------------------|-----------------------------|
/// | `Constant(v)`    | `"constant"`     | `v v \| a b c d \| v v`     |
/// | `Edge`           | `"edge"`         | `a a \| a b c d \| d d`     |
/// | `Reflect`        | `"reflect"`      | `c b \| a b c d \| c b`     |
/// | `Symmetric`      | `"symmetric"`    | `b a \| a b c d \| d c`     |
/// | `Wrap`           | `"wrap"`         | `c d \| a b c d \| a b`     |
/// | `LinearRamp(v)`  | `"linear_ramp"`  | from `v` towards the edge   |
///
/// Widths longer than the axis repeat the pattern, as numpy's do.
/// `Reflect` of a single element repeats it. Every mode but `Constant`
/// needs elements to extend: padding an empty axis with them is an error.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PadMode<T> {
    /// Every padded element is the value (numpy's `constant_values`, the
    /// same on both sides).
    Constant(T),
    /// The edge element repeated.
    Edge,
    /// Mirrored about the edge element, which is not repeated.
    Reflect,
    /// Mirrored about the edge, the edge element repeated (what
    /// [`Boundary::Reflect`](crate::Boundary::Reflect) does).
    Symmetric,
    /// The axis repeated periodically.
    Wrap,
    /// A linear ramp from the value (numpy's `end_values`, the same on both
    /// sides) at the outer end of the padding to the edge element, the edge
    /// value excluded: before the array, padded element `i` of `w` is
    /// `v + i * ((edge - v) / w)`, computed in `f64` as numpy's `linspace`
    /// does, then converted to `T`, rounding down for integer types as
    /// numpy does (after the array, the mirror image). numpy computes the
    /// ramp of an `f32` array in `f32`, so there the last bit may differ.
    LinearRamp(T),
}

impl<T: Element + NumCast, D: Dimension> ChunkedArray<T, D> {
    /// The array padded along every axis (numpy's `pad`): `widths[k]` is
    /// `(before, after)`, the number of elements added before and after
    /// axis `k`, and `mode` says what they hold ([`PadMode`]). One pair
    /// pads every axis alike (numpy's `((before, after),)`).
    ///
    /// Lazy: each padded axis joins the array with pieces of itself (views)
    /// or of constant or index sources; the array's blocks are kept, and
    /// the padding comes in blocks no wider than the axis' widest. Errors
    /// naming the argument: `widths` of another length than 1 or the
    /// number of axes, and a `mode` other than `Constant` on an empty axis
    /// that is padded.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// use ndchunk::PadMode;
    /// let x = ChunkedArray::from_array(array![1, 2, 3], 2)?;
    /// assert_eq!(x.pad(&[(2, 1)], PadMode::Constant(0))?.compute()?, array![0, 0, 1, 2, 3, 0]);
    /// assert_eq!(x.pad(&[(2, 2)], PadMode::Reflect)?.compute()?, array![3, 2, 1, 2, 3, 2, 1]);
    /// assert_eq!(x.pad(&[(2, 2)], PadMode::Symmetric)?.compute()?, array![2, 1, 1, 2, 3, 3, 2]);
    /// assert_eq!(x.pad(&[(2, 2)], PadMode::Wrap)?.compute()?, array![2, 3, 1, 2, 3, 1, 2]);
    /// assert_eq!(x.pad(&[(1, 2)], PadMode::Edge)?.compute()?, array![1, 1, 2, 3, 3, 3]);
    /// let ramp = x.pad(&[(3, 0)], PadMode::LinearRamp(10))?;
    /// assert_eq!(ramp.compute()?, array![10, 7, 4, 1, 2, 3]);
    ///
    /// let m = ChunkedArray::from_array(array![[1.0, 2.0], [3.0, 4.0]], 1)?;
    /// let p = m.pad(&[(1, 0), (0, 1)], PadMode::Constant(9.0))?;
    /// assert_eq!(p.compute()?, array![[9.0, 9.0, 9.0], [1.0, 2.0, 9.0], [3.0, 4.0, 9.0]]);
    /// assert!(m.pad(&[(1, 1); 3], PadMode::Edge).is_err());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn pad(&self, widths: &[(usize, usize)], mode: PadMode<T>) -> Result<ChunkedArray<T, D>> {
        let widths = match widths {
            [one] => vec![*one; self.ndim()],
            _ if widths.len() == self.ndim() => widths.to_vec(),
            _ => {
                return Err(Error::invalid(
                    "widths",
                    format!(
                        "pad needs one (before, after) pair or one per axis ({}), got {}",
                        self.ndim(),
                        widths.len()
                    ),
                ))
            }
        };
        let mut out = self.clone().into_dyn();
        for (k, &(before, after)) in widths.iter().enumerate() {
            if before == 0 && after == 0 {
                continue;
            }
            if out.shape()[k] == 0 && !matches!(mode, PadMode::Constant(_)) {
                return Err(Error::invalid(
                    "mode",
                    format!(
                        "{mode:?} cannot extend axis {k}, which is empty (only Constant can)",
                        mode = ModeName(&mode)
                    ),
                ));
            }
            let head = out.padding(k, before, Side::Before, mode)?;
            let tail = out.padding(k, after, Side::After, mode)?;
            let parts: Vec<&ChunkedArray<T, IxDyn>> =
                head.iter().chain([&out]).chain(&tail).collect();
            out = concatenate(Axis(k), &parts)?;
        }
        out.into_dimensionality()
    }
}

/// A mode's name without its value, for messages (`T` need not be `Debug`).
struct ModeName<'a, T>(&'a PadMode<T>);

impl<T> std::fmt::Debug for ModeName<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.0 {
            PadMode::Constant(_) => "PadMode::Constant",
            PadMode::Edge => "PadMode::Edge",
            PadMode::Reflect => "PadMode::Reflect",
            PadMode::Symmetric => "PadMode::Symmetric",
            PadMode::Wrap => "PadMode::Wrap",
            PadMode::LinearRamp(_) => "PadMode::LinearRamp",
        })
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Side {
    Before,
    After,
}

/// The index along an axis of `n > 0` elements that padded position `p`
/// (negative before the axis, `>= n` after it) copies, or `None` for the
/// modes not made of slices.
fn source(mode: &PadMode<impl Copy>, n: usize, p: isize) -> Option<usize> {
    let n = n as isize; // an axis has at most isize::MAX elements
    let mirror = |period: isize, q: isize| if q < n { q } else { period - q };
    let at = match mode {
        PadMode::Wrap => p.rem_euclid(n),
        PadMode::Symmetric => mirror(2 * n - 1, p.rem_euclid(2 * n)),
        PadMode::Reflect if n == 1 => 0,
        PadMode::Reflect => mirror(2 * (n - 1), p.rem_euclid(2 * (n - 1))),
        PadMode::Edge | PadMode::Constant(_) | PadMode::LinearRamp(_) => return None,
    };
    Some(at as usize)
}

/// Consecutive runs of `indices` walking by +1 or -1, as slices (start,
/// end, step): the fewest views that copy them.
fn runs(indices: &[usize]) -> Vec<Slice> {
    let mut slices = vec![];
    let mut i = 0;
    while i < indices.len() {
        let first = indices[i];
        let step: isize = match indices.get(i + 1) {
            Some(&next) if next == first + 1 => 1,
            Some(&next) if next + 1 == first => -1,
            _ => 0,
        };
        let mut j = i + 1;
        while step != 0
            && j < indices.len()
            && indices[j] as isize == indices[j - 1] as isize + step
        {
            j += 1;
        }
        let last = indices[j - 1];
        slices.push(match step {
            -1 => Slice::new(last as isize, Some(first as isize + 1), -1),
            _ => Slice::from(first..last + 1),
        });
        i = j;
    }
    slices
}

impl<T: Element + NumCast> ChunkedArray<T, IxDyn> {
    /// The pieces that pad axis `k` by `width` on `side`, in order.
    fn padding(
        &self,
        k: usize,
        width: usize,
        side: Side,
        mode: PadMode<T>,
    ) -> Result<Vec<ChunkedArray<T, IxDyn>>> {
        if width == 0 {
            return Ok(vec![]);
        }
        let n = self.shape()[k];
        let mut shape = self.shape().to_vec();
        shape[k] = width;
        // Padding blocks no wider than the axis' widest (at least 1).
        let along = AxisChunks::uniform(width, self.chunks().axis(k).widest().max(1));
        let chunks = self.chunks().with_axis(k, along);
        match mode {
            PadMode::Constant(value) => Ok(vec![ChunkedArray::full(shape, value, &chunks)?]),
            PadMode::Edge => Ok(vec![self.edge(k, side).broadcast(shape)]),
            PadMode::LinearRamp(end) => {
                // Ramp position i runs 0..width from the outer end inwards.
                let step = move |index: &[usize]| match side {
                    Side::Before => index[k],
                    Side::After => width - 1 - index[k],
                };
                let mut ramp_shape = vec![1; shape.len()];
                ramp_shape[k] = width;
                let ramp_chunks = Chunks::single(&ramp_shape).with_axis(k, chunks.axis(k).clone());
                let positions = ChunkedArray::<usize, IxDyn>::from_fn(
                    ramp_shape,
                    &ramp_chunks,
                    move |index: IxDyn| step(index.slice()),
                )?;
                let edge = self.edge(k, side).broadcast(shape);
                let (end, w) = (end.to_f64(), width as f64);
                let fractional = fractional::<T>();
                // Primitive numbers always convert to and from f64 here (a
                // ramp value lies between two values of T): the fallbacks to
                // the edge value only keep the closure total.
                let ramp = edge.binary(&positions, "pad", None, move |edge, i| {
                    let (Some(start), Some(stop)) = (end, edge.to_f64()) else {
                        return edge;
                    };
                    let y = start + i as f64 * ((stop - start) / w);
                    let y = if fractional { y } else { y.floor() };
                    T::from(y).unwrap_or(edge)
                });
                Ok(vec![ramp])
            }
            PadMode::Reflect | PadMode::Symmetric | PadMode::Wrap => {
                let positions: Vec<isize> = match side {
                    Side::Before => (-(width as isize)..0).collect(),
                    Side::After => (n as isize..(n + width) as isize).collect(),
                };
                let indices: Vec<usize> = positions
                    .iter()
                    .filter_map(|&p| source(&mode, n, p))
                    .collect();
                Ok(runs(&indices)
                    .into_iter()
                    .map(|s| self.slice_axis(Axis(k), s))
                    .collect())
            }
        }
    }

    /// The first or last element along axis `k`, as a length-1 axis.
    fn edge(&self, k: usize, side: Side) -> ChunkedArray<T, IxDyn> {
        match side {
            Side::Before => self.slice_axis(Axis(k), Slice::from(..1)),
            Side::After => self.slice_axis(Axis(k), Slice::from(-1..)),
        }
    }
}

/// Whether `T` holds fractions (a float type): numpy's `linspace` rounds
/// down when it makes integers, so the ramp does too for types that don't.
fn fractional<T: NumCast>() -> bool {
    T::from(0.5).and_then(|h| h.to_f64()) == Some(0.5)
}
