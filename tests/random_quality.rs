//! Statistical checks of the random arrays: moments, a chi-square test of the
//! normal sampler against the exact distribution function on equiprobable
//! bins, and the frequency of the ziggurat's tail.

use ndchunk::random::Rng;

/// Complementary error function (Numerical Recipes' `erfcc`, fractional error
/// below 1.2e-7 everywhere: far below what 1e7 samples can resolve).
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.26551223
        + t * (1.00002368
            + t * (0.37409196
                + t * (0.09678418
                    + t * (-0.18628806
                        + t * (0.27886807
                            + t * (-1.13520398
                                + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
    let r = t * poly.exp();
    if x >= 0.0 {
        r
    } else {
        2.0 - r
    }
}

/// The standard normal distribution function.
fn phi(x: f64) -> f64 {
    0.5 * erfc(-x / std::f64::consts::SQRT_2)
}

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
