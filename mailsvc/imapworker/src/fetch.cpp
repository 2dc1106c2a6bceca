// FETCH / UID FETCH: flags, dates, sizes, UID, MODSEQ from the store; ENVELOPE,
// BODYSTRUCTURE, BODY[section]<partial>, BINARY from the parsed message (mailsvc_mime);
// \Seen set by BODY[] / RFC822 / BINARY without .PEEK; CHANGEDSINCE and VANISHED.
#include <algorithm>
#include <cstdint>

#include "handlers.h"
#include "hamail/mailsvc/imap/date_time.h"
#include "hamail/mailsvc/imap/response_text.h"
#include "hamail/mailsvc/imap/sequence_set.h"
#include "hamail/mailsvc/mime/fetch.h"
#include "hamail/mailsvc/mime/message.h"
#include "hamail/mailsvc/store/fs.h"

namespace hamail::mailsvc::imapworker {
namespace {

using Kind = imap::FetchItem::Kind;

bool needs_content(const imap::FetchItem& item) {
  switch (item.kind) {
    case Kind::flags: case Kind::internal_date: case Kind::rfc822_size: case Kind::uid: case Kind::modseq:
      return false;
    default:
      return true;
  }
}

bool sets_seen(const imap::FetchItem& item) {
  switch (item.kind) {
    case Kind::rfc822: case Kind::rfc822_text: return true;
    case Kind::body_section: case Kind::binary: return !item.peek;
    default: return false;
  }
}

// Appends `data` as a literal (literal8 when it holds a NUL): the message's bytes are
// copied once, into the reply.
void append_literal(std::string& out, std::string_view data) {
  bool nul = data.find('\0') != std::string_view::npos;
  out.append(nul ? "~{" : "{").append(std::to_string(data.size())).append("}\r\n").append(data);
}

std::string_view cut(std::string_view data, const std::optional<imap::Partial>& partial) {
  if (!partial) return data;
  if (partial->offset >= data.size()) return {};
  return data.substr(partial->offset, partial->length);
}

// mime's "UNKNOWN-CTE: x-foo" as "[UNKNOWN-CTE] ..." (RFC 3516).
Error cte_error(const std::string& e) {
  return Error{"[" + e.substr(0, e.find(':')) + "] Cannot decode: " + e};
}

// The item sends the whole message (what the log calls a message read).
bool whole_message(const imap::FetchItem& i) {
  bool whole_section = i.section.part.empty() && i.section.text == imap::SectionText::none && !i.partial;
  return i.kind == Kind::rfc822 || ((i.kind == Kind::body_section || i.kind == Kind::binary) && whole_section);
}

std::string file_name_of(const std::string& path) { return path.substr(path.rfind('/') + 1); }

// Appends one message's FETCH response to `out`, or leaves `out` as it was and returns an
// error for a tagged NO. A whole message sent adds its file's name to `files_read`.
Status fetch_one(WorkerState& st, const Numbered& n, const std::vector<imap::FetchItem>& items, bool add_flags,
                 std::vector<std::string>& files_read, std::string& out) {
  store::Mailbox& mb = *st.mailbox;
  auto state = mb.message(n.uid);
  if (!state) return Error{"[EXPUNGEISSUED] Some messages were expunged meanwhile"};
  std::optional<mime::MimeMessage> msg;
  if (std::any_of(items.begin(), items.end(), needs_content)) {
    auto path = mb.file_path(n.uid);
    if (!path) return Error{"[EXPUNGEISSUED] Some messages were expunged meanwhile"};
    auto raw = store::read_file_bounded(*path, st.limits.max_message_bytes);
    if (!raw) return Error{"[SERVERBUG] Cannot read a message: " + raw.error()};
    auto parsed = mime::MimeMessage::parse(*raw, {.max_bytes = st.limits.max_message_bytes});
    if (!parsed) return Error{"[SERVERBUG] Cannot parse a message: " + parsed.error()};
    msg = std::move(*parsed);
    if (std::any_of(items.begin(), items.end(), whole_message)) files_read.push_back(file_name_of(*path));
  }
  const std::size_t start = out.size();
  auto fail = [&](Error e) {
    out.resize(start);
    return e;
  };
  out.append("* ").append(std::to_string(n.seq)).append(" FETCH (");
  bool first = true;
  auto add = [&]() -> std::string& {
    if (!first) out += ' ';
    first = false;
    return out;
  };
  for (const auto& item : items) {
    switch (item.kind) {
      case Kind::uid: add().append("UID ").append(std::to_string(n.uid)); break;
      case Kind::flags: add().append("FLAGS ").append(flag_list(state->flags)); break;
      case Kind::modseq: add().append("MODSEQ (").append(std::to_string(state->modseq)).append(")"); break;
      case Kind::internal_date: {
        auto t = mb.internal_date(n.uid);
        if (!t) return fail(Error{"[EXPUNGEISSUED] Some messages were expunged meanwhile"});
        add().append("INTERNALDATE \"").append(imap::format_date_time(*t, 0)).append("\"");
        break;
      }
      case Kind::rfc822_size: {
        if (msg) {
          add().append("RFC822.SIZE ").append(std::to_string(msg->bytes().size()));
        } else {
          auto size = mb.size(n.uid);
          if (!size) return fail(Error{"[EXPUNGEISSUED] Some messages were expunged meanwhile"});
          add().append("RFC822.SIZE ").append(std::to_string(*size));
        }
        break;
      }
      case Kind::envelope: add().append("ENVELOPE ").append(mime::envelope(*msg)); break;
      case Kind::body: add().append("BODY ").append(mime::body_structure(*msg, false)); break;
      case Kind::body_structure: add().append("BODYSTRUCTURE ").append(mime::body_structure(*msg, true)); break;
      case Kind::rfc822: append_literal(add().append(imap::response_name(item)).append(" "), msg->bytes()); break;
      case Kind::rfc822_header:
        append_literal(add().append(imap::response_name(item)).append(" "),
                       mime::section_bytes(*msg, {{}, imap::SectionText::header, {}}));
        break;
      case Kind::rfc822_text:
        append_literal(add().append(imap::response_name(item)).append(" "),
                       mime::section_bytes(*msg, {{}, imap::SectionText::text, {}}));
        break;
      case Kind::body_section: {
        // BODY[] (the whole message) straight from the parsed bytes; a section is cut out.
        bool whole = item.section.part.empty() && item.section.text == imap::SectionText::none;
        std::string section = whole ? std::string() : mime::section_bytes(*msg, item.section);
        append_literal(add().append(imap::response_name(item)).append(" "),
                       cut(whole ? std::string_view(msg->bytes()) : std::string_view(section), item.partial));
        break;
      }
      case Kind::binary: {
        auto data = mime::binary_section(*msg, item.section);
        if (!data) return fail(cte_error(data.error()));
        append_literal(add().append(imap::response_name(item)).append(" "), cut(*data, item.partial));
        break;
      }
      case Kind::binary_size: {
        auto size = mime::binary_size(*msg, item.section);
        if (!size) return fail(cte_error(size.error()));
        add().append(imap::response_name(item)).append(" ").append(std::to_string(*size));
        break;
      }
    }
  }
  if (add_flags) add().append("FLAGS ").append(flag_list(state->flags));
  out.append(")\r\n");
  return Status::ok();
}

bool has(const std::vector<imap::FetchItem>& items, Kind kind) {
  return std::any_of(items.begin(), items.end(), [&](const imap::FetchItem& i) { return i.kind == kind; });
}

}  // namespace

std::optional<FetchCursor> begin_fetch(WorkerState& st, const imap::Command& cmd, const imap::Fetch& f,
                                       const SessionFlags& flags, MailboxReply& reply) {
  report_updates(st, flags, false, reply);
  if (reply.bye) return std::nullopt;
  FetchCursor c;
  c.tag = cmd.tag;
  c.done_text = imap::command_name(cmd) + " completed";
  c.items = f.items;
  std::vector<imap::FetchItem>& items = c.items;
  if (f.uid && !has(items, Kind::uid)) items.insert(items.begin(), imap::FetchItem{.kind = Kind::uid});
  c.condstore = flags.condstore || flags.qresync;
  if ((f.changed_since || has(items, Kind::modseq)) && !c.condstore) c.condstore_now_on = c.condstore = true;
  if (f.changed_since && !has(items, Kind::modseq)) items.push_back(imap::FetchItem{.kind = Kind::modseq});

  c.set = resolve_set(st, f.set, f.uid);
  std::vector<Numbered>& set = c.set;
  store::Mailbox& mb = *st.mailbox;
  if (f.vanished && f.changed_since) {
    std::uint32_t last = mb.next_uid() > 1 ? mb.next_uid() - 1 : 1;
    std::vector<std::uint32_t> gone;
    if (auto log = mb.expunged_since(*f.changed_since)) {
      for (std::uint32_t u : *log)
        if (f.set.contains(u, last)) gone.push_back(u);
    } else {
      for (const auto& r : f.set.resolve(last))
        for (std::uint64_t u = std::max<std::uint32_t>(r.first, 1); u <= r.last && u < mb.next_uid(); ++u)
          if (!mb.message(static_cast<std::uint32_t>(u))) gone.push_back(static_cast<std::uint32_t>(u));
    }
    std::sort(gone.begin(), gone.end());
    gone.erase(std::unique(gone.begin(), gone.end()), gone.end());
    if (!gone.empty()) reply.bytes += "* VANISHED (EARLIER) " + imap::format_sequence_set(gone) + "\r\n";
  }
  if (f.changed_since) {
    std::erase_if(set, [&](const Numbered& n) {
      auto m = mb.message(n.uid);
      return m && m->modseq <= *f.changed_since;
    });
  }
  // \Seen first, so FLAGS and MODSEQ in the answer are the new ones.
  if (!st.read_only && std::any_of(items.begin(), items.end(), sets_seen)) {
    std::vector<std::uint32_t> unseen;
    for (const auto& n : set)
      if (auto m = mb.message(n.uid); m && !(m->flags.system & store::kSeen)) unseen.push_back(n.uid);
    if (!unseen.empty()) {
      store::MessageFlags seen;
      seen.system = store::kSeen;
      if (auto r = mb.store_flags(unseen, store::FlagOp::add, seen, std::nullopt); r) {
        for (const auto& [uid, modseq] : r->modified) c.seen_now.push_back(uid);
        std::sort(c.seen_now.begin(), c.seen_now.end());
      }
    }
  }
  c.flags_asked = has(items, Kind::flags);
  return c;
}

bool continue_fetch(WorkerState& st, FetchCursor& c, MailboxReply& reply, std::size_t part_bytes) {
  while (c.next < c.set.size()) {
    const Numbered& n = c.set[c.next++];
    bool now_seen = std::binary_search(c.seen_now.begin(), c.seen_now.end(), n.uid);
    Status line = [&] {
      if (!(now_seen && c.condstore && !has(c.items, Kind::modseq)))
        return fetch_one(st, n, c.items, now_seen && !c.flags_asked, reply.files_read, reply.bytes);
      auto extra = c.items;
      extra.push_back(imap::FetchItem{.kind = Kind::modseq});
      return fetch_one(st, n, extra, now_seen && !c.flags_asked, reply.files_read, reply.bytes);
    }();
    if (!line && c.error.empty()) c.error = line.message();
    if (reply.bytes.size() >= part_bytes) break;
  }
  if (c.next < c.set.size()) return false;
  reply.condstore_now_on = c.condstore_now_on;
  if (!c.error.empty()) tagged_no(st, reply, c.tag, "", c.error);
  else tagged(reply, c.tag, "OK", c.done_text);
  return true;
}

MailboxReply handle_fetch(WorkerState& st, const imap::Command& cmd, const imap::Fetch& f, const SessionFlags& flags) {
  MailboxReply reply;
  if (auto c = begin_fetch(st, cmd, f, flags, reply)) continue_fetch(st, *c, reply, SIZE_MAX);
  return reply;
}

}  // namespace hamail::mailsvc::imapworker
