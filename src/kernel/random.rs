//! Random arrays whose values depend only on the seed, the draw and the
//! element's index: element `i` (C order over the whole array) of the
//! `draw`-th array drawn from `seed` is sampled from its own sequence of
//! Philox4x32-10 blocks, `philox(counter = (i, k, draw), key = seed)` for
//! `k = 0, 1, ...` ([`ElementRng`]). No block, thread, slice or chunking
//! enters, so any part of an array can be drawn alone, and identically.

use super::cursor::Odometer;
use super::philox::{counter, first_blocks, philox4x32};
use super::{erase, AnySource, SourceKernel, StripSource};
use crate::chunks::Region;
use crate::element::Element;
use crate::error::Result;
use crate::view::Strided;
use rand::distr::Distribution;
use rand::TryRng;
use std::convert::Infallible;

/// The random sequence of one element: its Philox blocks `k = 0, 1, ...`,
/// four 32-bit words each, handed out in order (a `u64` is two words, low
/// first; one that would straddle two blocks starts the next block).
pub(crate) struct ElementRng {
    key: [u32; 2],
    draw: u32,
    index: u64,
    k: u32,
    words: [u32; 4],
    used: usize,
}

impl ElementRng {
    /// The sequence of element `index`, whose first block is `first`.
    #[inline]
    pub fn new(key: [u32; 2], draw: u32, index: u64, first: [u32; 4]) -> Self {
        ElementRng {
            key,
            draw,
            index,
            k: 0,
            words: first,
            used: 0,
        }
    }

    #[cold]
    fn next_block(&mut self) {
        self.k = self.k.wrapping_add(1);
        self.words = philox4x32(counter(self.index, self.k, self.draw), self.key);
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
        self.used += 1;
        Ok(self.words[self.used - 1])
    }

    #[inline]
    fn try_next_u64(&mut self) -> std::result::Result<u64, Infallible> {
        if self.used > 2 {
            self.next_block();
        }
        let (lo, hi) = (self.words[self.used], self.words[self.used + 1]);
        self.used += 2;
        Ok(u64::from(lo) | (u64::from(hi) << 32))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> std::result::Result<(), Infallible> {
        for chunk in dst.chunks_mut(4) {
            let word = self.try_next_u32()?.to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
        Ok(())
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
const BATCH: usize = 256;

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
    blocks: Vec<[u32; 4]>,
}

impl<D> RandomSource<D> {
    fn row_start(&self) -> i64 {
        let at = self.rows.index();
        self.base
            + at.iter()
                .zip(&self.steps)
                .map(|(&p, &s)| p as i64 * s)
                .sum::<i64>()
    }
}

impl<T: Element, D: Distribution<T> + Send> StripSource<T> for RandomSource<D> {
    fn fill(&mut self, out: &mut Vec<T>, mut n: usize) {
        out.reserve(n);
        let step = self.steps.last().copied().unwrap_or(0);
        while n > 0 {
            let m = n.min(self.row_len - self.done).min(BATCH);
            let first = self.row_start + self.done as i64 * step;
            self.indices.clear();
            self.indices
                .extend((0..m as i64).map(|j| (first + j * step) as u64));
            self.blocks.resize(m, [0; 4]);
            first_blocks(self.key, self.draw, &self.indices, &mut self.blocks);
            for (&index, &block) in self.indices.iter().zip(&self.blocks) {
                let mut rng = ElementRng::new(self.key, self.draw, index, block);
                out.push(self.dist.sample(&mut rng));
            }
            n -= m;
            self.done += m;
            if self.done == self.row_len {
                self.done = 0;
                self.rows.advance();
                self.row_start = self.row_start();
            }
        }
    }
}

impl<T: Element, D: Distribution<T> + Clone + Send + Sync + 'static> SourceKernel
    for RandomKernel<T, D>
{
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
            blocks: Vec::with_capacity(BATCH),
        };
        source.row_start = source.row_start();
        Ok(erase::<T>(Box::new(source)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn an_elements_sequence_is_its_philox_blocks_in_order() {
        let key = key_of(0x0123_4567_89ab_cdef);
        let first = philox4x32(counter(99, 0, 3), key);
        let second = philox4x32(counter(99, 1, 3), key);
        let mut rng = ElementRng::new(key, 3, 99, first);
        assert_eq!(
            rng.next_u64(),
            u64::from(first[0]) | u64::from(first[1]) << 32
        );
        assert_eq!(rng.next_u32(), first[2]);
        // A u64 does not straddle blocks: the odd word left is skipped.
        assert_eq!(
            rng.next_u64(),
            u64::from(second[0]) | u64::from(second[1]) << 32
        );
        assert_eq!(rng.next_u32(), second[2]);
        assert_eq!(rng.next_u32(), second[3]);
    }
}
