#include "scanner/extract/kubernetes.h"

#include <cctype>
#include <set>

#include <nlohmann/json.hpp>

#include "scanner/extract/kubernetes_names.h"
#include "scanner/extract/secrets.h"
#include "scanner/extract/kustomize.h"
#include "scanner/text.h"

namespace nhiscan {

namespace {

const std::set<std::string, std::less<>> kWorkloadKinds = {
    "Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob",
    "Rollout"};

const std::set<std::string, std::less<>> kIdentityKinds = {
    "ServiceAccount", "Secret", "RoleBinding", "ClusterRoleBinding", "Role", "ClusterRole", "List",
    "Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob",
    "Rollout", "ExternalSecret", "SealedSecret", "Kustomization", "Component"};

/// Check for a Go duration of zero ("0", "0s", "0m0s"), with which an ExternalSecret is
/// fetched once.
bool is_zero_duration(std::string_view text) {
  const std::string_view value = trim(text);
  if (value.empty()) return false;
  for (const char c : value) {
    if (c != '0' && !std::isalpha(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

class ManifestExtractor {
 public:
  ManifestExtractor(const FileView& file, const YamlDocument& document, ExtractOutput& out,
                    const ManifestOptions& options)
      : file_(file), source_(*file.source), doc_(document), out_(out), options_(options) {}

  void object(YamlId root, uint32_t depth = 0) {
    if (!doc_.is_mapping(root)) return;
    const std::string kind(doc_.scalar(doc_.get(root, "kind")));
    const std::string api_version(doc_.scalar(doc_.get(root, "apiVersion")));
    if (kind.empty() || api_version.empty()) return;

    if (kind == "List" || ends_with(kind, "List")) {
      const YamlId items = doc_.get(root, "items");
      if (doc_.is_sequence(items) && depth < 4) {
        for (const YamlId item : doc_.node(items).items) object(item, depth + 1);
      }
      return;
    }
    if (kind == "ServiceAccount") return service_account(root);
    if (kind == "Secret") return secret(root);
    if (kind == "ExternalSecret") return external_secret(root);
    if (kind == "SealedSecret") return sealed_secret(root);
    if ((kind == "Kustomization" || kind == "Component") && !options_.patch) {
      return extract_kustomize_patches(file_, doc_, root, out_);
    }
    if (kind == "RoleBinding" || kind == "ClusterRoleBinding") return binding(root, kind == "ClusterRoleBinding");
    if (kind == "Role" || kind == "ClusterRole") return role(root, kind);
    if (kWorkloadKinds.count(kind)) return workload(root, kind);
  }

 private:
  Location at(YamlId id) const {
    const YamlNode& node = doc_.node(id);
    return source_.location(node.line, node.column);
  }

  Location key_location(const YamlEntry* entry) const { return entry ? at(entry->key) : Location{}; }

  std::string metadata_field(YamlId root, std::string_view field) const {
    return std::string(doc_.scalar(doc_.path(root, {"metadata", field})));
  }

  std::string namespace_of(YamlId root) const {
    const std::string ns = metadata_field(root, "namespace");
    return ns.empty() ? "default" : ns;
  }

  std::vector<MetaEntry> map_entries(YamlId map, const std::string& source) const {
    std::vector<MetaEntry> entries;
    if (!doc_.is_mapping(map)) return entries;
    for (const YamlEntry& entry : doc_.node(map).entries) {
      if (!doc_.is_scalar(entry.key)) continue;
      MetaEntry meta;
      meta.key = doc_.node(entry.key).value;
      meta.value = std::string(trim(doc_.scalar(entry.value)));
      meta.location = at(entry.value);
      meta.source = source;
      entries.push_back(std::move(meta));
    }
    return entries;
  }

  Identity start(YamlId root, IdentityKind kind, const std::string& id, const std::string& name) const {
    Identity identity;
    identity.id = id;
    identity.kind = kind;
    identity.platform = "kubernetes";
    identity.name = name;
    identity.origin = options_.origin;
    const YamlNode& node = doc_.node(root);
    identity.location = source_.location(node.line, node.column);
    identity.end = source_.location(std::max(node.end_line, node.line), 0);
    identity.comment_metadata = comment_metadata(file_, node.line, std::max(node.end_line, node.line));
    const YamlId metadata = doc_.get(root, "metadata");
    add_native_metadata(identity, map_entries(doc_.get(metadata, "annotations"), "annotation"));
    add_native_metadata(identity, map_entries(doc_.get(metadata, "labels"), "label"));
    return identity;
  }

  void service_account(YamlId root) {
    const std::string name = metadata_field(root, "name");
    if (name.empty()) return;
    const std::string ns = namespace_of(root);
    // Without metadata.namespace the manifest lands in the namespace it is applied to,
    // so the name alone is shown (the id keeps "default" for matching).
    const bool unspecified = metadata_field(root, "namespace").empty();
    Identity identity = start(root, IdentityKind::service_account, kubernetes_service_account_id(ns, name),
                              unspecified ? name : ns + "/" + name);
    if (unspecified) identity.attributes["namespace_unspecified"] = "true";
    if (options_.patch) identity.origin = Origin::referenced;

    const YamlId annotations = doc_.path(root, {"metadata", "annotations"});
    if (doc_.is_mapping(annotations)) {
      for (const YamlEntry& entry : doc_.node(annotations).entries) {
        const std::string target = workload_identity_target(std::string(doc_.scalar(entry.key)),
                                                            std::string(doc_.scalar(entry.value)));
        if (!target.empty()) identity.links.push_back({LinkType::federated_with, target, at(entry.value)});
      }
    }
    if (const YamlEntry* automount = doc_.entry(root, "automountServiceAccountToken")) {
      if (const auto value = doc_.boolean(automount->value)) {
        identity.attributes["automount_token"] = *value ? "true" : "false";
        identity.attribute_locations["automount_token"] = at(automount->value);
      }
    }
    out_.identities.push_back(std::move(identity));
  }

  void secret(YamlId root) {
    const std::string type(doc_.scalar(doc_.get(root, "type")));
    const std::string name = metadata_field(root, "name");
    const std::string ns = namespace_of(root);
    std::vector<HardcodedValue> literals = secret_data(root);
    if (type != "kubernetes.io/service-account-token") {
      // Other Secrets are identities here only when they hold literal secret material.
      if (literals.empty()) return;
      Identity secret = start(root, IdentityKind::secret, "kubernetes:Secret/" + ns + "/" + name, ns + "/" + name);
      secret.governance_exempt = true;
      secret.attributes["secret_type"] = type.empty() ? "Opaque" : type;
      secret.hardcoded = std::move(literals);
      out_.identities.push_back(std::move(secret));
      return;
    }
    Identity token = start(root, IdentityKind::token, "kubernetes:Secret/" + ns + "/" + name, ns + "/" + name);
    token.credential = Credential{};
    token.attributes["secret_type"] = type;
    token.hardcoded = std::move(literals);
    const YamlId annotations = doc_.path(root, {"metadata", "annotations"});
    const YamlId account = doc_.get(annotations, "kubernetes.io/service-account.name");
    if (doc_.is_scalar(account)) {
      token.links.push_back({LinkType::token_of, kubernetes_service_account_id(ns, doc_.node(account).value), at(account)});
    }
    out_.identities.push_back(std::move(token));
  }

  // Literal secret material in `data` (base64, decoded here) and `stringData`: a known
  // credential format (JSON Web Tokens included), registry credentials in a docker
  // config, or a real-looking value under a secret-named key.
  std::vector<HardcodedValue> secret_data(YamlId root) const {
    std::vector<HardcodedValue> values;
    for (const char* section : {"data", "stringData"}) {
      const YamlId map = doc_.get(root, section);
      if (!doc_.is_mapping(map)) continue;
      const bool encoded = std::string_view(section) == "data";
      for (const YamlEntry& entry : doc_.node(map).entries) {
        if (!doc_.is_scalar(entry.value)) continue;
        const std::string key(doc_.scalar(entry.key));
        const std::string_view written = doc_.scalar(entry.value);
        if (is_expression(written)) continue;
        std::string value(written);
        if (encoded) {
          const auto decoded = decode_base64(written);
          if (!decoded) continue;
          value = *decoded;
        }
        std::string detector;
        if (key == ".dockerconfigjson" || key == ".dockercfg") {
          if (has_registry_password(value)) detector = "registry-credentials";
        } else {
          detector = secret_format(value, true);
          if (detector.empty()) detector = classify_secret_literal(key, value);
        }
        if (detector.empty()) continue;
        const YamlNode& node = doc_.node(entry.value);
        // The value runs to the end of its first line; excerpts mask all of it.
        const Location where = source_.location(node.line, node.column, node.line, 0);
        values.push_back(hardcoded_value(where, std::string(section) + "." + key, detector, value));
      }
    }
    return values;
  }

  static bool has_registry_password(const std::string& config) {
    const nlohmann::json json = nlohmann::json::parse(config, nullptr, false);
    if (!json.is_object()) return false;
    const nlohmann::json& auths = json.contains("auths") && json["auths"].is_object() ? json["auths"] : json;
    for (const auto& [registry, entry] : auths.items()) {
      if (!entry.is_object()) continue;
      for (const char* field : {"auth", "password", "identitytoken"}) {
        if (!entry.contains(field) || !entry[field].is_string()) continue;
        const std::string text = entry[field].get<std::string>();
        if (!is_placeholder(text)) return true;
      }
    }
    return false;
  }

  // env: [{name: DB_PASSWORD, value: "..."}] in the containers of a pod spec.
  void container_env_literals(YamlId spec, const std::string& workload) {
    for (const char* list : {"initContainers", "containers"}) {
      const YamlId containers = doc_.get(spec, list);
      if (!doc_.is_sequence(containers)) continue;
      for (const YamlId container : doc_.node(containers).items) {
        const YamlId env = doc_.get(container, "env");
        if (!doc_.is_sequence(env)) continue;
        for (const YamlId variable : doc_.node(env).items) {
          const std::string name(doc_.scalar(doc_.get(variable, "name")));
          const YamlId value = doc_.get(variable, "value");
          if (name.empty() || !doc_.is_scalar(value)) continue;
          const std::string detector = classify_secret_literal(name, doc_.scalar(value));
          if (detector.empty()) continue;
          const YamlNode& node = doc_.node(value);
          const Location where = source_.location(node.line, node.column, node.line, 0);
          Identity& secret = add_literal_secret(out_, "kubernetes:" + workload + "/env/" + name, "kubernetes",
                                                "env " + name + " of " + workload, where);
          secret.hardcoded.push_back(hardcoded_value(where, "env " + name, detector, doc_.scalar(value)));
        }
      }
    }
  }

  // An ExternalSecret keeps a Secret in sync with an external store. With periodic
  // refreshes (every hour by default) a rotation in the store reaches the cluster, so the
  // refresh is the rotation mechanism. `refreshInterval: 0s` and the CreatedOnce and
  // OnChange policies fetch once (external-secrets API reference for ExternalSecret).
  void external_secret(YamlId root) {
    const std::string name = metadata_field(root, "name");
    if (name.empty()) return;
    const std::string ns = namespace_of(root);
    Identity secret = start(root, IdentityKind::secret, "kubernetes:ExternalSecret/" + ns + "/" + name, ns + "/" + name);
    if (options_.patch) secret.origin = Origin::referenced;
    const YamlId spec = doc_.get(root, "spec");
    Credential credential;
    const std::string policy(trim(doc_.scalar(doc_.get(spec, "refreshPolicy"))));
    const YamlEntry* interval = doc_.entry(spec, "refreshInterval");
    // An interval that is not a plain value (a list, a mapping, empty) proves nothing.
    const std::string every = interval ? std::string(trim(doc_.scalar(interval->value))) : "1h";
    if (policy != "CreatedOnce" && policy != "OnChange" && !every.empty() && !is_zero_duration(every)) {
      credential.rotation_mechanism = "ExternalSecret refreshInterval " + every + (interval ? "" : " (default)");
      credential.rotation_location = interval ? at(interval->value) : secret.location;
    }
    secret.credential = credential;

    const YamlId store = doc_.get(spec, "secretStoreRef");
    if (store != kNoYamlNode) {
      std::string store_kind(doc_.scalar(doc_.get(store, "kind")));
      if (store_kind.empty()) store_kind = "SecretStore";
      secret.attributes["secret_store"] = store_kind + "/" + std::string(doc_.scalar(doc_.get(store, "name")));
    }
    std::string target(doc_.scalar(doc_.path(spec, {"target", "name"})));
    secret.attributes["target_secret"] = target.empty() ? name : target;
    std::vector<std::string> keys;
    for (const char* list : {"data", "dataFrom"}) {
      const YamlId items = doc_.get(spec, list);
      if (!doc_.is_sequence(items)) continue;
      for (const YamlId item : doc_.node(items).items) {
        std::string key(doc_.scalar(doc_.path(item, {"remoteRef", "key"})));
        if (key.empty()) key = std::string(doc_.scalar(doc_.path(item, {"extract", "key"})));
        if (!key.empty()) keys.push_back(key);
      }
    }
    if (!keys.empty()) secret.attributes["remote_keys"] = join(keys, ",");
    out_.identities.push_back(std::move(secret));
  }

  // A SealedSecret contains values encrypted for one cluster's controller. It is safe to
  // commit, but still a long-lived secret that someone owns and rotates.
  void sealed_secret(YamlId root) {
    const std::string name = metadata_field(root, "name");
    if (name.empty()) return;
    const std::string ns = namespace_of(root);
    Identity secret = start(root, IdentityKind::secret, "kubernetes:SealedSecret/" + ns + "/" + name, ns + "/" + name);
    if (options_.patch) secret.origin = Origin::referenced;
    secret.credential = Credential{};
    const YamlId data = doc_.path(root, {"spec", "encryptedData"});
    std::vector<std::string> keys;
    if (doc_.is_mapping(data)) {
      for (const YamlEntry& entry : doc_.node(data).entries) keys.emplace_back(doc_.scalar(entry.key));
    }
    if (!keys.empty()) secret.attributes["encrypted_keys"] = join(keys, ",");
    const std::string type(doc_.scalar(doc_.path(root, {"spec", "template", "type"})));
    if (!type.empty()) secret.attributes["secret_type"] = type;
    out_.identities.push_back(std::move(secret));
  }

  void binding(YamlId root, bool cluster) {
    const YamlId role_ref = doc_.get(root, "roleRef");
    const std::string role_kind(doc_.scalar(doc_.get(role_ref, "kind")));
    const std::string role_name(doc_.scalar(doc_.get(role_ref, "name")));
    const std::string ns = namespace_of(root);
    const YamlId subjects = doc_.get(root, "subjects");
    if (!doc_.is_sequence(subjects)) return;
    for (const YamlId subject : doc_.node(subjects).items) {
      if (doc_.scalar(doc_.get(subject, "kind")) != "ServiceAccount") continue;
      const std::string name(doc_.scalar(doc_.get(subject, "name")));
      if (name.empty()) continue;
      std::string subject_ns(doc_.scalar(doc_.get(subject, "namespace")));
      if (subject_ns.empty()) subject_ns = ns;
      KubernetesGrant grant;
      grant.account_id = kubernetes_service_account_id(subject_ns, name);
      grant.role_kind = role_kind;
      grant.role_name = role_name;
      grant.cluster_wide = cluster;
      grant.binding_namespace = ns;
      grant.via = std::string(cluster ? "ClusterRoleBinding/" : "RoleBinding/" + ns + "/") + metadata_field(root, "name");
      grant.location = at(root);
      grant.evidence = role_ref != kNoYamlNode ? at(role_ref) : grant.location;
      add_kubernetes_grant(out_, grant);
    }
  }

  // A Role or ClusterRole whose rules allow every verb on every resource is admin in all
  // but name; correlation marks the grants that bind it.
  void role(YamlId root, const std::string& kind) {
    const YamlId rules = doc_.get(root, "rules");
    if (!doc_.is_sequence(rules)) return;
    for (const YamlId rule : doc_.node(rules).items) {
      const auto has_star = [&](const char* key) {
        const YamlId list = doc_.get(rule, key);
        if (!doc_.is_sequence(list)) return false;
        for (const YamlId item : doc_.node(list).items) {
          if (doc_.scalar(item) == "*") return true;
        }
        return false;
      };
      if (has_star("verbs") && has_star("resources")) {
        Observation observation;
        observation.kind = "kubernetes-role-wildcard";
        observation.subject = kind + "/" + (kind == "Role" ? namespace_of(root) + "/" : "") + metadata_field(root, "name");
        observation.location = at(root);
        observation.details["role_kind"] = kind;
        observation.details["role_name"] = metadata_field(root, "name");
        observation.details["namespace"] = namespace_of(root);
        observation.related.push_back(at(rule));
        out_.observations.push_back(std::move(observation));
        return;
      }
    }
  }

  /// The pod spec entry of a workload: spec (Pod), spec.template.spec, or
  /// spec.jobTemplate.spec.template.spec (CronJob).
  const YamlEntry* pod_spec(YamlId root, const std::string& kind) const {
    if (kind == "Pod") return doc_.entry(root, "spec");
    YamlId spec = doc_.get(root, "spec");
    if (kind == "CronJob") spec = doc_.path(spec, {"jobTemplate", "spec"});
    return doc_.entry(doc_.get(spec, "template"), "spec");
  }

  void workload(YamlId root, const std::string& kind) {
    const YamlEntry* spec_entry = pod_spec(root, kind);
    if (!spec_entry || !doc_.is_mapping(spec_entry->value)) return;
    const YamlId spec = spec_entry->value;
    const std::string ns = namespace_of(root);
    const std::string workload = kind + "/" + ns + "/" + metadata_field(root, "name");
    container_env_literals(spec, workload);

    Consumer consumer;
    consumer.name = workload;
    consumer.kind = "workload";
    consumer.environment = ns;

    // serviceAccountName wins over the deprecated serviceAccount; empty means default.
    const YamlEntry* named = doc_.entry(spec, "serviceAccountName");
    if (!named) named = doc_.entry(spec, "serviceAccount");
    std::string account = named ? std::string(doc_.scalar(named->value)) : std::string();
    if (!named && !may_name_account(spec_entry)) return;
    if (account.empty()) account = "default";
    if (named) {
      consumer.field = doc_.scalar(named->key) == "serviceAccount" ? "serviceAccount" : "serviceAccountName";
      // A value pulled in by a merge key is reported where the merge is written.
      consumer.location = named->merge_line ? source_.location(named->merge_line, 0) : at(named->value);
      if (named->merge_line) consumer.merge_site = source_.location(named->merge_line, 0);
    } else {
      consumer.location = key_location(spec_entry);
    }

    if (const YamlEntry* automount = doc_.entry(spec, "automountServiceAccountToken")) {
      consumer.token_mounted = doc_.boolean(automount->value);
      consumer.token_setting = at(automount->value);
      if (automount->merge_line) consumer.merge_site = source_.location(automount->merge_line, 0);
    }

    // The account as referenced by this workload; merging joins it to its declaration.
    Identity reference;
    reference.id = kubernetes_service_account_id(ns, account);
    reference.kind = IdentityKind::service_account;
    reference.platform = "kubernetes";
    reference.origin = Origin::referenced;
    reference.name = ns + "/" + account;
    reference.location = consumer.location;
    reference.attributes["pod_spec_line"] = std::to_string(key_location(spec_entry).line);
    reference.consumers.push_back(std::move(consumer));
    out_.identities.push_back(std::move(reference));
  }

  /// Check whether a pod spec without serviceAccountName runs as the default account. It
  /// does not in a patch, where the patched workload keeps its account, nor when a template
  /// action made inert may render keys of the pod spec, serviceAccountName among them.
  bool may_name_account(const YamlEntry* spec_entry) const {
    if (options_.patch) return false;
    if (!options_.hidden_output) return true;
    const std::vector<int>& hidden = *options_.hidden_output;
    const YamlNode& key = doc_.node(spec_entry->key);
    const int keys_at = static_cast<int>(doc_.node(spec_entry->value).column) - 1;
    const uint32_t end = std::max(doc_.node(spec_entry->value).end_line, key.line);
    // Hidden output right after the pod spec's last line still belongs to it.
    for (uint32_t line = key.line; line < hidden.size() && line <= source_.line_count(); ++line) {
      if (line > end && !trim(source_.line(line)).empty()) break;
      if (hidden[line] == keys_at) return false;
    }
    return true;
  }

  const FileView& file_;
  const SourceText& source_;
  const YamlDocument& doc_;
  ExtractOutput& out_;
  const ManifestOptions& options_;
};

}  // namespace

bool is_kubernetes_identity_kind(std::string_view kind) {
  return kIdentityKinds.count(kind) > 0 || ends_with(kind, "List");
}

void extract_kubernetes(const FileView& file, const std::vector<YamlDocument>& documents, ExtractOutput& out,
                        const ManifestOptions& options) {
  for (const YamlDocument& document : documents) {
    ManifestExtractor(file, document, out, options).object(document.root);
  }
}

}  // namespace nhiscan
