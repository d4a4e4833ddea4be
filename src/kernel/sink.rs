//! The in-memory result of `compute` as a sink: blocks are copied into the
//! result array as they arrive and freed at once, so the result is never
//! held twice (once in blocks, once assembled). Blocks whose lengths are
//! unknown until computed are kept until the last arrives, then put together.

use super::assemble::assemble_region;
use super::contract::{Block, SinkKernel, Value};
use super::typed::block;
use super::wire::assembled_wire;
use crate::chunks::{Chunks, Region};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::exec::Wire;
use crate::lock::lock;
use ndarray::{ArrayD, IxDyn, Slice};
use std::marker::PhantomData;
use std::sync::{Arc, Mutex};

/// Assembles the blocks of an array of `chunks` into one `ArrayD<T>`.
pub(crate) struct Assemble<T> {
    chunks: Chunks,
    _type: PhantomData<fn() -> T>,
}

impl<T: Element> Assemble<T> {
    pub fn new(chunks: Chunks) -> Assemble<T> {
        Assemble {
            chunks,
            _type: PhantomData,
        }
    }
}

/// What has arrived so far.
enum Assembly<T> {
    Nothing,
    /// The only block of a one-block array, kept as it is: no copy.
    Whole(Value),
    Array(ArrayD<T>),
}

/// The receipt: the assembled array, taken out once by the driver.
pub(crate) type Assembled<T> = Mutex<Option<ArrayD<T>>>;

fn state<T: Element>(value: &Value) -> Result<&Mutex<Assembly<T>>> {
    value
        .downcast_ref::<Mutex<Assembly<T>>>()
        .ok_or_else(|| Error::internal("assembly state of an unexpected type"))
}

impl<T: Element> SinkKernel for Assemble<T> {
    fn label(&self) -> String {
        "assemble".to_string()
    }

    fn open(&self) -> Result<Value> {
        Ok(Arc::new(Mutex::new(Assembly::<T>::Nothing)))
    }

    fn state_bytes(&self) -> usize {
        if !self.chunks.all_known() {
            return 0; // blocks of unknown lengths are kept as they come
        }
        self.chunks
            .shape()
            .iter()
            .fold(std::mem::size_of::<T>(), |b, &n| b.saturating_mul(n))
    }

    fn consume(&self, state_value: &Value, index: &[usize], value: &Value) -> Result<Value> {
        if !self.chunks.all_known() {
            // Placed once every length is known: the block is the piece.
            return Ok(value.clone());
        }
        let mut assembly = lock(state::<T>(state_value)?);
        if self.chunks.num_blocks() == 1 {
            *assembly = Assembly::Whole(value.clone());
            return Ok(Arc::new(()));
        }
        let values: &Block<T> = block::<T>(value)?;
        let Some(&first) = values.iter().next() else {
            return Ok(Arc::new(())); // an empty block adds nothing
        };
        if let Assembly::Nothing = *assembly {
            // Filled with a value of the array: every element is written
            // once all blocks have arrived, and `T` needs no default.
            *assembly = Assembly::Array(ArrayD::from_elem(IxDyn(&self.chunks.shape()), first));
        }
        let Assembly::Array(out) = &mut *assembly else {
            return Err(Error::internal("a one-block assembly got several blocks"));
        };
        let region = self.chunks.block_region(index);
        let mut place = out.slice_each_axis_mut(|ax| {
            let k = ax.axis.index();
            Slice::from(region.offset[k]..region.offset[k] + region.shape[k])
        });
        if place.shape() != values.shape() {
            return Err(Error::internal(format!(
                "block {index:?} of shape {:?} assembled into {:?}",
                values.shape(),
                place.shape()
            )));
        }
        place.assign(values);
        Ok(Arc::new(()))
    }

    fn finish(&self, state_value: &Value, pieces: &[Value]) -> Result<Value> {
        if !self.chunks.all_known() {
            let array = concatenated::<T>(&self.chunks, pieces)?;
            return Ok(Arc::new(Mutex::new(Some(array))) as Value);
        }
        let assembly = std::mem::replace(&mut *lock(state::<T>(state_value)?), Assembly::Nothing);
        let array = match assembly {
            // No copy when the block is not shared with anything else.
            Assembly::Whole(only) => block::<T>(&only)?.clone().into_owned(),
            Assembly::Array(array) => array,
            Assembly::Nothing => ArrayD::from_shape_vec(IxDyn(&self.chunks.shape()), Vec::new())
                .map_err(|_| Error::internal("no block arrived for a non-empty array"))?,
        };
        Ok(Arc::new(Mutex::new(Some(array))) as Value)
    }

    fn receipt_wire(&self) -> Option<Arc<dyn Wire>> {
        assembled_wire::<T>()
    }
}

/// The blocks of an array whose lengths along some axis were unknown until
/// computed (all of them, C order), put together once they have all
/// arrived: the blocks and the result are held together for a moment.
fn concatenated<T: Element>(chunks: &Chunks, blocks: &[Value]) -> Result<ArrayD<T>> {
    let blocks = blocks.iter().map(block::<T>).collect::<Result<Vec<_>>>()?;
    let shapes: Vec<Vec<usize>> = blocks.iter().map(|b| b.shape().to_vec()).collect();
    let known = chunks.with_lengths(&shapes)?;
    let ranges: Vec<_> = known.grid().into_iter().map(|n| 0..n).collect();
    let whole = Region {
        offset: vec![0; known.ndim()],
        shape: known.shape(),
    };
    assemble_region(&known, &ranges, &blocks, &whole)
}
