// The scan pipeline: discover, then parse and extract each file (in parallel), then
// merge, resolve governance, correlate, run the rules and apply exceptions.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "rules/rule.h"
#include "scanner/comments.h"
#include "scanner/config.h"
#include "scanner/discover.h"
#include "scanner/hcl.h"
#include "scanner/metadata.h"
#include "scanner/model.h"
#include "scanner/yaml.h"

namespace nhiscan {

struct Baseline;

struct ScanLimits {
  uintmax_t max_file_size = 8u << 20;
  /// Bytes in one line. A longer line is far more likely generated data than
  /// configuration, and every column computed on it costs its length.
  uint32_t max_line_length = 1u << 20;
  YamlLimits yaml;
  HclLimits hcl;
  uint32_t max_documents = 10000;  // per YAML file
};

struct ScanOptions {
  std::vector<std::string> paths;
  std::string root;  // absolute scan root (see find_scan_root)
  Date today;
  unsigned jobs = 0;  // 0: one per hardware thread
  std::vector<std::string> excludes;
  ScanLimits limits;
  /// Skip the full parse of YAML documents whose top-level `kind` cannot hold an
  /// identity. Off only to prove that the shortcut changes nothing.
  bool prefilter = true;
  KeySynonyms synonyms;
  std::string inventory_file;  // absolute path; empty: <root>/nhi-inventory.toml when present
  RuleSettings settings;
  std::vector<std::string> disabled_rules;  // rule ids
  std::map<std::string, Severity> severity_overrides;
  /// Report only findings in these files (relative paths); empty reports all. The rest
  /// of the tree is still read, as context.
  std::vector<std::string> report_only;
  std::vector<ConfigException> configured_exceptions;
  ExceptionPolicy exception_policy;
  Baseline* baseline = nullptr;  // --baseline; entries are marked as matched
  /// Called after each file or Terraform directory is read, from the worker threads,
  /// with the number of files read so far and the number discovered. May be empty.
  std::function<void(std::size_t files_read, std::size_t files_total)> progress;
  /// Called from the calling thread when a stage after the reading begins, with what it
  /// does ("checking 12 identities"). May be empty.
  std::function<void(const std::string& text)> stage;
};

/// A `nhiscan:ignore` comment and the region it covers.
struct InlineException {
  Directive directive;
  Location location;  // the comment
  Span scope;         // lines it applies to; file-wide when directive.file_wide
  std::vector<std::string> rule_ids;  // resolved rule ids
  bool valid = true;  // malformed exceptions never suppress
};

struct FileSummary {
  std::string path;
  FileKind kind = FileKind::yaml;
  uint32_t documents = 0;
  uint32_t parsed_documents = 0;
  bool skipped = false;
};

struct ScanResult {
  std::string root;
  Date today;
  std::vector<FileSummary> files;
  std::vector<Identity> identities;
  std::vector<Observation> observations;
  std::vector<Finding> findings;  // sorted by file, line, column, rule
  std::vector<Diagnostic> diagnostics;
  std::vector<InlineException> exceptions;
};

ScanResult run_scan(const ScanOptions& options);

/// Set the options a configuration file controls.
void apply_config(const Config& config, ScanOptions& options);

/// Stable fingerprint: rule id, file path, identity id and offending attribute; never
/// line numbers, so that moving unrelated lines keeps it.
std::string fingerprint(const Finding& finding);

}  // namespace nhiscan
