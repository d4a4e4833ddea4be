//! Scans (`cumsum_axis`, `cumprod_axis`), counts (`histogram`, `bincount`)
//! and `select` along an axis, against eager references: ndarray's
//! `accumulate_axis_inplace` and `select`, counts made here from the eager
//! values, and numpy's own output (edges and counts, numpy 2.4) where the
//! last bit matters.
//!
//! Integer results are compared exactly, in their sum type (64 bits for
//! small integers), and a prefix that does not fit must be an overflow
//! error; float scans with a tolerance, since blocks add their carries in
//! another order than a sequential scan.

#[macro_use]
mod common;

use common::{
    assert_close, assert_exact_or_overflow, assert_same, chunked, ctx, floats, hash, ints,
    near_one, typed, Case,
};
use ndarray::{array, Array, Array1, Axis, Dimension, RemoveAxis};
use ndchunk::random::Rng;
use ndchunk::{ChunkedArray, Error, Options};

// ---------------------------------------------------------------------------
// Scans
// ---------------------------------------------------------------------------

/// The eager inclusive scan of `a` along `axis` with `op`.
fn scan_ref<T: Copy, D: Dimension>(a: &Array<T, D>, axis: usize, op: fn(T, T) -> T) -> Array<T, D> {
    let mut out = a.clone();
    out.accumulate_axis_inplace(Axis(axis), |&prev, cur| *cur = op(prev, *cur));
    out
}

/// The exact inclusive scan of `a` widened to `S` along `axis` with the
/// checked `op`, or `None` if a prefix does not fit in `S`.
fn checked_scan<T: Copy, S: Copy, D: Dimension>(
    a: &Array<T, D>,
    axis: usize,
    widen: fn(T) -> S,
    op: fn(S, S) -> Option<S>,
) -> Option<Array<S, D>> {
    let mut out = a.mapv(|v| Some(widen(v)));
    out.accumulate_axis_inplace(Axis(axis), |prev, cur| {
        *cur = prev.zip(*cur).and_then(|(p, c)| op(p, c))
    });
    if out.iter().any(Option::is_none) {
        return None;
    }
    Some(out.mapv(Option::unwrap))
}

fn scans_body<D: Dimension>(case: &Case) {
    let ndim = case.ndim();
    let f: Array<f64, D> = typed(floats(&case.shape, 1));
    let near: Array<f64, D> = typed(near_one(&case.shape, 2));
    // Prefix sums of these stay far inside i64: exact results.
    let wide: Array<i64, D> = typed(ints(&case.shape, 3, -(1 << 40), 1 << 40));
    let small: Array<i8, D> = typed(ints(&case.shape, 4, -128, 127).mapv(|v| v as i8));
    let bytes: Array<u8, D> = typed(ints(&case.shape, 6, 0, 255).mapv(|v| v as u8));
    // Factors of magnitude 1 and 3: products leave i64 after 40 threes.
    // No zero, so a partial product (local to a block) is never larger than
    // the prefix it is part of: overflow does not depend on the chunking.
    let factors: Array<i8, D> =
        typed(ints(&case.shape, 5, 0, 3).mapv(|v| [-3, -1, 1, 3][v as usize]));
    // Two of these fit in i64, three do not: lanes longer than 2 overflow.
    let big: Array<i64, D> = typed(ints(&case.shape, 7, i64::MAX / 3 + 1, i64::MAX / 2));
    for k in 0..ndim {
        for chunks in [&case.chunks, &case.alt] {
            let what = |name: &str| ctx::<D>(case, &format!("{name} along {k}, chunks {chunks:?}"));
            let x = chunked(&f, chunks);
            let sum = |a: f64, b: f64| a + b;
            let expected = scan_ref(&f, k, sum);
            let got = x.cumsum_axis(Axis(k));
            assert_eq!(got.chunks(), chunks, "{}", what("cumsum chunks"));
            assert_close(
                &got.compute().unwrap(),
                &expected,
                1e-12,
                1e-10,
                &what("cumsum f64"),
            );
            // A fused chain as input: scanned from its stored blocks.
            let chain = x.mapv(|v| v * 2.0);
            let expected = scan_ref(&f.mapv(|v| v * 2.0), k, sum);
            let got = chain.cumsum_axis(Axis(k)).compute().unwrap();
            assert_close(&got, &expected, 1e-12, 1e-10, &what("cumsum of a chain"));

            let x = chunked(&near, chunks);
            let expected = scan_ref(&near, k, |a, b| a * b);
            let got = x.cumprod_axis(Axis(k)).compute().unwrap();
            assert_close(&got, &expected, 1e-12, 0.0, &what("cumprod f64"));

            let x = chunked(&wide, chunks);
            let got = x.cumsum_axis(Axis(k)).compute().unwrap();
            let expected = checked_scan(&wide, k, i64::from, i64::checked_add);
            assert_same(&got, &expected.unwrap(), &what("cumsum i64"));

            // Small integers are scanned in 64 bits, as numpy does.
            let x = chunked(&small, chunks);
            let got: Array<i64, D> = x.cumsum_axis(Axis(k)).compute().unwrap();
            let expected = checked_scan(&small, k, i64::from, i64::checked_add);
            assert_same(&got, &expected.unwrap(), &what("cumsum i8 (in i64)"));
            let x = chunked(&bytes, chunks);
            let got: Array<u64, D> = x.cumsum_axis(Axis(k)).compute().unwrap();
            let expected = checked_scan(&bytes, k, u64::from, u64::checked_add);
            assert_same(&got, &expected.unwrap(), &what("cumsum u8 (in u64)"));

            // Overflow is an error, never a wrapped value.
            let x = chunked(&factors, chunks);
            assert_exact_or_overflow(
                x.cumprod_axis(Axis(k)).compute(),
                checked_scan(&factors, k, i64::from, i64::checked_mul),
                ("cumprod_axis", "i64"),
                &what("cumprod i8 (in i64)"),
            );
            let x = chunked(&factors.mapv(i64::from), chunks);
            assert_exact_or_overflow(
                x.cumprod_axis(Axis(k)).compute(),
                checked_scan(&factors, k, i64::from, i64::checked_mul),
                ("cumprod_axis", "i64"),
                &what("cumprod i64"),
            );
            let positive = bytes.mapv(|v| v % 3 + 1);
            let x = chunked(&positive, chunks);
            assert_exact_or_overflow(
                x.cumprod_axis(Axis(k)).compute(),
                checked_scan(&positive, k, u64::from, u64::checked_mul),
                ("cumprod_axis", "u64"),
                &what("cumprod u8 (in u64)"),
            );
            let x = chunked(&big, chunks);
            let expected = checked_scan(&big, k, i64::from, i64::checked_add);
            assert_eq!(
                expected.is_none(),
                case.shape[k] > 2 && !case.is_empty(),
                "{}",
                what("the reference overflows")
            );
            assert_exact_or_overflow(
                x.cumsum_axis(Axis(k)).compute(),
                expected,
                ("cumsum_axis", "i64"),
                &what("cumsum of large i64"),
            );
        }
    }
    let x = chunked(&f, &case.chunks);
    for bad in [x.cumsum_axis(Axis(ndim)), x.cumprod_axis(Axis(ndim + 2))] {
        assert_eq!(bad.shape(), case.shape.as_slice());
        let err = bad.compute().unwrap_err();
        assert!(
            matches!(err, Error::AxisOutOfBounds { ndim: n, .. } if n == ndim),
            "{}: {err}",
            ctx::<D>(case, "scan along a missing axis")
        );
    }
}

#[test]
fn scans_match_ndarray() {
    for_each_case!(scans_body);
}

#[test]
fn scans_of_random_arrays_match_their_values() {
    let x = Rng::seed(5).standard_normal((30, 20), (7, 6)).unwrap();
    let eager = x.compute().unwrap();
    for k in 0..2 {
        let got = x.cumsum_axis(Axis(k)).compute().unwrap();
        assert_close(
            &got,
            &scan_ref(&eager, k, |a, b| a + b),
            1e-12,
            1e-12,
            "random cumsum",
        );
    }
}

#[test]
fn scans_do_not_depend_on_threads_or_scheduling() {
    let a = floats(&[3000, 3], 9);
    let x = ChunkedArray::from_array(a, (97, 2))
        .unwrap()
        .cumsum_axis(Axis(0));
    let one = x.compute_with(&Options::default().threads(1)).unwrap();
    for threads in [2, 4] {
        let many = x
            .compute_with(&Options::default().threads(threads))
            .unwrap();
        assert!(
            one.iter()
                .zip(&many)
                .all(|(a, b)| a.to_bits() == b.to_bits()),
            "cumsum on {threads} threads differs from 1 thread"
        );
    }
}

#[test]
fn scan_tasks_local_carry_and_output() {
    // 4 blocks along the axis, 2 across: the input, local scans and
    // outputs are one task per block each; carries too, except for the last
    // blocks along the axis, which no output reads.
    let x = ChunkedArray::from_array(floats(&[8, 6], 1), (2, 3)).unwrap();
    assert_eq!(x.cumsum_axis(Axis(0)).num_tasks().unwrap(), 3 * 8 + 6);
    assert_eq!(x.cumsum_axis(Axis(1)).num_tasks().unwrap(), 3 * 8 + 4);
    // One block along the axis: the local scan is the answer.
    let y = ChunkedArray::from_array(floats(&[8, 6], 1), (8, 3)).unwrap();
    assert_eq!(y.cumsum_axis(Axis(0)).num_tasks().unwrap(), 2 * 2);
    let plan = x.cumsum_axis(Axis(1)).explain();
    assert!(
        plan.contains("cumsum_axis(1) local") && plan.contains("cumsum_axis(1) carry"),
        "{plan}"
    );
    // The same scan built twice is computed once (plus 8 tasks adding).
    let twice = &x.cumsum_axis(Axis(0)) + &x.cumsum_axis(Axis(0));
    assert_eq!(twice.num_tasks().unwrap(), 3 * 8 + 6 + 8);
}

// ---------------------------------------------------------------------------
// Histogram
// ---------------------------------------------------------------------------

/// Counts by the definition: bin `i` holds `edges[i] <= v < edges[i + 1]`,
/// the last bin also `v == edges[bins]`.
fn histogram_ref<'a>(values: impl Iterator<Item = &'a f64>, edges: &[f64]) -> Vec<u64> {
    let bins = edges.len() - 1;
    let mut counts = vec![0; bins];
    for &v in values {
        let bin = (0..bins)
            .find(|&i| edges[i] <= v && (v < edges[i + 1] || (i == bins - 1 && v == edges[bins])));
        if let Some(i) = bin {
            counts[i] += 1;
        }
    }
    counts
}

/// The next float up or down (`f64::next_up` needs a newer Rust).
fn next(v: f64, up: bool) -> f64 {
    if v == 0.0 {
        let tiny = f64::from_bits(1);
        return if up { tiny } else { -tiny };
    }
    let bits = v.to_bits();
    f64::from_bits(if (v > 0.0) == up { bits + 1 } else { bits - 1 })
}

#[test]
fn histogram_matches_numpy_exactly() {
    // np.histogram(a, 10, (0, 1)) and np.linspace(0, 1, 11), numpy 2.4.6.
    let a = array![
        0.1,
        0.2,
        0.3,
        0.30000000000000004,
        0.6,
        0.7,
        0.9999999999999999,
        1.0,
        -0.0,
        0.0,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        1.0000000000000002,
        -1e-300
    ];
    let x = ChunkedArray::from_array(a, 4).unwrap();
    let (counts, edges) = x.histogram(10, (0.0, 1.0)).unwrap();
    let numpy_edges = [
        0.0,
        0.1,
        0.2,
        0.30000000000000004,
        0.4,
        0.5,
        0.6000000000000001,
        0.7000000000000001,
        0.8,
        0.9,
        1.0,
    ];
    assert_eq!(edges.to_vec(), numpy_edges);
    assert_eq!(
        counts.compute().unwrap(),
        array![2, 1, 2, 1, 0, 1, 1, 0, 0, 2]
    );

    let numpy = [
        (
            (-1.3, 2.7),
            7,
            vec![
                -1.3,
                -0.7285714285714286,
                -0.15714285714285725,
                0.41428571428571415,
                0.9857142857142855,
                1.5571428571428567,
                2.128571428571428,
                2.7,
            ],
        ),
        ((0.1, 0.7), 3, vec![0.1, 0.3, 0.5, 0.7]),
        (
            (-1e-300, 1e-300),
            4,
            vec![-1e-300, -5e-301, 0.0, 5.000000000000001e-301, 1e-300],
        ),
    ];
    for (range, bins, expected) in numpy {
        let (_, edges) = x.histogram(bins, range).unwrap();
        assert_eq!(
            edges.to_vec(),
            expected,
            "edges of {bins} bins over {range:?}"
        );
    }
}

#[test]
fn histogram_counts_values_on_and_next_to_edges() {
    for (bins, range) in [
        (7, (-1.3, 2.7)),
        (10, (0.0, 1.0)),
        (3, (0.1, 0.7)),
        (1, (-2.0, 5.0)),
    ] {
        let x = ChunkedArray::from_array(array![0.0], 1).unwrap();
        let (_, edges) = x.histogram(bins, range).unwrap();
        let mut values = vec![f64::NAN, f64::INFINITY, f64::NEG_INFINITY];
        for &e in &edges {
            values.extend([e, next(e, true), next(e, false)]);
        }
        let a = Array1::from(values);
        let expected = histogram_ref(a.iter(), edges.as_slice().unwrap());
        let x = ChunkedArray::from_array(a, 5).unwrap();
        let (counts, _) = x.histogram(bins, range).unwrap();
        assert_eq!(
            counts.compute().unwrap().to_vec(),
            expected,
            "{bins} bins over {range:?}"
        );
    }
}

fn histogram_body<D: Dimension>(case: &Case) {
    // Floats in about -137..137 with NaN and infinities sprinkled in.
    let mut a: Array<f64, D> = typed(floats(&case.shape, 21));
    for (i, v) in a.iter_mut().enumerate() {
        match hash(i as u64) % 11 {
            0 => *v = f64::NAN,
            1 => *v = f64::INFINITY,
            2 => *v = -f64::INFINITY,
            _ => {}
        }
    }
    for chunks in [&case.chunks, &case.alt] {
        let x = chunked(&a, chunks);
        for (bins, range) in [(13, (-50.0, 80.0)), (1, (-200.0, 200.0)), (64, (0.0, 3.0))] {
            let (counts, edges) = x.histogram(bins, range).unwrap();
            assert_eq!(counts.shape(), &[bins]);
            assert_eq!(counts.num_blocks(), 1);
            let expected = histogram_ref(a.iter(), edges.as_slice().unwrap());
            assert_eq!(
                counts.compute().unwrap().to_vec(),
                expected,
                "{}",
                ctx::<D>(
                    case,
                    &format!("histogram({bins}, {range:?}), chunks {chunks:?}")
                )
            );
        }
    }
    // Integer elements are binned by their value as f64.
    let i: Array<i32, D> = typed(ints(&case.shape, 22, -20, 20).mapv(|v| v as i32));
    let x = chunked(&i, &case.chunks);
    let (counts, edges) = x.histogram(8, (-10.0, 10.0)).unwrap();
    let as_f64 = i.mapv(f64::from);
    assert_eq!(
        counts.compute().unwrap().to_vec(),
        histogram_ref(as_f64.iter(), edges.as_slice().unwrap()),
        "{}",
        ctx::<D>(case, "histogram of i32")
    );
}

#[test]
fn histogram_matches_reference_counts() {
    for_each_case!(histogram_body);
}

#[test]
fn histogram_fuses_and_shares_a_pass() {
    let x = Rng::seed(8).standard_normal((200, 300), (64, 100)).unwrap();
    let eager = x.compute().unwrap().mapv(|v| (v * 2.0).abs());
    let y = (&x * 2.0).mapv(f64::abs);
    let (counts, edges) = y.histogram(20, (0.0, 5.0)).unwrap();
    // As many tasks as a sum: one per input block and the combines; x and y
    // are never stored.
    let sum_tasks = y.sum().num_tasks().unwrap();
    assert_eq!(counts.num_tasks().unwrap(), sum_tasks);
    let plan = counts.explain();
    assert!(
        plan.contains("histogram(bins=20") && plan.contains("[fused]"),
        "{plan}"
    );
    let total = y.sum();
    let (c, s) = ndchunk::compute((&counts, &total)).unwrap();
    assert_eq!(
        c.to_vec(),
        histogram_ref(eager.iter(), edges.as_slice().unwrap())
    );
    assert!((s.into_scalar() - eager.sum()).abs() < 1e-9 * eager.sum());
    let plan = ndchunk::num_tasks((&counts, &total)).unwrap();
    assert_eq!(
        plan,
        2 * sum_tasks - x.num_blocks(),
        "one pass for both reductions"
    );
}

#[test]
fn histogram_of_f32_and_empty_arrays() {
    let a = array![[0.25_f32, 0.5], [0.75, 1.0]];
    let x = ChunkedArray::from_array(a, (1, 1)).unwrap();
    let (counts, _) = x.histogram(2, (0.0, 1.0)).unwrap();
    assert_eq!(counts.compute().unwrap(), array![1, 3]);
    let empty = ChunkedArray::<f64, _>::zeros((0, 4), (2, 2)).unwrap();
    let (counts, edges) = empty.histogram(3, (0.0, 3.0)).unwrap();
    assert_eq!(counts.compute().unwrap(), array![0, 0, 0]);
    assert_eq!(edges, array![0.0, 1.0, 2.0, 3.0]);
}

#[test]
fn histogram_rejects_bad_bins_and_ranges() {
    let x = ChunkedArray::from_array(array![1.0, 2.0], 1).unwrap();
    let err = x.histogram(0, (0.0, 1.0)).unwrap_err();
    assert!(
        matches!(
            &err,
            Error::InvalidArgument {
                argument: "bins",
                ..
            }
        ) && err.to_string().contains("got 0"),
        "{err}"
    );
    let bad = [
        (1.0, 1.0),
        (2.0, 1.0),
        (f64::NAN, 1.0),
        (0.0, f64::INFINITY),
        (f64::NEG_INFINITY, 0.0),
        (-f64::MAX, f64::MAX),
    ];
    for range in bad {
        let err = x.histogram(4, range).unwrap_err();
        assert!(
            matches!(
                &err,
                Error::InvalidArgument {
                    argument: "range",
                    ..
                }
            ) && err
                .to_string()
                .contains(&format!("({:?}, {:?})", range.0, range.1)),
            "{range:?}: {err}"
        );
    }
}

// ---------------------------------------------------------------------------
// Bincount
// ---------------------------------------------------------------------------

/// The count of each value in `0..length`.
fn bincount_ref(values: impl Iterator<Item = usize>, length: usize) -> Vec<u64> {
    let mut counts = vec![0; length];
    for v in values {
        counts[v] += 1;
    }
    counts
}

fn bincount_body<D: Dimension>(case: &Case) {
    let labels = ints(&case.shape, 31, 0, 9);
    let u8s: Array<u8, D> = typed(labels.mapv(|v| v as u8));
    let i64s: Array<i64, D> = typed(labels.clone());
    let usizes: Array<usize, D> = typed(labels.mapv(|v| v as usize));
    for length in [10, 13] {
        let expected = bincount_ref(labels.iter().map(|&v| v as usize), length);
        for chunks in [&case.chunks, &case.alt] {
            let what = ctx::<D>(case, &format!("bincount({length}), chunks {chunks:?}"));
            let got = chunked(&u8s, chunks).bincount(length);
            assert_eq!(got.shape(), &[length]);
            assert_eq!(got.compute().unwrap().to_vec(), expected, "u8 {what}");
            let got = chunked(&i64s, chunks).bincount(length).compute().unwrap();
            assert_eq!(got.to_vec(), expected, "i64 {what}");
            let got = chunked(&usizes, chunks).bincount(length).compute().unwrap();
            assert_eq!(got.to_vec(), expected, "usize {what}");
        }
    }
}

#[test]
fn bincount_matches_reference_counts() {
    for_each_case!(bincount_body);
}

#[test]
fn bincount_of_a_chain() {
    let x = ChunkedArray::arange(0_i64, 1000, 1, 64).unwrap();
    let got = x.mapv(|v| v % 7).bincount(7).compute().unwrap();
    assert_eq!(got.to_vec(), bincount_ref((0..1000).map(|v| v % 7), 7));
}

#[test]
fn bincount_names_the_first_bad_value() {
    let a = array![[0_i32, 1, 2], [3, -4, 5], [6, -7, 99]];
    let x = ChunkedArray::from_array(a, (2, 2)).unwrap();
    // -4 is in block [0, 0], -7 and 99 in later blocks: the first block's wins.
    let err = x.bincount(100).compute().unwrap_err().to_string();
    assert!(
        err.contains("negative value -4 at index [1, 1] (block [0, 0])") && err.contains("0..100"),
        "{err}"
    );
    let y = x.mapv(|v: i32| v.abs());
    let err = y.bincount(10).compute().unwrap_err().to_string();
    assert!(
        err.contains("value 99 at index [2, 2] (block [1, 1])") && err.contains("`length`"),
        "{err}"
    );
    // Values >= length with length 0.
    let err = x.bincount(0).compute().unwrap_err().to_string();
    assert!(err.contains("value 0 at index [0, 0]"), "{err}");
    let empty = ChunkedArray::<u16, _>::zeros(0, 4).unwrap();
    assert_eq!(empty.bincount(3).compute().unwrap(), array![0, 0, 0]);
}

// ---------------------------------------------------------------------------
// Select
// ---------------------------------------------------------------------------

/// Index lists along an axis of length `n`: all in order, reversed, repeats,
/// unsorted, empty, and a long run of one index.
fn index_lists(n: usize) -> Vec<Vec<usize>> {
    let mut lists = vec![(0..n).collect(), (0..n).rev().collect(), vec![]];
    if n > 0 {
        lists.push(vec![0, 0, n - 1, n / 2, n - 1, 0]);
        lists.push(
            (0..2 * n + 3)
                .map(|i| (hash(i as u64) % n as u64) as usize)
                .collect(),
        );
        lists.push(vec![n / 2; 3 * n + 1]);
    }
    lists
}

fn select_body<D: RemoveAxis>(case: &Case) {
    let a: Array<i64, D> = typed(ints(&case.shape, 41, -1000, 1000));
    for k in 0..case.ndim() {
        for chunks in [&case.chunks, &case.alt] {
            let x = chunked(&a, chunks);
            let chain = x.mapv(|v| v * 3);
            for indices in index_lists(case.shape[k]) {
                let what = ctx::<D>(
                    case,
                    &format!("select({k}, {indices:?}), chunks {chunks:?}"),
                );
                let expected = a.select(Axis(k), &indices);
                let got = x.select(Axis(k), &indices);
                // Other axes keep their chunks; no block is longer than the
                // input's longest along the axis.
                for j in (0..case.ndim()).filter(|&j| j != k) {
                    assert_eq!(got.chunks().sizes()[j], chunks.sizes()[j], "{what}");
                }
                let longest = chunks.sizes()[k].iter().copied().max().unwrap_or(0);
                assert!(
                    got.chunks().sizes()[k].iter().all(|&s| s <= longest),
                    "{what}"
                );
                assert_same(&got.compute().unwrap(), &expected, &what);
                let got = chain.select(Axis(k), &indices).compute().unwrap();
                assert_same(&got, &expected.mapv(|v| v * 3), &format!("chain {what}"));
            }
        }
    }
}

#[test]
fn select_matches_ndarray() {
    for_each_case!(select_body);
}

#[test]
fn select_groups_indices_by_input_block() {
    let x = ChunkedArray::from_array(ints(&[37], 1, 0, 100), 8).unwrap();
    let sizes = |indices: &[usize]| x.select(Axis(0), indices).chunks().sizes()[0].clone();
    assert_eq!(sizes(&(0..37).collect::<Vec<_>>()), vec![8, 8, 8, 8, 5]);
    assert_eq!(sizes(&[0; 20]), vec![8, 8, 4]);
    assert_eq!(sizes(&[9, 1, 2, 10, 36]), vec![1, 2, 1, 1]);
    assert_eq!(sizes(&[]), vec![0]);
    // Selecting every index of a block in order reuses the block.
    let all = x.select(Axis(0), &(0..37).collect::<Vec<_>>());
    assert_eq!(all.compute().unwrap(), x.compute().unwrap());
    // Each output block reads one input block, and only the blocks read are
    // made: input block 0 and 3 outputs.
    assert_eq!(x.select(Axis(0), &[0; 20]).num_tasks().unwrap(), 1 + 3);
    let random = Rng::seed(2).standard_normal((10, 12), (4, 5)).unwrap();
    let eager = random.compute().unwrap();
    let got = random.select(Axis(1), &[11, 0, 5, 5]).compute().unwrap();
    assert_eq!(got, eager.select(Axis(1), &[11, 0, 5, 5]));
}

#[test]
fn select_rejects_out_of_bounds() {
    let x = ChunkedArray::from_array(ints(&[37, 4], 1, 0, 100), (8, 2)).unwrap();
    let bad = x.select(Axis(0), &[1, 2, 40, 50]);
    assert_eq!(bad.shape(), &[4, 4]);
    let err = bad.compute().unwrap_err();
    assert!(
        matches!(
            &err,
            Error::InvalidArgument {
                argument: "indices",
                ..
            }
        ) && err.to_string().contains("indices[2] = 40")
            && err.to_string().contains("axis 0 of length 37"),
        "{err}"
    );
    let err = x.select(Axis(1), &[4]).compute().unwrap_err();
    assert!(err.to_string().contains("axis 1 of length 4"), "{err}");
    let err = x.select(Axis(2), &[0]).compute().unwrap_err();
    assert!(
        matches!(
            err,
            Error::AxisOutOfBounds {
                axis: 2,
                ndim: 2,
                ..
            }
        ),
        "{err}"
    );
    let empty = ChunkedArray::<f64, _>::zeros((0, 3), (1, 3)).unwrap();
    assert!(empty.select(Axis(0), &[0]).compute().is_err());
    assert_eq!(
        empty.select(Axis(0), &[]).compute().unwrap().shape(),
        &[0, 3]
    );
}
