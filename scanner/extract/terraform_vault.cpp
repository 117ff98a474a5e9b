// HashiCorp Vault identities that the Terraform vault provider declares: AppRole
// roles and their secret IDs, tokens, and Kubernetes auth roles.
#include "scanner/extract/kubernetes_names.h"
#include "scanner/extract/terraform.h"
#include "scanner/extract/terraform_credentials.h"
#include "scanner/text.h"

namespace nhiscan {

namespace {

constexpr double kDaySeconds = 86400;

class VaultExtractor {
 public:
  explicit VaultExtractor(TerraformContext& context) : context_(context) {}

  void run() {
    approle_roles();
    approle_secret_ids();
    tokens();
    kubernetes_roles();
  }

 private:
  std::string text_of(const HclExpr* expr) const {
    if (!expr) return {};
    const auto text = context_.string_value(expr);
    return text ? *text : expr->text;
  }

  /// A TTL attribute in seconds; nullopt when it is missing or not a literal.
  std::optional<double> ttl_seconds(const HclBlock& block, const char* name) const {
    const auto text = context_.string_value(block.value(name));
    if (!text) return std::nullopt;
    return parse_vault_ttl_seconds(*text);
  }

  void copy_attributes(Identity& identity, const TfBlock& resource, std::initializer_list<const char*> names) {
    for (const char* name : names) {
      if (const HclExpr* expr = resource.block->value(name)) identity.attributes[name] = text_of(expr);
    }
  }

  /// Vault policies attached to tokens that log in through a role, or to a token.
  /// The `root` policy allows everything.
  void policy_grants(Identity& identity, const TfBlock& resource) {
    for (const char* name : {"token_policies", "policies"}) {
      const HclExpr* list = resource.block->value(name);
      if (!list || list->kind != HclExpr::Kind::tuple) continue;
      for (const HclExpr& item : list->items) {
        Grant grant;
        grant.role = text_of(&item);
        // vault_policy.NAME.name: the policy's literal name.
        const std::string policy = context_.referenced_address(&item, {"vault_policy"});
        if (const TfBlock* declared = policy.empty() ? nullptr : context_.resource(policy)) {
          if (const auto name = context_.string_value(declared->block->value("name"))) grant.role = *name;
        }
        grant.scope = "vault";
        grant.via = resource.address;
        grant.location = context_.location(resource);
        if (grant.role == "root") {
          grant.admin = true;
          grant.admin_reason = "the root policy allows every operation on every path";
          grant.evidence = context_.location_of(resource, item);
        }
        identity.grants.push_back(grant);
      }
    }
  }

  void approle_roles() {
    for (const TfBlock& resource : context_.resources("vault_approle_auth_backend_role")) {
      const HclExpr* name_expr = resource.block->value("role_name");
      const auto name = context_.string_value(name_expr);
      Identity& identity = context_.add_identity(resource, IdentityKind::role, "vault",
                                                 name ? *name : resource.address);
      identity.attributes["auth_method"] = "approle";
      copy_attributes(identity, resource,
                      {"role_name", "backend", "token_ttl", "token_max_ttl", "token_explicit_max_ttl", "token_period",
                       "period", "secret_id_ttl", "secret_id_num_uses", "bind_secret_id", "token_type"});
      policy_grants(identity, resource);
      if (name) roles_by_name_[*name] = resource.address;
    }
  }

  /// The AppRole role a secret ID belongs to: a reference to the role resource, a
  /// literal role name, `depends_on`, or the same role_name and backend expressions
  /// (`role_name = each.key` on both, as for_each families are often written).
  const TfBlock* role_of(const TfBlock& secret) const {
    const HclExpr* name_expr = secret.block->value("role_name");
    const std::string address = context_.referenced_address(name_expr, {"vault_approle_auth_backend_role"});
    if (!address.empty()) return context_.resource(address);
    if (const auto name = context_.string_value(name_expr)) {
      if (const auto found = roles_by_name_.find(*name); found != roles_by_name_.end()) {
        return context_.resource(found->second);
      }
    }
    const std::string depends = context_.referenced_address(secret.block->value("depends_on"),
                                                            {"vault_approle_auth_backend_role"});
    if (!depends.empty()) return context_.resource(depends);
    if (!name_expr) return nullptr;
    const HclExpr* backend = secret.block->value("backend");
    for (const TfBlock& role : context_.resources("vault_approle_auth_backend_role")) {
      const HclExpr* role_name = role.block->value("role_name");
      const HclExpr* role_backend = role.block->value("backend");
      if (!role_name || role_name->text != name_expr->text) continue;
      if ((backend == nullptr) != (role_backend == nullptr)) continue;
      if (backend && backend->text != role_backend->text) continue;
      return &role;
    }
    return nullptr;
  }

  void approle_secret_ids() {
    for (const TfBlock& resource : context_.resources("vault_approle_auth_backend_role_secret_id")) {
      const HclBlock& block = *resource.block;
      const TfBlock* role = role_of(resource);
      std::string role_name = text_of(block.value("role_name"));
      if (role) {
        if (const Identity* role_identity = context_.find_identity(context_.id_for(*role))) role_name = role_identity->name;
      }
      Identity& identity = context_.add_identity(resource, IdentityKind::secret, "vault",
                                                 "secret ID of " + (role_name.empty() ? resource.address : role_name));
      identity.credential = Credential{};
      copy_attributes(identity, resource, {"role_name", "backend", "num_uses", "cidr_list"});
      if (role) {
        const HclExpr* name_expr = block.value("role_name");
        identity.links.push_back({LinkType::key_of, context_.id_for(*role),
                                  name_expr ? context_.location_of(resource, *name_expr) : identity.location});
      }

      // Metadata written as jsonencode({...}) is kept on the secret ID in Vault and
      // can carry governance fields.
      if (const HclExpr* metadata = block.value("metadata");
          metadata && metadata->kind == HclExpr::Kind::call && metadata->text == "jsonencode" && !metadata->items.empty()) {
        add_native_metadata(identity, context_.metadata_map(resource, &metadata->items.front(), "metadata"));
      }

      // The secret ID's own ttl (vault provider 4.x), else the role's secret_id_ttl.
      // Zero or nothing means it never expires.
      const HclAttribute* ttl = block.attribute("ttl");
      const TfBlock* ttl_owner = &resource;
      if (!ttl && role) {
        ttl = role->block->attribute("secret_id_ttl");
        ttl_owner = role;
      }
      if (ttl) {
        const auto text = context_.string_value(&ttl->value);
        const auto seconds = text ? parse_vault_ttl_seconds(*text) : std::nullopt;
        if (const auto days = seconds ? duration_days_text(*seconds) : std::nullopt) {
          set_declared_expiry(identity, *days, context_.location_of(*ttl_owner, ttl->value), ttl->name, true);
          if (*seconds <= kDaySeconds) identity.credential->long_lived = false;
        } else if (text && !seconds) {
          set_declared_expiry(identity, *text, context_.location_of(*ttl_owner, ttl->value), ttl->name, true);
        }
      }
      apply_value_source(context_, resource, "secret_id", identity);
      apply_rotation_trigger(context_, resource, identity);
    }
  }

  // A token lives until its explicit_max_ttl, or its ttl unless it is renewed. A
  // periodic token (period) is renewed indefinitely, and one with neither ttl nor
  // explicit_max_ttl takes the mount's default, so both count as long-lived with no
  // declared expiry.
  void tokens() {
    for (const TfBlock& resource : context_.resources("vault_token")) {
      const HclBlock& block = *resource.block;
      const auto display = context_.string_value(block.value("display_name"));
      const auto role = context_.string_value(block.value("role_name"));
      std::string label = resource.address;
      if (role) label = "token of role " + *role;
      if (display) label = *display;
      Identity& identity = context_.add_identity(resource, IdentityKind::token, "vault", label);
      identity.credential = Credential{};
      copy_attributes(identity, resource,
                      {"role_name", "ttl", "explicit_max_ttl", "period", "renewable", "num_uses", "no_parent"});
      add_native_metadata(identity, context_.metadata_map(resource, block.value("metadata"), "metadata"));
      policy_grants(identity, resource);

      const HclAttribute* period = block.attribute("period");
      if (period) {
        identity.attributes["periodic"] = "true";
        identity.attribute_locations["period"] = context_.location_of(resource, period->value);
      } else {
        const HclAttribute* bound = block.attribute("explicit_max_ttl");
        if (!bound) bound = block.attribute("ttl");
        const auto text = bound ? context_.string_value(&bound->value) : std::nullopt;
        const auto seconds = text ? parse_vault_ttl_seconds(*text) : std::nullopt;
        if (text && !seconds) {
          set_declared_expiry(identity, *text, context_.location_of(resource, bound->value), bound->name, true);
        } else if (const auto days = seconds ? duration_days_text(*seconds) : std::nullopt) {
          set_declared_expiry(identity, *days, context_.location_of(resource, bound->value), bound->name, true);
          const auto renewable = context_.string_value(block.value("renewable"));
          const bool capped = bound->name == "explicit_max_ttl" || (renewable && *renewable == "false");
          if (capped && *seconds <= kDaySeconds) identity.credential->long_lived = false;
        }
      }
      apply_rotation_trigger(context_, resource, identity);
    }
  }

  std::vector<std::pair<std::string, const HclExpr*>> strings(const HclExpr* list) const {
    std::vector<std::pair<std::string, const HclExpr*>> out;
    if (!list || list->kind != HclExpr::Kind::tuple) return out;
    for (const HclExpr& item : list->items) {
      if (const auto text = context_.string_value(&item)) out.emplace_back(*text, &item);
    }
    return out;
  }

  // Pods running as one of the bound ServiceAccounts may log in as this role.
  void kubernetes_roles() {
    for (const TfBlock& resource : context_.resources("vault_kubernetes_auth_backend_role")) {
      const HclBlock& block = *resource.block;
      const auto name = context_.string_value(block.value("role_name"));
      Identity& identity = context_.add_identity(resource, IdentityKind::role, "vault",
                                                 name ? *name : resource.address);
      identity.attributes["auth_method"] = "kubernetes";
      copy_attributes(identity, resource, {"role_name", "backend", "token_ttl", "token_max_ttl", "token_period", "audience"});
      policy_grants(identity, resource);

      const HclExpr* names_expr = block.value("bound_service_account_names");
      const HclExpr* namespaces_expr = block.value("bound_service_account_namespaces");
      const auto names = strings(names_expr);
      const auto namespaces = strings(namespaces_expr);
      std::vector<std::string> written;
      for (const auto& [account, account_expr] : names) written.push_back(account);
      identity.attributes["bound_service_account_names"] = join(written, ", ");
      written.clear();
      for (const auto& [space, space_expr] : namespaces) written.push_back(space);
      identity.attributes["bound_service_account_namespaces"] = join(written, ", ");

      for (const auto& [account, account_expr] : names) {
        for (const auto& [space, space_expr] : namespaces) {
          if (contains(account, "*") || contains(space, "*")) {
            // Any ServiceAccount matching the pattern may log in; no single one to link.
            identity.attributes["wildcard_binding"] = "true";
            identity.attribute_locations["wildcard_binding"] =
                context_.location_of(resource, contains(account, "*") ? *account_expr : *space_expr);
            continue;
          }
          identity.links.push_back({LinkType::bound_to, kubernetes_service_account_id(space, account),
                                    context_.location_of(resource, *account_expr)});
        }
      }
    }
  }

  TerraformContext& context_;
  std::map<std::string, std::string> roles_by_name_;  // literal role_name -> address
};

}  // namespace

void extract_terraform_vault(TerraformContext& context) { VaultExtractor(context).run(); }

}  // namespace nhiscan
