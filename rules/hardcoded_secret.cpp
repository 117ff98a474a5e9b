// NHI103 hardcoded-secret: literal secret material written in a scanned file. The
// model keeps only a masked preview of each value, so no output can print it.
#include "rules/rules.h"

namespace nhiscan {

namespace {

/// Describes what a detector found, for messages.
std::string describe_detector(const std::string& detector) {
  if (detector == "private-key") return "a private key";
  if (detector == "gcp-service-account-key") return "a Google Cloud service account key (JSON with its private key)";
  if (detector == "aws-access-key") return "an AWS access key id with its secret access key";
  if (detector == "aws-access-key-id") return "an AWS access key id";
  if (detector == "github-token") return "a GitHub token";
  if (detector == "gitlab-token") return "a GitLab token";
  if (detector == "slack-token") return "a Slack token";
  if (detector == "slack-webhook") return "a Slack incoming webhook URL";
  if (detector == "jwt") return "a JSON Web Token";
  if (detector == "registry-credentials") return "a container registry password";
  if (detector == "aws-secret-access-key") return "an AWS secret access key";
  if (detector == "secret-named-field") return "a literal secret";
  return "secret material";
}

class HardcodedSecret : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo kInfo{"NHI103", "hardcoded-secret", Severity::critical, "NHI2",
                                "Literal secret material is written in a configuration file", "hardcoded_secret",
                                "risk"};
    return kInfo;
  }

  void check(const RuleContext& context, std::vector<Finding>& findings) const override {
    for (const Identity& identity : context.identities) {
      for (const HardcodedValue& value : identity.hardcoded) {
        std::string message = describe(identity) + ": ";
        if (value.detector == "variable-default") {
          message += value.field + " reads a variable whose default is a literal secret (" + value.masked + ")";
        } else {
          message += describe_detector(value.detector) + " is written";
          if (!value.field.empty()) message += " in " + value.field;
          message += " (" + value.masked + ")";
        }
        message += ": remove it from the file, rotate or revoke it (it stays in version history), and supply it at "
                   "run time from a secret store or CI secret";
        Finding result = finding(&identity, value.location, message,
                                 "hardcoded:" + value.field + ":" + value.detector + ":" + value.masked);
        if (identity.location.valid() && !(identity.location == value.location)) {
          result.related.push_back({identity.location, "used by this declaration"});
        }
        findings.push_back(std::move(result));
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_hardcoded_secret() { return std::make_unique<HardcodedSecret>(); }

}  // namespace nhiscan
