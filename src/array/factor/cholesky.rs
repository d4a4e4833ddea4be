//! `cholesky` of a symmetric positive definite matrix, in one task.

use super::{whole, LinalgFloat};
use crate::array::ChunkedArray;
use crate::error::Result;
use crate::kernel::factor;
use ndarray::Ix2;

/// The Cholesky factor of a symmetric positive definite matrix `a` (n x n):
/// lower-triangular `l` with `a = l lᵀ` if `lower` (numpy's
/// `linalg.cholesky`), else upper-triangular `u` with `a = uᵀ u` (scipy's
/// default, dask's `cholesky(a, lower=False)`). Only the lower triangle of
/// `a` is read.
///
/// The matrix is made one block and factored in one task (it must fit in
/// memory); the factor is one block. A non-square `a` is an error at once;
/// one that is not positive definite (NaN included) makes `compute` fail
/// saying so.
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::linalg;
/// let a = ChunkedArray::from_array(array![[4.0, 2.0], [2.0, 5.0]], 1)?;
/// let l = linalg::cholesky(&a, true)?.compute()?;
/// assert!(l.abs_diff_eq(&array![[2.0, 0.0], [1.0, 2.0]], 1e-12));
/// let u = linalg::cholesky(&a, false)?.compute()?;
/// assert!(u.t().dot(&u).abs_diff_eq(&a.compute()?, 1e-12));
/// let indefinite = ChunkedArray::from_array(array![[1.0, 2.0], [2.0, 1.0]], 1)?;
/// let err = linalg::cholesky(&indefinite, true)?.compute().unwrap_err();
/// assert!(err.to_string().contains("positive definite"));
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn cholesky<T: LinalgFloat>(
    a: &ChunkedArray<T, Ix2>,
    lower: bool,
) -> Result<ChunkedArray<T, Ix2>> {
    let a = a.clone().into_result()?;
    factor::check_square("cholesky", a.shape())?;
    let n = a.shape()[0];
    let key = format!("cholesky(lower={lower})");
    Ok(whole("cholesky", key, &[&a], (n, n), move |a| {
        factor::cholesky(a[0], lower)
    }))
}
