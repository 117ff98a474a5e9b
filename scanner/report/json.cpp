// The identity inventory and findings as JSON (format version 1).
#include <nlohmann/json.hpp>

#include "scanner/report/json_stream.h"
#include "scanner/report/report.h"

namespace nhiscan {

namespace {

using Json = nlohmann::ordered_json;

Json location_json(const Location& location) {
  Json out;
  out["file"] = location.file;
  out["line"] = location.line;
  out["column"] = location.column;
  return out;
}

Json meta_json(const std::optional<MetaValue>& value) {
  if (!value) return nullptr;
  return value->value;
}

Json meta_source_json(const std::optional<MetaValue>& value) {
  if (!value) return nullptr;
  Json out;
  out["source"] = value->source;
  out["key"] = value->key;
  out["location"] = location_json(value->location);
  if (value->inherited) out["inherited_from"] = value->inherited_from;
  return out;
}

Json identity_json(const Identity& identity) {
  Json out;
  out["id"] = identity.id;
  out["kind"] = to_string(identity.kind);
  out["platform"] = identity.platform;
  out["name"] = identity.name;
  out["origin"] = to_string(identity.origin);
  out["location"] = location_json(identity.location);
  out["multiplicity"] = identity.multiplicity;
  const Governance& governance = identity.governance;
  out["owner"] = meta_json(governance.owner);
  out["purpose"] = meta_json(governance.purpose);
  out["last_reviewed"] = meta_json(governance.last_reviewed);
  out["review_by"] = meta_json(governance.review_by);
  out["rotation"] = meta_json(governance.rotation);
  out["expires"] = meta_json(governance.expires);
  Json sources;
  sources["owner"] = meta_source_json(governance.owner);
  sources["purpose"] = meta_source_json(governance.purpose);
  sources["last_reviewed"] = meta_source_json(governance.last_reviewed);
  sources["review_by"] = meta_source_json(governance.review_by);
  sources["rotation"] = meta_source_json(governance.rotation);
  sources["expires"] = meta_source_json(governance.expires);
  out["governance_sources"] = sources;

  if (identity.credential) {
    const Credential& credential = *identity.credential;
    Json c;
    c["long_lived"] = credential.long_lived;
    c["federated"] = credential.federated;
    c["static"] = credential.is_static;
    c["identifier_only"] = credential.identifier_only;
    c["expiry"] = credential.expiry ? Json(credential.expiry->value) : Json(nullptr);
    c["rotation_mechanism"] = credential.rotation_mechanism.empty() ? Json(nullptr) : Json(credential.rotation_mechanism);
    c["cloud"] = credential.cloud.empty() ? Json(nullptr) : Json(credential.cloud);
    out["credential"] = c;
  } else {
    out["credential"] = nullptr;
  }
  out["ephemeral"] = identity.ephemeral;

  Json grants = Json::array();
  for (const Grant& grant : identity.grants) {
    grants.push_back({{"role", grant.role}, {"scope", grant.scope}, {"via", grant.via},
                      {"admin", grant.admin}, {"location", location_json(grant.location)}});
  }
  out["grants"] = grants;
  Json consumers = Json::array();
  for (const Consumer& consumer : identity.consumers) {
    Json item{{"name", consumer.name}, {"kind", consumer.kind}, {"location", location_json(consumer.location)}};
    if (!consumer.environment.empty()) item["environment"] = consumer.environment;
    if (!consumer.field.empty()) item["field"] = consumer.field;
    consumers.push_back(item);
  }
  out["consumers"] = consumers;
  Json links = Json::array();
  for (const Link& link : identity.links) {
    Json item{{"type", to_string(link.type)}, {"target", link.target}, {"location", location_json(link.location)}};
    item["confirmed_by"] = link.confirmed_by.valid() ? location_json(link.confirmed_by) : Json(nullptr);
    links.push_back(item);
  }
  out["links"] = links;
  Json trusts = Json::array();
  for (const Trust& trust : identity.trusts) {
    Json conditions = Json::array();
    for (const TrustCondition& condition : trust.conditions) {
      conditions.push_back({{"test", condition.test}, {"variable", condition.variable}, {"values", condition.values}});
    }
    trusts.push_back({{"principal_type", trust.principal_type}, {"principal", trust.principal},
                      {"conditions", conditions}, {"evaluable", trust.evaluable}});
  }
  if (!trusts.empty()) out["trusts"] = trusts;
  if (!identity.hardcoded.empty()) {
    Json values = Json::array();
    for (const HardcodedValue& value : identity.hardcoded) {
      values.push_back({{"field", value.field}, {"detector", value.detector}, {"masked", value.masked},
                        {"location", location_json(value.location)}});
    }
    out["hardcoded_values"] = values;
  }
  Json attributes = Json::object();
  for (const auto& [key, value] : identity.attributes) attributes[key] = value;
  out["attributes"] = attributes;
  if (!identity.other_locations.empty()) {
    Json others = Json::array();
    for (const Location& location : identity.other_locations) others.push_back(location_json(location));
    out["other_locations"] = others;
  }
  return out;
}

}  // namespace

void write_json(std::ostream& out, const ScanResult& result, const ReportOptions&) {
  // Streamed: the identities of a large scan would take several times their own size
  // as one JSON document.
  out << "{\n  \"version\": 1,\n  \"scanned_at\": " << Json(result.today.to_string()).dump() << ",\n  ";
  write_array_member<Json>(out, "identities", 1, [&](const auto& emit) {
    for (const Identity& identity : result.identities) emit(identity_json(identity));
  });
  out << ",\n  ";
  write_array_member<Json>(out, "findings", 1, [&](const auto& emit) {
    for (const Finding& finding : result.findings) {
      Json item;
      item["rule_id"] = finding.rule_id;
      item["rule_name"] = finding.rule_name;
      item["severity"] = to_string(finding.severity);
      item["message"] = finding.message;
      item["identity"] = finding.identity.empty() ? Json(nullptr) : Json(finding.identity);
      item["location"] = location_json(finding.location);
      item["fingerprint"] = finding.fingerprint;
      item["suppressed"] = finding.suppression.has_value();
      if (finding.suppression) {
        item["suppression"] = {{"kind", finding.suppression->kind},
                               {"justification", finding.suppression->justification},
                               {"until", finding.suppression->until.empty() ? Json(nullptr) : Json(finding.suppression->until)}};
      }
      if (finding.baselined) item["baselined"] = true;
      emit(item);
    }
  });
  out << ",\n  ";
  write_array_member<Json>(out, "diagnostics", 1, [&](const auto& emit) {
    for (const Diagnostic& diagnostic : result.diagnostics) {
      emit(Json{{"file", diagnostic.file}, {"line", diagnostic.line}, {"level", to_string(diagnostic.level)},
                {"message", diagnostic.message}});
    }
  });
  out << "\n}\n";
}

}  // namespace nhiscan
