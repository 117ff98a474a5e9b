// A rule reads the identity model and reports findings. Each rule lives in its own
// file under rules/, with its documentation page beside it (same stem, .md), which
// is embedded into the binary for SARIF help and `nhiscan explain`.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "scanner/metadata.h"
#include "scanner/model.h"

namespace nhiscan {

struct RuleInfo {
  const char* id;        // "NHI001": a public contract, never renumbered
  const char* name;      // "missing-owner"
  Severity severity;     // default severity
  const char* owasp;     // "NHI1"
  const char* summary;   // one line, for SARIF shortDescription and `nhiscan rules`
  const char* document;  // stem of the documentation page under rules/
  const char* category;  // "governance" or "risk"
};

/// Policy values a rule may use; all have defaults and can be set in .nhiscan.toml.
struct RuleSettings {
  int64_t max_review_age_days = 90;
  int64_t max_credential_lifetime_days = 365;
  int64_t max_rotation_days = 90;
  std::vector<std::string> owning_teams;  // NHI007 runs only when this is not empty
};

/// An exception (inline directive or configuration entry) as the exception rules see it.
struct ExceptionRecord {
  std::vector<std::string> rules;  // rule ids
  std::string until;               // ISO date, empty when none
  std::string reason;
  std::string approver;
  Location location;
  bool expired = false;
  bool required_fields_missing = false;  // `until` or `reason` missing where required
  std::string missing;                   // which fields are missing
  std::vector<std::string> suppressed;   // fingerprints of findings it would suppress
};

struct RuleContext {
  const std::vector<Identity>& identities;
  const std::vector<Observation>& observations;
  const std::vector<ExceptionRecord>& exceptions;
  Date today;
  const RuleSettings& settings;
};

class Rule {
 public:
  virtual ~Rule() = default;
  virtual const RuleInfo& info() const = 0;
  virtual void check(const RuleContext& context, std::vector<Finding>& findings) const = 0;

 protected:
  /// A finding of this rule about `identity`, at `location` (the identity's own location
  /// when invalid). `attribute` names the offending attribute for the fingerprint.
  Finding finding(const Identity* identity, const Location& location, std::string message,
                  std::string attribute = {}) const;
};

/// Every rule, in id order. Rules are listed explicitly in rules/catalogue.cpp.
const std::vector<std::unique_ptr<Rule>>& rule_catalogue();

/// A rule by id ("NHI001", any case) or name ("missing-owner"), or nullptr.
const Rule* find_rule(std::string_view id_or_name);

/// The rule's documentation page (Markdown), embedded at build time.
const std::string& rule_document(const RuleInfo& info);

/// "https://.../rules/NHI001-missing-owner.md"-style link to the published page.
std::string rule_help_uri(const RuleInfo& info);

/// A readable name for an identity in messages: "service account 'shop/api'".
std::string describe(const Identity& identity);

}  // namespace nhiscan
