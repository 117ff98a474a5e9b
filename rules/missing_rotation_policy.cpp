// NHI004 missing-rotation-policy: a long-lived credential with no rotation period, no
// expiry and no platform rotation mechanism.
#include "rules/governance_hints.h"
#include "rules/rules.h"
#include "scanner/governance.h"

namespace nhiscan {

namespace {

class MissingRotationPolicy : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo kInfo{"NHI004", "missing-rotation-policy", Severity::high, "NHI7",
                                "Long-lived credential has no rotation policy or expiry", "missing_rotation_policy",
                                "governance"};
    return kInfo;
  }

  void check(const RuleContext& context, std::vector<Finding>& findings) const override {
    for (const Identity& identity : context.identities) {
      if (!is_governed(identity) || !needs_rotation(identity)) continue;
      const Governance& governance = identity.governance;
      const Credential& credential = *identity.credential;
      if (governance.rotation && parse_rotation(governance.rotation->value)) continue;
      if (governance.expires && (Date::parse(governance.expires->value) || parse_duration_days(governance.expires->value))) {
        continue;
      }
      if (credential.expiry || !credential.rotation_mechanism.empty()) continue;
      findings.push_back(finding(&identity, identity.location,
                                 describe(identity) + " is a long-lived credential with no rotation policy, expiry or "
                                     "rotation mechanism: " + remedy(identity),
                                 "rotation"));
    }
  }

 private:
  static std::string remedy(const Identity& identity) {
    std::string fix;
    const auto type = identity.attributes.find("terraform_type");
    if (type != identity.attributes.end() && type->second == "google_service_account_key") {
      fix = "prefer workload identity federation; otherwise tie `keepers` to a `time_rotating` resource, or ";
    } else if (type != identity.attributes.end() && type->second == "aws_iam_access_key") {
      fix = "prefer an IAM role with federation; otherwise rotate it on a schedule and ";
    } else if (identity.kind == IdentityKind::ci_secret) {
      fix = "prefer OIDC federation where the target supports it; otherwise ";
    }
    return fix + metadata_hint(identity, "rotation", "90d");
  }
};

}  // namespace

std::unique_ptr<Rule> make_missing_rotation_policy() { return std::make_unique<MissingRotationPolicy>(); }

}  // namespace nhiscan
