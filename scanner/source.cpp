#include "scanner/source.h"

#include <algorithm>
#include <cstring>

namespace nhiscan {

namespace {

void append_utf8(std::string& out, uint32_t code_point) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xE0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

/// Length of the valid UTF-8 sequence at `text[i]`, or 0 when it is invalid.
/// Rejects overlong forms, surrogates and code points past U+10FFFF.
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  uint32_t minimum = 0;
  uint32_t code_point = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2, minimum = 0x80, code_point = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, minimum = 0x800, code_point = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, minimum = 0x10000, code_point = lead & 0x07;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    code_point = (code_point << 6) | (byte(i + k) & 0x3F);
  }
  if (code_point < minimum || code_point > 0x10FFFF) return 0;
  if (code_point >= 0xD800 && code_point <= 0xDFFF) return 0;
  return length;
}

// Windows-1252 bytes 0x80..0x9F; the rest of the upper half equals Latin-1.
constexpr uint16_t kCp1252High[32] = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};

std::string decode_utf16(std::string_view bytes, bool little_endian, bool& ok) {
  std::string out;
  out.reserve(bytes.size());
  ok = true;
  const auto unit_at = [&](std::size_t i) -> uint32_t {
    const auto b0 = static_cast<unsigned char>(bytes[i]);
    const auto b1 = static_cast<unsigned char>(bytes[i + 1]);
    return little_endian ? (b0 | (b1 << 8)) : ((b0 << 8) | b1);
  };
  for (std::size_t i = 0; i + 1 < bytes.size(); i += 2) {
    uint32_t unit = unit_at(i);
    if (unit >= 0xD800 && unit <= 0xDBFF && i + 3 < bytes.size()) {
      const uint32_t low = unit_at(i + 2);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        append_utf8(out, 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00));
        i += 2;
        continue;
      }
    }
    if (unit >= 0xD800 && unit <= 0xDFFF) {
      ok = false;
      unit = 0xFFFD;
    }
    if (unit == 0) {
      ok = false;
      return out;
    }
    append_utf8(out, unit);
  }
  return out;
}

}  // namespace

bool Location::operator<(const Location& other) const {
  if (file != other.file) return file < other.file;
  if (line != other.line) return line < other.line;
  if (column != other.column) return column < other.column;
  if (end_line != other.end_line) return end_line < other.end_line;
  return end_column < other.end_column;
}

bool Location::operator==(const Location& other) const {
  return file == other.file && line == other.line && column == other.column &&
         end_line == other.end_line && end_column == other.end_column;
}

/// Offset of the first invalid UTF-8 sequence in `text`, or npos. Runs of ASCII are
/// skipped eight bytes at a time, because most configuration text is ASCII.
std::size_t first_invalid_utf8(std::string_view text) {
  const char* const data = text.data();
  const std::size_t size = text.size();
  std::size_t i = 0;
  while (i < size) {
    if (i + 8 <= size) {
      uint64_t word;
      std::memcpy(&word, data + i, sizeof word);
      if ((word & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    if (static_cast<unsigned char>(data[i]) < 0x80) {
      ++i;
      continue;
    }
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) return i;
    i += length;
  }
  return std::string_view::npos;
}

bool is_valid_utf8(std::string_view text) { return first_invalid_utf8(text) == std::string_view::npos; }

std::string sanitize_utf8(std::string_view text) {
  if (is_valid_utf8(text)) return std::string(text);
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
  return out;
}

DecodedSource decode_source(std::string_view bytes) { return decode_source_in_place(std::string(bytes)); }

DecodedSource decode_source_in_place(std::string&& raw) {
  DecodedSource result;
  std::string_view bytes = raw;
  const auto starts_with = [&](std::string_view prefix) {
    return bytes.substr(0, prefix.size()) == prefix;
  };

  if (starts_with("\xFF\xFE") || starts_with("\xFE\xFF")) {
    bool ok = true;
    result.text = decode_utf16(bytes.substr(2), starts_with("\xFF\xFE"), ok);
    if (!ok) {
      result.ok = false;
      result.problem = "invalid UTF-16 text";
      return result;
    }
    result.repaired = true;
    result.problem = "decoded from UTF-16";
    return result;
  }
  if (starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);

  // Binary data: a NUL byte in the first 8 KiB is the usual test (git and grep do the same).
  if (bytes.substr(0, 8192).find('\0') != std::string_view::npos) {
    result.ok = false;
    result.problem = "binary file (contains NUL bytes)";
    return result;
  }

  // Valid UTF-8 is the common case; keep the bytes as they are.
  const std::size_t bad = first_invalid_utf8(bytes);
  if (bad == std::string_view::npos) {
    const std::size_t bom = raw.size() - bytes.size();
    result.text = std::move(raw);
    result.text.erase(0, bom);
    return result;
  }

  // Not UTF-8: read the bytes as Windows-1252, the most common legacy encoding of
  // configuration files saved on Windows, and say so.
  result.repaired = true;
  result.problem_line =
      1 + static_cast<uint32_t>(std::count(bytes.begin(), bytes.begin() + bad, '\n'));
  result.problem = "not valid UTF-8; read as Windows-1252";
  result.text.reserve(bytes.size() + bytes.size() / 8);
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x80) {
      result.text += c;
    } else if (byte < 0xA0) {
      append_utf8(result.text, kCp1252High[byte - 0x80]);
    } else {
      append_utf8(result.text, byte);
    }
  }
  return result;
}

SourceText::SourceText(std::string relative_path, std::string text)
    : path_(std::move(relative_path)), text_(std::move(text)) {
  line_starts_.push_back(0);
  const char* const begin = text_.data();
  const char* const end = begin + text_.size();
  for (const char* at = begin; at < end;) {
    const void* newline = std::memchr(at, '\n', static_cast<std::size_t>(end - at));
    if (!newline) break;
    at = static_cast<const char*>(newline) + 1;
    line_starts_.push_back(static_cast<std::size_t>(at - begin));
  }
}

std::string_view SourceText::line(uint32_t line) const {
  if (line == 0 || line > line_starts_.size()) return {};
  const std::size_t begin = line_starts_[line - 1];
  std::size_t end = line < line_starts_.size() ? line_starts_[line] - 1 : text_.size();
  if (end > begin && text_[end - 1] == '\r') --end;
  return std::string_view(text_).substr(begin, end - begin);
}

std::size_t SourceText::line_offset(uint32_t line) const {
  if (line == 0) return 0;
  if (line > line_starts_.size()) return text_.size();
  return line_starts_[line - 1];
}

uint32_t SourceText::line_at(std::size_t offset) const {
  const auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  return static_cast<uint32_t>(it - line_starts_.begin());
}

uint32_t SourceText::utf16_column(uint32_t line, uint32_t byte_column) const {
  if (byte_column == 0) return 0;
  const std::string_view text = this->line(line);
  const std::size_t limit = std::min<std::size_t>(byte_column - 1, text.size());
  uint32_t units = 0;
  for (std::size_t i = 0; i < limit;) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 1;
    if (lead >= 0xF0) {
      length = 4;
    } else if (lead >= 0xE0) {
      length = 3;
    } else if (lead >= 0xC0) {
      length = 2;
    }
    units += length == 4 ? 2 : 1;  // astral code points take a surrogate pair
    i += length;
  }
  // Columns past the end of the line (an end position after the last character) keep
  // counting one unit per byte.
  if (byte_column - 1 > text.size()) units += static_cast<uint32_t>(byte_column - 1 - text.size());
  return units + 1;
}

Location SourceText::location(uint32_t line, uint32_t byte_column, uint32_t end_line,
                              uint32_t end_byte_column) const {
  Location location;
  location.file = path_;
  location.line = line;
  location.column = byte_column ? utf16_column(line, byte_column) : 0;
  if (end_line) {
    location.end_line = end_line;
    location.end_column = end_byte_column ? utf16_column(end_line, end_byte_column) : 0;
  }
  return location;
}

Location SourceText::location_of_range(std::size_t begin, std::size_t end) const {
  const uint32_t line = line_at(begin);
  const uint32_t column = static_cast<uint32_t>(begin - line_offset(line)) + 1;
  if (end <= begin) return location(line, column);
  const uint32_t end_line = line_at(end);
  const uint32_t end_column = static_cast<uint32_t>(end - line_offset(end_line)) + 1;
  return location(line, column, end_line, end_column);
}

}  // namespace nhiscan
