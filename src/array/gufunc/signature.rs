//! numpy's generalized-ufunc signatures: `(i,j),(j)->(i)`, one list of
//! core dimension names per input and per output, `()` for none.

use crate::error::{Error, Result};

/// A core dimension name and its position in the signature.
pub(super) type Dim = (usize, String);

/// The core dimension names of every input and output.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Signature {
    pub inputs: Vec<Vec<Dim>>,
    pub outputs: Vec<Vec<Dim>>,
}

fn bad(at: usize, reason: impl std::fmt::Display) -> Error {
    Error::invalid("signature", format!("at position {at}: {reason}"))
}

/// A cursor over the characters of a signature, whitespace skipped.
struct Cursor {
    chars: Vec<(usize, char)>,
    next: usize,
    /// Where the text ends, for errors at the end.
    end: usize,
}

impl Cursor {
    fn peek(&self) -> Option<(usize, char)> {
        self.chars.get(self.next).copied()
    }

    fn eat(&mut self, c: char) -> bool {
        let found = self.peek().is_some_and(|(_, d)| d == c);
        self.next += usize::from(found);
        found
    }

    fn expect(&mut self, c: char, what: &str) -> Result<()> {
        if self.eat(c) {
            return Ok(());
        }
        Err(match self.peek() {
            Some((at, d)) => bad(at, format!("expected {what}, found '{d}'")),
            None => bad(self.end, format!("expected {what}, found the end")),
        })
    }

    /// A dimension name: a letter or `_`, then letters, digits and `_`.
    fn name(&mut self) -> Result<Dim> {
        let at = self.peek().map_or(self.end, |(at, _)| at);
        let mut name = String::new();
        while let Some((at, c)) = self.peek() {
            let fits =
                c == '_' || c.is_ascii_alphabetic() || (!name.is_empty() && c.is_ascii_digit());
            if !fits {
                if name.is_empty() {
                    return Err(bad(at, format!("expected a dimension name, found '{c}'")));
                }
                break;
            }
            name.push(c);
            self.next += 1;
        }
        if name.is_empty() {
            return Err(bad(self.end, "expected a dimension name, found the end"));
        }
        Ok((at, name))
    }

    /// `(name, name, ...)`.
    fn core(&mut self) -> Result<Vec<Dim>> {
        self.expect('(', "'('")?;
        let mut names = vec![];
        if self.eat(')') {
            return Ok(names);
        }
        loop {
            names.push(self.name()?);
            if self.eat(')') {
                return Ok(names);
            }
            self.expect(',', "',' or ')'")?;
        }
    }

    /// `core, core, ...`.
    fn list(&mut self) -> Result<Vec<Vec<Dim>>> {
        let mut cores = vec![self.core()?];
        while self.eat(',') {
            cores.push(self.core()?);
        }
        Ok(cores)
    }
}

/// Parse `signature`.
pub(super) fn parse(signature: &str) -> Result<Signature> {
    let chars: Vec<(usize, char)> = signature
        .chars()
        .enumerate()
        .filter(|(_, c)| !c.is_whitespace())
        .collect();
    let mut cursor = Cursor {
        chars,
        next: 0,
        end: signature.chars().count(),
    };
    let inputs = cursor.list()?;
    cursor.expect('-', "'->'")?;
    cursor.expect('>', "'->'")?;
    let outputs = cursor.list()?;
    if let Some((at, c)) = cursor.peek() {
        return Err(bad(at, format!("unexpected '{c}' after the outputs")));
    }
    Ok(Signature { inputs, outputs })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_numpy_signatures() {
        let s = parse("(m, n),(n)->(m)").unwrap();
        let dim = |at: usize, name: &str| (at, name.to_string());
        assert_eq!(
            s.inputs,
            vec![vec![dim(1, "m"), dim(4, "n")], vec![dim(8, "n")]]
        );
        assert_eq!(s.outputs, vec![vec![dim(13, "m")]]);
        let s = parse("(i),(i)->()").unwrap();
        assert_eq!(s.outputs, vec![vec![]]);
    }

    #[test]
    fn errors_name_the_position() {
        for (signature, at) in [
            ("(i),(i)>()", 7),
            ("(i,)->()", 3),
            ("(i)->(i", 7),
            ("(i)->()x", 7),
            ("(1)->()", 1),
        ] {
            let e = parse(signature).unwrap_err().to_string();
            assert!(e.contains(&format!("position {at}")), "{signature}: {e}");
        }
    }
}
