//! [`Boundary`]: what a halo holds past the array's edges, shared by the
//! `map_overlap` API and the kernel that assembles halos.

/// What the halo of [`map_overlap`](crate::ChunkedArray::map_overlap) holds past
/// the array's edges, in terms of numpy's `np.pad` modes. For an axis
/// holding `a b c d` and a depth of 2:
///
/// | variant         | numpy `mode=`         | padded axis              |
/// |-----------------|-----------------------|--------------------------|
/// | `Reflect`       | `"symmetric"`         | `b a \| a b c d \| d c`  |
/// | `Periodic`      | `"wrap"`              | `c d \| a b c d \| a b`  |
/// | `Constant(v)`   | `"constant"`          | `v v \| a b c d \| v v`  |
/// | `None`          | (no padding)          | `a b c d`                |
///
/// `Reflect` repeats the edge element (numpy's `"symmetric"`, which is what
/// dask's `boundary="reflect"` does), not numpy's `"reflect"`. `Reflect`
/// and `Periodic` need a depth of at most the axis length. With `None` the
/// blocks at the array's edges get no halo on that side, so the function
/// sees a smaller block there.
///
/// ```
/// use ndchunk::prelude::*;
/// let x = ChunkedArray::from_array(array![1, 2, 3, 4], 2)?;
/// // Shift right by one: the first element becomes the left halo's.
/// let shifted = |boundary| {
///     x.map_overlap(1, boundary, |h, _| {
///         let mut out = h.to_owned();
///         out.slice_mut(s![1..]).assign(&h.slice(s![..-1]));
///         out
///     })
///     .compute()
/// };
/// assert_eq!(shifted(Boundary::Reflect)?, array![1, 1, 2, 3]);
/// assert_eq!(shifted(Boundary::Periodic)?, array![4, 1, 2, 3]);
/// assert_eq!(shifted(Boundary::Constant(9))?, array![9, 1, 2, 3]);
/// assert_eq!(shifted(Boundary::None)?, array![1, 1, 2, 3]); // no halo: h[0] stays
/// # Ok::<(), ndchunk::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Boundary<T> {
    /// Mirror at the edge, the edge element repeated (numpy's `"symmetric"`,
    /// dask's `"reflect"`): `a b c d` padded by 2 is `b a a b c d d c`.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![1, 2, 3, 4], 4)?;
    /// // The haloed block's first element: the reflection of element 1.
    /// let first = x.map_overlap(2, Boundary::Reflect, |h, _| h.mapv(|_| h[0]));
    /// assert_eq!(first.compute()?, array![2, 2, 2, 2]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    Reflect,
    /// Wrap around (numpy's `"wrap"`): `a b c d` padded by 2 is `c d a b c d a b`.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![1, 2, 3, 4], 2)?;
    /// // Sum of each element's two neighbours, the ends being neighbours.
    /// let y = x.map_overlap(1, Boundary::Periodic, |h, _| {
    ///     let mut out = h.to_owned();
    ///     for i in 1..h.len() - 1 { out[i] = h[i - 1] + h[i + 1]; }
    ///     out
    /// });
    /// assert_eq!(y.compute()?, array![6, 4, 6, 4]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    Periodic,
    /// A constant past the edges (numpy's `"constant"`): `a b c d` padded
    /// by 2 is `v v a b c d v v`. The depth may exceed the axis length.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::from_array(array![1.0, 2.0, 3.0], 3)?;
    /// // Each element's sum with its neighbours, zero past the ends.
    /// let y = x.map_overlap(1, Boundary::Constant(0.0), |h, _| {
    ///     let mut out = h.to_owned();
    ///     for i in 1..h.len() - 1 { out[i] = h[i - 1] + h[i] + h[i + 1]; }
    ///     out
    /// });
    /// assert_eq!(y.compute()?, array![3.0, 6.0, 5.0]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    Constant(T),
    /// No halo past the edges: the blocks at the array's edges are haloed
    /// only on their inner sides, and the function sees a smaller block.
    ///
    /// ```
    /// use ndchunk::prelude::*;
    /// let x = ChunkedArray::<f64, _>::zeros(6, 2)?;
    /// // Blocks of 2: the edge blocks get one side of halo, the middle both.
    /// let lens = x.map_overlap(1, Boundary::None, |h, _| h.mapv(|_| h.len() as f64));
    /// assert_eq!(lens.compute()?, array![3.0, 3.0, 4.0, 4.0, 3.0, 3.0]);
    /// # Ok::<(), ndchunk::Error>(())
    /// ```
    None,
}
