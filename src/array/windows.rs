//! Windows over an array: `coarsen` (dask's block-wise downsampling, one
//! value per non-overlapping window) and `sliding_window_view` (numpy's
//! every-window view, made of stacked slices).

use super::{stack, ChunkedArray};
use crate::chunks::{AxisChunks, Chunks};
use crate::element::Element;
use crate::error::{Error, Result};
use ndarray::{Array, ArrayView, Axis, Dimension, IxDyn, Slice};

/// `axis` cut at multiples of `factor` only: every block boundary moved
/// down to the multiple at or below it (blocks that shrink to nothing
/// merge into the next), so blocks change as little as they can.
fn cut_at_multiples(axis: &AxisChunks, factor: usize) -> AxisChunks {
    let len = axis.len();
    let mut sizes = vec![];
    let mut start = 0;
    for b in 0..axis.num_blocks() {
        let end = match axis.range(b).end {
            end if end == len => end,
            end => end / factor * factor,
        };
        if end > start {
            sizes.push(end - start);
            start = end;
        }
    }
    if sizes.is_empty() {
        return AxisChunks::whole(len);
    }
    AxisChunks::from_sizes(sizes)
}

/// # Windows: coarsen, sliding_window_view
impl<T: Element, D: Dimension> ChunkedArray<T, D> {
    /// One value per window of `factors[k]` elements along every axis `k`,
    /// the windows not overlapping (dask's `coarsen(reduction, x, axes)`,
    /// `skimage`'s `block_reduce`): `reduction` sees each window as a view
    /// and returns its value, so `|w| w.mean().unwrap()` downsamples by
    /// averaging and `|w| w.iter().cloned().fold(f64::MIN, f64::max)` by
    /// the maximum. Axis `k` of the result is `shape[k] / factors[k]` long.
    ///
    /// Every factor must divide its axis (dask's `trim_excess=False`;
    /// [`slice`](Self::slice) first to drop the excess). Windows must not
    /// straddle blocks, so where a block boundary is not at a multiple of
    /// the factor the array is first [`rechunk`](Self::rechunk)ed, each
    /// boundary moved down to the multiple at or below it; with blocks
    /// already multiples of the factors nothing is copied and every output
    /// block is made from its input block alone. Errors naming `factors`:
    /// another number of factors than axes, a zero factor, a factor that
    /// does not divide its axis.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_fn((4, 6), (2, 3), |(i, j)| (6 * i + j) as f64)?;
    /// let means = x.coarsen(|w| w.mean().unwrap(), &[2, 3])?;
    /// assert_eq!(means.compute()?, array![[4.0, 7.0], [16.0, 19.0]]);
    /// let sums = x.coarsen(|w| w.sum(), &[1, 2])?;
    /// assert_eq!(sums.shape(), &[4, 3]);
    /// assert!(x.coarsen(|w| w.sum(), &[3, 1]).is_err()); // 3 does not divide 4
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn coarsen<U, F>(&self, reduction: F, factors: &[usize]) -> Result<ChunkedArray<U, D>>
    where
        U: Element,
        F: Fn(ArrayView<'_, T, D>) -> U + Send + Sync + 'static,
    {
        self.known_sizes("coarsen")?;
        if factors.len() != self.ndim() {
            return Err(Error::invalid(
                "factors",
                format!(
                    "coarsen needs one factor per axis ({}), got {}",
                    self.ndim(),
                    factors.len()
                ),
            ));
        }
        if let Some((k, (&f, &n))) = factors
            .iter()
            .zip(self.shape())
            .enumerate()
            .find(|(_, (&f, &n))| f == 0 || n % f != 0)
        {
            return Err(Error::invalid(
                "factors",
                format!(
                    "factor {f} on axis {k} must be at least 1 and divide the axis length {n} \
                     (slice off the excess first)"
                ),
            ));
        }
        let input = Chunks::from_axes(
            factors
                .iter()
                .enumerate()
                .map(|(k, &f)| cut_at_multiples(self.chunks().axis(k), f))
                .collect(),
        );
        let output = Chunks::from_axes(
            factors
                .iter()
                .enumerate()
                .map(|(k, &f)| {
                    let axis = input.axis(k);
                    AxisChunks::from_sizes(
                        (0..axis.num_blocks())
                            .map(|b| axis.range(b).len() / f)
                            .collect(),
                    )
                })
                .collect(),
        );
        let factors = factors.to_vec();
        let coarse = self
            .rechunk(&input)
            .map_blocks_to::<U, IxDyn, _>(output, move |block, _| {
                let shape: Vec<usize> = block
                    .shape()
                    .iter()
                    .zip(&factors)
                    .map(|(n, f)| n / f)
                    .collect();
                Array::from_shape_fn(IxDyn(&shape), |at| {
                    reduction(block.slice_each_axis(|ax| {
                        let (a, f) = (ax.axis.index(), factors[ax.axis.index()]);
                        Slice::from(at[a] * f..(at[a] + 1) * f)
                    }))
                })
            });
        coarse.into_result()?.into_dimensionality()
    }

    /// Every window of `window_shape` as trailing axes (numpy's
    /// `sliding_window_view`): window axis `i` slides along `axes[i]`
    /// (every axis in order when `axes` is `None`, then `window_shape` has
    /// one length per axis), which gets `window - 1` shorter, and the
    /// result has one more axis per window length, element `[.., i, ..,
    /// w]` being `x[.., i + w, ..]`. An axis may be given twice, as in
    /// numpy.
    ///
    /// Made of `window` slices stacked along a new axis, each cut as the
    /// array is (so a shifted slice's block is copied from two input
    /// blocks): the sliding axes keep the array's blocks and the new axes
    /// come in blocks of one element (rechunk the result to merge them),
    /// and a slice of the result computes only the blocks it reads. A window of zero
    /// elements gives an empty result. Errors naming the argument:
    /// `window_shape` and `axes` of different lengths (or `window_shape`
    /// not one per axis), an axis out of range, a window longer than its
    /// axis.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![1, 2, 3, 4, 5], 2)?;
    /// let w = x.sliding_window_view(&[3], None)?;
    /// assert_eq!(w.compute()?, array![[1, 2, 3], [2, 3, 4], [3, 4, 5]].into_dyn());
    /// let m = ChunkedArray::<f64, _>::zeros((4, 5), 2)?;
    /// assert_eq!(m.sliding_window_view(&[2], Some(&[1]))?.shape(), &[4, 4, 2]);
    /// assert!(x.sliding_window_view(&[6], None).is_err());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn sliding_window_view(
        &self,
        window_shape: &[usize],
        axes: Option<&[usize]>,
    ) -> Result<ChunkedArray<T, IxDyn>> {
        let axes: Vec<usize> = match axes {
            Some(axes) => axes.to_vec(),
            None => (0..self.ndim()).collect(),
        };
        if axes.len() != window_shape.len() {
            return Err(Error::invalid(
                "window_shape",
                format!(
                    "{} window lengths for {} axes (one per axis when `axes` is None)",
                    window_shape.len(),
                    axes.len()
                ),
            ));
        }
        if let Some(&k) = axes.iter().find(|&&k| k >= self.ndim()) {
            return Err(Error::invalid(
                "axes",
                format!(
                    "axis {k} is out of bounds for an array of {} dimensions",
                    self.ndim()
                ),
            ));
        }
        let mut out = self.clone().into_dyn();
        for (&k, &w) in axes.iter().zip(window_shape) {
            let n = out.shape()[k];
            if w > n {
                return Err(Error::invalid(
                    "window_shape",
                    format!("a window of {w} along axis {k}, which has {n} elements"),
                ));
            }
            let end = out.ndim();
            out = if w == 0 {
                // No window: numpy's shape, no elements.
                let mut shape = out.shape().to_vec();
                shape[k] = n + 1;
                shape.push(0);
                let empty = Array::from_shape_vec(IxDyn(&shape), vec![])
                    .map_err(|e| Error::internal(e.to_string()))?;
                ChunkedArray::from_array(empty, 1)?
            } else {
                // Shifted slices, all cut as the first one (the array's
                // blocks): left cut where they fall, their blocks would
                // refine each other into slivers.
                let first = out.slice_axis(Axis(k), Slice::from(..n - w + 1));
                let shifted: Vec<ChunkedArray<T, IxDyn>> = (0..w)
                    .map(|j| {
                        let slice = out.slice_axis(Axis(k), Slice::from(j..j + n - w + 1));
                        slice.rechunk(first.chunks())
                    })
                    .collect();
                stack(Axis(end), &shifted.iter().collect::<Vec<_>>())?.into_dyn()
            };
        }
        Ok(out)
    }
}
