#include "scanner/toml_file.h"

#include "scanner/metadata.h"

namespace nhiscan {

uint32_t toml_line(const toml::node& node) { return static_cast<uint32_t>(node.source().begin.line); }

std::optional<toml::table> parse_toml_file(const std::string& absolute_path, const std::string& relative_path,
                                           std::vector<Diagnostic>& errors) {
  try {
    return toml::parse_file(absolute_path);
  } catch (const toml::parse_error& error) {
    errors.push_back({Diagnostic::Level::error, relative_path, static_cast<uint32_t>(error.source().begin.line),
                      "invalid TOML: " + std::string(error.description())});
    return std::nullopt;
  }
}

void check_versioned_list(const toml::table& table, const std::string& entries, const std::string& relative_path,
                          std::vector<Diagnostic>& errors) {
  const auto error = [&](const toml::node& node, const std::string& message) {
    errors.push_back({Diagnostic::Level::error, relative_path, toml_line(node), message});
  };
  for (const auto& [key, node] : table) {
    const std::string name(key.str());
    if (name == "version") {
      const auto* number = node.as_integer();
      if (!number || number->get() != 1) error(node, "'version' must be the integer 1");
    } else if (name != entries) {
      error(node, "unknown key '" + name + "' (expected 'version' or [[" + entries + "]] tables)");
    }
  }
  if (const toml::node* list = table.get(entries); list && !list->as_array()) {
    error(*list, "'" + entries + "' must be an array of tables: write [[" + entries + "]]");
  }
}

std::optional<std::string> toml_text_or_date(const toml::node& node) {
  if (const auto* text = node.as_string()) return text->get();
  if (const auto* date = node.as_date()) {
    return Date::from_civil(date->get().year, date->get().month, date->get().day).to_string();
  }
  if (const auto* date_time = node.as_date_time()) {
    const auto& date = date_time->get().date;
    return Date::from_civil(date.year, date.month, date.day).to_string();
  }
  return std::nullopt;
}

}  // namespace nhiscan
