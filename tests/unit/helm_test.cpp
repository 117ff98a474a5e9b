#include <doctest/doctest.h>

#include "scanner/extract/helm.h"
#include "scanner/source.h"
#include "scanner/text.h"
#include "scanner/yaml.h"

using namespace nhiscan;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  for (const std::string_view line : split(text, '\n')) lines.emplace_back(line);
  return lines;
}

std::vector<YamlDocument> parse(const std::string& text, std::vector<Diagnostic>& diagnostics) {
  const SourceText source("t.yaml", text);
  return parse_yaml_stream(source, YamlLimits{}, diagnostics);
}

}  // namespace

TEST_CASE("neutralise keeps the line count") {
  const std::string text = "{{- if .Values.on }}\napiVersion: v1\n{{- end }}\n";
  const NeutralisedTemplate result = neutralise_helm_template(text);
  CHECK(lines_of(result.text).size() == lines_of(text).size());
  CHECK(result.hidden_output.size() == lines_of(text).size() + 1);
}

TEST_CASE("neutralise empties and marks action-only lines") {
  const NeutralisedTemplate result = neutralise_helm_template(
      "metadata:\n  labels:\n    {{- include \"x.labels\" . | nindent 4 }}\n  name: a\n  {{ include \"x.more\" . }}\n");
  const auto lines = lines_of(result.text);
  CHECK(lines[2].empty());
  CHECK(result.hidden_output[3] == 4);
  CHECK(result.hidden_output[4] == -1);
  CHECK(lines[3] == "  name: a");
  CHECK(result.hidden_output[5] == 2);
}

TEST_CASE("neutralise control lines hide no output") {
  const NeutralisedTemplate result =
      neutralise_helm_template("{{- if .Values.on }}\n{{- $name := .Values.name }}\n{{/* note */}}\na: 1\n{{- end }}\n");
  CHECK(result.hidden_output[1] == -1);
  CHECK(result.hidden_output[2] == -1);
  CHECK(result.hidden_output[3] == -1);
  CHECK(result.hidden_output[5] == -1);
}

TEST_CASE("neutralise quotes a value that starts with an action") {
  const auto lines = lines_of(neutralise_helm_template("  name: {{- template \"vault.name\" . -}}\n").text);
  CHECK(lines[0] == "  name: '{{ include \"vault.name\" . }}'");
}

TEST_CASE("neutralise canonicalises quoted values") {
  const auto lines = lines_of(neutralise_helm_template("  name: \"{{ template \"a\" . }}-x\"\n").text);
  CHECK(lines[0] == "  name: '{{ include \"a\" . }}-x'");
}

TEST_CASE("neutralise quotes a key that holds an action") {
  const auto lines = lines_of(neutralise_helm_template("{{ .Values.key }}-suffix: value\n").text);
  CHECK(lines[0] == "'{{ .Values.key }}-suffix': value");
}

TEST_CASE("neutralise doubles single quotes inside a quoted value") {
  const auto lines = lines_of(neutralise_helm_template("msg: it's {{ .Values.who }}\n").text);
  CHECK(lines[0] == "msg: 'it''s {{ .Values.who }}'");
}

TEST_CASE("neutralise leaves a value that renders YAML empty") {
  const NeutralisedTemplate result =
      neutralise_helm_template("items:\n  - {{- toYaml . | nindent 4 }}\n    extra: 1\n");
  const auto lines = lines_of(result.text);
  CHECK(lines[1] == "  -");
  CHECK(result.hidden_output[2] == 4);
  std::vector<Diagnostic> diagnostics;
  const auto documents = parse(result.text, diagnostics);
  CHECK(diagnostics.empty());
  REQUIRE(documents.size() == 1);
}

TEST_CASE("neutralise blanks comments and actions spanning lines") {
  const std::string text =
      "{{/*\nA comment with } and }} inside.\n*/}}\nname: {{ include \"x\" (dict\n  \"a\" 1) }}\nnext: 1\n";
  const NeutralisedTemplate result = neutralise_helm_template(text);
  const auto lines = lines_of(result.text);
  CHECK(lines[0].empty());
  CHECK(lines[1].empty());
  CHECK(lines[2].empty());
  CHECK(lines[3] == "name: '{{ include \"x\" (dict \"a\" 1) }}'");
  CHECK(lines[4].empty());
  CHECK(lines[5] == "next: 1");
}

TEST_CASE("neutralise skips closing braces inside action strings") {
  const auto lines = lines_of(neutralise_helm_template("v: {{ printf \"%s}}\" .Values.a }}\n").text);
  CHECK(lines[0] == "v: '{{ printf \"%s}}\" .Values.a }}'");
}

TEST_CASE("neutralise survives an unterminated action") {
  const NeutralisedTemplate result = neutralise_helm_template("a: {{ .Values.x\nb: 2\n");
  const auto lines = lines_of(result.text);
  CHECK(lines[0] == "a: '{{ .Values.x }}'");
  CHECK(lines[1] == "b: 2");
}

TEST_CASE("neutralise leaves comments and block scalars alone") {
  const auto lines = lines_of(neutralise_helm_template("# {{ .Values.x }}\nscript: |\n  echo hi\n").text);
  CHECK(lines[0] == "# {{ .Values.x }}");
  CHECK(lines[1] == "script: |");
}

TEST_CASE("neutralised template parses at the original positions") {
  const std::string text =
      "{{- if .Values.create -}}\n"
      "apiVersion: v1\n"
      "kind: ServiceAccount\n"
      "metadata:\n"
      "  name: {{ include \"chart.name\" . }}\n"
      "  {{- with .Values.annotations }}\n"
      "  annotations:\n"
      "    {{- toYaml . | nindent 4 }}\n"
      "  {{- end }}\n"
      "{{- end }}\n";
  std::vector<Diagnostic> diagnostics;
  const auto documents = parse(neutralise_helm_template(text).text, diagnostics);
  CHECK(diagnostics.empty());
  REQUIRE(documents.size() == 1);
  const YamlDocument& doc = documents.front();
  const YamlId name = doc.path(doc.root, {"metadata", "name"});
  REQUIRE(doc.is_scalar(name));
  CHECK(doc.node(name).value == "{{ include \"chart.name\" . }}");
  CHECK(doc.node(name).line == 5);
  CHECK(doc.node(name).column == 9);
  CHECK(doc.node(doc.root).line == 2);
}

TEST_CASE("neutralise keeps CRLF line count") {
  const NeutralisedTemplate result = neutralise_helm_template("a: 1\r\n{{ if .x }}\r\nb: 2\r\n");
  const auto lines = lines_of(result.text);
  CHECK(lines.size() == 4);
  CHECK(lines[0] == "a: 1");
  CHECK(lines[2] == "b: 2");
}

TEST_CASE("neutralise keeps only the first branch") {
  const std::string text =
      "spec:\n"
      "  {{- if .Values.serviceAccounts.create }}\n"
      "  serviceAccountName: {{ .Values.name }}\n"
      "  {{- else }}\n"
      "  serviceAccountName: default\n"
      "  {{- end }}\n"
      "  {{- range .Values.items }}\n"
      "  - {{ . }}\n"
      "  {{- else }}\n"
      "  - none\n"
      "  {{- end }}\n";
  const NeutralisedTemplate result = neutralise_helm_template(text);
  const auto lines = lines_of(result.text);
  CHECK(lines[2] == "  serviceAccountName: '{{ .Values.name }}'");
  CHECK(lines[4].empty());
  CHECK(result.hidden_output[5] == 2);
  CHECK(lines[9] == "  - none");
}

TEST_CASE("neutralise drops a final quote function") {
  const auto lines = lines_of(neutralise_helm_template("namespace: {{ .Release.Namespace | quote }}\n").text);
  CHECK(lines[0] == "namespace: '{{ .Release.Namespace }}'");
}
