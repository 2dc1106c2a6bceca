// SEARCH matching on one message: every node kind of search_key.h.
#include "search_match.h"

#include <strings.h>

#include <algorithm>

#include "hamail/mailsvc/mime/search.h"
#include "hamail/mailsvc/mime/sort_keys.h"
#include "hamail/mailsvc/store/fs.h"

namespace hamail::mailsvc::imapworker {
namespace {

std::int64_t day_of(std::int64_t unix_seconds) {
  return unix_seconds >= 0 ? unix_seconds / 86400 : -((-unix_seconds + 86399) / 86400);
}

bool has_flag(const store::MessageFlags& f, const std::string& name) {
  if (auto sys = store::system_flag_named(name)) return (f.system & *sys) != 0;
  return std::any_of(f.keywords.begin(), f.keywords.end(),
                     [&](const std::string& k) { return ::strcasecmp(k.c_str(), name.c_str()) == 0; });
}

}  // namespace

std::uint64_t SearchSubject::size() {
  if (!size_) {
    auto s = st_.mailbox->size(n_.uid);
    size_ = s ? *s : 0;
  }
  return *size_;
}

std::int64_t SearchSubject::internal_date() {
  if (!date_) {
    auto d = st_.mailbox->internal_date(n_.uid);
    date_ = d ? *d : 0;
  }
  return *date_;
}

const mime::MimeMessage* SearchSubject::message() {
  if (!msg_tried_) {
    msg_tried_ = true;
    auto path = st_.mailbox->file_path(n_.uid);
    if (!path) return nullptr;
    auto raw = store::read_file_bounded(*path, st_.limits.max_message_bytes);
    if (!raw) return nullptr;
    auto parsed = mime::MimeMessage::parse(*raw, {.max_bytes = st_.limits.max_message_bytes});
    if (parsed) msg_ = std::move(*parsed);
  }
  return msg_ ? &*msg_ : nullptr;
}

bool search_matches(WorkerState& st, const imap::SearchKey& key, SearchSubject& m) {
  return std::visit(
      [&](const auto& k) -> bool {
        using T = std::decay_t<decltype(k)>;
        if constexpr (std::is_same_v<T, imap::SearchAll>) {
          return true;
        } else if constexpr (std::is_same_v<T, imap::SearchFlag>) {
          if (k.flag.name == "\\Recent") return !k.present;  // no message is recent (not kept)
          return has_flag(m.state().flags, k.flag.name) == k.present;
        } else if constexpr (std::is_same_v<T, imap::SearchHeader>) {
          const mime::MimeMessage* msg = m.message();
          return msg && mime::header_matches(*msg, k.field, k.value);
        } else if constexpr (std::is_same_v<T, imap::SearchText>) {
          const mime::MimeMessage* msg = m.message();
          return msg && (k.body_only ? mime::body_matches(*msg, k.value) : mime::text_matches(*msg, k.value));
        } else if constexpr (std::is_same_v<T, imap::SearchDate>) {
          std::int64_t day = 0;
          if (k.field == imap::SearchDate::Field::internal) {
            day = day_of(m.internal_date());
          } else {
            const mime::MimeMessage* msg = m.message();
            auto sent = msg ? mime::sent_date(*msg) : std::nullopt;
            // The date as the sender wrote it; none: the internal date (as for SORT).
            day = sent ? day_of(sent->utc_seconds + std::int64_t{sent->offset_minutes} * 60) : day_of(m.internal_date());
          }
          std::int64_t want = k.date.days_since_epoch();
          switch (k.relation) {
            case imap::SearchDate::Relation::before: return day < want;
            case imap::SearchDate::Relation::on: return day == want;
            case imap::SearchDate::Relation::since: return day >= want;
          }
          return false;
        } else if constexpr (std::is_same_v<T, imap::SearchSize>) {
          return k.larger ? m.size() > k.octets : m.size() < k.octets;
        } else if constexpr (std::is_same_v<T, imap::SearchSet>) {
          if (k.set.saved_result) return std::binary_search(st.saved.begin(), st.saved.end(), m.numbers().uid);
          if (k.uid) {
            std::uint32_t last = st.view.empty() ? 1 : st.view.back();
            return k.set.contains(m.numbers().uid, last);
          }
          return k.set.contains(m.numbers().seq, static_cast<std::uint32_t>(st.view.size()));
        } else if constexpr (std::is_same_v<T, imap::SearchModSeq>) {
          return m.state().modseq >= k.modseq;
        } else if constexpr (std::is_same_v<T, imap::SearchNot>) {
          return k.key.empty() || !search_matches(st, k.key.front(), m);
        } else if constexpr (std::is_same_v<T, imap::SearchOr>) {
          return std::any_of(k.keys.begin(), k.keys.end(), [&](const imap::SearchKey& x) { return search_matches(st, x, m); });
        } else {
          return std::all_of(k.keys.begin(), k.keys.end(), [&](const imap::SearchKey& x) { return search_matches(st, x, m); });
        }
      },
      key.node);
}

bool uses_modseq(const imap::SearchKey& key) {
  return std::visit(
      [](const auto& k) -> bool {
        using T = std::decay_t<decltype(k)>;
        if constexpr (std::is_same_v<T, imap::SearchModSeq>) {
          return true;
        } else if constexpr (std::is_same_v<T, imap::SearchNot>) {
          return std::any_of(k.key.begin(), k.key.end(), uses_modseq);
        } else if constexpr (std::is_same_v<T, imap::SearchOr> || std::is_same_v<T, imap::SearchAnd>) {
          return std::any_of(k.keys.begin(), k.keys.end(), uses_modseq);
        } else {
          return false;
        }
      },
      key.node);
}

bool charset_supported(const std::string& charset) {
  return charset.empty() || ::strcasecmp(charset.c_str(), "UTF-8") == 0 || ::strcasecmp(charset.c_str(), "US-ASCII") == 0;
}

std::vector<Numbered> search_view(WorkerState& st, const imap::SearchKey& key) {
  std::vector<Numbered> out;
  for (std::size_t i = 0; i < st.view.size(); ++i) {
    auto state = st.mailbox->message(st.view[i]);
    if (!state) continue;
    SearchSubject m(st, {static_cast<std::uint32_t>(i + 1), st.view[i]}, *state);
    if (search_matches(st, key, m)) out.push_back(m.numbers());
  }
  return out;
}

}  // namespace hamail::mailsvc::imapworker
