// GitHub identities that the Terraform github provider declares: Actions secrets
// (repository, organization and environment) and repository deploy keys.
#include "scanner/extract/terraform.h"
#include "scanner/extract/terraform_credentials.h"
#include "scanner/text.h"

namespace nhiscan {

namespace {

class GithubExtractor {
 public:
  explicit GithubExtractor(TerraformContext& context) : context_(context) {}

  void run() {
    for (const char* type : {"github_actions_secret", "github_actions_organization_secret",
                             "github_actions_environment_secret"}) {
      for (const TfBlock& resource : context_.resources(type)) actions_secret(resource);
    }
    for (const TfBlock& resource : context_.resources("github_repository_deploy_key")) deploy_key(resource);
  }

 private:
  std::string text_of(const HclExpr* expr) const {
    if (!expr) return {};
    const auto text = context_.string_value(expr);
    return text ? *text : expr->text;
  }

  // A secret that Terraform writes into GitHub. Workflows read it as
  // `secrets.NAME`, which the workflow extractor records as `github-actions:secret/NAME`.
  // A referenced record with that id and a `set_by` link to this resource lets
  // merging join the two: the workflow's record then says which resource sets it.
  void actions_secret(const TfBlock& resource) {
    const HclBlock& block = *resource.block;
    const HclExpr* name_expr = block.value("secret_name");
    const auto name = context_.string_value(name_expr);
    Identity& identity = context_.add_identity(resource, IdentityKind::ci_secret, "github",
                                               name ? *name : resource.address);
    identity.credential = Credential{};
    if (name) {
      identity.attributes["secret_name"] = *name;
      identity.attributes["ci_secret_id"] = "github-actions:secret/" + *name;
    } else if (name_expr) {
      identity.attributes["secret_name"] = name_expr->text;
    }
    if (name_expr) identity.attribute_locations["secret_name"] = context_.location_of(resource, *name_expr);
    if (resource.type == "github_actions_organization_secret") {
      identity.attributes["scope"] = "organization";
      if (const auto visibility = context_.string_value(block.value("visibility"))) {
        identity.attributes["visibility"] = *visibility;
      }
    } else {
      identity.attributes["scope"] = resource.type == "github_actions_environment_secret" ? "environment" : "repository";
      identity.attributes["repository"] = text_of(block.value("repository"));
      if (const HclExpr* environment = block.value("environment")) identity.attributes["environment"] = text_of(environment);
    }
    for (const char* value : {"plaintext_value", "encrypted_value"}) {
      if (block.value(value)) apply_value_source(context_, resource, value, identity);
    }
    // An encrypted value is ciphertext for the repository's public key: the secret
    // behind it is still static and has to be re-encrypted to be rotated.
    if (const auto found = identity.attributes.find("value"); found != identity.attributes.end() &&
                                                            !block.value("plaintext_value")) {
      identity.credential->is_static = true;
      identity.attributes["value"] = "encrypted literal";
    }
    apply_rotation_trigger(context_, resource, identity);

    if (!name || name->empty()) return;
    const std::string target = identity.id;
    Identity secret;
    secret.id = "github-actions:secret/" + *name;
    secret.kind = IdentityKind::ci_secret;
    secret.platform = "github";
    secret.name = *name;
    secret.origin = Origin::referenced;
    secret.location = context_.location_of(resource, *name_expr);
    secret.links.push_back({LinkType::set_by, target, secret.location});
    context_.out().identities.push_back(std::move(secret));
  }

  void deploy_key(const TfBlock& resource) {
    const HclBlock& block = *resource.block;
    const std::string repository = text_of(block.value("repository"));
    const auto title = context_.string_value(block.value("title"));
    const bool named_repository = context_.string_value(block.value("repository")).has_value();
    Identity& identity = context_.add_identity(
        resource, IdentityKind::deploy_key, "github",
        title ? *title : named_repository ? "deploy key of " + repository : resource.address);
    identity.credential = Credential{};
    if (!repository.empty()) identity.attributes["repository"] = repository;
    // GitHub makes a deploy key read-write unless read_only is true (provider default:
    // true). A reference is kept as written.
    if (const HclExpr* read_only = block.value("read_only")) {
      identity.attributes["read_only"] = text_of(read_only);
      identity.attribute_locations["read_only"] = context_.location_of(resource, *read_only);
    } else {
      identity.attributes["read_only"] = "true";
    }
    // The public key; a tls_private_key of this module keeps the private half in state.
    const ValueSource key = value_source(context_, resource, block.value("key"));
    if (key.kind == ValueSource::Kind::resource) {
      identity.attributes["key_from"] = key.address;
      identity.attribute_locations["key"] = key.location;
      if (starts_with(key.address, "tls_private_key.")) identity.attributes["private_key_in_state"] = "true";
      if (const TfBlock* source = context_.resource(key.address)) {
        Location where;
        const std::string trigger = rotation_trigger(context_, *source, &where);
        if (!trigger.empty()) {
          identity.credential->rotation_mechanism = trigger + " (through " + key.address + ")";
          identity.credential->rotation_location = where;
          if (auto period = time_rotating_period(context_, trigger)) identity.native_metadata.push_back(std::move(*period));
        }
      }
    }
    if (identity.credential->rotation_mechanism.empty()) apply_rotation_trigger(context_, resource, identity);
  }

  TerraformContext& context_;
};

}  // namespace

void extract_terraform_github(TerraformContext& context) { GithubExtractor(context).run(); }

}  // namespace nhiscan
