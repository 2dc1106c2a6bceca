#include "hamail/mailsvc/daemon/mail_metrics.h"

#include "hamail/metrics/registry.h"
#include "hamail/metrics/text_format.h"

namespace hamail::mailsvc::daemon {

namespace {

const char* to_label(SessionTls tls) {
  switch (tls) {
    case SessionTls::starttls: return "starttls";
    case SessionTls::implicit: return "implicit";
    case SessionTls::none: break;
  }
  return "none";
}

}  // namespace

SessionTls session_tls(ListenerTls listener, bool encrypted) {
  if (listener == ListenerTls::implicit) return SessionTls::implicit;
  return encrypted ? SessionTls::starttls : SessionTls::none;
}

MailMetrics::MailMetrics(std::string daemon, std::vector<std::string> listener_kinds)
    : prefix_("hamail_" + daemon + "_"), listener_kinds_(std::move(listener_kinds)) {
  std::vector<std::vector<std::string>> by_tls;
  for (const auto& k : listener_kinds_) {
    open_[k] = std::make_unique<std::atomic<std::int64_t>>(0);
    for (const char* t : {"none", "starttls", "implicit"}) by_tls.push_back({k, t});
  }
  add_counter("sessions", "Client sessions, counted when they end, by listener and the TLS they used.",
              {"listener", "tls"}, by_tls);
  add_counter("logins", "Logins by result: ok, failed (bad credentials), refused (failed-login limits), error.",
              {"result"}, {{"ok"}, {"failed"}, {"refused"}, {"error"}});
}

void MailMetrics::add_counter(const std::string& name, const std::string& help, std::vector<std::string> label_names,
                              std::vector<std::vector<std::string>> series) {
  CounterFamily f{name, help, std::move(label_names), {}};
  for (auto& labels : series) f.series[std::move(labels)] = std::make_unique<std::atomic<std::uint64_t>>(0);
  counters_.push_back(std::move(f));
}

void MailMetrics::add_gauge(const std::string& name, const std::string& help, std::function<double()> read) {
  gauges_.push_back({name, help, std::move(read)});
}

Counter MailMetrics::counter(const std::string& name, const std::vector<std::string>& labels) const {
  for (const auto& f : counters_) {
    if (f.name != name) continue;
    auto it = f.series.find(labels);
    return it == f.series.end() ? Counter() : Counter(it->second.get());
  }
  return {};
}

void MailMetrics::session_started(const std::string& listener_kind) {
  if (auto it = open_.find(listener_kind); it != open_.end()) it->second->fetch_add(1, std::memory_order_relaxed);
}

void MailMetrics::session_ended(const std::string& listener_kind, SessionTls tls) {
  if (auto it = open_.find(listener_kind); it != open_.end()) it->second->fetch_sub(1, std::memory_order_relaxed);
  counter("sessions", {listener_kind, to_label(tls)}).inc();
}

std::string MailMetrics::render() const {
  // A fresh registry per scrape: the values live in the atomics and the daemon's state.
  // The declarations are fixed and valid (the unit tests render every family).
  metrics::Registry r;
  (void)r.add_gauge(prefix_ + "sessions_open", "Client sessions open now, by listener.", {"listener"});
  for (const auto& k : listener_kinds_)
    (void)r.set(prefix_ + "sessions_open", {k}, static_cast<double>(open_.at(k)->load(std::memory_order_relaxed)));
  for (const auto& f : counters_) {
    std::string name = prefix_ + f.name + "_total";
    (void)r.add_counter(name, f.help, f.label_names);
    for (const auto& [labels, value] : f.series)
      (void)r.inc(name, labels, static_cast<double>(value->load(std::memory_order_relaxed)));
  }
  for (const auto& g : gauges_) {
    std::string name = prefix_ + g.name;
    (void)r.add_gauge(name, g.help);
    (void)r.set(name, g.read());
  }
  return metrics::render_text(r);
}

}  // namespace hamail::mailsvc::daemon
