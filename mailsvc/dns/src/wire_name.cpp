// Wire-form name helpers: bounds, case-insensitive comparison, conversion to and from Name.
#include "hamail/mailsvc/dns/wire_name.h"

#include "hamail/mailsvc/dns/record.h"

namespace hamail::mailsvc::dns {
namespace {

unsigned char lower(unsigned char c) { return (c >= 'A' && c <= 'Z') ? static_cast<unsigned char>(c + 32) : c; }

}  // namespace

std::optional<std::size_t> wire_name_length(std::span<const std::uint8_t> bytes) {
  std::size_t at = 0;
  while (true) {
    if (at >= bytes.size() || at >= kMaxName) return std::nullopt;
    std::uint8_t len = bytes[at];
    if (len == 0) return at + 1;
    if (len > kMaxLabel) return std::nullopt;
    at += 1 + len;
  }
}

bool wire_equal(WireName a, WireName b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;  // length octets are < 64: never changed by lower()
  }
  return true;
}

Name name_from_wire(WireName wire) {
  std::vector<std::string> labels;
  for (std::size_t at = 0; at < wire.size() && wire[at] != 0; at += 1 + wire[at]) {
    labels.emplace_back(reinterpret_cast<const char*>(&wire[at + 1]), wire[at]);
  }
  auto n = Name::from_labels(std::move(labels));
  return n ? *n : Name();
}

std::vector<std::uint8_t> wire_of(const Name& name) {
  std::vector<std::uint8_t> out;
  out.reserve(name.wire_length());
  append_name(out, name);
  return out;
}

}  // namespace hamail::mailsvc::dns
