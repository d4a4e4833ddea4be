//! Zarr stores: `from_zarr`, `from_zarr_with_chunks`, `to_zarr`,
//! `to_zarr_region` (see [`crate::io`]).

use super::{written_by, ChunkedArray};
use crate::chunks::{AxisChunks, ChunkSpec, Chunks};
use crate::delayed::Delayed;
use crate::element::StoreElement;
use crate::error::Result;
use crate::io::{self, Written, ZarrOptions};
use crate::kernel::zarr::{ZarrArray, ZarrSource, ZarrTarget, ZarrWrite};
use ndarray::{Dimension, IxDyn};
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;
use zarrs::array::ArrayShardedExt;

/// # Reading and writing Zarr stores
impl<T: StoreElement> ChunkedArray<T, IxDyn> {
    /// The Zarr array (v2 or v3) at `array_path` in the store at
    /// `store_path`, read lazily: one block per chunk of the store (per
    /// inner chunk when sharded), each read by the task that needs it.
    ///
    /// `T` must be the store's data type exactly; anything else, a missing
    /// store or a path that is not an array is an
    /// [`Error::Store`](crate::Error::Store) naming the store.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let dir = std::env::temp_dir().join(format!("ndchunk-from-zarr-{}", std::process::id()));
    /// let x = ChunkedArray::from_array(Array::from_shape_fn((6, 4), |(i, j)| (i * 4 + j) as f32), (4, 2))?;
    /// x.to_zarr(&dir, "group/x", ZarrOptions::default())?.compute()?;
    ///
    /// let y = ChunkedArray::<f32, _>::from_zarr(&dir, "group/x")?;
    /// assert_eq!(y.chunks().sizes(), vec![vec![4, 2], vec![2, 2]]);
    /// assert_eq!(y.sum().compute()?.into_scalar(), 276.0);
    /// let wrong = ChunkedArray::<f64, _>::from_zarr(&dir, "group/x").unwrap_err();
    /// assert!(wrong.to_string().contains("float32") && wrong.to_string().contains("float64"));
    /// # std::fs::remove_dir_all(&dir).ok();
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn from_zarr(store_path: impl AsRef<Path>, array_path: &str) -> Result<Self> {
        let array = ZarrArray::open(store_path.as_ref(), array_path)?;
        array.check_type::<T>()?;
        let chunks = store_blocks(&array)?;
        Self::from_zarr_array(array, chunks)
    }

    /// [`from_zarr`](Self::from_zarr) with blocks of `chunks` (any
    /// chunking; blocks made of whole store chunks decode each chunk once).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let dir = std::env::temp_dir().join(format!("ndchunk-zarr-chunks-{}", std::process::id()));
    /// let x = ChunkedArray::from_array(Array::from_elem((100, 100), 1_u8), 10)?;
    /// x.to_zarr(&dir, "x", ZarrOptions::default())?.compute()?;
    /// let y = ChunkedArray::<u8, _>::from_zarr_with_chunks(&dir, "x", (50, 100))?;
    /// assert_eq!(y.chunks().num_blocks(), 2);
    /// assert_eq!(y.sum().compute()?.into_scalar(), 10_000_u64);
    /// # std::fs::remove_dir_all(&dir).ok();
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn from_zarr_with_chunks(
        store_path: impl AsRef<Path>,
        array_path: &str,
        chunks: impl Into<ChunkSpec>,
    ) -> Result<Self> {
        let array = ZarrArray::open(store_path.as_ref(), array_path)?;
        array.check_type::<T>()?;
        let chunks = chunks
            .into()
            .resolve(&array.shape(), std::mem::size_of::<T>())?;
        Self::from_zarr_array(array, chunks)
    }

    fn from_zarr_array(array: ZarrArray, chunks: Chunks) -> Result<Self> {
        let shape = array.shape();
        Self::from_source(shape, chunks, ZarrSource::<T>::new(Arc::new(array))).into_result()
    }
}

/// The blocks of a stored array: its chunks, or its inner chunks when
/// sharded (read one by one inside their shard).
fn store_blocks(array: &ZarrArray) -> Result<Chunks> {
    let shape = array.shape();
    let grid = array.inner.chunk_grid();
    if grid.metadata().name() != "regular" {
        return Err(array.error(
            "metadata",
            format!(
                "chunk grid `{}` is not supported: only regular grids",
                grid.metadata().name()
            ),
        ));
    }
    let block: Vec<usize> = match array.inner.effective_subchunk_shape() {
        Some(inner) => inner.iter().map(|n| n.get() as usize).collect(),
        None => array
            .inner
            .chunk_shape(&vec![0; shape.len()])
            .map_err(|e| array.error("metadata", e.to_string()))?
            .iter()
            .map(|n| n.get() as usize)
            .collect(),
    };
    let axes = shape
        .iter()
        .zip(&block)
        .map(|(&len, &chunk)| AxisChunks::uniform(len, chunk))
        .collect();
    Ok(Chunks::from_axes(axes))
}

impl<T: StoreElement, D: Dimension> ChunkedArray<T, D> {
    /// Write the array to a new Zarr array at `array_path` in the store at
    /// `store_path` (created if missing), laid out as `options` says.
    ///
    /// Lazy: the write happens when the returned value is computed, alone
    /// or with other results in one pass
    /// (`ndchunk::compute((&x.to_zarr(..)?, &x.sum()))`). Each task writes
    /// whole chunks (whole shards when sharded): blocks that do not line up
    /// with them are rechunked first, so no chunk has two writers. An
    /// existing array at the path is an error unless
    /// [`ZarrOptions::overwrite`].
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// use ndchunk::io::{Codec, ZarrFormat};
    /// let dir = std::env::temp_dir().join(format!("ndchunk-to-zarr-{}", std::process::id()));
    /// let x = ChunkedArray::from_array(Array::from_shape_fn((30, 20), |(i, j)| (i + j) as i64), (7, 20))?;
    /// // Blocks of 7 rows do not line up with chunks of 10: rechunked first.
    /// let options = ZarrOptions::default().chunks([10, 10]).format(ZarrFormat::V2).codec(Codec::Gzip(5));
    /// let written = x.to_zarr(&dir, "x", options)?.compute()?;
    /// assert_eq!(written.chunks, 6);
    /// assert_eq!(ChunkedArray::<i64, _>::from_zarr(&dir, "x")?.compute()?, x.compute()?.into_dyn());
    /// # std::fs::remove_dir_all(&dir).ok();
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn to_zarr(
        &self,
        store_path: impl AsRef<Path>,
        array_path: &str,
        options: ZarrOptions,
    ) -> Result<Delayed<Written>> {
        let source = self.clone().into_result()?;
        let layout = io::layout(&options, source.chunks())?;
        let metadata = io::metadata::<T>(&options, source.shape(), &layout)?;
        let origin = vec![0; source.ndim()];
        let input = source.aligned_to(layout.write_unit(), &origin)?;
        let target = ZarrTarget::Create {
            metadata: Box::new(metadata),
            overwrite: options.overwrite,
        };
        let sink = ZarrWrite::<T>::new(
            store_path.as_ref().to_path_buf(),
            array_path,
            target,
            input.chunks().clone(),
        );
        Ok(written_by(sink, &input))
    }

    /// Write the array into `region` of the existing Zarr array at
    /// `array_path` (its data type must be `T`, `region` one range per axis
    /// of the array's shape). Chunks the region covers only in part keep
    /// their other values; as with [`to_zarr`](Self::to_zarr), each chunk
    /// (shard) has one writer.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let dir = std::env::temp_dir().join(format!("ndchunk-region-{}", std::process::id()));
    /// let zeros = ChunkedArray::<f64, _>::zeros((10, 10), 4)?;
    /// zeros.to_zarr(&dir, "x", ZarrOptions::default())?.compute()?;
    /// let ones = ChunkedArray::<f64, _>::ones((3, 5), (3, 2))?;
    /// ones.to_zarr_region(&dir, "x", &[2..5, 3..8])?.compute()?;
    /// let back = ChunkedArray::<f64, _>::from_zarr(&dir, "x")?.compute()?;
    /// assert_eq!(back.sum(), 15.0);
    /// assert_eq!(back[[2, 3]], 1.0);
    /// assert_eq!(back[[1, 3]], 0.0);
    /// let bad = ones.to_zarr_region(&dir, "x", &[8..11, 0..5]).unwrap_err();
    /// assert!(bad.to_string().contains("region"));
    /// # std::fs::remove_dir_all(&dir).ok();
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn to_zarr_region(
        &self,
        store_path: impl AsRef<Path>,
        array_path: &str,
        region: &[Range<usize>],
    ) -> Result<Delayed<Written>> {
        let source = self.clone().into_result()?;
        let array = ZarrArray::open(store_path.as_ref(), array_path)?;
        array.check_type::<T>()?;
        let offset = check_region(&array, region, source.shape())?;
        if array.inner.chunk_grid().metadata().name() != "regular" {
            return Err(array.error("metadata", "region writes need a regular chunk grid"));
        }
        let unit: Vec<usize> = array
            .inner
            .chunk_shape(&vec![0; offset.len()])
            .map_err(|e| array.error("metadata", e.to_string()))?
            .iter()
            .map(|n| n.get() as usize)
            .collect();
        let input = source.aligned_to(&unit, &offset)?;
        let sink = ZarrWrite::<T>::new(
            store_path.as_ref().to_path_buf(),
            array_path,
            ZarrTarget::Region { offset },
            input.chunks().clone(),
        );
        Ok(written_by(sink, &input))
    }

    /// The array with blocks cut only where write units of `unit` start,
    /// counting from `-offset` (the store's origin): itself when they
    /// already are, else rechunked on the axes that are not, to whole units
    /// near its block length.
    fn aligned_to(&self, unit: &[usize], offset: &[usize]) -> Result<ChunkedArray<T, D>> {
        let chunks = self.chunks();
        let mut changed = false;
        let axes = (0..chunks.ndim())
            .map(|a| {
                let axis = chunks.axis(a).clone();
                if axis_aligned(&axis, unit[a], offset[a]) {
                    return axis;
                }
                changed = true;
                let u = unit[a];
                let per_block = (axis.widest() / u).max(1);
                let chunk = u.saturating_mul(per_block);
                let first = match offset[a] % u {
                    0 => chunk,
                    rest => u - rest,
                };
                AxisChunks::regular(first, chunk, axis.len())
            })
            .collect();
        if !changed {
            return Ok(self.clone());
        }
        self.rechunk(Chunks::from_axes(axes)).into_result()
    }
}

/// Whether every block boundary of `axis` (shifted by `offset`) is a
/// multiple of `unit`.
fn axis_aligned(axis: &AxisChunks, unit: usize, offset: usize) -> bool {
    let on_unit = |start: usize| (offset + start).is_multiple_of(unit);
    match axis.as_regular() {
        Some((first, chunk, len)) => {
            first >= len || (on_unit(first) && (first + chunk >= len || chunk % unit == 0))
        }
        None => {
            let sizes = axis.sizes();
            let mut start = 0;
            sizes[..sizes.len().saturating_sub(1)].iter().all(|&s| {
                start += s;
                on_unit(start)
            })
        }
    }
}

/// The start of `region` after checking it against the stored array and
/// the shape of what is written into it.
fn check_region(array: &ZarrArray, region: &[Range<usize>], shape: &[usize]) -> Result<Vec<usize>> {
    let stored = array.shape();
    let fail = |reason: String| Err(array.error("region", reason));
    if region.len() != stored.len() {
        return fail(format!(
            "{region:?} has {} ranges, the array has {} axes",
            region.len(),
            stored.len()
        ));
    }
    for (axis, (r, &len)) in region.iter().zip(&stored).enumerate() {
        if r.start > r.end || r.end > len {
            return fail(format!(
                "{region:?} is outside the array of shape {stored:?} on axis {axis}"
            ));
        }
    }
    let extent: Vec<usize> = region.iter().map(|r| r.end - r.start).collect();
    if extent != shape {
        return fail(format!(
            "{region:?} has shape {extent:?}, the array written has shape {shape:?}"
        ));
    }
    Ok(region.iter().map(|r| r.start).collect())
}
