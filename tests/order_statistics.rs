//! Order and summary statistics against numpy and scipy: percentile,
//! quantile, median and their nan variants (whole array and per axis),
//! sort, topk, argsort, argtopk, ptp, moment, skew, kurtosis, average, cov,
//! corrcoef and unique. numpy's answers are read from
//! `fixtures/order.json` (made by `fixtures/make_order.py`, so no Python is
//! needed here), for 1-D to 4-D inputs with ties, size-1 axes, NaN and
//! slices of nothing but NaN, each under two chunkings (uniform with a
//! short last block, and irregular).
//!
//! Order statistics are exact (numpy's own interpolation formula on the
//! same two values), so they are compared to 1e-12; moments are merged in
//! another order than scipy sums them, so to 1e-9.

#[macro_use]
mod common;

use common::{assert_close, assert_same, close, json_i64s as i64s, json_usizes as usizes};
use ndarray::{Array, ArrayD, Axis, IxDyn};
use ndchunk::element::{Accumulate, Ordered};
use ndchunk::{ChunkedArray, Chunks, Error};
use serde_json::Value;

fn fixture(name: &str) -> Vec<Value> {
    let all: Value =
        serde_json::from_str(include_str!("fixtures/order.json")).expect("order.json is JSON");
    all[name].as_array().expect("a list of cases").clone()
}

fn f64s(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("a list")
        .iter()
        .map(|x| x.as_str().expect("a float as a string").parse().unwrap())
        .collect()
}

fn shape_of(case: &Value) -> Vec<usize> {
    usizes(&case["shape"])
}

fn array<T>(shape: &[usize], values: Vec<T>) -> ArrayD<T> {
    ArrayD::from_shape_vec(IxDyn(shape), values).expect("shape and length agree")
}

/// Two chunkings of `shape`: blocks of 2 (the last one shorter), and
/// irregular blocks of 1, 3, 2, 1, 3, ... elements.
fn chunkings(shape: &[usize]) -> [Chunks; 2] {
    let sizes = |pattern: &[usize]| {
        shape
            .iter()
            .map(|&n| {
                let mut sizes = Vec::new();
                let mut left = n;
                for &p in pattern.iter().cycle() {
                    if left == 0 {
                        break;
                    }
                    sizes.push(p.min(left));
                    left -= p.min(left);
                }
                sizes
            })
            .collect::<Vec<_>>()
    };
    [
        Chunks::from_sizes(sizes(&[2])),
        Chunks::from_sizes(sizes(&[1, 3, 2])),
    ]
}

/// Every chunking of the case's data, with a description.
fn inputs<T: Copy + Send + Sync + 'static>(
    case: &Value,
    data: ArrayD<T>,
) -> Vec<(ChunkedArray<T, IxDyn>, String)> {
    chunkings(data.shape())
        .into_iter()
        .map(|chunks| {
            let what = format!("case {} in chunks {chunks:?}", case["name"]);
            (
                ChunkedArray::from_array(data.clone(), chunks).unwrap(),
                what,
            )
        })
        .collect()
}

/// `expected` of the fixture, in `shape`.
#[track_caller]
fn check(got: ArrayD<f64>, expected: &Value, what: &str) {
    let shape = got.shape().to_vec();
    assert_close(&got, &array(&shape, f64s(expected)), 1e-12, 1e-12, what);
}

/// `err` is an invalid argument naming `argument`.
#[track_caller]
fn assert_names_argument(err: &Error, argument: &str) {
    match err {
        Error::InvalidArgument { argument: a, .. } if *a == argument => {}
        other => panic!("expected an error naming `{argument}`, got {other}"),
    }
}

/// The shape without `axis`, after `first` leading lengths.
fn reduced(shape: &[usize], axis: usize, first: &[usize]) -> Vec<usize> {
    let mut out = first.to_vec();
    out.extend(
        shape
            .iter()
            .enumerate()
            .filter(|&(k, _)| k != axis)
            .map(|(_, &n)| n),
    );
    out
}

/// percentile, quantile and median of `x` (and with `nan` their nan
/// variants), whole and along every axis, against the fixture's `case`.
fn check_order_statistics<T>(case: &Value, x: &ChunkedArray<T, IxDyn>, what: &str, nan: bool)
where
    T: Ordered + Accumulate<Mean = f64>,
{
    let shape = x.shape().to_vec();
    let q = f64s(&case["q"]);
    let fractions: Vec<f64> = q.iter().map(|v| v / 100.0).collect();
    let whole = |p: ndchunk::Result<ChunkedArray<f64, ndarray::Ix1>>| {
        p.unwrap().compute().unwrap().into_dyn()
    };
    let mut names = vec![("percentile", false)];
    if nan {
        names.push(("nanpercentile", true));
    }
    for (name, skip) in names {
        let (by_q, by_fraction) = if skip {
            (x.nanpercentile(&q), x.nanquantile(&fractions))
        } else {
            (x.percentile(&q), x.quantile(&fractions))
        };
        check(whole(by_q), &case[name], &format!("{name} of {what}"));
        check(
            whole(by_fraction),
            &case[name],
            &format!("{name} by fraction of {what}"),
        );
        let median = if skip { x.nanmedian() } else { x.median() };
        let median_name = if skip { "nanmedian" } else { "median" };
        check(
            median.compute().unwrap().into_dyn(),
            &case[median_name],
            &format!("{median_name} of {what}"),
        );
        for (k, axis) in case["axes"].as_array().unwrap().iter().enumerate() {
            let what = format!("{name} of {what}, axis {k}");
            let (by_q, by_fraction, median) = if skip {
                (
                    x.nanpercentile_axis(Axis(k), &q),
                    x.nanquantile_axis(Axis(k), &fractions),
                    x.nanmedian_axis(Axis(k)),
                )
            } else {
                (
                    x.percentile_axis(Axis(k), &q),
                    x.quantile_axis(Axis(k), &fractions),
                    x.median_axis(Axis(k)),
                )
            };
            let p = by_q.unwrap().compute().unwrap();
            assert_eq!(p.shape(), reduced(&shape, k, &[q.len()]), "{what}");
            check(p, &axis[name], &what);
            check(by_fraction.unwrap().compute().unwrap(), &axis[name], &what);
            let m = median.compute().unwrap();
            assert_eq!(m.shape(), reduced(&shape, k, &[]), "{what}");
            check(m, &axis[median_name], &format!("{median_name} of {what}"));
        }
    }
}

#[test]
fn percentile_and_median_of_floats_match_numpy() {
    for case in fixture("floats") {
        for (x, what) in inputs(&case, array(&shape_of(&case), f64s(&case["data"]))) {
            check_order_statistics(&case, &x, &what, true);
        }
    }
}

#[test]
fn percentile_and_median_of_integers_match_numpy() {
    for case in fixture("ints") {
        for (x, what) in inputs(&case, array(&shape_of(&case), i64s(&case["data"]))) {
            check_order_statistics(&case, &x, &what, false);
            // The same through 32-bit keys: half the counting passes.
            let narrow = x.mapv(|v| v as i32);
            check_order_statistics(&case, &narrow, &format!("i32 {what}"), false);
        }
    }
}

#[test]
fn sort_and_topk_match_numpy() {
    for case in fixture("floats") {
        let shape = shape_of(&case);
        for (x, what) in inputs(&case, array(&shape, f64s(&case["data"]))) {
            for (k, axis) in case["axes"].as_array().unwrap().iter().enumerate() {
                let what = format!("{what}, axis {k}");
                let sorted = x.sort_axis(Axis(k)).compute().unwrap();
                check(sorted, &axis["sort"], &format!("sort_axis of {what}"));
                for (top, expected) in axis["topk"].as_object().unwrap() {
                    let top: isize = top.parse().unwrap();
                    let got = x.topk(top, Axis(k)).unwrap().compute().unwrap();
                    let mut out_shape = shape.clone();
                    out_shape[k] = top.unsigned_abs();
                    assert_eq!(got.shape(), out_shape, "{what}");
                    check(got, expected, &format!("topk({top}) of {what}"));
                }
                let n = shape[k] as isize;
                for bad in [0, n + 1, -n - 1] {
                    let err = x.topk(bad, Axis(k)).unwrap_err();
                    assert_names_argument(&err, "k");
                    let err = x.argtopk(bad, Axis(k)).unwrap_err();
                    assert_names_argument(&err, "k");
                }
            }
        }
    }
}

#[test]
fn argsort_and_argtopk_match_numpy() {
    for case in fixture("ints") {
        let shape = shape_of(&case);
        for (x, what) in inputs(&case, array(&shape, i64s(&case["data"]))) {
            for (k, axis) in case["axes"].as_array().unwrap().iter().enumerate() {
                let what = format!("{what}, axis {k}");
                let got = x.argsort_axis(Axis(k)).compute().unwrap();
                assert_same(&got, &array(&shape, usizes(&axis["argsort"])), &what);
                for (top, expected) in axis["argtopk"].as_object().unwrap() {
                    let top: isize = top.parse().unwrap();
                    let got = x.argtopk(top, Axis(k)).unwrap().compute().unwrap();
                    let expected = array(got.shape(), usizes(expected));
                    assert_same(&got, &expected, &format!("argtopk({top}) of {what}"));
                }
            }
        }
    }
}

#[test]
fn whole_array_order_statistics_are_exact_for_every_key_width() {
    // 5000 values with many ties under blocks of 7: the selection's
    // counting passes against a sort. One pass for bytes, two for i16,
    // three for f32, six for f64.
    fn median_of_sorted(mut v: Vec<f64>) -> f64 {
        v.sort_by(f64::total_cmp);
        let n = v.len();
        if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        }
    }
    let raw: Vec<i64> = (0..5000u64)
        .map(|i| (common::hash(i) % 251) as i64 - 100)
        .collect();
    let as_f64: Vec<f64> = raw.iter().map(|&v| v as f64 * 0.37).collect();
    let expected = median_of_sorted(as_f64.clone());
    let x = ChunkedArray::from_array(Array::from(as_f64.clone()), 7).unwrap();
    assert_eq!(x.median().compute().unwrap().into_scalar(), expected);
    let f32s = x.mapv(|v| v as f32);
    let expected32 = median_of_sorted(as_f64.iter().map(|&v| v as f32 as f64).collect());
    let got32 = f32s.median().compute().unwrap().into_scalar();
    assert!(
        close(got32 as f64, expected32, 1e-6, 0.0),
        "{got32} vs {expected32}"
    );
    let bytes = ChunkedArray::from_array(Array::from(raw.clone()), 7)
        .unwrap()
        .mapv(|v| (v + 100) as u8);
    let expected8 = median_of_sorted(raw.iter().map(|&v| (v + 100) as f64).collect());
    assert_eq!(bytes.median().compute().unwrap().into_scalar(), expected8);
    let shorts = bytes.mapv(|v| v as i16 * -100);
    let expected16 = median_of_sorted(raw.iter().map(|&v| ((v + 100) * -100) as f64).collect());
    assert_eq!(shorts.median().compute().unwrap().into_scalar(), expected16);
    // Every rank, through percentiles that land on it exactly.
    let mut sorted = as_f64.clone();
    sorted.sort_by(f64::total_cmp);
    let q: Vec<f64> = (0..5000).step_by(499).map(|r| r as f64 / 4999.0).collect();
    let got = x.quantile(&q).unwrap().compute().unwrap();
    for (r, g) in (0..5000).step_by(499).zip(got) {
        assert!(
            close(g, sorted[r], 1e-12, 1e-12),
            "rank {r}: {g} vs {}",
            sorted[r]
        );
    }
}

#[test]
fn empty_inputs_behave_as_numpy() {
    let empty = ChunkedArray::<f64, _>::zeros(0, 3).unwrap();
    // numpy's percentile raises IndexError; nanpercentile and median give NaN.
    let err = empty.percentile(&[50.0]).unwrap_err();
    assert!(
        matches!(err, Error::EmptyReduction { op: "percentile" }),
        "{err}"
    );
    assert!(empty.quantile(&[0.5]).is_err());
    assert!(empty.nanpercentile(&[50.0]).unwrap().compute().unwrap()[0].is_nan());
    assert!(empty.median().compute().unwrap().into_scalar().is_nan());
    assert!(empty.nanmedian().compute().unwrap().into_scalar().is_nan());
    let all_nan = ChunkedArray::from_array(ndarray::array![f64::NAN, f64::NAN], 1).unwrap();
    assert!(all_nan
        .nanmedian()
        .compute()
        .unwrap()
        .into_scalar()
        .is_nan());

    let rows = ChunkedArray::<f64, _>::zeros((0, 3), (2, 2)).unwrap();
    let err = rows.percentile_axis(Axis(0), &[50.0]).unwrap_err();
    assert!(matches!(err, Error::EmptyReduction { .. }), "{err}");
    let none = rows
        .percentile_axis(Axis(1), &[50.0])
        .unwrap()
        .compute()
        .unwrap();
    assert_eq!(none.shape(), &[1, 0]);
    let nan = rows
        .nanpercentile_axis(Axis(0), &[50.0])
        .unwrap()
        .compute()
        .unwrap();
    assert!(nan.shape() == [1, 3] && nan.iter().all(|v| v.is_nan()));
    let med = rows.median_axis(Axis(0)).compute().unwrap();
    assert!(med.shape() == [3] && med.iter().all(|v| v.is_nan()));
    assert_eq!(rows.sort_axis(Axis(0)).compute().unwrap().shape(), &[0, 3]);
    assert_eq!(
        rows.argsort_axis(Axis(1)).compute().unwrap().shape(),
        &[0, 3]
    );
    assert!(rows.topk(1, Axis(0)).is_err());

    // No q, no result (numpy's shape too).
    let x = ChunkedArray::from_array(ndarray::array![[3.0, 1.0], [2.0, 5.0]], 1).unwrap();
    assert_eq!(x.percentile(&[]).unwrap().compute().unwrap().shape(), &[0]);
    let none = x.percentile_axis(Axis(1), &[]).unwrap().compute().unwrap();
    assert_eq!(none.shape(), &[0, 2]);

    // A 0-d array has one element.
    let scalar = ChunkedArray::from_array(ndarray::arr0(2.5), ()).unwrap();
    assert_eq!(
        scalar.percentile(&[30.0]).unwrap().compute().unwrap()[0],
        2.5
    );
}

#[test]
fn bad_arguments_are_errors_naming_them() {
    let x = ChunkedArray::<f64, _>::ones((4, 3), 2).unwrap();
    for q in [-1.0, 100.5, f64::NAN] {
        let err = x.percentile(&[50.0, q]).unwrap_err();
        assert_names_argument(&err, "q");
        let err = x.nanpercentile_axis(Axis(0), &[q]).unwrap_err();
        assert_names_argument(&err, "q");
    }
    assert!(x.quantile(&[1.5]).is_err() && x.quantile(&[1.0]).is_ok());
    let err = x.percentile_axis(Axis(2), &[50.0]).unwrap_err();
    assert!(
        matches!(err, Error::AxisOutOfBounds { axis: 2, .. }),
        "{err}"
    );
    assert!(x.topk(1, Axis(2)).is_err());
    assert!(x.sort_axis(Axis(2)).compute().is_err());
    assert!(x.median_axis(Axis(2)).compute().is_err());
}

/// scipy's moments, skew and kurtosis and numpy's ptp of `x` against a
/// fixture's `summary` (whole array: `axis` None).
fn check_summary(x: &ChunkedArray<f64, IxDyn>, axis: Option<usize>, expected: &Value, what: &str) {
    let statistics = [
        ("ptp", x.ptp().into_dyn(), axis.map(|k| x.ptp_axis(Axis(k)))),
        (
            "skew",
            x.skew().into_dyn(),
            axis.map(|k| x.skew_axis(Axis(k))),
        ),
        (
            "kurtosis",
            x.kurtosis().into_dyn(),
            axis.map(|k| x.kurtosis_axis(Axis(k))),
        ),
        (
            "skew_unbiased",
            x.skew_with(false).into_dyn(),
            axis.map(|k| x.skew_axis_with(Axis(k), false)),
        ),
        (
            "kurtosis_pearson",
            x.kurtosis_with(false, true).into_dyn(),
            axis.map(|k| x.kurtosis_axis_with(Axis(k), false, true)),
        ),
        (
            "kurtosis_pearson_unbiased",
            x.kurtosis_with(false, false).into_dyn(),
            axis.map(|k| x.kurtosis_axis_with(Axis(k), false, false)),
        ),
    ];
    let mut checks: Vec<_> = statistics
        .into_iter()
        .map(|(name, whole, along)| (name.to_string(), &expected[name], along.unwrap_or(whole)))
        .collect();
    for (order, e) in expected["moment"].as_object().unwrap() {
        let order: u32 = order.parse().unwrap();
        let got = match axis {
            None => x.moment(order).into_dyn(),
            Some(k) => x.moment_axis(Axis(k), order),
        };
        checks.push((format!("moment({order})"), e, got));
    }
    for (name, e, got) in checks {
        let got = got.compute().unwrap();
        let shape = got.shape().to_vec();
        let what = format!("{name} of {what}");
        assert_close(&got, &array(&shape, f64s(e)), 1e-9, 1e-9, &what);
    }
}

#[test]
fn ptp_moments_skew_and_kurtosis_match_scipy() {
    for case in fixture("floats") {
        let shape = shape_of(&case);
        for (x, what) in inputs(&case, array(&shape, f64s(&case["data"]))) {
            check_summary(&x, None, &case["summary"], &what);
            for (k, axis) in case["axes"].as_array().unwrap().iter().enumerate() {
                check_summary(&x, Some(k), &axis["summary"], &format!("{what}, axis {k}"));
            }
        }
    }
    let empty = ChunkedArray::<f64, _>::zeros((0, 3), 2).unwrap();
    assert!(matches!(
        empty.ptp().compute(),
        Err(Error::EmptyReduction { .. })
    ));
    assert!(empty.skew().compute().unwrap().into_scalar().is_nan());
    let per_column = empty.moment_axis(Axis(0), 2).compute().unwrap();
    assert!(per_column.shape() == [3] && per_column.iter().all(|v| v.is_nan()));
}

#[test]
fn average_matches_numpy() {
    for case in fixture("average") {
        let shape = shape_of(&case);
        let a = array(&shape, f64s(&case["data"]));
        let w = array(&shape, f64s(&case["weights"]));
        for chunks in chunkings(&shape) {
            let what = format!("average of shape {shape:?} in chunks {chunks:?}");
            let x = ChunkedArray::from_array(a.clone(), &chunks).unwrap();
            let weights = ChunkedArray::from_array(w.clone(), 2).unwrap();
            let got = x.average(&weights).unwrap().compute().unwrap().into_dyn();
            let expected = array(&[], f64s(&case["whole"]));
            assert_close(&got, &expected, 1e-12, 1e-12, &what);
            for (k, axis) in case["axes"].as_array().unwrap().iter().enumerate() {
                let w1 = ndarray::Array1::from(f64s(&axis["weights"]));
                let weights = ChunkedArray::from_array(w1, 3).unwrap();
                let got = x
                    .average_axis(Axis(k), &weights)
                    .unwrap()
                    .compute()
                    .unwrap();
                let expected = array(got.shape(), f64s(&axis["out"]));
                assert_close(&got, &expected, 1e-12, 1e-12, &format!("{what}, axis {k}"));
            }
        }
    }
    let x = ChunkedArray::<f64, _>::ones((2, 3), 1).unwrap();
    let wrong = ChunkedArray::<f64, _>::ones((3, 2), 1).unwrap();
    let err = x.average(&wrong).unwrap_err();
    assert_names_argument(&err, "weights");
    let short = ChunkedArray::<f64, _>::ones(2, 1).unwrap();
    let err = x.average_axis(Axis(1), &short).unwrap_err();
    assert_names_argument(&err, "weights");
    assert!(x.average_axis(Axis(2), &short).is_err());
    let zero = ChunkedArray::<f64, _>::zeros((2, 3), 1).unwrap();
    let err = x.average(&zero).unwrap().compute().unwrap_err();
    assert!(err.to_string().contains("`weights`"), "{err}");
}

#[test]
fn cov_and_corrcoef_match_numpy() {
    for case in fixture("cov") {
        let shape = shape_of(&case);
        let a = array(&shape, f64s(&case["data"]))
            .into_dimensionality::<ndarray::Ix2>()
            .unwrap();
        for chunks in chunkings(&shape) {
            let what = format!("shape {shape:?} in chunks {chunks:?}");
            let x = ChunkedArray::from_array(a.clone(), &chunks).unwrap();
            let n = shape[0];
            // numpy squeezes one variable's 1 x 1 matrix to a scalar.
            let cov = x.cov().compute().unwrap().into_dyn();
            let expected = array(&[n, n], f64s(&case["cov"]));
            assert_close(&cov, &expected, 1e-12, 1e-12, &format!("cov of {what}"));
            let r = x.corrcoef().compute().unwrap().into_dyn();
            let expected = array(&[n, n], f64s(&case["corrcoef"]));
            assert_close(&r, &expected, 1e-12, 1e-12, &format!("corrcoef of {what}"));
        }
    }
}

#[test]
fn unique_counts_match_numpy() {
    for case in fixture("unique") {
        let shape = shape_of(&case);
        for (x, what) in inputs(&case, array(&shape, f64s(&case["data"]))) {
            let (values, counts) = x.unique_counts().compute().unwrap();
            let expected = ndarray::Array1::from(f64s(&case["values"]));
            assert_same(&values, &expected, &format!("unique values of {what}"));
            let expected = ndarray::Array1::from(
                i64s(&case["counts"])
                    .iter()
                    .map(|&c| c as u64)
                    .collect::<Vec<_>>(),
            );
            assert_same(&counts, &expected, &format!("unique counts of {what}"));
            assert_same(&x.unique().compute().unwrap(), &values, &what);
        }
    }
    let empty = ChunkedArray::<i32, _>::zeros((0, 4), 2).unwrap();
    let (values, counts) = empty.unique_counts().compute().unwrap();
    assert!(values.is_empty() && counts.is_empty());
}

#[test]
fn static_dimensions_give_the_dynamic_results() {
    // The fixture tests run as IxDyn; the typed signatures (D::Smaller for
    // the median, D for percentiles and sorts) agree with them.
    let a = common::floats(&[3, 4, 2, 5], 7);
    let dynamic = ChunkedArray::from_array(a.clone(), (2, 3, 1, 2)).unwrap();
    let fixed =
        ChunkedArray::from_array(common::typed::<f64, ndarray::Ix4>(a), (2, 3, 1, 2)).unwrap();
    for k in 0..4 {
        let median = fixed.median_axis(Axis(k)).compute().unwrap();
        let expected = dynamic.median_axis(Axis(k)).compute().unwrap();
        assert_same(&median.into_dyn(), &expected, &format!("median_axis({k})"));
        let p = fixed.percentile_axis(Axis(k), &[10.0, 90.0]).unwrap();
        let expected = dynamic.percentile_axis(Axis(k), &[10.0, 90.0]).unwrap();
        let what = format!("percentile_axis({k})");
        assert_same(
            &p.compute().unwrap().into_dyn(),
            &expected.compute().unwrap(),
            &what,
        );
        let top = fixed
            .topk(-2, Axis(k))
            .unwrap()
            .compute()
            .unwrap()
            .into_dyn();
        let expected = dynamic.sort_axis(Axis(k)).compute().unwrap();
        let expected = expected
            .slice_axis(Axis(k), ndarray::Slice::from(..2))
            .to_owned();
        assert_same(&top, &expected, &format!("topk(-2, {k})"));
    }
    let skew = fixed.skew_axis(Axis(3)).compute().unwrap().into_dyn();
    assert_same(
        &skew,
        &dynamic.skew_axis(Axis(3)).compute().unwrap(),
        "skew_axis(3)",
    );
}
