//! Pairwise (cascade) summation: error grows with log2(n) instead of n, at the
//! speed of a plain loop because the leaves are 8-lane unrolled runs of up to
//! 128 elements (the scheme numpy uses).

use crate::element::Accumulate;

const LEAF: usize = 128;
const LANES: usize = 8;

/// The sum of `x`, pairwise.
pub(crate) fn pairwise_sum<T: Accumulate>(x: &[T]) -> T {
    if x.len() <= LEAF {
        return leaf_sum(x);
    }
    // Split on a multiple of the lane count so leaves stay aligned.
    let mid = (x.len() / 2) / LANES * LANES;
    pairwise_sum(&x[..mid]).add(pairwise_sum(&x[mid..]))
}

/// The sum of a run of up to `LEAF` values in 8 interleaved lanes, combined
/// pairwise.
fn leaf_sum<T: Accumulate>(x: &[T]) -> T {
    let chunks = x.chunks_exact(LANES);
    let tail = chunks.remainder();
    let mut lanes = [T::zero(); LANES];
    for chunk in chunks {
        for (lane, &v) in lanes.iter_mut().zip(chunk) {
            *lane = lane.add(v);
        }
    }
    let tail_sum = tail.iter().fold(T::zero(), |acc, &v| acc.add(v));
    let [a, b, c, d, e, g, h, i] = lanes;
    ((a.add(b)).add(c.add(d)))
        .add((e.add(g)).add(h.add(i)))
        .add(tail_sum)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_exact_integer_sums_at_every_length() {
        for n in [0, 1, 7, 8, 9, 127, 128, 129, 1000, 4097] {
            let x: Vec<i64> = (0..n as i64).collect();
            assert_eq!(pairwise_sum(&x), (0..n as i64).sum::<i64>(), "n = {n}");
        }
    }

    #[test]
    fn is_more_accurate_than_a_loop() {
        let x = vec![0.1_f32; 1 << 20];
        let exact = 0.1_f64 as f32 as f64 * (1 << 20) as f64;
        let naive: f32 = x.iter().sum();
        let pairwise = pairwise_sum(&x);
        assert!((pairwise as f64 - exact).abs() < 1e-3 * (naive as f64 - exact).abs());
    }
}
