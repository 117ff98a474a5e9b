#include "scanner/extract/gitlab_ci.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "scanner/extract/ci_common.h"
#include "scanner/text.h"

namespace nhiscan {

namespace {

constexpr const char* kSystem = "gitlab-ci";

// Top-level keys that configure the pipeline rather than name a job.
const std::set<std::string, std::less<>> kGlobalKeywords = {
    "default", "include", "stages", "variables", "workflow", "image", "services", "cache",
    "before_script", "after_script", "spec"};
// Keys a job takes from `default:` when it does not set them itself.
const std::set<std::string, std::less<>> kDefaultKeys = {
    "after_script", "artifacts", "before_script", "cache", "hooks", "id_tokens", "image",
    "interruptible", "retry", "services", "tags", "timeout"};
// Job keys whose mappings `extends` merges entry by entry instead of replacing.
const std::set<std::string, std::less<>> kMergedMaps = {"variables", "id_tokens", "secrets"};
// Predefined variables that contain the job token or a token derived from the job.
const std::set<std::string, std::less<>> kJobTokenVariables = {
    "CI_JOB_TOKEN", "CI_REGISTRY_PASSWORD", "CI_DEPENDENCY_PROXY_PASSWORD",
    "CI_JOB_JWT",   "CI_JOB_JWT_V1",        "CI_JOB_JWT_V2"};
// Bounds the recursion through `extends`; cycles are cut separately. NOTE: meant to
// match GitLab's own depth limit, which was not checked against its documentation.
constexpr int kMaxExtendsDepth = 11;

struct NodeRef {
  std::size_t file = 0;
  std::size_t document = 0;
  YamlId key = kNoYamlNode;
  YamlId value = kNoYamlNode;
  uint32_t merge_line = 0;
};

struct Definition {
  std::string name;
  NodeRef node;  // key: the top-level key; value: what it maps to
};

/// A job's configuration after `extends`, merge keys and `default` are applied.
struct Effective {
  std::map<std::string, NodeRef> keys;
  std::map<std::string, std::map<std::string, NodeRef>> maps;  // variables, id_tokens, secrets
  std::set<std::string> outside;  // `extends` targets defined outside the scanned files
};

using DocumentKey = std::pair<std::size_t, std::size_t>;  // file, document

/// Configuration that runs: a job, or a definition that no job of the pipeline uses (a
/// template in a library file, the global `variables`).
struct Unit {
  const Definition* definition = nullptr;
  bool job = false;
  Effective effective;
  std::map<DocumentKey, Reach> reach;
  CiContext context;
  std::set<std::string> defined;  // variables the YAML defines for it
};

std::vector<YamlId> scalars_of(const YamlDocument& document, YamlId id) {
  if (document.is_scalar(id)) return {id};
  std::vector<YamlId> items;
  if (document.is_sequence(id)) {
    for (const YamlId item : document.node(id).items) {
      if (document.is_scalar(item)) items.push_back(item);
    }
  }
  return items;
}

class PipelineExtractor {
 public:
  PipelineExtractor(const std::vector<GitlabFile>& files, ExtractOutput& out)
      : files_(files), out_(out), secrets_("gitlab-ci:variable/", "gitlab") {}

  void run() {
    if (files_.empty()) return;
    read_definitions();
    for (std::size_t f = 0; f < files_.size(); ++f) {
      for (std::size_t d = 0; d < files_[f].documents->size(); ++d) {
        references_[{f, d}] = find_variable_references(files_[f].view, (*files_[f].documents)[d], ReferenceSyntax::shell);
      }
    }
    build_units();
    for (Unit& unit : units_) {
      if (unit.job) read_unit(unit);
    }
    for (Unit& unit : units_) {
      if (!unit.job) read_unit(unit);
    }
    literal_variables();
    job_token();
    for (auto& [id, identity] : id_tokens_) out_.identities.push_back(std::move(identity));
    for (auto& [id, identity] : external_secrets_) out_.identities.push_back(std::move(identity));
    secrets_.flush(out_);
  }

 private:
  const YamlDocument& document(const NodeRef& ref) const { return (*files_[ref.file].documents)[ref.document]; }
  const SourceText& source(std::size_t file) const { return *files_[file].view.source; }
  Location at(std::size_t file, const YamlDocument& doc, YamlId id) const {
    return source(file).location(doc.node(id).line, doc.node(id).column);
  }
  Location at(const NodeRef& ref, YamlId id) const { return at(ref.file, document(ref), id); }

  void read_definitions() {
    for (std::size_t f = 0; f < files_.size(); ++f) {
      for (std::size_t d = 0; d < files_[f].documents->size(); ++d) {
        const YamlDocument& doc = (*files_[f].documents)[d];
        if (!doc.is_mapping(doc.root)) continue;
        for (const YamlEntry& entry : doc.node(doc.root).entries) {
          const std::string name(doc.scalar(entry.key));
          if (name.empty() || entry.merge_line) continue;
          definitions_.push_back({name, {f, d, entry.key, entry.value, 0}});
        }
      }
    }
    // The root file comes first, so its definitions win over included ones.
    for (std::size_t i = 0; i < definitions_.size(); ++i) {
      const Definition& definition = definitions_[i];
      by_name_.emplace(definition.name, i);
      const YamlDocument& doc = document(definition.node);
      if (definition.name == "variables" && doc.is_mapping(definition.node.value)) {
        for (const YamlEntry& entry : doc.node(definition.node.value).entries) {
          global_variables_.try_emplace(std::string(doc.scalar(entry.key)),
                                        NodeRef{definition.node.file, definition.node.document, entry.key, entry.value, 0});
        }
      }
      if (definition.name == "default" && doc.is_mapping(definition.node.value)) {
        for (const YamlEntry& entry : doc.node(definition.node.value).entries) {
          defaults_.try_emplace(std::string(doc.scalar(entry.key)),
                                NodeRef{definition.node.file, definition.node.document, entry.key, entry.value, entry.merge_line});
        }
      }
    }
  }

  const Definition* find(const std::string& name) const {
    const auto found = by_name_.find(name);
    return found == by_name_.end() ? nullptr : &definitions_[found->second];
  }

  // A job's own keys win over those of what it extends; with `extends: [a, b]`, b wins
  // over a. Mappings under variables, id_tokens and secrets merge key by key.
  void resolve(const Definition& definition, int depth, std::set<std::string>& visiting, Effective& effective) {
    const YamlDocument& doc = document(definition.node);
    const YamlId value = definition.node.value;
    if (!doc.is_mapping(value)) return;
    for (const YamlEntry& entry : doc.node(value).entries) {
      const std::string key(doc.scalar(entry.key));
      if (key == "extends") continue;
      const NodeRef ref{definition.node.file, definition.node.document, entry.key, entry.value, entry.merge_line};
      if (kMergedMaps.count(key) && doc.is_mapping(entry.value)) {
        auto& map = effective.maps[key];
        for (const YamlEntry& inner : doc.node(entry.value).entries) {
          map.try_emplace(std::string(doc.scalar(inner.key)),
                          NodeRef{ref.file, ref.document, inner.key, inner.value, entry.merge_line});
        }
      } else {
        effective.keys.try_emplace(key, ref);
      }
    }
    if (depth >= kMaxExtendsDepth) return;
    const std::vector<YamlId> parents = scalars_of(doc, doc.get(value, "extends"));
    for (auto it = parents.rbegin(); it != parents.rend(); ++it) {
      const std::string name = doc.node(*it).value;
      const Definition* parent = find(name);
      if (!parent) effective.outside.insert(name);
      if (!parent || !visiting.insert(name).second) continue;
      extended_.insert(name);
      resolve(*parent, depth + 1, visiting, effective);
      visiting.erase(name);
    }
  }

  /// `inherit: default:` or `inherit: variables:` — true, false, or a list of names.
  bool inherits(const Effective& effective, const char* what, const std::string& name) const {
    const auto inherit = effective.keys.find("inherit");
    if (inherit == effective.keys.end()) return true;
    const YamlDocument& doc = document(inherit->second);
    const YamlId setting = doc.get(inherit->second.value, what);
    if (const auto flag = doc.boolean(setting)) return *flag;
    if (doc.is_sequence(setting)) {
      for (const YamlId item : doc.node(setting).items) {
        if (doc.scalar(item) == name) return true;
      }
      return false;
    }
    return true;
  }

  void apply_defaults(Effective& effective) const {
    for (const auto& [key, ref] : defaults_) {
      if (!kDefaultKeys.count(key) || effective.keys.count(key) || effective.maps.count(key)) continue;
      if (!inherits(effective, "default", key)) continue;
      const YamlDocument& doc = document(ref);
      if (kMergedMaps.count(key) && doc.is_mapping(ref.value)) {
        for (const YamlEntry& inner : doc.node(ref.value).entries) {
          effective.maps[key].try_emplace(std::string(doc.scalar(inner.key)),
                                          NodeRef{ref.file, ref.document, inner.key, inner.value, 0});
        }
      } else {
        effective.keys.emplace(key, ref);
      }
    }
  }

  void add_root(Unit& unit, const NodeRef& ref, YamlId id) const {
    add_reach(document(ref), id, unit.reach[{ref.file, ref.document}], ref.merge_line);
  }

  // `!reference [.job, key, ...]` splices in a value from another definition, which may
  // sit in another file of the pipeline.
  void follow_references(Unit& unit) const {
    std::set<std::tuple<std::size_t, std::size_t, YamlId>> done;
    bool changed = true;
    while (changed) {
      changed = false;
      for (auto& [key, reach] : std::map<DocumentKey, Reach>(unit.reach)) {
        const YamlDocument& doc = (*files_[key.first].documents)[key.second];
        for (YamlId id = 0; id < doc.nodes.size(); ++id) {
          if (!reach.contains(id) || doc.node(id).tag != "!reference") continue;
          if (!done.insert({key.first, key.second, id}).second) continue;
          const std::vector<YamlId> path = scalars_of(doc, id);
          if (path.empty()) continue;
          const Definition* target = find(doc.node(path.front()).value);
          if (!target) continue;
          const YamlDocument& target_doc = document(target->node);
          YamlId node = target->node.value;
          for (std::size_t i = 1; i < path.size() && node != kNoYamlNode; ++i) node = target_doc.get(node, doc.node(path[i]).value);
          if (node == kNoYamlNode) continue;
          add_root(unit, target->node, node);
          changed = true;
        }
      }
    }
  }

  void compute_reach(Unit& unit) const {
    for (const auto& [key, ref] : unit.effective.keys) add_root(unit, ref, ref.value);
    for (const auto& [key, map] : unit.effective.maps) {
      for (const auto& [name, ref] : map) {
        add_root(unit, ref, ref.key);
        add_root(unit, ref, ref.value);
      }
    }
    follow_references(unit);
  }

  bool reached_by_jobs(const Definition& definition) const {
    const YamlDocument& doc = document(definition.node);
    const DocumentKey key{definition.node.file, definition.node.document};
    for (const Unit& unit : units_) {
      if (!unit.job) continue;
      const auto reach = unit.reach.find(key);
      if (reach == unit.reach.end()) continue;
      if (reach->second.contains(definition.node.value)) return true;
      if (doc.is_mapping(definition.node.value)) {
        for (const YamlEntry& entry : doc.node(definition.node.value).entries) {
          if (reach->second.contains(entry.value)) return true;
        }
      }
    }
    return false;
  }

  std::string environment_of(const Effective& effective) const {
    const auto found = effective.keys.find("environment");
    if (found == effective.keys.end()) return {};
    const YamlDocument& doc = document(found->second);
    const YamlId value = found->second.value;
    return std::string(doc.is_mapping(value) ? doc.scalar(doc.get(value, "name")) : doc.scalar(value));
  }

  void build_units() {
    for (const Definition& definition : definitions_) {
      if (kGlobalKeywords.count(definition.name) || starts_with(definition.name, ".")) continue;
      if (!document(definition.node).is_mapping(definition.node.value)) continue;
      Unit unit;
      unit.definition = &definition;
      unit.job = true;
      std::set<std::string> visiting{definition.name};
      resolve(definition, 0, visiting, unit.effective);
      apply_defaults(unit.effective);
      compute_reach(unit);
      units_.push_back(std::move(unit));
    }
    // Templates and defaults that no job of this pipeline uses still run somewhere: in
    // the pipelines that include this file.
    const std::set<std::string> extended_by_jobs = extended_;
    std::vector<Unit> others;
    for (const Definition& definition : definitions_) {
      const bool global_variables = definition.name == "variables";
      const bool candidate = starts_with(definition.name, ".") || definition.name == "default" ||
                             definition.name == "before_script" || definition.name == "after_script" ||
                             definition.name == "workflow" || global_variables;
      if (!candidate || (!global_variables && (extended_by_jobs.count(definition.name) || reached_by_jobs(definition)))) {
        continue;
      }
      Unit unit;
      unit.definition = &definition;
      if (global_variables) {
        const YamlDocument& doc = document(definition.node);
        if (!doc.is_mapping(definition.node.value)) continue;
        for (const YamlEntry& entry : doc.node(definition.node.value).entries) {
          unit.effective.maps["variables"].try_emplace(
              std::string(doc.scalar(entry.key)),
              NodeRef{definition.node.file, definition.node.document, entry.key, entry.value, 0});
        }
      } else {
        std::set<std::string> visiting{definition.name};
        resolve(definition, 0, visiting, unit.effective);
      }
      compute_reach(unit);
      others.push_back(std::move(unit));
    }
    for (Unit& unit : others) units_.push_back(std::move(unit));
  }

  void read_unit(Unit& unit) {
    const Definition& definition = *unit.definition;
    const std::string& path = source(definition.node.file).path();
    unit.context.system = kSystem;
    unit.context.platform = "gitlab";
    unit.context.job = definition.name;
    unit.context.consumer = path + (unit.job ? ": job " : starts_with(definition.name, ".") ? ": template " : ": ") + definition.name;
    unit.context.consumer_kind = unit.job ? "ci-job" : "ci-template";
    unit.context.location = at(definition.node, definition.node.key);
    unit.context.environment = environment_of(unit.effective);

    for (const auto& [map, entries] : unit.effective.maps) {
      for (const auto& [name, ref] : entries) unit.defined.insert(name);
    }
    if (unit.job) {
      for (const auto& [name, ref] : global_variables_) {
        if (inherits(unit.effective, "variables", name)) unit.defined.insert(name);
      }
    }

    CloudLogins logins;
    read_references(unit, logins);
    read_scripts(unit, logins);
    read_variable_logins(unit, logins);
    read_id_tokens(unit, logins);
    read_secrets(unit);
    // A login may be completed by a template from a remote or project include, such as
    // one that defines the id_tokens. Naming it tells a reader where to look.
    if (!unit.effective.outside.empty()) {
      const std::vector<std::string> outside(unit.effective.outside.begin(), unit.effective.outside.end());
      for (const auto& [cloud, login] : logins.all()) logins.cloud(cloud).details["extends_outside_scan"] = join(outside, ",");
    }
    emit_cloud_logins(logins, unit.context, out_);
  }

  void read_references(Unit& unit, CloudLogins& logins) {
    for (const auto& [key, reach] : unit.reach) {
      const GitlabFile& file = files_[key.first];
      const YamlDocument& doc = (*file.documents)[key.second];
      for (const TextReference& reference : references_[key]) {
        if (!reach.contains(reference.node)) continue;
        // A use inside a job is the job's; templates only keep what no job claimed.
        const auto claim = std::make_tuple(key.first, key.second, reference.line, reference.column);
        if (unit.job) {
          claimed_.insert(claim);
        } else if (claimed_.count(claim)) {
          continue;
        }
        read_reference(unit, key, doc, reference, reach, logins);
      }
    }
  }

  void read_reference(Unit& unit, const DocumentKey& key, const YamlDocument& doc, const TextReference& reference,
                      const Reach& reach, CloudLogins& logins) {
    const std::string& name = reference.name;
    const SourceText& text = source(key.first);
    if (kJobTokenVariables.count(name)) {
      job_token_uses_.push_back(ci_consumer(unit.context, reference.location, name, reach.merge_line[reference.node], text));
      return;
    }
    // Other predefined variables (CI_PROJECT_ID, GITLAB_USER_LOGIN, ...) do not look like
    // credentials. CI_DEPLOY_PASSWORD is the token of the project's deploy token named
    // gitlab-deploy-token, which does not expire with the job.
    if (unit.defined.count(name)) return;

    // The field it is used in, below the definition it is written in, and the variable
    // it is assigned to when it sits in a `variables` block.
    std::vector<std::string> path = key_path(doc, doc.root, reference.node);
    const std::string target =
        path.size() >= 2 && path[path.size() - 2] == "variables" ? path.back() : std::string();
    if (path.size() > 1) path.erase(path.begin());
    CloudVariable cloud = classify_cloud_variable(target);
    if (cloud.cloud.empty()) cloud = classify_cloud_variable(name);
    if (!is_credential_variable_name(name) && !cloud.static_key) return;

    Identity& secret = secrets_.use(name, reference.location, files_[key.first].view);
    secret.consumers.push_back(ci_consumer(unit.context, reference.location, join(path, "."),
                                           reach.merge_line[reference.node], text));
    if (cloud.static_key) {
      mark_static_cloud_key(secret, cloud.cloud);
      CloudLogin& login = logins.cloud(cloud.cloud);
      login.static_key = true;
      login.evidence.push_back(reference.location);
    }
  }

  void read_scripts(const Unit& unit, CloudLogins& logins) const {
    for (const auto& [key, reach] : unit.reach) {
      const YamlDocument& doc = (*files_[key.first].documents)[key.second];
      for (YamlId id = 0; id < doc.nodes.size(); ++id) {
        if (reach.contains(id) && doc.is_scalar(id)) logins.add_script(doc.node(id).value, at(key.first, doc, id));
      }
    }
  }

  std::string variable_value(const NodeRef& ref) const {
    const YamlDocument& doc = document(ref);
    if (doc.is_mapping(ref.value)) return std::string(doc.scalar(doc.get(ref.value, "value")));
    return std::string(doc.scalar(ref.value));
  }

  // Federation configured through variables, as GitLab's OIDC templates expect it: a
  // GCP workload identity provider and service account, an AWS role with a web
  // identity token file.
  void read_variable_logins(const Unit& unit, CloudLogins& logins) const {
    std::vector<NodeRef> variables;
    if (const auto own = unit.effective.maps.find("variables"); own != unit.effective.maps.end()) {
      for (const auto& [name, ref] : own->second) variables.push_back(ref);
    }
    if (unit.job) {
      for (const auto& [name, ref] : global_variables_) {
        if (!unit.effective.maps.count("variables") || !unit.effective.maps.at("variables").count(name)) {
          if (inherits(unit.effective, "variables", name)) variables.push_back(ref);
        }
      }
    }
    std::string provider, email, role;
    Location provider_at;
    bool web_identity = false;
    std::map<std::string, std::string> values;
    for (const NodeRef& ref : variables) {
      const std::string value = variable_value(ref);
      const std::string name(document(ref).scalar(ref.key));
      values.emplace(name, value);
      if (provider.empty() && !find_workload_identity_provider(value).empty()) {
        provider = find_workload_identity_provider(value);
        provider_at = at(ref, ref.value);
      }
      if (email.empty()) email = find_service_account_email(value);
      if (role.empty()) role = find_role_arn(value);
      web_identity = web_identity || classify_cloud_variable(name).federated;
    }
    if (!provider.empty()) {
      CloudLogin& login = logins.cloud("gcp");
      login.federated = true;
      login.provider = provider;
      if (login.target.empty()) login.target = email;
      login.evidence.push_back(provider_at);
    }
    if (web_identity || (!role.empty() && logins.all().count("aws"))) {
      CloudLogin& login = logins.cloud("aws");
      login.federated = login.federated || web_identity;
      if (login.target.empty()) login.target = role;
    }

    // A target written as `$SERVICE_ACCOUNT` in a script names a variable of the job.
    for (const auto& [cloud, found] : logins.all()) {
      CloudLogin& login = logins.cloud(cloud);
      std::string name = login.target;
      if (starts_with(name, "${") && ends_with(name, "}")) name = name.substr(2, name.size() - 3);
      if (starts_with(name, "$")) name = name.substr(1);
      const auto value = values.find(name);
      if (name != login.target && value != values.end() && !value->second.empty()) login.target = value->second;
    }
  }

  void read_id_tokens(const Unit& unit, CloudLogins& logins) {
    const auto tokens = unit.effective.maps.find("id_tokens");
    if (tokens == unit.effective.maps.end()) return;
    for (const auto& [name, ref] : tokens->second) {
      const YamlDocument& doc = document(ref);
      std::vector<std::string> audiences;
      for (const YamlId aud : scalars_of(doc, doc.get(ref.value, "aud"))) audiences.emplace_back(trim(doc.node(aud).value));
      const std::string audience = audiences.empty() ? std::string("(no aud)") : join(audiences, ",");
      const std::string id = "gitlab-ci:id-token/" + audience;
      auto [it, inserted] = id_tokens_.try_emplace(id);
      Identity& token = it->second;
      const Location declared = at(ref, ref.key);
      if (inserted) {
        token = per_run_token(id, IdentityKind::federated_trust, "gitlab", "OIDC ID token for " + audience, declared, true);
        token.attributes["aud"] = audience;
      } else if (declared < token.location) {
        token.location = declared;
      }
      Consumer consumer = ci_consumer(unit.context, unit.context.location, "id_tokens." + name, 0, source(ref.file));
      consumer.kind = unit.job ? "ci-job" : "ci-template";
      token.consumers.push_back(consumer);
      token_audiences_[name] = id;

      for (const std::string& aud : audiences) {
        std::string cloud;
        if (contains(aud, "iam.googleapis.com") || contains(aud, "workloadIdentityPools")) cloud = "gcp";
        if (aud == "sts.amazonaws.com" || contains(aud, "amazonaws")) cloud = "aws";
        if (contains(aud, "AzureADTokenExchange")) cloud = "azure";
        if (cloud.empty()) continue;
        CloudLogin& login = logins.cloud(cloud);
        login.federated = true;
        login.evidence.push_back(declared);
        if (cloud == "gcp" && login.provider.empty()) login.provider = find_workload_identity_provider(aud);
      }
    }
  }

  // `secrets:` fetches a secret at job start from Vault, a cloud secret manager or
  // Akeyless, usually with an ID token. The secret itself is kept and rotated there.
  void read_secrets(const Unit& unit) {
    const auto secrets = unit.effective.maps.find("secrets");
    if (secrets == unit.effective.maps.end()) return;
    for (const auto& [name, ref] : secrets->second) {
      const YamlDocument& doc = document(ref);
      const YamlId value = ref.value;
      std::string store, path, platform;
      const auto text = [&](YamlId id) { return std::string(trim(doc.scalar(id))); };
      if (const YamlId vault = doc.get(value, "vault"); vault != kNoYamlNode) {
        store = "vault";
        platform = "vault";
        path = doc.is_mapping(vault) ? text(doc.get(vault, "path")) + "/" + text(doc.get(vault, "field")) : text(vault);
      } else if (const YamlId aws = doc.get(value, "aws_secrets_manager"); aws != kNoYamlNode) {
        store = "aws-secrets-manager";
        platform = "aws";
        path = doc.is_mapping(aws) ? text(doc.get(aws, "secret_id")) : text(aws);
      } else if (const YamlId gcp = doc.get(value, "gcp_secret_manager"); gcp != kNoYamlNode) {
        store = "gcp-secret-manager";
        platform = "gcp";
        path = text(doc.get(gcp, "name"));
      } else if (const YamlId azure = doc.get(value, "azure_key_vault"); azure != kNoYamlNode) {
        store = "azure-key-vault";
        platform = "azure";
        path = text(doc.get(azure, "name"));
      } else if (const YamlId akeyless = doc.get(value, "akeyless"); akeyless != kNoYamlNode) {
        store = "akeyless";
        platform = "akeyless";
        path = text(doc.get(akeyless, "name"));
      } else {
        continue;
      }
      const std::string id = store + ":" + (path.empty() ? name : path);
      auto [it, inserted] = external_secrets_.try_emplace(id);
      Identity& secret = it->second;
      if (inserted) {
        secret.id = id;
        secret.kind = IdentityKind::secret;
        secret.platform = platform;
        secret.name = path.empty() ? name : path;
        secret.origin = Origin::referenced;
        secret.location = at(ref, ref.key);
        secret.credential = Credential{};
        secret.attributes["store"] = store;
        secret.attributes["gitlab_variable"] = name;
      }
      secret.consumers.push_back(ci_consumer(unit.context, at(ref, ref.key), "secrets." + name, ref.merge_line, source(ref.file)));
      std::string token(trim(doc.scalar(doc.get(value, "token"))));
      if (starts_with(token, "${") && ends_with(token, "}")) token = token.substr(2, token.size() - 3);
      if (starts_with(token, "$")) token = token.substr(1);
      if (const auto audience = token_audiences_.find(token); audience != token_audiences_.end()) {
        secret.links.push_back({LinkType::federated_with, audience->second, at(ref, ref.key)});
      }
    }
  }

  // A literal under a secret's name in any `variables` block is written in the
  // repository for everyone who can read it.
  void literal_variables() {
    std::map<std::string, Identity> literals;
    for (const Definition& definition : definitions_) {
      const YamlDocument& doc = document(definition.node);
      const YamlId variables =
          definition.name == "variables" ? definition.node.value : doc.get(definition.node.value, "variables");
      if (!doc.is_mapping(variables)) continue;
      for (const YamlEntry& entry : doc.node(variables).entries) {
        if (entry.merge_line) continue;
        const std::string name(doc.scalar(entry.key));
        const YamlId value = doc.is_mapping(entry.value) ? doc.get(entry.value, "value") : entry.value;
        if (!doc.is_scalar(value)) continue;
        const std::string detector = detect_literal_secret(name, doc.node(value).value);
        if (detector.empty()) continue;
        const Location where = at(definition.node, value);
        const std::string id = "gitlab-ci:literal/" + where.file + "/" + name;
        Identity literal = literal_secret_identity(id, "gitlab", name, where, "variables." + name, detector,
                                                   doc.node(value).value);
        auto [it, inserted] = literals.try_emplace(id, literal);
        if (!inserted && !(it->second.location == where)) {
          it->second.hardcoded.push_back(literal.hardcoded.front());
          it->second.other_locations.push_back(where);
        }
      }
    }
    for (auto& [id, literal] : literals) out_.identities.push_back(std::move(literal));
  }

  // The job token exists in every job; it is worth listing where the pipeline uses it.
  void job_token() {
    if (job_token_uses_.empty()) return;
    Location first = job_token_uses_.front().location;
    for (const Consumer& use : job_token_uses_) first = std::min(first, use.location);
    Identity token = per_run_token("gitlab-ci:token/" + source(0).path(), IdentityKind::token, "gitlab",
                                   "CI_JOB_TOKEN of " + source(0).path(), first, false);
    token.consumers = job_token_uses_;
    out_.identities.push_back(std::move(token));
  }

  const std::vector<GitlabFile>& files_;
  ExtractOutput& out_;
  CiSecrets secrets_;
  std::vector<Definition> definitions_;
  std::map<std::string, std::size_t> by_name_;
  std::set<std::string> extended_;  // definitions named by some `extends`
  std::map<std::string, NodeRef> global_variables_;
  std::map<std::string, NodeRef> defaults_;
  std::map<DocumentKey, std::vector<TextReference>> references_;
  std::vector<Unit> units_;
  std::set<std::tuple<std::size_t, std::size_t, uint32_t, uint32_t>> claimed_;
  std::vector<Consumer> job_token_uses_;
  std::map<std::string, Identity> id_tokens_;
  std::map<std::string, std::string> token_audiences_;  // ID token variable -> identity id
  std::map<std::string, Identity> external_secrets_;
};

std::string parent_directory(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

std::string normalise_path(const std::string& path) {
  std::vector<std::string> parts;
  for (const std::string_view part : split(path, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.emplace_back(part);
  }
  return join(parts, "/");
}

}  // namespace

void extract_gitlab_pipeline(const std::vector<GitlabFile>& files, ExtractOutput& out) {
  PipelineExtractor(files, out).run();
}

std::vector<std::string> gitlab_local_includes(const YamlDocument& document) {
  std::vector<std::string> paths;
  const YamlId include = document.get(document.root, "include");
  std::vector<YamlId> items;
  if (document.is_sequence(include)) {
    items = document.node(include).items;
  } else if (include != kNoYamlNode) {
    items.push_back(include);
  }
  for (const YamlId item : items) {
    std::string path;
    if (document.is_scalar(item)) {
      path = document.node(item).value;
      if (starts_with(path, "http://") || starts_with(path, "https://")) continue;
    } else {
      path = std::string(document.scalar(document.get(item, "local")));
    }
    path = std::string(trim(path));
    if (!path.empty()) paths.push_back(path);
  }
  return paths;
}

std::vector<std::vector<std::size_t>> group_gitlab_pipelines(
    const std::vector<DiscoveredFile>& files,
    const std::function<std::optional<std::string>(const DiscoveredFile&)>& read_text) {
  std::map<std::string, std::size_t> by_path;
  for (std::size_t i = 0; i < files.size(); ++i) by_path.emplace(files[i].relative, i);

  std::vector<std::vector<std::size_t>> groups;
  std::vector<bool> grouped(files.size(), false);
  for (std::size_t root = 0; root < files.size(); ++root) {
    const std::string& relative = files[root].relative;
    const std::string name = lower(relative.substr(relative.rfind('/') + 1));
    if (files[root].kind != FileKind::gitlab_ci || name != ".gitlab-ci.yml" || grouped[root]) continue;

    const std::string project = parent_directory(relative);
    std::vector<std::size_t> group{root};
    grouped[root] = true;
    for (std::size_t next = 0; next < group.size(); ++next) {
      const auto text = read_text(files[group[next]]);
      if (!text) continue;
      const SourceText source(files[group[next]].relative, *text);
      std::vector<Diagnostic> ignored;  // reported when the file is read for extraction
      for (const YamlDocument& document : parse_yaml_stream(source, YamlLimits{}, ignored)) {
        for (const std::string& include : gitlab_local_includes(document)) {
          if (contains(include, "$")) continue;  // depends on a variable's value at run time
          const std::string wanted = normalise_path((project.empty() ? "" : project + "/") + include);
          std::vector<std::size_t> matches;
          if (contains(include, "*")) {
            for (std::size_t i = 0; i < files.size(); ++i) {
              if (glob_match(wanted, files[i].relative)) matches.push_back(i);
            }
          } else if (const auto found = by_path.find(wanted); found != by_path.end()) {
            matches.push_back(found->second);
          }
          for (const std::size_t i : matches) {
            if (grouped[i] || !is_yaml_kind(files[i].kind)) continue;
            grouped[i] = true;
            group.push_back(i);
          }
        }
      }
    }
    groups.push_back(std::move(group));
  }
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (files[i].kind == FileKind::gitlab_ci && !grouped[i]) groups.push_back({i});
  }
  return groups;
}

}  // namespace nhiscan
