// Google Cloud identities in Terraform: service accounts, their keys, IAM grants to
// service accounts, service-account IAM (including GKE workload identity bindings),
// workload identity pool providers, API keys and Secret Manager secrets.
#include <regex>

#include "scanner/extract/terraform.h"
#include "scanner/extract/terraform_credentials.h"
#include "scanner/regex.h"
#include "scanner/text.h"

namespace nhiscan {

namespace {

bool is_admin_role(const std::string& role) { return role == "roles/owner" || role == "roles/editor"; }

/// The identity a `serviceAccount:` member names: a service account of this module
/// (by reference or e-mail), or a referenced identity keyed by the e-mail.
struct MemberTarget {
  std::string id;
  std::string email;
  bool declared = false;
  // GKE workload identity: serviceAccount:PROJECT.svc.id.goog[namespace/name]
  std::string kubernetes_namespace;
  std::string kubernetes_name;
};

class GoogleExtractor {
 public:
  explicit GoogleExtractor(TerraformContext& context) : context_(context) {}

  void run() {
    service_accounts();
    keys();
    project_iam();
    service_account_iam();
    workload_identity_providers();
    default_compute_consumers();
    api_keys();
    secret_manager_secrets();
  }

 private:
  void service_accounts() {
    for (const TfBlock& resource : context_.resources("google_service_account")) {
      const HclBlock& block = *resource.block;
      const auto account_id = context_.string_value(block.value("account_id"));
      Identity& identity = context_.add_identity(resource, IdentityKind::service_account, "gcp",
                                                 account_id ? *account_id : resource.address);
      if (account_id) {
        identity.attributes["account_id"] = *account_id;
        const auto project = context_.string_value(block.value("project"));
        if (project) {
          const std::string email = *account_id + "@" + *project + ".iam.gserviceaccount.com";
          identity.attributes["email"] = email;
          emails_[email] = identity.id;
        }
        account_ids_[*account_id] = identity.id;
      }
      if (const HclAttribute* description = block.attribute("description")) {
        const auto text = context_.string_value(&description->value);
        identity.native_metadata.push_back({"description", text ? *text : description->value.text,
                                            context_.location_of(resource, description->value), "attribute"});
      }
      if (const auto display = context_.string_value(block.value("display_name"))) {
        identity.attributes["display_name"] = *display;
      }
      if (const auto disabled = context_.string_value(block.value("disabled")); disabled && *disabled == "true") {
        identity.attributes["disabled"] = "true";
      }
    }
  }

  /// The service account a key or IAM resource points at through `service_account_id`.
  std::string account_for(const TfBlock& resource, const HclExpr* expr, std::string* email_out = nullptr) {
    const std::string address = context_.referenced_address(expr, {"google_service_account"});
    if (!address.empty() && context_.resource(address)) return context_.id_for_address(address);
    const auto literal = context_.string_value(expr);
    if (!literal) return {};
    // projects/PROJECT/serviceAccounts/EMAIL, or the e-mail, or an account id.
    std::string email = *literal;
    const std::size_t slash = email.rfind('/');
    if (slash != std::string::npos) email = email.substr(slash + 1);
    if (email_out) *email_out = email;
    if (const auto found = emails_.find(email); found != emails_.end()) return found->second;
    if (email.find('@') == std::string::npos) {
      if (const auto found = account_ids_.find(email); found != account_ids_.end()) return found->second;
      return {};
    }
    return "gcp:serviceAccount/" + email;
  }

  void keys() {
    for (const TfBlock& resource : context_.resources("google_service_account_key")) {
      const HclBlock& block = *resource.block;
      std::string email;
      const HclExpr* account = block.value("service_account_id");
      const std::string account_id = account_for(resource, account, &email);

      std::string account_name = email;
      if (const Identity* account_identity = context_.find_identity(account_id)) account_name = account_identity->name;
      if (account_name.empty()) account_name = account_id.empty() ? "an unresolved service account" : account_id;
      Identity& key = context_.add_identity(resource, IdentityKind::access_key, "gcp", "key of " + account_name);
      Credential credential;
      credential.cloud = "gcp";
      if (const HclExpr* keepers = block.value("keepers")) {
        // Keepers tied to a time_rotating resource replace the key on a schedule.
        const std::string rotating = context_.referenced_address(keepers, {"time_rotating"});
        if (!rotating.empty()) {
          credential.rotation_mechanism = rotating;
          credential.rotation_location = context_.location_of(resource, *keepers);
        }
      }
      if (block.value("public_key_data")) key.attributes["key_material"] = "uploaded public key";
      key.credential = credential;
      if (!account_id.empty()) {
        key.links.push_back({LinkType::key_of, account_id,
                             account ? context_.location_of(resource, *account) : key.location});
        if (starts_with(account_id, "gcp:serviceAccount/")) key.attributes["account_email"] = email;
      }
    }
  }

  MemberTarget member_target(const std::string& member_text, const HclExpr* expr) {
    MemberTarget target;
    std::string member = member_text;
    // "serviceAccount:${var.project}.svc.id.goog[ns/${var.name}]": the project may be
    // unknown while the namespace and name are not.
    if (expr && expr->kind == HclExpr::Kind::template_ && contains(member, ".svc.id.goog[")) {
      member = context_.partial_text(*expr);
    }
    if (!starts_with(member, "serviceAccount:") && !(expr && contains(expr->text, "serviceAccount:"))) return target;
    // A reference to a service account of this module.
    const std::string address = context_.referenced_address(expr, {"google_service_account"});
    if (!address.empty() && context_.resource(address)) {
      target.id = context_.id_for_address(address);
      target.declared = true;
      return target;
    }
    if (!starts_with(member, "serviceAccount:")) return target;
    const std::string email = member.substr(std::string("serviceAccount:").size());
    static const std::regex kWorkload(R"(^(.+)\.svc\.id\.goog\[([^/\]]+)/([^\]]+)\]$)", kRegexSyntax);
    std::smatch match;
    if (std::regex_match(email, match, kWorkload)) {
      target.kubernetes_namespace = match[2].str();
      target.kubernetes_name = match[3].str();
      return target;
    }
    if (is_expression(email)) return target;
    target.email = email;
    if (const auto found = emails_.find(email); found != emails_.end()) {
      target.id = found->second;
      target.declared = true;
    } else {
      target.id = "gcp:serviceAccount/" + email;
    }
    return target;
  }

  Identity& referenced_account(const std::string& id, const std::string& email, const Location& where) {
    if (Identity* existing = context_.find_identity(id)) return *existing;
    // Referenced accounts are created through the same index as declared ones so that
    // several grants to one e-mail land on one record.
    Identity identity;
    identity.id = id;
    identity.kind = IdentityKind::service_account;
    identity.platform = "gcp";
    identity.name = email;
    identity.origin = Origin::referenced;
    identity.location = where;
    identity.attributes["email"] = email;
    context_.out().identities.push_back(std::move(identity));
    referenced_[id] = context_.out().identities.size() - 1;
    return context_.out().identities.back();
  }

  Identity* target_identity(const MemberTarget& target, const Location& where) {
    if (target.id.empty()) return nullptr;
    if (Identity* found = context_.find_identity(target.id)) return found;
    if (const auto it = referenced_.find(target.id); it != referenced_.end()) {
      return &context_.out().identities[it->second];
    }
    return &referenced_account(target.id, target.email, where);
  }

  void grant(const TfBlock& resource, const std::string& role, const HclExpr* role_expr, const std::string& member,
             const HclExpr* member_expr, const std::string& scope) {
    const Location where = context_.location(resource);
    const MemberTarget target = member_target(member, member_expr);
    Identity* identity = target_identity(target, member_expr ? context_.location_of(resource, *member_expr) : where);
    if (!identity) return;
    Grant grant;
    grant.role = role;
    grant.scope = scope;
    grant.via = resource.address;
    grant.location = where;
    grant.admin = is_admin_role(role);
    if (grant.admin) {
      grant.admin_reason = "basic role " + role + " grants full control of the " + scope;
      if (role_expr) grant.evidence = context_.location_of(resource, *role_expr);
    }
    identity->grants.push_back(grant);
  }

  std::string scope_of(const TfBlock& resource) {
    const std::string& type = resource.type;
    const auto value = [&](const char* name) -> std::string {
      const HclExpr* expr = resource.block->value(name);
      if (!expr) return {};
      const auto text = context_.string_value(expr);
      return text ? *text : expr->text;
    };
    if (starts_with(type, "google_project_")) {
      const std::string project = value("project");
      return "project " + (project.empty() ? std::string("(provider default)") : project);
    }
    if (starts_with(type, "google_folder_")) return "folder " + value("folder");
    if (starts_with(type, "google_organization_")) return "organization " + value("org_id");
    if (starts_with(type, "google_billing_account_")) return "billing account " + value("billing_account_id");
    return type;
  }

  void project_iam() {
    static const char* const kLevels[] = {"google_project_iam", "google_folder_iam", "google_organization_iam",
                                          "google_billing_account_iam"};
    for (const char* level : kLevels) {
      const std::string base = level;
      for (const TfBlock& resource : context_.resources(base + "_member")) {
        const HclExpr* role = resource.block->value("role");
        const HclExpr* member = resource.block->value("member");
        const auto role_text = context_.string_value(role);
        const auto member_text = context_.string_value(member);
        const std::string member_value = member_text ? *member_text : (member ? member->text : "");
        // role = local.roles[count.index] or each.value: one grant per listed role.
        const std::vector<std::string> roles = role_text ? std::vector<std::string>{} : context_.string_values(role, resource);
        if (roles.empty()) {
          grant(resource, role_text ? *role_text : (role ? role->text : ""), role, member_value, member, scope_of(resource));
        }
        for (const std::string& each_role : roles) grant(resource, each_role, role, member_value, member, scope_of(resource));
      }
      for (const TfBlock& resource : context_.resources(base + "_binding")) {
        const HclExpr* role = resource.block->value("role");
        const auto role_text = context_.string_value(role);
        members(resource, resource.block->value("members"), role_text ? *role_text : (role ? role->text : ""), role);
      }
      for (const TfBlock& resource : context_.resources(base + "_policy")) policy(resource, nullptr);
    }
  }

  void members(const TfBlock& resource, const HclExpr* list, const std::string& role, const HclExpr* role_expr,
               const std::string& scope_override = {}) {
    if (!list || list->kind != HclExpr::Kind::tuple) return;
    for (const HclExpr& item : list->items) {
      const auto text = context_.string_value(&item);
      grant(resource, role, role_expr, text ? *text : item.text, &item,
            scope_override.empty() ? scope_of(resource) : scope_override);
    }
  }

  // Authoritative policies: policy_data = data.google_iam_policy.NAME.policy_data, whose
  // binding blocks list roles and members.
  void policy(const TfBlock& resource, const std::string* account_id) {
    const HclExpr* data = resource.block->value("policy_data");
    if (!data) return;
    const TfBlock* source = nullptr;
    for (const std::string& reference : data->references) {
      const std::vector<std::string_view> parts = split(reference, '.');
      if (parts.size() >= 3 && parts[0] == "data" && parts[1] == "google_iam_policy") {
        source = context_.data("data.google_iam_policy." + std::string(parts[2]));
      }
    }
    if (!source) return;
    for (const HclBlock* binding : source->block->blocks_of("binding")) {
      const HclExpr* role = binding->value("role");
      const auto role_text = context_.string_value(role);
      const HclExpr* list = binding->value("members");
      if (!list || list->kind != HclExpr::Kind::tuple) continue;
      for (const HclExpr& item : list->items) {
        const auto text = context_.string_value(&item);
        const std::string member = text ? *text : item.text;
        if (account_id) {
          service_account_member(resource, *account_id, role_text ? *role_text : "", member, &item);
        } else {
          // Locate the grant at the policy resource; the binding is evidence.
          grant(resource, role_text ? *role_text : (role ? role->text : ""), role, member, &item, scope_of(resource));
        }
      }
    }
  }

  // google_service_account_iam_*: `member` gets `role` on the service account.
  void service_account_member(const TfBlock& resource, const std::string& account_id, const std::string& role,
                              const std::string& member, const HclExpr* member_expr) {
    const MemberTarget target = member_target(member, member_expr);
    const Location where = context_.location(resource);
    if (!target.kubernetes_name.empty()) {
      // GKE workload identity: the Kubernetes ServiceAccount may act as this account.
      if (Identity* account = context_.find_identity(account_id)) {
        account->links.push_back({LinkType::federated_with,
                                  "kubernetes:ServiceAccount/" + target.kubernetes_namespace + "/" + target.kubernetes_name,
                                  member_expr ? context_.location_of(resource, *member_expr) : where});
      }
      return;
    }
    Identity* identity = target_identity(target, member_expr ? context_.location_of(resource, *member_expr) : where);
    if (!identity) return;
    Grant grant;
    grant.role = role;
    grant.scope = "service account " + account_id;
    grant.via = resource.address;
    grant.location = where;
    identity->grants.push_back(grant);
    identity->links.push_back({LinkType::grant_on, account_id, where});
  }

  void service_account_iam() {
    for (const char* suffix : {"_member", "_binding", "_policy"}) {
      for (const TfBlock& resource : context_.resources(std::string("google_service_account_iam") + suffix)) {
        const HclBlock& block = *resource.block;
        const std::string account_id = account_for(resource, block.value("service_account_id"));
        if (account_id.empty()) continue;
        const HclExpr* role = block.value("role");
        const auto role_text = context_.string_value(role);
        const std::string role_name = role_text ? *role_text : (role ? role->text : "");
        if (std::string(suffix) == "_member") {
          const HclExpr* member = block.value("member");
          const auto text = context_.string_value(member);
          service_account_member(resource, account_id, role_name, text ? *text : (member ? member->text : ""), member);
        } else if (std::string(suffix) == "_binding") {
          const HclExpr* list = block.value("members");
          if (!list || list->kind != HclExpr::Kind::tuple) continue;
          for (const HclExpr& item : list->items) {
            const auto text = context_.string_value(&item);
            service_account_member(resource, account_id, role_name, text ? *text : item.text, &item);
          }
        } else {
          policy(resource, &account_id);
        }
      }
    }
  }

  void workload_identity_providers() {
    for (const TfBlock& resource : context_.resources("google_iam_workload_identity_pool_provider")) {
      const HclBlock& block = *resource.block;
      const auto provider_id = context_.string_value(block.value("workload_identity_pool_provider_id"));
      Identity& identity = context_.add_identity(resource, IdentityKind::federated_trust, "gcp",
                                                 provider_id ? *provider_id : resource.address);
      Credential credential;
      credential.long_lived = false;
      credential.federated = true;
      credential.is_static = false;
      credential.cloud = "gcp";
      identity.credential = credential;

      Trust trust;
      trust.principal_type = "oidc";
      trust.location = identity.location;
      if (const HclBlock* oidc = block.block("oidc")) {
        const auto issuer = context_.string_value(oidc->value("issuer_uri"));
        trust.principal = issuer ? *issuer : "";
      } else if (block.block("aws")) {
        trust.principal_type = "aws";
      } else if (block.block("saml")) {
        trust.principal_type = "saml";
      }
      if (const HclAttribute* condition = block.attribute("attribute_condition")) {
        const auto text = context_.string_value(&condition->value);
        TrustCondition restriction;
        restriction.test = "attribute_condition";
        restriction.values.push_back(text ? *text : condition->value.text);
        restriction.location = context_.location_of(resource, condition->value);
        trust.conditions.push_back(restriction);
      }
      if (const HclExpr* mapping = block.value("attribute_mapping"); mapping && mapping->kind == HclExpr::Kind::object) {
        for (std::size_t i = 0; i < mapping->keys.size(); ++i) {
          const auto text = context_.string_value(&mapping->items[i]);
          identity.attributes["attribute_mapping." + mapping->keys[i]] = text ? *text : mapping->items[i].text;
        }
      }
      if (trust.principal_type == "oidc") {
        identity.attributes["issuer"] = trust.principal;
      }
      identity.trusts.push_back(trust);
    }
  }

  static bool is_default_compute(const std::string& email) {
    return email.empty() || email == "default" || ends_with(email, "-compute@developer.gserviceaccount.com");
  }

  // Instances and GKE nodes that run as the Compute Engine default service account,
  // which holds the Editor role on its project unless an organisation policy removed it.
  void default_compute_consumers() {
    const auto add = [&](const TfBlock& resource, const Location& where, const std::string& why) {
      const std::string id = "gcp:serviceAccount/default-compute";
      Identity* account = nullptr;
      if (const auto it = referenced_.find(id); it != referenced_.end()) account = &context_.out().identities[it->second];
      if (!account) {
        Identity identity;
        identity.id = id;
        identity.kind = IdentityKind::service_account;
        identity.platform = "gcp";
        identity.name = "the Compute Engine default service account";
        identity.origin = Origin::referenced;
        identity.location = where;
        identity.attributes["default_identity"] = "true";
        context_.out().identities.push_back(std::move(identity));
        referenced_[id] = context_.out().identities.size() - 1;
        account = &context_.out().identities.back();
      }
      Consumer consumer;
      consumer.name = resource.address;
      consumer.kind = "workload";
      consumer.location = where;
      consumer.field = why;
      account->consumers.push_back(consumer);
    };
    for (const char* type : {"google_compute_instance", "google_compute_instance_template"}) {
      for (const TfBlock& resource : context_.resources(type)) {
        const HclBlock* account = resource.block->block("service_account");
        if (!account) continue;  // no service account attached at all
        const auto email = context_.string_value(account->value("email"));
        if (!account->value("email") || (email && is_default_compute(*email))) {
          add(resource, context_.location(resource, account->start), "service_account");
        }
      }
    }
    const auto node_config = [&](const TfBlock& resource, const HclBlock* config) {
      if (!config) {
        add(resource, context_.location(resource), "node_config");
        return;
      }
      const HclExpr* email = config->value("service_account");
      const auto text = context_.string_value(email);
      if (!email || (text && is_default_compute(*text))) add(resource, context_.location(resource, config->start), "node_config.service_account");
    };
    for (const TfBlock& resource : context_.resources("google_container_node_pool")) {
      node_config(resource, resource.block->block("node_config"));
    }
    for (const TfBlock& resource : context_.resources("google_container_cluster")) {
      const auto removed = context_.string_value(resource.block->value("remove_default_node_pool"));
      if (removed && *removed == "true") continue;
      if (const auto autopilot = context_.string_value(resource.block->value("enable_autopilot")); autopilot && *autopilot == "true") {
        continue;
      }
      node_config(resource, resource.block->block("node_config"));
    }
  }

  // google_apikeys_key: an API key never expires. Keys without `restrictions` work
  // from anywhere against every enabled API.
  void api_keys() {
    for (const TfBlock& resource : context_.resources("google_apikeys_key")) {
      const HclBlock& block = *resource.block;
      const auto display = context_.string_value(block.value("display_name"));
      const auto name = context_.string_value(block.value("name"));
      std::string label = resource.address;
      if (name) label = *name;
      if (display) label = *display;
      Identity& key = context_.add_identity(resource, IdentityKind::api_key, "gcp", label);
      Credential credential;
      credential.cloud = "gcp";
      key.credential = credential;
      if (name) key.attributes["key_name"] = *name;
      if (const auto project = context_.string_value(block.value("project"))) key.attributes["project"] = *project;
      const HclBlock* restrictions = block.block("restrictions");
      if (!restrictions) {
        key.attributes["restrictions"] = "none";
      } else {
        std::vector<std::string> kinds;
        for (const HclBlock& child : restrictions->blocks) kinds.push_back(child.type);
        key.attributes["restrictions"] = kinds.empty() ? "none" : join(kinds, ", ");
      }
      if (const HclAttribute* account = block.attribute("service_account_email")) {
        key.attributes["service_account_email"] = context_.string_value(&account->value).value_or(account->value.text);
      }
      apply_rotation_trigger(context_, resource, key);
    }
  }

  // Every Secret Manager secret is recorded: the service exists to hold credentials,
  // and a secret id rarely names which kind. Labels and annotations are native
  // metadata. A `rotation` block makes Secret Manager notify the secret's topics on
  // schedule, which is the rotation mechanism; `ttl` and `expire_time` are expiries.
  void secret_manager_secrets() {
    std::map<std::string, const TfBlock*> versions;  // secret address -> version resource
    for (const TfBlock& version : context_.resources("google_secret_manager_secret_version")) {
      const std::string secret = context_.referenced_address(version.block->value("secret"), {"google_secret_manager_secret"});
      if (!secret.empty()) versions.emplace(secret, &version);
    }
    for (const TfBlock& resource : context_.resources("google_secret_manager_secret")) {
      const HclBlock& block = *resource.block;
      const auto secret_id = context_.string_value(block.value("secret_id"));
      Identity& secret = context_.add_identity(resource, IdentityKind::secret, "gcp",
                                               secret_id ? *secret_id : resource.address);
      secret.credential = Credential{};
      secret.credential->cloud = "gcp";
      add_native_metadata(secret, context_.metadata_map(resource, block.value("labels"), "label"));
      add_native_metadata(secret, context_.metadata_map(resource, block.value("annotations"), "annotation"));

      if (const HclBlock* rotation = block.block("rotation")) {
        secret.credential->rotation_mechanism = resource.address + ".rotation";
        secret.credential->rotation_location = context_.location(resource, rotation->start);
        if (const HclAttribute* period = rotation->attribute("rotation_period")) {
          const auto text = context_.string_value(&period->value);
          const auto seconds = text ? parse_go_duration_seconds(*text) : std::nullopt;
          const auto days = seconds ? duration_days_text(*seconds) : std::nullopt;
          secret.native_metadata.push_back({"rotation", days ? *days : (text ? *text : period->value.text),
                                            context_.location_of(resource, period->value), "rotation"});
        }
      }
      if (const HclAttribute* ttl = block.attribute("ttl")) {
        const auto text = context_.string_value(&ttl->value);
        const auto seconds = text ? parse_go_duration_seconds(*text) : std::nullopt;
        const auto days = seconds ? duration_days_text(*seconds) : std::nullopt;
        set_declared_expiry(secret, days ? *days : (text ? *text : ttl->value.text),
                            context_.location_of(resource, ttl->value), "ttl", text.has_value());
      } else if (const HclAttribute* expire = block.attribute("expire_time")) {
        const auto text = context_.string_value(&expire->value);
        set_declared_expiry(secret, text ? *text : expire->value.text, context_.location_of(resource, expire->value),
                            "expire_time", text.has_value());
      }
      if (const auto found = versions.find(resource.address); found != versions.end()) {
        for (const char* value : {"secret_data", "secret_data_wo"}) {
          if (found->second->block->value(value)) apply_value_source(context_, *found->second, value, secret);
        }
      }
    }
  }

  TerraformContext& context_;
  std::map<std::string, std::string> emails_;       // e-mail -> identity id
  std::map<std::string, std::string> account_ids_;  // account_id -> identity id
  std::map<std::string, std::size_t> referenced_;   // referenced identity id -> index
};

}  // namespace

void extract_terraform_google(TerraformContext& context) { GoogleExtractor(context).run(); }

}  // namespace nhiscan
