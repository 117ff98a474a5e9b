#include "rules/governance_hints.h"

namespace nhiscan {

namespace {

/// "an `owner` tag", "a `review-by` tag".
std::string article(const std::string& key) {
  const char first = key.empty() ? 'x' : key.front();
  return std::string(first == 'a' || first == 'e' || first == 'i' || first == 'o' || first == 'u' ? "an" : "a");
}

}  // namespace

std::string metadata_hint(const Identity& identity, const std::string& key, const std::string& example) {
  const std::string comment = "a `# nhi: " + key + "=" + example + "` comment above the declaration";
  const std::string inventory = "an entry for '" + identity.id + "' in nhi-inventory.toml";
  const auto type = identity.attributes.find("terraform_type");
  std::string native;
  if (identity.platform == "kubernetes" && identity.origin != Origin::referenced) {
    native = article(key) + " `" + key + "` annotation";
  } else if (identity.platform == "aws" && type != identity.attributes.end() &&
             (type->second == "aws_iam_user" || type->second == "aws_iam_role")) {
    native = article(key) + " `" + key + "` tag";
  }
  if (identity.kind == IdentityKind::ci_secret) return "add " + inventory + " or " + comment + " where it is used";
  if (!native.empty()) return "add " + native + ", " + comment + ", or " + inventory;
  return "add " + comment + " or " + inventory;
}

}  // namespace nhiscan
