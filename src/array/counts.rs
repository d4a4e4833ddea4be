//! `histogram` and `bincount`: counts over the whole array, computed as a
//! reduction (see [`crate::kernel::counts`]).

use super::ChunkedArray;
use crate::chunks::Chunks;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::kernel::counts::{Bincount, Binning, Counts, Histogram};
use crate::plan::Op;
use crate::size;
use ndarray::{Array1, Dimension, Ix1};
use num_traits::{AsPrimitive, PrimInt};
use std::fmt::Display;
use std::sync::Arc;

impl<T: Element, D: Dimension> ChunkedArray<T, D> {
    /// The counts of `binning` over every element: one block of `bins`.
    fn count<B: Binning<T>>(&self, binning: B) -> ChunkedArray<u64, Ix1> {
        let shape = vec![binning.bins()];
        let op = Op::Reduce {
            kernel: Arc::new(Counts::<T, B>::new(binning, self.chunks().clone())),
            axis: None,
        };
        ChunkedArray::new(
            shape.clone(),
            Chunks::single(&shape),
            op,
            vec![self.node.clone()],
        )
    }
}

/// # Counts and histograms
impl<T: Element + AsPrimitive<f64>, D: Dimension> ChunkedArray<T, D> {
    /// Histogram of all elements in `bins` equal bins over `range = (lo,
    /// hi)`, as numpy's `histogram(x, bins, range)`: the counts (lazy, one
    /// block) and the `bins + 1` bin edges (known at once, numpy's
    /// `linspace(lo, hi, bins + 1)`).
    ///
    /// Bin `i` holds `edges[i] <= v < edges[i + 1]`, the last bin also
    /// `v == hi`; values outside `[lo, hi]` and NaN are not counted. Values
    /// are compared as `f64`. The counting is a reduction: it fuses with the
    /// elementwise chain it reads (the histogram of `(&x * 2.0).mapv(f64::abs)`
    /// never stores `x`) and shares its pass over the data with other
    /// reductions computed together.
    ///
    /// `bins == 0`, more bins than an array can hold (`bins + 1` edges of
    /// at most `isize::MAX` bytes), a range that is not finite or not
    /// increasing (`lo >= hi`: unlike numpy, an empty range is not widened),
    /// or one whose width `hi - lo` overflows, is an error at once.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![0.5, 1.0, 1.5, 2.0, 7.0, f64::NAN], 4)?;
    /// let (counts, edges) = x.histogram(4, (0.0, 2.0))?;
    /// assert_eq!(edges, array![0.0, 0.5, 1.0, 1.5, 2.0]);
    /// assert_eq!(counts.compute()?, array![0, 1, 1, 2]); // 2.0 falls in the last bin
    /// assert!(x.histogram(0, (0.0, 1.0)).is_err());
    /// assert!(matches!(x.histogram(usize::MAX, (0.0, 1.0)), Err(Error::TooLarge { argument: "bins", .. })));
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn histogram(
        &self,
        bins: usize,
        range: (f64, f64),
    ) -> Result<(ChunkedArray<u64, Ix1>, Array1<f64>)> {
        let (lo, hi) = range;
        if bins == 0 {
            return Err(Error::invalid(
                "bins",
                "histogram needs at least 1 bin, got 0",
            ));
        }
        size::length(
            "bins",
            || format!("the edges of {bins} bins"),
            bins.checked_add(1),
            std::mem::size_of::<f64>(),
        )?;
        if !(lo.is_finite() && hi.is_finite() && lo < hi && (hi - lo).is_finite()) {
            return Err(Error::invalid(
                "range",
                format!(
                    "histogram needs a finite range (lo, hi) with lo < hi and a finite width, \
                     got ({lo:?}, {hi:?})"
                ),
            ));
        }
        let histogram = Histogram::new(bins, lo, hi);
        let edges = Array1::from(histogram.edges().to_vec());
        Ok((self.count(histogram), edges))
    }
}

impl<T: Element + PrimInt + Display, D: Dimension> ChunkedArray<T, D> {
    /// Number of occurrences of each value `0..length` among all elements
    /// (numpy's `bincount`, for arrays of any dimension, flattened).
    ///
    /// numpy's result has `max + 1` entries, which depends on the data;
    /// here the length is an argument, so the result's shape is known
    /// before anything is computed (the usual case: `length` is the number
    /// of classes or labels). A negative value, or one `>= length`, is an
    /// error from `compute` naming the value, its index and its block.
    /// Like [`histogram`](Self::histogram), the count is a reduction that
    /// fuses with the chain it reads.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let labels = ChunkedArray::from_array(array![[0_u8, 2, 2], [3, 0, 2]], (1, 2))?;
    /// assert_eq!(labels.bincount(5).compute()?, array![2, 0, 3, 1, 0]);
    /// let err = labels.bincount(3).compute().unwrap_err();
    /// assert!(err.to_string().contains("value 3 at index [1, 0]"));
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn bincount(&self, length: usize) -> ChunkedArray<u64, Ix1> {
        self.count(Bincount { length })
    }
}
