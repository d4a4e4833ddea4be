//! [`ChunkedArray`]: the typed, lazy handle users build expressions with.
//!
//! Every method here only records a plan node; `compute` lowers the plan and
//! runs it. Nothing in this module knows about threads.

mod blocks;
mod counts;
mod create;
mod elementwise;
mod index;
mod linalg;
mod ops;
mod overlap;
pub mod random;
mod reduce;
mod reshape;
mod scan;
mod take;
mod views;

pub use blocks::BlockInfo;
#[allow(deprecated)]
pub use elementwise::select;
pub use elementwise::{where_cond, IntoOperand};
pub use linalg::{tensordot, Dot};
pub use reshape::{concatenate, stack};

use crate::chunks::Chunks;
use crate::compute::{compute_with, Compute};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::exec::Value;
use crate::kernel::blocks::BlockFn;
use crate::kernel::sink::{Assemble, Assembled};
use crate::kernel::SourceKernel;
use crate::kernel::Typed;
use crate::options::Options;
use crate::plan::{Node, Op};
use crate::size;
use ndarray::{Array, Dimension};
use std::fmt;
use std::marker::PhantomData;
use std::path::Path;
use std::sync::Arc;

/// A lazy n-dimensional array cut into blocks.
///
/// Operations record a node of a plan and return at once; [`compute`](Self::compute)
/// turns the plan into one task per block (fusing elementwise chains into
/// the tasks that consume them) and runs the tasks on all cores. Cloning is
/// cheap: it shares the plan.
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
    pub(crate) fn new(shape: Vec<usize>, chunks: Chunks, op: Op, inputs: Vec<Arc<Node>>) -> Self {
        let op = match size::array("shape", &shape, std::mem::size_of::<T>()) {
            Ok(_) => op,
            Err(error) => Op::Invalid(error),
        };
        Self::from_node(Node::new(shape, chunks, Typed::<T>::ops(), op, inputs))
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
    pub(crate) fn invalid(shape: Vec<usize>, error: Error, inputs: Vec<Arc<Node>>) -> Self {
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

    /// The shape, as a slice (as ndarray's `shape()`).
    pub fn shape(&self) -> &[usize] {
        &self.node.shape
    }

    /// The shape as `D`'s pattern: `(rows, cols)` for a 2-D array.
    pub fn dim(&self) -> D::Pattern {
        let mut dim = D::zeros(self.ndim());
        dim.slice_mut().copy_from_slice(self.shape());
        dim.into_pattern()
    }

    /// Number of axes.
    pub fn ndim(&self) -> usize {
        self.node.shape.len()
    }

    /// Number of elements (as ndarray's `len()`). Valid arrays have at most
    /// `isize::MAX`; the count saturates for the shape an invalid array was
    /// asked with (its error comes from `compute`).
    pub fn len(&self) -> usize {
        size::elements("shape", &self.node.shape).unwrap_or(usize::MAX)
    }

    /// True when the array has no element.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How the array is cut into blocks.
    pub fn chunks(&self) -> &Chunks {
        &self.node.chunks
    }

    /// Number of blocks.
    pub fn num_blocks(&self) -> usize {
        self.node.chunks.num_blocks()
    }

    /// Bytes the array would take in memory, were it computed whole (it
    /// saturates as [`len`](Self::len) does).
    pub fn nbytes(&self) -> usize {
        self.len().saturating_mul(std::mem::size_of::<T>())
    }

    /// Number of block tasks `compute` would run, after optimization.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::<f64, _>::ones((100, 100), (50, 50))?;
    /// assert_eq!((&x + 1.0).num_tasks()?, 4);      // fused: one task per block
    /// assert_eq!((&x + 1.0).sum().num_tasks()?, 5); // 4 partials + 1 combine
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn num_tasks(&self) -> Result<usize> {
        crate::compute::num_tasks(self)
    }

    /// Compute the whole array with the default [`Options`]: on the current
    /// rayon pool, all of its threads.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let a = array![[1.0, 2.0], [3.0, 4.0]];
    /// let x = ChunkedArray::from_array(a.clone(), (1, 2))?;
    /// assert_eq!((&x * 10.0).compute()?, a * 10.0);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn compute(&self) -> Result<Array<T, D>> {
        compute_with(self, &Options::default())
    }

    /// Compute with chosen [`Options`] (thread count, scheduler, fan-in).
    pub fn compute_with(&self, options: &Options) -> Result<Array<T, D>> {
        compute_with(self, options)
    }

    /// Compute the blocks and keep them in memory: the returned array reads
    /// them instead of recomputing its plan (dask's `persist`).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ndchunk::random::Rng::seed(1).standard_normal(1000, 100)?;
    /// let kept = x.persist()?;
    /// assert_eq!(kept.compute()?, x.compute()?);
    /// assert_eq!(kept.num_tasks()?, 10);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn persist(&self) -> Result<ChunkedArray<T, D>> {
        self.persist_with(&Options::default())
    }

    /// [`persist`](Self::persist) with chosen [`Options`].
    pub fn persist_with(&self, options: &Options) -> Result<ChunkedArray<T, D>> {
        let blocks = crate::compute::compute_blocks(std::slice::from_ref(&self.node), options)?
            .pop()
            .ok_or_else(|| Error::internal("persist computed no array"))?;
        Ok(Self::new(
            self.node.shape.clone(),
            self.node.chunks.clone(),
            Op::Stored(Arc::new(blocks)),
            vec![],
        ))
    }

    /// The optimized logical plan as text: which nodes are stored, which are
    /// fused into their consumers, which reductions share a pass.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ndchunk::random::Rng::seed(0).standard_normal((100, 100), (50, 50))?;
    /// let plan = (&x * 2.0).sum().explain();
    /// assert!(plan.contains("sum [reduce]") && plan.contains("[fused]"));
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn explain(&self) -> String {
        crate::compute::explain(std::slice::from_ref(&self.node))
    }

    /// The block task graph in Graphviz DOT (render with `dot -Tsvg`).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::<f64, _>::ones(10, 5)?;
    /// let dot = x.sum().visualize();
    /// assert!(dot.starts_with("digraph") && dot.contains("->"));
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn visualize(&self) -> String {
        crate::compute::visualize(std::slice::from_ref(&self.node))
    }

    /// Write the task graph to `path`: DOT text for `.dot`/`.gv`, or an image
    /// rendered by Graphviz's `dot` for `.svg`, `.png` and `.pdf` (an error
    /// saying so when `dot` is not installed).
    pub fn visualize_to(&self, path: impl AsRef<Path>) -> Result<()> {
        crate::compute::write_dot(&self.visualize(), path.as_ref())
    }
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
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ChunkedArray<{}, shape={:?}, chunks={:?}, blocks={}, {}, op={}>",
            std::any::type_name::<T>(),
            self.shape(),
            self.chunks(),
            self.num_blocks(),
            crate::diagnostics::human_bytes(self.nbytes()),
            self.node.label()
        )
    }
}
