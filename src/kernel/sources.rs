//! Leaf sources: in-memory arrays, constants, and values computed from the
//! element index.

use super::cursor::Odometer;
use super::view_source::ViewSource;
use super::{erase, AnySource, Block, SourceKernel, StripSource};
use crate::chunks::Region;
use crate::element::Element;
use crate::error::Result;
use crate::view::{Strided, StridedReads};
use std::sync::Arc;

/// An in-memory array, read in place.
pub(crate) struct ArrayKernel<T> {
    pub array: Block<T>,
}

impl<T: Element> SourceKernel for ArrayKernel<T> {
    fn label(&self) -> String {
        format!("from_array{:?}", self.array.shape())
    }
    fn cheap(&self) -> bool {
        true
    }
    fn open(&self, region: &Region, _block: &[usize]) -> Result<AnySource> {
        self.open_view(&Strided::region(region))
    }
    fn viewable(&self) -> bool {
        true
    }
    fn in_memory(&self) -> bool {
        true
    }
    fn open_view(&self, read: &Strided) -> Result<AnySource> {
        Ok(erase(Box::new(ViewSource::new(self.array.clone(), read)?)))
    }
    fn open_views(&self, reads: StridedReads) -> Result<AnySource> {
        let source = ViewSource::in_turn(self.array.clone(), reads)?;
        Ok(erase(Box::new(source)))
    }
}

/// Every element the same value.
pub(crate) struct FullKernel<T> {
    pub value: T,
    pub label: String,
}

struct Repeat<T>(T);

impl<T: Element> StripSource<T> for Repeat<T> {
    fn fill(&mut self, out: &mut Vec<T>, n: usize) {
        out.extend(std::iter::repeat_n(self.0, n));
    }
}

impl<T: Element> SourceKernel for FullKernel<T> {
    fn label(&self) -> String {
        self.label.clone()
    }
    fn cheap(&self) -> bool {
        true
    }
    fn open(&self, _region: &Region, _block: &[usize]) -> Result<AnySource> {
        Ok(erase(Box::new(Repeat(self.value))))
    }
    fn viewable(&self) -> bool {
        true
    }
    fn in_memory(&self) -> bool {
        true
    }
    fn open_view(&self, _read: &Strided) -> Result<AnySource> {
        Ok(erase(Box::new(Repeat(self.value))))
    }
    fn open_views(&self, _reads: StridedReads) -> Result<AnySource> {
        Ok(erase(Box::new(Repeat(self.value))))
    }
}

/// Values computed from the absolute element index.
pub(crate) struct IndexFnKernel<T, F> {
    pub f: Arc<F>,
    pub label: String,
    /// Set for built-in functions (arange, linspace) so equal ones are shared.
    pub key: Option<String>,
    pub cheap: bool,
    pub _elem: std::marker::PhantomData<fn() -> T>,
}

struct IndexFnSource<T, F> {
    f: Arc<F>,
    at: Odometer,
    _elem: std::marker::PhantomData<fn() -> T>,
}

impl<T: Element, F: Fn(&[usize]) -> T + Send + Sync + 'static> StripSource<T>
    for IndexFnSource<T, F>
{
    fn fill(&mut self, out: &mut Vec<T>, n: usize) {
        out.reserve(n);
        for _ in 0..n {
            out.push((self.f)(self.at.index()));
            self.at.advance();
        }
    }
}

impl<T: Element, F: Fn(&[usize]) -> T + Send + Sync + 'static> SourceKernel
    for IndexFnKernel<T, F>
{
    fn label(&self) -> String {
        self.label.clone()
    }
    fn key(&self) -> Option<String> {
        self.key.clone()
    }
    fn cheap(&self) -> bool {
        self.cheap
    }
    fn open(&self, region: &Region, _block: &[usize]) -> Result<AnySource> {
        Ok(erase::<T>(Box::new(IndexFnSource {
            f: self.f.clone(),
            at: Odometer::new(&region.offset, &region.shape),
            _elem: std::marker::PhantomData,
        })))
    }
}
