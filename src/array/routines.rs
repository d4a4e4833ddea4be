//! NumPy routines that dask.array has, built on the lazy operations above
//! (views, slices, `concatenate`, index sources, elementwise maps), so they
//! fuse and cull like any other node: `flip`, `roll`, `moveaxis`,
//! `expand_dims`.

use super::{concatenate, ChunkedArray};
use crate::element::Element;
use crate::error::Error;
use ndarray::{Axis, Dimension, IxDyn, Slice};

/// # Rearranging: flip, roll, moveaxis, expand_dims
///
/// NumPy's names; views and slices underneath, nothing copied but the
/// blocks `roll` cuts.
impl<T: Element, D: Dimension> ChunkedArray<T, D> {
    /// `axis` as an index, or the error of `op` when it is out of range.
    fn axis_index(&self, op: &'static str, axis: usize) -> Result<usize, Error> {
        if axis < self.ndim() {
            Ok(axis)
        } else {
            Err(Error::AxisOutOfBounds {
                op,
                axis,
                ndim: self.ndim(),
            })
        }
    }

    /// This array's shape as an array that reports `error` from `compute`.
    fn failed(&self, error: Error) -> ChunkedArray<T, D> {
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
    /// two slices joined by [`concatenate`](crate::concatenate): blocks are
    /// cut only where the roll splits them. An axis out of range is an
    /// error from `compute`.
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
