//! The plan as an indexed graph in topological order: what the passes after
//! [`cse`](super::cse) work on.

use super::Node;
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
