//! Zarr stores: fixtures written by zarr-python read bit for bit, round
//! trips of every element type in v2 and v3 (sharded too), 1-D to 4-D with
//! irregular last chunks and empty axes, writes whose blocks do not line up
//! with the store's chunks or shards, region writes, culling that reaches the
//! store, and every fault an `Err` naming the store and the chunk.

use ndarray::{ArrayD, IxDyn};
use ndchunk::element::StoreElement;
use ndchunk::io::{Codec, ZarrFormat, ZarrOptions};
use ndchunk::prelude::*;
use std::path::{Path, PathBuf};

/// A scratch directory removed when the test ends.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("ndchunk-zarr-{}-{name}", std::process::id()));
        std::fs::remove_dir_all(&dir).ok();
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/zarr")
}

/// The formula of `tests/fixtures/make_zarr.py`, per element type, of the
/// C-order index `k`.
trait Fixture: StoreElement + PartialEq + std::fmt::Debug {
    fn at(k: i64) -> Self;
}

macro_rules! fixture_unsigned {
    ($($t:ty),*) => {$(impl Fixture for $t {
        fn at(k: i64) -> Self { ((k * 37) % 251) as $t }
    })*};
}
macro_rules! fixture_signed {
    ($($t:ty),*) => {$(impl Fixture for $t {
        fn at(k: i64) -> Self { ((k * 37) % 251 - 125) as $t }
    })*};
}
fixture_unsigned!(u8, u16, u32, u64);
fixture_signed!(i8, i16, i32);
impl Fixture for i64 {
    fn at(k: i64) -> Self {
        ((k * 37) % 251 - 125) * 1_000_000_000_000
    }
}
impl Fixture for f32 {
    fn at(k: i64) -> Self {
        k as f32 * 0.25 - 3.0
    }
}
impl Fixture for f64 {
    fn at(k: i64) -> Self {
        k as f64 * 0.25 - 3.0
    }
}
impl Fixture for bool {
    fn at(k: i64) -> Self {
        k % 3 == 0
    }
}

fn expected<T: Fixture>(shape: &[usize]) -> ArrayD<T> {
    let n: usize = shape.iter().product();
    ArrayD::from_shape_vec(IxDyn(shape), (0..n as i64).map(T::at).collect()).unwrap()
}

fn read<T: StoreElement>(store: &Path, path: &str) -> ArrayD<T> {
    ChunkedArray::<T, IxDyn>::from_zarr(store, path)
        .unwrap()
        .compute()
        .unwrap()
}

#[test]
fn fixtures_written_by_zarr_python_read_bit_for_bit() {
    let v2 = fixtures().join("v2");
    let v3 = fixtures().join("v3");
    assert_eq!(read::<f64>(&v2, "blosc_f64"), expected::<f64>(&[7, 9, 4]));
    assert_eq!(read::<i16>(&v2, "blosc_i16"), expected::<i16>(&[10]));
    assert_eq!(read::<f32>(&v3, "zstd_f32"), expected::<f32>(&[5, 6]));
    assert_eq!(read::<u8>(&v3, "zstd_u8_4d"), expected::<u8>(&[2, 3, 4, 5]));
    assert_eq!(read::<bool>(&v3, "bool"), expected::<bool>(&[6, 7]));
    assert_eq!(read::<i64>(&v3, "sharded_i64"), expected::<i64>(&[12, 10]));

    // Blocks are the store's chunks, the inner chunks when sharded.
    let blosc = ChunkedArray::<f64, IxDyn>::from_zarr(&v2, "blosc_f64").unwrap();
    assert_eq!(
        blosc.chunks().sizes(),
        vec![vec![3, 3, 1], vec![4, 4, 1], vec![4]]
    );
    let sharded = ChunkedArray::<i64, IxDyn>::from_zarr(&v3, "sharded_i64").unwrap();
    assert_eq!(sharded.chunks().sizes(), vec![vec![3; 4], vec![5, 5]]);

    // A chunk never written reads as the fill value.
    let mut fill = ArrayD::from_elem(IxDyn(&[6, 6]), 7_u16);
    fill.slice_mut(s![..3, ..])
        .assign(&expected::<u16>(&[3, 6]));
    assert_eq!(read::<u16>(&v2, "fill_u16"), fill);

    let attributes = ndchunk::io::zarr_attributes(&v2, "blosc_f64").unwrap();
    assert_eq!(attributes["units"], "m");
    assert_eq!(attributes["scale"], 2.5);
}

/// Write `x` with `options`, read it back whole and by slices.
fn round_trip<T: Fixture>(shape: &[usize], chunks: ChunkSpec, options: ZarrOptions, dir: &Path) {
    let values = expected::<T>(shape);
    let x = ChunkedArray::from_array(values.clone(), chunks).unwrap();
    let written = x
        .to_zarr(dir, "a", options.overwrite(true))
        .unwrap()
        .compute()
        .unwrap();
    assert_eq!(
        written.bytes,
        (values.len() * std::mem::size_of::<T>()) as u64
    );
    let back = ChunkedArray::<T, IxDyn>::from_zarr(dir, "a").unwrap();
    assert_eq!(back.shape(), shape);
    assert_eq!(back.compute().unwrap(), values, "{} {shape:?}", T::DTYPE);
    // Blocks of other sizes than the chunks read the same values.
    let regrouped = ChunkedArray::<T, IxDyn>::from_zarr_with_chunks(dir, "a", 3).unwrap();
    assert_eq!(regrouped.compute().unwrap(), values);
}

fn every_type(shape: &[usize], chunks: ChunkSpec, options: ZarrOptions, dir: &Path) {
    round_trip::<bool>(shape, chunks.clone(), options.clone(), dir);
    round_trip::<i8>(shape, chunks.clone(), options.clone(), dir);
    round_trip::<i16>(shape, chunks.clone(), options.clone(), dir);
    round_trip::<i32>(shape, chunks.clone(), options.clone(), dir);
    round_trip::<i64>(shape, chunks.clone(), options.clone(), dir);
    round_trip::<u8>(shape, chunks.clone(), options.clone(), dir);
    round_trip::<u16>(shape, chunks.clone(), options.clone(), dir);
    round_trip::<u32>(shape, chunks.clone(), options.clone(), dir);
    round_trip::<u64>(shape, chunks.clone(), options.clone(), dir);
    round_trip::<f32>(shape, chunks.clone(), options.clone(), dir);
    round_trip::<f64>(shape, chunks, options, dir);
}

#[test]
fn every_type_round_trips_in_v2_and_v3_from_1d_to_4d() {
    let dir = Scratch::new("types");
    let shapes: [(&[usize], ChunkSpec); 6] = [
        (&[17], ChunkSpec::from(5)),
        (&[7, 9], ChunkSpec::from((3, 4))),
        (&[5, 1, 6], ChunkSpec::from((2, 1, 4))),
        (&[2, 3, 4, 5], ChunkSpec::from((1, 2, 3, 2))),
        (&[0, 4], ChunkSpec::from((2, 2))),
        (&[1], ChunkSpec::from(1)),
    ];
    for format in [ZarrFormat::V3, ZarrFormat::V2] {
        for (shape, chunks) in &shapes {
            let options = ZarrOptions::default().format(format);
            every_type(shape, chunks.clone(), options, dir.path());
        }
    }
}

#[test]
fn every_codec_round_trips() {
    let dir = Scratch::new("codecs");
    for format in [ZarrFormat::V3, ZarrFormat::V2] {
        for codec in [Codec::None, Codec::Zstd(3), Codec::Gzip(6), Codec::Blosc(5)] {
            let options = ZarrOptions::default().format(format).codec(codec);
            round_trip::<f64>(
                &[9, 11],
                ChunkSpec::from((4, 5)),
                options.clone(),
                dir.path(),
            );
            round_trip::<u16>(&[9, 11], ChunkSpec::from((4, 5)), options, dir.path());
        }
    }
}

#[test]
fn sharded_arrays_round_trip_and_read_by_inner_chunk() {
    let dir = Scratch::new("shards");
    let options = ZarrOptions::default().chunks([3, 5]).shards([6, 10]);
    every_type(
        &[13, 21],
        ChunkSpec::from((6, 10)),
        options.clone(),
        dir.path(),
    );
    let x = ChunkedArray::<f64, IxDyn>::from_zarr(dir.path(), "a").unwrap();
    assert_eq!(
        x.chunks().sizes(),
        vec![vec![3, 3, 3, 3, 1], vec![5, 5, 5, 5, 1]]
    );
    // Shards with irregular blocks: rechunked to whole shards.
    round_trip::<i32>(&[13, 21], ChunkSpec::from((4, 7)), options, dir.path());
}

#[test]
fn misaligned_blocks_are_rechunked_so_no_chunk_has_two_writers() {
    let dir = Scratch::new("misaligned");
    let values = expected::<f64>(&[50, 37]);
    // Blocks of 7 x 9 against chunks of 10 x 10: every chunk would have up
    // to four writers, each overwriting the others' parts (dask 12583).
    let x = ChunkedArray::from_array(values.clone(), (7, 9)).unwrap();
    let options = ZarrOptions::default().chunks([10, 10]);
    let written = x
        .to_zarr(dir.path(), "a", options)
        .unwrap()
        .compute()
        .unwrap();
    assert_eq!(written.chunks, 5 * 4, "one write per chunk");
    assert_eq!(read::<f64>(dir.path(), "a"), values);

    // Explicit irregular blocks, shards, several threads.
    let chunks = Chunks::from_sizes(vec![vec![3, 20, 1, 26], vec![30, 7]]);
    let x = ChunkedArray::from_array(values.clone(), chunks).unwrap();
    for threads in [1, 2, 4] {
        let options = ZarrOptions::default()
            .chunks([5, 5])
            .shards([10, 15])
            .overwrite(true);
        let write = x.to_zarr(dir.path(), "s", options).unwrap();
        let written = write
            .compute_with(&Options::default().threads(threads))
            .unwrap();
        assert_eq!(written.chunks, 5 * 3, "one write per shard");
        assert_eq!(read::<f64>(dir.path(), "s"), values);
    }
}

#[test]
fn region_writes_keep_the_rest_of_every_chunk() {
    let dir = Scratch::new("region");
    let base = expected::<i32>(&[20, 30]);
    let x = ChunkedArray::from_array(base.clone(), 10).unwrap();
    x.to_zarr(
        dir.path(),
        "a",
        ZarrOptions::default().chunks([4, 6]).shards([8, 12]),
    )
    .unwrap()
    .compute()
    .unwrap();
    // A region starting and ending inside shards, written with blocks that
    // line up with nothing.
    let patch = ArrayD::from_shape_fn(IxDyn(&[11, 17]), |ix| -((ix[0] * 100 + ix[1]) as i32) - 1);
    let y = ChunkedArray::from_array(patch.clone(), (3, 5)).unwrap();
    y.to_zarr_region(dir.path(), "a", &[5..16, 7..24])
        .unwrap()
        .compute()
        .unwrap();
    let mut want = base.clone();
    want.slice_mut(s![5..16, 7..24]).assign(&patch);
    assert_eq!(read::<i32>(dir.path(), "a"), want);

    // Several regions in one compute, each unit with one writer per region.
    let top = ChunkedArray::<i32, _>::zeros((4, 30), (3, 7)).unwrap();
    let bottom = ChunkedArray::<i32, _>::ones((4, 30), (1, 30)).unwrap();
    let (a, b) = ndchunk::compute((
        &top.to_zarr_region(dir.path(), "a", &[0..4, 0..30]).unwrap(),
        &bottom
            .to_zarr_region(dir.path(), "a", &[16..20, 0..30])
            .unwrap(),
    ))
    .unwrap();
    assert_eq!((a.bytes, b.bytes), (480, 480));
    want.slice_mut(s![0..4, ..]).fill(0);
    want.slice_mut(s![16..20, ..]).fill(1);
    assert_eq!(read::<i32>(dir.path(), "a"), want);
}

#[test]
fn writing_and_reducing_share_one_pass() {
    let dir = Scratch::new("one-pass");
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = calls.clone();
    let x = ChunkedArray::from_array(expected::<f64>(&[40, 40]), 10)
        .unwrap()
        .map_blocks(move |b, _| {
            seen.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            b.mapv(|v| v * 2.0)
        });
    let write = x.to_zarr(dir.path(), "x", ZarrOptions::default()).unwrap();
    let (written, sum) = ndchunk::compute((&write, &x.sum())).unwrap();
    assert_eq!(
        calls.load(std::sync::atomic::Ordering::Relaxed),
        16,
        "each block made once"
    );
    assert_eq!(written.chunks, 16);
    let want = expected::<f64>(&[40, 40]).mapv(|v| v * 2.0);
    assert_eq!(sum.into_scalar(), want.sum());
    assert_eq!(read::<f64>(dir.path(), "x"), want);
}

/// Overwrite every chunk file but the first with bytes that do not decode.
fn corrupt_all_but_first(array_dir: &Path) -> usize {
    let mut corrupted = 0;
    for entry in walk(array_dir) {
        let name = entry.file_name().unwrap().to_string_lossy().into_owned();
        let key = entry
            .strip_prefix(array_dir)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if name.starts_with('.') || name == "zarr.json" || key == "c/0/0" {
            continue;
        }
        std::fs::write(&entry, b"not zstd at all").unwrap();
        corrupted += 1;
    }
    corrupted
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn culling_reaches_the_store_and_corrupt_chunks_are_named() {
    let dir = Scratch::new("culling");
    let values = expected::<f64>(&[100, 100]);
    let x = ChunkedArray::from_array(values.clone(), 25).unwrap();
    x.to_zarr(dir.path(), "x", ZarrOptions::default())
        .unwrap()
        .compute()
        .unwrap();
    // Only chunk c/0/0 still decodes: a result that read any other chunk
    // would fail, so these computes read exactly one chunk each.
    assert_eq!(corrupt_all_but_first(&dir.path().join("x")), 15);
    let x = ChunkedArray::<f64, IxDyn>::from_zarr(dir.path(), "x").unwrap();
    assert_eq!(
        x.slice(s![..10, ..10]).compute().unwrap(),
        values.slice(s![..10, ..10])
    );
    assert_eq!(
        x.slice(s![3..25, 24])
            .sum()
            .compute()
            .unwrap()
            .into_scalar(),
        values.slice(s![3..25, 24]).sum()
    );
    // Reading chunk c/0/1 fails, naming the store and the chunk.
    let err = x.slice(s![..10, ..26]).compute().unwrap_err().to_string();
    assert!(
        err.contains("c/0/1") && err.contains(&dir.path().display().to_string()),
        "{err}"
    );
    // The error is per task: the next compute works.
    assert_eq!(
        x.slice(s![0, 0]).compute().unwrap().into_scalar(),
        values[[0, 0]]
    );
}

#[test]
fn bad_stores_paths_types_and_regions_are_errors_naming_them() {
    let dir = Scratch::new("faults");
    let missing = dir.path().join("nowhere");
    let err = ChunkedArray::<f64, IxDyn>::from_zarr(&missing, "x").unwrap_err();
    assert!(
        matches!(err, Error::Store { .. }) && err.to_string().contains("nowhere"),
        "{err}"
    );
    let err = ChunkedArray::<f64, IxDyn>::from_zarr(dir.path(), "absent").unwrap_err();
    assert!(
        err.to_string().contains("absent") && err.to_string().contains("not a readable Zarr array"),
        "{err}"
    );
    let err = ChunkedArray::<f64, IxDyn>::from_zarr(fixtures().join("v3"), "zstd_f32").unwrap_err();
    assert!(
        err.to_string().contains("float32") && err.to_string().contains("float64"),
        "{err}"
    );
    let err = ChunkedArray::<u8, IxDyn>::from_zarr(fixtures().join("v2"), "blosc_i16").unwrap_err();
    assert!(
        err.to_string().contains("int16") && err.to_string().contains("uint8"),
        "{err}"
    );

    let x = ChunkedArray::from_array(expected::<u32>(&[6, 8]), 4).unwrap();
    x.to_zarr(dir.path(), "x", ZarrOptions::default())
        .unwrap()
        .compute()
        .unwrap();
    // Writing over an existing array needs `overwrite`.
    let err = x
        .to_zarr(dir.path(), "x", ZarrOptions::default())
        .unwrap()
        .compute()
        .unwrap_err();
    assert!(err.to_string().contains("overwrite"), "{err}");
    // Regions: out of bounds, wrong shape, wrong rank, wrong type.
    let small = ChunkedArray::<u32, _>::zeros((2, 3), 2).unwrap();
    #[allow(clippy::single_range_in_vec_init)] // one range for a 2-D array is the fault tested
    let regions: [&[std::ops::Range<usize>]; 3] = [&[5..7, 0..3], &[0..2, 0..4], &[0..2usize][..]];
    for region in regions {
        let err = small.to_zarr_region(dir.path(), "x", region).unwrap_err();
        assert!(err.to_string().contains("region"), "{region:?}: {err}");
    }
    let floats = ChunkedArray::<f32, _>::zeros((2, 3), 2).unwrap();
    let err = floats
        .to_zarr_region(dir.path(), "x", &[0..2, 0..3])
        .unwrap_err();
    assert!(
        err.to_string().contains("uint32") && err.to_string().contains("float32"),
        "{err}"
    );
    // Options that do not fit the array.
    let bad = [
        (ZarrOptions::default().chunks([2]), "ZarrOptions::chunks"),
        (ZarrOptions::default().chunks([0, 2]), "ZarrOptions::chunks"),
        (
            ZarrOptions::default().chunks([2, 2]).shards([3, 4]),
            "ZarrOptions::shards",
        ),
        (
            ZarrOptions::default().format(ZarrFormat::V2).shards([4, 4]),
            "ZarrOptions::shards",
        ),
        (
            ZarrOptions::default().fill_value(0.5),
            "ZarrOptions::fill_value",
        ),
        (
            ZarrOptions::default().dimension_names(["x"]),
            "ZarrOptions::dimension_names",
        ),
    ];
    for (options, argument) in bad {
        let err = x.to_zarr(dir.path(), "y", options).unwrap_err();
        assert!(err.to_string().contains(argument), "{argument}: {err}");
    }
}

#[test]
fn a_failed_write_leaves_the_other_chunks_whole_and_no_temporary_files() {
    let dir = Scratch::new("failed");
    let values = expected::<f64>(&[30, 30]);
    let x = ChunkedArray::from_array(values.clone(), 10).unwrap();
    x.to_zarr(dir.path(), "x", ZarrOptions::default())
        .unwrap()
        .compute()
        .unwrap();
    // Write again where one block's closure panics: the others land.
    let y = x.map_blocks(|b, info| {
        assert!(info.index != [1, 1], "bad block");
        b.mapv(|v| -v)
    });
    let err = y
        .to_zarr_region(dir.path(), "x", &[0..30, 0..30])
        .unwrap()
        .compute()
        .unwrap_err();
    assert!(err.to_string().contains("[1, 1]"), "{err}");
    let back = read::<f64>(dir.path(), "x");
    for i in 0..3 {
        for j in 0..3 {
            let got = back.slice(s![i * 10..i * 10 + 10, j * 10..j * 10 + 10]);
            let old = values.slice(s![i * 10..i * 10 + 10, j * 10..j * 10 + 10]);
            if (i, j) == (1, 1) {
                assert_eq!(got, old, "the failed block's chunk keeps its old values");
            } else if got != old.mapv(|v| -v) {
                // Tasks after the failure may have been skipped: then the
                // chunk is the old one, whole.
                assert_eq!(got, old, "chunk ({i}, {j}) is neither old nor new");
            }
        }
    }
    let temporaries: Vec<_> = walk(dir.path())
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "tmp"))
        .collect();
    assert!(temporaries.is_empty(), "{temporaries:?}");
}

#[test]
fn options_reach_the_metadata() {
    let dir = Scratch::new("metadata");
    let x = ChunkedArray::<f32, _>::zeros((4, 6), (2, 3)).unwrap();
    let options = ZarrOptions::default()
        .fill_value(f64::NAN)
        .attribute("units", "K")
        .dimension_names(["y", "x"]);
    x.to_zarr(dir.path(), "v3", options.clone())
        .unwrap()
        .compute()
        .unwrap();
    x.to_zarr(dir.path(), "v2", options.format(ZarrFormat::V2))
        .unwrap()
        .compute()
        .unwrap();
    let v3: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("v3/zarr.json")).unwrap())
            .unwrap();
    assert_eq!(v3["fill_value"], "NaN");
    assert_eq!(v3["dimension_names"], serde_json::json!(["y", "x"]));
    assert_eq!(
        v3["chunk_grid"]["configuration"]["chunk_shape"],
        serde_json::json!([2, 3])
    );
    assert_eq!(v3["attributes"]["units"], "K");
    let v2 = ndchunk::io::zarr_attributes(dir.path(), "v2").unwrap();
    assert_eq!(v2["_ARRAY_DIMENSIONS"], serde_json::json!(["y", "x"]));
    assert_eq!(v2["units"], "K");
    let zarray: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("v2/.zarray")).unwrap())
            .unwrap();
    assert_eq!(zarray["fill_value"], "NaN");
    assert_eq!(zarray["chunks"], serde_json::json!([2, 3]));
    let zeros = ChunkedArray::<f32, IxDyn>::from_zarr(dir.path(), "v2").unwrap();
    assert_eq!(
        zeros.compute().unwrap(),
        ArrayD::<f32>::zeros(IxDyn(&[4, 6]))
    );
}

#[test]
fn the_memory_limit_counts_the_chunks_a_task_decodes() {
    let dir = Scratch::new("limit");
    let x = ChunkedArray::<f64, _>::ones((1000, 1000), (500, 1000)).unwrap();
    x.to_zarr(dir.path(), "x", ZarrOptions::default())
        .unwrap()
        .compute()
        .unwrap();
    let y = ChunkedArray::<f64, IxDyn>::from_zarr(dir.path(), "x").unwrap();
    // A sum holds one decoded chunk (4 MB) per task, not just strips.
    let tight = Options::default().memory_limit(2 << 20);
    let err = y.sum().compute_with(&tight).unwrap_err();
    assert!(matches!(err, Error::MemoryLimit { .. }), "{err}");
    let enough = Options::default().memory_limit(16 << 20);
    assert_eq!(y.sum().compute_with(&enough).unwrap().into_scalar(), 1e6);
}
