// Helpers shared by the fuzz targets: each front end driven as the engine drives it,
// from raw bytes to extracted identities, without touching the file system.
#pragma once

#include <cstdint>
#include <string_view>

namespace nhiscan::fuzz {

/// Decode `bytes`, parse them as one Terraform file (JSON syntax when `json`), bind
/// comments and directives, then extract the module as written and through each local
/// module call it makes to its own directory.
void scan_terraform(std::string_view bytes, bool json);

/// Decode `bytes` and read them as the YAML file kind that `selector` picks (its low
/// bits), with the `kind:` shortcut on or off (its high bit).
void scan_yaml(std::string_view bytes, uint8_t selector);

}  // namespace nhiscan::fuzz
