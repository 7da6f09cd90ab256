//! One sort for the whole Wasm, small and not generic.
//!
//! Each `sort_by` or `sort_unstable_by` with its own element type or closure is its own copy
//! of the standard sort in the Wasm, 2–4 KB each: the full stage had five (17 KB, 7 KB
//! gzipped). [`sort_by`] sorts positions instead, through one `dyn` comparator, so every
//! caller shares one copy; moving the elements into their places is the only code per type.
//! The positions are sorted by a plain merge sort rather than the standard one (3.4 KB of
//! code, half the size of everything else the banner stage's single sort needed).

use std::cmp::Ordering;

/// Sorts `v` by `compare`, stably (equal elements keep their order), like `slice::sort_by`.
pub fn sort_by<T>(v: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    let items: &[T] = v;
    let mut order = positions_in_order(items.len(), &mut |a, b| compare(&items[a], &items[b]));
    // In place by swaps, through one `dyn` call: per type only `swap` (moving the elements
    // into a vector of slots and back was 0.6 KB of code per element type).
    put_in_order(&mut order, &mut |a, b| v.swap(a, b));
}

/// Moves the element at `order[i]` to place `i` for every `i`, following each cycle of the
/// permutation once with `swap`; `order` is used up (every entry becomes `usize::MAX`).
fn put_in_order(order: &mut [usize], swap: &mut dyn FnMut(usize, usize)) {
    for start in 0..order.len() {
        let mut at = start;
        while order[at] != usize::MAX {
            let from = order[at];
            order[at] = usize::MAX;
            if from == start {
                break;
            }
            swap(at, from);
            at = from;
        }
    }
}

/// The positions `0..n` in the order `compare` sorts them, stably: a bottom-up merge sort,
/// O(n log n) comparisons (a feed may hold thousands of items).
fn positions_in_order(n: usize, compare: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut merged = order.clone();
    let mut width = 1;
    while width < n {
        let mut start = 0;
        while start < n {
            let middle = n.min(start + width);
            let end = n.min(middle + width);
            let (mut left, mut right) = (start, middle);
            for slot in &mut merged[start..end] {
                // Ties take the left run's element: that keeps the sort stable.
                let take_left = right == end
                    || (left < middle && compare(order[left], order[right]) != Ordering::Greater);
                let from = if take_left { &mut left } else { &mut right };
                *slot = order[*from];
                *from += 1;
            }
            start = end;
        }
        std::mem::swap(&mut order, &mut merged);
        width *= 2;
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn sorts_like_the_standard_stable_sort() {
        let mut x = 11u32;
        let list: Vec<(u32, String)> = (0..300)
            .map(|i| {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                ((x >> 16) % 13, format!("item {i}"))
            })
            .collect();
        let mut ours = list.clone();
        sort_by(&mut ours, |a, b| a.0.cmp(&b.0));
        let mut std = list.clone();
        std.sort_by_key(|a| a.0);
        assert_eq!(ours, std);
        // Every length up to 70: runs that end short of a power of two.
        for n in 0..70 {
            let mut ours = list[..n].to_vec();
            sort_by(&mut ours, |a, b| a.0.cmp(&b.0));
            let mut std = list[..n].to_vec();
            std.sort_by_key(|a| a.0);
            assert_eq!(ours, std, "{n} items");
        }
        let mut empty: Vec<u8> = Vec::new();
        sort_by(&mut empty, u8::cmp);
        assert!(empty.is_empty());
    }
}
