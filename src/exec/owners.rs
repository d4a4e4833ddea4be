//! Which process runs each task of a graph every process built alike
//! (owner-computes): the same answer on every rank, from the graph alone.
//!
//! - A replicated task (an in-memory block) is made by every process that
//!   reads it: it is never sent.
//! - A task whose value cannot be sent (no [`Wire`](super::Wire)), or that
//!   reads such a value, runs on rank 0: those values never leave rank 0,
//!   so their readers find them there.
//! - The first tasks of the graph (those reading nothing but replicated
//!   tasks) are cut into `ranks` contiguous runs in the order the outputs
//!   reach them, depth first: neighbouring blocks stay on one rank, and a
//!   reduction's partials are mostly combined where they were made.
//! - Any other task runs on the rank holding the most bytes of its inputs,
//!   so that as few bytes as possible are sent; on a tie (a rechunked block
//!   cut from blocks of every rank), on the tied rank given the fewest
//!   bytes of tasks so far, so that the work stays balanced.

use super::TaskGraph;

/// Where a task runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Owner {
    /// Every process that reads it makes it.
    Every,
    Rank(usize),
}

/// The owner of every task of `graph` on `ranks` processes.
pub(crate) fn owners(graph: &TaskGraph, ranks: usize) -> Vec<Owner> {
    let tasks = &graph.tasks;
    let replicated = |t: usize| tasks[t].replicated && tasks[t].deps.is_empty();
    let first = |t: usize| !replicated(t) && tasks[t].deps.iter().all(|&d| replicated(d));
    // First tasks in the order a depth-first walk from the outputs reaches them.
    let mut seen = vec![false; tasks.len()];
    let mut order = Vec::new();
    for start in graph.outputs.iter().copied().chain(0..tasks.len()) {
        let mut stack = vec![start];
        while let Some(t) = stack.pop() {
            if std::mem::replace(&mut seen[t], true) {
                continue;
            }
            if first(t) {
                // Unsendable ones run on rank 0 whatever their place.
                if tasks[t].wire.is_some() {
                    order.push(t);
                }
            } else {
                stack.extend(tasks[t].deps.iter().rev());
            }
        }
    }
    let mut owner = vec![Owner::Rank(0); tasks.len()];
    let ranks = ranks.max(1);
    for (k, &t) in order.iter().enumerate() {
        // k < order.len(), so the rank is < ranks; u128 keeps k * ranks exact.
        owner[t] = Owner::Rank((k as u128 * ranks as u128 / order.len() as u128) as usize);
    }
    // Bytes of the tasks given to each rank so far, for ties.
    let mut load = vec![0usize; ranks];
    let mut held = vec![0usize; ranks];
    for (t, task) in tasks.iter().enumerate() {
        let stays = |d: usize| tasks[d].wire.is_none() && !replicated(d);
        owner[t] = if replicated(t) {
            Owner::Every
        } else if task.wire.is_none() || task.deps.iter().any(|&d| stays(d)) {
            Owner::Rank(0)
        } else if first(t) {
            owner[t]
        } else {
            held.iter_mut().for_each(|h| *h = 0);
            for &d in &task.deps {
                if let Owner::Rank(r) = owner[d] {
                    held[r] = held[r].saturating_add(tasks[d].bytes);
                }
            }
            let most = held.iter().copied().max().unwrap_or(0);
            let rank = (0..ranks)
                .filter(|&r| held[r] == most)
                .min_by_key(|&r| load[r])
                .unwrap_or(0);
            Owner::Rank(rank)
        };
        if let Owner::Rank(r) = owner[t] {
            load[r] = load[r].saturating_add(task.bytes);
        }
    }
    owner
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::{Task, TaskName, Value, Wire};
    use crate::Result;
    use std::sync::Arc;

    struct Bytes;
    impl Wire for Bytes {
        fn encode(&self, _: &Value, _: &mut Vec<u8>) -> Result<()> {
            Ok(())
        }
        fn decode(&self, _: &[u8]) -> Result<Value> {
            Ok(Arc::new(()))
        }
    }

    fn task(deps: Vec<usize>, bytes: usize, sendable: bool, replicated: bool) -> Task {
        let name = TaskName {
            label: Arc::from("t"),
            block: vec![],
        };
        let mut t = Task::new(name, deps, Box::new(|_| Ok(Arc::new(()))), bytes);
        t.wire = sendable.then(|| Arc::new(Bytes) as Arc<dyn Wire>);
        t.replicated = replicated;
        t
    }

    #[test]
    fn first_tasks_split_in_contiguous_runs_and_the_rest_follow_their_largest_input() {
        // Six sources (0..6), pairs combined (6, 7, 8), then 9 = 6 + 7 + 8.
        let mut tasks: Vec<Task> = (0..6).map(|_| task(vec![], 10, true, false)).collect();
        tasks.push(task(vec![0, 1], 1, true, false));
        tasks.push(task(vec![2, 3], 1, true, false));
        tasks.push(task(vec![4, 5], 1, true, false));
        tasks.push(task(vec![6, 7, 8], 1, true, false));
        let graph = TaskGraph {
            tasks,
            outputs: vec![9],
        };
        let r = |k| Owner::Rank(k);
        let got = owners(&graph, 3);
        assert_eq!(got, [0, 0, 1, 1, 2, 2, 0, 1, 2, 0].map(r));
        assert_eq!(owners(&graph, 1), vec![r(0); 10]);
        // More ranks than first tasks: each gets at most one.
        let got = owners(&graph, 12);
        assert_eq!(&got[..6], &[0, 2, 4, 6, 8, 10].map(r));
        assert_eq!(&got[6..], &[0, 4, 8, 0].map(r));
    }

    #[test]
    fn outputs_cut_from_every_rank_alike_are_spread() {
        // A rechunk: two row blocks (one per rank), four column blocks each
        // reading both.
        let mut tasks = vec![
            task(vec![], 100, true, false),
            task(vec![], 100, true, false),
        ];
        tasks.extend((0..4).map(|_| task(vec![0, 1], 50, true, false)));
        tasks.push(task(vec![2, 3, 4, 5], 1, true, false));
        let graph = TaskGraph {
            tasks,
            outputs: vec![6],
        };
        let r = |k| Owner::Rank(k);
        assert_eq!(owners(&graph, 2), [0, 1, 0, 1, 0, 1, 0].map(r));
    }

    #[test]
    fn unsendable_values_and_their_readers_stay_on_rank_0_and_replicated_ones_everywhere() {
        let graph = TaskGraph {
            tasks: vec![
                task(vec![], 8, true, true),       // 0: an in-memory block
                task(vec![0], 8, true, false),     // 1: a first task (reads only 0)
                task(vec![], 8, true, false),      // 2: a source
                task(vec![], 0, false, false),     // 3: a sink's state
                task(vec![3, 2], 0, true, false),  // 4: reads the state: rank 0
                task(vec![1, 2], 4, false, false), // 5: no wire: rank 0
            ],
            outputs: vec![4, 5],
        };
        let got = owners(&graph, 2);
        assert_eq!(got[0], Owner::Every);
        // Walk from output 4: 3, 2 are first; then 5 reaches 1.
        assert_eq!(got[2], Owner::Rank(0));
        assert_eq!(got[1], Owner::Rank(1));
        assert_eq!(got[3], Owner::Rank(0));
        assert_eq!(got[4], Owner::Rank(0));
        assert_eq!(got[5], Owner::Rank(0));
    }
}
