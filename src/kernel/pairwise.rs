//! Pairwise (cascade) summation: error grows with log2(n) instead of n, at the
//! speed of a plain loop because the leaves are 8-lane unrolled runs of up to
//! 128 elements (the scheme numpy uses).

use crate::element::Accumulator;

const LEAF: usize = 128;
const LANES: usize = 8;

/// The sum of `x`, each value converted by `widen` (the identity for floats,
/// so the loop is the same as summing `x` itself), pairwise; and whether an
/// addition overflowed (integers only). The flag is or-ed, not branched on,
/// so the leaves stay branch-free. The whole recursion is compiled for AVX2
/// too and chosen when the CPU has it (the same additions in the same
/// order, so the same bits), so every leaf is inlined in either.
#[allow(unsafe_code)] // calling the AVX2 version once the CPU is known to have it
pub(crate) fn pairwise_sum<T: Copy, S: Accumulator>(
    x: &[T],
    widen: impl Fn(T) -> S + Copy,
) -> (S, bool) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2 (checked just above).
        return unsafe { pairwise_avx2(x, widen) };
    }
    pairwise(x, widen)
}

/// The recursion for the CPU the crate is built for.
fn pairwise<T: Copy, S: Accumulator>(x: &[T], widen: impl Fn(T) -> S + Copy) -> (S, bool) {
    split(x, widen, |half| pairwise(half, widen))
}

/// The recursion compiled for AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[allow(unsafe_code)] // a function enabling CPU features is unsafe to call
unsafe fn pairwise_avx2<T: Copy, S: Accumulator>(
    x: &[T],
    widen: impl Fn(T) -> S + Copy,
) -> (S, bool) {
    // SAFETY: the caller made sure the CPU has AVX2.
    split(x, widen, |half| unsafe { pairwise_avx2(half, widen) })
}

/// One level of the recursion: a leaf, or the sum of the two halves
/// `sum` adds up.
#[inline(always)]
fn split<T: Copy, S: Accumulator>(
    x: &[T],
    widen: impl Fn(T) -> S + Copy,
    sum: impl Fn(&[T]) -> (S, bool),
) -> (S, bool) {
    if x.len() <= LEAF {
        return leaf_sum(x, widen);
    }
    // Split on a multiple of the lane count so leaves stay aligned.
    let mid = (x.len() / 2) / LANES * LANES;
    let (a, over_a) = sum(&x[..mid]);
    let (b, over_b) = sum(&x[mid..]);
    let (s, over) = a.overflowing_add(b);
    (s, over_a | over_b | over)
}

/// The sum of a run of up to `LEAF` values in 8 interleaved lanes, combined
/// pairwise; and whether an addition overflowed.
#[inline(always)]
fn leaf_sum<T: Copy, S: Accumulator>(x: &[T], widen: impl Fn(T) -> S) -> (S, bool) {
    let chunks = x.chunks_exact(LANES);
    let tail = chunks.remainder();
    let mut lanes = [S::zero(); LANES];
    let mut over = false;
    let mut add = |a: S, b: S| {
        let (s, o) = a.overflowing_add(b);
        over |= o;
        s
    };
    for chunk in chunks {
        for (lane, &v) in lanes.iter_mut().zip(chunk) {
            *lane = add(*lane, widen(v));
        }
    }
    let tail_sum = tail.iter().fold(S::zero(), |acc, &v| add(acc, widen(v)));
    // The loop above alone is lanes-wide vector adds; seen together with
    // the pairing below, the compiler pairs lanes 0 and 4, 1 and 5, ... in
    // half-width registers and shuffles every chunk into them.
    let [a, b, c, d, e, g, h, i] = std::hint::black_box(lanes);
    let ab = add(a, b);
    let cd = add(c, d);
    let eg = add(e, g);
    let hi = add(h, i);
    let abcd = add(ab, cd);
    let eghi = add(eg, hi);
    let lanes_sum = add(abcd, eghi);
    let sum = add(lanes_sum, tail_sum);
    (sum, over)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::element::Accumulate;

    #[test]
    #[allow(unsafe_code)] // the AVX2 path, called only where the CPU has it
    fn the_avx2_recursion_gives_the_bits_of_the_plain_one() {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            let x: Vec<f64> = (0..2100_u64)
                .map(|i| {
                    let h = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 11;
                    (h as f64 / (1_u64 << 53) as f64 - 0.5) * 10f64.powi((i % 23) as i32 - 11)
                })
                .collect();
            let big = vec![u64::MAX / 3; 300];
            for n in [0, 1, 9, 128, 129, 1000, 2048, 2100] {
                let (plain, wide) = (pairwise(&x[..n], f64::to_sum), unsafe {
                    pairwise_avx2(&x[..n], f64::to_sum)
                });
                assert_eq!(
                    (plain.0.to_bits(), plain.1),
                    (wide.0.to_bits(), wide.1),
                    "n = {n}"
                );
                let n = n.min(big.len());
                let wide = unsafe { pairwise_avx2(&big[..n], u64::to_sum) };
                assert_eq!(pairwise(&big[..n], u64::to_sum), wide, "n = {n}");
            }
        }
    }

    #[test]
    fn matches_exact_integer_sums_at_every_length() {
        for n in [0, 1, 7, 8, 9, 127, 128, 129, 1000, 4097] {
            let x: Vec<i64> = (0..n as i64).collect();
            let expected = (0..n as i64).sum::<i64>();
            assert_eq!(pairwise_sum(&x, i64::to_sum), (expected, false), "n = {n}");
            // Widened from u8: 255 * n exceeds u8 from n = 2 on.
            let x = vec![255_u8; n];
            let expected = 255 * n as u64;
            assert_eq!(pairwise_sum(&x, u8::to_sum), (expected, false), "n = {n}");
        }
    }

    #[test]
    fn reports_integer_overflow_wherever_it_happens() {
        // u64::MAX at `at` and 1 at `one` among zeros: the overflowing
        // addition is in a lane (0, 8), in the tail (9, 10), combining lanes
        // (0, 1), adding the tail to the lanes (0, 8 of 9) and combining
        // halves of a long run (0, 299).
        for (n, at, one) in [(16, 0, 8), (12, 9, 10), (8, 0, 1), (9, 0, 8), (300, 0, 299)] {
            let mut x = vec![0_u64; n];
            x[at] = u64::MAX;
            x[one] = 1;
            let (_, over) = pairwise_sum(&x, u64::to_sum);
            assert!(over, "n = {n}, MAX at {at}, 1 at {one}");
            x[one] = 0;
            assert_eq!(pairwise_sum(&x, u64::to_sum), (u64::MAX, false));
        }
    }

    #[test]
    fn is_more_accurate_than_a_loop() {
        let x = vec![0.1_f32; 1 << 20];
        let exact = 0.1_f64 as f32 as f64 * (1 << 20) as f64;
        let naive: f32 = x.iter().sum();
        let (pairwise, over) = pairwise_sum(&x, f32::to_sum);
        assert!(!over);
        assert!((pairwise as f64 - exact).abs() < 1e-3 * (naive as f64 - exact).abs());
    }
}
