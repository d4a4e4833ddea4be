//! Operations taking several dynamic-rank (`IxDyn`) arrays: a rank that does
//! not fit is an error naming the argument, never a panic (issue 9), and
//! ranks that broadcast give numpy's (and ndarray's) values.

mod common;

use common::{assert_same, floats};
use ndarray::{ArrayD, Axis, IxDyn};
use ndchunk::delayed::delayed;
use ndchunk::{concatenate, stack, tensordot, where_cond, ChunkedArray, Chunks, Error};
use std::fmt::Debug;
use std::panic::{catch_unwind, AssertUnwindSafe};

type Dyn = ChunkedArray<f64, IxDyn>;

fn lazy(shape: &[usize], salt: u64) -> (ArrayD<f64>, Dyn) {
    let a = floats(shape, salt);
    let block: Vec<usize> = shape.iter().map(|&n| n.div_ceil(2).max(1)).collect();
    let x = ChunkedArray::from_array(a.clone(), block).unwrap();
    (a, x)
}

/// Runs `f` and returns its error; a panic or an `Ok` fails the test.
#[track_caller]
fn error_of<T: Debug>(what: &str, f: impl FnOnce() -> Result<T, Error>) -> Error {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Err(e)) => e,
        Ok(Ok(v)) => panic!("{what}: expected an error, got {v:?}"),
        Err(_) => panic!("{what} panicked"),
    }
}

#[test]
fn joining_arrays_of_different_ranks_is_a_rank_mismatch() {
    let (_, a3) = lazy(&[2, 3, 4], 1);
    let (_, a1) = lazy(&[4], 2);
    let (_, b3) = lazy(&[5, 3, 4], 3);
    // Axis 2 exists in the first array only: the panic.
    for axis in [0, 2] {
        for (what, arrays) in [
            ("[3-d, 1-d]", vec![&a3, &a1]),
            ("[3-d, 3-d, 1-d]", vec![&a3, &b3, &a1]),
        ] {
            let e = error_of(&format!("concatenate {what} along {axis}"), || {
                concatenate(Axis(axis), &arrays)
            });
            assert!(
                matches!(
                    e,
                    Error::RankMismatch {
                        argument: "arrays",
                        expected: 3,
                        got: 1
                    }
                ),
                "{e}"
            );
            let e = error_of(&format!("stack {what}"), || stack(Axis(axis), &arrays));
            assert!(
                matches!(
                    e,
                    Error::RankMismatch {
                        argument: "arrays",
                        ..
                    }
                ),
                "{e}"
            );
        }
    }
    // Same ranks still join, with ndarray's values.
    let (a, x) = lazy(&[2, 3, 4], 1);
    let (b, y) = lazy(&[5, 3, 4], 3);
    let joined = concatenate(Axis(0), &[&x, &y]).unwrap().compute().unwrap();
    let expected = ndarray::concatenate(Axis(0), &[a.view(), b.view()]).unwrap();
    assert_same(&joined, &expected, "concatenate of 3-d arrays");
}

#[test]
fn elementwise_operations_of_different_ranks_broadcast_or_fail_cleanly() {
    let (a, x) = lazy(&[2, 3, 4], 1);
    let (v, y) = lazy(&[4], 2);
    let (m, z) = lazy(&[3, 1], 3);
    let (_, bad) = lazy(&[3], 4);
    // Ranks that broadcast: the values of ndarray's broadcasting arithmetic.
    assert_same(&(&x + &y).compute().unwrap(), &(&a + &v), "3-d + 1-d");
    assert_same(&(&y * &x).compute().unwrap(), &(&v * &a), "1-d * 3-d");
    assert_same(&(&x - &z).compute().unwrap(), &(&a - &m), "3-d - 2-d");
    let zipped = x.zip_with(&y, |p, q| p.max(q)).compute().unwrap();
    let expected = ndarray::Zip::from(&a)
        .and_broadcast(&v)
        .map_collect(|p, q| p.max(*q));
    assert_same(&zipped, &expected, "zip_with");
    // Ranks that do not: a shape mismatch naming the operation, from compute.
    for (what, result) in [
        ("+", (&x + &bad).compute()),
        ("zip_with", x.zip_with(&bad, |p, q| p + q).compute()),
        ("where_cond", where_cond(&bad.gt(0.0), &x, 0.0).compute()),
    ] {
        let e = error_of(what, || result);
        assert!(matches!(e, Error::ShapeMismatch { .. }), "{what}: {e}");
    }
    let e = error_of("gt", || x.gt(&bad).compute());
    assert!(matches!(e, Error::ShapeMismatch { op: "gt", .. }), "{e}");
    // select with branches of other ranks, broadcast as numpy's where.
    let picked = where_cond(&x.gt(0.0), &y, &z).compute().unwrap();
    let mut expected = ArrayD::zeros(IxDyn(&[2, 3, 4]));
    ndarray::Zip::from(&mut expected)
        .and(&a)
        .and_broadcast(&v)
        .and_broadcast(&m)
        .for_each(|e, &c, &p, &q| *e = if c > 0.0 { p } else { q });
    assert_same(&picked, &expected, "select of 3-d, 1-d and 2-d");
}

#[test]
fn products_blocks_and_grids_of_the_wrong_rank_are_errors() {
    let (_, x) = lazy(&[2, 3, 4], 1);
    let (_, y) = lazy(&[4], 2);
    // An axis that exists in `a` but not in `b`.
    let e = error_of("tensordot", || tensordot(&x, &y, (&[2], &[1])).compute());
    assert!(
        matches!(
            e,
            Error::AxisOutOfBounds {
                axis: 1,
                ndim: 1,
                ..
            }
        ),
        "{e}"
    );
    let e = error_of("tensordot lengths", || {
        tensordot(&x, &y, (&[0], &[0])).compute()
    });
    assert!(
        matches!(
            e,
            Error::ShapeMismatch {
                op: "tensordot",
                ..
            }
        ),
        "{e}"
    );
    // map_blocks_to with chunks whose grid is not the input's.
    let e = error_of("map_blocks_to", || {
        x.map_blocks_to(Chunks::from_sizes(vec![vec![1, 1, 1]]), |b, _| b.to_owned())
            .compute()
    });
    assert!(
        matches!(
            e,
            Error::InvalidArgument {
                argument: "chunks",
                ..
            }
        ),
        "{e}"
    );
    // from_delayed with a grid of another rank than the chunks.
    let grid = ndarray::Array::from_shape_fn(IxDyn(&[2]), |_| {
        delayed(|| ArrayD::<f64>::zeros(IxDyn(&[2, 2])))
    });
    let e = error_of("from_delayed", || {
        ChunkedArray::from_delayed(grid, Chunks::from_sizes(vec![vec![2], vec![2, 2]]))
    });
    assert!(
        matches!(
            e,
            Error::RankMismatch {
                argument: "grid",
                expected: 2,
                got: 1
            }
        ),
        "{e}"
    );
    // The arrays are still fine afterwards.
    assert_eq!(x.shape(), &[2, 3, 4]);
}
