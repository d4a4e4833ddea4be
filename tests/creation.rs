//! Differential tests of array creation: from_array (any memory layout, Array
//! or ArcArray), zeros/ones/full, from_fn, arange, linspace, from_blocks,
//! chunk validation, automatic chunks, persist, and the text representations.

#[macro_use]
mod common;

use common::{assert_same, chunked, ctx, floats, ints, typed, Case};
use ndarray::{s, Array, Array1, Array2, ArrayD, Axis, Dimension, Ix2, Ix3, IxDyn};
use ndchunk::{ChunkSpec, ChunkedArray, Chunks, Error};

fn from_array_body<D: Dimension>(case: &Case) {
    let a = typed::<f64, D>(floats(&case.shape, 60));
    for chunks in [&case.chunks, &case.alt] {
        let x = ChunkedArray::from_array(a.clone(), chunks).unwrap();
        let what = ctx::<D>(case, &format!("from_array with chunks {chunks:?}"));
        assert_eq!(x.shape(), &case.shape[..], "{what}");
        assert_eq!(x.dim(), a.dim(), "{what}");
        assert_eq!(x.ndim(), case.ndim(), "{what}");
        assert_eq!(x.len(), case.len(), "{what}");
        assert_eq!(x.is_empty(), case.is_empty(), "{what}");
        assert_eq!(x.nbytes(), case.len() * 8, "{what}");
        assert_eq!(x.chunks(), chunks, "{what}");
        assert_eq!(x.num_blocks(), chunks.num_blocks(), "{what}");
        assert_same(&x.compute().unwrap(), &a, &what);
        // An ArcArray, shared with another owner.
        let shared = a.clone().into_shared();
        let keep = shared.clone();
        let y = ChunkedArray::from_array(shared, chunks).unwrap();
        assert_same(&y.compute().unwrap(), &a, &format!("{what}, ArcArray"));
        assert_same(
            &keep.to_owned(),
            &a,
            &format!("{what}, ArcArray left intact"),
        );
    }
    // Booleans and integers round-trip too.
    let n = typed::<i64, D>(ints(
        &case.shape,
        61,
        -1_000_000_000_000_000,
        1_000_000_000_000_000,
    ));
    assert_same(
        &chunked(&n, &case.alt).compute().unwrap(),
        &n,
        &ctx::<D>(case, "i64"),
    );
    let b = n.mapv(|v| v % 3 == 0);
    assert_same(
        &chunked(&b, &case.chunks).compute().unwrap(),
        &b,
        &ctx::<D>(case, "bool"),
    );
}

#[test]
fn from_array_round_trips_every_case() {
    for_each_case!(from_array_body);
}

#[test]
fn from_array_with_non_standard_layouts() {
    let a = Array::from_shape_fn((7, 9), |(i, j)| (i * 9 + j) as f64 - 20.0);
    let expected_t = Array::from_shape_fn((9, 7), |(i, j)| (j * 9 + i) as f64 - 20.0);
    // The transpose copied as it is (column-major) and the transpose in place.
    let transposed = a.t().to_owned();
    assert!(!transposed.is_standard_layout());
    let reversed = a.clone().reversed_axes();
    assert!(!reversed.is_standard_layout());
    // Negative strides (a reversed view made owned) and a strided owned array.
    let flipped = a.slice(s![..;-1, ..]).to_owned();
    let mut stepped = a.clone();
    stepped.slice_collapse(s![..;2, 1..;3]);
    assert!(!stepped.is_standard_layout());
    let inputs: Vec<(&str, Array2<f64>, Array2<f64>)> = vec![
        ("a.t().to_owned()", transposed, expected_t.clone()),
        ("a.reversed_axes()", reversed.clone(), expected_t.clone()),
        (
            "reversed rows",
            flipped,
            Array::from_shape_fn((7, 9), |(i, j)| ((6 - i) * 9 + j) as f64 - 20.0),
        ),
        (
            "every other row, every third column",
            stepped,
            Array::from_shape_fn((4, 3), |(i, j)| (2 * i * 9 + 1 + 3 * j) as f64 - 20.0),
        ),
    ];
    for (name, input, expected) in inputs {
        assert_eq!(input, expected, "the reference itself ({name})");
        let shape = input.shape().to_vec();
        for chunks in [
            ChunkSpec::from((2, 3)),
            ChunkSpec::from((shape[0], shape[1])),
            Chunks::from_sizes(vec![vec![1, shape[0] - 1], vec![shape[1]]]).into(),
        ] {
            let what = format!("{name} with chunks {chunks:?}");
            let x = ChunkedArray::from_array(input.clone(), chunks.clone()).unwrap();
            assert_eq!(x.compute().unwrap(), expected, "{what}");
            assert_eq!(
                x.sum_axis(Axis(0)).compute().unwrap(),
                expected.sum_axis(Axis(0)),
                "{what}"
            );
            assert_eq!(
                x.argmax().compute().unwrap().into_scalar(),
                // The values are distinct: the position of the largest.
                expected
                    .iter()
                    .enumerate()
                    .max_by(|p, q| p.1.total_cmp(q.1))
                    .unwrap()
                    .0,
                "{what}"
            );
            let shared = ChunkedArray::from_array(input.clone().into_shared(), chunks).unwrap();
            assert_eq!(
                (&shared * 2.0).compute().unwrap(),
                &expected * 2.0,
                "{what}, ArcArray"
            );
        }
    }
    // A non-standard ArcArray, and a 3-D permutation.
    let shared = a.clone().into_shared().reversed_axes();
    let x = ChunkedArray::from_array(shared, (4, 4)).unwrap();
    assert_eq!(x.compute().unwrap(), expected_t);
    let c = Array::from_shape_fn((3, 4, 5), |(i, j, k)| (i * 100 + j * 10 + k) as i32);
    let p = c.clone().permuted_axes([2, 0, 1]);
    let expected = Array::from_shape_fn((5, 3, 4), |(k, i, j)| (i * 100 + j * 10 + k) as i32);
    let x = ChunkedArray::from_array(p, (2, 2, 3)).unwrap();
    assert_eq!(x.compute().unwrap(), expected);
    let d =
        ChunkedArray::from_array(c.clone().into_dyn().reversed_axes(), IxDyn(&[3, 3, 2])).unwrap();
    assert_eq!(d.compute().unwrap(), c.into_dyn().reversed_axes());
}

fn constants_body<D: Dimension>(case: &Case) {
    let dim = case.dim::<D>();
    let what = |op: &str| ctx::<D>(case, op);
    let z = ChunkedArray::<f64, D>::zeros(dim.clone(), &case.chunks).unwrap();
    assert_same(
        &z.compute().unwrap(),
        &Array::zeros(dim.clone()),
        &what("zeros"),
    );
    assert_eq!(z.chunks(), &case.chunks, "{}", what("zeros chunks"));
    let o = ChunkedArray::<i32, D>::ones(dim.clone(), &case.alt).unwrap();
    assert_same(
        &o.compute().unwrap(),
        &Array::ones(dim.clone()),
        &what("ones"),
    );
    assert_eq!(o.chunks(), &case.alt, "{}", what("ones chunks"));
    let f = ChunkedArray::full(dim.clone(), -2.5_f32, &case.chunks).unwrap();
    assert_same(
        &f.compute().unwrap(),
        &Array::from_elem(dim.clone(), -2.5_f32),
        &what("full"),
    );
    let b = ChunkedArray::full(dim.clone(), true, &case.alt).unwrap();
    assert_same(
        &b.compute().unwrap(),
        &Array::from_elem(dim.clone(), true),
        &what("full bool"),
    );
    let nan = ChunkedArray::full(dim.clone(), f64::NAN, &case.alt).unwrap();
    assert_same(
        &nan.compute().unwrap(),
        &Array::from_elem(dim.clone(), f64::NAN),
        &what("NaN"),
    );
    // Constants combined with data chunked differently.
    let a = typed::<f64, D>(floats(&case.shape, 62));
    let x = chunked(&a, &case.alt);
    assert_same(&(&x + &z).compute().unwrap(), &a, &what("x + zeros"));
    assert_same(
        &(&x * &ChunkedArray::full(dim, 3.0, &case.chunks).unwrap())
            .compute()
            .unwrap(),
        &(&a * 3.0),
        &what("x * full(3)"),
    );
    assert_eq!(
        o.sum().compute().unwrap().into_scalar(),
        case.len() as i64,
        "{}",
        what("sum of i32 ones (in i64)")
    );
}

#[test]
fn zeros_ones_full() {
    for_each_case!(constants_body);
}

#[test]
fn from_fn_index_patterns() {
    // 1-D.
    let x = ChunkedArray::from_fn(23, 5, |i| i as f64 * 2.0 - 3.0).unwrap();
    assert_eq!(
        x.compute().unwrap(),
        Array::from_shape_fn(23, |i| i as f64 * 2.0 - 3.0)
    );
    let x = ChunkedArray::from_fn(23, Chunks::from_sizes(vec![vec![1, 20, 2]]), |i| i).unwrap();
    assert_eq!(x.compute().unwrap(), Array::from_shape_fn(23, |i| i));
    // 2-D.
    let f2 = |(i, j): (usize, usize)| (100 * i + j) as i64;
    for chunks in [
        ChunkSpec::from((4, 5)),
        ChunkSpec::from((13, 17)),
        ChunkSpec::from((1, 1)),
        Chunks::from_sizes(vec![vec![2, 10, 1], vec![16, 1]]).into(),
    ] {
        let x = ChunkedArray::from_fn((13, 17), chunks.clone(), f2).unwrap();
        assert_eq!(
            x.compute().unwrap(),
            Array::from_shape_fn((13, 17), f2),
            "{chunks:?}"
        );
    }
    // 3-D.
    let f3 = |(i, j, k): (usize, usize, usize)| (i * 10_000 + j * 100 + k) as u32;
    let x = ChunkedArray::from_fn((5, 6, 7), (2, 4, 3), f3).unwrap();
    assert_eq!(x.compute().unwrap(), Array::from_shape_fn((5, 6, 7), f3));
    // 4-D.
    let f4 = |(i, j, k, l): (usize, usize, usize, usize)| (i * 1000 + j * 100 + k * 10 + l) as f64;
    let x = ChunkedArray::from_fn((3, 4, 2, 5), (2, 3, 1, 2), f4).unwrap();
    assert_eq!(x.compute().unwrap(), Array::from_shape_fn((3, 4, 2, 5), f4));
    // IxDyn: the index arrives as an IxDyn.
    let fd = |ix: IxDyn| (ix[0] * 100 + ix[1] * 10 + ix[2]) as i64 - 50;
    let shape = IxDyn(&[4, 5, 6]);
    let x = ChunkedArray::from_fn(
        shape.clone(),
        Chunks::from_sizes(vec![vec![3, 1], vec![2, 2, 1], vec![6]]),
        fd,
    )
    .unwrap();
    assert_eq!(x.compute().unwrap(), ArrayD::from_shape_fn(shape, fd));
    // Empty.
    let x = ChunkedArray::from_fn((0, 4), (2, 2), |(i, j)| i + j).unwrap();
    assert_eq!(x.compute().unwrap(), Array2::<usize>::zeros((0, 4)));
    // Combined with other arrays and reduced: values at their own index.
    let x = ChunkedArray::from_fn((13, 17), (4, 5), f2).unwrap();
    let y = ChunkedArray::from_fn((13, 17), (6, 3), f2).unwrap();
    assert_eq!((&x - &y).compute().unwrap(), Array2::<i64>::zeros((13, 17)));
    let expected = Array::from_shape_fn((13, 17), f2);
    assert_eq!(
        x.sum_axis(Axis(1)).compute().unwrap(),
        expected.sum_axis(Axis(1))
    );
    assert_eq!(x.argmax().compute().unwrap().into_scalar(), 13 * 17 - 1);
}

#[test]
fn from_fn_panic_is_an_error_naming_the_block() {
    let x = ChunkedArray::from_fn((6, 6), (3, 2), |(i, j)| {
        if (i, j) == (4, 3) {
            panic!("no value at (4, 3)");
        }
        (i * 6 + j) as f64
    })
    .unwrap();
    match x.compute() {
        Err(Error::TaskPanicked { task, message }) => {
            assert!(
                task.contains("[1, 1]"),
                "task {task:?} should name block [1, 1]"
            );
            assert_eq!(message, "no value at (4, 3)");
        }
        other => panic!("expected TaskPanicked, got {other:?}"),
    }
    let fine = ChunkedArray::from_fn((6, 6), (3, 2), |(i, j)| (i * 6 + j) as f64).unwrap();
    assert_eq!(fine.sum().compute().unwrap().into_scalar(), 630.0);
}

#[test]
fn arange_floats() {
    let cases: [(f64, f64, f64); 8] = [
        (0.0, 1.0, 0.25),
        (0.0, 1.0, 0.1),
        (-3.0, 7.5, 0.7),
        (1.0, 2.0, 0.3),
        (5.0, -5.0, -1.5),
        (2.0, 2.0, 1.0),
        (3.0, 0.0, 1.0),
        (0.0, 1.0, -0.1),
    ];
    for (start, end, step) in cases {
        // ndarray's range panics when the signs of `end - start` and `step`
        // differ; numpy's arange is then empty.
        let expected = if (end - start) / step >= 0.0 {
            Array1::range(start, end, step)
        } else {
            Array1::zeros(0)
        };
        for chunks in [1, 3, 100] {
            let x = ChunkedArray::arange(start, end, step, chunks).unwrap();
            let what = format!("arange({start}, {end}, {step}) in chunks of {chunks}");
            assert_eq!(x.len(), expected.len(), "{what}");
            assert_eq!(x.compute().unwrap(), expected, "{what}");
        }
    }
    // f32.
    let x = ChunkedArray::arange(0.5_f32, 4.0, 0.5, 3).unwrap();
    assert_eq!(x.compute().unwrap(), Array1::range(0.5_f32, 4.0, 0.5));
}

#[test]
fn arange_integers() {
    let cases: [(i64, i64, i64, Vec<i64>); 7] = [
        (0, 10, 3, vec![0, 3, 6, 9]),
        (0, 9, 3, vec![0, 3, 6]),
        (10, 0, -3, vec![10, 7, 4, 1]),
        (-5, 5, 2, vec![-5, -3, -1, 1, 3]),
        (5, 0, 1, vec![]),
        (0, 5, -1, vec![]),
        (7, 7, 2, vec![]),
    ];
    for (start, end, step, expected) in cases {
        for chunks in [1, 2, 50] {
            let x = ChunkedArray::arange(start, end, step, chunks).unwrap();
            let what = format!("arange({start}, {end}, {step}) in chunks of {chunks}");
            assert_eq!(
                x.compute().unwrap(),
                Array1::from(expected.clone()),
                "{what}"
            );
        }
    }
    let x = ChunkedArray::arange(0_u32, 1000, 7, 64).unwrap();
    assert_eq!(
        x.compute().unwrap(),
        Array1::from_iter((0..1000).step_by(7))
    );
    let x = ChunkedArray::arange(0_u8, 255, 1, 100).unwrap();
    assert_eq!(x.compute().unwrap(), Array1::from_iter(0..255_u8));
    // Every value of a small type, across its whole range.
    let x = ChunkedArray::arange(-128_i8, 127, 1, 50).unwrap();
    let what = "arange(-128_i8, 127, 1)";
    assert_same(
        &x.compute().unwrap(),
        &Array1::from_iter(-128..127_i8),
        what,
    );
    let x = ChunkedArray::arange(-100_i8, 100, 3, 8).unwrap();
    let expected = Array1::from_iter((-100..100_i8).step_by(3));
    assert_same(&x.compute().unwrap(), &expected, "arange(-100_i8, 100, 3)");
    let x = ChunkedArray::arange(0_u8, 250, 2, 8).unwrap();
    let expected = Array1::from_iter((0..250_u8).step_by(2));
    assert_same(&x.compute().unwrap(), &expected, "arange(0_u8, 250, 2)");
    // Errors name the argument.
    match ChunkedArray::arange(0_i64, 10, 0, 3) {
        Err(Error::InvalidArgument { argument, reason }) => {
            assert_eq!(argument, "step");
            assert!(reason.contains('0'), "{reason}");
        }
        other => panic!("step 0: {other:?}"),
    }
    for (start, end, argument) in [(f64::NAN, 1.0, "start"), (0.0, f64::INFINITY, "end")] {
        match ChunkedArray::arange(start, end, 1.0, 3) {
            Err(Error::InvalidArgument { argument: a, .. }) => assert_eq!(a, argument),
            other => panic!("arange({start}, {end}): {other:?}"),
        }
    }
}

#[test]
fn linspace_matches_ndarray() {
    for (start, end, n) in [
        (0.0, 1.0, 0),
        (0.0, 1.0, 1),
        (-2.0, 3.0, 2),
        (0.0, 1.0, 11),
        (10.0, -10.0, 101),
        (1e-3, 1e3, 1000),
        (5.0, 5.0, 7),
    ] {
        let expected = Array1::linspace(start, end, n);
        for chunks in [1, 7, 2000] {
            let x = ChunkedArray::linspace(start, end, n, chunks).unwrap();
            let what = format!("linspace({start}, {end}, {n}) in chunks of {chunks}");
            assert_eq!(x.shape(), &[n], "{what}");
            assert_eq!(x.compute().unwrap(), expected, "{what}");
            if n > 0 {
                assert_eq!(
                    x.min().compute().unwrap().into_scalar(),
                    expected.iter().copied().fold(f64::INFINITY, f64::min),
                    "{what}"
                );
            }
        }
    }
    let x = ChunkedArray::linspace(0.0_f32, 2.0, 9, 4).unwrap();
    assert_eq!(x.compute().unwrap(), Array1::linspace(0.0_f32, 2.0, 9));
    // Shared between two results.
    let a = ChunkedArray::linspace(0.0, 1.0, 50, 8).unwrap();
    let b = ChunkedArray::linspace(0.0, 1.0, 50, 8).unwrap();
    let c = ChunkedArray::linspace(0.0, 2.0, 50, 8).unwrap();
    let (p, q) = ndchunk::compute((&(&a + &b), &(&a + &c))).unwrap();
    let l1 = Array1::linspace(0.0, 1.0, 50);
    assert_eq!(p, &l1 + &l1);
    assert_eq!(q, &l1 + &Array1::linspace(0.0, 2.0, 50));
}

#[test]
fn from_blocks_valid_grids() {
    // 2x3 grid of blocks with rows of heights 2, 3 and columns of widths 1, 4, 2.
    let heights = [2, 3];
    let widths = [1, 4, 2];
    let full = Array::from_shape_fn((5, 7), |(i, j)| (i * 7 + j) as f64);
    let mut blocks = Vec::new();
    let mut r0 = 0;
    for &h in &heights {
        let mut c0 = 0;
        for &w in &widths {
            blocks.push(full.slice(s![r0..r0 + h, c0..c0 + w]).to_owned());
            c0 += w;
        }
        r0 += h;
    }
    let grid = Array::from_shape_vec((2, 3), blocks).unwrap();
    let x = ChunkedArray::from_blocks(grid).unwrap();
    assert_eq!(x.shape(), &[5, 7]);
    assert_eq!(x.chunks().sizes(), &[vec![2, 3], vec![1, 4, 2]]);
    assert_eq!(x.num_blocks(), 6);
    assert_eq!(x.compute().unwrap(), full);
    assert_eq!(
        x.sum_axis(Axis(0)).compute().unwrap(),
        full.sum_axis(Axis(0))
    );
    // Mixed with a differently chunked array.
    let y = ChunkedArray::from_array(full.clone(), (3, 3)).unwrap();
    assert_eq!((&x * &y).compute().unwrap(), &full * &full);
    // Blocks in a non-standard layout.
    let t = Array::from_shape_fn((3, 2), |(i, j)| (i * 2 + j) as f64).reversed_axes();
    let u = Array::from_shape_fn((2, 4), |(i, j)| (10 + i * 4 + j) as f64);
    let grid = Array::from_shape_vec((1, 2), vec![t.clone(), u.clone()]).unwrap();
    let x = ChunkedArray::from_blocks(grid).unwrap();
    let mut expected = Array2::zeros((2, 7));
    expected.slice_mut(s![.., ..3]).assign(&t);
    expected.slice_mut(s![.., 3..]).assign(&u);
    assert_eq!(x.compute().unwrap(), expected);
    // 1-D, 3-D and IxDyn.
    let grid = Array::from_vec(vec![
        Array1::from(vec![1, 2]),
        Array1::from(vec![3]),
        Array1::from(vec![4, 5, 6]),
    ]);
    let x = ChunkedArray::from_blocks(grid).unwrap();
    assert_eq!(x.compute().unwrap(), Array1::from(vec![1, 2, 3, 4, 5, 6]));
    assert_eq!(x.chunks().sizes(), &[vec![2, 1, 3]]);
    let c = Array::from_shape_fn((4, 3, 2), |(i, j, k)| (i * 6 + j * 2 + k) as i32);
    let blocks = vec![
        c.slice(s![..1, .., ..]).to_owned(),
        c.slice(s![1.., .., ..]).to_owned(),
    ];
    let grid = Array::from_shape_vec((2, 1, 1), blocks).unwrap();
    let x: ChunkedArray<i32, Ix3> = ChunkedArray::from_blocks(grid).unwrap();
    assert_eq!(x.compute().unwrap(), c);
    let d = c.clone().into_dyn();
    let blocks = vec![
        d.slice(s![.., ..2, ..]).to_owned().into_dyn(),
        d.slice(s![.., 2.., ..]).to_owned().into_dyn(),
    ];
    let grid = Array::from_shape_vec(IxDyn(&[1, 2, 1]), blocks).unwrap();
    let x = ChunkedArray::from_blocks(grid).unwrap();
    assert_eq!(x.chunks().sizes(), &[vec![4], vec![2, 1], vec![2]]);
    assert_eq!(x.compute().unwrap(), d);
}

#[test]
fn from_blocks_errors_name_the_axis() {
    // Row 1 of the grid: block [1, 0] has 3 rows, block [1, 1] has 4.
    let grid = Array::from_shape_vec(
        (2, 2),
        vec![
            Array2::<f64>::zeros((2, 3)),
            Array2::zeros((2, 1)),
            Array2::zeros((3, 3)),
            Array2::zeros((4, 1)),
        ],
    )
    .unwrap();
    match ChunkedArray::from_blocks(grid) {
        Err(e @ Error::InvalidChunks { axis: 0, .. }) => {
            let msg = e.to_string();
            assert!(msg.contains("axis 0"), "{msg}");
            assert!(msg.contains('4') && msg.contains('3'), "{msg}");
        }
        other => panic!("expected InvalidChunks on axis 0, got {other:?}"),
    }
    // Column 0 of the grid: block [0, 0] is 3 wide, block [1, 0] is 2 wide.
    let grid = Array::from_shape_vec(
        (2, 2),
        vec![
            Array2::<f64>::zeros((2, 3)),
            Array2::zeros((2, 1)),
            Array2::zeros((3, 2)),
            Array2::zeros((3, 1)),
        ],
    )
    .unwrap();
    match ChunkedArray::from_blocks(grid) {
        Err(e @ Error::InvalidChunks { axis: 1, .. }) => {
            let msg = e.to_string();
            assert!(msg.contains("axis 1"), "{msg}");
            assert!(msg.contains('2') && msg.contains('3'), "{msg}");
        }
        other => panic!("expected InvalidChunks on axis 1, got {other:?}"),
    }
    // An empty grid.
    let grid = Array::from_shape_vec((0, 2), Vec::<Array2<f64>>::new()).unwrap();
    assert!(matches!(
        ChunkedArray::from_blocks(grid),
        Err(Error::InvalidArgument {
            argument: "grid",
            ..
        })
    ));
    // IxDyn blocks of a different rank than the grid.
    let grid = Array::from_shape_vec(
        IxDyn(&[2]),
        vec![
            ArrayD::<f64>::zeros(IxDyn(&[3])),
            ArrayD::zeros(IxDyn(&[3, 1])),
        ],
    )
    .unwrap();
    match ChunkedArray::from_blocks(grid) {
        Err(Error::RankMismatch { expected, got, .. }) => assert_eq!((expected, got), (1, 2)),
        other => panic!("expected RankMismatch, got {other:?}"),
    }
}

#[test]
fn chunk_validation_errors_name_axis_and_numbers() {
    let a = Array2::<f64>::zeros((10, 6));
    // Explicit sizes that do not sum to the axis length.
    match ChunkedArray::from_array(a.clone(), Chunks::from_sizes(vec![vec![3, 3], vec![6]])) {
        Err(e @ Error::InvalidChunks { axis: 0, .. }) => {
            let msg = e.to_string();
            assert!(msg.contains("axis 0"), "{msg}");
            assert!(
                msg.contains("[3, 3]") && msg.contains('6') && msg.contains("10"),
                "{msg}"
            );
        }
        other => panic!("sum mismatch: {other:?}"),
    }
    match ChunkedArray::from_array(a.clone(), Chunks::from_sizes(vec![vec![10], vec![4, 4]])) {
        Err(e @ Error::InvalidChunks { axis: 1, .. }) => {
            let msg = e.to_string();
            assert!(
                msg.contains("axis 1") && msg.contains('8') && msg.contains('6'),
                "{msg}"
            );
        }
        other => panic!("sum mismatch on axis 1: {other:?}"),
    }
    // A zero block length on a non-empty axis: uniform and explicit.
    match ChunkedArray::<f64, _>::zeros((10, 6), (5, 0)) {
        Err(e @ Error::InvalidChunks { axis: 1, .. }) => {
            let msg = e.to_string();
            assert!(
                msg.contains("axis 1") && msg.contains('0') && msg.contains('6'),
                "{msg}"
            );
        }
        other => panic!("zero uniform chunk: {other:?}"),
    }
    match ChunkedArray::from_array(a.clone(), Chunks::from_sizes(vec![vec![5, 0, 5], vec![6]])) {
        Err(e @ Error::InvalidChunks { axis: 0, .. }) => {
            let msg = e.to_string();
            assert!(
                msg.contains("axis 0") && msg.contains('0') && msg.contains("10"),
                "{msg}"
            );
        }
        other => panic!("zero explicit chunk: {other:?}"),
    }
    // Rank mismatch, uniform and explicit. (One length alone, `5`, is for
    // every axis, as in dask; a block shape of one axis is not.)
    for result in [
        ChunkedArray::from_array(a.clone(), [5]).map(|_| ()),
        ChunkedArray::from_array(a.clone(), (2, 2, 2)).map(|_| ()),
        ChunkedArray::from_array(a.clone(), Chunks::from_sizes(vec![vec![10]])).map(|_| ()),
    ] {
        match result {
            Err(e @ Error::RankMismatch { expected: 2, .. }) => {
                let msg = e.to_string();
                assert!(msg.contains("chunks") && msg.contains('2'), "{msg}");
            }
            other => panic!("rank mismatch: {other:?}"),
        }
    }
    match ChunkedArray::<f64, _>::zeros((4, 4), (2,)) {
        Err(Error::RankMismatch {
            argument,
            expected,
            got,
        }) => {
            assert_eq!((argument, expected, got), ("chunks", 2, 1));
        }
        other => panic!("rank mismatch: {other:?}"),
    }
    // The same checks for every constructor taking chunks.
    assert!(ChunkedArray::<f64, _>::ones(10, 0).is_err());
    assert!(ChunkedArray::full(10, 1.0, Chunks::from_sizes(vec![vec![4, 4]])).is_err());
    assert!(ChunkedArray::from_fn(10, (1, 1), |i| i).is_err());
    assert!(ChunkedArray::arange(0.0, 10.0, 1.0, 0).is_err());
    assert!(ChunkedArray::linspace(0.0, 1.0, 10, Chunks::from_sizes(vec![vec![9]])).is_err());
    // Valid edge cases: a block longer than the axis is clamped; an empty
    // axis takes one empty block.
    let x = ChunkedArray::<f64, _>::zeros((5, 3), (100, 100)).unwrap();
    assert_eq!(x.chunks().sizes(), &[vec![5], vec![3]]);
    let x = ChunkedArray::<f64, _>::zeros((0, 3), (0, 2)).unwrap();
    assert_eq!(x.chunks().sizes(), &[vec![0], vec![2, 1]]);
    let x = ChunkedArray::from_array(
        Array2::<f64>::zeros((0, 3)),
        Chunks::from_sizes(vec![vec![], vec![3]]),
    )
    .unwrap();
    assert_eq!(x.chunks().sizes(), &[vec![0], vec![3]]);
    assert_eq!(x.compute().unwrap(), Array2::<f64>::zeros((0, 3)));
}

/// Blocks of `c` along an axis of `len` (`None`: the whole axis), listed
/// the long way: the model of a uniform spec.
fn blocks_of(len: usize, c: Option<usize>) -> Vec<usize> {
    let c = c.unwrap_or(len).clamp(1, len.max(1));
    let mut sizes = vec![c; len / c];
    if !len.is_multiple_of(c) || len == 0 {
        sizes.push(len % c);
    }
    sizes
}

fn dask_specs_body<D: Dimension>(case: &Case) {
    let a = typed::<f64, D>(floats(&case.shape, 61));
    let shape = &case.shape;
    let mut specs: Vec<(String, ChunkSpec, Vec<Option<usize>>)> = vec![
        ("2".into(), ChunkSpec::from(2), vec![Some(2); case.ndim()]),
        (
            "3_usize".into(),
            ChunkSpec::from(3_usize),
            vec![Some(3); case.ndim()],
        ),
        ("-1".into(), ChunkSpec::from(-1), vec![None; case.ndim()]),
        ("whole".into(), Chunks::whole(), vec![None; case.ndim()]),
    ];
    // -1 on each axis in turn, 2 elsewhere, as a Vec<isize> and an IxDyn-like slice.
    for k in 0..case.ndim() {
        let lengths: Vec<isize> = (0..case.ndim())
            .map(|a| if a == k { -1 } else { 2 })
            .collect();
        let model = (0..case.ndim()).map(|a| (a != k).then_some(2)).collect();
        specs.push((
            format!("{lengths:?}"),
            ChunkSpec::from(lengths.clone()),
            model,
        ));
        let as_i64: Vec<i64> = lengths.iter().map(|&n| n as i64).collect();
        let model = (0..case.ndim()).map(|a| (a != k).then_some(2)).collect();
        specs.push((format!("&{as_i64:?}"), ChunkSpec::from(&as_i64[..]), model));
    }
    for (name, spec, model) in specs {
        let what = ctx::<D>(case, &format!("chunks {name}"));
        let x = ChunkedArray::from_array(a.clone(), spec).unwrap();
        let expected: Vec<Vec<usize>> = shape
            .iter()
            .zip(&model)
            .map(|(&n, &c)| blocks_of(n, c))
            .collect();
        assert_eq!(x.chunks().sizes(), expected, "{what}");
        assert_same(&x.compute().unwrap(), &a, &what);
        let sum = x.sum().compute().unwrap().into_scalar();
        assert!(
            (sum - a.sum()).abs() <= 1e-9 * (1.0 + a.sum().abs()),
            "{what}: {sum}"
        );
    }
    // Any other negative length names its axis.
    if case.ndim() > 0 {
        let mut lengths = vec![2_isize; case.ndim()];
        let k = case.ndim() - 1;
        lengths[k] = -3;
        match ChunkedArray::from_array(a.clone(), lengths) {
            Err(e @ Error::InvalidChunks { axis, .. }) if axis == k => {
                assert!(
                    e.to_string().contains("-3") && e.to_string().contains("-1 for the whole axis"),
                    "{e}"
                );
            }
            other => panic!("{}: {other:?}", ctx::<D>(case, "-3")),
        }
        assert!(ChunkedArray::from_array(a.clone(), -2).is_err());
    }
}

#[test]
fn one_length_for_every_axis_and_minus_one_for_whole_axes_as_in_dask() {
    for_each_case!(dask_specs_body);
    // The forms a dask user writes, on a 2-D shape.
    let x = ChunkedArray::<f64, Ix2>::zeros((2500, 1500), 1000).unwrap();
    assert_eq!(
        x.chunks().sizes(),
        &[vec![1000, 1000, 500], vec![1000, 500]]
    );
    let rows = ChunkedArray::<f64, Ix2>::zeros((2500, 1500), (-1, 1000)).unwrap();
    assert_eq!(rows.chunks().sizes(), &[vec![2500], vec![1000, 500]]);
    let same = ChunkedArray::<f64, Ix2>::zeros((2500, 1500), [-1, 1000]).unwrap();
    assert_eq!(same.chunks(), rows.chunks());
    let rechunked = x.rechunk((1000, -1));
    assert_eq!(
        rechunked.chunks().sizes(),
        &[vec![1000, 1000, 500], vec![1500]]
    );
}

#[test]
fn automatic_chunks() {
    let a = Array::from_shape_fn((300, 200), |(i, j)| (i as f64 - j as f64) / 7.0);
    // Small arrays are one block.
    let x = ChunkedArray::from_array(a.clone(), Chunks::auto()).unwrap();
    assert_eq!(x.num_blocks(), 1);
    assert_eq!(x.compute().unwrap(), a);
    // A byte budget: every block fits, the blocks cover the shape.
    for bytes in [8 * 1000, 8 * 4096, 100, 1] {
        let x = ChunkedArray::from_array(a.clone(), Chunks::auto_bytes(bytes)).unwrap();
        let what = format!("auto_bytes({bytes})");
        assert_eq!(x.chunks().shape(), vec![300, 200], "{what}");
        for b in 0..x.num_blocks() {
            let shape = x.chunks().block_shape(&x.chunks().unravel(b));
            assert!(
                shape.iter().product::<usize>() * 8 <= bytes.max(8),
                "{what}: block {shape:?}"
            );
        }
        if bytes >= 8 * 1000 {
            assert!(x.num_blocks() > 1, "{what}");
            assert_eq!(x.compute().unwrap(), a, "{what}");
            let sum = x.sum_axis(Axis(1)).compute().unwrap();
            assert!(sum.abs_diff_eq(&a.sum_axis(Axis(1)), 1e-9), "{what}");
        }
    }
    // Element size matters: the same budget gives bigger blocks of u8.
    let small = ChunkedArray::<u8, _>::zeros((300, 200), Chunks::auto_bytes(8000)).unwrap();
    let big = ChunkedArray::<f64, _>::zeros((300, 200), Chunks::auto_bytes(8000)).unwrap();
    assert!(small.num_blocks() < big.num_blocks());
    // Empty and IxDyn shapes.
    let e = ChunkedArray::<f64, _>::zeros((0, 5), Chunks::auto()).unwrap();
    assert_eq!(e.compute().unwrap(), Array2::<f64>::zeros((0, 5)));
    let d = ChunkedArray::<f64, IxDyn>::ones(IxDyn(&[20, 30, 40]), Chunks::auto_bytes(8 * 2000))
        .unwrap();
    assert_eq!(d.sum().compute().unwrap().into_scalar(), 24_000.0);
    // Built-in constructors with automatic chunks.
    let l = ChunkedArray::linspace(0.0, 1.0, 10_001, Chunks::auto_bytes(8 * 1000)).unwrap();
    assert_eq!(l.compute().unwrap(), Array1::linspace(0.0, 1.0, 10_001));
}

fn persist_body<D: Dimension>(case: &Case) {
    let a = typed::<f64, D>(floats(&case.shape, 63));
    let x = chunked(&a, &case.chunks);
    let y = (&x * 2.0 + 1.0).mapv(|v| v.sin());
    let expected = a.mapv(|v| (v * 2.0 + 1.0).sin());
    let kept = y.persist().unwrap();
    let what = |op: &str| ctx::<D>(case, op);
    assert_eq!(kept.shape(), y.shape(), "{}", what("persist shape"));
    assert_eq!(kept.chunks(), y.chunks(), "{}", what("persist chunks"));
    assert_eq!(
        kept.num_tasks().unwrap(),
        kept.num_blocks(),
        "{}",
        what("persist tasks")
    );
    assert_same(&kept.compute().unwrap(), &expected, &what("persist"));
    assert_same(
        &kept.compute().unwrap(),
        &expected,
        &what("persist, second compute"),
    );
    // Further work on the persisted array, with a differently chunked one.
    let other = chunked(&a, &case.alt);
    assert_same(
        &(&kept - &other).compute().unwrap(),
        &(&expected - &a),
        &what("persisted - other"),
    );
    let again = kept.persist().unwrap();
    assert_same(&again.compute().unwrap(), &expected, &what("persist twice"));
    // A persisted value that panicked is an error, not a stored array.
    if !case.is_empty() {
        let bad = x.mapv(|_| -> f64 { panic!("no") });
        assert!(
            matches!(bad.persist(), Err(Error::TaskPanicked { .. })),
            "{}",
            what("persist panic")
        );
    }
}

#[test]
fn persist_round_trip() {
    for_each_case!(persist_body);
}

#[test]
fn display_and_debug_show_shape_chunks_dtype_and_operation() {
    let a = Array2::<f64>::zeros((13, 17));
    let x = ChunkedArray::from_array(a, (4, 5)).unwrap();
    let shown = x.to_string();
    assert!(shown.contains("f64"), "{shown}");
    assert!(shown.contains("shape=[13, 17]"), "{shown}");
    assert!(shown.contains("chunks=(4x3+1, 5x3+2)"), "{shown}");
    assert!(shown.contains("blocks=16"), "{shown}");
    assert!(shown.contains("op=from_array"), "{shown}");
    assert!(
        !shown.contains("tasks="),
        "printing never lowers the plan: {shown}"
    );
    assert_eq!(x.num_tasks().unwrap(), 16);
    assert!(shown.contains("KiB"), "{shown}"); // 13 * 17 * 8 = 1768 bytes
    assert_eq!(format!("{x:?}"), shown);
    // A reduction adds tasks: 16 partials, 2 combines of 8, 1 final (of
    // stored blocks, each its own task: in memory, small blocks are folded
    // in bands, fewer tasks on fewer threads; see tests/bands.rs).
    let kept = x.persist().unwrap();
    assert_eq!(
        kept.sum().num_tasks().unwrap() - kept.num_tasks().unwrap(),
        19
    );
    let s = x.sum();
    let shown = s.to_string();
    assert!(
        shown.contains("shape=[]") && shown.contains("op=sum"),
        "{shown}"
    );
    // Irregular, single-block and other element types.
    let y =
        ChunkedArray::<i32, _>::zeros((10, 8), Chunks::from_sizes(vec![vec![3, 1, 6], vec![8]]))
            .unwrap();
    let shown = format!("{y:?}");
    assert!(shown.contains("i32"), "{shown}");
    assert!(shown.contains("chunks=([3, 1, 6], 8)"), "{shown}");
    assert!(shown.contains("blocks=3"), "{shown}");
    assert!(shown.contains("320 B"), "{shown}");
    let b = ChunkedArray::<bool, _>::full(12, true, 4).unwrap();
    let shown = b.to_string();
    assert!(
        shown.contains("bool") && shown.contains("chunks=(4x3)"),
        "{shown}"
    );
    // An invalid array says so instead of a task count.
    let bad = &x + &ChunkedArray::<f64, _>::zeros((17, 13), (4, 5)).unwrap();
    let shown = bad.to_string();
    assert!(
        shown.contains("invalid") && shown.contains("shape mismatch"),
        "{shown}"
    );
    // The chunks' own Debug.
    let shown = format!("{:?}", Chunks::from_sizes(vec![vec![600, 400], vec![1000]]));
    assert!(
        shown.contains("600") && shown.contains("400") && shown.ends_with(", 1000)"),
        "{shown}"
    );
    assert_eq!(
        format!(
            "{:?}",
            Chunks::from_sizes(vec![vec![5, 5, 5], vec![2, 2, 1]])
        ),
        "(5x3, 2x2+1)"
    );
}

#[test]
fn typed_dimensions_from_creation() {
    // The compile-time dimension type flows through to the computed array.
    let x: ChunkedArray<f64, Ix2> = ChunkedArray::zeros((3, 4), (2, 2)).unwrap();
    let computed: Array2<f64> = x.compute().unwrap();
    assert_eq!(computed.dim(), (3, 4));
    assert_eq!(x.dim(), (3, 4));
    let v: ChunkedArray<f64, ndarray::Ix1> = x.sum_axis(Axis(0));
    assert_eq!(v.compute().unwrap(), Array1::<f64>::zeros(4));
    let d = ChunkedArray::<f64, IxDyn>::zeros(IxDyn(&[3, 4]), IxDyn(&[2, 2])).unwrap();
    assert_eq!(d.dim(), IxDyn(&[3, 4]));
    assert_eq!(
        d.sum_axis(Axis(1)).compute().unwrap(),
        ArrayD::<f64>::zeros(IxDyn(&[3]))
    );
}
