//! Leaf sources: stored blocks and in-memory arrays (read by rows), constants,
//! and values computed from the element index.

use super::cursor::Odometer;
use super::{erase, AnySource, StripSource};
use crate::chunks::Region;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::plan::{SourceKernel, Strided};
use ndarray::{ArcArray, IxDyn};
use std::sync::Arc;

/// A block of values as stored between tasks: shared, row-major.
pub(crate) type Block<T> = ArcArray<T, IxDyn>;

/// Reads a row-major array through a [`Strided`] read, in C order of the
/// read's shape: a `memcpy` per row when rows are contiguous, a gather for
/// transposed rows, a fill for broadcast ones.
pub(crate) struct ViewSource<T> {
    array: Block<T>,
    /// Element offset of the first value read.
    base: isize,
    /// Stride of every output axis in elements (0 for broadcast axes).
    strides: Vec<isize>,
    rows: Odometer,
    row_offset: isize,
    row_len: usize,
    inner_stride: isize,
    pos: usize,
}

impl<T: Element> ViewSource<T> {
    /// `array` must be in standard (row-major) layout and the read inside it.
    pub fn new(array: Block<T>, read: &Strided) -> Result<Self> {
        if !array.is_standard_layout() {
            return Err(Error::internal("stored block is not in standard layout"));
        }
        let touched = read.input_region();
        let inside = touched.shape.len() == array.ndim()
            && (touched.is_empty()
                || touched
                    .offset
                    .iter()
                    .zip(&touched.shape)
                    .zip(array.shape())
                    .all(|((o, s), n)| o + s <= *n));
        if !inside {
            return Err(Error::internal(format!(
                "read {read:?} outside block of shape {:?}",
                array.shape()
            )));
        }
        let input_strides = array.strides();
        let base = read
            .start
            .iter()
            .zip(input_strides)
            .map(|(&s, &st)| s as isize * st)
            .sum();
        let strides: Vec<isize> = read
            .axes
            .iter()
            .map(|a| a.map_or(0, |a| input_strides[a]))
            .collect();
        let nd = read.shape.len();
        let (outer, row_len, inner_stride) = match nd {
            0 => (&[][..], 1, 0),
            _ => (&read.shape[..nd - 1], read.shape[nd - 1], strides[nd - 1]),
        };
        let rows = Odometer::new(&vec![0; outer.len()], outer);
        let mut source = ViewSource {
            array,
            base,
            strides,
            rows,
            row_offset: 0,
            row_len,
            inner_stride,
            pos: 0,
        };
        source.row_offset = row_offset(&source.rows, &source.strides, source.base);
        Ok(source)
    }

    /// Move to the next row once the current one is used up.
    fn advance(&mut self, taken: usize) {
        self.pos += taken;
        if self.pos == self.row_len {
            self.pos = 0;
            self.rows.advance();
            self.row_offset = row_offset(&self.rows, &self.strides, self.base);
        }
    }
}

/// Where the current row of `rows` starts in the data.
fn row_offset(rows: &Odometer, strides: &[isize], base: isize) -> isize {
    base + rows
        .index()
        .iter()
        .zip(strides)
        .map(|(&i, &s)| i as isize * s)
        .sum::<isize>()
}

impl<T: Element> StripSource<T> for ViewSource<T> {
    fn fill(&mut self, out: &mut Vec<T>, mut n: usize) {
        let array = self.array.clone();
        let data = array
            .as_slice()
            .expect("checked standard layout at construction");
        while n > 0 {
            let take = n.min(self.row_len - self.pos);
            let start = self.row_offset + self.pos as isize * self.inner_stride;
            match self.inner_stride {
                1 => out.extend_from_slice(&data[start as usize..start as usize + take]),
                0 => out.extend(std::iter::repeat_n(data[start as usize], take)),
                step => out.extend((0..take as isize).map(|k| data[(start + k * step) as usize])),
            }
            n -= take;
            self.advance(take);
        }
    }

    fn visit(&mut self, n: usize, buf: &mut Vec<T>, f: &mut dyn FnMut(&[T])) {
        // Hand out the stored values themselves when the whole strip lies in
        // one contiguous row; otherwise copy. Consumers always see the same
        // strips either way, so results never depend on what was stored.
        if self.inner_stride == 1 && self.row_len - self.pos >= n {
            let array = self.array.clone();
            let data = array
                .as_slice()
                .expect("checked standard layout at construction");
            let start = (self.row_offset + self.pos as isize) as usize;
            f(&data[start..start + n]);
            self.advance(n);
        } else {
            buf.clear();
            self.fill(buf, n);
            f(buf);
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
        self.open_view(&Strided::region(region))
    }
    fn viewable(&self) -> bool {
        true
    }
    fn open_view(&self, read: &Strided) -> Result<AnySource> {
        Ok(erase(Box::new(ViewSource::new(self.array.clone(), read)?)))
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
    fn open_view(&self, _read: &Strided) -> Result<AnySource> {
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
