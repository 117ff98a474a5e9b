// NHI005 credential-lifetime-too-long: a declared expiry or rotation period beyond the
// maximum, or an expiry date already past.
#include "rules/rules.h"
#include "scanner/governance.h"

namespace nhiscan {

namespace {

class CredentialLifetimeTooLong : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo kInfo{"NHI005", "credential-lifetime-too-long", Severity::medium, "NHI7",
                                "Credential lives longer than allowed, or has expired", "credential_lifetime_too_long",
                                "governance"};
    return kInfo;
  }

  void check(const RuleContext& context, std::vector<Finding>& findings) const override {
    const RuleSettings& settings = context.settings;
    for (const Identity& identity : context.identities) {
      if (!is_governed(identity) || !identity.credential) continue;
      if (!is_credential_kind(identity.kind) && identity.kind != IdentityKind::token) continue;

      // The expiry: declared by the platform (end_date, expires_at) or in metadata.
      const MetaValue* expiry = identity.credential->expiry ? &*identity.credential->expiry : nullptr;
      if (!expiry && identity.governance.expires) expiry = &*identity.governance.expires;
      if (expiry) check_expiry(context, identity, *expiry, findings);

      if (identity.governance.rotation) {
        const auto rotation = parse_rotation(identity.governance.rotation->value);
        if (rotation && rotation->kind == Rotation::Kind::period && rotation->days > settings.max_rotation_days) {
          findings.push_back(finding(&identity, identity.governance.rotation->location,
                                     describe(identity) + " rotates every " + std::to_string(rotation->days) +
                                         " days, more than the maximum of " +
                                         std::to_string(settings.max_rotation_days) + " days: shorten the rotation period",
                                     "rotation"));
        }
      }
    }
  }

 private:
  void check_expiry(const RuleContext& context, const Identity& identity, const MetaValue& expiry,
                    std::vector<Finding>& findings) const {
    const int64_t maximum = context.settings.max_credential_lifetime_days;
    if (const auto date = Date::parse(expiry.value)) {
      if (*date < context.today) {
        findings.push_back(finding(&identity, expiry.location,
                                   describe(identity) + " expired on " + date->to_string() +
                                       ": remove it, or replace it and record the new expiry",
                                   "expires"));
      } else if (date->days - context.today.days > maximum) {
        findings.push_back(finding(&identity, expiry.location,
                                   describe(identity) + " expires on " + date->to_string() + ", " +
                                       std::to_string(date->days - context.today.days) + " days from today (maximum " +
                                       std::to_string(maximum) + "): set an earlier expiry",
                                   "expires"));
      }
      return;
    }
    if (const auto days = parse_duration_days(expiry.value); days && *days > maximum) {
      findings.push_back(finding(&identity, expiry.location,
                                 describe(identity) + " is valid for " + std::to_string(*days) +
                                     " days, more than the maximum of " + std::to_string(maximum) +
                                     ": shorten its lifetime",
                                 "expires"));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_credential_lifetime_too_long() { return std::make_unique<CredentialLifetimeTooLong>(); }

}  // namespace nhiscan
