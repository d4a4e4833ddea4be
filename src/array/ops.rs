//! `std::ops` arithmetic: `+ - * / %` between arrays (owned or borrowed,
//! broadcast to a common shape by numpy's rules, as ndarray does), with a
//! scalar on either side, and unary `-`.
//!
//! Integer division by zero and (in debug builds) overflow panic inside the
//! block task, which `compute` turns into an error naming the block.

use super::ChunkedArray;
use crate::element::Element;
use ndarray::{DimMax, Dimension, ScalarOperand};
use std::fmt::Debug;
use std::ops::{Add, Div, Mul, Neg, Rem, Sub};

macro_rules! binary_op {
    ($Trait:ident, $method:ident, $name:literal) => {
        impl<T, D, E> $Trait<&ChunkedArray<T, E>> for &ChunkedArray<T, D>
        where
            T: Element + $Trait<Output = T>,
            D: Dimension + DimMax<E>,
            E: Dimension,
        {
            type Output = ChunkedArray<T, <D as DimMax<E>>::Output>;
            fn $method(self, rhs: &ChunkedArray<T, E>) -> Self::Output {
                self.binary(rhs, $name, Some($name.into()), |a, b| a.$method(b))
            }
        }

        impl<T, D, E> $Trait<ChunkedArray<T, E>> for &ChunkedArray<T, D>
        where
            T: Element + $Trait<Output = T>,
            D: Dimension + DimMax<E>,
            E: Dimension,
        {
            type Output = ChunkedArray<T, <D as DimMax<E>>::Output>;
            fn $method(self, rhs: ChunkedArray<T, E>) -> Self::Output {
                self.$method(&rhs)
            }
        }

        impl<T, D, E> $Trait<&ChunkedArray<T, E>> for ChunkedArray<T, D>
        where
            T: Element + $Trait<Output = T>,
            D: Dimension + DimMax<E>,
            E: Dimension,
        {
            type Output = ChunkedArray<T, <D as DimMax<E>>::Output>;
            fn $method(self, rhs: &ChunkedArray<T, E>) -> Self::Output {
                (&self).$method(rhs)
            }
        }

        impl<T, D, E> $Trait<ChunkedArray<T, E>> for ChunkedArray<T, D>
        where
            T: Element + $Trait<Output = T>,
            D: Dimension + DimMax<E>,
            E: Dimension,
        {
            type Output = ChunkedArray<T, <D as DimMax<E>>::Output>;
            fn $method(self, rhs: ChunkedArray<T, E>) -> Self::Output {
                (&self).$method(&rhs)
            }
        }

        impl<T, D> $Trait<T> for &ChunkedArray<T, D>
        where
            T: Element + ScalarOperand + Debug + $Trait<Output = T>,
            D: Dimension,
        {
            type Output = ChunkedArray<T, D>;
            fn $method(self, s: T) -> ChunkedArray<T, D> {
                let label = format!(concat!($name, "({:?})"), s);
                self.unary(label.clone(), Some(label), move |a| a.$method(s))
            }
        }

        impl<T, D> $Trait<T> for ChunkedArray<T, D>
        where
            T: Element + ScalarOperand + Debug + $Trait<Output = T>,
            D: Dimension,
        {
            type Output = ChunkedArray<T, D>;
            fn $method(self, s: T) -> ChunkedArray<T, D> {
                (&self).$method(s)
            }
        }
    };
}

binary_op!(Add, add, "add");
binary_op!(Sub, sub, "sub");
binary_op!(Mul, mul, "mul");
binary_op!(Div, div, "div");
binary_op!(Rem, rem, "rem");

/// `scalar op array` for the primitive numeric types (a generic impl on the
/// left-hand side is not allowed by Rust's coherence rules).
macro_rules! scalar_lhs {
    ($($t:ty)*) => {$(
        scalar_lhs!(@op $t, Add, add, "radd");
        scalar_lhs!(@op $t, Sub, sub, "rsub");
        scalar_lhs!(@op $t, Mul, mul, "rmul");
        scalar_lhs!(@op $t, Div, div, "rdiv");
        scalar_lhs!(@op $t, Rem, rem, "rrem");
    )*};
    (@op $t:ty, $Trait:ident, $method:ident, $name:literal) => {
        impl<D: Dimension> $Trait<&ChunkedArray<$t, D>> for $t {
            type Output = ChunkedArray<$t, D>;
            fn $method(self, rhs: &ChunkedArray<$t, D>) -> ChunkedArray<$t, D> {
                let label = format!(concat!($name, "({:?})"), self);
                rhs.unary(label.clone(), Some(label), move |a| self.$method(a))
            }
        }

        impl<D: Dimension> $Trait<ChunkedArray<$t, D>> for $t {
            type Output = ChunkedArray<$t, D>;
            fn $method(self, rhs: ChunkedArray<$t, D>) -> ChunkedArray<$t, D> {
                self.$method(&rhs)
            }
        }
    };
}

scalar_lhs!(f32 f64 i8 i16 i32 i64 i128 isize u8 u16 u32 u64 u128 usize);

impl<T: Element + Neg<Output = T>, D: Dimension> Neg for &ChunkedArray<T, D> {
    type Output = ChunkedArray<T, D>;
    fn neg(self) -> ChunkedArray<T, D> {
        self.unary("neg".into(), Some("neg".into()), |a| -a)
    }
}

impl<T: Element + Neg<Output = T>, D: Dimension> Neg for ChunkedArray<T, D> {
    type Output = ChunkedArray<T, D>;
    fn neg(self) -> ChunkedArray<T, D> {
        -&self
    }
}
