//! The part of a graph one rank runs: the tasks it owns (and the replicated
//! ones they read), placeholders for the values other ranks send it, and
//! where each of its values must be sent.

use super::super::owners::{owners, Owner};
use super::super::{Task, TaskGraph, TaskName, Wire};
use crate::error::{Error, Result};
use std::sync::Arc;

pub(super) struct Local {
    /// Which local tasks are placeholders for values made elsewhere.
    pub external: Vec<bool>,
    /// The ranks each local task's value is sent to (none for most).
    pub dests: Vec<Vec<usize>>,
    /// How each local task's value is sent or received.
    pub wires: Vec<Option<Arc<dyn Wire>>>,
    /// The global number of each local task (messages name tasks by it).
    pub global: Vec<usize>,
    /// The local number of each global task, if it has one here.
    pub local: Vec<Option<usize>>,
    /// Outputs made on another rank whose values cannot be sent: their
    /// names (computing them here is an error).
    pub unsendable_outputs: Vec<String>,
}

/// The rank's tasks in the global order (placeholders have no inputs), and
/// how they relate to the other ranks'.
/// `result_rank`: the one rank the outputs go to (`None`: every rank).
pub(super) fn local_part(
    graph: TaskGraph,
    me: usize,
    ranks: usize,
    result_rank: Option<usize>,
) -> (TaskGraph, Local) {
    let owner = owners(&graph, ranks);
    let n = graph.tasks.len();
    let mut consumers = vec![Vec::new(); n];
    for (t, task) in graph.tasks.iter().enumerate() {
        for &d in &task.deps {
            consumers[d].push(t);
        }
    }
    let mut is_output = vec![false; n];
    for &o in &graph.outputs {
        is_output[o] = true;
    }
    let mine = |t: usize| owner[t] == Owner::Rank(me);
    // Run here: owned tasks, and the replicated ones read here (they have
    // no inputs and only later tasks read them, so one backward sweep).
    let mut runs = vec![false; n];
    for t in (0..n).rev() {
        runs[t] = mine(t)
            || (owner[t] == Owner::Every
                && (is_output[t] || consumers[t].iter().any(|&c| runs[c])));
    }
    // Received here: what a task run here reads from another rank, and the
    // outputs made elsewhere that can be sent.
    let mut received = vec![false; n];
    let mut unsendable_outputs = Vec::new();
    for t in 0..n {
        if runs[t] {
            for &d in &graph.tasks[t].deps {
                received[d] |= !runs[d];
            }
        }
    }
    let results_here = result_rank.is_none_or(|r| r == me);
    for &o in graph.outputs.iter().filter(|_| results_here) {
        if !runs[o] {
            if graph.tasks[o].wire.is_some() {
                received[o] = true;
            } else {
                unsendable_outputs.push(graph.tasks[o].name.to_string());
            }
        }
    }
    let dests: Vec<Vec<usize>> = (0..n)
        .map(|t| {
            if !mine(t) || graph.tasks[t].wire.is_none() {
                return Vec::new();
            }
            let mut to: Vec<usize> = if is_output[t] {
                result_rank.map_or_else(|| (0..ranks).collect(), |r| vec![r])
            } else {
                consumers[t]
                    .iter()
                    .filter_map(|&c| match owner[c] {
                        Owner::Rank(r) => Some(r),
                        Owner::Every => None,
                    })
                    .collect()
            };
            to.sort_unstable();
            to.dedup();
            to.retain(|&r| r != me);
            to
        })
        .collect();

    let mut local = vec![None; n];
    let mut tasks = Vec::new();
    let mut part = Local {
        external: Vec::new(),
        dests: Vec::new(),
        wires: Vec::new(),
        global: Vec::new(),
        local: Vec::new(),
        unsendable_outputs,
    };
    for (t, task) in graph.tasks.into_iter().enumerate() {
        if !(runs[t] || received[t]) {
            continue;
        }
        let wire = task.wire.clone();
        let task = if runs[t] {
            Task {
                deps: task.deps.iter().filter_map(|&d| local[d]).collect(),
                ..task
            }
        } else {
            placeholder(task.name, task.bytes)
        };
        local[t] = Some(tasks.len());
        tasks.push(task);
        part.external.push(!runs[t]);
        part.dests.push(dests[t].clone());
        part.wires.push(wire);
        part.global.push(t);
    }
    let outputs = graph.outputs.iter().filter_map(|&o| local[o]).collect();
    part.local = local;
    (TaskGraph { tasks, outputs }, part)
}

/// A task whose value another rank makes and sends: never run here.
fn placeholder(name: TaskName, bytes: usize) -> Task {
    let label = name.to_string();
    let work = Box::new(move |_: &[super::super::Value]| {
        Err(Error::internal(format!(
            "{label} is made on another rank but was run here"
        )))
    });
    Task::new(name, Vec::new(), work, bytes)
}

/// The local task a message names, or why it names none.
pub(super) fn named(part: &Local, global: u64) -> Result<usize> {
    usize::try_from(global)
        .ok()
        .and_then(|g| part.local.get(g).copied().flatten())
        .filter(|&l| part.external[l])
        .ok_or_else(|| {
            Error::internal(format!(
                "a value for task {global}, which is not received here"
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::Value;

    struct Unit;
    impl Wire for Unit {
        fn encode(&self, _: &Value, _: &mut Vec<u8>) -> Result<()> {
            Ok(())
        }
        fn decode(&self, _: &[u8]) -> Result<Value> {
            Ok(Arc::new(()))
        }
    }

    fn graph() -> TaskGraph {
        // Four sources, 4 = 0 + 1, 5 = 2 + 3, 6 = 4 + 5 (the output).
        let task = |deps: Vec<usize>| {
            let name = TaskName {
                label: Arc::from("t"),
                block: vec![],
            };
            let mut t = Task::new(name, deps, Box::new(|_| Ok(Arc::new(()) as Value)), 8);
            t.wire = Some(Arc::new(Unit));
            t
        };
        let tasks = vec![
            task(vec![]),
            task(vec![]),
            task(vec![]),
            task(vec![]),
            task(vec![0, 1]),
            task(vec![2, 3]),
            task(vec![4, 5]),
        ];
        TaskGraph {
            tasks,
            outputs: vec![6],
        }
    }

    #[test]
    fn each_rank_runs_its_half_and_receives_what_it_reads() {
        let (zero_graph, zero) = local_part(graph(), 0, 2, None);
        assert_eq!(zero.global, vec![0, 1, 4, 5, 6]);
        assert_eq!(zero.external, vec![false, false, false, true, false]);
        assert_eq!(zero.dests[4], vec![1]); // the output goes to rank 1
        assert_eq!(zero_graph.outputs, vec![4]);
        assert_eq!(zero_graph.tasks[4].deps, vec![2, 3]);
        let (_, one) = local_part(graph(), 1, 2, None);
        assert_eq!(one.global, vec![2, 3, 5, 6]);
        assert_eq!(one.external, vec![false, false, false, true]);
        assert_eq!(one.dests[2], vec![0]); // 5 is read by 6 on rank 0
        assert_eq!(named(&one, 6).unwrap(), 3);
        assert!(named(&one, 5).is_err());
        // Results for rank 0 only: rank 1 neither receives the output nor
        // is sent it.
        let (_, zero) = local_part(graph(), 0, 2, Some(0));
        assert!(zero.dests[4].is_empty());
        let (one_graph, one) = local_part(graph(), 1, 2, Some(0));
        assert_eq!(one.global, vec![2, 3, 5]);
        assert!(one_graph.outputs.is_empty());
    }
}
