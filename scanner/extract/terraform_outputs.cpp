// Terraform `output` blocks that expose credential material of a resource or data
// source, recorded as observations ("terraform-output-credential") for the rules.
#include "scanner/extract/terraform.h"
#include "scanner/text.h"

namespace nhiscan {

namespace {

/// Resource types whose whole object carries secret material, so an output of the
/// object itself exposes it.
const char* const kCredentialResources[] = {
    "aws_iam_access_key",          "google_service_account_key", "tls_private_key",
    "random_password",             "azuread_application_password", "azuread_service_principal_password",
    "aws_iam_user_login_profile",  "kubernetes_secret",          "kubernetes_secret_v1",
};

bool is_credential_resource(std::string_view type) {
  for (const char* name : kCredentialResources) {
    if (type == name) return true;
  }
  return false;
}

/// Attributes that hold key, secret, password or token material, by name. Attributes
/// that only identify or describe a credential (ids, ARNs, versions, fingerprints,
/// public keys, PGP-encrypted copies) are not.
bool is_credential_attribute(std::string_view type, std::string_view attribute) {
  const std::string name = lower(attribute);
  if (type == "random_password" && name == "result") return true;
  if ((type == "azuread_application_password" || type == "azuread_service_principal_password") && name == "value") {
    return true;
  }
  if (type == "vault_approle_auth_backend_role_secret_id" && name == "secret_id") return true;
  // Settings about credentials rather than credentials: password policies, the Key
  // Vault secrets provider add-on, expiry flags.
  if (contains(type, "password_policy")) return false;
  static const char* const kNotSecret[] = {"encrypted", "fingerprint", "public_key", "_id",      "_ids",
                                           "_arn",      "_name",       "_version",   "_length",  "_policy",
                                           "_hash",     "_created",    "_expir",     "_enabled", "_reset",
                                           "provider",  "_count",      "_type",      "_rotation"};
  for (const char* marker : kNotSecret) {
    if (contains(name, marker)) return false;
  }
  static const char* const kSettingPrefixes[] = {"expire", "require", "allow", "max_", "min_", "minimum_", "hard_"};
  for (const char* prefix : kSettingPrefixes) {
    if (starts_with(name, prefix)) return false;
  }
  if (name == "id" || name == "arn" || name == "name") return false;
  static const char* const kSecret[] = {"private_key", "secret",        "password",    "token",
                                        "key_material", "access_key",   "connection_string", "client_key",
                                        "kube_config", "kube_admin_config"};
  for (const char* marker : kSecret) {
    if (contains(name, marker)) return true;
  }
  return false;
}

/// Strips index and splat parts: "ci[0]" -> "ci".
std::string_view base_name(std::string_view part) { return part.substr(0, part.find('[')); }

struct Exposure {
  std::string address;    // "aws_iam_access_key.ci" or "data.x.y"
  std::string type;
  std::string reference;  // as written, e.g. "aws_iam_access_key.ci.secret"
  std::string attribute;  // empty when the whole object is output
};

std::vector<Exposure> exposures(const HclExpr& value) {
  std::vector<Exposure> found;
  for (const std::string& reference : value.references) {
    const std::vector<std::string_view> parts = split(reference, '.');
    if (parts.empty()) continue;
    const bool data = parts[0] == "data";
    const std::size_t type_index = data ? 1 : 0;
    if (parts.size() < type_index + 2) continue;
    const std::string_view type = parts[type_index];
    // Only resources and data sources: variables, locals, modules and iterators are
    // judged where they are declared.
    if (type == "var" || type == "local" || type == "module" || type == "each" || type == "count" ||
        type == "path" || type == "terraform" || type == "self") {
      continue;
    }
    Exposure exposure;
    exposure.type = std::string(type);
    exposure.address = (data ? "data." : "") + exposure.type + "." + std::string(base_name(parts[type_index + 1]));
    exposure.reference = reference;
    std::size_t attribute_index = type_index + 2;
    // A splat or index part of its own: aws_iam_access_key.ci.*.secret
    while (attribute_index < parts.size() && (parts[attribute_index] == "*" || parts[attribute_index].empty())) {
      ++attribute_index;
    }
    if (attribute_index < parts.size()) exposure.attribute = std::string(base_name(parts[attribute_index]));
    const bool exposed = exposure.attribute.empty() ? is_credential_resource(exposure.type)
                                                    : is_credential_attribute(exposure.type, exposure.attribute);
    if (exposed) found.push_back(std::move(exposure));
  }
  return found;
}

bool uses_nonsensitive(const HclExpr& expr) {
  if (expr.kind == HclExpr::Kind::call && expr.text == "nonsensitive") return true;
  for (const HclExpr& item : expr.items) {
    if (uses_nonsensitive(item)) return true;
  }
  return false;
}

}  // namespace

void extract_terraform_outputs(TerraformContext& context) {
  for (const TfBlock& output : context.outputs()) {
    const HclAttribute* value = output.block->attribute("value");
    if (!value) continue;
    const auto sensitive = context.string_value(output.block->value("sensitive"));
    for (const Exposure& exposure : exposures(value->value)) {
      Observation observation;
      observation.kind = "terraform-output-credential";
      observation.subject = output.name;
      observation.location = context.location_of(output, value->value);
      observation.related.push_back(context.location(output));
      observation.details["output"] = output.name;
      observation.details["reference"] = exposure.reference;
      observation.details["resource"] = exposure.address;
      observation.details["attribute"] = exposure.attribute;
      observation.details["sensitive"] = sensitive && *sensitive == "true" ? "true" : "false";
      observation.details["nonsensitive"] = uses_nonsensitive(value->value) ? "true" : "false";
      const std::string id = context.id_for_address(exposure.address);
      if (context.find_identity(id)) observation.details["identity"] = id;
      context.out().observations.push_back(std::move(observation));
    }
  }
}

}  // namespace nhiscan
