//! Choosing among `n` items: with replacement each element draws its own
//! index (by inverse CDF when the items have probabilities); without
//! replacement, and for permutations, an exponential race decides the whole
//! selection at once.

use super::random::{sample_at, Sequence};
use rand::distr::{Distribution, StandardUniform};
use rand::Rng;
use rand_distr::Exp1;
use rayon::prelude::*;
use std::sync::Arc;

/// Item indices drawn with the probabilities whose cumulative sums are
/// `cdf` (normalized so that the last is 1): numpy's `searchsorted(cdf, u,
/// side="right")` of a uniform `u` in `[0, 1)`. An item of probability 0
/// has an empty interval and is never drawn.
#[derive(Clone)]
pub(crate) struct InverseCdf {
    cdf: Arc<[f64]>,
}

impl InverseCdf {
    /// The sampler of probabilities `p` (non-negative, with a positive sum).
    pub fn new(p: &[f64]) -> Self {
        let mut total = 0.0;
        let mut cdf: Vec<f64> = p
            .iter()
            .map(|&q| {
                total += q;
                total
            })
            .collect();
        cdf.iter_mut().for_each(|c| *c /= total);
        InverseCdf { cdf: cdf.into() }
    }
}

impl Distribution<i64> for InverseCdf {
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> i64 {
        // u < 1 and the last sum is total / total, exactly 1: an item is found.
        let u: f64 = StandardUniform.sample(rng);
        self.cdf.partition_point(|&c| c <= u) as i64
    }
}

/// The first `k` items of the `draw`-th selection of `key` among `n` items
/// (`weights` of length `n`, or all 1), in the order chosen, without
/// replacement: item `j` gets the key `E_j / w_j`, with `E_j` the standard
/// exponential of element `j` of the draw (rand_distr's `Exp1` on its
/// sequence), and the items with the `k` smallest keys win, smallest first
/// (ties, of probability ~n²/2^53, go to the lower index).
///
/// Exponential clocks racing at rates `w_j` finish in the order of
/// sequential weighted sampling without replacement (Efraimidis and
/// Spirakis, 2006), so the first `k` winners are numpy's
/// `choice(n, k, replace=False, p=w/sum(w))` in distribution, and with
/// equal weights the whole order is a uniform permutation.
///
/// Keys are made in parallel pieces of `PIECE` items, each keeping its
/// `k` smallest (a winner is among its piece's `k` smallest), then the
/// survivors are narrowed to the `k` smallest and sorted. Time O(n), memory
/// 16 bytes per survivor: at most `16 n` (a permutation), and for `k`
/// much below `PIECE` about `16 k` per piece (choosing 10 of 10^9 holds
/// 2.4 MB). The caller checks `k <= n` and, with weights, that at least `k`
/// are positive (an item of weight 0 never finishes).
pub(crate) fn race(
    key: [u32; 2],
    draw: u32,
    n: usize,
    weights: Option<&[f64]>,
    k: usize,
) -> Vec<i64> {
    let exp = Sequence(Exp1);
    let key_of = |j: usize| {
        let e: f64 = sample_at(&exp, key, draw, j as u64);
        (weights.map_or(e, |w| e / w[j]), j)
    };
    let mut survivors: Vec<(f64, usize)> = (0..n.div_ceil(PIECE))
        .into_par_iter()
        .flat_map_iter(|piece| {
            let mut keys: Vec<_> = (piece * PIECE..n.min((piece + 1) * PIECE))
                .map(key_of)
                .collect();
            keep_smallest(&mut keys, k);
            keys
        })
        .collect();
    keep_smallest(&mut survivors, k);
    survivors.par_sort_unstable_by(order);
    survivors.into_iter().map(|(_, j)| j as i64).collect()
}

/// Items keyed per piece of the race.
const PIECE: usize = 1 << 16;

/// Keys in increasing order, ties to the lower index: a total order, so the
/// `k` smallest are one set however the items were split into pieces.
fn order(a: &(f64, usize), b: &(f64, usize)) -> std::cmp::Ordering {
    a.0.total_cmp(&b.0).then(a.1.cmp(&b.1))
}

/// Leaves the `k` smallest of `keys`, in no particular order.
fn keep_smallest(keys: &mut Vec<(f64, usize)>, k: usize) {
    if k == 0 {
        keys.clear();
    } else if k < keys.len() {
        keys.select_nth_unstable_by(k - 1, order);
        keys.truncate(k);
    }
}
