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

fn chunked(a: ArrayD<f64>, chunks: Chunks) -> ChunkedArray<f64, IxDyn> {
    ChunkedArray::from_array(a, chunks).expect("valid chunks")
}

#[test]
fn einsum_matches_numpy_on_every_subscript() {
    for case in fixture_cases(FIXTURE, "einsum") {
        let subscripts = case["subscripts"].as_str().unwrap();
        let shapes: Vec<Vec<usize>> = case["shapes"]
            .as_array()
            .unwrap()
            .iter()
            .map(json_usizes)
            .collect();
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
