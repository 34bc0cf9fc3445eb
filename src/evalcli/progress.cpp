#include "evalcli/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace goldset::evalcli {

Progress::Progress(size_t total, std::string what)
    : total_(total), what_(std::move(what)), shown_(isatty(STDERR_FILENO)) {}

void Progress::Set(size_t done, size_t total) {
  // Redrawn at most 1,000 times over a run (a folder of 100,000 files would flood the terminal).
  const bool moved = total == 0 || done >= total || total != total_ || done * 1000 / total != done_ * 1000 / total;
  done_ = done;
  total_ = total;
  if (!shown_ || total_ == 0 || !moved) return;
  const size_t width = 40, filled = width * std::min(done_, total_) / total_;
  std::fprintf(stderr, "\r[%s%s] %zu/%zu %s", std::string(filled, '#').c_str(),
               std::string(width - filled, ' ').c_str(), done_, total_, what_.c_str());
  open_ = done_ < total_;
  if (!open_) std::fputc('\n', stderr);
  std::fflush(stderr);
}

void Progress::Interrupt() {
  if (open_) std::fputc('\n', stderr);
  open_ = false;
}

}  // namespace goldset::evalcli
