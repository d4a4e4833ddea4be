//! `unique`: the distinct values of an array and how often each occurs, as
//! a reduction: every block folds its values into a sorted map from order
//! key to count, the maps are merged in the reduction's fixed tree, and the
//! finished value is the pair of arrays (values, counts).

use super::reduce::{partial_of, Folder};
use super::{AnyFolder, ReduceKernel, Value};
use crate::chunks::Region;
use crate::element::Ordered;
use crate::error::Result;
use ndarray::Array1;
use std::collections::BTreeMap;
use std::marker::PhantomData;
use std::sync::Arc;

/// The distinct values in increasing order with their counts.
pub(crate) type UniqueCounts<T> = (Array1<T>, Array1<u64>);

/// Occurrences by order key: equal numbers (`-0.0` and `0.0`, every NaN)
/// share a key, so they are one value, as in numpy's `unique`.
struct Partial(BTreeMap<u64, u64>);

/// The [`ReduceKernel`] of `unique_counts` over the whole array.
pub(crate) struct Unique<T>(pub PhantomData<fn(T)>);

struct UniqueFolder<T> {
    counts: BTreeMap<u64, u64>,
    _elem: PhantomData<fn(T)>,
}

impl<T: Ordered> Folder<T> for UniqueFolder<T> {
    fn fold(&mut self, strip: &[T], _start: usize) -> Result<()> {
        for v in strip {
            *self.counts.entry(v.order_key()).or_insert(0) += 1;
        }
        Ok(())
    }
    fn into_partial(self: Box<Self>) -> Value {
        Arc::new(Partial(self.counts))
    }
}

fn partial(value: &Value) -> Result<&Partial> {
    partial_of(value, "unique")
}

impl<T: Ordered> ReduceKernel for Unique<T> {
    fn label(&self) -> String {
        "unique".into()
    }

    fn folder(&self, _region: &Region, _shape: &[usize], _axis: Option<usize>) -> AnyFolder {
        let folder: Box<dyn Folder<T>> = Box::new(UniqueFolder::<T> {
            counts: BTreeMap::new(),
            _elem: PhantomData,
        });
        Box::new(folder)
    }

    fn combine(&self, parts: Vec<Value>) -> Result<Value> {
        let mut total = BTreeMap::new();
        for part in &parts {
            for (&key, &count) in &partial(part)?.0 {
                *total.entry(key).or_insert(0) += count;
            }
        }
        Ok(Arc::new(Partial(total)))
    }

    fn finish(&self, part: Value, _shape: &[usize]) -> Result<Value> {
        let counts = &partial(&part)?.0;
        let values = counts.keys().map(|&k| T::from_order_key(k)).collect();
        let pair: UniqueCounts<T> = (values, counts.values().copied().collect());
        Ok(Arc::new(pair))
    }
}
