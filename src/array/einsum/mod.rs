//! `einsum`: numpy's Einstein summation, planned from the existing nodes.
//!
//! Each operand first loses its repeated labels (`diagonal`), is widened to
//! the sum type, has its length-1 axes broadcast to the other operands'
//! lengths, and sums the labels nobody else uses (`sum_axis`). Operands are
//! then contracted pairwise from left to right (numpy's order without
//! `optimize`): a pair sharing only labels that disappear is one
//! `tensordot` (the gemm block kernel, exactly the plan of `dot`); a pair
//! sharing a label both keep (a batch axis, as in `...ij,...jk->...ik`) is
//! an elementwise product of the two broadcast operands fused into the
//! `sum_axis` of the contracted labels. A final transpose orders the axes.

mod subscripts;

use self::subscripts::{parse, Label};
use super::linalg::tensordot;
use super::ChunkedArray;
use crate::element::{Accumulate, Accumulator, Element};
use crate::error::{Error, Result};
use ndarray::{Axis, IxDyn, LinalgScalar};
use std::any::Any;

/// An operand on its way through the plan, with one label per axis.
struct Term<S> {
    array: ChunkedArray<S, IxDyn>,
    labels: Vec<Label>,
}

/// numpy's `einsum`: the sum over the repeated labels of the products of
/// the operands' elements, e.g. `einsum("ij,jk->ik", &[&a, &b])` is the
/// matrix product and `einsum("ii", &[&a])` the trace.
///
/// The subscripts follow numpy: one comma-separated term per operand, each
/// a letter (`a-z`, `A-Z`) per axis; an explicit output after `->`, or the
/// implicit one (the letters used once, in ASCII order, upper case first);
/// a letter repeated in one term takes the diagonal (`ii->i`); letters
/// missing from the output are summed; `...` stands for the axes not named,
/// broadcast between operands by numpy's rules (aligned on the right,
/// length 1 stretched), and so are axes of length 1 under a letter.
/// Whitespace is ignored.
///
/// Operands have a dynamic number of axes: pass arrays of fixed dimension
/// with [`into_dyn`](ChunkedArray::into_dyn). Operands are contracted
/// pairwise from left to right, as numpy without `optimize`; a contraction
/// that keeps no shared label is a [`tensordot`](crate::tensordot), so
/// `einsum("ij,jk->ik")` runs the very tasks of [`dot`](ChunkedArray::dot).
/// The result is in the element's sum type as `tensordot`'s (`i64` for
/// `i32` operands), integer sums checked: an overflow is an error from
/// `compute`. Every step is blocked; nothing is gathered.
///
/// Malformed subscripts are an [`Error::InvalidArgument`] naming the
/// position and character; a term that does not match its operand's number
/// of axes, or a label of different lengths (neither 1), an error naming
/// the operand. Errors are reported by `compute`.
///
/// ```
/// use ndchunk::prelude::*;
/// let a = ChunkedArray::from_array(array![[1.0, 2.0], [3.0, 4.0]], (1, 2))?.into_dyn();
/// let b = ChunkedArray::from_array(array![[5.0, 6.0], [7.0, 8.0]], (2, 1))?.into_dyn();
/// let product = ndchunk::einsum("ij,jk->ik", &[&a, &b]);
/// assert_eq!(product.compute()?, array![[19.0, 22.0], [43.0, 50.0]].into_dyn());
/// assert_eq!(ndchunk::einsum("ii", &[&a]).compute()?[[]], 5.0);
/// assert_eq!(ndchunk::einsum("ii->i", &[&a]).compute()?, array![1.0, 4.0].into_dyn());
/// assert_eq!(ndchunk::einsum("ij->ji", &[&a]).compute()?, array![[1.0, 3.0], [2.0, 4.0]].into_dyn());
/// let bad = ndchunk::einsum("ij,j?->i", &[&a, &b]).compute().unwrap_err();
/// assert!(bad.to_string().contains("position 4"), "{bad}");
/// # Ok::<(), ndchunk::Error>(())
/// ```
pub fn einsum<T>(
    subscripts: &str,
    operands: &[&ChunkedArray<T, IxDyn>],
) -> ChunkedArray<T::Sum, IxDyn>
where
    T: Element + LinalgScalar + Accumulate,
    T::Sum: LinalgScalar,
{
    plan(subscripts, operands).unwrap_or_else(|error| {
        let inputs = operands.iter().map(|x| x.node.clone()).collect();
        ChunkedArray::invalid(vec![], error, inputs)
    })
}

fn plan<T>(
    subscripts: &str,
    operands: &[&ChunkedArray<T, IxDyn>],
) -> Result<ChunkedArray<T::Sum, IxDyn>>
where
    T: Element + LinalgScalar + Accumulate,
    T::Sum: LinalgScalar,
{
    if operands.is_empty() {
        return Err(Error::invalid(
            "operands",
            "einsum needs at least one operand",
        ));
    }
    let ndims: Vec<usize> = operands.iter().map(|x| x.ndim()).collect();
    let spec = parse(subscripts, &ndims)?;
    let mut terms = Vec::with_capacity(operands.len());
    for (k, (x, labels)) in operands.iter().zip(&spec.inputs).enumerate() {
        let (array, labels) = diagonals((*x).clone(), labels.clone(), k)?;
        terms.push(Term {
            array: widen(array),
            labels,
        });
    }
    let lengths = label_lengths(&terms)?;
    let terms: Vec<Term<T::Sum>> = (0..terms.len())
        .map(|k| {
            let others: Vec<Label> = terms
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != k)
                .flat_map(|(_, t)| t.labels.iter().copied())
                .chain(spec.output.iter().copied())
                .collect();
            let term = broadcast(&terms[k], &lengths);
            sum_labels(term, |c| !others.contains(&c))
        })
        .collect();
    let mut terms = terms.into_iter();
    let mut acc = terms.next().expect("at least one operand");
    let rest: Vec<Term<T::Sum>> = terms.collect();
    for (k, next) in rest.iter().enumerate() {
        let keep: Vec<Label> = rest[k + 1..]
            .iter()
            .flat_map(|t| t.labels.iter().copied())
            .chain(spec.output.iter().copied())
            .collect();
        acc = contract(&acc, next, &keep);
    }
    let order: Vec<usize> = spec
        .output
        .iter()
        .map(|c| acc.labels.iter().position(|d| d == c))
        .collect::<Option<_>>()
        .ok_or_else(|| Error::internal("einsum output label lost"))?;
    Ok(acc.array.permuted_axes(IxDyn(&order)))
}

/// The operand with every repeated label replaced by the diagonal of its
/// axes (moved last, as `diagonal` does); `k` numbers the operand.
fn diagonals<T: Element>(
    mut array: ChunkedArray<T, IxDyn>,
    mut labels: Vec<Label>,
    k: usize,
) -> Result<(ChunkedArray<T, IxDyn>, Vec<Label>)> {
    while let Some((p, q)) = (0..labels.len())
        .flat_map(|p| (p + 1..labels.len()).map(move |q| (p, q)))
        .find(|&(p, q)| labels[p] == labels[q])
    {
        let (n, m) = (array.shape()[p], array.shape()[q]);
        if n != m {
            return Err(Error::invalid(
                "operands",
                format!(
                    "operand {k} repeats a label on axes {p} and {q} of lengths {n} and {m}: a diagonal needs equal lengths"
                ),
            ));
        }
        array = array.diagonal(0, p, q)?;
        let c = labels.remove(q);
        labels.remove(p);
        labels.push(c);
    }
    Ok((array, labels))
}

/// The array in its sum type: the same array when that is its type.
fn widen<T: Accumulate>(array: ChunkedArray<T, IxDyn>) -> ChunkedArray<T::Sum, IxDyn> {
    let any: &dyn Any = &array;
    if let Some(same) = any.downcast_ref::<ChunkedArray<T::Sum, IxDyn>>() {
        return same.clone();
    }
    let label = format!("cast<{}>", std::any::type_name::<T::Sum>());
    array.unary(label.clone(), Some(label), T::to_sum)
}

/// The length of every label: equal in every operand, or 1 where it is
/// broadcast.
fn label_lengths<S>(terms: &[Term<S>]) -> Result<Vec<(Label, usize)>>
where
    S: Element,
{
    let mut lengths: Vec<(Label, usize, usize)> = vec![];
    for (k, term) in terms.iter().enumerate() {
        for (&c, &n) in term.labels.iter().zip(term.array.shape()) {
            match lengths.iter_mut().find(|(d, _, _)| *d == c) {
                None => lengths.push((c, n, k)),
                Some((_, m, j)) if *m != n && *m != 1 && n != 1 => {
                    return Err(Error::invalid(
                        "operands",
                        format!(
                            "{} has length {m} in operand {j} and {n} in operand {k}",
                            describe(c)
                        ),
                    ))
                }
                Some((_, m, j)) if *m == 1 => (*m, *j) = (n, k),
                Some(_) => {}
            }
        }
    }
    Ok(lengths.into_iter().map(|(c, n, _)| (c, n)).collect())
}

/// A label as a user wrote it.
fn describe(c: Label) -> String {
    if c.is_ascii_alphabetic() {
        format!("label '{c}'")
    } else {
        "an axis under '...'".into()
    }
}

/// The term with its length-1 axes stretched to their label's length.
fn broadcast<S: Element>(term: &Term<S>, lengths: &[(Label, usize)]) -> Term<S> {
    let shape: Vec<usize> = term
        .labels
        .iter()
        .map(|c| lengths.iter().find(|(d, _)| d == c).map_or(1, |&(_, n)| n))
        .collect();
    Term {
        array: term.array.broadcast(IxDyn(&shape)),
        labels: term.labels.clone(),
    }
}

/// The term summed over the labels `gone` says are not needed any more.
fn sum_labels<S: Accumulator>(term: Term<S>, gone: impl Fn(Label) -> bool) -> Term<S> {
    let Term {
        mut array,
        mut labels,
    } = term;
    for axis in (0..labels.len()).rev() {
        if gone(labels[axis]) {
            array = array.sum_axis(Axis(axis));
            labels.remove(axis);
        }
    }
    Term { array, labels }
}

/// `a` and `b` contracted over the labels they share that `keep` does not
/// hold.
fn contract<S>(a: &Term<S>, b: &Term<S>, keep: &[Label]) -> Term<S>
where
    S: Accumulator + LinalgScalar,
{
    let shared: Vec<Label> = a
        .labels
        .iter()
        .copied()
        .filter(|c| b.labels.contains(c))
        .collect();
    if shared.iter().all(|c| !keep.contains(c)) {
        let axes_of = |t: &Term<S>| -> Vec<usize> {
            let at = |c: &Label| t.labels.iter().position(|d| d == c);
            shared.iter().filter_map(at).collect()
        };
        let (a_con, b_con) = (axes_of(a), axes_of(b));
        let labels = a.labels.iter().chain(&b.labels);
        return Term {
            array: tensordot(&a.array, &b.array, (&a_con, &b_con)),
            labels: labels.copied().filter(|c| !shared.contains(c)).collect(),
        };
    }
    // A batch label: the product over the union of the labels, each
    // operand aligned on it with length-1 axes, summed as it is made.
    let mut union = a.labels.clone();
    union.extend(b.labels.iter().copied().filter(|c| !a.labels.contains(c)));
    let product = aligned(a, &union).binary(&aligned(b, &union), "einsum", None, |x, y| {
        let (p, overflow) = x.overflowing_mul(y);
        assert!(
            !overflow,
            "integer overflow in `einsum`: cast to a wider type or to f64 first"
        );
        p
    });
    let term = Term {
        array: product,
        labels: union,
    };
    sum_labels(term, |c| shared.contains(&c) && !keep.contains(&c))
}

/// The term's array with its axes in the order of `union`, length 1 where
/// it has no such label.
fn aligned<S: Element>(term: &Term<S>, union: &[Label]) -> ChunkedArray<S, IxDyn> {
    let mine: Vec<usize> = union
        .iter()
        .filter_map(|c| term.labels.iter().position(|d| d == c))
        .collect();
    let mut array = term.array.permuted_axes(IxDyn(&mine));
    for (k, c) in union.iter().enumerate() {
        if !term.labels.contains(c) {
            array = array.insert_axis(Axis(k));
        }
    }
    array
}
