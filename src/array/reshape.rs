//! Changing how an array is cut or shaped without changing its elements:
//! `rechunk`, `reshape`, and joining arrays (`concatenate`, `stack`).
//!
//! All of them are block kernels reading whole blocks: an output block that
//! is an input block is that block, shared, so only the blocks that really
//! change are copied.

mod concat;
mod groups;

pub use concat::{concatenate, stack};

use super::ChunkedArray;
use crate::chunks::ChunkSpec;
use crate::element::Element;
use crate::error::Error;
use crate::kernel::blocks::BlockFn;
use crate::kernel::rechunk::rechunk;
use crate::kernel::Block;
use ndarray::{Dimension, IntoDimension, IxDyn};

/// # Rechunking and reshaping
impl<T: Element, D: Dimension> ChunkedArray<T, D> {
    /// The same array cut into other blocks (dask's `rechunk`). Each new
    /// block is copied out of the old blocks overlapping it; a new block that
    /// is an old one is shared, not copied, and asking for the chunks the
    /// array has returns it unchanged.
    ///
    /// Memory stays bounded: blocks are made in the order their consumers
    /// need them and an old block is freed once the last new block reading
    /// it is made. When a direct plan would make many more task edges than
    /// blocks (rows of blocks turned into columns of blocks), the blocks are
    /// first merged along the axes that get coarser, up to blocks of
    /// `max(16 MiB, largest old block, largest new block)`, then split: see
    /// [`explain`](Self::explain) for the plan. Chunks that do not fit the
    /// shape are an error from `compute`.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ndchunk::random::Rng::seed(3).standard_normal((400, 400), (100, 100))?;
    /// let columns = x.rechunk((400, 10)); // 40 blocks of whole columns
    /// assert_eq!(columns.chunks().sizes(), &[vec![400], vec![10; 40]]);
    /// assert_eq!(columns.compute()?, x.compute()?);
    /// assert!(x.rechunk((100, 0)).compute().is_err()); // zero-length blocks
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn rechunk(&self, chunks: impl Into<ChunkSpec>) -> ChunkedArray<T, D> {
        let itemsize = std::mem::size_of::<T>();
        let resolved = self.known_sizes("rechunk");
        let target = match resolved.and_then(|()| chunks.into().resolve(self.shape(), itemsize)) {
            Ok(target) => target,
            Err(e) => {
                return ChunkedArray::invalid(self.shape().to_vec(), e, vec![self.node.clone()])
            }
        };
        crate::plan::rechunk_steps(self.chunks(), &target, itemsize)
            .into_iter()
            .fold(self.clone(), |array, step| {
                let kernel = rechunk::<T>(array.chunks(), &step);
                ChunkedArray::from_block_fn(self.shape().to_vec(), kernel, vec![array.node])
            })
    }

    /// The array with another shape of as many elements, in C (row-major)
    /// order, as numpy's and dask's `reshape` and ndarray's
    /// `into_shape_with_order` / `to_shape` in their default order.
    ///
    /// Blocks are reshaped one by one, without copying when they are
    /// contiguous in C order, so the input is rechunked only where a block
    /// must hold whole rows of the axes being merged or split: merged axes
    /// other than the first of a group become one block each (the first
    /// one's blocks shrink to keep the block size), and a split axis' blocks
    /// become multiples of the new trailing axes' length. A different number
    /// of elements is an error from `compute` naming both shapes.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let a = Array::from_shape_fn((4, 6), |(i, j)| (i * 6 + j) as f64);
    /// let x = ChunkedArray::from_array(a.clone(), (2, 6))?;
    /// let y = x.reshape((2, 3, 4));
    /// assert_eq!(y.compute()?, a.into_shape_with_order((2, 3, 4)).unwrap());
    /// assert_eq!(y.chunks().sizes(), &[vec![1, 1], vec![3], vec![4]]); // no rechunk
    /// assert!(x.reshape((5, 5)).compute().is_err());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn reshape<E: Dimension>(&self, shape: impl IntoDimension<Dim = E>) -> ChunkedArray<T, E> {
        let new = shape.into_dimension().slice().to_vec();
        if let Err(error) = self.known_sizes("reshape") {
            return ChunkedArray::invalid(new, error, vec![self.node.clone()]);
        }
        let len = new.iter().try_fold(1usize, |n, &k| n.checked_mul(k));
        if len != Some(self.len()) {
            let error = Error::invalid(
                "shape",
                format!(
                    "cannot reshape an array of shape {:?} ({} elements) into shape {new:?} ({})",
                    self.shape(),
                    self.len(),
                    len.map_or("too many elements".to_string(), |n| format!("{n} elements")),
                ),
            );
            return ChunkedArray::invalid(new, error, vec![self.node.clone()]);
        }
        if new == self.shape() {
            return ChunkedArray::from_node(self.node.clone());
        }
        let plan = match groups::plan(self.shape(), self.chunks(), &new) {
            Ok(plan) => plan,
            Err(error) => return ChunkedArray::invalid(new, error, vec![self.node.clone()]),
        };
        let input = self.rechunk(plan.input);
        let (leads, ndim) = (plan.leads, self.ndim());
        let reads = move |index: &[usize]| {
            let mut at = vec![0; ndim];
            for &(i, o) in &leads {
                at[i] = index[o];
            }
            vec![(0, at)]
        };
        let output = plan.output.clone();
        let compute = move |index: &[usize], blocks: &[&Block<T>]| {
            let shape = IxDyn(&output.block_shape(index));
            // Blocks are stored in C order: the reshape shares them.
            Ok(
                match blocks[0].clone().into_shape_with_order(shape.clone()) {
                    Ok(block) => block,
                    Err(_) => Block::from_shape_vec(shape, blocks[0].iter().copied().collect())
                        .map_err(|e| Error::internal(format!("reshaped block: {e}")))?,
                },
            )
        };
        let kernel = BlockFn::new("reshape", plan.output, reads, compute).keyed("reshape".into());
        ChunkedArray::from_block_fn(new, kernel, vec![input.node])
    }
}
