//! From the optimized plan to block tasks.
//!
//! Stored nodes get one task per block. The reductions of a node share one
//! task per block of it (folding every strip into each of their folders),
//! then each reduction merges its partials in a fixed tree of `fan_in`-way
//! combine tasks, so the result does not depend on which task finishes first.

use super::graph::Graph;
use super::optimize::{Expr, Fused, Plan};
use super::{Node, Op, Strided};
use crate::chunks::Region;
use crate::error::{Error, Result};
use crate::exec::{Options, Task, TaskGraph, TaskName, Value};
use crate::kernel::AnySource;
use std::sync::Arc;

/// The task graph of some requested arrays.
pub(crate) struct Lowered {
    pub tasks: TaskGraph,
    /// Number of blocks of each requested array; their tasks are the
    /// graph's outputs, array after array, blocks in C order.
    pub root_blocks: Vec<usize>,
    pub(super) plan: Plan,
}

/// The partial results of every reduction sharing one block pass.
struct Partials(Vec<Value>);

/// Where a reduction's partial result is: a task, and a slot when that task
/// is a shared block pass.
type PartRef = (usize, Option<usize>);

pub(crate) fn lower(roots: &[Arc<Node>], options: &Options) -> Result<Lowered> {
    if options.fan_in < 2 {
        return Err(Error::invalid(
            "fan_in",
            format!(
                "a combine task must merge at least 2 partials, got {}",
                options.fan_in
            ),
        ));
    }
    let plan = Plan::new(Graph::collect(roots)?);
    let mut builder = Builder {
        plan: &plan,
        fan_in: options.fan_in,
        tasks: Vec::new(),
        blocks: vec![Vec::new(); plan.graph.nodes.len()],
        passes: vec![Vec::new(); plan.graph.nodes.len()],
    };
    for i in 0..plan.graph.nodes.len() {
        if plan.stored[i] {
            builder.store(i)?;
        }
    }
    let mut outputs = Vec::new();
    let mut root_blocks = Vec::new();
    for &r in &plan.graph.roots {
        outputs.extend(&builder.blocks[r]);
        root_blocks.push(builder.blocks[r].len());
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
    /// Task of each block of each stored node, in C order.
    blocks: Vec<Vec<usize>>,
    /// Task of the shared reduction pass over each block of a node.
    passes: Vec<Vec<usize>>,
}

impl Builder<'_> {
    fn push(
        &mut self,
        label: &Arc<str>,
        block: Vec<usize>,
        deps: Vec<usize>,
        work: crate::exec::Work,
    ) -> usize {
        self.tasks.push(Task {
            name: TaskName {
                label: label.clone(),
                block,
            },
            deps,
            work,
        });
        self.tasks.len() - 1
    }

    fn store(&mut self, i: usize) -> Result<()> {
        let node = self.plan.graph.nodes[i].clone();
        let label: Arc<str> = node.label().into();
        match &node.op {
            Op::Stored(values) => {
                for (b, value) in values.iter().enumerate() {
                    let value = value.clone();
                    let t = self.push(
                        &label,
                        node.chunks.unravel(b),
                        vec![],
                        Box::new(move |_| Ok(value)),
                    );
                    self.blocks[i].push(t);
                }
            }
            Op::Source(_) | Op::Map(_) | Op::View(_) => {
                let fused = Arc::new(self.plan.fuse(i, true));
                for b in 0..node.chunks.num_blocks() {
                    let index = node.chunks.unravel(b);
                    let region = node.chunks.block_region(&index);
                    let (deps, reads) = self.reads(&fused, &region)?;
                    let (fused, dtype) = (fused.clone(), node.dtype.clone());
                    let work = Box::new(move |inputs: &[Value]| {
                        let source = open(&fused.expr, &region, inputs, &reads)?;
                        dtype.materialize(source, &region.shape)
                    });
                    let t = self.push(&label, index, deps, work);
                    self.blocks[i].push(t);
                }
            }
            Op::Reduce { kernel, axis } => {
                let input = self.plan.graph.inputs[i][0];
                if self.passes[input].is_empty() {
                    self.reduction_pass(input)?;
                }
                let slot = self.plan.reductions[input]
                    .iter()
                    .position(|&r| r == i)
                    .ok_or_else(|| Error::internal("reduction missing from its input's pass"))?;
                let parts: Vec<PartRef> = self.passes[input]
                    .iter()
                    .map(|&t| (t, Some(slot)))
                    .collect();
                let source_chunks = &self.plan.graph.nodes[input].chunks;
                for b in 0..node.chunks.num_blocks() {
                    let out_index = node.chunks.unravel(b);
                    // The input blocks reduced into output block `out_index`.
                    let column: Vec<PartRef> = match *axis {
                        None => parts.clone(),
                        Some(k) => (0..source_chunks.grid()[k])
                            .map(|j| {
                                let mut index = out_index.clone();
                                index.insert(k, j);
                                parts[source_chunks.ravel(&index)]
                            })
                            .collect(),
                    };
                    let shape = node.chunks.block_shape(&out_index);
                    let t = self.tree(&label, kernel, column, out_index, shape);
                    self.blocks[i].push(t);
                }
            }
            Op::Call(kernel) => {
                // Inputs are single values (delayed calls, blocks of arrays).
                let deps = self.plan.graph.inputs[i]
                    .iter()
                    .map(|&p| single(&self.blocks[p]))
                    .collect::<Result<Vec<_>>>()?;
                let kernel = kernel.clone();
                let t = self.push(
                    &label,
                    vec![],
                    deps,
                    Box::new(move |inputs: &[Value]| kernel.call(inputs)),
                );
                self.blocks[i].push(t);
            }
            Op::BlockOf(index) => {
                let p = self.plan.graph.inputs[i][0];
                let chunks = &self.plan.graph.nodes[p].chunks;
                self.blocks[i] = vec![self.blocks[p][chunks.ravel(index)]];
            }
            Op::Parts => {
                let parts = self.plan.graph.inputs[i]
                    .iter()
                    .map(|&p| single(&self.blocks[p]))
                    .collect::<Result<Vec<_>>>()?;
                self.blocks[i] = parts;
            }
            Op::Invalid(e) => return Err(e.clone()),
        }
        Ok(())
    }

    /// The tasks a fused tree needs for output `region`, and how to read each.
    fn reads(&self, fused: &Fused, region: &Region) -> Result<(Vec<usize>, Vec<Strided>)> {
        let mut deps = Vec::with_capacity(fused.slots.len());
        let mut reads = Vec::with_capacity(fused.slots.len());
        for slot in &fused.slots {
            let read = match &slot.view {
                Some(view) => view.read(region),
                None => Strided::region(region),
            };
            let chunks = &self.plan.graph.nodes[slot.node].chunks;
            let block = chunks
                .block_containing(&read.input_region())
                .ok_or_else(|| Error::internal("a fused read straddles stored blocks"))?;
            deps.push(self.blocks[slot.node][chunks.ravel(&block)]);
            reads.push(read.relative_to(&chunks.block_offset(&block)));
        }
        Ok((deps, reads))
    }

    /// One task per block of `input`, folding it into every reduction of it.
    fn reduction_pass(&mut self, input: usize) -> Result<()> {
        let node = self.plan.graph.nodes[input].clone();
        let reductions: Vec<(Arc<dyn super::ReduceKernel>, Option<usize>)> = self.plan.reductions
            [input]
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
        let fused = Arc::new(self.plan.fuse(input, false));
        let reductions = Arc::new(reductions);
        for b in 0..node.chunks.num_blocks() {
            let index = node.chunks.unravel(b);
            let region = node.chunks.block_region(&index);
            let (deps, reads) = self.reads(&fused, &region)?;
            let (fused, reductions, node) = (fused.clone(), reductions.clone(), node.clone());
            let work = Box::new(move |inputs: &[Value]| {
                let source = open(&fused.expr, &region, inputs, &reads)?;
                let folders = reductions
                    .iter()
                    .map(|(kernel, axis)| kernel.folder(&region, &node.shape, *axis))
                    .collect();
                let parts = node.dtype.fold(source, &region.shape, folders)?;
                Ok(Arc::new(Partials(parts)) as Value)
            });
            let t = self.push(&label, index, deps, work);
            self.passes[input].push(t);
        }
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
    ) -> usize {
        let combine_label: Arc<str> = format!("{label} combine").into();
        while parts.len() > self.fan_in {
            parts = parts
                .chunks(self.fan_in)
                .map(|group| {
                    let (deps, slots): (Vec<usize>, Vec<Option<usize>>) =
                        group.iter().copied().unzip();
                    let kernel = kernel.clone();
                    let work =
                        Box::new(move |inputs: &[Value]| kernel.combine(pick(inputs, &slots)?));
                    (self.push(&combine_label, block.clone(), deps, work), None)
                })
                .collect();
        }
        let (deps, slots): (Vec<usize>, Vec<Option<usize>>) = parts.into_iter().unzip();
        let kernel = kernel.clone();
        let work = Box::new(move |inputs: &[Value]| {
            let mut parts = pick(inputs, &slots)?;
            let merged = if parts.len() == 1 {
                parts.pop().expect("one part")
            } else {
                kernel.combine(parts)?
            };
            kernel.finish(merged, &shape)
        });
        self.push(label, block, deps, work)
    }
}

/// The task of a node that has one value.
fn single(blocks: &[usize]) -> Result<usize> {
    match blocks {
        [t] => Ok(*t),
        _ => Err(Error::internal("a call's input is not a single value")),
    }
}

/// The partial results behind task values: a slot of a shared pass, or the
/// value itself (an intermediate combine).
fn pick(inputs: &[Value], slots: &[Option<usize>]) -> Result<Vec<Value>> {
    inputs
        .iter()
        .zip(slots)
        .map(|(value, slot)| match slot {
            None => Ok(value.clone()),
            Some(s) => value
                .downcast_ref::<Partials>()
                .and_then(|p| p.0.get(*s).cloned())
                .ok_or_else(|| Error::internal("reduction pass result of an unexpected shape")),
        })
        .collect()
}

/// A source for `region` of a fused tree, reading stored inputs at `reads`.
fn open(expr: &Expr, region: &Region, inputs: &[Value], reads: &[Strided]) -> Result<AnySource> {
    match expr {
        Expr::SourceView { node, view } => {
            let Op::Source(kernel) = &node.op else {
                return Err(Error::internal("viewed leaf is not a source"));
            };
            kernel.open_view(&view.read(region))
        }
        Expr::Read { dtype, slot } => dtype.view_source(&inputs[*slot], &reads[*slot]),
        Expr::Source(node) => {
            let Op::Source(kernel) = &node.op else {
                return Err(Error::internal("fused leaf is not a source"));
            };
            let block = node
                .chunks
                .block_containing(region)
                .ok_or_else(|| Error::internal("a fused source read straddles its blocks"))?;
            if kernel.whole_blocks_only() && node.chunks.block_region(&block) != *region {
                return Err(Error::internal(
                    "a per-block source was asked for part of a block",
                ));
            }
            kernel.open(region, &block)
        }
        Expr::Map { node, args } => {
            let Op::Map(kernel) = &node.op else {
                return Err(Error::internal("fused map is not a map"));
            };
            let sources = args
                .iter()
                .map(|a| open(a, region, inputs, reads))
                .collect::<Result<Vec<_>>>()?;
            kernel.open(sources)
        }
    }
}
