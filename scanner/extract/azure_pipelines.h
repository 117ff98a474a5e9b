// Azure Pipelines: service connections named by tasks, variable groups, secret variables
// passed to steps as `$(NAME)`, secure files, the job's System.AccessToken, literal
// secrets in `variables`, and cloud logins. Pipelines and their templates are read one
// file at a time; `${{ }}` template expressions used as keys are walked through.
#pragma once

#include <vector>

#include "scanner/extract/common.h"
#include "scanner/yaml.h"

namespace nhiscan {

/// Extract from a pipeline or template file.
void extract_azure_pipelines(const FileView& file, const std::vector<YamlDocument>& documents, ExtractOutput& out);

/// True when a YAML file that its path does not classify reads as an Azure Pipelines
/// file: `steps` with task, script, bash, pwsh, powershell, checkout or template items,
/// `jobs` with job or deployment items, `stages` with stage items, or `extends: template:`.
/// Pipeline templates in eng/ or build/ directories are found this way.
bool looks_like_azure_pipeline(const std::vector<YamlDocument>& documents);

}  // namespace nhiscan
