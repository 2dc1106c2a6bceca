#include "hamail/mailsvc/smtpd/queue_listing.h"

#include <ctime>

#include <nlohmann/json.hpp>

namespace hamail::mailsvc::smtpd {

namespace {

std::string utc(std::int64_t t) {
  if (t <= 0) return "-";
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  ::gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

std::string format_queue_text(const std::vector<QueuedMessage>& messages) {
  std::string out;
  std::uint64_t total = 0;
  for (const auto& m : messages) {
    total += m.size;
    char head[256];
    std::snprintf(head, sizeof head, "%-30s %9llu %s  %s\n", m.env.id.c_str(), static_cast<unsigned long long>(m.size),
                  utc(m.env.arrival).c_str(), m.env.from.empty() ? "<>" : m.env.from.c_str());
    out += head;
    if (m.env.attempts)
      out += "    attempts " + std::to_string(m.env.attempts) + ", last " + utc(m.env.last_attempt) + "\n";
    for (const auto& r : m.env.recipients) {
      out += "    " + std::string(to_string(r.state)) + " " + r.address;
      if (!r.status.empty()) out += " " + r.status;
      if (!r.diagnostic.empty()) out += " (" + r.diagnostic + ")";
      out += "\n";
    }
  }
  out += "-- " + std::to_string(messages.size()) + " message(s), " + std::to_string(total) + " bytes\n";
  return out;
}

std::string format_queue_json(const std::vector<QueuedMessage>& messages) {
  nlohmann::json all = nlohmann::json::array();
  for (const auto& m : messages) {
    nlohmann::json rcpts = nlohmann::json::array();
    for (const auto& r : m.env.recipients)
      rcpts.push_back({{"address", r.address}, {"state", to_string(r.state)}, {"status", r.status},
                       {"remote_mta", r.remote_mta}, {"diagnostic", r.diagnostic}});
    all.push_back({{"id", m.env.id}, {"size", m.size}, {"arrival", utc(m.env.arrival)}, {"from", m.env.from},
                   {"message_id", m.env.message_id}, {"attempts", m.env.attempts},
                   {"last_attempt", utc(m.env.last_attempt)}, {"recipients", rcpts}});
  }
  return all.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace hamail::mailsvc::smtpd
