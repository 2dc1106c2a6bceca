// Live connections per client address, so that one address cannot take all of httpd's
// connections (max_connections_per_ip); a connection takes a slot when it starts and
// gives it back when it ends.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

namespace hamail::mailsvc::httpd {

// "192.0.2.1" from "192.0.2.1:5000", "2001:db8::1" from "[2001:db8::1]:5000".
std::string address_of_peer(std::string_view peer);

class ClientCounter {
 public:
  explicit ClientCounter(std::size_t max_per_address) : max_(max_per_address) {}
  // False when `address` already has max_per_address connections.
  bool acquire(const std::string& address);
  void release(const std::string& address);
  std::size_t count(const std::string& address) const;

 private:
  std::size_t max_;
  std::map<std::string, std::size_t> live_;
};

}  // namespace hamail::mailsvc::httpd
