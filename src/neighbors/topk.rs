//! Per-query candidate collectors fed by the scan.
//!
//! A collector exposes a key threshold; the scan offers a candidate only when
//! its key is strictly below it, so the common case (a candidate that cannot
//! make the list) costs one vectorised comparison.

/// Receives candidates from the scan.
pub trait Collector {
    /// Candidates with a key at or above this are not offered.
    fn threshold(&self) -> f32;
    /// Offers candidate `index` with `key` (below the threshold).
    fn offer(&mut self, key: f32, index: u32);
}

/// The `capacity` smallest keys seen (a bounded max-heap), ties kept by first
/// arrival, which is the lower index because the scan goes in index order.
#[derive(Clone, Debug)]
pub struct TopK {
    heap: Vec<(f32, u32)>,
    capacity: usize,
    exclude: u32,
}

impl TopK {
    /// An empty collector keeping `capacity` candidates, never `exclude`
    /// (`u32::MAX` for none).
    pub fn new(capacity: usize, exclude: u32) -> Self {
        TopK {
            heap: Vec::with_capacity(capacity),
            capacity,
            exclude,
        }
    }

    /// The index this collector never keeps.
    pub fn excluded(&self) -> u32 {
        self.exclude
    }

    /// Whether every offered candidate was kept.
    pub fn is_full(&self) -> bool {
        self.heap.len() == self.capacity
    }

    /// The kept candidates, in no particular order.
    pub fn candidates(&self) -> &[(f32, u32)] {
        &self.heap
    }

    fn sift_down(&mut self, mut i: usize) {
        let n = self.heap.len();
        loop {
            let (l, r) = (2 * i + 1, 2 * i + 2);
            let mut top = i;
            if l < n && self.heap[l].0 > self.heap[top].0 {
                top = l;
            }
            if r < n && self.heap[r].0 > self.heap[top].0 {
                top = r;
            }
            if top == i {
                return;
            }
            self.heap.swap(i, top);
            i = top;
        }
    }

    fn sift_up(&mut self, mut i: usize) {
        while i > 0 {
            let parent = (i - 1) / 2;
            if self.heap[parent].0 >= self.heap[i].0 {
                return;
            }
            self.heap.swap(i, parent);
            i = parent;
        }
    }
}

impl Collector for TopK {
    #[inline(always)]
    fn threshold(&self) -> f32 {
        if self.heap.len() < self.capacity {
            f32::INFINITY
        } else if self.capacity == 0 {
            f32::NEG_INFINITY
        } else {
            self.heap[0].0
        }
    }

    fn offer(&mut self, key: f32, index: u32) {
        if index == self.exclude {
            return;
        }
        if self.heap.len() < self.capacity {
            self.heap.push((key, index));
            let last = self.heap.len() - 1;
            self.sift_up(last);
        } else {
            self.heap[0] = (key, index);
            self.sift_down(0);
        }
    }
}

/// Every candidate with a key below a fixed bound.
#[derive(Clone, Debug)]
pub struct Within {
    /// The kept candidates, in index order.
    pub found: Vec<(f32, u32)>,
    bound: f32,
    exclude: u32,
}

impl Within {
    /// Collects keys strictly below `bound`, never `exclude` (`u32::MAX` for none).
    pub fn new(bound: f32, exclude: u32) -> Self {
        Within {
            found: Vec::new(),
            bound,
            exclude,
        }
    }
}

impl Collector for Within {
    #[inline(always)]
    fn threshold(&self) -> f32 {
        self.bound
    }

    fn offer(&mut self, key: f32, index: u32) {
        if index != self.exclude {
            self.found.push((key, index));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_smallest_keys_and_first_of_ties() {
        let mut top = TopK::new(3, 4);
        for (i, key) in [5.0f32, 1.0, 3.0, 1.0, 0.0, 2.0, 1.0]
            .into_iter()
            .enumerate()
        {
            if key < top.threshold() {
                top.offer(key, i as u32);
            }
        }
        let mut got: Vec<_> = top.candidates().to_vec();
        got.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        assert_eq!(got.iter().map(|c| c.1).collect::<Vec<_>>(), vec![1, 3, 6]);
        assert!(top.is_full());
        assert_eq!(TopK::new(0, u32::MAX).threshold(), f32::NEG_INFINITY);
    }
}
