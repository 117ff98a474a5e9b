#include "scanner/metadata.h"

#include <chrono>
#include <cstdio>

#include "scanner/text.h"

namespace nhiscan {

namespace {

// Days from civil date and back: Howard Hinnant's public-domain algorithms for the
// proleptic Gregorian calendar.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

unsigned days_in_month(int64_t year, unsigned month) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

struct Synonym {
  const char* key;
  MetaField field;
};

constexpr Synonym kSynonyms[] = {
    {"owner", MetaField::owner},
    {"owners", MetaField::owner},
    {"owned-by", MetaField::owner},
    {"team", MetaField::owner},
    {"contact", MetaField::owner},
    {"maintainer", MetaField::owner},
    {"purpose", MetaField::purpose},
    {"description", MetaField::purpose},
    {"last-reviewed", MetaField::last_reviewed},
    {"reviewed", MetaField::last_reviewed},
    {"reviewed-on", MetaField::last_reviewed},
    {"last-review", MetaField::last_reviewed},
    {"review-by", MetaField::review_by},
    {"review-date", MetaField::review_by},
    {"next-review", MetaField::review_by},
    {"review-due", MetaField::review_by},
    {"recertify-by", MetaField::review_by},
    {"rotation", MetaField::rotation},
    {"rotation-period", MetaField::rotation},
    {"rotate-every", MetaField::rotation},
    {"expires", MetaField::expires},
    {"expiry", MetaField::expires},
    {"expires-at", MetaField::expires},
    {"expiration", MetaField::expires},
};

}  // namespace

std::optional<Date> Date::parse(std::string_view text) {
  text = trim(text);
  if (text.size() < 10) return std::nullopt;
  const std::string_view date = text.substr(0, 10);
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (!is_digit(date[i])) return std::nullopt;
  }
  if (date[4] != '-' || date[7] != '-') return std::nullopt;
  // Anything after the date must be a time part.
  if (text.size() > 10 && text[10] != 'T' && text[10] != 't' && text[10] != ' ') return std::nullopt;
  const int year = std::stoi(std::string(date.substr(0, 4)));
  const unsigned month = static_cast<unsigned>(std::stoi(std::string(date.substr(5, 2))));
  const unsigned day = static_cast<unsigned>(std::stoi(std::string(date.substr(8, 2))));
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return std::nullopt;
  return from_civil(year, month, day);
}

Date Date::from_civil(int year, unsigned month, unsigned day) { return Date{days_from_civil(year, month, day)}; }

Date Date::today_utc() {
  const auto now = std::chrono::system_clock::now();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  int64_t days = seconds / 86400;
  if (seconds < 0 && seconds % 86400 != 0) --days;
  return Date{days};
}

std::string Date::to_string() const {
  int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  char out[32];
  std::snprintf(out, sizeof out, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  return out;
}

std::optional<int64_t> parse_duration_days(std::string_view text) {
  text = trim(text);
  if (text.size() < 2) return std::nullopt;
  const char unit = static_cast<char>(text.back() | 0x20);
  const std::string_view number = text.substr(0, text.size() - 1);
  if (number.size() > 6) return std::nullopt;
  for (const char c : number) {
    if (!is_digit(c)) return std::nullopt;
  }
  const int64_t n = std::stoll(std::string(number));
  switch (unit) {
    case 'd': return n;
    case 'w': return n * 7;
    case 'm': return n * 30;
    case 'y': return n * 365;
    default: return std::nullopt;
  }
}

std::optional<Rotation> parse_rotation(std::string_view text) {
  const std::string word = lower(trim(text));
  if (word == "managed") return Rotation{Rotation::Kind::managed, 0};
  if (word == "federated") return Rotation{Rotation::Kind::federated, 0};
  if (const auto days = parse_duration_days(word); days && *days > 0) return Rotation{Rotation::Kind::period, *days};
  return std::nullopt;
}

const char* to_string(MetaField field) {
  switch (field) {
    case MetaField::owner: return "owner";
    case MetaField::purpose: return "purpose";
    case MetaField::last_reviewed: return "last-reviewed";
    case MetaField::review_by: return "review-by";
    case MetaField::rotation: return "rotation";
    case MetaField::expires: return "expires";
  }
  return "";
}

std::string normalize_key(std::string_view key) {
  const std::size_t slash = key.rfind('/');
  if (slash != std::string_view::npos) key = key.substr(slash + 1);
  std::string out;
  out.reserve(key.size() + 4);
  for (std::size_t i = 0; i < key.size(); ++i) {
    const char c = key[i];
    if (c == '-' || c == '_' || c == '.' || c == ' ') {
      if (!out.empty() && out.back() != '-') out += '-';
      continue;
    }
    if (c >= 'A' && c <= 'Z') {
      // camelCase boundary: "reviewBy" -> "review-by".
      if (i > 0 && key[i - 1] >= 'a' && key[i - 1] <= 'z' && !out.empty() && out.back() != '-') out += '-';
      out += static_cast<char>(c - 'A' + 'a');
      continue;
    }
    out += c;
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

std::optional<MetaField> match_key(std::string_view key, const KeySynonyms& extra) {
  const std::string normalized = normalize_key(key);
  for (const Synonym& synonym : kSynonyms) {
    if (normalized == synonym.key) return synonym.field;
  }
  const auto found = extra.find(normalized);
  if (found != extra.end()) return found->second;
  return std::nullopt;
}

std::vector<std::pair<std::string, std::string>> parse_fields(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> fields;
  std::size_t i = 0;
  const auto skip_space = [&] {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == ',' || text[i] == ';')) ++i;
  };
  while (true) {
    skip_space();
    if (i >= text.size()) break;
    const std::size_t key_start = i;
    while (i < text.size() && text[i] != '=' && text[i] != ' ' && text[i] != '\t') ++i;
    const std::string key(text.substr(key_start, i - key_start));
    if (i >= text.size() || text[i] != '=') {
      fields.emplace_back(key, std::string());  // a bare word
      continue;
    }
    ++i;  // '='
    std::string value;
    if (i < text.size() && (text[i] == '"' || text[i] == '\'')) {
      const char quote = text[i++];
      while (i < text.size() && text[i] != quote) {
        if (text[i] == '\\' && i + 1 < text.size()) ++i;
        value += text[i++];
      }
      if (i < text.size()) ++i;  // closing quote
    } else {
      const std::size_t value_start = i;
      while (i < text.size() && text[i] != ' ' && text[i] != '\t' && text[i] != ',' && text[i] != ';') ++i;
      value = std::string(text.substr(value_start, i - value_start));
    }
    fields.emplace_back(key, value);
  }
  return fields;
}

std::string comment_body(std::string_view comment) {
  comment = trim(comment);
  if (starts_with(comment, "/*")) {
    comment.remove_prefix(2);
    if (ends_with(comment, "*/")) comment.remove_suffix(2);
  } else if (starts_with(comment, "//")) {
    comment.remove_prefix(2);
  } else if (starts_with(comment, "#")) {
    comment.remove_prefix(1);
  }
  return std::string(trim(comment));
}

std::optional<std::vector<std::pair<std::string, std::string>>> parse_metadata_comment(std::string_view body) {
  body = trim(body);
  if (!starts_with(lower(body.substr(0, 4)), "nhi:")) return std::nullopt;
  return parse_fields(body.substr(4));
}

std::optional<Directive> parse_directive(std::string_view body) {
  body = trim(body);
  Directive directive;
  constexpr std::string_view kFile = "nhiscan:ignore-file";
  constexpr std::string_view kLine = "nhiscan:ignore";
  if (starts_with(body, kFile)) {
    directive.file_wide = true;
    body.remove_prefix(kFile.size());
  } else if (starts_with(body, kLine)) {
    body.remove_prefix(kLine.size());
  } else {
    return std::nullopt;
  }
  // Anything glued to the keyword ("nhiscan:ignored") is not a directive.
  if (!body.empty() && body.front() != ' ' && body.front() != '\t') return std::nullopt;

  for (const auto& [key, value] : parse_fields(body)) {
    if (value.empty() && key.find('=') == std::string::npos && !key.empty() &&
        key != "until" && key != "reason" && key != "approver") {
      for (std::string_view rule : split(key, ',')) {
        if (!trim(rule).empty()) directive.rules.emplace_back(trim(rule));
      }
      continue;
    }
    const std::string name = lower(key);
    if (name == "until" || name == "expires") {
      directive.until = value;
    } else if (name == "reason") {
      directive.reason = value;
    } else if (name == "approver" || name == "approved-by") {
      directive.approver = value;
    } else {
      directive.unknown_fields.push_back(key);
    }
  }
  return directive;
}

}  // namespace nhiscan
