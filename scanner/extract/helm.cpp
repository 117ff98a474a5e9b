#include "scanner/extract/helm.h"

#include <cctype>
#include <optional>

#include "scanner/extract/kubernetes.h"
#include "scanner/extract/kubernetes_names.h"
#include "scanner/text.h"

namespace nhiscan {

namespace {

/// A template action: the bytes from `{{` to the closing `}}`.
struct Action {
  std::size_t begin = 0;
  std::size_t end = 0;  // past `}}`; the end of the line when the action is not closed
};

// Actions are found over the whole text because one may span lines. Strings inside an
// action ("...", `...`) may hold `}}`; comments (`{{/* ... */}}`) end at `*/}}`.
std::vector<Action> find_actions(std::string_view text) {
  std::vector<Action> actions;
  const std::size_t size = text.size();
  std::size_t at = 0;
  while ((at = text.find("{{", at)) != std::string_view::npos) {
    Action action;
    action.begin = at;
    std::size_t i = at + 2;
    std::size_t body = i;
    if (body < size && text[body] == '-') ++body;
    while (body < size && text[body] == ' ') ++body;
    if (text.substr(body, 2) == "/*") {
      const std::size_t close = text.find("*/", body + 2);
      const std::size_t end = close == std::string_view::npos ? std::string_view::npos : text.find("}}", close + 2);
      action.end = end == std::string_view::npos ? size : end + 2;
      actions.push_back(action);
      at = action.end;
      continue;
    }
    bool closed = false;
    while (i < size && !closed) {
      const char c = text[i];
      if (c == '"') {
        ++i;
        while (i < size && text[i] != '"' && text[i] != '\n') i += text[i] == '\\' ? 2 : 1;
        ++i;
      } else if (c == '`') {
        const std::size_t close = text.find('`', i + 1);
        i = close == std::string_view::npos ? size : close + 1;
      } else if (c == '}' && i + 1 < size && text[i + 1] == '}') {
        i += 2;
        closed = true;
      } else {
        ++i;
      }
    }
    if (!closed) {
      const std::size_t newline = text.find('\n', at);
      i = newline == std::string_view::npos ? size : newline;
    }
    action.end = std::min(i, size);
    actions.push_back(action);
    at = action.end;
  }
  return actions;
}

/// The first word of an action (`if`, `else`, `end`, `include`, ...), or empty.
std::string_view action_keyword(std::string_view text, const Action& action) {
  std::string_view inner = text.substr(action.begin + 2, action.end - action.begin - 2);
  inner = trim(inner);
  if (starts_with(inner, "-")) inner = trim(inner.substr(1));
  std::size_t end = 0;
  while (end < inner.size() && std::isalpha(static_cast<unsigned char>(inner[end]))) ++end;
  return inner.substr(0, end);
}

// Byte ranges of the `else` branches of `if` and `with` blocks, from the `else` action
// to the end of the matching `end`. Keeping every branch would repeat keys, and the last
// one (often a fallback such as `serviceAccountName: default`) would win, so only the
// first branch is read.
std::vector<std::pair<std::size_t, std::size_t>> else_branches(std::string_view text, const std::vector<Action>& actions) {
  struct Block {
    bool conditional = false;  // if or with
    std::size_t else_begin = std::string_view::npos;
  };
  std::vector<std::pair<std::size_t, std::size_t>> ranges;
  std::vector<Block> open;
  for (const Action& action : actions) {
    const std::string_view keyword = action_keyword(text, action);
    if (keyword == "if" || keyword == "with" || keyword == "range" || keyword == "define" || keyword == "block") {
      open.push_back({keyword == "if" || keyword == "with", std::string_view::npos});
    } else if (keyword == "else" && !open.empty() && open.back().conditional &&
               open.back().else_begin == std::string_view::npos) {
      open.back().else_begin = action.begin;
    } else if (keyword == "end" && !open.empty()) {
      if (open.back().else_begin != std::string_view::npos) ranges.emplace_back(open.back().else_begin, action.end);
      open.pop_back();
    }
  }
  return ranges;
}

/// The indentation (in spaces) at which an action's output starts: N of `nindent N`,
/// `column` + N for `indent N`, else `column`, where the action is written. -1 for
/// actions that output nothing: control flow, comments and variable assignments.
int output_indent(std::string_view text, const Action& action, std::size_t column) {
  static const char* const kControl[] = {"if", "else", "end", "with", "range", "define", "block"};
  const std::string_view keyword = action_keyword(text, action);
  for (const char* control : kControl) {
    if (keyword == control) return -1;
  }
  std::string_view inner = trim(text.substr(action.begin + 2, action.end - action.begin - 2));
  if (starts_with(inner, "-")) inner = trim(inner.substr(1));
  if (starts_with(inner, "/*")) return -1;
  if (starts_with(inner, "$") && (contains(inner, ":=") || contains(inner, " = "))) return -1;
  for (const char* function : {"nindent", "indent"}) {
    const std::size_t at = inner.find(function);
    if (at == std::string_view::npos || (at > 0 && std::isalpha(static_cast<unsigned char>(inner[at - 1])))) continue;
    std::size_t digits = inner.find_first_not_of(' ', at + std::string_view(function).size());
    int width = 0;
    bool found = false;
    while (digits < inner.size() && std::isdigit(static_cast<unsigned char>(inner[digits]))) {
      width = width * 10 + (inner[digits++] - '0');
      found = true;
    }
    if (!found) continue;
    return std::string_view(function) == "nindent" ? width : static_cast<int>(column) + width;
  }
  return static_cast<int>(column);
}

/// `{{- template "x" . | quote -}}` -> `{{ include "x" . }}`: trim markers and a final
/// quote or squote dropped, spaces collapsed, `template` written as `include`, line
/// breaks joined. NOTE: helpers are not evaluated, so an account named by
/// `{{ include "chart.serviceAccountName" . }}` keeps that text as its name.
std::string canonical_action(std::string_view action) {
  std::string_view inner = action;
  if (starts_with(inner, "{{")) inner.remove_prefix(2);
  if (ends_with(inner, "}}")) inner.remove_suffix(2);
  inner = trim(inner);
  if (starts_with(inner, "-")) inner = trim(inner.substr(1));
  if (ends_with(inner, "-")) inner = trim(inner.substr(0, inner.size() - 1));
  std::string collapsed;
  bool space = false;
  for (const char c : inner) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = true;
      continue;
    }
    if (space && !collapsed.empty()) collapsed.push_back(' ');
    space = false;
    collapsed.push_back(c);
  }
  if (starts_with(collapsed, "template ")) collapsed = "include " + collapsed.substr(9);
  // Quoting changes how a value is written, not which account or namespace it names.
  for (const char* quoting : {" | quote", " | squote"}) {
    if (ends_with(collapsed, quoting)) collapsed.resize(collapsed.size() - std::string_view(quoting).size());
  }
  return "{{ " + collapsed + " }}";
}

/// Rewrites one line that has YAML text besides its actions.
class LineRewriter {
 public:
  LineRewriter(std::string_view text, std::size_t line_begin, std::string_view line, const std::vector<Action>& actions)
      : text_(text), begin_(line_begin), line_(line), actions_(actions) {}

  /// Rewrite the line so that it parses as YAML. When a value that renders as YAML lines
  /// (toYaml, indent, nindent) is dropped, `hidden` is set to where that output starts.
  std::string rewrite(int& hidden) const {
    hidden = -1;
    const std::size_t content = line_.find_first_not_of(" \t");
    if (content == std::string_view::npos || line_[content] == '#') return std::string(line_);

    // Sequence markers (`- `, `- - `) come first.
    std::size_t position = content;
    while (position < line_.size() && line_[position] == '-' && !in_action(position) &&
           (position + 1 == line_.size() || line_[position + 1] == ' ')) {
      position = line_.find_first_not_of(' ', position + 1);
      if (position == std::string_view::npos) return std::string(line_);
    }

    const std::size_t separator = key_separator(position);
    std::string out(line_.substr(0, position));
    std::size_t value = position;
    if (separator != std::string_view::npos) {
      const std::string_view key = line_.substr(position, separator - position);
      out += has_action(position, separator) ? quote(position, separator) : std::string(key);
      value = line_.find_first_not_of(' ', separator + 1);
      if (value == std::string_view::npos) value = line_.size();
      out += line_.substr(separator, value - separator);
    }
    if (value >= line_.size()) return out;

    const std::size_t comment = comment_start(value);
    const std::size_t end = comment == std::string_view::npos ? line_.size() : comment;
    const char opener = line_[value];
    if (const Action* action = sole_action(value, end); action && renders_yaml(*action)) {
      // `- {{ toYaml . | nindent 10 }}` or `key: {{ toYaml .Values.x | nindent 4 }}`:
      // the lines below continue what the action renders, so the value is left empty.
      while (!out.empty() && out.back() == ' ') out.pop_back();
      hidden = output_indent(text_, *action, value);
      return out;
    }
    if (!has_action(value, end) || opener == '|' || opener == '>') {
      out += line_.substr(value);
    } else if (opener == '"' || opener == '\'') {
      // Rewritten single-quoted with the actions in canonical form, so that a quoted
      // reference names the same identity as an unquoted declaration.
      const std::size_t close = closing_quote(value);
      if (close == std::string_view::npos) {
        out += swap_quotes(value, end, opener);
        out += line_.substr(end);
      } else {
        out += quote(value + 1, close);
        out += line_.substr(close + 1);
      }
    } else {
      out += quote(value, end);
      out += line_.substr(end);
    }
    return out;
  }

 private:
  // Positions are offsets into the line; actions are offsets into the whole text.
  const Action* action_at(std::size_t position) const {
    const std::size_t absolute = begin_ + position;
    for (const Action& action : actions_) {
      if (absolute >= action.begin && absolute < action.end) return &action;
    }
    return nullptr;
  }
  bool in_action(std::size_t position) const { return action_at(position) != nullptr; }

  bool has_action(std::size_t from, std::size_t to) const {
    for (std::size_t i = from; i < to; ++i) {
      if (in_action(i)) return true;
    }
    return false;
  }

  // The `:` that ends a key: followed by a space or the end of the line, outside
  // actions and outside a quoted key.
  std::size_t key_separator(std::size_t from) const {
    std::size_t i = from;
    if (i < line_.size() && (line_[i] == '"' || line_[i] == '\'') && !in_action(i)) {
      const char quote = line_[i];
      for (++i; i < line_.size(); ++i) {
        if (line_[i] == '\\' && quote == '"') {
          ++i;
        } else if (line_[i] == quote) {
          break;
        }
      }
      ++i;
    }
    for (; i < line_.size(); ++i) {
      if (in_action(i)) continue;
      if (line_[i] == '#' && i > from && line_[i - 1] == ' ') return std::string_view::npos;
      if (line_[i] == ':' && (i + 1 == line_.size() || line_[i + 1] == ' ' || line_[i + 1] == '\t')) return i;
    }
    return std::string_view::npos;
  }

  /// Return the one action that fills [from, to) apart from spaces, or nullptr.
  const Action* sole_action(std::size_t from, std::size_t to) const {
    const Action* action = action_at(from);
    if (!action) return nullptr;
    for (std::size_t i = from; i < to; ++i) {
      if (action_at(i) != action && !std::isspace(static_cast<unsigned char>(line_[i]))) return nullptr;
    }
    return action;
  }

  bool renders_yaml(const Action& action) const {
    const std::string canonical = canonical_action(text_.substr(action.begin, action.end - action.begin));
    return contains(canonical, "toYaml") || contains(canonical, "indent ") || contains(canonical, "nindent");
  }

  /// Return the position of the quote that closes the quoted scalar opening at `from`,
  /// skipping actions, or npos.
  std::size_t closing_quote(std::size_t from) const {
    const char opener = line_[from];
    for (std::size_t i = from + 1; i < line_.size(); ++i) {
      if (in_action(i)) continue;
      if (opener == '"' && line_[i] == '\\') {
        ++i;
      } else if (line_[i] == opener) {
        if (opener == '\'' && i + 1 < line_.size() && line_[i + 1] == '\'') {
          ++i;
          continue;
        }
        return i;
      }
    }
    return std::string_view::npos;
  }

  std::size_t comment_start(std::size_t from) const {
    for (std::size_t i = from + 1; i < line_.size(); ++i) {
      if (line_[i] == '#' && line_[i - 1] == ' ' && !in_action(i)) return i;
    }
    return std::string_view::npos;
  }

  // A single-quoted scalar of the text, actions in canonical form, `'` doubled.
  std::string quote(std::size_t from, std::size_t to) const {
    std::string inner;
    for (std::size_t i = from; i < to;) {
      if (const Action* action = action_at(i)) {
        inner += canonical_action(text_.substr(action->begin, action->end - action->begin));
        i = std::min(to, action->end - begin_);
        continue;
      }
      inner.push_back(line_[i]);
      ++i;
    }
    while (!inner.empty() && (inner.back() == ' ' || inner.back() == '\t')) inner.pop_back();
    return "'" + replace_all(inner, "'", "''") + "'";
  }

  // Inside a quoted scalar, an action's own quotes would end the scalar: swap them for
  // the other kind, which keeps every column.
  std::string swap_quotes(std::size_t from, std::size_t to, char opener) const {
    std::string out(line_.substr(from, to - from));
    const char other = opener == '"' ? '\'' : '"';
    for (std::size_t i = from; i < to; ++i) {
      if (in_action(i) && line_[i] == opener) out[i - from] = other;
    }
    return out;
  }

  std::string_view text_;
  std::size_t begin_;
  std::string_view line_;
  const std::vector<Action>& actions_;
};

/// A `serviceAccount` block of a values file.
struct ValuesBlock {
  std::string path;  // e.g. "server.serviceAccount"
  const HelmFile* file = nullptr;
  const YamlDocument* document = nullptr;
  YamlId key = kNoYamlNode;
  YamlId value = kNoYamlNode;
  std::optional<bool> create;
  std::string name;
  bool claimed = false;
};

void find_blocks(const HelmFile& file, const YamlDocument& doc, YamlId map, const std::string& prefix, int depth,
                 std::vector<ValuesBlock>& blocks) {
  if (!doc.is_mapping(map) || depth > 8) return;
  for (const YamlEntry& entry : doc.node(map).entries) {
    const std::string key(doc.scalar(entry.key));
    if (key.empty()) continue;
    const std::string path = prefix.empty() ? key : prefix + "." + key;
    const bool named = key == "serviceAccount" || key == "serviceAccounts";
    if (named && doc.is_mapping(entry.value) &&
        (doc.entry(entry.value, "create") || doc.entry(entry.value, "name") || doc.entry(entry.value, "annotations"))) {
      ValuesBlock block;
      block.path = path;
      block.file = &file;
      block.document = &doc;
      block.key = entry.key;
      block.value = entry.value;
      block.create = doc.boolean(doc.get(entry.value, "create"));
      block.name = std::string(trim(doc.scalar(doc.get(entry.value, "name"))));
      blocks.push_back(block);
      continue;
    }
    find_blocks(file, doc, entry.value, path, depth + 1, blocks);
  }
}

/// Whether `text` names the values block at `path`: `.Values.PATH` followed by a dot or
/// the end of a name, or a helper such as "injector.serviceAccount.annotations".
bool names_block(std::string_view text, const std::string& path) {
  std::size_t at = 0;
  while ((at = text.find(path, at)) != std::string_view::npos) {
    const char before = at == 0 ? ' ' : text[at - 1];
    const std::size_t after_at = at + path.size();
    const char after = after_at < text.size() ? text[after_at] : ' ';
    const bool starts = before == '.' || before == '"' || before == ' ';
    const bool ends = !(std::isalnum(static_cast<unsigned char>(after)) || after == '_');
    if (starts && ends) return true;
    at = after_at;
  }
  return false;
}

Location location_of(const HelmFile& file, const YamlDocument& doc, YamlId id) {
  return file.view.source->location(doc.node(id).line, doc.node(id).column);
}

/// Annotations of a values block as metadata and workload-identity links of `identity`.
void apply_block(Identity& identity, const ValuesBlock& block) {
  const YamlDocument& doc = *block.document;
  const YamlId annotations = doc.get(block.value, "annotations");
  if (doc.is_mapping(annotations)) {
    for (const YamlEntry& entry : doc.node(annotations).entries) {
      MetaEntry meta;
      meta.key = doc.node(entry.key).value;
      meta.value = std::string(trim(doc.scalar(entry.value)));
      meta.location = location_of(*block.file, doc, entry.value);
      meta.source = "values";
      identity.native_metadata.push_back(meta);
      const std::string linked = workload_identity_target(meta.key, meta.value);
      if (!linked.empty()) identity.links.push_back({LinkType::federated_with, linked, meta.location});
    }
  }
  identity.attributes["values_block"] = block.path;
  identity.attributes["values_file"] = block.file->view.source->path();
  if (block.create) identity.attributes["values_create"] = *block.create ? "true" : "false";
  if (!block.name.empty()) identity.attributes["values_name"] = block.name;
}

}  // namespace

NeutralisedTemplate neutralise_helm_template(std::string_view text) {
  NeutralisedTemplate result;
  const std::vector<Action> actions = find_actions(text);
  const auto dropped = else_branches(text, actions);
  result.hidden_output.push_back(-1);  // index 0 is unused

  std::size_t line_begin = 0;
  std::size_t next_action = 0;
  while (line_begin <= text.size()) {
    const std::size_t newline = text.find('\n', line_begin);
    const std::size_t line_end = newline == std::string_view::npos ? text.size() : newline;
    std::string_view line = text.substr(line_begin, line_end - line_begin);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

    // The actions that touch this line, and whether any text lies outside them.
    while (next_action < actions.size() && actions[next_action].end <= line_begin) ++next_action;
    std::vector<Action> touching;
    for (std::size_t a = next_action; a < actions.size() && actions[a].begin < line_begin + line.size(); ++a) {
      touching.push_back(actions[a]);
    }
    bool text_outside = false;
    for (std::size_t i = 0; i < line.size() && !text_outside; ++i) {
      if (std::isspace(static_cast<unsigned char>(line[i]))) continue;
      const std::size_t absolute = line_begin + i;
      bool inside = false;
      for (const Action& action : touching) inside = inside || (absolute >= action.begin && absolute < action.end);
      text_outside = !inside;
    }

    bool in_else = false;
    for (const auto& [from, to] : dropped) in_else = in_else || (line_begin >= from && line_begin + line.size() <= to);
    const std::size_t indentation = line.find_first_not_of(' ');
    if (in_else) {
      result.hidden_output.push_back(indentation == std::string_view::npos ? -1 : static_cast<int>(indentation));
    } else if (touching.empty()) {
      result.text.append(line);
      result.hidden_output.push_back(-1);
    } else if (!text_outside) {
      // Where the line's output actions would put their text, the leftmost of them.
      int hidden = -1;
      for (const Action& action : touching) {
        const std::size_t column = action.begin > line_begin ? action.begin - line_begin : 0;
        const int at = output_indent(text, action, column);
        if (at >= 0 && (hidden < 0 || at < hidden)) hidden = at;
      }
      result.hidden_output.push_back(hidden);
    } else {
      int hidden = -1;
      result.text += LineRewriter(text, line_begin, line, touching).rewrite(hidden);
      result.hidden_output.push_back(hidden);
    }
    if (newline == std::string_view::npos) break;
    result.text.push_back('\n');
    line_begin = newline + 1;
  }
  return result;
}

void extract_helm_chart(const std::vector<HelmFile>& files, ExtractOutput& out) {
  std::vector<ValuesBlock> blocks;
  for (const HelmFile& file : files) {
    if (!file.values) continue;
    for (const YamlDocument& doc : *file.documents) find_blocks(file, doc, doc.root, "", 0, blocks);
  }

  for (const HelmFile& file : files) {
    if (file.values) continue;
    ManifestOptions options;
    options.origin = Origin::template_;
    options.hidden_output = file.hidden_output;
    ExtractOutput found;
    extract_kubernetes(file.view, *file.documents, found, options);
    const SourceText original(file.view.source->path(), std::string(file.original));
    for (Identity& identity : found.identities) {
      if (identity.kind == IdentityKind::service_account && identity.origin == Origin::template_) {
        // The template's own text, actions included, names the values block it reads.
        for (const YamlDocument& doc : *file.documents) {
          if (identity.location.line < doc.first_line || identity.location.line > doc.last_line) continue;
          std::string text;
          for (uint32_t line = doc.first_line; line <= doc.last_line && line <= original.line_count(); ++line) {
            text.append(original.line(line));
            text.push_back('\n');
          }
          // A document's text starts after the previous `---`; the guard above it
          // (`{{- if .Values.serviceAccount.create }}`) belongs to it as well.
          std::size_t best = blocks.size();
          for (std::size_t b = 0; b < blocks.size(); ++b) {
            if (!names_block(text, blocks[b].path)) continue;
            if (best == blocks.size() || blocks[b].path.size() > blocks[best].path.size()) best = b;
          }
          if (best == blocks.size()) break;
          for (ValuesBlock& block : blocks) {
            if (block.path != blocks[best].path) continue;
            apply_block(identity, block);
            block.claimed = true;
          }
          break;
        }
      }
      out.identities.push_back(std::move(identity));
    }
    for (Observation& observation : found.observations) out.observations.push_back(std::move(observation));
    for (Diagnostic& diagnostic : found.diagnostics) out.diagnostics.push_back(std::move(diagnostic));
  }

  // A block no template claims still describes an account the chart creates (or, with
  // `create: false`, one it expects to exist).
  for (const ValuesBlock& block : blocks) {
    if (block.claimed) continue;
    const std::string name = block.name.empty() || is_expression(block.name) ? "{{ .Values." + block.path + ".name }}"
                                                                               : block.name;
    Identity identity;
    identity.id = kubernetes_service_account_id("{{ .Release.Namespace }}", name);
    identity.kind = IdentityKind::service_account;
    identity.platform = "kubernetes";
    identity.name = "{{ .Release.Namespace }}/" + name;
    identity.origin = block.create && !*block.create ? Origin::referenced : Origin::template_;
    identity.location = location_of(*block.file, *block.document, block.key);
    identity.end = block.file->view.source->location(block.document->node(block.value).end_line, 0);
    identity.comment_metadata = comment_metadata(block.file->view, block.document->node(block.key).line,
                                                 block.document->node(block.value).end_line);
    apply_block(identity, block);
    out.identities.push_back(std::move(identity));
  }
}

}  // namespace nhiscan
