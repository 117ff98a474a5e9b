#include "scanner/extract/ci_common.h"

#include <algorithm>
#include <cctype>
#include <regex>
#include <set>

#include "scanner/regex.h"
#include "scanner/text.h"

namespace nhiscan {

namespace {

bool is_name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

/// Length of the identifier at `text[at]`, 0 when none starts there.
std::size_t name_length(std::string_view text, std::size_t at) {
  if (at >= text.size() || !is_name_start(text[at])) return 0;
  std::size_t end = at + 1;
  while (end < text.size() && is_name_char(text[end])) ++end;
  return end - at;
}

struct Match {
  std::size_t begin;   // byte offset of the `$`
  std::size_t length;  // of the whole reference
  std::string name;
};

// $NAME, ${NAME...}, $env:NAME. `$$` is an escaped dollar (GitLab) or the shell's PID,
// `$(` a command substitution and `$[[` a GitLab input: none of them names a variable.
std::vector<Match> shell_matches(std::string_view text) {
  std::vector<Match> matches;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$') continue;
    if (i + 1 < text.size() && text[i + 1] == '$') {
      ++i;
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '{') {
      const std::size_t length = name_length(text, i + 2);
      if (!length) continue;
      const std::size_t close = text.find('}', i + 2 + length);
      const std::size_t end = close == std::string_view::npos ? i + 2 + length : close + 1;
      matches.push_back({i, end - i, std::string(text.substr(i + 2, length))});
      i = end - 1;
      continue;
    }
    if (text.substr(i + 1, 4) == "env:") {
      const std::size_t length = name_length(text, i + 5);
      if (!length) continue;
      matches.push_back({i, 5 + length, std::string(text.substr(i + 5, length))});
      i += 4 + length;
      continue;
    }
    const std::size_t length = name_length(text, i + 1);
    if (!length) continue;
    matches.push_back({i, 1 + length, std::string(text.substr(i + 1, length))});
    i += length;
  }
  return matches;
}

// $(NAME) macros and $[variables.NAME] runtime expressions. A macro name may contain dots
// (System.AccessToken, step.outputVariable) and dashes. `$(command args)` in a script is
// a command substitution and has a space, so it does not match.
std::vector<Match> macro_matches(std::string_view text) {
  static const std::regex kRuntime(R"(\$\[\s*variables\s*(?:\.\s*([A-Za-z_][\w.\-]*)|\[\s*'([^']+)'\s*\]))", kRegexSyntax);
  std::vector<Match> matches;
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] != '$' || text[i + 1] != '(') continue;
    std::size_t end = i + 2;
    if (end >= text.size() || !is_name_start(text[end])) continue;
    while (end < text.size() && (is_name_char(text[end]) || text[end] == '.' || text[end] == '-')) ++end;
    if (end >= text.size() || text[end] != ')') continue;
    matches.push_back({i, end + 1 - i, std::string(text.substr(i + 2, end - i - 2))});
    i = end;
  }
  // std::regex is slow, and most lines have no runtime expression.
  if (!contains(text, "$[")) return matches;
  const std::string line(text);
  for (auto it = std::sregex_iterator(line.begin(), line.end(), kRuntime); it != std::sregex_iterator(); ++it) {
    const std::string name = (*it)[1].matched ? (*it)[1].str() : (*it)[2].str();
    matches.push_back({static_cast<std::size_t>(it->position()), static_cast<std::size_t>(it->length()), name});
  }
  return matches;
}

/// Upper-case words of a variable name, split at separators and camelCase humps:
/// "ciGCSServiceAccountKey" -> CI GCS SERVICE ACCOUNT KEY.
std::vector<std::string> name_words(std::string_view name) {
  std::vector<std::string> words;
  std::string current;
  const auto flush = [&] {
    if (!current.empty()) words.push_back(current);
    current.clear();
  };
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (!std::isalnum(c)) {
      flush();
      continue;
    }
    if (std::isupper(c) && i > 0) {
      const auto previous = static_cast<unsigned char>(name[i - 1]);
      const bool next_lower = i + 1 < name.size() && std::islower(static_cast<unsigned char>(name[i + 1]));
      if (std::islower(previous) || std::isdigit(previous) || (std::isupper(previous) && next_lower)) flush();
    }
    current += static_cast<char>(std::toupper(c));
  }
  flush();
  return words;
}

bool has_word(const std::vector<std::string>& words, std::string_view word) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

/// True when `first` is directly followed by `second` somewhere in `words`.
bool has_pair(const std::vector<std::string>& words, std::string_view first, std::string_view second) {
  for (std::size_t i = 0; i + 1 < words.size(); ++i) {
    if (words[i] == first && words[i + 1] == second) return true;
  }
  return false;
}

bool ends_with_words(const std::vector<std::string>& words, std::initializer_list<std::string_view> tail) {
  if (words.size() < tail.size()) return false;
  std::size_t i = words.size() - tail.size();
  for (const std::string_view word : tail) {
    if (words[i++] != word) return false;
  }
  return true;
}

}  // namespace

std::vector<TextReference> find_variable_references(const FileView& file, const YamlDocument& document,
                                                    ReferenceSyntax syntax) {
  std::vector<TextReference> references;
  const SourceText& source = *file.source;
  std::map<uint32_t, uint32_t> comment_columns;
  if (file.comments) {
    for (const Comment& comment : file.comments->comments()) comment_columns[comment.line] = comment.column;
  }
  const ScalarIndex scalars(document);

  const uint32_t last = std::min<uint32_t>(document.last_line, static_cast<uint32_t>(source.line_count()));
  for (uint32_t line = std::max<uint32_t>(document.first_line, 1); line <= last; ++line) {
    std::string_view text = source.line(line);
    const std::string_view content = trim(text);
    if (content.empty() || content.front() == '#') continue;  // YAML or shell comment line
    if (const auto comment = comment_columns.find(line); comment != comment_columns.end()) {
      text = text.substr(0, comment->second - 1);
    }
    const std::vector<Match> matches = syntax == ReferenceSyntax::shell ? shell_matches(text) : macro_matches(text);
    for (const Match& match : matches) {
      TextReference reference;
      reference.name = match.name;
      reference.line = line;
      reference.column = static_cast<uint32_t>(match.begin) + 1;
      reference.location = source.location(line, reference.column, line, reference.column + static_cast<uint32_t>(match.length));
      reference.node = scalars.at(line, reference.column);
      references.push_back(std::move(reference));
    }
  }
  return references;
}

ScalarIndex::ScalarIndex(const YamlDocument& document) {
  document.walk([&](YamlId id) {
    const YamlNode& node = document.node(id);
    if (node.type == YamlNode::Type::scalar) starts_.push_back({node.line, node.column, id});
  });
  std::sort(starts_.begin(), starts_.end(), [](const Start& a, const Start& b) {
    return a.line != b.line ? a.line < b.line : a.column < b.column;
  });
}

YamlId ScalarIndex::at(uint32_t line, uint32_t column) const {
  const auto after = std::upper_bound(starts_.begin(), starts_.end(), std::make_pair(line, column),
                                      [](const std::pair<uint32_t, uint32_t>& position, const Start& start) {
                                        return position.first != start.line ? position.first < start.line
                                                                            : position.second < start.column;
                                      });
  if (after == starts_.begin()) return kNoYamlNode;
  return std::prev(after)->id;
}

void add_reach(const YamlDocument& document, YamlId root, Reach& reach, uint32_t merge_line) {
  if (root == kNoYamlNode) return;
  if (reach.reached.size() != document.nodes.size()) {
    reach.reached.assign(document.nodes.size(), false);
    reach.merge_line.assign(document.nodes.size(), 0);
  }
  std::vector<std::pair<YamlId, uint32_t>> stack{{root, merge_line}};
  while (!stack.empty()) {
    const auto [id, merge] = stack.back();
    stack.pop_back();
    if (reach.reached[id]) continue;
    reach.reached[id] = true;
    reach.merge_line[id] = merge;
    const YamlNode& node = document.node(id);
    for (const YamlId item : node.items) stack.push_back({item, merge});
    for (const YamlEntry& entry : node.entries) {
      const uint32_t line = merge ? merge : entry.merge_line;
      stack.push_back({entry.key, line});
      stack.push_back({entry.value, line});
    }
  }
}

std::vector<std::string> key_path(const YamlDocument& document, YamlId from, YamlId target) {
  // Depth first, last child first, with one shared path of keys instead of a copy per
  // node. A frame's `next` counts the children already entered: entries from the last,
  // then items from the last.
  struct Frame {
    YamlId id;
    std::size_t next;
    bool keyed;  // entered through a mapping entry, whose key ends `path`
  };
  std::vector<std::string> path;
  std::vector<bool> seen(document.nodes.size(), false);
  std::vector<Frame> stack;
  // Returns whether a key of `id` is the target, with that key appended to `path`.
  // Every key of a mapping is compared before any of its children is entered.
  const auto enter = [&](YamlId id, bool keyed) {
    if (seen[id]) {
      if (keyed) path.pop_back();
      return false;
    }
    seen[id] = true;
    for (const YamlEntry& entry : document.node(id).entries) {
      if (entry.key != target) continue;
      path.push_back(document.node(entry.key).value);
      return true;
    }
    stack.push_back({id, 0, keyed});
    return false;
  };

  if (from == target || from >= document.nodes.size()) return {};
  if (enter(from, false)) return path;
  while (!stack.empty()) {
    Frame& frame = stack.back();
    const YamlNode& node = document.node(frame.id);
    const std::size_t entries = node.entries.size();
    if (frame.next == entries + node.items.size()) {
      if (frame.keyed) path.pop_back();
      stack.pop_back();
      continue;
    }
    const std::size_t child = frame.next++;
    YamlId id;
    const bool keyed = child < entries;
    if (keyed) {
      const YamlEntry& entry = node.entries[entries - 1 - child];
      path.push_back(document.node(entry.key).value);
      id = entry.value;
    } else {
      id = node.items[node.items.size() - 1 - (child - entries)];
    }
    if (id == target || enter(id, keyed)) return path;
  }
  return {};
}

bool is_credential_variable_name(std::string_view name) {
  const std::vector<std::string> words = name_words(name);
  if (words.empty()) return false;
  if (words.size() == 1 && words.front() == "PWD") return false;  // the shell's working directory
  if (ends_with_words(words, {"ACCESS", "KEY", "ID"})) return true;
  if (has_word(words, "PUBLIC") || has_word(words, "PUB")) return false;

  static const std::set<std::string, std::less<>> kSecretWords = {
      "TOKEN",    "TOKENS",     "SECRET",    "SECRETS", "PASSWORD", "PASSWORDS", "PASSWD", "PASS",
      "PWD",      "PASSPHRASE", "APIKEY",    "PAT",     "CREDENTIALS", "CREDENTIAL", "CREDS", "CRED",
      "PRIVATEKEY", "KEY",      "KEYS",      "AUTH",    "SAS",      "WEBHOOK",   "JWT",    "CONNECTIONSTRING"};
  // Last words that name an identifier, a location or a setting rather than a secret.
  // PATH and FILE are not among them: CI systems expose file-type secrets (a GPG key, a
  // kubeconfig) as the path of a temporary file, so GPG_KEY_PATH names a file that contains a key.
  static const std::set<std::string, std::less<>> kNotSecretLast = {
      "ID",      "IDS",      "NAME",     "NAMES",   "USER",    "USERNAME", "USERS",     "LOGIN",    "EMAIL",
      "DIR",     "FOLDER",   "URL",      "URI",     "ENDPOINT", "HOST",    "HOSTNAME",
      "PORT",    "REGION",   "ZONE",     "LOCATION", "VERSION", "TYPE",    "KIND",      "MODE",     "ENABLED",
      "DISABLED", "ENABLE",  "FLAG",     "EXPIRY",  "EXPIRES", "EXPIRATION", "TTL",     "LENGTH",   "SIZE",
      "COUNT",   "FORMAT",   "ARN",      "PROJECT", "ACCOUNT", "TENANT",   "SUBSCRIPTION", "ORG",   "OWNER", "OWNERS",
      "HEADER",  "PREFIX",   "SUFFIX",   "SCOPE",   "SCOPES",  "AUDIENCE", "ISSUER",    "REF",      "BRANCH",
      "DESCRIPTION", "LABEL", "ROLE",    "CONFIG",  "SERVER",  "REGISTRY", "REPO",      "REPOSITORY", "BUCKET",
      "CONTAINER", "VAULT",  "STORE",    "FINGERPRINT", "THUMBPRINT", "KEYID", "ALGORITHM", "LIFETIME",
      "SHA256",  "SHA1",     "HASH",     "CHECKSUM", "DIGEST",  "CODE"};
  // Keys that look things up rather than unlock them: JobKey, CACHE_KEY, PARTITION_KEY.
  static const std::set<std::string, std::less<>> kLookupKeys = {
      "JOB", "CACHE", "SORT", "PARTITION", "ROW", "LOOKUP", "INDEX", "MATRIX", "GROUP", "IDEMPOTENCY",
      "FOREIGN", "HASH", "DEDUP", "SHARD", "ROUTING"};
  if (words.size() >= 2 && words.back() == "KEY" && kLookupKeys.count(words[words.size() - 2])) return false;
  const bool url_with_secret = has_word(words, "SAS") || has_word(words, "WEBHOOK");
  if (kNotSecretLast.count(words.back()) && !url_with_secret) return false;
  for (const std::string& word : words) {
    if (kSecretWords.count(word)) return true;
  }
  return has_pair(words, "CONNECTION", "STRING") || has_pair(words, "PRIVATE", "KEY") || has_pair(words, "API", "KEY");
}

CloudVariable classify_cloud_variable(std::string_view name) {
  CloudVariable result;
  const std::vector<std::string> words = name_words(name);
  if (words.empty()) return result;
  const auto set = [&](const char* cloud, bool static_key) {
    result.cloud = cloud;
    result.static_key = static_key;
    result.federated = !static_key;
  };

  // AWS: the key pair (optionally prefixed, e.g. PROD_AWS_SECRET_ACCESS_KEY), or a web
  // identity token for an OIDC exchange.
  if (has_pair(words, "WEB", "IDENTITY") && has_word(words, "TOKEN")) {
    set("aws", false);
    return result;
  }
  const bool aws_pair = ends_with_words(words, {"ACCESS", "KEY", "ID"}) || ends_with_words(words, {"SECRET", "ACCESS", "KEY"});
  if (aws_pair || (has_word(words, "AWS") && (has_word(words, "SECRET") || has_pair(words, "ACCESS", "KEY") ||
                                              has_pair(words, "SESSION", "TOKEN")))) {
    set("aws", true);
    return result;
  }

  // Azure: a service principal's client secret, certificate password or SDK credentials
  // JSON; OIDC switches and federated token files of the azurerm provider and SDKs.
  const bool azure_word = has_word(words, "AZURE") || has_word(words, "ARM") || has_word(words, "AAD") ||
                          has_word(words, "SPA") || has_word(words, "SPN") || has_word(words, "SP") ||
                          has_word(words, "ENTRA");
  if (azure_word && (has_word(words, "OIDC") || (has_word(words, "FEDERATED") && has_word(words, "TOKEN")))) {
    set("azure", false);
    return result;
  }
  if ((has_pair(words, "CLIENT", "SECRET") && azure_word) ||
      (azure_word && (has_word(words, "CREDENTIALS") || has_word(words, "PASSWORD"))) ||
      (has_pair(words, "SERVICE", "PRINCIPAL") && (has_word(words, "SECRET") || has_word(words, "PASSWORD")))) {
    set("azure", true);
    return result;
  }

  // GCP: a service account key (JSON) under a Google or service-account name. API keys
  // (GOOGLE_API_KEY) call APIs but are no identity login.
  if (has_word(words, "API")) return result;
  const bool gcp_word = has_word(words, "GCLOUD") || has_word(words, "GCP") || has_word(words, "GOOGLE") ||
                        has_word(words, "GCS") || has_word(words, "GKE");
  const bool key_word = has_word(words, "KEY") || has_word(words, "KEYFILE") || has_word(words, "CREDENTIALS") ||
                        has_word(words, "CREDENTIAL") || has_word(words, "CREDS");
  if ((gcp_word && key_word) || (has_pair(words, "SERVICE", "ACCOUNT") && has_word(words, "KEY")) ||
      has_pair(words, "SA", "KEY")) {
    set("gcp", true);
  }
  return result;
}

std::string find_workload_identity_provider(std::string_view text) {
  static const std::regex kProvider(
      R"(((?://iam\.googleapis\.com/)?projects/[^/\s"']+/locations/global/workloadIdentityPools/[^/\s"']+/providers/[^/\s"']+))", kRegexSyntax);
  if (!contains(text, "/workloadIdentityPools/")) return {};
  const std::string input(text);
  std::smatch match;
  return std::regex_search(input, match, kProvider) ? match[1].str() : std::string();
}

std::string find_service_account_email(std::string_view text) {
  static const std::regex kEmail(R"(([A-Za-z0-9$._{}\-]+@[A-Za-z0-9$._{}\-]+\.iam\.gserviceaccount\.com))", kRegexSyntax);
  // std::regex is slow, and most text has no such address.
  if (!contains(text, ".iam.gserviceaccount.com")) return {};
  const std::string input(text);
  std::smatch match;
  return std::regex_search(input, match, kEmail) ? match[1].str() : std::string();
}

std::string find_role_arn(std::string_view text) {
  static const std::regex kArn(R"((arn:aws[a-z\-]*:iam::[0-9$\{\}A-Za-z_]+:role/[A-Za-z0-9+=,.@_/\-$\{\}]+))", kRegexSyntax);
  if (!contains(text, "arn:aws")) return {};
  const std::string input(text);
  std::smatch match;
  return std::regex_search(input, match, kArn) ? match[1].str() : std::string();
}

std::vector<ScriptLogin> find_script_logins(std::string_view text) {
  static const std::regex kGcloudKey(R"(gcloud\s+auth\s+activate-service-account\b)", kRegexSyntax);
  static const std::regex kGcloudCredConfig(R"(workload-identity-pools\s+create-cred-config\b)", kRegexSyntax);
  static const std::regex kGcloudAccount(R"(--service-account(?:=|\s+)([^\s"';]+))", kRegexSyntax);
  static const std::regex kAwsWebIdentity(R"(assume-role-with-web-identity\b)", kRegexSyntax);
  static const std::regex kAwsRoleArn(R"(--role-arn(?:=|\s+)["']?([^\s"';]+))", kRegexSyntax);
  static const std::regex kAwsStaticConfigure(R"(aws\s+configure\s+set\s+(?:[\w.]+\.)?aws_secret_access_key\b)", kRegexSyntax);
  static const std::regex kAzLogin(R"(\baz\s+login\b([^\n]*))", kRegexSyntax);
  static const std::regex kAzUser(R"((?:-u|--username)(?:=|\s+)["']?([^\s"';]+))", kRegexSyntax);
  static const std::regex kConnectAz(R"(Connect-AzAccount\b([^\n]*))", kRegexSyntax);

  std::vector<ScriptLogin> logins;
  // Most scalars are no login at all; the regular expressions run only on candidates.
  static const char* const kTriggers[] = {"gcloud", "workload", "assume-role", "aws", "az ", "Connect-AzAccount"};
  bool candidate = false;
  for (const char* trigger : kTriggers) candidate = candidate || contains(text, trigger);
  if (!candidate) return logins;
  const std::string input(text);
  std::smatch match;

  if (std::regex_search(input, kGcloudKey)) {
    ScriptLogin login;
    login.cloud = "gcp";
    login.static_key = true;
    if (std::regex_search(input, match, kGcloudAccount)) login.target = match[1].str();
    logins.push_back(login);
  }
  const std::string provider = find_workload_identity_provider(input);
  if (std::regex_search(input, kGcloudCredConfig) || !provider.empty()) {
    ScriptLogin login;
    login.cloud = "gcp";
    login.federated = true;
    login.provider = provider;
    if (std::regex_search(input, match, kGcloudAccount)) login.target = match[1].str();
    if (login.target.empty()) login.target = find_service_account_email(input);
    logins.push_back(login);
  }
  if (std::regex_search(input, kAwsWebIdentity)) {
    ScriptLogin login;
    login.cloud = "aws";
    login.federated = true;
    if (std::regex_search(input, match, kAwsRoleArn)) login.target = match[1].str();
    logins.push_back(login);
  }
  if (std::regex_search(input, kAwsStaticConfigure)) {
    ScriptLogin login;
    login.cloud = "aws";
    login.static_key = true;
    logins.push_back(login);
  }
  for (auto it = std::sregex_iterator(input.begin(), input.end(), kAzLogin); it != std::sregex_iterator(); ++it) {
    const std::string arguments = (*it)[1].str();
    ScriptLogin login;
    login.cloud = "azure";
    if (contains(arguments, "--federated-token")) {
      login.federated = true;
    } else if (contains(arguments, "--service-principal") &&
               (contains(arguments, " -p") || contains(arguments, "--password") || contains(arguments, "--secret") ||
                contains(arguments, "--certificate"))) {
      login.static_key = true;
    } else {
      continue;  // interactive, managed identity (--identity) or device-code login
    }
    std::smatch user;
    if (std::regex_search(arguments, user, kAzUser)) login.target = user[1].str();
    logins.push_back(login);
  }
  for (auto it = std::sregex_iterator(input.begin(), input.end(), kConnectAz); it != std::sregex_iterator(); ++it) {
    const std::string arguments = (*it)[1].str();
    ScriptLogin login;
    login.cloud = "azure";
    if (contains(arguments, "-FederatedToken")) {
      login.federated = true;
    } else if (contains(arguments, "-ServicePrincipal") &&
               (contains(arguments, "-Credential") || contains(arguments, "-CertificateThumbprint"))) {
      login.static_key = true;
    } else {
      continue;
    }
    logins.push_back(login);
  }
  return logins;
}

std::string detect_literal_secret(std::string_view name, std::string_view value) {
  static const std::regex kAwsKeyId(R"(\b(?:AKIA|ASIA)[0-9A-Z]{16}\b)", kRegexSyntax);
  static const std::regex kPrivateKey(R"(-----BEGIN [A-Z ]*PRIVATE KEY-----)", kRegexSyntax);
  static const std::regex kGithubToken(R"(\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b)", kRegexSyntax);
  static const std::regex kGitlabToken(R"(\bglpat-[A-Za-z0-9_\-]{20,}\b)", kRegexSyntax);
  static const std::regex kSlackToken(R"(\bxox[abprs]-[A-Za-z0-9\-]{10,})", kRegexSyntax);
  static const std::regex kGoogleApiKey(R"(\bAIza[0-9A-Za-z_\-]{35}\b)", kRegexSyntax);

  const std::string text(trim(value));
  if (text.empty()) return {};
  if (std::regex_search(text, kPrivateKey)) return "private-key";
  if (std::regex_search(text, kAwsKeyId)) return "aws-access-key-id";
  if (std::regex_search(text, kGithubToken)) return "github-token";
  if (std::regex_search(text, kGitlabToken)) return "gitlab-token";
  if (std::regex_search(text, kSlackToken)) return "slack-token";
  if (std::regex_search(text, kGoogleApiKey)) return "google-api-key";

  if (!is_credential_variable_name(name) || is_placeholder(text) || is_expression(text)) return {};
  if (text.front() == '/' || starts_with(text, "./") || starts_with(text, "~/")) return {};  // a path to the secret
  static const char* const kSettings[] = {"none", "null", "true", "false", "disabled", "enabled", "empty", "unset"};
  for (const char* word : kSettings) {
    if (iequals(text, word)) return {};
  }
  return "secret-named-field";
}

CloudLogin& CloudLogins::cloud(const std::string& name) {
  CloudLogin& login = logins_[name];
  login.cloud = name;
  return login;
}

void CloudLogins::add_script(std::string_view text, const Location& where) {
  for (const ScriptLogin& found : find_script_logins(text)) {
    CloudLogin& login = cloud(found.cloud);
    login.static_key = login.static_key || found.static_key;
    login.federated = login.federated || found.federated;
    if (login.target.empty()) login.target = found.target;
    if (login.provider.empty()) login.provider = found.provider;
    login.evidence.push_back(where);
  }
}

void emit_cloud_logins(const CloudLogins& logins, const CiContext& context, ExtractOutput& out) {
  for (const auto& [cloud, login] : logins.all()) {
    Observation observation;
    observation.kind = "ci-cloud-login";
    observation.subject = context.job;
    observation.location = context.location;
    observation.details["cloud"] = cloud;
    // A static key next to a federated login is a fallback, and the key is still stored.
    std::string is_static = "unknown";
    if (login.federated) is_static = "false";
    if (login.static_key) is_static = "true";
    observation.details["static"] = is_static;
    observation.details["system"] = context.system;
    observation.details["job"] = context.job;
    if (!login.target.empty()) observation.details["target"] = login.target;
    if (!login.provider.empty()) observation.details["workload_identity_provider"] = login.provider;
    for (const auto& [key, value] : login.details) observation.details[key] = value;
    observation.related = login.evidence;
    out.observations.push_back(std::move(observation));

    if (!login.federated || login.static_key || login.target.empty()) continue;
    Identity trust;
    trust.kind = IdentityKind::federated_trust;
    trust.platform = cloud;
    trust.origin = Origin::referenced;
    trust.id = context.system + ":oidc/" + cloud + "/" + login.target;
    trust.name = "OIDC login to " + login.target;
    trust.location = context.location;
    Credential credential;
    credential.long_lived = false;
    credential.federated = true;
    credential.is_static = false;
    credential.cloud = cloud;
    trust.credential = credential;
    trust.attributes["target"] = login.target;
    trust.attributes["system"] = context.system;
    for (const auto& [key, value] : login.details) trust.attributes[key] = value;
    if (!login.provider.empty()) trust.attributes["workload_identity_provider"] = login.provider;
    Consumer consumer;
    consumer.name = context.consumer;
    consumer.kind = "ci-login";
    consumer.location = context.location;
    consumer.environment = context.environment;
    trust.consumers.push_back(consumer);
    if (!is_expression(login.target)) {
      std::string linked;
      if (cloud == "aws") linked = "aws:role/" + login.target.substr(login.target.rfind('/') + 1);
      if (cloud == "gcp" && login.target.find('@') != std::string::npos) linked = "gcp:serviceAccount/" + login.target;
      if (cloud == "azure") linked = "azure:client-id/" + login.target;
      if (!linked.empty()) trust.links.push_back({LinkType::assumes, linked, context.location});
    }
    out.identities.push_back(std::move(trust));
  }
}

Consumer ci_consumer(const CiContext& context, const Location& use, const std::string& field, uint32_t merge_line,
                     const SourceText& source) {
  Consumer consumer;
  consumer.name = context.consumer;
  consumer.kind = context.consumer_kind;
  consumer.location = use;
  consumer.environment = context.environment;
  consumer.field = field;
  if (merge_line) consumer.merge_site = source.location(merge_line, 0);
  return consumer;
}

Identity ci_secret_identity(const std::string& id, const std::string& platform, const std::string& name,
                            const Location& location) {
  Identity secret;
  secret.id = id;
  secret.kind = IdentityKind::ci_secret;
  secret.platform = platform;
  secret.name = name;
  secret.location = location;
  secret.credential = Credential{};
  return secret;
}

void mark_static_cloud_key(Identity& secret, const std::string& cloud) {
  if (!secret.credential) secret.credential = Credential{};
  if (secret.credential->cloud.empty()) secret.credential->cloud = cloud;
  secret.attributes["static_cloud_key"] = cloud;
}

Identity literal_secret_identity(const std::string& id, const std::string& platform, const std::string& name,
                                 const Location& location, const std::string& field, const std::string& detector,
                                 std::string_view value) {
  Identity secret;
  secret.id = id;
  secret.kind = IdentityKind::secret;
  secret.platform = platform;
  secret.name = name;
  secret.location = location;
  secret.governance_exempt = true;
  secret.credential = Credential{};
  HardcodedValue literal;
  literal.location = location;
  literal.field = field;
  literal.detector = detector;
  literal.masked = mask_secret(trim(value));
  secret.hardcoded.push_back(literal);
  return secret;
}

CiSecrets::CiSecrets(std::string id_prefix, std::string platform)
    : id_prefix_(std::move(id_prefix)), platform_(std::move(platform)) {}

Identity& CiSecrets::use(const std::string& name, const Location& where, const FileView& file) {
  auto [it, inserted] = secrets_.try_emplace(name);
  Identity& secret = it->second;
  if (inserted) {
    secret = ci_secret_identity(id_prefix_ + name, platform_, name, where);
  } else if (where < secret.location) {
    secret.location = where;
  }
  // Metadata comments may sit above any use; each line is read once.
  if (used_lines_.insert({name, where.line}).second) {
    for (MetaEntry& entry : comment_metadata(file, where.line, where.line)) secret.comment_metadata.push_back(std::move(entry));
  }
  return secret;
}

void CiSecrets::flush(ExtractOutput& out) {
  for (auto& [name, secret] : secrets_) out.identities.push_back(std::move(secret));
  secrets_.clear();
  used_lines_.clear();
}

}  // namespace nhiscan
