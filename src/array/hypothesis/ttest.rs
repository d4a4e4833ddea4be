//! Student's t-tests: one sample against a mean, two related samples, two
//! independent samples (pooled variance, or Welch's).

use super::{same_shape, tested, Alternative, Summary, TestResult};
use crate::array::ChunkedArray;
use crate::special::{t_sf, t_two_sided};
use ndarray::{Axis, Dimension, RemoveAxis};

/// The p-value of `t` with `df` degrees of freedom against `alternative`.
fn t_pvalue(alternative: Alternative, t: f64, df: f64) -> f64 {
    match alternative {
        Alternative::TwoSided => t_two_sided(t, df),
        Alternative::Greater => t_sf(t, df),
        Alternative::Less => t_sf(-t, df),
    }
}

/// The t-test of the mean of `a` along `axis` against `popmean` (scipy's
/// `stats.ttest_1samp(a, popmean, axis)`): `t = (mean - popmean) /
/// sqrt(var / n)` with the unbiased variance, `n - 1` degrees of freedom.
/// Fewer than 2 values give NaN; values all equal give `±inf` (p = 0), or
/// NaN when equal to `popmean`.
///
/// ```
/// use ndchunk::prelude::*;
/// let x = ChunkedArray::from_array(array![5.2, 4.8, 5.1, 5.5, 4.9, 5.3], 4)?;
/// let (t, p) = ndchunk::stats::ttest_1samp(&x, 5.0, Axis(0)).compute()?;
/// assert!((t.into_scalar() - 1.2649110640673558).abs() < 1e-12);
/// assert!((p.into_scalar() - 0.2616517662995246).abs() < 1e-12);
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn ttest_1samp<D: RemoveAxis>(
    a: &ChunkedArray<f64, D>,
    popmean: f64,
    axis: Axis,
) -> TestResult<D::Smaller> {
    ttest_1samp_with(a, popmean, axis, Alternative::TwoSided)
}

/// [`ttest_1samp`] with scipy's `alternative`: `Greater` is the p-value of
/// a mean above `popmean`.
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::stats::{self, Alternative};
/// let x = ChunkedArray::from_array(array![5.2, 4.8, 5.1, 5.5, 4.9, 5.3], 4)?;
/// let (_, p) = stats::ttest_1samp_with(&x, 5.0, Axis(0), Alternative::Greater).compute()?;
/// assert!((p.into_scalar() - 0.1308258831497623).abs() < 1e-12);
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn ttest_1samp_with<D: RemoveAxis>(
    a: &ChunkedArray<f64, D>,
    popmean: f64,
    axis: Axis,
    alternative: Alternative,
) -> TestResult<D::Smaller> {
    match tested(a, axis, "ttest_1samp") {
        Ok(()) => one_sample(a.summary(axis), popmean, alternative),
        Err(e) => TestResult::failed(a.ndim(), e),
    }
}

/// The t-test of `a` against `popmean` from its summary.
fn one_sample<E: Dimension>(
    a: Summary<E>,
    popmean: f64,
    alternative: Alternative,
) -> TestResult<E> {
    let n = a.n as f64;
    // var / n with the unbiased variance: (biased var) / (n - 1).
    let t = (&a.mean - popmean) / (&a.var / (n - 1.0)).sqrt();
    TestResult::from_statistic(t, move |t| t_pvalue(alternative, t, n - 1.0))
}

/// The t-test of the mean difference of the paired samples `a` and `b`
/// along `axis` (scipy's `stats.ttest_rel(a, b, axis)`): [`ttest_1samp`]
/// of `a - b` against 0. `a` and `b` must have the same shape (an error
/// naming `b` otherwise).
///
/// ```
/// use ndchunk::prelude::*;
/// let before = ChunkedArray::from_array(array![72.0, 80.0, 65.0, 90.0, 77.0], 2)?;
/// let after = ChunkedArray::from_array(array![70.0, 75.0, 66.0, 84.0, 73.0], 3)?;
/// let (t, p) = ndchunk::stats::ttest_rel(&before, &after, Axis(0)).compute()?;
/// assert!((t.into_scalar() - 2.578633484881217).abs() < 1e-12);
/// assert!((p.into_scalar() - 0.061415973525170475).abs() < 1e-12);
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn ttest_rel<D: RemoveAxis>(
    a: &ChunkedArray<f64, D>,
    b: &ChunkedArray<f64, D>,
    axis: Axis,
) -> TestResult<D::Smaller> {
    ttest_rel_with(a, b, axis, Alternative::TwoSided)
}

/// [`ttest_rel`] with scipy's `alternative`: `Greater` is the p-value of
/// `a` above `b` on average.
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::stats::{self, Alternative};
/// let before = ChunkedArray::from_array(array![72.0, 80.0, 65.0, 90.0, 77.0], 2)?;
/// let after = ChunkedArray::from_array(array![70.0, 75.0, 66.0, 84.0, 73.0], 3)?;
/// let (_, p) = stats::ttest_rel_with(&before, &after, Axis(0), Alternative::Less).compute()?;
/// assert!((p.into_scalar() - 0.9692920132374148).abs() < 1e-12);
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn ttest_rel_with<D: RemoveAxis>(
    a: &ChunkedArray<f64, D>,
    b: &ChunkedArray<f64, D>,
    axis: Axis,
    alternative: Alternative,
) -> TestResult<D::Smaller> {
    let check =
        tested(a, axis, "ttest_rel").and_then(|()| same_shape(a, b, axis, true, "ttest_rel", "b"));
    match check {
        Ok(()) => one_sample((a - b).summary(axis), 0.0, alternative),
        Err(e) => TestResult::failed(a.ndim(), e),
    }
}

/// The t-test of the difference of the means of the independent samples
/// `a` and `b` along `axis` (scipy's `stats.ttest_ind(a, b, axis,
/// equal_var)`): with `equal_var`, the pooled variance and `n1 + n2 - 2`
/// degrees of freedom; without, Welch's test (each sample's own variance,
/// Welch–Satterthwaite degrees of freedom). The samples may differ in
/// length along `axis`, not on the other axes (an error naming `b`).
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::stats;
/// let a = ChunkedArray::from_array(array![[1.0, 2.0], [3.0, 3.0], [5.0, 7.0], [4.0, 1.0]], (3, 1))?;
/// let b = ChunkedArray::from_array(array![[6.0, 2.5], [8.0, 4.0], [7.5, 3.0]], (2, 2))?;
/// let (t, p) = stats::ttest_ind(&a, &b, Axis(0), true).compute()?;
/// assert!((t[0] - -3.470549094045014).abs() < 1e-12);
/// assert!((p[1] - 0.9604554944870733).abs() < 1e-12);
/// let (t, _) = stats::ttest_ind(&a, &b, Axis(0), false).compute()?;
/// assert!((t[0] - -3.7510083569978243).abs() < 1e-12);
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn ttest_ind<D: RemoveAxis>(
    a: &ChunkedArray<f64, D>,
    b: &ChunkedArray<f64, D>,
    axis: Axis,
    equal_var: bool,
) -> TestResult<D::Smaller> {
    ttest_ind_with(a, b, axis, equal_var, Alternative::TwoSided)
}

/// [`ttest_ind`] with scipy's `alternative`: `Less` is the p-value of a
/// mean of `a` below that of `b`.
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::stats::{self, Alternative};
/// let a = ChunkedArray::from_array(array![5.1, 4.9, 5.6, 5.8, 6.0, 5.3], 4)?;
/// let b = ChunkedArray::from_array(array![6.1, 6.4, 5.9, 6.8, 6.6], 2)?;
/// let (_, p) = stats::ttest_ind_with(&a, &b, Axis(0), true, Alternative::Less).compute()?;
/// assert!((p.into_scalar() - 0.002194291709984947).abs() < 1e-12);
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn ttest_ind_with<D: RemoveAxis>(
    a: &ChunkedArray<f64, D>,
    b: &ChunkedArray<f64, D>,
    axis: Axis,
    equal_var: bool,
    alternative: Alternative,
) -> TestResult<D::Smaller> {
    let check =
        tested(a, axis, "ttest_ind").and_then(|()| same_shape(a, b, axis, false, "ttest_ind", "b"));
    if let Err(e) = check {
        return TestResult::failed(a.ndim(), e);
    }
    let (a, b) = (a.summary(axis), b.summary(axis));
    let (n1, n2) = (a.n as f64, b.n as f64);
    let difference = &a.mean - &b.mean;
    if equal_var {
        let df = n1 + n2 - 2.0;
        // The sums of squares: n var with the biased variance (0 for one
        // value, as scipy).
        let pooled = (&a.var * n1 + &b.var * n2) / df;
        let t = difference / (pooled * (1.0 / n1 + 1.0 / n2)).sqrt();
        TestResult::from_statistic(t, move |t| t_pvalue(alternative, t, df))
    } else {
        // var / n with each unbiased variance.
        let vn1 = &a.var / (n1 - 1.0);
        let vn2 = &b.var / (n2 - 1.0);
        let t = difference / (&vn1 + &vn2).sqrt();
        let df = vn1.zip_with(&vn2, move |v1, v2| {
            let df = (v1 + v2).powi(2) / (v1 * v1 / (n1 - 1.0) + v2 * v2 / (n2 - 1.0));
            // scipy's choice for 0/0 (both variances zero).
            if df.is_nan() {
                1.0
            } else {
                df
            }
        });
        let pvalue = t.zip_with(&df, move |t, df| t_pvalue(alternative, t, df));
        TestResult {
            statistic: t,
            pvalue,
        }
    }
}
