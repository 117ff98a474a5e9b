// Source lines for excerpts in text output, re-read at report time (the scan keeps no
// file contents), with every known secret value masked.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "scanner/engine.h"
#include "scanner/source.h"

namespace nhiscan {

class SnippetReader {
 public:
  explicit SnippetReader(const ScanResult& result);

  /// The line as written, with secret values replaced by their masked form; nullopt
  /// when the file cannot be read any more.
  std::optional<std::string> line(const std::string& file, uint32_t line);

 private:
  struct Secret {
    uint32_t line;
    uint32_t column;      // UTF-16, 1-based
    uint32_t end_column;  // UTF-16, exclusive; 0: to the end of the line
    std::string masked;
  };
  std::string root_;
  std::map<std::string, std::vector<Secret>> secrets_;
  std::map<std::string, std::optional<SourceText>> files_;
};

/// Replace the UTF-16 column range [column, end_column) of `line` with `masked`.
std::string mask_columns(const std::string& line, uint32_t column, uint32_t end_column, const std::string& masked);

}  // namespace nhiscan
