//! Central moments of any order in one pass: `moment`, `skew` and
//! `kurtosis` (scipy.stats' biased definitions).
//!
//! Each strip is reduced to (count, mean, sums of powers of deviations from
//! its mean) in two passes over the strip while it is in cache; strips and
//! blocks are merged with Pébay's formula (Sandia report SAND2008-6212,
//! eq. 3.1), so no value is read twice from memory and the deviations are
//! always taken from a nearby mean.

use super::reduce::Reducer;
use crate::element::Accumulate;
use crate::error::Result;
use num_traits::{Float, Zero};

/// Which statistic of the central moments.
#[derive(Clone, Copy)]
pub(crate) enum MomentStat {
    /// The `k`-th central moment, `mean((x - mean(x))^k)`.
    Central(u32),
    /// `m3 / m2^1.5`, NaN when `m2` is zero up to rounding; without
    /// `bias`, scipy's correction for the sample size.
    Skew { bias: bool },
    /// `m4 / m2^2` (less 3 for Fisher's), NaN when `m2` is zero up to
    /// rounding; without `bias`, scipy's correction for the sample size.
    Kurtosis { fisher: bool, bias: bool },
}

impl MomentStat {
    /// The highest order the statistic needs.
    fn order(self) -> u32 {
        match self {
            MomentStat::Central(k) => k,
            MomentStat::Skew { .. } => 3,
            MomentStat::Kurtosis { .. } => 4,
        }
    }
}

/// The accumulator: `sums[j]` is the sum of `(x - mean)^(j + 2)`.
#[derive(Clone)]
pub(crate) struct Central<M> {
    count: usize,
    mean: M,
    sums: Vec<M>,
}

fn as_float<M: Float>(v: usize) -> M {
    M::from(v).unwrap_or_else(M::nan)
}

/// The binomial coefficient `C(p, k)` as a float.
fn binomial<M: Float>(p: u32, k: u32) -> M {
    (0..k).fold(M::one(), |c, i| {
        c * as_float(p as usize - i as usize) / as_float(i as usize + 1)
    })
}

impl<M: Float> Central<M> {
    /// Merge the moments of `count_b` values with mean `mean_b` and sums
    /// `sums_b` (empty for a single value) into `self`.
    fn merge(&mut self, count_b: usize, mean_b: M, sums_b: &[M]) {
        if count_b == 0 {
            return;
        }
        if self.count == 0 {
            self.count = count_b;
            self.mean = mean_b;
            // A single value deviates by `v - v` from itself: 0, or NaN (`v * 0`).
            let single = mean_b * M::zero();
            for (j, s) in self.sums.iter_mut().enumerate() {
                *s = sums_b.get(j).copied().unwrap_or(single);
            }
            return;
        }
        let (na, nb) = (as_float::<M>(self.count), as_float::<M>(count_b));
        let n = na + nb;
        let delta = mean_b - self.mean;
        let b = |p: u32| sums_b.get(p as usize - 2).copied().unwrap_or_else(M::zero);
        // Highest order first: each order reads only the lower, old ones.
        for p in (2..self.sums.len() as u32 + 2).rev() {
            let a = |q: u32| self.sums[q as usize - 2];
            let mut sum = a(p) + b(p);
            for k in 1..=p.saturating_sub(2) {
                let weights =
                    (-nb / n).powi(k as i32) * a(p - k) + (na / n).powi(k as i32) * b(p - k);
                sum = sum + binomial::<M>(p, k) * delta.powi(k as i32) * weights;
            }
            let ends = nb.powi(1 - p as i32) - (-na).powi(1 - p as i32);
            sum = sum + (na * nb * delta / n).powi(p as i32) * ends;
            self.sums[p as usize - 2] = sum;
        }
        self.mean = self.mean + delta * (nb / n);
        self.count += count_b;
    }
}

/// The central-moment statistics as a [`Reducer`], in the element's mean type.
pub(crate) struct Moments<T> {
    pub stat: MomentStat,
    pub _elem: std::marker::PhantomData<fn(T)>,
}

impl<T: Accumulate> Reducer<T> for Moments<T> {
    type Acc = Central<T::Mean>;
    type Out = T::Mean;
    fn label(&self) -> String {
        match self.stat {
            MomentStat::Central(k) => format!("moment({k})"),
            MomentStat::Skew { bias } => format!("skew(bias={bias})"),
            MomentStat::Kurtosis { fisher, bias } => {
                format!("kurtosis(fisher={fisher}, bias={bias})")
            }
        }
    }
    fn identity(&self) -> Self::Acc {
        let zero = <T::Mean as Zero>::zero();
        Central {
            count: 0,
            mean: zero,
            sums: vec![zero; self.stat.order().saturating_sub(1) as usize],
        }
    }
    fn fold(&self, acc: &mut Self::Acc, values: &[T], _first: usize) -> Result<()> {
        if values.is_empty() {
            return Ok(());
        }
        let zero = <T::Mean as Zero>::zero();
        let n = as_float::<T::Mean>(values.len());
        let mean = values.iter().fold(zero, |s, &v| s + v.to_mean()) / n;
        let mut sums = vec![zero; acc.sums.len()];
        for &v in values {
            let d = v.to_mean() - mean;
            let mut power = d;
            for s in &mut sums {
                power = power * d;
                *s = *s + power;
            }
        }
        acc.merge(values.len(), mean, &sums);
        Ok(())
    }
    fn fold_each(&self, accs: &mut [Self::Acc], values: &[T], _at: usize) -> Result<()> {
        for (acc, &v) in accs.iter_mut().zip(values) {
            acc.merge(1, v.to_mean(), &[]);
        }
        Ok(())
    }
    fn merge(&self, acc: &mut Self::Acc, later: &Self::Acc) -> Result<()> {
        acc.merge(later.count, later.mean, &later.sums);
        Ok(())
    }
    fn finish(&self, acc: &Self::Acc) -> Result<T::Mean> {
        let (nan, zero) = (<T::Mean as Float>::nan(), <T::Mean as Zero>::zero());
        if acc.count == 0 {
            return Ok(nan);
        }
        let n = as_float::<T::Mean>(acc.count);
        let m = |p: u32| acc.sums[p as usize - 2] / n;
        // scipy's test for data without spread: m2 <= (eps * mean)^2.
        let flat = || m(2) <= (<T::Mean as Float>::epsilon() * acc.mean).powi(2);
        Ok(match self.stat {
            // 1 and 0, or NaN when the mean is (a NaN in the data), as scipy.
            MomentStat::Central(0) => <T::Mean as num_traits::One>::one() + acc.mean * zero,
            MomentStat::Central(1) => acc.mean * zero,
            MomentStat::Central(k) => m(k),
            _ if flat() => nan,
            MomentStat::Skew { bias } => {
                let g = m(3) / m(2).powf(as_float::<T::Mean>(3) / as_float(2));
                if bias || acc.count <= 2 {
                    g
                } else {
                    let one = <T::Mean as num_traits::One>::one();
                    ((n - one) * n).sqrt() / (n - as_float(2)) * g
                }
            }
            MomentStat::Kurtosis { fisher, bias } => {
                let g = m(4) / m(2).powi(2);
                let (one, three) = (<T::Mean as num_traits::One>::one(), as_float(3));
                let g = if bias || acc.count <= 3 {
                    g
                } else {
                    let (two, nm1) = (as_float::<T::Mean>(2), n - one);
                    one / (n - two) / (n - three) * ((n * n - one) * g - three * nm1 * nm1) + three
                };
                if fisher {
                    g - three
                } else {
                    g
                }
            }
        })
    }
}
