#include "scanner/extract/circleci.h"

#include <cctype>
#include <set>

#include "scanner/extract/ci_common.h"
#include "scanner/text.h"

namespace nhiscan {

namespace {

constexpr const char* kSystem = "circleci";

struct Step {
  YamlId node = kNoYamlNode;  // the item of a `steps` list
  Location location;
  std::string label;
  std::string orb;      // orb name of an orb command, e.g. "aws-cli"
  std::string command;  // command of an orb or of `commands:`, e.g. "setup"
  Reach reach;
};

struct Job {
  std::string name;
  YamlId node = kNoYamlNode;
  Location location;
  Reach reach;  // the job, the executor it names and the commands it runs
  std::vector<Step> steps;
  std::set<std::string> environment;  // variables its `environment` maps define
};

/// Check whether a parameter value names an environment variable instead of expanding
/// it, as in an orb parameter `aws_access_key_id: PROD_AWS_KEY`.
bool is_variable_name(std::string_view text) {
  if (text.empty() || !(std::isalpha(static_cast<unsigned char>(text.front())) || text.front() == '_')) return false;
  for (const char c : text) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  }
  return true;
}

class CircleExtractor {
 public:
  CircleExtractor(const FileView& file, const YamlDocument& document, ExtractOutput& out)
      : file_(file), source_(*file.source), doc_(document), out_(out), secrets_("circleci:variable/", "circleci") {}

  void run() {
    const YamlId root = doc_.root;
    if (!doc_.is_mapping(root)) return;
    commands_ = doc_.get(root, "commands");
    executors_ = doc_.get(root, "executors");
    read_orbs(doc_.get(root, "orbs"));
    read_jobs(doc_.get(root, "jobs"));

    std::vector<TextReference> references = find_variable_references(file_, doc_, ReferenceSyntax::shell);
    add_named_references(references);
    for (Job& job : jobs_) read_job(job, references);
    read_unreached(references);
    contexts(doc_.get(root, "workflows"));
    literal_environment();
    oidc_token();
    secrets_.flush(out_);
  }

 private:
  Location at(YamlId id) const { return source_.location(doc_.node(id).line, doc_.node(id).column); }

  // `orbs: {aws: circleci/aws-cli@4.1}` makes `aws/setup` a command of the aws-cli orb.
  void read_orbs(YamlId orbs) {
    if (!doc_.is_mapping(orbs)) return;
    for (const YamlEntry& entry : doc_.node(orbs).entries) {
      std::string reference(doc_.scalar(entry.value));
      reference = reference.substr(0, reference.find('@'));
      orb_names_[std::string(doc_.scalar(entry.key))] = reference.substr(reference.find('/') + 1);
    }
  }

  YamlId command_node(const std::string& name) const { return doc_.get(commands_, name); }

  void read_jobs(YamlId jobs) {
    if (!doc_.is_mapping(jobs)) return;
    for (const YamlEntry& entry : doc_.node(jobs).entries) {
      if (!doc_.is_mapping(entry.value)) continue;
      Job job;
      job.name = std::string(doc_.scalar(entry.key));
      job.node = entry.value;
      job.location = at(entry.key);
      add_reach(doc_, entry.value, job.reach);
      YamlId executor = doc_.get(entry.value, "executor");
      if (doc_.is_mapping(executor)) executor = doc_.get(executor, "name");
      if (doc_.is_scalar(executor)) add_reach(doc_, doc_.get(executors_, doc_.node(executor).value), job.reach);
      std::set<std::string> expanding;
      read_steps(doc_.get(entry.value, "steps"), job, "", expanding);
      for (YamlId id = 0; id < doc_.nodes.size(); ++id) {
        if (!job.reach.contains(id)) continue;
        const YamlId environment = doc_.get(id, "environment");
        if (!doc_.is_mapping(environment)) continue;
        for (const YamlEntry& variable : doc_.node(environment).entries) job.environment.emplace(doc_.scalar(variable.key));
      }
      jobs_.push_back(std::move(job));
    }
  }

  // Steps of a job, with the steps of the reusable commands it runs expanded in place
  // (a command that calls itself is expanded once).
  void read_steps(YamlId steps, Job& job, const std::string& prefix, std::set<std::string>& expanding) {
    if (!doc_.is_sequence(steps)) return;
    for (const YamlId item : doc_.node(steps).items) {
      std::string key;
      YamlId body = kNoYamlNode;
      if (doc_.is_scalar(item)) {
        key = doc_.node(item).value;
      } else if (doc_.is_mapping(item) && !doc_.node(item).entries.empty()) {
        key = doc_.node(doc_.node(item).entries.front().key).value;
        body = doc_.node(item).entries.front().value;
      } else {
        continue;
      }
      if (key == "when" || key == "unless") {
        read_steps(doc_.get(body, "steps"), job, prefix, expanding);
        continue;
      }

      Step step;
      step.node = item;
      step.location = at(item);
      step.label = prefix + key;
      if (key == "run" && doc_.is_mapping(body) && !doc_.scalar(doc_.get(body, "name")).empty()) {
        step.label = prefix + std::string(doc_.scalar(doc_.get(body, "name")));
      }
      const std::size_t slash = key.find('/');
      if (slash != std::string::npos) {
        const std::string alias = key.substr(0, slash);
        const auto orb = orb_names_.find(alias);
        step.orb = orb != orb_names_.end() ? orb->second : alias;
        step.command = key.substr(slash + 1);
      }
      add_reach(doc_, item, step.reach);
      job.steps.push_back(std::move(step));

      const YamlId command = command_node(key);
      if (command != kNoYamlNode && expanding.insert(key).second) {
        add_reach(doc_, command, job.reach);
        read_steps(doc_.get(command, "steps"), job, prefix + key + " > ", expanding);
        expanding.erase(key);
      }
    }
  }

  // Environment variables named without `$`: parameters of type env_var_name (their
  // default is a variable name) and orb parameters that take a key's variable name.
  void add_named_references(std::vector<TextReference>& references) {
    const auto add = [&](YamlId value) {
      if (!doc_.is_scalar(value) || !is_variable_name(doc_.node(value).value)) return;
      TextReference reference;
      reference.name = doc_.node(value).value;
      reference.line = doc_.node(value).line;
      reference.column = doc_.node(value).column;
      reference.location = at(value);
      reference.node = value;
      references.push_back(std::move(reference));
    };
    doc_.walk([&](YamlId id) {
      if (doc_.scalar(doc_.get(id, "type")) == "env_var_name") add(doc_.get(id, "default"));
    });
    for (const Job& job : jobs_) {
      for (const Step& step : job.steps) {
        if (step.orb.empty()) continue;
        const YamlId parameters = orb_parameters(step);
        if (!doc_.is_mapping(parameters)) continue;
        for (const YamlEntry& entry : doc_.node(parameters).entries) {
          if (classify_cloud_variable(replace_all(std::string(doc_.scalar(entry.key)), "-", "_")).static_key) add(entry.value);
        }
      }
    }
  }

  /// Returns the parameters of an orb step, or kNoYamlNode for a step written as a bare
  /// name (`- aws-cli/setup`), which passes none.
  YamlId orb_parameters(const Step& step) const {
    if (!doc_.is_mapping(step.node) || doc_.node(step.node).entries.empty()) return kNoYamlNode;
    return doc_.node(step.node).entries.front().value;
  }

  CiContext context_for(const Job& job, const Step* step) const {
    CiContext context;
    context.system = kSystem;
    context.platform = "circleci";
    context.job = job.name;
    context.consumer = source_.path() + ": job " + job.name + (step ? ", step " + step->label : "");
    context.consumer_kind = step ? "ci-step" : "ci-job";
    context.location = step ? step->location : job.location;
    return context;
  }

  void read_job(const Job& job, const std::vector<TextReference>& references) {
    std::map<const Step*, CloudLogins> step_logins;
    CloudLogins job_logins;

    for (const TextReference& reference : references) {
      if (!job.reach.contains(reference.node)) continue;
      reached_.insert(reference.node);
      const Step* step = nullptr;
      for (const Step& candidate : job.steps) {
        if (candidate.reach.contains(reference.node)) step = &candidate;
      }
      CloudLogins& logins = step ? step_logins[step] : job_logins;
      if (reference.name == "CIRCLE_OIDC_TOKEN" || reference.name == "CIRCLE_OIDC_TOKEN_V2") {
        oidc_uses_.push_back(ci_consumer(context_for(job, step), reference.location, "", 0, source_));
        continue;
      }
      if (starts_with(reference.name, "CIRCLE") || job.environment.count(reference.name)) continue;

      // A value set under `environment` or passed to an orb parameter is classified by
      // the name it is assigned to as much as by its own name.
      std::vector<std::string> path = key_path(doc_, step ? step->node : job.node, reference.node);
      if (path.empty()) path = key_path(doc_, doc_.root, reference.node);
      std::string target;
      if (path.size() >= 2 && (path[path.size() - 2] == "environment" || contains(path[path.size() - 2], "/"))) {
        target = replace_all(path.back(), "-", "_");
      }
      CloudVariable cloud = classify_cloud_variable(target);
      if (cloud.cloud.empty()) cloud = classify_cloud_variable(reference.name);
      if (!is_credential_variable_name(reference.name) && !cloud.static_key) continue;

      Identity& secret = secrets_.use(reference.name, reference.location, file_);
      secret.consumers.push_back(ci_consumer(context_for(job, step), reference.location, join(path, "."),
                                             job.reach.merge_line[reference.node], source_));
      if (cloud.static_key) {
        mark_static_cloud_key(secret, cloud.cloud);
        CloudLogin& login = logins.cloud(cloud.cloud);
        login.static_key = true;
        login.evidence.push_back(reference.location);
      }
    }

    for (const Step& step : job.steps) {
      CloudLogins& logins = step_logins[&step];
      for (YamlId id = 0; id < doc_.nodes.size(); ++id) {
        if (step.reach.contains(id) && doc_.is_scalar(id)) logins.add_script(doc_.node(id).value, at(id));
      }
      read_orb_login(step, logins);
    }
    for (const Step& step : job.steps) emit_cloud_logins(step_logins[&step], context_for(job, &step), out_);
    emit_cloud_logins(job_logins, context_for(job, nullptr), out_);
  }

  // Orb commands that configure cloud credentials. aws-cli/setup assumes a role through
  // OIDC when given role_arn (role-arn before orb 4) and otherwise configures the key
  // variables of the environment (aws-cli orb 3.1.0 release notes). gcp-cli/setup takes
  // `use_oidc` or a key variable, and azure-cli logs in with a service principal's password.
  void read_orb_login(const Step& step, CloudLogins& logins) {
    if (step.orb.empty()) return;
    const YamlId parameters = orb_parameters(step);
    const auto parameter = [&](std::initializer_list<const char*> names) -> YamlId {
      for (const char* name : names) {
        const YamlId value = doc_.get(parameters, name);
        if (value != kNoYamlNode) return value;
      }
      return kNoYamlNode;
    };
    bool keys = false;
    if (doc_.is_mapping(parameters)) {
      for (const YamlEntry& entry : doc_.node(parameters).entries) {
        keys = keys || classify_cloud_variable(replace_all(std::string(doc_.scalar(entry.key)), "-", "_")).static_key;
      }
    }

    if (starts_with(step.orb, "aws-")) {
      const YamlId role = parameter({"role_arn", "role-arn"});
      if (role == kNoYamlNode && !keys && step.command != "setup") return;
      CloudLogin& login = logins.cloud("aws");
      login.details["orb"] = step.orb + "/" + step.command;
      login.evidence.push_back(step.location);
      if (role != kNoYamlNode) {
        login.federated = true;
        login.target = std::string(trim(doc_.scalar(role)));
      }
      if (keys || role == kNoYamlNode) login.static_key = true;
    } else if (step.orb == "gcp-cli" || starts_with(step.orb, "gcp-")) {
      if (step.command != "setup" && step.command != "initialize" && step.command != "gcr-auth") return;
      CloudLogin& login = logins.cloud("gcp");
      login.details["orb"] = step.orb + "/" + step.command;
      login.evidence.push_back(step.location);
      if (doc_.boolean(parameter({"use_oidc", "use-oidc"})).value_or(false)) {
        login.federated = true;
        login.target = std::string(trim(doc_.scalar(parameter({"service_account_email", "service-account-email"}))));
      } else {
        login.static_key = true;
      }
    } else if (step.orb == "azure-cli" && starts_with(step.command, "login")) {
      CloudLogin& login = logins.cloud("azure");
      login.details["orb"] = step.orb + "/" + step.command;
      login.evidence.push_back(step.location);
      if (contains(step.command, "oidc") || contains(step.command, "federated")) {
        login.federated = true;
      } else {
        login.static_key = true;
      }
    }
  }

  // Secrets named outside every job: in a command or an anchored block that no job of
  // this file uses, such as the commands of an orb-like library file.
  void read_unreached(const std::vector<TextReference>& references) {
    for (const TextReference& reference : references) {
      if (reference.node == kNoYamlNode || reached_.count(reference.node)) continue;
      if (starts_with(reference.name, "CIRCLE") || !is_credential_variable_name(reference.name)) continue;
      const std::vector<std::string> path = key_path(doc_, doc_.root, reference.node);
      if (path.empty()) continue;
      CiContext context;
      context.system = kSystem;
      context.platform = "circleci";
      context.job = path.size() >= 2 && (path[0] == "commands" || path[0] == "jobs") ? path[1] : path[0];
      context.consumer = source_.path() + ": definition " + context.job;
      context.consumer_kind = "ci-template";
      Identity& secret = secrets_.use(reference.name, reference.location, file_);
      secret.consumers.push_back(ci_consumer(context, reference.location, join(path, "."), 0, source_));
      const CloudVariable cloud = classify_cloud_variable(reference.name);
      if (cloud.static_key) mark_static_cloud_key(secret, cloud.cloud);
    }
  }

  // A context is a named set of environment variables kept by CircleCI, and a workflow
  // gives it to a job with `context:`.
  void contexts(YamlId workflows) {
    if (!doc_.is_mapping(workflows)) return;
    std::map<std::string, Identity> found;
    for (const YamlEntry& workflow : doc_.node(workflows).entries) {
      const YamlId jobs = doc_.get(workflow.value, "jobs");
      if (!doc_.is_sequence(jobs)) continue;
      for (const YamlId item : doc_.node(jobs).items) {
        if (!doc_.is_mapping(item) || doc_.node(item).entries.empty()) continue;
        const YamlEntry& job = doc_.node(item).entries.front();
        std::string name(doc_.scalar(doc_.get(job.value, "name")));
        if (name.empty()) name = doc_.node(job.key).value;
        YamlId context = doc_.get(job.value, "context");
        std::vector<YamlId> names;
        if (doc_.is_scalar(context)) names.push_back(context);
        if (doc_.is_sequence(context)) names = doc_.node(context).items;
        for (const YamlId value : names) {
          const std::string context_name(trim(doc_.scalar(value)));
          if (context_name.empty() || is_expression(context_name)) continue;
          auto [it, inserted] = found.try_emplace(context_name);
          if (inserted) {
            it->second = ci_secret_identity("circleci:context/" + context_name, "circleci", context_name, at(value));
            it->second.attributes["context"] = "true";
          }
          for (MetaEntry& entry : comment_metadata(file_, doc_.node(value).line, doc_.node(value).line)) {
            it->second.comment_metadata.push_back(std::move(entry));
          }
          CiContext consumer;
          consumer.system = kSystem;
          consumer.consumer = source_.path() + ": workflow " + std::string(doc_.scalar(workflow.key)) + ", job " + name;
          it->second.consumers.push_back(ci_consumer(consumer, at(value), "context", 0, source_));
        }
      }
    }
    for (auto& [name, identity] : found) out_.identities.push_back(std::move(identity));
  }

  void literal_environment() {
    doc_.walk([&](YamlId id) {
      const YamlId environment = doc_.get(id, "environment");
      if (!doc_.is_mapping(environment) || !literal_maps_.insert(environment).second) return;
      for (const YamlEntry& entry : doc_.node(environment).entries) {
        const std::string name(doc_.scalar(entry.key));
        const std::string_view value = doc_.scalar(entry.value);
        const std::string detector = detect_literal_secret(name, value);
        if (detector.empty()) continue;
        out_.identities.push_back(literal_secret_identity("circleci:literal/" + source_.path() + "/" + name, "circleci",
                                                          name, at(entry.value), "environment." + name, detector, value));
      }
    });
  }

  // CircleCI signs an OIDC token for every job ($CIRCLE_OIDC_TOKEN). Its `exp` is one
  // hour after issue, according to CircleCI's OpenID Connect tokens documentation.
  void oidc_token() {
    if (oidc_uses_.empty()) return;
    Identity token = per_run_token("circleci:oidc-token/" + source_.path(), IdentityKind::token, "circleci",
                                   "OIDC token of " + source_.path(), oidc_uses_.front().location, true);
    token.consumers = oidc_uses_;
    out_.identities.push_back(std::move(token));
  }

  const FileView& file_;
  const SourceText& source_;
  const YamlDocument& doc_;
  ExtractOutput& out_;
  CiSecrets secrets_;
  YamlId commands_ = kNoYamlNode;
  YamlId executors_ = kNoYamlNode;
  std::map<std::string, std::string> orb_names_;  // alias -> orb name
  std::vector<Job> jobs_;
  std::set<YamlId> reached_;
  std::set<YamlId> literal_maps_;
  std::vector<Consumer> oidc_uses_;
};

}  // namespace

void extract_circleci(const FileView& file, const std::vector<YamlDocument>& documents, ExtractOutput& out) {
  for (const YamlDocument& document : documents) CircleExtractor(file, document, out).run();
}

}  // namespace nhiscan
