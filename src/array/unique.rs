//! `unique` and `unique_counts`: the distinct values, whose number is known
//! only once computed, so the result is a [`Delayed`] pair of arrays rather
//! than a chunked array of a known shape.

use super::ChunkedArray;
use crate::chunks::Chunks;
use crate::delayed::Delayed;
use crate::element::Ordered;
use crate::kernel::unique::{Unique, UniqueCounts};
use crate::kernel::Typed;
use crate::plan::{Node, Op};
use ndarray::{Array1, Dimension};
use std::marker::PhantomData;
use std::sync::Arc;

/// # Distinct values
impl<T: Ordered, D: Dimension> ChunkedArray<T, D> {
    /// The distinct values in increasing order and how many times each
    /// occurs (numpy's `unique(x, return_counts=True)`): NaN last and all
    /// NaN counted as one value, `-0.0` and `0.0` as one (`0.0`).
    ///
    /// A reduction: each block is folded into a sorted map of its distinct
    /// values, the maps are merged in a fixed tree, so the memory is that
    /// of the distinct values, never of the array. Lazy, as a [`Delayed`]
    /// (the result's length depends on the data).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![[3, 1, 3], [2, 3, 1]], (1, 2))?;
    /// let (values, counts) = x.unique_counts().compute()?;
    /// assert_eq!(values, array![1, 2, 3]);
    /// assert_eq!(counts, array![2, 1, 3]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn unique_counts(&self) -> Delayed<(Array1<T>, Array1<u64>)> {
        let op = Op::Reduce {
            kernel: Arc::new(Unique::<T>(PhantomData)),
            axis: None,
        };
        Delayed::from_node(Node::new(
            vec![],
            Chunks::single(&[]),
            Typed::<()>::ops(),
            op,
            vec![self.node.clone()],
        ))
    }

    /// The distinct values in increasing order (numpy's `unique`); see
    /// [`unique_counts`](Self::unique_counts).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![2.5, f64::NAN, -1.0, 2.5, f64::NAN], 2)?;
    /// let values = x.unique().compute()?;
    /// assert_eq!(values.len(), 3);
    /// assert_eq!((values[0], values[1]), (-1.0, 2.5));
    /// assert!(values[2].is_nan());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn unique(&self) -> Delayed<Array1<T>> {
        self.unique_counts()
            .map(|(values, _): &UniqueCounts<T>| values.clone())
    }
}
