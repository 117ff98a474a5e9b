// NHI107 identity-shared-by-workloads: one identity used by several unrelated
// workloads. CI secrets and CI logins are repository-scoped, so their use by several
// workflows of one repository is not reuse across applications and is not reported.
#include <set>

#include "rules/rules.h"
#include "scanner/text.h"

namespace nhiscan {

namespace {

constexpr std::size_t kSharedWorkloads = 2;

/// A workload's name without its kind and namespace: the StatefulSet and the Deployment
/// variant of one controller, in two alternative manifests, are the same workload.
std::string workload_name(const std::string& consumer) {
  const std::size_t slash = consumer.rfind('/');
  return slash == std::string::npos ? consumer : consumer.substr(slash + 1);
}

class IdentitySharedByWorkloads : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo kInfo{"NHI107", "identity-shared-by-workloads", Severity::low, "NHI9",
                                "One identity is used by several unrelated workloads",
                                "identity_shared_by_workloads", "risk"};
    return kInfo;
  }

  void check(const RuleContext& context, std::vector<Finding>& findings) const override {
    for (const Identity& identity : context.identities) {
      if (identity.ephemeral) continue;
      // The default ServiceAccount is shared by design; NHI105 reports its workloads.
      if (identity.platform == "kubernetes" && ends_with(identity.id, "/default")) continue;
      if (identity.attributes.count("default_identity")) continue;

      // Workloads written in one manifest belong together (a chart's jobs, a List of
      // batch jobs sharing their runner account): only uses across files count.
      std::set<std::string> workloads, files;
      std::vector<const Consumer*> examples;
      for (const Consumer& consumer : identity.consumers) {
        if (consumer.kind != "workload") continue;
        files.insert(consumer.location.file);
        if (workloads.insert(workload_name(consumer.name)).second) examples.push_back(&consumer);
      }
      if (workloads.size() < kSharedWorkloads || files.size() < kSharedWorkloads) continue;
      Finding result = finding(&identity, identity.location,
                               describe(identity) + " is used by " + std::to_string(workloads.size()) + " workloads" +
                                   ": give each its own identity with only the access it needs, so that one "
                                   "compromise does not reach the others",
                               "consumers");
      for (std::size_t i = 0; i < examples.size() && i < 5; ++i) {
        result.related.push_back({examples[i]->location, "used by " + examples[i]->name});
      }
      findings.push_back(std::move(result));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_identity_shared_by_workloads() { return std::make_unique<IdentitySharedByWorkloads>(); }

}  // namespace nhiscan
