//! The blocks along one axis: regular (computed arithmetically, in O(1)
//! memory however many blocks there are) or explicit (listed lengths with
//! their prefix offsets).

use super::UNKNOWN;
use crate::error::{Error, Result};
use crate::size;
use std::fmt;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};

/// The block lengths along one axis, in a canonical form: two axes with the
/// same block lengths are equal (and hash alike) whatever they were built
/// from, so derived equality is equality of the lengths.
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct AxisChunks(Repr);

#[derive(Clone, PartialEq, Eq, Hash)]
enum Repr {
    /// Blocks cut at `first + k * chunk`: a first block of `first`, blocks
    /// of `chunk`, then what is left (at most `chunk`). `first` is shorter
    /// than `chunk` after a slice that starts inside a block. Canonical
    /// (see [`AxisChunks::regular`]); an empty axis is one block of 0, all
    /// three fields 0.
    Regular {
        first: usize,
        chunk: usize,
        len: usize,
    },
    /// Any other lengths, including invalid ones (zeros, a wrong sum) until
    /// they are resolved against a shape. `offsets[i]` is where block `i`
    /// starts, with one more entry for the end; the sums saturate (the
    /// validation reports an overflow).
    Explicit {
        sizes: Vec<usize>,
        offsets: Vec<usize>,
    },
    /// `blocks` blocks whose lengths are known only once computed (the
    /// result of a selection, dask's `nan` chunks). `origin` names the
    /// selection: two such axes are equal only when their lengths come from
    /// the same one, so `y + &y` lines up and two different selections with
    /// as many blocks do not. Block `i` reads as the empty range at `i`, a
    /// placeholder that keeps the block geometry consistent for the plan.
    Unknown { blocks: usize, origin: u64 },
}

impl AxisChunks {
    /// Blocks of `chunk`, the last one shorter, along an axis of `len`
    /// (`chunk >= 1` unless the axis is empty; a larger `chunk` is one block).
    pub fn uniform(len: usize, chunk: usize) -> Self {
        Self::regular(chunk, chunk, len)
    }

    /// One block covering an axis of `len`.
    pub fn whole(len: usize) -> Self {
        Self::regular(len, len, len)
    }

    /// Blocks cut at `first + k * chunk` along an axis of `len`, for
    /// `1 <= first <= chunk` (any values for an empty axis). Canonical: one
    /// block has `first = chunk = len`, two blocks `[a, b]` have
    /// `chunk = max(a, b)`, from three on `chunk` is the middle length.
    pub fn regular(first: usize, chunk: usize, len: usize) -> Self {
        if len == 0 {
            return AxisChunks(Repr::Regular {
                first: 0,
                chunk: 0,
                len: 0,
            });
        }
        let first = first.min(len);
        let rest = len - first;
        let chunk = if rest <= chunk {
            first.max(rest)
        } else {
            chunk
        };
        AxisChunks(Repr::Regular { first, chunk, len })
    }

    /// `blocks` blocks of lengths unknown until computed, from a new
    /// selection (equal to no other such axis but its own clones).
    pub fn unknown(blocks: usize) -> Self {
        static NEXT_ORIGIN: AtomicU64 = AtomicU64::new(0);
        let origin = NEXT_ORIGIN.fetch_add(1, Ordering::Relaxed);
        AxisChunks(Repr::Unknown {
            blocks: blocks.max(1),
            origin,
        })
    }

    /// Whether the block lengths are known (not those of a selection not
    /// yet computed).
    pub fn is_known(&self) -> bool {
        !matches!(self.0, Repr::Unknown { .. })
    }

    /// Explicit lengths, kept regular when they are.
    pub fn from_sizes(sizes: Vec<usize>) -> Self {
        if let Some(regular) = Self::regular_from(&sizes) {
            return regular;
        }
        let mut offsets = Vec::with_capacity(sizes.len() + 1);
        let mut at = 0usize;
        offsets.push(at);
        for &s in &sizes {
            at = at.saturating_add(s);
            offsets.push(at);
        }
        AxisChunks(Repr::Explicit { sizes, offsets })
    }

    /// The regular form of `sizes`, when they have one.
    fn regular_from(sizes: &[usize]) -> Option<Self> {
        if sizes == [0] {
            return Some(Self::whole(0));
        }
        let (&first, rest) = sizes.split_first()?;
        if sizes.contains(&0) {
            return None;
        }
        let len = sizes.iter().try_fold(0usize, |a, &s| a.checked_add(s))?;
        let chunk = match rest {
            [] => first,
            [last] => first.max(*last),
            [middle @ .., last] => {
                let c = middle[0];
                let regular = first <= c && *last <= c && middle.iter().all(|&s| s == c);
                regular.then_some(c)?
            }
        };
        Some(Self::regular(first, chunk, len))
    }

    /// `(first, chunk, len)` of a regular axis.
    pub fn as_regular(&self) -> Option<(usize, usize, usize)> {
        match self.0 {
            Repr::Regular { first, chunk, len } => Some((first, chunk, len)),
            Repr::Explicit { .. } | Repr::Unknown { .. } => None,
        }
    }

    /// The axis length.
    pub fn len(&self) -> usize {
        match &self.0 {
            Repr::Regular { len, .. } => *len,
            Repr::Explicit { offsets, .. } => offsets[offsets.len() - 1],
            Repr::Unknown { .. } => UNKNOWN,
        }
    }

    /// Number of blocks.
    pub fn num_blocks(&self) -> usize {
        match &self.0 {
            Repr::Regular { first, chunk, len } if len > first => {
                1 + (len - first).div_ceil(*chunk)
            }
            Repr::Regular { .. } => 1,
            Repr::Explicit { sizes, .. } => sizes.len(),
            Repr::Unknown { blocks, .. } => *blocks,
        }
    }

    /// The elements of block `i`.
    ///
    /// # Panics
    /// When `i` is not a block, as indexing a slice does.
    pub fn range(&self, i: usize) -> Range<usize> {
        match &self.0 {
            Repr::Regular { first, chunk, len } => {
                let n = self.num_blocks();
                assert!(i < n, "block {i} of an axis of {n} blocks");
                if i == 0 {
                    return 0..*first;
                }
                let start = first + (i - 1) * chunk;
                start..start + (*chunk).min(len - start)
            }
            Repr::Explicit { offsets, .. } => offsets[i]..offsets[i + 1],
            Repr::Unknown { blocks, .. } => {
                assert!(i < *blocks, "block {i} of an axis of {blocks} blocks");
                i..i
            }
        }
    }

    /// The block holding element `x` (`x < len`), and its elements. Empty
    /// blocks hold nothing, so they are never the answer; an empty axis
    /// answers its one block.
    pub fn locate(&self, x: usize) -> (usize, Range<usize>) {
        let b = match &self.0 {
            Repr::Regular { first, chunk, .. } if x >= *first && *chunk > 0 => {
                1 + (x - first) / chunk
            }
            Repr::Regular { .. } => 0,
            // The last block starting at or before `x` (an empty axis: its block).
            Repr::Explicit { sizes, offsets } => offsets
                .partition_point(|&o| o <= x)
                .saturating_sub(1)
                .min(sizes.len().saturating_sub(1)),
            Repr::Unknown { blocks, .. } => x.min(blocks - 1),
        };
        (b, self.range(b))
    }

    /// The longest block's length.
    pub fn widest(&self) -> usize {
        match &self.0 {
            Repr::Regular { chunk, .. } => *chunk,
            Repr::Explicit { sizes, .. } => sizes.iter().copied().max().unwrap_or(0),
            Repr::Unknown { .. } => 0,
        }
    }

    /// Every block's length, listed (one entry per block).
    pub fn sizes(&self) -> Vec<usize> {
        match &self.0 {
            Repr::Regular { .. } => (0..self.num_blocks())
                .map(|i| self.range(i).len())
                .collect(),
            Repr::Explicit { sizes, .. } => sizes.clone(),
            Repr::Unknown { blocks, .. } => vec![UNKNOWN; *blocks],
        }
    }

    /// These lengths checked against an axis of `len` (`axis` for the
    /// message): positive lengths summing to `len`; an empty axis may list
    /// no block or blocks of 0, and becomes one block of 0.
    pub fn validate(&self, axis: usize, len: usize) -> Result<AxisChunks> {
        let invalid = |reason: String| Error::InvalidChunks { axis, reason };
        if !self.is_known() {
            return Err(invalid("the block lengths are unknown".into()));
        }
        let Repr::Explicit { sizes, .. } = &self.0 else {
            return match self.len() {
                n if n == len => Ok(self.clone()),
                n => Err(invalid(format!(
                    "block lengths {} sum to {n}, but the axis has length {len}",
                    self.listing()
                ))),
            };
        };
        if len == 0 && sizes.iter().all(|&s| s == 0) {
            return Ok(Self::whole(0));
        }
        if let Some(i) = sizes.iter().position(|&s| s == 0) {
            return Err(invalid(format!(
                "block {i} has length 0 on an axis of length {len}"
            )));
        }
        match sizes.iter().try_fold(0usize, |a, &s| a.checked_add(s)) {
            Some(total) if total == len => Ok(self.clone()),
            Some(total) => Err(invalid(format!(
                "block lengths {} sum to {total}, but the axis has length {len}",
                self.listing()
            ))),
            None => Err(invalid(format!(
                "block lengths {} sum to more than usize::MAX, but the axis has length {len}",
                self.listing()
            ))),
        }
    }

    /// The lengths for an error message: listed when there are few,
    /// compact otherwise.
    fn listing(&self) -> String {
        match self.num_blocks() {
            n if n <= 64 => format!("{:?}", self.sizes()),
            _ => format!("{self:?}"),
        }
    }

    /// True when every boundary between blocks of `other` is one of these
    /// (computed arithmetically for regular axes, which may hold many
    /// blocks).
    fn refines(&self, other: &AxisChunks) -> bool {
        if self == other {
            return true;
        }
        if !self.is_known() || !other.is_known() {
            return false;
        }
        if other.num_blocks() == 1 {
            return true;
        }
        match (self.as_regular(), other.as_regular()) {
            (Some((f1, c1, _)), Some((f2, c2, _))) => {
                let first_is_a_cut = c1 > 0 && f2 >= f1 && (f2 - f1) % c1 == 0;
                // Two blocks have one boundary: their chunk is no step.
                first_is_a_cut && (other.num_blocks() == 2 || c2 % c1 == 0)
            }
            _ => false,
        }
    }

    /// The common refinement of two chunkings of one axis: every block
    /// boundary of either is a boundary of the result. When neither
    /// refines the other, the result is listed, at most
    /// [`size::MAX_LISTED`] blocks.
    pub fn refine(&self, other: &AxisChunks) -> Result<AxisChunks> {
        if self.refines(other) {
            return Ok(self.clone());
        }
        if other.refines(self) {
            return Ok(other.clone());
        }
        if !self.is_known() || !other.is_known() {
            return Err(Error::UnknownChunkSizes { op: "refine" });
        }
        let blocks = self.num_blocks().saturating_add(other.num_blocks());
        size::listed("chunks", "blocks", blocks)?;
        Ok(AxisChunks::from_sizes(self.merged(other).collect()))
    }

    /// Number of blocks of the common refinement with `other`: the pairs
    /// of overlapping blocks, one of each. Counted without listing them,
    /// in time proportional to the blocks when neither refines the other.
    pub fn refined_blocks(&self, other: &AxisChunks) -> usize {
        if self.refines(other) {
            self.num_blocks()
        } else if other.refines(self) {
            other.num_blocks()
        } else {
            self.merged(other).count()
        }
    }

    /// The block lengths of the common refinement with `other`, walking
    /// both axes' boundaries in step.
    fn merged<'a>(&'a self, other: &'a AxisChunks) -> impl Iterator<Item = usize> + 'a {
        let (n, m, len) = (self.num_blocks(), other.num_blocks(), self.len());
        let cut = move |axis: &AxisChunks, i: usize, n: usize| {
            if i < n {
                axis.range(i).start
            } else {
                len
            }
        };
        let (mut i, mut j, mut at) = (1, 1, 0);
        std::iter::from_fn(move || {
            if at >= len {
                return None;
            }
            let next = cut(self, i, n).min(cut(other, j, m));
            i += usize::from(cut(self, i, n) == next);
            j += usize::from(cut(other, j, m) == next);
            Some(next - std::mem::replace(&mut at, next))
        })
    }

    /// The blocks overlapping `elements` (a block of another chunking of
    /// this axis); an empty range names the block where it starts.
    pub fn blocks_in(&self, elements: Range<usize>) -> Range<usize> {
        let first = self
            .locate(elements.start.min(self.len().saturating_sub(1)))
            .0;
        let last = match elements.end.checked_sub(1) {
            Some(end) if !elements.is_empty() => self.locate(end).0,
            _ => first,
        };
        first..last + 1
    }

    /// Axes laid end to end (the joined axis of a concatenation): uniform
    /// when they share one block length and all but the last end on a
    /// whole block, listed (at most [`size::MAX_LISTED`] blocks) otherwise.
    pub fn concat(parts: &[&AxisChunks]) -> Result<AxisChunks> {
        let len = parts
            .iter()
            .try_fold(0usize, |n, p| n.checked_add(p.len()))
            .ok_or_else(|| Error::TooLarge {
                argument: "arrays",
                reason: format!(
                    "the lengths {:?} joined are more than usize::MAX",
                    parts.iter().map(|p| p.len()).collect::<Vec<_>>()
                ),
            })?;
        let uniform = |p: &AxisChunks| match p.as_regular() {
            Some((first, chunk, _)) if first == chunk => Some(chunk),
            _ => None,
        };
        if let (Some(c), Some((last, init))) =
            (parts.first().and_then(|p| uniform(p)), parts.split_last())
        {
            let whole =
                |p: &&AxisChunks| uniform(p) == Some(c) && p.len().checked_rem(c) == Some(0);
            let last_fits = uniform(last) == Some(c) || (last.num_blocks() == 1 && last.len() <= c);
            if init.iter().all(whole) && last_fits {
                return Ok(AxisChunks::uniform(len, c));
            }
        }
        let blocks = parts
            .iter()
            .fold(0usize, |n, p| n.saturating_add(p.num_blocks()));
        size::listed("arrays", "blocks", blocks)?;
        Ok(AxisChunks::from_sizes(
            parts.iter().flat_map(|p| p.sizes()).collect(),
        ))
    }
}

impl fmt::Debug for AxisChunks {
    /// Compact: a run of equal lengths is shown once with a count
    /// (`250x4`, `250x3+100`, `50+250x3` after a slice), so a regular axis
    /// prints in a few characters whatever its number of blocks.
    /// Unknown lengths print as `?` (`?x3`: three blocks of unknown lengths).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Repr::Regular { first, chunk, len } = self.0 else {
            return match self.0 {
                Repr::Unknown { blocks: 1, .. } => write!(f, "?"),
                Repr::Unknown { blocks, .. } => write!(f, "?x{blocks}"),
                _ => write!(f, "{}", Short(&self.sizes())),
            };
        };
        let blocks = self.num_blocks();
        let tail = |f: &mut fmt::Formatter<'_>, rest: usize| {
            write!(f, "{chunk}x{}", rest / chunk)?;
            match rest % chunk {
                0 => Ok(()),
                r => write!(f, "+{r}"),
            }
        };
        match blocks {
            1 => write!(f, "{len}"),
            _ if first == chunk => tail(f, len),
            2 => write!(f, "{first}x1+{}", len - first),
            _ => {
                write!(f, "{first}+")?;
                tail(f, len - first)
            }
        }
    }
}

/// Listed lengths, compact when all but the last are equal (`5x3+9`).
struct Short<'a>(&'a [usize]);

impl fmt::Display for Short<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sizes = self.0;
        match sizes {
            [one] => write!(f, "{one}"),
            [first, .., last] if sizes[..sizes.len() - 1].iter().all(|s| s == first) => {
                if last == first {
                    write!(f, "{first}x{}", sizes.len())
                } else {
                    write!(f, "{first}x{}+{last}", sizes.len() - 1)
                }
            }
            _ => write!(f, "{sizes:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The same lengths in the listed representation, which `from_sizes`
    /// would turn regular: the model the regular arithmetic is checked on.
    fn listed_twin(axis: &AxisChunks) -> AxisChunks {
        let sizes = axis.sizes();
        let offsets = std::iter::once(0)
            .chain(sizes.iter().scan(0, |at, &s| {
                *at += s;
                Some(*at)
            }))
            .collect();
        AxisChunks(Repr::Explicit { sizes, offsets })
    }

    /// A regular axis: any first block, chunk and length (empty included).
    fn regular_axis() -> impl Strategy<Value = AxisChunks> {
        (1usize..=9, 1usize..=9, 0usize..=60)
            .prop_map(|(first, chunk, len)| AxisChunks::regular(first.min(chunk), chunk, len))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn regular_and_listed_axes_agree_on_every_accessor(
            axis in regular_axis(),
            other in (1usize..=9, 1usize..=9),
            ranges in proptest::collection::vec((0usize..=60, 0usize..=60), 4),
        ) {
            let twin = listed_twin(&axis);
            prop_assert!(axis.as_regular().is_some() && twin.as_regular().is_none());
            // Canonical: listing the lengths again gives the regular form.
            prop_assert_eq!(&AxisChunks::from_sizes(axis.sizes()), &axis);
            prop_assert_eq!(axis.len(), twin.len());
            prop_assert_eq!(axis.num_blocks(), twin.num_blocks());
            prop_assert_eq!(axis.widest(), twin.widest());
            prop_assert_eq!(axis.sizes().iter().sum::<usize>(), axis.len());
            for i in 0..axis.num_blocks() {
                prop_assert_eq!(axis.range(i), twin.range(i));
            }
            for x in 0..axis.len() {
                prop_assert_eq!(axis.locate(x), twin.locate(x));
            }
            let len = axis.len();
            for (a, b) in ranges {
                let (a, b) = (a.min(len), b.min(len));
                let r = a.min(b)..a.max(b);
                if r.start < len || len == 0 {
                    prop_assert_eq!(axis.blocks_in(r.clone()), twin.blocks_in(r));
                }
            }
            let (first, chunk) = other;
            let other = AxisChunks::regular(first.min(chunk), chunk, len);
            let refined = axis.refine(&other).unwrap();
            let listed = twin.refine(&listed_twin(&other)).unwrap();
            prop_assert_eq!(refined.sizes(), listed.sizes());
            prop_assert_eq!(refined.num_blocks(), axis.refined_blocks(&other));
            prop_assert_eq!(refined.num_blocks(), twin.refined_blocks(&listed_twin(&other)));
            prop_assert!(axis.validate(0, len).is_ok() && twin.validate(0, len).is_ok());
        }
    }

    #[test]
    fn regular_lengths_are_recognized_in_any_form() {
        for sizes in [
            vec![4, 4, 2],
            vec![4, 4, 4],
            vec![1, 4, 4, 2],
            vec![3, 5],
            vec![5, 3],
            vec![7],
            vec![0],
        ] {
            let axis = AxisChunks::from_sizes(sizes.clone());
            assert!(axis.as_regular().is_some(), "{sizes:?}");
            assert_eq!(axis.sizes(), sizes);
        }
        for sizes in [vec![4, 2, 4], vec![2, 4, 4, 5], vec![3, 0, 4], vec![]] {
            assert!(AxisChunks::from_sizes(sizes.clone()).as_regular().is_none());
        }
        assert_eq!(
            AxisChunks::uniform(10, 4),
            AxisChunks::from_sizes(vec![4, 4, 2])
        );
        assert_eq!(AxisChunks::uniform(10, 40), AxisChunks::whole(10));
        assert_eq!(
            AxisChunks::regular(2, 9, 7),
            AxisChunks::from_sizes(vec![2, 5])
        );
    }

    #[test]
    fn a_huge_regular_axis_is_arithmetic() {
        let axis = AxisChunks::regular(3, 1000, usize::MAX);
        let n = axis.num_blocks();
        assert_eq!(n, 1 + (usize::MAX - 3).div_ceil(1000));
        assert_eq!(axis.range(n - 1).end, usize::MAX);
        assert_eq!(axis.locate(1002), (1, 3..1003));
        assert_eq!(axis.locate(2), (0, 0..3));
        assert_eq!(
            format!("{axis:?}"),
            format!(
                "3+1000x{}+{}",
                (usize::MAX - 3) / 1000,
                (usize::MAX - 3) % 1000
            )
        );
    }

    #[test]
    fn debug_is_compact_and_tells_lengths_apart() {
        let shown = |sizes: Vec<usize>| format!("{:?}", AxisChunks::from_sizes(sizes));
        assert_eq!(shown(vec![4, 4, 2]), "4x2+2");
        assert_eq!(shown(vec![4, 4]), "4x2");
        assert_eq!(shown(vec![2, 5]), "2x1+5");
        assert_eq!(shown(vec![1, 4, 4, 2]), "1+4x2+2");
        assert_eq!(shown(vec![1, 4, 4]), "1+4x2");
        assert_eq!(shown(vec![2, 2, 5]), "2x2+5");
        assert_eq!(shown(vec![3, 1, 6]), "[3, 1, 6]");
        assert_eq!(shown(vec![0]), "0");
    }

    #[test]
    fn unknown_axes_are_equal_only_to_their_own_selection() {
        let a = AxisChunks::unknown(3);
        let b = AxisChunks::unknown(3);
        assert!(!a.is_known() && a.num_blocks() == 3 && a.len() == UNKNOWN);
        assert_eq!(a, a.clone());
        assert_ne!(a, b);
        assert_eq!(format!("{a:?}"), "?x3");
        assert_eq!(a.sizes(), vec![UNKNOWN; 3]);
        assert_eq!(a.refine(&a.clone()).unwrap(), a);
        assert!(matches!(a.refine(&b), Err(Error::UnknownChunkSizes { .. })));
        let known = AxisChunks::whole(5);
        assert!(a.refine(&known).is_err() && known.refine(&a).is_err());
        assert!(a.validate(0, 3).is_err());
        // Placeholder geometry: block i is the empty range at i.
        assert_eq!((a.range(2), a.locate(7)), (2..2, (2, 2..2)));
    }

    #[test]
    fn validation_checks_the_sum_without_overflow() {
        let wraps = AxisChunks::from_sizes(vec![usize::MAX, 2]);
        let e = wraps.validate(0, 1).unwrap_err();
        assert!(e.to_string().contains("more than usize::MAX"), "{e}");
        assert!(AxisChunks::from_sizes(vec![]).validate(0, 0).is_ok());
        assert!(AxisChunks::uniform(10, 3).validate(0, 11).is_err());
    }

    #[test]
    fn refinement_stays_regular_when_one_side_refines_the_other() {
        let coarse = AxisChunks::uniform(1 << 50, 4);
        let fine = AxisChunks::uniform(1 << 50, 2);
        assert_eq!(coarse.refine(&fine).unwrap(), fine);
        assert_eq!(fine.refine(&coarse).unwrap(), fine);
        let shifted = AxisChunks::regular(1, 2, 1 << 50);
        assert!(coarse.refine(&shifted).is_err()); // would list 2^49 blocks
        let a = AxisChunks::uniform(10, 4);
        let b = AxisChunks::uniform(10, 5);
        assert_eq!(a.refine(&b).unwrap().sizes(), vec![4, 1, 3, 2]);
    }

    #[test]
    fn blocks_in_names_every_block_a_range_touches() {
        let axis = AxisChunks::from_sizes(vec![3, 1, 6]);
        let got: Vec<_> = [0..2, 2..5, 5..10]
            .into_iter()
            .map(|r| axis.blocks_in(r))
            .collect();
        assert_eq!(got, vec![0..1, 0..3, 2..3]);
        assert_eq!(AxisChunks::uniform(4, 1).blocks_in(0..4), 0..4);
        assert_eq!(AxisChunks::whole(0).blocks_in(0..0), 0..1);
        assert_eq!(AxisChunks::uniform(1 << 60, 3).blocks_in(10..20), 3..7);
        assert_eq!(
            axis.refined_blocks(&AxisChunks::from_sizes(vec![2, 3, 5])),
            5
        );
        let huge = AxisChunks::uniform(1 << 60, 3);
        assert_eq!(
            huge.refined_blocks(&AxisChunks::whole(1 << 60)),
            huge.num_blocks()
        );
    }

    #[test]
    fn concatenation_stays_uniform_when_the_joins_fall_on_block_boundaries() {
        let huge = AxisChunks::uniform(1 << 50, 4);
        let joined = AxisChunks::concat(&[&huge, &huge, &AxisChunks::whole(3)]).unwrap();
        assert_eq!(joined, AxisChunks::uniform((1 << 51) + 3, 4));
        let ragged = AxisChunks::uniform((1 << 50) + 1, 4);
        assert!(AxisChunks::concat(&[&ragged, &huge]).is_err()); // 2^49 listed blocks
        let (a, b) = (AxisChunks::uniform(10, 4), AxisChunks::uniform(8, 4));
        assert_eq!(
            AxisChunks::concat(&[&a, &b]).unwrap().sizes(),
            vec![4, 4, 2, 4, 4]
        );
        let (three, ones) = (AxisChunks::whole(3), AxisChunks::uniform(2, 1));
        assert_eq!(
            AxisChunks::concat(&[&three, &ones]).unwrap().sizes(),
            vec![3, 1, 1]
        );
        let e = AxisChunks::concat(&[&AxisChunks::whole(usize::MAX), &a]).unwrap_err();
        assert!(
            matches!(
                e,
                Error::TooLarge {
                    argument: "arrays",
                    ..
                }
            ),
            "{e}"
        );
    }
}
