// NHI110 unrestricted-federated-trust: an OIDC trust for a CI system does not restrict
// which repository or project may use it.
#include "rules/rules.h"
#include "scanner/text.h"

namespace nhiscan {

namespace {

/// A CI system's OIDC issuer, recognised by its host.
struct CiIssuer {
  const char* host;    // as it appears in provider ARNs, URLs and condition keys
  const char* system;  // for messages
  const char* example; // a subject restricted to one repository or project
};

const CiIssuer kIssuers[] = {
    {"token.actions.githubusercontent.com", "GitHub Actions", "repo:ORG/REPO:environment:production"},
    {"gitlab", "GitLab CI", "project_path:GROUP/PROJECT:ref_type:branch:ref:main"},
    {"oidc.circleci.com", "CircleCI", "org/ORG_ID/project/PROJECT_ID/user/*"},
    {"api.bitbucket.org", "Bitbucket Pipelines", "{REPOSITORY_UUID}:*"},
    {"vstoken.dev.azure.com", "Azure Pipelines", "sc://ORG/PROJECT/CONNECTION"},
};

const CiIssuer* ci_issuer(const std::string& text) {
  const std::string value = lower(text);
  for (const CiIssuer& issuer : kIssuers) {
    if (contains(value, issuer.host)) return &issuer;
  }
  return nullptr;
}

bool has_wildcard(std::string_view text) {
  return text.find('*') != std::string_view::npos || text.find('?') != std::string_view::npos;
}

/// True when a subject pattern matches more than one repository or project: the part
/// that names the repository (GitHub `repo:ORG/REPO:...`), the project (GitLab
/// `project_path:GROUP/PROJECT:...`, CircleCI `org/ID/project/ID/...`) or, for other
/// forms, the first `:`-separated field holds a wildcard. A wildcard after that part
/// (any branch, any environment of one repository) stays within one repository.
bool wildcard_over_repositories(const std::string& subject) {
  std::string_view text = trim(subject);
  if (text.empty()) return false;
  for (const std::string_view prefix : {std::string_view("repo:"), std::string_view("project_path:")}) {
    if (starts_with(text, prefix)) {
      const std::string_view rest = text.substr(prefix.size());
      return has_wildcard(rest.substr(0, rest.find(':')));
    }
  }
  if (starts_with(text, "org/")) {
    // org/ORG_ID/project/PROJECT_ID/user/USER_ID
    const std::vector<std::string_view> parts = split(text, '/');
    for (std::size_t i = 0; i < parts.size() && i < 4; ++i) {
      if (has_wildcard(parts[i])) return true;
    }
    return parts.size() < 4;
  }
  return has_wildcard(text.substr(0, text.find(':')));
}

/// The issuer host of a provider ARN or URL, the form IAM condition keys use.
std::string provider_host(const std::string& principal, const char* fallback) {
  std::string text = principal;
  if (const std::size_t open = text.find(" ("); open != std::string::npos) text = text.substr(open + 2);
  if (const std::size_t at = text.find("oidc-provider/"); at != std::string::npos) text = text.substr(at + 14);
  if (const std::size_t scheme = text.find("://"); scheme != std::string::npos) text = text.substr(scheme + 3);
  text = text.substr(0, text.find_first_of(" )\""));
  if (text.empty() || contains(text, "${") || contains(text, ".arn")) return fallback;
  return text;
}

bool is_positive_string_test(const std::string& test) {
  const std::string name = lower(test);
  return (contains(name, "stringequals") || contains(name, "stringlike")) && !contains(name, "stringnot");
}

bool is_like_test(const std::string& test) { return contains(lower(test), "stringlike"); }

bool unresolved(const std::string& value) {
  return contains(value, "${") || starts_with(value, "var.") || starts_with(value, "local.") ||
         starts_with(value, "each.") || contains(value, "[for ");
}

class UnrestrictedFederatedTrust : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo kInfo{"NHI110", "unrestricted-federated-trust", Severity::high, "NHI6",
                                "OIDC trust for a CI system does not restrict the repository or project",
                                "unrestricted_federated_trust", "risk"};
    return kInfo;
  }

  void check(const RuleContext& context, std::vector<Finding>& findings) const override {
    for (const Identity& identity : context.identities) {
      if (identity.platform == "aws") {
        aws(identity, findings);
      } else if (identity.platform == "gcp" && identity.kind == IdentityKind::federated_trust) {
        gcp(identity, findings);
      } else if (identity.platform == "azure" && identity.kind == IdentityKind::federated_trust) {
        azure(identity, findings);
      }
    }
  }

 private:
  // AWS: sts:AssumeRoleWithWebIdentity from a CI provider must be narrowed by the
  // `sub` claim. StringEquals compares literally, so only the *Like tests wildcard.
  void aws(const Identity& identity, std::vector<Finding>& findings) const {
    for (const Trust& trust : identity.trusts) {
      if (!trust.evaluable || !iequals(trust.principal_type, "Federated")) continue;
      const CiIssuer* issuer = ci_issuer(trust.principal);
      for (const TrustCondition& condition : trust.conditions) {
        if (!issuer) issuer = ci_issuer(condition.variable);
      }
      if (!issuer) continue;

      bool has_subject = false;
      for (const TrustCondition& condition : trust.conditions) {
        if (!ends_with(lower(condition.variable), ":sub") || !is_positive_string_test(condition.test)) continue;
        if (condition.values.empty()) continue;
        // A condition whose values are not known statically counts as a restriction.
        has_subject = true;
        for (const std::string& value : condition.values) {
          if (unresolved(value) || !is_like_test(condition.test) || !wildcard_over_repositories(value)) continue;
          Finding result = finding(&identity, condition.location.valid() ? condition.location : trust.location,
                                   describe(identity) + " trusts " + issuer->system + " OIDC with " + condition.test +
                                       " " + condition.variable + " = \"" + value + "\", which matches every "
                                       "repository or project it covers: name one repository and, better, a branch "
                                       "or environment (e.g. \"" + issuer->example + "\")",
                                   "trust:" + condition.variable + ":" + value);
          if (condition.location.valid() && trust.location.valid()) {
            result.related.push_back({trust.location, "trust statement"});
          }
          findings.push_back(std::move(result));
        }
      }
      if (has_subject) continue;
      findings.push_back(finding(&identity, trust.location,
                                 describe(identity) + " trusts " + issuer->system + " OIDC (" + trust.principal +
                                     ") without a condition on the `sub` claim, so a pipeline of any repository that "
                                     "can get a token from this issuer can assume it: add a StringEquals condition on " +
                                     provider_host(trust.principal, issuer->host) + ":sub such as \"" +
                                     issuer->example + "\"",
                                 "trust:" + trust.principal + ":sub"));
    }
  }

  // GCP: a workload identity pool provider for a CI issuer without attribute_condition
  // admits tokens of every repository or project of that issuer into the pool.
  void gcp(const Identity& identity, std::vector<Finding>& findings) const {
    for (const Trust& trust : identity.trusts) {
      if (trust.principal_type != "oidc") continue;
      const CiIssuer* issuer = ci_issuer(trust.principal);
      if (!issuer) continue;
      bool restricted = false;
      for (const TrustCondition& condition : trust.conditions) {
        if (condition.test != "attribute_condition") continue;
        for (const std::string& value : condition.values) {
          const std::string text(trim(value));
          if (!text.empty() && text != "true" && text != "null") restricted = true;
        }
      }
      if (restricted) continue;
      findings.push_back(finding(&identity, trust.location,
                                 describe(identity) + " is a workload identity pool provider for " + issuer->system +
                                     " (" + trust.principal + ") without an attribute_condition, so tokens of every "
                                     "repository or project of that issuer are accepted: set attribute_condition to "
                                     "your organization or repository (e.g. assertion.repository_owner_id == 'ID')",
                                 "attribute_condition"));
    }
  }

  // Azure: a federated identity credential whose subject holds a wildcard.
  void azure(const Identity& identity, std::vector<Finding>& findings) const {
    for (const Trust& trust : identity.trusts) {
      for (const TrustCondition& condition : trust.conditions) {
        if (condition.test != "subject") continue;
        for (const std::string& value : condition.values) {
          if (unresolved(value) || !has_wildcard(value)) continue;
          findings.push_back(finding(&identity, condition.location.valid() ? condition.location : trust.location,
                                     describe(identity) + " accepts tokens whose subject matches \"" + value +
                                         "\", a wildcard: set the subject to one repository and branch or environment "
                                         "(e.g. repo:ORG/REPO:environment:production)",
                                     "subject:" + value));
        }
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_unrestricted_federated_trust() { return std::make_unique<UnrestrictedFederatedTrust>(); }

}  // namespace nhiscan
