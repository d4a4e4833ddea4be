//! Hypothesis tests as `scipy.stats` and `dask.array.stats` have them:
//! t-tests, chi-square and power divergence, the normality tests and
//! one-way ANOVA, with scipy's two-sided p-values.
//!
//! Each test runs along one `axis` (dask's default is axis 0): the result
//! is a [`TestResult`] of two lazy arrays over the other axes, its
//! statistic and its p-value, chunked as the input's other axes. Pass a
//! 1-D array for the test of a whole sample (scipy's `axis=None` is a
//! [`reshape`](crate::ChunkedArray::reshape) to 1-D away). The statistics
//! come from one pass of blocked reductions (means, variances, moments,
//! sums along the axis), so no sample is gathered in memory; the p-values
//! are then elementwise. Samples are `f64` (cast other types with
//! [`cast`](crate::ChunkedArray::cast)).
//!
//! As scipy's default `nan_policy='propagate'`: a NaN in a sample gives a
//! NaN statistic and p-value for that sample; so do samples too small for
//! the test (scipy 1.17 warns and returns NaN too). Arguments that cannot
//! fit (mismatched shapes, an axis out of range, too few samples) are an
//! [`Error`](crate::Error) naming the argument, from `compute`.
//!
//! The p-values come from the regularized incomplete gamma and beta
//! functions (written for this crate): within 1e-12 of scipy's,
//! relatively, for p-values down to 1e-300 and up to 1e5 degrees of
//! freedom (1e-11 at 1e6). Statistics and p-values agree with scipy's to
//! 1e-12 relative on the committed fixtures. The t-tests also give
//! one-sided p-values ([`Alternative`], their `*_with` forms).
//!
//! ```
//! use ndchunk::prelude::*;
//! use ndchunk::stats;
//! let a = ChunkedArray::from_array(array![5.1, 4.9, 5.6, 5.8, 6.0, 5.3], 4)?;
//! let b = ChunkedArray::from_array(array![6.1, 6.4, 5.9, 6.8, 6.6], 2)?;
//! let (t, p) = stats::ttest_ind(&a, &b, Axis(0), false).compute()?;
//! assert!(t.into_scalar() < 0.0 && p.into_scalar() < 0.01);
//! # Ok::<(), ndchunk::Error>(())
//! ```

mod anova;
mod chisquare;
mod normality;
mod ttest;

pub use anova::f_oneway;
pub use chisquare::{chisquare, lambda, power_divergence};
pub use normality::{kurtosistest, normaltest, skewtest};
pub use ttest::{
    ttest_1samp, ttest_1samp_with, ttest_ind, ttest_ind_with, ttest_rel, ttest_rel_with,
};

use super::ChunkedArray;
use crate::error::{Error, Result};
use ndarray::{Array, Axis, Dimension, RemoveAxis};

/// The alternative hypothesis a p-value is for (scipy's `alternative`):
/// the t-tests take it through their `*_with` forms; the other tests are
/// two-sided.
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::stats::{self, Alternative};
/// let x = ChunkedArray::from_array(array![5.2, 4.8, 5.1, 5.5, 4.9, 5.3], 4)?;
/// let two = stats::ttest_1samp(&x, 5.0, Axis(0)).pvalue.compute()?.into_scalar();
/// let greater = stats::ttest_1samp_with(&x, 5.0, Axis(0), Alternative::Greater);
/// let less = stats::ttest_1samp_with(&x, 5.0, Axis(0), Alternative::Less);
/// assert!((greater.pvalue.compute()?.into_scalar() - two / 2.0).abs() < 1e-15);
/// assert!((less.pvalue.compute()?.into_scalar() - (1.0 - two / 2.0)).abs() < 1e-15);
/// # Ok::<(), ndchunk::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Alternative {
    /// The statistic differs from its null value either way (the default).
    #[default]
    TwoSided,
    /// The statistic is below its null value (a lower mean, ...).
    Less,
    /// The statistic is above its null value.
    Greater,
}

/// A test's statistic and p-value over the axes not tested: lazy arrays,
/// computed together by [`compute`](Self::compute) (one pass over the
/// samples feeds both), or each on its own.
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::stats;
/// let x = ChunkedArray::from_array(array![[1.0, 2.0], [2.0, 4.0], [3.0, 9.0]], (2, 1))?;
/// let result = stats::ttest_1samp(&x, 0.0, Axis(0));
/// let (t, p) = result.compute()?;
/// assert_eq!(t.shape(), &[2]);
/// assert!((t[0] - 2.0 * 3.0_f64.sqrt()).abs() < 1e-12);
/// assert_eq!(result.pvalue.compute()?, p);
/// # Ok::<(), ndchunk::Error>(())
/// ```
#[derive(Clone)]
pub struct TestResult<D: Dimension> {
    /// The test statistic (t, chi-square, z, F, ...).
    pub statistic: ChunkedArray<f64, D>,
    /// The p-value of the statistic: two-sided, unless an [`Alternative`]
    /// was given.
    pub pvalue: ChunkedArray<f64, D>,
}

impl<D: Dimension> TestResult<D> {
    /// The statistic and the p-value, computed together.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![3.0, 4.0, 5.0], 2)?;
    /// let (t, p) = ndchunk::stats::ttest_1samp(&x, 4.0, Axis(0)).compute()?;
    /// assert_eq!((t.into_scalar(), p.into_scalar()), (0.0, 1.0));
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn compute(&self) -> Result<(Array<f64, D>, Array<f64, D>)> {
        crate::compute((&self.statistic, &self.pvalue))
    }

    /// `statistic` with the p-value `pvalue(statistic)`, elementwise.
    fn from_statistic(
        statistic: ChunkedArray<f64, D>,
        pvalue: impl Fn(f64) -> f64 + Send + Sync + 'static,
    ) -> TestResult<D> {
        let pvalue = statistic.mapv(pvalue);
        TestResult { statistic, pvalue }
    }

    /// Both arrays reporting `error` from `compute` (a test of samples of
    /// `ndim` axes).
    fn failed(ndim: usize, error: Error) -> TestResult<D> {
        let shape = vec![0; ndim.saturating_sub(1)];
        let statistic = ChunkedArray::invalid(shape, error, vec![]);
        TestResult {
            pvalue: statistic.clone(),
            statistic,
        }
    }
}

/// A sample's size along the tested axis, its mean and its variance (biased,
/// `ddof = 0`) over the other axes.
struct Summary<E: Dimension> {
    n: usize,
    mean: ChunkedArray<f64, E>,
    var: ChunkedArray<f64, E>,
}

/// `axis` checked against `x`'s axes (`op` names the test in the error),
/// and `x`'s lengths known: the tests count a sample by its length.
fn tested<D: Dimension>(x: &ChunkedArray<f64, D>, axis: Axis, op: &'static str) -> Result<()> {
    x.known_sizes(op)?;
    x.axis_index(op, axis.index()).map(|_| ())
}

/// `other` checked against `first`: the same length on every axis but
/// `axis` (`whole`: on `axis` too), or an error naming `argument`.
fn same_shape<D: Dimension>(
    first: &ChunkedArray<f64, D>,
    other: &ChunkedArray<f64, D>,
    axis: Axis,
    whole: bool,
    op: &'static str,
    argument: &'static str,
) -> Result<()> {
    other.known_sizes(op)?;
    let matches = first.ndim() == other.ndim()
        && first
            .shape()
            .iter()
            .zip(other.shape())
            .enumerate()
            .all(|(k, (a, b))| a == b || (k == axis.index() && !whole));
    if matches {
        Ok(())
    } else {
        let which = if whole {
            "shape"
        } else {
            "shape off the tested axis"
        };
        Err(Error::invalid(
            argument,
            format!(
                "`{op}` needs the same {which} as the first sample: {:?} against {:?}",
                other.shape(),
                first.shape()
            ),
        ))
    }
}

impl<D: RemoveAxis> ChunkedArray<f64, D> {
    /// This sample's [`Summary`] along `axis` (checked by the caller).
    fn summary(&self, axis: Axis) -> Summary<D::Smaller> {
        Summary {
            n: self.shape()[axis.index()],
            mean: self.mean_axis(axis),
            var: self.var_axis(axis, 0.0),
        }
    }
}
