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

/// The identity inventory alone, as text (one line per identity).
void write_inventory_text(std::ostream& out, const ScanResult& result, const ReportOptions& options);

/// Percent-encode a relative path for a URI: unreserved characters and '/' stay.
std::string uri_encode(const std::string& path);

}  // namespace nhiscan
