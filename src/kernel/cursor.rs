//! Walking a box of indices in C order.

/// An index running over `lo[k]..hi[k]` on every axis, last axis fastest.
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

    /// The current index.
    #[inline]
    pub fn index(&self) -> &[usize] {
        &self.index
    }

    /// Move to the next index in C order (wrapping to the start at the end).
    #[inline]
    pub fn advance(&mut self) {
        for k in (0..self.index.len()).rev() {
            self.index[k] += 1;
            if self.index[k] < self.hi[k] {
                return;
            }
            self.index[k] = self.lo[k];
        }
    }
}
