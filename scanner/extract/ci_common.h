// Helpers shared by the pipeline extractors of GitLab CI, Azure Pipelines, CircleCI and
// Bitbucket Pipelines. They find variable references in the raw text with exact
// positions, the YAML node each reference sits in, and the jobs that reach a node
// (anchors, merge keys and aliases included). They classify variable names, and they
// build the records every CI system emits in the same shape: CI secrets, cloud-login
// observations and federated logins.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "scanner/extract/common.h"
#include "scanner/yaml.h"

namespace nhiscan {

/// A variable named in the raw text of a pipeline file.
struct TextReference {
  std::string name;     // as written, e.g. "AWS_SECRET_ACCESS_KEY" or "System.AccessToken"
  uint32_t line = 0;    // 1-based
  uint32_t column = 0;  // 1-based byte column of the `$`
  Location location;    // the whole reference, `$` and braces included
  YamlId node = kNoYamlNode;  // the scalar it sits in, once resolved
};

enum class ReferenceSyntax {
  shell,        // $NAME, ${NAME}, ${NAME:-default}, $env:NAME (GitLab, CircleCI, Bitbucket)
  azure_macro,  // $(NAME) and $[variables.NAME] (Azure Pipelines)
};

/// Variable references on the lines of `document`. References inside YAML comments and
/// on lines that are shell comments (`# ...`) are skipped, and so is GitLab's escaped
/// `$$NAME`. Each reference is resolved to the scalar that contains it.
std::vector<TextReference> find_variable_references(const FileView& file, const YamlDocument& document,
                                                    ReferenceSyntax syntax);

/// The scalar nodes of a document in text order, to find the node a raw-text position
/// belongs to.
class ScalarIndex {
 public:
  explicit ScalarIndex(const YamlDocument& document);

  /// The last scalar that starts at or before (line, column). For a position inside a
  /// block or quoted scalar that is the scalar itself. Plain scalars that continue on
  /// further lines have no recorded end, so for their continuation lines it is the best
  /// available guess. kNoYamlNode when no scalar starts before the position.
  YamlId at(uint32_t line, uint32_t column) const;

 private:
  struct Start {
    uint32_t line;
    uint32_t column;
    YamlId id;
  };
  std::vector<Start> starts_;
};

/// The nodes reachable from some roots of one document: a job's own subtree plus the
/// anchored nodes its aliases and merge keys share.
struct Reach {
  std::vector<bool> reached;
  /// Line of the first merge key (`<<`) on the path that reached each node, else 0.
  std::vector<uint32_t> merge_line;

  bool contains(YamlId id) const { return id != kNoYamlNode && id < reached.size() && reached[id]; }
};

/// Mark every node reachable from `root` in `reach` (sized to the document on first use).
void add_reach(const YamlDocument& document, YamlId root, Reach& reach, uint32_t merge_line = 0);

/// The mapping keys on the path from `from` down to `target`, e.g. {"env", "NAME"} for a
/// scalar under a step's `env`. Empty when `target` is `from` or not below it.
std::vector<std::string> key_path(const YamlDocument& document, YamlId from, YamlId target);

/// A variable name that names secret material: ..._TOKEN, ..._PASSWORD, ..._SECRET,
/// ..._KEY, API keys, credentials, SAS and webhook URLs, and the paths of files holding
/// them (GPG_KEY_PATH). A name whose last word marks an identifier or a setting (_ID,
/// _NAME, _USER, _URL, _REGION, _VERSION and the like) is not one, except
/// AWS_ACCESS_KEY_ID, which is half of a static key pair.
/// Words are split at `_`, `-`, `.` and camelCase humps.
bool is_credential_variable_name(std::string_view name);

/// The cloud authentication a variable name stands for.
struct CloudVariable {
  std::string cloud;       // aws, gcp, azure; empty when the name is no cloud credential
  bool static_key = false; // a long-lived key or client secret
  bool federated = false;  // part of an OIDC exchange (web identity token, OIDC switch)
};

/// Classify well-known cloud credential variables (AWS_SECRET_ACCESS_KEY, GCLOUD_SERVICE_KEY,
/// ARM_CLIENT_SECRET, ...). A name ending in CLIENT_SECRET counts as an Azure service
/// principal secret when one of its words names Azure (AZURE, ARM, AAD, SPA, SPN, SP).
CloudVariable classify_cloud_variable(std::string_view name);

/// A cloud login found in a script by its command pattern.
struct ScriptLogin {
  std::string cloud;
  bool static_key = false;
  bool federated = false;
  std::string target;    // role ARN, service account e-mail or client id when written literally
  std::string provider;  // GCP workload identity provider when written
};

/// Cloud logins in shell text: `gcloud auth activate-service-account --key-file`,
/// `aws sts assume-role-with-web-identity`, `az login --service-principal` with a
/// password or a federated token, workload identity pool configurations.
std::vector<ScriptLogin> find_script_logins(std::string_view text);

/// A GCP workload identity provider resource name in `text`
/// (`[//iam.googleapis.com/]projects/N/locations/global/workloadIdentityPools/P/providers/Q`),
/// or empty.
std::string find_workload_identity_provider(std::string_view text);
/// A GCP service account e-mail (`...@....iam.gserviceaccount.com`) in `text`, or empty.
std::string find_service_account_email(std::string_view text);
/// An AWS IAM role ARN in `text`, or empty.
std::string find_role_arn(std::string_view text);

/// The detector that flags `value` as literal secret material assigned to `name`, or
/// empty: a known key or token format whatever the name (AWS access key id, private
/// key, GitHub, GitLab and Slack tokens), or any literal that is not a placeholder under
/// a credential-looking name.
std::string detect_literal_secret(std::string_view name, std::string_view value);

/// The evidence gathered for one job or step that authenticates to one cloud.
struct CloudLogin {
  std::string cloud;
  bool static_key = false;
  bool federated = false;  // when neither is set, the file cannot tell (an Azure DevOps service connection)
  std::string target;
  std::string provider;
  std::vector<Location> evidence;  // where the key, token or command is written
  std::map<std::string, std::string> details;  // extra observation details
};

/// Collects cloud logins per cloud for one job or step, then writes the records.
class CloudLogins {
 public:
  CloudLogin& cloud(const std::string& name);
  void add_script(std::string_view text, const Location& where);
  bool empty() const { return logins_.empty(); }
  const std::map<std::string, CloudLogin>& all() const { return logins_; }

 private:
  std::map<std::string, CloudLogin> logins_;
};

/// The job or step a login or a secret use belongs to, in the shape every CI extractor reports.
struct CiContext {
  std::string system;       // github-actions, gitlab-ci, azure-pipelines, circleci, bitbucket
  std::string platform;     // github, gitlab, azure-devops, circleci, bitbucket
  std::string job;          // job (or step, for systems without jobs) name
  std::string consumer;     // display name of the consumer, e.g. "ci.yml: job deploy"
  std::string consumer_kind = "ci-job";
  Location location;        // the job or step
  std::string environment;  // deployment environment when the file names one
};

/// Emit one `ci-cloud-login` observation per cloud in `logins` and, for federated
/// logins with a target, a referenced federated_trust identity
/// `SYSTEM:oidc/CLOUD/TARGET` linked to the cloud identity when the target is literal;
/// the login's details become attributes of that identity.
/// The observation's `static` detail is "true", "false" or, when the file cannot tell,
/// "unknown".
void emit_cloud_logins(const CloudLogins& logins, const CiContext& context, ExtractOutput& out);

/// A consumer record for one use of a CI secret.
Consumer ci_consumer(const CiContext& context, const Location& use, const std::string& field, uint32_t merge_line,
                     const SourceText& source);

/// A CI secret held by the CI system (a secured variable, a context, a variable group):
/// kind ci_secret, long-lived and static unless a use says otherwise.
Identity ci_secret_identity(const std::string& id, const std::string& platform, const std::string& name,
                            const Location& location);

/// Record that one use of `secret` passes it as a static key of `cloud`.
void mark_static_cloud_key(Identity& secret, const std::string& cloud);

/// A literal secret written in the file: governance does not apply, removal does.
Identity literal_secret_identity(const std::string& id, const std::string& platform, const std::string& name,
                                 const Location& location, const std::string& field, const std::string& detector,
                                 std::string_view value);

/// The CI secrets of one file, built up use by use and written out at the end.
class CiSecrets {
 public:
  /// `id_prefix` is e.g. "gitlab-ci:variable/"; `platform` e.g. "gitlab".
  CiSecrets(std::string id_prefix, std::string platform);

  /// The secret `name`, created at its first use; the earliest use is its location.
  /// `# nhi:` comments on the lines above each use are collected as its metadata.
  Identity& use(const std::string& name, const Location& where, const FileView& file);
  void flush(ExtractOutput& out);

 private:
  std::string id_prefix_;
  std::string platform_;
  std::map<std::string, Identity> secrets_;
  std::set<std::pair<std::string, uint32_t>> used_lines_;
};

}  // namespace nhiscan
