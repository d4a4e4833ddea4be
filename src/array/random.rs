//! Reproducible random arrays.
//!
//! The value of every element is a function of the seed, the array's draw
//! number and the element's index only, never of the chunking, the slicing,
//! the thread count or the scheduler: the same array cut into other blocks,
//! or a slice of it, has the same values, and `x.slice(s![..10, ..10])` of a
//! 100000² random array draws 100 values.
//!
//! # How the values are defined
//! Element `i` (its index in C order over the whole array) of the `d`-th
//! array drawn from `Rng::seed(s)` (`d = 0, 1, ...` in the order of the
//! calls) owns a sequence of random words made by Philox4x32-10 (Salmon et
//! al., SC 2011; passes TestU01's BigCrush) under the key
//! `[s mod 2^32, s div 2^32]`, where `B(j, k)` is the block (four 32-bit
//! words `w0..w3`) of counter `[j mod 2^32, j div 2^32, k, d]`:
//!
//! ```text
//! first 64-bit word:  w0 | w1 << 32 of B(i div 2, 0) for even i,  w2 | w3 << 32 for odd i
//! then:               the words of B(i, 1), B(i, 2), ... in order
//! ```
//!
//! A 64-bit draw is an aligned pair of words, low first (an odd word left
//! before it is skipped). The element is sampled from its own sequence
//! alone, by these methods (`rand_distr` 0.6's samplers, whose algorithms
//! its version fixes):
//! - `standard_normal`: the ziggurat of Marsaglia and Tsang with 256 layers
//!   (the tables of `rand_distr`; [`StandardNormal`] has the method);
//!   `normal(m, s)` is `m + s * standard_normal`;
//! - `uniform(low, high)` and `integers(low, high)`: `rand` 0.10's
//!   `Uniform::new(low, high)` on the sequence;
//! - `exponential(scale)`: `scale * E`, `E` of `rand_distr`'s `Exp1` (a
//!   ziggurat); `pareto(a)`: numpy's `expm1(E / a)`;
//! - `gamma(shape, scale)`, `beta(a, b)`, `chisquare(df)`, `standard_t(df)`,
//!   `lognormal(mean, sigma)`, `standard_cauchy()`, `weibull(a)`:
//!   `Gamma::new(shape, scale)` (Marsaglia and Tsang's method),
//!   `Beta::new(a, b)` (Cheng's), `ChiSquared::new(df)`,
//!   `StudentT::new(df)`, `LogNormal::new(mean, sigma)`,
//!   `Cauchy::new(0, 1)`, `Weibull::new(1, a)`;
//! - `laplace(loc, scale)` and `logistic(loc, scale)`: numpy's inverse CDFs
//!   of one `u` of `rand`'s `Open01`;
//! - `poisson(lam)`, `binomial(n, p)`, `geometric(p)`: `Poisson::new(lam)`,
//!   `Binomial::new(n, p)`, `Geometric::new(p)` plus 1 (numpy counts the
//!   trials, `rand_distr` the failures), as `i64`;
//! - `choice(n, ..)` with replacement: `Uniform::new(0, n)`, or with
//!   probabilities `p` numpy's inverse CDF, the first index whose
//!   cumulative probability exceeds a `u` of `rand`'s `StandardUniform`.
//!
//! Choosing without replacement, and `permutation(n)`, cannot be decided
//! element by element: they run an exponential race. Item `j` of `0..n`
//! gets the key `E_j / p_j` (`p_j = 1` without probabilities), `E_j` the
//! `Exp1` sample of element `j` of the draw's sequences as above; the items
//! in increasing order of key (ties to the lower index) are the choices,
//! first to last, which is weighted sampling without replacement in
//! distribution (Efraimidis and Spirakis, 2006) and, with equal weights, a
//! uniform permutation: `permutation(n)` is the argsort of
//! `exponential(1.0, n)` of the same draw. The race runs in one task (its
//! keys drawn in parallel) once per compute that reads any block of the
//! array, and its result is cut into the blocks. It takes time O(n) and
//! holds 16 bytes per item still in the running: for a permutation all of
//! them (160 MB for ten million), for `k` chosen the `k` smallest keys of
//! each piece of 65536 items (2.4 MB to choose 10 of 10^9).
//!
//! Another implementation of Philox (Random123, numpy's `randomgen`) gives
//! the same words; the tests pin golden values.

mod choice;
mod distributions;

use super::ChunkedArray;
use crate::chunks::ChunkSpec;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::kernel::random::{RandomKernel, SampleElement, Sequence};
use crate::kernel::ziggurat::ScaledNormal;
pub use crate::kernel::ziggurat::StandardNormal;
use ndarray::{Dimension, IntoDimension};
use num_traits::{Float, PrimInt};
use rand::distr::uniform::SampleUniform;
use rand::distr::Uniform;
use std::fmt::Debug;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, Ordering};

/// A seeded source of random chunked arrays (numpy's `default_rng(seed)`).
///
/// Each call draws a new, independent array: calling `standard_normal`
/// twice gives two different arrays, and the same sequence of calls on
/// `Rng::seed(s)` gives the same arrays every time.
///
/// ```
/// use ndchunk::random::Rng;
/// let rng = Rng::seed(42);
/// let x = rng.standard_normal((1000, 1000), (500, 500))?;
/// let y = rng.standard_normal((1000, 1000), (500, 500))?;
/// let (x1, x2) = (x.compute()?, x.compute()?);
/// assert_eq!(x1, x2);                     // one array, always the same values
/// assert_ne!(x1, y.compute()?);           // the next draw differs
/// assert_eq!(Rng::seed(42).standard_normal((1000, 1000), (500, 500))?.compute()?, x1);
/// # Ok::<(), ndchunk::Error>(())
/// ```
#[derive(Debug)]
pub struct Rng {
    seed: u64,
    draws: AtomicU64,
}

impl Rng {
    /// A generator for `seed`.
    pub fn seed(seed: u64) -> Rng {
        Rng {
            seed,
            draws: AtomicU64::new(0),
        }
    }

    fn draw<T, D, Sh>(
        &self,
        shape: Sh,
        chunks: impl Into<ChunkSpec>,
        dist: D,
        what: String,
    ) -> Result<ChunkedArray<T, Sh::Dim>>
    where
        T: Element,
        D: SampleElement<T>,
        Sh: IntoDimension,
    {
        let shape = shape.into_dimension().slice().to_vec();
        let chunks = chunks.into().resolve(&shape, std::mem::size_of::<T>())?;
        let draw = self.next_draw()?;
        let kernel = RandomKernel {
            dist,
            seed: self.seed,
            draw,
            shape: shape.clone(),
            label: format!("random.{what}(seed={}, draw={draw})", self.seed),
            _elem: PhantomData,
        };
        Ok(ChunkedArray::from_source(shape, chunks, kernel))
    }

    /// The number of the next array drawn.
    fn next_draw(&self) -> Result<u32> {
        let stream = self.draws.fetch_add(1, Ordering::Relaxed);
        u32::try_from(stream).map_err(|_| {
            Error::invalid(
                "rng",
                format!("draw {stream} is past the 2^32 draws one seed holds: use another seed"),
            )
        })
    }

    /// Samples of the standard normal distribution N(0, 1).
    ///
    /// ```
    /// use ndchunk::random::Rng;
    /// let x = Rng::seed(0).standard_normal((2000, 500), (500, 500))?;
    /// let (m, s) = ndchunk::compute((&x.mean(), &x.std(0.0)))?;
    /// assert!(m.into_scalar().abs() < 0.01 && (s.into_scalar() - 1.0).abs() < 0.01);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn standard_normal<Sh: IntoDimension>(
        &self,
        shape: Sh,
        chunks: impl Into<ChunkSpec>,
    ) -> Result<ChunkedArray<f64, Sh::Dim>> {
        self.draw(shape, chunks, StandardNormal, "standard_normal".into())
    }

    /// Samples of the normal distribution with `mean` and standard deviation `std`.
    ///
    /// ```
    /// use ndchunk::random::Rng;
    /// let x = Rng::seed(0).normal(10.0, 2.0, 100_000, 10_000)?;
    /// assert!((x.mean().compute()?.into_scalar() - 10.0).abs() < 0.05);
    /// assert!(Rng::seed(0).normal(0.0, -1.0, 10, 5).is_err());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn normal<Sh: IntoDimension>(
        &self,
        mean: f64,
        std: f64,
        shape: Sh,
        chunks: impl Into<ChunkSpec>,
    ) -> Result<ChunkedArray<f64, Sh::Dim>> {
        finite("mean", mean)?;
        non_negative("std", std)?;
        let dist = ScaledNormal { mean, std };
        self.draw(shape, chunks, dist, format!("normal({mean}, {std})"))
    }

    /// Uniform samples of the half-open interval `[low, high)` of floats.
    ///
    /// ```
    /// use ndchunk::random::Rng;
    /// let x = Rng::seed(0).uniform(-1.0_f32, 1.0, (100, 100), (50, 50))?;
    /// let (lo, hi) = ndchunk::compute((&x.min(), &x.max()))?;
    /// assert!(lo.into_scalar() >= -1.0 && hi.into_scalar() < 1.0);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn uniform<T, Sh>(
        &self,
        low: T,
        high: T,
        shape: Sh,
        chunks: impl Into<ChunkSpec>,
    ) -> Result<ChunkedArray<T, Sh::Dim>>
    where
        T: Float + SampleUniform + Element + Debug,
        T::Sampler: Clone + Send + Sync + 'static,
        Sh: IntoDimension,
    {
        let dist = uniform_between(low, high)?;
        let label = format!("uniform({low:?}, {high:?})");
        self.draw(shape, chunks, Sequence(dist), label)
    }

    /// Uniform integers of the half-open range `[low, high)`.
    ///
    /// ```
    /// use ndchunk::random::Rng;
    /// let dice = Rng::seed(0).integers(1_u8, 7, 60_000, 10_000)?;
    /// let (lo, hi) = ndchunk::compute((&dice.min(), &dice.max()))?;
    /// assert_eq!((lo.into_scalar(), hi.into_scalar()), (1, 6));
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn integers<T, Sh>(
        &self,
        low: T,
        high: T,
        shape: Sh,
        chunks: impl Into<ChunkSpec>,
    ) -> Result<ChunkedArray<T, Sh::Dim>>
    where
        T: PrimInt + SampleUniform + Element + Debug,
        T::Sampler: Clone + Send + Sync + 'static,
        Sh: IntoDimension,
    {
        let dist = uniform_between(low, high)?;
        let label = format!("integers({low:?}, {high:?})");
        self.draw(shape, chunks, Sequence(dist), label)
    }
}

/// The uniform distribution on `[low, high)`, or an error naming both bounds.
fn uniform_between<T: SampleUniform + PartialOrd + Debug + Copy>(
    low: T,
    high: T,
) -> Result<Uniform<T>> {
    let bad = |why: String| {
        Error::invalid(
            "low, high",
            format!("expected finite low < high, got low = {low:?}, high = {high:?}{why}"),
        )
    };
    if low.partial_cmp(&high) != Some(std::cmp::Ordering::Less) {
        return Err(bad(String::new()));
    }
    Uniform::new(low, high).map_err(|e| bad(format!(" ({e})")))
}

/// `value` of parameter `argument` when `ok`, else an error saying what was
/// `expected`.
fn check(argument: &'static str, value: f64, ok: bool, expected: &str) -> Result<f64> {
    if ok {
        Ok(value)
    } else {
        Err(Error::invalid(
            argument,
            format!("expected {expected}, got {value}"),
        ))
    }
}

/// A parameter that must be finite and positive.
fn positive(argument: &'static str, value: f64) -> Result<f64> {
    check(
        argument,
        value,
        value.is_finite() && value > 0.0,
        "a finite number > 0",
    )
}

/// A parameter that must be finite and not negative.
fn non_negative(argument: &'static str, value: f64) -> Result<f64> {
    check(
        argument,
        value,
        value.is_finite() && value >= 0.0,
        "a finite number >= 0",
    )
}

/// A parameter that must be finite.
fn finite(argument: &'static str, value: f64) -> Result<f64> {
    check(argument, value, value.is_finite(), "a finite number")
}

/// A `rand_distr` distribution of parameters already checked: should it
/// still refuse them, an error naming `argument`, not a panic.
fn made<D, E: std::fmt::Display>(
    argument: &'static str,
    made: std::result::Result<D, E>,
) -> Result<D> {
    made.map_err(|e| Error::invalid(argument, e.to_string()))
}
