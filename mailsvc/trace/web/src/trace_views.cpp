#include "hamail/mailsvc/traceweb/trace_views.h"

#include "hamail/mailsvc/trace/logfmt.h"

namespace hamail::mailsvc::traceweb {

using json = nlohmann::json;

json message_summary_json(const trace::MessageTrace& m) {
  return json{{"queue_id", m.queue_id}, {"message_id", m.message_id}, {"from", m.sender},
              {"to", m.recipients},     {"subject", m.subject},       {"status", m.status},
              {"received", m.first_ts}};
}

json message_page_json(const std::vector<trace::MessageTrace>& found, std::size_t limit) {
  json list = json::array();
  for (std::size_t i = 0; i < found.size() && i < limit; ++i) list.push_back(message_summary_json(found[i]));
  return json{{"messages", std::move(list)}, {"truncated", found.size() > limit}};
}

json message_trace_json(const trace::MessageTrace& m) {
  json out = message_summary_json(m);
  json steps = json::array();
  for (const auto& e : m.timeline) {
    json details = json::object();
    if (auto fields = trace::parse_logfmt(e.details)) {
      for (const auto& f : *fields) details[f.key] = f.value;
    } else if (!e.details.empty()) {
      details["text"] = e.details;  // not logfmt: shown as it is
    }
    steps.push_back(json{{"ts", e.ts},
                         {"node", e.node},
                         {"step", std::string(trace::to_string(e.kind))},
                         {"recipient", e.recipient},
                         {"status", e.status},
                         {"details", std::move(details)}});
  }
  out["timeline"] = std::move(steps);
  return out;
}

json indicators_json(const Indicators& indicators) {
  json hours = json::array();
  for (const auto& h : indicators.hours)
    hours.push_back(json{{"hour", h.hour},
                         {"received", h.received},
                         {"rejected", h.rejected},
                         {"deferred", h.deferred},
                         {"bounced", h.bounced}});
  return json{{"hours", std::move(hours)}, {"queue_size", indicators.queue_size}};
}

}  // namespace hamail::mailsvc::traceweb
