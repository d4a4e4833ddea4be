//! Statistics for the tests of random arrays: distribution functions
//! (normal, incomplete gamma and beta), the Kolmogorov-Smirnov statistic,
//! chi-square tests on bins, and moment checks. Written here, not taken
//! from a crate, so the tests add no dependency.

#![allow(dead_code)]

/// Complementary error function (Numerical Recipes' `erfcc`, fractional error
/// below 1.2e-7 everywhere: far below what 1e7 samples can resolve).
pub fn erfc(x: f64) -> f64 {
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
pub fn phi(x: f64) -> f64 {
    0.5 * erfc(-x / std::f64::consts::SQRT_2)
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, nine terms: relative error ~1e-15).
pub fn ln_gamma(x: f64) -> f64 {
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x) Γ(1 - x) = π / sin(πx).
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let t = x + 7.5;
    let sum = C[1..]
        .iter()
        .enumerate()
        .fold(C[0], |s, (i, c)| s + c / (x + i as f64 + 1.0));
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

/// Relative precision the series and continued fractions below reach.
const EPS: f64 = 1e-14;

/// The regularized lower incomplete gamma function P(a, x): its series
/// below x = a + 1, one minus Legendre's continued fraction above
/// (Numerical Recipes' `gser` and `gcf`).
pub fn gamma_p(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    let log_prefix = a * x.ln() - x - ln_gamma(a);
    if x < a + 1.0 {
        let (mut term, mut sum, mut ap) = (1.0 / a, 1.0 / a, a);
        while term.abs() > sum.abs() * EPS {
            ap += 1.0;
            term *= x / ap;
            sum += term;
        }
        sum * log_prefix.exp()
    } else {
        1.0 - continued_fraction(|i| -i * (i - a), |i| x + 2.0 * i + 1.0 - a) * log_prefix.exp()
    }
}

/// The regularized incomplete beta function I_x(a, b), by its continued
/// fraction, on the side where it converges fast (Numerical Recipes'
/// `betai`).
pub fn beta_i(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    if x > (a + 1.0) / (a + b + 2.0) {
        return 1.0 - beta_i(b, a, 1.0 - x);
    }
    let log_prefix = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    // The coefficients d_1, d_2, ... of 1 / (1 + d_1 / (1 + d_2 / ...)).
    let d = |i: f64| {
        let m = (i / 2.0).floor();
        if (i as u64).is_multiple_of(2) {
            m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m))
        } else {
            -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0))
        }
    };
    log_prefix.exp() / a * continued_fraction(d, |_| 1.0)
}

/// `1 / (b_0 + a_1 / (b_1 + a_2 / (b_2 + ...)))` by the modified Lentz
/// method, where `a(i)` is `a_i` and `b(i)` is `b_i`.
fn continued_fraction(a: impl Fn(f64) -> f64, b: impl Fn(f64) -> f64) -> f64 {
    const TINY: f64 = 1e-300;
    let guard = |v: f64| if v.abs() < TINY { TINY } else { v };
    let mut c = 1.0 / TINY;
    let mut d = 1.0 / guard(b(0.0));
    let mut h = d;
    for i in 1..10_000 {
        let i = i as f64;
        d = 1.0 / guard(b(i) + a(i) * d);
        c = guard(b(i) + a(i) / c);
        let delta = d * c;
        h *= delta;
        if (delta - 1.0).abs() < EPS {
            break;
        }
    }
    h
}

/// The Kolmogorov-Smirnov statistic of `samples` against `cdf`.
pub fn ks(mut samples: Vec<f64>, cdf: impl Fn(f64) -> f64) -> f64 {
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

/// The Kolmogorov-Smirnov critical value of `n` samples at the 0.1 % level.
pub fn ks_critical(n: usize) -> f64 {
    1.95 / (n as f64).sqrt()
}

/// The chi-square statistic of `counts` against the probabilities `p` of
/// their bins, and its degrees of freedom. Bins expecting fewer than 5 are
/// pooled with their neighbours (in order), as the test's approximation
/// needs.
pub fn chi_square(counts: &[usize], p: &[f64]) -> (f64, usize) {
    assert_eq!(counts.len(), p.len(), "one probability per bin");
    let n: usize = counts.iter().sum();
    let mut pooled: Vec<(f64, f64)> = Vec::new();
    let mut open = (0.0, 0.0);
    for (&c, &q) in counts.iter().zip(p) {
        open = (open.0 + c as f64, open.1 + q * n as f64);
        if open.1 >= 5.0 {
            pooled.push(open);
            open = (0.0, 0.0);
        }
    }
    match pooled.last_mut() {
        Some(last) => *last = (last.0 + open.0, last.1 + open.1),
        None => pooled.push(open),
    }
    let stat = pooled
        .iter()
        .map(|&(observed, expected)| (observed - expected).powi(2) / expected)
        .sum();
    (stat, pooled.len() - 1)
}

/// The upper 1e-6 quantile of the chi-square distribution with `dof`
/// degrees of freedom (Wilson-Hilferty: the cube root of chi-square / dof
/// is nearly normal; 4.753 is the normal's 1e-6 quantile).
pub fn chi_square_critical(dof: usize) -> f64 {
    let k = dof as f64;
    let v = 2.0 / (9.0 * k);
    k * (1.0 - v + 4.753 * v.sqrt()).powi(3)
}

/// Asserts that the sample mean and variance of `x` match `mean` and `var`
/// within five standard errors: `sqrt(var / n)` for the mean, and for the
/// variance `sqrt((m4 - m2²) / n)` from the sample's own fourth moment.
pub fn assert_moments(what: &str, x: &[f64], mean: f64, var: f64) {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    let m2 = x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / n;
    let m4 = x.iter().map(|v| (v - m).powi(4)).sum::<f64>() / n;
    let mean_se = (var / n).sqrt();
    assert!(
        (m - mean).abs() < 5.0 * mean_se,
        "{what}: mean {m}, expected {mean} ± {mean_se:.2e}"
    );
    let var_se = ((m4 - m2 * m2) / n).sqrt();
    assert!(
        (m2 - var).abs() < 5.0 * var_se,
        "{what}: variance {m2}, expected {var} ± {var_se:.2e}"
    );
}
