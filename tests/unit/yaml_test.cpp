#include <doctest/doctest.h>

#include "scanner/yaml.h"

using namespace nhiscan;

namespace {

std::vector<YamlDocument> parse(const std::string& text, std::vector<Diagnostic>& diagnostics,
                                YamlLimits limits = {}) {
  const SourceText source("test.yaml", text);
  return parse_yaml_stream(source, limits, diagnostics);
}

}  // namespace

TEST_CASE("split_yaml_documents finds documents and kinds") {
  const std::string text =
      "---\n# only a comment\n---\napiVersion: v1\nkind: ServiceAccount\n--- # Source: x\nkind: \"Deployment\"\n...\n---\n";
  const auto chunks = split_yaml_documents(text);
  REQUIRE(chunks.size() == 2);
  CHECK(chunks[0].first_line == 3);
  CHECK(chunks[0].kind == "ServiceAccount");
  CHECK(chunks[0].api_version == "v1");
  CHECK(chunks[1].first_line == 6);
  CHECK(chunks[1].kind == "Deployment");
}

TEST_CASE("split ignores indented markers") {
  const auto chunks = split_yaml_documents("a: |\n  --- not a marker\nb: 1\n");
  CHECK(chunks.size() == 1);
}

TEST_CASE("yaml positions are 1-based and absolute") {
  std::vector<Diagnostic> diagnostics;
  const auto documents = parse("a: 1\n---\nkind: ServiceAccount\nmetadata:\n  name: x\n", diagnostics);
  REQUIRE(documents.size() == 2);
  const YamlDocument& second = documents[1];
  const YamlId name = second.path(second.root, {"metadata", "name"});
  REQUIRE(name != kNoYamlNode);
  CHECK(second.node(name).line == 5);
  CHECK(second.node(name).column == 9);
  CHECK(diagnostics.empty());
}

TEST_CASE("yaml merge keys are applied and written keys win") {
  std::vector<Diagnostic> diagnostics;
  const auto documents = parse("base: &b\n  x: 1\n  y: 2\nuse:\n  <<: *b\n  y: 3\n", diagnostics);
  REQUIRE(documents.size() == 1);
  const YamlDocument& document = documents[0];
  const YamlId use = document.get(document.root, "use");
  CHECK(document.scalar(document.get(use, "x")) == "1");
  CHECK(document.scalar(document.get(use, "y")) == "3");
  const YamlEntry* merged = document.entry(use, "x");
  REQUIRE(merged != nullptr);
  CHECK(merged->merge_line == 5);
  CHECK(document.entry(use, "<<") == nullptr);
}

TEST_CASE("yaml quoted merge key is an ordinary key") {
  std::vector<Diagnostic> diagnostics;
  const auto documents = parse("base: &b {x: 1}\nuse:\n  \"<<\": *b\n", diagnostics);
  const YamlDocument& document = documents.at(0);
  CHECK(document.entry(document.get(document.root, "use"), "<<") != nullptr);
}

TEST_CASE("yaml duplicate keys warn and the last wins") {
  std::vector<Diagnostic> diagnostics;
  const auto documents = parse("a: 1\na: 2\n", diagnostics);
  CHECK(documents.at(0).scalar(documents.at(0).get(documents.at(0).root, "a")) == "2");
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].line == 2);
  CHECK(diagnostics[0].level == Diagnostic::Level::warning);
}

TEST_CASE("yaml alias bomb stays small") {
  std::string text = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int level = 1; level <= 9; ++level) {
    text += "l" + std::to_string(level) + ": &l" + std::to_string(level) + " [";
    for (int i = 0; i < 10; ++i) text += (i ? ", *l" : "*l") + std::to_string(level - 1);
    text += "]\n";
  }
  std::vector<Diagnostic> diagnostics;
  const auto documents = parse(text, diagnostics);
  REQUIRE(documents.size() == 1);
  CHECK(documents[0].nodes.size() < 200);
  std::size_t visited = 0;
  documents[0].walk([&](YamlId) { ++visited; });
  CHECK(visited < 200);
}

TEST_CASE("yaml booleans: plain scalars only") {
  std::vector<Diagnostic> diagnostics;
  const auto documents = parse("a: off\nb: yes\nc: \"true\"\nd: maybe\non: push\n", diagnostics);
  const YamlDocument& document = documents.at(0);
  CHECK(document.boolean(document.get(document.root, "a")) == false);
  CHECK(document.boolean(document.get(document.root, "b")) == true);
  CHECK_FALSE(document.boolean(document.get(document.root, "c")).has_value());
  CHECK_FALSE(document.boolean(document.get(document.root, "d")).has_value());
  CHECK(document.get(document.root, "on") != kNoYamlNode);
}

TEST_CASE("yaml error keeps later documents") {
  std::vector<Diagnostic> diagnostics;
  const auto documents = parse("a: [1, 2\n---\nkind: ServiceAccount\n", diagnostics);
  REQUIRE(documents.size() == 1);
  CHECK(documents[0].scalar(documents[0].get(documents[0].root, "kind")) == "ServiceAccount");
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].level == Diagnostic::Level::error);
}

TEST_CASE("yaml lone comma does not hang") {
  std::vector<Diagnostic> diagnostics;
  const auto documents = parse(",", diagnostics);
  CHECK(documents.size() <= 1);
}

TEST_CASE("yaml tab indentation is named in the error") {
  std::vector<Diagnostic> diagnostics;
  parse("a:\n\tb: 1\n", diagnostics);
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].message.find("tab") != std::string::npos);
}

TEST_CASE("yaml nesting limit is enforced") {
  std::vector<Diagnostic> diagnostics;
  YamlLimits limits;
  limits.max_depth = 20;
  parse(std::string(50, '[') + std::string(50, ']') + "\n", diagnostics, limits);
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].message.find("deeper than 20") != std::string::npos);
}

TEST_CASE("yaml block scalar extent covers its content") {
  std::vector<Diagnostic> diagnostics;
  const auto documents = parse("run: |\n  echo a\n  # not a comment\nnext: 1\n", diagnostics);
  const YamlDocument& document = documents.at(0);
  CHECK(document.node(document.get(document.root, "run")).end_line == 3);
}
