//! The logical plan: one [`Node`] per array-level operation, type-erased, in
//! an `Arc` DAG; the optimizer that decides what is fused and what is stored;
//! and the lowering to a block task graph for the executor.
//!
//! ```text
//! Node DAG ──graph::collect──▶ Graph (CSE) ──optimize──▶ Fused groups ──lower──▶ exec::TaskGraph
//! ```
//!
//! Typed behaviour (how to read a stored block of `f64`, how to fold `i32`s
//! into a sum) is reached through the kernel traits below; the plan itself
//! only moves `Arc<dyn Any>` values around.

mod blockmap;
mod dot;
mod explain;
mod graph;
mod lower;
mod optimize;
mod view;

pub(crate) use dot::to_dot;
pub(crate) use explain::explain;
pub(crate) use lower::{lower, Lowered};
pub(crate) use view::{Strided, ViewMap};

use crate::chunks::{Chunks, Region};
use crate::error::{Error, Result};
use crate::exec::Value;
use crate::kernel::AnySource;
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
            Op::Stored(_) | Op::Invalid(_) | Op::Call(_) | Op::Parts => return None,
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

/// Element-type specific operations of a node's values.
pub(crate) trait ElemOps: Send + Sync {
    fn name(&self) -> &'static str;
    /// A source reading a stored block through `read` (relative to the
    /// block's origin).
    fn view_source(&self, block: &Value, read: &Strided) -> Result<AnySource>;
    /// Run `source` over a whole block of `shape` and store the values.
    fn materialize(&self, source: AnySource, shape: &[usize]) -> Result<Value>;
    /// Run `source` over a block of `shape`, feeding every strip to every
    /// folder; returns each folder's partial result.
    fn fold(
        &self,
        source: AnySource,
        shape: &[usize],
        folders: Vec<AnyFolder>,
    ) -> Result<Vec<Value>>;
}

/// A reduction folder with its input element type erased.
pub(crate) type AnyFolder = Box<dyn std::any::Any + Send>;

/// A leaf of the plan: values computed from their position.
pub(crate) trait SourceKernel: Send + Sync {
    fn label(&self) -> String;
    fn key(&self) -> Option<String> {
        None
    }
    /// Cheaper to compute again than to store when several consumers need it.
    fn cheap(&self) -> bool;
    /// Only whole blocks of the node's own chunking can be produced (random
    /// streams are per block).
    fn whole_blocks_only(&self) -> bool {
        false
    }
    /// A source for `region` (absolute coordinates) lying in block `block`.
    fn open(&self, region: &Region, block: &[usize]) -> Result<AnySource>;
    /// Whether [`open_view`](Self::open_view) works: the values can be read
    /// in any order (in-memory arrays, constants).
    fn viewable(&self) -> bool {
        false
    }
    /// A source reading through a view (absolute input coordinates).
    fn open_view(&self, _read: &Strided) -> Result<AnySource> {
        Err(crate::error::Error::internal(format!(
            "{} cannot be read through a view",
            self.label()
        )))
    }
}

/// An elementwise function of its inputs.
pub(crate) trait MapKernel: Send + Sync {
    fn label(&self) -> String;
    fn key(&self) -> Option<String> {
        None
    }
    fn open(&self, inputs: Vec<AnySource>) -> Result<AnySource>;
}

/// Output blocks computed from whole stored blocks of the inputs.
///
/// The kernel knows its inputs' chunkings (it is built by the array layer
/// with them); the plan only asks which blocks to fetch and hands them over.
/// Blocks are [`Block<T>`](crate::kernel::sources::Block) values.
pub(crate) trait BlockKernel: Send + Sync {
    fn label(&self) -> String;
    /// Equal for kernels computing the same thing (for sharing); `None` keeps
    /// the node's identity (user closures).
    fn key(&self) -> Option<String> {
        None
    }
    /// The input blocks output block `index` reads, as `(input number, block
    /// index)`, in the order [`compute`](Self::compute) receives their values.
    fn reads(&self, index: &[usize]) -> Vec<(usize, Vec<usize>)>;
    /// Output block `index` from the values of [`reads`](Self::reads)`(index)`.
    fn compute(&self, index: &[usize], inputs: &[Value]) -> Result<Value>;
}

/// An ordinary function of its inputs' values (a delayed call).
pub(crate) trait CallKernel: Send + Sync {
    fn label(&self) -> String;
    fn call(&self, inputs: &[Value]) -> Result<Value>;
}

/// A reduction: per-block partials, merged in a fixed tree, then finished.
pub(crate) trait ReduceKernel: Send + Sync {
    fn label(&self) -> String;
    fn key(&self) -> Option<String> {
        Some(self.label())
    }
    /// A folder for one input block: `region` is the block, `shape` the
    /// whole input array's.
    fn folder(&self, region: &Region, shape: &[usize], axis: Option<usize>) -> AnyFolder;
    /// Merge partials given in increasing block order.
    fn combine(&self, parts: Vec<Value>) -> Result<Value>;
    /// Turn a merged partial into an output block of `shape`.
    fn finish(&self, part: Value, shape: &[usize]) -> Result<Value>;
}
