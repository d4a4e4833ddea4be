//! The peak memory a task graph is projected to need, before it runs (as
//! Cubed's `projected_mem`): the bytes held along the one-thread order, plus
//! what the other threads' tasks may hold at the same time.

use super::state::{depth_first, leaf_order};
use super::{TaskGraph, TASK_BOOKKEEPING};

/// What a graph is projected to hold at its peak, in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Projection {
    /// Peak of the values held, run in the one-thread order (exact for
    /// [`Scheduler::Sync`](super::Scheduler::Sync), given the size estimates).
    pub sequential: usize,
    /// The largest working set of one task: its inputs and its output.
    pub largest_task: usize,
    /// The projected peak on `threads` threads: the sequential peak plus one
    /// largest task per other thread, capped by the limit (plus one task, as
    /// the scheduler may start one over it when nothing else runs).
    pub peak: usize,
}

/// Project the peak of `graph` run on `threads` threads under `limit`.
pub(crate) fn projected_peak(
    graph: &TaskGraph,
    threads: usize,
    limit: Option<usize>,
) -> Projection {
    let n = graph.tasks.len();
    let deps: Vec<Vec<usize>> = graph.tasks.iter().map(|t| t.deps.clone()).collect();
    let bytes: Vec<usize> = graph.tasks.iter().map(|t| t.bytes).collect();
    let scratch: Vec<usize> = graph.tasks.iter().map(|t| t.scratch).collect();
    let mut consumers = vec![Vec::new(); n];
    let mut holders = vec![0_usize; n];
    for (i, d) in deps.iter().enumerate() {
        for &p in d {
            consumers[p].push(i);
            holders[p] += 1;
        }
    }
    for &o in &graph.outputs {
        holders[o] += 1;
    }
    let mut waiting: Vec<usize> = deps.iter().map(Vec::len).collect();
    let bookkeeping = n.saturating_mul(TASK_BOOKKEEPING);
    let (mut live, mut sequential) = (bookkeeping, bookkeeping);
    depth_first(&leaf_order(&deps, &graph.outputs), |i| {
        sequential = sequential.max(live.saturating_add(bytes[i]).saturating_add(scratch[i]));
        live = live.saturating_add(bytes[i]);
        if holders[i] == 0 {
            live -= bytes[i];
        }
        for &d in &deps[i] {
            holders[d] -= 1;
            if holders[d] == 0 {
                live -= bytes[d];
            }
        }
        consumers[i]
            .iter()
            .copied()
            .filter(|&c| {
                waiting[c] -= 1;
                waiting[c] == 0
            })
            .collect()
    });
    let largest_task = (0..n)
        .map(|i| {
            let own = bytes[i].saturating_add(scratch[i]);
            deps[i].iter().fold(own, |s, &d| s.saturating_add(bytes[d]))
        })
        .max()
        .unwrap_or(0);
    let mut peak =
        sequential.saturating_add(largest_task.saturating_mul(threads.saturating_sub(1)));
    if let Some(limit) = limit {
        peak = peak.min(limit.saturating_add(largest_task));
    }
    Projection {
        sequential,
        largest_task,
        peak,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::{Task, TaskName};
    use std::sync::Arc;

    fn task(deps: Vec<usize>, bytes: usize) -> Task {
        let name = TaskName {
            label: Arc::from("t"),
            block: vec![],
        };
        Task::new(name, deps, Box::new(|_| Ok(Arc::new(()))), bytes)
    }

    #[test]
    fn sequential_peak_follows_the_one_thread_order() {
        // Two leaves of 10 read by a task of 1, then two more leaves of 10
        // read by another task of 1; the sums are the outputs.
        let graph = TaskGraph {
            tasks: vec![
                task(vec![], 10),
                task(vec![], 10),
                task(vec![0, 1], 1),
                task(vec![], 10),
                task(vec![], 10),
                task(vec![3, 4], 1),
            ],
            outputs: vec![2, 5],
        };
        let p = projected_peak(&graph, 1, None);
        // Leaves 0 and 1 (20), their sum (21) frees them; then 3, 4, 5.
        let own = 6 * TASK_BOOKKEEPING;
        assert_eq!(p.sequential, own + 22);
        assert_eq!(p.largest_task, 21);
        assert_eq!(p.peak, own + 22);
        assert_eq!(projected_peak(&graph, 3, None).peak, own + 22 + 2 * 21);
        let limit = own + 30;
        assert_eq!(projected_peak(&graph, 3, Some(limit)).peak, limit + 21);
    }
}
