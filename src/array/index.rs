//! Slicing with ndarray's `s![]`, `slice_axis`, `index_axis` and `diff`:
//! views that read their input's blocks at other offsets and steps. Only
//! the input blocks a slice overlaps are ever computed.

use super::ChunkedArray;
use crate::element::Element;
use crate::error::Error;
use crate::size;
use crate::view::ViewMap;
use ndarray::{Axis, Dimension, RemoveAxis, Slice, SliceArg, SliceInfoElem};
use std::ops::Sub;

/// The view (and output shape) that `elems` selects from an array of
/// `shape`, with ndarray's semantics: negative indices count from the end,
/// a negative step walks the range `start..end` backwards from its end.
fn slice_view(shape: &[usize], elems: &[SliceInfoElem]) -> Result<(ViewMap, Vec<usize>), Error> {
    let in_ndim = elems
        .iter()
        .filter(|e| !matches!(e, SliceInfoElem::NewAxis))
        .count();
    if in_ndim != shape.len() {
        return Err(Error::RankMismatch {
            argument: "slice",
            got: in_ndim,
            expected: shape.len(),
        });
    }
    let mut view = ViewMap::select(shape.len(), Vec::new());
    let mut out_shape = Vec::new();
    let mut a = 0; // the input axis the next element applies to
    for elem in elems {
        match *elem {
            SliceInfoElem::Slice { start, end, step } => {
                let len = shape[a];
                let start = absolute(len, start, a, "start")?;
                let end = match end {
                    Some(end) => absolute(len, end, a, "end")?.max(start),
                    None => len,
                };
                if step == 0 {
                    return Err(Error::invalid(
                        "slice",
                        format!("the step on axis {a} must not be zero"),
                    ));
                }
                let n = (end - start).div_ceil(step.unsigned_abs());
                view.origin[a] = match (n, step > 0) {
                    (0, _) => 0,
                    (_, true) => start,
                    (_, false) => end - 1,
                };
                view.axes.push(Some(a));
                view.steps.push(step);
                out_shape.push(n);
                a += 1;
            }
            SliceInfoElem::Index(i) => {
                let len = shape[a];
                let at = absolute(len, i, a, "index")?;
                if at >= len {
                    return Err(Error::invalid(
                        "index",
                        format!("index {i} is out of bounds for axis {a} of length {len}"),
                    ));
                }
                view.origin[a] = at;
                a += 1;
            }
            SliceInfoElem::NewAxis => {
                view.axes.push(None);
                view.steps.push(1);
                out_shape.push(1);
            }
        }
    }
    view.stretch = vec![false; view.axes.len()];
    Ok((view, out_shape))
}

/// `index` (negative: from the end) as a position in `0..=len`.
fn absolute(len: usize, index: isize, axis: usize, what: &'static str) -> Result<usize, Error> {
    let at = if index < 0 {
        len.checked_sub(index.unsigned_abs())
    } else {
        Some(index.unsigned_abs()).filter(|&i| i <= len)
    };
    at.ok_or_else(|| {
        Error::invalid(
            "slice",
            format!("{what} {index} is out of bounds for axis {axis} of length {len}"),
        )
    })
}

/// # Slicing and indexing
///
/// `s![]` slices and single indices; only the blocks a slice overlaps are
/// computed.
impl<T: Element, D: Dimension> ChunkedArray<T, D> {
    /// The view `info` selects, written with ndarray's `s![]`: ranges, steps
    /// (negative steps walk the range backwards, as in ndarray), single
    /// indices that drop their axis and `NewAxis`. Nothing is copied, and
    /// only the blocks the slice overlaps are ever computed: a corner of a
    /// huge random array draws only the corner's values. An index or bound
    /// out of range is an error from `compute`.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let a = Array::from_shape_fn((6, 8), |(i, j)| (i * 10 + j) as f64);
    /// let x = ChunkedArray::from_array(a.clone(), (4, 4))?;
    /// assert_eq!(x.slice(s![1..5, ..;-3]).compute()?, a.slice(s![1..5, ..;-3]));
    /// assert_eq!(x.slice(s![2, 1..3]).compute()?, array![21.0, 22.0]);
    ///
    /// let big = ndchunk::random::Rng::seed(7).standard_normal((100_000, 100_000), (1000, 1000))?;
    /// let corner = big.slice(s![..10, ..10]);
    /// assert_eq!(corner.num_tasks()?, 1); // one task drawing the 100 values
    /// assert_eq!(corner.compute()?.dim(), (10, 10));
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn slice<I: SliceArg<D>>(&self, info: I) -> ChunkedArray<T, I::OutDim> {
        match slice_view(self.shape(), info.as_ref()) {
            Ok((view, shape)) => self.view(view, shape),
            Err(error) => {
                ChunkedArray::invalid(vec![0; info.out_ndim()], error, vec![self.node.clone()])
            }
        }
    }

    /// The slice `slice` of one axis (ndarray's `slice_axis`), every other
    /// axis whole.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// use ndarray::Slice;
    /// let x = ChunkedArray::arange(0, 10, 1, 4)?;
    /// let odd = x.slice_axis(Axis(0), Slice::new(1, None, 2));
    /// assert_eq!(odd.compute()?, array![1, 3, 5, 7, 9]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn slice_axis(&self, axis: Axis, slice: Slice) -> ChunkedArray<T, D> {
        let k = axis.index();
        if k >= self.ndim() {
            let error = Error::AxisOutOfBounds {
                op: "slice_axis",
                axis: k,
                ndim: self.ndim(),
            };
            return ChunkedArray::invalid(self.shape().to_vec(), error, vec![self.node.clone()]);
        }
        let mut elems = vec![SliceInfoElem::from(..); self.ndim()];
        elems[k] = slice.into();
        match slice_view(self.shape(), &elems) {
            Ok((view, shape)) => self.view(view, shape),
            Err(error) => {
                ChunkedArray::invalid(self.shape().to_vec(), error, vec![self.node.clone()])
            }
        }
    }

    /// The subview at `index` along `axis`, which is dropped (ndarray's
    /// `index_axis`).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let a = Array::from_shape_fn((3, 4), |(i, j)| (i * 4 + j) as u32);
    /// let x = ChunkedArray::from_array(a.clone(), (2, 2))?;
    /// assert_eq!(x.index_axis(Axis(1), 2).compute()?, a.index_axis(Axis(1), 2));
    /// assert!(x.index_axis(Axis(0), 3).compute().is_err());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn index_axis(&self, axis: Axis, index: usize) -> ChunkedArray<T, D::Smaller>
    where
        D: RemoveAxis,
    {
        let k = axis.index();
        let mut shape = self.shape().to_vec();
        let error = if k >= self.ndim() {
            Error::AxisOutOfBounds {
                op: "index_axis",
                axis: k,
                ndim: self.ndim(),
            }
        } else {
            let mut elems = vec![SliceInfoElem::from(..); self.ndim()];
            let view = size::index("index", index).and_then(|i| {
                elems[k] = SliceInfoElem::Index(i);
                slice_view(self.shape(), &elems)
            });
            match view {
                Ok((view, shape)) => return self.view(view, shape),
                Err(error) => error,
            }
        };
        shape.truncate(self.ndim().saturating_sub(1));
        ChunkedArray::invalid(shape, error, vec![self.node.clone()])
    }

    /// The `n`-th discrete difference along `axis` (ndarray's `diff`):
    /// `x[i + 1] - x[i]`, `n` times; the axis gets `n` shorter. `n` larger
    /// than the axis is an error from `compute`.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![1.0, 4.0, 9.0, 16.0, 25.0], 2)?;
    /// assert_eq!(x.diff(1, Axis(0)).compute()?, array![3.0, 5.0, 7.0, 9.0]);
    /// assert_eq!(x.diff(2, Axis(0)).compute()?, array![2.0, 2.0, 2.0]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn diff(&self, n: usize, axis: Axis) -> ChunkedArray<T, D>
    where
        T: Sub<Output = T>,
    {
        let k = axis.index();
        match self.shape().get(k) {
            Some(&len) if n <= len => {}
            len => {
                let error = match len {
                    None => Error::AxisOutOfBounds {
                        op: "diff",
                        axis: k,
                        ndim: self.ndim(),
                    },
                    Some(len) => Error::invalid(
                        "n",
                        format!("diff of order {n} along axis {k} of length {len}"),
                    ),
                };
                return ChunkedArray::invalid(
                    self.shape().to_vec(),
                    error,
                    vec![self.node.clone()],
                );
            }
        }
        let mut out = self.clone();
        for _ in 0..n {
            let later = out.slice_axis(axis, Slice::from(1..));
            let earlier = out.slice_axis(axis, Slice::from(..-1));
            out = &later - &earlier;
        }
        out
    }
}
