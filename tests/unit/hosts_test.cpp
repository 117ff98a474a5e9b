// Output for CI hosts: GitHub workflow commands and the Markdown summary. The
// escaping is the one that GitHub's own toolkit writes (actions/toolkit,
// packages/core/src/command.ts): the message encodes %, CR and LF, and properties
// also encode ':' and ','.
#include <doctest/doctest.h>

#include <sstream>
#include <string>

#include "scanner/report/report.h"

using namespace nhiscan;

namespace {

Finding make_finding(const std::string& file, uint32_t line, Severity severity, const std::string& message) {
  Finding finding;
  finding.rule_id = "NHI001";
  finding.rule_name = "missing-owner";
  finding.severity = severity;
  finding.message = message;
  finding.location.file = file;
  finding.location.line = line;
  return finding;
}

std::string github(const ScanResult& result) {
  std::ostringstream out;
  write_github(out, result);
  return out.str();
}

std::string markdown(const ScanResult& result) {
  std::ostringstream out;
  write_markdown(out, result);
  return out.str();
}

}  // namespace

TEST_CASE("github annotation has file, line, column and title") {
  ScanResult result;
  Finding finding = make_finding("infra/iam.tf", 12, Severity::high, "key has no owner");
  finding.location.column = 3;
  finding.location.end_line = 14;
  result.findings.push_back(finding);
  CHECK(github(result) ==
        "::error file=infra/iam.tf,line=12,col=3,endLine=14,title=NHI001 missing-owner::key has no owner\n");
}

TEST_CASE("github annotation command follows severity") {
  ScanResult result;
  result.findings.push_back(make_finding("a.tf", 1, Severity::critical, "c"));
  result.findings.push_back(make_finding("a.tf", 2, Severity::high, "h"));
  result.findings.push_back(make_finding("a.tf", 3, Severity::medium, "m"));
  result.findings.push_back(make_finding("a.tf", 4, Severity::low, "l"));
  std::istringstream lines(github(result));
  std::string line;
  std::getline(lines, line);
  CHECK(line.rfind("::error file=a.tf,line=1,", 0) == 0);
  std::getline(lines, line);
  CHECK(line.rfind("::error file=a.tf,line=2,", 0) == 0);
  std::getline(lines, line);
  CHECK(line.rfind("::warning file=a.tf,line=3,", 0) == 0);
  std::getline(lines, line);
  CHECK(line.rfind("::notice file=a.tf,line=4,", 0) == 0);
}

TEST_CASE("github annotation message escapes percent, CR and LF") {
  ScanResult result;
  result.findings.push_back(make_finding("a.tf", 1, Severity::high, "100% sure\r\nsecond: line, with comma"));
  const std::string output = github(result);
  // ':' and ',' stay in the message: the runner decodes only %25, %0D and %0A there.
  CHECK(output.find("::100%25 sure%0D%0Asecond: line, with comma\n") != std::string::npos);
  CHECK(output.find('\r') == std::string::npos);
  CHECK(output.find('\n') == output.size() - 1);
}

TEST_CASE("github annotation properties escape colon and comma") {
  ScanResult result;
  Finding finding = make_finding("dir,a:b/50%\nx.tf", 7, Severity::medium, "m");
  finding.rule_name = "name:with,marks";
  result.findings.push_back(finding);
  const std::string output = github(result);
  CHECK(output.find("file=dir%2Ca%3Ab/50%25%0Ax.tf,line=7,") != std::string::npos);
  CHECK(output.find("title=NHI001 name%3Awith%2Cmarks::m\n") != std::string::npos);
}

TEST_CASE("github annotation keeps spaces in file paths") {
  ScanResult result;
  result.findings.push_back(make_finding("infra/data exports/key file.tf", 1, Severity::low, "m"));
  CHECK(github(result).find("file=infra/data exports/key file.tf,line=1,") != std::string::npos);
}

TEST_CASE("github annotations skip suppressed and baselined findings") {
  ScanResult result;
  Finding suppressed = make_finding("a.tf", 1, Severity::high, "suppressed");
  suppressed.suppression = Suppression{"inSource", "accepted", "", "", {}};
  Finding baselined = make_finding("a.tf", 2, Severity::high, "baselined");
  baselined.baselined = true;
  result.findings.push_back(suppressed);
  result.findings.push_back(baselined);
  CHECK(github(result).empty());
}

TEST_CASE("github annotations for diagnostics") {
  ScanResult result;
  result.diagnostics.push_back({Diagnostic::Level::error, "broken,file.tf", 3, "invalid HCL: 50%"});
  result.diagnostics.push_back({Diagnostic::Level::warning, "", 0, "no git repository"});
  result.diagnostics.push_back({Diagnostic::Level::note, "a.tf", 1, "notes are not annotated"});
  CHECK(github(result) ==
        "::error file=broken%2Cfile.tf,line=3,title=nhiscan::invalid HCL: 50%25\n"
        "::warning::no git repository\n");
}

TEST_CASE("markdown summary counts open findings by severity") {
  ScanResult result;
  result.findings.push_back(make_finding("a.tf", 1, Severity::high, "h"));
  result.findings.push_back(make_finding("a.tf", 2, Severity::low, "l1"));
  result.findings.push_back(make_finding("a.tf", 3, Severity::low, "l2"));
  Finding baselined = make_finding("a.tf", 4, Severity::critical, "b");
  baselined.baselined = true;
  result.findings.push_back(baselined);
  const std::string output = markdown(result);
  CHECK(output.rfind("## nhiscan: non-human identity governance\n", 0) == 0);
  CHECK(output.find("**3 open findings**: 1 high, 2 low. 1 in the baseline.") != std::string::npos);
  CHECK(output.find("| high | NHI001 missing-owner | `a.tf:1` | h |") != std::string::npos);
}

TEST_CASE("markdown summary without findings") {
  ScanResult result;
  const std::string output = markdown(result);
  CHECK(output.find("No open findings.") != std::string::npos);
  CHECK(output.find("| severity |") == std::string::npos);
}

TEST_CASE("markdown table cells escape pipes and line breaks") {
  ScanResult result;
  result.findings.push_back(make_finding("odd|`name`.tf", 9, Severity::medium, "first | second\r\nthird"));
  const std::string output = markdown(result);
  CHECK(output.find("| medium | NHI001 missing-owner | `odd\\|'name'.tf:9` | first \\| second third |\n") !=
        std::string::npos);
  CHECK(output.find('\r') == std::string::npos);
}

TEST_CASE("markdown summary shows the 25 worst findings") {
  ScanResult result;
  for (uint32_t line = 1; line <= 30; ++line) {
    result.findings.push_back(make_finding("a.tf", line, line == 30 ? Severity::critical : Severity::low, "m"));
  }
  const std::string output = markdown(result);
  // The critical finding comes first although it is last in file order.
  CHECK(output.find("| critical |") < output.find("| low |"));
  CHECK(output.find("_5 more findings are in the full report._") != std::string::npos);
}
