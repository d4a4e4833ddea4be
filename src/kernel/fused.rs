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
use super::{strips_keep_rows, FoldSources, STRIP};
use crate::chunks::{Chunks, Region};
use crate::error::{Error, Result};
use crate::exec::Wire;
use crate::view::{Strided, StridedReads, ViewMap};
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
        let strip = |itemsize: usize| STRIP.saturating_mul(itemsize);
        match self {
            Expr::Read { dtype, .. } => strip(dtype.itemsize()),
            Expr::Source {
                kernel, itemsize, ..
            } if kernel.buffers_region() => {
                strip(*itemsize).saturating_add(elements.saturating_mul(*itemsize))
            }
            Expr::Source { itemsize, .. } | Expr::SourceView { itemsize, .. } => strip(*itemsize),
            Expr::Map { itemsize, args, .. } => args.iter().fold(strip(*itemsize), |bytes, arg| {
                bytes.saturating_add(arg.scratch_bytes(elements))
            }),
        }
    }

    /// Whether the tree reads only values held in memory (in-memory
    /// arrays, constants) through views that keep their rows: no stored
    /// input, nothing computed from scratch, no transposed or reversed
    /// read. Any region of it can then be read by any task.
    pub fn reads_in_place(&self) -> bool {
        match self {
            Expr::SourceView { kernel, view, .. } => kernel.in_memory() && view.keeps_rows(),
            Expr::Source { kernel, .. } => kernel.in_memory(),
            Expr::Map { args, .. } => args.iter().all(Expr::reads_in_place),
            Expr::Read { .. } => false,
        }
    }

    /// One source reading `regions` of the tree one after the other, each
    /// in its own C order; the tree must [read in place](Self::reads_in_place).
    /// Its maps are elementwise, so they never see where a region ends.
    fn open_in_turn(&self, regions: &[Region]) -> Result<AnySource> {
        match self {
            Expr::SourceView { kernel, view, .. } => kernel.open_views(view.reads(regions)),
            Expr::Source { kernel, .. } => kernel.open_views(StridedReads::regions(regions)),
            Expr::Map { kernel, args, .. } => {
                let sources = args
                    .iter()
                    .map(|a| a.open_in_turn(regions))
                    .collect::<Result<Vec<_>>>()?;
                kernel.open(sources)
            }
            Expr::Read { .. } => Err(Error::internal(
                "a stored input is read for several regions at once",
            )),
        }
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
            Expr::Source { kernel, chunks, .. } => match chunks.block_containing(region) {
                Some(block) => kernel.open(region, &block),
                // A band of blocks, read in place.
                None if kernel.viewable() => kernel.open_view(&Strided::region(region)),
                None => Err(Error::internal("a fused source read straddles its blocks")),
            },
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

/// How one task reads the blocks `regions` (side by side along the last
/// axis, in order) of a tree that [reads in place](Expr::reads_in_place).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BandRead {
    /// As one region, row by row across the blocks: every block's strips
    /// are its rows or parts of them.
    Rows,
    /// One block after the other: blocks of one strip each, too small for
    /// a task of their own.
    Blocks,
}

/// How one task can fold `regions` together, if it can.
pub(crate) fn band_read(regions: &[Region]) -> Option<BandRead> {
    // Every region has the rows (all axes but the last) of the first, and
    // rows long enough to be strips.
    let first = regions.first().and_then(|r| r.shape.split_last());
    let same_rows = |r: &Region| match (r.shape.split_last(), first) {
        (Some((&width, rows)), Some((_, first_rows))) => {
            rows == first_rows && strips_keep_rows(width)
        }
        _ => false,
    };
    if regions.iter().all(same_rows) {
        Some(BandRead::Rows)
    } else if regions.iter().all(|r| r.len() <= STRIP) {
        Some(BandRead::Blocks)
    } else {
        None
    }
}

/// One pass over each of `regions` of `expr` (of element type `dtype`, in
/// an array of `shape`), folded into the partial result of every
/// reduction: the partials region after region. Several regions share the
/// task's `inputs` and `reads`, so only a tree that reads in place
/// ([`Expr::reads_in_place`]) is given more than one, of a [`band_read`].
pub(crate) fn fold_pass(
    expr: &Expr,
    dtype: &dyn ElemOps,
    reductions: &[Reduction],
    shape: &[usize],
    regions: &[Region],
    inputs: &[Value],
    reads: &[Strided],
) -> Result<Value> {
    let blocks = regions
        .iter()
        .map(|region| {
            let folders = reductions
                .iter()
                .map(|(kernel, axis)| kernel.folder(region, shape, *axis))
                .collect();
            (region.shape.clone(), folders)
        })
        .collect();
    let sources = match (regions, band_read(regions)) {
        ([only], _) => FoldSources::InTurn(expr.open(only, inputs, reads)?),
        ([first, .., last], Some(BandRead::Rows)) => {
            let mut band = first.clone();
            let end =
                last.offset.last().copied().unwrap_or(0) + last.shape.last().copied().unwrap_or(0);
            if let (Some(width), Some(&start)) = (band.shape.last_mut(), first.offset.last()) {
                *width = end - start;
            }
            FoldSources::Band(expr.open(&band, inputs, reads)?)
        }
        _ => FoldSources::InTurn(expr.open_in_turn(regions)?),
    };
    Ok(Arc::new(Partials(dtype.fold(sources, blocks)?)))
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

/// How the result of a pass feeding `reductions` over `blocks` blocks is
/// sent between ranks, if every one of their partials can be.
pub(crate) fn pass_wire(reductions: &[Reduction], blocks: usize) -> Option<Arc<dyn Wire>> {
    let wires = reductions
        .iter()
        .map(|(kernel, _)| kernel.partial_wire())
        .collect::<Option<Vec<_>>>()?;
    let wires = (0..blocks).flat_map(|_| wires.iter().cloned()).collect();
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
