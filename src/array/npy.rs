//! `.npy` files: `from_npy`, `to_npy` (see [`crate::io`]).

use super::{written_by, ChunkedArray};
use crate::chunks::ChunkSpec;
use crate::delayed::Delayed;
use crate::element::StoreElement;
use crate::error::Result;
use crate::io::Written;
use crate::kernel::npy::{NpyFile, NpySource, NpyWrite};
use ndarray::{Dimension, IxDyn};
use std::path::Path;
use std::sync::Arc;

/// # Reading and writing `.npy` files
impl<T: StoreElement> ChunkedArray<T, IxDyn> {
    /// The array in the `.npy` file at `path`, cut into blocks of `chunks`
    /// and read lazily: the file is memory-mapped, and a task copies out
    /// only the region it needs, so `from_npy(..)?.slice(s![..10])` reads
    /// ten rows.
    ///
    /// `T` must be the file's data type exactly, in the machine's byte
    /// order; C and Fortran order are both read. A missing file, one that
    /// is not a `.npy` file, another data type or byte order, or data
    /// shorter or longer than the header says is an
    /// [`Error::Store`](crate::Error::Store) naming the file.
    ///
    /// The file must not be changed or truncated by others while the array
    /// (or anything computed from it) is in use, as with numpy's
    /// `np.load(path, mmap_mode='r')`. Writing it with
    /// [`to_npy`](Self::to_npy) is safe: that makes a new file and renames
    /// it over the path, so the array keeps reading the old one.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let path = std::env::temp_dir().join(format!("ndchunk-from-npy-{}.npy", std::process::id()));
    /// let x = ChunkedArray::from_array(Array::from_shape_fn((6, 4), |(i, j)| (i * 4 + j) as f32), 3)?;
    /// x.to_npy(&path)?.compute()?;
    ///
    /// let y = ChunkedArray::<f32, _>::from_npy(&path, (4, 4))?;
    /// assert_eq!(y.chunks().sizes(), vec![vec![4, 2], vec![4]]);
    /// assert_eq!(y.sum().compute()?.into_scalar(), 276.0);
    /// assert_eq!(y.slice(s![5, 1..3]).compute()?, array![21.0, 22.0]); // reads one block
    /// let wrong = ChunkedArray::<f64, _>::from_npy(&path, 4).unwrap_err();
    /// assert!(wrong.to_string().contains("float32") && wrong.to_string().contains("float64"));
    /// # std::fs::remove_file(&path).ok();
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn from_npy(path: impl AsRef<Path>, chunks: impl Into<ChunkSpec>) -> Result<Self> {
        let file = NpyFile::open::<T>(path.as_ref())?;
        let shape = file.shape().to_vec();
        let chunks = chunks.into().resolve(&shape, std::mem::size_of::<T>())?;
        Self::from_source(shape, chunks, NpySource::<T>::new(Arc::new(file))).into_result()
    }
}

impl<T: StoreElement, D: Dimension> ChunkedArray<T, D> {
    /// Write the array to the `.npy` file at `path` (C order, the machine's
    /// byte order), replacing a file there; numpy reads it with `np.load`.
    ///
    /// Lazy: the write happens when the returned value is computed, alone
    /// or with other results in one pass
    /// (`ndchunk::compute((&x.to_npy(p)?, &x.sum()))`). The values go
    /// block by block into a temporary file beside `path`, made with the
    /// full size up front and memory-mapped, so the array is never held in
    /// memory; once every block is in, it is flushed and renamed over
    /// `path`. Until then `path` is untouched: a compute that fails leaves
    /// the old file (or none) and removes the temporary one.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let path = std::env::temp_dir().join(format!("ndchunk-to-npy-{}.npy", std::process::id()));
    /// let x = ChunkedArray::from_fn((30, 20), (7, 20), |(i, j)| (i * 20 + j) as i64)?;
    /// let (written, total) = ndchunk::compute((&x.to_npy(&path)?, &x.sum()))?;
    /// assert_eq!((written.chunks, written.bytes), (5, 30 * 20 * 8));
    /// assert_eq!(total.into_scalar(), 179_700);
    /// let back = ChunkedArray::<i64, _>::from_npy(&written.path, 10)?;
    /// assert_eq!(back.compute()?, x.compute()?.into_dyn());
    /// # std::fs::remove_file(&path).ok();
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn to_npy(&self, path: impl AsRef<Path>) -> Result<Delayed<Written>> {
        let source = self.clone().into_result()?;
        let sink = NpyWrite::<T>::new(path.as_ref().to_path_buf(), source.chunks().clone());
        Ok(written_by(sink, &source))
    }
}
