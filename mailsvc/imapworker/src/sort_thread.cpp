// SORT and THREAD (RFC 5256) over the messages SEARCH finds: keys from mailsvc_mime's
// sort_keys.h, threads from its thread.h.
#include <strings.h>

#include <algorithm>
#include <cctype>

#include "handlers.h"
#include "hamail/mailsvc/imap/commands.h"
#include "hamail/mailsvc/mime/sort_keys.h"
#include "hamail/mailsvc/mime/thread.h"
#include "search_match.h"

namespace hamail::mailsvc::imapworker {
namespace {

struct SortRow {
  Numbered n;
  std::int64_t arrival = 0;
  std::int64_t date = 0;
  std::uint64_t size = 0;
  std::string cc, from, to, subject;
};

// i;ascii-casemap (RFC 5256 2.2).
int compare_text(const std::string& a, const std::string& b) { return ::strcasecmp(a.c_str(), b.c_str()); }

template <class T>
int compare_num(T a, T b) {
  return a < b ? -1 : (a > b ? 1 : 0);
}

SortRow sort_row(WorkerState& st, const Numbered& n, const std::vector<imap::SortCriterion>& criteria) {
  SortRow row{n};
  auto state = st.mailbox->message(n.uid);
  SearchSubject subject(st, n, state ? *state : store::MessageState{});
  row.arrival = subject.internal_date();
  row.size = subject.size();
  bool needs_message = std::any_of(criteria.begin(), criteria.end(), [](const imap::SortCriterion& c) {
    return c.key != imap::SortKey::arrival && c.key != imap::SortKey::size;
  });
  row.date = row.arrival;
  if (!needs_message) return row;
  if (const mime::MimeMessage* msg = subject.message()) {
    if (auto d = mime::sent_date(*msg)) row.date = d->utc_seconds;
    row.cc = mime::first_mailbox(*msg, "Cc").value_or("");
    row.from = mime::first_mailbox(*msg, "From").value_or("");
    row.to = mime::first_mailbox(*msg, "To").value_or("");
    row.subject = mime::base_subject(mime::decoded_subject(*msg));
  }
  return row;
}

int compare_rows(const SortRow& a, const SortRow& b, const imap::SortCriterion& c) {
  int r = 0;
  switch (c.key) {
    case imap::SortKey::arrival: r = compare_num(a.arrival, b.arrival); break;
    case imap::SortKey::date: r = compare_num(a.date, b.date); break;
    case imap::SortKey::size: r = compare_num(a.size, b.size); break;
    case imap::SortKey::cc: r = compare_text(a.cc, b.cc); break;
    case imap::SortKey::from: r = compare_text(a.from, b.from); break;
    case imap::SortKey::to: r = compare_text(a.to, b.to); break;
    case imap::SortKey::subject: r = compare_text(a.subject, b.subject); break;
  }
  return c.reverse ? -r : r;
}

}  // namespace

MailboxReply handle_sort(WorkerState& st, const imap::Command& cmd, const imap::Sort& s, const SessionFlags& flags) {
  MailboxReply reply;
  if (!charset_supported(s.charset))
    return tagged(reply, cmd.tag, "NO", "[BADCHARSET (UTF-8 US-ASCII)] Charset not supported");
  report_updates(st, flags, false, reply);
  if (reply.bye) return reply;
  std::vector<SortRow> rows;
  for (const auto& n : search_view(st, s.key)) rows.push_back(sort_row(st, n, s.criteria));
  std::stable_sort(rows.begin(), rows.end(), [&](const SortRow& a, const SortRow& b) {
    for (const auto& c : s.criteria)
      if (int r = compare_rows(a, b, c)) return r < 0;
    return a.n.seq < b.n.seq;  // the final tie-breaker: sequence order
  });
  reply.bytes += "* SORT";
  for (const auto& row : rows) reply.bytes += " " + std::to_string(s.uid ? row.n.uid : row.n.seq);
  reply.bytes += "\r\n";
  return tagged(reply, cmd.tag, "OK", imap::command_name(cmd) + " completed");
}

MailboxReply handle_thread(WorkerState& st, const imap::Command& cmd, const imap::Thread& t, const SessionFlags& flags) {
  MailboxReply reply;
  if (!charset_supported(t.charset))
    return tagged(reply, cmd.tag, "NO", "[BADCHARSET (UTF-8 US-ASCII)] Charset not supported");
  report_updates(st, flags, false, reply);
  if (reply.bye) return reply;
  std::vector<mime::ThreadInput> inputs;
  for (const auto& n : search_view(st, t.key)) {
    auto state = st.mailbox->message(n.uid);
    SearchSubject subject(st, n, state ? *state : store::MessageState{});
    mime::ThreadInput in;
    in.number = t.uid ? n.uid : n.seq;
    in.sent_date = subject.internal_date();
    if (const mime::MimeMessage* msg = subject.message()) mime::read_thread_keys(*msg, in);
    inputs.push_back(std::move(in));
  }
  auto threads = t.algorithm == imap::ThreadAlgorithm::references ? mime::thread_references(inputs)
                                                                   : mime::thread_ordered_subject(inputs);
  std::string list = mime::format_threads(threads);
  reply.bytes += "* THREAD" + (list.empty() ? std::string() : " " + list) + "\r\n";
  return tagged(reply, cmd.tag, "OK", imap::command_name(cmd) + " completed");
}

}  // namespace hamail::mailsvc::imapworker
