//! `ndchunk::fft` against numpy.fft: every transform on 1-D to 4-D inputs,
//! irregular chunks (so the transformed axis is rechunked), size-1 axes,
//! odd and even lengths; results within 1e-12 of the largest value. The
//! expected values are in `fixtures/fft.json` (made by
//! `fixtures/make_fft.py`); the inputs are formulas both sides compute.

use ndarray::{ArrayD, Axis, IxDyn};
use ndchunk::fft::{self, Complex32, Complex64, ComplexArray, Norm};
use ndchunk::prelude::*;
use serde_json::Value;

fn fixture(name: &str) -> Value {
    let all: Value = serde_json::from_str(include_str!("fixtures/fft.json")).expect("fft.json");
    all[name].clone()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("a list")
        .iter()
        .map(|x| x.as_f64().expect("a number"))
        .collect()
}

fn shape_of(v: &Value) -> Vec<usize> {
    v["shape"]
        .as_array()
        .expect("a shape")
        .iter()
        .map(|n| n.as_u64().expect("a length") as usize)
        .collect()
}

/// numpy's complex result `name`.
fn expected_complex(name: &str) -> ArrayD<Complex64> {
    let v = fixture(name);
    let (re, im) = (floats(&v["re"]), floats(&v["im"]));
    let values = re
        .iter()
        .zip(&im)
        .map(|(&r, &i)| Complex64::new(r, i))
        .collect();
    ArrayD::from_shape_vec(IxDyn(&shape_of(&v)), values).unwrap()
}

/// numpy's real result `name`.
fn expected_real(name: &str) -> ArrayD<f64> {
    let v = fixture(name);
    ArrayD::from_shape_vec(IxDyn(&shape_of(&v)), floats(&v["re"])).unwrap()
}

fn real_input(shape: &[usize]) -> ArrayD<f64> {
    let values = (0..shape.iter().product::<usize>()).map(|i| {
        let i = i as f64;
        (0.7 * i).sin() + 0.1 * i - 0.3 * (2.3 * i * i).cos()
    });
    ArrayD::from_shape_vec(IxDyn(shape), values.collect()).unwrap()
}

fn complex_input(shape: &[usize]) -> ArrayD<Complex64> {
    let values = (0..shape.iter().product::<usize>()).map(|i| {
        let i = i as f64;
        Complex64::new((1.3 * i).cos() + 0.05 * i, (0.4 * i * i).sin() - 0.2)
    });
    ArrayD::from_shape_vec(IxDyn(shape), values.collect()).unwrap()
}

fn close_complex(what: &str, got: &ArrayD<Complex64>, want: &ArrayD<Complex64>) {
    assert_eq!(got.shape(), want.shape(), "{what}: shape");
    let scale = want.iter().map(|z| z.norm()).fold(1.0, f64::max);
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).norm() <= 1e-12 * scale, "{what}[{k}]: {g} != {w}");
    }
}

fn close_real(what: &str, got: &ArrayD<f64>, want: &ArrayD<f64>) {
    assert_eq!(got.shape(), want.shape(), "{what}: shape");
    let scale = want.iter().map(|x| x.abs()).fold(1.0, f64::max);
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() <= 1e-12 * scale, "{what}[{k}]: {g} != {w}");
    }
}

#[test]
fn the_inputs_are_the_fixtures() {
    let inputs = fixture("inputs");
    let re = |name: &str| floats(&inputs[name]["re"]);
    assert_eq!(real_input(&[17]).into_raw_vec_and_offset().0, re("real_17"));
    let z = complex_input(&[6, 8]);
    assert_eq!(
        z.iter().map(|z| z.re).collect::<Vec<_>>(),
        re("complex_6x8")
    );
    assert_eq!(
        z.iter().map(|z| z.im).collect::<Vec<_>>(),
        floats(&inputs["complex_6x8"]["im"])
    );
}

#[test]
fn one_dimensional_transforms_on_irregular_chunks() -> ndchunk::Result<()> {
    let a = real_input(&[17]);
    let x = ChunkedArray::from_array(a.clone(), Chunks::from_sizes(vec![vec![5, 7, 5]]))?;
    let f = fft::rfft(&x, Axis(0));
    close_complex("rfft", &f.compute()?, &expected_complex("rfft_1d"));
    close_real(
        "irfft",
        &fft::irfft(&f, 17, Axis(0)).compute()?,
        &expected_real("irfft_1d_17"),
    );
    let z = x.mapv(|v| Complex64::new(v, 0.0));
    close_complex(
        "fft",
        &fft::fft(&z, Axis(0)).compute()?,
        &expected_complex("fft_1d"),
    );
    Ok(())
}

#[test]
fn two_dimensional_transforms_along_each_axis_and_both() -> ndchunk::Result<()> {
    let z = ChunkedArray::from_array(complex_input(&[6, 8]), (4, 3))?;
    // (name, result, chunks along each axis: the transformed axes whole,
    // the others as they were)
    for (name, got, blocks) in [
        ("fft_2d_axis0", fft::fft(&z, Axis(0)), [1, 3]),
        ("fft_2d_axis1", fft::fft(&z, Axis(1)), [2, 1]),
        ("ifft_2d_axis1", fft::ifft(&z, Axis(1)), [2, 1]),
        ("fft2_2d", fft::fft2(&z), [1, 1]),
        ("ifft2_2d", fft::ifft2(&z), [1, 1]),
    ] {
        close_complex(name, &got.compute()?, &expected_complex(name));
        let grid: Vec<usize> = got.chunks().sizes().iter().map(Vec::len).collect();
        assert_eq!(grid, blocks, "{name}");
    }
    Ok(())
}

#[test]
fn n_dimensional_real_and_complex_transforms() -> ndchunk::Result<()> {
    let x = ChunkedArray::from_array(real_input(&[3, 4, 10]), (2, 3, 4))?;
    let f = fft::rfftn(&x, &[]);
    close_complex("rfftn", &f.compute()?, &expected_complex("rfftn_3d"));
    close_real(
        "irfftn",
        &fft::irfftn(&f, 10, &[]).compute()?,
        &expected_real("irfftn_3d"),
    );
    close_complex(
        "rfft axis 1",
        &fft::rfft(&x, Axis(1)).compute()?,
        &expected_complex("rfft_3d_axis1"),
    );
    let z3 = x.mapv(|v| Complex64::new(v, 0.0));
    close_complex(
        "fftn axes 0, 2",
        &fft::fftn(&z3, &[Axis(0), Axis(2)]).compute()?,
        &expected_complex("fftn_3d_axes02"),
    );
    let z4 = ChunkedArray::from_array(complex_input(&[2, 3, 2, 5]), (1, 2, 1, 3))?;
    close_complex(
        "fftn 4-D",
        &fft::fftn(&z4, &[]).compute()?,
        &expected_complex("fftn_4d"),
    );
    close_complex(
        "ifftn 4-D",
        &fft::ifftn(&z4, &[]).compute()?,
        &expected_complex("ifftn_4d"),
    );
    Ok(())
}

#[test]
fn size_one_axes_and_irfft_lengths_other_than_the_input() -> ndchunk::Result<()> {
    let s = ChunkedArray::from_array(complex_input(&[1, 9]), (1, 4))?;
    close_complex(
        "fft size-1 axis",
        &fft::fft(&s, Axis(0)).compute()?,
        &expected_complex("fft_size1_axis0"),
    );
    close_complex(
        "fft 9",
        &fft::fft(&s, Axis(1)).compute()?,
        &expected_complex("fft_size1_axis1"),
    );
    let z = ChunkedArray::from_array(complex_input(&[6]), 4)?;
    for (name, n) in [("irfft_pad_8", 8), ("irfft_cut_6", 6), ("irfft_odd_5", 5)] {
        close_real(
            name,
            &fft::irfft(&z, n, Axis(0)).compute()?,
            &expected_real(name),
        );
    }
    Ok(())
}

#[test]
fn frequencies_and_shifts() -> ndchunk::Result<()> {
    close_real(
        "fftfreq",
        &fft::fftfreq(7, 0.1, 3)?.compute()?.into_dyn(),
        &expected_real("fftfreq_7"),
    );
    close_real(
        "rfftfreq",
        &fft::rfftfreq(8, 2.0, 2)?.compute()?.into_dyn(),
        &expected_real("rfftfreq_8"),
    );
    let g = ChunkedArray::from_array(
        Array::from_shape_fn((5, 6), |(i, j)| (i * 6 + j) as f64),
        (2, 4),
    )?;
    assert_eq!(
        fft::fftshift(&g, &[]).compute()?.into_dyn(),
        expected_real("fftshift_2d")
    );
    assert_eq!(
        fft::ifftshift(&g, &[]).compute()?.into_dyn(),
        expected_real("ifftshift_2d")
    );
    assert_eq!(
        fft::fftshift(&g, &[Axis(0)]).compute()?.into_dyn(),
        expected_real("fftshift_axis0")
    );
    Ok(())
}

#[test]
fn single_precision_agrees_with_double() -> ndchunk::Result<()> {
    let a = complex_input(&[6, 8]);
    let z32 = ChunkedArray::from_array(a.mapv(|z| Complex32::new(z.re as f32, z.im as f32)), 3)?;
    let got = fft::fft2(&z32).compute()?;
    let want = expected_complex("fft2_2d");
    let scale = want.iter().map(|z| z.norm()).fold(1.0, f64::max);
    for (g, w) in got.iter().zip(&want) {
        let g = Complex64::new(g.re as f64, g.im as f64);
        assert!((g - w).norm() <= 1e-5 * scale, "{g} != {w}");
    }
    Ok(())
}

#[test]
fn complex_parts_are_elementwise() -> ndchunk::Result<()> {
    let a = complex_input(&[6, 8]);
    let z = ChunkedArray::from_array(a.clone(), (4, 5))?;
    assert_eq!(z.re().compute()?, a.mapv(|z| z.re));
    assert_eq!(z.im().compute()?, a.mapv(|z| z.im));
    assert_eq!(z.abs().compute()?, a.mapv(|z| z.norm()));
    assert_eq!(z.angle().compute()?, a.mapv(|z| z.arg()));
    assert_eq!(z.conj().compute()?, a.mapv(|z| z.conj()));
    Ok(())
}

#[test]
fn bad_arguments_are_errors_naming_them() -> ndchunk::Result<()> {
    let z = ChunkedArray::from_array(complex_input(&[4, 3]), 2)?;
    let message = |r: ndchunk::Result<_>| r.map(|_: ArrayD<Complex64>| ()).unwrap_err().to_string();
    let e = message(fft::fft(&z, Axis(2)).compute().map(|a| a.into_dyn()));
    assert!(e.contains("axis 2") && e.contains("fft"), "{e}");
    let e = message(
        fft::fftn(&z, &[Axis(1), Axis(1)])
            .compute()
            .map(|a| a.into_dyn()),
    );
    assert!(e.contains("axis 1 is given twice"), "{e}");
    let line = ChunkedArray::from_array(complex_input(&[4]), 2)?;
    let e = message(fft::fft2(&line).compute().map(|a| a.into_dyn()));
    assert!(e.contains("last two axes"), "{e}");
    let empty = ChunkedArray::<Complex64, _>::full((0, 3), Complex64::new(0.0, 0.0), 2)?;
    let e = message(fft::fft(&empty, Axis(0)).compute().map(|a| a.into_dyn()));
    assert!(e.contains("empty axis"), "{e}");
    // An empty other axis is fine: no lanes to transform.
    assert_eq!(fft::fft(&empty, Axis(1)).compute()?.shape(), &[0, 3]);
    let e = fft::irfft(&z, 0, Axis(1))
        .compute()
        .unwrap_err()
        .to_string();
    assert!(e.contains("`n`"), "{e}");
    assert!(fft::fftfreq(0, 1.0, 1).is_err());
    let e = fft::rfftfreq(4, 0.0, 1).unwrap_err().to_string();
    assert!(e.contains("`d`"), "{e}");
    // A selection's length is unknown until computed: an error, and no
    // transform of that many points is planned; counted, it transforms.
    let x = ChunkedArray::from_array(ndarray::array![1.0, -2.0, 3.0, 0.5, -1.0], 2)?;
    let kept = x.extract(&x.mapv(|v| v > 0.0));
    for r in [
        fft::rfft(&kept, Axis(0)).compute().map(|_| ()),
        fft::fft(&kept.mapv(|v| Complex64::new(v, 0.0)), Axis(0))
            .compute()
            .map(|_| ()),
        fft::irfft_with(
            &kept.mapv(|v| Complex64::new(v, 0.0)),
            None,
            Axis(0),
            Norm::Ortho,
        )
        .compute()
        .map(|_| ()),
    ] {
        assert!(matches!(r, Err(Error::UnknownChunkSizes { .. })), "{r:?}");
    }
    let counted = fft::rfft(&kept.compute_chunk_sizes()?, Axis(0)).compute()?;
    assert_eq!(counted[0], Complex64::new(4.5, 0.0));
    Ok(())
}

const NORMS: [(&str, Norm); 3] = [
    ("backward", Norm::Backward),
    ("ortho", Norm::Ortho),
    ("forward", Norm::Forward),
];

#[test]
fn lengths_n_crop_or_pad_and_every_norm_scales_as_numpy() -> ndchunk::Result<()> {
    let x1 = ChunkedArray::from_array(real_input(&[17]), Chunks::from_sizes(vec![vec![5, 7, 5]]))?;
    let z1 = x1.mapv(|v| Complex64::new(v, 0.0));
    let z2 = ChunkedArray::from_array(complex_input(&[6, 8]), (4, 3))?;
    let x3 = ChunkedArray::from_array(real_input(&[3, 4, 10]), (2, 3, 4))?;
    let z6 = ChunkedArray::from_array(complex_input(&[6]), 4)?;
    for (label, norm) in NORMS {
        // Axes of 17, 8, 4 and 6 values: 11 crops the first, pads the others;
        // 23 pads them all.
        for n in [None, Some(11), Some(23)] {
            let tag = format!("{label}_{}", n.map_or("None".into(), |n| n.to_string()));
            let name = format!("fft_n_{tag}");
            let got = fft::fft_with(&z1, n, Axis(0), norm).compute()?.into_dyn();
            close_complex(&name, &got, &expected_complex(&name));
            let name = format!("ifft_axis1_n_{tag}");
            let got = fft::ifft_with(&z2, n, Axis(1), norm).compute()?.into_dyn();
            close_complex(&name, &got, &expected_complex(&name));
            let name = format!("rfft_axis1_n_{tag}");
            let got = fft::rfft_with(&x3, n, Axis(1), norm).compute()?.into_dyn();
            close_complex(&name, &got, &expected_complex(&name));
            let name = format!("irfft_n_{tag}");
            let got = fft::irfft_with(&z6, n, Axis(0), norm).compute()?.into_dyn();
            close_real(&name, &got, &expected_real(&name));
        }
    }
    Ok(())
}

#[test]
fn shapes_s_and_norms_of_the_n_dimensional_transforms() -> ndchunk::Result<()> {
    let z2 = ChunkedArray::from_array(complex_input(&[6, 8]), (4, 3))?;
    let x3 = ChunkedArray::from_array(real_input(&[3, 4, 10]), (2, 3, 4))?;
    let z4 = ChunkedArray::from_array(complex_input(&[2, 3, 2, 5]), (1, 2, 1, 3))?;
    let all3 = [Axis(1), Axis(2), Axis(3)];
    for (label, norm) in NORMS {
        let cases = [
            // `s` alone is for the last axes, as numpy.
            (
                "fftn_s",
                fft::fftn_with(&z4, Some(&[3, 4]), &[], norm).into_dyn(),
            ),
            (
                "ifftn_s_axes",
                fft::ifftn_with(&z4, Some(&[1, 7]), &[Axis(3), Axis(0)], norm).into_dyn(),
            ),
            (
                "fft2_s",
                fft::fft2_with(&z2, Some(&[4, 9]), norm).into_dyn(),
            ),
            ("ifft2", fft::ifft2_with(&z2, None, norm).into_dyn()),
            (
                "rfftn_s",
                fft::rfftn_with(&x3, Some(&[5, 7]), &[Axis(1), Axis(2)], norm).into_dyn(),
            ),
        ];
        for (name, got) in cases {
            let name = format!("{name}_{label}");
            close_complex(&name, &got.compute()?, &expected_complex(&name));
        }
        let name = format!("irfftn_s_{label}");
        let got = fft::irfftn_with(&z4, Some(&[2, 4, 9]), &all3, norm).compute()?;
        close_real(&name, &got.into_dyn(), &expected_real(&name));
        let name = format!("irfftn_{label}");
        let got = fft::irfftn_with(&z4, None, &[], norm).compute()?;
        close_real(&name, &got.into_dyn(), &expected_real(&name));
    }
    Ok(())
}

#[test]
fn padding_an_empty_axis_and_bad_lengths() -> ndchunk::Result<()> {
    let empty = ChunkedArray::<Complex64, _>::full(0, Complex64::new(0.0, 0.0), 2)?;
    let got = fft::fft_with(&empty, Some(4), Axis(0), Norm::Backward).compute()?;
    close_complex(
        "fft of nothing padded",
        &got.into_dyn(),
        &expected_complex("fft_pad_empty_4"),
    );
    let z = ChunkedArray::from_array(complex_input(&[4, 3]), 2)?;
    let e = fft::fft_with(&z, Some(0), Axis(1), Norm::Ortho)
        .compute()
        .unwrap_err()
        .to_string();
    assert!(e.contains("`n`") && e.contains("fft"), "{e}");
    let one = ChunkedArray::from_array(complex_input(&[1]), 1)?;
    // numpy's default irfft length 2 (m - 1) is 0 here.
    let e = fft::irfft_with(&one, None, Axis(0), Norm::Backward)
        .compute()
        .unwrap_err()
        .to_string();
    assert!(e.contains("`n`"), "{e}");
    let e = fft::fftn_with(&z, Some(&[2, 2, 2]), &[], Norm::Backward)
        .compute()
        .unwrap_err()
        .to_string();
    assert!(e.contains("`s`") && e.contains("3 lengths"), "{e}");
    let e = fft::rfftn_with(&z.re(), Some(&[2]), &[Axis(0), Axis(1)], Norm::Backward)
        .compute()
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("`s`") && e.contains("1 lengths for 2 axes"),
        "{e}"
    );
    Ok(())
}
