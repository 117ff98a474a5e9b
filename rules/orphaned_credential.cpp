// NHI112 orphaned-credential: a credential or binding refers to an identity that the
// scanned configuration does not declare.
#include <map>

#include "rules/rules.h"
#include "scanner/text.h"

namespace nhiscan {

namespace {

/// ServiceAccounts that exist without a manifest: `default` in every namespace, and the
/// controllers' accounts in kube-system.
bool exists_without_manifest(const std::string& id) {
  return ends_with(id, "/default") || starts_with(id, "kubernetes:ServiceAccount/kube-system/");
}

/// A name filled in later by a tool (`${NAMESPACE:-default}`, `{{ .Values.x }}`) cannot be
/// checked against the scan.
bool templated(const std::string& id) { return id.find_first_of("${}") != std::string::npos || ends_with(id, "/"); }

class OrphanedCredential : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo kInfo{"NHI112", "orphaned-credential", Severity::medium, "NHI1",
                                "Credential or binding refers to an identity that is declared nowhere",
                                "orphaned_credential", "risk"};
    return kInfo;
  }

  void check(const RuleContext& context, std::vector<Finding>& findings) const override {
    std::map<std::string, const Identity*> by_id;
    for (const Identity& identity : context.identities) by_id.emplace(identity.id, &identity);
    const auto declared = [&](const std::string& id) {
      const auto found = by_id.find(id);
      return found != by_id.end() && found->second->origin != Origin::referenced;
    };

    for (const Identity& identity : context.identities) {
      // A key or token Secret whose account is declared nowhere in the scan.
      if (identity.origin != Origin::referenced) {
        for (const Link& link : identity.links) {
          if (link.type != LinkType::key_of && link.type != LinkType::token_of) continue;
          if (declared(link.target) || exists_without_manifest(link.target) || templated(link.target)) continue;
          findings.push_back(finding(&identity, link.location,
                                     describe(identity) + " belongs to " + link.target +
                                         ", which no scanned configuration declares: delete the credential if the "
                                         "account is gone, or declare the account where it is managed",
                                     "account:" + link.target));
        }
      }
      // Kubernetes bindings to a ServiceAccount that no manifest declares.
      if (identity.origin == Origin::referenced && identity.platform == "kubernetes" &&
          identity.kind == IdentityKind::service_account && !exists_without_manifest(identity.id) &&
          !templated(identity.id)) {
        for (const Grant& grant : identity.grants) {
          findings.push_back(finding(&identity, grant.location,
                                     grant.via + " grants " + grant.role + " to ServiceAccount '" + identity.name +
                                         "', which no scanned manifest declares: remove the binding if the account is "
                                         "gone, or add the ServiceAccount's manifest",
                                     "binding:" + grant.via));
        }
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_orphaned_credential() { return std::make_unique<OrphanedCredential>(); }

}  // namespace nhiscan
