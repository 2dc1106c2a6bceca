// The per-query working memory of the answer path, owned by the caller and reused from one
// query to the next (one per event loop): the response sections by reference, the
// additional addresses being collected, the RRsets already added, and room for names that
// DNAME synthesis makes. Cleared per query, its capacity kept: no allocation once warm.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "hamail/mailsvc/dns/name.h"
#include "hamail/mailsvc/dns/record_ref.h"

namespace hamail::mailsvc::dns {

inline constexpr int kMaxChain = 16;  // CNAME/DNAME links followed in one answer

struct QueryScratch {
  struct Added {
    WireName owner;
    std::uint16_t type = 0;
  };
  ResponseRefs refs;
  std::vector<RecordRef> additional_a, additional_aaaa;
  std::vector<Added> added;  // owner + type of every RRset in the response (loops stop)
  // One per resolve step at most: the names DNAME substitution makes (RFC 6672).
  std::array<std::array<std::uint8_t, kMaxName>, kMaxChain + 1> synthesized;
  std::size_t synthesized_used = 0;

  void clear() {
    refs.clear();
    additional_a.clear();
    additional_aaaa.clear();
    added.clear();
    synthesized_used = 0;
  }
};

}  // namespace hamail::mailsvc::dns
