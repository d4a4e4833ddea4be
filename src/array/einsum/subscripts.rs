//! numpy's einsum subscripts, parsed: one list of labels per operand and
//! the output's, with `...` expanded to labels of its own and the implicit
//! output (labels used once, in ASCII order) made explicit.

use crate::error::{Error, Result};

/// An axis label: a letter, or one of the axes `...` stands for (the
/// `k`-th from the right is `ELLIPSIS + k`, a private-use code point no
/// subscript can spell).
pub(super) type Label = char;

const ELLIPSIS: u32 = 0xE000;

/// The labels of every operand and of the output.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Subscripts {
    pub inputs: Vec<Vec<Label>>,
    pub output: Vec<Label>,
}

/// The error of `subscripts` at character `at` (counted from 0).
fn bad(at: usize, reason: impl std::fmt::Display) -> Error {
    Error::invalid("subscripts", format!("at position {at}: {reason}"))
}

/// One term: its letters, and where `...` stands among them.
struct Term {
    letters: Vec<(usize, char)>,
    ellipsis: Option<usize>,
}

/// Split one term (characters with their positions in the subscripts).
fn term(chars: &[(usize, char)]) -> Result<Term> {
    let mut term = Term {
        letters: vec![],
        ellipsis: None,
    };
    let mut k = 0;
    while k < chars.len() {
        let (at, c) = chars[k];
        match c {
            'a'..='z' | 'A'..='Z' => term.letters.push((at, c)),
            '.' => {
                let dots = chars[k..].iter().take(3).filter(|(_, c)| *c == '.').count();
                if dots != 3 {
                    return Err(bad(at, "a '.' that is not part of '...'"));
                }
                if term.ellipsis.is_some() {
                    return Err(bad(at, "a second '...' in one term"));
                }
                term.ellipsis = Some(term.letters.len());
                k += 2;
            }
            _ => {
                return Err(bad(
                    at,
                    format!(
                    "unexpected character '{c}' (expected a letter a-z, A-Z, '...', ',' or '->')"
                ),
                ))
            }
        }
        k += 1;
    }
    Ok(term)
}

/// The labels of a term on an operand of `ndim` axes (`operand` names it
/// in errors).
fn expand(term: &Term, ndim: usize, operand: usize) -> Result<Vec<Label>> {
    let letters = term.letters.iter().map(|&(_, c)| c);
    match term.ellipsis {
        None if term.letters.len() != ndim => Err(Error::invalid(
            "operands",
            format!(
                "operand {operand} has {ndim} dimensions but its subscripts name {}",
                term.letters.len()
            ),
        )),
        None => Ok(letters.collect()),
        Some(at) => {
            let broadcast = ndim.checked_sub(term.letters.len()).ok_or_else(|| {
                Error::invalid(
                    "operands",
                    format!(
                        "operand {operand} has {ndim} dimensions, fewer than the {} letters of its subscripts",
                        term.letters.len()
                    ),
                )
            })?;
            let mut labels: Vec<Label> = letters.collect();
            let dots = (0..broadcast).rev().map(ellipsis_label);
            labels.splice(at..at, dots);
            Ok(labels)
        }
    }
}

fn ellipsis_label(k: usize) -> Label {
    // Fewer axes than `u32` can count, and the range 0xE000.. is valid.
    char::from_u32(ELLIPSIS + k as u32).expect("a private-use code point")
}

/// Parse `subscripts` for operands of `ndims` dimensions.
pub(super) fn parse(subscripts: &str, ndims: &[usize]) -> Result<Subscripts> {
    let chars: Vec<(usize, char)> = subscripts
        .chars()
        .enumerate()
        .filter(|(_, c)| !c.is_whitespace())
        .collect();
    let arrow = chars
        .windows(2)
        .position(|w| w[0].1 == '-' && w[1].1 == '>');
    let (lhs, rhs) = match arrow {
        Some(k) => (&chars[..k], Some(&chars[k + 2..])),
        None => (&chars[..], None),
    };
    if let Some(&(at, c)) = lhs
        .iter()
        .chain(rhs.unwrap_or(&[]))
        .find(|(_, c)| matches!(c, '-' | '>'))
    {
        return Err(bad(at, format!("a '{c}' that is not part of one '->'")));
    }
    let terms = lhs
        .split(|(_, c)| *c == ',')
        .map(term)
        .collect::<Result<Vec<_>>>()?;
    if terms.len() != ndims.len() {
        return Err(Error::invalid(
            "operands",
            format!(
                "the subscripts have {} terms for {} operands",
                terms.len(),
                ndims.len()
            ),
        ));
    }
    let inputs = terms
        .iter()
        .zip(ndims)
        .enumerate()
        .map(|(k, (t, &n))| expand(t, n, k))
        .collect::<Result<Vec<_>>>()?;
    let broadcast = inputs
        .iter()
        .map(|labels| labels.iter().filter(|&&c| is_ellipsis(c)).count())
        .max()
        .unwrap_or(0);
    let output = match rhs {
        Some(rhs) => explicit(rhs, &terms, broadcast)?,
        None => implicit(&inputs, broadcast),
    };
    Ok(Subscripts { inputs, output })
}

fn is_ellipsis(c: Label) -> bool {
    c as u32 >= ELLIPSIS
}

/// The output named after `->`: letters used by some operand, each once.
fn explicit(rhs: &[(usize, char)], terms: &[Term], broadcast: usize) -> Result<Vec<Label>> {
    if let Some(&(at, _)) = rhs.iter().find(|(_, c)| *c == ',') {
        return Err(bad(at, "a ',' in the output"));
    }
    let out = term(rhs)?;
    for (k, &(at, c)) in out.letters.iter().enumerate() {
        if out.letters[..k].iter().any(|&(_, d)| d == c) {
            return Err(bad(at, format!("'{c}' appears twice in the output")));
        }
        if !terms.iter().any(|t| t.letters.iter().any(|&(_, d)| d == c)) {
            return Err(bad(at, format!("output letter '{c}' is in no operand")));
        }
    }
    if out.ellipsis.is_none() && broadcast > 0 {
        let at = rhs.first().map_or(0, |&(at, _)| at);
        return Err(bad(
            at,
            "the operands have axes under '...' but the output has no '...' to keep them",
        ));
    }
    let mut labels: Vec<Label> = out.letters.iter().map(|&(_, c)| c).collect();
    if let Some(at) = out.ellipsis {
        labels.splice(at..at, (0..broadcast).rev().map(ellipsis_label));
    }
    Ok(labels)
}

/// numpy's implicit output: the axes of `...`, then the letters used once,
/// in ASCII order (upper case first).
fn implicit(inputs: &[Vec<Label>], broadcast: usize) -> Vec<Label> {
    let all: Vec<Label> = inputs.iter().flatten().copied().collect();
    let mut once: Vec<Label> = all
        .iter()
        .copied()
        .filter(|&c| !is_ellipsis(c) && all.iter().filter(|&&d| d == c).count() == 1)
        .collect();
    once.sort_unstable();
    (0..broadcast)
        .rev()
        .map(ellipsis_label)
        .chain(once)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn implicit_output_is_letters_used_once_in_ascii_order() {
        let s = parse("ij,jk", &[2, 2]).unwrap();
        assert_eq!(s.output, vec!['i', 'k']);
        assert_eq!(parse("ii", &[2]).unwrap().output, vec![]);
        assert_eq!(parse("Ba", &[2]).unwrap().output, vec!['B', 'a']);
    }

    #[test]
    fn ellipsis_stands_for_the_leading_axes() {
        let s = parse("...ij,j->...i", &[4, 1]).unwrap();
        let (e1, e0) = (ellipsis_label(1), ellipsis_label(0));
        assert_eq!(s.inputs[0], vec![e1, e0, 'i', 'j']);
        assert_eq!(s.output, vec![e1, e0, 'i']);
    }

    #[test]
    fn errors_name_the_position() {
        let e = parse("ij,j%->i", &[2, 2]).unwrap_err().to_string();
        assert!(e.contains("position 4") && e.contains('%'), "{e}");
        let e = parse("ij->ii", &[2]).unwrap_err().to_string();
        assert!(e.contains("position 5"), "{e}");
        let e = parse("ij->k", &[2]).unwrap_err().to_string();
        assert!(e.contains("position 4"), "{e}");
        let e = parse("i..j", &[2]).unwrap_err().to_string();
        assert!(e.contains("position 1"), "{e}");
        assert!(parse("ij", &[3]).is_err());
        assert!(parse("ij,jk", &[2]).is_err());
        assert!(parse("...i->i", &[2]).is_err());
    }
}
