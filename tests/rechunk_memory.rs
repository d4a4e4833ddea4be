//! Memory bounds of rechunk, measured with a counting global allocator: a
//! rechunk from square blocks to whole columns, followed by a reduction,
//! holds about one column of input blocks, never the array; and the
//! operations that only regroup blocks (concatenate, stack, a reshape of
//! contiguous blocks, a rechunk keeping blocks) share them instead of
//! copying.
//!
//! The allocator counts every thread, so the tests here run one at a time.

use ndchunk::prelude::*;
use std::sync::Mutex;

#[path = "common/counting_alloc.rs"]
mod counting_alloc;
static SERIAL: Mutex<()> = Mutex::new(());

/// Peak bytes allocated above the level at the start, while `f` runs.
fn peak_during<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let (r, base, peak) = counting_alloc::peak_during(f);
    (r, peak.saturating_sub(base))
}

const MB: usize = 1_000_000;

/// The schedulers the bounds are checked on, with the largest share of the
/// array each may hold. Run in order, one column of input blocks is alive
/// with the output block being made. On threads, a thread whose leaf is
/// slow (the machine is shared) lets the others start the next column's
/// leaves, so a few columns may be alive; the bound is loose but far below
/// the whole array.
fn schedulers() -> [(Options, usize); 2] {
    [
        (Options::default().scheduler(Scheduler::Sync), 15),
        (Options::default().threads(2), 60),
    ]
}

#[test]
fn rechunk_to_columns_holds_a_column_of_blocks_not_the_array() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let rng = ndchunk::random::Rng::seed(1);
    // (shape, input blocks, output blocks): 128 MB in blocks of 1.28 MB, a
    // column of input blocks 12.8 MB; then the case, 800 MB in
    // blocks of 8 MB, a column 80 MB.
    let cases = [
        ((4000, 4000), (400, 400), (4000, 40)),
        ((10_000, 10_000), (1000, 1000), (10_000, 100)),
    ];
    for (shape, from, to) in cases {
        let x = rng.standard_normal(shape, from).unwrap();
        let direct = x.sum().compute().unwrap().into_scalar();
        let y = x.rechunk(to);
        // Directly: an intermediate would copy the array once more.
        assert_eq!(y.explain().matches("rechunk").count(), 1, "{}", y.explain());
        for (options, percent) in schedulers() {
            let (sum, peak) = peak_during(|| y.sum().compute_with(&options).unwrap().into_scalar());
            eprintln!(
                "{shape:?} {from:?}->{to:?} then sum, {options:?}: peak {:.1} MB of {:.1} MB",
                peak as f64 / MB as f64,
                x.nbytes() as f64 / MB as f64
            );
            assert!(
                (sum - direct).abs() < 1e-9 * x.len() as f64,
                "{sum} vs {direct}"
            );
            assert!(
                peak < x.nbytes() / 100 * percent,
                "{options:?}: peak {peak} bytes, more than {percent}% of the array's {} bytes",
                x.nbytes()
            );
        }
    }
}

const BLOCK: usize = 100 * 1000 * 8;

/// `y` persisted, checking that this allocates far less than a block: its
/// blocks are its input's, shared.
fn shared<D: ndarray::Dimension>(what: &str, y: &ChunkedArray<f64, D>) -> ChunkedArray<f64, D> {
    let (kept, peak) = peak_during(|| y.persist().unwrap());
    eprintln!("{what}: peak {peak} bytes");
    assert!(
        peak < BLOCK / 8,
        "{what}: {peak} bytes allocated, a block is {BLOCK}"
    );
    kept
}

#[test]
fn regrouping_blocks_shares_them_instead_of_copying() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    // Stored blocks of 800 kB, 8 MB in all: persisting a result made of the
    // same blocks allocates only the list of blocks.
    let rng = ndchunk::random::Rng::seed(2);
    let a = rng.standard_normal((1000, 1000), (100, 1000)).unwrap();
    let a = a.persist().unwrap();
    let b = a.mapv(|v| v + 1.0).persist().unwrap();
    let joined = shared(
        "concatenate",
        &ndchunk::concatenate(Axis(0), &[&a, &b]).unwrap(),
    );
    let stacked = shared("stack", &ndchunk::stack(Axis(1), &[&a, &b]).unwrap());
    let reshaped = shared("reshape", &a.reshape((10, 100, 1000)));
    // Nine blocks kept, the last one split: only that one is copied.
    let mut rows = vec![100; 9];
    rows.extend([50, 50]);
    let split = a.rechunk(Chunks::from_sizes(vec![rows, vec![1000]]));
    let (regrouped, peak) = peak_during(|| split.persist().unwrap());
    eprintln!("rechunk splitting one block of ten: peak {peak} bytes");
    assert!(
        peak < 2 * BLOCK,
        "{peak} bytes allocated, a block is {BLOCK}"
    );
    // The shared blocks hold the right values.
    let (av, bv) = (a.compute().unwrap(), b.compute().unwrap());
    let expected = ndarray::concatenate(Axis(0), &[av.view(), bv.view()]).unwrap();
    assert_eq!(joined.compute().unwrap(), expected);
    let expected = ndarray::stack(Axis(1), &[av.view(), bv.view()]).unwrap();
    assert_eq!(stacked.compute().unwrap(), expected);
    let expected = av.clone().into_shape_with_order((10, 100, 1000)).unwrap();
    assert_eq!(reshaped.compute().unwrap(), expected);
    assert_eq!(regrouped.compute().unwrap(), av);
}
