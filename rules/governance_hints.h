// Where a platform keeps governance metadata, so that messages say what to add and
// where, in the terms of that platform.
#pragma once

#include <string>

#include "scanner/model.h"

namespace nhiscan {

/// E.g. "add an `owner` tag, a `# nhi: owner=...` comment above the declaration, or an
/// entry in nhi-inventory.toml".
std::string metadata_hint(const Identity& identity, const std::string& key, const std::string& example);

}  // namespace nhiscan
