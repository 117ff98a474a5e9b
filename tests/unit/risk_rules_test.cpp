// Risk rules run against models built in the test, for facts that other extractors
// (GitLab CI, Azure AD) record under the same contract.
#include <doctest/doctest.h>

#include "rules/rule.h"

using namespace nhiscan;

namespace {

std::vector<Finding> run_rule(const char* id, const std::vector<Identity>& identities,
                              const std::vector<Observation>& observations) {
  const std::vector<ExceptionRecord> exceptions;
  const RuleSettings settings;
  const RuleContext context{identities, observations, exceptions, Date::from_civil(2026, 6, 1), settings};
  std::vector<Finding> findings;
  find_rule(id)->check(context, findings);
  return findings;
}

Location at(uint32_t line) { return Location{"ci.yml", line, 1}; }

Observation login(const std::string& system, const std::string& is_static) {
  Observation observation;
  observation.kind = "ci-cloud-login";
  observation.subject = "deploy";
  observation.location = at(7);
  observation.details = {{"system", system}, {"cloud", "aws"}, {"static", is_static}, {"job", "deploy"}};
  return observation;
}

Identity azure_credential(const std::string& subject) {
  Identity identity;
  identity.id = "terraform:azuread_application_federated_identity_credential.ci";
  identity.kind = IdentityKind::federated_trust;
  identity.platform = "azure";
  identity.name = "ci";
  identity.location = at(3);
  Trust trust;
  trust.principal_type = "oidc";
  trust.principal = "https://token.actions.githubusercontent.com";
  trust.conditions.push_back({"subject", "", {subject}, at(5)});
  identity.trusts.push_back(trust);
  return identity;
}

Identity aws_role(const std::string& test, const std::string& variable, const std::string& value) {
  Identity identity;
  identity.id = "terraform:aws_iam_role.ci";
  identity.kind = IdentityKind::role;
  identity.platform = "aws";
  identity.name = "ci";
  identity.location = Location{"main.tf", 1, 1};
  Trust trust;
  trust.principal_type = "Federated";
  trust.principal = "arn:aws:iam::123456789012:oidc-provider/gitlab.com";
  trust.location = Location{"main.tf", 4, 5};
  if (!test.empty()) trust.conditions.push_back({test, variable, {value}, Location{"main.tf", 8, 5}});
  identity.trusts.push_back(trust);
  return identity;
}

}  // namespace

TEST_CASE("NHI102 static login of another CI system") {
  const auto findings = run_rule("NHI102", {}, {login("gitlab-ci", "true")});
  REQUIRE(findings.size() == 1);
  CHECK(findings.front().location.line == 7);
  CHECK(findings.front().message.find("gitlab-ci job 'deploy'") == 0);
}

TEST_CASE("NHI102 federated login is silent") {
  CHECK(run_rule("NHI102", {}, {login("gitlab-ci", "false")}).empty());
  CHECK(run_rule("NHI102", {}, {login("circleci", "")}).empty());
}

TEST_CASE("NHI110 azure wildcard subject") {
  const auto findings = run_rule("NHI110", {azure_credential("repo:example-org/*:ref:refs/heads/main")}, {});
  REQUIRE(findings.size() == 1);
  CHECK(findings.front().location.line == 5);
}

TEST_CASE("NHI110 azure exact subject is silent") {
  CHECK(run_rule("NHI110", {azure_credential("repo:example-org/app:environment:production")}, {}).empty());
}

TEST_CASE("NHI110 gitlab trust without sub") {
  const auto findings = run_rule("NHI110", {aws_role("StringEquals", "gitlab.com:aud", "https://gitlab.com")}, {});
  REQUIRE(findings.size() == 1);
  CHECK(findings.front().location.line == 4);
}

TEST_CASE("NHI110 gitlab project wildcard") {
  const auto wide = run_rule("NHI110", {aws_role("StringLike", "gitlab.com:sub", "project_path:group/*:ref_type:branch:ref:main")}, {});
  REQUIRE(wide.size() == 1);
  CHECK(wide.front().location.line == 8);
  CHECK(run_rule("NHI110", {aws_role("StringLike", "gitlab.com:sub", "project_path:group/app:ref_type:branch:ref:*")}, {})
            .empty());
}

TEST_CASE("NHI110 literal star under StringEquals is silent") {
  CHECK(run_rule("NHI110", {aws_role("StringEquals", "gitlab.com:sub", "project_path:group/*")}, {}).empty());
}

TEST_CASE("NHI110 unresolved subject is silent") {
  CHECK(run_rule("NHI110", {aws_role("StringLike", "gitlab.com:sub", "var.subjects")}, {}).empty());
}
