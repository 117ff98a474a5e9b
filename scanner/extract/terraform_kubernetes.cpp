// Kubernetes identities declared through the Terraform kubernetes provider:
// ServiceAccounts, service-account token Secrets and role bindings.
#include "scanner/extract/kubernetes_names.h"
#include "scanner/extract/terraform.h"
#include "scanner/text.h"

namespace nhiscan {

namespace {

struct Metadata {
  std::string name;
  std::string namespace_ = "default";
  const HclBlock* block = nullptr;
};

class KubernetesProviderExtractor {
 public:
  explicit KubernetesProviderExtractor(TerraformContext& context) : context_(context) {}

  void run() {
    for (const char* type : {"kubernetes_service_account", "kubernetes_service_account_v1"}) {
      for (const TfBlock& resource : context_.resources(type)) service_account(resource);
    }
    for (const char* type : {"kubernetes_secret", "kubernetes_secret_v1"}) {
      for (const TfBlock& resource : context_.resources(type)) secret(resource);
    }
    for (const char* type : {"kubernetes_role_binding", "kubernetes_role_binding_v1", "kubernetes_cluster_role_binding",
                             "kubernetes_cluster_role_binding_v1"}) {
      for (const TfBlock& resource : context_.resources(type)) binding(resource);
    }
  }

 private:
  Metadata metadata(const TfBlock& resource) {
    Metadata out;
    out.block = resource.block->block("metadata");
    if (!out.block) return out;
    // An expression stays as written, so that the name shows where it comes from.
    const auto text_of = [&](const HclExpr* expr) {
      if (const auto value = context_.string_value(expr)) return *value;
      return expr->kind == HclExpr::Kind::reference ? "${" + expr->text + "}" : expr->text;
    };
    if (const HclExpr* name = out.block->value("name")) out.name = text_of(name);
    if (const HclExpr* ns = out.block->value("namespace")) out.namespace_ = text_of(ns);
    return out;
  }

  void service_account(const TfBlock& resource) {
    const Metadata meta = metadata(resource);
    Identity& identity = context_.add_identity(resource, IdentityKind::service_account, "kubernetes",
                                               meta.namespace_ + "/" + (meta.name.empty() ? resource.name : meta.name));
    identity.attributes["kubernetes_id"] = kubernetes_service_account_id(meta.namespace_, meta.name);
    if (meta.block) {
      add_native_metadata(identity, context_.metadata_map(resource, meta.block->value("annotations"), "annotation"));
      add_native_metadata(identity, context_.metadata_map(resource, meta.block->value("labels"), "label"));
      add_workload_identity_links(identity, resource, meta.block->value("annotations"));
    }
    if (const auto automount = context_.string_value(resource.block->value("automount_service_account_token"))) {
      identity.attributes["automount_token"] = *automount;
    }
  }

  void add_workload_identity_links(Identity& identity, const TfBlock& resource, const HclExpr* annotations) {
    if (!annotations || annotations->kind != HclExpr::Kind::object) return;
    for (std::size_t i = 0; i < annotations->keys.size(); ++i) {
      const auto value = context_.string_value(&annotations->items[i]);
      const std::string text = value ? *value : annotations->items[i].text;
      std::string target = workload_identity_target(annotations->keys[i], text);
      // The annotation may name the Google service account by reference.
      const std::string address = context_.referenced_address(&annotations->items[i], {"google_service_account"});
      if (annotations->keys[i] == "iam.gke.io/gcp-service-account" && !address.empty() && context_.resource(address)) {
        target = context_.id_for_address(address);
      }
      if (!target.empty()) {
        identity.links.push_back({LinkType::federated_with, target, context_.location_of(resource, annotations->items[i])});
      }
    }
  }

  void secret(const TfBlock& resource) {
    const auto type = context_.string_value(resource.block->value("type"));
    if (!type || *type != "kubernetes.io/service-account-token") return;
    const Metadata meta = metadata(resource);
    std::string account;
    Location link_location = context_.location(resource);
    if (meta.block) {
      if (const HclExpr* annotations = meta.block->value("annotations")) {
        if (const HclExpr* name = annotations->field("kubernetes.io/service-account.name")) {
          const auto text = context_.string_value(name);
          account = text ? *text : "";
          // A reference to a kubernetes_service_account resource names it too.
          const std::string address = context_.referenced_address(
              name, {"kubernetes_service_account", "kubernetes_service_account_v1"});
          if (!address.empty()) {
            if (const TfBlock* declared = context_.resource(address)) account = metadata(*declared).name;
          }
          link_location = context_.location_of(resource, *name);
        }
      }
    }
    Identity& token = context_.add_identity(resource, IdentityKind::token, "kubernetes",
                                            meta.namespace_ + "/" + (meta.name.empty() ? resource.name : meta.name));
    Credential credential;
    token.credential = credential;
    token.attributes["secret_type"] = *type;
    if (meta.block) {
      add_native_metadata(token, context_.metadata_map(resource, meta.block->value("labels"), "label"));
      add_native_metadata(token, context_.metadata_map(resource, meta.block->value("annotations"), "annotation"));
    }
    if (!account.empty()) {
      token.links.push_back({LinkType::token_of, kubernetes_service_account_id(meta.namespace_, account), link_location});
    }
  }

  void binding(const TfBlock& resource) {
    const HclBlock* role_ref = resource.block->block("role_ref");
    std::string role_kind, role_name;
    if (role_ref) {
      if (const auto kind = context_.string_value(role_ref->value("kind"))) role_kind = *kind;
      if (const auto name = context_.string_value(role_ref->value("name"))) role_name = *name;
    }
    const bool cluster = contains(resource.type, "cluster_role_binding");
    const Metadata meta = metadata(resource);
    for (const HclBlock* subject : resource.block->blocks_of("subject")) {
      const auto kind = context_.string_value(subject->value("kind"));
      if (!kind || *kind != "ServiceAccount") continue;
      const auto name = context_.string_value(subject->value("name"));
      if (!name) continue;
      const auto ns = context_.string_value(subject->value("namespace"));
      KubernetesGrant grant;
      grant.account_id = kubernetes_service_account_id(ns ? *ns : meta.namespace_, *name);
      grant.role_kind = role_kind;
      grant.role_name = role_name;
      grant.cluster_wide = cluster;
      grant.binding_namespace = meta.namespace_;
      grant.via = resource.address;
      grant.location = context_.location(resource);
      grant.evidence = role_ref ? context_.location(resource, role_ref->start) : grant.location;
      add_kubernetes_grant(context_.out(), grant);
    }
  }

  TerraformContext& context_;
};

}  // namespace

void extract_terraform_kubernetes(TerraformContext& context) { KubernetesProviderExtractor(context).run(); }

}  // namespace nhiscan
