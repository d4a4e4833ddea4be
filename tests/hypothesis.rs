//! `ndchunk::stats` against scipy.stats: every test on 1-D to 4-D samples
//! along each axis position, in irregular chunks and in one block, with NaN,
//! size-1, empty and too-small samples; statistics and p-values within
//! 1e-12 of scipy's, relatively (NaN where scipy gives NaN). The cases are
//! in `fixtures/stats.json`, made by `fixtures/make_stats.py`.

use ndarray::{ArrayD, Axis, IxDyn};
use ndchunk::prelude::*;
use ndchunk::stats::{self, lambda, Alternative, TestResult};
use serde_json::Value;

const TOLERANCE: f64 = 1e-12;

fn cases() -> Vec<Value> {
    let all: Value = serde_json::from_str(include_str!("fixtures/stats.json")).expect("stats.json");
    all["cases"].as_array().expect("a list of cases").clone()
}

/// A fixture array; `null` is NaN, `"inf"` and `"-inf"` the infinities.
fn array(v: &Value) -> ArrayD<f64> {
    let shape: Vec<usize> = v["shape"]
        .as_array()
        .expect("a shape")
        .iter()
        .map(|n| n.as_u64().expect("a length") as usize)
        .collect();
    let values = v["values"]
        .as_array()
        .expect("values")
        .iter()
        .map(|x| match x.as_str() {
            Some("inf") => f64::INFINITY,
            Some("-inf") => f64::NEG_INFINITY,
            _ => x.as_f64().unwrap_or(f64::NAN),
        })
        .collect();
    ArrayD::from_shape_vec(IxDyn(&shape), values).expect("shape and values agree")
}

/// Blocks of 1, 2, 3, 1, 2, ... values along every axis (one empty block
/// on an empty axis).
fn irregular(shape: &[usize]) -> Chunks {
    let sizes = shape
        .iter()
        .map(|&len| {
            let (mut sizes, mut left, mut next) = (vec![], len, 1);
            while left > 0 {
                let size = next.min(left);
                sizes.push(size);
                left -= size;
                next = next % 3 + 1;
            }
            if sizes.is_empty() {
                sizes.push(0);
            }
            sizes
        })
        .collect();
    Chunks::from_sizes(sizes)
}

/// The test a fixture case names, on `inputs`.
fn run(case: &Value, inputs: &[ChunkedArray<f64, IxDyn>]) -> TestResult<IxDyn> {
    let args = &case["args"];
    let axis = Axis(args["axis"].as_u64().expect("an axis") as usize);
    let number = |name: &str| args[name].as_f64().expect(name);
    let ddof = || args["ddof"].as_u64().expect("ddof") as usize;
    // The plain forms for scipy's default, the `*_with` forms otherwise.
    let alternative = match args["alternative"].as_str() {
        None => None,
        Some("less") => Some(Alternative::Less),
        Some("greater") => Some(Alternative::Greater),
        Some(other) => panic!("no alternative {other}"),
    };
    let (a, b) = (&inputs[0], inputs.get(1));
    match (case["op"].as_str().expect("an op"), alternative) {
        ("ttest_1samp", None) => stats::ttest_1samp(a, number("popmean"), axis),
        ("ttest_1samp", Some(alt)) => stats::ttest_1samp_with(a, number("popmean"), axis, alt),
        ("ttest_ind", alternative) => {
            let (b, equal_var) = (b.unwrap(), args["equal_var"].as_bool().expect("equal_var"));
            match alternative {
                None => stats::ttest_ind(a, b, axis, equal_var),
                Some(alt) => stats::ttest_ind_with(a, b, axis, equal_var, alt),
            }
        }
        ("ttest_rel", None) => stats::ttest_rel(a, b.unwrap(), axis),
        ("ttest_rel", Some(alt)) => stats::ttest_rel_with(a, b.unwrap(), axis, alt),
        ("chisquare", _) => stats::chisquare(&inputs[0], inputs.get(1), ddof(), axis),
        ("power_divergence", _) => {
            stats::power_divergence(&inputs[0], inputs.get(1), ddof(), axis, number("lambda_"))
        }
        ("skewtest", _) => stats::skewtest(&inputs[0], axis),
        ("kurtosistest", _) => stats::kurtosistest(&inputs[0], axis),
        ("normaltest", _) => stats::normaltest(&inputs[0], axis),
        ("f_oneway", _) => stats::f_oneway(&inputs.iter().collect::<Vec<_>>(), axis),
        (op, _) => panic!("no test {op}"),
    }
}

fn close(what: &str, got: &ArrayD<f64>, want: &ArrayD<f64>) {
    assert_eq!(got.shape(), want.shape(), "{what}: shape");
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        let agree = if w.is_nan() || w.is_infinite() {
            g.is_nan() == w.is_nan() && (w.is_nan() || g == w)
        } else {
            (g - w).abs() <= TOLERANCE * w.abs()
        };
        assert!(agree, "{what}[{k}]: {g:e} != scipy's {w:e}");
    }
}

#[test]
fn every_test_agrees_with_scipy_in_any_chunking() -> ndchunk::Result<()> {
    let cases = cases();
    assert!(cases.len() > 80, "the fixture has {} cases", cases.len());
    for (i, case) in cases.iter().enumerate() {
        let what = format!("case {i} ({}, {})", case["op"], case["args"]);
        let data: Vec<ArrayD<f64>> = case["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .map(array)
            .collect();
        let (statistic, pvalue) = (array(&case["statistic"]), array(&case["pvalue"]));
        for whole in [false, true] {
            let inputs = data
                .iter()
                .map(|a| {
                    let chunks = if whole {
                        Chunks::single(a.shape())
                    } else {
                        irregular(a.shape())
                    };
                    ChunkedArray::from_array(a.clone(), chunks)
                })
                .collect::<ndchunk::Result<Vec<_>>>()?;
            let result = run(case, &inputs);
            let (s, p) = result.compute()?;
            close(&format!("{what} statistic"), &s, &statistic);
            close(&format!("{what} p-value"), &p, &pvalue);
        }
    }
    Ok(())
}

#[test]
fn results_are_identical_on_one_thread_and_many() -> ndchunk::Result<()> {
    let a = Array::from_shape_fn((200, 30), |(i, j)| {
        ((i * 31 + j * 7) as f64 * 0.37).sin() + 0.01 * j as f64
    });
    let b = Array::from_shape_fn((170, 30), |(i, j)| ((i * 17 + j) as f64 * 0.91).cos() * 1.5);
    let a = ChunkedArray::from_array(a, (23, 7))?;
    let b = ChunkedArray::from_array(b, (40, 11))?;
    let one = Options::default().threads(1);
    let tests = [
        stats::ttest_ind(&a, &b, Axis(0), false),
        stats::normaltest(&a, Axis(0)),
        stats::f_oneway(&[&a, &b, &a.mapv(|v| v * 2.0)], Axis(0)),
        stats::power_divergence(&a.mapv(f64::exp), None, 0, Axis(0), lambda::CRESSIE_READ),
    ];
    for test in tests {
        let (s, p) = test.compute()?;
        let (s1, p1) = ndchunk::compute_with((&test.statistic, &test.pvalue), &one)?;
        assert_eq!(s.mapv(f64::to_bits), s1.mapv(f64::to_bits));
        assert_eq!(p.mapv(f64::to_bits), p1.mapv(f64::to_bits));
    }
    Ok(())
}

/// The error `compute` gives for a test's statistic and its p-value (the same).
fn error_of<D: ndarray::Dimension>(test: TestResult<D>) -> String {
    let statistic = test.statistic.compute().unwrap_err().to_string();
    let pvalue = test.pvalue.compute().unwrap_err().to_string();
    assert_eq!(statistic, pvalue);
    statistic
}

#[test]
fn bad_arguments_are_errors_naming_them() -> ndchunk::Result<()> {
    let a = ChunkedArray::from_array(Array::from_shape_fn((6, 3), |(i, j)| (i + j) as f64), 2)?;
    let b = ChunkedArray::from_array(Array::from_shape_fn((5, 3), |(i, j)| (i * j) as f64), 2)?;
    let c = ChunkedArray::from_array(Array::from_shape_fn((6, 4), |(i, j)| (i + 2 * j) as f64), 2)?;
    let e = error_of(stats::ttest_rel(&a, &b, Axis(0)));
    assert!(e.contains("`b`") && e.contains("[5, 3]"), "{e}");
    let e = error_of(stats::ttest_ind(&a, &c, Axis(0), true));
    assert!(
        e.contains("`b`") && e.contains("off the tested axis"),
        "{e}"
    );
    // A selection's length is known only once computed: the tests, which
    // count a sample by its length, need `compute_chunk_sizes()` first.
    let x = ChunkedArray::from_array(array![1.0, -2.0, 3.5, 0.5, 2.0, -1.0, 4.0], 3)?;
    let kept = x.extract(&x.mapv(|v| v > -1.5));
    for result in [
        stats::ttest_1samp(&kept, 0.0, Axis(0)),
        stats::ttest_ind(&x, &kept, Axis(0), false),
        stats::skewtest(&kept, Axis(0)),
    ] {
        assert!(
            matches!(result.compute(), Err(Error::UnknownChunkSizes { .. })),
            "a test of a selection of unknown length"
        );
    }
    let known = kept.compute_chunk_sizes()?;
    let eager = ChunkedArray::from_array(known.compute()?, 6)?;
    assert_eq!(
        stats::ttest_ind(&x, &known, Axis(0), false).compute()?,
        stats::ttest_ind(&x, &eager, Axis(0), false).compute()?
    );
    // Along axis 1 the lengths 3 and 4 may differ, the 6 rows agree.
    assert!(stats::ttest_ind(&a, &c, Axis(1), true).compute().is_ok());
    let e = error_of(stats::ttest_1samp(&a, 0.0, Axis(2)));
    assert!(e.contains("axis 2") && e.contains("ttest_1samp"), "{e}");
    let e = error_of(stats::skewtest(&a, Axis(3)));
    assert!(e.contains("axis 3") && e.contains("skewtest"), "{e}");
    let e = error_of(stats::f_oneway(&[&a], Axis(0)));
    assert!(e.contains("`samples`") && e.contains("at least two"), "{e}");
    let e = error_of(stats::f_oneway(&[&a, &b, &c], Axis(0)));
    assert!(e.contains("`samples`") && e.contains("[6, 4]"), "{e}");
    let e = error_of(stats::chisquare(&a, Some(&b), 0, Axis(0)));
    assert!(e.contains("`f_exp`") && e.contains("[5, 3]"), "{e}");
    // Sums that differ, as scipy checks them: an error from compute.
    let obs = ChunkedArray::from_array(array![[3.0, 4.0], [4.0, 4.0], [5.0, 4.0]], (2, 1))?;
    let exp = ChunkedArray::from_array(array![[3.0, 4.0], [4.0, 4.0], [6.0, 4.0]], 1)?;
    let e = error_of(stats::chisquare(&obs, Some(&exp), 0, Axis(0)));
    assert!(e.contains("`f_exp`") && e.contains("relative"), "{e}");
    // Within the tolerance they pass.
    let close = exp.mapv(|v| if v == 6.0 { 5.0 + 1e-10 } else { v });
    assert!(stats::chisquare(&obs, Some(&close), 0, Axis(0))
        .compute()
        .is_ok());
    Ok(())
}

#[test]
fn large_samples_are_never_gathered() -> ndchunk::Result<()> {
    // Two samples of 12.8 MB each in 640 kB blocks, tested under a limit of
    // 8 MB held at once: the tests are reductions along the axis.
    let rng = ndchunk::random::Rng::seed(7);
    let a = rng.standard_normal((400_000, 4), (20_000, 4))?;
    let b = &rng.standard_normal((300_000, 4), (20_000, 4))? + 0.01;
    let capped = Options::default().memory_limit(8_000_000);
    // The limit bites: a sample in one block does not fit under it.
    let whole = a.rechunk((400_000, 4)).sum().compute_with(&capped);
    assert!(whole.unwrap_err().to_string().contains("memory limit"));
    for test in [
        stats::ttest_ind(&a, &b, Axis(0), true),
        stats::normaltest(&a, Axis(0)),
        stats::f_oneway(&[&a, &b], Axis(0)),
    ] {
        let (s, p) = ndchunk::compute_with((&test.statistic, &test.pvalue), &capped)?;
        assert_eq!((s.shape(), p.shape()), (&[4][..], &[4][..]));
        assert!(p.iter().all(|p| (0.0..=1.0).contains(p)), "{p}");
    }
    Ok(())
}
