//! Reductions over the whole array (a 0-d result) and along one axis.
//!
//! Each block is folded into a partial result as its values are produced
//! (a fused chain never stores the block); partials are merged in a fixed
//! tree, so the answer is bit-identical on any number of threads.

use super::ChunkedArray;
use crate::chunks::Chunks;
use crate::element::{Accumulate, Accumulator, Element, Truthy};
use crate::error::Error;
use crate::kernel::reduce::{Reducer, Reduction};
use crate::kernel::reducers::{
    AnyAll, ArgExtreme, CountNonzero, Extreme, Mean, MinMax, Moments, Prod, SkipNan, Spread, Sum,
};
use crate::plan::Op;
use ndarray::{Axis, Dimension, Ix0, RemoveAxis};
use num_traits::Float;
use std::marker::PhantomData;
use std::sync::Arc;

impl<T: Element, D: Dimension> ChunkedArray<T, D> {
    /// A whole-array reduction. Reductions without an identity (`min`,
    /// `argmax`, ...) of an empty array are an error reported by `compute`.
    pub(super) fn reduce<R: Reducer<T>>(
        &self,
        reducer: R,
        needs_elements: Option<&'static str>,
    ) -> ChunkedArray<R::Out, Ix0> {
        if reducer.positional() {
            if let Err(error) = self.known_sizes("a position (argmin, argmax)") {
                return ChunkedArray::invalid(vec![], error, vec![self.node.clone()]);
            }
        }
        if let (Some(op), true) = (needs_elements, self.is_empty()) {
            return ChunkedArray::invalid(
                vec![],
                Error::EmptyReduction { op },
                vec![self.node.clone()],
            );
        }
        let op = Op::Reduce {
            kernel: Arc::new(Reduction::<T, R>::new(reducer)),
            axis: None,
        };
        ChunkedArray::new(vec![], Chunks::single(&[]), op, vec![self.node.clone()])
    }

    /// A reduction along `axis`: the result has that axis removed, and the
    /// other axes keep their chunks.
    pub(super) fn reduce_axis<R: Reducer<T>>(
        &self,
        axis: Axis,
        reducer: R,
        needs_elements: Option<&'static str>,
        name: &'static str,
    ) -> ChunkedArray<R::Out, D::Smaller> {
        let k = axis.index();
        let inputs = vec![self.node.clone()];
        if reducer.positional() {
            if let Err(error) = self.known_sizes("a position (argmin, argmax)") {
                let shape = vec![0; self.ndim().saturating_sub(1)];
                return ChunkedArray::invalid(shape, error, inputs);
            }
        }
        if k >= self.ndim() {
            let error = Error::AxisOutOfBounds {
                op: name,
                axis: k,
                ndim: self.ndim(),
            };
            let shape = vec![0; self.ndim().saturating_sub(1)];
            return ChunkedArray::invalid(shape, error, inputs);
        }
        let mut shape = self.shape().to_vec();
        let along = shape.remove(k);
        if let (Some(op), true) = (
            needs_elements,
            along == 0 && shape.iter().product::<usize>() > 0,
        ) {
            return ChunkedArray::invalid(shape, Error::EmptyReduction { op }, inputs);
        }
        let op = Op::Reduce {
            kernel: Arc::new(Reduction::<T, R>::new(reducer)),
            axis: Some(k),
        };
        ChunkedArray::new(shape, self.chunks().remove_axis(k), op, inputs)
    }
}

macro_rules! reductions {
    ($(
        $(#[$doc:meta])*
        [$($bound:tt)*] $name:ident, $axis_name:ident ($($arg:ident: $argty:ty),*) -> $out:ty = $reducer:expr, $needs:expr;
    )*) => {$(
        impl<T: Element + $($bound)*, D: Dimension> ChunkedArray<T, D> {
            $(#[$doc])*
            pub fn $name(&self $(, $arg: $argty)*) -> ChunkedArray<$out, Ix0> {
                self.reduce($reducer, $needs)
            }
        }

        impl<T: Element + $($bound)*, D: RemoveAxis> ChunkedArray<T, D> {
            #[doc = concat!("[`", stringify!($name), "`](Self::", stringify!($name), ") along `axis`: the result has that axis removed.")]
            ///
            /// An axis out of range is an error reported by `compute`.
            pub fn $axis_name(&self, axis: Axis $(, $arg: $argty)*) -> ChunkedArray<$out, D::Smaller> {
                self.reduce_axis(axis, $reducer, $needs, stringify!($axis_name))
            }
        }
    )*};
}

reductions! {
    /// Sum of all elements, in the element's sum type as numpy's: `i64`
    /// for `bool` (the number of `true`) and signed integers up to 32 bits,
    /// `u64` for unsigned ones, the element type otherwise (see the table in
    /// [`element`](crate::element)). Floats are summed pairwise within
    /// strips and compensated across strips and blocks. Integers are summed
    /// exactly: a sum that does not fit its type (an intermediate one
    /// included) makes `compute` return [`Error::Overflow`] (inside an
    /// [`Error::TaskFailed`] naming the block), never a wrapped value.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(Array::from_elem((1000, 1000), 0.1_f64), (300, 300))?;
    /// assert!((x.sum().compute()?.into_scalar() - 1e5).abs() < 1e-9);
    /// let rows = x.sum_axis(Axis(1)).compute()?;
    /// assert_eq!(rows.len(), 1000);
    /// let bytes = ChunkedArray::from_array(Array::from_elem(300, 1_u8), 100)?;
    /// assert_eq!(bytes.sum().compute()?.into_scalar(), 300_u64);
    /// let mask = ChunkedArray::from_array(array![[true, false], [true, true]], (1, 2))?;
    /// assert_eq!(mask.sum_axis(Axis(0)).compute()?, array![2_i64, 1]);
    /// let big = ChunkedArray::from_array(array![i64::MAX, 1], 1)?;
    /// assert!(big.sum().compute().unwrap_err().to_string().contains("overflow in `sum`"));
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    [Accumulate] sum, sum_axis() -> T::Sum = Sum { op: "sum", _elem: PhantomData }, None;
    /// Arithmetic mean (NaN for no elements, as numpy), in the element's mean
    /// type: `f64` for integers and `bool` (the fraction of `true`), each
    /// element converted as it is read, so it cannot overflow; the element
    /// type for floats.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::arange(0.0, 10.0, 1.0, 3)?;
    /// assert_eq!(x.mean().compute()?.into_scalar(), 4.5);
    /// let big = ChunkedArray::from_array(array![i64::MAX, i64::MAX], 1)?;
    /// assert_eq!(big.mean().compute()?.into_scalar(), i64::MAX as f64);
    /// let mask = ChunkedArray::from_array(array![true, false, true, true], 3)?;
    /// assert_eq!(mask.mean().compute()?.into_scalar(), 0.75);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    [Accumulate] mean, mean_axis() -> T::Mean = Mean(PhantomData), None;
    /// Product of all elements, in the element's sum type (see
    /// [`sum`](Self::sum)); an integer product that does not fit makes
    /// `compute` return [`Error::Overflow`], and so does a partial product
    /// that does not fit even if a zero met later makes the product 0 (where
    /// numpy's wrapping arithmetic happens to give 0).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::arange(1_i64, 6, 1, 2)?;
    /// assert_eq!(x.prod().compute()?.into_scalar(), 120);
    /// let bytes = ChunkedArray::from_array(array![200_u8, 200, 200], 2)?;
    /// assert_eq!(bytes.prod().compute()?.into_scalar(), 8_000_000_u64);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    [Accumulate] prod, prod_axis() -> T::Sum = Prod(PhantomData), None;
    /// Smallest element; NaN if any element is NaN (as numpy). An empty
    /// array has no minimum: `compute` returns [`Error::EmptyReduction`].
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![3.0, -1.0, 2.0], 2)?;
    /// assert_eq!(x.min().compute()?.into_scalar(), -1.0);
    /// let empty = ChunkedArray::<f64, _>::zeros(0, 1)?;
    /// assert!(matches!(empty.min().compute(), Err(ndchunk::Error::EmptyReduction { .. })));
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    [PartialOrd] min, min_axis() -> T = MinMax { which: Extreme::Min, _elem: PhantomData }, Some("min");
    /// Largest element; NaN if any element is NaN. See [`min`](Self::min).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![3.0, f64::NAN, 2.0], 2)?;
    /// assert!(x.max().compute()?.into_scalar().is_nan());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    [PartialOrd] max, max_axis() -> T = MinMax { which: Extreme::Max, _elem: PhantomData }, Some("max");
    /// Flat index (C order) of the first smallest element, or of the first
    /// NaN; along an axis, the index along that axis.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![[3, 1], [1, 0]], (1, 1))?;
    /// assert_eq!(x.argmin().compute()?.into_scalar(), 3);
    /// assert_eq!(x.argmin_axis(Axis(0)).compute()?, array![1, 1]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    [PartialOrd] argmin, argmin_axis() -> usize = ArgExtreme { which: Extreme::Min, _elem: PhantomData }, Some("argmin");
    /// Flat index of the first largest element; see [`argmin`](Self::argmin).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![[3, 7], [7, 0]], (1, 1))?;
    /// assert_eq!(x.argmax().compute()?.into_scalar(), 1);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    [PartialOrd] argmax, argmax_axis() -> usize = ArgExtreme { which: Extreme::Max, _elem: PhantomData }, Some("argmax");
    /// Variance with `ddof` delta degrees of freedom (0 for the population
    /// variance, 1 for the sample variance), from a stable merge of
    /// (count, mean, sum of squared deviations); NaN when `count <= ddof`.
    /// In the element's mean type, as [`mean`](Self::mean): `f64` for
    /// integers and `bool`.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![1e9 + 1.0, 1e9 + 2.0, 1e9 + 3.0, 1e9 + 4.0], 3)?;
    /// assert_eq!(x.var(0.0).compute()?.into_scalar(), 1.25);
    /// assert_eq!(x.var(1.0).compute()?.into_scalar(), 5.0 / 3.0);
    /// let ints = ChunkedArray::from_array(array![1_i32, 2, 3, 4], 3)?;
    /// assert_eq!(ints.var(0.0).compute()?.into_scalar(), 1.25_f64);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    [Accumulate] var, var_axis(ddof: T::Mean) -> T::Mean = Moments { spread: Spread::Var(ddof) }, None;
    /// Standard deviation: the square root of [`var`](Self::var).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0], 3)?;
    /// assert_eq!(x.std(0.0).compute()?.into_scalar(), 2.0);
    /// let ints = ChunkedArray::from_array(array![2_u8, 4, 4, 4, 5, 5, 7, 9], 3)?;
    /// assert_eq!(ints.std(0.0).compute()?.into_scalar(), 2.0_f64);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    [Accumulate] std, std_axis(ddof: T::Mean) -> T::Mean = Moments { spread: Spread::Std(ddof) }, None;
    /// True if any element is non-zero (or `true`); false for no elements.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::arange(0.0, 3.0, 1.0, 2)?;
    /// assert!(x.gt(1.5).any().compute()?.into_scalar());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    [Truthy] any, any_axis() -> bool = AnyAll { all: false, _elem: PhantomData }, None;
    /// True if every element is non-zero (or `true`); true for no elements.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::arange(0.0, 3.0, 1.0, 2)?;
    /// assert!(!x.all().compute()?.into_scalar());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    [Truthy] all, all_axis() -> bool = AnyAll { all: true, _elem: PhantomData }, None;
    /// Number of non-zero (or `true`) elements.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::arange(-2_i32, 3, 1, 2)?;
    /// assert_eq!(x.count_nonzero().compute()?.into_scalar(), 4);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    [Truthy] count_nonzero, count_nonzero_axis() -> usize = CountNonzero(PhantomData), None;
    /// Sum of the elements that are not NaN (numpy's `nansum`).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![1.0, f64::NAN, 2.0], 2)?;
    /// assert_eq!(x.nansum().compute()?.into_scalar(), 3.0);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    [Accumulator + Float] nansum, nansum_axis() -> T = SkipNan(Sum { op: "nansum", _elem: PhantomData }), None;
    /// Mean of the elements that are not NaN; NaN if there is none.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![[1.0, f64::NAN], [3.0, f64::NAN]], (1, 2))?;
    /// assert_eq!(x.nanmean().compute()?.into_scalar(), 2.0);
    /// assert!(x.nanmean_axis(Axis(0)).compute()?[1].is_nan());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    [Accumulate + Float] nanmean, nanmean_axis() -> T::Mean = SkipNan(Mean(PhantomData)), None;
    /// Smallest element that is not NaN; NaN if there is none. An empty
    /// array is an error from `compute`.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![3.0, f64::NAN, -1.0], 2)?;
    /// assert_eq!(x.nanmin().compute()?.into_scalar(), -1.0);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    [Float] nanmin, nanmin_axis() -> T = SkipNan(MinMax { which: Extreme::Min, _elem: PhantomData }), Some("nanmin");
    /// Largest element that is not NaN; see [`nanmin`](Self::nanmin).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![3.0, f64::NAN, -1.0], 2)?;
    /// assert_eq!(x.nanmax().compute()?.into_scalar(), 3.0);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    [Float] nanmax, nanmax_axis() -> T = SkipNan(MinMax { which: Extreme::Max, _elem: PhantomData }), Some("nanmax");
    /// Variance of the elements that are not NaN, with `ddof`; see [`var`](Self::var).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![1.0, f64::NAN, 3.0], 2)?;
    /// assert_eq!(x.nanvar(0.0).compute()?.into_scalar(), 1.0);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    [Accumulate + Float] nanvar, nanvar_axis(ddof: T::Mean) -> T::Mean = SkipNan(Moments { spread: Spread::Var(ddof) }), None;
    /// Standard deviation of the elements that are not NaN; see [`std`](Self::std).
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![1.0, f64::NAN, 3.0], 2)?;
    /// assert_eq!(x.nanstd(0.0).compute()?.into_scalar(), 1.0);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    [Accumulate + Float] nanstd, nanstd_axis(ddof: T::Mean) -> T::Mean = SkipNan(Moments { spread: Spread::Std(ddof) }), None;
}
