// NHI102 static-cloud-credential-in-ci: a pipeline logs in to a cloud with a stored,
// long-lived key where OIDC federation would need none.
#include <map>

#include "rules/rules.h"
#include "scanner/text.h"

namespace nhiscan {

namespace {

const char* cloud_name(const std::string& cloud) {
  if (cloud == "aws") return "AWS";
  if (cloud == "gcp") return "Google Cloud";
  if (cloud == "azure") return "Azure";
  return nullptr;
}

/// Returns what to use instead, in the words of each cloud.
std::string federation_hint(const std::string& cloud) {
  if (cloud == "aws") {
    return "assume a role through the CI system's OIDC provider (e.g. role-to-assume with id-token: write) and "
           "delete the access key";
  }
  if (cloud == "gcp") {
    return "use Workload Identity Federation (workload_identity_provider) and delete the service account key";
  }
  if (cloud == "azure") return "use a federated credential on the app registration (OIDC) and remove the client secret";
  return "use the CI system's OIDC federation and delete the stored key";
}

class StaticCloudCredentialInCi : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo kInfo{"NHI102", "static-cloud-credential-in-ci", Severity::medium, "NHI6",
                                "Pipeline logs in to a cloud with a stored long-lived key instead of OIDC federation",
                                "static_cloud_credential_in_ci", "risk"};
    return kInfo;
  }

  void check(const RuleContext& context, std::vector<Finding>& findings) const override {
    std::map<std::string, const Identity*> by_id;
    for (const Identity& identity : context.identities) by_id.emplace(identity.id, &identity);

    for (const Observation& observation : context.observations) {
      if (observation.kind != "ci-cloud-login") continue;
      const auto detail = [&](const char* key) {
        const auto found = observation.details.find(key);
        return found == observation.details.end() ? std::string() : found->second;
      };
      // Federated logins (workload identity, OIDC) hold no stored key.
      if (detail("static") != "true") continue;

      const std::string cloud = detail("cloud");
      const char* name = cloud_name(cloud);
      const std::string system = detail("system").empty() ? "CI" : detail("system");
      const std::string job = detail("job");
      // split() returns views, so the string it splits must outlive them.
      const std::string secrets = detail("secrets");
      const std::vector<std::string_view> secret_list = split(secrets, ',');

      std::string message = system + " ";
      message += job.empty() ? std::string("workflow") : "job '" + job + "'";
      if (!observation.subject.empty() && observation.subject != job) message += " (" + observation.subject + ")";
      message += " logs in to " + std::string(name ? name : cloud.c_str()) + " with a static, long-lived key";
      const std::string inputs = detail("inputs");
      if (!secrets.empty()) message += " from secret " + replace_all(secrets, ",", ", ");
      if (!inputs.empty()) message += " (" + replace_all(inputs, ",", ", ") + ")";
      if (detail("federated_too") == "true") {
        message += "; federation is configured too, but the key still works as a fallback: remove the key input "
                   "and delete the stored key";
      } else {
        message += ": " + federation_hint(cloud);
      }

      // Attach the finding to the CI secret that contains the key when the model has it.
      const Identity* identity = nullptr;
      if (!secret_list.empty() && !secret_list.front().empty()) {
        const std::string id = (system == "github-actions" ? "github-actions:secret/" : system + ":secret/") +
                               std::string(secret_list.front());
        if (const auto found = by_id.find(id); found != by_id.end()) identity = found->second;
      }
      Finding result = finding(nullptr, observation.location, message, "login:" + job + ":" + observation.subject);
      if (identity) result.identity = identity->id;
      for (const Location& related : observation.related) result.related.push_back({related, "static key also set here"});
      findings.push_back(std::move(result));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_static_cloud_credential_in_ci() { return std::make_unique<StaticCloudCredentialInCi>(); }

}  // namespace nhiscan
