//! Differential tests of the numpy routines (`flip`, `roll`, `moveaxis`,
//! `expand_dims`, ...) against eager ndarray over the shared cases, and
//! numpy's own answers for the numpy-specific semantics, read from
//! `fixtures/routines.json` (made by `fixtures/make_routines.py`, so no
//! Python is needed here).
//!
//! Rearranging routines move values without arithmetic: compared exactly.

#[macro_use]
mod common;

use common::{assert_same, chunked, ctx, floats, typed, Case};
use ndarray::{Array, ArrayD, Axis, Dimension, IxDyn, Slice};
use ndchunk::{ChunkedArray, Error};
use serde_json::Value;

/// numpy's answers, parsed once per test.
fn fixture(name: &str) -> Vec<Value> {
    let all: Value = serde_json::from_str(include_str!("fixtures/routines.json"))
        .expect("routines.json is JSON");
    all[name].as_array().expect("a list of cases").clone()
}

fn usizes(v: &Value) -> Vec<usize> {
    v.as_array()
        .expect("a list")
        .iter()
        .map(|x| x.as_u64().expect("an unsigned integer") as usize)
        .collect()
}

fn i64s(v: &Value) -> Vec<i64> {
    v.as_array()
        .expect("a list")
        .iter()
        .map(|x| x.as_i64().expect("an integer"))
        .collect()
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
