//! The one checked path for sizes: element counts, byte sizes, lists of
//! blocks or tasks, and indices converted for ndarray. Every constructor and
//! operator reaches these functions instead of multiplying or casting on its
//! own, so an overflow is an [`Error::TooLarge`] naming the argument, never a
//! wrapped product, an aborted allocation or a negative index.

use crate::error::{Error, Result};

/// The most elements (and bytes) ndarray can index: `isize::MAX`.
pub(crate) const MAX_ELEMENTS: usize = isize::MAX as usize;

/// The most blocks or tasks ndchunk lists one by one (explicit chunk sizes
/// that are not uniform, the tasks of one graph): a task takes a few hundred
/// bytes of bookkeeping, so this is tens of gigabytes, beyond what fits.
/// A uniform chunking is never listed, so it has no such limit.
pub(crate) const MAX_LISTED: usize = 1 << 26;

/// Number of elements of an array of `shape`, checked as ndarray checks a
/// shape: the product of the non-zero lengths must be at most `isize::MAX`
/// (so every slice and block of it can be made), even when a zero length
/// makes the count 0.
pub(crate) fn elements(argument: &'static str, shape: &[usize]) -> Result<usize> {
    let nonzero = shape
        .iter()
        .filter(|&&n| n != 0)
        .try_fold(1usize, |acc, &n| acc.checked_mul(n));
    match nonzero {
        Some(n) if n <= MAX_ELEMENTS => Ok(if shape.contains(&0) { 0 } else { n }),
        _ => Err(Error::TooLarge {
            argument,
            reason: format!(
                "shape {shape:?} has {} elements (product of its non-zero lengths), \
                 expected at most isize::MAX = {MAX_ELEMENTS}",
                product_text(shape)
            ),
        }),
    }
}

/// Bytes taken by `elements` elements of `itemsize` bytes, at most
/// `isize::MAX` (the most one allocation can hold). `what` says what is
/// measured (an array of some shape, one block), for the message.
pub(crate) fn bytes(
    argument: &'static str,
    what: impl FnOnce() -> String,
    elements: usize,
    itemsize: usize,
) -> Result<usize> {
    match elements.checked_mul(itemsize) {
        Some(n) if n <= MAX_ELEMENTS => Ok(n),
        _ => Err(Error::TooLarge {
            argument,
            reason: format!(
                "{} of {elements} elements of {itemsize} bytes would take {} bytes, \
                 expected at most isize::MAX = {MAX_ELEMENTS}",
                what(),
                elements as u128 * itemsize as u128
            ),
        }),
    }
}

/// Checks an array of `shape` with elements of `itemsize` bytes: its element
/// count and its size in bytes (so its `nbytes`, and every block and slice
/// of it, fit). Returns the element count.
pub(crate) fn array(argument: &'static str, shape: &[usize], itemsize: usize) -> Result<usize> {
    let n = elements(argument, shape)?;
    bytes(
        argument,
        || format!("an array of shape {shape:?}"),
        n,
        itemsize,
    )?;
    Ok(n)
}

/// `n` things (blocks, tasks, bins) listed one by one: at most
/// [`MAX_LISTED`]. `what` names them for the message.
pub(crate) fn listed(argument: &'static str, what: &str, n: usize) -> Result<usize> {
    if n <= MAX_LISTED {
        Ok(n)
    } else {
        Err(Error::TooLarge {
            argument,
            reason: format!(
                "{n} {what} would be listed one by one, expected at most {MAX_LISTED}; \
                 use larger (or uniform) chunks, or compute a slice"
            ),
        })
    }
}

/// A length computed from other arguments (the values of `arange` from
/// its step, the edges of a histogram from its bins), `None` when it does
/// not even fit `usize`: at most `isize::MAX` elements of `itemsize` bytes.
/// `what` describes the computed thing for the message.
pub(crate) fn length(
    argument: &'static str,
    what: impl FnOnce() -> String,
    n: Option<usize>,
    itemsize: usize,
) -> Result<usize> {
    match n {
        Some(n) if n <= MAX_ELEMENTS => bytes(argument, what, n, itemsize).map(|_| n),
        _ => Err(Error::TooLarge {
            argument,
            reason: format!(
                "{} has {} elements, expected at most isize::MAX = {MAX_ELEMENTS}",
                what(),
                n.map_or_else(|| "more than usize::MAX".to_string(), |n| n.to_string())
            ),
        }),
    }
}

/// `i` as an `isize` index for ndarray, or the error saying it does not fit.
pub(crate) fn index(argument: &'static str, i: usize) -> Result<isize> {
    isize::try_from(i).map_err(|_| Error::TooLarge {
        argument,
        reason: format!("index {i} is more than isize::MAX = {MAX_ELEMENTS}"),
    })
}

/// The product of the non-zero `lengths` as text, exact up to `u128`
/// (shapes that overflow `usize` are what the messages above are about).
fn product_text(lengths: &[usize]) -> String {
    lengths
        .iter()
        .filter(|&&n| n != 0)
        .try_fold(1u128, |acc, &n| acc.checked_mul(n as u128))
        .map_or_else(|| "more than 2^128".to_string(), |n| n.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn element_counts_follow_ndarray() {
        assert_eq!(elements("shape", &[3, 4]).unwrap(), 12);
        assert_eq!(elements("shape", &[]).unwrap(), 1);
        assert_eq!(elements("shape", &[0, MAX_ELEMENTS]).unwrap(), 0);
        let e = elements("shape", &[1 << 32, 1 << 32]).unwrap_err();
        assert!(
            matches!(
                e,
                Error::TooLarge {
                    argument: "shape",
                    ..
                }
            ),
            "{e}"
        );
        assert!(e.to_string().contains("18446744073709551616"), "{e}");
        // Zero does not hide an overflowing rest, as in ndarray.
        assert!(elements("shape", &[0, usize::MAX, 2]).is_err());
        assert!(elements("shape", &[MAX_ELEMENTS + 1]).is_err());
    }

    #[test]
    fn bytes_blocks_and_indices_are_checked() {
        assert_eq!(array("shape", &[4, 4], 8).unwrap(), 16);
        let e = array("shape", &[1 << 61], 8).unwrap_err();
        assert!(e.to_string().contains("18446744073709551616 bytes"), "{e}");
        let what = || "arange(0, 1e300, 1e-300)".to_string();
        assert_eq!(length("step", what, Some(7), 8).unwrap(), 7);
        let e = length("step", what, None, 8).unwrap_err();
        assert!(
            e.to_string().contains("more than usize::MAX elements"),
            "{e}"
        );
        assert!(length("step", what, Some(MAX_ELEMENTS), 2).is_err());
        assert_eq!(index("index", 5).unwrap(), 5);
        assert!(index("index", usize::MAX).is_err());
        assert!(listed("chunks", "blocks", MAX_LISTED).is_ok());
        let e = listed("chunks", "blocks", MAX_LISTED + 1).unwrap_err();
        assert!(e.to_string().contains("blocks would be listed"), "{e}");
    }
}
