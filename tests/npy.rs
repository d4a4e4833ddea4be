//! `.npy` files: round trips of every store element type, numpy's own files
//! read bit for bit (tests/fixtures/make_npy.py), lazy reads of only the
//! blocks needed, writes in one pass with other results, failed writes that
//! leave the target alone, and bad inputs as store errors.

use ndarray::{s, Array, ArrayD, IxDyn};
use ndchunk::io::StoreElement;
use ndchunk::{ChunkSpec, ChunkedArray, Chunks, Error};
use std::fmt::Debug;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// A directory of its own for one test, removed at the end.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("ndchunk-npy-{}-{name}", std::process::id()));
        std::fs::remove_dir_all(&dir).ok();
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn path(&self, file: &str) -> PathBuf {
        self.0.join(file)
    }

    /// The names of the files in the directory, sorted.
    fn files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/npy")
        .join(format!("{name}.npy"))
}

/// The key and reason of a store error, also inside a failed task.
fn store_error(e: &Error) -> (&str, &str) {
    match e {
        Error::Store { key, reason, .. } => (key, reason),
        Error::TaskFailed { source, .. } => store_error(source),
        other => panic!("expected a store error, got {other:?}"),
    }
}

/// Deterministic values of every kind a type has (negative, large, fractional).
trait Sample: StoreElement + PartialEq + Debug {
    fn sample(i: usize) -> Self;
}

impl Sample for bool {
    fn sample(i: usize) -> Self {
        i % 3 == 1
    }
}

macro_rules! sample_ints {
    ($($t:ty)*) => {$(
        impl Sample for $t {
            fn sample(i: usize) -> Self {
                // Wraps through the whole range of the type, high bits included.
                (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) as $t
            }
        }
    )*};
}
sample_ints!(i8 i16 i32 i64 u8 u16 u32 u64);

impl Sample for f32 {
    fn sample(i: usize) -> Self {
        i as f32 * 0.37 - 5.0
    }
}

impl Sample for f64 {
    fn sample(i: usize) -> Self {
        (i as f64 * 0.1).sin() * 1e10
    }
}

fn values<T: Sample>(shape: &[usize]) -> ArrayD<T> {
    let len = shape.iter().product();
    ArrayD::from_shape_vec(IxDyn(shape), (0..len).map(T::sample).collect()).unwrap()
}

/// Write `a` in blocks of `write`, check the receipt and the file (as
/// `ndarray-npy` reads it), read it back in blocks of `read`.
fn round_trip<T: Sample>(dir: &Scratch, a: &ArrayD<T>, write: ChunkSpec, read: ChunkSpec) {
    let what = format!("{} of shape {:?}", T::DTYPE, a.shape());
    let path = dir.path(&format!("{}-{:?}.npy", T::DTYPE, a.shape()));
    let x = ChunkedArray::from_array(a.clone(), write).unwrap();
    let written = x.to_npy(&path).unwrap().compute().unwrap();
    assert_eq!(written.path, path, "{what}");
    assert_eq!(written.array, "", "{what}");
    assert_eq!(written.bytes, (a.len() * size_of::<T>()) as u64, "{what}");
    let expected_blocks = if a.is_empty() { 0 } else { x.num_blocks() };
    assert_eq!(written.chunks, expected_blocks, "{what}");
    let file: ArrayD<T> = ndarray_npy::read_npy(&path).unwrap();
    assert_eq!(&file, a, "{what}: read by ndarray-npy");

    let back = ChunkedArray::<T, _>::from_npy(&path, read.clone()).unwrap();
    let chunks = read.resolve(a.shape(), size_of::<T>()).unwrap();
    assert_eq!(back.chunks(), &chunks, "{what}");
    assert_eq!(&back.compute().unwrap(), a, "{what}: read back");
}

fn round_trips<T: Sample>(dir: &Scratch) {
    let irregular = Chunks::from_sizes(vec![vec![2, 4, 1], vec![1, 4]]);
    let cases: Vec<(Vec<usize>, ChunkSpec, ChunkSpec)> = vec![
        // Last block shorter.
        (vec![10], 3.into(), 4.into()),
        // Explicit, irregular blocks; read back in others.
        (vec![7, 5], irregular.into(), (3, 2).into()),
        // A size-1 axis.
        (vec![4, 1, 6], (3, 1, 4).into(), (4, 1, 6).into()),
        (vec![2, 3, 4, 5], (1, 2, 3, 2).into(), (2, 1, 4, 3).into()),
        // Empty axes.
        (vec![0, 4], (1, 2).into(), 3.into()),
        (vec![3, 0, 2], 2.into(), (1, 1, 1).into()),
        // 0-d.
        (vec![], ().into(), ().into()),
    ];
    for (shape, write, read) in cases {
        round_trip(dir, &values::<T>(&shape), write, read);
    }
}

#[test]
fn every_store_element_type_round_trips_in_1_to_4_dimensions() {
    let dir = Scratch::new("round-trips");
    round_trips::<bool>(&dir);
    round_trips::<i8>(&dir);
    round_trips::<i16>(&dir);
    round_trips::<i32>(&dir);
    round_trips::<i64>(&dir);
    round_trips::<u8>(&dir);
    round_trips::<u16>(&dir);
    round_trips::<u32>(&dir);
    round_trips::<u64>(&dir);
    round_trips::<f32>(&dir);
    round_trips::<f64>(&dir);
}

/// `actual` holds the bits of `expected`, element by element.
fn assert_bits<T: Debug>(actual: &ArrayD<T>, expected: &ArrayD<T>, bits: impl Fn(&T) -> u64) {
    assert_eq!(actual.shape(), expected.shape());
    for (a, e) in actual.iter().zip(expected) {
        assert_eq!(bits(a), bits(e), "{a:?} is not {e:?}");
    }
}

/// The fixture `name` read in blocks of each of `chunks`.
fn read_fixture<T: StoreElement>(name: &str, chunks: &[ChunkSpec]) -> Vec<ArrayD<T>> {
    chunks
        .iter()
        .map(|c| {
            ChunkedArray::<T, _>::from_npy(fixture(name), c.clone())
                .unwrap()
                .compute()
                .unwrap()
        })
        .collect()
}

#[test]
fn numpy_files_are_read_bit_for_bit() {
    let f64s = Array::from_shape_fn((3, 4, 5), |(i, j, k)| {
        (i * 20 + j * 5 + k) as f64 * 0.1 - 2.0
    });
    for got in read_fixture::<f64>("f64_3x4x5", &[2.into(), (3, 1, 5).into(), (-1).into()]) {
        assert_bits(&got, &f64s.clone().into_dyn(), |v| v.to_bits());
    }
    let f32s = Array::from_shape_fn((4, 6), |(i, j)| (i * 6 + j) as f32 / 3.0);
    for got in read_fixture::<f32>("f32_4x6", &[(3, 4).into(), 1.into()]) {
        assert_bits(&got, &f32s.clone().into_dyn(), |v| v.to_bits().into());
    }
    let i32s = Array::from_shape_fn((2, 3, 4), |(i, j, k)| {
        ((i * 12 + j * 4 + k) as i32 - 10) * 1_000_003
    });
    for got in read_fixture::<i32>("i32_2x3x4", &[(1, 2, 3).into()]) {
        assert_eq!(got, i32s.clone().into_dyn());
    }
    let u8s = Array::from_shape_fn((5, 10), |(i, j)| ((i * 10 + j) * 7 % 256) as u8);
    for got in read_fixture::<u8>("u8_5x10", &[(2, 3).into(), (5, 10).into()]) {
        assert_eq!(got, u8s.clone().into_dyn());
    }
    let bools = Array::from_shape_fn((3, 4), |(i, j)| (i * 4 + j) % 3 == 0);
    for got in read_fixture::<bool>("bool_3x4", &[(2, 3).into()]) {
        assert_eq!(got, bools.clone().into_dyn());
    }
    let i64s = Array::from_shape_fn(17, |i| i as i64 * 123_456_789_012 - 5);
    for got in read_fixture::<i64>("i64_17", &[4.into(), 17.into()]) {
        assert_eq!(got, i64s.clone().into_dyn());
    }
    let empty = read_fixture::<f64>("f64_0x3", &[(2, 2).into()]);
    assert_eq!(empty[0].shape(), &[0, 3]);
    let scalar = read_fixture::<f64>("f64_0d", &[().into()]);
    assert_eq!(scalar[0], ndarray::arr0(2.5).into_dyn());
}

#[test]
fn fortran_order_files_are_read_in_any_blocks() {
    let expected = Array::from_shape_fn((3, 4), |(i, j)| (i * 4 + j) as f64 * 0.1 - 2.0).into_dyn();
    for got in read_fixture::<f64>("f64_3x4_fortran", &[(2, 3).into(), 1.into(), (-1).into()]) {
        assert_bits(&got, &expected, |v| v.to_bits());
    }
    let x = ChunkedArray::<f64, _>::from_npy(fixture("f64_3x4_fortran"), (2, 3)).unwrap();
    let part = x.slice(s![1.., 1..;2]).compute().unwrap();
    assert_eq!(part, expected.slice(s![1.., 1..;2]));
}

#[test]
fn slices_read_only_the_blocks_they_need() {
    let dir = Scratch::new("lazy");
    let path = dir.path("mask.npy");
    let mask = Array::from_shape_fn((10, 4), |(i, j)| (i + j) % 2 == 0);
    let x = ChunkedArray::from_array(mask.clone(), (2, 4)).unwrap();
    x.to_npy(&path).unwrap().compute().unwrap();
    // A byte that is no bool in the last row: only reading that row fails.
    let mut bytes = std::fs::read(&path).unwrap();
    let last = bytes.len() - 1;
    bytes[last] = 2;
    std::fs::write(&path, bytes).unwrap();

    let y = ChunkedArray::<bool, _>::from_npy(&path, (2, 4)).unwrap();
    let head = y.slice(s![1..7;2, 1..]).compute().unwrap();
    assert_eq!(head, mask.slice(s![1..7;2, 1..]));
    let e = y.compute().unwrap_err();
    let (key, reason) = store_error(&e);
    assert_eq!(key, "data", "{e}");
    assert!(reason.contains("0x02"), "{e}");
    assert!(e.to_string().contains("mask.npy"), "{e}");

    // Values of slices of a float file, in blocks that cut every axis.
    let a = values::<f64>(&[9, 8, 7]);
    let path = dir.path("floats.npy");
    ChunkedArray::from_array(a.clone(), 4)
        .unwrap()
        .to_npy(&path)
        .unwrap()
        .compute()
        .unwrap();
    let z = ChunkedArray::<f64, _>::from_npy(&path, (4, 3, 5)).unwrap();
    let part = z.slice(s![2..7, ..;3, 4]);
    assert_eq!(part.compute().unwrap(), a.slice(s![2..7, ..;3, 4]));
    assert_eq!(
        z.slice(s![8, 7, 6]).compute().unwrap().into_scalar(),
        a[[8, 7, 6]]
    );
}

#[test]
fn a_write_and_a_reduction_are_one_pass() {
    let dir = Scratch::new("one-pass");
    let path = dir.path("x.npy");
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let x = ChunkedArray::<f64, _>::from_fn((50, 40), (20, 15), |(i, j)| (i * 40 + j) as f64)
        .unwrap()
        .map_blocks(move |block, _| {
            counter.fetch_add(1, Ordering::Relaxed);
            block.to_owned()
        });
    let (written, total) = ndchunk::compute((&x.to_npy(&path).unwrap(), &x.sum())).unwrap();
    assert_eq!(
        calls.load(Ordering::Relaxed),
        x.num_blocks(),
        "each block made once"
    );
    assert_eq!(written.chunks, 9);
    assert_eq!(total.into_scalar(), (0..2000).sum::<usize>() as f64);
    let file: ndarray::Array2<f64> = ndarray_npy::read_npy(&path).unwrap();
    assert_eq!(file, x.compute().unwrap());
}

#[test]
fn a_failed_write_leaves_the_target_alone() {
    let dir = Scratch::new("failed");
    let path = dir.path("x.npy");
    let ones = ChunkedArray::<f64, _>::ones((6, 6), 3).unwrap();
    ones.to_npy(&path).unwrap().compute().unwrap();
    let before = std::fs::read(&path).unwrap();

    let failing = ChunkedArray::<f64, _>::zeros((6, 6), 2)
        .unwrap()
        .map_blocks(|block, info| {
            assert!(info.index != [2, 1], "no block [2, 1]");
            block.to_owned()
        });
    let e = failing.to_npy(&path).unwrap().compute().unwrap_err();
    assert!(e.to_string().contains("no block [2, 1]"), "{e}");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the old file is intact"
    );
    assert_eq!(dir.files(), ["x.npy"], "no temporary file left");

    // With no file there, none is made.
    let fresh = dir.path("fresh.npy");
    assert!(failing.to_npy(&fresh).unwrap().compute().is_err());
    assert_eq!(dir.files(), ["x.npy"]);
}

#[test]
fn a_file_can_be_rewritten_from_itself() {
    // `to_npy` renames a new file over the path: the mapping `x` reads
    // stays on the old one until the compute ends.
    let dir = Scratch::new("rewrite");
    let path = dir.path("x.npy");
    let a = values::<i32>(&[12, 10]);
    ChunkedArray::from_array(a.clone(), 5)
        .unwrap()
        .to_npy(&path)
        .unwrap()
        .compute()
        .unwrap();
    let x = ChunkedArray::<i32, _>::from_npy(&path, 4).unwrap();
    x.mapv(|v| v / 2).to_npy(&path).unwrap().compute().unwrap();
    let back = ChunkedArray::<i32, _>::from_npy(&path, 4).unwrap();
    assert_eq!(back.compute().unwrap(), a.mapv(|v| v / 2));
    assert_eq!(dir.files(), ["x.npy"]);
}

#[test]
fn files_written_have_numpy_headers() {
    let dir = Scratch::new("header");
    let path = dir.path("x.npy");
    let a = Array::<f64, _>::zeros((3, 4, 5)) + 1.5;
    ChunkedArray::from_array(a.clone(), (2, 3, 4))
        .unwrap()
        .to_npy(&path)
        .unwrap()
        .compute()
        .unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(&bytes[..6], b"\x93NUMPY");
    let header_len = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
    let header = std::str::from_utf8(&bytes[10..10 + header_len]).unwrap();
    let expected = if cfg!(target_endian = "little") {
        "'<f8'"
    } else {
        "'>f8'"
    };
    assert!(header.contains(&format!("'descr': {expected}")), "{header}");
    assert!(header.contains("'fortran_order': False"), "{header}");
    assert!(header.contains("'shape': (3, 4, 5)"), "{header}");
    assert_eq!((10 + header_len) % 64, 0, "data aligned as numpy aligns it");
    assert_eq!(bytes.len(), 10 + header_len + 60 * 8);
    let file: ndarray::Array3<f64> = ndarray_npy::read_npy(&path).unwrap();
    assert_eq!(file, a);
}

#[test]
fn bad_inputs_are_store_errors_naming_the_file() {
    let dir = Scratch::new("bad");
    let missing = dir.path("missing.npy");
    let e = ChunkedArray::<f64, _>::from_npy(&missing, 2).unwrap_err();
    assert_eq!(store_error(&e).0, "header", "{e}");
    assert!(e.to_string().contains("missing.npy"), "{e}");

    let e = ChunkedArray::<f64, _>::from_npy(fixture("f32_4x6"), 2).unwrap_err();
    let (key, reason) = store_error(&e);
    assert_eq!(key, "header", "{e}");
    assert!(
        reason.contains("float32") && reason.contains("float64"),
        "{e}"
    );
    let e = ChunkedArray::<i64, _>::from_npy(fixture("bool_3x4"), 2).unwrap_err();
    assert!(
        store_error(&e).1.contains("holds bool (`|b1`), not int64"),
        "{e}"
    );

    let text = dir.path("notes.npy");
    std::fs::write(&text, "just some text\n").unwrap();
    let e = ChunkedArray::<f64, _>::from_npy(&text, 2).unwrap_err();
    assert!(store_error(&e).1.contains("not a .npy file"), "{e}");
    let empty = dir.path("empty.npy");
    std::fs::write(&empty, "").unwrap();
    let e = ChunkedArray::<u8, _>::from_npy(&empty, 2).unwrap_err();
    assert!(store_error(&e).1.contains("not a .npy file"), "{e}");

    if cfg!(target_endian = "little") {
        let e = ChunkedArray::<f32, _>::from_npy(fixture("f32_big_endian"), 2).unwrap_err();
        let (key, reason) = store_error(&e);
        assert_eq!(key, "header", "{e}");
        assert!(
            reason.contains("`>f4`") && reason.contains("byte order"),
            "{e}"
        );
    }

    // Data shorter or longer than the header says.
    let whole = std::fs::read(fixture("f64_3x4x5")).unwrap();
    let short = dir.path("short.npy");
    std::fs::write(&short, &whole[..whole.len() - 8]).unwrap();
    let e = ChunkedArray::<f64, _>::from_npy(&short, 2).unwrap_err();
    let (key, reason) = store_error(&e);
    assert_eq!(key, "data", "{e}");
    assert!(
        reason.contains("480 bytes") && reason.contains("472"),
        "{e}"
    );
    let long = dir.path("long.npy");
    std::fs::write(&long, [&whole[..], &[0; 3]].concat()).unwrap();
    assert_eq!(
        store_error(&ChunkedArray::<f64, _>::from_npy(&long, 2).unwrap_err()).0,
        "data"
    );

    // Writing where no file can be made fails when computed, as a store error.
    let nowhere = dir.path("no/such/dir/x.npy");
    let write = ChunkedArray::<u8, _>::ones(4, 2)
        .unwrap()
        .to_npy(&nowhere)
        .unwrap();
    let e = write.compute().unwrap_err();
    assert_eq!(store_error(&e).0, "file", "{e}");
    assert!(!nowhere.exists());
}
