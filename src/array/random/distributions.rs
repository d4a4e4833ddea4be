//! numpy's distributions on `Rng`: parameters checked, then `rand_distr`'s
//! sampler (or numpy's formula on one) run on each element's sequence.

use super::{check, finite, made, non_negative, positive, Rng};
use crate::array::ChunkedArray;
use crate::chunks::ChunkSpec;
use crate::error::{Error, Result};
use crate::kernel::random::{ElementRng, Sequence, SequenceFn};
use ndarray::IntoDimension;
use rand::distr::{Distribution, Open01};
use rand_distr::{
    Beta, Binomial, Cauchy, ChiSquared, Exp1, Gamma, Geometric, LogNormal, Poisson, StudentT,
    Weibull,
};

/// A count as numpy's `int64`: the largest counts of extreme parameters
/// (beyond 2^63, probability ~0 for any `p` a float holds) saturate.
fn count(k: u64) -> i64 {
    i64::try_from(k).unwrap_or(i64::MAX)
}

/// Arrays of `f64` samples.
type Floats<Sh> = Result<ChunkedArray<f64, <Sh as IntoDimension>::Dim>>;
/// Arrays of counts (numpy's `int64`).
type Counts<Sh> = Result<ChunkedArray<i64, <Sh as IntoDimension>::Dim>>;

impl Rng {
    /// Samples of the exponential distribution of mean `scale` (numpy's
    /// `exponential(scale)`; rate `1 / scale`).
    ///
    /// ```
    /// use ndchunk::random::Rng;
    /// let x = Rng::seed(0).exponential(2.0, 100_000, 25_000)?;
    /// assert!((x.mean().compute()?.into_scalar() - 2.0).abs() < 0.05);
    /// assert!(Rng::seed(0).exponential(-1.0, 10, 5).is_err());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn exponential<Sh: IntoDimension>(
        &self,
        scale: f64,
        shape: Sh,
        chunks: impl Into<ChunkSpec>,
    ) -> Floats<Sh> {
        non_negative("scale", scale)?;
        let dist = SequenceFn(move |r: &mut ElementRng| {
            let e: f64 = Exp1.sample(r);
            scale * e
        });
        self.draw(shape, chunks, dist, format!("exponential({scale})"))
    }

    /// Samples of the gamma distribution of `shape` k and `scale` θ (mean
    /// kθ, variance kθ²; numpy's `gamma(shape, scale)`). The array's shape is
    /// `size`, as numpy names it, since `shape` is taken.
    ///
    /// ```
    /// use ndchunk::random::Rng;
    /// let x = Rng::seed(0).gamma(3.0, 2.0, 100_000, 25_000)?;
    /// assert!((x.mean().compute()?.into_scalar() - 6.0).abs() < 0.1);
    /// assert!(Rng::seed(0).gamma(0.0, 1.0, 10, 5).is_err());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn gamma<Sh: IntoDimension>(
        &self,
        shape: f64,
        scale: f64,
        size: Sh,
        chunks: impl Into<ChunkSpec>,
    ) -> Floats<Sh> {
        let dist = made(
            "shape, scale",
            Gamma::new(positive("shape", shape)?, positive("scale", scale)?),
        )?;
        self.draw(
            size,
            chunks,
            Sequence(dist),
            format!("gamma({shape}, {scale})"),
        )
    }

    /// Samples of the beta distribution of parameters `a` and `b` on `[0, 1]`
    /// (mean `a / (a + b)`).
    ///
    /// ```
    /// use ndchunk::random::Rng;
    /// let x = Rng::seed(0).beta(2.0, 6.0, 100_000, 25_000)?;
    /// assert!((x.mean().compute()?.into_scalar() - 0.25).abs() < 0.01);
    /// assert!(Rng::seed(0).beta(1.0, f64::NAN, 10, 5).is_err());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn beta<Sh: IntoDimension>(
        &self,
        a: f64,
        b: f64,
        shape: Sh,
        chunks: impl Into<ChunkSpec>,
    ) -> Floats<Sh> {
        let dist = made("a, b", Beta::new(positive("a", a)?, positive("b", b)?))?;
        self.draw(shape, chunks, Sequence(dist), format!("beta({a}, {b})"))
    }

    /// Samples of the chi-square distribution with `df` degrees of freedom
    /// (mean `df`, variance `2 df`).
    ///
    /// ```
    /// use ndchunk::random::Rng;
    /// let x = Rng::seed(0).chisquare(4.0, 100_000, 25_000)?;
    /// assert!((x.mean().compute()?.into_scalar() - 4.0).abs() < 0.1);
    /// assert!(Rng::seed(0).chisquare(0.0, 10, 5).is_err());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn chisquare<Sh: IntoDimension>(
        &self,
        df: f64,
        shape: Sh,
        chunks: impl Into<ChunkSpec>,
    ) -> Floats<Sh> {
        let dist = made("df", ChiSquared::new(positive("df", df)?))?;
        self.draw(shape, chunks, Sequence(dist), format!("chisquare({df})"))
    }

    /// Samples of the log-normal distribution: `exp` of normal samples of
    /// `mean` and standard deviation `sigma`.
    ///
    /// ```
    /// use ndchunk::random::Rng;
    /// let x = Rng::seed(0).lognormal(0.0, 0.5, 100_000, 25_000)?;
    /// let median = x.ln().mean().compute()?.into_scalar().exp();
    /// assert!((median - 1.0).abs() < 0.01);
    /// assert!(Rng::seed(0).lognormal(0.0, -1.0, 10, 5).is_err());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn lognormal<Sh: IntoDimension>(
        &self,
        mean: f64,
        sigma: f64,
        shape: Sh,
        chunks: impl Into<ChunkSpec>,
    ) -> Floats<Sh> {
        let dist = made(
            "mean, sigma",
            LogNormal::new(finite("mean", mean)?, non_negative("sigma", sigma)?),
        )?;
        let label = format!("lognormal({mean}, {sigma})");
        self.draw(shape, chunks, Sequence(dist), label)
    }

    /// Samples of Student's t distribution with `df` degrees of freedom.
    ///
    /// ```
    /// use ndchunk::random::Rng;
    /// let x = Rng::seed(0).standard_t(10.0, 100_000, 25_000)?;
    /// assert!(x.mean().compute()?.into_scalar().abs() < 0.02);
    /// assert!(Rng::seed(0).standard_t(-3.0, 10, 5).is_err());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn standard_t<Sh: IntoDimension>(
        &self,
        df: f64,
        shape: Sh,
        chunks: impl Into<ChunkSpec>,
    ) -> Floats<Sh> {
        let dist = made("df", StudentT::new(positive("df", df)?))?;
        self.draw(shape, chunks, Sequence(dist), format!("standard_t({df})"))
    }

    /// Samples of the standard Cauchy distribution (location 0, scale 1:
    /// numpy's `standard_cauchy`; `loc + scale * x` for others).
    ///
    /// ```
    /// use ndchunk::random::Rng;
    /// let x = Rng::seed(0).standard_cauchy(100_000, 25_000)?;
    /// // Half the samples lie in [-1, 1].
    /// let inside = x.abs().le(1.0).count_nonzero().compute()?.into_scalar();
    /// assert!((inside as f64 / 1e5 - 0.5).abs() < 0.01);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn standard_cauchy<Sh: IntoDimension>(
        &self,
        shape: Sh,
        chunks: impl Into<ChunkSpec>,
    ) -> Floats<Sh> {
        let dist = made("cauchy", Cauchy::new(0.0, 1.0))?;
        self.draw(shape, chunks, Sequence(dist), "standard_cauchy".into())
    }

    /// Samples of the Laplace (double exponential) distribution of `loc`
    /// and `scale` (variance `2 scale²`), by inverting its CDF as numpy does.
    ///
    /// ```
    /// use ndchunk::random::Rng;
    /// let x = Rng::seed(0).laplace(1.0, 2.0, 100_000, 25_000)?;
    /// assert!((x.mean().compute()?.into_scalar() - 1.0).abs() < 0.05);
    /// assert!(Rng::seed(0).laplace(0.0, f64::INFINITY, 10, 5).is_err());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn laplace<Sh: IntoDimension>(
        &self,
        loc: f64,
        scale: f64,
        shape: Sh,
        chunks: impl Into<ChunkSpec>,
    ) -> Floats<Sh> {
        finite("loc", loc)?;
        non_negative("scale", scale)?;
        // u in (0, 1), so neither logarithm sees 0.
        let dist = SequenceFn(move |r: &mut ElementRng| {
            let u: f64 = Open01.sample(r);
            if u < 0.5 {
                loc + scale * (2.0 * u).ln()
            } else {
                loc - scale * (2.0 - 2.0 * u).ln()
            }
        });
        self.draw(shape, chunks, dist, format!("laplace({loc}, {scale})"))
    }

    /// Samples of the logistic distribution of `loc` and `scale` (variance
    /// `π² scale² / 3`): `loc + scale * ln(u / (1 - u))` of a uniform `u`.
    ///
    /// ```
    /// use ndchunk::random::Rng;
    /// let x = Rng::seed(0).logistic(3.0, 0.5, 100_000, 25_000)?;
    /// assert!((x.mean().compute()?.into_scalar() - 3.0).abs() < 0.02);
    /// assert!(Rng::seed(0).logistic(f64::NAN, 1.0, 10, 5).is_err());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn logistic<Sh: IntoDimension>(
        &self,
        loc: f64,
        scale: f64,
        shape: Sh,
        chunks: impl Into<ChunkSpec>,
    ) -> Floats<Sh> {
        finite("loc", loc)?;
        non_negative("scale", scale)?;
        let dist = SequenceFn(move |r: &mut ElementRng| {
            let u: f64 = Open01.sample(r);
            loc + scale * (u / (1.0 - u)).ln()
        });
        self.draw(shape, chunks, dist, format!("logistic({loc}, {scale})"))
    }

    /// Samples of the Weibull distribution of shape `a` and scale 1
    /// (numpy's `weibull(a)`; `scale * x` for other scales).
    ///
    /// ```
    /// use ndchunk::random::Rng;
    /// let x = Rng::seed(0).weibull(1.0, 100_000, 25_000)?; // exponential
    /// assert!((x.mean().compute()?.into_scalar() - 1.0).abs() < 0.02);
    /// assert!(Rng::seed(0).weibull(0.0, 10, 5).is_err());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn weibull<Sh: IntoDimension>(
        &self,
        a: f64,
        shape: Sh,
        chunks: impl Into<ChunkSpec>,
    ) -> Floats<Sh> {
        let dist = made("a", Weibull::new(1.0, positive("a", a)?))?;
        self.draw(shape, chunks, Sequence(dist), format!("weibull({a})"))
    }

    /// Samples of numpy's `pareto(a)`: the Pareto II (Lomax) distribution
    /// of shape `a`, on `[0, ∞)`, which is the classical Pareto of scale 1
    /// less 1 (so `1 + x` for the classical). Drawn as `expm1(E / a)` of a
    /// standard exponential `E`, numpy's formula, exact near 0.
    ///
    /// ```
    /// use ndchunk::random::Rng;
    /// let x = Rng::seed(0).pareto(3.0, 100_000, 25_000)?;
    /// assert!((x.mean().compute()?.into_scalar() - 0.5).abs() < 0.02); // 1 / (a - 1)
    /// assert!(Rng::seed(0).pareto(-2.0, 10, 5).is_err());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn pareto<Sh: IntoDimension>(
        &self,
        a: f64,
        shape: Sh,
        chunks: impl Into<ChunkSpec>,
    ) -> Floats<Sh> {
        positive("a", a)?;
        let dist = SequenceFn(move |r: &mut ElementRng| {
            let e: f64 = Exp1.sample(r);
            (e / a).exp_m1()
        });
        self.draw(shape, chunks, dist, format!("pareto({a})"))
    }

    /// Counts of the Poisson distribution of mean `lam` (numpy's `int64`).
    ///
    /// ```
    /// use ndchunk::random::Rng;
    /// let k = Rng::seed(0).poisson(4.5, 100_000, 25_000)?;
    /// assert!((k.cast::<f64>().mean().compute()?.into_scalar() - 4.5).abs() < 0.05);
    /// assert!(Rng::seed(0).poisson(-1.0, 10, 5).is_err());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn poisson<Sh: IntoDimension>(
        &self,
        lam: f64,
        shape: Sh,
        chunks: impl Into<ChunkSpec>,
    ) -> Counts<Sh> {
        let max = Poisson::<f64>::MAX_LAMBDA;
        let ok = (0.0..=max).contains(&lam);
        check("lam", lam, ok, &format!("a number in [0, {max:e}]"))?;
        // rand_distr refuses lam = 0, whose samples are all 0.
        let poisson = (lam > 0.0)
            .then(|| made("lam", Poisson::new(lam)))
            .transpose()?;
        let dist = SequenceFn(move |r: &mut ElementRng| {
            poisson.as_ref().map_or(0, |d| d.sample(r) as i64)
        });
        self.draw(shape, chunks, dist, format!("poisson({lam})"))
    }

    /// Counts of successes in `n` trials of probability `p` each (numpy's
    /// `binomial(n, p)`, `int64`).
    ///
    /// ```
    /// use ndchunk::random::Rng;
    /// let k = Rng::seed(0).binomial(20, 0.3, 100_000, 25_000)?;
    /// assert!((k.cast::<f64>().mean().compute()?.into_scalar() - 6.0).abs() < 0.05);
    /// assert!(Rng::seed(0).binomial(10, 1.5, 10, 5).is_err());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn binomial<Sh: IntoDimension>(
        &self,
        n: u64,
        p: f64,
        shape: Sh,
        chunks: impl Into<ChunkSpec>,
    ) -> Counts<Sh> {
        if i64::try_from(n).is_err() {
            return Err(Error::invalid(
                "n",
                format!("expected n <= 2^63 - 1 (counts are i64), got {n}"),
            ));
        }
        check("p", p, (0.0..=1.0).contains(&p), "a probability in [0, 1]")?;
        let binomial = made("n, p", Binomial::new(n, p))?;
        let dist = SequenceFn(move |r: &mut ElementRng| count(binomial.sample(r)));
        self.draw(shape, chunks, dist, format!("binomial({n}, {p})"))
    }

    /// Numbers of trials up to and including the first success, each of
    /// probability `p` (numpy's `geometric(p)`: values from 1, mean `1 / p`).
    ///
    /// ```
    /// use ndchunk::random::Rng;
    /// let k = Rng::seed(0).geometric(0.25, 100_000, 25_000)?;
    /// assert!((k.cast::<f64>().mean().compute()?.into_scalar() - 4.0).abs() < 0.05);
    /// assert_eq!(k.min().compute()?.into_scalar(), 1);
    /// assert!(Rng::seed(0).geometric(0.0, 10, 5).is_err());
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    pub fn geometric<Sh: IntoDimension>(
        &self,
        p: f64,
        shape: Sh,
        chunks: impl Into<ChunkSpec>,
    ) -> Counts<Sh> {
        let ok = p > 0.0 && p <= 1.0;
        check("p", p, ok, "a probability in (0, 1]")?;
        // rand_distr counts the failures before the success.
        let geometric = made("p", Geometric::new(p))?;
        let dist =
            SequenceFn(move |r: &mut ElementRng| count(geometric.sample(r)).saturating_add(1));
        self.draw(shape, chunks, dist, format!("geometric({p})"))
    }
}
