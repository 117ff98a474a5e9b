#include "scanner/governance.h"

#include <map>

#include "scanner/text.h"

namespace nhiscan {

namespace {

std::optional<MetaValue>& field_of(Governance& governance, MetaField field) {
  switch (field) {
    case MetaField::owner: return governance.owner;
    case MetaField::purpose: return governance.purpose;
    case MetaField::last_reviewed: return governance.last_reviewed;
    case MetaField::review_by: return governance.review_by;
    case MetaField::rotation: return governance.rotation;
    case MetaField::expires: return governance.expires;
  }
  return governance.owner;
}

void fill_from(Governance& governance, const std::vector<MetaEntry>& entries, const KeySynonyms& synonyms) {
  for (const MetaEntry& entry : entries) {
    const auto field = match_key(entry.key, synonyms);
    if (!field) continue;
    auto& slot = field_of(governance, *field);
    if (slot) continue;  // the first hit in a source wins
    MetaValue value;
    value.value = std::string(trim(entry.value));
    value.location = entry.location;
    value.source = entry.source;
    value.key = entry.key;
    slot = value;
  }
}

}  // namespace

bool is_governed(const Identity& identity) {
  // A workflow secret that a Terraform resource sets is governed at that resource.
  if (identity.attributes.count("governed_by")) return false;
  return identity.origin != Origin::referenced && !identity.ephemeral && !identity.governance_exempt;
}

bool needs_rotation(const Identity& identity) {
  if (!identity.credential) return false;
  const Credential& credential = *identity.credential;
  if (!credential.long_lived || credential.federated || !credential.is_static || credential.identifier_only) {
    return false;
  }
  switch (identity.kind) {
    case IdentityKind::access_key:
    case IdentityKind::api_key:
    case IdentityKind::token:
    case IdentityKind::password:
    case IdentityKind::certificate:
    case IdentityKind::secret:
    case IdentityKind::deploy_key:
    case IdentityKind::ci_secret:
      return !identity.ephemeral;
    default:
      return false;
  }
}

std::string owner_problem(const std::string& owner) {
  const std::string_view text = trim(owner);
  if (text.empty()) return "the owner is empty";
  const std::string word = lower(text);
  static const char* const kNoOwner[] = {"none", "n/a", "na", "tbd", "todo", "unknown", "nobody", "-", "?", "null", "unassigned"};
  for (const char* placeholder : kNoOwner) {
    if (word == placeholder) return "'" + std::string(text) + "' does not name an owner";
  }
  if (text.size() > 256) return "the owner is longer than 256 characters";
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x20) return "the owner contains a control character";
  }
  // Typographic quotes around a value come from copying out of documents: the value
  // then never matches a team or mailbox.
  static const char* const kQuotes[] = {"\xE2\x80\x9C", "\xE2\x80\x9D", "\xE2\x80\x98", "\xE2\x80\x99", "\xC2\xAB", "\xC2\xBB"};
  for (const char* quote : kQuotes) {
    if (contains(text, quote)) return "the owner contains typographic quotes";
  }
  return {};
}

void resolve_governance(std::vector<Identity>& identities, const GovernanceOptions& options) {
  for (Identity& identity : identities) {
    Governance governance;
    fill_from(governance, identity.native_metadata, options.synonyms);
    fill_from(governance, identity.comment_metadata, options.synonyms);
    if (options.inventory) {
      if (const InventoryEntry* entry = options.inventory->find(identity.id)) {
        fill_from(governance, entry->fields, options.synonyms);
      }
    }
    identity.governance = governance;
  }
}

void inherit_governance(std::vector<Identity>& identities) {
  std::map<std::string, std::size_t> by_id;
  for (std::size_t i = 0; i < identities.size(); ++i) {
    if (identities[i].origin != Origin::referenced) by_id.emplace(identities[i].id, i);
  }
  for (Identity& identity : identities) {
    if (!is_credential_kind(identity.kind) && identity.kind != IdentityKind::token) continue;
    for (const Link& link : identity.links) {
      if (link.type != LinkType::key_of && link.type != LinkType::token_of) continue;
      const auto found = by_id.find(link.target);
      if (found == by_id.end()) continue;
      const Identity& account = identities[found->second];
      for (const MetaField field : {MetaField::owner, MetaField::purpose, MetaField::last_reviewed, MetaField::review_by}) {
        auto& mine = field_of(identity.governance, field);
        const auto& theirs = field_of(const_cast<Governance&>(account.governance), field);
        if (mine || !theirs) continue;
        MetaValue inherited = *theirs;
        inherited.inherited = true;
        inherited.inherited_from = account.id;
        mine = inherited;
      }
      break;
    }
  }
}

}  // namespace nhiscan
