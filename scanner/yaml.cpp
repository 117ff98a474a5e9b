#include "scanner/yaml.h"

#include <yaml.h>

#include <algorithm>
#include <map>
#include <memory>
#include <stdexcept>
#include <unordered_map>

#include "scanner/text.h"

namespace nhiscan {

namespace {

/// Aborts a parse from inside the event handler.
struct LimitExceeded {
  std::string message;
  uint32_t line;
};

/// A position as the event parser reports it: 0-based line within the chunk and
/// 0-based column in characters (code points).
struct EventMark {
  std::size_t line = 0;
  std::size_t column = 0;
};

/// Builds a YamlDocument from parser events.
class TreeBuilder {
 public:
  TreeBuilder(YamlDocument& document, const SourceText& source, uint32_t line_offset, const YamlLimits& limits,
              std::vector<Diagnostic>& diagnostics)
      : document_(document),
        source_(source),
        line_offset_(line_offset),
        limits_(limits),
        diagnostics_(diagnostics),
        path_(source.path()) {}

  void null(const EventMark& mark, const std::string& anchor) {
    YamlNode node;
    node.type = YamlNode::Type::null;
    set_position(node, mark);
    add(std::move(node), anchor);
  }

  void alias(const EventMark& mark, const std::string& anchor) {
    const auto found = anchors_.find(anchor);
    if (found == anchors_.end()) {
      throw LimitExceeded{"alias refers to an unknown anchor", static_cast<uint32_t>(mark.line) + line_offset_};
    }
    attach(found->second);
  }

  /// `plain`: written without quotes or block indicator and without an explicit tag.
  void scalar(const EventMark& mark, const std::string& tag, const std::string& anchor, bool plain,
              std::string value) {
    YamlNode node;
    node.type = YamlNode::Type::scalar;
    set_position(node, mark);
    node.plain = plain;
    if (tag != "!") node.tag = tag;
    node.value = std::move(value);
    add(std::move(node), anchor);
  }

  void sequence_start(const EventMark& mark, const std::string& tag, const std::string& anchor) {
    YamlNode node;
    node.type = YamlNode::Type::sequence;
    set_position(node, mark);
    if (tag != "!") node.tag = tag;
    open(std::move(node), anchor);
  }

  void sequence_end() { close(); }

  void mapping_start(const EventMark& mark, const std::string& tag, const std::string& anchor) {
    YamlNode node;
    node.type = YamlNode::Type::mapping;
    set_position(node, mark);
    if (tag != "!") node.tag = tag;
    open(std::move(node), anchor);
  }

  void mapping_end() {
    const YamlId id = stack_.back().id;
    close();
    apply_merge_keys(id);
    report_duplicate_keys(id);
  }

 private:
  struct Open {
    YamlId id;
    YamlId pending_key = kNoYamlNode;  // mappings: key waiting for its value
  };

  void set_position(YamlNode& node, const EventMark& mark) {
    node.line = static_cast<uint32_t>(mark.line) + line_offset_;
    node.column = byte_column(node.line, mark.column);
  }

  /// Return the 1-based byte column of the code point at 0-based `characters` on `line`.
  /// Nodes arrive in text order, so the walk along a line resumes where the last ended.
  uint32_t byte_column(uint32_t line, std::size_t characters) {
    if (line != column_line_ || characters < column_characters_) {
      column_line_ = line;
      column_characters_ = 0;
      column_bytes_ = 0;
    }
    const std::string_view text = source_.line(line);
    while (column_characters_ < characters && column_bytes_ < text.size()) {
      ++column_bytes_;
      while (column_bytes_ < text.size() && (static_cast<unsigned char>(text[column_bytes_]) & 0xC0) == 0x80) {
        ++column_bytes_;
      }
      ++column_characters_;
    }
    // Past the end of the line (an empty value at a line end): count one byte each.
    return static_cast<uint32_t>(column_bytes_ + (characters - column_characters_)) + 1;
  }

  YamlId store(YamlNode&& node, const std::string& anchor) {
    if (document_.nodes.size() >= limits_.max_nodes) {
      throw LimitExceeded{"document has more than " + std::to_string(limits_.max_nodes) +
                              " YAML nodes",
                          node.line};
    }
    const auto id = static_cast<YamlId>(document_.nodes.size());
    document_.nodes.push_back(std::move(node));
    if (!anchor.empty()) anchors_[anchor] = id;
    return id;
  }

  void add(YamlNode&& node, const std::string& anchor) { attach(store(std::move(node), anchor)); }

  void open(YamlNode&& node, const std::string& anchor) {
    const uint32_t line = node.line;
    const YamlId id = store(std::move(node), anchor);
    attach(id);
    if (stack_.size() >= limits_.max_depth) {
      throw LimitExceeded{"YAML nesting is deeper than " + std::to_string(limits_.max_depth) +
                              " levels",
                          line};
    }
    stack_.push_back({id});
  }

  void close() { stack_.pop_back(); }

  void attach(YamlId id) {
    if (stack_.empty()) {
      document_.root = id;
      return;
    }
    Open& parent = stack_.back();
    YamlNode& container = document_.nodes[parent.id];
    if (container.type == YamlNode::Type::sequence) {
      container.items.push_back(id);
    } else if (parent.pending_key == kNoYamlNode) {
      parent.pending_key = id;
    } else {
      container.entries.push_back({parent.pending_key, id, 0});
      parent.pending_key = kNoYamlNode;
    }
  }

  bool is_merge_key(const YamlEntry& entry) const {
    const YamlNode& key = document_.nodes[entry.key];
    return key.type == YamlNode::Type::scalar && key.plain && key.value == "<<";
  }

  // The parser leaves `<<` as an ordinary key. Apply the merge: keys written in the
  // mapping win; among merged mappings, earlier ones win (YAML merge key spec).
  void apply_merge_keys(YamlId id) {
    auto& entries = document_.nodes[id].entries;
    if (std::none_of(entries.begin(), entries.end(),
                     [&](const YamlEntry& entry) { return is_merge_key(entry); })) {
      return;
    }
    std::vector<YamlEntry> own;
    std::vector<std::pair<YamlId, uint32_t>> sources;  // mapping, line of `<<`
    for (const YamlEntry& entry : entries) {
      if (!is_merge_key(entry)) {
        own.push_back(entry);
        continue;
      }
      const uint32_t line = document_.nodes[entry.key].line;
      const YamlNode& value = document_.nodes[entry.value];
      if (value.type == YamlNode::Type::mapping) {
        sources.emplace_back(entry.value, line);
      } else if (value.type == YamlNode::Type::sequence) {
        for (const YamlId item : value.items) {
          if (document_.nodes[item].type == YamlNode::Type::mapping) sources.emplace_back(item, line);
        }
      } else {
        own.push_back(entry);  // not a mapping: keep it as written
      }
    }
    std::vector<std::string> seen;
    for (const YamlEntry& entry : own) seen.push_back(document_.nodes[entry.key].value);
    std::vector<YamlEntry> merged = own;
    for (const auto& [source, line] : sources) {
      for (const YamlEntry& entry : document_.nodes[source].entries) {
        const std::string& key = document_.nodes[entry.key].value;
        if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
        seen.push_back(key);
        merged.push_back({entry.key, entry.value, line});
      }
    }
    document_.nodes[id].entries = std::move(merged);
  }

  void report_duplicate_keys(YamlId id) {
    const auto& entries = document_.nodes[id].entries;
    if (entries.size() < 2) return;
    std::unordered_map<std::string, uint32_t> first_line;
    for (const YamlEntry& entry : entries) {
      if (entry.merge_line) continue;
      const YamlNode& key = document_.nodes[entry.key];
      if (key.type != YamlNode::Type::scalar) continue;
      const auto [it, inserted] = first_line.emplace(key.value, key.line);
      if (!inserted) {
        diagnostics_.push_back({Diagnostic::Level::warning, path_, key.line,
                                "duplicate key '" + key.value + "' (first at line " +
                                    std::to_string(it->second) + "); the last value is used"});
      }
    }
  }

  YamlDocument& document_;
  const SourceText& source_;
  uint32_t line_offset_;
  const YamlLimits& limits_;
  std::vector<Diagnostic>& diagnostics_;
  const std::string& path_;
  std::vector<Open> stack_;
  std::unordered_map<std::string, YamlId> anchors_;
  uint32_t column_line_ = 0;
  std::size_t column_characters_ = 0;
  std::size_t column_bytes_ = 0;
};

/// Thrown for a syntax error reported by the event parser.
struct SyntaxError {
  std::string message;
  std::size_t line;  // 0-based, within the chunk
};

/// libyaml's parser and one event, released on every path out.
class EventParser {
 public:
  explicit EventParser(std::string_view text) {
    if (!yaml_parser_initialize(&parser_)) throw std::runtime_error("libyaml failed to initialise a parser (out of memory)");
    yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(text.data()), text.size());
    yaml_parser_set_encoding(&parser_, YAML_UTF8_ENCODING);
  }
  ~EventParser() {
    if (has_event_) yaml_event_delete(&event_);
    yaml_parser_delete(&parser_);
  }
  EventParser(const EventParser&) = delete;
  EventParser& operator=(const EventParser&) = delete;

  const yaml_event_t& next() {
    if (has_event_) yaml_event_delete(&event_);
    has_event_ = false;
    if (!yaml_parser_parse(&parser_, &event_)) {
      std::string message = parser_.problem ? parser_.problem : "unknown error";
      if (parser_.context) message += std::string(" (") + parser_.context + ")";
      throw SyntaxError{message, parser_.problem_mark.line};
    }
    has_event_ = true;
    return event_;
  }

 private:
  yaml_parser_t parser_{};
  yaml_event_t event_{};
  bool has_event_ = false;
};

std::string text_of(const yaml_char_t* text) { return text ? reinterpret_cast<const char*>(text) : std::string(); }

EventMark mark_of(const yaml_event_t& event) { return {event.start_mark.line, event.start_mark.column}; }

/// Read the first document of `text` into `builder`.
void read_events(std::string_view text, TreeBuilder& builder) {
  EventParser parser(text);
  while (true) {
    const yaml_event_t& event = parser.next();
    switch (event.type) {
      case YAML_STREAM_END_EVENT:
      case YAML_DOCUMENT_END_EVENT:
        // One document only: the chunk contains one.
        return;
      case YAML_ALIAS_EVENT:
        builder.alias(mark_of(event), text_of(event.data.alias.anchor));
        break;
      case YAML_SCALAR_EVENT: {
        const auto& scalar = event.data.scalar;
        const std::string tag = text_of(scalar.tag);
        const std::string anchor = text_of(scalar.anchor);
        const bool plain = !scalar.tag && scalar.style == YAML_PLAIN_SCALAR_STYLE;
        std::string value(reinterpret_cast<const char*>(scalar.value), scalar.length);
        // The YAML 1.2 core schema's null words, as an untagged plain scalar.
        if (plain && (value.empty() || value == "~" || value == "null" || value == "Null" || value == "NULL")) {
          builder.null(mark_of(event), anchor);
        } else {
          builder.scalar(mark_of(event), tag.empty() ? "!" : tag, anchor, plain, std::move(value));
        }
        break;
      }
      case YAML_SEQUENCE_START_EVENT:
        builder.sequence_start(mark_of(event), text_of(event.data.sequence_start.tag),
                               text_of(event.data.sequence_start.anchor));
        break;
      case YAML_SEQUENCE_END_EVENT:
        builder.sequence_end();
        break;
      case YAML_MAPPING_START_EVENT:
        builder.mapping_start(mark_of(event), text_of(event.data.mapping_start.tag),
                              text_of(event.data.mapping_start.anchor));
        break;
      case YAML_MAPPING_END_EVENT:
        builder.mapping_end();
        break;
      default:
        break;
    }
  }
}

bool is_blank_or_comment(std::string_view line) {
  const std::string_view rest = trim(line);
  return rest.empty() || rest.front() == '#';
}

std::size_t indentation(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size() && line[i] == ' ') ++i;
  return i;
}

/// Computes each node's last line once, at its textual home (the anchor site for shared
/// nodes), so that comments and exceptions can be scoped to a declaration's extent.
class ExtentPass {
 public:
  ExtentPass(YamlDocument& document, const SourceText& source)
      : document_(document), source_(source), done_(document.nodes.size(), false) {}

  void run() {
    if (document_.root == kNoYamlNode) return;
    extent(document_.root, 0, 0);
  }

 private:
  // `owner_column` is the 1-based column of the key or `-` that owns the node; block
  // scalar content must be indented further than it.
  uint32_t extent(YamlId id, uint32_t owner_column, uint32_t depth) {
    YamlNode& node = document_.nodes[id];
    if (done_[id]) return node.end_line;
    done_[id] = true;
    uint32_t end = node.line;
    switch (node.type) {
      case YamlNode::Type::null:
        break;
      case YamlNode::Type::scalar:
        end = scalar_end(node, owner_column);
        node.block = is_block_indicator(node);
        break;
      case YamlNode::Type::sequence:
        for (const YamlId item : node.items) {
          const YamlNode& child = document_.nodes[item];
          // The `-` sits left of the item; items of a block sequence start after "- ".
          const uint32_t dash = child.column > 2 ? child.column - 2 : node.column;
          end = std::max(end, extent(item, std::min(dash, node.column), depth + 1));
        }
        break;
      case YamlNode::Type::mapping:
        for (const YamlEntry& entry : node.entries) {
          const YamlNode& key = document_.nodes[entry.key];
          if (entry.merge_line) {
            end = std::max(end, entry.merge_line);
            continue;
          }
          end = std::max(end, extent(entry.key, key.column, depth + 1));
          const YamlNode& value = document_.nodes[entry.value];
          if (value.type == YamlNode::Type::null) {
            end = std::max(end, key.line);
            document_.nodes[entry.value].end_line = key.line;
            done_[entry.value] = true;
          } else {
            end = std::max(end, extent(entry.value, key.column, depth + 1));
          }
        }
        break;
    }
    node.end_line = end;
    return end;
  }

  bool is_block_indicator(const YamlNode& node) const {
    const std::string_view first = source_.line(node.line);
    const std::size_t at = node.column ? node.column - 1 : 0;
    return at < first.size() && (first[at] == '|' || first[at] == '>');
  }

  uint32_t scalar_end(const YamlNode& node, uint32_t owner_column) {
    const std::string_view first = source_.line(node.line);
    const std::size_t at = node.column ? node.column - 1 : 0;
    const char opener = at < first.size() ? first[at] : '\0';
    if (opener == '|' || opener == '>') {
      uint32_t end = node.line;
      const std::size_t limit = owner_column ? owner_column - 1 : 0;
      for (uint32_t line = node.line + 1; line <= source_.line_count(); ++line) {
        const std::string_view text = source_.line(line);
        if (trim(text).empty()) continue;
        if (indentation(text) <= limit) break;
        if (text.substr(0, 3) == "---" || text.substr(0, 3) == "...") break;
        end = line;
      }
      return end;
    }
    if (opener == '"' || opener == '\'') {
      // Find the closing quote; a doubled '' escapes inside single quotes.
      const std::string& text = source_.text();
      std::size_t i = source_.line_offset(node.line) + at + 1;
      while (i < text.size()) {
        if (opener == '"' && text[i] == '\\') {
          i += 2;
          continue;
        }
        if (text[i] == opener) {
          if (opener == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
            i += 2;
            continue;
          }
          return source_.line_at(i);
        }
        ++i;
      }
      return node.line;
    }
    return node.line;
  }

  YamlDocument& document_;
  const SourceText& source_;
  std::vector<bool> done_;
};

std::string_view top_level_value(std::string_view line, std::string_view key) {
  if (line.substr(0, key.size()) != key) return {};
  std::string_view rest = line.substr(key.size());
  if (rest.empty() || rest.front() != ':') return {};
  rest = trim(rest.substr(1));
  const std::size_t comment = rest.find(" #");
  if (comment != std::string_view::npos) rest = trim(rest.substr(0, comment));
  if (rest.size() >= 2 && (rest.front() == '"' || rest.front() == '\'') && rest.back() == rest.front()) {
    rest = rest.substr(1, rest.size() - 2);
  }
  return rest;
}

bool is_document_marker(std::string_view line, std::string_view marker) {
  if (line.substr(0, 3) != marker) return false;
  return line.size() == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\r';
}

}  // namespace

std::vector<YamlChunk> split_yaml_documents(std::string_view text) {
  std::vector<YamlChunk> chunks;
  YamlChunk current;
  bool has_content = false;  // the current chunk holds more than blank lines, comments and directives
  uint32_t line_number = 1;

  const auto finish = [&](std::size_t end) {
    current.end = end;
    if (has_content) {
      chunks.push_back(current);
    }
  };

  std::size_t offset = 0;
  while (offset < text.size()) {
    std::size_t next = text.find('\n', offset);
    next = next == std::string_view::npos ? text.size() : next + 1;
    std::string_view line = text.substr(offset, next - offset);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);

    if (is_document_marker(line, "---")) {
      // A chunk of only comments and directives is dropped: comments are read from the
      // raw text elsewhere, and there is no document to parse.
      finish(offset);
      current = YamlChunk{};
      current.begin = offset;
      current.first_line = line_number;
      // `--- |` or `--- value` puts content on the marker line itself.
      has_content = !is_blank_or_comment(line.substr(3));
    } else if (is_document_marker(line, "...")) {
      current.end = next;
      if (has_content) chunks.push_back({current.begin, next, current.first_line, current.kind,
                                         current.api_version});
      current = YamlChunk{};
      current.begin = next;
      current.first_line = line_number + 1;
      has_content = false;
    } else {
      if (!is_blank_or_comment(line) && line.front() != '%') has_content = true;
      if (current.kind.empty()) current.kind = top_level_value(line, "kind");
      if (current.api_version.empty()) current.api_version = top_level_value(line, "apiVersion");
    }
    offset = next;
    ++line_number;
  }
  finish(text.size());
  return chunks;
}

YamlId YamlDocument::get(YamlId map, std::string_view key) const {
  const YamlEntry* found = entry(map, key);
  return found ? found->value : kNoYamlNode;
}

const YamlEntry* YamlDocument::entry(YamlId map, std::string_view key) const {
  if (!is_mapping(map)) return nullptr;
  const auto& entries = nodes[map].entries;
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    const YamlNode& k = nodes[it->key];
    if (k.type == YamlNode::Type::scalar && k.value == key) return &*it;
  }
  return nullptr;
}

YamlId YamlDocument::path(YamlId from, std::initializer_list<std::string_view> keys) const {
  YamlId current = from;
  for (const std::string_view key : keys) {
    current = get(current, key);
    if (current == kNoYamlNode) return kNoYamlNode;
  }
  return current;
}

std::string_view YamlDocument::scalar(YamlId id) const {
  if (!is_scalar(id)) return {};
  return nodes[id].value;
}

bool YamlDocument::is_mapping(YamlId id) const {
  return id != kNoYamlNode && nodes[id].type == YamlNode::Type::mapping;
}
bool YamlDocument::is_sequence(YamlId id) const {
  return id != kNoYamlNode && nodes[id].type == YamlNode::Type::sequence;
}
bool YamlDocument::is_scalar(YamlId id) const {
  return id != kNoYamlNode && nodes[id].type == YamlNode::Type::scalar;
}

std::optional<bool> YamlDocument::boolean(YamlId id) const {
  if (!is_scalar(id) || !nodes[id].plain) return std::nullopt;
  const std::string word = lower(nodes[id].value);
  if (word == "true" || word == "yes" || word == "on" || word == "y") return true;
  if (word == "false" || word == "no" || word == "off" || word == "n") return false;
  return std::nullopt;
}

void YamlDocument::walk(const std::function<void(YamlId)>& visit) const {
  if (root == kNoYamlNode) return;
  std::vector<bool> seen(nodes.size(), false);
  std::vector<YamlId> stack{root};
  while (!stack.empty()) {
    const YamlId id = stack.back();
    stack.pop_back();
    if (seen[id]) continue;
    seen[id] = true;
    visit(id);
    const YamlNode& node = nodes[id];
    for (auto it = node.items.rbegin(); it != node.items.rend(); ++it) stack.push_back(*it);
    for (auto it = node.entries.rbegin(); it != node.entries.rend(); ++it) {
      stack.push_back(it->value);
      stack.push_back(it->key);
    }
  }
}

std::optional<YamlDocument> parse_yaml_document(const SourceText& source, const YamlChunk& chunk,
                                                const YamlLimits& limits,
                                                std::vector<Diagnostic>& diagnostics) {
  const std::string_view text = std::string_view(source.text()).substr(chunk.begin, chunk.end - chunk.begin);
  YamlDocument document;
  document.first_line = chunk.first_line;
  document.last_line = chunk.first_line;
  for (char c : text) document.last_line += c == '\n' ? 1 : 0;
  if (!text.empty() && text.back() == '\n') --document.last_line;

  const uint32_t line_offset = chunk.first_line;  // parser lines are 0-based
  try {
    TreeBuilder builder(document, source, line_offset, limits, diagnostics);
    read_events(text, builder);
  } catch (const LimitExceeded& error) {
    diagnostics.push_back({Diagnostic::Level::error, source.path(), error.line,
                           error.message + "; document skipped"});
    return std::nullopt;
  } catch (const SyntaxError& error) {
    const uint32_t line = static_cast<uint32_t>(error.line) + line_offset;
    std::string message = error.message;
    const std::string_view written = source.line(line);
    const std::size_t first_text = written.find_first_not_of(" \t");
    if (written.substr(0, first_text).find('\t') != std::string_view::npos) {
      message = "tab character in indentation (YAML allows only spaces)";
    }
    diagnostics.push_back({Diagnostic::Level::error, source.path(), line,
                           "invalid YAML: " + message + "; document skipped"});
    return std::nullopt;
  } catch (const std::exception& error) {
    diagnostics.push_back({Diagnostic::Level::error, source.path(), chunk.first_line,
                           std::string("YAML parser failed: ") + error.what() + "; document skipped"});
    return std::nullopt;
  }

  ExtentPass(document, source).run();
  return document;
}

std::vector<YamlDocument> parse_yaml_stream(const SourceText& source, const YamlLimits& limits,
                                            std::vector<Diagnostic>& diagnostics) {
  std::vector<YamlDocument> documents;
  for (const YamlChunk& chunk : split_yaml_documents(source.text())) {
    auto document = parse_yaml_document(source, chunk, limits, diagnostics);
    if (document && !document->empty()) documents.push_back(std::move(*document));
  }
  return documents;
}

}  // namespace nhiscan
