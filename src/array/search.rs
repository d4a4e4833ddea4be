//! Membership and binning against an in-memory list: `isin`,
//! `searchsorted`, `digitize`. Elementwise, so they fuse with what is
//! around them; the list is checked and sorted once, when recorded.

use super::ChunkedArray;
use crate::element::Ordered;
use crate::error::Result;
use crate::kernel::search::{insertion, is_member, member_keys, sorted_keys, Bins};
use ndarray::Dimension;
use std::sync::Arc;

/// Which of equal elements an insertion point goes before (numpy's
/// `side='left'`) or after (`side='right'`), for
/// [`searchsorted`](ChunkedArray::searchsorted).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    /// Before equal elements: the first `i` with `v <= sorted[i]`.
    Left,
    /// After equal elements: the first `i` with `v < sorted[i]`.
    Right,
}

/// # Membership and binning
impl<T: Ordered, D: Dimension> ChunkedArray<T, D> {
    /// Whether each element is one of `values` (numpy's and dask's
    /// `isin(x, values)`): `-0.0` is `0.0`, NaN is in no list (as
    /// `NaN == NaN` is false). For numpy's `invert=True`, negate the result
    /// (`!x.isin(..)` or `.mapv(|b| !b)`).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![1.0, 2.0, f64::NAN, -0.0], 3)?;
    /// let found = x.isin(&[0.0, 2.0, f64::NAN]);
    /// assert_eq!(found.compute()?, array![false, true, false, true]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn isin(&self, values: &[T]) -> ChunkedArray<bool, D> {
        let keys = Arc::new(member_keys(values));
        self.unary("isin".into(), None, move |v| is_member(&keys, v))
    }

    /// Where each element would be inserted into `sorted` to keep it sorted
    /// (numpy's `searchsorted(sorted, x, side)` and dask's
    /// `searchsorted(sorted, x)`: the searched array in memory, the values
    /// chunked). `sorted` must be increasing, NaN last (numpy's sort order);
    /// otherwise `compute` returns an error naming it. NaN values go after
    /// every number.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// use ndchunk::Side;
    /// let v = ChunkedArray::from_array(array![0.5, 2.0, f64::NAN, 9.0], 2)?;
    /// let sorted = [1.0, 2.0, 2.0, 5.0];
    /// assert_eq!(v.searchsorted(&sorted, Side::Left).compute()?, array![0, 1, 4, 4]);
    /// assert_eq!(v.searchsorted(&sorted, Side::Right).compute()?, array![0, 3, 4, 4]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn searchsorted(&self, sorted: &[T], side: Side) -> ChunkedArray<usize, D> {
        let right = side == Side::Right;
        self.binned(
            "searchsorted",
            sorted_keys("sorted", sorted),
            move |keys, v| insertion(keys, v, right),
        )
    }

    /// The index of the bin of each element (numpy's and dask's
    /// `digitize(x, bins, right)`): for increasing `bins`, `i` such that
    /// `bins[i-1] <= x < bins[i]` (`bins[i-1] < x <= bins[i]` when `right`),
    /// 0 below the first edge and `bins.len()` above the last; decreasing
    /// `bins` are mirrored, as numpy does. Bins neither increasing nor
    /// decreasing, or holding NaN, are an error from `compute`; a NaN
    /// element is past every edge (`bins.len()` for increasing bins, 0 for
    /// decreasing ones).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![0.2, 1.0, 6.4, 3.0], 3)?;
    /// assert_eq!(x.digitize(&[0.0, 1.0, 2.5, 4.0], false).compute()?, array![1, 2, 4, 3]);
    /// assert_eq!(x.digitize(&[0.0, 1.0, 2.5, 4.0], true).compute()?, array![1, 1, 4, 3]);
    /// assert_eq!(x.digitize(&[4.0, 2.5, 1.0, 0.0], false).compute()?, array![3, 2, 0, 1]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn digitize(&self, bins: &[T], right: bool) -> ChunkedArray<usize, D> {
        self.binned("digitize", Bins::new(bins), move |bins, v| {
            bins.index(v, right)
        })
    }

    /// `f(list, element)` for every element, or the list's error.
    fn binned<L: Send + Sync + 'static>(
        &self,
        op: &'static str,
        list: Result<L>,
        f: impl Fn(&L, T) -> usize + Send + Sync + 'static,
    ) -> ChunkedArray<usize, D> {
        match list {
            Ok(list) => self.unary(op.into(), None, move |v| f(&list, v)),
            Err(error) => {
                ChunkedArray::invalid(self.shape().to_vec(), error, vec![self.node.clone()])
            }
        }
    }
}
