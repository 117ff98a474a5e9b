// NHI113 expired-exception: an exception whose `until` date has passed.
#include "rules/rules.h"
#include "scanner/text.h"

namespace nhiscan {

namespace {

class ExpiredException : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo kInfo{"NHI113", "expired-exception", Severity::medium, "NHI1",
                                "Exception has expired", "expired_exception", "exceptions"};
    return kInfo;
  }

  void check(const RuleContext& context, std::vector<Finding>& findings) const override {
    for (const ExceptionRecord& exception : context.exceptions) {
      if (!exception.expired) continue;
      const std::string covered = std::to_string(exception.suppressed.size()) +
                                  (exception.suppressed.size() == 1 ? " finding" : " findings");
      std::string message = "exception for " + join(exception.rules, ", ") + " expired on " + exception.until;
      if (!exception.reason.empty()) message += " (reason: " + exception.reason + ")";
      message += "; the " + covered + " it covered " + (exception.suppressed.size() == 1 ? "is" : "are") +
                 " reported again: fix them, or renew the exception with a new until date after re-approval";
      findings.push_back(finding(nullptr, exception.location, message,
                                 "exception:" + join(exception.rules, ",") + ":" + exception.until + ":" + exception.reason));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_expired_exception() { return std::make_unique<ExpiredException>(); }

}  // namespace nhiscan
