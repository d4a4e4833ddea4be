//! Elementwise operations: closures, float functions, comparisons, `select`
//! and casts. Each records one node; chains of them fuse into one kernel per
//! block at compute time.

use super::views::broadcast_shapes;
use super::ChunkedArray;
use crate::chunks::Chunks;
use crate::element::Element;
use crate::error::Error;
use crate::kernel::elementwise::{Binary, Describe, Unary};
use crate::kernel::sources::FullKernel;
use crate::kernel::whole_map::WholeMap;
use crate::kernel::{MapKernel, Typed};
use crate::plan::{Node, Op};
use ndarray::{DimMax, Dimension, IxDyn, ScalarOperand};
use num_traits::{AsPrimitive, Float};
use std::marker::PhantomData;
use std::sync::Arc;

/// # Elementwise operations
///
/// Maps, casts, comparisons and clipping; arithmetic operators (`+ - * / %`,
/// unary `-`) between arrays and with scalars are implemented on the type.
/// Chains of them fuse into one kernel per block.
impl<T: Element, D: Dimension> ChunkedArray<T, D> {
    /// `f` of every element, with a label and (for built-in operations) a
    /// sharing key.
    pub(crate) fn unary<U: Element>(
        &self,
        label: String,
        key: Option<String>,
        f: impl Fn(T) -> U + Send + Sync + 'static,
    ) -> ChunkedArray<U, D> {
        let kernel = Unary {
            f: Arc::new(f),
            describe: Describe { label, key },
            _types: PhantomData,
        };
        ChunkedArray::mapped(
            self.node.shape.clone(),
            self.node.chunks.clone(),
            Arc::new(kernel),
            vec![self.node.clone()],
        )
    }

    /// The node of elementwise `map` of `inputs` (all of `shape` and
    /// `chunks`): fused into its consumers, or, over blocks whose lengths
    /// are known only once computed (a selection's), one task per block
    /// mapping the block whole, as it comes.
    fn mapped(
        shape: Vec<usize>,
        chunks: Chunks,
        map: Arc<dyn MapKernel>,
        inputs: Vec<Arc<Node>>,
    ) -> ChunkedArray<T, D> {
        if chunks.all_known() {
            return ChunkedArray::new(shape, chunks, Op::Map(map), inputs);
        }
        let kernel = WholeMap {
            map,
            inputs: inputs.iter().map(|i| i.dtype.clone()).collect(),
            output: Typed::<T>::ops(),
        };
        ChunkedArray::over_unknown(shape, chunks, Op::Blocks(Arc::new(kernel)), inputs)
    }

    /// `f` of pairs of elements at the same index, after broadcasting both
    /// to a common shape (numpy's rules). Different chunkings are aligned on
    /// their common refinement; incompatible shapes are an error reported by
    /// `compute`.
    pub(crate) fn binary<B: Element, E: Dimension, U: Element>(
        &self,
        other: &ChunkedArray<B, E>,
        op: &'static str,
        key: Option<String>,
        f: impl Fn(T, B) -> U + Send + Sync + 'static,
    ) -> ChunkedArray<U, <D as DimMax<E>>::Output>
    where
        D: DimMax<E>,
    {
        if !self.shape_known() || !other.shape_known() {
            // Only blocks of one selection line up: the same unknown lengths.
            let inputs = vec![self.node.clone(), other.node.clone()];
            if self.chunks() != other.chunks() {
                let error = Error::UnknownChunkSizes { op };
                return ChunkedArray::invalid(self.shape().to_vec(), error, inputs);
            }
            let kernel = binary_kernel(op, key, f);
            let (shape, chunks) = (self.shape().to_vec(), self.chunks().clone());
            return ChunkedArray::mapped(shape, chunks, kernel, inputs);
        }
        let shape = match broadcast_shapes(op, self.shape(), other.shape()) {
            Ok(shape) => shape,
            Err(error) => {
                // The result's rank is the larger one, whatever the shapes.
                let longer = if other.ndim() > self.ndim() {
                    other.shape()
                } else {
                    self.shape()
                };
                let inputs = vec![self.node.clone(), other.node.clone()];
                return ChunkedArray::invalid(longer.to_vec(), error, inputs);
            }
        };
        let a = self.broadcast::<IxDyn>(shape.clone()).node;
        let b = other.broadcast::<IxDyn>(shape.clone()).node;
        let chunks = match a.chunks.refine(&b.chunks) {
            Ok(chunks) => chunks,
            Err(error) => return ChunkedArray::invalid(shape, error, vec![a, b]),
        };
        ChunkedArray::new(
            shape,
            chunks,
            Op::Map(binary_kernel(op, key, f)),
            vec![a, b],
        )
    }

    /// Apply `f` to every element by value (ndarray's `mapv`).
    ///
    /// `f` runs inside the block tasks, on many threads; if it panics,
    /// `compute` returns an error naming the block.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::arange(0.0, 4.0, 1.0, 2)?;
    /// assert_eq!(x.mapv(|v| v * v).compute()?, array![0.0, 1.0, 4.0, 9.0]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn mapv<U: Element>(
        &self,
        f: impl Fn(T) -> U + Send + Sync + 'static,
    ) -> ChunkedArray<U, D> {
        self.unary("mapv".into(), None, f)
    }

    /// Apply `f` to a reference to every element (ndarray's `map`).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::arange(0_i32, 4, 1, 3)?;
    /// assert_eq!(x.map(|v| *v > 1).compute()?, array![false, false, true, true]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn map<U: Element>(
        &self,
        f: impl Fn(&T) -> U + Send + Sync + 'static,
    ) -> ChunkedArray<U, D> {
        self.unary("map".into(), None, move |v| f(&v))
    }

    /// `f(a, b)` for the elements of `self` and `other` at each index
    /// (broadcast to a common shape).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::arange(0.0_f64, 3.0, 1.0, 2)?;
    /// let y = ChunkedArray::arange(0_i32, 3, 1, 3)?;     // other type, other chunks
    /// let z = x.zip_with(&y, |a, b| a.powi(b));
    /// assert_eq!(z.compute()?, array![1.0, 1.0, 4.0]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn zip_with<B: Element, E: Dimension, U: Element>(
        &self,
        other: &ChunkedArray<B, E>,
        f: impl Fn(T, B) -> U + Send + Sync + 'static,
    ) -> ChunkedArray<U, <D as DimMax<E>>::Output>
    where
        D: DimMax<E>,
    {
        self.binary(other, "zip_with", None, f)
    }

    /// Convert every element with `as` (numpy's `astype`).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::arange(0.5_f64, 3.0, 1.0, 2)?;
    /// assert_eq!(x.cast::<i32>().compute()?, array![0, 1, 2]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn cast<U: Element>(&self) -> ChunkedArray<U, D>
    where
        T: AsPrimitive<U>,
    {
        let label = format!("cast<{}>", std::any::type_name::<U>());
        self.unary(label.clone(), Some(label), |v| v.as_())
    }

    /// Limit every element to `[min, max]`; NaN stays NaN.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::arange(-2_i32, 3, 1, 2)?;
    /// assert_eq!(x.clip(-1, 1).compute()?, array![-1, -1, 0, 1, 1]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn clip(&self, min: T, max: T) -> ChunkedArray<T, D>
    where
        T: PartialOrd + std::fmt::Debug,
    {
        let label = format!("clip({min:?}, {max:?})");
        let clip = move |v: T| {
            if v < min {
                min
            } else if v > max {
                max
            } else {
                v
            }
        };
        if min > max {
            let error = Error::invalid(
                "min, max",
                format!("expected min <= max, got min = {min:?}, max = {max:?}"),
            );
            return ChunkedArray::invalid(self.shape().to_vec(), error, vec![self.node.clone()]);
        }
        self.unary(label.clone(), Some(label), clip)
    }

    fn compare(
        &self,
        rhs: impl IntoOperand<T, D>,
        op: &'static str,
        f: fn(&T, &T) -> bool,
    ) -> ChunkedArray<bool, D>
    where
        T: PartialOrd,
    {
        let rhs = rhs.into_operand(self.shape(), self.chunks());
        self.binary(&rhs, op, Some(op.to_string()), move |a, b| f(&a, &b))
    }

    /// `self > rhs` elementwise; `rhs` an array of the same shape or a scalar.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::arange(0.0, 4.0, 1.0, 2)?;
    /// assert_eq!(x.gt(1.5).compute()?, array![false, false, true, true]);
    /// assert_eq!(x.gt(&x).count_nonzero().compute()?.into_scalar(), 0);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn gt(&self, rhs: impl IntoOperand<T, D>) -> ChunkedArray<bool, D>
    where
        T: PartialOrd,
    {
        self.compare(rhs, "gt", T::gt)
    }

    /// `self >= rhs` elementwise; see [`gt`](Self::gt).
    pub fn ge(&self, rhs: impl IntoOperand<T, D>) -> ChunkedArray<bool, D>
    where
        T: PartialOrd,
    {
        self.compare(rhs, "ge", T::ge)
    }

    /// `self < rhs` elementwise; see [`gt`](Self::gt).
    pub fn lt(&self, rhs: impl IntoOperand<T, D>) -> ChunkedArray<bool, D>
    where
        T: PartialOrd,
    {
        self.compare(rhs, "lt", T::lt)
    }

    /// `self <= rhs` elementwise; see [`gt`](Self::gt).
    pub fn le(&self, rhs: impl IntoOperand<T, D>) -> ChunkedArray<bool, D>
    where
        T: PartialOrd,
    {
        self.compare(rhs, "le", T::le)
    }

    /// `self == rhs` elementwise (NaN is unequal to everything); see [`gt`](Self::gt).
    pub fn eq_elem(&self, rhs: impl IntoOperand<T, D>) -> ChunkedArray<bool, D>
    where
        T: PartialOrd,
    {
        self.compare(rhs, "eq_elem", |a, b| a == b)
    }
}

macro_rules! float_fns {
    ($($(#[$doc:meta])* $name:ident => $f:expr;)*) => {
        impl<T: Float + Element, D: Dimension> ChunkedArray<T, D> {
            $(
                $(#[$doc])*
                pub fn $name(&self) -> ChunkedArray<T, D> {
                    self.unary(stringify!($name).into(), Some(stringify!($name).into()), $f)
                }
            )*
        }
    };
}

float_fns! {
    /// `e^x` elementwise.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![0.0, 1.0], 1)?;
    /// assert_eq!(x.exp().compute()?, array![1.0, 1.0_f64.exp()]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    exp => T::exp;
    /// Natural logarithm elementwise (NaN for negatives, as `f64::ln`).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![1.0, std::f64::consts::E], 1)?;
    /// assert_eq!(x.ln().compute()?, array![0.0, 1.0]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    ln => T::ln;
    /// Square root elementwise.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![4.0, 9.0], 1)?;
    /// assert_eq!(x.sqrt().compute()?, array![2.0, 3.0]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    sqrt => T::sqrt;
    /// Absolute value elementwise.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![-4.0, 9.0], 1)?;
    /// assert_eq!(x.abs().compute()?, array![4.0, 9.0]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    abs => T::abs;
    /// Sine elementwise.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![0.0, 1.0], 1)?;
    /// assert_eq!(x.sin().compute()?, array![0.0, 1.0_f64.sin()]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    sin => T::sin;
    /// Cosine elementwise.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![0.0, 1.0], 1)?;
    /// assert_eq!(x.cos().compute()?, array![1.0, 1.0_f64.cos()]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    cos => T::cos;
    /// Hyperbolic tangent elementwise.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![0.0, 1.0], 1)?;
    /// assert_eq!(x.tanh().compute()?, array![0.0, 1.0_f64.tanh()]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    tanh => T::tanh;
}

/// # Elementwise functions of floats
impl<T: Float + Element, D: Dimension> ChunkedArray<T, D> {
    /// `x^n` elementwise, for an integer power.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![2.0, 3.0], 1)?;
    /// assert_eq!(x.powi(3).compute()?, array![8.0, 27.0]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn powi(&self, n: i32) -> ChunkedArray<T, D> {
        let label = format!("powi({n})");
        self.unary(label.clone(), Some(label), move |v| v.powi(n))
    }

    /// `x^p` elementwise, for a float power.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![4.0, 9.0], 1)?;
    /// assert_eq!(x.powf(0.5).compute()?, array![2.0, 3.0]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn powf(&self, p: T) -> ChunkedArray<T, D> {
        let label = format!("powf({:?})", p.to_f64().unwrap_or(f64::NAN));
        self.unary(label.clone(), Some(label), move |v| v.powf(p))
    }
}

/// The right-hand side of a comparison or a branch of [`select`]: an array
/// (by value or reference) or a scalar.
pub trait IntoOperand<T, D> {
    #[doc(hidden)]
    fn into_operand(self, shape: &[usize], chunks: &Chunks) -> ChunkedArray<T, D>;
}

impl<T: Element, D: Dimension> IntoOperand<T, D> for ChunkedArray<T, D> {
    fn into_operand(self, _shape: &[usize], _chunks: &Chunks) -> ChunkedArray<T, D> {
        self
    }
}

impl<T: Element, D: Dimension> IntoOperand<T, D> for &ChunkedArray<T, D> {
    fn into_operand(self, _shape: &[usize], _chunks: &Chunks) -> ChunkedArray<T, D> {
        self.clone()
    }
}

impl<T: Element + ScalarOperand, D: Dimension> IntoOperand<T, D> for T {
    fn into_operand(self, shape: &[usize], chunks: &Chunks) -> ChunkedArray<T, D> {
        let kernel = FullKernel {
            value: self,
            label: "scalar".into(),
        };
        ChunkedArray::new(
            shape.to_vec(),
            chunks.clone(),
            Op::Source(Arc::new(kernel)),
            vec![],
        )
    }
}

/// The kernel of `f` of pairs of elements, labelled `op`.
fn binary_kernel<T: Element, B: Element, U: Element>(
    op: &'static str,
    key: Option<String>,
    f: impl Fn(T, B) -> U + Send + Sync + 'static,
) -> Arc<dyn MapKernel> {
    Arc::new(Binary {
        f: Arc::new(f),
        describe: Describe {
            label: op.to_string(),
            key,
        },
        _types: PhantomData,
    })
}

/// `a` where `cond` is true, `b` elsewhere: numpy's `where(cond, a, b)`
/// (`where` is a Rust keyword; `where_cond` as in candle). `a` and `b` are
/// arrays of `cond`'s shape (or broadcastable to it) or scalars.
///
/// ```
/// use ndchunk::prelude::*;
/// let x = ChunkedArray::arange(-2.0, 3.0, 1.0, 2)?;
/// let relu = ndchunk::where_cond(&x.gt(0.0), &x, 0.0);
/// assert_eq!(relu.compute()?, array![0.0, 0.0, 0.0, 1.0, 2.0]);
/// # Ok::<(), ndchunk::Error>(())
/// ```
#[doc(alias = "where")]
pub fn where_cond<T: Element, D: Dimension>(
    cond: &ChunkedArray<bool, D>,
    a: impl IntoOperand<T, D>,
    b: impl IntoOperand<T, D>,
) -> ChunkedArray<T, D> {
    let a = a.into_operand(cond.shape(), cond.chunks());
    let b = b.into_operand(cond.shape(), cond.chunks());
    // Three inputs through two binary kernels: (cond, a) zipped, then chosen against b.
    let cond_a = cond.binary(&a, "where_cond", Some("zip".into()), |c, a| (c, a));
    cond_a.binary(&b, "where_cond", Some("where_cond".into()), |(c, a), b| {
        if c {
            a
        } else {
            b
        }
    })
}

/// The old name of [`where_cond`]: it clashed with
/// [`ChunkedArray::select`], which is numpy's `take`.
///
/// ```
/// # #![allow(deprecated)]
/// use ndchunk::prelude::*;
/// let x = ChunkedArray::arange(-2.0, 3.0, 1.0, 2)?;
/// assert_eq!(ndchunk::select(&x.gt(0.0), &x, 0.0).compute()?, array![0.0, 0.0, 0.0, 1.0, 2.0]);
/// # Ok::<(), ndchunk::Error>(())
/// ```
#[deprecated(
    since = "0.2.0",
    note = "renamed `where_cond` (numpy's `where`); `x.select(axis, indices)` is numpy's `take`"
)]
pub fn select<T: Element, D: Dimension>(
    cond: &ChunkedArray<bool, D>,
    a: impl IntoOperand<T, D>,
    b: impl IntoOperand<T, D>,
) -> ChunkedArray<T, D> {
    where_cond(cond, a, b)
}
