//! A value passed through `shared` is handed to every call by reference,
//! never copied: measured with a counting global allocator (as in
//! tests/memory.rs). The allocator counts every thread, so this binary holds
//! a single test.

use ndchunk::delayed::{shared, Delayed};
use ndchunk::prelude::*;

#[path = "common/counting_alloc.rs"]
mod counting_alloc;

const MB: usize = 1 << 20;
const OBJECT: usize = 500 * MB;
const TASKS: usize = 100;
const PIECE: usize = 4096;

use counting_alloc::peak_during;

#[test]
fn a_shared_500_mb_object_is_never_copied_per_task() {
    // Distinct bytes per piece, so that each task's answer is checkable.
    let mut object = vec![1u8; OBJECT];
    for k in 0..TASKS {
        object[k * PIECE] = k as u8;
    }
    let table = shared(object);
    let tasks: Vec<Delayed<u64>> = (0..TASKS)
        .map(|k| {
            table.map(move |t: &Vec<u8>| {
                let piece = &t[k * PIECE..(k + 1) * PIECE];
                piece.iter().map(|&b| b as u64).sum::<u64>() + t.len() as u64
            })
        })
        .collect();
    let all = Delayed::collect(&tasks);
    let expected: Vec<u64> = (0..TASKS)
        .map(|k| (PIECE as u64 - 1) + k as u64 + OBJECT as u64)
        .collect();

    for options in [
        Options::default(),
        Options::default().threads(2),
        Options::default().scheduler(Scheduler::Sync),
    ] {
        let (values, base, peak) = peak_during(|| all.compute_with(&options).unwrap());
        assert_eq!(values, expected, "{options:?}");
        eprintln!(
            "{options:?}: peak {} MB allocated while 100 tasks read the 500 MB object",
            peak / MB
        );
        // The counter sees the object (so the bound below can fail).
        assert!(
            base >= OBJECT,
            "{options:?}: only {base} bytes live before computing"
        );
        assert!(
            peak < 600 * MB,
            "{options:?}: peak {} MB while computing, the object is 500 MB",
            peak / MB
        );
        assert!(
            peak - base < 50 * MB,
            "{options:?}: {} MB allocated on top of the object while computing",
            (peak - base) / MB
        );
    }
}
