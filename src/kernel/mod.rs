//! Evaluation of one block: fused elementwise trees that produce values in
//! cache-sized strips, and the folds that consume them.
//!
//! Everything here is single-threaded and knows nothing of the task graph: a
//! block task opens a [`Source`] for its region, then either stores the values
//! ([`ElemOps::materialize`]) or folds them
//! into reduction accumulators, one strip at a time, so that a chain like
//! `normal(..).mapv(f).sum()` never holds more than a few strips.

pub(crate) mod assemble;
pub(crate) mod blocks;
pub(crate) mod choice;
pub(crate) mod contract;
pub(crate) mod counts;
mod cursor;
pub(crate) mod elementwise;
pub(crate) mod factor;
pub(crate) mod fft;
pub(crate) mod fused;
pub(crate) mod linalg;
pub(crate) mod moments;
pub(crate) mod npy;
pub(crate) mod order;
pub(crate) mod overlap;
pub(crate) mod pairwise;
pub(crate) mod philox;
pub(crate) mod random;
pub(crate) mod rechunk;
pub(crate) mod reduce;
pub(crate) mod reducers;
pub(crate) mod scan;
pub(crate) mod search;
pub(crate) mod selection;
pub(crate) mod sink;
pub(crate) mod sources;
mod typed;
pub(crate) mod unique;
pub(crate) mod user_reducer;
pub(crate) mod view_source;
pub(crate) mod whole_map;
mod wide;
pub(crate) mod wire;
pub(crate) mod written;
pub(crate) mod zarr;
pub(crate) mod ziggurat;

pub(crate) use contract::{
    erase, unerase, AnyFolder, AnySource, Block, BlockKernel, CallKernel, ElemOps, FoldBlock,
    FoldSources, MapKernel, ReduceKernel, SinkKernel, Source, SourceKernel, StripSource, Value,
};
pub(crate) use typed::Typed;

/// Most elements per strip: 2048 f64 are 16 KiB, so a source, a few
/// temporaries of an elementwise chain and the consumer all stay in L1/L2.
pub(crate) const STRIP: usize = 2048;

/// The strips a block of `shape` is evaluated in, as lengths. Long rows are
/// cut into strips that never cross a row, so stored rows are read in place;
/// short rows are grouped, so strips stay long. The cut depends only on the
/// block's shape: results never depend on what was stored or fused.
pub(crate) fn strips(shape: &[usize]) -> Strips {
    let len: usize = shape.iter().product();
    let row = shape.last().copied().unwrap_or(1).max(1);
    let (rows, piece, step) = if strips_keep_rows(row) {
        (len / row, row, STRIP)
    } else {
        (1, len, (STRIP / row) * row)
    };
    Strips {
        rows,
        piece,
        step,
        at: 0,
    }
}

/// Whether the strips of a block with rows of `width` elements are its
/// rows or parts of them (rather than groups of short rows).
pub(crate) fn strips_keep_rows(width: usize) -> bool {
    width >= STRIP / 4
}

/// The strip lengths of a block: [`strips`].
pub(crate) struct Strips {
    /// Rows (or groups of short rows) left, each cut in `step`s of `piece`.
    rows: usize,
    piece: usize,
    step: usize,
    /// Where the next strip starts in the current row.
    at: usize,
}

impl Iterator for Strips {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        if self.at >= self.piece {
            if self.rows <= 1 {
                self.rows = 0;
                return None;
            }
            self.rows -= 1;
            self.at = 0;
        }
        if self.rows == 0 {
            return None;
        }
        let n = self.step.min(self.piece - self.at);
        self.at += n;
        Some(n)
    }
}

#[cfg(test)]
mod tests {
    use super::strips;

    #[test]
    fn strips_are_rows_or_pieces_of_rows_or_groups_of_short_rows() {
        let cut = |shape: &[usize]| strips(shape).collect::<Vec<_>>();
        assert_eq!(cut(&[]), vec![1]);
        assert_eq!(cut(&[0]), Vec::<usize>::new());
        assert_eq!(cut(&[4, 0]), Vec::<usize>::new());
        assert_eq!(cut(&[0, 600]), Vec::<usize>::new());
        assert_eq!(cut(&[3, 1000]), vec![1000; 3]);
        assert_eq!(cut(&[2, 5000]), vec![2048, 2048, 904, 2048, 2048, 904]);
        assert_eq!(cut(&[2, 512]), vec![512, 512]);
        assert_eq!(cut(&[10, 10]), vec![100]);
        assert_eq!(cut(&[300, 10]), vec![2040, 960]);
        assert_eq!(cut(&[2, 3, 511]), vec![2044, 1022]);
        assert_eq!(cut(&[5000]), vec![2048, 2048, 904]);
    }
}
