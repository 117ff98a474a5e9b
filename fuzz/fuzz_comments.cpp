// Comment directives (`nhiscan:ignore`), `nhi:` metadata comments and the value
// parsers behind them: dates, durations, rotations and metadata key names; also the
// raw YAML comment finder and the comment binder over the same text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "scanner/comments.h"
#include "scanner/metadata.h"
#include "scanner/source.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace nhiscan;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  const std::string body = comment_body(text);
  if (const auto directive = parse_directive(body)) {
    if (!directive->until.empty()) Date::parse(directive->until);
  }
  if (const auto fields = parse_metadata_comment(body)) {
    for (const auto& [key, value] : *fields) {
      match_key(key);
      Date::parse(value);
      parse_rotation(value);
    }
  }
  for (const auto& [key, value] : parse_fields(text)) normalize_key(key);
  if (const auto date = Date::parse(text)) {
    // A date that parses prints back as a date that parses to the same day.
    const auto again = Date::parse(date->to_string());
    if (!again || !(*again == *date)) std::abort();
  }
  parse_duration_days(text);
  parse_rotation(text);
  match_key(text);

  DecodedSource decoded = decode_source(text);
  if (decoded.ok) {
    const SourceText source("comments.yaml", std::move(decoded.text));
    const CommentIndex index(source, yaml_comments(source), {});
    for (const Comment& comment : index.comments()) {
      index.scope(comment);
      index.target_line(comment);
      parse_directive(comment.body);
    }
  }
  return 0;
}
