//! `map_overlap`: [`map_blocks`](ChunkedArray::map_blocks) with a halo taken
//! from the neighbouring blocks, for stencils, filters and other work whose
//! value at a point depends on the points around it.

use super::{BlockInfo, ChunkedArray};
use crate::boundary::Boundary;
use crate::chunks::Chunks;
use crate::element::Element;
use crate::error::Error;
use crate::kernel::blocks::BlockFn;
use crate::kernel::overlap::Halo;
use crate::kernel::Block;
use crate::size;
use ndarray::{Array, ArrayView, Dimension, IntoDimension, Slice};

/// # Stencils: blocks with halos
impl<T: Element, D: Dimension> ChunkedArray<T, D> {
    /// [`map_blocks`](Self::map_blocks) with a halo: `f` sees every block
    /// grown by `depth[axis]` elements on both sides of every axis, taken
    /// from the neighbouring blocks (as many as the depth needs) and, past
    /// the array's edges, made by `boundary`. `f` returns an array of the
    /// haloed block's shape, whose halo is then cut off (dask's
    /// `map_overlap` with `trim=True`), so the result has this array's
    /// shape and chunks. An element of the result is exactly what `f`
    /// computes for it on the whole padded array (not padded with
    /// [`Boundary::None`]), however the array is chunked, as long as `f`
    /// reads at most `depth` elements away.
    ///
    /// `depth` is a block shape (`(1, 1)`, `[2, 0, 2]`, `1` for 1-D).
    /// [`BlockInfo`] gives the block's own index and offset; the halo
    /// before it is `depth[axis]` elements, or `min(depth[axis], offset[axis])`
    /// with [`Boundary::None`].
    ///
    /// Errors from `compute`: a `depth` of another rank than the array's, a
    /// depth larger than the axis with [`Boundary::Reflect`] or
    /// [`Boundary::Periodic`], `f` returning an array of another shape than
    /// the haloed block's (naming the block), and a panic in `f`.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// use ndarray::ArrayView2;
    /// let a = Array2::from_shape_fn((6, 6), |(i, j)| ((i * 7 + j * 3) % 5) as f64);
    /// let x = ChunkedArray::from_array(a.clone(), (4, 4))?;
    /// // 5-point Laplacian, zero outside the array.
    /// let laplacian = |u: ArrayView2<f64>, _: &_| {
    ///     let mut out = Array2::zeros(u.dim());
    ///     let (n, m) = u.dim();
    ///     for i in 1..n - 1 {
    ///         for j in 1..m - 1 {
    ///             out[[i, j]] = u[[i - 1, j]] + u[[i + 1, j]] + u[[i, j - 1]] + u[[i, j + 1]]
    ///                 - 4.0 * u[[i, j]];
    ///         }
    ///     }
    ///     out
    /// };
    /// let lap = x.map_overlap((1, 1), Boundary::Constant(0.0), laplacian).compute()?;
    /// // Element [3, 4] is at a block corner: its neighbours are in three other blocks.
    /// let expected = a[[2, 4]] + a[[4, 4]] + a[[3, 3]] + a[[3, 5]] - 4.0 * a[[3, 4]];
    /// assert_eq!(lap[[3, 4]], expected);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn map_overlap<U, F>(
        &self,
        depth: impl IntoDimension,
        boundary: Boundary<T>,
        f: F,
    ) -> ChunkedArray<U, D>
    where
        U: Element,
        F: Fn(ArrayView<'_, T, D>, &BlockInfo) -> Array<U, D> + Send + Sync + 'static,
    {
        let depth = depth.into_dimension().slice().to_vec();
        let itemsize = std::mem::size_of::<T>().max(std::mem::size_of::<U>());
        if let Err(error) = check_depth(self.chunks(), &depth, &boundary, itemsize) {
            return ChunkedArray::invalid(self.shape().to_vec(), error, vec![self.node.clone()]);
        }
        let chunks = self.chunks().clone();
        let reads = {
            let (chunks, depth) = (chunks.clone(), depth.clone());
            move |index: &[usize]| {
                Halo::new(&chunks, index, &depth, &boundary)
                    .reads()
                    .into_iter()
                    .map(|at| (0, at))
                    .collect()
            }
        };
        let compute = {
            let chunks = chunks.clone();
            move |index: &[usize], blocks: &[&Block<T>]| {
                let halo = Halo::new(&chunks, index, &depth, &boundary);
                let haloed = halo.assemble(blocks, &boundary);
                let view = haloed
                    .view()
                    .into_dimensionality::<D>()
                    .map_err(|e| Error::internal(format!("haloed block dimensionality: {e}")))?;
                let info = BlockInfo {
                    index: index.to_vec(),
                    offset: chunks.block_offset(index),
                };
                let out = f(view, &info);
                if out.shape() != halo.shape.as_slice() {
                    return Err(Error::invalid(
                        "f",
                        format!(
                            "map_overlap function returned shape {:?} for block {index:?}, \
                             expected the haloed block's shape {:?} (the block's {:?} \
                             with its halo)",
                            out.shape(),
                            halo.shape,
                            chunks.block_shape(index)
                        ),
                    ));
                }
                let shape = chunks.block_shape(index);
                let trimmed = out.slice_each_axis(|ax| {
                    let a = ax.axis.index();
                    Slice::from(halo.before[a]..halo.before[a] + shape[a])
                });
                Ok(trimmed
                    .as_standard_layout()
                    .into_owned()
                    .into_dyn()
                    .into_shared())
            }
        };
        let kernel = BlockFn::new("map_overlap", chunks, reads, compute);
        ChunkedArray::from_block_fn(self.shape().to_vec(), kernel, vec![self.node.clone()])
    }
}

/// A depth of the array's rank, no deeper than an axis whose halo mirrors or
/// wraps the axis itself, and haloed blocks (of elements of `itemsize`
/// bytes, in and out of the function) that fit in memory.
fn check_depth<T>(
    chunks: &Chunks,
    depth: &[usize],
    boundary: &Boundary<T>,
    itemsize: usize,
) -> crate::Result<()> {
    let shape = chunks.shape();
    if depth.len() != shape.len() {
        return Err(Error::RankMismatch {
            argument: "depth",
            expected: shape.len(),
            got: depth.len(),
        });
    }
    let rule = match boundary {
        Boundary::Reflect => Some("Reflect"),
        Boundary::Periodic => Some("Periodic"),
        Boundary::Constant(_) | Boundary::None => None,
    };
    if let (Some(rule), Some(axis)) = (rule, depth.iter().zip(&shape).position(|(d, n)| d > n)) {
        return Err(Error::invalid(
            "depth",
            format!(
                "depth {} on axis {axis} exceeds the axis length {}; Boundary::{rule} needs \
                 a depth of at most the axis length (Constant and None allow any depth)",
                depth[axis], shape[axis]
            ),
        ));
    }
    // The largest haloed block: the widest block grown by the depth on both
    // sides (within the array with Boundary::None).
    let haloed: Vec<usize> = (0..shape.len())
        .map(|a| {
            let grown = depth[a]
                .saturating_mul(2)
                .saturating_add(chunks.axis(a).widest());
            match boundary {
                Boundary::None => grown.min(shape[a]),
                _ => grown,
            }
        })
        .collect();
    size::array("depth", &haloed, itemsize).map(|_| ())
}
