#include "scanner/inventory_file.h"

#include "scanner/text.h"
#include "scanner/toml_file.h"

namespace nhiscan {

const InventoryEntry* InventoryFile::find(const std::string& id) const {
  for (const InventoryEntry& entry : entries) {
    if (entry.pattern == id) {
      entry.matched = true;
      return &entry;
    }
  }
  for (const InventoryEntry& entry : entries) {
    if (entry.pattern.find_first_of("*?") != std::string::npos && glob_match(entry.pattern, id)) {
      entry.matched = true;
      return &entry;
    }
  }
  return nullptr;
}

std::optional<InventoryFile> load_inventory(const std::string& absolute_path, const std::string& relative_path,
                                            const KeySynonyms& synonyms, std::vector<Diagnostic>& errors) {
  const auto parsed = parse_toml_file(absolute_path, relative_path, errors);
  if (!parsed) return std::nullopt;
  const toml::table& table = *parsed;

  InventoryFile inventory;
  inventory.path = relative_path;
  const auto error = [&](uint32_t line, const std::string& message) {
    errors.push_back({Diagnostic::Level::error, relative_path, line, message});
  };
  check_versioned_list(table, "identity", relative_path, errors);

  const toml::node* identities = table.get("identity");
  if (!identities) return inventory;
  const toml::array* list = identities->as_array();
  if (!list) return inventory;
  for (const toml::node& item : *list) {
    const toml::table* entry_table = item.as_table();
    if (!entry_table) {
      error(toml_line(item), "each [[identity]] entry must be a table");
      continue;
    }
    InventoryEntry entry;
    entry.location.file = relative_path;
    entry.location.line = toml_line(item);
    entry.location.column = 1;
    bool valid = true;
    for (const auto& [key, value] : *entry_table) {
      const std::string name(key.str());
      const uint32_t line = toml_line(value);
      if (name == "id") {
        const auto* text = value.as_string();
        if (!text || text->get().empty()) {
          error(line, "'id' must be a non-empty string (an identity id or glob)");
          valid = false;
        } else {
          entry.pattern = text->get();
        }
        continue;
      }
      const auto field = match_key(name, synonyms);
      if (!field) {
        error(line, "unknown key '" + name + "' in [[identity]] (expected id, owner, purpose, last-reviewed, "
                    "review-by, rotation or expires)");
        valid = false;
        continue;
      }
      const auto text = toml_text_or_date(value);
      if (!text) {
        error(line, "'" + name + "' must be a string or a date");
        valid = false;
        continue;
      }
      MetaEntry meta;
      meta.key = name;
      meta.value = *text;
      meta.location = {relative_path, line, 1, 0, 0};
      meta.source = "inventory";
      entry.fields.push_back(std::move(meta));
    }
    if (entry.pattern.empty()) {
      if (valid) error(entry.location.line, "[[identity]] entry has no 'id'");
      continue;
    }
    if (valid) inventory.entries.push_back(std::move(entry));
  }
  return inventory;
}

}  // namespace nhiscan
