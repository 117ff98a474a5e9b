#include "scanner/engine.h"

#include <algorithm>
#include <atomic>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <thread>

#include "scanner/correlate.h"
#include "scanner/exceptions.h"
#include "scanner/extract/azure_pipelines.h"
#include "scanner/extract/bitbucket.h"
#include "scanner/extract/circleci.h"
#include "scanner/extract/github_actions.h"
#include "scanner/extract/gitlab_ci.h"
#include "scanner/extract/helm.h"
#include "scanner/extract/kubernetes.h"
#include "scanner/extract/secrets.h"
#include "scanner/extract/terraform.h"
#include "scanner/governance.h"
#include "scanner/inventory_file.h"
#include "scanner/sort.h"
#include "scanner/text.h"

namespace nhiscan {

namespace {

/// What one unit of work (a Terraform module or a single YAML file) produced.
struct UnitResult {
  ExtractOutput out;
  std::vector<InlineException> exceptions;
  std::vector<FileSummary> files;
  std::unique_ptr<TerraformModule> module;  // Terraform units: parsed, extracted in a second phase
  /// Known secret formats found in the raw text of the module's files, attached to an
  /// identity (or given one of their own) once every module has been extracted.
  std::vector<std::pair<const TerraformFile*, std::vector<SecretMatch>>> secret_matches;
  /// Files of a module extracted in the first phase, kept (without their parse) only
  /// for their secret matches.
  std::vector<std::unique_ptr<TerraformFile>> kept_files;
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

  DecodedSource decoded = decode_source_in_place(std::move(bytes));
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
  SourceText source(file.relative, std::move(decoded.text));
  for (uint32_t line = 1; line <= source.line_count(); ++line) {
    const std::size_t length = source.line(line).size();
    if (length <= options.limits.max_line_length) continue;
    diagnostics.push_back({Diagnostic::Level::warning, file.relative, line,
                           "line is " + std::to_string(length) + " bytes long, more than the limit of " +
                               std::to_string(options.limits.max_line_length) +
                               " bytes; file skipped (see --max-line-length)"});
    return std::nullopt;
  }
  return source;
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
  /// Known secret formats in the text as written (Helm templates: before neutralisation),
  /// with the text they are located in.
  std::vector<SecretMatch> secret_matches;
  std::optional<SourceText> written;  // set only when it differs from `source`

  FileView view() const { return {&source, &index}; }
  const SourceText& secret_source() const { return written ? *written : source; }
};

/// Give the known secret formats no extractor recorded an identity of their own.
void add_secrets(const LoadedYaml& loaded, ExtractOutput& out) {
  add_unowned_secrets(loaded.secret_source(), loaded.secret_matches, out);
}

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
  // Known credential formats are looked for in the whole text as written, so that
  // documents and files that are not parsed below are covered too.
  loaded->secret_matches = find_secret_formats(source->text());
  const bool helm_template = kind == FileKind::helm_template;
  std::vector<Diagnostic> template_diagnostics;
  std::vector<Diagnostic>& parse_diagnostics = helm_template ? template_diagnostics : result.out.diagnostics;
  if (helm_template) {
    NeutralisedTemplate neutralised = neutralise_helm_template(source->text());
    loaded->original = source->text();
    loaded->hidden_output = std::move(neutralised.hidden_output);
    loaded->source = SourceText(file.relative, std::move(neutralised.text));
    loaded->written = std::move(*source);
  } else {
    loaded->source = std::move(*source);
  }

  const std::vector<YamlChunk> chunks = split_yaml_documents(loaded->source.text());
  summary.documents = static_cast<uint32_t>(chunks.size());
  if (chunks.size() > options.limits.max_documents) {
    result.out.diagnostics.push_back({Diagnostic::Level::warning, file.relative, 0,
                                      "file has " + std::to_string(chunks.size()) + " YAML documents, more than the limit of " +
                                          std::to_string(options.limits.max_documents) + "; skipped"});
    add_secrets(*loaded, result.out);
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
  // After the extractors, which record the values whose owner they know.
  add_secrets(*loaded, result.out);
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
  for (const auto& one : loaded) add_secrets(*one, result.out);
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
  for (const auto& one : loaded) add_secrets(*one, result.out);
}

/// The output of reading one Terraform file. The files of a module are read in
/// parallel and joined into its UnitResult in file order.
struct TerraformFileResult {
  ExtractOutput out;
  std::vector<InlineException> exceptions;
  FileSummary summary;
  std::unique_ptr<TerraformFile> parsed;  // null for skipped files and .tfvars
  std::vector<SecretMatch> secret_matches;
};

void process_terraform_file(const DiscoveredFile& file, const ScanOptions& options, TerraformFileResult& result) {
  FileSummary& summary = result.summary;
  summary.path = file.relative;
  summary.kind = file.kind;
  auto source = read_source(file, options, result.out.diagnostics);
  if (!source) {
    summary.skipped = true;
    return;
  }

  auto parsed = std::make_unique<TerraformFile>();
  parsed->source = std::move(*source);
  if (file.kind == FileKind::terraform_json) {
    parsed->hcl = parse_terraform_json(parsed->source, options.limits.hcl, result.out.diagnostics);
  } else {
    parsed->hcl = parse_hcl(parsed->source, options.limits.hcl, result.out.diagnostics);
  }
  std::vector<Span> spans;
  add_block_spans(parsed->hcl.blocks, spans);
  parsed->comments = CommentIndex(parsed->source, hcl_comments(parsed->hcl), std::move(spans));
  result.exceptions = read_exceptions(parsed->source, parsed->comments, result.out.diagnostics);
  summary.documents = summary.parsed_documents = 1;

  std::vector<SecretMatch> matches = find_secret_formats(parsed->source.text());
  // .tfvars files hold values, not declarations; they are read for syntax, comments
  // and literal secrets.
  if (file.kind == FileKind::terraform_vars) {
    extract_tfvars_secrets(parsed->source, parsed->hcl, result.out);
    add_unowned_secrets(parsed->source, matches, result.out);
    return;
  }
  result.secret_matches = std::move(matches);
  result.parsed = std::move(parsed);
}

/// Join the files of a Terraform module, in file order, into the unit's result.
void join_terraform_files(const Unit& unit, std::vector<TerraformFileResult>& files, UnitResult& result) {
  result.module = std::make_unique<TerraformModule>();
  result.module->directory = unit.directory;
  for (TerraformFileResult& file : files) {
    for (Identity& identity : file.out.identities) result.out.identities.push_back(std::move(identity));
    for (Observation& observation : file.out.observations) result.out.observations.push_back(std::move(observation));
    for (Diagnostic& diagnostic : file.out.diagnostics) result.out.diagnostics.push_back(std::move(diagnostic));
    for (InlineException& exception : file.exceptions) result.exceptions.push_back(std::move(exception));
    result.files.push_back(std::move(file.summary));
    if (!file.parsed) continue;
    result.secret_matches.emplace_back(file.parsed.get(), std::move(file.secret_matches));
    result.module->files.push_back(std::move(file.parsed));
  }
}

/// Runs `work(index)` for every index below `count` on the worker pool.
template <typename Work>
void parallel_for(std::size_t count, unsigned jobs, const Work& work) {
  jobs = std::min<unsigned>(jobs, static_cast<unsigned>(std::max<std::size_t>(count, 1)));
  std::atomic<std::size_t> next{0};
  const auto loop = [&] {
    while (true) {
      const std::size_t index = next.fetch_add(1);
      if (index >= count) return;
      work(index);
    }
  };
  if (jobs <= 1) {
    loop();
    return;
  }
  std::vector<std::thread> threads;
  for (unsigned i = 0; i < jobs; ++i) threads.emplace_back(loop);
  for (std::thread& thread : threads) thread.join();
}

constexpr int kMaxModuleDepth = 8;

/// Extract the identities of `module` as called through `instance`, then of every
/// local module it calls, in turn. `chain` holds the directories being instantiated,
/// so that a module calling itself, directly or not, is reported instead of followed.
void extract_module_calls(const std::map<std::string, const TerraformModule*>& modules, const TerraformModule& module,
                          const ModuleInstance* instance, std::vector<std::string>& chain, ExtractOutput& out,
                          std::set<std::string>& reached) {
  for (const LocalModuleCall& call : local_module_calls(module)) {
    const auto target = modules.find(call.directory);
    if (target == modules.end()) continue;  // not in the scan: nothing to read
    const Location site = call.file->source.location(call.block->start.line, call.block->start.column);
    if (std::find(chain.begin(), chain.end(), call.directory) != chain.end()) {
      out.diagnostics.push_back({Diagnostic::Level::warning, site.file, site.line,
                                 "module \"" + call.name + "\" calls " + call.directory +
                                     ", which is already being expanded (a module cycle); not followed"});
      continue;
    }
    if (static_cast<int>(chain.size()) >= kMaxModuleDepth) {
      out.diagnostics.push_back({Diagnostic::Level::warning, site.file, site.line,
                                 "module \"" + call.name + "\" is nested more than " + std::to_string(kMaxModuleDepth) +
                                     " levels deep; not followed"});
      continue;
    }
    reached.insert(call.directory);
    for (const ModuleInstance& called : instantiate_call(module, instance, call)) {
      extract_terraform(*target->second, out, &called);
      chain.push_back(call.directory);
      extract_module_calls(modules, *target->second, &called, chain, out, reached);
      chain.pop_back();
    }
  }
}

/// Second phase for Terraform. A module that no other module of the scan calls is
/// extracted as written, together with every local module it calls (as instances at
/// the call site, arguments bound). A module that is called is reported through its
/// calls; declarations of it that no call creates (a count or for_each that every
/// call leaves empty, or no call reaching it, as in a cycle) are extracted as written,
/// so that every declaration appears at least once.
void extract_terraform_units(std::vector<UnitResult>& results, unsigned jobs, const std::set<std::string>& scanned) {
  std::map<std::string, const TerraformModule*> modules;
  std::vector<std::size_t> terraform;
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (!results[i].module) continue;
    modules[results[i].module->directory] = results[i].module.get();
    terraform.push_back(i);
  }
  for (const std::size_t index : terraform) results[index].module->scanned_modules = &scanned;
  std::set<std::string> called;
  for (const auto& [directory, module] : modules) {
    for (const LocalModuleCall& call : local_module_calls(*module)) {
      if (modules.count(call.directory) && call.directory != directory) called.insert(call.directory);
    }
  }

  std::vector<std::set<std::string>> reached(results.size());
  parallel_for(terraform.size(), jobs, [&](std::size_t slot) {
    UnitResult& result = results[terraform[slot]];
    const TerraformModule& module = *result.module;
    if (called.count(module.directory)) return;
    try {
      extract_terraform(module, result.out);
      std::vector<std::string> chain{module.directory};
      extract_module_calls(modules, module, nullptr, chain, result.out, reached[terraform[slot]]);
    } catch (const std::exception& error) {
      result.out.diagnostics.push_back({Diagnostic::Level::error, module.directory, 0,
                                        std::string("internal error while reading this module: ") + error.what()});
    }
  });

  // Which declarations of each called module some call created.
  std::map<std::string, std::set<std::string>> created;
  for (const std::size_t index : terraform) {
    for (const Identity& identity : results[index].out.identities) {
      const auto directory = identity.attributes.find("module_directory");
      const auto address = identity.attributes.find("terraform_address");
      if (directory != identity.attributes.end() && address != identity.attributes.end()) {
        created[directory->second].insert(address->second);
      }
    }
  }
  std::vector<std::size_t> called_units;
  for (const std::size_t index : terraform) {
    if (called.count(results[index].module->directory)) called_units.push_back(index);
  }
  parallel_for(called_units.size(), jobs, [&](std::size_t slot) {
    UnitResult& result = results[called_units[slot]];
    const TerraformModule& module = *result.module;
    ExtractOutput written;
    try {
      extract_terraform(module, written);
    } catch (const std::exception& error) {
      result.out.diagnostics.push_back({Diagnostic::Level::error, module.directory, 0,
                                        std::string("internal error while reading this module: ") + error.what()});
      return;
    }
    const auto made = created.find(module.directory);
    std::vector<bool> keep(written.identities.size(), false);
    std::map<std::string, std::size_t> by_id;
    for (std::size_t i = 0; i < written.identities.size(); ++i) {
      const Identity& identity = written.identities[i];
      by_id.emplace(identity.id, i);
      const auto address = identity.attributes.find("terraform_address");
      keep[i] = made == created.end() || address == identity.attributes.end() || !made->second.count(address->second);
    }
    // A credential kept as written keeps its account too, even when calls create that
    // account: a key must not point at an account the report leaves out.
    for (std::size_t i = 0; i < written.identities.size(); ++i) {
      if (!keep[i]) continue;
      for (const Link& link : written.identities[i].links) {
        if (link.type != LinkType::key_of && link.type != LinkType::token_of) continue;
        const auto target = by_id.find(link.target);
        if (target != by_id.end()) keep[target->second] = true;
      }
    }
    for (std::size_t i = 0; i < written.identities.size(); ++i) {
      if (keep[i]) result.out.identities.push_back(std::move(written.identities[i]));
    }
    for (Observation& observation : written.observations) result.out.observations.push_back(std::move(observation));
    for (Diagnostic& diagnostic : written.diagnostics) result.out.diagnostics.push_back(std::move(diagnostic));
  });
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

/// Returns the number of worker threads: --jobs, or else one per core.
unsigned worker_count(const ScanOptions& options) {
  return options.jobs ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
}

/// Return whether `text` has `source = <<`, a heredoc where a module source may be.
bool has_heredoc_source(std::string_view text) {
  for (std::size_t at = text.find("source"); at != std::string_view::npos; at = text.find("source", at + 1)) {
    std::size_t i = at + 6;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    if (i >= text.size() || text[i] != '=') continue;
    ++i;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    if (text.substr(i, 2) == "<<") return true;
  }
  return false;
}

/// Directories that a local module call in the scan may name: every quoted literal of
/// a Terraform file that can read as a local path, resolved from its directory. A
/// superset of the real calls, because a call's source must be a literal string.
/// nullopt when some file has a literal that cannot be read without decoding it (an
/// escape) or a heredoc source: then any module may be called.
std::optional<std::set<std::string>> possible_callees(const std::vector<Unit>& units, const ScanOptions& options) {
  std::vector<std::pair<const DiscoveredFile*, const std::string*>> files;
  for (const Unit& unit : units) {
    if (!unit.terraform) continue;
    for (const DiscoveredFile* file : unit.files) files.emplace_back(file, &unit.directory);
  }
  std::vector<std::set<std::string>> found(files.size());
  std::atomic<bool> unknown{false};
  parallel_for(files.size(), worker_count(options), [&](std::size_t index) {
    const auto& [file, directory] = files[index];
    std::ifstream input(file->absolute, std::ios::binary);
    std::string bytes;
    bytes.resize(static_cast<std::size_t>(std::min<uintmax_t>(file->size, options.limits.max_file_size)));
    input.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    bytes.resize(static_cast<std::size_t>(std::max<std::streamsize>(input.gcount(), 0)));
    const DecodedSource decoded = decode_source_in_place(std::move(bytes));
    if (!decoded.ok) return;  // not read by the scan either
    const std::string& text = decoded.text;
    if (has_heredoc_source(text)) {
      unknown = true;
      return;
    }
    for (std::size_t quote = text.find('"'); quote != std::string::npos; quote = text.find('"', quote + 1)) {
      const std::size_t begin = quote + 1;
      if (begin >= text.size()) break;
      const char first = text[begin];
      const bool escape = first == '\\' && begin + 1 < text.size() && (text[begin + 1] == 'u' || text[begin + 1] == 'U');
      if (first != '.' && !escape) continue;
      // The literal's end: the next quote that no backslash escapes.
      std::size_t end = begin;
      bool backslash = false;
      while (end < text.size() && text[end] != '"' && text[end] != '\n') {
        if (text[end] == '\\') {
          backslash = true;
          ++end;
        }
        ++end;
      }
      if (backslash) {
        unknown = true;
        return;
      }
      const std::string target = resolve_local_source(*directory, text.substr(begin, end - begin));
      if (!target.empty()) found[index].insert(target == "." ? std::string() : target);
      quote = std::min(end, text.size() - 1);
    }
  });
  if (unknown) return std::nullopt;
  std::set<std::string> callees;
  for (std::set<std::string>& part : found) callees.insert(part.begin(), part.end());
  return callees;
}

/// Extract a module that no module of the scan can call and that calls none right
/// after it is read, as the second phase would, and drop its parse: only what its
/// secret matches need is kept.
void extract_independent_module(UnitResult& result, const std::set<std::string>& scanned) {
  TerraformModule& module = *result.module;
  module.scanned_modules = &scanned;
  try {
    extract_terraform(module, result.out);
  } catch (const std::exception& error) {
    result.out.diagnostics.push_back({Diagnostic::Level::error, module.directory, 0,
                                      std::string("internal error while reading this module: ") + error.what()});
  }
  std::set<const TerraformFile*> with_matches;
  for (const auto& [file, matches] : result.secret_matches) {
    if (!matches.empty()) with_matches.insert(file);
  }
  for (std::unique_ptr<TerraformFile>& file : module.files) {
    if (!with_matches.count(file.get())) continue;
    file->hcl = HclFile();
    file->comments = CommentIndex();
    result.kept_files.push_back(std::move(file));
  }
  result.module.reset();
}

/// Return whether `module` calls none of the scanned modules.
bool calls_no_scanned_module(const TerraformModule& module, const std::set<std::string>& scanned) {
  for (const LocalModuleCall& call : local_module_calls(module)) {
    if (scanned.count(call.directory)) return false;
  }
  return true;
}

/// Read every unit on the worker pool. A Terraform module is joined when its last file
/// is read. If `callees` rules it out as a call target and it calls no module of
/// `scanned` (every module directory of the scan), it is extracted at once.
void run_units(const std::vector<Unit>& units, const ScanOptions& options, const std::set<std::string>& scanned,
               const std::optional<std::set<std::string>>& callees, std::vector<UnitResult>& results) {
  results.resize(units.size());
  std::vector<std::vector<TerraformFileResult>> terraform_files(units.size());
  std::vector<std::atomic<std::size_t>> unread(units.size());
  for (std::size_t i = 0; i < units.size(); ++i) unread[i] = units[i].files.size();
  const auto finish_terraform_unit = [&](std::size_t index) {
    join_terraform_files(units[index], terraform_files[index], results[index]);
    UnitResult& result = results[index];
    if (!options.prefilter || !callees || callees->count(result.module->directory)) return;
    if (calls_no_scanned_module(*result.module, scanned)) extract_independent_module(result, scanned);
  };

  // Tasks: one per YAML file and one per Terraform file, so that a large module is
  // read by several workers. A GitLab pipeline or a Helm chart is read whole by one
  // task, because its files are extracted together.
  constexpr std::size_t kWholeUnit = static_cast<std::size_t>(-1);
  struct Task {
    std::size_t unit;
    std::size_t file;  // index within the unit, or kWholeUnit
    uintmax_t size;
  };
  std::vector<Task> tasks;
  std::size_t files_total = 0;
  for (std::size_t i = 0; i < units.size(); ++i) {
    files_total += units[i].files.size();
    if (units[i].gitlab_pipeline || units[i].helm_chart) {
      uintmax_t size = 0;
      for (const DiscoveredFile* file : units[i].files) size += file->size;
      tasks.push_back({i, kWholeUnit, size});
      continue;
    }
    if (units[i].terraform) terraform_files[i].resize(units[i].files.size());
    for (std::size_t k = 0; k < units[i].files.size(); ++k) tasks.push_back({i, k, units[i].files[k]->size});
  }
  // Biggest first, so that one large file does not finish last on its own.
  std::stable_sort(tasks.begin(), tasks.end(), [](const Task& a, const Task& b) { return a.size > b.size; });

  std::atomic<std::size_t> files_read{0};
  unsigned jobs = worker_count(options);
  jobs = std::min<unsigned>(jobs, static_cast<unsigned>(std::max<std::size_t>(tasks.size(), 1)));
  parallel_for(tasks.size(), jobs, [&](std::size_t slot) {
    const Task& task = tasks[slot];
    const Unit& unit = units[task.unit];
    const bool whole = task.file == kWholeUnit;
    const DiscoveredFile& file = *unit.files[whole ? 0 : task.file];
    try {
      if (unit.gitlab_pipeline) {
        process_gitlab_pipeline(unit, options, results[task.unit]);
      } else if (unit.helm_chart) {
        process_helm_chart(unit, options, results[task.unit]);
      } else if (unit.terraform) {
        process_terraform_file(file, options, terraform_files[task.unit][task.file]);
      } else {
        process_yaml(file, options, results[task.unit]);
      }
    } catch (const std::exception& error) {
      // A defect in an extractor must not end the scan: report it against the file.
      ExtractOutput& out = unit.terraform ? terraform_files[task.unit][task.file].out : results[task.unit].out;
      out.diagnostics.push_back({Diagnostic::Level::error, file.relative, 0,
                                 std::string("internal error while reading this file: ") + error.what()});
    }
    if (unit.terraform && --unread[task.unit] == 0) finish_terraform_unit(task.unit);
    const std::size_t count = whole ? unit.files.size() : 1;
    const std::size_t read = files_read.fetch_add(count) + count;
    if (options.progress) options.progress(read, files_total);
  });
}

/// Point each finding at the declarations its identity is connected to (the account of
/// a key, the resource that sets a CI secret, the cloud identity a ServiceAccount
/// federates with), so that SARIF viewers can show the whole chain.
void add_connected_locations(ScanResult& result) {
  constexpr std::size_t kMaxRelated = 6;
  std::map<std::string, const Identity*> by_id;
  for (const Identity& identity : result.identities) {
    if (identity.origin != Origin::referenced) by_id.emplace(identity.id, &identity);
  }
  for (Finding& finding : result.findings) {
    if (finding.identity.empty()) continue;
    const auto self = by_id.find(finding.identity);
    if (self == by_id.end()) continue;
    for (const Link& link : self->second->links) {
      if (finding.related.size() >= kMaxRelated) break;
      const auto target = by_id.find(link.target);
      if (target == by_id.end() || !target->second->location.valid()) continue;
      if (target->second->location == finding.location) continue;
      finding.related.push_back({target->second->location, replace_all(to_string(link.type), "_", " ") + " " +
                                                               target->second->id});
    }
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

void apply_config(const Config& config, ScanOptions& options) {
  options.synonyms = config.synonyms;
  options.settings = config.settings;
  options.disabled_rules = config.disabled_rules;
  options.severity_overrides = config.severities;
  options.excludes.insert(options.excludes.end(), config.excludes.begin(), config.excludes.end());
  options.configured_exceptions = config.exceptions;
  options.exception_policy = config.policy;
  if (options.inventory_file.empty()) options.inventory_file = config.inventory_file;
  const ConfigLimits& limits = config.limits;
  if (limits.max_file_size) options.limits.max_file_size = *limits.max_file_size;
  if (limits.max_line_length) options.limits.max_line_length = static_cast<uint32_t>(*limits.max_line_length);
  if (limits.max_yaml_depth) options.limits.yaml.max_depth = static_cast<uint32_t>(*limits.max_yaml_depth);
  if (limits.max_yaml_nodes) options.limits.yaml.max_nodes = static_cast<uint32_t>(*limits.max_yaml_nodes);
  if (limits.max_hcl_depth) options.limits.hcl.max_depth = static_cast<uint32_t>(*limits.max_hcl_depth);
  if (limits.max_documents) options.limits.max_documents = static_cast<uint32_t>(*limits.max_documents);
}

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
  discovery_options.jobs = worker_count(options);
  Discovery discovery = discover(options.paths, options.root, discovery_options);
  result.diagnostics = std::move(discovery.diagnostics);

  const std::vector<Unit> units = make_units(discovery, options);
  // Every Terraform module directory: a local module call into one of them is read as
  // an instance of it.
  std::set<std::string> scanned;
  for (const Unit& unit : units) {
    if (unit.terraform) scanned.insert(unit.directory);
  }
  // Modules that no call can reach need not stay parsed until the second phase. The
  // shortcut is off with --no-prefilter, which proves that it changes nothing.
  std::optional<std::set<std::string>> callees;
  if (options.prefilter) callees = possible_callees(units, options);
  std::vector<UnitResult> unit_results;
  run_units(units, options, scanned, callees, unit_results);
  const unsigned jobs = worker_count(options);
  if (options.stage) options.stage("reading Terraform modules");
  extract_terraform_units(unit_results, jobs, scanned);

  // Merge in unit order (discovery order), whatever order the workers finished in.
  ExtractOutput merged;
  for (UnitResult& unit : unit_results) {
    for (Identity& identity : unit.out.identities) merged.identities.push_back(std::move(identity));
    for (Observation& observation : unit.out.observations) result.observations.push_back(std::move(observation));
    for (Diagnostic& diagnostic : unit.out.diagnostics) result.diagnostics.push_back(std::move(diagnostic));
    for (InlineException& exception : unit.exceptions) result.exceptions.push_back(std::move(exception));
    for (FileSummary& file : unit.files) result.files.push_back(std::move(file));
  }
  // Secrets in Terraform files that no extractor attached to an identity; module calls
  // may have attached them from another unit, so this runs on the merged model.
  for (UnitResult& unit : unit_results) {
    for (const auto& [parsed, matches] : unit.secret_matches) add_unowned_secrets(parsed->source, matches, merged);
  }
  result.identities = std::move(merged.identities);
  unit_results.clear();

  // The ownership inventory.
  std::optional<InventoryFile> inventory;
  std::string inventory_path = options.inventory_file;
  if (inventory_path.empty()) {
    // The nearest nhi-inventory.toml from the scanned path up to the repository root.
    inventory_path = find_upward(options.paths.empty() ? options.root : options.paths.front(), "nhi-inventory.toml",
                                 options.root);
  }
  if (!inventory_path.empty()) {
    std::string relative = inventory_path;
    if (starts_with(inventory_path, options.root + "/")) relative = inventory_path.substr(options.root.size() + 1);
    inventory = load_inventory(inventory_path, relative, options.synonyms, result.diagnostics);
  }

  if (options.stage) options.stage("linking " + counted(result.identities.size(), "identity record", "identity records"));
  merge_identities(result.identities);
  GovernanceOptions governance_options;
  governance_options.synonyms = options.synonyms;
  governance_options.inventory = inventory ? &*inventory : nullptr;
  resolve_governance(result.identities, governance_options);
  inherit_governance(result.identities);
  correlate(result.identities);
  apply_observations(result.identities, result.observations);

  if (inventory) {
    for (const InventoryEntry& entry : inventory->entries) {
      if (entry.matched) continue;
      result.diagnostics.push_back({Diagnostic::Level::warning, entry.location.file, entry.location.line,
                                    "inventory entry '" + entry.pattern +
                                        "' matches no identity in the scan; remove it if the identity was offboarded"});
    }
  }

  // Rules, in two phases: the model rules, then the exception rules, which judge the
  // exceptions that the first phase's findings met.
  if (options.stage) options.stage("checking " + counted(result.identities.size(), "identity", "identities"));
  std::vector<ExceptionRecord> exception_records;
  const auto run_rules = [&](bool exception_phase) {
    const RuleContext context{result.identities, result.observations, exception_records, options.today,
                              options.settings};
    std::vector<Finding> produced;
    for (const auto& rule : rule_catalogue()) {
      const std::string id = rule->info().id;
      if ((std::string(rule->info().category) == "exceptions") != exception_phase) continue;
      if (std::find(options.disabled_rules.begin(), options.disabled_rules.end(), id) != options.disabled_rules.end()) {
        continue;
      }
      std::vector<Finding> findings;
      rule->check(context, findings);
      const auto override = options.severity_overrides.find(id);
      for (Finding& finding : findings) {
        if (override != options.severity_overrides.end()) finding.severity = override->second;
        finding.fingerprint = fingerprint(finding);
        produced.push_back(std::move(finding));
      }
    }
    return produced;
  };

  result.findings = run_rules(false);
  add_connected_locations(result);
  stable_sort_large(result.findings, finding_order);
  exception_records = apply_exceptions(result, options.configured_exceptions, options.exception_policy, options.baseline);
  for (Finding& finding : run_rules(true)) result.findings.push_back(std::move(finding));
  stable_sort_large(result.findings, finding_order);

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
