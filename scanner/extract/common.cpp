#include "scanner/extract/common.h"

#include <cctype>

#include "scanner/metadata.h"
#include "scanner/text.h"

namespace nhiscan {

Identity per_run_token(const std::string& id, IdentityKind kind, const std::string& platform, const std::string& name,
                       const Location& location, bool federated) {
  Identity token;
  token.id = id;
  token.kind = kind;
  token.platform = platform;
  token.name = name;
  token.location = location;
  token.ephemeral = true;
  Credential credential;
  credential.long_lived = false;
  credential.federated = federated;
  credential.is_static = false;
  token.credential = credential;
  return token;
}

std::vector<MetaEntry> comment_metadata(const FileView& file, uint32_t line, uint32_t end) {
  std::vector<MetaEntry> entries;
  if (!file.comments || !file.source) return entries;
  for (const Comment* comment : file.comments->comments_for(line, end)) {
    const auto fields = parse_metadata_comment(comment->body);
    if (!fields) continue;
    for (const auto& [key, value] : *fields) {
      MetaEntry entry;
      entry.key = key;
      entry.value = value;
      entry.location = file.source->location(comment->line, comment->column);
      entry.source = "comment";
      entries.push_back(std::move(entry));
    }
  }
  return entries;
}

void add_native_metadata(Identity& identity, std::vector<MetaEntry> entries) {
  for (MetaEntry& entry : entries) identity.native_metadata.push_back(std::move(entry));
}

bool is_expression(std::string_view value) {
  return contains(value, "${") || contains(value, "$(") || contains(value, "{{") || contains(value, "<<") ||
         contains(value, "#{") || contains(value, "%{") ||
         (starts_with(value, "$") && value.size() > 1 &&
          (std::isalpha(static_cast<unsigned char>(value[1])) || value[1] == '_'));
}

bool is_placeholder(std::string_view value) {
  const std::string_view text = trim(value);
  if (text.size() < 4) return true;
  if (is_expression(text)) return true;
  if ((starts_with(text, "<") && ends_with(text, ">")) || (starts_with(text, "[") && ends_with(text, "]"))) return true;
  const std::string word = lower(text);
  static const char* const kWords[] = {"replace", "changeme", "change-me", "change_me", "example", "placeholder",
                                       "your-",   "your_",    "dummy",     "redacted",  "xxxx",    "****",
                                       "todo",    "fixme",    "notasecret", "not-a-secret", "sample", "insert"};
  for (const char* marker : kWords) {
    if (contains(word, marker)) return true;
  }
  // One character repeated ("aaaaaaaa", "00000000").
  bool repeated = true;
  for (const char c : text) repeated = repeated && c == text.front();
  return repeated;
}

bool is_secret_field_name(std::string_view name) {
  const std::string key = lower(name);
  static const char* const kExact[] = {"password",       "passwd",        "pwd",        "secret",
                                       "token",          "api_key",       "apikey",     "api-key",
                                       "private_key",    "privatekey",    "private-key", "client_secret",
                                       "clientsecret",   "client-secret", "access_key", "secret_key",
                                       "secret_access_key", "access-key", "secret-key", "auth_token",
                                       "credentials",    "credential",    "plaintext_value", "value_wo"};
  for (const char* word : kExact) {
    if (key == word) return true;
  }
  static const char* const kSuffixes[] = {"_password", "-password", "password", "_secret", "-secret", "_token",
                                          "-token",    "_api_key",  "-api-key", "_apikey", "_private_key",
                                          "_access_key", "_secret_key", "secretkey", "accesskey"};
  for (const char* suffix : kSuffixes) {
    if (ends_with(key, suffix)) return true;
  }
  return false;
}

}  // namespace nhiscan
