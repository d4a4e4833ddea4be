//! `solve`, `solve_triangular` and `lstsq`: systems of linear equations,
//! with a right-hand side of one column (`Ix1`) or several (`Ix2`).

use super::qr::tsqr;
use super::{matrix, one_block_along, operand, whole, LinalgFloat, Tiles};
use crate::array::{concatenate, ChunkedArray};
use crate::chunks::Chunks;
use crate::error::{Error, Result};
use crate::kernel::blocks::BlockFn;
use crate::kernel::factor;
use crate::kernel::Block;
use ndarray::{s, Array2, ArrayView2, Axis, Dimension, Ix0, Ix1, Ix2};

/// `b` (1-D or 2-D) as a matrix of columns.
fn columns<T: LinalgFloat, D: Dimension>(b: &ChunkedArray<T, D>) -> Result<ChunkedArray<T, Ix2>> {
    let b = operand(b, "b")?.into_dyn();
    match b.ndim() {
        1 => b.insert_axis(Axis(1)).into_dimensionality(),
        2 => b.into_dimensionality(),
        got => Err(Error::RankMismatch {
            argument: "b",
            expected: 2,
            got,
        }),
    }
}

/// `x` (a matrix of columns) back in the rank of `b`.
fn like_b<T: LinalgFloat, D: Dimension>(x: ChunkedArray<T, Ix2>) -> Result<ChunkedArray<T, D>> {
    if D::NDIM == Some(1) {
        x.into_dyn().remove_axis(Axis(1)).into_dimensionality()
    } else {
        x.into_dimensionality()
    }
}

/// Square `a` (n x n) and `b` (n or n x r) as matrices, or the error of
/// `op` if they do not fit together.
fn square_system<T: LinalgFloat, D: Dimension>(
    op: &'static str,
    a: &ChunkedArray<T, Ix2>,
    b: &ChunkedArray<T, D>,
) -> Result<(ChunkedArray<T, Ix2>, ChunkedArray<T, Ix2>)> {
    let a = operand(a, op)?;
    let cols = columns(b)?;
    factor::check_square(op, a.shape())?;
    if a.shape()[0] == cols.shape()[0] {
        Ok((a, cols))
    } else {
        Err(Error::ShapeMismatch {
            op,
            left: a.shape().to_vec(),
            right: b.shape().to_vec(),
        })
    }
}

/// `f(a, b_j)` for every column block `b_j` of `b`, with `a` and the rows
/// of `b` made one block: one task per column block.
fn per_column_block<T: LinalgFloat>(
    op: &'static str,
    key: String,
    a: &ChunkedArray<T, Ix2>,
    b: &ChunkedArray<T, Ix2>,
    f: impl Fn(ArrayView2<'_, T>, ArrayView2<'_, T>) -> Result<Array2<T>> + Send + Sync + 'static,
) -> ChunkedArray<T, Ix2> {
    let a = a.rechunk(Chunks::single(a.shape()));
    let sizes = vec![vec![b.shape()[0]], b.chunks().sizes()[1].clone()];
    let chunks = Chunks::from_sizes(sizes);
    let b = b.rechunk(chunks.clone());
    let reads = |index: &[usize]| vec![(0, vec![0, 0]), (1, index.to_vec())];
    let compute = move |_: &[usize], blocks: &[&Block<T>]| {
        let x = f(matrix(blocks[0])?, matrix(blocks[1])?)?;
        Ok(x.into_dyn().into_shared())
    };
    let kernel = BlockFn::new(op, chunks, reads, compute).keyed(key);
    ChunkedArray::from_block_fn(b.shape().to_vec(), kernel, vec![a.node, b.node.clone()])
}

/// The solution `x` of `a x = b` for a square matrix `a` (n x n) and `b`
/// of shape (n) or (n x r), as numpy's `linalg.solve`, by LU with partial
/// pivoting.
///
/// `a` is made one block and factored in each task; each column block of
/// `b` is solved in its own task (`b`'s rows made one block). A non-square
/// `a`, a `b` of another length or rank, are errors at once; a singular
/// `a` (an exactly zero pivot, as LAPACK's test) makes `compute` fail
/// naming the pivot. NaN in `a` or `b` gives NaN in `x`.
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::linalg;
/// let a = ChunkedArray::from_array(array![[3.0, 1.0], [1.0, 2.0]], 1)?;
/// let b = ChunkedArray::from_array(array![9.0, 8.0], 1)?;
/// assert!(linalg::solve(&a, &b)?.compute()?.abs_diff_eq(&array![2.0, 3.0], 1e-12));
/// let singular = ChunkedArray::from_array(array![[1.0, 2.0], [2.0, 4.0]], 2)?;
/// assert!(linalg::solve(&singular, &b)?.compute().unwrap_err().to_string().contains("singular"));
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn solve<T: LinalgFloat, D: Dimension>(
    a: &ChunkedArray<T, Ix2>,
    b: &ChunkedArray<T, D>,
) -> Result<ChunkedArray<T, D>> {
    let (a, cols) = square_system("solve", a, b)?;
    let x = per_column_block("solve", "solve".into(), &a, &cols, |a, b| {
        factor::solve("solve", a, b)
    });
    like_b(x)
}

/// The solution `x` of `a x = b` for a triangular matrix `a` (n x n, lower
/// if `lower`, else upper; the other triangle is not read) and `b` of shape
/// (n) or (n x r), as `scipy.linalg.solve_triangular`.
///
/// Blocked: `a` is cut into square tiles along its row chunks (its columns
/// rechunked to match) and `b`'s rows likewise; tile row `i` of `x` solves
/// `a_ii x_i = b_i - Σ a_ij x_j` over the tiles already solved (from the
/// top for a lower `a`, from the bottom for an upper one), one task per
/// tile and column block of `b`. The result is chunked as the tiles along
/// its rows. A zero on the diagonal makes `compute` fail saying the matrix
/// is singular.
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::linalg;
/// let l = ChunkedArray::from_array(array![[2.0, 0.0], [1.0, 4.0]], 1)?;
/// let b = ChunkedArray::from_array(array![[2.0, 4.0], [9.0, 6.0]], 1)?;
/// let x = linalg::solve_triangular(&l, &b, true)?.compute()?;
/// assert!(x.abs_diff_eq(&array![[1.0, 2.0], [2.0, 1.0]], 1e-12));
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn solve_triangular<T: LinalgFloat, D: Dimension>(
    a: &ChunkedArray<T, Ix2>,
    b: &ChunkedArray<T, D>,
    lower: bool,
) -> Result<ChunkedArray<T, D>> {
    let (a, cols) = square_system("solve_triangular", a, b)?;
    let x = if a.chunks().num_blocks_on(0) <= 1 {
        triangular_tile(&a, &cols, lower)
    } else {
        substitute(&Tiles::new(&a), &cols, lower)?
    };
    like_b(x)
}

/// `x` with `a x = b` for one triangular tile `a`.
fn triangular_tile<T: LinalgFloat>(
    a: &ChunkedArray<T, Ix2>,
    b: &ChunkedArray<T, Ix2>,
    lower: bool,
) -> ChunkedArray<T, Ix2> {
    let key = format!("solve_triangular(lower={lower})");
    per_column_block("solve_triangular", key, a, b, move |a, b| {
        factor::solve_triangular(a, b, lower)
    })
}

/// Block substitution: the rows of `x` tile by tile (from the top for a
/// lower `a`, from the bottom for an upper one), `x_i` solving
/// `a_ii x_i = b_i - Σ a_ij x_j` over the tiles `j` already solved.
fn substitute<T: LinalgFloat>(
    tiles: &Tiles<T>,
    b: &ChunkedArray<T, Ix2>,
    lower: bool,
) -> Result<ChunkedArray<T, Ix2>> {
    let nb = tiles.len();
    let order: Vec<usize> = if lower {
        (0..nb).collect()
    } else {
        (0..nb).rev().collect()
    };
    // (tile row, its rows of x) in the order they are solved.
    let mut solved: Vec<(usize, ChunkedArray<T, Ix2>)> = Vec::with_capacity(nb);
    for i in order {
        let rhs = solved.iter().fold(tiles.rows_of(b, i), |acc, (j, xj)| {
            &acc - &tiles.tile(i, *j).dot(xj)
        });
        let xi = triangular_tile(&tiles.tile(i, i), &rhs, lower);
        solved.push((i, xi));
    }
    solved.sort_by_key(|(i, _)| *i);
    let x: Vec<&ChunkedArray<T, Ix2>> = solved.iter().map(|(_, xi)| xi).collect();
    concatenate(Axis(0), &x)
}

/// What [`lstsq`] returns: the solution, the residuals, the rank of `a`
/// and its singular values.
type Lstsq<T, D> = (
    ChunkedArray<T, D>,
    ChunkedArray<T, Ix1>,
    ChunkedArray<usize, Ix0>,
    ChunkedArray<T, Ix1>,
);

/// The least-squares solution of `a x ≈ b` as dask's `lstsq` (by TSQR)
/// with numpy's results: `x` (n or n x r), the residuals (the sums of
/// squares of `b - a x`, one per column of `b`: shape (1) for a 1-D `b`),
/// the rank of `a` and its singular values (n).
///
/// `a` (m x n, m ≥ n) must have one block along axis 1 (an error says how
/// to rechunk); `a = q r` by TSQR, then `x` solves `r x = qᵀ b`, all
/// blocked along the rows of `a`. The rank counts the singular values of
/// `r` above `max(s) · max(m, n) · ε`, as numpy's `matrix_rank`. Unlike
/// numpy (which returns the minimum-norm solution), `a` must have full
/// column rank: otherwise `compute` fails saying `r` is singular. The
/// residuals are always computed (numpy leaves them empty when `m ≤ n`).
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::linalg;
/// // Fit y = 1 + 2 t to four points.
/// let a = ChunkedArray::from_array(array![[1.0_f64, 0.0], [1.0, 1.0], [1.0, 2.0], [1.0, 3.0]], (2, 2))?;
/// let y = ChunkedArray::from_array(array![1.1, 2.9, 5.1, 6.9], 2)?;
/// let (x, res, rank, s) = linalg::lstsq(&a, &y)?;
/// let (x, res, rank, s) = ndchunk::compute((&x, &res, &rank, &s))?;
/// assert!(x.abs_diff_eq(&array![1.06, 1.96], 1e-12));
/// assert!((res[0] - 0.032).abs() < 1e-12);
/// assert_eq!((rank.into_scalar(), s.len()), (2, 2));
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn lstsq<T: LinalgFloat, D: Dimension>(
    a: &ChunkedArray<T, Ix2>,
    b: &ChunkedArray<T, D>,
) -> Result<Lstsq<T, D>> {
    let a = operand(a, "lstsq")?;
    let cols = columns(b)?;
    let (m, n) = (a.shape()[0], a.shape()[1]);
    if m != cols.shape()[0] {
        return Err(Error::ShapeMismatch {
            op: "lstsq",
            left: a.shape().to_vec(),
            right: b.shape().to_vec(),
        });
    }
    if m < n {
        return Err(Error::invalid(
            "a",
            format!(
                "`lstsq` needs at least as many rows as columns, got shape {:?}",
                a.shape()
            ),
        ));
    }
    one_block_along("lstsq", &a, 1)?;
    let (q, r) = tsqr(&a);
    let x = solve_triangular(&r, &q.t().dot(&cols), false)?;
    let residual = &cols - &a.dot(&x);
    let residuals = (&residual * &residual).sum_axis(Axis(0));
    let scale = T::from(m.max(n)).unwrap_or_else(T::infinity) * T::epsilon();
    let packed = whole(
        "lstsq_rank",
        "lstsq_rank".into(),
        &[&r],
        (2, n.max(1)),
        move |r| {
            let s = factor::singular_values(r[0])?;
            let tol = s.iter().copied().fold(T::zero(), T::max) * scale;
            let rank = s.iter().filter(|&&v| v > tol).count();
            let mut rows = Array2::zeros((2, r[0].ncols().max(1)));
            rows.slice_mut(s![0, ..s.len()]).assign(&s);
            rows[[1, 0]] = T::from(rank).unwrap_or_else(T::nan);
            Ok(rows)
        },
    );
    let rank = packed.slice(s![1, 0]).mapv(|v| v.to_usize().unwrap_or(0));
    Ok((like_b(x)?, residuals, rank, packed.slice(s![0, ..n])))
}
