//! The whole-array median and percentiles, and `topk` along the one axis,
//! under a memory limit a quarter of the array's size: they do not gather
//! the data (the same median of the array rechunked to one block, or a
//! sort of the axis, is refused by the limit), and the bytes allocated at
//! the peak, counted by a global allocator, stay under the limit. The
//! answers are exact: equal to a sort of the computed array.
//!
//! The allocator counts every thread, so the tests here run one at a time.

use ndchunk::prelude::*;
use std::sync::Mutex;

#[path = "common/counting_alloc.rs"]
mod counting_alloc;
static SERIAL: Mutex<()> = Mutex::new(());

const MB: usize = 1_000_000;

#[test]
fn median_percentiles_and_topk_run_in_less_memory_than_the_array() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let n = 4_000_000; // 32 MB of f64
    let x = ndchunk::random::Rng::seed(3)
        .standard_normal(n, 250_000)
        .unwrap();
    let mut sorted = x.compute().unwrap().to_vec();
    sorted.sort_by(f64::total_cmp);
    let limit = 8 * MB;
    let options = Options::default().threads(2).memory_limit(limit);

    let median = x.median();
    let percentiles = x.percentile(&[0.0, 50.0, 100.0]).unwrap();
    let ((m, p), base, peak) = counting_alloc::peak_during(|| {
        ndchunk::compute_with((&median, &percentiles), &options).unwrap()
    });
    let peak = peak.saturating_sub(base);
    eprintln!(
        "median and percentiles of 32 MB: peak {:.2} MB",
        peak as f64 / MB as f64
    );
    let middle = (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    assert_eq!(m.into_scalar(), middle);
    assert_eq!(p[0], sorted[0]);
    assert_eq!(p[2], sorted[n - 1]);
    assert!(
        peak < limit,
        "{peak} bytes allocated at the peak, limit {limit}"
    );

    // Separately: `topk` consumes whole blocks, which the planner stores;
    // computed with the median, the blocks would be kept for its later
    // counting passes.
    let top = x.topk(-3, Axis(0)).unwrap();
    let (t, base, peak) = counting_alloc::peak_during(|| top.compute_with(&options).unwrap());
    let peak = peak.saturating_sub(base);
    eprintln!("topk of 32 MB: peak {:.2} MB", peak as f64 / MB as f64);
    assert_eq!(t.to_vec(), sorted[..3].to_vec());
    assert!(
        peak < limit,
        "{peak} bytes allocated at the peak, limit {limit}"
    );

    // Gathering the array into one block cannot run under this limit.
    let gathered = x.rechunk(n).median();
    let err = gathered.compute_with(&options).unwrap_err();
    assert!(matches!(err, Error::MemoryLimit { .. }), "{err}");
    let err = x.sort_axis(Axis(0)).compute_with(&options).unwrap_err();
    assert!(matches!(err, Error::MemoryLimit { .. }), "{err}");
}
