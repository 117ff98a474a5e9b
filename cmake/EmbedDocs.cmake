# Generates a C++ source that embeds each rule's Markdown page, so that SARIF help
# and `nhiscan explain` need no files at run time.
# Inputs: OUT (the .cpp to write) and DOCS (a ;-list of .md files named after rule ids).
set(content "// Generated from rules/*.md by cmake/EmbedDocs.cmake. Do not edit.\n")
string(APPEND content "#include <map>\n#include <string>\n\nnamespace nhiscan {\n\n")
string(APPEND content "const std::map<std::string, std::string>& rule_documents() {\n")
string(APPEND content "  static const std::map<std::string, std::string> documents = {\n")
foreach(doc IN LISTS DOCS)
  get_filename_component(stem "${doc}" NAME_WE)
  file(READ "${doc}" text)
  # A raw string literal keeps the Markdown byte for byte; the delimiter cannot occur in docs.
  string(APPEND content "    {\"${stem}\", R\"nhidoc(${text})nhidoc\"},\n")
endforeach()
string(APPEND content "  };\n  return documents;\n}\n\n}  // namespace nhiscan\n")
file(WRITE "${OUT}.tmp" "${content}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
