// Reading governance values: dates, durations, metadata key names and the
// `nhi:` / `nhiscan:ignore` structured comments.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nhiscan {

/// A calendar date (proleptic Gregorian), stored as days since 1970-01-01.
struct Date {
  int64_t days = 0;

  /// Parse `YYYY-MM-DD`, also accepting a full ISO 8601 timestamp
  /// (`2027-03-31T12:00:00Z`), of which only the date counts.
  static std::optional<Date> parse(std::string_view text);
  static Date from_civil(int year, unsigned month, unsigned day);
  static Date today_utc();
  std::string to_string() const;

  bool operator<(const Date& other) const { return days < other.days; }
  bool operator<=(const Date& other) const { return days <= other.days; }
  bool operator>(const Date& other) const { return days > other.days; }
  bool operator==(const Date& other) const { return days == other.days; }
};

/// A duration in days, read from `<n>d|w|m|y` (a month counts 30 days, a year 365).
std::optional<int64_t> parse_duration_days(std::string_view text);

/// A rotation value: a duration, or one of the words `managed` and `federated`.
struct Rotation {
  enum class Kind { period, managed, federated } kind = Kind::period;
  int64_t days = 0;
};
std::optional<Rotation> parse_rotation(std::string_view text);

enum class MetaField { owner, purpose, last_reviewed, review_by, rotation, expires };
const char* to_string(MetaField field);  // canonical key, e.g. "review-by"
constexpr MetaField kMetaFields[] = {MetaField::owner,     MetaField::purpose,  MetaField::last_reviewed,
                                     MetaField::review_by, MetaField::rotation, MetaField::expires};

/// Key synonyms added by configuration: normalised synonym -> field.
using KeySynonyms = std::map<std::string, MetaField>;

/// Normalise a metadata key: drop a DNS prefix (`example.com/`), split camelCase,
/// lower-case, and treat `-`, `_` and `.` alike. "example.com/Review_Date" and
/// "reviewDate" both become "review-date".
std::string normalize_key(std::string_view key);

/// The governance field a metadata key names, if any.
std::optional<MetaField> match_key(std::string_view key, const KeySynonyms& extra = {});

/// `key=value` pairs of a structured comment; values may be double-quoted.
std::vector<std::pair<std::string, std::string>> parse_fields(std::string_view text);

/// The body of a comment without its marker (`#`, `//`, `/* */`) and surrounding space.
std::string comment_body(std::string_view comment);

/// If `comment_text` is an `nhi:` metadata comment, its fields; else nullopt.
std::optional<std::vector<std::pair<std::string, std::string>>> parse_metadata_comment(std::string_view body);

/// An exception written in a comment:
/// `nhiscan:ignore RULE[,RULE...] until=YYYY-MM-DD reason="..." approver=...`
/// or `nhiscan:ignore-file ...` for the whole file.
struct Directive {
  bool file_wide = false;
  std::vector<std::string> rules;  // ids or names as written
  std::string until;
  std::string reason;
  std::string approver;
  std::vector<std::string> unknown_fields;
};
std::optional<Directive> parse_directive(std::string_view body);

}  // namespace nhiscan
