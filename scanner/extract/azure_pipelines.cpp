#include "scanner/extract/azure_pipelines.h"

#include <regex>
#include <set>

#include "scanner/extract/ci_common.h"
#include "scanner/regex.h"
#include "scanner/text.h"

namespace nhiscan {

namespace {

constexpr const char* kSystem = "azure-pipelines";

// Keys that make a mapping in a `steps` list a step.
const std::set<std::string, std::less<>> kStepKeys = {
    "task",    "script",        "bash",       "pwsh",         "powershell",   "checkout", "download",
    "publish", "downloadBuild", "getPackage", "reviewApp",    "restoreCache", "template"};

struct ConnectionInput {
  const char* input;  // lower case
  const char* type;
  const char* cloud;  // empty when the connection is no cloud login
};

// Task inputs that name a service connection. Whether an Azure Resource Manager
// connection uses a client secret or workload identity federation is configured in
// Azure DevOps, not in the pipeline.
const ConnectionInput kConnectionInputs[] = {
    {"azuresubscription", "azure-resource-manager", "azure"},
    {"azuresubscriptionendpoint", "azure-resource-manager", "azure"},
    {"azureresourcemanagerconnection", "azure-resource-manager", "azure"},
    {"connectedservicename", "azure-resource-manager", "azure"},
    {"connectedservicenamearm", "azure-resource-manager", "azure"},
    {"environmentservicenameazurerm", "azure-resource-manager", "azure"},
    {"backendservicearm", "azure-resource-manager", "azure"},
    {"awscredentials", "aws", "aws"},
    {"containerregistry", "docker-registry", ""},
    {"dockerregistryserviceconnection", "docker-registry", ""},
    {"kubernetesserviceconnection", "kubernetes", ""},
    {"kubernetesserviceendpoint", "kubernetes", ""},
    {"githubconnection", "github", ""},
    {"gitconnection", "git", ""},
    {"sshendpoint", "ssh", ""},
    {"externalfeedcredentials", "package-feed", ""},
    {"publishfeedcredentials", "package-feed", ""},
    {"serviceconnection", "generic", ""},
};

const ConnectionInput* connection_input(std::string_view input) {
  const std::string key = lower(input);
  for (const ConnectionInput& candidate : kConnectionInputs) {
    if (key == candidate.input) return &candidate;
  }
  return nullptr;
}

enum class ListKind { none, stages, jobs, steps };

struct Context {
  int job = -1;
  int step = -1;
};

struct Job {
  std::string name;
  Location location;
  std::string environment;
};

struct Step {
  YamlId node = kNoYamlNode;
  int job = -1;
  std::string label;
  std::string task;  // e.g. "AzureCLI@2"
  Location location;
};

bool only_expression_keys(const YamlDocument& doc, YamlId id) {
  const YamlNode& node = doc.node(id);
  if (node.entries.empty()) return false;
  for (const YamlEntry& entry : node.entries) {
    if (!starts_with(trim(doc.scalar(entry.key)), "${{")) return false;
  }
  return true;
}

bool has_any_key(const YamlDocument& doc, YamlId id, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    if (doc.entry(id, key)) return true;
  }
  return false;
}

/// Items of a `variables` list, with those under `${{ if }}` and `${{ each }}` keys.
void list_items(const YamlDocument& doc, YamlId list, std::vector<YamlId>& items, int depth = 0) {
  if (!doc.is_sequence(list) || depth > 8) return;
  for (const YamlId item : doc.node(list).items) {
    if (doc.is_mapping(item) && only_expression_keys(doc, item)) {
      for (const YamlEntry& entry : doc.node(item).entries) list_items(doc, entry.value, items, depth + 1);
    } else {
      items.push_back(item);
    }
  }
}

class AzureExtractor {
 public:
  AzureExtractor(const FileView& file, const YamlDocument& document, ExtractOutput& out)
      : file_(file), source_(*file.source), doc_(document), out_(out), secrets_("azure-pipelines:variable/", "azure-devops") {}

  void run() {
    if (!doc_.is_mapping(doc_.root)) return;
    contexts_.assign(doc_.nodes.size(), Context{});
    visited_.assign(doc_.nodes.size(), false);
    walk(doc_.root, ListKind::none, -1, -1);
    step_logins_.resize(steps_.size());
    job_logins_.resize(jobs_.size() + 1);

    read_defined_variables();
    read_secure_files();
    read_references();
    read_connections();
    read_variable_groups();
    read_literal_variables();
    for (std::size_t s = 0; s < steps_.size(); ++s) read_step_scripts(static_cast<int>(s));
    for (std::size_t s = 0; s < steps_.size(); ++s) {
      emit_cloud_logins(step_logins_[s], context_for(steps_[s].job, static_cast<int>(s)), out_);
    }
    for (std::size_t j = 0; j < jobs_.size(); ++j) {
      emit_cloud_logins(job_logins_[j], context_for(static_cast<int>(j), -1), out_);
    }
    access_token();
    for (auto& [id, identity] : others_) out_.identities.push_back(std::move(identity));
    secrets_.flush(out_);
  }

 private:
  Location at(YamlId id) const { return source_.location(doc_.node(id).line, doc_.node(id).column); }

  // Records, for every node, the job and step it belongs to. The key of a list names
  // what it contains (`stages`, `jobs`, `steps`), and a `${{ if }}` or `${{ each }}` key
  // keeps the meaning of the list it sits in.
  void walk(YamlId id, ListKind list, int job, int step) {
    if (id == kNoYamlNode || visited_[id]) return;
    visited_[id] = true;
    contexts_[id] = {job, step};
    const YamlNode& node = doc_.node(id);
    if (node.type == YamlNode::Type::sequence) {
      for (const YamlId item : node.items) {
        if (list == ListKind::none || !doc_.is_mapping(item) || only_expression_keys(doc_, item)) {
          walk(item, list, job, step);
        } else if (list == ListKind::steps) {
          const int parent = job >= 0 ? job : implicit_job();
          const int added = add_step(item, parent);
          walk(item, ListKind::none, parent, added);
        } else if (list == ListKind::jobs && has_any_key(doc_, item, {"job", "deployment", "template"})) {
          walk(item, ListKind::none, add_job(item), -1);
        } else {
          walk(item, ListKind::none, job, step);
        }
      }
      return;
    }
    for (const YamlEntry& entry : node.entries) {
      if (!visited_[entry.key]) {
        visited_[entry.key] = true;
        contexts_[entry.key] = {job, step};
      }
      const std::string_view key = doc_.scalar(entry.key);
      ListKind child = ListKind::none;
      if (key == "steps") child = ListKind::steps;
      if (key == "jobs") child = ListKind::jobs;
      if (key == "stages") child = ListKind::stages;
      if (starts_with(trim(key), "${{")) child = list;
      walk(entry.value, child, job, step);
    }
  }

  int implicit_job() {
    if (implicit_job_ < 0) {
      implicit_job_ = static_cast<int>(jobs_.size());
      jobs_.push_back({"(pipeline)", at(doc_.root), ""});
    }
    return implicit_job_;
  }

  int add_job(YamlId item) {
    Job job;
    std::string name;
    if (doc_.entry(item, "job") || doc_.entry(item, "deployment")) {
      name = std::string(doc_.scalar(doc_.get(item, doc_.entry(item, "job") ? "job" : "deployment")));
      if (name.empty()) name = "(unnamed job at line " + std::to_string(doc_.node(item).line) + ")";
    } else {
      name = "template " + std::string(doc_.scalar(doc_.get(item, "template")));
    }
    job.name = name;
    job.location = at(item);
    const YamlId environment = doc_.get(item, "environment");
    job.environment = std::string(doc_.is_mapping(environment) ? doc_.scalar(doc_.get(environment, "name"))
                                                                : doc_.scalar(environment));
    jobs_.push_back(std::move(job));
    return static_cast<int>(jobs_.size()) - 1;
  }

  int add_step(YamlId item, int job) {
    Step step;
    step.node = item;
    step.job = job;
    step.location = at(item);
    step.task = std::string(doc_.scalar(doc_.get(item, "task")));
    step.label = std::string(doc_.scalar(doc_.get(item, "displayName")));
    if (step.label.empty()) step.label = std::string(doc_.scalar(doc_.get(item, "name")));
    if (step.label.empty()) step.label = step.task;
    if (step.label.empty()) {
      for (const YamlEntry& entry : doc_.node(item).entries) {
        const std::string key(doc_.scalar(entry.key));
        if (kStepKeys.count(key)) {
          step.label = key == "template" ? "template " + std::string(doc_.scalar(entry.value)) : key;
          break;
        }
      }
    }
    if (step.label.empty()) step.label = "step at line " + std::to_string(step.location.line);
    steps_.push_back(std::move(step));
    return static_cast<int>(steps_.size()) - 1;
  }

  CiContext context_for(int job, int step) const {
    CiContext context;
    context.system = kSystem;
    context.platform = "azure-devops";
    const Job* owner = job >= 0 && job < static_cast<int>(jobs_.size()) ? &jobs_[job] : nullptr;
    context.job = owner ? owner->name : "(pipeline)";
    context.environment = owner ? owner->environment : "";
    context.consumer = source_.path() + ": job " + context.job;
    context.location = owner ? owner->location : at(doc_.root);
    if (step >= 0) {
      context.consumer += ", step " + steps_[step].label;
      context.consumer_kind = "ci-step";
      context.location = steps_[step].location;
    }
    return context;
  }

  CloudLogins& logins_for(const Context& context) {
    if (context.step >= 0) return step_logins_[context.step];
    return job_logins_[context.job >= 0 ? context.job : jobs_.size()];
  }

  // Variables the pipeline defines itself (mapping or list form, matrix legs,
  // task.setvariable in scripts) are no stored secrets. Azure variable names are case
  // insensitive.
  void read_defined_variables() {
    static const std::regex kSetVariable(R"(task\.setvariable\s+variable=([^;\]\s]+))", kRegexSyntax);
    doc_.walk([&](YamlId id) {
      const YamlNode& node = doc_.node(id);
      if (node.type == YamlNode::Type::scalar && contains(node.value, "setvariable")) {
        for (auto it = std::sregex_iterator(node.value.begin(), node.value.end(), kSetVariable);
             it != std::sregex_iterator(); ++it) {
          defined_.insert(lower((*it)[1].str()));
        }
      }
      const YamlId variables = doc_.get(id, "variables");
      if (doc_.is_mapping(variables)) {
        for (const YamlEntry& entry : doc_.node(variables).entries) defined_.insert(lower(doc_.scalar(entry.key)));
      } else if (doc_.is_sequence(variables)) {
        std::vector<YamlId> items;
        list_items(doc_, variables, items);
        for (const YamlId item : items) {
          const std::string name(doc_.scalar(doc_.get(item, "name")));
          if (!name.empty()) defined_.insert(lower(name));
        }
      }
      const YamlId matrix = doc_.get(id, "matrix");
      if (doc_.is_mapping(matrix)) {
        for (const YamlEntry& leg : doc_.node(matrix).entries) {
          if (!doc_.is_mapping(leg.value)) continue;
          for (const YamlEntry& entry : doc_.node(leg.value).entries) defined_.insert(lower(doc_.scalar(entry.key)));
        }
      }
    });
  }

  // DownloadSecureFile and the tasks that install certificates, SSH keys and signing
  // keys take a secure file from the pipeline library.
  void read_secure_files() {
    for (std::size_t s = 0; s < steps_.size(); ++s) {
      const Step& step = steps_[s];
      const YamlId inputs = doc_.get(step.node, "inputs");
      if (!doc_.is_mapping(inputs)) continue;
      for (const YamlEntry& entry : doc_.node(inputs).entries) {
        const std::string key = lower(doc_.scalar(entry.key));
        if (key != "securefile" && !ends_with(key, "securefile") && !ends_with(key, "keystorefile")) continue;
        const std::string name(trim(doc_.scalar(entry.value)));
        if (name.empty() || is_expression(name)) continue;
        Identity& file = secure_file(name, at(entry.value));
        file.consumers.push_back(ci_consumer(context_for(step.job, static_cast<int>(s)), at(entry.value),
                                             "inputs." + std::string(doc_.scalar(entry.key)), 0, source_));
        const std::string reference(doc_.scalar(doc_.get(step.node, "name")));
        if (!reference.empty()) secure_file_steps_[lower(reference)] = name;
      }
    }
  }

  Identity& secure_file(const std::string& name, const Location& where) {
    const std::string id = "azure-pipelines:secure-file/" + name;
    auto [it, inserted] = others_.try_emplace(id);
    if (inserted) {
      it->second = ci_secret_identity(id, "azure-devops", name, where);
      it->second.attributes["secure_file"] = "true";
      it->second.comment_metadata = comment_metadata(file_, where.line, where.line);
    }
    return it->second;
  }

  void read_references() {
    for (const TextReference& reference : find_variable_references(file_, doc_, ReferenceSyntax::azure_macro)) {
      if (reference.node == kNoYamlNode) continue;
      const Context context = contexts_[reference.node];
      const std::string name = reference.name;
      const CiContext consumer_context = context_for(context.job, context.step);
      const YamlId from = context.step >= 0 ? steps_[context.step].node : doc_.root;
      const std::vector<std::string> path = key_path(doc_, from, reference.node);
      const std::string field = join(path, ".");
      const std::string target = path.size() >= 2 && path[path.size() - 2] == "env" ? path.back() : std::string();

      if (iequals(name, "System.AccessToken")) {
        token_uses_.push_back(ci_consumer(consumer_context, reference.location, field, 0, source_));
        continue;
      }
      const std::size_t dot = name.find('.');
      if (dot != std::string::npos) {
        // An output variable of a step; only a secure file's path names a credential.
        if (!iequals(name.substr(dot + 1), "secureFilePath")) continue;
        const CloudVariable cloud = classify_cloud_variable(target);
        const auto file = secure_file_steps_.find(lower(name.substr(0, dot)));
        if (file == secure_file_steps_.end()) {
          // Downloaded by a step in another file (a template's caller): the key is
          // still used here.
          if (!cloud.static_key) continue;
          CloudLogin& login = logins_for(context).cloud(cloud.cloud);
          login.static_key = true;
          login.details["secure_file_step"] = name.substr(0, dot);
          login.evidence.push_back(reference.location);
          continue;
        }
        Identity& secure = secure_file(file->second, reference.location);
        secure.consumers.push_back(ci_consumer(consumer_context, reference.location, field, 0, source_));
        if (cloud.static_key) add_static_use(secure, cloud.cloud, context, reference.location);
        continue;
      }
      if (defined_.count(lower(name))) continue;

      CloudVariable cloud = classify_cloud_variable(target);
      if (cloud.cloud.empty()) cloud = classify_cloud_variable(name);
      if (!is_credential_variable_name(name) && !cloud.static_key) continue;
      Identity& secret = secrets_.use(name, reference.location, file_);
      secret.consumers.push_back(ci_consumer(consumer_context, reference.location, field, 0, source_));
      if (cloud.static_key) add_static_use(secret, cloud.cloud, context, reference.location);
    }
  }

  void add_static_use(Identity& secret, const std::string& cloud, const Context& context, const Location& where) {
    mark_static_cloud_key(secret, cloud);
    CloudLogin& login = logins_for(context).cloud(cloud);
    login.static_key = true;
    login.evidence.push_back(where);
  }

  // Service connections named by task inputs, and by repository and container
  // resources (`endpoint:`).
  void read_connections() {
    for (std::size_t s = 0; s < steps_.size(); ++s) {
      const Step& step = steps_[s];
      const YamlId inputs = doc_.get(step.node, "inputs");
      if (step.task.empty() || !doc_.is_mapping(inputs)) continue;
      for (const YamlEntry& entry : doc_.node(inputs).entries) {
        const ConnectionInput* input = connection_input(doc_.scalar(entry.key));
        const std::string name(trim(doc_.scalar(entry.value)));
        if (!input || name.empty()) continue;
        const CiContext context = context_for(step.job, static_cast<int>(s));
        if (!is_expression(name)) {
          Identity& connection = service_connection(name, *input, at(entry.value));
          connection.consumers.push_back(
              ci_consumer(context, at(entry.value), "inputs." + std::string(doc_.scalar(entry.key)), 0, source_));
        }
        if (*input->cloud == '\0') continue;
        CloudLogin& login = step_logins_[s].cloud(input->cloud);
        login.details["service_connection"] = name;
        login.details["task"] = step.task;
        login.evidence.push_back(at(entry.value));
        connection_clouds_[static_cast<int>(s)] = input->cloud;
      }
    }
    const YamlId resources = doc_.get(doc_.root, "resources");
    for (const char* list : {"repositories", "containers"}) {
      const YamlId items = doc_.get(resources, list);
      if (!doc_.is_sequence(items)) continue;
      for (const YamlId item : doc_.node(items).items) {
        const YamlId endpoint = doc_.get(item, "endpoint");
        const std::string name(trim(doc_.scalar(endpoint)));
        if (name.empty() || is_expression(name)) continue;
        const ConnectionInput input{"endpoint", std::string(list) == "containers" ? "docker-registry" : "repository", ""};
        Identity& connection = service_connection(name, input, at(endpoint));
        connection.consumers.push_back(ci_consumer(context_for(-1, -1), at(endpoint), "resources." + std::string(list), 0, source_));
      }
    }
  }

  Identity& service_connection(const std::string& name, const ConnectionInput& input, const Location& where) {
    const std::string id = "azure-pipelines:service-connection/" + name;
    auto [it, inserted] = others_.try_emplace(id);
    Identity& connection = it->second;
    if (inserted) {
      connection.id = id;
      connection.kind = std::string(input.type) == "azure-resource-manager" ? IdentityKind::service_principal
                                                                            : IdentityKind::secret;
      connection.platform = "azure-devops";
      connection.name = name;
      connection.origin = Origin::referenced;
      connection.location = where;
      connection.attributes["connection_type"] = input.type;
      if (*input.cloud != '\0') connection.attributes["cloud"] = input.cloud;
    }
    return connection;
  }

  void read_variable_groups() {
    doc_.walk([&](YamlId id) {
      const YamlId variables = doc_.get(id, "variables");
      std::vector<YamlId> items;
      list_items(doc_, variables, items);
      for (const YamlId item : items) {
        const YamlId group = doc_.get(item, "group");
        const std::string name(trim(doc_.scalar(group)));
        if (name.empty() || is_expression(name)) continue;
        const std::string identity_id = "azure-pipelines:variable-group/" + name;
        auto [it, inserted] = others_.try_emplace(identity_id);
        if (inserted) {
          it->second = ci_secret_identity(identity_id, "azure-devops", name, at(group));
          it->second.attributes["variable_group"] = "true";
        } else if (at(group) < it->second.location) {
          it->second.location = at(group);
        }
        for (MetaEntry& entry : comment_metadata(file_, doc_.node(group).line, doc_.node(group).line)) {
          it->second.comment_metadata.push_back(std::move(entry));
        }
        const Context context = contexts_[group];
        it->second.consumers.push_back(ci_consumer(context_for(context.job, context.step), at(group), "variables", 0, source_));
      }
    });
  }

  void read_literal_variables() {
    std::set<YamlId> seen;
    doc_.walk([&](YamlId id) {
      const YamlId variables = doc_.get(id, "variables");
      if (variables == kNoYamlNode || !seen.insert(variables).second) return;
      std::vector<std::pair<YamlId, YamlId>> pairs;  // name, value
      if (doc_.is_mapping(variables)) {
        for (const YamlEntry& entry : doc_.node(variables).entries) pairs.emplace_back(entry.key, entry.value);
      } else if (doc_.is_sequence(variables)) {
        std::vector<YamlId> items;
        list_items(doc_, variables, items);
        for (const YamlId item : items) pairs.emplace_back(doc_.get(item, "name"), doc_.get(item, "value"));
      }
      for (const auto& [name_node, value] : pairs) {
        const std::string name(doc_.scalar(name_node));
        if (name.empty() || !doc_.is_scalar(value)) continue;
        const std::string detector = detect_literal_secret(name, doc_.node(value).value);
        if (detector.empty()) continue;
        out_.identities.push_back(literal_secret_identity("azure-pipelines:literal/" + source_.path() + "/" + name,
                                                          "azure-devops", name, at(value), "variables." + name, detector,
                                                          doc_.node(value).value));
      }
    });
  }

  // Script lines of a step. A task that logs in through a service connection with
  // `addSpnToEnvironment` hands the script either the service principal's key
  // ($servicePrincipalKey: the connection stores a secret) or an OIDC token ($idToken:
  // workload identity federation).
  void read_step_scripts(int s) {
    CloudLogins& logins = step_logins_[s];
    for (YamlId id = 0; id < doc_.nodes.size(); ++id) {
      if (contexts_[id].step != s || !visited_[id] || !doc_.is_scalar(id)) continue;
      const std::string& text = doc_.node(id).value;
      logins.add_script(text, at(id));
      const auto connection = connection_clouds_.find(s);
      if (connection == connection_clouds_.end() || connection->second != "azure") continue;
      CloudLogin& login = logins.cloud("azure");
      if (contains(text, "servicePrincipalKey")) {
        login.static_key = true;
        login.evidence.push_back(at(id));
      }
      if (contains(text, "idToken")) {
        login.federated = true;
        login.evidence.push_back(at(id));
      }
    }
  }

  // System.AccessToken is the job's own token; it expires with the job.
  void access_token() {
    if (token_uses_.empty()) return;
    Identity token = per_run_token("azure-pipelines:token/" + source_.path(), IdentityKind::token, "azure-devops",
                                   "System.AccessToken of " + source_.path(), token_uses_.front().location, false);
    token.consumers = token_uses_;
    out_.identities.push_back(std::move(token));
  }

  const FileView& file_;
  const SourceText& source_;
  const YamlDocument& doc_;
  ExtractOutput& out_;
  CiSecrets secrets_;
  std::vector<Context> contexts_;
  std::vector<bool> visited_;
  std::vector<Job> jobs_;
  std::vector<Step> steps_;
  int implicit_job_ = -1;
  std::vector<CloudLogins> step_logins_;
  std::vector<CloudLogins> job_logins_;  // the last one collects what no job owns
  std::set<std::string> defined_;
  std::map<std::string, std::string> secure_file_steps_;  // step name (lower case) -> secure file
  std::map<int, std::string> connection_clouds_;          // step -> cloud of its service connection
  std::map<std::string, Identity> others_;                // connections, groups, secure files
  std::vector<Consumer> token_uses_;
};

bool has_step_item(const YamlDocument& doc, YamlId list, std::initializer_list<const char*> keys, int depth = 0) {
  if (!doc.is_sequence(list) || depth > 3) return false;
  for (const YamlId item : doc.node(list).items) {
    if (!doc.is_mapping(item)) continue;
    if (has_any_key(doc, item, keys)) return true;
    if (only_expression_keys(doc, item)) {
      for (const YamlEntry& entry : doc.node(item).entries) {
        if (has_step_item(doc, entry.value, keys, depth + 1)) return true;
      }
    }
  }
  return false;
}

}  // namespace

void extract_azure_pipelines(const FileView& file, const std::vector<YamlDocument>& documents, ExtractOutput& out) {
  for (const YamlDocument& document : documents) AzureExtractor(file, document, out).run();
}

bool looks_like_azure_pipeline(const std::vector<YamlDocument>& documents) {
  for (const YamlDocument& doc : documents) {
    const YamlId root = doc.root;
    if (!doc.is_mapping(root)) continue;
    if (doc.get(root, "apiVersion") != kNoYamlNode && doc.get(root, "kind") != kNoYamlNode) return false;
    if (doc.is_mapping(doc.get(root, "extends")) && doc.get(doc.get(root, "extends"), "template") != kNoYamlNode) return true;
    if (has_step_item(doc, doc.get(root, "steps"),
                      {"task", "script", "bash", "pwsh", "powershell", "checkout", "template", "download", "publish"})) {
      return true;
    }
    if (has_step_item(doc, doc.get(root, "jobs"), {"job", "deployment", "template"})) return true;
    if (has_step_item(doc, doc.get(root, "stages"), {"stage", "template"})) return true;
  }
  return false;
}

}  // namespace nhiscan
