//! Reading and writing stores: Zarr arrays (v2 and v3, sharded or not) and
//! `.npy` files, lazily and block by block, so arrays larger than memory
//! stream through.
//!
//! The methods are on [`ChunkedArray`](crate::ChunkedArray):
//!
//! | read | write |
//! |---|---|
//! | [`from_zarr`](crate::ChunkedArray::from_zarr): one block per chunk (per inner chunk when sharded) | [`to_zarr`](crate::ChunkedArray::to_zarr) with [`ZarrOptions`] |
//! | [`from_zarr_with_chunks`](crate::ChunkedArray::from_zarr_with_chunks): bigger blocks | [`to_zarr_region`](crate::ChunkedArray::to_zarr_region): into part of an existing array |
//! | [`from_npy`](crate::ChunkedArray::from_npy): memory-mapped | [`to_npy`](crate::ChunkedArray::to_npy): into a preallocated file |
//!
//! Reads are lazy: a block is read by the task that needs it, and only the
//! chunks a result needs are read (`from_zarr(..)?.slice(s![..10, ..10])`
//! reads one chunk). Writes are lazy too: they return a
//! [`Delayed<Written>`](crate::delayed::Delayed) computed like any other
//! value, so writing an array and reducing it are one pass over the data:
//!
//! ```
//! use ndchunk::prelude::*;
//! let dir = std::env::temp_dir().join(format!("ndchunk-io-{}", std::process::id()));
//! let x = ndchunk::random::Rng::seed(1).standard_normal((100, 60), (40, 25))?;
//! let write = x.to_zarr(&dir, "x", ZarrOptions::default())?;
//! let (written, total) = ndchunk::compute((&write, &x.sum()))?;
//! assert_eq!(written.bytes, 100 * 60 * 8);
//! let back = ChunkedArray::<f64, _>::from_zarr(&dir, "x")?;
//! assert_eq!(back.chunks().sizes(), x.chunks().sizes());
//! assert_eq!(back.compute()?, x.compute()?.into_dyn());
//! assert!((back.sum().compute()?.into_scalar() - total.into_scalar()).abs() < 1e-9);
//! assert_eq!(ndchunk::io::zarr_attributes(&dir, "x")?.len(), 0);
//! # std::fs::remove_dir_all(&dir).ok();
//! # Ok::<(), ndchunk::Error>(())
//! ```
//!
//! # Nothing lost
//! - **One writer per unit.** A task writes whole chunks (whole shards when
//!   sharded). When the blocks do not line up with them the array is
//!   rechunked first, so two tasks never write one chunk, which is where
//!   dask (issue 12583) and zarr-python (issue 3682) lose data.
//! - **No half-written chunk.** Each chunk (or shard) is written to
//!   `<key>.tmp` and renamed over its key (`zarrs`' atomic-write adapter), so
//!   a reader sees the old chunk or the new one. A failed compute leaves
//!   every chunk other tasks wrote intact. A `.tmp` file left by a killed
//!   process makes the next write of that chunk an error (remove it).
//!   `.npy` files are written under a temporary name and renamed when
//!   complete.
//! - **Errors name the place.** A missing store, a path that is not a Zarr
//!   array, a data type that is not the element type, a region outside the
//!   array, a chunk that does not decode: each is an
//!   [`Error::Store`](crate::Error::Store) naming the store and the chunk
//!   key.
//!
//! Element types are the [`StoreElement`]s: `bool`, `i8`–`i64`,
//! `u8`–`u64`, `f32`, `f64`; reading requires the store's type exactly.

mod layout;
mod options;

pub(crate) use layout::{layout, metadata};
pub use options::{Codec, ZarrFormat, ZarrOptions};

pub use crate::element::StoreElement;
pub use crate::kernel::written::Written;

use crate::error::Result;
use crate::kernel::zarr::ZarrArray;
use std::path::Path;

/// The JSON attributes of the Zarr array at `array_path` in the store at
/// `store_path` (v3 `attributes`, v2 `.zattrs`).
///
/// ```
/// use ndchunk::prelude::*;
/// let dir = std::env::temp_dir().join(format!("ndchunk-attrs-{}", std::process::id()));
/// let x = ChunkedArray::from_array(Array::from_elem((4, 4), 1_i32), 2)?;
/// let options = ZarrOptions::default().attribute("units", "m").dimension_names(["y", "x"]);
/// x.to_zarr(&dir, "a", options)?.compute()?;
/// let attributes = ndchunk::io::zarr_attributes(&dir, "a")?;
/// assert_eq!(attributes["units"], "m");
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn zarr_attributes(
    store_path: impl AsRef<Path>,
    array_path: &str,
) -> Result<serde_json::Map<String, serde_json::Value>> {
    let array = ZarrArray::open(store_path.as_ref(), array_path)?;
    Ok(array.inner.attributes().clone())
}
