#include "scanner/engine.h"

#include <algorithm>
#include <atomic>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include "scanner/correlate.h"
#include "scanner/extract/azure_pipelines.h"
#include "scanner/extract/bitbucket.h"
#include "scanner/extract/circleci.h"
#include "scanner/extract/github_actions.h"
#include "scanner/extract/gitlab_ci.h"
#include "scanner/extract/helm.h"
#include "scanner/extract/kubernetes.h"
#include "scanner/extract/terraform.h"
#include "scanner/governance.h"
#include "scanner/inventory_file.h"
#include "scanner/text.h"

namespace nhiscan {

namespace {

/// What one unit of work (a Terraform module or a single YAML file) produced.
struct UnitResult {
  ExtractOutput out;
  std::vector<InlineException> exceptions;
  std::vector<FileSummary> files;
};

struct Unit {
  std::vector<const DiscoveredFile*> files;
  bool terraform = false;
  bool gitlab_pipeline = false;  // a root .gitlab-ci.yml and its local includes
  bool helm_chart = false;       // the values files and templates of one chart
  std::string directory;
};

std::optional<SourceText> read_source(const DiscoveredFile& file, const ScanOptions& options,
                                      std::vector<Diagnostic>& diagnostics) {
  std::ifstream input(file.absolute, std::ios::binary);
  if (!input) {
    diagnostics.push_back({Diagnostic::Level::warning, file.relative, 0, "cannot open file; skipped"});
    return std::nullopt;
  }
  std::string bytes;
  bytes.resize(static_cast<std::size_t>(std::min<uintmax_t>(file.size, options.limits.max_file_size)));
  input.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<std::size_t>(input.gcount()));
  // A file that grew past the limit since discovery is cut at the limit; say so.
  if (input.peek() != std::char_traits<char>::eof()) {
    diagnostics.push_back({Diagnostic::Level::warning, file.relative, 0,
                           "file is larger than the limit of " + std::to_string(options.limits.max_file_size) +
                               " bytes; skipped"});
    return std::nullopt;
  }

  DecodedSource decoded = decode_source(bytes);
  if (!decoded.ok) {
    // A binary file under a configuration name is worth a look: say so.
    diagnostics.push_back({Diagnostic::Level::warning, file.relative, 0, decoded.problem + "; skipped"});
    return std::nullopt;
  }
  if (decoded.repaired) {
    const Diagnostic::Level level =
        decoded.problem_line ? Diagnostic::Level::warning : Diagnostic::Level::note;
    diagnostics.push_back({level, file.relative, decoded.problem_line, decoded.problem});
  }
  return SourceText(file.relative, std::move(decoded.text));
}

/// Exceptions written in a file's comments, with the region each one covers.
std::vector<InlineException> read_exceptions(const SourceText& source, const CommentIndex& index,
                                             std::vector<Diagnostic>& diagnostics) {
  std::vector<InlineException> exceptions;
  for (const Comment& comment : index.comments()) {
    const auto directive = parse_directive(comment.body);
    if (!directive) continue;
    InlineException exception;
    exception.directive = *directive;
    exception.location = source.location(comment.line, comment.column);
    exception.scope = directive->file_wide ? Span{1, static_cast<uint32_t>(source.line_count())} : index.scope(comment);

    const auto warn = [&](const std::string& message) {
      diagnostics.push_back({Diagnostic::Level::warning, source.path(), comment.line, message});
    };
    if (directive->rules.empty()) {
      warn("nhiscan:ignore names no rule; list rule ids or names (e.g. nhiscan:ignore NHI004); exception ignored");
      exception.valid = false;
    }
    for (const std::string& name : directive->rules) {
      if (const Rule* rule = find_rule(name)) {
        exception.rule_ids.push_back(rule->info().id);
      } else {
        warn("nhiscan:ignore names unknown rule '" + name + "'; see `nhiscan rules` for the catalogue");
      }
    }
    if (!directive->until.empty() && !Date::parse(directive->until)) {
      warn("nhiscan:ignore has an unreadable expiry date until=" + directive->until +
           " (write YYYY-MM-DD); exception ignored");
      exception.valid = false;
    }
    if (directive->reason.empty()) warn("nhiscan:ignore has no reason=\"...\"; say why the exception is acceptable");
    for (const std::string& field : directive->unknown_fields) {
      warn("nhiscan:ignore has unknown field '" + field + "' (expected until, reason, approver)");
    }
    if (exception.rule_ids.empty()) exception.valid = false;
    exceptions.push_back(std::move(exception));
  }
  return exceptions;
}

void add_block_spans(const std::vector<HclBlock>& blocks, std::vector<Span>& spans) {
  std::vector<const HclBlock*> stack;
  for (const HclBlock& block : blocks) stack.push_back(&block);
  while (!stack.empty()) {
    const HclBlock* block = stack.back();
    stack.pop_back();
    spans.push_back({block->start.line, std::max(block->end.line, block->start.line)});
    for (const HclBlock& child : block->blocks) stack.push_back(&child);
  }
}

std::vector<Span> yaml_spans(const std::vector<YamlDocument>& documents) {
  std::vector<Span> spans;
  for (const YamlDocument& document : documents) {
    if (document.root == kNoYamlNode) continue;
    const YamlNode& root = document.node(document.root);
    spans.push_back({root.line, std::max(root.end_line, root.line)});
    document.walk([&](YamlId id) {
      const YamlNode& node = document.node(id);
      for (const YamlEntry& entry : node.entries) {
        if (entry.merge_line) continue;
        const uint32_t start = document.node(entry.key).line;
        spans.push_back({start, std::max(document.node(entry.value).end_line, start)});
      }
      for (const YamlId item : node.items) {
        const YamlNode& child = document.node(item);
        spans.push_back({child.line, std::max(child.end_line, child.line)});
      }
    });
  }
  return spans;
}

/// A YAML file read, split into documents, parsed and indexed for comments. It is kept
/// at one address because the comment index points into the source.
struct LoadedYaml {
  SourceText source;
  std::vector<YamlDocument> documents;
  CommentIndex index;
  std::string original;             // Helm templates: the text before neutralisation
  std::vector<int> hidden_output;   // Helm templates: where inert actions may render output

  FileView view() const { return {&source, &index}; }
};

/// Read and parse `file` as `kind`, record its summary and inline exceptions, and
/// return it; nullptr when the file is skipped (the reason is a diagnostic).
std::unique_ptr<LoadedYaml> load_yaml(const DiscoveredFile& file, FileKind kind, const ScanOptions& options,
                                      UnitResult& result) {
  FileSummary summary;
  summary.path = file.relative;
  summary.kind = kind;
  auto source = read_source(file, options, result.out.diagnostics);
  if (!source) {
    summary.skipped = true;
    result.files.push_back(summary);
    return nullptr;
  }

  // Helm templates are not YAML until rendered: their actions are made inert first, and
  // what still does not parse is only a note, since rendering would have read it.
  auto loaded = std::make_unique<LoadedYaml>();
  const bool helm_template = kind == FileKind::helm_template;
  std::vector<Diagnostic> template_diagnostics;
  std::vector<Diagnostic>& parse_diagnostics = helm_template ? template_diagnostics : result.out.diagnostics;
  if (helm_template) {
    NeutralisedTemplate neutralised = neutralise_helm_template(source->text());
    loaded->original = source->text();
    loaded->hidden_output = std::move(neutralised.hidden_output);
    loaded->source = SourceText(file.relative, std::move(neutralised.text));
  } else {
    loaded->source = std::move(*source);
  }

  const std::vector<YamlChunk> chunks = split_yaml_documents(loaded->source.text());
  summary.documents = static_cast<uint32_t>(chunks.size());
  if (chunks.size() > options.limits.max_documents) {
    result.out.diagnostics.push_back({Diagnostic::Level::warning, file.relative, 0,
                                      "file has " + std::to_string(chunks.size()) + " YAML documents, more than the limit of " +
                                          std::to_string(options.limits.max_documents) + "; skipped"});
    summary.skipped = true;
    result.files.push_back(summary);
    return nullptr;
  }

  for (const YamlChunk& chunk : chunks) {
    // Most bytes of real repositories are CRDs, dashboards and the like: a document
    // whose top-level kind cannot hold an identity needs no parse at all.
    if (options.prefilter && (kind == FileKind::yaml || helm_template) && !chunk.kind.empty() &&
        !is_kubernetes_identity_kind(chunk.kind)) {
      continue;
    }
    auto document = parse_yaml_document(loaded->source, chunk, options.limits.yaml, parse_diagnostics);
    if (document && !document->empty()) loaded->documents.push_back(std::move(*document));
  }
  summary.parsed_documents = static_cast<uint32_t>(loaded->documents.size());
  for (Diagnostic& diagnostic : template_diagnostics) {
    // Both branches of an if/else are kept, so keys repeat; rendering keeps one.
    if (starts_with(diagnostic.message, "duplicate key")) continue;
    diagnostic.level = Diagnostic::Level::note;
    diagnostic.message = "Helm template read without rendering: " + diagnostic.message;
    result.out.diagnostics.push_back(std::move(diagnostic));
  }

  loaded->index = CommentIndex(loaded->source, yaml_comments(loaded->source), yaml_spans(loaded->documents));
  auto exceptions = read_exceptions(loaded->source, loaded->index, result.out.diagnostics);
  for (auto& exception : exceptions) result.exceptions.push_back(std::move(exception));
  result.files.push_back(summary);
  return loaded;
}

void process_yaml(const DiscoveredFile& file, const ScanOptions& options, UnitResult& result) {
  const auto loaded = load_yaml(file, file.kind, options, result);
  if (!loaded) return;
  const FileView view = loaded->view();
  const std::vector<YamlDocument>& documents = loaded->documents;
  switch (file.kind) {
    case FileKind::github_workflow:
      extract_github_workflow(view, documents, result.out);
      break;
    case FileKind::github_action:
      extract_github_action(view, documents, result.out);
      break;
    case FileKind::yaml:
      // Pipeline templates have no telling name; their content says what they are.
      if (looks_like_azure_pipeline(documents)) {
        extract_azure_pipelines(view, documents, result.out);
      } else {
        extract_kubernetes(view, documents, result.out);
      }
      break;
    case FileKind::azure_pipelines:
      extract_azure_pipelines(view, documents, result.out);
      break;
    case FileKind::bitbucket:
      extract_bitbucket(view, documents, result.out);
      break;
    case FileKind::circleci:
      extract_circleci(view, documents, result.out);
      break;
    default:
      // Helm charts are extracted per chart (process_helm_chart); GitLab CI per pipeline.
      break;
  }
}

/// A Helm chart: its values files and templates, extracted together.
void process_helm_chart(const Unit& unit, const ScanOptions& options, UnitResult& result) {
  std::vector<std::unique_ptr<LoadedYaml>> loaded;
  std::vector<HelmFile> files;
  for (const DiscoveredFile* file : unit.files) {
    auto one = load_yaml(*file, file->kind, options, result);
    if (!one) continue;
    HelmFile helm;
    helm.view = one->view();
    helm.documents = &one->documents;
    helm.values = file->kind == FileKind::helm_values;
    helm.original = one->original;
    helm.hidden_output = &one->hidden_output;
    files.push_back(helm);
    loaded.push_back(std::move(one));
  }
  extract_helm_chart(files, result.out);
}

/// A GitLab pipeline: its root file and local includes, extracted together.
void process_gitlab_pipeline(const Unit& unit, const ScanOptions& options, UnitResult& result) {
  std::vector<std::unique_ptr<LoadedYaml>> loaded;
  std::vector<GitlabFile> files;
  for (const DiscoveredFile* file : unit.files) {
    auto one = load_yaml(*file, FileKind::gitlab_ci, options, result);
    if (!one) continue;
    files.push_back({one->view(), &one->documents});
    loaded.push_back(std::move(one));
  }
  extract_gitlab_pipeline(files, result.out);
}

void process_terraform(const Unit& unit, const ScanOptions& options, UnitResult& result) {
  TerraformModule module;
  module.directory = unit.directory;
  for (const DiscoveredFile* file : unit.files) {
    FileSummary summary;
    summary.path = file->relative;
    summary.kind = file->kind;
    auto source = read_source(*file, options, result.out.diagnostics);
    if (!source) {
      summary.skipped = true;
      result.files.push_back(summary);
      continue;
    }
    auto parsed = std::make_unique<TerraformFile>();
    parsed->source = std::move(*source);
    if (file->kind == FileKind::terraform_json) {
      parsed->hcl = parse_terraform_json(parsed->source, options.limits.hcl, result.out.diagnostics);
    } else {
      parsed->hcl = parse_hcl(parsed->source, options.limits.hcl, result.out.diagnostics);
    }
    std::vector<Span> spans;
    add_block_spans(parsed->hcl.blocks, spans);
    parsed->comments = CommentIndex(parsed->source, hcl_comments(parsed->hcl), std::move(spans));
    auto exceptions = read_exceptions(parsed->source, parsed->comments, result.out.diagnostics);
    for (auto& exception : exceptions) result.exceptions.push_back(std::move(exception));
    summary.documents = summary.parsed_documents = 1;
    result.files.push_back(summary);
    // .tfvars files hold values, not declarations; they are read for syntax and comments.
    if (file->kind != FileKind::terraform_vars) module.files.push_back(std::move(parsed));
  }
  extract_terraform(module, result.out);
}

std::vector<Unit> make_units(const Discovery& discovery, const ScanOptions& options) {
  // GitLab resolves `extends` and `!reference` across a pipeline's included files, so a
  // pipeline is one unit. Finding its files reads the root files once more.
  const auto read_text = [&](const DiscoveredFile& file) -> std::optional<std::string> {
    std::vector<Diagnostic> ignored;  // reported when the unit reads the file
    auto source = read_source(file, options, ignored);
    if (!source) return std::nullopt;
    return source->text();
  };
  const auto pipelines = group_gitlab_pipelines(discovery.files, read_text);
  std::vector<int> pipeline_of(discovery.files.size(), -1);
  for (std::size_t group = 0; group < pipelines.size(); ++group) {
    for (const std::size_t file : pipelines[group]) pipeline_of[file] = static_cast<int>(group);
  }
  std::vector<bool> pipeline_added(pipelines.size(), false);

  std::vector<Unit> units;
  std::map<std::string, std::size_t> terraform_dirs;
  std::map<std::string, std::size_t> charts;
  for (std::size_t index = 0; index < discovery.files.size(); ++index) {
    const DiscoveredFile& file = discovery.files[index];
    if (pipeline_of[index] >= 0) {
      const auto group = static_cast<std::size_t>(pipeline_of[index]);
      if (pipeline_added[group]) continue;
      pipeline_added[group] = true;
      Unit unit;
      unit.gitlab_pipeline = true;
      for (const std::size_t member : pipelines[group]) unit.files.push_back(&discovery.files[member]);
      units.push_back(unit);
    } else if (file.kind == FileKind::helm_values || file.kind == FileKind::helm_template) {
      // A values file sits in the chart directory; a template below its templates/.
      const std::size_t templates = file.relative.rfind("/templates/");
      std::string chart;
      if (file.kind == FileKind::helm_template) {
        chart = templates == std::string::npos ? std::string() : file.relative.substr(0, templates);
      } else {
        const std::size_t slash = file.relative.rfind('/');
        chart = slash == std::string::npos ? std::string() : file.relative.substr(0, slash);
      }
      const auto [it, inserted] = charts.emplace(chart, units.size());
      if (inserted) {
        Unit unit;
        unit.helm_chart = true;
        unit.directory = chart;
        units.push_back(unit);
      }
      units[it->second].files.push_back(&file);
    } else if (is_terraform_kind(file.kind)) {
      const std::size_t slash = file.relative.rfind('/');
      const std::string directory = slash == std::string::npos ? std::string() : file.relative.substr(0, slash);
      const auto [it, inserted] = terraform_dirs.emplace(directory, units.size());
      if (inserted) {
        Unit unit;
        unit.terraform = true;
        unit.directory = directory;
        units.push_back(unit);
      }
      units[it->second].files.push_back(&file);
    } else {
      Unit unit;
      unit.files.push_back(&file);
      units.push_back(unit);
    }
  }
  return units;
}

void run_units(const std::vector<Unit>& units, const ScanOptions& options, std::vector<UnitResult>& results) {
  results.resize(units.size());
  unsigned jobs = options.jobs ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  jobs = std::min<unsigned>(jobs, static_cast<unsigned>(std::max<std::size_t>(units.size(), 1)));

  // Biggest units first, so that one large file does not finish last on its own.
  std::vector<std::size_t> order(units.size());
  std::vector<uintmax_t> sizes(units.size(), 0);
  for (std::size_t i = 0; i < units.size(); ++i) {
    order[i] = i;
    for (const DiscoveredFile* file : units[i].files) sizes[i] += file->size;
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return sizes[a] > sizes[b]; });

  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    while (true) {
      const std::size_t slot = next.fetch_add(1);
      if (slot >= order.size()) return;
      const std::size_t index = order[slot];
      const Unit& unit = units[index];
      try {
        if (unit.terraform) {
          process_terraform(unit, options, results[index]);
        } else if (unit.gitlab_pipeline) {
          process_gitlab_pipeline(unit, options, results[index]);
        } else if (unit.helm_chart) {
          process_helm_chart(unit, options, results[index]);
        } else {
          process_yaml(*unit.files.front(), options, results[index]);
        }
      } catch (const std::exception& error) {
        // A defect in an extractor must not end the scan: report it against the file.
        results[index].out.diagnostics.push_back({Diagnostic::Level::error, unit.files.front()->relative, 0,
                                                  std::string("internal error while reading this file: ") + error.what()});
      }
    }
  };
  if (jobs <= 1) {
    work();
    return;
  }
  std::vector<std::thread> threads;
  for (unsigned i = 0; i < jobs; ++i) threads.emplace_back(work);
  for (std::thread& thread : threads) thread.join();
}

bool applies(const InlineException& exception, const Finding& finding) {
  if (exception.location.file != finding.location.file) return false;
  if (std::find(exception.rule_ids.begin(), exception.rule_ids.end(), finding.rule_id) == exception.rule_ids.end()) {
    return false;
  }
  if (exception.directive.file_wide) return true;
  return finding.location.line >= exception.scope.start && finding.location.line <= exception.scope.end;
}

void apply_inline_exceptions(ScanResult& result, std::vector<ExceptionRecord>& records) {
  for (const InlineException& exception : result.exceptions) {
    ExceptionRecord record;
    record.rules = exception.rule_ids;
    record.until = exception.directive.until;
    record.reason = exception.directive.reason;
    record.approver = exception.directive.approver;
    record.location = exception.location;
    if (!exception.valid) continue;
    const auto until = Date::parse(exception.directive.until);
    record.expired = until && *until < result.today;
    for (Finding& finding : result.findings) {
      if (finding.suppression || !applies(exception, finding)) continue;
      record.suppressed.push_back(finding.fingerprint);
      if (record.expired) continue;  // an expired exception suppresses nothing
      Suppression suppression;
      suppression.kind = "inSource";
      suppression.justification = exception.directive.reason;
      suppression.until = exception.directive.until;
      suppression.approver = exception.directive.approver;
      suppression.location = exception.location;
      finding.suppression = suppression;
    }
    if (record.expired) {
      result.diagnostics.push_back({Diagnostic::Level::warning, exception.location.file, exception.location.line,
                                    "exception expired on " + until->to_string() + "; the findings it covered are reported"});
    }
    records.push_back(std::move(record));
  }
}

bool finding_order(const Finding& a, const Finding& b) {
  if (!(a.location == b.location)) return a.location < b.location;
  if (a.rule_id != b.rule_id) return a.rule_id < b.rule_id;
  if (a.identity != b.identity) return a.identity < b.identity;
  return a.message < b.message;
}

bool diagnostic_order(const Diagnostic& a, const Diagnostic& b) {
  if (a.file != b.file) return a.file < b.file;
  if (a.line != b.line) return a.line < b.line;
  return a.message < b.message;
}

}  // namespace

std::string fingerprint(const Finding& finding) {
  return stable_hash(finding.rule_id + "\n" + finding.location.file + "\n" + finding.identity + "\n" + finding.attribute);
}

ScanResult run_scan(const ScanOptions& options) {
  ScanResult result;
  result.root = options.root;
  result.today = options.today;

  DiscoveryOptions discovery_options;
  discovery_options.excludes = options.excludes;
  discovery_options.max_file_size = options.limits.max_file_size;
  Discovery discovery = discover(options.paths, options.root, discovery_options);
  result.diagnostics = std::move(discovery.diagnostics);

  const std::vector<Unit> units = make_units(discovery, options);
  std::vector<UnitResult> unit_results;
  run_units(units, options, unit_results);

  // Merge in unit order (discovery order), whatever order the workers finished in.
  for (UnitResult& unit : unit_results) {
    for (Identity& identity : unit.out.identities) result.identities.push_back(std::move(identity));
    for (Observation& observation : unit.out.observations) result.observations.push_back(std::move(observation));
    for (Diagnostic& diagnostic : unit.out.diagnostics) result.diagnostics.push_back(std::move(diagnostic));
    for (InlineException& exception : unit.exceptions) result.exceptions.push_back(std::move(exception));
    for (FileSummary& file : unit.files) result.files.push_back(std::move(file));
  }
  unit_results.clear();

  // The ownership inventory.
  std::optional<InventoryFile> inventory;
  std::string inventory_path = options.inventory_file;
  if (inventory_path.empty()) {
    const std::string candidate = options.root + "/nhi-inventory.toml";
    if (std::ifstream(candidate).good()) inventory_path = candidate;
  }
  if (!inventory_path.empty()) {
    std::string relative = inventory_path;
    if (starts_with(inventory_path, options.root + "/")) relative = inventory_path.substr(options.root.size() + 1);
    inventory = load_inventory(inventory_path, relative, options.synonyms, result.diagnostics);
  }

  merge_identities(result.identities);
  GovernanceOptions governance_options;
  governance_options.synonyms = options.synonyms;
  governance_options.inventory = inventory ? &*inventory : nullptr;
  resolve_governance(result.identities, governance_options);
  inherit_governance(result.identities);
  apply_observations(result.identities, result.observations);

  // Rules.
  std::vector<ExceptionRecord> exception_records;
  const RuleContext context{result.identities, result.observations, exception_records, options.today, options.settings};
  for (const auto& rule : rule_catalogue()) {
    const std::string id = rule->info().id;
    if (std::find(options.disabled_rules.begin(), options.disabled_rules.end(), id) != options.disabled_rules.end()) {
      continue;
    }
    std::vector<Finding> findings;
    rule->check(context, findings);
    const auto override = options.severity_overrides.find(id);
    for (Finding& finding : findings) {
      if (override != options.severity_overrides.end()) finding.severity = override->second;
      finding.fingerprint = fingerprint(finding);
      result.findings.push_back(std::move(finding));
    }
  }

  std::sort(result.findings.begin(), result.findings.end(), finding_order);
  apply_inline_exceptions(result, exception_records);

  if (!options.report_only.empty()) {
    const std::set<std::string> only(options.report_only.begin(), options.report_only.end());
    result.findings.erase(std::remove_if(result.findings.begin(), result.findings.end(),
                                         [&](const Finding& finding) { return !only.count(finding.location.file); }),
                          result.findings.end());
  }
  std::stable_sort(result.diagnostics.begin(), result.diagnostics.end(), diagnostic_order);
  return result;
}

}  // namespace nhiscan
