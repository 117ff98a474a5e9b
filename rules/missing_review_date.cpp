// NHI002 missing-review-date: an identity with neither a last-reviewed nor a review-by date.
#include "rules/governance_hints.h"
#include "rules/rules.h"
#include "scanner/governance.h"

namespace nhiscan {

namespace {

bool readable_date(const std::optional<MetaValue>& value) { return value && Date::parse(value->value); }

class MissingReviewDate : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo kInfo{"NHI002", "missing-review-date", Severity::medium, "NHI1",
                                "Non-human identity has no review date", "missing_review_date", "governance"};
    return kInfo;
  }

  void check(const RuleContext& context, std::vector<Finding>& findings) const override {
    for (const Identity& identity : context.identities) {
      if (!is_governed(identity)) continue;
      const Governance& governance = identity.governance;
      if (readable_date(governance.review_by) || readable_date(governance.last_reviewed)) continue;
      const std::string example = Date{context.today.days + context.settings.max_review_age_days}.to_string();
      findings.push_back(finding(&identity, identity.location,
                                 describe(identity) + " has no review date (neither review-by nor last-reviewed): " +
                                     metadata_hint(identity, "review-by", example),
                                 "review"));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_missing_review_date() { return std::make_unique<MissingReviewDate>(); }

}  // namespace nhiscan
