#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "scanner/progress.h"

using namespace nhiscan;
using std::chrono::milliseconds;

namespace {

/// Returns everything written to `file` so far.
std::string contents(std::FILE* file) {
  std::fflush(file);
  std::rewind(file);
  std::string text;
  char buffer[256];
  std::size_t read;
  while ((read = std::fread(buffer, 1, sizeof buffer, file)) > 0) text.append(buffer, read);
  // C requires a seek between reading and the next write.
  std::fseek(file, 0, SEEK_END);
  return text;
}

}  // namespace

TEST_CASE("progress line draws and clears") {
  std::FILE* file = std::tmpfile();
  REQUIRE(file);
  {
    ProgressLine progress(file, milliseconds(0), milliseconds(0));
    progress.update(1, 3);
    CHECK(contents(file) == "\rnhiscan: read 1/3 files");
    progress.update(3, 3);
    CHECK(contents(file) == "\rnhiscan: read 1/3 files\rnhiscan: read 3/3 files");
    progress.clear();
    CHECK(contents(file) == "\rnhiscan: read 1/3 files\rnhiscan: read 3/3 files\r" + std::string(23, ' ') + "\r");
    progress.clear();
  }
  // A second clear and the destructor add nothing.
  CHECK(contents(file).size() == 3 * 24 + 1);
  std::fclose(file);
}

TEST_CASE("progress line waits for the delay") {
  std::FILE* file = std::tmpfile();
  REQUIRE(file);
  {
    ProgressLine progress(file, milliseconds(60000), milliseconds(0));
    progress.update(1, 2);
    progress.update(2, 2);
  }
  CHECK(contents(file).empty());
  std::fclose(file);
}

TEST_CASE("progress line limits redraws to the interval") {
  std::FILE* file = std::tmpfile();
  REQUIRE(file);
  ProgressLine progress(file, milliseconds(0), milliseconds(60000));
  progress.update(1, 10);
  progress.update(2, 10);
  CHECK(contents(file) == "\rnhiscan: read 1/10 files");
  // The last file is drawn within the interval too.
  progress.update(10, 10);
  CHECK(contents(file) == "\rnhiscan: read 1/10 files\rnhiscan: read 10/10 files");
  progress.clear();
  std::fclose(file);
}

TEST_CASE("progress line ignores stale counts") {
  std::FILE* file = std::tmpfile();
  REQUIRE(file);
  ProgressLine progress(file, milliseconds(0), milliseconds(0));
  progress.update(5, 10);
  progress.update(4, 10);
  CHECK(contents(file) == "\rnhiscan: read 5/10 files");
  progress.clear();
  std::fclose(file);
}

TEST_CASE("progress stage replaces the counts") {
  std::FILE* file = std::tmpfile();
  REQUIRE(file);
  ProgressLine progress(file, milliseconds(0), milliseconds(0));
  progress.update(9, 10);
  progress.stage("checking 4 identities");
  CHECK(contents(file) == "\rnhiscan: read 9/10 files\rnhiscan: checking 4 identities");
  // A count that arrives late is not drawn over the stage.
  progress.update(10, 10);
  CHECK(contents(file) == "\rnhiscan: read 9/10 files\rnhiscan: checking 4 identities");
  progress.stage("ok");
  CHECK(contents(file) == "\rnhiscan: read 9/10 files\rnhiscan: checking 4 identities\rnhiscan: ok" +
                              std::string(19, ' '));
  progress.clear();
  std::fclose(file);
}

TEST_CASE("progress stage waits for the delay") {
  std::FILE* file = std::tmpfile();
  REQUIRE(file);
  {
    ProgressLine progress(file, milliseconds(60000), milliseconds(0));
    progress.stage("checking 1 identity");
  }
  CHECK(contents(file).empty());
  std::fclose(file);
}

TEST_CASE("progress line without a stream draws nothing") {
  ProgressLine progress(nullptr, milliseconds(0), milliseconds(0));
  progress.update(1, 1);
  progress.clear();
  CHECK(true);
}
