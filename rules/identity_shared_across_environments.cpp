// NHI106 identity-shared-across-environments: one identity used by consumers in
// production and in non-production environments.
#include <set>

#include "rules/rules.h"
#include "scanner/text.h"

namespace nhiscan {

namespace {

enum class Tier { unknown, production, non_production };

/// The tier a name says: "prod", "production", "prd", "live" are production; "dev",
/// "test", "staging", "qa", "uat", "sandbox", "preview" and the like are not. Words are
/// separated by '-', '_', '.', '/' or ':'.
Tier tier_of(const std::string& text) {
  static const std::set<std::string> kProduction = {"prod", "production", "prd", "live"};
  static const std::set<std::string> kOther = {"dev",  "development", "test", "testing", "qa",      "stage",
                                               "staging", "stg",      "uat",  "sandbox", "preview", "nonprod",
                                               "integration", "int", "canary-test"};
  Tier found = Tier::unknown;
  std::string word;
  const std::string lowered = lower(text) + "/";
  for (const char c : lowered) {
    if (c == '-' || c == '_' || c == '.' || c == '/' || c == ':' || c == ' ') {
      if (kProduction.count(word)) return Tier::production;
      if (kOther.count(word)) found = Tier::non_production;
      word.clear();
    } else {
      word += c;
    }
  }
  return found;
}

/// A consumer's environment: what it declares (namespace, CI environment), else the
/// directories of its file (overlays/prod, envs/staging).
Tier consumer_tier(const Consumer& consumer) {
  if (!consumer.environment.empty()) {
    const Tier declared = tier_of(consumer.environment);
    if (declared != Tier::unknown) return declared;
  }
  const std::size_t slash = consumer.location.file.rfind('/');
  return slash == std::string::npos ? Tier::unknown : tier_of(consumer.location.file.substr(0, slash));
}

class IdentitySharedAcrossEnvironments : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo kInfo{"NHI106", "identity-shared-across-environments", Severity::medium, "NHI8",
                                "One identity is used in production and non-production environments",
                                "identity_shared_across_environments", "risk"};
    return kInfo;
  }

  void check(const RuleContext& context, std::vector<Finding>& findings) const override {
    for (const Identity& identity : context.identities) {
      if (identity.ephemeral) continue;
      // A default identity (a namespace's `default` ServiceAccount, a project's default
      // compute account) is a different account in each cluster or project, so reusing the
      // name across environments shares nothing. NHI105 reports the workloads that use it.
      if (identity.platform == "kubernetes" && ends_with(identity.id, "/default")) continue;
      if (identity.attributes.count("default_identity")) continue;
      const Consumer* production = nullptr;
      const Consumer* other = nullptr;
      for (const Consumer& consumer : identity.consumers) {
        const Tier tier = consumer_tier(consumer);
        if (tier == Tier::production && !production) production = &consumer;
        if (tier == Tier::non_production && !other) other = &consumer;
      }
      if (!production || !other) continue;
      Finding result = finding(&identity, identity.location,
                               describe(identity) + " is used in production (" + production->name + ") and outside it (" +
                                   other->name + "): give each environment its own identity, so that a leak in one "
                                   "does not reach the other",
                               "environments");
      result.related.push_back({production->location, "used in production here"});
      result.related.push_back({other->location, "used outside production here"});
      findings.push_back(std::move(result));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_identity_shared_across_environments() {
  return std::make_unique<IdentitySharedAcrossEnvironments>();
}

}  // namespace nhiscan
