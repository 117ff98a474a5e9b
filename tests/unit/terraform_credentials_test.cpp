#include <doctest/doctest.h>

#include "scanner/extract/terraform_credentials.h"

using namespace nhiscan;

TEST_CASE("parse_go_duration_seconds single units") {
  CHECK(parse_go_duration_seconds("4380h") == doctest::Approx(4380.0 * 3600));
  CHECK(parse_go_duration_seconds("90m") == doctest::Approx(5400));
  CHECK(parse_go_duration_seconds("45s") == doctest::Approx(45));
  CHECK(parse_go_duration_seconds("1500ms") == doctest::Approx(1.5));
  CHECK(parse_go_duration_seconds("2us") == doctest::Approx(2e-6));
  CHECK(parse_go_duration_seconds("2\xC2\xB5s") == doctest::Approx(2e-6));
  CHECK(parse_go_duration_seconds("7ns") == doctest::Approx(7e-9));
}

TEST_CASE("parse_go_duration_seconds compound, fractions and signs") {
  CHECK(parse_go_duration_seconds("2400h30m") == doctest::Approx(2400.0 * 3600 + 1800));
  CHECK(parse_go_duration_seconds("1h30m15s") == doctest::Approx(5415));
  CHECK(parse_go_duration_seconds("2.5h") == doctest::Approx(9000));
  CHECK(parse_go_duration_seconds(".5h") == doctest::Approx(1800));
  CHECK(parse_go_duration_seconds("1.h") == doctest::Approx(3600));  // Go's ParseDuration accepts it too
  CHECK(parse_go_duration_seconds("-1h") == doctest::Approx(-3600));
  CHECK(parse_go_duration_seconds("+1h") == doctest::Approx(3600));
  CHECK(parse_go_duration_seconds("0") == doctest::Approx(0));
  CHECK(parse_go_duration_seconds(" 24h ") == doctest::Approx(86400));
}

TEST_CASE("parse_go_duration_seconds rejects other text") {
  CHECK_FALSE(parse_go_duration_seconds("").has_value());
  CHECK_FALSE(parse_go_duration_seconds("4380").has_value());
  CHECK_FALSE(parse_go_duration_seconds("30d").has_value());
  CHECK_FALSE(parse_go_duration_seconds("six months").has_value());
  CHECK_FALSE(parse_go_duration_seconds("h").has_value());
  CHECK_FALSE(parse_go_duration_seconds(".h").has_value());
  CHECK_FALSE(parse_go_duration_seconds("-").has_value());
  CHECK_FALSE(parse_go_duration_seconds("1h-30m").has_value());
}

TEST_CASE("parse_vault_ttl_seconds forms") {
  CHECK(parse_vault_ttl_seconds("3600") == doctest::Approx(3600));
  CHECK(parse_vault_ttl_seconds("768h") == doctest::Approx(768.0 * 3600));
  CHECK(parse_vault_ttl_seconds("30d") == doctest::Approx(30.0 * 86400));
  CHECK(parse_vault_ttl_seconds("0") == doctest::Approx(0));
  CHECK_FALSE(parse_vault_ttl_seconds("").has_value());
  CHECK_FALSE(parse_vault_ttl_seconds("forever").has_value());
  CHECK_FALSE(parse_vault_ttl_seconds("d").has_value());
}

TEST_CASE("duration_days_text rounds up to whole days") {
  CHECK(duration_days_text(4380.0 * 3600) == "183d");  // 182.5 days
  CHECK(duration_days_text(4320.0 * 3600) == "180d");
  CHECK(duration_days_text(86400) == "1d");
  CHECK(duration_days_text(1) == "1d");
  CHECK(duration_days_text(86401) == "2d");
}

TEST_CASE("duration_days_text rejects zero and negative") {
  CHECK_FALSE(duration_days_text(0).has_value());
  CHECK_FALSE(duration_days_text(-3600).has_value());
}

TEST_CASE("duration_days_text caps at what parse_duration_days reads") {
  CHECK(duration_days_text(1e12) == "999999d");
}

TEST_CASE("set_declared_expiry keeps dates and durations") {
  Identity identity;
  identity.credential = Credential{};
  set_declared_expiry(identity, "183d", Location{"main.tf", 3, 1}, "end_date_relative", true);
  REQUIRE(identity.credential->expiry.has_value());
  CHECK(identity.credential->expiry->value == "183d");
  CHECK(identity.credential->expiry->key == "end_date_relative");
  CHECK(identity.native_metadata.empty());
}

TEST_CASE("set_declared_expiry turns unreadable literals into metadata") {
  Identity identity;
  identity.credential = Credential{};
  set_declared_expiry(identity, "six months", Location{"main.tf", 3, 1}, "end_date_relative", true);
  CHECK_FALSE(identity.credential->expiry.has_value());
  REQUIRE(identity.native_metadata.size() == 1);
  CHECK(identity.native_metadata[0].key == "expires");
  CHECK(identity.native_metadata[0].value == "six months");
}

TEST_CASE("set_declared_expiry keeps computed expressions") {
  Identity identity;
  identity.credential = Credential{};
  set_declared_expiry(identity, "timeadd(timestamp(), \"720h\")", Location{"main.tf", 3, 1}, "end_date", false);
  REQUIRE(identity.credential->expiry.has_value());
  CHECK(identity.native_metadata.empty());
}

TEST_CASE("is_credential_resource_type") {
  CHECK(is_credential_resource_type("aws_iam_access_key"));
  CHECK(is_credential_resource_type("azuread_application_password"));
  CHECK(is_credential_resource_type("gitlab_project_access_token"));
  CHECK_FALSE(is_credential_resource_type("random_password"));
  CHECK_FALSE(is_credential_resource_type("aws_iam_role"));
}
