//! Shared helpers of the differential tests: the test cases (shapes and
//! chunkings), deterministic data, and comparisons against eager ndarray.

#![allow(dead_code, unused_macros)]

use ndarray::{Array, ArrayD, Dimension, IxDyn};
use ndchunk::{ChunkSpec, ChunkedArray, Chunks, Error};
use std::fmt::Debug;

/// One shape with two different chunkings of it.
#[derive(Clone)]
pub struct Case {
    /// Short description, shown in assertion messages.
    pub name: &'static str,
    /// The array's shape.
    pub shape: Vec<usize>,
    /// The main chunking.
    pub chunks: Chunks,
    /// Another chunking of the same shape (different wherever the shape
    /// allows it), for operations between differently chunked arrays.
    pub alt: Chunks,
}

/// How a case's chunking is given.
pub enum Spec {
    /// A uniform block shape (the last block along an axis may be smaller).
    Uniform(&'static [usize]),
    /// Explicit block lengths per axis.
    Sizes(&'static [&'static [usize]]),
}

/// Resolve a chunking for `shape` (8-byte elements).
pub fn resolve(shape: &[usize], spec: &Spec) -> Chunks {
    let spec: ChunkSpec = match spec {
        Spec::Uniform(block) => ChunkSpec::from(IxDyn(block)),
        Spec::Sizes(sizes) => {
            Chunks::from_sizes(sizes.iter().map(|axis| axis.to_vec()).collect()).into()
        }
    };
    spec.resolve(shape, 8)
        .unwrap_or_else(|e| panic!("test case chunks for {shape:?} are invalid: {e}"))
}

impl Case {
    pub fn new(name: &'static str, shape: &[usize], chunks: Spec, alt: Spec) -> Case {
        Case {
            name,
            shape: shape.to_vec(),
            chunks: resolve(shape, &chunks),
            alt: resolve(shape, &alt),
        }
    }

    pub fn ndim(&self) -> usize {
        self.shape.len()
    }

    pub fn len(&self) -> usize {
        self.shape.iter().product()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The shape as a `D`.
    pub fn dim<D: Dimension>(&self) -> D {
        let mut d = D::zeros(self.ndim());
        d.slice_mut().copy_from_slice(&self.shape);
        d
    }
}

/// Every case: 0-D to 4-D, uniform chunks with a smaller last block,
/// irregular chunks, one block, blocks larger than a strip (2048 elements),
/// size-1 axes and empty axes.
pub fn cases() -> Vec<Case> {
    use Spec::{Sizes, Uniform};
    vec![
        Case::new("0d", &[], Sizes(&[]), Sizes(&[])),
        Case::new("1d-uniform", &[37], Uniform(&[8]), Sizes(&[&[5, 20, 12]])),
        Case::new("1d-single", &[10], Uniform(&[10]), Uniform(&[3])),
        Case::new("1d-len1", &[1], Uniform(&[1]), Sizes(&[&[1]])),
        Case::new("1d-strips", &[2500], Uniform(&[2500]), Uniform(&[900])),
        Case::new(
            "2d-uniform",
            &[13, 17],
            Uniform(&[4, 5]),
            Sizes(&[&[1, 12], &[6, 6, 5]]),
        ),
        Case::new(
            "2d-irregular",
            &[10, 8],
            Sizes(&[&[3, 1, 6], &[5, 3]]),
            Uniform(&[4, 4]),
        ),
        Case::new("2d-one-column", &[6, 1], Uniform(&[4, 1]), Uniform(&[6, 1])),
        Case::new(
            "2d-one-row",
            &[1, 9],
            Uniform(&[1, 2]),
            Sizes(&[&[1], &[4, 5]]),
        ),
        Case::new(
            "2d-strips",
            &[40, 60],
            Uniform(&[40, 60]),
            Uniform(&[7, 25]),
        ),
        Case::new(
            "3d-uniform",
            &[5, 6, 7],
            Uniform(&[2, 3, 4]),
            Sizes(&[&[5], &[1, 2, 3], &[3, 4]]),
        ),
        Case::new(
            "3d-size1-axis",
            &[4, 1, 6],
            Uniform(&[3, 1, 2]),
            Sizes(&[&[1, 3], &[1], &[6]]),
        ),
        Case::new(
            "4d-uniform",
            &[3, 4, 2, 5],
            Uniform(&[2, 3, 1, 2]),
            Uniform(&[3, 4, 2, 5]),
        ),
        Case::new(
            "4d-irregular",
            &[2, 3, 4, 3],
            Sizes(&[&[1, 1], &[3], &[1, 2, 1], &[2, 1]]),
            Uniform(&[2, 2, 2, 2]),
        ),
        Case::new("1d-empty", &[0], Uniform(&[3]), Sizes(&[&[0]])),
        Case::new(
            "2d-no-rows",
            &[0, 5],
            Uniform(&[2, 2]),
            Sizes(&[&[0], &[5]]),
        ),
        Case::new(
            "2d-no-columns",
            &[4, 0],
            Sizes(&[&[1, 3], &[0]]),
            Uniform(&[2, 3]),
        ),
        Case::new(
            "3d-empty-middle",
            &[3, 0, 4],
            Uniform(&[2, 1, 3]),
            Uniform(&[3, 5, 4]),
        ),
    ]
}

/// Run `$body::<D>(&case)` for every case: with the static dimension type of
/// its rank (`Ix1` ... `Ix4`; rank 0 has no axis reductions, so it runs as
/// `IxDyn` only) and again with `IxDyn`.
macro_rules! for_each_case {
    ($body:ident) => {
        for case in crate::common::cases() {
            match case.ndim() {
                1 => $body::<::ndarray::Ix1>(&case),
                2 => $body::<::ndarray::Ix2>(&case),
                3 => $body::<::ndarray::Ix3>(&case),
                4 => $body::<::ndarray::Ix4>(&case),
                _ => {}
            }
            $body::<::ndarray::IxDyn>(&case);
        }
    };
}

/// A well-mixed 64-bit hash (splitmix64's finalizer).
pub fn hash(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Integers in `lo..=hi`, a different sequence for every `salt`, in C order.
pub fn ints(shape: &[usize], salt: u64, lo: i64, hi: i64) -> ArrayD<i64> {
    assert!(lo <= hi);
    let span = (hi - lo + 1) as u64;
    let n: usize = shape.iter().product();
    let values = (0..n as u64)
        .map(|i| lo + (hash(i ^ salt.wrapping_mul(0x1234_5678_9ABC_DEF1)) % span) as i64)
        .collect();
    ArrayD::from_shape_vec(IxDyn(shape), values).expect("shape and length agree")
}

/// Varied floats in about `-137..137` (not multiples of a power of two), with
/// both signs, no NaN.
pub fn floats(shape: &[usize], salt: u64) -> ArrayD<f64> {
    ints(shape, salt, -10_000, 10_000).mapv(|k| k as f64 / 73.0)
}

/// Floats in about `0.01..100`: for `ln`, `sqrt`, `powf` and division.
pub fn positive(shape: &[usize], salt: u64) -> ArrayD<f64> {
    ints(shape, salt, 1, 10_000).mapv(|k| k as f64 / 97.0)
}

/// Floats near 1 (`0.86..1.14`): products of thousands of them stay finite.
pub fn near_one(shape: &[usize], salt: u64) -> ArrayD<f64> {
    floats(shape, salt).mapv(|v| 1.0 + v / 1000.0)
}

/// `a` as an array of dimension `D`.
pub fn typed<T, D: Dimension>(a: ArrayD<T>) -> Array<T, D> {
    a.into_dimensionality::<D>()
        .expect("the case's rank matches D")
}

/// `a` wrapped with `chunks`.
pub fn chunked<T: Copy + Send + Sync + 'static, D: Dimension>(
    a: &Array<T, D>,
    chunks: &Chunks,
) -> ChunkedArray<T, D> {
    ChunkedArray::from_array(a.clone(), chunks).expect("valid chunks")
}

/// Description of a case and dimension type for assertion messages.
pub fn ctx<D>(case: &Case, what: &str) -> String {
    format!(
        "{what} on case {} (shape {:?}, main chunks {:?}, other chunks {:?}, dim {})",
        case.name,
        case.shape,
        case.chunks,
        case.alt,
        std::any::type_name::<D>()
    )
}

/// Whether `err` is the integer overflow of `op` computed in `ty`, inside
/// the `TaskFailed` naming its block.
pub fn is_overflow(err: &Error, op: &str, ty: &str) -> bool {
    match err {
        Error::TaskFailed { task, source } => !task.is_empty() && is_overflow(source, op, ty),
        Error::Overflow { op: o, ty: t } => *o == op && *t == ty,
        _ => false,
    }
}

/// `got` is `expected` exactly, or, when `expected` is `None` (the exact
/// result does not fit its type), the overflow of `op` in `ty`.
#[track_caller]
pub fn assert_exact_or_overflow<T: PartialEq + Debug, D: Dimension>(
    got: ndchunk::Result<Array<T, D>>,
    expected: Option<Array<T, D>>,
    (op, ty): (&str, &str),
    what: &str,
) {
    match (got, expected) {
        (Ok(g), Some(e)) => assert_same(&g, &e, what),
        (Err(err), None) => assert!(
            is_overflow(&err, op, ty),
            "{what}: expected an overflow of `{op}` in {ty}, got {err}"
        ),
        (g, e) => panic!("{what}: got {g:?}, expected {e:?} (None: an overflow)"),
    }
}

/// Equal shapes and equal elements, NaN equal to NaN.
#[track_caller]
pub fn assert_same<T: PartialEq + Debug, D: Dimension>(
    actual: &Array<T, D>,
    expected: &Array<T, D>,
    what: &str,
) {
    assert_eq!(actual.shape(), expected.shape(), "shape of {what}");
    #[allow(clippy::eq_op)]
    let same = |a: &T, e: &T| a == e || (a != a && e != e);
    if let Some((i, (a, e))) = actual
        .iter()
        .zip(expected.iter())
        .enumerate()
        .find(|(_, (a, e))| !same(a, e))
    {
        panic!(
            "{what}: element {i} (C order) is {a:?}, expected {e:?}\nactual:   {actual:?}\nexpected: {expected:?}"
        );
    }
}

/// Whether `a` is within `abs + rel * |e|` of `e`; NaN only matches NaN and
/// an infinity only the same infinity.
pub fn close(a: f64, e: f64, rel: f64, abs: f64) -> bool {
    if a.is_nan() || e.is_nan() {
        return a.is_nan() && e.is_nan();
    }
    if a.is_infinite() || e.is_infinite() {
        return a == e;
    }
    (a - e).abs() <= abs + rel * e.abs()
}

/// Equal shapes and every element [`close`].
#[track_caller]
pub fn assert_close<D: Dimension>(
    actual: &Array<f64, D>,
    expected: &Array<f64, D>,
    rel: f64,
    abs: f64,
    what: &str,
) {
    assert_eq!(actual.shape(), expected.shape(), "shape of {what}");
    if let Some((i, (a, e))) = actual
        .iter()
        .zip(expected.iter())
        .enumerate()
        .find(|(_, (a, e))| !close(**a, **e, rel, abs))
    {
        panic!(
            "{what}: element {i} (C order) is {a:?}, expected {e:?} (rel {rel:e}, abs {abs:e})\nactual:   {actual:?}\nexpected: {expected:?}"
        );
    }
}

/// 1 to 4 axes, small, with 0-length and size-1 axes well represented: the
/// shapes of the property tests.
pub fn small_shape() -> proptest::strategy::BoxedStrategy<Vec<usize>> {
    use proptest::prelude::*;
    (1usize..=4)
        .prop_flat_map(|ndim| {
            let max: usize = [0, 40, 12, 7, 5][ndim];
            proptest::collection::vec(
                prop_oneof![1 => Just(0usize), 2 => Just(1usize), 6 => 2..=max],
                ndim,
            )
        })
        .boxed()
}

/// A random partition of `n` into positive block lengths (`[0]` or `[]` for
/// an empty axis, both accepted by `Chunks`): the chunkings of the property tests.
pub fn partition(n: usize) -> proptest::strategy::BoxedStrategy<Vec<usize>> {
    use proptest::prelude::*;
    if n == 0 {
        return prop_oneof![Just(vec![0]), Just(vec![])].boxed();
    }
    proptest::collection::vec(any::<bool>(), n - 1)
        .prop_map(|cuts| {
            let mut sizes = Vec::new();
            let mut len = 1;
            for cut in cuts {
                if cut {
                    sizes.push(len);
                    len = 1;
                } else {
                    len += 1;
                }
            }
            sizes.push(len);
            sizes
        })
        .boxed()
}

/// The cases of routine `name` in a fixture's JSON (numpy's answers,
/// written by a script in `tests/fixtures`).
pub fn fixture_cases(json: &str, name: &str) -> Vec<serde_json::Value> {
    let all: serde_json::Value = serde_json::from_str(json).expect("the fixture is JSON");
    all[name].as_array().expect("a list of cases").clone()
}

/// The integers of a JSON list (a fixture's).
pub fn json_i64s(v: &serde_json::Value) -> Vec<i64> {
    v.as_array()
        .expect("a list")
        .iter()
        .map(|x| x.as_i64().expect("an integer"))
        .collect()
}

/// The non-negative integers of a JSON list (a fixture's).
pub fn json_usizes(v: &serde_json::Value) -> Vec<usize> {
    json_i64s(v)
        .into_iter()
        .map(|i| usize::try_from(i).expect("a non-negative integer"))
        .collect()
}

/// The floats of a JSON list (a fixture's): numbers, or Python repr
/// strings (NaN and infinities survive JSON that way).
pub fn json_f64s(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .expect("a list")
        .iter()
        .map(|x| match x.as_str() {
            Some(repr) => repr.parse().expect("a float"),
            None => x.as_f64().expect("a number"),
        })
        .collect()
}

/// A fixture's array: `{"shape": [...], "values": [...]}` in C order.
pub fn json_array(v: &serde_json::Value) -> ArrayD<f64> {
    ArrayD::from_shape_vec(IxDyn(&json_usizes(&v["shape"])), json_f64s(&v["values"]))
        .expect("shape and values agree")
}

/// The booleans of a JSON list (a fixture's).
pub fn json_bools(v: &serde_json::Value) -> Vec<bool> {
    v.as_array()
        .expect("a list")
        .iter()
        .map(|x| x.as_bool().expect("a bool"))
        .collect()
}
