//! `blockwise`: dask's index-notation block function. Every axis of every
//! input and of the output has a label; output block `(b0, b1, ...)` is the
//! closure of the input blocks at the same position of every shared label.
//! It is a [`BlockFn`] like `map_blocks` (the same kernel: the output's
//! block shapes are checked, a panic is an error naming the block), and the
//! building block of `apply_along_axis` and `apply_gufunc`.

use super::ChunkedArray;
use crate::chunks::{AxisChunks, Chunks};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::kernel::blocks::BlockFn;
use crate::kernel::Block;
use ndarray::{ArrayD, ArrayViewD, IxDyn};
use std::sync::Arc;

/// A labelled input of [`blockwise`](crate::blockwise).
pub(crate) type Labelled<'a, T> = (&'a ChunkedArray<T, IxDyn>, Vec<char>);

/// The closure of blocks behind every blockwise array.
pub(crate) type BlocksFn<T, U> =
    dyn Fn(&[ArrayViewD<'_, T>]) -> Result<ArrayD<U>> + Send + Sync + 'static;

/// dask's `blockwise`: `f` maps aligned blocks of the `inputs` to a block of
/// the output, whose axes are labelled by the letters of `out_index`; each
/// input's axes by the letters of its index. Block `(b0, b1, ...)` of the
/// output is `f` of one block per input: the block at `b_k` along every
/// axis labelled as output axis `k`.
///
/// - A letter shared by several inputs must have the same length in each
///   (or length 1: that input's one block is passed to every output block,
///   and `f` broadcasts it, as dask). Inputs chunked differently along it
///   are rechunked to the common refinement of their chunks.
/// - A letter in no output position is made **one block** in every input
///   (rechunked), so `f` sees the whole of that axis: dask's
///   `concatenate=True`. That gathers the axis, not the array.
/// - The output is chunked as its letters are in the inputs; use
///   [`blockwise_with`] to declare new letters (dask's `new_axes`) or
///   blocks of other lengths (`adjust_chunks`).
///
/// `f` runs inside block tasks on many threads. A block of another shape
/// than declared, or a panic in `f`, is an error from `compute` naming the
/// block. Index errors (a character that is not a letter, a letter twice
/// in one index, an index not matching its input's number of axes, an
/// output letter in no input) name the argument and position.
///
/// ```
/// use ndchunk::prelude::*;
/// let a = ChunkedArray::from_fn((4, 6), (2, 3), |(i, j)| (i * 6 + j) as f64)?.into_dyn();
/// let v = ChunkedArray::from_array(array![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 3)?.into_dyn();
/// // Matrix-vector product: `j` is not in the output, so every block of
/// // `a` passed to `f` holds whole rows, and `v` is one block.
/// let av = ndchunk::blockwise("i", &[(&a, "ij"), (&v, "j")], |blocks| {
///     let (m, x) = (&blocks[0], &blocks[1]);
///     m.to_owned()
///         .into_dimensionality::<Ix2>().unwrap()
///         .dot(&x.to_owned().into_dimensionality::<Ix1>().unwrap())
///         .into_dyn()
/// });
/// assert_eq!(av.chunks().sizes(), vec![vec![2, 2]]);
/// assert_eq!(av.compute()?, array![70.0, 196.0, 322.0, 448.0].into_dyn());
/// // `a` plus a transpose of itself chunked otherwise: blocks are aligned
/// // on the common refinement of the chunks of `j` ([3, 3] and [2, 2, 2]).
/// let t = a.t().rechunk((2, 4));
/// let twice = ndchunk::blockwise("ij", &[(&a, "ij"), (&t, "ji")], |b| &b[0] + &b[1].t());
/// assert_eq!(twice.chunks().sizes(), vec![vec![2, 2], vec![2, 1, 1, 2]]);
/// assert_eq!(twice.compute()?, a.compute()? * 2.0);
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn blockwise<T, U, F>(
    out_index: &str,
    inputs: &[(&ChunkedArray<T, IxDyn>, &str)],
    f: F,
) -> ChunkedArray<U, IxDyn>
where
    T: Element,
    U: Element,
    F: Fn(&[ArrayViewD<'_, T>]) -> ArrayD<U> + Send + Sync + 'static,
{
    blockwise_with(out_index, inputs, &[], f)
}

/// [`blockwise`] with the chunks of some output letters given: `(letter,
/// block lengths)`. Required for a letter of the output in no input (a new
/// axis: dask's `new_axes`, e.g. `('k', vec![3])`); for a letter of the
/// inputs it says `f` returns blocks of other lengths along it (dask's
/// `adjust_chunks`), as many blocks as the letter has.
///
/// ```
/// use ndchunk::prelude::*;
/// let a = ChunkedArray::from_fn((4, 6), (2, 3), |(i, j)| (i * 6 + j) as f64)?.into_dyn();
/// // Per block of rows: its sum and its maximum, a new axis `s` of length 2.
/// let stats = ndchunk::blockwise_with("is", &[(&a, "ij")], &[('s', vec![2])], |b| {
///     let rows = b[0].outer_iter().map(|r| [r.sum(), r.fold(f64::MIN, |m, &v| m.max(v))]);
///     Array::from_shape_vec((b[0].shape()[0], 2), rows.flatten().collect()).unwrap().into_dyn()
/// });
/// assert_eq!(stats.compute()?, array![[15.0, 5.0], [51.0, 11.0], [87.0, 17.0], [123.0, 23.0]].into_dyn());
/// // One value per block of rows: blocks of length 1 along `i`.
/// let firsts = ndchunk::blockwise_with("i", &[(&a, "ij")], &[('i', vec![1, 1])], |b| {
///     b[0].slice(s![0..1, 0]).to_owned().into_dyn()
/// });
/// assert_eq!(firsts.compute()?, array![0.0, 12.0].into_dyn());
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn blockwise_with<T, U, F>(
    out_index: &str,
    inputs: &[(&ChunkedArray<T, IxDyn>, &str)],
    out_chunks: &[(char, Vec<usize>)],
    f: F,
) -> ChunkedArray<U, IxDyn>
where
    T: Element,
    U: Element,
    F: Fn(&[ArrayViewD<'_, T>]) -> ArrayD<U> + Send + Sync + 'static,
{
    let parsed = letters("out_index", out_index).and_then(|out| {
        let labelled = inputs
            .iter()
            .map(|&(x, index)| Ok((x, letters("inputs", index)?)))
            .collect::<Result<Vec<_>>>()?;
        Ok((out, labelled))
    });
    match parsed {
        Ok((out, labelled)) => blockwise_labels(
            &out,
            &labelled,
            out_chunks,
            &[],
            Arc::new(move |b| Ok(f(b))),
        ),
        Err(error) => ChunkedArray::invalid(vec![], error, nodes(inputs.iter().map(|p| p.0))),
    }
}

fn nodes<'a, T: Element + 'a>(
    arrays: impl Iterator<Item = &'a ChunkedArray<T, IxDyn>>,
) -> Vec<Arc<crate::plan::Node>> {
    arrays.map(|x| x.node.clone()).collect()
}

/// The letters of an index, each used once (`argument` names it in errors).
fn letters(argument: &'static str, index: &str) -> Result<Vec<char>> {
    let mut out: Vec<char> = vec![];
    for (at, c) in index.chars().enumerate() {
        if !c.is_ascii_alphabetic() {
            let reason = format!("at position {at} of {index:?}: '{c}' is not a letter");
            return Err(Error::invalid(argument, reason));
        }
        if out.contains(&c) {
            let reason = format!("at position {at} of {index:?}: '{c}' appears twice");
            return Err(Error::invalid(argument, reason));
        }
        out.push(c);
    }
    Ok(out)
}

/// The blockwise array of labelled inputs: `whole` lists letters made one
/// block even though they are in the output (the core axes of a gufunc).
pub(crate) fn blockwise_labels<T: Element, U: Element>(
    out: &[char],
    inputs: &[Labelled<'_, T>],
    out_chunks: &[(char, Vec<usize>)],
    whole: &[char],
    f: Arc<BlocksFn<T, U>>,
) -> ChunkedArray<U, IxDyn> {
    match plan(out, inputs, out_chunks, whole, f) {
        Ok(array) => array,
        Err(error) => ChunkedArray::invalid(vec![], error, nodes(inputs.iter().map(|p| p.0))),
    }
}

/// How a letter is cut: its length and the blocks every input is
/// rechunked to (one block when it is summed over or `whole`).
fn letter_chunks<T: Element>(
    c: char,
    inputs: &[Labelled<'_, T>],
    one_block: bool,
) -> Result<AxisChunks> {
    let mut found: Option<(AxisChunks, usize)> = None;
    for (k, (x, labels)) in inputs.iter().enumerate() {
        let Some(axis) = labels.iter().position(|&d| d == c) else {
            continue;
        };
        let chunks = x.chunks().axis(axis).clone();
        found = match found {
            None => Some((chunks, k)),
            Some((seen, _)) if chunks.len() == 1 && seen.len() != 1 => Some((seen, k)),
            Some((seen, _)) if seen.len() == 1 && chunks.len() != 1 => Some((chunks, k)),
            Some((seen, j)) if seen.len() == chunks.len() => Some((seen.refine(&chunks)?, j)),
            Some((seen, j)) => {
                return Err(Error::invalid(
                    "inputs",
                    format!(
                        "letter '{c}' has length {} in input {j} and {} in input {k}",
                        seen.len(),
                        chunks.len()
                    ),
                ))
            }
        };
    }
    let (chunks, _) = found.ok_or_else(|| Error::internal("a letter in no input"))?;
    Ok(if one_block {
        AxisChunks::whole(chunks.len())
    } else {
        chunks
    })
}

fn plan<T: Element, U: Element>(
    out: &[char],
    inputs: &[Labelled<'_, T>],
    out_chunks: &[(char, Vec<usize>)],
    whole: &[char],
    f: Arc<BlocksFn<T, U>>,
) -> Result<ChunkedArray<U, IxDyn>> {
    for (k, (x, labels)) in inputs.iter().enumerate() {
        if labels.len() != x.ndim() {
            return Err(Error::invalid(
                "inputs",
                format!(
                    "input {k} has {} dimensions but its index has {} letters",
                    x.ndim(),
                    labels.len()
                ),
            ));
        }
    }
    // Every input letter's chunks, and each input rechunked to them.
    let mut cut: Vec<(char, AxisChunks)> = vec![];
    for c in inputs.iter().flat_map(|(_, l)| l.iter().copied()) {
        if cut.iter().all(|(d, _)| *d != c) {
            let one = !out.contains(&c) || whole.contains(&c);
            cut.push((c, letter_chunks(c, inputs, one)?));
        }
    }
    let chunks_of = |c: char| cut.iter().find(|(d, _)| *d == c).map(|(_, a)| a.clone());
    let aligned: Vec<ChunkedArray<T, IxDyn>> = inputs
        .iter()
        .map(|(x, labels)| {
            let axes = labels
                .iter()
                .zip(x.shape())
                .map(|(&c, &n)| match chunks_of(c) {
                    Some(a) if a.len() == n => a,
                    _ => AxisChunks::whole(n), // broadcast: one block of length 1
                });
            x.rechunk(Chunks::from_axes(axes.collect()))
        })
        .collect();
    let mut axes = Vec::with_capacity(out.len());
    for &c in out {
        let given = out_chunks.iter().find(|(d, _)| *d == c);
        let axis = match (given, chunks_of(c)) {
            (None, Some(a)) => a,
            (Some((_, sizes)), None) => AxisChunks::from_sizes(sizes.clone()),
            (Some((_, sizes)), Some(a)) if sizes.len() == a.num_blocks() => {
                AxisChunks::from_sizes(sizes.clone())
            }
            (Some((_, sizes)), Some(a)) => {
                return Err(Error::invalid(
                    "out_chunks",
                    format!(
                        "letter '{c}' has {} blocks in the inputs, {} block lengths were given",
                        a.num_blocks(),
                        sizes.len()
                    ),
                ))
            }
            (None, None) => {
                return Err(Error::invalid(
                    "out_index",
                    format!("output letter '{c}' is in no input: give its chunks (out_chunks)"),
                ))
            }
        };
        axes.push(axis);
    }
    if let Some((c, _)) = out_chunks.iter().find(|(c, _)| !out.contains(c)) {
        return Err(Error::invalid(
            "out_chunks",
            format!("letter '{c}' is not in the output index"),
        ));
    }
    let chunks = Chunks::from_axes(axes).checked(std::mem::size_of::<U>())?;
    // Where each input axis takes its block from: an output axis, or block 0.
    let sources: Vec<Vec<Option<usize>>> = inputs
        .iter()
        .zip(&aligned)
        .map(|((_, labels), x)| {
            labels
                .iter()
                .enumerate()
                .map(|(axis, c)| {
                    let single = x.chunks().num_blocks_on(axis) <= 1;
                    out.iter().position(|d| d == c).filter(|_| !single)
                })
                .collect()
        })
        .collect();
    let reads = move |index: &[usize]| {
        let at =
            |from: &Vec<Option<usize>>| from.iter().map(|s| s.map_or(0, |k| index[k])).collect();
        sources
            .iter()
            .enumerate()
            .map(|(k, from)| (k, at(from)))
            .collect()
    };
    let compute = move |_: &[usize], blocks: &[&Block<T>]| {
        let views: Vec<ArrayViewD<'_, T>> = blocks.iter().map(|b| b.view()).collect();
        Ok(f(&views)?.into_shared())
    };
    let kernel = BlockFn::new("blockwise", chunks.clone(), reads, compute);
    let inputs = aligned.into_iter().map(|x| x.node).collect();
    Ok(ChunkedArray::from_block_fn(chunks.shape(), kernel, inputs))
}
