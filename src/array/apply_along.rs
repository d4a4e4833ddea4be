//! `apply_along_axis`: a function of 1-D lanes, numpy's and dask's, on the
//! blockwise machinery with the axis made one block.

use super::blockwise::blockwise_labels;
use super::ChunkedArray;
use crate::element::Element;
use crate::error::{Error, Result};
use ndarray::{Array1, ArrayD, ArrayView1, ArrayViewD, Axis, Dimension, IxDyn};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

/// # Functions of lanes
impl<T: Element + Default, D: Dimension> ChunkedArray<T, D> {
    /// `f` of every 1-D lane along `axis` (numpy's and dask's
    /// `apply_along_axis`): the result has the other axes of this array,
    /// and along `axis` the values `f` returns for each lane.
    ///
    /// `axis` is made one block first (rechunked, as dask does), so each
    /// block task holds whole lanes; the other axes keep their chunks. The
    /// length of what `f` returns must be the same for every lane: it is
    /// learnt when the array is built, by calling `f` once on a lane of
    /// `T::default()` values (zeros; dask calls it on ones). A lane result
    /// of another length, or a panic in `f` in a task, is an error from
    /// `compute` naming the block; a panic on the test lane, an error
    /// naming `f`. An axis out of range is an error from `compute`.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![[3.0, 1.0, 2.0], [9.0, 7.0, 8.0]], (1, 2))?;
    /// // Sort every row; the sum and the maximum of every column.
    /// let sorted = x.apply_along_axis(|lane| {
    ///     let mut v = lane.to_vec();
    ///     v.sort_by(f64::total_cmp);
    ///     Array1::from(v)
    /// }, Axis(1));
    /// assert_eq!(sorted.compute()?, array![[1.0, 2.0, 3.0], [7.0, 8.0, 9.0]]);
    /// let stats = x.apply_along_axis(|lane| array![lane.sum(), lane.fold(f64::MIN, |m, &v| m.max(v))], Axis(0));
    /// assert_eq!(stats.compute()?, array![[12.0, 8.0, 10.0], [9.0, 7.0, 8.0]]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn apply_along_axis<U, F>(&self, f: F, axis: Axis) -> ChunkedArray<U, D>
    where
        U: Element,
        F: Fn(ArrayView1<'_, T>) -> Array1<U> + Send + Sync + 'static,
    {
        let k = axis.index();
        let ndim = self.ndim();
        let inputs = vec![self.node.clone()];
        if k >= ndim {
            let error = Error::AxisOutOfBounds {
                op: "apply_along_axis",
                axis: k,
                ndim,
            };
            return ChunkedArray::invalid(self.shape().to_vec(), error, inputs);
        }
        let test = vec![T::default(); self.shape()[k]];
        let len = match catch_unwind(AssertUnwindSafe(|| f(ArrayView1::from(&test[..])).len())) {
            Ok(len) => len,
            Err(_) => {
                let reason = "panicked on the test lane of default values (zeros) that finds the length of its result";
                return ChunkedArray::invalid(
                    self.shape().to_vec(),
                    Error::invalid("f", reason),
                    inputs,
                );
            }
        };
        let labels: Vec<char> = (0..ndim).map(label).collect();
        let input = self.clone().into_dyn();
        let lanes = move |blocks: &[ArrayViewD<'_, T>]| lanes_of(&blocks[0], k, len, &f);
        let out = blockwise_labels(
            &labels,
            &[(&input, labels.clone())],
            &[(label(k), vec![len])],
            &[label(k)],
            Arc::new(lanes),
        );
        ChunkedArray::from_node(out.node)
    }
}

/// A distinct label for axis `k`.
fn label(k: usize) -> char {
    char::from_u32(0xE000 + k as u32).expect("a private-use code point")
}

/// `f` of every lane of `block` along `axis`, each of `len` values, in
/// place of the lane.
fn lanes_of<T: Element, U: Element>(
    block: &ArrayViewD<'_, T>,
    axis: usize,
    len: usize,
    f: &impl Fn(ArrayView1<'_, T>) -> Array1<U>,
) -> Result<ArrayD<U>> {
    let mut values = Vec::with_capacity(block.len() / block.shape()[axis].max(1) * len);
    for lane in block.lanes(Axis(axis)) {
        let out = f(lane);
        if out.len() != len {
            return Err(Error::invalid(
                "f",
                format!(
                    "apply_along_axis: a lane gave {} values, the test lane {len}",
                    out.len()
                ),
            ));
        }
        values.extend(out);
    }
    // The lanes' results along a last axis, moved to `axis`.
    let mut shape = block.shape().to_vec();
    shape.remove(axis);
    shape.push(len);
    let last = shape.len() - 1;
    let out = ArrayD::from_shape_vec(IxDyn(&shape), values)
        .map_err(|e| Error::internal(format!("apply_along_axis block: {e}")))?;
    let mut order: Vec<usize> = (0..last).collect();
    order.insert(axis, last);
    Ok(out.permuted_axes(IxDyn(&order)))
}
