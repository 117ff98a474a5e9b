#include <doctest/doctest.h>

#include "scanner/comments.h"

using namespace nhiscan;

TEST_CASE("yaml comments skip block scalars and quoted strings") {
  const SourceText source("w.yml",
                          "# top\n"
                          "a: \"x # not\" # yes\n"
                          "run: |\n"
                          "  # shell\n"
                          "  echo\n"
                          "# after\n"
                          "b: 'it''s # not'\n"
                          "url: http://x#frag\n");
  const std::vector<Comment> comments = yaml_comments(source);
  REQUIRE(comments.size() == 3);
  CHECK(comments[0].line == 1);
  CHECK(comments[0].own_line);
  CHECK(comments[0].body == "top");
  CHECK(comments[1].line == 2);
  CHECK_FALSE(comments[1].own_line);
  CHECK(comments[1].body == "yes");
  CHECK(comments[2].line == 6);
}

TEST_CASE("yaml comments inside sequence block scalars") {
  const SourceText source("w.yml", "steps:\n  - run: |\n      # shell\n  - name: x # real\n");
  const std::vector<Comment> comments = yaml_comments(source);
  REQUIRE(comments.size() == 1);
  CHECK(comments[0].line == 4);
}

TEST_CASE("comment scope: next or enclosing") {
  const SourceText source("main.tf", "# nhiscan:ignore NHI004\n\nresource \"a\" \"b\" {\n  x = 1 # trailing\n}\n");
  std::vector<Comment> comments = {{1, 1, 1, true, "nhiscan:ignore NHI004"}, {4, 9, 4, false, "trailing"}};
  const CommentIndex index(source, comments, {{3, 5}});
  CHECK(index.target_line(index.comments()[0]) == 3);
  CHECK(index.scope(index.comments()[0]).start == 3);
  CHECK(index.scope(index.comments()[0]).end == 5);
  CHECK(index.scope(index.comments()[1]).start == 3);
  CHECK(index.scope(index.comments()[1]).end == 5);
}

TEST_CASE("comments_for: adjacent and first line") {
  const SourceText source("f.tf", "# far\n\n# near\nresource \"a\" \"b\" {\n  # inside\n  x = 1\n  # later\n}\n");
  std::vector<Comment> comments = {{1, 1, 1, true, "far"}, {3, 1, 3, true, "near"}, {5, 3, 5, true, "inside"},
                                   {7, 3, 7, true, "later"}};
  const CommentIndex index(source, comments, {{4, 8}});
  const auto bound = index.comments_for(4, 8);
  REQUIRE(bound.size() == 2);
  CHECK(bound[0]->body == "near");
  CHECK(bound[1]->body == "inside");
}
