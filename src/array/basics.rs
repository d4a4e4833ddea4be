//! Shape, chunks, computing and inspecting an array.

use super::ChunkedArray;
use crate::chunks::Chunks;
use crate::compute::compute_with;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::options::Options;
use crate::plan::Op;
use crate::size;
use ndarray::{Array, Dimension};
use std::path::Path;
use std::sync::Arc;

/// # Shape, chunks and computing
///
/// What an array is (`shape`, `chunks`, `nbytes` ...) is known without
/// computing anything; `compute` runs the plan, `persist` keeps the blocks,
/// `explain` and `visualize` show the plan.
impl<T: Element, D: Dimension> ChunkedArray<T, D> {
    /// The shape, as a slice (as ndarray's `shape()`).
    ///
    /// Along an axis whose length is known only once computed (a
    /// selection's, such as [`extract`](Self::extract)'s) the length reads as
    /// [`UNKNOWN`](crate::chunks::UNKNOWN) (`usize::MAX`, dask's `nan`): check
    /// [`shape_known`](Self::shape_known), or resolve it with
    /// [`compute_chunk_sizes`](Self::compute_chunk_sizes).
    pub fn shape(&self) -> &[usize] {
        &self.node.shape
    }

    /// Whether every axis length (and block length) is known: false for a
    /// selection not yet resolved by [`compute_chunk_sizes`](Self::compute_chunk_sizes).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![3, 0, 5, 0], 2)?;
    /// let found = x.flatnonzero();
    /// assert!(x.shape_known() && !found.shape_known());
    /// assert_eq!(found.len(), ndchunk::chunks::UNKNOWN);
    /// assert_eq!(found.compute()?, array![0, 2]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn shape_known(&self) -> bool {
        self.node.chunks.all_known()
    }

    /// The shape as `D`'s pattern: `(rows, cols)` for a 2-D array.
    pub fn dim(&self) -> D::Pattern {
        self.raw_dim().into_pattern()
    }

    /// The shape as a `D` (as ndarray's `raw_dim()`).
    pub(crate) fn raw_dim(&self) -> D {
        let mut dim = D::zeros(self.ndim());
        dim.slice_mut().copy_from_slice(self.shape());
        dim
    }

    /// Number of axes.
    pub fn ndim(&self) -> usize {
        self.node.shape.len()
    }

    /// Number of elements (as ndarray's `len()`). Valid arrays have at most
    /// `isize::MAX`; the count saturates for the shape an invalid array was
    /// asked with (its error comes from `compute`), and is
    /// [`UNKNOWN`](crate::chunks::UNKNOWN) when some axis length is (see
    /// [`shape`](Self::shape); an unknown axis of a selection with an empty
    /// known axis too reads as 0).
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

    /// Number of block tasks `compute` would run, after optimization, on
    /// the current pool's threads. A reduction of in-memory values (arrays,
    /// constants) folds blocks side by side in one task, keeping at least
    /// four tasks per thread, so its count depends on the thread count;
    /// its result does not.
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
