// Regular expressions that long input cannot turn into a stack overflow.
#pragma once

#include <regex>

namespace nhiscan {

/// Syntax options for every std::regex of the scanner. libstdc++'s default matcher
/// recurses once for each character that a repetition matches, so matching a 30 KB
/// string overflowed an 8 MB stack. Its breadth-first matcher (`__polynomial`) recurses
/// only as deep as the pattern is long. It rejects back-references, which no pattern
/// here uses. NOTE: with another standard library the flag is left out, and a long
/// string may overflow the stack again.
inline constexpr std::regex::flag_type kRegexSyntax = std::regex::ECMAScript
#ifdef __GLIBCXX__
                                                      | std::regex_constants::__polynomial
#endif
    ;

}  // namespace nhiscan
