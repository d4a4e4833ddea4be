//! Random blocks: one independent Xoshiro256++ stream per block, seeded from
//! (seed, stream, block index) by SplitMix64, sampled by any `rand`
//! distribution.
//!
//! The stream of a block depends only on the seed and the block's index, so
//! values are identical whatever the thread count or task order. The seeding
//! is written out here rather than taken from `SeedableRng::seed_from_u64`, so
//! a change of that default in `rand_core` cannot change our values.

use super::{erase, AnySource, SourceKernel, StripSource};
use crate::chunks::Region;
use crate::element::Element;
use crate::error::Result;
use rand::distr::Distribution;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// One step of SplitMix64 (Steele, Lea, Flood 2014): a bijective mixer.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The generator of block `block` of the `stream`-th array drawn from `seed`.
pub(crate) fn block_rng(seed: u64, stream: u64, block: &[usize]) -> Xoshiro256PlusPlus {
    let mut state = seed;
    let mut key = splitmix64(&mut state);
    for i in std::iter::once(stream).chain(block.iter().map(|&i| i as u64)) {
        // Fold in each coordinate, mixing in between, so (1, 0) and (0, 1) differ.
        state = key ^ i;
        key = splitmix64(&mut state);
    }
    state = key;
    let mut seed_bytes = [0u8; 32];
    for word in seed_bytes.chunks_exact_mut(8) {
        word.copy_from_slice(&splitmix64(&mut state).to_le_bytes());
    }
    Xoshiro256PlusPlus::from_seed(seed_bytes)
}

/// A random array: `dist` sampled in C order of each block.
pub(crate) struct RandomKernel<T, D> {
    pub dist: D,
    pub seed: u64,
    pub stream: u64,
    pub label: String,
    pub _elem: std::marker::PhantomData<fn() -> T>,
}

struct RandomSource<D> {
    rng: Xoshiro256PlusPlus,
    dist: D,
}

impl<T: Element, D: Distribution<T> + Send> StripSource<T> for RandomSource<D> {
    fn fill(&mut self, out: &mut Vec<T>, n: usize) {
        let rng = &mut self.rng;
        let dist = &self.dist;
        out.extend((0..n).map(|_| dist.sample(rng)));
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
    fn whole_blocks_only(&self) -> bool {
        true
    }
    fn open(&self, _region: &Region, block: &[usize]) -> Result<AnySource> {
        Ok(erase::<T>(Box::new(RandomSource {
            rng: block_rng(self.seed, self.stream, block),
            dist: self.dist.clone(),
        })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn streams_are_pinned() {
        // If this fails, every random array of every user changes: only
        // acceptable with a major version and a changelog entry.
        let mut rng = block_rng(42, 0, &[0, 0]);
        assert_eq!(rng.next_u64(), 520_485_293_998_189_363);
    }

    #[test]
    fn blocks_get_different_streams() {
        let first = |b: &[usize]| block_rng(7, 0, b).next_u64();
        assert_ne!(first(&[0, 1]), first(&[1, 0]));
        assert_ne!(first(&[0]), first(&[1]));
        assert_ne!(
            block_rng(1, 0, &[0]).next_u64(),
            block_rng(2, 0, &[0]).next_u64()
        );
        assert_ne!(
            block_rng(1, 0, &[0]).next_u64(),
            block_rng(1, 1, &[0]).next_u64()
        );
    }
}
