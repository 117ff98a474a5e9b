// Sorting vectors of large records.
#pragma once

#include <algorithm>
#include <cstddef>
#include <numeric>
#include <utility>
#include <vector>

namespace nhiscan {

/// Stable sort of `items` by `less` that moves each item about once: the order is found
/// on indices, then applied in place, one cycle of the permutation at a time.
/// std::stable_sort moves every item about log2(n) times and allocates a buffer of
/// items, which dominates for records of a few kilobytes such as Identity.
template <typename T, typename Less>
void stable_sort_large(std::vector<T>& items, Less less) {
  std::vector<std::size_t> order(items.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return less(items[a], items[b]); });
  // Position i receives the item at order[i]. Each cycle is rotated through one
  // temporary, and order[i] = i marks a position as done.
  for (std::size_t start = 0; start < items.size(); ++start) {
    if (order[start] == start) continue;
    T displaced = std::move(items[start]);
    std::size_t position = start;
    while (order[position] != start) {
      const std::size_t from = order[position];
      items[position] = std::move(items[from]);
      order[position] = position;
      position = from;
    }
    items[position] = std::move(displaced);
    order[position] = position;
  }
}

}  // namespace nhiscan
