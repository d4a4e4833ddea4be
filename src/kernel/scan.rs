//! Element work of the scans (`cumsum_axis`, `cumprod_axis`): the inclusive
//! scan of one block along an axis (in the element's sum type), the last
//! hyperplane of a scanned block (what later blocks carry), and a scanned
//! block combined with the carry of the blocks before it.
//!
//! The associative operation reports overflow (`overflowing_add` or
//! `overflowing_mul`); an overflow anywhere fails the block with
//! [`Error::Overflow`]. The flag is or-ed, not branched on, so float scans
//! run the same loops as plain additions.
//!
//! A row-major block is viewed as `(outer, along, inner)` around the scanned
//! axis; the scan runs along `along`, touching `inner` contiguous elements at
//! a time, so it vectorizes unless the axis is the last one.

use super::Block;
use crate::element::Element;
use crate::error::{Error, Result};

/// The associative operation of a scan and its name: the result and whether
/// it overflowed.
#[derive(Clone, Copy)]
pub(crate) struct ScanOp<S> {
    pub name: &'static str,
    pub op: fn(S, S) -> (S, bool),
}
use ndarray::{Array, IxDyn};

/// `(outer, along, inner)` of `shape` around `axis`.
fn split(shape: &[usize], axis: usize) -> (usize, usize, usize) {
    let outer = shape[..axis].iter().product();
    let inner = shape[axis + 1..].iter().product();
    (outer, shape[axis], inner)
}

/// The block's values in C order, each converted by `widen` (the identity
/// for floats and for scanned blocks).
fn values<T: Element, S>(block: &Block<T>, widen: impl Fn(T) -> S) -> Vec<S> {
    match block.as_slice() {
        Some(values) => values.iter().map(|&v| widen(v)).collect(),
        None => block.iter().map(|&v| widen(v)).collect(),
    }
}

fn shaped<T: Element>(shape: &[usize], values: Vec<T>) -> Result<Block<T>> {
    Array::from_shape_vec(IxDyn(shape), values)
        .map(Array::into_shared)
        .map_err(|e| Error::internal(format!("scanned block: {e}")))
}

/// The inclusive scan of `block` along `axis` with `scan`, every element
/// converted by `widen` first: element `i` along the axis is
/// `op(scanned[i - 1], widen(block[i]))`, in order.
pub(crate) fn scan_block<T: Element, S: Element>(
    block: &Block<T>,
    axis: usize,
    widen: impl Fn(T) -> S,
    scan: ScanOp<S>,
) -> Result<Block<S>> {
    let (_, along, inner) = split(block.shape(), axis);
    let mut data = values(block, widen);
    let mut overflow = false;
    if along > 1 && inner > 0 {
        for slab in data.chunks_exact_mut(along * inner) {
            for i in 1..along {
                let (before, rest) = slab.split_at_mut(i * inner);
                let previous = &before[(i - 1) * inner..];
                for (v, &p) in rest[..inner].iter_mut().zip(previous) {
                    let (r, o) = (scan.op)(p, *v);
                    *v = r;
                    overflow |= o;
                }
            }
        }
    }
    Error::check_overflow::<S>(overflow, scan.name)?;
    shaped(block.shape(), data)
}

/// The last hyperplane along `axis` of a scanned block (length 1 along the
/// axis): the block's total, which every later block along the axis carries.
/// Only blocks of non-empty arrays carry (chunks of a non-empty axis have no
/// empty block).
pub(crate) fn last_plane<T: Element>(scanned: &Block<T>, axis: usize) -> Result<Block<T>> {
    let mut shape = scanned.shape().to_vec();
    let (_, along, inner) = split(&shape, axis);
    if along * inner == 0 {
        return Err(Error::internal(format!(
            "carry of an empty block of shape {shape:?}"
        )));
    }
    shape[axis] = 1;
    let data = scanned.as_standard_layout();
    let data = data
        .as_slice()
        .ok_or_else(|| Error::internal("a standard layout block is not contiguous"))?;
    let plane = data
        .chunks_exact(along * inner)
        .flat_map(|slab| &slab[(along - 1) * inner..])
        .copied()
        .collect();
    shaped(&shape, plane)
}

/// `scanned` with the carry of the earlier blocks along `axis` applied:
/// the carry is `planes` combined with `scan` in order (first to last), and
/// every element becomes `op(carry, element)`.
pub(crate) fn apply_carry<S: Element>(
    scanned: &Block<S>,
    planes: &[&Block<S>],
    axis: usize,
    scan: ScanOp<S>,
) -> Result<Block<S>> {
    let Some((first, rest)) = planes.split_first() else {
        return Ok(scanned.clone());
    };
    let mut overflow = false;
    let mut apply = |a: S, b: S| {
        let (r, o) = (scan.op)(a, b);
        overflow |= o;
        r
    };
    let mut carry = values(first, |v| v);
    for plane in rest {
        for (c, &p) in carry.iter_mut().zip(plane.iter()) {
            *c = apply(*c, p);
        }
    }
    let (_, along, inner) = split(scanned.shape(), axis);
    let mut data = values(scanned, |v| v);
    if along > 0 && inner > 0 {
        for (slab, carry) in data
            .chunks_exact_mut(along * inner)
            .zip(carry.chunks_exact(inner))
        {
            for row in slab.chunks_exact_mut(inner) {
                for (v, &c) in row.iter_mut().zip(carry) {
                    *v = apply(c, *v);
                }
            }
        }
    }
    Error::check_overflow::<S>(overflow, scan.name)?;
    shaped(scanned.shape(), data)
}
