// NHI111 credential-exposed-in-output: a Terraform output exposes key, secret,
// password or token material without `sensitive = true`.
#include <map>

#include "rules/rules.h"

namespace nhiscan {

namespace {

std::string detail(const Observation& observation, const char* key) {
  const auto found = observation.details.find(key);
  return found == observation.details.end() ? std::string() : found->second;
}

class CredentialExposedInOutput : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo kInfo{"NHI111", "credential-exposed-in-output", Severity::high, "NHI2",
                                "Terraform output exposes credential material without sensitive = true",
                                "credential_exposed_in_output", "risk"};
    return kInfo;
  }

  void check(const RuleContext& context, std::vector<Finding>& findings) const override {
    std::map<std::string, const Identity*> by_id;
    for (const Identity& identity : context.identities) by_id.emplace(identity.id, &identity);

    for (const Observation& observation : context.observations) {
      if (observation.kind != "terraform-output-credential") continue;
      const bool nonsensitive = detail(observation, "nonsensitive") == "true";
      if (detail(observation, "sensitive") == "true" && !nonsensitive) continue;

      const std::string output = detail(observation, "output");
      const std::string reference = detail(observation, "reference");
      const std::string attribute = detail(observation, "attribute");
      const Identity* identity = nullptr;
      if (const auto found = by_id.find(detail(observation, "identity")); found != by_id.end()) identity = found->second;

      std::string message = "output '" + output + "' exposes " + reference;
      if (identity) message += " of " + describe(*identity);
      message += attribute.empty() ? " (the whole object, with its secret attributes)" : "";
      if (nonsensitive) {
        message += " through nonsensitive(), so Terraform prints the value in plan and apply output and CI logs: "
                   "remove nonsensitive() and set sensitive = true, or drop the output and read the value from a "
                   "secret store";
      } else {
        message += " without sensitive = true, so Terraform prints the value in plan and apply output and CI logs: "
                   "set sensitive = true, or drop the output and read the value from a secret store";
      }
      Finding result = finding(identity, observation.location, message, "output:" + output + ":" + reference);
      for (const Location& related : observation.related) result.related.push_back({related, "output declared here"});
      findings.push_back(std::move(result));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_credential_exposed_in_output() { return std::make_unique<CredentialExposedInOutput>(); }

}  // namespace nhiscan
