//! A reduction made of user closures (dask's `da.reduction`) as a
//! [`Reducer`], so it runs on the path of the built-in reductions: fused
//! with the elementwise chain feeding it, folded strip by strip, merged in
//! the fixed tree.

use super::reduce::Reducer;
use crate::element::Element;
use crate::error::Result;
use std::marker::PhantomData;
use std::sync::Arc;

/// Folds consecutive values into an accumulator.
pub(crate) type ChunkFn<T, A> = dyn Fn(&mut A, &[T]) + Send + Sync;
/// Merges the accumulator of later values into one of earlier values.
pub(crate) type CombineFn<A> = dyn Fn(&mut A, &A) + Send + Sync;
/// The result of an accumulator.
pub(crate) type AggregateFn<A, U> = dyn Fn(&A) -> U + Send + Sync;

/// The three closures of a user reduction; accumulators start at
/// `A::default()`.
pub(crate) struct UserReducer<T, A, U> {
    pub chunk: Arc<ChunkFn<T, A>>,
    pub combine: Arc<CombineFn<A>>,
    pub aggregate: Arc<AggregateFn<A, U>>,
    pub _elem: PhantomData<fn(T)>,
}

impl<T, A, U> Reducer<T> for UserReducer<T, A, U>
where
    T: Element,
    A: Default + Clone + Send + Sync + 'static,
    U: Element,
{
    type Acc = A;
    type Out = U;
    fn label(&self) -> String {
        "reduction".into()
    }
    fn key(&self) -> Option<String> {
        None
    }
    fn identity(&self) -> A {
        A::default()
    }
    fn fold(&self, acc: &mut A, values: &[T], _first: usize) -> Result<()> {
        (self.chunk)(acc, values);
        Ok(())
    }
    fn fold_each(&self, accs: &mut [A], values: &[T], _at: usize) -> Result<()> {
        for (acc, v) in accs.iter_mut().zip(values) {
            (self.chunk)(acc, std::slice::from_ref(v));
        }
        Ok(())
    }
    fn merge(&self, acc: &mut A, later: &A) -> Result<()> {
        (self.combine)(acc, later);
        Ok(())
    }
    fn finish(&self, acc: &A) -> Result<U> {
        Ok((self.aggregate)(acc))
    }
}
