// A domain name as a sequence of labels, case preserved as received or loaded, compared
// without regard to ASCII case (RFC 4343). The root is the empty sequence. Limits are
// RFC 1035's: a label 1..63 octets, the whole name (wire form) at most 255 octets.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "hamail/base/result.h"

namespace hamail::mailsvc::dns {

inline constexpr std::size_t kMaxLabel = 63;
inline constexpr std::size_t kMaxName = 255;  // wire octets, root label included

class Name {
 public:
  Name() = default;  // the root
  // Checks the limits; a label may hold any octet.
  static Result<Name> from_labels(std::vector<std::string> labels);
  // Presentation form ("mail.Example.org." or relative to nothing: a trailing dot is
  // optional, "." or "" is the root); `\.`, `\\` and `\DDD` escapes as RFC 1035.
  static Result<Name> from_text(std::string_view text);

  const std::vector<std::string>& labels() const { return labels_; }
  std::size_t label_count() const { return labels_.size(); }
  bool is_root() const { return labels_.empty(); }
  std::size_t wire_length() const;  // octets including the root label
  std::string to_text() const;      // absolute, with escapes, "." for the root

  // The name without its first `n` labels.
  Name suffix(std::size_t keep_labels) const;
  // Whether this is `other` or below it (case-insensitive).
  bool is_subdomain_of(const Name& other) const;
  // `prefix` labels + this; an error when the result is over 255 octets.
  Result<Name> prepend(const std::vector<std::string>& prefix) const;
  // A key for maps: lower-cased labels, last label first, '\0'-separated (sorts parents
  // before children, not quite RFC 4034 order; use canonical_compare for that).
  std::string key() const;
  bool is_wildcard() const { return !labels_.empty() && labels_[0] == "*"; }

 private:
  std::vector<std::string> labels_;
};

bool operator==(const Name& a, const Name& b);  // case-insensitive
// RFC 4034 6.1 canonical order: <0, 0, >0.
int canonical_compare(const Name& a, const Name& b);
bool label_equal(std::string_view a, std::string_view b);

}  // namespace hamail::mailsvc::dns
