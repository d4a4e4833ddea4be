//! `svd` of tall-and-skinny (or short-and-fat) matrices on top of TSQR, and
//! the randomized `svd_compressed` of any matrix (Halko, Martinsson and
//! Tropp, 2011) with power iterations re-orthonormalized by TSQR.

use super::qr::tsqr;
use super::{needs_one_block, operand, pack, whole, LinalgFloat};
use crate::array::ChunkedArray;
use crate::chunks::Chunks;
use crate::error::{Error, Result};
use crate::kernel::factor;
use crate::random::Rng;
use ndarray::{s, Ix1, Ix2};

/// `u`, `s`, `vt` of a singular value decomposition.
type Svd<T> = (
    ChunkedArray<T, Ix2>,
    ChunkedArray<T, Ix1>,
    ChunkedArray<T, Ix2>,
);

/// The thin singular value decomposition of a tall-and-skinny or
/// short-and-fat matrix `a` (m x n): `u` (m x k), `s` (k, decreasing) and
/// `vt` (k x n) with `a = u · diag(s) · vt`, k = min(m, n) (numpy's
/// `svd(a, full_matrices=False)`, dask's `svd`).
///
/// A matrix with one block along axis 1 goes through [`qr`](super::qr)
/// (TSQR): `a = q r`, `r = u_r s vt`, `u = q u_r`; one with one block
/// along axis 0 (and several along axis 1) is done as the transpose. No
/// task holds more than one block of `a` or `n x n` factors. A matrix chunked along both axes is an
/// [`Error::InvalidChunks`](crate::Error::InvalidChunks) saying how to
/// rechunk (or use [`svd_compressed`] for a few singular values).
///
/// Signs: each pair of singular vectors may come out negated compared with
/// numpy's (`u[:, i]` and `vt[i, :]` together). NaN or infinite input makes
/// `compute` fail with an error saying so.
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::linalg;
/// let a = ChunkedArray::from_array(array![[3.0, 0.0], [0.0, -4.0], [0.0, 0.0], [0.0, 0.0]], (2, 2))?;
/// let (u, s, vt) = linalg::svd(&a)?;
/// let (u, s, vt) = ndchunk::compute((&u, &s, &vt))?;
/// assert!(s.abs_diff_eq(&array![4.0, 3.0], 1e-12));
/// assert!((u * &s).dot(&vt).abs_diff_eq(&a.compute()?, 1e-12));
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn svd<T: LinalgFloat>(a: &ChunkedArray<T, Ix2>) -> Result<Svd<T>> {
    let a = operand(a, "svd")?;
    let (m, n) = (a.shape()[0], a.shape()[1]);
    let chunks = a.chunks();
    let tall = chunks.num_blocks_on(1) <= 1 && (chunks.num_blocks_on(0) > 1 || m >= n);
    if tall {
        Ok(tall_svd(&a))
    } else if chunks.num_blocks_on(0) <= 1 {
        let (u, s, vt) = tall_svd(&a.t());
        Ok((vt.t(), s, u.t()))
    } else {
        Err(needs_one_block("svd", &a, 1))
    }
}

/// The SVD of `a`, which has one block along axis 1, through TSQR.
fn tall_svd<T: LinalgFloat>(a: &ChunkedArray<T, Ix2>) -> Svd<T> {
    let (q, r) = tsqr(a);
    let (ur, s, vt) = small_svd(&r);
    (q.dot(&ur), s, vt)
}

/// The SVD of a small matrix in one task: one block holding `u` above the
/// row of `s` above `vt`, taken apart by slices.
fn small_svd<T: LinalgFloat>(a: &ChunkedArray<T, Ix2>) -> Svd<T> {
    let (m, n) = (a.shape()[0], a.shape()[1]);
    let k = m.min(n);
    let rows = m.saturating_add(1 + k);
    let packed = whole("svd", "svd".into(), &[a], (rows, m.max(n).max(1)), |a| {
        let (u, s, vt) = factor::svd(a[0])?;
        let width = a[0].nrows().max(a[0].ncols()).max(1);
        let mut row = ndarray::Array2::zeros((1, width));
        row.slice_mut(s![0, ..s.len()]).assign(&s);
        Ok(pack(&[u, row, vt]))
    });
    (
        packed.slice(s![..m, ..k]),
        packed.slice(s![m, ..k]),
        packed.slice(s![m + 1.., ..n]),
    )
}

/// Parameters of [`svd_compressed_with`]: the seed of the random test
/// matrix and the oversampling (extra columns beyond `k`), dask's `seed`
/// and `n_oversamples`.
///
/// ```
/// use ndchunk::linalg::Randomized;
/// let r = Randomized::default().seed(7).oversamples(5);
/// assert_eq!((r.seed, r.oversamples), (7, 5));
/// assert_eq!(Randomized::default().oversamples, 10);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Randomized {
    /// Seed of the Gaussian test matrix: equal seeds give equal results.
    pub seed: u64,
    /// Columns sampled beyond `k` (10 by default, as dask's).
    pub oversamples: usize,
}

impl Default for Randomized {
    fn default() -> Self {
        Randomized {
            seed: 0,
            oversamples: 10,
        }
    }
}

impl Randomized {
    /// The same parameters with seed `seed`.
    ///
    /// ```
    /// assert_eq!(ndchunk::linalg::Randomized::default().seed(3).seed, 3);
    /// ```
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The same parameters with `oversamples` extra columns.
    ///
    /// ```
    /// assert_eq!(ndchunk::linalg::Randomized::default().oversamples(0).oversamples, 0);
    /// ```
    pub fn oversamples(mut self, oversamples: usize) -> Self {
        self.oversamples = oversamples;
        self
    }
}

/// The `k` largest singular values and their vectors of any matrix `a`
/// (m x n, chunked any way), randomized (dask's `svd_compressed(a, k,
/// n_power_iter=iterations)`): `u` (m x k), `s` (k), `vt` (k x n), with
/// [`Randomized::default`] (seed 0, 10 oversamples); see
/// [`svd_compressed_with`].
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::linalg;
/// // Rank 2: its two singular values are found to rounding.
/// let a = ChunkedArray::from_fn((300, 200), (100, 100), |(i, j)| {
///     let (i, j) = (i as f64, j as f64);
///     (0.1 * i).sin() * (0.2 * j).cos() + (0.05 * i).cos() * (0.3 * j).sin()
/// })?;
/// let (_, s, _) = linalg::svd_compressed(&a, 2, 1)?;
/// let (_, exact, _) = linalg::svd(&a.rechunk((100, 200)))?;
/// assert!(s.compute()?.abs_diff_eq(&exact.slice(s![..2]).compute()?, 1e-9));
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn svd_compressed<T: LinalgFloat>(
    a: &ChunkedArray<T, Ix2>,
    k: usize,
    iterations: usize,
) -> Result<Svd<T>> {
    svd_compressed_with(a, k, iterations, Randomized::default())
}

/// [`svd_compressed`] with a chosen seed and oversampling.
///
/// With `l = k + oversamples` (at most min(m, n)) Gaussian test vectors Ω
/// (n x l, drawn with [`Rng::seed`](crate::random::Rng::seed), chunked as
/// `a`'s columns): `Q` = the `q` of TSQR of `a Ω`; then `iterations` times
/// `Q` = TSQR of `a (aᵀ Q)` (each product re-orthonormalized, so small
/// singular values are not lost to rounding); finally the SVD of the small
/// `Qᵀ a` (l x n, by TSQR of its transpose) gives `s`, `vt`, and `u = Q u_b`,
/// cut to `k`. Every step is blocked: no task holds more than a block of
/// `a`, of `m x l` or of `l x n`. Memory: `a` is read `2 + 2 q` times, and
/// a computed `a` (random, or the result of other operations) has its
/// blocks kept from the first read to the last, as much as `a` itself (a
/// 20000² `f64` array: 3.0 GiB peak, dask 3.1 GiB).
///
/// Accuracy (Halko, Martinsson and Tropp 2011, eq. 1.9 with the power
/// scheme of §10.4, plus the truncation to `k`): with probability at least
/// `1 - 6 p^-p` for `p = oversamples ≥ 4`,
/// `‖a - u diag(s) vt‖₂ ≤ σ_{k+1} + (1 + 11 √l √min(m, n))^{1/(2q+1)} σ_{k+1}`
/// for `q = iterations`, σ being the singular values of `a`. The tests
/// check this bound, and that `s` matches the known singular values of
/// matrices with a fast-decaying spectrum.
///
/// `k` of zero or more than min(m, n) is an
/// [`Error::InvalidArgument`](crate::Error::InvalidArgument).
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::linalg::{self, Randomized};
/// let a = ChunkedArray::from_fn((400, 300), (100, 150), |(i, j)| 1.0 / (1.0 + i as f64 + j as f64))?;
/// let (u, s, vt) = linalg::svd_compressed_with(&a, 5, 2, Randomized::default().seed(42))?;
/// let (u, s, vt) = ndchunk::compute((&u, &s, &vt))?;
/// assert_eq!((u.dim(), s.len(), vt.dim()), ((400, 5), 5, (5, 300)));
/// let (_, exact, _) = linalg::svd(&a.rechunk((100, 300)))?;
/// assert!(s.abs_diff_eq(&exact.slice(s![..5]).compute()?, 1e-10));
/// assert!(linalg::svd_compressed(&a, 0, 2).is_err());
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn svd_compressed_with<T: LinalgFloat>(
    a: &ChunkedArray<T, Ix2>,
    k: usize,
    iterations: usize,
    params: Randomized,
) -> Result<Svd<T>> {
    let a = operand(a, "svd_compressed")?;
    let (m, n) = (a.shape()[0], a.shape()[1]);
    if k == 0 || k > m.min(n) {
        return Err(Error::invalid(
            "k",
            format!(
                "`svd_compressed` finds 1 to min(m, n) = {} singular values of a {m} x {n} matrix, asked for {k}",
                m.min(n)
            ),
        ));
    }
    let l = k.saturating_add(params.oversamples).min(m.min(n));
    let columns = a.chunks().sizes()[1].clone();
    let omega = Rng::seed(params.seed)
        .standard_normal((n, l), Chunks::from_sizes(vec![columns, vec![l]]))?
        .mapv(|v| T::from(v).unwrap_or_else(T::nan));
    let mut q = tsqr(&a.dot(&omega)).0;
    for _ in 0..iterations {
        let z = tsqr(&a.t().dot(&q)).0;
        q = tsqr(&a.dot(&z)).0;
    }
    let (ub, s, vt) = svd(&q.t().dot(&a))?;
    let u = q.dot(&ub);
    Ok((
        u.slice(s![.., ..k]),
        s.slice(s![..k]),
        vt.slice(s![..k, ..]),
    ))
}
