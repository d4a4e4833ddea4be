//! Functions of whole 1-D lanes: numpy's `apply_along_axis` and ndarray's
//! `map_axis`, on [`map_lanes`](ChunkedArray::map_lanes) (the axis is made
//! one block, as dask does).

use super::ChunkedArray;
use crate::element::Element;
use crate::error::Error;
use ndarray::{Array1, ArrayView1, Axis, Dimension, RemoveAxis};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// # Functions of lanes
impl<T: Element + Default, D: Dimension> ChunkedArray<T, D> {
    /// `f` of every 1-D lane along `axis` (numpy's and dask's
    /// `apply_along_axis`): the result has the other axes of this array,
    /// and along `axis` the values `f` returns for each lane.
    ///
    /// `axis` is made one block first (rechunked, as dask does), so each
    /// block task holds whole lanes; the other axes keep their chunks. The
    /// length of what `f` returns must be the same for every lane: it is
    /// learnt when the array is built, by calling `f` once on a lane of
    /// `T::default()` values (zeros; dask calls it on ones). A lane result
    /// of another length, or a panic in `f` in a task, is an error from
    /// `compute` naming the block; a panic on the test lane, an error
    /// naming `f`. An axis out of range is an error from `compute`.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![[3.0, 1.0, 2.0], [9.0, 7.0, 8.0]], (1, 2))?;
    /// // Sort every row; the sum and the maximum of every column.
    /// let sorted = x.apply_along_axis(|lane| {
    ///     let mut v = lane.to_vec();
    ///     v.sort_by(f64::total_cmp);
    ///     Array1::from(v)
    /// }, Axis(1));
    /// assert_eq!(sorted.compute()?, array![[1.0, 2.0, 3.0], [7.0, 8.0, 9.0]]);
    /// let stats = x.apply_along_axis(|lane| array![lane.sum(), lane.fold(f64::MIN, |m, &v| m.max(v))], Axis(0));
    /// assert_eq!(stats.compute()?, array![[12.0, 8.0, 10.0], [9.0, 7.0, 8.0]]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn apply_along_axis<U, F>(&self, f: F, axis: Axis) -> ChunkedArray<U, D>
    where
        U: Element,
        F: Fn(ArrayView1<'_, T>) -> Array1<U> + Send + Sync + 'static,
    {
        let name = "apply_along_axis";
        // The test lane is as long as the axis: its length must be known.
        if let Err(error) = self.known_sizes(name) {
            return ChunkedArray::invalid(self.shape().to_vec(), error, vec![self.node.clone()]);
        }
        let along = self.shape().get(axis.index()).copied().unwrap_or(0);
        let test = vec![T::default(); along];
        let Ok(len) = catch_unwind(AssertUnwindSafe(|| f(ArrayView1::from(&test[..])).len()))
        else {
            let reason = "panicked on the test lane of default values (zeros) that finds the length of its result";
            let error = Error::invalid("f", reason);
            return ChunkedArray::invalid(self.shape().to_vec(), error, vec![self.node.clone()]);
        };
        self.map_lanes(axis, len, name, move |lane, out| {
            let values = f(ArrayView1::from(&lane[..]));
            let got = values.len();
            assert!(
                got == len,
                "{name}: f gave {got} values for a lane, {len} for the test lane"
            );
            out.extend(values);
        })
    }
}

impl<T: Element, D: RemoveAxis> ChunkedArray<T, D> {
    /// `f` of every 1-D lane along `axis`, one value each (ndarray's
    /// `map_axis`; numpy's `apply_along_axis` with a scalar function): the
    /// result has `axis` removed. The axis is made one block first, as in
    /// [`apply_along_axis`](Self::apply_along_axis); a panic in `f` is an
    /// error from `compute` naming the block, and so is an axis out of
    /// range.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![[3.0, 1.0, 2.0], [9.0, 7.0, 8.0]], (1, 2))?;
    /// let median = x.map_axis(Axis(1), |lane| {
    ///     let mut v = lane.to_vec();
    ///     v.sort_by(f64::total_cmp);
    ///     v[v.len() / 2]
    /// });
    /// assert_eq!(median.compute()?, array![2.0, 8.0]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn map_axis<U, F>(&self, axis: Axis, f: F) -> ChunkedArray<U, D::Smaller>
    where
        U: Element,
        F: Fn(ArrayView1<'_, T>) -> U + Send + Sync + 'static,
    {
        if let Err(error) = self.axis_index("map_axis", axis.index()) {
            let shape = vec![0; self.ndim().saturating_sub(1)];
            return ChunkedArray::invalid(shape, error, vec![self.node.clone()]);
        }
        self.map_lanes(axis, 1, "map_axis", move |lane, out| {
            out.push(f(ArrayView1::from(&lane[..])))
        })
        .remove_axis(axis)
    }
}
