//! Views: transposes and broadcasting. They record how the input is indexed;
//! consumers read the input's blocks through other strides, nothing is copied.

use super::{ChunkedArray, VIEW};
use crate::element::Element;
use crate::error::Error;
use crate::plan::Op;
use crate::view::ViewMap;
use ndarray::{Axis, Dimension, IntoDimension, IxDyn, RemoveAxis};

/// The shape two shapes broadcast to by numpy's rules (trailing axes
/// aligned; each pair equal, or one of them 1), or the error naming both.
pub(crate) fn broadcast_shapes(
    op: &'static str,
    a: &[usize],
    b: &[usize],
) -> Result<Vec<usize>, Error> {
    let n = a.len().max(b.len());
    let at = |s: &[usize], k: usize| (k + s.len()).checked_sub(n).map_or(1, |i| s[i]);
    (0..n)
        .map(|k| match (at(a, k), at(b, k)) {
            (x, y) if x == y || y == 1 => Ok(x),
            (1, y) => Ok(y),
            _ => Err(Error::ShapeMismatch {
                op,
                left: a.to_vec(),
                right: b.to_vec(),
            }),
        })
        .collect()
}

/// # Views: transposes, axes and broadcasting
///
/// Read through strides, never copied.
impl<T: Element, D: Dimension> ChunkedArray<T, D> {
    /// This array through `view`, with `shape` (no check). A view of a
    /// view becomes one view of the inner view's input.
    pub(crate) fn view<E: Dimension>(
        &self,
        view: ViewMap,
        shape: Vec<usize>,
    ) -> ChunkedArray<T, E> {
        if let Err(error) = self.known_sizes(VIEW) {
            return ChunkedArray::invalid(shape, error, vec![self.node.clone()]);
        }
        let view = view.trimmed(&shape);
        let (view, input) = match &self.node.op {
            Op::View(inner) => (view.after(inner), self.node.inputs[0].clone()),
            _ => (view, self.node.clone()),
        };
        if view.is_identity(&input.shape, &shape) {
            return ChunkedArray::from_node(input);
        }
        match view.chunks(&input.chunks, &shape) {
            Ok(chunks) => ChunkedArray::new(shape, chunks, Op::View(view), vec![input]),
            Err(error) => ChunkedArray::invalid(shape, error, vec![input]),
        }
    }

    /// The same array with a dynamic number of axes (ndarray's `into_dyn`).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::<f64, _>::zeros((2, 3), (1, 3))?.into_dyn();
    /// assert_eq!(x.compute()?.shape(), &[2, 3]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn into_dyn(self) -> ChunkedArray<T, IxDyn> {
        ChunkedArray::from_node(self.node)
    }

    /// The same array with dimension type `E` (ndarray's
    /// `into_dimensionality`); an error when `E` has another number of axes.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::<f64, _>::zeros(vec![2, 3], vec![1, 3])?; // IxDyn
    /// let m: ChunkedArray<f64, Ix2> = x.into_dimensionality()?;
    /// assert_eq!(m.dim(), (2, 3));
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn into_dimensionality<E: Dimension>(self) -> Result<ChunkedArray<T, E>, Error> {
        match E::NDIM {
            Some(n) if n != self.ndim() => Err(Error::RankMismatch {
                argument: "self",
                expected: n,
                got: self.ndim(),
            }),
            _ => Ok(ChunkedArray::from_node(self.node)),
        }
    }

    /// The array with its axes in the order `axes` (ndarray's
    /// `permuted_axes`): axis `k` of the result is axis `axes[k]` of this
    /// one, blocks included. Not a permutation: an error from `compute`.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let a = Array::from_shape_fn((2, 3, 4), |(i, j, k)| (i * 100 + j * 10 + k) as f64);
    /// let x = ChunkedArray::from_array(a.clone(), (1, 2, 3))?;
    /// let p = x.permuted_axes((2, 0, 1));
    /// assert_eq!(p.shape(), &[4, 2, 3]);
    /// assert_eq!(p.compute()?, a.permuted_axes((2, 0, 1)));
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn permuted_axes(&self, axes: impl IntoDimension<Dim = D>) -> ChunkedArray<T, D> {
        let axes = axes.into_dimension().slice().to_vec();
        let mut seen = vec![false; self.ndim()];
        let valid = axes.len() == self.ndim()
            && axes
                .iter()
                .all(|&a| a < seen.len() && !std::mem::replace(&mut seen[a], true));
        if !valid {
            let error = Error::invalid(
                "axes",
                format!("expected a permutation of 0..{}, got {axes:?}", self.ndim()),
            );
            return ChunkedArray::invalid(self.shape().to_vec(), error, vec![self.node.clone()]);
        }
        let shape = axes.iter().map(|&a| self.shape()[a]).collect();
        self.view(ViewMap::permutation(axes), shape)
    }

    /// The array with its axes in reverse order (ndarray's `reversed_axes`).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_fn((2, 3, 4), (2, 2, 2), |(i, j, k)| i * 12 + j * 4 + k)?;
    /// assert_eq!(x.reversed_axes().shape(), &[4, 3, 2]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn reversed_axes(&self) -> ChunkedArray<T, D> {
        let axes: Vec<usize> = (0..self.ndim()).rev().collect();
        let shape = axes.iter().map(|&a| self.shape()[a]).collect();
        self.view(ViewMap::permutation(axes), shape)
    }

    /// The transpose: [`reversed_axes`](Self::reversed_axes), as ndarray's `t()`.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let a = Array::from_shape_fn((300, 200), |(i, j)| (i * 200 + j) as f64);
    /// let x = ChunkedArray::from_array(a.clone(), (128, 128))?;
    /// let s = (&x.t() * 2.0).compute()?;
    /// assert_eq!(s, a.t().to_owned() * 2.0);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn t(&self) -> ChunkedArray<T, D> {
        self.reversed_axes()
    }

    /// The array with axes `a` and `b` swapped. Unlike ndarray's in-place
    /// `swap_axes`, it returns the swapped view (arrays here are immutable
    /// plans). An axis out of range is an error from `compute`.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let a = Array::from_shape_fn((2, 3, 4), |(i, j, k)| (i * 12 + j * 4 + k) as u32);
    /// let x = ChunkedArray::from_array(a.clone(), (1, 2, 3))?;
    /// let mut b = a.clone();
    /// b.swap_axes(0, 2);
    /// assert_eq!(x.swap_axes(0, 2).compute()?, b);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn swap_axes(&self, a: usize, b: usize) -> ChunkedArray<T, D> {
        if let Some(error) =
            [a, b]
                .into_iter()
                .find(|&k| k >= self.ndim())
                .map(|k| Error::AxisOutOfBounds {
                    op: "swap_axes",
                    axis: k,
                    ndim: self.ndim(),
                })
        {
            return ChunkedArray::invalid(self.shape().to_vec(), error, vec![self.node.clone()]);
        }
        let mut axes: Vec<usize> = (0..self.ndim()).collect();
        axes.swap(a, b);
        let shape = axes.iter().map(|&k| self.shape()[k]).collect();
        self.view(ViewMap::permutation(axes), shape)
    }

    /// The array with a new axis of length 1 at `axis` (ndarray's `insert_axis`).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::arange(0.0, 6.0, 1.0, 4)?;
    /// let column = x.insert_axis(Axis(1));
    /// assert_eq!(column.shape(), &[6, 1]);
    /// assert_eq!(column.compute()?, Array::from_shape_fn((6, 1), |(i, _)| i as f64));
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn insert_axis(&self, axis: Axis) -> ChunkedArray<T, D::Larger> {
        let k = axis.index();
        let mut shape = self.shape().to_vec();
        if k > self.ndim() {
            let error = Error::AxisOutOfBounds {
                op: "insert_axis",
                axis: k,
                ndim: self.ndim() + 1,
            };
            shape.push(1);
            return ChunkedArray::invalid(shape, error, vec![self.node.clone()]);
        }
        shape.insert(k, 1);
        let mut axes: Vec<Option<usize>> = (0..self.ndim()).map(Some).collect();
        axes.insert(k, None);
        self.view(ViewMap::select(self.ndim(), axes), shape)
    }

    /// The array without `axis`, which must have length 1 (ndarray's
    /// `remove_axis` of a length-1 axis); otherwise an error from `compute`.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::<f64, _>::ones((3, 1, 4), (2, 1, 2))?;
    /// assert_eq!(x.remove_axis(Axis(1)).shape(), &[3, 4]);
    /// assert!(x.remove_axis(Axis(0)).compute().is_err());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn remove_axis(&self, axis: Axis) -> ChunkedArray<T, D::Smaller>
    where
        D: RemoveAxis,
    {
        let k = axis.index();
        let mut shape = self.shape().to_vec();
        if k >= self.ndim() || shape[k] != 1 {
            let error = match shape.get(k) {
                None => Error::AxisOutOfBounds {
                    op: "remove_axis",
                    axis: k,
                    ndim: self.ndim(),
                },
                Some(len) => Error::invalid(
                    "axis",
                    format!("remove_axis needs an axis of length 1, axis {k} has length {len}"),
                ),
            };
            shape.truncate(self.ndim().saturating_sub(1));
            return ChunkedArray::invalid(shape, error, vec![self.node.clone()]);
        }
        shape.remove(k);
        let axes = (0..self.ndim()).filter(|&a| a != k).map(Some).collect();
        self.view(ViewMap::select(self.ndim(), axes), shape)
    }

    /// The array without its length-1 axes (numpy's `squeeze`).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::<f64, _>::ones((1, 3, 1, 2), (1, 2, 1, 2))?;
    /// assert_eq!(x.squeeze().shape(), &[3, 2]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn squeeze(&self) -> ChunkedArray<T, IxDyn> {
        let axes: Vec<Option<usize>> = (0..self.ndim())
            .filter(|&a| self.shape()[a] != 1)
            .map(Some)
            .collect();
        let shape = axes.iter().flatten().map(|&a| self.shape()[a]).collect();
        self.view(ViewMap::select(self.ndim(), axes), shape)
    }

    /// The array seen with `shape`, by numpy's broadcasting rules: new
    /// leading axes and length-1 axes repeat the values. Incompatible shapes
    /// are an error from `compute`.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let row = ChunkedArray::from_array(array![[1.0, 2.0, 3.0]], (1, 2))?;
    /// let b = row.broadcast((4, 3));
    /// assert_eq!(b.compute()?, array![[1.0, 2.0, 3.0]].broadcast((4, 3)).unwrap());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn broadcast<E: Dimension>(
        &self,
        shape: impl IntoDimension<Dim = E>,
    ) -> ChunkedArray<T, E> {
        let shape = shape.into_dimension().slice().to_vec();
        match broadcast_shapes("broadcast", self.shape(), &shape) {
            Ok(out) if out == shape => self.view(ViewMap::broadcast(self.shape(), &shape), shape),
            _ => {
                let error = Error::invalid(
                    "shape",
                    format!(
                        "cannot broadcast an array of shape {:?} to {shape:?}",
                        self.shape()
                    ),
                );
                ChunkedArray::invalid(shape, error, vec![self.node.clone()])
            }
        }
    }
}
