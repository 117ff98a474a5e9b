#include "scanner/config.h"

#include <toml++/toml.h>

#include <boost/filesystem.hpp>
#include <fstream>
#include <functional>
#include <set>

#include "scanner/text.h"
#include "scanner/toml_file.h"

namespace fs = boost::filesystem;

namespace nhiscan {

namespace {


/// Reads one configuration file, collecting every error instead of stopping at the first.
class ConfigReader {
 public:
  ConfigReader(std::string relative_path, std::string root, std::vector<Diagnostic>& errors)
      : path_(std::move(relative_path)), root_(std::move(root)), errors_(errors) {}

  bool failed() const { return failed_; }

  void read(const toml::table& table, Config& config) {
    config.path = path_;
    expect_keys(table, "", {"version", "metadata", "review", "credentials", "rules", "owners", "paths", "exceptions",
                            "exception", "inventory", "limits"});
    if (const toml::node* version = table.get("version")) {
      const auto* number = version->as_integer();
      if (!number || number->get() != 1) error(*version, "'version' must be the integer 1");
    }
    if (const toml::table* metadata = section(table, "metadata")) read_metadata(*metadata, config);
    if (const toml::table* review = section(table, "review")) {
      expect_keys(*review, "review", {"max-age-days"});
      integer(*review, "max-age-days", "review", config.settings.max_review_age_days);
    }
    if (const toml::table* credentials = section(table, "credentials")) {
      expect_keys(*credentials, "credentials", {"max-lifetime-days", "max-rotation-days"});
      integer(*credentials, "max-lifetime-days", "credentials", config.settings.max_credential_lifetime_days);
      integer(*credentials, "max-rotation-days", "credentials", config.settings.max_rotation_days);
    }
    if (const toml::table* rules = section(table, "rules")) read_rules(*rules, config);
    if (const toml::table* owners = section(table, "owners")) read_owners(*owners, config);
    if (const toml::table* paths = section(table, "paths")) {
      expect_keys(*paths, "paths", {"exclude"});
      config.excludes = strings(*paths, "exclude", "paths");
    }
    if (const toml::table* exceptions = section(table, "exceptions")) {
      expect_keys(*exceptions, "exceptions", {"require-until", "require-reason", "require-approver"});
      boolean(*exceptions, "require-until", "exceptions", config.policy.require_until);
      boolean(*exceptions, "require-reason", "exceptions", config.policy.require_reason);
      boolean(*exceptions, "require-approver", "exceptions", config.policy.require_approver);
    }
    if (const toml::node* list = table.get("exception")) read_exceptions(*list, config);
    if (const toml::table* limits = section(table, "limits")) read_limits(*limits, config.limits);
    if (const toml::table* inventory = section(table, "inventory")) {
      expect_keys(*inventory, "inventory", {"file"});
      if (const toml::node* file = inventory->get("file")) {
        const auto* text = file->as_string();
        if (!text) {
          error(*file, "[inventory] file must be a string (a path relative to the repository root)");
        } else {
          config.inventory_file = (fs::path(root_) / text->get()).lexically_normal().generic_string();
          if (!fs::is_regular_file(config.inventory_file)) {
            error(*file, "[inventory] file '" + text->get() + "' not found");
          }
        }
      }
    }
  }

 private:
  void error(const toml::node& node, const std::string& message) { error(toml_line(node), message); }
  void error(uint32_t line, const std::string& message) {
    errors_.push_back({Diagnostic::Level::error, path_, line, message});
    failed_ = true;
  }

  void expect_keys(const toml::table& table, const std::string& name, std::initializer_list<const char*> allowed) {
    for (const auto& [key, value] : table) {
      const std::string text(key.str());
      bool known = false;
      for (const char* candidate : allowed) known = known || text == candidate;
      if (known) continue;
      std::string list;
      for (const char* candidate : allowed) list += (list.empty() ? "" : ", ") + std::string(candidate);
      error(value, "unknown key '" + text + "'" + (name.empty() ? "" : " in [" + name + "]") + " (expected one of: " +
                       list + ")");
    }
  }

  const toml::table* section(const toml::table& table, const char* name) {
    const toml::node* node = table.get(name);
    if (!node) return nullptr;
    const toml::table* result = node->as_table();
    if (!result) error(*node, std::string("'") + name + "' must be a table: write [" + name + "]");
    return result;
  }

  void integer(const toml::table& table, const char* key, const char* section, int64_t& out) {
    const toml::node* node = table.get(key);
    if (!node) return;
    const auto* number = node->as_integer();
    if (!number || number->get() <= 0) {
      error(*node, std::string("[") + section + "] " + key + " must be a positive integer (days)");
      return;
    }
    out = number->get();
  }

  /// Read the limit `key`, an integer from 1 to `maximum` in `unit`.
  void limit(const toml::table& table, const char* key, int64_t maximum, const char* unit,
             std::optional<uint64_t>& out) {
    const toml::node* node = table.get(key);
    if (!node) return;
    const auto* number = node->as_integer();
    if (!number || number->get() <= 0 || number->get() > maximum) {
      error(*node, std::string("[limits] ") + key + " must be an integer from 1 to " + std::to_string(maximum) +
                       " (" + unit + ")");
      return;
    }
    out = static_cast<uint64_t>(number->get());
  }

  void read_limits(const toml::table& limits, ConfigLimits& out) {
    expect_keys(limits, "limits", {"max-file-size", "max-line-length", "max-yaml-depth", "max-yaml-nodes",
                                   "max-hcl-depth", "max-documents"});
    constexpr int64_t kMaxBytes = int64_t{1} << 32;  // larger files are not configuration
    limit(limits, "max-file-size", kMaxBytes, "bytes", out.max_file_size);
    limit(limits, "max-line-length", kMaxBytes - 1, "bytes", out.max_line_length);
    // The YAML extent pass and the HCL converter recurse once per level, so the
    // nesting limits stay far below what a thread's stack holds.
    limit(limits, "max-yaml-depth", 500, "levels", out.max_yaml_depth);
    limit(limits, "max-hcl-depth", 500, "levels", out.max_hcl_depth);
    limit(limits, "max-yaml-nodes", 100'000'000, "nodes per document", out.max_yaml_nodes);
    limit(limits, "max-documents", 1'000'000, "YAML documents per file", out.max_documents);
  }

  void boolean(const toml::table& table, const char* key, const char* section, bool& out) {
    const toml::node* node = table.get(key);
    if (!node) return;
    const auto* value = node->as_boolean();
    if (!value) {
      error(*node, std::string("[") + section + "] " + key + " must be true or false");
      return;
    }
    out = value->get();
  }

  std::vector<std::string> strings(const toml::table& table, const char* key, const std::string& section) {
    std::vector<std::string> out;
    const toml::node* node = table.get(key);
    if (!node) return out;
    const toml::array* array = node->as_array();
    if (!array) {
      error(*node, "[" + section + "] " + key + " must be an array of strings");
      return out;
    }
    for (const toml::node& item : *array) {
      const auto* text = item.as_string();
      if (!text) {
        error(item, "[" + section + "] " + key + " must contain only strings");
        continue;
      }
      out.push_back(text->get());
    }
    return out;
  }

  std::string rule_id(const toml::node& node, const std::string& name, const std::string& context) {
    const Rule* rule = find_rule(name);
    if (!rule) {
      error(node, context + ": unknown rule '" + name + "' (see `nhiscan rules`)");
      return {};
    }
    return rule->info().id;
  }

  void read_metadata(const toml::table& metadata, Config& config) {
    expect_keys(metadata, "metadata", {"synonyms"});
    const toml::node* node = metadata.get("synonyms");
    if (!node) return;
    const toml::table* synonyms = node->as_table();
    if (!synonyms) {
      error(*node, "[metadata] synonyms must be a table of synonym = \"field\"");
      return;
    }
    for (const auto& [key, value] : *synonyms) {
      const auto* field_name = value.as_string();
      std::optional<MetaField> field;
      if (field_name) {
        for (const MetaField candidate : kMetaFields) {
          if (normalize_key(field_name->get()) == to_string(candidate)) field = candidate;
        }
      }
      if (!field) {
        error(value, "[metadata] synonym '" + std::string(key.str()) +
                         "' must name a field: owner, purpose, last-reviewed, review-by, rotation or expires");
        continue;
      }
      config.synonyms[normalize_key(key.str())] = *field;
    }
  }

  void read_rules(const toml::table& rules, Config& config) {
    expect_keys(rules, "rules", {"disable", "severity"});
    if (const toml::node* disable = rules.get("disable")) {
      for (const std::string& name : strings(rules, "disable", "rules")) {
        const std::string id = rule_id(*disable, name, "[rules] disable");
        if (!id.empty()) config.disabled_rules.push_back(id);
      }
    }
    if (const toml::node* node = rules.get("severity")) {
      const toml::table* severities = node->as_table();
      if (!severities) {
        error(*node, "[rules] severity must be a table of RULE = \"low|medium|high|critical\"");
        return;
      }
      for (const auto& [key, value] : *severities) {
        const std::string id = rule_id(value, std::string(key.str()), "[rules] severity");
        const auto* text = value.as_string();
        const auto severity = text ? parse_severity(text->get()) : std::nullopt;
        if (!severity || (text && text->get() != to_string(*severity))) {
          error(value, "[rules] severity of " + std::string(key.str()) + " must be low, medium, high or critical");
          continue;
        }
        if (!id.empty()) config.severities[id] = *severity;
      }
    }
  }

  void read_owners(const toml::table& owners, Config& config) {
    expect_keys(owners, "owners", {"teams", "codeowners"});
    config.settings.owning_teams = strings(owners, "teams", "owners");
    if (const toml::node* node = owners.get("codeowners")) {
      std::string file;
      if (const auto* flag = node->as_boolean()) {
        if (!flag->get()) return;
        for (const char* candidate : {"CODEOWNERS", ".github/CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS"}) {
          if (fs::is_regular_file(fs::path(root_) / candidate)) {
            file = (fs::path(root_) / candidate).generic_string();
            break;
          }
        }
        if (file.empty()) {
          error(*node, "[owners] codeowners = true, but no CODEOWNERS file was found at the root, in .github/, "
                       "docs/ or .gitlab/");
          return;
        }
      } else if (const auto* text = node->as_string()) {
        file = (fs::path(root_) / text->get()).generic_string();
        if (!fs::is_regular_file(file)) {
          error(*node, "[owners] codeowners file '" + text->get() + "' not found");
          return;
        }
      } else {
        error(*node, "[owners] codeowners must be true or a path to a CODEOWNERS file");
        return;
      }
      for (std::string& owner : read_codeowners(file)) config.settings.owning_teams.push_back(std::move(owner));
    }
  }

  void read_exceptions(const toml::node& node, Config& config) {
    const toml::array* list = node.as_array();
    if (!list) {
      error(node, "'exception' must be an array of tables: write [[exception]]");
      return;
    }
    for (const toml::node& item : *list) {
      const toml::table* table = item.as_table();
      if (!table) {
        error(item, "each [[exception]] must be a table");
        continue;
      }
      const std::size_t errors_before = errors_.size();
      expect_keys(*table, "exception", {"rules", "identity", "path", "until", "reason", "approver"});
      ConfigException exception;
      exception.location = {path_, toml_line(item), 1, 0, 0};
      if (const toml::node* rules = table->get("rules")) {
        for (const std::string& name : strings(*table, "rules", "exception")) {
          const std::string id = rule_id(*rules, name, "[[exception]] rules");
          if (!id.empty()) exception.rules.push_back(id);
        }
      }
      if (exception.rules.empty() && errors_.size() == errors_before) {
        error(item, "[[exception]] needs rules = [\"NHI...\"]");
      }
      const auto text_field = [&](const char* key, std::string& out) {
        const toml::node* value = table->get(key);
        if (!value) return;
        const auto* text = value->as_string();
        if (!text) {
          error(*value, std::string("[[exception]] ") + key + " must be a string");
          return;
        }
        out = text->get();
      };
      text_field("identity", exception.identity);
      text_field("path", exception.path);
      text_field("reason", exception.reason);
      text_field("approver", exception.approver);
      if (exception.identity.empty() && exception.path.empty() && errors_.size() == errors_before) {
        error(item, "[[exception]] needs identity = \"ID or glob\" or path = \"glob\": an exception for every "
                    "identity is a disabled rule (use [rules] disable)");
      }
      if (const toml::node* until = table->get("until")) {
        const auto text = toml_text_or_date(*until);
        if (!text || !Date::parse(*text)) {
          error(*until, "[[exception]] until must be a date (YYYY-MM-DD)");
        } else {
          exception.until = Date::parse(*text)->to_string();
        }
      }
      if (errors_.size() == errors_before) config.exceptions.push_back(std::move(exception));
    }
  }

  std::string path_;
  std::string root_;
  std::vector<Diagnostic>& errors_;
  bool failed_ = false;
};

}  // namespace

std::string find_upward(const std::string& start, const std::string& name, const std::string& stop) {
  boost::system::error_code error;
  fs::path directory = fs::weakly_canonical(fs::absolute(start), error);
  if (error) directory = fs::absolute(start);
  if (!fs::is_directory(directory, error)) directory = directory.parent_path();
  const fs::path limit = stop.empty() ? fs::path() : fs::weakly_canonical(fs::absolute(stop), error);
  for (; !directory.empty(); directory = directory.parent_path()) {
    const fs::path candidate = directory / name;
    if (fs::is_regular_file(candidate, error)) return candidate.generic_string();
    if (directory == directory.root_path() || (!limit.empty() && directory == limit)) break;
  }
  return {};
}

std::string find_config(const std::string& start) { return find_upward(start, ".nhiscan.toml", ""); }

std::optional<Config> load_config(const std::string& absolute_path, const std::string& relative_path,
                                  const std::string& root, std::vector<Diagnostic>& errors) {
  const auto table = parse_toml_file(absolute_path, relative_path, errors);
  if (!table) return std::nullopt;
  Config config;
  ConfigReader reader(relative_path, root, errors);
  reader.read(*table, config);
  if (reader.failed()) return std::nullopt;
  return config;
}

std::vector<std::string> read_codeowners(const std::string& path) {
  std::vector<std::string> owners;
  std::set<std::string> seen;
  std::ifstream input(path);
  std::string line;
  while (std::getline(input, line)) {
    const std::string_view text = trim(line);
    if (text.empty() || text.front() == '#') continue;
    bool first = true;  // the first field is the path pattern
    for (std::string_view field : split(text, ' ')) {
      field = trim(field);
      if (field.empty()) continue;
      if (first) {
        first = false;
        continue;
      }
      if (field.front() == '#') break;
      const bool handle = field.front() == '@';
      const bool email = field.find('@') != std::string_view::npos && !handle;
      if ((handle || email) && seen.insert(std::string(field)).second) owners.emplace_back(field);
    }
  }
  return owners;
}

}  // namespace nhiscan
