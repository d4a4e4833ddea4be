//! Views: operations that only change how an array's elements are indexed
//! (transposes, broadcasting, slicing), so a consumer reads its input's
//! blocks with other strides and offsets instead of anything being computed
//! or copied.

use crate::chunks::{AxisChunks, Chunks, Region};
use crate::error::Result;
use crate::size;

/// How a view's output axes index its input: output index `o` along output
/// axis `k` is input index `origin[a] + steps[k] * o` along input axis
/// `a = axes[k]`; input axes no output axis walks stay at `origin`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct ViewMap {
    /// For each output axis, the input axis it walks; `None` for an axis the
    /// input does not have (a new, broadcast axis).
    pub axes: Vec<Option<usize>>,
    /// For each output axis, whether a length-1 input axis is repeated along it.
    pub stretch: Vec<bool>,
    /// For each output axis, the input step between its consecutive
    /// elements (1 unless sliced with a step; negative walks backwards).
    pub steps: Vec<isize>,
    /// For each input axis, the input index of output index 0 (0 unless
    /// sliced; the fixed index of an input axis the output drops).
    pub origin: Vec<usize>,
}

/// A read of a box of elements through a view: output axis `k` walks input
/// axis `axes[k]` from `start` (input coordinates of the box's first
/// element) by `steps[k]`, or stays put (`None`: a new or stretched axis).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Strided {
    pub start: Vec<usize>,
    pub shape: Vec<usize>,
    pub axes: Vec<Option<usize>>,
    pub steps: Vec<isize>,
}

impl Strided {
    /// A plain read of `region`, axes in order.
    pub fn region(region: &Region) -> Strided {
        Strided {
            start: region.offset.clone(),
            shape: region.shape.clone(),
            axes: (0..region.shape.len()).map(Some).collect(),
            steps: vec![1; region.shape.len()],
        }
    }

    /// The smallest box of input elements this read touches.
    pub fn input_region(&self) -> Region {
        let mut offset = self.start.clone();
        let mut shape = vec![1; self.start.len()];
        for (k, axis) in self.axes.iter().enumerate() {
            if let Some(a) = *axis {
                let (n, step) = (self.shape[k], self.steps[k]);
                shape[a] = if n == 0 {
                    0
                } else {
                    step.unsigned_abs() * (n - 1) + 1
                };
                if step < 0 && n > 0 {
                    offset[a] -= step.unsigned_abs() * (n - 1);
                }
            }
        }
        Region { offset, shape }
    }

    /// The read, borrowed.
    pub fn by_ref(&self) -> StridedRef<'_> {
        StridedRef {
            start: &self.start,
            shape: &self.shape,
            axes: &self.axes,
            steps: &self.steps,
        }
    }

    /// The same read, with `start` relative to `origin`.
    pub fn relative_to(&self, origin: &[usize]) -> Strided {
        Strided {
            start: self.start.iter().zip(origin).map(|(s, o)| s - o).collect(),
            ..self.clone()
        }
    }
}

/// A [`Strided`] read, borrowed: one of [`StridedReads`], or a whole
/// `Strided`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct StridedRef<'a> {
    pub start: &'a [usize],
    pub shape: &'a [usize],
    pub axes: &'a [Option<usize>],
    pub steps: &'a [isize],
}

impl StridedRef<'_> {
    /// Whether every element the read touches lies inside an array of
    /// `shape` (a read of no element always does), without building its
    /// [`input_region`](Strided::input_region): checked for every block a
    /// task reads.
    pub fn lies_within(&self, shape: &[usize]) -> bool {
        if self.start.len() != shape.len() {
            return false;
        }
        if self.shape.contains(&0) {
            return true;
        }
        let walks_inside = |((axis, &n), &step): ((&Option<usize>, &usize), &isize)| {
            let Some(a) = *axis else { return true };
            let (Some(&start), Some(&len)) = (self.start.get(a), shape.get(a)) else {
                return false;
            };
            let span = step.unsigned_abs().checked_mul(n - 1);
            match span {
                Some(span) if step < 0 => start.checked_sub(span).is_some(),
                Some(span) => start.checked_add(span).is_some_and(|end| end < len),
                None => false,
            }
        };
        // `start` is inside on every axis (the far end of a backward walk,
        // the fixed index of an axis no output axis walks).
        self.start.iter().zip(shape).all(|(s, n)| s < n)
            && self
                .axes
                .iter()
                .zip(self.shape)
                .zip(self.steps)
                .all(walks_inside)
    }
}

/// Reads of several output regions through one view, one after the
/// other: the same axes and steps, each read its own start and shape,
/// kept flat (four vectors for all the reads, not four per read).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct StridedReads {
    /// How many reads, and the input's number of axes.
    count: usize,
    input_ndim: usize,
    axes: Vec<Option<usize>>,
    steps: Vec<isize>,
    /// Each read's `start` (input coordinates), one after the other.
    starts: Vec<usize>,
    /// Each read's shape, one after the other.
    shapes: Vec<usize>,
}

impl StridedReads {
    /// Plain reads of `regions` (all of one number of axes), axes in order.
    pub fn regions(regions: &[Region]) -> StridedReads {
        let ndim = regions.first().map_or(0, |r| r.shape.len());
        StridedReads {
            count: regions.len(),
            input_ndim: ndim,
            axes: (0..ndim).map(Some).collect(),
            steps: vec![1; ndim],
            starts: regions
                .iter()
                .flat_map(|r| r.offset.iter().copied())
                .collect(),
            shapes: regions
                .iter()
                .flat_map(|r| r.shape.iter().copied())
                .collect(),
        }
    }

    /// How many reads there are.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Read `k`.
    pub fn get(&self, k: usize) -> StridedRef<'_> {
        let (ni, no) = (self.input_ndim, self.axes.len());
        StridedRef {
            start: &self.starts[k * ni..(k + 1) * ni],
            shape: &self.shapes[k * no..(k + 1) * no],
            axes: &self.axes,
            steps: &self.steps,
        }
    }
}

impl ViewMap {
    /// Output axis `k` shows input axis `axes[k]`: a transpose.
    pub fn permutation(axes: Vec<usize>) -> ViewMap {
        let input_ndim = axes.len();
        ViewMap::select(input_ndim, axes.into_iter().map(Some).collect())
    }

    /// Output axis `k` shows input axis `axes[k]`, or is a new axis of
    /// length 1 (`None`); input axes not shown must have length 1.
    pub fn select(input_ndim: usize, axes: Vec<Option<usize>>) -> ViewMap {
        ViewMap {
            stretch: vec![false; axes.len()],
            steps: vec![1; axes.len()],
            origin: vec![0; input_ndim],
            axes,
        }
    }

    /// `input` shape seen as `output` shape by numpy's broadcasting rules
    /// (the caller checked they are compatible).
    pub fn broadcast(input: &[usize], output: &[usize]) -> ViewMap {
        let new = output.len() - input.len();
        let axes: Vec<Option<usize>> = (0..output.len()).map(|k| k.checked_sub(new)).collect();
        let stretch = axes
            .iter()
            .zip(output)
            .map(|(a, &n)| a.is_some_and(|a| input[a] == 1 && n != 1))
            .collect();
        ViewMap {
            steps: vec![1; axes.len()],
            origin: vec![0; input.len()],
            axes,
            stretch,
        }
    }

    /// This view with output `shape`, its steps set to 1 on axes of at most
    /// one element, where they do not matter: then every step satisfies
    /// `|step| * (n - 1) < input length`, so composing views cannot
    /// overflow however large the steps were asked.
    pub fn trimmed(mut self, shape: &[usize]) -> ViewMap {
        for (step, &n) in self.steps.iter_mut().zip(shape) {
            if n <= 1 {
                *step = 1;
            }
        }
        self
    }

    /// This view applied to the output of `inner`: one view of `inner`'s
    /// input, so views of views never store their middle.
    pub fn after(&self, inner: &ViewMap) -> ViewMap {
        let mut origin = inner.origin.clone();
        // Middle axes this view walks start at its origin; the ones it
        // drops stay there.
        for (m, &at) in self.origin.iter().enumerate() {
            if let Some(a) = inner.axes[m].filter(|_| !inner.stretch[m]) {
                origin[a] = shift(origin[a], inner.steps[m] * at as isize);
            }
        }
        let mut composed = ViewMap {
            axes: Vec::with_capacity(self.axes.len()),
            stretch: Vec::with_capacity(self.axes.len()),
            steps: Vec::with_capacity(self.axes.len()),
            origin,
        };
        for k in 0..self.axes.len() {
            let (axis, stretch, step) = match self.axes[k] {
                Some(m) => (
                    inner.axes[m],
                    self.stretch[k] || inner.stretch[m],
                    // Both views are trimmed: no overflow (see `trimmed`).
                    self.steps[k] * inner.steps[m],
                ),
                None => (None, false, 1),
            };
            composed.axes.push(axis);
            composed.stretch.push(stretch && axis.is_some());
            composed.steps.push(step);
        }
        composed
    }

    /// True when the view shows an input of `input` shape unchanged as
    /// `output`.
    pub fn is_identity(&self, input: &[usize], output: &[usize]) -> bool {
        input == output
            && self.axes.len() == self.origin.len()
            && self.axes.iter().enumerate().all(|(k, a)| *a == Some(k))
            && !self.stretch.iter().any(|&s| s)
            && self.steps.iter().all(|&s| s == 1)
            && self.origin.iter().all(|&o| o == 0)
    }

    /// True when the output's rows are input rows read forward: its last
    /// axis walks the input's last axis by steps of 1 (a transpose or a
    /// reversed or strided slice reads across the input's rows instead).
    pub fn keeps_rows(&self) -> bool {
        let last = self.origin.len().checked_sub(1);
        let k = self.axes.len().checked_sub(1);
        k.is_some_and(|k| {
            last.is_some() && self.axes[k] == last && !self.stretch[k] && self.steps[k] == 1
        })
    }

    /// The output's chunks: every output block lies in one input block, so
    /// each is read from one stored block. Regular when the input axis is
    /// and the step divides its blocks (or skips whole blocks); otherwise
    /// listed, at most [`size::MAX_LISTED`] blocks.
    pub fn chunks(&self, input: &Chunks, output_shape: &[usize]) -> Result<Chunks> {
        let axes = (0..self.axes.len())
            .map(|k| match self.axes[k] {
                Some(a) if !self.stretch[k] => split_walk(
                    input.axis(a),
                    self.origin[a],
                    self.steps[k],
                    output_shape[k],
                ),
                _ => Ok(AxisChunks::whole(output_shape[k])),
            })
            .collect::<Result<_>>()?;
        Ok(Chunks::from_axes(axes))
    }

    /// The read of the input that yields output region `out`.
    pub fn read(&self, out: &Region) -> Strided {
        let mut start = self.origin.clone();
        self.start_of(out, &mut start);
        Strided {
            start,
            shape: out.shape.clone(),
            axes: self.walked(),
            steps: self.steps.clone(),
        }
    }

    /// The reads that yield output regions `outs`, one after the other.
    pub fn reads(&self, outs: &[Region]) -> StridedReads {
        let ni = self.origin.len();
        let mut starts = Vec::with_capacity(ni * outs.len());
        for out in outs {
            starts.extend_from_slice(&self.origin);
            let at = starts.len() - ni;
            self.start_of(out, &mut starts[at..]);
        }
        StridedReads {
            count: outs.len(),
            input_ndim: ni,
            axes: self.walked(),
            steps: self.steps.clone(),
            starts,
            shapes: outs.iter().flat_map(|r| r.shape.iter().copied()).collect(),
        }
    }

    /// The input axis each output axis walks in a read (`None`: new or
    /// stretched).
    fn walked(&self) -> Vec<Option<usize>> {
        (0..self.axes.len())
            .map(|k| self.axes[k].filter(|_| !self.stretch[k]))
            .collect()
    }

    /// Set `start` (holding the origin) to the input coordinates of output
    /// region `out`'s first element.
    fn start_of(&self, out: &Region, start: &mut [usize]) {
        for (k, axis) in self.axes.iter().enumerate() {
            // An axis with no element reads nothing: it stays at the
            // origin (its offset may lie past the input's end).
            if let Some(a) = axis.filter(|_| !self.stretch[k] && out.shape[k] > 0) {
                start[a] = shift(self.origin[a], self.steps[k] * out.offset[k] as isize);
            }
        }
    }

    /// Short description for plans and task names: for each output axis
    /// the input axis it walks (`a`, or `a:o+si` from `o` by step `s`, `*`
    /// for a new or stretched axis), then dropped input axes (`a=o`).
    pub fn label(&self) -> String {
        let shifted = |k: usize, a: usize| self.steps[k] != 1 || self.origin[a] != 0;
        let mut parts: Vec<String> = (0..self.axes.len())
            .map(|k| match (self.axes[k], self.stretch[k]) {
                (Some(a), false) if shifted(k, a) => {
                    format!("{a}:{}{:+}i", self.origin[a], self.steps[k])
                }
                (Some(a), false) => a.to_string(),
                _ => "*".to_string(),
            })
            .collect();
        let dropped: Vec<usize> = (0..self.origin.len())
            .filter(|a| !self.axes.contains(&Some(*a)))
            .collect();
        parts.extend(dropped.iter().map(|a| format!("{a}={}", self.origin[*a])));
        let walked: Vec<usize> = self.axes.iter().flatten().copied().collect();
        let in_order = walked.windows(2).all(|w| w[0] < w[1]);
        let broadcast = self.stretch.iter().any(|&s| s) || self.axes.iter().any(Option::is_none);
        let name = match (broadcast, in_order) {
            (true, _) => "broadcast",
            (false, true) => "slice",
            (false, false)
                if walked.len() == self.origin.len()
                    && parts.iter().all(|p| p.parse::<usize>().is_ok()) =>
            {
                "permute"
            }
            (false, false) => "view",
        };
        format!("{name}[{}]", parts.join(", "))
    }
}

/// `at + delta`, for a delta known to stay inside the axis.
fn shift(at: usize, delta: isize) -> usize {
    at.checked_add_signed(delta)
        .expect("a view walks outside its input axis")
}

/// Block lengths along an output axis of `n` elements that walks an input
/// axis chunked as `input` from `origin` by `step`: consecutive elements
/// that fall in the same input block form one output block.
fn split_walk(input: &AxisChunks, origin: usize, step: isize, n: usize) -> Result<AxisChunks> {
    if n == 0 {
        return Ok(AxisChunks::whole(0));
    }
    let stride = step.unsigned_abs();
    // Output elements left in the block of input element `at` before the
    // walk leaves it.
    let room = |at: usize| {
        let (_, block) = input.locate(at);
        let left = if step > 0 {
            block.end - 1 - at
        } else {
            at - block.start
        };
        (left / stride + 1).min(n)
    };
    if let Some((_, chunk, _)) = input.as_regular() {
        // Whole blocks of `chunk` each hold `chunk / stride` walked elements
        // (one when the walk skips blocks): only the first block differs.
        if stride >= chunk {
            return Ok(AxisChunks::uniform(n, 1));
        }
        if chunk % stride == 0 {
            return Ok(AxisChunks::regular(room(origin), chunk / stride, n));
        }
    }
    let mut out = Vec::new();
    let mut o = 0;
    while o < n {
        size::listed("slice", "blocks of a strided slice", out.len() + 1)?;
        let take = room(shift(origin, step * o as isize)).min(n - o);
        out.push(take);
        o += take;
    }
    Ok(AxisChunks::from_sizes(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broadcast_maps_new_and_stretched_axes() {
        let v = ViewMap::broadcast(&[1, 4], &[3, 5, 4]);
        assert_eq!(v.axes, vec![None, Some(0), Some(1)]);
        assert_eq!(v.stretch, vec![false, true, false]);
        let read = v.read(&Region {
            offset: vec![1, 2, 1],
            shape: vec![2, 3, 2],
        });
        assert_eq!(read.start, vec![0, 1]);
        assert_eq!(read.axes, vec![None, None, Some(1)]);
        assert_eq!(read.input_region().shape, vec![1, 2]);
        let chunks = v
            .chunks(&Chunks::from_sizes(vec![vec![1], vec![2, 2]]), &[3, 5, 4])
            .unwrap();
        assert_eq!(chunks.sizes(), &[vec![3], vec![5], vec![2, 2]]);
    }

    #[test]
    fn reads_in_turn_are_the_reads_of_each_region() {
        let mut sliced = ViewMap::permutation(vec![1, 0, 2]);
        sliced.origin = vec![9, 2, 4];
        sliced.steps = vec![3, -1, 2];
        let views = [
            ViewMap::permutation(vec![0, 1, 2]),
            ViewMap::broadcast(&[1, 5, 6], &[2, 4, 5, 6]),
            ViewMap::select(3, vec![Some(2), None, Some(0)]),
            sliced,
        ];
        for view in views {
            let ndim = view.axes.len();
            let outs: Vec<Region> = [[0, 1, 2, 0], [1, 0, 0, 1], [0, 2, 1, 3]]
                .iter()
                .map(|o| Region {
                    offset: o[..ndim].to_vec(),
                    shape: [1, 2, 0, 3][..ndim].iter().map(|n| n + o[0]).collect(),
                })
                .collect();
            let reads = view.reads(&outs);
            assert_eq!(reads.len(), outs.len());
            for (k, out) in outs.iter().enumerate() {
                let (one, got) = (view.read(out), reads.get(k));
                assert_eq!(
                    (got.start, got.shape, got.axes, got.steps),
                    (
                        &one.start[..],
                        &one.shape[..],
                        &one.axes[..],
                        &one.steps[..]
                    ),
                    "{view:?} at {out:?}"
                );
            }
        }
        assert_eq!(StridedReads::regions(&[]).len(), 0);
        // Reads of no axes (a 0-d array) are still reads, one value each.
        let scalar = Region {
            offset: vec![],
            shape: vec![],
        };
        let reads = StridedReads::regions(&[scalar.clone(), scalar]);
        assert_eq!(reads.len(), 2);
        assert!(reads.get(1).lies_within(&[]));
    }

    #[test]
    fn a_read_lies_within_an_array_exactly_when_its_input_region_does() {
        let inside_by_region = |read: &Strided, shape: &[usize]| {
            if read.shape.contains(&0) {
                return true;
            }
            let touched = read.input_region();
            touched
                .offset
                .iter()
                .zip(&touched.shape)
                .zip(shape)
                .all(|((o, s), n)| o + s <= *n)
        };
        let shape = [5, 7];
        let mut checked = 0;
        for (axes, steps) in [
            (vec![Some(0), Some(1)], vec![1, 1]),
            (vec![Some(1), Some(0)], vec![1, 2]),
            (vec![Some(0), Some(1)], vec![-1, 3]),
            (vec![None, Some(1)], vec![1, -2]),
        ] {
            for start in [[0, 0], [2, 3], [4, 6], [5, 0], [0, 7]] {
                for out in [[0, 3], [1, 1], [2, 3], [3, 4], [5, 7]] {
                    let read = Strided {
                        start: start.to_vec(),
                        shape: out.to_vec(),
                        axes: axes.clone(),
                        steps: steps.clone(),
                    };
                    // The region of a backward walk starting too low is not
                    // even defined (it would start before 0).
                    let defined = read.shape.contains(&0)
                        || read.axes.iter().zip(&read.shape).zip(&read.steps).all(
                            |((a, &n), &step)| match a {
                                Some(a) if step < 0 && n > 0 => {
                                    read.start[*a] >= step.unsigned_abs() * (n - 1)
                                }
                                _ => true,
                            },
                        );
                    let within = read.by_ref().lies_within(&shape);
                    if defined {
                        assert_eq!(within, inside_by_region(&read, &shape), "{read:?}");
                        checked += 1;
                    } else {
                        assert!(!within, "{read:?}");
                    }
                }
            }
        }
        assert!(checked > 50);
        let read = Strided::region(&Region {
            offset: vec![0, 0],
            shape: vec![1, 1],
        });
        assert!(
            !read.by_ref().lies_within(&[1, 1, 1]),
            "another number of axes"
        );
    }

    #[test]
    fn rows_are_kept_unless_the_last_axis_is_moved_reversed_or_strided() {
        assert!(ViewMap::permutation(vec![0, 1]).keeps_rows());
        assert!(!ViewMap::permutation(vec![1, 0]).keeps_rows());
        assert!(ViewMap::broadcast(&[1, 4], &[3, 5, 4]).keeps_rows());
        assert!(!ViewMap::broadcast(&[4, 1], &[4, 5]).keeps_rows());
        assert!(!ViewMap::select(2, vec![Some(0), Some(1), None]).keeps_rows());
        let mut reversed = ViewMap::permutation(vec![0, 1]);
        reversed.steps[1] = -1;
        assert!(!reversed.keeps_rows());
        assert!(!ViewMap::select(0, vec![None]).keeps_rows());
        assert!(!ViewMap::select(0, vec![]).keeps_rows());
    }

    #[test]
    fn permutation_reads_transposed_boxes() {
        let v = ViewMap::permutation(vec![1, 0]);
        let read = v.read(&Region {
            offset: vec![2, 5],
            shape: vec![3, 4],
        });
        assert_eq!(read.start, vec![5, 2]);
        assert_eq!(read.input_region().shape, vec![4, 3]);
        assert!(!v.is_identity(&[4, 4], &[4, 4]));
        assert!(ViewMap::permutation(vec![0, 1]).is_identity(&[4, 4], &[4, 4]));
        assert_eq!(v.label(), "permute[1, 0]");
        // Rows 10, 7, 4 ... of column 5: a stepped walk and a dropped axis.
        let mut slice = ViewMap::select(2, vec![Some(0)]);
        slice.origin = vec![10, 5];
        slice.steps = vec![-3];
        assert_eq!(slice.label(), "slice[0:10-3i, 1=5]");
        assert_eq!(slice.after(&v).label(), "slice[1:10-3i, 0=5]");
    }
}
