//! Evaluation of one block: fused elementwise trees that produce values in
//! cache-sized strips, and the folds that consume them.
//!
//! Everything here is single-threaded and knows nothing of the task graph: a
//! block task opens a [`Source`] for its region, then either stores the values
//! ([`ElemOps::materialize`](crate::plan::ElemOps::materialize)) or folds them
//! into reduction accumulators, one strip at a time, so that a chain like
//! `normal(..).mapv(f).sum()` never holds more than a few strips.

pub(crate) mod assemble;
pub(crate) mod blocks;
pub(crate) mod counts;
mod cursor;
pub(crate) mod elementwise;
pub(crate) mod linalg;
pub(crate) mod overlap;
pub(crate) mod pairwise;
pub(crate) mod random;
pub(crate) mod rechunk;
pub(crate) mod reduce;
pub(crate) mod reducers;
pub(crate) mod scan;
pub(crate) mod sources;
mod typed;
pub(crate) mod view_source;
pub(crate) mod ziggurat;

pub(crate) use typed::Typed;

use crate::element::Element;
use crate::error::{Error, Result};
use std::any::Any;

/// Most elements per strip: 2048 f64 are 16 KiB, so a source, a few
/// temporaries of an elementwise chain and the consumer all stay in L1/L2.
pub(crate) const STRIP: usize = 2048;

/// The strips a block of `shape` is evaluated in, as lengths. Long rows are
/// cut into strips that never cross a row, so stored rows are read in place;
/// short rows are grouped, so strips stay long. The cut depends only on the
/// block's shape: results never depend on what was stored or fused.
pub(crate) fn strips(shape: &[usize]) -> impl Iterator<Item = usize> {
    let len: usize = shape.iter().product();
    let row = shape.last().copied().unwrap_or(1).max(1);
    let (rows, piece) = if row >= STRIP / 4 {
        (len / row, row)
    } else {
        (1, len)
    };
    let step = if row >= STRIP / 4 {
        STRIP
    } else {
        (STRIP / row) * row
    };
    (0..rows).flat_map(move |_| (0..piece).step_by(step).map(move |at| step.min(piece - at)))
}

/// A producer of a region's elements in C order, a strip at a time.
pub(crate) trait StripSource<T>: Send {
    /// Append the next `n` elements to `out`.
    fn fill(&mut self, out: &mut Vec<T>, n: usize);

    /// Hand the next `n` elements to `f` as one slice. Sources holding
    /// their values (stored blocks, in-memory arrays) may pass them without
    /// copying; the others fill `buf` first.
    fn visit(&mut self, n: usize, buf: &mut Vec<T>, f: &mut dyn FnMut(&[T])) {
        buf.clear();
        self.fill(buf, n);
        f(buf);
    }
}

/// A typed source.
pub(crate) type Source<T> = Box<dyn StripSource<T>>;

/// A source with its element type erased (holds a [`Source<T>`]), as passed
/// between the type-erased plan and the typed kernels.
pub(crate) type AnySource = Box<dyn Any + Send>;

pub(crate) fn erase<T: Element>(source: Source<T>) -> AnySource {
    Box::new(source)
}

pub(crate) fn unerase<T: Element>(source: AnySource) -> Result<Source<T>> {
    source.downcast::<Source<T>>().map(|b| *b).map_err(|_| {
        Error::internal(format!(
            "source is not of element type {}",
            std::any::type_name::<T>()
        ))
    })
}
