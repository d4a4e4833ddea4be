//! Walking a box of indices in C order.

/// An index running over `lo[k]..hi[k]` on every axis, last axis fastest.
#[derive(Default)]
pub(crate) struct Odometer {
    lo: Vec<usize>,
    hi: Vec<usize>,
    index: Vec<usize>,
}

impl Odometer {
    pub fn new(lo: &[usize], shape: &[usize]) -> Self {
        Odometer {
            lo: lo.to_vec(),
            hi: lo.iter().zip(shape).map(|(l, s)| l + s).collect(),
            index: lo.to_vec(),
        }
    }

    /// Start again over `0..shape[k]` on every axis, keeping the buffers:
    /// a source reading several boxes in turn allocates nothing per box.
    pub fn restart_at_zero(&mut self, shape: &[usize]) {
        for v in [&mut self.lo, &mut self.index] {
            v.clear();
            v.resize(shape.len(), 0);
        }
        self.hi.clear();
        self.hi.extend_from_slice(shape);
    }

    /// The current index.
    #[inline]
    pub fn index(&self) -> &[usize] {
        &self.index
    }

    /// Move to the next index in C order (wrapping to the start at the
    /// end); returns the axis that stepped forward, the ones after it back
    /// at their start (`None` after wrapping).
    #[inline]
    pub fn advance(&mut self) -> Option<usize> {
        for k in (0..self.index.len()).rev() {
            self.index[k] += 1;
            if self.index[k] < self.hi[k] {
                return Some(k);
            }
            self.index[k] = self.lo[k];
        }
        None
    }
}
