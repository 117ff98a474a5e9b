// The identity inventory as CSV and as Markdown with Mermaid graphs of how
// identities, credentials, grants and consumers connect.
#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "scanner/governance.h"
#include "scanner/report/report.h"
#include "scanner/text.h"

namespace nhiscan {

namespace {

std::string csv_field(const std::string& text) {
  const std::string clean = sanitize_utf8(text);
  if (clean.find_first_of(",\"\n\r") == std::string::npos) return clean;
  return "\"" + replace_all(clean, "\"", "\"\"") + "\"";
}

std::string value_of(const std::optional<MetaValue>& value) { return value ? value->value : std::string(); }

/// Text safe inside a Markdown table cell.
std::string cell(const std::string& text) {
  std::string out = replace_all(replace_all(sanitize_utf8(text), "|", "\\|"), "\n", " ");
  return out.empty() ? "–" : out;
}

/// Text safe inside a quoted Mermaid label: quotes and `#` become entity codes, and the
/// characters Mermaid reads as markup are replaced.
std::string label(const std::string& text) {
  std::string out;
  for (const char c : sanitize_utf8(text)) {
    switch (c) {
      case '"': out += "#quot;"; break;
      case '#': out += "#35;"; break;
      case '<': out += "#lt;"; break;
      case '>': out += "#gt;"; break;
      case '`': out += "#96;"; break;
      case '\n':
      case '\r': out += ' '; break;
      default: out += c;
    }
  }
  if (out.size() > 80) {
    std::size_t cut = 77;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out = out.substr(0, cut) + "...";
  }
  return out;
}

/// A graph of one connected component: identities, consumers and roles as nodes.
class Graph {
 public:
  std::string node(const std::string& key, const std::string& shape_open, const std::string& text,
                   const std::string& shape_close) {
    const auto [it, inserted] = ids_.emplace(key, "n" + std::to_string(ids_.size()));
    if (inserted) lines_.push_back("  " + it->second + shape_open + "\"" + label(text) + "\"" + shape_close);
    return it->second;
  }
  void edge(const std::string& from, const std::string& arrow, const std::string& text, const std::string& to) {
    const std::string line = "  " + from + " " + arrow + (text.empty() ? "" : "|\"" + label(text) + "\"|") + " " + to;
    if (edges_.insert(line).second) lines_.push_back(line);
  }
  std::size_t edge_count() const { return edges_.size(); }
  std::string render() const {
    std::string out = "```mermaid\nflowchart LR\n";
    for (const std::string& line : lines_) out += line + "\n";
    return out + "```\n";
  }

 private:
  std::map<std::string, std::string> ids_;
  std::set<std::string> edges_;
  std::vector<std::string> lines_;
};

std::string shape_open(const Identity& identity) {
  if (identity.kind == IdentityKind::federated_trust) return "{{";
  if (is_credential_kind(identity.kind)) return "([";
  return "[";
}

std::string shape_close(const Identity& identity) {
  if (identity.kind == IdentityKind::federated_trust) return "}}";
  if (is_credential_kind(identity.kind)) return "])";
  return "]";
}

std::string identity_label(const Identity& identity) {
  static const std::map<std::string, std::string> kPlatforms = {
      {"gcp", "GCP"}, {"aws", "AWS"}, {"azure", "Azure"}, {"github", "GitHub"}, {"gitlab", "GitLab"}, {"vault", "Vault"}};
  std::string kind = replace_all(to_string(identity.kind), "_", " ");
  if (identity.platform == "kubernetes" && identity.kind == IdentityKind::service_account) {
    kind = "ServiceAccount";
  } else if (const auto platform = kPlatforms.find(identity.platform); platform != kPlatforms.end()) {
    kind = platform->second + " " + kind;
  }
  std::string text = kind + ": " + identity.name;
  if (const auto address = identity.attributes.find("terraform_address"); address != identity.attributes.end()) {
    text += " (" + address->second + ")";
  }
  if (identity.origin == Origin::referenced) text += " (referenced)";
  if (identity.origin == Origin::template_) text += " (template)";
  return text;
}

/// The consumer a graph shows: a workload, or a CI job (its steps folded together).
std::string consumer_key(const Consumer& consumer) {
  if (consumer.kind == "ci-step" || consumer.kind == "ci-login") {
    const std::size_t step = consumer.name.find(", step ");
    return step == std::string::npos ? consumer.name : consumer.name.substr(0, step);
  }
  return consumer.name;
}

constexpr std::size_t kMaxGraphs = 100;
constexpr std::size_t kMaxEdgesPerGraph = 200;

}  // namespace

void write_inventory_csv(std::ostream& out, const ScanResult& result) {
  out << "id,kind,platform,name,origin,file,line,owner,purpose,last_reviewed,review_by,rotation,expires,"
         "credential,admin_grants,grants,consumers,links\n";
  for (const Identity& identity : result.identities) {
    std::string credential;
    if (identity.credential) {
      const Credential& c = *identity.credential;
      credential = c.federated ? "federated" : c.identifier_only ? "identifier" : c.is_static ? "static" : "managed";
      if (!c.long_lived) credential += " short-lived";
    }
    std::size_t admin = 0;
    for (const Grant& grant : identity.grants) admin += grant.admin ? 1 : 0;
    std::vector<std::string> links;
    for (const Link& link : identity.links) links.push_back(std::string(to_string(link.type)) + " " + link.target);
    const Governance& governance = identity.governance;
    out << csv_field(identity.id) << ',' << to_string(identity.kind) << ',' << csv_field(identity.platform) << ','
        << csv_field(identity.name) << ',' << to_string(identity.origin) << ',' << csv_field(identity.location.file)
        << ',' << identity.location.line << ',' << csv_field(value_of(governance.owner)) << ','
        << csv_field(value_of(governance.purpose)) << ',' << csv_field(value_of(governance.last_reviewed)) << ','
        << csv_field(value_of(governance.review_by)) << ',' << csv_field(value_of(governance.rotation)) << ','
        << csv_field(value_of(governance.expires)) << ',' << credential << ',' << admin << ','
        << identity.grants.size() << ',' << identity.consumers.size() << ',' << csv_field(join(links, "; ")) << '\n';
  }
}

void write_inventory_markdown(std::ostream& out, const ScanResult& result) {
  const auto& identities = result.identities;
  std::size_t declared = 0, owned = 0, reviewed = 0, credentials = 0, rotated = 0;
  std::map<std::string, std::size_t> per_platform;
  for (const Identity& identity : identities) {
    if (!is_governed(identity)) continue;
    ++declared;
    ++per_platform[identity.platform + " " + replace_all(to_string(identity.kind), "_", " ")];
    if (identity.governance.owner && owner_problem(identity.governance.owner->value).empty()) ++owned;
    if (identity.governance.review_by || identity.governance.last_reviewed) ++reviewed;
    if (needs_rotation(identity)) {
      ++credentials;
      const bool has_rotation = identity.governance.rotation || identity.governance.expires ||
                                identity.credential->expiry || !identity.credential->rotation_mechanism.empty();
      rotated += has_rotation ? 1 : 0;
    }
  }
  const auto percent = [](std::size_t part, std::size_t whole) {
    return whole ? std::to_string(part * 100 / whole) + "%" : std::string("–");
  };

  out << "# Non-human identity inventory\n\n";
  out << "Scanned " << result.today.to_string() << ": " << identities.size() << " identities, " << declared
      << " of them governed here (declared in the scan, not per-run tokens).\n\n";
  out << "| coverage | identities | share |\n|---|---|---|\n";
  out << "| with an owner | " << owned << " of " << declared << " | " << percent(owned, declared) << " |\n";
  out << "| with a review date | " << reviewed << " of " << declared << " | " << percent(reviewed, declared) << " |\n";
  out << "| long-lived credentials with rotation or expiry | " << rotated << " of " << credentials << " | "
      << percent(rotated, credentials) << " |\n\n";

  out << "| platform and kind | governed identities |\n|---|---|\n";
  for (const auto& [name, count] : per_platform) out << "| " << cell(name) << " | " << count << " |\n";
  out << "\n";

  // Connected components over identities, linked identities, grants and consumers.
  std::map<std::string, std::vector<std::size_t>> by_id;
  for (std::size_t i = 0; i < identities.size(); ++i) by_id[identities[i].id].push_back(i);
  std::vector<std::size_t> parent(identities.size());
  for (std::size_t i = 0; i < parent.size(); ++i) parent[i] = i;
  std::function<std::size_t(std::size_t)> root = [&](std::size_t i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  };
  std::map<std::string, std::size_t> shared_consumers;
  for (std::size_t i = 0; i < identities.size(); ++i) {
    for (const Link& link : identities[i].links) {
      const auto found = by_id.find(link.target);
      if (found != by_id.end()) parent[root(i)] = root(found->second.front());
    }
    for (const Consumer& consumer : identities[i].consumers) {
      const auto [it, inserted] = shared_consumers.emplace(consumer_key(consumer), i);
      if (!inserted) parent[root(i)] = root(it->second);
    }
  }
  std::map<std::size_t, std::vector<std::size_t>> components;
  for (std::size_t i = 0; i < identities.size(); ++i) {
    const Identity& identity = identities[i];
    if (identity.ephemeral) continue;
    components[root(i)].push_back(i);
  }
  std::vector<std::vector<std::size_t>> connected;
  for (auto& [key, members] : components) {
    bool has_edge = false;
    for (const std::size_t i : members) {
      has_edge = has_edge || !identities[i].links.empty() || !identities[i].grants.empty() ||
                 !identities[i].consumers.empty();
    }
    if (has_edge) connected.push_back(members);
  }
  std::sort(connected.begin(), connected.end(), [&](const auto& a, const auto& b) {
    return identities[a.front()].location < identities[b.front()].location;
  });

  out << "## How identities connect\n\n";
  out << "Rectangles are accounts and roles, rounded boxes credentials, hexagons federated "
         "trust, circles granted roles, slanted boxes the workloads and CI jobs that use them. "
         "Dotted arrows are federation.\n\n";
  std::size_t shown = 0;
  for (const auto& members : connected) {
    if (shown == kMaxGraphs) break;
    Graph graph;
    for (const std::size_t i : members) {
      const Identity& identity = identities[i];
      const std::string self = graph.node(identity.id, shape_open(identity), identity_label(identity), shape_close(identity));
      for (const Link& link : identity.links) {
        if (graph.edge_count() >= kMaxEdgesPerGraph) break;
        const auto found = by_id.find(link.target);
        std::string target;
        if (found != by_id.end()) {
          const Identity& other = identities[found->second.front()];
          target = graph.node(other.id, shape_open(other), identity_label(other), shape_close(other));
        } else {
          target = graph.node(link.target, "[", link.target + " (not in scan)", "]");
        }
        const bool federation = link.type == LinkType::federated_with || link.type == LinkType::assumes;
        graph.edge(self, federation ? "-.->" : "-->", replace_all(to_string(link.type), "_", " "), target);
      }
      for (const Grant& grant : identity.grants) {
        if (graph.edge_count() >= kMaxEdgesPerGraph) break;
        const std::string role = graph.node("role:" + grant.role + "@" + grant.scope, "((", grant.role, "))");
        graph.edge(self, "-->", grant.admin ? "ADMIN on " + grant.scope : grant.scope, role);
      }
      for (const Consumer& consumer : identity.consumers) {
        if (graph.edge_count() >= kMaxEdgesPerGraph) break;
        const std::string user = graph.node("consumer:" + consumer_key(consumer), "[/", consumer_key(consumer), "/]");
        graph.edge(user, "-->", consumer.environment.empty() ? "uses" : "uses in " + consumer.environment, self);
      }
    }
    out << "### " << cell(identities[members.front()].location.file) << "\n\n" << graph.render() << "\n";
    ++shown;
  }
  if (connected.size() > shown) {
    out << "_" << (connected.size() - shown) << " more connected groups are not drawn; the table lists every identity._\n\n";
  }

  out << "## Identities\n\n";
  out << "| identity | kind | where | owner | review by | rotation | expires |\n|---|---|---|---|---|---|---|\n";
  for (const Identity& identity : identities) {
    if (identity.ephemeral) continue;
    const Governance& governance = identity.governance;
    out << "| `" << replace_all(cell(identity.id), "`", "'") << "` | " << replace_all(to_string(identity.kind), "_", " ")
        << (identity.origin == Origin::declared ? "" : std::string(" (") + to_string(identity.origin) + ")") << " | "
        << cell(identity.location.file + ":" + std::to_string(identity.location.line)) << " | "
        << cell(value_of(governance.owner)) << " | "
        << cell(value_of(governance.review_by).empty() ? value_of(governance.last_reviewed) : value_of(governance.review_by))
        << " | " << cell(value_of(governance.rotation)) << " | " << cell(value_of(governance.expires)) << " |\n";
  }
}

}  // namespace nhiscan
