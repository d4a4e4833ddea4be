//! How an array is cut into blocks: per-axis chunk sizes, the block grid, and
//! the mapping between block indices and element ranges.
//!
//! Two types: [`ChunkSpec`] is what the user asks for (a uniform block shape,
//! explicit sizes, or "auto"), [`Chunks`] is the resolved, validated chunking
//! of one array: for every axis the list of block lengths along it.

use crate::error::{Error, Result};
use ndarray::{Dimension, IntoDimension};

/// Default target size of one block for [`Chunks::auto`]: 16 MiB, large enough
/// that per-task overhead is invisible, small enough that a few blocks per core
/// fit in memory and that even a 100 MB array splits over all cores.
pub const AUTO_BLOCK_BYTES: usize = 16 << 20;

/// The resolved chunking of an array: the block lengths along every axis.
///
/// Along each axis the lengths are positive and sum to the array's length on
/// that axis; the last block may be smaller. An empty axis has one block of
/// length 0, so every array has at least one block.
///
/// ```
/// use ndchunk::Chunks;
/// let c = Chunks::from_sizes(vec![vec![600, 400], vec![1000]]);
/// assert_eq!(c.shape(), vec![1000, 1000]);
/// assert_eq!(c.grid(), vec![2, 1]);
/// assert_eq!(c.block_offset(&[1, 0]), vec![600, 0]);
/// assert_eq!(c.block_shape(&[1, 0]), vec![400, 1000]);
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Chunks {
    sizes: Vec<Vec<usize>>,
    /// `offsets[a][i]` is where block `i` starts on axis `a`; one extra entry
    /// at the end holds the axis length.
    offsets: Vec<Vec<usize>>,
}

/// What the user asks for; resolved against a shape by the array constructors.
///
/// Built from a block shape (`(1000, 1000)`, `[1000, 1000]`, `1000` for 1-D),
/// from explicit [`Chunks`], or from [`Chunks::auto`].
///
/// ```
/// use ndchunk::{ChunkSpec, Chunks};
/// let c = ChunkSpec::from((4, 3)).resolve(&[10, 3], 8).unwrap();
/// assert_eq!(c.sizes(), &[vec![4, 4, 2], vec![3]]);
/// let c = Chunks::auto_bytes(800).resolve(&[100, 100], 8).unwrap();
/// assert!(c.block_shape(&[0, 0]).iter().product::<usize>() * 8 <= 800);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChunkSpec(SpecRepr);

#[derive(Clone, Debug, PartialEq, Eq)]
enum SpecRepr {
    Uniform(Vec<usize>),
    Explicit(Chunks),
    Auto { bytes: usize },
}

impl<I: IntoDimension> From<I> for ChunkSpec {
    fn from(block_shape: I) -> Self {
        ChunkSpec(SpecRepr::Uniform(
            block_shape.into_dimension().slice().to_vec(),
        ))
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
    /// A uniform block length larger than the axis is clamped to the axis;
    /// a zero block length on a non-empty axis, explicit sizes that do not sum
    /// to the axis length, and a rank different from the shape's are errors
    /// naming the axis and the numbers.
    pub fn resolve(&self, shape: &[usize], itemsize: usize) -> Result<Chunks> {
        match &self.0 {
            SpecRepr::Uniform(block) => {
                check_rank(block.len(), shape.len())?;
                let sizes = shape
                    .iter()
                    .zip(block)
                    .enumerate()
                    .map(|(axis, (&len, &c))| uniform_sizes(axis, len, c))
                    .collect::<Result<Vec<_>>>()?;
                Ok(Chunks::from_sizes(sizes))
            }
            SpecRepr::Explicit(chunks) => {
                check_rank(chunks.ndim(), shape.len())?;
                let mut sizes = chunks.sizes.clone();
                for (axis, (sz, &len)) in sizes.iter_mut().zip(shape).enumerate() {
                    validate_axis(axis, sz, len)?;
                }
                Ok(Chunks::from_sizes(sizes))
            }
            SpecRepr::Auto { bytes } => Ok(auto_chunks(shape, itemsize.max(1), *bytes)),
        }
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

fn uniform_sizes(axis: usize, len: usize, c: usize) -> Result<Vec<usize>> {
    if len == 0 {
        return Ok(vec![0]);
    }
    if c == 0 {
        return Err(Error::InvalidChunks {
            axis,
            reason: format!("block length 0 on an axis of length {len}; expected at least 1"),
        });
    }
    let c = c.min(len);
    let mut sizes = vec![c; len / c];
    if len % c != 0 {
        sizes.push(len % c);
    }
    Ok(sizes)
}

fn validate_axis(axis: usize, sizes: &mut Vec<usize>, len: usize) -> Result<()> {
    if len == 0 && sizes.iter().all(|&s| s == 0) {
        *sizes = vec![0];
        return Ok(());
    }
    if let Some(i) = sizes.iter().position(|&s| s == 0) {
        return Err(Error::InvalidChunks {
            axis,
            reason: format!("block {i} has length 0 on an axis of length {len}"),
        });
    }
    let total: usize = sizes.iter().sum();
    if total != len {
        return Err(Error::InvalidChunks {
            axis,
            reason: format!(
                "block lengths {sizes:?} sum to {total}, but the axis has length {len}"
            ),
        });
    }
    Ok(())
}

/// Halve the longest block axis until a block fits in `bytes`: blocks stay
/// close to square, which keeps both row and column reductions cheap.
fn auto_chunks(shape: &[usize], itemsize: usize, bytes: usize) -> Chunks {
    let mut block: Vec<usize> = shape.iter().map(|&n| n.max(1)).collect();
    let budget = (bytes / itemsize).max(1);
    while block.iter().product::<usize>() > budget {
        let (axis, _) = block
            .iter()
            .enumerate()
            .max_by_key(|&(a, &n)| (n, std::cmp::Reverse(a)))
            .expect("product > 1 implies at least one axis");
        block[axis] = block[axis].div_ceil(2);
    }
    let sizes = shape
        .iter()
        .zip(&block)
        .enumerate()
        .map(|(axis, (&len, &c))| {
            uniform_sizes(axis, len, c).expect("auto block lengths are positive")
        })
        .collect();
    Chunks::from_sizes(sizes)
}

impl Chunks {
    /// Explicit block lengths for every axis (irregular chunking).
    ///
    /// Validated against the array's shape when an array is built with it.
    pub fn from_sizes(sizes: Vec<Vec<usize>>) -> Chunks {
        let offsets = sizes
            .iter()
            .map(|axis| {
                let mut off = Vec::with_capacity(axis.len() + 1);
                let mut at = 0;
                off.push(0);
                for &s in axis {
                    at += s;
                    off.push(at);
                }
                off
            })
            .collect();
        Chunks { sizes, offsets }
    }

    /// Let the array's shape and element size choose: blocks of at most
    /// [`AUTO_BLOCK_BYTES`] (16 MiB), as close to square as possible.
    pub fn auto() -> ChunkSpec {
        Chunks::auto_bytes(AUTO_BLOCK_BYTES)
    }

    /// Like [`Chunks::auto`] with a chosen target block size in bytes.
    pub fn auto_bytes(bytes: usize) -> ChunkSpec {
        ChunkSpec(SpecRepr::Auto { bytes })
    }

    /// The chunking of a single block covering `shape`.
    pub fn single(shape: &[usize]) -> Chunks {
        Chunks::from_sizes(shape.iter().map(|&n| vec![n]).collect())
    }

    /// Number of axes.
    pub fn ndim(&self) -> usize {
        self.sizes.len()
    }

    /// Block lengths along every axis.
    pub fn sizes(&self) -> &[Vec<usize>] {
        &self.sizes
    }

    /// The array shape these chunks cover.
    pub fn shape(&self) -> Vec<usize> {
        self.offsets
            .iter()
            .map(|o| *o.last().unwrap_or(&0))
            .collect()
    }

    /// Number of blocks along every axis.
    pub fn grid(&self) -> Vec<usize> {
        self.sizes.iter().map(Vec::len).collect()
    }

    /// Total number of blocks.
    pub fn num_blocks(&self) -> usize {
        self.sizes.iter().map(Vec::len).product()
    }

    /// Where block `index` starts, per axis.
    pub fn block_offset(&self, index: &[usize]) -> Vec<usize> {
        index
            .iter()
            .zip(&self.offsets)
            .map(|(&i, o)| o[i])
            .collect()
    }

    /// The shape of block `index`.
    pub fn block_shape(&self, index: &[usize]) -> Vec<usize> {
        index.iter().zip(&self.sizes).map(|(&i, s)| s[i]).collect()
    }

    /// The element region of block `index`.
    pub fn block_region(&self, index: &[usize]) -> Region {
        Region {
            offset: self.block_offset(index),
            shape: self.block_shape(index),
        }
    }

    /// The block index at position `linear` of the grid in C order.
    pub fn unravel(&self, mut linear: usize) -> Vec<usize> {
        let grid = self.grid();
        let mut index = vec![0; grid.len()];
        for (slot, &n) in index.iter_mut().zip(&grid).rev() {
            *slot = linear % n;
            linear /= n;
        }
        index
    }

    /// Position of block `index` in the grid in C order.
    pub fn ravel(&self, index: &[usize]) -> usize {
        index
            .iter()
            .zip(&self.sizes)
            .fold(0, |acc, (&i, s)| acc * s.len() + i)
    }

    /// The block holding element `i` along `axis` (inside the axis), and
    /// the elements that block covers. Empty blocks hold nothing, so they
    /// are never the answer.
    pub(crate) fn locate(&self, axis: usize, i: usize) -> (usize, std::ops::Range<usize>) {
        let offsets = &self.offsets[axis];
        let b = offsets.partition_point(|&o| o <= i) - 1;
        (b, offsets[b]..offsets[b + 1])
    }

    /// The block containing the element region `region`, if one block does.
    pub fn block_containing(&self, region: &Region) -> Option<Vec<usize>> {
        region
            .offset
            .iter()
            .zip(&region.shape)
            .zip(&self.offsets)
            .map(|((&start, &len), offsets)| {
                // The last block whose start is <= `start`.
                let i = offsets.partition_point(|&o| o <= start).saturating_sub(1);
                let i = i.min(offsets.len().saturating_sub(2));
                (start + len <= offsets[i + 1]).then_some(i)
            })
            .collect()
    }

    /// The common refinement of two chunkings of the same shape: every block
    /// boundary of either is a boundary of the result (dask's `unify_chunks`).
    pub fn refine(&self, other: &Chunks) -> Chunks {
        let sizes = self
            .offsets
            .iter()
            .zip(&other.offsets)
            .map(|(a, b)| {
                let mut cuts: Vec<usize> = a.iter().chain(b).copied().collect();
                cuts.sort_unstable();
                cuts.dedup();
                let sizes: Vec<usize> = cuts.windows(2).map(|w| w[1] - w[0]).collect();
                if sizes.is_empty() {
                    vec![0]
                } else {
                    sizes
                }
            })
            .collect();
        Chunks::from_sizes(sizes)
    }

    /// These chunks with `axis` removed (the chunks of an axis reduction).
    pub fn remove_axis(&self, axis: usize) -> Chunks {
        let mut sizes = self.sizes.clone();
        sizes.remove(axis);
        Chunks::from_sizes(sizes)
    }
}

impl std::fmt::Debug for Chunks {
    /// Compact: a run of equal lengths is shown once with a count, so a
    /// 100x100 grid prints on one line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "(")?;
        for (a, axis) in self.sizes.iter().enumerate() {
            if a > 0 {
                write!(f, ", ")?;
            }
            write!(f, "{}", describe_axis(axis))?;
        }
        write!(f, ")")
    }
}

fn describe_axis(sizes: &[usize]) -> String {
    match sizes {
        [one] => format!("{one}"),
        [first, .., last]
            if sizes[..sizes.len() - 1].iter().all(|s| s == first) && last == first =>
        {
            format!("{first}x{}", sizes.len())
        }
        [first, .., last] if sizes[..sizes.len() - 1].iter().all(|s| s == first) => {
            format!("{first}x{}+{last}", sizes.len() - 1)
        }
        _ => format!("{sizes:?}"),
    }
}

/// A box of elements: where it starts and its extent, per axis.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Region {
    /// First element, per axis.
    pub offset: Vec<usize>,
    /// Extent, per axis.
    pub shape: Vec<usize>,
}

impl Region {
    /// Number of elements.
    pub fn len(&self) -> usize {
        self.shape.iter().product()
    }

    /// True when the region holds no element.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// This region expressed relative to `origin` (the region must lie
    /// inside a box starting at `origin`).
    pub fn relative_to(&self, origin: &[usize]) -> Region {
        Region {
            offset: self.offset.iter().zip(origin).map(|(o, b)| o - b).collect(),
            shape: self.shape.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_chunks_leave_a_smaller_last_block() {
        let c = ChunkSpec::from((4, 5)).resolve(&[10, 5], 8).unwrap();
        assert_eq!(c.sizes(), &[vec![4, 4, 2], vec![5]]);
        assert_eq!(c.num_blocks(), 3);
        assert_eq!(format!("{c:?}"), "(4x2+2, 5)");
    }

    #[test]
    fn oversized_block_is_clamped_and_empty_axis_has_one_empty_block() {
        let c = ChunkSpec::from((100, 3)).resolve(&[10, 0], 8).unwrap();
        assert_eq!(c.sizes(), &[vec![10], vec![0]]);
        assert_eq!(c.num_blocks(), 1);
    }

    #[test]
    fn invalid_specs_name_the_axis_and_numbers() {
        let e = ChunkSpec::from((2, 0)).resolve(&[4, 4], 8).unwrap_err();
        assert!(e.to_string().contains("axis 1"), "{e}");
        let e = ChunkSpec::from(Chunks::from_sizes(vec![vec![3, 3]]))
            .resolve(&[7], 8)
            .unwrap_err();
        assert!(
            e.to_string().contains("sum to 6") && e.to_string().contains("length 7"),
            "{e}"
        );
        let e = ChunkSpec::from(Chunks::from_sizes(vec![vec![3, 0, 4]]))
            .resolve(&[7], 8)
            .unwrap_err();
        assert!(e.to_string().contains("block 1 has length 0"), "{e}");
        let e = ChunkSpec::from((2, 2)).resolve(&[4], 8).unwrap_err();
        assert!(
            matches!(
                e,
                Error::RankMismatch {
                    expected: 1,
                    got: 2,
                    ..
                }
            ),
            "{e}"
        );
    }

    #[test]
    fn auto_respects_the_byte_budget() {
        let c = Chunks::auto_bytes(1 << 20)
            .resolve(&[3000, 2000], 8)
            .unwrap();
        assert!(c.block_shape(&[0, 0]).iter().product::<usize>() * 8 <= 1 << 20);
        assert_eq!(c.shape(), vec![3000, 2000]);
        let small = Chunks::auto().resolve(&[10, 10], 8).unwrap();
        assert_eq!(small.num_blocks(), 1);
    }

    #[test]
    fn ravel_and_unravel_are_inverse() {
        let c = Chunks::from_sizes(vec![vec![1, 2], vec![3, 3, 3], vec![5]]);
        for linear in 0..c.num_blocks() {
            assert_eq!(c.ravel(&c.unravel(linear)), linear);
        }
        assert_eq!(c.unravel(4), vec![1, 1, 0]);
    }

    #[test]
    fn refinement_contains_every_boundary() {
        let a = Chunks::from_sizes(vec![vec![4, 6]]);
        let b = Chunks::from_sizes(vec![vec![5, 5]]);
        let r = a.refine(&b);
        assert_eq!(r.sizes(), &[vec![4, 1, 5]]);
        let piece = r.block_region(&[1]);
        assert_eq!(a.block_containing(&piece), Some(vec![1]));
        assert_eq!(b.block_containing(&piece), Some(vec![0]));
        let straddling = Region {
            offset: vec![3],
            shape: vec![2],
        };
        assert_eq!(a.block_containing(&straddling), None);
    }
}
