// The TOML loaders: `.nhiscan.toml` configuration, `nhi-inventory.toml` and the
// baseline file. They read paths, so the input is written to an in-memory file
// (memfd) and passed as /proc/self/fd/N. The first byte chooses the loader.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "scanner/config.h"
#include "scanner/exceptions.h"
#include "scanner/inventory_file.h"

namespace {

int memory_file() {
  static const int fd = memfd_create("nhiscan-fuzz-toml", 0);
  if (fd < 0) std::abort();
  return fd;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const int fd = memory_file();
  if (ftruncate(fd, 0) != 0 || pwrite(fd, data + 1, size - 1, 0) != static_cast<ssize_t>(size - 1)) std::abort();
  const std::string path = "/proc/self/fd/" + std::to_string(fd);

  std::vector<nhiscan::Diagnostic> errors;
  switch (data[0] % 3) {
    case 0:
      nhiscan::load_config(path, ".nhiscan.toml", "/nonexistent-fuzz-root", errors);
      break;
    case 1:
      if (auto inventory = nhiscan::load_inventory(path, "nhi-inventory.toml", {}, errors)) {
        inventory->find("terraform:main.tf/google_service_account.ci");
        inventory->find("kubernetes:ServiceAccount/default/x");
      }
      break;
    default:
      nhiscan::load_baseline(path, "baseline.toml", errors);
      break;
  }
  return 0;
}
