// GitLab CI: CI/CD variables that contain secrets and the jobs that use them, literal
// secrets in `variables`, OIDC ID tokens (`id_tokens`), secrets fetched from Vault and
// cloud secret managers (`secrets`), the job token, and cloud logins. A pipeline is read
// as a whole, its local includes with it, so that `extends`, `default` and `!reference`
// resolve across files.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "scanner/discover.h"
#include "scanner/extract/common.h"
#include "scanner/yaml.h"

namespace nhiscan {

/// One parsed file of a pipeline.
struct GitlabFile {
  FileView view;
  const std::vector<YamlDocument>* documents = nullptr;
};

/// Extract from the files of one pipeline, the root file first.
void extract_gitlab_pipeline(const std::vector<GitlabFile>& files, ExtractOutput& out);

/// The paths of a document's local includes as written: `include: local: PATH` and
/// plain strings that are not URLs. Includes of other projects, remote URLs, templates
/// and components are not part of the scan.
std::vector<std::string> gitlab_local_includes(const YamlDocument& document);

/// Group the GitLab CI files of a scan into pipelines: each root `.gitlab-ci.yml` with
/// the files its local includes name, transitively. Include paths are relative to the
/// root file's directory, and `*` and `**` wildcards are expanded over the scanned files.
/// A file of any kind that an include names joins the pipeline, and GitLab CI files that
/// no root includes form a pipeline of their own. Returns indices into `files`, each
/// group in reading order with the root first. `read_text` returns a file's text, or
/// nullopt when it cannot be read.
std::vector<std::vector<std::size_t>> group_gitlab_pipelines(
    const std::vector<DiscoveredFile>& files,
    const std::function<std::optional<std::string>(const DiscoveredFile&)>& read_text);

}  // namespace nhiscan
