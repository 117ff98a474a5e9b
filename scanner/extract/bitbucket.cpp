#include "scanner/extract/bitbucket.h"

#include <set>

#include "scanner/extract/ci_common.h"
#include "scanner/text.h"

namespace nhiscan {

namespace {

constexpr const char* kSystem = "bitbucket";

struct Pipe {
  YamlId node = kNoYamlNode;
  std::string name;  // e.g. "atlassian/aws-s3-deploy:1.1.0"
  YamlId variables = kNoYamlNode;
};

struct Step {
  YamlId node = kNoYamlNode;
  Location location;  // the `step:` key
  std::string name;
  std::string deployment;
  bool oidc = false;
  std::vector<Pipe> pipes;
  Reach reach;
};

/// Return the cloud a pipe deploys to, judged by its name: atlassian/aws-*,
/// atlassian/google-*, microsoft/azure-* and the like.
std::string pipe_cloud(const std::string& pipe) {
  const std::string name = lower(pipe.substr(0, pipe.find(':')));
  const std::string repository = name.substr(name.rfind('/') + 1);
  if (starts_with(repository, "aws-")) return "aws";
  if (starts_with(repository, "google-") || starts_with(repository, "gcp-") || starts_with(repository, "firebase-")) {
    return "gcp";
  }
  if (starts_with(repository, "azure-")) return "azure";
  return {};
}

class BitbucketExtractor {
 public:
  BitbucketExtractor(const FileView& file, const YamlDocument& document, ExtractOutput& out)
      : file_(file), source_(*file.source), doc_(document), out_(out), secrets_("bitbucket:variable/", "bitbucket") {}

  void run() {
    if (!doc_.is_mapping(doc_.root)) return;
    find_steps();
    find_defined_variables();
    const std::vector<TextReference> references = find_variable_references(file_, doc_, ReferenceSyntax::shell);
    for (Step& step : steps_) read_step(step, references);
    literal_pipe_variables();
    oidc_token();
    secrets_.flush(out_);
  }

 private:
  Location at(YamlId id) const { return source_.location(doc_.node(id).line, doc_.node(id).column); }

  // Steps are the values of `step:` keys wherever they sit: under `pipelines`, inside
  // `parallel` and `stage` blocks, or anchored under `definitions` and aliased from the
  // pipelines. A shared step is one step, visited once.
  void find_steps() {
    doc_.walk([&](YamlId id) {
      for (const YamlEntry& entry : doc_.node(id).entries) {
        if (doc_.scalar(entry.key) != "step" || !doc_.is_mapping(entry.value)) continue;
        if (!seen_steps_.insert(entry.value).second) continue;
        Step step;
        step.node = entry.value;
        step.location = at(entry.key);
        step.name = std::string(doc_.scalar(doc_.get(entry.value, "name")));
        if (step.name.empty()) step.name = "step at line " + std::to_string(step.location.line);
        step.deployment = std::string(doc_.scalar(doc_.get(entry.value, "deployment")));
        step.oidc = doc_.boolean(doc_.get(entry.value, "oidc")).value_or(false);
        add_reach(doc_, entry.value, step.reach);
        const YamlId script = doc_.get(entry.value, "script");
        if (doc_.is_sequence(script)) {
          for (const YamlId item : doc_.node(script).items) {
            const YamlId pipe = doc_.get(item, "pipe");
            if (!doc_.is_scalar(pipe)) continue;
            step.pipes.push_back({item, std::string(doc_.scalar(pipe)), doc_.get(item, "variables")});
          }
        }
        steps_.push_back(std::move(step));
      }
    });
  }

  // Custom pipelines ask for variables when they are run (`- variables: - name: X`);
  // those are typed in by a person, not stored secrets.
  void find_defined_variables() {
    doc_.walk([&](YamlId id) {
      const YamlId variables = doc_.get(id, "variables");
      if (!doc_.is_sequence(variables)) return;
      for (const YamlId item : doc_.node(variables).items) {
        const std::string name(doc_.scalar(doc_.get(item, "name")));
        if (!name.empty()) defined_.insert(name);
      }
    });
  }

  CiContext context_for(const Step& step, const Pipe* pipe = nullptr) const {
    CiContext context;
    context.system = kSystem;
    context.platform = "bitbucket";
    context.job = step.name;
    context.consumer = source_.path() + ": step " + step.name + (pipe ? ", pipe " + pipe->name : "");
    context.consumer_kind = "ci-step";
    context.location = step.location;
    context.environment = step.deployment;
    return context;
  }

  const Pipe* pipe_of(const Step& step, YamlId node) const {
    for (const Pipe& pipe : step.pipes) {
      Reach reach;
      add_reach(doc_, pipe.node, reach);
      if (reach.contains(node)) return &pipe;
    }
    return nullptr;
  }

  void read_step(Step& step, const std::vector<TextReference>& references) {
    CloudLogins logins;

    for (const TextReference& reference : references) {
      if (!step.reach.contains(reference.node)) continue;
      if (reference.name == "BITBUCKET_STEP_OIDC_TOKEN") {
        oidc_uses_.push_back({&step, reference.location});
        continue;
      }
      if (starts_with(reference.name, "BITBUCKET_") || defined_.count(reference.name)) continue;

      // The variable a value is passed as (`AWS_ACCESS_KEY_ID: $PROD_KEY` under a pipe's
      // variables) classifies the use as much as the variable's own name.
      const std::vector<std::string> path = key_path(doc_, step.node, reference.node);
      const std::string target = path.size() >= 2 && path[path.size() - 2] == "variables" ? path.back() : "";
      CloudVariable cloud = classify_cloud_variable(target);
      if (cloud.cloud.empty()) cloud = classify_cloud_variable(reference.name);
      if (!is_credential_variable_name(reference.name) && !cloud.static_key) continue;

      const Pipe* pipe = pipe_of(step, reference.node);
      std::string field = path.empty() ? "script" : path.front();
      if (!target.empty()) field = "variables." + target;
      Identity& secret = secrets_.use(reference.name, reference.location, file_);
      secret.consumers.push_back(
          ci_consumer(context_for(step, pipe), reference.location, field, step.reach.merge_line[reference.node], source_));
      if (cloud.static_key) {
        mark_static_cloud_key(secret, cloud.cloud);
        CloudLogin& login = logins.cloud(cloud.cloud);
        login.static_key = true;
        login.evidence.push_back(reference.location);
      }
    }

    // Shell logins written in the step's script lines, aliased ones included.
    for (YamlId id = 0; id < doc_.nodes.size(); ++id) {
      if (step.reach.contains(id) && doc_.is_scalar(id)) logins.add_script(doc_.node(id).value, at(id));
    }
    for (const Pipe& pipe : step.pipes) read_pipe(step, pipe, logins);
    if (step.oidc) oidc_steps_.push_back(&step);
    emit_cloud_logins(logins, context_for(step), out_);
  }

  // Atlassian's cloud pipes take either an OIDC role (AWS_OIDC_ROLE_ARN on an `oidc: true`
  // step) or keys. NOTE: an AWS pipe given neither is assumed to read the repository
  // variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; no pipe definition was checked.
  void read_pipe(const Step& step, const Pipe& pipe, CloudLogins& logins) {
    const std::string cloud = pipe_cloud(pipe.name);
    if (cloud.empty()) return;
    const auto variable = [&](const char* name) { return doc_.get(pipe.variables, name); };
    CloudLogin& login = logins.cloud(cloud);
    login.details["pipe"] = pipe.name;

    bool keys = false;
    if (doc_.is_mapping(pipe.variables)) {
      for (const YamlEntry& entry : doc_.node(pipe.variables).entries) {
        const std::string name(doc_.scalar(entry.key));
        const CloudVariable classified = classify_cloud_variable(name);
        if (classified.static_key || name == "KEY_FILE" || name == "AZURE_PASSWORD") {
          keys = true;
          login.evidence.push_back(at(entry.key));
        }
      }
    }
    if (keys) login.static_key = true;

    const YamlId role = variable("AWS_OIDC_ROLE_ARN");
    if (cloud == "aws" && role != kNoYamlNode) {
      login.federated = true;
      login.target = std::string(trim(doc_.scalar(role)));
      login.evidence.push_back(at(role));
      if (!step.oidc) login.details["oidc_step"] = "false";
    } else if (cloud == "aws" && !keys) {
      login.static_key = true;
      login.details["credential_source"] = "repository variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY";
      login.evidence.push_back(at(pipe.node));
    }
  }

  // A literal value given to a pipe under a secret's name is written in the repository.
  void literal_pipe_variables() {
    for (const Step& step : steps_) {
      for (const Pipe& pipe : step.pipes) {
        if (!doc_.is_mapping(pipe.variables)) continue;
        for (const YamlEntry& entry : doc_.node(pipe.variables).entries) {
          const std::string name(doc_.scalar(entry.key));
          const std::string_view value = doc_.scalar(entry.value);
          const std::string detector = detect_literal_secret(name, value);
          if (detector.empty()) continue;
          out_.identities.push_back(literal_secret_identity("bitbucket:literal/" + source_.path() + "/" + name,
                                                            "bitbucket", name, at(entry.value), "variables." + name,
                                                            detector, value));
        }
      }
    }
  }

  // Steps with `oidc: true` get a short-lived token from Bitbucket for each run.
  void oidc_token() {
    if (oidc_steps_.empty() && oidc_uses_.empty()) return;
    Identity token = per_run_token("bitbucket:oidc-token/" + source_.path(), IdentityKind::token, "bitbucket",
                                   "OIDC token of " + source_.path(),
                                   oidc_steps_.empty() ? oidc_uses_.front().second : oidc_steps_.front()->location, true);
    for (const Step* step : oidc_steps_) {
      const YamlEntry* oidc = doc_.entry(step->node, "oidc");
      token.consumers.push_back(ci_consumer(context_for(*step), oidc ? at(oidc->value) : step->location, "oidc", 0, source_));
    }
    for (const auto& [step, where] : oidc_uses_) {
      token.consumers.push_back(ci_consumer(context_for(*step), where, "script", 0, source_));
    }
    out_.identities.push_back(std::move(token));
  }

  const FileView& file_;
  const SourceText& source_;
  const YamlDocument& doc_;
  ExtractOutput& out_;
  CiSecrets secrets_;
  std::vector<Step> steps_;
  std::set<YamlId> seen_steps_;
  std::set<std::string> defined_;
  std::vector<const Step*> oidc_steps_;
  std::vector<std::pair<const Step*, Location>> oidc_uses_;
};

}  // namespace

void extract_bitbucket(const FileView& file, const std::vector<YamlDocument>& documents, ExtractOutput& out) {
  for (const YamlDocument& document : documents) BitbucketExtractor(file, document, out).run();
}

}  // namespace nhiscan
