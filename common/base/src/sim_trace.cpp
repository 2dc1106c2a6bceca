#include "hamail/base/sim_trace.h"

#include <utility>

namespace hamail {

SimTrace::SimTrace(std::size_t tail, bool keep_all, TraceSink sink)
    : tail_(tail), keep_all_(keep_all), sink_(std::move(sink)) {}

void SimTrace::add(std::int64_t now_ms, std::string_view node, std::string_view text) {
  std::string l = "t=" + sim_seconds(now_ms) + " ";
  if (!node.empty()) (l += node) += " ";
  l += text;
  if (sink_) sink_(l);
  if (keep_all_) all_.push_back(l);
  last_.push_back(std::move(l));
  if (last_.size() > tail_) last_.pop_front();
}

std::vector<std::string> SimTrace::lines() const {
  return keep_all_ ? all_ : std::vector<std::string>(last_.begin(), last_.end());
}

std::string sim_seconds(std::int64_t ms) {
  return std::to_string(ms / 1000) + "." + std::to_string(1000 + ms % 1000).substr(1);
}

}  // namespace hamail
