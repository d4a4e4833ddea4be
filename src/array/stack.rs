//! numpy's stacking routines on top of [`concatenate`]: `atleast_1d`,
//! `atleast_2d`, `atleast_3d` (views adding length-1 axes), `vstack`,
//! `hstack`, `dstack` and `block`. The results are dynamic-rank arrays, as
//! the rank depends on the inputs' ranks the way numpy's does.

use super::{concatenate, ChunkedArray};
use crate::element::Element;
use crate::error::{Error, Result};
use ndarray::{Axis, Dimension, IxDyn};

/// # Stacking: atleast_1d, atleast_2d, atleast_3d
///
/// Views: new length-1 axes, nothing copied.
impl<T: Element, D: Dimension> ChunkedArray<T, D> {
    /// The array with length-1 axes put in front until it has `ndim` axes
    /// (numpy's rule for promoting arrays in `atleast_2d` and `block`).
    pub(crate) fn with_leading_axes(&self, ndim: usize) -> ChunkedArray<T, IxDyn> {
        let mut out = self.clone().into_dyn();
        while out.ndim() < ndim {
            out = out.insert_axis(Axis(0));
        }
        out
    }

    /// The array viewed with at least one axis (numpy's `atleast_1d`): a
    /// 0-d array becomes shape `[1]`, others are unchanged.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let total = ChunkedArray::arange(0, 4, 1, 2)?.sum(); // 0-d
    /// assert_eq!(total.atleast_1d().compute()?, array![6_i64].into_dyn());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn atleast_1d(&self) -> ChunkedArray<T, IxDyn> {
        self.with_leading_axes(1)
    }

    /// The array viewed with at least two axes (numpy's `atleast_2d`):
    /// shape `[]` becomes `[1, 1]` and `[n]` becomes `[1, n]`.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![1, 2, 3], 2)?;
    /// assert_eq!(x.atleast_2d().shape(), &[1, 3]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn atleast_2d(&self) -> ChunkedArray<T, IxDyn> {
        self.with_leading_axes(2)
    }

    /// The array viewed with at least three axes (numpy's `atleast_3d`):
    /// shape `[]` becomes `[1, 1, 1]`, `[n]` becomes `[1, n, 1]` and
    /// `[m, n]` becomes `[m, n, 1]` (numpy's choice: a 2-D array gets a
    /// trailing axis, not a leading one).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::<f64, _>::zeros((4, 5), 2)?;
    /// assert_eq!(x.atleast_3d().shape(), &[4, 5, 1]);
    /// let v = ChunkedArray::<f64, _>::zeros(4, 2)?;
    /// assert_eq!(v.atleast_3d().shape(), &[1, 4, 1]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn atleast_3d(&self) -> ChunkedArray<T, IxDyn> {
        let out = self.clone().into_dyn();
        match self.ndim() {
            0 => out.with_leading_axes(3),
            1 => out.insert_axis(Axis(0)).insert_axis(Axis(2)),
            2 => out.insert_axis(Axis(2)),
            _ => out,
        }
    }
}

/// `arrays`, each promoted by `promote`, joined along `axis` of the
/// promoted arrays.
fn joined<T: Element, D: Dimension>(
    op: &'static str,
    arrays: &[&ChunkedArray<T, D>],
    promote: impl Fn(&ChunkedArray<T, D>) -> ChunkedArray<T, IxDyn>,
    axis: impl Fn(&ChunkedArray<T, IxDyn>) -> usize,
) -> Result<ChunkedArray<T, IxDyn>> {
    let promoted: Vec<ChunkedArray<T, IxDyn>> = arrays.iter().map(|a| promote(a)).collect();
    let first = promoted.first().ok_or_else(|| {
        Error::invalid("arrays", format!("{op} needs at least one array, got none"))
    })?;
    let refs: Vec<&ChunkedArray<T, IxDyn>> = promoted.iter().collect();
    concatenate(Axis(axis(first)), &refs)
}

/// The arrays stacked vertically (numpy's `vstack`): each viewed
/// [`atleast_2d`](ChunkedArray::atleast_2d), then joined along axis 0, so
/// 1-D arrays of length `n` become rows of an `k x n` array. No array,
/// different ranks or mismatched shapes are errors naming `arrays`.
///
/// ```
/// use ndchunk::prelude::*;
/// let a = ChunkedArray::from_array(array![1, 2, 3], 2)?;
/// let b = ChunkedArray::from_array(array![4, 5, 6], 3)?;
/// let v = ndchunk::vstack(&[&a, &b])?;
/// assert_eq!(v.compute()?, array![[1, 2, 3], [4, 5, 6]].into_dyn());
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn vstack<T: Element, D: Dimension>(
    arrays: &[&ChunkedArray<T, D>],
) -> Result<ChunkedArray<T, IxDyn>> {
    joined("vstack", arrays, ChunkedArray::atleast_2d, |_| 0)
}

/// The arrays stacked horizontally (numpy's `hstack`): 1-D arrays (and 0-d
/// ones, viewed as length 1) joined end to end along axis 0, others along
/// axis 1. No array, different ranks or mismatched shapes are errors
/// naming `arrays`.
///
/// ```
/// use ndchunk::prelude::*;
/// let a = ChunkedArray::from_array(array![[1], [2]], 1)?;
/// let b = ChunkedArray::from_array(array![[3, 4], [5, 6]], 2)?;
/// let h = ndchunk::hstack(&[&a, &b])?;
/// assert_eq!(h.compute()?, array![[1, 3, 4], [2, 5, 6]].into_dyn());
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn hstack<T: Element, D: Dimension>(
    arrays: &[&ChunkedArray<T, D>],
) -> Result<ChunkedArray<T, IxDyn>> {
    let axis = |first: &ChunkedArray<T, IxDyn>| usize::from(first.ndim() > 1);
    joined("hstack", arrays, ChunkedArray::atleast_1d, axis)
}

/// The arrays stacked in depth (numpy's `dstack`): each viewed
/// [`atleast_3d`](ChunkedArray::atleast_3d), then joined along axis 2, so
/// `m x n` arrays become the layers of an `m x n x k` array. No array,
/// different ranks or mismatched shapes are errors naming `arrays`.
///
/// ```
/// use ndchunk::prelude::*;
/// let a = ChunkedArray::from_array(array![[1, 2], [3, 4]], 1)?;
/// let b = ChunkedArray::from_array(array![[5, 6], [7, 8]], 2)?;
/// let d = ndchunk::dstack(&[&a, &b])?;
/// assert_eq!(d.shape(), &[2, 2, 2]);
/// assert_eq!(d.compute()?.index_axis(Axis(2), 1), array![[5, 6], [7, 8]].into_dyn());
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn dstack<T: Element, D: Dimension>(
    arrays: &[&ChunkedArray<T, D>],
) -> Result<ChunkedArray<T, IxDyn>> {
    joined("dstack", arrays, ChunkedArray::atleast_3d, |_| 2)
}

/// An array assembled from a grid of arrays (numpy's `block` with a list
/// of lists): every array is promoted to `max(2, largest rank)` axes by
/// putting length-1 axes in front, the arrays of each row are joined along
/// the last axis, then the rows along the one before. Deeper nesting than
/// two levels is not supported. An empty grid or row, or arrays whose
/// shapes do not fit together, are errors naming `rows` or `arrays`.
///
/// ```
/// use ndchunk::prelude::*;
/// let a = ChunkedArray::<i32, _>::ones((2, 2), 1)?;
/// let b = ChunkedArray::<i32, _>::zeros((2, 3), 2)?;
/// let c = ChunkedArray::from_array(array![[7, 7, 7, 7, 7]], 3)?;
/// let m = ndchunk::block(&[&[&a, &b], &[&c]])?;
/// assert_eq!(
///     m.compute()?,
///     array![[1, 1, 0, 0, 0], [1, 1, 0, 0, 0], [7, 7, 7, 7, 7]].into_dyn()
/// );
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn block<T: Element, D: Dimension>(
    rows: &[&[&ChunkedArray<T, D>]],
) -> Result<ChunkedArray<T, IxDyn>> {
    if rows.is_empty() || rows.iter().any(|row| row.is_empty()) {
        return Err(Error::invalid(
            "rows",
            "block needs at least one row, and at least one array in every row".to_string(),
        ));
    }
    let ndim = rows
        .iter()
        .flat_map(|row| row.iter())
        .map(|a| a.ndim())
        .fold(2, usize::max);
    let row_arrays = rows
        .iter()
        .map(|row| {
            let promoted: Vec<ChunkedArray<T, IxDyn>> =
                row.iter().map(|a| a.with_leading_axes(ndim)).collect();
            concatenate(Axis(ndim - 1), &promoted.iter().collect::<Vec<_>>())
        })
        .collect::<Result<Vec<_>>>()?;
    concatenate(Axis(ndim - 2), &row_arrays.iter().collect::<Vec<_>>())
}
