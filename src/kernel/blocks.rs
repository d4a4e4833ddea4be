//! [`BlockFn`]: a block kernel from a typed function of whole input blocks,
//! the one implementation behind map_blocks, rechunk, concatenate, matrix
//! products and scans. It checks what the function returns, so a wrong
//! block shape is an error naming the block instead of a corrupt array.

use super::typed::block;
use super::{Block, BlockKernel, Value};
use crate::chunks::Chunks;
use crate::element::Element;
use crate::error::{Error, Result};
use std::marker::PhantomData;
use std::sync::Arc;

/// Which input blocks an output block reads: `(input number, block index)`.
pub(crate) type ReadsFn = dyn Fn(&[usize]) -> Vec<(usize, Vec<usize>)> + Send + Sync;

/// Output block `index` from the blocks [`ReadsFn`] named, in that order.
pub(crate) type ComputeFn<T, U> = dyn Fn(&[usize], &[&Block<T>]) -> Result<Block<U>> + Send + Sync;

/// Blocks of element type `U` computed from blocks of element type `T`.
pub(crate) struct BlockFn<T, U> {
    pub label: String,
    /// Equal for kernels computing the same thing; `None` for user closures.
    pub key: Option<String>,
    /// The output's chunking: every result is checked against it.
    pub chunks: Chunks,
    pub reads: Box<ReadsFn>,
    pub compute: Box<ComputeFn<T, U>>,
    pub _types: PhantomData<fn(T) -> U>,
}

impl<T: Element, U: Element> BlockFn<T, U> {
    pub fn new(
        label: impl Into<String>,
        chunks: Chunks,
        reads: impl Fn(&[usize]) -> Vec<(usize, Vec<usize>)> + Send + Sync + 'static,
        compute: impl Fn(&[usize], &[&Block<T>]) -> Result<Block<U>> + Send + Sync + 'static,
    ) -> Self {
        BlockFn {
            label: label.into(),
            key: None,
            chunks,
            reads: Box::new(reads),
            compute: Box::new(compute),
            _types: PhantomData,
        }
    }

    /// The same kernel, shared with equal ones (`key` names what it computes;
    /// only for kernels without user closures).
    pub fn keyed(mut self, key: String) -> Self {
        self.key = Some(key);
        self
    }
}

impl<T: Element, U: Element> BlockKernel for BlockFn<T, U> {
    fn label(&self) -> String {
        self.label.clone()
    }

    fn key(&self) -> Option<String> {
        self.key.clone()
    }

    fn reads(&self, index: &[usize]) -> Vec<(usize, Vec<usize>)> {
        (self.reads)(index)
    }

    fn compute(&self, index: &[usize], inputs: &[Value]) -> Result<Value> {
        let blocks = inputs.iter().map(block::<T>).collect::<Result<Vec<_>>>()?;
        let out = (self.compute)(index, &blocks)?;
        let expected = self.chunks.block_shape(index);
        if !self.chunks.fits_block(index, out.shape()) {
            return Err(Error::invalid(
                "block",
                format!(
                    "{} returned shape {:?} for block {index:?}, expected {expected:?}",
                    self.label,
                    out.shape()
                ),
            ));
        }
        // Readers walk blocks as row-major slices.
        let out = if out.is_standard_layout() {
            out
        } else {
            out.as_standard_layout().into_owned().into_shared()
        };
        Ok(Arc::new(out))
    }
}
