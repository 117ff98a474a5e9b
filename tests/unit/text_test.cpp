#include <doctest/doctest.h>

#include "scanner/text.h"

using namespace nhiscan;

TEST_CASE("glob_match stars and directories") {
  CHECK(glob_match("*.tf", "main.tf"));
  CHECK_FALSE(glob_match("*.tf", "dir/main.tf"));
  CHECK(glob_match("**/*.tf", "dir/sub/main.tf"));
  CHECK(glob_match("**/*.tf", "main.tf"));
  CHECK(glob_match("examples/**", "examples/a/b.yaml"));
  CHECK(glob_match("github-actions:secret/AWS_*", "github-actions:secret/AWS_KEY"));
  CHECK(glob_match("a?c", "abc"));
  CHECK_FALSE(glob_match("a?c", "a/c"));
}

TEST_CASE("glob_match has no exponential backtracking") {
  const std::string text(200, 'a');
  CHECK_FALSE(glob_match("*a*a*a*a*a*a*a*a*a*a*a*a*b", text));
}

TEST_CASE("mask_secret shows at most four characters") {
  CHECK(mask_secret("AKIAFAKEFAKEFAKE0001") == "AKIA****");
  CHECK(mask_secret("short123") == "sh****");
  CHECK(mask_secret("abc") == "****");
}

TEST_CASE("stable_hash is fixed across runs") {
  CHECK(stable_hash("") == "cbf29ce484222325");
  CHECK(stable_hash("a") == "af63dc4c8601ec8c");
}
