//! Headline benchmarks: `cargo bench --bench headline`.
//!
//! - `mean_normal`: mean of a 10000x10000 standard-normal array in 1000x1000
//!   chunks (draw + reduce fused, 100 blocks);
//! - `chain`: `((x * 2 + 1)^2 - x).sum()` over an in-memory 4000x4000 array in
//!   1000x1000 chunks (one fused kernel per block);
//! - `sum_axis0` / `mean_axis1` / `std`: reductions of that array;
//! - `max_uniform`: max of a 4000x4000 uniform(0, 1) array in 1000x1000
//!   chunks (draw + reduce fused, as W8 at a smaller size);
//! - `tiny_tasks`: `(x + 1).sum()` over 1000x1000 in 10x10 chunks, 10,000
//!   blocks: per-task overhead.
//!
//! Arrays are made outside the timed loop; each iteration builds the lazy
//! expression (cheap) and computes it on the current rayon pool. Sample
//! counts are small so the whole run takes well under a minute on 2 cores.

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use ndchunk::prelude::*;
use std::hint::black_box;
use std::time::Duration;

/// A deterministic, non-trivial in-memory array.
fn test_array(n: usize) -> Array2<f64> {
    Array::from_shape_fn((n, n), |(i, j)| {
        ((i * 31 + j * 17) % 1000) as f64 / 1000.0 - 0.5
    })
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

fn headline(c: &mut Criterion) {
    let mut group = c.benchmark_group("headline");

    // (a) The headline job: about a second per iteration on 2 cores, so one
    // iteration per sample (flat sampling), 10 samples.
    {
        let n = 10_000;
        let rng = ndchunk::random::Rng::seed(42);
        let x = rng
            .standard_normal((n, n), (1_000, 1_000))
            .expect("valid shape and chunks");
        group
            .sampling_mode(SamplingMode::Flat)
            .sample_size(10)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(10))
            .throughput(Throughput::Elements((n * n) as u64));
        group.bench_function("W1_mean_normal_10000x10000_c1000", |b| {
            b.iter(|| black_box(x.mean().compute().expect("compute").into_scalar()))
        });
    }

    // (b), (c): one in-memory 4000x4000 array in 1000x1000 chunks.
    let n = 4_000;
    let a = test_array(n);
    let expected_chain = a.mapv(|v| (v * 2.0 + 1.0) * (v * 2.0 + 1.0) - v).sum();
    let expected_rows = a.sum_axis(Axis(0));
    let expected_cols = a.mean_axis(Axis(1)).expect("non-empty");
    let expected_std = a.std(0.0);
    let x = ChunkedArray::from_array(a, (1_000, 1_000)).expect("valid chunks");

    // Check once, outside the timed loop, that the work measured is right.
    let chain = ((&x * 2.0 + 1.0).mapv(|v| v * v) - &x).sum();
    assert!(close(
        chain.compute().expect("chain").into_scalar(),
        expected_chain
    ));
    let rows = x.sum_axis(Axis(0)).compute().expect("sum_axis");
    assert!(rows.iter().zip(&expected_rows).all(|(a, b)| close(*a, *b)));
    let cols = x.mean_axis(Axis(1)).compute().expect("mean_axis");
    assert!(cols.iter().zip(&expected_cols).all(|(a, b)| close(*a, *b)));
    let std = x.std(0.0).compute().expect("std").into_scalar();
    assert!(close(std, expected_std));

    group
        .sampling_mode(SamplingMode::Auto)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .throughput(Throughput::Elements((n * n) as u64));
    group.bench_function("W3_chain_4000x4000_c1000", |b| {
        b.iter(|| {
            let y = ((&x * 2.0 + 1.0).mapv(|v| v * v) - &x).sum();
            black_box(y.compute().expect("compute").into_scalar())
        })
    });
    group.bench_function("W4a_sum_axis0_4000x4000_c1000", |b| {
        b.iter(|| black_box(x.sum_axis(Axis(0)).compute().expect("compute")))
    });
    group.bench_function("W4b_mean_axis1_4000x4000_c1000", |b| {
        b.iter(|| black_box(x.mean_axis(Axis(1)).compute().expect("compute")))
    });
    group.bench_function("std_4000x4000_c1000", |b| {
        b.iter(|| black_box(x.std(0.0).compute().expect("compute").into_scalar()))
    });

    // The draw and fold of a random array (uniform values, their maximum).
    let u = ndchunk::random::Rng::seed(7)
        .uniform(0.0, 1.0, (n, n), (1_000, 1_000))
        .expect("valid shape and chunks");
    let max = u.max().compute().expect("max").into_scalar();
    assert!(
        (0.999..1.0).contains(&max),
        "max of {} uniforms: {max}",
        n * n
    );
    group.bench_function("max_uniform_4000x4000_c1000", |b| {
        b.iter(|| black_box(u.max().compute().expect("compute").into_scalar()))
    });

    // (d) Many tiny tasks: 10,000 blocks of 100 elements each.
    let n = 1_000;
    let a = test_array(n);
    let expected = (&a + 1.0).sum();
    let x = ChunkedArray::from_array(a, (10, 10)).expect("valid chunks");
    assert!(close(
        (&x + 1.0).sum().compute().expect("tiny").into_scalar(),
        expected
    ));
    group.throughput(Throughput::Elements((n * n) as u64));
    group.bench_function("W5_tiny_tasks_1000x1000_c10", |b| {
        b.iter(|| black_box((&x + 1.0).sum().compute().expect("compute").into_scalar()))
    });

    group.finish();
}

criterion_group!(benches, headline);
criterion_main!(benches);
