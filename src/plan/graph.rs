//! From the `Arc<Node>` DAG of the requested arrays to an indexed graph in
//! topological order, with common subexpressions merged.

use super::{Node, Op};
use crate::error::Result;
use std::collections::HashMap;
use std::sync::Arc;

pub(super) struct Graph {
    /// Inputs before consumers.
    pub nodes: Vec<Arc<Node>>,
    /// `inputs[i]`: indices of node `i`'s inputs (after merging).
    pub inputs: Vec<Vec<usize>>,
    /// Index of each requested node.
    pub roots: Vec<usize>,
}

impl Graph {
    /// Collect everything `roots` depend on. Nodes reached twice (the same
    /// `Arc`) appear once; distinct nodes computing the same thing (same
    /// operation key, same inputs) are merged. The first invalid operation
    /// found is returned as the error.
    pub fn collect(roots: &[Arc<Node>]) -> Result<Graph> {
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

    /// For each node, the nodes reading it (once per reading edge).
    pub fn consumers(&self) -> Vec<Vec<usize>> {
        let mut consumers = vec![Vec::new(); self.nodes.len()];
        for (i, inputs) in self.inputs.iter().enumerate() {
            for &input in inputs {
                consumers[input].push(i);
            }
        }
        consumers
    }
}
