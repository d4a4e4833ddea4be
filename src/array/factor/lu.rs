//! `lu` and `inv`: LU with partial pivoting, in one task.

use super::{operand, pack, whole, LinalgFloat};
use crate::array::ChunkedArray;
use crate::error::Result;
use crate::kernel::factor;
use ndarray::{s, Ix2};

/// The LU factorization with partial pivoting of `a` (m x n), as
/// `scipy.linalg.lu` (and dask's `lu`): a permutation matrix `p` (m x m),
/// unit lower-triangular `l` (m x k) and upper-triangular `u` (k x n),
/// k = min(m, n), with `a = p · l · u`.
///
/// The matrix is made one block and factored in one task (it must fit in
/// memory); the three results come from that one task. A singular `a` is
/// factored all the same (its `u` has a zero on the diagonal), as scipy's;
/// a NaN in `a` gives NaN values in `l` and `u`.
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::linalg;
/// let a = ChunkedArray::from_array(array![[1.0, 2.0], [3.0, 4.0], [5.0, 0.0]], (2, 1))?;
/// let (p, l, u) = linalg::lu(&a);
/// let (p, l, u) = ndchunk::compute((&p, &l, &u))?;
/// assert_eq!(p, array![[0.0, 0.0, 1.0], [0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]);
/// assert_eq!((l[[0, 0]], l[[0, 1]], u[[1, 0]]), (1.0, 0.0, 0.0));
/// assert!(p.dot(&l).dot(&u).abs_diff_eq(&a.compute()?, 1e-12));
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn lu<T: LinalgFloat>(
    a: &ChunkedArray<T, Ix2>,
) -> (
    ChunkedArray<T, Ix2>,
    ChunkedArray<T, Ix2>,
    ChunkedArray<T, Ix2>,
) {
    let (m, n) = (a.shape()[0], a.shape()[1]);
    let k = m.min(n);
    let packed = whole(
        "lu",
        "lu".into(),
        &[a],
        (m.saturating_mul(2).saturating_add(k), m.max(n)),
        |a| {
            let (p, l, u) = factor::lu(a[0]);
            Ok(pack(&[p, l, u]))
        },
    );
    (
        packed.slice(s![..m, ..m]),
        packed.slice(s![m..2 * m, ..k]),
        packed.slice(s![2 * m.., ..n]),
    )
}

/// The inverse of a square matrix `a`, as numpy's `linalg.inv`, by LU with
/// partial pivoting.
///
/// The matrix is made one block and inverted in one task (it must fit in
/// memory). A non-square `a` is an error at once; a singular one (an
/// exactly zero pivot) makes `compute` fail saying so.
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::linalg;
/// let a = ChunkedArray::from_array(array![[4.0, 7.0], [2.0, 6.0]], 1)?;
/// let inv = linalg::inv(&a)?.compute()?;
/// assert!(inv.abs_diff_eq(&array![[0.6, -0.7], [-0.2, 0.4]], 1e-12));
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn inv<T: LinalgFloat>(a: &ChunkedArray<T, Ix2>) -> Result<ChunkedArray<T, Ix2>> {
    let a = operand(a, "inv")?;
    factor::check_square("inv", a.shape())?;
    let n = a.shape()[0];
    Ok(whole("inv", "inv".into(), &[&a], (n, n), |a| {
        factor::inv(a[0])
    }))
}
