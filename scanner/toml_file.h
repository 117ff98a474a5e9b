// Reading nhiscan's own TOML files (configuration, inventory, baseline) with toml++,
// with errors that name the file and line.
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scanner/model.h"

namespace nhiscan {

/// The 1-based line a TOML node starts on.
uint32_t toml_line(const toml::node& node);

/// Parse a TOML file; a syntax error becomes an error diagnostic for `relative_path`.
std::optional<toml::table> parse_toml_file(const std::string& absolute_path, const std::string& relative_path,
                                           std::vector<Diagnostic>& errors);

/// Check a file whose top level holds only `version = 1` and an array of tables named
/// `entries` (`[[identity]]`, `[[finding]]`); other keys are errors naming their line.
void check_versioned_list(const toml::table& table, const std::string& entries, const std::string& relative_path,
                          std::vector<Diagnostic>& errors);

/// A string or a TOML date (or date-time) as ISO text; nullopt for other types.
std::optional<std::string> toml_text_or_date(const toml::node& node);

}  // namespace nhiscan
