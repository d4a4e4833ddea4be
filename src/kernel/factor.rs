//! Dense factorizations of one block (QR, SVD, Cholesky, LU, triangular
//! and general solves) on `faer`, pure Rust. Blocks come in and go out as
//! ndarray matrices; `faer` runs single-threaded here, since one task per
//! block is the parallelism.

use crate::element::Accumulate;
use crate::error::{Error, Result};
use faer::linalg::solvers::{DenseSolveCore, Solve};
use faer::{Mat, MatRef, Side};
use ndarray::{Array1, Array2, ArrayD, ArrayView2, ArrayViewD, Axis, Ix3, LinalgScalar};
use num_traits::Float;

mod sealed {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}

/// The float types factorizations run on: `f32` and `f64` (sealed).
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::linalg::{self, LinalgFloat};
/// fn det2<T: LinalgFloat>(a: &ChunkedArray<T, Ix2>) -> ndchunk::Result<T> {
///     let (_, _, u) = linalg::lu(a);
///     Ok(u.compute()?.diag().iter().fold(T::one(), |p, &d| p * d).abs())
/// }
/// let a = ChunkedArray::from_array(array![[2.0_f32, 1.0], [1.0, 3.0]], 1)?;
/// assert!((det2(&a)? - 5.0).abs() < 1e-5);
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub trait LinalgFloat:
    Float
    + Accumulate<Sum = Self, Mean = Self>
    + LinalgScalar
    + std::fmt::Debug
    + faer::traits::RealField
    + sealed::Sealed
{
}

impl LinalgFloat for f32 {}
impl LinalgFloat for f64 {}

fn to_faer<T: LinalgFloat>(a: ArrayView2<'_, T>) -> Mat<T> {
    Mat::from_fn(a.nrows(), a.ncols(), |i, j| a[[i, j]])
}

fn from_faer<T: LinalgFloat>(m: MatRef<'_, T>) -> Array2<T> {
    Array2::from_shape_fn((m.nrows(), m.ncols()), |(i, j)| m[(i, j)])
}

/// `a` must be square for `op`.
pub(crate) fn check_square(op: &'static str, shape: &[usize]) -> Result<()> {
    if shape.len() == 2 && shape[0] == shape[1] {
        Ok(())
    } else {
        Err(Error::invalid(
            "a",
            format!("`{op}` needs a square matrix, got shape {shape:?}"),
        ))
    }
}

/// The thin QR of `a` (m x n): `q` (m x k) with orthonormal columns and
/// upper-triangular `r` (k x n), k = min(m, n). Householder reflections, so
/// the signs of `r`'s diagonal are whatever they give (as LAPACK's). Both
/// are all NaN if `a` has a NaN or an infinity.
pub(crate) fn qr<T: LinalgFloat>(a: ArrayView2<'_, T>) -> (Array2<T>, Array2<T>) {
    let (m, n) = a.dim();
    let k = m.min(n);
    if k == 0 {
        return (Array2::zeros((m, 0)), Array2::zeros((0, n)));
    }
    if !all_finite(a) {
        // Householder steps skip what NaN poisons instead of spreading it.
        return (
            Array2::from_elem((m, k), T::nan()),
            Array2::from_elem((k, n), T::nan()),
        );
    }
    let qr = to_faer(a).qr();
    (
        from_faer(qr.compute_thin_Q().as_ref()),
        from_faer(qr.thin_R()),
    )
}

fn all_finite<T: LinalgFloat>(a: ArrayView2<'_, T>) -> bool {
    a.iter().all(|v| v.is_finite())
}

/// The thin SVD of `a` (m x n): `u` (m x k), `s` (k, decreasing), `vt`
/// (k x n). An error if `a` has a NaN or an infinity, or if the iteration
/// does not converge.
pub(crate) fn svd<T: LinalgFloat>(
    a: ArrayView2<'_, T>,
) -> Result<(Array2<T>, Array1<T>, Array2<T>)> {
    let (m, n) = a.dim();
    let k = m.min(n);
    if k == 0 {
        return Ok((
            Array2::zeros((m, 0)),
            Array1::zeros(0),
            Array2::zeros((0, n)),
        ));
    }
    if !all_finite(a) {
        return Err(not_finite("svd"));
    }
    let svd = to_faer(a).thin_svd().map_err(|e| not_converged("svd", e))?;
    let s = svd.S().column_vector();
    let s = Array1::from_shape_fn(k, |i| s[i]);
    let vt = from_faer(svd.V().transpose());
    Ok((from_faer(svd.U()), s, vt))
}

/// The singular values of `a`, decreasing.
pub(crate) fn singular_values<T: LinalgFloat>(a: ArrayView2<'_, T>) -> Result<Array1<T>> {
    if a.is_empty() {
        return Ok(Array1::zeros(0));
    }
    if !all_finite(a) {
        return Err(not_finite("svd"));
    }
    let s = to_faer(a)
        .singular_values()
        .map_err(|e| not_converged("svd", e))?;
    Ok(Array1::from(s))
}

fn not_finite(op: &str) -> Error {
    Error::invalid(
        "a",
        format!("`{op}` needs finite values: the matrix has NaN or infinite values"),
    )
}

fn not_converged(op: &str, e: impl std::fmt::Debug) -> Error {
    Error::invalid("a", format!("`{op}` did not converge ({e:?})"))
}

/// The Cholesky factor of square `a`: lower `l` with `a = l lᵀ`, or upper
/// `u = lᵀ` with `a = uᵀ u`. Only the lower triangle of `a` is read.
pub(crate) fn cholesky<T: LinalgFloat>(a: ArrayView2<'_, T>, lower: bool) -> Result<Array2<T>> {
    check_square("cholesky", a.shape())?;
    if a.is_empty() {
        return Ok(a.to_owned());
    }
    let llt = to_faer(a).llt(Side::Lower).map_err(|e| {
        Error::invalid(
            "a",
            format!("`cholesky` needs a symmetric positive definite matrix ({e:?})"),
        )
    })?;
    let l = from_faer(llt.L());
    Ok(if lower { l } else { l.reversed_axes() })
}

/// The LU factorization with partial pivoting of `a` (m x n), as
/// `scipy.linalg.lu`: `a = p l u` with `p` a permutation matrix (m x m),
/// `l` unit lower (m x k), `u` upper (k x n), k = min(m, n).
pub(crate) fn lu<T: LinalgFloat>(a: ArrayView2<'_, T>) -> (Array2<T>, Array2<T>, Array2<T>) {
    let (m, n) = a.dim();
    let k = m.min(n);
    if k == 0 {
        return (Array2::eye(m), Array2::zeros((m, 0)), Array2::zeros((0, n)));
    }
    let lu = to_faer(a).partial_piv_lu();
    // faer's is `P a = l u`, row i of `P a` being row fwd[i] of `a`, so
    // scipy's `p` is Pᵀ.
    let (fwd, _) = lu.P().arrays();
    let mut p = Array2::zeros((m, m));
    for (i, &r) in fwd.iter().enumerate() {
        p[[r, i]] = T::one();
    }
    (p, from_faer(lu.L()), from_faer(lu.U()))
}

/// The first exactly zero diagonal entry of a triangular factor: LAPACK's
/// test for a singular matrix.
fn zero_pivot<T: LinalgFloat>(u: MatRef<'_, T>) -> Option<usize> {
    (0..u.nrows().min(u.ncols())).find(|&i| u[(i, i)] == T::zero())
}

fn singular(op: &str, at: usize) -> Error {
    Error::invalid(
        "a",
        format!("`{op}`: the matrix is singular (zero pivot at row {at})"),
    )
}

/// `x` with `a x = b` for square `a` (n x n) and `b` (n x r), by LU with
/// partial pivoting; an error naming the pivot if `a` is singular.
pub(crate) fn solve<T: LinalgFloat>(
    op: &'static str,
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
) -> Result<Array2<T>> {
    check_square(op, a.shape())?;
    if a.is_empty() || b.is_empty() {
        return Ok(Array2::zeros(b.dim()));
    }
    let lu = to_faer(a).partial_piv_lu();
    if let Some(at) = zero_pivot(lu.U()) {
        return Err(singular(op, at));
    }
    Ok(from_faer(lu.solve(to_faer(b).as_ref()).as_ref()))
}

/// The inverse of square `a`; an error if it is singular.
pub(crate) fn inv<T: LinalgFloat>(a: ArrayView2<'_, T>) -> Result<Array2<T>> {
    check_square("inv", a.shape())?;
    if a.is_empty() {
        return Ok(a.to_owned());
    }
    let lu = to_faer(a).partial_piv_lu();
    if let Some(at) = zero_pivot(lu.U()) {
        return Err(singular("inv", at));
    }
    Ok(from_faer(lu.inverse().as_ref()))
}

/// `x` with `a x = b` for triangular `a` (lower or upper; the other
/// triangle is not read); an error if its diagonal has a zero.
pub(crate) fn solve_triangular<T: LinalgFloat>(
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
    lower: bool,
) -> Result<Array2<T>> {
    check_square("solve_triangular", a.shape())?;
    if a.is_empty() || b.is_empty() {
        return Ok(Array2::zeros(b.dim()));
    }
    let a = to_faer(a);
    if let Some(at) = zero_pivot(a.as_ref()) {
        return Err(singular("solve_triangular", at));
    }
    let mut x = to_faer(b);
    if lower {
        a.solve_lower_triangular_in_place(x.as_mut());
    } else {
        a.solve_upper_triangular_in_place(x.as_mut());
    }
    Ok(from_faer(x.as_ref()))
}

/// What a norm takes of a matrix's singular values.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Spectral {
    /// The largest: the 2-norm.
    Largest,
    /// The smallest: the -2 "norm".
    Smallest,
    /// Their sum: the nuclear norm.
    Sum,
}

/// `which` of the singular values of every matrix in `block`, whose last
/// two axes are the matrices' rows and columns: a block of the leading
/// axes. The largest or smallest of no values is an error.
pub(crate) fn spectral<T: LinalgFloat>(
    block: ArrayViewD<'_, T>,
    which: Spectral,
) -> Result<ArrayD<T>> {
    let nd = block.ndim();
    let lead = block.shape()[..nd - 2].to_vec();
    let (r, c) = (block.shape()[nd - 2], block.shape()[nd - 1]);
    let batch: usize = lead.iter().product();
    let stack = block
        .as_standard_layout()
        .into_owned()
        .into_shape_with_order((batch, r, c))
        .map_err(Error::internal)?
        .into_dimensionality::<Ix3>()
        .map_err(Error::internal)?;
    let mut out = Vec::with_capacity(batch);
    for m in stack.axis_iter(Axis(0)) {
        let s = singular_values(m)?;
        let value = match which {
            Spectral::Sum => s.sum(),
            _ if s.is_empty() => return Err(Error::EmptyReduction { op: "norm" }),
            Spectral::Largest => s[0],
            Spectral::Smallest => s[s.len() - 1],
        };
        out.push(value);
    }
    ArrayD::from_shape_vec(lead, out).map_err(Error::internal)
}
