//! The memory limit, measured with a counting global allocator: the rechunk
//! of the issue (10000² from 1000² blocks to 10000 x 100 columns, then a
//! sum) stays under its limit on 2, 8 and 16 threads, gives the same answer,
//! and a task that cannot fit is an error before anything runs.
//!
//! The allocator counts every thread, so the tests here run one at a time.

use ndchunk::diagnostics::{ComputeEnd, Observer};
use ndchunk::prelude::*;
use std::sync::{Arc, Mutex};

#[path = "common/counting_alloc.rs"]
mod counting_alloc;
static SERIAL: Mutex<()> = Mutex::new(());

const MB: usize = 1_000_000;

fn peak_during<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let (r, base, peak) = counting_alloc::peak_during(f);
    (r, peak.saturating_sub(base))
}

#[derive(Default)]
struct Peak(Mutex<Option<ComputeEnd>>);
impl Observer for Peak {
    fn compute_end(&self, run: &ComputeEnd) {
        *self.0.lock().unwrap() = Some(run.clone());
    }
}

#[test]
fn rechunk_then_sum_stays_under_the_limit_on_any_thread_count() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let x = ndchunk::random::Rng::seed(1)
        .standard_normal((10_000, 10_000), (1000, 1000))
        .unwrap();
    let y = x.rechunk((10_000, 100)).sum();
    let expected = y
        .compute_with(&Options::default().scheduler(Scheduler::Sync))
        .unwrap()
        .into_scalar();
    let limit = 128 * MB;
    for threads in [2, 8, 16] {
        let (free, free_peak) = peak_during(|| {
            y.compute_with(&Options::default().threads(threads))
                .unwrap()
                .into_scalar()
        });
        let seen = Arc::new(Peak::default());
        let options = Options::default()
            .threads(threads)
            .memory_limit(limit)
            .observer(seen.clone());
        let (capped, capped_peak) = peak_during(|| y.compute_with(&options).unwrap().into_scalar());
        let held = seen.0.lock().unwrap().clone().unwrap().peak_bytes;
        eprintln!(
            "{threads} threads: peak {:.1} MB without a limit, {:.1} MB with {} MB (executor held {:.1} MB)",
            free_peak as f64 / MB as f64,
            capped_peak as f64 / MB as f64,
            limit / MB,
            held as f64 / MB as f64
        );
        // Bit-identical whatever the schedule.
        assert_eq!(free, expected);
        assert_eq!(capped, expected);
        assert!(held <= limit, "executor held {held} bytes over {limit}");
        assert!(
            capped_peak < limit,
            "{threads} threads: {capped_peak} bytes allocated at the peak, limit {limit}"
        );
    }
}

#[test]
fn a_task_larger_than_the_limit_is_an_error_before_anything_runs() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let x = ChunkedArray::<f64, _>::ones((1000, 1000), (1000, 100)).unwrap();
    let y = x.rechunk((100, 1000)); // each output block reads all 10 inputs
    let seen = Arc::new(Peak::default());
    let err = y
        .sum()
        .compute_with(&Options::default().memory_limit(MB).observer(seen.clone()))
        .unwrap_err();
    let text = err.to_string();
    // 10 inputs of 800 kB and an output of 800 kB.
    assert!(matches!(
        err,
        Error::MemoryLimit {
            needed: 8_800_000,
            limit: 1_000_000,
            ..
        }
    ));
    assert!(
        text.contains("rechunk[") && text.contains("8800000") && text.contains("1000000"),
        "{text}"
    );
    assert!(seen.0.lock().unwrap().is_none(), "nothing may run");
    // With room for it, the same compute works and agrees.
    let ok = y
        .sum()
        .compute_with(&Options::default().memory_limit(9 * MB))
        .unwrap();
    assert_eq!(ok.into_scalar(), 1e6);
}

#[test]
fn a_limit_changes_no_result() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let rng = ndchunk::random::Rng::seed(9);
    let a = rng.standard_normal((300, 200), (70, 60)).unwrap();
    let b = rng.uniform(0.0, 1.0, (200, 90), (60, 45)).unwrap();
    let c = a.dot(&b).rechunk((50, 90));
    let expected = ndchunk::compute((&c, &c.sum_axis(Axis(1)), &c.var(0.0))).unwrap();
    for threads in [1, 2, 5] {
        for limit in [2 * MB, 10 * MB] {
            let options = Options::default().threads(threads).memory_limit(limit);
            let got =
                ndchunk::compute_with((&c, &c.sum_axis(Axis(1)), &c.var(0.0)), &options).unwrap();
            assert_eq!(got, expected, "{threads} threads, limit {limit}");
        }
    }
}

#[test]
fn an_array_computed_in_memory_is_held_once_not_twice() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    // 80 MB in ten blocks of 8 MB: the result sink copies each block into
    // the result as it arrives and frees it, so the peak is the result and
    // a block or two per thread, not the blocks and the result (160 MB).
    let x = ndchunk::random::Rng::seed(4)
        .standard_normal((10_000, 1_000), (1_000, 1_000))
        .unwrap();
    let result = x.nbytes();
    for options in [
        Options::default().scheduler(Scheduler::Sync),
        Options::default().threads(2),
    ] {
        let (out, peak) = peak_during(|| x.compute_with(&options).unwrap());
        eprintln!(
            "{options:?}: peak {:.1} MB for a result of {:.1} MB",
            peak as f64 / MB as f64,
            result as f64 / MB as f64
        );
        assert_eq!(out.dim(), (10_000, 1_000));
        assert!(
            peak < result + result / 3,
            "{peak} bytes at the peak for a result of {result}"
        );
    }
    // The values are the blocks' own, in place.
    let first = x.slice(s![..1000, ..]).compute().unwrap();
    let whole = x.compute().unwrap();
    assert_eq!(whole.slice(s![..1000, ..]), first);
}
