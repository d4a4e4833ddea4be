//! Pass 2, fusion: deciding what is stored and what is fused.
//!
//! A node is *stored* (one task per block, values kept until their last reader
//! ran) when it is requested, when it is a reduction, when it is already in
//! memory, when several consumers read it and it is not cheaper to compute
//! again than to keep (unless keeping it would mean holding all of it: when
//! a reader needs a reduction of it first, as `x - x.mean()` does), or when a
//! consumer cuts it into different blocks that it cannot produce piecewise
//! (a chain over stored blocks). Every other node is *fused* into the tasks of
//! its consumers: evaluated strip by strip inside them, never stored. All
//! reductions of one input share one pass over each of its blocks.

use super::graph::Graph;
use super::{Node, Op};
use crate::chunks::Region;
use crate::error::{Error, Result};
use crate::kernel::fused::Expr;
use crate::view::{Strided, ViewMap};

/// The longest chain of operations fused into one task.
const MAX_FUSED_DEPTH: usize = 48;

/// A stored node read by a fused tree, through a view or as it is.
#[derive(PartialEq)]
pub(super) struct Slot {
    pub node: usize,
    pub view: Option<ViewMap>,
}

/// A fused tree and the stored nodes its leaves read.
pub(super) struct Fused {
    pub expr: Expr,
    pub slots: Vec<Slot>,
}

/// Where a fused tree reads a stored node: the node, the block (C order)
/// and how to read it.
pub(super) struct SlotRead {
    pub node: usize,
    pub block: usize,
    pub read: Strided,
}

impl Fused {
    /// The stored blocks this tree reads for output `region`, and how.
    pub fn slot_reads(&self, graph: &Graph, region: &Region) -> Result<Vec<SlotRead>> {
        self.slots
            .iter()
            .map(|slot| {
                let read = match &slot.view {
                    Some(view) => view.read(region),
                    None => Strided::region(region),
                };
                let chunks = &graph.nodes[slot.node].chunks;
                let block = chunks
                    .block_containing(&read.input_region())
                    .ok_or_else(|| Error::internal("a fused read straddles stored blocks"))?;
                Ok(SlotRead {
                    node: slot.node,
                    block: chunks.ravel(&block),
                    read: read.relative_to(&chunks.block_region(&block).offset),
                })
            })
            .collect()
    }
}

/// Whether a reader of node `i` (not a reduction) needs a reduction of `i`
/// first, as `x - x.mean()` does. Stored, every block of `i` would be held
/// until that reduction has seen them all: the whole array, however large.
/// Computed (read) again instead, nothing is held.
fn read_after_own_reduction(graph: &Graph, i: usize) -> bool {
    let n = graph.nodes.len();
    // Nodes are in topological order: a node's inputs come before it.
    let mut from_i = vec![false; n];
    let mut after_reduction = vec![false; n];
    from_i[i] = true;
    for k in i + 1..n {
        let inputs = &graph.inputs[k];
        from_i[k] = inputs.iter().any(|&j| from_i[j]);
        after_reduction[k] =
            inputs.iter().any(|&j| after_reduction[j]) || (from_i[k] && is_reduce(&graph.nodes[k]));
    }
    (i + 1..n)
        .any(|k| graph.inputs[k].contains(&i) && !is_reduce(&graph.nodes[k]) && after_reduction[k])
}

pub(super) struct Plan {
    pub graph: Graph,
    pub stored: Vec<bool>,
    /// For each node, the reductions reading it (one shared pass per block).
    pub reductions: Vec<Vec<usize>>,
}

fn is_reduce(node: &Node) -> bool {
    matches!(node.op, Op::Reduce { .. })
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
                Op::Reduce { .. }
                | Op::Stored(_)
                | Op::Invalid(_)
                | Op::Call(_)
                | Op::BlockOf(_)
                | Op::Blocks(_)
                | Op::Sink(_)
                | Op::Parts => stored[i] = true,
                // Reading again through other strides costs nothing.
                Op::View(_) => {}
                Op::Source(kernel) if kernel.cheap() => {}
                Op::Source(_) | Op::Map(_) => {
                    let nodes = &graph.nodes;
                    let reads = consumers[i]
                        .iter()
                        .filter(|&&c| !is_reduce(&nodes[c]))
                        .count();
                    let reduced = consumers[i].iter().any(|&c| is_reduce(&nodes[c]));
                    if reads + usize::from(reduced) > 1 && !read_after_own_reduction(&graph, i) {
                        stored[i] = true;
                    }
                }
            }
            for &c in &consumers[i] {
                if is_reduce(&graph.nodes[c]) && !reductions[i].contains(&c) {
                    reductions[i].push(c);
                }
            }
        }
        // In topological order, so an input's state is settled before its
        // consumers look at it.
        let mut addressable = vec![false; n];
        let mut depth = vec![0usize; n];
        for i in 0..n {
            let inputs = &graph.inputs[i];
            match &graph.nodes[i].op {
                // A view reads stored values or values that can be read in any order.
                Op::View(_) => {
                    let p = inputs[0];
                    let viewable = matches!(&graph.nodes[p].op, Op::Source(k) if k.viewable());
                    if !viewable {
                        stored[p] = true;
                        addressable[p] = true;
                    }
                }
                // A block taken as a value of its own must exist as one.
                Op::BlockOf(_) => stored[inputs[0]] = true,
                // Whole blocks of the inputs are handed to the kernel.
                Op::Blocks(_) | Op::Sink(_) => {
                    for &p in inputs {
                        stored[p] = true;
                        addressable[p] = true;
                    }
                }
                // Cut differently than its input: the input must produce any box.
                Op::Map(_) => {
                    for &p in inputs {
                        if graph.nodes[p].chunks != graph.nodes[i].chunks && !addressable[p] {
                            stored[p] = true;
                            addressable[p] = true;
                        }
                    }
                }
                _ => {}
            }
            // Fused trees are evaluated recursively: a chain built in a loop
            // is cut into stored segments so the recursion stays shallow.
            depth[i] = 1 + inputs
                .iter()
                .filter(|&&j| !stored[j])
                .map(|&j| depth[j])
                .max()
                .unwrap_or(0);
            if depth[i] > MAX_FUSED_DEPTH {
                stored[i] = true;
            }
            addressable[i] = stored[i]
                || match &graph.nodes[i].op {
                    Op::Map(_) => inputs.iter().all(|&j| addressable[j]),
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
    pub fn fuse(&self, root: usize, store_root: bool) -> Result<Fused> {
        let mut slots = Vec::new();
        let expr = self.expr(root, store_root.then_some(root), &mut slots)?;
        Ok(Fused { expr, slots })
    }

    fn expr(&self, i: usize, stored_root: Option<usize>, slots: &mut Vec<Slot>) -> Result<Expr> {
        let node = &self.graph.nodes[i];
        let computable = matches!(node.op, Op::Source(_) | Op::Map(_) | Op::View(_));
        if self.stored[i] && !(computable && Some(i) == stored_root) {
            let slot = Slot {
                node: i,
                view: None,
            };
            return Ok(read(node, slot, slots));
        }
        let itemsize = node.dtype.itemsize();
        match &node.op {
            Op::Map(kernel) => Ok(Expr::Map {
                kernel: kernel.clone(),
                itemsize,
                args: self.graph.inputs[i]
                    .iter()
                    .map(|&j| self.expr(j, stored_root, slots))
                    .collect::<Result<_>>()?,
            }),
            Op::View(view) => {
                let p = self.graph.inputs[i][0];
                let input = &self.graph.nodes[p];
                match &input.op {
                    _ if self.stored[p] => {
                        let slot = Slot {
                            node: p,
                            view: Some(view.clone()),
                        };
                        Ok(read(input, slot, slots))
                    }
                    Op::Source(kernel) => Ok(Expr::SourceView {
                        kernel: kernel.clone(),
                        view: view.clone(),
                        itemsize: input.dtype.itemsize(),
                    }),
                    _ => Err(Error::internal(
                        "a fused view reads neither a store nor a source",
                    )),
                }
            }
            Op::Source(kernel) => Ok(Expr::Source {
                kernel: kernel.clone(),
                chunks: node.chunks.clone(),
                itemsize,
            }),
            _ => Err(Error::internal(format!("{} cannot be fused", node.label()))),
        }
    }
}

/// Read `slot` (registered once per tree) of values of `node`'s type.
fn read(node: &Node, slot: Slot, slots: &mut Vec<Slot>) -> Expr {
    let index = slots.iter().position(|s| *s == slot).unwrap_or_else(|| {
        slots.push(slot);
        slots.len() - 1
    });
    Expr::Read {
        dtype: node.dtype.clone(),
        slot: index,
    }
}
