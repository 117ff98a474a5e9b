#include "scanner/progress.h"

#include <unistd.h>

#include <cstdio>
#include <string>

namespace nhiscan {

ProgressLine::ProgressLine(bool enabled, std::chrono::milliseconds delay, std::chrono::milliseconds interval)
    : enabled_(enabled), start_(std::chrono::steady_clock::now()), delay_(delay), interval_(interval) {}

ProgressLine::~ProgressLine() { clear(); }

void ProgressLine::update(std::size_t files_read, std::size_t files_total) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(mutex_);
  if (now - start_ < delay_) return;
  // The last file always redraws, so the line never stops short of the total.
  if (drawn_width_ && now - last_draw_ < interval_ && files_read < files_total) return;
  last_draw_ = now;

  const std::string text = "nhiscan: read " + std::to_string(files_read) + "/" + std::to_string(files_total) + " files";
  // Carriage return, then pad with spaces over a longer earlier line; no escape
  // sequences, so that dumb terminals show it too.
  std::string line = "\r" + text;
  if (text.size() < drawn_width_) line += std::string(drawn_width_ - text.size(), ' ');
  drawn_width_ = text.size();
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
}

void ProgressLine::clear() {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (!drawn_width_) return;
  const std::string blank = "\r" + std::string(drawn_width_, ' ') + "\r";
  std::fputs(blank.c_str(), stderr);
  std::fflush(stderr);
  drawn_width_ = 0;
}

bool progress_wanted(bool quiet) { return !quiet && isatty(STDERR_FILENO); }

}  // namespace nhiscan
