#include "fuzz/front_ends.h"

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "scanner/comments.h"
#include "scanner/discover.h"
#include "scanner/extract/azure_pipelines.h"
#include "scanner/extract/bitbucket.h"
#include "scanner/extract/circleci.h"
#include "scanner/extract/github_actions.h"
#include "scanner/extract/gitlab_ci.h"
#include "scanner/extract/helm.h"
#include "scanner/extract/kubernetes.h"
#include "scanner/extract/secrets.h"
#include "scanner/extract/terraform.h"
#include "scanner/hcl.h"
#include "scanner/metadata.h"
#include "scanner/source.h"
#include "scanner/yaml.h"

namespace nhiscan::fuzz {

namespace {

// Small limits keep each input fast; the limit paths themselves get exercised too.
constexpr HclLimits kHclLimits{64};
constexpr YamlLimits kYamlLimits{64, 20000};

void read_directives(const CommentIndex& index) {
  for (const Comment& comment : index.comments()) {
    if (const auto directive = parse_directive(comment.body)) {
      if (!directive->until.empty()) Date::parse(directive->until);
      index.scope(comment);
    }
    parse_metadata_comment(comment.body);
  }
}

void add_spans(const std::vector<HclBlock>& blocks, std::vector<Span>& spans) {
  for (const HclBlock& block : blocks) {
    spans.push_back({block.start.line, std::max(block.end.line, block.start.line)});
    add_spans(block.blocks, spans);
  }
}

}  // namespace

void scan_terraform(std::string_view bytes, bool json) {
  DecodedSource decoded = decode_source(bytes);
  if (!decoded.ok) return;
  std::vector<Diagnostic> diagnostics;
  auto file = std::make_unique<TerraformFile>();
  file->source = SourceText(json ? "main.tf.json" : "main.tf", std::move(decoded.text));
  file->hcl = json ? parse_terraform_json(file->source, kHclLimits, diagnostics)
                   : parse_hcl(file->source, kHclLimits, diagnostics);
  std::vector<Span> spans;
  add_spans(file->hcl.blocks, spans);
  file->comments = CommentIndex(file->source, hcl_comments(file->hcl), std::move(spans));
  read_directives(file->comments);
  const std::vector<SecretMatch> matches = find_secret_formats(file->source.text());

  ExtractOutput out;
  extract_tfvars_secrets(file->source, file->hcl, out);
  TerraformModule module;
  const std::set<std::string> scanned{""};
  module.scanned_modules = &scanned;
  module.files.push_back(std::move(file));
  extract_terraform(module, out);
  // A call of "./" is a call of the module itself: one level of instances is enough
  // to reach argument binding, for_each and count expansion.
  for (const LocalModuleCall& call : local_module_calls(module)) {
    if (call.directory != module.directory) continue;
    for (const ModuleInstance& instance : instantiate_call(module, nullptr, call)) {
      extract_terraform(module, out, &instance);
    }
  }
  add_unowned_secrets(module.files.front()->source, matches, out);
}

void scan_yaml(std::string_view bytes, uint8_t selector) {
  static const FileKind kKinds[] = {FileKind::yaml,          FileKind::github_workflow, FileKind::github_action,
                                    FileKind::helm_template, FileKind::gitlab_ci,       FileKind::helm_values,
                                    FileKind::azure_pipelines, FileKind::bitbucket,     FileKind::circleci};
  const FileKind kind = kKinds[(selector & 0x7F) % (sizeof kKinds / sizeof kKinds[0])];
  const bool prefilter = (selector & 0x80) != 0;

  DecodedSource decoded = decode_source(bytes);
  if (!decoded.ok) return;
  const SourceText written("input.yaml", std::move(decoded.text));
  const std::vector<SecretMatch> matches = find_secret_formats(written.text());
  // A Helm template is parsed after its actions are made inert, as the scan does.
  NeutralisedTemplate neutralised;
  if (kind == FileKind::helm_template) neutralised = neutralise_helm_template(written.text());
  const SourceText source = kind == FileKind::helm_template ? SourceText("input.yaml", neutralised.text) : written;
  std::vector<Diagnostic> diagnostics;
  ExtractOutput out;
  const std::vector<YamlChunk> chunks = split_yaml_documents(source.text());

  std::vector<YamlDocument> documents;
  for (const YamlChunk& chunk : chunks) {
    if (prefilter && (kind == FileKind::yaml || kind == FileKind::helm_template) && !chunk.kind.empty() &&
        !is_kubernetes_identity_kind(chunk.kind)) {
      continue;
    }
    auto document = parse_yaml_document(source, chunk, kYamlLimits, diagnostics);
    if (document && !document->empty()) documents.push_back(std::move(*document));
  }
  std::vector<Span> spans;
  for (const YamlDocument& document : documents) {
    document.walk([&](YamlId id) {
      const YamlNode& node = document.node(id);
      spans.push_back({node.line, std::max(node.end_line, node.line)});
    });
  }
  const CommentIndex index(source, yaml_comments(source), std::move(spans));
  read_directives(index);
  const FileView view{&source, &index};
  switch (kind) {
    case FileKind::github_workflow:
      extract_github_workflow(view, documents, out);
      break;
    case FileKind::github_action:
      extract_github_action(view, documents, out);
      break;
    case FileKind::yaml:
      if (looks_like_azure_pipeline(documents)) {
        extract_azure_pipelines(view, documents, out);
      } else {
        extract_kubernetes(view, documents, out);
      }
      break;
    case FileKind::azure_pipelines:
      extract_azure_pipelines(view, documents, out);
      break;
    case FileKind::bitbucket:
      extract_bitbucket(view, documents, out);
      break;
    case FileKind::circleci:
      extract_circleci(view, documents, out);
      break;
    case FileKind::gitlab_ci:
      extract_gitlab_pipeline({GitlabFile{view, &documents}}, out);
      break;
    case FileKind::helm_values:
    case FileKind::helm_template: {
      HelmFile file;
      file.view = view;
      file.documents = &documents;
      file.values = kind == FileKind::helm_values;
      file.original = written.text();
      file.hidden_output = &neutralised.hidden_output;
      extract_helm_chart({file}, out);
      break;
    }
    default:
      break;
  }
  add_unowned_secrets(written, matches, out);
}

}  // namespace nhiscan::fuzz
