//! The reductions: sum, mean, prod, min/max, argmin/argmax, var/std,
//! any/all and count_nonzero.

use super::pairwise::pairwise_sum;
use super::reduce::{outer_runs, partial_value, Folder, Reducer};
use super::wide::widest;
use super::wire::{get, get_option, is_scalar, put, put_option};
use super::Value;
use crate::element::{is_nan, Accumulate, Accumulator, Element, Truthy};
use crate::error::{Error, Result};
use num_traits::{Float, One, ToPrimitive, Zero};
use std::marker::PhantomData;

/// A compensated running sum: `(sum, accumulated rounding error)`. Integers
/// add exactly: their error stays 0.
type Compensated<S> = (S, S);

/// Add `v` to `acc`; `op` names the reduction if the sum overflows.
fn add_compensated<S: Accumulator>(acc: &mut Compensated<S>, v: S, op: &'static str) -> Result<()> {
    let (_, overflow) = acc.0.overflowing_add(v);
    let (s, err) = S::two_sum(acc.0, v);
    // Rounding errors are tiny (and 0 for integers): their sum cannot overflow.
    let (err, _) = acc.1.overflowing_add(err);
    *acc = (s, err);
    Error::check_overflow::<S>(overflow, op)
}

/// Add the values of a strip, each widened, to `acc`: pairwise inside the
/// strip, compensated across strips.
fn add_strip<T: Copy, S: Accumulator>(
    acc: &mut Compensated<S>,
    values: &[T],
    widen: impl Fn(T) -> S + Copy,
    op: &'static str,
) -> Result<()> {
    let (sum, overflow) = pairwise_sum(values, widen);
    Error::check_overflow::<S>(overflow, op)?;
    add_compensated(acc, sum, op)
}

/// Add `values[j]` to the `j`-th of `sums`: along an outer axis, a plain
/// add per element, as numpy does; the compensation comes in when blocks
/// are merged. Overflow is or-ed, not branched on, so floats run a plain
/// loop.
#[inline(always)]
fn add_each<'a, T: Accumulate>(
    sums: impl Iterator<Item = &'a mut T::Sum>,
    values: &[T],
    op: &'static str,
) -> Result<()> {
    let mut overflow = false;
    for (sum, &v) in sums.zip(values) {
        let (s, o) = sum.overflowing_add(v.to_sum());
        *sum = s;
        overflow |= o;
    }
    Error::check_overflow::<T::Sum>(overflow, op)
}

/// A sum along an outer axis: the running values alone, contiguous (so
/// adding a row vectorizes, where (sum, compensation) pairs make a strided
/// loop), made pairs when the block is done. `fold_each` never touches the
/// compensation, so the partials are the same, bit for bit.
struct OuterSums<T: Accumulate> {
    sums: Vec<T::Sum>,
    along: usize,
    inner: usize,
    op: &'static str,
}

impl<T: Accumulate> Folder<T> for OuterSums<T> {
    fn fold(&mut self, strip: &[T], start: usize) -> Result<()> {
        let (sums, op) = (&mut self.sums, self.op);
        // The wide path is chosen once per strip, not once per run: a run
        // along narrow inner axes is a few values.
        widest(
            #[inline(always)]
            || {
                outer_runs(strip, start, self.along, self.inner, |first, values, _| {
                    add_each(sums[first..first + values.len()].iter_mut(), values, op)
                })
            },
        )
    }
    fn into_partial(self: Box<Self>) -> Value {
        let zero = T::Sum::zero();
        let pairs: Vec<Compensated<T::Sum>> = self.sums.into_iter().map(|s| (s, zero)).collect();
        partial_value(pairs)
    }
}

/// The value of a compensated sum.
fn total<S: Accumulator>(acc: &Compensated<S>) -> S {
    // The error is 0 for integers, so this cannot overflow.
    acc.0.overflowing_add(acc.1).0
}

/// Sum in the element's sum type ([`Accumulate::Sum`]): pairwise inside
/// strips, compensated across strips and blocks; an integer overflow is an
/// error.
pub(crate) struct Sum<T> {
    /// The operation an overflow error names: `sum`, or the product whose
    /// partial sums this adds.
    pub op: &'static str,
    pub _elem: PhantomData<fn(T)>,
}

impl<T: Accumulate> Reducer<T> for Sum<T> {
    type Acc = Compensated<T::Sum>;
    type Out = T::Sum;
    fn label(&self) -> String {
        "sum".into()
    }
    fn identity(&self) -> Self::Acc {
        (T::Sum::zero(), T::Sum::zero())
    }
    fn fold(&self, acc: &mut Self::Acc, values: &[T], _first: usize) -> Result<()> {
        add_strip(acc, values, T::to_sum, self.op)
    }
    fn fold_each(&self, accs: &mut [Self::Acc], values: &[T], _at: usize) -> Result<()> {
        add_each(accs.iter_mut().map(|acc| &mut acc.0), values, self.op)
    }
    fn outer_folder(&self, accs: usize, along: usize, inner: usize) -> Option<Box<dyn Folder<T>>> {
        Some(Box::new(OuterSums::<T> {
            sums: vec![T::Sum::zero(); accs],
            along,
            inner,
            op: self.op,
        }))
    }
    fn merge(&self, acc: &mut Self::Acc, later: &Self::Acc) -> Result<()> {
        add_compensated(acc, later.0, self.op)?;
        acc.1 = acc.1.overflowing_add(later.1).0;
        Ok(())
    }
    fn sendable(&self) -> bool {
        is_scalar::<T::Sum>()
    }
    fn pack(&self, acc: &Self::Acc, out: &mut Vec<u8>) -> Result<()> {
        put(&acc.0, out)?;
        put(&acc.1, out)
    }
    fn unpack(&self, input: &mut &[u8]) -> Result<Self::Acc> {
        Ok((get(input)?, get(input)?))
    }
    fn finish(&self, acc: &Self::Acc) -> Result<T::Sum> {
        Ok(total(acc))
    }
}

/// Mean in the element's mean type ([`Accumulate::Mean`], a float; every
/// element is converted as it is read): the compensated sum and the count;
/// NaN for no elements, as numpy.
pub(crate) struct Mean<T>(pub PhantomData<fn(T)>);

impl<T: Accumulate> Reducer<T> for Mean<T> {
    type Acc = (Compensated<T::Mean>, usize);
    type Out = T::Mean;
    fn label(&self) -> String {
        "mean".into()
    }
    fn identity(&self) -> Self::Acc {
        let zero = <T::Mean as Zero>::zero();
        ((zero, zero), 0)
    }
    fn fold(&self, acc: &mut Self::Acc, values: &[T], _first: usize) -> Result<()> {
        acc.1 += values.len();
        add_strip(&mut acc.0, values, T::to_mean, "mean")
    }
    fn fold_each(&self, accs: &mut [Self::Acc], values: &[T], _at: usize) -> Result<()> {
        for (acc, &v) in accs.iter_mut().zip(values) {
            acc.0 .0 = acc.0 .0 + v.to_mean();
            acc.1 += 1;
        }
        Ok(())
    }
    fn merge(&self, acc: &mut Self::Acc, later: &Self::Acc) -> Result<()> {
        add_compensated(&mut acc.0, later.0 .0, "mean")?;
        acc.0 .1 = acc.0 .1 + later.0 .1;
        acc.1 += later.1;
        Ok(())
    }
    fn sendable(&self) -> bool {
        is_scalar::<T::Mean>()
    }
    fn pack(&self, acc: &Self::Acc, out: &mut Vec<u8>) -> Result<()> {
        put(&acc.0 .0, out)?;
        put(&acc.0 .1, out)?;
        put(&acc.1, out)
    }
    fn unpack(&self, input: &mut &[u8]) -> Result<Self::Acc> {
        Ok(((get(input)?, get(input)?), get(input)?))
    }
    fn finish(&self, acc: &Self::Acc) -> Result<T::Mean> {
        let n = <T::Mean as num_traits::NumCast>::from(acc.1)
            .ok_or_else(|| Error::internal("count not representable"))?;
        Ok(total(&acc.0) / n)
    }
}

/// Product in the element's sum type; an integer overflow, of a partial
/// product too, is an error.
pub(crate) struct Prod<T>(pub PhantomData<fn(T)>);

impl<T: Accumulate> Reducer<T> for Prod<T> {
    type Acc = T::Sum;
    type Out = T::Sum;
    fn label(&self) -> String {
        "prod".into()
    }
    fn identity(&self) -> T::Sum {
        T::Sum::one()
    }
    fn fold(&self, acc: &mut T::Sum, values: &[T], _first: usize) -> Result<()> {
        let mut overflow = false;
        *acc = values.iter().fold(*acc, |p, &v| {
            let (q, o) = p.overflowing_mul(v.to_sum());
            overflow |= o;
            q
        });
        Error::check_overflow::<T::Sum>(overflow, "prod")
    }
    fn fold_each(&self, accs: &mut [T::Sum], values: &[T], _at: usize) -> Result<()> {
        let mut overflow = false;
        for (acc, &v) in accs.iter_mut().zip(values) {
            let (q, o) = acc.overflowing_mul(v.to_sum());
            *acc = q;
            overflow |= o;
        }
        Error::check_overflow::<T::Sum>(overflow, "prod")
    }
    fn merge(&self, acc: &mut T::Sum, later: &T::Sum) -> Result<()> {
        let (q, overflow) = acc.overflowing_mul(*later);
        *acc = q;
        Error::check_overflow::<T::Sum>(overflow, "prod")
    }
    fn sendable(&self) -> bool {
        is_scalar::<T::Sum>()
    }
    fn pack(&self, acc: &Self::Acc, out: &mut Vec<u8>) -> Result<()> {
        put(acc, out)
    }
    fn unpack(&self, input: &mut &[u8]) -> Result<Self::Acc> {
        get(input)
    }
    fn finish(&self, acc: &T::Sum) -> Result<T::Sum> {
        Ok(*acc)
    }
}

/// Which end of the order `min`/`max`/`argmin`/`argmax` look for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Extreme {
    Min,
    Max,
}

impl Extreme {
    fn name(self) -> &'static str {
        match self {
            Extreme::Min => "min",
            Extreme::Max => "max",
        }
    }
    fn arg_name(self) -> &'static str {
        match self {
            Extreme::Min => "argmin",
            Extreme::Max => "argmax",
        }
    }

    /// Whether `candidate` replaces `current`: strictly better, or the first
    /// NaN (NaN is sticky, as in numpy).
    #[inline]
    fn replaces<T: PartialOrd>(self, current: &T, candidate: &T) -> bool {
        if is_nan(current) {
            return false;
        }
        if is_nan(candidate) {
            return true;
        }
        match self {
            Extreme::Min => candidate < current,
            Extreme::Max => candidate > current,
        }
    }
}

/// Fold `values` into `best` with `better` in 8 lanes; whether a NaN was seen.
#[inline(always)]
fn lane_extreme<T: Copy + PartialOrd>(
    values: &[T],
    best: &mut T,
    better: impl Fn(T, T) -> bool,
) -> bool {
    let mut lanes = [*best; 8];
    let mut nan = [false; 8];
    let chunks = values.chunks_exact(8);
    let tail = chunks.remainder();
    for chunk in chunks {
        for k in 0..8 {
            let v = chunk[k];
            #[allow(clippy::eq_op)] // NaN is the one value unequal to itself
            let is_nan = v != v;
            nan[k] |= is_nan;
            lanes[k] = if better(v, lanes[k]) { v } else { lanes[k] };
        }
    }
    let mut saw_nan = nan.iter().any(|&n| n);
    for &v in tail.iter().chain(&lanes) {
        #[allow(clippy::eq_op)]
        let is_nan = v != v;
        saw_nan |= is_nan;
        if better(v, *best) {
            *best = v;
        }
    }
    saw_nan
}

/// `min` or `max`; an error for no elements.
pub(crate) struct MinMax<T> {
    pub which: Extreme,
    pub _elem: PhantomData<fn(T)>,
}

impl<T: Element + PartialOrd> Reducer<T> for MinMax<T> {
    type Acc = Option<T>;
    type Out = T;
    fn label(&self) -> String {
        self.which.name().into()
    }
    fn identity(&self) -> Option<T> {
        None
    }
    fn fold(&self, acc: &mut Option<T>, values: &[T], _first: usize) -> Result<()> {
        let Some(&head) = values.first() else {
            return Ok(());
        };
        let mut best = acc.unwrap_or(head);
        if is_nan(&best) {
            *acc = Some(best);
            return Ok(());
        }
        // Eight independent running extremes (one dependency chain each, so
        // the scan runs at load speed and vectorizes), one loop per direction;
        // NaN is looked for only when the scan saw one (`v != v`).
        let saw_nan = match self.which {
            Extreme::Min => widest(
                #[inline(always)]
                || lane_extreme(values, &mut best, |v, b| v < b),
            ),
            Extreme::Max => widest(
                #[inline(always)]
                || lane_extreme(values, &mut best, |v, b| v > b),
            ),
        };
        if saw_nan {
            best = *values.iter().find(|v| is_nan(*v)).expect("a NaN was seen");
        }
        *acc = Some(best);
        Ok(())
    }
    fn fold_each(&self, accs: &mut [Option<T>], values: &[T], _at: usize) -> Result<()> {
        for (acc, &v) in accs.iter_mut().zip(values) {
            self.merge(acc, &Some(v))?;
        }
        Ok(())
    }
    fn merge(&self, acc: &mut Option<T>, later: &Option<T>) -> Result<()> {
        match (acc.as_ref(), later) {
            (None, _) => *acc = *later,
            (Some(cur), Some(l)) if self.which.replaces(cur, l) => *acc = Some(*l),
            _ => {}
        }
        Ok(())
    }
    fn sendable(&self) -> bool {
        is_scalar::<T>()
    }
    fn pack(&self, acc: &Self::Acc, out: &mut Vec<u8>) -> Result<()> {
        put_option(acc, out, put)
    }
    fn unpack(&self, input: &mut &[u8]) -> Result<Self::Acc> {
        get_option(input, get)
    }
    fn finish(&self, acc: &Option<T>) -> Result<T> {
        acc.ok_or(Error::EmptyReduction {
            op: self.which.name(),
        })
    }
}

/// `argmin` or `argmax`: the first position of the extreme (or of the first NaN).
pub(crate) struct ArgExtreme<T> {
    pub which: Extreme,
    pub _elem: PhantomData<fn(T)>,
}

impl<T: Element + PartialOrd> Reducer<T> for ArgExtreme<T> {
    type Acc = Option<(T, usize)>;
    type Out = usize;
    fn label(&self) -> String {
        self.which.arg_name().into()
    }
    fn identity(&self) -> Self::Acc {
        None
    }
    fn fold(&self, acc: &mut Self::Acc, values: &[T], first: usize) -> Result<()> {
        for (i, &v) in values.iter().enumerate() {
            self.merge(acc, &Some((v, first + i)))?;
        }
        Ok(())
    }
    fn fold_each(&self, accs: &mut [Self::Acc], values: &[T], at: usize) -> Result<()> {
        for (acc, &v) in accs.iter_mut().zip(values) {
            self.merge(acc, &Some((v, at)))?;
        }
        Ok(())
    }
    fn merge(&self, acc: &mut Self::Acc, later: &Self::Acc) -> Result<()> {
        let Some(l) = later else { return Ok(()) };
        let Some(cur) = acc else {
            *acc = *later;
            return Ok(());
        };
        // Blocks are merged in grid order, which is not C order of the
        // elements when the grid has more than one block along an inner
        // axis: on a tie (or two NaNs) the smaller flat index wins.
        let better = self.which.replaces(&cur.0, &l.0);
        let tie = !better && !self.which.replaces(&l.0, &cur.0);
        if better || (tie && l.1 < cur.1) {
            *acc = *later;
        }
        Ok(())
    }
    fn reindex(&self, acc: &mut Self::Acc, to_global: &dyn Fn(usize) -> usize) {
        if let Some((_, i)) = acc {
            *i = to_global(*i);
        }
    }
    fn positional(&self) -> bool {
        true
    }
    fn sendable(&self) -> bool {
        is_scalar::<T>()
    }
    fn pack(&self, acc: &Self::Acc, out: &mut Vec<u8>) -> Result<()> {
        put_option(acc, out, |(v, i), out| {
            put(v, out)?;
            put(i, out)
        })
    }
    fn unpack(&self, input: &mut &[u8]) -> Result<Self::Acc> {
        get_option(input, |input| Ok((get(input)?, get(input)?)))
    }
    fn finish(&self, acc: &Self::Acc) -> Result<usize> {
        acc.map(|(_, i)| i).ok_or(Error::EmptyReduction {
            op: self.which.arg_name(),
        })
    }
}

/// Variance or standard deviation with `ddof` delta degrees of freedom.
#[derive(Clone, Copy)]
pub(crate) enum Spread<M> {
    Var(M),
    Std(M),
}

/// Moments of values relative to a shift: [`Moments`]' accumulator.
#[derive(Clone, Copy)]
pub(crate) struct Shifted<M> {
    count: usize,
    /// A value of the data (the first seen): deviations from it are exact
    /// for data with a large mean and small spread.
    shift: M,
    /// Mean of `v - shift`.
    mean: M,
    /// Sum of squared deviations from the mean.
    m2: M,
}

fn count_as<M: Float>(n: usize) -> M {
    M::from(n).unwrap_or_else(M::nan)
}

/// Σ(v - shift) and Σ(v - shift)² in 8 lanes, combined pairwise; each
/// value converted to the mean type as it is read.
#[inline(always)]
fn shifted_sums<T: Accumulate>(values: &[T], shift: T::Mean) -> (T::Mean, T::Mean) {
    let zero = <T::Mean as Zero>::zero();
    let (mut s, mut q) = ([zero; 8], [zero; 8]);
    let chunks = values.chunks_exact(8);
    let tail = chunks.remainder();
    for chunk in chunks {
        for k in 0..8 {
            let d = chunk[k].to_mean() - shift;
            s[k] = s[k] + d;
            q[k] = q[k] + d * d;
        }
    }
    let fold = |l: [T::Mean; 8]| ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]));
    let (mut sum, mut squares) = (fold(s), fold(q));
    for &v in tail {
        let d = v.to_mean() - shift;
        sum = sum + d;
        squares = squares + d * d;
    }
    (sum, squares)
}

/// Variance and standard deviation in the element's mean type (a float):
/// one pass inside a strip on values shifted by one of them, and Chan et
/// al.'s merge across strips and blocks. The shift keeps means and their
/// differences small, so data with mean 1e9 and standard deviation 1 keeps
/// 1e-9 relative accuracy.
pub(crate) struct Moments<T: Accumulate> {
    pub spread: Spread<T::Mean>,
}

impl<T: Accumulate> Reducer<T> for Moments<T> {
    type Acc = Shifted<T::Mean>;
    type Out = T::Mean;
    fn label(&self) -> String {
        match self.spread {
            Spread::Var(d) => format!("var(ddof={})", d.to_f64().unwrap_or(f64::NAN)),
            Spread::Std(d) => format!("std(ddof={})", d.to_f64().unwrap_or(f64::NAN)),
        }
    }
    fn identity(&self) -> Self::Acc {
        let zero = <T::Mean as Zero>::zero();
        Shifted {
            count: 0,
            shift: zero,
            mean: zero,
            m2: zero,
        }
    }
    fn fold(&self, acc: &mut Self::Acc, values: &[T], _first: usize) -> Result<()> {
        let Some(&first) = values.first() else {
            return Ok(());
        };
        let shift = if acc.count == 0 {
            first.to_mean()
        } else {
            acc.shift
        };
        // One pass over d = v - shift: the sum of d and of d². The shift is a
        // value of the data, so d is small and Σd² - n·mean² loses nothing
        // that matters (it is clamped at 0 against rounding).
        let (sum, squares) = widest(
            #[inline(always)]
            || shifted_sums(values, shift),
        );
        let mean = sum / count_as(values.len());
        let m2 = squares - sum * mean;
        let zero = <T::Mean as Zero>::zero();
        let m2 = if m2 < zero { zero } else { m2 }; // NaN stays NaN
        let strip = Shifted {
            count: values.len(),
            shift,
            mean,
            m2,
        };
        self.merge(acc, &strip)
    }
    fn fold_each(&self, accs: &mut [Self::Acc], values: &[T], _at: usize) -> Result<()> {
        // Welford's update on shifted values; all accumulators here have the
        // same count.
        let Some(first) = accs.first() else {
            return Ok(());
        };
        let inverse = count_as::<T::Mean>(first.count + 1).recip();
        for (acc, &v) in accs.iter_mut().zip(values) {
            let v = v.to_mean();
            if acc.count == 0 {
                acc.shift = v;
            }
            acc.count += 1;
            let x = v - acc.shift;
            let delta = x - acc.mean;
            acc.mean = acc.mean + delta * inverse;
            acc.m2 = acc.m2 + delta * (x - acc.mean);
        }
        Ok(())
    }
    fn merge(&self, acc: &mut Self::Acc, later: &Self::Acc) -> Result<()> {
        if later.count == 0 {
            return Ok(());
        }
        if acc.count == 0 {
            *acc = *later;
            return Ok(());
        }
        let (na, nb) = (
            count_as::<T::Mean>(acc.count),
            count_as::<T::Mean>(later.count),
        );
        let n = na + nb;
        // Both means relative to `acc.shift`; the shifts' difference is exact.
        let delta = (later.mean - acc.mean) + (later.shift - acc.shift);
        acc.mean = acc.mean + delta * (nb / n);
        acc.m2 = acc.m2 + later.m2 + delta * delta * (na * nb / n);
        acc.count += later.count;
        Ok(())
    }
    fn sendable(&self) -> bool {
        is_scalar::<T::Mean>()
    }
    fn pack(&self, acc: &Self::Acc, out: &mut Vec<u8>) -> Result<()> {
        put(&acc.count, out)?;
        [acc.shift, acc.mean, acc.m2]
            .iter()
            .try_for_each(|m| put(m, out))
    }
    fn unpack(&self, input: &mut &[u8]) -> Result<Self::Acc> {
        Ok(Shifted {
            count: get(input)?,
            shift: get(input)?,
            mean: get(input)?,
            m2: get(input)?,
        })
    }
    fn finish(&self, acc: &Self::Acc) -> Result<T::Mean> {
        let (ddof, take_root) = match self.spread {
            Spread::Var(d) => (d, false),
            Spread::Std(d) => (d, true),
        };
        let dof = count_as::<T::Mean>(acc.count) - ddof;
        let var = if dof > <T::Mean as Zero>::zero() {
            acc.m2 / dof
        } else {
            <T::Mean as Float>::nan()
        };
        Ok(if take_root { var.sqrt() } else { var })
    }
}

/// `any` or `all` of the truth values.
pub(crate) struct AnyAll<T> {
    pub all: bool,
    pub _elem: PhantomData<fn(T)>,
}

impl<T: Truthy> Reducer<T> for AnyAll<T> {
    type Acc = bool;
    type Out = bool;
    fn label(&self) -> String {
        if self.all { "all" } else { "any" }.into()
    }
    fn identity(&self) -> bool {
        self.all
    }
    fn fold(&self, acc: &mut bool, values: &[T], _first: usize) -> Result<()> {
        *acc = if self.all {
            *acc && values.iter().all(Truthy::is_truthy)
        } else {
            *acc || values.iter().any(Truthy::is_truthy)
        };
        Ok(())
    }
    fn fold_each(&self, accs: &mut [bool], values: &[T], _at: usize) -> Result<()> {
        for (acc, v) in accs.iter_mut().zip(values) {
            self.merge(acc, &v.is_truthy())?;
        }
        Ok(())
    }
    fn merge(&self, acc: &mut bool, later: &bool) -> Result<()> {
        *acc = if self.all {
            *acc && *later
        } else {
            *acc || *later
        };
        Ok(())
    }
    fn sendable(&self) -> bool {
        true
    }
    fn pack(&self, acc: &bool, out: &mut Vec<u8>) -> Result<()> {
        put(acc, out)
    }
    fn unpack(&self, input: &mut &[u8]) -> Result<bool> {
        get(input)
    }
    fn finish(&self, acc: &bool) -> Result<bool> {
        Ok(*acc)
    }
}

/// Number of truthy elements.
pub(crate) struct CountNonzero<T>(pub PhantomData<fn(T)>);

impl<T: Truthy> Reducer<T> for CountNonzero<T> {
    type Acc = usize;
    type Out = usize;
    fn label(&self) -> String {
        "count_nonzero".into()
    }
    fn identity(&self) -> usize {
        0
    }
    fn fold(&self, acc: &mut usize, values: &[T], _first: usize) -> Result<()> {
        *acc += values.iter().filter(|v| v.is_truthy()).count();
        Ok(())
    }
    fn fold_each(&self, accs: &mut [usize], values: &[T], _at: usize) -> Result<()> {
        for (acc, v) in accs.iter_mut().zip(values) {
            *acc += usize::from(v.is_truthy());
        }
        Ok(())
    }
    fn merge(&self, acc: &mut usize, later: &usize) -> Result<()> {
        *acc += later;
        Ok(())
    }
    fn sendable(&self) -> bool {
        true
    }
    fn pack(&self, acc: &usize, out: &mut Vec<u8>) -> Result<()> {
        put(acc, out)
    }
    fn unpack(&self, input: &mut &[u8]) -> Result<usize> {
        get(input)
    }
    fn finish(&self, acc: &usize) -> Result<usize> {
        Ok(*acc)
    }
}

/// A reduction of the values that are not NaN (`nansum`, `nanmax`, ...); with
/// no value left, the result is NaN (as numpy's, which also warns).
pub(crate) struct SkipNan<R>(pub R);

impl<T: Element + Float, R: Reducer<T>> Reducer<T> for SkipNan<R>
where
    R::Out: Float,
{
    type Acc = R::Acc;
    type Out = R::Out;
    fn label(&self) -> String {
        format!("nan{}", self.0.label())
    }
    fn identity(&self) -> Self::Acc {
        self.0.identity()
    }
    fn fold(&self, acc: &mut Self::Acc, values: &[T], first: usize) -> Result<()> {
        if values.iter().any(|v| v.is_nan()) {
            let kept: Vec<T> = values.iter().copied().filter(|v| !v.is_nan()).collect();
            self.0.fold(acc, &kept, first)
        } else {
            self.0.fold(acc, values, first)
        }
    }
    fn fold_each(&self, accs: &mut [Self::Acc], values: &[T], at: usize) -> Result<()> {
        // One at a time: skipping NaN leaves the accumulators with different counts.
        for (acc, v) in accs.iter_mut().zip(values) {
            if !v.is_nan() {
                self.0
                    .fold_each(std::slice::from_mut(acc), std::slice::from_ref(v), at)?;
            }
        }
        Ok(())
    }
    fn merge(&self, acc: &mut Self::Acc, later: &Self::Acc) -> Result<()> {
        self.0.merge(acc, later)
    }
    fn sendable(&self) -> bool {
        self.0.sendable()
    }
    fn pack(&self, acc: &Self::Acc, out: &mut Vec<u8>) -> Result<()> {
        self.0.pack(acc, out)
    }
    fn unpack(&self, input: &mut &[u8]) -> Result<Self::Acc> {
        self.0.unpack(input)
    }
    fn finish(&self, acc: &Self::Acc) -> Result<R::Out> {
        match self.0.finish(acc) {
            Err(Error::EmptyReduction { .. }) => Ok(R::Out::nan()),
            other => other,
        }
    }
}
