// NHI105 default-service-account: a workload runs as its platform's default identity
// with a credential it can use, or a Kubernetes token is mounted explicitly.
#include "rules/rules.h"
#include "scanner/text.h"

namespace nhiscan {

namespace {

bool is_kubernetes_default(const Identity& identity) {
  return identity.platform == "kubernetes" && identity.kind == IdentityKind::service_account &&
         ends_with(identity.id, "/default");
}

class DefaultServiceAccount : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo kInfo{"NHI105", "default-service-account", Severity::medium, "NHI5",
                                "Workload runs as the default identity, or mounts a token it may not need",
                                "default_service_account", "risk"};
    return kInfo;
  }

  void check(const RuleContext& context, std::vector<Finding>& findings) const override {
    for (const Identity& identity : context.identities) {
      if (identity.platform == "kubernetes" && identity.kind == IdentityKind::service_account) {
        kubernetes(identity, findings);
      } else if (identity.attributes.count("default_identity")) {
        for (const Consumer& consumer : identity.consumers) {
          if (consumer.kind != "workload") continue;
          findings.push_back(finding(&identity, consumer.location,
                                     consumer.name + " runs as " + identity.name +
                                         ", which holds broad project access: create a dedicated service account "
                                         "with only the roles it needs",
                                     "consumer:" + consumer.name));
        }
      }
    }
  }

 private:
  void kubernetes(const Identity& identity, std::vector<Finding>& findings) const {
    // The ServiceAccount's own setting applies to pods that do not set theirs.
    std::optional<bool> account_setting;
    if (const auto found = identity.attributes.find("automount_token"); found != identity.attributes.end()) {
      account_setting = found->second == "true";
    }
    const bool is_default = is_kubernetes_default(identity);

    if (!is_default && account_setting && *account_setting) {
      const auto where = identity.attribute_locations.find("automount_token");
      findings.push_back(finding(&identity, where != identity.attribute_locations.end() ? where->second : identity.location,
                                 describe(identity) + " sets automountServiceAccountToken: true, so every pod that runs "
                                     "as it gets a long-lived API token: set it to false and mount a token only in pods "
                                     "that call the Kubernetes API",
                                 "automountServiceAccountToken"));
    }

    for (const Consumer& consumer : identity.consumers) {
      if (consumer.kind != "workload") continue;
      const bool mounted = consumer.token_mounted.value_or(account_setting.value_or(true));
      if (is_default) {
        if (!mounted) continue;
        Finding result = finding(&identity, consumer.location,
                                 consumer.name + " runs as the default ServiceAccount of its namespace with the API "
                                     "token mounted: give it a dedicated ServiceAccount, or set "
                                     "automountServiceAccountToken: false",
                                 "consumer:" + consumer.name);
        if (consumer.token_setting.valid()) result.related.push_back({consumer.token_setting, "token mount enabled here"});
        findings.push_back(std::move(result));
        continue;
      }
      // A pod that turns the mount on explicitly, for an account that is not default.
      if (consumer.token_mounted && *consumer.token_mounted) {
        const Location where = consumer.merge_site.valid() ? consumer.merge_site : consumer.token_setting;
        Finding result = finding(&identity, where,
                                 consumer.name + " mounts the API token of " + describe(identity) +
                                     " (automountServiceAccountToken: true): mount it only if the pod calls the "
                                     "Kubernetes API",
                                 "consumer:" + consumer.name);
        if (consumer.merge_site.valid()) result.related.push_back({consumer.token_setting, "setting merged from here"});
        findings.push_back(std::move(result));
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_default_service_account() { return std::make_unique<DefaultServiceAccount>(); }

}  // namespace nhiscan
