//! Reductions of in-memory arrays read in bands (several blocks side by
//! side along the last axis folded by one task): the results must be those
//! of one task per block, bit for bit, on any thread count, and equal to
//! ndarray's. The per-block reference is the same array persisted (its
//! blocks are then stored values, which a pass reads one task per block).

use approx::assert_relative_eq;
use ndarray::{Array, ArrayD, Axis, IxDyn};
use ndchunk::{ChunkSpec, ChunkedArray, Chunks, Options, Scheduler};
use proptest::prelude::*;

type Lazy = ChunkedArray<f64, IxDyn>;

/// Values with many distinct magnitudes (so sums depend on their order),
/// a few repeated maxima and minima (so positions depend on ties).
fn values(shape: &[usize]) -> ArrayD<f64> {
    let n = shape.iter().product::<usize>();
    let v: Vec<f64> = (0..n)
        .map(|i| {
            let h = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40;
            match h % 97 {
                0 => 9.0,
                1 => -9.0,
                k => (k as f64 - 48.0) * 0.013 + (h as f64) * 1e-9,
            }
        })
        .collect();
    Array::from_shape_vec(IxDyn(shape), v).unwrap()
}

fn options(threads: usize) -> Options {
    Options::default().threads(threads)
}

/// Every reduction checked, whole and along each axis, as arrays.
fn reductions(x: &Lazy, o: &Options) -> Vec<(String, ArrayD<f64>)> {
    let mut out = vec![];
    let scalar = |a: ndarray::Array0<f64>| a.into_dyn();
    out.push(("sum".into(), scalar(x.sum().compute_with(o).unwrap())));
    out.push(("mean".into(), scalar(x.mean().compute_with(o).unwrap())));
    out.push(("var".into(), scalar(x.var(1.0).compute_with(o).unwrap())));
    out.push(("max".into(), scalar(x.max().compute_with(o).unwrap())));
    let arg = x.argmin().compute_with(o).unwrap().mapv(|i| i as f64);
    out.push(("argmin".into(), arg.into_dyn()));
    let chain = ((x * 2.0 + 1.0).mapv(|v| v * v) - x).sum();
    out.push(("chain".into(), scalar(chain.compute_with(o).unwrap())));
    for k in 0..x.ndim() {
        let a = Axis(k);
        out.push((
            format!("sum_axis({k})"),
            x.sum_axis(a).compute_with(o).unwrap(),
        ));
        out.push((
            format!("std_axis({k})"),
            x.std_axis(a, 0.0).compute_with(o).unwrap(),
        ));
        out.push((
            format!("min_axis({k})"),
            x.min_axis(a).compute_with(o).unwrap(),
        ));
        let arg = x.argmax_axis(a).compute_with(o).unwrap();
        out.push((format!("argmax_axis({k})"), arg.mapv(|i| i as f64)));
    }
    out
}

/// The same reductions by ndarray, for the results themselves.
fn eager(a: &ArrayD<f64>) -> Vec<ArrayD<f64>> {
    let n = a.len() as f64;
    let mean = a.sum() / n;
    let var = a.mapv(|v| (v - mean) * (v - mean)).sum() / (n - 1.0);
    let max = a.fold(f64::NEG_INFINITY, |m, &v| m.max(v));
    let min = a.fold(f64::INFINITY, |m, &v| m.min(v));
    let argmin = a.iter().position(|&v| v == min).unwrap() as f64;
    let chain = a.mapv(|v| (v * 2.0 + 1.0).powi(2) - v).sum();
    let s = |v: f64| Array::from_elem(IxDyn(&[]), v);
    let mut out = vec![s(a.sum()), s(mean), s(var), s(max), s(argmin), s(chain)];
    for k in 0..a.ndim() {
        let a_k = Axis(k);
        out.push(a.sum_axis(a_k));
        out.push(a.std_axis(a_k, 0.0));
        out.push(a.map_axis(a_k, |lane| lane.fold(f64::INFINITY, |m, &v| m.min(v))));
        out.push(a.map_axis(a_k, |lane| {
            let m = lane.fold(f64::NEG_INFINITY, |m, &v| m.max(v));
            lane.iter().position(|&v| v == m).unwrap() as f64
        }));
    }
    out
}

/// Banded (in memory) against per block (persisted) on 1, 2 and 8 threads
/// and the one-thread scheduler, bit for bit, and against ndarray.
fn check(shape: &[usize], chunks: impl Into<ChunkSpec> + Clone, banded: bool) {
    let a = values(shape);
    let x = Lazy::from_array(a.clone(), chunks).unwrap();
    let stored = x.persist().unwrap();
    let want = reductions(&stored, &options(2));
    for o in [
        options(1),
        options(2),
        options(8),
        Options::default().scheduler(Scheduler::Sync),
    ] {
        let got = reductions(&x, &o);
        for ((name, g), (_, w)) in got.iter().zip(&want) {
            assert_eq!(g, w, "{name} of {shape:?} on {o:?}");
        }
    }
    for ((name, g), e) in want.iter().zip(eager(&a)) {
        assert_relative_eq!(g, &e, max_relative = 1e-9, epsilon = 1e-9);
        let _ = name;
    }
    // Banding happened (or, for shapes it cannot help, did not).
    let (lazy, kept) = one_thread(|| {
        // The persisted array's own tasks (one per stored block) aside.
        let kept = stored.sum().num_tasks().unwrap() - stored.num_tasks().unwrap();
        (x.sum().num_tasks().unwrap(), kept)
    });
    assert_eq!(
        lazy < kept,
        banded,
        "{shape:?}: {lazy} tasks banded, {kept} per block"
    );
}

/// `f` on a pool of one thread: how many tasks a graph has depends on the
/// thread count (a pass keeps 4 per thread), not on this machine's cores.
fn one_thread<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(f)
}

#[test]
fn wide_blocks_are_read_in_rows_across_the_band() {
    check(&[600, 3000], [100, 600], true);
    check(&[40, 7, 1100], [13, 3, 550], true);
    check(&[3, 4, 5, 1200], [2, 3, 2, 600], true);
    check(&[1, 5600], [1, 700], true);
    // Irregular blocks, rows of 512 (the shortest kept whole) and more.
    let chunks = Chunks::from_sizes(vec![vec![7, 30, 1, 12], vec![512, 700, 2100, 600]]);
    check(&[50, 3912], chunks, true);
}

#[test]
fn tiny_blocks_are_folded_one_after_another() {
    check(&[100, 90], [10, 9], true);
    check(&[6, 5, 40], [2, 5, 3], true);
    check(&[30, 4, 3, 20], [7, 1, 3, 6], true);
}

#[test]
fn tiny_blocks_read_through_slices_broadcasts_and_constants() {
    // One source per task reads all its blocks in turn: a slice with a
    // step on rows, a broadcast row and a constant, side by side.
    let (a, r) = (values(&[61, 90]), values(&[1, 83]));
    let x = Lazy::from_array(a.clone(), [7, 8]).unwrap();
    let row = Lazy::from_array(r.clone(), [1, 8]).unwrap();
    let ones = Lazy::ones(IxDyn(&[29, 83]), [7, 8]).unwrap();
    let s = ndarray::s![3..61;2, 5..88];
    let tree = |x: &Lazy, row: &Lazy, ones: &Lazy| (&x.slice(s) - row) * 2.0 + ones;
    let banded = tree(&x, &row, &ones);
    let per_block = tree(
        &x.persist().unwrap(),
        &row.persist().unwrap(),
        &ones.persist().unwrap(),
    );
    let expected = (&a.slice(s) - &r) * 2.0 + 1.0;
    for o in [options(1), options(3)] {
        let got = banded.sum().compute_with(&o).unwrap();
        assert_eq!(got, per_block.sum().compute().unwrap(), "sum on {o:?}");
        assert_relative_eq!(got.into_scalar(), expected.sum(), max_relative = 1e-12);
        let got = banded.argmax().compute_with(&o).unwrap();
        assert_eq!(
            got,
            per_block.argmax().compute().unwrap(),
            "argmax on {o:?}"
        );
        let got = banded.mean_axis(Axis(0)).compute_with(&o).unwrap();
        assert_eq!(got, per_block.mean_axis(Axis(0)).compute().unwrap());
        assert_relative_eq!(
            got,
            expected.mean_axis(Axis(0)).unwrap(),
            max_relative = 1e-12
        );
    }
    let (tasks, kept) = one_thread(|| {
        let stored = per_block.sum().num_tasks().unwrap();
        (banded.sum().num_tasks().unwrap(), stored)
    });
    assert!(tasks < kept / 2, "{tasks} tasks banded, {kept} per block");
}

#[test]
fn other_blocks_keep_a_task_each() {
    // Short rows in blocks larger than a strip: neither kind of band.
    check(&[4000, 300], [2000, 100], false);
    // A band whose last block has short rows is not banded.
    check(&[256, 1100], [64, 500], false);
    // 1-D arrays are contiguous already.
    check(&[5000], [700], false);
}

#[test]
fn empty_arrays_and_slices_and_broadcasts() {
    let x = Lazy::from_array(values(&[0, 2000]), [10, 600]).unwrap();
    assert_eq!(x.sum().compute().unwrap().into_scalar(), 0.0);
    assert_eq!(
        x.sum_axis(Axis(0)).compute().unwrap(),
        ArrayD::<f64>::zeros(IxDyn(&[2000]))
    );
    // A slice reads some blocks: only its neighbours band together.
    let a = values(&[300, 4000]);
    let x = Lazy::from_array(a.clone(), [100, 600]).unwrap();
    let stored = x.persist().unwrap();
    let s = ndarray::s![37..251, 650..3333];
    let view = x.slice(s);
    let kept = stored.slice(s);
    for k in 0..2 {
        let got = view.sum_axis(Axis(k)).compute().unwrap();
        assert_eq!(got, kept.sum_axis(Axis(k)).compute().unwrap());
        assert_relative_eq!(got, a.slice(s).sum_axis(Axis(k)), max_relative = 1e-12);
    }
    // A row broadcast against the array keeps its rows: banded, same bits.
    let row = Lazy::from_array(values(&[1, 4000]), [1, 600]).unwrap();
    let banded = (&x - &row).mean_axis(Axis(0));
    let per_block = (&stored - &row.persist().unwrap()).mean_axis(Axis(0));
    assert_eq!(banded.compute().unwrap(), per_block.compute().unwrap());
    assert!(one_thread(
        || banded.num_tasks().unwrap() < per_block.num_tasks().unwrap()
    ));
    // A transpose reads across rows: a task per block, same bits.
    let t = (&x.t() * 1.0).sum();
    assert_eq!(t.compute().unwrap(), stored.t().sum().compute().unwrap());
}

#[test]
fn a_failing_block_of_a_band_is_named_and_the_next_compute_works() {
    // One sentinel, at [13, 1900]: block [1, 3] of 10 x 600 blocks.
    let mut a = values(&[40, 3000]);
    a[[13, 1900]] = 1e6;
    let x = Lazy::from_array(a, [10, 600]).unwrap();
    for threads in [1, 2, 8] {
        let o = options(threads);
        let bad = x.mapv(|v| if v == 1e6 { panic!("the sentinel") } else { v });
        match bad.sum().compute_with(&o) {
            Err(ndchunk::Error::TaskPanicked { task, message }) => {
                assert_eq!(
                    (task.as_str(), message.as_str()),
                    ("sum partial[1, 3]", "the sentinel")
                );
            }
            other => panic!("expected a panic named by its block, got {other:?}"),
        }
        let err = x.sum_axis(Axis(0)).compute_with(&o).map(|_| ());
        assert!(err.is_ok(), "{err:?}");
        // An error (not a panic) is named the same way.
        let over = x.mapv(|v| if v == 1e6 { u64::MAX } else { 1_u64 });
        match over.sum().compute_with(&o) {
            Err(ndchunk::Error::TaskFailed { task, .. }) => assert_eq!(task, "sum partial[1, 3]"),
            other => panic!("expected an overflow named by its block, got {other:?}"),
        }
    }
}

/// A sum along an outer axis keeps plain running values (contiguous) and
/// makes them (sum, compensation) pairs at the end: the same bits as the
/// pairs folded one by one, which `nansum` still does (no NaN here).
#[test]
fn outer_axis_sums_equal_the_pairwise_accumulators_bit_for_bit() {
    let cases: [(&[usize], &[usize]); 5] = [
        (&[600, 3000], &[100, 600]),
        (&[37, 41], &[5, 7]),
        (&[9, 8, 700], &[4, 3, 600]),
        (&[3, 4, 5, 6], &[2, 3, 2, 5]),
        (&[1, 0, 5], &[1, 1, 2]),
    ];
    for (shape, chunks) in cases {
        let x = Lazy::from_array(values(shape), chunks.to_vec()).unwrap();
        for k in 0..shape.len() - 1 {
            for o in [options(1), options(3)] {
                let plain = x.sum_axis(Axis(k)).compute_with(&o).unwrap();
                let pairs = x.nansum_axis(Axis(k)).compute_with(&o).unwrap();
                assert_eq!(plain, pairs, "axis {k} of {shape:?}");
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any 2-D or 3-D shape and chunking, wide or narrow: the same bits as
    /// one task per block.
    #[test]
    fn banded_reductions_equal_per_block_ones(
        rows in prop::collection::vec(1_usize..6, 1..3),
        // (row length, block width): narrow blocks, or wide ones (a last
        // block of 512 or more keeps the band whole, a shorter one not).
        (width, col_chunk) in prop_oneof![
            (1_usize..40, 1_usize..12),
            (512_usize..800, 1_usize..4, prop_oneof![Just(0_usize), 1_usize..600])
                .prop_map(|(chunk, blocks, tail)| (chunk * blocks + tail, chunk)),
        ],
        row_chunk in 1_usize..4,
        threads in 1_usize..5,
    ) {
        let mut shape = rows.clone();
        shape.push(width);
        let mut chunks: Vec<usize> = rows.iter().map(|_| row_chunk).collect();
        chunks.push(col_chunk);
        let x = Lazy::from_array(values(&shape), chunks).unwrap();
        let stored = x.persist().unwrap();
        let o = options(threads);
        for k in 0..shape.len() {
            let got = x.sum_axis(Axis(k)).compute_with(&o).unwrap();
            prop_assert_eq!(got, stored.sum_axis(Axis(k)).compute().unwrap());
            let got = x.argmax_axis(Axis(k)).compute_with(&o).unwrap();
            prop_assert_eq!(got, stored.argmax_axis(Axis(k)).compute().unwrap());
        }
        let (got, want) = (x.var(0.0).compute_with(&o).unwrap(), stored.var(0.0).compute().unwrap());
        prop_assert_eq!(got, want);
    }
}
