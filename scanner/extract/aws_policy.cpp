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

const HclExpr* block_value(const HclBlock& block, const char* name) { return block.value(name); }

std::vector<std::string> hcl_strings(const TerraformContext& context, const HclExpr* expr) {
  std::vector<std::string> out;
  if (!expr) return out;
  if (expr->kind == HclExpr::Kind::tuple) {
    for (const HclExpr& item : expr->items) {
      const auto text = context.string_value(&item);
      out.push_back(text ? *text : item.text);
    }
  } else {
    const auto text = context.string_value(expr);
    out.push_back(text ? *text : expr->text);
  }
  return out;
}

// data "aws_iam_policy_document": statement blocks with effect, actions, resources,
// principals and condition blocks, each with exact positions.
PolicyDocument from_policy_document(const TerraformContext& context, const TfBlock& data) {
  PolicyDocument document;
  document.location = context.location(data);
  const SourceText& source = data.file->source;
  for (const HclBlock* block : data.block->blocks_of("statement")) {
    PolicyStatement statement;
    if (const auto effect = context.string_value(block_value(*block, "effect"))) statement.effect = *effect;
    statement.actions = hcl_strings(context, block_value(*block, "actions"));
    statement.not_actions = hcl_strings(context, block_value(*block, "not_actions"));
    statement.resources = hcl_strings(context, block_value(*block, "resources"));
    statement.location = source.location(block->start.line, block->start.column);
    if (const HclAttribute* actions = block->attribute("actions")) {
      statement.action_location = source.location(actions->start.line, actions->start.column);
    }
    for (const HclBlock* principals : block->blocks_of("principals")) {
      const auto type = context.string_value(block_value(*principals, "type"));
      for (const std::string& id : hcl_strings(context, block_value(*principals, "identifiers"))) {
        statement.principals.emplace_back(type ? *type : "", id);
      }
    }
    for (const HclBlock* condition : block->blocks_of("condition")) {
      TrustCondition restriction;
      if (const auto test = context.string_value(block_value(*condition, "test"))) restriction.test = *test;
      if (const auto variable = context.string_value(block_value(*condition, "variable"))) {
        restriction.variable = *variable;
      }
      restriction.values = hcl_strings(context, block_value(*condition, "values"));
      restriction.location = source.location(condition->start.line, condition->start.column);
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
  nlohmann::json json = hcl_to_json(object);
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
        if (const TfBlock* data = context.data("data.aws_iam_policy_document." + std::string(parts[2]))) {
          return from_policy_document(context, *data);
        }
      }
      if (parts.size() >= 2 && parts[0] == "aws_iam_policy") {
        if (const TfBlock* policy = context.resource("aws_iam_policy." + std::string(parts[1]))) {
          if (const HclExpr* body = policy->block->value("policy")) {
            if (body != &expr) return evaluate_policy(context, *policy, *body);
          }
        }
      }
    }
  }

  if (expr.kind == HclExpr::Kind::string || expr.kind == HclExpr::Kind::template_) {
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
