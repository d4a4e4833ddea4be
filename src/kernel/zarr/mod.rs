//! Zarr arrays through `zarrs`: opening with errors that name the store,
//! reading a region chunk by chunk ([`read`]), writing whole chunks or
//! shards, each through a temporary key and a rename ([`write`]).
//!
//! Every codec call asks `zarrs` for a concurrency of one: the parallelism
//! is ours (one task per block), not nested inside each task.

mod read;
mod write;

pub(crate) use read::ZarrSource;
pub(crate) use write::{ZarrTarget, ZarrWrite};

use crate::chunks::Region;
use crate::element::StoreElement;
use crate::error::{Error, Result};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use zarrs::array::{Array, ArrayError, ArraySubset, CodecOptions};
use zarrs::filesystem::FilesystemStore;
use zarrs::plugin::{ExtensionName, ZarrVersion};
use zarrs::storage::storage_adapter::atomic_write::AtomicWriteStorageAdapter;

/// A filesystem store whose writes never leave a half-written value: each
/// goes to `<key>.tmp` and is renamed over the key.
pub(crate) type Store = AtomicWriteStorageAdapter<FilesystemStore>;

/// An array of a store, with the names its errors give.
pub(crate) struct ZarrArray {
    pub store_path: PathBuf,
    pub array_path: String,
    pub inner: Array<Store>,
}

/// The codec options of every call inside a task.
fn codec_options() -> CodecOptions {
    CodecOptions::default().with_concurrent_target(1)
}

/// The store at `store_path` (which must exist).
pub(crate) fn open_store(store_path: &Path) -> Result<Arc<Store>> {
    let fail = |reason: String| Error::Store {
        path: store_path.display().to_string(),
        key: "store".into(),
        reason,
    };
    if !store_path.is_dir() {
        return Err(fail("no such directory".into()));
    }
    let fs = FilesystemStore::new(store_path).map_err(|e| fail(e.to_string()))?;
    Ok(Arc::new(AtomicWriteStorageAdapter::new(Arc::new(fs))))
}

/// `array_path` as a Zarr node path (`/` for the root, always a leading `/`).
pub(crate) fn node_path(array_path: &str) -> String {
    format!("/{}", array_path.trim_matches('/'))
}

impl ZarrArray {
    /// Open the existing array at `array_path` in the store at `store_path`.
    pub fn open(store_path: &Path, array_path: &str) -> Result<ZarrArray> {
        let store = open_store(store_path)?;
        let inner = Array::open(store, &node_path(array_path)).map_err(|e| Error::Store {
            path: store_path.display().to_string(),
            key: format!("{} (metadata)", node_path(array_path)),
            reason: format!("not a readable Zarr array: {e}"),
        })?;
        Ok(ZarrArray {
            store_path: store_path.to_path_buf(),
            array_path: node_path(array_path),
            inner,
        })
    }

    /// An error about `key`.
    pub fn error(&self, key: impl Into<String>, reason: impl Into<String>) -> Error {
        Error::Store {
            path: format!("{}{}", self.store_path.display(), self.array_path),
            key: key.into(),
            reason: reason.into(),
        }
    }

    fn chunk_error(&self, chunk: &[u64], e: ArrayError) -> Error {
        self.error(self.inner.chunk_key(chunk).to_string(), e.to_string())
    }

    /// The element type must be the store's data type exactly.
    pub fn check_type<T: StoreElement>(&self) -> Result<()> {
        let stored = self
            .inner
            .data_type()
            .name(ZarrVersion::V3)
            .unwrap_or_else(|| self.inner.data_type().to_string().into());
        if stored == T::DTYPE {
            Ok(())
        } else {
            Err(self.error(
                "metadata",
                format!(
                    "the array holds {stored}, not {} (open it as its own element type, then convert with mapv)",
                    T::DTYPE
                ),
            ))
        }
    }

    pub fn shape(&self) -> Vec<usize> {
        self.inner.shape().iter().map(|&n| n as usize).collect()
    }

    /// The chunks (shards when sharded) overlapping `region`, each with the
    /// part of `region` it holds, in C order.
    fn chunks_in(&self, region: &Region) -> Result<Vec<(Vec<u64>, ArraySubset)>> {
        let subset = subset_of(region);
        let Some(chunks) = self
            .inner
            .chunks_in_array_subset(&subset)
            .map_err(|e| self.error("region", e.to_string()))?
        else {
            return Err(self.error("region", format!("{region:?} is outside the chunk grid")));
        };
        chunks
            .indices()
            .into_iter()
            .map(|chunk| {
                let bounds = self
                    .inner
                    .chunk_subset_bounded(&chunk)
                    .map_err(|e| self.chunk_error(&chunk, e))?;
                let part = bounds
                    .overlap(&subset)
                    .map_err(|e| self.error("region", e.to_string()))?;
                Ok((chunk.to_vec(), part))
            })
            .collect()
    }
}

/// A region as a `zarrs` subset.
pub(crate) fn subset_of(region: &Region) -> ArraySubset {
    ArraySubset::new_with_ranges(&ranges(&region.offset, &region.shape))
}

fn ranges(offset: &[usize], shape: &[usize]) -> Vec<Range<u64>> {
    offset
        .iter()
        .zip(shape)
        .map(|(&o, &n)| o as u64..(o + n) as u64)
        .collect()
}
