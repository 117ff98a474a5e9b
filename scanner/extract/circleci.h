// CircleCI: contexts (named sets of secrets) attached to workflow jobs, project and
// context environment variables used by jobs, and cloud logins through orbs, scripts
// and CircleCI's OIDC token, static or federated.
#pragma once

#include <vector>

#include "scanner/extract/common.h"
#include "scanner/yaml.h"

namespace nhiscan {

/// Extract from `.circleci/config.yml`.
void extract_circleci(const FileView& file, const std::vector<YamlDocument>& documents, ExtractOutput& out);

}  // namespace nhiscan
