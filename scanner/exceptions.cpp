#include "scanner/exceptions.h"

#include <algorithm>
#include <sstream>

#include "scanner/text.h"
#include "scanner/toml_file.h"

namespace nhiscan {

namespace {

/// A baseline or configuration identity matches with or without its platform prefix
/// ("aws_iam_access_key.ci" matches "terraform:aws_iam_access_key.ci"), or as a glob.
bool identity_matches(const std::string& pattern, const std::string& id) {
  if (pattern.empty()) return true;
  if (pattern == id) return true;
  const std::size_t colon = id.find(':');
  if (colon != std::string::npos && pattern == id.substr(colon + 1)) return true;
  return pattern.find_first_of("*?") != std::string::npos && glob_match(pattern, id);
}

std::string quote(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out + "\"";
}

ExceptionRecord record_for(const std::vector<std::string>& rules, const std::string& until, const std::string& reason,
                           const std::string& approver, const Location& location, const ExceptionPolicy& policy,
                           const Date& today) {
  ExceptionRecord record;
  record.rules = rules;
  record.until = until;
  record.reason = reason;
  record.approver = approver;
  record.location = location;
  const auto date = Date::parse(until);
  record.expired = date && *date < today;
  std::vector<std::string> missing;
  if (policy.require_until && until.empty()) missing.push_back("until");
  if (policy.require_reason && trim(reason).empty()) missing.push_back("reason");
  if (policy.require_approver && trim(approver).empty()) missing.push_back("approver");
  record.required_fields_missing = !missing.empty();
  record.missing = join(missing, ", ");
  return record;
}

void suppress(Finding& finding, const std::string& kind, const ExceptionRecord& record) {
  Suppression suppression;
  suppression.kind = kind;
  suppression.justification = record.reason;
  suppression.until = record.until;
  suppression.approver = record.approver;
  suppression.location = record.location;
  finding.suppression = suppression;
}

}  // namespace

std::optional<Baseline> load_baseline(const std::string& absolute_path, const std::string& relative_path,
                                      std::vector<Diagnostic>& errors) {
  const auto parsed = parse_toml_file(absolute_path, relative_path, errors);
  if (!parsed) return std::nullopt;
  const toml::table& table = *parsed;
  const std::size_t errors_before = errors.size();
  const auto error = [&](uint32_t line, const std::string& message) {
    errors.push_back({Diagnostic::Level::error, relative_path, line, message});
  };
  check_versioned_list(table, "finding", relative_path, errors);

  Baseline baseline;
  baseline.path = relative_path;
  const toml::node* findings = table.get("finding");
  if (findings && findings->as_array()) {
    for (const toml::node& item : *findings->as_array()) {
      const toml::table* entry_table = item.as_table();
      if (!entry_table) {
        error(toml_line(item), "each [[finding]] must be a table");
        continue;
      }
      BaselineEntry entry;
      entry.location = {relative_path, toml_line(item), 1, 0, 0};
      for (const auto& [key, value] : *entry_table) {
        const std::string name(key.str());
        const auto written = toml_text_or_date(value);
        if (!written) {
          error(toml_line(value), "'" + name + "' must be a string");
          continue;
        }
        const std::string& text = *written;
        if (name == "fingerprint") {
          entry.fingerprint = text;
        } else if (name == "rule") {
          const Rule* rule = find_rule(text);
          if (!rule) {
            error(toml_line(value), "unknown rule '" + text + "' (see `nhiscan rules`)");
            continue;
          }
          entry.rule = rule->info().id;
        } else if (name == "identity") {
          entry.identity = text;
        } else if (name == "file") {
          entry.file = text;
        } else if (name == "reason") {
          entry.reason = text;
        } else if (name == "until" || name == "expires") {
          if (!Date::parse(text)) {
            error(toml_line(value), "'" + name + "' must be a date (YYYY-MM-DD)");
            continue;
          }
          entry.until = text;
        } else if (name == "message") {
          // Informational: written by --write-baseline for people who read the file.
        } else {
          error(toml_line(value), "unknown key '" + name +
                                    "' in [[finding]] (expected fingerprint, rule, identity, file, reason, until, message)");
        }
      }
      if (entry.fingerprint.empty() && entry.rule.empty()) {
        error(entry.location.line, "[[finding]] needs a fingerprint, or a rule with an identity or file");
        continue;
      }
      baseline.entries.push_back(std::move(entry));
    }
  }
  if (errors.size() != errors_before) return std::nullopt;
  return baseline;
}

std::string render_baseline(const ScanResult& result) {
  std::ostringstream out;
  out << "# nhiscan baseline: findings accepted as they are. Findings listed here are reported\n"
         "# as suppressed (external); entries that no longer occur are listed when scanning.\n"
         "# Add reason = \"...\" and until = YYYY-MM-DD to an entry to make the acceptance accountable.\n"
         "version = 1\n";
  for (const Finding& finding : result.findings) {
    if (finding.suppression && finding.suppression->kind == "inSource") continue;
    if (finding.suppression && !finding.baselined) continue;  // configured exceptions stay in the configuration
    out << "\n[[finding]]\n";
    out << "fingerprint = " << quote(finding.fingerprint) << "\n";
    out << "rule = " << quote(finding.rule_id) << "\n";
    if (!finding.identity.empty()) out << "identity = " << quote(finding.identity) << "\n";
    out << "file = " << quote(finding.location.file) << "\n";
    out << "message = " << quote(finding.message) << "\n";
    if (finding.suppression && !finding.suppression->justification.empty()) {
      out << "reason = " << quote(finding.suppression->justification) << "\n";
    }
    if (finding.suppression && !finding.suppression->until.empty()) out << "until = " << finding.suppression->until << "\n";
  }
  return out.str();
}

std::vector<ExceptionRecord> apply_exceptions(ScanResult& result, const std::vector<ConfigException>& configured,
                                              const ExceptionPolicy& policy, Baseline* baseline) {
  std::vector<ExceptionRecord> records;
  const Date today = result.today;

  // Inline exceptions: the comment binds to a declaration (or the file).
  for (const InlineException& exception : result.exceptions) {
    if (!exception.valid) continue;
    ExceptionRecord record = record_for(exception.rule_ids, exception.directive.until, exception.directive.reason,
                                        exception.directive.approver, exception.location, policy, today);
    const bool honoured = !record.expired && !record.required_fields_missing;
    for (Finding& finding : result.findings) {
      if (finding.suppression) continue;
      if (finding.location.file != exception.location.file) continue;
      if (std::find(record.rules.begin(), record.rules.end(), finding.rule_id) == record.rules.end()) continue;
      if (!exception.directive.file_wide &&
          (finding.location.line < exception.scope.start || finding.location.line > exception.scope.end)) {
        continue;
      }
      record.suppressed.push_back(finding.fingerprint);
      if (honoured) suppress(finding, "inSource", record);
    }
    records.push_back(std::move(record));
  }

  // Configured exceptions: by identity id/glob and/or path glob.
  for (const ConfigException& exception : configured) {
    ExceptionRecord record = record_for(exception.rules, exception.until, exception.reason, exception.approver,
                                        exception.location, policy, today);
    const bool honoured = !record.expired && !record.required_fields_missing;
    for (Finding& finding : result.findings) {
      if (finding.suppression) continue;
      if (std::find(record.rules.begin(), record.rules.end(), finding.rule_id) == record.rules.end()) continue;
      if (!exception.identity.empty() && !identity_matches(exception.identity, finding.identity)) continue;
      if (!exception.path.empty() && !glob_match(exception.path, finding.location.file)) continue;
      record.suppressed.push_back(finding.fingerprint);
      if (honoured) suppress(finding, "external", record);
    }
    records.push_back(std::move(record));
  }

  // The baseline: accepted findings, matched by fingerprint or by rule, identity and file.
  if (baseline) {
    for (Finding& finding : result.findings) {
      if (finding.suppression) continue;
      for (BaselineEntry& entry : baseline->entries) {
        bool match = false;
        if (!entry.fingerprint.empty()) {
          match = entry.fingerprint == finding.fingerprint;
        } else {
          match = entry.rule == finding.rule_id && (entry.identity.empty() || identity_matches(entry.identity, finding.identity)) &&
                  (entry.file.empty() || entry.file == finding.location.file) &&
                  (!entry.identity.empty() || !entry.file.empty());
        }
        if (!match) continue;
        entry.matched = true;
        const auto until = Date::parse(entry.until);
        if (until && *until < today) continue;  // an expired acceptance accepts nothing
        finding.baselined = true;
        ExceptionRecord record;
        record.reason = entry.reason.empty() ? "in baseline" : entry.reason;
        record.until = entry.until;
        record.location = entry.location;
        suppress(finding, "external", record);
        break;
      }
    }
    for (const BaselineEntry& entry : baseline->entries) {
      if (!entry.matched) {
        result.diagnostics.push_back({Diagnostic::Level::warning, entry.location.file, entry.location.line,
                                      "baseline entry matches no current finding (" +
                                          (entry.identity.empty() ? entry.fingerprint : entry.identity) +
                                          "); remove it if the identity or finding is gone"});
      } else if (const auto until = Date::parse(entry.until); until && *until < today) {
        result.diagnostics.push_back({Diagnostic::Level::warning, entry.location.file, entry.location.line,
                                      "baseline entry expired on " + entry.until + "; its finding is reported again"});
      }
    }
  }
  return records;
}

}  // namespace nhiscan
