//! `cholesky` of a symmetric positive definite matrix, blocked: the tile
//! algorithm (right-looking), one task per tile factorization, triangular
//! solve and update product.

use super::solve::solve_triangular;
use super::{operand, whole, LinalgFloat, Tiles};
use crate::array::{block, ChunkedArray};
use crate::error::Result;
use crate::kernel::factor;
use ndarray::Ix2;

/// The Cholesky factor of a symmetric positive definite matrix `a` (n x n):
/// lower-triangular `l` with `a = l lᵀ` if `lower` (numpy's
/// `linalg.cholesky`), else upper-triangular `u` with `a = uᵀ u` (scipy's
/// default, dask's `cholesky(a, lower=False)`). Only the lower triangle of
/// `a` is read.
///
/// Blocked, as dask's: `a` is cut into square tiles along its row chunks
/// (its columns are rechunked to match), and tile `(i, k)` of `l` is
/// `chol(a_kk - Σ l_kj l_kjᵀ)` on the diagonal, `(a_ik - Σ l_ij l_kjᵀ)
/// l_kk⁻ᵀ` below it, each a task on a few tiles; the upper tiles are zeros.
/// The result is chunked as the tiles. A non-square `a` is an error at
/// once; one that is not positive definite (NaN included) makes `compute`
/// fail saying so.
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
    let a = operand(a, "cholesky")?;
    factor::check_square("cholesky", a.shape())?;
    let l = if a.chunks().num_blocks_on(0) <= 1 {
        tile_factor(&a)
    } else {
        tiles(&Tiles::new(&a))?
    };
    Ok(if lower { l } else { l.t() })
}

/// The lower Cholesky factor of a one-block matrix, in one task.
fn tile_factor<T: LinalgFloat>(a: &ChunkedArray<T, Ix2>) -> ChunkedArray<T, Ix2> {
    let n = a.shape()[0];
    whole("cholesky", "cholesky".into(), &[a], (n, n), |a| {
        factor::cholesky(a[0], true)
    })
}

/// The lower factor of `a` (several tiles).
fn tiles<T: LinalgFloat>(tiles: &Tiles<T>) -> Result<ChunkedArray<T, Ix2>> {
    let (nb, sizes) = (tiles.len(), &tiles.sizes);
    // l[i][k] for k <= i, filled column by column.
    let mut l: Vec<Vec<ChunkedArray<T, Ix2>>> = vec![Vec::with_capacity(nb); nb];
    for k in 0..nb {
        // a_ik minus the updates of the columns already factored.
        let updated = |i: usize, l: &[Vec<ChunkedArray<T, Ix2>>]| {
            (0..k).fold(tiles.tile(i, k), |acc, j| &acc - &l[i][j].dot(&l[k][j].t()))
        };
        let diagonal = tile_factor(&updated(k, &l));
        for i in k + 1..nb {
            // x l_kkᵀ = b, as l_kk xᵀ = bᵀ.
            let below = solve_triangular(&diagonal, &updated(i, &l).t(), true)?.t();
            l[i].push(below);
        }
        l[k].push(diagonal);
    }
    let mut rows = Vec::with_capacity(nb);
    for (i, mut row) in l.into_iter().enumerate() {
        for j in i + 1..nb {
            row.push(ChunkedArray::zeros(
                (sizes[i], sizes[j]),
                (sizes[i], sizes[j]),
            )?);
        }
        rows.push(row);
    }
    let refs: Vec<Vec<&ChunkedArray<T, Ix2>>> = rows.iter().map(|r| r.iter().collect()).collect();
    let refs: Vec<&[&ChunkedArray<T, Ix2>]> = refs.iter().map(|r| r.as_slice()).collect();
    block(&refs)?.into_dimensionality()
}
