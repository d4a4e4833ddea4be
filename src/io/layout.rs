//! The layout of a new Zarr array: its write units (chunks, or shards when
//! sharded) checked against the array, and its metadata as the Zarr specs
//! spell it (v2 `.zarray`, v3 `zarr.json`).

use super::options::{Codec, ZarrFormat, ZarrOptions};
use crate::chunks::Chunks;
use crate::element::StoreElement;
use crate::error::{Error, Result};
use serde_json::{json, Value};
use zarrs::array::ArrayMetadata;

/// The chunk shape and (when sharded) shard shape of a new array of
/// `blocks`: as asked in `options`, else the block shape.
pub(crate) struct Layout {
    pub chunk: Vec<usize>,
    pub shard: Option<Vec<usize>>,
}

impl Layout {
    /// The unit one task writes whole: the shard when sharded, else the
    /// chunk.
    pub fn write_unit(&self) -> &[usize] {
        self.shard.as_deref().unwrap_or(&self.chunk)
    }
}

fn invalid(argument: &'static str, reason: String) -> Error {
    Error::InvalidArgument { argument, reason }
}

fn check_rank(argument: &'static str, given: usize, ndim: usize) -> Result<()> {
    if given == ndim {
        Ok(())
    } else {
        Err(Error::RankMismatch {
            argument,
            expected: ndim,
            got: given,
        })
    }
}

/// The default chunk length along an axis: the block length when the
/// blocks are regular (all equal but a shorter last one), else the widest.
fn block_length(blocks: &Chunks, axis: usize) -> usize {
    let axis = blocks.axis(axis);
    let length = match axis.as_regular() {
        Some((first, chunk, _)) if first == chunk => chunk,
        _ => axis.widest(),
    };
    length.max(1) // an empty axis still needs a chunk length of at least 1
}

pub(crate) fn layout(options: &ZarrOptions, blocks: &Chunks) -> Result<Layout> {
    let ndim = blocks.ndim();
    let chunk = match &options.chunks {
        Some(chunk) => {
            check_rank("ZarrOptions::chunks", chunk.len(), ndim)?;
            if let Some(axis) = chunk.iter().position(|&c| c == 0) {
                return Err(invalid(
                    "ZarrOptions::chunks",
                    format!("chunk length 0 on axis {axis}: every length must be at least 1"),
                ));
            }
            chunk.clone()
        }
        None => (0..ndim).map(|axis| block_length(blocks, axis)).collect(),
    };
    let shard = match &options.shards {
        None => None,
        Some(_) if options.format == ZarrFormat::V2 => {
            return Err(invalid(
                "ZarrOptions::shards",
                "Zarr v2 has no sharding: use ZarrFormat::V3".into(),
            ))
        }
        Some(shard) => {
            check_rank("ZarrOptions::shards", shard.len(), ndim)?;
            if let Some(axis) = (0..ndim).find(|&a| shard[a] == 0 || shard[a] % chunk[a] != 0) {
                return Err(invalid(
                    "ZarrOptions::shards",
                    format!(
                        "shard length {} on axis {axis} is not a multiple of the chunk length {}",
                        shard[axis], chunk[axis]
                    ),
                ));
            }
            Some(shard.clone())
        }
    };
    if let Some(names) = &options.dimension_names {
        check_rank("ZarrOptions::dimension_names", names.len(), ndim)?;
    }
    Ok(Layout { chunk, shard })
}

/// The fill value of `options` as a `T`.
fn fill_value<T: StoreElement>(options: &ZarrOptions) -> Result<T> {
    let value = options.fill_value.unwrap_or(0.0);
    T::from_fill(value).ok_or_else(|| {
        invalid(
            "ZarrOptions::fill_value",
            format!("{value} is not a value of {}", T::DTYPE),
        )
    })
}

fn v3_compressor<T: StoreElement>(codec: Codec) -> Option<Value> {
    match codec {
        Codec::None => None,
        Codec::Zstd(level) => {
            Some(json!({"name": "zstd", "configuration": {"level": level, "checksum": false}}))
        }
        Codec::Gzip(level) => Some(json!({"name": "gzip", "configuration": {"level": level}})),
        Codec::Blosc(level) => Some(json!({"name": "blosc", "configuration": {
            "cname": "lz4", "clevel": level, "shuffle": "shuffle",
            "typesize": std::mem::size_of::<T>(), "blocksize": 0}})),
    }
}

fn v2_compressor(codec: Codec) -> Value {
    match codec {
        Codec::None => Value::Null,
        Codec::Zstd(level) => json!({"id": "zstd", "level": level}),
        Codec::Gzip(level) => json!({"id": "gzip", "level": level}),
        Codec::Blosc(level) => {
            json!({"id": "blosc", "cname": "lz4", "clevel": level, "shuffle": 1, "blocksize": 0})
        }
    }
}

/// The metadata of a new array of `shape` laid out as `layout`.
pub(crate) fn metadata<T: StoreElement>(
    options: &ZarrOptions,
    shape: &[usize],
    layout: &Layout,
) -> Result<ArrayMetadata> {
    let fill = fill_value::<T>(options)?.to_json();
    let mut attributes = options.attributes.clone();
    let parsed = match options.format {
        ZarrFormat::V2 => {
            if let Some(names) = &options.dimension_names {
                attributes.insert("_ARRAY_DIMENSIONS".into(), json!(names));
            }
            let zarray = json!({
                "zarr_format": 2, "shape": shape, "chunks": layout.chunk,
                "dtype": T::V2_DTYPE, "compressor": v2_compressor(options.codec),
                "fill_value": fill, "order": "C", "filters": null,
                "dimension_separator": ".", "attributes": attributes,
            });
            serde_json::from_value(zarray).map(ArrayMetadata::V2)
        }
        ZarrFormat::V3 => {
            let bytes = json!({"name": "bytes", "configuration": {"endian": "little"}});
            let inner: Vec<Value> = std::iter::once(bytes.clone())
                .chain(v3_compressor::<T>(options.codec))
                .collect();
            let codecs = match &layout.shard {
                None => inner,
                Some(_) => vec![json!({"name": "sharding_indexed", "configuration": {
                    "chunk_shape": layout.chunk, "codecs": inner,
                    "index_codecs": [bytes, {"name": "crc32c"}], "index_location": "end"}})],
            };
            let mut zarr_json = json!({
                "zarr_format": 3, "node_type": "array", "shape": shape, "data_type": T::DTYPE,
                "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": layout.write_unit()}},
                "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
                "fill_value": fill, "codecs": codecs, "attributes": attributes,
            });
            if let Some(names) = &options.dimension_names {
                zarr_json["dimension_names"] = json!(names);
            }
            serde_json::from_value(zarr_json).map(ArrayMetadata::V3)
        }
    };
    parsed.map_err(|e| Error::internal(format!("zarr metadata does not parse: {e}")))
}
