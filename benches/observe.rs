//! What watching and bounding a compute costs: `cargo bench --bench observe`.
//!
//! - `W5_*`: `(x + 1).sum()` over 1000x1000 in 10x10 chunks (10,000 tiny
//!   tasks, ~1.5 µs each), plain, with the progress bar, with a do-nothing
//!   observer (the cost of the hooks alone) and with a memory limit. The
//!   progress bar draws only on a terminal: run under `script -qc` to
//!   measure it drawing.
//! - `W1_*`: the headline mean of 10000x10000 normal samples in 1000x1000
//!   chunks, plain and under a 64 MB memory limit.

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use ndchunk::diagnostics::Observer;
use ndchunk::prelude::*;
use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

struct Nothing;
impl Observer for Nothing {}

fn observe(c: &mut Criterion) {
    let mut group = c.benchmark_group("observe");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    let a = Array::from_shape_fn((1_000, 1_000), |(i, j)| (i * 7 + j) as f64);
    let x = ChunkedArray::from_array(a, (10, 10)).expect("valid chunks");
    let expected = (&x + 1.0).sum().compute().expect("tiny").into_scalar();
    let variants = [
        ("W5_tiny_tasks_plain", Options::default()),
        ("W5_tiny_tasks_progress", Options::default().progress(true)),
        (
            "W5_tiny_tasks_noop_observer",
            Options::default().observer(Arc::new(Nothing)),
        ),
        (
            "W5_tiny_tasks_memory_limit_64MB",
            Options::default().memory_limit(64_000_000),
        ),
    ];
    for (name, options) in &variants {
        let got = (&x + 1.0).sum().compute_with(options).expect("tiny");
        assert_eq!(got.into_scalar(), expected);
        group.bench_function(*name, |b| {
            b.iter(|| black_box((&x + 1.0).sum().compute_with(options).expect("compute")))
        });
    }

    let x = ndchunk::random::Rng::seed(42)
        .standard_normal((10_000, 10_000), (1_000, 1_000))
        .expect("valid shape and chunks");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    for (name, options) in [
        ("W1_mean_normal_plain", Options::default()),
        (
            "W1_mean_normal_memory_limit_64MB",
            Options::default().memory_limit(64_000_000),
        ),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| black_box(x.mean().compute_with(&options).expect("compute")))
        });
    }
    group.finish();
}

criterion_group!(benches, observe);
criterion_main!(benches);
