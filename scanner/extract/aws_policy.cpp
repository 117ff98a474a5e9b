#include "scanner/extract/aws_policy.h"

#include <nlohmann/json.hpp>

#include "scanner/text.h"

namespace nhiscan {

namespace {

std::vector<std::string> strings_of(const nlohmann::json& value) {
  std::vector<std::string> out;
  if (value.is_string()) {
    out.push_back(value.get<std::string>());
  } else if (value.is_array()) {
    for (const auto& item : value) {
      if (item.is_string()) out.push_back(item.get<std::string>());
    }
  }
  return out;
}

/// Statements from a JSON document. Locations are refined by the caller.
void statements_from_json(const nlohmann::json& document, PolicyDocument& out) {
  if (!document.is_object()) {
    out.evaluable = false;
    out.problem = "policy is not a JSON object";
    return;
  }
  const auto found = document.find("Statement");
  if (found == document.end()) return;
  std::vector<nlohmann::json> statements;
  if (found->is_array()) {
    for (const auto& item : *found) statements.push_back(item);
  } else if (found->is_object()) {
    statements.push_back(*found);
  }
  for (const auto& item : statements) {
    if (!item.is_object()) continue;
    PolicyStatement statement;
    if (item.contains("Effect") && item["Effect"].is_string()) statement.effect = item["Effect"].get<std::string>();
    if (item.contains("Action")) statement.actions = strings_of(item["Action"]);
    if (item.contains("NotAction")) statement.not_actions = strings_of(item["NotAction"]);
    if (item.contains("Resource")) statement.resources = strings_of(item["Resource"]);
    if (item.contains("Principal")) {
      const auto& principal = item["Principal"];
      if (principal.is_string()) {
        statement.principals.emplace_back("*", principal.get<std::string>());
      } else if (principal.is_object()) {
        for (const auto& [type, ids] : principal.items()) {
          for (const std::string& id : strings_of(ids)) statement.principals.emplace_back(type, id);
        }
      }
    }
    if (item.contains("Condition") && item["Condition"].is_object()) {
      for (const auto& [test, variables] : item["Condition"].items()) {
        if (!variables.is_object()) continue;
        for (const auto& [variable, values] : variables.items()) {
          statement.conditions.push_back({test, variable, strings_of(values), {}});
        }
      }
    }
    out.statements.push_back(std::move(statement));
  }
}

/// Place each statement's Action on the n-th `"Action"` (or `Action =`) in the source
/// region of the policy: exact for the usual one-statement-per-object layouts.
void place_statements(const TfBlock& owner, const HclExpr& expr, PolicyDocument& document) {
  const SourceText& source = owner.file->source;
  const uint32_t first = expr.start.line;
  const uint32_t last = expr.end.line ? expr.end.line : expr.start.line;
  std::vector<uint32_t> statement_lines, action_lines;
  for (uint32_t line = first; line <= last && line <= source.line_count(); ++line) {
    const std::string_view text = source.line(line);
    if (contains(text, "\"Effect\"") || contains(text, "Effect ") || contains(text, "Effect=")) {
      statement_lines.push_back(line);
    }
    if (contains(text, "\"Action\"") || contains(text, "\"NotAction\"") || contains(trim(text).substr(0, 7), "Action")) {
      action_lines.push_back(line);
    }
  }
  for (std::size_t i = 0; i < document.statements.size(); ++i) {
    PolicyStatement& statement = document.statements[i];
    if (!statement.location.valid()) {
      statement.location = source.location(i < statement_lines.size() ? statement_lines[i] : first, 0);
    }
    if (!statement.action_location.valid() && i < action_lines.size()) {
      statement.action_location = source.location(action_lines[i], 0);
    }
  }
}

/// Strings of an attribute (a string or a list), evaluated with the block's bindings.
std::vector<std::string> hcl_strings(const TerraformContext& context, const HclExpr* expr, const TfBindings* bindings) {
  std::vector<std::string> out;
  if (!expr) return out;
  const TfValue value = context.evaluate(*expr, bindings);
  const auto add = [&](const TfValue& item, const HclExpr* source) {
    if (item.is_string()) {
      out.push_back(item.get<std::string>());
    } else if (is_unknown(item)) {
      out.push_back("${" + item["$unknown"].get<std::string>() + "}");
    } else if (!item.is_null()) {
      out.push_back(source ? source->text : item.dump());
    }
  };
  if (value.is_array()) {
    for (const TfValue& item : value) add(item, nullptr);
  } else {
    add(value, expr);
  }
  return out;
}

std::string name_of(const std::string& reference_part) {
  return reference_part.substr(0, reference_part.find('['));
}

// data "aws_iam_policy_document": statement blocks (written out, or expanded from
// `dynamic "statement"`) with effect, actions, resources, principals and conditions.
PolicyDocument from_policy_document(const TerraformContext& context, const TfBlock& data) {
  PolicyDocument document;
  document.location = context.location(data);
  const SourceText& source = data.file->source;
  for (const TfBlockInstance& instance : context.blocks(*data.block, "statement")) {
    const HclBlock* block = instance.block;
    const TfBindings* bindings = instance.bindings.get();
    PolicyStatement statement;
    if (const auto effect = context.string_value(block->value("effect"), bindings)) statement.effect = *effect;
    statement.actions = hcl_strings(context, block->value("actions"), bindings);
    statement.not_actions = hcl_strings(context, block->value("not_actions"), bindings);
    statement.resources = hcl_strings(context, block->value("resources"), bindings);
    statement.location = source.location(block->start.line, block->start.column);
    if (const HclAttribute* actions = block->attribute("actions")) {
      statement.action_location = source.location(actions->start.line, actions->start.column);
    }
    for (const TfBlockInstance& principals : context.blocks(*block, "principals", bindings)) {
      const TfBindings* inner = principals.bindings ? principals.bindings.get() : bindings;
      const auto type = context.string_value(principals.block->value("type"), inner);
      for (const std::string& id : hcl_strings(context, principals.block->value("identifiers"), inner)) {
        statement.principals.emplace_back(type ? *type : "", id);
      }
    }
    for (const TfBlockInstance& condition : context.blocks(*block, "condition", bindings)) {
      const TfBindings* inner = condition.bindings ? condition.bindings.get() : bindings;
      TrustCondition restriction;
      if (const auto test = context.string_value(condition.block->value("test"), inner)) restriction.test = *test;
      const HclExpr* variable = condition.block->value("variable");
      if (const auto text = context.string_value(variable, inner)) {
        restriction.variable = *text;
      } else if (variable) {
        restriction.variable = variable->text;
      }
      restriction.values = hcl_strings(context, condition.block->value("values"), inner);
      restriction.location = source.location(condition.block->start.line, condition.block->start.column);
      statement.conditions.push_back(std::move(restriction));
    }
    document.statements.push_back(std::move(statement));
  }
  return document;
}

// jsonencode({ Statement = [{ Effect = ..., Action = ..., ... }] }) read from the HCL
// object itself, so that each statement keeps its position.
PolicyDocument from_object(const TerraformContext& context, const TfBlock& owner, const HclExpr& object) {
  PolicyDocument document;
  document.location = context.location_of(owner, object);
  nlohmann::json json = context.evaluate(object);
  // Unknown parts keep their source text, as a policy reader would see them.
  std::vector<nlohmann::json*> stack{&json};
  while (!stack.empty()) {
    nlohmann::json* value = stack.back();
    stack.pop_back();
    if (is_unknown(*value)) {
      *value = "${" + (*value)["$unknown"].get<std::string>() + "}";
    } else if (value->is_array() || value->is_object()) {
      for (auto& item : *value) stack.push_back(&item);
    }
  }
  statements_from_json(json, document);
  const HclExpr* statements = object.field("Statement");
  std::vector<const HclExpr*> items;
  if (statements && statements->kind == HclExpr::Kind::tuple) {
    for (const HclExpr& item : statements->items) items.push_back(&item);
  } else if (statements && statements->kind == HclExpr::Kind::object) {
    items.push_back(statements);
  }
  for (std::size_t i = 0; i < document.statements.size() && i < items.size(); ++i) {
    document.statements[i].location = context.location(owner, items[i]->start);
    for (const char* key : {"Action", "NotAction"}) {
      if (const HclExpr* action = items[i]->field(key)) {
        document.statements[i].action_location = context.location(owner, action->start);
      }
    }
  }
  return document;
}

}  // namespace

bool allows_everything(const PolicyStatement& statement) {
  if (!iequals(statement.effect, "Allow") || !statement.not_actions.empty()) return false;
  bool every_action = false, every_resource = false;
  for (const std::string& action : statement.actions) every_action = every_action || action == "*" || action == "*:*";
  for (const std::string& resource : statement.resources) every_resource = every_resource || resource == "*";
  return every_action && every_resource;
}

PolicyDocument evaluate_policy(const TerraformContext& context, const TfBlock& owner, const HclExpr& expr) {
  PolicyDocument document;
  document.location = context.location_of(owner, expr);

  if (expr.kind == HclExpr::Kind::call && expr.text == "jsonencode" && !expr.items.empty() &&
      expr.items.front().kind == HclExpr::Kind::object) {
    return from_object(context, owner, expr.items.front());
  }

  if (expr.kind == HclExpr::Kind::reference || (expr.kind != HclExpr::Kind::string && !expr.references.empty())) {
    for (const std::string& reference : expr.references) {
      const std::vector<std::string_view> parts = split(reference, '.');
      if (parts.size() >= 3 && parts[0] == "data" && parts[1] == "aws_iam_policy_document") {
        if (const TfBlock* data = context.data("data.aws_iam_policy_document." + name_of(std::string(parts[2])))) {
          return from_policy_document(context, *data);
        }
      }
      if (parts.size() >= 2 && parts[0] == "aws_iam_policy") {
        if (const TfBlock* policy = context.resource("aws_iam_policy." + name_of(std::string(parts[1])))) {
          if (const HclExpr* body = policy->block->value("policy")) {
            if (body != &expr) return evaluate_policy(context, *policy, *body);
          }
        }
      }
    }
  }

  if (expr.kind == HclExpr::Kind::string || expr.kind == HclExpr::Kind::template_) {
    if (expr.kind == HclExpr::Kind::template_ && !expr.has_directive) {
      // "${var.x}" inside JSON: substitute what is known, so the JSON can be read.
      const TfValue value = context.evaluate(expr);
      if (value.is_string()) {
        const nlohmann::json json = nlohmann::json::parse(value.get<std::string>(), nullptr, false);
        if (!json.is_discarded()) {
          statements_from_json(json, document);
          place_statements(owner, expr, document);
          return document;
        }
      }
    }
    if (expr.has_directive) {
      document.evaluable = false;
      document.problem = "policy is built with template directives and cannot be evaluated statically";
      return document;
    }
    const nlohmann::json json = nlohmann::json::parse(expr.text, nullptr, false);
    if (json.is_discarded()) {
      document.evaluable = false;
      document.problem = "policy text is not valid JSON";
      return document;
    }
    statements_from_json(json, document);
    place_statements(owner, expr, document);
    return document;
  }

  document.evaluable = false;
  document.problem = "policy comes from an expression that cannot be evaluated statically";
  return document;
}

}  // namespace nhiscan
