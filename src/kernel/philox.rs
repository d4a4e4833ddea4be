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

/// Blocks of a batch of counters `[j mod 2^32, j div 2^32, 0, draw]`, as
/// their two 64-bit halves: `pairs[0][n]` is words 0 | 1 << 32 of the
/// block of the `n`-th `j`, `pairs[1][n]` words 2 | 3 << 32.
pub(crate) type Pairs = [Vec<u64>; 2];

/// The first 64-bit word of each element of a row: element `i` takes half
/// `i mod 2` of block `i div 2`. `firsts` gets `2 * js.len()` words, in
/// element order from element `2 * js[0]` (the `js` must be consecutive).
pub(crate) fn halves_in_order(pairs: &Pairs, blocks: usize, firsts: &mut Vec<u64>) {
    firsts.clear();
    firsts.extend(
        pairs[0][..blocks]
            .iter()
            .zip(&pairs[1][..blocks])
            .flat_map(|(&a, &b)| [a, b]),
    );
}

/// Counters per vectorized step: two vectors, interleaved so the
/// multiplications of one round overlap instead of waiting on each other.
#[cfg(target_arch = "x86_64")]
const AVX2_STEP: usize = 16;
#[cfg(target_arch = "x86_64")]
const AVX512_STEP: usize = 64;

/// The blocks `(j, 0, draw)` under `key` of every `j` in `js`, into
/// `pairs`. AVX-512 or AVX2 where the CPU has them (the same bits as the
/// portable loop); then `js` and `pairs` may be padded past the `js` given
/// to a whole number of vector steps (a scalar tail would cost more).
#[allow(unsafe_code)] // calling the SIMD paths once the CPU is known to have them
pub(crate) fn blocks(key: [u32; 2], draw: u32, js: &mut Vec<u64>, pairs: &mut Pairs) {
    #[cfg(target_arch = "x86_64")]
    {
        let avx512 = std::arch::is_x86_feature_detected!("avx512f");
        let step = if avx512 { AVX512_STEP } else { AVX2_STEP };
        if avx512 || std::arch::is_x86_feature_detected!("avx2") {
            if let Some(&last) = js.last() {
                js.resize(js.len().next_multiple_of(step), last);
            }
            for p in pairs.iter_mut() {
                p.resize(js.len(), 0);
            }
            for at in (0..js.len()).step_by(step) {
                let group = &js[at..at + step];
                // SAFETY: the CPU has the instructions (checked above).
                unsafe {
                    if avx512 {
                        simd::avx512(key, draw, group, pairs, at);
                    } else {
                        simd::avx2(key, draw, group, pairs, at);
                    }
                }
            }
            return;
        }
    }
    for p in pairs.iter_mut() {
        p.resize(js.len(), 0);
    }
    for (n, &j) in js.iter().enumerate() {
        let [w0, w1, w2, w3] = philox4x32(counter(j, 0, draw), key);
        pairs[0][n] = u64::from(w0) | u64::from(w1) << 32;
        pairs[1][n] = u64::from(w2) | u64::from(w3) << 32;
    }
}

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)] // unaligned SIMD loads and stores of local arrays
mod simd {
    use super::{Pairs, AVX2_STEP, AVX512_STEP, M0, M1, ROUNDS, W0, W1};
    use std::arch::x86_64::*;

    /// The round keys of `key`.
    fn round_keys(key: [u32; 2]) -> [[u32; 2]; ROUNDS] {
        let mut k = key;
        std::array::from_fn(|round| {
            if round > 0 {
                k = [k[0].wrapping_add(W0), k[1].wrapping_add(W1)];
            }
            k
        })
    }

    /// Low and high 32 bits of each `j`, and where the halves of the
    /// results go.
    fn split<const N: usize>(js: &[u64]) -> ([u32; N], [u32; N]) {
        (
            std::array::from_fn(|n| js[n] as u32),
            std::array::from_fn(|n| (js[n] >> 32) as u32),
        )
    }

    fn store<const N: usize>(words: [[u32; N]; 4], pairs: &mut Pairs, at: usize) {
        for n in 0..N {
            pairs[0][at + n] = u64::from(words[0][n]) | u64::from(words[1][n]) << 32;
            pairs[1][at + n] = u64::from(words[2][n]) | u64::from(words[3][n]) << 32;
        }
    }

    /// Sixteen counters, two vectors of eight lanes.
    #[target_feature(enable = "avx2")]
    pub(super) fn avx2(key: [u32; 2], draw: u32, js: &[u64], pairs: &mut Pairs, at: usize) {
        #[inline]
        #[target_feature(enable = "avx2")]
        fn mulhilo(a: __m256i, m: __m256i) -> (__m256i, __m256i) {
            let even = _mm256_mul_epu32(a, m);
            let odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), m);
            let lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0b1010_1010);
            let hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0b1010_1010);
            (hi, lo)
        }
        let (lo, hi) = split::<AVX2_STEP>(js);
        // SAFETY: unaligned loads of eight u32 at 0 and 8 of arrays of 16.
        let (mut a0, mut b0, mut a1, mut b1) = unsafe {
            (
                _mm256_loadu_si256(lo.as_ptr().cast()),
                _mm256_loadu_si256(lo.as_ptr().add(8).cast()),
                _mm256_loadu_si256(hi.as_ptr().cast()),
                _mm256_loadu_si256(hi.as_ptr().add(8).cast()),
            )
        };
        let (mut a2, mut b2) = (_mm256_setzero_si256(), _mm256_setzero_si256());
        let (mut a3, mut b3) = (
            _mm256_set1_epi32(draw as i32),
            _mm256_set1_epi32(draw as i32),
        );
        let (m0, m1) = (_mm256_set1_epi32(M0 as i32), _mm256_set1_epi32(M1 as i32));
        for [k0, k1] in round_keys(key) {
            let (k0, k1) = (_mm256_set1_epi32(k0 as i32), _mm256_set1_epi32(k1 as i32));
            let (ah0, al0) = mulhilo(a0, m0);
            let (bh0, bl0) = mulhilo(b0, m0);
            let (ah1, al1) = mulhilo(a2, m1);
            let (bh1, bl1) = mulhilo(b2, m1);
            (a0, a1, a2, a3) = (
                _mm256_xor_si256(_mm256_xor_si256(ah1, a1), k0),
                al1,
                _mm256_xor_si256(_mm256_xor_si256(ah0, a3), k1),
                al0,
            );
            (b0, b1, b2, b3) = (
                _mm256_xor_si256(_mm256_xor_si256(bh1, b1), k0),
                bl1,
                _mm256_xor_si256(_mm256_xor_si256(bh0, b3), k1),
                bl0,
            );
        }
        let mut words = [[0u32; AVX2_STEP]; 4];
        for (w, (a, b)) in words
            .iter_mut()
            .zip([(a0, b0), (a1, b1), (a2, b2), (a3, b3)])
        {
            // SAFETY: unaligned stores of eight u32 at 0 and 8 of arrays of 16.
            unsafe {
                _mm256_storeu_si256(w.as_mut_ptr().cast(), a);
                _mm256_storeu_si256(w.as_mut_ptr().add(8).cast(), b);
            }
        }
        store(words, pairs, at);
    }

    /// `AVX512_STEP` counters: vectors of sixteen lanes, interleaved.
    #[target_feature(enable = "avx512f")]
    pub(super) fn avx512(key: [u32; 2], draw: u32, js: &[u64], pairs: &mut Pairs, at: usize) {
        #[inline]
        #[target_feature(enable = "avx512f")]
        fn mulhilo(a: __m512i, m: __m512i) -> (__m512i, __m512i) {
            let even = _mm512_mul_epu32(a, m);
            let odd = _mm512_mul_epu32(_mm512_srli_epi64(a, 32), m);
            let lo = _mm512_mask_blend_epi32(0xAAAA, even, _mm512_slli_epi64(odd, 32));
            let hi = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(even, 32), odd);
            (hi, lo)
        }
        const V: usize = AVX512_STEP / 16;
        // The low and high halves of the 64-bit counters, as u32 lanes.
        // SAFETY: unaligned loads of eight u64 inside a slice of AVX512_STEP.
        let j: [__m512i; 2 * V] =
            std::array::from_fn(|q| unsafe { _mm512_loadu_si512(js.as_ptr().add(8 * q).cast()) });
        let halves = |x: __m512i, y: __m512i| {
            let lo = _mm512_castsi256_si512(_mm512_cvtepi64_epi32(x));
            _mm512_inserti64x4(lo, _mm512_cvtepi64_epi32(y), 1)
        };
        let high = |x: __m512i| _mm512_srli_epi64(x, 32);
        let mut c0: [__m512i; V] = std::array::from_fn(|v| halves(j[2 * v], j[2 * v + 1]));
        let mut c1: [__m512i; V] =
            std::array::from_fn(|v| halves(high(j[2 * v]), high(j[2 * v + 1])));
        let mut c2 = [_mm512_setzero_si512(); V];
        let mut c3 = [_mm512_set1_epi32(draw as i32); V];
        let (m0, m1) = (_mm512_set1_epi32(M0 as i32), _mm512_set1_epi32(M1 as i32));
        for [k0, k1] in round_keys(key) {
            let (k0, k1) = (_mm512_set1_epi32(k0 as i32), _mm512_set1_epi32(k1 as i32));
            for v in 0..V {
                let (h0, l0) = mulhilo(c0[v], m0);
                let (h1, l1) = mulhilo(c2[v], m1);
                (c0[v], c1[v], c2[v], c3[v]) = (
                    _mm512_xor_si512(_mm512_xor_si512(h1, c1[v]), k0),
                    l1,
                    _mm512_xor_si512(_mm512_xor_si512(h0, c3[v]), k1),
                    l0,
                );
            }
        }
        // Words 0, 1 (and 2, 3) of each block as one u64, in block order:
        // unpacking pairs blocks 0, 1, 4, 5, ... and 2, 3, 6, 7, ...
        let first = _mm512_setr_epi64(0, 1, 8, 9, 2, 3, 10, 11);
        let second = _mm512_setr_epi64(4, 5, 12, 13, 6, 7, 14, 15);
        for (half, (x, y)) in [(c0, c1), (c2, c3)].into_iter().enumerate() {
            let out = &mut pairs[half][at..at + AVX512_STEP];
            for v in 0..V {
                let (lo, hi) = (
                    _mm512_unpacklo_epi32(x[v], y[v]),
                    _mm512_unpackhi_epi32(x[v], y[v]),
                );
                // SAFETY: unaligned stores of eight u64 at 16v and 16v + 8
                // of a slice of AVX512_STEP.
                unsafe {
                    let to = out.as_mut_ptr().add(16 * v);
                    _mm512_storeu_si512(to.cast(), _mm512_permutex2var_epi64(lo, first, hi));
                    _mm512_storeu_si512(
                        to.add(8).cast(),
                        _mm512_permutex2var_epi64(lo, second, hi),
                    );
                }
            }
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

    #[cfg(target_arch = "x86_64")]
    #[test]
    #[allow(unsafe_code)]
    fn avx2_gives_the_scalar_bits_where_avx512_is_used() {
        if !std::arch::is_x86_feature_detected!("avx2") {
            return;
        }
        let key = [7, 0xffff_ffff];
        let js: Vec<u64> = (0..AVX2_STEP as u64)
            .map(|n| n * 1_000_003 + (1 << 35))
            .collect();
        let mut pairs = [vec![0; AVX2_STEP], vec![0; AVX2_STEP]];
        // SAFETY: AVX2 is present (checked above).
        unsafe { simd::avx2(key, 3, &js, &mut pairs, 0) };
        for (n, &j) in js.iter().enumerate() {
            let [w0, w1, w2, w3] = philox4x32(counter(j, 0, 3), key);
            assert_eq!(pairs[0][n], u64::from(w0) | u64::from(w1) << 32);
            assert_eq!(pairs[1][n], u64::from(w2) | u64::from(w3) << 32);
        }
    }

    #[test]
    fn the_vectorized_paths_give_the_scalar_bits() {
        let key = [0x1234_5678, 0x9abc_def0];
        for start in [0_u64, 5, u32::MAX as u64 - 3, 1 << 40] {
            let mut js: Vec<u64> = (0..77).map(|n| start + n * n).collect();
            let mut pairs = Pairs::default();
            blocks(key, 7, &mut js, &mut pairs);
            assert!(js.len() >= 77 && pairs[0].len() == js.len());
            for (n, &j) in js.iter().enumerate() {
                let [w0, w1, w2, w3] = philox4x32(counter(j, 0, 7), key);
                assert_eq!(pairs[0][n], u64::from(w0) | u64::from(w1) << 32);
                assert_eq!(pairs[1][n], u64::from(w2) | u64::from(w3) << 32);
            }
        }
    }
}
