// Sorting vectors of large records.
#pragma once

#include <algorithm>
#include <cstddef>
#include <numeric>
#include <utility>
#include <vector>

namespace nhiscan {

/// Stable sort of `items` by `less` that moves each item once: the order is found on
/// indices, then applied. std::stable_sort moves every item about log2(n) times, which
/// dominates for records of a few kilobytes such as Identity.
template <typename T, typename Less>
void stable_sort_large(std::vector<T>& items, Less less) {
  std::vector<std::size_t> order(items.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return less(items[a], items[b]); });
  std::vector<T> sorted;
  sorted.reserve(items.size());
  for (const std::size_t index : order) sorted.push_back(std::move(items[index]));
  items = std::move(sorted);
}

}  // namespace nhiscan
