//! Pearson's chi-square test and the Cressie–Read power divergence family
//! it belongs to, on observed frequencies along an axis.

use super::{same_shape, tested, TestResult};
use crate::array::ChunkedArray;
use crate::error::{Error, Result};
use crate::kernel::blocks::BlockFn;
use crate::kernel::Block;
use crate::special::chi2_sf;
use ndarray::{Axis, Dimension, RemoveAxis, Zip};

/// The named powers `lambda_` of [`power_divergence`] (scipy's strings).
///
/// ```
/// use ndchunk::stats::lambda;
/// assert_eq!(lambda::CRESSIE_READ, 2.0 / 3.0);
/// ```
pub mod lambda {
    /// `"pearson"`: Pearson's chi-square, the default of [`chisquare`](super::chisquare).
    pub const PEARSON: f64 = 1.0;
    /// `"log-likelihood"`: the G-test.
    pub const LOG_LIKELIHOOD: f64 = 0.0;
    /// `"freeman-tukey"`.
    pub const FREEMAN_TUKEY: f64 = -0.5;
    /// `"mod-log-likelihood"`: the modified G-test.
    pub const MOD_LOG_LIKELIHOOD: f64 = -1.0;
    /// `"neyman"`: Neyman's chi-square.
    pub const NEYMAN: f64 = -2.0;
    /// `"cressie-read"`: the power Cressie and Read recommend.
    pub const CRESSIE_READ: f64 = 2.0 / 3.0;
}

/// How far apart the sums of `f_obs` and `f_exp` may be, relatively
/// (scipy's: the square root of `f64::EPSILON`).
const SUM_TOLERANCE: f64 = 1.4901161193847656e-8;

/// Pearson's chi-square test of the observed frequencies `f_obs` along
/// `axis` against `f_exp` (scipy's `stats.chisquare(f_obs, f_exp, ddof,
/// axis)`): [`power_divergence`] with [`lambda::PEARSON`].
///
/// ```
/// use ndchunk::prelude::*;
/// let obs = ChunkedArray::from_array(array![16.0, 18.0, 16.0, 14.0, 12.0, 12.0], 4)?;
/// let (chi2, p) = ndchunk::stats::chisquare(&obs, None, 0, Axis(0)).compute()?;
/// assert!((chi2.into_scalar() - 2.0).abs() < 1e-12);
/// assert!((p.into_scalar() - 0.8491450360846096).abs() < 1e-12);
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn chisquare<D: RemoveAxis>(
    f_obs: &ChunkedArray<f64, D>,
    f_exp: Option<&ChunkedArray<f64, D>>,
    ddof: usize,
    axis: Axis,
) -> TestResult<D::Smaller> {
    power_divergence(f_obs, f_exp, ddof, axis, lambda::PEARSON)
}

/// The Cressie–Read power divergence test of the observed frequencies
/// `f_obs` along `axis` (scipy's `stats.power_divergence(f_obs, f_exp,
/// ddof, axis, lambda_)`): the statistic `2 / (lambda (lambda + 1)) sum
/// f_obs ((f_obs / f_exp)^lambda - 1)` (its limits at `lambda` = 0 and -1),
/// against chi-square with `k - 1 - ddof` degrees of freedom for `k`
/// frequencies (NaN p-value when that is not positive).
///
/// `f_exp`, when given, has `f_obs`'s shape, and its sums along `axis` must
/// agree with those of `f_obs` to scipy's relative tolerance (1.49e-8):
/// an error naming `f_exp` from `compute` otherwise. By default every
/// frequency is expected to be the mean of its slice. Named powers are in
/// [`lambda`].
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::stats::{self, lambda};
/// let obs = ChunkedArray::from_array(array![16.0, 18.0, 16.0, 14.0, 12.0, 12.0], 4)?;
/// let exp = ChunkedArray::from_array(array![16.0, 16.0, 16.0, 16.0, 16.0, 8.0], 3)?;
/// let test = stats::power_divergence(&obs, Some(&exp), 0, Axis(0), lambda::PEARSON);
/// assert!((test.statistic.compute()?.into_scalar() - 3.5).abs() < 1e-12);
/// let (g, _) = stats::power_divergence(&obs, None, 0, Axis(0), lambda::CRESSIE_READ).compute()?;
/// assert!((g.into_scalar() - 2.000849125939156).abs() < 1e-12);
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn power_divergence<D: RemoveAxis>(
    f_obs: &ChunkedArray<f64, D>,
    f_exp: Option<&ChunkedArray<f64, D>>,
    ddof: usize,
    axis: Axis,
    lambda_: f64,
) -> TestResult<D::Smaller> {
    const OP: &str = "power_divergence";
    let check = tested(f_obs, axis, OP).and_then(|()| match f_exp {
        Some(e) => same_shape(f_obs, e, axis, true, OP, "f_exp"),
        None => Ok(()),
    });
    if let Err(e) = check {
        return TestResult::failed(f_obs.ndim(), e);
    }
    let expected = match f_exp {
        Some(e) => e.clone(),
        None => f_obs
            .mean_axis(axis)
            .insert_axis(axis)
            .broadcast(f_obs.dim()),
    };
    let mut statistic = f_obs
        .zip_with(&expected, divergence(lambda_))
        .sum_axis(axis);
    if let Some(e) = f_exp {
        statistic = sums_agree(statistic, f_obs.sum_axis(axis), e.sum_axis(axis));
    }
    let dof = f_obs.shape()[axis.index()] as f64 - 1.0 - ddof as f64;
    TestResult::from_statistic(statistic, move |s| chi2_sf(s, dof))
}

/// The term of one frequency in the statistic of power `lambda_`.
fn divergence(lambda_: f64) -> impl Fn(f64, f64) -> f64 + Send + Sync + 'static {
    // x ln y, 0 when x is (scipy's `xlogy`).
    let xlogy = |x: f64, y: f64| {
        if x == 0.0 && !y.is_nan() {
            0.0
        } else {
            x * y.ln()
        }
    };
    move |o, e| {
        if lambda_ == 1.0 {
            (o - e) * (o - e) / e
        } else if lambda_ == 0.0 {
            2.0 * xlogy(o, o / e)
        } else if lambda_ == -1.0 {
            2.0 * xlogy(e, e / o)
        } else {
            o * ((o / e).powf(lambda_) - 1.0) / (0.5 * lambda_ * (lambda_ + 1.0))
        }
    }
}

/// `statistic`, or an error naming `f_exp` from `compute` where the sums of
/// the observed and expected frequencies of a slice differ by more than
/// [`SUM_TOLERANCE`] (NaN sums pass, as in scipy).
fn sums_agree<E: Dimension>(
    statistic: ChunkedArray<f64, E>,
    observed: ChunkedArray<f64, E>,
    expected: ChunkedArray<f64, E>,
) -> ChunkedArray<f64, E> {
    let chunks = statistic.chunks().clone();
    let observed = observed.rechunk(chunks.clone());
    let expected = expected.rechunk(chunks.clone());
    let reads = |index: &[usize]| (0..3).map(|i| (i, index.to_vec())).collect();
    let compute = |_: &[usize], blocks: &[&Block<f64>]| -> Result<Block<f64>> {
        let mut worst = 0.0_f64;
        Zip::from(blocks[1]).and(blocks[2]).for_each(|&o, &e| {
            let difference = (o - e).abs() / o.min(e);
            if difference > worst {
                worst = difference;
            }
        });
        if worst > SUM_TOLERANCE {
            return Err(Error::invalid(
                "f_exp",
                format!(
                    "the sums of `f_obs` and `f_exp` along the axis must agree to a relative \
                     tolerance of {SUM_TOLERANCE:e}, but one differs by {worst:e}"
                ),
            ));
        }
        Ok(blocks[0].clone())
    };
    let kernel = BlockFn::new("power_divergence(sums agree)", chunks, reads, compute);
    let shape = statistic.shape().to_vec();
    let inputs = vec![statistic.node, observed.node, expected.node];
    ChunkedArray::from_block_fn(shape, kernel, inputs)
}
