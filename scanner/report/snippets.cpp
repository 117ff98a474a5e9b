#include "scanner/report/snippets.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace nhiscan {

namespace {

/// Byte offset of a 1-based UTF-16 column in a UTF-8 line.
std::size_t byte_offset(const std::string& line, uint32_t column) {
  uint32_t units = 1;
  std::size_t i = 0;
  while (i < line.size() && units < column) {
    const auto lead = static_cast<unsigned char>(line[i]);
    const std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    units += length == 4 ? 2 : 1;
    i += length;
  }
  return std::min(i, line.size());
}

}  // namespace

std::string mask_columns(const std::string& line, uint32_t column, uint32_t end_column, const std::string& masked) {
  const std::size_t begin = byte_offset(line, column);
  const std::size_t end = end_column ? byte_offset(line, end_column) : line.size();
  if (end <= begin) return line;
  return line.substr(0, begin) + masked + line.substr(end);
}

SnippetReader::SnippetReader(const ScanResult& result) : root_(result.root) {
  for (const Identity& identity : result.identities) {
    for (const HardcodedValue& value : identity.hardcoded) {
      const Location& where = value.location;
      // A value spanning lines is masked from its start to the end of its first line;
      // the other lines are never shown by excerpts of the finding.
      const uint32_t end = where.end_line == where.line ? where.end_column : 0;
      secrets_[where.file].push_back({where.line, where.column, end, value.masked});
    }
  }
}

std::optional<std::string> SnippetReader::line(const std::string& file, uint32_t number) {
  auto found = files_.find(file);
  if (found == files_.end()) {
    std::optional<SourceText> source;
    std::ifstream input(root_ + "/" + file, std::ios::binary);
    if (input) {
      std::ostringstream bytes;
      bytes << input.rdbuf();
      DecodedSource decoded = decode_source(bytes.str());
      if (decoded.ok) source.emplace(file, std::move(decoded.text));
    }
    found = files_.emplace(file, std::move(source)).first;
  }
  if (!found->second || number == 0 || number > found->second->line_count()) return std::nullopt;
  std::string text(found->second->line(number));
  // Mask from the rightmost secret leftwards so earlier columns stay valid.
  const auto secrets = secrets_.find(file);
  if (secrets != secrets_.end()) {
    std::vector<const Secret*> on_line;
    for (const Secret& secret : secrets->second) {
      if (secret.line == number) on_line.push_back(&secret);
    }
    std::sort(on_line.begin(), on_line.end(), [](const Secret* a, const Secret* b) { return a->column > b->column; });
    for (const Secret* secret : on_line) text = mask_columns(text, secret->column, secret->end_column, secret->masked);
  }
  return text;
}

}  // namespace nhiscan
