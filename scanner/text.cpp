#include "scanner/text.h"

#include <cstdint>
#include <cstdio>
#include <utility>

namespace nhiscan {

std::string_view trim(std::string_view text) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t at = text.find(separator, start);
    if (at == std::string_view::npos) {
      parts.push_back(text.substr(start));
      return parts;
    }
    parts.push_back(text.substr(start, at - start));
    start = at + 1;
  }
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += separator;
    out += parts[i];
  }
  return out;
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  if (from.empty()) return text;
  std::size_t at = 0;
  while ((at = text.find(from, at)) != std::string::npos) {
    text.replace(at, from.size(), to);
    at += to.size();
  }
  return text;
}

bool glob_match(std::string_view pattern, std::string_view text) {
  enum class Token { literal, any_one, star, double_star, double_star_slash };
  std::vector<std::pair<Token, char>> tokens;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '*' && i + 1 < pattern.size() && pattern[i + 1] == '*') {
      if (i + 2 < pattern.size() && pattern[i + 2] == '/') {
        tokens.emplace_back(Token::double_star_slash, '\0');
        i += 2;
      } else {
        tokens.emplace_back(Token::double_star, '\0');
        ++i;
      }
    } else if (pattern[i] == '*') {
      tokens.emplace_back(Token::star, '\0');
    } else if (pattern[i] == '?') {
      tokens.emplace_back(Token::any_one, '\0');
    } else {
      tokens.emplace_back(Token::literal, pattern[i]);
    }
  }

  // Dynamic programming from the end: after processing token t, next[j] says whether
  // tokens[t..] match text[j..]. Paths and patterns are short, and this cannot
  // backtrack exponentially on a hostile pattern.
  const std::size_t m = text.size();
  std::vector<char> next(m + 1, 0), current(m + 1, 0);
  next[m] = 1;
  for (std::size_t t = tokens.size(); t-- > 0;) {
    const auto [token, literal] = tokens[t];
    bool slash_then_rest = false;  // some '/' at k >= j with tokens[t+1..] matching text[k+1..]
    for (std::size_t j = m + 1; j-- > 0;) {
      const bool has_char = j < m;
      bool ok = false;
      switch (token) {
        case Token::literal:
          ok = has_char && text[j] == literal && next[j + 1];
          break;
        case Token::any_one:
          ok = has_char && text[j] != '/' && next[j + 1];
          break;
        case Token::star:
          ok = next[j] || (has_char && text[j] != '/' && current[j + 1]);
          break;
        case Token::double_star:
          ok = next[j] || (has_char && current[j + 1]);
          break;
        case Token::double_star_slash:
          if (has_char && text[j] == '/' && next[j + 1]) slash_then_rest = true;
          ok = next[j] || slash_then_rest;
          break;
      }
      current[j] = ok;
    }
    std::swap(current, next);
  }
  return next[0];
}

std::string mask_secret(std::string_view value) {
  // Never reveal more than four characters, and fewer for short values, so that a
  // masked short secret cannot be guessed from its visible part.
  std::size_t visible = value.size() >= 16 ? 4 : (value.size() >= 8 ? 2 : 0);
  // Do not cut a UTF-8 sequence in half.
  while (visible > 0 && visible < value.size() &&
         (static_cast<unsigned char>(value[visible]) & 0xC0) == 0x80) {
    --visible;
  }
  return std::string(value.substr(0, visible)) + "****";
}

std::string stable_hash(std::string_view text) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(hash));
  return out;
}

std::string counted(std::size_t count, std::string_view singular, std::string_view plural) {
  return std::to_string(count) + " " + std::string(count == 1 ? singular : plural);
}

}  // namespace nhiscan
