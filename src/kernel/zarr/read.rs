//! Reading a region of a Zarr array: the chunks (or shards) it overlaps,
//! each decoded only where the region needs it.

use super::{codec_options, ZarrArray};
use crate::chunks::Region;
use crate::element::StoreElement;
use crate::error::Result;
use crate::kernel::view_source::ViewSource;
use crate::kernel::{AnySource, SourceKernel};
use ndarray::{ArrayD, IxDyn, Slice};
use std::marker::PhantomData;
use std::sync::Arc;

impl ZarrArray {
    /// The values of `region`, read chunk by chunk.
    pub fn read<T: StoreElement>(&self, region: &Region) -> Result<ArrayD<T>> {
        if region.is_empty() {
            return Ok(ArrayD::from_shape_vec(IxDyn(&region.shape), Vec::new())
                .expect("an empty shape holds no values"));
        }
        let options = codec_options();
        let mut parts = self.chunks_in(region)?.into_iter().map(|(chunk, part)| {
            let origin = self
                .inner
                .chunk_origin(&chunk)
                .map_err(|e| self.chunk_error(&chunk, e))?;
            let within = part
                .relative_to(&origin)
                .map_err(|e| self.error("region", e.to_string()))?;
            let values = self
                .inner
                .retrieve_chunk_subset_opt::<ArrayD<T>>(&chunk, &within, &options)
                .map_err(|e| self.chunk_error(&chunk, e))?;
            Ok((part, values))
        });
        let Some(first) = parts.next() else {
            return Err(self.error("region", format!("no chunk holds {region:?}")));
        };
        let (part, first) = first?;
        if part
            .shape()
            .iter()
            .map(|&n| n as usize)
            .eq(region.shape.iter().copied())
        {
            return Ok(first); // one chunk holds the whole region: no copy
        }
        // Filled with a value of the region: every element is overwritten
        // by the parts, and `T` needs no default.
        let Some(&fill) = first.iter().next() else {
            return Err(self.error("region", format!("chunk part {part:?} is empty")));
        };
        let mut out = ArrayD::from_elem(IxDyn(&region.shape), fill);
        let mut place = |part: &zarrs::array::ArraySubset, values: &ArrayD<T>| {
            out.slice_each_axis_mut(|ax| {
                let k = ax.axis.index();
                let start = part.start()[k] as usize - region.offset[k];
                Slice::from(start..start + values.shape()[k])
            })
            .assign(values);
        };
        place(&part, &first);
        for next in parts {
            let (part, values) = next?;
            place(&part, &values);
        }
        Ok(out)
    }
}

/// The leaf of an array read from a Zarr store: a block is read when a task
/// needs it (only the part the task needs), never before.
pub(crate) struct ZarrSource<T> {
    array: Arc<ZarrArray>,
    _type: PhantomData<fn() -> T>,
}

impl<T: StoreElement> ZarrSource<T> {
    pub fn new(array: Arc<ZarrArray>) -> Self {
        ZarrSource {
            array,
            _type: PhantomData,
        }
    }
}

impl<T: StoreElement> SourceKernel for ZarrSource<T> {
    fn label(&self) -> String {
        format!(
            "from_zarr({}{})",
            self.array.store_path.display(),
            self.array.array_path
        )
    }

    fn key(&self) -> Option<String> {
        Some(self.label())
    }

    /// Reading decodes chunks: store the blocks when several consumers
    /// need them rather than decode twice.
    fn cheap(&self) -> bool {
        false
    }

    fn buffers_region(&self) -> bool {
        true
    }

    fn open(&self, region: &Region, _block: &[usize]) -> Result<AnySource> {
        ViewSource::whole(self.array.read::<T>(region)?.into_shared())
    }
}
