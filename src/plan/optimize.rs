//! Deciding what is stored and what is fused.
//!
//! A node is *stored* (one task per block, values kept until their last reader
//! ran) when it is requested, when it is a reduction, when it is already in
//! memory, when several consumers read it and it is not cheaper to compute
//! again than to keep, or when a consumer cuts it into different blocks that
//! it cannot produce piecewise (random streams are per block). Every other
//! node is *fused* into the tasks of its consumers: evaluated strip by strip
//! inside them, never stored. All reductions of one input share one pass over
//! each of its blocks.

use super::graph::Graph;
use super::{ElemOps, Node, Op};
use std::sync::Arc;

/// The longest chain of operations fused into one task.
const MAX_FUSED_DEPTH: usize = 48;

/// How one task evaluates a fused tree.
pub(super) enum Expr {
    /// Read a stored input: `slots[slot]` of the fused tree.
    Read {
        dtype: Arc<dyn ElemOps>,
        slot: usize,
    },
    /// A leaf computed in place.
    Source(Arc<Node>),
    /// An elementwise op of sub-trees.
    Map { node: Arc<Node>, args: Vec<Expr> },
}

/// A fused tree and the stored nodes its leaves read.
pub(super) struct Fused {
    pub expr: Expr,
    /// Indices of the stored nodes read, in slot order.
    pub slots: Vec<usize>,
}

pub(super) struct Plan {
    pub graph: Graph,
    pub stored: Vec<bool>,
    /// For each node, the reductions reading it (one shared pass per block).
    pub reductions: Vec<Vec<usize>>,
}

impl Plan {
    pub fn new(graph: Graph) -> Plan {
        let n = graph.nodes.len();
        let consumers = graph.consumers();
        let mut stored = vec![false; n];
        let mut reductions = vec![Vec::new(); n];
        for &r in &graph.roots {
            stored[r] = true;
        }
        for (i, node) in graph.nodes.iter().enumerate() {
            match &node.op {
                Op::Reduce { .. } | Op::Stored(_) | Op::Invalid(_) => stored[i] = true,
                Op::Source(kernel) if kernel.cheap() => {}
                Op::Source(_) | Op::Map(_) => {
                    let reads = consumers[i]
                        .iter()
                        .filter(|&&c| !matches!(graph.nodes[c].op, Op::Reduce { .. }))
                        .count();
                    let reduced = consumers[i]
                        .iter()
                        .any(|&c| matches!(graph.nodes[c].op, Op::Reduce { .. }));
                    if reads + usize::from(reduced) > 1 {
                        stored[i] = true;
                    }
                }
            }
            for &c in &consumers[i] {
                if matches!(graph.nodes[c].op, Op::Reduce { .. }) && !reductions[i].contains(&c) {
                    reductions[i].push(c);
                }
            }
        }
        // In topological order, so an input's addressability is settled
        // before its consumers look at it.
        let mut addressable = vec![false; n];
        let mut depth = vec![0usize; n];
        for i in 0..n {
            // Fused trees are evaluated recursively: a chain built in a loop
            // is cut into stored segments so the recursion stays shallow.
            depth[i] = 1 + graph.inputs[i]
                .iter()
                .filter(|&&j| !stored[j])
                .map(|&j| depth[j])
                .max()
                .unwrap_or(0);
            if depth[i] > MAX_FUSED_DEPTH {
                stored[i] = true;
            }
            if let Op::Map(_) = graph.nodes[i].op {
                for &input in &graph.inputs[i] {
                    if graph.nodes[input].chunks != graph.nodes[i].chunks && !addressable[input] {
                        stored[input] = true;
                        addressable[input] = true;
                    }
                }
            }
            addressable[i] = stored[i]
                || match &graph.nodes[i].op {
                    Op::Source(kernel) => !kernel.whole_blocks_only(),
                    Op::Map(_) => graph.inputs[i].iter().all(|&j| addressable[j]),
                    _ => true,
                };
        }
        Plan {
            graph,
            stored,
            reductions,
        }
    }

    /// The tree that produces the values of `root` inside one task: for the
    /// tasks storing `root`'s own blocks (`store_root`), or for a task
    /// reading them (the shared pass of the reductions of `root`).
    pub fn fuse(&self, root: usize, store_root: bool) -> Fused {
        let mut slots = Vec::new();
        let expr = self.expr(root, store_root.then_some(root), &mut slots);
        Fused { expr, slots }
    }

    fn expr(&self, i: usize, stored_root: Option<usize>, slots: &mut Vec<usize>) -> Expr {
        let node = &self.graph.nodes[i];
        let computed_here = Some(i) == stored_root && matches!(node.op, Op::Source(_) | Op::Map(_));
        if self.stored[i] && !computed_here {
            let slot = slots.iter().position(|&s| s == i).unwrap_or_else(|| {
                slots.push(i);
                slots.len() - 1
            });
            return Expr::Read {
                dtype: node.dtype.clone(),
                slot,
            };
        }
        match &node.op {
            Op::Map(_) => Expr::Map {
                node: node.clone(),
                args: self.graph.inputs[i]
                    .iter()
                    .map(|&j| self.expr(j, stored_root, slots))
                    .collect(),
            },
            _ => Expr::Source(node.clone()),
        }
    }
}
