// Output for CI hosts: GitHub workflow-command annotations and a Markdown summary
// for pull requests and job summaries.
#include <algorithm>
#include <map>

#include "rules/rule.h"
#include "scanner/governance.h"
#include "scanner/report/report.h"
#include "scanner/text.h"

namespace nhiscan {

namespace {

/// Workflow-command data: %, CR and LF are percent-encoded.
std::string escape_data(const std::string& text) {
  return replace_all(replace_all(replace_all(sanitize_utf8(text), "%", "%25"), "\r", "%0D"), "\n", "%0A");
}

/// Workflow-command properties also encode ':' and ','.
std::string escape_property(const std::string& text) {
  return replace_all(replace_all(escape_data(text), ":", "%3A"), ",", "%2C");
}

const char* command_for(Severity severity) {
  switch (severity) {
    case Severity::critical:
    case Severity::high: return "error";
    case Severity::medium: return "warning";
    case Severity::low: return "notice";
  }
  return "warning";
}

/// Markdown table cell text: a pipe would end the cell and a line break the row, so
/// pipes are escaped and CR, LF and CRLF become one space each.
std::string cell(const std::string& text) {
  std::string line = replace_all(replace_all(sanitize_utf8(text), "\r\n", " "), "\r", " ");
  return replace_all(replace_all(line, "|", "\\|"), "\n", " ");
}

}  // namespace

void write_github(std::ostream& out, const ScanResult& result) {
  for (const Finding& finding : result.findings) {
    if (finding.suppression || finding.baselined) continue;
    out << "::" << command_for(finding.severity) << " file=" << escape_property(finding.location.file)
        << ",line=" << finding.location.line;
    if (finding.location.column) out << ",col=" << finding.location.column;
    if (finding.location.end_line > finding.location.line) out << ",endLine=" << finding.location.end_line;
    out << ",title=" << escape_property(finding.rule_id + " " + finding.rule_name) << "::" << escape_data(finding.message)
        << "\n";
  }
  for (const Diagnostic& diagnostic : result.diagnostics) {
    if (diagnostic.level == Diagnostic::Level::note) continue;
    out << "::" << (diagnostic.level == Diagnostic::Level::error ? "error" : "warning");
    if (!diagnostic.file.empty()) {
      out << " file=" << escape_property(diagnostic.file);
      if (diagnostic.line) out << ",line=" << diagnostic.line;
      out << ",title=nhiscan";
    }
    out << "::" << escape_data(diagnostic.message) << "\n";
  }
}

void write_markdown(std::ostream& out, const ScanResult& result) {
  std::map<Severity, std::size_t> counts;
  std::size_t suppressed = 0, baselined = 0;
  std::vector<const Finding*> open;
  for (const Finding& finding : result.findings) {
    if (finding.baselined) {
      ++baselined;
    } else if (finding.suppression) {
      ++suppressed;
    } else {
      ++counts[finding.severity];
      open.push_back(&finding);
    }
  }
  std::stable_sort(open.begin(), open.end(), [](const Finding* a, const Finding* b) { return a->severity > b->severity; });

  std::size_t governed = 0, owned = 0, reviewed = 0;
  for (const Identity& identity : result.identities) {
    if (!is_governed(identity)) continue;
    ++governed;
    if (identity.governance.owner && owner_problem(identity.governance.owner->value).empty()) ++owned;
    if (identity.governance.review_by || identity.governance.last_reviewed) ++reviewed;
  }
  const auto percent = [](std::size_t part, std::size_t whole) {
    return whole ? std::to_string(part * 100 / whole) + "%" : std::string("–");
  };

  out << "## nhiscan: non-human identity governance\n\n";
  if (open.empty()) {
    out << "No open findings.";
  } else {
    out << "**" << counted(open.size(), "open finding", "open findings") << "**:";
    bool first = true;
    for (const Severity severity : {Severity::critical, Severity::high, Severity::medium, Severity::low}) {
      if (!counts[severity]) continue;
      out << (first ? " " : ", ") << counts[severity] << " " << to_string(severity);
      first = false;
    }
    out << ".";
  }
  if (suppressed) out << " " << suppressed << " suppressed by exceptions.";
  if (baselined) out << " " << baselined << " in the baseline.";
  out << "\n\n";

  out << "| ownership coverage | |\n|---|---|\n";
  out << "| governed identities | " << governed << " |\n";
  out << "| with an owner | " << owned << " (" << percent(owned, governed) << ") |\n";
  out << "| with a review date | " << reviewed << " (" << percent(reviewed, governed) << ") |\n\n";

  if (!open.empty()) {
    constexpr std::size_t kShown = 25;
    out << "| severity | rule | where | finding |\n|---|---|---|---|\n";
    for (std::size_t i = 0; i < open.size() && i < kShown; ++i) {
      const Finding& finding = *open[i];
      out << "| " << to_string(finding.severity) << " | " << finding.rule_id << " " << finding.rule_name << " | `"
          << replace_all(cell(finding.location.file), "`", "'") << ":" << finding.location.line << "` | "
          << cell(finding.message) << " |\n";
    }
    if (open.size() > kShown) out << "\n_" << (open.size() - kShown) << " more findings are in the full report._\n";
    out << "\n";
  }
  std::size_t errors = 0;
  for (const Diagnostic& diagnostic : result.diagnostics) errors += diagnostic.level == Diagnostic::Level::error;
  if (errors) out << counted(errors, "file", "files") << " could not be read; see the full report.\n";
}

}  // namespace nhiscan
