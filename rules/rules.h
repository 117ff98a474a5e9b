// Factories of the rules in the catalogue, one per rule file.
#pragma once

#include <memory>

#include "rules/rule.h"

namespace nhiscan {

std::unique_ptr<Rule> make_missing_owner();
std::unique_ptr<Rule> make_missing_review_date();
std::unique_ptr<Rule> make_review_overdue();
std::unique_ptr<Rule> make_missing_rotation_policy();
std::unique_ptr<Rule> make_credential_lifetime_too_long();
std::unique_ptr<Rule> make_missing_purpose();
std::unique_ptr<Rule> make_unknown_owner();
std::unique_ptr<Rule> make_invalid_governance_metadata();
std::unique_ptr<Rule> make_overprivileged_identity();
std::unique_ptr<Rule> make_default_service_account();
std::unique_ptr<Rule> make_identity_shared_across_environments();
std::unique_ptr<Rule> make_identity_shared_by_workloads();
std::unique_ptr<Rule> make_orphaned_credential();
std::unique_ptr<Rule> make_expired_exception();
std::unique_ptr<Rule> make_exception_without_expiry();
std::unique_ptr<Rule> make_static_cloud_credential_in_ci();
std::unique_ptr<Rule> make_hardcoded_secret();
std::unique_ptr<Rule> make_long_lived_service_account_token();
std::unique_ptr<Rule> make_secrets_exposed_to_third_party();
std::unique_ptr<Rule> make_unrestricted_token_permissions();
std::unique_ptr<Rule> make_unrestricted_federated_trust();
std::unique_ptr<Rule> make_credential_exposed_in_output();

}  // namespace nhiscan
