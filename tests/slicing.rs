//! Differential tests of slicing (`slice` with `s![]`, `slice_axis`,
//! `index_axis`) and `diff` against eager ndarray, and of graph culling:
//! a slice computes only the blocks it overlaps.
//!
//! Slices reorder no arithmetic, so results are compared for equality. Every
//! slice is checked on three kinds of input: an in-memory array (read in
//! place), a random array and a computed chain (both stored block by block,
//! then read through strides).

#[macro_use]
mod common;

use common::{assert_close, assert_same, chunked, ctx, floats, ints, partition, typed, Case};
use ndarray::{s, Array, ArrayD, Axis, Dimension, Ix2, IxDyn, RemoveAxis, Slice, SliceInfoElem};
use ndchunk::random::Rng;
use ndchunk::{ChunkedArray, Chunks, Error};
use proptest::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

type Lazy<T> = ChunkedArray<T, IxDyn>;

/// Per-axis slices worth trying on an axis of length `len`: whole, shifted
/// ranges, steps both ways, negative bounds, empty ranges and indices.
fn axis_choices(len: usize) -> Vec<SliceInfoElem> {
    let l = len as isize;
    let mut out = vec![
        SliceInfoElem::from(..),
        SliceInfoElem::from(Slice::new(0, None, -1)),
        SliceInfoElem::from(Slice::new(1.min(l), None, 2)),
        SliceInfoElem::from(Slice::new(0, Some(-(l / 2)), 1)),
        SliceInfoElem::from(Slice::new(l / 3, Some(l - l / 4), -3)),
        SliceInfoElem::from(Slice::new(l, None, 1)), // empty
        SliceInfoElem::from(Slice::new(-(l / 2), None, 5)),
    ];
    if len > 0 {
        out.push(SliceInfoElem::Index(l / 2));
        out.push(SliceInfoElem::Index(-1));
    }
    out
}

/// A few slice specifications for `shape`: per-axis choices rotated so
/// every choice meets every axis, sometimes with new axes around them.
fn slice_specs(shape: &[usize]) -> Vec<Vec<SliceInfoElem>> {
    let choices: Vec<Vec<SliceInfoElem>> = shape.iter().map(|&n| axis_choices(n)).collect();
    let rounds = choices.iter().map(Vec::len).max().unwrap_or(1);
    let mut specs = Vec::new();
    for r in 0..rounds {
        let mut spec: Vec<SliceInfoElem> = choices
            .iter()
            .enumerate()
            .map(|(a, c)| c[(r + 2 * a) % c.len()])
            .collect();
        match r % 3 {
            1 => spec.insert(0, SliceInfoElem::NewAxis),
            2 => spec.push(SliceInfoElem::NewAxis),
            _ => {}
        }
        specs.push(spec);
    }
    specs
}

/// The three inputs every slice is checked on, with their eager values.
fn inputs(case: &Case) -> Vec<(&'static str, Lazy<f64>, ArrayD<f64>)> {
    let a = floats(&case.shape, 11);
    let memory = chunked(&a, &case.chunks);
    let chain = &memory * 2.0 + 1.0;
    let random = Rng::seed(5)
        .standard_normal(case.shape.clone(), &case.chunks)
        .unwrap();
    let random_values = random.compute().unwrap();
    vec![
        ("in-memory", memory, a.clone()),
        ("chain", chain, a.mapv(|v| v * 2.0 + 1.0)),
        ("random", random, random_values),
    ]
}

#[test]
fn slices_match_ndarray_on_every_case_and_input() {
    for case in common::cases() {
        for (kind, x, a) in inputs(&case) {
            for spec in slice_specs(&case.shape) {
                let what = format!("{} slice {spec:?} of {kind}", ctx::<IxDyn>(&case, ""));
                let expected = a.slice(spec.as_slice()).to_owned();
                let lazy = x.slice(spec.as_slice());
                assert_eq!(lazy.shape(), expected.shape(), "{what}");
                assert_eq!(lazy.chunks().shape(), expected.shape(), "{what}: chunks");
                assert_same(&lazy.compute().unwrap(), &expected, &what);
                // A reduction of the slice reads it strip by strip.
                let sum = lazy.sum().compute().unwrap().into_scalar();
                let reference = expected.sum();
                assert!(
                    (sum - reference).abs() <= 1e-9 * (1.0 + reference.abs()),
                    "{what}: sum {sum} vs {reference}"
                );
            }
        }
    }
}

#[test]
fn slices_of_views_compose_with_ndarray() {
    let a = floats(&[9, 14], 3).into_dimensionality::<Ix2>().unwrap();
    let chunks = Chunks::from_sizes(vec![vec![2, 4, 3], vec![5, 5, 4]]);
    let x = chunked(&a, &chunks);
    // Slice of a slice: one view of the array.
    let twice = x.slice(s![1..;2, ..;-1]).slice(s![1.., 2..9;3]);
    let expected = a.slice(s![1..;2, ..;-1]).slice(s![1.., 2..9;3]).to_owned();
    assert_same(&twice.compute().unwrap(), &expected, "slice of a slice");
    // Slice of a transpose, and transpose of a slice.
    let st = x.t().slice(s![3..11;-2, 1]);
    assert_same(
        &st.compute().unwrap(),
        &a.t().slice(s![3..11;-2, 1]).to_owned(),
        "slice of t()",
    );
    let ts = x.slice(s![..;-2, 4..]).t();
    assert_same(
        &ts.compute().unwrap(),
        &a.slice(s![..;-2, 4..]).t().to_owned(),
        "t() of slice",
    );
    // A broadcast row taken from a slice, combined with the matrix.
    let row = x.slice(s![4..5, ..]);
    let sum = (&x + &row).compute().unwrap();
    assert_same(&sum, &(&a + &a.slice(s![4..5, ..])), "matrix + sliced row");
    // A column (index, then new axis) against the matrix.
    let column = x.slice(s![.., 3, ndarray::NewAxis]);
    let product = (&x * &column).compute().unwrap();
    let eager_column = a.slice(s![.., 3, ndarray::NewAxis]);
    assert_same(&product, &(&a * &eager_column), "matrix * sliced column");
    // Views of one input in one graph are not confused with each other.
    let left = x.slice(s![.., ..7]);
    let right = x.slice(s![.., 7..]);
    let both = (&left - &right).compute().unwrap();
    assert_same(
        &both,
        &(&a.slice(s![.., ..7]) - &a.slice(s![.., 7..])),
        "left - right",
    );
}

#[test]
fn slice_axis_and_index_axis_match_ndarray() {
    fn check<D: Dimension + RemoveAxis>(case: &Case) {
        let a: Array<i64, D> = typed(ints(&case.shape, 17, -500, 500));
        let x = chunked(&a, &case.chunks);
        for k in 0..case.ndim() {
            let len = case.shape[k] as isize;
            for slice in [
                Slice::new(1.min(len), None, 1),
                Slice::new(0, Some(-1.min(len)), -2),
            ] {
                let what = ctx::<D>(case, &format!("slice_axis({k}, {slice:?})"));
                let got = x.slice_axis(Axis(k), slice).compute().unwrap();
                assert_same(&got, &a.slice_axis(Axis(k), slice).to_owned(), &what);
            }
            for index in [0, case.shape[k] / 2, case.shape[k].saturating_sub(1)] {
                if index < case.shape[k] {
                    let what = ctx::<D>(case, &format!("index_axis({k}, {index})"));
                    let got = x.index_axis(Axis(k), index).compute().unwrap();
                    assert_same(&got, &a.index_axis(Axis(k), index).to_owned(), &what);
                }
            }
        }
    }
    for_each_case!(check);
}

#[test]
fn diff_matches_ndarray_along_every_axis() {
    fn check<D: Dimension + RemoveAxis>(case: &Case) {
        let a: Array<f64, D> = typed(floats(&case.shape, 23));
        let i: Array<i64, D> = typed(ints(&case.shape, 29, -1000, 1000));
        let (x, y) = (chunked(&a, &case.chunks), chunked(&i, &case.alt));
        for k in 0..case.ndim() {
            // numpy allows the whole length (an empty result); ndarray does not.
            let whole = x.diff(case.shape[k], Axis(k)).compute().unwrap();
            assert_eq!(
                whole.shape()[k],
                0,
                "{}",
                ctx::<D>(case, "diff of the whole length")
            );
            for n in 0..case.shape[k].min(4) {
                let what = ctx::<D>(case, &format!("diff({n}, Axis({k}))"));
                let expected = a.diff(n, Axis(k));
                assert_close(
                    &x.diff(n, Axis(k)).compute().unwrap().into_dyn(),
                    &expected.into_dyn(),
                    1e-12,
                    1e-12,
                    &what,
                );
                let got = y.diff(n, Axis(k)).compute().unwrap();
                assert_same(&got, &i.diff(n, Axis(k)), &what);
            }
        }
    }
    for_each_case!(check);
}

#[test]
fn a_slice_computes_only_the_blocks_it_overlaps() {
    // 10^10 elements: computing every block would take minutes and 80 GB.
    let big = Rng::seed(3)
        .standard_normal((100_000, 100_000), (1000, 1000))
        .unwrap();
    let corner = big.slice(s![..10, ..10]);
    // Random values are drawn by element index: the slice reads the draw
    // directly, one task drawing 100 values.
    assert_eq!(corner.num_tasks().unwrap(), 1, "one slice task");
    let values = corner.compute().unwrap();
    let block = big.slice(s![..1000, ..1000]).compute().unwrap();
    assert_same(&values, &block.slice(s![..10, ..10]).to_owned(), "corner");
    // Across a block corner: four slice blocks, drawn in place.
    let middle = big.slice(s![995..1005, 1995..2005]);
    assert_eq!(middle.num_tasks().unwrap(), 4);
    // A reduction of a slice: four partial sums and their combination.
    assert_eq!(middle.sum().num_tasks().unwrap(), 4 + 1);
    // A stepped slice through a column of blocks.
    let column = big.slice(s![..;10_000, 5]);
    assert_eq!(column.shape(), &[10]);
    assert_eq!(column.num_tasks().unwrap(), 10);

    // Counted: a user closure is evaluated only on the overlapped blocks.
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let x = ChunkedArray::from_fn((400, 400), (100, 100), move |(i, j)| {
        counter.fetch_add(1, Ordering::Relaxed);
        (i * 400 + j) as f64
    })
    .unwrap();
    let (top, bottom) = (x.slice(s![..50, 150..250]), x.slice(s![350.., ..;-1]));
    let (t, b) = ndchunk::compute((&top, &bottom)).unwrap();
    assert_eq!(t[[0, 0]], 150.0);
    assert_eq!(b[[0, 0]], (350 * 400 + 399) as f64);
    assert_eq!(
        calls.load(Ordering::Relaxed),
        (2 + 4) * 100 * 100,
        "blocks [0, 1], [0, 2] for the top, the bottom row of four for the bottom"
    );
}

#[test]
fn bad_slices_are_errors_naming_the_axis() {
    let x = ChunkedArray::from_array(
        Array::from_shape_fn((4, 6), |(i, j)| (i + j) as f64),
        (2, 3),
    )
    .unwrap();
    let message = |r: ndchunk::Result<_>| match r {
        Err(e) => e.to_string(),
        Ok(_) => panic!("expected an error"),
    };
    let m = message(x.slice(s![4, ..]).compute().map(|_| ()));
    assert!(
        m.contains("index 4") && m.contains("axis 0") && m.contains("length 4"),
        "{m}"
    );
    let m = message(x.slice(s![.., 7..]).compute().map(|_| ()));
    assert!(m.contains("start 7") && m.contains("axis 1"), "{m}");
    let m = message(x.slice(s![.., ..-7]).compute().map(|_| ()));
    assert!(m.contains("end -7") && m.contains("axis 1"), "{m}");
    let zero_step = [
        SliceInfoElem::from(..),
        SliceInfoElem::from(Slice::new(0, None, 0)),
    ];
    let dynamic = x.clone().into_dyn();
    let m = message(dynamic.slice(&zero_step[..]).compute().map(|_| ()));
    assert!(m.contains("step on axis 1"), "{m}");
    let one = [SliceInfoElem::from(..)];
    assert!(matches!(
        dynamic.slice(&one[..]).compute(),
        Err(Error::RankMismatch {
            expected: 2,
            got: 1,
            ..
        })
    ));
    assert!(matches!(
        x.index_axis(Axis(2), 0).compute(),
        Err(Error::AxisOutOfBounds { axis: 2, .. })
    ));
    assert!(matches!(
        x.slice_axis(Axis(3), Slice::from(..)).compute(),
        Err(Error::AxisOutOfBounds { axis: 3, .. })
    ));
    let m = message(x.diff(5, Axis(0)).compute().map(|_| ()));
    assert!(m.contains("order 5") && m.contains("length 4"), "{m}");
    // The array still works afterwards.
    assert_eq!(x.slice(s![3, 5]).compute().unwrap().into_scalar(), 8.0);
}

/// A slice of one axis of length `len`: start, end and step as ndarray reads them.
fn slice_strategy(len: usize) -> BoxedStrategy<SliceInfoElem> {
    let l = len as isize;
    let range = (-l..=l, -l..=l, prop_oneof![-4isize..=-1, 1isize..=4])
        .prop_map(|(start, end, step)| SliceInfoElem::from(Slice::new(start, Some(end), step)));
    if len == 0 {
        return range.boxed();
    }
    let index = (-l..l).prop_map(SliceInfoElem::Index);
    prop_oneof![range, index].boxed()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn random_slices_of_random_chunkings_match_ndarray(
        (shape, sizes, spec) in proptest::collection::vec(0usize..12, 1..4)
            .prop_flat_map(|shape| {
                let sizes: Vec<_> = shape.iter().map(|&n| partition(n)).collect();
                let spec: Vec<_> = shape.iter().map(|&n| slice_strategy(n)).collect();
                (Just(shape), sizes, spec)
            })
    ) {
        let a = floats(&shape, 41);
        let x = chunked(&a, &Chunks::from_sizes(sizes.clone()));
        let expected = a.slice(spec.as_slice()).to_owned();
        // Read in place, and read from stored blocks of a computed chain.
        prop_assert_eq!(x.slice(spec.as_slice()).compute().unwrap(), expected.clone());
        let chain = (&x + 0.5).slice(spec.as_slice()).compute().unwrap();
        prop_assert_eq!(chain, expected.mapv(|v| v + 0.5));
    }
}

/// A slice of an axis of length `len` with a step (never an index, so the
/// axis stays and its chunks can be compared).
fn range_strategy(len: usize) -> BoxedStrategy<Slice> {
    let l = len as isize;
    (-l..=l, -l..=l, prop_oneof![-7isize..=-1, 1isize..=7])
        .prop_map(|(start, end, step)| Slice::new(start, Some(end), step))
        .boxed()
}

/// The chunks a view must have, from first principles: along every axis,
/// the input index each output element reads (`slices` applied to
/// `0..len`), grouped into runs that fall in one input block.
fn walked_chunks(chunks: &Chunks, slices: &[Vec<Slice>]) -> Vec<Vec<usize>> {
    (0..chunks.ndim())
        .map(|a| {
            let mut index = ndarray::Array1::from_iter(0..chunks.axis_len(a));
            for spec in slices {
                index = index.slice_axis(Axis(0), spec[a]).to_owned();
            }
            let block =
                |i: usize| (0..chunks.num_blocks_on(a)).rfind(|&b| chunks.block_start(a, b) <= i);
            let mut runs: Vec<(Option<usize>, usize)> = Vec::new();
            for &i in &index {
                match runs.last_mut() {
                    Some((b, n)) if *b == block(i) => *n += 1,
                    _ => runs.push((block(i), 1)),
                }
            }
            let sizes: Vec<usize> = runs.into_iter().map(|(_, n)| n).collect();
            if sizes.is_empty() {
                vec![0]
            } else {
                sizes
            }
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Slices of uniform grids (kept regular, computed arithmetically) and
    /// slices of those slices (regular grids starting inside a block) have
    /// the chunks of the walk over the listed blocks, and ndarray's values.
    #[test]
    fn slices_of_uniform_grids_have_the_chunks_of_the_walk(
        (shape, block, first, second) in proptest::collection::vec(0usize..40, 1..3)
            .prop_flat_map(|shape| {
                let block: Vec<_> = shape.iter().map(|&n| 1..=n.max(1) + 1).collect();
                let first: Vec<_> = shape.iter().map(|&n| range_strategy(n)).collect();
                (Just(shape), block, first)
            })
            .prop_flat_map(|(shape, block, first)| {
                let a = ndarray::ArrayD::<usize>::zeros(IxDyn(&shape));
                let info: Vec<SliceInfoElem> = first.iter().map(|&s| s.into()).collect();
                let inner = a.slice(info.as_slice()).shape().to_vec();
                let second: Vec<_> = inner.iter().map(|&n| range_strategy(n)).collect();
                (Just(shape), Just(block), Just(first), second)
            })
    ) {
        let a = floats(&shape, 43);
        // A uniform spec: regular axes, never listed.
        let x = ChunkedArray::from_array(a.clone(), block).unwrap();
        let as_info = |s: &[Slice]| -> Vec<SliceInfoElem> { s.iter().map(|&s| s.into()).collect() };
        let once = x.slice(as_info(&first).as_slice());
        let twice = once.slice(as_info(&second).as_slice());
        let expected_once = a.slice(as_info(&first).as_slice()).to_owned();
        let expected_twice = expected_once.slice(as_info(&second).as_slice()).to_owned();
        prop_assert_eq!(once.chunks().sizes(), walked_chunks(x.chunks(), std::slice::from_ref(&first)));
        prop_assert_eq!(twice.chunks().sizes(), walked_chunks(x.chunks(), &[first, second]));
        prop_assert_eq!(once.compute().unwrap(), expected_once);
        prop_assert_eq!(twice.compute().unwrap(), expected_twice);
    }
}
