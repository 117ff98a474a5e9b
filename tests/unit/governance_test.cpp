#include <doctest/doctest.h>

#include "scanner/governance.h"

using namespace nhiscan;

namespace {

Identity identity_with(std::vector<MetaEntry> native, std::vector<MetaEntry> comments) {
  Identity identity;
  identity.id = "terraform:aws_iam_user.bot";
  identity.kind = IdentityKind::machine_user;
  identity.native_metadata = std::move(native);
  identity.comment_metadata = std::move(comments);
  return identity;
}

}  // namespace

TEST_CASE("governance prefers native metadata over comments") {
  std::vector<Identity> identities = {
      identity_with({{"team", "native-team", {}, "tag"}}, {{"owner", "comment-team", {}, "comment"}, {"review-by", "2027-01-01", {}, "comment"}})};
  resolve_governance(identities, {});
  REQUIRE(identities[0].governance.owner.has_value());
  CHECK(identities[0].governance.owner->value == "native-team");
  CHECK(identities[0].governance.owner->source == "tag");
  CHECK(identities[0].governance.review_by->value == "2027-01-01");
}

TEST_CASE("governance falls back to the inventory") {
  InventoryFile inventory;
  inventory.entries.push_back({"terraform:aws_iam_user.*", {}, {{"owner", "inventory-team", {}, "inventory"}}});
  std::vector<Identity> identities = {identity_with({}, {})};
  GovernanceOptions options;
  options.inventory = &inventory;
  resolve_governance(identities, options);
  CHECK(identities[0].governance.owner->value == "inventory-team");
  CHECK(inventory.entries[0].matched);
}

TEST_CASE("credential inherits owner, not rotation") {
  Identity account = identity_with({{"owner", "team", {}, "tag"}, {"rotation", "30d", {}, "tag"}, {"review-by", "2027-01-01", {}, "tag"}}, {});
  Identity key;
  key.id = "terraform:aws_iam_access_key.bot";
  key.kind = IdentityKind::access_key;
  key.links.push_back({LinkType::key_of, account.id, {}});
  std::vector<Identity> identities = {account, key};
  resolve_governance(identities, {});
  inherit_governance(identities);
  REQUIRE(identities[1].governance.owner.has_value());
  CHECK(identities[1].governance.owner->inherited);
  CHECK(identities[1].governance.owner->inherited_from == account.id);
  CHECK(identities[1].governance.review_by->value == "2027-01-01");
  CHECK_FALSE(identities[1].governance.rotation.has_value());
}

TEST_CASE("owner_problem names unusable owners") {
  CHECK(owner_problem("team-payments").empty());
  CHECK(owner_problem("payments@example.com").empty());
  CHECK_FALSE(owner_problem("").empty());
  CHECK_FALSE(owner_problem("TBD").empty());
  CHECK_FALSE(owner_problem("\xE2\x80\x9Cteam\xE2\x80\x9D").empty());
}

TEST_CASE("needs_rotation: static long-lived only") {
  Identity key;
  key.kind = IdentityKind::access_key;
  key.credential = Credential{};
  CHECK(needs_rotation(key));
  key.credential->federated = true;
  CHECK_FALSE(needs_rotation(key));
  Identity secret;
  secret.kind = IdentityKind::ci_secret;
  secret.credential = Credential{};
  secret.credential->identifier_only = true;
  CHECK_FALSE(needs_rotation(secret));
  Identity account;
  account.kind = IdentityKind::service_account;
  CHECK_FALSE(needs_rotation(account));
}
