//! What an element type must provide for each family of operations.
//!
//! Any `T: Copy + Send + Sync + 'static` can live in a [`ChunkedArray`](crate::ChunkedArray)
//! ([`Element`]). Sums and products need [`Accumulate`] (all primitive numbers), `any`,
//! `all` and `count_nonzero` need [`Truthy`] (numbers and `bool`).

/// An element of a chunked array: plain data that can cross threads.
///
/// Implemented for every `T: Copy + Send + Sync + 'static`.
pub trait Element: Copy + Send + Sync + 'static {}

impl<T: Copy + Send + Sync + 'static> Element for T {}

/// Numbers that can be summed and multiplied by the reductions.
///
/// Integers wrap on overflow, as numpy's do (and never panic in a worker thread);
/// floats carry a compensation term so that sums are exact to a few ulps.
///
/// ```
/// use ndchunk::element::Accumulate;
/// let (s, err) = Accumulate::two_sum(1e16_f64, 1.0);
/// assert_eq!((s, err), (1e16, 1.0));
/// assert_eq!(Accumulate::add(i8::MAX, 1_i8), i8::MIN);
/// ```
pub trait Accumulate: Element {
    /// The identity of `add`.
    fn zero() -> Self;
    /// The identity of `mul`.
    fn one() -> Self;
    /// Addition (wrapping for integers).
    fn add(self, other: Self) -> Self;
    /// Multiplication (wrapping for integers).
    fn mul(self, other: Self) -> Self;
    /// `a + b` and the rounding error of that addition (always 0 for integers).
    fn two_sum(a: Self, b: Self) -> (Self, Self);
}

macro_rules! accumulate_int {
    ($($t:ty)*) => {$(
        impl Accumulate for $t {
            #[inline] fn zero() -> Self { 0 }
            #[inline] fn one() -> Self { 1 }
            #[inline] fn add(self, other: Self) -> Self { self.wrapping_add(other) }
            #[inline] fn mul(self, other: Self) -> Self { self.wrapping_mul(other) }
            #[inline] fn two_sum(a: Self, b: Self) -> (Self, Self) { (a.wrapping_add(b), 0) }
        }
    )*};
}
accumulate_int!(i8 i16 i32 i64 i128 isize u8 u16 u32 u64 u128 usize);

macro_rules! accumulate_float {
    ($($t:ty)*) => {$(
        impl Accumulate for $t {
            #[inline] fn zero() -> Self { 0.0 }
            #[inline] fn one() -> Self { 1.0 }
            #[inline] fn add(self, other: Self) -> Self { self + other }
            #[inline] fn mul(self, other: Self) -> Self { self * other }
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
accumulate_float!(f32 f64);

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
