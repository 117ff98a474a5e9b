// Facts the fixture runner cannot see, because no rule reads them yet: the
// ci-cloud-login observations and the identities' credentials, consumers and origins.
#include <doctest/doctest.h>

#include <algorithm>

#include "scanner/engine.h"

using namespace nhiscan;

namespace {

ScanResult scan_fixture(const std::string& name) {
  const std::string directory = std::string(NHISCAN_FIXTURES) + "/platforms/" + name;
  ScanOptions options;
  options.paths = {directory};
  options.root = directory;
  options.today = *Date::parse("2026-06-01");
  options.jobs = 1;
  return run_scan(options);
}

const Identity* identity(const ScanResult& result, const std::string& id) {
  for (const Identity& candidate : result.identities) {
    if (candidate.id == id) return &candidate;
  }
  return nullptr;
}

std::vector<const Observation*> logins(const ScanResult& result, const std::string& job) {
  std::vector<const Observation*> found;
  for (const Observation& observation : result.observations) {
    if (observation.kind != "ci-cloud-login") continue;
    const auto details_job = observation.details.find("job");
    if (details_job != observation.details.end() && details_job->second == job) found.push_back(&observation);
  }
  return found;
}

std::string detail(const Observation& observation, const std::string& key) {
  const auto found = observation.details.find(key);
  return found == observation.details.end() ? std::string() : found->second;
}

}  // namespace

TEST_CASE("bitbucket static pipe keys and oidc role") {
  const ScanResult result = scan_fixture("bitbucket");
  const auto keys = logins(result, "Deploy with keys");
  REQUIRE(keys.size() == 1);
  CHECK(detail(*keys[0], "static") == "true");
  CHECK(detail(*keys[0], "system") == "bitbucket");
  CHECK(detail(*keys[0], "cloud") == "aws");
  CHECK(keys[0]->location.line == 9);

  const auto oidc = logins(result, "Deploy with OIDC");
  REQUIRE(oidc.size() == 1);
  CHECK(detail(*oidc[0], "static") == "false");
  const Identity* trust = identity(result, "bitbucket:oidc/aws/arn:aws:iam::111122223333:role/site-deployer");
  REQUIRE(trust);
  CHECK(trust->kind == IdentityKind::federated_trust);
  CHECK(trust->consumers.front().environment == "production");

  const Identity* key = identity(result, "bitbucket:variable/AWS_SECRET_ACCESS_KEY");
  REQUIRE(key);
  CHECK(key->credential->cloud == "aws");
  CHECK(key->attributes.at("static_cloud_key") == "aws");
  CHECK(key->consumers.front().environment == "staging");
  CHECK(identity(result, "bitbucket:variable/RETIRED_TOKEN") == nullptr);
  CHECK(identity(result, "bitbucket:variable/TARGET_TOKEN") == nullptr);
}

TEST_CASE("circleci key through an anchor and contexts") {
  const ScanResult result = scan_fixture("circleci");
  const Identity* key = identity(result, "circleci:variable/GCLOUD_SERVICE_KEY");
  REQUIRE(key);
  CHECK(key->credential->cloud == "gcp");
  REQUIRE(key->consumers.size() == 1);
  CHECK(key->consumers.front().location.line == 16);
  CHECK(key->consumers.front().merge_site.line == 35);

  const auto gcp = logins(result, "gcp-tests");
  REQUIRE(gcp.size() == 1);
  CHECK(detail(*gcp[0], "static") == "true");
  CHECK(gcp[0]->location.line == 34);

  const auto oidc = logins(result, "deploy-oidc");
  REQUIRE(oidc.size() == 2);
  CHECK(detail(*oidc[0], "static") == "false");
  CHECK(detail(*oidc[1], "static") == "false");

  const Identity* context = identity(result, "circleci:context/release");
  REQUIRE(context);
  CHECK(context->consumers.size() == 2);
}

TEST_CASE("gitlab jobs resolve extends across included files") {
  const ScanResult result = scan_fixture("gitlab-ci");
  const Identity* key = identity(result, "gitlab-ci:variable/PROD_AWS_SECRET_ACCESS_KEY");
  REQUIRE(key);
  CHECK(key->location.file == "ci/templates.yml");
  REQUIRE(key->consumers.size() == 1);
  CHECK(key->consumers.front().name == ".gitlab-ci.yml: job deploy-static");
  CHECK(key->consumers.front().environment == "staging");

  const auto static_login = logins(result, "deploy-static");
  REQUIRE(static_login.size() == 1);
  CHECK(detail(*static_login[0], "static") == "true");
  CHECK(detail(*static_login[0], "system") == "gitlab-ci");

  const auto federated = logins(result, "deploy-oidc");
  REQUIRE(federated.size() == 1);
  CHECK(detail(*federated[0], "static") == "false");
  CHECK(identity(result, "gitlab-ci:oidc/gcp/site-deployer@example-project.iam.gserviceaccount.com") != nullptr);

  const Identity* vault = identity(result, "vault:production/db/password@ops");
  REQUIRE(vault);
  CHECK(vault->origin == Origin::referenced);
  REQUIRE(vault->links.size() == 1);
  CHECK(vault->links.front().target == "gitlab-ci:id-token/https://vault.example.com");

  const Identity* token = identity(result, "gitlab-ci:token/.gitlab-ci.yml");
  REQUIRE(token);
  CHECK(token->ephemeral);
  CHECK(identity(result, "gitlab-ci:variable/NOT_A_REFERENCE") == nullptr);
  CHECK(identity(result, "gitlab-ci:literal/.gitlab-ci.yml/SONAR_TOKEN")->hardcoded.size() == 1);
}

TEST_CASE("azure pipelines logins per step") {
  const ScanResult result = scan_fixture("azure-pipelines");
  const auto test = logins(result, "Test");
  REQUIRE(test.size() == 3);
  for (const Observation* observation : test) CHECK(detail(*observation, "static") == "true");

  const auto deploy = logins(result, "DeployProduction");
  REQUIRE(deploy.size() == 2);
  CHECK(detail(*deploy[0], "static") == "unknown");
  CHECK(detail(*deploy[1], "static") == "false");

  const Identity* connection = identity(result, "azure-pipelines:service-connection/production-deployer");
  REQUIRE(connection);
  CHECK(connection->origin == Origin::referenced);
  CHECK(connection->consumers.front().environment == "production");

  const Identity* file = identity(result, "azure-pipelines:secure-file/ci-gcs.json");
  REQUIRE(file);
  CHECK(file->credential->cloud == "gcp");
  CHECK(identity(result, "azure-pipelines:variable/APP_TOKEN") == nullptr);
  CHECK(identity(result, "azure-pipelines:variable-group/production-secrets") != nullptr);
}

TEST_CASE("github env keys and composite inputs") {
  const ScanResult result = scan_fixture("github-actions");
  const auto terraform = logins(result, "terraform");
  REQUIRE(terraform.size() == 1);
  CHECK(detail(*terraform[0], "static") == "true");
  CHECK(detail(*terraform[0], "system") == "github-actions");

  const auto gcp = logins(result, "gcp");
  REQUIRE(gcp.size() == 1);
  CHECK(detail(*gcp[0], "static") == "true");

  const auto azure = logins(result, "azure");
  REQUIRE(azure.size() == 1);
  CHECK(detail(*azure[0], "static") == "false");

  const Identity* input = identity(result, "github-actions:action-input/.github/actions/upload/aws-secret");
  REQUIRE(input);
  CHECK(input->origin == Origin::referenced);
  CHECK(input->credential->cloud == "aws");
  CHECK(identity(result, "github-actions:action-input/.github/actions/upload/destination") == nullptr);

  const Identity* declared = identity(result, "github-actions:secret/TF_API_TOKEN");
  REQUIRE(declared);
  CHECK(declared->location.line == 5);
  CHECK(declared->consumers.front().environment == "staging");
}

TEST_CASE("helm template identities join their values block") {
  const ScanResult result = scan_fixture("helm");
  const Identity* account =
      identity(result, "kubernetes:ServiceAccount/{{ .Release.Namespace }}/{{ include \"shop.serviceAccountName\" . }}");
  REQUIRE(account);
  CHECK(account->origin == Origin::template_);
  CHECK(account->attributes.at("values_block") == "controller.serviceAccount");
  REQUIRE(account->links.size() == 1);
  CHECK(account->links.front().target == "aws:role/shop-controller");
  REQUIRE(account->consumers.size() == 1);
  CHECK(account->consumers.front().location.file == "chart/templates/deployment.yaml");

  const Identity* worker = identity(result, "kubernetes:ServiceAccount/{{ .Release.Namespace }}/shop-worker");
  REQUIRE(worker);
  CHECK(worker->location.file == "chart/values.yaml");
  CHECK(worker->origin == Origin::template_);

  for (const Diagnostic& diagnostic : result.diagnostics) {
    CHECK(diagnostic.level != Diagnostic::Level::error);
  }
}

TEST_CASE("kustomize patch identities at their real lines") {
  const ScanResult result = scan_fixture("kubernetes");
  const Identity* cart = identity(result, "kubernetes:ServiceAccount/shop/cart");
  REQUIRE(cart);
  CHECK(cart->origin == Origin::declared);
  REQUIRE(cart->links.size() == 2);
  CHECK(cart->links[0].location.file == "overlays/production/kustomization.yaml");
  CHECK(cart->links[0].location.line == 15);
  CHECK(cart->links[0].location.column == 43);

  const Identity* orders = identity(result, "kubernetes:ServiceAccount/shop/orders");
  REQUIRE(orders);
  REQUIRE(orders->links.size() == 1);
  CHECK(orders->links.front().target == "aws:role/orders");

  const Identity* refreshed = identity(result, "kubernetes:ExternalSecret/shop/cart-db");
  REQUIRE(refreshed);
  CHECK(refreshed->credential->rotation_mechanism == "ExternalSecret refreshInterval 15m");
  CHECK(identity(result, "kubernetes:ExternalSecret/shop/orders-api-key")->credential->rotation_mechanism.empty());
  CHECK(identity(result, "kubernetes:ServiceAccount/shop/default") == nullptr);
}
