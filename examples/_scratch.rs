use ndchunk::prelude::*;
fn main() -> ndchunk::Result<()> {
    let x = ndchunk::random::Rng::seed(1).standard_normal((4000, 4000), (1000, 1000))?;
    let y = x.slice(s![10..3000;-3, 5]).mapv(f64::abs).sum();
    println!("{}", y.explain());
    let z = x.rechunk((4000, 250)).t().slice(s![..10, ..]).dot(&x.slice(s![..4000, ..7]));
    println!("{}", z.explain());
    println!("{}", z.compute()?.dim().0);
    Ok(())
}
