// Small string helpers shared by every layer.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nhiscan {

std::string_view trim(std::string_view text);
std::string lower(std::string_view text);
bool starts_with(std::string_view text, std::string_view prefix);
bool ends_with(std::string_view text, std::string_view suffix);
bool contains(std::string_view text, std::string_view part);
bool iequals(std::string_view a, std::string_view b);
/// Split on `separator`, keeping empty fields.
std::vector<std::string_view> split(std::string_view text, char separator);
std::string join(const std::vector<std::string>& parts, std::string_view separator);
std::string replace_all(std::string text, std::string_view from, std::string_view to);

/// "1 file", "3 files": `count` and the noun that fits it.
std::string counted(std::size_t count, std::string_view singular, std::string_view plural);

/// Glob match with `*` (any run of characters except '/'), `**` (any run, '/'
/// included) and `?` (one character except '/').
bool glob_match(std::string_view pattern, std::string_view text);

/// A secret shown in output: at most the first four characters, then "****".
std::string mask_secret(std::string_view value);

/// Stable 64-bit FNV-1a hash as 16 lowercase hex digits (fingerprints must not depend
/// on the standard library's std::hash, which differs between implementations).
std::string stable_hash(std::string_view text);

}  // namespace nhiscan
