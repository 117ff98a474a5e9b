// Facts that credential resources of several Terraform providers share: lifetimes
// written as Go durations or Vault TTLs, rotation through `time_rotating`, and where a
// secret value comes from.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "scanner/extract/terraform.h"

namespace nhiscan {

/// Seconds in a Go duration such as "4380h", "1h30m" or "2.5h" (units ns, us, µs,
/// ms, s, m, h; an optional sign; "0" alone). nullopt when the text is not one.
std::optional<double> parse_go_duration_seconds(std::string_view text);

/// Seconds in a Vault TTL: a whole number of seconds ("3600"), a Go duration
/// ("768h"), or a number of days ("30d", which Vault also accepts).
std::optional<double> parse_vault_ttl_seconds(std::string_view text);

/// A positive number of seconds as whole days in the form `parse_duration_days`
/// reads ("183d"), rounded up so that a lifetime is never understated. nullopt for
/// zero or negative durations.
std::optional<std::string> duration_days_text(double seconds);

/// Set a credential's declared expiry: `value` is a date, a duration in days
/// ("183d") or, when `literal` is false, an expression that Terraform computes.
/// A literal that is neither date nor duration becomes an `expires` metadata entry
/// instead, so that the invalid-metadata rule reports it and the credential does
/// not pass for one with an expiry.
void set_declared_expiry(Identity& identity, const std::string& value, const Location& location,
                         const std::string& key, bool literal);

/// Where a secret value written in an attribute comes from.
struct ValueSource {
  enum class Kind { missing, literal, variable, resource, data, other } kind = Kind::missing;
  std::string address;  // "random_password.db" for a resource, "var.token" for a variable
  Location location;    // the attribute's value
};
ValueSource value_source(const TerraformContext& context, const TfBlock& resource, const HclExpr* expr);

/// The `time_rotating` resource that replaces `resource` on a schedule, through
/// `rotate_when_changed` (azuread), `keepers` (random, google keys) or
/// `lifecycle { replace_triggered_by }`. Returns its address and sets `where` to
/// the expression that ties them; empty when there is none.
std::string rotation_trigger(const TerraformContext& context, const TfBlock& resource, Location* where);

/// The rotation period of a `time_rotating` resource as a metadata entry
/// ("rotation" = "30d"), read from rotation_days/months/years/hours/minutes.
std::optional<MetaEntry> time_rotating_period(const TerraformContext& context, const std::string& address);

/// Set `credential.rotation_mechanism` from `rotation_trigger` and add the period of
/// the `time_rotating` resource to `identity` as native metadata, so that the
/// rotation period is judged like a declared `rotation` value.
void apply_rotation_trigger(const TerraformContext& context, const TfBlock& resource, Identity& identity);

/// Record the secret value that attribute `name` of `resource` gives a credential,
/// and what that means for rotation:
/// - its location goes to `attribute_locations[name]`, for the hard-coded secret rule;
/// - a value copied from another resource (`random_password.db.result`,
///   `aws_iam_access_key.ci.secret`) is replaced whenever that resource is, so the
///   credential's rotation mechanism is that resource's (`attributes["value_from"]`);
/// - a literal that is not a placeholder is hard-coded: its fix is removal, not
///   rotation, so the credential is marked not static. A placeholder, or a value
///   that `lifecycle { ignore_changes }` leaves to be set outside Terraform, stays a
///   static secret that someone has to rotate.
void apply_value_source(const TerraformContext& context, const TfBlock& resource, const std::string& name,
                        Identity& identity);

/// Resource types whose instances are credentials in the identity model, so that a
/// value copied from them rotates with them.
bool is_credential_resource_type(const std::string& type);

}  // namespace nhiscan
