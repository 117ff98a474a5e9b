#include <doctest/doctest.h>

#include "scanner/extract/kustomize.h"
#include "scanner/source.h"
#include "scanner/yaml.h"

using namespace nhiscan;

namespace {

const char* const kKustomization =
    "kind: Component\n"                                     // 1
    "patches:\n"                                            // 2
    "  - patch: |-\n"                                       // 3
    "      apiVersion: v1\n"                                // 4
    "      kind: ServiceAccount\n"                          // 5
    "      metadata:\n"                                     // 6
    "        name: cart  # the account\n"                   // 7
    "        annotations:\n"                                // 8
    "          iam.gke.io/gcp-service-account: a@b.iam.gserviceaccount.com\n"  // 9
    "      ---\n"                                           // 10
    "      apiVersion: v1\n"                                // 11
    "      kind: ServiceAccount\n"                          // 12
    "      metadata: {name: second}\n"                      // 13
    "  - patch: >-\n"                                       // 14
    "      folded: text\n"                                  // 15
    "  - patch: |\n"                                        // 16
    "      broken: [\n";                                    // 17

struct Parsed {
  SourceText source;
  YamlDocument outer;
};

Parsed parse_outer() {
  Parsed parsed{SourceText("k.yaml", kKustomization), {}};
  std::vector<Diagnostic> diagnostics;
  auto documents = parse_yaml_stream(parsed.source, YamlLimits{}, diagnostics);
  REQUIRE(documents.size() == 1);
  parsed.outer = std::move(documents.front());
  return parsed;
}

const YamlNode& patch_scalar(const Parsed& parsed, std::size_t index) {
  const YamlDocument& doc = parsed.outer;
  const YamlId patches = doc.get(doc.root, "patches");
  return doc.node(doc.get(doc.node(patches).items.at(index), "patch"));
}

}  // namespace

TEST_CASE("embedded yaml keeps the file's lines and columns") {
  const Parsed parsed = parse_outer();
  std::vector<Diagnostic> diagnostics;
  const EmbeddedYaml embedded = parse_embedded_yaml(parsed.source, patch_scalar(parsed, 0), YamlLimits{}, diagnostics);
  CHECK(diagnostics.empty());
  REQUIRE(embedded.documents.size() == 2);
  const YamlDocument& first = embedded.documents[0];
  CHECK(first.node(first.root).line == 4);
  CHECK(first.node(first.root).column == 7);
  const YamlId name = first.path(first.root, {"metadata", "name"});
  CHECK(first.node(name).value == "cart");
  CHECK(first.node(name).line == 7);
  CHECK(first.node(name).column == 15);
  const YamlId annotation = first.path(first.root, {"metadata", "annotations", "iam.gke.io/gcp-service-account"});
  CHECK(first.node(annotation).line == 9);
}

TEST_CASE("embedded yaml splits documents at indented markers") {
  const Parsed parsed = parse_outer();
  std::vector<Diagnostic> diagnostics;
  const EmbeddedYaml embedded = parse_embedded_yaml(parsed.source, patch_scalar(parsed, 0), YamlLimits{}, diagnostics);
  REQUIRE(embedded.documents.size() == 2);
  const YamlDocument& second = embedded.documents[1];
  CHECK(second.node(second.root).line == 11);
  CHECK(second.first_line == 11);
  CHECK(embedded.source.line(10).empty());
}

TEST_CASE("embedded yaml source keeps the path and empties other lines") {
  const Parsed parsed = parse_outer();
  std::vector<Diagnostic> diagnostics;
  const EmbeddedYaml embedded = parse_embedded_yaml(parsed.source, patch_scalar(parsed, 0), YamlLimits{}, diagnostics);
  CHECK(embedded.source.path() == "k.yaml");
  CHECK(embedded.source.line(3).empty());
  CHECK(embedded.source.line(7) == parsed.source.line(7));
  CHECK(embedded.source.location(7, 15).column == parsed.source.location(7, 15).column);
}

TEST_CASE("embedded yaml ignores folded scalars") {
  const Parsed parsed = parse_outer();
  std::vector<Diagnostic> diagnostics;
  const EmbeddedYaml embedded = parse_embedded_yaml(parsed.source, patch_scalar(parsed, 1), YamlLimits{}, diagnostics);
  CHECK(embedded.documents.empty());
  CHECK(diagnostics.empty());
}

TEST_CASE("embedded yaml reports errors at the file's line") {
  const Parsed parsed = parse_outer();
  std::vector<Diagnostic> diagnostics;
  const EmbeddedYaml embedded = parse_embedded_yaml(parsed.source, patch_scalar(parsed, 2), YamlLimits{}, diagnostics);
  CHECK(embedded.documents.empty());
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].file == "k.yaml");
  CHECK(diagnostics[0].line >= 17);
  CHECK(diagnostics[0].level == Diagnostic::Level::error);
}

TEST_CASE("yaml node block flag marks literal and folded scalars") {
  const Parsed parsed = parse_outer();
  CHECK(patch_scalar(parsed, 0).block);
  CHECK(patch_scalar(parsed, 1).block);
  const YamlDocument& doc = parsed.outer;
  CHECK_FALSE(doc.node(doc.get(doc.root, "kind")).block);
}
