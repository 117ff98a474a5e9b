// Terraform configuration as an owned tree of blocks, attributes and expressions,
// read from HCL native syntax (tree-sitter-hcl) or JSON syntax (.tf.json through
// nlohmann/json). The parse tree is dropped once this model is built.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "scanner/model.h"
#include "scanner/source.h"

namespace nhiscan {

/// 1-based line and 1-based byte column.
struct SourcePoint {
  uint32_t line = 0;
  uint32_t column = 0;
};

struct HclExpr {
  enum class Kind : uint8_t {
    null,
    boolean,
    number,
    string,     // a literal string without interpolation or directives
    template_,  // a string with `${}` or `%{}` parts; `text` is its literal parts
    tuple,
    object,
    reference,  // a traversal such as var.x or aws_iam_user.bot.name; `text` holds it
    call,       // a function call; `text` is the function name, `items` its arguments
    for_tuple,  // [for v in items: value if cond]; keys = iterator names, items = {collection, value[, cond]}
    for_object, // {for k, v in items: key => value if cond}; items = {collection, key, value[, cond]}
    conditional,  // cond ? a : b; items = {cond, a, b}
    operation,  // `text` is the operator: items = {left, right}, or {operand} for ! and unary -
    other,      // anything else (splats, unreadable parts)
  };
  Kind kind = Kind::null;
  std::string text;
  bool heredoc = false;
  bool has_directive = false;  // a template with %{if} or %{for}: not statically evaluable
  bool has_condition = false;  // for expressions: the last item is the `if` condition
  bool grouped = false;        // for_object with `...`: values are grouped into lists
  std::vector<HclExpr> items;          // tuple items, call arguments, object values
  std::vector<std::string> keys;       // object keys, parallel to items
  std::vector<std::string> references; // every traversal inside, e.g. "var.stage"
  SourcePoint start;
  SourcePoint end;  // exclusive

  bool is_string() const { return kind == Kind::string; }
  /// Literal text when this is a string, a number or a boolean.
  std::optional<std::string> literal() const;
  /// Value of object key `key`, or nullptr.
  const HclExpr* field(std::string_view key) const;
};

struct HclAttribute {
  std::string name;
  HclExpr value;
  SourcePoint start;
  SourcePoint end;
};

struct HclBlock {
  std::string type;
  std::vector<std::string> labels;
  std::vector<HclAttribute> attributes;
  std::vector<HclBlock> blocks;
  SourcePoint start;
  SourcePoint end;  // last line of the block (its closing brace)
  /// Set when a syntax error precedes or lies inside the block: what is read from it
  /// may be wrong (tree-sitter can nest the next block inside a broken one).
  bool after_error = false;

  const HclAttribute* attribute(std::string_view name) const;
  const HclExpr* value(std::string_view name) const;
  /// First nested block of `type`, or nullptr.
  const HclBlock* block(std::string_view type) const;
  std::vector<const HclBlock*> blocks_of(std::string_view type) const;
};

struct HclComment {
  uint32_t line = 0;
  uint32_t column = 0;
  uint32_t end_line = 0;
  bool own_line = false;  // nothing but whitespace before it on its line
  std::string text;       // including the comment marker
};

struct HclFile {
  std::vector<HclBlock> blocks;
  std::vector<HclAttribute> attributes;  // top-level attributes (.tfvars files)
  std::vector<HclComment> comments;
  bool json_syntax = false;
};

struct HclLimits {
  uint32_t max_depth = 128;  // nesting of blocks and expressions
};

/// Parse HCL native syntax. Syntax errors are reported as diagnostics; the blocks
/// that could be read are still returned.
HclFile parse_hcl(const SourceText& source, const HclLimits& limits, std::vector<Diagnostic>& diagnostics);

/// Parse Terraform JSON syntax (.tf.json) into the same model, with positions.
HclFile parse_terraform_json(const SourceText& source, const HclLimits& limits,
                             std::vector<Diagnostic>& diagnostics);

/// Convert an expression to JSON (objects, tuples, literals); references and
/// templates become their source text. Used to evaluate `jsonencode({...})` policies.
nlohmann::json hcl_to_json(const HclExpr& expr);

}  // namespace nhiscan
