//! [`Written`]: the receipt of a write to a store (re-exported as
//! `ndchunk::io::Written`).

use super::contract::Value;
use crate::error::{Error, Result};
use std::path::PathBuf;

/// What computing a write returns: where the array went and how much of it
/// was written.
///
/// ```
/// use ndchunk::prelude::*;
/// let dir = std::env::temp_dir().join(format!("ndchunk-written-{}", std::process::id()));
/// let x = ChunkedArray::from_array(Array::from_elem((4, 6), 1.5_f64), (2, 3))?;
/// let written = x.to_zarr(&dir, "x", ZarrOptions::default())?.compute()?;
/// assert_eq!((written.chunks, written.bytes), (4, 4 * 6 * 8));
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok::<(), ndchunk::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    /// The store: a Zarr hierarchy's directory or the `.npy` file.
    pub path: PathBuf,
    /// The array's path inside a Zarr store (empty for `.npy`).
    pub array: String,
    /// Chunks (or shards) written; for `.npy`, blocks written.
    pub chunks: usize,
    /// Bytes of values written, before compression.
    pub bytes: u64,
}

/// What writing one block added to the receipt (a sink's consume result).
pub(crate) struct Piece {
    /// Chunks (or shards, or `.npy` blocks) written.
    pub units: usize,
    /// Bytes of values written.
    pub bytes: u64,
}

/// The units and bytes of all `pieces`.
pub(crate) fn total(pieces: &[Value]) -> Result<(usize, u64)> {
    pieces.iter().try_fold((0, 0), |(units, bytes), p| {
        let p = p
            .downcast_ref::<Piece>()
            .ok_or_else(|| Error::internal("a write's piece of an unexpected type"))?;
        Ok((units + p.units, bytes + p.bytes))
    })
}
