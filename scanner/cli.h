// The command line: parse arguments, run the command, return the exit status
// (0 nothing at or above the fail threshold, 1 findings at or above it, 2 usage,
// configuration or I/O error).
#pragma once

#include <string>
#include <vector>

namespace nhiscan {

int run_cli(const std::vector<std::string>& arguments);

}  // namespace nhiscan
