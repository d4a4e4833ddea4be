//! Differential tests of `map_overlap` against an eager reference: pad the
//! whole array with ndarray (numpy's pad modes, written out below), apply
//! the same function to the padded array, cut the padding off. The function
//! does the same arithmetic on the same values in both, so results are
//! compared for exact equality, block edges included. Also: the halo reads
//! only the blocks it needs, bad arguments are clear errors, and a few
//! checks of `map_blocks` (block info, changed shapes, wrong shapes).

#[macro_use]
mod common;

use common::{assert_same, chunked, ctx, floats, ints, partition, typed, Case};
use ndarray::{
    Array, Array2, ArrayD, ArrayView2, ArrayViewD, Axis, Dimension, Ix1, Ix2, IxDyn, Slice,
};
use ndchunk::{BlockInfo, Boundary, ChunkedArray, Chunks, Error};
use proptest::prelude::*;

// ---------------------------------------------------------------------------
// The eager reference
// ---------------------------------------------------------------------------

/// The four boundaries, with a constant no test data holds.
fn boundaries() -> [Boundary<f64>; 4] {
    [
        Boundary::Reflect,
        Boundary::Periodic,
        Boundary::Constant(-0.5),
        Boundary::None,
    ]
}

/// How many elements the reference pads an axis with: none with `None`.
fn pad_width(depth: usize, boundary: &Boundary<f64>) -> usize {
    match boundary {
        Boundary::None => 0,
        _ => depth,
    }
}

/// `a` padded by `depth` on both sides of every axis as numpy's `np.pad`
/// does: `Reflect` is mode "symmetric" (edge repeated), `Periodic` "wrap",
/// `Constant(v)` "constant"; `None` pads nothing.
fn pad(a: &ArrayD<f64>, depth: &[usize], boundary: &Boundary<f64>) -> ArrayD<f64> {
    let width: Vec<usize> = depth.iter().map(|&d| pad_width(d, boundary)).collect();
    let shape: Vec<usize> = a
        .shape()
        .iter()
        .zip(&width)
        .map(|(n, w)| n + 2 * w)
        .collect();
    ArrayD::from_shape_fn(IxDyn(&shape), |at| {
        let mut source = Vec::with_capacity(shape.len());
        for (k, (&n, &w)) in a.shape().iter().zip(&width).enumerate() {
            let p = at[k] as isize - w as isize;
            let n = n as isize;
            let q = match boundary {
                _ if (0..n).contains(&p) => p,
                Boundary::Periodic => p.rem_euclid(n),
                Boundary::Reflect => {
                    let q = p.rem_euclid(2 * n);
                    if q < n {
                        q
                    } else {
                        2 * n - 1 - q
                    }
                }
                Boundary::Constant(v) => return *v,
                Boundary::None => unreachable!("nothing is padded"),
            };
            source.push(q as usize);
        }
        a[IxDyn(&source)]
    })
}

/// What `map_overlap(depth, boundary, f)` must give: `f` on the padded array,
/// with the padding cut off.
fn reference(
    a: &ArrayD<f64>,
    depth: &[usize],
    boundary: &Boundary<f64>,
    f: impl Fn(ArrayViewD<f64>) -> ArrayD<f64>,
) -> ArrayD<f64> {
    let padded = pad(a, depth, boundary);
    let full = f(padded.view());
    assert_eq!(full.shape(), padded.shape(), "f keeps the shape");
    full.slice_each_axis(|ax| {
        let k = ax.axis.index();
        let w = pad_width(depth[k], boundary);
        Slice::from(w..w + a.shape()[k])
    })
    .to_owned()
}

// ---------------------------------------------------------------------------
// Stencils
// ---------------------------------------------------------------------------

/// Taps of a stencil: (offset per axis, weight).
type Taps = Vec<(Vec<isize>, f64)>;

/// `sum(w * h[i + offset])` over the taps, in their order, where all taps
/// fall inside `h`; `h[i]` itself elsewhere (those elements are halo, or
/// array edges with `Boundary::None`, and depend only on their neighbours).
fn stencil(h: ArrayViewD<f64>, taps: &Taps) -> ArrayD<f64> {
    let shape = h.shape().to_vec();
    ArrayD::from_shape_fn(IxDyn(&shape), |at| {
        let mut total = 0.0;
        let mut index = vec![0; shape.len()];
        for (offset, w) in taps {
            for k in 0..shape.len() {
                let p = at[k] as isize + offset[k];
                if p < 0 || p >= shape[k] as isize {
                    return h[&at];
                }
                index[k] = p as usize;
            }
            total += w * h[IxDyn(&index)];
        }
        total
    })
}

/// Every offset within `depth`, each with its own weight: each element's
/// result is a checksum of its whole neighbourhood, so a misplaced halo
/// element changes it.
fn box_taps(depth: &[usize]) -> Taps {
    let mut taps: Taps = vec![(vec![], 1.0)];
    for &d in depth {
        let d = d as isize;
        taps = taps
            .into_iter()
            .flat_map(|(offset, _)| {
                (-d..=d).map(move |o| {
                    let mut offset = offset.clone();
                    offset.push(o);
                    (offset, 0.0)
                })
            })
            .collect();
    }
    let n = taps.len();
    for (k, tap) in taps.iter_mut().enumerate() {
        // Distinct small integers: exact with integer data.
        tap.1 = (k as f64 + 1.0) * if k % 2 == 0 { 1.0 } else { -1.0 } + n as f64;
    }
    taps
}

/// The 5-point Laplacian in 2-D.
fn laplacian_taps() -> Taps {
    vec![
        (vec![-1, 0], 1.0),
        (vec![1, 0], 1.0),
        (vec![0, -1], 1.0),
        (vec![0, 1], 1.0),
        (vec![0, 0], -4.0),
    ]
}

/// The 7-point stencil in 3-D (a diffusion step with weight 0.1).
fn seven_point_taps() -> Taps {
    let mut taps = vec![(vec![0, 0, 0], 0.4)];
    for axis in 0..3 {
        for step in [-1, 1] {
            let mut offset = vec![0; 3];
            offset[axis] = step;
            taps.push((offset, 0.1));
        }
    }
    taps
}

/// A window sum of `2 * radius + 1` elements in 1-D.
fn moving_sum_taps(radius: isize) -> Taps {
    (-radius..=radius).map(|o| (vec![o], 1.0)).collect()
}

/// `map_overlap` of `a` chunked with `chunks`, with `f` on `ArrayViewD`,
/// run as dimension `D`.
fn lazy_overlap<D: Dimension>(
    a: &ArrayD<f64>,
    chunks: &Chunks,
    depth: &[usize],
    boundary: Boundary<f64>,
    f: impl Fn(ArrayViewD<f64>) -> ArrayD<f64> + Send + Sync + 'static,
) -> ndchunk::Result<ArrayD<f64>> {
    let x = chunked(&typed::<f64, D>(a.clone()), chunks);
    x.map_overlap(depth, boundary, move |h, _| {
        typed::<f64, D>(f(h.into_dyn()))
    })
    .compute()
    .map(|r| r.into_dyn())
}

/// Check `map_overlap` against the reference for one input.
#[track_caller]
fn check<D: Dimension>(
    a: &ArrayD<f64>,
    chunks: &Chunks,
    depth: &[usize],
    boundary: Boundary<f64>,
    taps: &Taps,
    what: &str,
) {
    let expected = reference(a, depth, &boundary, |h| stencil(h, taps));
    let t = taps.clone();
    let actual = lazy_overlap::<D>(a, chunks, depth, boundary, move |h| stencil(h, &t))
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_same(
        &actual,
        &expected,
        &format!(
            "{what} with {boundary:?}, depth {depth:?}, chunks {chunks:?}, {}",
            std::any::type_name::<D>()
        ),
    );
}

// ---------------------------------------------------------------------------
// Differential tests
// ---------------------------------------------------------------------------

/// Depths from 0 to 2 by axis (some axes 0); no deeper than the axis for
/// the boundaries that mirror or wrap it.
fn depth_for(case_shape: &[usize], boundary: &Boundary<f64>) -> Vec<usize> {
    case_shape
        .iter()
        .enumerate()
        .map(|(k, &n)| {
            let d = [1, 2, 0][k % 3];
            match boundary {
                Boundary::Reflect | Boundary::Periodic => d.min(n),
                _ => d,
            }
        })
        .collect()
}

fn identity_and_box_stencil_on<D: Dimension>(case: &Case) {
    let a = ints(&case.shape, 11, -50, 50).mapv(|v| v as f64);
    for boundary in boundaries() {
        let depth = depth_for(&case.shape, &boundary);
        for chunks in [&case.chunks, &case.alt] {
            let what = ctx::<D>(case, "identity");
            let identity: Taps = vec![(vec![0; case.ndim()], 1.0)];
            check::<D>(&a, chunks, &depth, boundary, &identity, &what);
            let what = ctx::<D>(case, "box stencil");
            check::<D>(&a, chunks, &depth, boundary, &box_taps(&depth), &what);
        }
    }
}

#[test]
fn identity_and_box_stencil_match_the_padded_reference_on_every_case() {
    for_each_case!(identity_and_box_stencil_on);
}

#[test]
fn laplacian_is_exactly_the_eager_one_at_block_edges() {
    let a = floats(&[13, 11], 3);
    let chunkings = [
        Chunks::from_sizes(vec![vec![4, 4, 4, 1], vec![5, 6]]),
        Chunks::from_sizes(vec![vec![1, 12], vec![3, 1, 7]]),
        Chunks::from_sizes(vec![vec![13], vec![11]]),
        Chunks::from_sizes(vec![
            vec![1; 13],
            vec![2; 5].into_iter().chain([1]).collect(),
        ]),
    ];
    for boundary in boundaries() {
        for chunks in &chunkings {
            check::<Ix2>(
                &a,
                chunks,
                &[1, 1],
                boundary,
                &laplacian_taps(),
                "laplacian",
            );
            check::<IxDyn>(
                &a,
                chunks,
                &[2, 1],
                boundary,
                &laplacian_taps(),
                "laplacian",
            );
        }
    }
}

/// The Laplacian as one would write it for 2-D arrays: whole-slice
/// arithmetic, the border copied.
fn laplacian_2d(u: ArrayView2<f64>) -> Array2<f64> {
    let mut out = u.to_owned();
    let (n, m) = u.dim();
    if n >= 3 && m >= 3 {
        let centre = u.slice(ndarray::s![1..n - 1, 1..m - 1]);
        let lap = &u.slice(ndarray::s![..n - 2, 1..m - 1])
            + &u.slice(ndarray::s![2.., 1..m - 1])
            + u.slice(ndarray::s![1..n - 1, ..m - 2])
            + u.slice(ndarray::s![1..n - 1, 2..])
            - &centre * 4.0;
        out.slice_mut(ndarray::s![1..n - 1, 1..m - 1]).assign(&lap);
    }
    out
}

#[test]
fn typed_laplacian_matches_and_chains() {
    let a = floats(&[17, 9], 8);
    let chunks = Chunks::from_sizes(vec![vec![5, 5, 5, 2], vec![4, 1, 4]]);
    for boundary in boundaries() {
        let x = chunked(&typed::<f64, Ix2>(a.clone()), &chunks);
        let step =
            |x: &ChunkedArray<f64, Ix2>| x.map_overlap((1, 1), boundary, |u, _| laplacian_2d(u));
        let once = step(&x).compute().unwrap();
        let expected = reference(&a, &[1, 1], &boundary, |u| {
            laplacian_2d(u.into_dimensionality().unwrap()).into_dyn()
        });
        assert_same(&once.into_dyn(), &expected, &format!("{boundary:?} once"));
        // Two chained steps: the second pads the first's result.
        let twice = step(&step(&x)).compute().unwrap();
        let once = reference(&a, &[1, 1], &boundary, |u| {
            laplacian_2d(u.into_dimensionality().unwrap()).into_dyn()
        });
        let expected = reference(&once, &[1, 1], &boundary, |u| {
            laplacian_2d(u.into_dimensionality().unwrap()).into_dyn()
        });
        assert_same(&twice.into_dyn(), &expected, &format!("{boundary:?} twice"));
    }
}

#[test]
fn moving_sums_in_1d_reach_past_small_blocks() {
    let a = ints(&[23], 5, -9, 9).mapv(|v| v as f64);
    let chunkings = [
        Chunks::from_sizes(vec![vec![8, 8, 7]]),
        Chunks::from_sizes(vec![vec![1; 23]]),
        Chunks::from_sizes(vec![vec![2, 1, 5, 1, 1, 10, 3]]),
        Chunks::from_sizes(vec![vec![23]]),
    ];
    for boundary in boundaries() {
        for chunks in &chunkings {
            // Depths 1 and 3 (deeper than most blocks of the irregular chunkings).
            check::<Ix1>(&a, chunks, &[1], boundary, &moving_sum_taps(1), "sum of 3");
            check::<Ix1>(&a, chunks, &[3], boundary, &moving_sum_taps(3), "sum of 7");
            // A halo as long as the array (wrapping once, mirroring once).
            check::<Ix1>(
                &a,
                chunks,
                &[23],
                boundary,
                &moving_sum_taps(1),
                "deep halo",
            );
        }
    }
}

#[test]
fn seven_point_stencil_in_3d() {
    let a = floats(&[7, 5, 6], 9);
    let chunkings = [
        Chunks::from_sizes(vec![vec![3, 4], vec![2, 2, 1], vec![6]]),
        Chunks::from_sizes(vec![vec![1, 1, 5], vec![5], vec![1, 2, 3]]),
    ];
    for boundary in boundaries() {
        for chunks in &chunkings {
            check::<ndarray::Ix3>(
                &a,
                chunks,
                &[1, 1, 1],
                boundary,
                &seven_point_taps(),
                "7-point",
            );
            check::<IxDyn>(
                &a,
                chunks,
                &[2, 1, 3],
                boundary,
                &seven_point_taps(),
                "7-point",
            );
        }
    }
}

#[test]
fn shifts_in_4d_read_the_right_halo_elements() {
    let a = ints(&[5, 4, 3, 6], 21, -999, 999).mapv(|v| v as f64);
    let chunks = Chunks::from_sizes(vec![vec![2, 3], vec![1, 3], vec![3], vec![2, 2, 2]]);
    let depth = [2, 1, 0, 3];
    for boundary in boundaries() {
        // Identity with an offset: every corner of the halo box, and more.
        for offset in [
            [2, 1, 0, 3],
            [-2, -1, 0, -3],
            [2, -1, 0, -3],
            [-2, 1, 0, 2],
            [0, 0, 0, 1],
            [1, 0, 0, 0],
        ] {
            let taps: Taps = vec![(offset.to_vec(), 1.0)];
            let what = format!("shift by {offset:?}");
            check::<ndarray::Ix4>(&a, &chunks, &depth, boundary, &taps, &what);
        }
    }
}

#[test]
fn size_one_axes_and_constant_or_none_deeper_than_the_array() {
    let a = floats(&[1, 5, 1], 2);
    let chunks = Chunks::from_sizes(vec![vec![1], vec![2, 3], vec![1]]);
    for boundary in [Boundary::Constant(7.0), Boundary::None] {
        let depth = [3, 6, 2];
        check::<IxDyn>(&a, &chunks, &depth, boundary, &box_taps(&[1, 1, 1]), "deep");
    }
    for boundary in [Boundary::Reflect, Boundary::Periodic] {
        let depth = [1, 5, 0];
        check::<IxDyn>(
            &a,
            &chunks,
            &depth,
            boundary,
            &box_taps(&depth),
            "depth = length",
        );
    }
}

#[test]
fn integer_elements_and_another_output_type() {
    let a = ndarray::Array1::from_iter(0..10i64);
    let x = ChunkedArray::from_array(a.clone(), 3).unwrap();
    // Whether each element is larger than both neighbours (wrapping).
    let peaks = x.map_overlap(1, Boundary::Periodic, |h, _| {
        let mut out = ndarray::Array1::from_elem(h.len(), false);
        for i in 1..h.len() - 1 {
            out[i] = h[i] > h[i - 1] && h[i] > h[i + 1];
        }
        out
    });
    let mut expected = ndarray::Array1::from_elem(10, false);
    expected[9] = true;
    assert_eq!(peaks.compute().unwrap(), expected);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn random_chunkings_and_depths(
        (r, c, rs, cs) in (1usize..6, 1usize..9)
            .prop_flat_map(|(r, c)| (Just(r), Just(c), partition(r), partition(c))),
        seed in 0u64..1000,
        which in 0usize..4,
        dr in 0usize..4,
        dc in 0usize..4,
    ) {
        let a = ints(&[r, c], seed, -20, 20).mapv(|v| v as f64);
        let boundary = boundaries()[which];
        let depth = match boundary {
            Boundary::Reflect | Boundary::Periodic => [dr.min(r), dc.min(c)],
            _ => [dr, dc],
        };
        let chunks = Chunks::from_sizes(vec![rs, cs]);
        check::<Ix2>(&a, &chunks, &depth, boundary, &box_taps(&depth), "random");
    }
}

// ---------------------------------------------------------------------------
// What each block reads
// ---------------------------------------------------------------------------

/// Number of task-graph edges: the blocks the output blocks read.
fn edges<D: Dimension>(x: &ChunkedArray<f64, D>) -> usize {
    x.visualize().lines().filter(|l| l.contains("->")).count()
}

#[test]
fn each_block_reads_only_the_neighbours_it_needs() {
    let x = ChunkedArray::from_array(Array2::<f64>::zeros((9, 9)), (3, 3)).unwrap();
    let id = |h: ArrayView2<f64>, _: &BlockInfo| h.to_owned();
    // Wrapping: all 9 blocks read 9 blocks each.
    assert_eq!(edges(&x.map_overlap((1, 1), Boundary::Periodic, id)), 81);
    // Past the edges nothing is read: corners read 4, sides 6, the centre 9.
    assert_eq!(
        edges(&x.map_overlap((1, 1), Boundary::Constant(0.0), id)),
        49
    );
    assert_eq!(edges(&x.map_overlap((1, 1), Boundary::None, id)), 49);
    // Reflecting reads the block itself at the edge.
    assert_eq!(edges(&x.map_overlap((1, 1), Boundary::Reflect, id)), 49);
    // No halo along axis 1: 3 blocks per row; depth 0: the block alone.
    assert_eq!(edges(&x.map_overlap((1, 0), Boundary::Periodic, id)), 27);
    assert_eq!(edges(&x.map_overlap((0, 0), Boundary::Periodic, id)), 9);
    // A depth of 2 on blocks of 3 without wrapping: the edge blocks read 2
    // blocks of their column, the middle one 3.
    assert_eq!(edges(&x.map_overlap((2, 0), Boundary::None, id)), 3 * 7);
    // A depth of 4 wraps all the way round: each block is read once.
    assert_eq!(edges(&x.map_overlap((4, 0), Boundary::Periodic, id)), 27);
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

#[test]
fn depth_of_the_wrong_rank_is_an_error() {
    let x = ChunkedArray::from_array(ArrayD::<f64>::zeros(IxDyn(&[4, 4])), (2, 2)).unwrap();
    let y = x.map_overlap((1, 1, 1), Boundary::Periodic, |h, _| h.to_owned());
    match y.compute() {
        Err(Error::RankMismatch {
            argument: "depth",
            expected: 2,
            got: 3,
        }) => {}
        other => panic!("expected a rank mismatch on depth, got {other:?}"),
    }
    assert_eq!(y.shape(), &[4, 4], "the failed result keeps the shape");
}

#[test]
fn depth_beyond_a_mirrored_or_wrapped_axis_is_an_error() {
    let x = ChunkedArray::from_array(Array2::<f64>::zeros((6, 3)), (2, 2)).unwrap();
    for (boundary, name) in [
        (Boundary::Reflect, "Reflect"),
        (Boundary::Periodic, "Periodic"),
    ] {
        let e = x
            .map_overlap((2, 5), boundary, |h, _| h.to_owned())
            .compute()
            .unwrap_err();
        let text = e.to_string();
        assert!(
            matches!(
                e,
                Error::InvalidArgument {
                    argument: "depth",
                    ..
                }
            ) && text.contains("depth 5 on axis 1")
                && text.contains("length 3")
                && text.contains(name),
            "{text}"
        );
    }
}

#[test]
fn a_result_of_the_wrong_shape_names_the_block() {
    let x = ChunkedArray::from_array(Array2::<f64>::zeros((6, 6)), (3, 3)).unwrap();
    // The haloed block without its halo: the shape of the block, not the halo's.
    let y = x.map_overlap((1, 1), Boundary::Constant(0.0), |h, info| {
        if info.index == [1, 0] {
            h.slice(ndarray::s![1..4, 1..4]).to_owned()
        } else {
            h.to_owned()
        }
    });
    let text = y.compute().unwrap_err().to_string();
    assert!(
        text.contains("[1, 0]") && text.contains("[3, 3]") && text.contains("[5, 5]"),
        "{text}"
    );
}

#[test]
fn a_panic_is_an_error_and_the_next_compute_works() {
    let x = ChunkedArray::from_array(Array2::<f64>::ones((6, 6)), (3, 3)).unwrap();
    let bad = x.map_overlap((1, 1), Boundary::Reflect, |h, info| {
        if info.index == [0, 1] {
            panic!("no stencil here");
        }
        h.to_owned()
    });
    match bad.compute() {
        Err(Error::TaskPanicked { task, message }) => {
            assert!(
                task.contains("map_overlap") && task.contains("[0, 1]"),
                "{task}"
            );
            assert_eq!(message, "no stencil here");
        }
        other => panic!("expected TaskPanicked, got {other:?}"),
    }
    let good = x.map_overlap((1, 1), Boundary::Reflect, |h, _| h.to_owned());
    assert_eq!(good.compute().unwrap(), Array2::<f64>::ones((6, 6)));
}

// ---------------------------------------------------------------------------
// map_blocks
// ---------------------------------------------------------------------------

#[test]
fn block_info_gives_index_and_offset() {
    let chunks = Chunks::from_sizes(vec![vec![2, 1, 3], vec![4, 1]]);
    let x = ChunkedArray::from_array(Array2::<i64>::zeros((6, 5)), &chunks).unwrap();
    // Every element becomes a code of its block's index and offset.
    let coded = x
        .map_blocks(|b, info| {
            let code =
                info.index[0] * 1000 + info.index[1] * 100 + info.offset[0] * 10 + info.offset[1];
            b.mapv(|_| code as i64)
        })
        .compute()
        .unwrap();
    for i in 0..6 {
        for j in 0..5 {
            let (bi, oi) = match i {
                0..=1 => (0, 0),
                2 => (1, 2),
                _ => (2, 3),
            };
            let (bj, oj) = if j < 4 { (0, 0) } else { (1, 4) };
            assert_eq!(
                coded[[i, j]],
                (bi * 1000 + bj * 100 + oi * 10 + oj) as i64,
                "[{i}, {j}]"
            );
        }
    }
    // map_overlap hands over the same info.
    let halo = x
        .map_overlap((1, 1), Boundary::None, |h, info| {
            h.mapv(|_| (info.offset[0] * 10 + info.offset[1]) as i64)
        })
        .compute()
        .unwrap();
    assert_eq!(halo[[2, 4]], 24);
    assert_eq!(halo[[5, 0]], 30);
}

#[test]
fn map_blocks_to_can_drop_an_axis() {
    let a = floats(&[6, 4, 3], 4);
    let chunks = Chunks::from_sizes(vec![vec![2, 4], vec![4], vec![1, 2]]);
    let x = chunked(&typed::<f64, ndarray::Ix3>(a.clone()), &chunks);
    // Summing over axis 1 (one block along it) inside each block.
    let out = Chunks::from_sizes(vec![vec![2, 4], vec![1, 2]]);
    let y = x.map_blocks_to(out, |b, _| b.sum_axis(Axis(1)));
    assert_eq!(y.chunks().sizes(), &[vec![2, 4], vec![1, 2]]);
    let expected = typed::<f64, ndarray::Ix3>(a).sum_axis(Axis(1));
    assert_same(&y.compute().unwrap(), &expected, "sum over axis 1 by block");
}

#[test]
fn map_blocks_errors() {
    let x = ChunkedArray::from_array(Array::<f64, _>::zeros((6, 4)), (3, 2)).unwrap();
    // A block of the wrong shape names the block.
    let wrong = x.map_blocks(|b, info| {
        if info.index == [1, 1] {
            Array2::zeros((2, 2))
        } else {
            b.to_owned()
        }
    });
    let text = wrong.compute().unwrap_err().to_string();
    assert!(
        text.contains("[1, 1]") && text.contains("[2, 2]") && text.contains("[3, 2]"),
        "{text}"
    );
    // Output chunks whose block grid is not the input's.
    let grid = x.map_blocks_to(Chunks::from_sizes(vec![vec![6]]), |b, _| {
        b.sum_axis(Axis(1))
    });
    let e = grid.compute().unwrap_err();
    assert!(
        matches!(
            e,
            Error::InvalidArgument {
                argument: "chunks",
                ..
            }
        ) && e.to_string().contains("[2, 2]"),
        "{e}"
    );
}
