// Terraform JSON syntax (.tf.json): the JSON reader, its positions, and the same
// extractors as native HCL.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/front_ends.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  nhiscan::fuzz::scan_terraform(std::string_view(reinterpret_cast<const char*>(data), size), true);
  return 0;
}
