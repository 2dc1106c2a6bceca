#include "test_packets.h"

#include <cstdio>
#include <cstdlib>

namespace hamail::mailsvc::dns::test {

Name N(const std::string& text) {
  auto n = Name::from_text(text);
  if (!n) {
    std::fprintf(stderr, "bad test name %s: %s\n", text.c_str(), n.error().c_str());
    std::abort();
  }
  return *n;
}

Bytes rd_a(const std::string& dotted) {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (std::sscanf(dotted.c_str(), "%u.%u.%u.%u", &a, &b, &c, &d) != 4) std::abort();
  return {static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b), static_cast<std::uint8_t>(c),
          static_cast<std::uint8_t>(d)};
}

Bytes rd_aaaa_last(std::uint8_t last) {
  Bytes b(16, 0);
  b[0] = 0x20; b[1] = 0x01; b[2] = 0x0d; b[3] = 0xb8;
  b[15] = last;
  return b;
}

Bytes rd_name(const std::string& name) {
  Bytes b;
  append_name(b, N(name));
  return b;
}

Bytes rd_mx(std::uint16_t pref, const std::string& name) {
  Bytes b{static_cast<std::uint8_t>(pref >> 8), static_cast<std::uint8_t>(pref)};
  append_name(b, N(name));
  return b;
}

Bytes rd_srv(std::uint16_t prio, std::uint16_t weight, std::uint16_t port, const std::string& name) {
  Bytes b;
  for (std::uint16_t v : {prio, weight, port}) {
    b.push_back(static_cast<std::uint8_t>(v >> 8));
    b.push_back(static_cast<std::uint8_t>(v));
  }
  append_name(b, N(name));
  return b;
}

Bytes rd_soa(const std::string& mname, const std::string& rname, std::uint32_t serial, std::uint32_t minimum) {
  Bytes b;
  append_name(b, N(mname));
  append_name(b, N(rname));
  for (std::uint32_t v : {serial, 3600u, 900u, 604800u, minimum}) {
    for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<std::uint8_t>(v >> s));
  }
  return b;
}

Bytes rd_txt(std::initializer_list<std::string> strings) {
  Bytes b;
  for (const auto& s : strings) {
    b.push_back(static_cast<std::uint8_t>(s.size()));
    b.insert(b.end(), s.begin(), s.end());
  }
  return b;
}

Record rr(const std::string& owner, std::uint16_t type, std::uint32_t ttl, Bytes rdata) {
  Record r;
  r.owner = N(owner);
  r.type = type;
  r.ttl = ttl;
  r.rdata = std::move(rdata);
  return r;
}

Message query(const std::string& name, std::uint16_t type, bool edns) {
  Message m;
  m.header.id = 0x1234;
  m.header.rd = true;
  m.questions.push_back({N(name), type, kClassIN});
  if (edns) m.edns = Edns{0, 1232, false, {}};
  return m;
}

}  // namespace hamail::mailsvc::dns::test
