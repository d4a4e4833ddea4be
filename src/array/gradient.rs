//! `gradient`: numpy's finite differences along one axis, as a stencil
//! ([`map_overlap`](ChunkedArray::map_overlap) with a halo of one element),
//! so the result keeps the array's chunks and fuses with its producer.

use super::ChunkedArray;
use crate::boundary::Boundary;
use crate::element::Element;
use crate::error::{Error, Result};
use ndarray::{Array, ArrayView, Axis, Dimension, Slice, Zip};
use num_traits::Float;

/// The gradient along axis `k` of the haloed block `h`, whose first
/// element is element `start` of an axis of `n`: central differences
/// inside, one-sided ones at the array's ends; positions in the halo get
/// any value (they are cut off).
fn block_gradient<T: Float, D: Dimension>(
    h: ArrayView<'_, T, D>,
    k: usize,
    (start, n): (usize, usize),
    dx: T,
) -> Array<T, D> {
    let ax = Axis(k);
    let m = h.len_of(ax);
    let mut out = Array::zeros(h.raw_dim());
    let mut differences = |at: Slice, later: Slice, earlier: Slice, over: T| {
        Zip::from(out.slice_axis_mut(ax, at))
            .and(h.slice_axis(ax, later))
            .and(h.slice_axis(ax, earlier))
            .for_each(|o, &a, &b| *o = (a - b) / over);
    };
    // numpy's formulas, operation for operation: (f[2:] - f[:-2]) / (2 dx)
    // inside, (f[1] - f[0]) / dx and (f[-1] - f[-2]) / dx at the ends.
    if m >= 3 {
        let inside = Slice::from(1..m - 1);
        differences(inside, Slice::from(2..), Slice::from(..m - 2), dx + dx);
    }
    if start == 0 && m >= 2 {
        differences(Slice::from(..1), Slice::from(1..2), Slice::from(..1), dx);
    }
    if start + m == n && m >= 2 {
        let last = Slice::from(m - 1..);
        differences(last, last, Slice::from(m - 2..m - 1), dx);
    }
    out
}

/// # Differences: gradient
impl<T: Element + Float, D: Dimension> ChunkedArray<T, D> {
    /// The gradient along `axis` for samples `spacing` apart (numpy's
    /// `gradient(f, spacing, axis=k)` with `edge_order=1`): second-order
    /// central differences `(f[i+1] - f[i-1]) / (2 spacing)` inside, and
    /// first-order one-sided differences at both ends, computed as numpy
    /// does, operation for operation. numpy without `axis` returns one
    /// such array per axis: call this once per axis.
    ///
    /// A stencil with a halo of one element along `axis`: the result has
    /// this array's shape and chunks, and a block reads only its
    /// neighbours' edge elements. Errors: an axis out of range (naming
    /// it), and an axis of fewer than 2 elements (naming `axis`, as numpy
    /// refuses it).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![1.0, 2.0, 4.0, 7.0, 11.0, 16.0], 4)?;
    /// assert_eq!(x.gradient(1.0, Axis(0))?.compute()?, array![1.0, 1.5, 2.5, 3.5, 4.5, 5.0]);
    /// assert_eq!(x.gradient(2.0, Axis(0))?.compute()?[1], 0.75);
    /// assert!(x.gradient(1.0, Axis(1)).is_err());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn gradient(&self, spacing: T, axis: Axis) -> Result<ChunkedArray<T, D>> {
        let k = axis.index();
        let n = match self.shape().get(k) {
            Some(&n) if n >= 2 => n,
            Some(&n) => {
                return Err(Error::invalid(
                    "axis",
                    format!("gradient needs at least 2 elements along axis {k}, which has {n}"),
                ))
            }
            None => {
                return Err(Error::AxisOutOfBounds {
                    op: "gradient",
                    axis: k,
                    ndim: self.ndim(),
                })
            }
        };
        let mut depth = vec![0; self.ndim()];
        depth[k] = 1;
        self.map_overlap(depth, Boundary::None, move |h, info| {
            // With Boundary::None the halo before a block is one element,
            // none at the array's start.
            let start = info.offset[k].saturating_sub(1);
            block_gradient(h, k, (start, n), spacing)
        })
        .into_result()
    }
}
