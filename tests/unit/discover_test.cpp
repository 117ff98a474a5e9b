#include <doctest/doctest.h>

#include <boost/filesystem.hpp>
#include <sys/stat.h>

#include <fstream>

#include "scanner/discover.h"

using namespace nhiscan;
namespace fs = boost::filesystem;

namespace {

struct TempTree {
  fs::path root;
  TempTree() : root(fs::temp_directory_path() / fs::unique_path("nhiscan-discover-%%%%%%%%")) { fs::create_directories(root); }
  ~TempTree() {
    boost::system::error_code error;
    fs::remove_all(root, error);
  }
  void write(const std::string& relative, const std::string& text = "x: 1\n") const {
    fs::create_directories((root / relative).parent_path());
    std::ofstream(( root / relative).string()) << text;
  }
};

std::vector<std::string> relative_paths(const Discovery& discovery) {
  std::vector<std::string> paths;
  for (const DiscoveredFile& file : discovery.files) paths.push_back(file.relative);
  return paths;
}

}  // namespace

TEST_CASE("classify_path by name") {
  FileKind kind;
  CHECK(classify_path("infra/main.tf", false, false, kind));
  CHECK(kind == FileKind::terraform);
  CHECK(classify_path("iam.tf.json", false, false, kind));
  CHECK(kind == FileKind::terraform_json);
  CHECK(classify_path(".github/workflows/ci.yml", false, false, kind));
  CHECK(kind == FileKind::github_workflow);
  CHECK(classify_path("tools/action.yaml", false, false, kind));
  CHECK(kind == FileKind::github_action);
  CHECK(classify_path(".gitlab-ci.yml", false, false, kind));
  CHECK(kind == FileKind::gitlab_ci);
  CHECK(classify_path(".circleci/config.yml", false, false, kind));
  CHECK(kind == FileKind::circleci);
  CHECK(classify_path("chart/values.yaml", true, false, kind));
  CHECK(kind == FileKind::helm_values);
  CHECK(classify_path("chart/templates/sa.yaml", false, true, kind));
  CHECK(kind == FileKind::helm_template);
  CHECK(classify_path("k8s/sa.yml", false, false, kind));
  CHECK(kind == FileKind::yaml);
  CHECK_FALSE(classify_path("README.md", false, false, kind));
}

TEST_CASE("discover skips tool and excluded directories") {
  TempTree tree;
  tree.write("main.tf", "");
  tree.write(".terraform/modules/m/main.tf", "");
  tree.write("node_modules/p/action.yml");
  tree.write("vendor/x.yaml");
  tree.write(".git/config.yaml");
  tree.write("examples/a.yaml");
  DiscoveryOptions options;
  options.excludes = {"examples/**"};
  const Discovery discovery = discover({tree.root.string()}, tree.root.string(), options);
  CHECK(relative_paths(discovery) == std::vector<std::string>{"main.tf"});
}

TEST_CASE("discover never follows symbolic links") {
  TempTree tree, outside;
  tree.write("inside.yaml");
  outside.write("secret.yaml");
  fs::create_symlink(outside.root / "secret.yaml", tree.root / "link.yaml");
  fs::create_directory_symlink(outside.root, tree.root / "linked-dir");
  fs::create_directory_symlink(tree.root, tree.root / "loop");
  const Discovery discovery = discover({tree.root.string()}, tree.root.string(), {});
  CHECK(relative_paths(discovery) == std::vector<std::string>{"inside.yaml"});
}

TEST_CASE("discover rejects outside link argument") {
  TempTree tree, outside;
  outside.write("secret.yaml");
  fs::create_symlink(outside.root / "secret.yaml", tree.root / "link.yaml");
  const Discovery discovery = discover({(tree.root / "link.yaml").string()}, tree.root.string(), {});
  CHECK(discovery.files.empty());
  REQUIRE(discovery.diagnostics.size() == 1);
  CHECK(discovery.diagnostics[0].message.find("outside") != std::string::npos);
}

TEST_CASE("discover skips oversized files") {
  TempTree tree;
  tree.write("big.yaml", std::string(2048, 'a'));
  DiscoveryOptions options;
  options.max_file_size = 1024;
  const Discovery discovery = discover({tree.root.string()}, tree.root.string(), options);
  CHECK(discovery.files.empty());
  REQUIRE(discovery.diagnostics.size() == 1);
  CHECK(discovery.diagnostics[0].file == "big.yaml");
}

TEST_CASE("discover does not open FIFOs") {
  TempTree tree;
  const std::string fifo = (tree.root / "pipe.yaml").string();
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  const Discovery discovery = discover({tree.root.string()}, tree.root.string(), {});
  CHECK(discovery.files.empty());
}
