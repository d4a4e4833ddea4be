//! Pass 3, culling: walk the plan from the outputs back to the leaves and
//! mark the blocks each needed block reads, so that only those get tasks: a
//! slice of a huge array computes only the blocks it overlaps. A graph
//! needing more tasks than [`size::MAX_LISTED`] is an error, not an
//! allocation that aborts.

use super::blockmap::BlockMap;
use super::fuse::{Fused, Plan};
use super::graph::reduced_blocks;
use super::Op;
use crate::chunks::Chunks;
use crate::error::{Error, Result};
use crate::size;
use std::sync::Arc;

/// The blocks some output needs.
pub(super) struct Needed {
    /// Of each stored node.
    pub stored: Vec<BlockMap<()>>,
    /// Of each node its reductions' shared pass reads.
    pub pass: Vec<BlockMap<()>>,
}

/// The blocks of `plan` the outputs need, given the fused trees computing
/// each stored node (`store_trees`) and feeding each node's reduction pass
/// (`pass_trees`).
pub(super) fn needed(
    plan: &Plan,
    store_trees: &[Option<Arc<Fused>>],
    pass_trees: &[Option<Arc<Fused>>],
) -> Result<Needed> {
    let graph = &plan.graph;
    let sized = |i: usize, present: bool| {
        BlockMap::new(graph.nodes[i].chunks.num_blocks() * usize::from(present))
    };
    let n = graph.nodes.len();
    let mut culler = Culler {
        plan,
        store_trees,
        pass_trees,
        needed: Needed {
            stored: (0..n).map(|i| sized(i, plan.stored[i])).collect(),
            pass: (0..n).map(|i| sized(i, pass_trees[i].is_some())).collect(),
        },
        listed: 0,
    };
    culler.walk()?;
    Ok(culler.needed)
}

struct Culler<'p> {
    plan: &'p Plan,
    store_trees: &'p [Option<Arc<Fused>>],
    pass_trees: &'p [Option<Arc<Fused>>],
    needed: Needed,
    /// Blocks marked needed so far, in both: the block tasks to make.
    listed: usize,
}

impl Culler<'_> {
    /// Walk the plan from the outputs back to the leaves, marking the blocks
    /// each needed block reads: a slice of a huge array computes only the
    /// blocks it overlaps.
    fn walk(&mut self) -> Result<()> {
        let graph = &self.plan.graph;
        let n = graph.nodes.len();
        for &r in &graph.roots {
            self.need_all(r)?;
        }
        // Consumers come after their inputs: walking backwards settles a
        // node's needs before its inputs are visited. A node's pass reads
        // the node itself, so it is marked first.
        for i in (0..n).rev() {
            let node = &graph.nodes[i];
            if let Some(tree) = self.pass_trees[i].clone() {
                for b in self.needed.pass[i].keys() {
                    self.mark_tree(&tree, &node.chunks, b)?;
                }
            }
            for b in self.needed.stored[i].keys() {
                self.mark_reads(i, b)?;
            }
        }
        Ok(())
    }

    /// Room for `n` more block tasks, checked before they are listed: an
    /// error past [`size::MAX_LISTED`].
    fn room_for(&self, n: usize) -> Result<()> {
        size::listed("graph", "block tasks", self.listed.saturating_add(n)).map(|_| ())
    }

    /// Count a block newly marked needed (`new`) as one more task.
    fn count(&mut self, new: bool) -> Result<()> {
        self.listed += usize::from(new);
        self.room_for(0)
    }

    /// Mark block `b` of stored node `i` needed.
    fn need(&mut self, i: usize, b: usize) -> Result<()> {
        if !self.plan.stored[i] {
            return Err(Error::internal(format!(
                "a block of {} is read but it is not stored",
                self.plan.graph.nodes[i].label()
            )));
        }
        let new = self.needed.stored[i].insert(b, ());
        self.count(new)
    }

    /// Mark every block of stored node `i` needed (checked before listing them).
    fn need_all(&mut self, i: usize) -> Result<()> {
        let blocks = self.plan.graph.nodes[i].chunks.num_blocks();
        self.room_for(blocks)?;
        for b in 0..blocks {
            self.need(i, b)?;
        }
        Ok(())
    }

    /// Mark the stored blocks `tree` reads for block `b` of `chunks`.
    fn mark_tree(&mut self, tree: &Fused, chunks: &Chunks, b: usize) -> Result<()> {
        // A tree computed from leaves alone reads nothing (most big graphs).
        if tree.slots.is_empty() {
            return Ok(());
        }
        let region = chunks.block_region(&chunks.unravel(b));
        for slot in tree.slot_reads(&self.plan.graph, &region)? {
            self.need(slot.node, slot.block)?;
        }
        Ok(())
    }

    /// Mark what block `b` of stored node `i` reads.
    fn mark_reads(&mut self, i: usize, b: usize) -> Result<()> {
        let graph = &self.plan.graph;
        let node = &graph.nodes[i];
        let inputs = &graph.inputs[i];
        let index = node.chunks.unravel(b);
        match &node.op {
            Op::Source(_) | Op::Map(_) | Op::View(_) => {
                let tree = self.store_trees[i]
                    .clone()
                    .ok_or_else(|| Error::internal("stored node without a tree"))?;
                self.mark_tree(&tree, &node.chunks, b)?;
            }
            Op::Reduce { axis, .. } => {
                let p = inputs[0];
                let column = reduced_blocks(&graph.nodes[p].chunks, *axis, &index);
                self.room_for(column.len())?;
                for j in column {
                    let new = self.needed.pass[p].insert(j, ());
                    self.count(new)?;
                }
            }
            // A call reads every input, each a single value.
            Op::Call(_) => {
                for &p in inputs {
                    self.need_all(p)?;
                }
            }
            // Block `b` is the value of input `b`: a part no result reads
            // (a file nobody sliced into) is never loaded.
            Op::Parts => {
                let p = *inputs
                    .get(b)
                    .ok_or_else(|| Error::internal("from_delayed block without its part"))?;
                self.need_all(p)?;
            }
            Op::BlockOf(at) => {
                let p = inputs[0];
                let j = graph.nodes[p].chunks.ravel(at);
                self.need(p, j)?;
            }
            Op::Blocks(kernel) => {
                for (k, at) in kernel.reads(&index) {
                    let (p, j) = graph.input_block(i, k, &at)?;
                    self.need(p, j)?;
                }
            }
            // A sink consumes every block of its input.
            Op::Sink(_) => self.need_all(inputs[0])?,
            Op::Stored(_) | Op::Invalid(_) => {}
        }
        Ok(())
    }
}
