// NHI109 unrestricted-token-permissions: a GitHub Actions job runs with no
// `permissions` block at workflow or job level, so its GITHUB_TOKEN gets the
// repository's default permissions.
#include <map>

#include "rules/rules.h"

namespace nhiscan {

namespace {

const std::string kFix =
    "add a `permissions` block with only the scopes the job needs (e.g. `permissions: contents: read`)";

class UnrestrictedTokenPermissions : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo kInfo{"NHI109", "unrestricted-token-permissions", Severity::low, "NHI5",
                                "Workflow job token gets the repository default permissions",
                                "unrestricted_token_permissions", "risk"};
    return kInfo;
  }

  void check(const RuleContext& context, std::vector<Finding>& findings) const override {
    // Jobs without permissions, by workflow file, in observation order.
    std::map<std::string, std::vector<const Observation*>> by_file;
    for (const Observation& observation : context.observations) {
      if (observation.kind != "workflow-permissions-missing") continue;
      // A reusable workflow's jobs get at most what the calling job grants.
      const auto called_only = observation.details.find("workflow_call_only");
      if (called_only != observation.details.end() && called_only->second == "true") continue;
      by_file[observation.location.file].push_back(&observation);
    }

    for (const auto& [file, missing] : by_file) {
      const Observation& first = *missing.front();
      const auto any = first.details.find("any_job_permissions");
      const bool none_anywhere = any != first.details.end() && any->second == "false";
      const std::string token = "github-actions:token/" + file;

      if (none_anywhere && !first.related.empty()) {
        // No job sets permissions either: one finding for the workflow, where the
        // top-level block belongs.
        std::string jobs;
        for (const Observation* observation : missing) jobs += (jobs.empty() ? "'" : ", '") + observation->subject + "'";
        Finding result = finding(nullptr, first.related.front(),
                                 "workflow " + file + " sets no `permissions` at workflow or job level, so the "
                                     "GITHUB_TOKEN of job" + (missing.size() == 1 ? " " : "s ") + jobs +
                                     " gets the repository default, which may be read-write on every scope: " + kFix +
                                     " at the top of the workflow",
                                 "permissions");
        result.identity = token;
        for (const Observation* observation : missing) {
          result.related.push_back({observation->location, "job '" + observation->subject + "' has no permissions"});
        }
        findings.push_back(std::move(result));
        continue;
      }
      for (const Observation* observation : missing) {
        Finding result = finding(nullptr, observation->location,
                                 "job '" + observation->subject + "' of workflow " + file +
                                     " sets no `permissions` and the workflow sets none, so its GITHUB_TOKEN gets the "
                                     "repository default, which may be read-write on every scope: " + kFix,
                                 "permissions:" + observation->subject);
        result.identity = token;
        findings.push_back(std::move(result));
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_unrestricted_token_permissions() {
  return std::make_unique<UnrestrictedTokenPermissions>();
}

}  // namespace nhiscan
