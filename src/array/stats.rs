//! Summary statistics built on the reductions: `ptp`, `moment`, `skew`,
//! `kurtosis`, `average` with weights, `cov` and `corrcoef`.

use super::ChunkedArray;
use crate::element::{Accumulate, Element};
use crate::error::{Error, Result};
use crate::kernel::blocks::BlockFn;
use crate::kernel::moments::{MomentStat, Moments};
use crate::kernel::Block;
use ndarray::{Axis, Dimension, Ix0, Ix1, Ix2, LinalgScalar, RemoveAxis, ScalarOperand};
use num_traits::{Float, NumCast, One};
use std::fmt::Debug;
use std::marker::PhantomData;
use std::ops::Sub;

/// `sums` divided by the (0-d) sum of the weights; a zero sum of weights is
/// an error naming `weights` from `compute` (numpy's ZeroDivisionError).
fn normalized<M: Element + Float, E: Dimension>(
    sums: ChunkedArray<M, E>,
    total: &ChunkedArray<M, Ix0>,
) -> ChunkedArray<M, E> {
    let reads = |index: &[usize]| vec![(0, index.to_vec()), (1, vec![])];
    let compute = |_: &[usize], blocks: &[&Block<M>]| -> Result<Block<M>> {
        let total = blocks[1].iter().copied().next().unwrap_or_else(M::zero);
        if total == M::zero() {
            return Err(Error::invalid(
                "weights",
                "the weights sum to zero: the average cannot be normalized",
            ));
        }
        Ok(blocks[0].mapv(|s| s / total).into_shared())
    };
    let kernel = BlockFn::new("average", sums.chunks().clone(), reads, compute);
    let shape = sums.shape().to_vec();
    ChunkedArray::from_block_fn(shape, kernel, vec![sums.node, total.node.clone()])
}

/// # Summary statistics: ptp, moments, weighted average
impl<T: Element + PartialOrd + Sub<Output = T>, D: Dimension> ChunkedArray<T, D> {
    /// Range of the values, `max - min` (numpy's `ptp`), in the element
    /// type; NaN if any element is NaN. Both extremes come from one pass
    /// over the data. An empty array is an error from `compute`.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![[4, 9, 2], [3, 8, 5]], (1, 2))?;
    /// assert_eq!(x.ptp().compute()?.into_scalar(), 7);
    /// assert_eq!(x.ptp_axis(Axis(0)).compute()?, array![1, 1, 3]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn ptp(&self) -> ChunkedArray<T, Ix0> {
        &self.max() - &self.min()
    }
}

impl<T: Element + PartialOrd + Sub<Output = T>, D: RemoveAxis> ChunkedArray<T, D> {
    /// [`ptp`](Self::ptp) along `axis`: the axis is removed.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![[1.0, 7.0], [4.0, -2.0]], 1)?;
    /// assert_eq!(x.ptp_axis(Axis(1)).compute()?, array![6.0, 6.0]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn ptp_axis(&self, axis: Axis) -> ChunkedArray<T, D::Smaller> {
        &self.max_axis(axis) - &self.min_axis(axis)
    }
}

impl<T: Accumulate, D: Dimension> ChunkedArray<T, D> {
    fn moments(&self, stat: MomentStat) -> ChunkedArray<T::Mean, Ix0> {
        self.reduce(
            Moments {
                stat,
                _elem: PhantomData,
            },
            None,
        )
    }

    /// The `order`-th central moment, `mean((x - mean(x))^order)`
    /// (scipy's `stats.moment(x, order, axis=None)`): 1 for order 0, 0 for
    /// order 1; NaN for no elements. One pass: each strip's moments are
    /// merged with Pébay's formula, in the element's mean type.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![1.0_f64, 2.0, 3.0, 4.0, 10.0], 2)?;
    /// assert!((x.moment(2).compute()?.into_scalar() - 10.0).abs() < 1e-12);
    /// assert!((x.moment(3).compute()?.into_scalar() - 36.0).abs() < 1e-12);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn moment(&self, order: u32) -> ChunkedArray<T::Mean, Ix0> {
        self.moments(MomentStat::Central(order))
    }

    /// Skewness `m3 / m2^1.5` of the central moments (scipy's
    /// `stats.skew(x, axis=None)`, biased); NaN when the values have no
    /// spread (`m2 <= (eps * mean)^2`, as scipy) or there are none.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![1.0_f64, 2.0, 3.0, 4.0, 10.0], 2)?;
    /// assert!((x.skew().compute()?.into_scalar() - 1.1384199576606167).abs() < 1e-12);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn skew(&self) -> ChunkedArray<T::Mean, Ix0> {
        self.skew_with(true)
    }

    /// [`skew`](Self::skew) with scipy's `bias` argument: `false` applies
    /// the sample-size correction `sqrt(n (n - 1)) / (n - 2)` (for `n > 2`;
    /// fewer values keep the biased value).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![1.0_f64, 2.0, 3.0, 4.0, 10.0], 2)?;
    /// let unbiased = x.skew_with(false).compute()?.into_scalar();
    /// assert!((unbiased - 1.6970562748477143).abs() < 1e-12);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn skew_with(&self, bias: bool) -> ChunkedArray<T::Mean, Ix0> {
        self.moments(MomentStat::Skew { bias })
    }

    /// Excess kurtosis `m4 / m2^2 - 3` (scipy's `stats.kurtosis(x,
    /// axis=None)`: Fisher's, biased); NaN as for [`skew`](Self::skew).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![1.0_f64, 2.0, 3.0, 4.0, 10.0], 2)?;
    /// assert!((x.kurtosis().compute()?.into_scalar() + 0.212).abs() < 1e-12);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn kurtosis(&self) -> ChunkedArray<T::Mean, Ix0> {
        self.kurtosis_with(true, true)
    }

    /// [`kurtosis`](Self::kurtosis) with scipy's arguments: `fisher`
    /// subtracts 3 (else Pearson's `m4 / m2^2`), `bias == false` applies
    /// the sample-size correction (for `n > 3`; fewer values keep the
    /// biased value).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![1.0_f64, 2.0, 3.0, 4.0, 10.0], 2)?;
    /// let pearson = x.kurtosis_with(false, true).compute()?.into_scalar();
    /// assert!((pearson - 2.788).abs() < 1e-12);
    /// let unbiased = x.kurtosis_with(false, false).compute()?.into_scalar();
    /// assert!((unbiased - 6.152).abs() < 1e-12);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn kurtosis_with(&self, fisher: bool, bias: bool) -> ChunkedArray<T::Mean, Ix0> {
        self.moments(MomentStat::Kurtosis { fisher, bias })
    }

    /// The weighted mean `sum(x * w) / sum(w)` (numpy's `average(x,
    /// weights=w)`), weights of this array's shape in the mean type. Weights
    /// of another shape are an error at once; weights summing to zero an
    /// error from `compute`, both naming `weights`.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![1, 2, 3, 4], 3)?;
    /// let w = ChunkedArray::from_array(array![4.0, 3.0, 2.0, 1.0], 2)?;
    /// assert_eq!(x.average(&w)?.compute()?.into_scalar(), 2.0);
    /// assert!(x.average(&ChunkedArray::from_array(array![1.0], 1)?).is_err());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn average(
        &self,
        weights: &ChunkedArray<T::Mean, D>,
    ) -> Result<ChunkedArray<T::Mean, Ix0>> {
        if weights.shape() != self.shape() {
            return Err(Error::invalid(
                "weights",
                format!(
                    "average needs weights of the array's shape {:?}, got {:?}",
                    self.shape(),
                    weights.shape()
                ),
            ));
        }
        let weighted = self.zip_with(weights, |v, w| v.to_mean() * w);
        Ok(normalized(weighted.sum(), &weights.sum()))
    }
}

impl<T: Accumulate, D: RemoveAxis> ChunkedArray<T, D> {
    fn moments_axis(
        &self,
        axis: Axis,
        stat: MomentStat,
        name: &'static str,
    ) -> ChunkedArray<T::Mean, D::Smaller> {
        let reducer = Moments {
            stat,
            _elem: PhantomData,
        };
        self.reduce_axis(axis, reducer, None, name)
    }

    /// [`moment`](Self::moment) along `axis`: the axis is removed.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![[1.0, 3.0], [2.0, 2.0]], 1)?;
    /// assert_eq!(x.moment_axis(Axis(1), 2).compute()?, array![1.0, 0.0]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn moment_axis(&self, axis: Axis, order: u32) -> ChunkedArray<T::Mean, D::Smaller> {
        self.moments_axis(axis, MomentStat::Central(order), "moment_axis")
    }

    /// [`skew`](Self::skew) along `axis`.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![[1.0_f64, 2.0, 6.0], [5.0, 5.0, 5.0]], (1, 2))?;
    /// let s = x.skew_axis(Axis(1)).compute()?;
    /// assert!(s[0] > 0.0 && s[1].is_nan()); // no spread: NaN
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn skew_axis(&self, axis: Axis) -> ChunkedArray<T::Mean, D::Smaller> {
        self.skew_axis_with(axis, true)
    }

    /// [`skew_with`](Self::skew_with) along `axis`.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![[1.0_f64, 2.0, 6.0, 0.0, 3.0]], (1, 2))?;
    /// let s = x.skew_axis_with(Axis(1), false).compute()?;
    /// assert!((s[0] - 1.03265854).abs() < 1e-8);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn skew_axis_with(&self, axis: Axis, bias: bool) -> ChunkedArray<T::Mean, D::Smaller> {
        self.moments_axis(axis, MomentStat::Skew { bias }, "skew_axis")
    }

    /// [`kurtosis`](Self::kurtosis) along `axis`.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![[1.0_f64, -1.0], [1.0, -1.0]], 1)?;
    /// assert!(x.kurtosis_axis(Axis(0)).compute()?[0].is_nan());
    /// assert_eq!(x.kurtosis_axis(Axis(1)).compute()?, array![-2.0, -2.0]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn kurtosis_axis(&self, axis: Axis) -> ChunkedArray<T::Mean, D::Smaller> {
        self.kurtosis_axis_with(axis, true, true)
    }

    /// [`kurtosis_with`](Self::kurtosis_with) along `axis`.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![[1.0_f64, 2.0, 6.0, 0.0, 3.0]], (1, 2))?;
    /// let k = x.kurtosis_axis_with(Axis(1), true, false).compute()?;
    /// assert!((k[0] - 1.12851549).abs() < 1e-8);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn kurtosis_axis_with(
        &self,
        axis: Axis,
        fisher: bool,
        bias: bool,
    ) -> ChunkedArray<T::Mean, D::Smaller> {
        self.moments_axis(axis, MomentStat::Kurtosis { fisher, bias }, "kurtosis_axis")
    }

    /// The weighted mean along `axis` (numpy's `average(x, axis,
    /// weights=w)` with 1-D weights): `weights` has one element per index
    /// along the axis. Weights of another length or an axis out of range
    /// are an error at once, weights summing to zero an error from `compute`.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![[1.0, 2.0], [3.0, 6.0]], 1)?;
    /// let w = ChunkedArray::from_array(array![1.0, 3.0], 1)?;
    /// assert_eq!(x.average_axis(Axis(1), &w)?.compute()?, array![1.75, 5.25]);
    /// assert_eq!(x.average_axis(Axis(0), &w)?.compute()?, array![2.5, 5.0]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn average_axis(
        &self,
        axis: Axis,
        weights: &ChunkedArray<T::Mean, Ix1>,
    ) -> Result<ChunkedArray<T::Mean, D::Smaller>> {
        let k = self.axis_index("average_axis", axis.index())?;
        if weights.len() != self.shape()[k] {
            return Err(Error::invalid(
                "weights",
                format!(
                    "average_axis needs one weight per index along axis {k} ({}), got {}",
                    self.shape()[k],
                    weights.len()
                ),
            ));
        }
        // The weights as a column along `axis`, broadcast over the other axes.
        let mut column = weights.clone().into_dyn();
        for _ in k + 1..self.ndim() {
            column = column.insert_axis(Axis(column.ndim()));
        }
        let weighted = self
            .clone()
            .into_dyn()
            .zip_with(&column, |v, w| v.to_mean() * w);
        normalized(weighted.sum_axis(axis), &weights.sum()).into_dimensionality()
    }
}

/// # Covariance and correlation
///
/// Rows are variables and columns observations, as numpy's default.
impl<T: Accumulate> ChunkedArray<T, Ix2>
where
    T::Mean: LinalgScalar + ScalarOperand + Debug,
{
    /// The covariance matrix of the rows (numpy's `cov(x)`, `ddof = 1`):
    /// `n x n` for `n` rows (numpy gives a scalar for one row), from the
    /// rows centred on their means and one matrix product. One observation
    /// gives NaN and infinities, as numpy (which warns).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]], (1, 2))?;
    /// assert_eq!(x.cov().compute()?, array![[1.0, -1.0], [-1.0, 1.0]]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn cov(&self) -> ChunkedArray<T::Mean, Ix2> {
        let x = self.mapv(T::to_mean);
        let centred = &x - &x.mean_axis(Axis(1)).insert_axis(Axis(1));
        let dof = <T::Mean as NumCast>::from(self.shape()[1]).unwrap_or_else(T::Mean::nan)
            - T::Mean::one();
        &centred.dot(&centred.t()) / dof
    }

    /// Pearson correlation coefficients of the rows (numpy's
    /// `corrcoef(x)`): the covariance divided by the rows' standard
    /// deviations, clipped to `[-1, 1]`; NaN for a row without spread.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![[1.0_f64, 2.0, 4.0], [2.0, 4.0, 8.0]], (1, 2))?;
    /// let r = x.corrcoef().compute()?;
    /// assert!(r.iter().all(|&v| (v - 1.0).abs() < 1e-12));
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn corrcoef(&self) -> ChunkedArray<T::Mean, Ix2> {
        let std = self.std_axis(Axis(1), T::Mean::one());
        let by_rows = &self.cov() / &std.insert_axis(Axis(1));
        let r = &by_rows / &std.insert_axis(Axis(0));
        r.clip(-T::Mean::one(), T::Mean::one())
    }
}
