#include <doctest/doctest.h>

#include "scanner/hcl.h"

using namespace nhiscan;

namespace {

HclFile parse(const std::string& text, std::vector<Diagnostic>& diagnostics, bool json = false) {
  static std::vector<SourceText> keep;
  keep.emplace_back(json ? "main.tf.json" : "main.tf", text);
  return json ? parse_terraform_json(keep.back(), {}, diagnostics) : parse_hcl(keep.back(), {}, diagnostics);
}

}  // namespace

TEST_CASE("hcl blocks, labels and attributes") {
  std::vector<Diagnostic> diagnostics;
  const HclFile file = parse("resource \"aws_iam_user\" \"bot\" {\n  name = \"bot\"\n  tags = { owner = \"x\" }\n}\n", diagnostics);
  CHECK(diagnostics.empty());
  REQUIRE(file.blocks.size() == 1);
  const HclBlock& block = file.blocks[0];
  CHECK(block.type == "resource");
  REQUIRE(block.labels.size() == 2);
  CHECK(block.labels[1] == "bot");
  CHECK(block.start.line == 1);
  CHECK(block.end.line == 4);
  CHECK(block.value("name")->literal() == "bot");
  const HclExpr* owner = block.value("tags")->field("owner");
  REQUIRE(owner != nullptr);
  CHECK(owner->text == "x");
  CHECK(owner->start.line == 3);
}

TEST_CASE("hcl references and templates") {
  std::vector<Diagnostic> diagnostics;
  const HclFile file = parse(
      "resource \"x\" \"y\" {\n  a = aws_iam_user.bot.name\n  b = \"serviceAccount:${google_service_account.ci.email}\"\n"
      "  c = \"$${literal}\"\n}\n",
      diagnostics);
  const HclBlock& block = file.blocks.at(0);
  CHECK(block.value("a")->kind == HclExpr::Kind::reference);
  CHECK(block.value("a")->text == "aws_iam_user.bot.name");
  const HclExpr* b = block.value("b");
  CHECK(b->kind == HclExpr::Kind::template_);
  REQUIRE(b->references.size() == 1);
  CHECK(b->references[0] == "google_service_account.ci.email");
  CHECK(block.value("c")->literal() == "${literal}");
}

TEST_CASE("hcl heredoc keeps its body as text") {
  std::vector<Diagnostic> diagnostics;
  const HclFile file = parse("locals {\n  p = <<-EOT\n    {\"a\": \"}\"}\n      x\n    EOT\n  q = 1\n}\n", diagnostics);
  const HclBlock& block = file.blocks.at(0);
  CHECK(block.value("p")->text == "{\"a\": \"}\"}\n  x\n");
  CHECK(block.value("q")->start.line == 6);
}

TEST_CASE("hcl comments of every style are collected") {
  std::vector<Diagnostic> diagnostics;
  const HclFile file = parse("# one\n// two\n/* three */ locals {} # four\n", diagnostics);
  REQUIRE(file.comments.size() == 4);
  CHECK(file.comments[0].own_line);
  CHECK(file.comments[2].own_line);
  CHECK_FALSE(file.comments[3].own_line);
}

TEST_CASE("hcl syntax error keeps later blocks") {
  std::vector<Diagnostic> diagnostics;
  const HclFile file = parse("resource \"a\" \"b\" {\n  x = \n}\nresource \"c\" \"d\" {\n  y = 1\n}\n", diagnostics);
  REQUIRE_FALSE(diagnostics.empty());
  CHECK(diagnostics[0].level == Diagnostic::Level::error);
  bool found = false;
  for (const HclBlock& block : file.blocks) found = found || (block.labels.size() == 2 && block.labels[1] == "d");
  CHECK(found);
}

TEST_CASE("hcl deep nesting stays within limits") {
  std::vector<Diagnostic> diagnostics;
  const std::string deep = "locals {\n  x = " + std::string(3000, '[') + std::string(3000, ']') + "\n}\n";
  const HclFile file = parse(deep, diagnostics);
  CHECK(file.blocks.size() == 1);
}

TEST_CASE("terraform json positions and references") {
  std::vector<Diagnostic> diagnostics;
  const HclFile file = parse(
      "{\n  \"resource\": {\n    \"aws_iam_access_key\": {\n      \"k\": {\n        \"user\": \"${aws_iam_user.u.name}\"\n      }\n    }\n  }\n}\n",
      diagnostics, true);
  CHECK(diagnostics.empty());
  REQUIRE(file.blocks.size() == 1);
  const HclBlock& block = file.blocks[0];
  CHECK(block.type == "resource");
  CHECK(block.labels[0] == "aws_iam_access_key");
  CHECK(block.start.line == 4);
  CHECK(block.end.line == 6);
  CHECK(block.value("user")->kind == HclExpr::Kind::reference);
  CHECK(block.value("user")->text == "aws_iam_user.u.name");
  CHECK(block.value("user")->start.line == 5);
}

TEST_CASE("terraform json errors name the line") {
  std::vector<Diagnostic> diagnostics;
  parse("{\n  \"resource\": {\n    oops\n  }\n}\n", diagnostics, true);
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].line == 3);
}
