//! [`concatenate`] and [`stack`]: arrays joined along an axis. Along the
//! other axes the inputs are rechunked to their common refinement (no-ops
//! when they agree already); then every output block is one input block,
//! shared, not copied.

use crate::array::ChunkedArray;
use crate::chunks::{AxisChunks, Chunks};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::kernel::blocks::BlockFn;
use crate::kernel::Block;
use ndarray::{Axis, Dimension};

/// The arrays joined along `axis`, as ndarray's `concatenate`: the other
/// axes must have equal lengths. Output blocks along `axis` are the inputs'
/// blocks, in order; along the other axes all inputs are rechunked to the
/// common refinement of their chunks. No input, arrays of different
/// numbers of axes (possible with `IxDyn`), an axis out of range or
/// mismatched shapes are errors naming the array and the shapes.
///
/// ```
/// use ndchunk::prelude::*;
/// let a = ChunkedArray::from_array(array![[1, 2], [3, 4]], (1, 2))?;
/// let b = ChunkedArray::from_array(array![[5, 6]], (1, 1))?;
/// let c = ndchunk::concatenate(Axis(0), &[&a, &b])?;
/// assert_eq!(c.compute()?, array![[1, 2], [3, 4], [5, 6]]);
/// assert_eq!(c.chunks().sizes(), &[vec![1, 1, 1], vec![1, 1]]);
/// assert!(ndchunk::concatenate(Axis(1), &[&a, &b]).is_err()); // 2 rows and 1 row
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn concatenate<T: Element, D: Dimension>(
    axis: Axis,
    arrays: &[&ChunkedArray<T, D>],
) -> Result<ChunkedArray<T, D>> {
    let (k, first) = (axis.index(), first("concatenate", arrays)?);
    for array in arrays {
        array.known_sizes("concatenate")?;
    }
    check_ranks(arrays)?;
    if k >= first.ndim() {
        return Err(Error::AxisOutOfBounds {
            op: "concatenate",
            axis: k,
            ndim: first.ndim(),
        });
    }
    let other_axes = |shape: &[usize]| {
        let mut shape = shape.to_vec();
        shape.remove(k);
        shape
    };
    check_shapes(
        "concatenate",
        arrays,
        |s| other_axes(s),
        &format!("all axes but {k}"),
    )?;
    if let [only] = arrays {
        return Ok((*only).clone());
    }
    join(arrays, k, Join::Concatenate)
}

/// The arrays, all of one shape, stacked along a new axis `axis`, as
/// ndarray's `stack`: block `i` along the new axis is array `i`'s blocks,
/// shared. Along the other axes all inputs are rechunked to the common
/// refinement of their chunks. No input, arrays of different numbers of
/// axes, an axis out of range or different shapes are errors naming the
/// array and the shapes.
///
/// ```
/// use ndchunk::prelude::*;
/// let a = ChunkedArray::from_array(array![1.0, 2.0, 3.0], 2)?;
/// let b = ChunkedArray::from_array(array![4.0, 5.0, 6.0], 3)?;
/// let s = ndchunk::stack(Axis(1), &[&a, &b])?;
/// assert_eq!(s.compute()?, array![[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]]);
/// assert_eq!(s.chunks().sizes(), &[vec![2, 1], vec![1, 1]]);
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn stack<T: Element, D: Dimension>(
    axis: Axis,
    arrays: &[&ChunkedArray<T, D>],
) -> Result<ChunkedArray<T, D::Larger>> {
    let (k, first) = (axis.index(), first("stack", arrays)?);
    check_ranks(arrays)?;
    if k > first.ndim() {
        return Err(Error::AxisOutOfBounds {
            op: "stack",
            axis: k,
            ndim: first.ndim() + 1,
        });
    }
    check_shapes("stack", arrays, <[usize]>::to_vec, "all axes")?;
    join(arrays, k, Join::Stack)
}

fn first<'a, T: Element, D: Dimension>(
    op: &'static str,
    arrays: &[&'a ChunkedArray<T, D>],
) -> Result<&'a ChunkedArray<T, D>> {
    arrays
        .first()
        .copied()
        .ok_or_else(|| Error::invalid("arrays", format!("{op} needs at least one array, got none")))
}

/// Every array with as many axes as the first one (`IxDyn` arrays may differ).
fn check_ranks<T: Element, D: Dimension>(arrays: &[&ChunkedArray<T, D>]) -> Result<()> {
    let expected = arrays[0].ndim();
    match arrays.iter().find(|a| a.ndim() != expected) {
        None => Ok(()),
        Some(a) => Err(Error::RankMismatch {
            argument: "arrays",
            expected,
            got: a.ndim(),
        }),
    }
}

/// Every array's `kept` shape equal to the first one's.
fn check_shapes<T: Element, D: Dimension>(
    op: &'static str,
    arrays: &[&ChunkedArray<T, D>],
    kept: impl Fn(&[usize]) -> Vec<usize>,
    which: &str,
) -> Result<()> {
    let expected = kept(arrays[0].shape());
    match arrays.iter().position(|a| kept(a.shape()) != expected) {
        None => Ok(()),
        Some(i) => Err(Error::invalid(
            "arrays",
            format!(
                "{op}: array {i} has shape {:?}, array 0 has shape {:?}; {which} must match",
                arrays[i].shape(),
                arrays[0].shape()
            ),
        )),
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Join {
    /// Along an existing axis.
    Concatenate,
    /// Along a new axis, one block per array.
    Stack,
}

/// The arrays (checked) joined along axis `k` of the output.
fn join<T: Element, D: Dimension, E: Dimension>(
    arrays: &[&ChunkedArray<T, D>],
    k: usize,
    how: Join,
) -> Result<ChunkedArray<T, E>> {
    // The axes every input shares, chunked as all of them together.
    let shared = |c: &Chunks| match how {
        Join::Concatenate => c.remove_axis(k),
        Join::Stack => c.clone(),
    };
    let mut common = shared(arrays[0].chunks());
    for a in &arrays[1..] {
        common = common.refine(&shared(a.chunks()))?;
    }
    let inputs: Vec<ChunkedArray<T, D>> = arrays
        .iter()
        .map(|a| match how {
            Join::Concatenate => a.rechunk(common.insert_axis(k, a.chunks().axis(k).clone())),
            Join::Stack => a.rechunk(common.clone()),
        })
        .collect();
    // The inputs along the joined axis, in order: an array empty along it
    // adds no block; when all are, the first array's empty block is it.
    let mut joined: Vec<usize> = (0..inputs.len())
        .filter(|&i| how == Join::Stack || inputs[i].shape()[k] > 0)
        .collect();
    if joined.is_empty() {
        joined.push(0);
    }
    let blocks_of = |i: usize| match how {
        Join::Concatenate => inputs[i].chunks().num_blocks_on(k),
        Join::Stack => 1,
    };
    // firsts[p]: the output block (along `k`) where joined input p starts.
    let firsts: Vec<usize> = joined
        .iter()
        .scan(0, |at, &i| {
            let first = *at;
            *at += blocks_of(i);
            Some(first)
        })
        .collect();
    let axis = match how {
        Join::Concatenate => {
            let parts: Vec<&AxisChunks> =
                joined.iter().map(|&i| inputs[i].chunks().axis(k)).collect();
            AxisChunks::concat(&parts)?
        }
        Join::Stack => AxisChunks::uniform(joined.len(), 1),
    };
    let chunks = common.insert_axis(k, axis);
    let shape = chunks.shape();
    let reads = move |index: &[usize]| {
        let p = firsts.partition_point(|&f| f <= index[k]) - 1;
        let mut at = index.to_vec();
        match how {
            Join::Concatenate => at[k] -= firsts[p],
            Join::Stack => {
                at.remove(k);
            }
        }
        vec![(joined[p], at)]
    };
    let compute = move |_: &[usize], blocks: &[&Block<T>]| {
        Ok(match how {
            Join::Concatenate => blocks[0].clone(),
            Join::Stack => blocks[0].clone().insert_axis(Axis(k)),
        })
    };
    let label = match how {
        Join::Concatenate => "concatenate",
        Join::Stack => "stack",
    };
    let kernel = BlockFn::new(label, chunks, reads, compute).keyed(format!("{label}({k})"));
    let nodes = inputs.iter().map(|a| a.node.clone()).collect();
    ChunkedArray::from_block_fn(shape, kernel, nodes).into_result()
}
