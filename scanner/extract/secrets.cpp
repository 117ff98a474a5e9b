#include "scanner/extract/secrets.h"

#include <cctype>
#include <cstring>
#include <map>
#include <optional>

#include "scanner/text.h"

namespace nhiscan {

namespace {

bool is_upper_alnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || is_upper_alnum(c); }
bool is_token_char(char c) { return is_alnum(c) || c == '_' || c == '-'; }
bool is_base64_char(char c) { return is_alnum(c) || c == '+' || c == '/' || c == '='; }

/// Length of the run of characters accepted by `accept` starting at `from`.
template <typename Accept>
std::size_t run_length(std::string_view text, std::size_t from, Accept accept) {
  std::size_t end = from;
  while (end < text.size() && accept(text[end])) ++end;
  return end - from;
}

bool starts_word(std::string_view text, std::size_t at) { return at == 0 || !is_token_char(text[at - 1]); }

void add(std::vector<SecretMatch>& out, std::size_t begin, std::size_t end, const char* detector,
         std::string_view value) {
  out.push_back({begin, end, detector, mask_secret(value)});
}

// -----BEGIN [RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP ]PRIVATE KEY[ BLOCK]----- with a body
// of key material before the matching END line. A header alone (in code or docs that
// parse keys) or a body elided to "..." is not a key.
void private_key_at(std::string_view text, std::size_t at, std::vector<SecretMatch>& out) {
  {
    const std::size_t label_start = at + 11;
    const std::size_t label_end = text.find("-----", label_start);
    if (label_end == std::string_view::npos || label_end - label_start > 40) return;
    const std::string_view label = text.substr(label_start, label_end - label_start);
    if (!ends_with(label, "PRIVATE KEY") && !ends_with(label, "PRIVATE KEY BLOCK")) return;
    const std::size_t body_start = label_end + 5;
    const std::size_t end_marker = text.find("-----END ", body_start);
    if (end_marker == std::string_view::npos || end_marker - body_start > 20000) return;
    const std::string_view body = text.substr(body_start, end_marker - body_start);
    // Count key characters, skipping escaped newlines ("\n" in JSON and HCL strings).
    std::size_t key_chars = 0;
    for (std::size_t i = 0; i < body.size(); ++i) {
      if (body[i] == '\\' && i + 1 < body.size()) {
        ++i;
        continue;
      }
      key_chars += is_base64_char(body[i]) ? 1 : 0;
    }
    if (key_chars < 64 || contains(body, "...")) return;
    std::size_t end = text.find("-----", end_marker + 9);
    end = end == std::string_view::npos ? end_marker + 9 : end + 5;

    // A Google service account key file wraps its key in JSON with these fields.
    const std::size_t window = at > 2000 ? at - 2000 : 0;
    const std::string_view before = text.substr(window, at - window);
    const bool google = contains(before, "private_key_id") && contains(before, "service_account");
    // The preview shows the start of the key material, never the header.
    std::size_t material = 0;
    while (material < body.size() && !is_base64_char(body[material])) {
      material += body[material] == '\\' ? 2 : 1;
    }
    add(out, at, end, google ? "gcp-service-account-key" : "private-key",
        body.substr(std::min(material, body.size())));
  }
}

/// Checks whether the 40 characters at `at` can be an AWS secret access key: base64
/// alphabet, mixed case, and not part of a longer run.
bool aws_secret_at(std::string_view text, std::size_t at) {
  if (at > 0 && is_base64_char(text[at - 1])) return false;
  if (at + 40 > text.size() || (at + 40 < text.size() && is_base64_char(text[at + 40]))) return false;
  bool lower_case = false, upper_or_digit = false;
  for (std::size_t i = at; i < at + 40; ++i) {
    const char c = text[i];
    if (!is_alnum(c) && c != '+' && c != '/') return false;
    lower_case = lower_case || (c >= 'a' && c <= 'z');
    upper_or_digit = upper_or_digit || is_upper_alnum(c);
  }
  return lower_case && upper_or_digit;
}

// AKIA followed by 16 upper-case letters or digits is a long-term access key id. Its
// secret access key is looked for within three lines on either side.
void aws_key_at(std::string_view text, std::size_t at, std::vector<SecretMatch>& out) {
  {
    if (at > 0 && is_alnum(text[at - 1])) return;
    if (run_length(text, at + 4, is_upper_alnum) != 16) return;
    if (at + 20 < text.size() && is_alnum(text[at + 20])) return;
    const std::string_view id = text.substr(at, 20);
    if (is_placeholder(id)) return;
    add(out, at, at + 20, "aws-access-key-id", id);

    std::size_t from = at, to = at + 20;
    for (int lines = 0; lines < 4 && from > 0; ++lines) {
      const std::size_t newline = text.rfind('\n', from - 1);
      from = newline == std::string_view::npos ? 0 : newline;
    }
    for (int lines = 0; lines < 4 && to < text.size(); ++lines) {
      const std::size_t newline = text.find('\n', to + 1);
      to = newline == std::string_view::npos ? text.size() : newline;
    }
    for (std::size_t i = from; i + 40 <= to; ++i) {
      if (!aws_secret_at(text, i)) continue;
      const std::string_view secret = text.substr(i, 40);
      if (!is_placeholder(secret)) add(out, i, i + 40, "aws-secret-access-key", secret);
      i += 39;
    }
  }
}

/// A token of `prefix` followed by at least `minimum` token characters.
void prefixed_token_at(std::string_view text, std::size_t at, std::string_view prefix, std::size_t minimum,
                       const char* detector, bool (*accept)(char), std::vector<SecretMatch>& out) {
  {
    if (!starts_word(text, at)) return;
    const std::size_t length = run_length(text, at + prefix.size(), accept);
    if (length < minimum) return;
    const std::string_view token = text.substr(at, prefix.size() + length);
    const std::string_view tail = token.substr(prefix.size());
    if (is_placeholder(tail)) return;
    // Real tokens mix letters and digits; "ghp_abcdefghij..." in docs does not.
    bool letter = false, digit = false;
    for (const char c : tail) {
      letter = letter || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      digit = digit || (c >= '0' && c <= '9');
    }
    if (!letter || !digit) return;
    add(out, at, at + token.size(), detector, token);
  }
}

bool is_alnum_char(char c) { return is_alnum(c); }
bool is_pat_char(char c) { return is_alnum(c) || c == '_'; }

// https://hooks.slack.com/services/T.../B.../SECRET
void slack_webhook_at(std::string_view text, std::size_t at, std::vector<SecretMatch>& out) {
  const std::size_t path = at + 25;
  const std::size_t length = run_length(text, path, [](char c) { return is_alnum(c) || c == '/'; });
  const std::string_view rest = text.substr(path, length);
  const std::vector<std::string_view> parts = split(rest, '/');
  if (parts.size() < 3 || parts[0].size() < 8 || parts[1].size() < 8 || parts[2].size() < 20) return;
  if (parts[0][0] != 'T' || parts[1][0] != 'B' || is_placeholder(parts[2]) || is_placeholder(parts[1].substr(1))) {
    return;
  }
  add(out, path, path + length, "slack-webhook", rest);
}

bool is_base64url_char(char c) { return is_alnum(c) || c == '-' || c == '_'; }

// header.payload.signature, each base64url; the header of every JWT starts with
// {"  which encodes as eyJ.
void jwt_at(std::string_view text, std::size_t at, std::vector<SecretMatch>& out) {
  {
    if (!starts_word(text, at)) return;
    std::size_t end = at;
    std::size_t parts = 0;
    while (parts < 3) {
      const std::size_t length = run_length(text, end, is_base64url_char);
      if (length < (parts == 2 ? 16 : 10)) return;
      end += length;
      ++parts;
      if (parts < 3) {
        if (end >= text.size() || text[end] != '.') return;
        ++end;
      }
    }
    const std::optional<std::string> header = decode_base64(text.substr(at, text.find('.', at) - at));
    if (!header || !contains(*header, "\"alg\"")) return;
    add(out, at, end, "jwt", text.substr(at, end - at));
  }
}

/// A fixed string that starts a known format, and what to do where it occurs.
struct Needle {
  std::string_view prefix;
  enum class Kind { private_key, aws_key, token, slack_webhook, jwt } kind;
  std::size_t minimum = 0;  // tokens: characters required after the prefix
  const char* detector = "";
  bool (*accept)(char) = is_token_char;
};

// In the order in which matches are reported: all matches of one needle, in text
// order, before those of the next needle.
const Needle kNeedles[] = {
    {"-----BEGIN ", Needle::Kind::private_key},
    {"AKIA", Needle::Kind::aws_key},
    {"ghp_", Needle::Kind::token, 36, "github-token", is_alnum_char},
    {"gho_", Needle::Kind::token, 36, "github-token", is_alnum_char},
    {"ghu_", Needle::Kind::token, 36, "github-token", is_alnum_char},
    {"ghs_", Needle::Kind::token, 36, "github-token", is_alnum_char},
    {"ghr_", Needle::Kind::token, 36, "github-token", is_alnum_char},
    {"github_pat_", Needle::Kind::token, 40, "github-token", is_pat_char},
    {"glpat-", Needle::Kind::token, 20, "gitlab-token"},
    {"gldt-", Needle::Kind::token, 20, "gitlab-token"},
    {"glrt-", Needle::Kind::token, 20, "gitlab-token"},
    {"glptt-", Needle::Kind::token, 20, "gitlab-token"},
    {"glcbt-", Needle::Kind::token, 20, "gitlab-token"},
    {"glft-", Needle::Kind::token, 20, "gitlab-token"},
    {"glsoat-", Needle::Kind::token, 20, "gitlab-token"},
    {"GR1348941", Needle::Kind::token, 20, "gitlab-token"},
    {"xoxb-", Needle::Kind::token, 20, "slack-token"},
    {"xoxp-", Needle::Kind::token, 20, "slack-token"},
    {"xoxa-", Needle::Kind::token, 20, "slack-token"},
    {"xoxr-", Needle::Kind::token, 20, "slack-token"},
    {"xoxs-", Needle::Kind::token, 20, "slack-token"},
    {"xoxe-", Needle::Kind::token, 20, "slack-token"},
    {"hooks.slack.com/services/", Needle::Kind::slack_webhook},
    {"eyJ", Needle::Kind::jwt},
};
constexpr std::size_t kNeedleCount = sizeof kNeedles / sizeof kNeedles[0];

/// For each byte value, the needles that start with it, as a bit set over kNeedles.
struct FirstByteTable {
  uint32_t needles[256] = {};
  explicit FirstByteTable(bool include_jwt) {
    for (std::size_t i = 0; i < kNeedleCount; ++i) {
      if (kNeedles[i].kind == Needle::Kind::jwt && !include_jwt) continue;
      needles[static_cast<unsigned char>(kNeedles[i].prefix[0])] |= 1u << i;
    }
  }
};
static_assert(kNeedleCount <= 32, "FirstByteTable holds one bit per needle");

bool looks_like_identifier(std::string_view value) {
  // ENV_VAR_NAME, or lower-case words joined by '-', '_' or '.' (a name of a Secret,
  // a key or a parameter rather than its value).
  bool upper = true;
  for (const char c : value) upper = upper && (is_upper_alnum(c) || c == '_');
  if (upper) return true;
  bool separator = false, word = true;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c == '-' || c == '_' || c == '.') {
      separator = true;
      word = word && i > 0 && i + 1 < value.size();
    } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9' && i > 0))) {
      word = false;
    }
  }
  return separator && word;
}

bool looks_like_path_or_reference(std::string_view value) {
  static const char* const kPrefixes[] = {"/",    "./",     "../",     "~/",       "file:",    "arn:",
                                          "projects/", "secret/", "kv/",   "vault:",   "ref+",     "op://",
                                          "sm://", "gcp:",  "aws:",    "azure:",   "keyvault:", "secretsmanager:",
                                          "env:", "http://", "https://", "s3://", "gs://"};
  for (const char* prefix : kPrefixes) {
    // A URL with user information (https://user:password@host) carries a secret.
    if (starts_with(value, prefix) && !(contains(prefix, "://") && contains(value, "@"))) return true;
  }
  static const char* const kSuffixes[] = {".json", ".pem", ".key", ".crt", ".cer", ".txt", ".p12",
                                          ".pfx",  ".jks", ".yaml", ".yml", ".env", ".der", ".pub"};
  const std::string text = lower(value);
  for (const char* suffix : kSuffixes) {
    if (ends_with(text, suffix)) return true;
  }
  return false;
}

}  // namespace

std::optional<std::string> decode_base64(std::string_view text) {
  const auto digit = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
  };
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  bool padding = false;
  for (const char c : text) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    if (c == '=') {
      padding = true;
      continue;
    }
    const int value = digit(c);
    if (value < 0 || padding) return std::nullopt;
    buffer = (buffer << 6) | static_cast<uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

std::vector<SecretMatch> find_secret_formats(std::string_view text, bool include_jwt) {
  // One pass over the text: most bytes start no needle, so a table lookup per byte
  // costs less than a substring search per needle.
  static const FirstByteTable kWithJwt(true), kWithoutJwt(false);
  const FirstByteTable& first = include_jwt ? kWithJwt : kWithoutJwt;
  std::vector<SecretMatch> found[kNeedleCount];
  const std::size_t size = text.size();
  const char* const data = text.data();
  for (std::size_t at = 0; at < size; ++at) {
    uint32_t candidates = first.needles[static_cast<unsigned char>(data[at])];
    while (candidates) {
      const int index = __builtin_ctz(candidates);
      candidates &= candidates - 1;
      const Needle& needle = kNeedles[index];
      // Every prefix is at least 3 bytes: test the second byte before the whole prefix.
      if (size - at < needle.prefix.size() || data[at + 1] != needle.prefix[1] ||
          std::memcmp(data + at, needle.prefix.data(), needle.prefix.size()) != 0) {
        continue;
      }
      std::vector<SecretMatch>& out = found[index];
      switch (needle.kind) {
        case Needle::Kind::private_key:
          private_key_at(text, at, out);
          break;
        case Needle::Kind::aws_key:
          aws_key_at(text, at, out);
          break;
        case Needle::Kind::token:
          prefixed_token_at(text, at, needle.prefix, needle.minimum, needle.detector, needle.accept, out);
          break;
        case Needle::Kind::slack_webhook:
          slack_webhook_at(text, at, out);
          break;
        case Needle::Kind::jwt:
          jwt_at(text, at, out);
          break;
      }
    }
  }
  std::vector<SecretMatch> out;
  for (std::vector<SecretMatch>& matches : found) {
    for (SecretMatch& match : matches) out.push_back(std::move(match));
  }
  return out;
}

std::string secret_format(std::string_view value, bool include_jwt) {
  const std::vector<SecretMatch> matches = find_secret_formats(value, include_jwt);
  return matches.empty() ? std::string() : matches.front().detector;
}

bool is_hash_or_digest(std::string_view value) {
  static const char* const kPrefixes[] = {"sha256:", "sha512:", "sha384:", "sha1:", "md5:", "$2a$",  "$2b$", "$2y$",
                                          "$argon2", "$5$",     "$6$",     "$1$",   "{SSHA}", "{SHA}", "{SSHA512}",
                                          "{bcrypt}", "{noop}",  "pbkdf2"};
  for (const char* prefix : kPrefixes) {
    if (starts_with(value, prefix)) return true;
  }
  return contains(value, "@sha256:");
}

bool is_secret_value_field(std::string_view field) {
  if (is_secret_field_name(field)) return true;
  // Terraform arguments that hold the value of a secret in a secret store.
  static const char* const kValueFields[] = {"secret_string", "secret_data", "secret_binary", "secret_string_wo",
                                             "secret_data_wo", "password_wo"};
  const std::string name = lower(field);
  for (const char* known : kValueFields) {
    if (name == known) return true;
  }
  return false;
}

std::string classify_secret_literal(std::string_view field, std::string_view value) {
  const std::string_view text = trim(value);
  std::string format = secret_format(text);
  if (!format.empty()) return format;
  if (!is_secret_value_field(field)) return {};
  if (text.size() < 8 || is_placeholder(text) || is_hash_or_digest(text)) return {};
  // A value that repeats its field's name ("password" in POSTGRES_PASSWORD) or starts
  // with "your" ("yourpassword") is a placeholder, not a secret.
  const auto letters = [](std::string_view part) {
    std::string out;
    for (const char c : part) {
      if (is_alnum(c)) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
  };
  const std::string compact = letters(text);
  if (contains(letters(field), compact) || starts_with(compact, "your")) return {};
  for (const char c : text) {
    if (c == ' ' || c == '\t' || c == '\n') return {};
  }
  if (text == "true" || text == "false" || looks_like_identifier(text) || looks_like_path_or_reference(text)) return {};
  bool digits = true;
  for (const char c : text) digits = digits && ((c >= '0' && c <= '9') || c == '.');
  if (digits) return {};
  return "secret-named-field";
}

HardcodedValue hardcoded_value(const Location& location, std::string field, std::string detector,
                               std::string_view value) {
  HardcodedValue out;
  out.location = location;
  out.field = std::move(field);
  out.detector = std::move(detector);
  out.masked = mask_secret(trim(value));
  return out;
}

Identity& add_literal_secret(ExtractOutput& out, const std::string& id, const std::string& platform,
                             const std::string& name, const Location& location) {
  for (Identity& identity : out.identities) {
    if (identity.id == id && identity.kind == IdentityKind::secret && identity.governance_exempt) return identity;
  }
  Identity identity;
  identity.id = id;
  identity.kind = IdentityKind::secret;
  identity.platform = platform;
  identity.name = name;
  identity.location = location;
  identity.governance_exempt = true;
  identity.attributes["literal"] = "true";
  out.identities.push_back(std::move(identity));
  return out.identities.back();
}

void add_unowned_secrets(const SourceText& source, const std::vector<SecretMatch>& matches, ExtractOutput& out) {
  if (matches.empty()) return;
  // Values already recorded by an extractor, as line spans of this file.
  std::vector<Location> known;
  for (const Identity& identity : out.identities) {
    for (const HardcodedValue& value : identity.hardcoded) {
      if (value.location.file == source.path()) known.push_back(value.location);
    }
  }
  std::map<std::string, int> ordinal;
  for (const SecretMatch& match : matches) {
    const Location where = source.location_of_range(match.begin, match.end);
    bool recorded = false;
    for (const Location& other : known) {
      const uint32_t other_end = std::max(other.end_line, other.line);
      const uint32_t end = std::max(where.end_line, where.line);
      recorded = recorded || (where.line <= other_end && other.line <= end);
    }
    if (recorded) continue;
    // Numbered per detector within the file, so that the id (and the fingerprint) does
    // not change when unrelated lines move.
    const std::string id = "literal:" + source.path() + "#" + match.detector + "-" +
                           std::to_string(++ordinal[match.detector]);
    Identity& identity = add_literal_secret(out, id, "generic", match.detector + " in " + source.path(), where);
    HardcodedValue value;
    value.location = where;
    value.detector = match.detector;
    value.masked = match.masked;
    identity.hardcoded.push_back(std::move(value));
    known.push_back(where);
  }
}

}  // namespace nhiscan
