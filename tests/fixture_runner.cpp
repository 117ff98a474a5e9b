// Runs nhiscan over one fixture directory and compares its findings with the
// expectations written in the fixture:
//
//   - inline, in a comment on the triggering line:   # expect: NHI001, NHI004
//     or on the line before a line that cannot carry a comment: # expect-next-line: NHI002
//     suppressed findings:                            # expect-suppressed: NHI004
//   - in `expected-findings.txt`, for inputs that must stay byte-exact:
//       main.tf:38 NHI002
//       main.tf:10 NHI004 suppressed
//   - fixture settings in `fixture.conf` (key = value per line):
//       now = 2025-06-01            the date the scan judges against (default 2026-06-01)
//       ignore = NHI006             rules left out of the comparison (space separated)
//       exit-diagnostic = warning   every diagnostic line "file:line level message-part"
//                                   listed in expected-diagnostics.txt must occur
//
// Exit status 0 when findings match exactly, 1 otherwise (with a diff).
#include <boost/filesystem.hpp>

#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "scanner/engine.h"
#include "scanner/text.h"

namespace fs = boost::filesystem;
using namespace nhiscan;

namespace {

struct Expected {
  std::string file;
  uint32_t line;
  std::string rule;
  bool suppressed;
  bool operator<(const Expected& other) const {
    return std::tie(file, line, rule, suppressed) < std::tie(other.file, other.line, other.rule, other.suppressed);
  }
};

std::string describe(const Expected& e) {
  return e.file + ":" + std::to_string(e.line) + " " + e.rule + (e.suppressed ? " suppressed" : "");
}

std::map<std::string, std::string> read_config(const fs::path& directory) {
  std::map<std::string, std::string> config;
  std::ifstream input((directory / "fixture.conf").string());
  std::string line;
  while (std::getline(input, line)) {
    const std::size_t equals = line.find('=');
    if (line.empty() || line[0] == '#' || equals == std::string::npos) continue;
    config[std::string(trim(line.substr(0, equals)))] = std::string(trim(line.substr(equals + 1)));
  }
  return config;
}

void read_inline(const fs::path& directory, std::set<Expected>& expected) {
  static const std::regex kExpect(R"((#|//)\s*expect(-next-line|-suppressed)?:\s*([A-Za-z0-9, ]+))");
  for (fs::recursive_directory_iterator it(directory), end; it != end; ++it) {
    if (!fs::is_regular_file(it->status())) continue;
    const std::string relative = fs::relative(it->path(), directory).generic_string();
    if (relative == "expected-findings.txt" || relative == "fixture.conf" || relative == "expected-diagnostics.txt") {
      continue;
    }
    std::ifstream input(it->path().string(), std::ios::binary);
    std::string line;
    uint32_t number = 0;
    while (std::getline(input, line)) {
      ++number;
      std::smatch match;
      if (!std::regex_search(line, match, kExpect)) continue;
      const bool next_line = match[2].str() == "-next-line";
      const bool suppressed = match[2].str() == "-suppressed";
      const std::string rules = match[3].str();  // split() returns views into it
      for (std::string_view rule : split(rules, ',')) {
        const std::string_view name = trim(rule);
        if (!name.empty()) expected.insert({relative, next_line ? number + 1 : number, std::string(name), suppressed});
      }
    }
  }
}

void read_sidecar(const fs::path& directory, std::set<Expected>& expected) {
  std::ifstream input((directory / "expected-findings.txt").string());
  std::string line;
  while (std::getline(input, line)) {
    const std::string_view text = trim(line);
    if (text.empty() || text[0] == '#') continue;
    std::istringstream fields{std::string(text)};
    std::string where, rule, flag;
    fields >> where >> rule >> flag;
    const std::size_t colon = where.rfind(':');
    if (colon == std::string::npos) {
      std::cerr << "expected-findings.txt: cannot read line: " << line << "\n";
      std::exit(2);
    }
    expected.insert({where.substr(0, colon), static_cast<uint32_t>(std::stoul(where.substr(colon + 1))), rule,
                     flag == "suppressed"});
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: fixture_runner FIXTURE_DIRECTORY\n";
    return 2;
  }
  const fs::path directory = fs::canonical(argv[1]);
  const auto config = read_config(directory);

  std::set<Expected> expected;
  read_inline(directory, expected);
  read_sidecar(directory, expected);

  std::set<std::string> ignored;
  if (const auto found = config.find("ignore"); found != config.end()) {
    std::istringstream words(found->second);
    std::string word;
    while (words >> word) ignored.insert(word);
  }

  ScanOptions options;
  options.paths = {directory.string()};
  options.root = directory.string();
  options.today = *Date::parse(config.count("now") ? config.at("now") : "2026-06-01");
  options.jobs = 2;
  if (const auto found = config.find("max-review-age-days"); found != config.end()) {
    options.settings.max_review_age_days = std::stoll(found->second);
  }
  const ScanResult result = run_scan(options);

  std::set<Expected> actual;
  for (const Finding& finding : result.findings) {
    if (ignored.count(finding.rule_id)) continue;
    actual.insert({finding.location.file, finding.location.line, finding.rule_id, finding.suppression.has_value()});
  }
  std::set<Expected> wanted;
  for (const Expected& item : expected) {
    if (!ignored.count(item.rule)) wanted.insert(item);
  }

  int status = 0;
  for (const Expected& item : wanted) {
    if (!actual.count(item)) {
      std::cout << "missing:    " << describe(item) << "\n";
      status = 1;
    }
  }
  for (const Expected& item : actual) {
    if (!wanted.count(item)) {
      std::cout << "unexpected: " << describe(item) << "\n";
      for (const Finding& finding : result.findings) {
        if (finding.location.file == item.file && finding.location.line == item.line && finding.rule_id == item.rule) {
          std::cout << "            " << finding.message << "\n";
        }
      }
      status = 1;
    }
  }

  // Diagnostics that must occur: "file:line level text" (text is a substring).
  std::ifstream diagnostics_file((directory / "expected-diagnostics.txt").string());
  std::string line;
  while (std::getline(diagnostics_file, line)) {
    const std::string_view text = trim(line);
    if (text.empty() || text[0] == '#') continue;
    std::istringstream fields{std::string(text)};
    std::string where, level;
    fields >> where >> level;
    std::string message;
    std::getline(fields, message);
    message = std::string(trim(message));
    const std::size_t colon = where.rfind(':');
    const std::string file = where.substr(0, colon);
    const uint32_t number = colon == std::string::npos ? 0 : static_cast<uint32_t>(std::stoul(where.substr(colon + 1)));
    bool found = false;
    for (const Diagnostic& diagnostic : result.diagnostics) {
      found = found || (diagnostic.file == file && diagnostic.line == number && level == to_string(diagnostic.level) &&
                        contains(diagnostic.message, message));
    }
    if (!found) {
      std::cout << "missing diagnostic: " << text << "\n";
      status = 1;
    }
  }

  if (status) {
    std::cout << "\nall diagnostics:\n";
    for (const Diagnostic& diagnostic : result.diagnostics) {
      std::cout << "  " << diagnostic.file << ":" << diagnostic.line << " " << to_string(diagnostic.level) << " "
                << diagnostic.message << "\n";
    }
  } else {
    std::cout << wanted.size() << " expected findings matched in " << directory.filename().string() << "\n";
  }
  return status;
}
