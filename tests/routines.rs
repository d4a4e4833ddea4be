//! Differential tests of the numpy routines (`flip`, `roll`, `moveaxis`,
//! `expand_dims`, `eye`, `tril`, `round`, `isclose`, ...) against eager
//! ndarray over the shared cases, and numpy's own answers for the
//! numpy-specific semantics (roll with negative and over-long shifts, eye,
//! tri, tril/triu with negative k, round half to even, isclose with NaN),
//! read from `fixtures/routines.json` (made by `fixtures/make_routines.py`,
//! so no Python is needed here).
//!
//! Every comparison is exact: the routines move values, pick them by index
//! or apply one formula per element (`round` is numpy's formula, so its
//! `f64` results are compared bit for bit with numpy's).

#[macro_use]
mod common;

use common::{
    assert_same, chunked, ctx, floats, json_i64s as i64s, json_usizes as usizes, typed, Case,
};
use ndarray::{Array, Array2, ArrayD, Axis, Dimension, Ix2, IxDyn, Slice};
use ndchunk::{ChunkedArray, Error};
use serde_json::Value;

/// numpy's answers for the routine `name`.
fn fixture(name: &str) -> Vec<Value> {
    common::fixture_cases(include_str!("fixtures/routines.json"), name)
}

/// Both chunkings of `case` for `a`.
fn both<T: Copy + Send + Sync + 'static, D: Dimension>(
    a: &Array<T, D>,
    case: &Case,
) -> [ChunkedArray<T, D>; 2] {
    [chunked(a, &case.chunks), chunked(a, &case.alt)]
}

// ---------------------------------------------------------------------------
// flip, roll, moveaxis, expand_dims
// ---------------------------------------------------------------------------

fn rearranging_case<D: Dimension>(case: &Case) {
    let a = typed::<f64, D>(floats(&case.shape, 11));
    let ndim = case.ndim();
    for x in both(&a, case) {
        for k in 0..ndim {
            let what = ctx::<D>(case, &format!("flip(Axis({k}))"));
            let expected = a.slice_axis(Axis(k), Slice::new(0, None, -1)).to_owned();
            assert_same(&x.flip(Axis(k)).compute().unwrap(), &expected, &what);

            let len = case.shape[k] as isize;
            for shift in [0, 1, -1, 2, -3, len, len + 1, -2 * len - 1, 1000] {
                let what = ctx::<D>(case, &format!("roll({shift}, Axis({k}))"));
                let dynamic = a.view().into_dyn();
                let expected = typed::<f64, D>(ArrayD::from_shape_fn(dynamic.raw_dim(), |i| {
                    let mut from = i.clone();
                    from[k] = (i[k] as isize - shift).rem_euclid(len) as usize;
                    dynamic[from]
                }));
                assert_same(&x.roll(shift, Axis(k)).compute().unwrap(), &expected, &what);
            }

            for d in 0..ndim {
                let what = ctx::<D>(case, &format!("moveaxis({k}, {d})"));
                let mut order: Vec<usize> = (0..ndim).filter(|&o| o != k).collect();
                order.insert(d, k);
                let mut perm = D::zeros(ndim);
                perm.slice_mut().copy_from_slice(&order);
                let expected = a.clone().permuted_axes(perm);
                assert_same(&x.moveaxis(k, d).compute().unwrap(), &expected, &what);
            }
        }
        for k in 0..=ndim {
            let what = ctx::<D>(case, &format!("expand_dims(Axis({k}))"));
            let expected = a.clone().into_dyn().insert_axis(Axis(k));
            assert_same(&x.expand_dims(Axis(k)).compute().unwrap(), &expected, &what);
        }
    }
}

#[test]
fn rearranging_matches_ndarray_on_every_case() {
    for_each_case!(rearranging_case);
}

#[test]
fn roll_matches_numpy() {
    for case in fixture("roll") {
        let shape = usizes(&case["shape"]);
        let (shift, axis) = (
            case["shift"].as_i64().unwrap() as isize,
            case["axis"].as_u64().unwrap() as usize,
        );
        let n: usize = shape.iter().product();
        let a = ArrayD::from_shape_vec(IxDyn(&shape), (0..n as i64).collect()).unwrap();
        let expected = ArrayD::from_shape_vec(IxDyn(&shape), i64s(&case["out"])).unwrap();
        let x = ChunkedArray::from_array(a, 2).unwrap();
        let what = format!("roll({shift}, Axis({axis})) of shape {shape:?}");
        assert_same(
            &x.roll(shift, Axis(axis)).compute().unwrap(),
            &expected,
            &what,
        );
    }
}

#[test]
fn roll_is_lazy_and_culls() {
    // A roll of a huge random array, then a corner: only the corner's
    // blocks (from the far end of axis 1) are drawn.
    let rng = ndchunk::random::Rng::seed(5);
    let x = rng.standard_normal((10_000, 10_000), (1000, 1000)).unwrap();
    let corner = x.roll(3, Axis(1)).slice(ndarray::s![..2, ..5]);
    assert_eq!(corner.num_tasks().unwrap(), 6); // 2 blocks drawn, 2 cut, 1 joined, 1 sliced
    let whole = x.slice(ndarray::s![..2, ..]).compute().unwrap();
    let got = corner.compute().unwrap();
    for j in 0..5 {
        assert_eq!(got[[0, j]], whole[[0, (j + 10_000 - 3) % 10_000]]);
    }
}

#[test]
fn rearranging_rejects_bad_axes() {
    let x = ChunkedArray::<f64, _>::zeros((3, 4), 2).unwrap();
    let axis_error = |r: ndchunk::Result<_>, op: &str, axis: usize| match r {
        Err(Error::AxisOutOfBounds { op: o, axis: a, .. }) => assert_eq!((o, a), (op, axis)),
        other => panic!("{op}: expected an axis error, got {other:?}"),
    };
    axis_error(x.flip(Axis(2)).compute().map(|_| ()), "flip", 2);
    axis_error(x.roll(1, Axis(5)).compute().map(|_| ()), "roll", 5);
    axis_error(x.moveaxis(2, 0).compute().map(|_| ()), "moveaxis", 2);
    axis_error(x.moveaxis(0, 3).compute().map(|_| ()), "moveaxis", 3);
    axis_error(
        x.expand_dims(Axis(3)).compute().map(|_| ()),
        "expand_dims",
        3,
    );
    assert_eq!(x.expand_dims(Axis(2)).shape(), &[3, 4, 1]);
}

// ---------------------------------------------------------------------------
// eye, identity, tri, tril, triu, *_like
// ---------------------------------------------------------------------------

/// numpy's `(n, m)` matrix `out` of a fixture case.
fn matrix(case: &Value, shape: (usize, usize)) -> Array2<i64> {
    Array2::from_shape_vec(shape, i64s(&case["out"])).unwrap()
}

fn nmk(case: &Value) -> (usize, usize, isize) {
    let get = |key: &str| case[key].as_i64().unwrap();
    (get("n") as usize, get("m") as usize, get("k") as isize)
}

#[test]
fn eye_and_tri_match_numpy() {
    for (name, make) in [
        (
            "eye",
            ChunkedArray::<i64, Ix2>::eye as fn(_, _, _, (usize, usize)) -> _,
        ),
        ("tri", ChunkedArray::<i64, Ix2>::tri),
    ] {
        for case in fixture(name) {
            let (n, m, k) = nmk(&case);
            for chunks in [(1, 1), (2, 3), (4, 4)] {
                let got = make(n, m, k, chunks).unwrap().compute().unwrap();
                let what = format!("{name}({n}, {m}, {k}) in chunks {chunks:?}");
                assert_same(&got, &matrix(&case, (n, m)), &what);
            }
        }
    }
    let identity = ChunkedArray::<f64, _>::identity(7, 3).unwrap();
    assert_same(&identity.compute().unwrap(), &Array2::eye(7), "identity(7)");
}

#[test]
fn tril_and_triu_match_numpy() {
    for name in ["tril", "triu"] {
        for case in fixture(name) {
            let shape = usizes(&case["shape"]);
            let (n, m) = (shape[0], shape[1]);
            let k = case["k"].as_i64().unwrap() as isize;
            let a = Array2::from_shape_fn((n, m), |(i, j)| (i * m + j + 1) as i64);
            let x = ChunkedArray::from_array(a, (2, 3)).unwrap();
            let got = if name == "tril" { x.tril(k) } else { x.triu(k) };
            let what = format!("{name}({k}) of shape {shape:?}");
            assert_same(&got.compute().unwrap(), &matrix(&case, (n, m)), &what);
        }
    }
}

fn triangles_case<D: Dimension>(case: &Case) {
    if case.ndim() != 2 {
        return;
    }
    let a = typed::<f64, Ix2>(floats(&case.shape, 12));
    for x in both(&a, case) {
        for k in [-20, -3, -1, 0, 1, 2, 20] {
            let lower = Array2::from_shape_fn(a.raw_dim(), |(i, j)| {
                if j as isize - i as isize <= k {
                    a[[i, j]]
                } else {
                    0.0
                }
            });
            let upper = Array2::from_shape_fn(a.raw_dim(), |(i, j)| {
                if j as isize - i as isize >= k {
                    a[[i, j]]
                } else {
                    0.0
                }
            });
            let what = ctx::<D>(case, &format!("tril/triu({k})"));
            assert_same(&x.tril(k).compute().unwrap(), &lower, &what);
            assert_same(&x.triu(k).compute().unwrap(), &upper, &what);
            // The two triangles overlap on diagonal k only.
            let both = (&x.tril(k) + &x.triu(k + 1)).compute().unwrap();
            assert_same(&both, &a, &what);
        }
    }
}

#[test]
fn triangles_match_ndarray_on_every_2d_case() {
    for_each_case!(triangles_case);
}

#[test]
fn index_matrices_are_lazy_and_fuse() {
    let e = ChunkedArray::<f64, _>::eye(100_000, 100_000, 5, 1000).unwrap();
    let corner = e.slice(ndarray::s![..3, ..8]);
    // One block of the 10^4 computed, then sliced.
    assert_eq!(corner.num_tasks().unwrap(), 2);
    assert_same(
        &corner.compute().unwrap(),
        &Array2::from_shape_fn((3, 8), |(i, j)| f64::from(j == i + 5)),
        "corner of eye(k = 5)",
    );
    // tril inside a chain ending in a reduction adds no task: it is fused.
    let x = ChunkedArray::<f64, _>::from_fn((40, 40), 10, |_| 1.0).unwrap();
    let s = (&x * 2.0).tril(0).sum();
    assert_eq!(
        s.num_tasks().unwrap(),
        (&x * 2.0).sum().num_tasks().unwrap()
    );
    assert_eq!(s.compute().unwrap().into_scalar(), 2.0 * 820.0);
}

fn like_case<D: Dimension>(case: &Case) {
    let a = typed::<f64, D>(floats(&case.shape, 13));
    for x in both(&a, case) {
        let what = ctx::<D>(case, "full_like/zeros_like/ones_like");
        for (y, v) in [
            (ndchunk::full_like(&x, -2.5), -2.5),
            (ndchunk::zeros_like(&x), 0.0),
            (ndchunk::ones_like(&x), 1.0),
        ] {
            assert_eq!(y.chunks(), x.chunks(), "{what}");
            assert_same(
                &y.compute().unwrap(),
                &Array::from_elem(a.raw_dim(), v),
                &what,
            );
        }
    }
}

#[test]
fn like_constructors_keep_shape_and_chunks() {
    for_each_case!(like_case);
    // An invalid input stays an error.
    let x = ChunkedArray::<f64, _>::zeros((3, 4), 2).unwrap();
    assert!(ndchunk::zeros_like(&x.flip(Axis(3))).compute().is_err());
}

// ---------------------------------------------------------------------------
// round, nan_to_num, isclose, allclose, ediff1d, outer
// ---------------------------------------------------------------------------

/// Floats written as Python reprs ("nan", "inf" included).
fn f64s(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("a list")
        .iter()
        .map(|x| {
            x.as_str()
                .expect("a float's repr")
                .parse()
                .expect("a float")
        })
        .collect()
}

fn bools(v: &Value) -> Vec<bool> {
    v.as_array()
        .expect("a list")
        .iter()
        .map(|x| x.as_bool().expect("a bool"))
        .collect()
}

#[test]
fn round_matches_numpy_bit_for_bit() {
    for case in fixture("round") {
        let decimals = case["decimals"].as_i64().unwrap() as i32;
        let x = ChunkedArray::from_array(Array::from(f64s(&case["in"])), 4).unwrap();
        let got = x.round(decimals).compute().unwrap();
        let expected = f64s(&case["out"]);
        for (i, (g, e)) in got.iter().zip(&expected).enumerate() {
            // Same bits (signed zeros included), or both NaN.
            assert!(
                g.to_bits() == e.to_bits() || (g.is_nan() && e.is_nan()),
                "round({decimals}) of element {i}: got {g:?}, numpy {e:?}"
            );
        }
    }
}

#[test]
fn round_f32_halves_to_even() {
    let x =
        ChunkedArray::from_array(ndarray::array![0.5_f32, 1.5, 2.5, -3.5, 0.25, 0.35], 4).unwrap();
    assert_eq!(
        x.round(0).compute().unwrap(),
        ndarray::array![0.0, 2.0, 2.0, -4.0, 0.0, 0.0]
    );
    assert_eq!(x.round(1).compute().unwrap()[4], 0.2);
}

#[test]
fn isclose_matches_numpy() {
    for case in fixture("isclose") {
        let (rtol, atol) = (
            case["rtol"].as_f64().unwrap(),
            case["atol"].as_f64().unwrap(),
        );
        let equal_nan = case["equal_nan"].as_bool().unwrap();
        let a = ChunkedArray::from_array(Array::from(f64s(&case["a"])), 5).unwrap();
        let b = ChunkedArray::from_array(Array::from(f64s(&case["b"])), 4).unwrap();
        let what = format!("isclose(rtol {rtol}, atol {atol}, equal_nan {equal_nan})");
        let got = a.isclose(&b, rtol, atol, equal_nan).compute().unwrap();
        assert_same(&got, &Array::from(bools(&case["out"])), &what);
        let swapped = b.isclose(&a, rtol, atol, equal_nan).compute().unwrap();
        assert_same(&swapped, &Array::from(bools(&case["swapped"])), &what);
        let all = bools(&case["out"]).into_iter().all(|v| v);
        assert_eq!(
            a.allclose(&b, rtol, atol, equal_nan).unwrap(),
            all,
            "{what}"
        );
    }
}

fn float_routines_case<D: Dimension + ndarray::DimMax<D, Output = D>>(case: &Case) {
    // Floats with NaN and infinities sprinkled in.
    let a = typed::<f64, D>(
        floats(&case.shape, 14).mapv(|v| match (v * 73.0) as i64 % 17 {
            0 => f64::NAN,
            1 => f64::INFINITY,
            2 => f64::NEG_INFINITY,
            _ => v,
        }),
    );
    let b = typed::<f64, D>(floats(&case.shape, 14).mapv(|v| v + 1e-4));
    for x in both(&a, case) {
        let y = chunked(&b, &case.alt);
        let what = ctx::<D>(case, "round/nan_to_num/isclose");
        let rounded = a.mapv(|v| (v * 100.0).round_ties_even() / 100.0);
        assert_same(&x.round(2).compute().unwrap(), &rounded, &what);
        let cleaned = a.mapv(|v| match v {
            v if v.is_nan() => -1.0,
            f64::INFINITY => 1e9,
            f64::NEG_INFINITY => -1e9,
            v => v,
        });
        assert_same(
            &x.nan_to_num(-1.0, 1e9, -1e9).compute().unwrap(),
            &cleaned,
            &what,
        );
        let close = ndarray::Zip::from(&a)
            .and(&b)
            .map_collect(|&p, &q| p == q || (p - q).abs() <= 1e-3 + 1e-5 * q.abs());
        assert_same(
            &x.isclose(&y, 1e-5, 1e-3, false).compute().unwrap(),
            &close,
            &what,
        );
    }
}

#[test]
fn float_routines_match_ndarray_on_every_case() {
    for_each_case!(float_routines_case);
}

fn ediff1d_case<D: Dimension>(case: &Case) {
    let a = typed::<i64, D>(common::ints(&case.shape, 15, -1000, 1000));
    let flat: Vec<i64> = a.iter().copied().collect();
    let expected = Array::from_iter(flat.windows(2).map(|w| w[1] - w[0]));
    for x in both(&a, case) {
        let what = ctx::<D>(case, "ediff1d");
        assert_same(&x.ediff1d().compute().unwrap(), &expected, &what);
    }
}

#[test]
fn ediff1d_matches_ndarray_on_every_case() {
    for_each_case!(ediff1d_case);
}

#[test]
fn outer_matches_ndarray() {
    for (n, m, ca, cb) in [
        (5, 7, 2, 3),
        (1, 4, 1, 4),
        (0, 3, 1, 2),
        (6, 0, 4, 1),
        (37, 9, 8, 4),
    ] {
        let a = Array::from_iter((0..n).map(|i| i as i64 - 2));
        let b = Array::from_iter((0..m).map(|j| 3 * j as i64 + 1));
        let expected = Array2::from_shape_fn((n, m), |(i, j)| a[i] * b[j]);
        let x = ChunkedArray::from_array(a, ca).unwrap();
        let y = ChunkedArray::from_array(b, cb).unwrap();
        let got = ndchunk::outer(&x, &y).compute().unwrap();
        assert_same(&got, &expected, &format!("outer of lengths {n} and {m}"));
    }
}

#[test]
fn float_routines_reject_bad_shapes() {
    let x = ChunkedArray::<f64, _>::zeros((3, 4), 2).unwrap();
    let y = ChunkedArray::<f64, _>::zeros((4, 3), 2).unwrap();
    match x.allclose(&y, 1e-5, 1e-8, false) {
        Err(Error::ShapeMismatch { op: "isclose", .. }) => {}
        other => panic!("expected a shape mismatch, got {other:?}"),
    }
    assert!(x.isclose(&y, 1e-5, 1e-8, false).compute().is_err());
}
