#include "scanner/discover.h"

#include <boost/filesystem.hpp>

#include <algorithm>
#include <map>
#include <set>

#include "scanner/text.h"

namespace fs = boost::filesystem;

namespace nhiscan {

const char* to_string(FileKind kind) {
  switch (kind) {
    case FileKind::terraform: return "terraform";
    case FileKind::terraform_json: return "terraform-json";
    case FileKind::terraform_vars: return "terraform-vars";
    case FileKind::yaml: return "yaml";
    case FileKind::github_workflow: return "github-workflow";
    case FileKind::github_action: return "github-action";
    case FileKind::gitlab_ci: return "gitlab-ci";
    case FileKind::azure_pipelines: return "azure-pipelines";
    case FileKind::circleci: return "circleci";
    case FileKind::bitbucket: return "bitbucket-pipelines";
    case FileKind::helm_values: return "helm-values";
    case FileKind::helm_template: return "helm-template";
  }
  return "unknown";
}

bool is_yaml_kind(FileKind kind) { return !is_terraform_kind(kind); }

bool is_terraform_kind(FileKind kind) {
  return kind == FileKind::terraform || kind == FileKind::terraform_json || kind == FileKind::terraform_vars;
}

namespace {

const std::set<std::string> kSkippedDirectories = {".git", ".terraform", "node_modules", "vendor"};

std::string generic(const fs::path& path) { return path.generic_string(); }

fs::path absolute_normal(const fs::path& path) {
  boost::system::error_code error;
  fs::path absolute = fs::absolute(path);
  fs::path canonical = fs::weakly_canonical(absolute, error);
  return error ? absolute.lexically_normal() : canonical;
}

bool is_inside(const fs::path& path, const fs::path& root) {
  const std::string p = generic(path), r = generic(root);
  if (r == "/") return true;
  return p == r || starts_with(p, r + "/");
}

std::string relative_to(const fs::path& path, const fs::path& root) {
  std::string relative = generic(path.lexically_relative(root));
  if (relative == ".") relative.clear();
  return relative;
}

bool excluded(const std::string& relative, const std::vector<std::string>& excludes) {
  if (relative.empty()) return false;
  const std::string name = relative.substr(relative.rfind('/') + 1);
  for (const std::string& pattern : excludes) {
    if (glob_match(pattern, relative) || glob_match(pattern, name)) return true;
    // "dir/" or "dir/**" style patterns exclude everything below.
    if (glob_match(pattern + "/**", relative)) return true;
  }
  return false;
}

bool has_chart(const fs::path& directory) {
  boost::system::error_code error;
  return fs::is_regular_file(directory / "Chart.yaml", error);
}

}  // namespace

bool classify_path(const std::string& relative, bool chart_here, bool chart_above, FileKind& kind) {
  const std::string name = lower(relative.substr(relative.rfind('/') + 1));
  const std::string path = "/" + lower(relative);

  if (ends_with(name, ".tf.json")) {
    kind = FileKind::terraform_json;
    return true;
  }
  if (ends_with(name, ".tf")) {
    kind = FileKind::terraform;
    return true;
  }
  if (ends_with(name, ".tfvars")) {
    kind = FileKind::terraform_vars;
    return true;
  }
  if (!ends_with(name, ".yml") && !ends_with(name, ".yaml")) return false;

  if (contains(path, "/.github/workflows/")) {
    kind = FileKind::github_workflow;
  } else if (name == "action.yml" || name == "action.yaml") {
    kind = FileKind::github_action;
  } else if (name == ".gitlab-ci.yml" || ends_with(name, ".gitlab-ci.yml") || contains(path, "/.gitlab/ci/")) {
    kind = FileKind::gitlab_ci;
  } else if (starts_with(name, "azure-pipelines") || contains(path, "/.azure-pipelines/") ||
             contains(path, "/.azuredevops/")) {
    kind = FileKind::azure_pipelines;
  } else if (contains(path, "/.circleci/") && (name == "config.yml" || name == "config.yaml")) {
    kind = FileKind::circleci;
  } else if (name == "bitbucket-pipelines.yml" || name == "bitbucket-pipelines.yaml") {
    kind = FileKind::bitbucket;
  } else if (chart_here && starts_with(name, "values")) {
    kind = FileKind::helm_values;
  } else if (chart_above && contains(path, "/templates/")) {
    kind = FileKind::helm_template;
  } else {
    kind = FileKind::yaml;
  }
  return true;
}

std::string find_scan_root(const std::vector<std::string>& paths, const std::string& root_override,
                           std::vector<Diagnostic>& diagnostics) {
  if (!root_override.empty()) return generic(absolute_normal(root_override));

  const fs::path first = absolute_normal(paths.empty() ? fs::path(".") : fs::path(paths.front()));
  boost::system::error_code error;
  fs::path probe = fs::is_directory(first, error) ? first : first.parent_path();
  for (fs::path dir = probe; !dir.empty(); dir = dir.parent_path()) {
    if (fs::exists(dir / ".git", error)) return generic(dir);
    if (dir == dir.root_path()) break;
  }

  const fs::path cwd = absolute_normal(fs::current_path());
  const bool all_inside = std::all_of(paths.begin(), paths.end(), [&](const std::string& path) {
    return is_inside(absolute_normal(path), cwd);
  });
  if (all_inside) {
    diagnostics.push_back({Diagnostic::Level::note, "", 0,
                           "no git repository found; paths are relative to the current directory "
                           "(use --root to choose the repository root)"});
    return generic(cwd);
  }
  diagnostics.push_back({Diagnostic::Level::note, "", 0,
                         "no git repository found; paths are relative to " + generic(probe) +
                             " (use --root to choose the repository root)"});
  return generic(probe);
}

Discovery discover(const std::vector<std::string>& paths, const std::string& root_text,
                   const DiscoveryOptions& options) {
  Discovery result;
  const fs::path root(root_text);
  result.root = root_text;
  std::set<std::string> seen;
  std::map<std::string, bool> chart_cache;
  const auto chart_in = [&](const fs::path& directory) {
    const auto [it, inserted] = chart_cache.emplace(generic(directory), false);
    if (inserted) it->second = has_chart(directory);
    return it->second;
  };
  // Per directory: whether a directory above it, up to the root, holds a Chart.yaml.
  std::map<std::string, bool> chart_above_cache;
  const auto chart_above_of = [&](const fs::path& directory) {
    const auto [it, inserted] = chart_above_cache.emplace(generic(directory), false);
    if (!inserted) return it->second;
    bool above = false;
    for (fs::path dir = directory; !dir.empty() && is_inside(dir, root); dir = dir.parent_path()) {
      if (dir != directory && chart_in(dir)) {
        above = true;
        break;
      }
      if (dir == root) break;
    }
    it->second = above;
    return above;
  };
  const std::string root_prefix = root_text == "/" ? root_text : root_text + "/";

  const auto consider = [&](const fs::path& path, const std::string& relative) {
    if (excluded(relative, options.excludes)) return;
    boost::system::error_code error;
    const fs::file_status status = fs::symlink_status(path, error);
    if (error) {
      result.diagnostics.push_back({Diagnostic::Level::warning, relative, 0, "cannot read: " + error.message()});
      return;
    }
    if (fs::is_symlink(status)) return;  // links inside walked trees are never followed
    if (!fs::is_regular_file(status)) return;  // FIFOs, sockets, devices are never opened

    FileKind kind;
    const fs::path directory = path.parent_path();
    const bool chart_here = chart_in(directory);
    const bool chart_above = chart_above_of(directory);
    if (!classify_path(relative, chart_here, chart_above, kind)) return;
    if (!seen.insert(relative).second) return;

    const uintmax_t size = fs::file_size(path, error);
    if (error) {
      result.diagnostics.push_back({Diagnostic::Level::warning, relative, 0, "cannot read: " + error.message()});
      return;
    }
    if (size > options.max_file_size) {
      result.diagnostics.push_back({Diagnostic::Level::warning, relative, 0,
                                    "file is larger than the limit of " + std::to_string(options.max_file_size) +
                                        " bytes; skipped (see --max-file-size)"});
      return;
    }
    result.files.push_back({generic(path), relative, kind, size});
  };

  for (const std::string& argument : paths) {
    const fs::path given(argument);
    boost::system::error_code error;
    const fs::file_status status = fs::symlink_status(given, error);
    if (error || !fs::exists(status)) {
      result.diagnostics.push_back({Diagnostic::Level::error, argument, 0, "path not found"});
      continue;
    }

    fs::path start = absolute_normal(given);
    if (fs::is_symlink(status) && !is_inside(start, root)) {
      result.diagnostics.push_back({Diagnostic::Level::warning, argument, 0,
                                    "symbolic link points outside the scan root; skipped"});
      continue;
    }
    if (!is_inside(start, root)) {
      result.diagnostics.push_back({Diagnostic::Level::error, argument, 0,
                                    "path is outside the scan root " + root_text + "; use --root"});
      continue;
    }

    if (fs::is_regular_file(start, error)) {
      result.explicit_files.push_back(relative_to(start, root));
      consider(start, relative_to(start, root));
      continue;
    }
    if (!fs::is_directory(start, error)) continue;

    // The recursive iterator does not follow directory links by default, so link loops
    // cannot trap the walk.
    fs::recursive_directory_iterator it(start, fs::directory_options::skip_permission_denied, error), end;
    if (error) {
      result.diagnostics.push_back({Diagnostic::Level::warning, argument, 0, "cannot read directory: " + error.message()});
      continue;
    }
    while (it != end) {
      const fs::path& path = it->path();
      // The walk starts from a normalised path inside the root and appends entry names
      // (never "." or ".."), so the relative path is what follows the root's prefix.
      const std::string& text = path.native();
      const bool plain = starts_with(text, root_prefix) && text.find("/./") == std::string::npos &&
                         text.find("/../") == std::string::npos;
      const std::string relative = plain ? text.substr(root_prefix.size()) : relative_to(path, root);
      const fs::file_status status = it->symlink_status(error);
      if (!error && fs::is_directory(status)) {
        const std::string name = path.filename().string();
        if (kSkippedDirectories.count(name) || excluded(relative, options.excludes)) {
          it.disable_recursion_pending();
        }
      } else if (!error) {
        consider(path, relative);
      }
      it.increment(error);
      if (error) {
        // Report and leave the directory that failed; stop if even that fails, so a
        // broken directory cannot keep the walk turning in place.
        result.diagnostics.push_back({Diagnostic::Level::warning, relative, 0, "cannot read directory: " + error.message()});
        error.clear();
        if (it.depth() == 0) break;
        it.pop(error);
        if (error) break;
      }
    }
  }

  std::sort(result.files.begin(), result.files.end(),
            [](const DiscoveredFile& a, const DiscoveredFile& b) { return a.relative < b.relative; });
  return result;
}

}  // namespace nhiscan
