//! Elementwise maps over whole blocks whose lengths are known only once
//! computed (a selection's): the plan cannot cut such blocks into regions
//! ahead of time, so the map reads each input block whole, as it is, and
//! stores a block of the same shape.

use super::{BlockKernel, ElemOps, MapKernel, Value};
use crate::chunks::Region;
use crate::error::{Error, Result};
use crate::view::Strided;
use std::sync::Arc;

/// [`MapKernel`] `map` of the same block of every input (`inputs`: their
/// element operations), stored as `output`.
pub(crate) struct WholeMap {
    pub map: Arc<dyn MapKernel>,
    pub inputs: Vec<Arc<dyn ElemOps>>,
    pub output: Arc<dyn ElemOps>,
}

impl BlockKernel for WholeMap {
    fn label(&self) -> String {
        self.map.label()
    }

    fn key(&self) -> Option<String> {
        self.map.key().map(|key| format!("whole:{key}"))
    }

    fn reads(&self, index: &[usize]) -> Vec<(usize, Vec<usize>)> {
        (0..self.inputs.len())
            .map(|k| (k, index.to_vec()))
            .collect()
    }

    fn compute(&self, _index: &[usize], values: &[Value]) -> Result<Value> {
        let shapes = self
            .inputs
            .iter()
            .zip(values)
            .map(|(dtype, value)| dtype.block_shape(value))
            .collect::<Result<Vec<_>>>()?;
        let shape = shapes
            .first()
            .ok_or_else(|| Error::internal("an elementwise map without inputs"))?;
        // The executor names the block of a failing task.
        if let Some(other) = shapes.iter().find(|s| *s != shape) {
            return Err(Error::ShapeMismatch {
                op: "elementwise map over blocks of unknown lengths",
                left: shape.clone(),
                right: other.clone(),
            });
        }
        let whole = Strided::region(&Region {
            offset: vec![0; shape.len()],
            shape: shape.clone(),
        });
        let sources = self
            .inputs
            .iter()
            .zip(values)
            .map(|(dtype, value)| dtype.view_source(value, &whole))
            .collect::<Result<Vec<_>>>()?;
        self.output.materialize(self.map.open(sources)?, shape)
    }
}
