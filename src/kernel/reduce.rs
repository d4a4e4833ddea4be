//! Reductions, block by block: a [`Reducer`] says how to fold values into an
//! accumulator, merge two accumulators and finish; [`Reduction`] turns it into
//! the plan's per-block folders, tree combines and finishing step, for whole
//! array reductions and for reductions along one axis alike.

use super::wire::{block_wire, get_list, put_list};
use super::{AnyFolder, Block, FoldBlock, FoldSources, ReduceKernel, StripSource, Value};
use crate::chunks::Region;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::exec::Wire;
use ndarray::{Array, IxDyn};
use std::marker::PhantomData;
use std::sync::Arc;

/// How one reduction folds, merges and finishes.
pub(crate) trait Reducer<T>: Send + Sync + 'static {
    type Acc: Clone + Send + Sync + 'static;
    type Out: Element;
    /// Name with parameters, e.g. `var(ddof=1)`.
    fn label(&self) -> String;
    /// Equal for reducers computing the same thing, for sharing: the label;
    /// `None` for user closures, which are never shared.
    fn key(&self) -> Option<String> {
        Some(self.label())
    }
    fn identity(&self) -> Self::Acc;
    /// Fold consecutive values; `first` is the position of `values[0]` along
    /// the reduced extent (a flat index, or the index along the axis). An
    /// error (an integer overflow) fails the block's task.
    fn fold(&self, acc: &mut Self::Acc, values: &[T], first: usize) -> Result<()>;
    /// Fold `values[j]` into `accs[j]`; all values sit at position `at`.
    fn fold_each(&self, accs: &mut [Self::Acc], values: &[T], at: usize) -> Result<()>;
    /// A folder along an outer axis (a block seen as `(outer, along,
    /// inner)`, `inner > 1`, `accs` outputs) that gives the partials
    /// `fold_each` would, faster, when the reducer has one.
    fn outer_folder(
        &self,
        _accs: usize,
        _along: usize,
        _inner: usize,
    ) -> Option<Box<dyn Folder<T>>> {
        None
    }
    /// Merge `later` (covering later positions) into `acc`.
    fn merge(&self, acc: &mut Self::Acc, later: &Self::Acc) -> Result<()>;
    /// Rewrite positions recorded in the accumulator (block-local to global).
    fn reindex(&self, _acc: &mut Self::Acc, _to_global: &dyn Fn(usize) -> usize) {}
    /// Whether the result is a position (it needs the blocks' offsets, so
    /// known block lengths).
    fn positional(&self) -> bool {
        false
    }
    fn finish(&self, acc: &Self::Acc) -> Result<Self::Out>;
    /// Whether accumulators can be sent to another MPI rank (with
    /// [`pack`](Self::pack)); those of element types that are not
    /// primitives cannot, and stay on the rank that made them.
    fn sendable(&self) -> bool {
        false
    }
    /// Append an accumulator's bytes.
    #[cfg_attr(not(feature = "mpi"), allow(dead_code))] // used by the `mpi` build
    fn pack(&self, _acc: &Self::Acc, _out: &mut Vec<u8>) -> Result<()> {
        Err(Error::internal(format!(
            "{} partials cannot be sent",
            self.label()
        )))
    }
    /// The next accumulator of `input`.
    #[cfg_attr(not(feature = "mpi"), allow(dead_code))] // used by the `mpi` build
    fn unpack(&self, _input: &mut &[u8]) -> Result<Self::Acc> {
        Err(Error::internal(format!(
            "{} partials cannot be received",
            self.label()
        )))
    }
}

/// Consumes the strips of one block.
pub(crate) trait Folder<T>: Send {
    /// `start` is the block-local flat index of `strip[0]`.
    fn fold(&mut self, strip: &[T], start: usize) -> Result<()>;
    fn into_partial(self: Box<Self>) -> Value;
}

/// Accumulators of one block (one for a whole-array reduction, one per
/// output element for an axis reduction).
struct Partial<A>(Vec<A>);

/// A [`Reducer`] as a plan [`ReduceKernel`].
pub(crate) struct Reduction<T, R> {
    pub reducer: Arc<R>,
    pub _elem: PhantomData<fn(T)>,
}

impl<T: Element, R: Reducer<T>> Reduction<T, R> {
    pub fn new(reducer: R) -> Self {
        Reduction {
            reducer: Arc::new(reducer),
            _elem: PhantomData,
        }
    }
}

struct WholeFolder<T, R: Reducer<T>> {
    reducer: Arc<R>,
    acc: R::Acc,
    /// The block's region and the array's shape, to make the positions a
    /// [positional](Reducer::positional) reducer records global.
    placed: Option<(Region, Vec<usize>)>,
}

impl<T: Element, R: Reducer<T>> Folder<T> for WholeFolder<T, R> {
    fn fold(&mut self, strip: &[T], start: usize) -> Result<()> {
        self.reducer.fold(&mut self.acc, strip, start)
    }
    fn into_partial(mut self: Box<Self>) -> Value {
        let Some((region, shape)) = &self.placed else {
            return Arc::new(Partial(vec![self.acc]));
        };
        let to_global = |mut local: usize| {
            let mut index = vec![0; shape.len()];
            for k in (0..shape.len()).rev() {
                index[k] = region.offset[k] + local % region.shape[k];
                local /= region.shape[k];
            }
            index.iter().zip(shape).fold(0, |acc, (&i, &n)| acc * n + i)
        };
        self.reducer.reindex(&mut self.acc, &to_global);
        Arc::new(Partial(vec![self.acc]))
    }
}

/// Feed a strip (starting at flat index `start` of a block viewed as
/// `(outer, along, inner)`, `inner > 1`) to `f` in runs lying along the
/// inner axes: `f(first output, values, position along the axis)`.
#[inline(always)]
pub(crate) fn outer_runs<T>(
    strip: &[T],
    start: usize,
    along: usize,
    inner: usize,
    mut f: impl FnMut(usize, &[T], usize) -> Result<()>,
) -> Result<()> {
    let mut done = 0;
    while done < strip.len() {
        let pos = start + done;
        let (outer, rest) = (pos / (along * inner), pos % (along * inner));
        let (at, j) = (rest / inner, rest % inner);
        let seg = (inner - j).min(strip.len() - done);
        f(outer * inner + j, &strip[done..done + seg], at)?;
        done += seg;
    }
    Ok(())
}

/// A partial result made of one accumulator per output element, for
/// folders other than this file's.
pub(crate) fn partial_value<A: Send + Sync + 'static>(accs: Vec<A>) -> Value {
    Arc::new(Partial(accs))
}

/// Folds along `axis` of a block viewed as (outer, along, inner).
struct AxisFolder<T, R: Reducer<T>> {
    reducer: Arc<R>,
    accs: Vec<R::Acc>,
    along: usize,
    inner: usize,
    axis_offset: usize,
}

impl<T: Element, R: Reducer<T>> Folder<T> for AxisFolder<T, R> {
    fn fold(&mut self, strip: &[T], start: usize) -> Result<()> {
        let (along, inner) = (self.along, self.inner);
        if inner > 1 {
            let (reducer, accs) = (&self.reducer, &mut self.accs);
            return outer_runs(strip, start, along, inner, |first, values, at| {
                reducer.fold_each(&mut accs[first..first + values.len()], values, at)
            });
        }
        // Reducing the last axis: a run of a row folds into one accumulator.
        let mut done = 0;
        while done < strip.len() {
            let pos = start + done;
            let (outer, at) = (pos / along, pos % along);
            let seg = (along - at).min(strip.len() - done);
            self.reducer
                .fold(&mut self.accs[outer], &strip[done..done + seg], at)?;
            done += seg;
        }
        Ok(())
    }
    fn into_partial(mut self: Box<Self>) -> Value {
        let offset = self.axis_offset;
        for acc in &mut self.accs {
            self.reducer.reindex(acc, &|i| i + offset);
        }
        Arc::new(Partial(self.accs))
    }
}

/// Partials of a reduction, to send between ranks.
#[cfg_attr(not(feature = "mpi"), allow(dead_code))] // used by the `mpi` build
struct PartialWire<T, R> {
    reducer: Arc<R>,
    _elem: PhantomData<fn(T)>,
}

impl<T: Element, R: Reducer<T>> Wire for PartialWire<T, R> {
    fn encode(&self, value: &Value, out: &mut Vec<u8>) -> Result<()> {
        put_list(&partial::<R::Acc>(value)?.0, out, |acc, out| {
            self.reducer.pack(acc, out)
        })
    }
    fn decode(&self, mut bytes: &[u8]) -> Result<Value> {
        let accs = get_list(&mut bytes, |input| self.reducer.unpack(input))?;
        Ok(Arc::new(Partial(accs)))
    }
}

/// A reduce kernel's partial result as its own type `P`; another type is
/// a bug (`kernel` names the reduction in the error).
pub(crate) fn partial_of<'a, P: 'static>(value: &'a Value, kernel: &str) -> Result<&'a P> {
    value
        .downcast_ref::<P>()
        .ok_or_else(|| Error::internal(format!("{kernel} partial of an unexpected type")))
}

fn partial<A: 'static>(value: &Value) -> Result<&Partial<A>> {
    partial_of(value, "reduction")
}

impl<T: Element, R: Reducer<T>> ReduceKernel for Reduction<T, R> {
    fn label(&self) -> String {
        self.reducer.label()
    }

    fn key(&self) -> Option<String> {
        self.reducer.key()
    }

    fn folder(&self, region: &Region, shape: &[usize], axis: Option<usize>) -> AnyFolder {
        let reducer = self.reducer.clone();
        let folder: Box<dyn Folder<T>> = match axis {
            None => Box::new(WholeFolder {
                acc: reducer.identity(),
                placed: reducer
                    .positional()
                    .then(|| (region.clone(), shape.to_vec())),
                reducer,
            }),
            Some(k) => {
                let outer: usize = region.shape[..k].iter().product();
                let inner: usize = region.shape[k + 1..].iter().product();
                let along = region.shape[k];
                let faster = (inner > 1)
                    .then(|| reducer.outer_folder(outer * inner, along, inner))
                    .flatten();
                if let Some(folder) = faster {
                    return Box::new(folder);
                }
                Box::new(AxisFolder {
                    accs: vec![reducer.identity(); outer * inner],
                    reducer,
                    along: region.shape[k],
                    inner,
                    axis_offset: region.offset[k],
                })
            }
        };
        Box::new(folder)
    }

    fn combine(&self, parts: Vec<Value>) -> Result<Value> {
        let mut parts = parts.iter();
        let first = parts
            .next()
            .ok_or_else(|| Error::internal("combine of no partials"))?;
        let mut accs = partial::<R::Acc>(first)?.0.clone();
        for part in parts {
            let later = partial::<R::Acc>(part)?;
            if later.0.len() != accs.len() {
                return Err(Error::internal("combining partials of different sizes"));
            }
            for (acc, l) in accs.iter_mut().zip(&later.0) {
                self.reducer.merge(acc, l)?;
            }
        }
        Ok(Arc::new(Partial(accs)))
    }

    fn partial_wire(&self) -> Option<Arc<dyn Wire>> {
        self.reducer.sendable().then(|| {
            Arc::new(PartialWire {
                reducer: self.reducer.clone(),
                _elem: PhantomData,
            }) as Arc<dyn Wire>
        })
    }

    fn output_wire(&self) -> Option<Arc<dyn Wire>> {
        block_wire::<R::Out>()
    }

    fn finish(&self, part: Value, shape: &[usize]) -> Result<Value> {
        let accs = &partial::<R::Acc>(&part)?.0;
        let values = accs
            .iter()
            .map(|a| self.reducer.finish(a))
            .collect::<Result<Vec<_>>>()?;
        let block: Block<R::Out> = Array::from_shape_vec(IxDyn(shape), values)
            .map_err(|e| Error::internal(format!("finished reduction block: {e}")))?
            .into_shared();
        Ok(Arc::new(block))
    }
}

/// Feed each block's strips to its folders (the typed half of
/// `ElemOps::fold`); returns the partials block after block, each block's
/// in the order of its folders.
///
/// A band's source is read row by row across its blocks (row `r` of every
/// block, then row `r + 1`), which is its own C order: an in-memory array
/// is read in whole contiguous rows rather than one block's short runs at
/// a time. Each block still gets exactly its own strips, in its own order,
/// so its partials do not depend on how it was read.
pub(crate) fn run_folders<T: Element>(
    sources: FoldSources<super::Source<T>>,
    blocks: Vec<FoldBlock>,
) -> Result<Vec<Value>> {
    let mut lanes = blocks
        .into_iter()
        .map(|(shape, folders)| Lane::new(&shape, folders))
        .collect::<Result<Vec<_>>>()?;
    // A strip is never longer than a block: small blocks get a small
    // buffer (a STRIP-sized one costs more to allocate than a tiny task).
    let longest = lanes.iter().map(|lane| lane.len).max().unwrap_or(0);
    let mut buf = Vec::with_capacity(super::STRIP.min(longest));
    match sources {
        FoldSources::InTurn(mut source) => {
            for lane in &mut lanes {
                lane.fold_until(&mut *source, lane.len, &mut buf)?;
            }
        }
        FoldSources::Band(mut source) => {
            let rows = lanes
                .iter()
                .map(|lane| lane.len.checked_div(lane.width).unwrap_or(0))
                .max()
                .unwrap_or(0);
            for row in 1..=rows {
                for lane in &mut lanes {
                    lane.fold_until(&mut *source, row.saturating_mul(lane.width), &mut buf)?;
                }
            }
        }
    }
    let mut parts = Vec::new();
    for lane in lanes {
        if lane.done != lane.len {
            return Err(Error::internal("a fold ended before its block"));
        }
        parts.extend(lane.folders.into_iter().map(|f| f.into_partial()));
    }
    Ok(parts)
}

/// One block being folded strip by strip.
struct Lane<T: Element> {
    folders: Vec<Box<dyn Folder<T>>>,
    strips: super::Strips,
    /// Elements and row length of the block.
    len: usize,
    width: usize,
    /// Elements folded so far.
    done: usize,
}

impl<T: Element> Lane<T> {
    fn new(shape: &[usize], folders: Vec<AnyFolder>) -> Result<Self> {
        let folders = folders
            .into_iter()
            .map(|f| {
                f.downcast::<Box<dyn Folder<T>>>()
                    .map(|b| *b)
                    .map_err(|_| Error::internal("folder of an unexpected element type"))
            })
            .collect::<Result<Vec<_>>>()?;
        let len = shape.iter().product::<usize>();
        let width = shape.last().copied().unwrap_or(1);
        Ok(Lane {
            folders,
            strips: super::strips(shape),
            len,
            width,
            done: 0,
        })
    }

    /// Fold strips read from `source` until at least `end` elements of the
    /// block are folded (or all are).
    fn fold_until(
        &mut self,
        source: &mut dyn StripSource<T>,
        end: usize,
        buf: &mut Vec<T>,
    ) -> Result<()> {
        while self.done < end {
            let Some(n) = self.strips.next() else {
                return Ok(());
            };
            let (folders, start) = (&mut self.folders, self.done);
            let mut folded = Ok(());
            source.visit(n, buf, &mut |values| {
                folded = folders.iter_mut().try_for_each(|f| f.fold(values, start));
            });
            folded?;
            self.done += n;
        }
        Ok(())
    }
}
