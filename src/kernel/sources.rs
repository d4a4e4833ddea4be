//! Leaf sources: stored blocks and in-memory arrays (read by rows), constants,
//! and values computed from the element index.

use super::cursor::Odometer;
use super::{erase, AnySource, StripSource};
use crate::chunks::Region;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::plan::SourceKernel;
use ndarray::{ArcArray, IxDyn};
use std::sync::Arc;

/// A block of values as stored between tasks: shared, row-major.
pub(crate) type Block<T> = ArcArray<T, IxDyn>;

/// Reads a region of a row-major array in C order, copying whole row
/// segments (a `memcpy` per row, whatever the array's rank).
pub(crate) struct ViewSource<T> {
    array: Block<T>,
    strides: Vec<usize>,
    rows: Odometer,
    row_offset: usize,
    row_len: usize,
    col_offset: usize,
    pos: usize,
}

impl<T: Element> ViewSource<T> {
    /// `array` must be in standard (row-major) layout and `region` inside it.
    pub fn new(array: Block<T>, region: &Region) -> Result<Self> {
        if !array.is_standard_layout() {
            return Err(Error::internal("stored block is not in standard layout"));
        }
        let inside = region.shape.len() == array.ndim()
            && region
                .offset
                .iter()
                .zip(&region.shape)
                .zip(array.shape())
                .all(|((o, s), n)| o + s <= *n);
        if !inside {
            return Err(Error::internal(format!(
                "region {region:?} outside block of shape {:?}",
                array.shape()
            )));
        }
        let strides: Vec<usize> = array.strides().iter().map(|&s| s as usize).collect();
        let nd = region.shape.len();
        let (outer_lo, outer_shape, row_len, col_offset) = if nd == 0 {
            (vec![], vec![], 1, 0)
        } else {
            (
                region.offset[..nd - 1].to_vec(),
                region.shape[..nd - 1].to_vec(),
                region.shape[nd - 1],
                region.offset[nd - 1],
            )
        };
        let mut source = ViewSource {
            array,
            strides,
            rows: Odometer::new(&outer_lo, &outer_shape),
            row_offset: 0,
            row_len,
            col_offset,
            pos: 0,
        };
        source.row_offset = row_offset(&source.rows, &source.strides, col_offset);
        Ok(source)
    }
}

/// Where the current row of `rows` starts in the data, `col_offset` in.
fn row_offset(rows: &Odometer, strides: &[usize], col_offset: usize) -> usize {
    let outer: usize = rows.index().iter().zip(strides).map(|(i, s)| i * s).sum();
    outer + col_offset * strides.last().copied().unwrap_or(1)
}

impl<T: Element> StripSource<T> for ViewSource<T> {
    fn fill(&mut self, out: &mut Vec<T>, mut n: usize) {
        let data = self
            .array
            .as_slice()
            .expect("checked standard layout at construction");
        while n > 0 {
            let take = n.min(self.row_len - self.pos);
            let start = self.row_offset + self.pos;
            out.extend_from_slice(&data[start..start + take]);
            self.pos += take;
            n -= take;
            if self.pos == self.row_len {
                self.pos = 0;
                self.rows.advance();
                self.row_offset = row_offset(&self.rows, &self.strides, self.col_offset);
            }
        }
    }
}

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
        Ok(erase(Box::new(ViewSource::new(
            self.array.clone(),
            region,
        )?)))
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
