//! D'Agostino's tests of normality: of the skewness, of the kurtosis
//! (Anscombe and Glynn), and both combined (D'Agostino and Pearson).

use super::{tested, TestResult};
use crate::array::ChunkedArray;
use crate::special::{chi2_sf, normal_two_sided};
use ndarray::{Axis, RemoveAxis};

/// The z-score of the (biased) sample skewness `b2` of `n` values; NaN
/// below 8 values (scipy's minimum).
fn skew_z(b2: f64, n: usize) -> f64 {
    if n < 8 {
        return f64::NAN;
    }
    let n = n as f64;
    let y = b2 * ((n + 1.0) * (n + 3.0) / (6.0 * (n - 2.0))).sqrt();
    let beta2 = 3.0 * (n * n + 27.0 * n - 70.0) * (n + 1.0) * (n + 3.0)
        / ((n - 2.0) * (n + 5.0) * (n + 7.0) * (n + 9.0));
    let w2 = -1.0 + (2.0 * (beta2 - 1.0)).sqrt();
    let delta = 1.0 / (0.5 * w2.ln()).sqrt();
    let alpha = (2.0 / (w2 - 1.0)).sqrt();
    let y = if y == 0.0 { 1.0 } else { y };
    delta * (y / alpha + ((y / alpha).powi(2) + 1.0).sqrt()).ln()
}

/// The z-score of the (Pearson, biased) sample kurtosis `b2` of `n`
/// values; NaN below 5 values (scipy's minimum).
fn kurtosis_z(b2: f64, n: usize) -> f64 {
    if n < 5 {
        return f64::NAN;
    }
    let n = n as f64;
    let mean = 3.0 * (n - 1.0) / (n + 1.0);
    let var = 24.0 * n * (n - 2.0) * (n - 3.0) / ((n + 1.0) * (n + 1.0) * (n + 3.0) * (n + 5.0));
    let x = (b2 - mean) / var.sqrt();
    let sqrt_beta1 = 6.0 * (n * n - 5.0 * n + 2.0) / ((n + 7.0) * (n + 9.0))
        * (6.0 * (n + 3.0) * (n + 5.0) / (n * (n - 2.0) * (n - 3.0))).sqrt();
    let a = 6.0
        + 8.0 / sqrt_beta1 * (2.0 / sqrt_beta1 + (1.0 + 4.0 / (sqrt_beta1 * sqrt_beta1)).sqrt());
    let term1 = 1.0 - 2.0 / (9.0 * a);
    let denom = 1.0 + x * (2.0 / (a - 4.0)).sqrt();
    let term2 = if denom == 0.0 {
        f64::NAN
    } else {
        denom.signum() * ((1.0 - 2.0 / a) / denom.abs()).powf(1.0 / 3.0)
    };
    (term1 - term2) / (2.0 / (9.0 * a)).sqrt()
}

/// Whether the skewness of `a` along `axis` differs from a normal
/// distribution's (scipy's `stats.skewtest(a, axis)`): D'Agostino's
/// z-score of the sample skewness, with its two-sided normal p-value. NaN
/// for fewer than 8 values.
///
/// ```
/// use ndchunk::prelude::*;
/// let x = ChunkedArray::from_array(array![148.0, 154.0, 158.0, 160.0, 161.0, 162.0, 166.0, 170.0, 182.0, 195.0, 236.0], 4)?;
/// let (z, p) = ndchunk::stats::skewtest(&x, Axis(0)).compute()?;
/// assert!((z.into_scalar() - 2.778857976990341).abs() < 1e-12);
/// assert!((p.into_scalar() - 0.00545503697474019).abs() < 1e-12);
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn skewtest<D: RemoveAxis>(a: &ChunkedArray<f64, D>, axis: Axis) -> TestResult<D::Smaller> {
    if let Err(e) = tested(a, axis, "skewtest") {
        return TestResult::failed(a.ndim(), e);
    }
    let n = a.shape()[axis.index()];
    let z = a.skew_axis(axis).mapv(move |b2| skew_z(b2, n));
    TestResult::from_statistic(z, normal_two_sided)
}

/// Whether the kurtosis of `a` along `axis` differs from a normal
/// distribution's (scipy's `stats.kurtosistest(a, axis)`): Anscombe and
/// Glynn's z-score of the sample kurtosis, with its two-sided normal
/// p-value. NaN for fewer than 5 values (scipy also warns below 20).
///
/// ```
/// use ndchunk::prelude::*;
/// let x = ChunkedArray::from_array(array![148.0, 154.0, 158.0, 160.0, 161.0, 162.0, 166.0, 170.0, 182.0, 195.0, 236.0], 4)?;
/// let (z, p) = ndchunk::stats::kurtosistest(&x, Axis(0)).compute()?;
/// assert!((z.into_scalar() - 2.3048235214240873).abs() < 1e-12);
/// assert!((p.into_scalar() - 0.0211764592113868).abs() < 1e-12);
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn kurtosistest<D: RemoveAxis>(a: &ChunkedArray<f64, D>, axis: Axis) -> TestResult<D::Smaller> {
    if let Err(e) = tested(a, axis, "kurtosistest") {
        return TestResult::failed(a.ndim(), e);
    }
    let n = a.shape()[axis.index()];
    let z = a
        .kurtosis_axis_with(axis, false, true)
        .mapv(move |b2| kurtosis_z(b2, n));
    TestResult::from_statistic(z, normal_two_sided)
}

/// Whether `a` along `axis` differs from a normal distribution (scipy's
/// `stats.normaltest(a, axis)`): D'Agostino and Pearson's `s^2 + k^2` of
/// the [`skewtest`] and [`kurtosistest`] z-scores, against chi-square with
/// 2 degrees of freedom. NaN for fewer than 8 values.
///
/// ```
/// use ndchunk::prelude::*;
/// let x = ChunkedArray::from_array(array![148.0, 154.0, 158.0, 160.0, 161.0, 162.0, 166.0, 170.0, 182.0, 195.0, 236.0], 4)?;
/// let (k2, p) = ndchunk::stats::normaltest(&x, Axis(0)).compute()?;
/// assert!((k2.into_scalar() - 13.03426312119258).abs() < 1e-11);
/// assert!((p.into_scalar() - 0.0014779023013100174).abs() < 1e-12);
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn normaltest<D: RemoveAxis>(a: &ChunkedArray<f64, D>, axis: Axis) -> TestResult<D::Smaller> {
    let (s, k) = (skewtest(a, axis), kurtosistest(a, axis));
    let k2 = s.statistic.zip_with(&k.statistic, |s, k| s * s + k * k);
    TestResult::from_statistic(k2, |k2| chi2_sf(k2, 2.0))
}
