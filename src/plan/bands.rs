//! Bands: the blocks one task of a reduction pass folds together when the
//! pass reads nothing but values held in place (in-memory arrays,
//! constants).
//!
//! A block of a row-major in-memory array is a run of short rows: a
//! 1000 x 1000 block of a 10000-wide array is 1000 runs of 8 KB, 80 KB
//! apart, and this machine reads memory in such runs at about half the
//! speed of one stream (`bw_blocked` against `bw` in the comparison
//! harness). The blocks side by side along the last axis hold whole rows
//! together: one task folding them row by row across the band reads the
//! array as a stream, and runs one task where there were many. Each block
//! still folds its own strips into its own partials, so the results are
//! those of one task per block, bit for bit, on any thread count. (The
//! graph depends on the thread count; an MPI run, lowered alike on every
//! rank, keeps a task per block.)

use crate::error::{Error, Result};
use crate::exec::{panic_message, Value};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// A pass run on `t` threads keeps at least this many tasks per thread
/// (when it has that many blocks): bands are cut when there are fewer, so
/// the threads finish together.
pub(super) const TASKS_PER_THREAD: usize = 4;

/// The `needed` blocks (C-order numbers, ascending) of a grid of `grid`
/// blocks, in the groups one task each folds on `threads` threads: runs of
/// neighbours along the last axis within one band, at most as wide as
/// keeps [`TASKS_PER_THREAD`] tasks per thread. A grid of fewer than two
/// axes gains nothing (its blocks are contiguous already) and keeps a task
/// per block.
pub(super) fn groups(grid: &[usize], needed: &[usize], threads: usize) -> Vec<Vec<usize>> {
    let Some((&across, rows)) = grid.split_last().filter(|_| grid.len() >= 2) else {
        return needed.iter().map(|&b| vec![b]).collect();
    };
    let bands = rows.iter().product::<usize>().max(1);
    let min_tasks = threads.saturating_mul(TASKS_PER_THREAD);
    let cuts = min_tasks.div_ceil(bands).clamp(1, across.max(1));
    let width = across.div_ceil(cuts).max(1);
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for &b in needed {
        let joins = groups.last().is_some_and(|group| {
            let last = group[group.len() - 1];
            // The next block of the same band, and of the same cut of it.
            b == last + 1 && b % across != 0 && (b % across) / width == (last % across) / width
        });
        match groups.last_mut() {
            Some(group) if joins => group.push(b),
            _ => groups.push(vec![b]),
        }
    }
    groups
}

/// Fold a band of `blocks` blocks with `fold_band`; when it fails (or
/// panics), name the block at fault as its own task would have been: each
/// block `k` (its task named `name(k)`) is folded again alone, and the
/// first that fails is the error. Should none fail alone, the band's own
/// failure stands.
pub(super) fn fold_blaming_blocks(
    blocks: usize,
    name: impl Fn(usize) -> String,
    fold_band: impl Fn() -> Result<Value>,
    fold_block: impl Fn(usize) -> Result<Value>,
) -> Result<Value> {
    let failure = match catch_unwind(AssertUnwindSafe(&fold_band)) {
        Ok(Ok(value)) => return Ok(value),
        failure => failure,
    };
    for k in 0..blocks {
        match catch_unwind(AssertUnwindSafe(|| fold_block(k))) {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => {
                return Err(Error::TaskFailed {
                    task: name(k),
                    source: Box::new(e),
                })
            }
            Err(payload) => {
                return Err(Error::TaskPanicked {
                    task: name(k),
                    message: panic_message(payload.as_ref()),
                })
            }
        }
    }
    match failure {
        Ok(result) => result,
        Err(payload) => std::panic::resume_unwind(payload),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_are_whole_rows_of_blocks_when_there_are_enough() {
        // 10 bands of 10 blocks on 2 threads: one task per band; on 8
        // threads, bands of 3, 3, 3 and 1 blocks.
        let all: Vec<usize> = (0..100).collect();
        let g = groups(&[10, 10], &all, 2);
        assert_eq!(g.len(), 10);
        assert!(g
            .iter()
            .enumerate()
            .all(|(k, group)| *group == (10 * k..10 * k + 10).collect::<Vec<_>>()));
        let g = groups(&[10, 10], &all, 8);
        assert_eq!(g.len(), 40);
        assert_eq!((g[0].clone(), g[3].clone()), (vec![0, 1, 2], vec![9]));
        // One thread keeps 4 tasks: 4 bands whole, 2 bands in halves.
        assert_eq!(groups(&[4, 10], &(0..40).collect::<Vec<_>>(), 1).len(), 4);
        assert_eq!(
            groups(&[2, 10], &(0..20).collect::<Vec<_>>(), 1)[0],
            vec![0, 1, 2, 3, 4]
        );
    }

    #[test]
    fn few_bands_are_cut_to_keep_tasks() {
        // 2 bands of 10 blocks on 2 threads: each cut in 4 (3, 3, 3, 1).
        let all: Vec<usize> = (0..20).collect();
        let g = groups(&[2, 10], &all, 2);
        assert_eq!(
            g,
            vec![
                vec![0, 1, 2],
                vec![3, 4, 5],
                vec![6, 7, 8],
                vec![9],
                vec![10, 11, 12],
                vec![13, 14, 15],
                vec![16, 17, 18],
                vec![19]
            ]
        );
        // A band of one block, a 3-D grid, an empty grid.
        assert_eq!(
            groups(&[4, 1], &[0, 1, 2, 3], 2),
            vec![vec![0], vec![1], vec![2], vec![3]]
        );
        assert_eq!(groups(&[2, 2, 3], &(0..12).collect::<Vec<_>>(), 2).len(), 8);
        assert!(groups(&[0, 3], &[], 2).is_empty());
    }

    #[test]
    fn a_failing_band_names_the_first_block_failing_alone() {
        let names = |k: usize| format!("sum partial[0, {k}]");
        let ok = || Ok(std::sync::Arc::new(0_u8) as Value);
        let bad = |k: usize| match k {
            1 => Err(Error::invalid("x", "block 1")),
            2 => panic!("block 2"),
            _ => ok(),
        };
        let err =
            fold_blaming_blocks(3, names, || Err(Error::invalid("x", "band")), bad).unwrap_err();
        assert!(
            matches!(&err, Error::TaskFailed { task, .. } if task == "sum partial[0, 1]"),
            "{err}"
        );
        let panics = |k: usize| if k == 2 { panic!("block 2") } else { ok() };
        let err = fold_blaming_blocks(3, names, || panic!("band"), panics).unwrap_err();
        assert!(
            matches!(&err, Error::TaskPanicked { task, message } if task == "sum partial[0, 2]" && message == "block 2"),
            "{err}"
        );
        // Nothing fails alone: the band's own error stands; success passes.
        let err = fold_blaming_blocks(3, names, || Err(Error::invalid("x", "band")), |_| ok())
            .unwrap_err();
        assert!(err.to_string().contains("band"), "{err}");
        assert!(fold_blaming_blocks(3, names, ok, |_| panic!("not called")).is_ok());
    }

    #[test]
    fn only_needed_neighbours_join_and_1d_grids_keep_a_task_per_block() {
        assert_eq!(
            groups(&[10, 10], &[3, 4, 6, 9, 10], 2),
            vec![vec![3, 4], vec![6], vec![9], vec![10]]
        );
        assert_eq!(groups(&[5], &[0, 1, 2], 2), vec![vec![0], vec![1], vec![2]]);
        assert_eq!(groups(&[], &[0], 2), vec![vec![0]]);
    }
}
