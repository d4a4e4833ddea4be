//! Arrays laid over a common grid: `broadcast_arrays`, `meshgrid` and
//! `indices`. Broadcasting is a view; the results are then laid on the
//! grid's chunks by an elementwise step against a free source, so a block
//! of the result is made from its own small region of the inputs (never
//! one whole-axis block, which a broadcast view alone would give).

use super::views::broadcast_shapes;
use super::ChunkedArray;
use crate::chunks::{AxisChunks, ChunkSpec, Chunks};
use crate::element::Element;
use crate::error::Result;
use crate::kernel::sources::{FullKernel, IndexFnKernel};
use crate::plan::Op;
use crate::view::ViewMap;
use ndarray::{Dimension, Ix1, IxDyn};
use std::marker::PhantomData;
use std::sync::Arc;

impl<T: Element, D: Dimension> ChunkedArray<T, D> {
    /// The same values cut into `chunks` (of this array's shape), by an
    /// elementwise step fused with what produces them: unlike a
    /// [`rechunk`](Self::rechunk) it reads no block whole, so a broadcast
    /// view stays cheap.
    pub(super) fn laid_on(&self, chunks: &Chunks, op: &'static str) -> ChunkedArray<T, D> {
        if self.chunks() == chunks {
            return self.clone();
        }
        // Blocks of `()`: a source that costs nothing, only its chunks matter.
        let grid = ChunkedArray::<(), D>::new(
            chunks.shape(),
            chunks.clone(),
            Op::Source(Arc::new(FullKernel {
                value: (),
                label: "grid".into(),
            })),
            vec![],
        );
        self.binary(&grid, op, Some(op.into()), |v, ()| v)
    }
}

/// The arrays broadcast against each other (numpy's `broadcast_arrays`):
/// each is viewed with the shape they broadcast to, and cut into the
/// common refinement of their chunks (dask's `unify_chunks`), so the
/// results line up block for block. With a static `D` all have its rank;
/// `IxDyn` arrays of fewer axes get leading ones. Shapes that do not
/// broadcast are an error naming the first two that clash.
///
/// ```
/// use ndchunk::prelude::*;
/// let column = ChunkedArray::from_array(array![[1], [2], [3]], (2, 1))?;
/// let row = ChunkedArray::from_array(array![[10, 20]], (1, 1))?;
/// let b = ndchunk::broadcast_arrays(&[&column, &row])?;
/// assert_eq!(b[0].compute()?, array![[1, 1], [2, 2], [3, 3]]);
/// assert_eq!(b[1].compute()?, array![[10, 20], [10, 20], [10, 20]]);
/// assert_eq!(b[0].chunks(), b[1].chunks());
/// assert!(ndchunk::broadcast_arrays(&[&column, &column.t()]).is_ok());
/// assert!(ndchunk::broadcast_arrays(&[&column, &ChunkedArray::<i32, _>::zeros((2, 2), 1)?]).is_err());
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn broadcast_arrays<T: Element, D: Dimension>(
    arrays: &[&ChunkedArray<T, D>],
) -> Result<Vec<ChunkedArray<T, D>>> {
    let mut shape: Vec<usize> = vec![];
    for a in arrays {
        shape = broadcast_shapes("broadcast_arrays", &shape, a.shape())?;
    }
    let mut dim = D::zeros(shape.len());
    dim.slice_mut().copy_from_slice(&shape);
    let views: Vec<ChunkedArray<T, D>> = arrays
        .iter()
        .map(|a| a.broadcast(dim.clone()).into_result())
        .collect::<Result<_>>()?;
    let Some(first) = views.first() else {
        return Ok(views);
    };
    let common = views[1..]
        .iter()
        .try_fold(first.chunks().clone(), |c, v| c.refine(v.chunks()))?;
    Ok(views
        .iter()
        .map(|v| v.laid_on(&common, "broadcast_arrays"))
        .collect())
}

/// How [`meshgrid`] orders the axes of its grids.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Indexing {
    /// Cartesian (numpy's default `indexing="xy"`): the first two inputs
    /// vary along axes 1 and 0, so for 2-D grids `x` varies along rows.
    Xy,
    /// Matrix (`indexing="ij"`): input `k` varies along axis `k`.
    Ij,
}

/// Coordinate grids from 1-D coordinate arrays (numpy's `meshgrid`, with
/// `sparse=False`): one array per input, all of the grid's shape, holding
/// input `k`'s values along its axis (see [`Indexing`]) and repeating them
/// along the others. Each grid is a broadcast view cut into the inputs'
/// chunks along their axes, so the grids line up block for block and a
/// block costs only its own elements.
///
/// ```
/// use ndchunk::prelude::*;
/// use ndchunk::Indexing;
/// let x = ChunkedArray::from_array(array![1, 2, 3], 2)?;
/// let y = ChunkedArray::from_array(array![10, 20], 1)?;
/// let xy = ndchunk::meshgrid(&[&x, &y], Indexing::Xy);
/// assert_eq!(xy[0].compute()?, array![[1, 2, 3], [1, 2, 3]].into_dyn());
/// assert_eq!(xy[1].compute()?, array![[10, 10, 10], [20, 20, 20]].into_dyn());
/// let ij = ndchunk::meshgrid(&[&x, &y], Indexing::Ij);
/// assert_eq!(ij[0].shape(), &[3, 2]);
/// assert_eq!(ij[0].chunks().sizes(), &[vec![2, 1], vec![1, 1]]);
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn meshgrid<T: Element>(
    xs: &[&ChunkedArray<T, Ix1>],
    indexing: Indexing,
) -> Vec<ChunkedArray<T, IxDyn>> {
    let n = xs.len();
    // The grid axis of input k.
    let axis_of = |k: usize| match (indexing, k) {
        (Indexing::Xy, 0) if n > 1 => 1,
        (Indexing::Xy, 1) => 0,
        _ => k,
    };
    let mut axes: Vec<AxisChunks> = vec![AxisChunks::whole(0); n];
    for (k, x) in xs.iter().enumerate() {
        axes[axis_of(k)] = x.chunks().axis(0).clone();
    }
    let chunks = Chunks::from_axes(axes);
    let shape = chunks.shape();
    xs.iter()
        .enumerate()
        .map(|(k, x)| {
            // x along its grid axis, length-1 axes elsewhere: a view.
            let mut axes = vec![None; n];
            axes[axis_of(k)] = Some(0);
            let mut along = vec![1; n];
            along[axis_of(k)] = x.len();
            x.view::<IxDyn>(ViewMap::select(1, axes), along)
                .broadcast(shape.clone())
                .laid_on(&chunks, "meshgrid")
        })
        .collect()
}

/// The index grids of an array of shape `dims` (numpy's `indices`): an
/// array of shape `[dims.len(), dims...]` whose element `[k, i...]` is
/// `i[k]`, made from the index inside the tasks (nothing is stored).
/// `chunks` cut the `dims` axes; the leading axis has one block per grid.
/// Bad chunks are an error naming the axis.
///
/// ```
/// use ndchunk::prelude::*;
/// let ix = ndchunk::indices(&[2, 3], 2)?;
/// assert_eq!(ix.shape(), &[2, 2, 3]);
/// let grids = ix.compute()?;
/// assert_eq!(grids.index_axis(Axis(0), 0), array![[0, 0, 0], [1, 1, 1]].into_dyn());
/// assert_eq!(grids.index_axis(Axis(0), 1), array![[0, 1, 2], [0, 1, 2]].into_dyn());
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn indices(dims: &[usize], chunks: impl Into<ChunkSpec>) -> Result<ChunkedArray<usize, IxDyn>> {
    let itemsize = std::mem::size_of::<usize>();
    let chunks = chunks
        .into()
        .resolve(dims, itemsize)?
        .insert_axis(0, AxisChunks::uniform(dims.len(), 1));
    let mut shape = dims.to_vec();
    shape.insert(0, dims.len());
    let kernel = IndexFnKernel {
        f: Arc::new(|index: &[usize]| index[1 + index[0]]),
        label: "indices".into(),
        key: Some("indices".into()),
        cheap: true,
        _elem: PhantomData,
    };
    ChunkedArray::from_source(shape, chunks, kernel).into_result()
}
