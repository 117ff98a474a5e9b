// YAML with positions, built from libyaml's event parser (Debian libyaml 0.2.5).
//
// The event parser applies no merge keys, keeps duplicate keys and drops comments.
// This layer splits a stream into documents itself (so one broken document does not
// hide the others), builds a compact tree in which an alias shares the anchored node
// instead of copying it, applies merge keys, records duplicates, and turns the
// parser's character columns into byte columns. libyaml was chosen over yaml-cpp 0.7
// and libfyaml 0.7 by parse speed on real repositories (bench/RESULTS.md).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scanner/model.h"
#include "scanner/source.h"

namespace nhiscan {

using YamlId = uint32_t;
constexpr YamlId kNoYamlNode = UINT32_MAX;

struct YamlEntry {
  YamlId key = kNoYamlNode;
  YamlId value = kNoYamlNode;
  /// Line of the `<<` key when this entry was pulled in by a merge key, else 0.
  uint32_t merge_line = 0;
};

struct YamlNode {
  enum class Type : uint8_t { null, scalar, sequence, mapping };
  Type type = Type::null;
  /// Scalar written without quotes or block indicator. Only plain scalars are
  /// resolved as booleans, numbers or null, and only a plain `<<` is a merge key.
  bool plain = true;
  bool block = false;    // literal (`|`) or folded (`>`) block scalar
  uint32_t line = 0;     // 1-based
  uint32_t column = 0;   // 1-based byte column
  uint32_t end_line = 0; // last line of the node's text, comments after it excluded
  std::string tag;       // explicit tag such as "!reference", empty otherwise
  std::string value;     // scalar text
  std::vector<YamlId> items;      // sequence
  std::vector<YamlEntry> entries; // mapping, merge keys applied
};

struct YamlDocument {
  std::vector<YamlNode> nodes;
  YamlId root = kNoYamlNode;
  uint32_t first_line = 0;  // first line of the document's text (its `---` if any)
  uint32_t last_line = 0;

  const YamlNode& node(YamlId id) const { return nodes[id]; }
  bool empty() const { return root == kNoYamlNode || nodes[root].type == YamlNode::Type::null; }

  /// Value of `key` in mapping `map`; the last occurrence wins, as in Kubernetes and
  /// Helm. Returns kNoYamlNode when `map` is not a mapping or lacks the key.
  YamlId get(YamlId map, std::string_view key) const;
  /// Entry of `key` (for the key's own position), or nullptr.
  const YamlEntry* entry(YamlId map, std::string_view key) const;
  /// Follow a path of mapping keys from `from`.
  YamlId path(YamlId from, std::initializer_list<std::string_view> keys) const;

  /// Scalar text of `id`, or empty when it is not a scalar.
  std::string_view scalar(YamlId id) const;
  bool is_mapping(YamlId id) const;
  bool is_sequence(YamlId id) const;
  bool is_scalar(YamlId id) const;
  /// YAML 1.1 boolean as Kubernetes reads it (true/false/yes/no/on/off/y/n, any case);
  /// nullopt when the node is not a plain boolean word.
  std::optional<bool> boolean(YamlId id) const;

  /// Call `visit` once per node reachable from the root, parents before children.
  /// Shared (aliased) nodes are visited once, so an alias bomb costs its size on disk.
  void walk(const std::function<void(YamlId)>& visit) const;
};

struct YamlLimits {
  uint32_t max_depth = 200;
  uint32_t max_nodes = 2'000'000;
};

/// One document's text within a stream, found by scanning for `---` and `...`
/// markers at column 0, which YAML forbids inside any scalar.
struct YamlChunk {
  std::size_t begin = 0;
  std::size_t end = 0;
  uint32_t first_line = 1;      // 1-based line of `begin`
  std::string_view kind;        // top-level `kind:` value when written plainly
  std::string_view api_version; // top-level `apiVersion:` value when written plainly
};

std::vector<YamlChunk> split_yaml_documents(std::string_view text);

/// Parse one chunk into a document. Errors become diagnostics (never exceptions)
/// and yield nullopt.
std::optional<YamlDocument> parse_yaml_document(const SourceText& source, const YamlChunk& chunk,
                                                const YamlLimits& limits,
                                                std::vector<Diagnostic>& diagnostics);

/// Parse every document of a file.
std::vector<YamlDocument> parse_yaml_stream(const SourceText& source, const YamlLimits& limits,
                                            std::vector<Diagnostic>& diagnostics);

}  // namespace nhiscan
