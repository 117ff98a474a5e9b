// SARIF 2.1.0 for code-scanning platforms.
#include <nlohmann/json.hpp>

#include "rules/rule.h"
#include "scanner/report/json_stream.h"
#include "scanner/report/report.h"
#include "scanner/text.h"

namespace nhiscan {

namespace {

using Json = nlohmann::ordered_json;

Json physical_location(const Location& location) {
  Json physical;
  physical["artifactLocation"] = {{"uri", uri_encode(location.file)}, {"uriBaseId", "%SRCROOT%"}};
  if (location.line) {
    Json region;
    region["startLine"] = location.line;
    if (location.column) region["startColumn"] = location.column;
    if (location.end_line && location.end_line >= location.line) {
      region["endLine"] = location.end_line;
      if (location.end_column && (location.end_line > location.line || location.end_column > location.column)) {
        region["endColumn"] = location.end_column;
      }
    }
    physical["region"] = region;
  }
  return physical;
}

Json rule_descriptor(const Rule& rule) {
  const RuleInfo& info = rule.info();
  const std::string& document = rule_document(info);
  // The first paragraph after the title is the full description.
  std::string full = info.summary;
  const std::size_t heading = document.find("\n\n");
  if (heading != std::string::npos) {
    const std::size_t end = document.find("\n\n", heading + 2);
    full = std::string(trim(document.substr(heading + 2, end == std::string::npos ? std::string::npos : end - heading - 2)));
  }
  Json descriptor;
  descriptor["id"] = info.id;
  descriptor["name"] = info.name;
  descriptor["shortDescription"] = {{"text", info.summary}};
  descriptor["fullDescription"] = {{"text", full}};
  descriptor["help"] = {{"text", document}, {"markdown", document}};
  descriptor["helpUri"] = rule_help_uri(info);
  descriptor["defaultConfiguration"] = {{"level", sarif_level(info.severity)}};
  descriptor["properties"] = {
      {"tags", Json::array({"security", info.category, std::string("owasp-nhi:") + info.owasp})},
      {"precision", "high"},
      {"security-severity", security_severity(info.severity)}};
  return descriptor;
}

}  // namespace

std::string uri_encode(const std::string& path) {
  static const char* const kHex = "0123456789ABCDEF";
  std::string out;
  for (const char c : path) {
    const auto byte = static_cast<unsigned char>(c);
    const bool unreserved = (byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') || (byte >= '0' && byte <= '9') ||
                            byte == '-' || byte == '.' || byte == '_' || byte == '~' || byte == '/';
    if (unreserved) {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0F];
    }
  }
  return out;
}

void write_sarif(std::ostream& out, const ScanResult& result, const ReportOptions& options) {
  Json driver;
  driver["name"] = "nhiscan";
  driver["version"] = NHISCAN_VERSION;
  driver["semanticVersion"] = NHISCAN_VERSION;
  driver["informationUri"] = "https://github.com/nhiscan/nhiscan";
  Json rules = Json::array();
  std::map<std::string, std::size_t> rule_index;
  for (const auto& rule : rule_catalogue()) {
    rule_index[rule->info().id] = rules.size();
    rules.push_back(rule_descriptor(*rule));
  }
  driver["rules"] = rules;

  // A result of the SARIF log, built on demand while the log is written.
  const auto result_json = [&](const Finding& finding) {
    Json item;
    item["ruleId"] = finding.rule_id;
    if (const auto found = rule_index.find(finding.rule_id); found != rule_index.end()) item["ruleIndex"] = found->second;
    item["level"] = sarif_level(finding.severity);
    item["message"] = {{"text", finding.message}};
    item["locations"] = Json::array({{{"physicalLocation", physical_location(finding.location)}}});
    if (!finding.related.empty()) {
      Json related = Json::array();
      int id = 1;
      for (const RelatedLocation& location : finding.related) {
        if (!location.location.valid()) continue;
        related.push_back({{"id", id++}, {"physicalLocation", physical_location(location.location)},
                           {"message", {{"text", location.message}}}});
      }
      if (!related.empty()) item["relatedLocations"] = related;
    }
    item["partialFingerprints"] = {{"nhiscan/v1", finding.fingerprint}};
    if (finding.suppression || finding.baselined) {
      Json suppression;
      suppression["kind"] = finding.suppression ? finding.suppression->kind : "external";
      suppression["status"] = "accepted";
      std::string justification = finding.suppression ? finding.suppression->justification : "in baseline";
      if (finding.suppression && !finding.suppression->until.empty()) justification += " (until " + finding.suppression->until + ")";
      if (finding.suppression && !finding.suppression->approver.empty()) justification += " (approved by " + finding.suppression->approver + ")";
      if (!justification.empty()) suppression["justification"] = justification;
      if (finding.suppression && finding.suppression->location.valid()) {
        suppression["location"] = {{"physicalLocation", physical_location(finding.suppression->location)}};
      }
      item["suppressions"] = Json::array({suppression});
    }
    if (finding.baselined) item["baselineState"] = "unchanged";
    Json properties;
    properties["severity"] = to_string(finding.severity);
    if (!finding.identity.empty()) properties["identity"] = finding.identity;
    item["properties"] = properties;
    return item;
  };

  Json notifications = Json::array();
  for (const Diagnostic& diagnostic : result.diagnostics) {
    if (diagnostic.level == Diagnostic::Level::note) continue;
    Json notification;
    notification["level"] = to_string(diagnostic.level);
    notification["message"] = {{"text", diagnostic.message}};
    if (!diagnostic.file.empty()) {
      Location location{diagnostic.file, diagnostic.line, 0, 0, 0};
      notification["locations"] = Json::array({{{"physicalLocation", physical_location(location)}}});
    }
    notifications.push_back(notification);
  }

  Json run;
  run["tool"] = {{"driver", driver}};
  if (!options.category.empty()) run["automationDetails"] = {{"id", options.category + "/"}};
  Json invocation;
  invocation["executionSuccessful"] = true;
  if (!notifications.empty()) invocation["toolExecutionNotifications"] = notifications;
  run["invocations"] = Json::array({invocation});
  run["columnKind"] = "utf16CodeUnits";
  run["results"] = Json::array();

  Json log;
  log["$schema"] = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
  log["version"] = "2.1.0";
  log["runs"] = Json::array({run});
  // The results are streamed into the place of the empty array: "results" is the last
  // key of the only run, and a key is the only place where the text `"results": []`
  // can occur, because dump() escapes every quote inside strings.
  const std::string text = log.dump(2, ' ', false, Json::error_handler_t::replace);
  const std::string placeholder = "\"results\": []";
  const std::size_t at = text.rfind(placeholder);
  out.write(text.data(), static_cast<std::streamsize>(at));
  write_array_member<Json>(out, "results", 3, [&](const auto& emit) {
    for (const Finding& finding : result.findings) emit(result_json(finding));
  });
  out << text.substr(at + placeholder.size()) << "\n";
}

}  // namespace nhiscan
