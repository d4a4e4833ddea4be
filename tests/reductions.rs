//! Differential tests of the reductions: every whole-array reduction and
//! every reduction along every axis of every case shape, for floats,
//! integers and booleans, against eager ndarray (or a direct loop where
//! ndarray has no such reduction).
//!
//! Semantics expected (numpy's): `sum` of nothing is 0, `prod` 1, `mean` and
//! `var` NaN; `min`/`max`/`argmin`/`argmax` of nothing are
//! `Error::EmptyReduction`; NaN propagates through `min`/`max` and
//! `argmin`/`argmax` return the first NaN; ties go to the first occurrence in
//! C order (along the axis for the `_axis` versions). Integers and `bool`
//! sum and multiply in their 64-bit sum type, exactly: a result that does
//! not fit is an overflow error, never a wrapped value; their means,
//! variances and standard deviations are f64.

#[macro_use]
mod common;

use common::{
    assert_close, assert_exact_or_overflow, assert_same, chunked, ctx, floats, ints, near_one,
    typed, Case,
};
use ndarray::{arr0, Array, Array0, ArrayD, Axis, Dimension, IxDyn, RemoveAxis};
use ndchunk::{ChunkedArray, Chunks, Error, Options, Scheduler};
use std::fmt::Debug;

/// Tolerances, fixed from error bounds for at most a few thousand values of
/// magnitude <= 137 (the reference sums naively, the library pairwise and
/// compensated): (relative, absolute).
const SUM_TOL: (f64, f64) = (1e-12, 1e-9);
const MEAN_TOL: (f64, f64) = (1e-12, 1e-12);
const VAR_TOL: (f64, f64) = (1e-10, 1e-9);
const PROD_TOL: (f64, f64) = (1e-11, 1e-300);

fn is_nan<T: PartialOrd>(v: &T) -> bool {
    #[allow(clippy::eq_op)]
    let unordered = v.partial_cmp(v).is_none();
    unordered
}

/// Position of the first extreme (`better(candidate, current)`), or of the
/// first NaN; `None` for no values.
fn arg_extreme<T: PartialOrd>(v: &[T], better: impl Fn(&T, &T) -> bool) -> Option<usize> {
    if let Some(i) = v.iter().position(is_nan) {
        return Some(i);
    }
    let mut best: Option<usize> = None;
    for (i, x) in v.iter().enumerate() {
        match best {
            Some(b) if !better(x, &v[b]) => {}
            _ => best = Some(i),
        }
    }
    best
}

fn ref_argmin<T: PartialOrd>(v: &[T]) -> Option<usize> {
    arg_extreme(v, |a, b| a < b)
}

fn ref_argmax<T: PartialOrd>(v: &[T]) -> Option<usize> {
    arg_extreme(v, |a, b| a > b)
}

fn ref_min<T: PartialOrd + Copy>(v: &[T]) -> Option<T> {
    ref_argmin(v).map(|i| v[i])
}

fn ref_max<T: PartialOrd + Copy>(v: &[T]) -> Option<T> {
    ref_argmax(v).map(|i| v[i])
}

/// Variance of `v` by ndarray, NaN when there are not more values than `ddof`.
fn ref_var(v: &[f64], ddof: f64) -> f64 {
    if (v.len() as f64) - ddof > 0.0 {
        ndarray::ArrayView1::from(v).var(ddof)
    } else {
        f64::NAN
    }
}

/// `f` of the whole array in C order, as a 0-d array (`None`: no value).
fn whole<T: Copy, R, D: Dimension>(
    a: &Array<T, D>,
    f: impl Fn(&[T]) -> Option<R>,
) -> Option<Array0<R>> {
    let values: Vec<T> = a.iter().copied().collect();
    f(&values).map(arr0)
}

/// `f` of every lane along `axis` (`None` if some lane has no value).
fn lanes<T: Copy, R: Clone, D: RemoveAxis>(
    a: &Array<T, D>,
    axis: usize,
    f: impl Fn(&[T]) -> Option<R>,
) -> Option<Array<R, D::Smaller>> {
    let r = a.map_axis(Axis(axis), |lane| {
        let values: Vec<T> = lane.iter().copied().collect();
        f(&values)
    });
    if r.iter().any(Option::is_none) {
        None
    } else {
        Some(r.map(|o| o.clone().unwrap()))
    }
}

/// A computed reduction against its expected value (`None`: expected
/// `Error::EmptyReduction { op }`).
#[track_caller]
fn check<R: Debug, E: Dimension>(
    got: ndchunk::Result<Array<R, E>>,
    expected: Option<Array<R, E>>,
    op: &str,
    what: &str,
    compare: impl Fn(&Array<R, E>, &Array<R, E>, &str),
) {
    match (got, expected) {
        (Ok(g), Some(e)) => compare(&g, &e, what),
        (Err(Error::EmptyReduction { op: got_op }), None) => {
            assert_eq!(got_op, op, "{what}: op named by EmptyReduction")
        }
        (g, e) => panic!("{what}: got {g:?}, expected {e:?} (None: EmptyReduction)"),
    }
}

fn exact<R: PartialEq + Debug, E: Dimension>(a: &Array<R, E>, e: &Array<R, E>, what: &str) {
    assert_same(a, e, what)
}

fn close_fn<E: Dimension>(t: (f64, f64)) -> impl Fn(&Array<f64, E>, &Array<f64, E>, &str) {
    move |a, e, what| assert_close(a, e, t.0, t.1, what)
}

/// The min/max/argmin/argmax family, whole and along every axis.
fn check_extremes<T, D>(case: &Case, a: &Array<T, D>, x: &ChunkedArray<T, D>, label: &str)
where
    T: PartialOrd + Copy + Debug + Send + Sync + 'static,
    D: RemoveAxis,
{
    let what = |op: &str| ctx::<D>(case, &format!("{op} ({label})"));
    check(
        x.min().compute(),
        whole(a, ref_min),
        "min",
        &what("min"),
        exact,
    );
    check(
        x.max().compute(),
        whole(a, ref_max),
        "max",
        &what("max"),
        exact,
    );
    check(
        x.argmin().compute(),
        whole(a, ref_argmin),
        "argmin",
        &what("argmin"),
        exact,
    );
    check(
        x.argmax().compute(),
        whole(a, ref_argmax),
        "argmax",
        &what("argmax"),
        exact,
    );
    for k in 0..case.ndim() {
        let ax = Axis(k);
        let w = |op: &str| what(&format!("{op}_axis({k})"));
        check(
            x.min_axis(ax).compute(),
            lanes(a, k, ref_min),
            "min",
            &w("min"),
            exact,
        );
        check(
            x.max_axis(ax).compute(),
            lanes(a, k, ref_max),
            "max",
            &w("max"),
            exact,
        );
        check(
            x.argmin_axis(ax).compute(),
            lanes(a, k, ref_argmin),
            "argmin",
            &w("argmin"),
            exact,
        );
        check(
            x.argmax_axis(ax).compute(),
            lanes(a, k, ref_argmax),
            "argmax",
            &w("argmax"),
            exact,
        );
    }
}

/// any/all/count_nonzero, whole and along every axis.
fn check_truth<T, D>(
    case: &Case,
    a: &Array<T, D>,
    x: &ChunkedArray<T, D>,
    truthy: fn(&T) -> bool,
    label: &str,
) where
    T: ndchunk::element::Truthy + Debug,
    D: RemoveAxis,
{
    let what = |op: &str| ctx::<D>(case, &format!("{op} ({label})"));
    let any = |v: &[T]| Some(v.iter().any(truthy));
    let all = |v: &[T]| Some(v.iter().all(truthy));
    let count = |v: &[T]| Some(v.iter().filter(|t| truthy(t)).count());
    check(x.any().compute(), whole(a, any), "any", &what("any"), exact);
    check(x.all().compute(), whole(a, all), "all", &what("all"), exact);
    check(
        x.count_nonzero().compute(),
        whole(a, count),
        "",
        &what("count_nonzero"),
        exact,
    );
    for k in 0..case.ndim() {
        let ax = Axis(k);
        let w = |op: &str| what(&format!("{op}_axis({k})"));
        check(
            x.any_axis(ax).compute(),
            lanes(a, k, any),
            "",
            &w("any"),
            exact,
        );
        check(
            x.all_axis(ax).compute(),
            lanes(a, k, all),
            "",
            &w("all"),
            exact,
        );
        check(
            x.count_nonzero_axis(ax).compute(),
            lanes(a, k, count),
            "",
            &w("count_nonzero"),
            exact,
        );
    }
}

/// mean, var and std (ddof 0 and 1), whole and along every axis, against
/// ndarray's of `f`: the values of `x` as f64.
fn check_moments<T, D>(case: &Case, f: &Array<f64, D>, x: &ChunkedArray<T, D>, label: &str)
where
    T: ndchunk::element::Accumulate<Mean = f64>,
    D: RemoveAxis,
{
    let what = |op: &str| ctx::<D>(case, &format!("{op} ({label})"));
    let mean = f.mean().unwrap_or(f64::NAN);
    check(
        x.mean().compute(),
        Some(arr0(mean)),
        "",
        &what("mean"),
        close_fn(MEAN_TOL),
    );
    for ddof in [0.0, 1.0] {
        let var = whole(f, |v| Some(ref_var(v, ddof)));
        let std = var.as_ref().map(|v| v.mapv(f64::sqrt));
        let w = |op: &str| what(&format!("{op}(ddof={ddof})"));
        check(x.var(ddof).compute(), var, "", &w("var"), close_fn(VAR_TOL));
        check(x.std(ddof).compute(), std, "", &w("std"), close_fn(VAR_TOL));
    }
    for k in 0..case.ndim() {
        let ax = Axis(k);
        let smaller = f.sum_axis(ax);
        let mean = f
            .mean_axis(ax)
            .unwrap_or_else(|| smaller.mapv(|_| f64::NAN));
        check(
            x.mean_axis(ax).compute(),
            Some(mean),
            "",
            &what(&format!("mean_axis({k})")),
            close_fn(MEAN_TOL),
        );
        for ddof in [0.0, 1.0] {
            let var = if (f.len_of(ax) as f64) - ddof > 0.0 {
                f.var_axis(ax, ddof)
            } else {
                smaller.mapv(|_| f64::NAN)
            };
            let std = var.mapv(f64::sqrt);
            let w = |op: &str| what(&format!("{op}_axis({k}, ddof={ddof})"));
            check(
                x.var_axis(ax, ddof).compute(),
                Some(var),
                "",
                &w("var"),
                close_fn(VAR_TOL),
            );
            check(
                x.std_axis(ax, ddof).compute(),
                Some(std),
                "",
                &w("std"),
                close_fn(VAR_TOL),
            );
        }
    }
}

fn f64_body<D: RemoveAxis>(case: &Case) {
    let a = typed::<f64, D>(floats(&case.shape, 40));
    let p = typed::<f64, D>(near_one(&case.shape, 41));
    for chunks in [&case.chunks, &case.alt] {
        let label = &format!("chunks {chunks:?}");
        let x = chunked(&a, chunks);
        let what = |op: &str| ctx::<D>(case, &format!("{op} ({label})"));
        check(
            x.sum().compute(),
            Some(arr0(a.sum())),
            "",
            &what("sum"),
            close_fn(SUM_TOL),
        );
        let xp = chunked(&p, chunks);
        check(
            xp.prod().compute(),
            Some(arr0(p.product())),
            "",
            &what("prod"),
            close_fn(PROD_TOL),
        );
        for k in 0..case.ndim() {
            let ax = Axis(k);
            let w = |op: &str| what(&format!("{op}_axis({k})"));
            check(
                x.sum_axis(ax).compute(),
                Some(a.sum_axis(ax)),
                "",
                &w("sum"),
                close_fn(SUM_TOL),
            );
            let prod = p.map_axis(ax, |lane| lane.iter().product::<f64>());
            check(
                xp.prod_axis(ax).compute(),
                Some(prod),
                "",
                &w("prod"),
                close_fn(PROD_TOL),
            );
        }
        check_moments(case, &a, &x, label);
        check_extremes(case, &a, &x, label);
        // Truth values of floats: zero is false, everything else true.
        let z = typed::<f64, D>(ints(&case.shape, 42, -1, 1).mapv(|v| v as f64 * 0.5));
        check_truth(case, &z, &chunked(&z, chunks), |v| *v != 0.0, label);
    }
}

#[test]
fn f64_reductions_whole_and_along_every_axis() {
    for_each_case!(f64_body);
}

/// The exact sum of `v` in `S` (through i128), `None` if it does not fit.
fn exact_sum<T: Copy + Into<i128>, S: TryFrom<i128>>(v: &[T]) -> Option<S> {
    S::try_from(v.iter().map(|&x| x.into()).sum::<i128>()).ok()
}

/// The product of `v` in `S`, `None` if a prefix does not fit. Only for
/// data without zeros (whose prefixes never shrink) or whose products cannot
/// overflow: there every order of multiplication, so every chunking, agrees.
fn exact_prod<T: Copy + Into<i128>, S: TryFrom<i128>>(v: &[T]) -> Option<S> {
    let mut p: i128 = 1;
    for &x in v {
        p = p.checked_mul(x.into())?;
        S::try_from(p).ok()?;
    }
    S::try_from(p).ok()
}

/// sum of an integer (or bool) array, exact in the sum type `S` (or an
/// overflow error naming `sum` and `ty`), and mean, var and std as f64,
/// whole and along every axis.
fn check_sums<T, S, D>(case: &Case, a: &Array<T, D>, x: &ChunkedArray<T, D>, ty: &str, label: &str)
where
    T: ndchunk::element::Accumulate<Sum = S, Mean = f64> + Into<i128> + Debug,
    S: ndchunk::element::Accumulator + TryFrom<i128> + PartialEq + Debug,
    D: RemoveAxis,
{
    let what = |op: &str| ctx::<D>(case, &format!("{op} {ty} ({label})"));
    let sums = |v: &[T]| exact_sum::<T, S>(v);
    assert_exact_or_overflow(x.sum().compute(), whole(a, sums), ("sum", ty), &what("sum"));
    for k in 0..case.ndim() {
        assert_exact_or_overflow(
            x.sum_axis(Axis(k)).compute(),
            lanes(a, k, sums),
            ("sum", ty),
            &what(&format!("sum_axis({k})")),
        );
    }
    let f = a.mapv(|v| v.into() as f64);
    check_moments(case, &f, x, &format!("{ty} as f64, {label}"));
}

/// sum, mean, var, std ([`check_sums`]) and prod of an integer (or bool)
/// array without zeros or whose products cannot overflow (see
/// [`exact_prod`]), whole and along every axis.
fn check_sums_and_products<T, S, D>(
    case: &Case,
    a: &Array<T, D>,
    x: &ChunkedArray<T, D>,
    ty: &str,
    label: &str,
) where
    T: ndchunk::element::Accumulate<Sum = S, Mean = f64> + Into<i128> + Debug,
    S: ndchunk::element::Accumulator + TryFrom<i128> + PartialEq + Debug,
    D: RemoveAxis,
{
    check_sums(case, a, x, ty, label);
    let what = |op: &str| ctx::<D>(case, &format!("{op} {ty} ({label})"));
    let prods = |v: &[T]| exact_prod::<T, S>(v);
    assert_exact_or_overflow(
        x.prod().compute(),
        whole(a, prods),
        ("prod", ty),
        &what("prod"),
    );
    for k in 0..case.ndim() {
        assert_exact_or_overflow(
            x.prod_axis(Axis(k)).compute(),
            lanes(a, k, prods),
            ("prod", ty),
            &what(&format!("prod_axis({k})")),
        );
    }
}

fn i64_body<D: RemoveAxis>(case: &Case) {
    let a = typed::<i64, D>(ints(&case.shape, 43, -1000, 1000));
    // Few distinct values: ties everywhere, first occurrence must win.
    let t = typed::<i64, D>(ints(&case.shape, 44, 0, 3));
    // Products of many of these leave i64 (no zero: a partial product is
    // never larger than the whole, so overflow does not depend on chunks).
    let p = typed::<i64, D>(ints(&case.shape, 45, 0, 3).mapv(|v| [-3, -1, 1, 3][v as usize]));
    // Two fit in i64, three do not: sums of longer lanes overflow.
    let big = typed::<i64, D>(ints(&case.shape, 47, i64::MAX / 3 + 1, i64::MAX / 2));
    // Products with zeros that cannot overflow.
    let z = typed::<i64, D>(ints(&case.shape, 46, -1, 1));
    for chunks in [&case.chunks, &case.alt] {
        let label = &format!("chunks {chunks:?}");
        let x = chunked(&a, chunks);
        check_sums(case, &a, &x, "i64", label);
        for (name, data) in [("factors", &p), ("large", &big), ("-1..=1", &z)] {
            let label = &format!("{label}, {name}");
            check_sums_and_products(case, data, &chunked(data, chunks), "i64", label);
        }
        check_extremes(case, &a, &x, label);
        check_extremes(case, &t, &chunked(&t, chunks), &format!("{label}, ties"));
        check_truth(case, &z, &chunked(&z, chunks), |v| *v != 0, label);
    }
}

#[test]
fn i64_reductions_whole_and_along_every_axis_with_ties() {
    for_each_case!(i64_body);
}

fn small_ints_body<D: RemoveAxis>(case: &Case) {
    // Sums of many of these wrap in 8 or 32 bits; not in 64.
    let bytes = typed::<u8, D>(ints(&case.shape, 47, 0, 255).mapv(|v| v as u8));
    let signed = typed::<i8, D>(ints(&case.shape, 48, -128, 127).mapv(|v| v as i8));
    let wide =
        typed::<i32, D>(ints(&case.shape, 49, i32::MIN.into(), i32::MAX.into()).mapv(|v| v as i32));
    let shorts = typed::<i16, D>(ints(&case.shape, 51, -3, 3).mapv(|v| v as i16));
    // No zeros: products that do not fit in 64 bits are errors.
    let factors = bytes.mapv(|v| v % 3 + 1);
    let halves =
        typed::<u32, D>(ints(&case.shape, 50, 1 << 31, u32::MAX.into()).mapv(|v| v as u32));
    for chunks in [&case.chunks, &case.alt] {
        let label = &format!("chunks {chunks:?}");
        let x = chunked(&bytes, chunks);
        check_sums(case, &bytes, &x, "u64", label);
        check_sums(case, &signed, &chunked(&signed, chunks), "i64", label);
        check_sums(case, &wide, &chunked(&wide, chunks), "i64", label);
        check_sums(case, &shorts, &chunked(&shorts, chunks), "i64", label);
        let (f, h) = (chunked(&factors, chunks), chunked(&halves, chunks));
        check_sums_and_products(case, &factors, &f, "u64", &format!("{label}, 1..=3"));
        check_sums_and_products(case, &halves, &h, "u64", &format!("{label}, >= 2^31"));
        check_extremes(case, &bytes, &x, label);
    }
}

#[test]
fn small_integers_sum_in_64_bits_and_average_in_f64() {
    for_each_case!(small_ints_body);
}

fn bool_body<D: RemoveAxis>(case: &Case) {
    let mostly_true = typed::<bool, D>(ints(&case.shape, 48, 0, 9).mapv(|v| v > 0));
    let mostly_false = typed::<bool, D>(ints(&case.shape, 49, 0, 9).mapv(|v| v == 0));
    let all_true = mostly_true.mapv(|_| true);
    let all_false = mostly_true.mapv(|_| false);
    for chunks in [&case.chunks, &case.alt] {
        let label = &format!("chunks {chunks:?}");
        for (name, a) in [
            ("mostly true", &mostly_true),
            ("mostly false", &mostly_false),
            ("all true", &all_true),
            ("all false", &all_false),
        ] {
            let x = chunked(a, chunks);
            check_truth(case, a, &x, |v| *v, &format!("{label}, {name}"));
            // Sums count the trues (i64), means are the fraction of trues.
            check_sums_and_products(case, a, &x, "i64", &format!("{label}, {name}"));
        }
        // A comparison feeding the reductions (fused).
        let f = typed::<f64, D>(floats(&case.shape, 50));
        let cond = chunked(&f, chunks).gt(10.0);
        let reference = f.mapv(|v| v > 10.0);
        check_truth(case, &reference, &cond, |v| *v, &format!("{label}, x > 10"));
        check_extremes(case, &reference, &cond, &format!("{label}, bool extremes"));
    }
}

#[test]
fn bool_any_all_count_nonzero_sum_and_mean() {
    for_each_case!(bool_body);
}

/// Every 5th element (from element 2) NaN.
fn with_nans(a: ArrayD<f64>) -> ArrayD<f64> {
    let shape = a.shape().to_vec();
    let values = a
        .iter()
        .enumerate()
        .map(|(i, &v)| if i % 5 == 2 { f64::NAN } else { v })
        .collect();
    ArrayD::from_shape_vec(shape, values).unwrap()
}

fn nan_body<D: RemoveAxis>(case: &Case) {
    let a = typed::<f64, D>(with_nans(floats(&case.shape, 51)));
    for chunks in [&case.chunks, &case.alt] {
        let label = &format!("chunks {chunks:?}");
        let x = chunked(&a, chunks);
        let label = format!("{label}, with NaN");
        check_extremes(case, &a, &x, &label);
        let what = |op: &str| ctx::<D>(case, &format!("{op} ({label})"));
        let has_nan = a.iter().any(|v| v.is_nan());
        let sum = x.sum().compute().unwrap().into_scalar();
        assert_eq!(sum.is_nan(), has_nan, "{}: {sum}", what("sum"));
        let mean = x.mean().compute().unwrap().into_scalar();
        assert_eq!(
            mean.is_nan(),
            has_nan || a.is_empty(),
            "{}: {mean}",
            what("mean")
        );
        let var = x.var(0.0).compute().unwrap().into_scalar();
        assert_eq!(
            var.is_nan(),
            has_nan || a.is_empty(),
            "{}: {var}",
            what("var")
        );
        // NaN is truthy.
        check_truth(case, &a, &x, |v| *v != 0.0, &label);
        for k in 0..case.ndim() {
            let lane_nan = a.map_axis(Axis(k), |lane| lane.iter().any(|v| v.is_nan()));
            let sums = x.sum_axis(Axis(k)).compute().unwrap();
            assert_same(
                &sums.mapv(f64::is_nan),
                &lane_nan,
                &what(&format!("sum_axis({k}) NaN")),
            );
        }
    }
}

#[test]
fn nan_propagates_through_min_max_and_argmin_argmax_find_the_first_nan() {
    for_each_case!(nan_body);
}

#[test]
fn argmin_argmax_ties_pick_the_first_in_c_order_across_blocks() {
    // 4x4 in 2x2 blocks: the minimum 0 is at flat indices 2 (block [0, 1])
    // and 5 (block [0, 0]); numpy's argmin is 2, the first in C order.
    let a = ndarray::array![[5, 5, 0, 5], [5, 0, 5, 5], [5, 5, 5, 5], [5, 5, 5, 5]];
    let x = ChunkedArray::from_array(a.clone(), (2, 2)).unwrap();
    assert_eq!(x.argmin().compute().unwrap().into_scalar(), 2);
    let b = a.mapv(|v| 5 - v);
    let y = ChunkedArray::from_array(b, (2, 2)).unwrap();
    assert_eq!(y.argmax().compute().unwrap().into_scalar(), 2);
    // The same with NaN: the first NaN in C order.
    let f = ndarray::array![
        [1.0, 1.0, f64::NAN, 1.0],
        [1.0, f64::NAN, 1.0, 1.0],
        [1.0, 1.0, 1.0, 1.0]
    ];
    let z = ChunkedArray::from_array(f, (2, 2)).unwrap();
    assert_eq!(z.argmax().compute().unwrap().into_scalar(), 2);
    assert_eq!(z.argmin().compute().unwrap().into_scalar(), 2);
    // Along an axis, ties are resolved along the axis, across blocks.
    let c = ndarray::array![[3, 1, 1], [1, 1, 0], [1, 0, 0]];
    let w = ChunkedArray::from_array(c, (1, 1)).unwrap();
    assert_eq!(
        w.argmin_axis(Axis(0)).compute().unwrap(),
        ndarray::array![1, 2, 1]
    );
    assert_eq!(
        w.argmin_axis(Axis(1)).compute().unwrap(),
        ndarray::array![1, 2, 1]
    );
    assert_eq!(
        w.argmax_axis(Axis(0)).compute().unwrap(),
        ndarray::array![0, 0, 0]
    );
    assert_eq!(
        w.argmax_axis(Axis(1)).compute().unwrap(),
        ndarray::array![0, 0, 0]
    );
}

#[test]
fn empty_arrays() {
    for shape in [vec![0], vec![0, 5], vec![4, 0], vec![3, 0, 4], vec![0, 0]] {
        let x = ChunkedArray::<f64, IxDyn>::zeros(IxDyn(&shape), Chunks::auto()).unwrap();
        let what = format!("empty array of shape {shape:?}");
        assert_eq!(x.sum().compute().unwrap().into_scalar(), 0.0, "{what}");
        assert_eq!(x.prod().compute().unwrap().into_scalar(), 1.0, "{what}");
        assert!(x.mean().compute().unwrap().into_scalar().is_nan(), "{what}");
        assert!(
            x.var(0.0).compute().unwrap().into_scalar().is_nan(),
            "{what}"
        );
        assert!(
            x.std(1.0).compute().unwrap().into_scalar().is_nan(),
            "{what}"
        );
        assert!(!x.any().compute().unwrap().into_scalar(), "{what}");
        assert!(x.all().compute().unwrap().into_scalar(), "{what}");
        assert_eq!(
            x.count_nonzero().compute().unwrap().into_scalar(),
            0,
            "{what}"
        );
        let errors = [
            ("min", x.min().compute().map(|_| ())),
            ("max", x.max().compute().map(|_| ())),
            ("argmin", x.argmin().compute().map(|_| ())),
            ("argmax", x.argmax().compute().map(|_| ())),
        ];
        for (op, result) in errors {
            match result {
                Err(e @ Error::EmptyReduction { .. }) => {
                    assert!(
                        matches!(e, Error::EmptyReduction { op: o } if o == op),
                        "{e:?}"
                    );
                    let msg = e.to_string();
                    assert!(
                        msg.contains(&format!("`{op}`")) && msg.contains("empty"),
                        "{what}: message {msg:?}"
                    );
                }
                other => panic!("{what}: {op} gave {other:?}, expected EmptyReduction"),
            }
        }
        // Reductions of an empty array inside a chain, and with typed dims.
        assert_eq!((&x * 2.0 + 1.0).sum().compute().unwrap().into_scalar(), 0.0);
        assert!(matches!(
            (&x + 1.0).max().compute(),
            Err(Error::EmptyReduction { op: "max" })
        ));
    }
    let e1 = ChunkedArray::<i64, _>::zeros(0, 4).unwrap();
    assert_eq!(e1.sum().compute().unwrap().into_scalar(), 0);
    assert!(matches!(
        e1.argmax().compute(),
        Err(Error::EmptyReduction { op: "argmax" })
    ));
}

#[test]
fn reductions_along_an_empty_axis() {
    let x = ChunkedArray::<f64, _>::ones((3, 0, 4), (2, 2, 2)).unwrap();
    // Along the empty axis: a full result of identities, or an error.
    assert_eq!(
        x.sum_axis(Axis(1)).compute().unwrap(),
        Array::<f64, _>::zeros((3, 4))
    );
    assert_eq!(
        x.prod_axis(Axis(1)).compute().unwrap(),
        Array::<f64, _>::ones((3, 4))
    );
    assert!(x
        .mean_axis(Axis(1))
        .compute()
        .unwrap()
        .iter()
        .all(|v| v.is_nan()));
    assert!(x
        .var_axis(Axis(1), 0.0)
        .compute()
        .unwrap()
        .iter()
        .all(|v| v.is_nan()));
    assert_eq!(
        x.any_axis(Axis(1)).compute().unwrap(),
        Array::from_elem((3, 4), false)
    );
    assert_eq!(
        x.all_axis(Axis(1)).compute().unwrap(),
        Array::from_elem((3, 4), true)
    );
    assert_eq!(
        x.count_nonzero_axis(Axis(1)).compute().unwrap(),
        Array::<usize, _>::zeros((3, 4))
    );
    for (op, result) in [
        ("min", x.min_axis(Axis(1)).compute().map(|_| ())),
        ("max", x.max_axis(Axis(1)).compute().map(|_| ())),
        ("argmin", x.argmin_axis(Axis(1)).compute().map(|_| ())),
        ("argmax", x.argmax_axis(Axis(1)).compute().map(|_| ())),
    ] {
        match result {
            Err(Error::EmptyReduction { op: o }) => assert_eq!(o, op),
            other => panic!("{op}_axis(1) of shape (3, 0, 4): {other:?}"),
        }
    }
    // Along a non-empty axis of an empty array: an empty result, no error.
    assert_eq!(x.min_axis(Axis(0)).compute().unwrap().shape(), &[0, 4]);
    assert_eq!(x.argmax_axis(Axis(2)).compute().unwrap().shape(), &[3, 0]);
    assert_eq!(x.sum_axis(Axis(0)).compute().unwrap().shape(), &[0, 4]);
    // Along an empty axis when the result is empty as well.
    let y = ChunkedArray::<f64, _>::ones((0, 0), (2, 2)).unwrap();
    assert_eq!(y.min_axis(Axis(0)).compute().unwrap().shape(), &[0]);
}

#[test]
fn axis_out_of_bounds_is_an_error() {
    let x = ChunkedArray::<f64, _>::ones((3, 4), (2, 2)).unwrap();
    for result in [
        x.sum_axis(Axis(2)).compute().map(|_| ()),
        x.argmin_axis(Axis(5)).compute().map(|_| ()),
    ] {
        match result {
            Err(e @ Error::AxisOutOfBounds { .. }) => {
                let msg = e.to_string();
                assert!(msg.contains("axis") && msg.contains('2'), "{msg}");
            }
            other => panic!("expected AxisOutOfBounds, got {other:?}"),
        }
    }
    match x.sum_axis(Axis(2)).compute() {
        Err(Error::AxisOutOfBounds { op, axis, ndim }) => {
            assert_eq!((op, axis, ndim), ("sum_axis", 2, 2));
        }
        other => panic!("expected AxisOutOfBounds, got {other:?}"),
    }
    let d = ChunkedArray::<f64, IxDyn>::ones(IxDyn(&[3, 4]), IxDyn(&[2, 2])).unwrap();
    assert!(matches!(
        d.mean_axis(Axis(3)).compute(),
        Err(Error::AxisOutOfBounds {
            axis: 3,
            ndim: 2,
            ..
        })
    ));
}

#[test]
fn sums_with_infinities_match_ndarray() {
    // An infinity (given, or reached by overflow) is the sum, as in ndarray
    // and numpy; +inf and -inf together give NaN.
    let same = |g: f64, e: f64| g == e || (g.is_nan() && e.is_nan());
    let mut wrong = Vec::new();
    let cases: [&[f64]; 5] = [
        &[1.0, f64::INFINITY, 2.0],
        &[f64::INFINITY],
        &[f64::NEG_INFINITY, -1.0],
        &[f64::INFINITY, f64::NEG_INFINITY],
        &[1e308, 1e308, 1.0],
    ];
    for values in cases {
        let a = Array::from(values.to_vec());
        for chunk in [1, 2, values.len()] {
            let x = ChunkedArray::from_array(a.clone(), chunk).unwrap();
            let got = x.sum().compute().unwrap().into_scalar();
            if !same(got, a.sum()) {
                wrong.push(format!(
                    "sum of {values:?} in chunks of {chunk}: got {got}, expected {}",
                    a.sum()
                ));
            }
            let got = x.mean().compute().unwrap().into_scalar();
            let expected = a.mean().unwrap();
            if !same(got, expected) {
                wrong.push(format!(
                    "mean of {values:?} in chunks of {chunk}: got {got}, expected {expected}"
                ));
            }
        }
    }
    // Along an axis too.
    let m = ndarray::array![[1.0, f64::INFINITY], [2.0, 3.0]];
    for chunks in [(1, 1), (2, 2)] {
        let x = ChunkedArray::from_array(m.clone(), chunks).unwrap();
        for k in 0..2 {
            let got = x.sum_axis(Axis(k)).compute().unwrap();
            let expected = m.sum_axis(Axis(k));
            if !got.iter().zip(&expected).all(|(&g, &e)| same(g, e)) {
                wrong.push(format!(
                    "sum_axis({k}) of {m:?} in chunks {chunks:?}: got {got}, expected {expected}"
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn variance_of_data_with_a_large_mean_keeps_its_precision() {
    let b = Array::from_shape_fn(2000, |i| 1e9 + (i % 4) as f64);
    let y = ChunkedArray::from_array(b.clone(), 300).unwrap();
    assert_eq!(y.var(0.0).compute().unwrap().into_scalar(), 1.25);
    assert_eq!(y.mean().compute().unwrap().into_scalar(), 1e9 + 1.5);
}

#[test]
fn results_do_not_depend_on_threads_or_scheduler() {
    let shape = [30, 50];
    let a = floats(&shape, 52)
        .into_dimensionality::<ndarray::Ix2>()
        .unwrap();
    let x = ChunkedArray::from_array(a.clone(), (4, 6)).unwrap(); // 8 x 9 blocks
                                                                  // The combine tree is fixed by the chunking and `fan_in`: for one
                                                                  // `fan_in`, any number of threads and either scheduler give
                                                                  // bit-identical results.
    for fan_in in [8, 2, 3, 100] {
        let base = Options::default().fan_in(fan_in);
        let reference = (
            x.sum().compute_with(&base).unwrap(),
            x.var(1.0).compute_with(&base).unwrap(),
            x.argmin().compute_with(&base).unwrap(),
            x.sum_axis(Axis(0)).compute_with(&base).unwrap(),
            x.max_axis(Axis(1)).compute_with(&base).unwrap(),
        );
        let what = format!("fan_in {fan_in}");
        assert_close(&reference.0, &arr0(a.sum()), SUM_TOL.0, SUM_TOL.1, &what);
        assert_close(&reference.1, &arr0(a.var(1.0)), VAR_TOL.0, VAR_TOL.1, &what);
        let flat: Vec<f64> = a.iter().copied().collect();
        assert_eq!(
            reference.2.clone().into_scalar(),
            ref_argmin(&flat).unwrap(),
            "{what}"
        );
        assert_close(
            &reference.3,
            &a.sum_axis(Axis(0)),
            SUM_TOL.0,
            SUM_TOL.1,
            &what,
        );
        let maxes = a.map_axis(Axis(1), |l| ref_max(&l.to_vec()).unwrap());
        assert_same(&reference.4, &maxes, &what);
        for o in [
            base.clone().threads(1),
            base.clone().threads(2),
            base.clone().threads(5),
            base.clone().scheduler(Scheduler::Sync),
        ] {
            assert_eq!(x.sum().compute_with(&o).unwrap(), reference.0, "{o:?}");
            assert_eq!(x.var(1.0).compute_with(&o).unwrap(), reference.1, "{o:?}");
            assert_eq!(x.argmin().compute_with(&o).unwrap(), reference.2, "{o:?}");
            assert_eq!(
                x.sum_axis(Axis(0)).compute_with(&o).unwrap(),
                reference.3,
                "{o:?}"
            );
            assert_eq!(
                x.max_axis(Axis(1)).compute_with(&o).unwrap(),
                reference.4,
                "{o:?}"
            );
        }
    }
    match x.sum().compute_with(&Options::default().fan_in(1)) {
        Err(Error::InvalidArgument { argument, reason }) => {
            assert_eq!(argument, "fan_in");
            assert!(reason.contains('1'), "{reason}");
        }
        other => panic!("fan_in(1): {other:?}"),
    }
}

fn together_body<D: RemoveAxis>(case: &Case) {
    let a = typed::<f64, D>(floats(&case.shape, 53));
    let b = typed::<f64, D>(floats(&case.shape, 54));
    let x = chunked(&a, &case.chunks);
    let y = chunked(&b, &case.alt);
    // Reductions of a fused chain of two differently chunked arrays.
    let z = (&x - &y).abs() * 0.5 + 1.0;
    let zr = (&a - &b).mapv(f64::abs) * 0.5 + 1.0;
    let what = |op: &str| ctx::<D>(case, op);
    let (s, m, v, c, any) = ndchunk::compute((
        &z.sum(),
        &z.mean(),
        &z.var(1.0),
        &z.count_nonzero(),
        &z.gt(50.0).any(),
    ))
    .unwrap();
    assert_close(
        &s,
        &arr0(zr.sum()),
        SUM_TOL.0,
        SUM_TOL.1,
        &what("sum (together)"),
    );
    assert_same(
        &s,
        &z.sum().compute().unwrap(),
        &what("sum together vs alone"),
    );
    assert_same(
        &m,
        &z.mean().compute().unwrap(),
        &what("mean together vs alone"),
    );
    assert_same(
        &v,
        &z.var(1.0).compute().unwrap(),
        &what("var together vs alone"),
    );
    assert_eq!(c.into_scalar(), zr.len(), "{}", what("count (together)"));
    assert_eq!(
        any.into_scalar(),
        zr.iter().any(|&v| v > 50.0),
        "{}",
        what("any")
    );
    if !case.is_empty() {
        let (mn, mx, amn, amx) =
            ndchunk::compute((&z.min(), &z.max(), &z.argmin(), &z.argmax())).unwrap();
        assert_eq!(
            mn.into_scalar(),
            ref_min(&zr.iter().copied().collect::<Vec<_>>()).unwrap()
        );
        assert_eq!(
            mx.into_scalar(),
            ref_max(&zr.iter().copied().collect::<Vec<_>>()).unwrap()
        );
        assert_eq!(
            amn.into_scalar(),
            ref_argmin(&zr.iter().copied().collect::<Vec<_>>()).unwrap()
        );
        assert_eq!(
            amx.into_scalar(),
            ref_argmax(&zr.iter().copied().collect::<Vec<_>>()).unwrap()
        );
    }
    for k in 0..case.ndim() {
        let ax = Axis(k);
        let (s, c) = ndchunk::compute((&z.sum_axis(ax), &z.count_nonzero_axis(ax))).unwrap();
        assert_close(
            &s,
            &zr.sum_axis(ax),
            SUM_TOL.0,
            SUM_TOL.1,
            &what("sum_axis (together)"),
        );
        assert_eq!(
            c,
            zr.map_axis(ax, |l| l.len()),
            "{}",
            what("count_nonzero_axis")
        );
        // An axis reduction fed into a whole-array reduction and more ops.
        let total = (z.sum_axis(ax) * 2.0).sum().compute().unwrap();
        assert_close(
            &total,
            &arr0(zr.sum() * 2.0),
            SUM_TOL.0,
            SUM_TOL.1,
            &what("sum of sum_axis"),
        );
    }
}

#[test]
fn several_reductions_of_a_chain_computed_together() {
    for_each_case!(together_body);
}

#[test]
fn zero_dimensional_arrays() {
    let a = arr0(-2.5_f64);
    let x = ChunkedArray::from_array(a.clone(), ()).unwrap();
    assert_eq!(x.sum().compute().unwrap(), a);
    assert_eq!(x.mean().compute().unwrap(), a);
    assert_eq!(x.prod().compute().unwrap(), a);
    assert_eq!(x.min().compute().unwrap(), a);
    assert_eq!(x.max().compute().unwrap(), a);
    assert_eq!(x.argmin().compute().unwrap().into_scalar(), 0);
    assert_eq!(x.argmax().compute().unwrap().into_scalar(), 0);
    assert_eq!(x.var(0.0).compute().unwrap().into_scalar(), 0.0);
    assert!(x.var(1.0).compute().unwrap().into_scalar().is_nan());
    assert!(x.any().compute().unwrap().into_scalar());
    assert_eq!(x.count_nonzero().compute().unwrap().into_scalar(), 1);
    assert_eq!((&x * 2.0).compute().unwrap(), arr0(-5.0));
    // A reduction result is itself a 0-d chunked array.
    let s = ChunkedArray::from_array(ndarray::array![1.0, 2.0, 3.0], 2)
        .unwrap()
        .sum();
    assert_eq!(s.shape(), &[] as &[usize]);
    assert_eq!((&s + 1.0).sum().compute().unwrap().into_scalar(), 7.0);
}

#[test]
fn var_with_ddof_at_least_the_count_is_nan() {
    let x = ChunkedArray::from_array(ndarray::array![1.0_f64, 2.0, 4.0], 2).unwrap();
    assert!(x.var(3.0).compute().unwrap().into_scalar().is_nan());
    assert!(x.std(5.0).compute().unwrap().into_scalar().is_nan());
    let expected = ndarray::array![1.0, 2.0, 4.0].var(2.0);
    assert_eq!(x.var(2.0).compute().unwrap().into_scalar(), expected);
    let m = ChunkedArray::from_array(ndarray::array![[1.0_f64, 2.0], [3.0, 5.0]], (1, 1)).unwrap();
    let v = m.var_axis(Axis(0), 2.0).compute().unwrap();
    assert!(v.iter().all(|v| v.is_nan()), "{v:?}");
    let v = m.var_axis(Axis(1), 1.0).compute().unwrap();
    assert_eq!(v, ndarray::array![0.5, 2.0]);
}
