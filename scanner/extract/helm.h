// Helm charts read without rendering: templates with their template actions made inert
// so that the YAML around them parses, and the `serviceAccount` blocks of values files
// (create, name, annotations) joined to the ServiceAccounts the templates declare.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "scanner/extract/common.h"
#include "scanner/yaml.h"

namespace nhiscan {

/// A template's text with its template actions made inert, line for line.
struct NeutralisedTemplate {
  /// Same number of lines as the input. Lines that held only actions (control flow,
  /// `include ... | nindent`, comments) are empty, and so are the lines of `else`
  /// branches of `if` and `with`, so that only the first branch is read. A key or value
  /// that starts with an action, or a plain value that contains one, is single-quoted
  /// with the action written as `{{ ... }}`: trim markers and a final `| quote` dropped,
  /// spaces collapsed, `template` written as `include`, so that every spelling of a
  /// helper names the same identity.
  std::string text;
  /// Per line (1-based), the indentation (in spaces) at which rendering may put output
  /// that the text does not show, or -1: output actions on lines of their own, dropped
  /// `else` branches, and values that render YAML.
  std::vector<int> hidden_output;
};

/// Neutralise the actions of a Helm template (`{{ ... }}`, `{{- ... -}}`, `{{/* */}}`,
/// actions spanning lines, strings holding `}}` inside actions).
NeutralisedTemplate neutralise_helm_template(std::string_view text);

/// One file of a chart, parsed.
struct HelmFile {
  FileView view;
  const std::vector<YamlDocument>* documents = nullptr;
  bool values = false;  // a values file; otherwise a template
  std::string_view original;  // a template's text before neutralisation
  const std::vector<int>* hidden_output = nullptr;
};

/// Extract from the values files and templates of one chart. Identities declared by
/// templates have Origin::template_. A ServiceAccount template that reads a values
/// block (`.Values.server.serviceAccount...`) takes that block's annotations as its
/// metadata and workload-identity links. A block that no template claims is recorded
/// from the values file itself.
void extract_helm_chart(const std::vector<HelmFile>& files, ExtractOutput& out);

}  // namespace nhiscan
