// A tiny DNS server for the resolver tests: a thread answering UDP queries on
// 127.0.0.1:<port it bound> from a table of canned records (MX, A, AAAA, CNAME), with
// NXDOMAIN / SERVFAIL / no answer on demand. It only ever replies to who asked.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace hamail::mailsvc::outbound::testing {

class FakeDnsServer {
 public:
  FakeDnsServer();   // binds and starts; port() == 0 when binding failed
  ~FakeDnsServer();  // stops the thread (it polls every 20 ms)
  FakeDnsServer(const FakeDnsServer&) = delete;
  FakeDnsServer& operator=(const FakeDnsServer&) = delete;

  std::uint16_t port() const { return port_; }

  void add_mx(const std::string& name, std::uint16_t preference, const std::string& target);  // "" = "."
  void add_a(const std::string& name, const std::string& ip);
  void add_aaaa(const std::string& name, const std::string& ip);
  void add_cname(const std::string& name, const std::string& target);
  void servfail(const std::string& name);  // rcode 2 for every type
  void drop(const std::string& name);      // never answered (a timeout)
  // Like a recursive server, answers include the records of a CNAME's target (default);
  // false: the answer stops at the CNAME.
  void set_follow_cnames(bool follow);

  int queries() const { return queries_.load(); }  // questions received

 private:
  struct Record {
    std::string name;
    std::uint16_t type;
    std::string rdata;  // wire form
  };
  void run();
  std::string answer(const std::string& query);
  void add(const std::string& name, std::uint16_t type, std::string rdata);

  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> queries_{0};
  mutable std::mutex mu_;
  std::vector<Record> records_;
  std::set<std::string> servfail_;
  std::set<std::string> drop_;
  bool follow_cnames_ = true;
  std::thread thread_;
};

}  // namespace hamail::mailsvc::outbound::testing
