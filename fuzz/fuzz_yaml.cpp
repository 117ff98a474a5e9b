// YAML: decoding, the document splitter and its `kind:` shortcut, the libyaml event
// parser and tree builder (aliases, merge keys, limits), raw comments, and the
// Kubernetes, GitHub workflow, action and Helm template extractors. The first byte
// chooses the kind of file, so one corpus reaches every extractor.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/front_ends.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  nhiscan::fuzz::scan_yaml(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1), data[0]);
  return 0;
}
