// NHI101 overprivileged-identity: a non-human identity holds an owner/admin-level grant.
#include "rules/rules.h"

namespace nhiscan {

namespace {

class OverprivilegedIdentity : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo kInfo{"NHI101", "overprivileged-identity", Severity::high, "NHI5",
                                "Non-human identity holds an owner or administrator grant", "overprivileged_identity",
                                "risk"};
    return kInfo;
  }

  void check(const RuleContext& context, std::vector<Finding>& findings) const override {
    for (const Identity& identity : context.identities) {
      for (const Grant& grant : identity.grants) {
        if (!grant.admin) continue;
        std::string message = describe(identity) + " holds " + grant.role;
        if (!grant.scope.empty()) message += " on " + grant.scope;
        if (!grant.via.empty()) message += " (through " + grant.via + ")";
        message += ": " + grant.admin_reason + "; grant only the permissions it needs";
        Finding result = finding(&identity, grant.location, message, "grant:" + grant.via + ":" + grant.role);
        if (grant.evidence.valid() && !(grant.evidence == grant.location)) {
          result.related.push_back({grant.evidence, "admin-level permission written here"});
        }
        if (identity.location.valid() && !(identity.location == grant.location)) {
          result.related.push_back({identity.location, "identity declared here"});
        }
        findings.push_back(std::move(result));
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_overprivileged_identity() { return std::make_unique<OverprivilegedIdentity>(); }

}  // namespace nhiscan
