#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "scanner/sort.h"

using nhiscan::stable_sort_large;

TEST_CASE("large-record sort matches stable_sort") {
  std::mt19937 random(7);
  for (int size = 0; size < 200; ++size) {
    // Few distinct keys test stability, and the text records the input order.
    std::vector<std::pair<int, std::string>> items;
    for (int i = 0; i < size; ++i) items.emplace_back(static_cast<int>(random() % 5), std::to_string(i));
    auto expected = items;
    const auto by_key = [](const auto& a, const auto& b) { return a.first < b.first; };
    std::stable_sort(expected.begin(), expected.end(), by_key);
    stable_sort_large(items, by_key);
    CHECK(items == expected);
  }
}

TEST_CASE("large-record sort of sorted and reversed input") {
  std::vector<std::string> sorted{"a", "b", "c", "d"};
  stable_sort_large(sorted, std::less<std::string>());
  CHECK(sorted == std::vector<std::string>{"a", "b", "c", "d"});
  std::vector<std::string> reversed{"d", "c", "b", "a"};
  stable_sort_large(reversed, std::less<std::string>());
  CHECK(reversed == std::vector<std::string>{"a", "b", "c", "d"});
}
