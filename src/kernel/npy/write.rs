//! Writing blocks into a `.npy` file: a temporary sibling file is made with
//! the full shape (sparse where the filesystem allows), mapped, each block
//! assigned into its region of the mapping, and the file renamed over the
//! target once every block is in. Until then the target is untouched, and a
//! failed compute removes the temporary file.

use super::{span, store_error, strides};
use crate::chunks::Chunks;
use crate::element::StoreElement;
use crate::error::{Error, Result};
use crate::exec::Wire;
use crate::kernel::contract::{SinkKernel, Value};
use crate::kernel::typed::block;
use crate::kernel::wire::{PieceWire, WrittenWire};
use crate::kernel::written::{total, Piece, Written};
use crate::lock::lock;
use memmap2::MmapMut;
use ndarray::{ArrayViewMut, IxDyn, ShapeBuilder};
use ndarray_npy::write_zeroed_npy;
use std::fs::{File, OpenOptions};
use std::io::Seek;
use std::marker::PhantomData;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// The sink writing every block of an array of `chunks` to a `.npy` file.
pub(crate) struct NpyWrite<T> {
    path: PathBuf,
    chunks: Chunks,
    /// Element strides of the array in the file (C order).
    strides: Vec<usize>,
    _type: PhantomData<fn() -> T>,
}

/// The temporary file of a write, removed when dropped unless it was renamed
/// over the target: a failed compute (or one whose receipt is never made)
/// leaves no file behind.
struct Partial {
    path: PathBuf,
    renamed: AtomicBool,
}

impl Drop for Partial {
    fn drop(&mut self) {
        if !*self.renamed.get_mut() {
            // Nothing to report it to: the compute already failed.
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// The open temporary file and its writable mapping.
struct Output {
    file: File,
    map: MmapMut,
}

/// What blocks are written into, and what has been written.
///
/// One mapping behind a lock: two blocks that are not whole along the
/// trailing axes span the same bytes (each one's rows lie between the
/// other's), so mutable slices of the mapping for both at once would
/// overlap. The lock only covers the copy into the page cache; the blocks
/// themselves are computed in parallel (as dask's `store` with its default
/// lock).
struct WriteState {
    // Declared (so dropped) before `partial`: the file is closed and
    // unmapped before it is removed.
    output: Mutex<Option<Output>>,
    /// Where the data starts in the file: the header's length in bytes.
    data_start: usize,
    partial: Partial,
}

/// Tells the temporary files of one process apart: one path can be written
/// by two computes at once.
static WRITES: AtomicUsize = AtomicUsize::new(0);

impl<T: StoreElement> NpyWrite<T> {
    pub fn new(path: PathBuf, chunks: Chunks) -> Self {
        NpyWrite {
            path,
            strides: strides(&chunks.shape(), false),
            chunks,
            _type: PhantomData,
        }
    }

    fn fail(&self, key: &str, reason: String) -> Error {
        store_error(&self.path, key, reason)
    }

    /// A new temporary file beside the target: `<name>.partial-<pid>-<n>`.
    fn create_partial(&self) -> Result<(Partial, File)> {
        let Some(name) = self.path.file_name() else {
            return Err(self.fail("file", "the path does not name a file".into()));
        };
        let n = WRITES.fetch_add(1, Ordering::Relaxed);
        let mut partial = name.to_os_string();
        partial.push(format!(".partial-{}-{n}", std::process::id()));
        let partial = self.path.with_file_name(partial);
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&partial)
            .map_err(|e| self.fail("file", format!("cannot create {}: {e}", partial.display())))?;
        let partial = Partial {
            path: partial,
            renamed: AtomicBool::new(false),
        };
        Ok((partial, file))
    }
}

fn write_state(value: &Value) -> Result<&WriteState> {
    value
        .downcast_ref::<WriteState>()
        .ok_or_else(|| Error::internal("npy write state of an unexpected type"))
}

impl<T: StoreElement> SinkKernel for NpyWrite<T> {
    fn label(&self) -> String {
        format!("to_npy({})", self.path.display())
    }

    fn open(&self) -> Result<Value> {
        let (partial, file) = self.create_partial()?;
        // The array's shape was counted with `size::array` when it was made,
        // so its bytes and the file's length fit (`write_zeroed_npy` panics
        // otherwise).
        write_zeroed_npy::<T, _>(&file, IxDyn(&self.chunks.shape()))
            .map_err(|e| self.fail("header", format!("cannot preallocate the file: {e}")))?;
        let data_start = (&file)
            .stream_position()
            .map_err(|e| self.fail("header", e.to_string()))
            .and_then(|at| {
                usize::try_from(at)
                    .map_err(|_| self.fail("header", format!("{at} bytes of header")))
            })?;
        // SAFETY: the file was just made by this write under a name no other
        // uses (`create_new`, the process id and a counter), and nothing but
        // this mapping writes it or changes its length while it is mapped;
        // the mutable slices made from it are made under the state's lock, so
        // they never alias.
        #[allow(unsafe_code)]
        let map = unsafe { MmapMut::map_mut(&file) }
            .map_err(|e| self.fail("data", format!("cannot map the file: {e}")))?;
        Ok(Arc::new(WriteState {
            output: Mutex::new(Some(Output { file, map })),
            data_start,
            partial,
        }))
    }

    fn state_bytes(&self) -> usize {
        // The mapping is the page cache's, not the process's memory.
        std::mem::size_of::<WriteState>()
    }

    fn consume(&self, state: &Value, index: &[usize], value: &Value) -> Result<Value> {
        let state = write_state(state)?;
        let values = block::<T>(value)?;
        let region = self.chunks.block_region(index);
        if values.shape() != region.shape {
            return Err(Error::internal(format!(
                "block {index:?} of shape {:?} written to a region of shape {:?}",
                values.shape(),
                region.shape
            )));
        }
        if region.is_empty() {
            return Ok(Arc::new(Piece { units: 0, bytes: 0 }));
        }
        let elements = span(&self.strides, &region);
        let itemsize = std::mem::size_of::<T>();
        let bytes = state.data_start + elements.start * itemsize
            ..state.data_start + elements.end * itemsize;
        {
            let mut output = lock(&state.output);
            let Some(Output { map, .. }) = output.as_mut() else {
                return Err(Error::internal(
                    "a block arrived after the npy file was closed",
                ));
            };
            let data =
                T::bytes_as_mut_slice(&mut map[bytes], &T::type_descriptor(), elements.len())
                    .map_err(|e| self.fail("data", format!("block {index:?}: {e}")))?;
            let shape = IxDyn(&region.shape).strides(IxDyn(&self.strides));
            ArrayViewMut::from_shape(shape, data)
                .map_err(|e| Error::internal(format!("npy block {index:?}: {e}")))?
                .assign(values);
        }
        Ok(Arc::new(Piece {
            units: 1,
            bytes: (values.len() * itemsize) as u64,
        }))
    }

    fn receipt_wire(&self) -> Option<Arc<dyn Wire>> {
        Some(Arc::new(WrittenWire))
    }

    fn piece_wire(&self) -> Option<Arc<dyn Wire>> {
        Some(Arc::new(PieceWire))
    }

    fn finish(&self, state: &Value, pieces: &[Value]) -> Result<Value> {
        let state = write_state(state)?;
        let Some(Output { file, map }) = lock(&state.output).take() else {
            return Err(Error::internal("an npy file finished twice"));
        };
        // On disk before the rename: a crash leaves the old file or the
        // whole new one, never one whose data did not reach the disk.
        map.flush()
            .map_err(|e| self.fail("data", format!("cannot flush the file: {e}")))?;
        drop(map);
        file.sync_all()
            .map_err(|e| self.fail("data", format!("cannot flush the file: {e}")))?;
        drop(file);
        std::fs::rename(&state.partial.path, &self.path).map_err(|e| {
            let from = state.partial.path.display();
            self.fail("file", format!("cannot rename {from} over it: {e}"))
        })?;
        state.partial.renamed.store(true, Ordering::Relaxed);
        let (chunks, bytes) = total(pieces)?;
        Ok(Arc::new(Written {
            path: self.path.clone(),
            array: String::new(),
            chunks,
            bytes,
        }))
    }
}
