//! The contract between the plan and the kernels, in one place: the traits
//! kernels implement (sources, elementwise maps, block functions, calls,
//! reductions, element operations) and the type-erased vocabulary the plan
//! moves between them without naming an element type: [`Value`] (a task's
//! result), [`Block`] (a stored block), [`AnySource`] (a strip producer) and
//! [`AnyFolder`] (a reduction accumulator).
//!
//! The plan imports this file; nothing here knows the plan.

use crate::chunks::Region;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::view::{Strided, StridedReads};
use ndarray::{ArcArray, IxDyn};
use std::any::Any;

pub(crate) use crate::exec::Value;
use crate::exec::Wire;
use std::sync::Arc;

/// A block of values as stored between tasks: shared, row-major.
pub(crate) type Block<T> = ArcArray<T, IxDyn>;

/// A producer of a region's elements in C order, a strip at a time.
pub(crate) trait StripSource<T>: Send {
    /// Append the next `n` elements to `out`.
    fn fill(&mut self, out: &mut Vec<T>, n: usize);

    /// Hand the next `n` elements to `f` as one slice. Sources holding
    /// their values (stored blocks, in-memory arrays) may pass them without
    /// copying; the others fill `buf` first.
    fn visit(&mut self, n: usize, buf: &mut Vec<T>, f: &mut dyn FnMut(&[T])) {
        buf.clear();
        self.fill(buf, n);
        f(buf);
    }
}

/// A typed source.
pub(crate) type Source<T> = Box<dyn StripSource<T>>;

/// A source with its element type erased (holds a [`Source<T>`]), as passed
/// between the type-erased plan and the typed kernels.
pub(crate) type AnySource = Box<dyn Any + Send>;

pub(crate) fn erase<T: Element>(source: Source<T>) -> AnySource {
    Box::new(source)
}

pub(crate) fn unerase<T: Element>(source: AnySource) -> Result<Source<T>> {
    source.downcast::<Source<T>>().map(|b| *b).map_err(|_| {
        Error::internal(format!(
            "source is not of element type {}",
            std::any::type_name::<T>()
        ))
    })
}

/// Element-type specific operations of a node's values.
pub(crate) trait ElemOps: Send + Sync {
    fn name(&self) -> &'static str;
    /// Bytes of one element.
    fn itemsize(&self) -> usize;
    /// A source reading a stored block through `read` (relative to the
    /// block's origin).
    fn view_source(&self, block: &Value, read: &Strided) -> Result<AnySource>;
    /// Run `source` over a whole block of `shape` and store the values.
    fn materialize(&self, source: AnySource, shape: &[usize]) -> Result<Value>;
    /// The shape of a stored block (read off the block: for blocks whose
    /// lengths are known only once computed).
    fn block_shape(&self, block: &Value) -> Result<Vec<usize>>;
    /// How stored blocks are sent between MPI ranks, if they can be.
    fn wire(&self) -> Option<Arc<dyn Wire>>;
    /// Read the blocks from `sources`, feeding every strip of each to each
    /// of its folders; returns the partial results, block after block.
    fn fold(&self, sources: FoldSources<AnySource>, blocks: Vec<FoldBlock>) -> Result<Vec<Value>>;
}

/// A reduction folder with its input element type erased.
pub(crate) type AnyFolder = Box<dyn std::any::Any + Send>;

/// One block of a fold: its shape, and the folders fed with its values.
pub(crate) type FoldBlock = (Vec<usize>, Vec<AnyFolder>);

/// What the blocks of a fold are read from.
pub(crate) enum FoldSources<S> {
    /// One source reading the blocks one after the other, each in its own
    /// C order.
    InTurn(S),
    /// One source over a band of blocks side by side along the last axis,
    /// each row of each block made of whole strips: read row by row across
    /// the band.
    Band(S),
}

/// A leaf of the plan: values computed from their position.
pub(crate) trait SourceKernel: Send + Sync {
    fn label(&self) -> String;
    fn key(&self) -> Option<String> {
        None
    }
    /// Cheaper to compute again than to store when several consumers need it.
    fn cheap(&self) -> bool;
    /// Whether [`open`](Self::open) holds its whole region at once (a store
    /// decodes whole chunks) rather than making strips as they are asked
    /// for: the memory limit then counts the region's bytes too.
    fn buffers_region(&self) -> bool {
        false
    }
    /// A source for `region` (absolute coordinates) lying in block `block`.
    fn open(&self, region: &Region, block: &[usize]) -> Result<AnySource>;
    /// Whether [`open_view`](Self::open_view) works: the values can be read
    /// in any order (in-memory arrays, constants).
    fn viewable(&self) -> bool {
        false
    }
    /// Whether the values are held in memory and read in place, nothing
    /// computed (in-memory arrays, constants; implies `viewable`): a pass
    /// may read a region of several blocks as cheaply as one block.
    fn in_memory(&self) -> bool {
        false
    }
    /// A source reading through a view (absolute input coordinates).
    fn open_view(&self, _read: &Strided) -> Result<AnySource> {
        Err(Error::internal(format!(
            "{} cannot be read through a view",
            self.label()
        )))
    }
    /// One source reading through `reads` one after the other, each in its
    /// own C order ([`in_memory`](Self::in_memory) kernels): the many
    /// small blocks a task folds cost one source, not one each.
    fn open_views(&self, _reads: StridedReads) -> Result<AnySource> {
        Err(Error::internal(format!(
            "{} cannot be read through views in turn",
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
    /// Bytes the value is counted as holding.
    fn bytes(&self) -> usize;
    /// How the value is sent between MPI ranks, if it can be.
    fn wire(&self) -> Option<Arc<dyn Wire>> {
        None
    }
    /// Whether every process holds the value already (it has no inputs).
    fn replicated(&self) -> bool {
        false
    }
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
    /// How partials are sent between MPI ranks, if they can be.
    fn partial_wire(&self) -> Option<Arc<dyn Wire>> {
        None
    }
    /// How finished blocks are sent between MPI ranks, if they can be.
    fn output_wire(&self) -> Option<Arc<dyn Wire>> {
        None
    }
}

/// A consumer of every block of an array that keeps only a small receipt
/// (a sink): the in-memory result of `compute`; writers of stores.
///
/// Lowered as one task making the sink's state, one task per block handing
/// it to [`consume`](Self::consume) (the block is freed as soon as it is
/// consumed), and one task making the receipt from the state and what each
/// consume returned.
pub(crate) trait SinkKernel: Send + Sync {
    fn label(&self) -> String;
    /// The state blocks are consumed into, made before any block arrives.
    fn open(&self) -> Result<Value>;
    /// Bytes the state holds (for the memory limit).
    fn state_bytes(&self) -> usize;
    /// Consume block `index` (C-order grid index of the sink's input);
    /// returns what the receipt needs of it (how much was written).
    fn consume(&self, state: &Value, index: &[usize], block: &Value) -> Result<Value>;
    /// The receipt, once every block has been consumed; `pieces` are what
    /// the consumes returned, in block order.
    fn finish(&self, state: &Value, pieces: &[Value]) -> Result<Value>;
    /// How the receipt is sent between MPI ranks, if it can be.
    fn receipt_wire(&self) -> Option<Arc<dyn Wire>> {
        None
    }
    /// How the state is sent between MPI ranks, if blocks may be consumed
    /// on any rank (a store whose write units each have one writer: the
    /// state is received as the store, opened again); `None` keeps every
    /// consume on the state's rank.
    fn state_wire(&self) -> Option<Arc<dyn Wire>> {
        None
    }
    /// How what a consume returns is sent between MPI ranks.
    fn piece_wire(&self) -> Option<Arc<dyn Wire>> {
        None
    }
}
