// NHI008 invalid-governance-metadata: a governance value that cannot be read.
#include "rules/rules.h"
#include "scanner/governance.h"
#include "scanner/text.h"

namespace nhiscan {

namespace {

class InvalidGovernanceMetadata : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo kInfo{"NHI008", "invalid-governance-metadata", Severity::medium, "NHI1",
                                "Governance metadata value cannot be read", "invalid_governance_metadata",
                                "governance"};
    return kInfo;
  }

  void check(const RuleContext& context, std::vector<Finding>& findings) const override {
    for (const Identity& identity : context.identities) {
      if (!is_governed(identity)) continue;
      const Governance& governance = identity.governance;
      const auto report = [&](const MetaValue& value, const std::string& field, const std::string& problem) {
        if (value.inherited) return;  // reported on the identity it comes from
        findings.push_back(finding(&identity, value.location,
                                   describe(identity) + ": " + field + " '" + value.value + "' (" + value.source +
                                       " '" + value.key + "') " + problem,
                                   field));
      };

      if (governance.owner) {
        const std::string problem = owner_problem(governance.owner->value);
        if (!problem.empty()) report(*governance.owner, "owner", "is not usable: " + problem);
      }
      std::optional<Date> reviewed, due;
      if (governance.last_reviewed) {
        reviewed = Date::parse(governance.last_reviewed->value);
        if (!reviewed) {
          report(*governance.last_reviewed, "last-reviewed", "is not a date: write YYYY-MM-DD");
        } else if (context.today < *reviewed) {
          report(*governance.last_reviewed, "last-reviewed",
                 "is in the future (today is " + context.today.to_string() + "): a review cannot have happened yet");
        }
      }
      if (governance.review_by) {
        due = Date::parse(governance.review_by->value);
        if (!due) report(*governance.review_by, "review-by", "is not a date: write YYYY-MM-DD");
      }
      if (reviewed && due && *due < *reviewed) {
        report(*governance.review_by, "review-by",
               "is earlier than last-reviewed " + reviewed->to_string() + ": the next review must come after the last");
      }
      if (governance.rotation && !parse_rotation(governance.rotation->value)) {
        report(*governance.rotation, "rotation",
               "is not a rotation period: write <n>d, <n>w, <n>m or <n>y, or 'managed' or 'federated'");
      }
      if (governance.expires && !Date::parse(governance.expires->value) &&
          !parse_duration_days(governance.expires->value)) {
        report(*governance.expires, "expires", "is neither a date (YYYY-MM-DD) nor a duration (<n>d|w|m|y)");
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_invalid_governance_metadata() { return std::make_unique<InvalidGovernanceMetadata>(); }

}  // namespace nhiscan
