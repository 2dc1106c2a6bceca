// Fuzz target: the DNS packet decoder. Checked: nothing crashes or trips a sanitizer; a
// packet that decodes re-encodes to one that decodes again with the same question and
// at most as many records (truncation may drop some), and each decoded name is in limits.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>

#include "hamail/mailsvc/dns/decode.h"
#include "hamail/mailsvc/dns/encode.h"

namespace {

using namespace hamail::mailsvc::dns;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "dns_decode_fuzz: %s\n", what);
  std::abort();
}

std::size_t records(const Message& m) { return m.answer.size() + m.authority.size() + m.additional.size(); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::uint8_t> packet(data, size);
  bool has_header = peek_header(packet).has_value();
  auto m = decode_message(packet);
  if (!m) {
    if (m.error().empty()) fail("empty error message");
    (void)decode_query(packet);
    return 0;
  }
  if (!has_header) fail("decoded without a header");
  for (const auto& q : m->questions) {
    if (q.name.wire_length() > kMaxName) fail("question name over 255");
  }
  auto bytes = encode_message(*m, kMaxTcp);
  auto again = decode_message(bytes);
  if (!again) fail("re-encoded message does not decode");
  if (again->questions.size() != m->questions.size()) fail("question count changed");
  for (std::size_t i = 0; i < m->questions.size(); ++i) {
    if (!(again->questions[i].name == m->questions[i].name)) fail("question name changed");
  }
  if (records(*again) > records(*m)) fail("records appeared");
  if (again->edns.has_value() != m->edns.has_value()) fail("OPT appeared or vanished");
  auto small = encode_message(*m, kMaxUdpPlain);
  if (m->questions.size() == 1 && m->questions[0].name.wire_length() < 400 && small.size() > kMaxUdpPlain &&
      !m->edns) {
    fail("UDP encoding over 512 octets");
  }
  return 0;
}
