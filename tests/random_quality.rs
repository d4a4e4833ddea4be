//! Statistical checks of the random arrays: moments, chi-square tests of the
//! normal and uniform samplers on equiprobable bins, Kolmogorov-Smirnov
//! tests of both, the frequency of the ziggurat's tail, and the normal's
//! tail frequencies at 4, 5 and 6 sigma.

use ndchunk::random::Rng;

#[path = "common/stats.rs"]
mod stats;
use stats::{ks, ks_critical, phi};

const N: usize = 10_000_000;

fn samples(seed: u64) -> Vec<f64> {
    let x = Rng::seed(seed).standard_normal(N, 999_983).unwrap();
    x.compute().unwrap().to_vec()
}

#[test]
fn normal_moments_match() {
    let v = samples(1);
    let n = N as f64;
    let mean = v.iter().sum::<f64>() / n;
    let m = |k: i32| v.iter().map(|x| (x - mean).powi(k)).sum::<f64>() / n;
    let (var, m3, m4) = (m(2), m(3), m(4));
    let (skew, kurt) = (m3 / var.powf(1.5), m4 / (var * var) - 3.0);
    // Five standard errors each.
    assert!(mean.abs() < 5.0 / n.sqrt(), "mean {mean}");
    assert!((var - 1.0).abs() < 5.0 * (2.0 / n).sqrt(), "var {var}");
    assert!(skew.abs() < 5.0 * (6.0 / n).sqrt(), "skewness {skew}");
    assert!(
        kurt.abs() < 5.0 * (24.0 / n).sqrt(),
        "excess kurtosis {kurt}"
    );
}

#[test]
fn normal_passes_a_chi_square_test_on_equiprobable_bins() {
    for seed in [2, 3] {
        let v = samples(seed);
        // 200 bins of probability 1/200 each: edges found by bisection on phi.
        let bins = 200;
        let edges: Vec<f64> = (1..bins)
            .map(|k| {
                let p = k as f64 / bins as f64;
                let (mut lo, mut hi) = (-10.0, 10.0);
                for _ in 0..100 {
                    let mid = 0.5 * (lo + hi);
                    if phi(mid) < p {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                0.5 * (lo + hi)
            })
            .collect();
        let mut counts = vec![0usize; bins];
        for x in &v {
            counts[edges.partition_point(|e| e < x)] += 1;
        }
        let expected = N as f64 / bins as f64;
        let chi2: f64 = counts
            .iter()
            .map(|&c| (c as f64 - expected).powi(2) / expected)
            .sum();
        // 199 degrees of freedom: mean 199, standard deviation ~20; 320 is
        // beyond the 1e-6 quantile.
        assert!(chi2 < 320.0, "seed {seed}: chi-square {chi2}");
    }
}

#[test]
fn ziggurat_tail_has_the_right_weight() {
    // Beyond 3.6541528853610088 samples come from the tail algorithm.
    let r = 3.654_152_885_361_009;
    let v = samples(4);
    let tail = v.iter().filter(|x| x.abs() > r).count() as f64;
    let p = 2.0 * (1.0 - phi(r));
    let expected = p * N as f64;
    let sd = (expected * (1.0 - p)).sqrt();
    assert!(
        (tail - expected).abs() < 5.0 * sd,
        "tail count {tail}, expected {expected:.0} ± {sd:.0}"
    );
    let beyond_5 = v.iter().filter(|x| x.abs() > 5.0).count();
    assert!(
        beyond_5 < 30,
        "{beyond_5} samples beyond 5 sigma (expected ~6)"
    );
}

#[test]
fn normal_is_scaled_standard_normal() {
    let a = Rng::seed(9)
        .standard_normal(1000, 300)
        .unwrap()
        .compute()
        .unwrap();
    let b = Rng::seed(9)
        .normal(5.0, 2.0, 1000, 300)
        .unwrap()
        .compute()
        .unwrap();
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(*y, 5.0 + 2.0 * x);
    }
}

const M: usize = 1_000_000;

#[test]
fn uniform_and_normal_pass_kolmogorov_smirnov() {
    let critical = ks_critical(M);
    for seed in [1, 2, 3] {
        let rng = Rng::seed(seed);
        let u = rng
            .uniform(0.0_f64, 1.0, M, 65_536)
            .unwrap()
            .compute()
            .unwrap();
        let d = ks(u.to_vec(), |x| x.clamp(0.0, 1.0));
        assert!(d < critical, "seed {seed}: uniform D = {d}");
        let z = rng.standard_normal(M, 70_000).unwrap().compute().unwrap();
        let d = ks(z.to_vec(), phi);
        assert!(d < critical, "seed {seed}: normal D = {d}");
    }
}

#[test]
fn uniform_passes_a_chi_square_test() {
    // 1000 equiprobable bins: chi-square with 999 degrees of freedom has
    // mean 999 and sd 44.7; 1200 is beyond 4.5 sd.
    let bins = 1000;
    let u = Rng::seed(11).uniform(0.0_f64, 1.0, M, 100_000).unwrap();
    let (counts, _) = u.histogram(bins, (0.0, 1.0)).unwrap();
    let counts = counts.compute().unwrap();
    let expected = M as f64 / bins as f64;
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
