// Bitbucket Pipelines: secured repository and workspace variables used by steps and
// pipes, OIDC steps (`oidc: true`) and the cloud logins of pipes and scripts, static or
// federated.
#pragma once

#include <vector>

#include "scanner/extract/common.h"
#include "scanner/yaml.h"

namespace nhiscan {

/// Extract from `bitbucket-pipelines.yml`.
void extract_bitbucket(const FileView& file, const std::vector<YamlDocument>& documents, ExtractOutput& out);

}  // namespace nhiscan
