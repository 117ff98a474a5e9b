// NHI003 review-overdue: the review-by date has passed, or the last review is older
// than the maximum review age.
#include "rules/rules.h"
#include "scanner/governance.h"

namespace nhiscan {

namespace {

class ReviewOverdue : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo kInfo{"NHI003", "review-overdue", Severity::high, "NHI1",
                                "Non-human identity is overdue for review", "review_overdue", "governance"};
    return kInfo;
  }

  void check(const RuleContext& context, std::vector<Finding>& findings) const override {
    for (const Identity& identity : context.identities) {
      if (!is_governed(identity)) continue;
      const Governance& governance = identity.governance;
      // A date inherited from the account is judged, and reported, on the account.
      if ((governance.review_by && governance.review_by->inherited) ||
          (!governance.review_by && governance.last_reviewed && governance.last_reviewed->inherited)) {
        continue;
      }
      const std::string today = context.today.to_string();
      if (governance.review_by) {
        const auto due = Date::parse(governance.review_by->value);
        if (due && *due < context.today) {
          findings.push_back(finding(&identity, governance.review_by->location,
                                     describe(identity) + " was due for review on " + due->to_string() + " (" +
                                         std::to_string(context.today.days - due->days) +
                                         " days ago): review it and set a new review-by date" +
                                         inherited_note(*governance.review_by),
                                     "review-by"));
          continue;
        }
      }
      if (governance.last_reviewed) {
        const auto reviewed = Date::parse(governance.last_reviewed->value);
        const int64_t age = reviewed ? context.today.days - reviewed->days : 0;
        if (reviewed && age > context.settings.max_review_age_days) {
          findings.push_back(finding(&identity, governance.last_reviewed->location,
                                     describe(identity) + " was last reviewed on " + reviewed->to_string() + ", " +
                                         std::to_string(age) + " days before " + today + " (maximum " +
                                         std::to_string(context.settings.max_review_age_days) +
                                         " days): review it and update last-reviewed" +
                                         inherited_note(*governance.last_reviewed),
                                     "last-reviewed"));
        }
      }
    }
  }

 private:
  static std::string inherited_note(const MetaValue& value) {
    return value.inherited ? " (date inherited from " + value.inherited_from + ")" : "";
  }
};

}  // namespace

std::unique_ptr<Rule> make_review_overdue() { return std::make_unique<ReviewOverdue>(); }

}  // namespace nhiscan
