// Parse speed of three YAML event parsers (libyaml, libfyaml, yaml-cpp) over the files
// named on standard input, one path per line. The files are read into memory first.
// Then each is parsed to the end of its stream or its first error, events only.
// Usage: yaml_events libyaml|libfyaml|yaml-cpp < LIST
// bench/run.sh builds it when the three libraries' development packages are present.
#include <libfyaml.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>
#include <yaml.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

/// Counts yaml-cpp's events and does nothing else.
struct CountingHandler : YAML::EventHandler {
  long events = 0;
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override { ++events; }
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override { ++events; }
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override { ++events; }
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    ++events;
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    ++events;
  }
  void OnMapEnd() override {}
};

/// Returns false when the parser stopped at an error.
bool parse_libyaml(const std::string& text, long& events) {
  yaml_parser_t parser;
  yaml_parser_initialize(&parser);
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  bool ok = true;
  for (bool done = false; !done;) {
    yaml_event_t event;
    if (!yaml_parser_parse(&parser, &event)) {
      ok = false;
      break;
    }
    ++events;
    done = event.type == YAML_STREAM_END_EVENT;
    yaml_event_delete(&event);
  }
  yaml_parser_delete(&parser);
  return ok;
}

bool parse_libfyaml(const std::string& text, long& events) {
  fy_parse_cfg config{};
  config.flags = FYPCF_QUIET;
  fy_parser* parser = fy_parser_create(&config);
  fy_parser_set_string(parser, text.data(), text.size());
  while (fy_event* event = fy_parser_parse(parser)) {
    ++events;
    fy_parser_event_free(parser, event);
  }
  const bool ok = !fy_parser_get_stream_error(parser);
  fy_parser_destroy(parser);
  return ok;
}

bool parse_yaml_cpp(const std::string& text, long& events) {
  std::istringstream input(text);
  YAML::Parser parser(input);
  CountingHandler handler;
  bool ok = true;
  try {
    // Bounded: yaml-cpp 0.7 can return endless empty documents on some invalid input.
    for (int documents = 0; documents < 10000 && parser.HandleNextDocument(handler); ++documents) {
    }
  } catch (const YAML::Exception&) {
    ok = false;
  }
  events += handler.events;
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string parser = argc > 1 ? argv[1] : "";
  if (parser != "libyaml" && parser != "libfyaml" && parser != "yaml-cpp") {
    std::cerr << "usage: yaml_events libyaml|libfyaml|yaml-cpp < LIST\n";
    return 2;
  }
  std::vector<std::string> texts;
  std::size_t bytes = 0;
  for (std::string path; std::getline(std::cin, path);) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    texts.push_back(text.str());
    bytes += texts.back().size();
  }

  long events = 0, failed = 0;
  const auto start = std::chrono::steady_clock::now();
  for (const std::string& text : texts) {
    bool ok = true;
    if (parser == "libyaml") ok = parse_libyaml(text, events);
    if (parser == "libfyaml") ok = parse_libfyaml(text, events);
    if (parser == "yaml-cpp") ok = parse_yaml_cpp(text, events);
    failed += ok ? 0 : 1;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%s %zu %.1f %ld %ld %.3f %.1f\n", parser.c_str(), texts.size(), bytes / 1e6, events, failed, seconds,
              bytes / 1e6 / seconds);
  return 0;
}
