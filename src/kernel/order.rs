//! Order statistics of values in memory (one lane along an axis) and the
//! steps of the exact selection over a whole array by counting passes.
//!
//! Every comparison goes through [`Ordered::order_key`], so NaN sorts last
//! and `-0.0` equals `0.0`, as in numpy's sort.

use crate::element::{is_nan, Ordered};
use num_traits::Float;

/// A statistic computed from the values at two ranks of the sorted data.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Statistic {
    /// numpy's `quantile` with the default `linear` method, for a
    /// fraction in `[0, 1]`.
    Quantile(f64),
    /// numpy's `median`: the mean of the two middle values.
    Median,
}

/// Which of a statistic's two ranks.
#[derive(Clone, Copy, Debug)]
pub(crate) enum End {
    Low,
    High,
}

impl Statistic {
    /// numpy's virtual index `(n - 1) q` and the rank below it, which is
    /// `-1` at or above the last rank (numpy then takes the last value
    /// twice, and its weight is measured from -1).
    fn virtual_index(q: f64, n: usize) -> (f64, f64) {
        let last = (n - 1) as f64;
        let index = last * q;
        (index, if index >= last { -1.0 } else { index.floor() })
    }

    /// The rank (0-based, in sorted order) of one of the two values the
    /// statistic of `n >= 1` values is computed from.
    pub fn rank(self, n: usize, end: End) -> usize {
        let (low, high) = match self {
            Statistic::Median => ((n - 1) / 2, n / 2),
            Statistic::Quantile(q) => match Self::virtual_index(q, n) {
                (_, below) if below < 0.0 => (n - 1, n - 1),
                (_, below) => (below as usize, below as usize + 1),
            },
        };
        match end {
            End::Low => low,
            End::High => high,
        }
    }

    /// The statistic of `n >= 1` values from the values at its two ranks,
    /// with numpy's arithmetic: `_lerp` for quantiles, `mean` for the median.
    pub fn combine<M: Float>(self, low: M, high: M, n: usize) -> M {
        match self {
            Statistic::Median if n % 2 == 1 => low,
            Statistic::Median => (low + high) / (M::one() + M::one()),
            Statistic::Quantile(q) => {
                let (index, below) = Self::virtual_index(q, n);
                let t = index - below;
                let weight = M::from(t).unwrap_or_else(M::nan);
                let diff = high - low;
                // numpy's `_lerp`: from the nearer end, so t = 1 gives `high`.
                if t >= 0.5 {
                    high - diff * (M::one() - weight)
                } else {
                    low + diff * weight
                }
            }
        }
    }
}

/// Sort `lane` in numpy's order (NaN last).
pub(crate) fn sort_lane<T: Ordered>(lane: &mut [T]) {
    lane.sort_unstable_by_key(|v| v.order_key());
}

/// The positions that sort `lane`, equal values in their order.
pub(crate) fn argsort_lane<T: Ordered>(lane: &[T]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..lane.len()).collect();
    order.sort_by_key(|&i| lane[i].order_key());
    order
}

/// A `(value, position)` pair ordered by how good it is for a top-`k`:
/// `rank` is smaller for better pairs.
struct Candidate<T> {
    rank: (u64, usize),
    pair: (T, usize),
}

impl<T> PartialEq for Candidate<T> {
    fn eq(&self, other: &Self) -> bool {
        self.rank == other.rank
    }
}
impl<T> Eq for Candidate<T> {}
impl<T> PartialOrd for Candidate<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<T> Ord for Candidate<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.rank.cmp(&other.rank)
    }
}

/// The `|k|` best of `(value, position)` pairs, best first: the largest
/// values for `k > 0`, the smallest for `k < 0`, among equal values the
/// smaller position. Positions are distinct, so the order is total and the
/// result does not depend on how the pairs were cut into blocks. Holds
/// `|k|` pairs at a time (a heap whose top is the worst kept).
pub(crate) fn top_pairs<T: Ordered>(
    pairs: impl Iterator<Item = (T, usize)>,
    k: isize,
) -> Vec<(T, usize)> {
    let n = k.unsigned_abs();
    let mut kept = std::collections::BinaryHeap::with_capacity(n + 1);
    for pair in pairs {
        let key = pair.0.order_key();
        let rank = (if k > 0 { u64::MAX - key } else { key }, pair.1);
        kept.push(Candidate { rank, pair });
        if kept.len() > n {
            kept.pop();
        }
    }
    kept.into_sorted_vec().into_iter().map(|c| c.pair).collect()
}

/// The statistics of one lane (reordered in place), in the mean type `M`:
/// NaN when the lane holds a NaN and `skip_nan` is off, or when no value is
/// left.
pub(crate) fn lane_statistics<T: Ordered, M: Float>(
    lane: &mut Vec<T>,
    stats: &[Statistic],
    skip_nan: bool,
    to_mean: impl Fn(T) -> M,
    out: &mut [M],
) {
    let had_nan = lane.iter().any(is_nan);
    if skip_nan {
        lane.retain(|v| !is_nan(v));
    }
    if lane.is_empty() || (had_nan && !skip_nan) {
        out.fill(M::nan());
        return;
    }
    sort_lane(lane);
    let n = lane.len();
    for (o, stat) in out.iter_mut().zip(stats) {
        let low = to_mean(lane[stat.rank(n, End::Low)]);
        let high = to_mean(lane[stat.rank(n, End::High)]);
        *o = stat.combine(low, high, n);
    }
}

/// Bits of the key each counting pass of the selection resolves: 2048
/// counts (16 KiB) per block and pass.
pub(crate) const DIGIT_BITS: u32 = 11;

/// What [`digit`] gives for a key outside the bucket being narrowed: a
/// value no histogram of the passes counts.
pub(crate) const NOT_COUNTED: u32 = u32::MAX;

/// The digits of keys of `bits` bits, most significant first, as
/// `(shift, width)`: one counting pass each.
pub(crate) fn digits(bits: u32) -> Vec<(u32, u32)> {
    let mut digits = Vec::new();
    let mut top = bits;
    while top > 0 {
        let width = DIGIT_BITS.min(top);
        top -= width;
        digits.push((top, width));
    }
    digits
}

/// The digit of `key` at `(shift, width)` if the bits above it equal
/// `prefix`'s (the key lies in the bucket narrowed to so far), else
/// [`NOT_COUNTED`].
#[inline]
pub(crate) fn digit(key: u64, prefix: u64, (shift, width): (u32, u32), bits: u32) -> u32 {
    let above = shift + width;
    if above < bits && key >> above != prefix >> above {
        return NOT_COUNTED;
    }
    ((key >> shift) & ((1 << width) - 1)) as u32
}

/// One step of the selection: `(prefix, rank)` says the wanted value is the
/// `rank`-th (0-based) among the keys starting with `prefix`; `counts` are
/// how many of those have each next digit (at `shift`). Returns the prefix
/// with that digit set and the rank among the keys having it. A rank past
/// every count (no values at all) is kept as it is.
pub(crate) fn narrow((prefix, rank): (u64, u64), counts: &[u64], shift: u32) -> (u64, u64) {
    let mut rank = rank;
    for (d, &count) in counts.iter().enumerate() {
        if rank < count {
            return (prefix | (d as u64) << shift, rank);
        }
        rank -= count;
    }
    (prefix, rank)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrowing_every_digit_finds_the_ranked_key() {
        let keys: Vec<u64> = [5u64, 900, 3, 3, 70_000, 1 << 40, 12]
            .iter()
            .map(|&k| k.wrapping_mul(0x9E37_79B9))
            .collect();
        let mut sorted = keys.clone();
        sorted.sort_unstable();
        for (rank, &expected) in sorted.iter().enumerate() {
            let mut state = (0, rank as u64);
            for d in digits(64) {
                let mut counts = vec![0u64; 1 << d.1];
                for &k in &keys {
                    let digit = digit(k, state.0, d, 64);
                    if digit != NOT_COUNTED {
                        counts[digit as usize] += 1;
                    }
                }
                state = narrow(state, &counts, d.0);
            }
            assert_eq!(state.0, expected, "rank {rank}");
        }
    }
}
