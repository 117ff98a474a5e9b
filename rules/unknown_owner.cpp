// NHI007 unknown-owner: the owner is not one of the configured owning teams.
#include "rules/rules.h"
#include "scanner/governance.h"
#include "scanner/text.h"

namespace nhiscan {

namespace {

/// Owners match case-insensitively, with or without the `@` of a CODEOWNERS handle, and
/// a bare team name matches an `@org/team` handle.
bool same_owner(std::string_view team, std::string_view owner) {
  if (starts_with(team, "@")) team.remove_prefix(1);
  if (starts_with(owner, "@")) owner.remove_prefix(1);
  if (iequals(team, owner)) return true;
  const std::size_t slash = team.find('/');
  return slash != std::string_view::npos && owner.find('/') == std::string_view::npos &&
         iequals(team.substr(slash + 1), owner);
}

class UnknownOwner : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo kInfo{"NHI007", "unknown-owner", Severity::medium, "NHI1",
                                "Owner is not a known owning team", "unknown_owner", "governance"};
    return kInfo;
  }

  void check(const RuleContext& context, std::vector<Finding>& findings) const override {
    const auto& teams = context.settings.owning_teams;
    if (teams.empty()) return;
    for (const Identity& identity : context.identities) {
      if (!is_governed(identity)) continue;
      const auto& owner = identity.governance.owner;
      // Inherited owners are judged where they are written; invalid ones by NHI008.
      if (!owner || owner->inherited || !owner_problem(owner->value).empty()) continue;
      const std::string value(trim(owner->value));
      bool known = false;
      for (const std::string& team : teams) known = known || same_owner(team, value);
      if (known) continue;
      findings.push_back(finding(&identity, owner->location,
                                 describe(identity) + " is owned by '" + value +
                                     "', which is not in the configured list of owning teams: use one of them, or add "
                                     "the team to owners in .nhiscan.toml",
                                 "owner"));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_unknown_owner() { return std::make_unique<UnknownOwner>(); }

}  // namespace nhiscan
