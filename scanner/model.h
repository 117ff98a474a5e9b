// The identity model: the contract between extractors, which fill it, and rules,
// which read it. Nothing here knows a file format or an output format.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nhiscan {

/// A place in a scanned file. Lines are 1-based; columns are 1-based UTF-16 code
/// units (the SARIF default column kind, and what editors count). A zero line means
/// "no position known"; a zero end_line means the region is the start point only.
struct Location {
  std::string file;  // path relative to the scan root, '/'-separated
  uint32_t line = 0;
  uint32_t column = 0;
  uint32_t end_line = 0;
  uint32_t end_column = 0;

  bool valid() const { return !file.empty() && line > 0; }
  bool operator<(const Location& other) const;
  bool operator==(const Location& other) const;
};

enum class IdentityKind {
  service_account,
  machine_user,
  role,
  app_registration,
  service_principal,
  managed_identity,
  access_key,
  api_key,
  token,
  password,
  certificate,
  secret,
  deploy_key,
  ci_secret,
  federated_trust,
};

const char* to_string(IdentityKind kind);
/// True for kinds that are credentials (secret material) rather than principals.
bool is_credential_kind(IdentityKind kind);

/// How an identity came to be in the model.
enum class Origin {
  declared,    // a resource or manifest in the scan creates it
  referenced,  // only named by something in the scan (a binding, an annotation, a login)
  template_,   // declared in a Helm template read without rendering
};
const char* to_string(Origin origin);

/// One governance value with where it came from.
struct MetaValue {
  std::string value;
  Location location;
  std::string source;  // "annotation", "label", "tag", "attribute", "comment", "inventory", ...
  std::string key;     // the key as written, e.g. "example.com/review-date"
  bool inherited = false;
  std::string inherited_from;  // identity id when inherited
};

/// A raw key/value pair found in a native metadata map or structured comment, before
/// key names are matched against the canonical fields.
struct MetaEntry {
  std::string key;
  std::string value;
  Location location;
  std::string source;
};

struct Governance {
  std::optional<MetaValue> owner;
  std::optional<MetaValue> purpose;
  std::optional<MetaValue> last_reviewed;
  std::optional<MetaValue> review_by;
  std::optional<MetaValue> rotation;
  std::optional<MetaValue> expires;
};

/// What kind of secret material a credential is and how it is kept fresh.
struct Credential {
  bool long_lived = true;  // false for tokens that expire within hours (OIDC, job tokens)
  bool federated = false;  // obtained by federation; no stored secret
  bool is_static = true;   // a stored secret that someone has to rotate
  /// The value only names something (a provider, an account e-mail) and holds no
  /// secret material, such as a CI secret used only as `workload_identity_provider`.
  bool identifier_only = false;
  std::optional<MetaValue> expiry;    // declared expiry (date or duration)
  std::string rotation_mechanism;     // e.g. "time_rotating.key_rotation", empty when none
  Location rotation_location;
  std::string cloud;                  // "aws", "gcp", "azure" when it authenticates to a cloud
};

/// A literal secret value found in a file. The value itself is never stored: only
/// a masked preview, so that no output can leak it.
struct HardcodedValue {
  Location location;      // the value's region
  std::string field;      // the field or pattern it was found under
  std::string detector;   // e.g. "aws-access-key-id", "private-key", "secret-named-field"
  std::string masked;     // at most the first 4 characters followed by "****"
};

struct Grant {
  std::string role;       // role, policy name or ARN, or permission set
  std::string scope;      // project, subscription, namespace, cluster, repository, ...
  std::string via;        // the declaration that grants it, e.g. "aws_iam_role_policy.admin"
  Location location;
  bool admin = false;     // owner/admin-level: set by the extractor that knows the platform
  std::string admin_reason;
  Location evidence;      // where the admin-level part is written, when not at `location`
  bool evaluable = true;  // false when a policy could not be evaluated statically
};

/// Something that uses an identity: a workload, a CI job or step, a resource.
struct Consumer {
  std::string name;         // e.g. "Deployment/shop/orders-api", "deploy.yml:jobs.deploy"
  std::string kind;         // "workload", "ci-job", "ci-step", "resource", "ci-login"
  Location location;
  std::string environment;  // CI environment or namespace/workspace when known
  /// Kubernetes pods: whether the service account token is mounted. Empty when the
  /// consumer is not a pod or nothing says.
  std::optional<bool> token_mounted;
  Location token_setting;   // where the effective automount setting is written
  Location merge_site;      // for YAML merge keys: where `<<: *alias` pulled the setting in
  std::string field;        // the field through which it is used, e.g. "with.credentials_json"
};

enum class LinkType { key_of, bound_to, federated_with, token_of, grant_on, set_by, assumes, module_call };
const char* to_string(LinkType type);

struct Link {
  LinkType type;
  std::string target;  // identity id
  Location location;   // where the link is written
  /// For a federation claimed on one side (a ServiceAccount annotation), the
  /// declaration on the other side that allows it (the IAM binding or trust condition).
  Location confirmed_by{};
};

/// An OIDC or cross-account trust relationship, with the conditions that restrict it.
struct TrustCondition {
  std::string test;      // e.g. "StringLike", "attribute_condition", "subject"
  std::string variable;  // e.g. "token.actions.githubusercontent.com:sub"
  std::vector<std::string> values;
  Location location;
};

struct Trust {
  std::string principal_type;  // "Federated", "Service", "AWS", "oidc", ...
  std::string principal;       // provider ARN, service name, issuer
  std::vector<TrustCondition> conditions;
  Location location;
  bool evaluable = true;
};

struct Identity {
  std::string id;
  IdentityKind kind = IdentityKind::secret;
  std::string platform;
  std::string name;
  Location location;
  Location end;  // last line of the declaration, for scoping comments and exceptions
  std::string multiplicity = "single";  // "single", "for_each", "count"
  Origin origin = Origin::declared;
  /// Created and expired by the platform for each run (GitHub's job token): no
  /// owner, review or rotation is expected of it.
  bool ephemeral = false;
  /// Governance metadata does not apply: a literal secret whose only fix is removal.
  bool governance_exempt = false;

  std::vector<MetaEntry> native_metadata;   // annotations, labels, tags, attributes
  std::vector<MetaEntry> comment_metadata;  // `# nhi:` structured comments
  Governance governance;                    // resolved from the sources above

  std::optional<Credential> credential;
  std::vector<HardcodedValue> hardcoded;
  std::vector<Grant> grants;
  std::vector<Consumer> consumers;
  std::vector<Link> links;
  std::vector<Trust> trusts;
  /// Facts that do not deserve a field of their own, e.g. "email" or "arn".
  std::map<std::string, std::string> attributes;
  /// Where some of those facts are written, keyed like `attributes`.
  std::map<std::string, Location> attribute_locations;
  /// Extra declarations of the same identity (a CI secret used in several workflows).
  std::vector<Location> other_locations;
};

/// A fact about a file that is not an identity but that a rule needs, such as a
/// workflow with no `permissions` block. Keeps rules off the raw trees.
struct Observation {
  std::string kind;    // e.g. "workflow-permissions-missing"
  std::string subject; // what it is about
  Location location;
  std::map<std::string, std::string> details;
  std::vector<Location> related;
};

enum class Severity { low, medium, high, critical };
const char* to_string(Severity severity);
std::optional<Severity> parse_severity(const std::string& text);
/// SARIF `level` for a severity: critical/high -> error, medium -> warning, low -> note.
const char* sarif_level(Severity severity);
/// SARIF `security-severity` number as a string.
const char* security_severity(Severity severity);

struct Suppression {
  std::string kind;           // "inSource" (comment) or "external" (configuration, baseline)
  std::string justification;
  std::string until;          // ISO date, empty when none
  std::string approver;
  Location location;          // the directive or configuration entry
};

struct RelatedLocation {
  Location location;
  std::string message;
};

struct Finding {
  std::string rule_id;
  std::string rule_name;
  Severity severity = Severity::medium;
  std::string message;
  std::string identity;  // identity id, empty for file-level findings
  Location location;
  std::vector<RelatedLocation> related;
  std::string attribute;  // the offending attribute, part of the fingerprint
  std::string fingerprint;
  std::optional<Suppression> suppression;
  bool baselined = false;
};

struct Diagnostic {
  enum class Level { error, warning, note };
  Level level = Level::warning;
  std::string file;
  uint32_t line = 0;
  std::string message;
};
const char* to_string(Diagnostic::Level level);

}  // namespace nhiscan
