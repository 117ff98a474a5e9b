// Literal secrets in Terraform: string literals in secret-named arguments (at any
// depth: nested blocks, object values, `name`/`value` pairs, function arguments) and
// literal variable or local defaults that flow into such arguments. Each value is
// recorded on the identity its block declares, or on a `secret` identity of its own.
#include <memory>
#include <set>
#include <tuple>

#include "scanner/extract/secrets.h"
#include "scanner/extract/terraform.h"
#include "scanner/text.h"

namespace nhiscan {

namespace {

std::string platform_of(const std::string& type) {
  static const std::pair<const char*, const char*> kPrefixes[] = {
      {"aws", "aws"},         {"google", "gcp"},   {"azurerm", "azure"}, {"azuread", "azure"},
      {"kubernetes", "kubernetes"}, {"github", "github"}, {"gitlab", "gitlab"}, {"vault", "vault"}};
  for (const auto& [prefix, platform] : kPrefixes) {
    if (type == prefix || starts_with(type, std::string(prefix) + "_")) return platform;
  }
  return "generic";
}

class SecretExtractor {
 public:
  explicit SecretExtractor(TerraformContext& context) : context_(context) {}

  void run() {
    for (const auto& file : context_.module().files) {
      for (const HclBlock& block : file->hcl.blocks) {
        TfBlock owner;
        owner.file = file.get();
        owner.block = &block;
        if ((block.type == "resource" || block.type == "data") && block.labels.size() >= 2) {
          owner.type = block.labels[0];
          owner.name = block.labels[1];
          owner.address = (block.type == "data" ? "data." : "") + owner.type + "." + owner.name;
          visit_block(owner, block, "");
        } else if (block.type == "provider" && !block.labels.empty()) {
          owner.type = block.labels[0];
          const HclExpr* alias = block.value("alias");
          owner.address = "provider." + block.labels[0] + (alias && alias->literal() ? "." + *alias->literal() : "");
          visit_block(owner, block, "");
        } else if (block.type == "module" && !block.labels.empty()) {
          owner.type = "module";
          owner.address = "module." + block.labels[0];
          visit_block(owner, block, "");
        } else if (block.type == "locals") {
          for (const HclAttribute& attribute : block.attributes) {
            owner.type = "local";
            owner.address = "local." + attribute.name;
            visit_value(owner, attribute.name, attribute.name, attribute.value);
          }
        }
      }
    }
    secret_named_variables();
  }

 private:
  void visit_block(const TfBlock& owner, const HclBlock& block, const std::string& path) {
    for (const HclAttribute& attribute : block.attributes) {
      visit_value(owner, path + attribute.name, attribute.name, attribute.value);
    }
    name_value_pair(owner, path, block.value("name"), block.value("value"));
    for (const HclBlock& child : block.blocks) {
      // `dynamic "x" { content { ... } }` writes the block x.
      const std::string type = child.type == "dynamic" && !child.labels.empty() ? child.labels[0] : child.type;
      visit_block(owner, child, path + type + ".");
    }
  }

  // env { name = "DB_PASSWORD" value = "..." } and { name = "...", value = "..." }.
  void name_value_pair(const TfBlock& owner, const std::string& path, const HclExpr* name, const HclExpr* value) {
    if (!name || !value) return;
    const auto field = context_.string_value(name);
    if (!field || !is_secret_value_field(*field)) return;
    visit_value(owner, path + "value (" + *field + ")", *field, *value);
  }

  void visit_value(const TfBlock& owner, const std::string& path, const std::string& field, const HclExpr& expr,
                   int depth = 0) {
    if (depth > 32) return;
    switch (expr.kind) {
      case HclExpr::Kind::string: {
        const std::string detector = classify_secret_literal(field, expr.text);
        if (!detector.empty()) record(owner, context_.location_of(owner, expr), path, detector, expr.text);
        return;
      }
      case HclExpr::Kind::reference:
        flowing_default(owner, path, field, expr);
        return;
      case HclExpr::Kind::object:
        for (std::size_t i = 0; i < expr.items.size() && i < expr.keys.size(); ++i) {
          visit_value(owner, path + "." + expr.keys[i], expr.keys[i], expr.items[i], depth + 1);
        }
        name_value_pair(owner, path + ".", expr.field("name"), expr.field("value"));
        return;
      case HclExpr::Kind::tuple:
        for (const HclExpr& item : expr.items) visit_value(owner, path + "[]", field, item, depth + 1);
        return;
      case HclExpr::Kind::call:
        for (const HclExpr& item : expr.items) visit_value(owner, path, field, item, depth + 1);
        return;
      default:
        return;
    }
  }

  // A secret-named argument set from var.x or local.x whose literal default is the
  // secret: the value is written where the default is.
  void flowing_default(const TfBlock& owner, const std::string& path, const std::string& field, const HclExpr& expr) {
    if (!is_secret_value_field(field)) return;
    const HclExpr* current = &expr;
    const TfBlock* variable = nullptr;
    std::string source = expr.text;
    for (int hops = 0; current && current->kind == HclExpr::Kind::reference && hops < 8; ++hops) {
      const std::string& text = current->text;
      if (starts_with(text, "var.") && text.find_first_of(".[", 4) == std::string::npos) {
        current = context_.variable_default(text.substr(4), &variable);
      } else if (starts_with(text, "local.") && text.find_first_of(".[", 6) == std::string::npos) {
        current = local(text.substr(6));
        variable = local_block(text.substr(6));
      } else {
        return;
      }
    }
    if (!current || current->kind != HclExpr::Kind::string || !variable) return;
    const std::string detector = classify_secret_literal(field, current->text);
    if (detector.empty()) return;
    record(owner, context_.location_of(*variable, *current), path + " = " + source,
           detector == "secret-named-field" ? "variable-default" : detector, current->text);
  }

  const HclExpr* local(const std::string& name) {
    for (const auto& file : context_.module().files) {
      for (const HclBlock& block : file->hcl.blocks) {
        if (block.type != "locals") continue;
        if (const HclExpr* value = block.value(name)) return value;
      }
    }
    return nullptr;
  }

  const TfBlock* local_block(const std::string& name) {
    for (const auto& file : context_.module().files) {
      for (const HclBlock& block : file->hcl.blocks) {
        if (block.type != "locals" || !block.value(name)) continue;
        locals_.push_back(std::make_unique<TfBlock>());
        TfBlock& entry = *locals_.back();
        entry.file = file.get();
        entry.block = &block;
        entry.type = "locals";
        entry.address = "local." + name;
        return &entry;
      }
    }
    return nullptr;
  }

  // variable "db_password" { default = "..." } with a secret name is a literal secret
  // even where nothing in this module reads it (callers and tfvars may not override it).
  void secret_named_variables() {
    for (const TfBlock& variable : context_.variables()) {
      if (!is_secret_value_field(variable.name)) continue;
      const HclExpr* value = variable.block->value("default");
      if (!value || value->kind != HclExpr::Kind::string) continue;
      const std::string detector = classify_secret_literal(variable.name, value->text);
      if (detector.empty()) continue;
      TfBlock owner = variable;
      owner.type = "variable";
      owner.address = "var." + variable.name;
      record(owner, context_.location_of(variable, *value), "the default of variable " + variable.name, detector,
             value->text);
    }
  }

  Identity& owner_identity(const TfBlock& owner) {
    const std::string id = context_.id_for_address(owner.address);
    if (Identity* found = context_.find_identity(id)) return *found;
    std::string name = owner.address;
    if (starts_with(name, "provider.")) name = "provider " + name.substr(9);
    if (starts_with(name, "var.")) name = "variable " + name.substr(4);
    if (starts_with(name, "local.")) name = "local value " + name.substr(6);
    Identity& identity =
        add_literal_secret(context_.out(), id, platform_of(owner.type), name, context_.location(owner));
    identity.end = owner.file->source.location(owner.block->end.line, 0);
    identity.attributes["terraform_address"] = owner.address;
    return identity;
  }

  void record(const TfBlock& owner, const Location& where, const std::string& field, const std::string& detector,
              std::string_view value) {
    // One record per value: a default used by two arguments is one secret.
    if (!seen_.insert({where.file, where.line, where.column}).second) return;
    Identity& identity = owner_identity(owner);
    identity.hardcoded.push_back(hardcoded_value(where, field, detector, value));
  }

  TerraformContext& context_;
  std::set<std::tuple<std::string, uint32_t, uint32_t>> seen_;
  std::vector<std::unique_ptr<TfBlock>> locals_;
};

}  // namespace

void extract_terraform_secrets(TerraformContext& context) { SecretExtractor(context).run(); }

void extract_tfvars_secrets(const SourceText& source, const HclFile& file, ExtractOutput& out) {
  for (const HclAttribute& attribute : file.attributes) {
    if (attribute.value.kind != HclExpr::Kind::string) continue;
    const std::string detector = classify_secret_literal(attribute.name, attribute.value.text);
    if (detector.empty()) continue;
    const HclExpr& value = attribute.value;
    const Location where = source.location(value.start.line, value.start.column, value.end.line, value.end.column);
    Identity& identity = add_literal_secret(out, "literal:" + source.path() + "#" + attribute.name, "generic",
                                            attribute.name + " in " + source.path(), where);
    identity.hardcoded.push_back(hardcoded_value(where, attribute.name, detector, value.text));
  }
}

}  // namespace nhiscan
