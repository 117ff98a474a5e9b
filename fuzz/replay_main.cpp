// Runs a fuzz target's entry point over saved inputs, without libFuzzer, so that
// crashes found by fuzzing stay fixed: `replay_TARGET FILE_OR_DIRECTORY...`. Each
// input is run once; a crash or sanitizer report fails the test.
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size);

namespace {

void collect(const std::string& path, std::vector<std::string>& inputs) {
  struct stat status {};
  if (stat(path.c_str(), &status) != 0) {
    std::cerr << "replay: " << path << " not found\n";
    std::exit(2);
  }
  if (!S_ISDIR(status.st_mode)) {
    inputs.push_back(path);
    return;
  }
  DIR* directory = opendir(path.c_str());
  if (!directory) return;
  std::vector<std::string> names;
  while (const dirent* entry = readdir(directory)) {
    const std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  closedir(directory);
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) collect(path + "/" + name, inputs);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> inputs;
  for (int i = 1; i < argc; ++i) collect(argv[i], inputs);
  for (const std::string& input : inputs) {
    std::ifstream file(input, std::ios::binary);
    const std::vector<char> bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  }
  std::cout << "replay: " << inputs.size() << " input(s) ran without a crash\n";
  return 0;
}
