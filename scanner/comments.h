// Comments of a scanned file and the rules that bind them to declarations.
//
// A structured comment (`# nhi: ...` metadata or a `nhiscan:ignore` exception)
// belongs to the declaration that starts on the next line that is neither blank nor
// a comment, or, when it trails code on a line, to the innermost declaration that
// contains that line.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scanner/hcl.h"
#include "scanner/source.h"

namespace nhiscan {

struct Comment {
  uint32_t line = 0;
  uint32_t column = 0;    // 1-based byte column of the comment marker
  uint32_t end_line = 0;  // for block comments
  bool own_line = false;  // only whitespace precedes it on its line
  std::string body;       // text without the marker
};

/// Comments of a YAML file, found in the raw text: `#` at the start of a line or after
/// whitespace, outside quoted strings and block scalars (shell in `run: |` is text).
std::vector<Comment> yaml_comments(const SourceText& source);

/// Comments of an HCL file, as tree-sitter found them.
std::vector<Comment> hcl_comments(const HclFile& file);

/// A region that structured comments can bind to: a Terraform block, a YAML mapping
/// entry or sequence item, a YAML document.
struct Span {
  uint32_t start = 0;
  uint32_t end = 0;
};

class CommentIndex {
 public:
  CommentIndex() = default;
  CommentIndex(const SourceText& source, std::vector<Comment> comments, std::vector<Span> spans);

  const std::vector<Comment>& comments() const { return comments_; }

  /// The line a comment binds to: for a comment on its own line, the next line that is
  /// neither blank nor a comment (0 at the end of the file); for a trailing comment,
  /// its own line.
  uint32_t target_line(const Comment& comment) const;

  /// The region a comment applies to: the largest span that starts on its target line
  /// (own-line comments) or the innermost span containing its line (trailing ones).
  /// Falls back to the target line alone.
  Span scope(const Comment& comment) const;

  /// Comments that describe a declaration starting at `line`: own-line comments right
  /// above it, a trailing comment on it, and an own-line comment as the first line
  /// inside it (before `end`).
  std::vector<const Comment*> comments_for(uint32_t line, uint32_t end) const;

 private:
  bool is_blank_or_comment_line(uint32_t line) const;

  const SourceText* source_ = nullptr;
  std::vector<Comment> comments_;
  std::vector<Span> spans_;
  std::vector<bool> comment_only_;  // per line (1-based): blank or comment only
};

}  // namespace nhiscan
