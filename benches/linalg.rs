//! Matrix product and QR benchmarks: `cargo bench --bench linalg`.
//!
//! `dot` of two in-memory 2000x2000 f64 arrays in 500x500 chunks (16 output
//! blocks, 4 contraction blocks each), computed whole on the current rayon
//! pool, next to eager ndarray's single-threaded `dot` (matrixmultiply);
//! `linalg::qr` (TSQR) of an in-memory 100000x20 array in 5000x20 row
//! blocks, both factors computed.
//! Sample counts are small so the run takes well under a minute on 2 cores.

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use ndchunk::prelude::*;
use std::hint::black_box;
use std::time::Duration;

/// A deterministic, non-trivial in-memory array.
fn test_array(n: usize, salt: usize) -> Array2<f64> {
    Array::from_shape_fn((n, n), |(i, j)| {
        ((i * 31 + j * 17 + salt) % 1000) as f64 / 1000.0 - 0.5
    })
}

fn linalg(c: &mut Criterion) {
    let n = 2_000;
    let (a, b) = (test_array(n, 0), test_array(n, 7));
    let expected = a.dot(&b);
    let x = ChunkedArray::from_array(a.clone(), (500, 500)).expect("valid chunks");
    let y = ChunkedArray::from_array(b.clone(), (500, 500)).expect("valid chunks");
    let got = x.dot(&y).compute().expect("compute");
    assert!(
        got.iter()
            .zip(&expected)
            .all(|(g, e)| (g - e).abs() <= 1e-9 * e.abs().max(1.0)),
        "the chunked product differs from ndarray's"
    );

    let mut group = c.benchmark_group("linalg");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        // Floating-point operations of one product.
        .throughput(Throughput::Elements(2 * (n as u64).pow(3)));
    group.bench_function("dot_2000x2000_c500", |bench| {
        bench.iter(|| black_box(x.dot(&y).compute().expect("compute")))
    });
    group.bench_function("eager_ndarray_dot_2000x2000", |bench| {
        bench.iter(|| black_box(a.dot(&b)))
    });
    group.finish();

    let tall = Array::from_shape_fn((100_000, 20), |(i, j)| {
        ((i * 31 + j * 17) % 1000) as f64 / 1000.0 - 0.5 + f64::from(u8::from(i == j))
    });
    let x = ChunkedArray::from_array(tall, (5_000, 20)).expect("valid chunks");
    let (q, r) = ndchunk::linalg::qr(&x).expect("one block along columns");
    let mut group = c.benchmark_group("linalg_qr");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    group.bench_function("qr_100000x20_c5000", |bench| {
        bench.iter(|| black_box(ndchunk::compute((&q, &r)).expect("compute")))
    });
    group.finish();
}

criterion_group!(benches, linalg);
criterion_main!(benches);
