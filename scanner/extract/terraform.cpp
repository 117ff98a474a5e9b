#include "scanner/extract/terraform.h"

#include <algorithm>

#include "scanner/text.h"

namespace nhiscan {

TerraformContext::TerraformContext(const TerraformModule& module, ExtractOutput& out)
    : module_(module), out_(out) {
  for (const auto& file : module.files) {
    for (const HclBlock& block : file->hcl.blocks) {
      TfBlock entry;
      entry.file = file.get();
      entry.block = &block;
      if (block.type == "resource" && block.labels.size() >= 2) {
        entry.type = block.labels[0];
        entry.name = block.labels[1];
        entry.address = entry.type + "." + entry.name;
        by_type_[entry.type].push_back(entry);
        by_address_.emplace(entry.address, entry);
      } else if (block.type == "data" && block.labels.size() >= 2) {
        entry.type = block.labels[0];
        entry.name = block.labels[1];
        entry.address = "data." + entry.type + "." + entry.name;
        data_.emplace(entry.address, entry);
      } else if (block.type == "output" && !block.labels.empty()) {
        entry.type = "output";
        entry.name = block.labels[0];
        entry.address = "output." + entry.name;
        outputs_.push_back(entry);
      } else if (block.type == "provider" && !block.labels.empty()) {
        entry.type = "provider";
        entry.name = block.labels[0];
        const HclExpr* alias = block.value("alias");
        entry.address = block.labels[0] + (alias && alias->literal() ? "." + *alias->literal() : "");
        providers_.push_back(entry);
      } else if (block.type == "variable" && !block.labels.empty()) {
        entry.type = "variable";
        entry.name = block.labels[0];
        entry.address = "var." + entry.name;
        variables_.push_back(entry);
        variables_by_name_.emplace(entry.name, entry);
      } else if (block.type == "locals") {
        for (const HclAttribute& attribute : block.attributes) locals_[attribute.name] = &attribute.value;
      }
    }
  }
}

const std::vector<TfBlock>& TerraformContext::resources(const std::string& type) const {
  static const std::vector<TfBlock> kNone;
  const auto found = by_type_.find(type);
  return found == by_type_.end() ? kNone : found->second;
}

std::vector<const TfBlock*> TerraformContext::resources_with_prefix(const std::string& prefix) const {
  std::vector<const TfBlock*> found;
  for (auto it = by_type_.lower_bound(prefix); it != by_type_.end() && starts_with(it->first, prefix); ++it) {
    for (const TfBlock& block : it->second) found.push_back(&block);
  }
  return found;
}

const TfBlock* TerraformContext::resource(const std::string& address) const {
  const auto found = by_address_.find(address);
  return found == by_address_.end() ? nullptr : &found->second;
}

const TfBlock* TerraformContext::data(const std::string& address) const {
  const auto found = data_.find(starts_with(address, "data.") ? address : "data." + address);
  return found == data_.end() ? nullptr : &found->second;
}

std::string TerraformContext::id_for_address(const std::string& address) const {
  return "terraform:" + (module_.directory.empty() ? std::string() : module_.directory + "/") + address;
}

std::string TerraformContext::id_for(const TfBlock& resource) const { return id_for_address(resource.address); }

Location TerraformContext::location(const TfBlock& block) const {
  Location location = block.file->source.location(block.block->start.line, block.block->start.column);
  return location;
}

Location TerraformContext::location(const TfBlock& block, const SourcePoint& point) const {
  return block.file->source.location(point.line, point.column);
}

Location TerraformContext::location(const TerraformFile& file, const SourcePoint& start, const SourcePoint& end) const {
  return file.source.location(start.line, start.column, end.line, end.column);
}

Location TerraformContext::location_of(const TfBlock& block, const HclExpr& expr) const {
  if (expr.end.line) return location(*block.file, expr.start, expr.end);
  return location(block, expr.start);
}

Location TerraformContext::location_of(const TfBlock& block, const HclAttribute& attribute) const {
  return location(*block.file, attribute.start, attribute.end.line ? attribute.end : attribute.start);
}

Identity& TerraformContext::add_identity(const TfBlock& resource, IdentityKind kind, const std::string& platform,
                                         const std::string& name) {
  Identity identity;
  identity.id = id_for(resource);
  identity.kind = kind;
  identity.platform = platform;
  identity.name = name.empty() ? resource.address : name;
  identity.location = location(resource);
  identity.end = resource.file->source.location(resource.block->end.line, 0);
  if (resource.block->value("for_each")) {
    identity.multiplicity = "for_each";
  } else if (resource.block->value("count")) {
    identity.multiplicity = "count";
  }
  identity.attributes["terraform_address"] = resource.address;
  identity.attributes["terraform_type"] = resource.type;
  if (!module_.directory.empty()) identity.attributes["terraform_module"] = module_.directory;
  if (resource.block->after_error) identity.attributes["after_syntax_error"] = "true";

  FileView view{&resource.file->source, &resource.file->comments};
  identity.comment_metadata = comment_metadata(view, resource.block->start.line, resource.block->end.line);

  identity_index_[identity.id] = out_.identities.size();
  out_.identities.push_back(std::move(identity));
  return out_.identities.back();
}

Identity* TerraformContext::find_identity(const std::string& id) {
  const auto found = identity_index_.find(id);
  return found == identity_index_.end() ? nullptr : &out_.identities[found->second];
}

const HclExpr* TerraformContext::variable_default(const std::string& name, const TfBlock** variable) const {
  const auto found = variables_by_name_.find(name);
  if (found == variables_by_name_.end()) return nullptr;
  if (variable) *variable = &found->second;
  return found->second.block->value("default");
}

std::optional<std::string> TerraformContext::string_value(const HclExpr* expr) const {
  for (int hops = 0; expr && hops < 8; ++hops) {
    if (const auto literal = expr->literal()) return literal;
    if (expr->kind != HclExpr::Kind::reference) return std::nullopt;
    if (starts_with(expr->text, "var.")) {
      const std::string name = expr->text.substr(4);
      if (name.find('.') != std::string::npos || name.find('[') != std::string::npos) return std::nullopt;
      expr = variable_default(name);
    } else if (starts_with(expr->text, "local.")) {
      const std::string name = expr->text.substr(6);
      const auto found = locals_.find(name);
      expr = found == locals_.end() ? nullptr : found->second;
    } else {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::vector<std::string> TerraformContext::string_values(const HclExpr* expr, const TfBlock& block) const {
  std::vector<std::string> values;
  if (!expr) return values;
  // Follows a variable or local to the literal collection it contains.
  const auto collection = [&](const HclExpr* value) -> const HclExpr* {
    for (int hops = 0; value && hops < 8; ++hops) {
      if (value->kind == HclExpr::Kind::call && value->text == "toset" && value->items.size() == 1) {
        value = &value->items.front();
        continue;
      }
      if (value->kind == HclExpr::Kind::tuple || value->kind == HclExpr::Kind::object) return value;
      if (value->kind != HclExpr::Kind::reference) return nullptr;
      if (starts_with(value->text, "var.")) {
        value = variable_default(value->text.substr(4));
      } else if (starts_with(value->text, "local.")) {
        const auto found = locals_.find(value->text.substr(6));
        value = found == locals_.end() ? nullptr : found->second;
      } else {
        return nullptr;
      }
    }
    return nullptr;
  };
  const auto literals = [&](const std::vector<HclExpr>& items) {
    std::vector<std::string> out;
    for (const HclExpr& item : items) {
      const auto text = string_value(&item);
      if (!text) return std::vector<std::string>{};
      out.push_back(*text);
    }
    return out;
  };

  if (expr->kind != HclExpr::Kind::reference) return values;
  const std::string& text = expr->text;
  if (text == "each.value" || text == "each.key") {
    const HclExpr* items = collection(block.block->value("for_each"));
    if (!items) return values;
    if (items->kind == HclExpr::Kind::object) {
      if (text == "each.key") return items->keys;
      return literals(items->items);
    }
    return literals(items->items);  // a set: key and value are the element
  }
  const std::size_t bracket = text.find('[');
  if (bracket == std::string::npos || !(starts_with(text, "var.") || starts_with(text, "local."))) return values;
  HclExpr base;
  base.kind = HclExpr::Kind::reference;
  base.text = text.substr(0, bracket);
  const HclExpr* items = collection(&base);
  if (!items || items->kind != HclExpr::Kind::tuple) return values;
  return literals(items->items);
}

std::string TerraformContext::referenced_address(const HclExpr* expr, std::initializer_list<const char*> types) const {
  if (!expr) return {};
  for (const std::string& reference : expr->references) {
    const std::vector<std::string_view> parts = split(reference, '.');
    if (parts.size() < 2) continue;
    std::string_view name = parts[1];
    const std::size_t bracket = name.find('[');
    if (bracket != std::string_view::npos) name = name.substr(0, bracket);
    for (const char* type : types) {
      if (parts[0] == type) return std::string(parts[0]) + "." + std::string(name);
    }
  }
  return {};
}

std::vector<MetaEntry> TerraformContext::metadata_map(const TfBlock& block, const HclExpr* map,
                                                      const std::string& source) const {
  std::vector<MetaEntry> entries;
  if (!map || map->kind != HclExpr::Kind::object) return entries;
  for (std::size_t i = 0; i < map->items.size(); ++i) {
    MetaEntry entry;
    entry.key = map->keys[i];
    const HclExpr& value = map->items[i];
    const auto text = string_value(&value);
    entry.value = text ? *text : value.text;
    entry.location = location_of(block, value);
    entry.source = source;
    entries.push_back(std::move(entry));
  }
  return entries;
}

void extract_terraform(const TerraformModule& module, ExtractOutput& out) {
  TerraformContext context(module, out);
  extract_terraform_google(context);
  extract_terraform_aws(context);
  extract_terraform_kubernetes(context);
  extract_terraform_outputs(context);
  extract_terraform_secrets(context);
}

}  // namespace nhiscan
