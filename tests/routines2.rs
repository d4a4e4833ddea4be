//! Differential tests of the second batch of numpy routines (`pad`,
//! `rot90`, `tile`, `repeat`, `coarsen`, `broadcast_arrays`, `atleast_*d`,
//! the stacks and `block`, `diag`, `diagonal`, `trace`, `meshgrid`,
//! `indices`, `gradient`, `sliding_window_view`) against numpy's answers in
//! `fixtures/routines2.json` (made by `fixtures/make_routines2.py`, so no
//! Python is needed here).
//!
//! Every input is cut several ways (blocks of 1, 2 and 3, irregular blocks,
//! one block), over shapes of 0 to 4 axes with empty and length-1 axes.
//! Integer results are compared exactly; float results with `approx`
//! (relative 1e-12: `coarsen`'s means and sums may add in another order
//! than numpy's). Then laziness (a slice of the result computes only what
//! it reads) and the errors, which must name the argument.

#[macro_use]
mod common;

use approx::relative_eq;
use common::{assert_same, json_usizes as usizes};
use ndarray::{s, Array, ArrayD, ArrayView, Axis, Ix1, Ix2, IxDyn};
use ndchunk::{ChunkSpec, ChunkedArray, Chunks, Error, Indexing, PadMode};
use serde_json::Value;

/// numpy's answers for the routine `name`.
fn fixture(name: &str) -> Vec<Value> {
    common::fixture_cases(include_str!("fixtures/routines2.json"), name)
}

fn ints(shape: &Value, values: &Value) -> ArrayD<i64> {
    let values = values.as_array().expect("a list");
    let values = values.iter().map(|x| x.as_i64().expect("an integer"));
    ArrayD::from_shape_vec(IxDyn(&usizes(shape)), values.collect()).expect("values fit the shape")
}

fn float(v: &Value) -> f64 {
    v.as_str()
        .expect("a float as a string")
        .parse()
        .expect("a float")
}

fn floats(shape: &Value, values: &Value) -> ArrayD<f64> {
    let values = values.as_array().expect("a list").iter().map(float);
    ArrayD::from_shape_vec(IxDyn(&usizes(shape)), values.collect()).expect("values fit the shape")
}

/// The chunkings every input is tried with: blocks of 1, 2 and 3, one
/// block, and irregular blocks (a short block between longer ones).
fn chunkings(shape: &[usize]) -> Vec<Chunks> {
    let uniform = |n: usize| ChunkSpec::from(n).resolve(shape, 8).expect("valid chunks");
    let irregular = shape
        .iter()
        .map(|&n| match n {
            0 | 1 => vec![n],
            2 | 3 => vec![1, n - 1],
            _ => vec![2, 1, n - 3],
        })
        .collect();
    vec![
        uniform(1),
        uniform(2),
        uniform(3),
        Chunks::from_sizes(shape.iter().map(|&n| vec![n]).collect()),
        Chunks::from_sizes(irregular),
    ]
}

/// `a` chunked each way.
fn chunked<T: Copy + Send + Sync + 'static>(a: &ArrayD<T>) -> Vec<ChunkedArray<T, IxDyn>> {
    chunkings(a.shape())
        .iter()
        .map(|c| ChunkedArray::from_array(a.clone(), c).expect("valid chunks"))
        .collect()
}

/// A case's arguments, for messages: everything but its values.
fn describe(case: &Value) -> String {
    let mut args = case.clone();
    if let Some(map) = args.as_object_mut() {
        map.retain(|key, _| !matches!(key.as_str(), "input" | "out"));
    }
    args.to_string()
}

/// Every case of `name`, its values read by `read`, on every chunking of
/// its input: `run(case, x)` must give numpy's output as `compare` judges.
fn check<T: Copy + Send + Sync + 'static>(
    name: &str,
    read: fn(&Value, &Value) -> ArrayD<T>,
    compare: fn(&ArrayD<T>, &ArrayD<T>, &str),
    run: impl Fn(&Value, ChunkedArray<T, IxDyn>) -> ArrayD<T>,
) {
    for case in fixture(name) {
        let a = read(&case["shape"], &case["input"]);
        let expected = read(&case["out_shape"], &case["out"]);
        for x in chunked(&a) {
            let what = format!("{name} {} on chunks {:?}", describe(&case), x.chunks());
            compare(&run(&case, x), &expected, &what);
        }
    }
}

/// [`check`] of integer values, compared exactly.
fn check_ints(name: &str, run: impl Fn(&Value, ChunkedArray<i64, IxDyn>) -> ArrayD<i64>) {
    check(
        name,
        ints,
        |got, expected, what| assert_same(got, expected, what),
        run,
    );
}

/// [`check`] of float values, compared to 1e-12.
fn check_floats(name: &str, run: impl Fn(&Value, ChunkedArray<f64, IxDyn>) -> ArrayD<f64>) {
    check(name, floats, assert_floats, run);
}

fn int(v: &Value) -> i64 {
    v.as_i64().expect("an integer")
}

#[track_caller]
fn assert_floats(got: &ArrayD<f64>, expected: &ArrayD<f64>, what: &str) {
    assert_eq!(got.shape(), expected.shape(), "shape of {what}");
    let close = |(g, e): (&f64, &f64)| relative_eq!(*g, *e, max_relative = 1e-12, epsilon = 1e-12);
    if let Some(i) = got.iter().zip(expected).position(|pair| !close(pair)) {
        panic!("{what}: element {i} (C order) differs\ngot:      {got:?}\nexpected: {expected:?}");
    }
}

/// Whether `result` is an error about `argument` (an invalid argument or
/// an axis out of bounds).
#[track_caller]
fn assert_names<T: std::fmt::Debug>(result: ndchunk::Result<T>, argument: &str) {
    match result {
        Err(Error::InvalidArgument { argument: a, .. }) => assert_eq!(a, argument),
        Err(Error::RankMismatch { argument: a, .. }) => assert_eq!(a, argument),
        Err(Error::AxisOutOfBounds { .. }) => assert_eq!("axis", argument),
        other => panic!("expected an error naming `{argument}`, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------
// pad
// ---------------------------------------------------------------------------

fn pad_mode<T: Copy>(name: &str, value: T) -> PadMode<T> {
    match name {
        "constant" => PadMode::Constant(value),
        "edge" => PadMode::Edge,
        "reflect" => PadMode::Reflect,
        "symmetric" => PadMode::Symmetric,
        "wrap" => PadMode::Wrap,
        "linear_ramp" => PadMode::LinearRamp(value),
        other => panic!("unknown mode {other}"),
    }
}

/// A pad case's widths.
fn widths(case: &Value) -> Vec<(usize, usize)> {
    let pairs = case["widths"].as_array().expect("a list of pairs");
    pairs
        .iter()
        .map(|w| (int(&w[0]) as usize, int(&w[1]) as usize))
        .collect()
}

#[test]
fn pad_matches_numpy() {
    check_ints("pad", |case, x| {
        let mode = pad_mode(case["mode"].as_str().unwrap(), float(&case["value"]) as i64);
        x.pad(&widths(case), mode).unwrap().compute().unwrap()
    });
    check_floats("pad_float", |case, x| {
        let mode = pad_mode(case["mode"].as_str().unwrap(), float(&case["value"]));
        x.pad(&widths(case), mode).unwrap().compute().unwrap()
    });
}

#[test]
fn pad_keeps_blocks_and_culls() {
    let rng = ndchunk::random::Rng::seed(3);
    let x = rng.standard_normal((10_000, 10_000), (1000, 1000)).unwrap();
    let padded = x.pad(&[(2, 2)], PadMode::Reflect).unwrap();
    assert_eq!(padded.shape(), &[10_004, 10_004]);
    // The array's own blocks are kept between the pads.
    assert_eq!(padded.chunks().sizes()[0][1..11], [1000; 10]);
    // A corner draws one input block, not 100: 14 tasks in all (the
    // block, the slices and joins of the padding, the corner).
    let corner = padded.slice(s![..3, ..3]);
    assert!(corner.num_tasks().unwrap() <= 14, "{}", corner.explain());
    let top = x.slice(s![..3, ..3]).compute().unwrap();
    let got = corner.compute().unwrap();
    assert_eq!(got[[0, 0]], top[[2, 2]]);
    assert_eq!(got[[2, 2]], top[[0, 0]]);
}

#[test]
fn pad_rejects_bad_arguments() {
    let x = ChunkedArray::from_array(ndarray::array![[1, 2], [3, 4]], 1).unwrap();
    assert_names(x.pad(&[(1, 1); 3], PadMode::Edge), "widths");
    assert_names(x.pad(&[], PadMode::Edge), "widths");
    let empty = ChunkedArray::<i32, _>::zeros((0, 2), 1).unwrap();
    for mode in [
        PadMode::Edge,
        PadMode::Reflect,
        PadMode::Symmetric,
        PadMode::Wrap,
        PadMode::LinearRamp(1),
    ] {
        assert_names(empty.pad(&[(1, 0), (0, 0)], mode), "mode");
    }
    // Constant may pad an empty axis.
    let ok = empty.pad(&[(1, 0), (0, 0)], PadMode::Constant(5)).unwrap();
    assert_eq!(ok.compute().unwrap(), ndarray::array![[5, 5]]);
}

// ---------------------------------------------------------------------------
// rot90, tile, repeat, ravel
// ---------------------------------------------------------------------------

#[test]
fn rot90_matches_numpy() {
    check_ints("rot90", |case, x| {
        let axes = usizes(&case["axes"]);
        let k = int(&case["k"]) as i32;
        x.rot90(k, (axes[0], axes[1])).unwrap().compute().unwrap()
    });
}

#[test]
fn tile_matches_numpy() {
    check_ints("tile", |case, x| {
        x.tile(&usizes(&case["reps"])).unwrap().compute().unwrap()
    });
}

#[test]
fn repeat_matches_numpy() {
    check_ints("repeat", |case, x| {
        let axis = Axis(int(&case["axis"]) as usize);
        let ravelled = Array::from_iter(x.compute().unwrap().iter().copied());
        assert_eq!(x.ravel().compute().unwrap(), ravelled, "ravel");
        x.repeat(int(&case["repeats"]) as usize, axis)
            .unwrap()
            .compute()
            .unwrap()
    });
}

#[test]
fn rearranging_rejects_bad_arguments() {
    let x = ChunkedArray::<f64, _>::zeros((3, 4), 2).unwrap();
    assert_names(x.rot90(1, (0, 0)), "axes");
    assert_names(x.rot90(1, (0, 2)), "axes");
    assert_names(x.repeat(2, Axis(2)), "axis");
    let v = ChunkedArray::<f64, _>::zeros(3, 2).unwrap();
    assert_names(v.rot90(1, (0, 1)), "axes"); // one axis: no plane
}

// ---------------------------------------------------------------------------
// coarsen, sliding_window_view
// ---------------------------------------------------------------------------

fn reduction(name: &str) -> fn(ArrayView<'_, f64, IxDyn>) -> f64 {
    match name {
        "sum" => |w| w.sum(),
        "mean" => |w| w.mean().unwrap(),
        "max" => |w| w.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        other => panic!("unknown reduction {other}"),
    }
}

#[test]
fn coarsen_matches_numpy() {
    check_floats("coarsen", |case, x| {
        let f = reduction(case["reduction"].as_str().unwrap());
        x.coarsen(f, &usizes(&case["factors"]))
            .unwrap()
            .compute()
            .unwrap()
    });
}

#[test]
fn coarsen_keeps_blocks_that_fit_and_moves_those_that_do_not() {
    let x = ChunkedArray::from_fn((8, 12), (4, 6), |(i, j)| (i * 12 + j) as f64).unwrap();
    let c = x.coarsen(|w| w.sum(), &[2, 3]).unwrap();
    assert_eq!(c.chunks().sizes(), &[vec![2, 2], vec![2, 2]]);
    // Blocks of 3 rows, coarsened by 2: boundaries move down to 2, 6.
    let y = ChunkedArray::from_fn(9 * 2, 3, |i| i as f64).unwrap();
    let d = y.coarsen(|w| w.sum(), &[2]).unwrap();
    assert_eq!(d.chunks().sizes(), &[vec![1, 2, 1, 2, 1, 2]]);
    let expected: Vec<f64> = (0..9).map(|i| (4 * i + 1) as f64).collect();
    assert_eq!(d.compute().unwrap().to_vec(), expected);
}

#[test]
fn coarsen_rejects_bad_factors() {
    let x = ChunkedArray::<f64, _>::zeros((4, 6), 2).unwrap();
    assert_names(x.coarsen(|w| w.sum(), &[2]), "factors");
    assert_names(x.coarsen(|w| w.sum(), &[0, 2]), "factors");
    assert_names(x.coarsen(|w| w.sum(), &[3, 2]), "factors");
}

#[test]
fn sliding_window_view_matches_numpy() {
    check_ints("sliding_window_view", |case, x| {
        let axes = (!case["axes"].is_null()).then(|| usizes(&case["axes"]));
        let windows = x.sliding_window_view(&usizes(&case["window"]), axes.as_deref());
        windows.unwrap().compute().unwrap()
    });
}

#[test]
fn sliding_window_view_rejects_bad_arguments() {
    let x = ChunkedArray::<f64, _>::zeros((4, 5), 2).unwrap();
    assert_names(x.sliding_window_view(&[2], None), "window_shape");
    assert_names(x.sliding_window_view(&[2, 2], Some(&[1])), "window_shape");
    assert_names(x.sliding_window_view(&[2], Some(&[2])), "axes");
    assert_names(x.sliding_window_view(&[5, 1], None), "window_shape");
}

// ---------------------------------------------------------------------------
// broadcast_arrays, atleast_*d, stacks, block
// ---------------------------------------------------------------------------

/// Input `i` of a case with several inputs, chunked by the `i`-th chunking
/// (turning), so inputs differ in their chunks.
fn inputs(case: &Value, shapes: &[Value], turn: usize) -> Vec<ChunkedArray<i64, IxDyn>> {
    shapes
        .iter()
        .zip(case["inputs"].as_array().unwrap())
        .enumerate()
        .map(|(i, (shape, values))| {
            let a = ints(shape, values);
            let all = chunkings(a.shape());
            ChunkedArray::from_array(a, &all[(i + turn) % all.len()]).unwrap()
        })
        .collect()
}

#[test]
fn broadcast_arrays_matches_numpy() {
    for case in fixture("broadcast_arrays") {
        let shapes = case["shapes"].as_array().unwrap();
        for turn in 0..5 {
            let xs = inputs(&case, shapes, turn);
            let refs: Vec<_> = xs.iter().collect();
            let got = ndchunk::broadcast_arrays(&refs).unwrap();
            for (g, out) in got.iter().zip(case["outs"].as_array().unwrap()) {
                let expected = ints(&case["out_shape"], out);
                assert_same(&g.compute().unwrap(), &expected, "broadcast_arrays");
                assert_eq!(g.chunks(), got[0].chunks(), "aligned blocks");
            }
        }
    }
    let a = ChunkedArray::<f64, _>::zeros((2, 3), 1).unwrap();
    let b = ChunkedArray::<f64, _>::zeros((3, 2), 1).unwrap();
    assert!(matches!(
        ndchunk::broadcast_arrays(&[&a, &b]),
        Err(Error::ShapeMismatch {
            op: "broadcast_arrays",
            ..
        })
    ));
}

#[test]
fn atleast_matches_numpy() {
    for case in fixture("atleast") {
        let shape = usizes(&case["shape"]);
        let x = ChunkedArray::<f64, IxDyn>::zeros(shape.clone(), 2).unwrap();
        for (name, got) in [
            ("1d", x.atleast_1d()),
            ("2d", x.atleast_2d()),
            ("3d", x.atleast_3d()),
        ] {
            assert_eq!(
                got.shape(),
                usizes(&case[name]),
                "atleast_{name} of {shape:?}"
            );
            assert_eq!(got.compute().unwrap().shape(), usizes(&case[name]));
        }
    }
}

#[test]
fn stacks_match_numpy() {
    for case in fixture("stacks") {
        let shapes = case["shapes"].as_array().unwrap();
        let expected = ints(&case["out_shape"], &case["out"]);
        let op = case["op"].as_str().unwrap();
        for turn in 0..5 {
            let xs = inputs(&case, shapes, turn);
            let refs: Vec<_> = xs.iter().collect();
            let got = match op {
                "vstack" => ndchunk::vstack(&refs),
                "hstack" => ndchunk::hstack(&refs),
                "dstack" => ndchunk::dstack(&refs),
                other => panic!("unknown stack {other}"),
            };
            let what = format!("{op} of {shapes:?}");
            assert_same(&got.unwrap().compute().unwrap(), &expected, &what);
        }
    }
    let none: [&ChunkedArray<f64, Ix1>; 0] = [];
    assert_names(ndchunk::vstack(&none), "arrays");
    let a = ChunkedArray::<f64, _>::zeros(3, 2).unwrap();
    let b = ChunkedArray::<f64, _>::zeros(4, 2).unwrap();
    assert_names(ndchunk::vstack(&[&a, &b]), "arrays");
}

#[test]
fn block_matches_numpy() {
    for case in fixture("block") {
        let expected = ints(&case["out_shape"], &case["out"]);
        let grid = case["grid"].as_array().unwrap();
        for turn in 0..5 {
            let rows: Vec<Vec<ChunkedArray<i64, IxDyn>>> = grid
                .iter()
                .zip(case["inputs"].as_array().unwrap())
                .map(|(shapes, values)| {
                    let row = serde_json::json!({ "inputs": values });
                    inputs(&row, shapes.as_array().unwrap(), turn)
                })
                .collect();
            let refs: Vec<Vec<&ChunkedArray<i64, IxDyn>>> =
                rows.iter().map(|r| r.iter().collect()).collect();
            let slices: Vec<&[&ChunkedArray<i64, IxDyn>]> =
                refs.iter().map(Vec::as_slice).collect();
            let got = ndchunk::block(&slices).unwrap().compute().unwrap();
            assert_same(&got, &expected, &format!("block of {grid:?}"));
        }
    }
    let a = ChunkedArray::<f64, _>::zeros((2, 2), 1).unwrap();
    assert_names(ndchunk::block::<f64, Ix2>(&[]), "rows");
    let empty: &[&ChunkedArray<f64, Ix2>] = &[];
    assert_names(ndchunk::block(&[&[&a], empty]), "rows");
}

// ---------------------------------------------------------------------------
// diag, diagonal, trace
// ---------------------------------------------------------------------------

#[test]
fn diag_matches_numpy() {
    check_ints("diag", |case, x| {
        let k = int(&case["k"]) as isize;
        match x.ndim() {
            1 => {
                let v = x.into_dimensionality::<Ix1>().unwrap();
                v.diag(k).unwrap().compute().unwrap().into_dyn()
            }
            _ => {
                let m = x.into_dimensionality::<Ix2>().unwrap();
                m.diag(k).unwrap().compute().unwrap().into_dyn()
            }
        }
    });
}

#[test]
fn diagonal_matches_numpy() {
    check_ints("diagonal", |case, x| {
        let offset = int(&case["offset"]) as isize;
        let (a1, a2) = (int(&case["axis1"]) as usize, int(&case["axis2"]) as usize);
        x.diagonal(offset, a1, a2).unwrap().compute().unwrap()
    });
}

#[test]
fn trace_matches_numpy() {
    check_floats("trace", |case, x| {
        let m = x.into_dimensionality::<Ix2>().unwrap();
        let t = m.trace(int(&case["offset"]) as isize).unwrap();
        t.compute().unwrap().into_dyn()
    });
}

#[test]
fn diagonals_compute_only_the_blocks_they_cross() {
    let rng = ndchunk::random::Rng::seed(9);
    let x = rng.standard_normal((10_000, 10_000), (1000, 1000)).unwrap();
    let d = x.diag(0).unwrap();
    assert_eq!(d.chunks().sizes(), &[vec![1000; 10]]);
    assert_eq!(d.num_tasks().unwrap(), 20); // 10 blocks drawn, 10 diagonals
                                            // A corner of a huge diag computes one block of it (of 10^4 blocks).
    let v = ChunkedArray::<f64, _>::ones(100_000, 1000).unwrap();
    let corner = v.diag(0).unwrap().slice(s![..3, ..3]);
    assert!(corner.num_tasks().unwrap() <= 4, "{}", corner.explain());
    assert_eq!(corner.compute().unwrap(), Array::<f64, _>::eye(3));
}

#[test]
fn diagonals_reject_bad_axes() {
    let x = ChunkedArray::<f64, _>::zeros((3, 4, 5), 2).unwrap();
    assert_names(x.diagonal(0, 3, 1), "axis1");
    assert_names(x.diagonal(0, 1, 3), "axis2");
    assert_names(x.diagonal(0, 2, 2), "axis2");
}

// ---------------------------------------------------------------------------
// meshgrid, indices, gradient
// ---------------------------------------------------------------------------

#[test]
fn meshgrid_matches_numpy() {
    for case in fixture("meshgrid") {
        let indexing = match case["indexing"].as_str().unwrap() {
            "xy" => Indexing::Xy,
            _ => Indexing::Ij,
        };
        for turn in 0..5 {
            let xs: Vec<ChunkedArray<i64, Ix1>> = case["inputs"]
                .as_array()
                .unwrap()
                .iter()
                .enumerate()
                .map(|(i, values)| {
                    let a = ints(
                        &serde_json::json!([values.as_array().unwrap().len()]),
                        values,
                    );
                    let all = chunkings(a.shape());
                    let a = a.into_dimensionality::<Ix1>().unwrap();
                    ChunkedArray::from_array(a, &all[(i + turn) % all.len()]).unwrap()
                })
                .collect();
            let refs: Vec<_> = xs.iter().collect();
            let grids = ndchunk::meshgrid(&refs, indexing);
            for (g, out) in grids.iter().zip(case["outs"].as_array().unwrap()) {
                let expected = ints(&case["out_shape"], out);
                let what = format!("meshgrid {indexing:?} of {}", case["lengths"]);
                assert_same(&g.compute().unwrap(), &expected, &what);
                assert_eq!(g.chunks(), grids[0].chunks(), "aligned blocks");
            }
        }
    }
}

#[test]
fn indices_matches_numpy() {
    for case in fixture("indices") {
        let dims = usizes(&case["dims"]);
        let expected = ints(&case["out_shape"], &case["out"]);
        for chunks in [1, 2, 3] {
            let got = ndchunk::indices(&dims, chunks).unwrap().compute().unwrap();
            assert_same(
                &got.mapv(|v| v as i64),
                &expected,
                &format!("indices({dims:?})"),
            );
        }
    }
    assert!(ndchunk::indices(&[3, 4], (2, 0)).is_err());
}

#[test]
fn gradient_matches_numpy() {
    check_floats("gradient", |case, x| {
        let axis = Axis(int(&case["axis"]) as usize);
        let got = x.gradient(float(&case["spacing"]), axis).unwrap();
        assert_eq!(got.chunks(), x.chunks(), "gradient keeps the chunks");
        got.compute().unwrap()
    });
    let x = ChunkedArray::<f64, _>::zeros((1, 4), 1).unwrap();
    assert_names(x.gradient(1.0, Axis(0)), "axis");
    assert_names(x.gradient(1.0, Axis(2)), "axis");
}

// ---------------------------------------------------------------------------
// static dimension types
// ---------------------------------------------------------------------------

#[test]
fn static_ranks_give_what_dynamic_ranks_give() {
    let a = Array::from_shape_fn((3, 4, 2), |(i, j, k)| (i * 8 + j * 2 + k) as f64);
    let x = ChunkedArray::from_array(a.clone(), (2, 3, 1)).unwrap();
    let d = x.clone().into_dyn();
    let same = |s: ndarray::Array3<f64>, d: ArrayD<f64>, what: &str| {
        assert_same(&s.into_dyn(), &d, what);
    };
    same(
        x.pad(&[(1, 2)], PadMode::Wrap).unwrap().compute().unwrap(),
        d.pad(&[(1, 2)], PadMode::Wrap).unwrap().compute().unwrap(),
        "pad",
    );
    same(
        x.rot90(1, (2, 0)).unwrap().compute().unwrap(),
        d.rot90(1, (2, 0)).unwrap().compute().unwrap(),
        "rot90",
    );
    same(
        x.repeat(2, Axis(1)).unwrap().compute().unwrap(),
        d.repeat(2, Axis(1)).unwrap().compute().unwrap(),
        "repeat",
    );
    same(
        x.gradient(0.5, Axis(1)).unwrap().compute().unwrap(),
        d.gradient(0.5, Axis(1)).unwrap().compute().unwrap(),
        "gradient",
    );
    same(
        x.coarsen(|w| w.sum(), &[3, 2, 1])
            .unwrap()
            .compute()
            .unwrap(),
        d.coarsen(|w| w.sum(), &[3, 2, 1])
            .unwrap()
            .compute()
            .unwrap(),
        "coarsen",
    );
    let diagonal: ndarray::Array2<f64> = x.diagonal(1, 0, 1).unwrap().compute().unwrap();
    assert_same(
        &diagonal.into_dyn(),
        &d.diagonal(1, 0, 1).unwrap().compute().unwrap(),
        "diagonal",
    );
}

#[test]
fn a_corner_of_a_routine_computes_a_corner_of_its_input() {
    // A corner of each routine's result must cost a few of the tasks of
    // the whole (which draws all 100 blocks of the input).
    let rng = ndchunk::random::Rng::seed(11);
    let x = rng.standard_normal((10_000, 10_000), (1000, 1000)).unwrap();
    let d = x.clone().into_dyn();
    let corner = |y: ChunkedArray<f64, IxDyn>, what: &str| {
        let top = y.slice_axis(Axis(0), (..3).into());
        let tasks = top.slice_axis(Axis(1), (..3).into()).num_tasks().unwrap();
        let all = y.num_tasks().unwrap();
        assert!(
            tasks <= 30 && 10 * tasks < all,
            "{what}: {tasks} of {all} tasks"
        );
    };
    corner(d.tile(&[2, 2]).unwrap(), "tile");
    corner(d.repeat(3, Axis(1)).unwrap(), "repeat");
    corner(d.gradient(1.0, Axis(0)).unwrap(), "gradient");
    corner(d.coarsen(|w| w.sum(), &[2, 5]).unwrap(), "coarsen");
    corner(d.rot90(1, (0, 1)).unwrap(), "rot90");
    corner(
        d.sliding_window_view(&[2, 2], None).unwrap(),
        "sliding_window_view",
    );
    corner(d.pad(&[(1, 1)], PadMode::Symmetric).unwrap(), "pad");
}
