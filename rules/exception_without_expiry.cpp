// NHI114 exception-without-expiry: an exception lacks the fields the configuration
// requires (until, reason, approver). Runs only when the configuration requires them.
#include "rules/rules.h"
#include "scanner/text.h"

namespace nhiscan {

namespace {

class ExceptionWithoutExpiry : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo kInfo{"NHI114", "exception-without-expiry", Severity::low, "NHI1",
                                "Exception has no expiry date or no reason", "exception_without_expiry", "exceptions"};
    return kInfo;
  }

  void check(const RuleContext& context, std::vector<Finding>& findings) const override {
    for (const ExceptionRecord& exception : context.exceptions) {
      if (!exception.required_fields_missing) continue;
      findings.push_back(finding(nullptr, exception.location,
                                 "exception for " + join(exception.rules, ", ") + " has no " + exception.missing +
                                     ", which the configuration requires, so it suppresses nothing: add " +
                                     exception.missing + " (e.g. until=YYYY-MM-DD reason=\"...\")",
                                 "exception:" + join(exception.rules, ",") + ":" + exception.reason));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_exception_without_expiry() { return std::make_unique<ExceptionWithoutExpiry>(); }

}  // namespace nhiscan
