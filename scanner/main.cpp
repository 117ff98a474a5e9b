#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "scanner/cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> arguments(argv + 1, argv + argc);
  try {
    return nhiscan::run_cli(arguments);
  } catch (const std::exception& error) {
    std::cerr << "nhiscan: internal error: " << error.what() << "\n";
    return 2;
  }
}
