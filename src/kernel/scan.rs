//! Element work of the scans (`cumsum_axis`, `cumprod_axis`): the inclusive
//! scan of one block along an axis, the last hyperplane of a scanned block
//! (what later blocks carry), and a scanned block combined with the carry of
//! the blocks before it.
//!
//! A row-major block is viewed as `(outer, along, inner)` around the scanned
//! axis; the scan runs along `along`, touching `inner` contiguous elements at
//! a time, so it vectorizes unless the axis is the last one.

use super::Block;
use crate::element::Element;
use crate::error::{Error, Result};
use ndarray::{Array, IxDyn};

/// `(outer, along, inner)` of `shape` around `axis`.
fn split(shape: &[usize], axis: usize) -> (usize, usize, usize) {
    let outer = shape[..axis].iter().product();
    let inner = shape[axis + 1..].iter().product();
    (outer, shape[axis], inner)
}

/// The block's values in C order (a copy only when it is not row-major).
fn values<T: Element>(block: &Block<T>) -> Vec<T> {
    match block.as_slice() {
        Some(values) => values.to_vec(),
        None => block.iter().copied().collect(),
    }
}

fn shaped<T: Element>(shape: &[usize], values: Vec<T>) -> Result<Block<T>> {
    Array::from_shape_vec(IxDyn(shape), values)
        .map(Array::into_shared)
        .map_err(|e| Error::internal(format!("scanned block: {e}")))
}

/// The inclusive scan of `block` along `axis` with `op`: element `i` along
/// the axis is `op(scan[i - 1], block[i])`, in order.
pub(crate) fn scan_block<T: Element>(
    block: &Block<T>,
    axis: usize,
    op: impl Fn(T, T) -> T,
) -> Result<Block<T>> {
    let (_, along, inner) = split(block.shape(), axis);
    let mut data = values(block);
    if along > 1 && inner > 0 {
        for slab in data.chunks_exact_mut(along * inner) {
            for i in 1..along {
                let (before, rest) = slab.split_at_mut(i * inner);
                let previous = &before[(i - 1) * inner..];
                for (v, &p) in rest[..inner].iter_mut().zip(previous) {
                    *v = op(p, *v);
                }
            }
        }
    }
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
/// the carry is `planes` combined with `op` in order (first to last), and
/// every element becomes `op(carry, element)`.
pub(crate) fn apply_carry<T: Element>(
    scanned: &Block<T>,
    planes: &[&Block<T>],
    axis: usize,
    op: impl Fn(T, T) -> T,
) -> Result<Block<T>> {
    let Some((first, rest)) = planes.split_first() else {
        return Ok(scanned.clone());
    };
    let mut carry = values(first);
    for plane in rest {
        for (c, &p) in carry.iter_mut().zip(plane.iter()) {
            *c = op(*c, p);
        }
    }
    let (_, along, inner) = split(scanned.shape(), axis);
    let mut data = values(scanned);
    if along > 0 && inner > 0 {
        for (slab, carry) in data
            .chunks_exact_mut(along * inner)
            .zip(carry.chunks_exact(inner))
        {
            for row in slab.chunks_exact_mut(inner) {
                for (v, &c) in row.iter_mut().zip(carry) {
                    *v = op(c, *v);
                }
            }
        }
    }
    shaped(scanned.shape(), data)
}
