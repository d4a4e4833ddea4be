//! How an array is cut into blocks: per-axis chunk sizes, the block grid, and
//! the mapping between block indices and element ranges.
//!
//! Two types: [`ChunkSpec`] is what the user asks for (a uniform block shape,
//! explicit sizes, or "auto"), [`Chunks`] is the resolved, validated chunking
//! of one array: for every axis its block lengths, kept regular (two numbers,
//! however many blocks) when they are, listed otherwise. Describing, comparing,
//! hashing or indexing a regular grid never takes memory per block.

mod axis;
mod spec;

pub(crate) use axis::AxisChunks;
pub use spec::{ChunkSpec, AUTO_BLOCK_BYTES};

use crate::error::Result;
use std::fmt;
use std::ops::Range;

/// The length [`Chunks`] and [`ChunkedArray::shape`](crate::ChunkedArray::shape)
/// report along an axis whose block lengths are unknown until computed
/// (dask's `nan`): `usize::MAX`, which no array axis can have. Ask
/// [`Chunks::is_known`] rather than comparing.
pub const UNKNOWN: usize = usize::MAX;

/// The resolved chunking of an array: the block lengths along every axis.
///
/// Along each axis the lengths are positive and sum to the array's length on
/// that axis; the last block may be smaller. An empty axis has one block of
/// length 0, so every array has at least one block. Uniform blocks are kept
/// as a block length, not a list: a grid of 10^12 blocks takes a few words,
/// and every accessor below is O(1) per axis on it ([`sizes`](Self::sizes)
/// excepted, which lists them).
///
/// Two chunkings with the same block lengths are equal, whether given as
/// sizes or as a block shape.
///
/// Along an axis selected on (the result of [`extract`](crate::ChunkedArray::extract),
/// [`nonzero`](crate::ChunkedArray::nonzero) ...) the number of blocks is
/// known but their lengths are not until computed: [`is_known`](Self::is_known)
/// is false there, and the axis length, block lengths and block starts read
/// as [`UNKNOWN`] (`?` in the `Debug` form). [`block_region`](Self::block_region)
/// alone is a placeholder there (block `i` as the empty range at `i`).
///
/// ```
/// use ndchunk::{ChunkSpec, Chunks};
/// let c = Chunks::from_sizes(vec![vec![600, 400], vec![1000]]);
/// assert_eq!(c.shape(), vec![1000, 1000]);
/// assert_eq!(c.grid(), vec![2, 1]);
/// assert_eq!(c.block_offset(&[1, 0]), vec![600, 0]);
/// assert_eq!(c.block_shape(&[1, 0]), vec![400, 1000]);
/// assert_eq!(c, ChunkSpec::from((600, 1000)).resolve(&[1000, 1000], 8)?);
///
/// let huge = ChunkSpec::from(1000).resolve(&[1 << 40, 1 << 20], 1)?;
/// assert_eq!(huge.num_blocks(), 1_099_511_628 * 1049);
/// assert_eq!(format!("{huge:?}"), "(1000x1099511627+776, 1000x1048+576)");
/// # Ok::<(), ndchunk::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Chunks {
    axes: Vec<AxisChunks>,
}

impl Chunks {
    /// Explicit block lengths for every axis (irregular chunking).
    ///
    /// Validated against the array's shape when an array is built with it.
    pub fn from_sizes(sizes: Vec<Vec<usize>>) -> Chunks {
        Chunks::from_axes(sizes.into_iter().map(AxisChunks::from_sizes).collect())
    }

    pub(crate) fn from_axes(axes: Vec<AxisChunks>) -> Chunks {
        Chunks { axes }
    }

    /// Let the array's shape and element size choose: blocks of at most
    /// [`AUTO_BLOCK_BYTES`] (16 MiB), as close to square as possible.
    pub fn auto() -> ChunkSpec {
        ChunkSpec::auto(AUTO_BLOCK_BYTES)
    }

    /// Like [`Chunks::auto`] with a chosen target block size in bytes.
    pub fn auto_bytes(bytes: usize) -> ChunkSpec {
        ChunkSpec::auto(bytes)
    }

    /// Every axis in one block, whatever the shape: dask's `chunks=-1`.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::<f64, _>::zeros((30, 40), Chunks::whole())?;
    /// assert_eq!(x.num_blocks(), 1);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn whole() -> ChunkSpec {
        ChunkSpec::whole()
    }

    /// The chunking of a single block covering `shape`.
    pub fn single(shape: &[usize]) -> Chunks {
        Chunks::from_axes(shape.iter().map(|&n| AxisChunks::whole(n)).collect())
    }

    /// These chunks checked as the chunks of an array of their own shape:
    /// positive lengths, sums that do not overflow, a shape of at most
    /// `isize::MAX` elements and bytes.
    pub(crate) fn checked(&self, itemsize: usize) -> Result<Chunks> {
        ChunkSpec::from(self).resolve(&self.shape(), itemsize)
    }

    /// Whether the block lengths along `axis` are known: false along the
    /// axis of a selection not yet resolved by
    /// [`compute_chunk_sizes`](crate::ChunkedArray::compute_chunk_sizes).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![[1, 0], [0, 3]], (1, 2))?;
    /// let found = x.argwhere();
    /// assert!(!found.chunks().is_known(0) && found.chunks().is_known(1));
    /// assert_eq!(found.shape(), &[ndchunk::chunks::UNKNOWN, 2]);
    /// assert_eq!(format!("{:?}", found.chunks()), "(?x2, 2)");
    /// let known = found.compute_chunk_sizes()?;
    /// assert_eq!(known.chunks().sizes(), &[vec![1, 1], vec![2]]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    ///
    /// # Panics
    /// When `axis` is not an axis of these chunks.
    pub fn is_known(&self, axis: usize) -> bool {
        self.axes[axis].is_known()
    }

    /// Whether the block lengths along every axis are known.
    pub fn all_known(&self) -> bool {
        self.axes.iter().all(AxisChunks::is_known)
    }

    /// Whether `shape` is the shape of block `index`, along the axes
    /// whose lengths are known (any length fits an unknown one).
    pub(crate) fn fits_block(&self, index: &[usize], shape: &[usize]) -> bool {
        let expected = self.ranges(index).map(|r| r.len());
        shape.len() == self.axes.len()
            && expected
                .zip(shape)
                .zip(&self.axes)
                .all(|((e, &s), axis)| !axis.is_known() || e == s)
    }

    /// These chunks with the lengths of every unknown axis read off
    /// `shapes`, the shapes of all blocks in C order (once computed): an
    /// error when blocks in one slab along such an axis disagree.
    pub(crate) fn with_lengths(&self, shapes: &[Vec<usize>]) -> Result<Chunks> {
        if shapes.len() != self.num_blocks() {
            return Err(crate::Error::internal("a block shape per block expected"));
        }
        let mut axes = self.axes.clone();
        for (a, axis) in axes.iter_mut().enumerate().filter(|(_, x)| !x.is_known()) {
            let mut lengths = vec![None; axis.num_blocks()];
            for (b, shape) in shapes.iter().enumerate() {
                let j = self.unravel(b)[a];
                let n = shape.get(a).copied();
                if *lengths[j].get_or_insert(n) != n {
                    return Err(crate::Error::internal(format!(
                        "blocks of slab {j} along axis {a} have different lengths"
                    )));
                }
            }
            let lengths = lengths.into_iter().map(|n| n.flatten().unwrap_or(0));
            *axis = AxisChunks::from_sizes(lengths.collect());
        }
        Ok(Chunks { axes })
    }

    /// Number of axes.
    pub fn ndim(&self) -> usize {
        self.axes.len()
    }

    pub(crate) fn axis(&self, a: usize) -> &AxisChunks {
        &self.axes[a]
    }

    /// These chunks with axis `a` chunked as `axis`.
    pub(crate) fn with_axis(&self, a: usize, axis: AxisChunks) -> Chunks {
        let mut axes = self.axes.clone();
        axes[a] = axis;
        Chunks { axes }
    }

    /// These chunks with a new axis, chunked as `axis`, at position `a`.
    pub(crate) fn insert_axis(&self, a: usize, axis: AxisChunks) -> Chunks {
        let mut axes = self.axes.clone();
        axes.insert(a, axis);
        Chunks { axes }
    }

    /// Block lengths along every axis, listed: one entry per block, so
    /// prefer the accessors below on a grid with many blocks.
    ///
    /// ```
    /// use ndchunk::ChunkSpec;
    /// let c = ChunkSpec::from((4, 5)).resolve(&[10, 5], 8)?;
    /// assert_eq!(c.sizes(), &[vec![4, 4, 2], vec![5]]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn sizes(&self) -> Vec<Vec<usize>> {
        self.axes.iter().map(AxisChunks::sizes).collect()
    }

    /// The array shape these chunks cover.
    pub fn shape(&self) -> Vec<usize> {
        self.axes.iter().map(AxisChunks::len).collect()
    }

    /// Length of axis `a`.
    ///
    /// ```
    /// use ndchunk::ChunkSpec;
    /// let c = ChunkSpec::from((4, 5)).resolve(&[10, 5], 8)?;
    /// assert_eq!((c.axis_len(0), c.num_blocks_on(0), c.block_len(0, 2), c.block_start(0, 2)), (10, 3, 2, 8));
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn axis_len(&self, a: usize) -> usize {
        self.axes[a].len()
    }

    /// Number of blocks along axis `a`.
    pub fn num_blocks_on(&self, a: usize) -> usize {
        self.axes[a].num_blocks()
    }

    /// Length of block `i` along axis `a` (see [`axis_len`](Self::axis_len)).
    ///
    /// # Panics
    /// When `i` is not a block of the axis.
    pub fn block_len(&self, a: usize, i: usize) -> usize {
        self.known_or_unknown(a, self.axes[a].range(i).len())
    }

    /// Where block `i` along axis `a` starts (see [`axis_len`](Self::axis_len)).
    ///
    /// # Panics
    /// When `i` is not a block of the axis.
    pub fn block_start(&self, a: usize, i: usize) -> usize {
        self.known_or_unknown(a, self.axes[a].range(i).start)
    }

    /// `n` along a known axis `a`, [`UNKNOWN`] along an unknown one.
    fn known_or_unknown(&self, a: usize, n: usize) -> usize {
        if self.axes[a].is_known() {
            n
        } else {
            UNKNOWN
        }
    }

    /// Number of blocks along every axis.
    pub fn grid(&self) -> Vec<usize> {
        self.axes.iter().map(AxisChunks::num_blocks).collect()
    }

    /// Total number of blocks. It fits for the chunks of any array (they
    /// have at most `isize::MAX` elements); for other chunks built from
    /// sizes, a count beyond `usize::MAX` saturates.
    pub fn num_blocks(&self) -> usize {
        self.axes
            .iter()
            .fold(1, |n, a| n.saturating_mul(a.num_blocks()))
    }

    /// Where block `index` starts, per axis.
    pub fn block_offset(&self, index: &[usize]) -> Vec<usize> {
        let starts = self.ranges(index).map(|r| r.start);
        starts
            .enumerate()
            .map(|(a, n)| self.known_or_unknown(a, n))
            .collect()
    }

    /// The shape of block `index`.
    pub fn block_shape(&self, index: &[usize]) -> Vec<usize> {
        let lengths = self.ranges(index).map(|r| r.len());
        lengths
            .enumerate()
            .map(|(a, n)| self.known_or_unknown(a, n))
            .collect()
    }

    /// The element region of block `index` (a placeholder along an axis
    /// whose lengths are unknown: see [`Chunks`]).
    pub fn block_region(&self, index: &[usize]) -> Region {
        // Sized up front: an unzip grows both vectors, and a graph asks
        // this for every block.
        let mut region = Region {
            offset: Vec::with_capacity(index.len()),
            shape: Vec::with_capacity(index.len()),
        };
        for range in self.ranges(index) {
            region.offset.push(range.start);
            region.shape.push(range.len());
        }
        region
    }

    fn ranges<'a>(&'a self, index: &'a [usize]) -> impl Iterator<Item = Range<usize>> + 'a {
        index.iter().zip(&self.axes).map(|(&i, a)| a.range(i))
    }

    /// The block index at position `linear` of the grid in C order.
    pub fn unravel(&self, mut linear: usize) -> Vec<usize> {
        let mut index = vec![0; self.axes.len()];
        for (slot, axis) in index.iter_mut().zip(&self.axes).rev() {
            let n = axis.num_blocks();
            *slot = linear % n;
            linear /= n;
        }
        index
    }

    /// Position of block `index` in the grid in C order.
    pub fn ravel(&self, index: &[usize]) -> usize {
        index
            .iter()
            .zip(&self.axes)
            .fold(0, |acc, (&i, a)| acc * a.num_blocks() + i)
    }

    /// The block holding element `i` along `axis` (inside the axis), and
    /// the elements that block covers. Empty blocks hold nothing, so they
    /// are never the answer.
    pub(crate) fn locate(&self, axis: usize, i: usize) -> (usize, Range<usize>) {
        self.axes[axis].locate(i)
    }

    /// The block containing the element region `region`, if one block does.
    pub fn block_containing(&self, region: &Region) -> Option<Vec<usize>> {
        region
            .offset
            .iter()
            .zip(&region.shape)
            .zip(&self.axes)
            .map(|((&start, &len), axis)| {
                // An empty region lies in the block where it starts (the
                // last one when it starts at the end).
                let at = start.min(axis.len().saturating_sub(1));
                let (i, block) = axis.locate(at);
                (start + len <= block.end).then_some(i)
            })
            .collect()
    }

    /// The common refinement of two chunkings of the same shape: every block
    /// boundary of either is a boundary of the result (dask's `unify_chunks`).
    /// Kept regular when one chunking refines the other along an axis;
    /// otherwise listed, which is an error ([`Error::TooLarge`](crate::Error::TooLarge))
    /// beyond 2^26 blocks on an axis.
    ///
    /// ```
    /// use ndchunk::Chunks;
    /// let a = Chunks::from_sizes(vec![vec![4, 6]]);
    /// let b = Chunks::from_sizes(vec![vec![5, 5]]);
    /// assert_eq!(a.refine(&b)?.sizes(), &[vec![4, 1, 5]]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn refine(&self, other: &Chunks) -> Result<Chunks> {
        let axes = self
            .axes
            .iter()
            .zip(&other.axes)
            .map(|(a, b)| a.refine(b))
            .collect::<Result<_>>()?;
        Ok(Chunks { axes })
    }

    /// These chunks with `axis` removed (the chunks of an axis reduction).
    pub fn remove_axis(&self, axis: usize) -> Chunks {
        let mut axes = self.axes.clone();
        axes.remove(axis);
        Chunks { axes }
    }

    /// The longest block length along every axis: the shape of the largest block.
    pub(crate) fn widest(&self) -> Vec<usize> {
        self.axes.iter().map(AxisChunks::widest).collect()
    }
}

impl fmt::Debug for Chunks {
    /// Compact: a run of equal lengths is shown once with a count, so a
    /// regular grid prints on one line whatever its number of blocks.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "(")?;
        for (a, axis) in self.axes.iter().enumerate() {
            if a > 0 {
                write!(f, ", ")?;
            }
            write!(f, "{axis:?}")?;
        }
        write!(f, ")")
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
    use crate::error::Error;

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
        let e = ChunkSpec::from([-1, -3]).resolve(&[4, 4], 8).unwrap_err();
        assert!(
            matches!(e, Error::InvalidChunks { axis: 1, .. }) && e.to_string().contains("-3"),
            "{e}"
        );
    }

    #[test]
    fn one_length_or_minus_one_applies_per_axis_as_in_dask() {
        let shape = [7, 5, 3];
        let every = ChunkSpec::from(2).resolve(&shape, 8).unwrap();
        assert_eq!(
            every,
            ChunkSpec::from((2, 2, 2)).resolve(&shape, 8).unwrap()
        );
        let whole = ChunkSpec::from(-1).resolve(&shape, 8).unwrap();
        assert_eq!(whole, Chunks::single(&shape));
        assert_eq!(Chunks::whole().resolve(&shape, 8).unwrap(), whole);
        let mixed = ChunkSpec::from(vec![-1_isize, 2, -1])
            .resolve(&shape, 8)
            .unwrap();
        assert_eq!(mixed.sizes(), &[vec![7], vec![2, 2, 1], vec![3]]);
        // A one-element block shape is a block shape, not one length for all.
        assert!(ChunkSpec::from((2,)).resolve(&shape, 8).is_err());
        assert!(ChunkSpec::from(-2).resolve(&shape, 8).is_err());
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
        let r = a.refine(&b).unwrap();
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

    #[test]
    fn resolving_checks_element_counts_and_bytes() {
        for (shape, itemsize) in [(vec![1 << 32, 1 << 32], 1), (vec![1 << 61], 8)] {
            let e = ChunkSpec::from(1000).resolve(&shape, itemsize).unwrap_err();
            assert!(
                matches!(
                    e,
                    Error::TooLarge {
                        argument: "shape",
                        ..
                    }
                ),
                "{e}"
            );
        }
        let wraps = Chunks::from_sizes(vec![vec![usize::MAX, 2]]);
        let e = ChunkSpec::from(wraps).resolve(&[1], 1).unwrap_err();
        assert!(matches!(e, Error::InvalidChunks { axis: 0, .. }), "{e}");
    }
}
