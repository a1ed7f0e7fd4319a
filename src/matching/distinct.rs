//! The distinct values of a list of choices and where each occurs.
//!
//! Real choice lists repeat themselves (playlist exports list a popular track
//! once per play): batch searches score each distinct value once and hand the
//! score to all of its positions.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use super::multi::KeyHasher;
use super::Sym;

/// The distinct present choices, in order of first occurrence (missing
/// choices are left out).
pub struct Distinct<'a, S> {
    items: Vec<&'a [S]>,
    /// Positions of item `k`, ascending: `at[starts[k]..starts[k + 1]]`.
    at: Vec<usize>,
    starts: Vec<usize>,
}

impl<'a, S: Sym> Distinct<'a, S> {
    /// The distinct values of `choices`.
    pub fn new<C: AsRef<[S]>>(choices: &'a [Option<C>]) -> Self {
        let mut ids: HashMap<&[S], usize, BuildHasherDefault<KeyHasher>> = HashMap::default();
        ids.reserve(choices.len());
        let mut items = Vec::new();
        // (position, item) of every present choice, in position order.
        let present: Vec<(usize, usize)> = (choices.iter().enumerate())
            .filter_map(|(i, c)| c.as_ref().map(|c| (i, c.as_ref())))
            .map(|(i, c)| {
                let k = *ids.entry(c).or_insert_with(|| {
                    items.push(c);
                    items.len() - 1
                });
                (i, k)
            })
            .collect();
        // Counting sort of the positions by item keeps each item's ascending.
        let mut starts = vec![0; items.len() + 1];
        for &(_, k) in &present {
            starts[k + 1] += 1;
        }
        for k in 0..items.len() {
            starts[k + 1] += starts[k];
        }
        let mut next = starts.clone();
        let mut at = vec![0; present.len()];
        for (i, k) in present {
            at[next[k]] = i;
            next[k] += 1;
        }
        Distinct { items, at, starts }
    }

    /// The distinct values, in order of first occurrence.
    pub fn items(&self) -> &[&'a [S]] {
        &self.items
    }

    /// Positions of item `k` in the choices, ascending (never empty).
    #[inline]
    pub fn positions(&self, k: usize) -> &[usize] {
        &self.at[self.starts[k]..self.starts[k + 1]]
    }

    /// First position of item `k`.
    #[inline]
    pub fn first(&self, k: usize) -> usize {
        self.at[self.starts[k]]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_keep_first_occurrence_order_and_all_positions() {
        let s = |t: &str| Some(t.bytes().collect::<Vec<u8>>());
        let choices = vec![s("b"), None, s("a"), s("b"), s(""), s("a"), s("b"), s("")];
        let d = Distinct::new(&choices);
        let items: Vec<&[u8]> = vec![b"b", b"a", b""];
        assert_eq!(d.items(), &items[..]);
        assert_eq!(d.positions(0), &[0, 3, 6]);
        assert_eq!(d.positions(1), &[2, 5]);
        assert_eq!(d.positions(2), &[4, 7]);
        assert_eq!((d.first(0), d.first(1), d.first(2)), (0, 2, 4));
    }
}
