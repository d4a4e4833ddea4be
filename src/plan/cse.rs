//! Pass 1, common subexpressions: from the `Arc<Node>` DAG of the requested
//! values to an indexed [`Graph`] in topological order, where a node reached
//! twice (the same `Arc`) appears once and distinct nodes computing the same
//! thing (same operation key, same inputs) are merged.

use super::graph::Graph;
use super::{Node, Op};
use crate::error::Result;
use std::collections::HashMap;
use std::sync::Arc;

/// Collect everything `roots` depend on. Nodes reached twice (the same
/// `Arc`) appear once; distinct nodes computing the same thing (same
/// operation key, same inputs) are merged. The first invalid operation
/// found is returned as the error.
pub(super) fn collect(roots: &[Arc<Node>]) -> Result<Graph> {
    let mut graph = Graph {
        nodes: Vec::new(),
        inputs: Vec::new(),
        roots: Vec::new(),
    };
    let mut by_id: HashMap<u64, usize> = HashMap::new();
    let mut by_key: HashMap<(String, Vec<usize>), usize> = HashMap::new();
    for root in roots {
        // Iterative post-order: long elementwise chains must not overflow the stack.
        let mut stack: Vec<(&Arc<Node>, bool)> = vec![(root, false)];
        while let Some((node, expanded)) = stack.pop() {
            if by_id.contains_key(&node.id) {
                continue;
            }
            if !expanded {
                stack.push((node, true));
                stack.extend(node.inputs.iter().rev().map(|i| (i, false)));
                continue;
            }
            if let Op::Invalid(e) = &node.op {
                return Err(e.clone());
            }
            let inputs: Vec<usize> = node.inputs.iter().map(|i| by_id[&i.id]).collect();
            let index = match node.key() {
                Some(key) => *by_key
                    .entry((key, inputs.clone()))
                    .or_insert(graph.nodes.len()),
                None => graph.nodes.len(),
            };
            if index == graph.nodes.len() {
                graph.nodes.push(node.clone());
                graph.inputs.push(inputs);
            }
            by_id.insert(node.id, index);
        }
        graph.roots.push(by_id[&root.id]);
    }
    Ok(graph)
}
