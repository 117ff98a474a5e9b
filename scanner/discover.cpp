#include "scanner/discover.h"

#include <boost/filesystem.hpp>

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <thread>
#include <tuple>

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

namespace {

/// A walker of part of a tree, with its own Discovery and caches, so that several can
/// run at once.
class Walker {
 public:
  Walker(const fs::path& root, const std::string& root_text, const DiscoveryOptions& options)
      : root_(root), root_prefix_(root_text == "/" ? root_text : root_text + "/"), options_(options) {}

  Discovery& result() { return result_; }

  /// Consider one file (a regular file, link, FIFO, device, ...) at `path`.
  void consider(const fs::path& path, const std::string& relative) {
    if (excluded(relative, options_.excludes)) return;
    boost::system::error_code error;
    const fs::file_status status = fs::symlink_status(path, error);
    if (error) {
      result_.diagnostics.push_back({Diagnostic::Level::warning, relative, 0, "cannot read: " + error.message()});
      return;
    }
    if (fs::is_symlink(status)) return;  // links inside walked trees are never followed
    if (!fs::is_regular_file(status)) return;  // FIFOs, sockets, devices are never opened

    FileKind kind;
    const fs::path directory = path.parent_path();
    const bool chart_here = chart_in(directory);
    const bool chart_above = chart_above_of(directory);
    if (!classify_path(relative, chart_here, chart_above, kind)) return;

    const uintmax_t size = fs::file_size(path, error);
    if (error) {
      result_.diagnostics.push_back({Diagnostic::Level::warning, relative, 0, "cannot read: " + error.message()});
      return;
    }
    if (size > options_.max_file_size) {
      result_.diagnostics.push_back({Diagnostic::Level::warning, relative, 0,
                                     "file is larger than the limit of " + std::to_string(options_.max_file_size) +
                                         " bytes; skipped (see --max-file-size)"});
      return;
    }
    result_.files.push_back({generic(path), relative, kind, size});
  }

  /// Return whether the walk enters the directory at `path`.
  bool enters(const fs::path& path, const std::string& relative) const {
    return !kSkippedDirectories.count(path.filename().string()) && !excluded(relative, options_.excludes);
  }

  std::string relative(const fs::path& path) const {
    // The walk starts from a normalised path inside the root and appends entry names
    // (never "." or ".."), so the relative path is what follows the root's prefix.
    const std::string& text = path.native();
    const bool plain = starts_with(text, root_prefix_) && text.find("/./") == std::string::npos &&
                       text.find("/../") == std::string::npos;
    return plain ? text.substr(root_prefix_.size()) : relative_to(path, root_);
  }

  /// Walk everything below `start`; `argument` names it in diagnostics.
  void walk(const fs::path& start, const std::string& argument) {
    boost::system::error_code error;
    // The recursive iterator does not follow directory links by default, so link loops
    // cannot trap the walk.
    fs::recursive_directory_iterator it(start, fs::directory_options::skip_permission_denied, error), end;
    if (error) {
      result_.diagnostics.push_back({Diagnostic::Level::warning, argument, 0, "cannot read directory: " + error.message()});
      return;
    }
    while (it != end) {
      const fs::path& path = it->path();
      const std::string relative = this->relative(path);
      const fs::file_status status = it->symlink_status(error);
      if (!error && fs::is_directory(status)) {
        if (!enters(path, relative)) it.disable_recursion_pending();
      } else if (!error) {
        consider(path, relative);
      }
      it.increment(error);
      if (error) {
        // Report and leave the directory that failed; stop if even that fails, so a
        // broken directory cannot keep the walk turning in place.
        result_.diagnostics.push_back({Diagnostic::Level::warning, relative, 0, "cannot read directory: " + error.message()});
        error.clear();
        if (it.depth() == 0) break;
        it.pop(error);
        if (error) break;
      }
    }
  }

 private:
  bool chart_in(const fs::path& directory) {
    const auto [it, inserted] = chart_cache_.emplace(generic(directory), false);
    if (inserted) it->second = has_chart(directory);
    return it->second;
  }

  // Whether a directory above `directory`, up to the root, contains a Chart.yaml.
  bool chart_above_of(const fs::path& directory) {
    const auto [it, inserted] = chart_above_cache_.emplace(generic(directory), false);
    if (!inserted) return it->second;
    bool above = false;
    for (fs::path dir = directory; !dir.empty() && is_inside(dir, root_); dir = dir.parent_path()) {
      if (dir != directory && chart_in(dir)) {
        above = true;
        break;
      }
      if (dir == root_) break;
    }
    it->second = above;
    return above;
  }

  const fs::path root_;
  const std::string root_prefix_;
  const DiscoveryOptions& options_;
  Discovery result_;
  std::map<std::string, bool> chart_cache_;
  std::map<std::string, bool> chart_above_cache_;
};

}  // namespace

Discovery discover(const std::vector<std::string>& paths, const std::string& root_text,
                   const DiscoveryOptions& options) {
  const fs::path root(root_text);
  Walker main(root, root_text, options);
  // Directories below the given ones, each walked on its own by the worker threads.
  std::vector<std::pair<fs::path, std::string>> subtrees;

  for (const std::string& argument : paths) {
    const fs::path given(argument);
    boost::system::error_code error;
    const fs::file_status status = fs::symlink_status(given, error);
    if (error || !fs::exists(status)) {
      main.result().diagnostics.push_back({Diagnostic::Level::error, argument, 0, "path not found"});
      continue;
    }

    fs::path start = absolute_normal(given);
    if (fs::is_symlink(status) && !is_inside(start, root)) {
      main.result().diagnostics.push_back({Diagnostic::Level::warning, argument, 0,
                                           "symbolic link points outside the scan root; skipped"});
      continue;
    }
    if (!is_inside(start, root)) {
      main.result().diagnostics.push_back({Diagnostic::Level::error, argument, 0,
                                           "path is outside the scan root " + root_text + "; use --root"});
      continue;
    }

    if (fs::is_regular_file(start, error)) {
      main.result().explicit_files.push_back(relative_to(start, root));
      main.consider(start, relative_to(start, root));
      continue;
    }
    if (!fs::is_directory(start, error)) continue;

    // The entries of the directory itself; its subdirectories are walked below.
    fs::directory_iterator it(start, fs::directory_options::skip_permission_denied, error), end;
    if (error) {
      main.result().diagnostics.push_back({Diagnostic::Level::warning, argument, 0,
                                           "cannot read directory: " + error.message()});
      continue;
    }
    for (; it != end; it.increment(error)) {
      if (error) {
        main.result().diagnostics.push_back({Diagnostic::Level::warning, argument, 0,
                                             "cannot read directory: " + error.message()});
        break;
      }
      const fs::path& path = it->path();
      const std::string relative = main.relative(path);
      boost::system::error_code entry_error;
      const fs::file_status entry = it->symlink_status(entry_error);
      if (entry_error) continue;
      if (fs::is_directory(entry)) {
        if (main.enters(path, relative)) subtrees.emplace_back(path, relative);
      } else {
        main.consider(path, relative);
      }
    }
  }

  std::vector<std::unique_ptr<Walker>> walkers;
  for (std::size_t i = 0; i < subtrees.size(); ++i) walkers.push_back(std::make_unique<Walker>(root, root_text, options));
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    for (std::size_t i = next.fetch_add(1); i < subtrees.size(); i = next.fetch_add(1)) {
      walkers[i]->walk(subtrees[i].first, subtrees[i].second);
    }
  };
  const unsigned threads = std::min<unsigned>(std::max(1u, options.jobs), static_cast<unsigned>(subtrees.size()));
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back(work);
  work();
  for (std::thread& thread : pool) thread.join();

  Discovery result = std::move(main.result());
  result.root = root_text;
  for (const auto& walker : walkers) {
    Discovery& part = walker->result();
    for (DiscoveredFile& file : part.files) result.files.push_back(std::move(file));
    for (Diagnostic& diagnostic : part.diagnostics) result.diagnostics.push_back(std::move(diagnostic));
  }
  // Overlapping arguments reach some files twice: report each problem once.
  std::set<std::tuple<std::string, uint32_t, std::string>> reported;
  result.diagnostics.erase(std::remove_if(result.diagnostics.begin(), result.diagnostics.end(),
                                          [&](const Diagnostic& diagnostic) {
                                            return !reported.emplace(diagnostic.file, diagnostic.line, diagnostic.message)
                                                        .second;
                                          }),
                           result.diagnostics.end());
  // A file reached through two overlapping arguments is kept once.
  std::stable_sort(result.files.begin(), result.files.end(),
                   [](const DiscoveredFile& a, const DiscoveredFile& b) { return a.relative < b.relative; });
  result.files.erase(std::unique(result.files.begin(), result.files.end(),
                                 [](const DiscoveredFile& a, const DiscoveredFile& b) { return a.relative == b.relative; }),
                     result.files.end());
  return result;
}

}  // namespace nhiscan
