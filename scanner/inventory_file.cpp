#include "scanner/inventory_file.h"

#include <toml++/toml.h>

#include "scanner/text.h"

namespace nhiscan {

namespace {

uint32_t line_of(const toml::node& node) { return static_cast<uint32_t>(node.source().begin.line); }

/// A TOML value as governance text: strings as they are, dates in ISO form.
std::optional<std::string> value_text(const toml::node& node) {
  if (const auto* text = node.as_string()) return text->get();
  if (const auto* date = node.as_date()) {
    char out[16];
    std::snprintf(out, sizeof out, "%04d-%02u-%02u", date->get().year, unsigned(date->get().month),
                  unsigned(date->get().day));
    return std::string(out);
  }
  if (const auto* date_time = node.as_date_time()) {
    const auto& date = date_time->get().date;
    char out[16];
    std::snprintf(out, sizeof out, "%04d-%02u-%02u", date.year, unsigned(date.month), unsigned(date.day));
    return std::string(out);
  }
  return std::nullopt;
}

}  // namespace

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
  toml::table table;
  try {
    table = toml::parse_file(absolute_path);
  } catch (const toml::parse_error& error) {
    errors.push_back({Diagnostic::Level::error, relative_path, static_cast<uint32_t>(error.source().begin.line),
                      "invalid TOML: " + std::string(error.description())});
    return std::nullopt;
  }

  InventoryFile inventory;
  inventory.path = relative_path;
  const auto error = [&](uint32_t line, const std::string& message) {
    errors.push_back({Diagnostic::Level::error, relative_path, line, message});
  };

  for (const auto& [key, node] : table) {
    const std::string name(key.str());
    if (name == "version") {
      const auto* version = node.as_integer();
      if (!version || version->get() != 1) error(line_of(node), "'version' must be the integer 1");
    } else if (name != "identity") {
      error(line_of(node), "unknown key '" + name + "' (expected 'version' or [[identity]] tables)");
    }
  }

  const toml::node* identities = table.get("identity");
  if (!identities) return inventory;
  const toml::array* list = identities->as_array();
  if (!list) {
    error(line_of(*identities), "'identity' must be an array of tables: write [[identity]]");
    return inventory;
  }
  for (const toml::node& item : *list) {
    const toml::table* entry_table = item.as_table();
    if (!entry_table) {
      error(line_of(item), "each [[identity]] entry must be a table");
      continue;
    }
    InventoryEntry entry;
    entry.location.file = relative_path;
    entry.location.line = line_of(item);
    entry.location.column = 1;
    bool valid = true;
    for (const auto& [key, value] : *entry_table) {
      const std::string name(key.str());
      const uint32_t line = line_of(value);
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
      const auto text = value_text(value);
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
