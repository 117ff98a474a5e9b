// AWS identities in Terraform. IAM: users with their access keys, login profiles
// and service-specific credentials, roles with their trust policies and instance
// profiles, OIDC providers, and policy grants (managed, inline, attached). Also
// Secrets Manager secrets with their rotation, and static keys on the provider.
#include <algorithm>

#include "scanner/extract/aws_policy.h"
#include "scanner/extract/terraform.h"
#include "scanner/extract/terraform_credentials.h"
#include "scanner/text.h"

namespace nhiscan {

namespace {

/// AWS managed policies that amount to administrator access.
bool is_admin_policy_arn(const std::string& arn) {
  return ends_with(arn, ":policy/AdministratorAccess") || ends_with(arn, ":policy/IAMFullAccess");
}

class AwsExtractor {
 public:
  explicit AwsExtractor(TerraformContext& context) : context_(context) {}

  void run() {
    collect_default_tags();
    users();
    roles();
    access_keys();
    login_profiles();
    attachments();
    inline_policies();
    providers();
    service_specific_credentials();
    openid_connect_providers();
    secrets();
    instance_profiles();
    module_calls();
  }

 private:
  // provider "aws" { default_tags { tags = {...} } } applies to every resource of that
  // provider configuration (selected by the resource's `provider` argument).
  void collect_default_tags() {
    for (const TfBlock& provider : context_.providers()) {
      if (provider.name != "aws") continue;
      const HclBlock* defaults = provider.block->block("default_tags");
      if (!defaults) continue;
      const HclExpr* tags = defaults->value("tags");
      const TfBlock* variable = nullptr;
      if (tags && tags->kind == HclExpr::Kind::reference && starts_with(tags->text, "var.")) {
        // tags = var.default_tags: the variable's default map, located in its own file.
        if (const HclExpr* fallback = context_.variable_default(tags->text.substr(4), &variable); fallback && variable) {
          default_tags_[provider.address] = context_.metadata_map(*variable, fallback, "default_tags");
          continue;
        }
      }
      default_tags_[provider.address] = context_.metadata_map(provider, tags, "default_tags");
    }
  }

  void apply_tags(Identity& identity, const TfBlock& resource) {
    add_native_metadata(identity, context_.metadata_map(resource, resource.block->value("tags"), "tag"));
    std::string provider = "aws";
    if (const HclExpr* selected = resource.block->value("provider")) provider = selected->text;
    if (const auto found = default_tags_.find(provider); found != default_tags_.end()) {
      add_native_metadata(identity, found->second);
    }
    if (const HclAttribute* description = resource.block->attribute("description")) {
      const auto text = context_.string_value(&description->value);
      identity.native_metadata.push_back({"description", text ? *text : description->value.text,
                                          context_.location_of(resource, description->value), "attribute"});
    }
  }

  std::string name_of(const TfBlock& resource) {
    if (const auto name = context_.string_value(resource.block->value("name"))) return *name;
    if (const auto prefix = context_.string_value(resource.block->value("name_prefix"))) return *prefix + "*";
    return {};
  }

  void users() {
    for (const TfBlock& resource : context_.resources("aws_iam_user")) {
      const std::string name = name_of(resource);
      Identity& identity = context_.add_identity(resource, IdentityKind::machine_user, "aws",
                                                 name.empty() ? resource.address : name);
      if (!name.empty()) {
        identity.attributes["user_name"] = name;
        users_by_name_[name] = identity.id;
      }
      apply_tags(identity, resource);
    }
  }

  void roles() {
    for (const TfBlock& resource : context_.resources("aws_iam_role")) {
      const std::string name = name_of(resource);
      Identity& identity = context_.add_identity(resource, IdentityKind::role, "aws",
                                                 name.empty() ? resource.address : name);
      if (!name.empty()) {
        identity.attributes["role_name"] = name;
        roles_by_name_[name] = identity.id;
      }
      apply_tags(identity, resource);
      const std::string id = identity.id;

      if (const HclExpr* trust = resource.block->value("assume_role_policy")) {
        const PolicyDocument document = evaluate_policy(context_, resource, *trust);
        Identity* role = context_.find_identity(id);
        add_trusts(*role, document);
      }
      for (const HclBlock* inline_policy : resource.block->blocks_of("inline_policy")) {
        const HclExpr* body = inline_policy->value("policy");
        if (!body) continue;
        const auto policy_name = context_.string_value(inline_policy->value("name"));
        add_policy_grant(id, resource, *body, "inline policy " + (policy_name ? *policy_name : std::string("(unnamed)")));
      }
      if (const HclExpr* arns = resource.block->value("managed_policy_arns"); arns && arns->kind == HclExpr::Kind::tuple) {
        for (const HclExpr& arn : arns->items) {
          const auto text = context_.string_value(&arn);
          add_managed_grant(id, resource, text ? *text : arn.text, arn);
        }
      }
    }
  }

  void add_trusts(Identity& role, const PolicyDocument& document) {
    if (!document.evaluable) {
      Trust trust;
      trust.evaluable = false;
      trust.location = document.location;
      trust.principal_type = "unknown";
      role.trusts.push_back(trust);
      role.attributes["trust_problem"] = document.problem;
      return;
    }
    for (const PolicyStatement& statement : document.statements) {
      if (!iequals(statement.effect, "Allow")) continue;
      for (const auto& [type, principal] : statement.principals) {
        Trust trust;
        trust.principal_type = type;
        trust.principal = resolve_oidc_provider(principal);
        trust.conditions = statement.conditions;
        trust.location = statement.location;
        role.trusts.push_back(trust);
      }
      // EKS IRSA: the role trusts the ServiceAccounts its `sub` condition names.
      for (const TrustCondition& condition : statement.conditions) {
        for (const std::string& value : condition.values) {
          constexpr std::string_view kPrefix = "system:serviceaccount:";
          if (!starts_with(value, kPrefix)) continue;
          const std::string rest = value.substr(kPrefix.size());
          const std::size_t colon = rest.find(':');
          if (colon == std::string::npos || rest.find_first_of("*?$") != std::string::npos) continue;
          const std::string target = "kubernetes:ServiceAccount/" + rest.substr(0, colon) + "/" + rest.substr(colon + 1);
          const bool seen = std::any_of(role.links.begin(), role.links.end(), [&](const Link& link) {
            return link.type == LinkType::federated_with && link.target == target;
          });
          if (!seen) role.links.push_back({LinkType::federated_with, target, condition.location.valid() ? condition.location : statement.location, {}});
        }
      }
    }
    // A role summary: service role, federated (OIDC/SAML) or cross-account.
    std::string summary;
    for (const Trust& trust : role.trusts) {
      std::string kind = trust.principal_type == "Service" ? "service"
                         : trust.principal_type == "Federated" ? "federated"
                         : trust.principal_type == "AWS" ? "cross-account"
                                                         : "other";
      if (!contains(summary, kind)) summary += (summary.empty() ? "" : ",") + kind;
    }
    if (!summary.empty()) role.attributes["trust"] = summary;
  }

  // Federated principals often reference aws_iam_openid_connect_provider.NAME.arn;
  // the provider's url names the issuer (token.actions.githubusercontent.com, ...).
  std::string resolve_oidc_provider(const std::string& principal) {
    const std::size_t at = principal.find("aws_iam_openid_connect_provider.");
    if (at == std::string::npos) return principal;
    std::string rest = principal.substr(at + std::string("aws_iam_openid_connect_provider.").size());
    rest = rest.substr(0, rest.find_first_of(".}["));
    if (const TfBlock* provider = context_.resource("aws_iam_openid_connect_provider." + rest)) {
      if (const auto url = context_.string_value(provider->block->value("url"))) return principal + " (" + *url + ")";
    }
    return principal;
  }

  /// The identity a `role`/`user` argument points at: a resource of this module by
  /// reference or name, or a referenced identity for a literal name.
  std::string target(const HclExpr* expr, const char* type, const std::map<std::string, std::string>& by_name,
                     const Location& where) {
    if (!expr) return {};
    const std::string address = context_.referenced_address(expr, {type});
    if (!address.empty() && context_.resource(address)) return context_.id_for_address(address);
    const auto literal = context_.string_value(expr);
    if (!literal || literal->empty() || is_expression(*literal)) return {};
    std::string name = *literal;
    if (starts_with(name, "arn:")) name = name.substr(name.rfind('/') + 1);
    if (const auto found = by_name.find(name); found != by_name.end()) return found->second;
    const std::string kind = std::string(type) == "aws_iam_role" ? "role" : "user";
    const std::string id = "aws:" + kind + "/" + name;
    if (!referenced_.count(id)) {
      Identity identity;
      identity.id = id;
      identity.kind = kind == "role" ? IdentityKind::role : IdentityKind::machine_user;
      identity.platform = "aws";
      identity.name = name;
      identity.origin = Origin::referenced;
      identity.location = where;
      identity.attributes[kind + "_name"] = name;
      referenced_[id] = context_.out().identities.size();
      context_.out().identities.push_back(std::move(identity));
    }
    return id;
  }

  Identity* identity(const std::string& id) {
    if (Identity* found = context_.find_identity(id)) return found;
    if (const auto it = referenced_.find(id); it != referenced_.end()) return &context_.out().identities[it->second];
    return nullptr;
  }

  void add_managed_grant(const std::string& id, const TfBlock& via, const std::string& arn, const HclExpr& arn_expr) {
    Identity* target = identity(id);
    if (!target) return;
    Grant grant;
    grant.role = arn;
    grant.scope = "account";
    grant.via = via.address;
    grant.location = context_.location(via);
    grant.admin = is_admin_policy_arn(arn);
    if (grant.admin) {
      grant.admin_reason = "AWS managed policy " + arn.substr(arn.rfind('/') + 1) + " grants administrator access";
      grant.evidence = context_.location_of(via, arn_expr);
    }
    target->grants.push_back(grant);
  }

  void add_policy_grant(const std::string& id, const TfBlock& via, const HclExpr& body, const std::string& label) {
    const PolicyDocument document = evaluate_policy(context_, via, body);
    Identity* target = identity(id);
    if (!target) return;
    Grant grant;
    grant.role = label;
    grant.scope = "account";
    grant.via = via.address;
    grant.location = context_.location(via);
    grant.evaluable = document.evaluable;
    if (!document.evaluable) grant.admin_reason = document.problem;
    for (const PolicyStatement& statement : document.statements) {
      if (allows_everything(statement)) {
        grant.admin = true;
        grant.admin_reason = "policy allows every action (\"*\") on every resource (\"*\")";
        grant.evidence = statement.action_location.valid() ? statement.action_location : statement.location;
        break;
      }
    }
    target->grants.push_back(grant);
  }

  void access_keys() {
    for (const TfBlock& resource : context_.resources("aws_iam_access_key")) {
      const HclExpr* user = resource.block->value("user");
      const std::string user_id = target(user, "aws_iam_user", users_by_name_, context_.location(resource));
      std::string user_name = user_id;
      if (Identity* owner = identity(user_id)) user_name = owner->name;
      Identity& key = context_.add_identity(resource, IdentityKind::access_key, "aws",
                                            "access key of " + (user_name.empty() ? std::string("an IAM user") : user_name));
      Credential credential;
      credential.cloud = "aws";
      key.credential = credential;
      if (const auto status = context_.string_value(resource.block->value("status"))) key.attributes["status"] = *status;
      if (resource.block->value("pgp_key")) key.attributes["encrypted_with"] = "pgp_key";
      if (!user_id.empty()) {
        key.links.push_back({LinkType::key_of, user_id, user ? context_.location_of(resource, *user) : key.location});
      }
    }
  }

  void login_profiles() {
    for (const TfBlock& resource : context_.resources("aws_iam_user_login_profile")) {
      const HclExpr* user = resource.block->value("user");
      const std::string user_id = target(user, "aws_iam_user", users_by_name_, context_.location(resource));
      std::string user_name = user_id;
      if (Identity* owner = identity(user_id)) user_name = owner->name;
      Identity& password = context_.add_identity(resource, IdentityKind::password, "aws",
                                                 "console password of " + (user_name.empty() ? resource.address : user_name));
      Credential credential;
      credential.cloud = "aws";
      password.credential = credential;
      if (!user_id.empty()) {
        password.links.push_back({LinkType::key_of, user_id, user ? context_.location_of(resource, *user) : password.location});
      }
    }
  }

  void attachments() {
    for (const TfBlock& resource : context_.resources("aws_iam_role_policy_attachment")) {
      attach(resource, resource.block->value("role"), "aws_iam_role", roles_by_name_);
    }
    for (const TfBlock& resource : context_.resources("aws_iam_user_policy_attachment")) {
      attach(resource, resource.block->value("user"), "aws_iam_user", users_by_name_);
    }
    for (const TfBlock& resource : context_.resources("aws_iam_policy_attachment")) {
      for (const auto& [attribute, type, names] :
           {std::make_tuple("roles", "aws_iam_role", &roles_by_name_), std::make_tuple("users", "aws_iam_user", &users_by_name_)}) {
        const HclExpr* list = resource.block->value(attribute);
        if (!list || list->kind != HclExpr::Kind::tuple) continue;
        for (const HclExpr& item : list->items) attach(resource, &item, type, *names);
      }
    }
  }

  void attach(const TfBlock& resource, const HclExpr* principal, const char* type,
              const std::map<std::string, std::string>& by_name) {
    const std::string id = target(principal, type, by_name, context_.location(resource));
    if (id.empty()) return;
    const HclExpr* arn = resource.block->value("policy_arn");
    if (!arn) return;
    // A customer-managed policy of this module: evaluate its document.
    const std::string policy = context_.referenced_address(arn, {"aws_iam_policy"});
    if (!policy.empty()) {
      if (const TfBlock* declared = context_.resource(policy); declared && declared->block->value("policy")) {
        // evaluate_policy follows the reference to the policy document.
        const auto name = context_.string_value(declared->block->value("name"));
        add_policy_grant(id, resource, *arn, "policy " + (name ? *name : policy));
        return;
      }
    }
    // policy_arn = each.value or var.list[count.index]: one grant per policy it takes.
    const std::vector<std::string> many = context_.string_values(arn, resource);
    if (!many.empty()) {
      for (const std::string& text : many) add_managed_grant(id, resource, text, *arn);
      return;
    }
    const auto text = context_.string_value(arn);
    add_managed_grant(id, resource, text ? *text : arn->text, *arn);
  }

  void inline_policies() {
    for (const auto& [type, argument, target_type, names] :
         {std::make_tuple("aws_iam_role_policy", "role", "aws_iam_role", &roles_by_name_),
          std::make_tuple("aws_iam_user_policy", "user", "aws_iam_user", &users_by_name_)}) {
      for (const TfBlock& resource : context_.resources(type)) {
        const std::string id = target(resource.block->value(argument), target_type, *names, context_.location(resource));
        const HclExpr* body = resource.block->value("policy");
        if (id.empty() || !body) continue;
        const auto name = context_.string_value(resource.block->value("name"));
        add_policy_grant(id, resource, *body, "inline policy " + (name ? *name : resource.address));
      }
    }
  }

  // provider "aws" { access_key = ..., secret_key = ... }: a static key pair that
  // Terraform itself authenticates with. Each alias is its own identity.
  void providers() {
    for (const TfBlock& provider : context_.providers()) {
      if (provider.name != "aws") continue;
      const HclAttribute* access = provider.block->attribute("access_key");
      const HclAttribute* secret = provider.block->attribute("secret_key");
      if (!access && !secret) continue;
      TfBlock named = provider;
      named.address = "provider." + provider.address;
      Identity& key = context_.add_identity(named, IdentityKind::access_key, "aws", "provider " + provider.address);
      Credential credential;
      credential.cloud = "aws";
      key.credential = credential;
      key.attributes["provider"] = provider.address;
    }
  }

  // aws_iam_service_specific_credential: a user name and password for CodeCommit or
  // Keyspaces, or a long-term Bedrock API key, tied to an IAM user.
  void service_specific_credentials() {
    for (const TfBlock& resource : context_.resources("aws_iam_service_specific_credential")) {
      const HclExpr* user = resource.block->value("user_name");
      const std::string user_id = target(user, "aws_iam_user", users_by_name_, context_.location(resource));
      std::string user_name = user_id;
      if (Identity* owner = identity(user_id)) user_name = owner->name;
      const auto service = context_.string_value(resource.block->value("service_name"));
      const bool api_key = service && starts_with(*service, "bedrock");
      Identity& credential_identity = context_.add_identity(
          resource, api_key ? IdentityKind::api_key : IdentityKind::password, "aws",
          (service ? *service : std::string("service")) + " credential of " +
              (user_name.empty() ? std::string("an IAM user") : user_name));
      Credential credential;
      credential.cloud = "aws";
      credential_identity.credential = credential;
      if (service) credential_identity.attributes["service_name"] = *service;
      if (const auto status = context_.string_value(resource.block->value("status"))) {
        credential_identity.attributes["status"] = *status;
      }
      // Bedrock API keys can be given a lifetime in days.
      if (const HclAttribute* age = resource.block->attribute("credential_age_days")) {
        const auto days = context_.string_value(&age->value);
        set_declared_expiry(credential_identity, days ? *days + "d" : age->value.text,
                            context_.location_of(resource, age->value), "credential_age_days", days.has_value());
      }
      apply_rotation_trigger(context_, resource, credential_identity);
      if (!user_id.empty()) {
        credential_identity.links.push_back(
            {LinkType::key_of, user_id, user ? context_.location_of(resource, *user) : credential_identity.location});
      }
    }
  }

  // An IAM OIDC provider lets roles trust tokens from its issuer. The conditions that
  // restrict who may assume a role sit in each role's trust policy, so the provider
  // itself carries no Trust record.
  void openid_connect_providers() {
    for (const TfBlock& resource : context_.resources("aws_iam_openid_connect_provider")) {
      const auto url = context_.string_value(resource.block->value("url"));
      Identity& provider = context_.add_identity(resource, IdentityKind::federated_trust, "aws",
                                                 url ? *url : resource.address);
      Credential credential;
      credential.long_lived = false;
      credential.federated = true;
      credential.is_static = false;
      credential.cloud = "aws";
      provider.credential = credential;
      if (url) provider.attributes["issuer"] = *url;
      if (const HclExpr* clients = resource.block->value("client_id_list"); clients && clients->kind == HclExpr::Kind::tuple) {
        std::vector<std::string> audiences;
        for (const HclExpr& item : clients->items) {
          const auto text = context_.string_value(&item);
          audiences.push_back(text ? *text : item.text);
        }
        provider.attributes["audiences"] = join(audiences, ", ");
      }
      apply_tags(provider, resource);
    }
  }

  // Every Secrets Manager secret is recorded: the service exists to hold credentials,
  // and a secret's name rarely says which kind. Rotation comes from an
  // aws_secretsmanager_secret_rotation resource (or the inline rotation arguments
  // of provider versions before 5.0).
  void secrets() {
    std::map<std::string, const TfBlock*> rotations;  // secret address -> rotation resource
    for (const TfBlock& rotation : context_.resources("aws_secretsmanager_secret_rotation")) {
      const std::string secret = context_.referenced_address(rotation.block->value("secret_id"), {"aws_secretsmanager_secret"});
      if (!secret.empty()) rotations.emplace(secret, &rotation);
    }
    std::map<std::string, const TfBlock*> versions;  // secret address -> version resource
    for (const TfBlock& version : context_.resources("aws_secretsmanager_secret_version")) {
      const std::string secret = context_.referenced_address(version.block->value("secret_id"), {"aws_secretsmanager_secret"});
      if (!secret.empty()) versions.emplace(secret, &version);
    }

    for (const TfBlock& resource : context_.resources("aws_secretsmanager_secret")) {
      const std::string name = name_of(resource);
      Identity& secret = context_.add_identity(resource, IdentityKind::secret, "aws",
                                               name.empty() ? resource.address : name);
      secret.credential = Credential{};
      secret.credential->cloud = "aws";
      apply_tags(secret, resource);

      const TfBlock* rotation = nullptr;
      const HclBlock* rules = nullptr;
      if (const auto found = rotations.find(resource.address); found != rotations.end()) {
        rotation = found->second;
        rules = rotation->block->block("rotation_rules");
      } else if (resource.block->value("rotation_lambda_arn")) {
        rotation = &resource;
        rules = resource.block->block("rotation_rules");
      }
      if (rotation) {
        secret.credential->rotation_mechanism = rotation == &resource ? resource.address + ".rotation_lambda_arn"
                                                                      : rotation->address;
        secret.credential->rotation_location = context_.location(*rotation);
        if (rules) rotation_period(secret, *rotation, *rules);
      }
      if (const auto found = versions.find(resource.address); found != versions.end()) {
        const TfBlock& version = *found->second;
        for (const char* value : {"secret_string", "secret_binary", "secret_string_wo"}) {
          if (version.block->value(value)) apply_value_source(context_, version, value, secret);
        }
      }
    }
  }

  // rotation_rules { automatically_after_days = 30 } or schedule_expression = "rate(30 days)".
  void rotation_period(Identity& secret, const TfBlock& rotation, const HclBlock& rules) {
    if (const HclAttribute* days = rules.attribute("automatically_after_days")) {
      if (const auto text = context_.string_value(&days->value)) {
        secret.native_metadata.push_back({"rotation", *text + "d", context_.location_of(rotation, days->value), "rotation_rules"});
        return;
      }
    }
    const HclAttribute* schedule = rules.attribute("schedule_expression");
    if (!schedule) return;
    const auto text = context_.string_value(&schedule->value);
    if (!text || !starts_with(*text, "rate(")) return;
    // rate(N days) or rate(N hours); cron schedules are kept out of the period.
    const std::vector<std::string_view> words = split(std::string_view(*text).substr(5), ' ');
    if (words.size() < 2) return;
    const std::string count(trim(words[0]));
    const std::string unit = lower(trim(words[1]));
    if (count.empty() || count.find_first_not_of("0123456789") != std::string::npos) return;
    std::optional<std::string> period;
    if (starts_with(unit, "day")) period = count + "d";
    if (starts_with(unit, "hour")) period = duration_days_text(std::stod(count) * 3600);
    if (period) secret.native_metadata.push_back({"rotation", *period, context_.location_of(rotation, schedule->value), "rotation_rules"});
  }

  // An instance profile lets EC2 instances run as its role: the profile and the
  // instances that use it are consumers of the role, not identities of their own.
  void instance_profiles() {
    std::map<std::string, std::string> profile_roles;  // profile address -> role id
    for (const TfBlock& resource : context_.resources("aws_iam_instance_profile")) {
      const HclExpr* role = resource.block->value("role");
      const std::string role_id = target(role, "aws_iam_role", roles_by_name_, context_.location(resource));
      Identity* role_identity = identity(role_id);
      if (!role_identity) continue;
      profile_roles[resource.address] = role_id;
      const auto name = context_.string_value(resource.block->value("name"));
      role_identity->attributes["instance_profile"] = name ? *name : resource.address;
      Consumer consumer;
      consumer.name = resource.address;
      consumer.kind = "resource";
      consumer.location = context_.location(resource);
      consumer.field = "role";
      role_identity->consumers.push_back(consumer);
    }
    if (profile_roles.empty()) return;
    const auto add_instance = [&](const TfBlock& resource, const HclExpr* profile, const std::string& field) {
      const std::string address = context_.referenced_address(profile, {"aws_iam_instance_profile"});
      const auto found = profile_roles.find(address);
      if (found == profile_roles.end()) return;
      Identity* role_identity = identity(found->second);
      if (!role_identity) return;
      Consumer consumer;
      consumer.name = resource.address;
      consumer.kind = "workload";
      consumer.location = context_.location_of(resource, *profile);
      consumer.field = field;
      role_identity->consumers.push_back(consumer);
    };
    for (const char* type : {"aws_instance", "aws_launch_configuration"}) {
      for (const TfBlock& resource : context_.resources(type)) {
        if (const HclExpr* profile = resource.block->value("iam_instance_profile")) {
          add_instance(resource, profile, "iam_instance_profile");
        }
      }
    }
    for (const TfBlock& resource : context_.resources("aws_launch_template")) {
      const HclBlock* block = resource.block->block("iam_instance_profile");
      if (!block) continue;
      for (const char* field : {"name", "arn"}) {
        if (const HclExpr* profile = block->value(field)) add_instance(resource, profile, std::string("iam_instance_profile.") + field);
      }
    }
  }

  // module "x" { policies = { AdministratorAccess = "arn:aws:iam::aws:policy/AdministratorAccess" } }:
  // a module that is not in the scan (registry, git, or a missing local path) given an administrator managed policy under a policy input attaches it to
  // the role or user it creates. The module's own declaration cannot tell which
  // instance gets it, so the grant is recorded on a referenced identity named after the
  // module call (and the for_each key the ARN sits under).
  void module_calls() {
    for (const auto& file : context_.module().files) {
      for (const HclBlock& block : file->hcl.blocks) {
        if (block.type != "module" || block.labels.empty()) continue;
        const HclExpr* source = block.value("source");
        const std::string source_text = source && source->literal() ? lower(*source->literal()) : std::string();
        if (contains(source_text, "group")) continue;  // groups hold people
        // A local module in the scan is read through its call, with its real grants.
        const TerraformModule& module = context_.module();
        std::string local = source && source->literal() ? resolve_local_source(module.directory, *source->literal()) : "";
        if (local == ".") local.clear();
        if (source && source->literal() && !resolve_local_source(module.directory, *source->literal()).empty() &&
            module.scanned_modules && module.scanned_modules->count(local)) {
          continue;
        }
        TfBlock call;
        call.file = file.get();
        call.block = &block;
        call.type = "module";
        call.name = block.labels[0];
        call.address = "module." + block.labels[0];
        for (const HclAttribute& attribute : block.attributes) {
          find_admin_arns(call, attribute.name, attribute.value, attribute.name == "for_each" ? "" : "-", source_text);
        }
      }
    }
  }

  /// `instance` is the for_each key being walked ("-" outside for_each, "" before a key).
  void find_admin_arns(const TfBlock& call, const std::string& path, const HclExpr& expr, const std::string& instance,
                       const std::string& source, int depth = 0) {
    if (depth > 16) return;
    if (expr.kind == HclExpr::Kind::string) {
      if (!is_admin_policy_arn(expr.text) || !contains(lower(path), "polic")) return;
      const std::string name = call.address + (instance.empty() || instance == "-" ? "" : "[\"" + instance + "\"]");
      const std::string id = context_.id_for_address(name);
      Identity* target = identity(id);
      if (!target) {
        Identity created;
        created.id = id;
        created.kind = contains(source, "user") ? IdentityKind::machine_user : IdentityKind::role;
        created.platform = "aws";
        created.name = name;
        created.origin = Origin::referenced;
        created.location = context_.location(call);
        created.attributes["module_source"] = source;
        referenced_[id] = context_.out().identities.size();
        context_.out().identities.push_back(std::move(created));
        target = &context_.out().identities.back();
      }
      Grant grant;
      grant.role = expr.text;
      grant.scope = "account";
      grant.via = call.address;
      grant.location = context_.location_of(call, expr);
      grant.admin = true;
      grant.admin_reason = "AWS managed policy " + expr.text.substr(expr.text.rfind('/') + 1) +
                           " grants administrator access, and the module attaches what it is given under " + path;
      target->grants.push_back(grant);
      return;
    }
    for (std::size_t i = 0; i < expr.items.size(); ++i) {
      const bool keyed = expr.kind == HclExpr::Kind::object && i < expr.keys.size();
      const std::string key = keyed ? expr.keys[i] : std::string();
      // The first key level under for_each names the instance.
      const std::string next_instance = instance.empty() && keyed ? key : instance;
      find_admin_arns(call, keyed ? path + "." + key : path, expr.items[i], next_instance, source, depth + 1);
    }
  }

  TerraformContext& context_;
  std::map<std::string, std::vector<MetaEntry>> default_tags_;
  std::map<std::string, std::string> users_by_name_;
  std::map<std::string, std::string> roles_by_name_;
  std::map<std::string, std::size_t> referenced_;
};

}  // namespace

void extract_terraform_aws(TerraformContext& context) { AwsExtractor(context).run(); }

}  // namespace nhiscan
