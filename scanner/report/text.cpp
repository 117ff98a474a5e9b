// Text output for people: compiler-style lines, a masked excerpt, a summary.
#include <map>

#include "rules/rule.h"
#include "scanner/report/report.h"
#include "scanner/report/snippets.h"
#include "scanner/text.h"

namespace nhiscan {

namespace {

struct Style {
  bool color;
  std::string paint(const std::string& text, const char* code) const {
    return color ? std::string("\x1b[") + code + "m" + text + "\x1b[0m" : text;
  }
};

const char* severity_color(Severity severity) {
  switch (severity) {
    case Severity::critical: return "1;35";
    case Severity::high: return "1;31";
    case Severity::medium: return "1;33";
    case Severity::low: return "1;36";
  }
  return "1";
}

std::string position(const Location& location) {
  // File names are bytes on Linux: one that is not UTF-8 is shown with U+FFFD.
  std::string text = sanitize_utf8(location.file);
  if (location.line) text += ":" + std::to_string(location.line);
  if (location.line && location.column) text += ":" + std::to_string(location.column);
  return text;
}

void excerpt(std::ostream& out, SnippetReader& snippets, const Location& location, const Style& style) {
  const auto line = snippets.line(location.file, location.line);
  if (!line) return;
  const std::string number = std::to_string(location.line);
  out << "  " << style.paint(number, "2") << " | " << sanitize_utf8(*line) << "\n";
  if (location.column > 0) {
    // Put the caret under the column: count display columns as UTF-16 units, which is
    // right for ASCII and close for the rest.
    std::string pad(number.size(), ' ');
    std::string indent;
    uint32_t units = 1;
    for (std::size_t i = 0; i < line->size() && units < location.column;) {
      const auto lead = static_cast<unsigned char>((*line)[i]);
      const std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
      indent += (*line)[i] == '\t' ? '\t' : ' ';
      units += length == 4 ? 2 : 1;
      i += length;
    }
    out << "  " << pad << " | " << indent << style.paint("^", "1;32") << "\n";
  }
}

}  // namespace

void write_text(std::ostream& out, const ScanResult& result, const ReportOptions& options) {
  const Style style{options.color};
  SnippetReader snippets(result);

  std::map<Severity, std::size_t> counts;
  std::size_t suppressed = 0, baselined = 0;
  for (const Finding& finding : result.findings) {
    if (finding.suppression) {
      ++suppressed;
      continue;
    }
    if (finding.baselined) {
      ++baselined;
      continue;
    }
    ++counts[finding.severity];
    out << style.paint(position(finding.location), "1") << ": "
        << style.paint(std::string(to_string(finding.severity)) + "[" + finding.rule_id + "]",
                       severity_color(finding.severity))
        << ": " << sanitize_utf8(finding.message) << " [" << finding.rule_name << "]\n";
    excerpt(out, snippets, finding.location, style);
    for (const RelatedLocation& related : finding.related) {
      out << "  " << style.paint("note", "1;36") << ": " << position(related.location) << ": "
          << sanitize_utf8(related.message) << "\n";
    }
  }

  for (const Diagnostic& diagnostic : result.diagnostics) {
    if (diagnostic.level == Diagnostic::Level::note) continue;
    std::string where = diagnostic.file.empty() ? std::string("nhiscan") : sanitize_utf8(diagnostic.file);
    if (diagnostic.line) where += ":" + std::to_string(diagnostic.line);
    out << style.paint(where, "1") << ": "
        << style.paint(to_string(diagnostic.level), diagnostic.level == Diagnostic::Level::error ? "1;31" : "1;33")
        << ": " << sanitize_utf8(diagnostic.message) << "\n";
  }

  std::size_t total = 0;
  for (const auto& [severity, count] : counts) total += count;
  std::size_t files_read = 0;
  for (const FileSummary& file : result.files) files_read += file.skipped ? 0 : 1;
  out << "\n" << counted(total, "finding", "findings");
  if (total) {
    out << " (";
    bool first = true;
    for (const Severity severity : {Severity::critical, Severity::high, Severity::medium, Severity::low}) {
      if (!counts[severity]) continue;
      out << (first ? "" : ", ") << counts[severity] << " " << to_string(severity);
      first = false;
    }
    out << ")";
  }
  if (suppressed) out << ", " << suppressed << " suppressed";
  if (baselined) out << ", " << baselined << " in baseline";
  std::size_t declared = 0;
  for (const Identity& identity : result.identities) declared += identity.origin == Origin::referenced ? 0 : 1;
  out << "; " << counted(declared, "identity", "identities") << " declared, "
      << (result.identities.size() - declared) << " referenced; " << counted(files_read, "file", "files") << " scanned";
  std::size_t errors = 0;
  for (const Diagnostic& diagnostic : result.diagnostics) errors += diagnostic.level == Diagnostic::Level::error;
  if (errors) out << "; " << counted(errors, "file error", "file errors");
  out << "\n";
}

void write_inventory_text(std::ostream& out, const ScanResult& result, const ReportOptions& options) {
  const Style style{options.color};
  for (const Identity& identity : result.identities) {
    out << style.paint(position(identity.location), "1") << ": " << sanitize_utf8(identity.id) << " (" << to_string(identity.kind)
        << ", " << identity.platform << (identity.origin == Origin::declared ? "" : std::string(", ") + to_string(identity.origin))
        << ")";
    const auto show = [&](const char* name, const std::optional<MetaValue>& value) {
      if (value) out << " " << name << "=" << sanitize_utf8(value->value);
    };
    show("owner", identity.governance.owner);
    show("review-by", identity.governance.review_by);
    show("last-reviewed", identity.governance.last_reviewed);
    show("rotation", identity.governance.rotation);
    show("expires", identity.governance.expires);
    out << "\n";
  }
  out << "\n" << result.identities.size() << " identities\n";
}

}  // namespace nhiscan
