// NHI108 secrets-exposed-to-third-party: a CI job hands secrets to code it does not
// control and has not pinned, passes every secret on (`secrets: inherit`), or
// serialises all secrets (`toJSON(secrets)`).
#include "rules/rules.h"

namespace nhiscan {

namespace {

/// Action owners whose code GitHub itself publishes. Their actions run with the
/// platform's trust, so secrets passed to them are not handed to a third party.
bool first_party_owner(const std::string& owner) { return owner == "actions" || owner == "github"; }

std::string detail(const Observation& observation, const char* key) {
  const auto found = observation.details.find(key);
  return found == observation.details.end() ? std::string() : found->second;
}

std::string job_label(const Observation& observation) {
  const std::string job = detail(observation, "job");
  return job.empty() ? std::string("workflow") : "job '" + job + "'";
}

class SecretsExposedToThirdParty : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo kInfo{"NHI108", "secrets-exposed-to-third-party", Severity::medium, "NHI3",
                                "CI job hands secrets to unpinned third-party code, or passes on all secrets",
                                "secrets_exposed_to_third_party", "risk"};
    return kInfo;
  }

  void check(const RuleContext& context, std::vector<Finding>& findings) const override {
    for (const Observation& observation : context.observations) {
      if (observation.kind == "ci-secret-to-third-party") {
        third_party(observation, findings);
      } else if (observation.kind == "ci-secrets-inherit") {
        inherit(context, observation, findings);
      } else if (observation.kind == "ci-all-secrets-serialised") {
        findings.push_back(finding(nullptr, observation.location,
                                   "toJSON(secrets) serialises every secret the workflow can read into one value, "
                                   "so whatever receives it gets them all: reference each secret it needs by name",
                                   "all-secrets"));
      }
    }
  }

 private:
  // Shows the secrets the called workflow reads when it is in the scan. One that it
  // reads without declaring it reaches it only through inherit.
  void inherit(const RuleContext& context, const Observation& observation, std::vector<Finding>& findings) const {
    const std::string uses = detail(observation, "uses");
    std::string message = "job '" + observation.subject + "' passes `secrets: inherit` to " +
                          (uses.empty() ? std::string("the called workflow") : uses) +
                          ", which hands it every repository, environment and organization secret the caller can "
                          "read";
    std::vector<RelatedLocation> related;
    std::string undeclared;
    const std::string callee = uses.rfind("./", 0) == 0 ? uses.substr(2) : std::string();
    for (const Identity& identity : context.identities) {
      if (callee.empty() || identity.kind != IdentityKind::ci_secret) continue;
      for (const Consumer& consumer : identity.consumers) {
        if (consumer.location.file != callee) continue;
        related.push_back({consumer.location, "the called workflow reads secret " + identity.name + " here"});
        const auto flag = identity.attributes.find("undeclared_in_workflow_call");
        if (flag != identity.attributes.end() && flag->second == "true" && undeclared.find(identity.name) == std::string::npos) {
          undeclared += (undeclared.empty() ? "" : ", ") + identity.name;
        }
      }
    }
    if (!undeclared.empty()) {
      message += " (it reads " + undeclared + " without declaring it under on.workflow_call.secrets)";
    }
    message += ": pass only the secrets it needs under `secrets:`";
    Finding result = finding(nullptr, observation.location, message, "secrets-inherit:" + observation.subject);
    result.related = std::move(related);
    findings.push_back(std::move(result));
  }

  void third_party(const Observation& observation, std::vector<Finding>& findings) const {
    if (detail(observation, "local") == "true" || detail(observation, "pinned") == "true") return;
    if (detail(observation, "identifier") == "true") return;
    const std::string kind = detail(observation, "target_kind");
    if ((kind == "action" || kind == "workflow") && first_party_owner(detail(observation, "owner"))) return;

    const std::string target = detail(observation, "target");
    const std::string secret = detail(observation, "secret");
    const std::string field = detail(observation, "field");
    std::string what, pin;
    if (kind == "action") {
      what = "third-party action " + target;
      pin = "pin it to a full 40-character commit SHA (uses: owner/repo@SHA # vX.Y) after reviewing that commit";
    } else if (kind == "workflow") {
      what = "third-party reusable workflow " + target;
      pin = "pin it to a full 40-character commit SHA after reviewing that commit";
    } else if (kind == "docker") {
      what = "Docker image " + target;
      pin = "pin it by digest (docker://IMAGE@sha256:...)";
    } else {
      what = "container image " + target;
      pin = "pin it by digest (IMAGE@sha256:...)";
    }
    std::string message = job_label(observation) + " passes secret " + secret;
    if (!field.empty()) message += " (" + field + ")";
    message += " to " + what + ", which is not pinned: a new version pushed under that tag receives the secret; " + pin;
    Finding result = finding(nullptr, observation.location, message, "to:" + target + ":" + secret + ":" + field);
    const std::string system = detail(observation, "system");
    if (system == "github-actions") result.identity = "github-actions:secret/" + secret;
    findings.push_back(std::move(result));
  }
};

}  // namespace

std::unique_ptr<Rule> make_secrets_exposed_to_third_party() {
  return std::make_unique<SecretsExposedToThirdParty>();
}

}  // namespace nhiscan
