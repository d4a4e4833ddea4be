//! Choosing items: numpy's `choice` and `permutation` on `Rng`.

use super::Rng;
use crate::array::ChunkedArray;
use crate::chunks::ChunkSpec;
use crate::delayed::{delayed, Delayed};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::kernel::choice::{race, InverseCdf};
use crate::kernel::random::{key_of, Sequence};
use ndarray::{Array, Dimension, IntoDimension, Ix1, Slice};
use rand::distr::Uniform;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

/// How far the probabilities of `choice` may sum from 1 (numpy's
/// tolerance, the square root of the machine epsilon).
const SUM_TOLERANCE: f64 = 1.5e-8;

/// `p` checked as probabilities of `n` items, `k` of them drawn.
fn check_probabilities(p: &[f64], n: usize, k: usize, replace: bool) -> Result<()> {
    if p.len() != n {
        return Err(Error::invalid(
            "p",
            format!("expected {n} probabilities, one per item, got {}", p.len()),
        ));
    }
    if let Some(q) = p.iter().find(|q| !(q.is_finite() && **q >= 0.0)) {
        return Err(Error::invalid(
            "p",
            format!("expected finite probabilities >= 0, got {q}"),
        ));
    }
    let sum: f64 = p.iter().sum();
    if (sum - 1.0).abs() > SUM_TOLERANCE {
        return Err(Error::invalid(
            "p",
            format!("expected probabilities summing to 1, got a sum of {sum}"),
        ));
    }
    let positive = p.iter().filter(|&&q| q > 0.0).count();
    if !replace && k > positive {
        return Err(Error::invalid(
            "p",
            format!("expected at least {k} items of probability > 0 to draw {k} without replacement, got {positive}"),
        ));
    }
    Ok(())
}

/// A hash of the bits of `p`, for the array's label: arrays of equal
/// labels are merged as one (common subexpressions), so arrays of other
/// probabilities must not share it (a chance of 2^-64 that two do).
fn fingerprint(p: &[f64]) -> u64 {
    let mut hasher = DefaultHasher::new();
    p.iter().for_each(|q| q.to_bits().hash(&mut hasher));
    hasher.finish()
}

impl Rng {
    /// Indices of `n` items drawn at random into an array of `shape`
    /// (numpy's `choice(n, shape, replace, p)`), as `i64`.
    ///
    /// With `replace`, every element draws its own index, uniform or with
    /// the probabilities `p` (one per item, summing to 1). Without, the
    /// elements in C order are the items in the order they were drawn,
    /// with no item twice: `shape` holds at most `n` elements (at most the
    /// number of items of probability > 0). The selection is made in one
    /// task, in time O(n), holding at most 16 bytes per item, far less when
    /// few are chosen (see the [module documentation](crate::random)), and
    /// a copy of `p`; the blocks share it.
    ///
    /// ```
    /// use ndchunk::random::Rng;
    /// let rng = Rng::seed(7);
    /// let dice = rng.choice(6, 60_000, 10_000, true, None)?;
    /// assert_eq!(dice.max().compute()?.into_scalar(), 5);
    /// let loaded = rng.choice(3, 1000, 500, true, Some(&[0.0, 0.5, 0.5]))?;
    /// assert_eq!(loaded.min().compute()?.into_scalar(), 1);
    /// let mut hand = rng.choice(52, 5, 5, false, None)?.compute()?.to_vec();
    /// hand.sort();
    /// hand.dedup();
    /// assert_eq!(hand.len(), 5);
    /// assert!(rng.choice(3, 4, 4, false, None).is_err()); // 4 of 3 items
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn choice<Sh: IntoDimension>(
        &self,
        n: usize,
        shape: Sh,
        chunks: impl Into<ChunkSpec>,
        replace: bool,
        p: Option<&[f64]>,
    ) -> Result<ChunkedArray<i64, Sh::Dim>>
    where
        Sh::Dim: 'static,
    {
        let dim = shape.into_dimension();
        let k = dim.size();
        if k > 0 && n == 0 {
            return Err(Error::invalid(
                "n",
                format!("expected items to draw {k} values from, got 0"),
            ));
        }
        if !replace && k > n {
            return Err(Error::invalid(
                "n",
                format!("expected at least {k} items to draw {k} without replacement, got {n}"),
            ));
        }
        if let Some(p) = p {
            check_probabilities(p, n, k, replace)?;
        }
        if i64::try_from(n).is_err() {
            return Err(Error::invalid(
                "n",
                format!("expected n <= 2^63 - 1, got {n}"),
            ));
        }
        let label = |how: &str| match p {
            Some(p) => format!("choice({n}, {how}, p#{:016x})", fingerprint(p)),
            None => format!("choice({n}, {how})"),
        };
        match (replace && n > 0, p) {
            (true, None) => {
                let dist = Uniform::new(0, n as i64)
                    .map_err(|e| Error::invalid("n", format!("expected n >= 1, got {n} ({e})")))?;
                self.draw(dim, chunks, Sequence(dist), label("replace"))
            }
            (true, Some(p)) => {
                let dist = InverseCdf::new(p);
                self.draw(dim, chunks, Sequence(dist), label("replace"))
            }
            (false, p) => {
                let weights = p.map(<[f64]>::to_vec);
                self.raced(n, dim, chunks, weights, label("no replace"))
            }
        }
    }

    /// Values of `items` drawn at random into an array of `shape`:
    /// `items[i]` for the indices `i` of [`choice`](Self::choice), with the
    /// same arguments and draw.
    ///
    /// ```
    /// use ndchunk::random::Rng;
    /// let x = Rng::seed(1).choice_from(&[0.5, 2.5, 7.0], (4, 4), (2, 2), true, None)?;
    /// assert!(x.compute()?.iter().all(|v| [0.5, 2.5, 7.0].contains(v)));
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn choice_from<T: Element, Sh: IntoDimension>(
        &self,
        items: &[T],
        shape: Sh,
        chunks: impl Into<ChunkSpec>,
        replace: bool,
        p: Option<&[f64]>,
    ) -> Result<ChunkedArray<T, Sh::Dim>>
    where
        Sh::Dim: 'static,
    {
        let indices = self.choice(items.len(), shape, chunks, replace, p)?;
        let items: Arc<[T]> = items.into();
        Ok(indices.mapv(move |i| items[i as usize]))
    }

    /// A random permutation of `0..n` (numpy's `permutation(n)`), as `i64`:
    /// the order of an exponential race, uniform over the `n!` orders. It is
    /// made in one task holding 16 bytes per item (see the [module
    /// documentation](crate::random)), then shared by the blocks.
    ///
    /// ```
    /// use ndchunk::random::Rng;
    /// let mut p = Rng::seed(3).permutation(1000, 300)?.compute()?.to_vec();
    /// p.sort();
    /// assert_eq!(p, (0..1000).collect::<Vec<i64>>());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn permutation(
        &self,
        n: usize,
        chunks: impl Into<ChunkSpec>,
    ) -> Result<ChunkedArray<i64, Ix1>> {
        if i64::try_from(n).is_err() {
            return Err(Error::invalid(
                "n",
                format!("expected n <= 2^63 - 1, got {n}"),
            ));
        }
        self.raced(n, Ix1(n), chunks, None, format!("permutation({n})"))
    }

    /// The first `dim.size()` winners of the exponential race of `n` items
    /// (with `weights`, or equal), in C order into an array of `dim`: one
    /// delayed selection, each block a piece of it.
    fn raced<D: Dimension + 'static>(
        &self,
        n: usize,
        dim: D,
        chunks: impl Into<ChunkSpec>,
        weights: Option<Vec<f64>>,
        what: String,
    ) -> Result<ChunkedArray<i64, D>> {
        let shape = dim.slice().to_vec();
        let chunks = chunks.into().resolve(&shape, std::mem::size_of::<i64>())?;
        let (key, draw) = (key_of(self.seed), self.next_draw()?);
        let label = format!("random.{what}(seed={}, draw={draw})", self.seed);
        let selection = delayed(move || {
            let winners = race(key, draw, n, weights.as_deref(), dim.size());
            Array::from_shape_vec(dim.clone(), winners).expect("the race gives k winners")
        })
        .named(label);
        let blocks: Vec<Delayed<Array<i64, D>>> = (0..chunks.num_blocks())
            .map(|b| {
                let region = chunks.block_region(&chunks.unravel(b));
                selection.map(move |whole| {
                    whole
                        .slice_each_axis(|axis| {
                            let a = axis.axis.index();
                            Slice::from(region.offset[a]..region.offset[a] + region.shape[a])
                        })
                        .to_owned()
                })
            })
            .collect();
        let mut grid_dim = D::zeros(shape.len());
        grid_dim.slice_mut().copy_from_slice(&chunks.grid());
        let grid = Array::from_shape_vec(grid_dim, blocks).expect("one delayed value per block");
        ChunkedArray::from_delayed(grid, chunks)
    }
}
