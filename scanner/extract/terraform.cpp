#include "scanner/extract/terraform.h"

#include <algorithm>

#include "scanner/text.h"

namespace nhiscan {

TerraformContext::TerraformContext(const TerraformModule& module, ExtractOutput& out, const ModuleInstance* instance)
    : module_(module), out_(out), instance_(instance) {
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
  // An identity made by a module call is named after the call, in the caller's directory.
  if (instance_) {
    const std::string& directory = instance_->caller_directory;
    return "terraform:" + (directory.empty() ? std::string() : directory + "/") + instance_->path + "." + address;
  }
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
  // Only a module call says what is created: a module read as written is a template
  // whose variables callers outside the scan may set, so its defaults remove nothing.
  if (const HclExpr* each = resource.block->value("for_each")) {
    identity.multiplicity = "for_each";
    const TfValue collection = instance_ ? evaluate(*each) : TfValue();
    if ((collection.is_array() || (collection.is_object() && !is_unknown(collection))) && collection.empty()) {
      identity.attributes["not_created"] = "for_each is empty";
    }
  } else if (const HclExpr* count = resource.block->value("count")) {
    identity.multiplicity = "count";
    const TfValue number = instance_ ? evaluate(*count) : TfValue();
    if (number.is_number() && number.get<double>() == 0) identity.attributes["not_created"] = "count is 0";
  }
  identity.attributes["terraform_address"] = resource.address;
  identity.attributes["terraform_type"] = resource.type;
  if (!module_.directory.empty()) identity.attributes["terraform_module"] = module_.directory;
  if (resource.block->after_error) identity.attributes["after_syntax_error"] = "true";

  FileView view{&resource.file->source, &resource.file->comments};
  identity.comment_metadata = comment_metadata(view, resource.block->start.line, resource.block->end.line);

  if (instance_) {
    // Without a literal name, the instance is named by its module path.
    if (identity.name == resource.address) identity.name = instance_->path + "." + resource.address;
    // Report at the call site; say where inside the module the resource is written.
    identity.attributes["declared_in"] = identity.location.file + ":" + std::to_string(identity.location.line);
    identity.attributes["module_call"] = instance_->path;
    identity.attributes["module_directory"] = module_.directory;
    identity.location = instance_->call_site;
    identity.end = Location{instance_->call_site.file, instance_->call_end_line, 0, 0, 0};
    for (const MetaEntry& entry : instance_->comment_metadata) identity.comment_metadata.push_back(entry);
    if (!instance_->for_each.empty() && identity.multiplicity == "single") identity.multiplicity = instance_->for_each;
  }

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

std::vector<std::string> TerraformContext::string_values(const HclExpr* expr, const TfBlock& block) const {
  std::vector<std::string> values;
  if (!expr || expr->kind != HclExpr::Kind::reference) return values;
  // Every string an element of a collection holds; none when one is not a known string.
  const auto strings = [](const TfValue& collection, bool keys) {
    std::vector<std::string> out;
    if (is_unknown(collection) || !(collection.is_array() || collection.is_object())) return out;
    for (auto it = collection.begin(); it != collection.end(); ++it) {
      const TfValue item = keys && collection.is_object() ? TfValue(it.key()) : *it;
      if (!item.is_string()) return std::vector<std::string>{};
      out.push_back(item.get<std::string>());
    }
    return out;
  };
  const std::string& text = expr->text;
  if (text == "each.value" || text == "each.key") {
    const HclExpr* each = block.block->value("for_each");
    return each ? strings(evaluate(*each), text == "each.key") : values;
  }
  // var.roles[count.index], local.list[count.index]: any element of the list.
  const std::size_t bracket = text.find('[');
  if (bracket == std::string::npos || !(starts_with(text, "var.") || starts_with(text, "local."))) return values;
  HclExpr base;
  base.kind = HclExpr::Kind::reference;
  base.text = text.substr(0, bracket);
  const TfValue list = evaluate(base);
  return list.is_array() ? strings(list, false) : values;
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
  if (!map) return entries;
  if (map->kind != HclExpr::Kind::object) {
    // tags = var.tags, local.tags or merge(...): evaluate, and place every entry at the attribute.
    const TfValue value = evaluate(*map);
    if (!value.is_object() || is_unknown(value)) return entries;
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (!it->is_string() && !it->is_number() && !it->is_boolean()) continue;
      MetaEntry entry;
      entry.key = it.key();
      entry.value = it->is_string() ? it->get<std::string>() : it->dump();
      entry.location = location_of(block, *map);
      entry.source = source;
      entries.push_back(std::move(entry));
    }
    return entries;
  }
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

void extract_terraform(const TerraformModule& module, ExtractOutput& out, const ModuleInstance* instance) {
  ExtractOutput module_out;
  TerraformContext context(module, module_out, instance);
  extract_terraform_google(context);
  extract_terraform_aws(context);
  extract_terraform_kubernetes(context);
  extract_terraform_azure(context);
  extract_terraform_github(context);
  extract_terraform_gitlab(context);
  extract_terraform_vault(context);
  extract_terraform_outputs(context);
  extract_terraform_secrets(context);
  for (Identity& identity : module_out.identities) {
    if (identity.attributes.count("not_created")) continue;
    // A grant made inside a called module is reported at the call; where the module
    // writes it stays as evidence.
    if (instance) {
      for (Grant& grant : identity.grants) {
        if (grant.location.file == instance->call_site.file) continue;
        if (!grant.evidence.valid()) grant.evidence = grant.location;
        grant.location = instance->call_site;
      }
    }
    // Identities an extractor placed itself (a nested block's credential) are reported at
    // the call site too, like those made through add_identity.
    if (instance && identity.origin != Origin::referenced && !identity.attributes.count("module_call")) {
      identity.attributes["declared_in"] = identity.location.file + ":" + std::to_string(identity.location.line);
      identity.attributes["module_call"] = instance->path;
      identity.attributes["module_directory"] = module.directory;
      identity.location = instance->call_site;
      identity.end = Location{instance->call_site.file, instance->call_end_line, 0, 0, 0};
    }
    out.identities.push_back(std::move(identity));
  }
  for (Observation& observation : module_out.observations) out.observations.push_back(std::move(observation));
  for (Diagnostic& diagnostic : module_out.diagnostics) out.diagnostics.push_back(std::move(diagnostic));
}

}  // namespace nhiscan
