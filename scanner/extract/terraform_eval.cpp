// A static evaluator for the part of Terraform's expression language that decides
// who gets access: variables (defaults, or a module call's arguments), locals,
// templates, `for` expressions, conditionals, `dynamic` blocks and a few functions.
// Anything it cannot know (resource attributes, data sources, most functions) is
// an unknown value that spreads through whatever uses it.
#include <boost/filesystem.hpp>

#include <regex>
#include <set>

#include "scanner/extract/terraform.h"
#include "scanner/regex.h"
#include "scanner/text.h"

namespace nhiscan {

namespace {

constexpr int kMaxDepth = 48;
constexpr std::size_t kMaxElements = 10000;  // guards `for` over huge generated lists

struct Segment {
  std::string name;  // attribute or key
  bool index = false;
  std::size_t position = 0;
  bool splat = false;
};

/// Split "var.a.b[0][\"k\"]" into segments.
std::vector<Segment> split_path(const std::string& path) {
  std::vector<Segment> segments;
  std::string current;
  for (std::size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    if (c == '.') {
      if (!current.empty()) segments.push_back({current});
      current.clear();
    } else if (c == '[') {
      if (!current.empty()) segments.push_back({current});
      current.clear();
      const std::size_t close = path.find(']', i);
      if (close == std::string::npos) break;
      std::string inner = path.substr(i + 1, close - i - 1);
      Segment segment;
      if (inner == "*") {
        segment.splat = true;
      } else if (!inner.empty() && inner.front() == '"' && inner.back() == '"' && inner.size() >= 2) {
        segment.name = inner.substr(1, inner.size() - 2);
      } else if (!inner.empty() && std::all_of(inner.begin(), inner.end(), [](char d) { return d >= '0' && d <= '9'; })) {
        segment.index = true;
        segment.position = std::stoul(inner);
      } else {
        segment.name = "\x01" + inner;  // an expression index: not evaluated
      }
      segments.push_back(segment);
      i = close;
    } else {
      current += c;
    }
  }
  if (!current.empty()) segments.push_back({current});
  return segments;
}

TfValue traverse(TfValue value, const std::vector<Segment>& segments, std::size_t from, const std::string& text) {
  for (std::size_t i = from; i < segments.size(); ++i) {
    if (is_unknown(value)) return value;
    const Segment& segment = segments[i];
    if (segment.splat || (!segment.name.empty() && segment.name[0] == '\x01')) return unknown_value(text);
    if (segment.index) {
      if (!value.is_array() || segment.position >= value.size()) return unknown_value(text);
      value = value[segment.position];
    } else if (value.is_object() && value.contains(segment.name)) {
      value = value[segment.name];
    } else {
      return unknown_value(text);
    }
  }
  return value;
}

std::string to_text(const TfValue& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number_integer()) return std::to_string(value.get<int64_t>());
  if (value.is_number_unsigned()) return std::to_string(value.get<uint64_t>());
  if (value.is_number_float()) {
    const double number = value.get<double>();
    if (number == static_cast<double>(static_cast<int64_t>(number))) return std::to_string(static_cast<int64_t>(number));
    return value.dump();
  }
  return value.dump();
}

bool known_everywhere(const TfValue& value) {
  if (is_unknown(value)) return false;
  if (value.is_array() || value.is_object()) {
    for (const auto& item : value) {
      if (!known_everywhere(item)) return false;
    }
  }
  return true;
}

}  // namespace

bool is_unknown(const TfValue& value) { return value.is_object() && value.size() == 1 && value.contains("$unknown"); }

TfValue unknown_value(const std::string& text) { return TfValue{{"$unknown", text}}; }

const TfValue* TfBindings::find(const std::string& name) const {
  for (const TfBindings* scope = this; scope; scope = scope->parent) {
    const auto found = scope->values.find(name);
    if (found != scope->values.end()) return &found->second;
  }
  return nullptr;
}

std::optional<std::string> TerraformContext::string_value(const HclExpr* expr, const TfBindings* bindings) const {
  if (!expr) return std::nullopt;
  if (const auto literal = expr->literal()) return literal;
  const TfValue value = evaluate(*expr, bindings);
  if (value.is_string() || value.is_number() || value.is_boolean()) return to_text(value);
  return std::nullopt;
}

TfValue TerraformContext::evaluate(const HclExpr& expr, const TfBindings* bindings, int depth) const {
  if (depth > kMaxDepth) return unknown_value(expr.text);
  switch (expr.kind) {
    case HclExpr::Kind::null:
      return nullptr;
    case HclExpr::Kind::boolean:
      return expr.text == "true";
    case HclExpr::Kind::number: {
      const TfValue number = TfValue::parse(expr.text, nullptr, false);
      return number.is_discarded() ? TfValue(expr.text) : number;
    }
    case HclExpr::Kind::string:
      return expr.text;
    case HclExpr::Kind::template_:
      return template_value(expr, bindings, depth);
    case HclExpr::Kind::reference:
      return reference(expr.text, bindings, depth);
    case HclExpr::Kind::tuple: {
      TfValue array = TfValue::array();
      for (const HclExpr& item : expr.items) array.push_back(evaluate(item, bindings, depth + 1));
      return array;
    }
    case HclExpr::Kind::object: {
      TfValue object = TfValue::object();
      for (std::size_t i = 0; i < expr.items.size(); ++i) object[expr.keys[i]] = evaluate(expr.items[i], bindings, depth + 1);
      return object;
    }
    case HclExpr::Kind::call:
      return call(expr, bindings, depth);
    case HclExpr::Kind::conditional: {
      const TfValue condition = evaluate(expr.items[0], bindings, depth + 1);
      if (!condition.is_boolean()) return unknown_value(expr.text);
      return evaluate(expr.items[condition.get<bool>() ? 1 : 2], bindings, depth + 1);
    }
    case HclExpr::Kind::for_tuple:
    case HclExpr::Kind::for_object: {
      const bool object = expr.kind == HclExpr::Kind::for_object;
      const std::size_t needed = (object ? 3 : 2) + (expr.has_condition ? 1 : 0);
      if (expr.items.size() != needed || expr.keys.empty()) return unknown_value(expr.text);
      const TfValue collection = evaluate(expr.items[0], bindings, depth + 1);
      if (!collection.is_array() && !(collection.is_object() && !is_unknown(collection))) return unknown_value(expr.text);
      TfValue result = object ? TfValue::object() : TfValue::array();
      std::size_t index = 0;
      for (auto it = collection.begin(); it != collection.end() && index < kMaxElements; ++it, ++index) {
        TfBindings scope;
        scope.parent = bindings;
        const TfValue key = collection.is_array() ? TfValue(index) : TfValue(it.key());
        if (expr.keys.size() == 2) {
          scope.values[expr.keys[0]] = key;
          scope.values[expr.keys[1]] = *it;
        } else {
          scope.values[expr.keys[0]] = *it;
        }
        if (expr.has_condition) {
          const TfValue keep = evaluate(expr.items.back(), &scope, depth + 1);
          if (keep.is_boolean() && !keep.get<bool>()) continue;
        }
        if (object) {
          const TfValue name = evaluate(expr.items[1], &scope, depth + 1);
          if (!name.is_string()) return unknown_value(expr.text);
          result[name.get<std::string>()] = evaluate(expr.items[2], &scope, depth + 1);
        } else {
          result.push_back(evaluate(expr.items[1], &scope, depth + 1));
        }
      }
      return result;
    }
    case HclExpr::Kind::operation:
      return operation(expr, bindings, depth);
    case HclExpr::Kind::other:
      return unknown_value(expr.text);
  }
  return unknown_value(expr.text);
}

TfValue TerraformContext::operation(const HclExpr& expr, const TfBindings* bindings, int depth) const {
  const std::string& symbol = expr.text;
  const std::string shown = "(" + symbol + " expression)";
  if (expr.items.size() == 1) {
    const TfValue operand = evaluate(expr.items[0], bindings, depth + 1);
    if (symbol == "!" && operand.is_boolean()) return !operand.get<bool>();
    if (symbol == "-" && operand.is_number()) return -operand.get<double>();
    return unknown_value(shown);
  }
  if (expr.items.size() != 2) return unknown_value(shown);
  const TfValue left = evaluate(expr.items[0], bindings, depth + 1);
  // && and || decide on one known side: false && unknown is false.
  if (symbol == "&&" || symbol == "||") {
    const bool is_and = symbol == "&&";
    if (left.is_boolean() && left.get<bool>() != is_and) return !is_and;
    const TfValue right = evaluate(expr.items[1], bindings, depth + 1);
    if (right.is_boolean() && right.get<bool>() != is_and) return !is_and;
    if (left.is_boolean() && right.is_boolean()) return is_and;
    return unknown_value(shown);
  }
  const TfValue right = evaluate(expr.items[1], bindings, depth + 1);
  if (is_unknown(left) || is_unknown(right)) return unknown_value(shown);
  if (symbol == "==") return left == right;
  if (symbol == "!=") return left != right;
  if (!left.is_number() || !right.is_number()) return unknown_value(shown);
  const double a = left.get<double>(), b = right.get<double>();
  if (symbol == "<") return a < b;
  if (symbol == "<=") return a <= b;
  if (symbol == ">") return a > b;
  if (symbol == ">=") return a >= b;
  if (symbol == "+") return a + b;
  if (symbol == "-") return a - b;
  if (symbol == "*") return a * b;
  if (symbol == "/" && b != 0) return a / b;
  return unknown_value(shown);
}

TfValue TerraformContext::reference(const std::string& path, const TfBindings* bindings, int depth) const {
  const std::vector<Segment> segments = split_path(path);
  if (segments.empty()) return unknown_value(path);
  const std::string& root = segments[0].name;

  if (bindings) {
    if (const TfValue* bound = bindings->find(root)) return traverse(*bound, segments, 1, path);
  }
  if (root == "var" && segments.size() >= 2) {
    const std::string& name = segments[1].name;
    if (instance_) {
      const auto argument = instance_->arguments.find(name);
      if (argument != instance_->arguments.end()) return traverse(argument->second, segments, 2, path);
    }
    const HclExpr* fallback = variable_default(name);
    if (!fallback) return unknown_value(path);
    return traverse(evaluate(*fallback, nullptr, depth + 1), segments, 2, path);
  }
  if (root == "local" && segments.size() >= 2) {
    const auto found = locals_.find(segments[1].name);
    if (found == locals_.end()) return unknown_value(path);
    return traverse(evaluate(*found->second, nullptr, depth + 1), segments, 2, path);
  }
  return unknown_value(path);
}

TfValue TerraformContext::template_value(const HclExpr& expr, const TfBindings* bindings, int depth) const {
  if (expr.has_directive) return unknown_value(expr.text);
  // Interpolations of plain traversals are substituted; anything else is unknown.
  static const std::regex kInterpolation(R"(\$\{~?\s*([A-Za-z_][A-Za-z0-9_\-]*(?:\.[A-Za-z_][A-Za-z0-9_\-]*|\[[0-9]+\]|\["[^"\]]*"\])*)\s*~?\})", kRegexSyntax);
  std::string out;
  const std::string& text = expr.text;
  std::size_t position = 0;
  for (auto match = std::sregex_iterator(text.begin(), text.end(), kInterpolation); match != std::sregex_iterator(); ++match) {
    const std::size_t start = static_cast<std::size_t>(match->position());
    // "$${" is an escaped, literal "${".
    if (start > 0 && text[start - 1] == '$') continue;
    out += text.substr(position, start - position);
    const TfValue value = reference((*match)[1].str(), bindings, depth + 1);
    if (is_unknown(value) || value.is_null() || value.is_array() || value.is_object()) return unknown_value(expr.text);
    out += to_text(value);
    position = start + static_cast<std::size_t>(match->length());
  }
  out += text.substr(position);
  if (out.find("${") != std::string::npos) {
    // Whatever is left is an interpolation that is not a plain traversal, unless escaped.
    const std::string unescaped = replace_all(out, "$${", "");
    if (unescaped.find("${") != std::string::npos) return unknown_value(expr.text);
  }
  return replace_all(replace_all(out, "$${", "${"), "%%{", "%{");
}

std::string TerraformContext::partial_text(const HclExpr& expr, const TfBindings* bindings) const {
  static const std::regex kInterpolation(R"(\$\{~?\s*([A-Za-z_][A-Za-z0-9_\-]*(?:\.[A-Za-z_][A-Za-z0-9_\-]*|\[[0-9]+\]|\["[^"\]]*"\])*)\s*~?\})", kRegexSyntax);
  std::string out;
  const std::string& text = expr.text;
  std::size_t position = 0;
  for (auto match = std::sregex_iterator(text.begin(), text.end(), kInterpolation); match != std::sregex_iterator(); ++match) {
    const std::size_t start = static_cast<std::size_t>(match->position());
    const TfValue value = reference((*match)[1].str(), bindings, 1);
    if (is_unknown(value) || value.is_null() || value.is_array() || value.is_object()) continue;
    out += text.substr(position, start - position) + to_text(value);
    position = start + static_cast<std::size_t>(match->length());
  }
  return out + text.substr(position);
}

TfValue TerraformContext::call(const HclExpr& expr, const TfBindings* bindings, int depth) const {
  std::vector<TfValue> arguments;
  for (const HclExpr& item : expr.items) arguments.push_back(evaluate(item, bindings, depth + 1));
  const std::string& name = expr.text;
  const auto all_known = [&] {
    return std::all_of(arguments.begin(), arguments.end(), [](const TfValue& value) { return !is_unknown(value); });
  };

  if (name == "jsonencode" && arguments.size() == 1) {
    if (!known_everywhere(arguments[0])) return unknown_value("jsonencode(...)");
    return arguments[0].dump();
  }
  if ((name == "tolist" || name == "toset" || name == "tomap" || name == "tostring" || name == "sensitive" ||
       name == "nonsensitive") &&
      arguments.size() == 1) {
    return arguments[0];
  }
  if (name == "try" || name == "coalesce") {
    for (const TfValue& value : arguments) {
      if (!is_unknown(value) && !(name == "coalesce" && (value.is_null() || value == ""))) return value;
    }
    return unknown_value(name + "(...)");
  }
  if (!all_known()) return unknown_value(name + "(...)");
  if (name == "concat") {
    TfValue result = TfValue::array();
    for (const TfValue& list : arguments) {
      if (!list.is_array()) return unknown_value("concat(...)");
      for (const TfValue& item : list) result.push_back(item);
    }
    return result;
  }
  if (name == "merge") {
    TfValue result = TfValue::object();
    for (const TfValue& map : arguments) {
      if (map.is_null()) continue;
      if (!map.is_object()) return unknown_value("merge(...)");
      for (auto it = map.begin(); it != map.end(); ++it) result[it.key()] = it.value();
    }
    return result;
  }
  if (name == "flatten" && arguments.size() == 1 && arguments[0].is_array()) {
    TfValue result = TfValue::array();
    std::vector<TfValue> stack(arguments[0].rbegin(), arguments[0].rend());
    while (!stack.empty() && result.size() < kMaxElements) {
      TfValue item = std::move(stack.back());
      stack.pop_back();
      if (item.is_array()) {
        for (auto it = item.rbegin(); it != item.rend(); ++it) stack.push_back(*it);
      } else {
        result.push_back(std::move(item));
      }
    }
    return result;
  }
  if ((name == "lower" || name == "upper") && arguments.size() == 1 && arguments[0].is_string()) {
    std::string text = arguments[0].get<std::string>();
    for (char& c : text) c = static_cast<char>(name == "lower" ? std::tolower(static_cast<unsigned char>(c))
                                                               : std::toupper(static_cast<unsigned char>(c)));
    return text;
  }
  if (name == "length" && arguments.size() == 1) {
    if (arguments[0].is_string()) return arguments[0].get<std::string>().size();
    if (arguments[0].is_array() || arguments[0].is_object()) return arguments[0].size();
  }
  if (name == "lookup" && arguments.size() >= 2 && arguments[0].is_object() && arguments[1].is_string()) {
    const std::string key = arguments[1].get<std::string>();
    if (arguments[0].contains(key)) return arguments[0][key];
    if (arguments.size() == 3) return arguments[2];
  }
  if ((name == "keys" || name == "values") && arguments.size() == 1 && arguments[0].is_object()) {
    TfValue result = TfValue::array();
    for (auto it = arguments[0].begin(); it != arguments[0].end(); ++it) {
      result.push_back(name == "keys" ? TfValue(it.key()) : it.value());
    }
    return result;
  }
  return unknown_value(name + "(...)");
}

std::vector<TfBlockInstance> TerraformContext::blocks(const HclBlock& parent, const std::string& type,
                                                      const TfBindings* outer) const {
  std::vector<TfBlockInstance> found;
  std::shared_ptr<TfBindings> inherited;
  if (outer) {
    inherited = std::make_shared<TfBindings>();
    inherited->parent = outer;
  }
  for (const HclBlock& child : parent.blocks) {
    if (child.type == type) found.push_back({&child, inherited});
  }
  for (const HclBlock& dynamic : parent.blocks) {
    if (dynamic.type != "dynamic" || dynamic.labels.empty() || dynamic.labels[0] != type) continue;
    const HclBlock* content = dynamic.block("content");
    const HclExpr* each = dynamic.value("for_each");
    if (!content || !each) continue;
    std::string iterator = type;
    if (const auto name = string_value(dynamic.value("iterator"), outer)) iterator = *name;
    const HclExpr* iterator_expr = dynamic.value("iterator");
    if (iterator_expr && iterator_expr->kind == HclExpr::Kind::reference) iterator = iterator_expr->text;

    const TfValue collection = evaluate(*each, outer);
    if (!collection.is_array() && !(collection.is_object() && !is_unknown(collection))) {
      // Unknown collection: one instance whose iterator is unknown keeps the shape.
      auto bindings = std::make_shared<TfBindings>();
      bindings->parent = outer;
      bindings->values[iterator] = unknown_value(each->text);
      found.push_back({content, bindings});
      continue;
    }
    std::size_t index = 0;
    for (auto it = collection.begin(); it != collection.end() && index < kMaxElements; ++it, ++index) {
      auto bindings = std::make_shared<TfBindings>();
      bindings->parent = outer;
      const TfValue key = collection.is_array() ? (it->is_string() ? *it : TfValue(index)) : TfValue(it.key());
      bindings->values[iterator] = TfValue{{"key", key}, {"value", *it}};
      found.push_back({content, bindings});
    }
  }
  return found;
}

std::string resolve_local_source(const std::string& module_directory, const std::string& source) {
  if (!starts_with(source, "./") && !starts_with(source, "../")) return {};
  const boost::filesystem::path target =
      (boost::filesystem::path(module_directory.empty() ? "." : module_directory) / source).lexically_normal();
  std::string directory = target.generic_string();
  while (ends_with(directory, "/")) directory.pop_back();
  // Boost 1.74 keeps a leading "./" after normalising ("./modules/x").
  while (starts_with(directory, "./")) directory.erase(0, 2);
  if (directory.empty() || directory == ".") return ".";
  if (starts_with(directory, "..")) return {};  // outside the scan root
  return directory;
}

std::vector<LocalModuleCall> local_module_calls(const TerraformModule& module) {
  std::vector<LocalModuleCall> calls;
  for (const auto& file : module.files) {
    for (const HclBlock& block : file->hcl.blocks) {
      if (block.type != "module" || block.labels.empty()) continue;
      const HclExpr* source = block.value("source");
      if (!source || !source->is_string()) continue;
      std::string directory = resolve_local_source(module.directory, source->text);
      if (directory.empty()) continue;
      if (directory == ".") directory.clear();
      calls.push_back({block.labels[0], directory, file.get(), &block});
    }
  }
  return calls;
}

std::vector<ModuleInstance> instantiate_call(const TerraformModule& caller, const ModuleInstance* caller_instance,
                                             const LocalModuleCall& call) {
  ExtractOutput scratch;  // the caller context only evaluates; it extracts nothing here
  TerraformContext context(caller, scratch, caller_instance);
  ModuleInstance base;
  const std::string path = (caller_instance ? caller_instance->path + "." : std::string()) + "module." + call.name;
  if (caller_instance) {
    base.caller_directory = caller_instance->caller_directory;
    base.call_site = caller_instance->call_site;
    base.call_end_line = caller_instance->call_end_line;
    base.comment_metadata = caller_instance->comment_metadata;
    base.for_each = caller_instance->for_each;
  } else {
    base.caller_directory = caller.directory;
    base.call_site = call.file->source.location(call.block->start.line, call.block->start.column);
    base.call_end_line = call.block->end.line;
    FileView view{&call.file->source, &call.file->comments};
    base.comment_metadata = comment_metadata(view, call.block->start.line, call.block->end.line);
  }

  // One set of bindings per instance the call makes.
  std::vector<std::pair<std::string, TfBindings>> keyed;
  const HclExpr* each = call.block->value("for_each");
  const HclExpr* count = call.block->value("count");
  const TfValue collection = each ? context.evaluate(*each) : TfValue();
  const TfValue number = count ? context.evaluate(*count) : TfValue();
  if (each && (collection.is_array() || (collection.is_object() && !is_unknown(collection)))) {
    std::size_t index = 0;
    for (auto it = collection.begin(); it != collection.end() && index < kMaxElements; ++it, ++index) {
      const TfValue key = collection.is_object() ? TfValue(it.key()) : *it;
      const std::string label = key.is_string() ? key.get<std::string>() : to_text(key);
      TfBindings bindings;
      bindings.values["each"] = TfValue{{"key", key}, {"value", *it}};
      keyed.emplace_back("[\"" + label + "\"]", std::move(bindings));
    }
  } else if (count && number.is_number()) {
    const auto total = static_cast<std::size_t>(std::max(0.0, number.get<double>()));
    for (std::size_t index = 0; index < total && index < kMaxElements; ++index) {
      TfBindings bindings;
      bindings.values["count"] = TfValue{{"index", index}};
      keyed.emplace_back("[" + std::to_string(index) + "]", std::move(bindings));
    }
  } else {
    if (each) base.for_each = "for_each";
    if (count) base.for_each = "count";
    keyed.emplace_back("", TfBindings{});
  }

  static const std::set<std::string> kMeta = {"source", "version", "providers", "depends_on", "count", "for_each"};
  std::vector<ModuleInstance> instances;
  for (const auto& [suffix, bindings] : keyed) {
    ModuleInstance instance = base;
    instance.path = path + suffix;
    for (const HclAttribute& argument : call.block->attributes) {
      if (kMeta.count(argument.name)) continue;
      instance.arguments[argument.name] = context.evaluate(argument.value, &bindings);
    }
    instances.push_back(std::move(instance));
  }
  return instances;
}

}  // namespace nhiscan
