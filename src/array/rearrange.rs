//! numpy's `rot90`, `tile`, `repeat` and `ravel`, made of views
//! (`flip`, axis swaps, broadcasting), [`concatenate`] and `reshape`, so
//! they fuse and cull like those.

use super::{concatenate, ChunkedArray};
use crate::element::Element;
use crate::error::{Error, Result};
use ndarray::{Axis, Dimension, Ix1, IxDyn, Slice};

/// # Rearranging: rot90, tile, repeat, ravel
impl<T: Element, D: Dimension> ChunkedArray<T, D> {
    /// The array rotated by 90 degrees `k` times in the plane of `axes`,
    /// from the first axis towards the second (numpy's `rot90`): a
    /// negative `k` turns the other way, and `k` is taken modulo 4. A view
    /// (flips and an axis swap), never copied. Errors naming `axes`: equal
    /// axes, or an axis out of range.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![[1, 2], [3, 4], [5, 6]], (2, 1))?;
    /// assert_eq!(x.rot90(1, (0, 1))?.compute()?, array![[2, 4, 6], [1, 3, 5]]);
    /// assert_eq!(x.rot90(2, (0, 1))?.compute()?, array![[6, 5], [4, 3], [2, 1]]);
    /// assert_eq!(x.rot90(-1, (0, 1))?.compute()?, x.rot90(3, (0, 1))?.compute()?);
    /// assert!(x.rot90(1, (1, 1)).is_err());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn rot90(&self, k: i32, axes: (usize, usize)) -> Result<ChunkedArray<T, D>> {
        let (a, b) = axes;
        if a == b || a >= self.ndim() || b >= self.ndim() {
            return Err(Error::invalid(
                "axes",
                format!(
                    "rot90 needs two different axes of the array's {}, got ({a}, {b})",
                    self.ndim()
                ),
            ));
        }
        // numpy's recipe: a quarter turn is a flip of the second axis, then
        // the axes swapped; three quarters the swap, then the flip.
        Ok(match k.rem_euclid(4) {
            0 => self.clone(),
            1 => self.flip(Axis(b)).swap_axes(a, b),
            2 => self.flip(Axis(a)).flip(Axis(b)),
            _ => self.swap_axes(a, b).flip(Axis(b)),
        })
    }

    /// The array repeated `reps[k]` times along each axis `k` (numpy's
    /// `tile`): with fewer `reps` than axes, the leading axes are repeated
    /// once; with more, the array gets leading length-1 axes first, so the
    /// result has `max(ndim, reps.len())` axes. A repetition count of 0
    /// empties its axis. Made by [`concatenate`] of the array with itself,
    /// so every output block is an input block, shared.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![[1, 2], [3, 4]], 1)?;
    /// assert_eq!(
    ///     x.tile(&[2, 3])?.compute()?,
    ///     array![[1, 2, 1, 2, 1, 2], [3, 4, 3, 4, 3, 4], [1, 2, 1, 2, 1, 2], [3, 4, 3, 4, 3, 4]]
    ///         .into_dyn()
    /// );
    /// assert_eq!(x.tile(&[2, 1, 1])?.shape(), &[2, 2, 2]);
    /// assert_eq!(x.tile(&[0])?.shape(), &[2, 0]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn tile(&self, reps: &[usize]) -> Result<ChunkedArray<T, IxDyn>> {
        let ndim = self.ndim().max(reps.len());
        let mut out = self.with_leading_axes(ndim);
        for (k, &r) in (ndim - reps.len()..ndim).zip(reps) {
            out = match r {
                0 => out.slice_axis(Axis(k), Slice::from(0..0)),
                1 => out,
                _ => concatenate(Axis(k), &vec![&out; r])?,
            };
        }
        Ok(out)
    }

    /// Every element repeated `repeats` times along `axis`, each copy next
    /// to the original (numpy's `repeat` with one count and an axis; for
    /// numpy's `axis=None`, [`ravel`](Self::ravel) first). A broadcast view
    /// along a new axis merged into `axis` by
    /// [`reshape`](Self::reshape): each output block is made from one input
    /// block. `repeats = 0` empties the axis; an axis out of range is an
    /// error naming it.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![[1, 2], [3, 4]], 1)?;
    /// assert_eq!(x.repeat(2, Axis(1))?.compute()?, array![[1, 1, 2, 2], [3, 3, 4, 4]]);
    /// assert_eq!(x.repeat(3, Axis(0))?.shape(), &[6, 2]);
    /// assert!(x.repeat(2, Axis(2)).is_err());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn repeat(&self, repeats: usize, axis: Axis) -> Result<ChunkedArray<T, D>> {
        let k = self.axis_index("repeat", axis.index())?;
        let mut wide = self.shape().to_vec();
        wide.insert(k + 1, repeats);
        let mut shape = self.raw_dim();
        shape[k] = self.shape()[k].checked_mul(repeats).ok_or_else(|| {
            Error::invalid(
                "repeats",
                format!("axis {k} repeated {repeats} times is too long"),
            )
        })?;
        self.clone()
            .into_dyn()
            .insert_axis(Axis(k + 1))
            .broadcast(wide)
            .reshape(shape)
            .into_result()
    }

    /// The array's elements in C (row-major) order as a 1-D array (numpy's
    /// `ravel`, dask's `ravel`): [`reshape`](Self::reshape) to one axis.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![[1, 2, 3], [4, 5, 6]], (1, 2))?;
    /// assert_eq!(x.ravel().compute()?, array![1, 2, 3, 4, 5, 6]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn ravel(&self) -> ChunkedArray<T, Ix1> {
        self.reshape(self.len())
    }
}
