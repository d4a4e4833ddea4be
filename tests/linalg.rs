//! Differential tests of `dot` and `tensordot` against eager ndarray (and a
//! loop reference for `tensordot`).
//!
//! Float data is compared with a relative tolerance of 1e-12 of the sum of
//! the absolute products (the summation order differs from ndarray's).
//! Integer-valued data (exact in any order) is compared for equality.

#[macro_use]
mod common;

use common::{assert_close, floats, ints, partition};
use ndarray::{Array, Array2, ArrayD, Axis, Dimension, Ix1, Ix2, IxDyn};
use ndchunk::random::Rng;
use ndchunk::{tensordot, ChunkedArray, Chunks, Error, Options, Scheduler};
use proptest::prelude::*;

/// `a` chunked by explicit block lengths.
fn lazy<D: Dimension>(a: &Array<f64, D>, sizes: &[&[usize]]) -> ChunkedArray<f64, D> {
    let chunks = Chunks::from_sizes(sizes.iter().map(|s| s.to_vec()).collect());
    ChunkedArray::from_array(a.clone(), chunks).expect("valid chunks")
}

fn matrix(m: usize, n: usize, salt: u64) -> Array2<f64> {
    floats(&[m, n], salt).into_dimensionality().unwrap()
}

/// Tolerance for a product: 1e-12 of the largest sum of absolute products.
fn scale<D: Dimension>(abs_product: &Array<f64, D>) -> f64 {
    1e-12 * abs_product.iter().fold(1.0_f64, |m, &v| m.max(v))
}

/// One matrix product scenario: shapes and both operands' chunkings.
struct Mm {
    name: &'static str,
    m: usize,
    k: usize,
    n: usize,
    a: (&'static [usize], &'static [usize]),
    b: (&'static [usize], &'static [usize]),
}

const MM: &[Mm] = &[
    Mm {
        name: "square",
        m: 8,
        k: 8,
        n: 8,
        a: (&[4, 4], &[4, 4]),
        b: (&[4, 4], &[4, 4]),
    },
    Mm {
        name: "rectangular",
        m: 7,
        k: 11,
        n: 5,
        a: (&[3, 3, 1], &[4, 4, 3]),
        b: (&[4, 4, 3], &[2, 3]),
    },
    Mm {
        name: "irregular",
        m: 10,
        k: 9,
        n: 6,
        a: (&[1, 6, 3], &[2, 5, 2]),
        b: (&[2, 5, 2], &[6]),
    },
    Mm {
        name: "one-block",
        m: 5,
        k: 6,
        n: 4,
        a: (&[5], &[6]),
        b: (&[6], &[4]),
    },
    Mm {
        name: "inner-chunks-differ",
        m: 6,
        k: 10,
        n: 7,
        a: (&[3, 3], &[4, 6]),
        b: (&[5, 5], &[3, 4]),
    },
    Mm {
        name: "inner-one-vs-many",
        m: 4,
        k: 9,
        n: 3,
        a: (&[2, 2], &[9]),
        b: (&[1, 2, 3, 3], &[3]),
    },
    Mm {
        name: "size-1",
        m: 1,
        k: 1,
        n: 1,
        a: (&[1], &[1]),
        b: (&[1], &[1]),
    },
    Mm {
        name: "row-times-column",
        m: 1,
        k: 12,
        n: 1,
        a: (&[1], &[5, 7]),
        b: (&[6, 6], &[1]),
    },
    Mm {
        name: "k-empty",
        m: 3,
        k: 0,
        n: 4,
        a: (&[2, 1], &[0]),
        b: (&[0], &[3, 1]),
    },
    Mm {
        name: "m-empty",
        m: 0,
        k: 5,
        n: 4,
        a: (&[0], &[2, 3]),
        b: (&[5], &[4]),
    },
    Mm {
        name: "n-empty",
        m: 3,
        k: 5,
        n: 0,
        a: (&[3], &[5]),
        b: (&[1, 4], &[0]),
    },
    Mm {
        name: "blocks-larger-than-a-strip",
        m: 70,
        k: 90,
        n: 40,
        a: (&[32, 38], &[45, 45]),
        b: (&[30, 60], &[40]),
    },
];

#[test]
fn matrix_product_matches_ndarray() {
    for (salt, case) in MM.iter().enumerate() {
        let a = matrix(case.m, case.k, 2 * salt as u64);
        let b = matrix(case.k, case.n, 2 * salt as u64 + 1);
        let x = lazy(&a, &[case.a.0, case.a.1]);
        let y = lazy(&b, &[case.b.0, case.b.1]);
        let got = x.dot(&y).compute().unwrap();
        let expected = a.dot(&b);
        let tol = scale(&a.mapv(f64::abs).dot(&b.mapv(f64::abs)));
        assert_close(&got, &expected, 1e-12, tol, case.name);
        assert_eq!(x.dot(&y).shape(), &[case.m, case.n], "{}", case.name);
        if case.k == 0 {
            assert!(
                got.iter().all(|&v| v == 0.0),
                "{}: k = 0 gives zeros",
                case.name
            );
        }
        // Integer values: exact in any summation order.
        let (ai, bi) = (a.mapv(|v| (v * 7.0).round()), b.mapv(|v| (v * 3.0).round()));
        let exact = lazy(&ai, &[case.a.0, case.a.1])
            .dot(&lazy(&bi, &[case.b.0, case.b.1]))
            .compute()
            .unwrap();
        assert_eq!(exact, ai.dot(&bi), "{} (integer-valued)", case.name);
    }
}

#[test]
fn matrix_vector_products_match_ndarray() {
    for (salt, case) in MM.iter().enumerate() {
        let a = matrix(case.m, case.k, 10 + salt as u64);
        let v = floats(&[case.k], 20 + salt as u64)
            .into_dimensionality::<Ix1>()
            .unwrap();
        let w = floats(&[case.m], 30 + salt as u64)
            .into_dimensionality::<Ix1>()
            .unwrap();
        let x = lazy(&a, &[case.a.0, case.a.1]);
        let tol = |e: &Array<f64, Ix1>| scale(e) + 1e-300;
        // Matrix x vector, the vector chunked like b's rows (differently from x's columns).
        let xv = x.dot(&lazy(&v, &[case.b.0])).compute().unwrap();
        let e = a.dot(&v);
        assert_close(
            &xv,
            &e,
            1e-12,
            tol(&a.mapv(f64::abs).dot(&v.mapv(f64::abs))),
            case.name,
        );
        // Vector x matrix.
        let wx = lazy(&w, &[case.a.0]).dot(&x).compute().unwrap();
        let e = w.dot(&a);
        assert_close(
            &wx,
            &e,
            1e-12,
            tol(&w.mapv(f64::abs).dot(&a.mapv(f64::abs))),
            case.name,
        );
        // Inner product.
        let vv = lazy(&v, &[case.a.1])
            .dot(&lazy(&v, &[case.b.0]))
            .compute()
            .unwrap();
        let e = v.dot(&v);
        assert!(
            (vv.into_scalar() - e).abs() <= 1e-12 * e.max(1.0),
            "{}",
            case.name
        );
    }
}

#[test]
fn f32_and_integer_products_match_ndarray() {
    let a = matrix(9, 13, 1).mapv(|v| v as f32);
    let b = matrix(13, 6, 2).mapv(|v| v as f32);
    let x = ChunkedArray::from_array(a.clone(), (4, 5)).unwrap();
    let y = ChunkedArray::from_array(b.clone(), (3, 4)).unwrap();
    let got = x.dot(&y).compute().unwrap();
    let expected = a.dot(&b);
    let tol = 1e-5
        * a.mapv(f32::abs)
            .dot(&b.mapv(f32::abs))
            .fold(1.0_f32, |m, &v| m.max(v));
    for (g, e) in got.iter().zip(&expected) {
        assert!((g - e).abs() <= tol, "f32: {g} vs {e}");
    }
    let ai: Array2<i64> = ints(&[7, 8], 3, -50, 50).into_dimensionality().unwrap();
    let bi: Array2<i64> = ints(&[8, 5], 4, -50, 50).into_dimensionality().unwrap();
    let got = ChunkedArray::from_array(ai.clone(), (3, 3))
        .unwrap()
        .dot(&ChunkedArray::from_array(bi.clone(), (2, 5)).unwrap())
        .compute()
        .unwrap();
    assert_eq!(got, ai.dot(&bi));
}

#[test]
fn long_contraction_with_few_output_blocks_is_split_and_summed() {
    // One output block, 60 contraction blocks: the contraction is cut into
    // groups computed in parallel, then summed.
    let (a, b) = (matrix(3, 300, 5), matrix(300, 4, 6));
    let x = ChunkedArray::from_array(a.clone(), (3, 5)).unwrap();
    let y = ChunkedArray::from_array(b.clone(), (7, 4)).unwrap();
    let p = x.dot(&y);
    assert!(p.explain().contains("sum_axis(0)"), "{}", p.explain());
    let tol = scale(&a.mapv(f64::abs).dot(&b.mapv(f64::abs)));
    assert_close(&p.compute().unwrap(), &a.dot(&b), 1e-12, tol, "grouped");
    let v = lazy(
        &floats(&[300], 7).into_dimensionality::<Ix1>().unwrap(),
        &[&[150, 150]],
    );
    let e = a.dot(&v.compute().unwrap());
    assert_close(
        &x.dot(&v).compute().unwrap(),
        &e,
        1e-12,
        1e-9,
        "grouped matrix x vector",
    );
}

#[test]
fn products_of_computed_views_and_random_arrays() {
    let x = Rng::seed(3).standard_normal((40, 30), (15, 10)).unwrap();
    let xa = x.compute().unwrap();
    // x^T x: a transposed view of a random array, and a fused chain.
    let gram = x.t().dot(&x).compute().unwrap();
    assert_close(&gram, &xa.t().dot(&xa), 1e-12, 1e-11, "x.t().dot(&x)");
    let chain = (&x * 2.0 + 1.0).dot(&x.t()).compute().unwrap();
    let expected = (&xa * 2.0 + 1.0).dot(&xa.t());
    assert_close(&chain, &expected, 1e-12, 1e-11, "(2x+1).dot(x.t())");
    // An in-memory array viewed transposed.
    let a = matrix(6, 9, 8);
    let y = lazy(&a, &[&[2, 4], &[3, 3, 3]]);
    let got = y.t().dot(&y).compute().unwrap();
    assert_close(&got, &a.t().dot(&a), 1e-12, 1e-9, "in-memory a.t().dot(&a)");
}

#[test]
fn results_are_bitwise_identical_on_any_scheduler() {
    let (a, b) = (matrix(37, 250, 11), matrix(250, 29, 12));
    let cases = [
        // Many output blocks (no groups), and one output block (groups).
        (
            lazy(&a, &[&[10, 10, 17], &[100, 150]]),
            lazy(&b, &[&[60, 190], &[9, 20]]),
        ),
        (
            ChunkedArray::from_array(a.clone(), (37, 5)).unwrap(),
            ChunkedArray::from_array(b.clone(), (250, 29)).unwrap(),
        ),
    ];
    for (x, y) in &cases {
        let p = x.dot(y);
        let reference = p.compute_with(&Options::default().threads(1)).unwrap();
        for options in [
            Options::default().threads(2),
            Options::default().threads(3),
            Options::default().scheduler(Scheduler::Sync),
            Options::default().threads(2).fan_in(2),
        ] {
            let got = p.compute_with(&options).unwrap();
            let same = got
                .iter()
                .zip(&reference)
                .all(|(g, r)| g.to_bits() == r.to_bits());
            assert!(same, "{options:?} differs from threads(1)");
        }
    }
}

/// numpy's tensordot by loops: for every output index, the sum over every
/// contracted index.
fn tensordot_ref(a: &ArrayD<f64>, b: &ArrayD<f64>, ax: &[usize], bx: &[usize]) -> ArrayD<f64> {
    let a_free: Vec<usize> = (0..a.ndim()).filter(|d| !ax.contains(d)).collect();
    let b_free: Vec<usize> = (0..b.ndim()).filter(|d| !bx.contains(d)).collect();
    let out_shape: Vec<usize> = a_free
        .iter()
        .map(|&d| a.shape()[d])
        .chain(b_free.iter().map(|&d| b.shape()[d]))
        .collect();
    let con_shape: Vec<usize> = ax.iter().map(|&d| a.shape()[d]).collect();
    let contracted = ArrayD::<u8>::zeros(IxDyn(&con_shape));
    ArrayD::from_shape_fn(IxDyn(&out_shape), |out| {
        let mut ia = vec![0; a.ndim()];
        let mut ib = vec![0; b.ndim()];
        for (p, &d) in a_free.iter().enumerate() {
            ia[d] = out[p];
        }
        for (p, &d) in b_free.iter().enumerate() {
            ib[d] = out[a_free.len() + p];
        }
        let mut sum = 0.0;
        for (k, _) in contracted.indexed_iter() {
            for p in 0..ax.len() {
                ia[ax[p]] = k[p];
                ib[bx[p]] = k[p];
            }
            sum += a[IxDyn(&ia)] * b[IxDyn(&ib)];
        }
        sum
    })
}

/// Integer-valued floats: sums are exact whatever the order.
fn exact_floats(shape: &[usize], salt: u64) -> ArrayD<f64> {
    ints(shape, salt, -9, 9).mapv(|v| v as f64)
}

#[test]
fn tensordot_matches_a_loop_reference() {
    type Scenario = (
        &'static [usize],
        &'static [&'static [usize]],
        &'static [usize],
        &'static [&'static [usize]],
        &'static [usize],
        &'static [usize],
    );
    // (a shape, a chunks, b shape, b chunks, axes of a, axes of b)
    let scenarios: &[Scenario] = &[
        // 3-D x 3-D over two axes, in another order, chunks differing.
        (
            &[3, 4, 5],
            &[&[2, 1], &[1, 3], &[5]],
            &[4, 3, 2],
            &[&[2, 2], &[3], &[1, 1]],
            &[0, 1],
            &[1, 0],
        ),
        // Contracting a middle axis (operands must be copied to matrices).
        (
            &[3, 4, 5],
            &[&[1, 2], &[2, 2], &[3, 2]],
            &[2, 4, 3],
            &[&[2], &[1, 3], &[2, 1]],
            &[1],
            &[1],
        ),
        // 4-D x 3-D over two axes; the free axes stay in order.
        (
            &[2, 3, 4, 5],
            &[&[1, 1], &[3], &[2, 2], &[4, 1]],
            &[5, 6, 3],
            &[&[2, 3], &[4, 2], &[1, 2]],
            &[3, 1],
            &[0, 2],
        ),
        // 4-D x 4-D over three axes.
        (
            &[2, 3, 2, 3],
            &[&[2], &[1, 2], &[1, 1], &[3]],
            &[3, 2, 3, 4],
            &[&[2, 1], &[2], &[3], &[3, 1]],
            &[1, 2, 3],
            &[0, 1, 2],
        ),
        // Full contraction: a scalar.
        (
            &[3, 4],
            &[&[2, 1], &[4]],
            &[4, 3],
            &[&[1, 3], &[3]],
            &[0, 1],
            &[1, 0],
        ),
        // No contraction: the outer product.
        (&[2, 3], &[&[1, 1], &[3]], &[4], &[&[3, 1]], &[], &[]),
        // Empty and size-1 axes.
        (
            &[2, 0, 3],
            &[&[2], &[0], &[1, 2]],
            &[0, 3, 1],
            &[&[0], &[2, 1], &[1]],
            &[1, 2],
            &[0, 1],
        ),
        (
            &[0, 4],
            &[&[0], &[2, 2]],
            &[4, 2],
            &[&[4], &[1, 1]],
            &[1],
            &[0],
        ),
        (
            &[1, 5, 1],
            &[&[1], &[2, 3], &[1]],
            &[1, 5],
            &[&[1], &[5]],
            &[0, 1],
            &[0, 1],
        ),
    ];
    for (salt, &(sa, ca, sb, cb, ax, bx)) in scenarios.iter().enumerate() {
        let a = exact_floats(sa, 2 * salt as u64);
        let b = exact_floats(sb, 2 * salt as u64 + 1);
        let t = tensordot(&lazy(&a, ca), &lazy(&b, cb), (ax, bx));
        let expected = tensordot_ref(&a, &b, ax, bx);
        assert_eq!(t.shape(), expected.shape(), "scenario {salt}");
        assert_eq!(
            t.compute().unwrap(),
            expected,
            "scenario {salt}: {sa:?} . {sb:?} over {ax:?}, {bx:?}"
        );
    }
}

#[test]
fn tensordot_of_matrices_is_dot() {
    let (a, b) = (matrix(9, 7, 1), matrix(7, 5, 2));
    let x = lazy(&a, &[&[4, 5], &[3, 4]]);
    let y = lazy(&b, &[&[2, 5], &[5]]);
    let t = tensordot(&x, &y, (&[1], &[0])).compute().unwrap();
    let d = x.dot(&y).compute().unwrap().into_dyn();
    assert_eq!(t, d);
    // Contracting the rows of both: a^T b.
    let c = lazy(&matrix(9, 5, 3), &[&[4, 5], &[5]]);
    let t = tensordot(&x, &c, (&[0], &[0])).compute().unwrap();
    let e = a.t().dot(&c.compute().unwrap()).into_dyn();
    assert_close(&t, &e, 1e-12, 1e-9, "tensordot over axis 0");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_chunking_gives_the_eager_product(
        (m, k, n, am, ak, bk, bn) in (0usize..12, 0usize..14, 0usize..12).prop_flat_map(|(m, k, n)| {
            (Just(m), Just(k), Just(n), partition(m), partition(k), partition(k), partition(n))
        }),
        salt in 0u64..1000,
    ) {
        let a = exact_floats(&[m, k], salt).into_dimensionality::<Ix2>().unwrap();
        let b = exact_floats(&[k, n], salt + 1).into_dimensionality::<Ix2>().unwrap();
        let x = lazy(&a, &[&am, &ak]);
        let y = lazy(&b, &[&bk, &bn]);
        prop_assert_eq!(x.dot(&y).compute().unwrap(), a.dot(&b));
        // Matrix x vector: the first column of b, chunked like b's rows.
        if n > 0 {
            let v = b.index_axis(Axis(1), 0).to_owned();
            prop_assert_eq!(x.dot(&lazy(&v, &[&bk])).compute().unwrap(), a.dot(&v));
        }
    }
}

#[test]
fn mismatched_shapes_and_bad_axes_are_errors() {
    let x = lazy(&matrix(3, 4, 1), &[&[3], &[2, 2]]);
    let y = lazy(&matrix(5, 2, 2), &[&[5], &[2]]);
    let e = x.dot(&y).compute().unwrap_err();
    assert!(
        matches!(&e, Error::ShapeMismatch { op: "dot", left, right } if left == &[3, 4] && right == &[5, 2]),
        "{e}"
    );
    assert!(
        e.to_string().contains("[3, 4]") && e.to_string().contains("[5, 2]"),
        "{e}"
    );
    let v = lazy(
        &floats(&[3], 1).into_dimensionality::<Ix1>().unwrap(),
        &[&[3]],
    );
    assert!(matches!(
        x.dot(&v).compute(),
        Err(Error::ShapeMismatch { .. })
    ));
    assert!(matches!(
        v.dot(&y).compute(),
        Err(Error::ShapeMismatch { .. })
    ));

    let e = tensordot(&x, &y, (&[2], &[0])).compute().unwrap_err();
    assert!(
        matches!(
            e,
            Error::AxisOutOfBounds {
                op: "tensordot",
                axis: 2,
                ndim: 2
            }
        ),
        "{e}"
    );
    let e = tensordot(&x, &y, (&[0], &[7])).compute().unwrap_err();
    assert!(matches!(e, Error::AxisOutOfBounds { axis: 7, .. }), "{e}");
    let e = tensordot(&x, &x, (&[0, 0], &[0, 1])).compute().unwrap_err();
    assert!(
        matches!(
            &e,
            Error::InvalidArgument {
                argument: "axes",
                ..
            }
        ),
        "{e}"
    );
    assert!(
        e.to_string().contains("axis 0 of a is contracted twice"),
        "{e}"
    );
    let e = tensordot(&x, &y, (&[0, 1], &[0])).compute().unwrap_err();
    assert!(
        e.to_string()
            .contains("2 axes [0, 1] of a and 1 axes [0] of b"),
        "{e}"
    );
    let e = tensordot(&x, &y, (&[1], &[0])).compute().unwrap_err();
    assert!(
        matches!(
            e,
            Error::ShapeMismatch {
                op: "tensordot",
                ..
            }
        ),
        "{e}"
    );
}
