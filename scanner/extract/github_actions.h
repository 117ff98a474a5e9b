// GitHub Actions workflows and actions: repository secrets and where they are used,
// the ephemeral job token and its permissions, and cloud logins (static or federated).
#pragma once

#include <vector>

#include "scanner/extract/common.h"
#include "scanner/yaml.h"

namespace nhiscan {

/// Extract from a workflow file (`.github/workflows/*.yml`).
void extract_github_workflow(const FileView& file, const std::vector<YamlDocument>& documents, ExtractOutput& out);

/// Extract from an action metadata file (`action.yml`): inputs and composite steps.
void extract_github_action(const FileView& file, const std::vector<YamlDocument>& documents, ExtractOutput& out);

}  // namespace nhiscan
