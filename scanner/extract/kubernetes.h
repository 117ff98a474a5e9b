// Kubernetes manifests: ServiceAccounts, service-account token Secrets, role
// bindings, roles with wildcard rules, and the workloads that run as an account.
#pragma once

#include <vector>

#include "scanner/extract/common.h"
#include "scanner/yaml.h"

namespace nhiscan {

/// Settings for reading the documents of one file.
struct ManifestOptions {
  /// Origin of the identities the documents declare: Origin::template_ for Helm
  /// templates read without rendering.
  Origin origin = Origin::declared;
  /// The documents are Kustomize patches. A ServiceAccount in a patch changes one declared
  /// elsewhere, so it is recorded as referenced (merging joins it to the declaration), and
  /// a patched workload that names no ServiceAccount keeps the one it had.
  bool patch = false;
  /// Per line (1-based), the indentation at which a template action that was made inert
  /// may render output, or -1. A workload with such output at the level of its pod
  /// spec's keys may set its ServiceAccount there, so it is not taken to run as the
  /// default account.
  const std::vector<int>* hidden_output = nullptr;
};

/// Extract from the documents of one YAML file. Documents that are not Kubernetes
/// objects (no apiVersion and kind) are ignored. ServiceAccounts, service-account token
/// Secrets, ExternalSecrets and SealedSecrets are identities, role bindings are grants,
/// and workloads are consumers of their ServiceAccount. Kustomization and Component files
/// are read for the patches written inline in them.
void extract_kubernetes(const FileView& file, const std::vector<YamlDocument>& documents, ExtractOutput& out,
                        const ManifestOptions& options = {});

/// Kinds this extractor reads; documents of other kinds need no full parse.
bool is_kubernetes_identity_kind(std::string_view kind);

}  // namespace nhiscan
