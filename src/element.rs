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
                let err = if a.abs() >= b.abs() { (a - s) + b } else { (b - s) + a };
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

/// True for values that compare unequal to themselves (NaN); false for every
/// totally ordered type.
#[inline]
pub(crate) fn is_nan<T: PartialOrd>(x: &T) -> bool {
    x.partial_cmp(x).is_none()
}
