#include "scanner/progress.h"

#include <unistd.h>

#include <string>

namespace nhiscan {

ProgressLine::ProgressLine(std::FILE* stream, std::chrono::milliseconds delay, std::chrono::milliseconds interval)
    : stream_(stream), start_(std::chrono::steady_clock::now()), delay_(delay), interval_(interval) {}

ProgressLine::~ProgressLine() { clear(); }

void ProgressLine::update(std::size_t files_read, std::size_t files_total) {
  if (!stream_) return;
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(mutex_);
  if (staged_ || now - start_ < delay_) return;
  // Workers report out of order, so a count not above the one shown is stale.
  if (drawn_width_ && files_read <= drawn_count_) return;
  // The last file always redraws, so the line never stops short of the total.
  if (drawn_width_ && now - last_draw_ < interval_ && files_read < files_total) return;
  last_draw_ = now;
  drawn_count_ = files_read;
  draw("nhiscan: read " + std::to_string(files_read) + "/" + std::to_string(files_total) + " files");
}

void ProgressLine::stage(const std::string& text) {
  if (!stream_) return;
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(mutex_);
  staged_ = true;
  if (now - start_ < delay_) return;
  last_draw_ = now;
  draw("nhiscan: " + text);
}

void ProgressLine::draw(const std::string& text) {
  // A carriage return, then spaces over the rest of a longer earlier line. There are
  // no escape sequences, so dumb terminals show the line too.
  std::string line = "\r" + text;
  if (text.size() < drawn_width_) line += std::string(drawn_width_ - text.size(), ' ');
  drawn_width_ = text.size();
  std::fputs(line.c_str(), stream_);
  std::fflush(stream_);
}

void ProgressLine::clear() {
  if (!stream_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (!drawn_width_) return;
  const std::string blank = "\r" + std::string(drawn_width_, ' ') + "\r";
  std::fputs(blank.c_str(), stream_);
  std::fflush(stream_);
  drawn_width_ = 0;
}

bool progress_wanted(bool quiet) { return !quiet && isatty(STDERR_FILENO); }

}  // namespace nhiscan
