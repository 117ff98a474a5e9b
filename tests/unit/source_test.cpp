#include <doctest/doctest.h>

#include "scanner/source.h"

using namespace nhiscan;

TEST_CASE("decode_source strips a UTF-8 BOM") {
  const DecodedSource decoded = decode_source("\xEF\xBB\xBFkind: ServiceAccount\n");
  CHECK(decoded.ok);
  CHECK_FALSE(decoded.repaired);
  CHECK(decoded.text == "kind: ServiceAccount\n");
}

TEST_CASE("decode_source transcodes UTF-16 little and big endian") {
  const std::string little("\xFF\xFEk\0i\0n\0d\0\n\0", 12);
  const DecodedSource from_little = decode_source(little);
  CHECK(from_little.ok);
  CHECK(from_little.text == "kind\n");
  const std::string big("\xFE\xFF\0k\0i\xD8\x3D\xDD\x11", 10);
  const DecodedSource from_big = decode_source(big);
  CHECK(from_big.ok);
  CHECK(from_big.text == "ki\xF0\x9F\x94\x91");  // U+1F511 from a surrogate pair
}

TEST_CASE("decode_source rejects binary data") {
  const std::string png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
  const DecodedSource decoded = decode_source(png);
  CHECK_FALSE(decoded.ok);
  CHECK(decoded.problem.find("binary") != std::string::npos);
}

TEST_CASE("decode_source reads invalid UTF-8 as Windows-1252") {
  const DecodedSource decoded = decode_source("a: b\nname: m\xFCller \x93x\x94\n");
  CHECK(decoded.ok);
  CHECK(decoded.repaired);
  CHECK(decoded.problem_line == 2);
  CHECK(decoded.text == "a: b\nname: m\xC3\xBCller \xE2\x80\x9Cx\xE2\x80\x9D\n");
  CHECK(is_valid_utf8(decoded.text));
}

TEST_CASE("is_valid_utf8 rejects overlong forms and surrogates") {
  CHECK(is_valid_utf8("plain \xC3\xBC"));
  CHECK_FALSE(is_valid_utf8("\xC0\xAF"));
  CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));
  CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));
  CHECK(sanitize_utf8("a\xFF" "b") == "a\xEF\xBF\xBD" "b");
}

TEST_CASE("SourceText lines ignore CR of CRLF") {
  const SourceText source("f.yaml", "one\r\ntwo\r\nthree");
  CHECK(source.line_count() == 3);
  CHECK(source.line(1) == "one");
  CHECK(source.line(2) == "two");
  CHECK(source.line(3) == "three");
  CHECK(source.line(4).empty());
  CHECK(source.line_at(source.line_offset(2)) == 2);
}

TEST_CASE("SourceText columns count UTF-16 code units") {
  // "/* 🔑 Schlüssel */ x": the key emoji takes 4 bytes and 2 UTF-16 units, ü 2 bytes and 1 unit.
  const SourceText source("f.tf", "/* \xF0\x9F\x94\x91 Schl\xC3\xBCssel */ x\n");
  const std::size_t byte_column = std::string("/* \xF0\x9F\x94\x91 Schl\xC3\xBCssel */ ").size() + 1;
  CHECK(source.utf16_column(1, static_cast<uint32_t>(byte_column)) == 20);
  const Location location = source.location(1, static_cast<uint32_t>(byte_column));
  CHECK(location.line == 1);
  CHECK(location.column == 20);
}
