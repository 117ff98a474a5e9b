// The repository configuration, `.nhiscan.toml`, found from the scan root upward
// or given with --config. Unknown keys and wrong types are errors that name the key
// and its line: a typo must never silently turn a policy off.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rules/rule.h"
#include "scanner/metadata.h"
#include "scanner/model.h"

namespace nhiscan {

/// An exception written in the configuration: rules it covers, and the identities
/// (id or glob) and/or paths (glob) it applies to.
struct ConfigException {
  std::vector<std::string> rules;  // rule ids
  std::string identity;            // id or glob; empty: any identity
  std::string path;                // glob over relative paths; empty: any path
  std::string until;
  std::string reason;
  std::string approver;
  Location location;               // its [[exception]] table
};

/// Which fields every exception must carry (NHI114 reports the ones that lack them,
/// and such an exception suppresses nothing).
struct ExceptionPolicy {
  bool require_until = false;
  bool require_reason = false;
  bool require_approver = false;
};

/// Input limits set in the `[limits]` table; unset ones keep their defaults.
struct ConfigLimits {
  std::optional<uint64_t> max_file_size;    // bytes
  std::optional<uint64_t> max_line_length;  // bytes
  std::optional<uint64_t> max_yaml_depth;   // nesting levels
  std::optional<uint64_t> max_yaml_nodes;   // nodes per document
  std::optional<uint64_t> max_hcl_depth;    // nesting levels of blocks and expressions
  std::optional<uint64_t> max_documents;    // YAML documents per file
};

struct Config {
  std::string path;  // relative to the scan root, for locations
  KeySynonyms synonyms;
  RuleSettings settings;
  std::vector<std::string> disabled_rules;  // ids
  std::map<std::string, Severity> severities;
  std::vector<std::string> excludes;
  std::vector<ConfigException> exceptions;
  ExceptionPolicy policy;
  std::string inventory_file;  // absolute, empty for the default
  ConfigLimits limits;
};

/// `.nhiscan.toml` in `start` or the nearest directory above it; empty when none.
std::string find_config(const std::string& start);

/// `name` in `start` (a directory, or a file's directory) or the nearest directory above
/// it, not going above `stop` when `stop` is not empty; empty when none.
std::string find_upward(const std::string& start, const std::string& name, const std::string& stop);

/// Load and validate a configuration. Every problem is appended to `errors` (level
/// error, with file and line); the result is nullopt when there was any.
std::optional<Config> load_config(const std::string& absolute_path, const std::string& relative_path,
                                  const std::string& root, std::vector<Diagnostic>& errors);

/// Team handles (`@org/team`, `@user`) and e-mail addresses named in a CODEOWNERS file.
std::vector<std::string> read_codeowners(const std::string& path);

}  // namespace nhiscan
