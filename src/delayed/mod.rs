//! Delayed calls of ordinary functions, on the same plan and executor as
//! arrays (dask's `delayed`): build a graph of calls without running them,
//! then compute one value or several; an input shared by several calls runs
//! once, independent calls run in parallel.
//!
//! ```
//! use ndchunk::delayed::{delayed, Delayed};
//! let a = delayed(|| 1 + 1);
//! let b = a.map(|x| x * 10);
//! let c = a.map(|x| x + 5);
//! let total = Delayed::combine(&b, &c, |b, c| b + c);   // a runs once
//! assert_eq!(total.compute()?, 27);
//! # Ok::<(), ndchunk::Error>(())
//! ```

mod actor;
mod future;

pub use actor::Actor;
pub use future::{as_completed, wait_any, Future};

use crate::array::ChunkedArray;
use crate::chunks::Chunks;
use crate::compute::{compute_with, Compute};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::exec::{Value, Wire};
use crate::kernel::wire::value_wire;
use crate::kernel::Block;
use crate::kernel::CallKernel;
use crate::kernel::Typed;
use crate::options::Options;
use crate::plan::{Node, Op};
use ndarray::{Array, ArrayD, Dimension, IxDyn};
use std::fmt::Display;
use std::marker::PhantomData;
use std::sync::Arc;

/// A value of type `T` that a graph of calls will produce when computed.
///
/// Cheap to clone (it shares the graph). Results are kept only while a
/// compute runs: computing twice calls the functions twice; keep the value
/// you got, or `persist` what an array needs.
pub struct Delayed<T> {
    pub(crate) node: Arc<Node>,
    _type: PhantomData<fn() -> T>,
}

impl<T> Clone for Delayed<T> {
    fn clone(&self) -> Self {
        Delayed {
            node: self.node.clone(),
            _type: PhantomData,
        }
    }
}

/// Shows what computing it runs (`Delayed(to_zarr(/data/x))`).
impl<T> std::fmt::Debug for Delayed<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Delayed({})", self.node.label())
    }
}

/// A call's function on its inputs' values.
type CallFn = dyn Fn(&[Value]) -> Result<Value> + Send + Sync;

struct Call {
    label: String,
    f: Arc<CallFn>,
    /// What the value is counted as holding: its `size_of` (what it owns
    /// behind pointers is unknown).
    bytes: usize,
    /// How the value is sent between MPI ranks: numbers and `bool` only.
    wire: Option<Arc<dyn Wire>>,
    /// Every rank holds it already (a [`shared`] value of an SPMD program).
    replicated: bool,
}

impl CallKernel for Call {
    fn label(&self) -> String {
        self.label.clone()
    }
    fn call(&self, inputs: &[Value]) -> Result<Value> {
        (self.f)(inputs)
    }
    fn bytes(&self) -> usize {
        self.bytes
    }
    fn wire(&self) -> Option<Arc<dyn Wire>> {
        self.wire.clone()
    }
    fn replicated(&self) -> bool {
        self.replicated
    }
}

/// The `T` inside a task's value.
fn value<T: 'static>(v: &Value) -> Result<&T> {
    v.downcast_ref::<T>().ok_or_else(|| {
        Error::internal(format!(
            "delayed value is not a {}",
            std::any::type_name::<T>()
        ))
    })
}

/// A call node of `f` on `inputs`; `f` returns the value itself.
fn call<U: Send + Sync + 'static>(
    label: &str,
    inputs: Vec<Arc<Node>>,
    f: impl Fn(&[Value]) -> Result<U> + Send + Sync + 'static,
) -> Delayed<U> {
    let f: Arc<CallFn> = Arc::new(move |inputs: &[Value]| Ok(Arc::new(f(inputs)?) as Value));
    node_of(label.to_string(), f, inputs, false)
}

/// A call node; `replicated`: every rank of an SPMD program makes the same
/// value (a [`shared`] one), so it is never sent.
fn node_of<T: Send + Sync + 'static>(
    label: String,
    f: Arc<CallFn>,
    inputs: Vec<Arc<Node>>,
    replicated: bool,
) -> Delayed<T> {
    let op = Op::Call(Arc::new(Call {
        replicated,
        label,
        f,
        bytes: std::mem::size_of::<T>(),
        wire: value_wire::<T>(),
    }));
    Delayed::from_node(Node::new(
        vec![],
        Chunks::single(&[]),
        Typed::<()>::ops(),
        op,
        inputs,
    ))
}

/// Delay a call of `f`: nothing runs until the result is computed. `f` runs
/// on a worker thread; if it panics, computing gives
/// [`Error::TaskPanicked`] naming the call.
///
/// ```
/// use ndchunk::delayed::delayed;
/// let d = delayed(|| "hello".len());
/// assert_eq!(d.compute()?, 5);
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn delayed<T: Send + Sync + 'static>(f: impl Fn() -> T + Send + Sync + 'static) -> Delayed<T> {
    call("delayed", vec![], move |_| Ok(f()))
}

/// Delay a call of a fallible `f`: its `Err` becomes [`Error::TaskFailed`]
/// naming the call, with the error's message.
///
/// ```
/// use ndchunk::delayed::try_delayed;
/// let bad = try_delayed(|| "x1".parse::<i32>()).named("parse x1");
/// let err = bad.compute().unwrap_err().to_string();
/// assert!(err.contains("parse x1") && err.contains("invalid digit"), "{err}");
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn try_delayed<T, E>(
    f: impl Fn() -> std::result::Result<T, E> + Send + Sync + 'static,
) -> Delayed<T>
where
    T: Send + Sync + 'static,
    E: Display,
{
    call("delayed", vec![], move |_| {
        f().map_err(|e| Error::Failed(e.to_string()))
    })
}

/// A value shared by reference with every call that uses it, never copied
/// (dask's `scatter`, Ray's object store): a model, a lookup table, a big
/// array. Calls get `&T`.
///
/// ```
/// use ndchunk::delayed::{shared, Delayed};
/// let table = shared(vec![1.0_f64; 1_000_000]);
/// let sums: Vec<_> = (0..8).map(|k| table.map(move |t| t.iter().sum::<f64>() * k as f64)).collect();
/// let all = Delayed::collect(&sums).compute()?;
/// assert_eq!(all[3], 3e6);
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn shared<T: Send + Sync + 'static>(value: T) -> Delayed<T> {
    let value: Value = Arc::new(value);
    // The task hands out the same `Arc` every time: the value is never copied.
    node_of(
        "shared".into(),
        Arc::new(move |_: &[Value]| Ok(value.clone())),
        vec![],
        true,
    )
}

impl<T: Send + Sync + 'static> Delayed<T> {
    pub(crate) fn from_node(node: Arc<Node>) -> Self {
        Delayed {
            node,
            _type: PhantomData,
        }
    }

    /// The same call under `name`, for errors, `explain` and `visualize`.
    /// Name a call before building on it: the renamed one is a new node.
    ///
    /// ```
    /// use ndchunk::delayed::delayed;
    /// let d = delayed(|| 2).named("two");
    /// assert!(d.explain().contains("two"));
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn named(&self, name: impl Into<String>) -> Delayed<T> {
        match &self.node.op {
            Op::Call(_) => {
                let inner = self.node.clone();
                let f: Arc<CallFn> = Arc::new(move |inputs: &[Value]| match &inner.op {
                    Op::Call(k) => k.call(inputs),
                    _ => Err(Error::internal("renamed call is not a call")),
                });
                let replicated = matches!(&self.node.op, Op::Call(k) if k.replicated());
                node_of(name.into(), f, self.node.inputs.clone(), replicated)
            }
            _ => self.clone(),
        }
    }

    /// `f` of the value, delayed.
    ///
    /// ```
    /// use ndchunk::delayed::delayed;
    /// assert_eq!(delayed(|| 20).map(|x| x + 1).compute()?, 21);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn map<U: Send + Sync + 'static>(
        &self,
        f: impl Fn(&T) -> U + Send + Sync + 'static,
    ) -> Delayed<U> {
        call("map", vec![self.node.clone()], move |v| {
            Ok(f(value::<T>(&v[0])?))
        })
    }

    /// `f` of the value, delayed, for a fallible `f` (see [`try_delayed`]).
    ///
    /// ```
    /// use ndchunk::delayed::delayed;
    /// let n = delayed(|| "42".to_string()).try_map(|s| s.parse::<u8>());
    /// assert_eq!(n.compute()?, 42);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn try_map<U, E>(
        &self,
        f: impl Fn(&T) -> std::result::Result<U, E> + Send + Sync + 'static,
    ) -> Delayed<U>
    where
        U: Send + Sync + 'static,
        E: Display,
    {
        call("map", vec![self.node.clone()], move |v| {
            f(value::<T>(&v[0])?).map_err(|e| Error::Failed(e.to_string()))
        })
    }

    /// `f` of two delayed values, in one call.
    ///
    /// ```
    /// use ndchunk::delayed::{delayed, Delayed};
    /// let s = Delayed::combine(&delayed(|| 2), &delayed(|| "ab".to_string()), |n, s| s.repeat(*n));
    /// assert_eq!(s.compute()?, "abab");
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn combine<A, B>(
        a: &Delayed<A>,
        b: &Delayed<B>,
        f: impl Fn(&A, &B) -> T + Send + Sync + 'static,
    ) -> Delayed<T>
    where
        A: Send + Sync + 'static,
        B: Send + Sync + 'static,
    {
        call("combine", vec![a.node.clone(), b.node.clone()], move |v| {
            Ok(f(value::<A>(&v[0])?, value::<B>(&v[1])?))
        })
    }

    /// All the values, in order, in one delayed `Vec` (the values are cloned
    /// into it once, when it is computed).
    ///
    /// ```
    /// use ndchunk::delayed::{delayed, Delayed};
    /// let parts: Vec<_> = (0..5).map(|i| delayed(move || i * i)).collect();
    /// assert_eq!(Delayed::collect(&parts).compute()?, vec![0, 1, 4, 9, 16]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn collect(parts: &[Delayed<T>]) -> Delayed<Vec<T>>
    where
        T: Clone,
    {
        let inputs = parts.iter().map(|p| p.node.clone()).collect();
        call("collect", inputs, |v| {
            v.iter().map(|x| value::<T>(x).cloned()).collect()
        })
    }

    /// Compute the value with the default [`Options`]: independent calls
    /// run in parallel on the current rayon pool.
    ///
    /// ```
    /// use ndchunk::delayed::delayed;
    /// let words = delayed(|| vec!["a", "bb", "ccc"]);
    /// assert_eq!(words.map(|w| w.len()).compute()?, 3);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn compute(&self) -> Result<T>
    where
        T: Clone,
    {
        compute_with(self, &Options::default())
    }

    /// Compute the value with chosen [`Options`].
    ///
    /// ```
    /// use ndchunk::delayed::delayed;
    /// use ndchunk::{Options, Scheduler};
    /// let d = delayed(|| 6).map(|x| x * 7);
    /// assert_eq!(d.compute_with(&Options::default().scheduler(Scheduler::Sync))?, 42);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn compute_with(&self, options: &Options) -> Result<T>
    where
        T: Clone,
    {
        compute_with(self, options)
    }

    /// The plan as text (see [`ChunkedArray::explain`]).
    ///
    /// ```
    /// use ndchunk::delayed::{delayed, Delayed};
    /// let x = delayed(|| 1).named("load");
    /// let y = Delayed::combine(&x, &x.map(|v| v * 2).named("double"), |a, b| a + b);
    /// let plan = y.explain();
    /// assert!(plan.contains("load") && plan.contains("double") && plan.contains("3 block tasks"));
    /// ```
    pub fn explain(&self) -> String {
        crate::compute::explain(std::slice::from_ref(&self.node))
    }

    /// The task graph in Graphviz DOT (see [`ChunkedArray::visualize`]).
    ///
    /// ```
    /// use ndchunk::delayed::delayed;
    /// let dot = delayed(|| 1).named("one").map(|v| v + 1).visualize();
    /// assert!(dot.contains("one") && dot.contains("->"));
    /// ```
    pub fn visualize(&self) -> String {
        crate::compute::visualize(std::slice::from_ref(&self.node))
    }
}

impl<T: Clone + Send + Sync + 'static> Compute for &Delayed<T> {
    type Output = T;

    fn roots(&self) -> Vec<Arc<Node>> {
        vec![self.node.clone()]
    }

    fn assemble(self, blocks: &mut dyn Iterator<Item = Vec<Value>>) -> Result<T> {
        let mut values = blocks
            .next()
            .ok_or_else(|| Error::internal("no value for a delayed"))?;
        let v = values
            .pop()
            .ok_or_else(|| Error::internal("no value for a delayed"))?;
        let v = v.downcast::<T>().map_err(|_| {
            Error::internal(format!(
                "delayed value is not a {}",
                std::any::type_name::<T>()
            ))
        })?;
        Ok(Arc::try_unwrap(v).unwrap_or_else(|shared| (*shared).clone()))
    }
}

/// # Blocks as delayed values
impl<T: Element, D: Dimension + 'static> ChunkedArray<T, D> {
    /// The blocks as delayed values, in a grid shaped like the block grid:
    /// each is computed (with what it depends on) only when asked for.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_fn((4, 6), (2, 3), |(i, j)| (i * 6 + j) as i64)?;
    /// let blocks = x.to_delayed();
    /// assert_eq!(blocks.shape(), &[2, 2]);
    /// let b = blocks[[1, 0]].compute()?;
    /// assert_eq!(b, array![[12, 13, 14], [18, 19, 20]].into_dyn());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn to_delayed(&self) -> ArrayD<Delayed<ArrayD<T>>> {
        let grid = self.chunks().grid();
        let blocks: Vec<Delayed<ArrayD<T>>> = (0..self.num_blocks())
            .map(|b| {
                let index = self.chunks().unravel(b);
                let block = Node::new(
                    vec![],
                    Chunks::single(&[]),
                    Typed::<()>::ops(),
                    Op::BlockOf(index),
                    vec![self.node.clone()],
                );
                // Stored blocks are shared `ArcArray`s; hand out owned ones.
                Delayed::<Block<T>>::from_node(block).map(|b| b.to_owned())
            })
            .collect();
        ArrayD::from_shape_vec(IxDyn(&grid), blocks).expect("one delayed value per block")
    }

    /// An array made of delayed blocks (one per file, say): `grid[[i, j]]` is
    /// block `(i, j)` and must compute to an array of that block's shape in
    /// `chunks`, explicit sizes whose sums give the array's shape (an error
    /// naming the block otherwise). A compute runs only the parts its result
    /// reads: a slice inside one file loads that file alone.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// use ndchunk::delayed::delayed;
    /// let parts: Vec<_> = (0..3).map(|k| delayed(move || Array::from_elem(4, k as f64))).collect();
    /// let grid = Array::from_vec(parts);
    /// let x = ChunkedArray::from_delayed(grid, Chunks::from_sizes(vec![vec![4, 4, 4]]))?;
    /// assert_eq!(x.sum().compute()?.into_scalar(), 12.0);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn from_delayed(grid: Array<Delayed<Array<T, D>>, D>, chunks: Chunks) -> Result<Self> {
        let chunks = chunks.checked(std::mem::size_of::<T>())?;
        if grid.ndim() != chunks.ndim() {
            return Err(Error::RankMismatch {
                argument: "grid",
                expected: chunks.ndim(),
                got: grid.ndim(),
            });
        }
        if chunks.grid() != grid.shape() {
            return Err(Error::invalid(
                "grid",
                format!(
                    "a grid of {:?} blocks for chunks {:?} ({:?} blocks)",
                    grid.shape(),
                    chunks,
                    chunks.grid()
                ),
            ));
        }
        let parts: Vec<Arc<Node>> = grid
            .iter()
            .enumerate()
            .map(|(b, d)| {
                let index = chunks.unravel(b);
                let expected = chunks.block_shape(&index);
                let label = format!("block{index:?}");
                call::<Block<T>>(&label, vec![d.node.clone()], move |v| {
                    let a = value::<Array<T, D>>(&v[0])?;
                    if a.shape() != expected.as_slice() {
                        return Err(Error::Failed(format!(
                            "delayed block {index:?} has shape {:?}, expected {expected:?}",
                            a.shape()
                        )));
                    }
                    let block: Block<T> = a
                        .view()
                        .into_dyn()
                        .as_standard_layout()
                        .into_owned()
                        .into_shared();
                    Ok(block)
                })
                .node
            })
            .collect();
        let shape = chunks.shape();
        Ok(ChunkedArray::new(shape, chunks, Op::Parts, parts))
    }
}
