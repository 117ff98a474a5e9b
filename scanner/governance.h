// Governance resolution: each identity's owner, purpose, review dates, rotation and
// expiry, looked up in native metadata, then `nhi:` comments, then the ownership
// inventory; the first hit wins and its source is kept. Credentials then inherit
// what their account has and they lack.
#pragma once

#include <string>
#include <vector>

#include "scanner/inventory_file.h"
#include "scanner/metadata.h"
#include "scanner/model.h"

namespace nhiscan {

struct GovernanceOptions {
  KeySynonyms synonyms;
  const InventoryFile* inventory = nullptr;
};

void resolve_governance(std::vector<Identity>& identities, const GovernanceOptions& options);

/// A credential (key, token Secret, password) without its own owner, purpose or review
/// dates takes its account's, marked as inherited. Rotation and expiry are never
/// inherited: they belong to the secret itself.
void inherit_governance(std::vector<Identity>& identities);

/// Whether governance rules apply: the identity is declared in the scan (not merely
/// referenced), not a per-run token, and not a literal secret whose fix is removal.
bool is_governed(const Identity& identity);

/// Whether an identity holds a long-lived stored secret that someone has to rotate.
bool needs_rotation(const Identity& identity);

/// Why an owner value cannot name an accountable owner, or empty when it can.
std::string owner_problem(const std::string& owner);

}  // namespace nhiscan
