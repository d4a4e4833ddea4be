//! [`ZarrOptions`]: how `to_zarr` lays out the array it creates.

use serde_json::{Map, Value};

/// The Zarr format version of a new array.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ZarrFormat {
    /// Zarr v2 (`.zarray`, `.zattrs`): read by every Zarr library; no
    /// sharding.
    V2,
    /// Zarr v3 (`zarr.json`), the default.
    #[default]
    V3,
}

/// The compression of a new array's chunks, with its level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Codec {
    /// Stored as raw little-endian bytes.
    None,
    /// Zstandard at the given level (1 fast … 22 small; 0 means 3), the
    /// default at level 1: it keeps pace with the generators.
    Zstd(i32),
    /// gzip at the given level (0–9).
    Gzip(u32),
    /// Blosc with the LZ4 compressor and byte shuffle at the given level
    /// (0–9), zarr-python's v2 default.
    Blosc(u8),
}

impl Default for Codec {
    fn default() -> Self {
        Codec::Zstd(1)
    }
}

/// How [`to_zarr`](crate::ChunkedArray::to_zarr) creates its array: format,
/// chunk and shard shapes, codec, fill value, attributes, dimension names,
/// and whether an existing array may be replaced.
///
/// Built from [`Default`] with builder methods:
///
/// ```
/// use ndchunk::io::{Codec, ZarrFormat, ZarrOptions};
/// let options = ZarrOptions::default()
///     .format(ZarrFormat::V3)
///     .chunks([100, 100])
///     .shards([1000, 1000])
///     .codec(Codec::Zstd(3))
///     .fill_value(f64::NAN)
///     .attribute("units", "kelvin")
///     .dimension_names(["y", "x"]);
/// assert_eq!(options.chunk_shape(), Some(&[100, 100][..]));
/// ```
#[derive(Clone, Debug, Default)]
pub struct ZarrOptions {
    pub(crate) format: ZarrFormat,
    pub(crate) chunks: Option<Vec<usize>>,
    pub(crate) shards: Option<Vec<usize>>,
    pub(crate) codec: Codec,
    pub(crate) fill_value: Option<f64>,
    pub(crate) attributes: Map<String, Value>,
    pub(crate) dimension_names: Option<Vec<String>>,
    pub(crate) overwrite: bool,
}

impl ZarrOptions {
    /// The format version (v3 by default).
    pub fn format(mut self, format: ZarrFormat) -> Self {
        self.format = format;
        self
    }

    /// The shape of a chunk (the unit of compression; inside a shard when
    /// [`shards`](Self::shards) is set). By default the array's block shape
    /// when its blocks are regular, else its widest block on each axis.
    pub fn chunks(mut self, shape: impl Into<Vec<usize>>) -> Self {
        self.chunks = Some(shape.into());
        self
    }

    /// Store the chunks in shards of this shape (v3 only; a multiple of the
    /// chunk shape on every axis): one file per shard, so far fewer files.
    pub fn shards(mut self, shape: impl Into<Vec<usize>>) -> Self {
        self.shards = Some(shape.into());
        self
    }

    /// The compression and its level (`Codec::Zstd(1)` by default).
    pub fn codec(mut self, codec: Codec) -> Self {
        self.codec = codec;
        self
    }

    /// The value of elements never written (0 by default); it must be a
    /// value of the element type (`0.5` for an integer array is an error).
    pub fn fill_value(mut self, value: f64) -> Self {
        self.fill_value = Some(value);
        self
    }

    /// Set one JSON attribute.
    pub fn attribute(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.attributes.insert(key.into(), value.into());
        self
    }

    /// Replace all attributes.
    pub fn attributes(mut self, attributes: Map<String, Value>) -> Self {
        self.attributes = attributes;
        self
    }

    /// One name per axis (v3 `dimension_names`; in v2 the
    /// `_ARRAY_DIMENSIONS` attribute that xarray reads).
    pub fn dimension_names<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.dimension_names = Some(names.into_iter().map(Into::into).collect());
        self
    }

    /// Replace an array that already exists at the path (its old chunks are
    /// deleted first). Without it, writing over an existing array is an
    /// error: use [`to_zarr_region`](crate::ChunkedArray::to_zarr_region) to
    /// write into one.
    pub fn overwrite(mut self, overwrite: bool) -> Self {
        self.overwrite = overwrite;
        self
    }

    /// The chunk shape asked for, if any.
    pub fn chunk_shape(&self) -> Option<&[usize]> {
        self.chunks.as_deref()
    }

    /// The shard shape asked for, if any.
    pub fn shard_shape(&self) -> Option<&[usize]> {
        self.shards.as_deref()
    }
}
