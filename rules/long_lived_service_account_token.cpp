// NHI104 long-lived-service-account-token: a Kubernetes Secret of type
// kubernetes.io/service-account-token, whose token never expires.
#include "rules/rules.h"

namespace nhiscan {

namespace {

class LongLivedServiceAccountToken : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo kInfo{"NHI104", "long-lived-service-account-token", Severity::medium, "NHI7",
                                "Kubernetes Secret creates a non-expiring service account token",
                                "long_lived_service_account_token", "risk"};
    return kInfo;
  }

  void check(const RuleContext& context, std::vector<Finding>& findings) const override {
    for (const Identity& identity : context.identities) {
      if (identity.platform != "kubernetes" || identity.kind != IdentityKind::token) continue;
      const auto type = identity.attributes.find("secret_type");
      if (type == identity.attributes.end() || type->second != "kubernetes.io/service-account-token") continue;
      if (identity.origin == Origin::referenced) continue;

      std::string account;
      for (const Link& link : identity.links) {
        if (link.type != LinkType::token_of) continue;
        const std::string prefix = "kubernetes:ServiceAccount/";
        account = link.target.rfind(prefix, 0) == 0 ? link.target.substr(prefix.size()) : link.target;
      }
      std::string message = "Secret '" + identity.name + "' of type kubernetes.io/service-account-token holds a token";
      if (!account.empty()) message += " for ServiceAccount '" + account + "'";
      message += " that never expires and stays valid until the Secret is deleted: request short-lived tokens "
                 "through the TokenRequest API (projected service account token volumes or `kubectl create token`) "
                 "and delete this Secret";
      findings.push_back(finding(&identity, identity.location, message, "type"));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_long_lived_service_account_token() {
  return std::make_unique<LongLivedServiceAccountToken>();
}

}  // namespace nhiscan
