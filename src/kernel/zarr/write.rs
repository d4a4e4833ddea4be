//! Writing blocks into a Zarr array: each block covers whole write units
//! (chunks, or shards when sharded) except where the written region ends
//! inside one, so no two tasks ever write one unit (the array layer rechunks
//! to make it so); each unit is written through a temporary key and renamed.

use super::{codec_options, node_path, open_store, ZarrArray};
use crate::chunks::{Chunks, Region};
use crate::element::StoreElement;
use crate::error::{Error, Result};
use crate::exec::Wire;
use crate::kernel::contract::{SinkKernel, Value};
use crate::kernel::typed::block;
use crate::kernel::wire::{PieceWire, WrittenWire};
use crate::kernel::written::{total, Piece, Written};
use ndarray::Slice;
use std::marker::PhantomData;
use std::path::PathBuf;
use std::sync::Arc;
use zarrs::array::{Array, ArrayMetadata, ArrayMetadataOptions};
use zarrs::node::{node_exists, NodePath};
use zarrs::storage::{StorePrefix, WritableStorageTraits};

/// Where the blocks go.
pub(crate) enum ZarrTarget {
    /// A new array with this metadata, made when the compute starts;
    /// replacing an existing one only when `overwrite`.
    Create {
        metadata: Box<ArrayMetadata>,
        overwrite: bool,
    },
    /// An array that exists, written from `offset` on.
    Region { offset: Vec<usize> },
}

/// The sink writing every block of an array of `chunks` to a Zarr array.
pub(crate) struct ZarrWrite<T> {
    store_path: PathBuf,
    array_path: String,
    target: ZarrTarget,
    chunks: Chunks,
    _type: PhantomData<fn() -> T>,
}

/// The open array.
struct WriteState {
    array: ZarrArray,
}

/// The state sent to another MPI rank: nothing but the fact that the array
/// was made; the receiver opens it again.
struct StateWire<T> {
    store_path: PathBuf,
    array_path: String,
    _type: PhantomData<fn() -> T>,
}

impl<T: StoreElement> Wire for StateWire<T> {
    fn encode(&self, value: &Value, _out: &mut Vec<u8>) -> Result<()> {
        write_state(value).map(drop)
    }
    fn decode(&self, _bytes: &[u8]) -> Result<Value> {
        let array = ZarrArray::open(&self.store_path, &self.array_path)?;
        array.check_type::<T>()?;
        Ok(Arc::new(WriteState { array }))
    }
}

impl<T: StoreElement> ZarrWrite<T> {
    pub fn new(store_path: PathBuf, array_path: &str, target: ZarrTarget, chunks: Chunks) -> Self {
        ZarrWrite {
            store_path,
            array_path: node_path(array_path),
            target,
            chunks,
            _type: PhantomData,
        }
    }

    fn offset(&self) -> Vec<usize> {
        match &self.target {
            ZarrTarget::Region { offset } => offset.clone(),
            ZarrTarget::Create { .. } => vec![0; self.chunks.ndim()],
        }
    }

    fn fail(&self, key: &str, reason: String) -> Error {
        Error::Store {
            path: format!("{}{}", self.store_path.display(), self.array_path),
            key: key.into(),
            reason,
        }
    }

    /// Make the new array (its metadata), replacing an existing node only
    /// when asked to.
    fn create(&self, metadata: &ArrayMetadata, overwrite: bool) -> Result<ZarrArray> {
        std::fs::create_dir_all(&self.store_path).map_err(|e| self.fail("store", e.to_string()))?;
        let store = open_store(&self.store_path)?;
        let path = NodePath::new(&self.array_path).map_err(|e| self.fail("path", e.to_string()))?;
        if node_exists(&store, &path).map_err(|e| self.fail("metadata", e.to_string()))? {
            if !overwrite {
                return Err(self.fail(
                    "metadata",
                    "an array or group exists here: pass ZarrOptions::overwrite(true) to replace it, or write into it with to_zarr_region".into(),
                ));
            }
            let prefix = match self.array_path.trim_matches('/') {
                "" => StorePrefix::root(),
                inner => StorePrefix::new(format!("{inner}/"))
                    .map_err(|e| self.fail("path", e.to_string()))?,
            };
            store
                .erase_prefix(&prefix)
                .map_err(|e| self.fail("metadata", format!("removing the old array: {e}")))?;
        }
        let inner = Array::new_with_metadata(store, &self.array_path, metadata.clone())
            .map_err(|e| self.fail("metadata", e.to_string()))?;
        // Without zarrs' own `_zarrs` attribute: the attributes are the user's.
        let options = ArrayMetadataOptions::default().with_include_zarrs_metadata(false);
        inner
            .store_metadata_opt(&options)
            .map_err(|e| self.fail("metadata", e.to_string()))?;
        Ok(ZarrArray {
            store_path: self.store_path.clone(),
            array_path: self.array_path.clone(),
            inner,
        })
    }
}

fn write_state(value: &Value) -> Result<&WriteState> {
    value
        .downcast_ref::<WriteState>()
        .ok_or_else(|| Error::internal("zarr write state of an unexpected type"))
}

impl<T: StoreElement> SinkKernel for ZarrWrite<T> {
    fn label(&self) -> String {
        format!("to_zarr({}{})", self.store_path.display(), self.array_path)
    }

    fn open(&self) -> Result<Value> {
        let array = match &self.target {
            ZarrTarget::Create {
                metadata,
                overwrite,
            } => self.create(metadata, *overwrite)?,
            ZarrTarget::Region { .. } => ZarrArray::open(&self.store_path, &self.array_path)?,
        };
        array.check_type::<T>()?;
        Ok(Arc::new(WriteState { array }))
    }

    fn state_bytes(&self) -> usize {
        std::mem::size_of::<WriteState>()
    }

    fn consume(&self, state: &Value, index: &[usize], value: &Value) -> Result<Value> {
        let state = write_state(state)?;
        let array = &state.array;
        let values = block::<T>(value)?;
        let local = self.chunks.block_region(index);
        let offset = self.offset();
        let region = Region {
            offset: local
                .offset
                .iter()
                .zip(&offset)
                .map(|(a, b)| a + b)
                .collect(),
            shape: local.shape.clone(),
        };
        let options = codec_options();
        let mut units = 0;
        for (chunk, part) in array.chunks_in(&region)? {
            let piece = values.slice_each_axis(|ax| {
                let k = ax.axis.index();
                let start = part.start()[k] as usize - region.offset[k];
                Slice::from(start..start + part.shape()[k] as usize)
            });
            let whole = array
                .inner
                .chunk_subset(&chunk)
                .map_err(|e| array.chunk_error(&chunk, e))?;
            let written = if part == whole {
                array.inner.store_chunk_opt(&chunk, &piece, &options)
            } else {
                // The region ends inside this unit: merge with what the
                // unit holds (only this task writes it).
                let within = part
                    .relative_to(whole.start())
                    .map_err(|e| array.error("region", e.to_string()))?;
                array
                    .inner
                    .store_chunk_subset_opt(&chunk, &within, &piece, &options)
            };
            written.map_err(|e| array.chunk_error(&chunk, e))?;
            units += 1;
        }
        Ok(Arc::new(Piece {
            units,
            bytes: (values.len() * std::mem::size_of::<T>()) as u64,
        }))
    }

    fn receipt_wire(&self) -> Option<Arc<dyn Wire>> {
        Some(Arc::new(WrittenWire))
    }

    fn state_wire(&self) -> Option<Arc<dyn Wire>> {
        Some(Arc::new(StateWire::<T> {
            store_path: self.store_path.clone(),
            array_path: self.array_path.clone(),
            _type: PhantomData,
        }))
    }

    fn piece_wire(&self) -> Option<Arc<dyn Wire>> {
        Some(Arc::new(PieceWire))
    }

    fn finish(&self, _state: &Value, pieces: &[Value]) -> Result<Value> {
        let (chunks, bytes) = total(pieces)?;
        Ok(Arc::new(Written {
            path: self.store_path.clone(),
            array: self.array_path.clone(),
            chunks,
            bytes,
        }))
    }
}
