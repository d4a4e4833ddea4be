//! Selections with sizes known only once computed (extract, nonzero,
//! argwhere, flatnonzero), compress, isin, searchsorted and digitize,
//! against numpy's answers in `fixtures/selection.json` (made by
//! `fixtures/make_selection.py`), and what unknown chunk sizes allow and
//! refuse before and after `compute_chunk_sizes`.

mod common;

use common::{
    assert_close, assert_same, fixture_cases, json_bools as bools, json_f64s as floats,
    json_usizes as usizes,
};
use ndarray::{Array1, Array2, ArrayD, IxDyn};
use ndchunk::chunks::UNKNOWN;
use ndchunk::prelude::*;
use serde_json::Value;

const FIXTURE: &str = include_str!("fixtures/selection.json");

fn chunks(v: &Value) -> Chunks {
    Chunks::from_sizes(v.as_array().expect("axes").iter().map(usizes).collect())
}

fn shaped<T>(shape: &[usize], values: Vec<T>) -> ArrayD<T> {
    ArrayD::from_shape_vec(IxDyn(shape), values).expect("the fixture's shape")
}

fn global(name: &str) -> Vec<f64> {
    let all: Value = serde_json::from_str(FIXTURE).expect("JSON");
    floats(&all[name])
}

/// One fixture case: the data and the mask, chunked differently.
struct Case {
    name: String,
    shape: Vec<usize>,
    x: ChunkedArray<f64, IxDyn>,
    mask: ChunkedArray<bool, IxDyn>,
    json: Value,
}

fn cases() -> Vec<Case> {
    fixture_cases(FIXTURE, "cases")
        .into_iter()
        .map(|json| {
            let shape = usizes(&json["shape"]);
            let data = shaped(&shape, floats(&json["data"]));
            let mask = shaped(&shape, bools(&json["mask"]));
            Case {
                name: json["name"].as_str().expect("a name").to_string(),
                x: ChunkedArray::from_array(data, chunks(&json["chunks"])).expect("chunks"),
                mask: ChunkedArray::from_array(mask, chunks(&json["mask_chunks"])).expect("chunks"),
                shape,
                json,
            }
        })
        .collect()
}

#[test]
fn extract_matches_numpy_with_the_mask_chunked_differently() {
    for c in cases() {
        let got = c.x.extract(&c.mask);
        assert!(!got.shape_known(), "{}", c.name);
        assert_eq!(got.shape(), &[UNKNOWN]);
        assert!(got.to_string().contains("shape=[?], chunks=(?"), "{got}");
        let expected = Array1::from(floats(&c.json["extract"]));
        assert_same(&got.compute().unwrap(), &expected, &c.name);
        let one = got.compute_with(&Options::default().threads(1)).unwrap();
        assert_same(&one, &expected, &c.name);
    }
}

#[test]
fn positions_match_numpy_nonzero_argwhere_flatnonzero() {
    for c in cases() {
        let ndim = c.shape.len();
        let flat = Array1::from(usizes(&c.json["flatnonzero"]));
        assert_eq!(c.x.flatnonzero().compute().unwrap(), flat, "{}", c.name);
        let rows = usizes(&c.json["argwhere"]);
        let argwhere = Array2::from_shape_vec((rows.len() / ndim, ndim), rows).unwrap();
        assert_eq!(c.x.argwhere().compute().unwrap(), argwhere, "{}", c.name);
        let nonzero = c.x.nonzero();
        assert_eq!(nonzero.len(), ndim);
        for (k, column) in nonzero.iter().enumerate() {
            let expected = Array1::from(usizes(&c.json["nonzero"][k]));
            assert_eq!(column.compute().unwrap(), expected, "{} axis {k}", c.name);
        }
    }
}

#[test]
fn compress_matches_numpy_along_every_axis() {
    for c in cases() {
        for along in c.json["compress"].as_array().unwrap() {
            let axis = along["axis"].as_u64().unwrap() as usize;
            let condition = bools(&along["condition"]);
            let got = c.x.compress(&condition, Axis(axis));
            let shape = usizes(&along["shape"]);
            assert_eq!(got.shape(), shape.as_slice(), "{} axis {axis}", c.name);
            let expected = shaped(&shape, floats(&along["result"]));
            assert_same(&got.compute().unwrap(), &expected, &c.name);
        }
    }
}

#[test]
fn isin_searchsorted_digitize_match_numpy_with_nan() {
    let (values, sorted, bins) = (global("isin_values"), global("sorted"), global("bins"));
    let decreasing: Vec<f64> = bins.iter().rev().copied().collect();
    for c in cases() {
        let member = shaped(&c.shape, bools(&c.json["isin"]));
        assert_eq!(c.x.isin(&values).compute().unwrap(), member, "{}", c.name);
        let index = |name: &str| shaped(&c.shape, usizes(&c.json[name]));
        let checks = [
            (c.x.searchsorted(&sorted, Side::Left), "searchsorted_left"),
            (c.x.searchsorted(&sorted, Side::Right), "searchsorted_right"),
            (c.x.digitize(&bins, false), "digitize"),
            (c.x.digitize(&bins, true), "digitize_right"),
            (c.x.digitize(&decreasing, false), "digitize_decreasing"),
            (c.x.digitize(&decreasing, true), "digitize_decreasing_right"),
        ];
        for (got, name) in checks {
            assert_eq!(got.compute().unwrap(), index(name), "{name} on {}", c.name);
        }
    }
}

#[test]
fn searches_fuse_with_the_elementwise_chain() {
    let x = ChunkedArray::from_array(Array1::linspace(-4.0, 4.0, 100), 10).unwrap();
    let bins = [-1.0, 0.0, 1.0];
    let chain = (&x * 2.0).digitize(&bins, false).mapv(|i| i as f64).sum();
    let without = (&x * 2.0).mapv(|v| v as usize as f64).sum();
    assert_eq!(chain.num_tasks().unwrap(), without.num_tasks().unwrap()); // fused
    let eager: usize = Array1::linspace(-4.0, 4.0, 100)
        .iter()
        .map(|v: &f64| bins.iter().filter(|&&b| b <= 2.0 * v).count())
        .sum();
    assert_eq!(chain.compute().unwrap().into_scalar(), eager as f64);
}

/// A selection of a 2-D array: 8 elements of 12, in three row slabs.
fn selection() -> (ChunkedArray<f64, Ix1>, Array1<f64>) {
    let a = Array::from_shape_fn((6, 2), |(i, j)| (i * 2 + j) as f64);
    let x = ChunkedArray::from_array(
        a.clone(),
        Chunks::from_sizes(vec![vec![1, 3, 2], vec![1, 1]]),
    )
    .unwrap();
    let keep = a.mapv(|v| v as i64 % 3 != 1);
    let m = ChunkedArray::from_array(keep.clone(), (4, 1)).unwrap();
    let expected: Array1<f64> = a
        .iter()
        .zip(&keep)
        .filter(|(_, &k)| k)
        .map(|(&v, _)| v)
        .collect();
    (x.extract(&m), expected)
}

#[test]
fn elementwise_ops_and_whole_reductions_work_on_unknown_sizes() {
    let (y, e) = selection();
    assert_eq!((&y * 2.0 + 1.0).compute().unwrap(), &e * 2.0 + 1.0);
    assert_eq!(y.mapv(f64::sqrt).compute().unwrap(), e.mapv(f64::sqrt));
    assert_eq!(
        (&y + &y.mapv(|v| -v)).compute().unwrap(),
        Array1::<f64>::zeros(e.len())
    );
    assert_eq!(y.sum().compute().unwrap().into_scalar(), e.sum());
    assert_close(
        &y.mean().compute().unwrap(),
        &ndarray::arr0(e.mean().unwrap()),
        1e-15,
        0.0,
        "mean",
    );
    assert_eq!(y.max().compute().unwrap().into_scalar(), 11.0);
    assert_eq!(
        y.count_nonzero().compute().unwrap().into_scalar(),
        e.len() - 1
    );
    let (s, m) = ndchunk::compute((&y.sum(), &y.min())).unwrap();
    assert_eq!((s.into_scalar(), m.into_scalar()), (e.sum(), 0.0));
    let threads1 = Options::default().threads(1);
    assert_eq!(
        y.sum().compute_with(&threads1).unwrap(),
        y.sum().compute().unwrap()
    );
    // Nothing selected: an empty result, and a sum of nothing.
    let x = ChunkedArray::from_array(array![1.0, 2.0, 3.0], 2).unwrap();
    let none = x.extract(&x.mapv(|v| v > 5.0));
    assert_eq!(none.compute().unwrap(), Array1::<f64>::zeros(0));
    assert_eq!(none.sum().compute().unwrap().into_scalar(), 0.0);
    assert!(none.max().compute().is_err());
}

/// Reductions along the one unknown axis read each block's length from the
/// block: `argwhere`'s rows (unknown) reduced to its columns (known), a
/// selection's only axis; along a known axis the result would keep the
/// unknown one, and positions need offsets: both are errors.
#[test]
fn reductions_along_the_unknown_axis_work() {
    let a = Array::from_shape_fn((5, 4, 3), |(i, j, k)| (i * 7 + j * 3 + k) % 5);
    let expected_rows: Vec<[usize; 3]> = a
        .indexed_iter()
        .filter(|(_, &v)| v != 0)
        .map(|((i, j, k), _)| [i, j, k])
        .collect();
    let x = ChunkedArray::from_array(
        a.clone(),
        Chunks::from_sizes(vec![vec![2, 1, 2], vec![3, 1], vec![3]]),
    )
    .unwrap();
    let rows = x.argwhere();
    let column_sums = rows.sum_axis(Axis(0)).compute().unwrap();
    let expected: Vec<usize> = (0..3)
        .map(|c| expected_rows.iter().map(|r| r[c]).sum())
        .collect();
    assert_eq!(column_sums.to_vec(), expected);
    let column_max = rows.max_axis(Axis(0)).compute().unwrap();
    let expected_max: Vec<usize> = (0..3)
        .map(|c| expected_rows.iter().map(|r| r[c]).max().unwrap())
        .collect();
    assert_eq!(column_max.to_vec(), expected_max);
    let threads1 = Options::default().threads(1);
    let mean = rows.cast::<f64>().mean_axis(Axis(0));
    assert_eq!(
        mean.compute_with(&threads1).unwrap(),
        mean.compute().unwrap()
    );
    let n = expected_rows.len() as f64;
    for (c, m) in mean.compute().unwrap().iter().enumerate() {
        let e = expected_rows.iter().map(|r| r[c] as f64).sum::<f64>() / n;
        assert!((m - e).abs() <= 1e-15 * e.abs(), "column {c}: {m} vs {e}");
    }

    let (y, e) = selection();
    let along = y.sum_axis(Axis(0)).compute().unwrap();
    assert_eq!(along.into_scalar(), e.sum());
    assert_eq!(
        y.var_axis(Axis(0), 1.0).compute().unwrap().into_scalar(),
        e.var(1.0)
    );

    let kept = rows.sum_axis(Axis(1)).compute();
    assert!(
        matches!(kept, Err(Error::UnknownChunkSizes { .. })),
        "{kept:?}"
    );
    let position = rows.argmax_axis(Axis(0)).compute();
    assert!(
        matches!(position, Err(Error::UnknownChunkSizes { .. })),
        "{position:?}"
    );
    // Nothing selected: sums of nothing, and no maximum.
    let empty = x.mapv(|_| 0_usize).argwhere();
    assert_eq!(
        empty.sum_axis(Axis(0)).compute().unwrap().to_vec(),
        vec![0, 0, 0]
    );
    assert!(empty.max_axis(Axis(0)).compute().is_err());
}

#[test]
fn what_needs_sizes_is_an_error_until_compute_chunk_sizes() {
    let (y, e) = selection();
    let other = ChunkedArray::from_array(Array1::<f64>::ones(e.len()), 3).unwrap();
    let unknown = |r: ndchunk::Result<Array1<f64>>, op: &str| match r {
        Err(Error::UnknownChunkSizes { op: o }) => assert_eq!(o, op),
        other => panic!("{op}: expected the unknown sizes error, got {other:?}"),
    };
    unknown(y.rechunk(2).compute(), "rechunk");
    unknown(y.reshape(e.len()).compute(), "reshape");
    unknown(
        concatenate(Axis(0), &[&y, &other])
            .map(|c| c.compute())
            .and_then(|r| r),
        "concatenate",
    );
    unknown((&y + &other).compute(), "add");
    let msg = y.rechunk(2).compute().unwrap_err().to_string();
    assert!(msg.contains("compute_chunk_sizes()"), "{msg}");
    assert!(matches!(
        y.argmax().compute(),
        Err(Error::UnknownChunkSizes { .. })
    ));
    let sliced = y.slice(s![1..]).compute();
    assert!(
        matches!(sliced, Err(Error::UnknownChunkSizes { .. })),
        "{sliced:?}"
    );
    let zeros = ndchunk::zeros_like(&y).compute();
    assert!(
        matches!(zeros, Err(Error::UnknownChunkSizes { .. })),
        "{zeros:?}"
    );
    let picked = ndchunk::where_cond(&y.mapv(|v| v > 3.0), 1.0, 0.0).compute();
    assert!(
        matches!(picked, Err(Error::UnknownChunkSizes { .. })),
        "{picked:?}"
    );
    // Two selections with as many blocks do not line up.
    let (z, _) = selection();
    assert!(matches!(
        (&y + &z).compute(),
        Err(Error::UnknownChunkSizes { op: "add" })
    ));

    let known = y.compute_chunk_sizes().unwrap();
    assert!(known.shape_known());
    assert_eq!(known.shape(), &[e.len()]);
    assert_eq!(known.chunks().sizes(), &[vec![1, 4, 3]]);
    assert_eq!(known.rechunk(2).compute().unwrap(), e);
    assert_eq!(known.reshape(e.len()).compute().unwrap(), e);
    let joined = concatenate(Axis(0), &[&known, &other])
        .unwrap()
        .compute()
        .unwrap();
    assert_eq!(joined.len(), 2 * e.len());
    assert_eq!((&known + &other).compute().unwrap(), &e + 1.0);
    assert_eq!(known.argmax().compute().unwrap().into_scalar(), e.len() - 1);
    assert_eq!(known.slice(s![1..]).compute().unwrap(), e.slice(s![1..]));
    // Culling: a slice of the resolved selection selects only its blocks.
    let head = known.slice(s![..1]);
    assert_eq!(head.compute().unwrap(), e.slice(s![..1]));
    assert!(head.num_tasks().unwrap() < known.num_tasks().unwrap());
    // Already known: the same array.
    assert_eq!(
        known.compute_chunk_sizes().unwrap().chunks(),
        known.chunks()
    );
}

#[test]
fn compute_chunk_sizes_counts_every_selection() {
    let a = array![[0, 3, 0], [4, 0, 0], [0, 0, 7], [1, 1, 0]];
    let x = ChunkedArray::from_array(a, (3, 2)).unwrap();
    let rows = x.argwhere().compute_chunk_sizes().unwrap();
    assert_eq!(rows.chunks().sizes(), &[vec![3, 2], vec![2]]);
    let cols = x.nonzero().pop().unwrap().compute_chunk_sizes().unwrap();
    assert_eq!(cols.chunks().sizes(), &[vec![3, 2]]);
    assert_eq!(cols.compute().unwrap(), array![1, 0, 2, 0, 1]);
    let flat = x
        .flatnonzero()
        .mapv(|i| i * 10)
        .compute_chunk_sizes()
        .unwrap();
    assert_eq!(flat.chunks().sizes(), &[vec![3, 2]]);
    assert_eq!(flat.compute().unwrap(), array![10, 30, 80, 90, 100]);
    // An empty array: one empty block.
    let empty = ChunkedArray::from_array(Array2::<f64>::zeros((0, 3)), (2, 2)).unwrap();
    let none = empty.argwhere().compute_chunk_sizes().unwrap();
    assert_eq!(none.shape(), &[0, 2]);
    assert_eq!(none.compute().unwrap(), Array2::<usize>::zeros((0, 2)));
}

#[test]
fn bad_arguments_are_errors_naming_them() {
    let x = ChunkedArray::from_array(array![[1.0, 2.0], [3.0, 4.0]], 1).unwrap();
    let wrong = ChunkedArray::from_array(array![[true, false, true]], 1).unwrap();
    let e = x.extract(&wrong).compute().unwrap_err();
    assert!(
        matches!(e, Error::ShapeMismatch { op: "extract", .. }),
        "{e}"
    );
    let e = x
        .compress(&[true, false, true], Axis(1))
        .compute()
        .unwrap_err();
    assert!(e.to_string().contains("condition"), "{e}");
    let e = x.compress(&[true], Axis(2)).compute().unwrap_err();
    assert!(
        matches!(
            e,
            Error::AxisOutOfBounds {
                op: "compress",
                axis: 2,
                ..
            }
        ),
        "{e}"
    );
    let e = x.digitize(&[1.0, 3.0, 2.0], false).compute().unwrap_err();
    assert!(
        e.to_string().contains("bins") && e.to_string().contains("monoton"),
        "{e}"
    );
    let e = x.digitize(&[1.0, f64::NAN], false).compute().unwrap_err();
    assert!(e.to_string().contains("NaN"), "{e}");
    let e = x
        .searchsorted(&[2.0, 1.0], Side::Left)
        .compute()
        .unwrap_err();
    assert!(
        e.to_string().contains("sorted") && e.to_string().contains("element 1"),
        "{e}"
    );
}

#[test]
fn a_panicking_closure_on_a_selection_names_its_block_and_the_next_compute_works() {
    let (y, e) = selection();
    let bad = y.mapv(|v| if v > 9.0 { panic!("boom") } else { v });
    match bad.compute().unwrap_err() {
        Error::TaskPanicked { task, message } => {
            assert!(task.contains("mapv") && task.contains("[2]"), "{task}");
            assert!(message.contains("boom"));
        }
        other => panic!("expected a panic report, got {other}"),
    }
    assert_eq!(y.compute().unwrap(), e);
}

#[test]
fn a_selection_reduced_holds_a_few_blocks_not_the_array() {
    let rng = ndchunk::random::Rng::seed(3);
    let x = rng.standard_normal((4_000, 500), (100, 500)).unwrap(); // 16 MB in 40 blocks
    let positive = x.extract(&x.mapv(|v| v > 0.0));
    let capped = Options::default().memory_limit(4_000_000);
    let s: f64 = positive.sum().compute_with(&capped).unwrap().into_scalar();
    let n: f64 = positive
        .mapv(|_| 1.0)
        .sum()
        .compute_with(&capped)
        .unwrap()
        .into_scalar();
    let eager = x.compute().unwrap();
    let expected: f64 = eager.iter().filter(|&&v| v > 0.0).count() as f64;
    assert_eq!(n, expected);
    assert!(
        s > 0.0 && (s / n - 0.798).abs() < 0.01,
        "mean of |N(0,1)| is 0.798, got {}",
        s / n
    );
}

/// Every operation on a selection of unknown length computes or is an
/// error: none panics, aborts or allocates by the unknown length when
/// recorded. The whole-array ones agree with the counted selection.
#[test]
fn every_operation_on_unknown_sizes_is_a_result_never_a_panic() {
    let (y, e) = selection();
    type Op<'a> = Box<dyn Fn() -> ndchunk::Result<ArrayD<f64>> + 'a>;
    let ops: Vec<(&str, Op)> = vec![
        (
            "topk",
            Box::new(|| y.topk(2, Axis(0))?.compute().map(|a| a.into_dyn())),
        ),
        (
            "sort_axis",
            Box::new(|| y.sort_axis(Axis(0)).compute().map(|a| a.into_dyn())),
        ),
        (
            "percentile",
            Box::new(|| y.percentile(&[50.0])?.compute().map(|a| a.into_dyn())),
        ),
        (
            "median",
            Box::new(|| y.median().compute().map(|a| a.into_dyn())),
        ),
        ("ptp", Box::new(|| y.ptp().compute().map(|a| a.into_dyn()))),
        (
            "moment",
            Box::new(|| y.moment(2).compute().map(|a| a.into_dyn())),
        ),
        (
            "skew",
            Box::new(|| y.skew().compute().map(|a| a.into_dyn())),
        ),
        (
            "pad",
            Box::new(|| {
                y.pad(&[(1, 2)], PadMode::Edge)?
                    .compute()
                    .map(|a| a.into_dyn())
            }),
        ),
        (
            "roll",
            Box::new(|| y.roll(1, Axis(0)).compute().map(|a| a.into_dyn())),
        ),
        ("tile", Box::new(|| y.tile(&[2])?.compute())),
        (
            "repeat",
            Box::new(|| y.repeat(2, Axis(0))?.compute().map(|a| a.into_dyn())),
        ),
        (
            "diff",
            Box::new(|| y.diff(1, Axis(0)).compute().map(|a| a.into_dyn())),
        ),
        (
            "cumsum",
            Box::new(|| y.cumsum_axis(Axis(0)).compute().map(|a| a.into_dyn())),
        ),
        (
            "gradient",
            Box::new(|| y.gradient(1.0, Axis(0))?.compute().map(|a| a.into_dyn())),
        ),
        (
            "ediff1d",
            Box::new(|| y.ediff1d().compute().map(|a| a.into_dyn())),
        ),
        (
            "round",
            Box::new(|| y.round(1).compute().map(|a| a.into_dyn())),
        ),
        (
            "diag",
            Box::new(|| y.diag(0)?.compute().map(|a| a.into_dyn())),
        ),
        (
            "coarsen",
            Box::new(|| {
                y.coarsen(|w| w.sum(), &[2])?
                    .compute()
                    .map(|a| a.into_dyn())
            }),
        ),
    ];
    let counted = y.compute_chunk_sizes().unwrap();
    for (name, op) in ops {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(op));
        match outcome {
            Err(_) => panic!("{name} panicked on a selection of unknown length"),
            Ok(Err(Error::UnknownChunkSizes { .. })) => {}
            Ok(Err(other)) => panic!("{name}: {other}"),
            Ok(Ok(got)) => {
                let want = match name {
                    "median" => ndarray::arr0(counted.median().compute().unwrap().into_scalar()),
                    "ptp" => ndarray::arr0(counted.ptp().compute().unwrap().into_scalar()),
                    "moment" => ndarray::arr0(counted.moment(2).compute().unwrap().into_scalar()),
                    "skew" => ndarray::arr0(counted.skew().compute().unwrap().into_scalar()),
                    "round" => ndarray::arr0(0.0),
                    _ => panic!(
                        "{name} computed on unknown lengths: check it against the counted array"
                    ),
                }
                .into_dyn();
                if name == "round" {
                    assert_eq!(got, e.mapv(|v| (v * 10.0).round() / 10.0).into_dyn());
                } else {
                    assert_eq!(got, want, "{name}");
                }
            }
        }
    }
}
