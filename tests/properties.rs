//! Property tests of the whole engine: random shapes (1-D to 4-D, with
//! size-1 and 0-length axes), random chunkings (uniform block shapes and
//! random per-axis partitions), random chains of elementwise operations and a
//! random reduction, computed lazily with random options and compared with the
//! same chain evaluated eagerly with ndarray.

mod common;

use approx::abs_diff_eq;
use common::{partition, small_shape as shape};
use ndarray::{ArrayD, ArrayViewD, Axis, Dimension, Ix0, IxDyn};
use ndchunk::random::Rng;
use ndchunk::{where_cond, ChunkSpec, ChunkedArray, Chunks, Error, Options, Scheduler};
use proptest::collection::vec;
use proptest::prelude::*;

type Lazy<T> = ChunkedArray<T, IxDyn>;

// ---------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------

/// How an array is cut: a uniform block shape (possibly larger than the
/// axis), or explicit per-axis block lengths.
#[derive(Clone, Debug)]
enum Chunking {
    Uniform(Vec<usize>),
    Explicit(Vec<Vec<usize>>),
}

impl Chunking {
    fn spec(&self) -> ChunkSpec {
        match self {
            Chunking::Uniform(block) => ChunkSpec::from(block.clone()),
            Chunking::Explicit(sizes) => Chunks::from_sizes(sizes.clone()).into(),
        }
    }
}

fn chunking(shape: &[usize]) -> BoxedStrategy<Chunking> {
    let uniform: Vec<_> = shape
        .iter()
        .map(|&n| if n == 0 { 0..=2 } else { 1..=n + 1 })
        .collect();
    let explicit: Vec<_> = shape.iter().map(|&n| partition(n)).collect();
    prop_oneof![
        uniform.prop_map(Chunking::Uniform),
        explicit.prop_map(Chunking::Explicit),
    ]
    .boxed()
}

/// `len` floats: all small integers (many ties, exact sums), all
/// continuous, or a mix.
fn float_values(len: usize) -> impl Strategy<Value = Vec<f64>> {
    let small_int = || (-5i32..=5).prop_map(f64::from);
    prop_oneof![
        vec(small_int(), len),
        vec(-10.0..10.0f64, len),
        vec(prop_oneof![small_int(), -10.0..10.0f64], len),
    ]
}

/// Where the first operand comes from.
#[derive(Clone, Debug)]
enum Base {
    /// `from_array` of the generated values.
    Array,
    /// `from_fn` reading the generated values (not cheap: stored when shared).
    FromFn,
    /// A random draw (its values do not depend on the chunking).
    Random(u64),
}

fn base() -> impl Strategy<Value = Base> {
    prop_oneof![
        Just(Base::Array),
        Just(Base::FromFn),
        any::<u64>().prop_map(Base::Random),
    ]
}

#[derive(Clone, Debug)]
enum FloatOp {
    AddScalar(f64),
    MulScalar(f64),
    /// `+` the second array, chunked differently.
    AddOther,
    /// `x * x`: the same node read twice.
    Square,
    Abs,
    SqrtAbs,
    Neg,
    /// `select(x > 0, x, 0)`.
    Relu,
}

fn float_op() -> impl Strategy<Value = FloatOp> {
    prop_oneof![
        (-3.0..3.0f64).prop_map(FloatOp::AddScalar),
        prop_oneof![(-2i32..=2).prop_map(f64::from), -2.0..2.0f64].prop_map(FloatOp::MulScalar),
        Just(FloatOp::AddOther),
        Just(FloatOp::Square),
        Just(FloatOp::Abs),
        Just(FloatOp::SqrtAbs),
        Just(FloatOp::Neg),
        Just(FloatOp::Relu),
    ]
}

#[derive(Clone, Copy, Debug)]
enum FloatReduction {
    None,
    Sum,
    Mean,
    Max,
    Min,
    Var(f64),
    Std(f64),
    Argmax,
}

fn float_reduction() -> impl Strategy<Value = FloatReduction> {
    prop_oneof![
        Just(FloatReduction::None),
        Just(FloatReduction::Sum),
        Just(FloatReduction::Mean),
        Just(FloatReduction::Max),
        Just(FloatReduction::Min),
        (0i32..=1).prop_map(|d| FloatReduction::Var(f64::from(d))),
        (0i32..=1).prop_map(|d| FloatReduction::Std(f64::from(d))),
        Just(FloatReduction::Argmax),
    ]
}

/// Compute options; none of them may change a result beyond float rounding
/// (and the thread count and scheduler not even that).
#[derive(Clone, Debug)]
struct RunOptions {
    threads: Option<usize>,
    sync: bool,
    fan_in: usize,
}

impl RunOptions {
    fn options(&self) -> Options {
        let mut o = Options::default().fan_in(self.fan_in);
        if let Some(n) = self.threads {
            o = o.threads(n);
        }
        if self.sync {
            o = o.scheduler(Scheduler::Sync);
        }
        o
    }
}

fn run_options() -> impl Strategy<Value = RunOptions> {
    (
        proptest::option::of(1usize..=3),
        any::<bool>(),
        prop_oneof![2usize..=4, Just(8usize)],
    )
        .prop_map(|(threads, sync, fan_in)| RunOptions {
            threads,
            sync,
            fan_in,
        })
}

#[derive(Clone, Debug)]
struct FloatCase {
    shape: Vec<usize>,
    chunks: Chunking,
    other_chunks: Chunking,
    values: Vec<f64>,
    other_values: Vec<f64>,
    base: Base,
    ops: Vec<FloatOp>,
    reduction: FloatReduction,
    /// `None`: over the whole array.
    axis: Option<usize>,
    options: RunOptions,
}

fn float_case() -> impl Strategy<Value = FloatCase> {
    shape().prop_flat_map(|shape| {
        let len: usize = shape.iter().product();
        let ndim = shape.len();
        (
            (
                Just(shape.clone()),
                chunking(&shape),
                chunking(&shape),
                float_values(len),
                float_values(len),
            ),
            (
                base(),
                vec(float_op(), 0..=5),
                float_reduction(),
                proptest::option::of(0..ndim),
                run_options(),
            ),
        )
            .prop_map(
                |(
                    (shape, chunks, other_chunks, values, other_values),
                    (base, ops, reduction, axis, options),
                )| FloatCase {
                    shape,
                    chunks,
                    other_chunks,
                    values,
                    other_values,
                    base,
                    ops,
                    reduction,
                    axis,
                    options,
                },
            )
    })
}

// ---------------------------------------------------------------------------
// Building the lazy and the eager chains
// ---------------------------------------------------------------------------

/// The first operand, lazily, and its values (for a random draw, as computed
/// on its own, with the default options).
fn float_base(case: &FloatCase) -> (Lazy<f64>, ArrayD<f64>) {
    let values = ArrayD::from_shape_vec(IxDyn(&case.shape), case.values.clone()).unwrap();
    match case.base {
        Base::Array => {
            let x = ChunkedArray::from_array(values.clone(), case.chunks.spec()).unwrap();
            (x, values)
        }
        Base::FromFn => {
            let table = values.clone();
            let x = ChunkedArray::from_fn(IxDyn(&case.shape), case.chunks.spec(), move |i| {
                table[i.slice()]
            })
            .unwrap();
            (x, values)
        }
        Base::Random(seed) => {
            let x = Rng::seed(seed)
                .uniform(-5.0_f64, 5.0, IxDyn(&case.shape), case.chunks.spec())
                .unwrap();
            let drawn = x.compute().unwrap();
            assert_eq!(drawn.shape(), &case.shape[..]);
            assert!(drawn.iter().all(|v| (-5.0..5.0).contains(v)));
            (x, drawn)
        }
    }
}

fn lazy_float_op(x: &Lazy<f64>, other: &Lazy<f64>, op: &FloatOp) -> Lazy<f64> {
    match *op {
        FloatOp::AddScalar(s) => x + s,
        FloatOp::MulScalar(s) => x * s,
        FloatOp::AddOther => x + other,
        FloatOp::Square => x * x,
        FloatOp::Abs => x.mapv(f64::abs),
        FloatOp::SqrtAbs => x.abs().sqrt(),
        FloatOp::Neg => -x,
        FloatOp::Relu => where_cond(&x.gt(0.0), x, 0.0),
    }
}

fn eager_float_op(x: &ArrayD<f64>, other: &ArrayD<f64>, op: &FloatOp) -> ArrayD<f64> {
    match *op {
        FloatOp::AddScalar(s) => x.mapv(|v| v + s),
        FloatOp::MulScalar(s) => x.mapv(|v| v * s),
        FloatOp::AddOther => x + other,
        FloatOp::Square => x * x,
        FloatOp::Abs => x.mapv(f64::abs),
        FloatOp::SqrtAbs => x.mapv(|v| v.abs().sqrt()),
        FloatOp::Neg => x.mapv(|v| -v),
        FloatOp::Relu => x.mapv(|v| if v > 0.0 { v } else { 0.0 }),
    }
}

/// The lazy chain and its eager counterpart.
fn float_chain(case: &FloatCase) -> (Lazy<f64>, ArrayD<f64>) {
    let (mut lazy, mut eager) = float_base(case);
    let other_values =
        ArrayD::from_shape_vec(IxDyn(&case.shape), case.other_values.clone()).unwrap();
    let other = ChunkedArray::from_array(other_values.clone(), case.other_chunks.spec()).unwrap();
    for op in &case.ops {
        lazy = lazy_float_op(&lazy, &other, op);
        eager = eager_float_op(&eager, &other_values, op);
    }
    (lazy, eager)
}

// ---------------------------------------------------------------------------
// Eager reductions, with the tolerance each result may have
// ---------------------------------------------------------------------------

/// An expected result: values, and per value the allowed absolute error
/// (0: exact).
struct Expected {
    values: ArrayD<f64>,
    tolerance: ArrayD<f64>,
}

/// What reducing one lane gives: `None` when the reduction has no value
/// (min of nothing), else (value, tolerance).
fn reduce_lane(lane: ArrayViewD<'_, f64>, r: FloatReduction) -> Option<(f64, f64)> {
    let n = lane.len();
    let abs_sum: f64 = lane.iter().map(|v| v.abs()).sum();
    let sum: f64 = lane.iter().sum();
    // Both sides are accurate to far better than this for <= 2500 elements.
    let sum_tol = 1e-11 * abs_sum;
    let first_extreme = |better: fn(f64, f64) -> bool| {
        let mut best: Option<(f64, usize)> = None;
        for (i, &v) in lane.iter().enumerate() {
            match best {
                Some((b, _)) if !better(v, b) => {}
                _ => best = Some((v, i)),
            }
        }
        best
    };
    match r {
        FloatReduction::None => unreachable!("no reduction"),
        FloatReduction::Sum => Some((sum, sum_tol)),
        FloatReduction::Mean => Some((sum / n as f64, sum_tol / n as f64)),
        FloatReduction::Max => first_extreme(|v, b| v > b).map(|(v, _)| (v, 0.0)),
        FloatReduction::Min => first_extreme(|v, b| v < b).map(|(v, _)| (v, 0.0)),
        FloatReduction::Argmax => first_extreme(|v, b| v > b).map(|(_, i)| (i as f64, 0.0)),
        FloatReduction::Var(ddof) | FloatReduction::Std(ddof) => {
            let dof = n as f64 - ddof;
            if n == 0 || dof <= 0.0 {
                return Some((f64::NAN, 0.0));
            }
            let mean = sum / n as f64;
            let m2: f64 = lane.iter().map(|v| (v - mean) * (v - mean)).sum();
            let squares: f64 = lane.iter().map(|v| v * v).sum();
            let var = m2 / dof;
            let var_tol = 1e-10 * squares / dof + 1e-300;
            if let FloatReduction::Std(_) = r {
                // |sqrt(a) - sqrt(b)| <= sqrt(|a - b|).
                Some((var.sqrt(), var_tol.sqrt()))
            } else {
                Some((var, var_tol))
            }
        }
    }
}

/// The eager result of reducing `x`, or `Err(())` when the reduction must
/// fail with `EmptyReduction`.
fn eager_reduce(x: &ArrayD<f64>, r: FloatReduction, axis: Option<usize>) -> Result<Expected, ()> {
    if let FloatReduction::None = r {
        return Ok(Expected {
            values: x.clone(),
            tolerance: ArrayD::zeros(x.raw_dim()),
        });
    }
    let lanes: ArrayD<Option<(f64, f64)>> = match axis {
        None => ArrayD::from_elem(IxDyn(&[]), reduce_lane(x.view(), r)),
        Some(k) => x.map_axis(Axis(k), |lane| reduce_lane(lane.into_dyn(), r)),
    };
    if lanes.iter().any(Option::is_none) {
        return Err(());
    }
    Ok(Expected {
        values: lanes.mapv(|l| l.unwrap().0),
        tolerance: lanes.mapv(|l| l.unwrap().1),
    })
}

/// The lazy reduction, computed, as floats.
fn lazy_reduce(
    x: &Lazy<f64>,
    r: FloatReduction,
    axis: Option<usize>,
    options: &Options,
) -> Result<ArrayD<f64>, Error> {
    let run = |y: Lazy<f64>| y.compute_with(options);
    let run_index = |y: Lazy<usize>| y.compute_with(options).map(|a| a.mapv(|i| i as f64));
    let run0 = |y: ChunkedArray<f64, Ix0>| y.compute_with(options).map(|a| a.into_dyn());
    let run0_index = |y: ChunkedArray<usize, Ix0>| {
        y.compute_with(options)
            .map(|a| a.mapv(|i| i as f64).into_dyn())
    };
    match (r, axis) {
        (FloatReduction::None, _) => run(x.clone()),
        (FloatReduction::Sum, None) => run0(x.sum()),
        (FloatReduction::Mean, None) => run0(x.mean()),
        (FloatReduction::Max, None) => run0(x.max()),
        (FloatReduction::Min, None) => run0(x.min()),
        (FloatReduction::Var(d), None) => run0(x.var(d)),
        (FloatReduction::Std(d), None) => run0(x.std(d)),
        (FloatReduction::Argmax, None) => run0_index(x.argmax()),
        (FloatReduction::Sum, Some(k)) => run(x.sum_axis(Axis(k))),
        (FloatReduction::Mean, Some(k)) => run(x.mean_axis(Axis(k))),
        (FloatReduction::Max, Some(k)) => run(x.max_axis(Axis(k))),
        (FloatReduction::Min, Some(k)) => run(x.min_axis(Axis(k))),
        (FloatReduction::Var(d), Some(k)) => run(x.var_axis(Axis(k), d)),
        (FloatReduction::Std(d), Some(k)) => run(x.std_axis(Axis(k), d)),
        (FloatReduction::Argmax, Some(k)) => run_index(x.argmax_axis(Axis(k))),
    }
}

fn check_close(got: &ArrayD<f64>, expected: &Expected) {
    assert_eq!(got.shape(), expected.values.shape(), "result shape");
    for ((g, w), t) in got.iter().zip(&expected.values).zip(&expected.tolerance) {
        if w.is_nan() {
            assert!(g.is_nan(), "got {g}, expected NaN");
        } else if *t == 0.0 {
            assert_eq!(g, w, "exact result");
        } else {
            assert!(
                abs_diff_eq!(*g, *w, epsilon = *t),
                "got {g}, expected {w} within {t}"
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Integer chains: everything exact
// ---------------------------------------------------------------------------

#[derive(Clone, Debug)]
enum IntOp {
    AddScalar(i64),
    MulScalar(i64),
    AddOther,
    SubOther,
    Neg,
    Abs,
    ClipPositive,
}

fn int_op() -> impl Strategy<Value = IntOp> {
    prop_oneof![
        (-5i64..=5).prop_map(IntOp::AddScalar),
        (-3i64..=3).prop_map(IntOp::MulScalar),
        Just(IntOp::AddOther),
        Just(IntOp::SubOther),
        Just(IntOp::Neg),
        Just(IntOp::Abs),
        Just(IntOp::ClipPositive),
    ]
}

#[derive(Clone, Copy, Debug)]
enum IntReduction {
    Sum,
    Min,
    Max,
    Argmin,
    Argmax,
    CountNonzero,
}

fn int_reduction() -> impl Strategy<Value = IntReduction> {
    prop_oneof![
        Just(IntReduction::Sum),
        Just(IntReduction::Min),
        Just(IntReduction::Max),
        Just(IntReduction::Argmin),
        Just(IntReduction::Argmax),
        Just(IntReduction::CountNonzero),
    ]
}

#[derive(Clone, Debug)]
struct IntCase {
    shape: Vec<usize>,
    chunks: Chunking,
    other_chunks: Chunking,
    values: Vec<i64>,
    other_values: Vec<i64>,
    ops: Vec<IntOp>,
    reduction: IntReduction,
    axis: Option<usize>,
    options: RunOptions,
}

fn int_case() -> impl Strategy<Value = IntCase> {
    shape().prop_flat_map(|shape| {
        let len: usize = shape.iter().product();
        let ndim = shape.len();
        (
            (
                Just(shape.clone()),
                chunking(&shape),
                chunking(&shape),
                vec(-20i64..=20, len),
                vec(-20i64..=20, len),
            ),
            (
                vec(int_op(), 0..=5),
                int_reduction(),
                proptest::option::of(0..ndim),
                run_options(),
            ),
        )
            .prop_map(
                |(
                    (shape, chunks, other_chunks, values, other_values),
                    (ops, reduction, axis, options),
                )| IntCase {
                    shape,
                    chunks,
                    other_chunks,
                    values,
                    other_values,
                    ops,
                    reduction,
                    axis,
                    options,
                },
            )
    })
}

fn lazy_int_op(x: &Lazy<i64>, other: &Lazy<i64>, op: &IntOp) -> Lazy<i64> {
    match *op {
        IntOp::AddScalar(s) => x + s,
        IntOp::MulScalar(s) => x * s,
        IntOp::AddOther => x + other,
        IntOp::SubOther => x - other,
        IntOp::Neg => -x,
        IntOp::Abs => x.mapv(i64::abs),
        IntOp::ClipPositive => x.clip(0, i64::MAX),
    }
}

fn eager_int_op(x: &ArrayD<i64>, other: &ArrayD<i64>, op: &IntOp) -> ArrayD<i64> {
    match *op {
        IntOp::AddScalar(s) => x.mapv(|v| v + s),
        IntOp::MulScalar(s) => x.mapv(|v| v * s),
        IntOp::AddOther => x + other,
        IntOp::SubOther => x - other,
        IntOp::Neg => x.mapv(|v| -v),
        IntOp::Abs => x.mapv(i64::abs),
        IntOp::ClipPositive => x.mapv(|v| v.max(0)),
    }
}

/// The eager integer reduction of one lane (`None`: no value).
fn int_lane(lane: ArrayViewD<'_, i64>, r: IntReduction) -> Option<i64> {
    let first = |better: fn(i64, i64) -> bool| {
        let mut best: Option<(i64, usize)> = None;
        for (i, &v) in lane.iter().enumerate() {
            match best {
                Some((b, _)) if !better(v, b) => {}
                _ => best = Some((v, i)),
            }
        }
        best
    };
    match r {
        IntReduction::Sum => Some(lane.sum()),
        IntReduction::Min => first(|v, b| v < b).map(|(v, _)| v),
        IntReduction::Max => first(|v, b| v > b).map(|(v, _)| v),
        IntReduction::Argmin => first(|v, b| v < b).map(|(_, i)| i as i64),
        IntReduction::Argmax => first(|v, b| v > b).map(|(_, i)| i as i64),
        IntReduction::CountNonzero => Some(lane.iter().filter(|&&v| v != 0).count() as i64),
    }
}

fn lazy_int_reduce(
    x: &Lazy<i64>,
    r: IntReduction,
    axis: Option<usize>,
    options: &Options,
) -> Result<ArrayD<i64>, Error> {
    let run = |y: Lazy<i64>| y.compute_with(options);
    let run_index = |y: Lazy<usize>| y.compute_with(options).map(|a| a.mapv(|i| i as i64));
    let run0 = |y: ChunkedArray<i64, Ix0>| y.compute_with(options).map(|a| a.into_dyn());
    let run0_index = |y: ChunkedArray<usize, Ix0>| {
        y.compute_with(options)
            .map(|a| a.mapv(|i| i as i64).into_dyn())
    };
    match (r, axis) {
        (IntReduction::Sum, None) => run0(x.sum()),
        (IntReduction::Min, None) => run0(x.min()),
        (IntReduction::Max, None) => run0(x.max()),
        (IntReduction::Argmin, None) => run0_index(x.argmin()),
        (IntReduction::Argmax, None) => run0_index(x.argmax()),
        (IntReduction::CountNonzero, None) => run0_index(x.count_nonzero()),
        (IntReduction::Sum, Some(k)) => run(x.sum_axis(Axis(k))),
        (IntReduction::Min, Some(k)) => run(x.min_axis(Axis(k))),
        (IntReduction::Max, Some(k)) => run(x.max_axis(Axis(k))),
        (IntReduction::Argmin, Some(k)) => run_index(x.argmin_axis(Axis(k))),
        (IntReduction::Argmax, Some(k)) => run_index(x.argmax_axis(Axis(k))),
        (IntReduction::CountNonzero, Some(k)) => run_index(x.count_nonzero_axis(Axis(k))),
    }
}

// ---------------------------------------------------------------------------
// Small integers: summed in 64 bits
// ---------------------------------------------------------------------------

/// Values of a small integer type, drawn over its whole range (extremes
/// included), so that sums in the type itself would wrap.
#[derive(Clone, Debug)]
enum SmallInts {
    U8(Vec<u8>),
    I32(Vec<i32>),
    U32(Vec<u32>),
    Bool(Vec<bool>),
}

fn small_ints(len: usize) -> impl Strategy<Value = SmallInts> {
    let i32s = prop_oneof![Just(i32::MIN), Just(i32::MAX), any::<i32>()];
    prop_oneof![
        vec(any::<u8>(), len).prop_map(SmallInts::U8),
        vec(i32s, len).prop_map(SmallInts::I32),
        vec(prop_oneof![Just(u32::MAX), any::<u32>()], len).prop_map(SmallInts::U32),
        vec(any::<bool>(), len).prop_map(SmallInts::Bool),
    ]
}

#[derive(Clone, Debug)]
struct SmallIntCase {
    shape: Vec<usize>,
    chunks: Chunking,
    values: SmallInts,
    axis: usize,
    options: RunOptions,
}

fn small_int_case() -> impl Strategy<Value = SmallIntCase> {
    shape().prop_flat_map(|shape| {
        let len: usize = shape.iter().product();
        let ndim = shape.len();
        (
            Just(shape.clone()),
            chunking(&shape),
            small_ints(len),
            0..ndim,
            run_options(),
        )
            .prop_map(|(shape, chunks, values, axis, options)| SmallIntCase {
                shape,
                chunks,
                values,
                axis,
                options,
            })
    })
}

/// `sum`, `sum_axis`, `cumsum_axis` (exact) and `mean` (as f64) of `values`
/// chunked as the case says, against the eager results in the sum type `S`.
fn check_small_ints<T, S>(case: &SmallIntCase, values: &[T]) -> Result<(), TestCaseError>
where
    T: ndchunk::element::Accumulate<Sum = S, Mean = f64> + std::fmt::Debug,
    S: ndchunk::element::Accumulator + std::fmt::Debug + PartialEq + std::iter::Sum,
{
    let eager = ArrayD::from_shape_vec(IxDyn(&case.shape), values.to_vec()).unwrap();
    let wide = eager.mapv(T::to_sum);
    let lazy = ChunkedArray::from_array(eager.clone(), case.chunks.spec()).unwrap();
    let (options, k) = (case.options.options(), case.axis);
    let sum = lazy.sum().compute_with(&options).unwrap().into_scalar();
    prop_assert_eq!(sum, wide.iter().copied().sum::<S>());
    let sums = lazy.sum_axis(Axis(k)).compute_with(&options).unwrap();
    prop_assert_eq!(
        sums,
        wide.map_axis(Axis(k), |lane| lane.iter().copied().sum::<S>())
    );
    let mut scanned = wide.clone();
    scanned.accumulate_axis_inplace(Axis(k), |&prev, cur| {
        let (s, overflow) = prev.overflowing_add(*cur);
        assert!(!overflow, "at most 40 small values fit in 64 bits");
        *cur = s;
    });
    prop_assert_eq!(
        lazy.cumsum_axis(Axis(k)).compute_with(&options).unwrap(),
        scanned
    );
    let mean = lazy.mean().compute_with(&options).unwrap().into_scalar();
    let exact = eager.mapv(T::to_mean).mean().unwrap_or(f64::NAN);
    prop_assert!(
        mean == exact
            || (mean - exact).abs() <= 1e-12 * exact.abs()
            || (mean.is_nan() && exact.is_nan()),
        "mean {} vs {}",
        mean,
        exact
    );
    Ok(())
}

/// Bits of every value of every array, for bitwise comparison.
fn bits(arrays: &[&ArrayD<f64>]) -> Vec<Vec<u64>> {
    arrays
        .iter()
        .map(|a| a.iter().map(|v| v.to_bits()).collect())
        .collect()
}

// ---------------------------------------------------------------------------
// The properties
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// A random float chain and reduction equals the eager evaluation:
    /// elementwise results, min, max and argmax exactly, sums, means and
    /// variances within a tight tolerance; reductions without a value give
    /// `EmptyReduction`.
    #[test]
    fn float_chain_matches_ndarray(case in float_case()) {
        let (lazy, eager) = float_chain(&case);
        prop_assert_eq!(lazy.shape(), &case.shape[..]);
        let got = lazy_reduce(&lazy, case.reduction, case.axis, &case.options.options());
        match eager_reduce(&eager, case.reduction, case.axis) {
            Ok(expected) => check_close(&got.expect("compute"), &expected),
            Err(()) => prop_assert!(
                matches!(got, Err(Error::EmptyReduction { .. })),
                "expected EmptyReduction, got {:?}",
                got
            ),
        }
    }

    /// The same for integers, where every result is exact.
    #[test]
    fn int_chain_matches_ndarray(case in int_case()) {
        let values = ArrayD::from_shape_vec(IxDyn(&case.shape), case.values.clone()).unwrap();
        let other_values =
            ArrayD::from_shape_vec(IxDyn(&case.shape), case.other_values.clone()).unwrap();
        let mut lazy = ChunkedArray::from_array(values.clone(), case.chunks.spec()).unwrap();
        let other = ChunkedArray::from_array(other_values.clone(), case.other_chunks.spec()).unwrap();
        let mut eager = values;
        for op in &case.ops {
            lazy = lazy_int_op(&lazy, &other, op);
            eager = eager_int_op(&eager, &other_values, op);
        }
        let options = case.options.options();
        prop_assert_eq!(&lazy.compute_with(&options).unwrap(), &eager);
        let got = lazy_int_reduce(&lazy, case.reduction, case.axis, &options);
        let lanes: ArrayD<Option<i64>> = match case.axis {
            None => ArrayD::from_elem(IxDyn(&[]), int_lane(eager.view(), case.reduction)),
            Some(k) => eager.map_axis(Axis(k), |lane| int_lane(lane.into_dyn(), case.reduction)),
        };
        if lanes.iter().any(Option::is_none) {
            prop_assert!(
                matches!(got, Err(Error::EmptyReduction { .. })),
                "expected EmptyReduction, got {:?}",
                got
            );
        } else {
            prop_assert_eq!(got.expect("compute"), lanes.mapv(Option::unwrap));
        }
    }

    /// Small integers (and bools) summed over any chunking give the eager
    /// sum in 64 bits, exactly: what wraps in the element type does not
    /// here (numpy's rule); their mean is the f64 mean.
    #[test]
    fn small_integer_sums_equal_the_eager_64_bit_sums(case in small_int_case()) {
        match &case.values {
            SmallInts::U8(v) => check_small_ints::<u8, u64>(&case, v)?,
            SmallInts::I32(v) => check_small_ints::<i32, i64>(&case, v)?,
            SmallInts::U32(v) => check_small_ints::<u32, u64>(&case, v)?,
            SmallInts::Bool(v) => check_small_ints::<bool, i64>(&case, v)?,
        }
    }

    /// Computing several results together gives bit-for-bit the values each
    /// gives alone, and neither the thread count nor the scheduler changes a
    /// bit (for a fixed fan-in).
    #[test]
    fn joint_compute_is_bitwise_identical_to_separate(case in float_case()) {
        let (y, _) = float_chain(&case);
        let k = case.axis.unwrap_or(0);
        let fan_in = case.options.fan_in;
        let options = case.options.options();
        let (all, sum, mean, var, sum_axis) = ndchunk::compute_with(
            (&y, &y.sum(), &y.mean(), &y.var(1.0), &y.sum_axis(Axis(k))),
            &options,
        )
        .unwrap();
        let joint = bits(&[&all, &sum.into_dyn(), &mean.into_dyn(), &var.into_dyn(), &sum_axis]);
        let alone = bits(&[
            &y.compute_with(&options).unwrap(),
            &y.sum().compute_with(&options).unwrap().into_dyn(),
            &y.mean().compute_with(&options).unwrap().into_dyn(),
            &y.var(1.0).compute_with(&options).unwrap().into_dyn(),
            &y.sum_axis(Axis(k)).compute_with(&options).unwrap(),
        ]);
        prop_assert_eq!(&joint, &alone);
        for other in [
            Options::default().fan_in(fan_in).threads(1),
            Options::default().fan_in(fan_in).threads(3),
            Options::default().fan_in(fan_in).scheduler(Scheduler::Sync),
        ] {
            let (all, sum, mean, var, sum_axis) = ndchunk::compute_with(
                (&y, &y.sum(), &y.mean(), &y.var(1.0), &y.sum_axis(Axis(k))),
                &other,
            )
            .unwrap();
            let again =
                bits(&[&all, &sum.into_dyn(), &mean.into_dyn(), &var.into_dyn(), &sum_axis]);
            prop_assert_eq!(&again, &joint, "options {:?}", other);
        }
    }

    /// Rechunking changes no value: the same data under two chunkings gives
    /// the same elements and extremes exactly, and sums within rounding.
    #[test]
    fn chunking_does_not_change_values(case in float_case()) {
        let values = ArrayD::from_shape_vec(IxDyn(&case.shape), case.values.clone()).unwrap();
        let a = ChunkedArray::from_array(values.clone(), case.chunks.spec()).unwrap();
        let b = ChunkedArray::from_array(values.clone(), case.other_chunks.spec()).unwrap();
        let (fa, fb) = ((&a * 3.0 - 1.0).abs(), (&b * 3.0 - 1.0).abs());
        let (ea, eb, mixed) = ndchunk::compute((&fa, &fb, &(&fa - &fb))).unwrap();
        prop_assert_eq!(&ea, &eb);
        prop_assert!(mixed.iter().all(|&v| v == 0.0));
        let (sa, sb) = ndchunk::compute((&fa.sum(), &fb.sum())).unwrap();
        let tol = 1e-11 * ea.sum();
        prop_assert!(abs_diff_eq!(sa.into_scalar(), sb.into_scalar(), epsilon = tol));
        if !values.is_empty() {
            let (ma, mb, ia, ib) =
                ndchunk::compute((&fa.max(), &fb.max(), &fa.argmax(), &fb.argmax())).unwrap();
            prop_assert_eq!(ma, mb);
            prop_assert_eq!(ia, ib);
        }
    }
}

/// The smallest case of the tie rule the properties check: the first
/// extreme in C order wins even when a later block of the grid holds it.
/// Here block (0, 0) is column 0 (flat indices 0 and 2) and block (0, 1) is
/// column 1 (flat indices 1 and 3); the maximum 5 is at flat 1 and flat 2.
#[test]
fn whole_array_arg_extremes_break_ties_in_c_order() {
    let a = ndarray::array![[0.0, 5.0], [5.0, 0.0]];
    let x = ChunkedArray::from_array(a.clone(), (2, 1)).unwrap();
    assert_eq!(x.argmax().compute().unwrap().into_scalar(), 1);
    assert_eq!(x.argmin().compute().unwrap().into_scalar(), 0);
    let x = ChunkedArray::from_array(-a, (2, 1)).unwrap();
    assert_eq!(x.argmin().compute().unwrap().into_scalar(), 1);
    let b = ndarray::array![[7_i64, 1, 1], [1, 7, 7]];
    let y = ChunkedArray::from_array(b, (1, 2)).unwrap();
    // Block (0, 1) holds flat 2, block (1, 0) holds flat 3 and 4.
    assert_eq!(y.argmin().compute().unwrap().into_scalar(), 1);
    assert_eq!(y.argmax().compute().unwrap().into_scalar(), 0);
    let z =
        ChunkedArray::from_array(ndarray::array![[1_i64, 1, 0, 9], [9, 0, 1, 1]], (2, 2)).unwrap();
    assert_eq!(z.argmax().compute().unwrap().into_scalar(), 3);
    assert_eq!(z.argmin().compute().unwrap().into_scalar(), 2);
}
