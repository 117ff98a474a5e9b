// A progress line on standard error for scans that take a while on a terminal.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <mutex>
#include <string>

namespace nhiscan {

/// Draws "nhiscan: read N/TOTAL files" on `stream` (a terminal) while the files of a
/// scan are read, then the stage that follows ("nhiscan: checking N identities"), and
/// erases the line when the scan ends. Nothing is drawn before `delay` has passed, so
/// short scans print nothing, and the count is redrawn at most once per `interval`. A
/// null stream draws nothing. `update` may be called from several threads at once.
class ProgressLine {
 public:
  explicit ProgressLine(std::FILE* stream, std::chrono::milliseconds delay = std::chrono::milliseconds(500),
                        std::chrono::milliseconds interval = std::chrono::milliseconds(250));
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  void update(std::size_t files_read, std::size_t files_total);
  /// Shows `text` after "nhiscan: " once the delay has passed. Counts reported after
  /// a stage are not drawn.
  void stage(const std::string& text);
  /// Erase the line if one was drawn. Called by the destructor too.
  void clear();

 private:
  std::FILE* stream_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  std::chrono::milliseconds delay_;
  std::chrono::milliseconds interval_;
  std::size_t drawn_width_ = 0;  // characters of the line on screen; 0: nothing drawn
  std::size_t drawn_count_ = 0;  // files read in the line on screen
  bool staged_ = false;          // whether a stage began, after which counts are not drawn
  std::mutex mutex_;

  void draw(const std::string& text);  // with mutex_ held
};

/// Whether a progress line may be drawn: standard error is a terminal and the output
/// is not quiet.
bool progress_wanted(bool quiet);

}  // namespace nhiscan
