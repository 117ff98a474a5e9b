// The output writers' string handling: any bytes in paths, messages, identity names
// and attributes must come out as valid UTF-8, as JSON that parses back, and with
// SARIF artifact URIs that contain only unreserved characters and percent escapes.
#include <cstddef>
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "scanner/report/report.h"
#include "scanner/source.h"

namespace {

/// Splits the input at NUL bytes into at least `count` strings.
std::vector<std::string> fields(std::string_view text, std::size_t count) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find('\0', start), text.size());
    out.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  while (out.size() < count) out.emplace_back();
  return out;
}

void check_utf8(const char* format, const std::string& output) {
  if (nhiscan::is_valid_utf8(output)) return;
  std::fprintf(stderr, "invalid UTF-8 in the %s output\n", format);
  std::abort();
}

void check_json(const char* format, const std::string& output) {
  check_utf8(format, output);
  const nlohmann::json parsed = nlohmann::json::parse(output, nullptr, false);
  if (parsed.is_discarded()) {
    std::fprintf(stderr, "the %s output is not JSON\n", format);
    std::abort();
  }
}

void check_uri(const std::string& uri) {
  for (std::size_t i = 0; i < uri.size(); ++i) {
    const char c = uri[i];
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                            c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
    if (unreserved) continue;
    if (c != '%' || i + 2 >= uri.size() + 0 || !std::isxdigit(static_cast<unsigned char>(uri[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(uri[i + 2]))) {
      std::abort();
    }
    i += 2;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace nhiscan;
  const std::vector<std::string> parts = fields(std::string_view(reinterpret_cast<const char*>(data), size), 6);

  const std::string clean = sanitize_utf8(parts[0]);
  if (!is_valid_utf8(clean)) std::abort();
  if (is_valid_utf8(parts[0]) && clean != parts[0]) std::abort();
  check_uri(uri_encode(parts[0]));

  ScanResult result;
  result.root = "/fuzz";
  Identity identity;
  identity.id = "fuzz:" + parts[1];
  identity.name = parts[2];
  identity.platform = "generic";
  identity.location = {parts[0], 1, 1, 0, 0};
  identity.attributes["note"] = parts[3];
  identity.native_metadata.push_back({parts[4], parts[5], identity.location, "annotation"});
  result.identities.push_back(identity);

  Finding finding;
  finding.rule_id = "NHI001";
  finding.rule_name = "missing-owner";
  finding.message = parts[3] + parts[5];
  finding.identity = identity.id;
  finding.location = identity.location;
  finding.related.push_back({{parts[4], 2, 1, 0, 0}, parts[2]});
  finding.fingerprint = "0123456789abcdef";
  result.findings.push_back(finding);
  result.diagnostics.push_back({Diagnostic::Level::warning, parts[0], 3, parts[5]});
  result.files.push_back({parts[0], FileKind::yaml, 1, 1, false});

  const ReportOptions options{false, parts[1]};
  std::ostringstream sarif;
  write_sarif(sarif, result, options);
  check_json("SARIF", sarif.str());
  const nlohmann::json log = nlohmann::json::parse(sarif.str());
  for (const auto& run : log["runs"]) {
    for (const auto& sarif_result : run["results"]) {
      for (const auto& location : sarif_result["locations"]) {
        check_uri(location["physicalLocation"]["artifactLocation"]["uri"].get<std::string>());
      }
    }
  }

  std::ostringstream json;
  write_json(json, result, options);
  check_json("JSON", json.str());

  std::ostringstream text, github, markdown, csv, inventory, inventory_text;
  write_text(text, result, options);
  write_github(github, result);
  write_markdown(markdown, result);
  write_inventory_csv(csv, result);
  write_inventory_markdown(inventory, result);
  write_inventory_text(inventory_text, result, options);
  check_utf8("text", text.str());
  check_utf8("GitHub annotation", github.str());
  check_utf8("Markdown summary", markdown.str());
  check_utf8("inventory CSV", csv.str());
  check_utf8("inventory Markdown", inventory.str());
  check_utf8("inventory text", inventory_text.str());
  return 0;
}
