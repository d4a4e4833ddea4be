//! Differential tests of the elementwise operations: every operation on a
//! chunked array, computed, must equal the same operation on the eager
//! ndarray array, for every case shape and chunking (see `common`).
//!
//! Elementwise results are exact: the library applies the same IEEE operation
//! to the same operands as ndarray, so they are compared for equality (NaN
//! equal to NaN).

#[macro_use]
mod common;

use common::{assert_same, chunked, ctx, floats, ints, positive, typed, Case};
use ndarray::{Array, Dimension, Zip};
use ndchunk::{where_cond, ChunkedArray, Chunks, Error};

/// Floats with no zero (divisors).
fn nonzero_floats(shape: &[usize], salt: u64) -> ndarray::ArrayD<f64> {
    floats(shape, salt).mapv(|v| if v == 0.0 { 0.5 } else { v })
}

/// Integers in `-9..=9` without 0 (divisors).
fn nonzero_ints(shape: &[usize], salt: u64) -> ndarray::ArrayD<i64> {
    ints(shape, salt, -9, 9).mapv(|v| if v == 0 { 4 } else { v })
}

/// Every 7th element (from element 3 in C order) replaced by NaN.
fn with_nans(a: ndarray::ArrayD<f64>) -> ndarray::ArrayD<f64> {
    let shape = a.shape().to_vec();
    let values = a
        .iter()
        .enumerate()
        .map(|(i, &v)| if i % 7 == 3 { f64::NAN } else { v })
        .collect();
    ndarray::ArrayD::from_shape_vec(shape, values).unwrap()
}

/// The main and the other chunking of a case, labelled.
fn chunkings(case: &Case) -> [(&'static str, &Chunks); 2] {
    [
        ("same chunks", &case.chunks),
        ("different chunks", &case.alt),
    ]
}

/// `x op y` in its four owned/borrowed forms against `a op b`.
macro_rules! check_array_op {
    ($case:expr, $D:ty, $x:expr, $y:expr, $a:expr, $b:expr, $op:tt, $label:expr) => {{
        let expected = &$a $op &$b;
        let what = ctx::<$D>($case, &format!("array {} array, {}", stringify!($op), $label));
        assert_same(&(&$x $op &$y).compute().unwrap(), &expected, &what);
        assert_same(&($x.clone() $op &$y).compute().unwrap(), &expected, &what);
        assert_same(&(&$x $op $y.clone()).compute().unwrap(), &expected, &what);
        assert_same(&($x.clone() $op $y.clone()).compute().unwrap(), &expected, &what);
    }};
}

/// `x op s` and `s op x` (borrowed and owned) against ndarray.
macro_rules! check_scalar_op {
    ($case:expr, $D:ty, $x:expr, $a:expr, $s:expr, $op:tt) => {{
        let s = $s;
        let what = ctx::<$D>($case, &format!("array {} {:?}", stringify!($op), s));
        let expected = &$a $op s;
        assert_same(&(&$x $op s).compute().unwrap(), &expected, &what);
        assert_same(&($x.clone() $op s).compute().unwrap(), &expected, &what);
        let what = ctx::<$D>($case, &format!("{:?} {} array", s, stringify!($op)));
        let expected = s $op &$a;
        assert_same(&(s $op &$x).compute().unwrap(), &expected, &what);
        assert_same(&(s $op $x.clone()).compute().unwrap(), &expected, &what);
    }};
}

fn binary_f64_body<D: Dimension>(case: &Case) {
    let a = typed::<f64, D>(floats(&case.shape, 1));
    let b = typed::<f64, D>(nonzero_floats(&case.shape, 2));
    for (label, other) in chunkings(case) {
        let x = chunked(&a, &case.chunks);
        let y = chunked(&b, other);
        check_array_op!(case, D, x, y, a, b, +, label);
        check_array_op!(case, D, x, y, a, b, -, label);
        check_array_op!(case, D, x, y, a, b, *, label);
        check_array_op!(case, D, x, y, a, b, /, label);
        check_array_op!(case, D, x, y, a, b, %, label);
    }
}

#[test]
fn f64_array_array_ops_with_same_and_different_chunks() {
    for_each_case!(binary_f64_body);
}

fn binary_i64_body<D: Dimension>(case: &Case) {
    let a = typed::<i64, D>(ints(&case.shape, 3, -1000, 1000));
    let b = typed::<i64, D>(nonzero_ints(&case.shape, 4));
    for (label, other) in chunkings(case) {
        let x = chunked(&a, other);
        let y = chunked(&b, &case.chunks);
        check_array_op!(case, D, x, y, a, b, +, label);
        check_array_op!(case, D, x, y, a, b, -, label);
        check_array_op!(case, D, x, y, a, b, *, label);
        check_array_op!(case, D, x, y, a, b, /, label);
        check_array_op!(case, D, x, y, a, b, %, label);
    }
}

#[test]
fn i64_array_array_ops_with_same_and_different_chunks() {
    for_each_case!(binary_i64_body);
}

fn result_chunks_body<D: Dimension>(case: &Case) {
    let a = typed::<f64, D>(floats(&case.shape, 5));
    let x = chunked(&a, &case.chunks);
    let y = chunked(&a, &case.alt);
    let what = ctx::<D>(case, "chunks of a result");
    assert_eq!((&x + 1.0).chunks(), &case.chunks, "{what}");
    assert_eq!((&x + &x).chunks(), &case.chunks, "{what}");
    assert_eq!(x.exp().chunks(), &case.chunks, "{what}");
    let z = &x * &y;
    assert_eq!(z.shape(), &case.shape[..], "{what}");
    // Every block boundary of either operand is a boundary of the result.
    assert_eq!(
        z.chunks(),
        &case.chunks.refine(&case.alt).unwrap(),
        "{what}"
    );
    assert_eq!(z.chunks().shape(), case.shape, "{what}");
    for (axis, sizes) in z.chunks().sizes().iter().enumerate() {
        for chunks in [&case.chunks, &case.alt] {
            let mut at = 0;
            let cuts: Vec<usize> = sizes
                .iter()
                .map(|s| {
                    at += s;
                    at
                })
                .collect();
            let mut at = 0;
            for s in &chunks.sizes()[axis] {
                at += s;
                assert!(cuts.contains(&at), "{what}: boundary {at} on axis {axis}");
            }
        }
    }
}

#[test]
fn results_keep_shape_and_chunks_or_refine_them() {
    for_each_case!(result_chunks_body);
}

fn scalar_body<D: Dimension>(case: &Case) {
    let a = typed::<f64, D>(nonzero_floats(&case.shape, 6));
    for chunks in [&case.chunks, &case.alt] {
        let x = chunked(&a, chunks);
        check_scalar_op!(case, D, x, a, 2.5_f64, +);
        check_scalar_op!(case, D, x, a, -3.25_f64, -);
        check_scalar_op!(case, D, x, a, 0.1_f64, *);
        check_scalar_op!(case, D, x, a, 7.0_f64, /);
        check_scalar_op!(case, D, x, a, 3.3_f64, %);
        check_scalar_op!(case, D, x, a, -0.0_f64, *);
    }
    let n = typed::<i64, D>(nonzero_ints(&case.shape, 7));
    for chunks in [&case.chunks, &case.alt] {
        let x = chunked(&n, chunks);
        check_scalar_op!(case, D, x, n, 11_i64, +);
        check_scalar_op!(case, D, x, n, -4_i64, -);
        check_scalar_op!(case, D, x, n, 3_i64, *);
        check_scalar_op!(case, D, x, n, -5_i64, /);
        check_scalar_op!(case, D, x, n, 4_i64, %);
    }
}

#[test]
fn array_scalar_and_scalar_array_ops() {
    for_each_case!(scalar_body);
}

fn negation_body<D: Dimension>(case: &Case) {
    let a = typed::<f64, D>(floats(&case.shape, 8));
    let x = chunked(&a, &case.chunks);
    let what = ctx::<D>(case, "neg");
    assert_same(&(-&x).compute().unwrap(), &a.mapv(|v| -v), &what);
    assert_same(&(-x.clone()).compute().unwrap(), &a.mapv(|v| -v), &what);
    assert_same(&(-(-&x)).compute().unwrap(), &a, &what);
    let n = typed::<i64, D>(ints(&case.shape, 9, -100, 100));
    let y = chunked(&n, &case.alt);
    assert_same(&(-&y).compute().unwrap(), &n.mapv(|v| -v), &what);
    let m = typed::<i32, D>(ints(&case.shape, 9, -100, 100).mapv(|v| v as i32));
    let z = chunked(&m, &case.chunks);
    assert_same(&(-z).compute().unwrap(), &m.mapv(|v| -v), &what);
}

#[test]
fn negation() {
    for_each_case!(negation_body);
}

fn float_functions_body<D: Dimension>(case: &Case) {
    let a = typed::<f64, D>(floats(&case.shape, 10));
    let p = typed::<f64, D>(positive(&case.shape, 11));
    let x = chunked(&a, &case.chunks);
    let y = chunked(&p, &case.alt);
    let c = |what: &str| ctx::<D>(case, what);
    assert_same(&x.exp().compute().unwrap(), &a.mapv(f64::exp), &c("exp"));
    assert_same(&y.ln().compute().unwrap(), &p.mapv(f64::ln), &c("ln"));
    // ln of negative numbers is NaN, of 0 is -inf, as f64::ln.
    assert_same(&x.ln().compute().unwrap(), &a.mapv(f64::ln), &c("ln (NaN)"));
    assert_same(&y.sqrt().compute().unwrap(), &p.mapv(f64::sqrt), &c("sqrt"));
    assert_same(
        &x.sqrt().compute().unwrap(),
        &a.mapv(f64::sqrt),
        &c("sqrt (NaN)"),
    );
    assert_same(&x.abs().compute().unwrap(), &a.mapv(f64::abs), &c("abs"));
    assert_same(&x.sin().compute().unwrap(), &a.mapv(f64::sin), &c("sin"));
    assert_same(&x.cos().compute().unwrap(), &a.mapv(f64::cos), &c("cos"));
    let small = &x / 30.0;
    let small_ref = a.mapv(|v| v / 30.0);
    assert_same(
        &small.tanh().compute().unwrap(),
        &small_ref.mapv(f64::tanh),
        &c("tanh"),
    );
    for n in [0, 1, 2, 3, -1, -2] {
        assert_same(
            &x.powi(n).compute().unwrap(),
            &a.mapv(|v| v.powi(n)),
            &c(&format!("powi({n})")),
        );
    }
    for e in std::hint::black_box([0.5, 1.7, -0.3, 0.0]) {
        assert_same(
            &y.powf(e).compute().unwrap(),
            &p.mapv(|v| v.powf(e)),
            &c(&format!("powf({e})")),
        );
    }
    // black_box: with a literal exponent of 0.5 the compiler turns the
    // reference's `powf` into a (correctly rounded) `sqrt`, which can differ
    // from libm's `pow` in the last bit.
    let half = std::hint::black_box(0.5);
    assert_same(
        &x.powf(half).compute().unwrap(),
        &a.mapv(|v| v.powf(half)),
        &c("powf (NaN)"),
    );
    // f32 too.
    let f = a.mapv(|v| v as f32);
    let z = chunked(&f, &case.chunks);
    assert_same(
        &z.exp().compute().unwrap(),
        &f.mapv(f32::exp),
        &c("exp f32"),
    );
    assert_same(
        &z.cos().compute().unwrap(),
        &f.mapv(f32::cos),
        &c("cos f32"),
    );
    assert_same(
        &z.powi(3).compute().unwrap(),
        &f.mapv(|v| v.powi(3)),
        &c("powi f32"),
    );
}

#[test]
fn float_functions() {
    for_each_case!(float_functions_body);
}

fn nan_and_infinity_body<D: Dimension>(case: &Case) {
    let a = typed::<f64, D>(with_nans(floats(&case.shape, 12)));
    let x = chunked(&a, &case.chunks);
    let c = |what: &str| ctx::<D>(case, what);
    assert_same(
        &(&x + 1.0).compute().unwrap(),
        &a.mapv(|v| v + 1.0),
        &c("NaN + 1"),
    );
    assert_same(
        &x.exp().compute().unwrap(),
        &a.mapv(f64::exp),
        &c("exp(NaN)"),
    );
    assert_same(
        &x.abs().compute().unwrap(),
        &a.mapv(f64::abs),
        &c("abs(NaN)"),
    );
    assert_same(
        &(1.0 / &x).compute().unwrap(),
        &a.mapv(|v| 1.0 / v),
        &c("1 / NaN"),
    );
    let zero = &x * 0.0;
    assert_same(
        &(1.0 / &zero).compute().unwrap(),
        &a.mapv(|v| 1.0 / (v * 0.0)),
        &c("1 / ±0"),
    );
    let big = &x * 1e308;
    assert_same(
        &(&big * 10.0).compute().unwrap(),
        &a.mapv(|v| v * 1e308 * 10.0),
        &c("overflow"),
    );
}

#[test]
fn nan_and_infinity_propagate_as_in_ndarray() {
    for_each_case!(nan_and_infinity_body);
}

/// `x.op(rhs)` for both an array and a scalar right-hand side.
macro_rules! check_comparison {
    ($case:expr, $D:ty, $x:expr, $y:expr, $a:expr, $b:expr, $s:expr, $method:ident, $f:expr) => {{
        let f = $f;
        let expected = Zip::from(&$a).and(&$b).map_collect(|&p, &q| f(p, q));
        let what = ctx::<$D>($case, concat!(stringify!($method), " array"));
        assert_same(&$x.$method(&$y).compute().unwrap(), &expected, &what);
        assert_same(&$x.$method($y.clone()).compute().unwrap(), &expected, &what);
        let s = $s;
        let expected = $a.mapv(|p| f(p, s));
        let what = ctx::<$D>($case, concat!(stringify!($method), " scalar"));
        assert_same(&$x.$method(s).compute().unwrap(), &expected, &what);
    }};
}

fn comparisons_body<D: Dimension>(case: &Case) {
    // Few distinct values, so that equality is common, and some NaN.
    let a = typed::<f64, D>(with_nans(ints(&case.shape, 13, -3, 3).mapv(|v| v as f64)));
    let b = typed::<f64, D>(ints(&case.shape, 14, -3, 3).mapv(|v| v as f64));
    for (_, other) in chunkings(case) {
        let x = chunked(&a, &case.chunks);
        let y = chunked(&b, other);
        check_comparison!(case, D, x, y, a, b, 1.0, gt, |p: f64, q: f64| p > q);
        check_comparison!(case, D, x, y, a, b, 0.0, ge, |p: f64, q: f64| p >= q);
        check_comparison!(case, D, x, y, a, b, -1.0, lt, |p: f64, q: f64| p < q);
        check_comparison!(case, D, x, y, a, b, 2.0, le, |p: f64, q: f64| p <= q);
        check_comparison!(case, D, x, y, a, b, 1.0, eq_elem, |p: f64, q: f64| p == q);
        check_comparison!(case, D, x, y, a, b, f64::NAN, eq_elem, |p: f64, q: f64| p
            == q);
        check_comparison!(case, D, x, y, a, b, f64::NAN, le, |p: f64, q: f64| p <= q);
        // An array compared with itself: NaN is unequal to itself.
        let what = ctx::<D>(case, "eq_elem self");
        assert_same(
            &x.eq_elem(&x).compute().unwrap(),
            &a.mapv(|p| !p.is_nan()),
            &what,
        );
    }
    let n = typed::<i64, D>(ints(&case.shape, 15, -2, 2));
    let m = typed::<i64, D>(ints(&case.shape, 16, -2, 2));
    let x = chunked(&n, &case.alt);
    let y = chunked(&m, &case.chunks);
    check_comparison!(case, D, x, y, n, m, 0, gt, |p: i64, q: i64| p > q);
    check_comparison!(case, D, x, y, n, m, 1, ge, |p: i64, q: i64| p >= q);
    check_comparison!(case, D, x, y, n, m, -1, lt, |p: i64, q: i64| p < q);
    check_comparison!(case, D, x, y, n, m, 2, le, |p: i64, q: i64| p <= q);
    check_comparison!(case, D, x, y, n, m, 0, eq_elem, |p: i64, q: i64| p == q);
}

#[test]
fn comparisons_with_arrays_and_scalars() {
    for_each_case!(comparisons_body);
}

fn select_body<D: Dimension>(case: &Case) {
    let a = typed::<f64, D>(floats(&case.shape, 17));
    let b = typed::<f64, D>(floats(&case.shape, 18));
    let pick = |c: &Array<bool, D>, p: &Array<f64, D>, q: &Array<f64, D>| {
        Zip::from(c)
            .and(p)
            .and(q)
            .map_collect(|&c, &p, &q| if c { p } else { q })
    };
    for (label, other) in chunkings(case) {
        let x = chunked(&a, &case.chunks);
        let y = chunked(&b, other);
        let cond = x.gt(&y);
        let cond_ref = Zip::from(&a).and(&b).map_collect(|&p, &q| p > q);
        let c = |what: &str| ctx::<D>(case, &format!("{what}, {label}"));
        let both = pick(&cond_ref, &a, &b);
        assert_same(
            &where_cond(&cond, &x, &y).compute().unwrap(),
            &both,
            &c("select(c, x, y)"),
        );
        assert_same(
            &where_cond(&cond, x.clone(), y.clone()).compute().unwrap(),
            &both,
            &c("select(c, x, y) owned"),
        );
        let swapped = pick(&cond_ref, &b, &a);
        assert_same(
            &where_cond(&cond, &y, &x).compute().unwrap(),
            &swapped,
            &c("select(c, y, x)"),
        );
        let scalar_b = cond_ref.mapv(|c| c);
        let scalar_b = pick(&scalar_b, &a, &a.mapv(|_| -1.5));
        assert_same(
            &where_cond(&cond, &x, -1.5).compute().unwrap(),
            &scalar_b,
            &c("select(c, x, s)"),
        );
        let scalar_a = pick(&cond_ref, &a.mapv(|_| 7.0), &b);
        assert_same(
            &where_cond(&cond, 7.0, &y).compute().unwrap(),
            &scalar_a,
            &c("select(c, s, y)"),
        );
        let scalars = cond_ref.mapv(|c| if c { 1.0 } else { 0.0 });
        assert_same(
            &where_cond(&cond, 1.0, 0.0).compute().unwrap(),
            &scalars,
            &c("select(c, 1, 0)"),
        );
        // A condition chunked differently from both branches.
        let cond_alt = chunked(&cond_ref, other);
        let x_main = chunked(&a, &case.chunks);
        let y_main = chunked(&b, &case.chunks);
        assert_same(
            &where_cond(&cond_alt, &x_main, &y_main).compute().unwrap(),
            &both,
            &c("select with the condition chunked differently"),
        );
        // Integer branches.
        let n = typed::<i64, D>(ints(&case.shape, 19, -50, 50));
        let xn = chunked(&n, other);
        let expected = Zip::from(&cond_ref)
            .and(&n)
            .map_collect(|&c, &v| if c { v } else { 0 });
        assert_same(
            &where_cond(&cond, &xn, 0).compute().unwrap(),
            &expected,
            &c("select i64"),
        );
    }
}

#[test]
fn select_with_arrays_and_scalars() {
    for_each_case!(select_body);
}

fn cast_body<D: Dimension>(case: &Case) {
    let a = typed::<f64, D>(floats(&case.shape, 20).mapv(|v| v * 3.0));
    let x = chunked(&a, &case.chunks);
    let c = |what: &str| ctx::<D>(case, what);
    assert_same(
        &x.cast::<i32>().compute().unwrap(),
        &a.mapv(|v| v as i32),
        &c("f64 as i32"),
    );
    // Saturating: negatives become 0, large values 255.
    assert_same(
        &x.cast::<u8>().compute().unwrap(),
        &a.mapv(|v| v as u8),
        &c("f64 as u8"),
    );
    assert_same(
        &x.cast::<f32>().compute().unwrap(),
        &a.mapv(|v| v as f32),
        &c("f64 as f32"),
    );
    assert_same(&x.cast::<f64>().compute().unwrap(), &a, &c("f64 as f64"));
    let nan = typed::<f64, D>(with_nans(floats(&case.shape, 20)));
    let y = chunked(&nan, &case.alt);
    assert_same(
        &y.cast::<i64>().compute().unwrap(),
        &nan.mapv(|v| v as i64),
        &c("NaN as i64"),
    );
    let n = typed::<i64, D>(ints(&case.shape, 21, -300, 300));
    let z = chunked(&n, &case.alt);
    assert_same(
        &z.cast::<f64>().compute().unwrap(),
        &n.mapv(|v| v as f64),
        &c("i64 as f64"),
    );
    assert_same(
        &z.cast::<u8>().compute().unwrap(),
        &n.mapv(|v| v as u8),
        &c("i64 as u8 (wraps)"),
    );
    assert_same(
        &z.cast::<i8>().compute().unwrap(),
        &n.mapv(|v| v as i8),
        &c("i64 as i8 (wraps)"),
    );
    let flags = n.mapv(|v| v > 0);
    let w = chunked(&flags, &case.chunks);
    assert_same(
        &w.cast::<i32>().compute().unwrap(),
        &flags.mapv(i32::from),
        &c("bool as i32"),
    );
    // A cast inside a chain with another array of the target type.
    let sum = &x.cast::<i64>() + &z;
    assert_same(
        &sum.compute().unwrap(),
        &(&a.mapv(|v| v as i64) + &n),
        &c("cast then add"),
    );
}

#[test]
fn cast_between_element_types() {
    for_each_case!(cast_body);
}

fn clip_body<D: Dimension>(case: &Case) {
    let a = typed::<f64, D>(with_nans(floats(&case.shape, 22)));
    let x = chunked(&a, &case.chunks);
    let c = |what: &str| ctx::<D>(case, what);
    let clip = |v: f64, lo: f64, hi: f64| {
        if v < lo {
            lo
        } else if v > hi {
            hi
        } else {
            v
        }
    };
    for (lo, hi) in [(-50.0, 50.0), (0.0, 0.0), (-1e9, 1e9), (10.0, 11.0)] {
        assert_same(
            &x.clip(lo, hi).compute().unwrap(),
            &a.mapv(|v| clip(v, lo, hi)),
            &c(&format!("clip({lo}, {hi})")),
        );
    }
    // NaN stays NaN.
    if let Some(i) = a.iter().position(|v| v.is_nan()) {
        let got = x.clip(-1.0, 1.0).compute().unwrap();
        assert!(
            got.iter().nth(i).unwrap().is_nan(),
            "{}",
            c("clip keeps NaN")
        );
    }
    let n = typed::<i64, D>(ints(&case.shape, 23, -20, 20));
    let y = chunked(&n, &case.alt);
    assert_same(
        &y.clip(-5, 7).compute().unwrap(),
        &n.mapv(|v| v.clamp(-5, 7)),
        &c("clip i64"),
    );
    // min > max is an error naming the arguments and values.
    let err = x.clip(2.0, 1.0).compute().unwrap_err();
    assert!(
        matches!(err, Error::InvalidArgument { .. }),
        "{}: {err:?}",
        c("clip(2, 1)")
    );
    let msg = err.to_string();
    assert!(
        msg.contains("min") && msg.contains("max") && msg.contains('2') && msg.contains('1'),
        "{msg}"
    );
}

#[test]
fn clip_floats_and_integers() {
    for_each_case!(clip_body);
}

fn map_body<D: Dimension>(case: &Case) {
    let a = typed::<f64, D>(floats(&case.shape, 24));
    let n = typed::<i64, D>(ints(&case.shape, 25, -10, 10));
    let x = chunked(&a, &case.chunks);
    let y = chunked(&n, &case.alt);
    let c = |what: &str| ctx::<D>(case, what);
    assert_same(
        &x.mapv(|v| v * v - 1.0).compute().unwrap(),
        &a.mapv(|v| v * v - 1.0),
        &c("mapv"),
    );
    assert_same(
        &x.mapv(|v| v.round() as i64).compute().unwrap(),
        &a.mapv(|v| v.round() as i64),
        &c("mapv to i64"),
    );
    assert_same(
        &x.map(|v| *v > 0.0).compute().unwrap(),
        &a.map(|v| *v > 0.0),
        &c("map to bool"),
    );
    assert_same(
        &y.map(|v| (*v as f64).sqrt()).compute().unwrap(),
        &n.map(|v| (*v as f64).sqrt()),
        &c("map i64 -> f64"),
    );
    // zip_with of different element types and different chunks.
    let expected = Zip::from(&a)
        .and(&n)
        .map_collect(|&p, &q| p.powi(q as i32 % 3) + q as f64);
    assert_same(
        &x.zip_with(&y, |p, q| p.powi(q as i32 % 3) + q as f64)
            .compute()
            .unwrap(),
        &expected,
        &c("zip_with f64, i64"),
    );
    let expected = Zip::from(&n).and(&a).map_collect(|&q, &p| (q, p > 0.0));
    assert_same(
        &y.zip_with(&x, |q, p| (q, p > 0.0)).compute().unwrap(),
        &expected,
        &c("zip_with to tuples"),
    );
    let expected = Zip::from(&a).and(&a).map_collect(|&p, &q| p - q);
    assert_same(
        &x.zip_with(&x, |p, q| p - q).compute().unwrap(),
        &expected,
        &c("zip_with self"),
    );
}

#[test]
fn map_mapv_and_zip_with() {
    for_each_case!(map_body);
}

fn chains_body<D: Dimension>(case: &Case) {
    let a = typed::<f64, D>(floats(&case.shape, 26));
    let b = typed::<f64, D>(positive(&case.shape, 27));
    let d = typed::<f64, D>(floats(&case.shape, 28));
    let x = chunked(&a, &case.chunks);
    let y = chunked(&b, &case.alt);
    // A third chunking: one block.
    let z = chunked(&d, &Chunks::single(&case.shape));
    let c = |what: &str| ctx::<D>(case, what);

    // A long chain of one input.
    let chain = ((&x * 2.0 - 1.0).abs() + 0.5).ln().mapv(|v| v * 3.0).sin() / 4.0;
    let chain_ref = ((&a * 2.0 - 1.0).mapv(f64::abs) + 0.5)
        .mapv(f64::ln)
        .mapv(|v| v * 3.0)
        .mapv(f64::sin)
        / 4.0;
    assert_same(&chain.compute().unwrap(), &chain_ref, &c("unary chain"));

    // Three inputs with three chunkings, x used several times.
    let expr = (&x * &y - &z) / (y.sqrt() + 1.0) + &x * &x - 2.0 * &z;
    let expr_ref = (&a * &b - &d) / (b.mapv(f64::sqrt) + 1.0) + &a * &a - 2.0 * &d;
    assert_same(&expr.compute().unwrap(), &expr_ref, &c("three-input chain"));

    // Comparison, select and clip on the chain.
    let sel = where_cond(&expr.gt(0.0), &expr, -&expr).clip(0.0, 100.0);
    let sel_ref = expr_ref.mapv(|v| if v > 0.0 { v } else { -v }.clamp(0.0, 100.0));
    assert_same(
        &sel.compute().unwrap(),
        &sel_ref,
        &c("select and clip of a chain"),
    );

    // Several results computed together share their inputs.
    let (r1, r2, r3) = ndchunk::compute((&expr, &chain, &(&expr + &chain))).unwrap();
    assert_same(&r1, &expr_ref, &c("compute tuple, 1"));
    assert_same(&r2, &chain_ref, &c("compute tuple, 2"));
    assert_same(&r3, &(&expr_ref + &chain_ref), &c("compute tuple, 3"));

    // Equal expressions built twice (merged as common subexpressions) and
    // expressions that differ only in a scalar (not merged).
    let (p, q, r) = ndchunk::compute((&(&x + 1.0), &(&x + 1.0), &(&x + 2.0))).unwrap();
    assert_same(&p, &(&a + 1.0), &c("x + 1"));
    assert_same(&q, &(&a + 1.0), &c("x + 1 again"));
    assert_same(&r, &(&a + 2.0), &c("x + 2"));
    let (g1, g2) = ndchunk::compute((&x.gt(1.0), &x.gt(2.0))).unwrap();
    assert_same(&g1, &a.mapv(|v| v > 1.0), &c("gt 1"));
    assert_same(&g2, &a.mapv(|v| v > 2.0), &c("gt 2"));
    let (s1, s2) = ndchunk::compute((
        &where_cond(&x.gt(0.0), 1.0, 2.0),
        &where_cond(&x.gt(0.0), 1.0, 3.0),
    ))
    .unwrap();
    assert_same(
        &s1,
        &a.mapv(|v| if v > 0.0 { 1.0 } else { 2.0 }),
        &c("select 1 2"),
    );
    assert_same(
        &s2,
        &a.mapv(|v| if v > 0.0 { 1.0 } else { 3.0 }),
        &c("select 1 3"),
    );

    // A persisted intermediate used in a further chain.
    let kept = expr.persist().unwrap();
    assert_same(
        &(&kept * &y).compute().unwrap(),
        &(&expr_ref * &b),
        &c("persisted chain"),
    );

    // Computing the same array twice gives the same answer.
    assert_same(&expr.compute().unwrap(), &expr_ref, &c("second compute"));
}

#[test]
fn chains_of_operations() {
    for_each_case!(chains_body);
}

/// `depth` chained additions, computed and compared with ndarray.
fn deep_chain(depth: usize) {
    let a = Array::from_shape_fn((20, 30), |(i, j)| (i * 30 + j) as f64 / 10.0);
    let mut x = ChunkedArray::from_array(a.clone(), (7, 8)).unwrap();
    let mut expected = a;
    for k in 0..depth {
        let s = (k % 5) as f64 * 0.001;
        x = &x + s;
        expected += s;
    }
    assert_same(
        &x.compute().unwrap(),
        &expected,
        &format!("{depth} chained additions"),
    );
}

#[test]
fn deep_chain_does_not_overflow_the_stack() {
    // A chain of elementwise operations built in a loop (an iterative update)
    // is fused into one kernel. A stack overflow aborts the whole process, so
    // the deep case runs in a child process running only this test.
    const CHILD: &str = "NDCHUNK_TEST_DEEP_CHAIN_CHILD";
    const NAME: &str = "deep_chain_does_not_overflow_the_stack";
    if std::env::var_os(CHILD).is_some() {
        deep_chain(20_000);
        return;
    }
    deep_chain(100);
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([NAME, "--exact", "--test-threads=1"])
        .env(CHILD, "1")
        .output()
        .expect("run the test binary again");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "computing a chain of 20000 elementwise operations failed ({}):\n{}\n{}",
        out.status,
        stdout,
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn other_element_types() {
    let shape = [9, 11];
    let a = ints(&shape, 29, -100, 100).mapv(|v| v as i32);
    let b = ints(&shape, 30, 1, 9).mapv(|v| v as i32);
    let x = ChunkedArray::from_array(a.clone(), (4, 4)).unwrap();
    let y = ChunkedArray::from_array(b.clone(), (3, 5)).unwrap();
    assert_same(&(&x + &y).compute().unwrap(), &(&a + &b), "i32 add");
    assert_same(&(&x / &y).compute().unwrap(), &(&a / &b), "i32 div");
    assert_same(&(&x % &y).compute().unwrap(), &(&a % &b), "i32 rem");
    assert_same(&(100 - &x).compute().unwrap(), &(100 - &a), "i32 rsub");
    let u = ints(&shape, 31, 0, 15).mapv(|v| v as u8);
    let w = ChunkedArray::from_array(u.clone(), (2, 6)).unwrap();
    assert_same(&(&w * 3).compute().unwrap(), &(&u * 3), "u8 mul");
    assert_same(
        &(200 / &(&w + 1)).compute().unwrap(),
        &(200 / &(&u + 1)),
        "u8 rdiv",
    );
    let f = floats(&shape, 32).mapv(|v| v as f32);
    let g = ChunkedArray::from_array(f.clone(), (5, 2)).unwrap();
    assert_same(
        &(&g * 0.5_f32 - 1.0).compute().unwrap(),
        &(&f * 0.5 - 1.0),
        "f32 chain",
    );
    assert_same(&(1.0_f32 / &g).compute().unwrap(), &(1.0 / &f), "f32 rdiv");
}

#[test]
fn shape_mismatch_is_an_error_from_compute() {
    let x = ChunkedArray::<f64, _>::ones((4, 5), (2, 2)).unwrap();
    let y = ChunkedArray::<f64, _>::ones((5, 4), (2, 2)).unwrap();
    let err = (&x + &y).compute().unwrap_err();
    match &err {
        Error::ShapeMismatch { op, left, right } => {
            assert_eq!(*op, "add");
            assert_eq!(left, &vec![4, 5]);
            assert_eq!(right, &vec![5, 4]);
        }
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
    let msg = err.to_string();
    assert!(
        msg.contains("add") && msg.contains("[4, 5]") && msg.contains("[5, 4]"),
        "{msg}"
    );
    // Deeper in a chain, and for comparisons, zip_with and select.
    assert!(matches!(
        ((&x * 2.0 - &y).exp() + 1.0).compute(),
        Err(Error::ShapeMismatch { op: "sub", .. })
    ));
    assert!(matches!(
        x.gt(&y).compute(),
        Err(Error::ShapeMismatch { op: "gt", .. })
    ));
    assert!(matches!(
        x.zip_with(&y, |a, b| a + b).compute(),
        Err(Error::ShapeMismatch { op: "zip_with", .. })
    ));
    assert!(matches!(
        where_cond(&x.gt(0.0), &y, 0.0).compute(),
        Err(Error::ShapeMismatch {
            op: "where_cond",
            ..
        })
    ));
    assert!(matches!(
        (&x - &y).sum().compute(),
        Err(Error::ShapeMismatch { .. })
    ));
    // x itself is still fine.
    assert_eq!((&x + &x).compute().unwrap(), Array::from_elem((4, 5), 2.0));
}

#[test]
fn integer_division_by_zero_is_an_error_naming_the_block() {
    let a = Array::from_shape_fn((4, 6), |(i, j)| (i * 6 + j) as i64);
    let x = ChunkedArray::from_array(a.clone(), (2, 3)).unwrap();
    let divisor = Array::from_shape_fn((4, 6), |(i, j)| if (i, j) == (3, 4) { 0 } else { 1 });
    let y = ChunkedArray::from_array(divisor, (2, 3)).unwrap();
    match (&x / &y).compute() {
        Err(Error::TaskPanicked { task, message }) => {
            assert!(
                task.contains("[1, 1]"),
                "task {task} should name block [1, 1]"
            );
            assert!(message.contains("divide by zero"), "{message}");
        }
        other => panic!("expected TaskPanicked, got {other:?}"),
    }
    assert!(matches!(
        (&x % 0).compute(),
        Err(Error::TaskPanicked { .. })
    ));
    // The next compute works as before.
    assert_eq!((&x / 1).compute().unwrap(), a);
}

#[test]
fn panic_in_a_closure_is_an_error_and_the_next_compute_works() {
    let a = Array::from_shape_fn(20, |i| i as f64);
    let x = ChunkedArray::from_array(a.clone(), 6).unwrap();
    let bad = x.mapv(|v| {
        if v == 13.0 {
            panic!("bad value {v}")
        } else {
            v
        }
    });
    match bad.compute() {
        Err(Error::TaskPanicked { task, message }) => {
            assert!(task.contains("[2]"), "task {task} should name block [2]");
            assert_eq!(message, "bad value 13");
        }
        other => panic!("expected TaskPanicked, got {other:?}"),
    }
    assert_eq!(x.mapv(|v| v * 2.0).compute().unwrap(), a.mapv(|v| v * 2.0));
}
