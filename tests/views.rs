//! Differential tests of views (`permuted_axes`, `reversed_axes`, `t`,
//! `broadcast`) and of numpy-style broadcasting in the binary operations
//! (`+ - * / %`, `zip_with`, comparisons, `select`), against eager ndarray.
//!
//! Views and elementwise operations reorder no arithmetic, so their results
//! are compared for equality; sums are compared with a tolerance, `min`,
//! `max` and `argmax` exactly. Every view is checked on three kinds of input:
//! in-memory arrays (read in place through strides), random arrays and
//! computed chains (both stored first, then read through strides).

#[macro_use]
mod common;

use common::{assert_close, assert_same, chunked, ctx, floats, ints, partition, typed, Case};
use ndarray::{
    arr0, Array, Array2, ArrayD, Axis, DimMax, Dimension, Ix0, Ix1, Ix2, Ix3, IxDyn, RemoveAxis,
    Zip,
};
use ndchunk::random::Rng;
use ndchunk::{where_cond, ChunkSpec, ChunkedArray, Chunks, Error};
use proptest::collection::vec;
use proptest::prelude::*;

type Lazy<T> = ChunkedArray<T, IxDyn>;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// `s` as a `D`.
fn dim_of<D: Dimension>(s: &[usize]) -> D {
    let mut d = D::zeros(s.len());
    d.slice_mut().copy_from_slice(s);
    d
}

/// Every permutation of `0..n`, the identity first.
fn permutations(n: usize) -> Vec<Vec<usize>> {
    fn go(prefix: &mut Vec<usize>, n: usize, out: &mut Vec<Vec<usize>>) {
        if prefix.len() == n {
            out.push(prefix.clone());
            return;
        }
        for k in 0..n {
            if !prefix.contains(&k) {
                prefix.push(k);
                go(prefix, n, out);
                prefix.pop();
            }
        }
    }
    let mut out = Vec::new();
    go(&mut Vec::new(), n, &mut out);
    out
}

/// The block lengths of `chunks` with the axes in the order `perm`.
fn permuted_sizes(chunks: &Chunks, perm: &[usize]) -> Vec<Vec<usize>> {
    perm.iter().map(|&a| chunks.sizes()[a].clone()).collect()
}

/// The block lengths of `chunks` with the axes reversed.
fn reversed_sizes(chunks: &Chunks) -> Vec<Vec<usize>> {
    chunks.sizes().iter().rev().cloned().collect()
}

/// The chunking with the axes reversed (a chunking of the transposed shape).
fn reversed_chunks(chunks: &Chunks) -> Chunks {
    Chunks::from_sizes(reversed_sizes(chunks))
}

/// Where each block starts along an axis, and where the axis ends.
fn offsets(sizes: &[usize]) -> Vec<usize> {
    let mut out = vec![0];
    let mut at = 0;
    for &s in sizes {
        at += s;
        out.push(at);
    }
    out
}

/// The chunks of operands broadcast to `out` and aligned: along each output
/// axis, every block boundary of every operand that has the axis with its
/// full length (a new or stretched axis is one block), a single block of
/// length 0 for an empty axis.
fn broadcast_chunks(out: &[usize], operands: &[(&[usize], &Chunks)]) -> Vec<Vec<usize>> {
    out.iter()
        .enumerate()
        .map(|(k, &n)| {
            let mut cuts = vec![0, n];
            for (shape, chunks) in operands {
                let new = out.len() - shape.len();
                if k >= new && shape[k - new] == n {
                    cuts.extend(offsets(&chunks.sizes()[k - new]));
                }
            }
            cuts.sort_unstable();
            cuts.dedup();
            let sizes: Vec<usize> = cuts.windows(2).map(|w| w[1] - w[0]).collect();
            if sizes.is_empty() {
                vec![0]
            } else {
                sizes
            }
        })
        .collect()
}

/// numpy's broadcast shape of `a` and `b` (independent of the library's).
fn co_shape(a: &[usize], b: &[usize]) -> Option<Vec<usize>> {
    let n = a.len().max(b.len());
    let at = |s: &[usize], k: usize| {
        if k + s.len() >= n {
            s[k + s.len() - n]
        } else {
            1
        }
    };
    (0..n)
        .map(|k| match (at(a, k), at(b, k)) {
            (x, y) if x == y => Some(x),
            (1, y) => Some(y),
            (x, 1) => Some(x),
            _ => None,
        })
        .collect()
}

/// `f` of the elements of `a` and `b` broadcast to their common shape.
fn zip_ref<A: Copy, B: Copy, U>(a: &ArrayD<A>, b: &ArrayD<B>, f: impl Fn(A, B) -> U) -> ArrayD<U> {
    let shape = co_shape(a.shape(), b.shape()).expect("compatible shapes");
    let av = a.broadcast(IxDyn(&shape)).expect("a broadcasts");
    let bv = b.broadcast(IxDyn(&shape)).expect("b broadcasts");
    Zip::from(&av).and(&bv).map_collect(|&x, &y| f(x, y))
}

/// A few chunkings of `shape`: blocks of 1, of 2, of 3, one block, and an
/// irregular one (a first block of 1, then the rest), without repeats.
fn chunkings_of(shape: &[usize]) -> Vec<Chunks> {
    let mut out: Vec<Chunks> = Vec::new();
    let mut push = |spec: ChunkSpec| {
        let c = spec.resolve(shape, 8).expect("valid test chunks");
        if !out.contains(&c) {
            out.push(c);
        }
    };
    for b in [1usize, 2, 3] {
        push(ChunkSpec::from(vec![b; shape.len()]));
    }
    push(ChunkSpec::from(
        shape.iter().map(|&n| n.max(1)).collect::<Vec<_>>(),
    ));
    let irregular = shape
        .iter()
        .map(|&n| if n > 1 { vec![1, n - 1] } else { vec![n] })
        .collect();
    push(Chunks::from_sizes(irregular).into());
    out
}

/// Resolve a uniform block shape for `shape`.
fn uniform(shape: &[usize], block: &[usize]) -> Chunks {
    ChunkSpec::from(block.to_vec())
        .resolve(shape, 8)
        .expect("valid test chunks")
}

/// `Σ|a|`, for the absolute tolerance of sums.
fn sum_abs<D: Dimension>(a: &Array<f64, D>) -> f64 {
    a.iter().map(|v| v.abs()).sum()
}

/// Tolerance of a sum of values whose magnitudes add up to `scale`.
fn sum_tol(scale: f64) -> f64 {
    1e-12 * scale + 1e-12
}

/// The largest element (no NaN in the test data), `None` for no element.
fn max_ref<'a>(values: impl Iterator<Item = &'a f64>) -> Option<f64> {
    values.copied().reduce(f64::max)
}

/// The smallest element, `None` for no element.
fn min_ref<'a>(values: impl Iterator<Item = &'a f64>) -> Option<f64> {
    values.copied().reduce(f64::min)
}

/// Position (in iteration order) of the first largest element.
fn argmax_ref<'a>(values: impl Iterator<Item = &'a f64>) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (i, &v) in values.enumerate() {
        if best.is_none_or(|(_, b)| v > b) {
            best = Some((i, v));
        }
    }
    best.map(|(i, _)| i)
}

/// A chunked array from the same values, as `IxDyn`.
fn lazy(a: &ArrayD<f64>, chunks: &Chunks) -> Lazy<f64> {
    ChunkedArray::from_array(a.clone(), chunks).expect("valid chunks")
}

/// Whether `result` is `Err(ShapeMismatch)` naming `left` and `right`.
#[track_caller]
fn assert_shape_mismatch<T: std::fmt::Debug>(
    result: Result<T, Error>,
    left: &[usize],
    right: &[usize],
    what: &str,
) {
    match result {
        Err(e @ Error::ShapeMismatch { .. }) => {
            let message = e.to_string();
            for shape in [left, right] {
                assert!(
                    message.contains(&format!("{shape:?}")),
                    "{what}: message {message:?} does not name shape {shape:?}"
                );
            }
            if let Error::ShapeMismatch {
                left: l, right: r, ..
            } = &e
            {
                assert_eq!(
                    (l.as_slice(), r.as_slice()),
                    (left, right),
                    "{what}: shapes in the error"
                );
            }
        }
        other => panic!("{what}: expected Err(ShapeMismatch), got {other:?}"),
    }
}

/// Whether `result` is `Err(InvalidArgument)` for `argument`, its message
/// containing every string of `mentions`.
#[track_caller]
fn assert_invalid_argument<T: std::fmt::Debug>(
    result: Result<T, Error>,
    argument: &str,
    mentions: &[String],
    what: &str,
) {
    match result {
        Err(e @ Error::InvalidArgument { .. }) => {
            let message = e.to_string();
            if let Error::InvalidArgument { argument: a, .. } = &e {
                assert_eq!(*a, argument, "{what}: argument named in {message:?}");
            }
            for m in mentions {
                assert!(
                    message.contains(m.as_str()),
                    "{what}: message {message:?} does not mention {m:?}"
                );
            }
        }
        other => panic!("{what}: expected Err(InvalidArgument), got {other:?}"),
    }
}

// ---------------------------------------------------------------------------
// Transposes and permutations
// ---------------------------------------------------------------------------

/// `t`, `reversed_axes`, every permutation and a permutation of a
/// permutation of `x` (whose values are `a`): shapes, chunks, values.
fn check_permutations<D: Dimension>(
    case: &Case,
    source: &str,
    x: &ChunkedArray<f64, D>,
    a: &Array<f64, D>,
) {
    let what = |op: &str| ctx::<D>(case, &format!("{op} of a {source} array"));

    let t = x.t();
    let expected = a.t().to_owned();
    assert_eq!(t.shape(), expected.shape(), "{}", what("t() shape"));
    assert_eq!(
        t.chunks().sizes(),
        reversed_sizes(x.chunks()).as_slice(),
        "{}",
        what("t() chunks")
    );
    assert_same(&t.compute().unwrap(), &expected, &what("t()"));
    assert_same(
        &x.reversed_axes().compute().unwrap(),
        &a.clone().reversed_axes(),
        &what("reversed_axes()"),
    );
    assert_same(&x.t().t().compute().unwrap(), a, &what("t().t()"));

    let perms = permutations(case.ndim());
    for p in &perms {
        let v = x.permuted_axes(dim_of::<D>(p));
        let expected = a.clone().permuted_axes(dim_of::<D>(p));
        let label = what(&format!("permuted_axes({p:?})"));
        assert_eq!(v.shape(), expected.shape(), "shape of {label}");
        assert_eq!(
            v.chunks().sizes(),
            permuted_sizes(x.chunks(), p).as_slice(),
            "chunks of {label}"
        );
        assert_same(&v.compute().unwrap(), &expected, &label);
        // A view of a view: permuted twice (the last permutation reversed).
        let q: Vec<usize> = perms[perms.len() - 1].clone();
        let vv = v.permuted_axes(dim_of::<D>(&q));
        let expected = expected.permuted_axes(dim_of::<D>(&q));
        assert_same(
            &vv.compute().unwrap(),
            &expected,
            &what(&format!("permuted_axes({p:?}).permuted_axes({q:?})")),
        );
    }
}

fn transposes_body<D: Dimension>(case: &Case) {
    let a = typed::<f64, D>(floats(&case.shape, 11));
    for chunks in [&case.chunks, &case.alt] {
        check_permutations(case, "from_array", &chunked(&a, chunks), &a);
    }
}

#[test]
fn transposes_of_in_memory_arrays_match_ndarray() {
    for_each_case!(transposes_body);
}

fn random_transposes_body<D: Dimension>(case: &Case) {
    for (seed, chunks) in [(3, &case.chunks), (4, &case.alt)] {
        let x = Rng::seed(seed)
            .standard_normal(case.dim::<D>(), chunks)
            .unwrap();
        let a = x.compute().unwrap();
        check_permutations(case, "random", &x, &a);
    }
}

#[test]
fn transposes_of_random_arrays_match_ndarray() {
    for_each_case!(random_transposes_body);
}

fn computed_transposes_body<D: Dimension>(case: &Case) {
    let a = typed::<f64, D>(floats(&case.shape, 21));
    let b = typed::<f64, D>(floats(&case.shape, 22));
    let x = chunked(&a, &case.chunks);
    let y = chunked(&b, &case.alt);
    // A single map (same chunks as x) ...
    check_permutations(case, "computed (x * 2)", &(&x * 2.0), &(&a * 2.0));
    // ... and a sum of differently chunked arrays (refined chunks).
    check_permutations(
        case,
        "computed (x * 2 + y)",
        &(&x * 2.0 + &y),
        &(&a * 2.0 + &b),
    );
    // A mapped random array.
    let r = Rng::seed(5)
        .standard_normal(case.dim::<D>(), &case.alt)
        .unwrap();
    let ra = r.compute().unwrap();
    check_permutations(
        case,
        "computed (random.abs())",
        &r.abs(),
        &ra.mapv(f64::abs),
    );
}

#[test]
fn transposes_of_computed_arrays_match_ndarray() {
    for_each_case!(computed_transposes_body);
}

/// Transposes inside fused chains: mapped, combined with an array of the
/// transposed shape chunked differently, and a chain transposed back.
fn check_fused<D: Dimension>(
    case: &Case,
    source: &str,
    x: &ChunkedArray<f64, D>,
    a: &Array<f64, D>,
) {
    let what = |op: &str| ctx::<D>(case, &format!("{op} of a {source} array"));
    let at = a.t();
    assert_same(
        &(&x.t() * 2.0 + 1.0).compute().unwrap(),
        &(&at * 2.0 + 1.0),
        &what("x.t() * 2 + 1"),
    );
    assert_same(
        &x.t().mapv(|v| v * v - 3.0).compute().unwrap(),
        &at.mapv(|v| v * v - 3.0),
        &what("x.t().mapv"),
    );
    let b = typed::<f64, D>(floats(at.shape(), 31));
    for (label, chunks) in [
        ("same chunks", reversed_chunks(x.chunks())),
        ("other chunks", reversed_chunks(&case.alt)),
        ("blocks of 1", uniform(at.shape(), &vec![1; case.ndim()])),
    ] {
        let y = chunked(&b, &chunks);
        assert_same(
            &(&x.t() + &y).compute().unwrap(),
            &(&at + &b),
            &what(&format!("x.t() + y ({label})")),
        );
        assert_same(
            &(&y - &x.t()).compute().unwrap(),
            &(&b - &at),
            &what(&format!("y - x.t() ({label})")),
        );
        assert_same(
            &(&y * &x.t() + &y).t().compute().unwrap(),
            &(&b * &at + &b).t().to_owned(),
            &what(&format!("(y * x.t() + y).t() ({label})")),
        );
        assert_same(
            &x.t().gt(&y).compute().unwrap(),
            &Zip::from(&at).and(&b).map_collect(|p, q| p > q),
            &what(&format!("x.t().gt(y) ({label})")),
        );
    }
}

fn fused_body<D: Dimension>(case: &Case) {
    let a = typed::<f64, D>(floats(&case.shape, 41));
    check_fused(case, "from_array", &chunked(&a, &case.chunks), &a);
    let r = Rng::seed(6)
        .standard_normal(case.dim::<D>(), &case.alt)
        .unwrap();
    let ra = r.compute().unwrap();
    check_fused(case, "random", &r, &ra);
    let x = chunked(&a, &case.alt);
    check_fused(case, "computed", &(&x - 0.5), &(&a - 0.5));
}

#[test]
fn transposes_in_fused_chains_match_ndarray() {
    for_each_case!(fused_body);
}

/// Reductions of a transposed array: sums within a tolerance, extremes and
/// their positions exactly.
fn check_reductions<D: RemoveAxis>(
    case: &Case,
    source: &str,
    x: &ChunkedArray<f64, D>,
    a: &Array<f64, D>,
) {
    let what = |op: &str| ctx::<D>(case, &format!("{op} of a {source} array"));
    let at = a.t();
    let doubled = &at * 2.0;
    let tol = sum_tol(sum_abs(&doubled));

    let s = (&x.t() * 2.0).sum().compute().unwrap().into_scalar();
    let e = doubled.sum();
    assert!(
        common::close(s, e, 1e-12, tol),
        "{}: {s} vs {e}",
        what("(x.t() * 2).sum()")
    );

    match (x.t().max().compute(), max_ref(at.iter())) {
        (Ok(v), Some(e)) => assert_eq!(v.into_scalar(), e, "{}", what("x.t().max()")),
        (Err(Error::EmptyReduction { .. }), None) => {}
        (got, e) => panic!("{}: got {got:?}, expected {e:?}", what("x.t().max()")),
    }
    match (x.t().min().compute(), min_ref(at.iter())) {
        (Ok(v), Some(e)) => assert_eq!(v.into_scalar(), e, "{}", what("x.t().min()")),
        (Err(Error::EmptyReduction { .. }), None) => {}
        (got, e) => panic!("{}: got {got:?}, expected {e:?}", what("x.t().min()")),
    }
    // The flat index is in the C order of the transposed array.
    match (x.t().argmax().compute(), argmax_ref(at.iter())) {
        (Ok(v), Some(e)) => assert_eq!(v.into_scalar(), e, "{}", what("x.t().argmax()")),
        (Err(Error::EmptyReduction { .. }), None) => {}
        (got, e) => panic!("{}: got {got:?}, expected {e:?}", what("x.t().argmax()")),
    }

    for k in 0..case.ndim() {
        let axis = Axis(k);
        let label = |op: &str| what(&format!("{op}(Axis({k}))"));
        assert_close(
            &(&x.t() * 2.0).sum_axis(axis).compute().unwrap(),
            &doubled.sum_axis(axis),
            1e-12,
            tol,
            &label("(x.t() * 2).sum_axis"),
        );
        let empty_lanes = at.len_of(axis) == 0 && {
            let mut rest = at.shape().to_vec();
            rest.remove(k);
            rest.iter().product::<usize>() > 0
        };
        let max = x.t().max_axis(axis).compute();
        let argmax = x.t().argmax_axis(axis).compute();
        if empty_lanes {
            assert!(
                matches!(max, Err(Error::EmptyReduction { .. })),
                "{}: {max:?}",
                label("x.t().max_axis")
            );
            assert!(
                matches!(argmax, Err(Error::EmptyReduction { .. })),
                "{}: {argmax:?}",
                label("x.t().argmax_axis")
            );
            continue;
        }
        assert_same(
            &max.unwrap(),
            &at.map_axis(axis, |lane| max_ref(lane.iter()).unwrap_or(f64::NAN)),
            &label("x.t().max_axis"),
        );
        assert_same(
            &argmax.unwrap(),
            &at.map_axis(axis, |lane| argmax_ref(lane.iter()).unwrap_or(usize::MAX)),
            &label("x.t().argmax_axis"),
        );
    }
}

fn reductions_body<D: RemoveAxis>(case: &Case) {
    let a = typed::<f64, D>(floats(&case.shape, 51));
    for chunks in [&case.chunks, &case.alt] {
        check_reductions(case, "from_array", &chunked(&a, chunks), &a);
    }
    let r = Rng::seed(8)
        .standard_normal(case.dim::<D>(), &case.chunks)
        .unwrap();
    let ra = r.compute().unwrap();
    check_reductions(case, "random", &r, &ra);
    let x = chunked(&a, &case.chunks);
    let y = chunked(&a, &case.alt);
    check_reductions(case, "computed", &(&x + &y), &(&a + &a));
}

#[test]
fn reductions_of_transposed_arrays_match_ndarray() {
    for_each_case!(reductions_body);
}

/// `x + x.t()` and friends for square matrices: the same array read in two
/// orders inside one task.
#[test]
fn square_plus_transpose_matches_ndarray() {
    let cases: [(usize, &[usize]); 7] = [
        (0, &[2, 2]),
        (1, &[1, 1]),
        (5, &[2, 3]),
        (7, &[7, 2]),
        (9, &[4, 4]),
        (16, &[5, 3]),
        (64, &[30, 17]),
    ];
    for (n, block) in cases {
        let shape = [n, n];
        let a = typed::<f64, Ix2>(floats(&shape, n as u64));
        let chunks = uniform(&shape, block);
        let what = |source: &str, op: &str| {
            format!("{op} for a {source} {n}x{n} array in blocks {block:?}")
        };
        let mut inputs = vec![("from_array", chunked(&a, &chunks), a.clone())];
        let r = Rng::seed(n as u64)
            .standard_normal((n, n), &chunks)
            .unwrap();
        let ra = r.compute().unwrap();
        inputs.push(("random", r, ra));
        let x = chunked(&a, &chunks);
        inputs.push(("computed", &x * 2.0, &a * 2.0));
        for (source, x, a) in &inputs {
            let expected = a + &a.t();
            assert_same(
                &(x + &x.t()).compute().unwrap(),
                &expected,
                &what(source, "x + x.t()"),
            );
            assert_same(
                &(&x.t() + x).compute().unwrap(),
                &(&a.t() + a),
                &what(source, "x.t() + x"),
            );
            assert_same(
                &(x - &x.t()).t().compute().unwrap(),
                &(a - &a.t()).t().to_owned(),
                &what(source, "(x - x.t()).t()"),
            );
            let s = (x + &x.t()).sum().compute().unwrap().into_scalar();
            let tol = sum_tol(sum_abs(&expected));
            assert!(
                common::close(s, expected.sum(), 1e-12, tol),
                "{}: {s} vs {}",
                what(source, "(x + x.t()).sum()"),
                expected.sum()
            );
            let s = (&x.t() * 2.0).sum().compute().unwrap().into_scalar();
            let e = (&a.t() * 2.0).sum();
            assert!(
                common::close(s, e, 1e-12, tol),
                "{}: {s} vs {e}",
                what(source, "(x.t() * 2).sum()")
            );
            for k in 0..2 {
                assert_close(
                    &(x + &x.t()).sum_axis(Axis(k)).compute().unwrap(),
                    &expected.sum_axis(Axis(k)),
                    1e-12,
                    tol,
                    &what(source, &format!("(x + x.t()).sum_axis({k})")),
                );
            }
        }
    }
}

/// A cube plus its rotations `permuted_axes((1, 2, 0))` and `((2, 0, 1))`.
#[test]
fn cube_plus_its_rotations_matches_ndarray() {
    let shape = [4, 4, 4];
    let a = typed::<f64, Ix3>(floats(&shape, 61));
    for block in [[3, 2, 1], [4, 4, 4], [1, 3, 2]] {
        let x = chunked(&a, &uniform(&shape, &block));
        let z = &x + &x.permuted_axes((1, 2, 0)) + &x.permuted_axes((2, 0, 1));
        let expected =
            &a + &a.clone().permuted_axes((1, 2, 0)) + &a.clone().permuted_axes((2, 0, 1));
        assert_same(
            &z.compute().unwrap(),
            &expected,
            &format!("cube in blocks {block:?}"),
        );
    }
}

/// Views of views across kinds: transpose then broadcast, broadcast then
/// transpose, broadcast twice.
#[test]
fn views_of_views_match_ndarray() {
    let a = typed::<f64, Ix2>(floats(&[3, 1], 71));
    let sources: Vec<(&str, ChunkedArray<f64, Ix2>, Array2<f64>)> = {
        let x = chunked(&a, &uniform(&[3, 1], &[2, 1]));
        let r = Rng::seed(9).standard_normal((3, 1), (2, 1)).unwrap();
        let ra = r.compute().unwrap();
        vec![
            ("from_array", x.clone(), a.clone()),
            ("random", r, ra),
            ("computed", &x * 3.0, &a * 3.0),
        ]
    };
    for (source, x, a) in &sources {
        let what = |op: &str| format!("{op} of a {source} (3, 1) array");
        // (1, 3) broadcast to (4, 3), and to (2, 4, 3).
        let tb = x.t().broadcast((4, 3));
        assert_eq!(tb.shape(), &[4, 3], "{}", what("t().broadcast shape"));
        assert_same(
            &tb.compute().unwrap(),
            &a.t().broadcast((4, 3)).unwrap().to_owned(),
            &what("t().broadcast((4, 3))"),
        );
        assert_same(
            &x.t().broadcast((2, 4, 3)).compute().unwrap(),
            &a.t().broadcast((2, 4, 3)).unwrap().to_owned(),
            &what("t().broadcast((2, 4, 3))"),
        );
        // (3, 1) broadcast to (3, 5), transposed.
        assert_same(
            &x.broadcast((3, 5)).t().compute().unwrap(),
            &a.broadcast((3, 5)).unwrap().t().to_owned(),
            &what("broadcast((3, 5)).t()"),
        );
        assert_same(
            &x.broadcast((2, 3, 5))
                .permuted_axes((2, 0, 1))
                .compute()
                .unwrap(),
            &a.broadcast((2, 3, 5))
                .unwrap()
                .permuted_axes((2, 0, 1))
                .to_owned(),
            &what("broadcast((2, 3, 5)).permuted_axes((2, 0, 1))"),
        );
        // Broadcast twice: (3, 1) -> (3, 5) -> (2, 3, 5).
        assert_same(
            &x.broadcast((3, 5)).broadcast((2, 3, 5)).compute().unwrap(),
            &a.broadcast((2, 3, 5)).unwrap().to_owned(),
            &what("broadcast((3, 5)).broadcast((2, 3, 5))"),
        );
        // t().t() is the array itself; t() of a broadcast in a chain.
        assert_same(&x.t().t().compute().unwrap(), a, &what("t().t()"));
        assert_same(
            &(&x.broadcast((3, 5)).t() * 2.0 + &x.t()).compute().unwrap(),
            &(&a.broadcast((3, 5)).unwrap().t() * 2.0 + a.t()),
            &what("broadcast((3, 5)).t() * 2 + t()"),
        );
    }
}

// ---------------------------------------------------------------------------
// Broadcasting in binary operations
// ---------------------------------------------------------------------------

/// Shape pairs that broadcast, by numpy's rules.
const PAIRS: &[(&[usize], &[usize])] = &[
    (&[5, 7], &[7]),
    (&[5, 7], &[1, 7]),
    (&[5, 7], &[5, 1]),
    (&[5, 7], &[]),
    (&[5, 7], &[1]),
    (&[2, 1, 4], &[3, 1]),
    (&[1, 7], &[5, 1]),
    (&[4, 3, 2, 5], &[3, 1, 5]),
    (&[4, 1, 2, 1], &[3, 1, 5]),
    (&[3, 1, 1], &[1, 4, 1]),
    (&[6], &[1]),
    (&[1, 1], &[1, 1]),
    (&[0, 7], &[7]),
    (&[5, 1], &[5, 0]),
    (&[1], &[0]),
    (&[2, 0, 3], &[1, 3]),
];

#[test]
fn broadcasting_arithmetic_matches_ndarray() {
    for (pair, &(sa, sb)) in PAIRS.iter().enumerate() {
        let a = floats(sa, 100 + pair as u64);
        // Divisors without zeros.
        let b = floats(sb, 200 + pair as u64).mapv(|v| if v == 0.0 { 0.25 } else { v });
        let out = co_shape(sa, sb).unwrap();
        for ca in chunkings_of(sa) {
            for cb in chunkings_of(sb) {
                let x = lazy(&a, &ca);
                let y = lazy(&b, &cb);
                let what = |op: &str| format!("{sa:?} in {ca:?} {op} {sb:?} in {cb:?}");
                let chunks = broadcast_chunks(&out, &[(sa, &ca), (sb, &cb)]);
                for (op, lazy_result, expected) in [
                    ("+", &x + &y, &a + &b),
                    ("-", &x - &y, &a - &b),
                    ("*", &x * &y, &a * &b),
                    ("/", &x / &y, &a / &b),
                    (
                        "% (other order)",
                        &y % &x.mapv(|v| v.abs() + 1.0),
                        &b % &a.mapv(|v| v.abs() + 1.0),
                    ),
                    ("+ (other order)", &y + &x, &b + &a),
                    ("- (other order)", &y - &x, &b - &a),
                ] {
                    assert_eq!(lazy_result.shape(), out.as_slice(), "shape of {}", what(op));
                    assert_eq!(
                        lazy_result.chunks().sizes(),
                        chunks.as_slice(),
                        "chunks of {}",
                        what(op)
                    );
                    assert_same(&lazy_result.compute().unwrap(), &expected, &what(op));
                }
            }
        }
    }
}

/// Broadcasting between random, computed and in-memory operands, so that
/// both stored inputs and in-place inputs are read through broadcast views.
#[test]
fn broadcasting_random_and_computed_operands_matches_ndarray() {
    for (pair, &(sa, sb)) in PAIRS.iter().enumerate() {
        let ca = chunkings_of(sa)
            .into_iter()
            .nth(1)
            .unwrap_or_else(|| Chunks::single(sa));
        let cb = chunkings_of(sb).pop().unwrap();
        let rng = Rng::seed(pair as u64);
        let ra = rng.standard_normal(IxDyn(sa), &ca).unwrap();
        let rb = rng.standard_normal(IxDyn(sb), &cb).unwrap();
        let (va, vb) = (ra.compute().unwrap(), rb.compute().unwrap());
        let ma = lazy(&floats(sa, 7), &ca);
        let mb = lazy(&floats(sb, 8), &cb);
        let (wa, wb) = (floats(sa, 7), floats(sb, 8));
        let operands_a = [
            ("random", ra.clone(), va.clone()),
            ("computed", &ra * 2.0 + &ma, &va * 2.0 + &wa),
            ("from_array", ma.clone(), wa.clone()),
        ];
        let operands_b = [
            ("random", rb.clone(), vb.clone()),
            (
                "computed",
                (&rb - 1.0).mapv(f64::abs),
                (&vb - 1.0).mapv(f64::abs),
            ),
            ("from_array", mb.clone(), wb.clone()),
        ];
        for (la, x, a) in &operands_a {
            for (lb, y, b) in &operands_b {
                let what = format!("{la} {sa:?} and {lb} {sb:?}");
                assert_same(
                    &(x + y).compute().unwrap(),
                    &(a + b),
                    &format!("{what}: x + y"),
                );
                assert_same(
                    &(y * x).compute().unwrap(),
                    &(b * a),
                    &format!("{what}: y * x"),
                );
                assert_same(
                    &((x - y) * 0.5).compute().unwrap(),
                    &((a - b) * 0.5),
                    &format!("{what}: (x - y) * 0.5"),
                );
                let out = co_shape(sa, sb).unwrap();
                let s = (x + y).sum().compute().unwrap().into_scalar();
                let e = (a + b).sum();
                let tol = sum_tol(sum_abs(&(a + b)));
                assert!(
                    common::close(s, e, 1e-12, tol),
                    "{what}: (x + y).sum() {s} vs {e} (shape {out:?})"
                );
            }
        }
    }
}

/// Statically typed operands: the result's dimension type is ndarray's
/// `DimMax`, and the values are ndarray's.
#[test]
fn broadcasting_typed_operands_matches_ndarray() {
    let m = typed::<f64, Ix2>(floats(&[6, 4], 1));
    let v = typed::<f64, Ix1>(floats(&[4], 2));
    let row = typed::<f64, Ix2>(floats(&[1, 4], 3));
    let col = typed::<f64, Ix2>(floats(&[6, 1], 4));
    let c3 = typed::<f64, Ix3>(floats(&[2, 1, 4], 5));
    let s0 = arr0(2.5);

    let xm = ChunkedArray::from_array(m.clone(), (4, 3)).unwrap();
    let xv = ChunkedArray::from_array(v.clone(), 3).unwrap();
    let xrow = ChunkedArray::from_array(row.clone(), (1, 2)).unwrap();
    let xcol = ChunkedArray::from_array(col.clone(), (5, 1)).unwrap();
    let x3 = ChunkedArray::from_array(c3.clone(), (1, 1, 3)).unwrap();
    let x0 = ChunkedArray::from_array(s0.clone(), ()).unwrap();

    let r: ChunkedArray<f64, Ix2> = &xm + &xv;
    assert_same(&r.compute().unwrap(), &(&m + &v), "Ix2 + Ix1");
    let r: ChunkedArray<f64, Ix2> = &xv - &xm;
    assert_same(&r.compute().unwrap(), &(&v - &m), "Ix1 - Ix2");
    let r: ChunkedArray<f64, Ix2> = &xm * &xrow;
    assert_same(
        &r.compute().unwrap(),
        &(&m * &row),
        "Ix2 (6, 4) * Ix2 (1, 4)",
    );
    let r: ChunkedArray<f64, Ix2> = &xcol / &xm;
    assert_same(
        &r.compute().unwrap(),
        &(&col / &m),
        "Ix2 (6, 1) / Ix2 (6, 4)",
    );
    let r: ChunkedArray<f64, Ix2> = &xrow + &xcol;
    assert_same(&r.compute().unwrap(), &(&row + &col), "(1, 4) + (6, 1)");
    let r: ChunkedArray<f64, Ix2> = &xm - &x0;
    assert_same(&r.compute().unwrap(), &(&m - &s0), "Ix2 - Ix0");
    let r: ChunkedArray<f64, Ix2> = &x0 - &xm;
    assert_same(&r.compute().unwrap(), &(&s0 - &m), "Ix0 - Ix2");
    let r: ChunkedArray<f64, Ix0> = &x0 * &x0;
    assert_same(&r.compute().unwrap(), &(&s0 * &s0), "Ix0 * Ix0");
    let r: ChunkedArray<f64, Ix3> = &x3 + &xcol;
    assert_eq!(r.shape(), &[2, 6, 4]);
    assert_same(
        &r.compute().unwrap(),
        &(&c3 + &col),
        "Ix3 (2, 1, 4) + Ix2 (6, 1)",
    );
    let r: ChunkedArray<f64, Ix3> = &xcol + &x3;
    assert_same(
        &r.compute().unwrap(),
        &(&col + &c3),
        "Ix2 (6, 1) + Ix3 (2, 1, 4)",
    );
    // Owned operands.
    let r: ChunkedArray<f64, Ix2> = xm.clone() + xv.clone();
    assert_same(&r.compute().unwrap(), &(&m + &v), "owned Ix2 + Ix1");
    let r: ChunkedArray<f64, Ix3> = xv.clone() * x3.clone();
    assert_same(&r.compute().unwrap(), &(&v * &c3), "owned Ix1 * Ix3");
    // IxDyn with a static dimension.
    let xd: Lazy<f64> = xv.broadcast(IxDyn(&[4]));
    let r: ChunkedArray<f64, IxDyn> = &xm + &xd;
    assert_same(&r.compute().unwrap(), &(&m + &v).into_dyn(), "Ix2 + IxDyn");
}

/// The example of the brief: a (1, n) row in chunks (1, 3) against an
/// (m, n) matrix in chunks (2, 2): the common refinement, row axis from the
/// matrix.
#[test]
fn broadcast_result_chunks_are_the_common_refinement() {
    let (m, n) = (5, 8);
    let mat = typed::<f64, Ix2>(floats(&[m, n], 1));
    let row = typed::<f64, Ix2>(floats(&[1, n], 2));
    let x = ChunkedArray::from_array(mat.clone(), (2, 2)).unwrap();
    let r = ChunkedArray::from_array(row.clone(), (1, 3)).unwrap();
    let expected_sizes = vec![vec![2, 2, 1], vec![2, 1, 1, 2, 2]];
    for (label, z, e) in [
        ("matrix + row", &x + &r, &mat + &row),
        ("row + matrix", &r + &x, &row + &mat),
        (
            "row.zip_with(matrix)",
            r.zip_with(&x, |a, b| a * 10.0 - b),
            Zip::from(&row.broadcast((m, n)).unwrap())
                .and(&mat)
                .map_collect(|&a, &b| a * 10.0 - b),
        ),
    ] {
        assert_eq!(z.shape(), &[m, n], "{label}");
        assert_eq!(z.chunks().sizes(), expected_sizes.as_slice(), "{label}");
        assert_eq!(z.num_blocks(), 15, "{label}");
        assert_same(&z.compute().unwrap(), &e, label);
    }
    // A column (m, 1) in chunks (3, 1): rows refined, columns from the matrix.
    let col = typed::<f64, Ix2>(floats(&[m, 1], 3));
    let c = ChunkedArray::from_array(col.clone(), (3, 1)).unwrap();
    let z = &c * &x;
    assert_eq!(z.chunks().sizes(), &[vec![2, 1, 1, 1], vec![2, 2, 2, 2]]);
    assert_same(&z.compute().unwrap(), &(&col * &mat), "column * matrix");
    // A row broadcast against a column: each axis from the side that has it.
    let z = &r + &c;
    assert_eq!(z.chunks().sizes(), &[vec![3, 2], vec![3, 3, 2]]);
    assert_same(&z.compute().unwrap(), &(&row + &col), "row + column");
    // A 1-D vector (n,) in chunks of 5: new leading axis is one block.
    let v = typed::<f64, Ix1>(floats(&[n], 4));
    let xv = ChunkedArray::from_array(v.clone(), 5).unwrap();
    let z = &xv - &r;
    assert_eq!(z.chunks().sizes(), &[vec![1], vec![3, 2, 1, 2]]);
    assert_same(&z.compute().unwrap(), &(&v - &row), "vector - row");
}

/// Operands of different element types through `zip_with`.
#[test]
fn zip_with_broadcasts_mixed_types() {
    for (pair, &(sa, sb)) in PAIRS.iter().enumerate() {
        let a = floats(sa, 300 + pair as u64);
        let b = ints(sb, 400 + pair as u64, -5, 5).mapv(|v| v as i32);
        for ca in chunkings_of(sa).into_iter().take(3) {
            for cb in chunkings_of(sb).into_iter().rev().take(3) {
                let x = lazy(&a, &ca);
                let y: Lazy<i32> = ChunkedArray::from_array(b.clone(), &cb).unwrap();
                let what = format!("{sa:?} f64 in {ca:?} with {sb:?} i32 in {cb:?}");
                let z: Lazy<f64> = x.zip_with(&y, |p, q| p.powi(q));
                assert_same(
                    &z.compute().unwrap(),
                    &zip_ref(&a, &b, |p, q| p.powi(q)),
                    &what,
                );
                let z: Lazy<(i32, bool)> = y.zip_with(&x, |q, p| (q * 2, p > 0.0));
                assert_same(
                    &z.compute().unwrap(),
                    &zip_ref(&b, &a, |q, p| (q * 2, p > 0.0)),
                    &format!("{what} (other order, tuple output)"),
                );
                let chunks = broadcast_chunks(z.shape(), &[(sb, &cb), (sa, &ca)]);
                assert_eq!(z.chunks().sizes(), chunks.as_slice(), "chunks of {what}");
            }
        }
    }
    // Statically typed: (2, 1, 4) u8 with (3, 1) i64.
    let a = typed::<u8, Ix3>(ints(&[2, 1, 4], 1, 0, 200).mapv(|v| v as u8));
    let b = typed::<i64, Ix2>(ints(&[3, 1], 2, -1000, 1000));
    let x = ChunkedArray::from_array(a.clone(), (1, 1, 3)).unwrap();
    let y = ChunkedArray::from_array(b.clone(), (2, 1)).unwrap();
    let z: ChunkedArray<i64, Ix3> = x.zip_with(&y, |p, q| i64::from(p) * q);
    let expected = Zip::from(&a.broadcast((2, 3, 4)).unwrap())
        .and(&b.broadcast((2, 3, 4)).unwrap())
        .map_collect(|&p, &q| i64::from(p) * q);
    assert_same(
        &z.compute().unwrap(),
        &expected,
        "u8 (2, 1, 4) zip i64 (3, 1)",
    );
}

/// Comparisons broadcast their operands (same `D`: `IxDyn` of different
/// ranks, or the same rank with length-1 axes).
#[test]
fn comparisons_broadcast() {
    for (pair, &(sa, sb)) in PAIRS.iter().enumerate() {
        // Small integers: many equal pairs.
        let a = ints(sa, 500 + pair as u64, -2, 2).mapv(|v| v as f64);
        let b = ints(sb, 600 + pair as u64, -2, 2).mapv(|v| v as f64);
        let ca = chunkings_of(sa).swap_remove(0);
        let cb = chunkings_of(sb).pop().unwrap();
        let (x, y) = (lazy(&a, &ca), lazy(&b, &cb));
        let what = |op: &str| format!("{sa:?} in {ca:?} {op} {sb:?} in {cb:?}");
        assert_same(
            &x.gt(&y).compute().unwrap(),
            &zip_ref(&a, &b, |p, q| p > q),
            &what("gt"),
        );
        assert_same(
            &x.ge(&y).compute().unwrap(),
            &zip_ref(&a, &b, |p, q| p >= q),
            &what("ge"),
        );
        assert_same(
            &y.lt(&x).compute().unwrap(),
            &zip_ref(&b, &a, |p, q| p < q),
            &what("lt (other order)"),
        );
        assert_same(
            &y.le(x.clone()).compute().unwrap(),
            &zip_ref(&b, &a, |p, q| p <= q),
            &what("le (other order)"),
        );
        assert_same(
            &x.eq_elem(&y).compute().unwrap(),
            &zip_ref(&a, &b, |p, q| p == q),
            &what("eq_elem"),
        );
        // A comparison result used in a broadcast chain.
        assert_eq!(
            x.gt(&y).count_nonzero().compute().unwrap().into_scalar(),
            zip_ref(&a, &b, |p, q| p > q).iter().filter(|&&t| t).count(),
            "{}",
            what("gt().count_nonzero()"),
        );
    }
    // Same static rank: (4, 1) against (1, 5), and a scalar.
    let a = typed::<i32, Ix2>(ints(&[4, 1], 1, -3, 3).mapv(|v| v as i32));
    let b = typed::<i32, Ix2>(ints(&[1, 5], 2, -3, 3).mapv(|v| v as i32));
    let x = ChunkedArray::from_array(a.clone(), (3, 1)).unwrap();
    let y = ChunkedArray::from_array(b.clone(), (1, 2)).unwrap();
    let expected = Zip::from(&a.broadcast((4, 5)).unwrap())
        .and(&b.broadcast((4, 5)).unwrap())
        .map_collect(|p, q| p <= q);
    let z = x.le(&y);
    assert_eq!(z.shape(), &[4, 5]);
    assert_same(&z.compute().unwrap(), &expected, "(4, 1) <= (1, 5)");
    assert_same(
        &x.gt(0).compute().unwrap(),
        &a.mapv(|v| v > 0),
        "(4, 1) > 0",
    );
}

/// `select` with a condition, `a` and `b` of different broadcastable shapes
/// and scalars.
#[test]
fn select_broadcasts_all_three_operands() {
    let (m, n) = (5, 6);
    let cond_a = ints(&[m, 1], 1, 0, 1).mapv(|v| v == 1);
    let cond_full = ints(&[m, n], 2, 0, 1).mapv(|v| v == 1);
    let av = floats(&[1, n], 3);
    let bv = floats(&[m, n], 4);
    let vv = floats(&[n], 5);
    let c1: Lazy<bool> = ChunkedArray::from_array(cond_a.clone(), IxDyn(&[2, 1])).unwrap();
    let cf: Lazy<bool> = ChunkedArray::from_array(cond_full.clone(), IxDyn(&[3, 4])).unwrap();
    let x = lazy(&av, &uniform(&[1, n], &[1, 4]));
    let y = lazy(&bv, &uniform(&[m, n], &[2, 5]));
    let v = lazy(&vv, &uniform(&[n], &[4]));

    let pick = |c: bool, p: f64, q: f64| if c { p } else { q };
    let select3 = |c: &ArrayD<bool>, p: &ArrayD<f64>, q: &ArrayD<f64>| {
        let cp = zip_ref(c, p, |c, p| (c, p));
        zip_ref(&cp, q, |(c, p), q| pick(c, p, q))
    };

    assert_same(
        &where_cond(&c1, &x, &y).compute().unwrap(),
        &select3(&cond_a, &av, &bv),
        "select((m,1), (1,n), (m,n))",
    );
    assert_same(
        &where_cond(&c1, &y, &x).compute().unwrap(),
        &select3(&cond_a, &bv, &av),
        "select((m,1), (m,n), (1,n))",
    );
    assert_same(
        &where_cond(&c1, &x, &v).compute().unwrap(),
        &select3(&cond_a, &av, &vv),
        "select((m,1), (1,n), (n,))",
    );
    assert_same(
        &where_cond(&cf, &v, &x).compute().unwrap(),
        &select3(&cond_full, &vv, &av),
        "select((m,n), (n,), (1,n))",
    );
    assert_same(
        &where_cond(&c1, &x, -1.0).compute().unwrap(),
        &zip_ref(&cond_a, &av, |c, p| pick(c, p, -1.0)),
        "select((m,1), (1,n), scalar)",
    );
    assert_same(
        &where_cond(&cf, 2.0, &v).compute().unwrap(),
        &zip_ref(&cond_full, &vv, |c, q| pick(c, 2.0, q)),
        "select((m,n), scalar, (n,))",
    );
    // A condition built by a broadcast comparison.
    let cond = y.gt(&v);
    let expected_cond = zip_ref(&bv, &vv, |p, q| p > q);
    assert_same(
        &where_cond(&cond, &y, &v).compute().unwrap(),
        &select3(&expected_cond, &bv, &vv),
        "select(y > v, y, v)",
    );
    // The shape of the result is the broadcast of all three.
    assert_eq!(where_cond(&c1, &x, 0.0).shape(), &[m, n]);
}

/// 0-d operands: the mean of an array subtracted from it, in both orders,
/// and a 0-d array from memory.
fn centered_body<D>(case: &Case)
where
    D: Dimension + DimMax<Ix0, Output = D>,
    Ix0: DimMax<D, Output = D>,
{
    if case.is_empty() {
        return;
    }
    let a = typed::<f64, D>(floats(&case.shape, 81));
    let max_abs = a.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let tol = 1e-12 * (max_abs + 1.0);
    for chunks in [&case.chunks, &case.alt] {
        let x = chunked(&a, chunks);
        let what = |op: &str| ctx::<D>(case, op);
        let m = x.mean().compute().unwrap().into_scalar();
        let e = a.mean().unwrap();
        assert!(
            common::close(m, e, 0.0, tol),
            "{}: {m} vs {e}",
            what("mean")
        );
        let c = &x - &x.mean();
        assert_eq!(c.shape(), a.shape(), "{}", what("shape of x - x.mean()"));
        assert_eq!(c.chunks(), x.chunks(), "{}", what("chunks of x - x.mean()"));
        let c = c.compute().unwrap();
        // Exactly `a - m` with the lazily computed mean ...
        assert_same(
            &c,
            &a.mapv(|v| v - m),
            &what("x - x.mean() (with its own mean)"),
        );
        // ... and ndarray's `a - a.mean()` within the tolerance of the mean.
        let e0 = arr0(e);
        assert_close(&c, &(&a - &e0), 0.0, tol, &what("x - x.mean()"));
        assert_close(
            &(&x.mean() - &x).compute().unwrap(),
            &(&e0 - &a),
            0.0,
            tol,
            &what("x.mean() - x"),
        );
        assert_close(
            &((&x - &x.mean()) / &x.std(0.0)).compute().unwrap(),
            &((&a - &e0) / a.std(0.0)),
            1e-10,
            1e-10,
            &what("(x - x.mean()) / x.std()"),
        );
        // A 0-d array from memory, on either side.
        let s = arr0(1.75);
        let xs = ChunkedArray::from_array(s.clone(), ()).unwrap();
        assert_same(&(&x * &xs).compute().unwrap(), &(&a * &s), &what("x * 0-d"));
        assert_same(&(&xs - &x).compute().unwrap(), &(&s - &a), &what("0-d - x"));
    }
}

#[test]
fn zero_d_operands_broadcast_like_ndarray() {
    for_each_case!(centered_body);
}

/// Column means subtracted from a matrix ((m, n) - (n,)), and row means
/// through a transpose; on in-memory and random inputs.
#[test]
fn centering_by_axis_means_matches_ndarray() {
    for (m, n, block) in [
        (6, 4, (4, 3)),
        (20, 13, (7, 5)),
        (1, 5, (1, 2)),
        (5, 1, (2, 1)),
    ] {
        let a = typed::<f64, Ix2>(floats(&[m, n], 91));
        let x = ChunkedArray::from_array(a.clone(), block).unwrap();
        let r = Rng::seed(m as u64).standard_normal((m, n), block).unwrap();
        let ra = r.compute().unwrap();
        for (source, x, a) in [("from_array", &x, &a), ("random", &r, &ra)] {
            let what = |op: &str| format!("{op} of a {source} ({m}, {n}) array in {block:?}");
            let tol = 1e-12 * (sum_abs(a) + 1.0);
            let cols = x - &x.mean_axis(Axis(0));
            assert_eq!(
                cols.chunks(),
                x.chunks(),
                "{}",
                what("chunks of x - mean_axis(0)")
            );
            assert_close(
                &cols.compute().unwrap(),
                &(a - &a.mean_axis(Axis(0)).unwrap()),
                0.0,
                tol,
                &what("x - x.mean_axis(0)"),
            );
            let rows = (&x.t() - &x.mean_axis(Axis(1))).t();
            assert_close(
                &rows.compute().unwrap(),
                &(&a.t() - &a.mean_axis(Axis(1)).unwrap()).t().to_owned(),
                0.0,
                tol,
                &what("(x.t() - x.mean_axis(1)).t()"),
            );
        }
    }
}

// ---------------------------------------------------------------------------
// `broadcast` to a shape
// ---------------------------------------------------------------------------

const BROADCASTS: &[(&[usize], &[usize])] = &[
    (&[3], &[2, 4, 3]),
    (&[1, 3], &[5, 2, 3]),
    (&[3, 1], &[2, 3, 4]),
    (&[], &[2, 3]),
    (&[], &[]),
    (&[1], &[0]),
    (&[1], &[6]),
    (&[1, 1], &[3, 4]),
    (&[2, 3], &[2, 3]),
    (&[4, 1, 3], &[2, 4, 5, 3]),
    (&[0, 1], &[3, 0, 2]),
    (&[2, 1], &[2, 1]),
];

#[test]
fn broadcast_to_a_shape_matches_ndarray() {
    for (i, &(from, to)) in BROADCASTS.iter().enumerate() {
        let a = floats(from, 700 + i as u64);
        for chunks in chunkings_of(from) {
            let x = lazy(&a, &chunks);
            let r = Rng::seed(i as u64)
                .standard_normal(IxDyn(from), &chunks)
                .unwrap();
            let ra = r.compute().unwrap();
            let expected_chunks = broadcast_chunks(to, &[(from, &chunks)]);
            for (source, x, a) in [
                ("from_array", x.clone(), a.clone()),
                ("random", r.clone(), ra.clone()),
                ("computed", &x * 2.0 - &r, &a * 2.0 - &ra),
            ] {
                let what = format!("{source} {from:?} in {chunks:?} broadcast to {to:?}");
                let b = x.broadcast(IxDyn(to));
                assert_eq!(b.shape(), to, "shape of {what}");
                assert_eq!(
                    b.chunks().sizes(),
                    expected_chunks.as_slice(),
                    "chunks of {what}"
                );
                let expected = a.broadcast(IxDyn(to)).unwrap().to_owned();
                assert_same(&b.compute().unwrap(), &expected, &what);
                // In a chain, and reduced.
                assert_same(
                    &(&b * 3.0 + 1.0).compute().unwrap(),
                    &(&expected * 3.0 + 1.0),
                    &format!("{what}, * 3 + 1"),
                );
                let s = b.sum().compute().unwrap().into_scalar();
                let tol = sum_tol(sum_abs(&expected));
                assert!(
                    common::close(s, expected.sum(), 1e-12, tol),
                    "{what}: sum {s} vs {}",
                    expected.sum()
                );
                match (b.max().compute(), max_ref(expected.iter())) {
                    (Ok(v), Some(e)) => assert_eq!(v.into_scalar(), e, "{what}: max"),
                    (Err(Error::EmptyReduction { .. }), None) => {}
                    (got, e) => panic!("{what}: max {got:?}, expected {e:?}"),
                }
                for k in 0..to.len() {
                    assert_close(
                        &b.sum_axis(Axis(k)).compute().unwrap(),
                        &expected.sum_axis(Axis(k)),
                        1e-12,
                        tol,
                        &format!("{what}: sum_axis({k})"),
                    );
                }
                // Transposed after broadcasting.
                assert_same(
                    &b.t().compute().unwrap(),
                    &expected.t().to_owned(),
                    &format!("{what}, then t()"),
                );
            }
        }
    }
}

#[test]
fn broadcast_with_static_dimensions() {
    let a = array_1d(&[1.0, 2.0, 3.0]);
    let x = ChunkedArray::from_array(a.clone(), 2).unwrap();
    let b: ChunkedArray<f64, Ix3> = x.broadcast((2, 4, 3));
    assert_eq!(b.dim(), (2, 4, 3));
    assert_eq!(b.chunks().sizes(), &[vec![2], vec![4], vec![2, 1]]);
    assert_same(
        &b.compute().unwrap(),
        &a.broadcast((2, 4, 3)).unwrap().to_owned(),
        "(3,) to (2, 4, 3)",
    );
    let row =
        ChunkedArray::from_array(a.clone().into_shape_with_order((1, 3)).unwrap(), (1, 2)).unwrap();
    let b: ChunkedArray<f64, Ix2> = row.broadcast((4, 3));
    assert_eq!(b.chunks().sizes(), &[vec![4], vec![2, 1]]);
    assert_same(
        &b.compute().unwrap(),
        &a.broadcast((4, 3)).unwrap().to_owned(),
        "(1, 3) to (4, 3)",
    );
    let m: ChunkedArray<f64, Ix0> = x.sum();
    let b: ChunkedArray<f64, Ix2> = m.broadcast((2, 2));
    assert_same(
        &b.compute().unwrap(),
        &Array::from_elem((2, 2), 6.0),
        "0-d sum to (2, 2)",
    );
}

fn array_1d(values: &[f64]) -> Array<f64, Ix1> {
    Array::from(values.to_vec())
}

/// Blocks larger than a strip (2048 elements): transposed and broadcast
/// reads that cross strip boundaries in the middle of rows.
#[test]
fn views_of_blocks_larger_than_a_strip_match_ndarray() {
    // (left shape, its blocks, right shape, its blocks)
    let pairs: &[[&[usize]; 4]] = &[
        [&[64, 100], &[64, 100], &[100], &[100]],
        [&[64, 100], &[50, 70], &[1, 100], &[1, 30]],
        [&[64, 100], &[64, 100], &[64, 1], &[64, 1]],
        [&[3, 40, 50], &[3, 40, 50], &[40, 1], &[40, 1]],
        [&[1, 3000], &[1, 3000], &[5, 1], &[2, 1]],
        [&[2500], &[2500], &[], &[]],
    ];
    for (i, &[sa, ba, sb, bb]) in pairs.iter().enumerate() {
        let a = floats(sa, 800 + i as u64);
        let b = floats(sb, 900 + i as u64);
        let (ca, cb) = (uniform(sa, ba), uniform(sb, bb));
        let r = Rng::seed(i as u64).standard_normal(IxDyn(sa), &ca).unwrap();
        let ra = r.compute().unwrap();
        for (source, x, a) in [("from_array", lazy(&a, &ca), a.clone()), ("random", r, ra)] {
            let y = lazy(&b, &cb);
            let what = |op: &str| format!("{source} {sa:?} in {ba:?} {op} {sb:?} in {bb:?}");
            assert_same(&(&x + &y).compute().unwrap(), &(&a + &b), &what("+"));
            assert_same(
                &(&y - &x).compute().unwrap(),
                &(&b - &a),
                &what("- (other order)"),
            );
            assert_same(&x.t().compute().unwrap(), &a.t().to_owned(), &what("t()"));
            assert_same(
                &(&x.t() * 2.0).compute().unwrap(),
                &(&a.t() * 2.0),
                &what("t() * 2"),
            );
            let out = co_shape(sa, sb).unwrap();
            let big: Vec<usize> = std::iter::once(2).chain(out.iter().copied()).collect();
            assert_same(
                &y.broadcast(IxDyn(&big)).compute().unwrap(),
                &b.broadcast(IxDyn(&big)).unwrap().to_owned(),
                &what(&format!("broadcast of the right operand to {big:?}")),
            );
        }
    }
}

/// Views of integer, boolean and tuple arrays: every element size goes
/// through the same strided reads.
#[test]
fn views_of_other_element_types_match_ndarray() {
    let shape = [7, 5, 3];
    let chunks = uniform(&shape, &[3, 2, 2]);
    let i = typed::<i64, Ix3>(ints(&shape, 1, -100, 100));
    let u = i.mapv(|v| v as u8);
    let x = chunked(&i, &chunks);
    let xu = chunked(&u, &chunks);
    let perm = (2, 0, 1);
    assert_same(
        &x.permuted_axes(perm).compute().unwrap(),
        &i.clone().permuted_axes(perm),
        "i64 permuted",
    );
    assert_same(
        &xu.t().compute().unwrap(),
        &u.t().to_owned(),
        "u8 transposed",
    );
    assert_same(
        &x.gt(0).t().compute().unwrap(),
        &i.mapv(|v| v > 0).t().to_owned(),
        "bool transposed",
    );
    let pairs = x.zip_with(&xu, |p, q| (p, q));
    assert_same(
        &pairs.permuted_axes(perm).compute().unwrap(),
        &Zip::from(&i)
            .and(&u)
            .map_collect(|&p, &q| (p, q))
            .permuted_axes(perm),
        "(i64, u8) permuted",
    );
    // Integer broadcasting arithmetic: (7, 5, 3) with (5, 1) and (3,).
    let col = typed::<i64, Ix2>(ints(&[5, 1], 2, -9, 9));
    let row = typed::<i64, Ix1>(ints(&[3], 3, 1, 9));
    let c = ChunkedArray::from_array(col.clone(), (2, 1)).unwrap();
    let r = ChunkedArray::from_array(row.clone(), 2).unwrap();
    assert_same(
        &(&x * &c + &r).compute().unwrap(),
        &(&i * &col + &row),
        "i64 (7, 5, 3) * (5, 1) + (3,)",
    );
    assert_same(
        &(&x % &r).compute().unwrap(),
        &(&i % &row),
        "i64 (7, 5, 3) % (3,)",
    );
    let xp = x.permuted_axes((1, 0, 2));
    assert_same(
        &(&r - &xp).compute().unwrap(),
        &(&row - &i.clone().permuted_axes((1, 0, 2))),
        "i64 (3,) - (5, 7, 3)",
    );
    assert_eq!(
        (&x.t() * &c).sum().compute().unwrap().into_scalar(),
        (&i.t() * &col).sum(),
        "i64 sum of (3, 5, 7) * (5, 1) (exact)"
    );
}

/// Views of other kinds of input: persisted blocks, `from_fn` (not
/// readable in any order, so stored first), `arange` and `linspace`, a
/// persisted view; views shared by several consumers and results computed
/// together; the same values with one thread and the sync scheduler.
#[test]
fn views_of_other_sources_and_shared_views_match_ndarray() {
    let shape = (9, 6);
    let a = Array::from_shape_fn(shape, |(i, j)| (i * 6 + j) as f64 / 7.0 - 3.0);
    let kept = ChunkedArray::from_array(a.clone(), (4, 4))
        .unwrap()
        .persist()
        .unwrap();
    let by_fn =
        ChunkedArray::from_fn(shape, (2, 5), |(i, j)| (i * 6 + j) as f64 / 7.0 - 3.0).unwrap();
    let sources = [("persisted", kept), ("from_fn", by_fn)];
    for (source, x) in &sources {
        let what = |op: &str| format!("{op} of a {source} array");
        assert_same(&x.t().compute().unwrap(), &a.t().to_owned(), &what("t()"));
        assert_same(
            &x.t().persist().unwrap().compute().unwrap(),
            &a.t().to_owned(),
            &what("t().persist()"),
        );
        assert_same(
            &x.t().persist().unwrap().t().compute().unwrap(),
            &a,
            &what("t().persist().t()"),
        );
        let col = x.sum_axis(Axis(1));
        let col_a = a.sum_axis(Axis(1));
        assert_close(
            &(&x.t() - &col).compute().unwrap(),
            &(&a.t() - &col_a),
            1e-12,
            1e-12,
            &what("x.t() - x.sum_axis(1)"),
        );
        // The same view used twice in one expression, and by two results.
        let twice = (&x.t() + 1.0) * (&x.t() - 1.0);
        assert_same(
            &twice.compute().unwrap(),
            &((&a.t() + 1.0) * (&a.t() - 1.0)),
            &what("(x.t() + 1) * (x.t() - 1)"),
        );
        let (s, m, t) = ndchunk::compute((&x.t().sum(), &x.t().max(), &x.t())).unwrap();
        let tol = sum_tol(sum_abs(&a));
        assert!(
            common::close(s.into_scalar(), a.sum(), 1e-12, tol),
            "{}",
            what("sum with others")
        );
        assert_eq!(
            m.into_scalar(),
            max_ref(a.iter()).unwrap(),
            "{}",
            what("max with others")
        );
        assert_same(&t, &a.t().to_owned(), &what("t() with others"));
        // Options do not change the values.
        let z = &x.t() * &x.broadcast((2, 9, 6)).permuted_axes((0, 2, 1));
        let expected = &a.t() * &a.broadcast((2, 9, 6)).unwrap().permuted_axes((0, 2, 1));
        for options in [
            ndchunk::Options::default().threads(1),
            ndchunk::Options::default().scheduler(ndchunk::Scheduler::Sync),
            ndchunk::Options::default().fan_in(2),
        ] {
            assert_same(
                &z.compute_with(&options).unwrap(),
                &expected,
                &what(&format!(
                    "x.t() * x.broadcast(..).permuted_axes(..) with {options:?}"
                )),
            );
        }
    }
    // arange and linspace, broadcast and transposed.
    let r = ChunkedArray::arange(0.0, 12.0, 1.0, 5).unwrap();
    let ra = Array::range(0.0, 12.0, 1.0);
    assert_same(
        &r.broadcast((3, 12)).t().compute().unwrap(),
        &ra.broadcast((3, 12)).unwrap().t().to_owned(),
        "arange broadcast and transposed",
    );
    let l = ChunkedArray::linspace(0.0, 1.0, 11, 4).unwrap();
    let lc = l.compute().unwrap();
    let z = &l.broadcast((12, 11)) + &r.broadcast((11, 12)).t().broadcast((2, 12, 11));
    let expected = &lc.broadcast((12, 11)).unwrap()
        + &ra
            .broadcast((11, 12))
            .unwrap()
            .t()
            .broadcast((2, 12, 11))
            .unwrap();
    assert_same(
        &z.compute().unwrap(),
        &expected,
        "linspace (11,) + arange (12,) through views",
    );
}

/// Long chains through views (built in a loop): transposes read in place
/// at every step, and transposes of computed chains (stored at every step).
#[test]
fn long_chains_through_views_match_ndarray() {
    let n = 12;
    let a = typed::<f64, Ix2>(floats(&[n, n], 5));
    let x = ChunkedArray::from_array(a.clone(), (5, 3)).unwrap();
    let r = Rng::seed(77).standard_normal((n, n), (4, 7)).unwrap();
    let ra = r.compute().unwrap();
    for (source, x, a) in [("from_array", &x, &a), ("random", &r, &ra)] {
        let (mut y, mut e) = (x.clone(), a.clone());
        for _ in 0..100 {
            y = (&y + &x.t()) * 0.5;
            e = (&e + &a.t()) * 0.5;
        }
        assert_same(
            &y.compute().unwrap(),
            &e,
            &format!("y = (y + x.t()) * 0.5, 100 times, {source}"),
        );
        let (mut y, mut e) = (x.clone(), a.clone());
        for _ in 0..60 {
            y = y.t() - x;
            e = e.t().to_owned() - a;
        }
        assert_same(
            &y.compute().unwrap(),
            &e,
            &format!("y = y.t() - x, 60 times, {source}"),
        );
    }
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

const INCOMPATIBLE: &[(&[usize], &[usize])] = &[
    (&[3, 4], &[3]),
    (&[2, 3], &[3, 2]),
    (&[2, 1, 4], &[3, 2]),
    (&[0], &[2]),
    (&[5, 7], &[4, 1]),
    (&[2, 3, 4], &[2, 1, 1, 5]),
];

#[test]
fn incompatible_shapes_are_a_shape_mismatch() {
    for &(sa, sb) in INCOMPATIBLE {
        let x = lazy(&floats(sa, 1), &chunkings_of(sa)[0]);
        let y = lazy(&floats(sb, 2), &chunkings_of(sb)[0]);
        let what = |op: &str| format!("{sa:?} {op} {sb:?}");
        assert_shape_mismatch((&x + &y).compute(), sa, sb, &what("+"));
        assert_shape_mismatch((&y - &x).compute(), sb, sa, &what("- (other order)"));
        assert_shape_mismatch((&x * &y).compute(), sa, sb, &what("*"));
        assert_shape_mismatch(
            x.zip_with(&y, |p, q| p + q).compute(),
            sa,
            sb,
            &what("zip_with"),
        );
        assert_shape_mismatch(x.gt(&y).compute(), sa, sb, &what("gt"));
        assert_shape_mismatch(
            y.eq_elem(&x).compute(),
            sb,
            sa,
            &what("eq_elem (other order)"),
        );
        // Later operations keep the first error.
        let bad = &x + &y;
        assert_shape_mismatch((&bad * 2.0).compute(), sa, sb, &what("+, then * 2"));
        assert_shape_mismatch(bad.sum().compute(), sa, sb, &what("+, then sum"));
        assert_shape_mismatch(bad.t().compute(), sa, sb, &what("+, then t()"));
        assert_shape_mismatch(
            bad.sum_axis(Axis(0)).compute(),
            sa,
            sb,
            &what("+, then sum_axis(0)"),
        );
        assert_shape_mismatch((&bad + &bad).compute(), sa, sb, &what("+, then + itself"));
        assert_shape_mismatch(
            ndchunk::compute((&x.sum(), &bad)).map(|_| ()),
            sa,
            sb,
            &what("+, computed with another array"),
        );
        let text = bad.explain();
        assert!(
            text.contains("shape mismatch"),
            "{}: explain {text:?}",
            what("+")
        );
        // select: the condition against a branch.
        let cond = x.gt(0.0);
        assert_shape_mismatch(
            where_cond(&cond, &y, 0.0).compute(),
            sa,
            sb,
            &what("where_cond(cond, b, 0)"),
        );
    }
    // Statically typed operands, both ranks.
    let m = ChunkedArray::from_array(typed::<f64, Ix2>(floats(&[3, 4], 3)), (2, 2)).unwrap();
    let v = ChunkedArray::from_array(typed::<f64, Ix1>(floats(&[3], 4)), 2).unwrap();
    assert_shape_mismatch((&m + &v).compute(), &[3, 4], &[3], "Ix2 (3, 4) + Ix1 (3,)");
    assert_shape_mismatch((&v + &m).compute(), &[3], &[3, 4], "Ix1 (3,) + Ix2 (3, 4)");
    assert_shape_mismatch(
        (&v + &m).sum_axis(Axis(1)).compute(),
        &[3],
        &[3, 4],
        "(Ix1 (3,) + Ix2 (3, 4)).sum_axis(1)",
    );
}

/// The result of a failed broadcast still has its type's rank, so the
/// shape accessors of a typed array agree with its type and do not panic
/// (the error itself waits for `compute`).
#[test]
fn failed_broadcast_results_keep_the_rank_of_their_type() {
    let m = ChunkedArray::from_array(typed::<f64, Ix2>(floats(&[3, 4], 3)), (2, 2)).unwrap();
    let v = ChunkedArray::from_array(typed::<f64, Ix1>(floats(&[3], 4)), 2).unwrap();
    for (what, bad) in [
        ("Ix2 (3, 4) + Ix1 (3,)", &m + &v),
        ("Ix1 (3,) + Ix2 (3, 4)", &v + &m),
    ] {
        let bad: ChunkedArray<f64, Ix2> = bad;
        let dim = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| bad.dim()));
        assert!(
            dim.is_ok(),
            "{what}: dim() panicked on an Ix2 array recorded with shape {:?}",
            bad.shape()
        );
        assert_eq!(bad.ndim(), 2, "{what}: ndim (shape {:?})", bad.shape());
        assert_shape_mismatch(
            bad.compute(),
            if what.starts_with("Ix2") {
                &[3, 4]
            } else {
                &[3]
            },
            if what.starts_with("Ix2") {
                &[3]
            } else {
                &[3, 4]
            },
            what,
        );
    }
}

#[test]
fn broadcast_to_an_incompatible_shape_is_an_invalid_argument() {
    let cases: &[(&[usize], &[usize])] = &[
        (&[3, 4], &[3, 5]),
        (&[3, 4], &[4]),
        (&[3, 4], &[2, 3, 5]),
        (&[3, 4], &[6, 4]),
        (&[2, 1], &[3, 4]),
        (&[1, 3], &[3]),
        (&[3], &[1]),
        (&[0], &[3]),
        (&[2], &[]),
    ];
    for &(from, to) in cases {
        let x = lazy(&floats(from, 1), &chunkings_of(from)[0]);
        let what = format!("{from:?} broadcast to {to:?}");
        let mentions = [format!("{from:?}"), format!("{to:?}")];
        let b = x.broadcast(IxDyn(to));
        assert_invalid_argument(b.compute(), "shape", &mentions, &what);
        assert_invalid_argument(
            (&b * 2.0).sum().compute(),
            "shape",
            &mentions,
            &format!("{what}, * 2, sum"),
        );
    }
    // Statically typed.
    let x = ChunkedArray::from_array(typed::<f64, Ix2>(floats(&[3, 4], 2)), (2, 2)).unwrap();
    let b: ChunkedArray<f64, Ix2> = x.broadcast((3, 5));
    assert_eq!(b.shape(), &[3, 5]);
    assert_invalid_argument(
        b.compute(),
        "shape",
        &["[3, 4]".to_string(), "[3, 5]".to_string()],
        "Ix2 (3, 4) broadcast to (3, 5)",
    );
    let b: ChunkedArray<f64, Ix1> = x.broadcast(4);
    assert_invalid_argument(
        b.compute(),
        "shape",
        &["[3, 4]".to_string()],
        "Ix2 (3, 4) broadcast to (4,)",
    );
}

#[test]
fn permuted_axes_with_a_non_permutation_is_an_invalid_argument() {
    let x2 = ChunkedArray::from_array(typed::<f64, Ix2>(floats(&[3, 4], 1)), (2, 2)).unwrap();
    for axes in [(0, 0), (1, 1), (0, 2), (2, 0), (5, 1)] {
        let what = format!("permuted_axes({axes:?}) of a 2-D array");
        let p = x2.permuted_axes(axes);
        let mentions = [format!("[{}, {}]", axes.0, axes.1)];
        assert_invalid_argument(p.compute(), "axes", &mentions, &what);
        assert_invalid_argument(
            p.sum().compute(),
            "axes",
            &mentions,
            &format!("{what}, sum"),
        );
        assert_invalid_argument(
            (&p + &x2).compute(),
            "axes",
            &mentions,
            &format!("{what}, + x"),
        );
    }
    let x3 = ChunkedArray::from_array(typed::<f64, Ix3>(floats(&[2, 3, 4], 1)), (1, 2, 3)).unwrap();
    for axes in [(0, 1, 1), (3, 0, 1), (2, 2, 2)] {
        let what = format!("permuted_axes({axes:?}) of a 3-D array");
        let mentions = [format!("[{}, {}, {}]", axes.0, axes.1, axes.2)];
        assert_invalid_argument(x3.permuted_axes(axes).compute(), "axes", &mentions, &what);
    }
    // IxDyn: wrong number of axes as well.
    let xd = lazy(&floats(&[3, 4], 1), &uniform(&[3, 4], &[2, 2]));
    for axes in [&[0][..], &[0, 1, 2][..], &[][..], &[1, 1][..]] {
        let what = format!("permuted_axes({axes:?}) of a 2-D IxDyn array");
        let mentions = [format!("{axes:?}")];
        assert_invalid_argument(
            xd.permuted_axes(IxDyn(axes)).compute(),
            "axes",
            &mentions,
            &what,
        );
    }
}

// ---------------------------------------------------------------------------
// Memory and plan
// ---------------------------------------------------------------------------

#[test]
fn transposes_of_in_memory_arrays_are_read_in_place() {
    let a = typed::<f64, Ix2>(floats(&[60, 60], 1));
    // Non-square blocks: x and x.t() are cut differently, aligned on the refinement.
    let x = ChunkedArray::from_array(a.clone(), (25, 40)).unwrap();
    let s = (&x + &x.t()).sum();
    let plan = s.explain();
    assert!(!plan.contains("[stored]"), "{plan}");
    assert!(plan.contains("permute[1, 0]"), "{plan}");
    assert!(plan.contains("[fused]"), "{plan}");
    let e = (&a + &a.t()).sum();
    let v = s.compute().unwrap().into_scalar();
    assert!(
        common::close(v, e, 1e-12, sum_tol(sum_abs(&(&a + &a.t())))),
        "{v} vs {e}"
    );

    // (x.t() * 2).sum(), and a row broadcast against the matrix: nothing stored.
    let plan = (&x.t() * 2.0).sum().explain();
    assert!(!plan.contains("[stored]"), "{plan}");
    let row = ChunkedArray::from_array(typed::<f64, Ix2>(floats(&[1, 60], 2)), (1, 7)).unwrap();
    let plan = (&x * &row).sum().explain();
    assert!(!plan.contains("[stored]"), "{plan}");
    assert!(plan.contains("broadcast["), "{plan}");
    // Constants are read in place too.
    let ones = ChunkedArray::<f64, _>::ones((60, 1), (7, 1)).unwrap();
    let plan = (&x.t() - &ones).max().explain();
    assert!(!plan.contains("[stored]"), "{plan}");
}

#[test]
fn transposes_of_random_arrays_draw_in_place() {
    let x = Rng::seed(12).standard_normal((60, 60), (25, 40)).unwrap();
    let s = (&x + &x.t()).sum();
    let plan = s.explain();
    let random = plan
        .lines()
        .filter(|l| l.contains("random."))
        .collect::<Vec<_>>();
    // Values are drawn by element index, so a transpose draws its elements
    // directly: nothing is stored.
    assert!(!random.is_empty(), "{plan}");
    assert!(!plan.contains("[stored]"), "{plan}");
    let a = x.compute().unwrap();
    let e = (&a + &a.t()).sum();
    let v = s.compute().unwrap().into_scalar();
    assert!(
        common::close(v, e, 1e-12, sum_tol(sum_abs(&(&a + &a.t())))),
        "{v} vs {e}"
    );
    // A computed chain under a transpose is stored too (and only it).
    let y = (&x * 2.0).t();
    let plan = (&y + 1.0).sum().explain();
    assert!(
        plan.lines()
            .any(|l| l.contains("mul(2.0)") && l.contains("[stored]")),
        "{plan}"
    );
}

// ---------------------------------------------------------------------------
// Property test
// ---------------------------------------------------------------------------

/// 1 to 4 axes, small, with 0-length and size-1 axes.
fn shape() -> impl Strategy<Value = Vec<usize>> {
    (1usize..=4).prop_flat_map(|ndim| {
        let max: usize = [0, 12, 7, 5, 4][ndim];
        vec(
            prop_oneof![1 => Just(0usize), 2 => Just(1usize), 6 => 2..=max],
            ndim,
        )
    })
}

/// A uniform block shape or a random partition of every axis.
fn chunking(shape: &[usize]) -> BoxedStrategy<Chunks> {
    let shape = shape.to_vec();
    let blocks: Vec<_> = shape.iter().map(|&n| 1..=n.max(1) + 1).collect();
    let explicit: Vec<_> = shape.iter().map(|&n| partition(n)).collect();
    let s = shape.clone();
    prop_oneof![
        blocks.prop_map(move |b| uniform(&s, &b)),
        explicit.prop_map(Chunks::from_sizes),
    ]
    .boxed()
}

#[derive(Clone, Debug)]
enum Base {
    Array,
    Random(u64),
    /// `x * 2 + 1` of an in-memory array.
    Computed,
}

#[derive(Clone, Debug)]
struct Scenario {
    shape: Vec<usize>,
    perm: Vec<usize>,
    x_chunks: Chunks,
    /// Shape of the partner: the permuted shape with some axes set to 1 and
    /// some leading axes dropped.
    y_shape: Vec<usize>,
    y_chunks: Chunks,
    base: Base,
    swap: bool,
    salt: u64,
}

fn scenario() -> impl Strategy<Value = Scenario> {
    shape().prop_flat_map(|shape| {
        let n = shape.len();
        let perm = Just((0..n).collect::<Vec<_>>()).prop_shuffle();
        (
            Just(shape.clone()),
            perm,
            chunking(&shape),
            vec(any::<bool>(), n),
            0..=n,
        )
            .prop_flat_map(|(shape, perm, x_chunks, ones, drop)| {
                let permuted: Vec<usize> = perm.iter().map(|&a| shape[a]).collect();
                let y_shape: Vec<usize> = permuted
                    .iter()
                    .zip(&ones)
                    .map(|(&len, &one)| if one { 1 } else { len })
                    .skip(drop)
                    .collect();
                let base = prop_oneof![
                    Just(Base::Array),
                    any::<u64>().prop_map(Base::Random),
                    Just(Base::Computed),
                ];
                (
                    Just(shape),
                    Just(perm),
                    Just(x_chunks),
                    Just(y_shape.clone()),
                    chunking(&y_shape),
                    base,
                    any::<bool>(),
                    any::<u64>(),
                )
            })
            .prop_map(
                |(shape, perm, x_chunks, y_shape, y_chunks, base, swap, salt)| Scenario {
                    shape,
                    perm,
                    x_chunks,
                    y_shape,
                    y_chunks,
                    base,
                    swap,
                    salt,
                },
            )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn permuted_plus_broadcast_partner_matches_ndarray(s in scenario()) {
        let a0 = floats(&s.shape, s.salt);
        let (x, a) = match s.base {
            Base::Array => (lazy(&a0, &s.x_chunks), a0.clone()),
            Base::Random(seed) => {
                let r = Rng::seed(seed).standard_normal(IxDyn(&s.shape), &s.x_chunks).unwrap();
                let ra = r.compute().unwrap();
                (r, ra)
            }
            Base::Computed => (&lazy(&a0, &s.x_chunks) * 2.0 + 1.0, &a0 * 2.0 + 1.0),
        };
        let b = floats(&s.y_shape, s.salt ^ 0xFFFF);
        let y = lazy(&b, &s.y_chunks);
        let p = IxDyn(&s.perm);
        let xp = x.permuted_axes(p.clone());
        let ap = a.permuted_axes(p);
        let (z, expected) = if s.swap {
            (&y + &xp, &b + &ap)
        } else {
            (&xp + &y, &ap + &b)
        };
        prop_assert_eq!(z.shape(), expected.shape());
        let permuted_chunks = Chunks::from_sizes(permuted_sizes(&s.x_chunks, &s.perm));
        let chunks = broadcast_chunks(expected.shape(), &[(ap.shape(), &permuted_chunks), (s.y_shape.as_slice(), &s.y_chunks)]);
        prop_assert_eq!(z.chunks().sizes(), chunks.as_slice());
        let got = z.compute().unwrap();
        prop_assert_eq!(got.shape(), expected.shape());
        let same = got.iter().zip(expected.iter()).all(|(g, e)| g == e);
        prop_assert!(same, "got {:?}\nexpected {:?}", got, expected);
    }
}
