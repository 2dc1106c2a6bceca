#include "fake_dns_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <optional>

namespace hamail::mailsvc::outbound::testing {
namespace {

constexpr std::uint16_t kA = 1, kCname = 5, kMx = 15, kAaaa = 28;
constexpr int kMaxChain = 8;

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

// Uncompressed wire form: length-prefixed labels, then 0.
std::string encode_name(const std::string& name) {
  std::string out;
  std::size_t pos = 0;
  while (pos < name.size()) {
    std::size_t dot = name.find('.', pos);
    if (dot == std::string::npos) dot = name.size();
    out += static_cast<char>(dot - pos);
    out += name.substr(pos, dot - pos);
    pos = dot + 1;
  }
  out += '\0';
  return out;
}

void put16(std::string& s, unsigned v) {
  s += static_cast<char>((v >> 8) & 0xff);
  s += static_cast<char>(v & 0xff);
}

unsigned get16(const std::string& s, std::size_t at) {
  return (static_cast<unsigned char>(s[at]) << 8) | static_cast<unsigned char>(s[at + 1]);
}

}  // namespace

FakeDnsServer::FakeDnsServer() {
  fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return;
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sa.sin_port = 0;
  socklen_t len = sizeof sa;
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 ||
      ::getsockname(fd_, reinterpret_cast<sockaddr*>(&sa), &len) != 0) {
    ::close(fd_);
    fd_ = -1;
    return;
  }
  port_ = ntohs(sa.sin_port);
  thread_ = std::thread([this] { run(); });
}

FakeDnsServer::~FakeDnsServer() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (fd_ >= 0) ::close(fd_);
}

void FakeDnsServer::add(const std::string& name, std::uint16_t type, std::string rdata) {
  std::lock_guard lock(mu_);
  records_.push_back({lower(name), type, std::move(rdata)});
}

void FakeDnsServer::add_mx(const std::string& name, std::uint16_t preference, const std::string& target) {
  std::string rdata;
  put16(rdata, preference);
  rdata += encode_name(lower(target));
  add(name, kMx, std::move(rdata));
}

void FakeDnsServer::add_a(const std::string& name, const std::string& ip) {
  in_addr a{};
  ::inet_pton(AF_INET, ip.c_str(), &a);
  add(name, kA, std::string(reinterpret_cast<const char*>(&a), 4));
}

void FakeDnsServer::add_aaaa(const std::string& name, const std::string& ip) {
  in6_addr a{};
  ::inet_pton(AF_INET6, ip.c_str(), &a);
  add(name, kAaaa, std::string(reinterpret_cast<const char*>(&a), 16));
}

void FakeDnsServer::add_cname(const std::string& name, const std::string& target) {
  add(name, kCname, encode_name(lower(target)));
}

void FakeDnsServer::servfail(const std::string& name) {
  std::lock_guard lock(mu_);
  servfail_.insert(lower(name));
}

void FakeDnsServer::drop(const std::string& name) {
  std::lock_guard lock(mu_);
  drop_.insert(lower(name));
}

void FakeDnsServer::set_follow_cnames(bool follow) {
  std::lock_guard lock(mu_);
  follow_cnames_ = follow;
}

void FakeDnsServer::run() {
  while (!stop_) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 20) <= 0) continue;
    char buf[4096];
    sockaddr_in from{};
    socklen_t len = sizeof from;
    ssize_t n = ::recvfrom(fd_, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
    if (n <= 0) continue;
    std::string reply = answer(std::string(buf, static_cast<std::size_t>(n)));
    if (!reply.empty())
      ::sendto(fd_, reply.data(), reply.size(), 0, reinterpret_cast<const sockaddr*>(&from), len);
  }
}

// The reply to one query, or "" for none (malformed, or a dropped name).
std::string FakeDnsServer::answer(const std::string& q) {
  if (q.size() < 12 || get16(q, 4) != 1) return {};
  // Question: labels, type, class.
  std::size_t pos = 12;
  std::string qname;
  for (int labels = 0; labels < 128; ++labels) {
    if (pos >= q.size()) return {};
    auto len = static_cast<unsigned char>(q[pos]);
    if (len == 0) break;
    if (len > 63 || pos + 1 + len > q.size()) return {};
    if (!qname.empty()) qname += '.';
    qname += q.substr(pos + 1, len);
    pos += 1 + len;
  }
  ++pos;
  if (pos + 4 > q.size()) return {};
  const unsigned qtype = get16(q, pos);
  const std::string question = q.substr(12, pos + 4 - 12);
  qname = lower(qname);
  ++queries_;

  std::lock_guard lock(mu_);
  if (drop_.count(qname)) return {};
  unsigned rcode = 0;
  std::vector<const Record*> answers;
  if (servfail_.count(qname)) {
    rcode = 2;
  } else {
    bool known = false;
    for (const auto& r : records_) known = known || r.name == qname;
    if (!known) rcode = 3;
    std::string name = qname;
    for (int hop = 0; hop < kMaxChain && rcode == 0; ++hop) {
      bool found = false;
      for (const auto& r : records_)
        if (r.name == name && r.type == qtype) answers.push_back(&r), found = true;
      if (found) break;
      const Record* cname = nullptr;
      for (const auto& r : records_)
        if (r.name == name && r.type == kCname) cname = &r;
      if (!cname) break;
      answers.push_back(cname);
      if (!follow_cnames_) break;
      // Decode the (uncompressed) target.
      std::string target;
      for (std::size_t i = 0; i < cname->rdata.size() && cname->rdata[i] != 0;) {
        auto len = static_cast<unsigned char>(cname->rdata[i]);
        if (!target.empty()) target += '.';
        target += cname->rdata.substr(i + 1, len);
        i += 1 + len;
      }
      name = target;
    }
  }

  std::string r;
  r += q.substr(0, 2);                                             // id
  put16(r, 0x8000 | (get16(q, 2) & 0x0100) | 0x0080 | rcode);    // QR, RD copied, RA, rcode
  put16(r, 1);
  put16(r, static_cast<unsigned>(answers.size()));
  put16(r, 0);
  put16(r, 0);
  r += question;
  for (const Record* a : answers) {
    r += encode_name(a->name);
    put16(r, a->type);
    put16(r, 1);  // IN
    put16(r, 0);
    put16(r, 300);  // TTL
    put16(r, static_cast<unsigned>(a->rdata.size()));
    r += a->rdata;
  }
  return r;
}

}  // namespace hamail::mailsvc::outbound::testing
