//! The runtime of fused trees: what one block task of a fused chain does.
//!
//! The plan decides what is fused and hands each task an [`Expr`] (kernels,
//! not plan nodes) and how to read its stored inputs; everything a block
//! task then does happens here, in one place: open the tree as one strip
//! source, and either store the values ([`materialize`]) or fold them into
//! every reduction of a shared pass ([`fold_pass`]); merge partials
//! ([`combine`]) and turn them into an output block ([`finish`]).

use super::contract::{AnySource, ElemOps, MapKernel, ReduceKernel, SourceKernel, Value};
use super::wire::{get_bytes, put_bytes};
use super::STRIP;
use crate::chunks::{Chunks, Region};
use crate::error::{Error, Result};
use crate::exec::Wire;
use crate::view::{Strided, ViewMap};
use std::sync::Arc;

/// How one task evaluates a fused tree.
pub(crate) enum Expr {
    /// Read a stored input: the task's input `slot`, through its read.
    Read {
        dtype: Arc<dyn ElemOps>,
        slot: usize,
    },
    /// A leaf computed in place, in blocks of `chunks`.
    Source {
        kernel: Arc<dyn SourceKernel>,
        chunks: Chunks,
        itemsize: usize,
    },
    /// A leaf read in place through a view (in-memory arrays, constants).
    SourceView {
        kernel: Arc<dyn SourceKernel>,
        view: ViewMap,
        itemsize: usize,
    },
    /// An elementwise op of sub-trees.
    Map {
        kernel: Arc<dyn MapKernel>,
        itemsize: usize,
        args: Vec<Expr>,
    },
}

impl Expr {
    /// Bytes one evaluation over a region of `elements` holds besides its
    /// output: a strip of every node of the tree, and the whole region of
    /// sources that read it at once (stores decode whole chunks).
    pub fn scratch_bytes(&self, elements: usize) -> usize {
        let mut bytes = 0_usize;
        let mut stack = vec![self];
        while let Some(expr) = stack.pop() {
            let itemsize = match expr {
                Expr::Read { dtype, .. } => dtype.itemsize(),
                Expr::Source {
                    kernel, itemsize, ..
                } if kernel.buffers_region() => {
                    bytes = bytes.saturating_add(elements.saturating_mul(*itemsize));
                    *itemsize
                }
                Expr::Source { itemsize, .. } | Expr::SourceView { itemsize, .. } => *itemsize,
                Expr::Map { itemsize, args, .. } => {
                    stack.extend(args);
                    *itemsize
                }
            };
            bytes = bytes.saturating_add(STRIP.saturating_mul(itemsize));
        }
        bytes
    }

    /// A source for `region` of the tree, reading stored inputs at `reads`.
    fn open(&self, region: &Region, inputs: &[Value], reads: &[Strided]) -> Result<AnySource> {
        match self {
            Expr::SourceView { kernel, view, .. } => kernel.open_view(&view.read(region)),
            Expr::Read { dtype, slot } => {
                let (input, read) = inputs
                    .get(*slot)
                    .zip(reads.get(*slot))
                    .ok_or_else(|| Error::internal("a fused read names a missing input"))?;
                dtype.view_source(input, read)
            }
            Expr::Source { kernel, chunks, .. } => {
                let block = chunks
                    .block_containing(region)
                    .ok_or_else(|| Error::internal("a fused source read straddles its blocks"))?;
                kernel.open(region, &block)
            }
            Expr::Map { kernel, args, .. } => {
                let sources = args
                    .iter()
                    .map(|a| a.open(region, inputs, reads))
                    .collect::<Result<Vec<_>>>()?;
                kernel.open(sources)
            }
        }
    }
}

/// The values of `region` of `expr`, stored as a block of `dtype`.
pub(crate) fn materialize(
    expr: &Expr,
    dtype: &dyn ElemOps,
    region: &Region,
    inputs: &[Value],
    reads: &[Strided],
) -> Result<Value> {
    dtype.materialize(expr.open(region, inputs, reads)?, &region.shape)
}

/// `region` and `reads` of a pass over a block whose lengths are known
/// only once computed, taken from the block itself: such a node is always
/// stored, so its pass reads its own block whole (slot 0).
pub(crate) fn sized_by_block(
    expr: &Expr,
    region: &Region,
    inputs: &[Value],
) -> Result<(Region, Vec<Strided>)> {
    let (Expr::Read { dtype, slot: 0 }, [block]) = (expr, inputs) else {
        return Err(Error::internal(
            "a pass over blocks of unknown lengths reads more than its block",
        ));
    };
    let shape = dtype.block_shape(block)?;
    let local = Region {
        offset: vec![0; shape.len()],
        shape: shape.clone(),
    };
    let reads = vec![Strided::region(&local)];
    let region = Region {
        offset: region.offset.clone(),
        shape,
    };
    Ok((region, reads))
}

/// The partial results of every reduction sharing one block pass.
struct Partials(Vec<Value>);

/// One reduction fed by a shared pass: its kernel and its axis.
pub(crate) type Reduction = (Arc<dyn ReduceKernel>, Option<usize>);

/// One pass over `region` of `expr` (of element type `dtype`, in an array
/// of `shape`), folded into the partial result of every reduction.
pub(crate) fn fold_pass(
    expr: &Expr,
    dtype: &dyn ElemOps,
    reductions: &[Reduction],
    shape: &[usize],
    region: &Region,
    inputs: &[Value],
    reads: &[Strided],
) -> Result<Value> {
    let source = expr.open(region, inputs, reads)?;
    let folders = reductions
        .iter()
        .map(|(kernel, axis)| kernel.folder(region, shape, *axis))
        .collect();
    let parts = dtype.fold(source, &region.shape, folders)?;
    Ok(Arc::new(Partials(parts)))
}

/// The partials of a shared pass, to send between ranks: each reduction's
/// by its own wire, length-prefixed.
#[cfg_attr(not(feature = "mpi"), allow(dead_code))] // used by the `mpi` build
struct PassWire(Vec<Arc<dyn Wire>>);

impl Wire for PassWire {
    fn encode(&self, value: &Value, out: &mut Vec<u8>) -> Result<()> {
        let parts = value
            .downcast_ref::<Partials>()
            .ok_or_else(|| Error::internal("reduction pass result of an unexpected type"))?;
        let mut one = Vec::new();
        for (wire, part) in self.0.iter().zip(&parts.0) {
            one.clear();
            wire.encode(part, &mut one)?;
            put_bytes(&one, out);
        }
        Ok(())
    }
    fn decode(&self, mut bytes: &[u8]) -> Result<Value> {
        let parts = self
            .0
            .iter()
            .map(|wire| wire.decode(get_bytes(&mut bytes)?))
            .collect::<Result<_>>()?;
        Ok(Arc::new(Partials(parts)))
    }
}

/// How the result of a pass feeding `reductions` is sent between ranks,
/// if every one of their partials can be.
pub(crate) fn pass_wire(reductions: &[Reduction]) -> Option<Arc<dyn Wire>> {
    let wires = reductions
        .iter()
        .map(|(kernel, _)| kernel.partial_wire())
        .collect::<Option<Vec<_>>>()?;
    Some(Arc::new(PassWire(wires)))
}

/// The partial results behind task values: slot `s` of a shared pass, or
/// the value itself (`None`: an intermediate combine).
fn pick(inputs: &[Value], slots: &[Option<usize>]) -> Result<Vec<Value>> {
    inputs
        .iter()
        .zip(slots)
        .map(|(value, slot)| match slot {
            None => Ok(value.clone()),
            Some(s) => value
                .downcast_ref::<Partials>()
                .and_then(|p| p.0.get(*s).cloned())
                .ok_or_else(|| Error::internal("reduction pass result of an unexpected shape")),
        })
        .collect()
}

/// Merge the partials behind `inputs` (see [`pick`]), in order.
pub(crate) fn combine(
    kernel: &dyn ReduceKernel,
    inputs: &[Value],
    slots: &[Option<usize>],
) -> Result<Value> {
    kernel.combine(pick(inputs, slots)?)
}

/// Merge the partials behind `inputs` and finish them into an output block
/// of `shape`.
pub(crate) fn finish(
    kernel: &dyn ReduceKernel,
    inputs: &[Value],
    slots: &[Option<usize>],
    shape: &[usize],
) -> Result<Value> {
    let mut parts = pick(inputs, slots)?;
    let merged = match parts.len() {
        1 => parts.pop().ok_or_else(|| Error::internal("no partial"))?,
        _ => kernel.combine(parts)?,
    };
    kernel.finish(merged, shape)
}
