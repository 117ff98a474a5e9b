// A scanned file's text, normalised to UTF-8, with a line index for turning byte
// offsets into 1-based lines and UTF-16 columns.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "scanner/model.h"

namespace nhiscan {

class SourceText {
 public:
  SourceText() = default;
  /// `relative_path` is the path reported in every location; `text` must already be
  /// valid UTF-8 (see decode_source).
  SourceText(std::string relative_path, std::string text);

  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }
  std::size_t line_count() const { return line_starts_.size(); }

  /// Text of 1-based `line` without its line terminator (LF or CRLF).
  std::string_view line(uint32_t line) const;
  /// Byte offset at which 1-based `line` starts; text().size() past the end.
  std::size_t line_offset(uint32_t line) const;
  /// 1-based line containing byte `offset`.
  uint32_t line_at(std::size_t offset) const;

  /// Location of a span given as 1-based line and 1-based byte column pairs. The
  /// columns are converted to UTF-16 code units.
  Location location(uint32_t line, uint32_t byte_column, uint32_t end_line = 0,
                    uint32_t end_byte_column = 0) const;
  /// Location of the byte range [begin, end).
  Location location_of_range(std::size_t begin, std::size_t end) const;
  /// UTF-16 column (1-based) of a 1-based byte column on a 1-based line.
  uint32_t utf16_column(uint32_t line, uint32_t byte_column) const;

 private:
  std::string path_;
  std::string text_;
  std::vector<std::size_t> line_starts_;
};

/// Outcome of turning a file's raw bytes into UTF-8 text.
struct DecodedSource {
  std::string text;
  bool ok = true;           // false when the bytes are not text (binary)
  std::string problem;      // why it was rejected or how it was repaired
  uint32_t problem_line = 0;
  bool repaired = false;    // true when invalid UTF-8 was re-read as Windows-1252
};

/// Decode raw file bytes: strip a UTF-8 BOM, transcode UTF-16 (either byte order,
/// with a BOM), reject binary data (NUL bytes outside UTF-16), and re-read invalid
/// UTF-8 as Windows-1252 so that every output stays valid UTF-8.
DecodedSource decode_source(std::string_view bytes);
/// The same, reusing the storage of `bytes` when they are valid UTF-8 already.
DecodedSource decode_source_in_place(std::string&& bytes);

/// True when `text` is valid UTF-8.
bool is_valid_utf8(std::string_view text);
/// Replace every invalid UTF-8 sequence with U+FFFD.
std::string sanitize_utf8(std::string_view text);

}  // namespace nhiscan
