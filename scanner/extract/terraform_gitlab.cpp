// GitLab tokens that the Terraform gitlab provider declares: project, group and
// personal access tokens, and deploy tokens.
#include "scanner/extract/terraform.h"
#include "scanner/extract/terraform_credentials.h"
#include "scanner/text.h"

namespace nhiscan {

namespace {

class GitlabExtractor {
 public:
  explicit GitlabExtractor(TerraformContext& context) : context_(context) {}

  void run() {
    for (const TfBlock& resource : context_.resources("gitlab_project_access_token")) token(resource, "project");
    for (const TfBlock& resource : context_.resources("gitlab_group_access_token")) token(resource, "group");
    for (const TfBlock& resource : context_.resources("gitlab_personal_access_token")) token(resource, "user");
    for (const TfBlock& resource : context_.resources("gitlab_deploy_token")) {
      token(resource, resource.block->value("group") ? "group" : "project");
    }
  }

 private:
  std::string text_of(const HclExpr* expr) const {
    if (!expr) return {};
    const auto text = context_.string_value(expr);
    return text ? *text : expr->text;
  }

  void token(const TfBlock& resource, const std::string& owner_kind) {
    const HclBlock& block = *resource.block;
    const auto name = context_.string_value(block.value("name"));
    const std::string owner = text_of(block.value(owner_kind == "user" ? "user_id" : owner_kind.c_str()));
    Identity& identity = context_.add_identity(resource, IdentityKind::token, "gitlab",
                                               name ? *name : resource.address);
    identity.credential = Credential{};
    identity.attributes[owner_kind] = owner;
    if (const HclExpr* username = block.value("username")) identity.attributes["username"] = text_of(username);

    std::vector<std::string> scopes;
    if (const HclExpr* list = block.value("scopes"); list && list->kind == HclExpr::Kind::tuple) {
      for (const HclExpr& item : list->items) scopes.push_back(text_of(&item));
    }
    if (!scopes.empty()) identity.attributes["scopes"] = join(scopes, ", ");

    expiry(identity, resource);
    grant(identity, resource, owner_kind, owner, scopes);
    apply_rotation_trigger(context_, resource, identity);
  }

  // expires_at is a date. rotation_configuration makes the provider replace the token
  // before it expires, each new token living expiration_days.
  void expiry(Identity& identity, const TfBlock& resource) {
    Credential& credential = *identity.credential;
    if (const HclAttribute* expires = resource.block->attribute("expires_at")) {
      set_declared_expiry(identity, text_of(&expires->value), context_.location_of(resource, expires->value),
                          "expires_at", context_.string_value(&expires->value).has_value());
    }
    // Read both as an object attribute and as a nested block.
    const HclAttribute* attribute = resource.block->attribute("rotation_configuration");
    const HclBlock* block = resource.block->block("rotation_configuration");
    if (!attribute && !block) return;
    credential.rotation_mechanism = resource.address + ".rotation_configuration";
    credential.rotation_location = attribute ? context_.location_of(resource, attribute->value)
                                             : context_.location(resource, block->start);
    const HclExpr* days = attribute ? attribute->value.field("expiration_days") : block->value("expiration_days");
    if (!days || credential.expiry) return;
    const auto text = context_.string_value(days);
    set_declared_expiry(identity, text ? *text + "d" : days->text, context_.location_of(resource, *days),
                        "rotation_configuration.expiration_days", text.has_value());
  }

  // The access the token carries. Owner access, or the `sudo` or `admin_mode` scopes of
  // a personal token, control the whole project, group or instance.
  void grant(Identity& identity, const TfBlock& resource, const std::string& owner_kind, const std::string& owner,
             const std::vector<std::string>& scopes) {
    const HclExpr* level = resource.block->value("access_level");
    Grant grant;
    grant.role = level ? text_of(level) : (owner_kind == "user" ? "the user's own access" : "");
    if (!scopes.empty()) grant.role += (grant.role.empty() ? "scopes " : " with scopes ") + join(scopes, ", ");
    if (grant.role.empty()) return;
    grant.scope = owner_kind + " " + owner;
    grant.via = resource.address;
    grant.location = context_.location(resource);
    if (level && iequals(text_of(level), "owner")) {
      grant.admin = true;
      grant.admin_reason = "owner access controls the whole " + owner_kind + ", including its members and tokens";
      grant.evidence = context_.location_of(resource, *level);
    }
    for (const std::string& scope : scopes) {
      if (scope == "sudo" || scope == "admin_mode") {
        grant.admin = true;
        grant.admin_reason = "the " + scope + " scope acts as a GitLab administrator";
        if (const HclExpr* list = resource.block->value("scopes")) grant.evidence = context_.location_of(resource, *list);
      }
    }
    identity.grants.push_back(grant);
  }

  TerraformContext& context_;
};

}  // namespace

void extract_terraform_gitlab(TerraformContext& context) { GitlabExtractor(context).run(); }

}  // namespace nhiscan
