//! User-defined tree reductions (dask's `da.reduction`): three closures
//! become a reducer of the same kind as `sum`'s, so they fuse with the
//! elementwise chain feeding them and merge in the same fixed tree.

use super::ChunkedArray;
use crate::element::Element;
use crate::kernel::user_reducer::UserReducer;
use ndarray::{Axis, Dimension, Ix0, RemoveAxis};
use std::marker::PhantomData;
use std::sync::Arc;

/// # User reductions
///
/// dask's `da.reduction`: `chunk` folds values into an accumulator,
/// `combine` merges accumulators, `aggregate` turns the last one into the
/// result.
impl<T: Element, D: Dimension> ChunkedArray<T, D> {
    /// A reduction of every element made of three closures, run like the
    /// built-in ones (see [`sum`](Self::sum)).
    ///
    /// - `chunk(&mut acc, values)` folds consecutive elements (in C order,
    ///   strips of up to a few thousand) into an accumulator that starts at
    ///   `A::default()`; each block gets its own accumulator.
    /// - `combine(&mut acc, &later)` merges the accumulator of later elements
    ///   into one of earlier elements. Block partials are merged in a fixed
    ///   tree (fan-in set by [`Options`](crate::Options)), the same whatever
    ///   the number of threads, so the result is bit-identical on any
    ///   machine; `combine` must be associative, need not be commutative.
    /// - `aggregate(&acc)` makes the result (an empty array gives it
    ///   `A::default()`).
    ///
    /// Elementwise operations before it fuse into it: `(x * 2.0).reduction(..)`
    /// never stores `x * 2.0`. A panic in a closure is an error from
    /// `compute` naming the block.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], (1, 2))?;
    /// // A mean: (sum, count) accumulators.
    /// let mean = (&x * 2.0).reduction(
    ///     |acc: &mut (f64, usize), values: &[f64]| {
    ///         acc.0 += values.iter().sum::<f64>();
    ///         acc.1 += values.len();
    ///     },
    ///     |acc, later| *acc = (acc.0 + later.0, acc.1 + later.1),
    ///     |acc| acc.0 / acc.1 as f64,
    /// );
    /// assert_eq!(mean.compute()?.into_scalar(), 7.0);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn reduction<A, U, C, M, G>(
        &self,
        chunk: C,
        combine: M,
        aggregate: G,
    ) -> ChunkedArray<U, Ix0>
    where
        A: Default + Clone + Send + Sync + 'static,
        U: Element,
        C: Fn(&mut A, &[T]) + Send + Sync + 'static,
        M: Fn(&mut A, &A) + Send + Sync + 'static,
        G: Fn(&A) -> U + Send + Sync + 'static,
    {
        self.reduce(user_reducer(chunk, combine, aggregate), None)
    }

    /// [`reduction`](Self::reduction) along `axis`: one accumulator per
    /// element of the result, which has that axis removed and the other
    /// axes' chunks. Along the last axis `chunk` receives runs of a row;
    /// along another axis it receives one value at a time (its
    /// accumulators are updated side by side). An axis out of range is an
    /// error from `compute`.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], (1, 2))?;
    /// let sum_of_squares = |x: &ChunkedArray<f64, Ix2>, axis| {
    ///     x.reduction_axis(
    ///         Axis(axis),
    ///         |acc: &mut f64, values: &[f64]| *acc += values.iter().map(|v| v * v).sum::<f64>(),
    ///         |acc, later| *acc += later,
    ///         |acc| *acc,
    ///     )
    /// };
    /// assert_eq!(sum_of_squares(&x, 0).compute()?, array![17.0, 29.0, 45.0]);
    /// assert_eq!(sum_of_squares(&x, 1).compute()?, array![14.0, 77.0]);
    /// assert!(sum_of_squares(&x, 2).compute().is_err());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn reduction_axis<A, U, C, M, G>(
        &self,
        axis: Axis,
        chunk: C,
        combine: M,
        aggregate: G,
    ) -> ChunkedArray<U, D::Smaller>
    where
        D: RemoveAxis,
        A: Default + Clone + Send + Sync + 'static,
        U: Element,
        C: Fn(&mut A, &[T]) + Send + Sync + 'static,
        M: Fn(&mut A, &A) + Send + Sync + 'static,
        G: Fn(&A) -> U + Send + Sync + 'static,
    {
        let reducer = user_reducer(chunk, combine, aggregate);
        self.reduce_axis(axis, reducer, None, "reduction_axis")
    }
}

fn user_reducer<T, A, U>(
    chunk: impl Fn(&mut A, &[T]) + Send + Sync + 'static,
    combine: impl Fn(&mut A, &A) + Send + Sync + 'static,
    aggregate: impl Fn(&A) -> U + Send + Sync + 'static,
) -> UserReducer<T, A, U> {
    UserReducer {
        chunk: Arc::new(chunk),
        combine: Arc::new(combine),
        aggregate: Arc::new(aggregate),
        _elem: PhantomData,
    }
}
