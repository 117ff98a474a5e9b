// Joining records of one identity that extractors produced separately: uses of a CI
// secret in several workflows, bindings and workloads that name a ServiceAccount
// declared in another file, grants to an account known by e-mail or name.
#pragma once

#include <vector>

#include "scanner/model.h"

namespace nhiscan {

/// Merge records with the same id, and referenced records into the declaration they
/// name (by id, or by e-mail, role name or user name). When several declarations
/// share an id (the same ServiceAccount in two directories), a reference joins the one
/// whose file is nearest. Link targets are rewritten to the declaring id. The result
/// is sorted by file, line and id.
void merge_identities(std::vector<Identity>& identities);

/// Connect the merged model across platforms:
/// - a workflow secret set by a Terraform resource (github_actions_secret) is governed
///   at that declaration, which gains the workflow's uses as consumers;
/// - a federation written on one side (a ServiceAccount's workload-identity annotation)
///   is confirmed by the other (the IAM binding or trust condition naming it).
void correlate(std::vector<Identity>& identities);

/// Apply facts from observations to the merged model, such as a ClusterRole with
/// wildcard rules making the grants that bind it admin-level.
void apply_observations(std::vector<Identity>& identities, const std::vector<Observation>& observations);

}  // namespace nhiscan
