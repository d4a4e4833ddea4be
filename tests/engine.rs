//! Engine-level integration tests: determinism across thread counts and
//! schedulers, pinned random values and their statistics, shared work running
//! once, failures as values, the plan pictures, persist, and large graphs.

use ndchunk::prelude::*;
use ndchunk::random::Rng;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

type R<T = ()> = Result<T, Error>;

fn bits<D: ndarray::Dimension>(a: &Array<f64, D>) -> Vec<u64> {
    a.iter().map(|v| v.to_bits()).collect()
}

/// Every way of running: the default pool, pools of 1, 2 and 8 threads, and
/// the synchronous scheduler.
fn all_options() -> Vec<Options> {
    vec![
        Options::default(),
        Options::default().threads(1),
        Options::default().threads(2),
        Options::default().threads(8),
        Options::default().scheduler(Scheduler::Sync),
        Options::default().threads(3).scheduler(Scheduler::Sync),
    ]
}

/// An irregularly chunked random array.
fn irregular_normal(seed: u64) -> R<ChunkedArray<f64, Ix2>> {
    let chunks = Chunks::from_sizes(vec![vec![50, 1, 125, 166, 158], vec![7, 250, 100, 20]]);
    Rng::seed(seed).standard_normal((500, 377), chunks)
}

// ---------------------------------------------------------------------------
// Determinism
// ---------------------------------------------------------------------------

/// All the results of one run, as bits.
fn fingerprint(x: &ChunkedArray<f64, Ix2>, options: &Options) -> R<Vec<Vec<u64>>> {
    let y = (x * 3.0 + 1.0).mapv(f64::abs);
    let (sum, mean, var, std, argmax, rows, cols, ysum) = ndchunk::compute_with(
        (
            &x.sum(),
            &x.mean(),
            &x.var(1.0),
            &x.std(0.0),
            &x.argmax(),
            &x.sum_axis(Axis(0)),
            &x.sum_axis(Axis(1)),
            &y.sum(),
        ),
        options,
    )?;
    Ok(vec![
        bits(&sum),
        bits(&mean),
        bits(&var),
        bits(&std),
        vec![argmax.into_scalar() as u64],
        bits(&rows),
        bits(&cols),
        bits(&ysum),
        bits(&x.var_axis(Axis(1), 0.0).compute_with(options)?),
        bits(&y.mean_axis(Axis(0)).compute_with(options)?),
    ])
}

#[test]
fn reductions_are_bitwise_identical_across_threads_schedulers_and_runs() -> R {
    let x = irregular_normal(2024)?;
    let reference = fingerprint(&x, &Options::default().threads(1))?;
    for options in all_options() {
        for run in 0..3 {
            let again = fingerprint(&x, &options)?;
            assert_eq!(again, reference, "{options:?}, run {run}");
        }
    }
    // Each result alone equals the same result computed with the others.
    let alone = [
        bits(&x.sum().compute_with(&Options::default().threads(8))?),
        bits(&x.var(1.0).compute_with(&Options::default().threads(2))?),
        bits(&x.sum_axis(Axis(1)).compute()?),
    ];
    assert_eq!(alone[0], reference[0]);
    assert_eq!(alone[1], reference[2]);
    assert_eq!(alone[2], reference[6]);
    Ok(())
}

#[test]
fn random_values_are_identical_across_threads_and_schedulers() -> R {
    let x = irregular_normal(99)?;
    let reference = bits(&x.compute_with(&Options::default().threads(1))?);
    assert_eq!(reference.len(), 500 * 377);
    for options in all_options() {
        assert_eq!(bits(&x.compute_with(&options)?), reference, "{options:?}");
    }
    // A new generator with the same seed and the same draws gives them again.
    let again = irregular_normal(99)?;
    assert_eq!(
        bits(&again.compute_with(&Options::default().threads(8))?),
        reference
    );
    // A different seed does not.
    assert_ne!(bits(&irregular_normal(100)?.compute()?), reference);
    Ok(())
}

#[test]
fn extremes_do_not_depend_on_the_combine_fan_in() -> R {
    let x = irregular_normal(5)?;
    let mut seen = Vec::new();
    for fan_in in [2, 3, 8, 100] {
        for threads in [1, 8] {
            let options = Options::default().fan_in(fan_in).threads(threads);
            let (min, max, argmin, argmax, amax0) = ndchunk::compute_with(
                (
                    &x.min(),
                    &x.max(),
                    &x.argmin(),
                    &x.argmax(),
                    &x.argmax_axis(Axis(0)),
                ),
                &options,
            )?;
            let sum = x.sum().compute_with(&options)?.into_scalar();
            assert!(sum.abs() < 5.0 * (500.0 * 377.0_f64).sqrt(), "sum {sum}");
            seen.push((
                min.into_scalar().to_bits(),
                max.into_scalar().to_bits(),
                argmin.into_scalar(),
                argmax.into_scalar(),
                amax0,
            ));
        }
    }
    assert!(seen.windows(2).all(|w| w[0] == w[1]), "{seen:?}");
    // And they are the right ones.
    let a = x.compute()?;
    let flat: Vec<f64> = a.iter().copied().collect();
    let (imax, vmax) =
        flat.iter().enumerate().fold(
            (0, f64::NEG_INFINITY),
            |b, (i, &v)| if v > b.1 { (i, v) } else { b },
        );
    assert_eq!(seen[0].1, vmax.to_bits());
    assert_eq!(seen[0].3, imax);
    Ok(())
}

// ---------------------------------------------------------------------------
// Pinned random values and their statistics
// ---------------------------------------------------------------------------

const INTEGERS: [i64; 4] = [18, 7, 83, 6];

#[test]
fn golden_random_values() -> R {
    let rng = Rng::seed(42);
    let normal = rng.standard_normal(4, 2)?;
    let uniform = rng.uniform(0.0_f64, 1.0, 3, 3)?;
    let integers = rng.integers(0_i64, 100, 4, 4)?;
    // Pinned: if these change, every random array of every user changes.
    assert_eq!(
        bits(&normal.compute()?),
        [
            13816466108800904686,
            13824107357196396878,
            13828705466923080998,
            13818003770945972773
        ]
    );
    // Computed independently with randomgen's Philox (numpy ecosystem):
    // block (j, 0, 1) = Philox(key=42, counter=j + (1 << 96) - 1, number=4,
    // width=32).random_raw(4); element i takes w0 | w1 << 32 of block i // 2
    // when even, w2 | w3 << 32 when odd, as rand's uniform in [0, 1).
    assert_eq!(
        bits(&uniform.compute()?),
        [
            4603524326506104946,
            4605246502114853694,
            4600045334159679840
        ]
    );
    assert_eq!(integers.compute()?.to_vec(), INTEGERS);
    // The same on any thread count, computed in any order, and again.
    for options in all_options() {
        let (i, u, n) = ndchunk::compute_with((&integers, &uniform, &normal), &options)?;
        assert_eq!(i.to_vec(), INTEGERS);
        assert_eq!(bits(&u)[0], 4603524326506104946);
        assert_eq!(bits(&n)[3], 13818003770945972773);
    }
    Ok(())
}

fn moments(a: &Array1<f64>) -> (f64, f64) {
    let n = a.len() as f64;
    let mean = a.sum() / n;
    let var = a.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
    (mean, var.sqrt())
}

const N: usize = 1_000_000;

#[test]
fn standard_normal_statistics() -> R {
    let x = Rng::seed(7).standard_normal(N, 65_536)?;
    let (mean, std, min, max, within1, beyond3) = ndchunk::compute((
        &x.mean(),
        &x.std(0.0),
        &x.min(),
        &x.max(),
        &x.abs().lt(1.0).count_nonzero(),
        &x.abs().gt(3.0).count_nonzero(),
    ))?;
    let (mean, std) = (mean.into_scalar(), std.into_scalar());
    // Five standard errors.
    assert!(mean.abs() < 0.005, "mean {mean}");
    assert!((std - 1.0).abs() < 0.004, "std {std}");
    let within1 = within1.into_scalar() as f64 / N as f64;
    assert!(
        (within1 - 0.682_689).abs() < 0.0025,
        "P(|x| < 1) = {within1}"
    );
    let beyond3 = beyond3.into_scalar() as f64 / N as f64;
    assert!(
        (beyond3 - 0.002_700).abs() < 0.000_3,
        "P(|x| > 3) = {beyond3}"
    );
    let (min, max) = (min.into_scalar(), max.into_scalar());
    assert!(min < -4.0 && min > -6.5, "min {min}");
    assert!(max > 4.0 && max < 6.5, "max {max}");
    // Third and fourth moments: skewness 0, kurtosis 3.
    let (m3, m4) = ndchunk::compute((&x.powi(3).mean(), &x.powi(4).mean()))?;
    assert!(m3[()].abs() < 0.02, "E[x^3] = {m3}");
    assert!((m4[()] - 3.0).abs() < 0.05, "E[x^4] = {m4}");
    // The engine's moments agree with plain ones over the computed values.
    let values = x.compute()?;
    let (m, s) = moments(&values);
    assert!((m - mean).abs() < 1e-12 && (s - std).abs() < 1e-12);
    // Neighbours are uncorrelated, also across block boundaries, and blocks
    // are not copies of each other.
    let lag1: f64 = values
        .windows(2)
        .into_iter()
        .map(|w| (w[0] - m) * (w[1] - m))
        .sum::<f64>()
        / ((N - 1) as f64 * s * s);
    assert!(lag1.abs() < 0.005, "lag-1 correlation {lag1}");
    let blocks: Vec<_> = values.exact_chunks(65_536).into_iter().collect();
    for pair in blocks.windows(2) {
        let r: f64 = pair[0]
            .iter()
            .zip(pair[1].iter())
            .map(|(a, b)| a * b)
            .sum::<f64>()
            / 65_536.0;
        assert!(r.abs() < 0.02, "correlation of consecutive blocks {r}");
    }
    Ok(())
}

#[test]
fn normal_statistics_and_independent_draws() -> R {
    let rng = Rng::seed(11);
    let x = rng.normal(10.0, 3.0, (1000, 1000), (300, 256))?;
    let y = rng.normal(10.0, 3.0, (1000, 1000), (300, 256))?;
    let (mx, sx, my, cross) = ndchunk::compute((
        &x.mean(),
        &x.std(1.0),
        &y.mean(),
        &((&x - 10.0) * (&y - 10.0)).mean(),
    ))?;
    assert!((mx[()] - 10.0).abs() < 0.015, "mean {mx}");
    assert!((my[()] - 10.0).abs() < 0.015, "mean {my}");
    assert!((sx[()] - 3.0).abs() < 0.011, "std {sx}");
    // Two draws of one generator are independent: E[(x-10)(y-10)] = 0 with
    // standard error 9 / 1000.
    assert!(cross[()].abs() < 0.045, "covariance {cross}");
    assert_ne!(x.compute()?, y.compute()?);
    // std = 0 is a constant array.
    let c = Rng::seed(1).normal(2.5, 0.0, 100, 30)?.compute()?;
    assert!(c.iter().all(|&v| v == 2.5));
    Ok(())
}

#[test]
fn uniform_statistics() -> R {
    let x = Rng::seed(12).uniform(-2.0_f64, 5.0, N, 100_000)?;
    let (min, max, mean, var) = ndchunk::compute((&x.min(), &x.max(), &x.mean(), &x.var(0.0)))?;
    let (min, max) = (min.into_scalar(), max.into_scalar());
    assert!((-2.0..-1.999).contains(&min), "min {min}");
    assert!(max < 5.0 && max > 4.999, "max {max}");
    assert!((mean[()] - 1.5).abs() < 0.011, "mean {mean}");
    assert!((var[()] - 49.0 / 12.0).abs() < 0.02, "var {var}");
    // Ten equal buckets: chi-square with 9 degrees of freedom.
    let values = x.compute()?;
    let mut counts = [0usize; 10];
    for &v in &values {
        counts[((v + 2.0) / 0.7) as usize] += 1;
    }
    let chi2 = chi_square(&counts, N as f64 / 10.0);
    assert!(chi2 < 40.0, "chi-square {chi2} for {counts:?}");
    // f32 too.
    let y = Rng::seed(12).uniform(0.0_f32, 1.0, (1000, 1000), (128, 1000))?;
    let (lo, hi, m) = ndchunk::compute((&y.min(), &y.max(), &y.mean()))?;
    assert!(lo.into_scalar() >= 0.0 && hi.into_scalar() < 1.0);
    assert!((m[()] - 0.5).abs() < 0.0015, "mean {m}");
    Ok(())
}

fn chi_square(counts: &[usize], expected: f64) -> f64 {
    counts
        .iter()
        .map(|&c| (c as f64 - expected).powi(2) / expected)
        .sum()
}

#[test]
fn integers_statistics() -> R {
    let x = Rng::seed(13).integers(0_i64, 10, N, 99_999)?;
    let (min, max, sum) = ndchunk::compute((&x.min(), &x.max(), &x.sum()))?;
    assert_eq!((min.into_scalar(), max.into_scalar()), (0, 9));
    let mean = sum.into_scalar() as f64 / N as f64;
    assert!((mean - 4.5).abs() < 0.015, "mean {mean}");
    let values = x.compute()?;
    let mut counts = [0usize; 10];
    for &v in &values {
        counts[v as usize] += 1;
    }
    let chi2 = chi_square(&counts, N as f64 / 10.0);
    assert!(chi2 < 40.0, "chi-square {chi2} for {counts:?}");
    // The engine counts the same.
    assert_eq!(
        x.eq_elem(7).count_nonzero().compute()?.into_scalar(),
        counts[7]
    );
    // Negative ranges and small types.
    let y = Rng::seed(13).integers(-5_i32, 3, 100_000, 7_000)?;
    let (lo, hi) = ndchunk::compute((&y.min(), &y.max()))?;
    assert_eq!((lo.into_scalar(), hi.into_scalar()), (-5, 2));
    let dice = Rng::seed(14).integers(1_u8, 7, 60_000, 10_000)?.compute()?;
    let mut faces = [0usize; 6];
    for &d in &dice {
        faces[usize::from(d) - 1] += 1;
    }
    let chi2 = chi_square(&faces, 10_000.0);
    assert!(chi2 < 35.0, "chi-square {chi2} for {faces:?}");
    Ok(())
}

// ---------------------------------------------------------------------------
// Shared work runs once
// ---------------------------------------------------------------------------

/// A `from_fn` array counting the calls of its closure.
fn counted(
    shape: (usize, usize),
    chunks: (usize, usize),
) -> R<(ChunkedArray<f64, Ix2>, Arc<AtomicUsize>)> {
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    let x = ChunkedArray::from_fn(shape, chunks, move |(i, j)| {
        c.fetch_add(1, Ordering::Relaxed);
        ((i * 7 + j * 13) % 101) as f64 - 50.0
    })?;
    Ok((x, calls))
}

fn reference(shape: (usize, usize)) -> Array2<f64> {
    Array2::from_shape_fn(shape, |(i, j)| ((i * 7 + j * 13) % 101) as f64 - 50.0)
}

#[test]
fn several_results_of_one_array_read_it_once() -> R {
    let shape = (300, 200);
    let n = 300 * 200;
    let a = reference(shape);
    let (x, calls) = counted(shape, (70, 64))?;
    let (sum, max, mean) = ndchunk::compute((&x.sum(), &(&x * 2.0).max(), &x.mean()))?;
    assert_eq!(calls.load(Ordering::SeqCst), n);
    assert_eq!(sum.into_scalar(), a.sum());
    assert_eq!(max.into_scalar(), 2.0 * 50.0);
    assert_eq!(mean.into_scalar(), a.mean().unwrap());

    calls.store(0, Ordering::SeqCst);
    let doubled = (&x + &x).sum().compute()?;
    assert_eq!(calls.load(Ordering::SeqCst), n);
    assert_eq!(doubled.into_scalar(), 2.0 * a.sum());

    // The elementwise result and reductions of it, together.
    calls.store(0, Ordering::SeqCst);
    let y = (&x - 1.0).mapv(f64::abs);
    let (all, ysum, ymax) = ndchunk::compute((&y, &y.sum(), &y.max_axis(Axis(0))))?;
    assert_eq!(calls.load(Ordering::SeqCst), n);
    let expected = a.mapv(|v| (v - 1.0).abs());
    assert_eq!(all, expected);
    assert_eq!(ysum.into_scalar(), expected.sum());
    assert_eq!(
        ymax,
        expected.fold_axis(Axis(0), f64::MIN, |m, &v| m.max(v))
    );

    // Read under a different chunking (fused, in pieces): still once each.
    calls.store(0, Ordering::SeqCst);
    let other = ChunkedArray::from_array(Array2::<f64>::ones(shape), (64, 70))?;
    let s = (&x + &other).sum().compute()?;
    assert_eq!(calls.load(Ordering::SeqCst), n);
    assert_eq!(s.into_scalar(), a.sum() + n as f64);
    Ok(())
}

#[test]
fn identical_expressions_built_separately_are_merged() -> R {
    let shape = (120, 90);
    let n = 120 * 90;
    let (y, calls) = counted(shape, (50, 40))?;
    let first = (&y + 1.0).sum();
    let second = (&y + 1.0).sum();
    let (a, b) = ndchunk::compute((&first, &second))?;
    assert_eq!(a, b);
    assert_eq!(a.into_scalar(), reference(shape).sum() + n as f64);
    assert_eq!(calls.load(Ordering::SeqCst), n);
    // One plan for both: the same tasks as the same expression used twice.
    let merged = (&first + &second).num_tasks()?;
    let same = (&first + &first).num_tasks()?;
    assert_eq!(merged, same);
    // 9 blocks, one pass each, one combine of 9 > 8 partials into 2, the
    // final sum, and the add.
    assert_eq!(same, 9 + 2 + 1 + 1);
    calls.store(0, Ordering::SeqCst);
    let total = (&first + &second).compute()?.into_scalar();
    assert_eq!(total, 2.0 * (reference(shape).sum() + n as f64));
    assert_eq!(calls.load(Ordering::SeqCst), n);
    let plan = (&first + &second).explain();
    assert!(plan.contains("(shared, above)"), "{plan}");

    // Random draws: equal seeds and draw numbers are the same array...
    let r1 = Rng::seed(5).standard_normal((100, 100), (30, 30))?;
    let r2 = Rng::seed(5).standard_normal((100, 100), (30, 30))?;
    assert_eq!((&r1 - &r2).num_tasks()?, (&r1 - &r1).num_tasks()?);
    assert!((&r1 - &r2).compute()?.iter().all(|&v| v == 0.0));
    // ... but two draws of one generator are not.
    let rng = Rng::seed(5);
    let (d1, d2) = (
        rng.standard_normal((100, 100), (30, 30))?,
        rng.standard_normal((100, 100), (30, 30))?,
    );
    assert!((&d1 - &d2).compute()?.iter().all(|&v| v != 0.0));
    // Different scalars are different operations.
    let (p, q) = ndchunk::compute((&(&y + 1.0).sum(), &(&y + 2.0).sum()))?;
    assert_eq!(q.into_scalar() - p.into_scalar(), n as f64);
    Ok(())
}

// ---------------------------------------------------------------------------
// Failures
// ---------------------------------------------------------------------------

/// `x[i, j] = 10 i + j` on a 10 x 10 grid cut into 4 x 4 blocks, with a mapv
/// that panics at the element 57, which is in block [1, 1].
fn panicking() -> R<(ChunkedArray<i64, Ix2>, ChunkedArray<i64, Ix2>)> {
    let x = ChunkedArray::from_fn((10, 10), (4, 4), |(i, j)| (10 * i + j) as i64)?;
    let y = x.mapv(|v| {
        if v == 57 {
            panic!("boom at element {v}");
        }
        v * 2
    });
    Ok((x, y))
}

fn assert_panicked_in_block_1_1(result: R<impl std::fmt::Debug>) {
    match result {
        Err(Error::TaskPanicked { task, message }) => {
            assert!(task.ends_with("[1, 1]"), "task {task}");
            assert!(message.contains("boom at element 57"), "message {message}");
        }
        other => panic!("expected TaskPanicked, got {other:?}"),
    }
}

#[test]
fn a_panicking_closure_is_an_error_and_the_next_compute_works() -> R {
    let (x, y) = panicking()?;
    for options in [
        Options::default(),
        Options::default().threads(4),
        Options::default().threads(1),
        Options::default().scheduler(Scheduler::Sync),
    ] {
        assert_panicked_in_block_1_1(y.compute_with(&options));
        match y.compute_with(&options) {
            Err(Error::TaskPanicked { task, .. }) => assert_eq!(task, "mapv[1, 1]"),
            other => panic!("expected TaskPanicked, got {other:?}"),
        }
        assert_panicked_in_block_1_1(y.sum().compute_with(&options));
        assert_panicked_in_block_1_1(y.max_axis(Axis(1)).compute_with(&options));
        assert_panicked_in_block_1_1(ndchunk::compute_with((&x.sum(), &y), &options));
        let err = y.compute_with(&options).unwrap_err().to_string();
        assert!(
            err.contains("[1, 1]") && err.contains("boom at element 57"),
            "{err}"
        );
        // The same pool, the same array without the bad element, another array.
        let fine = x.mapv(|v| v * 2);
        assert_eq!(
            fine.compute_with(&options)?,
            Array2::from_shape_fn((10, 10), |(i, j)| 2 * (10 * i + j) as i64)
        );
        assert_eq!(fine.sum().compute_with(&options)?.into_scalar(), 2 * 4950);
        let z = Rng::seed(3).standard_normal((500, 500), (100, 100))?;
        let direct = z.sum().compute_with(&Options::default().threads(1))?;
        assert_eq!(z.sum().compute_with(&options)?, direct);
    }
    Ok(())
}

#[test]
fn every_block_panicking_is_one_error() -> R {
    let x = ChunkedArray::<f64, _>::ones((400, 400), (10, 10))?;
    let y = x.mapv(|_| -> f64 { panic!("always") });
    for options in [
        Options::default(),
        Options::default().threads(8),
        Options::default().scheduler(Scheduler::Sync),
    ] {
        match y.sum().compute_with(&options) {
            Err(Error::TaskPanicked { message, .. }) => assert_eq!(message, "always"),
            other => panic!("expected TaskPanicked, got {other:?}"),
        }
    }
    assert_eq!(x.sum().compute()?.into_scalar(), 160_000.0);
    // A panic with a non-string payload.
    let z = x.mapv(|_| -> f64 { std::panic::panic_any(17_u32) });
    assert!(matches!(z.compute(), Err(Error::TaskPanicked { .. })));
    Ok(())
}

#[test]
fn integer_division_by_zero_is_an_error() -> R {
    let x = ChunkedArray::arange(0_i32, 100, 1, 10)?;
    let d = &x / &(&x - 50);
    for options in [
        Options::default(),
        Options::default().threads(2),
        Options::default().scheduler(Scheduler::Sync),
    ] {
        match d.compute_with(&options) {
            Err(Error::TaskPanicked { task, message }) => {
                assert!(task.ends_with("[5]"), "task {task}");
                assert!(message.contains("divide by zero"), "message {message}");
            }
            other => panic!("expected TaskPanicked, got {other:?}"),
        }
        assert!(matches!(
            d.sum().compute_with(&options),
            Err(Error::TaskPanicked { .. })
        ));
        assert!(matches!(
            (&x % 0).compute_with(&options),
            Err(Error::TaskPanicked { .. })
        ));
        // Overflowing division panics in release builds too.
        let m = ChunkedArray::full(3, i32::MIN, 1)?;
        assert!(matches!(
            (&m / -1).compute_with(&options),
            Err(Error::TaskPanicked { .. })
        ));
    }
    // Nothing is left broken.
    assert_eq!(
        (&x / 7).sum().compute()?.into_scalar(),
        (0..100).map(|v| v / 7).sum::<i64>()
    );
    Ok(())
}

#[test]
fn shape_mismatch_is_reported_by_compute() {
    let a = ChunkedArray::<f64, _>::zeros((3, 4), (2, 2)).unwrap();
    let b = ChunkedArray::<f64, _>::ones((4, 3), (2, 2)).unwrap();
    let sum = &a + &b;
    let check = |result: R<Vec<f64>>| match result {
        Err(e @ Error::ShapeMismatch { .. }) => {
            let Error::ShapeMismatch { left, right, .. } = &e else {
                unreachable!()
            };
            assert_eq!(
                (left.as_slice(), right.as_slice()),
                (&[3, 4][..], &[4, 3][..])
            );
            let text = e.to_string();
            assert!(text.contains("[3, 4]") && text.contains("[4, 3]"), "{text}");
        }
        other => panic!("expected ShapeMismatch, got {other:?}"),
    };
    check(sum.compute().map(|a| a.into_raw_vec_and_offset().0));
    check(sum.sum().compute().map(|a| a.into_raw_vec_and_offset().0));
    check(
        ndchunk::compute((&a.sum(), &sum.max()))
            .map(|(s, m)| vec![s.into_scalar(), m.into_scalar()]),
    );
    check(
        sum.mapv(|v| v + 1.0)
            .compute_with(&Options::default().scheduler(Scheduler::Sync))
            .map(|a| a.into_raw_vec_and_offset().0),
    );
    assert!(sum.num_tasks().is_err());
    assert!(sum.explain().contains("shape mismatch"));
    // 1-D, and comparisons.
    let c = ChunkedArray::<i32, _>::zeros(5, 2).unwrap();
    let d = ChunkedArray::<i32, _>::zeros(6, 2).unwrap();
    assert!(matches!(
        (&c * &d).compute(),
        Err(Error::ShapeMismatch { .. })
    ));
    assert!(matches!(
        c.lt(&d).compute(),
        Err(Error::ShapeMismatch { .. })
    ));
    // The operands themselves are fine.
    assert_eq!(a.sum().compute().unwrap().into_scalar(), 0.0);
}

#[test]
fn axis_out_of_bounds_is_reported_by_compute() -> R {
    let x = ChunkedArray::<f64, _>::ones((4, 6), (2, 3))?;
    match x.sum_axis(Axis(2)).compute() {
        Err(Error::AxisOutOfBounds { axis, ndim, .. }) => assert_eq!((axis, ndim), (2, 2)),
        other => panic!("expected AxisOutOfBounds, got {other:?}"),
    }
    assert!(matches!(
        x.argmax_axis(Axis(5)).compute(),
        Err(Error::AxisOutOfBounds { axis: 5, .. })
    ));
    assert!(matches!(
        x.var_axis(Axis(9), 1.0).sum().compute(),
        Err(Error::AxisOutOfBounds { .. })
    ));
    assert_eq!(x.sum_axis(Axis(1)).compute()?, Array1::from_elem(4, 6.0));
    Ok(())
}

#[test]
fn bad_options_are_errors() -> R {
    let x = ChunkedArray::<f64, _>::ones((20, 20), (5, 5))?;
    for k in [0, 1] {
        match x.sum().compute_with(&Options::default().fan_in(k)) {
            Err(Error::InvalidArgument { argument, .. }) => assert_eq!(argument, "fan_in"),
            other => panic!("expected InvalidArgument for fan_in({k}), got {other:?}"),
        }
    }
    match x.sum().compute_with(&Options::default().threads(0)) {
        Err(Error::InvalidArgument { argument, .. }) => assert_eq!(argument, "threads"),
        other => panic!("expected InvalidArgument for threads(0), got {other:?}"),
    }
    assert!(x.compute_with(&Options::default().threads(0)).is_err());
    // fan_in 2 (the smallest) works: 16 partials, 8 + 4 + 2 combines, final.
    assert_eq!(
        x.sum()
            .compute_with(&Options::default().fan_in(2))?
            .into_scalar(),
        400.0
    );
    Ok(())
}

#[test]
fn empty_reductions_without_identity_are_errors() -> R {
    let e = ChunkedArray::<f64, _>::zeros((0, 3), (2, 2))?;
    assert!(matches!(
        e.min().compute(),
        Err(Error::EmptyReduction { .. })
    ));
    assert!(matches!(
        e.argmax().compute(),
        Err(Error::EmptyReduction { .. })
    ));
    assert!(matches!(
        e.max_axis(Axis(0)).compute(),
        Err(Error::EmptyReduction { .. })
    ));
    assert_eq!(e.max_axis(Axis(1)).compute()?.len(), 0);
    assert_eq!(e.sum().compute()?.into_scalar(), 0.0);
    assert!(e.mean().compute()?.into_scalar().is_nan());
    Ok(())
}

// ---------------------------------------------------------------------------
// explain and visualize
// ---------------------------------------------------------------------------

#[test]
fn explain_shows_fusion_and_one_reduce() -> R {
    let x = Rng::seed(0).standard_normal((100, 100), (50, 50))?;
    let s = (&x * 2.0 + 1.0).sum();
    let plan = s.explain();
    assert_eq!(plan.matches("[reduce]").count(), 1, "{plan}");
    assert!(plan.matches("[fused]").count() >= 2, "{plan}");
    assert!(!plan.contains("[stored]"), "{plan}");
    assert!(plan.contains("sum [reduce]"), "{plan}");
    let lines: Vec<&str> = plan.lines().collect();
    assert_eq!(
        lines[lines.len() - 2],
        format!("{} block tasks", s.num_tasks()?)
    );
    assert!(
        lines[lines.len() - 1].starts_with("projected peak memory: "),
        "{plan}"
    );
    assert_eq!(s.num_tasks()?, 4 + 1);

    // Two reductions of one array share a pass.
    let y = &x * 2.0;
    let both = &y.sum() + &y.max();
    let plan = both.explain();
    assert_eq!(plan.matches("[reduce").count(), 2, "{plan}");
    assert!(plan.contains("shared with 1 other"), "{plan}");
    Ok(())
}

/// `(node lines, edges)` of DOT text, checking that every edge joins two
/// declared nodes and points forward.
fn parse_dot(dot: &str) -> (usize, Vec<(usize, usize)>) {
    assert!(dot.starts_with("digraph"), "{dot}");
    assert!(dot.trim_end().ends_with('}'), "{dot}");
    assert_eq!(dot.matches('{').count(), dot.matches('}').count());
    let id = |s: &str| -> usize {
        s.trim()
            .trim_end_matches(';')
            .strip_prefix('t')
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("not a task node: {s:?}"))
    };
    let mut nodes = Vec::new();
    let mut edges = Vec::new();
    for line in dot.lines().map(str::trim) {
        if let Some((from, to)) = line.split_once(" -> ") {
            edges.push((id(from), id(to)));
        } else if let Some((name, _)) = line.split_once(" [label=") {
            nodes.push(id(name));
        }
    }
    let expected: Vec<usize> = (0..nodes.len()).collect();
    assert_eq!(nodes, expected, "node ids");
    for &(from, to) in &edges {
        assert!(from < to && to < nodes.len(), "edge t{from} -> t{to}");
    }
    (nodes.len(), edges)
}

#[test]
fn visualize_is_dot_with_one_node_per_task() -> R {
    let x = ChunkedArray::<f64, _>::from_fn((40, 40), (10, 10), |_| 1.0)?;
    let s = (&x * 2.0).sum();
    let dot = s.visualize();
    let (nodes, edges) = parse_dot(&dot);
    assert_eq!(nodes, s.num_tasks()?);
    // 16 block passes, 2 combines of 8, the final sum.
    assert_eq!(nodes, 19);
    assert_eq!(edges.len(), 16 + 2);
    assert_eq!(dot.matches("peripheries=2").count(), 1, "{dot}");
    // Every task but the output feeds exactly one other.
    let mut out_degree = vec![0; nodes];
    for &(from, _) in &edges {
        out_degree[from] += 1;
    }
    assert_eq!(out_degree.iter().filter(|&&d| d == 0).count(), 1);
    assert!(out_degree.iter().all(|&d| d <= 1));

    // A stored intermediate read by two consumers, and a re-chunked operand.
    let (y, _) = counted((30, 30), (10, 10))?;
    let o = ChunkedArray::from_array(Array2::<f64>::zeros((30, 30)), (15, 15))?;
    let z = &(&y + &o) * &y;
    let dot = z.visualize();
    let (nodes, edges) = parse_dot(&dot);
    assert_eq!(nodes, z.num_tasks()?);
    assert_eq!(dot.matches("peripheries=2").count(), z.num_blocks());
    assert!(!edges.is_empty());
    let invalid = &x + &ChunkedArray::<f64, _>::ones((4, 4), (2, 2))?;
    assert!(invalid.visualize().starts_with("digraph"));
    Ok(())
}

// ---------------------------------------------------------------------------
// persist
// ---------------------------------------------------------------------------

#[test]
fn persisted_arrays_keep_their_values_and_do_no_work() -> R {
    let x = irregular_normal(8)?;
    let y = (&x * 2.0 + 1.0).mapv(f64::abs);
    let kept = y.persist()?;
    assert_eq!(kept.shape(), y.shape());
    assert_eq!(kept.chunks(), y.chunks());
    assert_eq!(kept.num_tasks()?, kept.num_blocks());
    assert_eq!(kept.num_blocks(), 20);
    assert_eq!(bits(&kept.compute()?), bits(&y.compute()?));
    assert_eq!(
        bits(&kept.sum().compute()?),
        bits(&y.sum().compute()?),
        "a sum of stored blocks"
    );
    let (a, b) = ndchunk::compute((&kept.sum_axis(Axis(1)), &y.sum_axis(Axis(1))))?;
    assert_eq!(bits(&a), bits(&b));

    let (c, calls) = counted((50, 60), (20, 25))?;
    let kept = (&c * 3.0).persist_with(&Options::default().threads(2))?;
    assert_eq!(calls.load(Ordering::SeqCst), 50 * 60);
    let expected = reference((50, 60)) * 3.0;
    assert_eq!(kept.compute()?, expected);
    assert_eq!(kept.sum().compute()?.into_scalar(), expected.sum());
    assert_eq!((&kept + 1.0).max().compute()?.into_scalar(), 151.0);
    assert_eq!(
        calls.load(Ordering::SeqCst),
        50 * 60,
        "persisted data recomputed"
    );
    Ok(())
}

// ---------------------------------------------------------------------------
// Large graphs
// ---------------------------------------------------------------------------

/// Tasks of a whole-array reduction of `blocks` blocks: one pass per block,
/// then `fan_in`-way combines until at most `fan_in` partials are left, then
/// the final task.
fn reduction_tasks(blocks: usize, fan_in: usize) -> usize {
    let (mut total, mut parts) = (blocks, blocks);
    while parts > fan_in {
        parts = parts.div_ceil(fan_in);
        total += parts;
    }
    total + 1
}

#[test]
fn a_million_block_graph_can_be_built_and_counted() -> R {
    // Computed from the index, so a pass is a task per block (in-memory
    // values are folded in bands: tests/bands.rs).
    let x = ChunkedArray::<f64, _>::from_fn((10_000, 10_000), (10, 10), |_| 1.0)?;
    assert_eq!(x.num_blocks(), 1_000_000);
    let s = x.sum();
    assert_eq!(reduction_tasks(1_000_000, 8), 1_142_860);
    assert_eq!(s.num_tasks()?, 1_142_860);
    Ok(())
}

#[test]
fn a_ten_thousand_block_reduction_computes() -> R {
    let x = ChunkedArray::<f64, _>::from_fn((1000, 1000), (10, 10), |_| 1.0)?;
    let y = &x * 2.0;
    assert_eq!(y.sum().num_tasks()?, reduction_tasks(10_000, 8));
    for options in [
        Options::default(),
        Options::default().threads(3).fan_in(2),
        Options::default().scheduler(Scheduler::Sync).fan_in(100),
    ] {
        let (s, cols) = ndchunk::compute_with((&y.sum(), &y.sum_axis(Axis(0))), &options)?;
        assert_eq!(s.into_scalar(), 2e6);
        assert_eq!(cols, Array1::from_elem(1000, 2000.0));
    }
    Ok(())
}
