//! `ndchunk::linalg` against numpy/scipy: QR and SVD by TSQR on tall and
//! wide matrices with one to many row blocks (more than one level of the
//! tree), irregular chunks, f32 and f64; reconstructions and
//! orthogonality; `svd_compressed` on matrices of known spectrum within the
//! bound its docs state; solves, Cholesky, LU, inverse, least squares and
//! norms of 1-D to 4-D arrays. Expected values are in
//! `fixtures/linalg.json` (made by `fixtures/make_linalg.py`); the inputs
//! are formulas both sides compute. Agreement is to 1e-10 relative.

use ndarray::{Array1, Array2, ArrayD, Ix2, IxDyn};
use ndchunk::linalg::{self, Norm, NormAxes, Randomized};
use ndchunk::prelude::*;
use serde_json::Value;

const TOL: f64 = 1e-10;

fn fixture(name: &str) -> ArrayD<f64> {
    let all: Value =
        serde_json::from_str(include_str!("fixtures/linalg.json")).expect("linalg.json");
    let v = &all[name];
    let shape: Vec<usize> = v["shape"]
        .as_array()
        .unwrap_or_else(|| panic!("no fixture {name}"))
        .iter()
        .map(|n| n.as_u64().expect("a length") as usize)
        .collect();
    let values = v["values"].as_array().expect("values");
    let values = values
        .iter()
        .map(|x| x.as_f64().expect("a number"))
        .collect();
    ArrayD::from_shape_vec(IxDyn(&shape), values).expect("fixture shape")
}

/// The fixture script's `general(shape, offset)`.
fn general(shape: &[usize], offset: usize) -> ArrayD<f64> {
    let values = (0..shape.iter().product::<usize>()).map(|k| {
        let k = (k + offset) as f64;
        (0.7 * k).sin() + 0.1 * (2.3 * k * k).cos()
    });
    ArrayD::from_shape_vec(IxDyn(shape), values.collect()).unwrap()
}

fn general2(m: usize, n: usize, offset: usize) -> Array2<f64> {
    general(&[m, n], offset).into_dimensionality().unwrap()
}

/// The fixture script's `square(n)`: well conditioned.
fn square(n: usize) -> Array2<f64> {
    general2(n, n, 0) + Array2::<f64>::eye(n) * n as f64
}

fn chunked<D: ndarray::Dimension>(
    a: &ndarray::Array<f64, D>,
    sizes: &[&[usize]],
) -> ChunkedArray<f64, D> {
    let sizes = sizes.iter().map(|s| s.to_vec()).collect();
    ChunkedArray::from_array(a.clone(), Chunks::from_sizes(sizes)).expect("chunks")
}

/// `got` within `tol` of `want`, relative to the largest of `want` (or 1).
fn close<D: ndarray::Dimension>(
    what: &str,
    got: &ndarray::Array<f64, D>,
    want: &ndarray::Array<f64, D>,
    tol: f64,
) {
    assert_eq!(got.shape(), want.shape(), "{what}: shape");
    let scale = want.iter().fold(1.0_f64, |m, w| m.max(w.abs()));
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= tol * scale,
            "{what}[{k}]: {g} != {w} (tol {tol})"
        );
    }
}

fn close_fixture<D: ndarray::Dimension>(what: &str, got: &ndarray::Array<f64, D>, name: &str) {
    close(what, &got.clone().into_dyn(), &fixture(name), TOL);
}

fn orthonormal_columns(what: &str, q: &Array2<f64>, tol: f64) {
    let k = q.ncols();
    close(what, &q.t().dot(q), &Array2::eye(k), tol);
}

/// QR cases: shape and row chunkings (one block, irregular, more blocks
/// than one level of the TSQR tree takes, blocks shorter than wide).
const QR_CASES: &[(usize, usize, &[&[usize]])] = &[
    (12, 3, &[&[12], &[5, 4, 3], &[1; 12]]),
    (40, 5, &[&[40], &[7, 7, 7, 7, 7, 5], &[2; 20], &[1; 40]]),
    (7, 7, &[&[7], &[3, 4]]),
    (5, 8, &[&[5], &[2, 3]]),
    (1, 4, &[&[1]]),
    (30, 1, &[&[30], &[10, 10, 10], &[1; 30]]),
];

#[test]
fn qr_reconstructs_and_matches_numpy() -> ndchunk::Result<()> {
    for &(m, n, chunkings) in QR_CASES {
        let a = general2(m, n, 0);
        for &rows in chunkings {
            let what = format!("qr {m}x{n} rows {rows:?}");
            let x = chunked(&a, &[rows, &[n]]);
            let (q, r) = linalg::qr(&x)?;
            assert_eq!(
                q.chunks().sizes()[0],
                rows.to_vec(),
                "{what}: q keeps a's rows"
            );
            let (q, r) = ndchunk::compute((&q, &r))?;
            let k = m.min(n);
            assert_eq!((q.dim(), r.dim()), ((m, k), (k, n)), "{what}");
            close(&format!("{what}: q r"), &q.dot(&r), &a, 1e-12);
            orthonormal_columns(&format!("{what}: qᵀq"), &q, 1e-12);
            for ((i, j), &v) in r.indexed_iter() {
                assert!(
                    i <= j || v == 0.0,
                    "{what}: r[{i}, {j}] = {v} below the diagonal"
                );
            }
            close_fixture(&what, &r.mapv(f64::abs), &format!("qr_{m}x{n}_abs_r"));
        }
    }
    Ok(())
}

#[test]
fn factorizations_in_f32() -> ndchunk::Result<()> {
    let f32_of = |a: &Array2<f64>| a.mapv(|v| v as f32);
    let want = |name: &str| fixture(name).mapv(|v| v as f32);
    let a = f32_of(&general2(40, 5, 0));
    let x = ChunkedArray::from_array(a.clone(), (6, 5))?;
    let (q, r) = linalg::qr(&x)?;
    let (q, r) = ndchunk::compute((&q, &r))?;
    assert!(q.dot(&r).abs_diff_eq(&a, 1e-5), "f32 q r");
    assert!(
        r.mapv(f32::abs)
            .into_dyn()
            .abs_diff_eq(&want("qr_40x5_abs_r"), 1e-5),
        "f32 |r|"
    );
    let (_, s, _) = linalg::svd(&x)?;
    assert!(
        s.compute()?
            .into_dyn()
            .abs_diff_eq(&want("svd_40x5_s"), 1e-5),
        "f32 s"
    );
    let sq = ChunkedArray::from_array(f32_of(&square(9)), (4, 4))?;
    let b = ChunkedArray::from_array(f32_of(&general2(9, 4, 100)), (3, 2))?;
    let x = linalg::solve(&sq, &b)?.compute()?;
    assert!(
        x.into_dyn().abs_diff_eq(&want("solve_9x4"), 1e-5),
        "f32 solve"
    );
    let n = linalg::norm(&sq, Some(Norm::Nuc), NormAxes::All)?.compute()?;
    let exact = linalg::norm(&sq.cast::<f64>(), Some(Norm::Nuc), NormAxes::All)?.compute()?;
    assert!(
        (f64::from(n[[]]) - exact[[]]).abs() < 1e-5 * exact[[]],
        "f32 nuclear norm"
    );
    Ok(())
}

#[test]
fn empty_matrices() -> ndchunk::Result<()> {
    for (m, n) in [(0, 3), (5, 0), (0, 0)] {
        let x = ChunkedArray::<f64, _>::zeros((m, n), (2, 3))?;
        let (q, r) = linalg::qr(&x)?;
        let (q, r) = ndchunk::compute((&q, &r))?;
        assert_eq!((q.dim(), r.dim()), ((m, 0), (0, n)));
        let (u, s, vt) = linalg::svd(&x)?;
        let (u, s, vt) = ndchunk::compute((&u, &s, &vt))?;
        assert_eq!((u.dim(), s.len(), vt.dim()), ((m, 0), 0, (0, n)));
    }
    let none = ChunkedArray::<f64, _>::zeros((0, 0), 1)?;
    let b = ChunkedArray::<f64, _>::zeros(0, 1)?;
    assert_eq!(linalg::inv(&none)?.compute()?.dim(), (0, 0));
    assert_eq!(linalg::cholesky(&none, true)?.compute()?.dim(), (0, 0));
    assert_eq!(linalg::solve(&none, &b)?.compute()?.len(), 0);
    let (p, l, u) = linalg::lu(&none);
    let (p, l, u) = ndchunk::compute((&p, &l, &u))?;
    assert_eq!((p.dim(), l.dim(), u.dim()), ((0, 0), (0, 0), (0, 0)));
    Ok(())
}

#[test]
fn qr_of_a_matrix_chunked_along_columns_says_how_to_rechunk() {
    let x = chunked(&general2(20, 6, 0), &[&[10, 10], &[3, 3]]);
    let err = linalg::qr(&x).unwrap_err();
    assert!(matches!(err, Error::InvalidChunks { axis: 1, .. }), "{err}");
    assert!(err.to_string().contains("rechunk((10, 6))"), "{err}");
}

#[test]
fn results_are_bit_identical_on_one_thread() -> ndchunk::Result<()> {
    let one = Options::default().threads(1);
    let x = ChunkedArray::from_array(general2(300, 7, 0), (9, 7))?;
    let (q, r) = linalg::qr(&x)?;
    assert_eq!(
        ndchunk::compute((&q, &r))?,
        ndchunk::compute_with((&q, &r), &one)?
    );
    let spd = ChunkedArray::from_array(square(40).dot(&square(40).t()), (7, 9))?;
    let l = linalg::cholesky(&spd, true)?;
    let b = ChunkedArray::from_array(general2(40, 3, 5), (6, 2))?;
    let x = linalg::solve_triangular(&l, &b, true)?;
    assert_eq!(
        ndchunk::compute((&l, &x))?,
        ndchunk::compute_with((&l, &x), &one)?
    );
    Ok(())
}

#[test]
fn a_panicking_closure_before_qr_is_an_error_and_the_next_compute_works() -> ndchunk::Result<()> {
    let x = ChunkedArray::from_array(general2(30, 3, 0), (10, 3))?;
    let bad = x.mapv(|v| if v > 0.9 { panic!("boom") } else { v });
    let (q, _) = linalg::qr(&bad)?;
    let err = q.compute().unwrap_err();
    assert!(matches!(err, Error::TaskPanicked { .. }), "{err}");
    let (q, r) = linalg::qr(&x)?;
    let (q, r) = ndchunk::compute((&q, &r))?;
    close("after a panic", &q.dot(&r), &general2(30, 3, 0), 1e-12);
    Ok(())
}

/// SVD cases: shape and chunkings (tall ones along rows, wide ones along
/// columns).
/// Block lengths along each axis.
type Sizes = &'static [&'static [usize]];

const SVD_CASES: &[(usize, usize, &[Sizes])] = &[
    (12, 3, &[&[&[12], &[3]], &[&[5, 4, 3], &[3]]]),
    (40, 5, &[&[&[2; 20], &[5]]]),
    (7, 7, &[&[&[7], &[7]], &[&[3, 4], &[7]], &[&[7], &[2, 5]]]),
    (5, 8, &[&[&[5], &[8]], &[&[2, 3], &[8]], &[&[5], &[3, 5]]]),
    (30, 1, &[&[&[10, 10, 10], &[1]]]),
    (4, 30, &[&[&[4], &[7, 7, 7, 7, 2]]]),
    (3, 17, &[&[&[3], &[5, 5, 7]], &[&[1, 2], &[17]]]),
];

#[test]
fn svd_reconstructs_and_matches_numpy() -> ndchunk::Result<()> {
    for &(m, n, chunkings) in SVD_CASES {
        let a = general2(m, n, 0);
        for &sizes in chunkings {
            let what = format!("svd {m}x{n} chunks {sizes:?}");
            let (u, s, vt) = linalg::svd(&chunked(&a, sizes))?;
            let (u, s, vt) = ndchunk::compute((&u, &s, &vt))?;
            close(&format!("{what}: u s vt"), &(&u * &s).dot(&vt), &a, 1e-12);
            orthonormal_columns(&format!("{what}: uᵀu"), &u, 1e-12);
            orthonormal_columns(&format!("{what}: v vᵀ"), &vt.t().to_owned(), 1e-12);
            close_fixture(&format!("{what}: s"), &s, &format!("svd_{m}x{n}_s"));
            close_fixture(
                &format!("{what}: |u|"),
                &u.mapv(f64::abs),
                &format!("svd_{m}x{n}_abs_u"),
            );
            close_fixture(
                &format!("{what}: |vt|"),
                &vt.mapv(f64::abs),
                &format!("svd_{m}x{n}_abs_vt"),
            );
        }
    }
    Ok(())
}

#[test]
fn svd_of_a_matrix_chunked_both_ways_is_an_error() {
    let x = chunked(&general2(20, 6, 0), &[&[10, 10], &[3, 3]]);
    let err = linalg::svd(&x).unwrap_err();
    assert!(err.to_string().contains("rechunk((10, 6))"), "{err}");
}

/// `u diag(s) vᵀ` with orthonormal `u` (m x r), `v` (n x r) from the QR of
/// fixed matrices and the singular values `s`.
fn known_spectrum(m: usize, n: usize, s: &Array1<f64>) -> ndchunk::Result<Array2<f64>> {
    let r = s.len();
    let (u, _) = linalg::qr(&ChunkedArray::from_array(general2(m, r, 11), (m, r))?)?;
    let (v, _) = linalg::qr(&ChunkedArray::from_array(general2(n, r, 29), (n, r))?)?;
    let (u, v) = ndchunk::compute((&u, &v))?;
    Ok((u * s).dot(&v.t()))
}

/// ‖x‖₂ by the crate's own matrix 2-norm (checked against numpy below).
fn two_norm(x: Array2<f64>) -> ndchunk::Result<f64> {
    let x = ChunkedArray::from_array(x, (50, 50))?;
    let n = linalg::norm(&x, Some(Norm::L(2.0)), NormAxes::All)?.compute()?;
    Ok(*n.first().expect("a 0-d norm"))
}

#[test]
fn svd_compressed_is_within_its_documented_bound() -> ndchunk::Result<()> {
    // Geometric spectrum 0.7^i: the bound of the docs, and the k largest
    // singular values to 1e-10 relative with 2 power iterations.
    let (m, n, r) = (300, 200, 60);
    let spectrum = Array1::from_shape_fn(r, |i| 0.7_f64.powi(i as i32));
    let a = known_spectrum(m, n, &spectrum)?;
    for (k, q, chunks) in [
        (5, 0, (100, 50)),
        (10, 2, (70, 200)),
        (10, 1, (300, 33)),
        (1, 3, (64, 64)),
    ] {
        let what = format!("svd_compressed k={k} iterations={q} chunks {chunks:?}");
        let x = ChunkedArray::from_array(a.clone(), chunks)?;
        let (u, s, vt) = linalg::svd_compressed(&x, k, q)?;
        let (u, s, vt) = ndchunk::compute((&u, &s, &vt))?;
        assert_eq!((u.dim(), s.len(), vt.dim()), ((m, k), k, (k, n)), "{what}");
        orthonormal_columns(&format!("{what}: uᵀu"), &u, 1e-12);
        let l = (k + 10) as f64;
        let factor = (1.0 + 11.0 * l.sqrt() * (n as f64).sqrt()).powf(1.0 / (2 * q + 1) as f64);
        let bound = spectrum[k] * (1.0 + factor);
        let err = two_norm(&a - &(&u * &s).dot(&vt))?;
        assert!(err <= bound, "{what}: error {err} above the bound {bound}");
        assert!(
            err >= spectrum[k] * (1.0 - 1e-9),
            "{what}: error {err} below σ_k+1: impossible"
        );
        if q >= 2 {
            close(
                &format!("{what}: s"),
                &s,
                &spectrum.slice(ndarray::s![..k]).to_owned(),
                TOL,
            );
        }
    }
    Ok(())
}

#[test]
fn svd_compressed_is_reproducible_by_seed_and_thread_count() -> ndchunk::Result<()> {
    let a = ChunkedArray::from_array(general2(120, 90, 0), (40, 30))?;
    let run = |seed| -> ndchunk::Result<_> {
        let (u, s, vt) = linalg::svd_compressed_with(&a, 4, 1, Randomized::default().seed(seed))?;
        ndchunk::compute((&u, &s, &vt))
    };
    let (first, again, other) = (run(5)?, run(5)?, run(6)?);
    assert_eq!(first, again);
    assert_ne!(first.0, other.0);
    let (u, s, vt) = linalg::svd_compressed_with(&a, 4, 1, Randomized::default().seed(5))?;
    let one = ndchunk::compute_with((&u, &s, &vt), &Options::default().threads(1))?;
    assert_eq!(first, one);
    for k in [0, 91] {
        let err = linalg::svd_compressed(&a, k, 1).unwrap_err();
        assert!(
            matches!(err, Error::InvalidArgument { argument: "k", .. }),
            "{err}"
        );
    }
    Ok(())
}

#[test]
fn nan_gives_nan_factors_or_an_error_saying_so() -> ndchunk::Result<()> {
    let mut a = general2(10, 3, 0);
    a[[4, 1]] = f64::NAN;
    let x = ChunkedArray::from_array(a, (5, 3))?;
    let (q, r) = linalg::qr(&x)?;
    let (q, r) = ndchunk::compute((&q, &r))?;
    assert!(q.iter().chain(&r).all(|v| v.is_nan()), "q {q}\nr {r}");
    let (_, s, _) = linalg::svd(&x)?;
    let err = s.compute().unwrap_err();
    assert!(err.to_string().contains("NaN"), "{err}");
    let b = ChunkedArray::from_array(ndarray::array![1.0, f64::NAN], 1)?;
    let a = ChunkedArray::from_array(square(2), 1)?;
    assert!(linalg::solve(&a, &b)?.compute()?.iter().all(|v| v.is_nan()));
    let mut c = square(3);
    c[[1, 1]] = f64::NAN;
    let (p, l, u) = linalg::lu(&ChunkedArray::from_array(c, 2)?);
    let (p, l, u) = ndchunk::compute((&p, &l, &u))?;
    assert!(p.iter().all(|v| v.is_finite()), "p {p}");
    assert!(
        l.iter().any(|v| v.is_nan()) && u.iter().any(|v| v.is_nan()),
        "l {l}\nu {u}"
    );
    Ok(())
}

#[test]
fn square_solvers_match_numpy_and_scipy() -> ndchunk::Result<()> {
    for (n, r, a_rows, b_cols) in [
        (6, 1, &[2, 4][..], &[1][..]),
        (9, 4, &[3, 3, 3][..], &[1, 3][..]),
        (1, 1, &[1][..], &[1][..]),
    ] {
        let what = format!("{n}x{r}");
        let a = square(n);
        let b = general2(n, r, 100);
        let x = chunked(&a, &[a_rows, a_rows]);
        let y = chunked(&b, &[a_rows, b_cols]);
        close_fixture(
            &what,
            &linalg::solve(&x, &y)?.compute()?,
            &format!("solve_{what}"),
        );
        for (lower, name) in [(true, "lower"), (false, "upper")] {
            let solved = linalg::solve_triangular(&x, &y, lower)?;
            assert_eq!(
                solved.chunks().sizes()[0],
                a_rows.to_vec(),
                "blocked by a's tiles"
            );
            let got = solved.compute()?;
            close_fixture(&what, &got, &format!("solve_triangular_{what}_{name}"));
        }
        close_fixture(&what, &linalg::inv(&x)?.compute()?, &format!("inv_{n}"));
        let spd = general2(n, n, 0).dot(&general2(n, n, 0).t()) + Array2::<f64>::eye(n) * n as f64;
        let l = linalg::cholesky(&chunked(&spd, &[a_rows, a_rows]), true)?.compute()?;
        close_fixture(&what, &l, &format!("cholesky_{n}"));
        let u = linalg::cholesky(&chunked(&spd, &[a_rows, &[n]]), false)?.compute()?;
        close_fixture(&what, &u.t().to_owned(), &format!("cholesky_{n}"));
        let blocked = linalg::cholesky(&chunked(&spd, &[a_rows, a_rows]), true)?;
        assert_eq!(
            blocked.chunks().sizes(),
            vec![a_rows.to_vec(), a_rows.to_vec()]
        );
        let tiles = vec![1; n];
        let l = linalg::cholesky(&chunked(&spd, &[&tiles, a_rows]), true)?.compute()?;
        close_fixture(
            &format!("{what} in 1 x 1 tiles"),
            &l,
            &format!("cholesky_{n}"),
        );
    }
    Ok(())
}

#[test]
fn solve_takes_a_vector_right_hand_side() -> ndchunk::Result<()> {
    let a = square(9);
    let b = general2(9, 4, 100);
    let x = chunked(&a, &[&[4, 5], &[9]]);
    let y = ChunkedArray::from_array(b.column(2).to_owned(), 4)?;
    let got = linalg::solve(&x, &y)?.compute()?;
    let want = fixture("solve_9x4").into_dimensionality::<Ix2>().unwrap();
    close("solve 1-D", &got, &want.column(2).to_owned(), TOL);
    let got = linalg::solve_triangular(&x, &y, true)?.compute()?;
    let want = fixture("solve_triangular_9x4_lower")
        .into_dimensionality::<Ix2>()
        .unwrap();
    close(
        "solve_triangular 1-D",
        &got,
        &want.column(2).to_owned(),
        TOL,
    );
    Ok(())
}

#[test]
fn solver_errors_name_what_is_wrong() -> ndchunk::Result<()> {
    let wide = ChunkedArray::from_array(general2(3, 4, 0), 2)?;
    let b = ChunkedArray::from_array(general2(3, 1, 0), 2)?;
    for err in [
        linalg::solve(&wide, &b).unwrap_err(),
        linalg::inv(&wide).unwrap_err(),
        linalg::cholesky(&wide, true).unwrap_err(),
        linalg::solve_triangular(&wide, &b, true).unwrap_err(),
    ] {
        assert!(
            err.to_string().contains("square matrix, got shape [3, 4]"),
            "{err}"
        );
    }
    let a = ChunkedArray::from_array(square(4), 2)?;
    let err = linalg::solve(&a, &b).unwrap_err();
    assert!(
        matches!(err, Error::ShapeMismatch { op: "solve", .. }),
        "{err}"
    );
    assert!(
        err.to_string().contains("[4, 4]") && err.to_string().contains("[3, 1]"),
        "{err}"
    );
    let cube = ChunkedArray::from_array(general(&[4, 1, 1], 0), 2)?;
    let err = linalg::solve(&a, &cube).unwrap_err();
    assert!(
        matches!(
            err,
            Error::RankMismatch {
                argument: "b",
                got: 3,
                ..
            }
        ),
        "{err}"
    );

    let singular = ChunkedArray::from_array(
        ndarray::array![[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [0.0, 1.0, 1.0]],
        2,
    )?;
    let ones = ChunkedArray::from_array(Array1::<f64>::ones(3), 2)?;
    for err in [
        linalg::solve(&singular, &ones)?.compute().unwrap_err(),
        linalg::inv(&singular)?.compute().unwrap_err(),
    ] {
        assert!(matches!(err, Error::TaskFailed { .. }), "{err}");
        assert!(err.to_string().contains("singular"), "{err}");
    }
    let zero_diagonal = ChunkedArray::from_array(ndarray::array![[1.0, 0.0], [5.0, 0.0]], 1)?;
    let err =
        linalg::solve_triangular(&zero_diagonal, &ones.slice(ndarray::s![..2]), true)?.compute();
    assert!(err.unwrap_err().to_string().contains("singular"));
    let indefinite = ChunkedArray::from_array(ndarray::array![[1.0, 3.0], [3.0, 1.0]], 1)?;
    let err = linalg::cholesky(&indefinite, true)?.compute().unwrap_err();
    assert!(err.to_string().contains("positive definite"), "{err}");
    // Positive definite first tile, indefinite whole: found in the second tile.
    let late = ndarray::array![
        [4.0, 1.0, 0.0, 0.0],
        [1.0, 4.0, 1.0, 0.0],
        [0.0, 1.0, 1.0, 3.0],
        [0.0, 0.0, 3.0, 1.0]
    ];
    let err = linalg::cholesky(&ChunkedArray::from_array(late, 2)?, true)?
        .compute()
        .unwrap_err();
    assert!(err.to_string().contains("positive definite"), "{err}");
    let nan = ChunkedArray::from_array(ndarray::array![[f64::NAN, 0.0], [0.0, 1.0]], 1)?;
    assert!(
        linalg::cholesky(&nan, true)?.compute().is_err(),
        "NaN is not positive definite"
    );
    Ok(())
}

#[test]
fn lu_matches_scipy() -> ndchunk::Result<()> {
    for (m, n, rows, cols) in [
        (6, 6, &[6][..], &[6][..]),
        (7, 4, &[3, 4][..], &[1, 3][..]),
        (4, 7, &[4][..], &[2, 2, 3][..]),
    ] {
        let what = format!("lu_{m}x{n}");
        let a = general2(m, n, 0);
        let (p, l, u) = linalg::lu(&chunked(&a, &[rows, cols]));
        let (p, l, u) = ndchunk::compute((&p, &l, &u))?;
        close_fixture(&what, &p, &format!("{what}_p"));
        close_fixture(&what, &l, &format!("{what}_l"));
        close_fixture(&what, &u, &format!("{what}_u"));
        close(&what, &p.dot(&l).dot(&u), &a, 1e-12);
    }
    Ok(())
}

#[test]
fn lstsq_matches_numpy() -> ndchunk::Result<()> {
    let many_rows = [&[3; 16][..], &[2]].concat();
    for (m, n, r, rows) in [(20, 3, 2, &[6, 6, 8][..]), (50, 6, 1, &many_rows[..])] {
        let what = format!("lstsq_{m}x{n}x{r}");
        let a = chunked(&general2(m, n, 0), &[rows, &[n]]);
        let b = chunked(&general2(m, r, 7), &[&[m], &[r]]);
        let (x, res, rank, s) = linalg::lstsq(&a, &b)?;
        let (x, res, rank, s) = ndchunk::compute((&x, &res, &rank, &s))?;
        close_fixture(&what, &x, &format!("{what}_x"));
        close_fixture(&what, &res, &format!("{what}_res"));
        close_fixture(&what, &s, &format!("{what}_s"));
        assert_eq!(
            rank.into_scalar() as f64,
            fixture(&format!("{what}_rank"))[[]]
        );
    }
    let wide = ChunkedArray::from_array(general2(3, 5, 0), 3)?;
    let b = ChunkedArray::from_array(general2(3, 1, 0), 3)?;
    assert!(linalg::lstsq(&wide, &b).is_err());
    Ok(())
}

/// Fixture name, shape, chunks, orders (as in the fixture names), axes.
type NormCase = (
    &'static str,
    &'static [usize],
    Sizes,
    &'static [&'static str],
    NormAxes,
);

/// The test's spelling of an order (as in the fixture names) as a [`Norm`].
fn order(name: &str) -> Option<Norm> {
    match name {
        "none" => None,
        "fro" => Some(Norm::Fro),
        "nuc" => Some(Norm::Nuc),
        "inf" => Some(Norm::Inf),
        "neginf" => Some(Norm::NegInf),
        p => Some(Norm::L(p.parse().expect("a number"))),
    }
}

#[test]
fn norms_match_numpy() -> ndchunk::Result<()> {
    let cases: &[NormCase] = &[
        (
            "v",
            &[11],
            &[&[4, 4, 3]],
            &[
                "none", "inf", "neginf", "0", "1", "-1", "2", "-2", "3", "0.5",
            ],
            NormAxes::All,
        ),
        (
            "m",
            &[6, 5],
            &[&[2, 4], &[3, 2]],
            &["none", "fro", "nuc", "inf", "neginf", "1", "-1", "2", "-2"],
            NormAxes::All,
        ),
        (
            "m_axis1",
            &[6, 5],
            &[&[1, 5], &[2, 2, 1]],
            &["none", "inf", "1", "3"],
            NormAxes::Axis(1),
        ),
        (
            "t3_axis0",
            &[4, 3, 5],
            &[&[3, 1], &[2, 1], &[5]],
            &["none", "neginf", "2"],
            NormAxes::Axis(0),
        ),
        (
            "t3_all",
            &[4, 3, 5],
            &[&[1, 3], &[3], &[2, 3]],
            &["none"],
            NormAxes::All,
        ),
        (
            "t4_axes_2_0",
            &[3, 2, 4, 3],
            &[&[2, 1], &[1, 1], &[3, 1], &[3]],
            &["fro", "nuc", "inf", "-1", "2", "-2"],
            NormAxes::Matrix(2, 0),
        ),
        (
            "t4_axes_1_3",
            &[3, 2, 4, 3],
            &[&[1, 2], &[2], &[2, 2], &[1, 2]],
            &["inf", "1", "2"],
            NormAxes::Matrix(1, 3),
        ),
    ];
    for &(name, shape, sizes, ords, axes) in cases {
        let x = chunked(&general(shape, 3), sizes);
        for &o in ords {
            let what = format!("norm_{name}_{o}");
            let got = linalg::norm(&x, order(o), axes)?.compute()?;
            close_fixture(&what, &got, &what);
        }
    }
    Ok(())
}

#[test]
fn norm_errors() -> ndchunk::Result<()> {
    let v = ChunkedArray::from_array(general(&[5], 0), 2)?;
    let m = ChunkedArray::from_array(general(&[4, 5], 0), 2)?;
    let t = ChunkedArray::from_array(general(&[2, 3, 4], 0), 2)?;
    assert!(linalg::norm(&v, Some(Norm::Fro), NormAxes::All).is_err());
    assert!(linalg::norm(&m, Some(Norm::L(3.0)), NormAxes::All).is_err());
    assert!(matches!(
        linalg::norm(&t, Some(Norm::Inf), NormAxes::All),
        Err(Error::RankMismatch { .. })
    ));
    assert!(matches!(
        linalg::norm(&t, None, NormAxes::Axis(3)),
        Err(Error::AxisOutOfBounds { axis: 3, .. })
    ));
    assert!(linalg::norm(&t, None, NormAxes::Matrix(1, 1)).is_err());
    let empty = ChunkedArray::<f64, _>::zeros(0, 1)?;
    let zero = linalg::norm(&empty, None, NormAxes::All)?.compute()?;
    assert_eq!(zero.first(), Some(&0.0));
    assert!(linalg::norm(&empty, Some(Norm::Inf), NormAxes::All)?
        .compute()
        .is_err());
    let nan = ChunkedArray::from_array(ndarray::array![1.0, f64::NAN], 1)?;
    assert!(linalg::norm(&nan, None, NormAxes::All)?
        .compute()?
        .first()
        .unwrap()
        .is_nan());
    Ok(())
}

/// The factorizations lay out row blocks and tiles by the block lengths: a
/// selection's, unknown until computed, are an error naming the function,
/// and work once `compute_chunk_sizes()` has counted them.
#[test]
fn selections_need_their_sizes_counted_first() -> ndchunk::Result<()> {
    let x = ChunkedArray::from_array(
        Array2::from_shape_fn((6, 5), |(i, j)| ((i * 5 + j) % 7) as f64),
        (2, 5),
    )?;
    let rows = x.argwhere().cast::<f64>();
    let unknown = |r: ndchunk::Result<()>, op: &str| match r {
        Err(Error::UnknownChunkSizes { op: o }) => assert_eq!(o, op),
        other => panic!("{op}: expected the unknown sizes error, got {other:?}"),
    };
    unknown(linalg::qr(&rows).map(|_| ()), "qr");
    unknown(linalg::svd(&rows).map(|_| ()), "svd");
    unknown(
        linalg::svd_compressed(&rows, 1, 1).map(|_| ()),
        "svd_compressed",
    );
    unknown(linalg::lstsq(&rows, &rows).map(|_| ()), "lstsq");
    unknown(linalg::norm(&rows, None, NormAxes::All).map(|_| ()), "norm");
    unknown(linalg::cholesky(&rows, true).map(|_| ()), "cholesky");
    unknown(linalg::inv(&rows).map(|_| ()), "inv");
    unknown(linalg::solve(&rows, &rows).map(|_| ()), "solve");
    unknown(
        linalg::solve_triangular(&rows, &rows, true).map(|_| ()),
        "solve_triangular",
    );
    let counted = rows.compute_chunk_sizes()?;
    let (q, r) = linalg::qr(&counted)?;
    let back = q.dot(&r).compute()?;
    assert!(back.abs_diff_eq(&counted.compute()?, 1e-12));
    Ok(())
}
