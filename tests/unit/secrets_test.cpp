#include <doctest/doctest.h>

#include "scanner/extract/secrets.h"

using namespace nhiscan;

namespace {

std::string first_detector(std::string_view text) {
  const auto matches = find_secret_formats(text);
  return matches.empty() ? std::string() : matches.front().detector;
}

const char* const kKeyBody =
    "a4henJBR8yCw24PznqetvQ105t7H89+uzI9kZWZkGnuiZg8wEfw1cCkcV5kNGgCR\n"
    "JokZ8l2dBhLfNZ1gJqJA9FiaXXkfHdl8/vp3entPFSQav1e9Q3rUsSmEBTTz84dc\n";

}  // namespace

TEST_CASE("private key block with key material") {
  const std::string text = std::string("-----BEGIN RSA PRIVATE KEY-----\n") + kKeyBody + "-----END RSA PRIVATE KEY-----\n";
  const auto matches = find_secret_formats(text);
  REQUIRE(matches.size() == 1);
  CHECK(matches.front().detector == "private-key");
  CHECK(matches.front().begin == 0);
  CHECK(matches.front().masked == "a4he****");
}

TEST_CASE("private key header without material") {
  CHECK(first_detector("-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----") == "");
  CHECK(first_detector("const char* kHeader = \"-----BEGIN PRIVATE KEY-----\";") == "");
  CHECK(first_detector("-----BEGIN PUBLIC KEY-----\n" + std::string(kKeyBody) + "-----END PUBLIC KEY-----") == "");
}

TEST_CASE("private key with escaped newlines in JSON") {
  const std::string json = std::string("{\"type\": \"service_account\", \"private_key_id\": \"3f9c\", \"private_key\": "
                                       "\"-----BEGIN PRIVATE KEY-----\\n") +
                           "a4henJBR8yCw24PznqetvQ105t7H89+uzI9kZWZkGnuiZg8wEfw1cCkcV5kNGgCR\\n"
                           "JokZ8l2dBhLfNZ1gJqJA9FiaXXkfHdl8/vp3entPFSQav1e9Q3rUsSmEBTTz84dc\\n"
                           "-----END PRIVATE KEY-----\\n\"}";
  CHECK(first_detector(json) == "gcp-service-account-key");
}

TEST_CASE("aws access key id with its secret nearby") {
  const auto matches = find_secret_formats(
      "[default]\naws_access_key_id = AKIAEUVW75EFR6EDT4SY\naws_secret_access_key = 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\n");
  REQUIRE(matches.size() == 2);
  CHECK(matches[0].detector == "aws-access-key-id");
  CHECK(matches[1].detector == "aws-secret-access-key");
  CHECK(matches[1].masked == "Sc7T****");
}

TEST_CASE("aws documentation example key") {
  CHECK(first_detector("AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY") == "");
}

TEST_CASE("aws key id inside a longer word") {
  CHECK(first_detector("XAKIAEUVW75EFR6EDT4SY") == "");
  CHECK(first_detector("AKIAEUVW75EFR6EDT4SYZ") == "");
}

TEST_CASE("provider token prefixes") {
  CHECK(first_detector("token: ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d") == "github-token");
  CHECK(first_detector("glpat-KLzdocJ2isAjIhKtJ0Rl") == "gitlab-token");
  CHECK(first_detector("xoxb-199351819093-7865797543231-KtHF4vUCsMehGAkWvj7FAc9Q") == "slack-token");
  CHECK(first_detector("https://hooks.slack.com/services/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") ==
        "slack-webhook");
}

TEST_CASE("provider token placeholders") {
  CHECK(first_detector("ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx") == "");
  CHECK(first_detector("ghp_" + std::string(36, 'a')) == "");
  CHECK(first_detector("glpat-<your-token-here>") == "");
  CHECK(first_detector("https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX") == "");
}

TEST_CASE("json web tokens only when asked") {
  const char* jwt =
      "eyJhbGciOiAiSFMyNTYiLCAidHlwIjogIkpXVCJ9.eyJzdWIiOiAib3JkZXJzLWFwaSIsICJpYXQiOiAxNzY3MjI1NjAwfQ."
      "BwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSY";
  CHECK(secret_format(jwt) == "");
  CHECK(secret_format(jwt, true) == "jwt");
}

TEST_CASE("classify literal in secret-named field") {
  CHECK(classify_secret_literal("password", "Vb7nQ4xZ2kLm9Tp3") == "secret-named-field");
  CHECK(classify_secret_literal("DB_PASSWORD", "Pq8mZ3xV7nL2kW9c") == "secret-named-field");
  CHECK(classify_secret_literal("secret_string", "Vb7nQ4xZ2kLm9Tp3") == "secret-named-field");
  CHECK(classify_secret_literal("description", "Vb7nQ4xZ2kLm9Tp3") == "");
}

TEST_CASE("classify literal rejects placeholders and references") {
  CHECK(classify_secret_literal("password", "<DB_PASSWORD>") == "");
  CHECK(classify_secret_literal("password", "REPLACE_ME") == "");
  CHECK(classify_secret_literal("password", "${var.db_password}") == "");
  CHECK(classify_secret_literal("password", "$(DB_PASSWORD)") == "");
  CHECK(classify_secret_literal("token", "{{ .Values.token }}") == "");
  CHECK(classify_secret_literal("POSTGRES_PASSWORD", "password") == "");
  CHECK(classify_secret_literal("password", "yourpassword") == "");
  CHECK(classify_secret_literal("password", "short") == "");
}

TEST_CASE("classify literal rejects hashes paths and names") {
  CHECK(classify_secret_literal("admin_password", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy") == "");
  CHECK(classify_secret_literal("token", "sha256:9b2a5c1e0f7d3a4b6c8e0f1a2b3c4d5e") == "");
  CHECK(classify_secret_literal("credentials", "/var/run/secrets/key.json") == "");
  CHECK(classify_secret_literal("client_secret", "CLIENT_SECRET") == "");
  CHECK(classify_secret_literal("secret", "orders-db-credentials") == "");
  CHECK(classify_secret_literal("api_key", "https://vault.example.com/v1/api-key") == "");
}

TEST_CASE("classify literal keeps credentials in urls") {
  CHECK(classify_secret_literal("token", "https://ci:Vb7nQ4xZ2kLm@registry.internal") == "secret-named-field");
}

TEST_CASE("hash and digest forms") {
  CHECK(is_hash_or_digest("sha256:abcdef"));
  CHECK(is_hash_or_digest("registry.example.com/app@sha256:abcdef"));
  CHECK(is_hash_or_digest("$2y$12$abcdefghijklmnopqrstuv"));
  CHECK(is_hash_or_digest("{SSHA}abcdef"));
  CHECK_FALSE(is_hash_or_digest("Vb7nQ4xZ2kLm9Tp3"));
}

TEST_CASE("decode_base64 standard and url-safe") {
  CHECK(decode_base64("SHQ3a1EybVo5d0xw") == std::optional<std::string>("Ht7kQ2mZ9wLp"));
  CHECK(decode_base64("b3JkZXJz") == std::optional<std::string>("orders"));
  CHECK(decode_base64("Y2hhbmdlbWU=") == std::optional<std::string>("changeme"));
  CHECK(decode_base64("_-8") == std::optional<std::string>("\xff\xef"));
  CHECK_FALSE(decode_base64("not base64!").has_value());
}
