//! Loops compiled for the widest vectors the CPU has: the crate is built
//! for baseline x86-64 (two doubles per instruction), so a hot loop is
//! compiled again inside a function enabling AVX2 (four) and picked at run
//! time. Elementwise arithmetic rounds each element alone and no fused
//! multiply-add is formed unasked, so the bits do not depend on the path.

/// `run()` with AVX2 enabled when the CPU has it. Mark the closure
/// `#[inline(always)]`: it is then inlined into the function enabling AVX2,
/// and its loops are compiled for it (a closure left out of line is
/// compiled for the baseline, and the call gains nothing).
#[inline(always)]
#[allow(unsafe_code)] // calling the AVX2 version once the CPU is known to have it
pub(crate) fn widest<R>(run: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2 (checked just above).
        return unsafe { avx2(run) };
    }
    run()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
#[allow(unsafe_code)] // a function enabling CPU features is unsafe to call
unsafe fn avx2<R>(run: impl FnOnce() -> R) -> R {
    run()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wide_path_gives_the_bits_of_the_baseline_one() {
        // Products, sums and divisions of values of every magnitude: a
        // contracted multiply-add or a reordered sum would change bits.
        let x: Vec<f64> = (0..1037_u64)
            .map(|i| {
                let h = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 11;
                (h as f64 / (1_u64 << 53) as f64 - 0.5) * 10f64.powi((i % 17) as i32 - 8)
            })
            .collect();
        let chain = |a: f64| ((a * 2.0 + 1.0) * (a * 2.0 + 1.0) - a) / 3.0;
        let sum8 = |v: &[f64]| {
            let mut lanes = [0.0; 8];
            for c in v.chunks_exact(8) {
                for (l, &x) in lanes.iter_mut().zip(c) {
                    *l += x;
                }
            }
            lanes
        };
        for n in [0, 1, 7, 8, 9, 128, 1037] {
            let v = &x[..n];
            let baseline: Vec<f64> = v.iter().map(|&a| chain(a)).collect();
            let wide: Vec<f64> = widest(
                #[inline(always)]
                || v.iter().map(|&a| chain(a)).collect(),
            );
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&wide), bits(&baseline), "map of {n}");
            assert_eq!(
                bits(&widest(
                    #[inline(always)]
                    || sum8(v)
                )),
                bits(&sum8(v)),
                "sum of {n}"
            );
        }
    }
}
