//! Sizes at the edges (issue 9): shapes, chunkings, counts and indices beyond
//! what fits are errors naming the argument, never a wrapped product, an
//! aborted allocation, a hang or a wrong element; and huge uniform grids are
//! described, sliced, joined, rechunked and lowered without memory per block,
//! with values checked against the index functions that made them.

mod common;

use common::{assert_same, floats};
use ndarray::{s, Array, Array1, ArrayD, Axis, Ix1, Ix2, IxDyn};
use ndchunk::delayed::delayed;
use ndchunk::random::Rng;
use ndchunk::{concatenate, stack, Boundary, ChunkedArray, Chunks, Error};
use std::fmt::Debug;
use std::time::{Duration, Instant};

/// `result` is [`Error::TooLarge`] naming `argument`.
#[track_caller]
fn too_large<T: Debug>(result: Result<T, Error>, argument: &str, what: &str) {
    match result {
        Err(Error::TooLarge { argument: a, .. }) if a == argument => {}
        other => panic!("{what}: expected TooLarge naming `{argument}`, got {other:?}"),
    }
}

/// `result` is [`Error::InvalidChunks`] on `axis`, its message containing `text`.
#[track_caller]
fn invalid_chunks<T: Debug>(result: Result<T, Error>, axis: usize, text: &str, what: &str) {
    match result {
        Err(e @ Error::InvalidChunks { axis: a, .. }) if a == axis => {
            assert!(e.to_string().contains(text), "{what}: {e}");
        }
        other => panic!("{what}: expected InvalidChunks on axis {axis}, got {other:?}"),
    }
}

/// Shapes no array can have: more elements than ndarray indexes (also when a
/// zero length hides the product, as ndarray rules), or more bytes than
/// `isize::MAX` for 8-byte elements.
fn overflowing_shapes() -> Vec<Vec<usize>> {
    vec![
        vec![1 << 32, 1 << 32],
        vec![usize::MAX, 2],
        vec![1 << 61],
        vec![0, usize::MAX, 2],
        vec![3, 1 << 40, 1 << 40, 0],
    ]
}

#[test]
fn every_constructor_refuses_an_overflowing_shape_naming_it() {
    let rng = Rng::seed(3);
    for shape in overflowing_shapes() {
        let sh = || IxDyn(&shape);
        let what = |op: &str| format!("{op} of shape {shape:?}");
        too_large(
            ChunkedArray::<f64, _>::zeros(sh(), 1000),
            "shape",
            &what("zeros"),
        );
        too_large(
            ChunkedArray::<f64, _>::ones(sh(), 7),
            "shape",
            &what("ones"),
        );
        too_large(ChunkedArray::full(sh(), 2.5, -1), "shape", &what("full"));
        too_large(
            ChunkedArray::<f64, _>::zeros(sh(), Chunks::auto()),
            "shape",
            &what("auto"),
        );
        too_large(
            ChunkedArray::from_fn(sh(), 1000, |i| i[0] as f64),
            "shape",
            &what("from_fn"),
        );
        too_large(
            rng.standard_normal(sh(), 1000),
            "shape",
            &what("standard_normal"),
        );
        too_large(rng.normal(0.0, 1.0, sh(), 1000), "shape", &what("normal"));
        too_large(rng.uniform(0.0, 1.0, sh(), 1000), "shape", &what("uniform"));
        too_large(
            rng.integers(0_i64, 9, sh(), 1000),
            "shape",
            &what("integers"),
        );
    }
    // The case: an Ok array with len() == 0.
    let e = ChunkedArray::<f64, Ix2>::zeros((1 << 32, 1 << 32), (1000, 1000)).unwrap_err();
    assert!(
        e.to_string().contains("18446744073709551616 elements"),
        "{e}"
    );
}

#[test]
fn computed_lengths_that_overflow_name_their_argument() {
    too_large(
        ChunkedArray::arange(0.0, 1e300, 1e-300, 1000),
        "step",
        "arange of 1e600 values",
    );
    too_large(
        ChunkedArray::arange(i64::MIN, i64::MAX, 1, 1000),
        "step",
        "arange of 2^64 - 1 values",
    );
    too_large(
        ChunkedArray::arange(0.0, 1e18, 0.25, 1 << 20),
        "step",
        "arange of 4e18 doubles",
    );
    too_large(
        ChunkedArray::<f64, _>::linspace(0.0, 1.0, usize::MAX, 1000),
        "n",
        "linspace",
    );
    too_large(
        ChunkedArray::<f64, _>::linspace(0.0, 1.0, 1 << 61, 1000),
        "n",
        "linspace bytes",
    );
    // The same arguments near the limit are fine and exact.
    let x = ChunkedArray::arange(u8::MIN, u8::MAX, 1, 100).unwrap();
    assert_eq!(x.compute().unwrap(), Array1::from_iter(0..255u8));
    let big = ChunkedArray::arange(0.0, 1e15, 0.5, 1 << 20).unwrap();
    assert_eq!(big.len(), 2_000_000_000_000_000);
    assert_eq!(
        big.slice(s![-2..]).compute().unwrap(),
        ndarray::array![1e15 - 1.0, 1e15 - 0.5]
    );

    let x = ChunkedArray::from_array(ndarray::array![0.5, 1.5, 2.5], 2).unwrap();
    too_large(
        x.histogram(usize::MAX, (0.0, 3.0)),
        "bins",
        "histogram bins + 1 overflows",
    );
    too_large(
        x.histogram(1 << 61, (0.0, 3.0)),
        "bins",
        "histogram edges of 2^64 bytes",
    );
    let (counts, _) = x.histogram(3, (0.0, 3.0)).unwrap();
    assert_eq!(counts.compute().unwrap(), ndarray::array![1, 1, 1]);
    let labels = ChunkedArray::from_array(ndarray::array![0_u8, 1], 1).unwrap();
    too_large(labels.bincount(usize::MAX).compute(), "shape", "bincount");
}

#[test]
fn index_axis_beyond_isize_is_an_error_not_the_last_row() {
    let a = Array::from_shape_fn((3, 4), |(i, j)| (10 * i + j) as f64);
    let x = ChunkedArray::from_array(a.clone(), (2, 3)).unwrap();
    for index in [usize::MAX, isize::MAX as usize + 1, 3] {
        assert!(
            x.index_axis(Axis(0), index).compute().is_err(),
            "index {index}"
        );
    }
    too_large(
        x.index_axis(Axis(0), usize::MAX).compute(),
        "index",
        "usize::MAX",
    );
    // Steps that multiply past isize::MAX when slices compose (on axes of
    // one element, where the step does not matter).
    let huge = x.slice(s![..;isize::MAX, 1..;isize::MAX]);
    let twice = huge.slice(s![..;isize::MAX, ..;-isize::MAX]);
    assert_eq!(twice.compute().unwrap(), a.slice(s![..1, 1..2]));
    for (axis, index) in [(0, 2), (1, 3), (1, 0)] {
        assert_eq!(
            x.index_axis(Axis(axis), index).compute().unwrap(),
            a.index_axis(Axis(axis), index)
        );
    }
}

#[test]
fn explicit_sizes_whose_sum_wraps_are_refused_everywhere() {
    let wraps = || Chunks::from_sizes(vec![vec![usize::MAX, 2]]);
    let what = "sum wrapping to 1";
    invalid_chunks(
        ChunkedArray::<f64, _>::zeros(1, wraps()),
        0,
        "usize::MAX",
        what,
    );
    let two = Chunks::from_sizes(vec![vec![2], vec![usize::MAX - 1, 4]]);
    invalid_chunks(
        ChunkedArray::<f64, _>::zeros((2, 2), two),
        1,
        "usize::MAX",
        what,
    );
    let x = ChunkedArray::<f64, _>::ones(1, 1).unwrap();
    // Each would spin or read out of range if accepted: all end at once.
    invalid_chunks(
        x.rechunk(wraps()).sum().compute(),
        0,
        "usize::MAX",
        "rechunk",
    );
    let mapped = x.map_blocks_to(wraps(), |b, _| b.to_owned());
    assert!(mapped.sum().compute().is_err(), "map_blocks_to");
    let grid = Array::from_vec(vec![
        delayed(|| Array1::<f64>::zeros(1)),
        delayed(|| Array1::<f64>::zeros(1)),
    ]);
    assert!(
        ChunkedArray::from_delayed(grid, wraps()).is_err(),
        "from_delayed"
    );
    // Blocks in memory whose lengths add up past usize::MAX.
    let grid = Array::from_shape_fn((4, 1), |_| Array::<f64, _>::zeros((1 << 62, 0)));
    invalid_chunks(
        ChunkedArray::from_blocks(grid),
        0,
        "usize::MAX",
        "from_blocks",
    );
}

#[test]
fn results_too_large_for_memory_are_errors() {
    let one = ChunkedArray::<f64, _>::ones((1, 1), 1).unwrap();
    let b = one.broadcast((1 << 32, 1 << 32));
    too_large(b.compute(), "shape", "broadcast");
    assert_eq!(b.len(), usize::MAX); // the invalid shape saturates, its error is above
                                     // Joining arrays of 2^62 bytes: four overflow usize, two isize.
    let q = ChunkedArray::<u8, Ix1>::zeros(1 << 62, 1usize << 40).unwrap();
    assert_eq!(q.nbytes(), 1 << 62);
    too_large(
        concatenate(Axis(0), &[&q, &q, &q, &q]),
        "arrays",
        "concatenate",
    );
    too_large(concatenate(Axis(0), &[&q, &q]), "shape", "concatenate");
    too_large(stack(Axis(0), &[&q, &q, &q, &q]), "shape", "stack");
    let h = ChunkedArray::<u8, Ix1>::zeros(1 << 61, 1usize << 40).unwrap();
    let ok = concatenate(Axis(0), &[&h, &h]).unwrap();
    assert_eq!((ok.shape(), ok.num_blocks()), (&[1 << 62][..], 1 << 22));
    // A halo deeper than memory: with Constant it is materialized.
    let x = ChunkedArray::from_array(floats(&[5, 4], 1), (2, 2)).unwrap();
    let deep = x.map_overlap([1 << 62, 0], Boundary::Constant(0.0), |b, _| b.to_owned());
    too_large(deep.compute(), "depth", "Constant halo of 2^63 rows");
    let deep = x.map_overlap([usize::MAX, 1], Boundary::Constant(0.0), |b, _| {
        b.to_owned()
    });
    too_large(deep.compute(), "depth", "Constant halo overflowing usize");
    // With Boundary::None the halo stops at the array's edges: any depth works.
    let clipped = x.map_overlap([usize::MAX, usize::MAX], Boundary::None, |b, _| {
        b.to_owned()
    });
    let whole = x.map_overlap([5, 4], Boundary::None, |b, _| b.to_owned());
    assert_same(
        &clipped.compute().unwrap(),
        &whole.compute().unwrap(),
        "deep None halo",
    );
    assert_same(
        &clipped.compute().unwrap().into_dyn(),
        &floats(&[5, 4], 1),
        "halo trimmed",
    );
}

/// The value at `i` of the huge test arrays: cheap, and different enough
/// that a misplaced block shows.
fn at(i: usize) -> f64 {
    (i % 1009) as f64 + (i / 1009 % 7) as f64 / 8.0
}

/// Runs `f`, which must take well under the time a per-block loop over a
/// huge grid would.
#[track_caller]
fn quickly<R>(what: &str, f: impl FnOnce() -> R) -> R {
    let start = Instant::now();
    let r = f();
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{what} took {:?}",
        start.elapsed()
    );
    r
}

#[test]
fn a_huge_uniform_grid_is_described_in_constant_memory() {
    quickly("describing 2^40 blocks", || {
        let x = ChunkedArray::<f64, Ix1>::zeros(1 << 40, 1).unwrap();
        assert_eq!(x.num_blocks(), 1 << 40);
        assert_eq!(x.chunks().num_blocks_on(0), 1 << 40);
        assert_eq!(x.chunks().block_start(0, (1 << 40) - 1), (1 << 40) - 1);
        assert_eq!(format!("{:?}", x.chunks()), "(1x1099511627776)");
        let shown = x.to_string();
        // Printing never lowers the plan (which would be too large here).
        assert!(
            shown.contains("chunks=(1x1099511627776)") && shown.contains("op=zeros"),
            "{shown}"
        );
        assert_eq!(x.nbytes(), 8 << 40);
        // Equal arrays share their work: their keys name the chunks compactly.
        let a = ChunkedArray::arange(0.0, (1u64 << 40) as f64, 1.0, 1).unwrap();
        let b = ChunkedArray::arange(0.0, (1u64 << 40) as f64, 1.0, 1).unwrap();
        assert_eq!(a.chunks(), x.chunks());
        let (sa, sb) = (a.slice(s![..3]).sum(), b.slice(s![..3]).sum());
        let both = ndchunk::num_tasks((&sa, &sb)).unwrap();
        assert_eq!(both, sa.num_tasks().unwrap());
        assert_eq!(sb.compute().unwrap().into_scalar(), 3.0);
    });
}

#[test]
fn slices_of_a_huge_uniform_grid_compute_only_their_blocks() {
    quickly("slicing 2^40 blocks", || {
        let x = ChunkedArray::<f64, Ix1>::zeros(1 << 40, 1).unwrap();
        // The case: sum of ten of 2^40 blocks.
        let ten = x.slice(s![..10]).sum();
        assert_eq!(ten.compute().unwrap().into_scalar(), 0.0);
        // The whole grid needs a task per block: an error, not an abort.
        too_large(x.sum().compute(), "graph", "sum of 2^40 blocks");
        too_large(x.sum().num_tasks(), "graph", "tasks of 2^40 blocks");

        let n = 1usize << 40;
        let y = ChunkedArray::from_fn(n, 1000, at).unwrap();
        for (start, end, step) in [
            (n - 25, n, 3_isize),
            (5, 2005, 1),
            (123_456_789, 123_466_789, 1000),
            (7, 100_000, 250),
            (1, 10_000, 3),
            (0, 9_000, -7),
        ] {
            let sliced = y.slice(s![start as isize..end as isize;step]);
            let expected: Array1<f64> = if step > 0 {
                (start..end).step_by(step as usize).map(at).collect()
            } else {
                (start..end)
                    .rev()
                    .step_by(step.unsigned_abs())
                    .map(at)
                    .collect()
            };
            let what = format!("x[{start}..{end};{step}] of 2^40 in blocks of 1000");
            assert_same(&sliced.compute().unwrap(), &expected, &what);
            assert!(sliced.num_tasks().unwrap() < 100_000, "{what}");
            // A slice of the slice walks a shifted regular grid.
            let inner = sliced.slice(s![1..;2]);
            let expected = expected.slice(s![1..;2]).to_owned();
            assert_same(
                &inner.compute().unwrap(),
                &expected,
                &format!("{what}, then [1..;2]"),
            );
        }
    });
}

#[test]
fn huge_two_dimensional_grids_slice_and_combine() {
    quickly("2-D grids of 2^39 blocks", || {
        let (rows, cols) = (1usize << 30, 1usize << 29);
        let f = move |(i, j): (usize, usize)| at(i * 3 + j);
        let x = ChunkedArray::from_fn((rows, cols), (1000, 1000), f).unwrap();
        let corner = x.slice(s![rows - 3.., 990..1010;-3]);
        let expected = Array::from_shape_fn((3, 7), |(a, b)| f((rows - 3 + a, 1009 - 3 * b)));
        assert_same(&corner.compute().unwrap(), &expected, "corner");
        // Elementwise with a finer uniform chunking: the refinement stays uniform.
        let fine = ChunkedArray::from_fn((rows, cols), (500, 250), f).unwrap();
        let sum = (&x + &fine).slice(s![1000..1002, 7..10]);
        let expected = Array::from_shape_fn((2, 3), |(a, b)| 2.0 * f((1000 + a, 7 + b)));
        assert_same(&sum.compute().unwrap(), &expected, "x + fine");
        // Chunkings that do not refine each other are listed: 2 million
        // blocks are, 2^30 blocks along an axis are too many.
        let odd = ChunkedArray::from_fn((rows, cols), (999, 1000), f).unwrap();
        let sum = (&x + &odd).slice(s![998..1001, ..2]);
        let expected = Array::from_shape_fn((3, 2), |(a, b)| 2.0 * f((998 + a, b)));
        assert_same(&sum.compute().unwrap(), &expected, "x + odd");
        let thirds = ChunkedArray::from_fn((rows, cols), (3, 1000), f).unwrap();
        let halves = ChunkedArray::from_fn((rows, cols), (2, 1000), f).unwrap();
        too_large((&thirds + &halves).compute(), "chunks", "thirds + halves");
        // Reductions along an axis of a slice.
        let column = x.slice(s![..4000, 5..7]).sum_axis(Axis(0));
        let expected = Array::from_shape_fn(2, |b| (0..4000).map(|a| f((a, 5 + b))).sum::<f64>());
        common::assert_close(
            &column.compute().unwrap(),
            &expected,
            1e-12,
            0.0,
            "column sums",
        );
        // Random blocks far into the grid: the same values sliced two ways.
        let r = Rng::seed(5)
            .standard_normal((rows, cols), (1000, 1000))
            .unwrap();
        let window = r.slice(s![rows - 2000.., cols - 1000..]).compute().unwrap();
        let part = r
            .slice(s![rows - 1500..rows - 1490, cols - 20..;3])
            .compute()
            .unwrap();
        assert_same(
            &part,
            &window.slice(s![500..510, 980..;3]).to_owned(),
            "random window",
        );
    });
}

#[test]
fn joins_rechunks_and_reshapes_of_huge_grids_stay_uniform() {
    quickly("joining 2^40-element arrays", || {
        let n = 1000usize << 30;
        let x = ChunkedArray::from_fn(n, 1000, at).unwrap();
        let y = ChunkedArray::from_fn(n, 1000, |i| -at(i)).unwrap();
        let c = concatenate(Axis(0), &[&x, &y]).unwrap();
        assert_eq!(format!("{:?}", c.chunks()), "(1000x2147483648)");
        // Not ending on a whole block, the joined axis would be listed.
        let ragged = ChunkedArray::from_fn(n + 1, 1000, at).unwrap();
        too_large(
            concatenate(Axis(0), &[&ragged, &y]),
            "arrays",
            "ragged join",
        );
        let across = c.slice(s![n as isize - 3..n as isize + 2]);
        let expected = Array1::from(vec![at(n - 3), at(n - 2), at(n - 1), -at(0), -at(1)]);
        assert_same(&across.compute().unwrap(), &expected, "across the join");
        let st = stack(Axis(0), &[&x, &y]).unwrap();
        let expected = ndarray::array![[at(n - 1)], [-at(n - 1)]];
        assert_same(
            &st.slice(s![.., -1..]).compute().unwrap(),
            &expected,
            "stack",
        );

        let r = x.rechunk(1 << 20);
        assert_eq!(r.chunks().block_len(0, 3), 1 << 20);
        let mid = r.slice(s![(n / 2) as isize..(n / 2 + 4) as isize]);
        let expected: Array1<f64> = (n / 2..n / 2 + 4).map(at).collect();
        assert_same(&mid.compute().unwrap(), &expected, "rechunked");

        let m = ChunkedArray::from_fn(1usize << 40, 1 << 20, at).unwrap();
        let square = m.reshape((1 << 20, 1 << 20));
        assert_eq!(square.chunks().num_blocks_on(0), 1 << 20);
        let row = square.slice(s![3, 5..9]);
        let expected: Array1<f64> = (5..9).map(|j| at(3 * (1 << 20) + j)).collect();
        assert_same(&row.compute().unwrap(), &expected, "reshaped");
    });
}

#[test]
fn sizes_near_the_limits_are_exact() {
    // Lengths just under the limits keep exact counts, shapes and bytes.
    let x = ChunkedArray::<u8, Ix1>::zeros(isize::MAX as usize, 1usize << 50).unwrap();
    assert_eq!(
        (x.len(), x.nbytes()),
        (isize::MAX as usize, isize::MAX as usize)
    );
    assert_eq!(x.num_blocks(), 1 << 13);
    let last = x.slice(s![-1..]);
    assert_eq!(last.compute().unwrap(), ndarray::array![0u8]);
    too_large(
        ChunkedArray::<u16, Ix1>::zeros(isize::MAX as usize, 1usize << 50),
        "shape",
        "bytes",
    );
    let d = ChunkedArray::<f32, _>::zeros(IxDyn(&[0, usize::MAX / 4]), -1).unwrap();
    assert_eq!((d.len(), d.num_blocks()), (0, 1));
    assert_eq!(
        d.compute().unwrap(),
        ArrayD::<f32>::zeros(IxDyn(&[0, usize::MAX / 4]))
    );
}
