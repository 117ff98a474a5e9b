// Kustomize: patches written inline in a Kustomization or Component (`patches`,
// `patchesStrategicMerge`, `patchesJson6902`). A patch's YAML sits in a block scalar, and
// it is parsed with the same YAML layer at the lines and columns it has in the file.
#pragma once

#include <vector>

#include "scanner/extract/common.h"
#include "scanner/source.h"
#include "scanner/yaml.h"

namespace nhiscan {

/// The YAML documents written in a literal block scalar (`patch: |-`).
struct EmbeddedYaml {
  /// The file's text with every line outside the scalar's content left empty, so that
  /// nodes parsed from it keep their line and column in the file. Lines inside that mark
  /// a new document (`---`) are emptied too.
  SourceText source;
  std::vector<YamlDocument> documents;
};

/// Parse the content of `block`, a literal block scalar of `source`. Returns no
/// documents for other scalars. Parse errors become diagnostics of the file.
EmbeddedYaml parse_embedded_yaml(const SourceText& source, const YamlNode& block, const YamlLimits& limits,
                                 std::vector<Diagnostic>& diagnostics);

/// Extract what the inline patches of a Kustomization or Component change: a
/// ServiceAccount given a workload-identity annotation, a workload given another
/// ServiceAccount. Patched objects are recorded as referenced, at the patch's lines.
void extract_kustomize_patches(const FileView& file, const YamlDocument& document, YamlId root, ExtractOutput& out);

}  // namespace nhiscan
