//! Memory guarantees, measured with a counting global allocator: fused
//! reductions never allocate a block, and stored intermediates are freed as
//! soon as their last reader has run.
//!
//! The allocator counts every thread, so the tests in this file run one at a
//! time (a lock) and compare against bounds far from the failure mode (a
//! block here is 8 MB; the bounds are a fraction of that).

use ndchunk::prelude::*;
use ndchunk::Scheduler;
use std::sync::Mutex;

#[path = "common/counting_alloc.rs"]
mod counting_alloc;
static SERIAL: Mutex<()> = Mutex::new(());

/// Peak bytes allocated above the level at the start, while `f` runs.
fn peak_during<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let (r, base, peak) = counting_alloc::peak_during(f);
    (r, peak.saturating_sub(base))
}

const BLOCK_BYTES: usize = 1000 * 1000 * 8;

#[test]
fn fused_random_reductions_never_allocate_a_block() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let rng = ndchunk::random::Rng::seed(7);
    let x = rng.standard_normal((4000, 4000), (1000, 1000)).unwrap();
    let y = (&x * 2.0 + 1.0).mapv(f64::abs);
    for options in [
        Options::default(),
        Options::default().threads(2),
        Options::default().scheduler(Scheduler::Sync),
    ] {
        let ((mean, std, max), peak) = peak_during(|| {
            let (m, s, mx) =
                ndchunk::compute_with((&x.mean(), &x.std(0.0), &y.max()), &options).unwrap();
            (m.into_scalar(), s.into_scalar(), mx.into_scalar())
        });
        assert!(mean.abs() < 0.01 && (std - 1.0).abs() < 0.01 && max > 8.0);
        eprintln!("{options:?}: peak {peak} bytes allocated (a block is {BLOCK_BYTES})");
        assert!(
            peak < BLOCK_BYTES / 8,
            "{options:?}: peak {peak} bytes while computing, a block is {BLOCK_BYTES}"
        );
    }
}

#[test]
fn stored_intermediates_are_freed_after_their_last_reader() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    // A user closure is not recomputed: read by two consumers, it is stored,
    // one block at a time, and each block is dropped once both have read it.
    let x = ChunkedArray::from_fn((8000, 1000), (1000, 1000), |(i, j)| {
        (i * 7 + j) as f64 % 13.0
    })
    .unwrap();
    let twice = &x * 2.0;
    let ((sum, max), peak) = peak_during(|| {
        let (s, m) = ndchunk::compute_with(
            (&x.sum(), &twice.max()),
            &Options::default().scheduler(Scheduler::Sync),
        )
        .unwrap();
        (s.into_scalar(), m.into_scalar())
    });
    assert_eq!(max, 24.0);
    assert!(sum > 0.0);
    assert!(
        peak < 2 * BLOCK_BYTES,
        "peak {peak} bytes: more than one stored block of {BLOCK_BYTES} bytes alive at once"
    );
    // On threads, a few blocks may be alive at once, never all eight.
    let (_, peak) = peak_during(|| {
        ndchunk::compute_with((&x.sum(), &twice.max()), &Options::default().threads(2)).unwrap()
    });
    assert!(peak < 5 * BLOCK_BYTES, "peak {peak} bytes on 2 threads");
}

#[test]
fn an_array_read_after_its_own_reduction_is_read_again_not_held() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    // `x - x.mean()` needs the mean of all of x before its first block:
    // storing x for it would hold all 8 blocks (64 MB). A source that is not
    // cheap (a user closure, a Zarr store) is computed again instead.
    let f = |(i, j): (usize, usize)| (i * 7 + j) as f64 % 13.0;
    let x = ChunkedArray::from_fn((8000, 1000), (1000, 1000), f).unwrap();
    let std = (&x - &x.mean()).std(0.0);
    let plan = std.explain();
    assert!(!plan.contains("[stored]"), "{plan}");
    let (got, peak) = peak_during(|| {
        std.compute_with(&Options::default().scheduler(Scheduler::Sync))
            .unwrap()
            .into_scalar()
    });
    let a = Array2::from_shape_fn((8000, 1000), f);
    let expected = (&a - a.mean().unwrap()).std(0.0);
    assert!(
        (got - expected).abs() < 1e-12 * expected,
        "{got} vs {expected}"
    );
    assert!(
        peak < BLOCK_BYTES,
        "peak {peak} bytes: a block of x ({BLOCK_BYTES} bytes) was held"
    );
}
