//! Accuracy that does not cost speed: sums at least as accurate as numpy's
//! pairwise summation, and var/std that keep their precision on data with a
//! large mean. References are exact (or computed on exactly representable
//! deviations), and numpy's own algorithm is emulated here to compare with.

use ndchunk::prelude::*;

/// numpy's pairwise summation (`pairwise_sum` in numpy's umath loops): runs
/// of up to 128 summed in 8 lanes, halves above that.
fn numpy_pairwise(x: &[f64]) -> f64 {
    if x.len() < 8 {
        return x.iter().fold(0.0, |s, &v| s + v);
    }
    if x.len() <= 128 {
        let mut r = [0.0; 8];
        r.copy_from_slice(&x[..8]);
        let mut i = 8;
        while i + 8 <= x.len() {
            for (lane, v) in r.iter_mut().zip(&x[i..i + 8]) {
                *lane += v;
            }
            i += 8;
        }
        let mut s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for v in &x[i..] {
            s += v;
        }
        return s;
    }
    let mut half = x.len() / 2;
    half -= half % 8;
    numpy_pairwise(&x[..half]) + numpy_pairwise(&x[half..])
}

fn ulps(a: f64, b: f64) -> f64 {
    (a - b).abs() / (b.abs() * f64::EPSILON)
}

#[test]
fn a_hundred_million_tenths_sum_to_the_correctly_rounded_result() {
    let n = 100_000_000;
    // 0.1 as a double is 0.1000000000000000055511151231257827...; times 1e8
    // that is 10000000.00000000055..., whose nearest double is 1e7.
    let exact = 1e7;
    for chunks in [1_000_000, 3_333_333, 100_000_000] {
        let x = ChunkedArray::full(n, 0.1_f64, chunks).unwrap();
        let (sum, mean) = ndchunk::compute((&x.sum(), &x.mean())).unwrap();
        let (sum, mean) = (sum.into_scalar(), mean.into_scalar());
        assert!(ulps(sum, exact) <= 1.0, "chunks {chunks}: sum {sum:e}");
        assert!(ulps(mean, 0.1) <= 1.0, "chunks {chunks}: mean {mean:e}");
    }
    // At least as close as numpy's pairwise sum of the same values.
    let numpy = numpy_pairwise(&vec![0.1; n]);
    let ours = ChunkedArray::full(n, 0.1_f64, 1_000_000).unwrap().sum();
    let ours = ours.compute().unwrap().into_scalar();
    assert!(
        (ours - exact).abs() <= (numpy - exact).abs(),
        "ours {ours:e}, numpy {numpy:e}"
    );
}

#[test]
fn alternating_magnitudes_keep_the_small_terms() {
    let n = 10_000_000;
    let value = |i: usize| if i.is_multiple_of(2) { 1e8 } else { 1e-8 };
    // Exact: n/2 * 1e8 is an integer well inside f64's exact range; the small
    // terms add up to n/2 * 1e-8 with a relative error of 1e-16; one rounding.
    let exact = (n / 2) as f64 * 1e8 + (n / 2) as f64 * 1e-8;
    let values: Vec<f64> = (0..n).map(value).collect();
    let numpy = numpy_pairwise(&values);
    for chunks in [1_000_000, 777_777] {
        let x = ChunkedArray::from_fn(n, chunks, value).unwrap();
        let sum = x.sum().compute().unwrap().into_scalar();
        assert!(
            ulps(sum, exact) <= 1.0,
            "chunks {chunks}: sum {sum:e}, exact {exact:e}"
        );
        assert!((sum - exact).abs() <= (numpy - exact).abs());
    }
    // And in 2-D, along both axes, against the exact row and column sums.
    let x =
        ChunkedArray::from_fn((1000, 1000), (300, 300), move |(i, j)| value(i * 1000 + j)).unwrap();
    let rows = x.sum_axis(Axis(1)).compute().unwrap();
    assert!(rows
        .iter()
        .all(|&r| ulps(r, 500.0 * 1e8 + 500.0 * 1e-8) <= 1.0));
}

#[test]
fn variance_keeps_its_precision_on_a_large_mean() {
    let n = 10_000_000;
    let rng = ndchunk::random::Rng::seed(11);
    let x = rng.normal(1e9, 1.0, n, 999_999).unwrap();
    let values = x.compute().unwrap();
    // Deviations from 1e9 are exact (Sterbenz), so a two-pass variance of the
    // deviations is a reference good to ~1e-15.
    let dev: Vec<f64> = values.iter().map(|v| v - 1e9).collect();
    let mean = dev.iter().sum::<f64>() / n as f64;
    let m2: f64 = dev.iter().map(|d| (d - mean) * (d - mean)).sum();
    for (ddof, reference) in [(0.0, m2 / n as f64), (1.0, m2 / (n - 1) as f64)] {
        let (var, std) = ndchunk::compute((&x.var(ddof), &x.std(ddof))).unwrap();
        let (var, std) = (var.into_scalar(), std.into_scalar());
        assert!(
            ((var - reference) / reference).abs() < 1e-9,
            "var {var} vs {reference}"
        );
        let s = reference.sqrt();
        assert!(((std - s) / s).abs() < 1e-9, "std {std} vs {s}");
    }
    // Along an axis too.
    let m = ChunkedArray::from_array(
        values.into_shape_with_order((1000, 10_000)).unwrap(),
        (300, 3000),
    )
    .unwrap();
    let per_row = m.var_axis(Axis(1), 0.0).compute().unwrap();
    let dev = ndarray::Array::from_shape_vec((1000, 10_000), dev).unwrap();
    let reference = dev.var_axis(Axis(1), 0.0);
    for (got, want) in per_row.iter().zip(&reference) {
        assert!(
            ((got - want) / want).abs() < 1e-9,
            "row var {got} vs {want}"
        );
    }
}
