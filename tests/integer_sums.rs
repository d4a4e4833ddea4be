//! Issue 9: integer sums must not wrap silently. Small integers and `bool`
//! are summed (and multiplied, scanned, matrix-multiplied) in 64 bits, as
//! numpy does; a result that does not fit even there is an overflow error
//! naming the operation and the block; means of integers are f64. The
//! differential tests over every case shape are in `reductions.rs`,
//! `scans.rs` and `properties.rs`; these are the examples and the
//! error paths.

#[macro_use]
mod common;

use common::{assert_exact_or_overflow, assert_same, chunked, ctx, ints, is_overflow, typed, Case};
use ndarray::{array, Array, Array1, Array2, ArrayD, Axis, Ix0, Ix1, IxDyn, RemoveAxis};
use ndchunk::{tensordot, ChunkedArray, Error, Options};

/// The error of `result`, which must be an overflow of `op` in `ty` inside
/// a `TaskFailed`; its message.
#[track_caller]
fn overflow<T: std::fmt::Debug>(result: ndchunk::Result<T>, op: &str, ty: &str) -> String {
    let err = result.expect_err("an overflow error");
    assert!(
        is_overflow(&err, op, ty),
        "expected an overflow of `{op}` in {ty}: {err:?}"
    );
    let message = err.to_string();
    assert!(
        message.contains("integer overflow")
            && message.contains(&format!("`{op}`"))
            && message.contains(ty),
        "{message}"
    );
    message
}

/// The task named by an error.
fn task(err: &Error) -> &str {
    match err {
        Error::TaskFailed { task, .. } => task,
        other => panic!("not a task error: {other:?}"),
    }
}

#[test]
fn three_hundred_u8_ones_sum_to_300() {
    let ones = Array1::from_elem(300, 1_u8);
    for chunk in [1, 7, 100, 300] {
        let x = ChunkedArray::from_array(ones.clone(), chunk).unwrap();
        let sum: ChunkedArray<u64, Ix0> = x.sum();
        assert_eq!(
            sum.compute().unwrap().into_scalar(),
            300_u64,
            "chunks of {chunk}"
        );
        assert_eq!(x.mean().compute().unwrap().into_scalar(), 1.0_f64);
    }
    let grid = ChunkedArray::from_array(Array2::from_elem((300, 2), 1_u8), (64, 1)).unwrap();
    assert_eq!(
        grid.sum_axis(Axis(0)).compute().unwrap(),
        array![300_u64, 300]
    );
}

#[test]
fn i32_max_plus_one_is_2147483648() {
    let x = ChunkedArray::from_array(array![i32::MAX, 1], 1).unwrap();
    let sum: ChunkedArray<i64, Ix0> = x.sum();
    assert_eq!(sum.compute().unwrap().into_scalar(), 2_147_483_648_i64);
    assert_eq!(
        x.cumsum_axis(Axis(0)).compute().unwrap(),
        array![2_147_483_647_i64, 2_147_483_648]
    );
    let y = ChunkedArray::from_array(array![i32::MIN, -1, i32::MIN], 2).unwrap();
    assert_eq!(
        y.sum().compute().unwrap().into_scalar(),
        2 * i64::from(i32::MIN) - 1
    );
    assert_eq!(y.prod().compute().unwrap().into_scalar(), -(1_i64 << 62));
}

#[test]
fn cumsum_of_u8_counts_past_255() {
    let ones = Array1::from_elem(300, 1_u8);
    let expected = Array1::from_iter(1..=300_u64);
    for chunk in [1, 7, 256, 300] {
        let x = ChunkedArray::from_array(ones.clone(), chunk).unwrap();
        let scanned: ChunkedArray<u64, Ix1> = x.cumsum_axis(Axis(0));
        assert_eq!(scanned.compute().unwrap(), expected, "chunks of {chunk}");
    }
    let x = ChunkedArray::from_array(array![[200_u8, 100], [100, 200]], (1, 1)).unwrap();
    assert_eq!(
        x.cumsum_axis(Axis(0)).compute().unwrap(),
        array![[200_u64, 100], [300, 300]]
    );
    assert_eq!(
        x.cumprod_axis(Axis(1)).compute().unwrap(),
        array![[200_u64, 20_000], [100, 20_000]]
    );
}

#[test]
fn an_i64_sum_that_does_not_fit_is_an_error_naming_the_op() {
    // Overflow in one block (chunks of 2), or only when blocks are merged.
    for chunk in [1, 2] {
        let x = ChunkedArray::from_array(array![i64::MAX, 1], chunk).unwrap();
        overflow(x.sum().compute(), "sum", "i64");
        overflow(x.cumsum_axis(Axis(0)).compute(), "cumsum_axis", "i64");
        let x = ChunkedArray::from_array(array![[i64::MIN], [-1]], (chunk, 1)).unwrap();
        overflow(x.sum_axis(Axis(0)).compute(), "sum", "i64");
        overflow(x.cumsum_axis(Axis(0)).compute(), "cumsum_axis", "i64");
        // A sum along another axis that fits is fine.
        assert_eq!(x.sum_axis(Axis(1)).compute().unwrap(), array![i64::MIN, -1]);
    }
    let x = ChunkedArray::from_array(array![u64::MAX, 1], 2).unwrap();
    overflow(x.sum().compute(), "sum", "u64");
    // The most negative i64 fits; one less does not.
    let x = ChunkedArray::from_array(array![i64::MIN + 1, -1, 0], 1).unwrap();
    assert_eq!(x.sum().compute().unwrap().into_scalar(), i64::MIN);
    let x = ChunkedArray::from_array(array![i64::MIN, -1, 0], 1).unwrap();
    overflow(x.sum().compute(), "sum", "i64");
}

#[test]
fn products_that_do_not_fit_are_errors() {
    let big = 1_i64 << 32;
    for chunk in [1, 2, 3] {
        let x = ChunkedArray::from_array(array![big, big, 3], chunk).unwrap();
        overflow(x.prod().compute(), "prod", "i64");
        overflow(x.cumprod_axis(Axis(0)).compute(), "cumprod_axis", "i64");
        // A partial product that does not fit is an error even when a later
        // zero makes the product 0 (numpy's wrapping gives 0 there, by luck).
        let x = ChunkedArray::from_array(array![big, big, 0], chunk).unwrap();
        overflow(x.prod().compute(), "prod", "i64");
        // A zero first: every partial product is 0.
        let x = ChunkedArray::from_array(array![0, big, big], chunk).unwrap();
        assert_eq!(
            x.prod().compute().unwrap().into_scalar(),
            0,
            "chunks of {chunk}"
        );
        let x = ChunkedArray::from_array(array![[big, 0], [big, 1], [big, 1]], (chunk, 1)).unwrap();
        overflow(x.prod_axis(Axis(0)).compute(), "prod", "i64");
        assert_eq!(x.prod_axis(Axis(1)).compute().unwrap(), array![0, big, big]);
    }
    // The most negative i64 is a product that fits.
    let x = ChunkedArray::from_array(array![-(1_i64 << 31), 1 << 32], 1).unwrap();
    assert_eq!(x.prod().compute().unwrap().into_scalar(), i64::MIN);
    let x = ChunkedArray::from_array(array![u32::MAX, u32::MAX, 2], 1).unwrap();
    overflow(x.prod().compute(), "prod", "u64");
}

#[test]
fn an_overflow_in_a_block_names_that_block() {
    // Only block [0, 1] overflows (column 3 of it); the other blocks are
    // zeros.
    let mut a = Array2::<u64>::zeros((4, 8));
    a[[0, 3]] = 1;
    a[[1, 3]] = u64::MAX;
    let x = ChunkedArray::from_array(a, (2, 2)).unwrap();
    for threads in [1, 2, 4] {
        let options = Options::default().threads(threads);
        let err = x.sum().compute_with(&options).unwrap_err();
        assert!(is_overflow(&err, "sum", "u64"), "{err}");
        assert_eq!(task(&err), "sum partial[0, 1]", "{err}");
        let err = x.sum_axis(Axis(0)).compute_with(&options).unwrap_err();
        assert_eq!(task(&err), "sum_axis(0) partial[0, 1]", "{err}");
        // Along the other axis nothing overflows.
        let rows = x.sum_axis(Axis(1)).compute_with(&options).unwrap();
        assert_eq!(rows, array![1, u64::MAX, 0, 0]);
    }
}

#[test]
fn means_variances_and_std_of_integers_are_f64() {
    // In f64 as read: no overflow, where a sum in i64 would.
    let x = ChunkedArray::from_array(array![i64::MAX, i64::MAX, i64::MAX], 2).unwrap();
    let mean: ChunkedArray<f64, Ix0> = x.mean();
    assert_eq!(mean.compute().unwrap().into_scalar(), i64::MAX as f64);
    assert_eq!(x.var(0.0).compute().unwrap().into_scalar(), 0.0);
    let x = ChunkedArray::from_array(array![[1_u8, 2], [3, 4], [5, 255]], (2, 1)).unwrap();
    assert_eq!(x.mean().compute().unwrap().into_scalar(), 45.0);
    assert_eq!(x.mean_axis(Axis(0)).compute().unwrap(), array![3.0, 87.0]);
    assert_eq!(
        x.var_axis(Axis(1), 0.0).compute().unwrap(),
        array![0.25, 0.25, 15_625.0]
    );
    let std = x.std_axis(Axis(0), 1.0).compute().unwrap();
    let expected = [2.0, (42_338.0_f64 / 2.0).sqrt()];
    assert!(
        std.iter()
            .zip(expected)
            .all(|(s, e)| (s - e).abs() <= 1e-12 * e),
        "{std}"
    );
    // No element: NaN, as for floats.
    let empty = ChunkedArray::<i32, _>::zeros(0, 1).unwrap();
    assert!(empty.mean().compute().unwrap().into_scalar().is_nan());
    assert_eq!(empty.sum().compute().unwrap().into_scalar(), 0_i64);
    assert_eq!(empty.prod().compute().unwrap().into_scalar(), 1_i64);
}

#[test]
fn bool_masks_sum_to_counts_and_average_to_fractions() {
    let a = ndarray::array![[true, false, true], [true, true, false]];
    let x = ChunkedArray::from_array(a, (1, 2)).unwrap();
    let count: ChunkedArray<i64, Ix0> = x.sum();
    assert_eq!(count.compute().unwrap().into_scalar(), 4);
    assert_eq!(x.sum_axis(Axis(0)).compute().unwrap(), array![2_i64, 1, 1]);
    assert_eq!(x.sum_axis(Axis(1)).compute().unwrap(), array![2_i64, 2]);
    assert_eq!(x.mean().compute().unwrap().into_scalar(), 4.0 / 6.0);
    assert_eq!(
        x.mean_axis(Axis(0)).compute().unwrap(),
        array![1.0, 0.5, 0.5]
    );
    assert_eq!(
        x.cumsum_axis(Axis(1)).compute().unwrap(),
        array![[1_i64, 1, 2], [1, 2, 2]]
    );
    assert_eq!(x.count_nonzero().compute().unwrap().into_scalar(), 4_usize);
    // A comparison fused into the count: 300 trues are 300, not 300 % 256.
    let v = ChunkedArray::from_array(Array1::from_iter((0..600).map(f64::from)), 64).unwrap();
    assert_eq!(v.lt(300.0).sum().compute().unwrap().into_scalar(), 300);
    assert_eq!(v.lt(150.0).mean().compute().unwrap().into_scalar(), 0.25);
}

#[test]
fn fused_chains_of_small_integers_sum_in_64_bits() {
    let a = Array1::from_iter((0..1000).map(|i| (i % 256) as u8));
    let x = ChunkedArray::from_array(a.clone(), 300).unwrap();
    // The chain itself computes in u8 (wrapping is the user's arithmetic);
    // its sum does not wrap.
    let y = x.mapv(|v| v / 2);
    let expected: u64 = a.iter().map(|&v| u64::from(v / 2)).sum();
    assert_eq!(y.sum().compute().unwrap().into_scalar(), expected);
    let z = x.cast::<i32>() * 1000;
    let expected: i64 = a.iter().map(|&v| i64::from(v) * 1000).sum();
    assert_eq!(z.sum().compute().unwrap().into_scalar(), expected);
}

#[test]
fn floats_keep_their_own_type() {
    let x = ChunkedArray::from_array(array![1.5_f32, 2.5, 3.0], 2).unwrap();
    let sum: ChunkedArray<f32, Ix0> = x.sum();
    let mean: ChunkedArray<f32, Ix0> = x.mean();
    let cumsum: ChunkedArray<f32, Ix1> = x.cumsum_axis(Axis(0));
    assert_eq!(sum.compute().unwrap().into_scalar(), 7.0_f32);
    assert_eq!(mean.compute().unwrap().into_scalar(), 7.0_f32 / 3.0);
    assert_eq!(cumsum.compute().unwrap(), array![1.5_f32, 4.0, 7.0]);
    // Floats overflow to infinity, as IEEE 754 says: no error.
    let y = ChunkedArray::from_array(array![f64::MAX, f64::MAX], 1).unwrap();
    assert_eq!(y.sum().compute().unwrap().into_scalar(), f64::INFINITY);
    assert_eq!(y.prod().compute().unwrap().into_scalar(), f64::INFINITY);
}

fn dot_body<D: RemoveAxis>(case: &Case) {
    // Matrices from the case's leading axes: (rows, inner) · (inner, cols).
    if case.ndim() != 2 {
        return;
    }
    let (m, k) = (case.shape[0], case.shape[1]);
    let a: Array2<u8> = typed(ints(&case.shape, 60, 0, 255).mapv(|v| v as u8));
    let b: Array2<u8> = typed(ints(&[k, 3], 61, 0, 255).mapv(|v| v as u8));
    let x = chunked(&a, &case.chunks);
    let y = ChunkedArray::from_array(b.clone(), (2, 2)).unwrap();
    let what = ctx::<D>(case, "u8 dot (in u64)");
    let got: Array2<u64> = x.dot(&y).compute().unwrap();
    assert_same(&got, &a.mapv(u64::from).dot(&b.mapv(u64::from)), &what);
    let ai: Array2<i32> =
        typed(ints(&case.shape, 62, i32::MIN.into(), i32::MAX.into()).mapv(|v| v as i32));
    let bi: Array2<i32> = typed(ints(&[k, 2], 63, -1000, 1000).mapv(|v| v as i32));
    let got = chunked(&ai, &case.alt)
        .dot(&ChunkedArray::from_array(bi.clone(), (3, 1)).unwrap())
        .compute()
        .unwrap();
    let expected = ai.mapv(i64::from).dot(&bi.mapv(i64::from));
    assert_same(&got, &expected, &ctx::<D>(case, "i32 dot (in i64)"));
    // Products of two large i32 fit in i64, sums of eight of them do not.
    // All positive: no partial sum exceeds the whole, so whether it fits
    // does not depend on the chunking.
    let ap: Array2<i32> = typed(ints(&case.shape, 64, 1 << 30, i32::MAX.into()).mapv(|v| v as i32));
    let t = tensordot(
        &chunked(&ap, &case.chunks),
        &chunked(&ap, &case.alt),
        (&[0], &[0]),
    );
    let exact = ap.mapv(i128::from).t().dot(&ap.mapv(i128::from));
    let expected = exact
        .iter()
        .all(|&v| i64::try_from(v).is_ok())
        .then(|| exact.mapv(|v| v as i64).into_dyn());
    assert_eq!(
        expected.is_none(),
        m > 2 && k > 0,
        "{}",
        ctx::<D>(case, "reference")
    );
    assert_exact_or_overflow(
        t.compute(),
        expected,
        ("tensordot", "i64"),
        &ctx::<D>(case, "i32 tensordot over axis 0 (in i64)"),
    );
}

#[test]
fn products_of_small_integers_are_exact_in_64_bits() {
    for_each_case!(dot_body);
}

#[test]
fn matrix_products_that_do_not_fit_are_errors() {
    let big = 1_i64 << 32;
    let a = ChunkedArray::from_array(array![[big, 1], [1, 1]], (1, 1)).unwrap();
    overflow(a.dot(&a).compute(), "dot", "i64");
    let v = ChunkedArray::from_array(array![i64::MAX, 1], 1).unwrap();
    let ones = ChunkedArray::from_array(array![1_i64, 1], 2).unwrap();
    overflow(v.dot(&ones).compute(), "dot", "i64");
    // A long contraction with one output block is cut into groups whose
    // products are summed by the ordinary reduction: checked as well.
    let n = 200;
    let row = ChunkedArray::from_array(Array2::from_elem((1, n), i64::MAX / 150), (1, 1)).unwrap();
    let col = ChunkedArray::from_array(Array2::from_elem((n, 1), 1_i64), (1, 1)).unwrap();
    overflow(row.dot(&col).compute(), "dot", "i64");
    let fits = ChunkedArray::from_array(Array2::from_elem((1, n), i64::MAX / 250), (1, 1)).unwrap();
    assert_eq!(
        fits.dot(&col).compute().unwrap()[[0, 0]],
        i64::MAX / 250 * n as i64
    );
    // The same with tensordot of n-d arrays.
    let cube: ArrayD<u32> = ArrayD::from_elem(IxDyn(&[2, 3, 4]), 1 << 26);
    let x = ChunkedArray::from_array(cube.clone(), (1, 2, 3)).unwrap();
    let got = tensordot(&x, &x, (&[1, 2], &[1, 2])).compute().unwrap();
    assert_eq!(got, Array::from_elem((2, 2), 12_u64 << 52).into_dyn());
    let x = ChunkedArray::from_array(cube.mapv(|v| v << 5), (1, 2, 3)).unwrap();
    overflow(
        tensordot(&x, &x, (&[1, 2], &[1, 2])).compute(),
        "tensordot",
        "u64",
    );
}
