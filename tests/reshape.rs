//! Differential tests of `rechunk`, `reshape`, `concatenate` and `stack`
//! against eager ndarray. None of them does arithmetic, so results are
//! compared for equality; the chunks they promise are checked too, and the
//! plans where a rule decides them (an intermediate rechunk, no rechunk
//! before a reshape that does not need one).

#[macro_use]
mod common;

use common::{assert_same, chunked, ctx, floats, partition, small_shape as shape, typed, Case};
use ndarray::{Array, ArrayD, Axis, Dimension, IxDyn};
use ndchunk::{concatenate, stack, ChunkSpec, ChunkedArray, Chunks, Error};
use proptest::collection::vec;
use proptest::prelude::*;

type Lazy<T> = ChunkedArray<T, IxDyn>;

/// `a` chunked as `chunks`, as `IxDyn`.
fn lazy(a: &ArrayD<f64>, chunks: &Chunks) -> Lazy<f64> {
    ChunkedArray::from_array(a.clone(), chunks).expect("valid chunks")
}

/// Number of rechunk steps in `x`'s plan.
fn rechunks<T: ndchunk::element::Element, D: Dimension>(x: &ChunkedArray<T, D>) -> usize {
    x.explain().matches("rechunk").count()
}

// ---------------------------------------------------------------------------
// rechunk
// ---------------------------------------------------------------------------

/// Every case rechunked to its other chunking, to blocks of 2 and to one
/// block, from an in-memory array and from a computed (stored) one.
fn rechunk_case<D: Dimension>(case: &Case) {
    let a: Array<f64, D> = typed(floats(&case.shape, 1));
    let x = chunked(&a, &case.chunks);
    let computed = &x * 2.0 + 1.0;
    let twice = &a * 2.0 + 1.0;
    let targets = [
        case.alt.clone(),
        ChunkSpec::from(IxDyn(&vec![2; case.ndim()]))
            .resolve(&case.shape, 8)
            .unwrap(),
        Chunks::single(&case.shape),
    ];
    for target in targets {
        let what = ctx::<D>(case, &format!("rechunk to {target:?}"));
        let y = x.rechunk(&target);
        assert_eq!(y.chunks(), &target, "{what}");
        assert_same(&y.compute().unwrap(), &a, &what);
        let z = computed.rechunk(&target);
        assert_same(&z.compute().unwrap(), &twice, &format!("computed {what}"));
    }
}

#[test]
fn rechunk_matches_the_input_on_every_case() {
    for_each_case!(rechunk_case);
}

#[test]
fn rechunk_to_the_same_chunks_is_the_array_itself() {
    let x = ChunkedArray::<f64, _>::ones((10, 7), (3, 7)).unwrap();
    let same = x.rechunk((3, 7));
    assert_eq!(rechunks(&same), 0, "{}", same.explain());
    assert_eq!(same.num_tasks().unwrap(), x.num_tasks().unwrap());
}

#[test]
fn rechunk_of_irregular_blocks_in_four_dimensions() {
    let shape = [5, 4, 3, 6];
    let a = floats(&shape, 7);
    let from = Chunks::from_sizes(vec![vec![2, 3], vec![1, 1, 2], vec![3], vec![4, 2]]);
    let to = Chunks::from_sizes(vec![vec![1, 3, 1], vec![4], vec![1, 2], vec![1, 1, 1, 3]]);
    let y = lazy(&a, &from).rechunk(&to);
    assert_eq!(y.chunks(), &to);
    assert_same(&y.compute().unwrap(), &a, "4-D irregular rechunk");
}

#[test]
fn rows_of_blocks_to_columns_of_blocks_go_through_an_intermediate() {
    // Dask's example: 10 row blocks to 10 column blocks would make every
    // output read every input (100 edges); merged into one 800-byte block
    // first, 20 edges.
    let a = floats(&[10, 10], 3);
    let x = lazy(&a, &ChunkSpec::from((10, 1)).resolve(&[10, 10], 8).unwrap());
    let y = x.rechunk((1, 10));
    assert_eq!(rechunks(&y), 2, "{}", y.explain());
    assert!(y.explain().contains("chunks (10, 10)"), "{}", y.explain());
    assert_eq!(y.num_tasks().unwrap(), 10 + 1 + 10);
    assert_same(&y.compute().unwrap(), &a, "rechunk through an intermediate");
    // Bigger: 60 x 60 from rows to columns, values through the two steps.
    let a = floats(&[60, 60], 4);
    let x = lazy(&a, &ChunkSpec::from((1, 60)).resolve(&[60, 60], 8).unwrap());
    let y = x.rechunk((60, 1));
    assert_eq!(rechunks(&y), 2, "{}", y.explain());
    assert_same(&y.compute().unwrap(), &a, "60 x 60 rows to columns");
    // Merging along one axis only: direct.
    let y = x.rechunk((6, 60));
    assert_eq!(rechunks(&y), 1, "{}", y.explain());
}

#[test]
fn rechunk_with_bad_chunks_is_an_error_naming_them() {
    let x = ChunkedArray::<f64, _>::zeros((10, 4), (5, 2)).unwrap();
    let e = x.rechunk((5, 0)).compute().unwrap_err();
    assert!(e.to_string().contains("axis 1"), "{e}");
    let e = x.rechunk((5, 2, 1)).compute().unwrap_err();
    assert!(
        matches!(
            e,
            Error::RankMismatch {
                expected: 2,
                got: 3,
                ..
            }
        ),
        "{e}"
    );
    let e = x
        .rechunk(Chunks::from_sizes(vec![vec![3, 3], vec![4]]))
        .compute()
        .unwrap_err();
    assert!(
        e.to_string().contains("sum to 6") && e.to_string().contains("length 10"),
        "{e}"
    );
}

/// A random partition of every axis.
fn chunking(shape: &[usize]) -> impl Strategy<Value = Chunks> {
    shape
        .iter()
        .map(|&n| partition(n))
        .collect::<Vec<_>>()
        .prop_map(Chunks::from_sizes)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn rechunk_then_compute_is_compute(
        (shape, from, to) in shape().prop_flat_map(|s| (Just(s.clone()), chunking(&s), chunking(&s)))
    ) {
        let a = floats(&shape, 5);
        let x = lazy(&a, &from);
        let y = x.rechunk(&to);
        let target = ChunkSpec::from(&to).resolve(&shape, 8).unwrap();
        prop_assert_eq!(y.chunks(), &target);
        prop_assert_eq!(y.compute().unwrap(), a.clone());
        // And through a consumer: a sum of the rechunked array.
        let s = y.sum().compute().unwrap().into_scalar();
        prop_assert!((s - a.sum()).abs() <= 1e-9 * (1.0 + a.iter().map(|v| v.abs()).sum::<f64>()));
    }
}

// ---------------------------------------------------------------------------
// reshape
// ---------------------------------------------------------------------------

/// Block lengths per axis.
type Sizes = Vec<Vec<usize>>;

/// (shape, chunks, new shape, whether the input needs a rechunk first).
fn reshape_cases() -> Vec<(Vec<usize>, Sizes, Vec<usize>, bool)> {
    vec![
        // Merging axes: rows already whole.
        (vec![6, 5], vec![vec![2, 4], vec![5]], vec![30], false),
        // Merging axes whose last one is split: rechunked.
        (vec![6, 5], vec![vec![3, 3], vec![2, 3]], vec![30], true),
        // Splitting an axis, blocks on whole rows of the new last axis.
        (vec![12], vec![vec![4, 8]], vec![3, 4], false),
        (vec![12], vec![vec![5, 7]], vec![3, 4], true),
        (vec![24], vec![vec![24]], vec![2, 3, 4], false),
        // Adding and removing axes of length 1.
        (
            vec![4, 6],
            vec![vec![1, 3], vec![2, 4]],
            vec![1, 4, 1, 6],
            false,
        ),
        (
            vec![1, 4, 1, 6],
            vec![vec![1], vec![3, 1], vec![1], vec![6]],
            vec![4, 6],
            false,
        ),
        (
            vec![3, 1, 4],
            vec![vec![2, 1], vec![1], vec![4]],
            vec![3, 4, 1],
            false,
        ),
        // Several axes on both sides of one group.
        (vec![4, 6], vec![vec![3, 1], vec![6]], vec![6, 4], true),
        (vec![4, 6], vec![vec![2, 2], vec![6]], vec![3, 8], true),
        (vec![4, 6], vec![vec![4], vec![6]], vec![3, 8], false),
        (
            vec![2, 3, 4, 5],
            vec![vec![1, 1], vec![2, 1], vec![4], vec![2, 3]],
            vec![6, 20],
            true,
        ),
        (
            vec![2, 3, 4, 5],
            vec![vec![1, 1], vec![3], vec![1, 3], vec![5]],
            vec![2, 60],
            true,
        ),
        (
            vec![6, 20],
            vec![vec![4, 2], vec![20]],
            vec![2, 3, 4, 5],
            true,
        ),
        // One block, and an array of one element.
        (vec![5, 4], vec![vec![5], vec![4]], vec![2, 10], false),
        (vec![1, 1], vec![vec![1], vec![1]], vec![1], false),
        // No element: any shape with a zero.
        (vec![0, 4], vec![vec![0], vec![2, 2]], vec![2, 0, 3], true),
        (vec![3, 0], vec![vec![3], vec![0]], vec![0], false),
    ]
}

#[test]
fn reshape_matches_ndarray() {
    for (shape, sizes, new, rechunked) in reshape_cases() {
        let what = format!("reshape {shape:?} chunked {sizes:?} into {new:?}");
        let a = floats(&shape, 11);
        let x = lazy(&a, &Chunks::from_sizes(sizes));
        let expected = a.to_shape(IxDyn(&new)).unwrap().into_owned();
        let y = x.reshape(IxDyn(&new));
        assert_eq!(y.shape(), new.as_slice(), "{what}");
        assert_eq!(y.chunks().shape(), new, "{what}");
        assert_same(&y.compute().unwrap(), &expected, &what);
        assert_eq!(rechunks(&y) > 0, rechunked, "{what}: {}", y.explain());
        // From a computed array (stored blocks), to a static dimension type.
        let z = (&x + 1.0).reshape(IxDyn(&new));
        assert_same(&z.compute().unwrap(), &(&expected + 1.0), &what);
    }
}

#[test]
fn reshape_to_static_dimensions_and_back() {
    let a = Array::from_shape_fn((6, 4), |(i, j)| (i * 4 + j) as i64);
    let x = ChunkedArray::from_array(a.clone(), (2, 4)).unwrap();
    let flat = x.reshape(24);
    assert_eq!(flat.compute().unwrap(), Array::from_iter(0..24));
    let cube = flat.reshape((2, 3, 4));
    assert_eq!(
        cube.compute().unwrap(),
        a.clone().into_shape_with_order((2, 3, 4)).unwrap()
    );
    assert_eq!(cube.reshape((6, 4)).compute().unwrap(), a);
    let zero_d = ChunkedArray::from_array(ndarray::arr0(3.5), ()).unwrap();
    assert_eq!(
        zero_d.reshape((1, 1)).compute().unwrap(),
        ndarray::arr2(&[[3.5]])
    );
    assert_eq!(
        zero_d.reshape((1, 1)).reshape(()).compute().unwrap(),
        ndarray::arr0(3.5)
    );
}

#[test]
fn reshape_to_another_number_of_elements_is_an_error_naming_both_shapes() {
    let x = ChunkedArray::<f64, _>::zeros((4, 6), (2, 3)).unwrap();
    let e = x.reshape((5, 5)).compute().unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("[4, 6]") && text.contains("[5, 5]") && text.contains("24"),
        "{e}"
    );
    let e = x.reshape((usize::MAX, 2)).compute().unwrap_err();
    assert!(e.to_string().contains("too many elements"), "{e}");
}

/// A shape and another one of as many elements: the same factors, grouped
/// into axes in two ways and (for the second) in another order.
fn two_shapes() -> impl Strategy<Value = (Vec<usize>, Vec<usize>)> {
    vec(1usize..=4, 0..=5).prop_flat_map(|factors| {
        let n = factors.len();
        (
            Just(factors.clone()),
            Just(factors).prop_shuffle(),
            vec(any::<bool>(), n),
            vec(any::<bool>(), n),
        )
            .prop_map(|(a, b, cut_a, cut_b)| (group(&a, &cut_a), group(&b, &cut_b)))
    })
}

/// `factors` multiplied into axes, a new axis after every `cut`.
fn group(factors: &[usize], cut: &[bool]) -> Vec<usize> {
    let mut shape = vec![1];
    for (&f, &c) in factors.iter().zip(cut) {
        *shape.last_mut().unwrap() *= f;
        if c {
            shape.push(1);
        }
    }
    shape
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn reshape_matches_ndarray_on_random_shapes(
        (shape, new, from) in two_shapes().prop_flat_map(|(s, t)| {
            let c = chunking(&s);
            (Just(s), Just(t), c)
        })
    ) {
        let a = floats(&shape, 13);
        let y = lazy(&a, &from).reshape(IxDyn(&new));
        let expected = a.to_shape(IxDyn(&new)).unwrap().into_owned();
        prop_assert_eq!(y.compute().unwrap(), expected);
    }
}

// ---------------------------------------------------------------------------
// concatenate and stack
// ---------------------------------------------------------------------------

/// Arrays of `shapes` with the chunkings `sizes`, and their values.
fn inputs(shapes: &[Vec<usize>], sizes: &[Sizes]) -> (Vec<Lazy<f64>>, Vec<ArrayD<f64>>) {
    shapes
        .iter()
        .zip(sizes)
        .enumerate()
        .map(|(i, (s, c))| {
            let a = floats(s, 20 + i as u64);
            (lazy(&a, &Chunks::from_sizes(c.clone())), a)
        })
        .unzip()
}

#[test]
fn concatenate_matches_ndarray() {
    // (axis, shapes, chunkings)
    let cases: Vec<(usize, Vec<Vec<usize>>, Vec<Sizes>)> = vec![
        (
            0,
            vec![vec![5], vec![3]],
            vec![vec![vec![2, 3]], vec![vec![3]]],
        ),
        (
            0,
            vec![vec![4, 3], vec![2, 3], vec![3, 3]],
            vec![
                vec![vec![2, 2], vec![3]],
                vec![vec![2], vec![1, 2]],
                vec![vec![1, 1, 1], vec![2, 1]],
            ],
        ),
        (
            1,
            vec![vec![4, 3], vec![4, 1], vec![4, 0], vec![4, 2]],
            vec![
                vec![vec![4], vec![2, 1]],
                vec![vec![1, 3], vec![1]],
                vec![vec![2, 2], vec![0]],
                vec![vec![3, 1], vec![2]],
            ],
        ),
        (
            2,
            vec![vec![2, 3, 2], vec![2, 3, 5]],
            vec![
                vec![vec![1, 1], vec![3], vec![2]],
                vec![vec![2], vec![2, 1], vec![4, 1]],
            ],
        ),
        (
            1,
            vec![vec![1, 2, 2, 3], vec![1, 1, 2, 3]],
            vec![
                vec![vec![1], vec![1, 1], vec![2], vec![3]],
                vec![vec![1], vec![1], vec![1, 1], vec![1, 2]],
            ],
        ),
        // Empty along the axis, and all empty.
        (
            0,
            vec![vec![0, 3], vec![2, 3]],
            vec![vec![vec![0], vec![3]], vec![vec![2], vec![1, 2]]],
        ),
        (
            0,
            vec![vec![0, 2], vec![0, 2]],
            vec![vec![vec![0], vec![2]], vec![vec![0], vec![1, 1]]],
        ),
        // Empty along another axis.
        (
            0,
            vec![vec![2, 0], vec![3, 0]],
            vec![vec![vec![2], vec![0]], vec![vec![1, 2], vec![0]]],
        ),
    ];
    for (axis, shapes, sizes) in cases {
        let what = format!("concatenate along {axis} of {shapes:?} chunked {sizes:?}");
        let (xs, arrays) = inputs(&shapes, &sizes);
        let refs: Vec<&Lazy<f64>> = xs.iter().collect();
        let views: Vec<_> = arrays.iter().map(|a| a.view()).collect();
        let expected = ndarray::concatenate(Axis(axis), &views).unwrap();
        let y = concatenate(Axis(axis), &refs).unwrap();
        assert_eq!(y.chunks().shape(), expected.shape(), "{what}");
        // Along the axis: the inputs' blocks, in order (those with elements).
        let along: Vec<usize> = sizes
            .iter()
            .zip(&shapes)
            .filter(|(_, s)| s[axis] > 0)
            .flat_map(|(c, _)| c[axis].clone())
            .collect();
        if !along.is_empty() {
            assert_eq!(y.chunks().sizes()[axis], along, "{what}");
        }
        assert_same(&y.compute().unwrap(), &expected, &what);
    }
}

#[test]
fn concatenate_refines_the_other_axes_and_shares_aligned_blocks() {
    let a = floats(&[3, 6], 1);
    let b = floats(&[2, 6], 2);
    let x = lazy(&a, &Chunks::from_sizes(vec![vec![3], vec![2, 4]]));
    let y = lazy(&b, &Chunks::from_sizes(vec![vec![1, 1], vec![3, 3]]));
    let c = concatenate(Axis(0), &[&x, &y]).unwrap();
    assert_eq!(c.chunks().sizes(), &[vec![3, 1, 1], vec![2, 1, 3]]);
    let expected = ndarray::concatenate(Axis(0), &[a.view(), b.view()]).unwrap();
    assert_same(&c.compute().unwrap(), &expected, "refined concatenate");
    // Same chunks along the other axes: no rechunk, one task per block.
    let z = lazy(&b, &Chunks::from_sizes(vec![vec![1, 1], vec![2, 4]]));
    let c = concatenate(Axis(0), &[&x, &z]).unwrap();
    assert_eq!(rechunks(&c), 0, "{}", c.explain());
    // 2 + 4 input blocks (from_array leaves) and 6 output blocks.
    assert_eq!(c.num_tasks().unwrap(), 12);
}

#[test]
fn stack_matches_ndarray() {
    for axis in 0..=2 {
        let shapes = vec![vec![3, 4]; 3];
        let sizes = vec![
            vec![vec![3], vec![2, 2]],
            vec![vec![1, 2], vec![4]],
            vec![vec![2, 1], vec![1, 3]],
        ];
        let (xs, arrays) = inputs(&shapes, &sizes);
        let refs: Vec<&Lazy<f64>> = xs.iter().collect();
        let views: Vec<_> = arrays.iter().map(|a| a.view()).collect();
        let expected = ndarray::stack(Axis(axis), &views).unwrap();
        let y = stack(Axis(axis), &refs).unwrap();
        assert_eq!(
            y.chunks().sizes()[axis],
            vec![1, 1, 1],
            "stack along {axis}"
        );
        assert_same(
            &y.compute().unwrap(),
            &expected,
            &format!("stack along {axis}"),
        );
    }
    // Typed: 1-D arrays to a 2-D array; 0-d arrays to a 1-D one; empty arrays.
    let a = ChunkedArray::from_array(ndarray::array![1, 2, 3], 2).unwrap();
    let b = ChunkedArray::from_array(ndarray::array![4, 5, 6], 1).unwrap();
    let s: ChunkedArray<i32, ndarray::Ix2> = stack(Axis(0), &[&a, &b, &a]).unwrap();
    assert_eq!(
        s.compute().unwrap(),
        ndarray::array![[1, 2, 3], [4, 5, 6], [1, 2, 3]]
    );
    let p = ChunkedArray::from_array(ndarray::arr0(1.5), ()).unwrap();
    let q = ChunkedArray::from_array(ndarray::arr0(2.5), ()).unwrap();
    assert_eq!(
        stack(Axis(0), &[&p, &q]).unwrap().compute().unwrap(),
        ndarray::array![1.5, 2.5]
    );
    let e = ChunkedArray::<f64, _>::zeros((0, 2), (1, 1)).unwrap();
    let s = stack(Axis(1), &[&e, &e]).unwrap();
    assert_eq!(s.compute().unwrap(), Array::<f64, _>::zeros((0, 2, 2)));
}

#[test]
fn joining_bad_inputs_is_an_error_naming_the_array_and_shapes() {
    let a = ChunkedArray::<f64, _>::zeros((2, 3), (1, 3)).unwrap();
    let b = ChunkedArray::<f64, _>::zeros((2, 4), (2, 2)).unwrap();
    let none: [&ChunkedArray<f64, ndarray::Ix2>; 0] = [];
    let e = concatenate(Axis(0), &none).unwrap_err();
    assert!(e.to_string().contains("at least one array"), "{e}");
    let e = stack(Axis(0), &none).unwrap_err();
    assert!(e.to_string().contains("at least one array"), "{e}");
    let e = concatenate(Axis(0), &[&a, &a, &b]).unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("array 2") && text.contains("[2, 4]") && text.contains("[2, 3]"),
        "{e}"
    );
    assert!(concatenate(Axis(1), &[&a, &b]).is_ok());
    let e = concatenate(Axis(2), &[&a, &b]).unwrap_err();
    assert!(
        matches!(
            e,
            Error::AxisOutOfBounds {
                axis: 2,
                ndim: 2,
                ..
            }
        ),
        "{e}"
    );
    let e = stack(Axis(1), &[&a, &b]).unwrap_err();
    assert!(
        e.to_string().contains("array 1") && e.to_string().contains("[2, 4]"),
        "{e}"
    );
    let e = stack(Axis(3), &[&a, &a]).unwrap_err();
    assert!(
        matches!(
            e,
            Error::AxisOutOfBounds {
                axis: 3,
                ndim: 3,
                ..
            }
        ),
        "{e}"
    );
    // One array: itself.
    let one = concatenate(Axis(1), &[&b]).unwrap();
    assert_eq!(one.num_tasks().unwrap(), b.num_tasks().unwrap());
}
