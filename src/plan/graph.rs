//! The plan as an indexed graph in topological order: what the passes after
//! [`cse`](super::cse) work on.

use super::Node;
use crate::chunks::Chunks;
use crate::error::{Error, Result};
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
    /// Input `k` of block node `i` and the C-order number of its block `at`,
    /// checked: a kernel naming a block that does not exist is a bug.
    pub fn input_block(&self, i: usize, k: usize, at: &[usize]) -> Result<(usize, usize)> {
        let graph = self;
        let p = *graph.inputs[i].get(k).ok_or_else(|| {
            Error::internal(format!("{} reads input {k}", graph.nodes[i].label()))
        })?;
        let grid = graph.nodes[p].chunks.grid();
        if at.len() != grid.len() || at.iter().zip(&grid).any(|(a, g)| a >= g) {
            return Err(Error::internal(format!(
                "{} reads block {at:?} of a grid {grid:?}",
                graph.nodes[i].label()
            )));
        }
        Ok((p, graph.nodes[p].chunks.ravel(at)))
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

/// The blocks of a reduction's input (C order) merged into output block
/// `out`: all of them, or the column along `axis`.
pub(super) fn reduced_blocks<'a>(
    input: &'a Chunks,
    axis: Option<usize>,
    out: &'a [usize],
) -> impl ExactSizeIterator<Item = usize> + 'a {
    let count = axis.map_or_else(|| input.num_blocks(), |k| input.num_blocks_on(k));
    (0..count).map(move |j| match axis {
        None => j,
        Some(k) => {
            let mut index = out.to_vec();
            index.insert(k, j);
            input.ravel(&index)
        }
    })
}
