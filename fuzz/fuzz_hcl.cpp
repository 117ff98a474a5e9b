// HCL native syntax: decoding, tree-sitter parse and conversion, comments and
// exception directives, raw secret formats, and the Terraform extractors with the
// expression evaluator over a one-file module (module calls included).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "fuzz/front_ends.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  nhiscan::fuzz::scan_terraform(std::string_view(reinterpret_cast<const char*>(data), size), false);
  return 0;
}
