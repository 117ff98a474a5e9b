// Output formats. Reporters only format: severity, order and suppression are decided
// before they run.
#pragma once

#include <ostream>
#include <string>

#include "scanner/engine.h"

namespace nhiscan {

struct ReportOptions {
  bool color = false;
  std::string category;  // SARIF automationDetails, so that several runs do not overwrite each other
};

void write_text(std::ostream& out, const ScanResult& result, const ReportOptions& options);
void write_sarif(std::ostream& out, const ScanResult& result, const ReportOptions& options);
void write_json(std::ostream& out, const ScanResult& result, const ReportOptions& options);

/// GitHub workflow commands (`::error file=...,line=...::message`), escaped as the
/// runner requires, for annotations on pull requests.
void write_github(std::ostream& out, const ScanResult& result);
/// A Markdown summary for pull requests and job summaries: counts, ownership coverage,
/// the worst open findings.
void write_markdown(std::ostream& out, const ScanResult& result);

/// The identity inventory alone, as text (one line per identity).
void write_inventory_text(std::ostream& out, const ScanResult& result, const ReportOptions& options);
/// The identity inventory as CSV, one row per identity.
void write_inventory_csv(std::ostream& out, const ScanResult& result);
/// The identity inventory as Markdown: coverage, Mermaid graphs of connected identities,
/// and a table of every identity.
void write_inventory_markdown(std::ostream& out, const ScanResult& result);

/// Percent-encode a relative path for a URI: unreserved characters and '/' stay.
std::string uri_encode(const std::string& path);

}  // namespace nhiscan
