// Exceptions and baselines: what turns a finding into a suppressed one, and the
// records that NHI113 (expired exception) and NHI114 (exception without expiry) judge.
//
// Precedence: inline `nhiscan:ignore` comments, then `[[exception]]` entries of the
// configuration, then the baseline. A malformed exception never suppresses (fail
// closed); an expired one suppresses nothing and is reported.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rules/rule.h"
#include "scanner/config.h"
#include "scanner/engine.h"

namespace nhiscan {

/// One accepted finding of a baseline file.
struct BaselineEntry {
  std::string fingerprint;  // preferred match
  std::string rule;         // rule id; with identity and file, the match when there is no fingerprint
  std::string identity;
  std::string file;
  std::string reason;
  std::string until;
  Location location;        // its [[finding]] table
  bool matched = false;
};

struct Baseline {
  std::string path;  // relative to the scan root, for locations
  std::vector<BaselineEntry> entries;
};

/// Load a baseline (TOML: version = 1 and [[finding]] tables with fingerprint, rule,
/// identity, file, reason, until/expires). Problems are errors in `errors`.
std::optional<Baseline> load_baseline(const std::string& absolute_path, const std::string& relative_path,
                                      std::vector<Diagnostic>& errors);

/// Write every finding that is not suppressed in source or configuration as a baseline.
std::string render_baseline(const ScanResult& result);

/// Apply inline exceptions (result.exceptions), configured exceptions and the baseline
/// to result.findings. Returns the exception records for NHI113 and NHI114, and adds
/// diagnostics for stale baseline entries.
std::vector<ExceptionRecord> apply_exceptions(ScanResult& result, const std::vector<ConfigException>& configured,
                                              const ExceptionPolicy& policy, Baseline* baseline);

}  // namespace nhiscan
