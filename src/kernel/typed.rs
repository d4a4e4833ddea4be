//! [`ElemOps`] for a concrete element type: the plan's way of reading, storing
//! and folding values it cannot name.

use super::reduce::run_folders;
use super::view_source::ViewSource;
use super::wire::block_wire;
use super::{erase, strips, unerase, AnySource, Block, ElemOps, FoldBlock, FoldSources, Value};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::exec::Wire;
use crate::view::Strided;
use ndarray::{Array, IxDyn};
use std::marker::PhantomData;
use std::sync::Arc;

/// Element operations of `T`.
pub(crate) struct Typed<T>(PhantomData<fn() -> T>);

impl<T: Element> Typed<T> {
    pub fn ops() -> Arc<dyn ElemOps> {
        Arc::new(Typed::<T>(PhantomData))
    }
}

/// The stored block inside a task value.
pub(crate) fn block<T: Element>(value: &Value) -> Result<&Block<T>> {
    value.downcast_ref::<Block<T>>().ok_or_else(|| {
        Error::internal(format!(
            "stored block is not of element type {}",
            std::any::type_name::<T>()
        ))
    })
}

impl<T: Element> ElemOps for Typed<T> {
    fn name(&self) -> &'static str {
        std::any::type_name::<T>()
    }

    fn itemsize(&self) -> usize {
        std::mem::size_of::<T>()
    }

    fn view_source(&self, value: &Value, read: &Strided) -> Result<AnySource> {
        let source = ViewSource::new(block::<T>(value)?.clone(), read)?;
        Ok(erase::<T>(Box::new(source)))
    }

    fn materialize(&self, source: AnySource, shape: &[usize]) -> Result<Value> {
        let mut source = unerase::<T>(source)?;
        let len: usize = shape.iter().product();
        let mut values = Vec::with_capacity(len);
        for n in strips(shape) {
            source.fill(&mut values, n);
        }
        let block: Block<T> = Array::from_shape_vec(IxDyn(shape), values)
            .map_err(|e| Error::internal(format!("materialized block: {e}")))?
            .into_shared();
        Ok(Arc::new(block))
    }

    fn block_shape(&self, block: &Value) -> Result<Vec<usize>> {
        Ok(self::block::<T>(block)?.shape().to_vec())
    }

    fn wire(&self) -> Option<Arc<dyn Wire>> {
        block_wire::<T>()
    }

    fn fold(&self, sources: FoldSources<AnySource>, blocks: Vec<FoldBlock>) -> Result<Vec<Value>> {
        let sources = match sources {
            FoldSources::InTurn(source) => FoldSources::InTurn(unerase::<T>(source)?),
            FoldSources::Band(source) => FoldSources::Band(unerase::<T>(source)?),
        };
        run_folders(sources, blocks)
    }
}
