#include <doctest/doctest.h>

#include "scanner/comments.h"
#include "scanner/extract/ci_common.h"

using namespace nhiscan;

namespace {

struct Parsed {
  SourceText source;
  std::vector<YamlDocument> documents;
  CommentIndex index;
};

std::unique_ptr<Parsed> parse(const std::string& text) {
  auto parsed = std::make_unique<Parsed>();
  parsed->source = SourceText("ci.yml", text);
  std::vector<Diagnostic> diagnostics;
  parsed->documents = parse_yaml_stream(parsed->source, YamlLimits{}, diagnostics);
  parsed->index = CommentIndex(parsed->source, yaml_comments(parsed->source), {});
  return parsed;
}

std::vector<TextReference> references(const Parsed& parsed, ReferenceSyntax syntax) {
  const FileView view{&parsed.source, &parsed.index};
  return find_variable_references(view, parsed.documents.front(), syntax);
}

}  // namespace

TEST_CASE("credential names by their words") {
  CHECK(is_credential_variable_name("NPM_TOKEN"));
  CHECK(is_credential_variable_name("DOCKER_HUB_PASSWORD"));
  CHECK(is_credential_variable_name("AWS_ACCESS_KEY_ID"));
  CHECK(is_credential_variable_name("GCLOUD_SERVICE_KEY"));
  CHECK(is_credential_variable_name("azuresdk-github-pat"));
  CHECK(is_credential_variable_name("storageAccountKey"));
  CHECK(is_credential_variable_name("CONTAINER_SAS_URL"));
  CHECK(is_credential_variable_name("GPG_KEY_PATH"));
  CHECK(is_credential_variable_name("GOOGLE_APPLICATION_CREDENTIALS"));
}

TEST_CASE("identifiers and settings are no credential names") {
  CHECK_FALSE(is_credential_variable_name("AWS_OIDC_ROLE_ARN"));
  CHECK_FALSE(is_credential_variable_name("OAUTH_TENANT_ID"));
  CHECK_FALSE(is_credential_variable_name("DOCKER_HUB_USER"));
  CHECK_FALSE(is_credential_variable_name("S2S_SRC_S3_SERVICE_URL"));
  CHECK_FALSE(is_credential_variable_name("TOKEN_URL"));
  CHECK_FALSE(is_credential_variable_name("PUBLIC_KEY"));
  CHECK_FALSE(is_credential_variable_name("pwd"));
  CHECK_FALSE(is_credential_variable_name("JobKey"));
  CHECK_FALSE(is_credential_variable_name("CPK_ENCRYPTION_KEY_SHA256"));
  CHECK_FALSE(is_credential_variable_name("GPG_KEYID"));
  CHECK_FALSE(is_credential_variable_name("GO_VERSION"));
}

TEST_CASE("cloud variables by provider and kind") {
  CHECK(classify_cloud_variable("AWS_SECRET_ACCESS_KEY").cloud == "aws");
  CHECK(classify_cloud_variable("PROD_AWS_SECRET_ACCESS_KEY").static_key);
  CHECK(classify_cloud_variable("AWS_WEB_IDENTITY_TOKEN_FILE").federated);
  CHECK(classify_cloud_variable("GCLOUD_SERVICE_KEY").cloud == "gcp");
  CHECK(classify_cloud_variable("GOOGLE_CREDENTIALS").static_key);
  CHECK(classify_cloud_variable("AZCOPY_SPA_CLIENT_SECRET").cloud == "azure");
  CHECK(classify_cloud_variable("ARM_CLIENT_SECRET").static_key);
  CHECK(classify_cloud_variable("ARM_USE_OIDC").federated);
  CHECK(classify_cloud_variable("GOOGLE_API_KEY").cloud.empty());
  CHECK(classify_cloud_variable("OAUTH_CLIENT_SECRET").cloud.empty());
  CHECK(classify_cloud_variable("NPM_TOKEN").cloud.empty());
}

TEST_CASE("shell references with exact positions") {
  const auto parsed = parse("script:\n  - echo $A_TOKEN ${B_TOKEN:-x} $$ESCAPED $(cmd) $env:C_KEY\n");
  const auto found = references(*parsed, ReferenceSyntax::shell);
  REQUIRE(found.size() == 3);
  CHECK(found[0].name == "A_TOKEN");
  CHECK(found[0].line == 2);
  CHECK(found[0].column == 10);
  CHECK(found[1].name == "B_TOKEN");
  CHECK(found[1].location.end_column - found[1].location.column == 13);
  CHECK(found[2].name == "C_KEY");
  CHECK(parsed->documents.front().node(found[0].node).line == 2);
}

TEST_CASE("references skip comments and shell comment lines") {
  // A `#` after a command inside a script is shell text to the reader, which cannot tell
  // a shell comment from a `#` in a shell string.
  const auto parsed = parse("script: |\n  # echo $OLD_TOKEN\n  echo $NEW_TOKEN  # $SHELL_TEXT\nother: $X # $Y\n");
  const auto found = references(*parsed, ReferenceSyntax::shell);
  REQUIRE(found.size() == 3);
  CHECK(found[0].name == "NEW_TOKEN");
  CHECK(found[1].name == "SHELL_TEXT");
  CHECK(found[2].name == "X");
}

TEST_CASE("azure macros and runtime expressions") {
  const auto parsed = parse(
      "env:\n  A: $(SECRET_ONE)\n  B: $(System.AccessToken)\n  C: $[variables.RUNTIME]\n  D: $(go env GOPATH)\n");
  const auto found = references(*parsed, ReferenceSyntax::azure_macro);
  REQUIRE(found.size() == 3);
  CHECK(found[0].name == "SECRET_ONE");
  CHECK(found[0].column == 6);
  CHECK(found[1].name == "System.AccessToken");
  CHECK(found[2].name == "RUNTIME");
}

TEST_CASE("references resolve to the scalar of an anchor") {
  const auto parsed = parse("base: &base\n  command: echo $KEY_ONE\njob:\n  <<: *base\n");
  const auto found = references(*parsed, ReferenceSyntax::shell);
  REQUIRE(found.size() == 1);
  const YamlDocument& doc = parsed->documents.front();
  Reach reach;
  add_reach(doc, doc.get(doc.root, "job"), reach);
  CHECK(reach.contains(found[0].node));
  CHECK(reach.merge_line[found[0].node] == 4);
}

TEST_CASE("key path from a job to a value") {
  const auto parsed = parse("job:\n  env:\n    AWS_SECRET_ACCESS_KEY: $(X)\n");
  const YamlDocument& doc = parsed->documents.front();
  const YamlId job = doc.get(doc.root, "job");
  const YamlId value = doc.path(job, {"env", "AWS_SECRET_ACCESS_KEY"});
  CHECK(key_path(doc, job, value) == std::vector<std::string>{"env", "AWS_SECRET_ACCESS_KEY"});
  CHECK(key_path(doc, value, job).empty());
}

TEST_CASE("key path through sequences and keys") {
  const auto parsed = parse("steps:\n  - run: a\n  - with:\n      token: $(T)\n");
  const YamlDocument& doc = parsed->documents.front();
  const YamlId with = doc.node(doc.get(doc.root, "steps")).items[1];
  const YamlId token = doc.path(with, {"with", "token"});
  CHECK(key_path(doc, doc.root, token) == std::vector<std::string>{"steps", "with", "token"});
  // A key node as the target: the path ends with that key.
  const YamlId key = doc.entry(doc.get(with, "with"), "token")->key;
  CHECK(key_path(doc, doc.root, key) == std::vector<std::string>{"steps", "with", "token"});
  CHECK(key_path(doc, doc.root, doc.root).empty());
}

TEST_CASE("key path to a shared anchor") {
  // The anchored node is shared by both jobs; the search takes the last key first.
  const auto parsed = parse("first: &env\n  KEY: $(K)\nsecond:\n  env: *env\n");
  const YamlDocument& doc = parsed->documents.front();
  const YamlId value = doc.path(doc.root, {"first", "KEY"});
  CHECK(key_path(doc, doc.root, value) == std::vector<std::string>{"second", "env", "KEY"});
  CHECK(key_path(doc, doc.get(doc.root, "first"), value) == std::vector<std::string>{"KEY"});
}

TEST_CASE("literal secrets by format and by name") {
  CHECK(detect_literal_secret("ANY", "AKIAABCDEFGHIJKLMNOP") == "aws-access-key-id");
  CHECK(detect_literal_secret("KEY", "-----BEGIN RSA PRIVATE KEY-----") == "private-key");
  CHECK(detect_literal_secret("API_TOKEN", "s3cr3t-value-123") == "secret-named-field");
  CHECK(detect_literal_secret("API_TOKEN", "$API_TOKEN").empty());
  CHECK(detect_literal_secret("API_TOKEN", "changeme").empty());
  CHECK(detect_literal_secret("API_TOKEN", "/run/secrets/token").empty());
  CHECK(detect_literal_secret("API_TOKEN", "false").empty());
  CHECK(detect_literal_secret("REGION", "eu-west-1").empty());
}

TEST_CASE("script logins static and federated") {
  const auto gcp = find_script_logins("echo $KEY | gcloud auth activate-service-account --key-file=-");
  REQUIRE(gcp.size() == 1);
  CHECK(gcp[0].cloud == "gcp");
  CHECK(gcp[0].static_key);

  const auto aws = find_script_logins(
      "aws sts assume-role-with-web-identity --role-arn arn:aws:iam::1:role/r --web-identity-token $T");
  REQUIRE(aws.size() == 1);
  CHECK(aws[0].federated);
  CHECK(aws[0].target == "arn:aws:iam::1:role/r");

  const auto azure = find_script_logins("az login --service-principal -u $ID -p $SECRET --tenant $T");
  REQUIRE(azure.size() == 1);
  CHECK(azure[0].static_key);
  CHECK(azure[0].target == "$ID");

  const auto federated = find_script_logins("az login --service-principal -u $ID --federated-token $(cat t)");
  REQUIRE(federated.size() == 1);
  CHECK(federated[0].federated);

  CHECK(find_script_logins("az login --identity").empty());
  CHECK(find_script_logins("echo hello").empty());
}

TEST_CASE("workload identity provider and service account in text") {
  CHECK(find_workload_identity_provider("x //iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/q y") ==
        "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/q");
  CHECK(find_service_account_email("--sa=deploy@proj.iam.gserviceaccount.com") == "deploy@proj.iam.gserviceaccount.com");
  CHECK(find_role_arn("role: arn:aws:iam::123456789012:role/ci/deployer") == "arn:aws:iam::123456789012:role/ci/deployer");
}
