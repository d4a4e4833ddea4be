//! Random values are a function of (seed, draw, element index) only: the
//! same for any chunking, slice, thread count and scheduler; a corner of a
//! huge array draws only the corner. And their distribution: Kolmogorov-
//! Smirnov and chi-square tests on uniform and normal samples, and the
//! normal's tail frequencies at 4, 5 and 6 sigma.

use ndarray::{ArrayD, IxDyn, SliceInfoElem};
use ndchunk::prelude::*;
use ndchunk::random::Rng;
use proptest::collection::vec;
use proptest::prelude::*;

/// A random partition of `len` into positive parts (one part when empty).
fn partition(len: usize) -> impl Strategy<Value = Vec<usize>> {
    vec(1..=len.max(1), 1..=len.max(1)).prop_map(move |cuts| {
        let mut parts = Vec::new();
        let mut left = len;
        for c in cuts {
            if left == 0 {
                break;
            }
            let part = c.min(left);
            parts.push(part);
            left -= part;
        }
        if left > 0 || parts.is_empty() {
            parts.push(left);
        }
        parts
    })
}

fn chunking(shape: Vec<usize>) -> impl Strategy<Value = Chunks> {
    shape
        .into_iter()
        .map(partition)
        .collect::<Vec<_>>()
        .prop_map(Chunks::from_sizes)
}

/// A shape of 1 to 4 axes (empty and size-1 axes included), two chunkings
/// of it, and a slice (start, end, step) per axis.
/// (start, end, step) on one axis.
type AxisSlice = (usize, usize, isize);

fn case() -> impl Strategy<Value = (Vec<usize>, Chunks, Chunks, Vec<AxisSlice>)> {
    vec(0_usize..9, 1..=4).prop_flat_map(|shape| {
        let slices: Vec<_> = shape
            .iter()
            .map(|&n| {
                (
                    0..=n,
                    0..=n,
                    prop_oneof![Just(1_isize), Just(2), Just(-1), Just(3)],
                )
                    .prop_map(|(a, b, step)| (a.min(b), a.max(b), step))
            })
            .collect();
        (
            Just(shape.clone()),
            chunking(shape.clone()),
            chunking(shape),
            slices,
        )
    })
}

fn info(slices: &[AxisSlice]) -> Vec<SliceInfoElem> {
    slices
        .iter()
        .map(|&(start, end, step)| SliceInfoElem::Slice {
            start: start as isize,
            end: Some(end as isize),
            step,
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn values_do_not_depend_on_chunks_slices_or_threads(
        (shape, a, b, slices) in case(),
        seed in any::<u64>(),
    ) {
        let draw = |chunks: &Chunks| {
            let rng = Rng::seed(seed);
            let _skipped = rng.uniform(0.0_f64, 1.0, 3, 3).unwrap(); // draw 0
            rng.standard_normal(IxDyn(&shape), chunks).unwrap()     // draw 1
        };
        let (x, y) = (draw(&a), draw(&b));
        let whole: ArrayD<f64> = x.compute().unwrap();
        prop_assert_eq!(&y.compute().unwrap(), &whole);
        let elems = info(&slices);
        let sliced = y.slice(elems.as_slice()).compute().unwrap();
        prop_assert_eq!(&sliced, &whole.slice(elems.as_slice()).to_owned());
        for options in [
            Options::default().threads(1),
            Options::default().threads(3),
            Options::default().scheduler(Scheduler::Sync),
        ] {
            prop_assert_eq!(&x.compute_with(&options).unwrap(), &whole);
        }
    }
}

#[test]
fn the_corner_of_a_huge_array_draws_only_the_corner() {
    // One block of 10^10 elements (80 GB): drawing it whole could not fit
    // the 1 MB limit; the corner's task draws its 100 values.
    let x = Rng::seed(5)
        .standard_normal((100_000, 100_000), (100_000, 100_000))
        .unwrap();
    let small = Options::default().memory_limit(1 << 20);
    let corner = x.slice(s![..10, ..10]).compute_with(&small).unwrap();
    let other_blocks = Rng::seed(5)
        .standard_normal((100_000, 100_000), (7, 13))
        .unwrap();
    let same = other_blocks
        .slice(s![..10, ..10])
        .compute_with(&small)
        .unwrap();
    assert_eq!(corner, same);
    assert!(corner.iter().all(|v| v.is_finite()) && corner.std(0.0) > 0.3);
}

/// The standard normal's distribution function.
fn phi(x: f64) -> f64 {
    0.5 * erfc(-x / std::f64::consts::SQRT_2)
}

/// erfc by its continued fraction / series (Numerical Recipes' erfcc,
/// relative error below 1.2e-7: ample for these tests).
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let r = t * poly.exp();
    if x >= 0.0 {
        r
    } else {
        2.0 - r
    }
}

/// The Kolmogorov-Smirnov statistic of `samples` against `cdf`.
fn ks(mut samples: Vec<f64>, cdf: impl Fn(f64) -> f64) -> f64 {
    samples.sort_by(f64::total_cmp);
    let n = samples.len() as f64;
    samples
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            let f = cdf(x);
            (f - i as f64 / n).abs().max(((i + 1) as f64 / n - f).abs())
        })
        .fold(0.0, f64::max)
}

const N: usize = 1_000_000;

#[test]
fn uniform_and_normal_pass_kolmogorov_smirnov() {
    // Critical value at the 0.1 % level: 1.95 / sqrt(n).
    let critical = 1.95 / (N as f64).sqrt();
    for seed in [1, 2, 3] {
        let rng = Rng::seed(seed);
        let u = rng
            .uniform(0.0_f64, 1.0, N, 65_536)
            .unwrap()
            .compute()
            .unwrap();
        let d = ks(u.to_vec(), |x| x.clamp(0.0, 1.0));
        assert!(d < critical, "seed {seed}: uniform D = {d}");
        let z = rng.standard_normal(N, 70_000).unwrap().compute().unwrap();
        let d = ks(z.to_vec(), phi);
        assert!(d < critical, "seed {seed}: normal D = {d}");
    }
}

#[test]
fn uniform_passes_a_chi_square_test() {
    // 1000 equiprobable bins: chi-square with 999 degrees of freedom has
    // mean 999 and sd 44.7; 1200 is beyond 4.5 sd.
    let bins = 1000;
    let u = Rng::seed(11).uniform(0.0_f64, 1.0, N, 100_000).unwrap();
    let (counts, _) = u.histogram(bins, (0.0, 1.0)).unwrap();
    let counts = counts.compute().unwrap();
    let expected = N as f64 / bins as f64;
    let chi2: f64 = counts
        .iter()
        .map(|&c| (c as f64 - expected).powi(2) / expected)
        .sum();
    assert!(chi2 < 1200.0, "chi-square {chi2}");
}

#[test]
fn normal_tails_at_4_5_and_6_sigma() {
    // 2 * 10^8 samples, counted lazily.
    let z = Rng::seed(21)
        .standard_normal((20_000, 10_000), (2_000, 10_000))
        .unwrap();
    let n = 2e8;
    let beyond = |s: f64| z.abs().gt(s).count_nonzero();
    let (c4, c5, c6) = ndchunk::compute((&beyond(4.0), &beyond(5.0), &beyond(6.0))).unwrap();
    for (sigma, count, p) in [
        (4.0, c4.into_scalar(), 6.334_248_4e-5_f64),
        (5.0, c5.into_scalar(), 5.733_031_4e-7),
    ] {
        let expected = p * n;
        let sd = expected.sqrt();
        assert!(
            (count as f64 - expected).abs() < 5.0 * sd,
            "beyond {sigma} sigma: {count}, expected {expected:.0} ± {sd:.0}"
        );
    }
    // Expected 0.39 beyond 6 sigma: more than 6 has probability ~1e-7.
    let c6 = c6.into_scalar();
    assert!(c6 <= 6, "beyond 6 sigma: {c6}");
}
