#include "hamail/mailsvc/store/index_text.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <string_view>

namespace hamail::mailsvc::store {

namespace {

constexpr std::size_t kMaxNumber = 20;  // digits of the largest std::uint64_t

char* put_number(char* p, std::uint64_t v) { return std::to_chars(p, p + kMaxNumber, v).ptr; }

char* put_text(char* p, const std::string& s) {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

}  // namespace

void serialize_index_into(const MailboxIndex& index, std::string& out) {
  // An upper bound first (numbers at their widest), then every byte through one pointer.
  constexpr std::size_t kHeader = sizeof "hamail-uids v2 " + 4 * (kMaxNumber + 1);
  std::size_t bound = kHeader;
  for (const auto& e : index.entries()) bound += 2 * (kMaxNumber + 1) + e.flags.size() + 1 + e.base.size() + 2;
  bound += index.expunge_log().size() * (2 + 2 * (kMaxNumber + 1));
  out.resize(bound);  // keeps the capacity of an earlier, larger text
  char* const start = out.data();
  char* p = start;
  static constexpr std::string_view kMagic = "hamail-uids v2 ";
  p = std::copy(kMagic.begin(), kMagic.end(), p);
  p = put_number(p, index.uidvalidity());
  *p++ = ' ';
  p = put_number(p, index.next_uid());
  *p++ = ' ';
  p = put_number(p, index.highest_modseq());
  *p++ = ' ';
  p = put_number(p, index.expunge_log_floor());
  *p++ = '\n';
  for (const auto& e : index.entries()) {
    p = put_number(p, e.uid);
    *p++ = ' ';
    p = put_number(p, e.modseq);
    *p++ = ' ';
    if (e.flags.empty()) *p++ = '-';
    else p = put_text(p, e.flags);
    *p++ = ' ';
    p = put_text(p, e.base);
    *p++ = '\n';
  }
  for (const auto& x : index.expunge_log()) {
    *p++ = 'x';
    *p++ = ' ';
    p = put_number(p, x.uid);
    *p++ = ' ';
    p = put_number(p, x.modseq);
    *p++ = '\n';
  }
  out.resize(static_cast<std::size_t>(p - start));
}

}  // namespace hamail::mailsvc::store
