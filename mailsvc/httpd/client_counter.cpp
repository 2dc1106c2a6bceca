#include "hamail/mailsvc/httpd/client_counter.h"

namespace hamail::mailsvc::httpd {

std::string address_of_peer(std::string_view peer) {
  if (peer.starts_with("[")) {
    std::size_t end = peer.find(']');
    return std::string(peer.substr(1, end == std::string_view::npos ? std::string_view::npos : end - 1));
  }
  std::size_t colon = peer.rfind(':');
  if (colon != std::string_view::npos && peer.find(':') == colon) return std::string(peer.substr(0, colon));
  return std::string(peer);
}

bool ClientCounter::acquire(const std::string& address) {
  std::size_t& n = live_[address];
  if (n >= max_) return false;
  ++n;
  return true;
}

void ClientCounter::release(const std::string& address) {
  auto it = live_.find(address);
  if (it == live_.end()) return;
  if (--it->second == 0) live_.erase(it);
}

std::size_t ClientCounter::count(const std::string& address) const {
  auto it = live_.find(address);
  return it == live_.end() ? 0 : it->second;
}

}  // namespace hamail::mailsvc::httpd
