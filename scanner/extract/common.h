// What every extractor shares: the file being read and where results go.
#pragma once

#include <string>
#include <vector>

#include "scanner/comments.h"
#include "scanner/model.h"
#include "scanner/source.h"

namespace nhiscan {

struct ExtractOutput {
  std::vector<Identity> identities;
  std::vector<Observation> observations;
  std::vector<Diagnostic> diagnostics;
};

/// A file with its comment index, as extractors see it.
struct FileView {
  const SourceText* source = nullptr;
  const CommentIndex* comments = nullptr;
};

/// A token the CI system makes for each run and lets expire with it (a job token, an
/// OIDC token): ephemeral, short-lived, federated when it is an OIDC token.
Identity per_run_token(const std::string& id, IdentityKind kind, const std::string& platform, const std::string& name,
                       const Location& location, bool federated);

/// Governance metadata from `# nhi: key=value ...` comments bound to the declaration
/// that spans [line, end].
std::vector<MetaEntry> comment_metadata(const FileView& file, uint32_t line, uint32_t end);

/// Append `entries` to an identity's native metadata.
void add_native_metadata(Identity& identity, std::vector<MetaEntry> entries);

/// A placeholder rather than a value: empty, `<TOKEN>`, `REPLACE_ME`, `changeme`,
/// `xxx`, `${VAR}`, `$(VAR)`, `{{ .Values.x }}` and the like.
bool is_placeholder(std::string_view value);

/// A value that is an expression of the CI system or template engine, not a literal.
bool is_expression(std::string_view value);

/// Field names under which a literal is a secret: password, secret, token, api_key,
/// private_key, client_secret, access_key, credentials and their spellings.
bool is_secret_field_name(std::string_view name);

}  // namespace nhiscan
