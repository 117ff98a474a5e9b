// Terraform JSON syntax (.tf.json) read with nlohmann/json's SAX parser. nlohmann
// 3.11 keeps no source positions, so the input iterator records how far the lexer has
// read, and each token's start is found from the end of the previous one.
#include <cstring>
#include <iterator>
#include <nlohmann/json.hpp>
#include <regex>

#include "scanner/hcl.h"
#include "scanner/regex.h"
#include "scanner/text.h"

namespace nhiscan {

namespace {

/// Input iterator over memory that publishes its position to a shared counter.
class TrackingIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  TrackingIterator(const char* at, std::size_t* position) : at_(at), position_(position) {}
  reference operator*() const { return *at_; }
  TrackingIterator& operator++() {
    ++at_;
    ++*position_;
    return *this;
  }
  TrackingIterator operator++(int) {
    TrackingIterator copy = *this;
    ++*this;
    return copy;
  }
  bool operator==(const TrackingIterator& other) const { return at_ == other.at_; }
  bool operator!=(const TrackingIterator& other) const { return at_ != other.at_; }

 private:
  const char* at_;
  std::size_t* position_;
};

/// A JSON value with the byte offset where it starts.
struct JsonNode {
  enum class Type { null, boolean, number, string, array, object } type = Type::null;
  std::string value;
  std::size_t offset = 0;
  std::size_t end_offset = 0;  // offset of the last character (the closing bracket)
  std::vector<std::string> keys;
  std::vector<std::size_t> key_offsets;
  std::vector<JsonNode> children;
};

class PositionedBuilder : public nlohmann::json_sax<nlohmann::json> {
 public:
  PositionedBuilder(const std::string& text, const std::size_t& position, uint32_t max_depth)
      : text_(text), position_(position), max_depth_(max_depth) {}

  JsonNode root;
  std::string error;
  std::size_t error_offset = 0;

  bool null() override { return add(JsonNode::Type::null, "null"); }
  bool boolean(bool value) override { return add(JsonNode::Type::boolean, value ? "true" : "false"); }
  bool number_integer(number_integer_t value) override {
    return add(JsonNode::Type::number, std::to_string(value));
  }
  bool number_unsigned(number_unsigned_t value) override {
    return add(JsonNode::Type::number, std::to_string(value));
  }
  bool number_float(number_float_t, const string_t& raw) override { return add(JsonNode::Type::number, raw); }
  bool string(string_t& value) override { return add(JsonNode::Type::string, value); }
  bool binary(binary_t&) override { return add(JsonNode::Type::null, ""); }

  bool start_object(std::size_t) override { return open(JsonNode::Type::object); }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(JsonNode::Type::array); }
  bool end_array() override { return close(); }

  bool key(string_t& value) override {
    const std::size_t at = token_start();
    consumed_ = position_;
    JsonNode* parent = stack_.back();
    parent->keys.push_back(value);
    parent->key_offsets.push_back(at);
    return true;
  }

  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) override {
    error = ex.what();
    error_offset = position > 0 ? position - 1 : 0;
    return false;
  }

 private:
  // The token begins at the first character after the previous token that is not
  // whitespace or a separator.
  std::size_t token_start() const {
    std::size_t at = consumed_;
    while (at < text_.size() && std::strchr(" \t\r\n:,", text_[at]) != nullptr && text_[at] != '\0') ++at;
    return at;
  }

  JsonNode* place() {
    if (stack_.empty()) return &root;
    JsonNode* parent = stack_.back();
    parent->children.emplace_back();
    return &parent->children.back();
  }

  bool add(JsonNode::Type type, std::string value) {
    const std::size_t at = token_start();
    consumed_ = position_;
    JsonNode* node = place();
    node->type = type;
    node->value = std::move(value);
    node->offset = at;
    node->end_offset = position_ > 0 ? position_ - 1 : 0;
    return true;
  }

  bool open(JsonNode::Type type) {
    const std::size_t at = token_start();
    consumed_ = position_;
    JsonNode* node = place();
    node->type = type;
    node->offset = at;
    if (stack_.size() >= max_depth_) {
      error = "JSON nesting is deeper than " + std::to_string(max_depth_) + " levels";
      error_offset = at;
      return false;
    }
    stack_.push_back(node);
    return true;
  }

  bool close() {
    consumed_ = position_;
    stack_.back()->end_offset = position_ > 0 ? position_ - 1 : 0;
    stack_.pop_back();
    return true;
  }

  const std::string& text_;
  const std::size_t& position_;
  uint32_t max_depth_;
  std::size_t consumed_ = 0;
  // Pointers stay valid: a node's children vector only grows while it is the top of
  // the stack, and deeper nodes are closed before their parent gets a new child.
  std::vector<JsonNode*> stack_;
};

class JsonToHcl {
 public:
  explicit JsonToHcl(const SourceText& source) : source_(source) {}

  SourcePoint point(std::size_t offset) const {
    const uint32_t line = source_.line_at(offset);
    return {line, static_cast<uint32_t>(offset - source_.line_offset(line)) + 1};
  }

  // A string in Terraform JSON is a template: "${aws_iam_user.bot.name}" alone is a
  // reference, any other "${...}" makes it a template.
  HclExpr expression(const JsonNode& node) const {
    HclExpr expr;
    expr.start = point(node.offset);
    expr.end = expr.start;
    switch (node.type) {
      case JsonNode::Type::null:
        expr.kind = HclExpr::Kind::null;
        break;
      case JsonNode::Type::boolean:
        expr.kind = HclExpr::Kind::boolean;
        expr.text = node.value;
        break;
      case JsonNode::Type::number:
        expr.kind = HclExpr::Kind::number;
        expr.text = node.value;
        break;
      case JsonNode::Type::string:
        string_expression(node.value, expr);
        break;
      case JsonNode::Type::array:
        expr.kind = HclExpr::Kind::tuple;
        for (const JsonNode& child : node.children) expr.items.push_back(expression(child));
        break;
      case JsonNode::Type::object:
        expr.kind = HclExpr::Kind::object;
        for (std::size_t i = 0; i < node.children.size() && i < node.keys.size(); ++i) {
          if (node.keys[i] == "//") continue;
          expr.keys.push_back(node.keys[i]);
          expr.items.push_back(expression(node.children[i]));
        }
        break;
    }
    for (const HclExpr& item : expr.items) {
      expr.references.insert(expr.references.end(), item.references.begin(), item.references.end());
    }
    return expr;
  }

  static void string_expression(const std::string& value, HclExpr& expr) {
    static const std::regex kTraversal(R"(^\$\{\s*([A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_*][A-Za-z0-9_*-]*|\[[^\]]*\])+)\s*\}$)", kRegexSyntax);
    static const std::regex kInner(R"(\$\{([^}]*)\})", kRegexSyntax);
    static const std::regex kName(R"([A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_*][A-Za-z0-9_*-]*|\[[^\]]*\])+)", kRegexSyntax);
    std::smatch match;
    if (std::regex_match(value, match, kTraversal)) {
      expr.kind = HclExpr::Kind::reference;
      expr.text = match[1].str();
      expr.references.push_back(expr.text);
      return;
    }
    if (value.find("${") == std::string::npos && value.find("%{") == std::string::npos) {
      expr.kind = HclExpr::Kind::string;
      expr.text = value;
      return;
    }
    expr.kind = HclExpr::Kind::template_;
    expr.text = value;
    expr.has_directive = value.find("%{") != std::string::npos;
    for (auto it = std::sregex_iterator(value.begin(), value.end(), kInner); it != std::sregex_iterator(); ++it) {
      const std::string inner = (*it)[1].str();
      for (auto name = std::sregex_iterator(inner.begin(), inner.end(), kName); name != std::sregex_iterator(); ++name) {
        expr.references.push_back(name->str());
      }
    }
  }

  // A JSON object (or array of objects) under a block is both an attribute value and,
  // for schemas that expect it, a nested block; both views are offered.
  void body(const JsonNode& node, HclBlock& block) const {
    for (std::size_t i = 0; i < node.children.size() && i < node.keys.size(); ++i) {
      const std::string& key = node.keys[i];
      const JsonNode& child = node.children[i];
      if (key == "//") continue;
      HclAttribute attribute;
      attribute.name = key;
      attribute.start = point(node.key_offsets[i]);
      attribute.end = attribute.start;
      attribute.value = expression(child);
      block.attributes.push_back(std::move(attribute));
      if (child.type == JsonNode::Type::object) {
        block.blocks.push_back(nested(key, child, node.key_offsets[i]));
      } else if (child.type == JsonNode::Type::array) {
        for (const JsonNode& item : child.children) {
          if (item.type == JsonNode::Type::object) block.blocks.push_back(nested(key, item, item.offset));
        }
      }
    }
  }

  HclBlock nested(const std::string& type, const JsonNode& node, std::size_t offset) const {
    HclBlock block;
    block.type = type;
    block.start = point(offset);
    block.end = {end_line(node), 1};
    body(node, block);
    return block;
  }

  uint32_t end_line(const JsonNode& node) const { return source_.line_at(node.end_offset); }

  // Top level: {"resource": {"TYPE": {"NAME": {...}}}}, {"variable": {"NAME": {...}}},
  // {"provider": {"aws": {...} or [{...}, ...]}}, {"locals": {...}}, {"terraform": {...}}.
  void top_level(const JsonNode& root, HclFile& file) const {
    for (std::size_t i = 0; i < root.children.size() && i < root.keys.size(); ++i) {
      const std::string& type = root.keys[i];
      const JsonNode& node = root.children[i];
      if (type == "//" || node.type != JsonNode::Type::object) continue;
      const int label_count = (type == "resource" || type == "data") ? 2
                              : (type == "locals" || type == "terraform") ? 0
                                                                           : 1;
      if (label_count == 0) {
        HclBlock block = nested(type, node, root.key_offsets[i]);
        block.blocks.clear();
        file.blocks.push_back(std::move(block));
        continue;
      }
      for (std::size_t j = 0; j < node.children.size() && j < node.keys.size(); ++j) {
        const JsonNode& first = node.children[j];
        if (label_count == 1) {
          labelled(type, {node.keys[j]}, first, node.key_offsets[j], file);
          continue;
        }
        if (first.type != JsonNode::Type::object) continue;
        for (std::size_t k = 0; k < first.children.size() && k < first.keys.size(); ++k) {
          labelled(type, {node.keys[j], first.keys[k]}, first.children[k], first.key_offsets[k], file);
        }
      }
    }
  }

  void labelled(const std::string& type, std::vector<std::string> labels, const JsonNode& node,
                std::size_t offset, HclFile& file) const {
    const auto add = [&](const JsonNode& body_node, std::size_t at) {
      if (body_node.type != JsonNode::Type::object) return;
      HclBlock block;
      block.type = type;
      block.labels = labels;
      block.start = point(at);
      block.end = {end_line(body_node), 1};
      body(body_node, block);
      file.blocks.push_back(std::move(block));
    };
    if (node.type == JsonNode::Type::array) {
      for (const JsonNode& item : node.children) add(item, item.offset);
    } else {
      add(node, offset);
    }
  }

 private:
  const SourceText& source_;
};

}  // namespace

HclFile parse_terraform_json(const SourceText& source, const HclLimits& limits,
                             std::vector<Diagnostic>& diagnostics) {
  HclFile file;
  file.json_syntax = true;
  const std::string& text = source.text();
  std::size_t position = 0;
  PositionedBuilder builder(text, position, limits.max_depth);
  TrackingIterator begin(text.data(), &position);
  TrackingIterator end(text.data() + text.size(), &position);
  const bool ok = nlohmann::json::sax_parse(begin, end, &builder, nlohmann::json::input_format_t::json, true,
                                            /*ignore_comments=*/false);
  if (!ok) {
    std::string message = builder.error;
    // nlohmann messages start with "[json.exception.parse_error.101] parse error at line 3,
    // column 5: "; the location is reported separately.
    const std::size_t colon = message.find(": ");
    if (starts_with(message, "[json.exception") && colon != std::string::npos) message = message.substr(colon + 2);
    diagnostics.push_back({Diagnostic::Level::error, source.path(), source.line_at(builder.error_offset),
                           "invalid JSON: " + message});
    return file;
  }
  if (builder.root.type != JsonNode::Type::object) {
    diagnostics.push_back({Diagnostic::Level::error, source.path(), 1,
                           "Terraform JSON file must contain an object at the top level"});
    return file;
  }
  JsonToHcl(source).top_level(builder.root, file);
  return file;
}

nlohmann::json hcl_to_json(const HclExpr& expr) {
  switch (expr.kind) {
    case HclExpr::Kind::null:
      return nullptr;
    case HclExpr::Kind::boolean:
      return expr.text == "true";
    case HclExpr::Kind::number: {
      try {
        std::size_t used = 0;
        const double value = std::stod(expr.text, &used);
        if (used == expr.text.size()) return value;
      } catch (const std::exception&) {
      }
      return expr.text;
    }
    case HclExpr::Kind::string:
    case HclExpr::Kind::template_:
      return expr.text;
    case HclExpr::Kind::reference:
      return "${" + expr.text + "}";
    case HclExpr::Kind::tuple: {
      nlohmann::json array = nlohmann::json::array();
      for (const HclExpr& item : expr.items) array.push_back(hcl_to_json(item));
      return array;
    }
    case HclExpr::Kind::object: {
      nlohmann::json object = nlohmann::json::object();
      for (std::size_t i = 0; i < expr.items.size(); ++i) object[expr.keys[i]] = hcl_to_json(expr.items[i]);
      return object;
    }
    case HclExpr::Kind::call:
      return "${" + expr.text + "(...)}";
    case HclExpr::Kind::for_tuple:
    case HclExpr::Kind::for_object:
    case HclExpr::Kind::conditional:
    case HclExpr::Kind::operation:
    case HclExpr::Kind::other:
      return "${" + expr.text + "}";
  }
  return nullptr;
}

}  // namespace nhiscan
