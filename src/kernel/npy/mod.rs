//! `.npy` files through `ndarray-npy`: the header read once, the data
//! memory-mapped ([`read`]: each task copies out the region it asks for;
//! [`write`]: blocks are assigned into a preallocated temporary file, renamed
//! over the target when complete).
//!
//! A region is cast from the bytes it spans with `ndarray-npy`'s
//! `ViewElement::bytes_as_slice` (`ViewMutElement::bytes_as_mut_slice`),
//! the casts behind `view_npy` (`view_mut_npy`): they check the type, the
//! byte order, the alignment and the length as those do. `view_npy` itself
//! is not called per task because for `bool` it checks every byte of the
//! whole file, which would read all of it for every block.
//!
//! The only `unsafe` code of the crate is here: mapping a file
//! (`memmap2::Mmap::map`, `MmapMut::map_mut`).

mod read;
mod write;

pub(crate) use read::NpySource;
pub(crate) use write::NpyWrite;

use crate::chunks::Region;
use crate::element::StoreElement;
use crate::error::{Error, Result};
use crate::size;
use memmap2::Mmap;
use ndarray_npy::npy::header::Header;
use ndarray_npy::ViewDataError;
use std::fs::File;
use std::io::Seek;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// An open `.npy` file: its header and its data, mapped read-only.
pub(crate) struct NpyFile {
    pub path: PathBuf,
    header: Header,
    /// Element stride of each axis (C or Fortran order, as stored).
    strides: Vec<usize>,
    /// Where the data starts: the header's length in bytes.
    data_start: usize,
    map: Mmap,
}

/// An error about `key` of the file at `path`.
fn store_error(path: &Path, key: &str, reason: impl Into<String>) -> Error {
    Error::Store {
        path: path.display().to_string(),
        key: key.into(),
        reason: reason.into(),
    }
}

impl NpyFile {
    /// Open the `.npy` file at `path` holding `T`s: its header must parse,
    /// name `T` in the machine's byte order, and its data be aligned for
    /// `T` and as long as the shape says.
    pub fn open<T: StoreElement>(path: &Path) -> Result<NpyFile> {
        let fail = |key: &str, reason: String| store_error(path, key, reason);
        let mut file =
            File::open(path).map_err(|e| fail("header", format!("cannot open the file: {e}")))?;
        let header = Header::from_reader(&mut file)
            .map_err(|e| fail("header", format!("not a .npy file ({e})")))?;
        let data_start = file
            .stream_position()
            .map_err(|e| fail("header", e.to_string()))
            .and_then(|at| {
                usize::try_from(at).map_err(|_| fail("header", format!("{at} bytes of header")))
            })?;
        // SAFETY: the mapping is only read, through shared slices, so it is
        // sound as long as nothing writes or truncates the file meanwhile.
        // ndchunk never does (`to_npy` writes a new file and renames it over
        // the path, which leaves this mapping on the old one), and `from_npy`
        // documents that others must not either, as numpy's
        // `mmap_mode='r'` does.
        #[allow(unsafe_code)]
        let map = unsafe { Mmap::map(&file) }
            .map_err(|e| fail("data", format!("cannot map the file: {e}")))?;
        // Only when the file shrank since its header was read.
        let Some(held) = map.len().checked_sub(data_start) else {
            return Err(fail("data", "the file ends inside its header".into()));
        };
        let mut npy = NpyFile {
            path: path.to_path_buf(),
            strides: Vec::new(), // once the shape is known to fit
            header,
            data_start,
            map,
        };
        npy.check_type::<T>()?;
        let itemsize = std::mem::size_of::<T>();
        let elements = size::array("shape", &npy.header.shape, itemsize)
            .map_err(|e| npy.error("header", e.to_string()))?;
        // Cannot overflow: `size::array` checked it fits `isize`.
        let needed = elements * itemsize;
        if held != needed {
            return Err(npy.error(
                "data",
                format!(
                    "the header says {} of shape {:?}, {needed} bytes of data; the file holds {held}",
                    npy.dtype(),
                    npy.header.shape
                ),
            ));
        }
        npy.strides = strides(&npy.header.shape, npy.header.layout.is_fortran());
        Ok(npy)
    }

    /// An error about `key` of this file.
    pub fn error(&self, key: &str, reason: impl Into<String>) -> Error {
        store_error(&self.path, key, reason)
    }

    pub fn shape(&self) -> &[usize] {
        &self.header.shape
    }

    /// The header names `T` in the machine's byte order, and the data is
    /// aligned for it: the checks of the casts, on no element yet.
    fn check_type<T: StoreElement>(&self) -> Result<()> {
        let start = &self.map[self.data_start..self.data_start];
        match T::bytes_as_slice(start, &self.header.type_descriptor, 0) {
            Ok(_) => Ok(()),
            Err(ViewDataError::WrongDescriptor(_)) => Err(self.error(
                "header",
                format!(
                    "the file holds {}, not {} (open it as its own element type, then convert with mapv)",
                    self.dtype(),
                    T::DTYPE
                ),
            )),
            Err(ViewDataError::NonNativeEndian) => Err(self.error(
                "header",
                format!(
                    "the file holds {} in the other byte order: only {}-endian data is mapped (convert it first, in numpy with `a.astype(a.dtype.newbyteorder('='))`)",
                    self.dtype(),
                    if cfg!(target_endian = "little") { "little" } else { "big" }
                ),
            )),
            Err(ViewDataError::Misaligned) => Err(self.error(
                "data",
                format!(
                    "the data starts at byte {}, not aligned for {} ({} bytes)",
                    self.data_start,
                    T::DTYPE,
                    std::mem::align_of::<T>()
                ),
            )),
            Err(e) => Err(self.error("header", e.to_string())),
        }
    }

    /// The numpy name of the file's data type with its descriptor
    /// (``float32 (`<f4`)``), or the descriptor alone when it is not a
    /// plain number type.
    fn dtype(&self) -> String {
        let descr = &self.header.type_descriptor;
        let Some(s) = descr.as_string() else {
            return format!("the data type {descr}");
        };
        let body = s.trim_start_matches(['<', '>', '|', '=']);
        let (kind, size) = body.split_at(body.len().min(1));
        let bits = size.parse::<u128>().map(|n| n * 8);
        let name = match (kind, bits) {
            ("b", Ok(8)) => "bool".to_string(),
            ("i", Ok(b)) => format!("int{b}"),
            ("u", Ok(b)) => format!("uint{b}"),
            ("f", Ok(b)) => format!("float{b}"),
            ("c", Ok(b)) => format!("complex{b}"),
            _ => return format!("the data type `{s}`"),
        };
        format!("{name} (`{s}`)")
    }

    /// The bytes of the elements `elements` (see [`span`]).
    fn bytes(&self, elements: &Range<usize>, itemsize: usize) -> &[u8] {
        &self.map
            [self.data_start + elements.start * itemsize..self.data_start + elements.end * itemsize]
    }
}

/// Element strides of an array of `shape` stored in C order, or in Fortran
/// order when `fortran`. The shape's elements must have been counted with
/// `size::array`, so no partial product overflows.
fn strides(shape: &[usize], fortran: bool) -> Vec<usize> {
    let mut axes: Vec<usize> = (0..shape.len()).collect();
    if !fortran {
        axes.reverse();
    }
    let mut strides = vec![0; shape.len()];
    let mut step = 1;
    for k in axes {
        strides[k] = step;
        step *= shape[k];
    }
    strides
}

/// The elements a non-empty `region` spans in data of element `strides`,
/// first to last: a region that is not whole along the trailing axes spans
/// elements of others between its rows.
///
/// No product overflows: the region lies inside an array whose elements
/// were counted with `size::array`.
fn span(strides: &[usize], region: &Region) -> Range<usize> {
    let first: usize = region.offset.iter().zip(strides).map(|(o, s)| o * s).sum();
    let last: usize = (region.offset.iter().zip(&region.shape))
        .zip(strides)
        .map(|((o, n), s)| (o + n - 1) * s)
        .sum();
    first..last + 1
}
