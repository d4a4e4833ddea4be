//! Random arrays whose values depend only on the seed, the draw and the
//! element's index: element `i` (C order over the whole array) of the
//! `draw`-th array drawn from `seed` is sampled from its own sequence of
//! 64-bit words ([`ElementRng`]): first half `i mod 2` of the Philox4x32-10
//! block of counter `(i div 2, 0, draw)` (two elements share the block,
//! halving the cost of the common case, one word per element), then the
//! blocks of counters `(i, k, draw)` for `k = 1, 2, ...`, all under the key
//! `seed`. No block, thread, slice or chunking enters, so any part of an
//! array can be drawn alone, and identically.

use super::cursor::Odometer;
use super::philox::{blocks, counter, halves_in_order, philox4x32, Pairs};
use super::wide::widest;
use super::ziggurat::{ScaledNormal, StandardNormal};
use super::{erase, AnySource, SourceKernel, StripSource};
use crate::chunks::Region;
use crate::element::Element;
use crate::error::Result;
use crate::view::Strided;
use rand::distr::Distribution;
use rand::TryRng;
use std::convert::Infallible;

/// The random sequence of one element: its first 64-bit word, then its
/// Philox blocks `k = 1, 2, ...`, four 32-bit words each, in order. A
/// `u64` is an aligned pair of words, low first (words 0 and 1, or 2 and
/// 3); after an odd number of `u32`, the word left before the next pair is
/// skipped.
pub(crate) struct ElementRng {
    key: [u32; 2],
    draw: u32,
    index: u64,
    k: u32,
    /// The current block as two `u64` (words 0 | 1 << 32, 2 | 3 << 32),
    /// kept in registers.
    pairs: [u64; 2],
    /// Words of the current block handed out (the first word sits as the
    /// second half of a block already half used).
    used: u32,
}

impl ElementRng {
    /// The sequence of element `index` with its first word already used.
    #[inline]
    pub fn after_first(key: [u32; 2], draw: u32, index: u64) -> Self {
        ElementRng {
            key,
            draw,
            index,
            k: 0,
            pairs: [0, 0],
            used: 4,
        }
    }

    /// The sequence from its first word on, given that word.
    #[inline]
    pub fn with_first(mut self, first: u64) -> Self {
        (self.pairs[1], self.used) = (first, 2);
        self
    }

    #[cold]
    fn next_block(&mut self) {
        self.k = self.k.wrapping_add(1);
        let [w0, w1, w2, w3] = philox4x32(counter(self.index, self.k, self.draw), self.key);
        self.pairs = [
            u64::from(w0) | u64::from(w1) << 32,
            u64::from(w2) | u64::from(w3) << 32,
        ];
        self.used = 0;
    }
}

impl TryRng for ElementRng {
    type Error = Infallible;

    #[inline]
    fn try_next_u32(&mut self) -> std::result::Result<u32, Infallible> {
        if self.used == 4 {
            self.next_block();
        }
        let pair = self.pairs[(self.used / 2) as usize];
        let word = (pair >> (32 * (self.used % 2))) as u32;
        self.used += 1;
        Ok(word)
    }

    #[inline]
    fn try_next_u64(&mut self) -> std::result::Result<u64, Infallible> {
        let pair = match self.used {
            0 => self.pairs[0],
            1 | 2 => self.pairs[1],
            _ => {
                self.next_block();
                self.pairs[0]
            }
        };
        self.used = if self.used == 0 { 2 } else { 4 };
        Ok(pair)
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> std::result::Result<(), Infallible> {
        for chunk in dst.chunks_mut(4) {
            let word = self.try_next_u32()?.to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
        Ok(())
    }
}

/// How a distribution samples one element from its sequence: given its
/// first word, and a maker of the rest for when that is not enough (built
/// only then: the common case needs no generator in memory).
pub(crate) trait SampleElement<T>: Clone + Send + Sync + 'static {
    fn sample_element(&self, first: u64, rest: impl FnOnce() -> ElementRng) -> T;
}

/// Any `rand` distribution, sampling through the element's whole sequence.
#[derive(Clone)]
pub(crate) struct Sequence<D>(pub D);

impl<T, D: Distribution<T> + Clone + Send + Sync + 'static> SampleElement<T> for Sequence<D> {
    #[inline]
    fn sample_element(&self, first: u64, rest: impl FnOnce() -> ElementRng) -> T {
        self.0.sample(&mut rest().with_first(first))
    }
}

/// A function of the element's whole sequence: a `rand` distribution's
/// sample transformed to numpy's convention (shifted, scaled, converted to
/// `i64`), or several samples combined.
#[derive(Clone)]
pub(crate) struct SequenceFn<F>(pub F);

impl<T, F> SampleElement<T> for SequenceFn<F>
where
    F: Fn(&mut ElementRng) -> T + Clone + Send + Sync + 'static,
{
    #[inline]
    fn sample_element(&self, first: u64, rest: impl FnOnce() -> ElementRng) -> T {
        (self.0)(&mut rest().with_first(first))
    }
}

/// Element `index` of the `draw`-th array of `key` sampled from `dist`
/// alone, as a random array of any shape holding that index has it: for
/// algorithms that need values of a whole draw in one task.
pub(crate) fn sample_at<T>(
    dist: &impl SampleElement<T>,
    key: [u32; 2],
    draw: u32,
    index: u64,
) -> T {
    let [w0, w1, w2, w3] = philox4x32(counter(index >> 1, 0, draw), key);
    let (lo, hi) = if index & 1 == 0 { (w0, w1) } else { (w2, w3) };
    let first = u64::from(lo) | u64::from(hi) << 32;
    dist.sample_element(first, || ElementRng::after_first(key, draw, index))
}

impl SampleElement<f64> for StandardNormal {
    #[inline(always)]
    fn sample_element(&self, first: u64, rest: impl FnOnce() -> ElementRng) -> f64 {
        StandardNormal::sample_first(first, rest)
    }
}

impl SampleElement<f64> for ScaledNormal {
    #[inline(always)]
    fn sample_element(&self, first: u64, rest: impl FnOnce() -> ElementRng) -> f64 {
        self.mean + self.std * StandardNormal::sample_first(first, rest)
    }
}

/// The Philox key of a seed.
pub(crate) fn key_of(seed: u64) -> [u32; 2] {
    [seed as u32, (seed >> 32) as u32]
}

/// A random array of `shape`: `dist` sampled from each element's sequence.
pub(crate) struct RandomKernel<T, D> {
    pub dist: D,
    pub seed: u64,
    pub draw: u32,
    pub shape: Vec<usize>,
    pub label: String,
    pub _elem: std::marker::PhantomData<fn() -> T>,
}

/// Elements per batch of first blocks: long enough for the batched Philox,
/// short enough to stay in L1.
const BATCH: usize = 1024;

/// Samples of the elements a strided read walks, in its C order. The
/// element index is affine in the output position, so a row is an
/// arithmetic progression of indices.
struct RandomSource<D> {
    dist: D,
    key: [u32; 2],
    draw: u32,
    /// Output positions with the last axis collapsed: one per row.
    rows: Odometer,
    /// Element index of output position 0, and its step per output axis.
    base: i64,
    steps: Vec<i64>,
    row_len: usize,
    /// Elements of the current row already made, and its first index.
    done: usize,
    row_start: i64,
    indices: Vec<u64>,
    /// The counters `j` whose blocks the batch needs, and the blocks.
    js: Vec<u64>,
    pairs: Pairs,
    /// First words of a row's elements, in order.
    firsts: Vec<u64>,
}

impl<D> RandomSource<D> {
    fn start_of_row(&self) -> i64 {
        let at = self.rows.index();
        self.base
            + at.iter()
                .zip(&self.steps)
                .map(|(&p, &s)| p as i64 * s)
                .sum::<i64>()
    }
}

impl<T: Element, D: SampleElement<T>> StripSource<T> for RandomSource<D> {
    fn fill(&mut self, out: &mut Vec<T>, mut n: usize) {
        out.reserve(n);
        let step = self.steps.last().copied().unwrap_or(0);
        while n > 0 {
            let m = n.min(self.row_len - self.done).min(BATCH);
            let first = self.row_start + self.done as i64 * step;
            let (key, draw, dist) = (self.key, self.draw, &self.dist);
            // Element i's first word is half i mod 2 of block i div 2: a
            // row needs each block once, other walks one block per element.
            self.js.clear();
            if step == 1 {
                let first = first as u64;
                let j0 = first >> 1;
                self.js.extend(j0..=(first + m as u64 - 1) >> 1);
                let needed = self.js.len();
                blocks(key, draw, &mut self.js, &mut self.pairs);
                halves_in_order(&self.pairs, needed, &mut self.firsts);
                let skip = (first - 2 * j0) as usize;
                let words = &self.firsts[skip..skip + m];
                widest(
                    #[inline(always)]
                    || {
                        out.extend(words.iter().zip(first..).map(|(&word, index)| {
                            dist.sample_element(word, || ElementRng::after_first(key, draw, index))
                        }))
                    },
                );
            } else {
                self.indices.clear();
                self.indices
                    .extend((0..m as i64).map(|j| (first + j * step) as u64));
                self.js.extend(self.indices.iter().map(|&i| i >> 1));
                blocks(key, draw, &mut self.js, &mut self.pairs);
                let pairs = &self.pairs;
                out.extend(self.indices.iter().enumerate().map(|(e, &index)| {
                    let first = pairs[(index & 1) as usize][e];
                    dist.sample_element(first, || ElementRng::after_first(key, draw, index))
                }));
            }
            n -= m;
            self.done += m;
            if self.done == self.row_len {
                self.done = 0;
                self.rows.advance();
                self.row_start = self.start_of_row();
            }
        }
    }
}

impl<T: Element, D: SampleElement<T>> SourceKernel for RandomKernel<T, D> {
    fn label(&self) -> String {
        self.label.clone()
    }
    fn key(&self) -> Option<String> {
        Some(self.label.clone())
    }
    fn cheap(&self) -> bool {
        // Drawing again costs a few ns per element; storing costs the whole
        // array's memory. Recompute.
        true
    }
    fn open(&self, region: &Region, _block: &[usize]) -> Result<AnySource> {
        self.open_view(&Strided::region(region))
    }
    /// Any element can be drawn alone: transposes, broadcasts and strided
    /// slices read the draw directly.
    fn viewable(&self) -> bool {
        true
    }
    fn open_view(&self, read: &Strided) -> Result<AnySource> {
        // C-order strides of the whole array (its size fits in isize).
        let mut strides = vec![1_i64; self.shape.len()];
        for a in (0..self.shape.len().saturating_sub(1)).rev() {
            strides[a] = strides[a + 1] * self.shape[a + 1] as i64;
        }
        let base = read
            .start
            .iter()
            .zip(&strides)
            .map(|(&i, &s)| i as i64 * s)
            .sum();
        let steps = read
            .axes
            .iter()
            .zip(&read.steps)
            .map(|(axis, &step)| axis.map_or(0, |a| step as i64 * strides[a]))
            .collect();
        let mut row_shape = read.shape.clone();
        let row_len = match row_shape.last_mut() {
            Some(last) => std::mem::replace(last, 1),
            None => 1,
        };
        let mut source = RandomSource {
            dist: self.dist.clone(),
            key: key_of(self.seed),
            draw: self.draw,
            rows: Odometer::new(&vec![0; row_shape.len()], &row_shape),
            base,
            steps,
            row_len,
            done: 0,
            row_start: base,
            indices: Vec::with_capacity(BATCH),
            js: Vec::with_capacity(BATCH),
            pairs: Pairs::default(),
            firsts: Vec::with_capacity(BATCH + 2),
        };
        source.row_start = source.start_of_row();
        Ok(erase::<T>(Box::new(source)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn an_elements_sequence_is_its_first_word_then_its_blocks() {
        let key = key_of(0x0123_4567_89ab_cdef);
        // Element 99: half 1 of block (49, 0), then blocks (99, 1), (99, 2).
        let [_, _, f2, f3] = philox4x32(counter(49, 0, 3), key);
        let b1 = philox4x32(counter(99, 1, 3), key);
        let b2 = philox4x32(counter(99, 2, 3), key);
        let pair = |lo: u32, hi: u32| u64::from(lo) | u64::from(hi) << 32;
        let mut rng = ElementRng::after_first(key, 3, 99).with_first(pair(f2, f3));
        assert_eq!(rng.next_u64(), pair(f2, f3));
        assert_eq!(rng.next_u32(), b1[0]);
        // A u64 is an aligned pair: word 1 is skipped for words 2 and 3.
        assert_eq!(rng.next_u64(), pair(b1[2], b1[3]));
        assert_eq!(rng.next_u64(), pair(b2[0], b2[1]));
        assert_eq!(rng.next_u32(), b2[2]);
    }
}
