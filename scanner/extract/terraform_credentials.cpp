#include "scanner/extract/terraform_credentials.h"

#include <cmath>

#include "scanner/extract/common.h"
#include "scanner/metadata.h"
#include "scanner/text.h"

namespace nhiscan {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// Seconds per unit of a Go duration, or 0 for an unknown unit.
double go_unit_seconds(std::string_view unit) {
  if (unit == "ns") return 1e-9;
  if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") return 1e-6;  // µs: micro sign or Greek mu
  if (unit == "ms") return 1e-3;
  if (unit == "s") return 1;
  if (unit == "m") return 60;
  if (unit == "h") return 3600;
  return 0;
}

}  // namespace

std::optional<double> parse_go_duration_seconds(std::string_view text) {
  text = trim(text);
  if (text.empty()) return std::nullopt;
  double sign = 1;
  if (text.front() == '-' || text.front() == '+') {
    sign = text.front() == '-' ? -1 : 1;
    text.remove_prefix(1);
  }
  if (text == "0") return 0.0;
  if (text.empty()) return std::nullopt;

  double total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    // A number with an optional fraction: "2", "2.5", ".5".
    const std::size_t number_start = i;
    while (i < text.size() && is_digit(text[i])) ++i;
    std::size_t digits = i - number_start;
    if (i < text.size() && text[i] == '.') {
      ++i;
      const std::size_t fraction_start = i;
      while (i < text.size() && is_digit(text[i])) ++i;
      digits += i - fraction_start;
    }
    if (digits == 0 || digits > 30) return std::nullopt;
    const double number = std::stod(std::string(text.substr(number_start, i - number_start)));

    // The unit runs up to the next digit or '.'.
    const std::size_t unit_start = i;
    while (i < text.size() && !is_digit(text[i]) && text[i] != '.') ++i;
    const double unit = go_unit_seconds(text.substr(unit_start, i - unit_start));
    if (unit == 0) return std::nullopt;
    total += number * unit;
  }
  return sign * total;
}

std::optional<double> parse_vault_ttl_seconds(std::string_view text) {
  text = trim(text);
  if (text.empty() || text.size() > 40) return std::nullopt;
  bool all_digits = true;
  for (const char c : text) all_digits = all_digits && is_digit(c);
  if (all_digits) return std::stod(std::string(text));
  if (text.back() == 'd') {
    const std::string_view number = text.substr(0, text.size() - 1);
    bool digits = !number.empty();
    for (const char c : number) digits = digits && is_digit(c);
    if (digits) return std::stod(std::string(number)) * 86400;
  }
  return parse_go_duration_seconds(text);
}

std::optional<std::string> duration_days_text(double seconds) {
  if (!(seconds > 0)) return std::nullopt;
  const double days = std::ceil(seconds / 86400.0);
  // parse_duration_days reads at most six digits.
  if (days > 999999) return std::string("999999d");
  return std::to_string(static_cast<int64_t>(days)) + "d";
}

void set_declared_expiry(Identity& identity, const std::string& value, const Location& location,
                         const std::string& key, bool literal) {
  if (!identity.credential) return;
  if (literal && !Date::parse(value) && !parse_duration_days(value)) {
    identity.native_metadata.push_back({"expires", value, location, "attribute"});
    return;
  }
  identity.credential->expiry = MetaValue{value, location, "attribute", key, false, {}};
}

ValueSource value_source(const TerraformContext& context, const TfBlock& resource, const HclExpr* expr) {
  ValueSource source;
  if (!expr || expr->kind == HclExpr::Kind::null) return source;
  source.location = context.location_of(resource, *expr);
  if (expr->literal()) {
    source.kind = ValueSource::Kind::literal;
    return source;
  }
  if (expr->kind == HclExpr::Kind::reference && starts_with(expr->text, "local.")) {
    if (context.string_value(expr)) {
      source.kind = ValueSource::Kind::literal;
      return source;
    }
  }
  source.kind = ValueSource::Kind::other;
  for (const std::string& reference : expr->references) {
    const std::vector<std::string_view> parts = split(reference, '.');
    if (parts.size() < 2) continue;
    if (parts[0] == "var") {
      source.kind = ValueSource::Kind::variable;
      source.address = "var." + std::string(parts[1].substr(0, parts[1].find('[')));
      return source;
    }
    if (parts[0] == "data" && parts.size() >= 3) {
      source.kind = ValueSource::Kind::data;
      source.address = "data." + std::string(parts[1]) + "." + std::string(parts[2].substr(0, parts[2].find('[')));
      return source;
    }
    if (parts[0] == "local" || parts[0] == "each" || parts[0] == "count" || parts[0] == "module" ||
        parts[0] == "path" || parts[0] == "self" || parts[0] == "terraform") {
      continue;
    }
    const std::string address = std::string(parts[0]) + "." + std::string(parts[1].substr(0, parts[1].find('[')));
    if (context.resource(address)) {
      source.kind = ValueSource::Kind::resource;
      source.address = address;
      return source;
    }
  }
  return source;
}

std::string rotation_trigger(const TerraformContext& context, const TfBlock& resource, Location* where) {
  const HclBlock& block = *resource.block;
  std::vector<const HclExpr*> candidates = {block.value("rotate_when_changed"), block.value("keepers")};
  if (const HclBlock* lifecycle = block.block("lifecycle")) candidates.push_back(lifecycle->value("replace_triggered_by"));
  for (const HclExpr* expr : candidates) {
    const std::string address = context.referenced_address(expr, {"time_rotating"});
    if (address.empty()) continue;
    if (where) *where = context.location_of(resource, *expr);
    return address;
  }
  return {};
}

std::optional<MetaEntry> time_rotating_period(const TerraformContext& context, const std::string& address) {
  const TfBlock* rotating = context.resource(address);
  if (!rotating) return std::nullopt;
  // The provider adds every rotation_* argument that is set; the first one found is
  // reported, because configurations set only one in practice.
  static const std::pair<const char*, const char*> kUnits[] = {
      {"rotation_days", "d"}, {"rotation_months", "m"}, {"rotation_years", "y"}};
  for (const auto& [name, unit] : kUnits) {
    const HclAttribute* attribute = rotating->block->attribute(name);
    if (!attribute) continue;
    const auto value = context.string_value(&attribute->value);
    if (!value) continue;
    return MetaEntry{"rotation", *value + unit, context.location_of(*rotating, attribute->value), "time_rotating"};
  }
  for (const auto& [name, seconds] : {std::make_pair("rotation_hours", 3600.0), std::make_pair("rotation_minutes", 60.0)}) {
    const HclAttribute* attribute = rotating->block->attribute(name);
    if (!attribute) continue;
    const auto value = context.string_value(&attribute->value);
    if (!value) continue;
    const auto count = parse_vault_ttl_seconds(*value);
    if (!count) continue;
    if (const auto days = duration_days_text(*count * seconds)) {
      return MetaEntry{"rotation", *days, context.location_of(*rotating, attribute->value), "time_rotating"};
    }
  }
  return std::nullopt;
}

void apply_rotation_trigger(const TerraformContext& context, const TfBlock& resource, Identity& identity) {
  if (!identity.credential) return;
  Location where;
  const std::string trigger = rotation_trigger(context, resource, &where);
  if (trigger.empty()) return;
  identity.credential->rotation_mechanism = trigger;
  identity.credential->rotation_location = where;
  if (auto period = time_rotating_period(context, trigger)) identity.native_metadata.push_back(std::move(*period));
}

bool is_credential_resource_type(const std::string& type) {
  static const char* const kTypes[] = {
      "aws_iam_access_key", "aws_iam_service_specific_credential", "aws_iam_user_login_profile",
      "azuread_application_password", "azuread_service_principal_password", "azuread_application_certificate",
      "azuread_service_principal_certificate", "google_service_account_key", "google_apikeys_key",
      "gitlab_project_access_token", "gitlab_group_access_token", "gitlab_deploy_token",
      "gitlab_personal_access_token", "vault_approle_auth_backend_role_secret_id", "vault_token"};
  for (const char* known : kTypes) {
    if (type == known) return true;
  }
  return false;
}

namespace {

/// True when `lifecycle { ignore_changes = [...] }` lists `name` (or `all`).
bool ignores_changes(const HclBlock& block, const std::string& name) {
  const HclBlock* lifecycle = block.block("lifecycle");
  if (!lifecycle) return false;
  const HclExpr* ignored = lifecycle->value("ignore_changes");
  if (!ignored) return false;
  if (ignored->kind == HclExpr::Kind::reference && ignored->text == "all") return true;
  if (ignored->kind == HclExpr::Kind::string && ignored->text == "all") return true;
  for (const HclExpr& item : ignored->items) {
    if (item.text == name) return true;
  }
  return false;
}

}  // namespace

void apply_value_source(const TerraformContext& context, const TfBlock& resource, const std::string& name,
                        Identity& identity) {
  const HclExpr* expr = resource.block->value(name);
  const ValueSource value = value_source(context, resource, expr);
  if (value.kind == ValueSource::Kind::missing) return;
  identity.attribute_locations[name] = value.location;
  if (!identity.credential) return;
  Credential& credential = *identity.credential;

  if (value.kind == ValueSource::Kind::literal) {
    const auto literal = context.string_value(expr);
    if (literal && !is_placeholder(*literal) && !ignores_changes(*resource.block, name)) {
      credential.is_static = false;
      identity.attributes["value"] = "literal";
    }
    return;
  }
  if (value.kind != ValueSource::Kind::resource) {
    if (!value.address.empty()) identity.attributes["value_from"] = value.address;
    return;
  }

  identity.attributes["value_from"] = value.address;
  identity.attribute_locations["value_from"] = value.location;
  if (!credential.rotation_mechanism.empty()) return;
  const TfBlock* source = context.resource(value.address);
  if (!source) return;
  if (is_credential_resource_type(source->type)) {
    // The source is a credential of its own, judged on its own rotation.
    credential.rotation_mechanism = value.address;
    credential.rotation_location = value.location;
    return;
  }
  Location where;
  const std::string trigger = rotation_trigger(context, *source, &where);
  if (trigger.empty()) return;
  credential.rotation_mechanism = trigger + " (through " + value.address + ")";
  credential.rotation_location = where;
  if (auto period = time_rotating_period(context, trigger)) identity.native_metadata.push_back(std::move(*period));
}

}  // namespace nhiscan
