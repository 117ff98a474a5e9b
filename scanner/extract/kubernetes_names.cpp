#include "scanner/extract/kubernetes_names.h"

#include "scanner/text.h"

namespace nhiscan {

std::string kubernetes_service_account_id(const std::string& namespace_, const std::string& name) {
  return "kubernetes:ServiceAccount/" + (namespace_.empty() ? std::string("default") : namespace_) + "/" + name;
}

std::string workload_identity_target(const std::string& key, const std::string& value) {
  const std::string text(trim(value));
  if (text.empty() || is_expression(text)) return {};
  if (key == "iam.gke.io/gcp-service-account") return "gcp:serviceAccount/" + text;
  if (key == "eks.amazonaws.com/role-arn") {
    const std::size_t slash = text.rfind('/');
    return "aws:role/" + (slash == std::string::npos ? text : text.substr(slash + 1));
  }
  if (key == "azure.workload.identity/client-id") return "azure:client-id/" + text;
  return {};
}

void add_kubernetes_grant(ExtractOutput& out, const KubernetesGrant& grant) {
  Identity identity;
  identity.id = grant.account_id;
  identity.kind = IdentityKind::service_account;
  identity.platform = "kubernetes";
  identity.origin = Origin::referenced;
  identity.name = grant.account_id.substr(std::string("kubernetes:ServiceAccount/").size());
  identity.location = grant.location;

  Grant role;
  role.role = grant.role_kind + "/" + grant.role_name;
  role.scope = grant.cluster_wide ? "cluster" : "namespace " + grant.binding_namespace;
  role.via = grant.via;
  role.location = grant.location;
  role.evidence = grant.evidence;
  if (grant.role_kind == "ClusterRole" && grant.role_name == "cluster-admin") {
    role.admin = true;
    role.admin_reason = grant.cluster_wide ? "ClusterRole cluster-admin bound cluster-wide"
                                           : "ClusterRole cluster-admin bound in namespace " + grant.binding_namespace;
  }
  identity.grants.push_back(role);
  out.identities.push_back(std::move(identity));
}

}  // namespace nhiscan
