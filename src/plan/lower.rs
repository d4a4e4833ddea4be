//! From the optimized plan to block tasks.
//!
//! Stored nodes get one task per block. The reductions of a node share one
//! task per block of it (folding every strip into each of their folders),
//! then each reduction merges its partials in a fixed tree of `fan_in`-way
//! combine tasks, so the result does not depend on which task finishes first.
//!
//! Only the blocks some output needs get a task (culling), and the
//! bookkeeping is per needed block, not per block of the grid: a slice of a
//! huge array lowers to a few tasks. A graph needing more tasks than
//! [`size::MAX_LISTED`] is an error, not an allocation that aborts.

use super::blockmap::BlockMap;
use super::cse;
use super::fuse::{Fused, Plan};
use super::{Node, Op};
use crate::chunks::{Chunks, Region};
use crate::error::{Error, Result};
use crate::exec::{Task, TaskGraph, TaskName, Value};
use crate::kernel::fused::{self, Reduction};
use crate::kernel::SinkKernel;
use crate::size;
use crate::view::Strided;
use std::sync::Arc;

/// The task graph of some requested arrays.
pub(crate) struct Lowered {
    pub tasks: TaskGraph,
    /// Number of blocks of each requested array; their tasks are the
    /// graph's outputs, array after array, blocks in C order.
    pub root_blocks: Vec<usize>,
    pub(super) plan: Plan,
}

/// Where a reduction's partial result is: a task, and a slot when that task
/// is a shared block pass.
type PartRef = (usize, Option<usize>);

/// Bytes a reduction's partial result is counted as per output element:
/// the widest folder (mean and variance) keeps a count, a mean and a sum of
/// squares.
const PARTIAL_BYTES: usize = 24;

pub(crate) fn lower(roots: &[Arc<Node>], fan_in: usize) -> Result<Lowered> {
    if fan_in < 2 {
        return Err(Error::invalid(
            "fan_in",
            format!("a combine task must merge at least 2 partials, got {fan_in}"),
        ));
    }
    let plan = Plan::new(cse::collect(roots)?);
    let n = plan.graph.nodes.len();
    let mut builder = Builder {
        plan: &plan,
        fan_in,
        tasks: Vec::new(),
        store_trees: (0..n)
            .map(|i| {
                plan.stored[i]
                    .then(|| plan.fuse(i, true).map(Arc::new))
                    .transpose()
            })
            .collect::<Result<_>>()?,
        pass_trees: (0..n)
            .map(|i| {
                let reduced = !plan.reductions[i].is_empty();
                reduced
                    .then(|| plan.fuse(i, false).map(Arc::new))
                    .transpose()
            })
            .collect::<Result<_>>()?,
        needed: Vec::new(),
        needed_pass: Vec::new(),
        listed: 0,
        blocks: (0..n).map(|_| BlockMap::default()).collect(),
        passes: (0..n).map(|_| None).collect(),
    };
    builder.find_needed()?;
    for i in 0..n {
        if plan.stored[i] {
            builder.store(i)?;
        }
    }
    let mut outputs = Vec::new();
    let mut root_blocks = Vec::new();
    for &r in &plan.graph.roots {
        // Roots are needed whole: every block has a task.
        let blocks = plan.graph.nodes[r].chunks.num_blocks();
        for b in 0..blocks {
            outputs.push(builder.task(r, b)?);
        }
        root_blocks.push(blocks);
    }
    let tasks = TaskGraph {
        tasks: builder.tasks,
        outputs,
    };
    Ok(Lowered {
        tasks,
        root_blocks,
        plan,
    })
}

struct Builder<'p> {
    plan: &'p Plan,
    fan_in: usize,
    tasks: Vec<Task>,
    /// The fused tree computing each stored node's blocks.
    store_trees: Vec<Option<Arc<Fused>>>,
    /// The fused tree feeding the shared reduction pass over each node.
    pass_trees: Vec<Option<Arc<Fused>>>,
    /// Which blocks of each stored node some output needs (graph culling).
    needed: Vec<BlockMap<()>>,
    /// Which blocks of each node its reductions' shared pass needs.
    needed_pass: Vec<BlockMap<()>>,
    /// Blocks marked needed so far, in both: the block tasks to make.
    listed: usize,
    /// Task of each needed block of each stored node (C-order number).
    blocks: Vec<BlockMap<usize>>,
    /// Task of the shared reduction pass over each needed block of a node
    /// (`None` until its first reduction is lowered).
    passes: Vec<Option<BlockMap<usize>>>,
}

/// Where a value lies in the block grid of a stored node: the node, the
/// block (C order) and how to read it.
struct SlotRead {
    node: usize,
    block: usize,
    read: Strided,
}

impl Builder<'_> {
    fn push(
        &mut self,
        label: &Arc<str>,
        block: Vec<usize>,
        deps: Vec<usize>,
        work: crate::exec::Work,
        bytes: usize,
    ) -> usize {
        self.tasks.push(Task {
            name: TaskName {
                label: label.clone(),
                block,
            },
            deps,
            work,
            bytes,
            scratch: 0,
        });
        self.tasks.len() - 1
    }

    /// The task computing block `b` (C order) of stored node `i`.
    fn task(&self, i: usize, b: usize) -> Result<usize> {
        self.blocks[i].get(b).ok_or_else(|| {
            Error::internal(format!(
                "block {b} of {} was culled but is read",
                self.plan.graph.nodes[i].label()
            ))
        })
    }

    /// Walk the plan from the outputs back to the leaves, marking the blocks
    /// each needed block reads: a slice of a huge array computes only the
    /// blocks it overlaps.
    fn find_needed(&mut self) -> Result<()> {
        let graph = &self.plan.graph;
        let n = graph.nodes.len();
        let sized = |i: usize, present: bool| {
            BlockMap::new(graph.nodes[i].chunks.num_blocks() * usize::from(present))
        };
        self.needed = (0..n).map(|i| sized(i, self.plan.stored[i])).collect();
        self.needed_pass = (0..n)
            .map(|i| sized(i, self.pass_trees[i].is_some()))
            .collect();
        for &r in &graph.roots {
            self.need_all(r)?;
        }
        // Consumers come after their inputs: walking backwards settles a
        // node's needs before its inputs are visited. A node's pass reads
        // the node itself, so it is marked first.
        for i in (0..n).rev() {
            let node = &graph.nodes[i];
            if let Some(tree) = self.pass_trees[i].clone() {
                for b in self.needed_pass[i].keys() {
                    self.mark_tree(&tree, &node.chunks, b)?;
                }
            }
            for b in self.needed[i].keys() {
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
        let new = self.needed[i].insert(b, ());
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
        for slot in self.slot_reads(tree, &region)? {
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
                    let new = self.needed_pass[p].insert(j, ());
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
                    let (p, j) = self.input_block(i, k, &at)?;
                    self.need(p, j)?;
                }
            }
            // A sink consumes every block of its input.
            Op::Sink(_) => self.need_all(inputs[0])?,
            Op::Stored(_) | Op::Invalid(_) => {}
        }
        Ok(())
    }

    /// Input `k` of block node `i` and the C-order number of its block `at`,
    /// checked: a kernel naming a block that does not exist is a bug.
    fn input_block(&self, i: usize, k: usize, at: &[usize]) -> Result<(usize, usize)> {
        let graph = &self.plan.graph;
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

    fn store(&mut self, i: usize) -> Result<()> {
        let node = self.plan.graph.nodes[i].clone();
        let label: Arc<str> = node.label().into();
        let wanted = std::mem::take(&mut self.needed[i]).keys();
        self.blocks[i] = BlockMap::new(node.chunks.num_blocks());
        match &node.op {
            Op::Stored(values) => {
                for b in wanted {
                    let value = values[b].clone();
                    let index = node.chunks.unravel(b);
                    let bytes = block_bytes(&node, &index);
                    let t = self.push(&label, index, vec![], Box::new(move |_| Ok(value)), bytes);
                    self.blocks[i].insert(b, t);
                }
            }
            Op::Source(_) | Op::Map(_) | Op::View(_) => {
                let fused = self.store_trees[i]
                    .clone()
                    .ok_or_else(|| Error::internal("stored node without a tree"))?;
                let scratch = fused.expr.scratch_bytes();
                for b in wanted {
                    let index = node.chunks.unravel(b);
                    let region = node.chunks.block_region(&index);
                    let (deps, reads) = self.reads(&fused, &region)?;
                    let bytes = block_bytes(&node, &index);
                    let (fused, dtype) = (fused.clone(), node.dtype.clone());
                    let work = Box::new(move |inputs: &[Value]| {
                        fused::materialize(&fused.expr, &*dtype, &region, inputs, &reads)
                    });
                    let t = self.push(&label, index, deps, work, bytes);
                    self.tasks[t].scratch = scratch;
                    self.blocks[i].insert(b, t);
                }
            }
            Op::Reduce { kernel, axis } => {
                let input = self.plan.graph.inputs[i][0];
                if self.passes[input].is_none() {
                    self.reduction_pass(input)?;
                }
                let slot = self.plan.reductions[input]
                    .iter()
                    .position(|&r| r == i)
                    .ok_or_else(|| Error::internal("reduction missing from its input's pass"))?;
                let source_chunks = self.plan.graph.nodes[input].chunks.clone();
                for b in wanted {
                    let out_index = node.chunks.unravel(b);
                    let column = reduced_blocks(&source_chunks, *axis, &out_index)
                        .map(|j| {
                            self.passes[input]
                                .as_ref()
                                .and_then(|pass| pass.get(j))
                                .map(|t| (t, Some(slot)))
                                .ok_or_else(|| Error::internal("a needed pass block was culled"))
                        })
                        .collect::<Result<Vec<PartRef>>>()?;
                    let shape = node.chunks.block_shape(&out_index);
                    let bytes = block_bytes(&node, &out_index);
                    let t = self.tree(&label, kernel, column, out_index, shape, bytes);
                    self.blocks[i].insert(b, t);
                }
            }
            Op::Call(kernel) => {
                if wanted.is_empty() {
                    return Ok(());
                }
                // Inputs are single values (delayed calls, blocks of arrays).
                let deps = self.plan.graph.inputs[i]
                    .iter()
                    .map(|&p| self.single(p))
                    .collect::<Result<Vec<_>>>()?;
                let kernel = kernel.clone();
                let bytes = kernel.bytes();
                let t = self.push(
                    &label,
                    vec![],
                    deps,
                    Box::new(move |inputs: &[Value]| kernel.call(inputs)),
                    bytes,
                );
                self.blocks[i].insert(0, t);
            }
            Op::BlockOf(index) => {
                if !wanted.is_empty() {
                    let p = self.plan.graph.inputs[i][0];
                    let chunks = &self.plan.graph.nodes[p].chunks;
                    let t = self.task(p, chunks.ravel(index))?;
                    self.blocks[i].insert(0, t);
                }
            }
            Op::Parts => {
                for b in wanted {
                    let t = self.single(self.plan.graph.inputs[i][b])?;
                    self.blocks[i].insert(b, t);
                }
            }
            Op::Blocks(kernel) => {
                for b in wanted {
                    let index = node.chunks.unravel(b);
                    let deps = kernel
                        .reads(&index)
                        .into_iter()
                        .map(|(k, at)| {
                            let (p, j) = self.input_block(i, k, &at)?;
                            self.task(p, j)
                        })
                        .collect::<Result<Vec<_>>>()?;
                    let bytes = block_bytes(&node, &index);
                    let (kernel, at) = (kernel.clone(), index.clone());
                    let work = Box::new(move |inputs: &[Value]| kernel.compute(&at, inputs));
                    let t = self.push(&label, index, deps, work, bytes);
                    self.blocks[i].insert(b, t);
                }
            }
            Op::Sink(kernel) => {
                if !wanted.is_empty() {
                    let t = self.sink(i, &label, kernel)?;
                    self.blocks[i].insert(0, t);
                }
            }
            Op::Invalid(e) => return Err(e.clone()),
        }
        Ok(())
    }

    /// The tasks of sink node `i`: one making its state, one per block of
    /// its input consuming that block (freed right after), one making the
    /// receipt; returns the last.
    fn sink(&mut self, i: usize, label: &Arc<str>, kernel: &Arc<dyn SinkKernel>) -> Result<usize> {
        let p = self.plan.graph.inputs[i][0];
        let chunks = self.plan.graph.nodes[p].chunks.clone();
        let opener = kernel.clone();
        let open_label: Arc<str> = format!("{label} open").into();
        let state = self.push(
            &open_label,
            vec![],
            vec![],
            Box::new(move |_: &[Value]| opener.open()),
            kernel.state_bytes(),
        );
        let consume_label: Arc<str> = format!("{label} block").into();
        let mut deps = vec![state];
        for b in 0..chunks.num_blocks() {
            let index = chunks.unravel(b);
            let block = self.task(p, b)?;
            let (consumer, at) = (kernel.clone(), index.clone());
            let work = Box::new(move |inputs: &[Value]| {
                consumer.consume(&inputs[0], &at, &inputs[1])?;
                Ok(Arc::new(()) as Value)
            });
            deps.push(self.push(&consume_label, index, vec![state, block], work, 0));
        }
        let finisher = kernel.clone();
        let work = Box::new(move |inputs: &[Value]| finisher.finish(&inputs[0]));
        Ok(self.push(label, vec![], deps, work, 0))
    }

    /// The task of a node that has one value.
    fn single(&self, p: usize) -> Result<usize> {
        match self.plan.graph.nodes[p].chunks.num_blocks() {
            1 => self.task(p, 0),
            _ => Err(Error::internal("a call's input is not a single value")),
        }
    }

    /// The stored blocks a fused tree reads for output `region`, and how.
    fn slot_reads(&self, fused: &Fused, region: &Region) -> Result<Vec<SlotRead>> {
        fused
            .slots
            .iter()
            .map(|slot| {
                let read = match &slot.view {
                    Some(view) => view.read(region),
                    None => Strided::region(region),
                };
                let chunks = &self.plan.graph.nodes[slot.node].chunks;
                let block = chunks
                    .block_containing(&read.input_region())
                    .ok_or_else(|| Error::internal("a fused read straddles stored blocks"))?;
                Ok(SlotRead {
                    node: slot.node,
                    block: chunks.ravel(&block),
                    read: read.relative_to(&chunks.block_offset(&block)),
                })
            })
            .collect()
    }

    /// The tasks a fused tree needs for output `region`, and how to read each.
    fn reads(&self, fused: &Fused, region: &Region) -> Result<(Vec<usize>, Vec<Strided>)> {
        self.slot_reads(fused, region)?
            .into_iter()
            .map(|slot| Ok((self.task(slot.node, slot.block)?, slot.read)))
            .collect::<Result<Vec<_>>>()
            .map(|pairs| pairs.into_iter().unzip())
    }

    /// One task per needed block of `input`, folding it into every reduction of it.
    fn reduction_pass(&mut self, input: usize) -> Result<()> {
        let node = self.plan.graph.nodes[input].clone();
        let reductions: Vec<Reduction> = self.plan.reductions[input]
            .iter()
            .map(|&r| match &self.plan.graph.nodes[r].op {
                Op::Reduce { kernel, axis } => Ok((kernel.clone(), *axis)),
                _ => Err(Error::internal("non-reduction in a reduction pass")),
            })
            .collect::<Result<_>>()?;
        let names: Vec<String> = self.plan.reductions[input]
            .iter()
            .map(|&r| self.plan.graph.nodes[r].label())
            .collect();
        let label: Arc<str> = format!("{} partial", names.join("+")).into();
        let fused = self.pass_trees[input]
            .clone()
            .ok_or_else(|| Error::internal("reduced node without a pass tree"))?;
        let reductions = Arc::new(reductions);
        let scratch = fused.expr.scratch_bytes();
        let needed = std::mem::take(&mut self.needed_pass[input]).keys();
        let mut pass = BlockMap::new(node.chunks.num_blocks());
        for b in needed {
            let index = node.chunks.unravel(b);
            let region = node.chunks.block_region(&index);
            let (deps, reads) = self.reads(&fused, &region)?;
            let bytes = reductions.iter().fold(0_usize, |sum, (_, axis)| {
                let kept = region.len() / axis.map_or(region.len(), |k| region.shape[k]).max(1);
                sum.saturating_add(kept.saturating_mul(PARTIAL_BYTES))
            });
            let (fused, reductions, node) = (fused.clone(), reductions.clone(), node.clone());
            let work = Box::new(move |inputs: &[Value]| {
                fused::fold_pass(
                    &fused.expr,
                    &*node.dtype,
                    &reductions,
                    &node.shape,
                    &region,
                    inputs,
                    &reads,
                )
            });
            let t = self.push(&label, index, deps, work, bytes);
            self.tasks[t].scratch = scratch;
            pass.insert(b, t);
        }
        self.passes[input] = Some(pass);
        Ok(())
    }

    /// Merge `parts` in a fixed tree and finish into an output block.
    fn tree(
        &mut self,
        label: &Arc<str>,
        kernel: &Arc<dyn super::ReduceKernel>,
        mut parts: Vec<PartRef>,
        block: Vec<usize>,
        shape: Vec<usize>,
        bytes: usize,
    ) -> usize {
        let combine_label: Arc<str> = format!("{label} combine").into();
        let partial_bytes = shape
            .iter()
            .product::<usize>()
            .saturating_mul(PARTIAL_BYTES);
        while parts.len() > self.fan_in {
            parts = parts
                .chunks(self.fan_in)
                .map(|group| {
                    let (deps, slots): (Vec<usize>, Vec<Option<usize>>) =
                        group.iter().copied().unzip();
                    let kernel = kernel.clone();
                    let work =
                        Box::new(move |inputs: &[Value]| fused::combine(&*kernel, inputs, &slots));
                    let t = self.push(&combine_label, block.clone(), deps, work, partial_bytes);
                    (t, None)
                })
                .collect();
        }
        let (deps, slots): (Vec<usize>, Vec<Option<usize>>) = parts.into_iter().unzip();
        let kernel = kernel.clone();
        let work =
            Box::new(move |inputs: &[Value]| fused::finish(&*kernel, inputs, &slots, &shape));
        self.push(label, block, deps, work, bytes)
    }
}

/// Bytes of block `index` of `node` when stored.
fn block_bytes(node: &Node, index: &[usize]) -> usize {
    node.chunks
        .block_shape(index)
        .iter()
        .fold(node.dtype.itemsize(), |bytes, &n| bytes.saturating_mul(n))
}

/// The blocks of a reduction's input (C order) merged into output block
/// `out`: all of them, or the column along `axis`.
fn reduced_blocks<'a>(
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
