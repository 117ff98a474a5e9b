// NHI006 missing-purpose: nothing says why the identity exists.
#include "rules/governance_hints.h"
#include "rules/rules.h"
#include "scanner/governance.h"
#include "scanner/text.h"

namespace nhiscan {

namespace {

class MissingPurpose : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo kInfo{"NHI006", "missing-purpose", Severity::low, "NHI1",
                                "Non-human identity has no stated purpose", "missing_purpose", "governance"};
    return kInfo;
  }

  void check(const RuleContext& context, std::vector<Finding>& findings) const override {
    for (const Identity& identity : context.identities) {
      if (!is_governed(identity)) continue;
      const auto& purpose = identity.governance.purpose;
      if (purpose && !trim(purpose->value).empty()) continue;
      findings.push_back(finding(&identity, identity.location,
                                 describe(identity) + " has no purpose or description saying why it exists: " +
                                     metadata_hint(identity, "purpose", "\"what it is for\""),
                                 "purpose"));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_missing_purpose() { return std::make_unique<MissingPurpose>(); }

}  // namespace nhiscan
