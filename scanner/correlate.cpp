#include "scanner/correlate.h"

#include <algorithm>
#include <map>
#include <set>

#include "scanner/sort.h"
#include "scanner/text.h"

namespace nhiscan {

namespace {

std::string directory_of(const std::string& file) {
  const std::size_t slash = file.rfind('/');
  return slash == std::string::npos ? std::string() : file.substr(0, slash);
}

/// Number of leading path components two directories share.
std::size_t shared_depth(const std::string& a, const std::string& b) {
  const auto left = split(a, '/');
  const auto right = split(b, '/');
  std::size_t depth = 0;
  while (depth < left.size() && depth < right.size() && left[depth] == right[depth] && !left[depth].empty()) ++depth;
  return depth;
}

/// Other ids a declared identity is known by.
std::vector<std::string> aliases_of(const Identity& identity) {
  std::vector<std::string> aliases;
  const auto attribute = [&](const char* key) -> std::string {
    const auto found = identity.attributes.find(key);
    return found == identity.attributes.end() ? std::string() : found->second;
  };
  if (identity.platform == "gcp" && !attribute("email").empty()) aliases.push_back("gcp:serviceAccount/" + attribute("email"));
  if (identity.platform == "aws" && !attribute("role_name").empty()) aliases.push_back("aws:role/" + attribute("role_name"));
  if (identity.platform == "aws" && !attribute("user_name").empty()) aliases.push_back("aws:user/" + attribute("user_name"));
  if (!attribute("kubernetes_id").empty()) aliases.push_back(attribute("kubernetes_id"));
  // A ServiceAccount written without a namespace is applied with `-n`: a binding in any
  // namespace may name it.
  if (identity.platform == "kubernetes" && identity.kind == IdentityKind::service_account &&
      !attribute("namespace_unspecified").empty()) {
    aliases.push_back("kubernetes:ServiceAccount/*/" + identity.id.substr(identity.id.rfind('/') + 1));
  }
  if (!attribute("client_id").empty()) aliases.push_back("azure:client-id/" + attribute("client_id"));
  return aliases;
}

void absorb(Identity& into, Identity& from) {
  for (Consumer& consumer : from.consumers) into.consumers.push_back(std::move(consumer));
  for (Grant& grant : from.grants) into.grants.push_back(std::move(grant));
  for (Link& link : from.links) into.links.push_back(std::move(link));
  for (Trust& trust : from.trusts) into.trusts.push_back(std::move(trust));
  for (HardcodedValue& value : from.hardcoded) into.hardcoded.push_back(std::move(value));
  for (MetaEntry& entry : from.comment_metadata) into.comment_metadata.push_back(std::move(entry));
  for (auto& [key, value] : from.attributes) into.attributes.emplace(key, value);
  for (auto& [key, value] : from.attribute_locations) into.attribute_locations.emplace(key, value);
  if (from.origin != Origin::referenced && from.location.valid() && !(from.location == into.location)) {
    into.other_locations.push_back(from.location);
  }
  for (Location& location : from.other_locations) into.other_locations.push_back(location);
}

// Two uses of one CI secret: the credential is static if any use is a static key, and
// only an identifier if every use is.
void merge_credentials(Identity& into, const Identity& from) {
  if (!from.credential) return;
  if (!into.credential) {
    into.credential = from.credential;
    return;
  }
  Credential& mine = *into.credential;
  const Credential& theirs = *from.credential;
  mine.identifier_only = mine.identifier_only && theirs.identifier_only;
  if (mine.cloud.empty()) mine.cloud = theirs.cloud;
  if (mine.rotation_mechanism.empty()) {
    mine.rotation_mechanism = theirs.rotation_mechanism;
    mine.rotation_location = theirs.rotation_location;
  }
}

bool by_location(const Identity& a, const Identity& b) {
  if (!(a.location == b.location)) return a.location < b.location;
  return a.id < b.id;
}

}  // namespace

void merge_identities(std::vector<Identity>& identities) {
  stable_sort_large(identities, by_location);

  // Declarations by id and by alias.
  std::map<std::string, std::vector<std::size_t>> declared;
  for (std::size_t i = 0; i < identities.size(); ++i) {
    const Identity& identity = identities[i];
    if (identity.origin == Origin::referenced || identity.kind == IdentityKind::ci_secret) continue;
    declared[identity.id].push_back(i);
    for (const std::string& alias : aliases_of(identity)) declared[alias].push_back(i);
  }

  const auto nearest = [&](const std::vector<std::size_t>& candidates, const std::string& file) {
    std::size_t best = candidates.front();
    std::size_t best_depth = 0;
    bool first = true;
    for (const std::size_t candidate : candidates) {
      const std::size_t depth = shared_depth(directory_of(identities[candidate].location.file), directory_of(file));
      if (first || depth > best_depth) {
        best = candidate;
        best_depth = depth;
        first = false;
      }
    }
    return best;
  };

  std::vector<bool> removed(identities.size(), false);
  std::map<std::string, std::size_t> first_of_id;  // mergeable records: first by location
  for (std::size_t i = 0; i < identities.size(); ++i) {
    Identity& identity = identities[i];
    if (identity.kind == IdentityKind::ci_secret) {
      // One repository secret, however many workflows use it.
      const auto [it, inserted] = first_of_id.emplace(identity.id, i);
      if (!inserted) {
        Identity& into = identities[it->second];
        // A Terraform resource that sets the secret adds a referenced record. A use in
        // a workflow must stay the base, so that the merged record is still governed.
        if (into.origin == Origin::referenced && identity.origin != Origin::referenced) std::swap(into, identity);
        merge_credentials(into, identity);
        absorb(into, identity);
        removed[i] = true;
      }
      continue;
    }
    if (identity.origin != Origin::referenced) continue;
    auto found = declared.find(identity.id);
    if (found == declared.end() && identity.platform == "kubernetes" && starts_with(identity.id, "kubernetes:ServiceAccount/")) {
      found = declared.find("kubernetes:ServiceAccount/*/" + identity.id.substr(identity.id.rfind('/') + 1));
    }
    if (found != declared.end()) {
      Identity& into = identities[nearest(found->second, identity.location.file)];
      absorb(into, identity);
      removed[i] = true;
      continue;
    }
    const auto [it, inserted] = first_of_id.emplace(identity.id, i);
    if (!inserted) {
      Identity& into = identities[it->second];
      merge_credentials(into, identity);
      absorb(into, identity);
      removed[i] = true;
    }
  }

  std::vector<Identity> merged;
  merged.reserve(identities.size());
  for (std::size_t i = 0; i < identities.size(); ++i) {
    if (!removed[i]) merged.push_back(std::move(identities[i]));
  }
  identities = std::move(merged);

  // Point links at declaring ids where an alias names one.
  std::map<std::string, std::vector<std::size_t>> targets;
  for (std::size_t i = 0; i < identities.size(); ++i) {
    const Identity& identity = identities[i];
    if (identity.origin == Origin::referenced) continue;
    for (const std::string& alias : aliases_of(identity)) targets[alias].push_back(i);
  }
  for (Identity& identity : identities) {
    for (Link& link : identity.links) {
      const auto found = targets.find(link.target);
      if (found == targets.end()) continue;
      std::size_t best = found->second.front();
      std::size_t best_depth = 0;
      for (const std::size_t candidate : found->second) {
        const std::size_t depth = shared_depth(directory_of(identities[candidate].location.file), directory_of(link.location.file));
        if (depth > best_depth) {
          best = candidate;
          best_depth = depth;
        }
      }
      link.target = identities[best].id;
    }
  }

  for (Identity& identity : identities) {
    std::sort(identity.consumers.begin(), identity.consumers.end(),
              [](const Consumer& a, const Consumer& b) { return a.location < b.location; });
    std::sort(identity.other_locations.begin(), identity.other_locations.end());
    identity.other_locations.erase(std::unique(identity.other_locations.begin(), identity.other_locations.end()),
                                   identity.other_locations.end());
    if (identity.kind == IdentityKind::ci_secret && !identity.consumers.empty()) {
      // A CI secret is located at its first use (or declaration) in path order.
      Location first = identity.location;
      for (const Location& other : identity.other_locations) first = std::min(first, other);
      identity.location = first;
    }
  }
  stable_sort_large(identities, by_location);
}

void correlate(std::vector<Identity>& identities) {
  std::map<std::string, std::vector<std::size_t>> by_id;
  for (std::size_t i = 0; i < identities.size(); ++i) by_id[identities[i].id].push_back(i);
  const auto declared = [&](const std::string& id) -> Identity* {
    const auto found = by_id.find(id);
    if (found == by_id.end()) return nullptr;
    for (const std::size_t index : found->second) {
      if (identities[index].origin != Origin::referenced) return &identities[index];
    }
    return nullptr;
  };

  for (Identity& identity : identities) {
    if (identity.kind != IdentityKind::ci_secret || identity.origin == Origin::referenced) continue;
    for (const Link& link : identity.links) {
      if (link.type != LinkType::set_by) continue;
      Identity* setter = declared(link.target);
      if (!setter || setter == &identity) continue;
      identity.attributes["governed_by"] = setter->id;
      for (const Consumer& consumer : identity.consumers) setter->consumers.push_back(consumer);
      std::sort(setter->consumers.begin(), setter->consumers.end(),
                [](const Consumer& a, const Consumer& b) { return a.location < b.location; });
      break;
    }
  }

  // A federation claimed by A (federated_with B) and allowed by B (federated_with A).
  for (Identity& identity : identities) {
    for (Link& link : identity.links) {
      if (link.type != LinkType::federated_with || link.confirmed_by.valid()) continue;
      const auto found = by_id.find(link.target);
      if (found == by_id.end()) continue;
      for (const std::size_t index : found->second) {
        const Identity& other = identities[index];
        for (const Link& back : other.links) {
          if (back.type == LinkType::federated_with && back.target == identity.id) {
            link.confirmed_by = back.location;
            break;
          }
        }
        if (link.confirmed_by.valid()) break;
      }
    }
  }
}

void apply_observations(std::vector<Identity>& identities, const std::vector<Observation>& observations) {
  // Roles with wildcard rules, keyed "ClusterRole/NAME" or "Role/NAMESPACE/NAME".
  std::map<std::string, const Observation*> wildcard_roles;
  for (const Observation& observation : observations) {
    if (observation.kind != "kubernetes-role-wildcard") continue;
    wildcard_roles.emplace(observation.subject, &observation);
  }
  if (wildcard_roles.empty()) return;
  for (Identity& identity : identities) {
    if (identity.platform != "kubernetes") continue;
    for (Grant& grant : identity.grants) {
      if (grant.admin) continue;
      std::string key = grant.role;
      if (starts_with(grant.role, "Role/") && starts_with(grant.scope, "namespace ")) {
        key = "Role/" + grant.scope.substr(10) + "/" + grant.role.substr(5);
      }
      const auto found = wildcard_roles.find(key);
      if (found == wildcard_roles.end()) continue;
      grant.admin = true;
      grant.admin_reason = grant.role + " allows every verb on every resource (\"*\"), as cluster-admin does";
      grant.evidence = found->second->related.empty() ? found->second->location : found->second->related.front();
    }
  }
}

}  // namespace nhiscan
