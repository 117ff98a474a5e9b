#include "scanner/comments.h"

#include <algorithm>

#include "scanner/metadata.h"
#include "scanner/text.h"

namespace nhiscan {

namespace {

std::size_t indentation(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size() && line[i] == ' ') ++i;
  return i;
}

/// If `content` (a line without its comment) ends with a block scalar indicator
/// (`|`, `>`, with optional chomping and indentation indicators), the 0-based column
/// that the block's content must be indented past; else npos.
std::size_t block_scalar_owner(std::string_view content) {
  std::string_view rest = content;
  while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t' || rest.back() == '\r')) rest.remove_suffix(1);
  const std::size_t space = rest.find_last_of(" \t");
  const std::size_t token_start = space == std::string_view::npos ? 0 : space + 1;
  const std::string_view token = rest.substr(token_start);
  if (token.empty() || (token[0] != '|' && token[0] != '>') || token.size() > 3) return std::string_view::npos;
  for (const char c : token.substr(1)) {
    if (c != '+' && c != '-' && (c < '1' || c > '9')) return std::string_view::npos;
  }

  // The indicator must follow a key ("key: |"), a sequence dash ("- |") or a tag after
  // either ("key: !!str |").
  std::string_view before = trim(rest.substr(0, token_start));
  const std::size_t tag_space = before.find_last_of(" \t");
  const std::string_view last_token = before.substr(tag_space == std::string_view::npos ? 0 : tag_space + 1);
  if (starts_with(last_token, "!")) before = trim(before.substr(0, before.size() - last_token.size()));
  const bool after_dash = before == "-" || ends_with(before, " -");
  if (!ends_with(before, ":") && !after_dash) return std::string_view::npos;

  // Owner column: the key's column for "key: |" (also in "- key: |"); the last dash
  // for "- |".
  const std::size_t indent = indentation(content);
  std::size_t at = indent;
  std::size_t last_dash = std::string_view::npos;
  while (at + 1 < content.size() && content[at] == '-' && (content[at + 1] == ' ' || content[at + 1] == '\t')) {
    last_dash = at;
    at += 2;
    while (at < content.size() && content[at] == ' ') ++at;
  }
  if (at < content.size() && (content[at] == '|' || content[at] == '>' || content[at] == '!')) {
    return last_dash != std::string_view::npos ? last_dash : indent;
  }
  return at;
}

}  // namespace

std::vector<Comment> yaml_comments(const SourceText& source) {
  std::vector<Comment> comments;
  // Most generated manifests have no comment at all.
  if (source.text().find('#') == std::string::npos) return comments;
  std::size_t block_owner = std::string_view::npos;  // inside a block scalar when set
  char open_quote = 0;                                 // inside a multi-line quoted scalar

  for (uint32_t number = 1; number <= source.line_count(); ++number) {
    const std::string_view line = source.line(number);

    if (block_owner != std::string_view::npos) {
      if (trim(line).empty()) continue;
      const bool marker = starts_with(line, "---") || starts_with(line, "...");
      if (indentation(line) > block_owner && !marker) continue;
      block_owner = std::string_view::npos;
    }

    std::size_t i = 0;
    std::size_t comment_at = std::string_view::npos;
    if (open_quote) {
      // Continue a quoted scalar from an earlier line.
      while (i < line.size()) {
        if (open_quote == '"' && line[i] == '\\') {
          i += 2;
          continue;
        }
        if (line[i] == open_quote) {
          if (open_quote == '\'' && i + 1 < line.size() && line[i + 1] == '\'') {
            i += 2;
            continue;
          }
          open_quote = 0;
          ++i;
          break;
        }
        ++i;
      }
      if (open_quote) continue;
    }

    char previous = ' ';  // last non-space character before i on this line
    bool at_start = true;
    for (; i < line.size(); ++i) {
      const char c = line[i];
      if (c == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) {
        comment_at = i;
        break;
      }
      // A quote opens a quoted scalar only where a scalar can begin.
      if ((c == '"' || c == '\'') &&
          (at_start || previous == ':' || previous == '-' || previous == '[' || previous == '{' ||
           previous == ',' || previous == '?')) {
        const char quote = c;
        std::size_t k = i + 1;
        bool closed = false;
        while (k < line.size()) {
          if (quote == '"' && line[k] == '\\') {
            k += 2;
            continue;
          }
          if (line[k] == quote) {
            if (quote == '\'' && k + 1 < line.size() && line[k + 1] == '\'') {
              k += 2;
              continue;
            }
            closed = true;
            break;
          }
          ++k;
        }
        if (!closed) {
          open_quote = quote;
          i = line.size();
          break;
        }
        i = k;
        previous = quote;
        at_start = false;
        continue;
      }
      if (c != ' ' && c != '\t') {
        previous = c;
        at_start = false;
      }
    }

    const std::string_view content = line.substr(0, std::min(comment_at, line.size()));
    if (comment_at != std::string_view::npos) {
      Comment comment;
      comment.line = number;
      comment.column = static_cast<uint32_t>(comment_at) + 1;
      comment.end_line = number;
      comment.own_line = trim(content).empty();
      comment.body = comment_body(line.substr(comment_at));
      comments.push_back(std::move(comment));
    }
    if (!open_quote) block_owner = block_scalar_owner(content);
  }
  return comments;
}

std::vector<Comment> hcl_comments(const HclFile& file) {
  std::vector<Comment> comments;
  comments.reserve(file.comments.size());
  for (const HclComment& raw : file.comments) {
    Comment comment;
    comment.line = raw.line;
    comment.column = raw.column;
    comment.end_line = raw.end_line;
    comment.own_line = raw.own_line;
    comment.body = comment_body(raw.text);
    comments.push_back(std::move(comment));
  }
  return comments;
}

CommentIndex::CommentIndex(const SourceText& source, std::vector<Comment> comments, std::vector<Span> spans)
    : source_(&source), comments_(std::move(comments)), spans_(std::move(spans)) {
  comment_only_.assign(source.line_count() + 2, false);
  for (uint32_t line = 1; line <= source.line_count(); ++line) {
    if (trim(source.line(line)).empty()) comment_only_[line] = true;
  }
  for (const Comment& comment : comments_) {
    if (!comment.own_line) continue;
    for (uint32_t line = comment.line; line <= std::max(comment.line, comment.end_line); ++line) {
      if (line < comment_only_.size()) comment_only_[line] = true;
    }
  }
  std::sort(spans_.begin(), spans_.end(), [](const Span& a, const Span& b) {
    return a.start != b.start ? a.start < b.start : a.end > b.end;
  });
}

bool CommentIndex::is_blank_or_comment_line(uint32_t line) const {
  return line < comment_only_.size() && comment_only_[line];
}

uint32_t CommentIndex::target_line(const Comment& comment) const {
  if (!comment.own_line) return comment.line;
  const uint32_t last = static_cast<uint32_t>(source_ ? source_->line_count() : 0);
  for (uint32_t line = std::max(comment.line, comment.end_line) + 1; line <= last; ++line) {
    if (!is_blank_or_comment_line(line)) return line;
  }
  return 0;
}

Span CommentIndex::scope(const Comment& comment) const {
  const uint32_t target = target_line(comment);
  if (target == 0) return {0, 0};
  if (comment.own_line) {
    // Largest span starting at the target line (spans are sorted so that it comes first).
    const auto it = std::lower_bound(spans_.begin(), spans_.end(), target,
                                     [](const Span& span, uint32_t line) { return span.start < line; });
    if (it != spans_.end() && it->start == target) return *it;
    return {target, target};
  }
  // Innermost span containing the line.
  Span best{target, target};
  bool found = false;
  for (const Span& span : spans_) {
    if (span.start > target) break;
    if (span.end < target) continue;
    if (!found || span.end - span.start <= best.end - best.start) {
      best = span;
      found = true;
    }
  }
  return best;
}

std::vector<const Comment*> CommentIndex::comments_for(uint32_t line, uint32_t end) const {
  std::vector<const Comment*> found;
  for (const Comment& comment : comments_) {
    if (comment.own_line) {
      // Directly above: the comment's target line is the declaration's first line, and
      // no blank line separates them.
      if (comment.line < line && target_line(comment) == line) {
        bool adjacent = true;
        for (uint32_t between = std::max(comment.line, comment.end_line) + 1; between < line; ++between) {
          if (trim(source_->line(between)).empty()) adjacent = false;
        }
        if (adjacent) found.push_back(&comment);
      } else if (comment.line > line && comment.line <= end) {
        // First line inside the declaration: only comments before any code in it.
        bool first = true;
        for (uint32_t between = line + 1; between < comment.line; ++between) {
          if (!is_blank_or_comment_line(between)) first = false;
        }
        if (first) found.push_back(&comment);
      }
    } else if (comment.line == line) {
      found.push_back(&comment);
    }
  }
  return found;
}

}  // namespace nhiscan
