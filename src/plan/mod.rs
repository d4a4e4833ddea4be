//! The logical plan: one [`Node`] per array-level operation, type-erased, in
//! an `Arc` DAG, and the passes that turn it into a block task graph for the
//! executor, one file each, in this order:
//!
//! ```text
//! Node DAG ──cse──▶ Graph ──fuse──▶ Plan ──cull──▶ needed blocks ──lower──▶ exec::TaskGraph
//! ```
//!
//! 1. [`cse`]: collect the DAG into an indexed graph, merging common
//!    subexpressions;
//! 2. [`fuse`]: decide which nodes are stored (one task per block) and which
//!    are fused into their consumers' tasks, and group reductions into
//!    shared passes;
//! 3. [`cull`]: mark the blocks some output needs;
//! 4. [`lower`]: emit one task per needed block (and the combine trees of
//!    reductions, and the tasks of sinks).
//!
//! [`rechunk`] is the one decision taken when an operation is recorded: the
//! chunkings a rechunk goes through (directly or via an intermediate).
//!
//! Typed behaviour (how to read a stored block of `f64`, how to fold `i32`s
//! into a sum) is reached through the kernel traits below; the plan itself
//! only moves `Arc<dyn Any>` values around.

mod bands;
mod blockmap;
mod cse;
mod cull;
mod dot;
mod explain;
mod fuse;
mod graph;
mod lower;
mod rechunk;

pub(crate) use dot::{dot_escape, to_dot};
pub(crate) use explain::explain;
pub(crate) use lower::{lower, Lowered};
pub(crate) use rechunk::steps as rechunk_steps;

use crate::chunks::Chunks;
use crate::error::Error;
use crate::kernel::{
    BlockKernel, CallKernel, ElemOps, MapKernel, ReduceKernel, SinkKernel, SourceKernel, Value,
};
use crate::view::ViewMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// One array-level operation. (`pub` only so the `Compute` trait can name it;
/// the module is private.)
pub struct Node {
    /// Unique for the life of the process; identity for sharing.
    pub(crate) id: u64,
    pub(crate) shape: Vec<usize>,
    pub(crate) chunks: Chunks,
    pub(crate) dtype: Arc<dyn ElemOps>,
    pub(crate) op: Op,
    pub(crate) inputs: Vec<Arc<Node>>,
}

pub(crate) enum Op {
    /// A leaf that computes its values from their position (random, full,
    /// from_fn, from_array ...).
    Source(Arc<dyn SourceKernel>),
    /// An elementwise function of the inputs, all of this node's shape.
    Map(Arc<dyn MapKernel>),
    /// The single input with its axes permuted or broadcast: read through
    /// strides, never computed.
    View(ViewMap),
    /// A reduction of the single input, over everything or along one axis.
    Reduce {
        kernel: Arc<dyn ReduceKernel>,
        axis: Option<usize>,
    },
    /// Blocks already in memory, in C order of the block grid.
    Stored(Arc<Vec<Value>>),
    /// An ordinary function of the inputs' values (a delayed call): one
    /// value, computed by one task.
    Call(Arc<dyn CallKernel>),
    /// One block of the single input, as a value of its own (no task).
    BlockOf(Vec<usize>),
    /// An array whose blocks are the inputs' values, in C order (no task).
    Parts,
    /// Each output block computed from whole blocks of the inputs (map_blocks,
    /// rechunk, concatenate, matrix products, scans): one task per block.
    Blocks(Arc<dyn BlockKernel>),
    /// Every block of the single input consumed into a state, which leaves
    /// one small value, the receipt (the in-memory result of `compute`, a
    /// store written): blocks are never held as graph outputs.
    Sink(Arc<dyn SinkKernel>),
    /// An operation that was given bad arguments. Operators cannot return a
    /// `Result`, so the error waits here and `compute` returns it.
    Invalid(Error),
}

impl Node {
    pub(crate) fn new(
        shape: Vec<usize>,
        chunks: Chunks,
        dtype: Arc<dyn ElemOps>,
        op: Op,
        inputs: Vec<Arc<Node>>,
    ) -> Arc<Node> {
        static NEXT_ID: AtomicU64 = AtomicU64::new(0);
        Arc::new(Node {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            shape,
            chunks,
            dtype,
            op,
            inputs,
        })
    }

    /// What the node does, for `explain`, `visualize` and task names.
    pub(crate) fn label(&self) -> String {
        match &self.op {
            Op::Source(k) => k.label(),
            Op::Map(k) => k.label(),
            Op::View(v) => v.label(),
            Op::Reduce { kernel, axis: None } => kernel.label(),
            Op::Reduce {
                kernel,
                axis: Some(a),
            } => format!("{}_axis({a})", kernel.label()),
            Op::Stored(_) => "stored".to_string(),
            Op::Call(k) => k.label(),
            Op::BlockOf(index) => format!("block{index:?}"),
            Op::Parts => "from_delayed".to_string(),
            Op::Blocks(k) => k.label(),
            Op::Sink(k) => k.label(),
            Op::Invalid(e) => format!("invalid: {e}"),
        }
    }

    /// A description equal for nodes that compute the same thing, used to
    /// share common subexpressions; `None` when the node must keep its identity
    /// (user closures, data).
    fn key(&self) -> Option<String> {
        let op = match &self.op {
            Op::Source(k) => k.key()?,
            Op::Map(k) => k.key()?,
            // The label abbreviates; the key must tell every view apart.
            Op::View(v) => format!("{v:?}"),
            Op::Reduce { kernel, axis } => format!("{}@{axis:?}", kernel.key()?),
            Op::BlockOf(index) => format!("block{index:?}"),
            Op::Blocks(k) => k.key()?,
            // A sink's state is its own: two sinks never share one.
            Op::Stored(_) | Op::Invalid(_) | Op::Call(_) | Op::Parts | Op::Sink(_) => return None,
        };
        // Chunks print compactly (a regular grid in a few characters) and
        // tell different block lengths apart.
        Some(format!(
            "{op}:{}:{:?}:{:?}",
            self.dtype.name(),
            self.shape,
            self.chunks
        ))
    }
}

impl Drop for Node {
    /// Drop a long chain of nodes iteratively: the default recursive drop
    /// would overflow the stack on chains built in a loop.
    fn drop(&mut self) {
        let mut pending = std::mem::take(&mut self.inputs);
        while let Some(input) = pending.pop() {
            if let Some(mut node) = Arc::into_inner(input) {
                pending.append(&mut node.inputs);
            }
        }
    }
}
