//! Axis views (`swap_axes`, `insert_axis`, `remove_axis`, `squeeze`) and the
//! NaN-skipping reductions, against eager ndarray.

use approx::assert_relative_eq;
use ndarray::{ArrayD, IxDyn};
use ndchunk::prelude::*;

/// Varied values with NaN at every `nan_every`-th element (0: none).
fn data(shape: &[usize], nan_every: usize) -> ArrayD<f64> {
    let mut k = 0usize;
    ArrayD::from_shape_simple_fn(IxDyn(shape), || {
        k += 1;
        if nan_every > 0 && k.is_multiple_of(nan_every) {
            f64::NAN
        } else {
            ((k * 7919) % 1009) as f64 / 97.0 - 5.0
        }
    })
}

fn same(a: &ArrayD<f64>, b: &ArrayD<f64>) -> bool {
    a.shape() == b.shape()
        && a.iter()
            .zip(b)
            .all(|(x, y)| (x.is_nan() && y.is_nan()) || (x - y).abs() <= 1e-9 * (1.0 + y.abs()))
}

const CASES: &[(&[usize], &[usize])] = &[
    (&[7], &[3]),
    (&[5, 1, 6], &[2, 1, 4]),
    (&[1, 4, 3], &[1, 3, 2]),
    (&[3, 4, 2, 5], &[2, 3, 1, 2]),
    (&[4, 0, 3], &[2, 1, 2]),
];

#[test]
fn axis_views_match_ndarray() {
    for &(shape, chunks) in CASES {
        let a = data(shape, 0);
        let x = ChunkedArray::from_array(a.clone(), chunks.to_vec()).unwrap();
        let r = ndchunk::random::Rng::seed(3)
            .standard_normal(IxDyn(shape), chunks.to_vec())
            .unwrap();
        let rv = r.compute().unwrap();
        for (input, eager) in [(&x, &a), (&r, &rv)] {
            for i in 0..shape.len() {
                for j in 0..shape.len() {
                    let mut expected = eager.clone();
                    expected.swap_axes(i, j);
                    assert_eq!(
                        input.swap_axes(i, j).compute().unwrap(),
                        expected,
                        "{shape:?} swap {i} {j}"
                    );
                }
            }
            for k in 0..=shape.len() {
                let got = input.insert_axis(Axis(k));
                assert_eq!(
                    got.compute().unwrap(),
                    eager.clone().insert_axis(Axis(k)),
                    "{shape:?} insert {k}"
                );
                // Inserting then removing gives the array back, in a chain.
                let back = (&got * 2.0).remove_axis(Axis(k));
                assert_eq!(
                    back.compute().unwrap(),
                    eager * 2.0,
                    "{shape:?} insert/remove {k}"
                );
            }
            let squeezed: Vec<usize> = shape.iter().copied().filter(|&n| n != 1).collect();
            let expected = eager
                .clone()
                .into_shape_with_order(IxDyn(&squeezed))
                .unwrap();
            assert_eq!(
                input.squeeze().compute().unwrap(),
                expected,
                "{shape:?} squeeze"
            );
            assert!(same(
                &input.squeeze().sum().compute().unwrap().into_dyn(),
                &ArrayD::from_elem(IxDyn(&[]), eager.sum())
            ));
        }
    }
}

#[test]
fn axis_view_errors_are_reported_by_compute() {
    let x = ChunkedArray::<f64, _>::ones((3, 1, 4), (2, 1, 2)).unwrap();
    let e = x.swap_axes(0, 3).compute().unwrap_err();
    assert!(
        matches!(
            e,
            ndchunk::Error::AxisOutOfBounds {
                axis: 3,
                ndim: 3,
                ..
            }
        ),
        "{e}"
    );
    let e = x.remove_axis(Axis(2)).compute().unwrap_err();
    assert!(e.to_string().contains("length 4"), "{e}");
    let e = x.insert_axis(Axis(5)).compute().unwrap_err();
    assert!(
        matches!(e, ndchunk::Error::AxisOutOfBounds { axis: 5, .. }),
        "{e}"
    );
}

/// The eager NaN-skipping reduction of one lane (NaN when nothing is left).
fn nan_lane(lane: &[f64], op: &str, ddof: f64) -> f64 {
    let kept: Vec<f64> = lane.iter().copied().filter(|v| !v.is_nan()).collect();
    if kept.is_empty() {
        return if op == "sum" { 0.0 } else { f64::NAN };
    }
    let n = kept.len() as f64;
    let mean = kept.iter().sum::<f64>() / n;
    let var = kept.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - ddof);
    match op {
        "sum" => kept.iter().sum(),
        "mean" => mean,
        "min" => kept.iter().copied().fold(f64::INFINITY, f64::min),
        "max" => kept.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        "var" => {
            if n > ddof {
                var
            } else {
                f64::NAN
            }
        }
        "std" => {
            if n > ddof {
                var.sqrt()
            } else {
                f64::NAN
            }
        }
        _ => unreachable!(),
    }
}

fn lazy(x: &ChunkedArray<f64, IxDyn>, op: &str, axis: Option<usize>) -> ArrayD<f64> {
    let r = match (op, axis) {
        ("sum", None) => x.nansum().compute().map(|a| a.into_dyn()),
        ("mean", None) => x.nanmean().compute().map(|a| a.into_dyn()),
        ("min", None) => x.nanmin().compute().map(|a| a.into_dyn()),
        ("max", None) => x.nanmax().compute().map(|a| a.into_dyn()),
        ("var", None) => x.nanvar(1.0).compute().map(|a| a.into_dyn()),
        ("std", None) => x.nanstd(0.0).compute().map(|a| a.into_dyn()),
        ("sum", Some(k)) => x.nansum_axis(Axis(k)).compute(),
        ("mean", Some(k)) => x.nanmean_axis(Axis(k)).compute(),
        ("min", Some(k)) => x.nanmin_axis(Axis(k)).compute(),
        ("max", Some(k)) => x.nanmax_axis(Axis(k)).compute(),
        ("var", Some(k)) => x.nanvar_axis(Axis(k), 1.0).compute(),
        ("std", Some(k)) => x.nanstd_axis(Axis(k), 0.0).compute(),
        _ => unreachable!(),
    };
    r.unwrap()
}

#[test]
fn nan_reductions_skip_nan_whole_and_along_every_axis() {
    for &(shape, chunks) in &CASES[..4] {
        for nan_every in [0, 3, 1] {
            let a = data(shape, nan_every);
            let x = ChunkedArray::from_array(a.clone(), chunks.to_vec()).unwrap();
            for op in ["sum", "mean", "min", "max", "var", "std"] {
                let ddof = if op == "var" { 1.0 } else { 0.0 };
                let all: Vec<f64> = a.iter().copied().collect();
                let expected = ArrayD::from_elem(IxDyn(&[]), nan_lane(&all, op, ddof));
                let got = lazy(&x, op, None);
                assert!(
                    same(&got, &expected),
                    "{shape:?} nan{op} every {nan_every}: {got} vs {expected}"
                );
                for k in 0..shape.len() {
                    let expected = a.map_axis(Axis(k), |lane| nan_lane(&lane.to_vec(), op, ddof));
                    let got = lazy(&x, op, Some(k));
                    assert!(
                        same(&got, &expected),
                        "{shape:?} nan{op}_axis({k}) every {nan_every}: {got} vs {expected}"
                    );
                }
            }
        }
    }
}

#[test]
fn nan_reductions_without_nan_equal_the_plain_ones() {
    let x = ndchunk::random::Rng::seed(5)
        .standard_normal((300, 200), (64, 50))
        .unwrap();
    let (s, ns) = ndchunk::compute((&x.sum(), &x.nansum())).unwrap();
    assert_relative_eq!(s.into_scalar(), ns.into_scalar(), max_relative = 1e-12);
    let (v, nv) =
        ndchunk::compute((&x.var_axis(Axis(0), 1.0), &x.nanvar_axis(Axis(0), 1.0))).unwrap();
    for (a, b) in v.iter().zip(&nv) {
        assert_relative_eq!(*a, *b, max_relative = 1e-12);
    }
    let empty = ChunkedArray::<f64, _>::zeros((0, 3), (1, 3)).unwrap();
    assert!(matches!(
        empty.nanmax().compute(),
        Err(ndchunk::Error::EmptyReduction { .. })
    ));
    assert_eq!(empty.nansum().compute().unwrap().into_scalar(), 0.0);
}
