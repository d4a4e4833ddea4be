//! Philox4x32-10 (Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as
//! easy as 1, 2, 3", SC 2011): a counter-based generator, a keyed bijection
//! of a 128-bit counter, that passes TestU01's BigCrush. It is the generator
//! of cuRAND, TensorFlow and JAX's GPU paths; ours follows the paper and
//! Random123's known-answer vectors bit for bit (see the tests).
//!
//! Counter-based means a random array needs no stream state: the bits of
//! element `i` are `philox(counter = (i, k, draw), key = seed)`, whatever
//! block or thread computes them. Many first blocks are computed at once
//! with AVX2 where the CPU has it (detected at run time), with the same bits
//! as the portable code.

const M0: u32 = 0xD251_1F53;
const M1: u32 = 0xCD9E_8D57;
const W0: u32 = 0x9E37_79B9;
const W1: u32 = 0xBB67_AE85;
const ROUNDS: usize = 10;

/// Philox4x32-10 of `counter` under `key`.
#[inline]
pub(crate) fn philox4x32(counter: [u32; 4], key: [u32; 2]) -> [u32; 4] {
    let [mut c0, mut c1, mut c2, mut c3] = counter;
    let [mut k0, mut k1] = key;
    for round in 0..ROUNDS {
        if round > 0 {
            k0 = k0.wrapping_add(W0);
            k1 = k1.wrapping_add(W1);
        }
        let p0 = u64::from(M0) * u64::from(c0);
        let p1 = u64::from(M1) * u64::from(c2);
        (c0, c1, c2, c3) = (
            (p1 >> 32) as u32 ^ c1 ^ k0,
            p1 as u32,
            (p0 >> 32) as u32 ^ c3 ^ k1,
            p0 as u32,
        );
    }
    [c0, c1, c2, c3]
}

/// The counter of word group `k` of element `index` in draw `draw`.
#[inline]
pub(crate) fn counter(index: u64, k: u32, draw: u32) -> [u32; 4] {
    [index as u32, (index >> 32) as u32, k, draw]
}

/// The first block (`k = 0`) of each element of `indices`: `out[j]` for
/// element `indices[j]` (the two have one length).
#[allow(unsafe_code)] // calling the AVX2 path once the CPU is known to have it
pub(crate) fn first_blocks(key: [u32; 2], draw: u32, indices: &[u64], out: &mut [[u32; 4]]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        let whole = out.len() / 8 * 8;
        let (simd, rest) = out.split_at_mut(whole);
        for (group, at) in simd.chunks_exact_mut(8).zip(indices.chunks_exact(8)) {
            // SAFETY: AVX2 is present (checked just above).
            unsafe { avx2::eight(key, draw, at, group) };
        }
        scalar(key, draw, &indices[whole..], rest);
        return;
    }
    scalar(key, draw, indices, out);
}

fn scalar(key: [u32; 2], draw: u32, indices: &[u64], out: &mut [[u32; 4]]) {
    for (block, &index) in out.iter_mut().zip(indices) {
        *block = philox4x32(counter(index, 0, draw), key);
    }
}

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)] // unaligned SIMD loads and stores of local arrays
mod avx2 {
    use super::{M0, M1, ROUNDS, W0, W1};
    use std::arch::x86_64::*;

    /// High and low halves of `a * m`, lane by lane (eight u32 lanes).
    #[inline]
    #[target_feature(enable = "avx2")]
    fn mulhilo(a: __m256i, m: __m256i) -> (__m256i, __m256i) {
        let even = _mm256_mul_epu32(a, m);
        let odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), m);
        let lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0b1010_1010);
        let hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0b1010_1010);
        (hi, lo)
    }

    /// The first blocks of the eight elements of `index`.
    #[target_feature(enable = "avx2")]
    pub(super) fn eight(key: [u32; 2], draw: u32, index: &[u64], out: &mut [[u32; 4]]) {
        let lo: [u32; 8] = std::array::from_fn(|j| index[j] as u32);
        let hi: [u32; 8] = std::array::from_fn(|j| (index[j] >> 32) as u32);
        // SAFETY: unaligned loads of eight u32 from arrays of eight.
        let (mut c0, mut c1) = unsafe {
            (
                _mm256_loadu_si256(lo.as_ptr().cast()),
                _mm256_loadu_si256(hi.as_ptr().cast()),
            )
        };
        let mut c2 = _mm256_setzero_si256();
        let mut c3 = _mm256_set1_epi32(draw as i32);
        let (m0, m1) = (_mm256_set1_epi32(M0 as i32), _mm256_set1_epi32(M1 as i32));
        let [mut k0, mut k1] = key;
        for round in 0..ROUNDS {
            if round > 0 {
                k0 = k0.wrapping_add(W0);
                k1 = k1.wrapping_add(W1);
            }
            let (hi0, lo0) = mulhilo(c0, m0);
            let (hi1, lo1) = mulhilo(c2, m1);
            let key0 = _mm256_set1_epi32(k0 as i32);
            let key1 = _mm256_set1_epi32(k1 as i32);
            (c0, c1, c2, c3) = (
                _mm256_xor_si256(_mm256_xor_si256(hi1, c1), key0),
                lo1,
                _mm256_xor_si256(_mm256_xor_si256(hi0, c3), key1),
                lo0,
            );
        }
        let mut words = [[0u32; 8]; 4];
        // SAFETY: unaligned stores of eight u32 into arrays of eight.
        unsafe {
            for (w, c) in words.iter_mut().zip([c0, c1, c2, c3]) {
                _mm256_storeu_si256(w.as_mut_ptr().cast(), c);
            }
        }
        for (j, block) in out.iter_mut().enumerate() {
            *block = [words[0][j], words[1][j], words[2][j], words[3][j]];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_answers_of_random123() {
        // kat_vectors of Random123 1.09 for philox4x32_10.
        assert_eq!(
            philox4x32([0; 4], [0; 2]),
            [0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8]
        );
        assert_eq!(
            philox4x32([u32::MAX; 4], [u32::MAX; 2]),
            [0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd]
        );
        assert_eq!(
            philox4x32(
                [0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344],
                [0xa409_3822, 0x299f_31d0]
            ),
            [0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1]
        );
    }

    #[test]
    fn the_batched_path_gives_the_scalar_bits() {
        let key = [0x1234_5678, 0x9abc_def0];
        for start in [0_u64, 5, u32::MAX as u64 - 3, 1 << 40] {
            let indices: Vec<u64> = (0..37).map(|j| start + j * j).collect();
            let mut batched = vec![[0u32; 4]; 37];
            first_blocks(key, 7, &indices, &mut batched);
            for (block, &index) in batched.iter().zip(&indices) {
                assert_eq!(*block, philox4x32(counter(index, 0, 7), key));
            }
        }
    }
}
