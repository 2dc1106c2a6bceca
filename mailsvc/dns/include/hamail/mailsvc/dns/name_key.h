// The map key of a name (Name::key(): lower-cased labels, last first, each followed by
// '\0') computed once into a fixed buffer, with the keys of its suffixes as prefixes of it:
// a walk over a name's ancestors (zone, closest encloser) costs no allocation. Built from
// a wire-form name it also knows where each suffix starts in that wire form.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "hamail/mailsvc/dns/name.h"
#include "hamail/mailsvc/dns/wire_name.h"

namespace hamail::mailsvc::dns {

class NameKey {
 public:
  explicit NameKey(const Name& name) {
    const auto& labels = name.labels();
    count_ = labels.size();
    std::size_t at = 0;
    for (std::size_t k = 1; k <= count_; ++k) {
      for (unsigned char c : labels[count_ - k]) key_[at++] = lower(c);
      key_[at++] = '\0';
      ends_[k] = static_cast<std::uint16_t>(at);
    }
  }
  // `wire`: a well-formed uncompressed name (wire_name_length() says so).
  explicit NameKey(WireName wire) {
    std::array<std::uint8_t, kMaxName / 2 + 1> starts;  // label i starts at starts[i]
    for (std::size_t at = 0; wire[at] != 0; at += 1 + wire[at]) starts[count_++] = static_cast<std::uint8_t>(at);
    std::size_t at = 0;
    for (std::size_t k = 1; k <= count_; ++k) {
      std::size_t label = starts[count_ - k];
      for (std::size_t i = 0; i < wire[label]; ++i) key_[at++] = lower(wire[label + 1 + i]);
      key_[at++] = '\0';
      ends_[k] = static_cast<std::uint16_t>(at);
      wire_at_[k] = static_cast<std::uint8_t>(label);
    }
    wire_at_[0] = static_cast<std::uint8_t>(wire.size() - 1);
  }

  std::size_t label_count() const { return count_; }
  // The key of the name's last `keep` labels (keep <= label_count(); 0: the root).
  std::string_view suffix(std::size_t keep) const { return {key_.data(), ends_[keep]}; }
  std::string_view full() const { return suffix(count_); }
  // Built from wire: where the suffix of the last `keep` labels starts in that wire name.
  std::size_t wire_offset(std::size_t keep) const { return wire_at_[keep]; }
  // The key of "*." + the last `keep` labels (valid until the next call).
  std::string_view wildcard(std::size_t keep) {
    std::size_t n = ends_[keep];
    for (std::size_t i = 0; i < n; ++i) wild_[i] = key_[i];
    wild_[n] = '*';
    wild_[n + 1] = '\0';
    return {wild_.data(), n + 2};
  }

 private:
  static char lower(unsigned char c) { return static_cast<char>((c >= 'A' && c <= 'Z') ? c + 32 : c); }

  std::array<char, kMaxName> key_;
  std::array<char, kMaxName + 2> wild_;
  std::array<std::uint16_t, kMaxName / 2 + 2> ends_{};     // ends_[k]: end of the k-th label's key
  std::array<std::uint8_t, kMaxName / 2 + 2> wire_at_{};  // wire_at_[k]: start of that suffix
  std::size_t count_ = 0;
};

}  // namespace hamail::mailsvc::dns
