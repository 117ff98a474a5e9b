#include "scanner/extract/github_actions.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <regex>
#include <tuple>

#include "scanner/extract/secrets.h"
#include "scanner/extract/ci_common.h"
#include "scanner/regex.h"
#include "scanner/text.h"

namespace nhiscan {

namespace {

constexpr const char* kSystem = "github-actions";

/// What a secret is used as: its cloud and whether it is secret material.
struct InputClass {
  std::string cloud;         // aws, gcp, azure when it authenticates to a cloud
  bool static_key = false;   // a long-lived key or client secret
  bool identifier = false;   // names a role, provider or account; holds no secret
};

/// Classify a step input (`with.NAME` of action `uses`) or an environment variable.
InputClass classify_input(const std::string& uses, const std::string& field) {
  const std::string action = lower(uses.substr(0, uses.find('@')));
  const std::string name = lower(field);
  InputClass result;
  if (starts_with(name, "with.")) {
    const std::string input = name.substr(5);
    if (action == "aws-actions/configure-aws-credentials") {
      result.cloud = "aws";
      result.static_key = input == "aws-access-key-id" || input == "aws-secret-access-key" || input == "aws-session-token";
      result.identifier = input == "role-to-assume" || input == "aws-region" || input == "role-session-name";
    } else if (action == "google-github-actions/auth") {
      result.cloud = "gcp";
      result.static_key = input == "credentials_json";
      result.identifier = input == "workload_identity_provider" || input == "service_account" || input == "project_id";
    } else if (action == "google-github-actions/setup-gcloud") {
      result.cloud = "gcp";
      result.static_key = input == "service_account_key";
      result.identifier = input == "project_id";
    } else if (action == "azure/login") {
      result.cloud = "azure";
      result.static_key = input == "creds";
      result.identifier = input == "client-id" || input == "tenant-id" || input == "subscription-id";
    }
    if (!result.static_key && !result.identifier) result.cloud.clear();
    return result;
  }
  if (starts_with(name, "env.")) {
    const std::string variable = name.substr(4);
    static const std::map<std::string, std::string> kStaticEnv = {
        {"aws_access_key_id", "aws"},         {"aws_secret_access_key", "aws"},
        {"google_credentials", "gcp"},        {"google_application_credentials_json", "gcp"},
        {"gcp_sa_key", "gcp"},                {"gcloud_service_key", "gcp"},
        {"arm_client_secret", "azure"},       {"azure_client_secret", "azure"},
        {"azure_credentials", "azure"}};
    if (const auto found = kStaticEnv.find(variable); found != kStaticEnv.end()) {
      result.cloud = found->second;
      result.static_key = true;
    } else if (const CloudVariable cloud = classify_cloud_variable(field.substr(4)); cloud.static_key) {
      result.cloud = cloud.cloud;
      result.static_key = true;
    }
  }
  return result;
}

/// Names of the secrets an expression reads (`secrets.A || secrets.B` gives both).
std::vector<std::string> secret_names(std::string_view value) {
  static const std::regex kName(R"(secrets\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_-]*)|\[\s*['"]([^'"]+)['"]\s*\]))", kRegexSyntax);
  std::vector<std::string> names;
  const std::string text(value);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kName); it != std::sregex_iterator(); ++it) {
    names.push_back((*it)[1].matched ? (*it)[1].str() : (*it)[2].str());
  }
  return names;
}

/// Checks whether an environment value is a stored key: it reads a secret or a
/// configuration variable, or is an AWS access key id written as a literal. In a
/// composite action an input counts too, since the caller passes its secret in.
/// Outputs of earlier steps (an OIDC login's temporary keys) and other expressions do not.
bool holds_stored_key(std::string_view value, bool action_file = false) {
  if (contains(value, "${{")) {
    return contains(value, "secrets.") || contains(value, "secrets[") || contains(value, "vars.") ||
           (action_file && contains(value, "inputs."));
  }
  const std::string_view text = trim(value);
  return text.size() == 20 && starts_with(text, "AKIA");
}

/// A reference pinned to an immutable version: an action or reusable workflow at a full
/// 40-hex commit SHA, a Docker image by digest.
bool is_pinned(const std::string& target, const std::string& kind) {
  if (kind == "docker" || kind == "container") return contains(target, "@sha256:");
  const std::size_t at = target.rfind('@');
  if (at == std::string::npos) return false;
  const std::string ref = target.substr(at + 1);
  return ref.size() == 40 && std::all_of(ref.begin(), ref.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

struct StepInfo {
  YamlId node = kNoYamlNode;
  uint32_t start = 0, end = 0;
  std::string uses;
  std::string label;  // name, id or uses
  Location location;
};

struct JobInfo {
  std::string id;
  YamlId node = kNoYamlNode;
  uint32_t start = 0, end = 0;
  Location location;
  std::string environment;
  bool has_permissions = false;
  std::vector<StepInfo> steps;
};

struct SecretUse {
  std::string name;
  Location location;
  std::string job;
  std::string step;
  std::string uses;
  std::string field;  // e.g. "with.credentials_json", "env.GH_TOKEN", "run"
  std::string environment;
  Location where;     // the step, or the job for a use outside steps
};

class WorkflowExtractor {
 public:
  WorkflowExtractor(const FileView& file, const YamlDocument& document, ExtractOutput& out, bool action_file)
      : file_(file), source_(*file.source), doc_(document), out_(out), action_file_(action_file) {}

  void run() {
    const YamlId root = doc_.root;
    if (!doc_.is_mapping(root)) return;
    read_jobs(root);
    const std::vector<SecretUse> uses = find_secret_uses();
    job_token(root, uses);
    declared_secrets(root);
    secrets(uses);
    logins(uses);
    env_logins(root);
    secrets_to_actions(uses);
    action_inputs(root);
    inherited_secrets();
    literal_secrets(root);
  }

 private:
  Location at(YamlId id) const {
    const YamlNode& node = doc_.node(id);
    return source_.location(node.line, node.column);
  }

  void read_steps(YamlId steps, JobInfo& job) {
    if (!doc_.is_sequence(steps)) return;
    for (const YamlId step : doc_.node(steps).items) {
      if (!doc_.is_mapping(step)) continue;
      StepInfo info;
      info.node = step;
      info.start = doc_.node(step).line;
      info.end = std::max(doc_.node(step).end_line, info.start);
      info.uses = std::string(doc_.scalar(doc_.get(step, "uses")));
      std::string label(doc_.scalar(doc_.get(step, "name")));
      if (label.empty()) label = std::string(doc_.scalar(doc_.get(step, "id")));
      if (label.empty()) label = info.uses;
      info.label = label;
      info.location = at(step);
      job.steps.push_back(std::move(info));
    }
  }

  void read_jobs(YamlId root) {
    if (action_file_) {
      // A composite action's steps behave as one job named after the file.
      JobInfo job;
      job.id = "(action)";
      const YamlId runs = doc_.get(root, "runs");
      job.node = runs;
      if (runs != kNoYamlNode) {
        job.start = doc_.node(runs).line;
        job.end = doc_.node(runs).end_line;
        job.location = at(runs);
        read_steps(doc_.get(runs, "steps"), job);
        jobs_.push_back(std::move(job));
      }
      return;
    }
    const YamlId jobs = doc_.get(root, "jobs");
    if (!doc_.is_mapping(jobs)) return;
    for (const YamlEntry& entry : doc_.node(jobs).entries) {
      JobInfo job;
      job.id = std::string(doc_.scalar(entry.key));
      job.node = entry.value;
      job.start = doc_.node(entry.key).line;
      job.end = std::max(doc_.node(entry.value).end_line, job.start);
      job.location = at(entry.key);
      const YamlId environment = doc_.get(entry.value, "environment");
      job.environment = doc_.is_mapping(environment) ? std::string(doc_.scalar(doc_.get(environment, "name")))
                                                     : std::string(doc_.scalar(environment));
      job.has_permissions = doc_.entry(entry.value, "permissions") != nullptr;
      read_steps(doc_.get(entry.value, "steps"), job);
      jobs_.push_back(std::move(job));
    }
  }

  const JobInfo* job_at(uint32_t line) const {
    for (const JobInfo& job : jobs_) {
      if (line >= job.start && line <= job.end) return &job;
    }
    return nullptr;
  }

  /// "with.NAME", "env.NAME", "run" or another key of the step (or job) at `line`.
  std::string field_at(YamlId container, uint32_t line) const {
    if (!doc_.is_mapping(container)) return {};
    for (const YamlEntry& entry : doc_.node(container).entries) {
      const uint32_t start = doc_.node(entry.key).line;
      const uint32_t end = std::max(doc_.node(entry.value).end_line, start);
      if (line < start || line > end || entry.merge_line) continue;
      const std::string key(doc_.scalar(entry.key));
      if ((key == "with" || key == "env" || key == "secrets") && doc_.is_mapping(entry.value)) {
        for (const YamlEntry& inner : doc_.node(entry.value).entries) {
          const uint32_t inner_start = doc_.node(inner.key).line;
          const uint32_t inner_end = std::max(doc_.node(inner.value).end_line, inner_start);
          if (line >= inner_start && line <= inner_end) return key + "." + std::string(doc_.scalar(inner.key));
        }
      }
      return key;
    }
    return {};
  }

  // Secret references are read from the raw text so that each keeps its exact line and
  // column; the tree says which job, step and input they sit in. Expressions inside
  // comments do not count; inside `run: |` they do (GitHub evaluates them there).
  std::vector<SecretUse> find_secret_uses() {
    // `secrets` must start a name: "steps.check-secrets.outputs" is not a secret.
    static const std::regex kSecret(R"((^|[^A-Za-z0-9_.\-])secrets\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_-]*)|\[\s*['"]([^'"]+)['"]\s*\]))", kRegexSyntax);
    static const std::regex kAllSecrets(R"((?:toJSON|toJson|tojson)\s*\(\s*secrets\s*\))", kRegexSyntax);
    static const std::regex kGithubToken(R"(github\.token\b)", kRegexSyntax);
    static const std::regex kInput(R"(inputs\s*\.\s*([A-Za-z_][A-Za-z0-9_-]*))", kRegexSyntax);
    std::vector<SecretUse> uses;
    std::map<uint32_t, uint32_t> comment_columns;
    for (const Comment& comment : file_.comments->comments()) comment_columns[comment.line] = comment.column;

    for (uint32_t line = doc_.first_line; line <= doc_.last_line && line <= source_.line_count(); ++line) {
      const std::string_view text = source_.line(line);
      std::size_t from = 0;
      while (true) {
        const std::size_t open = text.find("${{", from);
        if (open == std::string_view::npos) break;
        const std::size_t close = text.find("}}", open + 3);
        const std::size_t end = close == std::string_view::npos ? text.size() : close + 2;
        from = end;
        if (const auto comment = comment_columns.find(line);
            comment != comment_columns.end() && open + 1 >= comment->second) {
          break;
        }
        const std::string expression(text.substr(open, end - open));
        // std::regex is slow, so each pattern runs only where its literal part occurs.
        const bool names_secrets = contains(expression, "secrets");
        const auto base = [&](std::size_t offset_in_expression, std::size_t length) {
          const uint32_t column = static_cast<uint32_t>(open + offset_in_expression) + 1;
          return source_.location(line, column, line, column + static_cast<uint32_t>(length));
        };
        for (auto it = names_secrets ? std::sregex_iterator(expression.begin(), expression.end(), kSecret)
                                     : std::sregex_iterator();
             it != std::sregex_iterator(); ++it) {
          SecretUse use;
          use.name = (*it)[2].matched ? (*it)[2].str() : (*it)[3].str();
          const std::size_t boundary = static_cast<std::size_t>((*it)[1].length());
          use.location = base(static_cast<std::size_t>(it->position()) + boundary,
                              static_cast<std::size_t>(it->length()) - boundary);
          uses.push_back(std::move(use));
        }
        for (auto it = names_secrets ? std::sregex_iterator(expression.begin(), expression.end(), kAllSecrets)
                                     : std::sregex_iterator();
             it != std::sregex_iterator(); ++it) {
          Observation observation;
          observation.kind = "ci-all-secrets-serialised";
          observation.details["system"] = kSystem;
          observation.subject = "toJSON(secrets)";
          observation.location = base(static_cast<std::size_t>(it->position()), static_cast<std::size_t>(it->length()));
          all_secret_locations_.push_back(observation.location);
          out_.observations.push_back(std::move(observation));
        }
        for (auto it = contains(expression, "github") ? std::sregex_iterator(expression.begin(), expression.end(), kGithubToken)
                                                      : std::sregex_iterator();
             it != std::sregex_iterator(); ++it) {
          SecretUse use;
          use.name = "GITHUB_TOKEN";
          use.location = base(static_cast<std::size_t>(it->position()), static_cast<std::size_t>(it->length()));
          uses.push_back(std::move(use));
        }
        if (!action_file_) continue;
        for (auto it = std::sregex_iterator(expression.begin(), expression.end(), kInput); it != std::sregex_iterator(); ++it) {
          SecretUse use;
          use.name = (*it)[1].str();
          use.location = base(static_cast<std::size_t>(it->position()), static_cast<std::size_t>(it->length()));
          input_uses_.push_back(std::move(use));
        }
      }
    }
    place_uses(input_uses_);
    place_uses(uses);
    return uses;
  }

  /// Find the job, step and field of each use.
  void place_uses(std::vector<SecretUse>& uses) const {
    for (SecretUse& use : uses) {
      const JobInfo* job = job_at(use.location.line);
      if (!job) {
        use.field = "workflow";
        continue;
      }
      use.job = job->id;
      use.environment = job->environment;
      use.where = job->location;
      const StepInfo* step = nullptr;
      for (const StepInfo& candidate : job->steps) {
        if (use.location.line >= candidate.start && use.location.line <= candidate.end) step = &candidate;
      }
      if (step) {
        use.step = step->label;
        use.uses = step->uses;
        use.field = field_at(step->node, use.location.line);
        use.where = step->location;
      } else {
        use.field = field_at(job->node, use.location.line);
      }
    }
  }

  Consumer consumer_for(const SecretUse& use) const {
    Consumer consumer;
    consumer.name = source_.path() + (use.job.empty() ? "" : ": job " + use.job) +
                    (use.step.empty() ? "" : ", step " + use.step);
    consumer.kind = use.step.empty() ? "ci-job" : "ci-step";
    consumer.location = use.location;
    consumer.environment = use.environment;
    consumer.field = use.field;
    return consumer;
  }

  // The job token (GITHUB_TOKEN) exists in every workflow run; its grants are the
  // `permissions` blocks. Without any block, it gets the repository default.
  void job_token(YamlId root, const std::vector<SecretUse>& uses) {
    if (action_file_) return;
    Identity token = per_run_token("github-actions:token/" + source_.path(), IdentityKind::token, "github",
                                   "GITHUB_TOKEN of " + source_.path(),
                                   source_.location(doc_.node(root).line, doc_.node(root).column), false);

    const YamlId on = doc_.get(root, "on");
    if (doc_.is_mapping(on)) {
      for (const YamlEntry& entry : doc_.node(on).entries) {
        triggers_.emplace_back(doc_.scalar(entry.key));
      }
    } else if (doc_.is_sequence(on)) {
      for (const YamlId item : doc_.node(on).items) triggers_.emplace_back(doc_.scalar(item));
    } else if (doc_.is_scalar(on)) {
      triggers_.emplace_back(doc_.scalar(on));
    }
    // A workflow run only by workflow_call gets its token permissions from the caller.
    const bool called_only = triggers_.size() == 1 && triggers_.front() == "workflow_call";

    const YamlEntry* workflow_permissions = doc_.entry(root, "permissions");
    if (workflow_permissions) add_permission_grants(token, workflow_permissions, "workflow");
    bool any_job_permissions = false;
    for (const JobInfo& job : jobs_) any_job_permissions = any_job_permissions || job.has_permissions;
    for (const JobInfo& job : jobs_) {
      if (const YamlEntry* permissions = doc_.entry(job.node, "permissions")) {
        add_permission_grants(token, permissions, "job " + job.id);
      } else if (!workflow_permissions) {
        // A job that calls a reusable workflow sets the permissions that workflow's
        // jobs can have at most, so it is recorded too.
        Observation observation;
        observation.kind = "workflow-permissions-missing";
        observation.subject = job.id;
        observation.location = job.location;
        observation.details["system"] = "github-actions";
        observation.details["calls"] = std::string(doc_.scalar(doc_.get(job.node, "uses")));
        observation.details["workflow_call_only"] = called_only ? "true" : "false";
        observation.details["workflow"] = source_.path();
        // Lets a rule report the whole workflow once when no job sets permissions.
        observation.details["any_job_permissions"] = any_job_permissions ? "true" : "false";
        observation.related.push_back(token.location);
        out_.observations.push_back(std::move(observation));
      }
    }
    for (const SecretUse& use : uses) {
      if (use.name == "GITHUB_TOKEN") token.consumers.push_back(consumer_for(use));
    }
    token.attributes["triggers"] = join(triggers_, ",");
    out_.identities.push_back(std::move(token));
  }

  void add_permission_grants(Identity& token, const YamlEntry* permissions, const std::string& scope) {
    const YamlId value = permissions->value;
    if (doc_.is_scalar(value)) {
      Grant grant;
      grant.role = std::string(doc_.scalar(value));
      grant.scope = scope;
      grant.via = "permissions";
      grant.location = at(value);
      if (grant.role == "write-all") {
        grant.admin = true;
        grant.admin_reason = "permissions: write-all gives the job token write access to every scope";
      }
      token.grants.push_back(grant);
      return;
    }
    if (!doc_.is_mapping(value)) return;
    for (const YamlEntry& entry : doc_.node(value).entries) {
      Grant grant;
      grant.role = std::string(doc_.scalar(entry.key)) + ": " + std::string(doc_.scalar(entry.value));
      grant.scope = scope;
      grant.via = "permissions";
      grant.location = at(entry.key);
      token.grants.push_back(grant);
    }
  }

  // Reusable workflows declare the secrets they accept under on.workflow_call.secrets.
  void declared_secrets(YamlId root) {
    const YamlId secrets = doc_.path(root, {"on", "workflow_call", "secrets"});
    if (!doc_.is_mapping(secrets)) return;
    for (const YamlEntry& entry : doc_.node(secrets).entries) {
      declared_[std::string(doc_.scalar(entry.key))] = at(entry.key);
    }
  }

  void secrets(const std::vector<SecretUse>& uses) {
    std::map<std::string, std::vector<const SecretUse*>> by_name;
    for (const SecretUse& use : uses) {
      if (use.name != "GITHUB_TOKEN") by_name[use.name].push_back(&use);
    }
    for (const auto& [name, declaration] : declared_) {
      by_name[name];  // declared but not used here still names an identity
    }
    for (const auto& [name, list] : by_name) {
      Identity secret;
      secret.id = "github-actions:secret/" + name;
      secret.kind = IdentityKind::ci_secret;
      secret.platform = "github";
      secret.name = name;
      const auto declared = declared_.find(name);
      secret.location = declared != declared_.end() ? declared->second : list.front()->location;
      secret.attributes["repository_secret"] = "true";

      Credential credential;
      bool all_identifiers = !list.empty();
      for (const SecretUse* use : list) {
        secret.consumers.push_back(consumer_for(*use));
        const InputClass input = classify_input(use->uses, use->field);
        if (!input.cloud.empty() && credential.cloud.empty() && input.static_key) credential.cloud = input.cloud;
        if (!input.identifier) all_identifiers = false;
        if (input.static_key) secret.attributes["static_cloud_key"] = input.cloud;
      }
      credential.identifier_only = all_identifiers;
      secret.credential = credential;
      if (!list.empty() && declared == declared_.end() && reusable_workflow()) {
        secret.attributes["undeclared_in_workflow_call"] = "true";
      }

      // Metadata comments may sit above any use; all of them count.
      for (const SecretUse* use : list) {
        for (MetaEntry& entry : comment_metadata(file_, use->location.line, use->location.line)) {
          secret.comment_metadata.push_back(std::move(entry));
        }
      }
      if (declared != declared_.end()) {
        for (MetaEntry& entry : comment_metadata(file_, declared->second.line, declared->second.line)) {
          secret.comment_metadata.push_back(std::move(entry));
        }
      }
      out_.identities.push_back(std::move(secret));
    }
  }

  bool reusable_workflow() const {
    return std::find(triggers_.begin(), triggers_.end(), "workflow_call") != triggers_.end();
  }

  // Cloud logins: a step that authenticates to a cloud either with a stored key
  // (static) or through OIDC federation. Both inputs present means a static fallback.
  void logins(const std::vector<SecretUse>& uses) {
    for (const JobInfo& job : jobs_) {
      for (const StepInfo& step : job.steps) {
        const std::string action = lower(step.uses.substr(0, step.uses.find('@')));
        const YamlId with = doc_.get(step.node, "with");
        const auto input = [&](const char* name) { return std::string(trim(doc_.scalar(doc_.get(with, name)))); };
        std::string cloud, target, provider;
        bool static_key = false;
        if (action == "aws-actions/configure-aws-credentials") {
          cloud = "aws";
          target = input("role-to-assume");
          static_key = !input("aws-access-key-id").empty() || !input("aws-secret-access-key").empty();
        } else if (action == "google-github-actions/auth") {
          cloud = "gcp";
          provider = input("workload_identity_provider");
          target = input("service_account");
          static_key = !input("credentials_json").empty();
          if (target.empty()) target = provider;
        } else if (action == "google-github-actions/setup-gcloud") {
          // Versions before 1.0 accepted a key here; later ones log in through auth.
          if (input("service_account_key").empty()) continue;
          cloud = "gcp";
          static_key = true;
        } else if (action == "azure/login") {
          cloud = "azure";
          target = input("client-id");
          static_key = !input("creds").empty();
        } else {
          continue;
        }
        Observation observation;
        observation.kind = "ci-cloud-login";
        observation.details["system"] = kSystem;
        observation.subject = step.label;
        observation.location = step.location;
        observation.details["system"] = "github-actions";
        observation.details["cloud"] = cloud;
        observation.details["action"] = step.uses;
        observation.details["static"] = static_key ? "true" : "false";
        observation.details["job"] = job.id;
        if (static_key) {
          // Which stored secrets hold the key, and through which inputs.
          std::vector<std::string> secrets, inputs;
          for (const SecretUse& use : uses) {
            if (use.location.line < step.start || use.location.line > step.end) continue;
            if (!classify_input(use.uses, use.field).static_key) continue;
            if (std::find(secrets.begin(), secrets.end(), use.name) == secrets.end()) secrets.push_back(use.name);
            if (std::find(inputs.begin(), inputs.end(), use.field) == inputs.end()) inputs.push_back(use.field);
          }
          observation.details["secrets"] = join(secrets, ",");
          observation.details["inputs"] = join(inputs, ",");
          // Federation configured as well: the key is a fallback that still works.
          if (!target.empty() || !provider.empty()) observation.details["federated_too"] = "true";
        }
        out_.observations.push_back(observation);
        if (static_key || target.empty()) continue;

        // A federated login: the workflow exchanges its OIDC token for the target.
        Identity trust;
        trust.kind = IdentityKind::federated_trust;
        trust.platform = cloud;
        trust.origin = Origin::referenced;
        trust.id = "github-actions:oidc/" + cloud + "/" + target;
        trust.name = "OIDC login to " + target;
        trust.location = step.location;
        Credential credential;
        credential.long_lived = false;
        credential.federated = true;
        credential.is_static = false;
        credential.cloud = cloud;
        trust.credential = credential;
        if (!provider.empty()) trust.attributes["workload_identity_provider"] = provider;
        trust.attributes["target"] = target;
        Consumer consumer;
        consumer.name = source_.path() + ": job " + job.id + ", step " + step.label;
        consumer.kind = "ci-login";
        consumer.location = step.location;
        consumer.environment = job.environment;
        trust.consumers.push_back(consumer);
        if (!is_expression(target)) {
          std::string linked;
          if (cloud == "aws") linked = "aws:role/" + target.substr(target.rfind('/') + 1);
          if (cloud == "gcp" && target.find('@') != std::string::npos) linked = "gcp:serviceAccount/" + target;
          if (cloud == "azure") linked = "azure:client-id/" + target;
          if (!linked.empty()) trust.links.push_back({LinkType::assumes, linked, step.location});
        }
        out_.identities.push_back(std::move(trust));
      }
    }
  }

  // Static keys handed to `run` steps (or any step) as environment variables, such as
  // AWS_ACCESS_KEY_ID: ${{ secrets.X }}. The CLI and SDKs read them as a static login.
  // Env blocks at workflow, job and step level each count where they are written.
  void env_logins(YamlId root) {
    if (!action_file_) env_login(doc_.get(root, "env"), "", "");
    for (const JobInfo& job : jobs_) {
      if (!action_file_) env_login(doc_.get(job.node, "env"), job.id, job.environment);
      for (const StepInfo& step : job.steps) env_login(doc_.get(step.node, "env"), job.id, job.environment, step.label);
    }
  }

  void env_login(YamlId env, const std::string& job, const std::string& environment, const std::string& step = {}) {
    if (!doc_.is_mapping(env)) return;
    std::map<std::string, Observation> by_cloud;
    for (const YamlEntry& entry : doc_.node(env).entries) {
      const std::string variable(doc_.scalar(entry.key));
      const InputClass input = classify_input("", "env." + variable);
      if (!input.static_key) continue;
      const std::string value(trim(doc_.scalar(entry.value)));
      if (!holds_stored_key(value, action_file_)) continue;
      auto [it, inserted] = by_cloud.try_emplace(input.cloud);
      Observation& observation = it->second;
      if (inserted) {
        observation.kind = "ci-cloud-login";
        observation.subject = step;
        if (step.empty()) observation.subject = job.empty() ? "workflow env" : "job env";
        observation.location = at(entry.key);
        observation.details["system"] = "github-actions";
        observation.details["cloud"] = input.cloud;
        observation.details["static"] = "true";
        observation.details["job"] = job;
        observation.details["via"] = "env";
        if (!environment.empty()) observation.details["environment"] = environment;
      } else {
        observation.related.push_back(at(entry.key));
      }
      std::string& inputs = observation.details["inputs"];
      inputs += (inputs.empty() ? "" : ",") + ("env." + variable);
      for (const std::string& name : secret_names(value)) {
        std::string& secrets = observation.details["secrets"];
        if (!contains("," + secrets + ",", "," + name + ",")) secrets += (secrets.empty() ? "" : ",") + name;
      }
    }
    for (auto& [cloud, observation] : by_cloud) out_.observations.push_back(std::move(observation));
  }

  // Secrets given to a step that runs someone else's code: an action or a Docker image
  // (through `with` or the step's `env`), a called reusable workflow (through `secrets`),
  // or a job container or service (through its `env`). The rule decides which of them
  // are trusted; this records what is written and whether it is pinned.
  void secrets_to_actions(const std::vector<SecretUse>& uses) {
    for (const SecretUse& use : uses) {
      // The job token expires with the job and its scope is `permissions`.
      if (use.name == "GITHUB_TOKEN") continue;
      const JobInfo* job = job_at(use.location.line);
      if (!job) continue;
      std::string target, kind, field = use.field;
      if (!use.uses.empty() && (starts_with(use.field, "with.") || starts_with(use.field, "env."))) {
        target = use.uses;
        kind = starts_with(target, "docker://") ? "docker" : "action";
      } else if (use.step.empty() && starts_with(use.field, "secrets.")) {
        target = std::string(trim(doc_.scalar(doc_.get(job->node, "uses"))));
        kind = "workflow";
      } else if (use.step.empty() && (use.field == "container" || use.field == "services")) {
        if (!container_with_secret(job->node, use.location.line, target, field)) continue;
        kind = "container";
      }
      if (target.empty()) continue;

      Observation observation;
      observation.kind = "ci-secret-to-third-party";
      observation.subject = target;
      observation.location = use.location;
      observation.details["system"] = "github-actions";
      observation.details["job"] = use.job;
      observation.details["step"] = use.step;
      observation.details["secret"] = use.name;
      observation.details["field"] = field;
      observation.details["target_kind"] = kind;
      observation.details["target"] = target;
      observation.details["local"] = starts_with(target, "./") ? "true" : "false";
      observation.details["pinned"] = is_pinned(target, kind) ? "true" : "false";
      // A secret used only to name something (a provider, an account, a tenant)
      // contains no secret material.
      observation.details["identifier"] = is_identifier_input(use) ? "true" : "false";
      if (kind == "action" || kind == "workflow") observation.details["owner"] = lower(target.substr(0, target.find('/')));
      out_.observations.push_back(std::move(observation));
    }
  }

  static bool is_identifier_input(const SecretUse& use) {
    if (classify_input(use.uses, use.field).identifier) return true;
    const std::string name = lower(use.field.substr(use.field.find('.') + 1));
    for (const char* suffix : {"username", "_user", "email", "base_url", "region"}) {
      if (ends_with(name, suffix)) return true;
    }
    static const char* const kNames[] = {"username", "user", "email", "region", "project_id", "project",
                                         "account_id", "client-id", "client_id", "tenant-id", "tenant_id",
                                         "subscription-id", "subscription_id", "audience", "workload_identity_provider",
                                         "service_account"};
    for (const char* known : kNames) {
      if (name == known) return true;
    }
    return false;
  }

  /// Checks whether `line` lies in the `env` of the job's container or of one of its services;
  /// sets the image and the field ("container.env.X", "services.NAME.env.X").
  bool container_with_secret(YamlId job, uint32_t line, std::string& image, std::string& field) const {
    const auto check = [&](YamlId container, const std::string& prefix) {
      if (!doc_.is_mapping(container)) return false;
      const YamlId env = doc_.get(container, "env");
      if (!doc_.is_mapping(env)) return false;
      for (const YamlEntry& entry : doc_.node(env).entries) {
        const uint32_t start = doc_.node(entry.key).line;
        if (line < start || line > std::max(doc_.node(entry.value).end_line, start)) continue;
        image = std::string(trim(doc_.scalar(doc_.get(container, "image"))));
        field = prefix + ".env." + std::string(doc_.scalar(entry.key));
        return !image.empty();
      }
      return false;
    };
    if (check(doc_.get(job, "container"), "container")) return true;
    const YamlId services = doc_.get(job, "services");
    if (!doc_.is_mapping(services)) return false;
    for (const YamlEntry& service : doc_.node(services).entries) {
      if (check(service.value, "services." + std::string(doc_.scalar(service.key)))) return true;
    }
    return false;
  }

  // Literal values under secret-named keys of `env` (workflow, job, step, job container,
  // services) and step `with` inputs, such as `API_TOKEN: 8f3kq...` where
  // `${{ secrets.API_TOKEN }}` belongs.
  void literal_secrets(YamlId root) {
    if (!action_file_) literal_map(doc_.get(root, "env"), "env");
    for (const JobInfo& job : jobs_) {
      if (!action_file_) {
        literal_map(doc_.get(job.node, "env"), "jobs." + job.id + ".env");
        literal_map(doc_.path(job.node, {"container", "env"}), "jobs." + job.id + ".container.env");
        const YamlId services = doc_.get(job.node, "services");
        if (doc_.is_mapping(services)) {
          for (const YamlEntry& service : doc_.node(services).entries) {
            literal_map(doc_.get(service.value, "env"),
                        "jobs." + job.id + ".services." + std::string(doc_.scalar(service.key)) + ".env");
          }
        }
      }
      for (const StepInfo& step : job.steps) {
        literal_map(doc_.get(step.node, "env"), "step '" + step.label + "' env");
        literal_map(doc_.get(step.node, "with"), "step '" + step.label + "' with");
      }
    }
  }

  void literal_map(YamlId map, const std::string& where) {
    if (!doc_.is_mapping(map)) return;
    for (const YamlEntry& entry : doc_.node(map).entries) {
      if (!doc_.is_scalar(entry.value)) continue;
      const std::string key(doc_.scalar(entry.key));
      const std::string_view value = doc_.scalar(entry.value);
      if (contains(value, "${{")) continue;
      const std::string detector = classify_secret_literal(key, value);
      if (detector.empty()) continue;
      const YamlNode& node = doc_.node(entry.value);
      const Location location = source_.location(node.line, node.column, node.line, 0);
      Identity& secret = add_literal_secret(out_, "literal:" + source_.path() + "#" + where + "." + key, "github",
                                            key + " in " + source_.path(), location);
      secret.hardcoded.push_back(hardcoded_value(location, where + "." + key, detector, value));
    }
  }

  // A composite action receives secrets through its inputs, so the caller's secret is
  // used wherever the action's steps use the input. Inputs named like credentials, and
  // inputs that the steps pass on as a cloud key, are recorded with those uses.
  void action_inputs(YamlId root) {
    if (!action_file_) return;
    const YamlId inputs = doc_.get(root, "inputs");
    if (!doc_.is_mapping(inputs)) return;
    const std::string path = source_.path();
    const std::string directory = path.find('/') == std::string::npos ? std::string(".") : path.substr(0, path.rfind('/'));
    for (const YamlEntry& entry : doc_.node(inputs).entries) {
      const std::string name(doc_.scalar(entry.key));
      std::string cloud;
      std::vector<const SecretUse*> list;
      for (const SecretUse& use : input_uses_) {
        if (use.name != name) continue;
        list.push_back(&use);
        const InputClass input = classify_input(use.uses, use.field);
        if (input.static_key && cloud.empty()) cloud = input.cloud;
      }
      if (!is_credential_variable_name(name) && cloud.empty()) continue;

      Identity input;
      input.id = "github-actions:action-input/" + directory + "/" + name;
      input.kind = IdentityKind::ci_secret;
      input.platform = "github";
      input.name = name + " (input of " + path + ")";
      input.origin = Origin::referenced;
      input.location = at(entry.key);
      input.attributes["action"] = path;
      input.attributes["input"] = name;
      Credential credential;
      credential.cloud = cloud;
      input.credential = credential;
      if (!cloud.empty()) input.attributes["static_cloud_key"] = cloud;
      for (const SecretUse* use : list) input.consumers.push_back(consumer_for(*use));
      out_.identities.push_back(std::move(input));
    }
  }

  // `secrets: inherit` hands every secret the caller can see to the called workflow.
  void inherited_secrets() {
    for (const JobInfo& job : jobs_) {
      const YamlId secrets = doc_.get(job.node, "secrets");
      if (doc_.scalar(secrets) != "inherit") continue;
      Observation observation;
      observation.kind = "ci-secrets-inherit";
      observation.details["system"] = kSystem;
      observation.subject = job.id;
      observation.location = at(secrets);
      observation.details["uses"] = std::string(doc_.scalar(doc_.get(job.node, "uses")));
      out_.observations.push_back(std::move(observation));
    }
  }

  const FileView& file_;
  const SourceText& source_;
  const YamlDocument& doc_;
  ExtractOutput& out_;
  bool action_file_;
  std::vector<JobInfo> jobs_;
  std::vector<std::string> triggers_;
  std::map<std::string, Location> declared_;
  std::vector<Location> all_secret_locations_;
  std::vector<SecretUse> input_uses_;  // `inputs.NAME` in an action's steps
};

}  // namespace

void extract_github_workflow(const FileView& file, const std::vector<YamlDocument>& documents, ExtractOutput& out) {
  for (const YamlDocument& document : documents) WorkflowExtractor(file, document, out, false).run();
}

void extract_github_action(const FileView& file, const std::vector<YamlDocument>& documents, ExtractOutput& out) {
  for (const YamlDocument& document : documents) WorkflowExtractor(file, document, out, true).run();
}

}  // namespace nhiscan
