//! The distributions of `Rng` (numpy's `Generator` methods): each sample's
//! mean and variance against the closed forms (five standard errors), its
//! fit to the distribution (Kolmogorov-Smirnov for continuous ones,
//! chi-square on the values for counts), the same values for any chunking
//! and in a slice, parameters refused with an error naming them, and the
//! choices without replacement and permutations (distinct, complete, and
//! drawn with the right probabilities), and each one's first values
//! pinned. Fixed seeds: the tests are
//! deterministic; a correct sampler would fail a Kolmogorov-Smirnov bound
//! with probability 0.1 %, the others ~1e-6 or less.

#[path = "common/stats.rs"]
mod stats;

use ndarray::{s, Array1, Ix1, Ix2};
use ndchunk::element::Element;
use ndchunk::random::Rng;
use ndchunk::{ChunkedArray, Error, Options, Result, Scheduler};
use stats::{
    assert_moments, beta_i, chi_square, chi_square_critical, gamma_p, ks, ks_critical, ln_gamma,
    phi,
};
use std::f64::consts::PI;
use std::fmt::Debug;

/// Samples per distribution.
const N: usize = 400_000;
/// Block length of the sampled arrays (N is not a multiple of it).
const CHUNK: usize = 65_536;

fn values<T: Element>(x: Result<ChunkedArray<T, Ix1>>) -> Vec<T> {
    x.unwrap().compute().unwrap().to_vec()
}

/// Moments, then a Kolmogorov-Smirnov test against `cdf`.
fn check_continuous(
    what: &str,
    x: Result<ChunkedArray<f64, Ix1>>,
    mean: f64,
    var: f64,
    cdf: impl Fn(f64) -> f64,
) {
    let x = values(x);
    assert_eq!(x.len(), N);
    assert_moments(what, &x, mean, var);
    check_fit(what, x, cdf);
}

fn check_fit(what: &str, x: Vec<f64>, cdf: impl Fn(f64) -> f64) {
    let n = x.len();
    let d = ks(x, cdf);
    assert!(d < ks_critical(n), "{what}: Kolmogorov-Smirnov D = {d}");
}

/// Moments, then a chi-square test of the counts of each value against
/// `pmf` (the values at and above the largest seen in one bin).
fn check_counts(
    what: &str,
    x: Result<ChunkedArray<i64, Ix1>>,
    mean: f64,
    var: f64,
    pmf: impl Fn(u64) -> f64,
) {
    let x = values(x);
    assert!(x.iter().all(|&k| k >= 0), "{what}: a negative count");
    let as_f64: Vec<f64> = x.iter().map(|&k| k as f64).collect();
    assert_moments(what, &as_f64, mean, var);
    let top = *x.iter().max().unwrap() as usize;
    let mut counts = vec![0; top + 1];
    x.iter().for_each(|&k| counts[k as usize] += 1);
    let mut p: Vec<f64> = (0..top as u64).map(&pmf).collect();
    p.push(1.0 - p.iter().sum::<f64>());
    assert_chi_square(what, &counts, &p);
}

fn assert_chi_square(what: &str, counts: &[usize], p: &[f64]) {
    let (stat, dof) = chi_square(counts, p);
    let critical = chi_square_critical(dof);
    assert!(
        stat < critical,
        "{what}: chi-square {stat:.1} on {dof} degrees of freedom (critical {critical:.1})"
    );
}

/// The tests' distribution functions at known values (closed forms and
/// sums), so that a fit against a wrong one cannot pass unnoticed.
#[test]
fn the_distribution_functions_match_known_values() {
    let close = |got: f64, want: f64| assert!((got - want).abs() < 1e-9, "{got} != {want}");
    close(ln_gamma(0.5), PI.sqrt().ln());
    close(ln_gamma(10.0), 362_880_f64.ln());
    close(gamma_p(3.0, 2.0), 1.0 - 5.0 * (-2.0_f64).exp());
    close(gamma_p(0.5, 2.0), 0.954_499_736_103_641_6); // erf(sqrt 2)
                                                       // 1 - exp(-15) sum_{k<10} 15^k / k!, on the continued fraction's side.
    close(gamma_p(10.0, 15.0), 0.930_146_339_300_590_2);
    close(
        beta_i(2.0, 5.0, 0.3),
        1.0 - 0.7_f64.powi(6) - 1.8 * 0.7_f64.powi(5),
    );
    close(beta_i(0.5, 0.5, 0.2), 2.0 / PI * 0.2_f64.sqrt().asin());
    close(t_cdf(1.0, 1.0), 0.75);
    close(t_cdf(1.0, -3.0), 0.5 + (-3.0_f64).atan() / PI);
}

#[test]
fn exponential() {
    let x = Rng::seed(1).exponential(2.0, N, CHUNK);
    check_continuous("exponential(2)", x, 2.0, 4.0, |x| 1.0 - (-x / 2.0).exp());
}

#[test]
fn gamma() {
    // Shapes below and above 1 take different methods.
    for (seed, k, theta) in [(2, 0.5, 2.0), (3, 3.0, 1.5), (4, 40.0, 0.1)] {
        let x = Rng::seed(seed).gamma(k, theta, N, CHUNK);
        let what = format!("gamma({k}, {theta})");
        let cdf = |x: f64| gamma_p(k, x / theta);
        check_continuous(&what, x, k * theta, k * theta * theta, cdf);
    }
}

#[test]
fn beta() {
    for (seed, a, b) in [(5, 2.0, 5.0), (6, 0.5, 0.5), (7, 3.0, 0.8)] {
        let x = Rng::seed(seed).beta(a, b, N, CHUNK);
        let (mean, var) = (a / (a + b), a * b / ((a + b).powi(2) * (a + b + 1.0)));
        let what = format!("beta({a}, {b})");
        check_continuous(&what, x, mean, var, |x| beta_i(a, b, x));
    }
}

#[test]
fn chisquare() {
    // One degree of freedom is a special case of rand_distr's.
    for (seed, df) in [(8, 1.0), (9, 3.0), (10, 25.0)] {
        let x = Rng::seed(seed).chisquare(df, N, CHUNK);
        let what = format!("chisquare({df})");
        check_continuous(&what, x, df, 2.0 * df, |x| gamma_p(df / 2.0, x / 2.0));
    }
}

#[test]
fn lognormal() {
    let (mu, sigma) = (0.5, 0.4);
    let x = Rng::seed(11).lognormal(mu, sigma, N, CHUNK);
    let s2 = sigma * sigma;
    let (mean, var) = (
        (mu + s2 / 2.0).exp(),
        (s2.exp() - 1.0) * (2.0 * mu + s2).exp(),
    );
    let cdf = |x: f64| phi((x.ln() - mu) / sigma);
    check_continuous("lognormal(0.5, 0.4)", x, mean, var, cdf);
}

/// Student's t distribution function with `df` degrees of freedom.
fn t_cdf(df: f64, t: f64) -> f64 {
    let tail = 0.5 * beta_i(df / 2.0, 0.5, df / (df + t * t));
    if t > 0.0 {
        1.0 - tail
    } else {
        tail
    }
}

#[test]
fn standard_t() {
    let x = Rng::seed(12).standard_t(10.0, N, CHUNK);
    check_continuous("standard_t(10)", x, 0.0, 10.0 / 8.0, |t| t_cdf(10.0, t));
    // Three degrees of freedom: no fourth moment, so the fit alone.
    let x = values(Rng::seed(13).standard_t(3.0, N, CHUNK));
    check_fit("standard_t(3)", x, |t| t_cdf(3.0, t));
}

#[test]
fn standard_cauchy() {
    let x = values(Rng::seed(14).standard_cauchy(N, CHUNK));
    // No moments: its quartiles, -1, 0 and 1, instead, each count within
    // five binomial standard errors.
    for (q, p) in [(-1.0, 0.25), (0.0, 0.5), (1.0, 0.75)] {
        let below = x.iter().filter(|&&v| v < q).count() as f64;
        let (expected, se) = (p * N as f64, (N as f64 * p * (1.0 - p)).sqrt());
        assert!(
            (below - expected).abs() < 5.0 * se,
            "standard_cauchy: {below} below {q}, expected {expected} ± {se:.0}"
        );
    }
    check_fit("standard_cauchy", x, |x| 0.5 + x.atan() / PI);
}

#[test]
fn laplace() {
    let (loc, scale) = (1.0, 2.0);
    let x = Rng::seed(15).laplace(loc, scale, N, CHUNK);
    let cdf = |x: f64| {
        let z = (x - loc) / scale;
        if z < 0.0 {
            0.5 * z.exp()
        } else {
            1.0 - 0.5 * (-z).exp()
        }
    };
    check_continuous("laplace(1, 2)", x, loc, 2.0 * scale * scale, cdf);
}

#[test]
fn logistic() {
    let (loc, scale) = (3.0, 0.5);
    let x = Rng::seed(16).logistic(loc, scale, N, CHUNK);
    let var = PI * PI * scale * scale / 3.0;
    let cdf = |x: f64| 1.0 / (1.0 + (-(x - loc) / scale).exp());
    check_continuous("logistic(3, 0.5)", x, loc, var, cdf);
}

#[test]
fn weibull() {
    let a: f64 = 1.5;
    let x = Rng::seed(17).weibull(a, N, CHUNK);
    let g = |z: f64| ln_gamma(z).exp();
    let mean = g(1.0 + 1.0 / a);
    let var = g(1.0 + 2.0 / a) - mean * mean;
    check_continuous("weibull(1.5)", x, mean, var, |x| 1.0 - (-x.powf(a)).exp());
}

#[test]
fn pareto_is_numpys_lomax() {
    let a: f64 = 10.0;
    let x = Rng::seed(18).pareto(a, N, CHUNK);
    let mean = 1.0 / (a - 1.0);
    let var = a / ((a - 1.0).powi(2) * (a - 2.0));
    check_continuous("pareto(10)", x, mean, var, |x| 1.0 - (1.0 + x).powf(-a));
}

/// ln of the binomial coefficient `n` choose `k`.
fn ln_choose(n: u64, k: u64) -> f64 {
    ln_gamma(n as f64 + 1.0) - ln_gamma(k as f64 + 1.0) - ln_gamma((n - k) as f64 + 1.0)
}

#[test]
fn poisson() {
    // Below 12 Knuth's method, above it rejection.
    for (seed, lam) in [(19, 4.5), (20, 30.0), (21, 1e4)] {
        let x = Rng::seed(seed).poisson(lam, N, CHUNK);
        let pmf = |k: u64| (k as f64 * lam.ln() - lam - ln_gamma(k as f64 + 1.0)).exp();
        check_counts(&format!("poisson({lam})"), x, lam, lam, pmf);
    }
    let zeros = values(Rng::seed(22).poisson(0.0, 1000, 300));
    assert!(zeros.iter().all(|&k| k == 0));
}

#[test]
fn binomial() {
    // Small n p takes inversion, large the BTPE method.
    for (seed, n, p) in [(23, 20, 0.3), (24, 1000, 0.4), (25, 50, 0.97)] {
        let x = Rng::seed(seed).binomial(n, p, N, CHUNK);
        let pmf = |k: u64| {
            if k > n {
                return 0.0;
            }
            (ln_choose(n, k) + k as f64 * p.ln() + (n - k) as f64 * (1.0 - p).ln()).exp()
        };
        let (mean, var) = (n as f64 * p, n as f64 * p * (1.0 - p));
        check_counts(&format!("binomial({n}, {p})"), x, mean, var, pmf);
    }
}

#[test]
fn geometric_counts_trials_from_one() {
    for (seed, p) in [(26, 0.25), (27, 0.9), (28, 0.01)] {
        let x = Rng::seed(seed).geometric(p, N, CHUNK);
        let pmf = |k: u64| {
            if k == 0 {
                return 0.0;
            }
            (1.0 - p).powi(k as i32 - 1) * p
        };
        let (mean, var) = (1.0 / p, (1.0 - p) / (p * p));
        check_counts(&format!("geometric({p})"), x, mean, var, pmf);
    }
    let ones = values(Rng::seed(29).geometric(1.0, 1000, 300));
    assert!(ones.iter().all(|&k| k == 1));
}

#[test]
fn choice_with_replacement_matches_its_probabilities() {
    let p = [0.1, 0.0, 0.2, 0.3, 0.4];
    let x = values(Rng::seed(30).choice(5, N, CHUNK, true, Some(&p)));
    let mut counts = [0; 5];
    x.iter().for_each(|&i| counts[i as usize] += 1);
    assert_eq!(counts[1], 0, "an item of probability 0 was drawn");
    assert_chi_square("choice(5, p)", &counts, &p);

    let x = values(Rng::seed(31).choice(7, N, CHUNK, true, None));
    let mut counts = [0; 7];
    x.iter().for_each(|&i| counts[i as usize] += 1);
    assert_chi_square("choice(7)", &counts, &[1.0 / 7.0; 7]);
}

#[test]
fn choices_of_other_probabilities_are_not_merged() {
    // The same seed and draw: computed together, equal labels would make
    // the two arrays one.
    let draw = |p: &[f64]| {
        Rng::seed(41)
            .choice(2, 10_000, 1000, true, Some(p))
            .unwrap()
    };
    let (a, b) = (draw(&[0.9, 0.1]), draw(&[0.1, 0.9]));
    let (a, b) = ndchunk::compute((&a.sum(), &b.sum())).unwrap();
    let (a, b) = (a.into_scalar(), b.into_scalar());
    assert!(a < 1500 && b > 8500, "ones drawn: {a} and {b} of 10000");
}

/// Sorted and deduplicated.
fn distinct(mut v: Vec<i64>) -> Vec<i64> {
    v.sort_unstable();
    v.dedup();
    v
}

#[test]
fn choice_without_replacement_gives_distinct_items() {
    let rng = Rng::seed(32);
    let x = rng.choice(1000, (20, 30), (7, 8), false, None).unwrap();
    let v = x.compute().unwrap();
    assert_eq!(v.shape(), &[20, 30]);
    let d = distinct(v.iter().copied().collect());
    assert_eq!(d.len(), 600, "repeated items");
    assert!(d[0] >= 0 && d[599] < 1000);
    // All the items: a permutation.
    let all = distinct(values(rng.choice(500, 500, 64, false, None)));
    assert_eq!(all, (0..500).collect::<Vec<_>>());
    // With probabilities, only items of probability > 0.
    let p = [0.25, 0.0, 0.25, 0.0, 0.5];
    let picked = distinct(values(rng.choice(5, 3, 2, false, Some(&p))));
    assert_eq!(picked, vec![0, 2, 4]);
}

#[test]
fn choice_without_replacement_draws_in_order_with_its_probabilities() {
    // Sequential sampling without replacement: the first pick has law p,
    // the second P(j) = sum over i != j of p_i p_j / (1 - p_i).
    let p = [0.1, 0.2, 0.3, 0.4];
    let second: Vec<f64> = (0..4)
        .map(|j| {
            (0..4)
                .filter(|&i| i != j)
                .map(|i| p[i] * p[j] / (1.0 - p[i]))
                .sum()
        })
        .collect();
    let rng = Rng::seed(33);
    let trials = 20_000;
    let (mut first_counts, mut second_counts) = ([0; 4], [0; 4]);
    for _ in 0..trials {
        let v = values(rng.choice(4, 2, 1, false, Some(&p)));
        assert_ne!(v[0], v[1]);
        first_counts[v[0] as usize] += 1;
        second_counts[v[1] as usize] += 1;
    }
    assert_chi_square("first pick", &first_counts, &p);
    assert_chi_square("second pick", &second_counts, &second);
}

#[test]
fn permutation_is_the_argsort_of_the_draws_exponentials() {
    let n = 100_000;
    let perm = values(Rng::seed(34).permutation(n, 30_000));
    assert_eq!(distinct(perm.clone()), (0..n as i64).collect::<Vec<_>>());
    // The documented definition: the order of Exp1 keys of the same draw.
    let keys = values(Rng::seed(34).exponential(1.0, n, 30_000));
    let mut order: Vec<i64> = (0..n as i64).collect();
    order.sort_by(|&i, &j| {
        keys[i as usize]
            .total_cmp(&keys[j as usize])
            .then(i.cmp(&j))
    });
    assert_eq!(perm, order);
}

#[test]
fn choice_without_replacement_is_the_head_of_the_race() {
    // Items over several of the race's pieces (65536 items each), few
    // chosen: the winners are the smallest keys E_j / p_j of all, in order.
    let n = 300_000;
    let p: Vec<f64> = (0..n).map(|j| (1 + j % 7) as f64).collect();
    let total: f64 = p.iter().sum();
    let p: Vec<f64> = p.iter().map(|w| w / total).collect();
    for weighted in [false, true] {
        let p = weighted.then_some(p.as_slice());
        let chosen = values(Rng::seed(42).choice(n, 50, 50, false, p));
        let e = values(Rng::seed(42).exponential(1.0, n, 100_000));
        let keys: Vec<f64> = match p {
            Some(p) => e.iter().zip(p).map(|(e, p)| e / p).collect(),
            None => e,
        };
        let mut order: Vec<i64> = (0..n as i64).collect();
        order.sort_by(|&i, &j| {
            keys[i as usize]
                .total_cmp(&keys[j as usize])
                .then(i.cmp(&j))
        });
        assert_eq!(chosen, order[..50], "weighted: {weighted}");
    }
}

#[test]
fn permutations_are_uniform() {
    // All 24 orders of 4 items, equally often.
    let rng = Rng::seed(35);
    let mut counts = [0; 24];
    for _ in 0..24_000 {
        let v = values(rng.permutation(4, 3));
        // The order's rank in the factorial number system.
        let rank = (0..4).fold(0, |r, i| {
            let smaller_after = v[i + 1..].iter().filter(|&&w| w < v[i]).count();
            r * (4 - i) + smaller_after
        });
        counts[rank] += 1;
    }
    assert_chi_square("permutation(4)", &counts, &[1.0 / 24.0; 24]);
}

#[test]
fn choice_from_picks_the_items_of_choice() {
    let items = [2.5, -1.0, 7.0];
    let p = [0.5, 0.25, 0.25];
    for replace in [true, false] {
        let k = if replace { 1000 } else { 3 };
        let x = values(Rng::seed(36).choice_from(&items, k, 7, replace, Some(&p)));
        let i = values(Rng::seed(36).choice(3, k, 7, replace, Some(&p)));
        let expected: Vec<f64> = i.iter().map(|&i| items[i as usize]).collect();
        assert_eq!(x, expected);
    }
}

/// The shape of the arrays compared across chunkings.
const SHAPE: (usize, usize) = (120, 90);

/// The array `make` draws from a fresh `Rng::seed(37)` is the same whole,
/// in small odd blocks and in tall thin ones, on one thread, three or the
/// synchronous scheduler, and a strided slice of it reads the same values
/// as the slice of the whole.
fn same_everywhere<T: Element + PartialEq + Debug>(
    what: &str,
    make: impl Fn(&Rng, (usize, usize)) -> Result<ChunkedArray<T, Ix2>>,
) {
    let draw = |chunks| make(&Rng::seed(37), chunks).unwrap();
    let whole = draw(SHAPE).compute().unwrap();
    for chunks in [(17, 23), (64, 7)] {
        let x = draw(chunks);
        assert_eq!(x.compute().unwrap(), whole, "{what}: chunks {chunks:?}");
        let part = x.slice(s![5..100;3, 10..80;2]).compute().unwrap();
        assert_eq!(part, whole.slice(s![5..100;3, 10..80;2]), "{what}: slice");
        let runs = [
            Options::default().threads(1),
            Options::default().threads(3),
            Options::default().scheduler(Scheduler::Sync),
        ];
        for (run, options) in runs.iter().enumerate() {
            let y = x.compute_with(options).unwrap();
            assert_eq!(y, whole, "{what}: chunks {chunks:?}, run {run}");
        }
    }
    let other = make(&Rng::seed(38), SHAPE).unwrap().compute().unwrap();
    assert_ne!(other, whole, "{what}: another seed gives the same values");
}

#[test]
fn every_distribution_is_the_same_for_any_chunking_and_slice() {
    same_everywhere("exponential", |r, c| r.exponential(2.0, SHAPE, c));
    same_everywhere("gamma", |r, c| r.gamma(0.7, 2.0, SHAPE, c));
    same_everywhere("beta", |r, c| r.beta(0.5, 3.0, SHAPE, c));
    same_everywhere("chisquare", |r, c| r.chisquare(3.0, SHAPE, c));
    same_everywhere("lognormal", |r, c| r.lognormal(0.0, 1.0, SHAPE, c));
    same_everywhere("standard_t", |r, c| r.standard_t(4.0, SHAPE, c));
    same_everywhere("standard_cauchy", |r, c| r.standard_cauchy(SHAPE, c));
    same_everywhere("laplace", |r, c| r.laplace(0.0, 1.0, SHAPE, c));
    same_everywhere("logistic", |r, c| r.logistic(0.0, 1.0, SHAPE, c));
    same_everywhere("weibull", |r, c| r.weibull(2.0, SHAPE, c));
    same_everywhere("pareto", |r, c| r.pareto(3.0, SHAPE, c));
    same_everywhere("poisson", |r, c| r.poisson(50.0, SHAPE, c));
    same_everywhere("binomial", |r, c| r.binomial(500, 0.5, SHAPE, c));
    same_everywhere("geometric", |r, c| r.geometric(0.1, SHAPE, c));
    same_everywhere("choice", |r, c| r.choice(1000, SHAPE, c, true, None));
    let p: Vec<f64> = (1..=10).map(|i| i as f64 / 55.0).collect();
    same_everywhere("choice p", |r, c| r.choice(10, SHAPE, c, true, Some(&p)));
    same_everywhere("choice no replace", |r, c| {
        r.choice(20_000, SHAPE, c, false, None)
    });
    let p: Vec<f64> = (1..=20_000).map(|i| i as f64 / 200_010_000.0).collect();
    same_everywhere("choice no replace p", |r, c| {
        r.choice(20_000, SHAPE, c, false, Some(&p))
    });
}

#[test]
fn permutation_is_the_same_for_any_chunking_and_slice() {
    let n = 10_000;
    let whole = values(Rng::seed(39).permutation(n, n));
    for chunks in [1, 999, 4096] {
        let x = Rng::seed(39).permutation(n, chunks).unwrap();
        assert_eq!(x.compute().unwrap().to_vec(), whole);
        let part = x.slice(s![7..9000;13]).compute().unwrap();
        assert_eq!(part, Array1::from(whole.clone()).slice(s![7..9000;13]));
    }
}

/// The argument an error names.
fn argument<T: Debug>(result: Result<T>) -> &'static str {
    match result {
        Err(Error::InvalidArgument { argument, .. }) => argument,
        other => panic!("expected an invalid argument, got {other:?}"),
    }
}

#[test]
fn bad_parameters_are_errors_naming_them() {
    let r = Rng::seed(40);
    let (nan, inf) = (f64::NAN, f64::INFINITY);
    assert_eq!(argument(r.exponential(-1.0, 10, 5)), "scale");
    assert_eq!(argument(r.exponential(nan, 10, 5)), "scale");
    assert_eq!(argument(r.gamma(0.0, 1.0, 10, 5)), "shape");
    assert_eq!(argument(r.gamma(1.0, inf, 10, 5)), "scale");
    assert_eq!(argument(r.beta(-1.0, 1.0, 10, 5)), "a");
    assert_eq!(argument(r.beta(1.0, nan, 10, 5)), "b");
    assert_eq!(argument(r.chisquare(0.0, 10, 5)), "df");
    assert_eq!(argument(r.lognormal(inf, 1.0, 10, 5)), "mean");
    assert_eq!(argument(r.lognormal(0.0, -0.1, 10, 5)), "sigma");
    assert_eq!(argument(r.standard_t(-2.0, 10, 5)), "df");
    assert_eq!(argument(r.laplace(nan, 1.0, 10, 5)), "loc");
    assert_eq!(argument(r.laplace(0.0, -1.0, 10, 5)), "scale");
    assert_eq!(argument(r.logistic(0.0, inf, 10, 5)), "scale");
    assert_eq!(argument(r.weibull(0.0, 10, 5)), "a");
    assert_eq!(argument(r.pareto(-1.0, 10, 5)), "a");
    assert_eq!(argument(r.poisson(-1.0, 10, 5)), "lam");
    assert_eq!(argument(r.poisson(1e30, 10, 5)), "lam");
    assert_eq!(argument(r.poisson(nan, 10, 5)), "lam");
    assert_eq!(argument(r.binomial(10, 1.5, 10, 5)), "p");
    assert_eq!(argument(r.binomial(u64::MAX, 0.5, 10, 5)), "n");
    assert_eq!(argument(r.geometric(0.0, 10, 5)), "p");
    assert_eq!(argument(r.geometric(nan, 10, 5)), "p");
    assert_eq!(argument(r.choice(0, 10, 5, true, None)), "n");
    assert_eq!(argument(r.choice(3, 4, 4, false, None)), "n");
    assert_eq!(argument(r.choice(3, 4, 4, true, Some(&[0.5, 0.5]))), "p");
    assert_eq!(argument(r.choice(2, 4, 4, true, Some(&[0.7, 0.7]))), "p");
    assert_eq!(argument(r.choice(2, 4, 4, true, Some(&[1.5, -0.5]))), "p");
    assert_eq!(
        argument(r.choice(3, 2, 2, false, Some(&[1.0, 0.0, 0.0]))),
        "p"
    );
    assert_eq!(argument(r.choice_from(&[1.0, 2.0], 3, 3, false, None)), "n");
    // Degenerate parameters numpy takes are taken.
    assert!(values(r.exponential(0.0, 10, 5)).iter().all(|&x| x == 0.0));
    assert!(values(r.laplace(2.0, 0.0, 10, 5)).iter().all(|&x| x == 2.0));
    assert!(values(r.lognormal(0.0, 0.0, 10, 5))
        .iter()
        .all(|&x| x == 1.0));
    assert!(values(r.binomial(0, 0.5, 10, 5)).iter().all(|&k| k == 0));
    assert!(values(r.binomial(10, 1.0, 10, 5)).iter().all(|&k| k == 10));
    // Drawing nothing from nothing is fine.
    assert_eq!(values(r.choice(0, 0, 1, true, None)), Vec::<i64>::new());
    assert_eq!(values(r.permutation(0, 1)), Vec::<i64>::new());
}

/// Pinned: the first values of each distribution at seed 42 (floats as
/// their bits). If these change (a new `rand_distr` sampler, say), every
/// user's random arrays change: a release note, not a silent update.
#[test]
fn pinned_values() {
    let r = Rng::seed(42);
    let floats = |x: Result<ChunkedArray<f64, Ix1>>| -> Vec<u64> {
        values(x).iter().map(|v| v.to_bits()).collect()
    };
    let counts = |x: Result<ChunkedArray<i64, Ix1>>| -> Vec<u64> {
        values(x).iter().map(|&k| k as u64).collect()
    };
    let p = [0.1, 0.2, 0.3, 0.4];
    let drawn = [
        ("exponential", floats(r.exponential(1.0, 3, 3))),
        ("gamma", floats(r.gamma(0.5, 1.0, 3, 3))),
        ("beta", floats(r.beta(2.0, 3.0, 3, 3))),
        ("chisquare", floats(r.chisquare(3.0, 3, 3))),
        ("lognormal", floats(r.lognormal(0.0, 1.0, 3, 3))),
        ("standard_t", floats(r.standard_t(5.0, 3, 3))),
        ("standard_cauchy", floats(r.standard_cauchy(3, 3))),
        ("laplace", floats(r.laplace(0.0, 1.0, 3, 3))),
        ("logistic", floats(r.logistic(0.0, 1.0, 3, 3))),
        ("weibull", floats(r.weibull(2.0, 3, 3))),
        ("pareto", floats(r.pareto(3.0, 3, 3))),
        ("poisson", counts(r.poisson(40.0, 3, 3))),
        ("binomial", counts(r.binomial(100, 0.3, 3, 3))),
        ("geometric", counts(r.geometric(0.2, 3, 3))),
        ("choice p", counts(r.choice(4, 3, 3, true, Some(&p)))),
        (
            "choice no replace",
            counts(r.choice(1000, 3, 3, false, None)),
        ),
        ("permutation", counts(r.permutation(5, 5))),
    ];
    let pinned: [(&str, &[u64]); 17] = [
        (
            "exponential",
            &[
                4607582579374342016,
                4600754254671014954,
                4607616409062363009,
            ],
        ),
        (
            "gamma",
            &[
                4604682837712697436,
                4601038980609826733,
                4591347839439476952,
            ],
        ),
        (
            "beta",
            &[
                4596491006914445581,
                4592769804986611855,
                4601022697969334781,
            ],
        ),
        (
            "chisquare",
            &[
                4612710407345434732,
                4616344513067347114,
                4617896084847407607,
            ],
        ),
        (
            "lognormal",
            &[
                4612812830453245610,
                4609430770644598472,
                4613165902180359359,
            ],
        ),
        (
            "standard_t",
            &[
                13830457432109543285,
                13818073361478905963,
                13833249254614913083,
            ],
        ),
        (
            "standard_cauchy",
            &[
                4599453249957390065,
                4609952529301781783,
                13838489615392120284,
            ],
        ),
        (
            "laplace",
            &[
                13836797934320713170,
                13828299420157507321,
                4601506522244650978,
            ],
        ),
        (
            "logistic",
            &[
                13839160802819150466,
                13828462601775720656,
                13824688037719658811,
            ],
        ),
        (
            "weibull",
            &[
                4601875198979894403,
                4605823372721269183,
                4606781437748340835,
            ],
        ),
        (
            "pareto",
            &[
                4604834976108927478,
                4592367926122941048,
                4577455148973106313,
            ],
        ),
        ("poisson", &[38, 32, 41]),
        ("binomial", &[35, 24, 24]),
        ("geometric", &[2, 2, 2]),
        ("choice p", &[2, 1, 0]),
        ("choice no replace", &[34, 166, 141]),
        ("permutation", &[4, 0, 2, 3, 1]),
    ];
    for ((name, got), (pinned_name, want)) in drawn.iter().zip(pinned) {
        assert_eq!(*name, pinned_name);
        assert_eq!(got.as_slice(), want, "{name}");
    }
}
