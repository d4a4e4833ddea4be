//! Reading stored blocks and in-memory arrays through a [`Strided`] read:
//! contiguous rows are copied (or handed out in place), broadcast rows are
//! repeated, and transposed rows are read a tile at a time so every cache
//! line of the input is loaded once.

use super::cursor::Odometer;
use super::{erase, AnySource, Block, StripSource};
use crate::chunks::Region;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::view::{Strided, StridedReads, StridedRef};

/// How the current row is laid out in the input.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Rows {
    /// Consecutive elements: copy or lend the slice.
    Contiguous,
    /// One element repeated (a broadcast axis).
    Repeated,
    /// A transpose: rows are gathered a tile of rows at a time, reading
    /// short contiguous runs along the next-to-last axis.
    Tiled,
    /// Any other stride: gathered element by element.
    Gathered,
}

/// Reads a row-major array through a [`Strided`] read, in C order of the
/// read's shape; or through several reads, one after the other.
pub(crate) struct ViewSource<T> {
    array: Block<T>,
    /// Reads in turn (none for a single read), and the next to start.
    reads: StridedReads,
    next_read: usize,
    /// Element offset of the first value read.
    base: isize,
    /// Stride of every output axis in elements (0 for broadcast axes).
    strides: Vec<isize>,
    rows: Odometer,
    /// Rows of the current read.
    row_count: usize,
    row_offset: isize,
    row_len: usize,
    inner_stride: isize,
    layout: Rows,
    pos: usize,
    /// Rows read so far.
    row: usize,
    /// Tiled reads: rows `tile_first ..` (counted as `row`), one after the
    /// other, and how many of them the tile holds.
    tile: Vec<T>,
    tile_first: usize,
    tile_rows: usize,
    /// Extent of the next-to-last axis (tiled reads only).
    column_len: usize,
}

impl<T: Element> ViewSource<T> {
    /// All of `array` (row-major) in C order, as an erased source: what a
    /// store source hands out once it has read a region.
    pub fn whole(array: Block<T>) -> Result<AnySource> {
        let all = Strided::region(&Region {
            offset: vec![0; array.ndim()],
            shape: array.shape().to_vec(),
        });
        Ok(erase(Box::new(ViewSource::new(array, &all)?)))
    }

    /// `array` must be in standard (row-major) layout and the read inside it.
    pub fn new(array: Block<T>, read: &Strided) -> Result<Self> {
        let mut source = Self::unstarted(array, StridedReads::default())?;
        check(read.by_ref(), source.array.shape())?;
        source.start(read.by_ref());
        Ok(source)
    }

    /// The values of `reads` one after another, each in its own C order:
    /// one source for the blocks a task folds in turn, its buffers reused
    /// from read to read.
    pub fn in_turn(array: Block<T>, reads: StridedReads) -> Result<Self> {
        let mut source = Self::unstarted(array, reads)?;
        source.start_next();
        Ok(source)
    }

    fn unstarted(array: Block<T>, reads: StridedReads) -> Result<Self> {
        if !array.is_standard_layout() {
            return Err(Error::internal("stored block is not in standard layout"));
        }
        // Every read is checked now: `fill` cannot fail.
        for k in 0..reads.len() {
            check(reads.get(k), array.shape())?;
        }
        Ok(ViewSource {
            array,
            reads,
            next_read: 0,
            base: 0,
            strides: Vec::new(),
            rows: Odometer::default(),
            row_count: 0,
            row_offset: 0,
            row_len: 0,
            inner_stride: 0,
            layout: Rows::Contiguous,
            pos: 0,
            row: 0,
            tile: Vec::new(),
            tile_first: 0,
            tile_rows: 0,
            column_len: 1,
        })
    }

    /// Start the next read that has values (if any is left).
    fn start_next(&mut self) {
        let reads = std::mem::take(&mut self.reads);
        let next = (self.next_read..reads.len()).find(|&k| !reads.get(k).shape.contains(&0));
        if let Some(k) = next {
            self.start(reads.get(k));
        }
        self.next_read = next.map_or(reads.len(), |k| k + 1);
        self.reads = reads;
    }

    /// Read `read` (checked to lie inside the array) from its first value on.
    fn start(&mut self, read: StridedRef) {
        let input_strides = self.array.strides();
        self.base = read
            .start
            .iter()
            .zip(input_strides)
            .map(|(&s, &st)| s as isize * st)
            .sum();
        self.strides.clear();
        self.strides.extend(
            read.axes
                .iter()
                .zip(read.steps)
                .map(|(a, &step)| a.map_or(0, |a| input_strides[a] * step)),
        );
        let nd = read.shape.len();
        let (outer, row_len, inner_stride) = match nd {
            0 => (&[][..], 1, 0),
            _ => (
                &read.shape[..nd - 1],
                read.shape[nd - 1],
                self.strides[nd - 1],
            ),
        };
        self.layout = match inner_stride {
            1 => Rows::Contiguous,
            0 => Rows::Repeated,
            _ if nd >= 2 && self.strides[nd - 2] == 1 => Rows::Tiled,
            _ => Rows::Gathered,
        };
        self.rows.restart_at_zero(outer);
        self.row_count = outer.iter().product();
        self.row_len = row_len;
        self.inner_stride = inner_stride;
        self.column_len = if nd >= 2 { read.shape[nd - 2] } else { 1 };
        (self.pos, self.row, self.tile_first, self.tile_rows) = (0, 0, 0, 0);
        self.row_offset = row_offset(&self.rows, &self.strides, self.base);
    }

    /// Rows along the next-to-last axis a tile holds: four cache lines'
    /// worth of consecutive input elements per output column (measured best
    /// on a 10000 x 10000 transpose: fewer lines leave DRAM streams too short,
    /// more overflow L2).
    fn tile_height() -> usize {
        (256 / std::mem::size_of::<T>().max(1)).clamp(4, 256)
    }

    /// Index of the current row along the next-to-last axis.
    fn column_index(&self) -> usize {
        let index = self.rows.index();
        index[index.len() - 1]
    }

    /// Make sure the current row is in the tile (tiled reads only); a tile
    /// never runs past the end of the next-to-last axis.
    fn load_tile(&mut self, data: &[T]) {
        if self.row >= self.tile_first && self.row < self.tile_first + self.tile_rows {
            return;
        }
        let height = Self::tile_height().min(self.column_len - self.column_index());
        let (width, step) = (self.row_len, self.inner_stride);
        if self.tile.len() != height * width {
            // Every slot is written below; the filler is never read.
            self.tile
                .resize(height * width, data[self.row_offset as usize]);
        }
        // Tile row t holds input elements row_offset + c * step + t. Work in
        // 8-column bands: the band's 8 input cache lines stay in L1 while all
        // `height` tile rows take their values from them.
        for band in (0..width).step_by(8) {
            let columns = band..(band + 8).min(width);
            for t in 0..height {
                let row = &mut self.tile[t * width..(t + 1) * width];
                for c in columns.clone() {
                    row[c] = data[(self.row_offset + c as isize * step + t as isize) as usize];
                }
            }
        }
        self.tile_first = self.row;
        self.tile_rows = height;
    }

    /// The current row's remaining values, when they can be lent in place.
    fn row_slice<'d>(&'d mut self, data: &'d [T]) -> Option<&'d [T]> {
        match self.layout {
            Rows::Contiguous => {
                let start = (self.row_offset + self.pos as isize) as usize;
                Some(&data[start..start + self.row_len - self.pos])
            }
            Rows::Tiled => {
                self.load_tile(data);
                let t = self.row - self.tile_first;
                let start = t * self.row_len + self.pos;
                Some(&self.tile[start..(t + 1) * self.row_len])
            }
            Rows::Repeated | Rows::Gathered => None,
        }
    }

    /// Move on by `taken` elements, to the next row once this one is used
    /// up, and to the next read after the last row.
    fn advance(&mut self, taken: usize) {
        self.pos += taken;
        if self.pos == self.row_len {
            self.pos = 0;
            self.row += 1;
            if self.row == self.row_count && self.next_read < self.reads.len() {
                self.start_next();
                return;
            }
            match self.rows.advance() {
                // The next row along the innermost of the outer axes: one
                // step on (the common case, cheap for short rows).
                Some(k) if k + 2 == self.strides.len() => self.row_offset += self.strides[k],
                _ => self.row_offset = row_offset(&self.rows, &self.strides, self.base),
            }
        }
    }
}

/// An error unless `read` lies inside an array of `shape`.
fn check(read: StridedRef, shape: &[usize]) -> Result<()> {
    match read.lies_within(shape) {
        true => Ok(()),
        false => Err(Error::internal(format!(
            "read {read:?} outside block of shape {shape:?}"
        ))),
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
        // One allocation of the strip, not a doubling per row.
        out.reserve(n);
        let array = self.array.clone();
        let data = array
            .as_slice()
            .expect("checked standard layout at construction");
        while n > 0 {
            let take = n.min(self.row_len - self.pos);
            if let Some(row) = self.row_slice(data) {
                out.extend_from_slice(&row[..take]);
            } else {
                let start = self.row_offset + self.pos as isize * self.inner_stride;
                let step = self.inner_stride;
                match self.layout {
                    Rows::Repeated => out.extend(std::iter::repeat_n(data[start as usize], take)),
                    _ => out.extend((0..take as isize).map(|k| data[(start + k * step) as usize])),
                }
            }
            n -= take;
            self.advance(take);
        }
    }

    fn visit(&mut self, n: usize, buf: &mut Vec<T>, f: &mut dyn FnMut(&[T])) {
        // Lend the values in place when the whole strip lies in one row;
        // otherwise copy. Consumers see the same strips either way, so
        // results never depend on what was stored.
        let array = self.array.clone();
        let data = array
            .as_slice()
            .expect("checked standard layout at construction");
        if self.row_len - self.pos >= n {
            if let Some(row) = self.row_slice(data) {
                f(&row[..n]);
                self.advance(n);
                return;
            }
        }
        buf.clear();
        self.fill(buf, n);
        f(buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::ViewMap;
    use ndarray::{Array, IxDyn};

    fn read_all(array: &Block<f64>, read: &Strided, strip: usize) -> Vec<f64> {
        let mut source = ViewSource::new(array.clone(), read).unwrap();
        let len: usize = read.shape.iter().product();
        let (mut out, mut buf) = (Vec::new(), Vec::new());
        let mut done = 0;
        while done < len {
            let n = strip.min(len - done);
            source.visit(n, &mut buf, &mut |v| out.extend_from_slice(v));
            done += n;
        }
        out
    }

    #[test]
    fn transposed_reads_match_ndarray_for_any_strip() {
        let a = Array::from_shape_fn((13, 37), |(i, j)| (i * 100 + j) as f64);
        let block: Block<f64> = a.clone().into_dyn().into_shared();
        // Output region rows 2..31 of a.t(), columns 1..12.
        let read = Strided {
            start: vec![1, 2],
            shape: vec![29, 11],
            axes: vec![Some(1), Some(0)],
            steps: vec![1, 1],
        };
        let expected: Vec<f64> = a
            .t()
            .slice(ndarray::s![2..31, 1..12])
            .iter()
            .copied()
            .collect();
        for strip in [1, 3, 11, 12, 64, 1000] {
            assert_eq!(read_all(&block, &read, strip), expected, "strip {strip}");
        }
    }

    #[test]
    fn reads_in_turn_give_each_read_after_the_other() {
        let a = Array::from_shape_fn((13, 37), |(i, j)| (i * 100 + j) as f64);
        let block: Block<f64> = a.into_dyn().into_shared();
        let region = |offset: [usize; 2], shape: [usize; 2]| Region {
            offset: offset.to_vec(),
            shape: shape.to_vec(),
        };
        // Plain reads (contiguous, empty, short rows), and a transpose
        // (tiled), each read alone and all in turn.
        let plain = [
            region([0, 0], [2, 37]),
            region([5, 5], [0, 3]),
            region([3, 30], [4, 3]),
        ];
        let transposed = [
            region([2, 1], [29, 11]),
            region([0, 0], [3, 0]),
            region([30, 4], [7, 9]),
        ];
        let t = ViewMap::permutation(vec![1, 0]);
        let cases = [
            (
                StridedReads::regions(&plain),
                plain.map(|r| Strided::region(&r)),
            ),
            (t.reads(&transposed), transposed.map(|r| t.read(&r))),
        ];
        for (reads, alone) in cases {
            let expected: Vec<f64> = alone
                .iter()
                .flat_map(|read| read_all(&block, read, 1000))
                .collect();
            for strip in [1, 3, 11, 74, 1000] {
                let mut source = ViewSource::in_turn(block.clone(), reads.clone()).unwrap();
                let (mut out, mut buf) = (Vec::new(), Vec::new());
                while out.len() < expected.len() {
                    let n = strip.min(expected.len() - out.len());
                    source.visit(n, &mut buf, &mut |v| out.extend_from_slice(v));
                }
                assert_eq!(out, expected, "strip {strip}");
            }
        }
        // Reads of a 0-d array: one value each.
        let scalar: Block<f64> = ndarray::arr0(2.5).into_dyn().into_shared();
        let at = Region {
            offset: vec![],
            shape: vec![],
        };
        let reads = StridedReads::regions(&[at.clone(), at]);
        let mut source = ViewSource::in_turn(scalar, reads).unwrap();
        let mut out = Vec::new();
        source.fill(&mut out, 1);
        source.fill(&mut out, 1);
        assert_eq!(out, vec![2.5, 2.5]);
        // A read outside the block fails when the source is made.
        let outside = [region([0, 0], [1, 1]), region([12, 30], [2, 1])];
        assert!(ViewSource::in_turn(block, StridedReads::regions(&outside)).is_err());
    }

    #[test]
    fn broadcast_and_gathered_reads_match_ndarray() {
        let a = Array::from_shape_fn((4, 5, 6), |(i, j, k)| (i * 100 + j * 10 + k) as f64);
        let block: Block<f64> = a.clone().into_dyn().into_shared();
        // Axes (2, 0) of the input, a new broadcast axis in front.
        let read = Strided {
            start: vec![1, 3, 2],
            shape: vec![3, 4, 3],
            axes: vec![None, Some(2), Some(0)],
            steps: vec![1, 1, 1],
        };
        let view = a.slice(ndarray::s![1..4, 3, 2..6]).reversed_axes();
        let expected: Vec<f64> = view
            .broadcast(IxDyn(&[3, 4, 3]))
            .unwrap()
            .iter()
            .copied()
            .collect();
        for strip in [1, 5, 36] {
            assert_eq!(read_all(&block, &read, strip), expected, "strip {strip}");
        }
    }
}
