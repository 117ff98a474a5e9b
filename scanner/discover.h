// Finding the files to scan and deciding what each one is.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scanner/model.h"

namespace nhiscan {

enum class FileKind {
  terraform,        // .tf
  terraform_json,   // .tf.json
  terraform_vars,   // .tfvars
  yaml,             // other YAML: Kubernetes manifests, kustomize, anything with apiVersion/kind
  github_workflow,  // .github/workflows/*.yml
  github_action,    // action.yml of a composite or other action
  gitlab_ci,        // .gitlab-ci.yml and its local includes
  azure_pipelines,  // azure-pipelines.yml and pipeline templates
  circleci,         // .circleci/config.yml
  bitbucket,        // bitbucket-pipelines.yml
  helm_values,      // values.yaml of a chart
  helm_template,    // templates/*.yaml of a chart
};
const char* to_string(FileKind kind);
bool is_yaml_kind(FileKind kind);
bool is_terraform_kind(FileKind kind);

struct DiscoveredFile {
  std::string absolute;  // path to open
  std::string relative;  // path relative to the scan root, '/'-separated
  FileKind kind = FileKind::yaml;
  uintmax_t size = 0;
};

struct DiscoveryOptions {
  std::vector<std::string> excludes;  // globs over relative paths; a directory's name matches too
  uintmax_t max_file_size = 8u << 20;
  unsigned jobs = 1;  // directories walked at once
};

struct Discovery {
  std::string root;  // absolute scan root
  std::vector<DiscoveredFile> files;
  std::vector<Diagnostic> diagnostics;
  /// Paths given on the command line that are files (pre-commit passes staged files).
  std::vector<std::string> explicit_files;
};

/// The directory that relative paths start from: `root_override` when set, else the
/// git top-level of the first path, else the current directory when every path is
/// inside it, else the first path itself.
std::string find_scan_root(const std::vector<std::string>& paths, const std::string& root_override,
                           std::vector<Diagnostic>& diagnostics);

/// Walk `paths`, skip excluded and unreadable entries, and classify what is left.
/// Directories named .git, .terraform, node_modules and vendor are skipped. Symbolic
/// links are never followed; a link given on the command line is read only when its
/// target is inside the root. The result is sorted by relative path.
Discovery discover(const std::vector<std::string>& paths, const std::string& root, const DiscoveryOptions& options);

/// Classify a path by name (the content check happens when the file is read).
/// Returns false for files nhiscan does not read.
bool classify_path(const std::string& relative, bool chart_here, bool chart_above, FileKind& kind);

}  // namespace nhiscan
