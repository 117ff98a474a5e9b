// Writing a large JSON array element by element, formatted exactly as nlohmann's
// dump(2) formats it in place, so that a report never holds the whole document.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

namespace nhiscan {

/// Write `element` as an item of an array nested `depth` levels deep (top-level object
/// keys are depth 1), with 2-space indentation and invalid UTF-8 replaced by U+FFFD.
template <typename Json>
void write_array_element(std::ostream& out, const Json& element, std::size_t depth, bool first) {
  const std::string indent(2 * (depth + 1), ' ');
  std::string text = element.dump(2, ' ', false, Json::error_handler_t::replace);
  // dump() escapes newlines inside strings, so every newline here is formatting.
  std::string shifted;
  shifted.reserve(text.size() + text.size() / 8);
  for (const char c : text) {
    shifted += c;
    if (c == '\n') shifted += indent;
  }
  out << (first ? "\n" : ",\n") << indent << shifted;
}

/// Write `"name": [ ... ]` for a key indented by 2 * `depth` spaces (the caller writes
/// that indentation), where `each(emit)` calls `emit(element)` once per item, in order.
template <typename Json, typename Each>
void write_array_member(std::ostream& out, const std::string& name, std::size_t depth, Each each) {
  out << Json(name).dump() << ": [";
  bool first = true;
  each([&](const Json& element) {
    write_array_element(out, element, depth, first);
    first = false;
  });
  if (!first) out << "\n" << std::string(2 * depth, ' ');
  out << "]";
}

}  // namespace nhiscan
