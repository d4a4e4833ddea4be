//! Order statistics: `percentile`, `quantile`, `median` and their
//! NaN-skipping variants, over the whole array and along an axis.
//!
//! Along an axis, the lanes are sorted in memory ([`map_lanes`]: the axis
//! is rechunked to one block). Over the whole array nothing is gathered:
//! each wanted order statistic is found by an exact radix selection on the
//! values' order keys ([`Ordered`]), one lazy counting pass over the array
//! per 11-bit digit of the key. A pass maps every value to its digit when
//! the value lies in the bucket narrowed to so far (a map reading the
//! previous pass's small result, broadcast) and counts the digits with
//! [`histogram`](ChunkedArray::histogram) (a reduction: it fuses with the
//! chain producing the values and keeps 2048 counts per block); a one-block
//! step then narrows the bucket to the digit holding the wanted rank.
//!
//! [`map_lanes`]: ChunkedArray::map_lanes

use super::ChunkedArray;
use crate::chunks::Chunks;
use crate::element::{is_nan, Accumulate, Element, Ordered};
use crate::error::{Error, Result};
use crate::kernel::blocks::BlockFn;
use crate::kernel::order::{digit, digits, lane_statistics, narrow, End, Statistic};
use crate::kernel::Block;
use crate::plan::Node;
use ndarray::{Array, Array1, Axis, Dimension, Ix0, Ix1, IxDyn, RemoveAxis};
use num_traits::Float;
use std::sync::Arc;

/// A one-block array of `shape` made by `f` from the one-block `u64`
/// arrays `inputs`: the small steps between the counting passes.
fn small<U: Element, E: Dimension>(
    label: &'static str,
    shape: Vec<usize>,
    inputs: Vec<Arc<Node>>,
    f: impl Fn(&[Vec<u64>]) -> Vec<U> + Send + Sync + 'static,
) -> ChunkedArray<U, E> {
    let ranks: Vec<usize> = inputs.iter().map(|node| node.shape.len()).collect();
    let reads = move |_: &[usize]| -> Vec<(usize, Vec<usize>)> {
        ranks
            .iter()
            .enumerate()
            .map(|(i, &r)| (i, vec![0; r]))
            .collect()
    };
    let out = shape.clone();
    let compute = move |_: &[usize], blocks: &[&Block<u64>]| -> Result<Block<U>> {
        let values: Vec<Vec<u64>> = blocks.iter().map(|b| b.iter().copied().collect()).collect();
        Array::from_shape_vec(IxDyn(&out), f(&values))
            .map(Array::into_shared)
            .map_err(|e| Error::internal(format!("{label} block: {e}")))
    };
    let kernel = BlockFn::new(label, Chunks::single(&shape), reads, compute);
    ChunkedArray::from_block_fn(shape, kernel, inputs)
}

/// The key of the value of rank `state[1]` (0-based, in numpy's sort order)
/// among all of `x`'s, `state` being `[0, rank]`: returns `[key, rank among
/// the values equal to it]` after one counting pass per digit of the key.
fn select<T: Ordered>(
    x: &ChunkedArray<T, IxDyn>,
    mut state: ChunkedArray<u64, Ix1>,
) -> Result<ChunkedArray<u64, Ix1>> {
    let bits = T::KEY_BITS;
    for d in digits(bits) {
        let prefix = state.index_axis(Axis(0), 0).into_dyn();
        let digits = x.zip_with(&prefix, move |v, p| digit(v.order_key(), p, d, bits));
        let bins = 1usize << d.1;
        let (counts, _) = digits.histogram(bins, (0.0, bins as f64))?;
        state = small("select", vec![2], vec![state.node, counts.node], move |b| {
            let (key, rank) = narrow((b[0][0], b[0][1]), &b[1], d.0);
            vec![key, rank]
        });
    }
    Ok(state)
}

/// `q` (in `[0, scale]`) as quantile statistics, or the error naming `q`.
fn quantiles(op: &str, q: &[f64], scale: f64) -> Result<Vec<Statistic>> {
    q.iter()
        .map(|&v| {
            if (0.0..=scale).contains(&v) {
                Ok(Statistic::Quantile(v / scale))
            } else {
                Err(Error::invalid(
                    "q",
                    format!("{op} needs every q in [0, {scale}], got {v}"),
                ))
            }
        })
        .collect()
}

impl<T: Ordered + Accumulate, D: Dimension> ChunkedArray<T, D> {
    /// `stats` of all elements, one element each, lazily and exactly.
    fn order_statistics(
        &self,
        stats: Vec<Statistic>,
        skip_nan: bool,
    ) -> Result<ChunkedArray<T::Mean, Ix1>> {
        let x = self.clone().into_dyn();
        let len = self.len() as u64;
        let nans = x.map(is_nan).count_nonzero().cast::<u64>();
        // Values ranked: NaN sorts last, so skipping it only shortens the data.
        let valid = move |nans: u64| if skip_nan { len - nans } else { len } as usize;
        // Input 0 is the NaN count, then one selection per distinct rank:
        // with NaN kept the ranks are known now, so equal ones (the two
        // ends of a quantile at a whole index, of an odd median) share
        // their passes, which start without waiting for the NaN count.
        let mut inputs = vec![nans.node.clone()];
        let mut known: Vec<(u64, usize)> = Vec::new();
        let mut ends = Vec::with_capacity(2 * stats.len());
        for &stat in &stats {
            for end in [End::Low, End::High] {
                if skip_nan {
                    let start = small("rank", vec![2], vec![nans.node.clone()], move |b| {
                        let n = valid(b[0][0]);
                        vec![0, if n == 0 { 0 } else { stat.rank(n, end) as u64 }]
                    });
                    inputs.push(select(&x, start)?.node);
                    ends.push(inputs.len() - 1);
                    continue;
                }
                let rank = if len == 0 {
                    0
                } else {
                    stat.rank(len as usize, end) as u64
                };
                match known.iter().find(|&&(r, _)| r == rank) {
                    Some(&(_, input)) => ends.push(input),
                    None => {
                        let start = ChunkedArray::from_array(Array1::from(vec![0, rank]), 2)?;
                        inputs.push(select(&x, start)?.node);
                        known.push((rank, inputs.len() - 1));
                        ends.push(inputs.len() - 1);
                    }
                }
            }
        }
        let shape = vec![stats.len()];
        Ok(small("order statistics", shape, inputs, move |b| {
            let nans = b[0][0];
            let n = valid(nans);
            let value = |input: usize| T::from_order_key(b[input][0]).to_mean();
            stats
                .iter()
                .zip(ends.chunks(2))
                .map(|(stat, ends)| {
                    if n == 0 || (nans > 0 && !skip_nan) {
                        return T::Mean::nan();
                    }
                    stat.combine(value(ends[0]), value(ends[1]), n)
                })
                .collect()
        }))
    }

    /// `q` in `[0, scale]` of all elements, or the error naming `q`; an
    /// empty array is an error unless NaN is skipped (numpy raises).
    fn whole_quantiles(
        &self,
        op: &'static str,
        q: &[f64],
        scale: f64,
        skip_nan: bool,
    ) -> Result<ChunkedArray<T::Mean, Ix1>> {
        let stats = quantiles(op, q, scale)?;
        if self.is_empty() && !skip_nan {
            return Err(Error::EmptyReduction { op });
        }
        self.order_statistics(stats, skip_nan)
    }

    /// The median of all elements, as a 0-d array.
    fn whole_median(&self, skip_nan: bool) -> ChunkedArray<T::Mean, Ix0> {
        match self.order_statistics(vec![Statistic::Median], skip_nan) {
            Ok(stats) => stats.index_axis(Axis(0), 0),
            Err(error) => ChunkedArray::invalid(vec![], error, vec![self.node.clone()]),
        }
    }

    /// `stats` of every lane along `axis`, on a new first axis.
    fn lane_statistics(
        &self,
        op: &'static str,
        axis: Axis,
        stats: Vec<Statistic>,
        skip_nan: bool,
    ) -> ChunkedArray<T::Mean, D> {
        let m = stats.len();
        let lanes = self.map_lanes(axis, m, op, move |lane, out| {
            let start = out.len();
            out.resize(start + m, T::Mean::nan());
            lane_statistics(lane, &stats, skip_nan, T::to_mean, &mut out[start..]);
        });
        lanes.moveaxis(axis.index(), 0)
    }

    /// `q` in `[0, scale]` along `axis`, or the error naming `q` or the
    /// axis; an empty axis is an error unless NaN is skipped or there are no
    /// lanes (numpy raises).
    fn axis_quantiles(
        &self,
        op: &'static str,
        axis: Axis,
        q: &[f64],
        scale: f64,
        skip_nan: bool,
    ) -> Result<ChunkedArray<T::Mean, D>> {
        let k = self.axis_index(op, axis.index())?;
        let stats = quantiles(op, q, scale)?;
        let mut others = self.shape().to_vec();
        let along = others.remove(k);
        if along == 0 && others.iter().product::<usize>() > 0 && !skip_nan {
            return Err(Error::EmptyReduction { op });
        }
        Ok(self.lane_statistics(op, axis, stats, skip_nan))
    }
}

/// # Order statistics: percentile, quantile, median
///
/// Exact, equal to numpy's default (`method="linear"`), in the element's
/// mean type (`f64` for integers, as [`mean`](Self::mean)). A NaN makes the
/// result NaN; the `nan*` variants skip NaN (and give NaN when nothing is
/// left).
///
/// Over the whole array the data is never gathered: each order statistic
/// needed (the values at the two ranks around numpy's virtual index; one
/// rank when the index is whole and NaN is kept, and equal ranks are
/// shared) is selected exactly by counting passes over the array, one per
/// 11 bits of the element: 6 passes for 64-bit elements, 3 for 32-bit
/// ones, 2 for 16-bit ones, 1 for bytes, besides one pass counting NaN.
/// Every pass is a lazy reduction that holds, besides the block being
/// read, 2048 counts (16 KiB) per block partial: the memory is that of a
/// `sum` whatever the array's size, and the time about that of `1 + 6 r`
/// sums of a 64-bit array for `r` ranks (the median of an even count has
/// 2, of an odd one 1). Computed together with an operation that consumes
/// whole blocks of the same array (`topk`, `map_blocks`, ...), the array's
/// blocks are kept for the later passes: compute such results separately.
///
/// Along an axis, the axis is rechunked to one block (the other axes keep
/// their chunks) and every lane is sorted in its task.
impl<T: Ordered + Accumulate, D: Dimension> ChunkedArray<T, D> {
    /// The `q`-th percentiles (`0 <= q <= 100`) of all elements (numpy's
    /// `percentile(x, q)`), one element per `q`, computed without gathering
    /// the array (see above). A `q` outside `[0, 100]` or NaN, or an empty
    /// array, is an error at once.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![[7.0, 1.0, 4.0], [2.0, 9.0, 3.0]], (1, 2))?;
    /// let p = x.percentile(&[0.0, 25.0, 50.0, 100.0])?.compute()?;
    /// assert_eq!(p, array![1.0, 2.25, 3.5, 9.0]);
    /// assert!(x.percentile(&[101.0]).is_err());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn percentile(&self, q: &[f64]) -> Result<ChunkedArray<T::Mean, Ix1>> {
        self.whole_quantiles("percentile", q, 100.0, false)
    }

    /// The `q`-th quantiles (`0 <= q <= 1`) of all elements (numpy's
    /// `quantile`): [`percentile`](Self::percentile) of `100 q`.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::arange(0_i32, 11, 1, 4)?;
    /// assert_eq!(x.quantile(&[0.5, 0.95])?.compute()?, array![5.0, 9.5]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn quantile(&self, q: &[f64]) -> Result<ChunkedArray<T::Mean, Ix1>> {
        self.whole_quantiles("quantile", q, 1.0, false)
    }

    /// [`percentile`](Self::percentile) of the elements that are not NaN
    /// (numpy's `nanpercentile`); NaN when every element is NaN or there is
    /// none.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![4.0, f64::NAN, 1.0, 2.0], 3)?;
    /// assert_eq!(x.nanpercentile(&[50.0])?.compute()?, array![2.0]);
    /// assert!(x.percentile(&[50.0])?.compute()?[0].is_nan());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn nanpercentile(&self, q: &[f64]) -> Result<ChunkedArray<T::Mean, Ix1>> {
        self.whole_quantiles("nanpercentile", q, 100.0, true)
    }

    /// [`quantile`](Self::quantile) of the elements that are not NaN
    /// (numpy's `nanquantile`).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![f64::NAN, 3.0, 1.0], 2)?;
    /// assert_eq!(x.nanquantile(&[0.25])?.compute()?, array![1.5]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn nanquantile(&self, q: &[f64]) -> Result<ChunkedArray<T::Mean, Ix1>> {
        self.whole_quantiles("nanquantile", q, 1.0, true)
    }

    /// The median of all elements (numpy's `median`: the mean of the two
    /// middle values for an even count), computed without gathering the
    /// array; NaN if any element is NaN or there is none.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![5_u8, 1, 4, 2], 3)?;
    /// assert_eq!(x.median().compute()?.into_scalar(), 3.0);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn median(&self) -> ChunkedArray<T::Mean, Ix0> {
        self.whole_median(false)
    }

    /// The median of the elements that are not NaN (numpy's `nanmedian`).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![f64::NAN, 5.0, 1.0], 2)?;
    /// assert_eq!(x.nanmedian().compute()?.into_scalar(), 3.0);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn nanmedian(&self) -> ChunkedArray<T::Mean, Ix0> {
        self.whole_median(true)
    }

    /// The `q`-th percentiles along `axis` (numpy's `percentile(x, q,
    /// axis)`): the result's first axis has one element per `q` and the
    /// other axes are this array's without `axis`. A `q` outside `[0, 100]`,
    /// an axis out of range, or an empty axis with lanes is an error at once.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![[7.0, 1.0, 4.0], [2.0, 9.0, 3.0]], (1, 2))?;
    /// let p = x.percentile_axis(Axis(1), &[50.0, 100.0])?.compute()?;
    /// assert_eq!(p, array![[4.0, 3.0], [7.0, 9.0]]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn percentile_axis(&self, axis: Axis, q: &[f64]) -> Result<ChunkedArray<T::Mean, D>> {
        self.axis_quantiles("percentile_axis", axis, q, 100.0, false)
    }

    /// The `q`-th quantiles along `axis`; see [`percentile_axis`](Self::percentile_axis).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![[1, 2], [3, 5]], 1)?;
    /// assert_eq!(x.quantile_axis(Axis(0), &[0.5])?.compute()?, array![[2.0, 3.5]]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn quantile_axis(&self, axis: Axis, q: &[f64]) -> Result<ChunkedArray<T::Mean, D>> {
        self.axis_quantiles("quantile_axis", axis, q, 1.0, false)
    }

    /// [`percentile_axis`](Self::percentile_axis) skipping NaN; an empty
    /// axis gives NaN.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![[1.0, f64::NAN], [3.0, 4.0]], 1)?;
    /// let p = x.nanpercentile_axis(Axis(1), &[50.0])?.compute()?;
    /// assert_eq!(p, array![[1.0, 3.5]]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn nanpercentile_axis(&self, axis: Axis, q: &[f64]) -> Result<ChunkedArray<T::Mean, D>> {
        self.axis_quantiles("nanpercentile_axis", axis, q, 100.0, true)
    }

    /// [`quantile_axis`](Self::quantile_axis) skipping NaN.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![f64::NAN, 2.0, 6.0], 2)?;
    /// assert_eq!(x.nanquantile_axis(Axis(0), &[0.5])?.compute()?, array![4.0]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn nanquantile_axis(&self, axis: Axis, q: &[f64]) -> Result<ChunkedArray<T::Mean, D>> {
        self.axis_quantiles("nanquantile_axis", axis, q, 1.0, true)
    }
}

impl<T: Ordered + Accumulate, D: RemoveAxis> ChunkedArray<T, D> {
    /// The median along `axis` (numpy's `median(x, axis)`): the axis is
    /// removed; an empty axis gives NaN, an axis out of range is an error
    /// from `compute`.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![[7.0, 1.0, 4.0], [2.0, 9.0, 3.0]], (1, 2))?;
    /// assert_eq!(x.median_axis(Axis(0)).compute()?, array![4.5, 5.0, 3.5]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn median_axis(&self, axis: Axis) -> ChunkedArray<T::Mean, D::Smaller> {
        self.lane_statistics("median_axis", axis, vec![Statistic::Median], false)
            .index_axis(Axis(0), 0)
    }

    /// The median along `axis` of the elements that are not NaN (numpy's
    /// `nanmedian(x, axis)`).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![[f64::NAN, 1.0], [3.0, f64::NAN]], 1)?;
    /// assert_eq!(x.nanmedian_axis(Axis(1)).compute()?, array![1.0, 3.0]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn nanmedian_axis(&self, axis: Axis) -> ChunkedArray<T::Mean, D::Smaller> {
        self.lane_statistics("nanmedian_axis", axis, vec![Statistic::Median], true)
            .index_axis(Axis(0), 0)
    }
}
