//! What an element type must provide for each family of operations.
//!
//! Any `T: Copy + Send + Sync + 'static` can live in a [`ChunkedArray`](crate::ChunkedArray)
//! ([`Element`]). Sums, products and means need [`Accumulate`] (all primitive
//! numbers and `bool`), `any`, `all` and `count_nonzero` need [`Truthy`]
//! (numbers and `bool`).
//!
//! # Result types of sums and means
//!
//! Small integers are summed in 64 bits, as numpy does: a sum of 300 `u8`
//! ones is 300, not 44. `sum`, `prod`, `cumsum_axis`, `cumprod_axis`, `dot`
//! and `tensordot` (sums of products) return [`Accumulate::Sum`]; `mean`,
//! `var` and `std` return [`Accumulate::Mean`]:
//!
//! | element type | `sum`, `prod`, `cumsum`, `dot` | `mean`, `var`, `std` |
//! |---|---|---|
//! | `bool`, `i8`, `i16`, `i32`, `i64` | `i64` | `f64` |
//! | `u8`, `u16`, `u32`, `u64` | `u64` | `f64` |
//! | `isize`, `usize`, `i128`, `u128` | the same type | `f64` |
//! | `f32` | `f32` | `f32` |
//! | `f64` | `f64` | `f64` |
//!
//! Integer arithmetic in the sum type is checked: a sum or product that does
//! not fit (an intermediate one included) makes `compute` return
//! [`Error::Overflow`](crate::Error::Overflow) naming the operation, inside an
//! [`Error::TaskFailed`](crate::Error::TaskFailed) naming the block; it never
//! wraps silently. Floats follow IEEE 754 (overflow gives an infinity). Means,
//! variances and standard deviations of integers convert each element to
//! `f64` as it is read, so they never overflow.
//!
//! ```
//! use ndchunk::prelude::*;
//! let x = ChunkedArray::from_array(Array::from_elem(300, 1_u8), 7)?;
//! assert_eq!(x.sum().compute()?.into_scalar(), 300_u64);
//! let big = ChunkedArray::from_array(array![i32::MAX, 1], 1)?;
//! assert_eq!(big.sum().compute()?.into_scalar(), 2_147_483_648_i64);
//! assert_eq!(big.mean().compute()?.into_scalar(), 1_073_741_824.0_f64);
//! let huge = ChunkedArray::from_array(array![i64::MAX, 1], 1)?;
//! assert!(huge.sum().compute().unwrap_err().to_string().contains("overflow"));
//! # Ok::<(), ndchunk::Error>(())
//! ```

use num_traits::{Float, One, Zero};

/// An element of a chunked array: plain data that can cross threads.
///
/// Implemented for every `T: Copy + Send + Sync + 'static`.
pub trait Element: Copy + Send + Sync + 'static {}

impl<T: Copy + Send + Sync + 'static> Element for T {}

/// Elements that can be summed, multiplied and averaged: the primitive
/// numbers and `bool` (summed as 0 and 1).
///
/// Says which type the sums and the means of the element are computed in
/// and returned as (the table in the [module docs](self)), and converts an
/// element to them exactly (to the mean type: as exactly as `f64` allows).
///
/// ```
/// use ndchunk::element::Accumulate;
/// let s: u64 = 200_u8.to_sum();
/// let m: f64 = true.to_mean();
/// assert_eq!((s, m), (200, 1.0));
/// assert_eq!(2.5_f32.to_sum(), 2.5_f32);
/// ```
pub trait Accumulate: Element {
    /// The type of sums, products and matrix products of this element: 64
    /// bits for smaller integers and `bool`, the element type otherwise.
    type Sum: Accumulator<Mean = Self::Mean>;
    /// The type of means, variances and standard deviations: `f64`, or
    /// `f32` for `f32`.
    type Mean: Accumulator<Mean = Self::Mean> + Float;
    /// `self` in the sum type (exact).
    fn to_sum(self) -> Self::Sum;
    /// `self` in the mean type (rounded to nearest for integers above 2^53).
    fn to_mean(self) -> Self::Mean;
}

/// The types sums and products are accumulated in and returned as
/// ([`Accumulate::Sum`]): `i64`, `u64`, `i128`, `u128`, `isize`, `usize`,
/// `f32` and `f64`.
///
/// Integer additions and multiplications report overflow instead of wrapping
/// silently; float ones round (to an infinity if need be) and never report
/// it, and additions carry a compensation term so that sums are exact to a
/// few ulps.
///
/// ```
/// use ndchunk::element::Accumulator;
/// let (s, err) = Accumulator::two_sum(1e16_f64, 1.0);
/// assert_eq!((s, err), (1e16, 1.0));
/// assert_eq!(Accumulator::overflowing_add(i64::MAX, 1_i64), (i64::MIN, true));
/// assert_eq!(Accumulator::overflowing_mul(f64::MAX, 2.0), (f64::INFINITY, false));
/// ```
pub trait Accumulator: Accumulate<Sum = Self> + Zero + One {
    /// `self + other`, and whether that overflowed (integers; the sum then
    /// wrapped). Never true for floats.
    fn overflowing_add(self, other: Self) -> (Self, bool);
    /// `self * other`, and whether that overflowed (integers; the product
    /// then wrapped). Never true for floats.
    fn overflowing_mul(self, other: Self) -> (Self, bool);
    /// `a + b` and the rounding error of that addition: 0 for integers,
    /// whose additions are exact when they do not overflow (see
    /// [`overflowing_add`](Self::overflowing_add)).
    fn two_sum(a: Self, b: Self) -> (Self, Self);
}

macro_rules! accumulate_into {
    ($sum:ty, $mean:ty: $($t:ty)*) => {$(
        impl Accumulate for $t {
            type Sum = $sum;
            type Mean = $mean;
            #[inline] fn to_sum(self) -> $sum { self.into() }
            #[inline] fn to_mean(self) -> $mean { self as $mean }
        }
    )*};
}
accumulate_into!(i64, f64: i8 i16 i32);
accumulate_into!(u64, f64: u8 u16 u32);

impl Accumulate for bool {
    type Sum = i64;
    type Mean = f64;
    #[inline]
    fn to_sum(self) -> i64 {
        self.into()
    }
    #[inline]
    fn to_mean(self) -> f64 {
        u8::from(self).into()
    }
}

macro_rules! accumulator_int {
    ($($t:ty)*) => {$(
        impl Accumulate for $t {
            type Sum = $t;
            type Mean = f64;
            #[inline] fn to_sum(self) -> $t { self }
            #[inline] fn to_mean(self) -> f64 { self as f64 }
        }
        impl Accumulator for $t {
            #[inline] fn overflowing_add(self, other: Self) -> (Self, bool) { <$t>::overflowing_add(self, other) }
            #[inline] fn overflowing_mul(self, other: Self) -> (Self, bool) { <$t>::overflowing_mul(self, other) }
            #[inline] fn two_sum(a: Self, b: Self) -> (Self, Self) { (a.wrapping_add(b), 0) }
        }
    )*};
}
accumulator_int!(i64 i128 isize u64 u128 usize);

macro_rules! accumulator_float {
    ($($t:ty)*) => {$(
        impl Accumulate for $t {
            type Sum = $t;
            type Mean = $t;
            #[inline] fn to_sum(self) -> $t { self }
            #[inline] fn to_mean(self) -> $t { self }
        }
        impl Accumulator for $t {
            #[inline] fn overflowing_add(self, other: Self) -> (Self, bool) { (self + other, false) }
            #[inline] fn overflowing_mul(self, other: Self) -> (Self, bool) { (self * other, false) }
            /// Neumaier's variant of Kahan's two-sum: exact error of `a + b`
            /// whichever operand is larger.
            #[inline] fn two_sum(a: Self, b: Self) -> (Self, Self) {
                let s = a + b;
                // An infinite or NaN sum has no rounding error to carry (and
                // `inf - inf` would turn it into NaN).
                let err = if !s.is_finite() {
                    0.0
                } else if a.abs() >= b.abs() {
                    (a - s) + b
                } else {
                    (b - s) + a
                };
                (s, err)
            }
        }
    )*};
}
accumulator_float!(f32 f64);

/// Elements with a truth value: non-zero numbers and `true`.
///
/// ```
/// use ndchunk::element::Truthy;
/// assert!(2.5_f64.is_truthy() && !0_u8.is_truthy() && true.is_truthy());
/// ```
pub trait Truthy: Element {
    /// True for non-zero numbers (NaN included, as in numpy) and for `true`.
    fn is_truthy(&self) -> bool;
}

impl Truthy for bool {
    #[inline]
    fn is_truthy(&self) -> bool {
        *self
    }
}

macro_rules! truthy_number {
    ($zero:literal: $($t:ty)*) => {$(
        impl Truthy for $t {
            #[inline] fn is_truthy(&self) -> bool { *self != $zero }
        }
    )*};
}
truthy_number!(0: i8 i16 i32 i64 i128 isize u8 u16 u32 u64 u128 usize);
truthy_number!(0.0: f32 f64);

/// Elements with a total order given by an unsigned key: sorting, top-k,
/// order statistics (`percentile`, `median`) and `unique` compare keys.
///
/// The key orders numbers as `<` does, with `-0.0` equal to `0.0` and every
/// NaN equal to every other and after all numbers (numpy's sort order). Only
/// the low [`KEY_BITS`](Self::KEY_BITS) bits of a key are used, so exact
/// order statistics over the keys take as many counting passes as the type
/// has bits (see [`percentile`](crate::ChunkedArray::percentile)).
///
/// ```
/// use ndchunk::element::Ordered;
/// assert!((-1.5_f64).order_key() < 0.0_f64.order_key());
/// assert_eq!((-0.0_f64).order_key(), 0.0_f64.order_key());
/// assert!(f64::INFINITY.order_key() < f64::NAN.order_key());
/// assert!((-3_i8).order_key() < 2_i8.order_key() && i8::KEY_BITS == 8);
/// assert_eq!(f64::from_order_key((-2.5_f64).order_key()), -2.5);
/// ```
pub trait Ordered: Element + PartialOrd {
    /// How many low bits of a key carry information.
    const KEY_BITS: u32;
    /// The key: `a < b` as numbers exactly when `a.order_key() < b.order_key()`.
    fn order_key(self) -> u64;
    /// The value of a key (for floats, `+0.0` for zero and one NaN for all).
    fn from_order_key(key: u64) -> Self;
}

macro_rules! ordered_unsigned {
    ($($t:ty)*) => {$(
        impl Ordered for $t {
            const KEY_BITS: u32 = <$t>::BITS;
            #[inline] fn order_key(self) -> u64 { self as u64 }
            #[inline] fn from_order_key(key: u64) -> Self { key as $t }
        }
    )*};
}
ordered_unsigned!(u8 u16 u32 u64 usize);

macro_rules! ordered_signed {
    ($($t:ty => $u:ty)*) => {$(
        impl Ordered for $t {
            const KEY_BITS: u32 = <$t>::BITS;
            // Flipping the sign bit puts negative numbers first.
            #[inline] fn order_key(self) -> u64 { ((self as $u) ^ (1 << (<$t>::BITS - 1))) as u64 }
            #[inline] fn from_order_key(key: u64) -> Self { ((key as $u) ^ (1 << (<$t>::BITS - 1))) as $t }
        }
    )*};
}
ordered_signed!(i8 => u8 i16 => u16 i32 => u32 i64 => u64 isize => usize);

macro_rules! ordered_float {
    ($($t:ty => $u:ty)*) => {$(
        impl Ordered for $t {
            const KEY_BITS: u32 = <$u>::BITS;
            #[inline]
            fn order_key(self) -> u64 {
                const SIGN: $u = 1 << (<$u>::BITS - 1);
                // One zero and one NaN (the largest key), so that equal
                // numbers have equal keys and NaN sorts last.
                let v = if self == 0.0 { 0.0 } else if self.is_nan() { <$t>::NAN } else { self };
                let bits = v.to_bits() & if v.is_nan() { !SIGN } else { <$u>::MAX };
                // Negative numbers: all bits flipped (larger magnitude first);
                // positive: the sign bit set (after every negative one).
                (if bits & SIGN != 0 { !bits } else { bits | SIGN }) as u64
            }
            #[inline]
            fn from_order_key(key: u64) -> Self {
                const SIGN: $u = 1 << (<$u>::BITS - 1);
                let key = key as $u;
                <$t>::from_bits(if key & SIGN != 0 { key & !SIGN } else { !key })
            }
        }
    )*};
}
ordered_float!(f32 => u32 f64 => u64);

/// Numbers `arange` can step through: the `i`-th value is computed directly
/// (exactly, for integers), so any block can be produced on its own.
///
/// ```
/// use ndchunk::element::Arange;
/// assert_eq!(i8::arange_len(-128, 127, 1), Some(255));
/// assert_eq!(i8::arange_nth(-128, 1, 200), 72);
/// assert_eq!(f64::arange_len(0.0, 1.0, 0.3), Some(4));
/// assert_eq!(f64::arange_len(0.0, 1e300, 1e-300), None); // 1e600 values
/// assert!(!f64::NAN.is_finite_number() && 3_u8.is_finite_number());
/// ```
pub trait Arange: Element + std::fmt::Debug + PartialEq {
    /// False for NaN and infinities.
    fn is_finite_number(self) -> bool;
    /// Number of values `start, start + step, ...` before `end`, for finite
    /// arguments and a non-zero step; `None` when it does not fit `usize`.
    fn arange_len(start: Self, end: Self, step: Self) -> Option<usize>;
    /// The value at position `i`: `start + i * step`.
    fn arange_nth(start: Self, step: Self, i: usize) -> Self;
}

macro_rules! arange_int {
    ($($t:ty)*) => {$(
        impl Arange for $t {
            fn is_finite_number(self) -> bool {
                true
            }
            fn arange_len(start: Self, end: Self, step: Self) -> Option<usize> {
                let (start, end, step) = (start as i128, end as i128, step as i128);
                let span = end - start;
                if step != 0 && span != 0 && (span > 0) == (step > 0) {
                    usize::try_from((span.abs() + step.abs() - 1) / step.abs()).ok()
                } else {
                    Some(0)
                }
            }
            fn arange_nth(start: Self, step: Self, i: usize) -> Self {
                // In range by construction: the value lies between start and end.
                (start as i128 + i as i128 * step as i128) as $t
            }
        }
    )*};
}
arange_int!(i8 i16 i32 i64 isize u8 u16 u32 u64 usize);

macro_rules! arange_float {
    ($($t:ty)*) => {$(
        impl Arange for $t {
            fn is_finite_number(self) -> bool {
                self.is_finite()
            }
            fn arange_len(start: Self, end: Self, step: Self) -> Option<usize> {
                let n = ((end as f64 - start as f64) / step as f64).ceil().max(0.0);
                // 2^64 is the first float `usize` cannot hold (`as` would saturate).
                (n < 18_446_744_073_709_551_616.0).then_some(n as usize)
            }
            fn arange_nth(start: Self, step: Self, i: usize) -> Self {
                start + i as $t * step
            }
        }
    )*};
}
arange_float!(f32 f64);

/// True for values that compare unequal to themselves (NaN); false for every
/// totally ordered type.
#[inline]
pub(crate) fn is_nan<T: PartialOrd>(x: &T) -> bool {
    x.partial_cmp(x).is_none()
}

/// Elements that Zarr and `.npy` stores hold: `bool`, `i8` to `i64`, `u8`
/// to `u64`, `f32` and `f64` (sealed: the stores' own traits, from `zarrs`
/// and `ndarray-npy`, are what reads and writes them).
///
/// The element type of an array read from a store must be the store's data
/// type exactly: opening a `float32` array as `f64` is an error naming both,
/// never a silent conversion.
///
/// ```
/// use ndchunk::element::StoreElement;
/// assert_eq!(<f64 as StoreElement>::DTYPE, "float64");
/// assert_eq!(<bool as StoreElement>::DTYPE, "bool");
/// // Fill values must be values of the type, exactly.
/// assert_eq!(i8::from_fill(-3.0), Some(-3));
/// assert_eq!(i32::from_fill(0.5), None);
/// assert_eq!(u8::from_fill(-1.0), None);
/// assert_eq!(i64::from_fill(9_223_372_036_854_775_808.0), None); // 2^63
/// assert_eq!(f32::from_fill(0.1), None);                          // not an f32
/// assert!(f64::from_fill(f64::NAN).is_some_and(f64::is_nan));
/// ```
pub trait StoreElement:
    Element
    + zarrs::array::ElementOwned
    + ndarray_npy::ReadableElement
    + ndarray_npy::WritableElement
    + ndarray_npy::ViewElement
    + ndarray_npy::ViewMutElement
    + sealed::Sealed
{
    /// The data type's name, the same in Zarr v3 and numpy (`"float64"`).
    const DTYPE: &'static str;
    /// The Zarr v2 (numpy array-protocol) type string, little-endian
    /// (`"<f8"`).
    const V2_DTYPE: &'static str;
    /// The fill value `value` as this type, when it is one exactly
    /// (`None` for `0.5` as an integer, or `2.0` as a `bool`).
    fn from_fill(value: f64) -> Option<Self>;
    /// The element as a JSON fill value (Zarr metadata).
    fn to_json(self) -> serde_json::Value;
}

mod sealed {
    pub trait Sealed {}
}

/// An integer fill value: `value` when it is a whole number in range.
fn whole<T: num_traits::NumCast + num_traits::ToPrimitive + Copy>(value: f64) -> Option<T> {
    T::from(value).filter(|cast| cast.to_f64() == Some(value))
}

/// A float as JSON: Zarr spells NaN and the infinities as strings.
fn float_json(x: f64) -> serde_json::Value {
    if x.is_nan() {
        "NaN".into()
    } else if x.is_infinite() {
        if x > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else {
        x.into()
    }
}

macro_rules! store_element {
    ($($t:ty => $name:literal, $v2:literal, $from_fill:expr, $to_json:expr;)*) => {$(
        impl sealed::Sealed for $t {}
        impl StoreElement for $t {
            const DTYPE: &'static str = $name;
            const V2_DTYPE: &'static str = $v2;
            fn from_fill(value: f64) -> Option<Self> {
                $from_fill(value)
            }
            fn to_json(self) -> serde_json::Value {
                $to_json(self)
            }
        }
    )*};
}

store_element! {
    i8 => "int8", "|i1", whole, serde_json::Value::from;
    i16 => "int16", "<i2", whole, serde_json::Value::from;
    i32 => "int32", "<i4", whole, serde_json::Value::from;
    i64 => "int64", "<i8", whole, serde_json::Value::from;
    u8 => "uint8", "|u1", whole, serde_json::Value::from;
    u16 => "uint16", "<u2", whole, serde_json::Value::from;
    u32 => "uint32", "<u4", whole, serde_json::Value::from;
    u64 => "uint64", "<u8", whole, serde_json::Value::from;
    // A float fill value is any value the type holds exactly, or NaN.
    f32 => "float32", "<f4",
        |v: f64| (v.is_nan() || v as f32 as f64 == v).then_some(v as f32),
        |x: f32| float_json(x as f64);
    f64 => "float64", "<f8", Some, float_json;
}

impl sealed::Sealed for bool {}
impl StoreElement for bool {
    const DTYPE: &'static str = "bool";
    const V2_DTYPE: &'static str = "|b1";
    fn from_fill(value: f64) -> Option<Self> {
        match value {
            0.0 => Some(false),
            1.0 => Some(true),
            _ => None,
        }
    }
    fn to_json(self) -> serde_json::Value {
        self.into()
    }
}
