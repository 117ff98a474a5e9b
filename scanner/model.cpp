#include "scanner/model.h"

#include "scanner/text.h"

namespace nhiscan {

const char* to_string(IdentityKind kind) {
  switch (kind) {
    case IdentityKind::service_account: return "service_account";
    case IdentityKind::machine_user: return "machine_user";
    case IdentityKind::role: return "role";
    case IdentityKind::app_registration: return "app_registration";
    case IdentityKind::service_principal: return "service_principal";
    case IdentityKind::managed_identity: return "managed_identity";
    case IdentityKind::access_key: return "access_key";
    case IdentityKind::api_key: return "api_key";
    case IdentityKind::token: return "token";
    case IdentityKind::password: return "password";
    case IdentityKind::certificate: return "certificate";
    case IdentityKind::secret: return "secret";
    case IdentityKind::deploy_key: return "deploy_key";
    case IdentityKind::ci_secret: return "ci_secret";
    case IdentityKind::federated_trust: return "federated_trust";
  }
  return "secret";
}

bool is_credential_kind(IdentityKind kind) {
  switch (kind) {
    case IdentityKind::access_key:
    case IdentityKind::api_key:
    case IdentityKind::token:
    case IdentityKind::password:
    case IdentityKind::certificate:
    case IdentityKind::secret:
    case IdentityKind::deploy_key:
    case IdentityKind::ci_secret:
      return true;
    default:
      return false;
  }
}

const char* to_string(Origin origin) {
  switch (origin) {
    case Origin::declared: return "declared";
    case Origin::referenced: return "referenced";
    case Origin::template_: return "template";
  }
  return "declared";
}

const char* to_string(LinkType type) {
  switch (type) {
    case LinkType::key_of: return "key_of";
    case LinkType::bound_to: return "bound_to";
    case LinkType::federated_with: return "federated_with";
    case LinkType::token_of: return "token_of";
    case LinkType::grant_on: return "grant_on";
    case LinkType::set_by: return "set_by";
    case LinkType::assumes: return "assumes";
    case LinkType::module_call: return "module_call";
  }
  return "bound_to";
}

const char* to_string(Severity severity) {
  switch (severity) {
    case Severity::low: return "low";
    case Severity::medium: return "medium";
    case Severity::high: return "high";
    case Severity::critical: return "critical";
  }
  return "medium";
}

std::optional<Severity> parse_severity(const std::string& text) {
  const std::string word = lower(text);
  if (word == "low" || word == "note") return Severity::low;
  if (word == "medium" || word == "warning") return Severity::medium;
  if (word == "high" || word == "error") return Severity::high;
  if (word == "critical") return Severity::critical;
  return std::nullopt;
}

const char* sarif_level(Severity severity) {
  switch (severity) {
    case Severity::critical:
    case Severity::high: return "error";
    case Severity::medium: return "warning";
    case Severity::low: return "note";
  }
  return "warning";
}

const char* security_severity(Severity severity) {
  switch (severity) {
    case Severity::critical: return "9.5";
    case Severity::high: return "8.0";
    case Severity::medium: return "5.5";
    case Severity::low: return "3.0";
  }
  return "5.5";
}

const char* to_string(Diagnostic::Level level) {
  switch (level) {
    case Diagnostic::Level::error: return "error";
    case Diagnostic::Level::warning: return "warning";
    case Diagnostic::Level::note: return "note";
  }
  return "warning";
}

}  // namespace nhiscan
