#include "scanner/hcl.h"

#include <tree_sitter/api.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>

#include "scanner/text.h"

extern "C" const TSLanguage* tree_sitter_hcl(void);

namespace nhiscan {

std::optional<std::string> HclExpr::literal() const {
  if (kind == Kind::string || kind == Kind::number || kind == Kind::boolean) return text;
  return std::nullopt;
}

const HclExpr* HclExpr::field(std::string_view key) const {
  if (kind != Kind::object) return nullptr;
  for (std::size_t i = keys.size(); i-- > 0;) {
    if (keys[i] == key) return &items[i];
  }
  return nullptr;
}

const HclAttribute* HclBlock::attribute(std::string_view name) const {
  for (const HclAttribute& attribute : attributes) {
    if (attribute.name == name) return &attribute;
  }
  return nullptr;
}

const HclExpr* HclBlock::value(std::string_view name) const {
  const HclAttribute* found = attribute(name);
  return found ? &found->value : nullptr;
}

const HclBlock* HclBlock::block(std::string_view type) const {
  for (const HclBlock& child : blocks) {
    if (child.type == type) return &child;
  }
  return nullptr;
}

std::vector<const HclBlock*> HclBlock::blocks_of(std::string_view type) const {
  std::vector<const HclBlock*> found;
  for (const HclBlock& child : blocks) {
    if (child.type == type) found.push_back(&child);
  }
  return found;
}

namespace {

using TreePtr = std::unique_ptr<TSTree, decltype(&ts_tree_delete)>;
using ParserPtr = std::unique_ptr<TSParser, decltype(&ts_parser_delete)>;

bool is_type(TSNode node, const char* type) { return std::strcmp(ts_node_type(node), type) == 0; }

std::vector<TSNode> children(TSNode node) {
  std::vector<TSNode> out;
  const uint32_t count = ts_node_child_count(node);
  out.reserve(count);
  TSTreeCursor cursor = ts_tree_cursor_new(node);
  if (ts_tree_cursor_goto_first_child(&cursor)) {
    do {
      out.push_back(ts_tree_cursor_current_node(&cursor));
    } while (ts_tree_cursor_goto_next_sibling(&cursor));
  }
  ts_tree_cursor_delete(&cursor);
  return out;
}

/// Decode HCL quoted-string escapes: \n \r \t \" \\ \uNNNN \UNNNNNNNN, and the
/// template escapes $${ and %%{.
std::string unescape(std::string_view raw, bool keep_template_escapes = false) {
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == '\\' && i + 1 < raw.size()) {
      const char e = raw[++i];
      switch (e) {
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case 'u':
        case 'U': {
          const std::size_t digits = e == 'u' ? 4 : 8;
          if (i + digits < raw.size()) {
            uint32_t code = 0;
            bool ok = true;
            for (std::size_t k = 1; k <= digits && ok; ++k) {
              const char h = raw[i + k];
              code <<= 4;
              if (h >= '0' && h <= '9') code |= h - '0';
              else if (h >= 'a' && h <= 'f') code |= h - 'a' + 10;
              else if (h >= 'A' && h <= 'F') code |= h - 'A' + 10;
              else ok = false;
            }
            if (ok && code <= 0x10FFFF && !(code >= 0xD800 && code <= 0xDFFF)) {
              if (code < 0x80) {
                out += static_cast<char>(code);
              } else if (code < 0x800) {
                out += static_cast<char>(0xC0 | (code >> 6));
                out += static_cast<char>(0x80 | (code & 0x3F));
              } else if (code < 0x10000) {
                out += static_cast<char>(0xE0 | (code >> 12));
                out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
                out += static_cast<char>(0x80 | (code & 0x3F));
              } else {
                out += static_cast<char>(0xF0 | (code >> 18));
                out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
                out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
                out += static_cast<char>(0x80 | (code & 0x3F));
              }
              i += digits;
              break;
            }
          }
          out += '\\';
          out += e;
          break;
        }
        default:
          out += '\\';
          out += e;
      }
      continue;
    }
    if ((c == '$' || c == '%') && i + 2 < raw.size() && raw[i + 1] == c && raw[i + 2] == '{') {
      out += c;
      if (keep_template_escapes) out += c;
      out += '{';
      i += 2;
      continue;
    }
    out += c;
  }
  return out;
}

class HclConverter {
 public:
  HclConverter(const SourceText& source, const HclLimits& limits, std::vector<Diagnostic>& diagnostics)
      : source_(source), text_(source.text()), limits_(limits), diagnostics_(diagnostics) {}

  HclFile convert(TSNode root) {
    HclFile file;
    collect_comments_and_errors(root, file);
    for (TSNode child : children(root)) {
      if (is_type(child, "body")) read_body(child, file.blocks, file.attributes, 0);
    }
    hoist_blocks_after_errors(file.blocks);
    return file;
  }

 private:
  std::string_view node_text(TSNode node) const {
    const uint32_t begin = ts_node_start_byte(node);
    const uint32_t end = ts_node_end_byte(node);
    return std::string_view(text_).substr(begin, end - begin);
  }

  SourcePoint start(TSNode node) const {
    const TSPoint point = ts_node_start_point(node);
    return {point.row + 1, point.column + 1};
  }
  SourcePoint end(TSNode node) const {
    const TSPoint point = ts_node_end_point(node);
    return {point.row + 1, point.column + 1};
  }

  bool in_error(SourcePoint point) const {
    return first_error_line_ && point.line >= first_error_line_;
  }

  // One iterative pass over the whole tree: comments are extras that can sit anywhere,
  // and syntax errors are reported once, at the first one.
  void collect_comments_and_errors(TSNode root, HclFile& file) {
    const bool has_error = ts_node_has_error(root);
    TSTreeCursor cursor = ts_tree_cursor_new(root);
    uint32_t depth = 0;
    bool reported_depth = false;
    while (true) {
      const TSNode node = ts_tree_cursor_current_node(&cursor);
      if (is_type(node, "comment")) {
        HclComment comment;
        comment.line = start(node).line;
        comment.column = start(node).column;
        comment.end_line = end(node).line;
        comment.text = std::string(node_text(node));
        const std::string_view before = source_.line(comment.line).substr(0, comment.column - 1);
        comment.own_line = trim(before).empty();
        file.comments.push_back(std::move(comment));
      } else if (has_error && (ts_node_is_error(node) || ts_node_is_missing(node))) {
        const uint32_t line = start(node).line;
        if (!first_error_line_ || line < first_error_line_) first_error_line_ = line;
      }
      if (depth > limits_.max_depth * 8 && !reported_depth) {
        reported_depth = true;
        too_deep_ = true;
      }
      if (ts_tree_cursor_goto_first_child(&cursor)) {
        ++depth;
        continue;
      }
      bool moved = false;
      while (!moved) {
        if (ts_tree_cursor_goto_next_sibling(&cursor)) {
          moved = true;
        } else if (depth > 0 && ts_tree_cursor_goto_parent(&cursor)) {
          --depth;
        } else {
          break;
        }
      }
      if (!moved) break;
    }
    ts_tree_cursor_delete(&cursor);
    if (first_error_line_) {
      diagnostics_.push_back({Diagnostic::Level::error, source_.path(), first_error_line_,
                              "invalid HCL: syntax error; declarations from this line on may be "
                              "missing or misread"});
    }
    if (too_deep_) {
      diagnostics_.push_back({Diagnostic::Level::error, source_.path(), 1,
                              "HCL nesting is deeper than " + std::to_string(limits_.max_depth) +
                                  " levels; deeper parts are not read"});
    }
  }

  void read_body(TSNode body, std::vector<HclBlock>& blocks, std::vector<HclAttribute>& attributes,
                 uint32_t depth) {
    for (TSNode child : children(body)) {
      if (is_type(child, "block")) {
        if (depth >= limits_.max_depth) continue;
        blocks.push_back(read_block(child, depth + 1));
      } else if (is_type(child, "attribute")) {
        attributes.push_back(read_attribute(child, depth + 1));
      } else if (is_type(child, "ERROR")) {
        // Blocks that tree-sitter could still recognise inside the broken region.
        if (depth < limits_.max_depth) read_body(child, blocks, attributes, depth + 1);
      }
    }
  }

  HclBlock read_block(TSNode node, uint32_t depth) {
    HclBlock block;
    block.start = start(node);
    block.end = end(node);
    block.after_error = in_error(block.start) || ts_node_has_error(node);
    bool type_seen = false;
    for (TSNode child : children(node)) {
      if (is_type(child, "identifier")) {
        if (!type_seen) {
          block.type = std::string(node_text(child));
          type_seen = true;
        } else {
          block.labels.emplace_back(node_text(child));
        }
      } else if (is_type(child, "string_lit")) {
        block.labels.push_back(string_literal_text(child));
      } else if (is_type(child, "body")) {
        read_body(child, block.blocks, block.attributes, depth);
      }
    }
    return block;
  }

  HclAttribute read_attribute(TSNode node, uint32_t depth) {
    HclAttribute attribute;
    attribute.start = start(node);
    attribute.end = end(node);
    for (TSNode child : children(node)) {
      if (is_type(child, "identifier") && attribute.name.empty()) {
        attribute.name = std::string(node_text(child));
      } else if (is_type(child, "expression")) {
        attribute.value = read_expression(child, depth);
      }
    }
    return attribute;
  }

  std::string string_literal_text(TSNode node) {
    std::string raw;
    for (TSNode part : children(node)) {
      if (is_type(part, "template_literal")) raw += node_text(part);
    }
    return unescape(raw);
  }

  HclExpr read_expression(TSNode node, uint32_t depth) {
    return read_parts(node, children(node), 0, 0, depth);
  }

  /// An expression from `parts[begin, end)` (end 0: all): tree-sitter-hcl writes a
  /// traversal as sibling nodes (variable_expr, get_attr, index) and gives binary
  /// operands no wrapper node, so expressions are read from node ranges.
  HclExpr read_parts(TSNode whole, const std::vector<TSNode>& all, std::size_t begin, std::size_t end, uint32_t depth) {
    if (end == 0) end = all.size();
    HclExpr expr;
    if (begin >= end) {
      expr.kind = HclExpr::Kind::other;
      return expr;
    }
    const TSNode first = all[begin];
    const TSNode last = all[end - 1];
    const uint32_t begin_byte = ts_node_start_byte(first), end_byte = ts_node_end_byte(last);
    const std::string_view text = std::string_view(text_).substr(begin_byte, end_byte - begin_byte);
    expr.start = start(first);
    expr.end = this->end(last);
    if (depth >= limits_.max_depth) {
      expr.kind = HclExpr::Kind::other;
      expr.text = std::string(text.substr(0, 200));
      return expr;
    }
    (void)whole;

    const bool traversal = std::all_of(all.begin() + static_cast<std::ptrdiff_t>(begin) + 1,
                                       all.begin() + static_cast<std::ptrdiff_t>(end), [](TSNode part) {
      return is_type(part, "get_attr") || is_type(part, "index") || is_type(part, "splat");
    });
    if (is_type(first, "variable_expr") && traversal) {
      expr.kind = HclExpr::Kind::reference;
      expr.text = compact(text);
      expr.references.push_back(expr.text);
      return expr;
    }
    if (end - begin == 1) {
      if (is_type(first, "literal_value")) return read_literal(first, expr);
      if (is_type(first, "template_expr")) return read_template(first, expr);
      if (is_type(first, "collection_value")) return read_collection(first, expr, depth);
      if (is_type(first, "function_call")) return read_call(first, expr, depth);
      if (is_type(first, "expression")) return read_expression(first, depth + 1);
      if (is_type(first, "for_expr")) return read_for(first, expr, depth);
      if (is_type(first, "conditional")) return read_conditional(first, expr, depth);
      if (is_type(first, "operation")) return read_operation(first, expr, depth);
    }

    expr.kind = HclExpr::Kind::other;
    expr.text = std::string(text);
    for (std::size_t i = begin; i < end; ++i) collect_references(all[i], expr.references);
    return expr;
  }

  // `a && b`, `x == "y"`, `!a`: the operator is the one unnamed child.
  HclExpr& read_operation(TSNode node, HclExpr& expr, uint32_t depth) {
    const std::vector<TSNode> parts = children(node);
    expr.text = std::string(node_text(node));
    if (parts.empty()) {
      expr.kind = HclExpr::Kind::other;
      return expr;
    }
    const TSNode operation = parts.front();
    const std::vector<TSNode> operands = children(operation);
    std::size_t op = operands.size();
    for (std::size_t i = 0; i < operands.size(); ++i) {
      if (!ts_node_is_named(operands[i])) {
        op = i;
        break;
      }
    }
    collect_references(node, expr.references);
    if (op == operands.size()) {
      expr.kind = HclExpr::Kind::other;
      return expr;
    }
    const std::string symbol(node_text(operands[op]));
    expr.kind = HclExpr::Kind::operation;
    std::vector<std::string> references = std::move(expr.references);
    if (is_type(operation, "unary_operation")) {
      expr.items.push_back(read_parts(operation, operands, op + 1, 0, depth + 1));
    } else {
      expr.items.push_back(read_parts(operation, operands, 0, op, depth + 1));
      expr.items.push_back(read_parts(operation, operands, op + 1, 0, depth + 1));
    }
    expr.references = std::move(references);
    expr.text = symbol;
    return expr;
  }

  HclExpr& read_literal(TSNode node, HclExpr& expr) {
    const std::vector<TSNode> parts = children(node);
    if (parts.empty()) return expr;
    const TSNode value = parts.front();
    if (is_type(value, "string_lit")) {
      expr.kind = HclExpr::Kind::string;
      expr.text = string_literal_text(value);
    } else if (is_type(value, "numeric_lit")) {
      expr.kind = HclExpr::Kind::number;
      expr.text = std::string(node_text(value));
    } else if (is_type(value, "bool_lit")) {
      expr.kind = HclExpr::Kind::boolean;
      expr.text = std::string(node_text(value));
    } else {
      expr.kind = HclExpr::Kind::null;
    }
    return expr;
  }

  HclExpr& read_template(TSNode node, HclExpr& expr) {
    const std::vector<TSNode> parts = children(node);
    if (parts.empty()) return expr;
    const TSNode body = parts.front();
    expr.kind = HclExpr::Kind::template_;
    if (is_type(body, "heredoc_template")) {
      expr.heredoc = true;
      expr.text = heredoc_text(body);
    } else {
      // Quoted template: keep literal parts decoded and interpolations as written.
      std::string raw;
      for (TSNode part : children(body)) {
        if (is_type(part, "template_literal")) {
          raw += unescape(node_text(part), /*keep_template_escapes=*/true);
        } else if (is_type(part, "template_interpolation") || is_type(part, "template_directive")) {
          raw += node_text(part);
        }
      }
      expr.text = std::move(raw);
    }
    bool interpolated = false;
    for (TSNode part : children(body)) {
      if (is_type(part, "template_directive")) expr.has_directive = true;
      if (is_type(part, "template_interpolation") || is_type(part, "template_directive")) {
        interpolated = true;
      }
    }
    collect_references(body, expr.references);
    // A template with no interpolation is just a string.
    if (!interpolated) {
      // Without interpolation the escapes $${ and %%{ are plain text.
      expr.kind = HclExpr::Kind::string;
      expr.text = replace_all(replace_all(std::move(expr.text), "$${", "${"), "%%{", "%{");
    }
    return expr;
  }

  std::string heredoc_text(TSNode heredoc) {
    const std::vector<TSNode> parts = children(heredoc);
    bool strip_indent = false;
    uint32_t content_begin = 0, content_end = 0;
    int identifiers = 0;
    for (TSNode part : parts) {
      if (is_type(part, "heredoc_start")) {
        strip_indent = node_text(part) == "<<-";
      } else if (is_type(part, "heredoc_identifier")) {
        if (identifiers++ == 0) {
          // Content starts on the line after the opening marker.
          const std::size_t newline = text_.find('\n', ts_node_end_byte(part));
          content_begin = newline == std::string::npos ? static_cast<uint32_t>(text_.size())
                                                       : static_cast<uint32_t>(newline + 1);
        } else {
          // Content ends at the start of the closing marker's line.
          const uint32_t line = start(part).line;
          content_end = static_cast<uint32_t>(source_.line_offset(line));
        }
      }
    }
    if (content_end < content_begin) return {};
    std::string body = text_.substr(content_begin, content_end - content_begin);
    body = replace_all(std::move(body), "\r\n", "\n");
    if (!strip_indent) return body;

    // `<<-` removes the smallest indentation of the non-blank lines.
    std::size_t common = std::string::npos;
    for (std::string_view line : split(body, '\n')) {
      if (trim(line).empty()) continue;
      const std::size_t indent = line.find_first_not_of(" \t");
      common = std::min(common, indent);
    }
    if (common == std::string::npos || common == 0) return body;
    std::string out;
    for (std::string_view line : split(body, '\n')) {
      out += line.size() >= common ? std::string(line.substr(common)) : std::string(trim(line));
      out += '\n';
    }
    if (!out.empty()) out.pop_back();
    return out;
  }

  HclExpr& read_collection(TSNode node, HclExpr& expr, uint32_t depth) {
    const std::vector<TSNode> parts = children(node);
    if (parts.empty()) return expr;
    const TSNode collection = parts.front();
    if (is_type(collection, "tuple")) {
      expr.kind = HclExpr::Kind::tuple;
      for (TSNode item : children(collection)) {
        if (is_type(item, "expression")) expr.items.push_back(read_expression(item, depth + 1));
      }
    } else {
      expr.kind = HclExpr::Kind::object;
      for (TSNode element : children(collection)) {
        if (!is_type(element, "object_elem")) continue;
        const TSNode key = ts_node_child_by_field_name(element, "key", 3);
        const TSNode value = ts_node_child_by_field_name(element, "val", 3);
        if (ts_node_is_null(key) || ts_node_is_null(value)) continue;
        expr.keys.push_back(object_key(key));
        expr.items.push_back(read_expression(value, depth + 1));
      }
    }
    for (const HclExpr& item : expr.items) {
      expr.references.insert(expr.references.end(), item.references.begin(), item.references.end());
    }
    return expr;
  }

  std::string object_key(TSNode key) {
    const std::vector<TSNode> parts = children(key);
    if (parts.size() == 1 && is_type(parts.front(), "variable_expr")) return std::string(node_text(parts.front()));
    if (parts.size() == 1 && is_type(parts.front(), "literal_value")) {
      const std::vector<TSNode> literal = children(parts.front());
      if (!literal.empty() && is_type(literal.front(), "string_lit")) return string_literal_text(literal.front());
    }
    return compact(node_text(key));
  }

  // [for v in collection : value if cond] and {for k, v in collection : key => value}.
  HclExpr& read_for(TSNode node, HclExpr& expr, uint32_t depth) {
    const std::vector<TSNode> parts = children(node);
    if (parts.empty()) return expr;
    const TSNode body = parts.front();
    expr.kind = is_type(body, "for_object_expr") ? HclExpr::Kind::for_object : HclExpr::Kind::for_tuple;
    expr.text = std::string(node_text(node));
    HclExpr condition;
    for (TSNode part : children(body)) {
      if (is_type(part, "for_intro")) {
        for (TSNode intro : children(part)) {
          if (is_type(intro, "identifier")) expr.keys.emplace_back(node_text(intro));
          if (is_type(intro, "expression")) expr.items.insert(expr.items.begin(), read_expression(intro, depth + 1));
        }
      } else if (is_type(part, "expression")) {
        expr.items.push_back(read_expression(part, depth + 1));
      } else if (is_type(part, "for_cond")) {
        for (TSNode inner : children(part)) {
          if (is_type(inner, "expression")) {
            condition = read_expression(inner, depth + 1);
            expr.has_condition = true;
          }
        }
      } else if (is_type(part, "ellipsis")) {
        expr.grouped = true;
      }
    }
    if (expr.has_condition) expr.items.push_back(std::move(condition));
    collect_references(node, expr.references);
    return expr;
  }

  HclExpr& read_conditional(TSNode node, HclExpr& expr, uint32_t depth) {
    expr.kind = HclExpr::Kind::conditional;
    expr.text = std::string(node_text(node));
    for (TSNode part : children(node)) {
      if (is_type(part, "expression")) expr.items.push_back(read_expression(part, depth + 1));
    }
    if (expr.items.size() != 3) {
      expr.kind = HclExpr::Kind::other;
      expr.items.clear();
    }
    collect_references(node, expr.references);
    return expr;
  }

  HclExpr& read_call(TSNode node, HclExpr& expr, uint32_t depth) {
    expr.kind = HclExpr::Kind::call;
    for (TSNode part : children(node)) {
      if (is_type(part, "identifier")) {
        expr.text = std::string(node_text(part));
      } else if (is_type(part, "function_arguments")) {
        for (TSNode argument : children(part)) {
          if (is_type(argument, "expression")) expr.items.push_back(read_expression(argument, depth + 1));
        }
      }
    }
    for (const HclExpr& item : expr.items) {
      expr.references.insert(expr.references.end(), item.references.begin(), item.references.end());
    }
    return expr;
  }

  // Every traversal (variable_expr followed by get_attr/index) inside `node`, found with
  // an explicit stack so that deep expressions cannot overflow the call stack.
  void collect_references(TSNode node, std::vector<std::string>& out) {
    std::vector<TSNode> stack{node};
    std::size_t visited = 0;
    while (!stack.empty() && visited++ < 100000) {
      const TSNode current = stack.back();
      stack.pop_back();
      const std::vector<TSNode> parts = children(current);
      for (std::size_t i = 0; i < parts.size(); ++i) {
        if (is_type(parts[i], "variable_expr")) {
          uint32_t end_byte = ts_node_end_byte(parts[i]);
          std::size_t k = i + 1;
          while (k < parts.size() && (is_type(parts[k], "get_attr") || is_type(parts[k], "index"))) {
            end_byte = ts_node_end_byte(parts[k]);
            ++k;
          }
          const uint32_t begin = ts_node_start_byte(parts[i]);
          out.push_back(compact(std::string_view(text_).substr(begin, end_byte - begin)));
        } else {
          stack.push_back(parts[i]);
        }
      }
    }
  }

  static std::string compact(std::string_view text) {
    std::string out;
    for (const char c : text) {
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') out += c;
    }
    return out;
  }

  // After a syntax error, tree-sitter may nest the following top-level blocks inside
  // the broken one. Lift them back out so that they are still scanned (marked suspect).
  void hoist_blocks_after_errors(std::vector<HclBlock>& blocks) {
    static const char* const kTopLevel[] = {"resource", "data", "module", "variable",
                                            "output", "provider", "locals", "terraform"};
    std::vector<HclBlock> lifted;
    for (HclBlock& block : blocks) {
      if (!block.after_error) continue;
      std::vector<HclBlock> kept;
      for (HclBlock& child : block.blocks) {
        const bool top_level = std::any_of(std::begin(kTopLevel), std::end(kTopLevel),
                                           [&](const char* type) { return child.type == type; });
        const bool labelled = child.type == "locals" || child.type == "terraform" || !child.labels.empty();
        if (top_level && labelled) {
          child.after_error = true;
          lifted.push_back(std::move(child));
        } else {
          kept.push_back(std::move(child));
        }
      }
      block.blocks = std::move(kept);
    }
    for (HclBlock& block : lifted) blocks.push_back(std::move(block));
  }

  const SourceText& source_;
  const std::string& text_;
  const HclLimits& limits_;
  std::vector<Diagnostic>& diagnostics_;
  uint32_t first_error_line_ = 0;
  bool too_deep_ = false;
};

}  // namespace

HclFile parse_hcl(const SourceText& source, const HclLimits& limits, std::vector<Diagnostic>& diagnostics) {
  // One parser per thread: creating one costs little next to parsing, and TSParser
  // must not be shared between threads.
  thread_local ParserPtr parser(nullptr, ts_parser_delete);
  if (!parser) {
    parser.reset(ts_parser_new());
    ts_parser_set_language(parser.get(), tree_sitter_hcl());
  }
  const std::string& text = source.text();
  TreePtr tree(ts_parser_parse_string(parser.get(), nullptr, text.data(), static_cast<uint32_t>(text.size())),
               ts_tree_delete);
  if (!tree) {
    diagnostics.push_back({Diagnostic::Level::error, source.path(), 1, "HCL parser failed; file skipped"});
    return {};
  }
  HclConverter converter(source, limits, diagnostics);
  return converter.convert(ts_tree_root_node(tree.get()));
}

}  // namespace nhiscan
