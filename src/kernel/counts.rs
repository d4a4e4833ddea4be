//! Counting reductions (`histogram`, `bincount`): every block folds its
//! values into a vector of counts, the vectors are added in the reduction's
//! fixed tree and the result is one 1-D block. Being a reduction, a count
//! fuses with the elementwise chain feeding it and shares its pass with the
//! other reductions of the same array.

use super::reduce::{partial_of, Folder};
use super::{AnyFolder, Block, ReduceKernel, Value};
use crate::chunks::{Chunks, Region};
use crate::element::Element;
use crate::error::{Error, Result};
use ndarray::{Array, IxDyn};
use num_traits::{AsPrimitive, PrimInt};
use std::fmt::Display;
use std::marker::PhantomData;
use std::sync::Arc;

/// Which bin each value falls in.
pub(crate) trait Binning<T>: Send + Sync + 'static {
    /// Name with parameters (also the key sharing equal counts).
    fn label(&self) -> String;
    /// Number of bins.
    fn bins(&self) -> usize;
    /// Add `values` to `counts`; on a value that cannot be counted, stop and
    /// return its position in `values`.
    fn count(&self, counts: &mut [u64], values: &[T]) -> std::result::Result<(), usize>;
    /// The error for `value`, found at array index `at` in block `block`.
    fn error(&self, value: T, at: &[usize], block: &[usize]) -> Error;
}

/// numpy's `histogram` with `bins` equal bins over `[lo, hi]`.
pub(crate) struct Histogram {
    lo: f64,
    hi: f64,
    /// numpy's `linspace(lo, hi, bins + 1)`.
    edges: Vec<f64>,
}

impl Histogram {
    /// For valid arguments: `bins > 0`, finite `lo < hi` with a finite width.
    pub fn new(bins: usize, lo: f64, hi: f64) -> Histogram {
        Histogram {
            lo,
            hi,
            edges: linspace(lo, hi, bins + 1),
        }
    }

    pub fn edges(&self) -> &[f64] {
        &self.edges
    }

    /// The bin of `v`, as numpy computes it: from the scaled position, then
    /// corrected by one against the edges (the scaling may round across an
    /// edge), the last bin closed on the right; `None` outside `[lo, hi]` and
    /// for NaN.
    #[inline]
    fn bin(&self, v: f64) -> Option<usize> {
        if !(v >= self.lo && v <= self.hi) {
            return None;
        }
        let bins = self.edges.len() - 1;
        let scaled = (v - self.lo) / (self.hi - self.lo) * bins as f64;
        // `as` saturates; the position is >= 0 here.
        let mut i = (scaled as usize).min(bins - 1);
        if v < self.edges[i] {
            i -= 1; // edges[0] == lo <= v, so i > 0
        } else if i + 1 < bins && v >= self.edges[i + 1] {
            i += 1;
        }
        Some(i)
    }
}

/// numpy's `linspace(lo, hi, n)` for `n >= 2`: `lo + i * step`, the last
/// value exactly `hi`.
fn linspace(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    let div = (n - 1) as f64;
    let delta = hi - lo;
    let step = delta / div;
    let mut values: Vec<f64> = (0..n)
        .map(|i| {
            if step == 0.0 {
                // numpy's branch for a step that underflows.
                i as f64 / div * delta + lo
            } else {
                i as f64 * step + lo
            }
        })
        .collect();
    values[n - 1] = hi;
    values
}

impl<T: Element + AsPrimitive<f64>> Binning<T> for Histogram {
    fn label(&self) -> String {
        format!(
            "histogram(bins={}, range=({:?}, {:?}))",
            self.edges.len() - 1,
            self.lo,
            self.hi
        )
    }
    fn bins(&self) -> usize {
        self.edges.len() - 1
    }
    fn count(&self, counts: &mut [u64], values: &[T]) -> std::result::Result<(), usize> {
        for &v in values {
            if let Some(i) = self.bin(v.as_()) {
                counts[i] += 1;
            }
        }
        Ok(())
    }
    fn error(&self, _value: T, at: &[usize], _block: &[usize]) -> Error {
        Error::internal(format!("histogram refused the value at {at:?}"))
    }
}

/// numpy's `bincount` with a fixed number of bins: the count of each value
/// `0..length`.
pub(crate) struct Bincount {
    pub length: usize,
}

impl<T: Element + PrimInt + Display> Binning<T> for Bincount {
    fn label(&self) -> String {
        format!("bincount(length={})", self.length)
    }
    fn bins(&self) -> usize {
        self.length
    }
    fn count(&self, counts: &mut [u64], values: &[T]) -> std::result::Result<(), usize> {
        for (at, &v) in values.iter().enumerate() {
            match v.to_usize() {
                Some(i) if i < counts.len() => counts[i] += 1,
                _ => return Err(at),
            }
        }
        Ok(())
    }
    fn error(&self, value: T, at: &[usize], block: &[usize]) -> Error {
        let length = self.length;
        if value < T::zero() {
            Error::invalid(
                "self",
                format!(
                    "bincount(length={length}) met the negative value {value} at index {at:?} \
                     (block {block:?}); values must lie in 0..{length}"
                ),
            )
        } else {
            Error::invalid(
                "length",
                format!(
                    "bincount(length={length}) met the value {value} at index {at:?} \
                     (block {block:?}); values must lie in 0..{length}, so length must be \
                     at least {value} + 1"
                ),
            )
        }
    }
}

/// A [`Binning`] as a plan [`ReduceKernel`] over the whole array.
pub(crate) struct Counts<T, B> {
    binning: Arc<B>,
    /// The input's chunks, to name the block of a value that cannot be counted.
    chunks: Chunks,
    _elem: PhantomData<fn(T)>,
}

impl<T: Element, B: Binning<T>> Counts<T, B> {
    pub fn new(binning: B, chunks: Chunks) -> Self {
        Counts {
            binning: Arc::new(binning),
            chunks,
            _elem: PhantomData,
        }
    }
}

/// One block's counts, or the first value that could not be counted.
struct Partial(Result<Vec<u64>>);

struct CountFolder<T, B> {
    binning: Arc<B>,
    counts: Result<Vec<u64>>,
    region: Region,
    block: Vec<usize>,
    _elem: PhantomData<fn(T)>,
}

impl<T: Element, B: Binning<T>> Folder<T> for CountFolder<T, B> {
    fn fold(&mut self, strip: &[T], start: usize) -> Result<()> {
        // A value that cannot be counted is kept in the partial rather than
        // returned, so that the first in block order is the one reported.
        let Ok(counts) = &mut self.counts else {
            return Ok(());
        };
        if let Err(k) = self.binning.count(counts, strip) {
            // The array index of the value from its block-local flat index.
            let mut local = start + k;
            let mut at = self.region.offset.clone();
            for (a, &n) in at.iter_mut().zip(&self.region.shape).rev() {
                *a += local % n;
                local /= n;
            }
            self.counts = Err(self.binning.error(strip[k], &at, &self.block));
        }
        Ok(())
    }
    fn into_partial(self: Box<Self>) -> Value {
        Arc::new(Partial(self.counts))
    }
}

fn partial(value: &Value) -> Result<&Partial> {
    partial_of(value, "count")
}

impl<T: Element, B: Binning<T>> ReduceKernel for Counts<T, B> {
    fn label(&self) -> String {
        self.binning.label()
    }

    fn folder(&self, region: &Region, _shape: &[usize], _axis: Option<usize>) -> AnyFolder {
        let folder: Box<dyn Folder<T>> = Box::new(CountFolder {
            binning: self.binning.clone(),
            counts: Ok(vec![0; self.binning.bins()]),
            region: region.clone(),
            block: self.chunks.block_containing(region).unwrap_or_default(),
            _elem: PhantomData,
        });
        Box::new(folder)
    }

    /// Add the counts; the first error in block order wins, so the error
    /// reported does not depend on scheduling.
    fn combine(&self, parts: Vec<Value>) -> Result<Value> {
        let mut total = vec![0u64; self.binning.bins()];
        for part in &parts {
            let counts = partial(part)?.0.as_ref().map_err(Clone::clone);
            let counts = match counts {
                Ok(counts) => counts,
                Err(e) => return Ok(Arc::new(Partial(Err(e)))),
            };
            for (t, c) in total.iter_mut().zip(counts) {
                *t += c;
            }
        }
        Ok(Arc::new(Partial(Ok(total))))
    }

    fn finish(&self, part: Value, shape: &[usize]) -> Result<Value> {
        let counts = partial(&part)?.0.clone()?;
        let block: Block<u64> = Array::from_shape_vec(IxDyn(shape), counts)
            .map_err(|e| Error::internal(format!("finished counts block: {e}")))?
            .into_shared();
        Ok(Arc::new(block))
    }
}
