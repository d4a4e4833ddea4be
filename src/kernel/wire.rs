//! Task values to bytes and back, for the values that cross MPI ranks:
//! blocks and assembled arrays of the primitive element types, reduction
//! partials, write receipts.
//!
//! [`Element`] is any `Copy` type, so which element types can be sent is
//! decided at run time, by type: the primitive numbers, `bool` and
//! `Complex<f32/f64>`, written little-endian. A value of any other type has no wire, and stays on the
//! rank that made it (the executor keeps its readers there).

// Values cross ranks only in the `mpi` build; without it the wires are made
// (the plan does not depend on the feature) but never used.
#![cfg_attr(not(feature = "mpi"), allow(dead_code))]

use super::contract::{Block, Value};
use super::sink::Assembled;
use super::written::{Piece, Written};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::exec::Wire;
use crate::lock::lock;
use ndarray::{Array, ArrayD, IxDyn};
use num_complex::Complex;
use std::any::{Any, TypeId};
use std::marker::PhantomData;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// A primitive sent as its little-endian bytes.
pub(crate) trait Scalar: Element {
    fn put(self, out: &mut Vec<u8>);
    fn get(input: &mut &[u8]) -> Result<Self>;
}

/// The next `N` bytes of `input`.
fn take<const N: usize>(input: &mut &[u8]) -> Result<[u8; N]> {
    let (head, rest) = input
        .split_first_chunk::<N>()
        .ok_or_else(|| Error::internal("a received value ended early"))?;
    *input = rest;
    Ok(*head)
}

macro_rules! scalars {
    ($($t:ty)*) => {
        $(impl Scalar for $t {
            fn put(self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
            fn get(input: &mut &[u8]) -> Result<Self> {
                Ok(<$t>::from_le_bytes(take(input)?))
            }
        })*

        /// Run `f` with the scalar type `T` is, if it is one.
        fn dispatch<T: 'static, R>(f: impl ScalarFn<R>) -> Option<R> {
            let t = TypeId::of::<T>();
            $(if t == TypeId::of::<$t>() {
                return Some(f.call::<$t>());
            })*
            if t == TypeId::of::<bool>() {
                return Some(f.call::<bool>());
            }
            if t == TypeId::of::<Complex<f32>>() {
                return Some(f.call::<Complex<f32>>());
            }
            if t == TypeId::of::<Complex<f64>>() {
                return Some(f.call::<Complex<f64>>());
            }
            None
        }
    };
}
scalars!(i8 i16 i32 i64 i128 isize u8 u16 u32 u64 u128 usize f32 f64);

impl Scalar for bool {
    fn put(self, out: &mut Vec<u8>) {
        out.push(u8::from(self));
    }
    fn get(input: &mut &[u8]) -> Result<Self> {
        match take::<1>(input)? {
            [0] => Ok(false),
            [1] => Ok(true),
            [b] => Err(Error::internal(format!("a received bool of byte {b}"))),
        }
    }
}

/// Complex numbers: the real part, then the imaginary part.
impl<F: Scalar + num_traits::Float> Scalar for Complex<F> {
    fn put(self, out: &mut Vec<u8>) {
        self.re.put(out);
        self.im.put(out);
    }
    fn get(input: &mut &[u8]) -> Result<Self> {
        Ok(Complex::new(F::get(input)?, F::get(input)?))
    }
}

/// A function generic over the scalar types (closures cannot be).
trait ScalarFn<R> {
    fn call<S: Scalar>(self) -> R;
}

/// `$wire::<S>` as a wire when `$t` is the scalar type `S`.
macro_rules! scalar_wire {
    ($wire:ident, $t:ty) => {{
        struct Make;
        impl ScalarFn<Arc<dyn Wire>> for Make {
            fn call<S: Scalar>(self) -> Arc<dyn Wire> {
                Arc::new($wire::<S>(PhantomData))
            }
        }
        dispatch::<$t, _>(Make)
    }};
}

/// Whether values of `T` can be sent.
pub(crate) fn is_scalar<T: 'static>() -> bool {
    struct Yes;
    impl ScalarFn<()> for Yes {
        fn call<S: Scalar>(self) {}
    }
    dispatch::<T, ()>(Yes).is_some()
}

/// Append `x` (of a scalar type, see [`is_scalar`]).
pub(crate) fn put<T: 'static>(x: &T, out: &mut Vec<u8>) -> Result<()> {
    struct Put<'a>(&'a dyn Any, &'a mut Vec<u8>);
    impl ScalarFn<Result<()>> for Put<'_> {
        fn call<S: Scalar>(self) -> Result<()> {
            let x = self.0.downcast_ref::<S>().ok_or_else(mismatch)?;
            x.put(self.1);
            Ok(())
        }
    }
    dispatch::<T, _>(Put(x, out)).unwrap_or_else(|| Err(not_scalar::<T>()))
}

/// The next value of scalar type `T`.
pub(crate) fn get<T: 'static>(input: &mut &[u8]) -> Result<T> {
    struct Get<'a, 'b>(&'a mut &'b [u8]);
    impl ScalarFn<Result<Box<dyn Any>>> for Get<'_, '_> {
        fn call<S: Scalar>(self) -> Result<Box<dyn Any>> {
            Ok(Box::new(S::get(self.0)?))
        }
    }
    let any = dispatch::<T, _>(Get(input)).unwrap_or_else(|| Err(not_scalar::<T>()))?;
    any.downcast::<T>().map(|b| *b).map_err(|_| mismatch())
}

fn mismatch() -> Error {
    Error::internal("a scalar of an unexpected type")
}

fn not_scalar<T>() -> Error {
    Error::internal(format!(
        "values of {} cannot be sent between ranks",
        std::any::type_name::<T>()
    ))
}

fn put_len(n: usize, out: &mut Vec<u8>) {
    (n as u64).put(out);
}

fn get_len(input: &mut &[u8]) -> Result<usize> {
    usize::try_from(u64::get(input)?).map_err(|_| Error::internal("a received length too large"))
}

/// An array's shape, then its values in C order.
fn put_array<S: Scalar>(shape: &[usize], values: impl Iterator<Item = S>, out: &mut Vec<u8>) {
    put_len(shape.len(), out);
    for &n in shape {
        put_len(n, out);
    }
    out.reserve(shape.iter().product::<usize>() * std::mem::size_of::<S>());
    for v in values {
        v.put(out);
    }
}

fn get_array<S: Scalar>(mut input: &[u8]) -> Result<ArrayD<S>> {
    let ndim = get_len(&mut input)?;
    let shape = (0..ndim)
        .map(|_| get_len(&mut input))
        .collect::<Result<Vec<_>>>()?;
    let len = input.len() / std::mem::size_of::<S>().max(1);
    let mut values = Vec::with_capacity(len);
    while !input.is_empty() {
        values.push(S::get(&mut input)?);
    }
    Array::from_shape_vec(IxDyn(&shape), values)
        .map_err(|e| Error::internal(format!("a received array: {e}")))
}

/// Blocks of a scalar type.
struct BlockWire<S>(PhantomData<fn() -> S>);

impl<S: Scalar> Wire for BlockWire<S> {
    fn encode(&self, value: &Value, out: &mut Vec<u8>) -> Result<()> {
        let block = value.downcast_ref::<Block<S>>().ok_or_else(mismatch)?;
        put_array(block.shape(), block.iter().copied(), out);
        Ok(())
    }
    fn decode(&self, bytes: &[u8]) -> Result<Value> {
        Ok(Arc::new(get_array::<S>(bytes)?.into_shared()))
    }
}

/// The wire of `Block<T>` values, if `T` is a scalar.
pub(crate) fn block_wire<T: 'static>() -> Option<Arc<dyn Wire>> {
    scalar_wire!(BlockWire, T)
}

/// Single values of a scalar type (delayed calls returning a number).
struct ValueWire<S>(PhantomData<fn() -> S>);

impl<S: Scalar> Wire for ValueWire<S> {
    fn encode(&self, value: &Value, out: &mut Vec<u8>) -> Result<()> {
        value.downcast_ref::<S>().ok_or_else(mismatch)?.put(out);
        Ok(())
    }
    fn decode(&self, mut bytes: &[u8]) -> Result<Value> {
        Ok(Arc::new(S::get(&mut bytes)?))
    }
}

/// The wire of values of type `T`, if `T` is a scalar.
pub(crate) fn value_wire<T: 'static>() -> Option<Arc<dyn Wire>> {
    scalar_wire!(ValueWire, T)
}

/// The in-memory result of a compute ([`Assembled`]).
struct AssembledWire<S>(PhantomData<fn() -> S>);

impl<S: Scalar> Wire for AssembledWire<S> {
    fn encode(&self, value: &Value, out: &mut Vec<u8>) -> Result<()> {
        let assembled = value.downcast_ref::<Assembled<S>>().ok_or_else(mismatch)?;
        let array = lock(assembled);
        let array = array
            .as_ref()
            .ok_or_else(|| Error::internal("an assembled array sent after it was taken"))?;
        put_array(array.shape(), array.iter().copied(), out);
        Ok(())
    }
    fn decode(&self, bytes: &[u8]) -> Result<Value> {
        let assembled: Assembled<S> = Mutex::new(Some(get_array::<S>(bytes)?));
        Ok(Arc::new(assembled))
    }
}

/// The wire of [`Assembled<T>`] values, if `T` is a scalar.
pub(crate) fn assembled_wire<T: 'static>() -> Option<Arc<dyn Wire>> {
    scalar_wire!(AssembledWire, T)
}

/// Receipts of writes.
pub(crate) struct WrittenWire;

impl Wire for WrittenWire {
    fn encode(&self, value: &Value, out: &mut Vec<u8>) -> Result<()> {
        let w = value.downcast_ref::<Written>().ok_or_else(mismatch)?;
        let path = w.path.to_str().ok_or_else(|| Error::Mpi {
            reason: format!("the store path {} is not UTF-8", w.path.display()),
        })?;
        for text in [path, w.array.as_str()] {
            put_len(text.len(), out);
            out.extend_from_slice(text.as_bytes());
        }
        put_len(w.chunks, out);
        w.bytes.put(out);
        Ok(())
    }
    fn decode(&self, mut bytes: &[u8]) -> Result<Value> {
        let mut text = || -> Result<String> {
            let n = get_len(&mut bytes)?;
            let (head, rest) = bytes
                .split_at_checked(n)
                .ok_or_else(|| Error::internal("a received receipt ended early"))?;
            bytes = rest;
            String::from_utf8(head.to_vec()).map_err(|e| Error::internal(e.to_string()))
        };
        let (path, array) = (text()?, text()?);
        Ok(Arc::new(Written {
            path: PathBuf::from(path),
            array,
            chunks: get_len(&mut bytes)?,
            bytes: u64::get(&mut bytes)?,
        }))
    }
}

/// What writing one block added to a write's receipt.
pub(crate) struct PieceWire;

impl Wire for PieceWire {
    fn encode(&self, value: &Value, out: &mut Vec<u8>) -> Result<()> {
        let p = value.downcast_ref::<Piece>().ok_or_else(mismatch)?;
        put_len(p.units, out);
        p.bytes.put(out);
        Ok(())
    }
    fn decode(&self, mut bytes: &[u8]) -> Result<Value> {
        Ok(Arc::new(Piece {
            units: get_len(&mut bytes)?,
            bytes: u64::get(&mut bytes)?,
        }))
    }
}

/// Append an optional value: a flag byte, then the value.
pub(crate) fn put_option<T>(
    x: &Option<T>,
    out: &mut Vec<u8>,
    put_some: impl FnOnce(&T, &mut Vec<u8>) -> Result<()>,
) -> Result<()> {
    match x {
        None => {
            out.push(0);
            Ok(())
        }
        Some(v) => {
            out.push(1);
            put_some(v, out)
        }
    }
}

pub(crate) fn get_option<T>(
    input: &mut &[u8],
    get_some: impl FnOnce(&mut &[u8]) -> Result<T>,
) -> Result<Option<T>> {
    match take::<1>(input)? {
        [0] => Ok(None),
        [1] => get_some(input).map(Some),
        [b] => Err(Error::internal(format!("a received option flag {b}"))),
    }
}

/// A length-prefixed list, each item by `put_one`.
pub(crate) fn put_list<T>(
    items: &[T],
    out: &mut Vec<u8>,
    mut put_one: impl FnMut(&T, &mut Vec<u8>) -> Result<()>,
) -> Result<()> {
    put_len(items.len(), out);
    items.iter().try_for_each(|x| put_one(x, out))
}

pub(crate) fn get_list<T>(
    input: &mut &[u8],
    mut get_one: impl FnMut(&mut &[u8]) -> Result<T>,
) -> Result<Vec<T>> {
    let n = get_len(input)?;
    (0..n).map(|_| get_one(input)).collect()
}

/// Length-prefixed bytes (a nested value).
pub(crate) fn put_bytes(bytes: &[u8], out: &mut Vec<u8>) {
    put_len(bytes.len(), out);
    out.extend_from_slice(bytes);
}

pub(crate) fn get_bytes<'a>(input: &mut &'a [u8]) -> Result<&'a [u8]> {
    let n = get_len(input)?;
    let (head, rest) = input
        .split_at_checked(n)
        .ok_or_else(|| Error::internal("a received value ended early"))?;
    *input = rest;
    Ok(head)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn round_trip(wire: &dyn Wire, value: Value) -> Value {
        let mut bytes = Vec::new();
        wire.encode(&value, &mut bytes).unwrap();
        wire.decode(&bytes).unwrap()
    }

    #[test]
    fn blocks_of_every_scalar_cross_and_others_have_no_wire() {
        let block: Block<f64> = array![[1.5, -0.0], [f64::NAN, 4.0]]
            .into_dyn()
            .into_shared();
        let back = round_trip(&*block_wire::<f64>().unwrap(), Arc::new(block.clone()));
        let back = back.downcast_ref::<Block<f64>>().unwrap();
        assert_eq!(back.shape(), block.shape());
        for (a, b) in back.iter().zip(block.iter()) {
            assert_eq!(a.to_bits(), b.to_bits());
        }
        let bools: Block<bool> = array![true, false, true].into_dyn().into_shared();
        let back = round_trip(&*block_wire::<bool>().unwrap(), Arc::new(bools.clone()));
        assert_eq!(back.downcast_ref::<Block<bool>>().unwrap(), &bools);
        let empty: Block<i16> = Array::from_shape_vec(IxDyn(&[0, 3]), vec![])
            .unwrap()
            .into_shared();
        let back = round_trip(&*block_wire::<i16>().unwrap(), Arc::new(empty.clone()));
        assert_eq!(back.downcast_ref::<Block<i16>>().unwrap(), &empty);
        assert!(block_wire::<(f64, f64)>().is_none());
        let z: Block<Complex<f32>> = array![Complex::new(1.5, -2.0)].into_dyn().into_shared();
        let back = round_trip(&*block_wire::<Complex<f32>>().unwrap(), Arc::new(z.clone()));
        assert_eq!(back.downcast_ref::<Block<Complex<f32>>>().unwrap(), &z);
        assert!(!is_scalar::<&'static str>() && is_scalar::<u128>());
    }

    #[test]
    fn scalars_options_and_receipts_cross() {
        let mut out = Vec::new();
        put(&-7_i64, &mut out).unwrap();
        put_option(&Some(2.5_f32), &mut out, put).unwrap();
        put_option(&None::<u8>, &mut out, put).unwrap();
        assert!(put(&"no", &mut out).is_err());
        let mut input = &out[..];
        assert_eq!(get::<i64>(&mut input).unwrap(), -7);
        assert_eq!(get_option(&mut input, get::<f32>).unwrap(), Some(2.5));
        assert_eq!(get_option(&mut input, get::<u8>).unwrap(), None);
        assert!(input.is_empty());
        assert!(get::<i64>(&mut input).is_err());
        let w = Written {
            path: "/tmp/x.zarr".into(),
            array: "a/b".into(),
            chunks: 3,
            bytes: 99,
        };
        let back = round_trip(&WrittenWire, Arc::new(w.clone()));
        assert_eq!(back.downcast_ref::<Written>().unwrap(), &w);
        let back = round_trip(&*value_wire::<u16>().unwrap(), Arc::new(513_u16));
        assert_eq!(back.downcast_ref::<u16>(), Some(&513));
        assert!(value_wire::<String>().is_none());
    }
}
