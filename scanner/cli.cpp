#include "scanner/cli.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>
#include <sstream>

#include "rules/rule.h"
#include "scanner/config.h"
#include "scanner/discover.h"
#include "scanner/engine.h"
#include "scanner/exceptions.h"
#include "scanner/progress.h"
#include "scanner/report/report.h"
#include "scanner/text.h"

namespace nhiscan {

namespace {

const char* const kUsage = R"(usage: nhiscan [scan] [OPTIONS] [PATH...]
       nhiscan inventory [OPTIONS] [PATH...]
       nhiscan rules
       nhiscan explain RULE

Finds the non-human identities (service accounts, keys, tokens, CI secrets, OIDC
trust) declared or used in Terraform, Kubernetes manifests and CI pipelines, and
reports the ones without an owner, a current review or a rotation policy.

Commands:
  scan            scan PATHs (default: the current directory) and report findings
  inventory       list the identities found, with their governance fields
  rules           list the rule catalogue
  explain RULE    show a rule's documentation (RULE is an id or a name)

Options:
  -f, --format FORMAT    output format: text (default), sarif, json, markdown (a
                         pull-request summary), github (workflow annotations);
                         for `inventory`: text, json, csv, markdown (with graphs)
  -o, --output FILE      write the report to FILE instead of standard output
      --sarif FILE       also write SARIF to FILE
      --markdown FILE    also write the Markdown summary to FILE
      --config FILE      configuration (default: .nhiscan.toml in the scan root or
                         the nearest directory above it)
      --baseline FILE    report only findings not accepted in FILE; list entries
                         that no longer occur
      --write-baseline FILE
                         write the current findings to FILE as a baseline
      --now DATE         the date to judge review and expiry dates against
                         (YYYY-MM-DD, default: today in UTC)
      --fail-on LEVEL    exit 1 when an unsuppressed finding has this severity or
                         higher: low (default), medium, high, critical, or none
      --exclude GLOB     skip paths matching GLOB (repeatable)
      --context PATH     also read PATH (repeatable) to judge the PATH arguments,
                         but report only findings located in the PATH arguments;
                         with no PATH argument nothing is scanned (for pre-commit
                         hooks and pull-request checks: PATHs are the changed files)
      --root DIR         repository root that reported paths are relative to
                         (default: the git top-level of the first PATH, or of the
                         first --context PATH)
      --inventory FILE   ownership inventory (default: nhi-inventory.toml at the root)
  -j, --jobs N           worker threads (default: one per CPU)
      --max-file-size N  skip files larger than N bytes (default: 8388608)
      --max-line-length N
                         skip files with a line longer than N bytes (default:
                         1048576); other limits are set in .nhiscan.toml [limits]
      --category NAME    SARIF automationDetails category (default: nhiscan)
      --no-prefilter     parse every YAML document, even kinds that cannot declare an
                         identity, and keep every Terraform module parsed until all
                         module calls are expanded (slower; the output is the same)
      --no-color         never colour the output (the default when NO_COLOR is set
                         and not empty, or the output is not a terminal)
  -q, --quiet            print nothing when the scan passes
      --version          print the version
  -h, --help             print this help

Exit status: 0 no finding at or above --fail-on, 1 such findings, 2 usage,
configuration or I/O error. A file that cannot be parsed is reported, not fatal.
)";

struct Options {
  std::string command = "scan";
  std::vector<std::string> paths;
  std::string format = "text";
  std::string output;
  std::string sarif;
  std::string markdown;
  std::string config;
  std::string baseline;
  std::string write_baseline;
  std::string now;
  std::string fail_on = "low";
  std::vector<std::string> excludes;
  std::vector<std::string> context;
  std::string root;
  std::string inventory;
  unsigned jobs = 0;
  std::optional<uintmax_t> max_file_size;  // set: overrides the configuration
  std::optional<uint32_t> max_line_length;
  std::string category = "nhiscan";
  bool prefilter = true;
  bool no_color = false;
  bool quiet = false;
  std::string explain;
};

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

Options parse_arguments(const std::vector<std::string>& arguments, bool& exit_now, int& exit_code) {
  Options options;
  std::size_t i = 0;
  if (!arguments.empty() && (arguments[0] == "scan" || arguments[0] == "inventory" || arguments[0] == "rules" ||
                             arguments[0] == "explain")) {
    options.command = arguments[0];
    i = 1;
  }
  // A value given as --name=value is taken before the next argument.
  std::optional<std::string> inline_value;
  const auto value = [&](const std::string& name) -> std::string {
    if (inline_value) {
      std::string text = *inline_value;
      inline_value.reset();
      return text;
    }
    if (i + 1 >= arguments.size()) throw UsageError("option " + name + " needs a value");
    return arguments[++i];
  };
  bool only_paths = false;
  for (; i < arguments.size(); ++i) {
    std::string argument = arguments[i];
    if (only_paths || argument.empty() || argument[0] != '-' || argument == "-") {
      if (options.command == "explain" && options.explain.empty()) {
        options.explain = argument;
      } else {
        options.paths.push_back(argument);
      }
      continue;
    }
    inline_value.reset();
    const std::size_t equals = argument.find('=');
    if (starts_with(argument, "--") && equals != std::string::npos) {
      inline_value = argument.substr(equals + 1);
      argument = argument.substr(0, equals);
    }
    if (argument == "--") {
      only_paths = true;
    } else if (argument == "-h" || argument == "--help") {
      std::cout << kUsage;
      exit_now = true;
      exit_code = 0;
      return options;
    } else if (argument == "--version") {
      std::cout << "nhiscan " << NHISCAN_VERSION << "\n";
      exit_now = true;
      exit_code = 0;
      return options;
    } else if (argument == "-f" || argument == "--format") {
      options.format = value(argument);
    } else if (argument == "-o" || argument == "--output") {
      options.output = value(argument);
    } else if (argument == "--sarif") {
      options.sarif = value(argument);
    } else if (argument == "--markdown") {
      options.markdown = value(argument);
    } else if (argument == "--config") {
      options.config = value(argument);
    } else if (argument == "--baseline") {
      options.baseline = value(argument);
    } else if (argument == "--write-baseline") {
      options.write_baseline = value(argument);
    } else if (argument == "--now") {
      options.now = value(argument);
    } else if (argument == "--fail-on") {
      options.fail_on = value(argument);
    } else if (argument == "--exclude") {
      options.excludes.push_back(value(argument));
    } else if (argument == "--context") {
      options.context.push_back(value(argument));
    } else if (argument == "--root") {
      options.root = value(argument);
    } else if (argument == "--inventory") {
      options.inventory = value(argument);
    } else if (argument == "--category") {
      options.category = value(argument);
    } else if (argument == "-j" || argument == "--jobs") {
      const std::string text = value(argument);
      try {
        options.jobs = static_cast<unsigned>(std::stoul(text));
      } catch (const std::exception&) {
        throw UsageError("--jobs needs a number, got '" + text + "'");
      }
    } else if (argument == "--max-file-size") {
      const std::string text = value(argument);
      try {
        options.max_file_size = std::stoull(text);
      } catch (const std::exception&) {
        throw UsageError("--max-file-size needs a number of bytes, got '" + text + "'");
      }
    } else if (argument == "--max-line-length") {
      const std::string text = value(argument);
      try {
        const unsigned long long length = std::stoull(text);
        if (length == 0 || length > UINT32_MAX) throw std::out_of_range(text);
        options.max_line_length = static_cast<uint32_t>(length);
      } catch (const std::exception&) {
        throw UsageError("--max-line-length needs a number of bytes from 1 to 4294967295, got '" + text + "'");
      }
    } else if (argument == "--no-prefilter") {
      options.prefilter = false;
    } else if (argument == "--no-color") {
      options.no_color = true;
    } else if (argument == "-q" || argument == "--quiet") {
      options.quiet = true;
    } else {
      throw UsageError("unknown option " + argument + " (see nhiscan --help)");
    }
    if (inline_value) throw UsageError("option " + argument + " takes no value");
  }
  return options;
}

int list_rules() {
  std::cout << "ID      SEVERITY  OWASP  NAME                                  SUMMARY\n";
  for (const auto& rule : rule_catalogue()) {
    const RuleInfo& info = rule->info();
    std::string name = info.name;
    std::string severity = to_string(info.severity);
    std::cout << info.id << "  " << severity << std::string(10 - severity.size(), ' ') << info.owasp
              << std::string(7 - std::string(info.owasp).size(), ' ') << name
              << std::string(name.size() < 38 ? 38 - name.size() : 1, ' ') << info.summary << "\n";
  }
  return 0;
}

int explain_rule(const std::string& name) {
  if (name.empty()) throw UsageError("explain needs a rule id or name, e.g. nhiscan explain NHI001");
  const Rule* rule = find_rule(name);
  if (!rule) {
    std::cerr << "nhiscan: unknown rule '" << name << "'; `nhiscan rules` lists the catalogue\n";
    return 2;
  }
  std::cout << rule_document(rule->info());
  return 0;
}

std::string absolute_path(const std::string& path) {
  char resolved[4096];
  return realpath(path.c_str(), resolved) ? std::string(resolved) : path;
}

std::string relative_to_root(const std::string& absolute, const std::string& root) {
  return starts_with(absolute, root + "/") ? absolute.substr(root.size() + 1) : absolute;
}

int report_errors(const std::vector<Diagnostic>& errors) {
  for (const Diagnostic& error : errors) {
    std::cerr << "nhiscan: " << error.file;
    if (error.line) std::cerr << ":" << error.line;
    std::cerr << ": " << error.message << "\n";
  }
  return 2;
}

/// Collect into `files` the files that a --context scan reports: those among `paths`,
/// and below the directories among them, that the scan reads (excludes and the size
/// limit apply). Returns false after printing the error when a path is not found or
/// lies outside the scan root.
bool collect_reported_files(const std::vector<std::string>& paths, const ScanOptions& scan,
                            std::vector<std::string>& files) {
  DiscoveryOptions discovery_options;
  discovery_options.excludes = scan.excludes;
  discovery_options.max_file_size = scan.limits.max_file_size;
  const Discovery discovery = discover(paths, scan.root, discovery_options);
  for (const Diagnostic& diagnostic : discovery.diagnostics) {
    if (diagnostic.level != Diagnostic::Level::error) continue;
    std::cerr << "nhiscan: " << diagnostic.file << ": " << diagnostic.message << "\n";
    return false;
  }
  for (const DiscoveredFile& file : discovery.files) files.push_back(file.relative);
  return true;
}

bool write_to(const std::string& path, const std::string& content) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) return false;
  file << content;
  return static_cast<bool>(file);
}

}  // namespace

int run_cli(const std::vector<std::string>& arguments) {
  Options options;
  try {
    bool exit_now = false;
    int exit_code = 0;
    options = parse_arguments(arguments, exit_now, exit_code);
    if (exit_now) return exit_code;
    if (options.command == "rules") return list_rules();
    if (options.command == "explain") return explain_rule(options.explain);
  } catch (const UsageError& error) {
    std::cerr << "nhiscan: " << error.what() << "\n";
    return 2;
  } catch (const std::exception& error) {
    std::cerr << "nhiscan: invalid argument: " << error.what() << "\n";
    return 2;
  }

  const bool inventory = options.command == "inventory";
  const std::vector<std::string> formats = inventory ? std::vector<std::string>{"text", "json", "csv", "markdown"}
                                                     : std::vector<std::string>{"text", "sarif", "json", "markdown", "github"};
  if (std::find(formats.begin(), formats.end(), options.format) == formats.end()) {
    std::cerr << "nhiscan: unknown format '" << options.format << "' for " << options.command << " (expected "
              << join(formats, ", ") << ")\n";
    return 2;
  }
  const bool context_mode = !options.context.empty();
  if (context_mode && inventory) {
    std::cerr << "nhiscan: --context applies to scan only\n";
    return 2;
  }
  if (context_mode && !options.write_baseline.empty()) {
    std::cerr << "nhiscan: --write-baseline cannot be combined with --context, because the baseline would "
                 "hold only the findings of the PATH arguments\n";
    return 2;
  }
  std::optional<Severity> fail_threshold;
  if (options.fail_on != "none") {
    fail_threshold = parse_severity(options.fail_on);
    if (!fail_threshold) {
      std::cerr << "nhiscan: unknown --fail-on level '" << options.fail_on
                << "' (expected low, medium, high, critical or none)\n";
      return 2;
    }
  }

  ScanOptions scan;
  if (context_mode) {
    // Context first, so that the scan root and the configuration are found from it.
    scan.paths = options.context;
    scan.paths.insert(scan.paths.end(), options.paths.begin(), options.paths.end());
  } else {
    scan.paths = options.paths.empty() ? std::vector<std::string>{"."} : options.paths;
  }
  if (options.now.empty()) {
    scan.today = Date::today_utc();
  } else if (const auto date = Date::parse(options.now); date && options.now.size() == 10) {
    scan.today = *date;
  } else {
    std::cerr << "nhiscan: --now needs a date as YYYY-MM-DD, got '" << options.now << "'\n";
    return 2;
  }
  std::vector<Diagnostic> root_notes;
  scan.root = find_scan_root(scan.paths, options.root, root_notes);
  scan.jobs = options.jobs;
  scan.excludes = options.excludes;
  scan.prefilter = options.prefilter;
  if (!options.inventory.empty()) {
    std::ifstream probe(options.inventory);
    if (!probe) {
      std::cerr << "nhiscan: cannot read inventory file " << options.inventory << "\n";
      return 2;
    }
    scan.inventory_file = absolute_path(options.inventory);
  }

  // Configuration: given, or found from the scan root upward.
  std::string config_path;
  if (!options.config.empty()) {
    if (!std::ifstream(options.config)) {
      std::cerr << "nhiscan: cannot read configuration file " << options.config << "\n";
      return 2;
    }
    config_path = absolute_path(options.config);
  } else {
    // From the first scanned path upward, so that a subdirectory's own configuration wins.
    config_path = find_config(scan.paths.front());
  }
  if (!config_path.empty()) {
    std::vector<Diagnostic> errors;
    const auto config = load_config(config_path, relative_to_root(config_path, scan.root), scan.root, errors);
    if (!config) return report_errors(errors);
    apply_config(*config, scan);
  }
  if (options.max_file_size) scan.limits.max_file_size = *options.max_file_size;
  if (options.max_line_length) scan.limits.max_line_length = *options.max_line_length;

  std::optional<Baseline> baseline;
  if (!options.baseline.empty()) {
    if (!std::ifstream(options.baseline)) {
      std::cerr << "nhiscan: cannot read baseline file " << options.baseline << "\n";
      return 2;
    }
    const std::string path = absolute_path(options.baseline);
    std::vector<Diagnostic> errors;
    baseline = load_baseline(path, relative_to_root(path, scan.root), errors);
    if (!baseline) return report_errors(errors);
    scan.baseline = &*baseline;
  }

  // With --context, only findings in the files of the PATH arguments are reported.
  // When those name no file that nhiscan reads, the scan is skipped.
  std::vector<std::string> reported_files;
  if (context_mode && !collect_reported_files(options.paths, scan, reported_files)) return 2;
  scan.report_only = reported_files;

  ScanResult result;
  if (context_mode && reported_files.empty()) {
    result.root = scan.root;
    result.today = scan.today;
  } else {
    ProgressLine progress(progress_wanted(options.quiet) ? stderr : nullptr);
    scan.progress = [&progress](std::size_t files_read, std::size_t files_total) {
      progress.update(files_read, files_total);
    };
    scan.stage = [&progress](const std::string& text) { progress.stage(text); };
    result = run_scan(scan);
  }
  for (Diagnostic& note : root_notes) result.diagnostics.insert(result.diagnostics.begin(), note);

  // Path arguments that do not exist are usage errors.
  for (const Diagnostic& diagnostic : result.diagnostics) {
    if (diagnostic.level == Diagnostic::Level::error && diagnostic.line == 0 &&
        (diagnostic.message == "path not found" || starts_with(diagnostic.message, "path is outside"))) {
      std::cerr << "nhiscan: " << diagnostic.file << ": " << diagnostic.message << "\n";
      return 2;
    }
  }
  // An unreadable inventory file is a configuration error.
  for (const Diagnostic& diagnostic : result.diagnostics) {
    if (diagnostic.level == Diagnostic::Level::error && ends_with(diagnostic.file, ".toml")) {
      std::cerr << "nhiscan: " << diagnostic.file << ":" << diagnostic.line << ": " << diagnostic.message << "\n";
      return 2;
    }
  }

  // With --context, diagnostics about files outside the PATH arguments are dropped too.
  if (context_mode) {
    const std::set<std::string> reported(reported_files.begin(), reported_files.end());
    result.diagnostics.erase(std::remove_if(result.diagnostics.begin(), result.diagnostics.end(),
                                            [&](const Diagnostic& diagnostic) {
                                              return !diagnostic.file.empty() && !reported.count(diagnostic.file);
                                            }),
                             result.diagnostics.end());
  }

  bool failed = false;
  if (fail_threshold) {
    for (const Finding& finding : result.findings) {
      if (!finding.suppression && !finding.baselined && finding.severity >= *fail_threshold) failed = true;
    }
  }

  const bool to_terminal = options.output.empty() && isatty(STDOUT_FILENO);
  ReportOptions report;
  // NO_COLOR counts when set and not empty, as https://no-color.org defines it.
  const char* no_color = std::getenv("NO_COLOR");
  report.color = to_terminal && !options.no_color && !(no_color && *no_color);
  report.category = options.category;

  // Reports are written straight to their file or stream: a large scan's report would
  // otherwise be held in memory twice.
  const auto render = [&](std::ostream& rendered) {
    if (inventory) {
      if (options.format == "json") {
        write_json(rendered, result, report);
      } else if (options.format == "csv") {
        write_inventory_csv(rendered, result);
      } else if (options.format == "markdown") {
        write_inventory_markdown(rendered, result);
      } else {
        write_inventory_text(rendered, result, report);
      }
    } else if (options.format == "markdown") {
      write_markdown(rendered, result);
    } else if (options.format == "github") {
      write_github(rendered, result);
    } else if (options.format == "sarif") {
      write_sarif(rendered, result, report);
    } else if (options.format == "json") {
      write_json(rendered, result, report);
    } else {
      write_text(rendered, result, report);
    }
  };

  if (!options.write_baseline.empty() && !write_to(options.write_baseline, render_baseline(result))) {
    std::cerr << "nhiscan: cannot write " << options.write_baseline << "\n";
    return 2;
  }
  if (!options.sarif.empty()) {
    std::ofstream sarif(options.sarif, std::ios::binary | std::ios::trunc);
    if (sarif) write_sarif(sarif, result, report);
    if (!sarif.flush()) {
      std::cerr << "nhiscan: cannot write " << options.sarif << "\n";
      return 2;
    }
  }
  if (!options.markdown.empty()) {
    std::ostringstream markdown;
    write_markdown(markdown, result);
    if (!write_to(options.markdown, markdown.str())) {
      std::cerr << "nhiscan: cannot write " << options.markdown << "\n";
      return 2;
    }
  }
  if (!options.output.empty()) {
    std::ofstream output(options.output, std::ios::binary | std::ios::trunc);
    if (output) render(output);
    if (!output.flush()) {
      std::cerr << "nhiscan: cannot write " << options.output << "\n";
      return 2;
    }
  } else if (!(options.quiet && !failed)) {
    render(std::cout);
  }
  if (options.command == "inventory") return 0;
  return failed ? 1 : 0;
}

}  // namespace nhiscan
