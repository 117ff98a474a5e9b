#include "scanner/extract/kustomize.h"

#include "scanner/comments.h"
#include "scanner/extract/kubernetes.h"
#include "scanner/extract/kubernetes_names.h"
#include "scanner/text.h"

namespace nhiscan {

namespace {

/// The selector of a `patches` or `patchesJson6902` entry.
struct Target {
  std::string kind;
  std::string name;
  std::string namespace_;
};

Target read_target(const YamlDocument& doc, YamlId entry) {
  const YamlId target = doc.get(entry, "target");
  return {std::string(doc.scalar(doc.get(target, "kind"))), std::string(doc.scalar(doc.get(target, "name"))),
          std::string(doc.scalar(doc.get(target, "namespace")))};
}

/// Undo the escapes of a JSON pointer segment: `~1` is `/`, `~0` is `~`.
std::string unescape_pointer(std::string_view segment) {
  return replace_all(replace_all(std::string(segment), "~1", "/"), "~0", "~");
}

class PatchReader {
 public:
  PatchReader(const FileView& file, const YamlDocument& document, ExtractOutput& out)
      : file_(file), doc_(document), out_(out) {}

  void read(YamlId root) {
    const YamlId patches = doc_.get(root, "patches");
    if (doc_.is_sequence(patches)) {
      for (const YamlId entry : doc_.node(patches).items) inline_patch(doc_.get(entry, "patch"), read_target(doc_, entry));
    }
    const YamlId strategic = doc_.get(root, "patchesStrategicMerge");
    if (doc_.is_sequence(strategic)) {
      for (const YamlId item : doc_.node(strategic).items) inline_patch(item, Target{});
    }
    const YamlId json = doc_.get(root, "patchesJson6902");
    if (doc_.is_sequence(json)) {
      for (const YamlId entry : doc_.node(json).items) inline_patch(doc_.get(entry, "patch"), read_target(doc_, entry));
    }
  }

 private:
  // A patch given as a file path is read when that file is scanned; only literal block
  // scalars hold YAML as written.
  void inline_patch(YamlId value, const Target& target) {
    if (!doc_.is_scalar(value) || !doc_.node(value).block) return;
    EmbeddedYaml embedded = parse_embedded_yaml(*file_.source, doc_.node(value), YamlLimits{}, out_.diagnostics);
    if (embedded.documents.empty()) return;
    const CommentIndex index(embedded.source, yaml_comments(embedded.source), {});
    const FileView view{&embedded.source, &index};

    std::vector<YamlDocument> objects;
    for (YamlDocument& document : embedded.documents) {
      if (document.is_sequence(document.root)) {
        json_patch(view, document, target);
        continue;
      }
      retarget(document, target);
      objects.push_back(std::move(document));
    }
    ManifestOptions options;
    options.patch = true;
    extract_kubernetes(view, objects, out_, options);
  }

  // With a target, Kustomize applies the patch to what the target selects, and the
  // patch's own metadata.name is often a placeholder ("not-important").
  static void retarget(YamlDocument& document, const Target& target) {
    if (target.name.empty() || target.kind != document.scalar(document.get(document.root, "kind"))) return;
    if (target.name.find_first_of("*?[(|^$") != std::string::npos) return;  // a pattern, not a name
    const YamlId name = document.path(document.root, {"metadata", "name"});
    if (document.is_scalar(name)) document.nodes[name].value = target.name;
    const YamlId ns = document.path(document.root, {"metadata", "namespace"});
    if (!target.namespace_.empty() && document.is_scalar(ns)) document.nodes[ns].value = target.namespace_;
  }

  // JSON 6902 operations that add workload-identity annotations to a ServiceAccount:
  // `path: /metadata/annotations/iam.gke.io~1gcp-service-account` with the value, or
  // `path: /metadata/annotations` with a mapping.
  void json_patch(const FileView& view, const YamlDocument& document, const Target& target) {
    if (target.kind != "ServiceAccount" || target.name.empty()) return;
    Identity account;
    account.id = kubernetes_service_account_id(target.namespace_, target.name);
    account.kind = IdentityKind::service_account;
    account.platform = "kubernetes";
    account.origin = Origin::referenced;
    account.name = (target.namespace_.empty() ? std::string("default") : target.namespace_) + "/" + target.name;
    const auto at = [&](YamlId id) {
      return view.source->location(document.node(id).line, document.node(id).column);
    };
    for (const YamlId op : document.node(document.root).items) {
      const std::string kind(document.scalar(document.get(op, "op")));
      if (kind != "add" && kind != "replace") continue;
      const std::string path(document.scalar(document.get(op, "path")));
      const YamlId value = document.get(op, "value");
      if (!account.location.valid()) account.location = at(op);
      static const std::string kPrefix = "/metadata/annotations";
      if (path == kPrefix && document.is_mapping(value)) {
        for (const YamlEntry& entry : document.node(value).entries) {
          const std::string linked = workload_identity_target(document.node(entry.key).value,
                                                              std::string(document.scalar(entry.value)));
          if (!linked.empty()) account.links.push_back({LinkType::federated_with, linked, at(entry.value)});
        }
      } else if (starts_with(path, kPrefix + "/") && document.is_scalar(value)) {
        const std::string linked =
            workload_identity_target(unescape_pointer(path.substr(kPrefix.size() + 1)), document.node(value).value);
        if (!linked.empty()) account.links.push_back({LinkType::federated_with, linked, at(value)});
      }
    }
    if (!account.links.empty()) out_.identities.push_back(std::move(account));
  }

  const FileView& file_;
  const YamlDocument& doc_;
  ExtractOutput& out_;
};

}  // namespace

EmbeddedYaml parse_embedded_yaml(const SourceText& source, const YamlNode& block, const YamlLimits& limits,
                                 std::vector<Diagnostic>& diagnostics) {
  EmbeddedYaml result;
  // A folded scalar (`>`) joins its lines: it is not YAML as written.
  const std::string_view first = source.line(block.line);
  const std::size_t indicator = block.column ? block.column - 1 : 0;
  if (block.type != YamlNode::Type::scalar || indicator >= first.size() || first[indicator] != '|') return result;
  const uint32_t begin = block.line + 1;
  const uint32_t end = std::min<uint32_t>(block.end_line, static_cast<uint32_t>(source.line_count()));
  if (end < begin) return result;

  std::string text;
  std::vector<uint32_t> markers;  // lines that start a new document
  for (uint32_t line = 1; line <= source.line_count(); ++line) {
    if (line >= begin && line <= end) {
      const std::string_view content = source.line(line);
      const std::string_view trimmed = trim(content);
      if (trimmed == "---" || starts_with(trimmed, "--- ")) {
        markers.push_back(line);
      } else {
        text.append(content);
      }
    }
    text.push_back('\n');
  }
  result.source = SourceText(source.path(), std::move(text));

  std::vector<std::pair<uint32_t, uint32_t>> ranges;
  uint32_t start = begin;
  for (const uint32_t marker : markers) {
    if (marker > start) ranges.emplace_back(start, marker - 1);
    start = marker + 1;
  }
  if (start <= end) ranges.emplace_back(start, end);
  for (const auto& [from, to] : ranges) {
    YamlChunk chunk;
    chunk.begin = result.source.line_offset(from);
    chunk.end = result.source.line_offset(to + 1);
    chunk.first_line = from;
    auto document = parse_yaml_document(result.source, chunk, limits, diagnostics);
    if (document && !document->empty()) result.documents.push_back(std::move(*document));
  }
  return result;
}

void extract_kustomize_patches(const FileView& file, const YamlDocument& document, YamlId root, ExtractOutput& out) {
  PatchReader(file, document, out).read(root);
}

}  // namespace nhiscan
