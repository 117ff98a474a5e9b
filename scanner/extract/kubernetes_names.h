// Naming and grant helpers shared by the Kubernetes manifest extractor and the
// Terraform kubernetes-provider extractor.
#pragma once

#include <string>

#include "scanner/extract/common.h"

namespace nhiscan {

/// "kubernetes:ServiceAccount/NAMESPACE/NAME"; an empty namespace means "default".
std::string kubernetes_service_account_id(const std::string& namespace_, const std::string& name);

/// The cloud identity a workload-identity annotation on a ServiceAccount points at,
/// as an identity id: `iam.gke.io/gcp-service-account` -> "gcp:serviceAccount/EMAIL",
/// `eks.amazonaws.com/role-arn` -> "aws:role/NAME", `azure.workload.identity/client-id`
/// -> "azure:client-id/ID". Empty for any other annotation.
std::string workload_identity_target(const std::string& key, const std::string& value);

/// A role granted to a ServiceAccount by a RoleBinding or ClusterRoleBinding.
struct KubernetesGrant {
  std::string account_id;
  std::string role_kind;  // Role or ClusterRole
  std::string role_name;
  bool cluster_wide = false;
  std::string binding_namespace;
  std::string via;
  Location location;
  Location evidence;
};

/// Record a binding as a grant on a referenced ServiceAccount record; merging joins
/// it to the declared ServiceAccount wherever that is. `cluster-admin` is admin-level.
void add_kubernetes_grant(ExtractOutput& out, const KubernetesGrant& grant);

}  // namespace nhiscan
