// Detection of literal secret material: known credential formats found in raw text,
// and literals assigned to secret-named fields. Only masked previews leave this
// layer (HardcodedValue::masked); the values themselves are never stored.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scanner/extract/common.h"

namespace nhiscan {

/// A known credential format found at byte range [begin, end) of a text.
struct SecretMatch {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::string detector;  // "private-key", "aws-access-key-id", "github-token", ...
  std::string masked;
};

/// Known credential formats in `text`: private key blocks (and Google service account
/// JSON around one), AWS access key ids and the secret access key written near one,
/// GitHub, GitLab and Slack tokens, Slack webhook URLs. JSON Web Tokens only when
/// `include_jwt` is set, because test data is full of expired ones. Finds the fixed
/// prefixes in one pass over the text.
std::vector<SecretMatch> find_secret_formats(std::string_view text, bool include_jwt = false);

/// The detector of the first known format in `value`, or empty.
std::string secret_format(std::string_view value, bool include_jwt = false);

/// Whether a literal assigned to field `field` is a secret: a known format, or a
/// secret-named field (is_secret_value_field) holding a value that is not a
/// placeholder, an expression, a hash or digest, a file path or URL, a name of an
/// environment variable or another object, or shorter than 8 characters. Returns the
/// detector ("secret-named-field" or a format), or empty.
std::string classify_secret_literal(std::string_view field, std::string_view value);

/// is_secret_field_name, plus the Terraform arguments that set a secret store's value
/// (`secret_string`, `secret_data`, ...).
bool is_secret_value_field(std::string_view field);

/// A hash or digest rather than a secret: `sha256:...`, `@sha256:`, bcrypt, crypt(3)
/// and LDAP `{SSHA}` forms.
bool is_hash_or_digest(std::string_view value);

/// Standard or URL-safe base64, padding optional; nullopt when `text` is not base64.
std::optional<std::string> decode_base64(std::string_view text);

/// A HardcodedValue for `value` found at `location`.
HardcodedValue hardcoded_value(const Location& location, std::string field, std::string detector,
                               std::string_view value);

/// Record raw-text matches of `source` that no identity of `out` holds yet (an
/// extractor that knows the owner records it first) as `secret` identities of their
/// own, exempt from governance: the only fix for a literal secret is its removal.
void add_unowned_secrets(const SourceText& source, const std::vector<SecretMatch>& matches, ExtractOutput& out);

/// A `secret` identity for a literal found under a declaration that is not itself an
/// identity, appended to `out.identities` (governance_exempt).
Identity& add_literal_secret(ExtractOutput& out, const std::string& id, const std::string& platform,
                             const std::string& name, const Location& location);

}  // namespace nhiscan
