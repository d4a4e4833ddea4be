//! Random values are a function of (seed, draw, element index) only: the
//! same for any chunking, slice, thread count and scheduler; a corner of a
//! huge array draws only the corner. (Their distribution is checked in
//! `random_quality.rs`.)

use ndarray::{ArrayD, IxDyn, SliceInfoElem};
use ndchunk::prelude::*;
use ndchunk::random::Rng;
use proptest::collection::vec;
use proptest::prelude::*;

/// A random partition of `len` into positive parts (one part when empty).
fn partition(len: usize) -> impl Strategy<Value = Vec<usize>> {
    vec(1..=len.max(1), 1..=len.max(1)).prop_map(move |cuts| {
        let mut parts = Vec::new();
        let mut left = len;
        for c in cuts {
            if left == 0 {
                break;
            }
            let part = c.min(left);
            parts.push(part);
            left -= part;
        }
        if left > 0 || parts.is_empty() {
            parts.push(left);
        }
        parts
    })
}

fn chunking(shape: Vec<usize>) -> impl Strategy<Value = Chunks> {
    shape
        .into_iter()
        .map(partition)
        .collect::<Vec<_>>()
        .prop_map(Chunks::from_sizes)
}

/// A shape of 1 to 4 axes (empty and size-1 axes included), two chunkings
/// of it, and a slice (start, end, step) per axis.
/// (start, end, step) on one axis.
type AxisSlice = (usize, usize, isize);

fn case() -> impl Strategy<Value = (Vec<usize>, Chunks, Chunks, Vec<AxisSlice>)> {
    vec(0_usize..9, 1..=4).prop_flat_map(|shape| {
        let slices: Vec<_> = shape
            .iter()
            .map(|&n| {
                (
                    0..=n,
                    0..=n,
                    prop_oneof![Just(1_isize), Just(2), Just(-1), Just(3)],
                )
                    .prop_map(|(a, b, step)| (a.min(b), a.max(b), step))
            })
            .collect();
        (
            Just(shape.clone()),
            chunking(shape.clone()),
            chunking(shape),
            slices,
        )
    })
}

fn info(slices: &[AxisSlice]) -> Vec<SliceInfoElem> {
    slices
        .iter()
        .map(|&(start, end, step)| SliceInfoElem::Slice {
            start: start as isize,
            end: Some(end as isize),
            step,
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn values_do_not_depend_on_chunks_slices_or_threads(
        (shape, a, b, slices) in case(),
        seed in any::<u64>(),
    ) {
        let draw = |chunks: &Chunks| {
            let rng = Rng::seed(seed);
            let _skipped = rng.uniform(0.0_f64, 1.0, 3, 3).unwrap(); // draw 0
            rng.standard_normal(IxDyn(&shape), chunks).unwrap()     // draw 1
        };
        let (x, y) = (draw(&a), draw(&b));
        let whole: ArrayD<f64> = x.compute().unwrap();
        prop_assert_eq!(&y.compute().unwrap(), &whole);
        let elems = info(&slices);
        let sliced = y.slice(elems.as_slice()).compute().unwrap();
        prop_assert_eq!(&sliced, &whole.slice(elems.as_slice()).to_owned());
        for options in [
            Options::default().threads(1),
            Options::default().threads(3),
            Options::default().scheduler(Scheduler::Sync),
        ] {
            prop_assert_eq!(&x.compute_with(&options).unwrap(), &whole);
        }
    }
}

#[test]
fn the_corner_of_a_huge_array_draws_only_the_corner() {
    // One block of 10^10 elements (80 GB): drawing it whole could not fit
    // the 1 MB limit; the corner's task draws its 100 values.
    let x = Rng::seed(5)
        .standard_normal((100_000, 100_000), (100_000, 100_000))
        .unwrap();
    let small = Options::default().memory_limit(1 << 20);
    let corner = x.slice(s![..10, ..10]).compute_with(&small).unwrap();
    let other_blocks = Rng::seed(5)
        .standard_normal((100_000, 100_000), (7, 13))
        .unwrap();
    let same = other_blocks
        .slice(s![..10, ..10])
        .compute_with(&small)
        .unwrap();
    assert_eq!(corner, same);
    assert!(corner.iter().all(|v| v.is_finite()) && corner.std(0.0) > 0.3);
}
