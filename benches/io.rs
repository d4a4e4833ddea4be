//! Stores and the random generator: `cargo bench --bench io`.
//!
//! - `zarr_write_zstd1` / `zarr_read_sum`: a 2000x2000 normal array in
//!   500x500 chunks written to a Zarr v3 store with zstd level 1, and read
//!   back and summed (the page cache holds the store: decoding and compute,
//!   not the disk).
//! - `npy_write` / `npy_read_sum`: the same array as a `.npy` file.
//! - `random_normal_sum`: the generator alone (2000x2000 normals, summed),
//!   the cost every row above includes.
//!
//! The side-by-side rows against dask + zarr-python at 20000² are IO-W and
//! IO-R of `benches/compare/run.py`.

use criterion::{criterion_group, criterion_main, Criterion};
use ndchunk::prelude::*;
use std::hint::black_box;
use std::time::Duration;

fn io(c: &mut Criterion) {
    let mut group = c.benchmark_group("io");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    let dir = std::env::temp_dir().join(format!("ndchunk-bench-io-{}", std::process::id()));
    let x = ndchunk::random::Rng::seed(1)
        .standard_normal((2_000, 2_000), (500, 500))
        .expect("valid chunks");
    let options = || ZarrOptions::default().overwrite(true);
    group.bench_function("random_normal_sum", |b| {
        b.iter(|| black_box(x.sum().compute().expect("sum")))
    });
    group.bench_function("zarr_write_zstd1", |b| {
        b.iter(|| {
            black_box(
                x.to_zarr(&dir, "x", options())
                    .expect("plan")
                    .compute()
                    .expect("write"),
            )
        })
    });
    let stored = ChunkedArray::<f64, _>::from_zarr(&dir, "x").expect("written above");
    group.bench_function("zarr_read_sum", |b| {
        b.iter(|| black_box(stored.sum().compute().expect("read")))
    });
    let npy = dir.join("x.npy");
    group.bench_function("npy_write", |b| {
        b.iter(|| black_box(x.to_npy(&npy).expect("plan").compute().expect("write")))
    });
    let mapped = ChunkedArray::<f64, _>::from_npy(&npy, (500, 500)).expect("written above");
    group.bench_function("npy_read_sum", |b| {
        b.iter(|| black_box(mapped.sum().compute().expect("read")))
    });
    group.finish();
    std::fs::remove_dir_all(&dir).ok();
}

criterion_group!(benches, io);
criterion_main!(benches);
