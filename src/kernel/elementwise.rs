//! Elementwise kernels: a closure applied strip by strip to one or two input
//! sources (more inputs are zipped into tuples first, as `select` does).
//! The closure is a type parameter, so each loop is monomorphized and vectorizes like a hand-written one.

use super::wide::widest;
use super::{erase, unerase, AnySource, MapKernel, Source, StripSource};
use crate::element::Element;
use crate::error::{Error, Result};
use std::marker::PhantomData;
use std::sync::Arc;

/// Label and sharing key of an elementwise kernel.
pub(crate) struct Describe {
    pub label: String,
    /// `Some` for built-in operations with all parameters in the string.
    pub key: Option<String>,
}

fn take_inputs<const N: usize>(inputs: Vec<AnySource>) -> Result<[AnySource; N]> {
    inputs.try_into().map_err(|v: Vec<AnySource>| {
        Error::internal(format!("expected {N} inputs, got {}", v.len()))
    })
}

/// `f(a)` elementwise.
pub(crate) struct Unary<A, U, F> {
    pub f: Arc<F>,
    pub describe: Describe,
    pub _types: PhantomData<fn(A) -> U>,
}

struct UnarySource<A, U, F> {
    a: Source<A>,
    buf: Vec<A>,
    f: Arc<F>,
    _out: PhantomData<fn() -> U>,
}

impl<A: Element, U: Element, F: Fn(A) -> U + Send + Sync + 'static> StripSource<U>
    for UnarySource<A, U, F>
{
    fn fill(&mut self, out: &mut Vec<U>, n: usize) {
        // `visit`: values held in memory are mapped in place, not copied first.
        let f = &*self.f;
        self.a.visit(n, &mut self.buf, &mut |a| {
            widest(
                #[inline(always)]
                || out.extend(a.iter().map(|&a| f(a))),
            )
        });
    }
}

impl<A: Element, U: Element, F: Fn(A) -> U + Send + Sync + 'static> MapKernel for Unary<A, U, F> {
    fn label(&self) -> String {
        self.describe.label.clone()
    }
    fn key(&self) -> Option<String> {
        self.describe.key.clone()
    }
    fn open(&self, inputs: Vec<AnySource>) -> Result<AnySource> {
        let [a] = take_inputs(inputs)?;
        Ok(erase::<U>(Box::new(UnarySource {
            a: unerase::<A>(a)?,
            buf: Vec::new(),
            f: self.f.clone(),
            _out: PhantomData,
        })))
    }
}

/// `f(a, b)` elementwise.
pub(crate) struct Binary<A, B, U, F> {
    pub f: Arc<F>,
    pub describe: Describe,
    pub _types: PhantomData<fn(A, B) -> U>,
}

struct BinarySource<A, B, U, F> {
    a: Source<A>,
    b: Source<B>,
    buf_a: Vec<A>,
    buf_b: Vec<B>,
    f: Arc<F>,
    _out: PhantomData<fn() -> U>,
}

impl<A, B, U, F> StripSource<U> for BinarySource<A, B, U, F>
where
    A: Element,
    B: Element,
    U: Element,
    F: Fn(A, B) -> U + Send + Sync + 'static,
{
    fn fill(&mut self, out: &mut Vec<U>, n: usize) {
        // The left operand first (a computed chain reads memory inside its
        // own loops), then the right one visited in place: an input read by
        // both sides is still in cache the second time.
        self.buf_a.clear();
        self.a.fill(&mut self.buf_a, n);
        let (f, a) = (&*self.f, &self.buf_a);
        self.b.visit(n, &mut self.buf_b, &mut |b| {
            widest(
                #[inline(always)]
                || out.extend(a.iter().zip(b).map(|(&a, &b)| f(a, b))),
            );
        });
    }
}

impl<A, B, U, F> MapKernel for Binary<A, B, U, F>
where
    A: Element,
    B: Element,
    U: Element,
    F: Fn(A, B) -> U + Send + Sync + 'static,
{
    fn label(&self) -> String {
        self.describe.label.clone()
    }
    fn key(&self) -> Option<String> {
        self.describe.key.clone()
    }
    fn open(&self, inputs: Vec<AnySource>) -> Result<AnySource> {
        let [a, b] = take_inputs(inputs)?;
        Ok(erase::<U>(Box::new(BinarySource {
            a: unerase::<A>(a)?,
            b: unerase::<B>(b)?,
            buf_a: Vec::new(),
            buf_b: Vec::new(),
            f: self.f.clone(),
            _out: PhantomData,
        })))
    }
}
