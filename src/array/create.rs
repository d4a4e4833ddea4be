//! Making chunked arrays: from memory, constants, index functions, ranges
//! and grids of blocks.

use super::ChunkedArray;
use crate::chunks::{ChunkSpec, Chunks};
use crate::element::{Arange, Element};
use crate::error::{Error, Result};
use crate::kernel::sources::{ArrayKernel, FullKernel, IndexFnKernel};
use crate::kernel::Block;
use crate::plan::Op;
use crate::size;
use ndarray::{ArcArray, Array, Dimension, IntoDimension, Ix1};
use num_traits::{Float, One, Zero};
use std::marker::PhantomData;
use std::sync::Arc;

/// Resolve `chunks` for `shape` and elements of `T`.
fn resolve<T>(shape: &[usize], chunks: ChunkSpec) -> Result<Chunks> {
    chunks.resolve(shape, std::mem::size_of::<T>())
}

/// # Creating arrays
///
/// From ndarray arrays (no copy), constants, functions of the index and
/// blocks; 1-D ranges below. Random arrays come from [`Rng`](crate::random::Rng).
impl<T: Element, D: Dimension> ChunkedArray<T, D> {
    /// Wrap an in-memory array, without copying it when it is in standard
    /// (row-major) layout, as every freshly made ndarray is; any other layout
    /// is copied once into row-major order. Takes an `Array` or an `ArcArray`.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let a = Array::from_shape_fn((6, 4), |(i, j)| (i * 4 + j) as f64);
    /// let x = ChunkedArray::from_array(a.clone(), (4, 4))?;
    /// assert_eq!(x.chunks().sizes(), &[vec![4, 2], vec![4]]);
    /// assert_eq!(x.sum().compute()?.into_scalar(), a.sum());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn from_array(
        array: impl Into<ArcArray<T, D>>,
        chunks: impl Into<ChunkSpec>,
    ) -> Result<Self> {
        let array: ArcArray<T, D> = array.into();
        let shape = array.shape().to_vec();
        let chunks = resolve::<T>(&shape, chunks.into())?;
        let array: Block<T> = if array.is_standard_layout() {
            array.into_dyn()
        } else {
            array
                .as_standard_layout()
                .into_owned()
                .into_shared()
                .into_dyn()
        };
        let kernel = ArrayKernel { array };
        Ok(Self::from_source(shape, chunks, kernel))
    }

    /// An array with every element `value`.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::full((3, 5), 2_i32, (2, 2))?;
    /// assert_eq!(x.compute()?, Array::from_elem((3, 5), 2));
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn full(
        shape: impl IntoDimension<Dim = D>,
        value: T,
        chunks: impl Into<ChunkSpec>,
    ) -> Result<Self> {
        Self::constant(shape, value, chunks, "full".into())
    }

    fn constant(
        shape: impl IntoDimension<Dim = D>,
        value: T,
        chunks: impl Into<ChunkSpec>,
        label: String,
    ) -> Result<Self> {
        let shape = shape.into_dimension().slice().to_vec();
        let chunks = resolve::<T>(&shape, chunks.into())?;
        let kernel = FullKernel { value, label };
        Ok(Self::from_source(shape, chunks, kernel))
    }

    /// An array of zeros.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::<f64, _>::zeros((4, 4), (2, 2))?;
    /// assert_eq!(x.sum().compute()?.into_scalar(), 0.0);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn zeros(shape: impl IntoDimension<Dim = D>, chunks: impl Into<ChunkSpec>) -> Result<Self>
    where
        T: Zero,
    {
        Self::constant(shape, T::zero(), chunks, "zeros".into())
    }

    /// An array of ones.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::<u32, _>::ones(10, 3)?;
    /// assert_eq!(x.sum().compute()?.into_scalar(), 10);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn ones(shape: impl IntoDimension<Dim = D>, chunks: impl Into<ChunkSpec>) -> Result<Self>
    where
        T: One,
    {
        Self::constant(shape, T::one(), chunks, "ones".into())
    }

    /// An array whose element at each index is `f(index)`, with the index as
    /// `D`'s pattern (`(i, j)` in 2-D), as ndarray's `from_shape_fn`. `f` runs
    /// inside the block tasks, in parallel; a panic in it becomes an error
    /// naming the block.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_fn((3, 4), (2, 2), |(i, j)| (10 * i + j) as i64)?;
    /// assert_eq!(x.compute()?, Array::from_shape_fn((3, 4), |(i, j)| (10 * i + j) as i64));
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn from_fn<F>(
        shape: impl IntoDimension<Dim = D>,
        chunks: impl Into<ChunkSpec>,
        f: F,
    ) -> Result<Self>
    where
        F: Fn(D::Pattern) -> T + Send + Sync + 'static,
    {
        let dim = shape.into_dimension();
        let shape = dim.slice().to_vec();
        let chunks = resolve::<T>(&shape, chunks.into())?;
        let ndim = shape.len();
        let by_index = move |index: &[usize]| {
            let mut at = D::zeros(ndim);
            at.slice_mut().copy_from_slice(index);
            f(at.into_pattern())
        };
        let kernel = IndexFnKernel {
            f: Arc::new(by_index),
            label: "from_fn".into(),
            key: None,
            cheap: false,
            _elem: PhantomData,
        };
        Ok(Self::from_source(shape, chunks, kernel))
    }

    /// An array made of a grid of ndarray blocks (the inverse of chunking):
    /// `grid[[i, j]]` is block `(i, j)`. Blocks in one row of the grid must
    /// agree on their extent along that row, and so on for every axis.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let grid = Array::from_shape_vec((1, 2), vec![Array::<f64, _>::zeros((2, 3)), Array::ones((2, 1))]).unwrap();
    /// let x = ChunkedArray::from_blocks(grid)?;
    /// assert_eq!(x.shape(), &[2, 4]);
    /// assert_eq!(x.chunks().sizes(), &[vec![2], vec![3, 1]]);
    /// assert_eq!(x.sum().compute()?.into_scalar(), 2.0);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn from_blocks(grid: Array<Array<T, D>, D>) -> Result<Self> {
        let grid_shape = grid.shape().to_vec();
        let ndim = grid_shape.len();
        let mut sizes: Vec<Vec<Option<usize>>> =
            grid_shape.iter().map(|&n| vec![None; n]).collect();
        for (index, block) in grid.indexed_iter() {
            let index = index.into_dimension();
            if block.ndim() != ndim {
                return Err(Error::RankMismatch {
                    argument: "from_blocks block",
                    expected: ndim,
                    got: block.ndim(),
                });
            }
            for (axis, (&i, &len)) in index.slice().iter().zip(block.shape()).enumerate() {
                match sizes[axis][i] {
                    Some(seen) if seen != len => {
                        return Err(Error::InvalidChunks {
                            axis,
                            reason: format!(
                                "block {:?} has length {len}, but other blocks at position {i} along this axis have length {seen}",
                                index.slice()
                            ),
                        })
                    }
                    _ => sizes[axis][i] = Some(len),
                }
            }
        }
        if grid.is_empty() {
            return Err(Error::invalid(
                "grid",
                "expected at least one block, got an empty grid",
            ));
        }
        let sizes: Vec<Vec<usize>> = sizes
            .into_iter()
            .map(|axis| axis.into_iter().map(|s| s.unwrap_or(0)).collect())
            .collect();
        // Checked: the lengths of many blocks may sum past usize::MAX.
        let chunks = Chunks::from_sizes(sizes).checked(std::mem::size_of::<T>())?;
        let shape = chunks.shape();
        let blocks: Vec<crate::exec::Value> = grid
            .into_iter()
            .map(|b| {
                let b: Block<T> = b.as_standard_layout().into_owned().into_shared().into_dyn();
                Arc::new(b) as crate::exec::Value
            })
            .collect();
        Ok(Self::new(
            shape,
            chunks,
            Op::Stored(Arc::new(blocks)),
            vec![],
        ))
    }
}

impl<T: Element> ChunkedArray<T, Ix1> {
    /// `start, start + step, ...` up to but excluding `end`, as numpy's
    /// `arange` (each value computed as `start + i * step`).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::arange(0.0, 1.0, 0.25, 3)?;
    /// assert_eq!(x.compute()?, array![0.0, 0.25, 0.5, 0.75]);
    /// let n = ChunkedArray::arange(10_i64, 0, -3, 2)?;
    /// assert_eq!(n.compute()?, array![10, 7, 4, 1]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn arange(start: T, end: T, step: T, chunks: impl Into<ChunkSpec>) -> Result<Self>
    where
        T: Arange + Zero,
    {
        for (argument, value) in [("start", start), ("end", end), ("step", step)] {
            if !value.is_finite_number() {
                return Err(Error::invalid(
                    argument,
                    format!("expected a finite number, got {value:?}"),
                ));
            }
        }
        if step.is_zero() {
            return Err(Error::invalid(
                "step",
                format!("expected a non-zero step, got {step:?}"),
            ));
        }
        let label = format!("arange({start:?}, {end:?}, {step:?})");
        let len = size::length(
            "step",
            || label.clone(),
            T::arange_len(start, end, step),
            std::mem::size_of::<T>(),
        )?;
        Self::from_index(len, chunks, label, move |i| T::arange_nth(start, step, i))
    }

    /// `n` evenly spaced values from `start` to `end` inclusive, as ndarray's
    /// `Array::linspace`.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::linspace(0.0, 1.0, 5, 2)?;
    /// assert_eq!(x.compute()?, Array::linspace(0.0, 1.0, 5));
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn linspace(start: T, end: T, n: usize, chunks: impl Into<ChunkSpec>) -> Result<Self>
    where
        T: Float,
    {
        size::length(
            "n",
            || format!("linspace of {n} values"),
            Some(n),
            std::mem::size_of::<T>(),
        )?;
        let step = if n > 1 {
            (end - start) / T::from(n - 1).unwrap_or_else(T::nan)
        } else {
            T::zero()
        };
        let label = format!(
            "linspace({:?}, {:?}, {n})",
            start.to_f64().unwrap_or(f64::NAN),
            end.to_f64().unwrap_or(f64::NAN)
        );
        Self::from_index(n, chunks, label, move |i| {
            start + T::from(i).unwrap_or_else(T::nan) * step
        })
    }

    fn from_index(
        len: usize,
        chunks: impl Into<ChunkSpec>,
        label: String,
        f: impl Fn(usize) -> T + Send + Sync + 'static,
    ) -> Result<Self> {
        let shape = vec![len];
        let chunks = resolve::<T>(&shape, chunks.into())?;
        let kernel = IndexFnKernel {
            f: Arc::new(move |index: &[usize]| f(index[0])),
            key: Some(label.clone()),
            label,
            cheap: true,
            _elem: PhantomData,
        };
        Ok(Self::from_source(shape, chunks, kernel))
    }
}
