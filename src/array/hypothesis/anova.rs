//! One-way analysis of variance.

use super::{same_shape, tested, TestResult};
use crate::array::ChunkedArray;
use crate::error::Error;
use crate::special::f_sf;
use ndarray::{Axis, RemoveAxis};

/// The one-way ANOVA of `samples` along `axis` (scipy's
/// `stats.f_oneway(*samples, axis)`): `F` = the mean square between the
/// groups over the mean square within them, against Fisher's F with `k - 1`
/// and `N - k` degrees of freedom for `k` groups of `N` values in all.
/// Groups may differ in length along `axis`, not on the other axes (an
/// error naming `samples`); at least two are needed. Groups each constant
/// give `F = inf` (p = 0) when they differ, NaN when all equal; an empty
/// group or a NaN gives NaN.
///
/// ```
/// use ndchunk::prelude::*;
/// let a = ChunkedArray::from_array(array![6.0, 8.0, 4.0, 5.0, 3.0, 4.0], 4)?;
/// let b = ChunkedArray::from_array(array![8.0, 12.0, 9.0, 11.0, 6.0, 8.0], 3)?;
/// let c = ChunkedArray::from_array(array![13.0, 9.0, 11.0, 8.0, 7.0, 12.0], 6)?;
/// let (f, p) = ndchunk::stats::f_oneway(&[&a, &b, &c], Axis(0)).compute()?;
/// assert!((f.into_scalar() - 9.264705882352942).abs() < 1e-12);
/// assert!((p.into_scalar() - 0.0023987773293929083).abs() < 1e-12);
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn f_oneway<D: RemoveAxis>(
    samples: &[&ChunkedArray<f64, D>],
    axis: Axis,
) -> TestResult<D::Smaller> {
    const OP: &str = "f_oneway";
    let (first, rest) = match samples {
        [first, rest @ ..] if !rest.is_empty() => (first, rest),
        _ => {
            let error = Error::invalid(
                "samples",
                format!("`{OP}` needs at least two samples, got {}", samples.len()),
            );
            let ndim = samples.first().map_or(1, |s| s.ndim());
            return TestResult::failed(ndim, error);
        }
    };
    let check = rest.iter().try_for_each(|s| {
        tested(first, axis, OP)?;
        same_shape(first, s, axis, false, OP, "samples")
    });
    if let Err(e) = check {
        return TestResult::failed(first.ndim(), e);
    }
    let groups: Vec<_> = samples.iter().map(|s| s.summary(axis)).collect();
    let total: f64 = groups.iter().map(|g| g.n as f64).sum();
    let k = groups.len() as f64;
    let weighted = |g: &super::Summary<D::Smaller>| &g.mean * g.n as f64;
    let grand = groups[1..]
        .iter()
        .fold(weighted(&groups[0]), |s, g| s + weighted(g))
        / total;
    let between = |g: &super::Summary<D::Smaller>| (&g.mean - &grand).powi(2) * g.n as f64;
    let within = |g: &super::Summary<D::Smaller>| &g.var * g.n as f64;
    let (ss_between, ss_within) = groups[1..]
        .iter()
        .fold((between(&groups[0]), within(&groups[0])), |(b, w), g| {
            (b + between(g), w + within(g))
        });
    let (df_between, df_within) = (k - 1.0, total - k);
    let f = (ss_between / df_between) / (ss_within / df_within);
    TestResult::from_statistic(f, move |f| f_sf(f, df_between, df_within))
}
