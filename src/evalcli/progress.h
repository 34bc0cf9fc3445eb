// A progress bar on stderr, drawn only when stderr is a terminal (CI logs stay clean).
// Not thread-safe.
#pragma once

#include <cstddef>
#include <string>

namespace goldset::evalcli {

class Progress {
 public:
  // `what`: the unit counted, e.g. "items scored".
  explicit Progress(size_t total, std::string what = "items scored");
  void Advance() { Set(done_ + 1, total_); }
  void Set(size_t done, size_t total);
  // Ends the bar's line before a message is printed.
  void Interrupt();

 private:
  size_t done_ = 0, total_;
  std::string what_;
  bool shown_, open_ = false;
};

}  // namespace goldset::evalcli
