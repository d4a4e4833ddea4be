//! `map_overlap`: [`map_blocks`](ChunkedArray::map_blocks) with a halo taken
//! from the neighbouring blocks, for stencils, filters and other work whose
//! value at a point depends on the points around it.

use super::{BlockInfo, ChunkedArray};
use crate::element::Element;
use crate::error::Error;
use crate::kernel::blocks::BlockFn;
use crate::kernel::overlap::Halo;
use crate::kernel::sources::Block;
use ndarray::{Array, ArrayView, Dimension, IntoDimension, Slice};

/// What the halo of [`map_overlap`](ChunkedArray::map_overlap) holds past
/// the array's edges, in terms of numpy's `np.pad` modes. For an axis
/// holding `a b c d` and a depth of 2:
///
/// | variant         | numpy `mode=`         | padded axis              |
/// |-----------------|-----------------------|--------------------------|
/// | `Reflect`       | `"symmetric"`         | `b a \| a b c d \| d c`  |
/// | `Periodic`      | `"wrap"`              | `c d \| a b c d \| a b`  |
/// | `Constant(v)`   | `"constant"`          | `v v \| a b c d \| v v`  |
/// | `None`          | (no padding)          | `a b c d`                |
///
/// `Reflect` repeats the edge element (numpy's `"symmetric"`, which is what
/// dask's `boundary="reflect"` does), not numpy's `"reflect"`. `Reflect`
/// and `Periodic` need a depth of at most the axis length. With `None` the
/// blocks at the array's edges get no halo on that side, so the function
/// sees a smaller block there.
///
/// ```
/// use ndchunk::prelude::*;
/// let x = ChunkedArray::from_array(array![1, 2, 3, 4], 2)?;
/// // Shift right by one: the first element becomes the left halo's.
/// let shifted = |boundary| {
///     x.map_overlap(1, boundary, |h, _| {
///         let mut out = h.to_owned();
///         out.slice_mut(s![1..]).assign(&h.slice(s![..-1]));
///         out
///     })
///     .compute()
/// };
/// assert_eq!(shifted(Boundary::Reflect)?, array![1, 1, 2, 3]);
/// assert_eq!(shifted(Boundary::Periodic)?, array![4, 1, 2, 3]);
/// assert_eq!(shifted(Boundary::Constant(9))?, array![9, 1, 2, 3]);
/// assert_eq!(shifted(Boundary::None)?, array![1, 1, 2, 3]); // no halo: h[0] stays
/// # Ok::<(), ndchunk::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Boundary<T> {
    /// Mirror at the edge, the edge element repeated (numpy's `"symmetric"`,
    /// dask's `"reflect"`): `a b c d` padded by 2 is `b a a b c d d c`.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![1, 2, 3, 4], 4)?;
    /// // The haloed block's first element: the reflection of element 1.
    /// let first = x.map_overlap(2, Boundary::Reflect, |h, _| h.mapv(|_| h[0]));
    /// assert_eq!(first.compute()?, array![2, 2, 2, 2]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    Reflect,
    /// Wrap around (numpy's `"wrap"`): `a b c d` padded by 2 is `c d a b c d a b`.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![1, 2, 3, 4], 2)?;
    /// // Sum of each element's two neighbours, the ends being neighbours.
    /// let y = x.map_overlap(1, Boundary::Periodic, |h, _| {
    ///     let mut out = h.to_owned();
    ///     for i in 1..h.len() - 1 { out[i] = h[i - 1] + h[i + 1]; }
    ///     out
    /// });
    /// assert_eq!(y.compute()?, array![6, 4, 6, 4]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    Periodic,
    /// A constant past the edges (numpy's `"constant"`): `a b c d` padded
    /// by 2 is `v v a b c d v v`. The depth may exceed the axis length.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![1.0, 2.0, 3.0], 3)?;
    /// // Each element's sum with its neighbours, zero past the ends.
    /// let y = x.map_overlap(1, Boundary::Constant(0.0), |h, _| {
    ///     let mut out = h.to_owned();
    ///     for i in 1..h.len() - 1 { out[i] = h[i - 1] + h[i] + h[i + 1]; }
    ///     out
    /// });
    /// assert_eq!(y.compute()?, array![3.0, 6.0, 5.0]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    Constant(T),
    /// No halo past the edges: the blocks at the array's edges are haloed
    /// only on their inner sides, and the function sees a smaller block.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::<f64, _>::zeros(6, 2)?;
    /// // Blocks of 2: the edge blocks get one side of halo, the middle both.
    /// let lens = x.map_overlap(1, Boundary::None, |h, _| h.mapv(|_| h.len() as f64));
    /// assert_eq!(lens.compute()?, array![3.0, 3.0, 4.0, 4.0, 3.0, 3.0]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    None,
}

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
        if let Err(error) = check_depth(self.shape(), &depth, &boundary) {
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

/// A depth of the array's rank, and no deeper than an axis whose halo
/// mirrors or wraps the axis itself.
fn check_depth<T>(shape: &[usize], depth: &[usize], boundary: &Boundary<T>) -> crate::Result<()> {
    if depth.len() != shape.len() {
        return Err(Error::RankMismatch {
            argument: "depth",
            expected: shape.len(),
            got: depth.len(),
        });
    }
    let rule = match boundary {
        Boundary::Reflect => "Reflect",
        Boundary::Periodic => "Periodic",
        Boundary::Constant(_) | Boundary::None => return Ok(()),
    };
    match depth.iter().zip(shape).position(|(d, n)| d > n) {
        Some(axis) => Err(Error::invalid(
            "depth",
            format!(
                "depth {} on axis {axis} exceeds the axis length {}; Boundary::{rule} needs \
                 a depth of at most the axis length (Constant and None allow any depth)",
                depth[axis], shape[axis]
            ),
        )),
        None => Ok(()),
    }
}
