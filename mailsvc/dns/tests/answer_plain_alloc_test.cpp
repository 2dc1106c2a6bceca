// The steady state of the UDP answer path allocates nothing: operator new is counted in
// this binary of its own, and a second pass of plain queries over warm buffers (the
// daemon's per-loop QueryScratch and reply buffer) must not call it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <new>

#include "hamail/mailsvc/dns/authority.h"
#include "hamail/mailsvc/dns/encode.h"
#include "test_packets.h"
#include "test_zone.h"

namespace {
std::size_t g_allocations = 0;
}  // namespace

void* operator new(std::size_t n) {
  ++g_allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace hamail::mailsvc::dns {
namespace {

TEST(AnswerPlainAllocations, NoneOnceTheBuffersAreWarm) {
  const Authority authority = test::test_authority();
  const char* names[] = {"www.example.org",   "mail.example.org",   "example.org",       "nothere.example.org",
                         "x.wild.example.org", "y.x.old.example.org", "deep.sub.example.org", "chain1.example.org",
                         "host.other.test",   "big.example.org",    "_imap._tcp.example.org"};
  const std::uint16_t types[] = {rrtype::A, rrtype::AAAA, rrtype::MX, rrtype::TXT, rrtype::NS, rrtype::SRV, rrtype::ANY};
  std::vector<std::vector<std::uint8_t>> packets;
  for (const char* n : names) {
    for (std::uint16_t t : types) packets.push_back(encode_message(test::query(n, t, true)));
  }
  QueryScratch scratch;
  std::vector<std::uint8_t> out;
  std::size_t answered = 0;
  for (const auto& p : packets) answered += authority.answer_plain(p, {}, scratch, out) ? 1 : 0;  // warm-up
  ASSERT_EQ(answered, packets.size());
  const std::size_t before = g_allocations;
  for (int round = 0; round < 3; ++round) {
    for (const auto& p : packets) (void)authority.answer_plain(p, {}, scratch, out);
  }
  EXPECT_EQ(g_allocations - before, 0u);
  // The general path, for contrast, allocates (so the counter does count).
  const std::size_t general = g_allocations;
  (void)authority.answer_packet(packets[0], {}).encode();
  EXPECT_GT(g_allocations, general);
}

}  // namespace
}  // namespace hamail::mailsvc::dns
