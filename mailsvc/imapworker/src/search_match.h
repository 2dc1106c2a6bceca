// SEARCH criteria evaluated on one message (RFC 3501 6.4.4, RFC 7162 MODSEQ): flags and
// modseq from the store, sizes and dates on demand, headers and text through the parsed
// message, which is read at most once per message and only when a key needs it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "handlers.h"
#include "hamail/mailsvc/imap/search_key.h"
#include "hamail/mailsvc/mime/message.h"

namespace hamail::mailsvc::imapworker {

// One message as the search sees it; the expensive parts are loaded when first asked.
class SearchSubject {
 public:
  SearchSubject(WorkerState& st, Numbered n, store::MessageState state) : st_(st), n_(n), state_(std::move(state)) {}
  const Numbered& numbers() const { return n_; }
  const store::MessageState& state() const { return state_; }
  std::uint64_t size();
  std::int64_t internal_date();
  const mime::MimeMessage* message();  // nullptr: unreadable (matches no content key)

 private:
  WorkerState& st_;
  Numbered n_;
  store::MessageState state_;
  std::optional<std::uint64_t> size_;
  std::optional<std::int64_t> date_;
  std::optional<mime::MimeMessage> msg_;
  bool msg_tried_ = false;
};

bool search_matches(WorkerState& st, const imap::SearchKey& key, SearchSubject& m);
bool uses_modseq(const imap::SearchKey& key);
// A charset SEARCH/SORT/THREAD can take: none, UTF-8 or US-ASCII.
bool charset_supported(const std::string& charset);
// The messages of the view that match, ascending (pending expunges left out).
std::vector<Numbered> search_view(WorkerState& st, const imap::SearchKey& key);

}  // namespace hamail::mailsvc::imapworker
