#include <doctest/doctest.h>

#include "scanner/metadata.h"

using namespace nhiscan;

TEST_CASE("Date parses ISO dates and timestamps") {
  CHECK(Date::parse("2027-03-31")->to_string() == "2027-03-31");
  CHECK(Date::parse("2027-03-31T12:00:00Z")->to_string() == "2027-03-31");
  CHECK(Date::parse("2024-02-29").has_value());
}

TEST_CASE("Date rejects malformed and impossible dates") {
  CHECK_FALSE(Date::parse("31.12.2099").has_value());
  CHECK_FALSE(Date::parse("2023-02-29").has_value());
  CHECK_FALSE(Date::parse("2027-13-01").has_value());
  CHECK_FALSE(Date::parse("2027-3-1").has_value());
  CHECK_FALSE(Date::parse("2027-03-31x").has_value());
}

TEST_CASE("Date ordering and arithmetic") {
  const Date a = *Date::parse("2026-12-31");
  const Date b = *Date::parse("2027-01-01");
  CHECK(a < b);
  CHECK(b.days - a.days == 1);
  CHECK(Date::from_civil(1970, 1, 1).days == 0);
}

TEST_CASE("parse_duration_days units") {
  CHECK(parse_duration_days("90d") == 90);
  CHECK(parse_duration_days("2w") == 14);
  CHECK(parse_duration_days("3m") == 90);
  CHECK(parse_duration_days("1y") == 365);
  CHECK(parse_duration_days("1Y") == 365);
  CHECK_FALSE(parse_duration_days("90").has_value());
  CHECK_FALSE(parse_duration_days("d").has_value());
  CHECK_FALSE(parse_duration_days("ninety days").has_value());
}

TEST_CASE("parse_rotation accepts managed and federated") {
  CHECK(parse_rotation("managed")->kind == Rotation::Kind::managed);
  CHECK(parse_rotation("Federated")->kind == Rotation::Kind::federated);
  CHECK(parse_rotation("30d")->days == 30);
  CHECK_FALSE(parse_rotation("0d").has_value());
  CHECK_FALSE(parse_rotation("sometimes").has_value());
}

TEST_CASE("normalize_key drops prefixes and unifies separators") {
  CHECK(normalize_key("example.com/Review_Date") == "review-date");
  CHECK(normalize_key("reviewDate") == "review-date");
  CHECK(normalize_key("last.reviewed") == "last-reviewed");
  CHECK(normalize_key("OWNER") == "owner");
}

TEST_CASE("match_key synonyms") {
  CHECK(match_key("team") == MetaField::owner);
  CHECK(match_key("app.kubernetes.io/maintainer") == MetaField::owner);
  CHECK(match_key("review-due") == MetaField::review_by);
  CHECK(match_key("recertify_by") == MetaField::review_by);
  CHECK(match_key("reviewed-on") == MetaField::last_reviewed);
  CHECK(match_key("rotate-every") == MetaField::rotation);
  CHECK(match_key("expires_at") == MetaField::expires);
  CHECK(match_key("description") == MetaField::purpose);
  CHECK_FALSE(match_key("app").has_value());
}

TEST_CASE("match_key with configured synonyms") {
  KeySynonyms extra{{"steward", MetaField::owner}};
  CHECK(match_key("data-steward", extra) == std::nullopt);
  CHECK(match_key("Steward", extra) == MetaField::owner);
}

TEST_CASE("parse_metadata_comment reads quoted values") {
  const auto fields = parse_metadata_comment("nhi: owner=team-payments review-by=2027-03-31 purpose=\"deploys api\"");
  REQUIRE(fields.has_value());
  REQUIRE(fields->size() == 3);
  CHECK((*fields)[0] == std::make_pair(std::string("owner"), std::string("team-payments")));
  CHECK((*fields)[1].second == "2027-03-31");
  CHECK((*fields)[2].second == "deploys api");
  CHECK_FALSE(parse_metadata_comment("not a metadata comment").has_value());
}

TEST_CASE("parse_directive reads rules and fields") {
  const auto directive = parse_directive("nhiscan:ignore NHI004,missing-owner until=2027-01-31 reason=\"vendor key\" approver=sec");
  REQUIRE(directive.has_value());
  CHECK_FALSE(directive->file_wide);
  REQUIRE(directive->rules.size() == 2);
  CHECK(directive->rules[0] == "NHI004");
  CHECK(directive->rules[1] == "missing-owner");
  CHECK(directive->until == "2027-01-31");
  CHECK(directive->reason == "vendor key");
  CHECK(directive->approver == "sec");
}

TEST_CASE("parse_directive file-wide and look-alikes") {
  CHECK(parse_directive("nhiscan:ignore-file NHI001")->file_wide);
  CHECK_FALSE(parse_directive("nhiscan:ignored NHI001").has_value());
  CHECK_FALSE(parse_directive("see nhiscan:ignore docs").has_value());
}
