// NHI001 missing-owner: an identity with no accountable owner in any metadata source.
#include "rules/governance_hints.h"
#include "rules/rules.h"
#include "scanner/governance.h"

namespace nhiscan {

namespace {

class MissingOwner : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo kInfo{"NHI001", "missing-owner", Severity::high, "NHI1",
                                "Non-human identity has no accountable owner", "missing_owner", "governance"};
    return kInfo;
  }

  void check(const RuleContext& context, std::vector<Finding>& findings) const override {
    for (const Identity& identity : context.identities) {
      if (!is_governed(identity)) continue;
      const auto& owner = identity.governance.owner;
      if (owner && owner_problem(owner->value).empty()) continue;
      std::string message = describe(identity) + " has no owner";
      if (owner) message += " (" + owner_problem(owner->value) + ")";
      message += ": " + metadata_hint(identity, "owner", "team-name");
      findings.push_back(finding(&identity, identity.location, message, "owner"));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_missing_owner() { return std::make_unique<MissingOwner>(); }

}  // namespace nhiscan
