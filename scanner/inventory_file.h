// The ownership inventory: a TOML file (default `nhi-inventory.toml` at the
// repository root) that gives governance metadata to identities whose platform has
// no place for it, such as CI secrets or GCP service accounts.
//
//   version = 1
//
//   [[identity]]
//   id = "github-actions:secret/DEPLOY_*"   # an identity id or a glob over ids
//   owner = "team-platform"
//   purpose = "deploys the storefront"
//   last-reviewed = 2026-10-01               # TOML date or "YYYY-MM-DD"
//   review-by = 2027-01-31
//   rotation = "90d"
//   expires = 2027-06-30
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "scanner/metadata.h"
#include "scanner/model.h"

namespace nhiscan {

struct InventoryEntry {
  std::string pattern;  // identity id or glob
  Location location;    // the [[identity]] table
  std::vector<MetaEntry> fields;
  mutable bool matched = false;
};

struct InventoryFile {
  std::string path;  // relative to the scan root, for locations
  std::vector<InventoryEntry> entries;

  /// The entry for an identity id: an exact id wins over globs; among globs the first
  /// in file order wins. Marks the entry as matched.
  const InventoryEntry* find(const std::string& id) const;
};

/// Load and validate an inventory file. Unknown keys, wrong types and unreadable
/// values are errors naming the key and line; they are appended to `errors` and the
/// entry is skipped, never guessed.
std::optional<InventoryFile> load_inventory(const std::string& absolute_path, const std::string& relative_path,
                                            const KeySynonyms& synonyms, std::vector<Diagnostic>& errors);

}  // namespace nhiscan
