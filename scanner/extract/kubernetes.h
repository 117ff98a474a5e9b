// Kubernetes manifests: ServiceAccounts, service-account token Secrets, role
// bindings, roles with wildcard rules, and the workloads that run as an account.
#pragma once

#include <vector>

#include "scanner/extract/common.h"
#include "scanner/yaml.h"

namespace nhiscan {

/// Extract from the documents of one YAML file. Documents that are not Kubernetes
/// objects (no apiVersion and kind) are ignored.
void extract_kubernetes(const FileView& file, const std::vector<YamlDocument>& documents, ExtractOutput& out);

/// Service-account token Secrets in a Helm template, read line by line without
/// rendering (template actions stay in names): identities of origin `template_`.
void extract_kubernetes_template(const FileView& file, const std::vector<YamlChunk>& chunks, ExtractOutput& out);

/// Kinds this extractor reads; documents of other kinds need no full parse.
bool is_kubernetes_identity_kind(std::string_view kind);

}  // namespace nhiscan
