// Azure and Entra ID identities in Terraform. Entra ID: app registrations with
// their client secrets, certificates and federated credentials, and service
// principals. Azure: user-assigned managed identities, the identities that Azure
// creates for AKS clusters and other resources, AKS service-principal secrets, Key
// Vault secrets, and role assignments.
#include <regex>

#include "scanner/extract/kubernetes_names.h"
#include "scanner/extract/terraform.h"
#include "scanner/extract/terraform_credentials.h"
#include "scanner/metadata.h"
#include "scanner/regex.h"
#include "scanner/text.h"

namespace nhiscan {

namespace {

// Built-in Azure roles that control every resource in their scope, or access to it,
// with their role definition GUIDs (identical in every tenant).
struct AdminRole {
  const char* name;
  const char* guid;
  const char* effect;
};
constexpr AdminRole kAdminRoles[] = {
    {"Owner", "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "full control, including role assignments,"},
    {"Contributor", "b24988ac-6180-42a0-ab88-20f7382dd24c", "write access to every resource"},
    {"User Access Administrator", "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", "the right to grant any role to anyone"},
};

const AdminRole* admin_role(const std::string& role) {
  for (const AdminRole& candidate : kAdminRoles) {
    if (iequals(role, candidate.name) || contains(lower(role), candidate.guid)) return &candidate;
  }
  return nullptr;
}

enum class ScopeLevel { unknown, root, management_group, subscription, resource_group, resource };

/// The level of an ARM scope path such as "/subscriptions/ID/resourceGroups/RG".
/// Interpolations are kept as written, so "/subscriptions/${var.id}" is a subscription.
ScopeLevel scope_level_of_path(const std::string& path) {
  const std::string text = lower(trim(path));
  if (text == "/") return ScopeLevel::root;
  if (contains(text, "/providers/microsoft.management/managementgroups/")) return ScopeLevel::management_group;
  if (!starts_with(text, "/subscriptions/")) return ScopeLevel::unknown;
  std::string rest = text.substr(std::string("/subscriptions/").size());
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  // Skip the subscription id, which may be an interpolation containing '/'.
  std::size_t depth = 0;
  std::size_t slash = std::string::npos;
  for (std::size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '{') ++depth;
    if (rest[i] == '}' && depth > 0) --depth;
    if (rest[i] == '/' && depth == 0) {
      slash = i;
      break;
    }
  }
  if (slash == std::string::npos) return ScopeLevel::subscription;
  const std::string below = rest.substr(slash);
  if (!starts_with(below, "/resourcegroups/")) return ScopeLevel::resource;
  const std::string group = below.substr(std::string("/resourcegroups/").size());
  return group.find('/') == std::string::npos ? ScopeLevel::resource_group : ScopeLevel::resource;
}

const char* to_string(ScopeLevel level) {
  switch (level) {
    case ScopeLevel::root: return "tenant root";
    case ScopeLevel::management_group: return "management group";
    case ScopeLevel::subscription: return "subscription";
    case ScopeLevel::resource_group: return "resource group";
    case ScopeLevel::resource: return "resource";
    case ScopeLevel::unknown: return "scope";
  }
  return "scope";
}

class AzureExtractor {
 public:
  explicit AzureExtractor(TerraformContext& context) : context_(context) {}

  void run() {
    applications();
    service_principals();
    passwords();
    certificates();
    user_assigned_identities();  // before federated credentials, which link to them
    federated_credentials();
    resource_identities();
    kubernetes_clusters();
    key_vault_secrets();
    role_assignments();
  }

 private:
  std::string text_of(const HclExpr* expr) const {
    if (!expr) return {};
    const auto text = context_.string_value(expr);
    if (text) return *text;
    // A call keeps only its function name in `text`.
    return expr->kind == HclExpr::Kind::call ? expr->text + "(...)" : expr->text;
  }

  /// owners, notes and description of azuread resources, and their string-list tags.
  void entra_metadata(Identity& identity, const TfBlock& resource) {
    const HclBlock& block = *resource.block;
    if (const HclAttribute* owners = block.attribute("owners")) {
      std::vector<std::string> names;
      if (owners->value.kind == HclExpr::Kind::tuple) {
        for (const HclExpr& item : owners->value.items) names.push_back(text_of(&item));
      } else {
        names.push_back(text_of(&owners->value));
      }
      identity.native_metadata.push_back(
          {"owner", join(names, ", "), context_.location_of(resource, owners->value), "attribute"});
    }
    for (const char* name : {"description", "notes"}) {
      if (const HclAttribute* attribute = block.attribute(name)) {
        identity.native_metadata.push_back(
            {"purpose", text_of(&attribute->value), context_.location_of(resource, attribute->value), "attribute"});
      }
    }
    // Entra ID tags are a set of strings; "key=value" or "key:value" entries carry
    // governance metadata.
    if (const HclExpr* tags = block.value("tags"); tags && tags->kind == HclExpr::Kind::tuple) {
      for (const HclExpr& item : tags->items) {
        const auto text = context_.string_value(&item);
        if (!text) continue;
        const std::size_t separator = text->find_first_of("=:");
        if (separator == std::string::npos || separator == 0) continue;
        identity.native_metadata.push_back({std::string(trim(text->substr(0, separator))),
                                            std::string(trim(text->substr(separator + 1))),
                                            context_.location_of(resource, item), "tag"});
      }
    }
  }

  void applications() {
    for (const char* type : {"azuread_application", "azuread_application_registration"}) {
      for (const TfBlock& resource : context_.resources(type)) {
        const auto display = context_.string_value(resource.block->value("display_name"));
        Identity& identity = context_.add_identity(resource, IdentityKind::app_registration, "azure",
                                                   display ? *display : resource.address);
        if (display) identity.attributes["display_name"] = *display;
        if (const auto audience = context_.string_value(resource.block->value("sign_in_audience"))) {
          identity.attributes["sign_in_audience"] = *audience;
        }
        entra_metadata(identity, resource);
      }
    }
  }

  /// The app registration of this module that `expr` references, as an identity id.
  std::string application_of(const HclExpr* expr) const {
    const std::string address =
        context_.referenced_address(expr, {"azuread_application", "azuread_application_registration"});
    return !address.empty() && context_.resource(address) ? context_.id_for_address(address) : std::string();
  }

  std::string service_principal_of(const HclExpr* expr) const {
    const std::string address = context_.referenced_address(expr, {"azuread_service_principal"});
    return !address.empty() && context_.resource(address) ? context_.id_for_address(address) : std::string();
  }

  std::string name_of(const std::string& id, const std::string& fallback) {
    if (const Identity* identity = context_.find_identity(id)) return identity->name;
    return fallback;
  }

  void service_principals() {
    for (const TfBlock& resource : context_.resources("azuread_service_principal")) {
      const HclBlock& block = *resource.block;
      const HclExpr* client = block.value("client_id");
      if (!client) client = block.value("application_id");  // the name in older azuread provider versions
      const std::string application = application_of(client);
      const std::string name =
          application.empty() ? text_of(client) : name_of(application, resource.address);
      Identity& identity = context_.add_identity(resource, IdentityKind::service_principal, "azure",
                                                 "service principal of " + (name.empty() ? resource.address : name));
      if (client) {
        if (const auto literal = context_.string_value(client)) identity.attributes["client_id"] = *literal;
        if (!application.empty()) {
          identity.links.push_back({LinkType::bound_to, application, context_.location_of(resource, *client)});
        }
      }
      // use_existing adopts a service principal that exists already (often one of a
      // Microsoft first-party application): Terraform does not create it.
      if (const auto existing = context_.string_value(block.value("use_existing")); existing && *existing == "true") {
        identity.attributes["use_existing"] = "true";
      }
      entra_metadata(identity, resource);
    }
  }

  /// Expiry of an Entra ID password or certificate: `end_date` (a timestamp) or
  /// `end_date_relative` (a Go duration counted from creation).
  void entra_expiry(Identity& identity, const TfBlock& resource) {
    if (const HclAttribute* end = resource.block->attribute("end_date")) {
      const auto text = context_.string_value(&end->value);
      set_declared_expiry(identity, text ? *text : end->value.text, context_.location_of(resource, end->value),
                          "end_date", text.has_value());
      return;
    }
    if (const HclAttribute* relative = resource.block->attribute("end_date_relative")) {
      const auto text = context_.string_value(&relative->value);
      identity.attributes["end_date_relative"] = text ? *text : relative->value.text;
      std::optional<std::string> days;
      if (text) {
        if (const auto seconds = parse_go_duration_seconds(*text)) days = duration_days_text(*seconds);
      }
      set_declared_expiry(identity, days ? *days : (text ? *text : relative->value.text),
                          context_.location_of(resource, relative->value), "end_date_relative", text.has_value());
      return;
    }
    // NOTE: without an end date Entra ID chooses one. That is not a declared expiry,
    // so none is set and the credential is asked for a rotation policy.
    identity.attributes["expiry"] = "chosen by Entra ID";
  }

  /// Link a credential to the application or service principal it belongs to.
  void link_owner(Identity& identity, const TfBlock& resource) {
    const HclBlock& block = *resource.block;
    for (const char* name : {"application_id", "application_object_id"}) {
      const HclExpr* expr = block.value(name);
      const std::string application = application_of(expr);
      if (!application.empty()) {
        identity.links.push_back({LinkType::key_of, application, context_.location_of(resource, *expr)});
        return;
      }
      if (expr) identity.attributes[name] = text_of(expr);
    }
    const HclExpr* principal = block.value("service_principal_id");
    const std::string principal_id = service_principal_of(principal);
    if (!principal_id.empty()) {
      identity.links.push_back({LinkType::key_of, principal_id, context_.location_of(resource, *principal)});
    } else if (principal) {
      identity.attributes["service_principal_id"] = text_of(principal);
    }
  }

  std::string owner_name(const Identity& identity) {
    for (const Link& link : identity.links) {
      if (link.type == LinkType::key_of) return name_of(link.target, link.target);
    }
    return {};
  }

  void passwords() {
    for (const char* type : {"azuread_application_password", "azuread_service_principal_password"}) {
      for (const TfBlock& resource : context_.resources(type)) {
        Identity& identity = context_.add_identity(resource, IdentityKind::password, "azure", resource.address);
        identity.credential = Credential{};
        identity.credential->cloud = "azure";
        link_owner(identity, resource);
        const std::string owner = owner_name(identity);
        identity.name = "client secret of " + (owner.empty() ? resource.address : owner);
        if (const auto display = context_.string_value(resource.block->value("display_name"))) {
          identity.attributes["display_name"] = *display;
        }
        entra_expiry(identity, resource);
        apply_rotation_trigger(context_, resource, identity);
        passwords_[resource.address] = identity.id;
      }
    }
  }

  void certificates() {
    for (const char* type : {"azuread_application_certificate", "azuread_service_principal_certificate"}) {
      for (const TfBlock& resource : context_.resources(type)) {
        Identity& identity = context_.add_identity(resource, IdentityKind::certificate, "azure", resource.address);
        identity.credential = Credential{};
        identity.credential->cloud = "azure";
        link_owner(identity, resource);
        const std::string owner = owner_name(identity);
        identity.name = "certificate of " + (owner.empty() ? resource.address : owner);
        if (const auto kind = context_.string_value(resource.block->value("type"))) identity.attributes["type"] = *kind;
        // The key pair behind the certificate: a tls_* resource keeps the private key
        // in the Terraform state.
        const ValueSource value = value_source(context_, resource, resource.block->value("value"));
        if (value.kind == ValueSource::Kind::resource) {
          identity.attributes["value_from"] = value.address;
          identity.attribute_locations["value_from"] = value.location;
          if (const TfBlock* certificate = context_.resource(value.address)) {
            const auto hours = context_.string_value(certificate->block->value("validity_period_hours"));
            if (hours) {
              if (const auto seconds = parse_vault_ttl_seconds(*hours)) {
                if (const auto days = duration_days_text(*seconds * 3600)) {
                  identity.attributes["certificate_validity"] = *days;
                }
              }
            }
          }
        }
        entra_expiry(identity, resource);
        apply_rotation_trigger(context_, resource, identity);
      }
    }
  }

  Credential federated_credential() const {
    Credential credential;
    credential.long_lived = false;
    credential.federated = true;
    credential.is_static = false;
    credential.cloud = "azure";
    return credential;
  }

  /// "system:serviceaccount:NS:NAME" -> the Kubernetes ServiceAccount id, else empty.
  static std::string kubernetes_subject(const std::string& subject) {
    static const std::regex kSubject(R"(^system:serviceaccount:([^:]+):([^:]+)$)", kRegexSyntax);
    std::smatch match;
    if (!std::regex_match(subject, match, kSubject)) return {};
    return kubernetes_service_account_id(match[1].str(), match[2].str());
  }

  void federated_credentials() {
    for (const char* type : {"azuread_application_federated_identity_credential", "azurerm_federated_identity_credential"}) {
      for (const TfBlock& resource : context_.resources(type)) {
        const HclBlock& block = *resource.block;
        const auto display = context_.string_value(block.value(block.value("display_name") ? "display_name" : "name"));
        Identity& identity = context_.add_identity(resource, IdentityKind::federated_trust, "azure",
                                                   display ? *display : resource.address);
        identity.credential = federated_credential();

        // What the federation lets in: an app registration or a user-assigned identity.
        std::string target;
        Location target_location = identity.location;
        for (const char* name : {"application_id", "application_object_id", "parent_id"}) {
          const HclExpr* expr = block.value(name);
          if (!expr) continue;
          target = application_of(expr);
          if (target.empty()) {
            const std::string address = context_.referenced_address(expr, {"azurerm_user_assigned_identity"});
            if (!address.empty() && context_.resource(address)) target = context_.id_for_address(address);
          }
          target_location = context_.location_of(resource, *expr);
          if (!target.empty()) break;
        }
        if (!target.empty()) identity.links.push_back({LinkType::federated_with, target, target_location});

        Trust trust;
        trust.principal_type = "oidc";
        trust.location = identity.location;
        if (const HclExpr* issuer = block.value("issuer")) {
          trust.principal = text_of(issuer);
          identity.attributes["issuer"] = trust.principal;
        }
        if (const HclAttribute* subject = block.attribute("subject")) {
          TrustCondition condition;
          condition.test = "subject";
          condition.variable = "sub";
          condition.values.push_back(text_of(&subject->value));
          condition.location = context_.location_of(resource, subject->value);
          trust.conditions.push_back(condition);
          identity.attributes["subject"] = condition.values.front();
          // AKS workload identity: the Kubernetes ServiceAccount may act as the target.
          const std::string account = kubernetes_subject(condition.values.front());
          if (!account.empty() && !target.empty()) {
            federations_.push_back({target, {LinkType::federated_with, account, condition.location}});
          }
        }
        if (const HclAttribute* expression = block.attribute("claims_matching_expression")) {
          TrustCondition condition;
          condition.test = "claims_matching_expression";
          condition.values.push_back(text_of(&expression->value));
          condition.location = context_.location_of(resource, expression->value);
          trust.conditions.push_back(condition);
        }
        if (const HclExpr* audiences = block.value("audiences"); audiences && audiences->kind == HclExpr::Kind::tuple) {
          std::vector<std::string> values;
          for (const HclExpr& item : audiences->items) values.push_back(text_of(&item));
          identity.attributes["audiences"] = join(values, ", ");
        }
        identity.trusts.push_back(trust);
      }
    }
    // Added after the loop: add_identity may move the identities.
    for (auto& [target, link] : federations_) {
      if (Identity* identity = context_.find_identity(target)) identity->links.push_back(link);
    }
  }

  void user_assigned_identities() {
    for (const TfBlock& resource : context_.resources("azurerm_user_assigned_identity")) {
      const auto name = context_.string_value(resource.block->value("name"));
      Identity& identity = context_.add_identity(resource, IdentityKind::managed_identity, "azure",
                                                 name ? *name : resource.address);
      add_native_metadata(identity, context_.metadata_map(resource, resource.block->value("tags"), "tag"));
      // The client id is computed by Azure; a literal one only appears when an existing
      // identity is described, and lets `azure:client-id/ID` references join it.
      if (const auto client = context_.string_value(resource.block->value("client_id"))) {
        identity.attributes["client_id"] = *client;
      }
    }
  }

  /// The `identity` block of a resource, static or `dynamic "identity" { content {...} }`.
  static const HclBlock* identity_block(const HclBlock& block, const std::string& name) {
    if (const HclBlock* found = block.block(name)) return found;
    for (const HclBlock* dynamic : block.blocks_of("dynamic")) {
      if (!dynamic->labels.empty() && dynamic->labels[0] == name) {
        if (const HclBlock* content = dynamic->block("content")) return content;
      }
    }
    return nullptr;
  }

  /// Resources that run as a user-assigned identity are its consumers.
  void resource_identities() {
    for (const TfBlock* resource : context_.resources_with_prefix("azurerm_")) {
      for (const char* block_name : {"identity", "kubelet_identity"}) {
        const HclBlock* identity = identity_block(*resource->block, block_name);
        if (!identity) continue;
        for (const char* attribute : {"identity_ids", "user_assigned_identity_id"}) {
          const HclExpr* ids = identity->value(attribute);
          if (!ids) continue;
          for (const std::string& reference : ids->references) {
            const std::vector<std::string_view> parts = split(reference, '.');
            if (parts.size() < 2 || parts[0] != "azurerm_user_assigned_identity") continue;
            const std::string address = "azurerm_user_assigned_identity." + std::string(parts[1].substr(0, parts[1].find('[')));
            Identity* target = context_.resource(address) ? context_.find_identity(context_.id_for_address(address)) : nullptr;
            if (!target) continue;
            Consumer consumer;
            consumer.name = resource->address;
            consumer.kind = "resource";
            consumer.location = context_.location_of(*resource, *ids);
            consumer.field = std::string(block_name) + "." + attribute;
            target->consumers.push_back(consumer);
          }
        }
      }
    }
  }

  /// The managed identity that Azure creates for a resource (its system-assigned
  /// identity, an AKS kubelet or add-on identity), created on first use. `path` is
  /// the attribute path below the resource, e.g. "kubelet_identity".
  Identity& resource_managed_identity(const TfBlock& resource, const std::string& path) {
    const std::string address = resource.address + "." + path;
    const std::string id = context_.id_for_address(address);
    if (Identity* existing = context_.find_identity(id)) return *existing;
    TfBlock named = resource;
    named.address = address;
    const auto resource_name = context_.string_value(resource.block->value("name"));
    std::string what = path == "identity" ? "system-assigned identity" : path;
    if (contains(path, "kubelet_identity")) what = "kubelet identity";
    if (contains(path, "ingress_application_gateway")) what = "application gateway ingress identity";
    Identity& identity = context_.add_identity(named, IdentityKind::managed_identity, "azure",
                                               what + " of " + (resource_name ? *resource_name : resource.address));
    identity.attributes["terraform_address"] = resource.address;
    identity.attributes["identity_path"] = path;
    // The resource's tags describe the identity that Azure creates for it.
    add_native_metadata(identity, context_.metadata_map(resource, resource.block->value("tags"), "tag"));
    return identity;
  }

  void kubernetes_clusters() {
    for (const TfBlock& resource : context_.resources("azurerm_kubernetes_cluster")) {
      const HclBlock& block = *resource.block;
      if (const HclBlock* identity = identity_block(block, "identity")) {
        const std::string kind = text_of(identity->value("type"));
        if (contains(kind, "SystemAssigned") || !identity->value("type")) {
          Identity& managed = resource_managed_identity(resource, "identity");
          managed.location = context_.location(resource, identity->start);
          managed.attributes["identity_type"] = kind.empty() ? "SystemAssigned" : kind;
        }
      }
      if (const HclBlock* principal = identity_block(block, "service_principal")) {
        cluster_service_principal(resource, *principal);
      }
    }
  }

  // service_principal { client_id, client_secret }: the cluster authenticates to Azure
  // with a client secret. When the secret is an azuread password of this module, that
  // password is the credential and the cluster is its consumer.
  void cluster_service_principal(const TfBlock& resource, const HclBlock& principal) {
    const HclExpr* secret = principal.value("client_secret");
    const ValueSource value = value_source(context_, resource, secret);
    Consumer consumer;
    consumer.name = resource.address;
    consumer.kind = "resource";
    consumer.location = value.location.valid() ? value.location : context_.location(resource, principal.start);
    consumer.field = "service_principal.client_secret";
    if (value.kind == ValueSource::Kind::resource) {
      if (const auto found = passwords_.find(value.address); found != passwords_.end()) {
        if (Identity* password = context_.find_identity(found->second)) {
          password->consumers.push_back(consumer);
          return;
        }
      }
    }
    TfBlock named = resource;
    named.address = resource.address + ".service_principal";
    Identity& password = context_.add_identity(named, IdentityKind::password, "azure",
                                               "client secret of the service principal of " + resource.address);
    password.location = context_.location(resource, principal.start);
    password.attributes["terraform_address"] = resource.address;
    password.credential = Credential{};
    password.credential->cloud = "azure";
    password.consumers.push_back(consumer);
    if (value.kind != ValueSource::Kind::missing) {
      password.attribute_locations["client_secret"] = value.location;
      if (!value.address.empty()) password.attributes["value_from"] = value.address;
    }
    // A literal client secret is hard-coded: its fix is removal, not rotation.
    if (value.kind == ValueSource::Kind::literal) {
      const auto literal = context_.string_value(secret);
      if (literal && !is_placeholder(*literal)) {
        password.credential->is_static = false;
        password.attributes["value"] = "literal";
      }
    }
    add_native_metadata(password, context_.metadata_map(resource, resource.block->value("tags"), "tag"));
    const HclExpr* client = principal.value("client_id");
    const std::string application = application_of(client);
    const std::string service_principal = service_principal_of(client);
    const std::string owner = !application.empty() ? application : service_principal;
    if (!owner.empty()) {
      password.links.push_back({LinkType::key_of, owner, context_.location_of(resource, *client)});
    } else if (const auto literal = context_.string_value(client); literal && !literal->empty()) {
      // Not "client_id": that attribute makes an identity an alias of the client id,
      // and this record is the secret, not the service principal.
      password.attributes["service_principal_client_id"] = *literal;
      password.links.push_back({LinkType::key_of, "azure:client-id/" + *literal, context_.location_of(resource, *client)});
    }
  }

  // Every Key Vault secret is recorded, not only those whose name sounds like a
  // credential: a value kept in a secret store is secret material by its author's
  // choice, and names such as "prod-db" or "app-settings" hide passwords often enough
  // that guessing from the name would leave holes in the inventory. An entry that is
  // not a credential can be excluded through an exception.
  void key_vault_secrets() {
    for (const TfBlock& resource : context_.resources("azurerm_key_vault_secret")) {
      const HclBlock& block = *resource.block;
      const auto name = context_.string_value(block.value("name"));
      Identity& identity = context_.add_identity(resource, IdentityKind::secret, "azure",
                                                 name ? *name : resource.address);
      identity.credential = Credential{};
      identity.credential->cloud = "azure";
      add_native_metadata(identity, context_.metadata_map(resource, block.value("tags"), "tag"));
      if (const auto content_type = context_.string_value(block.value("content_type"))) {
        identity.attributes["content_type"] = *content_type;
      }
      if (const HclAttribute* expiration = block.attribute("expiration_date")) {
        set_declared_expiry(identity, text_of(&expiration->value), context_.location_of(resource, expiration->value),
                            "expiration_date", context_.string_value(&expiration->value).has_value());
      }
      apply_rotation_trigger(context_, resource, identity);
      apply_value_source(context_, resource, "value", identity);
      if (block.value("value_wo")) apply_value_source(context_, resource, "value_wo", identity);
    }
  }

  /// The identity a role assignment's `principal_id` names, or nullptr when it is
  /// not statically known or is a user or group.
  Identity* principal_of(const TfBlock& resource, const HclExpr* expr) {
    if (!expr) return nullptr;
    const Location where = context_.location_of(resource, *expr);
    // Declared resources first: `coalesce(try(data.x.principal_id, azurerm_x.y.identity[0].principal_id), var.id)`
    // names the identity of this module even when a data source comes first.
    for (const std::string& reference : expr->references) {
      const std::vector<std::string_view> parts = split(reference, '.');
      if (parts.size() < 3 || parts[0] == "data" || parts[0] == "var" || parts[0] == "local") continue;
      const std::string address = std::string(parts[0]) + "." + std::string(parts[1].substr(0, parts[1].find('[')));
      const TfBlock* target = context_.resource(address);
      if (!target) continue;
      if (parts[0] == "azuread_service_principal" || parts[0] == "azurerm_user_assigned_identity") {
        return context_.find_identity(context_.id_for_address(address));
      }
      if (starts_with(parts[0], "azurerm_")) {
        // azurerm_kubernetes_cluster.main.kubelet_identity[0].object_id -> "kubelet_identity";
        // ...ingress_application_gateway[0].ingress_application_gateway_identity[0].object_id
        // -> "ingress_application_gateway.ingress_application_gateway_identity".
        std::vector<std::string> path;
        for (std::size_t i = 2; i + 1 < parts.size(); ++i) path.emplace_back(parts[i].substr(0, parts[i].find('[')));
        if (!path.empty() && ends_with(path.back(), "identity")) {
          return &resource_managed_identity(*target, join(path, "."));
        }
      }
    }
    for (const std::string& reference : expr->references) {
      const std::vector<std::string_view> parts = split(reference, '.');
      if (parts.size() < 4 || parts[0] != "data") continue;
      if (parts[1] != "azurerm_user_assigned_identity" && parts[1] != "azuread_service_principal") continue;
      const std::string address = "data." + std::string(parts[1]) + "." + std::string(parts[2].substr(0, parts[2].find('[')));
      const IdentityKind kind =
          parts[1] == "azuread_service_principal" ? IdentityKind::service_principal : IdentityKind::managed_identity;
      return &referenced(context_.id_for_address(address), kind, address, where);
    }
    const auto literal = context_.string_value(expr);
    if (literal && !literal->empty() && !is_expression(*literal)) {
      return &referenced("azure:object-id/" + *literal, IdentityKind::service_principal, "principal " + *literal, where);
    }
    return nullptr;
  }

  Identity& referenced(const std::string& id, IdentityKind kind, const std::string& name, const Location& where) {
    if (Identity* existing = context_.find_identity(id)) return *existing;
    if (const auto found = referenced_.find(id); found != referenced_.end()) {
      return context_.out().identities[found->second];
    }
    Identity identity;
    identity.id = id;
    identity.kind = kind;
    identity.platform = "azure";
    identity.name = name;
    identity.origin = Origin::referenced;
    identity.location = where;
    referenced_[id] = context_.out().identities.size();
    context_.out().identities.push_back(std::move(identity));
    return context_.out().identities.back();
  }

  /// The level of a role assignment scope, from a literal path or from the kind of
  /// resource it references (`data.azurerm_subscription.x.id`).
  ScopeLevel scope_level(const HclExpr* expr) const {
    if (!expr) return ScopeLevel::unknown;
    if (const auto literal = context_.string_value(expr)) return scope_level_of_path(*literal);
    if (expr->kind == HclExpr::Kind::template_) return scope_level_of_path(expr->text);
    if (expr->kind != HclExpr::Kind::reference) return ScopeLevel::unknown;
    const std::vector<std::string_view> parts = split(expr->text, '.');
    const std::size_t type = parts.size() > 1 && parts[0] == "data" ? 1 : 0;
    if (parts.size() < type + 3 || parts.back() != "id") return ScopeLevel::unknown;
    if (parts[type] == "azurerm_subscription") return ScopeLevel::subscription;
    if (parts[type] == "azurerm_management_group") return ScopeLevel::management_group;
    if (parts[type] == "azurerm_resource_group") return ScopeLevel::resource_group;
    return starts_with(parts[type], "azurerm_") ? ScopeLevel::resource : ScopeLevel::unknown;
  }

  void role_assignments() {
    for (const TfBlock& resource : context_.resources("azurerm_role_assignment")) {
      const HclBlock& block = *resource.block;
      const auto principal_type = context_.string_value(block.value("principal_type"));
      if (principal_type && (*principal_type == "User" || *principal_type == "Group")) continue;
      Identity* identity = principal_of(resource, block.value("principal_id"));
      if (!identity) continue;

      const HclExpr* role_expr = block.value("role_definition_name");
      if (!role_expr) role_expr = block.value("role_definition_id");
      const HclExpr* scope_expr = block.value("scope");
      const ScopeLevel level = scope_level(scope_expr);

      Grant grant;
      grant.role = text_of(role_expr);
      grant.scope = std::string(to_string(level)) + " " + text_of(scope_expr);
      grant.via = resource.address;
      grant.location = context_.location(resource);
      const AdminRole* admin = admin_role(grant.role);
      const bool broad = level == ScopeLevel::root || level == ScopeLevel::management_group ||
                         level == ScopeLevel::subscription;
      if (admin && broad) {
        grant.admin = true;
        grant.admin_reason = std::string("the ") + admin->name + " role at " + to_string(level) + " scope gives " +
                             admin->effect + " in the whole " + to_string(level);
        if (role_expr) grant.evidence = context_.location_of(resource, *role_expr);
      }
      identity->grants.push_back(grant);
    }
  }

  TerraformContext& context_;
  std::map<std::string, std::string> passwords_;  // password resource address -> identity id
  std::map<std::string, std::size_t> referenced_;
  std::vector<std::pair<std::string, Link>> federations_;
};

}  // namespace

void extract_terraform_azure(TerraformContext& context) { AzureExtractor(context).run(); }

}  // namespace nhiscan
