//! Views: operations that only change how an array's elements are indexed
//! (transposes, broadcasting), so a consumer reads its input's blocks with
//! other strides instead of anything being computed or copied.

use crate::chunks::{Chunks, Region};

/// How a view's output axes index its input.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct ViewMap {
    /// For each output axis, the input axis it walks; `None` for an axis the
    /// input does not have (a new, broadcast axis).
    pub axes: Vec<Option<usize>>,
    /// For each output axis, whether a length-1 input axis is repeated along it.
    pub stretch: Vec<bool>,
    /// Number of input axes.
    pub input_ndim: usize,
}

/// A read of a box of elements through a view: output axis `k` walks input
/// axis `axes[k]` starting at `start` (input coordinates), or stays put
/// (`None`: a new or stretched axis, stride 0).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Strided {
    pub start: Vec<usize>,
    pub shape: Vec<usize>,
    pub axes: Vec<Option<usize>>,
}

impl Strided {
    /// A plain read of `region`, axes in order.
    pub fn region(region: &Region) -> Strided {
        Strided {
            start: region.offset.clone(),
            shape: region.shape.clone(),
            axes: (0..region.shape.len()).map(Some).collect(),
        }
    }

    /// The input elements this read touches.
    pub fn input_region(&self) -> Region {
        let mut shape = vec![1; self.start.len()];
        for (k, axis) in self.axes.iter().enumerate() {
            if let Some(a) = axis {
                shape[*a] = self.shape[k];
            }
        }
        Region {
            offset: self.start.clone(),
            shape,
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
            input_ndim,
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
            axes,
            stretch,
            input_ndim: input.len(),
        }
    }

    /// True when the view shows its input unchanged.
    pub fn is_identity(&self) -> bool {
        self.axes.len() == self.input_ndim
            && self.axes.iter().enumerate().all(|(k, a)| *a == Some(k))
            && !self.stretch.iter().any(|&s| s)
    }

    /// The output shape for an input of `shape` broadcast to `output`.
    pub fn chunks(&self, input: &Chunks, output_shape: &[usize]) -> Chunks {
        let sizes = self
            .axes
            .iter()
            .zip(&self.stretch)
            .zip(output_shape)
            .map(|((axis, &stretch), &n)| match axis {
                Some(a) if !stretch => input.sizes()[*a].clone(),
                _ => vec![n],
            })
            .collect();
        Chunks::from_sizes(sizes)
    }

    /// The read of the input that yields output region `out`.
    pub fn read(&self, out: &Region) -> Strided {
        let mut start = vec![0; self.input_ndim];
        let mut axes = Vec::with_capacity(self.axes.len());
        for (k, (axis, &stretch)) in self.axes.iter().zip(&self.stretch).enumerate() {
            match axis {
                Some(a) if !stretch => {
                    start[*a] = out.offset[k];
                    axes.push(Some(*a));
                }
                _ => axes.push(None),
            }
        }
        Strided {
            start,
            shape: out.shape.clone(),
            axes,
        }
    }

    /// Short description for plans and task names.
    pub fn label(&self) -> String {
        if self.stretch.iter().any(|&s| s) || self.axes.iter().any(Option::is_none) {
            let from: Vec<String> = self
                .axes
                .iter()
                .zip(&self.stretch)
                .map(|(a, &s)| match (a, s) {
                    (Some(a), false) => a.to_string(),
                    _ => "*".to_string(),
                })
                .collect();
            format!("broadcast[{}]", from.join(", "))
        } else {
            let axes: Vec<String> = self.axes.iter().flatten().map(usize::to_string).collect();
            format!("permute[{}]", axes.join(", "))
        }
    }
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
        let chunks = v.chunks(&Chunks::from_sizes(vec![vec![1], vec![2, 2]]), &[3, 5, 4]);
        assert_eq!(chunks.sizes(), &[vec![3], vec![5], vec![2, 2]]);
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
        assert!(!v.is_identity() && ViewMap::permutation(vec![0, 1]).is_identity());
        assert_eq!(v.label(), "permute[1, 0]");
    }
}
