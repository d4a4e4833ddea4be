//! [`ChunkSpec`]: what the user asks for (a block shape, one length for
//! every axis, explicit sizes, "auto"), and its resolution against a shape.

use super::axis::AxisChunks;
use super::Chunks;
use crate::error::{Error, Result};
use crate::size;
use ndarray::{Dim, Dimension, IxDyn};

/// Default target size of one block for [`Chunks::auto`]: 16 MiB, large enough
/// that per-task overhead is invisible, small enough that a few blocks per core
/// fit in memory and that even a 100 MB array splits over all cores.
pub const AUTO_BLOCK_BYTES: usize = 16 << 20;

/// What the user asks for; resolved against a shape by the array constructors.
///
/// As in dask, built from:
/// - a block shape, one length per axis: `(1000, 500)`, `[1000, 500]`,
///   `vec![1000, 500]`, an `ndarray` dimension; the last block along an axis
///   may be shorter, and a length larger than the axis is the whole axis;
/// - one length for every axis: `1000` on a 2-D shape means `(1000, 1000)`;
/// - `-1` for "the whole axis", per axis (`(-1, 1000)`, `[-1, 1000]`) or for
///   all of them (`-1`, also written [`Chunks::whole`]); any other negative
///   length is an error naming the axis;
/// - explicit [`Chunks`], or [`Chunks::auto`].
///
/// Integer literals infer as `i32` (as with any overloaded integer
/// argument): write `1usize << 40` for a length beyond `i32`, and cast a
/// `usize` variable to `isize` to put it in a tuple with `-1`.
///
/// ```
/// use ndchunk::{ChunkSpec, Chunks};
/// let c = ChunkSpec::from((4, 3)).resolve(&[10, 3], 8)?;
/// assert_eq!(c.sizes(), &[vec![4, 4, 2], vec![3]]);
/// let c = ChunkSpec::from(1000).resolve(&[2500, 1500], 8)?; // every axis
/// assert_eq!(c.sizes(), &[vec![1000, 1000, 500], vec![1000, 500]]);
/// let c = ChunkSpec::from((-1, 1000)).resolve(&[2500, 1500], 8)?; // whole rows
/// assert_eq!(c.sizes(), &[vec![2500], vec![1000, 500]]);
/// assert_eq!(Chunks::whole().resolve(&[2500, 1500], 8)?, Chunks::single(&[2500, 1500]));
/// let c = Chunks::auto_bytes(800).resolve(&[100, 100], 8)?;
/// assert!(c.block_shape(&[0, 0]).iter().product::<usize>() * 8 <= 800);
/// let e = ChunkSpec::from((-2, 10)).resolve(&[4, 4], 8).unwrap_err();
/// assert!(e.to_string().contains("axis 0") && e.to_string().contains("-1 for the whole axis"));
/// # Ok::<(), ndchunk::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChunkSpec(SpecRepr);

#[derive(Clone, Debug, PartialEq, Eq)]
enum SpecRepr {
    /// One block length per axis; -1 is the whole axis. `i128` holds every
    /// length of every integer type accepted.
    Block(Vec<i128>),
    /// One block length for every axis.
    Every(i128),
    Explicit(Chunks),
    Auto {
        bytes: usize,
    },
}

macro_rules! block_shapes {
    ($($t:ty),*) => {$(
        impl From<$t> for ChunkSpec {
            fn from(length: $t) -> Self {
                ChunkSpec(SpecRepr::Every(length as i128))
            }
        }
        impl<const N: usize> From<[$t; N]> for ChunkSpec {
            fn from(block: [$t; N]) -> Self {
                ChunkSpec::from(&block[..])
            }
        }
        impl From<&[$t]> for ChunkSpec {
            fn from(block: &[$t]) -> Self {
                ChunkSpec(SpecRepr::Block(block.iter().map(|&n| n as i128).collect()))
            }
        }
        impl From<Vec<$t>> for ChunkSpec {
            fn from(block: Vec<$t>) -> Self {
                ChunkSpec::from(&block[..])
            }
        }
        block_shapes!(@tuples $t; (A), (A B), (A B C), (A B C D), (A B C D E), (A B C D E F));
    )*};
    (@tuples $t:ty; $(($($n:ident)*)),*) => {$(
        impl From<($(block_shapes!(@ty $n $t),)*)> for ChunkSpec {
            #[allow(non_snake_case)]
            fn from(($($n,)*): ($(block_shapes!(@ty $n $t),)*)) -> Self {
                ChunkSpec(SpecRepr::Block(vec![$($n as i128),*]))
            }
        }
    )*};
    (@ty $n:ident $t:ty) => { $t };
}

block_shapes!(usize, isize, i32, i64);

impl From<()> for ChunkSpec {
    /// The block shape of a 0-d array.
    fn from((): ()) -> Self {
        ChunkSpec(SpecRepr::Block(Vec::new()))
    }
}

impl<const N: usize> From<Dim<[usize; N]>> for ChunkSpec
where
    Dim<[usize; N]>: Dimension,
{
    fn from(block: Dim<[usize; N]>) -> Self {
        ChunkSpec::from(block.slice())
    }
}

impl From<IxDyn> for ChunkSpec {
    fn from(block: IxDyn) -> Self {
        ChunkSpec::from(block.slice())
    }
}

impl From<Chunks> for ChunkSpec {
    fn from(chunks: Chunks) -> Self {
        ChunkSpec(SpecRepr::Explicit(chunks))
    }
}

impl From<&Chunks> for ChunkSpec {
    fn from(chunks: &Chunks) -> Self {
        ChunkSpec(SpecRepr::Explicit(chunks.clone()))
    }
}

impl ChunkSpec {
    /// Resolve against an array `shape` whose elements take `itemsize` bytes.
    ///
    /// A block length larger than the axis is clamped to the axis. Errors
    /// name the axis and the numbers: a shape with more elements or bytes
    /// than ndarray can index ([`Error::TooLarge`]), a zero block length on
    /// a non-empty axis, a negative one other than -1, explicit sizes that
    /// do not sum to the axis length, a rank different from the shape's.
    pub fn resolve(&self, shape: &[usize], itemsize: usize) -> Result<Chunks> {
        let axes = match &self.0 {
            SpecRepr::Block(block) => {
                check_rank(block.len(), shape.len())?;
                block_axes(shape, block)?
            }
            SpecRepr::Every(length) => block_axes(shape, &vec![*length; shape.len()])?,
            SpecRepr::Explicit(chunks) => {
                check_rank(chunks.ndim(), shape.len())?;
                (0..shape.len())
                    .map(|a| chunks.axis(a).validate(a, shape[a]))
                    .collect::<Result<_>>()?
            }
            SpecRepr::Auto { bytes } => auto_axes(shape, itemsize.max(1), *bytes),
        };
        // After the chunks: lengths that overflow are named as such first.
        size::array("shape", shape, itemsize)?;
        Ok(Chunks::from_axes(axes))
    }

    /// Every axis one block (dask's `chunks=-1`); see [`Chunks::whole`].
    pub(super) fn whole() -> ChunkSpec {
        ChunkSpec(SpecRepr::Every(-1))
    }

    /// Blocks of at most `bytes`, as close to square as possible.
    pub(super) fn auto(bytes: usize) -> ChunkSpec {
        ChunkSpec(SpecRepr::Auto { bytes })
    }
}

fn check_rank(got: usize, expected: usize) -> Result<()> {
    if got == expected {
        Ok(())
    } else {
        Err(Error::RankMismatch {
            argument: "chunks",
            expected,
            got,
        })
    }
}

/// Uniform blocks of `block[a]` along every axis `a` of `shape`.
fn block_axes(shape: &[usize], block: &[i128]) -> Result<Vec<AxisChunks>> {
    shape
        .iter()
        .zip(block)
        .enumerate()
        .map(|(axis, (&len, &c))| {
            let invalid = |reason: String| Error::InvalidChunks { axis, reason };
            match c {
                -1 => Ok(AxisChunks::whole(len)),
                0 if len > 0 => Err(invalid(format!(
                    "block length 0 on an axis of length {len}; expected at least 1"
                ))),
                c if c < 0 => Err(invalid(format!(
                    "block length {c}; expected a positive length, or -1 for the whole axis"
                ))),
                // Longer than any axis: the whole axis.
                c => Ok(AxisChunks::uniform(len, usize::try_from(c).unwrap_or(len))),
            }
        })
        .collect()
}

/// Halve the longest block axis until a block fits in `bytes`: blocks stay
/// close to square, which keeps both row and column reductions cheap.
fn auto_axes(shape: &[usize], itemsize: usize, bytes: usize) -> Vec<AxisChunks> {
    let mut block: Vec<usize> = shape.iter().map(|&n| n.max(1)).collect();
    let budget = (bytes / itemsize).max(1);
    // Saturating: the shape is checked after, and may be too large.
    while block.iter().fold(1, |n: usize, &b| n.saturating_mul(b)) > budget {
        let (axis, _) = block
            .iter()
            .enumerate()
            .max_by_key(|&(a, &n)| (n, std::cmp::Reverse(a)))
            .expect("product > 1 implies at least one axis");
        block[axis] = block[axis].div_ceil(2);
    }
    shape
        .iter()
        .zip(&block)
        .map(|(&len, &c)| AxisChunks::uniform(len, c))
        .collect()
}
