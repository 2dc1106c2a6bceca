// A mail daemon's Prometheus metrics (smtpd, pop3d, imapd; served by common/metrics'
// MetricsServer): counters bumped where the daemon logs the same events, on the loop or on
// libuv's pool (atomics, no lock), and gauges read from the daemon's state at each scrape.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "hamail/mailsvc/daemon/daemon_config.h"

namespace hamail::mailsvc::daemon {

// One counter series: a handle valid as long as its MailMetrics. A default one counts nothing.
class Counter {
 public:
  Counter() = default;
  explicit Counter(std::atomic<std::uint64_t>* value) : value_(value) {}
  void inc(std::uint64_t by = 1) const {
    if (value_) value_->fetch_add(by, std::memory_order_relaxed);
  }
  bool counts() const { return value_ != nullptr; }

 private:
  std::atomic<std::uint64_t>* value_ = nullptr;
};

// The TLS a client session used, told when it ends: implicit (from the first byte),
// starttls (upgraded on the plain port) or none.
enum class SessionTls { none, starttls, implicit };
SessionTls session_tls(ListenerTls listener, bool encrypted);

// The families are declared before the daemon serves (not thread-safe); counting, the
// session calls and render() may then run at once (render() on the loop: it calls the gauges).
class MailMetrics {
 public:
  // `daemon` names the families (hamail_<daemon>_...); `listener_kinds` are the label values
  // of `listener` (all of its schema's kinds, whether configured or not: a fixed set).
  // Declared here: sessions_open{listener}, sessions_total{listener,tls},
  // logins_total{result=ok|failed|refused|error}.
  MailMetrics(std::string daemon, std::vector<std::string> listener_kinds);
  MailMetrics(const MailMetrics&) = delete;
  MailMetrics& operator=(const MailMetrics&) = delete;

  // A counter family hamail_<daemon>_<name>_total with its series, every one at 0 from the
  // start (label values in label_names' order; no label names: one series {}).
  void add_counter(const std::string& name, const std::string& help, std::vector<std::string> label_names = {},
                   std::vector<std::vector<std::string>> series = {{}});
  // A gauge hamail_<daemon>_<name> whose value `read` gives at each scrape.
  void add_gauge(const std::string& name, const std::string& help, std::function<double()> read);

  // The handle of a declared series (name as given to add_counter); undeclared: counts nothing.
  Counter counter(const std::string& name, const std::vector<std::string>& labels = {}) const;

  void session_started(const std::string& listener_kind);
  void session_ended(const std::string& listener_kind, SessionTls tls);
  // ok; failed: bad credentials; refused: past the failed-login limits; error: a temporary failure.
  void login(const char* result) const { counter("logins", {result}).inc(); }

  // The exposition text (Prometheus 0.0.4) of every family, at this moment.
  std::string render() const;

 private:
  struct CounterFamily {
    std::string name;
    std::string help;
    std::vector<std::string> label_names;
    std::map<std::vector<std::string>, std::unique_ptr<std::atomic<std::uint64_t>>> series;
  };
  struct GaugeFamily {
    std::string name;
    std::string help;
    std::function<double()> read;
  };

  std::string prefix_;
  std::vector<std::string> listener_kinds_;
  std::map<std::string, std::unique_ptr<std::atomic<std::int64_t>>> open_;  // by listener kind
  std::vector<CounterFamily> counters_;
  std::vector<GaugeFamily> gauges_;
};

}  // namespace hamail::mailsvc::daemon
