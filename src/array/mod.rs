//! [`ChunkedArray`]: the typed, lazy handle users build expressions with.
//!
//! Every method here only records a plan node; `compute` lowers the plan and
//! runs it. Nothing in this module knows about threads.

// In the order of the rustdoc page of `ChunkedArray`: each file adds one
// group of methods.
mod apply_along;
mod basics;
mod blocks;
mod blockwise;
mod counts;
mod create;
mod diag;
mod einsum;
mod elementwise;
pub mod factor;
pub mod fft;
mod gradient;
mod grid;
mod gufunc;
pub mod hypothesis;
mod index;
mod linalg;
mod npy;
mod ops;
mod order;
mod overlap;
mod pad;
mod quantile;
pub mod random;
mod rearrange;
mod reduce;
mod reduction;
mod reshape;
mod routines;
mod scan;
mod search;
mod selection;
mod sizes;
mod stack;
mod stats;
mod take;
mod unique;
mod views;
mod windows;
mod zarr;

pub use blocks::BlockInfo;
pub use blockwise::{blockwise, blockwise_with};
pub use einsum::einsum;
#[allow(deprecated)]
pub use elementwise::select;
pub use elementwise::{where_cond, IntoOperand};
pub use grid::{broadcast_arrays, indices, meshgrid, Indexing};
pub use gufunc::apply_gufunc;
pub use linalg::{tensordot, Dot};
pub use pad::PadMode;
pub use reshape::{concatenate, stack};
pub use routines::{full_like, ones_like, outer, zeros_like};
pub use search::Side;
pub use stack::{block, dstack, hstack, vstack};

use crate::chunks::Chunks;
use crate::compute::Compute;
use crate::delayed::Delayed;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::exec::Value;
use crate::kernel::blocks::BlockFn;
use crate::kernel::sink::{Assemble, Assembled};
use crate::kernel::written::Written;
use crate::kernel::Typed;
use crate::kernel::{SinkKernel, SourceKernel};
use crate::plan::{Node, Op};
use crate::size;
use ndarray::{Array, Dimension};
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

/// A lazy n-dimensional array cut into blocks.
///
/// Operations record a node of a plan and return at once; [`compute`](Self::compute)
/// turns the plan into one task per block (fusing elementwise chains into
/// the tasks that consume them) and runs the tasks on all cores. Cloning is
/// cheap: it shares the plan.
///
/// **Start here**: wrap an ndarray array with [`from_array`](Self::from_array)
/// (no copy) or make one with [`zeros`](Self::zeros), [`from_fn`](Self::from_fn)
/// or a [`random::Rng`](crate::random::Rng); combine arrays with operators and
/// [`mapv`](Self::mapv); reduce with [`sum`](Self::sum), [`mean_axis`](Self::mean_axis)
/// ...; then [`compute`](Self::compute) (or [`ndchunk::compute`](crate::compute)
/// for several results sharing their work). The methods below come in groups:
/// creating arrays; shape, chunks and computing; elementwise operations;
/// reductions and user reductions; views and slicing; selecting along an axis; rechunking and
/// reshaping; numpy routines (rearranging, rot90/tile/repeat, stacking,
/// padding, diagonals, windows, matrices from the index, float routines,
/// differences and gradients); block functions; functions of lanes; stencils; linear algebra;
/// scans; counts; sorting along an axis; order statistics (percentile,
/// median); summary statistics (ptp, moments, weighted average,
/// covariance); distinct values. Routines joining several arrays or making
/// grids are free functions: [`concatenate`](crate::concatenate),
/// [`vstack`](crate::vstack), [`block`](crate::block),
/// [`broadcast_arrays`](crate::broadcast_arrays), [`meshgrid`](crate::meshgrid),
/// [`indices`](crate::indices), and the general block operations
/// [`einsum`](crate::einsum), [`blockwise`](crate::blockwise) and
/// [`apply_gufunc`](crate::apply_gufunc) ...
///
/// `T` is the element type, `D` the dimensionality (`Ix1`, `Ix2`, ... or `IxDyn`),
/// as in ndarray.
///
/// ```
/// use ndchunk::prelude::*;
/// let rng = ndchunk::random::Rng::seed(42);
/// let x = rng.standard_normal((1_000, 1_000), (250, 250))?; // nothing is drawn yet
/// let y = (&x * 2.0 + 1.0).mapv(f64::abs);                  // still nothing
/// assert_eq!(y.num_blocks(), 16);
/// let m: f64 = y.mean().compute()?.into_scalar();           // 16 tasks, all cores
/// assert!((m - 1.79).abs() < 0.02);                         // E|2x+1| for x ~ N(0, 1)
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub struct ChunkedArray<T, D> {
    pub(crate) node: Arc<Node>,
    _type: PhantomData<(fn() -> T, D)>,
}

impl<T, D> Clone for ChunkedArray<T, D> {
    fn clone(&self) -> Self {
        ChunkedArray {
            node: self.node.clone(),
            _type: PhantomData,
        }
    }
}

impl<T: Element, D: Dimension> ChunkedArray<T, D> {
    pub(crate) fn from_node(node: Arc<Node>) -> Self {
        ChunkedArray {
            node,
            _type: PhantomData,
        }
    }

    /// The node of `op`. Every array passes here, whatever made it, so this
    /// is where its size is checked: a shape with more elements or bytes
    /// than ndarray can index makes the array invalid (an error from
    /// `compute` naming the shape), so `len`, `nbytes` and every block fit.
    ///
    /// An input whose block lengths are unknown until computed (a
    /// selection's) makes the array invalid too, naming what needed them,
    /// unless the operation is a whole-array reduction or a reduction along
    /// the unknown axis: every other operation reads block geometry (see
    /// [`over_unknown`](Self::over_unknown)).
    pub(crate) fn new(shape: Vec<usize>, chunks: Chunks, op: Op, inputs: Vec<Arc<Node>>) -> Self {
        let unknown_input = inputs.iter().any(|i| !i.chunks.all_known());
        // Along the one unknown axis, an axis reduction reads each block's
        // lengths from the block and leaves known axes only.
        let only_unknown = |k: usize| {
            inputs
                .iter()
                .all(|i| (0..i.chunks.ndim()).all(|a| i.chunks.is_known(a) || a == k))
        };
        let op = match op {
            Op::Reduce { axis: None, .. } | Op::Invalid(_) => op,
            Op::Reduce { axis: Some(k), .. } if only_unknown(k) => op,
            _ if unknown_input => Op::Invalid(Error::UnknownChunkSizes {
                op: needs_sizes(&op),
            }),
            _ => op,
        };
        Self::over_unknown(shape, chunks, op, inputs)
    }

    /// [`new`](Self::new) for the operations that take blocks of lengths
    /// unknown until computed as they come (selections, elementwise
    /// operations over them, [`compute_chunk_sizes`](Self::compute_chunk_sizes)):
    /// only the known axes of `shape` are checked.
    pub(crate) fn over_unknown(
        shape: Vec<usize>,
        chunks: Chunks,
        op: Op,
        inputs: Vec<Arc<Node>>,
    ) -> Self {
        let known: Vec<usize> = (0..shape.len())
            .filter(|&a| chunks.is_known(a))
            .map(|a| shape[a])
            .collect();
        let op = match size::array("shape", &known, std::mem::size_of::<T>()) {
            // Only whole blocks can be of lengths unknown until computed:
            // the plan cuts the others into regions.
            Ok(_) if chunks.all_known() => op,
            Ok(_) => match op {
                Op::Blocks(_) | Op::Stored(_) | Op::Invalid(_) => op,
                _ => Op::Invalid(Error::UnknownChunkSizes {
                    op: needs_sizes(&op),
                }),
            },
            Err(error) => Op::Invalid(error),
        };
        Self::from_node(Node::new(shape, chunks, Typed::<T>::ops(), op, inputs))
    }

    /// `Err` naming `op` when some block lengths are unknown until computed.
    pub(crate) fn known_sizes(&self, op: &'static str) -> Result<()> {
        match self.shape_known() {
            true => Ok(()),
            false => Err(Error::UnknownChunkSizes { op }),
        }
    }

    /// A leaf array whose values `kernel` computes.
    pub(crate) fn from_source(
        shape: Vec<usize>,
        chunks: Chunks,
        kernel: impl SourceKernel + 'static,
    ) -> Self {
        Self::new(shape, chunks, Op::Source(Arc::new(kernel)), vec![])
    }

    /// An array whose blocks `kernel` computes from whole blocks of `inputs`
    /// (of element type `S`), chunked as the kernel declares.
    pub(crate) fn from_block_fn<S: Element>(
        shape: Vec<usize>,
        kernel: BlockFn<S, T>,
        inputs: Vec<Arc<Node>>,
    ) -> Self {
        let chunks = kernel.chunks.clone();
        Self::new(shape, chunks, Op::Blocks(Arc::new(kernel)), inputs)
    }

    /// An array that reports `error` when computed: operators cannot return
    /// a `Result`, so a bad combination is recorded and surfaces at `compute`.
    ///
    /// An input whose block lengths are unknown until computed is the
    /// likelier cause (its lengths read as [`UNKNOWN`](crate::chunks::UNKNOWN)),
    /// so that is the error reported then.
    pub(crate) fn invalid(shape: Vec<usize>, error: Error, inputs: Vec<Arc<Node>>) -> Self {
        let error = match error {
            Error::UnknownChunkSizes { .. } => error,
            _ if inputs.iter().any(|i| !i.chunks.all_known()) => Error::UnknownChunkSizes {
                op: "this operation",
            },
            _ => error,
        };
        let chunks = Chunks::single(&shape);
        let op = Op::Invalid(error);
        Self::from_node(Node::new(shape, chunks, Typed::<T>::ops(), op, inputs))
    }

    /// This array, or the error it was made with: for operations that
    /// return a `Result` and build their array through [`new`](Self::new).
    pub(crate) fn into_result(self) -> Result<Self> {
        match &self.node.op {
            Op::Invalid(error) => Err(error.clone()),
            _ => Ok(self),
        }
    }
}

/// What a view is called in the error saying it needs known block lengths.
pub(crate) const VIEW: &str = "a view (slice, transpose, broadcast, axis insertion)";

/// What an operation of kind `op` is called in the error saying it needs
/// known block lengths (the operations with a name of their own check
/// before recording: `rechunk`, `reshape`, `concatenate` ...).
fn needs_sizes(op: &Op) -> &'static str {
    match op {
        Op::Map(_) => "an elementwise operation between arrays",
        Op::View(_) => VIEW,
        Op::Reduce { .. } => "a reduction along an axis",
        Op::Blocks(_) => "a block operation",
        Op::Sink(_) => "writing to a store",
        Op::Source(_) => {
            "an array made with the chunks of another (zeros_like, a scalar operand ...)"
        }
        _ => "this operation",
    }
}

/// The lazy receipt of `sink` consuming every block of `input`: a write to
/// a store (`to_zarr`, `to_npy`).
fn written_by<T: Element, D: Dimension>(
    sink: impl SinkKernel + 'static,
    input: &ChunkedArray<T, D>,
) -> Delayed<Written> {
    let op = match input.known_sizes("writing to a store") {
        Ok(()) => Op::Sink(Arc::new(sink)),
        Err(error) => Op::Invalid(error),
    };
    Delayed::from_node(Node::new(
        vec![],
        Chunks::single(&[]),
        Typed::<()>::ops(),
        op,
        vec![input.node.clone()],
    ))
}

impl<T: Element, D: Dimension> Compute for &ChunkedArray<T, D> {
    type Output = Array<T, D>;

    fn roots(&self) -> Vec<Arc<Node>> {
        vec![self.node.clone()]
    }

    fn results(&self) -> Vec<Arc<Node>> {
        let sink = Assemble::<T>::new(self.node.chunks.clone());
        vec![Node::new(
            vec![],
            Chunks::single(&[]),
            Typed::<T>::ops(),
            Op::Sink(Arc::new(sink)),
            vec![self.node.clone()],
        )]
    }

    fn assemble(self, blocks: &mut dyn Iterator<Item = Vec<Value>>) -> Result<Array<T, D>> {
        let receipt = blocks
            .next()
            .and_then(|mut r| r.pop())
            .ok_or_else(|| Error::internal("no result for an array"))?;
        let array = receipt
            .downcast_ref::<Assembled<T>>()
            .and_then(|slot| crate::lock::lock(slot).take())
            .ok_or_else(|| Error::internal("an array's result was not assembled"))?;
        array
            .into_dimensionality::<D>()
            .map_err(|e| Error::internal(format!("assembled array of the wrong rank: {e}")))
    }
}

impl<T: Element, D: Dimension> Compute for ChunkedArray<T, D> {
    type Output = Array<T, D>;

    fn roots(&self) -> Vec<Arc<Node>> {
        (&self).roots()
    }

    fn results(&self) -> Vec<Arc<Node>> {
        (&self).results()
    }

    fn assemble(self, blocks: &mut dyn Iterator<Item = Vec<Value>>) -> Result<Array<T, D>> {
        (&self).assemble(blocks)
    }
}

impl<T: Element, D: Dimension> fmt::Debug for ChunkedArray<T, D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl<T: Element, D: Dimension> fmt::Display for ChunkedArray<T, D> {
    /// Like dask's repr, and as instant: the operation, the shape, the
    /// chunks, the blocks and the bytes, read off the array without lowering
    /// its plan (count tasks with [`num_tasks`](ChunkedArray::num_tasks)):
    /// `ChunkedArray<f64, shape=[1000, 1000], chunks=(250x4, 250x4), blocks=16, 7.63 MiB, op=ones>`.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::<f64, _>::zeros((1000, 1000), (250, 250))?;
    /// assert_eq!(
    ///     x.to_string(),
    ///     "ChunkedArray<f64, shape=[1000, 1000], chunks=(250x4, 250x4), blocks=16, 7.63 MiB, op=zeros>"
    /// );
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    ///
    /// Lengths unknown until computed show as `?`, and so do the bytes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let known = |a: usize| self.chunks().is_known(a);
        let shape: Vec<String> = (0..self.ndim())
            .map(|a| match known(a) {
                true => self.shape()[a].to_string(),
                false => "?".to_string(),
            })
            .collect();
        let bytes = match self.shape_known() {
            true => crate::diagnostics::human_bytes(self.nbytes()),
            false => "? B".to_string(),
        };
        write!(
            f,
            "ChunkedArray<{}, shape=[{}], chunks={:?}, blocks={}, {bytes}, op={}>",
            std::any::type_name::<T>(),
            shape.join(", "),
            self.chunks(),
            self.num_blocks(),
            self.node.label()
        )
    }
}
