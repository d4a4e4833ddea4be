//! Reading a region of a memory-mapped `.npy` file: only the pages the
//! region spans are touched.

use super::{span, NpyFile};
use crate::chunks::Region;
use crate::element::StoreElement;
use crate::error::{Error, Result};
use crate::kernel::view_source::ViewSource;
use crate::kernel::{AnySource, Block, SourceKernel};
use ndarray::{ArrayView, IxDyn, ShapeBuilder};
use std::marker::PhantomData;
use std::sync::Arc;

impl NpyFile {
    /// The values of `region`, copied out of the mapping in C order.
    pub fn read<T: StoreElement>(&self, region: &Region) -> Result<Block<T>> {
        if region.is_empty() {
            return Ok(Block::from_shape_vec(IxDyn(&region.shape), Vec::new())
                .expect("an empty shape holds no values"));
        }
        let elements = span(&self.strides, region);
        let bytes = self.bytes(&elements, std::mem::size_of::<T>());
        let data = T::bytes_as_slice(bytes, &self.header.type_descriptor, elements.len())
            .map_err(|e| self.error("data", format!("region {region:?}: {e}")))?;
        let shape = IxDyn(&region.shape).strides(IxDyn(&self.strides));
        let view = ArrayView::from_shape(shape, data)
            .map_err(|e| Error::internal(format!("npy region {region:?}: {e}")))?;
        Ok(view.as_standard_layout().into_owned().into_shared())
    }
}

/// The leaf of an array read from a `.npy` file: a task copies the region it
/// needs out of the mapping, never more.
pub(crate) struct NpySource<T> {
    file: Arc<NpyFile>,
    _type: PhantomData<fn() -> T>,
}

impl<T: StoreElement> NpySource<T> {
    pub fn new(file: Arc<NpyFile>) -> Self {
        NpySource {
            file,
            _type: PhantomData,
        }
    }
}

impl<T: StoreElement> SourceKernel for NpySource<T> {
    fn label(&self) -> String {
        format!("from_npy({})", self.file.path.display())
    }

    fn key(&self) -> Option<String> {
        Some(self.label())
    }

    /// A read is a copy out of the page cache: cheaper to repeat than to
    /// store for several consumers.
    fn cheap(&self) -> bool {
        true
    }

    /// The region is copied out of the mapping whole.
    fn buffers_region(&self) -> bool {
        true
    }

    fn open(&self, region: &Region, _block: &[usize]) -> Result<AnySource> {
        ViewSource::whole(self.file.read::<T>(region)?)
    }
}
