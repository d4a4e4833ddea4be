//! Pass 4, lowering: from the culled plan to block tasks.
//!
//! Stored nodes get one task per block. The reductions of a node share one
//! task per block of it (folding every strip into each of their folders;
//! one per band of blocks when it reads only in-memory values, see
//! [`bands`](super::bands)),
//! then each reduction merges its partials in a fixed tree of `fan_in`-way
//! combine tasks, so the result does not depend on which task finishes first.
//!
//! Only the blocks [`cull`] found needed get a task, and the bookkeeping is
//! per needed block, not per block of the grid: a slice of a huge array
//! lowers to a few tasks.

use super::bands;
use super::blockmap::BlockMap;
use super::fuse::{Fused, Plan};
use super::graph::reduced_blocks;
use super::{cse, cull};
use super::{Node, Op};
use crate::chunks::Region;
use crate::error::{Error, Result};
use crate::exec::{Task, TaskGraph, TaskName, Value};
use crate::kernel::fused::{self, Reduction};
use crate::kernel::SinkKernel;
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

/// Lower `roots` with combine trees of `fan_in`, for a run on `threads`
/// threads of this process alone (`None`: on several MPI ranks, which
/// must all lower the same graph).
pub(crate) fn lower(roots: &[Arc<Node>], fan_in: usize, threads: Option<usize>) -> Result<Lowered> {
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
        threads,
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
        blocks: (0..n).map(|_| BlockMap::default()).collect(),
        passes: (0..n).map(|_| None).collect(),
    };
    let needed = cull::needed(&plan, &builder.store_trees, &builder.pass_trees)?;
    (builder.needed, builder.needed_pass) = (needed.stored, needed.pass);
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
    /// Threads of the run, when it is in this process alone.
    threads: Option<usize>,
    tasks: Vec<Task>,
    /// The fused tree computing each stored node's blocks.
    store_trees: Vec<Option<Arc<Fused>>>,
    /// The fused tree feeding the shared reduction pass over each node.
    pass_trees: Vec<Option<Arc<Fused>>>,
    /// Which blocks of each stored node some output needs (from culling).
    needed: Vec<BlockMap<()>>,
    /// Which blocks of each node its reductions' shared pass needs.
    needed_pass: Vec<BlockMap<()>>,
    /// Task of each needed block of each stored node (C-order number).
    blocks: Vec<BlockMap<usize>>,
    /// Task of the shared reduction pass over each needed block of a node,
    /// and where that block's partials start among the task's (`None`
    /// until its first reduction is lowered).
    passes: Vec<Option<BlockMap<(usize, usize)>>>,
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
        let name = TaskName {
            label: label.clone(),
            block,
        };
        self.tasks.push(Task::new(name, deps, work, bytes));
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
                    // Every rank of an SPMD program holds the same array.
                    self.tasks[t].replicated = true;
                    self.tasks[t].wire = node.dtype.wire();
                    self.blocks[i].insert(b, t);
                }
            }
            Op::Source(_) | Op::Map(_) | Op::View(_) => {
                let fused = self.store_trees[i]
                    .clone()
                    .ok_or_else(|| Error::internal("stored node without a tree"))?;
                for b in wanted {
                    let index = node.chunks.unravel(b);
                    let region = node.chunks.block_region(&index);
                    let scratch = fused.expr.scratch_bytes(region.len());
                    let (deps, reads) = self.reads(&fused, &region)?;
                    let bytes = block_bytes(&node, &index);
                    let (fused, dtype) = (fused.clone(), node.dtype.clone());
                    let work = Box::new(move |inputs: &[Value]| {
                        fused::materialize(&fused.expr, &*dtype, &region, inputs, &reads)
                    });
                    let t = self.push(&label, index, deps, work, bytes);
                    self.tasks[t].scratch = scratch;
                    self.tasks[t].wire = node.dtype.wire();
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
                                .map(|(t, first)| (t, Some(first + slot)))
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
                let (bytes, wire, replicated) =
                    (kernel.bytes(), kernel.wire(), kernel.replicated());
                let t = self.push(
                    &label,
                    vec![],
                    deps,
                    Box::new(move |inputs: &[Value]| kernel.call(inputs)),
                    bytes,
                );
                self.tasks[t].wire = wire;
                self.tasks[t].replicated = replicated;
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
                            let (p, j) = self.plan.graph.input_block(i, k, &at)?;
                            self.task(p, j)
                        })
                        .collect::<Result<Vec<_>>>()?;
                    let bytes = match node.chunks.all_known() {
                        true => block_bytes(&node, &index),
                        // Unknown until computed: a selection's block is
                        // counted as what it reads.
                        false => deps
                            .iter()
                            .fold(0, |n: usize, &d| n.saturating_add(self.tasks[d].bytes)),
                    };
                    let (kernel, at) = (kernel.clone(), index.clone());
                    let work = Box::new(move |inputs: &[Value]| kernel.compute(&at, inputs));
                    let t = self.push(&label, index, deps, work, bytes);
                    self.tasks[t].wire = node.dtype.wire();
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
        self.tasks[state].wire = kernel.state_wire();
        let piece_wire = kernel.piece_wire();
        let consume_label: Arc<str> = format!("{label} block").into();
        let mut deps = vec![state];
        for b in 0..chunks.num_blocks() {
            let index = chunks.unravel(b);
            let block = self.task(p, b)?;
            let (consumer, at) = (kernel.clone(), index.clone());
            let work =
                Box::new(move |inputs: &[Value]| consumer.consume(&inputs[0], &at, &inputs[1]));
            let t = self.push(&consume_label, index, vec![state, block], work, 0);
            self.tasks[t].wire = piece_wire.clone();
            deps.push(t);
        }
        let finisher = kernel.clone();
        let work = Box::new(move |inputs: &[Value]| finisher.finish(&inputs[0], &inputs[1..]));
        let t = self.push(label, vec![], deps, work, 0);
        self.tasks[t].wire = kernel.receipt_wire();
        Ok(t)
    }

    /// The task of a node that has one value.
    fn single(&self, p: usize) -> Result<usize> {
        match self.plan.graph.nodes[p].chunks.num_blocks() {
            1 => self.task(p, 0),
            _ => Err(Error::internal("a call's input is not a single value")),
        }
    }

    /// The tasks a fused tree needs for output `region`, and how to read each.
    fn reads(&self, fused: &Fused, region: &Region) -> Result<(Vec<usize>, Vec<Strided>)> {
        fused
            .slot_reads(&self.plan.graph, region)?
            .into_iter()
            .map(|slot| Ok((self.task(slot.node, slot.block)?, slot.read)))
            .collect::<Result<Vec<_>>>()
            .map(|pairs| pairs.into_iter().unzip())
    }

    /// One task per needed block of `input` (or per band of them, see
    /// [`bands`]), folding it into every reduction of it.
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
        let needed = std::mem::take(&mut self.needed_pass[input]).keys();
        let banded = fused.expr.reads_in_place() && node.chunks.all_known();
        let groups = match self.threads.filter(|_| banded) {
            Some(threads) => bands::groups(&node.chunks.grid(), &needed, threads),
            None => needed.into_iter().map(|b| vec![b]).collect(),
        };
        // Each task's blocks (indices, regions); a group no task can read
        // together is a task per block.
        let mut tasks: Vec<(Vec<Vec<usize>>, Vec<Region>)> = Vec::new();
        for group in groups {
            let indices: Vec<Vec<usize>> = group.iter().map(|&b| node.chunks.unravel(b)).collect();
            let regions: Vec<Region> = indices
                .iter()
                .map(|index| node.chunks.block_region(index))
                .collect();
            if group.len() > 1 && fused::band_read(&regions).is_none() {
                let alone = indices.into_iter().zip(regions);
                tasks.extend(alone.map(|(index, region)| (vec![index], vec![region])));
            } else {
                tasks.push((indices, regions));
            }
        }
        let reductions = Arc::new(reductions);
        let mut pass = BlockMap::new(node.chunks.num_blocks());
        for (indices, regions) in tasks {
            let scratch = regions.iter().fold(0_usize, |sum, region| {
                sum.saturating_add(fused.expr.scratch_bytes(region.len()))
            });
            // A band reads no stored input (its tree reads views only).
            let (deps, reads) = self.reads(&fused, &regions[0])?;
            let bytes = regions.iter().fold(0_usize, |sum, region| {
                reductions.iter().fold(sum, |sum, (_, axis)| {
                    let kept = region.len() / axis.map_or(region.len(), |k| region.shape[k]).max(1);
                    sum.saturating_add(kept.saturating_mul(PARTIAL_BYTES))
                })
            });
            let wire = fused::pass_wire(&reductions, indices.len());
            let per_block = reductions.len();
            let first = indices[0].clone();
            let numbers: Vec<usize> = indices.iter().map(|i| node.chunks.ravel(i)).collect();
            let (fused, reductions, node) = (fused.clone(), reductions.clone(), node.clone());
            let name_of = label.clone();
            let work = Box::new(move |inputs: &[Value]| {
                let fold = |regions: &[Region], reads: &[Strided]| {
                    fused::fold_pass(
                        &fused.expr,
                        &*node.dtype,
                        &reductions,
                        &node.shape,
                        regions,
                        inputs,
                        reads,
                    )
                };
                match regions.len() {
                    1 if !node.chunks.all_known() => {
                        let (region, reads) =
                            fused::sized_by_block(&fused.expr, &regions[0], inputs)?;
                        fold(std::slice::from_ref(&region), &reads)
                    }
                    1 => fold(&regions, &reads),
                    _ => bands::fold_blaming_blocks(
                        indices.len(),
                        |k| format!("{name_of}{:?}", indices[k]),
                        || fold(&regions, &reads),
                        |k| fold(std::slice::from_ref(&regions[k]), &reads),
                    ),
                }
            });
            let t = self.push(&label, first, deps, work, bytes);
            self.tasks[t].scratch = scratch;
            self.tasks[t].wire = wire;
            for (k, &b) in numbers.iter().enumerate() {
                pass.insert(b, (t, k * per_block));
            }
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
        let kernel_wire = kernel.partial_wire();
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
                    self.tasks[t].wire = kernel_wire.clone();
                    (t, None)
                })
                .collect();
        }
        let (deps, slots): (Vec<usize>, Vec<Option<usize>>) = parts.into_iter().unzip();
        let wire = kernel.output_wire();
        let kernel = kernel.clone();
        let work =
            Box::new(move |inputs: &[Value]| fused::finish(&*kernel, inputs, &slots, &shape));
        let t = self.push(label, block, deps, work, bytes);
        self.tasks[t].wire = wire;
        t
    }
}

/// Bytes of block `index` of `node` when stored.
fn block_bytes(node: &Node, index: &[usize]) -> usize {
    // Blocks of unknown lengths count as empty here (block nodes count
    // them as what they read).
    node.chunks
        .block_region(index)
        .shape
        .iter()
        .fold(node.dtype.itemsize(), |bytes, &n| bytes.saturating_mul(n))
}
