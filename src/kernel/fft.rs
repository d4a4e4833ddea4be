//! Fourier transforms of every 1-D lane of a block along one axis (the
//! axis is one block, so a lane is whole): complex to complex with
//! `rustfft`, real to complex and back with `realfft`. Plans are made once
//! per transform and shared by the blocks.

use crate::error::{Error, Result};
use ndarray::{ArrayD, ArrayViewD, Axis, IxDyn};
use num_complex::Complex;
use num_traits::Zero;
use realfft::{ComplexToReal, RealToComplex};
use rustfft::{Fft, FftNum};

/// `buf` made the lane's first `len` values, zero-padded when it is
/// shorter (numpy's `n` crops or pads the transformed axis).
fn fill<T: Copy + Zero>(buf: &mut Vec<T>, lane: impl Iterator<Item = T>, len: usize) {
    buf.clear();
    buf.extend(lane.take(len));
    buf.resize(len, T::zero());
}

/// The block with every lane along `axis` cropped or zero-padded to the
/// length of `fft`, transformed, and multiplied by `scale`.
pub(crate) fn complex_lanes<T: FftNum>(
    block: ArrayViewD<'_, Complex<T>>,
    axis: usize,
    fft: &dyn Fft<T>,
    scale: T,
) -> ArrayD<Complex<T>> {
    let mut shape = block.shape().to_vec();
    shape[axis] = fft.len();
    let mut out = ArrayD::from_elem(IxDyn(&shape), Complex::zero());
    let mut buf = Vec::with_capacity(fft.len());
    let mut scratch = vec![Complex::zero(); fft.get_inplace_scratch_len()];
    for (lane, mut place) in block
        .lanes(Axis(axis))
        .into_iter()
        .zip(out.lanes_mut(Axis(axis)))
    {
        fill(&mut buf, lane.iter().copied(), fft.len());
        fft.process_with_scratch(&mut buf, &mut scratch);
        place
            .iter_mut()
            .zip(&buf)
            .for_each(|(o, v)| *o = *v * scale);
    }
    out
}

/// The block's real lanes along `axis`, cropped or zero-padded to the
/// transform's length `len`, to their `len / 2 + 1` non-negative
/// frequencies multiplied by `scale`.
pub(crate) fn real_to_complex_lanes<T: FftNum>(
    block: ArrayViewD<'_, T>,
    axis: usize,
    r2c: &dyn RealToComplex<T>,
    scale: T,
) -> Result<ArrayD<Complex<T>>> {
    let mut shape = block.shape().to_vec();
    shape[axis] = r2c.complex_len();
    let mut out = ArrayD::from_elem(IxDyn(&shape), Complex::zero());
    let (mut input, mut output) = (r2c.make_input_vec(), r2c.make_output_vec());
    let mut scratch = r2c.make_scratch_vec();
    for (lane, mut place) in block
        .lanes(Axis(axis))
        .into_iter()
        .zip(out.lanes_mut(Axis(axis)))
    {
        fill(&mut input, lane.iter().copied(), r2c.len());
        r2c.process_with_scratch(&mut input, &mut output, &mut scratch)
            .map_err(|e| Error::internal(format!("rfft: {e}")))?;
        place
            .iter_mut()
            .zip(&output)
            .for_each(|(o, v)| *o = *v * scale);
    }
    Ok(out)
}

/// The block's complex lanes along `axis` (their first `len / 2 + 1`
/// values, zero-padded when shorter) to real lanes of the transform's
/// length `len`, multiplied by `scale`. As numpy, the imaginary parts of
/// the zero frequency (and of the last one, for an even length) are
/// ignored: a real signal has none.
pub(crate) fn complex_to_real_lanes<T: FftNum>(
    block: ArrayViewD<'_, Complex<T>>,
    axis: usize,
    c2r: &dyn ComplexToReal<T>,
    scale: T,
) -> Result<ArrayD<T>> {
    let n = c2r.len();
    let mut shape = block.shape().to_vec();
    shape[axis] = n;
    let mut out = ArrayD::from_elem(IxDyn(&shape), T::zero());
    let (mut input, mut output) = (c2r.make_input_vec(), c2r.make_output_vec());
    let mut scratch = c2r.make_scratch_vec();
    for (lane, mut place) in block
        .lanes(Axis(axis))
        .into_iter()
        .zip(out.lanes_mut(Axis(axis)))
    {
        input.iter_mut().for_each(|v| *v = Complex::zero());
        input.iter_mut().zip(lane.iter()).for_each(|(i, v)| *i = *v);
        input[0].im = T::zero();
        if n % 2 == 0 {
            if let Some(last) = input.last_mut() {
                last.im = T::zero();
            }
        }
        c2r.process_with_scratch(&mut input, &mut output, &mut scratch)
            .map_err(|e| Error::internal(format!("irfft: {e}")))?;
        place
            .iter_mut()
            .zip(&output)
            .for_each(|(o, v)| *o = *v * scale);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;
    use realfft::RealFftPlanner;
    use rustfft::FftPlanner;

    #[test]
    fn lanes_along_either_axis_round_trip() {
        let x = array![[1.0, 2.0, 3.0, 4.0], [0.5, -1.0, 0.0, 2.0]].into_dyn();
        let r2c = RealFftPlanner::<f64>::new().plan_fft_forward(4);
        let spectrum = real_to_complex_lanes(x.view(), 1, &*r2c, 1.0).unwrap();
        assert_eq!(spectrum.shape(), &[2, 3]);
        // The sum of the first row, and its alternating sum.
        assert_eq!(spectrum[[0, 0]], Complex::new(10.0, 0.0));
        assert_eq!(spectrum[[0, 2]], Complex::new(-2.0, 0.0));
        let c2r = RealFftPlanner::<f64>::new().plan_fft_inverse(4);
        let back = complex_to_real_lanes(spectrum.view(), 1, &*c2r, 0.25).unwrap();
        for (a, b) in back.iter().zip(x.iter()) {
            assert!((a - b).abs() < 1e-12);
        }
        let z = x.mapv(|v| Complex::new(v, -v));
        let fft = FftPlanner::<f64>::new().plan_fft_forward(2);
        let down = complex_lanes(z.view(), 0, &*fft, 1.0);
        assert_eq!(down[[0, 0]], z[[0, 0]] + z[[1, 0]]);
        assert_eq!(down[[1, 3]], z[[0, 3]] - z[[1, 3]]);
    }
}
