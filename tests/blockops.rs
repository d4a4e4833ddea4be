//! General block operations against numpy (`fixtures/blockops.json`, made
//! by `fixtures/make_blockops.py`): `einsum`, `blockwise`, user
//! `reduction`s, `apply_along_axis` and `apply_gufunc`, on 1-D to 4-D
//! inputs with irregular chunks, size-1 and empty axes.

mod common;

use common::{assert_close, assert_same, fixture_cases, json_array, json_usizes};
use ndarray::{ArrayD, IxDyn};
use ndchunk::prelude::*;

const FIXTURE: &str = include_str!("fixtures/blockops.json");

/// The inputs of the fixtures: `sin(0.37 i + seed) + 0.01 i - 0.2 seed` of
/// the flat index `i`.
fn data(shape: &[usize], seed: usize) -> ArrayD<f64> {
    let n: usize = shape.iter().product();
    let s = seed as f64;
    let values = (0..n).map(|i| {
        let i = i as f64;
        (0.37 * i + s).sin() + 0.01 * i - 0.2 * s
    });
    ArrayD::from_shape_vec(IxDyn(shape), values.collect()).unwrap()
}

/// Blocks of lengths 1, then about half of the rest, then the rest: every
/// axis longer than 2 is cut irregularly.
fn irregular(shape: &[usize]) -> Chunks {
    let axis = |n: usize| match n {
        0 => vec![0],
        1 => vec![1],
        n => {
            let half = (n - 1) / 2;
            [1, half, n - 1 - half]
                .into_iter()
                .filter(|&k| k > 0)
                .collect()
        }
    };
    Chunks::from_sizes(shape.iter().map(|&n| axis(n)).collect())
}

/// The shapes of a fixture case's operands.
fn operand_shapes(case: &serde_json::Value) -> Vec<Vec<usize>> {
    case["shapes"]
        .as_array()
        .unwrap()
        .iter()
        .map(json_usizes)
        .collect()
}

fn chunked(a: ArrayD<f64>, chunks: Chunks) -> ChunkedArray<f64, IxDyn> {
    ChunkedArray::from_array(a, chunks).expect("valid chunks")
}

#[test]
fn einsum_matches_numpy_on_every_subscript() {
    for case in fixture_cases(FIXTURE, "einsum") {
        let subscripts = case["subscripts"].as_str().unwrap();
        let shapes = operand_shapes(&case);
        let expected = json_array(&case);
        for whole in [false, true] {
            let operands: Vec<_> = shapes
                .iter()
                .enumerate()
                .map(|(k, s)| {
                    let chunks = if whole {
                        Chunks::single(s)
                    } else {
                        irregular(s)
                    };
                    chunked(data(s, k + 1), chunks)
                })
                .collect();
            let refs: Vec<_> = operands.iter().collect();
            let got = ndchunk::einsum(subscripts, &refs)
                .compute()
                .unwrap_or_else(|e| panic!("einsum {subscripts} {shapes:?}: {e}"));
            let what = format!("einsum {subscripts} on {shapes:?} (one block: {whole})");
            assert_close(&got, &expected, 1e-12, 1e-12, &what);
        }
    }
}

#[test]
fn einsum_of_a_matrix_product_is_dot() {
    let (a, b) = (data(&[30, 20], 1), data(&[20, 25], 2));
    let x =
        ChunkedArray::from_array(a, Chunks::from_sizes(vec![vec![7, 23], vec![5, 15]])).unwrap();
    let y = ChunkedArray::from_array(b, (6, 10)).unwrap();
    let x2 = x.clone().into_dimensionality::<Ix2>().unwrap();
    let y2 = y.clone().into_dyn().into_dimensionality::<Ix2>().unwrap();
    let (xd, yd) = (x.into_dyn(), y.into_dyn());
    let e = ndchunk::einsum("ij,jk->ik", &[&xd, &yd]);
    let d = x2.dot(&y2);
    assert_eq!(e.num_tasks().unwrap(), d.num_tasks().unwrap());
    assert_same(
        &e.compute().unwrap(),
        &d.compute().unwrap().into_dyn(),
        "einsum vs dot",
    );
}

#[test]
fn einsum_in_integers_is_exact_and_checked() {
    let a = ChunkedArray::from_array(
        ArrayD::from_shape_fn(IxDyn(&[3, 4]), |i| (i[0] * 4 + i[1]) as i32),
        (2, 3),
    )
    .unwrap();
    let got = ndchunk::einsum("ij,ij->i", &[&a, &a]).compute().unwrap();
    assert_eq!(got, ndarray::array![14_i64, 126, 366].into_dyn());
    let big = ChunkedArray::from_array(ndarray::array![[i64::MAX, 2]].into_dyn(), (1, 1)).unwrap();
    assert!(ndchunk::einsum("ij,ij->i", &[&big, &big])
        .compute()
        .is_err());
    assert!(ndchunk::einsum("ij,kj->ik", &[&big, &big])
        .compute()
        .is_err());
}

#[test]
fn einsum_rejects_bad_subscripts_and_operands() {
    let a = chunked(data(&[3, 4], 1), irregular(&[3, 4]));
    let square = chunked(data(&[3, 3], 1), irregular(&[3, 3]));
    for (subscripts, operands, needle) in [
        ("ij,jk->ik", vec![&a, &a], "operand 1"),
        ("ii", vec![&a], "lengths 3 and 4"),
        ("ij->i?", vec![&a], "position 5"),
        ("ij->iji", vec![&a], "twice"),
        ("ijk", vec![&a], "operand 0"),
        ("ij,ij", vec![&a], "2 terms for 1 operands"),
        ("i.j", vec![&a], "position 1"),
        ("ij->>", vec![&a], "position 4"),
        ("ij", vec![], "at least one"),
        ("ij,ij", vec![&a, &square], "label 'j'"),
    ] {
        let err = ndchunk::einsum(subscripts, &operands)
            .compute()
            .unwrap_err()
            .to_string();
        assert!(err.contains(needle), "{subscripts}: {err}");
    }
}

/// numpy's einsum of fixture `subscripts` on `shapes` (for the block
/// functions that compute the same thing another way).
fn numpy_einsum(subscripts: &str, shapes: &[&[usize]]) -> ArrayD<f64> {
    fixture_cases(FIXTURE, "einsum")
        .into_iter()
        .find(|c| {
            let same = operand_shapes(c)
                .iter()
                .map(Vec::as_slice)
                .eq(shapes.iter().copied());
            c["subscripts"] == subscripts && same
        })
        .map(|c| json_array(&c))
        .unwrap_or_else(|| panic!("no fixture for {subscripts} on {shapes:?}"))
}

fn as2(v: &ndarray::ArrayViewD<'_, f64>) -> ndarray::Array2<f64> {
    v.to_owned().into_dimensionality().unwrap()
}

#[test]
fn blockwise_contracts_a_letter_left_out_of_the_output() {
    // `j` is not in the output: f sees whole rows of `a` and all of `b`.
    let (sa, sb): (&[usize], &[usize]) = (&[6, 5], &[5, 7]);
    let expected = numpy_einsum("ij,jk->ik", &[sa, sb]);
    let a = chunked(data(sa, 1), irregular(sa));
    let b = chunked(
        data(sb, 2),
        Chunks::from_sizes(vec![vec![2, 3], vec![4, 3]]),
    );
    let c = ndchunk::blockwise("ik", &[(&a, "ij"), (&b, "jk")], |blocks| {
        as2(&blocks[0]).dot(&as2(&blocks[1])).into_dyn()
    });
    assert_eq!(c.chunks().sizes(), vec![vec![1, 2, 3], vec![4, 3]]);
    assert_close(
        &c.compute().unwrap(),
        &expected,
        1e-12,
        1e-12,
        "blockwise matrix product",
    );
    let (sm, sv): (&[usize], &[usize]) = (&[6, 5], &[5]);
    let m = chunked(data(sm, 1), irregular(sm));
    let v = chunked(data(sv, 2), irregular(sv));
    let mv = ndchunk::blockwise("i", &[(&m, "ij"), (&v, "j")], |b| {
        as2(&b[0])
            .dot(&b[1].to_owned().into_dimensionality::<Ix1>().unwrap())
            .into_dyn()
    });
    assert_close(
        &mv.compute().unwrap(),
        &numpy_einsum("ij,j->i", &[sm, sv]),
        1e-12,
        1e-12,
        "matvec",
    );
}

#[test]
fn blockwise_aligns_transposes_broadcasts_and_rechunks() {
    for shape in [
        vec![7],
        vec![5, 6],
        vec![3, 4, 5],
        vec![2, 3, 4, 5],
        vec![1, 4],
        vec![0, 3],
    ] {
        let a = data(&shape, 1);
        let x = chunked(a.clone(), irregular(&shape));
        let y = chunked(a.clone(), Chunks::single(&shape)).reversed_axes();
        let letters: String = "ijkl"[..shape.len()].into();
        let reversed: String = letters.chars().rev().collect();
        let sum = ndchunk::blockwise(&letters, &[(&x, &letters), (&y, &reversed)], |b| {
            &b[0] + &b[1].view().reversed_axes()
        });
        assert_eq!(sum.chunks(), x.chunks(), "{shape:?}");
        assert_same(
            &sum.compute().unwrap(),
            &(&a * 2.0),
            &format!("blockwise on {shape:?}"),
        );
    }
    // A length-1 axis is one block passed to every block along its letter.
    let row = chunked(data(&[1, 5], 2), irregular(&[1, 5]));
    let m = chunked(data(&[4, 5], 1), irregular(&[4, 5]));
    let sum = ndchunk::blockwise("ij", &[(&m, "ij"), (&row, "ij")], |b| &b[0] + &b[1]);
    assert_same(
        &sum.compute().unwrap(),
        &(data(&[4, 5], 1) + data(&[1, 5], 2)),
        "broadcast row",
    );
}

#[test]
fn blockwise_new_axes_and_adjusted_chunks() {
    let x = chunked(data(&[5, 4], 1), irregular(&[5, 4]));
    // Per block: a new axis of the block's sum and maximum.
    let stats = ndchunk::blockwise_with("ijs", &[(&x, "ij")], &[('s', vec![2])], |b| {
        let v = &b[0];
        ArrayD::from_shape_fn(IxDyn(&[v.shape()[0], v.shape()[1], 2]), |i| {
            if i[2] == 0 {
                v.sum()
            } else {
                v[[i[0], i[1]]]
            }
        })
    });
    let got = stats.compute().unwrap();
    assert_eq!(got.shape(), &[5, 4, 2]);
    assert_same(
        &got.index_axis(ndarray::Axis(2), 1).to_owned(),
        &data(&[5, 4], 1),
        "new axis",
    );
    // Adjusted chunks: one value per block along `i`.
    let firsts = ndchunk::blockwise_with("i", &[(&x, "ij")], &[('i', vec![1, 1, 1])], |b| {
        b[0].slice(s![0..1, 0]).to_owned().into_dyn()
    });
    assert_eq!(
        firsts.compute().unwrap(),
        ndarray::array![
            data(&[5, 4], 1)[[0, 0]],
            data(&[5, 4], 1)[[1, 0]],
            data(&[5, 4], 1)[[3, 0]]
        ]
        .into_dyn()
    );
}

#[test]
fn blockwise_errors_name_the_block_and_the_argument() {
    let x = chunked(data(&[5, 4], 1), irregular(&[5, 4]));
    // A block of the wrong shape.
    let wrong = ndchunk::blockwise("ij", &[(&x, "ij")], |b| {
        b[0].slice(s![.., 0..1]).to_owned().into_dyn()
    });
    let err = wrong.compute().unwrap_err().to_string();
    assert!(
        err.contains("task blockwise[") && err.contains(", 2], expected ["),
        "{err}"
    );
    // A panic names the block; the next compute works.
    let panics = ndchunk::blockwise("ij", &[(&x, "ij")], |b| {
        assert!(b[0].shape()[0] != 2, "block of two rows");
        b[0].to_owned()
    });
    let err = panics.compute().unwrap_err().to_string();
    assert!(
        err.contains("task blockwise[") && err.contains("block of two rows"),
        "{err}"
    );
    assert_eq!(x.compute().unwrap(), data(&[5, 4], 1));
    for (out, index, chunks, needle) in [
        ("i1", "ij", vec![], "position 1"),
        ("ii", "ij", vec![], "twice"),
        ("ik", "ij", vec![], "'k' is in no input"),
        ("i", "ijk", vec![], "input 0 has 2 dimensions"),
        ("i", "ij", vec![('i', vec![5, 5])], "3 blocks"),
        ("i", "ij", vec![('z', vec![1])], "'z' is not in the output"),
    ] {
        let err = ndchunk::blockwise_with(out, &[(&x, index)], &chunks, |b| b[0].to_owned())
            .compute()
            .unwrap_err()
            .to_string();
        assert!(err.contains(needle), "{out} <- {index}: {err}");
    }
    let y = chunked(data(&[3, 4], 1), irregular(&[3, 4]));
    let err = ndchunk::blockwise("ij", &[(&x, "ij"), (&y, "ij")], |b| b[0].to_owned())
        .compute()
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("letter 'i' has length 5 in input 0 and 3 in input 1"),
        "{err}"
    );
}

/// Sum of squares as a user reduction along `axis` (or of everything).
fn sum_of_squares(x: &ChunkedArray<f64, IxDyn>, axis: Option<usize>) -> ChunkedArray<f64, IxDyn> {
    let chunk = |acc: &mut f64, values: &[f64]| *acc += values.iter().map(|v| v * v).sum::<f64>();
    let combine = |acc: &mut f64, later: &f64| *acc += later;
    match axis {
        None => x.reduction(chunk, combine, |acc| *acc).into_dyn(),
        Some(k) => x.reduction_axis(Axis(k), chunk, combine, |acc| *acc),
    }
}

/// A mean as a user reduction: (sum, count).
fn user_mean(x: &ChunkedArray<f64, IxDyn>) -> ChunkedArray<f64, Ix0> {
    x.reduction(
        |acc: &mut (f64, usize), values: &[f64]| {
            acc.0 += values.iter().sum::<f64>();
            acc.1 += values.len();
        },
        |acc, later| *acc = (acc.0 + later.0, acc.1 + later.1),
        |acc| acc.0 / acc.1 as f64,
    )
}

#[test]
fn user_reductions_match_numpy_on_every_axis() {
    for case in fixture_cases(FIXTURE, "reduction") {
        let shape = json_usizes(&case["shape_in"]);
        let a = data(&shape, 1);
        for chunks in [irregular(&shape), Chunks::single(&shape)] {
            let x = chunked(a.clone(), chunks.clone());
            let what = format!("{shape:?} chunked {chunks:?}");
            let got = sum_of_squares(&x, None).compute().unwrap();
            assert_close(&got, &json_array(&case["sumsq"]), 1e-12, 1e-12, &what);
            if !case["mean"].is_null() {
                let mean = user_mean(&x).compute().unwrap().into_dyn();
                assert_close(&mean, &json_array(&case["mean"]), 1e-12, 1e-12, &what);
            }
            for (k, expected) in case["sumsq_axis"].as_array().unwrap().iter().enumerate() {
                let got = sum_of_squares(&x, Some(k)).compute().unwrap();
                assert_close(
                    &got,
                    &json_array(expected),
                    1e-12,
                    1e-12,
                    &format!("{what} axis {k}"),
                );
            }
        }
    }
}

#[test]
fn user_reductions_fuse_and_do_not_depend_on_threads() {
    let x = ndchunk::random::Rng::seed(5)
        .standard_normal((300, 200), (37, 45))
        .unwrap()
        .into_dyn();
    let y = &x * 2.0 + 1.0;
    let user = sum_of_squares(&y, None);
    let builtin = y.mapv(|v| v * v).sum();
    assert_eq!(user.num_tasks().unwrap(), builtin.num_tasks().unwrap());
    let plan = user.explain();
    assert!(
        plan.contains("reduction [reduce]") && plan.contains("mul(2.0) [fused]"),
        "{plan}"
    );
    assert_close(
        &user.compute().unwrap(),
        &builtin.compute().unwrap().into_dyn(),
        1e-12,
        0.0,
        "fused",
    );
    let one = Options::default().threads(1);
    for axis in [None, Some(0), Some(1)] {
        let r = sum_of_squares(&y, axis);
        assert_same(
            &r.compute_with(&one).unwrap(),
            &r.compute().unwrap(),
            &format!("threads, axis {axis:?}"),
        );
        assert_same(
            &r.compute_with(&Options::default().threads(2)).unwrap(),
            &r.compute().unwrap(),
            "2 threads",
        );
    }
    // Two different user reductions of the same input are not shared.
    let (a, b) = ndchunk::compute((&user_mean(&y), &sum_of_squares(&y, None))).unwrap();
    assert!((a.into_scalar() - 1.0).abs() < 0.05 && b[[]] > 1e5);
}

#[test]
fn a_panicking_reduction_names_its_block() {
    let x = chunked(data(&[6, 5], 1), irregular(&[6, 5]));
    let bad = x.reduction(
        |acc: &mut f64, values: &[f64]| {
            assert!(values.len() != 4, "a strip of four");
            *acc += values.iter().sum::<f64>();
        },
        |acc, later| *acc += later,
        |acc| *acc,
    );
    let err = bad.compute().unwrap_err().to_string();
    assert!(
        err.contains("panicked")
            && err.contains("reduction partial[")
            && err.contains("a strip of four"),
        "{err}"
    );
    assert!(sum_of_squares(&x, Some(1)).compute().is_ok());
}

/// The lane functions of the fixtures: `three` (sum, max, first * last)
/// and `sort`.
fn along(x: &ChunkedArray<f64, IxDyn>, f: &str, axis: usize) -> ChunkedArray<f64, IxDyn> {
    match f {
        "three" => x.apply_along_axis(
            |v| {
                let max = v.fold(f64::MIN, |m, &a| m.max(a));
                let ends = v.first().zip(v.last()).map_or(0.0, |(a, b)| a * b);
                ndarray::array![v.sum(), max, ends]
            },
            Axis(axis),
        ),
        _ => x.apply_along_axis(
            |v| {
                let mut s = v.to_vec();
                s.sort_by(f64::total_cmp);
                ndarray::Array1::from(s)
            },
            Axis(axis),
        ),
    }
}

#[test]
fn apply_along_axis_matches_numpy() {
    for case in fixture_cases(FIXTURE, "along") {
        let shape = json_usizes(&case["shape_in"]);
        let axis = case["axis"].as_u64().unwrap() as usize;
        let f = case["f"].as_str().unwrap();
        let x = chunked(data(&shape, 1), irregular(&shape));
        let got = along(&x, f, axis);
        let mut expected_chunks = x.chunks().sizes();
        expected_chunks[axis] = vec![got.shape()[axis]];
        assert_eq!(
            got.chunks().sizes(),
            expected_chunks,
            "{f} on {shape:?} along {axis}"
        );
        let what = format!("apply_along_axis {f} on {shape:?} along {axis}");
        let expected = json_array(&case);
        assert_close(&got.compute().unwrap(), &expected, 1e-12, 1e-12, &what);
        if f == "three" {
            // The scalar form: the first of the three, the lane sums.
            let sums = x.map_axis(Axis(axis), |v| v.sum()).compute().unwrap();
            let first = expected.index_axis(Axis(axis), 0).to_owned();
            assert_close(&sums, &first, 1e-12, 1e-12, &format!("map_axis {what}"));
        }
    }
    // Fixed dimensions too; bad axes, lengths and panics are errors.
    let x = ChunkedArray::from_array(
        data(&[4, 5], 1).into_dimensionality::<Ix2>().unwrap(),
        (3, 2),
    )
    .unwrap();
    let firsts = x
        .apply_along_axis(|v| ndarray::array![v[0]], Axis(1))
        .compute()
        .unwrap();
    assert_eq!(firsts.column(0).to_owned(), x.compute().unwrap().column(0));
    assert!(matches!(
        x.apply_along_axis(|v| v.to_owned(), Axis(2)).compute(),
        Err(Error::AxisOutOfBounds { .. })
    ));
    // A selection's length is unknown until computed: no test lane is made.
    let kept = x.extract(&x.mapv(|v| v > 0.0));
    assert!(matches!(
        kept.apply_along_axis(|v| v.to_owned(), Axis(0)).compute(),
        Err(Error::UnknownChunkSizes {
            op: "apply_along_axis"
        })
    ));
    assert!(matches!(
        x.map_axis(Axis(2), |v| v[0]).compute(),
        Err(Error::AxisOutOfBounds { op: "map_axis", .. })
    ));
    let varying = x.apply_along_axis(
        |v| {
            if v[0] == 0.0 {
                v.to_owned()
            } else {
                v.slice(s![..1]).to_owned()
            }
        },
        Axis(1),
    );
    let err = varying.compute().unwrap_err().to_string();
    assert!(
        err.contains("f gave 1 values for a lane, 5 for the test lane")
            && err.contains("apply_along_axis["),
        "{err}"
    );
    let refuses = x.apply_along_axis(
        |v| {
            assert!(v[0] != 0.0, "zeros");
            v.to_owned()
        },
        Axis(0),
    );
    assert!(refuses
        .compute()
        .unwrap_err()
        .to_string()
        .contains("test lane"));
}

#[test]
fn apply_gufunc_matches_numpy() {
    for case in fixture_cases(FIXTURE, "gufunc") {
        let signature = case["signature"].as_str().unwrap();
        let shapes = operand_shapes(&case);
        let operands: Vec<_> = shapes
            .iter()
            .enumerate()
            .map(|(k, s)| chunked(data(s, k + 1), irregular(s)))
            .collect();
        let refs: Vec<_> = operands.iter().collect();
        let got = match signature {
            "(i),(i)->()" => ndchunk::apply_gufunc(signature, &refs, |v| {
                ndarray::arr0(
                    v[0].iter()
                        .zip(v[1].iter())
                        .map(|(a, b)| a * b)
                        .sum::<f64>(),
                )
                .into_dyn()
            }),
            "(i,j)->(j)" => {
                ndchunk::apply_gufunc(signature, &refs, |v| v[0].mean_axis(Axis(0)).unwrap())
            }
            _ => ndchunk::apply_gufunc(signature, &refs, |v| {
                let mut acc = 0.0;
                v[0].mapv(|a| {
                    acc += a;
                    acc
                })
            }),
        };
        let what = format!("apply_gufunc {signature} on {shapes:?}");
        let got = got.compute().unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_close(&got, &json_array(&case), 1e-12, 1e-12, &what);
    }
}

#[test]
fn apply_gufunc_rejects_what_numpy_rejects() {
    let a = chunked(data(&[3, 4], 1), irregular(&[3, 4]));
    let b = chunked(data(&[5], 2), irregular(&[5]));
    let id = |v: &[ndarray::ArrayViewD<'_, f64>]| v[0].to_owned();
    for (signature, operands, needle) in [
        (
            "(i),(i)->()",
            vec![&a, &b],
            "core dimension 'i' has length 4 and 5",
        ),
        ("(i)->(i)", vec![&a, &b], "1 inputs, 2 operands"),
        ("(i,j,k)->()", vec![&a], "operand 0 has 2 axes"),
        ("(i)->(i),(i)", vec![&a], "one output"),
        ("(i)-(i)", vec![&a], "position 4"),
        ("(i)->(k)", vec![&a], "position 6"),
    ] {
        let err = ndchunk::apply_gufunc(signature, &operands, id)
            .compute()
            .unwrap_err()
            .to_string();
        assert!(err.contains(needle), "{signature}: {err}");
    }
    let wrong = ndchunk::apply_gufunc("(i)->()", &[&a], id)
        .compute()
        .unwrap_err()
        .to_string();
    assert!(
        wrong.contains("f returned shape [4], the signature says []"),
        "{wrong}"
    );
}

#[test]
fn einsum_does_not_depend_on_threads() {
    let x = chunked(
        data(&[6, 40, 30], 1),
        Chunks::from_sizes(vec![vec![2, 4], vec![7, 33], vec![11, 19]]),
    );
    let y = chunked(data(&[6, 30, 20], 2), irregular(&[6, 30, 20]));
    let m = chunked(data(&[20, 9], 3), irregular(&[20, 9]));
    for (subscripts, operands) in [
        ("bij,bjk->bik", vec![&x, &y]),
        ("bij,bjk,kl->il", vec![&x, &y, &m]),
    ] {
        let e = ndchunk::einsum(subscripts, &operands);
        let one = e.compute_with(&Options::default().threads(1)).unwrap();
        assert_same(&one, &e.compute().unwrap(), subscripts);
        assert_same(
            &one,
            &e.compute_with(&Options::default().threads(2)).unwrap(),
            subscripts,
        );
    }
}
