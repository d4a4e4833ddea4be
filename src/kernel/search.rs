//! Membership and binning against an in-memory list, one element at a
//! time (the elementwise closures of `isin`, `searchsorted`, `digitize`):
//! the list is turned once into sorted order keys, every element is then a
//! binary search. Order keys make `-0.0` equal `0.0` and sort NaN last, as
//! numpy's comparisons and sorts do.

use crate::element::Ordered;
use crate::error::{Error, Result};

/// The distinct non-NaN values of a list as sorted order keys: a set
/// answering `isin` (NaN is in no set, as `NaN == NaN` is false).
pub(crate) fn member_keys<T: Ordered>(values: &[T]) -> Vec<u64> {
    let mut keys: Vec<u64> = values
        .iter()
        .filter(|&&v| !is_nan(v))
        .map(|v| v.order_key())
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// Whether `v` is in the set of [`member_keys`].
pub(crate) fn is_member<T: Ordered>(keys: &[u64], v: T) -> bool {
    !is_nan(v) && keys.binary_search(&v.order_key()).is_ok()
}

/// Whether `v` is NaN: the one value not equal to itself.
#[allow(clippy::eq_op)]
fn is_nan<T: Ordered>(v: T) -> bool {
    v != v
}

/// A sorted list's order keys, checked increasing (NaN last allowed):
/// `argument` names it in the error.
pub(crate) fn sorted_keys<T: Ordered>(argument: &'static str, values: &[T]) -> Result<Vec<u64>> {
    let keys: Vec<u64> = values.iter().map(|v| v.order_key()).collect();
    match keys.windows(2).position(|w| w[0] > w[1]) {
        None => Ok(keys),
        Some(i) => Err(Error::invalid(
            argument,
            format!(
                "must be sorted in increasing order (NaN last), but element {} is smaller than element {i}",
                i + 1
            ),
        )),
    }
}

/// numpy's `searchsorted`: where `v` would be inserted into the sorted
/// `keys` to keep them sorted, before equal elements (`right` false) or
/// after them.
pub(crate) fn insertion<T: Ordered>(keys: &[u64], v: T, right: bool) -> usize {
    let key = v.order_key();
    if right {
        keys.partition_point(|&k| k <= key)
    } else {
        keys.partition_point(|&k| k < key)
    }
}

/// The bins of numpy's `digitize`: increasing or decreasing (not strictly),
/// without NaN.
pub(crate) struct Bins {
    /// The edges' keys in increasing order.
    keys: Vec<u64>,
    decreasing: bool,
}

impl Bins {
    pub fn new<T: Ordered>(bins: &[T]) -> Result<Bins> {
        if let Some(i) = bins.iter().position(|&v| is_nan(v)) {
            return Err(Error::invalid(
                "bins",
                format!("must not hold NaN, but element {i} is NaN"),
            ));
        }
        let mut keys: Vec<u64> = bins.iter().map(|v| v.order_key()).collect();
        let increasing = keys.windows(2).all(|w| w[0] <= w[1]);
        let decreasing = !increasing && keys.windows(2).all(|w| w[0] >= w[1]);
        if !increasing && !decreasing {
            return Err(Error::invalid(
                "bins",
                "must be monotonically increasing or decreasing",
            ));
        }
        if decreasing {
            keys.reverse();
        }
        Ok(Bins { keys, decreasing })
    }

    /// The index of the bin `v` falls in, as numpy's `digitize(v, bins,
    /// right)`: `bins[i-1] <= v < bins[i]` for increasing bins (`<` and
    /// `<=` swapped when `right`), mirrored for decreasing ones.
    pub fn index<T: Ordered>(&self, v: T, right: bool) -> usize {
        if self.decreasing {
            self.keys.len() - insertion(&self.keys, v, !right)
        } else {
            insertion(&self.keys, v, !right)
        }
    }
}
