//! `apply_gufunc`: a function of core dimensions (numpy's generalized
//! ufuncs, dask's `apply_gufunc`) over the loop dimensions of its inputs,
//! on the blockwise machinery: core dimensions are made one block each,
//! loop dimensions keep their chunks and broadcast.

mod signature;

use self::signature::parse;
use super::blockwise::blockwise_labels;
use super::ChunkedArray;
use crate::element::Element;
use crate::error::{Error, Result};
use ndarray::{ArrayD, ArrayViewD, Axis, Dimension, IxDyn};
use std::sync::Arc;

/// The label of loop dimension `k` counted from the right.
fn loop_label(k: usize) -> char {
    char::from_u32(0xE000 + k as u32).expect("a private-use code point")
}

/// The label of the `k`-th core dimension name.
fn core_label(k: usize) -> char {
    char::from_u32(0xF000 + k as u32).expect("a private-use code point")
}

/// numpy's generalized ufunc (dask's `apply_gufunc`): `f` of the core
/// dimensions of one element of the loop dimensions, e.g.
/// `apply_gufunc("(i),(i)->()", &[&a, &b], f)` is a row-wise inner product
/// when `f` returns the dot product of its two 1-D views.
///
/// The signature is numpy's: per input, then after `->` for the output, a
/// parenthesised list of core dimension names (`()` for a scalar). The last
/// axes of each operand are its core dimensions, the ones before are loop
/// dimensions, broadcast between operands by numpy's rules (aligned on the
/// right, length 1 stretched). A name shared by several inputs must have
/// the same length in each; every output core dimension must be an input's.
///
/// `f` gets one view per operand holding one loop element's core
/// dimensions and returns the output's core dimensions (a 0-d array for
/// `()`); the result's axes are the loop dimensions, then the output core
/// dimensions. Every core dimension is made one block (rechunked, as dask);
/// loop dimensions keep their chunks, and each block task calls `f` for
/// each loop element of its block. One output only (numpy's several
/// outputs are not supported).
///
/// Signature errors name the position; an operand with fewer axes than its
/// core dimensions, or core dimensions of different lengths, an error
/// naming the operand. A result of the wrong shape or a panic in `f` is an
/// error from `compute` naming the block.
///
/// ```
/// use ndchunk::prelude::*;
/// let a = ChunkedArray::from_fn((3, 4), (2, 2), |(i, j)| (i * 4 + j) as f64)?.into_dyn();
/// let b = ChunkedArray::from_array(array![1.0, 0.0, 0.0, 2.0], 3)?.into_dyn();
/// let inner = ndchunk::apply_gufunc("(i),(i)->()", &[&a, &b], |v| {
///     ndarray::arr0(v[0].iter().zip(v[1].iter()).map(|(x, y)| x * y).sum::<f64>()).into_dyn()
/// });
/// assert_eq!(inner.compute()?, array![6.0, 18.0, 30.0].into_dyn());
/// let bad = ndchunk::apply_gufunc("(i),(i)->(k)", &[&a, &b], |v| v[0].to_owned());
/// assert!(bad.compute().unwrap_err().to_string().contains("position 10"));
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn apply_gufunc<T, U, F>(
    signature: &str,
    operands: &[&ChunkedArray<T, IxDyn>],
    f: F,
) -> ChunkedArray<U, IxDyn>
where
    T: Element,
    U: Element,
    F: Fn(&[ArrayViewD<'_, T>]) -> ArrayD<U> + Send + Sync + 'static,
{
    plan(signature, operands, Box::new(f)).unwrap_or_else(|error| {
        let inputs = operands.iter().map(|x| x.node.clone()).collect();
        ChunkedArray::invalid(vec![], error, inputs)
    })
}

/// The function of one loop element's core views.
type ElementFn<T, U> = dyn Fn(&[ArrayViewD<'_, T>]) -> ArrayD<U> + Send + Sync;

fn plan<T: Element, U: Element>(
    signature: &str,
    operands: &[&ChunkedArray<T, IxDyn>],
    f: Box<ElementFn<T, U>>,
) -> Result<ChunkedArray<U, IxDyn>> {
    let sig = parse(signature)?;
    if sig.inputs.len() != operands.len() {
        return Err(Error::invalid(
            "operands",
            format!(
                "the signature has {} inputs, {} operands were given",
                sig.inputs.len(),
                operands.len()
            ),
        ));
    }
    if sig.outputs.len() != 1 {
        return Err(Error::invalid(
            "signature",
            format!(
                "apply_gufunc makes one output, the signature has {}",
                sig.outputs.len()
            ),
        ));
    }
    // Core names, their lengths, and each operand's labels.
    let mut names: Vec<(&str, usize)> = vec![];
    let mut loops = 0;
    let mut labelled = Vec::with_capacity(operands.len());
    for (k, (x, core)) in operands.iter().zip(&sig.inputs).enumerate() {
        let outer = x.ndim().checked_sub(core.len()).ok_or_else(|| {
            let reason = format!(
                "operand {k} has {} axes, fewer than its {} core dimensions",
                x.ndim(),
                core.len()
            );
            Error::invalid("operands", reason)
        })?;
        loops = loops.max(outer);
        let mut labels: Vec<char> = (0..outer).rev().map(loop_label).collect();
        for ((_, name), &n) in core.iter().zip(&x.shape()[outer..]) {
            let at = match names.iter().position(|(m, _)| m == name) {
                Some(at) if names[at].1 != n => {
                    let reason = format!(
                        "core dimension '{name}' has length {} and {n} (operand {k})",
                        names[at].1
                    );
                    return Err(Error::invalid("operands", reason));
                }
                Some(at) => at,
                None => {
                    names.push((name, n));
                    names.len() - 1
                }
            };
            labels.push(core_label(at));
        }
        labelled.push((*x, labels));
    }
    let mut out: Vec<char> = (0..loops).rev().map(loop_label).collect();
    let mut core_shape = vec![];
    for (at, name) in &sig.outputs[0] {
        let at = names.iter().position(|(m, _)| m == name).ok_or_else(|| {
            let reason = format!("at position {at}: output dimension '{name}' is in no input");
            Error::invalid("signature", reason)
        })?;
        out.push(core_label(at));
        core_shape.push(names[at].1);
    }
    let whole: Vec<char> = (0..names.len()).map(core_label).collect();
    let cores: Vec<usize> = sig.inputs.iter().map(Vec::len).collect();
    let per_element =
        move |blocks: &[ArrayViewD<'_, T>]| each_element(blocks, &cores, loops, &core_shape, &f);
    Ok(blockwise_labels(
        &out,
        &labelled,
        &[],
        &whole,
        Arc::new(per_element),
    ))
}

/// `f` of every loop element of a block: `blocks[k]` has `cores[k]` core
/// axes after its loop axes (at most `loops`, aligned on the right, length
/// 1 broadcast); the results, of shape `core_shape`, in C order of the
/// loop elements.
fn each_element<T: Element, U: Element>(
    blocks: &[ArrayViewD<'_, T>],
    cores: &[usize],
    loops: usize,
    core_shape: &[usize],
    f: &ElementFn<T, U>,
) -> Result<ArrayD<U>> {
    let mut loop_shape = vec![1; loops];
    for (b, &core) in blocks.iter().zip(cores) {
        let outer = b.ndim() - core;
        for (slot, &n) in loop_shape[loops - outer..].iter_mut().zip(b.shape()) {
            if n != 1 {
                *slot = n;
            }
        }
    }
    let mut values = vec![];
    for index in ndarray::indices(IxDyn(&loop_shape)) {
        let views: Vec<ArrayViewD<'_, T>> = blocks
            .iter()
            .zip(cores)
            .map(|(b, &core)| {
                let outer = b.ndim() - core;
                let mut v = b.view();
                for (a, &i) in index.slice()[loops - outer..].iter().enumerate() {
                    let i = if b.shape()[a] == 1 { 0 } else { i };
                    v = v.index_axis_move(Axis(0), i);
                }
                v
            })
            .collect();
        let r = f(&views);
        if r.shape() != core_shape {
            return Err(Error::invalid(
                "f",
                format!(
                    "apply_gufunc: f returned shape {:?}, the signature says {core_shape:?}",
                    r.shape()
                ),
            ));
        }
        values.extend(r.iter().copied());
    }
    let mut shape = loop_shape;
    shape.extend_from_slice(core_shape);
    ArrayD::from_shape_vec(IxDyn(&shape), values)
        .map_err(|e| Error::internal(format!("apply_gufunc block: {e}")))
}
